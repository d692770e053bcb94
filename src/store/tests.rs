//! Store tests, each in its own temporary directory (never the real config directory).

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::disk::{LOCK_FILE, STATE_FILE};
use super::*;
use crate::anchor::Anchor;

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("cannot make a temp dir: {e}"))
}

fn open(dir: &Path) -> (Store, Vec<Notice>) {
    Store::open(Some(dir.to_path_buf()))
}

fn open_quiet(dir: &Path) -> Store {
    let (store, notices) = open(dir);
    assert!(notices.is_empty(), "unexpected notices: {notices:?}");
    store
}

fn upsert(doc: &str, section: &str, note: &str) -> Op {
    let section_path = vec![section.to_string()];
    let bookmark = Bookmark {
        doc: doc.into(),
        doc_title: format!("Title of {doc}"),
        section_path: section_path.clone(),
        section_title: section.into(),
        section_slug: String::new(),
        anchor: Anchor {
            section_path: section_path.clone(),
            block: 3,
            fingerprint: "abc123".into(),
            offset: 7,
            byte: None,
        },
        note: note.into(),
        created: 1,
        updated: 2,
        ..Bookmark::default()
    };
    Op::UpsertBookmark {
        id: Bookmark::id_for(doc, &section_path),
        bookmark,
    }
}

fn id(doc: &str, section: &str) -> String {
    Bookmark::id_for(doc, &[section.to_string()])
}

fn doc_state(percent: f32, updated: u64) -> DocState {
    DocState {
        title: "A title".into(),
        anchor: Anchor::default(),
        percent,
        read_sections: ["intro".to_string()].into(),
        sections_total: 4,
        finished: false,
        updated,
        ..DocState::default()
    }
}

fn save(store: &mut Store) {
    if let Err(e) = store.save() {
        panic!("save failed: {e}");
    }
}

fn corrupt_files(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    found.retain(|p| p.to_string_lossy().contains(".corrupt-"));
    found.sort();
    found
}

/// Whether this process can write into a directory chmod-ed read-only (true for root), in
/// which case tests of unwritable directories cannot show anything.
fn writes_ignore_permissions(dir: &Path) -> bool {
    let probe = dir.join("probe");
    let ok = fs::write(&probe, b"x").is_ok();
    let _ = fs::remove_file(&probe);
    ok
}

#[cfg(unix)]
fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    if let Err(e) = fs::set_permissions(path, fs::Permissions::from_mode(mode)) {
        panic!("chmod {}: {e}", path.display());
    }
}

#[test]
fn round_trip() {
    let tmp = tempdir();
    let mut store = open_quiet(tmp.path());
    assert!(!store.is_dirty());
    store.apply(Op::SetDoc {
        key: "news/a.md".into(),
        state: doc_state(42.5, 10),
    });
    store.apply(Op::SetLastOpen(Some(LastOpen {
        doc: "news/a.md".into(),
        updated: 10,
        ..LastOpen::default()
    })));
    store.apply(upsert(
        "news/a.md",
        "Intro",
        "a note with \"quotes\" and ünïcode",
    ));
    store.apply(upsert("news/a.md", "Later", ""));
    store.apply(Op::DeleteBookmark {
        id: id("news/a.md", "Later"),
    });
    assert!(store.is_dirty());
    save(&mut store);
    assert!(!store.is_dirty());

    let again = open_quiet(tmp.path());
    assert_eq!(again.state(), store.state());
    assert_eq!(again.state().bookmarks.len(), 1);
    assert_eq!(again.state().docs["news/a.md"].percent, 42.5);

    // Human-readable: pretty-printed with the schema up front.
    let text = fs::read_to_string(tmp.path().join(STATE_FILE)).unwrap_or_default();
    assert!(
        text.starts_with(&format!("{{\n  \"schema\": {},", super::SCHEMA)),
        "{text}"
    );
}

#[test]
fn save_with_nothing_pending_writes_nothing() {
    let tmp = tempdir();
    let mut store = open_quiet(tmp.path());
    save(&mut store);
    assert!(!tmp.path().join(STATE_FILE).exists());
}

#[test]
fn interleaved_saves_keep_both_sets_of_bookmarks() {
    let tmp = tempdir();
    let mut a = open_quiet(tmp.path());
    let mut b = open_quiet(tmp.path());
    for i in 0..5 {
        a.apply(upsert("doc", &format!("a{i}"), "from a"));
        save(&mut a);
        b.apply(upsert("doc", &format!("b{i}"), "from b"));
        b.apply(upsert("doc", &format!("b{i}-2"), "from b"));
        save(&mut b);
    }
    save(&mut a);
    let merged = open_quiet(tmp.path());
    assert_eq!(merged.state().bookmarks.len(), 15);
    // Each store's in-memory state became the merged one when it saved.
    assert_eq!(b.state(), merged.state());
    assert_eq!(a.state().bookmarks.len(), 5 + 8);
}

#[test]
fn a_delete_is_not_undone_by_another_save() {
    let tmp = tempdir();
    let mut a = open_quiet(tmp.path());
    a.apply(upsert("doc", "x", ""));
    a.apply(upsert("doc", "y", ""));
    save(&mut a);

    let mut b = open_quiet(tmp.path());
    assert_eq!(b.state().bookmarks.len(), 2);
    a.apply(Op::DeleteBookmark { id: id("doc", "x") });
    save(&mut a);
    b.apply(upsert("doc", "z", ""));
    save(&mut b);

    let s = open_quiet(tmp.path());
    let ids: Vec<&String> = s.state().bookmarks.keys().collect();
    assert!(
        !s.state().bookmarks.contains_key(&id("doc", "x")),
        "{ids:?}"
    );
    assert!(s.state().bookmarks.contains_key(&id("doc", "y")));
    assert!(s.state().bookmarks.contains_key(&id("doc", "z")));
}

#[test]
fn doc_state_is_last_writer_wins_by_updated() {
    let tmp = tempdir();
    let mut a = open_quiet(tmp.path());
    let mut b = open_quiet(tmp.path());
    let mut newer = doc_state(80.0, 200);
    newer.read_sections = ["s2".to_string()].into();
    a.apply(Op::SetDoc {
        key: "d".into(),
        state: newer,
    });
    save(&mut a);
    // b saves later, but its state is older: it must not overwrite a's.
    let mut older = doc_state(10.0, 100);
    older.read_sections = ["s1".to_string()].into();
    b.apply(Op::SetDoc {
        key: "d".into(),
        state: older,
    });
    save(&mut b);

    let s = open_quiet(tmp.path());
    let d = &s.state().docs["d"];
    assert_eq!(d.percent, 80.0);
    assert_eq!(d.updated, 200);
    let sections: Vec<&str> = d.read_sections.iter().map(String::as_str).collect();
    assert_eq!(sections, ["s1", "s2"]);

    // A newer one does replace it.
    b.apply(Op::SetDoc {
        key: "d".into(),
        state: doc_state(90.0, 300),
    });
    save(&mut b);
    assert_eq!(open_quiet(tmp.path()).state().docs["d"].percent, 90.0);
}

#[test]
fn reload_picks_up_other_changes_and_keeps_pending() {
    let tmp = tempdir();
    let mut a = open_quiet(tmp.path());
    let mut b = open_quiet(tmp.path());
    a.apply(upsert("doc", "from-a", ""));
    save(&mut a);
    b.apply(upsert("doc", "from-b", ""));
    if let Err(e) = b.reload() {
        panic!("reload: {e}");
    }
    assert_eq!(b.state().bookmarks.len(), 2);
    assert!(b.is_dirty());
    // reload wrote nothing.
    assert_eq!(open_quiet(tmp.path()).state().bookmarks.len(), 1);
    save(&mut b);
    assert_eq!(open_quiet(tmp.path()).state().bookmarks.len(), 2);
}

/// Writes `content` as state.json, opens, and checks that it was moved aside unchanged, that
/// the user is told, that the store starts empty, and that saving then works.
fn check_moved_aside(content: &[u8], expect_reason: &str) {
    let tmp = tempdir();
    let path = tmp.path().join(STATE_FILE);
    if let Err(e) = fs::write(&path, content) {
        panic!("write: {e}");
    }
    let (mut store, notices) = open(tmp.path());
    assert_eq!(notices.len(), 1, "{notices:?}");
    let moved_to = match &notices[0] {
        Notice::CorruptMovedAside {
            path: p,
            moved_to,
            reason,
        } => {
            assert_eq!(p, &path);
            assert!(reason.contains(expect_reason), "{reason}");
            moved_to.clone()
        }
        Notice::FutureVersion {
            path: p,
            found,
            moved_to,
        } => {
            assert_eq!(p, &path);
            assert_eq!(found.to_string(), expect_reason);
            moved_to.clone()
        }
        other => panic!("unexpected notice {other:?}"),
    };
    let shown = notices[0].to_string();
    assert!(shown.contains(&moved_to.display().to_string()), "{shown}");
    assert!(!notices[0].disables_saving());
    assert_eq!(corrupt_files(tmp.path()), std::slice::from_ref(&moved_to));
    assert!(moved_to.to_string_lossy().contains("state.json.corrupt-"));
    assert_eq!(fs::read(&moved_to).unwrap_or_default(), content);
    assert_eq!(store.state(), &SavedState::default());
    assert!(!path.exists());

    store.apply(upsert("doc", "s", ""));
    save(&mut store);
    assert_eq!(open_quiet(tmp.path()).state().bookmarks.len(), 1);
    assert_eq!(fs::read(&moved_to).unwrap_or_default(), content);
}

#[test]
fn empty_file_is_moved_aside() {
    check_moved_aside(b"", "empty");
}

#[test]
fn truncated_file_is_moved_aside() {
    check_moved_aside(
        b"{\n  \"schema\": 1,\n  \"bookmarks\": {\n    \"bm-1\": {",
        "truncated",
    );
}

#[test]
fn garbage_is_moved_aside() {
    check_moved_aside(b"\xff\xfe not json at all", "not valid JSON");
    check_moved_aside(b"[]", "not an object");
}

#[test]
fn nul_bytes_are_moved_aside() {
    check_moved_aside(b"{\"schema\":1}\n\0\0\0\0\0\0", "NUL");
    check_moved_aside(&[0u8; 4096], "NUL");
}

#[test]
fn future_schema_is_moved_aside() {
    check_moved_aside(b"{\"schema\": 999, \"docs\": {}}", "999");
}

#[test]
fn two_corrupt_files_in_one_second_get_distinct_names() {
    let tmp = tempdir();
    let path = tmp.path().join(STATE_FILE);
    for _ in 0..3 {
        let _ = fs::write(&path, b"junk");
        let (_store, notices) = open(tmp.path());
        assert_eq!(notices.len(), 1);
    }
    assert_eq!(corrupt_files(tmp.path()).len(), 3);
}

#[test]
fn a_directory_in_place_of_the_file_is_moved_aside() {
    let tmp = tempdir();
    let path = tmp.path().join(STATE_FILE);
    let _ = fs::create_dir(&path);
    let _ = fs::write(path.join("inside.txt"), b"keep me");
    let (mut store, notices) = open(tmp.path());
    let moved_to = match notices.as_slice() {
        [
            Notice::CorruptMovedAside {
                moved_to, reason, ..
            },
        ] => {
            assert!(reason.contains("directory"), "{reason}");
            moved_to.clone()
        }
        other => panic!("unexpected notices {other:?}"),
    };
    assert!(moved_to.is_dir());
    assert_eq!(
        fs::read(moved_to.join("inside.txt")).unwrap_or_default(),
        b"keep me"
    );
    store.apply(upsert("doc", "s", ""));
    save(&mut store);
    assert!(path.is_file());
}

#[cfg(unix)]
#[test]
fn a_fifo_in_place_of_the_file_does_not_block() {
    let tmp = tempdir();
    let path = tmp.path().join(STATE_FILE);
    match std::process::Command::new("mkfifo").arg(&path).status() {
        Ok(s) if s.success() => {}
        _ => {
            eprintln!("note: mkfifo not available; skipping the FIFO test");
            return;
        }
    }
    let (_store, notices) = open(tmp.path());
    assert!(
        matches!(notices.as_slice(), [Notice::CorruptMovedAside { reason, .. }] if reason.contains("not a regular file")),
        "{notices:?}"
    );
}

#[test]
fn a_partly_damaged_file_keeps_its_good_entries() {
    let tmp = tempdir();
    let path = tmp.path().join(STATE_FILE);
    let original = br#"{"schema":1,"bookmarks":{"good":{"doc":"d","note":"n"},"bad":{"created":-5}},"docs":{"d":{"title":"T","percent":3}}}"#;
    let _ = fs::write(&path, original);
    let (store, notices) = open(tmp.path());
    let moved_to = match notices.as_slice() {
        [
            Notice::PartlyRecovered {
                moved_to, dropped, ..
            },
        ] => {
            assert_eq!(dropped.len(), 1, "{dropped:?}");
            moved_to.clone()
        }
        other => panic!("unexpected notices {other:?}"),
    };
    assert_eq!(fs::read(&moved_to).unwrap_or_default(), original);
    assert!(store.state().bookmarks.contains_key("good"));
    assert_eq!(store.state().docs["d"].title, "T");
    // The recovered entries were written back at once.
    let again = open_quiet(tmp.path());
    assert_eq!(again.state(), store.state());
}

#[test]
fn a_file_damaged_after_open_is_moved_aside_at_save() {
    let tmp = tempdir();
    let path = tmp.path().join(STATE_FILE);
    let mut store = open_quiet(tmp.path());
    store.apply(upsert("doc", "one", ""));
    save(&mut store);
    let _ = fs::write(&path, b"{\"schema\":1,\"bookm");
    store.apply(upsert("doc", "two", ""));
    save(&mut store);
    let notices = store.take_notices();
    assert!(
        matches!(notices.as_slice(), [Notice::CorruptMovedAside { .. }]),
        "{notices:?}"
    );
    assert_eq!(corrupt_files(tmp.path()).len(), 1);
    // What this process knew is the best copy left, and it was written.
    assert_eq!(open_quiet(tmp.path()).state().bookmarks.len(), 2);
}

#[test]
fn a_newer_blatts_file_is_never_overwritten_at_save() {
    let tmp = tempdir();
    let path = tmp.path().join(STATE_FILE);
    let mut store = open_quiet(tmp.path());
    let newer = format!(
        "{{\"schema\": {}, \"docs\": {{}}, \"shiny\": true}}",
        super::SCHEMA + 1
    );
    let newer = newer.as_bytes();
    let _ = fs::write(&path, newer);
    store.apply(upsert("doc", "one", ""));
    match store.save() {
        Err(e @ StoreError::FutureVersion { .. }) => {
            assert!(e.to_string().contains(&path.display().to_string()), "{e}");
        }
        other => panic!("expected FutureVersion, got {other:?}"),
    }
    assert_eq!(fs::read(&path).unwrap_or_default(), newer);
    assert!(store.is_dirty());
    assert_eq!(store.state().bookmarks.len(), 1);
}

#[cfg(unix)]
#[test]
fn an_unwritable_directory_fails_the_save_and_keeps_the_changes() {
    let tmp = tempdir();
    let dir = tmp.path().join("conf");
    let _ = fs::create_dir(&dir);
    let mut store = open_quiet(&dir);
    store.apply(upsert("doc", "first", ""));
    save(&mut store);
    store.apply(upsert("doc", "second", ""));

    chmod(&dir, 0o500);
    if writes_ignore_permissions(&dir) {
        eprintln!(
            "note: running as root (chmod 0o500 does not stop writes); skipping the \
             unwritable-directory assertions"
        );
        chmod(&dir, 0o700);
        return;
    }
    let result = store.save();
    chmod(&dir, 0o700);
    match result {
        Err(e) => assert!(e.to_string().contains(&dir.display().to_string()), "{e}"),
        Ok(()) => panic!("save into a read-only directory succeeded"),
    }
    assert!(store.is_dirty());
    assert_eq!(store.state().bookmarks.len(), 2);
    save(&mut store);
    assert_eq!(open_quiet(&dir).state().bookmarks.len(), 2);
}

#[cfg(unix)]
#[test]
fn a_corrupt_file_that_cannot_be_moved_turns_saving_off() {
    let tmp = tempdir();
    let dir = tmp.path().join("conf");
    let _ = fs::create_dir(&dir);
    let _ = fs::write(dir.join(STATE_FILE), b"junk");
    let _ = fs::write(dir.join(LOCK_FILE), b"");
    chmod(&dir, 0o500);
    if writes_ignore_permissions(&dir) {
        eprintln!(
            "note: running as root (chmod 0o500 does not stop renames); skipping the \
             cannot-move-aside assertions"
        );
        chmod(&dir, 0o700);
        return;
    }
    let (mut store, notices) = open(&dir);
    chmod(&dir, 0o700);
    assert!(
        matches!(notices.as_slice(), [Notice::CorruptKept { .. }]),
        "{notices:?}"
    );
    assert!(notices[0].disables_saving());
    store.apply(upsert("doc", "x", ""));
    assert!(matches!(
        store.save(),
        Err(StoreError::SavingDisabled { .. })
    ));
    assert_eq!(fs::read(dir.join(STATE_FILE)).unwrap_or_default(), b"junk");
}

#[test]
fn a_removed_directory_fails_the_save_until_it_is_back() {
    let tmp = tempdir();
    let dir = tmp.path().join("conf");
    let _ = fs::create_dir(&dir);
    let mut store = open_quiet(&dir);
    store.apply(upsert("doc", "first", ""));
    save(&mut store);
    store.apply(upsert("doc", "second", ""));
    let _ = fs::remove_dir_all(&dir);

    match store.save() {
        Err(e) => assert!(e.to_string().contains(&dir.display().to_string()), "{e}"),
        Ok(()) => panic!("save into a removed directory succeeded"),
    }
    assert!(store.is_dirty());
    assert_eq!(store.state().bookmarks.len(), 2);

    let _ = fs::create_dir(&dir);
    save(&mut store);
    assert!(!store.is_dirty());
    // The first bookmark went with the old directory; the pending one was saved.
    let again = open_quiet(&dir);
    assert!(again.state().bookmarks.contains_key(&id("doc", "second")));
}

#[test]
fn stale_temp_files_are_removed_on_open() {
    let tmp = tempdir();
    let dir = tmp.path();
    let stale = dir.join(".state.json.Ab3dE9");
    let unrelated = [
        ".state.json.toolong1",
        "state.json.Ab3dE9",
        ".other.json.Ab3dE9",
    ];
    let _ = fs::write(&stale, b"{\"schema\":1,\"docs\":{\"half");
    for name in unrelated {
        let _ = fs::write(dir.join(name), b"x");
    }
    let (_store, notices) = open(dir);
    assert_eq!(notices, [Notice::StaleFilesRemoved(vec![stale.clone()])]);
    assert!(!stale.exists());
    for name in unrelated {
        assert!(dir.join(name).exists(), "{name} was removed");
    }
}

#[test]
fn a_leftover_lock_file_is_harmless() {
    let tmp = tempdir();
    let _ = fs::write(tmp.path().join(LOCK_FILE), b"pid 12345, long dead");
    let mut store = open_quiet(tmp.path());
    store.apply(upsert("doc", "s", ""));
    save(&mut store);
}

#[test]
fn a_held_lock_times_out_and_a_released_one_does_not_block() {
    let tmp = tempdir();
    let mut store = open_quiet(tmp.path());
    store.lock_timeout = Duration::from_millis(200);
    store.apply(upsert("doc", "s", ""));

    let holder = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(tmp.path().join(LOCK_FILE));
    let holder = holder.unwrap_or_else(|e| panic!("{e}"));
    if let Err(e) = holder.lock() {
        panic!("lock: {e}");
    }
    let start = std::time::Instant::now();
    match store.save() {
        Err(e @ StoreError::LockTimeout { .. }) => {
            assert!(e.to_string().contains(LOCK_FILE), "{e}")
        }
        other => panic!("expected LockTimeout, got {other:?}"),
    }
    assert!(start.elapsed() < Duration::from_secs(2));
    assert!(store.is_dirty());

    drop(holder); // closing the handle releases the lock
    save(&mut store);
    assert!(!store.is_dirty());
}

#[cfg(unix)]
#[test]
fn a_symlinked_state_file_is_written_through() {
    let tmp = tempdir();
    let conf = tmp.path().join("conf");
    let elsewhere = tmp.path().join("dotfiles");
    let _ = fs::create_dir(&conf);
    let _ = fs::create_dir(&elsewhere);
    let real = elsewhere.join("blatt-state.json");
    let link = conf.join(STATE_FILE);
    // A relative link, through "..", to a file that does not exist yet.
    if let Err(e) = std::os::unix::fs::symlink("../dotfiles/blatt-state.json", &link) {
        panic!("symlink: {e}");
    }
    let mut store = open_quiet(&conf);
    store.apply(upsert("doc", "s", ""));
    save(&mut store);
    assert!(
        fs::symlink_metadata(&link)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
    );
    assert!(real.is_file());
    store.apply(upsert("doc", "t", ""));
    save(&mut store);
    assert!(
        fs::symlink_metadata(&link)
            .map(|m| m.file_type().is_symlink())
            .unwrap_or(false)
    );
    assert_eq!(open_quiet(&conf).state().bookmarks.len(), 2);
    let text = fs::read_to_string(&real).unwrap_or_default();
    assert!(text.contains(&id("doc", "t")));
}

#[cfg(unix)]
#[test]
fn unusable_symlinks_turn_saving_off() {
    let tmp = tempdir();
    let cases: [(&str, &str); 3] = [
        ("to-dir", "target-dir"),
        ("loop", STATE_FILE),
        ("missing-dir", "no/such/dir/state.json"),
    ];
    for (name, to) in cases {
        let conf = tmp.path().join(name);
        let _ = fs::create_dir(&conf);
        let _ = fs::create_dir(conf.join("target-dir"));
        if let Err(e) = std::os::unix::fs::symlink(to, conf.join(STATE_FILE)) {
            panic!("symlink: {e}");
        }
        let (mut store, notices) = open(&conf);
        assert!(
            matches!(notices.as_slice(), [Notice::SymlinkRefused { .. }]),
            "{name}: {notices:?}"
        );
        assert!(notices[0].disables_saving());
        store.apply(upsert("doc", "s", ""));
        assert!(
            matches!(store.save(), Err(StoreError::SavingDisabled { .. })),
            "{name}"
        );
        assert!(
            fs::symlink_metadata(conf.join(STATE_FILE))
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false),
            "{name}: link replaced"
        );
    }
}

#[test]
fn no_config_dir_means_no_saving() {
    let (mut store, notices) = Store::open(None);
    assert!(matches!(notices.as_slice(), [Notice::NoConfigDir(_)]));
    store.apply(upsert("doc", "s", ""));
    assert_eq!(store.state().bookmarks.len(), 1);
    assert!(matches!(
        store.save(),
        Err(StoreError::SavingDisabled { .. })
    ));

    let (_store, notices) = Store::open_resolved(Err(StoreError::NoConfigDir));
    assert!(
        matches!(notices.as_slice(), [Notice::NoConfigDir(r)] if r.contains(ENV_CONFIG_DIR)),
        "{notices:?}"
    );
}

#[test]
fn config_dir_precedence() {
    let cli = Path::new("/cli");
    let env = Path::new("/env");
    let platform = || Some(PathBuf::from("/platform"));
    let pick = |c, e, p| choose_config_dir(c, e, p).map_err(|e| e.to_string());
    assert_eq!(pick(Some(cli), Some(env), platform()), Ok(cli.into()));
    assert_eq!(pick(None, Some(env), platform()), Ok(env.into()));
    assert_eq!(
        pick(None, Some(Path::new("")), platform()),
        Ok("/platform".into())
    );
    assert_eq!(pick(None, None, platform()), Ok("/platform".into()));
    let relative = pick(Some(Path::new("rel")), None, None);
    assert!(
        relative.as_ref().map(|p| p.is_absolute()).unwrap_or(false),
        "{relative:?}"
    );
    let none = pick(None, None, None);
    assert!(
        none.as_ref().is_err_and(|e| e.contains(ENV_CONFIG_DIR)),
        "{none:?}"
    );
}

#[test]
fn resolve_creates_the_directory_and_rejects_a_file() {
    let tmp = tempdir();
    let wanted = tmp.path().join("a/b/blatt");
    match resolve_config_dir(Some(&wanted)) {
        Ok(dir) => assert!(dir.is_dir() && dir.ends_with("a/b/blatt")),
        Err(e) => panic!("{e}"),
    }
    let file = tmp.path().join("file");
    let _ = fs::write(&file, b"");
    match resolve_config_dir(Some(&file)) {
        Err(e) => assert!(e.to_string().contains(&file.display().to_string()), "{e}"),
        Ok(dir) => panic!("accepted a file as config dir: {}", dir.display()),
    }
}
