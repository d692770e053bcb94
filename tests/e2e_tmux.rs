//! End-to-end tests: the real `blatt` binary in a real terminal (tmux), driven by keys and
//! signals, with the screen read back. They cover what only a terminal shows: drawing,
//! resizing, and giving the terminal back on every way out (quit, signals, Ctrl-Z).
//!
//! tmux must be installed; without it these tests fail (on purpose) with a message saying so.

mod common;
mod tmux;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use tmux::{Pane, Tmux, show};

const TITLE: &str = "Kommission kritisiert Zoom";
const THIRD_HEADING: &str = "Gesundheitsministerium prüft Verzicht auf Video-App TikTok";
const DOC_KEY: &str = "bundled:000_886ae8deff7ee228.txt";
/// How long a screen must stay unchanged to count as what blatt settled on.
const SETTLE: Duration = Duration::from_millis(1500);

/// Waits for the bundled library, opens its one article and waits for the reader.
fn open_article(pane: &Pane<'_>) {
    pane.wait_for(TITLE);
    pane.wait_for("bundled library");
    pane.key("Enter");
    pane.wait_for_status("1/8");
}

/// Presses `]` until the status line shows section `to` of 8, one key per redraw.
fn next_sections(pane: &Pane<'_>, from: usize, to: usize) {
    for section in from + 1..=to {
        pane.key("]");
        pane.wait_for_status(&format!("{section}/8"));
    }
}

/// The first `n` words of a text row, without the scrollbar drawn at its right edge.
fn leading_words(row: &str, n: usize) -> Vec<String> {
    row.split_whitespace()
        .filter(|w| !w.chars().all(|c| matches!(c, '│' | '┃' | '║' | '█' | '▐')))
        .take(n)
        .map(str::to_string)
        .collect()
}

/// Sends a signal to a process through the shell's `kill`, which every system has.
fn send_signal(pid: u32, signal: &str) {
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("kill -{signal} {pid}"))
        .status()
        .expect("run sh");
    assert!(status.success(), "kill -{signal} {pid} failed");
}

#[test]
fn read_navigate_contents_resize_and_quit() {
    let tmux = Tmux::new();
    let pane = tmux.run_blatt("main", 100, 30, &[]);
    open_article(&pane);

    next_sections(&pane, 1, 4);
    let screen = pane.wait_for(THIRD_HEADING);
    assert!(
        screen.iter().any(|l| l.contains("4/8")),
        "status line should show 4/8:\n{}",
        show(&screen)
    );

    pane.key("t");
    let screen = pane.wait_for("Contents");
    for heading in [
        "Digitale Diplomatie: Staaten gehen online",
        "Die Angst vor China und Zooms Sicherheitsbilanz",
        THIRD_HEADING,
    ] {
        assert!(
            screen.iter().any(|l| l.contains(heading)),
            "the contents should list {heading:?}:\n{}",
            show(&screen)
        );
    }
    pane.key("Escape");
    pane.wait_until("the contents to close", |s| {
        !s.iter().any(|l| l.contains("Contents"))
    });

    // Row 0 is the title bar; row 1 is the top of the text.
    let top_before = pane.row(1);
    let words = leading_words(&top_before, 3);
    assert!(!words.is_empty(), "row 1 is empty before the resize");

    pane.resize(70, 25);
    assert_eq!(
        pane.format("#{window_width}x#{window_height}"),
        "70x25",
        "tmux did not resize the window"
    );
    // The status line on the new last row means blatt has drawn at the new size.
    let screen = pane.wait_until("a redraw at 70x25 with the status line on row 24", |s| {
        s.len() == 25 && s[24].contains("4/8")
    });
    let top_after = leading_words(&screen[1], words.len());
    assert_eq!(
        top_after,
        words,
        "the text at the top moved on resize: row 1 was {top_before:?}, now {:?}\n{}",
        screen[1],
        show(&screen)
    );

    pane.key("q");
    pane.wait_for("bundled library");
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0, "blatt should exit with status 0");
    pane.assert_terminal_restored();
}

/// A terminating signal while reading: blatt ends, gives the terminal back and saves the
/// reading position.
fn signal_while_reading(signal: &str) {
    let tmux = Tmux::new();
    let pane = tmux.run_blatt("sig", 100, 30, &[]);
    open_article(&pane);
    next_sections(&pane, 1, 2);
    send_signal(pane.blatt_pid(), signal);
    pane.wait_for_exit();
    pane.assert_terminal_restored();

    let state_path = tmux.config_dir().join("state.json");
    let state = std::fs::read_to_string(&state_path)
        .unwrap_or_else(|e| panic!("SIG{signal}: no {}: {e}", state_path.display()));
    assert!(
        state.contains(DOC_KEY),
        "SIG{signal}: state.json does not mention {DOC_KEY}:\n{state}"
    );
}

#[test]
fn sigterm_restores_terminal_and_saves_position() {
    signal_while_reading("TERM");
}

#[test]
fn sighup_restores_terminal_and_saves_position() {
    signal_while_reading("HUP");
}

#[test]
fn sigint_restores_terminal_and_saves_position() {
    signal_while_reading("INT");
}

#[test]
fn ctrl_z_suspends_and_fg_redraws() {
    let tmux = Tmux::new();
    let pane = tmux.run_shell("job", 100, 30);
    pane.wait_for("PROMPT$");
    pane.type_text(&pane.blatt_command(&[]));
    pane.key("Enter");
    open_article(&pane);

    pane.key("C-z");
    let screen = pane.wait_for("Stopped");
    pane.wait_for_format("#{alternate_on}", "0");
    assert_eq!(
        pane.format("#{cursor_flag}"),
        "1",
        "the cursor is hidden while blatt is suspended:\n{}",
        show(&screen)
    );

    pane.type_text("fg");
    pane.key("Enter");
    // The alternate screen starts blank, so text there means blatt drew it all again.
    let screen = pane.wait_until("the article redrawn after fg", |s| {
        s.iter()
            .any(|l| l.contains("Seit Monaten gibt es Bedenken"))
            && s.iter()
                .rev()
                .find(|l| !l.is_empty())
                .is_some_and(|l| l.contains("1/8"))
    });
    assert_eq!(pane.format("#{alternate_on}"), "1", "{}", show(&screen));
    assert!(
        !screen.iter().any(|l| l.contains("Stopped")),
        "the shell's output shows through after fg:\n{}",
        show(&screen)
    );

    // Still responsive, and quits cleanly back to the shell.
    pane.key("]");
    pane.wait_for_status("2/8");
    pane.key("q");
    pane.wait_for("bundled library");
    pane.key("q");
    pane.wait_for_format("#{alternate_on}", "0");
    pane.type_text("echo EXIT=$?");
    pane.key("Enter");
    pane.wait_for("EXIT=0");
    pane.forget_pid();
    assert_eq!(pane.format("#{cursor_flag}"), "1");
}

/// Closing the terminal (here: killing the tmux session, which hangs up its pty) is what
/// SIGHUP is really about: blatt must end and save, not outlive the terminal.
#[test]
fn terminal_hang_up_ends_blatt_and_saves() {
    let tmux = Tmux::new();
    let pane = tmux.run_blatt("hup", 100, 30, &[]);
    open_article(&pane);
    next_sections(&pane, 1, 3);
    let pid = pane.blatt_pid();
    tmux.tmux(&["kill-session", "-t", "hup"]);
    assert!(
        pane.wait_for_process_end(Duration::from_secs(5)),
        "blatt (pid {pid}) is still running 5 s after its terminal was closed \
         (it spins on the dead tty; it is killed now)"
    );
    let state_path = tmux.config_dir().join("state.json");
    let state = std::fs::read_to_string(&state_path)
        .unwrap_or_else(|e| panic!("no {}: {e}", state_path.display()));
    assert!(
        state.contains("Die Angst vor China"),
        "the position (section 3) was not saved on hang-up:\n{state}"
    );
}

/// Reads to section 3, quits the usual way (reader, then library) and starts again.
#[test]
fn restart_reopens_the_article_at_the_same_section() {
    let tmux = Tmux::new();
    let first = tmux.run_blatt("first", 100, 30, &[]);
    open_article(&first);
    next_sections(&first, 1, 3);
    first.key("q");
    first.wait_for("bundled library");
    first.key("q");
    assert_eq!(first.wait_for_exit(), 0);

    let again = tmux.run_blatt("again", 100, 30, &[]);
    // Wait for what blatt settles on, then judge it.
    let screen = again.wait_settled("blatt's screen", SETTLE, |s| {
        s.iter().any(|l| l.contains(TITLE))
    });
    let status = screen
        .iter()
        .rev()
        .find(|l| !l.is_empty())
        .cloned()
        .unwrap_or_default();
    assert!(
        status.contains("3/8"),
        "started again without arguments, blatt should reopen the article at section 3/8; \
         it shows:\n{}",
        show(&screen)
    );
}

/// The same with Ctrl-C, which quits from the reader directly: the resume point itself works.
#[test]
fn restart_after_ctrl_c_reopens_the_article_at_the_same_section() {
    let tmux = Tmux::new();
    let first = tmux.run_blatt("first", 100, 30, &[]);
    open_article(&first);
    next_sections(&first, 1, 3);
    first.key("C-c");
    assert_eq!(first.wait_for_exit(), 0);
    first.assert_terminal_restored();

    let again = tmux.run_blatt("again", 100, 30, &[]);
    let screen = again.wait_settled("blatt's screen", SETTLE, |s| {
        s.iter().any(|l| l.contains(TITLE))
    });
    let status = screen
        .iter()
        .rev()
        .find(|l| !l.is_empty())
        .cloned()
        .unwrap_or_default();
    assert!(
        status.contains("3/8"),
        "started again after Ctrl-C, blatt should reopen the article at 3/8; it shows:\n{}",
        show(&screen)
    );
}

/// `--fresh` starts at the library; the position is kept all the same.
#[test]
fn fresh_shows_the_library_and_keeps_the_position() {
    let tmux = Tmux::new();
    let first = tmux.run_blatt("first", 100, 30, &[]);
    open_article(&first);
    next_sections(&first, 1, 3);
    first.key("q");
    first.wait_for("bundled library");
    first.key("q");
    assert_eq!(first.wait_for_exit(), 0);

    let fresh = tmux.run_blatt("fresh", 100, 30, &["--fresh"]);
    let screen = fresh.wait_for("bundled library");
    assert!(
        screen.iter().any(|l| l.contains(TITLE)),
        "the library should list the article:\n{}",
        show(&screen)
    );
    assert!(
        !screen.iter().any(|l| l.contains("/8")),
        "--fresh should not open the article:\n{}",
        show(&screen)
    );
    fresh.key("Enter");
    fresh.wait_for_status("3/8");
    fresh.key("q");
    fresh.wait_for("bundled library");
    fresh.key("q");
    assert_eq!(fresh.wait_for_exit(), 0);
    fresh.assert_terminal_restored();
}

/// At 15x4 the whole message must be readable, not cut off at the right edge.
#[test]
fn tiny_terminal_says_too_small() {
    let tmux = Tmux::new();
    let pane = tmux.run_blatt("tiny", 15, 4, &[]);
    let screen = pane.wait_settled("the message", SETTLE, |s| {
        s.iter().any(|l| l.contains("too small"))
    });
    assert!(
        screen.join(" ").contains("too small") && screen.join(" ").contains("need 20×5"),
        "at 15x4 the screen should say \"too small\"; it shows:\n{}",
        show(&screen)
    );
    assert!(
        tmux::is_blatt(pane.blatt_pid()),
        "blatt died:\n{}",
        show(&screen)
    );
    // Wide enough for the wrapper's exit line to fit on one row.
    pane.resize(60, 10);
    pane.key("C-c");
    assert_eq!(pane.wait_for_exit(), 0);
    pane.assert_terminal_restored();
}

#[test]
fn tiny_terminal_then_grow_and_resize_storm() {
    let tmux = Tmux::new();
    let pane = tmux.run_blatt("storm", 15, 4, &[]);
    assert_eq!(pane.format("#{window_width}x#{window_height}"), "15x4");
    // The short form of the message, which fits in 15 columns.
    pane.wait_for("too small");

    pane.resize(80, 24);
    assert_eq!(pane.format("#{window_width}x#{window_height}"), "80x24");
    pane.wait_for(TITLE);
    pane.wait_for("bundled library");

    let sizes = [(15, 4), (80, 24), (40, 10), (120, 40), (19, 5), (100, 30)];
    for i in 0..200 {
        let (w, h) = sizes[i % sizes.len()];
        pane.resize(w, h);
    }
    pane.resize(80, 24);
    assert!(
        tmux::is_blatt(pane.blatt_pid()),
        "blatt died in the resizes:\n{}",
        show(&pane.screen())
    );
    let screen = pane.wait_until("the library redrawn at 80x24", |s| {
        s.len() == 24
            && s[0].contains("bundled library")
            && s.iter()
                .rev()
                .find(|l| !l.is_empty())
                .is_some_and(|l| l.contains("q quit"))
    });
    assert!(
        screen.iter().all(|l| !l.contains("too small")),
        "{}",
        show(&screen)
    );

    // Responsive: it still opens the article and quits cleanly.
    pane.key("Enter");
    pane.wait_for_status("1/8");
    pane.key("q");
    pane.wait_for("bundled library");
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0, "blatt should exit with status 0");
    pane.assert_terminal_restored();
}

/// A library of 5,000 entries, its last three broken (a missing file without a
/// description, a FIFO, a symbolic link out of the library): the first screen comes from
/// the first part of INDEX.md, the rest arrives in the background, and what comes into view
/// shows the marks and reasons a full check gives. Opening a broken entry shows its reason.
#[cfg(unix)]
#[test]
fn a_large_library_arrives_in_parts_and_checks_what_comes_into_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    let lib = dir.path().join("lib");
    std::fs::create_dir_all(lib.join("a")).expect("mkdir");
    std::fs::write(dir.path().join("secret.txt"), "outside").expect("write");
    std::os::unix::fs::symlink(dir.path().join("secret.txt"), lib.join("out.txt"))
        .expect("symlink");
    let made = Command::new("mkfifo")
        .arg(lib.join("pipe"))
        .status()
        .is_ok_and(|s| s.success());
    let mut index = String::from("# Large test library\n\n");
    for i in 0..4_997 {
        if i % 50 == 0 {
            index.push_str(&format!("\n## Group {}\n\n", i / 50));
        }
        std::fs::write(
            lib.join(format!("a/{i}.txt")),
            format!("Article {i}\n\nText.\n"),
        )
        .expect("write");
        index.push_str(&format!(
            "- [Entry {i}](a/{i}.txt) — test, en — about {i}\n"
        ));
    }
    index.push_str("- [Entry 4997](gone.txt)\n");
    index.push_str(if made {
        "- [Entry 4998](pipe) — a FIFO\n"
    } else {
        "- [Entry 4998](gone-too.txt) — missing\n"
    });
    index.push_str("- [Entry 4999](out.txt) — a symbolic link out\n");
    std::fs::write(lib.join("INDEX.md"), index).expect("write");

    let tmux = Tmux::new();
    let lib_arg = lib.to_string_lossy().into_owned();
    let pane = tmux.run_blatt("large", 100, 30, &[&lib_arg]);
    pane.wait_for("Entry 0");
    // All 5000 entries read and checked: the three that cannot be opened are no articles.
    pane.wait_until("all 5000 entries", |s| {
        s.first()
            .is_some_and(|l| l.ends_with("Large test library · 4997 articles"))
    });
    pane.key("G");
    let screen = pane.wait_for("link points outside the library: out.txt");
    let text = show(&screen);
    assert!(text.contains("file not found: gone.txt"), "{text}");
    if made {
        assert!(
            text.contains("pipe is a FIFO, not a regular file"),
            "{text}"
        );
    }
    let marks = screen
        .iter()
        .filter(|l| l.trim_start().starts_with("! "))
        .count();
    assert_eq!(marks, 3, "{text}");
    assert!(text.contains(" new  Entry 4996"), "{text}");

    pane.key("Enter");
    pane.wait_for("Cannot open this entry");
    pane.key("Escape");
    // Wait until the Escape was taken alone: followed at once by `k`, a terminal reads the
    // two as Alt-k.
    pane.wait_until("the message closed", |s| {
        !s.iter().any(|l| l.contains("Cannot open this entry"))
    });
    for _ in 0..3 {
        pane.key("k");
    }
    pane.key("Enter");
    pane.wait_for("Article 4996");
    pane.key("q");
    pane.wait_for("Large test library · 4997 articles");
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0);
    pane.assert_terminal_restored();
}

/// A library folder with two articles of a few sections each.
fn two_article_library(dir: &std::path::Path) {
    std::fs::write(
        dir.join("INDEX.md"),
        "# Nachrichten\n\n- [Erster Artikel](eins.txt) — der erste\n- [Zweiter Artikel](zwei.txt) — der zweite\n",
    )
    .expect("index");
    for (file, name) in [("eins.txt", "Eins"), ("zwei.txt", "Zwei")] {
        let mut text = format!("Artikel {name}\n\nEinleitung {name}.\n\n");
        for s in 1..=4 {
            text.push_str(&format!("Abschnitt {name} {s}\n\n"));
            for p in 0..6 {
                text.push_str(&format!(
                    "Absatz {p} von {name} {s}, mit ein paar Wörtern.\n\n"
                ));
            }
        }
        std::fs::write(dir.join(file), text).expect("article");
    }
}

#[test]
fn a_library_given_by_path_reopens_its_last_article_and_is_remembered() {
    let tmux = Tmux::new();
    let lib = tempfile::tempdir().expect("tempdir");
    two_article_library(lib.path());
    let lib_arg = lib.path().to_string_lossy().into_owned();

    let pane = tmux.run_blatt("first", 100, 30, &[&lib_arg]);
    pane.wait_for("Zweiter Artikel");
    pane.key("j");
    pane.key("Enter");
    pane.wait_for_status("1/5");
    pane.key("]");
    pane.key("]");
    pane.wait_for_status("3/5");
    pane.key("C-c");
    assert_eq!(pane.wait_for_exit(), 0);

    // The same library again: the second article, where it was left.
    let again = tmux.run_blatt("again", 100, 30, &[&lib_arg]);
    let screen = again.wait_for_status("3/5");
    assert!(
        screen.iter().any(|l| l.contains("Abschnitt Zwei 2")),
        "{}",
        show(&screen)
    );
    again.key("C-c");
    assert_eq!(again.wait_for_exit(), 0);

    // A bare `blatt` opens the library given last, and its last article.
    let bare = tmux.run_blatt("bare", 100, 30, &[]);
    let screen = bare.wait_for_status("3/5");
    assert!(
        screen.iter().any(|l| l.contains("Abschnitt Zwei 2")),
        "{}",
        show(&screen)
    );
    bare.key("C-c");
    assert_eq!(bare.wait_for_exit(), 0);

    // `--fresh` starts in the list, with the article read last selected.
    let fresh = tmux.run_blatt("fresh", 100, 30, &["--fresh", &lib_arg]);
    fresh.wait_for("Zweiter Artikel");
    fresh.key("Enter");
    let screen = fresh.wait_for_status("/5");
    assert!(
        screen.iter().any(|l| l.contains("Zwei")),
        "Enter opened the article read last: {}",
        show(&screen)
    );
    fresh.key("C-c");
    assert_eq!(fresh.wait_for_exit(), 0);
}

#[test]
fn a_bundled_article_opens_by_the_name_list_prints() {
    let tmux = Tmux::new();
    let pane = tmux.run_blatt("bundled", 100, 30, &[DOC_KEY]);
    let screen = pane.wait_for_status("1/8");
    assert!(
        screen.iter().any(|l| l.contains(TITLE)),
        "{}",
        show(&screen)
    );
    // One article: going back quits.
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0);
}

#[test]
fn search_in_the_article_lands_on_a_match_and_n_moves_on() {
    let tmux = Tmux::new();
    let pane = tmux.run_blatt("search", 100, 30, &[]);
    open_article(&pane);
    pane.key("/");
    pane.type_text("Zoom");
    // The prompt shows the count as typed too: wait for the status line after Enter.
    pane.wait_for_status("/Zoom");
    pane.key("Enter");
    let screen = pane.wait_until("the status line of a search kept", |s| {
        s.last()
            .is_some_and(|l| l.starts_with(" match 1/") && !l.contains("searching"))
    });
    let status = screen.last().cloned().unwrap_or_default();
    let total = status
        .split("match 1/")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or_else(|| panic!("a match count in the status line:\n{}", show(&screen)));
    assert!(total > 1, "{status}");
    pane.key("n");
    pane.wait_for_status(&format!("match 2/{total}"));
    // Round the end: N from the first match goes to the last.
    pane.key("N");
    pane.wait_for_status(&format!("match 1/{total}"));
    pane.key("N");
    pane.wait_for_status(&format!("match {total}/{total}"));
    pane.key("q");
    pane.wait_for("bundled library");
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0, "blatt should exit with status 0");
    pane.assert_terminal_restored();
}

#[test]
fn a_search_in_every_article_opens_the_seed_at_the_tiktok_section() {
    let tmux = Tmux::new();
    let pane = tmux.run_blatt("search-all", 100, 30, &[]);
    pane.wait_for(TITLE);
    pane.wait_for("bundled library");
    pane.key("S");
    pane.type_text("TikTok");
    pane.wait_for_status("all/TikTok");
    pane.key("Enter");
    let screen = pane.wait_until("the results of the search", |s| {
        s.iter().any(|l| {
            l.contains("“TikTok” ·") && l.contains("in 1 article") && !l.contains("searching")
        })
    });
    assert!(
        screen
            .iter()
            .any(|l| l.contains(&THIRD_HEADING[..20]) && l.contains("TikTok")),
        "a hit shows its section and the snippet:\n{}",
        show(&screen)
    );
    // The first row is the article: it opens at its first match.
    pane.key("Enter");
    let screen = pane.wait_until("the article at the first match", |s| {
        s.last()
            .is_some_and(|l| l.starts_with(" match 1/") && l.contains(THIRD_HEADING))
    });
    assert!(
        screen[1..screen.len() - 1]
            .iter()
            .any(|l| l.contains("TikTok")),
        "the match is on screen:\n{}",
        show(&screen)
    );
    pane.key("n");
    pane.wait_for_status("match 2/");
    // Back: the results again, then the library.
    pane.key("q");
    pane.wait_until("the results list again", |s| {
        s.iter().any(|l| l.contains("“TikTok” ·"))
    });
    pane.key("Escape");
    pane.wait_until("the results to close", |s| {
        !s.iter().any(|l| l.contains("“TikTok” ·"))
    });
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0, "blatt should exit with status 0");
    pane.assert_terminal_restored();
}

/// The fixture library of links (tests/fixtures/links), as a path argument.
fn links_library() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/links")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn deep_links_open_articles_at_their_sections() {
    let tmux = Tmux::new();
    let library = links_library();
    // ARTICLE#slug.
    let article = format!("{library}/more/b.md#part-two");
    let pane = tmux.run_blatt("deep-slug", 80, 24, &[&article]);
    let screen = pane.wait_until("the article at part two", |s| {
        s.get(1)
            .is_some_and(|l| l.trim_start().starts_with("Part two"))
    });
    assert!(
        screen.last().is_some_and(|l| l.contains("3/3")),
        "{}",
        show(&screen)
    );
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0);

    // LIBRARY --open ENTRY --section N.
    let pane = tmux.run_blatt(
        "deep-open",
        80,
        24,
        &[&library, "--open", "more/b.md", "--section", "2"],
    );
    pane.wait_until("the entry at section 2", |s| {
        s.get(1)
            .is_some_and(|l| l.trim_start().starts_with("Part one"))
    });
    // Back goes to the library, where the entry is selected.
    pane.key("q");
    pane.wait_for("Part two lives here");
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0);

    // An unknown slug: the article at its top and the nearest slugs.
    let article = format!("{library}/more/b.md#part-tow");
    let pane = tmux.run_blatt("deep-unknown", 80, 24, &[&article]);
    let screen = pane.wait_for("No such place");
    assert!(
        screen.iter().any(|l| l.contains("#part-two")),
        "the nearest slugs are listed:\n{}",
        show(&screen)
    );
    pane.key("Escape");
    std::thread::sleep(Duration::from_millis(300));
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0);

    // An entry the library does not have: an error before the screen is taken.
    let pane = tmux.run_blatt("deep-missing", 80, 24, &[&library, "--open", "nosuch.md"]);
    assert_eq!(pane.wait_for_exit(), 1);
    let screen = pane.screen();
    assert!(
        screen.iter().any(|l| l.contains("no entry \"nosuch.md\"")),
        "{}",
        show(&screen)
    );
}

#[test]
fn following_a_link_to_another_article_and_back() {
    let tmux = Tmux::new();
    let library = links_library();
    let pane = tmux.run_blatt("links", 80, 24, &[&library, "--open", "a.md"]);
    pane.wait_for("See the other article");
    pane.key("f");
    pane.wait_for_status("follow a link");
    // The first link is the other article's part two.
    pane.key("a");
    pane.wait_until("the other article at part two", |s| {
        s.get(1)
            .is_some_and(|l| l.trim_start().starts_with("Part two"))
    });
    pane.key("BSpace");
    pane.wait_until("back in the first article", |s| {
        s.iter().any(|l| l.contains("See the other article"))
    });
    pane.key("q");
    pane.wait_for("Part two lives here");
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0);
    pane.assert_terminal_restored();
}

#[test]
fn an_article_edited_while_it_is_read_shows_the_new_text_with_the_top_line_kept() {
    let tmux = Tmux::new();
    let lib = tempfile::tempdir().expect("tempdir");
    two_article_library(lib.path());
    let lib_arg = lib.path().to_string_lossy().into_owned();
    let pane = tmux.run_blatt("reload", 100, 30, &[&lib_arg]);
    pane.wait_for("Erster Artikel");
    pane.key("Enter");
    pane.wait_for_status("1/5");
    pane.key("]");
    pane.key("]");
    let before = pane.wait_for_status("3/5");
    // The first text row (row 0 is the header).
    let top = before[1].clone();
    assert!(top.contains("Abschnitt Eins 2"), "{}", show(&before));
    // Edited as `sed -i` does (a new file renamed over the old one): text added above the
    // place, and a paragraph on screen changed.
    let path = lib.path().join("eins.txt");
    let text = std::fs::read_to_string(&path).expect("read");
    let edited = text
        .replace(
            "Einleitung Eins.",
            "Einleitung Eins.\n\nEin neuer Absatz oben.\n\nUnd noch einer.",
        )
        .replace("Absatz 1 von Eins 2,", "Absatz EINS von Eins 2 (neu),");
    let temp = lib.path().join(".eins.txt.tmp");
    std::fs::write(&temp, edited).expect("write");
    std::fs::rename(&temp, &path).expect("rename");
    let screen = pane.wait_for("Absatz EINS von Eins 2 (neu)");
    assert_eq!(screen[1], top, "the top line stays:\n{}", show(&screen));
    assert!(
        screen
            .last()
            .is_some_and(|l| l.contains("read again") && l.contains("3/5")),
        "{}",
        show(&screen)
    );
    pane.key("q");
    pane.wait_for("Zweiter Artikel");
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0, "blatt should exit with status 0");
    pane.assert_terminal_restored();
}

#[test]
fn a_search_in_every_article_sees_an_article_edited_after_the_first_search() {
    let tmux = Tmux::new();
    let lib = tempfile::tempdir().expect("tempdir");
    two_article_library(lib.path());
    let lib_arg = lib.path().to_string_lossy().into_owned();
    let pane = tmux.run_blatt("search-edit", 100, 30, &[&lib_arg]);
    pane.wait_for("Erster Artikel");
    let search = |pane: &Pane, word: &str| {
        pane.key("S");
        pane.key("C-u");
        pane.type_text(word);
        pane.wait_for_status(&format!("all/{word}"));
        pane.key("Enter");
    };
    // The first search looks at every file and makes the index; nothing has the word.
    search(&pane, "Quokka");
    pane.wait_for("no match for “Quokka”");
    pane.key("Escape");
    pane.wait_until("the results to close", |s| {
        !s.iter().any(|l| l.contains("“Quokka”"))
    });
    // An article edited in place (no rename: only its size and time tell).
    let path = lib.path().join("zwei.txt");
    let mut text = std::fs::read_to_string(&path).expect("read");
    text.push_str("Ein Quokka lächelt.\n");
    std::fs::write(&path, text).expect("write");
    // The next search sees it (the reader watches the folder and looks at that file again).
    search(&pane, "Quokka");
    let screen = pane.wait_until("the edited article in the results", |s| {
        s.iter()
            .any(|l| l.contains("“Quokka” ·") && l.contains("in 1 article"))
    });
    assert!(
        screen.iter().any(|l| l.contains("Zweiter Artikel")),
        "{}",
        show(&screen)
    );
    // Escape alone, seen closing the list, before `q`: at once after it, the terminal would
    // read Alt+q (the dry run of CI once timed out here).
    pane.key("Escape");
    pane.wait_until("the results to close", |s| {
        !s.iter().any(|l| l.contains("“Quokka”"))
    });
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0, "blatt should exit with status 0");
    pane.assert_terminal_restored();
}
