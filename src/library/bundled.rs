//! The library compiled into blatt: `seeds/INDEX.md` and the articles it lists.
//!
//! Entries resolve by name against the embedded files; the same lexical rules as on disk
//! apply (no URLs, absolute paths or `..`), and a name that is not embedded is missing.
//! A new file in `seeds/` must be added to [`FILES`]; a test checks that none is forgotten.

use std::path::{Component, Path};

use super::resolve::{EntryProblem, Target, check_lexically, shown_link};
use super::{Entry, Library, Origin, parse_index};

/// The embedded INDEX.md.
pub const BUNDLED_INDEX: &str = include_str!("../../seeds/INDEX.md");

/// The embedded articles, by file name.
const FILES: &[(&str, &[u8])] = &[(
    "000_886ae8deff7ee228.txt",
    include_bytes!("../../seeds/000_886ae8deff7ee228.txt"),
)];

/// The bytes of an embedded article.
pub fn bundled_file(name: &str) -> Option<&'static [u8]> {
    FILES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, bytes)| *bytes)
}

/// The library that ships with blatt.
pub fn bundled_library() -> Library {
    let parsed = parse_index(BUNDLED_INDEX);
    let entries = parsed
        .entries
        .into_iter()
        .map(|raw| {
            let target = resolve_bundled(&raw.link);
            Entry::from_raw(raw, target)
        })
        .collect();
    Library {
        origin: Origin::Bundled,
        title: parsed.title,
        entries,
    }
}

pub(crate) fn resolve_bundled(link: &str) -> Target {
    let path = match check_lexically(link) {
        Ok(path) => path,
        Err(problem) => return Target::Problem(problem),
    };
    // After the lexical check, `a/../b` and `./b` name `b`; only top-level names exist.
    let mut names: Vec<&std::ffi::OsStr> = Vec::new();
    for component in Path::new(path.as_ref()).components() {
        match component {
            Component::Normal(name) => names.push(name),
            Component::ParentDir => {
                names.pop();
            }
            _ => {}
        }
    }
    let found = match names.as_slice() {
        [name] => FILES.iter().find(|(n, _)| std::ffi::OsStr::new(n) == *name),
        _ => None,
    };
    match found {
        Some((name, _)) => Target::Bundled(name),
        None if names.is_empty() => Target::Problem(EntryProblem::Directory(shown_link(link))),
        None => Target::Problem(EntryProblem::Missing(shown_link(link))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_library() {
        let library = bundled_library();
        assert_eq!(library.origin, Origin::Bundled);
        assert_eq!(library.title.as_deref(), Some("blatt — bundled library"));
        assert_eq!(library.entries.len(), 1);
        let entry = &library.entries[0];
        assert_eq!(entry.target, Target::Bundled("000_886ae8deff7ee228.txt"));
        assert_eq!(entry.language.as_deref(), Some("de"));
        assert_eq!(
            entry.key(&library.origin).as_deref(),
            Some("bundled:000_886ae8deff7ee228.txt")
        );
    }

    #[test]
    fn every_entry_resolves_and_every_seed_is_embedded() {
        for entry in bundled_library().entries {
            assert!(
                matches!(entry.target, Target::Bundled(_)),
                "{}: {:?}",
                entry.link,
                entry.target
            );
        }
        let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
        for item in std::fs::read_dir(seeds).expect("seeds folder") {
            let name = item.expect("seed entry").file_name();
            let name = name.to_string_lossy();
            if name != "INDEX.md" {
                assert!(bundled_file(&name).is_some(), "{name} is not in FILES");
            }
        }
    }

    #[test]
    fn bundled_links_follow_the_same_rules() {
        let name = "000_886ae8deff7ee228.txt";
        assert_eq!(
            resolve_bundled(&format!("./{name}#x")),
            Target::Bundled(name)
        );
        assert_eq!(
            resolve_bundled("other.txt"),
            Target::Problem(EntryProblem::Missing("other.txt".into()))
        );
        assert_eq!(
            resolve_bundled("../x.txt"),
            Target::Problem(EntryProblem::OutsideLibrary("../x.txt".into()))
        );
        assert_eq!(
            resolve_bundled("https://x.org"),
            Target::Problem(EntryProblem::Url("https://x.org".into()))
        );
        assert_eq!(
            resolve_bundled("."),
            Target::Problem(EntryProblem::Directory(".".into()))
        );
    }
}
