//! Bookmarks: setting and removing them in the reader, notes, the list of all bookmarks
//! (open, delete, undo back through the session) and opening a bookmark's document.

use super::{
    Effect, Lookup, Overlay, PendingOpen, Reader, Screen, State, open_entry, remember_position,
    store_op,
};
use crate::app::Command;
use crate::store::{Bookmark, DocState, Op};

/// `b`: bookmarks the section at the reading position, or removes its bookmark.
pub(super) fn toggle(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let path = reader.section_path();
    let id = Bookmark::id_for(&reader.key, &path);
    if let Some(old) = state.bookmarks.remove(&id) {
        state.flash = Some(format!("bookmark removed: {}", old.section_title));
        state.deleted.push((id.clone(), old));
        effects.push(store_op(Op::DeleteBookmark { id }));
    } else {
        let bookmark = new_bookmark(reader, String::new(), state.now);
        state.flash = Some(format!("bookmarked: {}", bookmark.section_title));
        state.bookmarks.insert(id.clone(), bookmark.clone());
        effects.push(store_op(Op::UpsertBookmark { id, bookmark }));
    }
    effects.push(Effect::Flush);
}

fn new_bookmark(reader: &Reader, note: String, now: u64) -> Bookmark {
    let section = &reader.doc.sections[reader.current_section()];
    Bookmark {
        doc: reader.key.clone(),
        doc_title: reader.doc.title.clone(),
        section_path: section.path.clone(),
        section_title: section.title.clone().unwrap_or_else(|| "(opening)".into()),
        anchor: crate::anchor::Anchor::at(&reader.doc, section.blocks.start, 0),
        note,
        created: now,
        updated: now,
    }
}

/// The note typed for the bookmark at the reading position (made if there is none).
pub(super) fn save_note(state: &mut State, text: String, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let path = reader.section_path();
    let id = Bookmark::id_for(&reader.key, &path);
    let bookmark = match state.bookmarks.get(&id) {
        Some(existing) => Bookmark {
            note: text,
            updated: state.now,
            ..existing.clone()
        },
        None => new_bookmark(reader, text, state.now),
    };
    state.flash = Some(format!("note saved on {}", bookmark.section_title));
    state.bookmarks.insert(id.clone(), bookmark.clone());
    effects.push(store_op(Op::UpsertBookmark { id, bookmark }));
    effects.push(Effect::Flush);
}

/// Opens the list of all bookmarks (after taking in what other processes saved).
pub(super) fn open_list(state: &mut State, effects: &mut Vec<Effect>) {
    effects.push(Effect::Refresh);
    if state.bookmarks.is_empty() {
        state.flash = Some(format!(
            "no bookmarks yet: {} bookmarks a section",
            state.keymap.hint(super::Context::Reader, Command::Bookmark)
        ));
        return;
    }
    state.overlay = Some(Overlay::Bookmarks {
        selected: 0,
        offset: 0,
    });
}

pub(super) fn open_selected(state: &mut State, selected: usize, effects: &mut Vec<Effect>) {
    let Some((_, bookmark)) = state
        .bookmark_list()
        .get(selected)
        .map(|(k, b)| ((*k).clone(), (*b).clone()))
    else {
        return;
    };
    if state.reader.as_ref().is_some_and(|r| r.key == bookmark.doc) {
        if let Some(reader) = state.reader.as_mut() {
            reader.go_to_anchor(&bookmark.anchor);
            state.screen = Screen::Reader;
            let key = reader.key.clone();
            remember_position(state, key, effects);
        }
        return;
    }
    open_doc(state, bookmark, effects);
}

/// Opens a bookmark's document at the bookmark, once the library says which entry it is.
pub(super) fn open_doc(state: &mut State, bookmark: Bookmark, effects: &mut Vec<Effect>) {
    match state.entry_of_key(&bookmark.doc) {
        Lookup::NotYetKnown => {
            state.flash = Some(format!(
                "looking for {} in the library…",
                bookmark.doc_title
            ));
            state.pending_open = Some(PendingOpen::Bookmark(Box::new(bookmark)));
        }
        Lookup::Found(entry) => {
            // Open the document at the bookmark: the saved position is set to it first.
            let mut doc_state = state
                .saved_docs
                .get(&bookmark.doc)
                .cloned()
                .unwrap_or(DocState {
                    title: bookmark.doc_title.clone(),
                    anchor: bookmark.anchor.clone(),
                    percent: 0.0,
                    read_sections: Default::default(),
                    sections_total: 0,
                    finished: false,
                    updated: 0,
                });
            doc_state.anchor = bookmark.anchor.clone();
            state.saved_docs.insert(bookmark.doc.clone(), doc_state);
            open_entry(state, entry, effects);
        }
        Lookup::NotListed => {
            let lines = vec![
                format!("{} — {}", bookmark.doc_title, bookmark.section_title),
                String::new(),
                format!(
                    "{} is no longer listed in this library's INDEX.md.",
                    bookmark.doc
                ),
                "The bookmark is kept.".into(),
            ];
            state.show_message("Document not in the library", lines);
        }
    }
}

pub(super) fn delete(state: &mut State, selected: usize, effects: &mut Vec<Effect>) {
    let Some(id) = state
        .bookmark_list()
        .get(selected)
        .map(|(k, _)| (*k).clone())
    else {
        return;
    };
    if let Some(old) = state.bookmarks.remove(&id) {
        state.flash = Some(format!(
            "deleted bookmark {} — {} undoes",
            old.section_title,
            state.keymap.hint(super::Context::Bookmarks, Command::Undo)
        ));
        state.deleted.push((id.clone(), old));
        effects.push(store_op(Op::DeleteBookmark { id }));
        effects.push(Effect::Flush);
    }
}

/// Brings back the bookmark deleted last; again, the one before, back through the session.
pub(super) fn undo_delete(state: &mut State, effects: &mut Vec<Effect>) {
    match state.deleted.pop() {
        Some((id, bookmark)) => {
            state.flash = Some(format!("restored bookmark {}", bookmark.section_title));
            state.bookmarks.insert(id.clone(), bookmark.clone());
            effects.push(store_op(Op::UpsertBookmark { id, bookmark }));
            effects.push(Effect::Flush);
        }
        None => state.flash = Some("nothing to undo".into()),
    }
}
