use std::fs;

use super::*;
use crate::library::{EntryProblem, load_library};

/// A library with files in the folder and in subfolders, links written in every way that
/// resolves (and some that do not), a symbolic link and a folder where a file should be.
fn library(dir: &Path) -> PathBuf {
    let root = fs::canonicalize(dir).unwrap().join("lib");
    fs::create_dir_all(root.join("a/b")).unwrap();
    fs::create_dir_all(root.join("ordner")).unwrap();
    fs::write(root.join("a/x.md"), "# X\n\nZoom.\n").unwrap();
    fs::write(root.join("a/b/y.md"), "# Y\n\nQuokka.\n").unwrap();
    fs::write(root.join("oben.md"), "# Oben\n\nNichts.\n").unwrap();
    fs::write(root.join("ü ber.md"), "# Über\n\nUmlaut.\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("a/x.md"), root.join("verweis.md")).unwrap();
    fs::write(
        root.join("INDEX.md"),
        "# Test\n\n## Gruppe\n\n\
         - [X](a/x.md) — Quelle, de — Über X\n\
         - [Y](a/b/y.md)\n\
         - [Oben](oben.md)\n\
         - [Punkt](./oben.md)\n\
         - [Zurück](a/../oben.md)\n\
         - [Anker](a/b/y.md#teil)\n\
         - [Umlaut](%C3%BC%20ber.md)\n\
         - [Verweis](verweis.md)\n\
         - [Fehlt](fehlt.md)\n\
         - [Web](https://example.org/x.md)\n\
         - [Ordner](ordner)\n",
    )
    .unwrap();
    root
}

/// Opens `root` through the listing and checks it against loading it the usual way: the
/// same library, and the same look at each entry's file.
fn same_as_loading(root: &Path, cache: &Path) -> Opened {
    let opened = open(root, cache).unwrap();
    let loaded = load_library(root).unwrap();
    assert_eq!(opened.library, loaded);
    assert_eq!(opened.files, FileStamps::of(&loaded));
    opened
}

#[test]
fn the_listing_gives_the_library_that_loading_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let root = library(tmp.path());
    let first = same_as_loading(&root, &cache);
    assert!(!first.cached);
    assert!(listing_path(&cache, &root.join("INDEX.md")).is_file());
    let second = same_as_loading(&root, &cache);
    assert!(second.cached);
    // Given as the INDEX.md itself, it is the same library and the same listing.
    let third = open(&root.join("INDEX.md"), &cache).unwrap();
    assert!(third.cached);
    assert_eq!(third.library, second.library);
    let e = &second.library.entries;
    assert_eq!(e[0].target, Target::File(root.join("a/x.md")));
    assert_eq!(e[0].language.as_deref(), Some("de"));
    assert_eq!(
        e[8].target,
        Target::Problem(EntryProblem::Missing("fehlt.md".into()))
    );
}

#[test]
fn an_edited_index_is_read_again_even_with_its_size_and_time_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let root = library(tmp.path());
    same_as_loading(&root, &cache);
    let index = root.join("INDEX.md");
    let text = fs::read_to_string(&index).unwrap();
    let modified = fs::metadata(&index).unwrap().modified().unwrap();
    // The same number of bytes, another title, and the modification time set back.
    fs::write(&index, text.replace("[Oben]", "[Eben]")).unwrap();
    fs::File::options()
        .write(true)
        .open(&index)
        .unwrap()
        .set_modified(modified)
        .unwrap();
    assert_eq!(fs::metadata(&index).unwrap().modified().unwrap(), modified);
    assert_eq!(fs::metadata(&index).unwrap().len(), text.len() as u64);
    let opened = same_as_loading(&root, &cache);
    assert!(!opened.cached);
    assert_eq!(opened.library.entries[2].title, "Eben");
    // A new entry.
    fs::write(&index, format!("{text}- [Neu](a/x.md)\n")).unwrap();
    let opened = same_as_loading(&root, &cache);
    assert!(!opened.cached);
    assert_eq!(opened.library.entries.len(), 12);
    assert!(same_as_loading(&root, &cache).cached);
}

#[cfg(unix)]
#[test]
fn files_and_folders_replaced_since_are_resolved_again() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let root = library(tmp.path());
    same_as_loading(&root, &cache);

    // A file is now a symbolic link to another article: the entry is that article.
    fs::remove_file(root.join("a/x.md")).unwrap();
    symlink(root.join("oben.md"), root.join("a/x.md")).unwrap();
    let opened = same_as_loading(&root, &cache);
    assert!(opened.cached);
    assert_eq!(
        opened.library.entries[0].target,
        Target::File(root.join("oben.md"))
    );

    // A folder is now a symbolic link out of the library.
    let outside = tmp.path().join("draussen");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("y.md"), "# Y\n\nAnderswo.\n").unwrap();
    fs::rename(root.join("a/b"), tmp.path().join("b-alt")).unwrap();
    symlink(&outside, root.join("a/b")).unwrap();
    let opened = same_as_loading(&root, &cache);
    assert!(matches!(
        opened.library.entries[1].target,
        Target::Problem(EntryProblem::OutsideLibrary(_))
    ));

    // A file gone, a file where a folder was, a folder where a file was.
    fs::remove_file(root.join("oben.md")).unwrap();
    fs::create_dir(root.join("oben.md")).unwrap();
    fs::remove_dir(root.join("ordner")).unwrap();
    fs::write(root.join("ordner"), "# Ordner\n\nJetzt eine Datei.\n").unwrap();
    fs::remove_file(root.join("ü ber.md")).unwrap();
    let opened = same_as_loading(&root, &cache);
    assert!(opened.cached);
    assert!(matches!(
        opened.library.entries[2].target,
        Target::Problem(EntryProblem::Directory(_))
    ));
    assert_eq!(
        opened.library.entries[10].target,
        Target::File(root.join("ordner"))
    );
}

#[test]
fn a_damaged_listing_is_not_used_and_is_written_anew() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let root = library(tmp.path());
    same_as_loading(&root, &cache);
    let path = listing_path(&cache, &root.join("INDEX.md"));
    let bytes = fs::read(&path).unwrap();
    // The table of where the entries end: the first entry cut a byte short, and the last
    // ending before the listing does.
    let table = {
        let lazy = Lazy::decode(&bytes).unwrap();
        lazy.ends.as_ptr() as usize - bytes.as_ptr() as usize
    };
    let mut first_short = bytes.clone();
    first_short[table] = first_short[table].wrapping_sub(1);
    let mut last_short = bytes.clone();
    let last = table + 4 * (Lazy::decode(&bytes).unwrap().len() - 1);
    last_short[last] = last_short[last].wrapping_sub(1);
    for damaged in [
        first_short,
        last_short,
        bytes[..bytes.len() - 3].to_vec(),
        [bytes.as_slice(), b"x"].concat(),
        b"\x1b]0;owned\x07 garbage".to_vec(),
        Vec::new(),
    ] {
        fs::write(&path, &damaged).unwrap();
        assert!(!same_as_loading(&root, &cache).cached);
        assert!(same_as_loading(&root, &cache).cached);
    }
}

#[test]
fn a_listing_may_not_lead_out_of_the_library() {
    // A listing edited by hand (or by a bug) to name `..` as a file: never used as is.
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let root = library(tmp.path());
    same_as_loading(&root, &cache);
    let path = listing_path(&cache, &root.join("INDEX.md"));
    let bytes = fs::read(&path).unwrap();
    let mut listing = Listing::decode(&bytes, Fields::All).unwrap();
    for item in &mut listing.items {
        if let Kept::File { name, .. } = &mut item.kept {
            *name = "..";
        }
    }
    fs::write(&path, listing.encode()).unwrap();
    same_as_loading(&root, &cache);
}

#[test]
fn errors_are_those_of_loading() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let missing = tmp.path().join("nirgends");
    assert_eq!(
        open(&missing, &cache).unwrap_err().to_string(),
        load_library(&missing).unwrap_err().to_string()
    );
    fs::create_dir_all(tmp.path().join("leer")).unwrap();
    assert_eq!(
        open(&tmp.path().join("leer"), &cache)
            .unwrap_err()
            .to_string(),
        load_library(&tmp.path().join("leer"))
            .unwrap_err()
            .to_string()
    );
}

#[test]
fn links_straight_to_files_are_kept_as_files_not_resolved_again() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let root = library(tmp.path());
    same_as_loading(&root, &cache);
    let bytes = fs::read(listing_path(&cache, &root.join("INDEX.md"))).unwrap();
    let listing = Listing::decode(&bytes, Fields::All).unwrap();
    let kept: Vec<&str> = listing
        .items
        .iter()
        .filter(|i| matches!(i.kept, Kept::File { .. }))
        .map(|i| i.title)
        .collect();
    // Not `./oben.md`, `a/../oben.md`, the symbolic link or the problems: those are
    // resolved again each time. (An anchor is no part of the path.)
    assert_eq!(kept, ["X", "Y", "Oben", "Anker", "Umlaut"]);
    assert_eq!(listing.dirs, [(ROOT, "a"), (0, "b")]);
}

#[test]
fn a_listing_read_for_searching_has_the_titles_and_targets() {
    let tmp = tempfile::tempdir().unwrap();
    let cache = tmp.path().join("cache");
    let root = library(tmp.path());
    same_as_loading(&root, &cache);
    let opened = open_with(&root, &cache, Fields::Search).unwrap();
    assert!(opened.cached);
    let loaded = load_library(&root).unwrap();
    assert_eq!(opened.files, FileStamps::of(&loaded));
    assert_eq!(opened.library.title, loaded.title);
    assert_eq!(opened.library.entries.len(), loaded.entries.len());
    for (searched, whole) in opened.library.entries.iter().zip(&loaded.entries) {
        assert_eq!(
            (&searched.title, &searched.target, searched.line),
            (&whole.title, &whole.target, whole.line)
        );
        assert!(searched.description.is_empty() && searched.group.is_empty());
        assert_eq!(searched.language, None);
    }
    // The link stays where the entry is resolved again.
    assert_eq!(opened.library.entries[3].link, "./oben.md");
}
