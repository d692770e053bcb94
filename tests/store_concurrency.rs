//! Two processes on one config directory, each adding 200 bookmarks with a save after each:
//! the lock and the merge at save time must keep all 400.
//!
//! The processes are this test binary itself, run again with `BLATT_STORE_CHILD` set and
//! filtered down to `concurrency_child`, which does nothing in a normal test run.

use std::process::{Command, Stdio};
use std::time::Instant;

use blatt::store::{Bookmark, Op, Store};

const CHILD_ENV: &str = "BLATT_STORE_CHILD";
const NAME_ENV: &str = "BLATT_STORE_CHILD_NAME";
const PER_CHILD: usize = 200;

#[test]
fn concurrency_child() {
    let (Some(dir), Some(name)) = (std::env::var_os(CHILD_ENV), std::env::var(NAME_ENV).ok())
    else {
        return;
    };
    let (mut store, notices) = Store::open(Some(dir.into()));
    assert!(notices.is_empty(), "{notices:?}");
    for i in 0..PER_CHILD {
        let section_path = vec![format!("{name}-{i}")];
        store.apply(Op::UpsertBookmark {
            id: Bookmark::id_for("doc", &section_path),
            bookmark: Bookmark {
                doc: "doc".into(),
                section_title: format!("section {i} by {name}"),
                section_slug: String::new(),
                section_path,
                ..Bookmark::default()
            },
        });
        if let Err(e) = store.save() {
            panic!("{name}: save {i} failed: {e}");
        }
    }
}

#[test]
fn two_processes_keep_all_bookmarks() {
    let started = Instant::now();
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
    let children: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|name| {
            Command::new(&exe)
                .args([
                    "--exact",
                    "concurrency_child",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(CHILD_ENV, tmp.path())
                .env(NAME_ENV, name)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap_or_else(|e| panic!("spawn {name}: {e}"))
        })
        .collect();
    for mut child in children {
        let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
        assert!(status.success(), "a child failed: {status}");
    }

    let (store, notices) = Store::open(Some(tmp.path().to_path_buf()));
    assert!(notices.is_empty(), "{notices:?}");
    let bookmarks = &store.state().bookmarks;
    assert_eq!(bookmarks.len(), 2 * PER_CHILD);
    for name in ["a", "b"] {
        for i in 0..PER_CHILD {
            let id = Bookmark::id_for("doc", &[format!("{name}-{i}")]);
            assert!(bookmarks.contains_key(&id), "{name}-{i} lost");
        }
    }
    eprintln!(
        "concurrency test: {} bookmarks from two processes in {:.1} s",
        bookmarks.len(),
        started.elapsed().as_secs_f64()
    );
}
