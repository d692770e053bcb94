//! How fast the real binary opens, refuses, ends and recovers: the figures that the
//! integration tests (`tests/lifecycle.rs`, `tests/wire.rs`, `tests/store_crash.rs`,
//! `tests/cli.rs`) used to assert as time limits. The tests now only fail on a hang; the
//! times are measured here, on the release build, and compared with the same targets.
//!
//! Sections (`cargo bench --bench lifecycle -- <filter>` runs those whose name contains the
//! filter):
//!
//! - **fixture**: building the hostile library (`tests/common/hostile.rs`);
//! - **refuse**: `blatt render` and `blatt toc` refusing a FIFO, devices and a binary file;
//! - **headless**: the slowest `toc` or `render` of a hostile document;
//! - **open**: in a pseudo-terminal, from Enter on each hostile entry to the article or the
//!   message on screen;
//! - **close**: from the terminal closing under a reading blatt to its end, and the
//!   processor time it used meanwhile (more would mean spinning on the dead terminal);
//! - **signal**: from SIGTERM, SIGHUP or SIGINT to the exit;
//! - **resize**: after a storm of 1,000 resizes, from the last one to the right screen;
//! - **store**: opening the store and saving after a saving process was killed (its lock
//!   must be free at once).
//!
//! Prints one row per measurement (median and slowest of the runs, the target) and exits
//! non-zero when a slowest run is over its target. Linux only (`/proc`, `mkfifo`).

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/pty/mod.rs"]
mod pty;

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use blatt::anchor::Anchor;
use blatt::store::{Bookmark, Op, Store};

use pty::{Session, status_line};

/// Set (to a config directory) in the child that saves until it is killed.
const SAVER: &str = "BLATT_LIFECYCLE_BENCH_SAVER";
/// How long any wait may take before the benchmark gives up on it.
const GIVE_UP: Duration = Duration::from_secs(60);
const TITLE: &str = "Kommission kritisiert Zoom";

/// One measured figure: its runs and the most the slowest may take.
struct Row {
    name: String,
    runs: Vec<Duration>,
    target: Option<Duration>,
}

impl Row {
    fn over(&self) -> bool {
        self.target
            .is_some_and(|t| self.runs.iter().max().is_some_and(|m| *m > t))
    }

    fn print(&self) {
        let mut sorted = self.runs.clone();
        sorted.sort();
        let median = sorted.get(sorted.len() / 2).copied().unwrap_or_default();
        let max = sorted.last().copied().unwrap_or_default();
        let target = self
            .target
            .map_or_else(|| "—".to_string(), |t| format!("{:.0?}", t));
        let verdict = match self.target {
            None => "",
            Some(_) if self.over() => "OVER",
            Some(_) => "ok",
        };
        println!(
            "{:<52} {:>4} {:>11.1?} {:>11.1?} {:>8}  {verdict}",
            self.name,
            sorted.len(),
            median,
            max,
            target
        );
    }
}

/// A section of the benchmark: its name (for the filter) and what it measures.
type Section = (&'static str, fn(&mut Bench));

struct Bench {
    filter: Option<String>,
    rows: Vec<Row>,
}

impl Bench {
    fn wants(&self, section: &str) -> bool {
        self.filter
            .as_ref()
            .is_none_or(|f| section.contains(f.as_str()))
    }

    fn row(&mut self, name: String, runs: Vec<Duration>, target: Option<Duration>) {
        let row = Row { name, runs, target };
        row.print();
        self.rows.push(row);
    }
}

fn main() -> ExitCode {
    if !cfg!(target_os = "linux") {
        eprintln!("the lifecycle benchmark reads /proc and needs Linux; skipped");
        return ExitCode::SUCCESS;
    }
    if let Some(dir) = std::env::var_os(SAVER) {
        save_forever(Path::new(&dir));
    }
    // `cargo bench` passes `--bench`; anything else is a filter.
    let filter = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let mut bench = Bench {
        filter,
        rows: Vec::new(),
    };
    println!(
        "{:<52} {:>4} {:>11} {:>11} {:>8}  verdict",
        "what", "runs", "median", "slowest", "target"
    );
    let sections: [Section; 8] = [
        ("fixture", fixture),
        ("refuse", refuse),
        ("headless", headless),
        ("open", open),
        ("close", close),
        ("signal", signal),
        ("resize", resize),
        ("store", store),
    ];
    for (name, run) in sections {
        if bench.wants(name) {
            run(&mut bench);
        }
    }
    let over = bench.rows.iter().filter(|r| r.over()).count();
    if over > 0 {
        eprintln!("{over} figure(s) over their target");
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed())
}

fn config_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary config directory")
}

// --- headless ---

fn fixture(bench: &mut Bench) {
    let runs = (0..5).map(|_| timed(common::hostile::build).1).collect();
    bench.row(
        "fixture: build the hostile library".into(),
        runs,
        Some(Duration::from_secs(1)),
    );
}

fn refuse(bench: &mut Bench) {
    let lib = common::hostile::build();
    let config = config_dir();
    for (path, what) in [
        (lib.root.join("pipe.txt"), "a FIFO"),
        (Path::new("/dev/zero").to_path_buf(), "/dev/zero"),
        (lib.root.join("zero.txt"), "a link to /dev/zero"),
        (lib.root.join("binary.txt"), "a binary file"),
    ] {
        for command in ["render", "toc"] {
            let runs = (0..5)
                .map(|_| {
                    let run = common::blatt(config.path(), [command.as_ref(), path.as_os_str()]);
                    assert_eq!(run.code, Some(1), "{}: {}", run.args, run.outcome());
                    run.elapsed
                })
                .collect();
            bench.row(
                format!("refuse: {command} {what}"),
                runs,
                Some(Duration::from_secs(5)),
            );
        }
    }
}

fn headless(bench: &mut Bench) {
    let lib = common::hostile::build();
    let config = config_dir();
    let mut slowest = (Duration::ZERO, String::new());
    let mut runs = Vec::new();
    for doc in &lib.docs {
        for command in ["toc", "render"] {
            let run = common::blatt(config.path(), [command.as_ref(), doc.path.as_os_str()]);
            assert!(!run.timed_out, "{}: {}", run.args, run.outcome());
            if run.elapsed > slowest.0 {
                slowest = (run.elapsed, format!("{command} {}", doc.what));
            }
            runs.push(run.elapsed);
        }
    }
    bench.row(
        "headless: toc and render of each hostile document".into(),
        runs,
        Some(common::TIME_LIMIT),
    );
    println!("  (the slowest: {} in {:.1?})", slowest.1, slowest.0);
}

// --- in a pseudo-terminal ---

/// The library: the header with the article count on the first row, the key hints on the last.
fn is_library(s: &[String]) -> bool {
    s.first().is_some_and(|l| l.contains("articles"))
        && s.last().is_some_and(|l| l.contains("q quit"))
}

fn is_reader(s: &[String]) -> bool {
    s.last()
        .is_some_and(|l| l.contains(" · ") && l.ends_with('%'))
}

fn is_message(s: &[String]) -> bool {
    s.iter().any(|l| l.contains("Cannot open this"))
}

fn open(bench: &mut Bench) {
    let lib = common::hostile::build();
    let config = config_dir();
    let mut s = Session::start(config.path(), &[&lib.root], 100, 30);
    s.wait_until("the hostile library", GIVE_UP, is_library);
    for (i, entry) in lib.entries.iter().enumerate() {
        if i > 0 {
            s.send(b"\x1b[B");
        }
        s.send(b"\r");
        let (screen, took) =
            s.wait_until(entry.what, GIVE_UP, |sc| is_reader(sc) || is_message(sc));
        let message = is_message(&screen);
        s.send(if message { b"x" } else { b"q" });
        s.wait_until("back in the library", GIVE_UP, |sc| {
            is_library(sc) && !is_message(sc)
        });
        bench.row(
            format!(
                "open: {}{}",
                entry.what,
                if message { " (message)" } else { "" }
            ),
            vec![took],
            Some(Duration::from_secs(1)),
        );
    }
    s.send(b"q");
    s.wait_exit(GIVE_UP);
}

/// blatt on the bundled library, its article open at section `section` of 8.
fn reading(config: &Path, cols: u16, rows: u16, section: usize) -> Session {
    let mut s = Session::start(config, &[], cols, rows);
    s.wait_until("the bundled library", GIVE_UP, |sc| {
        sc.iter().any(|l| l.contains(TITLE))
    });
    s.send(b"\r");
    s.wait_until("the article", GIVE_UP, |sc| status_line(sc).contains("1/8"));
    for n in 2..=section {
        s.send(b"]");
        s.wait_until("the next section", GIVE_UP, |sc| {
            status_line(sc).contains(&format!("{n}/8"))
        });
    }
    s
}

fn close(bench: &mut Bench) {
    let mut ends = Vec::new();
    let mut burnt = Vec::new();
    for _ in 0..5 {
        let config = config_dir();
        let mut s = reading(config.path(), 100, 30, 3);
        let (took, used) = s.close_and_watch(GIVE_UP);
        ends.push(took);
        burnt.push(used);
    }
    bench.row(
        "close: terminal closed to blatt ended".into(),
        ends,
        Some(Duration::from_secs(2)),
    );
    bench.row(
        "close: processor time used meanwhile".into(),
        burnt,
        Some(Duration::from_millis(400)),
    );
}

fn signal(bench: &mut Bench) {
    for (signal, name) in [
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGHUP, "SIGHUP"),
        (libc::SIGINT, "SIGINT"),
    ] {
        let runs = (0..3)
            .map(|_| {
                let config = config_dir();
                let mut s = reading(config.path(), 100, 30, 2);
                let (code, took) = timed(|| {
                    pty::signal(s.pid(), signal);
                    s.wait_exit(GIVE_UP)
                });
                assert!(code.is_some(), "{name}: blatt did not exit");
                took
            })
            .collect();
        bench.row(
            format!("signal: {name} to the exit"),
            runs,
            Some(Duration::from_secs(3)),
        );
    }
}

fn resize(bench: &mut Bench) {
    let fresh_config = config_dir();
    let fresh = reading(fresh_config.path(), 80, 24, 1);
    let (want, _) = fresh.wait_until("a fresh 80x24 screen", GIVE_UP, |sc| {
        status_line(sc).contains("1/8")
    });
    drop(fresh);
    let mut storms = Vec::new();
    let mut redraws = Vec::new();
    for _ in 0..3 {
        let config = config_dir();
        let mut s = reading(config.path(), 100, 30, 1);
        let started = Instant::now();
        s.resize_storm();
        storms.push(started.elapsed());
        let (_, took) = s.wait_until("the right screen", GIVE_UP, |sc| sc == want);
        redraws.push(took);
    }
    bench.row("resize: sending 1,000 resizes".into(), storms, None);
    bench.row(
        "resize: last resize to the right screen".into(),
        redraws,
        None,
    );
}

// --- the store ---

/// The child: saves one bookmark more, again and again, until it is killed.
fn save_forever(dir: &Path) -> ! {
    let (mut store, _notices) = Store::open(Some(dir.to_path_buf()));
    for n in 1usize.. {
        store.apply(Op::UpsertBookmark {
            id: format!("c{n:06}"),
            bookmark: Bookmark {
                doc: "counter".into(),
                note: format!("{n}:{}", "x".repeat(n * 7 % 301)),
                anchor: Anchor {
                    block: n,
                    ..Anchor::default()
                },
                ..Bookmark::default()
            },
        });
        if let Err(e) = store.save() {
            eprintln!("saver: {e}");
            std::process::exit(3);
        }
    }
    std::process::exit(0)
}

fn store(bench: &mut Bench) {
    let dir = config_dir();
    let exe = std::env::current_exe().expect("this benchmark's path");
    let mut runs = Vec::new();
    for trial in 0..40u64 {
        let mut child = Command::new(&exe)
            .env(SAVER, dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("start the saving child");
        // Kills land before, between and inside saves.
        std::thread::sleep(Duration::from_micros(3_000 + trial * 997 % 40_000));
        child.kill().expect("kill the child");
        let _ = child.wait();
        let ((), took) = timed(|| {
            let (mut store, _notices) = Store::open(Some(dir.path().to_path_buf()));
            store.apply(Op::SetLastOpen(None));
            store.save().expect("save after the kill");
        });
        runs.push(took);
    }
    bench.row(
        "store: open and save after a saver was killed".into(),
        runs,
        Some(Duration::from_secs(1)),
    );
}
