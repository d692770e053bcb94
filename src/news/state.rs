//! What `blatt add` and `blatt fetch` remember, in `news.json` beside `state.json` in the
//! config directory: the validators of each feed (ETag, Last-Modified) for conditional
//! requests, and per library every article saved, by GUID and by canonical address, with its
//! file. Every change is made under `news.lock` (read what is there, change, write
//! atomically: temporary file, flush, rename), so two blatts never lose each other's
//! records and a crash leaves the old file or the new one.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::net::Validators;

pub const FILE_NAME: &str = "news.json";
const LOCK_NAME: &str = "news.lock";
const SCHEMA: u32 = 1;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsState {
    #[serde(default)]
    pub schema: u32,
    /// Feed address → validators of its last answer.
    #[serde(default)]
    pub feeds: BTreeMap<String, Validators>,
    /// Library key → (item key → the article's path below the library). Item keys are
    /// `url:<canonical address>` and `guid:<feed address> <guid>`.
    #[serde(default)]
    pub seen: BTreeMap<String, BTreeMap<String, String>>,
}

impl NewsState {
    /// The file an item key was saved as in the library `library`, if any.
    pub fn saved(&self, library: &str, key: &str) -> Option<&str> {
        self.seen.get(library)?.get(key).map(String::as_str)
    }

    pub fn record(&mut self, library: &str, keys: &[String], path: &str) {
        let seen = self.seen.entry(library.to_string()).or_default();
        for key in keys {
            seen.insert(key.clone(), path.to_string());
        }
    }
}

/// The item key of a canonical address.
pub fn url_key(canonical: &str) -> String {
    format!("url:{canonical}")
}

/// The item key of a feed item's GUID.
pub fn guid_key(feed: &str, guid: &str) -> String {
    format!("guid:{feed} {guid}")
}

/// `news.json` in a config directory.
#[derive(Debug, Clone)]
pub struct NewsStore {
    dir: PathBuf,
}

/// Held while the records and the library are changed; released on drop (and by the
/// system if the process dies).
pub struct Lock(#[allow(dead_code)] File);

impl NewsStore {
    pub fn new(dir: &Path) -> Self {
        NewsStore {
            dir: dir.to_path_buf(),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Waits for the lock: one writer of the records (and of the libraries they name) at a
    /// time, across processes.
    pub fn lock(&self) -> std::io::Result<Lock> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.dir.join(LOCK_NAME))?;
        file.lock()?;
        Ok(Lock(file))
    }

    /// The records; a missing file is empty, a damaged one is moved aside (never
    /// overwritten) and reported.
    pub fn load(&self) -> (NewsState, Option<String>) {
        let path = self.path();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (NewsState::default(), None);
            }
            Err(e) => {
                return (
                    NewsState::default(),
                    Some(format!("cannot read {}: {e}", path.display())),
                );
            }
        };
        match serde_json::from_slice::<NewsState>(&bytes) {
            Ok(state) if state.schema <= SCHEMA => (state, None),
            outcome => {
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let aside = self.dir.join(format!("{FILE_NAME}.corrupt-{stamp}"));
                let moved = std::fs::rename(&path, &aside).is_ok();
                let why = match outcome {
                    Err(e) => e.to_string(),
                    Ok(_) => "written by a newer blatt".to_string(),
                };
                let notice = format!(
                    "{} cannot be read ({why}){}; starting without its records",
                    path.display(),
                    if moved {
                        format!(", moved to {}", aside.display())
                    } else {
                        String::new()
                    }
                );
                (NewsState::default(), Some(notice))
            }
        }
    }

    /// Writes the records atomically. Call under [`NewsStore::lock`].
    pub fn save(&self, state: &NewsState) -> std::io::Result<()> {
        let mut state = state.clone();
        state.schema = SCHEMA;
        let text = serde_json::to_string_pretty(&state).map_err(std::io::Error::other)?;
        super::write_atomically(&self.path(), text.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let dir = tempfile::tempdir().unwrap();
        let store = NewsStore::new(dir.path());
        let (mut state, notice) = store.load();
        assert!(notice.is_none());
        state.record("lib", &[url_key("https://example.org/a")], "g/a.md");
        state.feeds.insert(
            "https://example.org/feed".into(),
            Validators {
                etag: Some("\"1\"".into()),
                last_modified: None,
            },
        );
        let _lock = store.lock().unwrap();
        store.save(&state).unwrap();
        assert_eq!(
            store.load().0.saved("lib", "url:https://example.org/a"),
            Some("g/a.md")
        );
        std::fs::write(store.path(), b"{ not json").unwrap();
        let (state, notice) = store.load();
        assert_eq!(state, NewsState::default());
        assert!(notice.unwrap().contains("moved to"));
        assert!(!store.path().exists());
    }
}
