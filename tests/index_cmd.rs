//! `blatt index DIR`: INDEX.md made from a folder and kept up to date in place.

mod common;

use std::fs;
use std::path::Path;

use common::{assert_no_controls, blatt};

fn config_dir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp config dir")
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn list_titles(config: &Path, dir: &Path) -> Vec<(String, String)> {
    let run = blatt(config, [Path::new("list"), dir]);
    run.expect_code(0);
    run.out()
        .lines()
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            (fields[0].to_string(), fields[2].to_string())
        })
        .collect()
}

#[test]
fn creates_an_index_the_reader_lists_and_updates_it_in_place() {
    let config = config_dir();
    let lib = tempfile::tempdir().unwrap();
    write(
        lib.path(),
        "eins.md",
        "# Erster Artikel\n\nDer erste Satz. Der zweite.\n",
    );
    write(
        lib.path(),
        "zwei.txt",
        "Zweiter Artikel\n\nText der Meldung hier.\n",
    );
    write(
        lib.path(),
        "politik/drei.md",
        "---\ntitle: Dritter\n---\n\nInhalt.\n",
    );
    write(lib.path(), ".hidden.md", "# Versteckt\n");
    write(lib.path(), "bild.png", "not an article");
    let run = blatt(config.path(), [Path::new("index"), lib.path()]);
    run.expect_code(0);
    assert!(
        run.out().contains("created with 3 entries"),
        "{}",
        run.out()
    );
    let mut titles = list_titles(config.path(), lib.path());
    titles.sort();
    assert_eq!(
        titles,
        [
            ("Dritter".to_string(), "ok".to_string()),
            ("Erster Artikel".to_string(), "ok".to_string()),
            ("Zweiter Artikel".to_string(), "ok".to_string()),
        ]
    );

    // A person edits the index by hand; a file goes, one comes.
    let index = lib.path().join("INDEX.md");
    let edited = fs::read_to_string(&index)
        .unwrap()
        .replace("Der erste Satz.", "Meine eigene Notiz, *wichtig*.")
        + "\nEin Schlusswort von Hand.\n";
    fs::write(&index, &edited).unwrap();
    fs::remove_file(lib.path().join("zwei.txt")).unwrap();
    write(lib.path(), "politik/vier.md", "# Vierter\n\nNeu.\n");

    // --dry-run shows the diff and writes nothing.
    let dry = blatt(
        config.path(),
        [Path::new("index"), Path::new("--dry-run"), lib.path()],
    );
    dry.expect_code(0);
    assert!(
        dry.out().contains("+- [Vierter](politik/vier.md)"),
        "{}",
        dry.out()
    );
    assert!(dry.out().contains("~~ (missing since "), "{}", dry.out());
    assert_eq!(fs::read_to_string(&index).unwrap(), edited);

    let run = blatt(config.path(), [Path::new("index"), lib.path()]);
    run.expect_code(0);
    assert!(
        run.out().contains("1 added, 1 marked missing"),
        "{}",
        run.out()
    );
    let updated = fs::read_to_string(&index).unwrap();
    // Every line of the hand-edited file is still there, in order; only lines were added
    // and one link struck through.
    // With the one mark taken out again, the hand-edited lines are all there, in order.
    let unmarked: Vec<String> = updated
        .lines()
        .map(|l| match l.find("~~ (missing since ") {
            Some(at) => {
                let after = &l[at..];
                let close = after.find(')').unwrap() + 1;
                format!("{}{}", &l[..at], &after[close..]).replacen("~~[", "[", 1)
            }
            None => l.to_string(),
        })
        .collect();
    let mut kept = unmarked.iter();
    for line in edited.lines() {
        assert!(kept.any(|l| l == line), "{line:?} kept in\n{updated}");
    }
    assert!(updated.contains("- ~~[Zweiter Artikel](zwei.txt)~~ (missing since "));
    assert!(updated.contains("Meine eigene Notiz, *wichtig*."));
    assert!(updated.contains("Ein Schlusswort von Hand."));
    // Again: nothing to change, the file untouched.
    let run = blatt(config.path(), [Path::new("index"), lib.path()]);
    assert!(run.out().contains("nothing to change"), "{}", run.out());
    assert_eq!(fs::read_to_string(&index).unwrap(), updated);
}

#[test]
fn escape_sequences_in_names_and_titles_never_reach_the_index_or_the_terminal() {
    let config = config_dir();
    let lib = tempfile::tempdir().unwrap();
    write(
        lib.path(),
        "a\u{1b}]0;pwned\u{7}b.md",
        "# Titel \u{1b}[2J mit \u{9b}31m Farbe\n\nText \u{1b}]52;c;aGk=\u{7} hier.\n",
    );
    let run = blatt(config.path(), [Path::new("index"), lib.path()]);
    run.expect_code(0);
    assert_no_controls(&run.args, &run.stdout, &['\n']);
    let index = fs::read(lib.path().join("INDEX.md")).unwrap();
    assert_no_controls("INDEX.md", &index, &['\n']);
    // The entry still opens its file.
    let titles = list_titles(config.path(), lib.path());
    assert_eq!(titles.len(), 1);
    assert_eq!(titles[0].1, "ok", "{titles:?}");
    let dry = blatt(
        config.path(),
        [Path::new("index"), Path::new("--dry-run"), lib.path()],
    );
    assert_no_controls(&dry.args, &dry.stdout, &['\n']);
}

#[test]
fn bad_folders_are_refused_with_a_message() {
    let config = config_dir();
    let run = blatt(config.path(), ["index", "/nonexistent/folder"]);
    run.expect_code(1);
    assert!(run.err().contains("not a folder"), "{}", run.err());
    let lib = tempfile::tempdir().unwrap();
    fs::write(lib.path().join("INDEX.md"), b"\xff\xfe not utf-8 \x80").unwrap();
    let run = blatt(config.path(), [Path::new("index"), lib.path()]);
    run.expect_code(1);
    assert!(run.err().contains("not UTF-8"), "{}", run.err());
}

/// 100,000 small articles in 100 folders: every one listed once. (How long it takes is a
/// benchmark's business: `scripts/compare.sh`.)
#[test]
fn a_hundred_thousand_files() {
    let config = config_dir();
    let lib = tempfile::tempdir().unwrap();
    for folder in 0..100 {
        let dir = lib.path().join(format!("f{folder:03}"));
        fs::create_dir(&dir).unwrap();
        for n in 0..1000 {
            fs::write(
                dir.join(format!("{n:04}.txt")),
                format!("Artikel {folder}-{n}\n"),
            )
            .unwrap();
        }
    }
    let run = blatt(config.path(), [Path::new("index"), lib.path()]);
    run.expect_code(0);
    assert!(
        run.out().contains("created with 100000 entries"),
        "{}",
        run.out()
    );
    let index = fs::read_to_string(lib.path().join("INDEX.md")).unwrap();
    assert_eq!(
        index.lines().filter(|l| l.starts_with("- [")).count(),
        100_000
    );
    assert_eq!(index.lines().filter(|l| l.starts_with("## ")).count(), 100);
}

#[test]
fn names_with_a_hash_or_a_percent_sign_open_and_are_listed_once() {
    let config = config_dir();
    let lib = tempfile::tempdir().unwrap();
    for name in [
        "a#b.md",
        "100%.md",
        "x%23y.md",
        "sub/c#d%25e.md",
        "plain.md",
    ] {
        write(lib.path(), name, &format!("# {name}\n\nText.\n"));
    }
    blatt(config.path(), [Path::new("index"), lib.path()]).expect_code(0);
    // Every entry blatt wrote opens its own file.
    let titles = list_titles(config.path(), lib.path());
    assert_eq!(titles.len(), 5, "{titles:?}");
    assert!(
        titles.iter().all(|(_, status)| status == "ok"),
        "{titles:?}"
    );
    // Run again: nothing is added twice.
    let run = blatt(config.path(), [Path::new("index"), lib.path()]);
    run.expect_code(0);
    assert!(run.out().contains("nothing to change"), "{}", run.out());
}
