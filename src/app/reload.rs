//! Live reload, as `update` sees it: a watched file changed on disk (the open article,
//! INDEX.md) or is gone, the article or the library read again, and `R`, which brings
//! INDEX.md up to date with the folder as `blatt index` does.
//!
//! The runtime watches the files [`watched`] names and says when one changed and has been
//! quiet since ([`Action::FileChanged`](super::Action::FileChanged)); what to read again
//! is decided here and read by the runtime. An article read again replaces the open one
//! with the place kept through its content anchor, as reopening an edited article does
//! ([`Reader::replace_doc`](super::Reader::replace_doc)), and a search in it runs again. A
//! library read again replaces the list, with the selection, the open article's entry and
//! everything else that names entries by number moved to the same entries (matched by
//! their links). What is shown stays when a file is deleted: a message says so. Nothing is
//! saved for a reload: the place is saved when the person moves, as always.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::library::retry_pending_open;
use super::{
    Effect, LibraryRow, Lookup, Mode, Overlay, PendingOpen, State, filter, find,
    keep_selection_visible, overlay,
};
use crate::document::Document;
use crate::library::build::Changes;
use crate::library::{Entry, INDEX_FILE, Library, Origin, Target, is_index_file};
use crate::search::document::Place;

/// What `R` did to INDEX.md (the runtime's account of `blatt index`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexUpdate {
    /// The number of entries of an INDEX.md made anew (it was gone).
    pub created: Option<usize>,
    pub changes: Changes,
    /// Whether INDEX.md was written: the list is read again.
    pub written: bool,
    /// Articles that could not be read.
    pub problems: Vec<String>,
}

/// A library read again, laid out for the list as the state keeps it (display rows, saved-
/// state keys, the key → entry map): made on the thread that read it, so that the loop only
/// swaps it in (for 100,000 entries that is most of the work).
#[derive(Debug)]
pub struct ReadAgain(Box<State>, Why);

/// Why a library was read again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// INDEX.md changed.
    Changed,
    /// A large INDEX.md turned out to need parsing whole while it was still being read (see
    /// [`crate::library::RestPart::replace`]): nothing changed for the person.
    Whole,
}

impl ReadAgain {
    /// Lays out `library`, read again as INDEX.md changed, for the list (pure work, no I/O:
    /// any thread may do it).
    pub fn new(library: Library) -> ReadAgain {
        ReadAgain::laid_out(library, Why::Changed)
    }

    /// Lays out `library`, the whole of an INDEX.md that was being read in parts, for the
    /// list: it replaces the parts shown without a word.
    pub fn whole(library: Library) -> ReadAgain {
        ReadAgain::laid_out(library, Why::Whole)
    }

    fn laid_out(library: Library, why: Why) -> ReadAgain {
        let state = State::new(
            library,
            super::Settings::default(),
            super::Keymap::default(),
        );
        ReadAgain(Box::new(state), why)
    }

    pub fn library(&self) -> &Library {
        &self.0.library
    }
}

/// The most names of each kind a message about an update lists.
const NAMES_SHOWN: usize = 12;

/// The files the runtime watches now: the library's INDEX.md (not for the bundled library
/// or a single article) and the open article's file.
pub fn watched(state: &State) -> Vec<PathBuf> {
    let mut files = Vec::with_capacity(2);
    if let Some(index) = index_file(state) {
        files.push(index.to_path_buf());
    }
    if let Some(article) = article_file(state)
        && !files.contains(&article)
    {
        files.push(article);
    }
    files
}

/// The library's INDEX.md, if it has one on disk.
fn index_file(state: &State) -> Option<&Path> {
    match &state.library.origin {
        Origin::Dir { index, .. } if is_index_file(index) => Some(index),
        _ => None,
    }
}

/// The file of the open article, if it is one (not a bundled article).
fn article_file(state: &State) -> Option<PathBuf> {
    let reader = state.reader.as_ref()?;
    match state.library.entries.get(reader.entry).map(|e| &e.target) {
        Some(Target::File(path)) if path.to_string_lossy() == reader.key => Some(path.clone()),
        // An entry no longer listed (or not checked yet): its key is its canonical path.
        _ if !reader.key.starts_with("bundled:") => Some(PathBuf::from(&reader.key)),
        _ => None,
    }
}

/// The entry the open article is read through: its own, if it still has its key, else the
/// first entry with that key. None if INDEX.md no longer lists it.
fn reader_entry(state: &State) -> Option<usize> {
    let reader = state.reader.as_ref()?;
    if state.entry_key(reader.entry) == Some(reader.key.as_str()) {
        return Some(reader.entry);
    }
    match state.entry_of_key(&reader.key) {
        Lookup::Found(entry) => Some(entry),
        Lookup::NotListed | Lookup::NotYetKnown => None,
    }
}

/// Tells the person something that happened outside: as a message, unless they are typing
/// (a message would take the text away), then `short` in the status line.
fn tell(state: &mut State, title: &str, lines: Vec<String>, short: &str) {
    if matches!(state.mode, Mode::Typing(_)) {
        state.flash = Some(short.to_string());
    } else {
        state.show_message(title, lines);
    }
}

/// A watched file changed and has been quiet since, or is gone (`gone`: still not there a
/// moment after it went, so not an editor saving by rename).
pub(super) fn file_changed(state: &mut State, path: &Path, gone: bool, effects: &mut Vec<Effect>) {
    if article_file(state).as_deref() == Some(path) {
        let title = state
            .reader
            .as_ref()
            .map(|r| r.doc.title.clone())
            .unwrap_or_default();
        if gone {
            let short = "the file was deleted; what is shown stays";
            tell(
                state,
                "The article's file was deleted",
                vec![
                    title,
                    String::new(),
                    short.into(),
                    "(if it comes back, it is read again)".into(),
                ],
                short,
            );
        } else {
            match reader_entry(state) {
                Some(entry) => effects.push(Effect::ReloadArticle { entry }),
                None => {
                    state.flash = Some(
                        "the article changed on disk, but INDEX.md no longer lists it: \
                         what is shown stays"
                            .into(),
                    );
                }
            }
        }
    }
    if index_file(state) == Some(path) {
        if gone {
            let short = "INDEX.md was deleted; the list shown stays";
            tell(
                state,
                "INDEX.md was deleted",
                vec![short.into(), "(if it comes back, it is read again)".into()],
                short,
            );
        } else {
            effects.push(Effect::ReloadIndex);
        }
    }
}

/// The open article, read again: it replaces what is shown, at the same place, with a
/// search in it run again.
pub(super) fn article_reloaded(
    state: &mut State,
    entry: usize,
    key: &str,
    result: Result<Arc<Document>, String>,
    effects: &mut Vec<Effect>,
) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    if reader.key != key {
        // Another article was opened meanwhile.
        return;
    }
    let doc = match result {
        Ok(doc) => doc,
        Err(e) => {
            state.flash = Some(format!(
                "the article changed on disk but cannot be read again: {e}; what is shown stays"
            ));
            return;
        }
    };
    // The search to run again, and where its current match was, as a place in the text.
    let search = reader
        .find
        .as_ref()
        .filter(|f| !f.text.is_empty() && f.error.is_none())
        .map(|f| {
            let current = f.current.map(|hit| {
                let on_screen = reader.visible().iter().any(|p| p.block == hit.start.block);
                let anchor =
                    crate::anchor::Anchor::at(&reader.doc, hit.start.block, hit.start.offset);
                (anchor, on_screen)
            });
            (f.text.clone(), f.regex, current)
        });
    reader.entry = entry;
    reader.replace_doc(doc);
    state.marks_stale = true;
    // The contents, if open, list the sections of the new text.
    overlay::clamp(state);
    state.flash = Some("the article changed on disk and was read again".into());
    let Some((text, regex, current)) = search else {
        return;
    };
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let place = current
        .as_ref()
        .and_then(|(anchor, _)| anchor.resolve_loading(&reader.doc))
        .map_or_else(
            || reader.top_place(),
            |(block, offset)| Place { block, offset },
        );
    let view = reader.view_mark();
    find::start_at(state, text, regex, place, effects);
    // The match the search was at stays the current one; the view moves to it only if it
    // was on screen (then it still is), never away from what is being read.
    if current.is_none_or(|(_, on_screen)| !on_screen)
        && let Some(reader) = state.reader.as_mut()
    {
        reader.restore_view(&view);
    }
}

/// Maps each old entry to the new entry with the same link (the first with that link to
/// the first, the second to the second), else to one whose link leads to the same file.
fn entry_map(
    old: &[Entry],
    old_origin: &Origin,
    new: &[Entry],
    origin: &Origin,
) -> Vec<Option<usize>> {
    // The first new entry of each link, and for each new entry the next one with its link:
    // one allocation for all, however many entries share a link.
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(new.len());
    let mut next = vec![usize::MAX; new.len()];
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, e) in new.iter().enumerate() {
        match first.entry(e.link.as_str()) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(i);
            }
            std::collections::hash_map::Entry::Occupied(head) => {
                // Rare: a link listed twice.
                let tail = last.get(e.link.as_str()).copied().unwrap_or(*head.get());
                next[tail] = i;
                last.insert(e.link.as_str(), i);
            }
        }
    }
    let mut taken = vec![false; new.len()];
    let mut map: Vec<Option<usize>> = old
        .iter()
        .map(|e| {
            let slot = first.get_mut(e.link.as_str())?;
            let i = *slot;
            if i == usize::MAX {
                return None;
            }
            *slot = next[i];
            taken[i] = true;
            Some(i)
        })
        .collect();
    if map.iter().all(Option::is_some) {
        return map;
    }
    // A link written another way (`a.txt`, `./a.txt`, `a%2Etxt`) to the same file.
    let mut by_key: HashMap<String, VecDeque<usize>> = HashMap::new();
    for (i, e) in new.iter().enumerate() {
        if !taken[i]
            && let Some(key) = e.key(origin)
        {
            by_key.entry(key).or_default().push_back(i);
        }
    }
    for (slot, e) in map.iter_mut().zip(old) {
        if slot.is_none()
            && let Some(key) = e.key(old_origin)
        {
            *slot = by_key.get_mut(&key).and_then(VecDeque::pop_front);
        }
    }
    map
}

/// The new entry of old entry `at`, or of the nearest one after it (else before it) that
/// is still listed.
fn surviving(map: &[Option<usize>], at: usize) -> usize {
    let at = at.min(map.len().saturating_sub(1));
    map.get(at..)
        .into_iter()
        .flatten()
        .flatten()
        .next()
        .or_else(|| map.get(..at).into_iter().flatten().rev().flatten().next())
        .copied()
        .unwrap_or(0)
}

/// INDEX.md, read again (every entry parsed and checked): the list is replaced, and
/// everything that names an entry by number follows it to its new number.
pub(super) fn index_reloaded(
    state: &mut State,
    result: Result<ReadAgain, String>,
    effects: &mut Vec<Effect>,
) {
    let ReadAgain(new, why) = match result {
        Ok(read) => read,
        Err(e) => {
            // A large INDEX.md still being read when it changed is not read further.
            state.reading_index = false;
            state.flash = Some(format!(
                "INDEX.md changed but cannot be read again: {e}; the list shown stays"
            ));
            return;
        }
    };
    if new.library.origin.key() != state.library.origin.key() {
        // Another library is shown by now.
        return;
    }
    let map = entry_map(
        &state.library.entries,
        &state.library.origin,
        &new.library.entries,
        &new.library.origin,
    );
    let moved = |old: usize| map.get(old).copied().flatten();
    // A list that was never moved in stays at its top: the whole of a large index may have
    // entries before the first one of its first part.
    let untouched = why == Why::Whole && state.selected == 0 && state.offset == 0;
    // Where the selection is on screen, to keep it there.
    let row_on_screen = state
        .library_rows()
        .iter()
        .position(|r| *r == LibraryRow::Title(state.selected))
        .and_then(|row| row.checked_sub(state.offset));
    let selected = surviving(&map, state.selected);
    let filtered = state.filter.open.as_ref().map(|f| f.query.clone());

    let new = *new;
    let count = new.library.entries.len();
    state.library = new.library;
    state.rows = new.rows;
    state.keys = new.keys;
    state.entry_of = new.entry_of;
    state.checked = new.checked;
    state.reading_index = false;
    // Its headings and counts too; laid out again in the person's view.
    super::browse::adopt(state, new.browse);

    // The filter, open while its prompt is: the same query over the new list.
    state.selected = selected;
    state.filter = filter::FilterState::default();
    if let Some(query) = filtered {
        let mode = std::mem::take(&mut state.mode);
        filter::open(state, effects);
        state.mode = mode;
        filter::set_query(state, &query, effects);
        if state.filter.order().is_none_or(|o| o.contains(&selected)) {
            state.selected = selected;
        }
    }
    state.offset = match row_on_screen {
        Some(at) => state
            .library_rows()
            .iter()
            .position(|r| *r == LibraryRow::Title(state.selected))
            .map_or(0, |row| row.saturating_sub(at)),
        None => 0,
    };
    if untouched {
        state.selected = 0;
        state.offset = 0;
    }
    keep_selection_visible(state);
    if state.to_last_entry && state.screen == super::Screen::Library && state.overlay.is_none() {
        // `G` while the list was arriving: its end is known now.
        super::library_command(state, super::Command::Bottom, 1, effects);
    }

    if let Some(reader) = state.reader.as_mut() {
        let old = reader.entry;
        match state.entry_of.get(&reader.key).copied() {
            Some(entry) => {
                reader.entry = entry;
                // Pieces of a large article still loading name the old entry: it is read
                // again through the new one.
                if entry != old && !reader.doc.complete {
                    effects.push(Effect::ReloadArticle { entry });
                }
            }
            // No longer listed: it stays open, and a large article still loading goes on.
            None if reader.doc.complete => reader.entry = usize::MAX,
            None => {}
        }
    }
    if let Some(PendingOpen::Entry(entry)) = state.pending_open {
        state.pending_open = moved(entry).map(PendingOpen::Entry);
    }
    if let Some(open) = state.open_search.as_mut() {
        match moved(open.entry) {
            Some(entry) => open.entry = entry,
            None => state.open_search = None,
        }
    }
    move_results(state, &map, effects);
    // The places links were followed from, and an open waiting for a place, follow their
    // entries too; those whose entry went are forgotten.
    state.back.retain_mut(|place| match moved(place.entry) {
        Some(new) => {
            place.entry = new;
            true
        }
        None => false,
    });
    state.open_fragment = state
        .open_fragment
        .take()
        .and_then(|(entry, deep)| Some((moved(entry)?, deep)));
    state.marks_stale = true;
    overlay::clamp(state);
    retry_pending_open(state, effects);
    if why == Why::Changed {
        state.flash = Some(format!(
            "INDEX.md changed: the list was read again ({count} {})",
            if count == 1 { "entry" } else { "entries" }
        ));
    }
}

/// The results of a library-wide search name entries by number: they follow their entries.
/// A search still running is stopped unless no entry moved (its worker reads the library
/// as it was). Results of an article no longer listed are closed.
fn move_results(state: &mut State, map: &[Option<usize>], effects: &mut Vec<Effect>) {
    let Some(results) = state.search_all.results.as_mut() else {
        return;
    };
    let same = map.iter().enumerate().all(|(old, new)| *new == Some(old));
    if same {
        return;
    }
    if results.running() {
        results.phase = super::results::Phase::Stopped;
        effects.push(Effect::StopSearchLibrary);
    }
    let moved = |old: usize| map.get(old).copied().flatten();
    let all_listed = results.groups.iter().all(|g| moved(g.entry).is_some())
        && results.problems.iter().all(|(e, _)| moved(*e).is_some());
    if !all_listed {
        state.search_all.results = None;
        if matches!(state.overlay, Some(Overlay::Results { .. })) {
            state.overlay = None;
        }
        return;
    }
    for group in &mut results.groups {
        group.entry = moved(group.entry).unwrap_or(group.entry);
    }
    for (entry, _) in &mut results.problems {
        *entry = moved(*entry).unwrap_or(*entry);
    }
    if let Some((entry, _, _)) = results.opened.as_mut() {
        match moved(*entry) {
            Some(new) => *entry = new,
            None => results.opened = None,
        }
    }
}

/// `R` in the library: INDEX.md is brought up to date with the folder in the background.
/// The bundled library and a single article have no INDEX.md to update: a message says so.
pub(super) fn update_index(state: &mut State, effects: &mut Vec<Effect>) {
    let problem = match &state.library.origin {
        Origin::Bundled => vec![
            "This is the library built into blatt: it has no folder to look at.".into(),
            String::new(),
            "Open a folder of articles (blatt ~/news) to keep its INDEX.md up to date; \
             `blatt index DIR` makes one."
                .into(),
        ],
        Origin::Dir { index, .. } if !is_index_file(index) => vec![
            "blatt was started on one article: there is no INDEX.md to update.".into(),
            String::new(),
            "`blatt index DIR` makes one for a folder of articles.".into(),
        ],
        Origin::Dir { index, .. } if index.file_name() != Some(INDEX_FILE.as_ref()) => vec![
            format!(
                "This library's index is {}; the update writes a file named {INDEX_FILE}.",
                crate::document::sanitize::escape_controls(
                    &index.file_name().unwrap_or_default().to_string_lossy()
                )
            ),
            String::new(),
            format!("Rename it to {INDEX_FILE} to keep it up to date."),
        ],
        Origin::Dir { root, .. } => {
            state.flash = Some("updating INDEX.md…".into());
            effects.push(Effect::UpdateIndex { dir: root.clone() });
            return;
        }
    };
    state.show_message("Cannot update INDEX.md", problem);
}

/// Lines naming what changed, a few of each kind.
fn listed(lines: &mut Vec<String>, heading: &str, names: &[String]) {
    if names.is_empty() {
        return;
    }
    lines.push(format!("{} {heading}:", names.len()));
    for name in names.iter().take(NAMES_SHOWN) {
        lines.push(format!(
            "  {}",
            crate::document::sanitize::escape_controls(name)
        ));
    }
    if names.len() > NAMES_SHOWN {
        lines.push(format!("  … and {} more", names.len() - NAMES_SHOWN));
    }
}

/// The update of INDEX.md (`R`) is done: what changed is shown, and the list is read again.
pub(super) fn index_updated(
    state: &mut State,
    result: Result<IndexUpdate, String>,
    effects: &mut Vec<Effect>,
) {
    if state.flash.as_deref() == Some("updating INDEX.md…") {
        state.flash = None;
    }
    let update = match result {
        Ok(update) => update,
        Err(e) => {
            let short = format!("cannot update INDEX.md: {e}");
            tell(
                state,
                "Cannot update INDEX.md",
                vec![e, String::new(), "INDEX.md is as it was.".into()],
                &short,
            );
            return;
        }
    };
    if update.written {
        effects.push(Effect::ReloadIndex);
    }
    let mut lines = Vec::new();
    if let Some(count) = update.created {
        lines.push(format!(
            "INDEX.md was missing: made anew with {count} entries."
        ));
    }
    listed(&mut lines, "added", &update.changes.added);
    listed(&mut lines, "marked missing", &update.changes.missing);
    listed(
        &mut lines,
        "found again (mark removed)",
        &update.changes.back,
    );
    if !update.problems.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        listed(&mut lines, "could not be read", &update.problems);
    }
    if lines.is_empty() {
        state.flash = Some("INDEX.md is up to date".into());
    } else {
        let short = match update.created {
            Some(count) => format!("INDEX.md made anew with {count} entries"),
            None => format!("INDEX.md updated: {}", update.changes.summary()),
        };
        tell(state, "INDEX.md updated", lines, &short);
    }
}

#[cfg(test)]
mod tests;
