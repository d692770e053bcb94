//! Searching every readable article of a library: hits with the article, the section and
//! a snippet, article by article in library order, as they are found. The search index
//! ([`super::index`]) only narrows down which articles are read; the hits always come from
//! the matcher, so a search with and without the index finds the same.

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::Query;
use super::document::{Blocks, Hit, find, find_in};
use super::index::text::SearchText;
use super::index::{Candidates, Kept, Look};
use crate::document::Document;
use crate::library::{Library, Target};

/// How a library search ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finished {
    /// Every article was searched (or skipped as the index allowed).
    Done,
    /// The cancel flag was set: articles after the last one reported were not searched.
    Cancelled,
}

/// Where an entry's article is read from, as the headless commands name it: its path, or
/// `bundled:NAME` for an article compiled into blatt. `None` for an entry that cannot be
/// read.
pub fn entry_path(target: &Target) -> Option<PathBuf> {
    match target {
        Target::File(path) => Some(path.clone()),
        Target::Bundled(name) => Some(format!("bundled:{name}").into()),
        Target::Problem(_) | Target::Unchecked => None,
    }
}

/// [`entry_path`], borrowed for a file (most entries).
pub fn entry_path_borrowed(target: &Target) -> Option<Cow<'_, Path>> {
    match target {
        Target::File(path) => Some(Cow::Borrowed(path)),
        target => entry_path(target).map(Cow::Owned),
    }
}

/// How many hits a search makes ready to show (a section label and a snippet each): every
/// hit is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Listing {
    /// The first hits of each article.
    pub per_article: usize,
    /// Hits in all, in library order: an article after them has its hits counted only.
    pub in_all: usize,
}

impl Listing {
    /// Every hit.
    pub const ALL: Listing = Listing {
        per_article: usize::MAX,
        in_all: usize::MAX,
    };
}

/// Articles a thread of [`search_library`] takes at a time, and reports together: one
/// article at a time, waking the reporting thread for each, took a sixth of a search for a
/// common phrase at 100,000 articles.
const BATCH: usize = 16;

/// An article [`search_library`] is to search: its entry, its path, and where the index
/// keeps it for this search.
type Todo<'a> = (usize, Cow<'a, Path>, Option<Kept>);

/// Searches the readable entries of `library` for `query`, in library order, reading each
/// article with `read` (given the entry's number and its path; it reads the article with
/// the entry's title as its fallback title, as the reader does), and calls `found` once
/// per article searched: with its hits (maybe none; every one counted, those `listing`
/// allows made ready to show), or with why it could not be read. With `candidates`,
/// articles the index rules out are skipped. Stops between articles once `cancel` is set,
/// so a worker thread can run it and the reader can cancel it.
///
/// The articles are read and searched on one thread per core (up to four; reading and
/// parsing is most of the time), each taking the next few articles still to do; `found`
/// is called on this thread, in library order, as soon as every article before has been
/// reported.
pub fn search_library(
    library: &Library,
    query: &Query,
    candidates: Option<&Candidates>,
    listing: Listing,
    read: &(dyn Fn(usize, &Path) -> Result<Document, String> + Sync),
    cancel: &AtomicBool,
    found: &mut dyn FnMut(usize, Result<Found, String>),
) -> Finished {
    // The articles to search, numbered in order, taken a few at a time by whichever thread
    // is free (looking an entry up in the candidates is quick; reading it is not). A path
    // is borrowed for a file: most entries are only looked up, not read. The entries are
    // looked up in order, as the index keeps its articles.
    let mut looks = candidates.map(|c| c.looks(library));
    let todo = library
        .entries
        .iter()
        .enumerate()
        .filter_map(|(index, entry)| {
            // Ruled out before its path is taken, when the index can tell by number.
            let kept = match looks.as_mut().map(|l| l.look(index, &entry.target)) {
                Some(Look::Skip) => return None,
                Some(Look::Search(kept)) => Some(kept),
                Some(Look::Read) | None => None,
            };
            Some((index, entry_path_borrowed(&entry.target)?, kept))
        })
        .enumerate();
    let todo = std::sync::Mutex::new(todo);
    let take = || -> Vec<_> {
        todo.lock()
            .map(|mut todo| todo.by_ref().take(BATCH).collect())
            .unwrap_or_default()
    };
    // Hits listed by the articles reported so far (in order): an article searched ahead
    // of its turn makes ready as many as are left after them, at least as many as are left
    // when its turn comes, and is cut to those then.
    let reported = std::sync::atomic::AtomicUsize::new(0);
    // An article the index keeps for this search is searched as kept (the index is up to
    // date with the file's size and time); any other is read.
    let search = |index: usize, path: &Path, kept: Option<Kept>| {
        let listed = listing.per_article.min(
            listing
                .in_all
                .saturating_sub(reported.load(Ordering::Relaxed)),
        );
        let title = &library.entries[index].title;
        if let Some(found) = kept
            .zip(candidates)
            .and_then(|(kept, c)| c.hits_at(kept, query, index, title, listed))
        {
            return Ok(found);
        }
        match read(index, path) {
            Ok(doc) => Ok(hits_listed(&doc, query, index, listed)),
            Err(e) => Err(e),
        }
    };
    // A batch searched: its first turn, and each article's entry and hits.
    let search_batch = |batch: Vec<(usize, Todo<'_>)>| {
        let first = batch.first().map(|(turn, _)| *turn);
        let mut done = Vec::with_capacity(batch.len());
        for (_, (index, path, kept)) in batch {
            if cancel.load(Ordering::Relaxed) {
                break;
            }
            done.push((index, search(index, &path, kept)));
        }
        first.map(|first| (first, done))
    };
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(4));
    let (tell, told) = std::sync::mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..threads {
            let tell = tell.clone();
            let (take, search_batch) = (&take, &search_batch);
            let started = std::thread::Builder::new().spawn_scoped(s, move || {
                while !cancel.load(Ordering::Relaxed) {
                    let Some(done) = search_batch(take()) else {
                        return;
                    };
                    if tell.send(done).is_err() {
                        return;
                    }
                }
            });
            if started.is_err() {
                // The threads started, or this one below, do the work.
                break;
            }
        }
        drop(tell);
        // Batches that came before their turn, by their first turn.
        let mut waiting = std::collections::BTreeMap::new();
        let mut turn = 0;
        let mut report = |waiting: &mut std::collections::BTreeMap<usize, Vec<_>>| {
            while let Some(batch) = waiting.remove(&turn) {
                for (index, mut result) in batch {
                    if cancel.load(Ordering::Relaxed) {
                        return false;
                    }
                    if let Ok(Found { hits, .. }) = &mut result {
                        let listed = reported.load(Ordering::Relaxed);
                        hits.truncate(listing.in_all.saturating_sub(listed));
                        reported.store(listed + hits.len(), Ordering::Relaxed);
                    }
                    found(index, result);
                    turn += 1;
                }
            }
            true
        };
        for (at, batch) in told.iter() {
            waiting.insert(at, batch);
            if !report(&mut waiting) {
                return Finished::Cancelled;
            }
        }
        // No thread could be started, or all are done: what is left, here.
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Finished::Cancelled;
            }
            let Some((at, batch)) = search_batch(take()) else {
                return Finished::Done;
            };
            waiting.insert(at, batch);
            if !report(&mut waiting) {
                return Finished::Cancelled;
            }
        }
    })
}

/// A hit in an article of a library, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LibraryHit {
    /// The entry's index in the library.
    pub entry: usize,
    /// The section's label (see [`Document::section_label`]).
    pub section: String,
    /// A line of text around the match, white space collapsed.
    pub snippet: String,
    /// Where the match is in `snippet`, in bytes.
    pub matched: Range<usize>,
    /// Where the match starts: block and byte offset in the article.
    pub block: usize,
    pub offset: usize,
    /// Where the match's block is in the file of a large article, with the block's
    /// fingerprint (see [`crate::anchor::Anchor`]): opening the hit while the article is
    /// still loading reads the text there at once. None for an article read whole.
    #[serde(skip)]
    pub place: Option<(u64, String)>,
}

/// The hits of one article: every match counted, the first of them ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Every match in the article.
    pub count: usize,
    /// The first matches (as many as asked for), with their sections and snippets.
    pub hits: Vec<LibraryHit>,
}

/// Characters of context shown either side of a match in a snippet.
const CONTEXT: usize = 40;

/// The hits of `query` in `doc`, as entry `entry` of a library.
pub fn hits_in(doc: &Document, query: &Query, entry: usize) -> Vec<LibraryHit> {
    hits_listed(doc, query, entry, usize::MAX).hits
}

/// [`hits_in`], every one counted and the first `listed` made ready to show (a section
/// label and a snippet each: a common word in a book has thousands).
pub fn hits_listed(doc: &Document, query: &Query, entry: usize, listed: usize) -> Found {
    let mut hits = Vec::new();
    find(doc, query, 0..doc.block_count(), &mut hits);
    let label = doc.section_labeler();
    Found {
        count: hits.len(),
        hits: hits
            .iter()
            .take(listed)
            .map(|hit| library_hit(doc, hit, entry, &label))
            .collect(),
    }
}

fn library_hit(
    doc: &Document,
    hit: &Hit,
    entry: usize,
    label: &impl Fn(usize) -> String,
) -> LibraryHit {
    let block = doc.block(hit.start.block);
    let (snippet, matched) = hit_snippet(block.text, hit);
    LibraryHit {
        entry,
        section: label(doc.section_of(hit.start.block)),
        snippet,
        matched,
        block: hit.start.block,
        offset: hit.start.offset,
        place: doc
            .byte_at(hit.start.block, hit.start.offset)
            .map(|byte| (byte, block.fingerprint())),
    }
}

/// The snippet of a hit that starts in the block of text `text`.
fn hit_snippet(text: &str, hit: &Hit) -> (String, Range<usize>) {
    let end = if hit.end.block == hit.start.block {
        hit.end.offset
    } else {
        text.len()
    };
    snippet(text, hit.start.offset..end)
}

/// [`hits_listed`] for an article as the index keeps it: the same hits, sections and snippets
/// as from the article read whole with the fallback title `fallback` (the only kind the
/// index keeps: no hit has a place in its file).
pub fn hits_in_text(
    doc: &SearchText,
    query: &Query,
    entry: usize,
    fallback: &str,
    listed: usize,
) -> Found {
    let mut hits = Vec::new();
    find_in(doc, query, 0..doc.block_count(), &mut hits);
    let count = hits.len();
    let hits = hits
        .iter()
        .take(listed)
        .map(|hit| {
            let (snippet, matched) = hit_snippet(doc.text(hit.start.block), hit);
            LibraryHit {
                entry,
                section: doc
                    .label(doc.section_of(hit.start.block), fallback)
                    .into_owned(),
                snippet,
                matched,
                block: hit.start.block,
                offset: hit.start.offset,
                place: None,
            }
        })
        .collect();
    Found { count, hits }
}

/// Where a snippet of `text` around `range` starts in the text before the match, and ends
/// in the text after it (see [`snippet`]).
fn context(text: &str, range: Range<usize>) -> (usize, usize) {
    let (before, after) = (&text[..range.start], &text[range.end..]);
    let mut from = before
        .char_indices()
        .rev()
        .nth(CONTEXT - 1)
        .map_or(0, |(i, _)| i);
    if from > 0 {
        // Start at the next word.
        if let Some(space) = before[from..].find(char::is_whitespace) {
            from += space;
        }
    }
    let mut to = after
        .char_indices()
        .nth(CONTEXT)
        .map_or(after.len(), |(i, _)| i);
    if to < after.len()
        && let Some(space) = after[..to].rfind(char::is_whitespace)
    {
        to = space;
    }
    (from, to)
}

/// A one-line snippet of `text` around `range`: up to [`CONTEXT`] characters either side,
/// started and ended at a word where there is one, `…` where text is left out, every run
/// of white space one space. Returns the snippet and where the match is in it.
pub fn snippet(text: &str, range: Range<usize>) -> (String, Range<usize>) {
    let (before, after) = (&text[..range.start], &text[range.end..]);
    let (from, to) = context(text, range.clone());
    // Each part's words, one space between (no copy of a part made first: a common phrase
    // has tens of thousands of snippets).
    let collapse = |out: &mut String, s: &str| {
        for (i, word) in s.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
    };
    let mut out = String::with_capacity(range.len() + 2 * CONTEXT + 8);
    if from > 0 {
        out.push('…');
    }
    let lead = out.len();
    collapse(&mut out, &before[from..]);
    // White space between the parts, in the text before or after the match or at the
    // match's own start or end (a query may begin or end with a space), is one space.
    let matched = &text[range];
    if out.len() > lead
        && (before.ends_with(char::is_whitespace) || matched.starts_with(char::is_whitespace))
    {
        out.push(' ');
    }
    let start = out.len();
    collapse(&mut out, matched);
    let end = out.len();
    if (after.starts_with(char::is_whitespace) || matched.ends_with(char::is_whitespace))
        && !after[..to].trim().is_empty()
    {
        out.push(' ');
    }
    collapse(&mut out, &after[..to]);
    if to < after.len() {
        out.push('…');
    }
    (out, start..end)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, parse};
    use crate::search::Options;

    #[test]
    fn snippets_show_context_and_where_the_match_is() {
        let (s, m) = snippet("short text with zoom in it", 16..20);
        assert_eq!(s, "short text with zoom in it");
        assert_eq!(&s[m], "zoom");
        let long = format!("{} zoom {}", "word ".repeat(30), "more ".repeat(30));
        let at = long.find("zoom").unwrap();
        let (s, m) = snippet(&long, at..at + 4);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert_eq!(&s[m.clone()], "zoom");
        assert!(s.chars().count() <= 2 * CONTEXT + 6, "{s}");
        // Line breaks become spaces.
        let (s, m) = snippet("a\nzoom\n\nb", 2..6);
        assert_eq!((s.as_str(), &s[m]), ("a zoom b", "zoom"));
        // A match that begins or ends with white space (a query ` zoom` or `zoom `) keeps
        // its words apart from those around it.
        let text = "im Deutschen Bundestag einer Vorlage";
        let at = text.find(" Bundestag").unwrap();
        let (s, m) = snippet(text, at..at + " Bundestag".len());
        assert_eq!((s.as_str(), &s[m]), (text, "Bundestag"));
        let (s, m) = snippet(text, at + 1..at + " Bundestag ".len());
        assert_eq!((s.as_str(), &s[m]), (text, "Bundestag"));
    }

    /// [`snippet`] as it was first written, each part collapsed into a string of its own:
    /// what the one that writes the parts in place must give.
    fn snippet_by_parts(text: &str, range: Range<usize>) -> (String, Range<usize>) {
        let (before, after) = (&text[..range.start], &text[range.end..]);
        let (from, to) = context(text, range.clone());
        let collapse = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut out = String::new();
        if from > 0 {
            out.push('…');
        }
        let lead = collapse(&before[from..]);
        out.push_str(&lead);
        let matched = &text[range];
        if !lead.is_empty()
            && (before.ends_with(char::is_whitespace) || matched.starts_with(char::is_whitespace))
        {
            out.push(' ');
        }
        let start = out.len();
        out.push_str(&collapse(matched));
        let end = out.len();
        if (after.starts_with(char::is_whitespace) || matched.ends_with(char::is_whitespace))
            && !after[..to].trim().is_empty()
        {
            out.push(' ');
        }
        out.push_str(&collapse(&after[..to]));
        if to < after.len() {
            out.push('…');
        }
        (out, start..end)
    }

    proptest::proptest! {
        #[test]
        fn a_snippet_is_its_parts_collapsed(
            text in "[ab \\n\\tä\\u{a0}]{0,200}",
            a in 0usize..400,
            b in 0usize..400,
        ) {
            let bounds: Vec<usize> =
                (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
            let (a, b) = (bounds[a % bounds.len()], bounds[b % bounds.len()]);
            let range = a.min(b)..a.max(b);
            proptest::prop_assert_eq!(
                snippet(&text, range.clone()),
                snippet_by_parts(&text, range)
            );
        }
    }

    /// A library of `n` articles in `dir`, every third one with `Zoom` in it.
    fn zoom_library(dir: &Path, n: usize) -> Library {
        let mut index = String::from("# Test\n\n");
        for i in 0..n {
            let text = if i % 3 == 0 {
                format!("# A{i}\n\nZoom {i} und zoom.\n")
            } else {
                format!("# A{i}\n\nNichts.\n")
            };
            std::fs::write(dir.join(format!("{i}.md")), text).unwrap();
            index.push_str(&format!("- [A{i}]({i}.md)\n"));
        }
        std::fs::write(dir.join("INDEX.md"), index).unwrap();
        let mut library = crate::library::load_library(dir).unwrap();
        library.check_all();
        library
    }

    #[test]
    fn articles_are_reported_in_library_order_whatever_thread_reads_them() {
        let dir = tempfile::tempdir().unwrap();
        let library = zoom_library(dir.path(), 60);
        // Early articles take longer, so later ones are done first.
        let read = |path: &Path| {
            let name = path.file_stem().unwrap().to_str().unwrap();
            let i: u64 = name.parse().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(
                3u64.saturating_sub(i / 10),
            ));
            let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            Ok(parse(&text, Format::Markdown, "t", None))
        };
        let q = Query::new("zoom", Options::default()).unwrap();
        let cancel = AtomicBool::new(false);
        let mut seen = Vec::new();
        let finished = search_library(
            &library,
            &q,
            None,
            Listing::ALL,
            &|_, p| read(p),
            &cancel,
            &mut |i, hits| {
                seen.push((i, hits.unwrap().count));
            },
        );
        assert_eq!(finished, Finished::Done);
        let want: Vec<_> = (0..60)
            .map(|i| (i, if i % 3 == 0 { 2 } else { 0 }))
            .collect();
        assert_eq!(seen, want);

        // Cancelled from the callback: nothing is reported after.
        let mut seen = Vec::new();
        let finished = search_library(
            &library,
            &q,
            None,
            Listing::ALL,
            &|_, p| read(p),
            &cancel,
            &mut |i, _| {
                seen.push(i);
                if i == 10 {
                    cancel.store(true, Ordering::Relaxed);
                }
            },
        );
        assert_eq!(finished, Finished::Cancelled);
        assert_eq!(seen, (0..=10).collect::<Vec<_>>());
    }

    /// The hits listed are those the reader's list keeps: the first of each article, up to
    /// a number in all in library order, whichever thread searched an article first.
    #[test]
    fn hits_are_listed_per_article_and_in_all_in_library_order() {
        let dir = tempfile::tempdir().unwrap();
        let library = zoom_library(dir.path(), 90);
        // Later articles are done first, ahead of their turn.
        let read = |path: &Path| {
            let i: u64 = path.file_stem().unwrap().to_str().unwrap().parse().unwrap();
            if i < 20 {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
            Ok(parse(&text, Format::Markdown, "t", None))
        };
        let q = Query::new("zoom", Options::default()).unwrap();
        for (per_article, in_all) in [(1, 7), (2, 9), (2, 0), (5, usize::MAX)] {
            let mut seen = Vec::new();
            search_library(
                &library,
                &q,
                None,
                Listing {
                    per_article,
                    in_all,
                },
                &|_, p| read(p),
                &AtomicBool::new(false),
                &mut |i, found| {
                    let found = found.unwrap();
                    if found.count > 0 {
                        seen.push((i, found.count, found.hits.len()));
                    }
                },
            );
            // Every third article has two matches.
            let mut left = in_all;
            let want: Vec<_> = (0..90)
                .step_by(3)
                .map(|i| {
                    let listed = 2.min(per_article).min(left);
                    left -= listed;
                    (i, 2, listed)
                })
                .collect();
            assert_eq!(seen, want, "{per_article} per article, {in_all} in all");
        }
    }

    #[test]
    fn every_hit_is_counted_and_only_those_listed_are_made_ready() {
        let d = parse(
            "# Zeitung\n\nZoom, zoom, zoom.\n\n## Zwei\n\nZoom und zoom.\n",
            Format::Markdown,
            "t",
            None,
        );
        let q = Query::new("zoom", Options::default()).unwrap();
        let all = hits_in(&d, &q, 0);
        assert_eq!(all.len(), 5);
        for listed in [0, 2, 5, 9] {
            let found = hits_listed(&d, &q, 0, listed);
            assert_eq!(found.count, 5);
            assert_eq!(found.hits, all[..listed.min(5)]);
        }
    }

    #[test]
    fn hits_name_their_section() {
        let d = parse(
            "# Zeitung\n\nIntro mit Zoom.\n\n## TikTok\n\nZoom und TikTok.\n",
            Format::Markdown,
            "t",
            None,
        );
        let q = Query::new("zoom", Options::default()).unwrap();
        let hits = hits_in(&d, &q, 3);
        let found: Vec<_> = hits
            .iter()
            .map(|h| (h.entry, h.section.as_str(), &h.snippet[h.matched.clone()]))
            .collect();
        assert_eq!(found, [(3, "Zeitung", "Zoom"), (3, "TikTok", "Zoom")]);
    }

    #[test]
    fn the_labeler_names_sections_as_section_label_does() {
        let d = parse(
            "# Buch\n\nVorwort.\n\n## Teil 1\n\n### Kapitel\n\na\n\n## Teil 2\n\n### Kapitel\n\nb\n\n### Einzeln\n\nc\n",
            Format::Markdown,
            "t",
            None,
        );
        let label = d.section_labeler();
        for i in 0..=d.sections.len() {
            assert_eq!(label(i), d.section_label(i), "section {i}");
        }
        assert_eq!(label(2), "Teil 1 › Kapitel");
    }
}
