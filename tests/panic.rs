//! A panic in the real binary, in a pseudo-terminal the test owns: the debug build panics on
//! the key named by `BLATT_DEBUG_PANIC_KEY`. After the panic the process has ended, the
//! terminal is given back (alternate screen left, cursor shown, no synchronized update left
//! open, cooked mode) and `state.json` holds the place that was reached, not the start.
//!
//! Only hang guards here: a wait fails when something never happens, never because it was
//! slow.

mod common;
mod pty;

use std::path::Path;
use std::time::{Duration, Instant};

use pty::{Session, TIMEOUT, show, status_line};

const PANIC_KEY: &str = "x";
const PANIC_MESSAGE: &str = "panic asked for by BLATT_DEBUG_PANIC_KEY";
const BEGIN_SYNC: &str = "\x1b[?2026h";
const END_SYNC: &str = "\x1b[?2026l";
const ENTER_ALTERNATE: &str = "\x1b[?1049h";
const LEAVE_ALTERNATE: &str = "\x1b[?1049l";
const HIDE_CURSOR: &str = "\x1b[?25l";
const SHOW_CURSOR: &str = "\x1b[?25h";

const HEADINGS: [&str; 4] = [
    "Am Hafen",
    "Auf dem Markt",
    "Im Rathaus",
    "Unter der Brücke",
];

/// A plain-text article: a title, then a section per heading, each longer than a 30-row
/// screen, so that `j` scrolls inside a section.
fn article() -> String {
    let mut text = String::from("Ein Tag in der Stadt\n\n");
    for heading in HEADINGS {
        text.push_str(heading);
        text.push_str("\n\n");
        for n in 1..=8 {
            text.push_str(&format!(
                "{heading}, Absatz {n}: Die Leute gingen ihrer Wege, und niemand schien es \
                 eilig zu haben. Über den Dächern zogen Wolken, die Glocken schlugen die \
                 Stunde, und auf den Bänken saßen Alte, die den Tauben zusahen.\n\n"
            ));
        }
    }
    text
}

/// The section number and count in the status line (`… 3/5 ·  40% `).
fn section_of(screen: &[String]) -> Option<(usize, usize)> {
    let status = status_line(screen);
    status.split_whitespace().find_map(|word| {
        let (at, of) = word.split_once('/')?;
        Some((at.parse().ok()?, of.parse().ok()?))
    })
}

/// The saved anchor's section path of the one document in `state.json`.
fn saved_section_path(config: &Path) -> Result<Vec<String>, String> {
    let path = config.join("state.json");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("no {}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("state.json is not JSON: {e}\n{text}"))?;
    let docs = json
        .get("docs")
        .and_then(serde_json::Value::as_object)
        .ok_or_else(|| format!("state.json has no docs:\n{text}"))?;
    let [(_, doc)] = docs.iter().collect::<Vec<_>>()[..] else {
        return Err(format!("state.json should hold one document:\n{text}"));
    };
    doc.pointer("/anchor/section_path")
        .and_then(serde_json::Value::as_array)
        .map(|path| {
            path.iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .ok_or_else(|| format!("the document has no anchor.section_path:\n{text}"))
}

#[test]
fn a_panic_restores_the_terminal_and_saves_the_place_reached() {
    let config = tempfile::tempdir().expect("config dir");
    let library = tempfile::tempdir().expect("article dir");
    let file = library.path().join("stadt.txt");
    std::fs::write(&file, article()).expect("write the article");

    let mut s = Session::start_with_env(
        config.path(),
        &[file.as_path()],
        100,
        30,
        &[("BLATT_DEBUG_PANIC_KEY", PANIC_KEY)],
    );
    let (screen, _) = s.wait_until("the article", TIMEOUT, |sc| {
        sc.iter().any(|l| l.contains("Ein Tag in der Stadt"))
            && section_of(sc).is_some_and(|(at, _)| at == 1)
    });
    let (_, sections) = section_of(&screen).expect("a section count");
    assert!(
        sections >= 3,
        "the article should have at least 3 sections:\n{}",
        show(&screen)
    );

    // Two sections on, then a line down inside the third.
    for at in 2..=3 {
        s.send(b"]");
        s.wait_until(&format!("section {at}/{sections}"), TIMEOUT, |sc| {
            section_of(sc) == Some((at, sections))
        });
    }
    let (before_j, _) = s.wait_until("the third section", TIMEOUT, |_| true);
    s.send(b"j");
    let (reached, _) = s.wait_until("a line down", TIMEOUT, |sc| {
        sc[..sc.len() - 1] != before_j[..before_j.len() - 1]
    });
    assert_eq!(
        section_of(&reached),
        Some((3, sections)),
        "j left the third section:\n{}",
        show(&reached)
    );
    // The heading of the section reached: the third section's label in the status line
    // names one of the article's headings.
    let heading = HEADINGS
        .iter()
        .find(|h| status_line(&reached).contains(*h))
        .unwrap_or_else(|| panic!("no heading in the status line:\n{}", show(&reached)));
    assert_ne!(
        Some(heading),
        HEADINGS.first(),
        "two sections on is not the first heading"
    );
    // Usually the debounced save (about a second after the first move) has not run yet, so
    // only the save on the way out of the panic can write the place; said, not asserted.
    let saved_before = saved_section_path(config.path()).ok();
    println!("saved before the panic: {saved_before:?}");

    let mark = s.len();
    s.send(PANIC_KEY.as_bytes());
    let code = s.wait_exit(TIMEOUT);
    assert!(
        code.is_some(),
        "blatt still runs after the panic key; the screen:\n{}",
        show(&s.screen())
    );
    assert_ne!(code, Some(0), "a panic must not end with exit code 0");

    // The reader thread may still be draining the last bytes (the panic message comes last).
    let started = Instant::now();
    let after = loop {
        let after = String::from_utf8_lossy(&s.bytes()[mark..]).into_owned();
        if after.contains(PANIC_MESSAGE) || started.elapsed() > TIMEOUT {
            break after;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        after.contains(PANIC_MESSAGE),
        "blatt ended ({code:?}) but not by the panic asked for; the bytes after the key: \
         {after:?}"
    );

    // The terminal is given back after the last frame, and nothing takes it again.
    let all = String::from_utf8_lossy(&s.bytes()).into_owned();
    let last_frame = all.rfind(BEGIN_SYNC).expect("at least one frame was drawn");
    let tail = &all[last_frame..];
    let leave = tail.rfind(LEAVE_ALTERNATE).unwrap_or_else(|| {
        panic!("no leave-alternate-screen after the last frame; the bytes from it: {tail:?}")
    });
    let shown = tail.rfind(SHOW_CURSOR).unwrap_or_else(|| {
        panic!("no show-cursor after the last frame; the bytes from it: {tail:?}")
    });
    assert!(
        tail.contains(END_SYNC) && tail.find(END_SYNC) < Some(leave),
        "the last synchronized update was not ended before the screen was given back: {tail:?}"
    );
    let restored = leave.min(shown);
    for (taken, what) in [
        (ENTER_ALTERNATE, "enter-alternate-screen"),
        (HIDE_CURSOR, "hide-cursor"),
        (BEGIN_SYNC, "begin-synchronized-update"),
    ] {
        assert!(
            !tail[restored..].contains(taken),
            "{what} after the terminal was given back: {tail:?}"
        );
    }
    assert_eq!(
        s.is_cooked(),
        Some(true),
        "the terminal was left in raw mode (no canonical input or no echo)"
    );

    // The place reached was saved: the third section, not the start.
    let path = saved_section_path(config.path()).unwrap_or_else(|e| panic!("{e}"));
    println!("exit {code:?}; section reached {heading:?}; saved section path {path:?}");
    assert!(
        path.iter().any(|p| p == heading),
        "state.json saved the section path {path:?}, not the section reached ({heading})"
    );
}
