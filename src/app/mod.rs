//! The application: one [`State`], keys turned into [`Action`]s, and a pure [`update`] that
//! changes the state and returns [`Effect`]s (load an article, check links, save progress,
//! quit) for the run loop to perform. Nothing here touches files or the terminal, so every
//! behaviour is a test that feeds actions and looks at the state.

pub mod geometry;
pub mod keymap;
mod library;
mod reader;
pub mod run;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crate::document::Document;
use crate::library::{Entry, Library, Target};
use crate::store::{Bookmark, DocState, Op, now_ms};
pub use keymap::{Command, Keymap};
pub use library::{Lookup, PendingOpen, library_rows};
pub use reader::Reader;

/// Settings that shape what is shown, from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub max_width: u16,
    pub hyphenate: bool,
    pub justify: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_width: 80,
            hyphenate: true,
            justify: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Library,
    Reader,
}

/// A window over the current screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Overlay {
    /// Table of contents: the selected section and the first row shown.
    Contents {
        selected: usize,
        offset: usize,
    },
    Help {
        offset: usize,
    },
    /// All bookmarks: the selected row and the first row shown.
    Bookmarks {
        selected: usize,
        offset: usize,
    },
    /// Editing the note of the current section's bookmark.
    Note {
        text: String,
    },
    /// A message that any key dismisses (an article that cannot be opened, a warning).
    Message {
        title: String,
        lines: Vec<String>,
    },
}

/// One display line of the library list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LibraryRow {
    Group { title: String, depth: usize },
    Title(usize),
    Description(usize),
    Blank,
}

/// How far a document has been read, for the library's marks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub percent: f32,
    pub finished: bool,
}

#[derive(Debug)]
pub struct State {
    pub library: Library,
    pub rows: Vec<LibraryRow>,
    /// Saved-state key of each entry (none while it is unchecked), and the first checked
    /// entry of each key: made as entries arrive and are checked, not on every lookup.
    keys: Vec<Option<String>>,
    entry_of: HashMap<String, usize>,
    /// Entries before this one are all checked.
    checked: usize,
    /// INDEX.md is still being parsed: more entries will come ([`Action::MoreEntries`]).
    pub reading_index: bool,
    /// An open waiting for the library to be read or checked further.
    pub pending_open: Option<PendingOpen>,
    /// Selected entry (index into `library.entries`).
    pub selected: usize,
    /// First library row shown.
    pub offset: usize,
    pub screen: Screen,
    pub reader: Option<Reader>,
    pub overlay: Option<Overlay>,
    pub width: u16,
    pub height: u16,
    pub settings: Settings,
    pub keymap: Keymap,
    pub saved_docs: HashMap<String, DocState>,
    pub bookmarks: BTreeMap<String, Bookmark>,
    /// The last bookmark deleted, for undo.
    pub deleted: Option<(String, Bookmark)>,
    /// A short line shown in the status bar until the next key.
    pub flash: Option<String>,
    /// Opened on a single article: going back quits.
    pub single: bool,
    pub quit: bool,
}

/// Everything that can happen to the state.
#[derive(Debug)]
pub enum Action {
    Command(Command),
    /// A typed character while editing a note.
    Input(char),
    /// Backspace while editing a note.
    Erase,
    Resize(u16, u16),
    Scroll {
        down: bool,
        column: u16,
        row: u16,
    },
    Click {
        column: u16,
        row: u16,
    },
    /// An article finished loading (or failed to).
    Loaded {
        entry: usize,
        result: Result<Arc<Document>, String>,
    },
    /// More of a large article, read in the background.
    More {
        entry: usize,
        blocks: Vec<crate::document::Block>,
        done: bool,
        /// Reading failed part way: what was read stays readable.
        error: Option<String>,
    },
    /// More entries of a large INDEX.md, parsed in the background (unchecked).
    MoreEntries {
        /// The index title, if known by now.
        title: Option<String>,
        entries: Vec<Entry>,
        /// INDEX.md has been parsed to its end (or cannot be, see `error`).
        done: bool,
        /// Parsing the rest could not go on: the entries so far stay.
        error: Option<String>,
    },
    /// Entries' links, checked: by the run loop for [`Effect::Check`], or in the background.
    Checked {
        targets: Vec<(usize, Target)>,
    },
}

/// What the run loop must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read and parse the article of this entry, then send [`Action::Loaded`].
    Load {
        entry: usize,
    },
    /// Check these entries' links now (they are on screen or being opened), then send
    /// [`Action::Checked`].
    Check {
        entries: Vec<usize>,
    },
    /// Record a change for saving (the run loop batches and debounces).
    Store(Box<Op>),
    /// Save now (leaving a document, quitting).
    Flush,
    /// Take in what other blatt processes saved (before showing all bookmarks).
    Refresh,
    Suspend,
    Quit,
}

impl State {
    pub fn new(library: Library, settings: Settings, keymap: Keymap) -> Self {
        let count = library.entries.len();
        let mut state = State {
            library,
            rows: Vec::new(),
            keys: Vec::with_capacity(count),
            entry_of: HashMap::with_capacity(count),
            checked: 0,
            reading_index: false,
            pending_open: None,
            selected: 0,
            offset: 0,
            screen: Screen::Library,
            reader: None,
            overlay: None,
            width: 80,
            height: 24,
            settings,
            keymap,
            saved_docs: HashMap::new(),
            bookmarks: BTreeMap::new(),
            deleted: None,
            flash: None,
            single: false,
            quit: false,
        };
        state.take_in_entries(0);
        state
    }

    /// The saved-state key of an entry; none while its link is unchecked.
    pub fn entry_key(&self, entry: usize) -> Option<&str> {
        self.keys.get(entry).and_then(Option::as_deref)
    }

    pub fn progress(&self, entry: usize) -> Option<Progress> {
        let key = self.entry_key(entry)?;
        self.saved_docs.get(key).map(|d| Progress {
            percent: d.percent,
            finished: d.finished,
        })
    }

    /// Bookmarks of the open document, by section path.
    pub fn bookmarked(&self, section_path: &[String]) -> Option<&Bookmark> {
        let reader = self.reader.as_ref()?;
        self.bookmarks
            .get(&Bookmark::id_for(&reader.key, section_path))
    }

    /// Bookmarks in display order: grouped by document (documents of the library first, in
    /// library order, orphans after), then by position in the document.
    pub fn bookmark_list(&self) -> Vec<(&String, &Bookmark)> {
        let mut list: Vec<_> = self.bookmarks.iter().collect();
        // While the library is still being checked, an entry found so far stands in.
        list.sort_by_key(|(_, b)| {
            (
                self.entry_of.get(&b.doc).copied().unwrap_or(usize::MAX),
                b.doc.clone(),
                b.anchor.block,
            )
        });
        list
    }

    /// Whether a bookmark's document is no longer in the library (as far as is known).
    pub fn is_orphan(&self, bookmark: &Bookmark) -> bool {
        self.entry_of_key(&bookmark.doc) == Lookup::NotListed
    }

    fn list_height(&self) -> usize {
        geometry::library(self.width, self.height).map_or(1, |a| usize::from(a.list.height).max(1))
    }
}

/// Applies one action. Pure: all I/O is returned as effects.
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    let mut effects = Vec::new();
    // Only what the person does clears the status line, not what arrives in the background.
    if !matches!(
        action,
        Action::Resize(..)
            | Action::Loaded { .. }
            | Action::More { .. }
            | Action::MoreEntries { .. }
            | Action::Checked { .. }
    ) {
        state.flash = None;
    }
    match action {
        Action::Resize(width, height) => {
            state.width = width;
            state.height = height;
            if let Some(reader) = state.reader.as_mut() {
                reader.resize(width, height, &state.settings);
            }
            keep_selection_visible(state);
            clamp_overlay(state);
        }
        Action::Loaded { entry, result } => loaded(state, entry, result, &mut effects),
        Action::More {
            entry,
            blocks,
            done,
            error,
        } => {
            if let Some(reader) = state.reader.as_mut()
                && reader.entry == entry
                && !reader.doc.complete
            {
                reader.append(blocks, done);
                if let Some(error) = error {
                    state.flash = Some(format!("the rest could not be read: {error}"));
                }
            }
        }
        Action::Input(c) => {
            if let Some(Overlay::Note { text }) = state.overlay.as_mut()
                && text.chars().count() < 500
                && !c.is_control()
            {
                text.push(c);
            }
        }
        Action::Erase => {
            if let Some(Overlay::Note { text }) = state.overlay.as_mut() {
                text.pop();
            }
        }
        Action::MoreEntries {
            title,
            entries,
            done,
            error,
        } => {
            library::more_entries(state, title, entries, done, &mut effects);
            if let Some(error) = error {
                state.flash = Some(format!("the rest of INDEX.md could not be read: {error}"));
            }
        }
        Action::Checked { targets } => library::checked(state, targets, &mut effects),
        Action::Command(command) => command_action(state, command, &mut effects),
        Action::Scroll { down, column, row } => scroll(state, down, column, row, &mut effects),
        Action::Click { column, row } => click(state, column, row, &mut effects),
    }
    library::check_view(state, &mut effects);
    effects
}

fn command_action(state: &mut State, command: Command, effects: &mut Vec<Effect>) {
    match command {
        Command::Quit => {
            quit(state, effects);
            return;
        }
        Command::Suspend => {
            effects.push(Effect::Suspend);
            return;
        }
        _ => {}
    }
    if state.overlay.is_some() {
        overlay_command(state, command, effects);
        return;
    }
    match state.screen {
        Screen::Library => library_command(state, command, effects),
        Screen::Reader => reader_command(state, command, effects),
    }
}

fn quit(state: &mut State, effects: &mut Vec<Effect>) {
    if let Some(reader) = state.reader.as_ref() {
        remember_position(state, reader.key.clone(), effects);
    }
    state.quit = true;
    effects.push(Effect::Flush);
    effects.push(Effect::Quit);
}

fn library_command(state: &mut State, command: Command, effects: &mut Vec<Effect>) {
    library::cancel_pending_open(state);
    let count = state.library.entries.len();
    let page = (state.list_height() / 3).max(1);
    let last = count.saturating_sub(1);
    match command {
        Command::Down => state.selected = (state.selected + 1).min(last),
        Command::Up => state.selected = state.selected.saturating_sub(1),
        Command::PageDown => state.selected = (state.selected + page).min(last),
        Command::PageUp => state.selected = state.selected.saturating_sub(page),
        Command::HalfPageDown => state.selected = (state.selected + page / 2 + 1).min(last),
        Command::HalfPageUp => state.selected = state.selected.saturating_sub(page / 2 + 1),
        Command::Top => state.selected = 0,
        Command::Bottom => state.selected = last,
        Command::Open => open_entry(state, state.selected, effects),
        Command::Back => quit(state, effects),
        Command::Help => state.overlay = Some(Overlay::Help { offset: 0 }),
        Command::Bookmarks => open_bookmarks(state, effects),
        Command::NextSection
        | Command::PreviousSection
        | Command::Contents
        | Command::Bookmark
        | Command::Note => {
            state.flash = Some("open an article first (Enter)".into());
        }
        Command::Quit | Command::Suspend => {}
    }
    keep_selection_visible(state);
}

fn open_entry(state: &mut State, entry: usize, effects: &mut Vec<Effect>) {
    let Some(e) = state.library.entries.get(entry) else {
        return;
    };
    state.selected = entry;
    if !e.target.is_checked() {
        // Never open an unchecked link: check it first, then open (or show its problem).
        state.pending_open = Some(PendingOpen::Entry(entry));
        effects.push(Effect::Check {
            entries: vec![entry],
        });
        return;
    }
    if let Target::Problem(problem) = &e.target {
        state.overlay = Some(Overlay::Message {
            title: "Cannot open this entry".into(),
            lines: vec![
                e.title.clone(),
                String::new(),
                problem.to_string(),
                String::new(),
                format!("(INDEX.md line {})", e.line),
            ],
        });
        return;
    }
    state.flash = Some(format!("opening {}…", e.title));
    effects.push(Effect::Load { entry });
}

fn loaded(
    state: &mut State,
    entry: usize,
    result: Result<Arc<Document>, String>,
    effects: &mut Vec<Effect>,
) {
    let title = state
        .library
        .entries
        .get(entry)
        .map(|e| e.title.clone())
        .unwrap_or_default();
    let Some(key) = state.entry_key(entry).map(str::to_string) else {
        return;
    };
    match result {
        Err(message) => {
            state.flash = None;
            state.overlay = Some(Overlay::Message {
                title: "Cannot open this article".into(),
                lines: vec![title, String::new(), message],
            });
            state.screen = Screen::Library;
        }
        Ok(doc) => {
            if let Some(previous) = state.reader.as_ref() {
                remember_position(state, previous.key.clone(), effects);
            }
            let mut reader = Reader::new(
                key.clone(),
                entry,
                doc,
                state.width,
                state.height,
                &state.settings,
            );
            if let Some(saved) = state.saved_docs.get(&key) {
                reader.go_to_anchor(&saved.anchor);
                reader.read_sections = saved.read_sections.clone();
                reader.finished = saved.finished;
            }
            state.reader = Some(reader);
            state.screen = Screen::Reader;
            state.overlay = None;
            state.flash = None;
            remember_position(state, key.clone(), effects);
            effects.push(store_op(Op::SetLastOpen(Some(crate::store::LastOpen {
                doc: key,
                updated: now_ms(),
            }))));
        }
    }
}

fn reader_command(state: &mut State, command: Command, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_mut() else {
        state.screen = Screen::Library;
        return;
    };
    match command {
        Command::Down => reader.scroll_down(1),
        Command::Up => reader.scroll_up(1),
        Command::PageDown => reader.scroll_down(reader.page()),
        Command::PageUp => reader.scroll_up(reader.page()),
        Command::HalfPageDown => reader.scroll_down(reader.half_page()),
        Command::HalfPageUp => reader.scroll_up(reader.half_page()),
        Command::Top => reader.to_top(),
        Command::Bottom => reader.to_bottom(),
        Command::NextSection => {
            if !reader.next_section() {
                state.flash = Some("this is the last section".into());
            }
        }
        Command::PreviousSection => reader.previous_section(),
        Command::Contents => {
            let selected = reader.current_section();
            state.overlay = Some(Overlay::Contents {
                selected,
                offset: 0,
            });
            clamp_overlay(state);
            return;
        }
        Command::Help => {
            state.overlay = Some(Overlay::Help { offset: 0 });
            return;
        }
        Command::Bookmarks => {
            open_bookmarks(state, effects);
            return;
        }
        Command::Bookmark => {
            toggle_bookmark(state, effects);
            return;
        }
        Command::Note => {
            let reader = &*reader;
            let path = reader.section_path();
            let text = state
                .bookmarked(&path)
                .map(|b| b.note.clone())
                .unwrap_or_default();
            state.overlay = Some(Overlay::Note { text });
            return;
        }
        Command::Back => {
            let key = reader.key.clone();
            // The article stays the "last open" one: quitting from the library and
            // starting again tomorrow reopens it (`--fresh` starts at the library).
            remember_position(state, key, effects);
            effects.push(Effect::Flush);
            if state.single {
                state.quit = true;
                effects.push(Effect::Quit);
            }
            state.screen = Screen::Library;
            keep_selection_visible(state);
            return;
        }
        Command::Open | Command::Quit | Command::Suspend => return,
    }
    let key = reader.key.clone();
    remember_position(state, key, effects);
}

/// Records the open document's position and read marks, for the library and for saving.
fn remember_position(state: &mut State, key: String, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    if reader.key != key {
        return;
    }
    reader.mark_read();
    let doc_state = DocState {
        title: reader.doc.title.clone(),
        anchor: reader.anchor(),
        percent: reader.percent(),
        read_sections: reader.read_sections.clone(),
        sections_total: reader.doc.sections.len(),
        finished: reader.finished,
        updated: now_ms(),
    };
    if state
        .saved_docs
        .get(&key)
        .is_some_and(|old| same_place(old, &doc_state))
    {
        return;
    }
    state.saved_docs.insert(key.clone(), doc_state.clone());
    effects.push(store_op(Op::SetDoc {
        key,
        state: doc_state,
    }));
}

fn same_place(a: &DocState, b: &DocState) -> bool {
    a.anchor == b.anchor
        && a.read_sections == b.read_sections
        && a.finished == b.finished
        && a.percent == b.percent
}

fn toggle_bookmark(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let path = reader.section_path();
    let id = Bookmark::id_for(&reader.key, &path);
    if let Some(old) = state.bookmarks.remove(&id) {
        state.flash = Some(format!("bookmark removed: {}", old.section_title));
        state.deleted = Some((id.clone(), old));
        effects.push(store_op(Op::DeleteBookmark { id }));
    } else {
        let bookmark = new_bookmark(reader, String::new());
        state.flash = Some(format!("bookmarked: {}", bookmark.section_title));
        state.bookmarks.insert(id.clone(), bookmark.clone());
        effects.push(store_op(Op::UpsertBookmark { id, bookmark }));
    }
    effects.push(Effect::Flush);
}

fn new_bookmark(reader: &Reader, note: String) -> Bookmark {
    let section = &reader.doc.sections[reader.current_section()];
    let now = now_ms();
    Bookmark {
        doc: reader.key.clone(),
        doc_title: reader.doc.title.clone(),
        section_path: section.path.clone(),
        section_title: section.title.clone().unwrap_or_else(|| "(opening)".into()),
        anchor: crate::anchor::Anchor::at(&reader.doc, section.blocks.start, 0),
        note,
        created: now,
        updated: now,
    }
}

fn save_note(state: &mut State, text: String, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let path = reader.section_path();
    let id = Bookmark::id_for(&reader.key, &path);
    let bookmark = match state.bookmarks.get(&id) {
        Some(existing) => Bookmark {
            note: text,
            updated: now_ms(),
            ..existing.clone()
        },
        None => new_bookmark(reader, text),
    };
    state.flash = Some(format!("note saved on {}", bookmark.section_title));
    state.bookmarks.insert(id.clone(), bookmark.clone());
    effects.push(store_op(Op::UpsertBookmark { id, bookmark }));
    effects.push(Effect::Flush);
}

fn open_bookmarks(state: &mut State, effects: &mut Vec<Effect>) {
    effects.push(Effect::Refresh);
    if state.bookmarks.is_empty() {
        state.flash = Some(format!(
            "no bookmarks yet: {} bookmarks a section",
            state.keymap.hint(Command::Bookmark)
        ));
        return;
    }
    state.overlay = Some(Overlay::Bookmarks {
        selected: 0,
        offset: 0,
    });
}

fn overlay_command(state: &mut State, command: Command, effects: &mut Vec<Effect>) {
    let Some(overlay) = state.overlay.take() else {
        return;
    };
    let rows = overlay_rows(state, &overlay);
    let height = overlay_height(state, &overlay);
    let next = match overlay {
        Overlay::Message { .. } => None,
        Overlay::Note { text } => match command {
            Command::Open => {
                save_note(state, text, effects);
                None
            }
            Command::Back => None,
            _ => Some(Overlay::Note { text }),
        },
        Overlay::Help { offset } => match command {
            Command::Back | Command::Help | Command::Open => None,
            other => Some(Overlay::Help {
                offset: move_selection(offset, rows.saturating_sub(height), other, height).0,
            }),
        },
        Overlay::Contents { selected, offset } => match command {
            Command::Back | Command::Contents => None,
            Command::Open => {
                if let Some(reader) = state.reader.as_mut() {
                    reader.go_to_section(selected);
                    let key = reader.key.clone();
                    remember_position(state, key, effects);
                }
                None
            }
            other => {
                let (selected, _) = move_selection(selected, rows.saturating_sub(1), other, height);
                Some(Overlay::Contents { selected, offset })
            }
        },
        Overlay::Bookmarks { selected, offset } => match command {
            Command::Back | Command::Bookmarks => None,
            Command::Open => {
                open_bookmark(state, selected, effects);
                None
            }
            // `d` is half_page_down by default: in this list it deletes.
            Command::HalfPageDown => {
                delete_bookmark(state, selected, effects);
                (!state.bookmarks.is_empty()).then_some(Overlay::Bookmarks {
                    selected: selected.min(state.bookmarks.len().saturating_sub(1)),
                    offset,
                })
            }
            // `u` undoes the last delete.
            Command::HalfPageUp => {
                undo_delete(state, effects);
                Some(Overlay::Bookmarks { selected, offset })
            }
            other => {
                let (selected, _) = move_selection(selected, rows.saturating_sub(1), other, height);
                Some(Overlay::Bookmarks { selected, offset })
            }
        },
    };
    // An action may have opened another overlay (a message): that one wins.
    if state.overlay.is_none() {
        state.overlay = next;
    }
    clamp_overlay(state);
}

fn open_bookmark(state: &mut State, selected: usize, effects: &mut Vec<Effect>) {
    let Some((_, bookmark)) = state
        .bookmark_list()
        .get(selected)
        .map(|(k, b)| ((*k).clone(), (*b).clone()))
    else {
        return;
    };
    if state.reader.as_ref().is_some_and(|r| r.key == bookmark.doc) {
        if let Some(reader) = state.reader.as_mut() {
            reader.go_to_anchor(&bookmark.anchor);
            state.screen = Screen::Reader;
            let key = reader.key.clone();
            remember_position(state, key, effects);
        }
        return;
    }
    open_bookmark_doc(state, bookmark, effects);
}

/// Opens a bookmark's document at the bookmark, once the library says which entry it is.
fn open_bookmark_doc(state: &mut State, bookmark: Bookmark, effects: &mut Vec<Effect>) {
    match state.entry_of_key(&bookmark.doc) {
        Lookup::NotYetKnown => {
            state.flash = Some(format!(
                "looking for {} in the library…",
                bookmark.doc_title
            ));
            state.pending_open = Some(PendingOpen::Bookmark(Box::new(bookmark)));
        }
        Lookup::Found(entry) => {
            // Open the document at the bookmark: the saved position is set to it first.
            let mut doc_state = state
                .saved_docs
                .get(&bookmark.doc)
                .cloned()
                .unwrap_or(DocState {
                    title: bookmark.doc_title.clone(),
                    anchor: bookmark.anchor.clone(),
                    percent: 0.0,
                    read_sections: Default::default(),
                    sections_total: 0,
                    finished: false,
                    updated: 0,
                });
            doc_state.anchor = bookmark.anchor.clone();
            state.saved_docs.insert(bookmark.doc.clone(), doc_state);
            open_entry(state, entry, effects);
        }
        Lookup::NotListed => {
            state.overlay = Some(Overlay::Message {
                title: "Document not in the library".into(),
                lines: vec![
                    format!("{} — {}", bookmark.doc_title, bookmark.section_title),
                    String::new(),
                    format!(
                        "{} is no longer listed in this library's INDEX.md.",
                        bookmark.doc
                    ),
                    "The bookmark is kept.".into(),
                ],
            });
        }
    }
}

fn delete_bookmark(state: &mut State, selected: usize, effects: &mut Vec<Effect>) {
    let Some(id) = state
        .bookmark_list()
        .get(selected)
        .map(|(k, _)| (*k).clone())
    else {
        return;
    };
    if let Some(old) = state.bookmarks.remove(&id) {
        state.flash = Some(format!(
            "deleted bookmark {} — {} undoes",
            old.section_title,
            state.keymap.hint(Command::HalfPageUp)
        ));
        state.deleted = Some((id.clone(), old));
        effects.push(store_op(Op::DeleteBookmark { id }));
        effects.push(Effect::Flush);
    }
}

fn undo_delete(state: &mut State, effects: &mut Vec<Effect>) {
    if let Some((id, bookmark)) = state.deleted.take() {
        state.flash = Some(format!("restored bookmark {}", bookmark.section_title));
        state.bookmarks.insert(id.clone(), bookmark.clone());
        effects.push(store_op(Op::UpsertBookmark { id, bookmark }));
        effects.push(Effect::Flush);
    }
}

/// Moves a selection among `0..=last` by a list command; returns it and whether it moved.
fn move_selection(selected: usize, last: usize, command: Command, height: usize) -> (usize, bool) {
    let page = height.max(1);
    let new = match command {
        Command::Down => selected.saturating_add(1),
        Command::Up => selected.saturating_sub(1),
        Command::PageDown => selected.saturating_add(page),
        Command::PageUp => selected.saturating_sub(page),
        Command::Top => 0,
        Command::Bottom => last,
        _ => selected,
    }
    .min(last);
    (new, new != selected)
}

/// Number of rows an overlay lists.
pub fn overlay_rows(state: &State, overlay: &Overlay) -> usize {
    match overlay {
        Overlay::Contents { .. } => state.reader.as_ref().map_or(0, |r| r.doc.sections.len()),
        Overlay::Help { .. } => crate::ui::help::lines(&state.keymap).len(),
        Overlay::Bookmarks { .. } => state.bookmarks.len(),
        Overlay::Message { lines, .. } => lines.len() + 2,
        Overlay::Note { .. } => 3,
    }
}

/// The inner height of an overlay's box at the current size.
pub fn overlay_height(state: &State, overlay: &Overlay) -> usize {
    let rows = overlay_rows(state, overlay);
    let rect = geometry::overlay(state.width, state.height, overlay_width(overlay), rows);
    usize::from(geometry::inner(rect).height).max(1)
}

pub fn overlay_width(overlay: &Overlay) -> u16 {
    match overlay {
        Overlay::Contents { .. } => 72,
        Overlay::Help { .. } => 80,
        Overlay::Bookmarks { .. } => 90,
        Overlay::Message { .. } | Overlay::Note { .. } => 64,
    }
}

/// Keeps list overlays' selections inside the shown rows.
fn clamp_overlay(state: &mut State) {
    let Some(overlay) = state.overlay.clone() else {
        return;
    };
    let height = overlay_height(state, &overlay);
    let rows = overlay_rows(state, &overlay);
    let fix = |selected: usize, offset: usize| {
        let selected = selected.min(rows.saturating_sub(1));
        let offset = if selected < offset {
            selected
        } else if selected >= offset + height {
            selected + 1 - height
        } else {
            offset
        };
        (selected, offset.min(rows.saturating_sub(height)))
    };
    state.overlay = Some(match overlay {
        Overlay::Contents { selected, offset } => {
            let (selected, offset) = fix(selected, offset);
            Overlay::Contents { selected, offset }
        }
        Overlay::Bookmarks { selected, offset } => {
            let (selected, offset) = fix(selected, offset);
            Overlay::Bookmarks { selected, offset }
        }
        Overlay::Help { offset } => Overlay::Help {
            offset: offset.min(rows.saturating_sub(height)),
        },
        other => other,
    });
}

/// Scrolls the library so the selected entry's rows are in view.
fn keep_selection_visible(state: &mut State) {
    let height = state.list_height();
    let Some(first) = state
        .rows
        .iter()
        .position(|r| *r == LibraryRow::Title(state.selected))
    else {
        state.offset = 0;
        return;
    };
    // Show the group headings just above the first entry of a group too.
    let mut top = first;
    while top > 0 && matches!(state.rows[top - 1], LibraryRow::Group { .. }) {
        top -= 1;
    }
    let last = state.rows[first + 1..]
        .iter()
        .position(|r| !matches!(r, LibraryRow::Description(_)))
        .map_or(state.rows.len() - 1, |p| first + p);
    if top < state.offset {
        state.offset = top;
    } else if last >= state.offset + height {
        state.offset = last + 1 - height.min(last + 1);
    }
}

fn scroll(state: &mut State, down: bool, column: u16, row: u16, effects: &mut Vec<Effect>) {
    // The wheel acts where the pointer is not needed yet: lists move their selection, the
    // reader scrolls three lines.
    let _ = (column, row);
    match (&state.overlay, state.screen) {
        (Some(_), _) | (None, Screen::Library) => {
            let command = if down { Command::Down } else { Command::Up };
            command_action(state, command, effects);
        }
        (None, Screen::Reader) => {
            if let Some(reader) = state.reader.as_mut() {
                if down {
                    reader.scroll_down(3);
                } else {
                    reader.scroll_up(3);
                }
                let key = reader.key.clone();
                remember_position(state, key, effects);
            }
        }
    }
}

fn click(state: &mut State, column: u16, row: u16, effects: &mut Vec<Effect>) {
    match state.overlay.clone() {
        Some(overlay @ (Overlay::Contents { .. } | Overlay::Bookmarks { .. })) => {
            let rows = overlay_rows(state, &overlay);
            let rect = geometry::inner(geometry::overlay(
                state.width,
                state.height,
                overlay_width(&overlay),
                rows,
            ));
            if !rect.contains(ratatui::layout::Position::new(column, row)) {
                state.overlay = None;
                return;
            }
            let (offset, selected) = match overlay {
                Overlay::Contents { offset, selected }
                | Overlay::Bookmarks { offset, selected } => (offset, selected),
                _ => return,
            };
            let index = offset + usize::from(row - rect.y);
            if index >= rows {
                return;
            }
            let is_contents = matches!(overlay, Overlay::Contents { .. });
            if index == selected {
                // A second click on the selected row opens it.
                command_action(state, Command::Open, effects);
            } else if is_contents {
                state.overlay = Some(Overlay::Contents {
                    selected: index,
                    offset,
                });
            } else {
                state.overlay = Some(Overlay::Bookmarks {
                    selected: index,
                    offset,
                });
            }
        }
        Some(_) => state.overlay = None,
        None if state.screen == Screen::Library => {
            let Some(areas) = geometry::library(state.width, state.height) else {
                return;
            };
            if row < areas.list.y || row >= areas.list.bottom() {
                return;
            }
            let index = state.offset + usize::from(row - areas.list.y);
            let entry = match state.rows.get(index) {
                Some(LibraryRow::Title(i) | LibraryRow::Description(i)) => *i,
                _ => return,
            };
            library::cancel_pending_open(state);
            if entry == state.selected {
                open_entry(state, entry, effects);
            } else {
                state.selected = entry;
                keep_selection_visible(state);
            }
        }
        None => {}
    }
}

fn store_op(op: Op) -> Effect {
    Effect::Store(Box::new(op))
}

#[cfg(test)]
mod tests;
