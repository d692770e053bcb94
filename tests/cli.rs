//! The `blatt` binary run as a script would run it: the headless commands on the bundled
//! library, on `seeds/` and on a hostile library (see `common/hostile.rs`), error exits, and
//! bookmarks. Every run has a private config directory and a time limit, and its output is
//! checked for terminal control characters.

mod common;
mod pty;

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use blatt::anchor::Anchor;
use blatt::layout::text_width;
use blatt::store::{Bookmark, Op, Store};
use serde_json::Value;

use common::hostile::{self, Listed, Renders};
use common::{Run, assert_no_controls, blatt, controls_in, is_terminal_control};

const SEED_NAME: &str = "000_886ae8deff7ee228.txt";
const SEED_TITLE: &str = "Kommission kritisiert Zoom, nutzt die Plattform aber weiter";
const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
const SEED: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/seeds/000_886ae8deff7ee228.txt"
);
const SEED_HEADINGS: [&str; 7] = [
    "Digitale Diplomatie: Staaten gehen online",
    "Die Angst vor China und Zooms Sicherheitsbilanz",
    "Gesundheitsministerium prüft Verzicht auf Video-App TikTok",
    "Digitalisierung Europäischer Prägung: Brüssels Kampf um Souveränität",
    "Borrell wünscht sich \"robustere\" EU-Strategie gegenüber China",
    "Studie prophezeit deutscher Internetwirtschaft rasantes Wachstum",
    "Subscribe to our newsletters",
];

fn config_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp config dir")
}

/// The tab-separated fields of each line of `blatt list`.
fn list_rows(run: &Run) -> Vec<Vec<String>> {
    run.out()
        .lines()
        .map(|line| line.split('\t').map(str::to_owned).collect())
        .collect()
}

fn parse_json(run: &Run) -> Value {
    serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("blatt {}: not JSON: {e}\n{}", run.args, run.out()))
}

// --- list, toc, render on the seed ---

#[test]
fn list_the_seed_library_every_way() {
    let config = config_dir();
    let ways: [(&[&str], &str); 3] = [
        (&["list"], "bundled:000_886ae8deff7ee228.txt"),
        (&["list", SEEDS], SEED_NAME),
        (&["list", &format!("{SEEDS}/INDEX.md")], SEED_NAME),
    ];
    for (args, path_end) in ways {
        let run = blatt(config.path(), args);
        run.expect_code(0);
        assert_no_controls(&run.args, &run.stdout, &['\n', '\t']);
        let rows = list_rows(&run);
        assert_eq!(rows.len(), 1, "{}: {}", run.args, run.out());
        let row = &rows[0];
        assert_eq!(row.len(), 3, "{}: {row:?}", run.args);
        assert_eq!(row[0], SEED_TITLE);
        assert!(row[1].ends_with(path_end), "{}: {row:?}", run.args);
        assert_eq!(row[2], "ok");

        let mut json_args = args.to_vec();
        json_args.push("--json");
        let run = blatt(config.path(), &json_args);
        run.expect_code(0);
        let json = parse_json(&run);
        let entries = json.as_array().expect("a JSON array");
        assert_eq!(entries.len(), 1, "{}", run.out());
        let e = &entries[0];
        assert_eq!(e["title"], SEED_TITLE);
        let path = e["path"].as_str().expect("path is a string");
        assert!(path.ends_with(path_end), "{path}");
        assert_eq!(e["language"], "de");
        assert_eq!(e["group"], serde_json::json!(["Europa und Digitales"]));
        assert_eq!(e["status"], "ok");
        assert_eq!(e["problem"], Value::Null);
        assert_eq!(e["link"], SEED_NAME);
    }
}

#[test]
fn toc_of_the_seed_is_its_seven_headings() {
    let config = config_dir();
    let run = blatt(config.path(), ["toc", SEED]);
    run.expect_code(0);
    let lines: Vec<_> = run.out().lines().map(str::to_owned).collect();
    assert_eq!(lines, SEED_HEADINGS);
}

/// The letters and digits of a text, in order: what survives wrapping, hyphenation and
/// justification unchanged.
fn alphanumerics(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The first line of `out` wider than `width` cells, described.
fn overwide(out: &str, width: usize) -> Option<String> {
    out.lines().enumerate().find_map(|(n, line)| {
        let cells = text_width(line);
        (cells > width).then(|| {
            let shown: String = line.chars().take(60).collect();
            format!(
                "line {} is {cells} cells wide, more than {width}: {shown:?}",
                n + 1
            )
        })
    })
}

#[test]
fn render_the_seed_at_several_widths() {
    let config = config_dir();
    let source = fs::read_to_string(SEED).expect("read seed");
    for width in [20, 40, 80, 120] {
        let run = blatt(
            config.path(),
            ["render", "--width", width.to_string().as_str(), SEED],
        );
        run.expect_code(0);
        assert_no_controls(&run.args, &run.stdout, &['\n']);
        let out = run.out();
        if let Some(problem) = overwide(&out, width) {
            panic!("{}: {problem}", run.args);
        }
        assert_eq!(
            alphanumerics(&out),
            alphanumerics(&source),
            "{}: words were lost or changed",
            run.args
        );
        assert!(out.starts_with(SEED_TITLE.split(' ').next().unwrap_or_default()));
    }
}

// --- errors and usage ---

#[test]
fn a_missing_document_is_an_error_naming_it() {
    let config = config_dir();
    let run = blatt(config.path(), ["render", "/does/not/exist"]);
    run.expect_code(1);
    assert!(run.err().contains("/does/not/exist"), "{}", run.err());
    assert!(run.stdout.is_empty());
    let run = blatt(config.path(), ["toc", "/does/not/exist"]);
    run.expect_code(1);
    assert!(run.err().contains("/does/not/exist"), "{}", run.err());
}

/// Error messages go to a terminal too: a hostile name in them must be escaped.
#[test]
fn error_messages_escape_hostile_paths() {
    let config = config_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let binary = dir.path().join("bin\x1b[2J\u{9b}31m.txt");
    fs::write(&binary, b"\0\0\0binary").expect("write binary");
    let no_index = dir.path().join("lib\x1b]0;pwned\x07\u{202e}");
    fs::create_dir(&no_index).expect("mkdir");
    let missing = dir.path().join("gone\x1b]52;c;cHduZWQ=\x07.txt");
    let mut failures = Vec::new();
    for args in [
        vec![Path::new("render"), &binary],
        vec![Path::new("render"), &missing],
        vec![Path::new("toc"), &missing],
        vec![Path::new("list"), &no_index],
        vec![Path::new("list"), &missing],
    ] {
        let run = blatt(config.path(), &args);
        run.expect_code(1);
        if let Some(problem) = controls_in(&run.stderr, &['\n']) {
            failures.push(format!("{} (stderr): {problem}", run.args));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `blatt list ARTICLE` is a mistake (an article is not a library): it says so and fails,
/// rather than listing nothing and succeeding.
#[test]
fn list_of_an_article_is_an_error() {
    let config = config_dir();
    for json in [false, true] {
        let mut args = vec!["list", SEED];
        if json {
            args.push("--json");
        }
        let run = blatt(config.path(), &args);
        run.expect_code(1);
        let err = run.err();
        assert!(err.starts_with("blatt: "), "{err}");
        assert!(err.contains(SEED_NAME), "the message names the file: {err}");
        assert!(err.contains("not a library"), "{err}");
        assert!(run.stdout.is_empty(), "{}", run.out());
    }
}

/// A binary file given to the reader is refused with a message naming it, before the
/// terminal is taken (no alternate screen), not opened as a one-entry library.
#[test]
fn a_binary_file_for_the_reader_is_refused_before_the_terminal() {
    let config = config_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let binary = dir.path().join("program.bin");
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0".to_vec();
    bytes.extend((0..4096u32).map(|i| (i % 251) as u8));
    fs::write(&binary, bytes).expect("write binary");
    let mut s = pty::Session::start(config.path(), &[&binary], 80, 24);
    let code = s.wait_exit(pty::TIMEOUT);
    // The reader may still be draining the last bytes after the exit.
    s.wait_quiet(std::time::Duration::from_millis(200));
    let out = String::from_utf8_lossy(&s.bytes()).into_owned();
    assert_eq!(code, Some(1), "blatt should exit 1; it wrote: {out:?}");
    assert!(
        out.contains("program.bin"),
        "the message names the file: {out:?}"
    );
    assert!(out.contains("not text"), "{out:?}");
    assert!(
        !out.contains("\x1b[?1049h"),
        "the terminal was taken before the refusal: {out:?}"
    );
}

/// The paths `blatt list` prints are accepted by `toc` and `render`, `bundled:` ones
/// included.
#[test]
fn toc_and_render_accept_what_list_prints() {
    let config = config_dir();
    let expected_render = blatt(config.path(), ["render", "--width", "60", SEED]);
    expected_render.expect_code(0);
    for library in [None, Some(SEEDS)] {
        let mut args = vec!["list"];
        args.extend(library);
        let run = blatt(config.path(), &args);
        run.expect_code(0);
        let rows = list_rows(&run);
        assert!(!rows.is_empty(), "{}: no rows", run.args);
        for row in rows {
            let path = &row[1];
            let toc = blatt(config.path(), ["toc", path.as_str()]);
            toc.expect_code(0);
            let lines: Vec<_> = toc.out().lines().map(str::to_owned).collect();
            assert_eq!(lines, SEED_HEADINGS, "{}", toc.args);
            let render = blatt(config.path(), ["render", "--width", "60", path.as_str()]);
            render.expect_code(0);
            assert!(
                render.stdout == expected_render.stdout,
                "{}: not the seed's rendering",
                render.args
            );
        }
    }
    let run = blatt(config.path(), ["toc", "bundled:nothing-like-it.txt"]);
    run.expect_code(1);
    assert!(run.err().contains("nothing-like-it.txt"), "{}", run.err());
}

/// Problems in config.toml are shown by the headless commands too, on stderr, without
/// changing their output or exit code.
#[test]
fn headless_commands_show_config_problems() {
    let config = config_dir();
    fs::write(
        config.path().join("config.toml"),
        "frobnicate = 1\n[theme]\nsparkle = \"red\"\n",
    )
    .expect("write config.toml");
    let clean = config_dir();
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["toc", SEED],
        vec!["render", "--width", "40", SEED],
        vec!["bookmarks"],
        vec!["bookmarks", "--json"],
    ] {
        let run = blatt(config.path(), &args);
        run.expect_code(0);
        let err = run.err();
        let lines: Vec<&str> = err.lines().collect();
        for word in ["frobnicate", "sparkle"] {
            assert!(
                lines
                    .iter()
                    .any(|l| l.starts_with("blatt: config: ") && l.contains(word)),
                "{}: no `blatt: config:` line about {word} on stderr: {err:?}",
                run.args
            );
        }
        let without = blatt(clean.path(), &args);
        without.expect_code(0);
        assert_eq!(without.err(), "", "{}", without.args);
        assert!(
            run.stdout == without.stdout,
            "{}: the warnings changed the output",
            run.args
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let config = config_dir();
    blatt(config.path(), ["render"]).expect_code(2);
    blatt(config.path(), ["toc"]).expect_code(2);
    blatt(config.path(), ["render", "--width", "0", SEED]).expect_code(2);
    blatt(config.path(), ["list", "--frobnicate"]).expect_code(2);
    blatt(config.path(), ["bookmarks", "--json", "--markdown"]).expect_code(2);
}

#[test]
fn a_folder_without_index_is_an_error() {
    let config = config_dir();
    let empty = tempfile::tempdir().expect("temp dir");
    let run = blatt(config.path(), [Path::new("list"), empty.path()]);
    run.expect_code(1);
    assert!(run.err().contains("INDEX.md"), "{}", run.err());
    let gone = empty.path().join("nowhere");
    let run = blatt(config.path(), [Path::new("list"), &gone]);
    run.expect_code(1);
    assert!(run.err().contains("nowhere"), "{}", run.err());
}

#[test]
fn the_reader_without_a_terminal_points_to_the_headless_commands() {
    let config = config_dir();
    let run = blatt(config.path(), std::iter::empty::<&str>());
    run.expect_code(1);
    let err = run.err();
    assert!(err.contains("terminal"), "{err}");
    assert!(err.contains("render") && err.contains("list"), "{err}");
    assert!(run.stdout.is_empty(), "{}", run.out());
}

#[test]
fn the_default_config_is_toml_with_max_width() {
    let config = config_dir();
    let run = blatt(config.path(), ["--print-default-config"]);
    run.expect_code(0);
    let table: toml::Table = toml::from_str(&run.out()).expect("default config parses");
    assert!(table.contains_key("max_width"), "{table:?}");
    assert_eq!(table["max_width"].as_integer(), Some(80));
}

// --- bookmarks ---

/// No bookmarks is said in words (a blank output reads as a failure); JSON stays an
/// empty array for programs.
#[test]
fn no_bookmarks_says_so() {
    let config = config_dir();
    let run = blatt(config.path(), ["bookmarks"]);
    run.expect_code(0);
    assert_eq!(run.out(), "no bookmarks yet\n");
    let run = blatt(config.path(), ["bookmarks", "--markdown"]);
    run.expect_code(0);
    assert!(run.out().contains("No bookmarks yet"), "{}", run.out());
    let run = blatt(config.path(), ["bookmarks", "--json"]);
    run.expect_code(0);
    assert_eq!(parse_json(&run), serde_json::json!([]));
}

#[test]
fn bookmarks_as_json_and_markdown() {
    let config = config_dir();
    let seed = fs::canonicalize(SEED).expect("canonical seed");
    let seed = seed.to_string_lossy().into_owned();
    let marks = [
        (seed.as_str(), SEED_HEADINGS[1], 12, "Zoom und China"),
        (seed.as_str(), SEED_HEADINGS[4], 30, ""),
        (
            "/tmp/ein ordner/artikel.txt",
            "Erster Teil",
            2,
            "mit Leerzeichen",
        ),
    ];
    let (mut store, notices) = Store::open(Some(config.path().to_owned()));
    assert!(notices.is_empty(), "{notices:?}");
    for (doc, section, block, note) in marks {
        let section_path = vec![section.to_owned()];
        store.apply(Op::UpsertBookmark {
            id: Bookmark::id_for(doc, &section_path),
            bookmark: Bookmark {
                doc: doc.into(),
                doc_title: SEED_TITLE.into(),
                section_path: section_path.clone(),
                section_title: section.into(),
                section_slug: String::new(),
                anchor: Anchor {
                    section_path,
                    block,
                    ..Anchor::default()
                },
                note: note.into(),
                created: 1_700_000_000_000,
                updated: 1_700_000_000_000,
                ..Bookmark::default()
            },
        });
    }
    store.save().expect("save bookmarks");
    let saved: Vec<Bookmark> = store.state().bookmarks.values().cloned().collect();

    let run = blatt(config.path(), ["bookmarks", "--json"]);
    run.expect_code(0);
    let mut listed: Vec<Bookmark> =
        serde_json::from_slice(&run.stdout).expect("bookmarks --json parses as bookmarks");
    let mut expected = saved.clone();
    let key = |b: &Bookmark| (b.doc.clone(), b.anchor.block);
    listed.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(listed, expected);

    let run = blatt(config.path(), ["bookmarks", "--markdown"]);
    run.expect_code(0);
    let out = run.out();
    let items: Vec<&str> = out.lines().filter(|l| l.starts_with("- [")).collect();
    assert_eq!(items.len(), marks.len(), "{out}");
    let wanted = [
        format!("]({seed}#die-angst-vor-china-und-zooms-sicherheitsbilanz)",),
        format!("]({seed}#borrell-wünscht-sich-robustere-eu-strategie-gegenüber-china)"),
        "](/tmp/ein%20ordner/artikel.txt#erster-teil)".to_owned(),
    ];
    for want in &wanted {
        // The target may be written in angle brackets, which Markdown allows.
        let bracketed = want.replacen("](", "](<", 1).replacen(')', ">)", 1);
        assert_eq!(
            items
                .iter()
                .filter(|l| l.contains(want.as_str()) || l.contains(&bracketed))
                .count(),
            1,
            "no single item links to {want}:\n{out}"
        );
    }
    assert!(items.iter().any(|l| l.ends_with("Zoom und China")), "{out}");

    let run = blatt(config.path(), ["bookmarks"]);
    run.expect_code(0);
    assert_eq!(run.out().lines().count(), marks.len(), "{}", run.out());
}

// --- larger and odd libraries ---

#[test]
fn a_library_given_as_a_symlink_with_10000_entries() {
    let config = config_dir();
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("real");
    fs::create_dir(&root).expect("mkdir");
    for i in 0..50 {
        fs::write(
            root.join(format!("doc{i}.txt")),
            format!("Artikel {i}\n\nText.\n"),
        )
        .expect("write doc");
    }
    let mut index = String::from("# Groß\n\n");
    for i in 0..10_000 {
        if i % 1000 == 0 {
            index.push_str(&format!("\n## Gruppe {}\n\n", i / 1000));
        }
        index.push_str(&format!(
            "- [Eintrag {i}](doc{}.txt) — Quelle, de — Nummer {i}\n",
            i % 50
        ));
    }
    fs::write(root.join("INDEX.md"), index).expect("write INDEX.md");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&root, &link).expect("symlink to the library");

    for library in [&link, &link.join("INDEX.md")] {
        let run = blatt(config.path(), [Path::new("list"), library]);
        run.expect_code(0);
        let rows = list_rows(&run);
        assert_eq!(rows.len(), 10_000, "{}", run.args);
        for (i, row) in rows.iter().enumerate() {
            assert_eq!(row[0], format!("Eintrag {i}"));
            assert!(row[1].ends_with(&format!("/doc{}.txt", i % 50)), "{row:?}");
            assert_eq!(row[2], "ok", "{row:?}");
        }
        eprintln!("{}: {:?}", run.args, run.elapsed);

        let run = blatt(
            config.path(),
            [Path::new("list"), library, Path::new("--json")],
        );
        run.expect_code(0);
        let json = parse_json(&run);
        let entries = json.as_array().expect("array");
        assert_eq!(entries.len(), 10_000);
        assert_eq!(entries[9_999]["group"], serde_json::json!(["Gruppe 9"]));
        assert!(entries.iter().all(|e| e["status"] == "ok"));
    }
}

// --- the hostile library ---

/// How long building takes is measured by `cargo bench --bench lifecycle -- fixture`.
#[test]
fn hostile_fixture_builds() {
    let lib = hostile::build();
    assert!(lib.root.join("INDEX.md").is_file());
    assert!(lib.entries.len() >= 30, "{}", lib.entries.len());
}

/// The last part of a file name after any control character, which is what a path with an
/// escaped or a raw name both end with.
fn tail_of(name: &str) -> &str {
    name.rsplit(|c| is_terminal_control(c, &[]))
        .next()
        .unwrap_or(name)
}

#[test]
fn hostile_list_names_every_problem() {
    let config = config_dir();
    let lib = hostile::build();
    let mut failures = Vec::new();

    let run = blatt(config.path(), [Path::new("list"), &lib.root]);
    run.expect_code(0);
    let rows = list_rows(&run);
    assert_eq!(rows.len(), lib.entries.len(), "{}", run.out());
    for (entry, row) in lib.entries.iter().zip(&rows) {
        if row.len() != 3 {
            failures.push(format!("{}: not three fields: {row:?}", entry.what));
            continue;
        }
        match entry.listed {
            Listed::Ok(name) => {
                if row[2] != "ok" || !row[1].ends_with(tail_of(name)) {
                    failures.push(format!("{}: expected ok {name:?}, got {row:?}", entry.what));
                }
            }
            Listed::Problem(reason) => {
                if !row[2].starts_with("problem: ") || !row[2].contains(reason) {
                    failures.push(format!(
                        "{}: expected a problem with {reason:?}, got {row:?}",
                        entry.what
                    ));
                }
            }
        }
    }

    let run = blatt(
        config.path(),
        [Path::new("list"), &lib.root, Path::new("--json")],
    );
    run.expect_code(0);
    let json = parse_json(&run);
    let listed = json.as_array().expect("array");
    assert_eq!(listed.len(), lib.entries.len());
    for (entry, e) in lib.entries.iter().zip(listed) {
        let problem = e["problem"].as_str().unwrap_or_default();
        let path = e["path"].as_str().unwrap_or_default();
        match entry.listed {
            Listed::Ok(name) => {
                if e["status"] != "ok" || !path.ends_with(tail_of(name)) {
                    failures.push(format!(
                        "{} (JSON): expected ok {name:?}, got {e}",
                        entry.what
                    ));
                }
            }
            Listed::Problem(reason) => {
                if e["status"] != "problem" || !problem.contains(reason) || !e["path"].is_null() {
                    failures.push(format!(
                        "{} (JSON): expected a problem with {reason:?}, got {e}",
                        entry.what
                    ));
                }
            }
        }
        if e["title"].as_str().is_none_or(str::is_empty) {
            failures.push(format!("{} (JSON): no title: {e}", entry.what));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!("hostile list: {:?}", run.elapsed);
}

#[test]
fn hostile_list_shows_no_controls() {
    let config = config_dir();
    let lib = hostile::build();
    let mut failures = Vec::new();
    for json in [false, true] {
        let mut args = vec![PathBuf::from("list"), lib.root.clone()];
        if json {
            args.push("--json".into());
        }
        let run = blatt(config.path(), &args);
        run.expect_code(0);
        let allowed: &[char] = if json { &['\n'] } else { &['\n', '\t'] };
        if let Some(problem) = controls_in(&run.stdout, allowed) {
            failures.push(format!("{}: {problem}", run.args));
        }
        // A file name may carry the payload, escaped; titles, groups and descriptions must
        // lose whole sequences.
        for line in run.out().lines().filter(|l| l.contains(hostile::PAYLOAD)) {
            if !line.contains("\\u{1b}") && !line.contains("\\u001b") {
                failures.push(format!(
                    "{}: payload of an escape shown: {line:?}",
                    run.args
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Rendered text with hyphenated line ends joined and all line breaks removed: the text a
/// phrase must be found in.
fn unwrapped(out: &str) -> String {
    let mut text = String::new();
    for line in out.lines() {
        let line = line.trim_end();
        if let Some(head) = line.strip_suffix('-')
            && head.chars().last().is_some_and(char::is_alphabetic)
        {
            text.push_str(head.trim_start());
        } else {
            text.push_str(line.trim_start());
            text.push(' ');
        }
    }
    text
}

/// Phrases are compared with whitespace collapsed: wrapping may break a line anywhere a
/// space was.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn hostile_documents_toc_and_render_exit_cleanly() {
    let config = config_dir();
    let lib = hostile::build();
    let mut failures = Vec::new();
    let mut slowest = (std::time::Duration::ZERO, String::new());
    for doc in &lib.docs {
        for args in [
            vec!["toc".into(), doc.path.clone().into_os_string()],
            vec!["render".into(), doc.path.clone().into_os_string()],
            vec![
                "render".into(),
                "--width".into(),
                "20".into(),
                doc.path.clone().into_os_string(),
            ],
        ] {
            let run = blatt(config.path(), &args);
            if run.elapsed > slowest.0 {
                slowest = (run.elapsed, run.args.clone());
            }
            let is_render = args[0] == "render";
            let code = if run.timed_out { None } else { run.code };
            match (&doc.renders, code) {
                (Renders::Text(phrases), Some(0)) => {
                    if is_render {
                        let text = squeeze(&unwrapped(&run.out()));
                        for phrase in phrases {
                            if !text.contains(&squeeze(phrase)) {
                                failures.push(format!(
                                    "{} ({}): {phrase:?} missing from the output",
                                    doc.what, run.args
                                ));
                            }
                        }
                    }
                }
                (Renders::Refused(reason), Some(1)) => {
                    let err = run.err();
                    if !err.contains(reason) || !err.starts_with("blatt: ") {
                        failures.push(format!(
                            "{} ({}): expected a message with {reason:?}, got {err:?}",
                            doc.what, run.args
                        ));
                    }
                    if !run.stdout.is_empty() {
                        failures.push(format!("{}: output on a refusal", run.args));
                    }
                }
                (expected, _) => failures.push(format!(
                    "{} ({}): expected {expected:?}, got {} after {:?}, stderr {:?}",
                    doc.what,
                    run.args,
                    run.outcome(),
                    run.elapsed,
                    run.err().chars().take(500).collect::<String>()
                )),
            }
        }
    }
    eprintln!("slowest: {:?} for {}", slowest.0, slowest.1);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hostile_documents_show_no_controls() {
    let config = config_dir();
    let lib = hostile::build();
    let mut failures = Vec::new();
    for doc in &lib.docs {
        for command in ["toc", "render"] {
            let run = blatt(config.path(), [command.as_ref(), doc.path.as_os_str()]);
            if run.timed_out {
                continue; // reported by the exit test
            }
            for (stream, bytes) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
                if let Some(problem) = controls_in(bytes, &['\n']) {
                    failures.push(format!("{} ({} {stream}): {problem}", doc.what, run.args));
                }
            }
            if run.out().contains(hostile::PAYLOAD) {
                failures.push(format!(
                    "{} ({}): the payload of an escape sequence was shown",
                    doc.what, run.args
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn hostile_renders_fit_their_width() {
    let config = config_dir();
    let lib = hostile::build();
    let mut failures = Vec::new();
    for doc in lib
        .docs
        .iter()
        .filter(|d| matches!(d.renders, Renders::Text(_)))
    {
        for width in [20usize, 80] {
            let run = blatt(
                config.path(),
                [
                    "render".as_ref(),
                    "--width".as_ref(),
                    width.to_string().as_ref(),
                    doc.path.as_os_str(),
                ],
            );
            if run.code != Some(0) || run.timed_out {
                continue; // reported by the exit test
            }
            if let Some(problem) = overwide(&run.out(), width) {
                failures.push(format!("{} ({}): {problem}", doc.what, run.args));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Refused without reading them: a FIFO would block for ever and /dev/zero never ends, so
/// a run that reads them is killed by the hang guard of [`blatt`] and fails `expect_code`.
/// How long a refusal takes is measured by `cargo bench --bench lifecycle -- refuse`.
#[test]
fn special_files_are_refused() {
    let config = config_dir();
    let lib = hostile::build();
    for (path, reason) in [
        (lib.root.join("pipe.txt"), "FIFO"),
        (PathBuf::from("/dev/zero"), "device"),
        (lib.root.join("zero.txt"), "device"),
        (lib.root.join("binary.txt"), "binary"),
    ] {
        for command in ["render", "toc"] {
            let run = blatt(config.path(), [command.as_ref(), path.as_os_str()]);
            run.expect_code(1);
            assert!(run.err().contains(reason), "{}: {}", run.args, run.err());
        }
    }
}

#[test]
fn hostile_encodings_decode() {
    let config = config_dir();
    let lib = hostile::build();
    let render = |name: &str| {
        let run = blatt(config.path(), [Path::new("render"), &lib.root.join(name)]);
        run.expect_code(0);
        squeeze(&unwrapped(&run.out()))
    };
    let latin1 = render("latin1.txt");
    for word in [
        "Grüße aus Köln",
        "Bürgermeister",
        "Größe",
        "Ärger",
        "Straßen",
        "Öffentliche",
    ] {
        assert!(
            latin1.contains(word),
            "latin1: {word:?} missing in {latin1:?}"
        );
    }
    assert!(!latin1.contains('\u{FFFD}'), "{latin1:?}");
    let cp1252 = render("cp1252.txt");
    for word in [
        "Grüße aus Köln",
        "„Zitat“",
        "– das kostet 5 €",
        "Öl wird teurer",
    ] {
        assert!(
            cp1252.contains(word),
            "cp1252: {word:?} missing in {cp1252:?}"
        );
    }
    let utf16 = render("utf16.txt");
    assert!(utf16.contains("Grüße aus UTF-16"), "{utf16:?}");
    assert!(
        utf16.contains("Ein Absatz über Köln und 東京."),
        "{utf16:?}"
    );
    let bom = render("bom-crlf.txt");
    assert!(bom.starts_with("Titel mit BOM"), "{bom:?}");
    let truncated = render("truncated.txt");
    assert!(truncated.contains("Grüße aus 東京 und"), "{truncated:?}");
}

#[test]
fn thirty_thousand_headings_in_the_toc() {
    let config = config_dir();
    let lib = hostile::build();
    let run = blatt(
        config.path(),
        [Path::new("toc"), &lib.root.join("headings.md")],
    );
    run.expect_code(0);
    let lines: Vec<_> = run.out().lines().map(str::to_owned).collect();
    assert_eq!(
        lines.len(),
        30_000,
        "first lines: {:?}",
        &lines[..lines.len().min(3)]
    );
    assert_eq!(lines[0], "Abschnitt 0");
    assert_eq!(lines[29_999], "Abschnitt 29999");
    let distinct: BTreeSet<_> = lines.iter().collect();
    assert_eq!(distinct.len(), 30_000);
    eprintln!("{}: {:?}", run.args, run.elapsed);
}

/// The time limit counts processor time from /proc; make sure it can be read and grows
/// with work, or the limit silently falls back to wall time. Spins until it has grown
/// rather than for a fixed time, so that a loaded machine only makes it slower.
#[test]
fn processor_time_is_measured() {
    let me = std::process::id();
    let before = common::cpu_time(me).expect("/proc/PID/stat readable");
    let started = Instant::now();
    let mut x = 0u64;
    loop {
        for _ in 0..1_000_000 {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        let used = common::cpu_time(me).expect("/proc/PID/stat readable");
        if used >= before + std::time::Duration::from_millis(100) {
            break;
        }
        assert!(
            started.elapsed() < common::HANG_GUARD,
            "processor time stayed at {used:?} while this test spun for {:?}",
            started.elapsed()
        );
    }
}

// --- search ---

#[test]
fn search_the_seed_library_plain_and_json() {
    let config = config_dir();
    let run = blatt(config.path(), ["search", "tiktok"]);
    run.expect_code(0);
    let out = run.out();
    let lines: Vec<&str> = out.lines().collect();
    // Smart case: "tiktok" finds "TikTok", in its section, with the match in the snippet.
    assert!(lines.len() >= 3, "{}", run.out());
    for line in &lines {
        assert!(line.starts_with(SEED_TITLE), "{line}");
        assert!(line.contains("TikTok"), "{line}");
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains(&format!("› {}: ", SEED_HEADINGS[2]))),
        "{}",
        run.out()
    );
    let json = blatt(config.path(), ["search", "--json", "tiktok"]);
    json.expect_code(0);
    let hits = parse_json(&json);
    let hits = hits.as_array().expect("an array");
    assert_eq!(hits.len(), lines.len());
    for hit in hits {
        let snippet = hit["snippet"].as_str().unwrap();
        let (start, end) = (
            hit["matched"]["start"].as_u64().unwrap() as usize,
            hit["matched"]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&snippet[start..end], "TikTok");
        assert_eq!(hit["title"], SEED_TITLE);
    }
    // Case-sensitive and regex.
    let none = blatt(config.path(), ["search", "--case-sensitive", "tiktok"]);
    none.expect_code(1);
    assert!(none.out().is_empty() && none.err().is_empty());
    let regex = blatt(config.path(), ["search", "--regex", r"Tik\w+"]);
    regex.expect_code(0);
    assert_eq!(regex.out().lines().count(), lines.len());
}

#[test]
fn search_without_a_match_exits_1_and_trouble_exits_2() {
    let config = config_dir();
    let run = blatt(config.path(), ["search", "xyzzy-nowhere"]);
    run.expect_code(1);
    assert_eq!(run.out(), "");
    let json = blatt(config.path(), ["search", "--json", "xyzzy-nowhere"]);
    json.expect_code(1);
    assert_eq!(parse_json(&json), serde_json::json!([]));
    let bad = blatt(config.path(), ["search", "--regex", "(unclosed"]);
    bad.expect_code(2);
    assert!(bad.err().contains("not a valid pattern"), "{}", bad.err());
    let missing = blatt(config.path(), ["search", "x", "/nonexistent/library"]);
    missing.expect_code(2);
}

#[test]
fn search_in_the_hostile_library_never_prints_a_control() {
    let config = config_dir();
    let lib = hostile::build();
    // Words in the escape-laden articles, the many-headed one and the Latin-1 one.
    for args in [
        vec!["search", "ende"],
        vec!["search", "--json", "ende"],
        vec!["search", "--regex", r"Gr(ü|ue)(ß|ss)e|Abschnitt \d+"],
    ] {
        let mut args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        args.push(lib.root.clone().into());
        let run = blatt(config.path(), &args);
        assert!(!run.timed_out, "{}", run.args);
        run.expect_code(0);
        assert_no_controls(&run.args, &run.stdout, &['\n']);
        assert_no_controls(&run.args, &run.stderr, &['\n']);
    }
}

#[test]
fn completions_parse_and_the_man_page_renders() {
    let dir = tempfile::tempdir().expect("temp dir");
    let bash = common::blatt(dir.path(), ["completions", "bash"]);
    assert_eq!(
        bash.code,
        Some(0),
        "{}",
        String::from_utf8_lossy(&bash.stderr)
    );
    let script = dir.path().join("blatt.bash");
    fs::write(&script, &bash.stdout).expect("write");
    let checked = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("run bash -n");
    assert!(
        checked.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&checked.stderr)
    );
    let text = String::from_utf8_lossy(&bash.stdout);
    for word in ["search", "index", "--section", "--open", "completions"] {
        assert!(text.contains(word), "bash completion lacks {word}");
    }
    let fish = common::blatt(dir.path(), ["completions", "fish"]);
    assert_eq!(fish.code, Some(0));
    let fish = String::from_utf8_lossy(&fish.stdout);
    assert!(fish.contains("complete -c blatt"), "{fish}");
    if let Ok(out) = std::process::Command::new("fish")
        .arg("--no-execute")
        .arg("-c")
        .arg(&*fish)
        .output()
    {
        assert!(
            out.status.success(),
            "fish: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for shell in ["zsh", "elvish", "powershell"] {
        let run = common::blatt(dir.path(), ["completions", shell]);
        assert_eq!(run.code, Some(0), "{shell}");
        assert!(!run.stdout.is_empty(), "{shell}");
    }
    let bad = common::blatt(dir.path(), ["completions", "tcsh"]);
    assert_eq!(bad.code, Some(2), "clap refuses an unknown shell");

    let man = common::blatt(dir.path(), ["man"]);
    assert_eq!(man.code, Some(0));
    let page = String::from_utf8_lossy(&man.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH blatt"),
        "{}",
        &page[..page.len().min(200)]
    );
    let file = dir.path().join("blatt.1");
    fs::write(&file, &man.stdout).expect("write");
    if let Ok(out) = std::process::Command::new("man")
        .arg("-l")
        .arg(&file)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
    {
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "man -l: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            shown.contains("SYNOPSIS") && shown.contains("--section"),
            "{shown}"
        );
    }
}

#[test]
fn help_shows_an_example_of_every_command() {
    let dir = tempfile::tempdir().expect("temp dir");
    let help = common::blatt(dir.path(), ["--help"]);
    assert_eq!(help.code, Some(0));
    let help = String::from_utf8_lossy(&help.stdout);
    let examples = help.split("Examples:").nth(1).expect("an Examples section");
    for command in [
        "list",
        "toc",
        "render",
        "search",
        "index",
        "bookmarks",
        "completions",
        "man",
        "--open",
        "#",
    ] {
        assert!(
            examples
                .lines()
                .any(|l| l.contains(&format!("blatt {command}"))
                    || (command.starts_with(['-', '#']) && l.contains(command))),
            "no example of {command}:\n{examples}"
        );
    }
}

/// `blatt search … | head -1`: the reader of the output goes away early; that is no error
/// (exit 0, nothing on stderr), as for `render` and `list`.
#[test]
fn a_closed_pipe_ends_search_and_render_quietly() {
    let config = config_dir();
    let library = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search");
    let article = library.join("danube.md");
    let commands: [Vec<&std::ffi::OsStr>; 2] = [
        vec![
            "search".as_ref(),
            "--no-index".as_ref(),
            "the".as_ref(),
            library.as_os_str(),
        ],
        vec!["render".as_ref(), article.as_os_str()],
    ];
    for args in commands {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_blatt"))
            .args(&args)
            .env("BLATT_CONFIG_DIR", config.path())
            .env("BLATT_CACHE_DIR", config.path().join("cache"))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start blatt");
        // The reader of the pipe is gone before blatt writes.
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("blatt ends");
        assert!(
            output.status.success(),
            "{args:?}: {:?}, stderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            output.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// On Linux (glibc) the binary is linked at a fixed address (build.rs): the dynamic loader
/// has no tables of pointers to fill in at every start, which took hundreds of page faults
/// and a good part of the time to the first frame.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[test]
fn the_binary_needs_no_relocation_at_start() {
    let bytes = fs::read(env!("CARGO_BIN_EXE_blatt")).expect("the binary");
    assert_eq!(&bytes[..4], b"\x7fELF");
    // e_type, little-endian on the platforms this runs on: 2 is ET_EXEC, 3 ET_DYN (a
    // position-independent executable).
    let e_type = u16::from_le_bytes([bytes[16], bytes[17]]);
    assert_eq!(e_type, 2, "linked as a position-independent executable");
}
