//! The library: a folder with an `INDEX.md` that lists articles, or the one built in.
//!
//! [`parse_index`] turns INDEX.md text into raw entries (pure, see `index`), and
//! [`IndexParts`] does the same a part at a time; [`resolve`] checks each link against the
//! folder without opening anything and gives either a canonical path inside the library or
//! an [`EntryProblem`] a person can fix; [`read_target`] and [`read_path`] read bytes with a
//! size cap and without ever blocking on a FIFO or device. [`load_library`] ties these
//! together for a folder, [`bundled_library`] for the articles compiled into blatt. A bad
//! entry stays in the list with its problem, so the reader can show why it cannot be opened.
//!
//! A large index is not worth waiting for: [`open_library`] parses and checks only a first
//! part, enough for a screen, and hands back a [`LibraryRest`] that parses the rest, whose
//! entries come [`Target::Unchecked`] until [`Library::check_entry`] resolves them.

pub mod build;
mod bundled;
mod index;
mod read;
mod resolve;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use bundled::{BUNDLED_INDEX, bundled_file, bundled_library};
pub use index::{IndexParts, ParsedIndex, RawEntry, language_of, parse_index};
pub use read::{
    DEFAULT_READ_CAP, ReadError, open_entry_path, open_path, open_target, read_path, read_target,
};
pub use resolve::{EntryProblem, Resolver, Target, link_path, resolve};

/// The name of the index file in a library folder.
pub const INDEX_FILE: &str = "INDEX.md";

/// The most an INDEX.md may weigh: far more than 100,000 entries need.
pub const INDEX_READ_CAP: u64 = 64 * 1024 * 1024;

/// Entries [`open_library`] parses and checks before the first frame, when the index has
/// that many and can be cut there: more than a screen of any height shows.
pub const FIRST_ENTRIES: usize = 64;

/// Bytes of INDEX.md parsed per step of the first part: a dozen entries of the usual
/// length, so that the first part is not much more than the entries asked for.
const FIRST_STEP: usize = 2 * 1024;
/// The longest step of the first part (a few milliseconds of parsing): an index that
/// cannot be cut sooner is left to the background whole.
const FIRST_STEP_MAX: usize = 32 * 1024;
/// Bytes of INDEX.md per part after the first.
pub const PART_BYTES: usize = 256 * 1024;
/// Bytes of INDEX.md read before the first frame (all of a smaller one); the rest is read
/// with the parts after the first, on their thread.
const FIRST_READ: u64 = FIRST_STEP_MAX as u64;

/// One entry of a library, with its link resolved (or, while a large library is loading,
/// not checked yet).
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
    /// a problem gets the path its link names (or `bundled:<link>`). An unchecked entry has
    /// none yet: its canonical path is not known.
    pub fn key(&self, origin: &Origin) -> Option<String> {
        Some(match (&self.target, origin) {
            (Target::File(path), _) => path.to_string_lossy().into_owned(),
            (Target::Bundled(name), _) => format!("bundled:{name}"),
            (Target::Problem(_), Origin::Dir { root, .. }) => root
                .join(resolve::link_path(&self.link).as_ref())
                .to_string_lossy()
                .into_owned(),
            (Target::Problem(_), Origin::Bundled) => format!("bundled:{}", self.link),
            (Target::Unchecked, _) => return None,
        })
    }
}

/// Where a library came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A folder on disk; both paths are canonical. For `blatt ARTICLE`, `index` is the
    /// article itself.
    Dir { root: PathBuf, index: PathBuf },
    /// The articles compiled into blatt.
    Bundled,
}

/// Opens the library a key names (the inverse of [`Origin::key`]): `bundled`, a single
/// article (`blatt ARTICLE`), or a folder's INDEX.md.
pub fn open_key(key: &str) -> Result<(Library, Option<LibraryRest>), String> {
    if key == "bundled" {
        return Ok((bundled_library(), None));
    }
    let path = Path::new(key);
    if path.is_file() && !is_index_file(path) {
        return single_article(path)
            .map(|library| (library, None))
            .map_err(|e| format!("{}: {e}", path.display()));
    }
    open_library(path).map_err(|e| e.to_string())
}

/// Whether a path names an INDEX.md (any case), rather than an article.
pub fn is_index_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case(INDEX_FILE))
}

/// A library of one article, for `blatt ARTICLE` (and for opening a bookmark made there).
pub fn single_article(path: &Path) -> Result<Library, std::io::Error> {
    let canonical = path.canonicalize()?;
    let root = canonical
        .parent()
        .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
    let title = canonical
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    Ok(Library {
        // The article stands where an INDEX.md would: it is what the library is known by.
        origin: Origin::Dir {
            root,
            index: canonical.clone(),
        },
        title: None,
        entries: vec![Entry {
            title: crate::document::sanitize::sanitize_line(&title),
            description: String::new(),
            group: Vec::new(),
            language: None,
            link: canonical.to_string_lossy().into_owned(),
            line: 0,
            target: Target::File(canonical),
        }],
    })
}

impl Origin {
    /// The name a library is remembered by: its INDEX.md's canonical path, or `bundled`.
    pub fn key(&self) -> String {
        match self {
            Origin::Dir { index, .. } => index.to_string_lossy().into_owned(),
            Origin::Bundled => "bundled".into(),
        }
    }
}

/// A loaded library: its title (the first level-1 heading) and entries in INDEX.md order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Library {
    pub origin: Origin,
    pub title: Option<String>,
    pub entries: Vec<Entry>,
}

impl Library {
    /// Resolves an entry's link (file-system work, see [`resolve`]): what its target is now.
    /// `None` for an entry that does not exist.
    pub fn check_entry(&self, entry: usize) -> Option<Target> {
        let link = &self.entries.get(entry)?.link;
        Some(match &self.origin {
            Origin::Dir { root, .. } => resolve(link, root),
            Origin::Bundled => bundled::resolve_bundled(link),
        })
    }

    /// The entries not checked yet, with their links, in order: what the background thread
    /// is given to check.
    pub fn unchecked(&self) -> Vec<(usize, String)> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| !e.target.is_checked())
            .map(|(i, e)| (i, e.link.clone()))
            .collect()
    }

    /// [`Library::check_all`] on a shared library: copied first only when an entry is
    /// still unchecked (a copy of 100,000 entries took 17-30 ms).
    pub fn check_all_shared(library: &mut std::sync::Arc<Library>) {
        if library.entries.iter().any(|e| !e.target.is_checked()) {
            std::sync::Arc::make_mut(library).check_all();
        }
    }

    /// Checks again the links of the entries whose problem is one of what is on disk
    /// ([`EntryProblem::may_change`]: a file missing when INDEX.md was read may be there
    /// now), and takes what they lead to now. A shared library is copied only when one
    /// changed. An article that could not be opened is left as it is: its link leads to a
    /// file all right (checking it again would find a change every time), and opening it
    /// again is what tells.
    pub fn check_problems_again(library: &mut std::sync::Arc<Library>) {
        let now: Vec<(usize, Target)> = library
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                matches!(&e.target, Target::Problem(p)
                    if p.may_change() && !matches!(p, EntryProblem::NotOpened(_)))
            })
            .filter_map(|(i, e)| {
                let target = library.check_entry(i)?;
                (target != e.target).then_some((i, target))
            })
            .collect();
        if now.is_empty() {
            return;
        }
        let library = std::sync::Arc::make_mut(library);
        for (i, target) in now {
            library.entries[i].target = target;
        }
    }

    /// Resolves every entry not checked yet.
    pub fn check_all(&mut self) {
        for i in 0..self.entries.len() {
            if !self.entries[i].target.is_checked()
                && let Some(target) = self.check_entry(i)
            {
                self.entries[i].target = target;
            }
        }
    }
}

/// What [`open_library`] left for later: the rest of INDEX.md, if any, and the checking of
/// the entries it did not check.
#[derive(Debug)]
pub struct LibraryRest {
    parts: IndexParts,
    /// Resolves links in the library folder.
    resolver: Resolver,
    /// INDEX.md, open where [`open_library`] stopped reading it, until the rest is read.
    unread: Option<(PathBuf, std::io::Take<std::fs::File>)>,
    /// Where the library is.
    origin: Origin,
}

/// The entries of the next part of an index, unchecked.
#[derive(Debug)]
pub struct RestPart {
    /// The index title, if known by now.
    pub title: Option<String>,
    pub entries: Vec<Entry>,
    /// This was the last part.
    pub done: bool,
    /// These entries replace all the entries so far: the rest of INDEX.md showed that the
    /// parts cut before could be wrong (see [`IndexParts::append`]); they are all of it.
    pub replace: bool,
    /// The rest of INDEX.md could not be read: the entries so far are all there are.
    pub error: Option<ReadError>,
}

impl LibraryRest {
    /// Parses the next part, reading the rest of INDEX.md first if [`open_library`] read
    /// only its start (file-system work, once). Its entries are [`Target::Unchecked`].
    pub fn next_part(&mut self) -> RestPart {
        let mut replace = false;
        if let Some((path, mut file)) = self.unread.take() {
            let mut rest = Vec::new();
            let read = file
                .read_to_end(&mut rest)
                .map_err(|e| ReadError::from_io(&path, e))
                .and_then(|_| {
                    let size = self.parts.read_len() as u64 + rest.len() as u64;
                    if size > INDEX_READ_CAP {
                        return Err(ReadError::TooLarge {
                            path: path.clone(),
                            size,
                            cap: INDEX_READ_CAP,
                        });
                    }
                    Ok(())
                });
            if let Err(error) = read {
                self.parts.give_up();
                return RestPart {
                    title: self.parts.title().map(str::to_owned),
                    entries: Vec::new(),
                    done: true,
                    replace: false,
                    error: Some(error),
                };
            }
            replace = self.parts.append(&rest);
        }
        let entries = self
            .parts
            .next_part(PART_BYTES)
            .into_iter()
            .map(|raw| Entry::from_raw(raw, Target::Unchecked))
            .collect();
        RestPart {
            title: self.parts.title().map(str::to_owned),
            entries,
            done: self.parts.is_done(),
            replace,
            error: None,
        }
    }

    pub fn is_done(&self) -> bool {
        self.parts.is_done()
    }

    /// Parses every part left into `library` (which [`open_library`] gave with this),
    /// unchecked.
    pub fn read_into(mut self, library: &mut Library) -> Result<(), LibraryError> {
        while !self.is_done() {
            let part = self.next_part();
            if let Some(error) = part.error {
                return Err(LibraryError::Index(error));
            }
            library.title = part.title;
            if part.replace {
                library.entries.clear();
            }
            library.entries.extend(part.entries);
        }
        Ok(())
    }

    /// This library with these entries (all of them, unchecked: a part that
    /// [replaces](RestPart::replace) the ones before).
    pub fn library(&self, title: Option<String>, entries: Vec<Entry>) -> Library {
        Library {
            origin: self.origin.clone(),
            title,
            entries,
        }
    }

    /// Resolves a link of this library (file-system work, see [`resolve`]).
    pub fn check(&mut self, link: &str) -> Target {
        self.resolver.resolve(link)
    }
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
/// replaced, so one bad byte does not lose the whole list. Every entry is parsed and checked.
pub fn load_library(path: &Path) -> Result<Library, LibraryError> {
    let (mut library, rest) = open_library(path)?;
    if let Some(rest) = rest {
        rest.read_into(&mut library)?;
    }
    library.check_all();
    Ok(library)
}

/// Opens the library at `path` as [`load_library`] does, but parses only a first part of
/// INDEX.md (about [`FIRST_ENTRIES`] entries, fewer if the index cannot be cut soon, or all
/// of a small one) and checks only its first [`FIRST_ENTRIES`] entries; the others come
/// [`Target::Unchecked`]. The rest of the index, if any, is left to the returned
/// [`LibraryRest`].
pub fn open_library(path: &Path) -> Result<(Library, Option<LibraryRest>), LibraryError> {
    open_library_first(path, FIRST_ENTRIES)
}

/// [`open_library`], parsing and checking about `first` entries (at least one, at most
/// [`FIRST_ENTRIES`]) before it returns: a screen of `n` rows shows at most `n` entries, and
/// each entry parsed and checked before the first frame delays it.
pub fn open_library_first(
    path: &Path,
    first: usize,
) -> Result<(Library, Option<LibraryRest>), LibraryError> {
    let first = first.clamp(1, FIRST_ENTRIES);
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
    let index_error = |e| match e {
        ReadError::NotFound { .. } if meta.is_dir() => LibraryError::NoIndex {
            dir: folder.clone(),
        },
        other => LibraryError::Index(other),
    };
    // The start of INDEX.md: the first part needs no more, and a large index is not read
    // (nor its buffer filled) before the first frame.
    let (file, size) = open_path(&index, INDEX_READ_CAP).map_err(index_error)?;
    let mut file = file.into_inner();
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(FIRST_READ)).unwrap_or(0));
    (&mut file)
        .take(FIRST_READ)
        .read_to_end(&mut bytes)
        .map_err(|e| index_error(ReadError::from_io(&index, e)))?;
    let more = bytes.len() as u64 == FIRST_READ;
    let canonical = |p: &Path| {
        std::fs::canonicalize(p).map_err(|source| LibraryError::Io {
            path: p.to_owned(),
            source,
        })
    };
    let root = canonical(&folder)?;
    let index = canonical(&index)?;
    let mut parts = IndexParts::new(bytes);
    if more {
        parts = parts.expecting_more();
    }
    let mut raw = Vec::new();
    while !parts.is_done() && raw.len() < first {
        match parts.next_part_within(FIRST_STEP, FIRST_STEP_MAX) {
            Some(entries) => raw.extend(entries),
            None => break,
        }
    }
    let mut resolver = Resolver::new(root.clone());
    let entries: Vec<Entry> = raw
        .into_iter()
        .enumerate()
        .map(|(i, raw)| {
            let target = if i < first {
                resolver.resolve(&raw.link)
            } else {
                Target::Unchecked
            };
            Entry::from_raw(raw, target)
        })
        .collect();
    let parts_title = parts.title().map(str::to_owned);
    let rest =
        (!parts.is_done() || entries.iter().any(|e| !e.target.is_checked())).then(|| LibraryRest {
            parts,
            resolver,
            unread: more.then(|| (index.clone(), file.take(INDEX_READ_CAP + 1))),
            origin: Origin::Dir {
                root: root.clone(),
                index: index.clone(),
            },
        });
    let library = Library {
        origin: Origin::Dir { root, index },
        title: parts_title,
        entries,
    };
    Ok((library, rest))
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
            e[0].key(&library.origin).as_deref(),
            Some(&*root.join("notes/a.txt").to_string_lossy())
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

    /// An entry whose file was missing, or led out of the library, is checked again by a
    /// search: the file that came back is searched (it never was while blatt ran).
    #[test]
    fn problems_of_what_is_on_disk_are_checked_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        fs::write(
            root.join("INDEX.md"),
            "# T\n\n- [A](a.md)\n- [Web](https://example.org/)\n- [B](b.md)\n",
        )
        .unwrap();
        fs::write(root.join("b.md"), "# B\n").unwrap();
        let mut library = load_library(root).expect("library");
        library.check_all();
        assert!(matches!(
            library.entries[0].target,
            Target::Problem(EntryProblem::Missing(_))
        ));
        // An article that could not be opened stays so (its link leads to a file).
        fs::write(root.join("c.bin"), [0u8, 159, 146, 150]).unwrap();
        library.entries.push(Entry {
            link: "c.bin".into(),
            target: Target::Problem(EntryProblem::NotOpened("not text".into())),
            ..library.entries[2].clone()
        });
        let mut shared = std::sync::Arc::new(library);
        let before = std::sync::Arc::clone(&shared);
        // Nothing changed: nothing copied.
        Library::check_problems_again(&mut shared);
        assert!(std::sync::Arc::ptr_eq(&shared, &before));
        fs::write(root.join("a.md"), "# A\n").unwrap();
        Library::check_problems_again(&mut shared);
        assert!(matches!(&shared.entries[0].target, Target::File(p) if p.ends_with("a.md")));
        assert!(matches!(
            shared.entries[1].target,
            Target::Problem(EntryProblem::Url(_))
        ));
        assert_eq!(shared.entries[2].target, before.entries[2].target);
        assert_eq!(shared.entries[3].target, before.entries[3].target);
        // The reader's own library is left as it was.
        assert!(matches!(
            before.entries[0].target,
            Target::Problem(EntryProblem::Missing(_))
        ));
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
    fn every_library_key_opens_its_library_again() {
        let (bundled, _) = open_key("bundled").expect("the bundled library");
        assert_eq!(bundled.origin, Origin::Bundled);
        let dir = tempfile::tempdir().expect("tempdir");
        let root = fs::canonicalize(dir.path()).expect("canonical");
        fs::write(root.join("a.txt"), "Text").expect("write");
        fs::write(root.join(INDEX_FILE), "# L\n\n- [A](a.txt)\n").expect("write");
        let article = single_article(&root.join("a.txt")).expect("article");
        for library in [load_library(&root).expect("library"), article] {
            let key = library.origin.key();
            let (again, _) = open_key(&key).expect("opens again");
            assert_eq!(again.origin.key(), key);
            assert_eq!(again.entries.len(), 1);
        }
        assert!(open_key(&root.join("gone").to_string_lossy()).is_err());
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

    /// A library folder of `entries` entries, every third one's file present, a heading
    /// every 20 entries unless `flat`, and `tail` appended to INDEX.md.
    fn large(entries: usize, flat: bool, tail: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = fs::canonicalize(dir.path()).expect("canonical");
        let mut index = String::from("# Large\n\n");
        for i in 0..entries {
            if !flat && i % 20 == 0 {
                index.push_str(&format!("\n## Group {i}\n\n"));
            }
            if i % 3 == 0 {
                fs::write(root.join(format!("{i}.txt")), "x").expect("write");
            }
            index.push_str(&format!("- [E{i}]({i}.txt) — about {i}\n"));
        }
        index.push_str(tail);
        fs::write(root.join(INDEX_FILE), index).expect("write");
        (dir, root)
    }

    /// `open_library`, then the rest parsed and everything checked.
    fn completed(root: &Path) -> Library {
        completed_from(root, FIRST_ENTRIES)
    }

    /// The library opened with a first part for `rows` rows, then read and checked whole.
    fn completed_from(root: &Path, rows: usize) -> Library {
        let (mut library, rest) = open_library_first(root, rows).expect("library");
        let first = library.entries.len();
        if let Some(rest) = rest {
            rest.read_into(&mut library).expect("the rest");
        }
        assert!(
            library.entries[first..]
                .iter()
                .all(|e| e.target == Target::Unchecked)
        );
        library.check_all();
        library
    }

    #[test]
    fn a_large_index_opens_with_a_checked_first_part() {
        let (_dir, root) = large(2_000, false, "");
        let (first, rest) = open_library(&root).expect("library");
        let rest = rest.expect("a rest");
        assert!(!rest.is_done());
        assert!((FIRST_ENTRIES..2_000).contains(&first.entries.len()));
        let (checked, unchecked) = first.entries.split_at(FIRST_ENTRIES);
        assert!(checked.iter().all(|e| e.target.is_checked()));
        assert!(unchecked.iter().all(|e| e.target == Target::Unchecked));
        assert_eq!(first.title.as_deref(), Some("Large"));
        let eager = load_library(&root).expect("library");
        assert_eq!(eager.entries.len(), 2_000);
        assert_eq!(checked, &eager.entries[..FIRST_ENTRIES]);
        assert_eq!(completed(&root), eager);
    }

    #[test]
    fn a_first_part_for_a_small_screen_parses_and_checks_about_its_rows() {
        let (_dir, root) = large(2_000, false, "");
        // Entries as long as those of a real index (about 150 bytes).
        let index = root.join(INDEX_FILE);
        let text = fs::read_to_string(&index).expect("read");
        let long: String = text
            .lines()
            .map(|line| match line.starts_with("- [") {
                true => format!("{line}{}\n", " and a longer description".repeat(5)),
                false => format!("{line}\n"),
            })
            .collect();
        fs::write(&index, long).expect("write");
        let eager = load_library(&root).expect("library");
        for (rows, checked_count) in [(10, 10), (0, 1), (1_000, FIRST_ENTRIES)] {
            let (first, rest) = open_library_first(&root, rows).expect("library");
            assert!(!rest.expect("a rest").is_done());
            // Parsed in steps of a dozen entries or so: not many more than asked for.
            assert!(
                (checked_count..checked_count + 40).contains(&first.entries.len()),
                "{rows} rows: {} entries",
                first.entries.len()
            );
            let (checked, unchecked) = first.entries.split_at(checked_count);
            assert!(checked.iter().all(|e| e.target.is_checked()));
            assert!(unchecked.iter().all(|e| e.target == Target::Unchecked));
            assert_eq!(checked, &eager.entries[..checked_count]);
            assert_eq!(completed_from(&root, rows), eager);
        }
    }

    #[test]
    fn an_index_that_cannot_be_cut_is_left_to_the_background() {
        // A reference definition in the start read keeps the index in one part, too long
        // to parse before the first frame.
        let (_dir, root) = large(8_000, false, "");
        let index = root.join(INDEX_FILE);
        let text = fs::read_to_string(&index).expect("read");
        fs::write(&index, format!("[r]: 3.txt\n\n- [Ref][r]\n\n{text}")).expect("write");
        assert!(fs::metadata(&index).expect("size").len() > FIRST_STEP_MAX as u64);
        let (first, rest) = open_library(&root).expect("library");
        assert!(first.entries.is_empty());
        assert!(!rest.expect("a rest").is_done());
        let eager = load_library(&root).expect("library");
        assert_eq!(eager.entries.len(), 8_001);
        assert_eq!(eager.entries[0].target, Target::File(root.join("3.txt")));
        assert_eq!(completed(&root), eager);
    }

    #[test]
    fn a_first_part_that_reaches_the_end_leaves_the_rest_unchecked() {
        // One list (cut only before its items): the first step reaches its end.
        let (_dir, root) = large(70, true, "");
        let (first, rest) = open_library(&root).expect("library");
        assert_eq!(first.entries.len(), 70);
        assert!(
            first.entries[..FIRST_ENTRIES]
                .iter()
                .all(|e| e.target.is_checked())
        );
        assert!(
            first.entries[FIRST_ENTRIES..]
                .iter()
                .all(|e| e.target == Target::Unchecked)
        );
        assert!(rest.expect("checking left").is_done());
        assert_eq!(completed(&root), load_library(&root).expect("library"));
    }

    #[test]
    fn a_large_index_is_read_past_its_start_only_with_the_rest() {
        let (_dir, root) = large(40_000, true, "");
        assert!(fs::metadata(root.join(INDEX_FILE)).expect("size").len() > FIRST_READ);
        let (first, rest) = open_library(&root).expect("library");
        let mut rest = rest.expect("a rest");
        assert!((FIRST_ENTRIES..1_000).contains(&first.entries.len()));
        assert_eq!(
            rest.parts.read_len() as u64,
            FIRST_READ,
            "only the start was read"
        );
        let part = rest.next_part();
        assert!(!part.replace && part.error.is_none());
        assert!(rest.parts.read_len() as u64 > FIRST_READ);
        assert_eq!(completed(&root), load_library(&root).expect("library"));
    }

    #[test]
    fn a_reference_definition_past_the_start_read_makes_the_rest_replace_the_first_part() {
        // The first part was cut from the start of INDEX.md; the definition at its end
        // applies to the whole, so the whole, parsed as one, replaces it.
        let (_dir, root) = large(40_000, false, "\n- [Ref][r]\n\n[r]: 3.txt\n");
        let (first, rest) = open_library(&root).expect("library");
        assert!(!first.entries.is_empty());
        let mut rest = rest.expect("a rest");
        let part = rest.next_part();
        assert!(part.replace);
        assert_eq!(part.entries.len(), 40_001);
        assert!(rest.is_done());
        let eager = load_library(&root).expect("library");
        assert_eq!(
            eager.entries[40_000].target,
            Target::File(root.join("3.txt"))
        );
        assert_eq!(completed(&root), eager);
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
