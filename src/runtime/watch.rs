//! Live reload, the runtime's part: a [`Watcher`] on INDEX.md and the open article, and
//! the loop's work for the effects it leads to (read the article again, read INDEX.md
//! again, bring INDEX.md up to date for `R`).
//!
//! Each file is watched through its folder (not recursively), so that an editor that saves
//! by writing a new file and renaming it over the old one is seen as well as one that
//! writes in place. notify's debouncer stitches renames together and passes events on a
//! moment after they happen; the watcher's own thread then waits until a file has had no
//! event for [`QUIET`] and only then says it changed ([`Action::FileChanged`]): a burst of
//! writes (a file written in pieces, an editor's save) is one change, read once complete.
//! A file missing at that point gets one more quiet period (a save by rename may be between
//! its remove and its create) before it is reported gone, so a half-saved file is never
//! shown as a problem. Reading a file opens it, which inotify reports too: only events
//! that can change what a file holds count.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache};

use super::workers::{Outbox, Source};
use super::{Loop, Runtime, start_load};
use crate::app::{Action, Effect, State, reload, update};
use crate::document::sanitize::escape_controls;

/// How long a file must have been left alone before it is read again.
pub const QUIET: Duration = Duration::from_millis(300);
/// How long notify's debouncer holds an event (to stitch a rename's two halves together),
/// and how often it passes on what it held.
const DEBOUNCE: Duration = Duration::from_millis(100);
const TICK: Duration = Duration::from_millis(50);
/// Every event older than this has reached the watcher's thread: a file counts as quiet
/// only once that much more time has passed after its quiet period.
const LAG: Duration = Duration::from_millis(100 + 2 * 50);

/// Watches files, each through its folder, and sends [`Action::FileChanged`] for each
/// one once it has been quiet after changing.
pub struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    /// The files watched, shared with the thread that judges their events.
    files: Arc<Mutex<HashSet<PathBuf>>>,
    /// The folders watched for them.
    folders: HashSet<PathBuf>,
}

impl Watcher {
    /// Starts watching (nothing yet, see [`Watcher::watch`]); what changed goes out through
    /// `outbox` once it has been quiet for `quiet`.
    pub fn start(outbox: Outbox, quiet: Duration) -> Result<Watcher, String> {
        let (sender, events) = channel();
        let debouncer = notify_debouncer_full::new_debouncer(DEBOUNCE, Some(TICK), sender)
            .map_err(|e| e.to_string())?;
        let files = Arc::new(Mutex::new(HashSet::new()));
        let shared = Arc::clone(&files);
        std::thread::Builder::new()
            .name("watch".into())
            .spawn(move || settle(&events, &shared, quiet, &outbox))
            .map_err(|e| e.to_string())?;
        Ok(Watcher {
            debouncer,
            files,
            folders: HashSet::new(),
        })
    }

    /// Watches exactly `files` from now on. Returns the folders that cannot be watched,
    /// with why.
    pub fn watch(&mut self, files: &[PathBuf]) -> Vec<String> {
        *lock(&self.files) = files.iter().cloned().collect();
        let wanted: HashSet<PathBuf> = files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        for old in self.folders.difference(&wanted) {
            // A folder that is gone is not watched any more anyway.
            let _ = self.debouncer.unwatch(old);
        }
        let mut problems = Vec::new();
        let mut watched = HashSet::new();
        for folder in wanted {
            if self.folders.contains(&folder) {
                watched.insert(folder);
                continue;
            }
            match self.debouncer.watch(&folder, RecursiveMode::NonRecursive) {
                Ok(()) => {
                    watched.insert(folder);
                }
                Err(e) => problems.push(format!(
                    "{}: {}",
                    escape_controls(&folder.to_string_lossy()),
                    escape_controls(&e.to_string())
                )),
            }
        }
        self.folders = watched;
        problems
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether an event may have changed what a file holds (or whether it is there). Opening
/// and reading do not (blatt's own reading would otherwise reload forever), nor does a
/// change of permissions or times alone.
pub(super) fn may_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// The watcher's thread: takes in the debouncer's events, waits for each watched file to
/// be quiet, then sends what became of it. Ends when the debouncer is dropped or the loop
/// stops listening.
fn settle(
    events: &Receiver<DebounceEventResult>,
    files: &Mutex<HashSet<PathBuf>>,
    quiet: Duration,
    outbox: &Outbox,
) {
    // When each changed file is to be looked at, and whether it was missing last time.
    let mut due: HashMap<PathBuf, (Instant, bool)> = HashMap::new();
    // Files said to be gone: not said again until they are back.
    let mut gone: HashSet<PathBuf> = HashSet::new();
    loop {
        let received = match due.values().map(|(at, _)| *at).min() {
            Some(at) => events.recv_timeout(at.saturating_duration_since(Instant::now())),
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match received {
            Ok(Ok(batch)) => {
                let watched = lock(files);
                for event in batch
                    .iter()
                    .filter(|e| may_change(&e.kind) || e.need_rescan())
                {
                    let at = event.time + quiet + LAG;
                    // Events were lost (the kernel's queue overflowed): anything may have
                    // changed.
                    let paths: Vec<&PathBuf> = if event.need_rescan() {
                        watched.iter().collect()
                    } else {
                        event
                            .paths
                            .iter()
                            .filter(|p| watched.contains(*p))
                            .collect()
                    };
                    for path in paths {
                        let slot = due.entry(path.clone()).or_insert((at, false));
                        *slot = (slot.0.max(at), false);
                    }
                }
            }
            // A watch that failed (its folder was removed): what is shown stays.
            Ok(Err(_)) | Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
        let now = Instant::now();
        let ready: Vec<PathBuf> = due
            .iter()
            .filter(|(_, (at, _))| *at <= now)
            .map(|(path, _)| path.clone())
            .collect();
        for path in ready {
            let Some((_, missing_before)) = due.remove(&path) else {
                continue;
            };
            if !lock(files).contains(&path) {
                continue;
            }
            let action = if std::fs::metadata(&path).is_ok() {
                gone.remove(&path);
                Action::FileChanged { path, gone: false }
            } else if !missing_before {
                // Perhaps saved by rename, between the remove and the create: look again
                // after another quiet period.
                due.insert(path, (now + quiet, true));
                continue;
            } else if gone.insert(path.clone()) {
                Action::FileChanged { path, gone: true }
            } else {
                continue;
            };
            if !outbox.send(action) {
                return;
            }
        }
    }
}

/// INDEX.md as it was read: a reload that finds it the same reads nothing (after `R`, the
/// update reloads the list and the watcher then sees the write).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp {
        path: path.to_path_buf(),
        len: meta.len(),
        modified: meta.modified().ok(),
        inode,
    })
}

/// The loop's part in live reload.
pub(super) struct Live {
    /// `watch = true` in the configuration (and the watcher could start).
    enabled: bool,
    watcher: Option<Watcher>,
    /// The files watched now.
    files: Vec<PathBuf>,
    /// INDEX.md as it was when it was last read again (set by the thread that read it,
    /// once it could).
    index_stamp: Arc<Mutex<Option<Stamp>>>,
    /// An update of INDEX.md (`R`) is running.
    updating: Arc<AtomicBool>,
}

impl Live {
    pub(super) fn new(enabled: bool) -> Live {
        Live {
            enabled,
            watcher: None,
            files: Vec::new(),
            index_stamp: Arc::new(Mutex::new(None)),
            updating: Arc::new(AtomicBool::new(false)),
        }
    }
}

impl Loop {
    /// Watches the files the state names now: INDEX.md and the open article. The watcher
    /// starts with the first file to watch; if it cannot, the status line says so once.
    pub(super) fn follow(&mut self, state: &mut State) {
        if !self.live.enabled {
            return;
        }
        let files = reload::watched(state);
        if files == self.live.files {
            return;
        }
        self.live.files = files;
        if self.live.watcher.is_none() {
            if self.live.files.is_empty() {
                return;
            }
            let outbox = Outbox::new(self.sender.clone(), Source::Watch, None);
            match Watcher::start(outbox, QUIET) {
                Ok(watcher) => self.live.watcher = Some(watcher),
                Err(e) => {
                    self.live.enabled = false;
                    let notice = format!("changed files are not noticed: {}", escape_controls(&e));
                    // A notice makes no effects.
                    let _ = update(state, Action::Notice(notice));
                    return;
                }
            }
        }
        if let Some(watcher) = self.live.watcher.as_mut()
            && let Some(problem) = watcher.watch(&self.live.files).first()
        {
            let _ = update(
                state,
                Action::Notice(format!("changes are not noticed in {problem}")),
            );
        }
    }

    /// Reads the open article again through `entry`, as opening it does: all of a small
    /// one, the first piece of a large one with a loader for the rest (the loader of the
    /// text before is stopped).
    pub(super) fn reload_article(
        &mut self,
        state: &mut State,
        runtime: &Runtime,
        entry: usize,
    ) -> Vec<Effect> {
        let Some(key) = state.reader.as_ref().map(|r| r.key.clone()) else {
            return Vec::new();
        };
        let (doc, loader) = match start_load(state, entry, runtime.read_cap) {
            Ok(opened) => opened,
            Err(e) => {
                let failed = Action::Reloaded {
                    entry,
                    key,
                    result: Err(e),
                };
                return update(state, failed);
            }
        };
        // Pieces of the text before, numbered with the old load, are dropped from now; a
        // search in it is of no use any more.
        for budget in [self.loading.take(), self.search.take()]
            .into_iter()
            .flatten()
        {
            budget.close();
        }
        self.load += 1;
        let reloaded = Action::Reloaded {
            entry,
            key,
            result: Ok(doc),
        };
        let mut effects = update(state, reloaded);
        if let Some(loader) = loader {
            effects.extend(self.read_rest(state, loader, entry));
        }
        effects
    }

    /// Reads the library's INDEX.md again, whole and checked, on its own thread; nothing if
    /// it is as it was when last read again. What was still being read of it before stops.
    pub(super) fn reload_index(&mut self, state: &mut State) -> Vec<Effect> {
        let crate::library::Origin::Dir { index, .. } = &state.library.origin else {
            return Vec::new();
        };
        let index = index.clone();
        let now = stamp(&index);
        if now.is_some() && now == *lock(&self.live.index_stamp) {
            return Vec::new();
        }
        if let Some(budget) = self.library.take() {
            budget.close();
        }
        // Parts of the library read before are dropped from now: the new one is whole.
        self.library_load += 1;
        let outbox = Outbox::new(
            self.sender.clone(),
            Source::Library(self.library_load),
            None,
        );
        let read = Arc::clone(&self.live.index_stamp);
        let spawned = std::thread::Builder::new()
            .name("reload-index".into())
            .spawn(move || {
                let result = crate::library::load_library(&index)
                    .map(reload::ReadAgain::new)
                    .map_err(|e| escape_controls(&e.to_string()));
                // Read as it was before reading: a change while it was read is read again.
                if result.is_ok() {
                    *lock(&read) = now;
                }
                outbox.send(Action::IndexReloaded { result });
            });
        match spawned {
            Ok(_) => Vec::new(),
            Err(e) => update(
                state,
                Action::IndexReloaded {
                    result: Err(format!("cannot start reading it: {e}")),
                },
            ),
        }
    }

    /// Brings `dir`'s INDEX.md up to date on its own thread, as `blatt index DIR` does.
    /// One at a time: `R` while one runs says so.
    pub(super) fn update_index(&mut self, state: &mut State, dir: PathBuf) -> Vec<Effect> {
        if self.live.updating.swap(true, Ordering::AcqRel) {
            return update(
                state,
                Action::Notice("INDEX.md is being updated already…".into()),
            );
        }
        let today = crate::ui::date(crate::store::now_ms());
        let outbox = Outbox::new(self.sender.clone(), Source::Watch, None);
        let updating = Arc::clone(&self.live.updating);
        let spawned = std::thread::Builder::new()
            .name("update-index".into())
            .spawn(move || {
                let result = crate::headless::update_index(&dir, false, &today)
                    .map(|done| reload::IndexUpdate {
                        created: done.created,
                        changes: done.changes,
                        written: done.written,
                        problems: done.problems,
                    })
                    .map_err(|e| escape_controls(&format!("{e:#}")));
                updating.store(false, Ordering::Release);
                outbox.send(Action::IndexUpdated { result });
            });
        match spawned {
            Ok(_) => Vec::new(),
            Err(e) => {
                self.live.updating.store(false, Ordering::Release);
                update(
                    state,
                    Action::IndexUpdated {
                        result: Err(format!("cannot start the update: {e}")),
                    },
                )
            }
        }
    }
}
