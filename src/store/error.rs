//! Errors of the store, each naming the path involved so a person can go and look.

use std::io;
use std::path::PathBuf;
use std::time::Duration;

/// Why the config directory could not be found, or why a save or reload failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "no config directory: no home directory is known; set {env} or pass a config directory",
        env = super::ENV_CONFIG_DIR
    )]
    NoConfigDir,

    #[error("cannot create config directory {path}: {source}")]
    CreateDir { path: PathBuf, source: io::Error },

    #[error("config directory {path} exists but is not a directory")]
    NotADirectory { path: PathBuf },

    #[error("not saving: {reason}")]
    SavingDisabled { reason: String },

    #[error("cannot open lock file {path}: {source}")]
    LockOpen { path: PathBuf, source: io::Error },

    #[error("cannot lock {path}: {source}")]
    Lock { path: PathBuf, source: io::Error },

    #[error(
        "another blatt has held {path} for more than {} s; try again, or close the other blatt",
        waited.as_secs()
    )]
    LockTimeout { path: PathBuf, waited: Duration },

    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: io::Error },

    #[error(
        "{path} was written by a newer blatt (schema {found}, this one knows {supported}); \
         not overwriting it"
    )]
    FutureVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },

    #[error("{path}: {reason}; not overwriting it")]
    Unsafe { path: PathBuf, reason: String },

    #[error("cannot move unreadable {path} aside to {to}: {source}")]
    MoveAside {
        path: PathBuf,
        to: PathBuf,
        source: io::Error,
    },

    #[error("cannot encode the state for {path}: {source}")]
    Encode {
        path: PathBuf,
        source: serde_json::Error,
    },

    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}
