//! The run loop: terminal events become actions, `update` turns them into effects, and the
//! effects that touch the world (reading articles, checking links, saving state,
//! suspending) happen here. Saving is debounced: changes are written at most about once a
//! second while reading, and always on leaving an article, on quitting and on a terminating
//! signal. Background threads read the rest of a large article or INDEX.md and send it in
//! pieces, which the loop takes in between keys.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEventKind, MouseButton, MouseEventKind};

use super::{Action, Command, Effect, Overlay, State, update};
use crate::document::sanitize::escape_controls;
use crate::document::stream::Loader;
use crate::document::{self, stream};
use crate::library::{self, LibraryRest, Target};
use crate::store::Store;
use crate::terminal::{self, Signals, Tui};
use crate::ui::{self, Theme};

/// How long unsaved reading progress may wait.
const SAVE_DELAY: Duration = Duration::from_secs(1);
/// How often the loop wakes to check signals and pending saves.
const TICK: Duration = Duration::from_millis(50);
/// How long to wait for input while a large article is read in the background: short, so
/// that its pieces are taken in as fast as the loader makes them.
const LOADING_TICK: Duration = Duration::from_millis(2);
/// While a large article is read in, the pieces it adds are drawn at most this often; what
/// the user does is drawn at once.
const BACKGROUND_FRAME: Duration = Duration::from_millis(50);
/// Pieces of a large article that may wait for the loop. The loader blocks beyond that, so
/// memory holds the document plus at most this many pieces, however slow the loop is.
const PIECES_IN_FLIGHT: usize = 4;
/// The most time spent taking in parts of INDEX.md and checked links per turn of the loop.
const INTAKE_BUDGET: Duration = Duration::from_millis(8);
/// Links checked in the background per [`Action::Checked`].
const CHECK_BATCH: usize = 1024;
/// How long the library thread leaves the machine to the terminal after the first frame
/// was written: on two cores, starting at once delays the terminal showing that frame by
/// about as long again.
const FIRST_FRAME_GRACE: Duration = Duration::from_millis(30);

pub struct Runtime {
    /// Shared with the signal watcher, which saves if the loop cannot.
    pub store: Arc<Mutex<Store>>,
    pub theme: Theme,
    pub mouse: bool,
    pub read_cap: u64,
    /// The rest of a large INDEX.md, parsed and checked in the background once the first
    /// frame is drawn.
    pub library_rest: Option<LibraryRest>,
}

/// Runs the full-screen reader until the user quits or a signal ends it. The terminal is
/// restored on every way out.
pub fn run(mut state: State, mut runtime: Runtime, initial: Vec<Effect>) -> anyhow::Result<()> {
    let shared = Arc::clone(&runtime.store);
    let signals = Signals::register(move || {
        for _ in 0..50 {
            if let Ok(mut store) = shared.try_lock() {
                let _ = store.save();
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        terminal::restore();
    })?;
    let mut term = terminal::init(runtime.mouse)?;
    // A panic inside the loop still saves what was read before the terminal is restored
    // (the panic hook restores it) and the panic goes on.
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        event_loop(&mut term, &mut state, &mut runtime, &signals, initial)
    }));
    let saved = save(&runtime.store, &mut state);
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
    if let Err(e) = saved {
        eprintln!("blatt: could not save reading state: {e}");
    }
    Ok(())
}

fn event_loop(
    term: &mut Tui,
    state: &mut State,
    runtime: &mut Runtime,
    signals: &Signals,
    initial: Vec<Effect>,
) -> anyhow::Result<()> {
    let size = term.size()?;
    let initial: Vec<Effect> = update(state, Action::Resize(size.width, size.height))
        .into_iter()
        .chain(initial)
        .collect();
    let mut pending = Pending {
        last_change: None,
        loading: None,
        library: None,
    };
    if perform(term, state, runtime, initial, &mut pending)? {
        return Ok(());
    }
    // The user (or the start) changed the screen: draw now.
    let mut dirty = true;
    // The background reader changed it: draw soon.
    let mut stale = false;
    let mut last_draw = Instant::now();
    let mut library_rest = runtime.library_rest.take();
    loop {
        if signals.terminate() {
            return Ok(());
        }
        // Pieces of a large article read in the background.
        while let Some(action) = next_sent(&mut pending.loading, |l| &l.pieces) {
            let effects = update(state, action);
            if perform(term, state, runtime, effects, &mut pending)? {
                return Ok(());
            }
            stale = true;
        }
        if signals.take_continued() {
            terminal::redraw_fully(term)?;
            dirty = true;
        }
        let background = pending.loading.is_some() || pending.library.is_some();
        let settled = !background || last_draw.elapsed() >= BACKGROUND_FRAME;
        if dirty || (stale && settled) {
            terminal::draw(term, |frame| ui::draw(frame, state, &runtime.theme))?;
            dirty = false;
            stale = false;
            last_draw = Instant::now();
        }
        // The first frame is up: now the rest of the library may take a core.
        if let Some(rest) = library_rest.take() {
            let unchecked = state.library.unchecked();
            match read_library_in_background(rest, unchecked, state.library.entries.len()) {
                Ok(parts) => pending.library = Some(parts),
                Err(failed) => {
                    let effects = update(state, failed);
                    if perform(term, state, runtime, effects, &mut pending)? {
                        return Ok(());
                    }
                    dirty = true;
                }
            }
        }
        // Parts of a large INDEX.md and checked links, taken in after what the user did
        // was drawn, and for a bounded time so that keys stay quick (the entries on screen
        // are checked as they come into view, so nothing waits for these).
        let intake = Instant::now();
        while let Some(action) = next_sent(&mut pending.library, |r| r) {
            let effects = update(state, action);
            if perform(term, state, runtime, effects, &mut pending)? {
                return Ok(());
            }
            stale = true;
            if intake.elapsed() >= INTAKE_BUDGET {
                break;
            }
        }
        if pending
            .last_change
            .is_some_and(|t| t.elapsed() >= SAVE_DELAY)
        {
            if let Err(e) = save(&runtime.store, state) {
                state.flash = Some(format!("not saved: {e}"));
                dirty = true;
            }
            pending.last_change = None;
        }
        let tick = if pending.loading.is_some() || pending.library.is_some() {
            LOADING_TICK
        } else {
            TICK
        };
        if !event::poll(tick)? {
            continue;
        }
        // Take every event that is already waiting before drawing again, so a burst of
        // resizes or wheel events costs one frame.
        loop {
            let ev = event::read()?;
            for action in actions(state, ev) {
                let effects = update(state, action);
                if perform(term, state, runtime, effects, &mut pending)? {
                    return Ok(());
                }
                dirty = true;
            }
            if state.quit || !event::poll(Duration::ZERO)? {
                break;
            }
        }
        if state.quit {
            return Ok(());
        }
    }
}

/// Turns a terminal event into actions. Only key presses count: some terminals also report
/// repeats and releases, which would double every key.
fn actions(state: &State, ev: Event) -> Vec<Action> {
    match ev {
        Event::Key(key) if key.kind == KeyEventKind::Press => {
            let command = state.keymap.command(&key);
            if let Some(Overlay::Note { .. }) = state.overlay {
                return match (command, key.code) {
                    (Some(Command::Quit), _) => vec![Action::Command(Command::Quit)],
                    (_, KeyCode::Enter) => vec![Action::Command(Command::Open)],
                    (_, KeyCode::Esc) => vec![Action::Command(Command::Back)],
                    (_, KeyCode::Backspace) => vec![Action::Erase],
                    (_, KeyCode::Char(c)) => vec![Action::Input(c)],
                    _ => Vec::new(),
                };
            }
            if let Some(Overlay::Message { .. }) = state.overlay {
                // Any key closes a message; Ctrl-C still quits.
                return vec![Action::Command(
                    command
                        .filter(|c| *c == Command::Quit)
                        .unwrap_or(Command::Back),
                )];
            }
            command.map(Action::Command).into_iter().collect()
        }
        Event::Resize(width, height) => vec![Action::Resize(width, height)],
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown => vec![Action::Scroll {
                down: true,
                column: mouse.column,
                row: mouse.row,
            }],
            MouseEventKind::ScrollUp => vec![Action::Scroll {
                down: false,
                column: mouse.column,
                row: mouse.row,
            }],
            MouseEventKind::Down(MouseButton::Left) => vec![Action::Click {
                column: mouse.column,
                row: mouse.row,
            }],
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// The next action a background thread has sent, if any; forgets the thread (empties
/// `slot`) once it has ended.
fn next_sent<T>(slot: &mut Option<T>, pieces: impl Fn(&T) -> &Receiver<Action>) -> Option<Action> {
    let received = pieces(slot.as_ref()?).try_recv();
    match received {
        Ok(action) => Some(action),
        Err(TryRecvError::Empty) => None,
        Err(TryRecvError::Disconnected) => {
            *slot = None;
            None
        }
    }
}

/// What the loop keeps between effects: when unsaved changes began, the background reader
/// of a large article, if one is at work, and the parts and checks of a large library.
struct Pending {
    last_change: Option<Instant>,
    loading: Option<Loading>,
    library: Option<Receiver<Action>>,
}

/// A large article being read on the loader thread.
struct Loading {
    pieces: Receiver<Action>,
    /// Set to stop the loader (another article was opened).
    cancel: Arc<AtomicBool>,
}

impl Drop for Loading {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// Carries out effects; returns true when the program should end.
fn perform(
    term: &mut Tui,
    state: &mut State,
    runtime: &mut Runtime,
    effects: Vec<Effect>,
    pending: &mut Pending,
) -> anyhow::Result<bool> {
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    while let Some(effect) = queue.pop_front() {
        match effect {
            Effect::Load { entry } => {
                // Show "opening…" before a long read.
                terminal::draw(term, |frame| ui::draw(frame, state, &runtime.theme))?;
                // Stop reading the article before, if it was still being read.
                pending.loading = None;
                match start_load(state, entry, runtime.read_cap) {
                    Ok((doc, loader)) => {
                        queue.extend(update(
                            state,
                            Action::Loaded {
                                entry,
                                result: Ok(doc),
                            },
                        ));
                        if let Some(loader) = loader {
                            match read_in_background(loader, entry) {
                                Ok(loading) => pending.loading = Some(loading),
                                Err(failed) => queue.extend(update(state, failed)),
                            }
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
            Effect::Check { entries } => {
                queue.extend(update(state, check_entries(state, &entries)));
            }
            Effect::Store(op) => {
                lock(&runtime.store).apply(*op);
                pending.last_change.get_or_insert_with(Instant::now);
            }
            Effect::Flush => {
                if let Err(e) = save(&runtime.store, state) {
                    state.flash = Some(format!("not saved: {e}"));
                }
                pending.last_change = None;
            }
            Effect::Refresh => {
                let mut store = lock(&runtime.store);
                if store.reload().is_ok() {
                    share(&store, state);
                }
            }
            Effect::Suspend => {
                terminal::suspend(term, runtime.mouse)?;
            }
            Effect::Quit => return Ok(true),
        }
    }
    Ok(false)
}

/// The store, even if a panic elsewhere poisoned its lock (its data stays consistent: every
/// change is one `apply` or one `save`).
fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn save(store: &Mutex<Store>, state: &mut State) -> Result<(), crate::store::StoreError> {
    let mut store = lock(store);
    if !store.is_dirty() {
        return Ok(());
    }
    let result = store.save();
    for notice in store.take_notices() {
        state.flash = Some(notice.to_string());
    }
    if result.is_ok() {
        share(&store, state);
    }
    result
}

/// Takes in what other blatt processes saved (the store merged it): their bookmarks, and
/// their positions in documents other than the one open here.
fn share(store: &Store, state: &mut State) {
    let open = state.reader.as_ref().map(|r| r.key.clone());
    state.bookmarks = store.state().bookmarks.clone();
    for (key, doc) in &store.state().docs {
        if Some(key) != open.as_ref() {
            state.saved_docs.insert(key.clone(), doc.clone());
        }
    }
}

/// Reads and parses the whole article of an entry.
pub fn load(state: &State, entry: usize, cap: u64) -> Result<Arc<document::Document>, String> {
    let (mut doc, loader) = start_load(state, entry, cap)?;
    if let Some(mut loader) = loader {
        Arc::make_mut(&mut doc)
            .read_rest(&mut loader)
            .map_err(|e| escape_controls(&e.to_string()))?;
    }
    Ok(doc)
}

/// Opens the article of an entry: all of a small one, the first piece of a large one and a
/// loader for the rest.
pub fn start_load(
    state: &State,
    entry: usize,
    cap: u64,
) -> Result<(Arc<document::Document>, Option<Loader>), String> {
    let e = state
        .library
        .entries
        .get(entry)
        .ok_or_else(|| "no such entry".to_string())?;
    let shown = |err: &dyn std::fmt::Display| escape_controls(&err.to_string());
    let name = match &e.target {
        Target::File(path) => path.to_string_lossy().into_owned(),
        Target::Bundled(name) => (*name).to_string(),
        Target::Problem(p) => return Err(shown(p)),
        Target::Unchecked => return Err(shown(&library::ReadError::Unchecked)),
    };
    let (source, size) = library::open_target(&e.target, cap).map_err(|err| shown(&err))?;
    document::open(source, size, &name, &e.title, e.language.as_deref(), cap)
        .map(|(doc, loader)| (Arc::new(doc), loader))
        .map_err(|err| shown(&format!("{name}: {err}")))
}

/// Checks the links of these entries (file-system work): the action that records them.
pub fn check_entries(state: &State, entries: &[usize]) -> Action {
    let targets = entries
        .iter()
        .filter_map(|&entry| Some((entry, state.library.check_entry(entry)?)))
        .collect();
    Action::Checked { targets }
}

/// Parses the rest of a large INDEX.md on its own thread and sends its entries a part at a
/// time (the first of them is entry `next`), then checks the links of those and of the
/// `unchecked` entries already in the library, in INDEX.md order, and sends the results in
/// batches. Stops early if the loop stops listening. If no thread can be started, returns
/// the action that says so.
fn read_library_in_background(
    mut rest: LibraryRest,
    mut unchecked: Vec<(usize, String)>,
    mut next: usize,
) -> Result<Receiver<Action>, Action> {
    let (sender, parts) = channel();
    let spawned = std::thread::Builder::new()
        .name("library".into())
        .spawn(move || {
            std::thread::sleep(FIRST_FRAME_GRACE);
            while !rest.is_done() {
                let part = rest.next_part();
                for entry in &part.entries {
                    unchecked.push((next, entry.link.clone()));
                    next += 1;
                }
                let more = Action::MoreEntries {
                    title: part.title,
                    entries: part.entries,
                    done: part.done,
                    error: None,
                };
                if sender.send(more).is_err() {
                    return;
                }
            }
            for batch in unchecked.chunks(CHECK_BATCH) {
                let targets = batch
                    .iter()
                    .map(|(entry, link)| (*entry, rest.check(link)))
                    .collect();
                if sender.send(Action::Checked { targets }).is_err() {
                    return;
                }
            }
        });
    match spawned {
        Ok(_) => Ok(parts),
        // No thread: the library stays as far as it was read, and the status line says why.
        Err(e) => Err(Action::MoreEntries {
            title: None,
            entries: Vec::new(),
            done: true,
            error: Some(format!("cannot start reading the rest: {e}")),
        }),
    }
}

/// Reads the rest of a large article on its own thread, sending each piece to the loop,
/// until it is done, the loop stops listening or `cancel` is set (another article was
/// opened). If no thread can be started, returns the action that says so.
fn read_in_background(mut loader: Loader, entry: usize) -> Result<Loading, Action> {
    let (sender, pieces) = sync_channel(PIECES_IN_FLIGHT);
    let cancel = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&cancel);
    let spawned = std::thread::Builder::new()
        .name("loader".into())
        .spawn(move || read_pieces(&mut loader, entry, &sender, &stop));
    match spawned {
        Ok(_) => Ok(Loading { pieces, cancel }),
        // No thread: the article stays as far as it was read, and the reader says why.
        Err(e) => Err(Action::More {
            entry,
            blocks: Vec::new(),
            done: true,
            error: Some(format!("cannot start reading the rest: {e}")),
        }),
    }
}

fn read_pieces(loader: &mut Loader, entry: usize, sender: &SyncSender<Action>, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        let (blocks, done, error) = match loader.next(stream::PIECE) {
            Ok(piece) => (piece.blocks, piece.done, None),
            Err(e) => (Vec::new(), true, Some(escape_controls(&e.to_string()))),
        };
        let more = Action::More {
            entry,
            blocks,
            done,
            error,
        };
        if sender.send(more).is_err() || done {
            return;
        }
    }
}
