//! The threads that feed the one channel of actions: the terminal's input, the signal
//! watcher, the reader of a large article and the reader and checker of a large INDEX.md.
//! Each sends through an [`Outbox`]; a worker that makes data faster than the loop takes it
//! in holds a [`Budget`] of messages in flight and waits for a slot, so memory stays bounded
//! however slow the loop is.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use crossterm::event::{self, Event, KeyEventKind, MouseButton, MouseEventKind};

use crate::app::Action;
use crate::document::sanitize::escape_controls;
use crate::document::stream::{self, Loader};
use crate::library::LibraryRest;

/// Where a message comes from: the loop drops what a cancelled loader still sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Terminal,
    Signal,
    /// The reader of a large article; the number tells loads apart.
    Loader(u64),
    /// The reader and checker of a large INDEX.md; the number tells libraries apart.
    Library(u64),
    /// A search in the open article (`update` drops the results of old searches).
    Search,
    /// The watcher of INDEX.md and the open article, and the update of INDEX.md (`R`).
    Watch,
}

/// One message on the channel.
pub struct Sent {
    pub action: Action,
    pub from: Source,
    /// The slot the message holds in its worker's budget, freed when it is dropped (after
    /// `update` took the action in).
    pub slot: Option<Slot>,
}

/// How many messages a worker may have waiting for the loop; closed when the loop no longer
/// wants them (another article was opened).
pub struct Budget {
    state: Mutex<(usize, bool)>,
    freed: Condvar,
    limit: usize,
}

/// A message's place in a [`Budget`].
pub struct Slot(Arc<Budget>);

impl Drop for Slot {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.0 = state.0.saturating_sub(1);
        self.0.freed.notify_all();
    }
}

impl Budget {
    pub fn new(limit: usize) -> Arc<Budget> {
        Arc::new(Budget {
            state: Mutex::new((0, false)),
            freed: Condvar::new(),
            limit: limit.max(1),
        })
    }

    /// Waits for a free slot; none once the budget is closed.
    fn acquire(self: &Arc<Self>) -> Option<Slot> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if state.1 {
                return None;
            }
            if state.0 < self.limit {
                state.0 += 1;
                return Some(Slot(Arc::clone(self)));
            }
            state = self
                .freed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Stops the worker: it gets no more slots, and one waiting for a slot wakes.
    pub fn close(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.1 = true;
        self.freed.notify_all();
    }

    pub fn is_closed(&self) -> bool {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).1
    }
}

/// A worker's way into the channel.
#[derive(Clone)]
pub struct Outbox {
    sender: Sender<Sent>,
    from: Source,
    budget: Option<Arc<Budget>>,
}

impl Outbox {
    pub fn new(sender: Sender<Sent>, from: Source, budget: Option<Arc<Budget>>) -> Outbox {
        Outbox {
            sender,
            from,
            budget,
        }
    }

    /// Sends an action, waiting for a slot if the worker has a budget. False when the loop
    /// is gone or no longer wants this worker's results: the worker should stop.
    pub fn send(&self, action: Action) -> bool {
        let slot = match &self.budget {
            Some(budget) => match budget.acquire() {
                Some(slot) => Some(slot),
                None => return false,
            },
            None => None,
        };
        self.sender
            .send(Sent {
                action,
                from: self.from,
                slot,
            })
            .is_ok()
    }

    fn cancelled(&self) -> bool {
        self.budget.as_ref().is_some_and(|b| b.is_closed())
    }
}

/// Starts a named thread; if none can be started, says why.
fn spawn(name: &str, work: impl FnOnce() + Send + 'static) -> Result<(), String> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(work)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Reads the terminal's input on its own thread and sends it in as actions. Only key
/// presses count: some terminals also report repeats and releases, which would double every
/// key. If the terminal cannot be read any more (it was closed), asks blatt to end.
pub fn read_input(outbox: Outbox) -> Result<(), String> {
    spawn("input", move || {
        loop {
            let action = match event::read() {
                Ok(event) => match action_of(event) {
                    Some(action) => action,
                    None => continue,
                },
                Err(_) => Action::Terminate,
            };
            let end = matches!(action, Action::Terminate);
            if !outbox.send(action) || end {
                return;
            }
        }
    })
}

/// The action of a terminal event, if it is one blatt takes.
pub fn action_of(event: Event) -> Option<Action> {
    match event {
        Event::Key(key) if key.kind == KeyEventKind::Press => Some(Action::Key(key)),
        Event::Resize(width, height) => Some(Action::Resize(width, height)),
        Event::Mouse(mouse) => match mouse.kind {
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => Some(Action::Scroll {
                down: mouse.kind == MouseEventKind::ScrollDown,
                column: mouse.column,
                row: mouse.row,
            }),
            MouseEventKind::Down(MouseButton::Left) => Some(Action::Click {
                column: mouse.column,
                row: mouse.row,
            }),
            _ => None,
        },
        _ => None,
    }
}

/// Reads the rest of a large article on its own thread, sending each piece in, until it is
/// done, the loop stops listening or the budget is closed (another article was opened).
pub fn read_article(mut loader: Loader, entry: usize, outbox: Outbox) -> Result<(), String> {
    spawn("loader", move || {
        while !outbox.cancelled() {
            let (blocks, done, end, error) = match loader.next(stream::PIECE) {
                Ok(piece) => (piece.blocks, piece.done, Some(piece.end), None),
                Err(e) => (
                    Vec::new(),
                    true,
                    None,
                    Some(escape_controls(&e.to_string())),
                ),
            };
            let more = Action::More {
                entry,
                blocks,
                done,
                end,
                error,
            };
            if !outbox.send(more) || done {
                return;
            }
        }
    })
}

/// Scans the file of a large article still loading for where the section `fragment` may
/// start (see [`crate::document::seek`]) on its own thread, and sends [`Action::Sought`].
pub fn seek_section(
    path: std::path::PathBuf,
    entry: usize,
    fragment: String,
    outbox: Outbox,
) -> Result<(), String> {
    spawn("seek", move || {
        // Not found or not readable: the link waits for the article, as without the scan.
        let byte = std::fs::File::open(&path)
            .and_then(|file| crate::document::seek::guess(file, &fragment))
            .ok()
            .flatten();
        outbox.send(Action::Sought {
            entry,
            fragment,
            byte,
        });
    })
}

/// Text searched for the first message of a search worker: small, so that the first match
/// after the top of the screen shows within a frame; each message after covers twice as
/// much, up to [`SEARCH_CHUNK_MAX`].
const SEARCH_CHUNK_FIRST: usize = 64 * 1024;
const SEARCH_CHUNK_MAX: usize = 1024 * 1024;

/// Searches an article on its own thread, from block `from` to the end, then from the start
/// up to it, a chunk of blocks at a time, sending the matches of each chunk. Stops when the
/// budget is closed (another query, Esc). Always ends with a `done` message sent through
/// `last` (which has no budget) after letting go of the document, so that pieces of a
/// loading article that waited for it can be appended without copying it.
pub fn search_article(
    job: crate::app::find::SearchJob,
    outbox: Outbox,
    last: Outbox,
) -> Result<(), String> {
    spawn("search", move || {
        let crate::app::find::SearchJob {
            id,
            query,
            doc,
            from,
        } = job;
        let count = doc.block_count();
        let from = from.min(count);
        let mut chunk = SEARCH_CHUNK_FIRST;
        'parts: for part in [from..count, 0..from] {
            let mut start = part.start;
            while start < part.end {
                if outbox.cancelled() {
                    break 'parts;
                }
                let mut end = start;
                let mut bytes = 0;
                while end < part.end && bytes < chunk {
                    bytes += doc.block(end).text.len() + 1;
                    end += 1;
                }
                let mut hits = Vec::new();
                crate::search::document::find(&doc, &query, start..end, &mut hits);
                let found = Action::Found {
                    search: id,
                    blocks: start..end,
                    hits,
                    done: false,
                };
                if !outbox.send(found) {
                    break 'parts;
                }
                start = end;
                chunk = (chunk * 2).min(SEARCH_CHUNK_MAX);
            }
        }
        drop(doc);
        let _ = last.send(Action::Found {
            search: id,
            blocks: 0..0,
            hits: Vec::new(),
            done: true,
        });
    })
}

/// How often a library-wide search reports how far it has come.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

/// How often a library-wide search sends what it found since it last did (about a frame).
const SEND_EVERY: std::time::Duration = std::time::Duration::from_millis(16);

/// A path as its bytes (hashed as they are, not component by component as a `Path`).
fn os_str(path: std::borrow::Cow<'_, std::path::Path>) -> std::borrow::Cow<'_, std::ffi::OsStr> {
    match path {
        std::borrow::Cow::Borrowed(p) => std::borrow::Cow::Borrowed(p.as_os_str()),
        std::borrow::Cow::Owned(p) => std::borrow::Cow::Owned(p.into_os_string()),
    }
}

/// Searches every article of a library on its own thread: checks the links still unchecked,
/// looks at the files (through `stamps`, when given: only those that changed since the last
/// search), gets the library's search index ready (the one `kept` open from the search
/// before, or opened; made or brought up to date, with progress), then searches the
/// articles the index leaves in library order and sends each one's matches. Stops once
/// `cancel` is set or the loop stops listening. Always ends with [`SearchEvent::Done`] sent
/// through `last` (which has no budget).
#[allow(clippy::too_many_arguments)]
pub fn search_library(
    job: crate::app::results::LibrarySearch,
    kept: crate::search::index::KeptIndex,
    cache: Option<std::path::PathBuf>,
    stamps: Option<super::stamps::Stamps>,
    cap: u64,
    cancel: Arc<std::sync::atomic::AtomicBool>,
    outbox: Outbox,
    last: Outbox,
) -> Result<(), String> {
    use crate::app::results::{MAX_LISTED, PER_ARTICLE, SearchEvent};
    use crate::search::index::{self, Event as IndexEvent};
    use std::sync::atomic::Ordering;
    spawn("search-all", move || {
        let crate::app::results::LibrarySearch {
            id,
            text,
            regex,
            query,
            mut library,
        } = job;
        let send = |event: SearchEvent| {
            let sent = outbox.send(Action::SearchedAll { search: id, event });
            if !sent {
                cancel.store(true, Ordering::Relaxed);
            }
            sent
        };
        crate::library::Library::check_all_shared(&mut library);
        // An article missing when INDEX.md was read may be there now (and one reached
        // through a link since may not be).
        crate::library::Library::check_problems_again(&mut library);
        // The index's update reads the articles that changed by path: the entry of each
        // path, made when the first is read (none, mostly), keyed by the path's bytes.
        // (Made up front with `Path` keys, hashed component by component, the map took
        // 60-70 ms at 100,000 entries, more than the rest of a search for a rare word.)
        // The search itself reads by entry.
        let entries = &library.entries;
        let paths = std::sync::OnceLock::new();
        let read = |path: &std::path::Path| {
            let paths = paths.get_or_init(|| {
                entries
                    .iter()
                    .enumerate()
                    .filter_map(|(i, e)| {
                        let path = crate::search::library::entry_path_borrowed(&e.target)?;
                        Some((os_str(path), i))
                    })
                    .collect::<std::collections::HashMap<_, _, crate::search::index::QuickHash>>()
            });
            match paths.get(path.as_os_str()) {
                Some(&i) => super::load::read_entry(&entries[i], cap),
                None => Err(format!("{} is not in the library", path.display())),
            }
        };
        let read_entry = |entry: usize, _: &std::path::Path| match entries.get(entry) {
            Some(e) => super::load::read_entry(e, cap),
            None => Err(format!("no entry {entry} in the library")),
        };
        let mut reported = std::time::Instant::now();
        let due = |reported: &mut std::time::Instant| {
            let now = std::time::Instant::now();
            let due = now.duration_since(*reported) >= PROGRESS_EVERY;
            if due {
                *reported = now;
            }
            due
        };
        // The files as they are now: those that changed since the last search looked at
        // again (see `stamps`), or every one.
        let looked = stamps.map(|s| s.look(&library).stamps);
        // Read as `blatt search` reads: each answers from the text the other kept.
        let reading = index::reading(cap);
        let candidates = index::prepare_kept(
            &kept,
            &library,
            looked.as_ref(),
            Some(&reading),
            &text,
            regex,
            cache.as_deref(),
            &read,
            &cancel,
            &mut |event| match event {
                IndexEvent::Progress(p) => {
                    if due(&mut reported) {
                        send(SearchEvent::Indexing {
                            done: p.done,
                            total: p.total,
                        });
                    }
                }
                IndexEvent::Notice(text) => {
                    send(SearchEvent::Notice(escape_controls(&text)));
                }
                IndexEvent::Updated(_) | IndexEvent::Candidates(_) => {}
            },
        );
        let total = library.entries.len();
        // What was found, sent together (the first at once): one action per article woke
        // the reader's thread 15,000 times for a common phrase at 100,000 articles, on two
        // cores taken from the search.
        let mut pending = Vec::new();
        let mut sent = None;
        let flush = |pending: &mut Vec<SearchEvent>| {
            let event = match pending.len() {
                0 => return,
                1 => pending.pop().expect("one event"),
                _ => SearchEvent::Several(std::mem::take(pending)),
            };
            send(event);
        };
        crate::search::library::search_library(
            &library,
            &query,
            candidates.as_ref(),
            crate::search::library::Listing {
                per_article: PER_ARTICLE,
                in_all: MAX_LISTED,
            },
            &read_entry,
            &cancel,
            &mut |entry, found| {
                let event = match found {
                    Ok(crate::search::library::Found { count, hits }) => {
                        (count > 0).then_some(SearchEvent::Article { entry, count, hits })
                    }
                    Err(text) => Some(SearchEvent::Problem { entry, text }),
                };
                pending.extend(event);
                if due(&mut reported) {
                    pending.push(SearchEvent::Searching {
                        done: entry + 1,
                        total,
                    });
                }
                let now = std::time::Instant::now();
                if !pending.is_empty() && sent.is_none_or(|at| now.duration_since(at) >= SEND_EVERY)
                {
                    flush(&mut pending);
                    sent = Some(now);
                }
            },
        );
        flush(&mut pending);
        let _ = last.send(Action::SearchedAll {
            search: id,
            event: SearchEvent::Done,
        });
        // Let go after the search is reported done: if the reader changed its library
        // meanwhile, this is the last holder of the old one (100,000 entries take 25-30 ms
        // to free).
        drop(library);
    })
}

/// Links checked in the background per [`Action::Checked`].
const CHECK_BATCH: usize = 1024;

/// How long the library thread leaves the machine to the terminal after the first frame
/// was written: on two cores, starting at once delays the terminal showing that frame by
/// about as long again.
const FIRST_FRAME_GRACE: std::time::Duration = std::time::Duration::from_millis(30);

/// Parses the rest of a large INDEX.md on its own thread and sends its entries a part at a
/// time (the first of them is entry `next`), then checks the links of those and of the
/// `unchecked` entries already in the library, in INDEX.md order, and sends the results in
/// batches. Stops early if the loop stops listening.
pub fn read_library(
    mut rest: LibraryRest,
    mut unchecked: Vec<(usize, String)>,
    mut next: usize,
    outbox: Outbox,
) -> Result<(), String> {
    spawn("library", move || {
        std::thread::sleep(FIRST_FRAME_GRACE);
        while !rest.is_done() {
            let part = rest.next_part();
            if part.replace {
                // The rest showed that the parts so far could be wrong: the whole index,
                // parsed as one, replaces the list, as an INDEX.md read again does.
                let mut library = rest.library(part.title, part.entries);
                library.check_all();
                let whole = crate::app::reload::ReadAgain::whole(library);
                outbox.send(Action::IndexReloaded { result: Ok(whole) });
                return;
            }
            for entry in &part.entries {
                unchecked.push((next, entry.link.clone()));
                next += 1;
            }
            let more = Action::MoreEntries {
                title: part.title,
                entries: part.entries,
                done: part.done,
                error: part.error.map(|e| escape_controls(&e.to_string())),
            };
            if !outbox.send(more) {
                return;
            }
        }
        for batch in unchecked.chunks(CHECK_BATCH) {
            let targets = batch
                .iter()
                .map(|(entry, link)| (*entry, rest.check(link)))
                .collect();
            if !outbox.send(Action::Checked { targets }) {
                return;
            }
        }
    })
}

/// Does the library filter's work on its own thread and sends the result, if it comes to
/// one (a ranking gives up once its query was overtaken).
pub fn filter(work: crate::app::filter::Work, outbox: Outbox) -> Result<(), String> {
    spawn("filter", move || {
        if let Some(done) = work.run() {
            drop(work);
            let _ = outbox.send(Action::Filtered(done));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    #[test]
    fn a_budget_holds_the_worker_until_the_loop_takes_a_message() {
        let (sender, receiver) = channel();
        let budget = Budget::new(2);
        let outbox = Outbox::new(sender, Source::Library(1), Some(Arc::clone(&budget)));
        let worker = std::thread::spawn(move || {
            let mut sent = 0;
            while outbox.send(Action::Continued) {
                sent += 1;
            }
            sent
        });
        let first = receiver.recv().expect("a message");
        let _second = receiver.recv().expect("a message");
        // Two in flight: the third waits until one is taken in.
        assert!(
            receiver.recv_timeout(Duration::from_millis(200)).is_err(),
            "a third message came before a slot was free"
        );
        drop(first);
        let third = receiver
            .recv()
            .expect("a third message once a slot is free");
        assert_eq!(third.from, Source::Library(1));
        budget.close();
        let sent = worker.join().expect("the worker ends once closed");
        assert_eq!(sent, 3);
    }

    /// A state over a library large enough that `/` has a worker make the fields.
    fn filtering_state() -> (crate::app::State, crate::app::filter::Work) {
        use crate::app::{Command, Effect, Keymap, Settings, State, update};
        use crate::library::{Entry, Library, Origin, Target};
        let entries = (0..1500)
            .map(|i| Entry {
                title: format!("Artikel {i}"),
                description: "Bericht".into(),
                group: vec!["Politik".into()],
                language: None,
                link: "seed.md".into(),
                line: i + 1,
                target: Target::Bundled("seed.md"),
            })
            .collect();
        let library = Library {
            origin: Origin::Bundled,
            title: None,
            entries,
        };
        let mut state = State::new(library, Settings::default(), Keymap::default());
        let effects = update(&mut state, Action::Command(Command::Filter));
        let work = effects.into_iter().find_map(|e| match e {
            Effect::Filter(work) => Some(work),
            _ => None,
        });
        (state, work.expect("the fields are made on a worker"))
    }

    #[test]
    fn the_filter_worker_sends_its_result_and_nothing_for_work_let_go_of() {
        let (mut state, work) = filtering_state();
        let (sender, receiver) = channel();
        filter(work, Outbox::new(sender, Source::Terminal, None)).expect("a thread");
        let sent = receiver.recv().expect("the fields");
        crate::app::update(&mut state, sent.action);
        // With the fields made, a query is ranked at once.
        for c in "1499".chars() {
            let key = crossterm::event::KeyEvent::new_with_kind(
                crossterm::event::KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
                KeyEventKind::Press,
            );
            crate::app::update(&mut state, Action::Key(key));
        }
        assert_eq!(state.filter.order().and_then(|o| o.first()), Some(&1499));

        let (state, work) = filtering_state();
        drop(state);
        let (sender, receiver) = channel();
        filter(work, Outbox::new(sender, Source::Terminal, None)).expect("a thread");
        // The worker ends without sending: its outbox, the only sender, goes.
        assert!(receiver.recv().is_err());
    }
}
