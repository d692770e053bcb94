//! Where blatt keeps reading positions and bookmarks, and how it never loses them.
//!
//! Everything lives in one human-readable file, `state.json`, in the config directory
//! ([`resolve_config_dir`]). The app changes the state only through [`Op`]s given to
//! [`Store::apply`]; they take effect in memory at once and are kept until [`Store::save`]. A
//! save takes the lock on `state.lock`, reads what is on disk now, replays the kept operations
//! onto it ([`apply_op`] is the merge), and replaces the file atomically; so two blatts on
//! one config directory keep each other's changes, and a crash at any moment leaves either the
//! old or the new file, complete. A damaged file or one from a newer blatt is moved aside, never
//! overwritten, and the user is told through a [`Notice`].
//!
//! If `state.json` is a symlink, the file it points to is read and replaced atomically and the
//! link stays; a link to a directory or special file, a loop, or a link into a missing
//! directory is refused and saving is off for the session.

mod disk;
mod error;
mod model;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use error::StoreError;
pub use model::{Bookmark, DocState, LastOpen, Op, SCHEMA, SECTION_KEYS, SavedState, apply_op};

/// Environment variable naming the config directory; a command-line option overrides it.
pub const ENV_CONFIG_DIR: &str = "BLATT_CONFIG_DIR";

/// How long a save or reload waits for another blatt to release the lock.
pub const LOCK_TIMEOUT: Duration = Duration::from_secs(5);

/// Finds the config directory: `cli_override`, else `$BLATT_CONFIG_DIR` (if set and not
/// empty), else the platform's config directory for blatt (`~/.config/blatt` on Linux). Creates
/// it if missing. On `Err` the app runs without saving and says why.
pub fn resolve_config_dir(cli_override: Option<&Path>) -> Result<PathBuf, StoreError> {
    let from_env = std::env::var_os(ENV_CONFIG_DIR);
    let platform = directories::ProjectDirs::from("", "", "blatt").map(|d| d.config_dir().into());
    let dir = choose_config_dir(cli_override, from_env.as_deref().map(Path::new), platform)?;
    std::fs::create_dir_all(&dir).map_err(|source| StoreError::CreateDir {
        path: dir.clone(),
        source,
    })?;
    if !dir.is_dir() {
        return Err(StoreError::NotADirectory { path: dir });
    }
    Ok(dir)
}

/// The precedence of [`resolve_config_dir`], without touching the environment or the disk. A
/// relative path is made absolute so that a later change of working directory does not move it.
fn choose_config_dir(
    cli_override: Option<&Path>,
    from_env: Option<&Path>,
    platform: Option<PathBuf>,
) -> Result<PathBuf, StoreError> {
    let chosen = match (cli_override, from_env) {
        (Some(p), _) if !p.as_os_str().is_empty() => p.to_path_buf(),
        (_, Some(p)) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => platform.ok_or(StoreError::NoConfigDir)?,
    };
    std::path::absolute(&chosen).map_err(|source| StoreError::CreateDir {
        path: chosen,
        source,
    })
}

/// The current time as Unix milliseconds, for the `updated` and `created` fields.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Something about the saved state that the user should be told on screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// No config directory could be found or created; nothing is saved this session.
    NoConfigDir(String),
    /// The state file could not be read as a whole and was renamed; blatt started afresh.
    CorruptMovedAside {
        path: PathBuf,
        moved_to: PathBuf,
        reason: String,
    },
    /// Some entries of the state file could not be read; the rest were kept, and the original
    /// file was renamed so nothing is lost.
    PartlyRecovered {
        path: PathBuf,
        moved_to: PathBuf,
        dropped: Vec<String>,
    },
    /// The state file was written by a newer blatt and was renamed; blatt started afresh.
    FutureVersion {
        path: PathBuf,
        found: u32,
        moved_to: PathBuf,
    },
    /// The state file is unusable and could not be renamed either; nothing is saved this
    /// session so that it is not overwritten.
    CorruptKept {
        path: PathBuf,
        reason: String,
        error: String,
    },
    /// The state file exists but cannot be read; nothing is saved this session.
    Unreadable { path: PathBuf, error: String },
    /// `state.json` is a symlink blatt will not follow; nothing is saved this session.
    SymlinkRefused { path: PathBuf, reason: String },
    /// Temporary files from an interrupted save were removed.
    StaleFilesRemoved(Vec<PathBuf>),
    /// The lock could not be taken; the state was read without it and saving may fail.
    LockFailed(String),
    /// Recovered entries could not be written back yet; they are kept in memory and the
    /// next save tries again.
    WriteFailed(String),
}

impl Notice {
    /// Whether this notice means nothing will be saved this session.
    pub fn disables_saving(&self) -> bool {
        matches!(
            self,
            Notice::NoConfigDir(_)
                | Notice::CorruptKept { .. }
                | Notice::Unreadable { .. }
                | Notice::SymlinkRefused { .. }
        )
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::NoConfigDir(reason) => {
                write!(
                    f,
                    "reading positions and bookmarks will not be saved: {reason}"
                )
            }
            Notice::CorruptMovedAside {
                path,
                moved_to,
                reason,
            } => write!(
                f,
                "{} could not be read ({reason}); kept it as {} and started afresh",
                path.display(),
                moved_to.display()
            ),
            Notice::PartlyRecovered {
                path,
                moved_to,
                dropped,
            } => write!(
                f,
                "{} was partly damaged; {} entr{} could not be read ({}); the original is kept \
                 as {}",
                path.display(),
                dropped.len(),
                if dropped.len() == 1 { "y" } else { "ies" },
                dropped.join(", "),
                moved_to.display()
            ),
            Notice::FutureVersion {
                path,
                found,
                moved_to,
            } => write!(
                f,
                "{} is from a newer blatt (schema {found}, this one knows {SCHEMA}); kept it as \
                 {} and started afresh",
                path.display(),
                moved_to.display()
            ),
            Notice::CorruptKept {
                path,
                reason,
                error,
            } => write!(
                f,
                "{} could not be read ({reason}) nor moved aside ({error}); nothing will be \
                 saved this session",
                path.display()
            ),
            Notice::Unreadable { path, error } => write!(
                f,
                "cannot read {} ({error}); nothing will be saved this session",
                path.display()
            ),
            Notice::SymlinkRefused { path, reason } => write!(
                f,
                "not using {}: {reason}; nothing will be saved this session",
                path.display()
            ),
            Notice::StaleFilesRemoved(paths) => {
                let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                write!(
                    f,
                    "removed leftovers of an interrupted save: {}",
                    names.join(", ")
                )
            }
            Notice::LockFailed(reason) => {
                write!(
                    f,
                    "read the saved state without a lock ({reason}); saving may fail"
                )
            }
            Notice::WriteFailed(reason) => write!(f, "could not save yet: {reason}"),
        }
    }
}

/// The saved state of one blatt process: what is in memory, and the changes not yet on disk.
#[derive(Debug)]
pub struct Store {
    dir: Option<PathBuf>,
    /// Why nothing may be written this session, if so.
    disabled: Option<String>,
    state: SavedState,
    pending: Vec<Op>,
    /// The in-memory state must be written even without pending ops (recovered entries).
    force_write: bool,
    notices: Vec<Notice>,
    lock_timeout: Duration,
}

impl Store {
    /// Loads `dir/state.json`, or starts with defaults. Never fails: every problem becomes a
    /// notice, and the problems that make saving unsafe switch saving off for the session.
    /// `None` means there is no config directory.
    pub fn open(dir: Option<PathBuf>) -> (Store, Vec<Notice>) {
        let mut store = Store {
            dir: dir.clone(),
            disabled: None,
            state: SavedState::default(),
            pending: Vec::new(),
            force_write: false,
            notices: Vec::new(),
            lock_timeout: LOCK_TIMEOUT,
        };
        let Some(dir) = dir else {
            let reason = "no config directory".to_string();
            store.disabled = Some(reason.clone());
            return (store, vec![Notice::NoConfigDir(reason)]);
        };
        let mut notices = Vec::new();
        store.load(&dir, &mut notices);
        (store, notices)
    }

    /// [`Store::open`] for the result of [`resolve_config_dir`], so that the reason there is no
    /// directory reaches the user.
    pub fn open_resolved(dir: Result<PathBuf, StoreError>) -> (Store, Vec<Notice>) {
        match dir {
            Ok(dir) => Store::open(Some(dir)),
            Err(e) => {
                let (mut store, _) = Store::open(None);
                store.disabled = Some(e.to_string());
                (store, vec![Notice::NoConfigDir(e.to_string())])
            }
        }
    }

    fn load(&mut self, dir: &Path, notices: &mut Vec<Notice>) {
        let guard = match disk::lock(dir, self.lock_timeout) {
            Ok(g) => Some(g),
            Err(e) => {
                notices.push(Notice::LockFailed(e.to_string()));
                None
            }
        };
        let target = match disk::state_target(dir) {
            Ok(t) => t,
            Err(reason) => {
                self.disabled = Some(reason.clone());
                notices.push(Notice::SymlinkRefused {
                    path: dir.join(disk::STATE_FILE),
                    reason,
                });
                return;
            }
        };
        if guard.is_some() {
            // Without the lock a temporary file might belong to a save in progress.
            let removed = disk::remove_stale_temps(&target);
            if !removed.is_empty() {
                notices.push(Notice::StaleFilesRemoved(removed));
            }
        }
        let loaded = match disk::read_state(&target) {
            Ok(l) => l,
            Err(e) => {
                self.disabled = Some(e.to_string());
                notices.push(Notice::Unreadable {
                    path: target,
                    error: e.to_string(),
                });
                return;
            }
        };
        match loaded {
            disk::Loaded::Missing => {}
            disk::Loaded::Good(state) => self.state = state,
            disk::Loaded::Partial { state, dropped } => match disk::move_aside(&target) {
                Ok(moved_to) => {
                    notices.push(Notice::PartlyRecovered {
                        path: target.clone(),
                        moved_to,
                        dropped,
                    });
                    self.state = state;
                    // The file is gone now; put the recovered entries back at once.
                    if let Err(e) = disk::write_state(&target, &self.state) {
                        self.force_write = true;
                        notices.push(Notice::WriteFailed(e.to_string()));
                    }
                }
                Err(e) => self.keep_corrupt(
                    target,
                    format!("{} entries could not be read", dropped.len()),
                    e,
                    notices,
                ),
            },
            disk::Loaded::Bad { reason } => match disk::move_aside(&target) {
                Ok(moved_to) => notices.push(Notice::CorruptMovedAside {
                    path: target,
                    moved_to,
                    reason,
                }),
                Err(e) => self.keep_corrupt(target, reason, e, notices),
            },
            disk::Loaded::Future { found } => match disk::move_aside(&target) {
                Ok(moved_to) => notices.push(Notice::FutureVersion {
                    path: target,
                    found,
                    moved_to,
                }),
                Err(e) => self.keep_corrupt(
                    target,
                    format!("it is from a newer blatt (schema {found})"),
                    e,
                    notices,
                ),
            },
        }
        drop(guard);
    }

    fn keep_corrupt(
        &mut self,
        path: PathBuf,
        reason: String,
        error: StoreError,
        notices: &mut Vec<Notice>,
    ) {
        self.disabled = Some(format!(
            "{} could not be read ({reason}) nor moved aside",
            path.display()
        ));
        notices.push(Notice::CorruptKept {
            path,
            reason,
            error: error.to_string(),
        });
    }

    /// The state as this process sees it: the last load or save plus the pending operations.
    pub fn state(&self) -> &SavedState {
        &self.state
    }

    /// The config directory, if there is one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Why nothing will be saved this session, if that is so.
    pub fn saving_disabled(&self) -> Option<&str> {
        self.disabled.as_deref()
    }

    /// Applies `op` to the in-memory state at once and keeps it for the next save.
    pub fn apply(&mut self, op: Op) {
        apply_op(&mut self.state, &op);
        self.pending.push(op);
    }

    /// Whether there are changes that are not on disk yet.
    pub fn is_dirty(&self) -> bool {
        !self.pending.is_empty() || self.force_write
    }

    /// Notices that came up after [`Store::open`], during a save or reload (a file that was
    /// damaged in the meantime and moved aside, say). Taking them empties the list.
    pub fn take_notices(&mut self) -> Vec<Notice> {
        std::mem::take(&mut self.notices)
    }

    /// Writes the pending changes, merged with what other processes saved meanwhile.
    ///
    /// Under the lock (waiting at most [`LOCK_TIMEOUT`]) it reads `state.json`, replays the
    /// pending operations onto it, writes the result atomically and makes it the in-memory
    /// state. Does nothing when nothing is pending. On `Err` the pending operations and the
    /// in-memory state are kept, so a later save can still succeed.
    pub fn save(&mut self) -> Result<(), StoreError> {
        if !self.is_dirty() {
            return Ok(());
        }
        self.sync(true)
    }

    /// Reads `state.json` again (under the lock) and replays the pending operations onto it
    /// without writing: to pick up what other processes saved.
    pub fn reload(&mut self) -> Result<(), StoreError> {
        self.sync(false)
    }

    fn sync(&mut self, write: bool) -> Result<(), StoreError> {
        if let Some(reason) = &self.disabled {
            return Err(StoreError::SavingDisabled {
                reason: reason.clone(),
            });
        }
        let Some(dir) = self.dir.clone() else {
            return Err(StoreError::SavingDisabled {
                reason: "no config directory".into(),
            });
        };
        let _guard = disk::lock(&dir, self.lock_timeout)?;
        let target = disk::state_target(&dir).map_err(|reason| StoreError::Unsafe {
            path: dir.join(disk::STATE_FILE),
            reason,
        })?;
        let mut must_write = self.force_write;
        let mut merged = match disk::read_state(&target)? {
            disk::Loaded::Missing => SavedState::default(),
            disk::Loaded::Good(state) => state,
            disk::Loaded::Future { found } => {
                return Err(StoreError::FutureVersion {
                    path: target,
                    found,
                    supported: SCHEMA,
                });
            }
            disk::Loaded::Partial { state, dropped } => {
                let moved_to = disk::move_aside(&target)?;
                self.notices.push(Notice::PartlyRecovered {
                    path: target.clone(),
                    moved_to,
                    dropped,
                });
                must_write = true;
                state
            }
            disk::Loaded::Bad { reason } => {
                // Damaged since we loaded it: keep it for the user and fall back on what this
                // process knows, which is the best copy left.
                let moved_to = disk::move_aside(&target)?;
                self.notices.push(Notice::CorruptMovedAside {
                    path: target.clone(),
                    moved_to,
                    reason,
                });
                must_write = true;
                self.state.clone()
            }
        };
        for op in &self.pending {
            apply_op(&mut merged, op);
        }
        merged.schema = SCHEMA;
        if write {
            disk::write_state(&target, &merged)?;
            self.pending.clear();
            self.force_write = false;
        } else if must_write {
            self.force_write = true;
        }
        self.state = merged;
        Ok(())
    }
}
