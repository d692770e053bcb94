//! Searching the open article: the query typed after `/` (or taken from the text with
//! `*`), its matches in the document's text (never in wrapped lines, so a match across a
//! line end, a hyphen the layout added or a block cut for length is one match), the match
//! the reader is at, and how far the search has come.
//!
//! A short article is searched in `update` at once. A long one is searched by a worker
//! ([`Effect::Search`]) from the top of the screen to the end, then from the start, a
//! chunk of blocks at a time; its results come back as [`Action::Found`] tagged with the
//! search's number, so the results of a query typed over are dropped. While a worker
//! holds the document, pieces of an article still loading wait (see [`Reader::take_piece`])
//! and are searched as they are appended.

use super::results::OpenSearch;
use std::ops::Range;
use std::sync::Arc;

use super::{Effect, Mode, Prompt, State, Typing};
use crate::document::{Document, Role};
use crate::layout::{LinePos, Mark};
use crate::search::document::{Hit, Place, find as find_hits, find_from};
use crate::search::{Options, Query, QueryError};

/// Articles up to this much text are searched in `update` at once (a few milliseconds);
/// longer ones by a worker, off the loop.
pub const SYNC_BYTES: u64 = 256 * 1024;

/// How many blocks back the end of a run of cut blocks is searched again when more of it
/// arrives (a phrase across the cut between two pieces is found).
const RUN_BACK: usize = 8;

/// The most matches one search keeps (32 bytes each: 32 MB). A query that matches more
/// (a single letter in a 100 MB article) stops there with a message rather than holding
/// hundreds of megabytes; what was found stays and `n`/`N` go through it.
pub const MAX_KEPT: usize = 1_000_000;

/// The prefix that makes a query a regular expression (as in vim's "very magic").
pub const REGEX_PREFIX: &str = "\\v";

/// A search in the open article.
#[derive(Debug)]
pub struct Find {
    /// The query as typed (a leading `\v` makes it a regular expression).
    pub text: String,
    /// Ctrl-R in the prompt: the query is a regular expression without the prefix.
    pub regex: bool,
    query: Option<Arc<Query>>,
    /// Why the query cannot be searched for (an invalid pattern).
    pub error: Option<String>,
    /// The matches found so far, in document order.
    pub hits: Vec<Hit>,
    /// Matches per section (index of the section of each match's start).
    pub per_section: Vec<usize>,
    /// The match the reader is at.
    pub current: Option<Hit>,
    /// The number of this search: each query typed is a new one.
    pub id: u64,
    /// The search went from this block to the end, then from the start up to it.
    from: usize,
    /// The next block to search from `from` on, and from the start on.
    ahead: usize,
    behind: usize,
    /// A worker is searching.
    pub running: bool,
    /// The search was stopped (Esc) or its worker ended before the end: the matches found
    /// stay, no more come.
    pub stopped: bool,
    /// It stopped because it found [`MAX_KEPT`] matches.
    pub full: bool,
    /// Go to the first match at or after this place once it is found.
    seek: Option<Place>,
    /// There was none after it: the search went round to the first, from the top.
    went_round: bool,
    /// The view when the prompt was opened: Esc goes back to it.
    origin: Option<super::reader::ViewMark>,
}

impl Find {
    fn new(id: u64, origin: Option<super::reader::ViewMark>) -> Find {
        Find {
            text: String::new(),
            regex: false,
            query: None,
            error: None,
            hits: Vec::new(),
            per_section: Vec::new(),
            current: None,
            id,
            from: 0,
            ahead: 0,
            behind: 0,
            running: false,
            stopped: false,
            full: false,
            seek: None,
            went_round: false,
            origin,
        }
    }

    /// Whether no more matches will come at all: the whole article is in and searched, or
    /// the search was stopped. (While an article loads, all of it that has arrived
    /// may be searched, and matches still come with its next piece.)
    pub fn finished(&self, doc: &Document) -> bool {
        self.stopped || (doc.complete && self.complete(doc))
    }

    /// Whether the whole document (as far as it has arrived) has been searched.
    fn complete(&self, doc: &Document) -> bool {
        self.query.is_some() && self.ahead >= doc.block_count() && self.behind >= self.from
    }

    /// The position of the current match among all (0-based).
    pub fn current_index(&self) -> Option<usize> {
        self.current.and_then(|c| self.hits.binary_search(&c).ok())
    }

    /// Percent of the blocks searched.
    fn searched_percent(&self, doc: &Document) -> u32 {
        let count = doc.block_count().max(1);
        let searched = self.ahead.saturating_sub(self.from) + self.behind.min(self.from);
        ((searched as f64 / count as f64) * 100.0).min(99.0) as u32
    }

    /// The matches touching `block` (whose text is `len` bytes), as marks for drawing.
    pub fn marks(&self, block: usize, len: usize) -> Vec<Mark> {
        // Matches do not overlap, so their ends are in order as their starts are.
        let first = self.hits.partition_point(|h| h.end.block < block);
        self.hits[first..]
            .iter()
            .take_while(|h| h.start.block <= block)
            .filter_map(|h| {
                let role = if Some(*h) == self.current {
                    Role::CurrentMatch
                } else {
                    Role::Match
                };
                h.range_in(block, len).map(|r| (r, role))
            })
            .collect()
    }

    /// What the status line says about the search: `match 3/17 · Section`, the progress
    /// of a search still running, or that nothing matched.
    pub fn status(&self, reader: &super::Reader) -> Option<String> {
        self.query.as_ref()?;
        let doc = &reader.doc;
        let done = self.finished(doc);
        let complete = self.complete(doc);
        let total = format!("{}{}", self.hits.len(), if done { "" } else { "+" });
        let searching = if complete && !done {
            " · searching on as the article loads".to_string()
        } else if complete {
            String::new()
        } else if self.full {
            format!(
                " · stopped at {}%: over {} matches, type more of the word",
                self.searched_percent(doc),
                thousands(MAX_KEPT)
            )
        } else if self.stopped {
            format!(" · stopped at {}%", self.searched_percent(doc))
        } else {
            format!(" · searching {}%", self.searched_percent(doc))
        };
        Some(match (self.current, self.current_index()) {
            (Some(hit), Some(i)) => {
                let section = doc.section_of(hit.start.block);
                format!(
                    "match {}/{total} · {}{searching}",
                    i + 1,
                    reader.section_label(section)
                )
            }
            _ if self.hits.is_empty() && !complete && self.stopped => {
                format!(
                    "no match for {} before the search stopped at {}%",
                    self.shown(),
                    self.searched_percent(doc)
                )
            }
            _ if self.hits.is_empty() && done => format!("no match for {}", self.shown()),
            _ if self.hits.is_empty() && complete => {
                "no match yet · searching on as the article loads".to_string()
            }
            _ if self.hits.is_empty() => format!("searching {}%…", self.searched_percent(doc)),
            _ => format!(
                "{total} {}{searching}",
                if total == "1" { "match" } else { "matches" }
            ),
        })
    }

    /// The query as shown in messages.
    fn shown(&self) -> String {
        let text: String = self.text.chars().take(40).collect();
        let more = if self.text.chars().count() > 40 {
            "…"
        } else {
            ""
        };
        format!("“{text}{more}”")
    }

    /// Takes in the matches of `blocks`, searched by a worker or here.
    fn take(&mut self, doc: &Document, blocks: Range<usize>, hits: Vec<Hit>) {
        if blocks.start >= self.from {
            self.ahead = self.ahead.max(blocks.end);
        } else {
            self.behind = self.behind.max(blocks.end.min(self.from));
        }
        self.insert(doc, hits);
    }

    fn insert(&mut self, doc: &Document, mut hits: Vec<Hit>) {
        let room = MAX_KEPT.saturating_sub(self.hits.len());
        if hits.len() > room {
            // The matches past the room are not kept; the search ends here.
            hits.truncate(room);
            self.full = true;
            self.stopped = true;
        }
        let Some(first) = hits.first() else {
            return;
        };
        if self.per_section.len() < doc.sections.len() {
            self.per_section.resize(doc.sections.len(), 0);
        }
        for hit in &hits {
            if let Some(n) = self.per_section.get_mut(doc.section_of(hit.start.block)) {
                *n += 1;
            }
        }
        let at = self.hits.partition_point(|h| h < first);
        self.hits.splice(at..at, hits);
    }

    /// Drops the matches that start at `block` or later.
    fn drop_from(&mut self, doc: &Document, block: usize) {
        let at = self.hits.partition_point(|h| h.start.block < block);
        for hit in self.hits.drain(at..) {
            if let Some(n) = self.per_section.get_mut(doc.section_of(hit.start.block)) {
                *n = n.saturating_sub(1);
            }
        }
        if self.current.is_some_and(|c| c.start.block >= block) && self.seek.is_none() {
            // It will be found again, in the same place.
            self.seek = self.current.map(|c| c.start);
            self.current = None;
        }
    }
}

/// Opens the search prompt (`/`).
pub fn open_prompt(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let origin = reader.view_mark();
    let id = next_id(reader.find.as_ref());
    if reader.find.as_ref().is_some_and(|f| f.running) {
        effects.push(Effect::StopSearch);
    }
    reader.find = Some(Find::new(id, Some(origin)));
    state.mode = Mode::Typing(Typing::new(Prompt::Search, String::new()));
}

fn next_id(find: Option<&Find>) -> u64 {
    find.map_or(1, |f| f.id.wrapping_add(1))
}

/// Reads a query: a `\v` prefix or the Ctrl-R toggle make it a regular expression.
pub fn parse_query(text: &str, regex: bool, options: Options) -> Result<Query, QueryError> {
    let (text, prefixed) = match text.strip_prefix(REGEX_PREFIX) {
        Some(rest) => (rest, true),
        None => (text, false),
    };
    Query::new(
        text,
        Options {
            regex: regex || prefixed,
            ..options
        },
    )
}

/// The text in the prompt changed (or the regex toggle): search again as typed.
pub fn retype(state: &mut State, effects: &mut Vec<Effect>) {
    let Mode::Typing(typing) = &mut state.mode else {
        return;
    };
    if typing.prompt != Prompt::Search {
        return;
    }
    let text = typing.text().to_string();
    let options = state.settings.search_options();
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let Some(old) = reader.find.take() else {
        return;
    };
    if old.running {
        effects.push(Effect::StopSearch);
    }
    let mut find = Find::new(old.id.wrapping_add(1), old.origin);
    find.regex = old.regex;
    find.text = text;
    // What is typed is looked for from where the prompt was opened.
    if let Some(origin) = &find.origin {
        reader.restore_view(origin);
    }
    match parse_query(&find.text, find.regex, options) {
        Ok(query) => {
            let seek = reader.top_place();
            find.query = Some(Arc::new(query));
            find.seek = Some(seek);
            reader.find = Some(find);
            start(state, effects);
        }
        Err(QueryError::Empty) => reader.find = Some(find),
        Err(e) => {
            find.error = Some(e.to_string());
            reader.find = Some(find);
        }
    }
}

/// Ctrl-R in the prompt: the query is read as a regular expression, or no longer.
pub fn toggle_regex(state: &mut State, effects: &mut Vec<Effect>) {
    if let Some(find) = state.reader.as_mut().and_then(|r| r.find.as_mut()) {
        find.regex = !find.regex;
    }
    retype(state, effects);
}

/// Starts searching the document with the query set: at once for a short article, by a
/// worker for a long one.
fn start(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let doc = Arc::clone(&reader.doc);
    let from = reader.top.block.min(doc.block_count());
    let Some(find) = reader.find.as_mut() else {
        return;
    };
    let Some(query) = find.query.clone() else {
        return;
    };
    find.from = from;
    find.ahead = from;
    find.behind = 0;
    if doc.total <= SYNC_BYTES {
        let count = doc.block_count();
        let mut hits = Vec::new();
        find_hits(&doc, &query, 0..count, &mut hits);
        find.ahead = count;
        find.behind = from;
        find.insert(&doc, hits);
        drop(doc);
        settle(state);
    } else {
        find.running = true;
        effects.push(Effect::Search(Box::new(SearchJob {
            id: find.id,
            query,
            doc,
            from,
        })));
    }
}

/// What a worker needs to search an article.
#[derive(Debug, Clone)]
pub struct SearchJob {
    pub id: u64,
    pub query: Arc<Query>,
    pub doc: Arc<Document>,
    /// Search from this block to the end, then from the start up to it.
    pub from: usize,
}

impl PartialEq for SearchJob {
    fn eq(&self, other: &SearchJob) -> bool {
        self.id == other.id && self.from == other.from
    }
}

/// Matches found by a worker ([`Action::Found`]).
pub fn found(
    state: &mut State,
    search: u64,
    blocks: Range<usize>,
    hits: Vec<Hit>,
    done: bool,
    effects: &mut Vec<Effect>,
) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    if let Some(find) = reader.find.as_mut()
        && find.id == search
    {
        let doc = Arc::clone(&reader.doc);
        if !find.stopped {
            find.take(&doc, blocks, hits);
            if find.full && find.running && !done {
                // No room for more: the worker stops.
                find.running = false;
                effects.push(Effect::StopSearch);
            }
        }
        if done {
            find.running = false;
            // A worker that ended before the end (it could not start, or was stopped)
            // sends no more: what it found stays.
            if !find.complete(&doc) {
                find.stopped = true;
            }
        }
    }
    // A worker that ended let go of the document: pieces that waited for it go in now.
    if done {
        let before = reader.doc.block_count();
        if reader.take_waiting() {
            state.marks_stale = true;
            grown(state, before);
        }
    }
    settle(state);
}

/// More of the article arrived (blocks from `before` on): they are searched here (a piece
/// is small), with the end of a run of cut blocks the piece goes on.
pub fn grown(state: &mut State, before: usize) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let doc = Arc::clone(&reader.doc);
    let Some(find) = reader.find.as_mut() else {
        return;
    };
    let Some(query) = find.query.clone() else {
        return;
    };
    if find.running || find.stopped || find.ahead < before {
        // The search has not come this far: it will search the new blocks too (a worker
        // searches to the end of the document it was given, and is then given the rest).
        return;
    }
    let count = doc.block_count();
    let mut from = before.min(count);
    while from > 0 && from + RUN_BACK > before && doc.block(from).continued {
        from -= 1;
    }
    find.drop_from(&doc, from);
    let mut hits = Vec::new();
    find_from(&doc, &query, from..count, &mut hits);
    find.ahead = count;
    find.insert(&doc, hits);
    drop(doc);
    settle(state);
}

/// Moves to the match the search is waiting for, once it is known.
fn settle(state: &mut State) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let Some(find) = reader.find.as_mut() else {
        return;
    };
    let Some(seek) = find.seek else {
        return;
    };
    let at = find.hits.partition_point(|h| h.start < seek);
    // Searched to the end, and no more of the article to come: a match after the place
    // may still arrive with the next piece while it loads.
    let ahead_done = find.ahead >= reader.doc.block_count() && reader.doc.complete;
    let mut round = false;
    let target = match find.hits.get(at) {
        Some(hit) => *hit,
        None if ahead_done || find.stopped => match find.hits.first() {
            // Nothing after the place: the first match, from the top, said as `n` says it.
            Some(hit) => {
                round = true;
                *hit
            }
            None => {
                if find.finished(&reader.doc) {
                    find.seek = None;
                }
                return;
            }
        },
        None => return,
    };
    find.seek = None;
    find.went_round = round;
    find.current = Some(target);
    reader.reveal(target.start.block, target.start.offset);
    if round {
        state.flash = Some("search went round to the top".to_string());
    }
}

/// Enter in the prompt: the search stays (its matches highlighted, `n`/`N` move through
/// them). An invalid pattern keeps the prompt open with its message.
pub fn submit(state: &mut State, typing: Typing, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    if reader.find.is_none() && reader.provisional() {
        // Typed in a part read ahead: searched once the article is read that far, from
        // where the reader is then.
        let text = typing.text().to_string();
        if !text.is_empty() {
            let mut open = OpenSearch::at(reader.entry, None, text, false);
            open.typed = true;
            state.open_search = Some(open);
            state.flash = Some("the search starts once the article is read up to here".into());
        }
        return;
    }
    let Some(find) = reader.find.as_mut() else {
        return;
    };
    if find.error.is_some() {
        state.mode = Mode::Typing(typing);
        return;
    }
    if find.query.is_none() {
        cancel(state, effects);
        return;
    }
    find.origin = None;
    if find.current.is_none() && find.finished(&reader.doc) && find.hits.is_empty() {
        state.flash = Some(format!("no match for {}", find.shown()));
    } else if find.went_round {
        state.flash = Some("search went round to the top".to_string());
    }
}

/// Esc in the prompt (or a search running): back to where the search started, and the
/// search stops.
pub fn cancel(state: &mut State, effects: &mut Vec<Effect>) {
    if let Mode::Typing(typing) = &state.mode
        && typing.prompt == Prompt::Search
    {
        state.mode = Mode::Normal;
    }
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let Some(find) = reader.find.take() else {
        return;
    };
    if find.running {
        effects.push(Effect::StopSearch);
    }
    if let Some(origin) = &find.origin {
        reader.restore_view(origin);
    }
    reader.find = Some(Find::new(find.id.wrapping_add(1), None));
}

/// Esc while a long search is still running (after Enter): it stops, the matches found so
/// far stay. False when none was running (Esc then goes back as usual).
pub fn stop(state: &mut State, effects: &mut Vec<Effect>) -> bool {
    let Some(find) = state.reader.as_mut().and_then(|r| r.find.as_mut()) else {
        return false;
    };
    if !find.running {
        return false;
    }
    find.running = false;
    find.stopped = true;
    effects.push(Effect::StopSearch);
    state.flash = Some("search stopped".to_string());
    true
}

/// `n` and `N`: the next or previous match, going round at the end with a notice.
pub fn step(state: &mut State, forward: bool, count: usize) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let top = reader.top_place();
    // The match the reader is at counts while it is on screen; moved away from it (`G`, a
    // page, a section), `n` and `N` go on from the screen, as in less and vim.
    let current = reader.find.as_ref().and_then(|f| f.current);
    let current_shown = current.is_some_and(|c| reader.shows(c.start.block, c.start.offset));
    let Some(find) = reader.find.as_mut().filter(|f| f.query.is_some()) else {
        state.flash = Some(format!(
            "no search yet ({} searches)",
            state
                .keymap
                .hint(super::Context::Reader, super::Command::Search)
        ));
        return;
    };
    let done = find.finished(&reader.doc);
    if find.hits.is_empty() {
        state.flash = Some(if done {
            format!("no match for {}", find.shown())
        } else {
            "still searching…".to_string()
        });
        return;
    }
    let n = find.hits.len() as i64;
    // From the current match, or from just before the top of the screen when there is
    // none or it is off screen (`n` then goes to the first match at or after it, `N` to
    // the last before it).
    let base = match find.current_index().filter(|_| current_shown) {
        Some(i) => i as i64,
        None => {
            let at = find.hits.partition_point(|h| h.start < top) as i64;
            if forward { at - 1 } else { at }
        }
    };
    let count = i64::try_from(count.max(1)).unwrap_or(i64::MAX).min(n);
    let target = if forward { base + count } else { base - count };
    let wrapped = target < 0 || target >= n;
    let index = target.rem_euclid(n) as usize;
    if wrapped && !done {
        state.flash = Some("still searching…".to_string());
        return;
    }
    let hit = find.hits[index];
    find.current = Some(hit);
    find.seek = None;
    if wrapped {
        state.flash = Some(
            if forward {
                "search went round to the top"
            } else {
                "search went round to the bottom"
            }
            .to_string(),
        );
    }
    reader.reveal(hit.start.block, hit.start.offset);
}

/// Turns the search for `text` on in the article just opened, at the match at `place`
/// (opened from a library-wide search): that match is the current one, and `n`/`N` go on
/// from it through the article.
pub fn start_at(
    state: &mut State,
    text: String,
    regex: bool,
    place: Place,
    effects: &mut Vec<Effect>,
) {
    let options = state.settings.search_options();
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let Ok(query) = parse_query(&text, regex, options) else {
        return;
    };
    if reader.find.as_ref().is_some_and(|f| f.running) {
        effects.push(Effect::StopSearch);
    }
    let mut find = Find::new(next_id(reader.find.as_ref()), None);
    find.text = text;
    find.regex = regex;
    find.query = Some(Arc::new(query));
    find.seek = Some(place);
    reader.find = Some(find);
    start(state, effects);
}

/// `*`: searches for the word at the start of the top line, from just after it.
pub fn search_word(state: &mut State, effects: &mut Vec<Effect>) {
    let options = state.settings.search_options();
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let place = reader.top_place();
    let Some(word) = word_at(&reader.doc, place) else {
        state.flash = Some("no word at the top of the screen".to_string());
        return;
    };
    let Ok(query) = Query::new(&word.1, options) else {
        return;
    };
    if reader.find.as_ref().is_some_and(|f| f.running) {
        effects.push(Effect::StopSearch);
    }
    let mut find = Find::new(next_id(reader.find.as_ref()), None);
    find.text = word.1;
    find.query = Some(Arc::new(query));
    find.seek = Some(Place {
        block: place.block,
        offset: word.0 + 1,
    });
    reader.find = Some(find);
    start(state, effects);
}

/// The first word at or after `place` in its block: its offset and text.
fn word_at(doc: &Document, place: Place) -> Option<(usize, String)> {
    let text = doc.get(place.block)?.text;
    let rest = text.get(place.offset..)?;
    let (skip, _) = rest.char_indices().find(|(_, c)| c.is_alphanumeric())?;
    let word: String = rest[skip..]
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then(|| (place.offset + skip, word))
}

/// The top line of the reader as a place (block and offset).
pub fn line_place(layout: &crate::layout::Layout, pos: LinePos) -> Place {
    let (block, offset) = layout.content_at(pos);
    Place { block, offset }
}

/// `1000000` as `1,000,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
