//! A full-text index of a library (tantivy), kept in the cache directory, that answers one
//! question: which articles *may* match a query. The exact hits, sections and snippets
//! still come from the real matcher ([`super::library::hits_in`]) run on those articles, so
//! smart case, folding, diacritics and phrases mean what they mean everywhere else. The
//! matcher runs on what the index keeps of each article ([`text`]: its blocks' text and its
//! sections, as a search reads them) where it keeps it, else on the article read again.
//!
//! For that the index must never leave out an article the matcher would find something in.
//! Words are indexed in the matcher's own folded form, folded the most it ever folds (case
//! and diacritics gone, invisible joiners dropped: [`super::fold_into`]), cut at every
//! character that is not a letter or digit. A query, folded the same way, is a run of such
//! words: the first may end a longer word of the text, the last may begin one, one alone
//! may sit anywhere inside one, the ones between must be whole words. The terms a word
//! may be are found in the list of every word of the index kept beside it ([`TermList`],
//! one `memmem` over it; without a list for the index's commit, by walking each segment's
//! term dictionary), and an article is a candidate when it has a term for every word. A
//! word too long to index whole (a script written without spaces) is indexed as
//! overlapping pieces, which answer for query words up to a length; for a longer query
//! word every article holding such a word is a candidate.
//!
//! Each article is recorded with its path, title, size and change time (`Stamp`); the index is
//! brought up to date by comparing those with the files (added, changed, removed
//! articles), never by reading unchanged ones. The index is a cache: missing, damaged or
//! locked by another blatt, the caller scans instead.
//!
//! What a search costs, at 100,000 articles, and how it is kept down:
//!
//! * Knowing an article is unchanged takes one `lstat` of its file: nothing else says that
//!   a file was edited in place. That is the floor of a search through the index (about a
//!   quarter of a second of system time here, on two cores at once: [`FileStamps`]). The
//!   `lstat` does not follow a symbolic link: an entry's path is canonical, so a link
//!   there now is a change, and such a file is never taken from the index.
//! * What the index holds (path, size, time of each article) is kept beside it in a list
//!   (`blatt-articles`) in library order, written with each commit and marked with its
//!   opstamp; comparing it with the library is a walk down both lists. Without a list for
//!   the index's current commit (another version, a crash between the commit and the
//!   list), the paths are read out of the index itself, in the order of its path column's
//!   dictionary.
//! * The candidates of a query are the documents left after looking up each word, and
//!   their paths, marked in that list; a search then walks its library and the list side
//!   by side ([`Candidates::in_order`]): no set of 100,000 strings per search, and no map
//!   of the list's paths unless the library is out of the list's order.
//! * `blatt search` opens the index and asks it for the candidates ([`open_early`]) on
//!   one thread while it looks at the files on the others; the answer is taken when the
//!   look found nothing changed (the index's commit is still the one asked).
//!   Which words of the index a query word is in is one `memmem` over the list of all of
//!   them (`blatt-terms`, written with each commit, about 1 MB at 100,000 articles): about
//!   a millisecond, where walking the segments' term dictionaries took 60–80 ms.
//! * The library's listing is decoded, its files looked at and its entries made a run of
//!   entries per thread ([`listing`], `parallel_chunks`): on one thread, decoding and
//!   making 100,000 entries took as long as a third of the looks.
//! * An article that may match is not read and parsed again: its blocks' text and sections
//!   are kept in the index ([`text`], a stored field), and its hits made from them. For
//!   `Prince Andrew` (65,270 hits in 14,609 of 100,000 articles) that took the processor
//!   time of a search from 1.8 s to 0.9 s; the index grows from 44 MB to 483 MB (the text
//!   is kept as it is: tantivy's compression is not built in), the first build by about
//!   5 % (22.2 s before, 23.5 s after, side by side at a load of 5).
//! * Building reads and parses articles on two threads while tantivy indexes on two more;
//!   the tokenizer hands tantivy each distinct word of an article once (`article_terms`).
//!
//! Measured at 100,000 articles (`scripts/gen_library.py`, 435 MB; medians of 9, wall and
//! user + system time, the build before this and `grep -rl` in the same run, at a load of
//! 4.7–5.3 from other work on the two cores): `Quokka-Zebrafinch` 0.25 s (0.20 s processor;
//! before 0.27 s / 0.23 s; `grep -rl` 0.65 s), `K00042` 0.22 s (0.20 s; before 0.28 / 0.21;
//! grep 0.53 s), `Prince Andrew` 0.87 s (0.92 s; before 1.34 / 1.81; grep 0.63 s). What a
//! rare word still costs is the floor: 100,006 `newfstatat` (0.13–0.15 s of system time),
//! so on two cores at best about 0.07 s wall before anything else.
//!
//! The library itself (INDEX.md parsed, links resolved) can be kept too: [`listing`].

use std::collections::{HashMap, HashSet};
use std::hash::Hasher as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{DocSet, Index, IndexReader, IndexWriter, TERMINATED, TantivyDocument, Term};

pub mod listing;
pub mod text;

use super::{Fold, fold_into};
use crate::document::Document;
use crate::library::{Library, Origin, Target};

/// Environment variable naming the cache directory (for tests and for people who keep
/// caches elsewhere), as `BLATT_CONFIG_DIR` names the config directory.
pub const ENV_CACHE_DIR: &str = "BLATT_CACHE_DIR";

/// How `blatt search` and the reader read the articles they search, with articles of at
/// most `cap` bytes (the configuration's limit), as the index marks what it keeps of them
/// ([`LibraryIndex::set_reading`]): both read an entry's article the same way, so each
/// answers from what the other kept.
pub fn reading(cap: u64) -> String {
    format!("articles up to {cap} bytes")
}

/// Changes whenever what is indexed or how it is folded changes: an index written by
/// another version is rebuilt.
const FORMAT: &str = "blatt-index 5";
const FORMAT_FILE: &str = "blatt-index-format";
const TOKENIZER: &str = "blatt_fold";
/// Longer words are not indexed whole: the article gets [`LONG_WORD`], and the word is
/// indexed as overlapping pieces ([`long_word_pieces`]).
const MAX_WORD: usize = 200;
/// A term no word can be (words are letters and digits): the article has a word longer
/// than [`MAX_WORD`], and is a candidate for every query word its pieces cannot answer for
/// ([`needs_long_words`]).
const LONG_WORD: &str = "\u{1}";
/// How far apart the pieces of a long word start: each piece is [`MAX_WORD`] bytes or a
/// little more, so two pieces share at least `MAX_WORD - PIECE_STEP` bytes.
const PIECE_STEP: usize = 100;
/// A query word matching more terms than this is not used to narrow the candidates (a
/// one-letter query matches most of the dictionary; reading every posting list would cost
/// more than it saves).
const MAX_EXPANSION: usize = 50_000;
/// A query word matching at most this many words of the index looks each up in every
/// segment's dictionary; more, and each dictionary is walked once instead.
const MAX_LOOKUPS: usize = 2_000;
/// Memory for tantivy's indexing buffers (split among its threads).
/// The size of the blocks the index keeps articles in (about one news article): a search
/// reads a whole block to take one article out of it, and an article that may match a
/// common phrase shares its block with others that mostly do not. With tantivy's 16 KiB,
/// copying blocks was a tenth of such a search.
const STORE_BLOCK: usize = 4096;
const WRITER_MEMORY: usize = 96 << 20;
/// Tantivy's indexing threads, and the threads reading and parsing articles for them.
const WRITER_THREADS: usize = 2;
const READ_THREADS: usize = 2;

/// Why the index cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Tantivy { path: PathBuf, message: String },
    #[error("{path}: made by another version of blatt")]
    Format { path: PathBuf },
    #[error("no cache directory")]
    NoCacheDir,
    #[error("cancelled")]
    Cancelled,
}

/// The cache directory: `$BLATT_CACHE_DIR` when set and not empty, else the platform's
/// (`~/.cache/blatt` on Linux).
pub fn cache_root() -> Option<PathBuf> {
    match std::env::var_os(ENV_CACHE_DIR) {
        Some(dir) if !dir.is_empty() => std::path::absolute(PathBuf::from(dir)).ok(),
        _ => directories::ProjectDirs::from("", "", "blatt").map(|d| d.cache_dir().into()),
    }
}

/// Where the index of the library whose INDEX.md is `index_md` lives under `cache`: one
/// folder per library, named by a hash of the INDEX.md's canonical path.
pub fn index_dir(cache: &Path, index_md: &Path) -> PathBuf {
    let mut hash = crate::hash::Fnv1a::new();
    hash.part(index_md.as_os_str().as_encoded_bytes());
    cache.join("index").join(format!("{:016x}", hash.finish()))
}

/// The index folder of `library` under `cache`, if it is a library on disk.
pub fn library_index_dir(cache: &Path, library: &Library) -> Option<PathBuf> {
    match &library.origin {
        Origin::Dir { index, .. } => Some(index_dir(cache, index)),
        Origin::Bundled => None,
    }
}

/// Whether `library` has a search index under `cache` (it was searched before): its list
/// of articles is there. Says nothing of whether the index can be used.
pub fn has_index(cache: &Path, library: &Library) -> bool {
    library_index_dir(cache, library).is_some_and(|dir| dir.join(KNOWN_FILE).is_file())
}

/// The words of `text` as the index keeps them: folded as far as the matcher ever folds,
/// cut at every character that is not a letter or a digit.
pub fn index_words(text: &str) -> Vec<String> {
    let mut folded = String::new();
    fold_into(text, FULL_FOLD, &mut folded, &mut Vec::new());
    words(&folded).map(|(_, w)| w.to_string()).collect()
}

const FULL_FOLD: Fold = Fold {
    case: true,
    marks: true,
    quotes: true,
};

/// The runs of letters and digits of `folded`, with where they start.
fn words(folded: &str) -> impl Iterator<Item = (usize, &str)> {
    // Where each word starts, from where it is in `folded` (a separator may be more than
    // one byte: counting one each put a query's last word short of the query's end, so it
    // was not let run on in the text, and articles it was in were not candidates).
    let base = folded.as_ptr() as usize;
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(move |w| (w.as_ptr() as usize - base, w))
}

/// The terms of an article: the distinct words of `text` as [`index_words`] makes them,
/// each once and in no particular order, with over-long words replaced by [`LONG_WORD`].
/// Appended to `terms` as spans of `words`.
///
/// Folding is a map of one character at a time (a run of white space becomes one space,
/// which cuts words as any space does), and an ASCII character folds to itself in lower
/// case, so an ASCII character that is not a letter or digit is a cut before and after
/// folding. The text is therefore cut at those first: a run of ASCII letters and digits
/// (most words of most text) is a word already and only needs lower case; only a run with
/// other characters in it goes through [`fold_into`]. The words are the same as folding the
/// whole text and cutting it (a test holds the two side by side). The index keeps no
/// positions or counts ([`IndexRecordOption::Basic`]), so a word handed to tantivy once per
/// article makes the same index as every occurrence of it, at a fraction of the cost (a
/// news article repeats about half of its words).
fn article_terms(
    text: &str,
    scratch: &mut TermScratch,
    out: &mut String,
    terms: &mut Vec<(usize, usize)>,
) {
    out.clear();
    terms.clear();
    let TermScratch {
        folded,
        from,
        spans,
    } = scratch;
    spans.clear();
    let mut push = |word: &mut dyn Iterator<Item = char>, len: usize| {
        let start = out.len();
        out.extend(word);
        if len > MAX_WORD {
            // Rare (a script written without spaces): the word's pieces, then the mark.
            let long = out.split_off(start);
            for piece in long_word_pieces(&long) {
                let at = out.len();
                out.push_str(&long[piece]);
                spans.push((at, out.len()));
            }
            let at = out.len();
            out.push_str(LONG_WORD);
            spans.push((at, out.len()));
        } else {
            spans.push((start, out.len()));
        }
    };
    for piece in text.split(|c: char| c.is_ascii() && !c.is_ascii_alphanumeric()) {
        if piece.is_ascii() {
            // Letters and digits only: one word (or none, between two cuts).
            if !piece.is_empty() {
                push(
                    &mut piece.chars().map(|c| c.to_ascii_lowercase()),
                    piece.len(),
                );
            }
        } else {
            folded.clear();
            from.clear();
            fold_into(piece, FULL_FOLD, folded, from);
            for (_, word) in words(folded) {
                push(&mut word.chars(), word.len());
            }
        }
    }
    let mut seen: HashSet<&str, QuickHash> =
        HashSet::with_capacity_and_hasher(spans.len(), QuickHash::default());
    for &(start, end) in spans.iter() {
        if seen.insert(&out[start..end]) {
            terms.push((start, end));
        }
    }
}

/// The pieces a word longer than [`MAX_WORD`] is indexed as: from its start, every
/// [`PIECE_STEP`] bytes (back to a character's start), a piece of [`MAX_WORD`] bytes (on to
/// a character's end) or up to the end of the word; and the last [`MAX_WORD`] bytes. So a
/// query word of up to `MAX_WORD` bytes that begins or ends the long word begins the first
/// piece or ends the last, and one of up to `MAX_WORD - PIECE_STEP` bytes anywhere in it is
/// inside a piece (the piece that starts last at or before it reaches past it): the pieces
/// answer for such words; longer ones take every article with a long word
/// ([`needs_long_words`]).
fn long_word_pieces(word: &str) -> Vec<std::ops::Range<usize>> {
    let len = word.len();
    let back = |mut i: usize| {
        i = i.min(len);
        while !word.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let on = |mut i: usize| {
        i = i.min(len);
        while !word.is_char_boundary(i) {
            i += 1;
        }
        i
    };
    let mut pieces = Vec::new();
    let mut start = 0;
    loop {
        let end = on(start + MAX_WORD);
        pieces.push(start..end);
        if end == len {
            break;
        }
        // At least PIECE_STEP - 3 bytes on: a character is at most four.
        start = back(start + PIECE_STEP);
    }
    pieces.push(back(len.saturating_sub(MAX_WORD))..len);
    pieces
}

/// Whether the articles with a word longer than [`MAX_WORD`] must be candidates for a query
/// word whatever their pieces say: the word is too long for the pieces to answer for it
/// ([`long_word_pieces`]).
fn needs_long_words(word: &WordMatch) -> bool {
    match word {
        WordMatch::Exact(w) | WordMatch::Prefix(w) | WordMatch::Suffix(w) => w.len() > MAX_WORD,
        WordMatch::Inside(w) => w.len() > MAX_WORD - PIECE_STEP,
    }
}

/// Buffers [`article_terms`] reuses from one article to the next.
#[derive(Clone, Default)]
struct TermScratch {
    folded: String,
    from: Vec<(u32, u32)>,
    spans: Vec<(usize, usize)>,
}

/// The tokenizer of the text field: [`article_terms`], its buffers kept from one article
/// to the next.
#[derive(Clone, Default)]
struct FoldTokenizer {
    scratch: TermScratch,
    words: String,
    terms: Vec<(usize, usize)>,
}

struct Terms<'a> {
    words: &'a str,
    terms: std::slice::Iter<'a, (usize, usize)>,
    token: Token,
}

impl Tokenizer for FoldTokenizer {
    type TokenStream<'a> = Terms<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Terms<'a> {
        article_terms(text, &mut self.scratch, &mut self.words, &mut self.terms);
        Terms {
            words: &self.words,
            terms: self.terms.iter(),
            token: Token::default(),
        }
    }
}

impl TokenStream for Terms<'_> {
    fn advance(&mut self) -> bool {
        match self.terms.next() {
            Some(&(start, end)) => {
                self.token.position = self.token.position.wrapping_add(1);
                self.token.text.clear();
                self.token.text.push_str(&self.words[start..end]);
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// How a query word must appear in an indexed word.
#[derive(Debug, Clone, PartialEq, Eq)]
enum WordMatch {
    Exact(String),
    Prefix(String),
    Suffix(String),
    Inside(String),
}

impl WordMatch {
    fn accepts(&self, term: &[u8]) -> bool {
        match self {
            WordMatch::Exact(w) => term == w.as_bytes(),
            WordMatch::Prefix(w) => term.starts_with(w.as_bytes()),
            WordMatch::Suffix(w) => term.ends_with(w.as_bytes()),
            WordMatch::Inside(w) => memchr::memmem::find(term, w.as_bytes()).is_some(),
        }
    }
}

/// What the words of a literal query must match, or `None` when the query has no word
/// (only punctuation): then every article is a candidate.
fn query_words(query: &str) -> Option<Vec<WordMatch>> {
    let mut folded = String::new();
    fold_into(query, FULL_FOLD, &mut folded, &mut Vec::new());
    let found: Vec<_> = words(&folded).collect();
    if found.is_empty() {
        return None;
    }
    Some(
        found
            .into_iter()
            .map(|(at, w)| {
                let open_start = at == 0;
                let open_end = at + w.len() == folded.len();
                let w = w.to_string();
                match (open_start, open_end) {
                    (true, true) => WordMatch::Inside(w),
                    (true, false) => WordMatch::Suffix(w),
                    (false, true) => WordMatch::Prefix(w),
                    (false, false) => WordMatch::Exact(w),
                }
            })
            .collect(),
    )
}

/// The file beside the index with every word of it ([`TermList`]).
const TERMS_FILE: &str = "blatt-terms";
const TERMS_FORMAT: &[u8] = b"blatt-terms 1\n";

/// Every word in the index (every term of the text field in any segment, over-long words'
/// mark left out), once each, for the commit `opstamp`: the words one after another, a
/// line break before and after each. A query word is looked for in all of them at once
/// with `memmem` (a few milliseconds for the million words of 100,000 articles, where
/// walking the term dictionaries of the segments takes tens), and only the words it is
/// found in are then looked up in the dictionaries. A word stays in the list until the
/// next commit even when its articles are deleted: the list may have words no segment has
/// (looked up for nothing), never lack one a segment has.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct TermList {
    opstamp: u64,
    /// `\n` then `word\n` for each word.
    blob: Vec<u8>,
}

impl TermList {
    /// The words a [`tantivy::termdict::TermMerger`] yields; `None` if one has a line break.
    fn from_sorted(opstamp: u64, mut merger: tantivy::termdict::TermMerger) -> Option<TermList> {
        let mut blob = vec![b'\n'];
        while merger.advance() {
            let term = merger.key();
            if term == LONG_WORD.as_bytes() || term.is_empty() {
                continue;
            }
            if memchr::memchr(b'\n', term).is_some() {
                return None;
            }
            blob.extend_from_slice(term);
            blob.push(b'\n');
        }
        Some(TermList { opstamp, blob })
    }

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(32 + self.blob.len()));
        w.0.extend_from_slice(TERMS_FORMAT);
        w.u64(self.opstamp);
        w.0.extend_from_slice(&self.blob);
        w.0
    }

    /// `None` for anything but a whole, well-formed list.
    fn decode(mut bytes: Vec<u8>) -> Option<TermList> {
        let (opstamp, at) = {
            let mut r = Reader(bytes.strip_prefix(TERMS_FORMAT)?);
            let opstamp = r.u64()?;
            if r.0.first() != Some(&b'\n') || r.0.last() != Some(&b'\n') {
                return None;
            }
            (opstamp, bytes.len() - r.0.len())
        };
        bytes.drain(..at);
        Some(TermList {
            opstamp,
            blob: bytes,
        })
    }

    /// The words of the list `word` accepts, each once; `None` when there are more than
    /// `limit` (the word narrows nothing).
    fn matching(&self, word: &WordMatch, limit: usize) -> Option<Vec<&[u8]>> {
        let blob = self.blob.as_slice();
        let (w, open_start, open_end) = match word {
            WordMatch::Exact(w) => (w, false, false),
            WordMatch::Prefix(w) => (w, false, true),
            WordMatch::Suffix(w) => (w, true, false),
            WordMatch::Inside(w) => (w, true, true),
        };
        let mut needle = Vec::with_capacity(w.len() + 2);
        if !open_start {
            needle.push(b'\n');
        }
        needle.extend_from_slice(w.as_bytes());
        if !open_end {
            needle.push(b'\n');
        }
        let lead = usize::from(!open_start);
        let finder = memchr::memmem::Finder::new(&needle);
        let mut out = Vec::new();
        let mut at = 0;
        while let Some(found) = finder.find(&blob[at..]) {
            // The word that holds the match: from the line break before its first letter to
            // the one after its last.
            let core = at + found + lead;
            let start = memchr::memrchr(b'\n', &blob[..core]).map_or(0, |i| i + 1);
            let after = core + w.len();
            let end = memchr::memchr(b'\n', &blob[after..]).map_or(blob.len(), |i| after + i);
            let term = &blob[start..end];
            if !term.is_empty() && word.accepts(term) {
                if out.len() == limit {
                    return None;
                }
                out.push(term);
            }
            // The next match is in a later word (the line break ending this one may begin
            // it).
            at = end.max(at + found + 1);
        }
        Some(out)
    }
}

/// An article's file as the index last saw it: its size, and when it last changed.
///
/// On Unix that is the file's change time (`ctime`), not its modification time: every
/// write sets both, but the modification time can be set back (`touch -d`, `rsync -t`, an
/// editor keeping it), and an article edited so with its size kept would be taken from
/// the index as it was, its old text searched. The change time is set by the system on
/// every change (and by `chmod`, `chown`, a rename: the article is then read again, which
/// costs only time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    changed: u64,
}

/// What the file system says of an entry's file, asked without following a symbolic link
/// (`lstat`): its size and change time ([`Stamp`]). Only a regular file has one: anything else
/// (gone, a folder, a symbolic link that appeared since the link was resolved) is never
/// taken from the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileStat {
    stamp: Stamp,
    /// The file has another name (a hard link) too: it may change through that name, in a
    /// folder no watch of the library sees.
    linked: bool,
}

impl FileStat {
    /// Looks at the file at `path` (not following a symbolic link there).
    pub fn of(path: &Path) -> Option<FileStat> {
        FileStat::from_meta(&std::fs::symlink_metadata(path).ok()?)
    }

    fn from_meta(meta: &std::fs::Metadata) -> Option<FileStat> {
        if !meta.is_file() {
            return None;
        }
        #[cfg(unix)]
        let (changed, linked) = {
            use std::os::unix::fs::MetadataExt;
            (
                nanos_since_1970(meta.ctime(), meta.ctime_nsec()),
                meta.nlink() > 1,
            )
        };
        #[cfg(not(unix))]
        let (changed, linked) = (
            meta.modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)),
            false,
        );
        Some(FileStat {
            stamp: Stamp {
                size: meta.len(),
                changed,
            },
            linked,
        })
    }
}

/// Seconds and nanoseconds since 1970 as nanoseconds (0 before 1970), as `SystemTime`
/// counts them.
#[cfg(unix)]
fn nanos_since_1970(seconds: i64, nanos: i64) -> u64 {
    let nanos = u64::try_from(nanos).unwrap_or(0);
    u64::try_from(seconds).map_or(0, |s| s.saturating_mul(1_000_000_000).saturating_add(nanos))
}

/// The files of a library's entries as they were when looked at, by entry: what the index
/// is brought up to date against. Looking is one `lstat` per article, the one cost of a
/// search that grows with the library and cannot be cached (an article edited in place
/// changes nothing else), so it is done on a few threads at once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileStamps {
    files: Vec<Option<FileStat>>,
}

impl FileStamps {
    /// Looks at the file of every entry of `library` that has one.
    pub fn of(library: &Library) -> FileStamps {
        FileStamps {
            files: parallel(
                library.entries.len(),
                Looker::default,
                |looker, i| match &library.entries[i].target {
                    Target::File(path) => looker.look(path),
                    _ => None,
                },
            ),
        }
    }

    /// Stamps already taken, one per entry (see [`FileStamps::of`]).
    pub fn from_files(files: Vec<Option<FileStat>>) -> FileStamps {
        FileStamps { files }
    }

    /// Looks again at the files of `entries` of `library` (the library these stamps were
    /// taken of); the others keep their stamps. Returns how many files were looked at.
    /// Stamps shared with a search are copied only if one of the files changed: stamps
    /// that are the same [`Arc`] as before are the same stamps.
    pub fn look_again(
        stamps: &mut Arc<FileStamps>,
        library: &Library,
        entries: impl IntoIterator<Item = usize>,
    ) -> usize {
        let mut looker = Looker::default();
        let mut looked = 0;
        for i in entries {
            let (Some(&before), Some(entry)) = (stamps.files.get(i), library.entries.get(i)) else {
                continue;
            };
            let now = match &entry.target {
                Target::File(path) => {
                    looked += 1;
                    looker.look(path)
                }
                _ => None,
            };
            if now != before {
                Arc::make_mut(stamps).files[i] = now;
            }
        }
        looked
    }

    fn stamp(&self, entry: usize) -> Option<Stamp> {
        self.files.get(entry).copied().flatten().map(|f| f.stamp)
    }

    /// Whether the file of entry `entry` has another name too ([`FileStat`]).
    pub fn is_linked(&self, entry: usize) -> bool {
        self.files
            .get(entry)
            .copied()
            .flatten()
            .is_some_and(|f| f.linked)
    }

    /// The entries whose file has another name too ([`FileStat`]).
    pub fn linked(&self) -> impl Iterator<Item = usize> + '_ {
        self.files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| f.is_some_and(|f| f.linked).then_some(i))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Looks at files ([`FileStat::of`]) one after another, each by its name in its folder
/// (`fstatat` on the folder, opened once for the files after it that are in it too): the
/// kernel then walks one name rather than the whole path, for a library in folders about a
/// third less time per file, which at 100,000 files is most of a search.
#[derive(Default)]
pub(crate) struct Looker {
    #[cfg(unix)]
    folder: Option<(PathBuf, rustix::fd::OwnedFd)>,
}

impl Looker {
    pub(crate) fn look(&mut self, path: &Path) -> Option<FileStat> {
        match (path.parent(), path.file_name()) {
            (Some(folder), Some(name)) if !folder.as_os_str().is_empty() => {
                self.look_in(folder, name, path)
            }
            _ => FileStat::of(path),
        }
    }

    /// [`Looker::look`] at `path`, the file `name` in `folder` (so the path need not be
    /// taken apart again).
    pub(crate) fn look_in(
        &mut self,
        folder: &Path,
        name: &std::ffi::OsStr,
        path: &Path,
    ) -> Option<FileStat> {
        #[cfg(unix)]
        {
            use rustix::fs::{AtFlags, FileType, Mode, OFlags};
            // Compared as bytes: the same folder is the same path (and comparing paths
            // as paths takes them apart).
            if self
                .folder
                .as_ref()
                .is_none_or(|(f, _)| f.as_os_str() != folder.as_os_str())
            {
                let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
                self.folder = rustix::fs::open(folder, flags, Mode::empty())
                    .ok()
                    .map(|fd| (folder.to_path_buf(), fd));
            }
            if let Some((_, fd)) = &self.folder {
                let stat = rustix::fs::statat(fd, name, AtFlags::SYMLINK_NOFOLLOW).ok()?;
                if FileType::from_raw_mode(stat.st_mode) != FileType::RegularFile {
                    return None;
                }
                // The change time ([`Stamp`]). (The fields' types differ between
                // architectures: hence the conversions.)
                #[allow(clippy::useless_conversion)]
                let seconds = i64::try_from(stat.st_ctime).ok()?;
                #[allow(clippy::useless_conversion)]
                let nanos = i64::try_from(stat.st_ctime_nsec).ok()?;
                return Some(FileStat {
                    stamp: Stamp {
                        size: u64::try_from(stat.st_size).unwrap_or(0),
                        changed: nanos_since_1970(seconds, nanos),
                    },
                    #[allow(clippy::useless_conversion)]
                    linked: u64::from(stat.st_nlink) > 1,
                });
            }
        }
        #[cfg(not(unix))]
        let _ = (folder, name);
        FileStat::of(path)
    }
}

/// `f` of `0..n`, in order, computed on up to four threads, each taking a run of
/// consecutive items with its own `state` (one thread for a few items, or when no thread
/// can be started). For system calls on many files: they are spent mostly in the kernel,
/// which runs them on every core.
pub(crate) fn parallel<T: Send, S>(
    n: usize,
    state: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize) -> T + Sync,
) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(4));
    let (f, state) = (&f, &state);
    let run = move |items: std::ops::Range<usize>| -> Vec<T> {
        let mut state = state();
        items.map(|i| f(&mut state, i)).collect()
    };
    if threads < 2 || n < 512 {
        return run(0..n);
    }
    let chunk = n.div_ceil(threads);
    let part = move |t: usize| t * chunk..((t + 1) * chunk).min(n);
    std::thread::scope(|s| {
        // The first run is this thread's own.
        let others: Vec<_> = (1..threads)
            .map(|t| {
                std::thread::Builder::new()
                    .spawn_scoped(s, move || run(part(t)))
                    .map_err(|_| t)
            })
            .collect();
        let mut out = run(part(0));
        for other in others {
            match other {
                Ok(handle) => match handle.join() {
                    Ok(items) => out.extend(items),
                    Err(panic) => std::panic::resume_unwind(panic),
                },
                Err(t) => out.extend(run(part(t))),
            }
        }
        out
    })
}

/// [`parallel`], for work that fills two slices of the same length in place: `f(state,
/// i, &mut a[i], &mut b[i])` for every `i`, on up to four threads, each taking a run of
/// consecutive items with its own `state`. Nothing is moved or gathered after.
pub(crate) fn parallel_chunks<A: Send, B: Send, S>(
    a: &mut [A],
    b: &mut [B],
    state: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, usize, &mut A, &mut B) + Sync,
) {
    let n = a.len().min(b.len());
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(4));
    let (f, state) = (&f, &state);
    let run = move |first: usize, a: &mut [A], b: &mut [B]| {
        let mut state = state();
        for (i, (a, b)) in a.iter_mut().zip(b.iter_mut()).enumerate() {
            f(&mut state, first + i, a, b);
        }
    };
    if threads < 2 || n < 512 {
        run(0, &mut a[..n], &mut b[..n]);
        return;
    }
    let chunk = n.div_ceil(threads);
    // Each run is taken by whichever thread comes to it first: its own thread, or this
    // one once done with the first run (when a thread could not be started, or is slow
    // to start).
    type Part<'a, A, B> = Mutex<Option<(usize, &'a mut [A], &'a mut [B])>>;
    let parts: Vec<Part<A, B>> = a[..n]
        .chunks_mut(chunk)
        .zip(b[..n].chunks_mut(chunk))
        .enumerate()
        .map(|(t, (a, b))| Mutex::new(Some((t * chunk, a, b))))
        .collect();
    let take = |t: usize| {
        let part = parts[t].lock().ok()?.take();
        if let Some((first, a, b)) = part {
            run(first, a, b);
        }
        Some(())
    };
    std::thread::scope(|s| {
        for t in 1..parts.len() {
            let _ = std::thread::Builder::new().spawn_scoped(s, move || take(t));
        }
        for t in 0..parts.len() {
            take(t);
        }
    });
}

#[derive(Clone, Copy)]
struct Fields {
    path: Field,
    title: Field,
    size: Field,
    changed: Field,
    text: Field,
    /// What a search needs of the article ([`text`]), for an article read whole.
    cached: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::Basic),
    );
    let fields = Fields {
        path: b.add_text_field("path", STRING | STORED | FAST),
        title: b.add_text_field("title", STORED),
        size: b.add_u64_field("size", FAST | INDEXED),
        changed: b.add_u64_field("changed", FAST),
        text: b.add_text_field("text", text_options),
        cached: b.add_text_field("cached", STORED),
    };
    (b.build(), fields)
}

/// What an update did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct UpdateStats {
    /// Articles read and indexed (new or changed).
    pub read: usize,
    /// Articles the index had and are unchanged.
    pub unchanged: usize,
    /// Articles dropped from the index (gone from the library or the disk, or changed).
    pub removed: usize,
    /// Articles that could not be read (scanned, and so reported, at search time).
    pub failed: usize,
}

/// Progress of an update: articles done out of those to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

/// The file next to tantivy's that lists the articles in the index with their stamps
/// ([`Known`]), so that a search need not read 100,000 paths out of the index to learn
/// which articles changed.
const KNOWN_FILE: &str = "blatt-articles";
const KNOWN_FORMAT: &[u8] = b"blatt-articles 2\n";

/// The articles an index holds, with their stamps: in the order of the library the index
/// was last brought up to date with (so that comparing them with that library, the usual
/// case, is a walk down both lists), and the commit of the index they describe (a
/// tantivy opstamp: a list made for another commit is never taken for this one). The
/// paths are kept in one string, and found by a map from a hash of the path: no
/// allocation per article, as 100,000 of them would cost more than the rest of a search.
/// The map is made the first time a path is looked up: a search whose library is in the
/// list's order never needs it (about 10 ms at 100,000 articles).
#[derive(Debug, Clone, Default)]
struct Known {
    opstamp: u64,
    /// The paths, one after the other.
    paths: String,
    /// Where each article's path ends in `paths`, and its stamp.
    articles: Vec<(usize, Stamp)>,
    /// Article by [`path_hash`] of its path ([`AMBIGUOUS`] when two paths share one).
    by_hash: std::sync::OnceLock<HashMap<u64, u32, QuickHash>>,
}

/// Two lists are the same when they hold the same articles for the same commit (whether
/// either has made its map yet does not matter).
impl PartialEq for Known {
    fn eq(&self, other: &Known) -> bool {
        (self.opstamp, &self.paths, &self.articles)
            == (other.opstamp, &other.paths, &other.articles)
    }
}

impl Eq for Known {}

const AMBIGUOUS: u32 = u32::MAX;

impl Known {
    fn new(opstamp: u64) -> Known {
        Known {
            opstamp,
            ..Known::default()
        }
    }

    fn push(&mut self, path: &str, stamp: Stamp) {
        self.paths.push_str(path);
        self.articles.push((self.paths.len(), stamp));
    }

    /// The list, complete (its map is made when first needed: [`Known::find`]).
    fn indexed(self) -> Known {
        self
    }

    fn by_hash(&self) -> &HashMap<u64, u32, QuickHash> {
        self.by_hash.get_or_init(|| {
            let mut by_hash =
                HashMap::with_capacity_and_hasher(self.articles.len(), QuickHash::default());
            for i in 0..self.articles.len() {
                let at = u32::try_from(i).unwrap_or(AMBIGUOUS);
                by_hash
                    .entry(path_hash(self.path(i)))
                    .and_modify(|slot| *slot = AMBIGUOUS)
                    .or_insert(at);
            }
            by_hash
        })
    }

    fn len(&self) -> usize {
        self.articles.len()
    }

    fn path(&self, i: usize) -> &str {
        let start = i.checked_sub(1).map_or(0, |p| self.articles[p].0);
        &self.paths[start..self.articles[i].0]
    }

    fn stamp(&self, i: usize) -> Stamp {
        self.articles[i].1
    }

    fn iter(&self) -> impl Iterator<Item = (&str, Stamp)> {
        (0..self.len()).map(|i| (self.path(i), self.stamp(i)))
    }

    /// Where `path` is in the list.
    fn find(&self, path: &str) -> Option<usize> {
        self.find_all(path).next()
    }

    /// Everywhere `path` is in the list (once, unless the index is damaged).
    fn find_all<'a>(&'a self, path: &'a str) -> impl Iterator<Item = usize> + 'a {
        let (all, one) = match self.by_hash().get(&path_hash(path)) {
            Some(&AMBIGUOUS) => (0..self.len(), None),
            Some(&i) => (0..0, Some(i as usize)),
            None => (0..0, None),
        };
        all.chain(one)
            .filter(move |&i| i < self.len() && self.path(i) == path)
    }

    fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(32 + self.paths.len() + self.len() * 24));
        w.0.extend_from_slice(KNOWN_FORMAT);
        w.u64(self.opstamp);
        w.u64(self.len() as u64);
        for (path, stamp) in self.iter() {
            w.str(path);
            w.u64(stamp.size);
            w.u64(stamp.changed);
        }
        w.0
    }

    /// `None` for anything but a whole, well-formed list.
    fn decode(bytes: &[u8]) -> Option<Known> {
        let mut r = Reader(bytes.strip_prefix(KNOWN_FORMAT)?);
        let mut known = Known::new(r.u64()?);
        let n = r.count()?;
        known.paths.reserve(bytes.len());
        known.articles.reserve(n);
        for _ in 0..n {
            let path = r.slice()?;
            let size = r.u64()?;
            let changed = r.u64()?;
            known.push(std::str::from_utf8(path).ok()?, Stamp { size, changed });
        }
        r.0.is_empty().then(|| known.indexed())
    }
}

/// A quick hash of a path: [`QuickHasher`].
fn path_hash(path: &str) -> u64 {
    let mut h = QuickHasher::default();
    h.write(path.as_bytes());
    h.finish()
}

/// A quick hash for the strings of one library (its words, its paths), eight bytes at a
/// step, each step a multiply folded down to 64 bits (as foldhash and wyhash do): no one
/// picks them to collide, and a collision costs only time. Several times faster than
/// the standard hasher on short strings, which matters at one lookup per word of 100,000
/// articles.
#[derive(Default)]
pub(crate) struct QuickHasher(u64);

pub(crate) type QuickHash = std::hash::BuildHasherDefault<QuickHasher>;

impl std::hash::Hasher for QuickHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let step = |h: u64, word: u64| {
            let m = u128::from(h ^ word) * u128::from(K);
            (m as u64) ^ ((m >> 64) as u64)
        };
        let mut chunks = bytes.chunks_exact(8);
        let mut h = self.0 ^ bytes.len() as u64;
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            h = step(h, u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        let mut word = [0u8; 8];
        word[..rest.len()].copy_from_slice(rest);
        self.0 = step(h, u64::from_le_bytes(word));
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Numbers and length-prefixed strings, for the files kept beside the index.
struct Writer(Vec<u8>);

impl Writer {
    /// Seven bits a byte, low first, the high bit set on all but the last (LEB128): most
    /// numbers here are lengths and counts of a byte or two.
    fn u64(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.0.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt(&mut self, s: Option<&str>) {
        match s {
            None => self.0.push(0),
            Some(s) => {
                self.0.push(1);
                self.str(s);
            }
        }
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let (first, rest) = self.0.split_first()?;
        self.0 = rest;
        Some(*first)
    }

    fn u64(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            let bits = u64::from(byte & 0x7f);
            if shift == 63 && bits > 1 {
                return None;
            }
            n |= bits << shift;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    /// A count of items that each take at least a byte: more than the bytes left is damage.
    fn count(&mut self) -> Option<usize> {
        usize::try_from(self.u64()?)
            .ok()
            .filter(|&n| n <= self.0.len())
    }

    fn slice(&mut self) -> Option<&'a [u8]> {
        let len = usize::try_from(self.u64()?).ok()?;
        if len > self.0.len() {
            return None;
        }
        let (s, rest) = self.0.split_at(len);
        self.0 = rest;
        Some(s)
    }

    fn text(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.slice()?).ok()
    }

    fn opt_text(&mut self) -> Option<Option<&'a str>> {
        match self.byte()? {
            0 => Some(None),
            1 => self.text().map(Some),
            _ => None,
        }
    }
}

/// What comparing a library with the index found: what to read, what to drop, and the
/// articles the index will hold after, in library order.
struct Plan<'a> {
    /// Entry paths to read, with the title and the stamp they had when looked at.
    todo: Vec<(&'a str, &'a Path, &'a str, Stamp)>,
    /// Paths to delete from the index.
    remove: Vec<String>,
    /// The articles after the update, in library order: unchanged (with its stamp), or
    /// the item of `todo` that reads it.
    after: Vec<After<'a>>,
    unchanged: usize,
}

enum After<'a> {
    Unchanged(&'a str, Stamp),
    Read(usize),
}

/// Compares the File entries of `library` (their files as `files` saw them) with what
/// the index holds.
fn plan<'a>(library: &'a Library, files: &FileStamps, known: &'a Known) -> Plan<'a> {
    let mut plan = Plan {
        todo: Vec::new(),
        remove: Vec::new(),
        after: Vec::new(),
        unchanged: 0,
    };
    // Walk the library and the known list together while they agree; at the first
    // difference, switch to a map of what is left. Values: the stamp in the index, or
    // None once the path has been seen (a second entry for the same file is skipped).
    let mut next = 0;
    let mut left: Option<HashMap<&str, Option<Stamp>>> = None;
    for (i, entry) in library.entries.iter().enumerate() {
        let Target::File(path) = &entry.target else {
            continue;
        };
        let Some(key) = path.to_str() else {
            // Not a UTF-8 path: never indexed, always scanned.
            continue;
        };
        let old = match &mut left {
            None if next < known.len() && known.path(next) == key => {
                next += 1;
                Some(known.stamp(next - 1))
            }
            _ => {
                let map = left.get_or_insert_with(|| {
                    known
                        .iter()
                        .enumerate()
                        .map(|(i, (p, s))| (p, (i >= next).then_some(s)))
                        .collect()
                });
                match map.get_mut(key) {
                    Some(slot) => match slot.take() {
                        Some(stamp) => Some(stamp),
                        None => continue,
                    },
                    None => {
                        map.insert(key, None);
                        None
                    }
                }
            }
        };
        match (old, files.stamp(i)) {
            (Some(old), Some(now)) if old == now => {
                plan.unchanged += 1;
                plan.after.push(After::Unchanged(key, old));
            }
            (old, Some(now)) => {
                if old.is_some() {
                    plan.remove.push(key.to_string());
                }
                plan.after.push(After::Read(plan.todo.len()));
                plan.todo.push((key, path, &entry.title, now));
            }
            (Some(_), None) => plan.remove.push(key.to_string()),
            (None, None) => {}
        }
    }
    // What is left was in the index and is no longer in the library.
    match left {
        None => plan
            .remove
            .extend((next..known.len()).map(|i| known.path(i).to_string())),
        Some(map) => plan.remove.extend(
            map.into_iter()
                .filter(|(_, stamp)| stamp.is_some())
                .map(|(p, _)| p.to_string()),
        ),
    }
    plan
}

/// An open index of one library.
pub struct LibraryIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    /// The articles of the index as last learnt, for the commit they describe.
    /// The articles of the index as last learnt, and whether the list beside the index
    /// says the same.
    known: Mutex<Option<(Arc<Known>, bool)>>,
    /// The index's words as last read from the list beside it ([`TermList`]).
    terms: Mutex<Option<Arc<TermList>>>,
    /// Where the entries of the library last searched are in the list of articles last
    /// learnt ([`EntryOrder`]).
    entry_order: Mutex<Option<EntryOrder>>,
    /// Where the documents of the index are in its list of articles ([`DocOrder`]).
    doc_order: Mutex<Option<DocOrder>>,
    /// How the articles are read by the one updating and asking the index: articles
    /// read are kept for searching ([`text`]) with this mark, and articles kept with it
    /// are searched without reading them. `None`: neither.
    reading: Option<String>,
}

impl LibraryIndex {
    /// Opens the index in `dir`, or creates an empty one there when the folder is missing
    /// or empty. A folder holding something else (garbage, another version) is an error:
    /// see [`LibraryIndex::recreate`].
    pub fn open_or_create(dir: &Path) -> Result<LibraryIndex, IndexError> {
        let io = |source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let tv = |e: tantivy::TantivyError| IndexError::Tantivy {
            path: dir.to_path_buf(),
            message: e.to_string(),
        };
        let empty = match std::fs::read_dir(dir) {
            Ok(mut entries) => entries.next().is_none(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            Err(e) => return Err(io(e)),
        };
        let (schema, fields) = schema();
        let index = if empty {
            std::fs::create_dir_all(dir).map_err(io)?;
            let index = Index::builder()
                .schema(schema)
                .settings(tantivy::IndexSettings {
                    docstore_blocksize: STORE_BLOCK,
                    ..tantivy::IndexSettings::default()
                })
                .create_in_dir(dir)
                .map_err(tv)?;
            std::fs::write(dir.join(FORMAT_FILE), FORMAT).map_err(io)?;
            index
        } else {
            match std::fs::read_to_string(dir.join(FORMAT_FILE)) {
                Ok(format) if format == FORMAT => {}
                _ => {
                    return Err(IndexError::Format {
                        path: dir.to_path_buf(),
                    });
                }
            }
            let index = Index::open_in_dir(dir).map_err(tv)?;
            if index.schema() != schema {
                return Err(IndexError::Format {
                    path: dir.to_path_buf(),
                });
            }
            index
        };
        index.tokenizers().register(
            TOKENIZER,
            tantivy::tokenizer::TextAnalyzer::from(FoldTokenizer::default()),
        );
        // Reloaded by hand after each update: a search reads one state of the index.
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(tv)?;
        let opened = LibraryIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
            known: Mutex::new(None),
            terms: Mutex::new(None),
            entry_order: Mutex::new(None),
            doc_order: Mutex::new(None),
            reading: None,
        };
        // Learning what the index holds reads its list of articles (or, without one, every
        // record once), which finds most damage now rather than mid-search.
        opened.known()?;
        Ok(opened)
    }

    /// Removes whatever is in `dir` and creates an empty index there.
    pub fn recreate(dir: &Path) -> Result<LibraryIndex, IndexError> {
        match std::fs::remove_dir_all(dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(IndexError::Io {
                    path: dir.to_path_buf(),
                    source,
                });
            }
        }
        Self::open_or_create(dir)
    }

    fn error(&self, e: impl std::fmt::Display) -> IndexError {
        IndexError::Tantivy {
            path: self.dir.clone(),
            message: e.to_string(),
        }
    }

    /// The commit the reader's searcher shows, if the index folder's current commit is
    /// the one it was opened at (another blatt may have committed since; then `None`).
    fn opstamp(&self, searcher: &tantivy::Searcher) -> Result<Option<u64>, IndexError> {
        let meta = self.index.load_metas().map_err(|e| self.error(e))?;
        let on_disk: std::collections::BTreeMap<_, _> = meta
            .segments
            .iter()
            .map(|s| (s.id(), s.delete_opstamp()))
            .collect();
        Ok((&on_disk == searcher.generation().segments()).then_some(meta.opstamp))
    }

    /// The articles the index holds: remembered, or read from the list kept beside the
    /// index when it was made for the index's current commit, or else read out of the
    /// index itself (every path: slower, and not in library order). Also says whether
    /// the list beside the index has them.
    fn known(&self) -> Result<(Arc<Known>, bool), IndexError> {
        let searcher = self.reader.searcher();
        let opstamp = self.opstamp(&searcher)?;
        if let Ok(known) = self.known.lock()
            && let Some((known, saved)) = known.as_ref()
            && Some(known.opstamp) == opstamp
        {
            return Ok((known.clone(), *saved));
        }
        let from_file = opstamp.and_then(|opstamp| {
            let bytes = std::fs::read(self.dir.join(KNOWN_FILE)).ok()?;
            Known::decode(&bytes)
                .filter(|k| k.opstamp == opstamp && k.len() as u64 == searcher.num_docs())
        });
        let saved = from_file.is_some();
        let known = match from_file {
            Some(known) => known,
            // A list that no commit has (u64::MAX) when the index moved on meanwhile.
            None => self.articles_in(&searcher, opstamp.unwrap_or(u64::MAX))?,
        };
        let known = Arc::new(known);
        if let Ok(mut slot) = self.known.lock() {
            *slot = Some((known.clone(), saved));
        }
        Ok((known, saved))
    }

    /// Every article in the index, read out of it: path and stamp.
    fn articles_in(&self, searcher: &tantivy::Searcher, opstamp: u64) -> Result<Known, IndexError> {
        let mut out = Known::new(opstamp);
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let sizes = fast.u64("size").map_err(|e| self.error(e))?;
            let changes = fast.u64("changed").map_err(|e| self.error(e))?;
            let live = (0..segment.max_doc())
                .filter(|&doc| !segment.alive_bitset().is_some_and(|a| a.is_deleted(doc)));
            let docs: Vec<_> = live.collect();
            let paths = self.paths_of(segment, &docs)?;
            for (doc, path) in docs.into_iter().zip(paths) {
                let Some(path) = path else { continue };
                let stamp = Stamp {
                    size: sizes.first(doc).unwrap_or(u64::MAX),
                    changed: changes.first(doc).unwrap_or(u64::MAX),
                };
                out.push(&path, stamp);
            }
        }
        Ok(out.indexed())
    }

    /// By segment of `searcher`, where each of its documents is in `known` (the list of
    /// articles of the same commit; [`NOT_KNOWN`] for a deleted document). Reading the
    /// paths of the documents that may match and looking each up in the list was most of
    /// the candidates of a common phrase (7 of 9.5 ms for 14,930 articles at 100,000); the
    /// places are worked out for a list and the index's segments as they are when asked a
    /// second time (working them out takes about 13 ms at 100,000 articles, which a process
    /// that asks once, `blatt search`, would only lose), and kept. `None` until then, and
    /// when they cannot be (a path that is in the list twice, in a damaged index): then the
    /// paths are looked up as before.
    fn doc_order(
        &self,
        searcher: &tantivy::Searcher,
        known: &Arc<Known>,
    ) -> Option<Arc<[Vec<u32>]>> {
        let segments = searcher.generation().segments();
        let mut kept = self.doc_order.lock().ok()?;
        match kept.as_ref() {
            Some(order)
                if crate::shared::unchanged(&order.known, known) && order.segments == *segments =>
            {
                if let Some(at) = &order.at {
                    return Some(Arc::clone(at));
                }
            }
            _ => {
                *kept = Some(DocOrder {
                    known: Arc::downgrade(known),
                    segments: segments.clone(),
                    at: None,
                });
                return None;
            }
        }
        let mut at = Vec::new();
        for segment in searcher.segment_readers() {
            let docs: Vec<tantivy::DocId> = (0..segment.max_doc()).collect();
            let paths = self.paths_of(segment, &docs).ok()?;
            let mut places = Vec::with_capacity(docs.len());
            for (doc, path) in docs.into_iter().zip(paths) {
                let deleted = segment.alive_bitset().is_some_and(|a| a.is_deleted(doc));
                let place = match path {
                    Some(path) if !deleted => {
                        let mut found = known.find_all(&path);
                        let first = found.next();
                        if found.next().is_some() {
                            return None;
                        }
                        first
                            .and_then(|i| u32::try_from(i).ok())
                            .unwrap_or(NOT_KNOWN)
                    }
                    _ => NOT_KNOWN,
                };
                places.push(place);
            }
            at.push(places);
        }
        let at: Arc<[Vec<u32>]> = at.into();
        *kept = Some(DocOrder {
            known: Arc::downgrade(known),
            segments: segments.clone(),
            at: Some(Arc::clone(&at)),
        });
        Some(at)
    }

    /// The paths of `docs` (documents of `segment`), in the same order. The paths are
    /// looked up in the column's dictionary in the dictionary's order, a block at a time,
    /// rather than one lookup per document.
    fn paths_of(
        &self,
        segment: &tantivy::SegmentReader,
        docs: &[tantivy::DocId],
    ) -> Result<Vec<Option<String>>, IndexError> {
        let paths = segment
            .fast_fields()
            .str("path")
            .map_err(|e| self.error(e))?
            .ok_or_else(|| self.error("no path column"))?;
        let ords: Vec<Option<u64>> = docs
            .iter()
            .map(|&doc| paths.term_ords(doc).next())
            .collect();
        let mut sorted: Vec<u64> = ords.iter().flatten().copied().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut names: Vec<Option<String>> = Vec::with_capacity(sorted.len());
        paths
            .dictionary()
            .sorted_ords_to_term_cb(&sorted, |bytes| {
                names.push(std::str::from_utf8(bytes).ok().map(str::to_string));
            })
            .map_err(|e| self.error(e))?;
        if names.len() != sorted.len() {
            return Err(self.error("a path is missing from the path column"));
        }
        Ok(ords
            .into_iter()
            .map(|ord| {
                let at = sorted.binary_search(&ord?).ok()?;
                names[at].clone()
            })
            .collect())
    }

    /// Brings the index up to date with `library`: reads (with `read`, on two threads)
    /// the articles that are new or whose size or change time changed, and drops
    /// those gone from the library or the disk. Unchanged articles are not read. Calls
    /// `progress` as articles are read; stops with [`IndexError::Cancelled`] (keeping
    /// nothing of the update) when `cancel` is set.
    pub fn update(
        &self,
        library: &Library,
        read: &(dyn Fn(&Path) -> Result<Document, String> + Sync),
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<UpdateStats, IndexError> {
        self.update_with(library, &FileStamps::of(library), read, cancel, progress)
    }

    /// [`LibraryIndex::update`] with the entries' files already looked at (`files`, one
    /// per entry of `library`).
    pub fn update_with(
        &self,
        library: &Library,
        files: &FileStamps,
        read: &(dyn Fn(&Path) -> Result<Document, String> + Sync),
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<UpdateStats, IndexError> {
        let (known, saved) = self.known()?;
        let plan = plan(library, files, &known);
        let mut stats = UpdateStats {
            unchanged: plan.unchanged,
            removed: plan.remove.len(),
            ..UpdateStats::default()
        };
        if plan.todo.is_empty() && plan.remove.is_empty() {
            if known.opstamp != u64::MAX && self.term_list(known.opstamp).is_none() {
                // An index made before the list of its words was kept: one now (best
                // effort, as for the list of articles).
                let _ = self.save_terms(&self.reader.searcher(), known.opstamp);
            }
            if (!saved || !known_in_order(&known, &plan.after)) && known.opstamp != u64::MAX {
                // Next time, the list rather than every path of the index, and a walk down
                // both lists (best effort: it is only a cache).
                let after = Arc::new(after_update(&plan, &[], known.opstamp));
                if self.save_known(&after).is_ok()
                    && let Ok(mut slot) = self.known.lock()
                {
                    *slot = Some((after, true));
                }
            }
            return Ok(stats);
        }
        let mut writer: IndexWriter = self
            .index
            .writer_with_num_threads(WRITER_THREADS, WRITER_MEMORY)
            .map_err(|e| self.error(e))?;
        for key in &plan.remove {
            writer.delete_term(Term::from_field_text(self.fields.path, key));
        }
        let todo = &plan.todo;
        let total = todo.len();
        progress(Progress { done: 0, total });
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let ok: Vec<AtomicBool> = (0..total).map(|_| AtomicBool::new(false)).collect();
        let trouble: Mutex<Option<IndexError>> = Mutex::new(None);
        let fields = self.fields;
        let reading = self.reading.as_deref();
        let (tell, told) = std::sync::mpsc::channel::<usize>();
        std::thread::scope(|s| {
            for _ in 0..READ_THREADS {
                let tell = tell.clone();
                let (next, done, ok, trouble, writer) = (&next, &done, &ok, &trouble, &writer);
                s.spawn(move || {
                    loop {
                        if cancel.load(Ordering::Relaxed) {
                            return;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&(key, path, title, stamp)) = todo.get(i) else {
                            return;
                        };
                        if let Ok(doc) = read(path) {
                            let mut tdoc = TantivyDocument::default();
                            tdoc.add_text(fields.path, key);
                            tdoc.add_text(fields.title, title);
                            tdoc.add_u64(fields.size, stamp.size);
                            tdoc.add_u64(fields.changed, stamp.changed);
                            tdoc.add_text(fields.text, document_text(&doc));
                            if let Some(kept) = reading.and_then(|r| text::encode(&doc, r)) {
                                tdoc.add_text(fields.cached, kept);
                            }
                            if let Err(e) = writer.add_document(tdoc) {
                                if let Ok(mut t) = trouble.lock() {
                                    t.get_or_insert(self.error(e));
                                }
                                return;
                            }
                            ok[i].store(true, Ordering::Relaxed);
                        }
                        let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if n % 256 == 0 || n == total {
                            let _ = tell.send(n);
                        }
                    }
                });
            }
            // Progress is told from this thread, so the callback need not be `Send`.
            drop(tell);
            for n in told {
                progress(Progress { done: n, total });
            }
        });
        if let Some(e) = trouble.into_inner().ok().flatten() {
            return Err(e);
        }
        if cancel.load(Ordering::Relaxed) {
            let _ = writer.rollback();
            return Err(IndexError::Cancelled);
        }
        let ok: Vec<bool> = ok.into_iter().map(AtomicBool::into_inner).collect();
        let opstamp = writer.commit().map_err(|e| self.error(e))?;
        // The list of articles describes this commit whatever happens next (a merge keeps
        // the commit's opstamp); written before the writer lets go of the index, so no
        // other blatt's commit can come between.
        let after = after_update(&plan, &ok, opstamp);
        let saved = self.save_known(&after);
        writer.wait_merging_threads().map_err(|e| self.error(e))?;
        self.reader.reload().map_err(|e| self.error(e))?;
        // The words of this commit, for the next search (best effort: without the list, a
        // search walks the term dictionaries).
        let _ = self.save_terms(&self.reader.searcher(), opstamp);
        if let Ok(mut slot) = self.known.lock() {
            *slot = Some((Arc::new(after), saved.is_ok()));
        }
        stats.failed = ok.iter().filter(|ok| !**ok).count();
        stats.read = total - stats.failed;
        Ok(stats)
    }

    /// Writes the list of articles beside the index (a temporary file renamed over the
    /// old one, so a reader never sees half a list).
    fn save_known(&self, known: &Known) -> std::io::Result<()> {
        let path = self.dir.join(KNOWN_FILE);
        let temp = self
            .dir
            .join(format!("{KNOWN_FILE}.{}", std::process::id()));
        std::fs::write(&temp, known.encode())?;
        std::fs::rename(&temp, &path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temp);
        })
    }

    /// Which articles may match the literal query `text`; `None` when the index cannot
    /// narrow it down (a query without letters or digits).
    pub fn candidates(&self, text: &str) -> Result<Option<Candidates>, IndexError> {
        let Some(words) = query_words(text) else {
            return Ok(None);
        };
        let (known, _) = self.known()?;
        let searcher = self.reader.searcher();
        let list = self.term_list(known.opstamp);
        // Per word: the terms that contain it as it must be contained, when the list of
        // the index's words says (None inside: too many to narrow anything).
        let looked_up: Option<Vec<Option<Vec<&[u8]>>>> = list.as_deref().map(|list| {
            words
                .iter()
                .map(|w| list.matching(w, MAX_EXPANSION))
                .collect()
        });
        let order = self.doc_order(&searcher, &known);
        let mut matching = vec![None; known.len()];
        // Without the documents' places in the list: the paths of the documents that may
        // match, each looked up in the list.
        let mut found: Vec<(String, tantivy::DocAddress)> = Vec::new();
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let inverted = segment
                .inverted_index(self.fields.text)
                .map_err(|e| self.error(e))?;
            let max = segment.max_doc() as usize;
            let mut all: Option<Vec<bool>> = None;
            for (i, word) in words.iter().enumerate() {
                let docs = match &looked_up {
                    Some(terms) => match &terms[i] {
                        Some(terms) => {
                            self.docs_with_terms(&inverted, terms, needs_long_words(word), max)?
                        }
                        None => continue,
                    },
                    None => match self.docs_with(&inverted, word, max)? {
                        Some(docs) => docs,
                        None => continue,
                    },
                };
                all = Some(match all {
                    None => docs,
                    Some(mut a) => {
                        a.iter_mut().zip(&docs).for_each(|(a, d)| *a &= *d);
                        a
                    }
                });
            }
            let docs: Vec<tantivy::DocId> = (0..segment.max_doc())
                .filter(|&doc| all.as_ref().is_none_or(|a| a[doc as usize]))
                .filter(|&doc| !segment.alive_bitset().is_some_and(|a| a.is_deleted(doc)))
                .collect();
            let ord = u32::try_from(ord).map_err(|e| self.error(e))?;
            let at = |doc| tantivy::DocAddress::new(ord, doc);
            if let Some(order) = order.as_ref().and_then(|o| o.get(ord as usize)) {
                for doc in docs {
                    match order.get(doc as usize) {
                        Some(&i) if i != NOT_KNOWN => matching[i as usize] = Some(at(doc)),
                        _ => {}
                    }
                }
                continue;
            }
            let paths = self.paths_of(segment, &docs)?;
            found.extend(
                docs.iter()
                    .zip(paths)
                    .filter_map(|(&doc, path)| Some((path?, at(doc)))),
            );
        }
        // A document the list does not know cannot happen (the list is made for this
        // commit); its article would be searched anyway. Each found looked up in the list
        // (by the hashes of its paths, made once per list), rather than every article of
        // the list among those found: 100,000 paths hashed for each search.
        for (path, at) in &found {
            for i in known.find_all(path) {
                matching[i] = Some(*at);
            }
        }
        let store = self.reading.as_ref().map(|reading| {
            // Without a cache of blocks: each article is read once, and two threads would
            // take turns at the cache's lock.
            let readers = searcher
                .segment_readers()
                .iter()
                .map(|segment| segment.get_store_reader(0).ok())
                .collect();
            Arc::new(Store {
                searcher,
                readers,
                field: self.fields.cached,
                reading: reading.clone(),
            })
        });
        Ok(Some(Candidates {
            known,
            matching,
            store: Aside(store),
            by_entry: Aside::default(),
        }))
    }

    /// The documents of a segment that have a term `word` accepts (or an over-long word,
    /// when its pieces cannot answer for `word`: [`needs_long_words`]);
    /// `None` when too many terms match for the word to narrow anything.
    fn docs_with(
        &self,
        inverted: &tantivy::InvertedIndexReader,
        word: &WordMatch,
        max: usize,
    ) -> Result<Option<Vec<bool>>, IndexError> {
        let dict = inverted.terms();
        let mut infos = Vec::new();
        if let WordMatch::Exact(w) = word {
            infos.extend(dict.get(w.as_bytes()).map_err(|e| self.error(e))?);
        } else {
            let mut stream = match word {
                WordMatch::Prefix(w) => dict.range().ge(w.as_bytes()).into_stream(),
                _ => dict.stream(),
            }
            .map_err(|e| self.error(e))?;
            while let Some((term, info)) = stream.next() {
                if let WordMatch::Prefix(w) = word
                    && !term.starts_with(w.as_bytes())
                {
                    break;
                }
                if word.accepts(term) {
                    infos.push(info.clone());
                    if infos.len() > MAX_EXPANSION {
                        return Ok(None);
                    }
                }
            }
        }
        self.docs_of(inverted, infos, needs_long_words(word), max)
            .map(Some)
    }

    /// [`LibraryIndex::docs_with`] for the terms a word matches, found in the list of the
    /// index's words ([`TermList::matching`]): each looked up in the segment's dictionary
    /// (few terms, as for most words), or, for many, the dictionary walked once.
    fn docs_with_terms(
        &self,
        inverted: &tantivy::InvertedIndexReader,
        terms: &[&[u8]],
        long: bool,
        max: usize,
    ) -> Result<Vec<bool>, IndexError> {
        let dict = inverted.terms();
        let mut infos = Vec::new();
        if terms.len() <= MAX_LOOKUPS {
            for term in terms {
                infos.extend(dict.get(term).map_err(|e| self.error(e))?);
            }
        } else {
            let wanted: HashSet<&[u8], QuickHash> = terms.iter().copied().collect();
            let mut stream = dict.stream().map_err(|e| self.error(e))?;
            while let Some((term, info)) = stream.next() {
                if wanted.contains(term) {
                    infos.push(info.clone());
                }
            }
        }
        self.docs_of(inverted, infos, long, max)
    }

    /// The documents (of `max`) in the postings of `infos`, or with an over-long word when
    /// `long`.
    fn docs_of(
        &self,
        inverted: &tantivy::InvertedIndexReader,
        mut infos: Vec<tantivy::postings::TermInfo>,
        long: bool,
        max: usize,
    ) -> Result<Vec<bool>, IndexError> {
        if long {
            let dict = inverted.terms();
            infos.extend(dict.get(LONG_WORD.as_bytes()).map_err(|e| self.error(e))?);
        }
        let mut docs = vec![false; max];
        for info in infos {
            let mut postings = inverted
                .read_postings_from_terminfo(&info, IndexRecordOption::Basic)
                .map_err(|e| self.error(e))?;
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if let Some(d) = docs.get_mut(doc as usize) {
                    *d = true;
                }
                doc = postings.advance();
            }
        }
        Ok(docs)
    }

    /// The list of the index's words for the commit `opstamp`: remembered, or read from
    /// beside the index; `None` when there is none for that commit.
    fn term_list(&self, opstamp: u64) -> Option<Arc<TermList>> {
        if opstamp == u64::MAX {
            return None;
        }
        let mut slot = self.terms.lock().ok()?;
        if let Some(list) = slot.as_ref()
            && list.opstamp == opstamp
        {
            return Some(list.clone());
        }
        let bytes = std::fs::read(self.dir.join(TERMS_FILE)).ok()?;
        let list = Arc::new(TermList::decode(bytes).filter(|l| l.opstamp == opstamp)?);
        *slot = Some(list.clone());
        Some(list)
    }

    /// Writes the list of the words of `searcher`'s segments, made for commit `opstamp`,
    /// beside the index (a temporary file renamed over the old one).
    fn save_terms(&self, searcher: &tantivy::Searcher, opstamp: u64) -> Result<(), IndexError> {
        let inverted = searcher
            .segment_readers()
            .iter()
            .map(|s| s.inverted_index(self.fields.text))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.error(e))?;
        let streams = inverted
            .iter()
            .map(|i| i.terms().stream())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.error(e))?;
        let list = TermList::from_sorted(opstamp, tantivy::termdict::TermMerger::new(streams))
            .ok_or_else(|| self.error("a word of the index has a line break"))?;
        let path = self.dir.join(TERMS_FILE);
        let temp = self
            .dir
            .join(format!("{TERMS_FILE}.{}", std::process::id()));
        let io = |source| IndexError::Io {
            path: path.clone(),
            source,
        };
        std::fs::write(&temp, list.encode()).map_err(io)?;
        std::fs::rename(&temp, &path)
            .inspect_err(|_| {
                let _ = std::fs::remove_file(&temp);
            })
            .map_err(io)?;
        if let Ok(mut slot) = self.terms.lock() {
            *slot = Some(Arc::new(list));
        }
        Ok(())
    }

    /// Keeps what a search needs of each article read from now on, marked `reading` (how
    /// the caller reads articles), and answers from what is kept with that mark
    /// ([`Candidates::hits_at`]). `None` (as opened): neither.
    pub fn set_reading(&mut self, reading: Option<&str>) {
        self.reading = reading.map(str::to_string);
    }

    /// The number of articles in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Whether `known` lists the articles exactly as `after` does (an update that changed
/// nothing, on a list in library order).
fn known_in_order(known: &Known, after: &[After]) -> bool {
    known.len() == after.len()
        && known.iter().zip(after).all(|((p, _), a)| match a {
            After::Unchanged(key, _) => p == *key,
            After::Read(_) => false,
        })
}

/// The list of articles after an update: the unchanged ones and those read (`ok[i]` for
/// item `i` of the plan's `todo`), in library order.
fn after_update(plan: &Plan, ok: &[bool], opstamp: u64) -> Known {
    let mut known = Known::new(opstamp);
    for a in &plan.after {
        match *a {
            After::Unchanged(key, stamp) => known.push(key, stamp),
            After::Read(i) => {
                if ok.get(i).copied().unwrap_or(false) {
                    let (key, _, _, stamp) = plan.todo[i];
                    known.push(key, stamp);
                }
            }
        }
    }
    known.indexed()
}

/// The text of a document as indexed: its blocks, a space between them (as the matcher
/// joins the blocks of a cut run).
fn document_text(doc: &Document) -> String {
    let mut text = String::new();
    for i in 0..doc.block_count() {
        if i > 0 {
            text.push(' ');
        }
        text.push_str(doc.block(i).text);
    }
    text
}

/// What the index says about a query: the articles it has (up to date), and which of them
/// may match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    known: Arc<Known>,
    /// By article of `known`: where the index has it, if it may match.
    matching: Vec<Option<tantivy::DocAddress>>,
    /// Where what a search needs of the articles is kept, for a caller that reads them the
    /// way they were kept ([`LibraryIndex::set_reading`]).
    store: Aside<Arc<Store>>,
    /// Where the entries of one library are in `known`, for a search of that library
    /// ([`Candidates::for_library`]).
    by_entry: Aside<(std::sync::Weak<Library>, Arc<[u32]>)>,
}

/// Where each entry of a library is in an index's list of articles ([`NOT_KNOWN`]: not
/// there), for that library unchanged and that list. Walking the library's 100,000 paths
/// beside the list took 10 ms of every search (the entries' paths are scattered in
/// memory); the reader searches the same library again and again.
struct EntryOrder {
    library: std::sync::Weak<Library>,
    known: std::sync::Weak<Known>,
    at: Arc<[u32]>,
}

/// An entry of the library (or a document of the index) that is not in the index's list.
const NOT_KNOWN: u32 = u32::MAX;

/// Where each document of an index's segments is in its list of articles, for that list
/// and those segments ([`LibraryIndex::doc_order`]).
struct DocOrder {
    known: std::sync::Weak<Known>,
    segments: std::collections::BTreeMap<tantivy::index::SegmentId, Option<u64>>,
    /// `None` while asked once.
    at: Option<Arc<[Vec<u32>]>>,
}

/// The index's store of articles ([`text`]), as a search reads it.
struct Store {
    searcher: tantivy::Searcher,
    /// By segment: its store, read in place ([`stored_text`]).
    readers: Vec<Option<tantivy::store::StoreReader>>,
    field: Field,
    reading: String,
}

/// What candidates carry to say how to read or find an article, not which articles may
/// match ([`Store`], [`Candidates::for_library`]): two candidates are the same whatever
/// they hold of it.
#[derive(Clone)]
struct Aside<T>(Option<T>);

impl<T> Default for Aside<T> {
    fn default() -> Self {
        Aside(None)
    }
}

impl<T> PartialEq for Aside<T> {
    fn eq(&self, _: &Aside<T>) -> bool {
        true
    }
}

impl<T> Eq for Aside<T> {}

impl<T> std::fmt::Debug for Aside<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "Some(..)" } else { "None" })
    }
}

/// Where the index keeps an article that may match ([`InOrder::look`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kept(tantivy::DocAddress);

/// What a search does with an article of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// The index rules it out.
    Skip,
    /// It must be read and searched (the index does not have it).
    Read,
    /// It may match: searched from what the index keeps of it ([`Candidates::hits_at`]),
    /// or read when the index keeps nothing for this search.
    Search(Kept),
}

impl Candidates {
    /// Whether the article at `path` must be searched: it may match, or the index does not
    /// have it.
    pub fn may_match(&self, path: &Path) -> bool {
        path.to_str()
            .and_then(|p| self.known.find(p))
            .is_none_or(|i| self.matching.get(i).is_none_or(Option::is_some))
    }

    /// [`Candidates::may_match`] for paths asked in the order of the index's list, as a
    /// library's entries are (the list is kept in library order): each path is compared
    /// with the one after the last found, and only a path out of that order is looked up
    /// by its hash. The answers are those of `may_match`.
    pub fn in_order(&self) -> InOrder<'_> {
        InOrder {
            candidates: self,
            next: 0,
        }
    }

    /// These candidates, knowing where each entry of `library` is in the index's list
    /// (worked out once for the library and the list, and kept by `index` for the next
    /// search of the same): a search of that library then looks its entries up by number
    /// ([`Candidates::looks`]).
    pub fn for_library(mut self, index: &LibraryIndex, library: &Arc<Library>) -> Candidates {
        let Ok(mut kept) = index.entry_order.lock() else {
            return self;
        };
        let at = match &*kept {
            Some(order)
                if crate::shared::unchanged(&order.library, library)
                    && crate::shared::unchanged(&order.known, &self.known) =>
            {
                Arc::clone(&order.at)
            }
            _ => {
                let mut in_order = self.in_order();
                let at: Arc<[u32]> = library
                    .entries
                    .iter()
                    .map(|e| {
                        crate::search::library::entry_path_borrowed(&e.target)
                            .and_then(|path| in_order.position(&path))
                            .and_then(|i| u32::try_from(i).ok())
                            .unwrap_or(NOT_KNOWN)
                    })
                    .collect();
                *kept = Some(EntryOrder {
                    library: Arc::downgrade(library),
                    known: Arc::downgrade(&self.known),
                    at: Arc::clone(&at),
                });
                at
            }
        };
        drop(kept);
        self.by_entry = Aside(Some((Arc::downgrade(library), at)));
        self
    }

    /// What a search of `library` does with each of its entries, asked in order: by the
    /// entry's number when these candidates know where `library`'s entries are
    /// ([`Candidates::for_library`]), else by its path ([`Candidates::in_order`]).
    pub fn looks<'a>(&'a self, library: &'a Library) -> Looks<'a> {
        match &self.by_entry.0 {
            Some((of, at)) if crate::shared::unchanged(of, library) => Looks::ByEntry(self, at),
            _ => Looks::InOrder(self.in_order()),
        }
    }

    /// What to do with the article at `i` in the index's list.
    fn look_at(&self, i: usize) -> Look {
        match self.matching.get(i) {
            Some(Some(at)) => Look::Search(Kept(*at)),
            Some(None) => Look::Skip,
            None => Look::Read,
        }
    }

    /// How many indexed articles may match.
    pub fn matching(&self) -> usize {
        self.matching.iter().filter(|m| m.is_some()).count()
    }

    /// The hits of `query` in the article the index keeps at `at`, as entry `entry` with the
    /// fallback title `fallback`, the first `listed` ready to show
    /// ([`crate::search::library::hits_in_text`]): the hits of
    /// reading it again. `None` when the index keeps nothing of it for this search (read
    /// the article then).
    pub fn hits_at(
        &self,
        at: Kept,
        query: &crate::search::Query,
        entry: usize,
        fallback: &str,
        listed: usize,
    ) -> Option<crate::search::library::Found> {
        let store = self.store.0.as_deref()?;
        let doc = store
            .readers
            .get(at.0.segment_ord as usize)
            .and_then(Option::as_ref)
            .and_then(|r| r.get_document_bytes(at.0.doc_id).ok());
        let copied;
        let record = match doc.as_ref().and_then(|d| stored_text(d, store.field)) {
            Some(record) => record,
            None => {
                // Not as `stored_text` knows the store: as tantivy reads it.
                let Stored(fields) = store.searcher.doc(at.0).ok()?;
                copied = fields.into_iter().find(|(f, _)| *f == store.field)?.1;
                &copied
            }
        };
        let kept = text::SearchText::decode(record)?;
        (kept.reading == store.reading)
            .then(|| crate::search::library::hits_in_text(&kept, query, entry, fallback, listed))
    }
}

/// The text value of `field` in a document of tantivy's store, `doc` as the store keeps it,
/// read where it is: every value the index stores is text (a field's number, its type, its
/// length, its bytes), and anything else is left to tantivy ([`Stored`]). Reading it this
/// way, rather than copying each value into a string (and checking it is UTF-8 with the
/// standard library, several times slower than `simdutf8`), was a fifth of a search for a
/// common phrase at 100,000 articles. A test holds it to what tantivy reads.
fn stored_text(doc: &[u8], field: Field) -> Option<&str> {
    /// tantivy's type code of a text value.
    const TEXT: u8 = 0;
    /// A number as tantivy writes its lengths: seven bits a byte, least first, the last
    /// byte marked by its high bit.
    fn number(r: &mut &[u8]) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = r.split_first()?;
            *r = rest;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 != 0 {
                return Some(value);
            }
        }
        None
    }
    let mut r = doc;
    for _ in 0..number(&mut r)? {
        let (id, rest) = r.split_first_chunk::<4>()?;
        let (&code, rest) = rest.split_first()?;
        if code != TEXT {
            return None;
        }
        r = rest;
        let len = usize::try_from(number(&mut r)?).ok()?;
        let (value, rest) = r.split_at_checked(len)?;
        r = rest;
        if u32::from_le_bytes(*id) == field.field_id() {
            return simdutf8::basic::from_utf8(value).ok();
        }
    }
    None
}

/// The text values an article is stored with, read as they are: what tantivy's own
/// document makes of them (a copy of each into one buffer, values with their types, for a
/// search to take one string out of it) was a seventh of a search of a common phrase.
struct Stored(Vec<(Field, String)>);

impl tantivy::schema::document::DocumentDeserialize for Stored {
    fn deserialize<'de, D>(mut doc: D) -> Result<Self, tantivy::schema::document::DeserializeError>
    where
        D: tantivy::schema::document::DocumentDeserializer<'de>,
    {
        let mut fields = Vec::with_capacity(doc.size_hint());
        while let Some((field, StoredText(text))) = doc.next_field()? {
            fields.push((field, text));
        }
        Ok(Stored(fields))
    }
}

/// A stored value of [`Stored`]: every value the index stores is text.
struct StoredText(String);

impl tantivy::schema::document::ValueDeserialize for StoredText {
    fn deserialize<'de, D>(value: D) -> Result<Self, tantivy::schema::document::DeserializeError>
    where
        D: tantivy::schema::document::ValueDeserializer<'de>,
    {
        value.deserialize_string().map(StoredText)
    }
}

/// [`Candidates::in_order`].
pub struct InOrder<'a> {
    candidates: &'a Candidates,
    /// The article of the list after the last one found.
    next: usize,
}

impl InOrder<'_> {
    /// Whether the article at `path` must be searched ([`Candidates::may_match`]).
    pub fn may_match(&mut self, path: &Path) -> bool {
        self.look(path) != Look::Skip
    }

    /// What to do with the article at `path` ([`InOrder::may_match`], and where the index
    /// keeps it).
    pub fn look(&mut self, path: &Path) -> Look {
        match self.position(path) {
            Some(i) => self.candidates.look_at(i),
            None => Look::Read,
        }
    }

    /// Where the article at `path` is in the index's list.
    fn position(&mut self, path: &Path) -> Option<usize> {
        let path = path.to_str()?;
        let known = &self.candidates.known;
        let at = if self.next < known.len() && known.path(self.next) == path {
            Some(self.next)
        } else {
            known.find(path)
        };
        if let Some(i) = at {
            self.next = i + 1;
        }
        at
    }
}

/// [`Candidates::looks`].
pub enum Looks<'a> {
    ByEntry(&'a Candidates, &'a [u32]),
    InOrder(InOrder<'a>),
}

impl Looks<'_> {
    /// What to do with entry `entry`, whose article is `target`.
    pub fn look(&mut self, entry: usize, target: &Target) -> Look {
        match self {
            Looks::ByEntry(candidates, at) => match at.get(entry) {
                Some(&i) if i != NOT_KNOWN => candidates.look_at(i as usize),
                _ => Look::Read,
            },
            Looks::InOrder(in_order) => crate::search::library::entry_path_borrowed(target)
                .map_or(Look::Read, |path| in_order.look(&path)),
        }
    }
}

/// What [`prepare`] tells the person waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The index is being built or updated: articles read so far of those to read.
    Progress(Progress),
    /// The update is done.
    Updated(UpdateStats),
    /// The index cannot be used (the search scans), or had to be rebuilt: the message says.
    Notice(String),
    /// The index narrowed the search down to this many of the articles it has.
    Candidates(usize),
}

/// Gets the index of `library` ready for the literal query `text` (opened, created,
/// rebuilt when damaged, brought up to date) and asks it for the candidates. `None`: scan
/// every article (a regular expression, the bundled library, no cache directory, an index
/// that cannot be used: then an [`Event::Notice`] says why).
pub fn prepare(
    library: &Library,
    text: &str,
    regex: bool,
    cache: Option<&Path>,
    read: &(dyn Fn(&Path) -> Result<Document, String> + Sync),
    cancel: &AtomicBool,
    events: &mut dyn FnMut(Event),
) -> Option<Candidates> {
    prepare_with(library, None, text, regex, cache, read, cancel, events)
}

/// [`prepare`], with the files of `library`'s entries already looked at when `files` is
/// given (as [`listing::open`] does while checking a cached library: one look at each
/// file rather than two).
#[allow(clippy::too_many_arguments)]
pub fn prepare_with(
    library: &Library,
    files: Option<&FileStamps>,
    text: &str,
    regex: bool,
    cache: Option<&Path>,
    read: &(dyn Fn(&Path) -> Result<Document, String> + Sync),
    cancel: &AtomicBool,
    events: &mut dyn FnMut(Event),
) -> Option<Candidates> {
    prepare_early(
        library, files, None, None, text, regex, cache, read, cancel, events,
    )
}

/// An index opened, and asked for the candidates of a query, before the library's files
/// were looked at: [`open_early`].
pub struct Early {
    index: LibraryIndex,
    /// The candidates of the query as the index was when opened (`None`: it could not say).
    candidates: Option<Candidates>,
    /// The index is known to be up to date with the library and the files of this search
    /// ([`KeptIndex`]): it is not brought up to date again.
    fresh: bool,
}

/// Opens the index kept under `cache` for the library whose INDEX.md is `index_md`
/// (canonical) and asks it for the candidates of the literal query `text`, as
/// [`prepare`] would if nothing had changed: work that needs neither the library nor its
/// files, so a search can do it while it looks at the files (one `lstat` each, most of a
/// search at 100,000 articles). [`prepare_early`] then takes the candidates when the look
/// found nothing changed, and asks again when it did. `None` when there is no index yet,
/// it cannot be opened (then `prepare_early` opens it as ever, and says why not), or the
/// query is a regular expression. `reading`: see [`LibraryIndex::set_reading`].
pub fn open_early(
    cache: &Path,
    index_md: &Path,
    reading: Option<&str>,
    text: &str,
    regex: bool,
) -> Option<Early> {
    if regex {
        return None;
    }
    let dir = index_dir(cache, index_md);
    if !dir.is_dir() {
        return None;
    }
    let mut index = LibraryIndex::open_or_create(&dir).ok()?;
    index.set_reading(reading);
    let candidates = index.candidates(text).ok().flatten();
    Some(Early {
        index,
        candidates,
        fresh: false,
    })
}

/// [`prepare_with`], with the index already opened and asked by [`open_early`], for a
/// caller that reads articles as `reading` says ([`LibraryIndex::set_reading`]).
#[allow(clippy::too_many_arguments)]
pub fn prepare_early(
    library: &Library,
    files: Option<&FileStamps>,
    early: Option<Early>,
    reading: Option<&str>,
    text: &str,
    regex: bool,
    cache: Option<&Path>,
    read: &(dyn Fn(&Path) -> Result<Document, String> + Sync),
    cancel: &AtomicBool,
    events: &mut dyn FnMut(Event),
) -> Option<Candidates> {
    prepare_inner(
        library, files, early, reading, text, regex, cache, read, cancel, events,
    )
    .0
}

/// The index a reader keeps open from one library-wide search to the next: opening it
/// again, and learning its list of articles, was a fifth of a search for a rare word at
/// 100,000 articles. Taken by a search and put back when it is done; a search that finds
/// none (the first, or one while another runs) opens the index as ever.
///
/// Kept with it: what its last update left it up to date with. Comparing 100,000 files'
/// stamps with the index's took 10-15 ms of every search; a search of the same library
/// (the same shared [`Library`]), with the same stamps of its files (the same shared
/// [`FileStamps`]: none changed, [`FileStamps::look_again`]), of the index as it was then
/// (the same segments: no other blatt changed it) skips it.
#[derive(Clone, Default)]
pub struct KeptIndex(Arc<Mutex<Option<KeptOpen>>>);

/// An index kept between searches, and what its last update left it up to date with.
type KeptOpen = (LibraryIndex, Option<UpToDate>);

/// What an update left the index up to date with ([`KeptIndex`]).
struct UpToDate {
    library: std::sync::Weak<Library>,
    files: std::sync::Weak<FileStamps>,
    segments: std::collections::BTreeMap<tantivy::index::SegmentId, Option<u64>>,
    reading: Option<String>,
}

impl UpToDate {
    fn of(
        index: &LibraryIndex,
        library: &Arc<Library>,
        files: &Arc<FileStamps>,
        reading: Option<&str>,
    ) -> UpToDate {
        UpToDate {
            library: Arc::downgrade(library),
            files: Arc::downgrade(files),
            segments: index.reader.searcher().generation().segments().clone(),
            reading: reading.map(str::to_string),
        }
    }

    fn holds(
        &self,
        index: &LibraryIndex,
        library: &Arc<Library>,
        files: &Arc<FileStamps>,
        reading: Option<&str>,
    ) -> bool {
        crate::shared::unchanged(&self.library, library)
            && crate::shared::unchanged(&self.files, files)
            && self.reading.as_deref() == reading
            && self.segments == *index.reader.searcher().generation().segments()
    }
}

impl KeptIndex {
    /// The index kept, if any, brought to what is on disk (another blatt may have
    /// updated it): as if opened again, and known up to date with `library` and `files`
    /// if its last update left it so. `None` when there is none, or it is no longer the
    /// index in its folder (rebuilt, removed, of another format).
    fn take(
        &self,
        library: &Arc<Library>,
        files: Option<&Arc<FileStamps>>,
        reading: Option<&str>,
    ) -> Option<(Early, Option<UpToDate>)> {
        let (index, up_to_date) = self.0.lock().ok()?.take()?;
        let format = std::fs::read_to_string(index.dir.join(FORMAT_FILE)).ok()?;
        if format != FORMAT || index.reader.reload().is_err() {
            return None;
        }
        let fresh = files
            .zip(up_to_date.as_ref())
            .is_some_and(|(files, u)| u.holds(&index, library, files, reading));
        Some((
            Early {
                index,
                candidates: None,
                fresh,
            },
            up_to_date.filter(|_| fresh),
        ))
    }

    fn keep(&self, index: LibraryIndex, up_to_date: Option<UpToDate>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((index, up_to_date));
        }
    }
}

/// [`prepare_early`] with the index `kept` open from the search before, which keeps it
/// open for the next, and with the library and its files as shared by the reader (see
/// [`KeptIndex`]).
#[allow(clippy::too_many_arguments)]
pub fn prepare_kept(
    kept: &KeptIndex,
    library: &Arc<Library>,
    files: Option<&Arc<FileStamps>>,
    reading: Option<&str>,
    text: &str,
    regex: bool,
    cache: Option<&Path>,
    read: &(dyn Fn(&Path) -> Result<Document, String> + Sync),
    cancel: &AtomicBool,
    events: &mut dyn FnMut(Event),
) -> Option<Candidates> {
    let (early, mut up_to_date) = match regex {
        true => (None, None),
        false => kept
            .take(library, files, reading)
            .map_or((None, None), |(e, u)| (Some(e), u)),
    };
    // An update that left no article out: the index is then up to date with the files.
    let mut complete = false;
    let (candidates, index) = prepare_inner(
        library,
        files.map(|f| &**f),
        early,
        reading,
        text,
        regex,
        cache,
        read,
        cancel,
        &mut |event| {
            if let Event::Updated(stats) = &event {
                complete = stats.failed == 0;
            }
            events(event)
        },
    );
    let candidates = match (&index, candidates) {
        (Some(index), Some(c)) => Some(c.for_library(index, library)),
        (_, c) => c,
    };
    if let Some(index) = index {
        if complete && let Some(files) = files.filter(|f| f.len() == library.entries.len()) {
            up_to_date = Some(UpToDate::of(&index, library, files, reading));
        }
        kept.keep(index, up_to_date);
    }
    candidates
}

/// [`prepare_early`], giving back the index it opened or was given.
#[allow(clippy::too_many_arguments)]
fn prepare_inner(
    library: &Library,
    files: Option<&FileStamps>,
    early: Option<Early>,
    reading: Option<&str>,
    text: &str,
    regex: bool,
    cache: Option<&Path>,
    read: &(dyn Fn(&Path) -> Result<Document, String> + Sync),
    cancel: &AtomicBool,
    events: &mut dyn FnMut(Event),
) -> (Option<Candidates>, Option<LibraryIndex>) {
    if regex {
        // A regular expression cannot be looked up in words: every article is scanned.
        return (None, None);
    }
    let Some(dir) = cache.and_then(|cache| library_index_dir(cache, library)) else {
        return (None, None);
    };
    let (opened, asked, fresh) = match early {
        Some(Early {
            index,
            candidates,
            fresh,
        }) if index.dir == dir => (Ok(index), candidates, fresh),
        _ => (LibraryIndex::open_or_create(&dir), None, false),
    };
    let mut index = match opened {
        Ok(index) => index,
        Err(e) => {
            events(Event::Notice(format!(
                "the search index cannot be used ({e}); building it anew"
            )));
            match LibraryIndex::recreate(&dir) {
                Ok(index) => index,
                Err(e) => {
                    events(Event::Notice(format!(
                        "the search index cannot be built ({e}); scanning every article"
                    )));
                    return (None, None);
                }
            }
        }
    };
    index.set_reading(reading);
    if !fresh {
        let looked;
        let files = match files {
            Some(files) if files.len() == library.entries.len() => files,
            _ => {
                looked = FileStamps::of(library);
                &looked
            }
        };
        let mut forward = |p: Progress| events(Event::Progress(p));
        match index.update_with(library, files, read, cancel, &mut forward) {
            Ok(stats) => events(Event::Updated(stats)),
            Err(IndexError::Cancelled) => return (None, Some(index)),
            Err(e) => {
                events(Event::Notice(format!(
                    "the search index cannot be updated ({e}); scanning every article"
                )));
                return (None, None);
            }
        }
    }
    // Asked before the update: still the answer when the update left the index's commit
    // as it was (nothing changed; the index's list of articles may have been written again
    // in library order, for the same articles).
    let current = index.known().ok().map(|(known, _)| known.opstamp);
    let asked = asked.filter(|c| c.known.opstamp != u64::MAX && Some(c.known.opstamp) == current);
    match asked.map_or_else(|| index.candidates(text), |c| Ok(Some(c))) {
        Ok(c) => {
            if let Some(c) = &c {
                events(Event::Candidates(c.matching()));
            }
            (c, Some(index))
        }
        Err(e) => {
            events(Event::Notice(format!(
                "the search index cannot be read ({e}); scanning every article"
            )));
            (None, None)
        }
    }
}

#[cfg(test)]
mod tests;
