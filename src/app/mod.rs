//! The application: one [`State`], everything that happens as an [`Action`], and a pure
//! [`update`] that changes the state and returns [`Effect`]s (load an article, check links,
//! save progress, quit) for the runtime to perform. Nothing here touches files, the clock or
//! the terminal: time arrives as [`Action::Tick`], keys as [`Action::Key`] (turned into
//! intents by [`input::interpret`]), work done in the background as actions of its own. So
//! every behaviour is a test that feeds actions and looks at the state.
//!
//! The parts: [`input`] (modes and keys), [`keymap`] (bindings per context), `bookmarks`,
//! `overlay` (contents, help, bookmarks list), `mouse`, `library` (the list while a large
//! INDEX.md arrives), [`browse`] (next and previous article, read marks, the list's view and
//! counts), `reader` (the open article), [`geometry`] (where things go).

mod bookmarks;
pub mod browse;
pub mod filter;
pub mod find;
pub mod geometry;
pub mod input;
pub mod keymap;
mod library;
pub mod links;
mod mouse;
mod news;
mod overlay;
mod reader;
pub mod reload;
pub mod results;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use crossterm::event::KeyEvent;

use crate::document::Document;
pub use crate::document::window::Jump;
use crate::library::{Entry, Library, Target};
use crate::store::{Bookmark, DocState, Op};
pub use input::{Intent, Message, Mode, Pending, Prompt, Typing};
pub use keymap::{Command, Context, Keymap};
pub use library::{Lookup, PendingOpen};
pub use overlay::{
    MESSAGE_WIDTH, help_width, overlay_box, overlay_height, overlay_rows, overlay_width,
};
pub use reader::Reader;

/// Settings that shape what is shown, from the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub max_width: u16,
    pub hyphenate: bool,
    pub justify: bool,
    /// A search without diacritics finds text with them (`cafe` finds `café`).
    pub ignore_diacritics: bool,
    /// `c` in the question before opening a web address copies it through the terminal
    /// (OSC 52): off unless the configuration turns it on.
    pub osc52: bool,
    /// Web links on screen are OSC 8 hyperlinks a terminal can open on click.
    pub osc8: bool,
    /// How the library list starts: three rows per entry or one.
    pub library_view: crate::config::LibraryView,
    /// Whether the library list starts with finished articles hidden.
    pub hide_finished: bool,
}

impl Settings {
    /// How a query typed in the reader is read.
    pub fn search_options(&self) -> crate::search::Options {
        crate::search::Options {
            ignore_diacritics: self.ignore_diacritics,
            ..crate::search::Options::default()
        }
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_width: 80,
            hyphenate: true,
            justify: false,
            ignore_diacritics: true,
            osc52: false,
            osc8: false,
            library_view: crate::config::LibraryView::Full,
            hide_finished: false,
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
    Contents { selected: usize, offset: usize },
    /// The keys of the context help was opened from.
    Help { context: Context, offset: usize },
    /// All bookmarks: the selected row and the first row shown.
    Bookmarks { selected: usize, offset: usize },
    /// The results of a library-wide search: the selected row and the first row shown.
    Results { selected: usize, offset: usize },
    /// Every link of the open article (`F`).
    Links { selected: usize, offset: usize },
}

/// One display line of the library list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LibraryRow {
    /// A group heading; `heading` indexes `State::browse.headings` (its counts).
    Group {
        title: String,
        depth: usize,
        heading: usize,
    },
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
    /// Shared with the workers that need all of it (a library-wide search): handed to one
    /// without copying 100,000 entries, and copied on a change only while one holds it.
    pub library: Arc<Library>,
    pub rows: Vec<LibraryRow>,
    /// Saved-state key of each entry (none while it is unchecked), and the first checked
    /// entry of each key: made as entries arrive and are checked, not on every lookup.
    keys: Vec<Option<String>>,
    entry_of: HashMap<String, usize>,
    /// Entries before this one are all checked.
    checked: usize,
    /// INDEX.md is still being parsed: more entries will come ([`Action::MoreEntries`]).
    pub reading_index: bool,
    /// `G` was pressed in the library while INDEX.md was still being read: the selection
    /// follows the end as entries arrive, until the last one (or the person moves).
    pub to_last_entry: bool,
    /// An open waiting for the library to be read or checked further.
    pub pending_open: Option<PendingOpen>,
    /// Selected entry (index into `library.entries`).
    pub selected: usize,
    /// First library row shown.
    pub offset: usize,
    pub screen: Screen,
    pub reader: Option<Reader>,
    pub overlay: Option<Overlay>,
    /// How keys are taken: normally, as typed text, or closing a message.
    pub mode: Mode,
    /// A count or the start of a key sequence typed so far.
    pub pending_keys: Pending,
    pub width: u16,
    pub height: u16,
    pub settings: Settings,
    pub keymap: Keymap,
    pub saved_docs: HashMap<String, DocState>,
    pub bookmarks: BTreeMap<String, Bookmark>,
    /// Bookmarks deleted in this session, the last one last, for undo.
    pub deleted: Vec<(String, Bookmark)>,
    /// Where the open document's bookmarks are: (block, bookmark id), sorted.
    pub marks: Vec<(usize, String)>,
    /// The bookmarks or the open document changed: `marks` is made anew after the update.
    marks_stale: bool,
    /// A place to open the next loaded document at (a bookmark's), by document key.
    pub open_at: Option<(String, crate::anchor::Anchor)>,
    /// Documents of bookmarks whose file is gone (as found when the list was opened).
    pub missing_docs: std::collections::BTreeSet<String>,
    /// A short line shown in the status bar until the next key.
    pub flash: Option<String>,
    /// Opened on a single article: going back quits.
    pub single: bool,
    pub quit: bool,
    /// The time of the last [`Action::Tick`], Unix milliseconds: what saved changes are
    /// stamped with.
    pub now: u64,
    /// Filtering the library list (`/`): the open filter and what it matches on.
    pub filter: filter::FilterState,
    /// Searching every article of the library (`S`) and the results.
    pub search_all: results::SearchAll,
    /// An article being opened at a match of the library-wide search.
    pub open_search: Option<results::OpenSearch>,
    /// Where links were followed from, the last one last: back goes there first.
    pub back: Vec<links::BackPlace>,
    /// The links of the open article, while their list is shown.
    pub links: Vec<links::Listed>,
    /// An article being opened at a place in it (by a link, or from the command line).
    pub open_fragment: Option<(usize, links::Deep)>,
    /// A window was shown where the file seemed to have that section (see
    /// [`crate::document::seek`]): once the whole article is read there, it is checked.
    pub fragment_guessed: bool,
    /// The library list's view and what it hides, its counts, stepping between articles.
    pub browse: browse::Browse,
}

/// Everything that can happen to the state.
#[derive(Debug)]
pub enum Action {
    /// The time now, in Unix milliseconds. The runtime sends it before what happens next.
    Tick(u64),
    /// A key press.
    Key(KeyEvent),
    /// A command, as a key bound to it would run it once.
    Command(Command),
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
        /// Bytes of the file behind the blocks so far (see [`crate::document::stream::Piece::end`]).
        end: Option<u64>,
        /// Reading failed part way: what was read stays readable.
        error: Option<String>,
    },
    /// Matches of the search numbered `search` in the blocks `blocks` of the open article,
    /// from a worker; `done` when it has ended (and let go of the document).
    Found {
        search: u64,
        blocks: std::ops::Range<usize>,
        hits: Vec<crate::search::document::Hit>,
        done: bool,
    },
    /// What the worker of the library-wide search numbered `search` found or did.
    SearchedAll {
        search: u64,
        event: results::SearchEvent,
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
    /// Entries' links, checked: by the runtime for [`Effect::Check`], or in the background.
    Checked {
        targets: Vec<(usize, Target)>,
    },
    /// What the store holds after merging what other blatt processes saved: their
    /// bookmarks, and their positions in documents other than the one open here.
    Shared {
        bookmarks: BTreeMap<String, Bookmark>,
        docs: BTreeMap<String, DocState>,
        /// Documents of bookmarks whose file is gone, when that was looked at.
        missing: Option<std::collections::BTreeSet<String>>,
    },
    /// Another library was opened (for a bookmark of it, which opens once it is found).
    LibraryOpened {
        library: Box<Library>,
        /// More of its INDEX.md comes in the background.
        reading: bool,
        then: Box<Bookmark>,
    },
    /// Where the section `fragment` of entry `entry`'s article may start in its file (see
    /// [`Effect::Seek`]).
    Sought {
        entry: usize,
        fragment: String,
        byte: Option<u64>,
    },
    /// A window of a loading article, read for a jump far into it (see [`Effect::ReadAhead`]).
    Ahead {
        entry: usize,
        jump: Jump,
        result: Result<Box<crate::document::window::Window>, String>,
    },
    /// Something the person should know that happened outside (a save that failed).
    Notice(String),
    /// Something that went wrong outside and needs explaining: shown as a message.
    Problem {
        title: String,
        lines: Vec<String>,
    },
    /// The process was continued after a stop: the screen must be drawn anew.
    Continued,
    /// A signal (or a closed terminal) asks blatt to end: save and quit.
    Terminate,
    /// The library filter's work, done by a worker for [`Effect::Filter`].
    Filtered(filter::Done),
    /// A watched file changed on disk and has been quiet since; `gone`: it is not there,
    /// still a moment after it went (see [`reload`]).
    FileChanged {
        path: std::path::PathBuf,
        gone: bool,
    },
    /// The open article (by key), read again through `entry` after it changed on disk.
    Reloaded {
        entry: usize,
        key: String,
        result: Result<Arc<Document>, String>,
    },
    /// INDEX.md, read again after it changed on disk (every entry parsed and checked).
    IndexReloaded {
        result: Result<reload::ReadAgain, String>,
    },
    /// INDEX.md was brought up to date with the folder (`R`), or could not be.
    IndexUpdated {
        result: Result<reload::IndexUpdate, String>,
    },
    /// A fetch of the feeds (`F`) got on: feeds done of all, articles saved so far.
    FeedsProgress(crate::news::feeds::Progress),
    /// The fetch of the feeds is over: what it did, or why it could not run.
    FeedsFetched {
        result: Result<crate::news::feeds::Summary, String>,
    },
}

impl Action {
    /// Whether the person did this (a key, the mouse), rather than the world.
    fn is_personal(&self) -> bool {
        matches!(
            self,
            Action::Key(_) | Action::Command(_) | Action::Scroll { .. } | Action::Click { .. }
        )
    }
}

/// What the runtime must do after an update.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Read and parse the article of this entry, then send [`Action::Loaded`].
    Load {
        entry: usize,
    },
    /// Read a window of this entry's article for a jump far into it, while the article
    /// still loads, then send [`Action::Ahead`] (within the frame of the key).
    ReadAhead {
        entry: usize,
        jump: Jump,
    },
    /// Scan this entry's file for where the section `fragment` names may start (see
    /// [`crate::document::seek`]), then send [`Action::Sought`].
    Seek {
        entry: usize,
        fragment: String,
    },
    /// Check these entries' links now (they are on screen or being opened), then send
    /// [`Action::Checked`].
    Check {
        entries: Vec<usize>,
    },
    /// Record a change for saving (the runtime batches and debounces).
    Store(Box<Op>),
    /// Save now (leaving a document, quitting).
    Flush,
    /// Take in what other blatt processes saved (before showing all bookmarks), then send
    /// [`Action::Shared`].
    Refresh,
    Suspend,
    /// Draw every cell anew (after the process was stopped and continued).
    Redraw,
    /// Search the open article in the background and send [`Action::Found`]s.
    Search(Box<find::SearchJob>),
    /// Stop the search running in the background.
    StopSearch,
    /// Search every article of the library in the background and send
    /// [`Action::SearchedAll`]s.
    SearchLibrary(Box<results::LibrarySearch>),
    /// Stop the library-wide search running in the background.
    StopSearchLibrary,
    /// Hand a web address (http, https, mailto; confirmed on screen) to the system's
    /// opener.
    OpenUrl(String),
    /// Put a web address on the clipboard through the terminal (OSC 52).
    CopyUrl(String),
    /// Open the library with this key (its INDEX.md), then send [`Action::LibraryOpened`]
    /// with `then`.
    OpenLibrary {
        key: String,
        then: Box<Bookmark>,
    },
    Quit,
    /// The library filter's work for a worker (making the entries' fields, ranking them for
    /// a query); send [`Action::Filtered`] with the result, if it comes to one.
    Filter(filter::Work),
    /// Read the open article again through this entry (it changed on disk), then send
    /// [`Action::Reloaded`] (and the rest of a large one as [`Action::More`]).
    ReloadArticle {
        entry: usize,
    },
    /// Read INDEX.md again, whole, in the background (it changed on disk), then send
    /// [`Action::IndexReloaded`]; nothing if it has not changed since it was last read.
    ReloadIndex,
    /// Bring `dir`'s INDEX.md up to date as `blatt index` does, in the background, then
    /// send [`Action::IndexUpdated`].
    UpdateIndex {
        dir: std::path::PathBuf,
    },
    /// Fetch the configured feeds into the library folder `dir` in the background, sending
    /// [`Action::FeedsProgress`] and then [`Action::FeedsFetched`].
    FetchFeeds {
        dir: std::path::PathBuf,
    },
}

impl State {
    pub fn new(library: Library, settings: Settings, keymap: Keymap) -> Self {
        let count = library.entries.len();
        let browse = browse::Browse::new(&settings);
        let mut state = State {
            library: Arc::new(library),
            rows: Vec::new(),
            keys: Vec::with_capacity(count),
            entry_of: HashMap::with_capacity(count),
            checked: 0,
            reading_index: false,
            to_last_entry: false,
            pending_open: None,
            selected: 0,
            offset: 0,
            screen: Screen::Library,
            reader: None,
            overlay: None,
            mode: Mode::Normal,
            pending_keys: Pending::default(),
            width: 80,
            height: 24,
            settings,
            keymap,
            saved_docs: HashMap::new(),
            bookmarks: BTreeMap::new(),
            deleted: Vec::new(),
            marks: Vec::new(),
            marks_stale: false,
            open_at: None,
            missing_docs: Default::default(),
            flash: None,
            single: false,
            quit: false,
            now: 0,
            filter: filter::FilterState::default(),
            search_all: results::SearchAll::default(),
            open_search: None,
            back: Vec::new(),
            links: Vec::new(),
            open_fragment: None,
            fragment_guessed: false,
            browse,
        };
        state.take_in_entries(0);
        state
    }

    /// Shows another library, as if blatt had been started on it; what is saved stays.
    pub fn replace_library(&mut self, library: Library, reading: bool) {
        let count = library.entries.len();
        self.library = Arc::new(library);
        self.rows.clear();
        self.keys = Vec::with_capacity(count);
        self.entry_of = HashMap::with_capacity(count);
        self.checked = 0;
        self.reading_index = reading;
        self.pending_open = None;
        self.selected = 0;
        self.offset = 0;
        self.screen = Screen::Library;
        self.reader = None;
        self.overlay = None;
        self.single = false;
        self.marks_stale = true;
        self.filter = filter::FilterState::default();
        // Results name entries of the library left.
        self.search_all.results = None;
        self.open_search = None;
        self.back.clear();
        self.open_fragment = None;
        if matches!(&self.mode, Mode::Typing(t) if matches!(t.prompt, Prompt::Filter | Prompt::SearchAll))
        {
            self.mode = Mode::Normal;
        }
        self.take_in_entries(0);
    }

    /// Where keys are pressed: the overlay on top, else the screen.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Contents { .. }) => Context::Contents,
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Bookmarks { .. }) => Context::Bookmarks,
            Some(Overlay::Results { .. }) => Context::Results,
            Some(Overlay::Links { .. }) => Context::Links,
            None => match self.screen {
                Screen::Library => Context::Library,
                Screen::Reader => Context::Reader,
            },
        }
    }

    /// The first key of `command` where the person is now, for hints.
    pub fn hint(&self, command: Command) -> String {
        self.keymap.hint(self.context(), command)
    }

    /// Shows a message that the next key closes.
    pub fn show_message(&mut self, title: impl Into<String>, lines: Vec<String>) {
        self.mode = Mode::Message(Message::new(title, lines));
    }

    /// The message shown, if any.
    pub fn message(&self) -> Option<&Message> {
        match &self.mode {
            Mode::Message(message) => Some(message),
            _ => None,
        }
    }

    /// The saved-state key of an entry; none while its link is unchecked.
    pub fn entry_key(&self, entry: usize) -> Option<&str> {
        self.keys.get(entry).and_then(Option::as_deref)
    }

    /// Where the article of `entry` opens when it is loaded now: the place it was asked to
    /// open at (a bookmark, a hit of the library-wide search), else its saved reading
    /// position. The runtime reads a window there ahead of time for a place far into a large
    /// article (see `Effect::ReadAhead`); `update` decides with the same places.
    pub fn place_to_open(&self, entry: usize) -> Option<&crate::anchor::Anchor> {
        let key = self.entry_key(entry)?;
        self.asked_place(entry, key)
            .or_else(|| self.saved_docs.get(key).map(|saved| &saved.anchor))
    }

    /// The place the article of `entry` (saved as `key`) was asked to open at.
    fn asked_place(&self, entry: usize, key: &str) -> Option<&crate::anchor::Anchor> {
        self.open_at
            .as_ref()
            .filter(|(doc, _)| doc == key)
            .map(|(_, anchor)| anchor)
            .or_else(|| {
                self.open_search
                    .as_ref()
                    .filter(|s| s.entry == entry)
                    .map(|s| &s.anchor)
            })
    }

    pub fn progress(&self, entry: usize) -> Option<Progress> {
        let key = self.entry_key(entry)?;
        // Marked read and then unread without ever being opened: still new.
        let never_opened = |d: &&DocState| {
            !d.finished
                && d.percent == 0.0
                && d.anchor == crate::anchor::Anchor::default()
                && d.read_sections.is_empty()
        };
        self.saved_docs
            .get(key)
            .filter(|d| !never_opened(d))
            .map(|d| Progress {
                percent: d.percent,
                finished: d.finished,
            })
    }

    /// A bookmark of the open document in a section with this heading path.
    pub fn bookmarked(&self, section_path: &[String]) -> Option<&Bookmark> {
        let reader = self.reader.as_ref()?;
        self.marks
            .iter()
            .find(|(block, _)| {
                reader
                    .doc
                    .sections
                    .get(reader.doc.section_of(*block))
                    .is_some_and(|s| s.path == section_path)
            })
            .and_then(|(_, id)| self.bookmarks.get(id))
    }

    /// The id of the bookmark at a block of the open document.
    pub fn mark_at(&self, block: usize) -> Option<&str> {
        self.marks
            .iter()
            .find(|(b, _)| *b == block)
            .map(|(_, id)| id.as_str())
    }

    /// Whether section `index` of the open document holds a bookmark.
    pub fn section_marked(&self, index: usize) -> bool {
        let Some(section) = self.reader.as_ref().and_then(|r| r.doc.sections.get(index)) else {
            return false;
        };
        let first = self
            .marks
            .partition_point(|(b, _)| *b < section.blocks.start);
        self.marks
            .get(first)
            .is_some_and(|(b, _)| *b < section.blocks.end)
    }

    /// Bookmarks in display order: grouped by document (documents of the library first, in
    /// library order, orphans after), then by position in the document.
    pub fn bookmark_list(&self) -> Vec<(&String, &Bookmark)> {
        let mut list: Vec<_> = self.bookmarks.iter().collect();
        // While the library is still being checked, an entry found so far stands in.
        let key = |b: &Bookmark| self.entry_of.get(&b.doc).copied().unwrap_or(usize::MAX);
        list.sort_by(|(_, a), (_, b)| {
            (key(a), &a.doc, a.anchor.block).cmp(&(key(b), &b.doc, b.anchor.block))
        });
        list
    }

    /// Whether a bookmark's document is no longer in the library (as far as is known).
    pub fn is_orphan(&self, bookmark: &Bookmark) -> bool {
        self.entry_of_key(&bookmark.doc) == Lookup::NotListed
    }

    /// The rows the library shows: the filtered list while a query filters it, else all.
    pub fn library_rows(&self) -> &[LibraryRow] {
        self.filter.rows().unwrap_or(&self.rows)
    }

    fn list_height(&self) -> usize {
        geometry::library(self.width, self.height).map_or(1, |a| usize::from(a.list.height).max(1))
    }
}

/// Applies one action. Pure: all I/O is returned as effects, and the time comes from the
/// last [`Action::Tick`].
pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    if let Action::Tick(now) = action {
        // The clock changes nothing on screen and asks for nothing.
        state.now = now;
        return Vec::new();
    }
    let mut effects = Vec::new();
    // Only what the person does clears the status line, not what arrives in the background.
    if action.is_personal() {
        state.flash = None;
    }
    // Where the person is before what they do: if they move, a place the open article still
    // waits for (a section a link named, a match of the library-wide search) is no longer
    // where they want to be.
    let moved_from = match &action {
        Action::Key(_) | Action::Command(_) | Action::Scroll { .. } | Action::Click { .. } => state
            .reader
            .as_ref()
            .map(|r| (r.entry, Arc::as_ptr(&r.doc), r.top)),
        _ => None,
    };
    match action {
        Action::Tick(_) => {}
        Action::Key(key) => key_action(state, &key, &mut effects),
        Action::Command(command) => command_in_mode(state, command, &mut effects),
        Action::Resize(width, height) => {
            state.width = width;
            state.height = height;
            if let Some(reader) = state.reader.as_mut() {
                // The match the reader is at, if on screen, stays there: `n` goes on from
                // it (off screen, `n` would go on from the screen).
                let current = reader
                    .find
                    .as_ref()
                    .and_then(|f| f.current)
                    .map(|c| (c.start.block, c.start.offset))
                    .filter(|&(block, offset)| reader.shows(block, offset));
                reader.resize(width, height, &state.settings);
                if let Some((block, offset)) = current {
                    reader.keep_shown(block, offset);
                }
            }
            keep_selection_visible(state);
            overlay::clamp(state);
            clamp_message(state);
        }
        Action::Loaded { entry, result } => loaded(state, entry, result, &mut effects),
        Action::More {
            entry,
            blocks,
            done,
            end,
            error,
        } => {
            if let Some(reader) = state.reader.as_mut()
                && reader.entry == entry
                && reader.loading()
            {
                let before = reader.doc.block_count();
                if reader.take_piece(blocks, done, end) {
                    state.marks_stale = true;
                    find::grown(state, before);
                    links::arrived(state);
                }
                if state.reader.as_mut().is_some_and(Reader::take_caught_up) {
                    // From a window to the whole article, at the same text: exact now.
                    state.marks_stale = true;
                    if state.flash.as_deref() == Some(STILL_READING) {
                        state.flash = None;
                    }
                    overlay::clamp(state);
                    links::arrived(state);
                    if let Some(key) = state.reader.as_ref().map(|r| r.key.clone()) {
                        remember_position(state, key, &mut effects);
                    }
                }
                start_open_search(state, &mut effects);
                if let Some(error) = error {
                    state.flash = Some(format!("the rest could not be read: {error}"));
                }
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
        Action::Found {
            search,
            blocks,
            hits,
            done,
        } => find::found(state, search, blocks, hits, done, &mut effects),
        Action::SearchedAll { search, event } => results::event(state, search, event),
        Action::Checked { targets } => library::checked(state, targets, &mut effects),
        Action::Shared {
            bookmarks,
            docs,
            missing,
        } => {
            let open = state.reader.as_ref().map(|r| r.key.clone());
            state.bookmarks = bookmarks;
            if let Some(missing) = missing {
                state.missing_docs = missing;
            }
            state.marks_stale = true;
            for (key, doc) in docs {
                if Some(&key) != open.as_ref() {
                    state.saved_docs.insert(key, doc);
                }
            }
            browse::docs_changed(state);
            overlay::clamp(state);
        }
        Action::Sought {
            entry,
            fragment,
            byte,
        } => links::sought(state, entry, &fragment, byte, &mut effects),
        Action::Ahead {
            entry,
            jump,
            result,
        } => ahead_read(state, entry, &jump, result),
        Action::Notice(text) => state.flash = Some(text),
        Action::Problem { title, lines } => state.show_message(title, lines),
        Action::LibraryOpened {
            library,
            reading,
            then,
        } => {
            if let Some(reader) = state.reader.as_ref() {
                remember_position(state, reader.key.clone(), &mut effects);
            }
            state.replace_library(*library, reading);
            bookmarks::open_doc(state, *then, &mut effects);
        }
        Action::Continued => effects.push(Effect::Redraw),
        Action::Terminate => quit(state, &mut effects),
        Action::Scroll { down, column, row } => {
            mouse::scroll(state, down, column, row, &mut effects);
        }
        Action::Click { column, row } => mouse::click(state, column, row, &mut effects),
        Action::Filtered(done) => filter::done(state, done, &mut effects),
        Action::FileChanged { path, gone } => {
            reload::file_changed(state, &path, gone, &mut effects);
        }
        Action::Reloaded { entry, key, result } => {
            reload::article_reloaded(state, entry, &key, result, &mut effects);
        }
        Action::IndexReloaded { result } => reload::index_reloaded(state, result, &mut effects),
        Action::IndexUpdated { result } => reload::index_updated(state, result, &mut effects),
        Action::FeedsProgress(progress) => news::progress(state, progress),
        Action::FeedsFetched { result } => news::fetched(state, result, &mut effects),
    }
    if let (Some((entry, doc, top)), Some(reader)) = (moved_from, state.reader.as_ref())
        && reader.entry == entry
        && (Arc::as_ptr(&reader.doc) != doc || reader.top != top)
    {
        forget_waiting_places(state, entry);
    }
    browse::settle(state);
    library::check_view(state, &mut effects);
    if state.marks_stale {
        bookmarks::refresh_marks(state);
    }
    effects
}

/// A key: what it means in the current mode and context, carried out.
fn key_action(state: &mut State, key: &KeyEvent, effects: &mut Vec<Effect>) {
    let context = state.context();
    let counted = state.pending_keys.count.is_some();
    let intent = input::interpret(
        &state.mode,
        context,
        &state.keymap,
        &mut state.pending_keys,
        key,
    );
    match intent {
        // `%` without a count is the start, as in less.
        Intent::Run {
            command: Command::Percent,
            ..
        } if !counted => run_command(state, Command::Percent, 0, effects),
        Intent::Run { command, count } => run_command(state, command, count, effects),
        Intent::Edit(request) => {
            if let Mode::Typing(typing) = &mut state.mode {
                let before = typing.text().to_string();
                input::apply_edit(typing, request);
                let (prompt, text) = (typing.prompt, typing.text().to_string());
                match prompt {
                    Prompt::Search if text != before => find::retype(state, effects),
                    Prompt::Filter => filter::set_query(state, &text, effects),
                    Prompt::SearchAll if text != before => results::retyped(state),
                    _ => {}
                }
            }
        }
        Intent::ToggleRegex => match &state.mode {
            Mode::Typing(t) if t.prompt == Prompt::Search => find::toggle_regex(state, effects),
            Mode::Typing(t) if t.prompt == Prompt::SearchAll => results::toggle_regex(state),
            _ => {}
        },
        Intent::SwitchScope => switch_scope(state, effects),
        Intent::Submit => submit(state, effects),
        Intent::Cancel => cancel_typing(state, effects),
        Intent::Dismiss => state.mode = Mode::Normal,
        Intent::Hint(c) => links::type_hint(state, c, effects),
        Intent::EraseHint => links::erase_hint(state),
        Intent::Answer(c) => links::answer(state, c, effects),
        Intent::ScrollMessage(command) => scroll_message(state, command),
        Intent::Wait | Intent::Nothing => {}
    }
}

/// A command given directly (by a test or the mouse): in a mode, it does what its usual key
/// does there (Enter submits typed text, any command closes a message).
fn command_in_mode(state: &mut State, command: Command, effects: &mut Vec<Effect>) {
    match (&state.mode, command) {
        (_, Command::Quit) => run_command(state, command, 1, effects),
        (Mode::Typing(_), Command::Open) => submit(state, effects),
        (Mode::Typing(_), Command::Back) => cancel_typing(state, effects),
        (Mode::Typing(_), _) => {}
        (Mode::Message(_) | Mode::Hints(_) | Mode::Confirm(_), _) => state.mode = Mode::Normal,
        (Mode::Normal, _) => run_command(state, command, 1, effects),
    }
}

/// Esc while typing: the text is dropped (a search goes back to where it started, a filter
/// restores the whole list).
fn cancel_typing(state: &mut State, effects: &mut Vec<Effect>) {
    match &state.mode {
        Mode::Typing(t) if t.prompt == Prompt::Search => {
            find::cancel(state, effects);
            state.mode = Mode::Normal;
        }
        Mode::Typing(t) if t.prompt == Prompt::Filter => filter::cancel(state),
        _ => state.mode = Mode::Normal,
    }
}

/// Tab in a search prompt: the same text searches elsewhere. From the article's search or
/// the library's filter to every article of the library, and back to the prompt of the
/// screen shown.
fn switch_scope(state: &mut State, effects: &mut Vec<Effect>) {
    let Mode::Typing(typing) = &state.mode else {
        return;
    };
    let text = typing.text().to_string();
    match typing.prompt {
        Prompt::Search => {
            find::cancel(state, effects);
            results::open_prompt(state, Some(text));
        }
        Prompt::Filter => {
            filter::cancel(state);
            results::open_prompt(state, Some(text));
        }
        Prompt::SearchAll => {
            state.mode = Mode::Normal;
            let in_reader = state.screen == Screen::Reader && state.reader.is_some();
            if in_reader {
                state.overlay = None;
                find::open_prompt(state, effects);
            } else {
                state.overlay = None;
                filter::open(state, effects);
            }
            if let Mode::Typing(typing) = &mut state.mode {
                typing.editor = tui_input::Input::new(text.clone());
            }
            if in_reader {
                find::retype(state, effects);
            } else {
                filter::set_query(state, &text, effects);
            }
        }
        Prompt::Note | Prompt::CommandLine => {}
    }
}

/// Enter while typing: the text goes where the prompt says.
fn submit(state: &mut State, effects: &mut Vec<Effect>) {
    let Mode::Typing(typing) = std::mem::take(&mut state.mode) else {
        return;
    };
    if typing.prompt == Prompt::Search {
        find::submit(state, typing, effects);
        return;
    }
    if typing.prompt == Prompt::SearchAll {
        results::submit(state, typing, effects);
        return;
    }
    let text = typing.text().trim().to_string();
    match typing.prompt {
        Prompt::Note => bookmarks::save_note(state, text, effects),
        Prompt::CommandLine => command_line(state, &text, effects),
        Prompt::Search | Prompt::SearchAll => {}
        Prompt::Filter => filter::submit(state, effects),
    }
}

/// A command typed after `:`.
fn command_line(state: &mut State, text: &str, effects: &mut Vec<Effect>) {
    match text {
        "" => {}
        "q" | "q!" | "quit" | "qa" | "qa!" | "wq" | "x" => quit(state, effects),
        "help" | "h" => run_command(state, Command::Help, 1, effects),
        other => {
            state.flash = Some(format!("unknown command `:{other}` (`:q` quits)"));
        }
    }
}

fn scroll_message(state: &mut State, command: Command) {
    let rows = message_rows_now(state);
    let height = message_height(state);
    if let Mode::Message(message) = &mut state.mode {
        let last = rows.saturating_sub(height);
        message.offset = overlay::move_selection(message.offset, last, command, height, 1).0;
    }
}

/// Keeps a scrolled message inside its rows after a resize.
fn clamp_message(state: &mut State) {
    let rows = message_rows_now(state);
    let height = message_height(state);
    if let Mode::Message(message) = &mut state.mode {
        message.offset = message.offset.min(rows.saturating_sub(height));
    }
}

/// The width a message's text is wrapped to at the current size.
pub fn message_width(state: &State) -> usize {
    let rect = geometry::overlay(state.width, state.height, overlay::MESSAGE_WIDTH, 1);
    usize::from(geometry::inner(rect).width).max(1)
}

/// Rows of the shown message, wrapped, plus the hint below it.
fn message_rows_now(state: &State) -> usize {
    state.message().map_or(0, |m| {
        input::message_rows(m, message_width(state)).len() + 2
    })
}

/// The inner height of the message box at the current size.
pub fn message_height(state: &State) -> usize {
    let rows = message_rows_now(state);
    let rect = geometry::overlay(state.width, state.height, overlay::MESSAGE_WIDTH, rows);
    usize::from(geometry::inner(rect).height).max(1)
}

/// Runs a command `count` times where the person is.
fn run_command(state: &mut State, command: Command, count: usize, effects: &mut Vec<Effect>) {
    match command {
        Command::Quit => {
            quit(state, effects);
            return;
        }
        Command::Suspend => {
            effects.push(Effect::Suspend);
            return;
        }
        Command::Redraw => {
            effects.push(Effect::Redraw);
            return;
        }
        Command::CommandLine => {
            state.mode = Mode::Typing(Typing::new(Prompt::CommandLine, String::new()));
            return;
        }
        Command::SearchAll => {
            // The article's search, if there is one, is what is looked for everywhere.
            let text = state
                .reader
                .as_ref()
                .filter(|_| state.screen == Screen::Reader && state.overlay.is_none())
                .and_then(|r| r.find.as_ref())
                .map(|f| f.text.clone())
                .filter(|t| !t.is_empty());
            results::open_prompt(state, text);
            return;
        }
        _ => {}
    }
    if state.overlay.is_some() {
        overlay::command(state, command, count, effects);
        return;
    }
    match state.screen {
        Screen::Library => library_command(state, command, count, effects),
        Screen::Reader => reader_command(state, command, count, effects),
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

fn library_command(state: &mut State, command: Command, count: usize, effects: &mut Vec<Effect>) {
    library::cancel_pending_open(state);
    // `G` ends on the last entry of INDEX.md, not of the part read so far; changing how
    // the list looks is no move away from it.
    if command == Command::Bottom {
        state.to_last_entry = state.reading_index;
    } else if !matches!(
        command,
        Command::ToggleView | Command::HideFinished | Command::Redraw
    ) {
        state.to_last_entry = false;
    }
    let height = state.list_height();
    let page = (height / 3).max(1);
    // Moves go through the list shown: the filtered one in its order while filtering.
    let order = state.filter.order().or(state.browse.shown());
    let entries = order.map_or(state.library.entries.len(), <[usize]>::len);
    let at = order.map_or(state.selected, |o| {
        o.iter().position(|&e| e == state.selected).unwrap_or(0)
    });
    let entry = |position: usize| order.map_or(position, |o| o.get(position).copied().unwrap_or(0));
    let last = entries.saturating_sub(1);
    let down = |by: usize| entry(at.saturating_add(by.saturating_mul(count)).min(last));
    let up = |by: usize| entry(at.saturating_sub(by.saturating_mul(count)));
    let moved = match command {
        Command::Down => Some(down(1)),
        Command::Up => Some(up(1)),
        Command::PageDown => Some(down(page)),
        Command::PageUp => Some(up(page)),
        Command::HalfPageDown => Some(down(page / 2 + 1)),
        Command::HalfPageUp => Some(up(page / 2 + 1)),
        Command::Top => Some(entry(0)),
        Command::Bottom => Some(entry(last)),
        _ => None,
    };
    if let Some(to) = moved {
        // An empty filtered list has nothing to move to.
        if entries > 0 {
            state.selected = to;
        }
        keep_selection_visible(state);
        return;
    }
    match command {
        Command::Down
        | Command::Up
        | Command::PageDown
        | Command::PageUp
        | Command::HalfPageDown
        | Command::HalfPageUp
        | Command::Top
        | Command::Bottom => {}
        Command::ScreenTop | Command::ScreenMiddle | Command::ScreenBottom => {
            // A heading kept at the top covers the first row.
            let covered = browse::covered(state);
            let shown: Vec<usize> = state
                .library_rows()
                .iter()
                .skip(state.offset + covered)
                .take(height.saturating_sub(covered))
                .filter_map(|r| match r {
                    LibraryRow::Title(i) => Some(*i),
                    _ => None,
                })
                .collect();
            let pick = match command {
                Command::ScreenTop => shown.first(),
                Command::ScreenMiddle => shown.get(shown.len() / 2),
                _ => shown.last(),
            };
            if let Some(&entry) = pick {
                state.selected = entry;
            }
        }
        Command::ScrollTop | Command::ScrollCenter => {
            if let Some(row) = state
                .library_rows()
                .iter()
                .position(|r| *r == LibraryRow::Title(state.selected))
            {
                let above = if command == Command::ScrollTop {
                    0
                } else {
                    height / 2
                };
                state.offset = row.saturating_sub(above);
            }
        }
        // Every entry hidden: there is nothing to open.
        Command::Open if state.browse.shown().is_some_and(<[usize]>::is_empty) => {}
        Command::Open => open_entry(state, state.selected, effects),
        Command::Back => quit(state, effects),
        Command::Help => {
            state.overlay = Some(Overlay::Help {
                context: Context::Library,
                offset: 0,
            });
        }
        Command::Bookmarks => bookmarks::open_list(state, effects),
        Command::Filter => filter::open(state, effects),
        Command::NextSection
        | Command::PreviousSection
        | Command::Contents
        | Command::Bookmark
        | Command::Note
        | Command::FollowLink
        | Command::ListLinks => {
            state.flash = Some(format!(
                "open an article first ({})",
                state.hint(Command::Open)
            ));
        }
        Command::Undo => bookmarks::undo_delete(state, effects),
        Command::DeleteBookmark
        | Command::CommandLine
        | Command::Quit
        | Command::Suspend
        | Command::Redraw => {}
        Command::Search
        | Command::NextMatch
        | Command::PreviousMatch
        | Command::SearchWord
        | Command::SearchAll => {}
        Command::UpdateIndex => reload::update_index(state, effects),
        Command::FetchFeeds => news::fetch(state, effects),
        Command::ToggleRead => browse::toggle_read(state, effects),
        Command::HideFinished => browse::toggle_hide(state),
        Command::ToggleView => browse::toggle_view(state),
        Command::NextArticle | Command::PreviousArticle | Command::Percent => {}
    }
    keep_selection_visible(state);
}

fn open_entry(state: &mut State, entry: usize, effects: &mut Vec<Effect>) {
    // An article that could not be opened before, or was missing, is looked at again (it
    // may be fixed).
    if state
        .library
        .entries
        .get(entry)
        .is_some_and(|e| matches!(&e.target, Target::Problem(p) if p.may_change()))
    {
        Arc::make_mut(&mut state.library).entries[entry].target = Target::Unchecked;
    }
    open_checked_entry(state, entry, effects);
}

/// [`open_entry`] of an entry as it was last checked (its link is checked first if it
/// never was): what opening it does once the check it asked for came back, which must not
/// ask again (a problem that stays would ask for ever).
fn open_checked_entry(state: &mut State, entry: usize, effects: &mut Vec<Effect>) {
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
        let lines = vec![
            e.title.clone(),
            String::new(),
            problem.to_string(),
            String::new(),
            format!("(INDEX.md line {})", e.line),
        ];
        state.show_message("Cannot open this entry", lines);
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
            state.open_at = None;
            state.open_search = None;
            state.open_fragment = None;
            state.flash = None;
            state.browse.after_open = None;
            library::not_opened(state, entry, message.clone());
            // Stepping with `}`/`{`: passed over like any entry that cannot be opened.
            if let Some(step) = state.browse.stepping.take().filter(|s| s.to == entry) {
                browse::pass_over(state, *step, &title, &message, effects);
                return;
            }
            state.show_message(
                "Cannot open this article",
                vec![title, String::new(), message],
            );
            state.screen = Screen::Library;
        }
        Ok(doc) => {
            state.browse.stepping = None;
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
            // Opened at a match of the library-wide search: there, with the search on.
            let open_at = state.asked_place(entry, &key).cloned();
            let search = state.open_search.take().filter(|s| s.entry == entry);
            state.open_at = None;
            if let Some(saved) = state.saved_docs.get(&key) {
                let legacy = saved.section_keys < crate::store::SECTION_KEYS;
                reader.adopt_read_marks(&saved.read_sections, legacy);
                reader.finished = saved.finished;
                reader.reopen_at(open_at.as_ref().unwrap_or(&saved.anchor));
            } else if let Some(anchor) = &open_at {
                reader.reopen_at(anchor);
            } else if reader.fits_on_screen() {
                // A whole article on its first screen is read by looking at it.
                reader.mark_read();
            }
            state.reader = Some(reader);
            read_ahead_to_pending(state, effects);
            state.marks_stale = true;
            state.screen = Screen::Reader;
            state.overlay = None;
            // Stepped here past entries that cannot be opened: they are named.
            state.flash = state.browse.after_open.take();
            if let Some(search) = search {
                // A match far into a loading article: its text is read there and shown
                // first; the search starts once the article is read that far (its
                // matches are places in the whole article).
                state.open_search = Some(search);
                start_open_search(state, effects);
            }
            links::arrived(state);
            links::seek(state, effects);
            remember_position(state, key.clone(), effects);
            effects.push(store_op(Op::SetLastOpen(Some(crate::store::LastOpen {
                doc: key,
                library: state.library.origin.key(),
                updated: state.now,
            }))));
        }
    }
}

/// The person moved in the article of `entry`: a section a link named or a match of the
/// library-wide search it still waits for is not gone to any more.
fn forget_waiting_places(state: &mut State, entry: usize) {
    if state
        .open_fragment
        .as_ref()
        .is_some_and(|(e, _)| *e == entry)
    {
        state.open_fragment = None;
        state.fragment_guessed = false;
    }
    // A search typed while it waits goes on from where the person is once it starts.
    if state
        .open_search
        .as_ref()
        .is_some_and(|s| s.entry == entry && !s.typed)
    {
        state.open_search = None;
    }
}

/// Starts the search an article was opened with from the library-wide results, at its
/// match, once the reader is there in the whole article: at once if the match is read,
/// else once a window shown there (or the article read in order) has caught up. Waits while
/// the reader waits for the match's place or shows a window.
fn start_open_search(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let Some(search) = state.open_search.as_ref() else {
        return;
    };
    if search.entry != reader.entry {
        return;
    }
    if reader.pending.is_some() || reader.provisional() {
        return;
    }
    let Some(search) = state.open_search.take() else {
        return;
    };
    // At the match while it is on screen (the top line's place is the start of its line,
    // which may hold an earlier match of the paragraph); moved on from it while it was
    // read ahead, the search goes on from where the reader is.
    let place = if reader.shows(search.place.block, search.place.offset) {
        reader.settle();
        search.place
    } else {
        reader.top_place()
    };
    find::start_at(state, search.text, search.regex, place, effects);
}

/// What a search or bookmark asked for in a window says (see [`Reader::provisional`]); it
/// goes once the article is read that far.
const STILL_READING: &str = "a moment: the article is still being read up to here";

fn reader_command(state: &mut State, command: Command, count: usize, effects: &mut Vec<Effect>) {
    if state.reader.as_ref().is_some_and(Reader::provisional) && command == Command::Search {
        // Typed now, searched once the article is read this far (see `find::submit`): the
        // letters typed after `/` must not run as commands.
        state.mode = Mode::Typing(Typing::new(Prompt::Search, String::new()));
        state.flash = Some(STILL_READING.into());
        return;
    }
    if state.reader.as_ref().is_some_and(Reader::provisional)
        && matches!(
            command,
            Command::SearchWord | Command::Bookmark | Command::Note
        )
    {
        // Matches and bookmarks are places in the whole article, not yet read this far.
        state.flash = Some(STILL_READING.into());
        return;
    }
    if state.reader.is_some() {
        match command {
            Command::Search => return find::open_prompt(state, effects),
            Command::NextMatch | Command::PreviousMatch => {
                find::step(state, command == Command::NextMatch, count);
            }
            Command::SearchWord => find::search_word(state, effects),
            Command::FollowLink => return links::show_hints(state),
            Command::ListLinks => return links::open_list(state),
            _ => {}
        }
        if matches!(
            command,
            Command::NextMatch | Command::PreviousMatch | Command::SearchWord
        ) {
            if let Some(key) = state.reader.as_ref().map(|r| r.key.clone()) {
                remember_position(state, key, effects);
            }
            return;
        }
    }
    let Some(reader) = state.reader.as_mut() else {
        state.screen = Screen::Library;
        return;
    };
    let times = |by: usize| by.saturating_mul(count);
    // Moving through the text reads it; jumps do not (see `Reader::mark_read`).
    let step = match command {
        Command::Down | Command::Up => Some(1),
        Command::PageDown | Command::PageUp => Some(reader.page()),
        Command::HalfPageDown | Command::HalfPageUp => Some(reader.half_page()),
        Command::ScreenMiddle => Some(reader.height() / 2),
        Command::ScreenBottom => Some(reader.height().saturating_sub(1)),
        _ => None,
    };
    match command {
        Command::Down
        | Command::PageDown
        | Command::HalfPageDown
        | Command::ScreenMiddle
        | Command::ScreenBottom => {
            // Moving on from a screen means it was read, and so is the screen moved to
            // (every line passed is on one of the two). A count that moves further than a
            // screen passes over lines never shown: it is a jump, as `G` or `]` is
            // (`100000j`), and reads nothing.
            let by = times(step.unwrap_or(1).max(1));
            let moving_through = by <= reader.height();
            if moving_through {
                reader.mark_read();
            }
            reader.scroll_down(by);
            if moving_through {
                reader.mark_read();
            }
        }
        // Going back over text reads nothing new.
        Command::Up | Command::PageUp | Command::HalfPageUp => {
            reader.scroll_up(times(step.unwrap_or(1)));
        }
        Command::Top => reader.to_top(),
        Command::Bottom => {
            reader.to_bottom();
            if let Some(jump) = reader.end_jump() {
                effects.push(Effect::ReadAhead {
                    entry: reader.entry,
                    jump,
                });
            }
        }
        Command::Percent => {
            if let Some(jump) = reader.go_to_percent(count) {
                effects.push(Effect::ReadAhead {
                    entry: reader.entry,
                    jump,
                });
            }
        }
        Command::NextSection => {
            let mut moved = 0;
            while moved < count && reader.next_section() {
                moved += 1;
            }
            if moved == 0 {
                state.flash = Some("this is the last section".into());
            }
        }
        Command::PreviousSection => {
            for _ in 0..count {
                reader.previous_section();
            }
        }
        Command::Contents => {
            let selected = reader.current_section();
            state.overlay = Some(Overlay::Contents {
                selected,
                offset: 0,
            });
            overlay::clamp(state);
            return;
        }
        Command::Help => {
            state.overlay = Some(Overlay::Help {
                context: Context::Reader,
                offset: 0,
            });
            return;
        }
        Command::Bookmarks => {
            bookmarks::open_list(state, effects);
            return;
        }
        Command::Bookmark => {
            bookmarks::toggle(state, effects);
            return;
        }
        Command::Note => {
            let text = bookmarks::here(state)
                .and_then(|(_, b)| b.map(|b| b.note.clone()))
                .unwrap_or_default();
            state.mode = Mode::Typing(Typing::new(Prompt::Note, text));
            return;
        }
        Command::Back => {
            // A long search still running stops first; the next Esc leaves.
            if find::stop(state, effects) {
                return;
            }
            // After following links, back goes to where the last one was followed from.
            if links::go_back(state, effects) {
                return;
            }
            let Some(reader) = state.reader.as_mut() else {
                return;
            };
            let key = reader.key.clone();
            let entry = reader.entry;
            state.back.clear();
            // A match or a section the article still waited for is left with it.
            forget_waiting_places(state, entry);
            // The article stays the "last open" one: quitting from the library and
            // starting again tomorrow reopens it (`--fresh` starts at the library).
            remember_position(state, key, effects);
            effects.push(Effect::Flush);
            // With one article there is nothing to go back to, but for the list of a
            // library-wide search the article was opened from.
            if state.single && !results::opened_from_list(state, entry) {
                state.quit = true;
                effects.push(Effect::Quit);
            }
            state.screen = Screen::Library;
            keep_selection_visible(state);
            results::reopen_list(state, entry);
            return;
        }
        Command::Undo => {
            bookmarks::undo_delete(state, effects);
            return;
        }
        Command::Search | Command::NextMatch | Command::PreviousMatch | Command::SearchWord => {}
        Command::NextArticle | Command::PreviousArticle => {
            browse::step(state, command == Command::NextArticle, effects);
            return;
        }
        Command::ToggleRead => {
            browse::toggle_read(state, effects);
            return;
        }
        Command::HideFinished | Command::ToggleView => return,
        Command::Open
        | Command::Quit
        | Command::Suspend
        | Command::Redraw
        | Command::ScreenTop
        | Command::ScrollTop
        | Command::ScrollCenter
        | Command::DeleteBookmark
        | Command::Filter
        | Command::SearchAll
        | Command::FollowLink
        | Command::ListLinks
        | Command::CommandLine
        | Command::UpdateIndex
        | Command::FetchFeeds => return,
    }
    let key = reader.key.clone();
    remember_position(state, key, effects);
}

/// Records the open document's position and read marks, for the library and for saving.
fn remember_position(state: &mut State, key: String, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    // Never save a place the person did not move to: while a saved place is still being
    // reopened, the top of the article is not it.
    // Nor a place in a window read ahead: it is not yet known exactly.
    if reader.key != key || reader.pending.is_some() || reader.provisional() {
        return;
    }
    let (read_sections, section_keys) = reader.marks_to_save();
    let doc_state = DocState {
        title: reader.doc.title.clone(),
        anchor: reader.anchor(),
        percent: reader.percent(),
        read_sections,
        section_keys,
        sections_total: reader.doc.sections.len(),
        finished: reader.finished,
        updated: state.now,
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

/// A window read for a jump arrived: shown, if the reader is still where it was asked for.
fn ahead_read(
    state: &mut State,
    entry: usize,
    jump: &Jump,
    result: Result<Box<crate::document::window::Window>, String>,
) {
    let Some(reader) = state.reader.as_mut().filter(|r| r.entry == entry) else {
        return;
    };
    match result {
        // The jump waits for the article, as it did before windows.
        Err(e) => state.flash = Some(format!("reading on to there (cannot read ahead: {e})")),
        Ok(window) => {
            if reader.show_window(*window, jump) {
                state.marks_stale = true;
            }
        }
    }
}

/// Reads ahead to the saved place the reader waits for, if it is far into a loading
/// article (see [`Reader::pending_jump`]).
fn read_ahead_to_pending(state: &State, effects: &mut Vec<Effect>) {
    if let Some(reader) = state.reader.as_ref()
        && let Some(jump) = reader.pending_jump()
    {
        effects.push(Effect::ReadAhead {
            entry: reader.entry,
            jump,
        });
    }
}

fn same_place(a: &DocState, b: &DocState) -> bool {
    a.anchor == b.anchor
        && a.read_sections == b.read_sections
        && a.finished == b.finished
        && a.percent == b.percent
}

/// Scrolls the library so the selected entry's rows are in view.
fn keep_selection_visible(state: &mut State) {
    let height = state.list_height();
    let rows = state.library_rows();
    let Some(first) = rows
        .iter()
        .position(|r| *r == LibraryRow::Title(state.selected))
    else {
        state.offset = 0;
        return;
    };
    // Show the group headings just above the first entry of a group too.
    let mut top = first;
    while top > 0 && matches!(rows[top - 1], LibraryRow::Group { .. }) {
        top -= 1;
    }
    let last = rows[first + 1..]
        .iter()
        .position(|r| !matches!(r, LibraryRow::Description(_)))
        .map_or(rows.len() - 1, |p| first + p);
    if top < state.offset {
        state.offset = top;
    } else if last >= state.offset + height {
        state.offset = last + 1 - height.min(last + 1);
    }
    // A heading kept at the top of the list covers the first row: never the selection.
    if state.offset == first && browse::sticky_at(state, first).is_some() {
        state.offset -= 1;
    }
}

fn store_op(op: Op) -> Effect {
    Effect::Store(Box::new(op))
}

#[cfg(test)]
mod ahead_tests;
#[cfg(test)]
mod tests;
