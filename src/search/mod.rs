//! Finding text: what a query means (smart case, Unicode case folding, diacritics, regular
//! expressions) and where it matches in a piece of clean document text.
//!
//! A literal query is compared in a *folded* form of both sides, made the same way:
//! canonical decomposition (so `é` typed precomposed finds `é` stored decomposed), full
//! Unicode case folding unless the search is case-sensitive (`strasse` finds `Straße`,
//! `ς` and `Σ` find `σ`), combining marks dropped when diacritics are ignored (`cafe` finds
//! `café`), every run of white space as one space (a phrase broken by a line end is still
//! found), and soft hyphens and other invisible joiners left out (`Zusammenarbeit` finds
//! `Zusammen­arbeit`). Matches are reported as byte ranges of the original text.
//!
//! A regular expression (the `regex` crate) is matched on the text as it is, with the
//! crate's own simple case folding when the search is case-insensitive.

pub mod document;
pub mod index;
pub mod library;

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use icu_casemap::CaseMapper;
use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// How a query is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Read the query as a regular expression.
    pub regex: bool,
    /// `Some(true)`: case matters; `Some(false)`: it never does; `None` (smart case): it
    /// matters only when the query has an uppercase letter.
    pub case_sensitive: Option<bool>,
    /// Ignore diacritics when the query has none (`cafe` finds `café`, `café` finds only
    /// `café`).
    pub ignore_diacritics: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            regex: false,
            case_sensitive: None,
            ignore_diacritics: true,
        }
    }
}

/// Why a query cannot be searched for; the message is for the person typing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("nothing to search for")]
    Empty,
    #[error("not a valid pattern: {0}")]
    Regex(String),
}

/// A query ready to be matched against any number of texts.
#[derive(Debug, Clone)]
pub struct Query {
    matcher: Matcher,
    /// Which query this is (a copy is the same query): what the matches a [`Folded`]
    /// remembers were found for.
    id: u64,
    /// Whether case matters, after smart case.
    pub case_sensitive: bool,
}

#[derive(Debug, Clone)]
enum Matcher {
    Literal {
        fold: Fold,
        /// Finds the folded query in folded text.
        finder: AhoCorasick,
        /// Finds the query in text that is ASCII without any folding but ASCII case (when
        /// the query is ASCII and has no space): most text, and the fastest path.
        ascii: Option<AhoCorasick>,
        /// For an ASCII query with white space in it: its first word, which a text must
        /// have for the query to match ([`FirstWord`]).
        first_word: Option<FirstWord>,
    },
    Regex(regex::Regex),
}

/// The first word of an ASCII query with white space in it ("Prince" of "Prince Andrew"):
/// a text without it in any form is passed over rather than folded whole. Most paragraphs
/// of an article with a common phrase somewhere do not have its first word.
///
/// Every match of the query begins with a match of the word under the same fold (the word
/// is followed by white space in the query, so its part of a match ends where a character
/// does, before white space). That part is made of characters that are not white space,
/// each ASCII or folding to ASCII (or to nothing). So either they are all ASCII, and the
/// word is in the text as it is (in any ASCII case when case is folded), or the text has a
/// character that folds to ASCII, and is folded whole as before. (Not the word search of
/// [`find_in_words`]: it takes matches in order without overlaps, so a match that is then
/// refused, `sfis` in the `ssfi` of `ẞﬁ`, can hide one that overlaps it, `sfis` in
/// `ẞﬁsfis a`, which the whole query finds.)
///
/// A text with no character that folds to ASCII (most English prose: its curly quotes and
/// dashes are never part of a match) is not folded at all: every match there begins with
/// the first word as it is, and goes on as the query does, ASCII letter for letter (in any
/// ASCII case when case is folded) and a run of white space for each space
/// ([`FirstWord::find_phrase`]), which is what folding it whole finds.
#[derive(Debug, Clone)]
struct FirstWord {
    ascii: AhoCorasick,
    /// The folded query, when it neither begins nor ends with white space (else folding
    /// the text is left to do).
    needle: Option<String>,
    /// For a needle no two matches of which can overlap, with at most [`MAX_REACH`]
    /// spaces: how many. Text with characters that may fold into a match is then folded
    /// only around them ([`FirstWord::find_around`]).
    reach: Option<usize>,
}

/// The most spaces a query may have for text to be folded only around the characters
/// that may fold into a match (each of which is folded with this many words either side).
const MAX_REACH: usize = 8;

/// Whether no two matches of `needle` can overlap: no part at its start is also at its end.
fn overlaps_never(needle: &[u8]) -> bool {
    (1..needle.len()).all(|n| needle[..n] != needle[needle.len() - n..])
}

impl FirstWord {
    fn new(text: &str, fold: Fold) -> Option<FirstWord> {
        // White space as folding takes it (a vertical tab too, which the ASCII rule
        // leaves out).
        if !text.is_ascii() || !text.contains(char::is_whitespace) {
            return None;
        }
        let word = text.split(char::is_whitespace).find(|w| !w.is_empty())?;
        let mut needle = String::new();
        fold_into(text, fold, &mut needle, &mut Vec::new());
        let needle = (needle.is_ascii() && !needle.starts_with(' ') && !needle.ends_with(' '))
            .then_some(needle);
        let reach = needle
            .as_deref()
            .filter(|n| overlaps_never(n.as_bytes()))
            .map(|n| n.bytes().filter(|&b| b == b' ').count())
            .filter(|&spaces| spaces <= MAX_REACH);
        Some(FirstWord {
            reach,
            ascii: AhoCorasickBuilder::new()
                .ascii_case_insensitive(fold.case)
                .build([word])
                .ok()?,
            needle,
        })
    }

    /// Whether `text` has a character that folds to ASCII and may be part of a match of
    /// the query `id` (see [`FirstWord::may_fold_into`]): then only folding it finds every
    /// match. A character that folds to ASCII letters none of which is in the query (the
    /// stress marks of `Natásha` and `Rostóv` when the query is `Prince Andrew`) is never
    /// part of a match, as a character that does not fold to ASCII is never.
    fn folds_into(&self, text: &str, fold: Fold, id: u64, scratch: &mut Folded) -> bool {
        let Some(needle) = &self.needle else {
            return FirstWord::folds_any(text, fold, scratch);
        };
        non_ascii_chars(text).any(|c| FirstWord::relevant(c, fold, needle, id, scratch))
    }

    /// Whether `c` (not ASCII) folds to ASCII and may be part of a match of the folded
    /// `needle` of query `id` ([`FirstWord::may_fold_into`]), remembered in `scratch`.
    fn relevant(c: char, fold: Fold, needle: &str, id: u64, scratch: &mut Folded) -> bool {
        const SLOTS: usize = 256;
        if scratch.kind(c, fold) != CharKind::Folds {
            return false;
        }
        if scratch.relevant.is_empty() {
            scratch.relevant = vec![('\0', u64::MAX, true); SLOTS];
        }
        let slot = c as usize % SLOTS;
        match scratch.relevant[slot] {
            (k, q, relevant) if k == c && q == id => relevant,
            _ => {
                let relevant = FirstWord::may_fold_into(c, fold, needle);
                scratch.relevant[slot] = (c, id, relevant);
                relevant
            }
        }
    }

    /// The matches of the query in `text`, which has characters that may fold into a
    /// match: `false` when the query cannot be matched so (then fold the whole text).
    ///
    /// A match is made of `reach + 1` runs of characters that are not white space (one
    /// space of the query for each run of white space between), so a match with such a
    /// character in it, or touching it (a combining mark after the match, `ß` of which
    /// the match takes one `s`: both in the same run), lies within `reach` runs either
    /// side of the character's run. Those *windows* are folded and searched as the whole
    /// text would be (they start and end at white space, which folding takes whole). The
    /// rest is compared as it is ([`FirstWord::find_phrase`]): a match found so that lies
    /// within a window is left to the window, any other has no such character in or
    /// touching it and is a match of folding the whole text. No two matches of the needle
    /// overlap, so the matches of the two ways are the matches of folding the whole text.
    fn find_around(
        &self,
        text: &str,
        fold: Fold,
        finder: &AhoCorasick,
        id: u64,
        scratch: &mut Folded,
        out: &mut Vec<Range<usize>>,
    ) -> bool {
        let (Some(needle), Some(reach)) = (&self.needle, self.reach) else {
            return false;
        };
        // The windows, in order, merged where they touch.
        let mut windows: Vec<Range<usize>> = Vec::new();
        // The end of the run the last character that may fold into a match is in.
        let mut run_end = 0;
        let bytes = text.as_bytes();
        let mut at = 0;
        while let Some(skip) = first_non_ascii(&bytes[at..]) {
            at += skip;
            let Some(c) = text[at..].chars().next() else {
                break;
            };
            if at < run_end || !FirstWord::relevant(c, fold, needle, id, scratch) {
                at += c.len_utf8();
                continue;
            }
            // Back over `reach` runs, up to the window before (windows start in order).
            let floor = windows.last().map_or(0, |w| w.end);
            let start = runs_before(text, at, reach, floor);
            let (own_end, end) = runs_after(text, at, reach);
            run_end = own_end;
            match windows.last_mut() {
                Some(w) if start <= w.end => w.end = w.end.max(end),
                _ => windows.push(start..end),
            }
            at += c.len_utf8();
        }
        let first = out.len();
        if self.ascii.is_match(text) {
            let mut phrases = Vec::new();
            self.find_phrase(text, fold, &mut phrases);
            let mut next = 0;
            out.extend(phrases.into_iter().filter(|m| {
                while windows.get(next).is_some_and(|w| w.end <= m.start) {
                    next += 1;
                }
                windows
                    .get(next)
                    .is_none_or(|w| !(w.start <= m.start && m.end <= w.end))
            }));
        }
        for w in windows {
            find_folded(&text[w.clone()], w.start, fold, finder, scratch, out);
        }
        out[first..].sort_unstable_by_key(|r| r.start);
        true
    }

    /// Whether `c` (which folds to ASCII, or is a combining mark) may be part of a match
    /// of the folded `needle`, or touch one: it is a combining mark (which may end a
    /// match or be dropped inside one), folds to nothing (and so joins what is either
    /// side), or folds to a character of the needle. Folding makes every character of a
    /// match part of the match whole, so a character folding to others is in none.
    fn may_fold_into(c: char, fold: Fold, needle: &str) -> bool {
        if is_combining_mark(c) {
            return true;
        }
        let folded = fold_char(c, fold);
        folded.is_empty() || folded.bytes().any(|b| needle.as_bytes().contains(&b))
    }

    /// Whether `text` has a character that folds to ASCII (or to nothing, or is a
    /// combining mark).
    fn folds_any(text: &str, fold: Fold, scratch: &mut Folded) -> bool {
        non_ascii_chars(text).any(|c| scratch.kind(c, fold) == CharKind::Folds)
    }

    /// The matches of the query in `text`, which has no character that folds to ASCII
    /// and may be part of a match ([`FirstWord::folds_into`]): from each place the first word is (in order, and where
    /// one match ends before the next begins, as the finder over folded text takes them),
    /// the query compared with the text as it is. `false` when the query cannot be
    /// compared so (then fold).
    fn find_phrase(&self, text: &str, fold: Fold, out: &mut Vec<Range<usize>>) -> bool {
        let Some(needle) = &self.needle else {
            return false;
        };
        let bytes = text.as_bytes();
        let mut from = 0;
        let mut done = 0;
        while from < bytes.len() {
            let input = aho_corasick::Input::new(text).span(from..bytes.len());
            let Some(word) = self.ascii.find(input) else {
                break;
            };
            let start = word.start();
            from = start + 1;
            if start < done {
                continue;
            }
            if let Some(end) = phrase_at(text, start, needle.as_bytes(), fold.case) {
                out.push(start..end);
                done = end;
                from = end;
            }
        }
        true
    }
}

/// Where the folded `needle` (ASCII, not beginning or ending with a space) matches `text`
/// from `start` on, in text with no character that folds to ASCII: each letter of the
/// needle is the same ASCII character (in either case when `case` is folded), each space a
/// run of white space, taken whole, as folding makes it one space.
fn phrase_at(text: &str, start: usize, needle: &[u8], case: bool) -> Option<usize> {
    let mut at = start;
    let bytes = text.as_bytes();
    for &n in needle {
        if n == b' ' {
            let run = text.get(at..)?;
            let len: usize = run
                .chars()
                .take_while(|c| c.is_whitespace())
                .map(char::len_utf8)
                .sum();
            if len == 0 {
                return None;
            }
            at += len;
        } else {
            let &t = bytes.get(at)?;
            let same = if case {
                t.to_ascii_lowercase() == n
            } else {
                t == n
            };
            if !same {
                return None;
            }
            at += 1;
        }
    }
    Some(at)
}

/// What folding makes of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fold {
    case: bool,
    marks: bool,
    /// Typographic quotes and apostrophes fold to the typewriter's (`’` to `'`, `“` to `"`).
    quotes: bool,
}

/// The typewriter quote that a typographic quote or apostrophe stands for, if `c` is one:
/// what a query typed on a keyboard means by it (`don't` finds `don’t`).
fn straight_quote(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '\u{02bc}' => Some('\''),
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' => Some('"'),
        _ => None,
    }
}

/// The most a regular expression may grow to once compiled; a hostile pattern gets an
/// error, not the memory.
const REGEX_SIZE_LIMIT: usize = 4 << 20;

impl Query {
    pub fn new(text: &str, options: Options) -> Result<Query, QueryError> {
        if text.trim().is_empty() {
            return Err(QueryError::Empty);
        }
        let case_sensitive = options
            .case_sensitive
            .unwrap_or_else(|| text.chars().any(char::is_uppercase));
        if options.regex {
            let regex = regex::RegexBuilder::new(text)
                .case_insensitive(!case_sensitive)
                .size_limit(REGEX_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SIZE_LIMIT)
                .build()
                .map_err(|e| QueryError::Regex(one_line(&e.to_string())))?;
            return Ok(Query {
                matcher: Matcher::Regex(regex),
                id: next_query_id(),
                case_sensitive,
            });
        }
        let marks = options.ignore_diacritics && !has_marks(text);
        // A query with a typewriter quote finds the typographic ones too (one with a
        // typographic quote finds only that, as one with an accent finds only it).
        let quotes = text.contains(['\'', '"']);
        let fold = Fold {
            case: !case_sensitive,
            marks,
            quotes,
        };
        let mut needle = String::new();
        fold_into(text, fold, &mut needle, &mut Vec::new());
        if needle.trim().is_empty() {
            return Err(QueryError::Empty);
        }
        let finder = AhoCorasickBuilder::new()
            .build([needle.as_str()])
            .map_err(|e| QueryError::Regex(e.to_string()))?;
        let ascii = (text.is_ascii() && !text.contains(char::is_whitespace))
            .then(|| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(!case_sensitive)
                    .build([text])
                    .ok()
            })
            .flatten();
        let first_word = FirstWord::new(text, fold);
        Ok(Query {
            matcher: Matcher::Literal {
                fold,
                finder,
                ascii,
                first_word,
            },
            id: next_query_id(),
            case_sensitive,
        })
    }

    /// The byte ranges of `text` that match, in order, not overlapping.
    pub fn find_all(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        self.find_into(text, &mut Folded::default(), &mut out);
        out
    }

    /// [`Query::find_all`] into `out`, reusing `scratch` from one text to the next.
    pub fn find_into(&self, text: &str, scratch: &mut Folded, out: &mut Vec<Range<usize>>) {
        match &self.matcher {
            Matcher::Regex(regex) => out.extend(
                regex
                    .find_iter(text)
                    .filter(|m| !m.is_empty())
                    .map(|m| m.range()),
            ),
            Matcher::Literal {
                fold,
                finder,
                ascii,
                first_word,
            } => match ascii {
                Some(ascii) => find_in_words(text, *fold, ascii, finder, self.id, scratch, out),
                None => match first_word {
                    Some(word) => {
                        // Folding only around the characters that may fold into a match
                        // (looked for once), or, when the query cannot be matched so,
                        // folding the text that has one.
                        let found = if word.reach.is_some() {
                            word.find_around(text, *fold, finder, self.id, scratch, out)
                        } else if word.folds_into(text, *fold, self.id, scratch) {
                            false
                        } else {
                            // Without a character that may fold into a match, and without
                            // the first word as it is, there is none.
                            !word.ascii.is_match(text) || word.find_phrase(text, *fold, out)
                        };
                        if !found {
                            find_folded(text, 0, *fold, finder, scratch, out);
                        }
                    }
                    None => find_folded(text, 0, *fold, finder, scratch, out),
                },
            },
        }
    }

    /// Whether the query matches anywhere in `text`.
    pub fn is_match(&self, text: &str) -> bool {
        match &self.matcher {
            Matcher::Regex(regex) => regex.is_match(text),
            Matcher::Literal { .. } => !self.find_all(text).is_empty(),
        }
    }
}

/// A number no other query has.
fn next_query_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// The matches of the folded query in `text` folded, as ranges of `text` moved by `base`.
fn find_folded(
    text: &str,
    base: usize,
    fold: Fold,
    finder: &AhoCorasick,
    scratch: &mut Folded,
    out: &mut Vec<Range<usize>>,
) {
    scratch.fold(text, fold);
    out.extend(
        finder
            .find_iter(&scratch.text)
            .filter(|m| scratch.whole(m.range()))
            .map(|m| {
                let r = scratch.original(m.range());
                r.start + base..r.end + base
            }),
    );
}

/// An ASCII query without white space in text that is not all ASCII (most prose: curly
/// quotes and dashes in English, umlauts in German): a match lies within one *word*, a
/// stretch between white space and characters whose folded form is not ASCII (quotes,
/// dashes, other scripts), which are never part of one. The ASCII finder runs over the
/// whole text, as over ASCII text, and only the words with a character that folds to ASCII
/// (`ü` when diacritics are ignored, `ß`, a soft hyphen, a combining mark) are folded and
/// searched that way instead. The matches are those folding the whole text finds (a
/// property test compares the two).
///
/// Such words repeat (names with accents, words with a dash or a soft hyphen), so the
/// matches found in each are kept in `scratch` for query `id` ([`Folded::remember`]): a
/// word seen before is looked up rather than folded again, which in a long article is
/// most of the folding.
fn find_in_words(
    text: &str,
    fold: Fold,
    ascii: &AhoCorasick,
    finder: &AhoCorasick,
    id: u64,
    scratch: &mut Folded,
    out: &mut Vec<Range<usize>>,
) {
    let bytes = text.as_bytes();
    // The words to fold, in order, not overlapping.
    let mut slow: Vec<Range<usize>> = Vec::new();
    let mut at = 0;
    while let Some(skip) = first_non_ascii(&bytes[at..]) {
        at += skip;
        let Some(c) = text[at..].chars().next() else {
            break;
        };
        if scratch.kind(c, fold) == CharKind::Barrier {
            at += c.len_utf8();
            continue;
        }
        let start = word_start(text, at, fold, scratch);
        let end = word_end(text, at, fold, scratch);
        match slow.last_mut() {
            Some(last) if last.end >= start => last.end = end,
            _ => slow.push(start..end),
        }
        at = end;
    }
    let first = out.len();
    let mut next_slow = 0;
    for m in ascii.find_iter(text) {
        while slow.get(next_slow).is_some_and(|r| r.end <= m.start()) {
            next_slow += 1;
        }
        if slow.get(next_slow).is_none_or(|r| m.end() <= r.start) {
            out.push(m.range());
        }
    }
    for word in slow {
        let w = &text[word.clone()];
        if let Some(found) = scratch.remembered(id, fold, w) {
            out.extend(
                found
                    .iter()
                    .map(|r| r.start + word.start..r.end + word.start),
            );
            continue;
        }
        let before = out.len();
        find_folded(w, word.start, fold, finder, scratch, out);
        let found = out[before..]
            .iter()
            .map(|r| r.start - word.start..r.end - word.start);
        scratch.remember(id, fold, w, found.collect());
    }
    out[first..].sort_unstable_by_key(|r| r.start);
}

/// One character folded as the matcher folds text ([`fold_into`]).
fn fold_char(c: char, fold: Fold) -> String {
    let mut folded = String::new();
    fold_into(
        c.encode_utf8(&mut [0; 4]),
        fold,
        &mut folded,
        &mut Vec::new(),
    );
    folded
}

/// The characters of `text` that are not ASCII, in order (the ASCII between passed over
/// eight bytes at a time).
fn non_ascii_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        at += first_non_ascii(&bytes[at..])?;
        let c = text[at..].chars().next()?;
        at += c.len_utf8();
        Some(c)
    })
}

/// The index of the first byte of `bytes` that is not ASCII, looked for eight bytes at a
/// time (most text has none, or few).
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        if word & HIGH != 0 {
            return chunk.iter().position(|b| !b.is_ascii()).map(|i| at + i);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|b| !b.is_ascii())
        .map(|i| at + i)
}

/// Where the run of characters that are not white space with the one at `at` in it
/// starts, after going back over `more` runs before it, or `floor` if that comes first.
fn runs_before(text: &str, at: usize, more: usize, floor: usize) -> usize {
    let mut start = at;
    let mut left = more;
    let mut in_space = false;
    for (i, c) in text[..at].char_indices().rev() {
        if i < floor {
            return floor;
        }
        if c.is_whitespace() {
            if !in_space {
                if left == 0 {
                    return start;
                }
                left -= 1;
                in_space = true;
            }
        } else {
            in_space = false;
        }
        start = i;
    }
    0
}

/// Where the run of characters that are not white space with the one at `at` in it
/// ends, and where the `more`th run after it ends.
fn runs_after(text: &str, at: usize, more: usize) -> (usize, usize) {
    let mut own = None;
    let mut left = more;
    let mut in_space = false;
    for (i, c) in text[at..].char_indices() {
        if c.is_whitespace() {
            if !in_space {
                let end = at + i;
                own.get_or_insert(end);
                if left == 0 {
                    return (own.unwrap_or(end), end);
                }
                left -= 1;
                in_space = true;
            }
        } else {
            in_space = false;
        }
    }
    (own.unwrap_or(text.len()), text.len())
}

/// Where the word around the character at `at` starts (see [`find_in_words`]).
fn word_start(text: &str, mut at: usize, fold: Fold, scratch: &mut Folded) -> usize {
    while let Some(c) = text[..at].chars().next_back() {
        if is_word_end(c, fold, scratch) {
            break;
        }
        at -= c.len_utf8();
    }
    at
}

/// Where the word with the character at `at` in it ends.
fn word_end(text: &str, mut at: usize, fold: Fold, scratch: &mut Folded) -> usize {
    while let Some(c) = text[at..].chars().next() {
        if is_word_end(c, fold, scratch) {
            break;
        }
        at += c.len_utf8();
    }
    at
}

/// Whether `c` is never part of a match of an ASCII query without white space.
fn is_word_end(c: char, fold: Fold, scratch: &mut Folded) -> bool {
    if c.is_ascii() {
        c.is_ascii_whitespace()
    } else {
        scratch.kind(c, fold) == CharKind::Barrier
    }
}

/// What a character that is not ASCII can be to an ASCII query without white space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CharKind {
    /// Its folded form is ASCII (or nothing), or it is a combining mark that a match must
    /// not end before: its word is folded.
    Folds,
    /// It is never part of a match (white space, or a folded form that is not ASCII).
    Barrier,
}

/// Text folded for matching, with where each of its bytes came from.
#[derive(Debug, Default)]
pub struct Folded {
    text: String,
    /// For each byte of `text`, the range of the original text it was made from (the
    /// character, or the run of white space).
    from: Vec<(u32, u32)>,
    /// What characters are to an ASCII query, as found: a small cache by code point, each
    /// slot the character, the fold it was judged for, and its kind.
    kinds: Vec<(char, Fold, CharKind)>,
    /// Whether a character that folds to ASCII can be part of a match of query `id`
    /// ([`FirstWord::may_fold_into`]), as found: a small cache by code point.
    relevant: Vec<(char, u64, bool)>,
    /// The matches in words folded by [`find_in_words`] (relative to the word), by word,
    /// for the query and fold they were found for.
    words: std::collections::HashMap<Box<str>, Box<[Range<usize>]>>,
    words_for: Option<(u64, Fold)>,
}

/// Words longer than this are folded each time they come (they rarely repeat).
const REMEMBER_WORD: usize = 64;
/// Words remembered at most; then the memory starts again.
const REMEMBER_WORDS: usize = 16_384;

impl Folded {
    /// The matches of query `id` folded with `fold` in `word`, if it was seen before.
    fn remembered(&self, id: u64, fold: Fold, word: &str) -> Option<&[Range<usize>]> {
        if self.words_for != Some((id, fold)) {
            return None;
        }
        self.words.get(word).map(|m| &m[..])
    }

    fn remember(&mut self, id: u64, fold: Fold, word: &str, found: Vec<Range<usize>>) {
        if word.len() > REMEMBER_WORD {
            return;
        }
        if self.words_for != Some((id, fold)) || self.words.len() >= REMEMBER_WORDS {
            self.words.clear();
            self.words_for = Some((id, fold));
        }
        self.words.insert(word.into(), found.into_boxed_slice());
    }

    /// What `c` (not ASCII) is to an ASCII query folded with `fold`.
    fn kind(&mut self, c: char, fold: Fold) -> CharKind {
        const SLOTS: usize = 256;
        if self.kinds.is_empty() {
            self.kinds = vec![('\0', fold, CharKind::Barrier); SLOTS];
        }
        let slot = c as usize % SLOTS;
        if let (k, f, kind) = self.kinds[slot]
            && k == c
            && f == fold
        {
            return kind;
        }
        let folded = fold_char(c, fold);
        let kind = if c.is_whitespace() {
            CharKind::Barrier
        } else if folded.is_ascii() || is_combining_mark(c) {
            CharKind::Folds
        } else {
            CharKind::Barrier
        };
        self.kinds[slot] = (c, fold, kind);
        kind
    }

    /// Lets go of the buffers of a long text folded (a thread keeps its [`Folded`]).
    pub fn trim(&mut self) {
        const KEEP: usize = 1 << 16;
        if self.text.capacity() > KEEP {
            self.text = String::new();
        }
        if self.from.capacity() > KEEP {
            self.from = Vec::new();
        }
    }

    fn fold(&mut self, text: &str, fold: Fold) {
        self.text.clear();
        self.from.clear();
        fold_into(text, fold, &mut self.text, &mut self.from);
    }

    /// Whether a folded range is made of whole characters of the original, with no
    /// diacritic after it, nor a mark that makes one letter with its last: `s` is not found
    /// in `ß` (folded `ss`), nor `cafe` in `café` when diacritics count (folded `cafe` and
    /// a mark), nor `か` in `か` and a voicing mark (`が`). A vowel sign of Hindi or Thai
    /// after it is the next letter of a longer word (`अधिकार` in `अधिकारों`, as `Andrew` in
    /// `Andrews`).
    fn whole(&self, folded: Range<usize>) -> bool {
        let split =
            |at: usize| at > 0 && at < self.from.len() && self.from[at - 1] == self.from[at];
        let last = self.text[..folded.end].chars().next_back();
        let mark_after = self.text[folded.end..].chars().next().is_some_and(|m| {
            is_diacritic(m)
                || (is_combining_mark(m)
                    && last.is_some_and(|l| unicode_normalization::char::compose(l, m).is_some()))
        });
        !split(folded.start) && !split(folded.end) && !mark_after
    }

    /// The original range a folded range was made from: from the start of the character
    /// its first byte came from to the end of the one its last byte came from.
    fn original(&self, folded: Range<usize>) -> Range<usize> {
        let start = self.from.get(folded.start).map_or(0, |f| f.0 as usize);
        let end = folded
            .end
            .checked_sub(1)
            .and_then(|last| self.from.get(last))
            .map_or(start, |f| f.1 as usize);
        start..end.max(start)
    }
}

/// Characters that are not seen and never part of what a person searches for.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
    )
}

fn has_marks(text: &str) -> bool {
    let mut marks = false;
    for c in text.chars() {
        decompose_canonical(c, |d| marks |= is_diacritic(d));
    }
    marks
}

/// A combining mark that is a diacritic, which searching ignores when the query has none:
/// accents and the like of Latin, Greek and Cyrillic letters (the combining diacritical
/// marks' blocks), Hebrew points and Arabic vowel marks. The vowel signs and viramas of
/// Hindi, Thai and other scripts, and Japanese voicing marks, are combining marks too but
/// letters of their words: `मन` is not `मान`, nor `か` `が`.
fn is_diacritic(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
            | '\u{591}'..='\u{5c7}'
            | '\u{610}'..='\u{61a}'
            | '\u{64b}'..='\u{65f}'
            | '\u{670}'
            | '\u{6d6}'..='\u{6ed}'
    ) && is_combining_mark(c)
}

/// Appends the folded form of `text` to `out`, and for each byte appended, the original
/// range it comes from to `from` (left alone when the caller does not need it: pass a
/// vector it ignores).
fn fold_into(text: &str, fold: Fold, out: &mut String, from: &mut Vec<(u32, u32)>) {
    let case = CaseMapper::new();
    let offset = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let mut space: Option<usize> = None;
    let mut decomposed = String::new();
    out.reserve(text.len());
    from.reserve(text.len());
    let bytes = text.as_bytes();
    let mut next = 0;
    while let Some(c) = text.get(next..).and_then(|rest| rest.chars().next()) {
        let at = next;
        // Most characters: ASCII and not white space, one byte folded to one, taken a run
        // at a time.
        let run = bytes[at..]
            .iter()
            .take_while(|b| b.is_ascii_graphic())
            .count();
        if run > 0 {
            space = None;
            let start = out.len();
            out.push_str(&text[at..at + run]);
            if fold.case {
                out[start..].make_ascii_lowercase();
            }
            from.extend((at..at + run).map(|i| (offset(i), offset(i + 1))));
            next = at + run;
            continue;
        }
        let end = at + c.len_utf8();
        next = end;
        if c.is_whitespace() {
            match space {
                // A run of white space is one space, made from all of it.
                Some(i) => from[i].1 = offset(end),
                None => {
                    space = Some(from.len());
                    out.push(' ');
                    from.push((offset(at), offset(end)));
                }
            }
            continue;
        }
        if is_invisible(c) {
            continue;
        }
        space = None;
        let before = out.len();
        if c.is_ascii() {
            out.push(if fold.case { c.to_ascii_lowercase() } else { c });
        } else if fold.quotes
            && let Some(quote) = straight_quote(c)
        {
            out.push(quote);
        } else {
            decomposed.clear();
            decompose_canonical(c, |d| {
                if !(fold.marks && is_diacritic(d)) {
                    decomposed.push(d);
                }
            });
            if fold.case {
                let folded = case.fold_string(&decomposed);
                // Folding can bring marks back (İ folds to i and a dot above) and
                // make characters that decompose further.
                for f in folded.chars() {
                    decompose_canonical(f, |d| {
                        if !(fold.marks && is_diacritic(d)) {
                            out.push(d);
                        }
                    });
                }
            } else {
                out.push_str(&decomposed);
            }
        }
        for _ in before..out.len() {
            from.push((offset(at), offset(end)));
        }
    }
}

/// The first line of a message, without the caret drawings `regex` adds.
fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .rfind(|l| l.starts_with("error:"))
        .map(|l| l.trim_start_matches("error:").trim().to_string())
        .unwrap_or_else(|| message.lines().next().unwrap_or("").trim().to_string())
}

#[cfg(test)]
mod tests;
