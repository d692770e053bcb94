//! The file-system side of the store: the lock, finding the file to use when `state.json` is a
//! symlink, reading and judging what is on disk, moving a bad file aside, atomic writes and the
//! removal of temporary files a crash left behind.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::Value;

use super::error::StoreError;
use super::model::{SCHEMA, SavedState};

pub(crate) const STATE_FILE: &str = "state.json";
pub(crate) const LOCK_FILE: &str = "state.lock";

/// A state file bigger than this is not something blatt wrote (a few thousand bookmarks take a
/// megabyte or two), and reading it whole could exhaust memory.
const MAX_STATE_BYTES: u64 = 64 * 1024 * 1024;

/// How many symlinks are followed before giving up, as the kernel does with ELOOP.
const MAX_SYMLINK_HOPS: usize = 40;

/// Held while the state file is read, merged and written; dropping it closes the file, which
/// releases the lock. The operating system also releases it when the process dies in any way,
/// so a `state.lock` left behind by a crash never blocks anyone.
#[derive(Debug)]
pub(crate) struct LockGuard {
    _file: File,
}

/// Takes the lock on `dir/state.lock`, waiting at most `timeout`.
///
/// The wait is a blocking `lock` on a helper thread, so the kernel hands the lock over in
/// turn (polling `try_lock` starves a waiter while another process saves in a tight loop);
/// the deadline is kept by waiting on a channel. When it passes, the helper thread gives up
/// the lock as soon as it gets it, so a hung process holding the lock cannot freeze blatt.
pub(crate) fn lock(dir: &Path, timeout: Duration) -> Result<LockGuard, StoreError> {
    let path = dir.join(LOCK_FILE);
    let file = match OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
    {
        Ok(f) => f,
        // A read-only directory may still hold a lock file from earlier; a read-only handle
        // can be locked as well, which lets a read (open, reload) be consistent.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
            ) =>
        {
            File::open(&path).map_err(|_| StoreError::LockOpen {
                path: path.clone(),
                source: e,
            })?
        }
        Err(source) => return Err(StoreError::LockOpen { path, source }),
    };
    match file.try_lock() {
        Ok(()) => return Ok(LockGuard { _file: file }),
        Err(TryLockError::WouldBlock) => {}
        Err(TryLockError::Error(source)) => return Err(StoreError::Lock { path, source }),
    }
    let start = Instant::now();
    let (sender, receiver) = std::sync::mpsc::channel();
    thread::Builder::new()
        .name("state-lock".into())
        .spawn(move || {
            let result = file.lock().map(|()| file);
            // If nobody waits any more, dropping the file releases the lock at once.
            let _ = sender.send(result);
        })
        .map_err(|source| StoreError::Lock {
            path: path.clone(),
            source,
        })?;
    match receiver.recv_timeout(timeout) {
        Ok(Ok(file)) => Ok(LockGuard { _file: file }),
        Ok(Err(source)) => Err(StoreError::Lock { path, source }),
        Err(_) => Err(StoreError::LockTimeout {
            path,
            waited: start.elapsed(),
        }),
    }
}

/// The file that is read and replaced for `dir/state.json`.
///
/// A symlink is followed to its final target, which is then read and replaced atomically (the
/// link itself stays), so a state file kept elsewhere (a dotfiles repository) keeps working. A
/// symlink that points to a directory or a special file, loops, or points into a directory that
/// does not exist is refused: `Err(reason)`, and the store will not save.
pub(crate) fn state_target(dir: &Path) -> Result<PathBuf, String> {
    let link = dir.join(STATE_FILE);
    let mut path = link.clone();
    for _ in 0..MAX_SYMLINK_HOPS {
        let meta = match fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return final_target(&link, &path),
            Err(e) => return Err(format!("cannot inspect {}: {e}", path.display())),
        };
        if !meta.file_type().is_symlink() {
            if path == link {
                // Not a symlink at all: a missing, regular, or bad file is judged on reading.
                return Ok(link);
            }
            if meta.is_file() {
                return final_target(&link, &path);
            }
            return Err(format!(
                "{} is a symlink to {}, which is not a regular file",
                link.display(),
                path.display()
            ));
        }
        let to = fs::read_link(&path)
            .map_err(|e| format!("cannot read symlink {}: {e}", path.display()))?;
        path = match path.parent() {
            Some(parent) => parent.join(to),
            None => to,
        };
    }
    Err(format!("{} is a symlink loop", link.display()))
}

/// Makes the end of a symlink chain absolute and free of `..`, so that the temporary file and
/// the rename happen in the directory that really holds the target.
fn final_target(link: &Path, path: &Path) -> Result<PathBuf, String> {
    if path == link {
        return Ok(link.to_path_buf());
    }
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
        return Err(format!(
            "{} is a symlink to {}, which has no file name",
            link.display(),
            path.display()
        ));
    };
    match fs::canonicalize(parent) {
        Ok(parent) => Ok(parent.join(name)),
        Err(e) => Err(format!(
            "{} is a symlink to {}, whose directory cannot be reached: {e}",
            link.display(),
            path.display()
        )),
    }
}

/// What reading the state file found.
#[derive(Debug)]
pub(crate) enum Loaded {
    /// No file: a first run, or the user deleted it.
    Missing,
    Good(SavedState),
    /// Valid JSON in which some entries could not be read; `dropped` names them.
    Partial {
        state: SavedState,
        dropped: Vec<String>,
    },
    /// Nothing usable; `reason` says why.
    Bad {
        reason: String,
    },
    /// Written by a newer blatt.
    Future {
        found: u32,
    },
}

/// Reads and judges the file at `path` (a resolved [`state_target`]). `Err` only for a file
/// that is there but cannot be read (permissions, I/O), which must then not be overwritten.
pub(crate) fn read_state(path: &Path) -> Result<Loaded, StoreError> {
    let read_err = |source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::Missing),
        Err(e) => return Err(read_err(e)),
    };
    if meta.is_dir() {
        return Ok(Loaded::Bad {
            reason: "it is a directory, not a file".into(),
        });
    }
    if !meta.is_file() {
        // A FIFO or device could block or never end; don't open it.
        return Ok(Loaded::Bad {
            reason: "it is not a regular file".into(),
        });
    }
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Loaded::Missing),
        Err(e) => return Err(read_err(e)),
    };
    let mut bytes = Vec::new();
    file.take(MAX_STATE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > MAX_STATE_BYTES {
        return Ok(Loaded::Bad {
            reason: format!("it is larger than {} MiB", MAX_STATE_BYTES / 1024 / 1024),
        });
    }
    Ok(parse_state(&bytes))
}

/// Judges the bytes of a state file. Pure, so each kind of damage can be tested with a literal.
pub(crate) fn parse_state(bytes: &[u8]) -> Loaded {
    let bad = |reason: String| Loaded::Bad { reason };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return bad("the file is empty".into());
    }
    if bytes.contains(&0) {
        return bad("the file contains NUL bytes (probably cut short by a crash)".into());
    }
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) if e.is_eof() => return bad(format!("the file ends too early (truncated): {e}")),
        Err(e) => return bad(format!("the file is not valid JSON: {e}")),
    };
    let Value::Object(obj) = &value else {
        return bad("the file is JSON but not a blatt state (not an object)".into());
    };
    match obj.get("schema") {
        None => {}
        Some(v) => match v.as_u64() {
            Some(n) if n > u64::from(SCHEMA) => {
                return Loaded::Future {
                    found: u32::try_from(n).unwrap_or(u32::MAX),
                };
            }
            Some(_) => {}
            None => {
                return bad(format!(
                    "the file's \"schema\" is not a version number: {v}"
                ));
            }
        },
    }
    if let Ok(mut state) = SavedState::deserialize(&value) {
        state.schema = SCHEMA;
        return Loaded::Good(state);
    }
    salvage(obj)
}

/// Keeps every entry that reads on its own when the file as a whole does not, so one damaged
/// bookmark does not cost all the others.
fn salvage(obj: &serde_json::Map<String, Value>) -> Loaded {
    let mut state = SavedState::default();
    let mut dropped = Vec::new();
    if let Some(v) = obj.get("last_open") {
        match Deserialize::deserialize(v) {
            Ok(lo) => state.last_open = lo,
            Err(e) => dropped.push(format!("last_open ({e})")),
        }
    }
    salvage_map(obj, "docs", &mut state.docs, &mut dropped);
    salvage_map(obj, "libraries", &mut state.libraries, &mut dropped);
    if let Some(Value::String(path)) = obj.get("last_library") {
        state.last_library = Some(path.clone());
    }
    salvage_map(obj, "bookmarks", &mut state.bookmarks, &mut dropped);
    if dropped.is_empty() {
        Loaded::Good(state)
    } else {
        Loaded::Partial { state, dropped }
    }
}

fn salvage_map<T: for<'de> Deserialize<'de>>(
    obj: &serde_json::Map<String, Value>,
    field: &str,
    into: &mut std::collections::BTreeMap<String, T>,
    dropped: &mut Vec<String>,
) {
    match obj.get(field) {
        None | Some(Value::Null) => {}
        Some(Value::Object(entries)) => {
            for (key, v) in entries {
                match T::deserialize(v) {
                    Ok(entry) => {
                        into.insert(key.clone(), entry);
                    }
                    Err(e) => dropped.push(format!("{field}.{key} ({e})")),
                }
            }
        }
        Some(_) => dropped.push(format!("{field} (not an object)")),
    }
}

/// Renames `path` to `<name>.corrupt-<unix seconds>` beside it (with `-1`, `-2`, ... if that is
/// taken), so a damaged file is kept for the user and never overwritten. Works for directories.
pub(crate) fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| STATE_FILE.to_string());
    let mut to = path.with_file_name(format!("{name}.corrupt-{secs}"));
    let mut n = 0u32;
    // Under the lock nobody else creates these names, so check-then-rename does not race.
    while fs::symlink_metadata(&to).is_ok() {
        n += 1;
        to = path.with_file_name(format!("{name}.corrupt-{secs}-{n}"));
    }
    fs::rename(path, &to).map_err(|source| StoreError::MoveAside {
        path: path.to_path_buf(),
        to: to.clone(),
        source,
    })?;
    Ok(to)
}

/// Writes `state` to `path` atomically with atomic-write-file: a temporary file in the same
/// directory, flushed to disk, renamed over `path`, and the directory flushed, so after a crash
/// `path` holds either the old or the new content, complete.
pub(crate) fn write_state(path: &Path, state: &SavedState) -> Result<(), StoreError> {
    let mut bytes = serde_json::to_vec_pretty(state).map_err(|source| StoreError::Encode {
        path: path.to_path_buf(),
        source,
    })?;
    bytes.push(b'\n');
    let write_err = |source| StoreError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut options = atomic_write_file::OpenOptions::new();
    #[cfg(unix)]
    {
        // Notes may be private; a new file is readable by its owner only. An existing file
        // keeps its own permissions.
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(write_err)?;
    file.write_all(&bytes).map_err(write_err)?;
    file.commit().map_err(write_err)
}

/// Whether `name` is a temporary file atomic-write-file 0.3 makes for `target`: a dot, the
/// target's name, a dot and six ASCII letters or digits (`.state.json.a1B2c3`).
pub(crate) fn is_temp_name(name: &str, target: &str) -> bool {
    let Some(rest) = name
        .strip_prefix('.')
        .and_then(|r| r.strip_prefix(target))
        .and_then(|r| r.strip_prefix('.'))
    else {
        return false;
    };
    rest.len() == 6 && rest.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Removes temporary files that a writer killed before its rename left beside `target`.
/// Call only under the lock: then no live writer has one open.
pub(crate) fn remove_stale_temps(target: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
        return Vec::new();
    };
    let name = name.to_string_lossy();
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let entry_name = entry.file_name();
        let Some(entry_name) = entry_name.to_str() else {
            continue;
        };
        let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
        if is_file && is_temp_name(entry_name, &name) && fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed.sort();
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names() {
        assert!(is_temp_name(".state.json.a1B2c3", "state.json"));
        assert!(!is_temp_name(".state.json.a1B2c", "state.json"));
        assert!(!is_temp_name(".state.json.a1B2c3d", "state.json"));
        assert!(!is_temp_name("state.json.a1B2c3", "state.json"));
        assert!(!is_temp_name(".state.json.a1-2c3", "state.json"));
        assert!(!is_temp_name(".other.json.a1B2c3", "state.json"));
        assert!(!is_temp_name("state.json.corrupt-1", "state.json"));
    }

    fn reason(bytes: &[u8]) -> String {
        match parse_state(bytes) {
            Loaded::Bad { reason } => reason,
            other => panic!("expected Bad, got {other:?}"),
        }
    }

    #[test]
    fn judges_damage() {
        assert!(reason(b"").contains("empty"));
        assert!(reason(b" \n").contains("empty"));
        assert!(reason(b"{\"schema\":1,\"docs\":{").contains("truncated"));
        assert!(reason(b"{\"schema\":1}\0\0\0").contains("NUL"));
        assert!(reason(b"\x89PNG garbage").contains("not valid JSON"));
        assert!(reason(b"[1,2]").contains("not an object"));
        assert!(reason(b"{\"schema\":\"x\"}").contains("schema"));
        assert!(matches!(
            parse_state(b"{\"schema\":999}"),
            Loaded::Future { found: 999 }
        ));
        assert!(matches!(
            parse_state(b"{\"schema\":99999999999}"),
            Loaded::Future { found: u32::MAX }
        ));
        assert!(matches!(parse_state(b"{}"), Loaded::Good(_)));
        assert!(matches!(parse_state(b"{\"schema\":0}"), Loaded::Good(_)));
    }

    #[test]
    fn salvages_good_entries() {
        let text = br#"{"schema":1,
            "bookmarks":{"ok":{"doc":"d"},"bad":{"created":"yesterday"}},
            "docs":{"d":{"percent":5}}}"#;
        match parse_state(text) {
            Loaded::Partial { state, dropped } => {
                assert!(state.bookmarks.contains_key("ok"));
                assert!(!state.bookmarks.contains_key("bad"));
                assert_eq!(state.docs["d"].percent, 5.0);
                assert_eq!(dropped.len(), 1);
                assert!(dropped[0].starts_with("bookmarks.bad"), "{dropped:?}");
            }
            other => panic!("expected Partial, got {other:?}"),
        }
    }
}
