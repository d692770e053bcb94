//! The library list as the state keeps it while a large INDEX.md is still arriving: display
//! rows, saved-state keys and the key → entry map, grown as parts of the index come in and
//! corrected as links are checked.
//!
//! Links are checked lazily: entries parsed after the first part come unchecked, the run
//! loop checks the ones on screen before drawing (`update` asks for them with
//! [`Effect::Check`]) and a background thread checks the rest in order. What depends on a
//! check waits for it: the `!` mark and reason of a bad entry, an entry's reading-progress
//! mark (its key is the canonical path), opening an entry, and finding the entry of a key
//! (the first entry in INDEX.md with that key, which is known only once every entry before
//! it is checked). Once everything is checked the state is the one an eagerly loaded
//! library gives.

use super::browse::Step;
use super::{Effect, LibraryRow, State, keep_selection_visible};
use crate::library::{Entry, Library, Target};
use crate::store::Bookmark;

/// What is known about the entry of a saved-state key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lookup {
    /// The first entry with this key.
    Found(usize),
    /// No entry has this key.
    NotListed,
    /// Not known until more of the library is read or checked.
    NotYetKnown,
}

/// An open that waits for the library to be read or checked further.
#[derive(Debug, Clone, PartialEq)]
pub enum PendingOpen {
    /// This entry, once its link is checked (its problem is shown if it has one).
    Entry(usize),
    /// The article read last time, by key, once its entry is known; nothing if unlisted.
    LastRead(String),
    /// A bookmark's document, once its entry is known; a message if it is not listed.
    Bookmark(Box<Bookmark>),
    /// Only select the entry of the article read last (`--fresh` starts in the list).
    Select(String),
    /// The next or previous article from the reader, once this entry is checked or more
    /// of INDEX.md has come.
    Step(Box<Step>),
}

/// A description row shows the description, or the problem in its place.
pub(super) fn has_description_row(entry: &Entry) -> bool {
    !entry.description.is_empty() || entry.target.problem().is_some()
}

impl State {
    /// Takes in the entries from `from` on, just added to the library: their rows and keys.
    pub(super) fn take_in_entries(&mut self, from: usize) {
        for i in from..self.library.entries.len() {
            let key = self.library.entries[i].key(&self.library.origin);
            if let Some(key) = &key {
                self.note_key(key, i);
            }
            self.keys.push(key);
        }
        self.advance_checked();
        self.take_in_counts(from);
        self.push_rows(from);
    }

    fn note_key(&mut self, key: &str, entry: usize) {
        match self.entry_of.get_mut(key) {
            Some(first) => *first = (*first).min(entry),
            None => {
                self.entry_of.insert(key.to_owned(), entry);
            }
        }
    }

    fn advance_checked(&mut self) {
        while self
            .library
            .entries
            .get(self.checked)
            .is_some_and(|e| e.target.is_checked())
        {
            self.checked += 1;
        }
    }

    /// Whether every entry is known and checked: the state an eager load gives.
    pub fn library_complete(&self) -> bool {
        !self.reading_index && self.checked == self.library.entries.len()
    }

    /// Whether an entry's link has been checked.
    pub fn is_checked(&self, entry: usize) -> bool {
        self.library
            .entries
            .get(entry)
            .is_some_and(|e| e.target.is_checked())
    }

    /// The entry whose saved-state key is `key`: the first, if INDEX.md lists it twice.
    pub fn entry_of_key(&self, key: &str) -> Lookup {
        match self.entry_of.get(key) {
            // Every entry before it is checked, so none of them has the key.
            Some(&entry) if entry <= self.checked => Lookup::Found(entry),
            Some(_) => Lookup::NotYetKnown,
            None if self.library_complete() => Lookup::NotListed,
            None => Lookup::NotYetKnown,
        }
    }

    /// The entry to open or select for the document `key` while the library is still being
    /// read and checked: one whose link, checked, is that document, wherever it is (an
    /// earlier entry not checked yet could only be the same file by another name); else
    /// one not checked yet whose link names that file in the library folder, which the
    /// caller has checked at once ([`Effect::Check`]) rather than after every entry before
    /// it. `Found` only for a checked entry.
    pub(super) fn entry_of_key_early(&self, key: &str) -> (Lookup, Option<usize>) {
        match self.entry_of_key(key) {
            Lookup::NotYetKnown => {}
            known => return (known, None),
        }
        if let Some(&entry) = self.entry_of.get(key) {
            return (Lookup::Found(entry), None);
        }
        let crate::library::Origin::Dir { root, .. } = &self.library.origin else {
            return (Lookup::NotYetKnown, None);
        };
        let Some(wanted) = std::path::Path::new(key)
            .strip_prefix(root)
            .ok()
            .and_then(std::path::Path::to_str)
        else {
            return (Lookup::NotYetKnown, None);
        };
        let candidate = self.library.entries.iter().position(|e| {
            !e.target.is_checked()
                && crate::library::link_path(&e.link).trim_start_matches("./") == wanted
        });
        (Lookup::NotYetKnown, candidate)
    }

    /// Puts the library's selection on the article read last time, once its entry is known
    /// (unless the person moves first).
    pub fn select_last(&mut self, key: String) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.pending_open = Some(PendingOpen::Select(key));
        retry_pending_open(self, &mut effects);
        effects
    }

    /// Opens the article read last time, if the library lists it: now, or once its entry is
    /// known (unless the person starts doing something else first).
    pub fn reopen(&mut self, key: String) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.pending_open = Some(PendingOpen::LastRead(key));
        retry_pending_open(self, &mut effects);
        if self.pending_open.is_some() {
            self.flash = Some("reopening the article read last…".into());
        }
        effects
    }

    /// Unchecked entries on the library screen (and the selected one), which the run loop
    /// must check before drawing.
    fn unchecked_in_view(&self) -> Vec<usize> {
        if self.screen != super::Screen::Library {
            return Vec::new();
        }
        let mut entries: Vec<usize> = self
            .library_rows()
            .iter()
            .skip(self.offset)
            .take(self.list_height())
            .filter_map(|row| match row {
                LibraryRow::Title(i) => Some(*i),
                _ => None,
            })
            .chain(std::iter::once(self.selected))
            .filter(|&i| i < self.library.entries.len() && !self.is_checked(i))
            .collect();
        entries.sort_unstable();
        entries.dedup();
        entries
    }
}

/// More entries of INDEX.md, parsed in the background.
pub(super) fn more_entries(
    state: &mut State,
    title: Option<String>,
    entries: Vec<Entry>,
    done: bool,
    effects: &mut Vec<Effect>,
) {
    let library = std::sync::Arc::make_mut(&mut state.library);
    if library.title.is_none() {
        library.title = title;
    }
    let from = library.entries.len();
    library.entries.extend(entries);
    state.take_in_entries(from);
    super::filter::take_in(state, effects);
    state.reading_index = !done;
    if state.to_last_entry && state.screen == super::Screen::Library && state.overlay.is_none() {
        // Follows the end while it arrives (and stops following once it is in).
        super::library_command(state, super::Command::Bottom, 1, effects);
    }
    retry_pending_open(state, effects);
}

/// Checked links: each entry takes its target unless it was checked already (the first
/// check stands, so that the list does not change under the reader).
pub(super) fn checked(state: &mut State, targets: Vec<(usize, Target)>, effects: &mut Vec<Effect>) {
    let mut gained = Vec::new();
    let mut hidden = false;
    for (i, target) in targets {
        if state
            .library
            .entries
            .get(i)
            .is_none_or(|e| e.target.is_checked() || !target.is_checked())
        {
            continue;
        }
        let (row, hides) = set_target(state, i, target);
        if row {
            gained.push(i);
        }
        hidden |= hides;
    }
    state.advance_checked();
    show_targets(state, gained, hidden);
    retry_pending_open(state, effects);
}

/// An article that could not be opened (not text, unreadable): its entry shows why, is
/// left out of the counts, and `}`/`{` pass it over from now on. `Enter` on it tries again.
pub(super) fn not_opened(state: &mut State, entry: usize, message: String) {
    if state.library.entries.get(entry).is_none() {
        return;
    }
    let target = Target::Problem(crate::library::EntryProblem::NotOpened(message));
    let (row, hidden) = set_target(state, entry, target);
    show_targets(state, if row { vec![entry] } else { Vec::new() }, hidden);
}

/// Gives entry `i` its target, with its key and counts. Returns whether the entry gained a
/// description row (its problem shows there) and whether it left the rows shown.
fn set_target(state: &mut State, i: usize, target: Target) -> (bool, bool) {
    if i >= state.library.entries.len() {
        return (false, false);
    }
    let Library {
        entries, origin, ..
    } = std::sync::Arc::make_mut(&mut state.library);
    let entry = &mut entries[i];
    let had_row = has_description_row(entry);
    entry.target = target;
    let gained = !had_row && has_description_row(entry);
    let key = entry.key(origin);
    if let Some(key) = &key {
        state.note_key(key, i);
    }
    if let Some(slot) = state.keys.get_mut(i) {
        *slot = key;
    }
    (gained, state.recount_entry(i))
}

/// The list after targets changed: made anew when entries left it, else with the new
/// description rows added.
fn show_targets(state: &mut State, mut gained: Vec<usize>, hidden: bool) {
    if hidden {
        // A finished article, while those are hidden: the list is made anew.
        super::browse::relist(state);
    } else if !gained.is_empty() && !state.browse.compact() {
        gained.sort_unstable();
        add_description_rows(state, &gained);
    }
    if !gained.is_empty() {
        super::filter::refresh_rows(state);
        keep_selection_visible(state);
    }
}

/// Inserts a description row after the title row of each entry in `gained` (sorted): an
/// entry without a description whose check found a problem. The first row shown stays.
fn add_description_rows(state: &mut State, gained: &[usize]) {
    let whole_offset = *super::filter::whole_list_offset(state);
    let old = std::mem::take(&mut state.rows);
    let mut rows = Vec::with_capacity(old.len() + gained.len());
    let mut next = gained.iter().copied().peekable();
    let mut shift = 0;
    for (index, row) in old.into_iter().enumerate() {
        let gains = match row {
            LibraryRow::Title(i) => next.next_if_eq(&i),
            _ => None,
        };
        rows.push(row);
        if let Some(i) = gains {
            rows.push(LibraryRow::Description(i));
            if index < whole_offset {
                shift += 1;
            }
        }
    }
    state.rows = rows;
    // The whole list's first row, also while a filter shows another list.
    *super::filter::whole_list_offset(state) += shift;
}

/// Asks the run loop to check the unchecked entries that are on screen.
pub(super) fn check_view(state: &State, effects: &mut Vec<Effect>) {
    let asked: Vec<usize> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Check { entries } => Some(entries.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    let entries: Vec<usize> = state
        .unchecked_in_view()
        .into_iter()
        .filter(|i| !asked.contains(i))
        .collect();
    if !entries.is_empty() {
        effects.push(Effect::Check { entries });
    }
}

/// Carries out a pending open if what it waits for is known now.
pub(super) fn retry_pending_open(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(pending) = state.pending_open.take() else {
        return;
    };
    match pending {
        PendingOpen::Entry(entry) => {
            if state.is_checked(entry) {
                super::open_checked_entry(state, entry, effects);
            } else if entry < state.library.entries.len() {
                state.pending_open = Some(PendingOpen::Entry(entry));
            }
        }
        PendingOpen::LastRead(key) => match state.entry_of_key_early(&key) {
            (Lookup::Found(entry), _) => {
                state.selected = entry;
                keep_selection_visible(state);
                effects.push(Effect::Load { entry });
            }
            (Lookup::NotListed, _) => {}
            (Lookup::NotYetKnown, candidate) => {
                if let Some(entry) = candidate {
                    effects.push(Effect::Check {
                        entries: vec![entry],
                    });
                }
                state.pending_open = Some(PendingOpen::LastRead(key));
            }
        },
        PendingOpen::Bookmark(bookmark) => super::bookmarks::open_doc(state, *bookmark, effects),
        PendingOpen::Select(key) => match state.entry_of_key(&key) {
            Lookup::Found(entry) => {
                state.selected = entry;
                keep_selection_visible(state);
            }
            Lookup::NotListed => {}
            Lookup::NotYetKnown => state.pending_open = Some(PendingOpen::Select(key)),
        },
        PendingOpen::Step(step) => super::browse::walk(state, *step, effects),
    }
}

/// A person's command on the library screen: whatever was waiting to open is dropped.
pub(super) fn cancel_pending_open(state: &mut State) {
    state.pending_open = None;
}

#[cfg(all(test, unix))]
mod tests {
    use std::fs;
    use std::os::unix::fs::symlink;
    use std::path::PathBuf;

    use proptest::prelude::*;

    use super::*;
    use crate::app::{Action, Command, Keymap, Screen, Settings, update};
    use crate::library::{EntryProblem, Library, load_library, open_library};
    use crate::runtime::{check_entries, start_load};

    /// A library folder whose entries cycle through every case that checking decides: a
    /// good file, a missing file with and without a description (the second gains a row
    /// when checked), a symbolic link out of the library, and a second way to a file listed
    /// before (the same key twice). A heading every seven entries.
    fn temp_library(entries: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = fs::canonicalize(dir.path()).expect("canonical");
        let outside = root.join("outside");
        fs::create_dir_all(&outside).expect("mkdir");
        fs::write(outside.join("secret.txt"), "secret").expect("write");
        let library = root.join("lib");
        fs::create_dir_all(library.join("a")).expect("mkdir");
        symlink(outside.join("secret.txt"), library.join("out.txt")).expect("symlink");
        let mut index = String::from("# Lazy\n\n");
        for i in 0..entries {
            if i % 7 == 0 {
                index.push_str(&format!("\n## Group {}\n\n", i / 7));
            }
            let line = match i % 5 {
                0 => {
                    fs::write(library.join(format!("a/{i}.txt")), format!("Article {i}"))
                        .expect("write");
                    format!("- [A{i}](a/{i}.txt) — Source, de — about {i}")
                }
                1 => format!("- [M{i}](m/{i}.txt) — missing, with a description"),
                2 => format!("- [N{i}](n/{i}.txt)"),
                3 => format!("- [S{i}](out.txt)"),
                _ => format!("- [D{i}](a/./{}.txt)", i - 4),
            };
            index.push_str(&line);
            index.push('\n');
        }
        fs::write(library.join("INDEX.md"), index).expect("write");
        (dir, library)
    }

    fn state_of(library: Library) -> State {
        let mut state = State::new(library, Settings::default(), Keymap::default());
        update(&mut state, Action::Resize(80, 24));
        state
    }

    /// A state that has the first `first` entries of `eager` while INDEX.md is still being
    /// read, and the entries still to come.
    /// The rest of INDEX.md, `tail`, arrives at once.
    fn all_arrived(state: &mut State, tail: &[Entry]) -> Vec<Effect> {
        update(
            state,
            Action::MoreEntries {
                title: None,
                entries: unchecked(tail),
                done: true,
                error: None,
            },
        )
    }

    fn reading(eager: &Library, first: usize) -> (State, Vec<Entry>) {
        let mut library = eager.clone();
        let tail = library.entries.split_off(first);
        let mut state = State::new(library, Settings::default(), Keymap::default());
        state.reading_index = true;
        (state, tail)
    }

    fn unchecked(entries: &[Entry]) -> Vec<Entry> {
        entries
            .iter()
            .cloned()
            .map(|mut e| {
                e.target = Target::Unchecked;
                e
            })
            .collect()
    }

    /// Applies an action as the run loop does: `Check` effects are carried out at once.
    fn apply(state: &mut State, action: Action) -> Vec<Effect> {
        let mut queue = std::collections::VecDeque::from(update(state, action));
        let mut others = Vec::new();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Check { entries } => {
                    let checked = check_entries(state, &entries);
                    queue.extend(update(state, checked));
                }
                other => others.push(other),
            }
        }
        others
    }

    /// Checks entries as the run loop does for an `Effect::Check`.
    fn check(state: &mut State, entries: &[usize]) -> Vec<Effect> {
        let action = check_entries(state, entries);
        update(state, action)
    }

    /// What must match an eager load once everything is known.
    fn assert_same_library(lazy: &State, eager: &State) {
        assert_eq!(lazy.library, eager.library);
        assert_eq!(lazy.rows, eager.rows);
        assert_eq!(lazy.keys, eager.keys);
        assert!(lazy.library_complete());
        for key in eager.keys.iter().flatten() {
            assert_eq!(lazy.entry_of_key(key), eager.entry_of_key(key), "{key}");
        }
        for i in 0..eager.library.entries.len() {
            assert_eq!(
                crate::ui::library::mark(lazy, i),
                crate::ui::library::mark(eager, i)
            );
            assert_eq!(lazy.browse.status(i), eager.browse.status(i), "{i}");
        }
        // The counts kept up entry by entry are the counts of the whole.
        assert_eq!(lazy.browse.headings, eager.browse.headings);
        assert_eq!(lazy.browse.broken, eager.browse.broken);
        assert_eq!(lazy.browse.finished, eager.browse.finished);
        assert_eq!(lazy.browse.shown(), eager.browse.shown());
        assert!(lazy.browse.is_shown(lazy.selected) || lazy.rows.is_empty());
    }

    #[test]
    fn the_rest_of_a_large_index_arrives_and_is_checked_as_eagerly() {
        let (_dir, root) = temp_library(700);
        let eager = state_of(load_library(&root).expect("eager"));
        let (first, rest) = open_library(&root).expect("first part");
        let mut rest = rest.expect("more than one part");
        assert!(first.entries.len() >= crate::library::FIRST_ENTRIES);
        assert!(first.entries.len() < 700);
        let mut lazy = state_of(first);
        lazy.reading_index = true;
        // As the background thread does: every part, then every unchecked link in order.
        let mut unchecked = lazy.library.unchecked();
        while !rest.is_done() {
            let part = rest.next_part();
            let from = lazy.library.entries.len();
            unchecked.extend(
                part.entries
                    .iter()
                    .enumerate()
                    .map(|(k, e)| (from + k, e.link.clone())),
            );
            apply(
                &mut lazy,
                Action::MoreEntries {
                    title: part.title,
                    entries: part.entries,
                    done: part.done,
                    error: None,
                },
            );
        }
        assert!(!lazy.reading_index);
        assert_eq!(lazy.library.entries.len(), 700);
        for batch in unchecked.chunks(100) {
            let targets = batch
                .iter()
                .map(|(entry, link)| (*entry, rest.check(link)))
                .collect();
            apply(&mut lazy, Action::Checked { targets });
        }
        assert_same_library(&lazy, &eager);
    }

    #[test]
    fn entries_on_screen_are_checked_before_drawing() {
        let (_dir, root) = temp_library(40);
        let eager = load_library(&root).expect("eager");
        let (mut state, tail) = reading(&eager, 5);
        all_arrived(&mut state, &tail);
        let effects = update(&mut state, Action::Resize(80, 24));
        let on_screen: Vec<usize> = state.rows[state.offset..state.offset + state.list_height()]
            .iter()
            .filter_map(|r| match r {
                LibraryRow::Title(i) if *i >= 5 => Some(*i),
                _ => None,
            })
            .collect();
        assert_eq!(
            effects,
            [Effect::Check {
                entries: on_screen.clone()
            }]
        );
        // G goes where nothing is checked: those entries are asked for, and only those.
        let effects = apply(&mut state, Action::Command(Command::Bottom));
        assert!(effects.is_empty(), "{effects:?}");
        assert_eq!(state.selected, 39);
        assert_eq!(state.unchecked_in_view(), Vec::<usize>::new());
        let checked: Vec<usize> = (0..40).filter(|&i| state.is_checked(i)).collect();
        assert!(
            checked.contains(&39) && !checked.contains(&20),
            "{checked:?}"
        );
        // What is on screen reads as it does when loaded eagerly.
        for i in checked {
            assert_eq!(state.library.entries[i], eager.entries[i]);
        }
    }

    #[test]
    fn a_missing_article_that_came_back_is_opened() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("INDEX.md"), "# T\n\n- [A](a.md)\n").unwrap();
        let library = load_library(&root).expect("library");
        assert!(matches!(
            library.entries[0].target,
            Target::Problem(EntryProblem::Missing(_))
        ));
        let mut state = State::new(library, Settings::default(), Keymap::default());
        apply(&mut state, Action::Resize(80, 24));
        std::fs::write(root.join("a.md"), "# A\n\nBack.\n").unwrap();
        state.selected = 0;
        let effects = update(&mut state, Action::Command(Command::Open));
        assert_eq!(effects[0], Effect::Check { entries: vec![0] });
        let checked = check_entries(&state, &[0]);
        let effects = apply(&mut state, checked);
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Load { entry: 0 })),
            "{effects:?}"
        );
    }

    #[test]
    fn opening_an_unchecked_entry_checks_it_and_refuses_a_symlink_out() {
        let (_dir, root) = temp_library(40);
        let mut library = load_library(&root).expect("eager");
        assert_eq!(
            library.entries[38].target,
            Target::Problem(EntryProblem::OutsideLibrary("out.txt".into()))
        );
        library.entries = unchecked(&library.entries);
        let mut state = State::new(library, Settings::default(), Keymap::default());
        apply(&mut state, Action::Resize(80, 24));
        assert!(!state.is_checked(38));
        // Reading it is refused before any check: an unchecked target names no path.
        let refused = start_load(&state, 38, 1 << 20).map(|_| ());
        assert_eq!(
            refused,
            Err("this entry's link has not been checked yet".to_string())
        );
        // Selected and opened before a frame shows it (`G` and Enter in one burst).
        state.selected = 38;
        let effects = update(&mut state, Action::Command(Command::Open));
        assert_eq!(effects[0], Effect::Check { entries: vec![38] });
        assert!(!effects.iter().any(|e| matches!(e, Effect::Load { .. })));
        assert_eq!(state.pending_open, Some(PendingOpen::Entry(38)));
        let checked = check_entries(&state, &[38]);
        let effects = apply(&mut state, checked);
        assert!(effects.is_empty(), "nothing is loaded: {effects:?}");
        assert_eq!(state.screen, Screen::Library);
        match state.message() {
            Some(crate::app::Message { title, lines, .. }) => {
                assert_eq!(title, "Cannot open this entry");
                assert!(
                    lines.contains(&"link points outside the library: out.txt".to_string()),
                    "{lines:?}"
                );
            }
            other => panic!("expected a message, got {other:?}"),
        }
        // A good entry, opened unchecked, is checked and then loaded.
        state.mode = crate::app::Mode::Normal;
        state.selected = 35;
        let effects = apply(&mut state, Action::Command(Command::Open));
        assert_eq!(effects, [Effect::Load { entry: 35 }]);
        assert!(start_load(&state, 35, 1 << 20).is_ok());
    }

    #[test]
    fn a_problem_without_description_gains_its_row_and_the_view_stays() {
        let (_dir, root) = temp_library(40);
        let eager = state_of(load_library(&root).expect("eager"));
        let mut library = Library::clone(&eager.library);
        library.entries = unchecked(&library.entries);
        let mut lazy = State::new(library, Settings::default(), Keymap::default());
        lazy.width = 80;
        lazy.height = 24;
        lazy.offset = 30;
        let top = lazy.rows[30].clone();
        // The selection is in view (as the run loop keeps it).
        lazy.selected = match lazy.rows[33] {
            LibraryRow::Title(i) | LibraryRow::Description(i) => i,
            _ => match lazy.rows[34] {
                LibraryRow::Title(i) | LibraryRow::Description(i) => i,
                ref other => panic!("{other:?}"),
            },
        };
        // Check everything above the view: rows are inserted above it, the top row stays.
        let above: Vec<usize> = (0..8).collect();
        let action = check_entries(&lazy, &above);
        update(&mut lazy, action);
        assert_eq!(lazy.rows[lazy.offset], top);
        assert!(lazy.offset > 30);
        let all: Vec<usize> = (0..40).collect();
        let action = check_entries(&lazy, &all);
        update(&mut lazy, action);
        assert_same_library(&lazy, &eager);
    }

    #[test]
    fn the_first_entry_of_a_key_is_known_only_when_all_before_it_are_checked() {
        let (_dir, root) = temp_library(10);
        let eager = load_library(&root).expect("eager");
        let key = eager.entries[0].key(&eager.origin).expect("key");
        // Entry 4 leads to the same file as entry 0.
        assert_eq!(eager.entries[4].key(&eager.origin), Some(key.clone()));
        let mut library = eager.clone();
        library.entries = unchecked(&library.entries);
        let mut state = State::new(library, Settings::default(), Keymap::default());
        assert_eq!(state.entry_of_key(&key), Lookup::NotYetKnown);
        check(&mut state, &[4]);
        assert_eq!(state.entry_of_key(&key), Lookup::NotYetKnown);
        check(&mut state, &[1, 2, 3]);
        assert_eq!(state.entry_of_key(&key), Lookup::NotYetKnown);
        check(&mut state, &[0]);
        assert_eq!(state.entry_of_key(&key), Lookup::Found(0));
        assert_eq!(state.entry_of_key("/nowhere"), Lookup::NotYetKnown);
        let rest: Vec<usize> = (5..10).collect();
        check(&mut state, &rest);
        assert_eq!(state.entry_of_key("/nowhere"), Lookup::NotListed);
    }

    #[test]
    fn the_article_read_last_far_down_a_library_being_checked_is_checked_and_opened_at_once() {
        let (_dir, root) = temp_library(40);
        let eager = load_library(&root).expect("eager");
        // Entry 35 is a file of the library; no entry before it is checked yet.
        let key = eager.entries[35].key(&eager.origin).expect("key");
        let mut library = eager.clone();
        library.entries = unchecked(&library.entries);
        let mut state = State::new(library, Settings::default(), Keymap::default());
        let effects = state.reopen(key.clone());
        assert!(
            matches!(&effects[..], [Effect::Check { entries }] if entries == &[35]),
            "{effects:?}"
        );
        let effects = check(&mut state, &[35]);
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Load { entry: 35 })),
            "{effects:?}"
        );
        assert_eq!(state.selected, 35);
    }

    #[test]
    fn g_while_index_md_is_read_ends_on_its_last_entry() {
        let (_dir, root) = temp_library(30);
        let eager = load_library(&root).expect("eager");
        let (mut state, tail) = reading(&eager, 10);
        update(&mut state, Action::Command(Command::Bottom));
        assert_eq!(state.selected, 9, "the last entry read so far, for now");
        let (first, rest) = tail.split_at(8);
        for (entries, done) in [(first, false), (rest, true)] {
            update(
                &mut state,
                Action::MoreEntries {
                    title: None,
                    entries: unchecked(entries),
                    done,
                    error: None,
                },
            );
            assert_eq!(state.selected, state.library.entries.len() - 1);
        }
        assert_eq!(state.selected, 29);
        assert!(!state.to_last_entry);
        // Moving away before the end arrives stays where the person went.
        let (mut state, tail) = reading(&eager, 10);
        update(&mut state, Action::Command(Command::Bottom));
        update(&mut state, Action::Command(Command::Up));
        all_arrived(&mut state, &tail);
        assert_eq!(state.selected, 8);
        // Changing how the list looks is no move: `G` still ends on the last entry.
        for command in [Command::ToggleView, Command::HideFinished, Command::Redraw] {
            let (mut state, tail) = reading(&eager, 10);
            update(&mut state, Action::Command(Command::Bottom));
            update(&mut state, Action::Command(command));
            all_arrived(&mut state, &tail);
            assert_eq!(state.selected, 29, "{command:?}");
        }
    }

    #[test]
    fn the_last_article_reopens_once_found_unless_the_person_moves_first() {
        let (_dir, root) = temp_library(30);
        let eager = load_library(&root).expect("eager");
        let key = eager.entries[25].key(&eager.origin).expect("key");
        let lazy = |eager: &Library| reading(eager, 10);
        let (mut state, tail) = lazy(&eager);
        assert!(state.reopen(key.clone()).is_empty());
        assert_eq!(
            state.flash.as_deref(),
            Some("reopening the article read last…")
        );
        let more = Action::MoreEntries {
            title: None,
            entries: unchecked(&tail),
            done: true,
            error: None,
        };
        // Its entry has arrived: it is checked at once, not after every entry before it.
        assert_eq!(
            update(&mut state, more),
            [Effect::Check { entries: vec![25] }]
        );
        // What arrives in the background leaves the status line alone.
        assert_eq!(
            state.flash.as_deref(),
            Some("reopening the article read last…")
        );
        let checked = check_entries(&state, &(10..30).collect::<Vec<_>>());
        assert_eq!(update(&mut state, checked), [Effect::Load { entry: 25 }]);
        assert_eq!(state.selected, 25);
        assert_eq!(state.pending_open, None);

        let (mut state, tail) = lazy(&eager);
        state.reopen(key);
        update(&mut state, Action::Command(Command::Down));
        update(
            &mut state,
            Action::MoreEntries {
                title: None,
                entries: tail,
                done: true,
                error: None,
            },
        );
        assert_eq!(state.pending_open, None);
        assert_eq!(state.selected, 1);
    }

    #[test]
    fn a_bookmark_waits_for_its_document_and_is_never_an_orphan_too_early() {
        let (_dir, root) = temp_library(30);
        let eager = load_library(&root).expect("eager");
        let (mut state, tail) = reading(&eager, 10);
        let key = eager.entries[20].key(&eager.origin).expect("key");
        let bookmark = Bookmark {
            doc: key.clone(),
            doc_title: "A20".into(),
            section_path: Vec::new(),
            section_title: "(opening)".into(),
            section_slug: String::new(),
            anchor: crate::anchor::Anchor::default(),
            note: String::new(),
            created: 1,
            updated: 1,
            ..Bookmark::default()
        };
        let gone = Bookmark {
            doc: root.join("gone.txt").to_string_lossy().into_owned(),
            ..bookmark.clone()
        };
        state
            .bookmarks
            .insert(Bookmark::id_for(&bookmark.doc, &[]), bookmark.clone());
        state
            .bookmarks
            .insert(Bookmark::id_for(&gone.doc, &[]), gone.clone());
        assert!(!state.is_orphan(&bookmark) && !state.is_orphan(&gone));
        let mut effects = Vec::new();
        crate::app::bookmarks::open_doc(&mut state, bookmark.clone(), &mut effects);
        assert!(effects.is_empty());
        assert_eq!(
            state.flash.as_deref(),
            Some("looking for A20 in the library…")
        );
        all_arrived(&mut state, &tail);
        let effects = check(&mut state, &(10..30).collect::<Vec<_>>());
        assert_eq!(effects, [Effect::Load { entry: 20 }]);
        assert!(!state.is_orphan(&bookmark) && state.is_orphan(&gone));
        let mut effects = Vec::new();
        crate::app::bookmarks::open_doc(&mut state, gone, &mut effects);
        assert!(matches!(state.message(), Some(m) if m.title == "Document not in the library"));
    }

    /// One step of a streamed load, interleaved as the run loop may interleave them.
    #[derive(Debug, Clone)]
    enum Step {
        /// The next part of the index arrives.
        Part,
        /// The background checks its next `n` links.
        Check(usize),
        Key(Command),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            Just(Step::Part),
            (1usize..12).prop_map(Step::Check),
            proptest::sample::select(vec![
                Command::Down,
                Command::Up,
                Command::PageDown,
                Command::Bottom,
                Command::Top,
            ])
            .prop_map(Step::Key),
        ]
    }

    fn streamed_equals_eager(
        eager: &State,
        first: usize,
        part: usize,
        steps: &[Step],
    ) -> Result<(), TestCaseError> {
        let count = eager.library.entries.len();
        let mut head = Library::clone(&eager.library);
        let tail = head.entries.split_off(first.min(count));
        head.entries = unchecked(&head.entries);
        let mut state = State::new(head, eager.settings.clone(), Keymap::default());
        state.saved_docs = eager.saved_docs.clone();
        update(&mut state, Action::Resize(80, 24));
        state.reading_index = !tail.is_empty();
        let mut parts = tail.chunks(part.max(1)).peekable();
        let mut next_check = 0;
        let mut run = |state: &mut State, step: &Step, next_check: &mut usize| match step {
            Step::Part => {
                if let Some(entries) = parts.next() {
                    let done = parts.peek().is_none();
                    apply(
                        state,
                        Action::MoreEntries {
                            title: None,
                            entries: unchecked(entries),
                            done,
                            error: None,
                        },
                    );
                }
            }
            Step::Check(n) => {
                let known = state.library.entries.len();
                let batch: Vec<usize> = (*next_check..(*next_check + n).min(known)).collect();
                *next_check += batch.len();
                let action = check_entries(state, &batch);
                apply(state, action);
            }
            Step::Key(command) => {
                apply(state, Action::Command(*command));
            }
        };
        for step in steps {
            run(&mut state, step, &mut next_check);
        }
        while state.reading_index || next_check < count {
            run(&mut state, &Step::Part, &mut next_check);
            run(&mut state, &Step::Check(count), &mut next_check);
        }
        prop_assert!(state.unchecked_in_view().is_empty());
        assert_same_library(&state, eager);
        Ok(())
    }

    #[test]
    fn a_streamed_lazily_checked_library_ends_as_the_eager_one() {
        let (_dir, root) = temp_library(45);
        let eager = state_of(load_library(&root).expect("eager"));
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
        runner
            .run(
                &(
                    0usize..46,
                    1usize..20,
                    proptest::collection::vec(step(), 0..40),
                ),
                |(first, part, steps)| streamed_equals_eager(&eager, first, part, &steps),
            )
            .expect("streamed equals eager");
    }

    /// The same with one row per entry and finished articles hidden: articles found
    /// finished as their links are checked leave the list, and the counts end as eager ones.
    #[test]
    fn a_streamed_library_with_finished_articles_hidden_ends_as_the_eager_one() {
        let (_dir, root) = temp_library(45);
        let library = load_library(&root).expect("eager");
        let settings = Settings {
            library_view: crate::config::LibraryView::Compact,
            hide_finished: true,
            ..Settings::default()
        };
        let mut eager = State::new(library.clone(), settings, Keymap::default());
        // Every tenth entry's article is finished (so is the entry listed again after it).
        for (i, e) in library.entries.iter().enumerate() {
            if i % 10 == 0
                && let Some(key) = e.key(&library.origin)
            {
                let doc = crate::store::DocState {
                    finished: true,
                    ..Default::default()
                };
                eager.saved_docs.insert(key, doc);
            }
        }
        update(&mut eager, Action::Resize(80, 24));
        assert!(eager.browse.finished >= 5, "{}", eager.browse.finished);
        assert!(!eager.rows.contains(&LibraryRow::Title(0)));
        let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(64));
        runner
            .run(
                &(
                    0usize..46,
                    1usize..20,
                    proptest::collection::vec(step(), 0..40),
                ),
                |(first, part, steps)| streamed_equals_eager(&eager, first, part, &steps),
            )
            .expect("streamed equals eager");
    }
}
