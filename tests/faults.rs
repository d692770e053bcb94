//! Persistence under faults of the file system: a full disk (a real tiny tmpfs where the
//! machine allows mounting one, and an injected write error everywhere), `state.json` as a
//! symlink of every kind, and the config directory vanishing under an open store and under
//! the running binary. Whatever fails must say which path, keep the previous file whole, keep
//! the changes in memory, and save them once the fault is gone.

mod common;
mod pty;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use blatt::anchor::Anchor;
use blatt::store::{Bookmark, Notice, Op, SavedState, Store};

use pty::{Session, TIMEOUT, show, status_line};

fn bookmark(doc: &str, section: &str, note: &str) -> Op {
    let section_path = vec![section.to_string()];
    Op::UpsertBookmark {
        id: Bookmark::id_for(doc, &section_path),
        bookmark: Bookmark {
            doc: doc.into(),
            doc_title: format!("Title of {doc}"),
            section_path: section_path.clone(),
            section_title: section.into(),
            section_slug: String::new(),
            anchor: Anchor {
                section_path,
                block: 1,
                fingerprint: "f00d".into(),
                offset: 0,
                byte: None,
            },
            note: note.into(),
            created: 1,
            updated: 2,
            ..Bookmark::default()
        },
    }
}

fn open(dir: &Path) -> Store {
    let (store, notices) = Store::open(Some(dir.to_path_buf()));
    assert!(notices.is_empty(), "unexpected notices: {notices:?}");
    store
}

fn parse(path: &Path) -> SavedState {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", path.display()))
}

/// Files in `dir` other than the state file and its lock: temporary files a failed save left.
fn leftovers(dir: &Path, also_allowed: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.retain(|n| n != "state.json" && n != "state.lock" && !also_allowed.contains(&n.as_str()));
    names
}

fn run(cmd: &str, args: &[&str]) -> bool {
    Command::new(cmd)
        .args(args)
        .status()
        .is_ok_and(|s| s.success())
}

/// A tmpfs of `size` mounted on a directory; unmounted on drop.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        let at_str = at.to_str()?;
        run(
            "mount",
            &[
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size}"),
                "tmpfs",
                at_str,
            ],
        )
        .then(|| Mount(at.to_path_buf()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if let Some(at) = self.0.to_str()
            && !run("umount", &[at])
        {
            let _ = run("umount", &["-l", at]);
        }
    }
}

/// Fills the file system under `dir` with `dir/filler` until it reports that it is full.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut file = fs::File::create(&path).expect("create filler");
    let chunk = vec![0x55u8; 1024];
    loop {
        match file.write(&chunk).and_then(|n| file.sync_all().map(|()| n)) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                assert_eq!(
                    e.raw_os_error(),
                    Some(libc::ENOSPC),
                    "filling failed otherwise: {e}"
                );
                break;
            }
        }
    }
    path
}

/// The shared checks: `break_it` makes writes in `dir` fail, `mend` undoes that.
fn a_failed_save_keeps_everything(
    dir: &Path,
    break_it: &mut dyn FnMut(),
    mend: &mut dyn FnMut(),
    what: &str,
    allowed_leftovers: &[&str],
) {
    let mut store = open(dir);
    store.apply(bookmark("doc-a", "Eins", "old note"));
    store.save().expect("the first save");
    let path = dir.join("state.json");
    let old_bytes = fs::read(&path).expect("state.json after the first save");

    break_it();
    // Large notes, so the new file cannot be squeezed into any space left over.
    for i in 0..20 {
        store.apply(bookmark(
            "doc-b",
            &format!("Abschnitt {i}"),
            &"x".repeat(2000),
        ));
    }
    let err = match store.save() {
        Ok(()) => panic!("{what}: the save succeeded although writing cannot"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains(&dir.display().to_string()),
        "{what}: the error does not name the path ({}): {err}",
        dir.display()
    );
    assert_eq!(
        fs::read(&path).expect("state.json after the failed save"),
        old_bytes,
        "{what}: the failed save changed state.json"
    );
    let old = parse(&path);
    assert_eq!(old.bookmarks.len(), 1, "{what}: the old file lost content");
    assert!(
        store.is_dirty(),
        "{what}: the failed changes are no longer pending"
    );
    assert_eq!(store.state().bookmarks.len(), 21, "{what}: in-memory state");
    let left = leftovers(dir, allowed_leftovers);
    assert!(
        left.is_empty(),
        "{what}: the failed save left files behind: {left:?}"
    );

    mend();
    store.save().expect("the save once there is room again");
    let saved = parse(&path);
    assert_eq!(
        saved.bookmarks.len(),
        21,
        "{what}: not everything was saved"
    );
    assert!(
        saved.bookmarks.values().any(|b| b.note == "old note"),
        "{what}: the first bookmark is gone"
    );
    let (reopened, _) = Store::open(Some(dir.to_path_buf()));
    assert_eq!(reopened.state().bookmarks.len(), 21, "{what}: reopened");
    println!("{what}: the save failed with: {err}");
}

#[test]
fn full_disk_on_a_small_tmpfs() {
    let temp = tempfile::tempdir().expect("temp dir");
    let mnt = temp.path().join("mnt");
    fs::create_dir(&mnt).expect("mkdir mnt");
    let Some(mount) = Mount::tmpfs(&mnt, "64k") else {
        println!(
            "NOTE: cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN); the full-disk \
             variant is skipped, `injected_write_error_in_the_config_dir` covers a failing write"
        );
        return;
    };
    let dir = mnt.join("blatt");
    fs::create_dir(&dir).expect("mkdir config");
    let mut filler = None;
    a_failed_save_keeps_everything(
        &dir,
        &mut || filler = Some(fill(&dir)),
        &mut || {
            let _ = fs::remove_file(dir.join("filler"));
        },
        "full tmpfs",
        &["filler"],
    );
    drop(mount);
}

/// A write error without a special file system. As root, permissions do not stop writes, so
/// the directory is made immutable (`chattr +i`: nothing can be created, renamed or removed
/// in it); otherwise it is made read-only.
#[test]
fn injected_write_error_in_the_config_dir() {
    use std::os::unix::fs::PermissionsExt;
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("blatt");
    fs::create_dir(&dir).expect("mkdir config");
    let dir_str = dir.to_str().expect("utf-8 temp path").to_owned();
    let root = unsafe_is_root();
    if root {
        // Probe: some file systems (tmpfs on older kernels, overlayfs) refuse the flag.
        if !run("chattr", &["+i", &dir_str]) {
            println!("NOTE: chattr +i is not supported here; the injected variant is skipped");
            return;
        }
        run("chattr", &["-i", &dir_str]);
    }
    struct Unfreeze(String);
    impl Drop for Unfreeze {
        fn drop(&mut self) {
            let _ = run("chattr", &["-i", &self.0]);
            let _ = fs::set_permissions(&self.0, fs::Permissions::from_mode(0o755));
        }
    }
    let _guard = Unfreeze(dir_str.clone());
    let mode = |m: u32| {
        fs::set_permissions(&dir, fs::Permissions::from_mode(m)).expect("chmod");
    };
    a_failed_save_keeps_everything(
        &dir,
        &mut || {
            if root {
                assert!(run("chattr", &["+i", &dir_str]), "chattr +i");
            } else {
                mode(0o555);
            }
        },
        &mut || {
            if root {
                assert!(run("chattr", &["-i", &dir_str]), "chattr -i");
            } else {
                mode(0o755);
            }
        },
        if root {
            "immutable config dir"
        } else {
            "read-only config dir"
        },
        &[],
    );
}

fn unsafe_is_root() -> bool {
    // SAFETY: geteuid has no preconditions and touches no memory.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn a_symlink_to_a_file_elsewhere_is_saved_through() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("config");
    let elsewhere = temp.path().join("dotfiles");
    fs::create_dir_all(&dir).expect("mkdir");
    fs::create_dir_all(&elsewhere).expect("mkdir");
    // A first save in the other place, then the link to it.
    let target = elsewhere.join("blatt-state.json");
    {
        let mut store = open(&elsewhere);
        store.apply(bookmark("doc-a", "Eins", "from before"));
        store.save().expect("save elsewhere");
        fs::rename(elsewhere.join("state.json"), &target).expect("rename");
    }
    symlink(&target, dir.join("state.json")).expect("symlink");

    let mut store = open(&dir);
    assert_eq!(store.state().bookmarks.len(), 1, "the link was not read");
    store.apply(bookmark("doc-b", "Zwei", "new"));
    store.save().expect("save through the link");
    let link = dir.join("state.json");
    let meta = fs::symlink_metadata(&link).expect("the link");
    assert!(
        meta.file_type().is_symlink(),
        "the symlink was replaced by a file"
    );
    assert_eq!(fs::read_link(&link).expect("read link"), target);
    let saved = parse(&target);
    assert_eq!(saved.bookmarks.len(), 2, "not saved through the link");
    assert!(
        leftovers(&dir, &[]).is_empty(),
        "{:?}",
        leftovers(&dir, &[])
    );
    assert!(
        leftovers(&elsewhere, &["blatt-state.json"]).is_empty(),
        "{:?}",
        leftovers(&elsewhere, &["blatt-state.json"])
    );
}

/// Makes `state.json` in the config dir (first argument) a bad link, using the second
/// directory for whatever it points at.
type MakeLink = dyn Fn(&Path, &Path);

#[test]
fn unusable_symlinks_are_refused_and_nothing_is_lost() {
    let temp = tempfile::tempdir().expect("temp dir");
    let cases: [(&str, &MakeLink); 3] = [
        ("a directory", &|dir, other| {
            fs::create_dir(other.join("a-dir")).expect("mkdir");
            fs::write(other.join("a-dir/keep.txt"), "keep").expect("write");
            symlink(other.join("a-dir"), dir.join("state.json")).expect("symlink");
        }),
        ("a missing directory", &|dir, other| {
            symlink(other.join("missing/state.json"), dir.join("state.json")).expect("symlink");
        }),
        ("a loop", &|dir, _| {
            symlink("loop-b", dir.join("state.json")).expect("symlink");
            symlink("state.json", dir.join("loop-b")).expect("symlink");
        }),
    ];
    for (i, (what, make)) in cases.iter().enumerate() {
        let dir = temp.path().join(format!("config{i}"));
        let other = temp.path().join(format!("other{i}"));
        fs::create_dir_all(&dir).expect("mkdir");
        fs::create_dir_all(&other).expect("mkdir");
        make(&dir, &other);
        let link_before = fs::read_link(dir.join("state.json")).expect("the link");

        let (mut store, notices) = Store::open(Some(dir.clone()));
        assert!(
            notices
                .iter()
                .any(|n| matches!(n, Notice::SymlinkRefused { .. }) && n.disables_saving()),
            "{what}: expected a refusal notice, got {notices:?}"
        );
        let shown: Vec<String> = notices.iter().map(ToString::to_string).collect();
        assert!(
            shown.iter().any(|n| n.contains("state.json")),
            "{what}: the notice should name the file: {shown:?}"
        );
        assert!(store.saving_disabled().is_some(), "{what}: saving is on");
        store.apply(bookmark("doc", "Eins", "kept in memory"));
        assert!(store.save().is_err(), "{what}: a save went through");
        assert_eq!(store.state().bookmarks.len(), 1, "{what}: memory lost it");
        assert_eq!(
            fs::read_link(dir.join("state.json")).expect("the link after"),
            link_before,
            "{what}: the link was changed"
        );
        assert!(
            !other.join("missing").exists(),
            "{what}: a missing directory was created"
        );
        if other.join("a-dir").exists() {
            assert_eq!(
                fs::read_to_string(other.join("a-dir/keep.txt")).expect("keep.txt"),
                "keep",
                "{what}"
            );
            assert_eq!(fs::read_dir(other.join("a-dir")).expect("ls").count(), 1);
        }
        println!("{what}: {shown:?}");
    }
}

#[test]
fn the_config_dir_vanishing_under_an_open_store() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("blatt");
    fs::create_dir(&dir).expect("mkdir");
    let mut store = open(&dir);
    store.apply(bookmark("doc", "Eins", "first"));
    store.save().expect("first save");

    fs::remove_dir_all(&dir).expect("remove the config dir");
    store.apply(bookmark("doc", "Zwei", "second"));
    let err = store
        .save()
        .expect_err("a save into a missing directory")
        .to_string();
    assert!(
        err.contains(&dir.display().to_string()),
        "the error does not name the directory: {err}"
    );
    assert!(
        !dir.exists(),
        "the save recreated the directory behind the user's back"
    );
    assert!(store.is_dirty(), "the change is no longer pending");
    assert_eq!(store.state().bookmarks.len(), 2, "memory lost a bookmark");

    fs::create_dir(&dir).expect("recreate");
    store.save().expect("the save once the directory is back");
    let saved = parse(&dir.join("state.json"));
    assert!(
        saved.bookmarks.values().any(|b| b.note == "second"),
        "the pending bookmark was not saved: {saved:?}"
    );
    println!(
        "after the directory came back, state.json has {} bookmark(s) (the first one was saved \
         into the deleted directory: {})",
        saved.bookmarks.len(),
        if saved.bookmarks.values().any(|b| b.note == "first") {
            "kept"
        } else {
            "gone, as with any deleted state file"
        }
    );
}

/// The same with the binary: the user bookmarks while the config dir is gone and is told so
/// on screen; blatt goes on; once the directory is back the next bookmark is saved.
#[test]
fn the_config_dir_vanishing_under_the_running_reader() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().join("blatt");
    fs::create_dir(&dir).expect("mkdir");
    let mut s = Session::start(&dir, &[], 100, 30);
    s.wait_until("the bundled library", TIMEOUT, |sc| {
        sc.iter().any(|l| l.contains("bundled library"))
    });
    s.send(b"\r");
    s.wait_until("the article", TIMEOUT, |sc| status_line(sc).contains("1/8"));

    fs::remove_dir_all(&dir).expect("remove the config dir");
    s.send(b"b");
    s.wait_until("the bookmark", TIMEOUT, |sc| status_line(sc).contains('★'));
    // The save is debounced (about a second) and happens at the latest on leaving the article.
    s.send(b"q");
    let (screen, _) = s.wait_until("a message about not saving", TIMEOUT, |sc| {
        sc.iter().any(|l| l.contains("not saved"))
    });
    let message: String = screen
        .iter()
        .filter(|l| l.contains("not saved"))
        .cloned()
        .collect();
    println!("the user is told: {message:?}");
    assert!(
        message.contains("blatt"),
        "the message should name the config directory ({}):\n{}",
        dir.display(),
        show(&screen)
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(!s.has_ended(), "blatt ended:\n{}", show(&s.screen()));

    fs::create_dir(&dir).expect("recreate the config dir");
    s.send(b"\r");
    s.wait_until("the article again", TIMEOUT, |sc| {
        status_line(sc).contains("/8")
    });
    s.send(b"]");
    s.wait_until("section 2", TIMEOUT, |sc| status_line(sc).contains("2/8"));
    s.send(b"b");
    s.wait_until("the second bookmark", TIMEOUT, |sc| {
        status_line(sc).contains('★')
    });
    s.send(b"q");
    s.wait_until("the library", TIMEOUT, |sc| {
        sc.iter().any(|l| l.contains("bundled library"))
    });
    s.send(b"q");
    assert_eq!(s.wait_exit(TIMEOUT), Some(0), "blatt should quit with 0");
    let saved = parse(&dir.join("state.json"));
    let titles: Vec<&str> = saved
        .bookmarks
        .values()
        .map(|b| b.section_title.as_str())
        .collect();
    assert_eq!(
        saved.bookmarks.len(),
        2,
        "both bookmarks (the one made while the directory was gone, and the new one) should \
         be saved: {titles:?}"
    );
}
