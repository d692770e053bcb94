//! The saved data itself (a small versioned type, separate from the app's runtime state) and
//! the operations that change it. Replaying an operation onto a state is also how two
//! processes' changes are merged, so [`apply_op`] is the whole merge policy.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::anchor::Anchor;

/// Version of the `state.json` layout this build reads and writes. A file with a higher
/// number was written by a newer blatt and is never overwritten by this one.
pub const SCHEMA: u32 = 2;

/// The current way of naming sections in read marks (see [`DocState::section_keys`]).
pub const SECTION_KEYS: u32 = 2;

/// Everything blatt remembers between runs. Missing fields load as their defaults and unknown
/// fields are ignored, so older and newer files of the same schema both load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedState {
    pub schema: u32,
    /// The document open last, in whichever library.
    pub last_open: Option<LastOpen>,
    /// The document open last in each library, by library (see `Origin::key`).
    pub libraries: BTreeMap<String, LastOpen>,
    /// The library given last on the command line: a bare `blatt` opens it (unless the
    /// configuration names one).
    pub last_library: Option<String>,
    /// Reading state per document, by document key.
    pub docs: BTreeMap<String, DocState>,
    /// Bookmarks by id (see [`Bookmark::id_for`]).
    pub bookmarks: BTreeMap<String, Bookmark>,
}

impl Default for SavedState {
    fn default() -> Self {
        SavedState {
            schema: SCHEMA,
            last_open: None,
            libraries: BTreeMap::new(),
            last_library: None,
            docs: BTreeMap::new(),
            bookmarks: BTreeMap::new(),
        }
    }
}

/// The document that was open when blatt last saved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LastOpen {
    pub doc: String,
    /// The library it was read in; empty in schema 1.
    pub library: String,
    /// Unix time in milliseconds.
    pub updated: u64,
}

/// Where the reader is in one document and how much of it has been read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocState {
    pub title: String,
    pub anchor: Anchor,
    /// 0 to 100.
    pub percent: f32,
    /// Keys of the sections read so far.
    pub read_sections: BTreeSet<String>,
    /// How `read_sections` names sections: 0 (schema 1) by heading path alone, which
    /// cannot tell sections with the same path apart; [`SECTION_KEYS`] with the occurrence
    /// of the path added (`CHAPTER VII #2`).
    pub section_keys: u32,
    pub sections_total: usize,
    pub finished: bool,
    /// Unix time in milliseconds; the newer of two states for one document wins a merge.
    pub updated: u64,
}

/// A bookmark: a place in a document (the paragraph at the top of the screen when it was
/// made), with the section it is in and an optional note. Schema 1 had at most one per
/// section, at the section's start; those load as places too.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bookmark {
    pub doc: String,
    pub doc_title: String,
    pub section_path: Vec<String>,
    /// The section's name as shown: its title, or its heading path where titles repeat.
    pub section_title: String,
    /// The section's anchor in a link (its heading's explicit `{#id}`, else the slug of its
    /// title); empty for bookmarks made before it was kept, whose link falls back to the
    /// slug of `section_title`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub section_slug: String,
    pub anchor: Anchor,
    pub note: String,
    /// The first words at the place.
    pub excerpt: String,
    /// How far into the document the place is, 0 to 100 (none for schema 1 bookmarks).
    pub percent: Option<u8>,
    /// The library the document was read in (see `Origin::key`); empty for schema 1.
    pub library: String,
    /// Unix time in milliseconds.
    pub created: u64,
    /// Unix time in milliseconds.
    pub updated: u64,
}

impl Bookmark {
    /// The stable id of the bookmark for `section_path` in `doc`: the same inputs give the same
    /// id in every run and every version, so a section holds one bookmark at most.
    ///
    /// It is a 64-bit FNV-1a hash over the length-prefixed parts (so `["a b"]` and `["a", "b"]`
    /// differ), written as `bm-` and 16 hex digits. Written out here rather than taken from
    /// `std::hash`, whose output may change between Rust releases.
    pub fn id_for(doc: &str, section_path: &[String]) -> String {
        Bookmark::id_of_parts(doc, section_path)
    }

    /// The id of the bookmark at a place: the block the anchor names and its text. One place
    /// holds one bookmark; a section holds as many as it has places.
    pub fn id_at(doc: &str, anchor: &Anchor) -> String {
        let place = [
            "@place".to_string(),
            anchor.block.to_string(),
            anchor.fingerprint.clone(),
        ];
        Bookmark::id_of_parts(doc, &place)
    }

    fn id_of_parts(doc: &str, section_path: &[String]) -> String {
        let mut hash = crate::hash::Fnv1a::new();
        hash.part(doc.as_bytes());
        hash.write(&(section_path.len() as u64).to_le_bytes());
        for part in section_path {
            hash.part(part.as_bytes());
        }
        format!("bm-{:016x}", hash.finish())
    }
}

/// One change to the saved state. The store keeps the operations made since the last save
/// and replays them onto whatever is on disk at save time.
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Set the reading state of one document; the newer `updated` wins against the disk.
    SetDoc { key: String, state: DocState },
    /// Set (or clear) the last open document; a `Some` older than the disk's is ignored.
    /// It is also the last open document of its library.
    SetLastOpen(Option<LastOpen>),
    /// Remember the library given on the command line.
    SetLastLibrary(String),
    /// Add or replace the bookmark with this id.
    UpsertBookmark { id: String, bookmark: Bookmark },
    /// Remove the bookmark with this id (nothing happens if it is gone already).
    DeleteBookmark { id: String },
}

/// Applies `op` to `state`. This is the merge: the store calls it both on its in-memory state
/// and, at save time, on a fresh copy of the disk's state.
///
/// - `SetDoc`: the state with the larger `updated` wins whole (ties go to `op`). If `op` is the
///   older one, the sections it read are added to the newer state's `read_sections`, so reading
///   done in two windows at once is kept, while a deliberate reset (which is newer) still clears.
/// - `SetLastOpen`: `Some` wins unless the state holds a newer one, for the whole state and
///   for its library; `None` always clears the whole state's.
/// - `SetLastLibrary` replaces.
/// - `UpsertBookmark` replaces by id; `DeleteBookmark` removes by id.
pub fn apply_op(state: &mut SavedState, op: &Op) {
    match op {
        Op::SetDoc { key, state: doc } => {
            let mut doc = doc.clone();
            doc.percent = clean_percent(doc.percent);
            match state.docs.get_mut(key) {
                Some(existing) if existing.updated > doc.updated => {
                    existing
                        .read_sections
                        .extend(doc.read_sections.iter().cloned());
                }
                _ => {
                    state.docs.insert(key.clone(), doc);
                }
            }
        }
        Op::SetLastOpen(None) => state.last_open = None,
        Op::SetLastOpen(Some(new)) => {
            match &state.last_open {
                Some(existing) if existing.updated > new.updated => {}
                _ => state.last_open = Some(new.clone()),
            }
            if !new.library.is_empty() {
                match state.libraries.get(&new.library) {
                    Some(existing) if existing.updated > new.updated => {}
                    _ => {
                        state.libraries.insert(new.library.clone(), new.clone());
                    }
                }
            }
        }
        Op::SetLastLibrary(path) => state.last_library = Some(path.clone()),
        Op::UpsertBookmark { id, bookmark } => {
            state.bookmarks.insert(id.clone(), bookmark.clone());
        }
        Op::DeleteBookmark { id } => {
            state.bookmarks.remove(id);
        }
    }
}

/// JSON has no NaN or infinity (serde_json would write `null`, which then fails to load), so a
/// percentage is made finite and kept in 0..=100 before it is stored.
fn clean_percent(p: f32) -> f32 {
    if p.is_finite() {
        p.clamp(0.0, 100.0)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bookmark_ids_are_stable_and_distinct() {
        let a = Bookmark::id_for("doc", &["a b".to_string()]);
        let b = Bookmark::id_for("doc", &["a".to_string(), "b".to_string()]);
        let c = Bookmark::id_for("doc", &[]);
        let d = Bookmark::id_for("doc2", &[]);
        assert_ne!(a, b);
        assert_ne!(c, d);
        assert_eq!(a, Bookmark::id_for("doc", &["a b".to_string()]));
        // Pinned: a change here would orphan every saved bookmark.
        assert_eq!(c, "bm-256d1214f5581178");
        assert_eq!(c.len(), 3 + 16);
    }

    #[test]
    fn older_doc_state_loses_but_adds_its_sections() {
        let mut s = SavedState::default();
        let newer = DocState {
            percent: 50.0,
            read_sections: ["a".to_string()].into(),
            updated: 20,
            ..Default::default()
        };
        apply_op(
            &mut s,
            &Op::SetDoc {
                key: "k".into(),
                state: newer,
            },
        );
        let older = DocState {
            percent: 10.0,
            read_sections: ["b".to_string()].into(),
            updated: 10,
            ..Default::default()
        };
        apply_op(
            &mut s,
            &Op::SetDoc {
                key: "k".into(),
                state: older,
            },
        );
        let doc = &s.docs["k"];
        assert_eq!(doc.percent, 50.0);
        assert_eq!(doc.updated, 20);
        assert_eq!(doc.read_sections.len(), 2);

        let reset = DocState {
            updated: 30,
            ..Default::default()
        };
        apply_op(
            &mut s,
            &Op::SetDoc {
                key: "k".into(),
                state: reset,
            },
        );
        assert!(s.docs["k"].read_sections.is_empty());
    }

    #[test]
    fn percent_is_kept_finite_and_in_range() {
        let mut s = SavedState::default();
        for (i, p) in [f32::NAN, f32::INFINITY, -3.0, 250.0]
            .into_iter()
            .enumerate()
        {
            let state = DocState {
                percent: p,
                updated: i as u64,
                ..Default::default()
            };
            apply_op(
                &mut s,
                &Op::SetDoc {
                    key: "k".into(),
                    state,
                },
            );
            let got = s.docs["k"].percent;
            assert!((0.0..=100.0).contains(&got), "{p} stored as {got}");
        }
    }

    #[test]
    fn last_open_keeps_the_newer() {
        let mut s = SavedState::default();
        let lo = |doc: &str, updated| {
            Some(LastOpen {
                doc: doc.into(),
                updated,
                ..LastOpen::default()
            })
        };
        apply_op(&mut s, &Op::SetLastOpen(lo("new", 5)));
        apply_op(&mut s, &Op::SetLastOpen(lo("old", 4)));
        assert_eq!(s.last_open, lo("new", 5));
        apply_op(&mut s, &Op::SetLastOpen(None));
        assert_eq!(s.last_open, None);
    }

    #[test]
    fn missing_fields_default_and_unknown_fields_are_ignored() {
        let s: SavedState =
            serde_json::from_str(r#"{"docs":{"d":{"title":"T","wat":1}},"future":true}"#)
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.schema, SCHEMA);
        assert_eq!(s.docs["d"].title, "T");
        assert_eq!(s.docs["d"].anchor, Anchor::default());
    }
}
