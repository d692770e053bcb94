use std::path::Path;
use std::time::{Duration, Instant};

use super::*;

fn library_with(dir: &Path, articles: &[&str]) -> Arc<Library> {
    let mut index = String::from("# Test\n\n");
    for name in articles {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("# {name}\n\nText of {name}.\n")).unwrap();
        index.push_str(&format!("- [{name}]({name})\n"));
    }
    std::fs::write(dir.join("INDEX.md"), index).unwrap();
    let mut library = crate::library::load_library(dir).unwrap();
    library.check_all();
    Arc::new(library)
}

/// Looks until the kept stamps are the files' (after a change, its events may come in
/// more than one part: a write, then its close; a rename after the write of the new file),
/// waiting for the watcher's events in between. Returns the looks made; each must have
/// trusted the kept stamps. The time limit guards against a hang, it is not a timing.
fn look_until_fresh(stamps: &Stamps, library: &Arc<Library>) -> Vec<Look> {
    let start = Instant::now();
    let mut looks = Vec::new();
    loop {
        while stamps.lock().changed.is_empty() && !stamps.lock().lost {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no event came from the watcher"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let look = stamps.look(library);
        let fresh = *look.stamps == FileStamps::of(library);
        looks.push(look);
        if fresh {
            return looks;
        }
    }
}

/// Watches the folder of `library`, the watch set up before this returns.
fn watched(kept: &mut KeptStamps, library: &Library) {
    let setting_up = kept.watch(library).expect("watch");
    setting_up
        .expect("a new watch")
        .join()
        .expect("the watch is set up");
}

const ARTICLES: [&str; 5] = ["a.md", "b.md", "sub/c.md", "sub/d.md", "other/e.md"];

#[test]
fn the_first_look_is_at_every_file_then_only_at_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let library = library_with(dir.path(), &ARTICLES);
    let mut kept = KeptStamps::default();
    watched(&mut kept, &library);
    let stamps = kept.handle();

    let first = stamps.look(&library);
    assert!(first.all);
    assert_eq!(first.looked, 5);
    assert_eq!(*first.stamps, FileStamps::of(&library));

    // Nothing changed: nothing is looked at, and the stamps are the same.
    let second = stamps.look(&library);
    assert!(!second.all);
    assert_eq!(second.looked, 0);
    assert_eq!(second.stamps, first.stamps);

    // An article edited in place: that one is looked at again, and its stamp is new.
    let path = dir.path().join("sub/c.md");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str("\nA line more.\n");
    std::fs::write(&path, &text).unwrap();
    let looks = look_until_fresh(&stamps, &library);
    assert!(looks.iter().all(|l| !l.all), "the kept stamps were trusted");
    assert!(looks.iter().all(|l| l.looked <= 1), "only the edited file");
    assert_ne!(
        looks.last().unwrap().stamps,
        first.stamps,
        "the edit is seen"
    );

    // Saved by rename, as many editors do: seen as well.
    let path = dir.path().join("a.md");
    std::fs::write(
        dir.path().join(".a.md.tmp"),
        "# a.md\n\nAll new, and longer than before.\n",
    )
    .unwrap();
    std::fs::rename(dir.path().join(".a.md.tmp"), &path).unwrap();
    let looks = look_until_fresh(&stamps, &library);
    assert!(looks.iter().all(|l| !l.all));
    assert!(looks.iter().map(|l| l.looked).sum::<usize>() >= 1);
}

#[test]
fn another_library_or_a_missed_event_means_every_file_is_looked_at() {
    let dir = tempfile::tempdir().unwrap();
    let library = library_with(dir.path(), &ARTICLES);
    let mut kept = KeptStamps::default();
    watched(&mut kept, &library);
    let stamps = kept.handle();
    assert!(stamps.look(&library).all);
    assert!(!stamps.look(&library).all);

    // The watcher may have missed something (the kernel's queue overflowed).
    stamps
        .lock()
        .record(Err(notify::Error::generic("queue overflow")));
    let look = stamps.look(&library);
    assert!(look.all);
    assert_eq!(*look.stamps, FileStamps::of(&library));
    assert!(!stamps.look(&library).all);

    // INDEX.md read again with one more entry: another library.
    let more = library_with(dir.path(), &[&ARTICLES[..], &["f.md"]].concat());
    let look = stamps.look(&more);
    assert!(look.all);
    assert_eq!(look.looked, 6);
    assert_eq!(*look.stamps, FileStamps::of(&more));
}

#[test]
fn without_a_watch_every_look_is_at_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let library = library_with(dir.path(), &ARTICLES);
    let stamps = KeptStamps::default().handle();
    assert!(stamps.look(&library).all);
    assert!(stamps.look(&library).all);
}

#[test]
fn an_event_on_a_folder_touches_every_entry_below_it() {
    let dir = tempfile::tempdir().unwrap();
    let library = library_with(dir.path(), &ARTICLES);
    let root = match &library.origin {
        Origin::Dir { root, .. } => root.clone(),
        Origin::Bundled => unreachable!(),
    };
    let (inside, outside) = split(&library, Some(&root));
    assert_eq!(inside.len(), 5);
    assert!(outside.is_empty());
    let names = |path: &Path| -> Vec<String> {
        below(&library, &inside, path)
            .map(|i| library.entries[i].link.clone())
            .collect()
    };
    assert_eq!(names(&root.join("sub")), ["sub/c.md", "sub/d.md"]);
    assert_eq!(names(&root.join("a.md")), ["a.md"]);
    // `sub` names a folder, not every path starting with those letters.
    assert!(names(&root.join("su")).is_empty());
    assert_eq!(names(&root).len(), 5);
}

#[test]
fn a_library_searched_before_has_its_first_search_got_ready_once() {
    let dir = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let cache_dir = || Some(cache.path().to_path_buf());
    let checked = library_with(dir.path(), &ARTICLES);
    // As the reader holds it: links not checked yet.
    let library = Arc::new(crate::library::load_library(dir.path()).unwrap());

    // Never searched: nothing is got ready, and the first search looks at every file.
    let mut kept = KeptStamps::default();
    assert!(kept.prepare(&library, cache_dir).is_none());
    assert!(kept.handle().look(&checked).all);

    // Searched once (its index made as a search makes it): in a new reader the folder is
    // watched and every file looked at before the first search, which then looks at none.
    let config = crate::config::Config::default();
    let read = |p: &Path| crate::headless::read_for_search(p, &config).map_err(|e| e.to_string());
    let cancel = std::sync::atomic::AtomicBool::new(false);
    let found = crate::search::index::prepare(
        &checked,
        "Text",
        false,
        Some(cache.path()),
        &read,
        &cancel,
        &mut |_| {},
    );
    assert!(found.is_some(), "the index answers");
    let mut kept = KeptStamps::default();
    kept.prepare(&library, cache_dir)
        .expect("got ready")
        .join()
        .expect("the look ends");
    let first = kept.handle().look(&checked);
    assert!(!first.all, "the stamps kept are trusted");
    assert_eq!(first.looked, 0);
    assert_eq!(*first.stamps, FileStamps::of(&checked));
    // Once per folder.
    assert!(
        kept.prepare(&library, || panic!("not asked again"))
            .is_none()
    );

    // An edit after the look is still seen by the first search.
    let path = dir.path().join("b.md");
    std::fs::write(&path, "# b.md\n\nEdited after the reader got ready.\n").unwrap();
    let looks = look_until_fresh(&kept.handle(), &checked);
    assert!(looks.iter().all(|l| !l.all && l.looked <= 1));
}

#[test]
fn a_look_before_the_watch_was_set_up_is_not_trusted_after() {
    let dir = tempfile::tempdir().unwrap();
    let library = library_with(dir.path(), &ARTICLES);
    let stamps = Stamps::default();
    // A search looks while the watch is still being set up (on its thread)...
    assert!(stamps.look(&library).all);
    // ... an article is edited before the watch sees anything (no event comes) ...
    std::fs::write(
        dir.path().join("a.md"),
        "# a.md\n\nEdited before the watch.\n",
    )
    .unwrap();
    // ... then the watch is up: the next look is at every file, and sees the edit.
    stamps.watched(dir.path().canonicalize().unwrap());
    let look = stamps.look(&library);
    assert!(look.all);
    assert_eq!(*look.stamps, FileStamps::of(&library));
    assert!(
        !stamps.look(&library).all,
        "from then on the watch is trusted"
    );
}

/// A file with another name outside the library (a hard link) changes through that name
/// without an event in the library's folder: it is looked at on every search.
#[test]
fn a_file_with_another_name_is_looked_at_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let library = library_with(dir.path(), &ARTICLES);
    let other_name = outside.path().join("a.md");
    std::fs::hard_link(dir.path().join("a.md"), &other_name).unwrap();
    let mut kept = KeptStamps::default();
    watched(&mut kept, &library);
    let stamps = kept.handle();
    let first = stamps.look(&library);
    assert!(first.all);
    // Edited through its other name: the library's folder has no event.
    let mut text = std::fs::read_to_string(&other_name).unwrap();
    text.push_str("\nEdited elsewhere.\n");
    std::fs::write(&other_name, &text).unwrap();
    let look = stamps.look(&library);
    assert!(!look.all);
    assert_eq!(look.looked, 1, "only the file with another name");
    assert_eq!(*look.stamps, FileStamps::of(&library));
    assert_ne!(look.stamps, first.stamps, "the edit is seen");
}
