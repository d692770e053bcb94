//! Turning an entry's link into something that can be read, or a reason why not.
//!
//! Resolution only asks the file system about names (`canonicalize`, `metadata`); it never
//! opens a file, so a FIFO or a device cannot make it block. Every refusal is an
//! [`EntryProblem`] whose message names the link as written, with control characters shown
//! escaped so that a hostile file name cannot reach the terminal.

use std::io;
use std::path::{Component, Path, PathBuf};

/// What an entry's link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A regular file inside the library; the path is canonical.
    File(PathBuf),
    /// A file compiled into blatt, by its name in `seeds/`.
    Bundled(&'static str),
    /// The entry cannot be opened, and why.
    Problem(EntryProblem),
    /// The link has been parsed but not checked against the folder yet (a large library is
    /// checked after its first screen is shown). It names no path, so nothing can be read
    /// through it: it must be resolved first (see [`crate::library::Library::check_entry`]).
    Unchecked,
}

impl Target {
    /// The problem, if this entry cannot be opened.
    pub fn problem(&self) -> Option<&EntryProblem> {
        match self {
            Target::Problem(p) => Some(p),
            _ => None,
        }
    }

    /// Whether the link has been checked (it is a readable target or a known problem).
    pub fn is_checked(&self) -> bool {
        !matches!(self, Target::Unchecked)
    }
}

/// Why an entry cannot be opened. Each message names the link as written in INDEX.md.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryProblem {
    #[error("the link names no file (write the file name between the parentheses)")]
    EmptyLink,
    #[error("{0} is a web address, not a file in the library")]
    Url(String),
    #[error("absolute path not allowed: {0} (write it relative to the folder holding INDEX.md)")]
    Absolute(String),
    #[error("link points outside the library: {0}")]
    OutsideLibrary(String),
    #[error("file not found: {0}")]
    Missing(String),
    #[error("{0} is a folder, not a file")]
    Directory(String),
    #[error("{0} is a {1}, not a regular file")]
    NotRegularFile(String, &'static str),
    #[error("symbolic link loop: {0}")]
    SymlinkLoop(String),
    #[error("cannot read {0}: {1}")]
    Unreadable(String, String),
    /// Found, but opening it failed (not text, unreadable); the reason as the loader
    /// gave it.
    #[error("{0}")]
    NotOpened(String),
}

impl EntryProblem {
    /// Whether the problem is one of what is on disk (a file missing, a link leading out
    /// of the library, an article that could not be opened), which checking the link again
    /// may find gone; not one of the link as written.
    pub fn may_change(&self) -> bool {
        !matches!(
            self,
            EntryProblem::EmptyLink | EntryProblem::Url(_) | EntryProblem::Absolute(_)
        )
    }
}

/// Resolves a link from INDEX.md against the library folder `root`, which must be
/// canonical (as [`std::fs::canonicalize`] returns it).
///
/// In order: an empty link, a link with a URL scheme (`http:`, `mailto:`, any `name:` of two
/// or more characters, as RFC 3986 reads it; write `./ab:c.txt` for a file whose name has a
/// colon), and an absolute path are refused without looking at the disk. A `#fragment` is
/// dropped. A `..` that climbs above the root is refused lexically; then the path is
/// canonicalized, so a symbolic link that leads out of the library, a loop, a missing file,
/// a folder or a special file (FIFO, device, socket) is refused too.
pub fn resolve(link: &str, root: &Path) -> Target {
    match resolve_inner(link, root) {
        Ok(path) => Target::File(path),
        Err(problem) => Target::Problem(problem),
    }
}

/// Resolves the links of one library as [`resolve`] does, canonicalizing each folder the
/// links lead through once rather than once per link: a link to a regular file in a folder
/// inside the library is then one look at the file (`lstat`) instead of one per part of its
/// path. Every other case (a symbolic link, `..`, a missing or special file, a folder that
/// leads out) goes the way of [`resolve`], so the answers are the same.
#[derive(Debug)]
pub struct Resolver {
    /// The library folder, canonical.
    root: PathBuf,
    /// A folder as links name it (relative to the root) → canonical, if inside the root.
    folders: std::collections::HashMap<PathBuf, Option<PathBuf>>,
}

impl Resolver {
    /// A resolver for the library folder `root`, which must be canonical.
    pub fn new(root: PathBuf) -> Resolver {
        Resolver {
            root,
            folders: std::collections::HashMap::new(),
        }
    }

    pub fn resolve(&mut self, link: &str) -> Target {
        match self.regular_file(link) {
            Some(path) => Target::File(path),
            None => resolve(link, &self.root),
        }
    }

    /// The canonical path of a link to a regular file (not a symbolic link) in a folder
    /// inside the library; `None` for anything else.
    fn regular_file(&mut self, link: &str) -> Option<PathBuf> {
        let relative = check_lexically(link).ok()?;
        // `x.txt/` and `x.txt/.` are not the file (components() would drop the ends).
        if relative.ends_with('/') || relative.ends_with("/.") {
            return None;
        }
        let path = Path::new(relative.as_ref());
        if !path.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let name = path.file_name()?;
        let parent = path.parent().unwrap_or(Path::new(""));
        let root = &self.root;
        let folder = self
            .folders
            .entry(parent.to_path_buf())
            .or_insert_with(|| {
                std::fs::canonicalize(root.join(parent))
                    .ok()
                    .filter(|folder| folder.starts_with(root))
            })
            .as_ref()?;
        let file = folder.join(name);
        let meta = std::fs::symlink_metadata(&file).ok()?;
        meta.file_type().is_file().then_some(file)
    }
}

fn resolve_inner(link: &str, root: &Path) -> Result<PathBuf, EntryProblem> {
    let relative = check_lexically(link)?;
    let shown = || shown_link(link);
    let canonical = std::fs::canonicalize(root.join(relative.as_ref())).map_err(|e| {
        if is_loop(&e) {
            EntryProblem::SymlinkLoop(shown())
        } else if is_missing(&e) {
            EntryProblem::Missing(shown())
        } else {
            EntryProblem::Unreadable(shown(), io_reason(&e))
        }
    })?;
    if !canonical.starts_with(root) {
        return Err(EntryProblem::OutsideLibrary(shown()));
    }
    let meta = std::fs::metadata(&canonical)
        .map_err(|e| EntryProblem::Unreadable(shown(), io_reason(&e)))?;
    if meta.is_dir() {
        return Err(EntryProblem::Directory(shown()));
    }
    if let Some(kind) = special_kind(&meta.file_type()) {
        return Err(EntryProblem::NotRegularFile(shown(), kind));
    }
    Ok(canonical)
}

/// The path of an entry's link: without its `#fragment`, and with a `#` or `%` that is part
/// of the file's name given back (the index keeps those two escaped in a link's path as
/// `%23` and `%25`, so that a name with `#` is not cut at it; see `library::index`).
pub fn link_path(link: &str) -> std::borrow::Cow<'_, str> {
    let path = link.split('#').next().unwrap_or(link);
    if path.contains('%') {
        percent_encoding::percent_decode_str(path).decode_utf8_lossy()
    } else {
        std::borrow::Cow::Borrowed(path)
    }
}

/// A link's path written into a link as the index keeps it: `#` and `%` escaped.
pub fn escape_link_path(path: &str) -> std::borrow::Cow<'_, str> {
    if path.contains(['#', '%']) {
        std::borrow::Cow::Owned(path.replace('%', "%25").replace('#', "%23"))
    } else {
        std::borrow::Cow::Borrowed(path)
    }
}

/// The checks that need no file system: empty, URL, absolute, fragment, climbing out.
/// Returns the link's path (see [`link_path`]).
pub(crate) fn check_lexically(link: &str) -> Result<std::borrow::Cow<'_, str>, EntryProblem> {
    if link.trim().is_empty() {
        return Err(EntryProblem::EmptyLink);
    }
    if has_scheme(link) {
        return Err(EntryProblem::Url(shown_link(link)));
    }
    if link.starts_with('/') || Path::new(link).has_root() {
        return Err(EntryProblem::Absolute(shown_link(link)));
    }
    let path = link_path(link);
    if path.is_empty() {
        return Err(EntryProblem::EmptyLink);
    }
    let mut depth: usize = 0;
    for component in Path::new(path.as_ref()).components() {
        match component {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth = depth
                    .checked_sub(1)
                    .ok_or_else(|| EntryProblem::OutsideLibrary(shown_link(link)))?;
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(EntryProblem::Absolute(shown_link(link)));
            }
        }
    }
    Ok(path)
}

/// `scheme:` as in RFC 3986 (a letter, then letters, digits, `+`, `-`, `.`), at least two
/// characters long so that a drive letter is not mistaken for one.
fn has_scheme(link: &str) -> bool {
    let Some((scheme, _)) = link.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    scheme.len() >= 2
        && chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// The link as it may be shown: control and bidi characters escaped as `\u{..}`.
pub(crate) fn shown_link(link: &str) -> String {
    crate::document::sanitize::escape_controls(link)
}

/// What kind of special file this is, or `None` for a regular file (or a kind the platform
/// does not tell apart).
pub(crate) fn special_kind(file_type: &std::fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return Some("FIFO");
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return Some("device");
        }
        if file_type.is_socket() {
            return Some("socket");
        }
    }
    if file_type.is_file() {
        None
    } else if file_type.is_dir() {
        Some("folder")
    } else {
        Some("special file")
    }
}

fn is_loop(e: &io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

fn is_missing(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

/// A short, lower-case reason for an I/O error, without the OS error number.
pub(crate) fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "not found".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        io::ErrorKind::NotADirectory => "a part of the path is not a folder".into(),
        io::ErrorKind::IsADirectory => "it is a folder".into(),
        io::ErrorKind::InvalidFilename => "the name is too long or invalid".into(),
        io::ErrorKind::OutOfMemory => "out of memory".into(),
        _ if is_loop(e) => "symbolic link loop".into(),
        _ => {
            // Drop std's " (os error N)" suffix and start lower-case, to read as a reason.
            let text = e.to_string();
            let text = text
                .rsplit_once(" (os error")
                .map_or(text.as_str(), |(head, _)| head);
            let mut chars = text.chars();
            match chars.next() {
                Some(first) => first.to_lowercase().chain(chars).collect(),
                None => "unknown error".into(),
            }
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::fs;
    use std::os::unix::fs::symlink;

    /// A temporary library folder with its canonical path.
    fn library() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = fs::canonicalize(dir.path()).expect("canonical temp dir");
        (dir, root)
    }

    fn problem(link: &str, root: &Path) -> EntryProblem {
        match resolve(link, root) {
            Target::Problem(p) => p,
            other => panic!("{link}: expected a problem, got {other:?}"),
        }
    }

    #[test]
    fn a_good_file_in_a_subfolder() {
        let (_dir, root) = library();
        fs::create_dir(root.join("sub")).expect("mkdir");
        fs::write(root.join("sub/a.txt"), "hi").expect("write");
        let want = Target::File(root.join("sub/a.txt"));
        assert_eq!(resolve("sub/a.txt", &root), want);
        assert_eq!(resolve("./sub/../sub/a.txt#part", &root), want);
    }

    /// The resolver of a library answers every link as `resolve` does, the folders it has
    /// canonicalized notwithstanding: files, folders, links in and out, `..`, missing and
    /// special files, a folder that is a link out of the library, asked in any order.
    #[test]
    fn the_resolver_answers_as_resolve_does() {
        let (_dir, root) = library();
        let outside = tempfile::tempdir().expect("temp dir");
        fs::write(outside.path().join("secret.txt"), "no").expect("write");
        fs::create_dir_all(root.join("a/b")).expect("mkdir");
        fs::write(root.join("a/x.txt"), "x").expect("write");
        fs::write(root.join("a/b/y.txt"), "y").expect("write");
        fs::write(root.join("top.txt"), "t").expect("write");
        symlink(root.join("a/x.txt"), root.join("a/inside.txt")).expect("symlink");
        symlink(outside.path().join("secret.txt"), root.join("a/out.txt")).expect("symlink");
        symlink(outside.path(), root.join("away")).expect("symlink");
        symlink(root.join("a"), root.join("alias")).expect("symlink");
        symlink("loop", root.join("loop")).expect("symlink");
        // A FIFO where mkfifo(1) is at hand (a missing one is then a missing file).
        let _ = std::process::Command::new("mkfifo")
            .arg(root.join("a/pipe"))
            .status();
        let links = [
            "a/x.txt",
            "a/b/y.txt",
            "top.txt",
            "./top.txt",
            "a/inside.txt",
            "a/out.txt",
            "away/secret.txt",
            "alias/x.txt",
            "alias/b/y.txt",
            "a/b/../x.txt",
            "a/../../etc/passwd",
            "a/missing.txt",
            "gone/x.txt",
            "a/b",
            "a/pipe",
            "loop",
            "loop/x.txt",
            "a/x.txt#part",
            "a/x.txt/",
            "a/x.txt/.",
            "a//x.txt",
            "a/./x.txt",
            "http://example.org/a.txt",
            "",
        ];
        let mut resolver = Resolver::new(root.clone());
        for round in 0..2 {
            for link in links.iter().chain(links.iter().rev()) {
                assert_eq!(
                    resolver.resolve(link),
                    resolve(link, &root),
                    "{link} (round {round})"
                );
            }
        }
        // A file that appears, or is replaced by a link out, is seen at once.
        fs::write(root.join("a/missing.txt"), "m").expect("write");
        assert_eq!(
            resolver.resolve("a/missing.txt"),
            Target::File(root.join("a/missing.txt"))
        );
        fs::remove_file(root.join("a/x.txt")).expect("remove");
        symlink(outside.path().join("secret.txt"), root.join("a/x.txt")).expect("symlink");
        assert_eq!(resolver.resolve("a/x.txt"), resolve("a/x.txt", &root));
        assert!(matches!(
            resolver.resolve("a/x.txt"),
            Target::Problem(EntryProblem::OutsideLibrary(_))
        ));
    }

    #[test]
    fn a_name_with_a_space_from_a_percent_encoded_link() {
        let (_dir, root) = library();
        fs::write(root.join("my file.txt"), "hi").expect("write");
        let link = crate::library::parse_index("- [T](my%20file.txt)\n").entries[0]
            .link
            .clone();
        assert_eq!(
            resolve(&link, &root),
            Target::File(root.join("my file.txt"))
        );
    }

    #[test]
    fn lexical_problems() {
        let (_dir, root) = library();
        assert_eq!(problem("", &root), EntryProblem::EmptyLink);
        assert_eq!(problem("#section", &root), EntryProblem::EmptyLink);
        for url in [
            "http://example.org/a.txt",
            "https://x.org",
            "mailto:a@b.org",
            "file:a.txt",
            "ftp://x",
        ] {
            assert_eq!(problem(url, &root), EntryProblem::Url(url.into()));
        }
        assert_eq!(
            problem("/etc/passwd", &root),
            EntryProblem::Absolute("/etc/passwd".into())
        );
        assert_eq!(
            problem("/dev/zero", &root),
            EntryProblem::Absolute("/dev/zero".into())
        );
        for out in ["../x", "a/../../x", "./../x.txt", ".."] {
            assert_eq!(
                problem(out, &root),
                EntryProblem::OutsideLibrary(out.into())
            );
        }
    }

    #[test]
    fn a_colon_after_dot_slash_is_a_file() {
        let (_dir, root) = library();
        fs::write(root.join("ab:c.txt"), "hi").expect("write");
        assert_eq!(
            problem("ab:c.txt", &root),
            EntryProblem::Url("ab:c.txt".into())
        );
        assert_eq!(
            resolve("./ab:c.txt", &root),
            Target::File(root.join("ab:c.txt"))
        );
        // A one-letter "scheme" is not one.
        fs::write(root.join("c:d.txt"), "hi").expect("write");
        assert_eq!(
            resolve("c:d.txt", &root),
            Target::File(root.join("c:d.txt"))
        );
    }

    #[test]
    fn missing_and_directory() {
        let (_dir, root) = library();
        fs::create_dir(root.join("notes")).expect("mkdir");
        fs::write(root.join("file.txt"), "x").expect("write");
        assert_eq!(
            problem("notes/x.txt", &root),
            EntryProblem::Missing("notes/x.txt".into())
        );
        assert_eq!(
            problem("notes/x.txt", &root).to_string(),
            "file not found: notes/x.txt"
        );
        assert_eq!(
            problem("file.txt/x", &root),
            EntryProblem::Missing("file.txt/x".into())
        );
        assert_eq!(
            problem("notes", &root),
            EntryProblem::Directory("notes".into())
        );
        assert_eq!(
            problem("notes/", &root),
            EntryProblem::Directory("notes/".into())
        );
    }

    #[test]
    fn symlinks_out_and_in_loops() {
        let (_dir, root) = library();
        let (_other, elsewhere) = library();
        fs::write(elsewhere.join("secret.txt"), "x").expect("write");
        symlink(elsewhere.join("secret.txt"), root.join("out.txt")).expect("symlink");
        symlink(&elsewhere, root.join("outdir")).expect("symlink");
        symlink("/dev/zero", root.join("zero")).expect("symlink");
        symlink("loop-b", root.join("loop-a")).expect("symlink");
        symlink("loop-a", root.join("loop-b")).expect("symlink");
        symlink("gone.txt", root.join("dangling")).expect("symlink");
        fs::write(root.join("real.txt"), "x").expect("write");
        symlink("real.txt", root.join("inside")).expect("symlink");

        assert_eq!(
            problem("out.txt", &root),
            EntryProblem::OutsideLibrary("out.txt".into())
        );
        assert_eq!(
            problem("outdir/secret.txt", &root),
            EntryProblem::OutsideLibrary("outdir/secret.txt".into())
        );
        assert_eq!(
            problem("zero", &root),
            EntryProblem::OutsideLibrary("zero".into())
        );
        assert_eq!(
            problem("loop-a", &root),
            EntryProblem::SymlinkLoop("loop-a".into())
        );
        assert_eq!(
            problem("dangling", &root),
            EntryProblem::Missing("dangling".into())
        );
        assert_eq!(
            resolve("inside", &root),
            Target::File(root.join("real.txt"))
        );
    }

    #[test]
    fn a_fifo_is_refused() {
        let (_dir, root) = library();
        let made = std::process::Command::new("mkfifo")
            .arg(root.join("pipe"))
            .status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("note: mkfifo unavailable, FIFO resolution test skipped");
            return;
        }
        assert_eq!(
            problem("pipe", &root),
            EntryProblem::NotRegularFile("pipe".into(), "FIFO")
        );
        assert_eq!(
            problem("pipe", &root).to_string(),
            "pipe is a FIFO, not a regular file"
        );
    }

    #[test]
    fn controls_in_a_link_are_escaped_in_messages() {
        let (_dir, root) = library();
        let shown = problem("a\u{1b}[2J.txt", &root).to_string();
        assert!(!shown.contains('\u{1b}'));
        assert!(shown.contains("\\u{1b}[2J.txt"), "{shown}");
    }

    #[test]
    fn io_reasons_read_as_reasons() {
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(io_reason(&denied), "permission denied");
        let other = io::Error::from_raw_os_error(libc::EIO);
        assert!(
            !io_reason(&other).contains("os error"),
            "{}",
            io_reason(&other)
        );
    }
}
