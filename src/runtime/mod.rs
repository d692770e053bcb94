//! The runtime, above `app` and `ui`: it owns the terminal, the worker threads and the
//! store. Everything that happens arrives on one channel as an action — keys, mouse and
//! resizes from the input thread, signals from the signal watcher, pieces of a large article
//! and parts of a large INDEX.md from their workers — and goes through `update` (after an
//! [`Action::Tick`] with the time). The runtime carries out the effects `update` returns
//! (reading, checking, saving, suspending), feeds their results back as actions, and draws.
//!
//! The loop blocks on the channel: nothing wakes it while idle. It wakes early only for a
//! deadline it set itself: a debounced save (changes are written at most about once a
//! second while reading, and always on leaving an article, on quitting and on a terminating
//! signal), or a frame owed to background work (drawn at most every 50 ms, while what the
//! person does is drawn at once).

mod load;
mod news;
pub mod opener;
pub mod stamps;
pub mod watch;
pub mod workers;

use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use load::{check_entries, load, read_ahead, read_entry, start_load};
use workers::{Budget, Outbox, Sent, Source};

use crate::app::{Action, Effect, State, update};
use crate::library::LibraryRest;
use crate::store::{Store, now_ms};
use crate::terminal::{self, Signals, Tui};
use crate::ui::{self, Theme};

/// How long unsaved reading progress may wait.
const SAVE_DELAY: Duration = Duration::from_secs(1);
/// While a large article or library is read in, the pieces it adds are drawn at most this
/// often; what the person does is drawn at once.
const BACKGROUND_FRAME: Duration = Duration::from_millis(50);
/// Pieces of a large article that may wait for the loop. The loader waits beyond that, so
/// memory holds the document plus at most this many pieces, however slow the loop is.
const PIECES_IN_FLIGHT: usize = 4;
/// Chunks of matches of a search that may wait for the loop.
const SEARCH_IN_FLIGHT: usize = 4;
/// Parts of INDEX.md and batches of checked links that may wait for the loop: few, so a
/// key never waits behind many of them.
const LIBRARY_IN_FLIGHT: usize = 2;

pub struct Runtime {
    /// Shared with the signal watcher, which saves if the loop cannot.
    pub store: Arc<Mutex<Store>>,
    pub theme: Theme,
    pub mouse: bool,
    pub read_cap: u64,
    /// The rest of a large INDEX.md, parsed and checked in the background once the first
    /// frame is drawn.
    pub library_rest: Option<LibraryRest>,
    /// Watch INDEX.md and the open article for changes (`watch` in the configuration).
    pub watch: bool,
    /// The feeds `F` fetches, and the limits of the fetch.
    pub news: crate::news::feeds::Setup,
}

/// Runs the full-screen reader until the person quits or a signal ends it. The terminal is
/// restored on every way out.
pub fn run(mut state: State, mut runtime: Runtime, initial: Vec<Effect>) -> anyhow::Result<()> {
    let (sender, inbox) = channel();
    let shared = Arc::clone(&runtime.store);
    let signals = Signals::register(
        Outbox::new(sender.clone(), Source::Signal, None),
        move || {
            for _ in 0..50 {
                if let Ok(mut store) = shared.try_lock() {
                    let _ = store.save();
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            terminal::restore();
        },
    )?;
    let mut term = terminal::init(runtime.mouse, runtime.theme.depth)?;
    let mut events = Loop {
        inbox,
        sender,
        load: 0,
        loading: None,
        library_load: 0,
        library: None,
        search: None,
        search_all: None,
        last_change: None,
        last_draw: None,
        live: watch::Live::new(runtime.watch),
        stamps: stamps::KeptStamps::default(),
        index: crate::search::index::KeptIndex::default(),
        shown: false,
        deferred_rest: None,
    };
    // A panic inside the loop still saves what was read before the terminal is restored
    // (the panic hook restores it) and the panic goes on.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        events.run(&mut term, &mut state, &mut runtime, initial)
    }));
    events.stop_search_all();
    for budget in [
        events.loading.take(),
        events.library.take(),
        events.search.take(),
    ]
    .into_iter()
    .flatten()
    {
        budget.close();
    }
    let saved = save(&runtime.store, &state);
    if matches!(result, Ok(Ok(()))) {
        drop(term);
    } else {
        // A panic or error may have left half a frame (and the start of a synchronized
        // update) in the screen's buffer; dropping it would write that out after the
        // screen is given back. The process ends soon, so the buffer is just let go.
        std::mem::forget(term);
    }
    terminal::restore();
    signals.finish();
    let result = match result {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    result?;
    if let Err(e) = saved.result {
        eprintln!("blatt: could not save reading state: {e}");
    }
    Ok(())
}

/// Reads a window for a jump far into a loading article here and now (it is read within a
/// frame, and the key that asked for it is answered in the next one) and takes it in.
fn ahead(
    state: &mut State,
    runtime: &Runtime,
    entry: usize,
    jump: crate::app::Jump,
) -> Vec<Effect> {
    let result = read_ahead(state, entry, &jump, runtime.read_cap);
    update(
        state,
        Action::Ahead {
            entry,
            jump,
            result,
        },
    )
}

/// A window read for a place far into an article, and the entry and jump it is for.
type EarlyWindow = (
    usize,
    crate::app::Jump,
    Result<Box<crate::document::window::Window>, String>,
);

/// Opens the article of `entry` (see [`start_load`]). When it opens at a place far into a
/// large file (a saved position, a bookmark, a search hit: [`State::place_to_open`]), the
/// window there is read on another core meanwhile, for the `Effect::ReadAhead` that
/// `update` then asks for: the first frame of a reopened book waits for the longer of the
/// two reads, not for both.
fn open_with_window(state: &State, entry: usize, cap: u64) -> (load::Started, Option<EarlyWindow>) {
    let far = state
        .place_to_open(entry)
        .filter(|place| {
            place
                .byte
                .is_some_and(|b| b >= crate::document::stream::PIECES_ABOVE)
        })
        .map(|place| crate::app::Jump::Anchor(Box::new(place.clone())));
    let Some(jump) = far else {
        return (start_load(state, entry, cap), None);
    };
    std::thread::scope(|scope| {
        let window = std::thread::Builder::new()
            .name("window".into())
            .spawn_scoped(scope, || read_ahead(state, entry, &jump, cap));
        let opened = start_load(state, entry, cap);
        let early = match window {
            Ok(window) => window.join().ok(),
            Err(_) => None,
        };
        // The window takes its title from the article shown, which the article opened
        // here is about to become.
        let early = early.map(|result| {
            let result = match (result, &opened) {
                (Ok(mut window), Ok((doc, _))) => {
                    window.doc.title.clone_from(&doc.title);
                    Ok(window)
                }
                (result, _) => result,
            };
            (entry, jump.clone(), result)
        });
        (opened, early)
    })
}

/// The loop's own bookkeeping.
struct Loop {
    inbox: Receiver<Sent>,
    /// For new workers.
    sender: std::sync::mpsc::Sender<Sent>,
    /// The number of the newest article load: pieces of older ones are dropped.
    load: u64,
    /// The budget of the loader at work, closed to stop it.
    loading: Option<Arc<Budget>>,
    /// The number of the library shown: parts of libraries shown before are dropped.
    library_load: u64,
    /// The budget of the library reader at work.
    library: Option<Arc<Budget>>,
    /// The budget of the search worker at work, closed to stop it.
    search: Option<Arc<Budget>>,
    /// The budget and the cancel flag of the library-wide search at work.
    search_all: Option<(Arc<Budget>, Arc<std::sync::atomic::AtomicBool>)>,
    /// When the first unsaved change was made.
    last_change: Option<Instant>,
    last_draw: Option<Instant>,
    /// The file watcher and the reloads it starts.
    live: watch::Live,
    /// What library-wide searches know of the library's files between them.
    stamps: stamps::KeptStamps,
    /// The search index, open from one library-wide search to the next.
    index: crate::search::index::KeptIndex,
    /// The first frame is out: files may be watched (starting the watcher, its threads and
    /// its look at the folders, waits until then).
    shown: bool,
    /// The rest of the article opened before the first frame, and its entry: it starts to
    /// be read once that frame is out, so that the reading thread does not compete with it.
    deferred_rest: Option<(crate::document::stream::Loader, usize)>,
}

/// What a turn of the loop must still do.
#[derive(Default)]
struct Owed {
    /// The person changed the screen: draw now.
    frame: bool,
    /// Background work changed it: draw soon.
    background: bool,
}

impl Loop {
    /// Starts the thread that reads the rest of a large article (opened or read again)
    /// piece by piece; the loader of the text before is stopped by the caller. With no
    /// thread, the article stays as far as it was read and the reader says why.
    pub(super) fn read_rest(
        &mut self,
        state: &mut State,
        loader: crate::document::stream::Loader,
        entry: usize,
    ) -> Vec<Effect> {
        let budget = Budget::new(PIECES_IN_FLIGHT);
        let outbox = Outbox::new(
            self.sender.clone(),
            Source::Loader(self.load),
            Some(Arc::clone(&budget)),
        );
        match workers::read_article(loader, entry, outbox) {
            Ok(()) => {
                self.loading = Some(budget);
                Vec::new()
            }
            Err(e) => update(
                state,
                Action::More {
                    entry,
                    blocks: Vec::new(),
                    done: true,
                    end: None,
                    error: Some(format!("cannot start reading the rest: {e}")),
                },
            ),
        }
    }

    fn run(
        &mut self,
        term: &mut Tui,
        state: &mut State,
        runtime: &mut Runtime,
        initial: Vec<Effect>,
    ) -> anyhow::Result<()> {
        let size = term.size()?;
        update(state, Action::Tick(now_ms()));
        let mut effects = update(state, Action::Resize(size.width, size.height));
        effects.extend(initial);
        if self.perform(term, state, runtime, effects)? {
            return Ok(());
        }
        self.draw(term, state, runtime)?;
        self.shown = true;
        self.follow(state);
        // Keys typed before now wait in the terminal; reading them starts once the first
        // frame is out, which it does not delay.
        workers::read_input(Outbox::new(self.sender.clone(), Source::Terminal, None))
            .map_err(|e| anyhow::anyhow!("cannot read the terminal: {e}"))?;
        // The first frame is up: now the rest of the article and of the library may take a
        // core.
        let mut effects = match self.deferred_rest.take() {
            Some((loader, entry)) => self.read_rest(state, loader, entry),
            None => Vec::new(),
        };
        if let Some(rest) = runtime.library_rest.take() {
            effects.extend(self.read_library(state, rest));
        }
        if !effects.is_empty() || state.flash.is_some() {
            if self.perform(term, state, runtime, effects)? {
                return Ok(());
            }
            self.draw(term, state, runtime)?;
        }
        let mut owed = Owed::default();
        loop {
            let received = match self.deadline(&owed) {
                None => self
                    .inbox
                    .recv()
                    .map_err(|_| RecvTimeoutError::Disconnected),
                Some(at) => self
                    .inbox
                    .recv_timeout(at.saturating_duration_since(Instant::now())),
            };
            match received {
                Ok(sent) => {
                    if self.take(term, state, runtime, sent, &mut owed)? {
                        return Ok(());
                    }
                    // Take in what else is waiting before drawing, so a burst of resizes
                    // or wheel events costs one frame; but draw at once what the person
                    // did, and background work at least every frame's time.
                    while !owed.frame && !self.background_frame_due(&owed) {
                        let Ok(sent) = self.inbox.try_recv() else {
                            break;
                        };
                        if self.take(term, state, runtime, sent, &mut owed)? {
                            return Ok(());
                        }
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
            if self.last_change.is_some_and(|t| t.elapsed() >= SAVE_DELAY) {
                self.save_now(state, runtime);
                owed.frame = true;
            }
            if owed.frame || self.background_frame_due(&owed) {
                self.draw(term, state, runtime)?;
                owed = Owed::default();
            }
        }
    }

    /// Starts reading the rest of the library's INDEX.md in the background (stopping the
    /// reader of a library shown before). If no thread can be started, the library stays as
    /// far as it was read, and the status line says why.
    fn read_library(&mut self, state: &mut State, rest: LibraryRest) -> Vec<Effect> {
        if let Some(budget) = self.library.take() {
            budget.close();
        }
        self.library_load += 1;
        let budget = Budget::new(LIBRARY_IN_FLIGHT);
        let outbox = Outbox::new(
            self.sender.clone(),
            Source::Library(self.library_load),
            Some(Arc::clone(&budget)),
        );
        let unchecked = state.library.unchecked();
        let next = state.library.entries.len();
        match workers::read_library(rest, unchecked, next, outbox) {
            Ok(()) => {
                self.library = Some(budget);
                Vec::new()
            }
            Err(e) => update(
                state,
                Action::MoreEntries {
                    title: None,
                    entries: Vec::new(),
                    done: true,
                    error: Some(format!("cannot start reading the rest: {e}")),
                },
            ),
        }
    }

    /// When the loop must wake even if nothing arrives: a save or a frame that is due.
    fn deadline(&self, owed: &Owed) -> Option<Instant> {
        let save = self.last_change.map(|t| t + SAVE_DELAY);
        let frame = owed.background.then(|| {
            self.last_draw
                .map_or_else(Instant::now, |t| t + BACKGROUND_FRAME)
        });
        match (save, frame) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Stops the library-wide search, if one runs: it sends nothing more but its end.
    fn stop_search_all(&mut self) {
        if let Some((budget, cancel)) = self.search_all.take() {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            budget.close();
        }
    }

    fn background_frame_due(&self, owed: &Owed) -> bool {
        owed.background
            && self
                .last_draw
                .is_none_or(|t| t.elapsed() >= BACKGROUND_FRAME)
    }

    /// Takes one message in: the time, then the action. Returns true when blatt should end.
    fn take(
        &mut self,
        term: &mut Tui,
        state: &mut State,
        runtime: &mut Runtime,
        sent: Sent,
        owed: &mut Owed,
    ) -> anyhow::Result<bool> {
        let Sent { action, from, slot } = sent;
        let stale = match from {
            Source::Loader(load) => load != self.load,
            Source::Library(load) => load != self.library_load,
            // `update` tells the searches apart itself, and must see each one's end.
            Source::Terminal | Source::Signal | Source::Search | Source::Watch => false,
        };
        if stale {
            // A piece of an article or a library no longer shown.
            return Ok(false);
        }
        #[cfg(debug_assertions)]
        debug_panic(&action);
        update(state, Action::Tick(now_ms()));
        let effects = update(state, action);
        // The message's slot is free once `update` has it: its worker may send the next.
        drop(slot);
        match from {
            Source::Loader(_) | Source::Library(_) | Source::Search | Source::Watch => {
                owed.background = true;
            }
            Source::Terminal | Source::Signal => owed.frame = true,
        }
        self.perform(term, state, runtime, effects)
    }

    fn draw(&mut self, term: &mut Tui, state: &State, runtime: &Runtime) -> anyhow::Result<()> {
        if state.settings.osc8 {
            let size = term.size()?;
            let links = ui::hyperlinks(state, size.width, size.height);
            if term.backend_mut().set_links(links) {
                // Cells under a link that changed keep their old link until written again.
                terminal::redraw_fully(term)?;
            }
        }
        terminal::draw(term, |frame| ui::draw(frame, state, &runtime.theme))?;
        self.last_draw = Some(Instant::now());
        Ok(())
    }

    /// Saves now; a problem is shown in the status line.
    fn save_now(&mut self, state: &mut State, runtime: &Runtime) {
        let saved = save(&runtime.store, state);
        self.last_change = None;
        let mut actions: Vec<Action> = saved.notices.into_iter().map(Action::Notice).collect();
        match saved.result {
            Ok(()) => actions.extend(saved.shared),
            Err(e) => actions.push(Action::Notice(format!("not saved: {e}"))),
        }
        for action in actions {
            // Notices and shared state make no effects.
            let _ = update(state, action);
        }
    }

    /// Carries out effects; the results go back through `update` as actions. Returns true
    /// when blatt should end.
    fn perform(
        &mut self,
        term: &mut Tui,
        state: &mut State,
        runtime: &mut Runtime,
        effects: Vec<Effect>,
    ) -> anyhow::Result<bool> {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        while let Some(effect) = queue.pop_front() {
            match effect {
                Effect::Load { entry } => {
                    // Show "opening…" before a long read; but not as the first frame of
                    // all, when blatt starts in the article: the library would flash up
                    // for the few milliseconds the start of the article takes.
                    if self.shown {
                        self.draw(term, state, runtime)?;
                    }
                    let (opened, mut early) = open_with_window(state, entry, runtime.read_cap);
                    match opened {
                        Ok((doc, loader)) => {
                            // Stop reading the article before, if it was still being read:
                            // its pieces, numbered with the old load, are dropped from now.
                            if let Some(loading) = self.loading.take() {
                                loading.close();
                            }
                            // A search in the article before is of no use any more.
                            if let Some(search) = self.search.take() {
                                search.close();
                            }
                            self.load += 1;
                            let loaded = Action::Loaded {
                                entry,
                                result: Ok(doc),
                            };
                            for effect in update(state, loaded) {
                                match effect {
                                    // A saved place far in is read before the rest of the
                                    // article starts to take a core.
                                    Effect::ReadAhead { entry, jump } => {
                                        match early
                                            .take()
                                            .filter(|(e, j, _)| (*e, j) == (entry, &jump))
                                        {
                                            Some((_, _, result)) => queue.extend(update(
                                                state,
                                                Action::Ahead {
                                                    entry,
                                                    jump,
                                                    result,
                                                },
                                            )),
                                            None => {
                                                queue.extend(ahead(state, runtime, entry, jump))
                                            }
                                        }
                                    }
                                    effect => queue.push_back(effect),
                                }
                            }
                            match loader {
                                Some(loader) if self.shown => {
                                    queue.extend(self.read_rest(state, loader, entry));
                                }
                                Some(loader) => self.deferred_rest = Some((loader, entry)),
                                None => self.deferred_rest = None,
                            }
                        }
                        Err(e) => queue.extend(update(
                            state,
                            Action::Loaded {
                                entry,
                                result: Err(e),
                            },
                        )),
                    }
                }
                Effect::ReadAhead { entry, jump } => {
                    queue.extend(ahead(state, runtime, entry, jump));
                }
                Effect::Search(job) => {
                    if let Some(search) = self.search.take() {
                        search.close();
                    }
                    let id = job.id;
                    let budget = Budget::new(SEARCH_IN_FLIGHT);
                    let outbox = Outbox::new(
                        self.sender.clone(),
                        Source::Search,
                        Some(Arc::clone(&budget)),
                    );
                    let last = Outbox::new(self.sender.clone(), Source::Search, None);
                    match workers::search_article(*job, outbox, last) {
                        Ok(()) => self.search = Some(budget),
                        Err(e) => {
                            queue.extend(update(
                                state,
                                Action::Found {
                                    search: id,
                                    blocks: 0..0,
                                    hits: Vec::new(),
                                    done: true,
                                },
                            ));
                            queue.extend(update(
                                state,
                                Action::Notice(format!("cannot search: {e}")),
                            ));
                        }
                    }
                }
                Effect::StopSearch => {
                    if let Some(search) = self.search.take() {
                        search.close();
                    }
                }
                Effect::SearchLibrary(job) => {
                    self.stop_search_all();
                    let id = job.id;
                    let cancel = Arc::new(std::sync::atomic::AtomicBool::new(false));
                    let budget = Budget::new(SEARCH_IN_FLIGHT);
                    let outbox = Outbox::new(
                        self.sender.clone(),
                        Source::Search,
                        Some(Arc::clone(&budget)),
                    );
                    let last = Outbox::new(self.sender.clone(), Source::Search, None);
                    let cache = crate::search::index::cache_root();
                    // With `watch` on, the library's folder is watched from the first
                    // search on, so that later ones look only at files that changed; a
                    // folder that cannot be watched is looked at whole each time.
                    let stamps = (runtime.watch && self.stamps.watch(&job.library).is_ok())
                        .then(|| self.stamps.handle());
                    match workers::search_library(
                        *job,
                        self.index.clone(),
                        cache,
                        stamps,
                        runtime.read_cap,
                        Arc::clone(&cancel),
                        outbox,
                        last,
                    ) {
                        Ok(()) => self.search_all = Some((budget, cancel)),
                        Err(e) => {
                            use crate::app::results::SearchEvent;
                            for event in [
                                SearchEvent::Notice(format!("cannot search: {e}")),
                                SearchEvent::Done,
                            ] {
                                let action = Action::SearchedAll { search: id, event };
                                queue.extend(update(state, action));
                            }
                        }
                    }
                }
                Effect::StopSearchLibrary => self.stop_search_all(),
                Effect::OpenUrl(url) => {
                    if let Err(e) = opener::open(&url, std::env::var_os("BROWSER")) {
                        queue.extend(update(state, Action::Notice(format!("not opened: {e}"))));
                    }
                }
                Effect::CopyUrl(url) => {
                    if let Err(e) = opener::copy(&url) {
                        queue.extend(update(state, Action::Notice(format!("not copied: {e}"))));
                    }
                }
                Effect::Seek { entry, fragment } => {
                    if let Ok((_, path)) = load::entry_file(state, entry) {
                        let path = path.to_path_buf();
                        let outbox =
                            Outbox::new(self.sender.clone(), Source::Loader(self.load), None);
                        // No thread: the link waits for the article, as without the scan.
                        let _ = workers::seek_section(path, entry, fragment, outbox);
                    }
                }
                Effect::Check { entries } => {
                    queue.extend(update(state, check_entries(state, &entries)));
                }
                Effect::Store(op) => {
                    lock(&runtime.store).apply(*op);
                    self.last_change.get_or_insert_with(Instant::now);
                }
                Effect::Flush => self.save_now(state, runtime),
                Effect::Refresh => {
                    let shared = {
                        let mut store = lock(&runtime.store);
                        store.reload().is_ok().then(|| shared_of(&store, true))
                    };
                    if let Some(shared) = shared {
                        queue.extend(update(state, shared));
                    }
                }
                Effect::OpenLibrary { key, then } => {
                    match crate::library::open_key(&key) {
                        Ok((library, rest)) => {
                            // The article shown was of the library left.
                            if let Some(loading) = self.loading.take() {
                                loading.close();
                            }
                            let reading = rest.as_ref().is_some_and(|r| !r.is_done());
                            let opened = Action::LibraryOpened {
                                library: Box::new(library),
                                reading,
                                then,
                            };
                            queue.extend(update(state, opened));
                            if let Some(rest) = rest {
                                queue.extend(self.read_library(state, rest));
                            }
                        }
                        Err(e) => {
                            let problem = Action::Problem {
                                title: "Cannot open this bookmark's library".into(),
                                lines: vec![
                                    then.doc_title.clone(),
                                    String::new(),
                                    crate::document::sanitize::escape_controls(&e),
                                    "The bookmark is kept.".into(),
                                ],
                            };
                            queue.extend(update(state, problem));
                        }
                    }
                }
                Effect::Suspend => terminal::suspend(term, runtime.mouse)?,
                Effect::Redraw => terminal::redraw_fully(term)?,
                Effect::Quit => return Ok(true),
                Effect::Filter(work) => {
                    // Its result answers a key: drawn at once, as a key is.
                    let outbox = Outbox::new(self.sender.clone(), Source::Terminal, None);
                    if let Err(e) = workers::filter(work.clone(), outbox) {
                        // No thread: the work is done here, late but right.
                        let notice = format!("no thread for the filter ({e}): it works slowly");
                        queue.extend(update(state, Action::Notice(notice)));
                        if let Some(done) = work.run() {
                            queue.extend(update(state, Action::Filtered(done)));
                        }
                    }
                }
                Effect::ReloadArticle { entry } => {
                    queue.extend(self.reload_article(state, runtime, entry));
                }
                Effect::ReloadIndex => queue.extend(self.reload_index(state)),
                Effect::UpdateIndex { dir } => queue.extend(self.update_index(state, dir)),
                Effect::FetchFeeds { dir } => {
                    queue.extend(self.fetch_feeds(state, dir, runtime.news.clone()));
                }
            }
        }
        // What to watch follows the library and the article shown.
        if self.shown {
            self.follow(state);
            // Once all of the library is in, the first library-wide search of a library
            // searched before is got ready (see `KeptStamps::prepare`).
            if runtime.watch && !state.reading_index {
                let _ = self
                    .stamps
                    .prepare(&state.library, crate::search::index::cache_root);
            }
        }
        Ok(false)
    }
}

/// In debug builds only: a key named by `BLATT_DEBUG_PANIC_KEY` makes the loop panic, so a
/// test can check that a panic restores the terminal and saves.
#[cfg(debug_assertions)]
fn debug_panic(action: &Action) {
    if let Action::Key(key) = action
        && let crossterm::event::KeyCode::Char(c) = key.code
        && std::env::var("BLATT_DEBUG_PANIC_KEY").is_ok_and(|k| k == c.to_string())
    {
        panic!("panic asked for by BLATT_DEBUG_PANIC_KEY");
    }
}

/// The store, even if a panic elsewhere poisoned its lock (its data stays consistent: every
/// change is one `apply` or one `save`).
fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What a save did: its result, what to tell the person, and what the store merged in.
struct Saved {
    result: Result<(), crate::store::StoreError>,
    notices: Vec<String>,
    shared: Option<Action>,
}

/// Saves what the store holds; `shown` is the state on screen, to tell whether the merge
/// with the disk brought in anything from another process.
fn save(store: &Mutex<Store>, shown: &State) -> Saved {
    let mut store = lock(store);
    if !store.is_dirty() {
        return Saved {
            result: Ok(()),
            notices: Vec::new(),
            shared: None,
        };
    }
    let result = store.save();
    let notices = store
        .take_notices()
        .iter()
        .map(ToString::to_string)
        .collect();
    let open = shown.reader.as_ref().map(|r| r.key.as_str());
    let merged =
        store.state().bookmarks != shown.bookmarks
            || store.state().docs.iter().any(|(key, doc)| {
                Some(key.as_str()) != open && shown.saved_docs.get(key) != Some(doc)
            });
    let shared = (result.is_ok() && merged).then(|| shared_of(&store, false));
    Saved {
        result,
        notices,
        shared,
    }
}

/// What other blatt processes saved, merged by the store: their bookmarks and positions;
/// and, when `look` (the bookmarks list opens), which bookmarked files are gone.
fn shared_of(store: &Store, look: bool) -> Action {
    let bookmarks = store.state().bookmarks.clone();
    // A document key is its file's canonical path (or `bundled:…`, always there).
    let missing = look.then(|| {
        bookmarks
            .values()
            .map(|b| b.doc.clone())
            .filter(|doc| !doc.starts_with("bundled:") && !std::path::Path::new(doc).exists())
            .collect()
    });
    Action::Shared {
        bookmarks,
        docs: store.state().docs.clone(),
        missing,
    }
}

#[cfg(test)]
mod early_tests;
