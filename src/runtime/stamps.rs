//! What the reader's library-wide search knows of the library's files between searches.
//!
//! A library-wide search first brings the search index up to date against the size and
//! modification time of every article ([`FileStamps`]: one `lstat` a file). At 100,000
//! articles that look is most of a search: nothing but looking tells a file edited in
//! place. The reader can do better than `blatt search`, which starts afresh each time: from
//! its first library-wide search on, it watches the library's folder (recursively, with
//! notify) and keeps the stamps of the last look. The next search looks again only at the
//! files at or below a path that had an event since, and at every file when the watch may
//! have missed something (the kernel's event queue overflowed, the watcher failed), the
//! library is not the one the stamps were taken of (INDEX.md was read again), or the folder
//! cannot be watched at all. Files outside the folder (an entry reached through a symbolic
//! link), and files with another name too (a hard link, which may be edited through a name
//! in a folder no watch sees), are looked at every time.
//!
//! Events are only recorded here, never waited for: a change is seen by a search that
//! starts after the kernel reported it (a few milliseconds after the write).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use notify_debouncer_full::notify::{self, Event, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::library::{Library, Origin, Target};
use crate::search::index::FileStamps;

/// Past this many paths with events between two searches, the next one looks at every
/// file (cheaper than sorting out which entries they touch, and bounded memory).
const MOST_CHANGED: usize = 10_000;

/// The stamps kept between searches and the watch that keeps them true; held by the
/// runtime. Workers get a [`Stamps`] handle.
#[derive(Default)]
pub struct KeptStamps {
    shared: Stamps,
    /// The folder watched, and its watcher once the watch is set up (dropped to stop
    /// watching).
    watching: Option<(PathBuf, WatcherSlot)>,
    /// The folder whose first search [`KeptStamps::prepare`] got ready (or found nothing
    /// to get ready for).
    prepared: Option<PathBuf>,
}

/// Where the thread that sets a watch up leaves its watcher.
type WatcherSlot = Arc<Mutex<Option<RecommendedWatcher>>>;

impl KeptStamps {
    /// Watches the folder of `library` (a library on disk) from now on, unless it already
    /// does; the stamps of another folder are forgotten. The watch is set up on a thread
    /// of its own, returned (at 100,000 articles in 100 folders it took 0.4 s, which the
    /// reader's thread spent before its first search): until it is, every look is at
    /// every file, and the first look after it is too (what changed between an earlier
    /// look and the watch would not be seen). A folder that cannot be watched leaves every
    /// search to look at every file, as before.
    pub fn watch(
        &mut self,
        library: &Library,
    ) -> Result<Option<std::thread::JoinHandle<()>>, String> {
        let Origin::Dir { root, .. } = &library.origin else {
            return Ok(None);
        };
        if self.watching.as_ref().is_some_and(|(r, _)| r == root) {
            return Ok(None);
        }
        self.watching = None;
        // Afresh, not cleared: a worker may still hold the old ones (and their lock).
        self.shared = Stamps::default();
        let recorder = self.shared.clone();
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<Event>| {
            recorder.lock().record(event);
        })
        .map_err(|e| e.to_string())?;
        let slot = WatcherSlot::default();
        self.watching = Some((root.clone(), Arc::clone(&slot)));
        let shared = self.shared.clone();
        let root = root.clone();
        std::thread::Builder::new()
            .name("search-watch".into())
            .spawn(move || {
                if watcher.watch(&root, RecursiveMode::Recursive).is_err() {
                    return;
                }
                shared.watched(root);
                *slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(watcher);
            })
            .map(Some)
            .map_err(|e| e.to_string())
    }

    /// Gets the first library-wide search of `library` (all of it read in) ready, once per
    /// folder: when the library has a search index under `cache` (it was searched before),
    /// its folder is watched from now on and every file is looked at on a thread of its
    /// own, so that the first search finds the stamps kept and looks only at what changed
    /// since, as later searches do. At 100,000 articles that look is most of a search
    /// (0.2-0.4 s); a library never searched is left alone. Returns the thread, or `None`
    /// when there is nothing to do (no index, a library not on disk, done before, a folder
    /// that cannot be watched).
    pub fn prepare(
        &mut self,
        library: &Arc<Library>,
        cache: impl FnOnce() -> Option<PathBuf>,
    ) -> Option<std::thread::JoinHandle<()>> {
        let Origin::Dir { root, .. } = &library.origin else {
            return None;
        };
        if self.prepared.as_ref() == Some(root) {
            return None;
        }
        self.prepared = Some(root.clone());
        if !crate::search::index::has_index(&cache()?, library) {
            return None;
        }
        let watch = self.watch(library).ok()?;
        let stamps = self.handle();
        let mut library = Arc::clone(library);
        std::thread::Builder::new()
            .name("search-look".into())
            .spawn(move || {
                if let Some(watch) = watch {
                    let _ = watch.join();
                }
                // As the search worker takes the library: every link checked.
                Library::check_all_shared(&mut library);
                stamps.look(&library);
            })
            .ok()
    }

    /// A handle for a worker.
    pub fn handle(&self) -> Stamps {
        self.shared.clone()
    }
}

/// The kept stamps, shared between the runtime, the watcher's thread and search workers.
#[derive(Clone, Default)]
pub struct Stamps(Arc<Mutex<Kept>>);

#[derive(Default)]
struct Kept {
    /// The folder watched; `None` while nothing is.
    root: Option<PathBuf>,
    /// The stamps of the last look, and the fingerprint of the library's files they were
    /// taken of (in entry order). Shared with the searches that asked for them: a look
    /// that finds nothing changed gives the same ones again, uncopied.
    stamps: Option<(u64, Arc<FileStamps>)>,
    /// The library the last fingerprint was taken of, and that fingerprint: the same
    /// library again is not taken apart again (its 100,000 paths took 5-10 ms). Held weakly,
    /// so that the reader can change its library without copying it
    /// ([`crate::shared::unchanged`]).
    fingerprinted: Option<(Weak<Library>, u64)>,
    /// The entries with a file below `root`, ordered by path (so that the entries below a
    /// folder are one run), and those with a file elsewhere.
    inside: Vec<usize>,
    outside: Vec<usize>,
    /// Paths with an event since the last look.
    changed: Vec<PathBuf>,
    /// An event may have been missed since the last look.
    lost: bool,
}

impl Kept {
    fn record(&mut self, event: notify::Result<Event>) {
        match event {
            Ok(event) if event.need_rescan() => self.lost = true,
            Ok(event) if super::watch::may_change(&event.kind) => {
                self.changed.extend(event.paths);
                if self.changed.len() > MOST_CHANGED {
                    self.changed = Vec::new();
                    self.lost = true;
                }
            }
            Ok(_) => {}
            Err(_) => self.lost = true,
        }
    }
}

/// What [`Stamps::look`] did.
#[derive(Debug)]
pub struct Look {
    /// The stamps of the library's files now: the same (by [`Arc::ptr_eq`]) as the last
    /// look's when none changed since.
    pub stamps: Arc<FileStamps>,
    /// Files looked at.
    pub looked: usize,
    /// Every file was looked at (no stamps kept, or they could not be trusted).
    pub all: bool,
}

impl Stamps {
    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// `root` is watched from now on. Stamps kept from a look before are dropped: what
    /// changed between that look and the watch had no event, so the next look is at
    /// every file.
    fn watched(&self, root: PathBuf) {
        let mut kept = self.lock();
        kept.root = Some(root);
        kept.stamps = None;
    }

    /// The stamps of `library`'s files now: those kept, with the files that changed since
    /// looked at again, or every file looked at. The lock is held throughout, so events
    /// that come meanwhile are recorded for the next look, and two searches never mix
    /// their looks.
    pub fn look(&self, library: &Arc<Library>) -> Look {
        let mut kept = self.lock();
        let fingerprint = match &kept.fingerprinted {
            Some((of, fingerprint)) if crate::shared::unchanged(of, library) => *fingerprint,
            _ => {
                let fingerprint = fingerprint(library);
                kept.fingerprinted = Some((Arc::downgrade(library), fingerprint));
                fingerprint
            }
        };
        let trusted = kept.root.is_some()
            && !kept.lost
            && kept.stamps.as_ref().is_some_and(|(f, _)| *f == fingerprint);
        if !trusted {
            kept.changed.clear();
            kept.lost = false;
            let stamps = Arc::new(FileStamps::of(library));
            let looked = library
                .entries
                .iter()
                .filter(|e| matches!(e.target, Target::File(_)))
                .count();
            let (inside, mut outside) = split(library, kept.root.as_deref());
            // A file with another name may change through it, unseen by the watch: looked
            // at every time, as a file outside the folder is.
            outside.extend(stamps.linked());
            kept.inside = inside;
            kept.outside = outside;
            kept.stamps = Some((fingerprint, Arc::clone(&stamps)));
            return Look {
                stamps,
                looked,
                all: true,
            };
        }
        let changed = std::mem::take(&mut kept.changed);
        let mut again: BTreeSet<usize> = kept.outside.iter().copied().collect();
        for path in &changed {
            again.extend(below(library, &kept.inside, path));
        }
        let Kept {
            stamps, outside, ..
        } = &mut *kept;
        let (_, stamps) = stamps.as_mut().expect("trusted stamps are kept");
        let looked = FileStamps::look_again(stamps, library, again.iter().copied());
        // A file that has another name now is looked at every time from now on.
        for i in again.into_iter().filter(|&i| stamps.is_linked(i)) {
            if !outside.contains(&i) {
                outside.push(i);
            }
        }
        Look {
            stamps: Arc::clone(stamps),
            looked,
            all: false,
        }
    }
}

/// The file of an entry, if it has one.
fn file(library: &Library, entry: usize) -> Option<&Path> {
    match &library.entries.get(entry)?.target {
        Target::File(path) => Some(path),
        _ => None,
    }
}

/// What the stamps of a library are taken of: its entries' files, in order.
fn fingerprint(library: &Library) -> u64 {
    let mut hash = crate::hash::Fnv1a::new();
    for entry in &library.entries {
        match &entry.target {
            Target::File(path) => hash.part(path.as_os_str().as_encoded_bytes()),
            _ => hash.write(b"-"),
        }
    }
    hash.finish()
}

/// The entries with a file below `root`, ordered by path, and those with a file elsewhere.
fn split(library: &Library, root: Option<&Path>) -> (Vec<usize>, Vec<usize>) {
    let (mut inside, outside): (Vec<usize>, Vec<usize>) = (0..library.entries.len())
        .filter(|&i| file(library, i).is_some())
        .partition(|&i| root.is_some_and(|r| file(library, i).is_some_and(|f| f.starts_with(r))));
    inside.sort_by(|&a, &b| file(library, a).cmp(&file(library, b)));
    (inside, outside)
}

/// The entries of `inside` (ordered by path) whose file is `path` or below it.
fn below<'a>(
    library: &'a Library,
    inside: &'a [usize],
    path: &'a Path,
) -> impl Iterator<Item = usize> + 'a {
    let start = inside.partition_point(|&i| file(library, i).is_some_and(|f| f < path));
    inside[start..]
        .iter()
        .copied()
        .take_while(move |&i| file(library, i).is_some_and(|f| f.starts_with(path)))
}

#[cfg(test)]
mod tests;
