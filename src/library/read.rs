//! Bounded, non-blocking reading of an entry's bytes.
//!
//! A file may change between resolution and reading (a FIFO swapped in, a file grown), so
//! reading checks again: the path is stat'ed before opening (so a device is never opened),
//! opened with `O_NONBLOCK` (so opening a FIFO cannot block), and the opened handle is
//! fstat'ed and refused unless it is a regular file. At most `cap + 1` bytes are read.

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::bundled::bundled_file;
use super::resolve::{EntryProblem, Target, io_reason, special_kind};

/// Large enough for a 100 MB article, small enough to refuse a runaway file.
pub const DEFAULT_READ_CAP: u64 = 256 * 1024 * 1024;

/// Why an entry or file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{} is too large: {size} bytes, more than the limit of {cap} bytes", path.display())]
    TooLarge { path: PathBuf, size: u64, cap: u64 },
    #[error("{} is a {kind}, not a regular file", path.display())]
    NotRegularFile { path: PathBuf, kind: &'static str },
    #[error("{} is a folder, not a file", path.display())]
    Directory { path: PathBuf },
    #[error("file not found: {}", path.display())]
    NotFound { path: PathBuf },
    #[error("cannot read {}: {}", path.display(), io_reason(source))]
    Io { path: PathBuf, source: io::Error },
    #[error("no bundled article named {0}")]
    UnknownBundled(String),
    /// The entry was refused when the library was loaded.
    #[error(transparent)]
    Entry(#[from] EntryProblem),
    /// The entry's link has not been checked yet, so it names nothing to read.
    #[error("this entry's link has not been checked yet")]
    Unchecked,
    /// A library entry's file is reached through a symbolic link that was not there when
    /// its link was checked ([`open_entry_path`]).
    #[error(
        "{} is reached through a symbolic link now, which was not there when the library was read: not followed (it may lead out of the library)",
        path.display()
    )]
    LinkSince { path: PathBuf },
}

impl ReadError {
    pub(crate) fn from_io(path: &Path, source: io::Error) -> Self {
        match source.kind() {
            io::ErrorKind::NotFound => ReadError::NotFound {
                path: path.to_owned(),
            },
            io::ErrorKind::IsADirectory => ReadError::Directory {
                path: path.to_owned(),
            },
            _ => ReadError::Io {
                path: path.to_owned(),
                source,
            },
        }
    }
}

/// Reads an entry's bytes: a file from disk (see [`read_path`]), or the embedded bytes of a
/// bundled article. A [`Target::Problem`] comes back as [`ReadError::Entry`].
pub fn read_target(target: &Target, cap: u64) -> Result<Cow<'static, [u8]>, ReadError> {
    match target {
        Target::File(path) => read_path(path, cap).map(Cow::Owned),
        Target::Bundled(name) => {
            let bytes =
                bundled_file(name).ok_or_else(|| ReadError::UnknownBundled((*name).to_owned()))?;
            let size = bytes.len() as u64;
            if size > cap {
                return Err(ReadError::TooLarge {
                    path: PathBuf::from(name),
                    size,
                    cap,
                });
            }
            Ok(Cow::Borrowed(bytes))
        }
        Target::Problem(problem) => Err(ReadError::Entry(problem.clone())),
        Target::Unchecked => Err(ReadError::Unchecked),
    }
}

/// Reads at most `cap` bytes of a regular file, never blocking on a FIFO or device. For a
/// document named on the command line, with the same rules as library entries (minus the
/// confinement to the library folder).
pub fn read_path(path: &Path, cap: u64) -> Result<Vec<u8>, ReadError> {
    let (mut source, size) = open_path(path, cap)?;
    let mut bytes = Vec::new();
    // The length may be stale; it only sizes the buffer, the cap still bounds the read.
    if let Ok(hint) = usize::try_from(size) {
        let _ = bytes.try_reserve_exact(hint);
    }
    source
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::from_io(path, e))?;
    let read = bytes.len() as u64;
    if read > cap {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            size: read.max(size),
            cap,
        });
    }
    Ok(bytes)
}

/// Opens a file for reading in pieces, with the same checks as [`read_path`]. The reader
/// yields at most `cap + 1` bytes, so a reader of it can tell that the cap was passed; the
/// size is the file's length when it was opened.
pub fn open_path(path: &Path, cap: u64) -> Result<(io::Take<File>, u64), ReadError> {
    open_with(path, cap, |path| {
        open_nonblocking(path).map_err(|e| ReadError::from_io(path, e))
    })
}

/// [`open_path`] of a library entry's file at the path its link was checked at (every
/// folder on it canonical, the file itself not a symbolic link): refused when a part of
/// that path has become a symbolic link since, which may lead out of the library (a file
/// replaced by a link, a folder by a link to another). Checking the link again says where
/// it leads now.
pub fn open_entry_path(path: &Path, cap: u64) -> Result<(io::Take<File>, u64), ReadError> {
    open_with(path, cap, open_without_links)
}

#[cfg(target_os = "linux")]
fn open_without_links(path: &Path) -> Result<File, ReadError> {
    use rustix::fs::{CWD, Mode, OFlags, ResolveFlags};
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC;
    match rustix::fs::openat2(CWD, path, flags, Mode::empty(), ResolveFlags::NO_SYMLINKS) {
        Ok(fd) => Ok(File::from(fd)),
        Err(rustix::io::Errno::LOOP) => Err(ReadError::LinkSince {
            path: path.to_owned(),
        }),
        // A kernel without openat2 (before 5.6), or a sandbox that refuses it.
        Err(rustix::io::Errno::NOSYS | rustix::io::Errno::PERM) => {
            open_nonblocking(path).map_err(|e| ReadError::from_io(path, e))
        }
        Err(e) => Err(ReadError::from_io(path, e.into())),
    }
}

#[cfg(not(target_os = "linux"))]
fn open_without_links(path: &Path) -> Result<File, ReadError> {
    open_nonblocking(path).map_err(|e| ReadError::from_io(path, e))
}

fn open_with(
    path: &Path,
    cap: u64,
    open: impl FnOnce(&Path) -> Result<File, ReadError>,
) -> Result<(io::Take<File>, u64), ReadError> {
    // Stat first so a device is refused without being opened (opening some has effects).
    let before = std::fs::metadata(path).map_err(|e| ReadError::from_io(path, e))?;
    check_regular(path, &before)?;
    let file = open(path)?;
    // Check the handle itself: the name may point elsewhere by now.
    let meta = file.metadata().map_err(|e| ReadError::from_io(path, e))?;
    check_regular(path, &meta)?;
    let size = meta.len();
    if size > cap {
        return Err(ReadError::TooLarge {
            path: path.to_owned(),
            size,
            cap,
        });
    }
    Ok((file.take(cap.saturating_add(1)), size))
}

/// Opens an entry for reading in pieces: a checked file (see [`open_path`]) or the
/// embedded bytes of a bundled article. Returns the reader and the expected size.
pub fn open_target(target: &Target, cap: u64) -> Result<(Box<dyn Read + Send>, u64), ReadError> {
    match target {
        Target::File(path) => {
            let (file, size) = open_entry_path(path, cap)?;
            Ok((Box::new(file), size))
        }
        Target::Bundled(_) | Target::Problem(_) | Target::Unchecked => {
            let bytes = read_target(target, cap)?;
            let size = bytes.len() as u64;
            Ok((Box::new(io::Cursor::new(bytes)), size))
        }
    }
}

fn check_regular(path: &Path, meta: &std::fs::Metadata) -> Result<(), ReadError> {
    let file_type = meta.file_type();
    if file_type.is_dir() {
        return Err(ReadError::Directory {
            path: path.to_owned(),
        });
    }
    match special_kind(&file_type) {
        Some(kind) => Err(ReadError::NotRegularFile {
            path: path.to_owned(),
            kind,
        }),
        None => Ok(()),
    }
}

#[cfg(unix)]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;
    use std::time::{Duration, Instant};

    /// An entry's file read by the path its link was checked at is not read through a
    /// symbolic link that came since (a file or a folder replaced by one, leading out of the
    /// library); a document named on the command line still is.
    #[cfg(target_os = "linux")]
    #[test]
    fn an_entry_is_not_read_through_a_symbolic_link_that_came_since() {
        use std::io::Read as _;
        let read = |path: &Path| -> Result<String, ReadError> {
            let mut text = String::new();
            open_entry_path(path, 1000)?
                .0
                .read_to_string(&mut text)
                .unwrap();
            Ok(text)
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().canonicalize().unwrap();
        let (lib, outside) = (root.join("lib"), root.join("outside"));
        fs::create_dir_all(lib.join("sub")).unwrap();
        fs::create_dir_all(&outside).unwrap();
        fs::write(lib.join("a.md"), "inside").unwrap();
        fs::write(lib.join("sub/b.md"), "inside too").unwrap();
        fs::write(outside.join("a.md"), "outside").unwrap();
        fs::write(outside.join("b.md"), "outside too").unwrap();
        assert_eq!(read(&lib.join("a.md")).unwrap(), "inside");
        assert_eq!(read(&lib.join("sub/b.md")).unwrap(), "inside too");

        // The file replaced by a link out of the library.
        fs::remove_file(lib.join("a.md")).unwrap();
        std::os::unix::fs::symlink(outside.join("a.md"), lib.join("a.md")).unwrap();
        assert!(matches!(
            read(&lib.join("a.md")),
            Err(ReadError::LinkSince { .. })
        ));
        // A folder on the way replaced by a link to another.
        fs::remove_dir_all(lib.join("sub")).unwrap();
        std::os::unix::fs::symlink(&outside, lib.join("sub")).unwrap();
        let err = read(&lib.join("sub/b.md")).unwrap_err();
        assert!(matches!(err, ReadError::LinkSince { .. }), "{err}");
        assert!(err.to_string().contains("symbolic link"), "{err}");
        // Named on the command line, a link is followed.
        assert_eq!(read_path(&lib.join("a.md"), 100).unwrap(), b"outside");
    }

    #[test]
    fn reads_a_file_within_the_cap() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.txt");
        fs::write(&path, b"hello").expect("write");
        assert_eq!(read_path(&path, 5).expect("read"), b"hello");
        let target = Target::File(path.clone());
        assert_eq!(&*read_target(&target, 100).expect("read"), b"hello");
    }

    #[test]
    fn over_the_cap_is_too_large() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("big.txt");
        fs::write(&path, vec![b'x'; 1000]).expect("write");
        match read_path(&path, 999) {
            Err(ReadError::TooLarge { size, cap, .. }) => assert_eq!((size, cap), (1000, 999)),
            other => panic!("expected TooLarge, got {other:?}"),
        }
        let message = read_path(&path, 10).map(|_| ()).unwrap_err().to_string();
        assert!(message.contains("too large"), "{message}");
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pipe = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("note: mkfifo unavailable, FIFO read test skipped");
            return;
        }
        let started = Instant::now();
        let result = read_path(&pipe, DEFAULT_READ_CAP);
        assert!(started.elapsed() < Duration::from_secs(2));
        match result {
            Err(ReadError::NotRegularFile { kind, .. }) => assert_eq!(kind, "FIFO"),
            other => panic!("expected NotRegularFile, got {other:?}"),
        }
        // Also when the FIFO is swapped in after resolution: the handle is checked.
        let target = Target::File(pipe);
        assert!(read_target(&target, DEFAULT_READ_CAP).is_err());
    }

    #[test]
    fn devices_folders_and_missing_files_are_refused() {
        match read_path(Path::new("/dev/zero"), DEFAULT_READ_CAP) {
            Err(ReadError::NotRegularFile { kind, .. }) => assert_eq!(kind, "device"),
            other => panic!("expected NotRegularFile, got {other:?}"),
        }
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(matches!(
            read_path(dir.path(), DEFAULT_READ_CAP),
            Err(ReadError::Directory { .. })
        ));
        let missing = dir.path().join("nope.txt");
        let err = read_path(&missing, DEFAULT_READ_CAP).unwrap_err();
        assert!(matches!(err, ReadError::NotFound { .. }));
        assert!(err.to_string().starts_with("file not found: "), "{err}");
    }

    #[test]
    fn a_problem_target_reads_as_its_problem() {
        let target = Target::Problem(EntryProblem::Missing("x.txt".into()));
        let err = read_target(&target, DEFAULT_READ_CAP).unwrap_err();
        assert_eq!(err.to_string(), "file not found: x.txt");
    }

    #[test]
    fn an_unchecked_target_reads_nothing() {
        assert!(matches!(
            read_target(&Target::Unchecked, DEFAULT_READ_CAP),
            Err(ReadError::Unchecked)
        ));
        assert!(matches!(
            open_target(&Target::Unchecked, DEFAULT_READ_CAP),
            Err(ReadError::Unchecked)
        ));
    }

    #[test]
    fn bundled_bytes_equal_the_seed_file() {
        let name = "000_886ae8deff7ee228.txt";
        let bytes = read_target(&Target::Bundled(name), DEFAULT_READ_CAP).expect("bundled");
        assert!(matches!(bytes, Cow::Borrowed(_)));
        let on_disk = fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("seeds")
                .join(name),
        )
        .expect("seed file");
        assert_eq!(&*bytes, on_disk.as_slice());
        assert!(matches!(
            read_target(&Target::Bundled(name), 10),
            Err(ReadError::TooLarge { .. })
        ));
        assert!(matches!(
            read_target(&Target::Bundled("nope.txt"), DEFAULT_READ_CAP),
            Err(ReadError::UnknownBundled(_))
        ));
    }
}
