//! `blatt search` with its index in the cache directory: built on the first search, used
//! (unchanged articles are not read again), updated when a file's size or time changes,
//! rebuilt when deleted, and ignored with a notice when damaged. Every run's output is
//! compared with `--no-index`, which reads every article: the index may only make a search
//! faster, never change what it finds.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{Run, assert_no_controls, blatt};

/// A small library: Markdown and plain text, one article that cannot be read (a folder
/// where a file should be is a problem entry; a non-UTF-8 name is fine).
fn library(dir: &Path) -> PathBuf {
    let root = dir.join("lib");
    fs::create_dir_all(&root).unwrap();
    fs::write(
        root.join("zoom.md"),
        "# Zoom\n\nDie Kommission nutzt **Zo**om weiter.\n\n## TikTok\n\nTikTok und Zoom.\n",
    )
    .unwrap();
    fs::write(
        root.join("strasse.txt"),
        "Straßenbau\n\nDie STRASSE wird gebaut. Ein Café an der Ecke.\n",
    )
    .unwrap();
    fs::write(root.join("leer.md"), "# Leer\n\nNichts zu finden.\n").unwrap();
    fs::write(
        root.join("INDEX.md"),
        "# Test\n\n- [Zoom](zoom.md)\n- [Straße](strasse.txt)\n- [Leer](leer.md)\n- [Fehlt](fehlt.md)\n",
    )
    .unwrap();
    root
}

fn search(config: &Path, args: &[&str], lib: &Path) -> Run {
    let mut all: Vec<std::ffi::OsString> = vec!["search".into(), "-v".into()];
    all.extend(args.iter().map(Into::into));
    all.push(lib.into());
    let run = blatt(config, &all);
    assert!(!run.timed_out, "{}", run.args);
    run
}

/// Runs the search with the index and without, checks that both print the same, and
/// returns the indexed run.
fn same_as_scanning(config: &Path, args: &[&str], lib: &Path) -> Run {
    let indexed = search(config, args, lib);
    let mut scan_args = args.to_vec();
    scan_args.push("--no-index");
    let scanned = search(config, &scan_args, lib);
    assert_eq!(indexed.code, scanned.code, "{}", indexed.args);
    assert_eq!(indexed.out(), scanned.out(), "{}", indexed.args);
    indexed
}

fn err(run: &Run) -> String {
    String::from_utf8_lossy(&run.stderr).into_owned()
}

fn index_folder(config: &Path) -> PathBuf {
    let base = config.join("cache").join("index");
    let mut dirs: Vec<_> = fs::read_dir(&base)
        .unwrap_or_else(|e| panic!("{}: {e}", base.display()))
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(dirs.len(), 1, "one index per library: {dirs:?}");
    dirs.pop().unwrap()
}

#[test]
fn the_index_is_built_used_and_updated() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let lib = library(tmp.path());

    let run = same_as_scanning(&config, &["zoom"], &lib);
    run.expect_code(0);
    assert!(
        err(&run).contains("3 read, 0 unchanged, 0 removed"),
        "{}",
        err(&run)
    );
    // The index is in the cache directory; both hits of the one matching article are there.
    assert!(index_folder(&config).is_dir());
    assert!(err(&run).contains("1 article may match"), "{}", err(&run));
    assert_eq!(
        run.out(),
        "Zoom: Zoom\nZoom: Die Kommission nutzt Zoom weiter.\nZoom › TikTok: TikTok und Zoom.\n"
    );

    // Used: nothing changed, nothing is read.
    let run = same_as_scanning(&config, &["strasse"], &lib);
    run.expect_code(0);
    assert!(err(&run).contains("0 read, 3 unchanged"), "{}", err(&run));
    assert!(run.out().contains("Die STRASSE"), "{}", run.out());

    // Updated: a changed article is read again and found by its new text.
    fs::write(lib.join("leer.md"), "# Leer\n\nJetzt mit einem Quokka.\n").unwrap();
    let run = same_as_scanning(&config, &["quokka"], &lib);
    run.expect_code(0);
    assert!(
        err(&run).contains("1 read, 2 unchanged, 1 removed"),
        "{}",
        err(&run)
    );
    assert_eq!(run.out(), "Leer: Jetzt mit einem Quokka.\n");

    // A deleted article leaves the index (and the search names the problem entry in
    // neither mode: it is a problem entry now).
    fs::remove_file(lib.join("strasse.txt")).unwrap();
    let run = same_as_scanning(&config, &["strasse"], &lib);
    run.expect_code(1);
    assert!(
        err(&run).contains("0 read, 2 unchanged, 1 removed"),
        "{}",
        err(&run)
    );
}

#[test]
fn the_same_hits_with_and_without_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let lib = library(tmp.path());
    for args in [
        vec!["zoom"],
        vec!["--json", "zoom"],
        vec!["Zoom weiter"],
        vec!["om wei"],
        vec!["cafe"],
        vec!["café"],
        vec!["Straße"],
        vec!["--case-sensitive", "zoom"],
        vec!["tik"],
        vec!["--regex", "Zo+m|Stra(ß|ss)e"],
        vec!["nirgends"],
        vec!["--json", "nirgends"],
        vec!["."],
    ] {
        same_as_scanning(&config, &args, &lib);
    }
    same_as_scanning(&config, &["--regex", "Zo+m|Stra(ß|ss)e"], &lib).expect_code(0);
    same_as_scanning(&config, &["nirgends"], &lib).expect_code(1);
}

#[test]
fn a_deleted_index_is_built_again() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let lib = library(tmp.path());
    search(&config, &["zoom"], &lib).expect_code(0);
    fs::remove_dir_all(config.join("cache")).unwrap();
    let run = same_as_scanning(&config, &["zoom"], &lib);
    run.expect_code(0);
    assert!(err(&run).contains("3 read, 0 unchanged"), "{}", err(&run));
}

#[test]
fn a_damaged_index_is_noticed_and_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let lib = library(tmp.path());
    search(&config, &["zoom"], &lib).expect_code(0);
    let expected = search(&config, &["zoom", "--no-index"], &lib).out();
    // Garbage over every file of the index, with escape sequences for good measure.
    for entry in fs::read_dir(index_folder(&config)).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            fs::write(&path, b"\x1b]0;owned\x07\x00\xff garbage").unwrap();
        }
    }
    let run = search(&config, &["zoom"], &lib);
    run.expect_code(0);
    assert_eq!(run.out(), expected);
    let stderr = err(&run);
    assert!(stderr.contains("search index cannot be used"), "{stderr}");
    assert_no_controls(&run.args, &run.stderr, &['\n']);
    // It was built anew, and the next search uses it.
    let run = same_as_scanning(&config, &["zoom"], &lib);
    assert!(err(&run).contains("0 read, 3 unchanged"), "{}", err(&run));
}

#[test]
fn an_index_folder_that_cannot_be_made_means_scanning_with_a_notice() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let lib = library(tmp.path());
    fs::create_dir_all(&config).unwrap();
    // The cache directory is a file: no index can live there.
    fs::write(config.join("cache"), "not a folder").unwrap();
    let run = search(&config, &["zoom"], &lib);
    run.expect_code(0);
    assert!(
        err(&run).contains("scanning every article"),
        "{}",
        err(&run)
    );
    assert_eq!(
        run.out(),
        search(&config, &["zoom", "--no-index"], &lib).out()
    );
}

#[test]
fn hostile_articles_never_print_a_control_through_the_index() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let lib = common::hostile::build();
    for args in [vec!["ende"], vec!["--json", "ende"], vec!["ende"]] {
        let run = same_as_scanning(&config, &args, &lib.root);
        run.expect_code(0);
        assert_no_controls(&run.args, &run.stdout, &['\n']);
        assert_no_controls(&run.args, &run.stderr, &['\n']);
    }
}

/// Sets the modification time of `path` to `time`.
fn set_modified(path: &Path, time: std::time::SystemTime) {
    fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(time)
        .unwrap();
}

/// Writes six letters for six into `leer.md` (its size stays) and sets its modification
/// time `later` than it was. Returns its metadata before and after.
fn edit_leer(lib: &Path, later: std::time::Duration) -> (fs::Metadata, fs::Metadata) {
    let path = lib.join("leer.md");
    let before = fs::metadata(&path).unwrap();
    fs::write(&path, "# Leer\n\nQuokka zu finden.\n").unwrap();
    set_modified(&path, before.modified().unwrap() + later);
    let after = fs::metadata(&path).unwrap();
    (before, after)
}

#[test]
fn an_article_edited_in_place_with_the_same_size_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let lib = library(tmp.path());
    search(&config, &["zoom"], &lib).expect_code(0);
    // The time moves on, as with any edit a clock tick later (set here, so the test does
    // not depend on the clock's resolution).
    let (before, after) = edit_leer(&lib, std::time::Duration::from_secs(1));
    assert_eq!(after.len(), before.len());
    let run = same_as_scanning(&config, &["quokka"], &lib);
    run.expect_code(0);
    assert_eq!(run.out(), "Leer: Quokka zu finden.\n");
    assert!(
        err(&run).contains("1 read, 2 unchanged, 1 removed"),
        "{}",
        err(&run)
    );
}

#[test]
fn an_article_edited_with_its_size_and_modification_time_kept_is_found() {
    // As `touch -r`, `rsync -t` or an editor that keeps the time leave it: only the
    // change time, which nothing sets back, says the file changed.
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let lib = library(tmp.path());
    search(&config, &["zoom"], &lib).expect_code(0);
    let (before, after) = edit_leer(&lib, std::time::Duration::ZERO);
    assert_eq!(
        (after.len(), after.modified().unwrap()),
        (before.len(), before.modified().unwrap())
    );
    let run = same_as_scanning(&config, &["quokka"], &lib);
    run.expect_code(0);
    assert_eq!(run.out(), "Leer: Quokka zu finden.\n");
    // And an article that can no longer be read is named as scanning names it, not
    // answered from what the index keeps.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let zoom = lib.join("zoom.md");
        fs::set_permissions(&zoom, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&zoom).is_err() {
            let run = same_as_scanning(&config, &["zoom"], &lib);
            assert_eq!(err(&run).matches("zoom.md").count(), 1, "{}", err(&run));
        }
        fs::set_permissions(&zoom, fs::Permissions::from_mode(0o644)).unwrap();
    }
}

#[test]
fn an_edited_index_md_is_read_again_not_taken_from_the_cache() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let lib = library(tmp.path());
    search(&config, &["zoom"], &lib).expect_code(0);
    // The library's list is kept in the cache beside the index.
    assert!(config.join("cache").join("library").is_dir());
    let index = lib.join("INDEX.md");
    let text = fs::read_to_string(&index).unwrap();
    let modified = fs::metadata(&index).unwrap().modified().unwrap();
    // Another title of the same length, the time set back: still seen.
    fs::write(&index, text.replace("[Zoom]", "[Zuum]")).unwrap();
    set_modified(&index, modified);
    let run = same_as_scanning(&config, &["zoom"], &lib);
    assert!(
        run.out().starts_with("Zuum › Zoom: Zoom\n"),
        "{}",
        run.out()
    );
    // A new entry, and an article moved away and back as a symbolic link.
    fs::write(lib.join("neu.md"), "# Neu\n\nAuch Zoom.\n").unwrap();
    fs::write(&index, format!("{text}- [Neu](neu.md)\n")).unwrap();
    let run = same_as_scanning(&config, &["zoom"], &lib);
    assert!(run.out().ends_with("Neu: Auch Zoom.\n"), "{}", run.out());
    #[cfg(unix)]
    {
        fs::rename(lib.join("zoom.md"), tmp.path().join("zoom.md")).unwrap();
        std::os::unix::fs::symlink(tmp.path().join("zoom.md"), lib.join("zoom.md")).unwrap();
        // Now outside the library: in neither mode.
        let run = same_as_scanning(&config, &["--json", "zoom"], &lib);
        assert!(!run.out().contains("\"title\":\"Zoom\""), "{}", run.out());
    }
}
