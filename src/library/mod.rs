//! The library: a folder with an `INDEX.md` that lists articles, or the one built in.
//!
//! [`parse_index`] turns INDEX.md text into raw entries (pure, see `index`); [`resolve`]
//! checks each link against the folder without opening anything and gives either a
//! canonical path inside the library or an [`EntryProblem`] a person can fix; [`read_target`]
//! and [`read_path`] read bytes with a size cap and without ever blocking on a FIFO or
//! device. [`load_library`] ties these together for a folder, [`bundled_library`] for the
//! articles compiled into blatt. A bad entry stays in the list with its problem, so the
//! reader can show why it cannot be opened.

mod bundled;
mod index;
mod read;
mod resolve;

use std::path::{Path, PathBuf};

pub use bundled::{BUNDLED_INDEX, bundled_file, bundled_library};
pub use index::{IndexParts, ParsedIndex, RawEntry, language_of, parse_index};
pub use read::{DEFAULT_READ_CAP, ReadError, open_path, open_target, read_path, read_target};
pub use resolve::{EntryProblem, Target, resolve};

/// The name of the index file in a library folder.
pub const INDEX_FILE: &str = "INDEX.md";

/// The most an INDEX.md may weigh: far more than 100,000 entries need.
pub const INDEX_READ_CAP: u64 = 64 * 1024 * 1024;

/// One entry of a library, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub title: String,
    pub description: String,
    pub group: Vec<String>,
    pub language: Option<String>,
    /// The link as written (percent-decoded), for messages.
    pub link: String,
    /// 1-based line in INDEX.md.
    pub line: usize,
    pub target: Target,
}

impl Entry {
    pub(crate) fn from_raw(raw: RawEntry, target: Target) -> Self {
        Entry {
            title: raw.title,
            description: raw.description,
            group: raw.group,
            language: raw.language,
            link: raw.link,
            line: raw.line,
            target,
        }
    }

    /// A stable id for saved state: `bundled:<name>` for a bundled article, the canonical
    /// path for a file, so that reading positions survive edits to INDEX.md. An entry with
    /// a problem gets the path its link names (or `bundled:<link>`).
    pub fn key(&self, origin: &Origin) -> String {
        match (&self.target, origin) {
            (Target::File(path), _) => path.to_string_lossy().into_owned(),
            (Target::Bundled(name), _) => format!("bundled:{name}"),
            (Target::Problem(_), Origin::Dir { root, .. }) => {
                let path = self.link.split('#').next().unwrap_or(&self.link);
                root.join(path).to_string_lossy().into_owned()
            }
            (Target::Problem(_), Origin::Bundled) => format!("bundled:{}", self.link),
        }
    }
}

/// Where a library came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A folder on disk; both paths are canonical.
    Dir { root: PathBuf, index: PathBuf },
    /// The articles compiled into blatt.
    Bundled,
}

/// A loaded library: its title (the first level-1 heading) and entries in INDEX.md order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    pub origin: Origin,
    pub title: Option<String>,
    pub entries: Vec<Entry>,
}

/// Why a library could not be loaded at all.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("{} does not exist", path.display())]
    NotFound { path: PathBuf },
    #[error("no INDEX.md in {}", dir.display())]
    NoIndex { dir: PathBuf },
    #[error("cannot open the library at {}: {}", path.display(), resolve::io_reason(source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Reading INDEX.md failed (permission, a folder or FIFO by that name, too large).
    #[error(transparent)]
    Index(#[from] ReadError),
}

/// Loads the library at `path`: a folder holding INDEX.md, or the INDEX.md file itself
/// (any name; its folder is the library). INDEX.md is read as UTF-8, with invalid bytes
/// replaced, so one bad byte does not lose the whole list.
pub fn load_library(path: &Path) -> Result<Library, LibraryError> {
    let meta = std::fs::metadata(path).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => LibraryError::NotFound {
            path: path.to_owned(),
        },
        _ => LibraryError::Io {
            path: path.to_owned(),
            source,
        },
    })?;
    let (folder, index) = if meta.is_dir() {
        (path.to_owned(), path.join(INDEX_FILE))
    } else {
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
            _ => PathBuf::from("."),
        };
        (folder, path.to_owned())
    };
    let bytes = read_path(&index, INDEX_READ_CAP).map_err(|e| match e {
        ReadError::NotFound { .. } if meta.is_dir() => LibraryError::NoIndex {
            dir: folder.clone(),
        },
        other => LibraryError::Index(other),
    })?;
    let canonical = |p: &Path| {
        std::fs::canonicalize(p).map_err(|source| LibraryError::Io {
            path: p.to_owned(),
            source,
        })
    };
    let root = canonical(&folder)?;
    let index = canonical(&index)?;
    let text = String::from_utf8_lossy(&bytes);
    let parsed = parse_index(&text);
    let entries = parsed
        .entries
        .into_iter()
        .map(|raw| {
            let target = resolve(&raw.link, &root);
            Entry::from_raw(raw, target)
        })
        .collect();
    Ok(Library {
        origin: Origin::Dir { root, index },
        title: parsed.title,
        entries,
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;

    fn sample() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = fs::canonicalize(dir.path()).expect("canonical");
        fs::create_dir(root.join("notes")).expect("mkdir");
        fs::write(root.join("notes/a.txt"), "A").expect("write");
        fs::write(
            root.join(INDEX_FILE),
            "# My Library\n\n## News\n\n- [A](notes/a.txt) — Source, en — About A\n- [B](notes/b.txt)\n- [C](../c.txt)\n",
        )
        .expect("write");
        (dir, root)
    }

    fn check(library: &Library, root: &Path) {
        assert_eq!(
            library.origin,
            Origin::Dir {
                root: root.to_owned(),
                index: root.join(INDEX_FILE)
            }
        );
        assert_eq!(library.title.as_deref(), Some("My Library"));
        let e = &library.entries;
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].target, Target::File(root.join("notes/a.txt")));
        assert_eq!(e[0].group, ["News"]);
        assert_eq!(e[0].language.as_deref(), Some("en"));
        assert_eq!(e[0].line, 5);
        assert_eq!(
            e[0].key(&library.origin),
            root.join("notes/a.txt").to_string_lossy()
        );
        assert_eq!(
            e[1].target,
            Target::Problem(EntryProblem::Missing("notes/b.txt".into()))
        );
        assert_eq!(
            e[2].target,
            Target::Problem(EntryProblem::OutsideLibrary("../c.txt".into()))
        );
        let bytes = read_target(&e[0].target, DEFAULT_READ_CAP).expect("read");
        assert_eq!(&*bytes, b"A");
    }

    #[test]
    fn loads_a_folder() {
        let (_dir, root) = sample();
        check(&load_library(&root).expect("library"), &root);
    }

    #[test]
    fn loads_an_index_path() {
        let (_dir, root) = sample();
        check(
            &load_library(&root.join(INDEX_FILE)).expect("library"),
            &root,
        );
        // A non-canonical way to the same folder gives the same canonical origin.
        let roundabout = root.join("notes").join("..").join(INDEX_FILE);
        check(&load_library(&roundabout).expect("library"), &root);
    }

    #[test]
    fn a_missing_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let gone = dir.path().join("nowhere");
        let err = load_library(&gone).unwrap_err();
        assert!(matches!(err, LibraryError::NotFound { .. }));
        assert_eq!(
            err.to_string(),
            format!("{} does not exist", gone.display())
        );
    }

    #[test]
    fn a_folder_without_index_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let err = load_library(dir.path()).unwrap_err();
        assert!(matches!(err, LibraryError::NoIndex { .. }));
        assert_eq!(
            err.to_string(),
            format!("no INDEX.md in {}", dir.path().display())
        );
    }

    #[test]
    fn an_index_that_is_a_folder_is_refused() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::create_dir(dir.path().join(INDEX_FILE)).expect("mkdir");
        let err = load_library(dir.path()).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("INDEX.md is a folder, not a file"),
            "{err}"
        );
    }

    #[test]
    fn invalid_utf8_in_the_index_is_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(
            dir.path().join(INDEX_FILE),
            b"\xEF\xBB\xBF# T\xFF\n- [x](x.txt)\n",
        )
        .expect("write");
        let library = load_library(dir.path()).expect("library");
        assert_eq!(library.title.as_deref(), Some("T\u{FFFD}"));
        assert_eq!(library.entries.len(), 1);
    }
}
