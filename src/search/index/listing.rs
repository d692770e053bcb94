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

use super::{FileStamps, FileStat, Reader, Writer, parallel};
use crate::library::{
    Entry, INDEX_FILE, Library, LibraryError, Origin, Target, open_library, resolve,
};

const FORMAT: &[u8] = b"blatt-library 1\n";
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
    let place = Place::of(path);
    if let Some(place) = &place
        && let Some(opened) = from_listing(place, cache)
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

/// Where the listing of the library whose INDEX.md is `index` (canonical) is kept.
pub fn listing_path(cache: &Path, index: &Path) -> PathBuf {
    let dir = super::index_dir(cache, index);
    let name = dir.file_name().map(ToOwned::to_owned).unwrap_or_default();
    cache.join("library").join(name)
}

/// [`crate::library::load_library`], with the links resolved on a few threads.
fn load(path: &Path) -> Result<Library, LibraryError> {
    let (mut library, rest) = open_library(path)?;
    if let Some(mut rest) = rest {
        while !rest.is_done() {
            let part = rest.next_part();
            library.title = part.title;
            library.entries.extend(part.entries);
        }
    }
    let checked = parallel(library.entries.len(), |i| {
        if library.entries[i].target.is_checked() {
            None
        } else {
            library.check_entry(i)
        }
    });
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
#[derive(Debug, Clone, PartialEq, Eq)]
enum Kept {
    /// Resolve the link again.
    Resolve,
    /// The file `name` in folder `dir` (an index into the folders, or [`ROOT`]).
    File { dir: u64, name: String },
}

/// The listing as kept: the entries, and the folders their files are in, each after its
/// parent.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Listing {
    index: String,
    root: String,
    stamp: [u64; 5],
    title: Option<String>,
    /// Parent ([`ROOT`] or an earlier folder) and name.
    dirs: Vec<(u64, String)>,
    entries: Vec<(Entry, Kept)>,
}

fn save(cache: &Path, place: &Place, library: &Library) -> std::io::Result<()> {
    let invalid = || std::io::Error::from(std::io::ErrorKind::InvalidData);
    let mut dirs: Vec<(u64, String)> = Vec::new();
    let mut dir_ids: HashMap<&str, u64> = HashMap::new();
    let mut entries = Vec::with_capacity(library.entries.len());
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
                        dirs.push((parent, rel[start..end].to_string()));
                        dirs.len() as u64 - 1
                    });
                    start = end + 1;
                }
                Kept::File {
                    dir,
                    name: rel[start..].to_string(),
                }
            }
            None => Kept::Resolve,
        };
        let mut entry = entry.clone();
        entry.target = Target::Unchecked;
        entries.push((entry, kept));
    }
    let listing = Listing {
        index: place.index.to_str().ok_or_else(invalid)?.to_string(),
        root: place.root.to_str().ok_or_else(invalid)?.to_string(),
        stamp: place.stamp,
        title: library.title.clone(),
        dirs,
        entries,
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

fn from_listing(place: &Place, cache: &Path) -> Option<Opened> {
    let bytes = std::fs::read(listing_path(cache, &place.index)).ok()?;
    let listing = Listing::decode(&bytes)?;
    if listing.stamp != place.stamp
        || Path::new(&listing.index) != place.index
        || Path::new(&listing.root) != place.root
    {
        return None;
    }
    // Each folder: its path, and whether it is still a folder (not a symbolic link) all
    // the way from the library folder.
    let mut dirs: Vec<(PathBuf, bool)> = Vec::with_capacity(listing.dirs.len());
    for (parent, name) in &listing.dirs {
        let (base, ok) = if *parent == ROOT {
            (place.root.as_path(), true)
        } else {
            let (path, ok) = dirs.get(usize::try_from(*parent).ok()?)?;
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
    let found = parallel(listing.entries.len(), |i| {
        let (entry, kept) = &listing.entries[i];
        if let Kept::File { dir, name } = kept
            && plain_name(name)
        {
            let folder = if *dir == ROOT {
                Some(root.as_path())
            } else {
                usize::try_from(*dir)
                    .ok()
                    .and_then(|d| dirs.get(d))
                    .and_then(|(path, ok)| ok.then_some(path.as_path()))
            };
            if let Some(folder) = folder {
                let path = folder.join(name);
                if let Some(stat) = FileStat::of(&path) {
                    return (Target::File(path), Some(stat));
                }
            }
        }
        let target = resolve(&entry.link, root);
        let stat = match &target {
            Target::File(path) => FileStat::of(path),
            _ => None,
        };
        (target, stat)
    });
    let mut files = Vec::with_capacity(found.len());
    let entries = listing
        .entries
        .into_iter()
        .zip(found)
        .map(|((mut entry, _), (target, stat))| {
            entry.target = target;
            files.push(stat);
            entry
        })
        .collect();
    Some(Opened {
        library: Library {
            origin: Origin::Dir {
                root: place.root.clone(),
                index: place.index.clone(),
            },
            title: listing.title,
            entries,
        },
        files: FileStamps::from_files(files),
        cached: true,
    })
}

impl Listing {
    fn encode(&self) -> Vec<u8> {
        let mut w = Writer(Vec::with_capacity(64 + self.entries.len() * 160));
        w.0.extend_from_slice(FORMAT);
        w.str(&self.index);
        w.str(&self.root);
        for n in self.stamp {
            w.u64(n);
        }
        w.opt(self.title.as_deref());
        w.u64(self.dirs.len() as u64);
        for (parent, name) in &self.dirs {
            w.u64(*parent);
            w.str(name);
        }
        w.u64(self.entries.len() as u64);
        for (entry, kept) in &self.entries {
            w.str(&entry.title);
            w.str(&entry.description);
            w.u64(entry.group.len() as u64);
            for g in &entry.group {
                w.str(g);
            }
            w.opt(entry.language.as_deref());
            w.str(&entry.link);
            w.u64(entry.line as u64);
            match kept {
                Kept::Resolve => w.0.push(0),
                Kept::File { dir, name } => {
                    w.0.push(1);
                    w.u64(*dir);
                    w.str(name);
                }
            }
        }
        w.0
    }

    /// `None` for anything but a whole, well-formed listing.
    fn decode(bytes: &[u8]) -> Option<Listing> {
        let mut r = Reader(bytes.strip_prefix(FORMAT)?);
        let index = r.str()?;
        let root = r.str()?;
        let mut stamp = [0; 5];
        for n in &mut stamp {
            *n = r.u64()?;
        }
        let title = r.opt()?;
        let count = r.count()?;
        let mut dirs = Vec::with_capacity(count);
        for _ in 0..count {
            dirs.push((r.u64()?, r.str()?));
        }
        let count = r.count()?;
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            let title = r.str()?;
            let description = r.str()?;
            let groups = r.count()?;
            let group = (0..groups).map(|_| r.str()).collect::<Option<Vec<_>>>()?;
            let language = r.opt()?;
            let link = r.str()?;
            let line = usize::try_from(r.u64()?).ok()?;
            let kept = match r.byte()? {
                0 => Kept::Resolve,
                1 => Kept::File {
                    dir: r.u64()?,
                    name: r.str()?,
                },
                _ => return None,
            };
            let entry = Entry {
                title,
                description,
                group,
                language,
                link,
                line,
                target: Target::Unchecked,
            };
            entries.push((entry, kept));
        }
        r.0.is_empty().then_some(Listing {
            index,
            root,
            stamp,
            title,
            dirs,
            entries,
        })
    }
}

#[cfg(test)]
mod tests;
