//! Plain-text articles: paragraphs are separated by blank lines; the first one-line paragraph
//! is the title; a short one-line paragraph that does not end like a sentence is a heading,
//! and so is a short line right above a paragraph whose lines are set apart from it (more
//! indented, or much longer: `Article 1` over its text, as the UDHR files have it).
//!
//! Book divisions are levels: VOLUME above PART (and EPILOGUE, PROLOGUE) above BOOK above
//! CHAPTER, in English and German (`Band`, `Teil`, `Buch`, `Kapitel`), so a chapter's section
//! path names its book. Any other heading sits below a chapter: a false heading inside a
//! book (a letter's signature, a name on a line of its own) then only shortens the chapter
//! it is in, instead of taking the chapters after it out of their book. Levels depend only
//! on the heading's own line, so a book read in pieces gets the levels it gets read whole.
//!
//! Indented paragraphs are prose unless their lines are indented unevenly (code, or verse
//! set out in a shape): they are reflowed like any other paragraph, without the indent.

use unicode_width::UnicodeWidthStr;

use super::sanitize::is_letter;
use super::{Block, BlockKind, Part};

/// Longest line, in characters, that can still be a heading.
const HEADING_MAX_CHARS: usize = 100;
/// A paragraph whose lines are all at most this long keeps its line breaks (verse, addresses,
/// sign-offs); longer lines are hard-wrapped prose and are joined.
const SHORT_LINE_CHARS: usize = 45;
/// Lines wider than this (in cells) were not hard-wrapped: each line of such a paragraph is a
/// paragraph of its own, and the line breaks are kept.
const LONG_LINE_CELLS: usize = 100;
/// Widest heading (in cells) found right above a paragraph without a blank line between.
const LEADING_HEADING_CELLS: usize = 40;
/// A line this long (in bytes) or longer below a short line does not make that line a
/// heading: a part of a text read in pieces may end between the two, and the part must
/// decide as the whole does (pieces are at least 4 KiB, see `stream::Loader::next`).
const NEXT_LINE_MAX_BYTES: usize = 2048;
/// A one-line paragraph indented this much or more is a heading only when it is short and
/// centred: a deeply indented long line is a quotation or a numbered clause, and a short
/// one far to the right is a signature.
const DEEP_INDENT: usize = 8;

/// Heading levels of plain text: book divisions, then any other heading below a chapter.
pub const VOLUME: u8 = 1;
pub const PART: u8 = 2;
pub const BOOK: u8 = 3;
pub const CHAPTER: u8 = 4;
pub const OTHER_HEADING: u8 = 5;

/// Returns the title (if the text starts with a one-line paragraph) and the blocks.
pub fn parse(text: &str) -> (Option<String>, Vec<Block>) {
    parse_part(
        text,
        Part {
            first: true,
            ..Part::default()
        },
    )
}

/// Parses a part of a text read in pieces (see [`Part`]): only the first part has a title;
/// a paragraph cut at either end is only a piece of one, never a title or heading, and the
/// one at the start goes on from the part before.
pub fn parse_piece(text: &str, part: Part) -> (Option<String>, Vec<Block>) {
    let (title, mut blocks) = parse_part(text, part);
    if let Some(first) = super::continuing(&mut blocks, text, part.continues) {
        if first.is_heading() {
            first.kind = BlockKind::Paragraph;
        }
        first.continued = true;
    }
    (title, blocks)
}

fn parse_part(text: &str, part: Part) -> (Option<String>, Vec<Block>) {
    let mut blocks = Vec::new();
    let mut title = None;
    // The first paragraph goes on from the part before: it is no heading, and has none.
    let continues = goes_on(text, part);
    let (all_lines, paragraphs) = paragraphs(text);
    let last = paragraphs.len().saturating_sub(1);
    // The paragraph before stops inside a sentence.
    let mut open = part.after_open;
    for (index, range) in paragraphs.into_iter().enumerate() {
        let lines = &all_lines[range];
        // The last paragraph of a part cut inside it is only its beginning.
        let fragment = part.ends_inside && index == last;
        let inside = fragment || (continues && index == 0);
        let after_open = std::mem::replace(&mut open, leaves_sentence_open(lines, inside));
        if lines.len() == 1 && inside {
            blocks.push(Block::new(
                BlockKind::Paragraph,
                lines[0].trim().to_string(),
            ));
            continue;
        }
        if lines.len() == 1 {
            let line = lines[0].trim();
            if index == 0 && part.first {
                title = Some(line.to_string());
                blocks.push(Block::new(BlockKind::Title, line.to_string()));
                open = false;
            } else if after_open && heading_level(line).is_some_and(|l| l >= OTHER_HEADING) {
                // It goes on from the paragraph before (`…no one can love you more than
                // does` / `Your Sónya`); a book division is a heading wherever it is.
                blocks.push(Block::new(BlockKind::Paragraph, line.to_string()));
            } else {
                blocks.push(one_line_block(lines[0]));
            }
            continue;
        }
        // Headings right above their text; not in the opening paragraph (a title is a
        // paragraph of its own) nor in one that goes on from the part before.
        let mut rest = lines;
        if !(index == 0 && (part.first || continues)) {
            if let Some(heading) = chapter_with_title(rest, fragment) {
                blocks.push(heading);
                continue;
            }
            // Whether the line left after the headings was set apart from them by its indent
            // (then it may be a heading too), rather than by being a long line of text.
            let mut set_apart = false;
            while rest.len() >= 2
                && let Some((level, apart)) = leading_heading(rest[0], rest[1])
            {
                blocks.push(Block::new(
                    BlockKind::Heading { level },
                    rest[0].trim().to_string(),
                ));
                rest = &rest[1..];
                set_apart = apart;
            }
            if rest.len() == 1 && set_apart && !fragment {
                blocks.push(one_line_block(rest[0]));
                continue;
            }
        }
        blocks.push(paragraph_block(rest));
    }
    for block in &mut blocks {
        link_urls(block);
    }
    (title, blocks)
}

/// Bare `http://` and `https://` URLs in a block's text become links (found by linkify,
/// which knows where a URL in prose ends: not at the full stop or the closing parenthesis
/// after it).
fn link_urls(block: &mut Block) {
    // memchr's vector search, set up once: every block of every piece is asked.
    static SCHEME: std::sync::OnceLock<memchr::memmem::Finder<'static>> =
        std::sync::OnceLock::new();
    let scheme = SCHEME.get_or_init(|| memchr::memmem::Finder::new(b"://"));
    if scheme.find(block.text.as_bytes()).is_none() {
        return;
    }
    let mut finder = linkify::LinkFinder::new();
    finder
        .kinds(&[linkify::LinkKind::Url])
        .url_must_have_scheme(true);
    let found: Vec<(std::ops::Range<usize>, String)> = finder
        .links(&block.text)
        .filter(|link| {
            let url = link.as_str().to_ascii_lowercase();
            url.starts_with("http://") || url.starts_with("https://")
        })
        .map(|link| (link.start()..link.end(), link.as_str().to_string()))
        .collect();
    for (range, url) in found {
        block.add_link(range, &url);
    }
}

/// Whether the first paragraph of `text`, a part read in pieces, goes on from the part
/// before: that part was cut inside a block, and this one does not start with a blank line.
fn goes_on(text: &str, part: Part) -> bool {
    part.continues && super::starts_inside(text)
}

/// Whether a paragraph of `lines` (`more`: it has lines in another part too) stops
/// inside a sentence: it is prose, not a line that is a heading, and its last line ends on
/// a small letter or a comma (`…no one can love you more than does`, `Schönbrunn, 25th
/// Brumaire, 1805,`), closing quotes aside. (Scripts without capitals, Thai, Chinese,
/// Japanese, may end a paragraph on any letter: they never leave one open.) A short line
/// right after it goes on from it (a letter's signature, the rest of a dateline), and is
/// no heading.
pub fn leaves_sentence_open(lines: &[&str], more: bool) -> bool {
    let Some(last) = lines.last() else {
        return false;
    };
    let last = last
        .trim_end()
        .trim_end_matches(['"', '\'', '“', '”', '‘', '’', '«', '»', '‹', '›', ')']);
    let open = last
        .chars()
        .next_back()
        .is_some_and(|c| c.is_lowercase() || c == ',');
    open && (more || lines.len() > 1 || heading_level(lines[0]).is_none())
}

/// Whether `text`, a part of a plain text read in pieces (`part`), ends with a paragraph
/// that stops inside a sentence ([`leaves_sentence_open`]): what the next part is told.
pub fn ends_sentence_open(text: &str, part: Part) -> bool {
    // The last paragraph's lines, from the end (a piece is long; only its end matters).
    let mut lines = Vec::new();
    let mut first_of_part = true;
    for line in text.rsplit('\n') {
        if line.trim().is_empty() {
            if lines.is_empty() {
                continue;
            }
            first_of_part = false;
            break;
        }
        lines.push(line);
    }
    if lines.is_empty() {
        return false;
    }
    lines.reverse();
    // As `parse_part` tells it of the paragraph: it has lines in another part when it goes
    // on from the part before or on into the next.
    let more = part.ends_inside || (goes_on(text, part) && first_of_part);
    leaves_sentence_open(&lines, more)
}

/// A paragraph of one line: a heading or a paragraph.
fn one_line_block(line: &str) -> Block {
    match heading_level(line) {
        Some(level) => Block::new(BlockKind::Heading { level }, line.trim().to_string()),
        None => Block::new(BlockKind::Paragraph, line.trim().to_string()),
    }
}

/// Groups lines into paragraphs separated by lines that are empty or only whitespace: the
/// lines that are not, and the range of them each paragraph is (two vectors for a whole
/// part, not one per paragraph).
fn paragraphs(text: &str) -> (Vec<&str>, Vec<std::ops::Range<usize>>) {
    let mut lines = Vec::new();
    let mut ranges = Vec::new();
    let mut start = 0;
    // The line breaks found by memchr's vector search.
    let mut from = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]) {
        let line = &text[from..end];
        from = end + 1;
        if !line.trim().is_empty() {
            lines.push(line);
            continue;
        }
        if lines.len() > start {
            ranges.push(start..lines.len());
        }
        start = lines.len();
    }
    if lines.len() > start {
        ranges.push(start..lines.len());
    }
    (lines, ranges)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn paragraph_block(lines: &[&str]) -> Block {
    let indents: Vec<usize> = lines.iter().map(|l| indent(l)).collect();
    let min_indent = indents.iter().copied().min().unwrap_or(0);
    // Indented lines whose indent changes after the first line (the first may be indented
    // more or less, like any paragraph's) are code or shaped verse: kept as they are.
    let uneven = indents
        .get(1..)
        .is_some_and(|rest| rest.iter().any(|&i| i != rest[0]));
    if min_indent >= 4 && uneven {
        let text = lines
            .iter()
            .map(|l| l[min_indent..].trim_end())
            .collect::<Vec<_>>()
            .join("\n");
        return Block::new(BlockKind::Code, text);
    }
    let lines: Vec<&str> = lines.iter().map(|l| l.trim()).collect();
    let short = lines.iter().all(|l| !more_chars_than(l, SHORT_LINE_CHARS));
    // A line longer than any hard wrap (not counting one long word, a web address) means
    // the text was written a paragraph per line.
    let unwrapped = lines
        .iter()
        .any(|l| l.contains(' ') && cells(l) > LONG_LINE_CELLS);
    let mut text = String::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in &lines {
        if let Some(before) = text.chars().next_back() {
            if short || unwrapped {
                text.push('\n');
            } else if !(is_wide(before) && line.chars().next().is_some_and(is_wide)) {
                // Hard-wrapped Chinese or Japanese joins without a space.
                text.push(' ');
            }
        }
        text.push_str(line);
    }
    Block::new(BlockKind::Paragraph, text)
}

/// The width of `text` in cells, as unicode-width gives it: a line of printable ASCII (most
/// lines of most books) is as wide as it is long, without looking each character up.
fn cells(text: &str) -> usize {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        text.len()
    } else {
        text.width()
    }
}

/// Whether `text` has more than `n` characters, without counting them all in a long text
/// (a character is one to four bytes).
fn more_chars_than(text: &str, n: usize) -> bool {
    text.len() > n && (text.len() > 4 * n || text.chars().count() > n)
}

/// A character of a script written without spaces (two cells wide).
fn is_wide(c: char) -> bool {
    unicode_width::UnicodeWidthChar::width(c) == Some(2)
}

/// The level of a one-line paragraph that is a heading.
fn heading_level(line: &str) -> Option<u8> {
    let text = line.trim();
    let indent = indent(line.trim_end());
    if indent >= DEEP_INDENT {
        let width = cells(text);
        // Centred on a page of 56 to 90 columns.
        if width > LEADING_HEADING_CELLS || !(56..=90).contains(&(2 * indent + width)) {
            return None;
        }
    }
    if let Some(level) = division_level(text) {
        return Some(level);
    }
    is_heading(text).then_some(OTHER_HEADING)
}

/// The first line of a paragraph as a heading above the rest, if it is one: a book
/// division, or a short heading-like line above a line that is set apart from it (indented
/// below a line that is not, or at least twice as wide) and that does not go on with a small
/// letter. Returns the level, and whether the next line was set apart by its indent.
fn leading_heading(first: &str, second: &str) -> Option<(u8, bool)> {
    if second.len() >= NEXT_LINE_MAX_BYTES {
        return None;
    }
    let level = heading_level(first)?;
    if level < OTHER_HEADING {
        return Some((level, false));
    }
    let (head, next) = (first.trim(), second.trim());
    if cells(head) > LEADING_HEADING_CELLS || next.starts_with(char::is_lowercase) {
        return None;
    }
    let set_apart = indent(first) == 0 && indent(second) >= 4;
    // A short line of text below counts when it ends a sentence: `第三条` over
    // `人人有权享有生命、自由和人身安全。`.
    let wider = cells(next) >= 2 * cells(head)
        && (cells(next) > SHORT_LINE_CHARS || ends_with_full_stop(next));
    (set_apart || wider).then_some((level, set_apart))
}

/// A book division on two lines, `CHAPTER I.` over `DOWN THE RABBIT-HOLE`, as one heading.
fn chapter_with_title(lines: &[&str], fragment: bool) -> Option<Block> {
    let [first, second] = lines else {
        return None;
    };
    let level = division_level(first.trim()).filter(|_| !fragment)?;
    let title = second.trim();
    let titled = cells(title) <= LEADING_HEADING_CELLS
        && (is_heading(title) || !title.chars().any(char::is_lowercase));
    titled.then(|| {
        Block::new(
            BlockKind::Heading { level },
            format!("{} {}", first.trim(), title),
        )
    })
}

/// The level of a book division heading: `CHAPTER XII`, `BOOK TWO: 1805`, `FIRST
/// EPILOGUE`, `Erstes Kapitel`, `Teil 2 – Die Reise`, or a Roman numeral alone (the
/// chapters of an epilogue). `None` for anything else, such as `Book two of the series`.
pub fn division_level(text: &str) -> Option<u8> {
    if more_chars_than(text, HEADING_MAX_CHARS) {
        return None;
    }
    // Every division starts with a capital or a keyword in ASCII: not with a letter of a
    // script without case (Chinese, Hindi, Arabic, Thai...) nor any other character outside
    // ASCII that is no capital. (The Kelvin sign is the one that lower-cases into ASCII.)
    if text
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| !c.is_ascii() && c != '\u{212A}' && !c.is_uppercase())
    {
        return None;
    }
    // The first three words are all it looks at (and whether there are two, or one).
    let mut first = [""; 3];
    let mut count = 0;
    for (slot, word) in first.iter_mut().zip(text.split_whitespace()) {
        *slot = word;
        count += 1;
    }
    let words = &first[..count];
    fn bare(w: &str) -> &str {
        w.trim_end_matches([':', '.', ',', '—', '–'])
    }
    // A word ends the label when it carries a separator or is followed by one.
    let ends_label = |i: usize| {
        i + 1 == words.len()
            || words[i] != bare(words[i])
            || matches!(words[i + 1], "-" | "—" | "–" | ":")
    };
    match words {
        [one] if is_roman(bare(one)) && one.chars().next().is_some_and(char::is_uppercase) => {
            return Some(CHAPTER);
        }
        [one, ..] if ends_label(0) => {
            if let Some(level) = keyword_level(bare(one)).filter(|&l| l == PART) {
                // Only the divisions that need no number: EPILOGUE, PROLOGUE.
                return (!bare(one).eq_ignore_ascii_case("part")
                    && !bare(one).eq_ignore_ascii_case("teil"))
                .then_some(level);
            }
        }
        _ => {}
    }
    if words.len() < 2 || !ends_label(1) {
        return None;
    }
    let (a, b) = (bare(words[0]), bare(words[1]));
    if !a.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    // `CHAPTER XII`, `Kapitel 3`, `BOOK FIRST`.
    if let Some(level) = keyword_level(a)
        && (is_number(b) || is_ordinal(b))
    {
        return Some(level);
    }
    // `FIRST EPILOGUE`, `Erstes Kapitel`, `1. Teil`, `II. Buch`.
    if (is_ordinal(a) || (is_number(a) && words[0].ends_with('.')))
        && let Some(level) = keyword_level(b)
    {
        return Some(level);
    }
    None
}

fn keyword_level(word: &str) -> Option<u8> {
    // The only character outside ASCII that lower-cases into ASCII letters is the Kelvin
    // sign (`BOO\u{212A}` is `book`): any other such word is no keyword, and is not lowered
    // (every paragraph of one line asks).
    if word.len() > 3 * "prologue".len() || !word.is_ascii() && !word.contains('\u{212A}') {
        return None;
    }
    let lower = word.to_lowercase();
    Some(match lower.as_str() {
        "volume" | "band" => VOLUME,
        "part" | "teil" | "epilogue" | "prologue" | "epilog" | "prolog" => PART,
        "book" | "buch" => BOOK,
        "chapter" | "kapitel" => CHAPTER,
        _ => return None,
    })
}

/// Digits (of any script), a Roman numeral, or an English number word (`TWO`,
/// `TWENTY-ONE`).
fn is_number(word: &str) -> bool {
    const WORDS: [&str; 28] = [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
    ];
    if !word.is_empty() && word.chars().all(char::is_numeric) {
        return true;
    }
    if is_roman(word) {
        return true;
    }
    let lower = word.to_lowercase();
    !lower.is_empty() && lower.split('-').all(|part| WORDS.contains(&part))
}

/// An English or German ordinal word (`FIRST`, `Zweites`), or `1st`, `2nd`.
fn is_ordinal(word: &str) -> bool {
    const EN: [&str; 20] = [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
        "thirteenth",
        "fourteenth",
        "fifteenth",
        "sixteenth",
        "seventeenth",
        "eighteenth",
        "nineteenth",
        "twentieth",
    ];
    const DE: [&str; 13] = [
        "erst", "zweit", "dritt", "viert", "fünft", "sechst", "siebt", "siebent", "acht", "neunt",
        "zehnt", "elft", "zwölft",
    ];
    let lower = word.to_lowercase();
    if EN.contains(&lower.as_str()) {
        return true;
    }
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    if !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
        && matches!(&lower[digits.len()..], "st" | "nd" | "rd" | "th")
    {
        return true;
    }
    ["e", "er", "es", "en"].iter().any(|ending| {
        lower
            .strip_suffix(ending)
            .is_some_and(|stem| DE.contains(&stem))
    })
}

/// A Roman numeral in its usual form (`XII`, `xiv`; not `IIII` nor `DIM`), all in one case.
fn is_roman(word: &str) -> bool {
    let upper = word.to_ascii_uppercase();
    if word.is_empty()
        || word.len() > 12
        || !(word == upper || word == word.to_ascii_lowercase())
        || !upper.chars().all(|c| "IVXLCDM".contains(c))
    {
        return false;
    }
    let value = |c: char| match c {
        'I' => 1,
        'V' => 5,
        'X' => 10,
        'L' => 50,
        'C' => 100,
        'D' => 500,
        _ => 1000,
    };
    let digits: Vec<u32> = upper.chars().map(value).collect();
    let mut n = 0;
    for (i, d) in digits.iter().enumerate() {
        if digits.get(i + 1).is_some_and(|next| next > d) {
            n -= *d as i64;
        } else {
            n += *d as i64;
        }
    }
    (1..4000).contains(&n) && to_roman(n as u32) == upper
}

fn to_roman(mut n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, numeral) in TABLE {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// A heading is a one-line paragraph that is short, has a letter, does not end like a
/// sentence and is not wholly in brackets. A line that is a sentence followed by a bracketed
/// credit (`... Zoom. [Shutterstock]`) is not a heading either. A label with a number
/// (`अनुच्छेद ३.`, `סעיף א.`, `Article 1.`) may end with a full stop.
pub fn is_heading(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty() || more_chars_than(line, HEADING_MAX_CHARS) || !line.chars().any(is_letter) {
        return false;
    }
    if wholly_bracketed(line) || opens_speech(line) {
        return false;
    }
    let without_credit = strip_trailing_bracket_group(line);
    if without_credit != line && ends_like_sentence(without_credit) {
        return false;
    }
    !ends_like_sentence(line) || numbered_label(line)
}

/// A line that opens with a quotation mark or a dash is speech, not a heading: novels set
/// a short line of dialogue as a paragraph of its own (`"Well, listen: two festive young
/// men were driving—"`, `"Anything, only not divorce!" answered Darya Alexandrovna`). An
/// apostrophe is left alone (`'Tis`), and so are Japanese brackets, which also set titles
/// apart (`『世界人権宣言』`).
fn opens_speech(line: &str) -> bool {
    line.starts_with(['"', '“', '”', '„', '‚', '‘', '«', '»', '‹', '›', '—', '–'])
}

/// `Article 1.`: at most three words, the last a number (digits of any script, a Roman
/// numeral, or letters as Hebrew numbers articles) before a full stop.
fn numbered_label(line: &str) -> bool {
    let Some(label) = line.strip_suffix('.') else {
        return false;
    };
    // More than three words are no label.
    let (mut words, mut last) = (0, None);
    for word in label.split_whitespace().take(4) {
        words += 1;
        last = Some(word);
    }
    let Some(last) = last.filter(|_| words <= 3) else {
        return false;
    };
    // Letters as numbers: one letter, or up to three of a script without capitals
    // (Hebrew `יא` is 11).
    let letters = last.chars().count() == 1
        || (last.chars().count() <= 3
            && last
                .chars()
                .all(|c| c.is_alphabetic() && !c.is_lowercase() && !c.is_uppercase()));
    last.chars().all(char::is_numeric) || is_roman(last) || (letters && words > 1)
}

fn ends_with_full_stop(text: &str) -> bool {
    text.trim_end()
        .ends_with(['.', '!', '?', '。', '！', '？', '．', '।', '॥', '؟', '۔'])
}

fn ends_like_sentence(text: &str) -> bool {
    // Closing quotes do not hide the punctuation before them: `Er sagte: „Nein.“`
    let trimmed = text.trim_end().trim_end_matches([
        '"', '\'', '“', '”', '‘', '’', '«', '»', '‹', '›', '」', '』', '）',
    ]);
    trimmed.ends_with([
        '.', '!', '?', '…', ':', ',', ';',
        // Chinese and Japanese full stops, marks, commas and colons
        '。', '！', '？', '．', '，', '、', '；', '：', '｡',
        // Devanagari danda and double danda; Arabic question mark, semicolon, comma; Urdu
        // full stop
        '।', '॥', '؟', '؛', '،', '۔',
    ])
}

fn wholly_bracketed(line: &str) -> bool {
    let pairs = [('[', ']'), ('(', ')'), ('{', '}'), ('<', '>'), ('（', '）')];
    pairs.iter().any(|(open, close)| {
        line.starts_with(*open) && line.ends_with(*close) && {
            // The first bracket must close at the very end: "(a) b (c)" is not wholly bracketed.
            let mut depth = 0i32;
            let mut closed_early = false;
            let last = line.len() - close.len_utf8();
            for (i, c) in line.char_indices() {
                if c == *open {
                    depth += 1;
                } else if c == *close {
                    depth -= 1;
                    if depth == 0 && i != last {
                        closed_early = true;
                        break;
                    }
                }
            }
            !closed_early
        }
    })
}

fn strip_trailing_bracket_group(line: &str) -> &str {
    for (open, close) in [('[', ']'), ('(', ')')] {
        if line.ends_with(close)
            && let Some(start) = line.rfind(open)
        {
            return line[..start].trim_end();
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../seeds/000_886ae8deff7ee228.txt");

    fn headings(text: &str) -> Vec<String> {
        parse(text)
            .1
            .into_iter()
            .filter(|b| b.is_heading())
            .map(|b| b.text)
            .collect()
    }

    /// As War and Peace sets its letters and datelines: the line after a paragraph that
    /// stops inside a sentence goes on from it.
    const LETTERS: &str = "Title\n\nCHAPTER I\n\nShe wrote to him at last, and\n\
        no one can love you more than does\n\nYour Sónya\n\nBoth letters were written \
        from Tróitsa.\n\nSchönbrunn, 25th Brumaire, 1805,\n\nat eight o’clock in the \
        morning\n\nTo PRINCE MURAT,\n\nThe letter went on at length\n\n\
        CHAPTER II\n\nThe next day came.\n\nA Heading Of Its Own\n\nMore text.\n";

    #[test]
    fn a_short_line_going_on_from_a_paragraph_is_no_heading() {
        assert_eq!(
            headings(LETTERS),
            ["CHAPTER I", "CHAPTER II", "A Heading Of Its Own"]
        );
        // Scripts without capitals end paragraphs on any letter: no line goes on from one.
        let thai = "หัวเรื่อง\n\nข้อ 10\n\nทุกคนมีสิทธิในความเสมอภาค\nโดยสมบูรณ์\n\nข้อ 11\n\nบุคคล\nทุกคน\n";
        assert_eq!(headings(thai), ["ข้อ 10", "ข้อ 11"]);
    }

    #[test]
    fn a_line_going_on_from_the_part_before_is_no_heading_either() {
        // Cut after every paragraph, the two parts parse as the whole text does.
        let (whole_title, whole) = parse(LETTERS);
        for (cut, _) in LETTERS.match_indices("\n\n") {
            let (a, b) = LETTERS.split_at(cut + 2);
            let first = Part {
                first: true,
                ..Part::default()
            };
            let (title, mut blocks) = parse_piece(a, first);
            let second = Part {
                after_open: ends_sentence_open(a, first),
                ..Part::default()
            };
            blocks.extend(parse_piece(b, second).1);
            assert_eq!(title, whole_title, "cut at {cut}");
            assert_eq!(blocks, whole, "cut at {cut}");
        }
    }

    #[test]
    fn keywords_are_found_in_any_case_and_only_in_ascii_or_with_the_kelvin_sign() {
        assert_eq!(keyword_level("CHAPTER"), Some(CHAPTER));
        assert_eq!(keyword_level("Kapitel"), Some(CHAPTER));
        assert_eq!(keyword_level("PrOlOgUe"), Some(PART));
        assert_eq!(keyword_level("BOO\u{212A}"), Some(BOOK));
        assert_eq!(keyword_level("\u{212A}APITEL"), Some(CHAPTER));
        assert_eq!(keyword_level("книга"), None);
        assert_eq!(keyword_level("chapters"), None);
        assert_eq!(keyword_level(""), None);
    }

    #[test]
    fn seed_article_sections_are_exact() {
        let clean = crate::document::sanitize::sanitize(SEED);
        let (title, _) = parse(&clean);
        assert_eq!(
            title.as_deref(),
            Some("Kommission kritisiert Zoom, nutzt die Plattform aber weiter")
        );
        assert_eq!(
            headings(&clean),
            [
                "Digitale Diplomatie: Staaten gehen online",
                "Die Angst vor China und Zooms Sicherheitsbilanz",
                "Gesundheitsministerium prüft Verzicht auf Video-App TikTok",
                "Digitalisierung Europäischer Prägung: Brüssels Kampf um Souveränität",
                "Borrell wünscht sich \"robustere\" EU-Strategie gegenüber China",
                "Studie prophezeit deutscher Internetwirtschaft rasantes Wachstum",
                "Subscribe to our newsletters",
            ]
        );
        let doc = crate::document::parse(&clean, crate::document::Format::Plain, "x", None);
        assert_eq!(doc.sections.len(), 8);
        assert_eq!(doc.sections[0].title, None);
    }

    #[test]
    fn heading_rule() {
        assert!(is_heading("Ghana - Australien: 1:1 (1:1)"));
        assert!(is_heading("Die Angst vor China"));
        assert!(is_heading("Er sagte „Nein“"));
        assert!(!is_heading("Er sagte: „Nein.“"));
        assert!(!is_heading("Ein Satz."));
        // Speech set as a paragraph of its own.
        assert!(!is_heading(
            "\"Well, listen: two festive young men were driving—\""
        ));
        assert!(!is_heading(
            "\"Anything, only not divorce!\" answered Darya Alexandrovna"
        ));
        assert!(!is_heading("„Nein“, sagte er"));
        assert!(!is_heading("«Non», dit-il"));
        assert!(!is_heading("— Погоди, — сказал он"));
        assert!(is_heading("'Tis the Season"));
        assert!(!is_heading("Wirklich?"));
        assert!(!is_heading("Und dann…"));
        assert!(!is_heading("Folgendes:"));
        assert!(!is_heading("[Bearbeitet von Benjamin Fox und Tim Steins]"));
        assert!(!is_heading("(Foto: dpa)"));
        assert!(!is_heading("Bedenken zu Zoom. [Shutterstock]"));
        assert!(!is_heading("1:1"));
        assert!(!is_heading(&"Lang ".repeat(30)));
        assert!(is_heading("(a) und (b)"));
    }

    #[test]
    fn title_only_when_first_paragraph_is_one_line() {
        let (title, blocks) = parse(
            "Zeile eins\nZeile zwei mit mehr Text darin, sodass sie lang genug ist.\n\nAbsatz.",
        );
        assert_eq!(title, None);
        assert_eq!(blocks[0].kind, BlockKind::Paragraph);
        let (title, blocks) = parse("\n\n  Titel  \n\nText.");
        assert_eq!(title.as_deref(), Some("Titel"));
        assert_eq!(blocks[0].kind, BlockKind::Title);
    }

    #[test]
    fn prose_lines_are_joined_and_short_lines_kept() {
        let long = "This line is long enough to be hard-wrapped prose from a book,\nand this is its continuation on the next line.";
        let (_, blocks) = parse(&format!("T\n\n{long}\n\nRoses are red\nViolets are blue"));
        assert_eq!(
            blocks[1].text,
            "This line is long enough to be hard-wrapped prose from a book, and this is its continuation on the next line."
        );
        assert_eq!(blocks[2].text, "Roses are red\nViolets are blue");
    }

    #[test]
    fn indented_paragraph_is_preformatted() {
        let (_, blocks) = parse("T\n\n    fn main() {\n        x\n    }");
        assert_eq!(blocks[1].kind, BlockKind::Code);
        assert_eq!(blocks[1].text, "fn main() {\n    x\n}");
    }

    #[test]
    fn blank_runs_and_whitespace_lines_separate_paragraphs() {
        let (_, blocks) = parse("T\n \n\t\n\n\nA b c.\n   \nD e f.\n");
        let texts: Vec<_> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["T", "A b c.", "D e f."]);
    }

    #[test]
    fn empty_text_has_no_blocks() {
        assert_eq!(parse(""), (None, Vec::new()));
        assert_eq!(parse("\n\n  \n"), (None, Vec::new()));
    }

    #[test]
    fn cells_of_printable_ascii_are_its_length() {
        // Every pair of printable characters: no sequence of them measures other than one
        // cell a character.
        let printable: Vec<char> = (' '..='~').collect();
        for &a in &printable {
            for &b in &printable {
                let pair = format!("{a}{b}");
                assert_eq!(cells(&pair), pair.width(), "{pair:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn cells_are_unicode_widths(text in "[ -~]{0,120}|\\PC{0,40}") {
            proptest::prop_assert_eq!(cells(&text), text.width());
        }
    }
}
