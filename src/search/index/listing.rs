//! The library as the last search loaded it, kept in the cache directory so that the next
//! search of a large library need not parse its INDEX.md and resolve every link again (at
//! 100,000 entries that is about a second; the rest of a search through the index, a
//! fraction of that).
//!
//! Kept: the parsed entries, and for each entry whose link led straight to a file (a
//! relative path of plain names that resolved to itself: no `.`, `..` or symbolic link on
//! the way), the folders on its way. The listing is used only while INDEX.md is the same
//! file with the same size, modification and change time (so the same text, hence the
//! same entries). Resolving such a link gives the same file again exactly when every
//! folder on its way is still a folder and not a symbolic link, and the file is still a
//! regular file and not a symbolic link: one `lstat` per folder (a hundred for 100,000
//! articles in folders of 1,000), and for the file the `lstat` the index takes anyway to
//! see whether the article changed ([`FileStamps`]). Any other entry (a problem, a link
//! through a symbolic link, a file that is not a regular file now) is resolved again as
//! [`crate::library::load_library`] does. So a library opened here is the library
//! `load_library` would give.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{FileStamps, Looker, Reader, Writer, parallel};
use crate::library::{
    Entry, INDEX_FILE, Library, LibraryError, Origin, Target, open_library, resolve,
};

const FORMAT: &[u8] = b"blatt-library 2\n";
/// "No folder": an entry or folder right in the library folder.
const ROOT: u64 = u64::MAX;

/// A library opened by [`open`], with the files of its entries as they were looked at.
#[derive(Debug)]
pub struct Opened {
    pub library: Library,
    /// One per entry: the look the index needs to see what changed.
    pub files: FileStamps,
    /// Whether the listing in the cache directory was used (else INDEX.md was parsed and
    /// every link resolved, and the listing written for next time).
    pub cached: bool,
}

/// Opens the library at `path` (a folder holding INDEX.md, or an INDEX.md): from the
/// listing kept under `cache` when INDEX.md has not changed since, else as
/// [`crate::library::load_library`] does (links resolved on a few threads), keeping a
/// listing for next time. Errors are those of `load_library`.
pub fn open(path: &Path, cache: &Path) -> Result<Opened, LibraryError> {
    open_with(path, cache, Fields::All)
}

/// [`open`], reading from the listing only the `fields` needed.
pub fn open_with(path: &Path, cache: &Path, fields: Fields) -> Result<Opened, LibraryError> {
    let place = Place::of(path);
    if let Some(place) = &place
        && let Some(opened) = from_listing(place, cache, fields)
    {
        return Ok(opened);
    }
    let library = load(path)?;
    let files = FileStamps::of(&library);
    if let Some(place) = place
        && library.origin
            == (Origin::Dir {
                root: place.root.clone(),
                index: place.index.clone(),
            })
    {
        // Best effort: it is only a cache.
        let _ = save(cache, &place, &library);
    }
    Ok(Opened {
        library,
        files,
        cached: false,
    })
}

/// The INDEX.md of the library at `path` (a folder holding one, or an INDEX.md),
/// canonical, as [`open`] finds it; `None` when something is amiss (then opening the
/// library says what).
pub fn index_md(path: &Path) -> Option<PathBuf> {
    Place::of(path).map(|place| place.index)
}

/// Where the listing of the library whose INDEX.md is `index` (canonical) is kept.
pub fn listing_path(cache: &Path, index: &Path) -> PathBuf {
    let dir = super::index_dir(cache, index);
    let name = dir.file_name().map(ToOwned::to_owned).unwrap_or_default();
    cache.join("library").join(name)
}

/// [`crate::library::load_library`], with the links resolved on a few threads.
fn load(path: &Path) -> Result<Library, LibraryError> {
    let (mut library, rest) = open_library(path)?;
    if let Some(rest) = rest {
        rest.read_into(&mut library)?;
    }
    let checked = parallel(
        library.entries.len(),
        || (),
        |(), i| {
            if library.entries[i].target.is_checked() {
                None
            } else {
                library.check_entry(i)
            }
        },
    );
    for (entry, target) in library.entries.iter_mut().zip(checked) {
        if let Some(target) = target {
            entry.target = target;
        }
    }
    Ok(library)
}

/// A library's folder and INDEX.md, canonical, and how INDEX.md looked before it was read.
struct Place {
    root: PathBuf,
    index: PathBuf,
    stamp: [u64; 5],
}

impl Place {
    /// As [`open_library`] finds them; `None` when something is amiss (then the library
    /// is loaded as ever, which says what).
    fn of(path: &Path) -> Option<Place> {
        let meta = std::fs::metadata(path).ok()?;
        let (folder, index) = if meta.is_dir() {
            (path.to_owned(), path.join(INDEX_FILE))
        } else {
            let folder = match path.parent() {
                Some(parent) if !parent.as_os_str().is_empty() => parent.to_owned(),
                _ => PathBuf::from("."),
            };
            (folder, path.to_owned())
        };
        let root = std::fs::canonicalize(folder).ok()?;
        let index = std::fs::canonicalize(index).ok()?;
        let stamp = index_stamp(&std::fs::metadata(&index).ok()?)?;
        Some(Place { root, index, stamp })
    }
}

/// Device, inode, size, modification and change time of INDEX.md: any edit changes one
/// (the change time cannot be set back by hand, unlike the modification time).
#[cfg(unix)]
fn index_stamp(meta: &std::fs::Metadata) -> Option<[u64; 5]> {
    use std::os::unix::fs::MetadataExt;
    let nanos = |s: i64, ns: i64| {
        u64::try_from(s)
            .ok()?
            .checked_mul(1_000_000_000)?
            .checked_add(u64::try_from(ns).ok()?)
    };
    Some([
        meta.dev(),
        meta.ino(),
        meta.len(),
        nanos(meta.mtime(), meta.mtime_nsec())?,
        nanos(meta.ctime(), meta.ctime_nsec())?,
    ])
}

/// Without a change time, an edit that keeps the size and sets the modification time back
/// would go unseen: no listing is used.
#[cfg(not(unix))]
fn index_stamp(_: &std::fs::Metadata) -> Option<[u64; 5]> {
    None
}

/// How an entry's target is found again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kept<'a> {
    /// Resolve the link again.
    Resolve,
    /// The file `name` in folder `dir` (an index into the folders, or [`ROOT`]).
    File { dir: u64, name: &'a str },
}

/// An entry as kept (its strings in the listing's bytes).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item<'a> {
    title: &'a str,
    /// Description, group and language: read for a whole library only ([`Fields::All`]).
    rest: Option<(&'a str, Vec<&'a str>, Option<&'a str>)>,
    link: &'a str,
    line: u64,
    kept: Kept<'a>,
}

/// The listing as kept: the entries, and the folders their files are in, each after its
/// parent.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listing<'a> {
    index: &'a str,
    root: &'a str,
    stamp: [u64; 5],
    title: Option<&'a str>,
    /// Parent ([`ROOT`] or an earlier folder) and name.
    dirs: Vec<(u64, &'a str)>,
    items: Vec<Item<'a>>,
}

/// How much of each entry [`open_with`] reads from a listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fields {
    /// Everything: the library [`crate::library::load_library`] gives.
    All,
    /// What a search shows and reads: title and target (and the link where the entry is
    /// resolved again). Description, group and language are left empty, which spares a
    /// search of 100,000 articles 400,000 allocations.
    Search,
}

fn save(cache: &Path, place: &Place, library: &Library) -> std::io::Result<()> {
    let invalid = || std::io::Error::from(std::io::ErrorKind::InvalidData);
    let mut dirs: Vec<(u64, &str)> = Vec::new();
    let mut dir_ids: HashMap<&str, u64> = HashMap::new();
    let mut items = Vec::with_capacity(library.entries.len());
    for entry in &library.entries {
        let kept = match kept_file(&place.root, entry) {
            Some(rel) => {
                // Each folder on the way ("a", "a/000"), once, after its parent.
                let mut dir = ROOT;
                let mut start = 0;
                while let Some(slash) = rel[start..].find('/') {
                    let end = start + slash;
                    let parent = dir;
                    dir = *dir_ids.entry(&rel[..end]).or_insert_with(|| {
                        dirs.push((parent, &rel[start..end]));
                        dirs.len() as u64 - 1
                    });
                    start = end + 1;
                }
                Kept::File {
                    dir,
                    name: &rel[start..],
                }
            }
            None => Kept::Resolve,
        };
        items.push(Item {
            title: &entry.title,
            rest: Some((
                &entry.description,
                entry.group.iter().map(String::as_str).collect(),
                entry.language.as_deref(),
            )),
            link: &entry.link,
            line: entry.line as u64,
            kept,
        });
    }
    let listing = Listing {
        index: place.index.to_str().ok_or_else(invalid)?,
        root: place.root.to_str().ok_or_else(invalid)?,
        stamp: place.stamp,
        title: library.title.as_deref(),
        dirs,
        items,
    };
    let path = listing_path(cache, &place.index);
    let folder = path.parent().ok_or_else(invalid)?;
    std::fs::create_dir_all(folder)?;
    let temp = folder.join(format!(
        ".{}.{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&temp, listing.encode())?;
    std::fs::rename(&temp, &path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

/// The entry's link, when it led straight to its file: a relative path of plain names,
/// written exactly as the file's place under `root`.
fn kept_file<'a>(root: &Path, entry: &'a Entry) -> Option<&'a str> {
    let Target::File(path) = &entry.target else {
        return None;
    };
    let link = entry.link.split('#').next().unwrap_or(&entry.link);
    let plain = !link.is_empty() && link.split('/').all(plain_name);
    (plain && path.strip_prefix(root).ok()? == Path::new(link) && path.to_str().is_some())
        .then_some(link)
}

/// A name of a file or folder, not a way elsewhere.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && memchr::memchr2(b'/', 0, name.as_bytes()).is_none()
}

fn from_listing(place: &Place, cache: &Path, fields: Fields) -> Option<Opened> {
    let bytes = std::fs::read(listing_path(cache, &place.index)).ok()?;
    let listing = Lazy::decode(&bytes)?;
    if listing.stamp != place.stamp
        || Path::new(listing.index) != place.index
        || Path::new(listing.root) != place.root
    {
        return None;
    }
    // Each folder: its path, and whether it is still a folder (not a symbolic link) all
    // the way from the library folder.
    let mut dirs: Vec<(PathBuf, bool)> = Vec::with_capacity(listing.dirs.len());
    for &(parent, name) in &listing.dirs {
        let (base, ok) = if parent == ROOT {
            (place.root.as_path(), true)
        } else {
            let (path, ok) = dirs.get(usize::try_from(parent).ok()?)?;
            (path.as_path(), *ok)
        };
        if !plain_name(name) {
            return None;
        }
        let path = base.join(name);
        let ok = ok && std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        dirs.push((path, ok));
    }
    let root = &place.root;
    // Each entry is decoded, its file looked at and the entry made on one of a few
    // threads, each taking a run of entries: decoding and making 100,000 entries on one
    // thread took as long as looking at a third of the files.
    let count = listing.len();
    let mut entries: Vec<Entry> = (0..count).map(|_| placeholder()).collect();
    let mut files: Vec<Option<super::FileStat>> = vec![None; count];
    let damaged = std::sync::atomic::AtomicBool::new(false);
    super::parallel_chunks(
        &mut entries,
        &mut files,
        Looker::default,
        |looker, i, entry, file| {
            let Some(item) = listing.item(i, fields) else {
                damaged.store(true, std::sync::atomic::Ordering::Relaxed);
                return;
            };
            let (target, stat, kept) = find_target(&item, root, &dirs, looker);
            *file = stat;
            let (description, group, language) = item.rest.unwrap_or_default();
            *entry = Entry {
                title: item.title.to_string(),
                description: description.to_string(),
                group: group.into_iter().map(str::to_string).collect(),
                language: language.map(str::to_string),
                link: if kept && fields == Fields::Search {
                    String::new()
                } else {
                    item.link.to_string()
                },
                line: usize::try_from(item.line).unwrap_or(usize::MAX),
                target,
            };
        },
    );
    if damaged.into_inner() {
        return None;
    }
    Some(Opened {
        library: Library {
            origin: Origin::Dir {
                root: place.root.clone(),
                index: place.index.clone(),
            },
            title: listing.title.map(str::to_string),
            entries,
        },
        files: FileStamps::from_files(files),
        cached: true,
    })
}

/// An entry to be overwritten (allocates nothing).
fn placeholder() -> Entry {
    Entry {
        title: String::new(),
        description: String::new(),
        group: Vec::new(),
        language: None,
        link: String::new(),
        line: 0,
        target: Target::Unchecked,
    }
}

/// The target of a kept entry: its file in its folder, when every folder on the way and
/// the file are still what they were (then `true`), else the link resolved again; with the
/// look at the file the index needs.
fn find_target(
    item: &Item,
    root: &Path,
    dirs: &[(PathBuf, bool)],
    looker: &mut Looker,
) -> (Target, Option<super::FileStat>, bool) {
    if let Kept::File { dir, name } = item.kept
        && plain_name(name)
    {
        let folder = if dir == ROOT {
            Some(root)
        } else {
            usize::try_from(dir)
                .ok()
                .and_then(|d| dirs.get(d))
                .and_then(|(path, ok)| ok.then_some(path.as_path()))
        };
        if let Some(folder) = folder {
            let path = folder.join(name);
            if let Some(stat) = looker.look_in(folder, name.as_ref(), &path) {
                return (Target::File(path), Some(stat), true);
            }
        }
    }
    let target = resolve(item.link, root);
    let stat = match &target {
        Target::File(path) => looker.look(path),
        _ => None,
    };
    (target, stat, false)
}

/// A listing as kept, its entries not decoded yet: each is found by its place in a table
/// after the folders and decoded when it is wanted ([`Lazy::item`]), so that the entries
/// can be decoded on several threads at once.
struct Lazy<'a> {
    index: &'a str,
    root: &'a str,
    stamp: [u64; 5],
    title: Option<&'a str>,
    dirs: Vec<(u64, &'a str)>,
    /// Where each entry ends in `items`: four bytes each, little-endian.
    ends: &'a [u8],
    items: &'a [u8],
}

impl<'a> Lazy<'a> {
    /// `None` unless the listing is whole and its table of entries well-formed (the
    /// entries themselves are checked as they are decoded).
    fn decode(bytes: &'a [u8]) -> Option<Lazy<'a>> {
        let mut r = Reader(bytes.strip_prefix(FORMAT)?);
        let index = r.text()?;
        let root = r.text()?;
        let mut stamp = [0; 5];
        for n in &mut stamp {
            *n = r.u64()?;
        }
        let title = r.opt_text()?;
        let count = r.count()?;
        let mut dirs = Vec::with_capacity(count);
        for _ in 0..count {
            dirs.push((r.u64()?, r.text()?));
        }
        let count = r.count()?;
        let table = count.checked_mul(4).filter(|&n| n <= r.0.len())?;
        let (ends, items) = r.0.split_at(table);
        let lazy = Lazy {
            index,
            root,
            stamp,
            title,
            dirs,
            ends,
            items,
        };
        // The ends go up, the last at the end of the listing.
        let mut last = 0;
        for i in 0..count {
            let end = lazy.end(i);
            if end < last || end > items.len() {
                return None;
            }
            last = end;
        }
        (last == items.len()).then_some(lazy)
    }

    fn len(&self) -> usize {
        self.ends.len() / 4
    }

    fn end(&self, i: usize) -> usize {
        let at = i * 4;
        let mut word = [0u8; 4];
        word.copy_from_slice(&self.ends[at..at + 4]);
        u32::from_le_bytes(word) as usize
    }

    /// Entry `i`, with the `fields` wanted; `None` when it is damaged.
    fn item(&self, i: usize, fields: Fields) -> Option<Item<'a>> {
        let start = i.checked_sub(1).map_or(0, |p| self.end(p));
        let mut r = Reader(self.items.get(start..self.end(i))?);
        let item = decode_item(&mut r, fields)?;
        r.0.is_empty().then_some(item)
    }
}

/// One entry of a listing ([`Listing::encode`]).
fn decode_item<'a>(r: &mut Reader<'a>, fields: Fields) -> Option<Item<'a>> {
    let title = r.text()?;
    let rest = match fields {
        Fields::All => {
            let description = r.text()?;
            let groups = r.count()?;
            let group = (0..groups).map(|_| r.text()).collect::<Option<Vec<_>>>()?;
            Some((description, group, r.opt_text()?))
        }
        Fields::Search => {
            r.slice()?;
            for _ in 0..r.count()? {
                r.slice()?;
            }
            if r.byte()? == 1 {
                r.slice()?;
            }
            None
        }
    };
    let link = r.text()?;
    let line = r.u64()?;
    let kept = match r.byte()? {
        0 => Kept::Resolve,
        1 => Kept::File {
            dir: r.u64()?,
            name: r.text()?,
        },
        _ => return None,
    };
    Some(Item {
        title,
        rest,
        link,
        line,
        kept,
    })
}

impl<'a> Listing<'a> {
    fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(64 + self.items.len() * 96));
        w.0.extend_from_slice(FORMAT);
        w.str(self.index);
        w.str(self.root);
        for n in self.stamp {
            w.u64(n);
        }
        w.opt(self.title);
        w.u64(self.dirs.len() as u64);
        for &(parent, name) in &self.dirs {
            w.u64(parent);
            w.str(name);
        }
        w.u64(self.items.len() as u64);
        // The table of where each entry ends, then the entries.
        let mut items = Writer(Vec::with_capacity(self.items.len() * 96));
        let mut ends = Vec::with_capacity(self.items.len() * 4);
        for item in &self.items {
            items.str(item.title);
            let (description, group, language) = item.rest.clone().unwrap_or_default();
            items.str(description);
            items.u64(group.len() as u64);
            for g in group {
                items.str(g);
            }
            items.opt(language);
            items.str(item.link);
            items.u64(item.line);
            match item.kept {
                Kept::Resolve => items.0.push(0),
                Kept::File { dir, name } => {
                    items.0.push(1);
                    items.u64(dir);
                    items.str(name);
                }
            }
            // A listing over 4 GB is not written whole: it will not be used.
            ends.extend_from_slice(&u32::try_from(items.0.len()).unwrap_or(0).to_le_bytes());
        }
        w.0.extend_from_slice(&ends);
        w.0.extend_from_slice(&items.0);
        w.0
    }

    /// `None` for anything but a whole, well-formed listing.
    #[cfg(test)]
    fn decode(bytes: &'a [u8], fields: Fields) -> Option<Listing<'a>> {
        let lazy = Lazy::decode(bytes)?;
        let items = (0..lazy.len())
            .map(|i| lazy.item(i, fields))
            .collect::<Option<Vec<_>>>()?;
        Some(Listing {
            index: lazy.index,
            root: lazy.root,
            stamp: lazy.stamp,
            title: lazy.title,
            dirs: lazy.dirs,
            items,
        })
    }
}

#[cfg(test)]
mod tests;
