//! A full-text index of a library (tantivy), kept in the cache directory, that answers one
//! question: which articles *may* match a query. The exact hits, sections and snippets
//! still come from the real matcher ([`super::library::hits_in`]) run on those articles, so
//! smart case, folding, diacritics and phrases mean what they mean everywhere else.
//!
//! For that the index must never leave out an article the matcher would find something in.
//! Words are indexed in the matcher's own folded form, folded the most it ever folds (case
//! and diacritics gone, invisible joiners dropped: [`super::fold_into`]), cut at every
//! character that is not a letter or digit. A query, folded the same way, is a run of such
//! words: the first may end a longer word of the text, the last may begin one, one alone
//! may sit anywhere inside one, the ones between must be whole words. Each word is looked
//! up by walking the term dictionary, and an article is a candidate when it has a term for
//! every word. An article holding a word too long to index is always a candidate.
//!
//! Each article is recorded with its path, title, size and modification time; the index is
//! brought up to date by comparing those with the files (added, changed, removed
//! articles), never by reading unchanged ones. The index is a cache: missing, damaged or
//! locked by another blatt, the caller scans instead.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{DocSet, Index, IndexReader, IndexWriter, TERMINATED, TantivyDocument, Term};

use super::{Fold, fold_into};
use crate::document::Document;
use crate::library::{Library, Origin, Target};

/// Environment variable naming the cache directory (for tests and for people who keep
/// caches elsewhere), as `BLATT_CONFIG_DIR` names the config directory.
pub const ENV_CACHE_DIR: &str = "BLATT_CACHE_DIR";

/// Changes whenever what is indexed or how it is folded changes: an index written by
/// another version is rebuilt.
const FORMAT: &str = "blatt-index 1";
const FORMAT_FILE: &str = "blatt-index-format";
const TOKENIZER: &str = "blatt_fold";
/// Longer words are not indexed; the article gets [`LONG_WORD`] instead and is a candidate
/// for every query.
const MAX_WORD: usize = 200;
/// A term no word can be (words are letters and digits).
const LONG_WORD: &str = "\u{1}";
/// A query word matching more terms than this is not used to narrow the candidates (a
/// one-letter query matches most of the dictionary; reading every posting list would cost
/// more than it saves).
const MAX_EXPANSION: usize = 50_000;
/// Memory for tantivy's indexing buffers (split among its threads).
const WRITER_MEMORY: usize = 96 << 20;

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
};

/// The runs of letters and digits of `folded`, with where they start.
fn words(folded: &str) -> impl Iterator<Item = (usize, &str)> {
    folded
        .split(|c: char| !c.is_alphanumeric())
        .scan(0usize, |at, w| {
            let start = *at;
            *at += w.len() + 1;
            Some((start, w))
        })
        .filter(|(_, w)| !w.is_empty())
}

/// The tokenizer of the text field: [`index_words`], with over-long words replaced by
/// [`LONG_WORD`].
#[derive(Clone, Default)]
struct FoldTokenizer;

struct Words {
    words: std::vec::IntoIter<String>,
    token: Token,
}

impl Tokenizer for FoldTokenizer {
    type TokenStream<'a> = Words;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Words {
        let words: Vec<String> = index_words(text)
            .into_iter()
            .map(|w| {
                if w.len() > MAX_WORD {
                    LONG_WORD.to_string()
                } else {
                    w
                }
            })
            .collect();
        Words {
            words: words.into_iter(),
            token: Token::default(),
        }
    }
}

impl TokenStream for Words {
    fn advance(&mut self) -> bool {
        match self.words.next() {
            Some(w) => {
                self.token.position = self.token.position.wrapping_add(1);
                self.token.text = w;
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

/// An article's file as the index last saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    size: u64,
    mtime: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    let mtime = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Some(Stamp {
        size: meta.len(),
        mtime,
    })
}

#[derive(Clone, Copy)]
struct Fields {
    path: Field,
    title: Field,
    size: Field,
    mtime: Field,
    text: Field,
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
        mtime: b.add_u64_field("mtime", FAST),
        text: b.add_text_field("text", text_options),
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

/// An open index of one library.
pub struct LibraryIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
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
            let index = Index::create_in_dir(dir, schema).map_err(tv)?;
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
            tantivy::tokenizer::TextAnalyzer::from(FoldTokenizer),
        );
        let reader = index.reader().map_err(tv)?;
        let opened = LibraryIndex {
            dir: dir.to_path_buf(),
            index,
            reader,
            fields,
        };
        // Reading every record once finds most damage now rather than mid-search.
        opened.stamps()?;
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

    /// Calls `each` with every live document of `segment` and its path (read into `path`).
    fn each_path(
        &self,
        segment: &tantivy::SegmentReader,
        path: &mut String,
        mut each: impl FnMut(tantivy::DocId, &str),
    ) -> Result<(), IndexError> {
        let paths = segment
            .fast_fields()
            .str("path")
            .map_err(|e| self.error(e))?
            .ok_or_else(|| self.error("no path column"))?;
        for doc in 0..segment.max_doc() {
            if segment.alive_bitset().is_some_and(|a| a.is_deleted(doc)) {
                continue;
            }
            let Some(ord) = paths.term_ords(doc).next() else {
                continue;
            };
            path.clear();
            if paths.ord_to_str(ord, path).map_err(|e| self.error(e))? {
                each(doc, path);
            }
        }
        Ok(())
    }

    /// Every article in the index: path and stamp.
    fn stamps(&self) -> Result<HashMap<String, Stamp>, IndexError> {
        let searcher = self.reader.searcher();
        let mut out = HashMap::new();
        let mut path = String::new();
        for segment in searcher.segment_readers() {
            let fast = segment.fast_fields();
            let sizes = fast.u64("size").map_err(|e| self.error(e))?;
            let mtimes = fast.u64("mtime").map_err(|e| self.error(e))?;
            self.each_path(segment, &mut path, |doc, path| {
                let stamp = Stamp {
                    size: sizes.first(doc).unwrap_or(u64::MAX),
                    mtime: mtimes.first(doc).unwrap_or(u64::MAX),
                };
                out.insert(path.to_string(), stamp);
            })?;
        }
        Ok(out)
    }

    /// Brings the index up to date with `library`: reads (with `read`, on two threads)
    /// the articles that are new or whose size or modification time changed, and drops
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
        let mut known = self.stamps()?;
        let mut stats = UpdateStats::default();
        let mut todo: Vec<(String, PathBuf, String, Stamp)> = Vec::new();
        let mut remove: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for entry in &library.entries {
            let Target::File(path) = &entry.target else {
                continue;
            };
            let Some(key) = path.to_str() else {
                // Not a UTF-8 path: never indexed, always scanned.
                continue;
            };
            if !seen.insert(key.to_string()) {
                continue;
            }
            let now = stamp(path);
            match (known.remove(key), now) {
                (Some(old), Some(now)) if old == now => stats.unchanged += 1,
                (old, Some(now)) => {
                    if old.is_some() {
                        remove.push(key.to_string());
                    }
                    todo.push((key.to_string(), path.clone(), entry.title.clone(), now));
                }
                (Some(_), None) => remove.push(key.to_string()),
                (None, None) => {}
            }
        }
        // What is left was in the index and is no longer in the library.
        remove.extend(known.into_keys());
        stats.removed = remove.len();
        if todo.is_empty() && remove.is_empty() {
            return Ok(stats);
        }
        let mut writer: IndexWriter = self
            .index
            .writer_with_num_threads(2, WRITER_MEMORY)
            .map_err(|e| self.error(e))?;
        for key in &remove {
            writer.delete_term(Term::from_field_text(self.fields.path, key));
        }
        let total = todo.len();
        progress(Progress { done: 0, total });
        let next = AtomicUsize::new(0);
        let done = AtomicUsize::new(0);
        let failed = AtomicUsize::new(0);
        let trouble: Mutex<Option<IndexError>> = Mutex::new(None);
        let fields = self.fields;
        let (tell, told) = std::sync::mpsc::channel::<usize>();
        std::thread::scope(|s| {
            for _ in 0..2 {
                let tell = tell.clone();
                let (next, done, failed, trouble, writer, todo) =
                    (&next, &done, &failed, &trouble, &writer, &todo);
                s.spawn(move || {
                    loop {
                        if cancel.load(Ordering::Relaxed) {
                            return;
                        }
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((key, path, title, stamp)) = todo.get(i) else {
                            return;
                        };
                        match read(path) {
                            Ok(doc) => {
                                let mut tdoc = TantivyDocument::default();
                                tdoc.add_text(fields.path, key);
                                tdoc.add_text(fields.title, title);
                                tdoc.add_u64(fields.size, stamp.size);
                                tdoc.add_u64(fields.mtime, stamp.mtime);
                                tdoc.add_text(fields.text, document_text(&doc));
                                if let Err(e) = writer.add_document(tdoc) {
                                    if let Ok(mut t) = trouble.lock() {
                                        t.get_or_insert(self.error(e));
                                    }
                                    return;
                                }
                            }
                            Err(_) => {
                                failed.fetch_add(1, Ordering::Relaxed);
                            }
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
        writer.commit().map_err(|e| self.error(e))?;
        writer.wait_merging_threads().map_err(|e| self.error(e))?;
        self.reader.reload().map_err(|e| self.error(e))?;
        stats.failed = failed.into_inner();
        stats.read = total - stats.failed;
        Ok(stats)
    }

    /// Which articles may match the literal query `text`; `None` when the index cannot
    /// narrow it down (a query without letters or digits).
    pub fn candidates(&self, text: &str) -> Result<Option<Candidates>, IndexError> {
        let Some(words) = query_words(text) else {
            return Ok(None);
        };
        let searcher = self.reader.searcher();
        let mut indexed = HashSet::new();
        let mut matching = HashSet::new();
        let mut path = String::new();
        for segment in searcher.segment_readers() {
            let inverted = segment
                .inverted_index(self.fields.text)
                .map_err(|e| self.error(e))?;
            let max = segment.max_doc() as usize;
            let mut all: Option<Vec<bool>> = None;
            for word in &words {
                let Some(docs) = self.docs_with(&inverted, word, max)? else {
                    continue;
                };
                all = Some(match all {
                    None => docs,
                    Some(mut a) => {
                        a.iter_mut().zip(&docs).for_each(|(a, d)| *a &= *d);
                        a
                    }
                });
            }
            self.each_path(segment, &mut path, |doc, path| {
                if all.as_ref().is_none_or(|a| a[doc as usize]) {
                    matching.insert(path.to_string());
                }
                indexed.insert(path.to_string());
            })?;
        }
        Ok(Some(Candidates { indexed, matching }))
    }

    /// The documents of a segment that have a term `word` accepts (or an over-long word);
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
        infos.extend(dict.get(LONG_WORD.as_bytes()).map_err(|e| self.error(e))?);
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
        Ok(Some(docs))
    }

    /// The number of articles in the index.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
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

/// What the index says about a query: the articles it has (up to date), and those of them
/// that may match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Candidates {
    indexed: HashSet<String>,
    matching: HashSet<String>,
}

impl Candidates {
    /// Whether the article at `path` must be searched: it may match, or the index does not
    /// have it.
    pub fn may_match(&self, path: &Path) -> bool {
        match path.to_str() {
            Some(p) => self.matching.contains(p) || !self.indexed.contains(p),
            None => true,
        }
    }

    /// How many indexed articles may match.
    pub fn matching(&self) -> usize {
        self.matching.len()
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
    if regex {
        // A regular expression cannot be looked up in words: every article is scanned.
        return None;
    }
    let cache = cache?;
    let dir = library_index_dir(cache, library)?;
    let index = match LibraryIndex::open_or_create(&dir) {
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
                    return None;
                }
            }
        }
    };
    let index = Arc::new(index);
    let mut forward = |p: Progress| events(Event::Progress(p));
    match index.update(library, read, cancel, &mut forward) {
        Ok(stats) => events(Event::Updated(stats)),
        Err(IndexError::Cancelled) => return None,
        Err(e) => {
            events(Event::Notice(format!(
                "the search index cannot be updated ({e}); scanning every article"
            )));
            return None;
        }
    }
    match index.candidates(text) {
        Ok(c) => {
            if let Some(c) = &c {
                events(Event::Candidates(c.matching()));
            }
            c
        }
        Err(e) => {
            events(Event::Notice(format!(
                "the search index cannot be read ({e}); scanning every article"
            )));
            None
        }
    }
}

#[cfg(test)]
mod tests;
