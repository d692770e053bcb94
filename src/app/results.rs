//! Searching every article of the library (`S`, or Tab in a `/` prompt): the prompt, the
//! search a worker runs ([`Effect::SearchLibrary`]: the search index narrows down the
//! articles when there is one, the matcher finds the hits, see [`crate::search::library`]),
//! the results as they stream in ([`Action::SearchedAll`]), grouped by article in library
//! order, and opening a hit: the article opens at that match with the search on, so `n` and
//! `N` go on through the article.
//!
//! The results stay after an article is opened from them: back from that article (`q`,
//! `Esc`), the list shows again with the same row selected. Esc in the list while the search
//! is still running stops it and keeps what was found; Esc again closes the list.
//!
//! Memory is bounded: every match is counted, but at most [`PER_ARTICLE`] hits of an
//! article and [`MAX_LISTED`] in all are kept with their snippets; an article with more has
//! a last row that says how many more there are (opening it goes to the last hit listed, and
//! `n` goes on from there).

use std::sync::Arc;

use super::{Effect, Mode, Overlay, Prompt, State, Typing};
use crate::library::Library;
use crate::search::document::Place;
use crate::search::library::LibraryHit;
use crate::search::{Query, QueryError};

/// Hits listed per article (all are counted).
pub const PER_ARTICLE: usize = 20;
/// Hits listed in all; after that, articles are listed with their counts only.
pub const MAX_LISTED: usize = 10_000;

/// What a library search worker reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchEvent {
    /// The search index is being built or brought up to date: articles read of those to read.
    Indexing { done: usize, total: usize },
    /// Something to know about the index (it cannot be used, it was rebuilt).
    Notice(String),
    /// The articles have been searched up to (not including) entry `done` of `total`.
    Searching { done: usize, total: usize },
    /// The matches of one article: all counted, the first ones with their snippets.
    Article {
        entry: usize,
        count: usize,
        hits: Vec<LibraryHit>,
    },
    /// An article could not be read.
    Problem { entry: usize, text: String },
    /// Events that came together, in order (sent as one, so that thousands of articles
    /// found do not wake the reader's thread thousands of times).
    Several(Vec<SearchEvent>),
    /// The search has ended (or was stopped).
    Done,
}

/// What a worker needs to search the library.
#[derive(Debug, Clone)]
pub struct LibrarySearch {
    pub id: u64,
    /// The query as typed (for the index's words) and whether it is a regular expression.
    pub text: String,
    pub regex: bool,
    pub query: Arc<Query>,
    /// The library as it is now, shared (the worker checks the links still unchecked).
    pub library: Arc<Library>,
}

impl PartialEq for LibrarySearch {
    fn eq(&self, other: &LibrarySearch) -> bool {
        self.id == other.id
    }
}

/// The matches found in one article.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub entry: usize,
    /// All the matches in the article.
    pub count: usize,
    /// The first of them, with snippets.
    pub hits: Vec<LibraryHit>,
}

/// One row of the results list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultRow {
    /// An article: its title and how many matches it has (group index).
    Article(usize),
    /// A hit: group index, hit index.
    Hit(usize, usize),
    /// The matches of an article not listed (group index).
    More(usize),
}

/// How far the search has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Starting,
    Indexing {
        done: usize,
        total: usize,
    },
    Searching {
        done: usize,
        total: usize,
    },
    /// Every article was searched.
    Done,
    /// Esc stopped it: what was found stays.
    Stopped,
}

/// A library-wide search and its results.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    pub id: u64,
    pub text: String,
    pub regex: bool,
    pub groups: Vec<Group>,
    pub rows: Vec<ResultRow>,
    /// Matches counted in all articles so far.
    pub matches: usize,
    /// Hits kept with snippets so far.
    listed: usize,
    pub phase: Phase,
    /// The last thing said about the index.
    pub notice: Option<String>,
    /// Articles that could not be read: entry and why.
    pub problems: Vec<(usize, String)>,
    /// Entries of the library when the search started (more may come in while a large
    /// INDEX.md is read: those were not searched).
    pub entries: usize,
    /// The article open in the reader when the search was started there: closing the list
    /// goes back to it.
    pub came_from: Option<usize>,
    /// The row selected and the first shown when an article was opened from the list: back
    /// from that article (entry), the list shows again there.
    pub opened: Option<(usize, usize, usize)>,
}

impl Results {
    fn new(id: u64, text: String, regex: bool, entries: usize) -> Results {
        Results {
            id,
            text,
            regex,
            groups: Vec::new(),
            rows: Vec::new(),
            matches: 0,
            listed: 0,
            phase: Phase::Starting,
            notice: None,
            problems: Vec::new(),
            entries,
            opened: None,
            came_from: None,
        }
    }

    pub fn running(&self) -> bool {
        !matches!(self.phase, Phase::Done | Phase::Stopped)
    }

    /// The query as shown in titles and messages.
    pub fn shown(&self) -> String {
        let text: String = self.text.chars().take(40).collect();
        let more = if self.text.chars().count() > 40 {
            "…"
        } else {
            ""
        };
        format!("“{text}{more}”")
    }

    /// One line on the search: the query, what was found, and how far it has come.
    pub fn summary(&self) -> String {
        let articles = self.groups.len();
        let found = match (self.matches, self.phase) {
            (0, Phase::Done) => format!("no match for {}", self.shown()),
            (0, _) => self.shown(),
            (n, _) => format!(
                "{} · {n} {} in {articles} {}",
                self.shown(),
                plural(n, "match", "matches"),
                plural(articles, "article", "articles")
            ),
        };
        let phase = match self.phase {
            Phase::Starting => " · starting…".to_string(),
            Phase::Indexing { done, total } => format!(" · indexing {done}/{total}"),
            Phase::Searching { done, total } => {
                format!(" · searching {}%", percent(done, total))
            }
            Phase::Done => String::new(),
            Phase::Stopped => " · stopped".to_string(),
        };
        let problems = match self.problems.len() {
            0 => String::new(),
            n => format!(" · {n} not readable"),
        };
        format!("{found}{phase}{problems}")
    }

    fn take(&mut self, event: SearchEvent) {
        match event {
            SearchEvent::Indexing { done, total } => self.phase = Phase::Indexing { done, total },
            SearchEvent::Notice(text) => self.notice = Some(text),
            SearchEvent::Searching { done, total } => {
                if self.running() {
                    self.phase = Phase::Searching { done, total };
                }
            }
            SearchEvent::Article {
                entry,
                count,
                mut hits,
            } => {
                if count == 0 {
                    return;
                }
                let room = PER_ARTICLE.min(MAX_LISTED.saturating_sub(self.listed));
                hits.truncate(room);
                self.listed += hits.len();
                self.matches += count;
                let group = self.groups.len();
                self.rows.push(ResultRow::Article(group));
                self.rows
                    .extend((0..hits.len()).map(|hit| ResultRow::Hit(group, hit)));
                if count > hits.len() {
                    self.rows.push(ResultRow::More(group));
                }
                self.groups.push(Group { entry, count, hits });
            }
            SearchEvent::Problem { entry, text } => self.problems.push((entry, text)),
            SearchEvent::Several(events) => events.into_iter().for_each(|e| self.take(e)),
            SearchEvent::Done => {
                if self.phase != Phase::Stopped {
                    self.phase = Phase::Done;
                }
            }
        }
    }

    /// The hit a row opens at: a hit row its own, an article row its first, a "more" row
    /// the last one listed (`n` goes on from there), or the first when none is listed.
    pub fn hit_of(&self, row: usize) -> Option<(usize, Option<&LibraryHit>)> {
        let (group, hit) = match *self.rows.get(row)? {
            ResultRow::Article(g) => (g, Some(0)),
            ResultRow::Hit(g, h) => (g, Some(h)),
            ResultRow::More(g) => (g, self.groups.get(g)?.hits.len().checked_sub(1)),
        };
        let group = self.groups.get(group)?;
        Some((group.entry, hit.and_then(|h| group.hits.get(h))))
    }
}

fn plural<'a>(n: usize, one: &'a str, more: &'a str) -> &'a str {
    if n == 1 { one } else { more }
}

fn percent(done: usize, total: usize) -> usize {
    (done * 100).checked_div(total).unwrap_or(0).min(99)
}

/// The library-wide search: its prompt's regex toggle, the error of what was typed, and the
/// last search.
#[derive(Debug, Default)]
pub struct SearchAll {
    /// Ctrl-R in the prompt: the query is a regular expression.
    pub regex: bool,
    /// Why the query typed cannot be searched for.
    pub error: Option<String>,
    pub results: Option<Results>,
    /// The number of the last search.
    id: u64,
}

/// Opens the prompt (`S`, or Tab in another prompt) with `text` in it: what was typed in
/// the other prompt, else the query of the last library-wide search.
pub fn open_prompt(state: &mut State, text: Option<String>) {
    let text = text
        .or_else(|| state.search_all.results.as_ref().map(|r| r.text.clone()))
        .unwrap_or_default();
    state.search_all.error = None;
    state.mode = Mode::Typing(Typing::new(Prompt::SearchAll, text));
}

/// Ctrl-R in the prompt.
pub fn toggle_regex(state: &mut State) {
    state.search_all.regex = !state.search_all.regex;
    state.search_all.error = None;
}

/// The text in the prompt changed: an old error no longer applies.
pub fn retyped(state: &mut State) {
    state.search_all.error = None;
}

/// Enter in the prompt: the search starts and the results list opens. An invalid pattern
/// keeps the prompt open with its message; an empty query closes it.
pub fn submit(state: &mut State, typing: Typing, effects: &mut Vec<Effect>) {
    let text = typing.text().to_string();
    let options = state.settings.search_options();
    let query = match super::find::parse_query(&text, state.search_all.regex, options) {
        Ok(query) => query,
        Err(QueryError::Empty) => return,
        Err(e) => {
            state.search_all.error = Some(e.to_string());
            state.mode = Mode::Typing(typing);
            return;
        }
    };
    let regex = state.search_all.regex || text.starts_with(super::find::REGEX_PREFIX);
    stop(state, effects);
    state.search_all.id = state.search_all.id.wrapping_add(1);
    let id = state.search_all.id;
    let words = text
        .strip_prefix(super::find::REGEX_PREFIX)
        .unwrap_or(&text)
        .to_string();
    // Started in the reader (or again from a list that was): the list closes back there.
    let came_from = match (state.screen, state.reader.as_ref(), &state.overlay) {
        (super::Screen::Reader, Some(reader), _) => Some(reader.entry),
        (_, _, Some(Overlay::Results { .. })) => {
            state.search_all.results.as_ref().and_then(|r| r.came_from)
        }
        _ => None,
    };
    let mut results = Results::new(id, text, regex, state.library.entries.len());
    results.came_from = came_from;
    state.search_all.results = Some(results);
    if state.reading_index {
        state.flash = Some(format!(
            "INDEX.md is still being read: searching the {} entries in so far",
            state.library.entries.len()
        ));
    }
    effects.push(Effect::SearchLibrary(Box::new(LibrarySearch {
        id,
        text: words,
        regex,
        query: Arc::new(query),
        library: state.library.clone(),
    })));
    state.screen = super::Screen::Library;
    state.overlay = Some(Overlay::Results {
        selected: 0,
        offset: 0,
    });
}

/// Stops the search if it is running; what was found stays.
fn stop(state: &mut State, effects: &mut Vec<Effect>) {
    if let Some(results) = state.search_all.results.as_mut()
        && results.running()
    {
        results.phase = Phase::Stopped;
        effects.push(Effect::StopSearchLibrary);
    }
}

/// What the worker of search `search` reports.
pub fn event(state: &mut State, search: u64, event: SearchEvent) {
    let Some(results) = state.search_all.results.as_mut() else {
        return;
    };
    if results.id != search {
        return;
    }
    results.take(event);
    super::overlay::clamp(state);
}

/// Esc in the list: a running search stops (the list stays with what was found); else the
/// list closes.
pub fn back(state: &mut State, effects: &mut Vec<Effect>) -> bool {
    if state
        .search_all
        .results
        .as_ref()
        .is_some_and(Results::running)
    {
        stop(state, effects);
        return true;
    }
    false
}

/// The list closed: back to the article it was started from, if it was (opened again at
/// its saved place if another one was opened from the list meanwhile).
pub fn closed(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(entry) = state.search_all.results.as_ref().and_then(|r| r.came_from) else {
        return;
    };
    if state.reader.as_ref().is_some_and(|r| r.entry == entry) {
        state.screen = super::Screen::Reader;
    } else {
        super::open_entry(state, entry, effects);
    }
}

/// Enter on a row: its article opens at the hit, with the search on in the article.
pub fn open_selected(state: &mut State, selected: usize, offset: usize, effects: &mut Vec<Effect>) {
    let Some(results) = state.search_all.results.as_mut() else {
        return;
    };
    let Some((entry, hit)) = results.hit_of(selected) else {
        return;
    };
    let regex = results.regex && !results.text.starts_with(super::find::REGEX_PREFIX);
    let open = OpenSearch::at(entry, hit, results.text.clone(), regex);
    results.opened = Some((entry, selected, offset));
    state.open_search = Some(open);
    super::open_entry(state, entry, effects);
}

/// An article to open at a match, with the search on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSearch {
    pub entry: usize,
    pub text: String,
    pub regex: bool,
    pub place: Place,
    /// The match's place as a content anchor (with its byte in a large article).
    pub anchor: crate::anchor::Anchor,
    /// Typed with `/` in a part of the article read ahead: searched from where the reader
    /// is once the article is read that far.
    pub typed: bool,
}

impl OpenSearch {
    /// Entry `entry` opened at `hit` (at its top without one) of a search for `text`.
    pub fn at(entry: usize, hit: Option<&LibraryHit>, text: String, regex: bool) -> OpenSearch {
        let place = hit.map_or(Place::default(), |h| Place {
            block: h.block,
            offset: h.offset,
        });
        // Far into a large article, the hit's text is found by its byte and fingerprint,
        // read there while the article is still loading (see `Reader::pending_jump`).
        let (byte, fingerprint) = hit
            .and_then(|h| h.place.clone())
            .map_or((None, String::new()), |(byte, print)| (Some(byte), print));
        let anchor = crate::anchor::Anchor {
            block: place.block,
            offset: place.offset,
            byte,
            fingerprint,
            ..Default::default()
        };
        OpenSearch {
            entry,
            text,
            regex,
            place,
            anchor,
            typed: false,
        }
    }
}

/// Whether the article of `entry` was opened from the results (back from it shows them).
pub fn opened_from_list(state: &State, entry: usize) -> bool {
    state
        .search_all
        .results
        .as_ref()
        .and_then(|r| r.opened)
        .is_some_and(|(opened, _, _)| opened == entry)
}

/// Back from an article: if it was opened from the results, the list shows again where it
/// was (once: the article opened again some other way goes back as usual).
pub fn reopen_list(state: &mut State, entry: usize) {
    let Some(results) = state.search_all.results.as_mut() else {
        return;
    };
    if let Some((opened, selected, offset)) = results.opened
        && opened == entry
    {
        results.opened = None;
        state.overlay = Some(Overlay::Results { selected, offset });
        super::overlay::clamp(state);
    }
}

#[cfg(test)]
mod tests;
