//! The ways a reading session ends or is shaken, in a pseudo-terminal the test owns (no tmux):
//! the terminal closing under blatt, terminating signals, and a storm of resizes. blatt must
//! end without spinning, give the terminal back (the bytes say so), save what was read, and
//! after the storm draw exactly what a fresh blatt draws at the final size.
//!
//! Waits are hang guards ([`common::HANG_GUARD`]): a test fails when something never
//! happens, not when it is slow. How fast blatt ends, and how much processor time it uses
//! on the way, is measured by `cargo bench --bench lifecycle`.

mod common;
mod pty;

use std::path::Path;
use std::time::{Duration, Instant};

use common::HANG_GUARD;
use pty::{Session, show, status_line};

const DOC_KEY: &str = "bundled:000_886ae8deff7ee228.txt";
const TITLE: &str = "Kommission kritisiert Zoom";
const LEAVE_ALTERNATE: &str = "\x1b[?1049l";
const SHOW_CURSOR: &str = "\x1b[?25h";

/// Starts blatt on the bundled library and opens its article at section `section` of 8.
fn reading(config: &Path, cols: u16, rows: u16, section: usize) -> Session {
    let mut s = Session::start(config, &[], cols, rows);
    s.wait_until("the bundled library", HANG_GUARD, |sc| {
        sc.iter().any(|l| l.contains(TITLE)) && sc.iter().any(|l| l.contains("bundled library"))
    });
    s.send(b"\r");
    s.wait_until("the article", HANG_GUARD, |sc| {
        status_line(sc).contains("1/8")
    });
    for n in 2..=section {
        s.send(b"]");
        s.wait_until(&format!("section {n}"), HANG_GUARD, |sc| {
            status_line(sc).contains(&format!("{n}/8"))
        });
    }
    s
}

fn state_json(config: &Path) -> String {
    let path = config.join("state.json");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("no {}: {e}", path.display()))
}

/// Processor time blatt may use between its terminal closing and its end before it counts
/// as spinning. Far above what ending takes (tens of milliseconds even in a debug build on
/// a loaded machine, since a busy machine adds wall time, not processor time), far below
/// what a loop spinning on the dead terminal until [`HANG_GUARD`] burns.
const SPIN_GUARD: Duration = Duration::from_secs(5);

#[test]
fn closed_terminal_ends_blatt_without_spinning() {
    let config = tempfile::tempdir().expect("config dir");
    let mut s = reading(config.path(), 100, 30, 3);
    let pid = s.pid();
    let (took, burnt) = s.close_and_watch(HANG_GUARD);
    assert!(
        s.has_ended(),
        "blatt (pid {pid}) still ran {took:?} after its terminal closed (it is killed now)"
    );
    assert!(
        burnt < SPIN_GUARD,
        "blatt used {burnt:?} of processor time in the {took:?} between its terminal closing \
         and its end: it spins"
    );
    let state = state_json(config.path());
    assert!(
        state.contains(DOC_KEY) && state.contains("Die Angst vor China"),
        "the position (section 3) was not saved when the terminal closed:\n{state}"
    );
}

/// A terminating signal while reading: the bytes after it give the terminal back, and the
/// state is saved with the document in it.
fn signal_while_reading(signal: libc::c_int, name: &str) {
    let config = tempfile::tempdir().expect("config dir");
    let mut s = reading(config.path(), 100, 30, 2);
    let mark = s.len();
    pty::signal(s.pid(), signal);
    let code = s.wait_exit(HANG_GUARD);
    assert!(
        code.is_some(),
        "{name}: blatt still runs {HANG_GUARD:?} after the signal; screen:\n{}",
        show(&s.screen())
    );
    // The reader may still be draining the last bytes; the end of the pty is not needed.
    let started = Instant::now();
    let after = loop {
        let after = String::from_utf8_lossy(&s.bytes()[mark..]).into_owned();
        if (after.contains(LEAVE_ALTERNATE) && after.contains(SHOW_CURSOR))
            || started.elapsed() > HANG_GUARD
        {
            break after;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        after.contains(LEAVE_ALTERNATE),
        "{name}: no leave-alternate-screen after the signal; the bytes after it: {after:?}"
    );
    assert!(
        after.contains(SHOW_CURSOR),
        "{name}: no show-cursor after the signal; the bytes after it: {after:?}"
    );
    let leave = after.rfind(LEAVE_ALTERNATE).unwrap_or(0);
    assert!(
        !after[leave..].contains("\x1b[?1049h") && !after[leave..].contains("\x1b[?25l"),
        "{name}: the screen was taken again after it was given back: {after:?}"
    );
    let state = state_json(config.path());
    assert!(
        state.contains(DOC_KEY),
        "{name}: state.json does not mention {DOC_KEY}:\n{state}"
    );
    println!("{name}: exit code {code:?}");
}

#[test]
fn sigterm_restores_the_terminal_and_saves() {
    signal_while_reading(libc::SIGTERM, "SIGTERM");
}

#[test]
fn sighup_restores_the_terminal_and_saves() {
    signal_while_reading(libc::SIGHUP, "SIGHUP");
}

#[test]
fn sigint_restores_the_terminal_and_saves() {
    signal_while_reading(libc::SIGINT, "SIGINT");
}

#[test]
fn a_storm_of_a_thousand_resizes_ends_in_the_right_screen() {
    let config = tempfile::tempdir().expect("config dir");
    let mut s = reading(config.path(), 100, 30, 1);
    s.resize_storm();
    assert!(
        !s.has_ended(),
        "blatt died in the resizes:\n{}",
        show(&s.screen())
    );

    // What a fresh blatt draws at 80x24 with the article open at the top.
    let fresh_config = tempfile::tempdir().expect("config dir");
    let fresh = reading(fresh_config.path(), 80, 24, 1);
    let (want, _) = fresh.wait_until("the fresh article", HANG_GUARD, |sc| {
        status_line(sc).contains("1/8")
    });
    assert_eq!(want.len(), 24);

    let (got, _) = s.wait_until("the article redrawn at 80x24", HANG_GUARD, |sc| sc == want);
    assert_eq!(got, want);

    // Still responsive, and quits cleanly.
    s.send(b"]");
    s.wait_until("section 2", HANG_GUARD, |sc| {
        status_line(sc).contains("2/8")
    });
    s.send(b"q");
    s.wait_until("the library", HANG_GUARD, |sc| {
        sc.iter().any(|l| l.contains("bundled library"))
    });
    s.send(b"q");
    assert_eq!(s.wait_exit(HANG_GUARD), Some(0));
}
