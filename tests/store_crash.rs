//! Kill a saving process with SIGKILL at random moments: `state.json` must always parse and
//! hold one complete state, old or new, and the next open and save must work (the lock died
//! with the process, the temporary file left behind is cleaned up).
//!
//! The saving process is this test binary itself, run again with `BLATT_STORE_CHILD` set and
//! filtered down to `crash_child`, which does nothing in a normal test run.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use blatt::anchor::Anchor;
use blatt::store::{Bookmark, DocState, LastOpen, Notice, Op, SavedState, Store};

const CHILD_ENV: &str = "BLATT_STORE_CHILD";
const TRIALS: usize = 120;
const COUNTER_DOC: &str = "counter";

/// The child: saves forever, one bookmark more each time, until it is killed.
#[test]
fn crash_child() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let (mut store, _notices) = Store::open(Some(dir.into()));
    loop {
        let n = counter(store.state()) + 1;
        store.apply(Op::UpsertBookmark {
            id: format!("c{n:06}"),
            bookmark: Bookmark {
                doc: COUNTER_DOC.into(),
                // Varying sizes, so the file does not just grow by a fixed step.
                note: format!("{n}:{}", "x".repeat(n * 7 % 301)),
                anchor: Anchor {
                    block: n,
                    ..Anchor::default()
                },
                ..Bookmark::default()
            },
        });
        store.apply(Op::SetDoc {
            key: COUNTER_DOC.into(),
            state: DocState {
                // The checksum: the sum of the numbers in all the notes.
                title: (n * (n + 1) / 2).to_string(),
                sections_total: n,
                updated: n as u64,
                ..DocState::default()
            },
        });
        if let Err(e) = store.save() {
            eprintln!("child: save failed: {e}");
            std::process::exit(3);
        }
    }
}

fn counter(state: &SavedState) -> usize {
    state.docs.get(COUNTER_DOC).map_or(0, |d| d.sections_total)
}

/// Checks that a state is one complete save of the child and returns its counter.
fn check_complete(state: &SavedState, trial: usize) -> usize {
    let n = counter(state);
    assert_eq!(state.bookmarks.len(), n, "trial {trial}: bookmark count");
    let mut sum = 0usize;
    for k in 1..=n {
        let Some(b) = state.bookmarks.get(&format!("c{k:06}")) else {
            panic!("trial {trial}: bookmark {k} of {n} missing");
        };
        let (num, pad) = b.note.split_once(':').unwrap_or(("?", ""));
        assert_eq!(num, k.to_string(), "trial {trial}: note of {k}");
        assert_eq!(pad.len(), k * 7 % 301, "trial {trial}: note length of {k}");
        sum += k;
    }
    if n > 0 {
        assert_eq!(
            state.docs[COUNTER_DOC].title,
            sum.to_string(),
            "trial {trial}: checksum"
        );
    }
    n
}

/// A small xorshift generator, seeded from the clock: no extra crate for random delays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn spawn_child(dir: &Path) -> std::process::Child {
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    Command::new(exe)
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn child: {e}"))
}

/// Panics unless `dir/state.lock`, if the killed child made it, can be locked right now.
fn assert_lock_free(dir: &Path, trial: usize) {
    let path = dir.join("state.lock");
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return,
        Err(e) => panic!("trial {trial}: open {}: {e}", path.display()),
    };
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            panic!("trial {trial}: the killed child's lock is still held")
        }
        Err(std::fs::TryLockError::Error(e)) => panic!("trial {trial}: try_lock: {e}"),
    }
}

#[test]
fn kill_during_save_never_leaves_a_broken_file() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let dir = tmp.path();
    let path = dir.join("state.json");
    let seed = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    eprintln!("crash test seed {seed}");
    let mut rng = Rng(seed);
    let mut last = 0usize;
    let mut advanced = 0usize;
    let mut leftovers = 0usize;

    for trial in 0..TRIALS {
        let mut child = spawn_child(dir);
        // The child needs a few ms to start; after that each save takes a few ms, so kills
        // land before, between and inside saves.
        std::thread::sleep(Duration::from_micros(3_000 + rng.next() % 40_000));
        if let Ok(Some(status)) = child.try_wait() {
            panic!("trial {trial}: child exited on its own: {status}");
        }
        child.kill().unwrap_or_else(|e| panic!("kill: {e}"));
        let _ = child.wait();
        // The lock died with the child: it is free at once, not after some timeout. (How
        // long the next save takes is measured by `cargo bench --bench lifecycle -- store`.)
        assert_lock_free(dir, trial);

        // The raw file, without the store's help: it parses and is one complete state.
        let n = match std::fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                assert_eq!(last, 0, "trial {trial}: state.json disappeared");
                continue;
            }
            Err(e) => panic!("trial {trial}: read: {e}"),
            Ok(bytes) => {
                let state: SavedState = serde_json::from_slice(&bytes)
                    .unwrap_or_else(|e| panic!("trial {trial}: state.json does not parse: {e}"));
                check_complete(&state, trial)
            }
        };
        assert!(n >= last, "trial {trial}: went back from {last} to {n}");
        if n > last {
            advanced += 1;
        }
        last = n;

        // The store opens it cleanly (at most cleaning a temporary file), and the lock the
        // killed child may have held is free at once.
        let (mut store, notices) = Store::open(Some(dir.to_path_buf()));
        for notice in &notices {
            match notice {
                Notice::StaleFilesRemoved(_) => leftovers += 1,
                other => panic!("trial {trial}: unexpected notice: {other}"),
            }
        }
        assert_eq!(check_complete(store.state(), trial), n);
        store.apply(Op::SetLastOpen(Some(LastOpen {
            doc: COUNTER_DOC.into(),
            updated: trial as u64,
            ..LastOpen::default()
        })));
        store
            .save()
            .unwrap_or_else(|e| panic!("trial {trial}: save after kill: {e}"));
    }

    let corrupt = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
                .count()
        })
        .unwrap_or(0);
    assert_eq!(corrupt, 0);
    eprintln!(
        "crash test: {TRIALS} kills, final counter {last}, advanced in {advanced} trials, \
         {leftovers} temp files cleaned up, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        advanced >= TRIALS / 10,
        "the child rarely got to save: {advanced}"
    );
}
