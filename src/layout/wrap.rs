//! Breaking one block's text into lines of at most a given number of terminal cells.
//!
//! Words and break opportunities come from textwrap (Unicode line breaking, so Chinese,
//! Japanese and Thai break between characters or words without spaces); widths are measured
//! here, in cells over grapheme clusters with unicode-width, the way the terminal draws them.
//! Lines are filled greedily; only the word that does not fit at the end of a line is
//! hyphenated, with the hyphenation crate's embedded dictionaries. A word is split only there,
//! after a hyphen or dash or slash in it, or when it is wider than the column. Web addresses,
//! e-mail addresses and inline code are never hyphenated: one that fits on a line moves to the
//! next line whole, a longer one breaks after `/`, `.`, `-`, `@` or `?`. Every line refers
//! back to a byte range of the block text, so a line always maps to a content position, and
//! no line after a break starts with the space it was broken at.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Mutex, OnceLock};

use hyphenation::{Hyphenator, Language, Load, Standard};
use textwrap::WordSeparator;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::document::sanitize::{ascii_prefix_from, is_letter};

/// Width of text in terminal cells, summed over grapheme clusters.
pub fn text_width(text: &str) -> usize {
    if text.is_ascii() {
        return text.len();
    }
    let mut sum = 0;
    let table = small_widths();
    for c in text.chars() {
        let Some(width) = added_width_from(table, c) else {
            return text.graphemes(true).map(UnicodeWidthStr::width).sum();
        };
        sum += width;
    }
    sum
}

/// Characters whose widths simply add up: a grapheme cluster made only of them is exactly
/// as wide as the sum of its characters (combining marks count 0), so text made of them
/// needs no cluster segmentation to be measured. Latin, Greek, Cyrillic, Arabic, Devanagari,
/// Thai, Lao, CJK, kana, Hangul syllables and common punctuation are; emoji, joiners,
/// variation selectors, regional indicators and Hangul jamo are not. (Arabic's lam-alef
/// ligature is narrower than its letters only when a string is measured whole; its letters are
/// clusters of their own, and measured by cluster, as here, they add up.)
/// `adds_up_like_clusters` in the tests checks this against unicode-width.
fn adds_up(c: char) -> bool {
    matches!(c,
        '\u{20}'..='\u{7E}'
        // Latin-1, Latin Extended, IPA, combining diacritics, Greek, Cyrillic
        | '\u{A0}'..='\u{52F}'
        // Arabic
        | '\u{600}'..='\u{6FF}'
        // Devanagari
        | '\u{900}'..='\u{97F}'
        // Thai, Lao
        | '\u{E00}'..='\u{EFF}'
        // Dashes, quotes, bullets, ellipsis; not the joiners and marks around them
        | '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}'
        // CJK symbols and punctuation, Hiragana, Katakana
        | '\u{3000}'..='\u{30FF}'
        // CJK ideographs
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}'
        // Hangul syllables
        | '\u{AC00}'..='\u{D7A3}'
        // Full-width forms
        | '\u{FF01}'..='\u{FF60}')
}

fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// The width of `c` if it [adds up](adds_up), in one test: the letters of the scripts most
/// text is in first, without unicode-width's table lookup
/// (`added_width_is_the_width_of_what_adds_up` checks it against both).
fn added_width(c: char) -> Option<usize> {
    match c {
        '\u{20}'..='\u{7E}'
        | '\u{C0}'..='\u{2FF}'
        | '\u{391}'..='\u{3A9}'
        | '\u{3B1}'..='\u{3C9}'
        | '\u{400}'..='\u{482}'
        | '\u{48A}'..='\u{52F}'
        | '\u{621}'..='\u{64A}'
        | '\u{660}'..='\u{669}'
        | '\u{905}'..='\u{939}'
        | '\u{E01}'..='\u{E30}' => Some(1),
        '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}' => Some(2),
        _ if adds_up(c) => Some(char_width(c)),
        _ => None,
    }
}

/// [`added_width`] of each character below U+1000 (Latin, Greek, Cyrillic, Arabic,
/// Devanagari, Thai and their marks), looked up in a table of 4 KiB made once from it;
/// [`NOT_ADDED`] where a character does not add up.
fn small_widths() -> &'static [u8; 0x1000] {
    static TABLE: OnceLock<[u8; 0x1000]> = OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|n| {
            u32::try_from(n)
                .ok()
                .and_then(char::from_u32)
                .and_then(added_width)
                .and_then(|w| u8::try_from(w).ok())
                .unwrap_or(NOT_ADDED)
        })
    })
}

/// In [`small_widths`]: the character does not add up.
const NOT_ADDED: u8 = u8::MAX;

/// [`added_width`], from `table` (see [`small_widths`]) below U+1000.
#[inline]
fn added_width_from(table: &[u8; 0x1000], c: char) -> Option<usize> {
    match table.get(c as usize) {
        Some(&NOT_ADDED) => None,
        Some(&width) => Some(usize::from(width)),
        // Chinese and Japanese letters and the punctuation of any text first: most
        // characters from U+1000 on are these.
        None => match c {
            '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' => Some(1),
            '\u{3041}'..='\u{3096}' | '\u{30A1}'..='\u{30FA}' | '\u{4E00}'..='\u{9FFF}' => Some(2),
            _ => added_width(c),
        },
    }
}

/// One wrapped line: a byte range of the block text, and whether a hyphen must be drawn
/// after it because a word was split there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub start: usize,
    pub end: usize,
    pub hyphen: bool,
}

/// The hyphenation dictionary for an ISO 639 code, loaded once per process.
pub fn dictionary(language: &str) -> Option<&'static Standard> {
    static DICTS: OnceLock<Mutex<HashMap<Language, Option<&'static Standard>>>> = OnceLock::new();
    let code = language.to_ascii_lowercase();
    let lang = match code.as_str() {
        "de" | "de-de" | "de-at" => Language::German1996,
        "de-ch" => Language::GermanSwiss,
        "en" | "en-us" => Language::EnglishUS,
        "en-gb" => Language::EnglishGB,
        other => Language::try_from_code(other)?,
    };
    let mut dicts = DICTS
        .get_or_init(|| Mutex::new(HashMap::new()))
        .lock()
        .ok()?;
    *dicts.entry(lang).or_insert_with(|| {
        Standard::from_embedded(lang)
            .ok()
            .map(|d| &*Box::leak(Box::new(d)))
    })
}

/// Wraps flowing text (paragraphs, headings, list items) to `width` cells. Explicit `\n`s are
/// kept as line breaks. `width` is at least 1. The words that overlap `literal` (byte ranges
/// of inline code, sorted) are never hyphenated, like web addresses.
pub fn wrap_flow(
    text: &str,
    width: usize,
    dict: Option<&Standard>,
    literal: &[Range<usize>],
    out: &mut Vec<Piece>,
) {
    // The words of a line go into a buffer each thread keeps, so that wrapping allocates
    // nothing per line or block once the buffer has grown.
    thread_local! {
        static FOUND: std::cell::RefCell<Vec<Word>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    let width = width.max(1);
    FOUND.with(|found| {
        let mut fresh = Vec::new();
        // Only a wrap inside a wrap (none today) would find the buffer taken.
        let mut kept = found.try_borrow_mut();
        let found = kept.as_deref_mut().unwrap_or(&mut fresh);
        // The line breaks found by memchr's vector search (most blocks are a line long).
        let mut base = 0;
        for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]) {
            wrap_hard_line(&text[base..end], base, width, dict, literal, found, out);
            base = end + 1;
        }
    });
}

/// Breaks preformatted text: each of its lines is kept, and a line wider than `width` is
/// broken at its last space that fits (the spaces at the break are not carried over), else
/// after `/`, `.`, `-`, `@` or `?`, else between grapheme clusters.
pub fn wrap_preformatted(text: &str, width: usize, out: &mut Vec<Piece>) {
    let width = width.max(1);
    let mut base = 0;
    for hard in text.split('\n') {
        let mut push = |start: usize, end: usize| {
            out.push(Piece {
                start: base + start,
                end: base + end,
                hyphen: false,
            })
        };
        // The indent of the line is kept; a break never falls inside it.
        let indent = hard.len() - hard.trim_start_matches(' ').len();
        let mut from = 0;
        loop {
            let rest = &hard[from..];
            if width_within(rest, width).is_some() {
                push(from, hard.len());
                break;
            }
            let fit = prefix_within(rest, width);
            let skip = if from == 0 { indent } else { 0 };
            // A space right after the part that fits is a place to break too.
            let window = fit + usize::from(rest[fit..].starts_with(' '));
            let at_space = rest[..window]
                .rfind(' ')
                .filter(|&s| s > skip && !rest[skip..s].trim_end_matches(' ').is_empty())
                .map(|s| (rest[..s].trim_end_matches(' ').len(), s));
            let (end, next) = match at_space {
                Some((end, space)) => (end, space),
                None => {
                    let cut = literal_cut(rest, width).unwrap_or_else(|| first_chunk(rest, width));
                    (cut, cut)
                }
            };
            push(from, from + end);
            from += next;
            from += hard[from..].len() - hard[from..].trim_start_matches(' ').len();
            if from >= hard.len() {
                break;
            }
        }
        base += hard.len() + 1;
    }
}

/// Byte length of the first piece of `text` when it is cut between grapheme clusters to
/// `width` cells (at least one cluster).
fn first_chunk(text: &str, width: usize) -> usize {
    let (_, end) = chunks(text, width).next().unwrap_or((0, text.len()));
    end.max(1)
}

/// Greedy line filling: each word goes on the current line if it fits; the word that does
/// not fit is hyphenated (or split after a dash or slash) to fill the line when it can, and
/// otherwise starts the next line. Hyphenation is looked up only for those line-end words,
/// so its cost is per line, not per word. A literal word (a web address, inline code) is
/// split only when it is wider than a line.
fn wrap_hard_line(
    line: &str,
    base: usize,
    width: usize,
    dict: Option<&Standard>,
    literal: &[Range<usize>],
    found: &mut Vec<Word>,
    out: &mut Vec<Piece>,
) {
    let before = out.len();
    let mut push = |start: usize, end: usize, hyphen: bool| {
        out.push(Piece {
            start: base + start,
            end: base + end,
            hyphen,
        })
    };
    // The current line: byte range and width in cells, and the spaces after its last word.
    let mut current: Option<(usize, usize, usize)> = None;
    let mut pending_space = 0;
    words(line, found);
    for &Word {
        start: word_start,
        end: word_end,
        space,
        width: measured,
        ..
    } in found.iter()
    {
        // Most words are measured and fit where they are: placed at once.
        if let Some(measured) = measured {
            let fits = match current {
                Some((line_start, _, used)) => {
                    let used = used + pending_space + measured;
                    (used <= width).then_some((line_start, word_end, used))
                }
                None => (measured <= width).then_some((word_start, word_end, measured)),
            };
            if fits.is_some() {
                current = fits;
                pending_space = space;
                continue;
            }
        }
        // Asked only of a word that does not fit where it is (most words fit), and once: a
        // word without end is split into many lines, and looking at all of it again for
        // each would take time in the square of its length.
        let literal_word = std::cell::OnceCell::new();
        let is_literal = || {
            *literal_word.get_or_init(|| {
                is_address(&line[word_start..word_end])
                    || overlaps(literal, base + word_start..base + word_end)
            })
        };
        let mut from = word_start;
        while from < word_end {
            let part = &line[from..word_end];
            let whole = measured.filter(|_| from == word_start);
            match current {
                Some((line_start, line_end, used)) => {
                    // The spaces before the word must fit too: a zero-width word (a lone
                    // combining mark) after a full line still starts the next one.
                    let room = width.checked_sub(used + pending_space);
                    if let Some(part_width) = room.and_then(|room| part_within(part, whole, room)) {
                        current = Some((line_start, word_end, used + pending_space + part_width));
                        from = word_end;
                    } else if let Some((cut, hyphen)) = room.and_then(|room| {
                        if is_literal() {
                            // Whole on the next line if it fits there.
                            part_within(part, whole, width)
                                .is_none()
                                .then(|| literal_cut(part, room))
                                .flatten()
                                .map(|cut| (cut, false))
                        } else {
                            best_cut(part, room, dict.filter(|_| room >= hyphenation_room(width)))
                        }
                    }) {
                        push(line_start, from + cut, hyphen);
                        current = None;
                        from += cut;
                    } else {
                        push(line_start, line_end, false);
                        current = None;
                    }
                }
                None => match part_within(part, whole, width) {
                    Some(part_width) => {
                        current = Some((from, word_end, part_width));
                        from = word_end;
                    }
                    None => {
                        // Longer than a whole line: split where allowed, else between
                        // graphemes.
                        let cut = if is_literal() {
                            literal_cut(part, width).map(|cut| (cut, false))
                        } else {
                            best_cut(part, width, dict)
                        };
                        let (cut, hyphen) =
                            cut.unwrap_or_else(|| (first_chunk(part, width), false));
                        push(from, from + cut, hyphen);
                        from += cut;
                    }
                },
            }
        }
        pending_space = space;
    }
    if let Some((line_start, line_end, _)) = current {
        push(line_start, line_end, false);
    }
    if out.len() == before {
        out.push(Piece {
            start: base,
            end: base,
            hyphen: false,
        });
    }
}

/// [`width_within`] of a word's `part`, from `whole`, the width of the whole word when it
/// was measured as the line was split into words (and `part` is all of it).
fn part_within(part: &str, whole: Option<usize>, room: usize) -> Option<usize> {
    match whole {
        Some(width) => (width <= room).then_some(width),
        None => width_within(part, room),
    }
}

/// A word of a line: its byte range, the spaces after it, and its width in cells when it
/// was measured as the line was split (see [`words`]), else `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Word {
    start: usize,
    end: usize,
    space: usize,
    width: Option<usize>,
    /// All of it is ASCII.
    ascii: bool,
}

impl Word {
    fn unmeasured(start: usize, end: usize, space: usize) -> Self {
        Word {
            start,
            end,
            space,
            width: None,
            ascii: false,
        }
    }
}

/// Whether `range` overlaps one of the sorted, disjoint `ranges`.
fn overlaps(ranges: &[Range<usize>], range: Range<usize>) -> bool {
    let i = ranges.partition_point(|r| r.end <= range.start);
    ranges.get(i).is_some_and(|r| r.start < range.end)
}

/// A web or e-mail address: `https://…`, `www.…`, `name@host.tld`, or a host name such as
/// `bundesregierung.de` (a lower-case top-level domain after a dot), give or take the
/// brackets and punctuation around it.
pub fn is_address(word: &str) -> bool {
    // Every address has a dot, an at sign or a colon; most words have none of them (words
    // are short: a plain loop is quicker here than memchr's setup), and a sentence's last
    // word has its dot only at the end, which the trimming takes off.
    let marks = |w: &str| w.bytes().any(|b| matches!(b, b'.' | b'@' | b':'));
    if !marks(word) {
        return false;
    }
    let word = word
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '/');
    if !marks(word) {
        return false;
    }
    if word.contains("://") || word.starts_with("www.") {
        return true;
    }
    if let Some((user, host)) = word.split_once('@') {
        return !user.is_empty() && host.contains('.');
    }
    let host = word.split('/').next().unwrap_or(word);
    host.rsplit_once('.').is_some_and(|(name, tld)| {
        (2..=6).contains(&tld.len())
            && tld.bytes().all(|b| b.is_ascii_lowercase())
            && name.chars().next_back().is_some_and(char::is_alphanumeric)
            && name.chars().count() >= 2
    })
}

/// Where an address or a piece of code may break: right after `/`, `.`, `-`, `@` or `?`
/// (not between two of them, as in `://`, and not at its end).
fn literal_break(text: &str, at: usize) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at..].chars().next();
    let is_mark = |c: char| matches!(c, '/' | '.' | '-' | '@' | '?');
    before.is_some_and(is_mark) && after.is_some_and(|c| !is_mark(c) && !c.is_whitespace())
}

/// The longest start of an address or piece of code that fits in `room` cells and ends at
/// a [`literal_break`]; its byte length.
fn literal_cut(part: &str, room: usize) -> Option<usize> {
    let fits = prefix_within(part, room);
    (1..=fits.min(part.len().saturating_sub(1)))
        .rev()
        .filter(|&at| part.is_char_boundary(at))
        .find(|&at| literal_break(part, at))
}

/// The words of one line (see [`Word`]) into `out` (emptied first; the caller keeps it
/// from line to line, so its room is reused): split at spaces for text in scripts that
/// separate words with spaces (Korean among them), by Unicode line breaking for text with
/// Chinese, Japanese, Thai and other scripts that do not. A word split at spaces is measured
/// on the way when its characters [add up](adds_up).
fn words(line: &str, out: &mut Vec<Word>) {
    out.clear();
    // One pass splits the line at spaces, measures its words and finds which kind of
    // breaking it needs (most lines need none).
    let Some(line_breaking) = spaced_words(line, out) else {
        out.clear();
        complex_words(line, out);
        return;
    };
    if !line_breaking {
        return;
    }
    // Words of scripts without spaces, by Unicode line breaking; an address, and a word
    // all in ASCII, stay one word. The words found are put after the ones split at spaces,
    // which are then taken away.
    let spaced = out.len();
    for k in 0..spaced {
        let word = out[k];
        let token = &line[word.start..word.end];
        // One character has no break inside it: it stays one word, as line breaking
        // would leave it.
        if word.ascii || is_one_char(token) || is_address(token) {
            out.push(word);
            continue;
        }
        let first = out.len();
        line_break_words(token, word.start, out);
        if out.len() > first
            && let Some(last) = out.last_mut()
        {
            last.space = word.space;
        }
        // A token measured as the line was split is made of characters that add up, and
        // so is each of its words: each is measured by adding up its characters.
        if word.width.is_some() {
            let table = small_widths();
            for part in &mut out[first..] {
                part.width = line[part.start..part.end]
                    .chars()
                    .map(|c| added_width_from(table, c))
                    .sum();
            }
        }
    }
    out.drain(..spaced);
}

/// Thai, Lao, Khmer and Myanmar need a dictionary to find word boundaries; ICU's dictionary
/// segmenter is many times faster than its LSTM model (which textwrap's complex-script
/// feature would use) at the same job.
fn complex_words(line: &str, out: &mut Vec<Word>) {
    let mut start = 0;
    for end in complex_segmenter().segment_str(line).filter(|&i| i > 0) {
        let piece = &line[start..end];
        let word = piece.trim_end_matches(' ');
        let lead = word.len() - word.trim_start_matches(' ').len();
        if word.len() > lead {
            out.push(Word::unmeasured(
                start + lead,
                start + word.len(),
                piece.len() - word.len(),
            ));
        }
        start = end;
    }
}

/// The words of `line` split at spaces into `out`, each measured on the way while its
/// characters [add up](adds_up). Returns whether the line holds a character that
/// [needs line breaking](needs_line_breaking), or `None` as soon as it finds one of a
/// [complex script](is_complex_script).
fn spaced_words(line: &str, out: &mut Vec<Word>) -> Option<bool> {
    let table = small_widths();
    let bytes = line.as_bytes();
    let mut line_breaking = false;
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        let start = i;
        // ASCII letters and marks (a cell each) eight at a time, the rest one by one.
        let mut width = 0;
        let mut measured = true;
        let mut ascii = true;
        'word: loop {
            while let Some(chunk) = bytes.get(i..i + 8) {
                let mut word = [0; 8];
                word.copy_from_slice(chunk);
                let letters = ascii_prefix_from(u64::from_le_bytes(word), 0x21);
                width += letters;
                i += letters;
                if letters < 8 {
                    break;
                }
            }
            let Some(&b) = bytes.get(i) else {
                break;
            };
            if b == b' ' {
                break;
            }
            if b.is_ascii() {
                let w = table[usize::from(b)];
                if w == NOT_ADDED {
                    measured = false;
                    break;
                }
                width += usize::from(w);
                i += 1;
                continue;
            }
            // A run of characters outside ASCII, up to the next ASCII one.
            ascii = false;
            for c in line.get(i..).unwrap_or_default().chars() {
                if c.is_ascii() {
                    continue 'word;
                }
                // Both kinds of breaking are of characters from U+0E00 on.
                if c >= '\u{0E00}' {
                    if is_complex_script(c) {
                        return None;
                    }
                    line_breaking |= needs_line_breaking(c);
                }
                let Some(w) = added_width_from(table, c) else {
                    measured = false;
                    break 'word;
                };
                width += w;
                i += c.len_utf8();
            }
            break;
        }
        if !measured {
            // The rest of the word is not measured, only looked through.
            let rest = &bytes[i..];
            let word_end = i + memchr::memchr(b' ', rest).unwrap_or(rest.len());
            let (complex, needs) = breaking_needed(line.get(i..word_end).unwrap_or_default());
            if complex {
                return None;
            }
            line_breaking |= needs;
            ascii &= bytes[i..word_end].is_ascii();
            i = word_end;
        }
        let end = i;
        while i < bytes.len() && bytes[i] == b' ' {
            i += 1;
        }
        if end > start {
            out.push(Word {
                start,
                end,
                space: i - end,
                width: measured.then_some(width),
                ascii,
            });
        }
    }
    Some(line_breaking)
}

/// The words of `token` (text without spaces) by Unicode line breaking, as textwrap's
/// `WordSeparator::UnicodeBreakProperties` finds them, pushed to `out` as byte ranges from
/// `start`: at each break opportunity but those after `-` and the soft hyphen, and not at the
/// last one left before the end. This is its way without the copy of the text it makes to
/// strip escape sequences (clean text has none; text with one is left to textwrap) and without
/// measuring every word.
fn line_break_words(token: &str, start: usize, out: &mut Vec<Word>) {
    if token.contains('\u{1B}') {
        let origin = token.as_ptr() as usize;
        for word in WordSeparator::UnicodeBreakProperties.find_words(token) {
            let from = start + (word.word.as_ptr() as usize - origin);
            if !word.word.is_empty() {
                out.push(Word::unmeasured(from, from + word.word.len(), 0));
            }
        }
        return;
    }
    static SEGMENTER: OnceLock<icu_segmenter::LineSegmenterBorrowed<'static>> = OnceLock::new();
    let segmenter = SEGMENTER.get_or_init(|| {
        icu_segmenter::LineSegmenter::new_for_non_complex_scripts(
            icu_segmenter::options::LineBreakOptions::default(),
        )
    });
    let breaks = segmenter
        .segment_str(token)
        .filter(|&at| at > 0 && !matches!(token[..at].chars().next_back(), Some('-' | '\u{AD}')));
    // Each break is used once the next one is known: the last is left out.
    let mut from = 0;
    let mut waiting = None;
    for at in breaks {
        if let Some(end) = waiting.replace(at) {
            out.push(Word::unmeasured(start + from, start + end, 0));
            from = end;
        }
    }
    if from < token.len() {
        out.push(Word::unmeasured(start + from, start + token.len(), 0));
    }
}

/// Whether `line` holds a character of a [complex script](is_complex_script), and whether
/// it holds one that [needs line breaking](needs_line_breaking). Both kinds start at U+0E00,
/// where UTF-8 takes three bytes or more: only the characters that start with such a byte are
/// looked at (ASCII, Latin, Cyrillic and Arabic text is passed over byte by byte).
fn breaking_needed(line: &str) -> (bool, bool) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = line.as_bytes();
    let mut line_breaking = false;
    // Eight bytes at a time: passed over when none has its top three bits set (none is 0xE0
    // or more), else looked at one by one.
    for (at, chunk) in (0..).step_by(8).zip(bytes.chunks(8)) {
        if let Ok(word) = <[u8; 8]>::try_from(chunk) {
            let word = u64::from_le_bytes(word);
            if word & (word << 1) & (word << 2) & HIGH == 0 {
                continue;
            }
        }
        for (i, &b) in (at..).zip(chunk) {
            if b < 0xE0 {
                continue;
            }
            let Some(c) = line.get(i..).and_then(|rest| rest.chars().next()) else {
                continue;
            };
            if is_complex_script(c) {
                return (true, true);
            }
            line_breaking |= needs_line_breaking(c);
        }
    }
    (false, line_breaking)
}

/// Scripts whose words are found with a dictionary: Thai, Lao, Myanmar, Khmer.
fn is_complex_script(c: char) -> bool {
    matches!(c, '\u{0E00}'..='\u{0EFF}' | '\u{1000}'..='\u{109F}' | '\u{1780}'..='\u{17FF}')
}

fn complex_segmenter() -> &'static icu_segmenter::LineSegmenterBorrowed<'static> {
    static SEGMENTER: OnceLock<icu_segmenter::LineSegmenterBorrowed<'static>> = OnceLock::new();
    SEGMENTER.get_or_init(|| {
        icu_segmenter::LineSegmenter::new_dictionary(
            icu_segmenter::options::LineBreakOptions::default(),
        )
    })
}

/// Characters of scripts written without spaces between words (or with other break rules),
/// which need Unicode line breaking: everything from Thai on, except the Latin, Greek,
/// punctuation and symbol blocks of U+1E00..U+2DFF, and Hangul. Korean puts spaces between
/// its words and is broken there, as Korean readers expect (CSS's `word-break: keep-all`;
/// Unicode's default would break between any two syllables); a word wider than the line
/// is still split.
fn needs_line_breaking(c: char) -> bool {
    c >= '\u{0E00}' && !('\u{1E00}'..='\u{2DFF}').contains(&c) && !is_hangul(c)
}

/// Hangul: its jamo, compatibility jamo and syllables.
fn is_hangul(c: char) -> bool {
    matches!(
        c,
        '\u{1100}'..='\u{11FF}'
            | '\u{3130}'..='\u{318F}'
            | '\u{A960}'..='\u{A97F}'
            | '\u{AC00}'..='\u{D7FF}'
    )
}

/// The longest start of `part` that fits in `room` cells, ending at an allowed split point:
/// after a hyphen, dash or slash inside the word (no hyphen added), or at a hyphenation
/// point of the dictionary (a hyphen added). Returns the byte length and whether a hyphen
/// must be drawn.
fn best_cut(part: &str, room: usize, dict: Option<&Standard>) -> Option<(usize, bool)> {
    if room < 2 {
        return None;
    }
    // Only the start that can fit matters (plus one character, for a dash right at the
    // edge, and the rest of a word that reaches over it, for hyphenation): looking further
    // would make a very long word cost quadratic time.
    let fits = prefix_within(part, room);
    let mut scan = fits;
    for c in part[fits..].chars().take(MAX_WORD) {
        if !is_letter(c) && scan > fits {
            break;
        }
        scan += c.len_utf8();
    }
    let part = &part[..scan];
    let mut best: Option<(usize, bool)> = None;
    let mut consider = |at: usize, hyphen: bool| {
        if at == 0 || at >= part.len() || !part.is_char_boundary(at) {
            return;
        }
        if text_width(&part[..at]) + usize::from(hyphen) <= room && best.is_none_or(|(b, _)| at > b)
        {
            best = Some((at, hyphen));
        }
    };
    for (i, c) in part.char_indices() {
        if matches!(c, '-' | '‐' | '–' | '—' | '/') {
            let after = i + c.len_utf8();
            let before_ok = part[..i]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
            let after_ok = part[after..]
                .chars()
                .next()
                .is_some_and(|n| n.is_alphanumeric());
            if (before_ok || c == '—') && after_ok {
                consider(after, false);
            }
        }
    }
    if let Some(dict) = dict {
        for point in hyphenation_points(part, dict) {
            consider(point, true);
        }
    }
    best
}

/// Dictionary hyphenation points of the alphabetic runs of `part`.
fn hyphenation_points(part: &str, dict: &Standard) -> Vec<usize> {
    let mut points = Vec::new();
    let mut run_start = None;
    let check = |start: usize, end: usize, points: &mut Vec<usize>| {
        let run = &part[start..end];
        let letters = run.chars().count();
        if (5..=MAX_WORD).contains(&letters) {
            points.extend(dict.hyphenate(run).breaks.into_iter().map(|p| start + p));
        }
    };
    for (i, c) in part.char_indices() {
        match (is_letter(c), run_start) {
            (true, None) => run_start = Some(i),
            (false, Some(start)) => {
                check(start, i, &mut points);
                run_start = None;
            }
            _ => {}
        }
    }
    if let Some(start) = run_start {
        check(start, part.len(), &mut points);
    }
    points
}

/// Hyphenating to gain only a few cells at the end of a line makes text harder to read for
/// little gain: a word is split by the dictionary only when at least this much room is left.
fn hyphenation_room(width: usize) -> usize {
    (width / 8).max(3)
}

/// The longest run of letters treated as a word for hyphenation; longer runs are not words.
const MAX_WORD: usize = 64;

/// The width of `text` if it is at most `room` cells; stops measuring as soon as it is not.
fn width_within(text: &str, room: usize) -> Option<usize> {
    // ASCII letters are one cell each (the text holds no control characters), and other
    // characters that add up are measured one by one; the rest by grapheme cluster.
    let ascii = text.bytes().take(room + 1).take_while(u8::is_ascii).count();
    if ascii > room {
        return None;
    }
    if ascii == text.len() {
        return Some(ascii);
    }
    let mut used = 0;
    let table = small_widths();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let Some(width) = added_width_from(table, c) else {
            return clusters_within(text, room);
        };
        used += width;
        // Only a character that does not add up (a joiner, a selector) could still change
        // the width of the cluster before it.
        if used > room && chars.peek().is_none_or(|&next| adds_up(next)) {
            return None;
        }
    }
    (used <= room).then_some(used)
}

/// [`width_within`] by grapheme cluster.
fn clusters_within(text: &str, room: usize) -> Option<usize> {
    // One character is one cluster (an emoji between spaces, most often).
    if is_one_char(text) {
        let width = text.width();
        return (width <= room).then_some(width);
    }
    let mut used = 0;
    for g in text.graphemes(true) {
        used += g.width();
        if used > room {
            return None;
        }
    }
    Some(used)
}

/// Whether `text` is one character.
fn is_one_char(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some() && chars.next().is_none()
}

/// Byte length of the longest start of `text` that is at most `room` cells wide.
fn prefix_within(text: &str, room: usize) -> usize {
    // An ASCII character is a cluster of its own and a cell wide (the text holds no control
    // characters).
    let ascii = text.bytes().take(room + 1).take_while(u8::is_ascii).count();
    if ascii > room || ascii == text.len() {
        return ascii.min(room);
    }
    let mut used = 0;
    let mut end = 0;
    for (i, g) in text.grapheme_indices(true) {
        used += g.width();
        if used > room {
            break;
        }
        end = i + g.len();
    }
    end
}

/// Byte ranges of `text` of at most `width` cells each, cut between grapheme clusters. A
/// cluster wider than `width` on its own (a wide character in a 1-cell column) stands alone.
fn chunks(text: &str, width: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut graphemes = text.grapheme_indices(true).peekable();
    std::iter::from_fn(move || {
        let (start, first) = graphemes.next()?;
        let mut end = start + first.len();
        let mut used = first.width();
        while let Some(&(i, g)) = graphemes.peek() {
            let w = g.width();
            if used + w > width {
                break;
            }
            used += w;
            end = i + g.len();
            graphemes.next();
        }
        Some((start, end))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lines(text: &str, width: usize, lang: Option<&str>) -> Vec<String> {
        let mut out = Vec::new();
        wrap_flow(text, width, lang.and_then(dictionary), &[], &mut out);
        out.iter()
            .map(|p| {
                format!(
                    "{}{}",
                    &text[p.start..p.end],
                    if p.hyphen { "-" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn wraps_at_spaces_within_width() {
        let out = lines("the quick brown fox jumps over the lazy dog", 10, None);
        assert!(out.iter().all(|l| text_width(l) <= 10), "{out:?}");
        assert_eq!(out.join(" "), "the quick brown fox jumps over the lazy dog");
    }

    #[test]
    fn cjk_and_thai_break_without_spaces() {
        let zh = "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。";
        let out = lines(zh, 11, None);
        assert!(out.len() > 5);
        assert!(out.iter().all(|l| text_width(l) <= 11), "{out:?}");
        assert_eq!(out.concat(), zh);
        let th = "เมื่อการยอมรับนับถือเกียรติศักดิ์ประจำตัว และสิทธิเท่าเทียมกันและโอนมิได้ของบรรดาสมาชิก";
        let out = lines(th, 12, None);
        assert!(out.iter().all(|l| text_width(l) <= 12), "{out:?}");
        assert_eq!(out.concat().replace(' ', ""), th.replace(' ', ""));
    }

    #[test]
    fn long_word_is_broken() {
        let out = lines("a Donaudampfschifffahrtsgesellschaftskapitän b", 8, None);
        assert!(out.iter().all(|l| text_width(l) <= 8), "{out:?}");
        assert_eq!(
            out.concat().replace(' ', ""),
            "aDonaudampfschifffahrtsgesellschaftskapitänb"
        );
    }

    #[test]
    fn german_hyphenation_splits_long_words_with_hyphen() {
        let text = "Die Datenschutzprotokolle des Unternehmens wurden geprüft.";
        let out = lines(text, 20, Some("de"));
        assert!(out.iter().all(|l| text_width(l) <= 20), "{out:?}");
        assert!(out.iter().any(|l| l.ends_with('-')), "{out:?}");
        let plain = lines(text, 20, None);
        assert!(plain.iter().all(|l| !l.ends_with('-')), "{plain:?}");
    }

    #[test]
    fn existing_hyphens_are_break_points_without_extra_hyphen() {
        let out = lines("Video-App Video-App Video-App", 10, None);
        assert!(out.iter().all(|l| text_width(l) <= 10), "{out:?}");
        assert!(out.iter().all(|l| !l.ends_with("--")), "{out:?}");
    }

    #[test]
    fn emoji_and_flags_measure_two_cells() {
        assert_eq!(text_width("👨‍👩‍👧"), 2);
        assert_eq!(text_width("🇩🇪"), 2);
        assert_eq!(text_width("e\u{301}"), 1);
        let out = lines("👨‍👩‍👧🇩🇪👍🏽🇫🇷", 3, None);
        assert!(out.iter().all(|l| text_width(l) <= 3), "{out:?}");
    }

    #[test]
    fn wide_char_in_one_cell_column_stands_alone() {
        let mut out = Vec::new();
        wrap_flow("你好", 1, None, &[], &mut out);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn preformatted_keeps_lines_and_breaks_long_ones() {
        let mut out = Vec::new();
        let text = "  ab\n\nabcdef";
        wrap_preformatted(text, 4, &mut out);
        let got: Vec<_> = out.iter().map(|p| &text[p.start..p.end]).collect();
        assert_eq!(got, ["  ab", "", "abcd", "ef"]);
    }

    #[test]
    fn hard_breaks_and_empty_text() {
        assert_eq!(lines("a\nb", 10, None), ["a", "b"]);
        assert_eq!(lines("", 10, None), [""]);
    }

    /// The reference measure: grapheme clusters, each measured by unicode-width.
    fn by_clusters(text: &str) -> usize {
        text.graphemes(true).map(UnicodeWidthStr::width).sum()
    }

    #[test]
    fn every_character_that_adds_up_is_one_cluster_of_its_own_width() {
        let all = (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| adds_up(c));
        for c in all {
            let text = c.to_string();
            assert_eq!(char_width(c), by_clusters(&text), "U+{:04X}", u32::from(c));
        }
    }

    #[test]
    fn added_width_is_the_width_of_what_adds_up() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(
                added_width(c),
                adds_up(c).then(|| char_width(c)),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    #[test]
    fn the_table_of_small_widths_is_added_width() {
        let table = small_widths();
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(
                added_width_from(table, c),
                added_width(c),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    fn adding_up() -> impl Strategy<Value = char> {
        prop_oneof![
            0x20u32..=0x7E,
            0xA0u32..=0x52F,
            0x300u32..=0x36F,
            0x600u32..=0x6FF,
            0x900u32..=0x97F,
            0xE00u32..=0xEFF,
            0x2010u32..=0x205E,
            0x3000u32..=0x30FF,
            0x4E00u32..=0x9FFF,
            0xAC00u32..=0xD7A3,
            0xFF01u32..=0xFF60,
        ]
        .prop_filter_map("a character that adds up", |n| {
            char::from_u32(n).filter(|&c| adds_up(c))
        })
    }

    /// Pieces of text: characters that add up, sequences that form one cluster of a width
    /// other than the sum of its characters (emoji with joiners, modifiers and selectors,
    /// flags, keycaps, jamo), and any other character.
    fn anything() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => adding_up().prop_map(String::from),
            2 => prop::sample::select(vec![
                "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}", "\u{1F1E9}\u{1F1EA}",
                "#\u{FE0F}\u{20E3}", "\u{2764}\u{FE0F}", "\u{00A9}\u{FE0F}", "\u{1F44D}\u{1F3FD}",
                "\u{1100}\u{1161}\u{11A8}", "e\u{301}", "\u{E01}\u{E33}", "\u{644}\u{627}",
                "\u{200D}", "\u{FE0F}", "\u{FE0E}", "\u{1F300}\u{FE0E}", "a\u{200D}b",
            ])
            .prop_map(String::from),
            1 => any::<char>()
                .prop_filter("no controls", |c| !c.is_control())
                .prop_map(String::from),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Words without spaces are found where textwrap finds them.
        #[test]
        fn line_break_words_are_textwraps(pieces in prop::collection::vec(anything(), 0..16)) {
            let token: String = pieces.concat().replace(' ', "");
            let mut found = Vec::new();
            line_break_words(&token, 3, &mut found);
            let ours: Vec<(usize, usize, usize)> =
                found.iter().map(|w| (w.start, w.end, w.space)).collect();
            let origin = token.as_ptr() as usize;
            let theirs: Vec<(usize, usize, usize)> = WordSeparator::UnicodeBreakProperties
                .find_words(&token)
                .filter(|w| !w.word.is_empty())
                .map(|w| {
                    let from = 3 + (w.word.as_ptr() as usize - origin);
                    (from, from + w.word.len(), 0)
                })
                .collect();
            prop_assert_eq!(ours, theirs);
        }

        /// The byte-level look at a line finds the same kinds of breaking as asking every
        /// character.
        #[test]
        fn breaking_needed_agrees_with_the_characters(
            pieces in prop::collection::vec(anything(), 0..16),
        ) {
            let text: String = pieces.concat();
            let complex = text.chars().any(is_complex_script);
            let (found_complex, line_breaking) = breaking_needed(&text);
            prop_assert_eq!(found_complex, complex);
            if !complex {
                prop_assert_eq!(line_breaking, text.chars().any(needs_line_breaking));
            }
        }

        /// A word measured as its line is split is as wide as its grapheme clusters, and the
        /// words are those of the line split at spaces (without Chinese, Japanese or Thai).
        #[test]
        fn words_are_measured_as_clusters(
            pieces in prop::collection::vec(
                prop_oneof![anything(), Just(" ".to_string()), Just("  ".to_string())],
                0..24,
            ),
        ) {
            let line: String = pieces.concat();
            let mut found = Vec::new();
            words(&line, &mut found);
            for word in &found {
                if let Some(width) = word.width {
                    prop_assert_eq!(width, by_clusters(&line[word.start..word.end]));
                }
            }
            if !breaking_needed(&line).1 {
                let split: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
                let ours: Vec<&str> = found.iter().map(|w| &line[w.start..w.end]).collect();
                prop_assert_eq!(ours, split);
            }
        }

        #[test]
        fn adds_up_like_clusters(chars in prop::collection::vec(adding_up(), 0..24)) {
            let text: String = chars.into_iter().collect();
            prop_assert_eq!(text.chars().map(char_width).sum::<usize>(), by_clusters(&text));
            prop_assert_eq!(text_width(&text), by_clusters(&text));
        }

        #[test]
        fn the_quick_measure_agrees_with_clusters(
            pieces in prop::collection::vec(
                prop_oneof![anything(), "[ -~]{1,12}"],
                0..16,
            ),
            room in 0usize..40,
        ) {
            let text: String = pieces.concat();
            prop_assert_eq!(text_width(&text), by_clusters(&text));
            prop_assert_eq!(width_within(&text, room), clusters_within(&text, room));
            // The longest start of whole clusters within the room.
            let mut fits = 0;
            let mut used = 0;
            for (i, g) in text.grapheme_indices(true) {
                used += g.width();
                if used > room {
                    break;
                }
                fits = i + g.len();
            }
            prop_assert_eq!(prefix_within(&text, room), fits);
        }

        /// The words of a line: split at spaces, and those that are not all ASCII nor an
        /// address split again by Unicode line breaking when the line has a character that
        /// needs it; the whole line by the dictionary when it has one of a complex script.
        #[test]
        fn words_split_as_the_line_needs(
            pieces in prop::collection::vec(
                prop_oneof![
                    4 => anything(),
                    2 => "[a-z.,;:/—-]{1,10}",
                    1 => Just("www.example.org/a—b".to_string()),
                    3 => Just(" ".to_string()),
                ],
                0..24,
            ),
        ) {
            let line: String = pieces.concat();
            let mut found = Vec::new();
            words(&line, &mut found);
            let ours: Vec<(usize, usize, usize)> =
                found.iter().map(|w| (w.start, w.end, w.space)).collect();
            let (complex, line_breaking) = breaking_needed(&line);
            let mut expected = Vec::new();
            if complex {
                complex_words(&line, &mut expected);
            } else {
                let mut start = 0;
                for token in line.split(' ') {
                    let end = start + token.len();
                    let space = line[end..].len() - line[end..].trim_start_matches(' ').len();
                    if token.is_empty() {
                        start = end + 1;
                        continue;
                    }
                    if !line_breaking || token.is_ascii() || is_address(token) {
                        expected.push(Word::unmeasured(start, end, space));
                    } else {
                        let first = expected.len();
                        line_break_words(token, start, &mut expected);
                        if expected.len() > first && let Some(last) = expected.last_mut() {
                            last.space = space;
                        }
                    }
                    start = end + 1;
                }
            }
            let expected: Vec<(usize, usize, usize)> =
                expected.iter().map(|w| (w.start, w.end, w.space)).collect();
            prop_assert_eq!(ours, expected);
        }
    }
}
