use std::path::Path;
use std::time::{Duration, Instant};

use super::*;

fn library_with(dir: &Path, articles: &[&str]) -> Library {
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
    library
}

/// Looks until the kept stamps are the files' (after a change, its events may come in
/// more than one part: a write, then its close; a rename after the write of the new file),
/// waiting for the watcher's events in between. Returns the looks made; each must have
/// trusted the kept stamps. The time limit guards against a hang, it is not a timing.
fn look_until_fresh(stamps: &Stamps, library: &Library) -> Vec<Look> {
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
        let fresh = look.stamps == FileStamps::of(library);
        looks.push(look);
        if fresh {
            return looks;
        }
    }
}

const ARTICLES: [&str; 5] = ["a.md", "b.md", "sub/c.md", "sub/d.md", "other/e.md"];

#[test]
fn the_first_look_is_at_every_file_then_only_at_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let library = library_with(dir.path(), &ARTICLES);
    let mut kept = KeptStamps::default();
    kept.watch(&library).expect("watch");
    let stamps = kept.handle();

    let first = stamps.look(&library);
    assert!(first.all);
    assert_eq!(first.looked, 5);
    assert_eq!(first.stamps, FileStamps::of(&library));

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
    kept.watch(&library).expect("watch");
    let stamps = kept.handle();
    assert!(stamps.look(&library).all);
    assert!(!stamps.look(&library).all);

    // The watcher may have missed something (the kernel's queue overflowed).
    stamps
        .lock()
        .record(Err(notify::Error::generic("queue overflow")));
    let look = stamps.look(&library);
    assert!(look.all);
    assert_eq!(look.stamps, FileStamps::of(&library));
    assert!(!stamps.look(&library).all);

    // INDEX.md read again with one more entry: another library.
    let more = library_with(dir.path(), &[&ARTICLES[..], &["f.md"]].concat());
    let look = stamps.look(&more);
    assert!(look.all);
    assert_eq!(look.looked, 6);
    assert_eq!(look.stamps, FileStamps::of(&more));
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
