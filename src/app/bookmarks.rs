//! Bookmarks: setting and removing them in the reader, notes, the list of all bookmarks
//! (open, delete, undo back through the session) and opening a bookmark's document.

use super::{
    Effect, Lookup, Overlay, PendingOpen, Reader, Screen, State, open_entry, remember_position,
    store_op,
};
use crate::app::{Command, Context};
use crate::store::{Bookmark, Op};

/// `b`: bookmarks the place at the top of the screen, or removes the bookmark there (it
/// can be brought back with undo in the bookmarks list).
pub(super) fn toggle(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let top = reader.anchor().block;
    if let Some(id) = state.mark_at(top).map(str::to_string)
        && let Some(old) = state.bookmarks.remove(&id)
    {
        state.flash = Some(format!(
            "bookmark removed: {} — {} brings it back",
            old.section_title,
            state.keymap.hint(Context::Reader, Command::Undo)
        ));
        state.deleted.push((id.clone(), old));
        effects.push(store_op(Op::DeleteBookmark { id }));
    } else {
        let bookmark = new_bookmark(state, reader, String::new());
        let id = Bookmark::id_at(&bookmark.doc, &bookmark.anchor);
        state.flash = Some(format!("bookmarked: {}", bookmark.section_title));
        state.bookmarks.insert(id.clone(), bookmark.clone());
        effects.push(store_op(Op::UpsertBookmark { id, bookmark }));
    }
    state.marks_stale = true;
    effects.push(Effect::Flush);
}

/// The most characters of text kept as a bookmark's excerpt.
const EXCERPT: usize = 60;

/// A bookmark at the place at the top of the screen.
fn new_bookmark(state: &State, reader: &Reader, note: String) -> Bookmark {
    let anchor = reader.anchor();
    let index = reader.doc.section_of(anchor.block);
    let text = reader.doc.get(anchor.block).map_or("", |b| b.text);
    let start = text
        .get(..anchor.offset)
        .and_then(|before| before.rfind(char::is_whitespace).map(|i| i + 1))
        .unwrap_or(0);
    let excerpt: String = text
        .get(start..)
        .unwrap_or(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(EXCERPT)
        .collect();
    Bookmark {
        doc: reader.key.clone(),
        doc_title: reader.doc.title.clone(),
        section_path: reader.doc.sections[index].path.clone(),
        section_title: reader.doc.section_label(index),
        section_slug: reader.doc.section_slug(index),
        anchor,
        note,
        excerpt,
        // Floored, as the status line shows it.
        percent: Some(reader.percent_at_top().floor().clamp(0.0, 100.0) as u8),
        library: state.library.origin.key(),
        created: state.now,
        updated: state.now,
    }
}

/// The bookmark the note editor works on: the first one on screen, else a new one at the
/// top of the screen.
pub(super) fn here(state: &State) -> Option<(String, Option<&Bookmark>)> {
    let reader = state.reader.as_ref()?;
    let visible = reader.visible();
    let (first, last) = (visible.first()?.block, visible.last()?.block);
    let on_screen = state
        .marks
        .iter()
        .find(|(block, _)| (first..=last).contains(block))
        .map(|(_, id)| id.clone());
    Some(match on_screen {
        Some(id) => {
            let bookmark = state.bookmarks.get(&id);
            (id, bookmark)
        }
        None => (Bookmark::id_at(&reader.key, &reader.anchor()), None),
    })
}

/// The note typed for the bookmark on screen (made at the top if there is none).
pub(super) fn save_note(state: &mut State, text: String, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let Some((id, existing)) = here(state) else {
        return;
    };
    let bookmark = match existing {
        Some(existing) => Bookmark {
            note: text,
            updated: state.now,
            ..existing.clone()
        },
        None => new_bookmark(state, reader, text),
    };
    state.flash = Some(format!("note saved on {}", bookmark.section_title));
    state.bookmarks.insert(id.clone(), bookmark.clone());
    state.marks_stale = true;
    effects.push(store_op(Op::UpsertBookmark { id, bookmark }));
    effects.push(Effect::Flush);
}

/// Opens the list of all bookmarks (after taking in what other processes saved).
pub(super) fn open_list(state: &mut State, effects: &mut Vec<Effect>) {
    effects.push(Effect::Refresh);
    if state.bookmarks.is_empty() {
        state.flash = Some(format!(
            "no bookmarks yet: {} in an article bookmarks the place you are reading",
            state.keymap.hint(Context::Reader, Command::Bookmark)
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
            reader.reopen_at(&bookmark.anchor);
            state.screen = Screen::Reader;
            let key = reader.key.clone();
            remember_position(state, key, effects);
            super::read_ahead_to_pending(state, effects);
        }
        return;
    }
    open_doc(state, bookmark, effects);
}

/// Opens a bookmark's document at the bookmark: in its own library (which opens first if
/// it is another one), once the library says which entry it is.
pub(super) fn open_doc(state: &mut State, bookmark: Bookmark, effects: &mut Vec<Effect>) {
    if state.missing_docs.contains(&bookmark.doc) {
        let lines = vec![
            format!("{} — {}", bookmark.doc_title, bookmark.section_title),
            String::new(),
            format!("The file {} is gone.", bookmark.doc),
            format!(
                "The bookmark is kept; {} in the bookmarks list deletes it.",
                state
                    .keymap
                    .hint(Context::Bookmarks, Command::DeleteBookmark)
            ),
        ];
        state.show_message("The bookmarked file is gone", lines);
        return;
    }
    if !bookmark.library.is_empty() && bookmark.library != state.library.origin.key() {
        state.flash = Some(format!("opening the library of {}…", bookmark.doc_title));
        effects.push(Effect::OpenLibrary {
            key: bookmark.library.clone(),
            then: Box::new(bookmark),
        });
        return;
    }
    match state.entry_of_key_early(&bookmark.doc) {
        (Lookup::NotYetKnown, candidate) => {
            if let Some(entry) = candidate {
                effects.push(Effect::Check {
                    entries: vec![entry],
                });
            }
            state.flash = Some(format!(
                "looking for {} in the library…",
                bookmark.doc_title
            ));
            state.pending_open = Some(PendingOpen::Bookmark(Box::new(bookmark)));
        }
        (Lookup::Found(entry), _) => {
            // Open the document at the bookmark (its saved place stays as it is until the
            // person moves there).
            state.open_at = Some((bookmark.doc.clone(), bookmark.anchor.clone()));
            open_entry(state, entry, effects);
        }
        (Lookup::NotListed, _) => {
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
        // The list closes when it is empty: the hint names the key where the person is then.
        let context = if state.bookmarks.is_empty() {
            match state.screen {
                super::Screen::Reader => Context::Reader,
                super::Screen::Library => Context::Library,
            }
        } else {
            Context::Bookmarks
        };
        state.flash = Some(format!(
            "deleted bookmark {} — {} undoes",
            old.section_title,
            state.keymap.hint(context, Command::Undo)
        ));
        state.deleted.push((id.clone(), old));
        state.marks_stale = true;
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
            state.marks_stale = true;
            effects.push(store_op(Op::UpsertBookmark { id, bookmark }));
            effects.push(Effect::Flush);
        }
        None => state.flash = Some("nothing to undo".into()),
    }
}

/// Finds where the open document's bookmarks are: the block of each, sorted. A bookmark
/// whose place is not in yet (a large article still loading) is left out until it is.
pub(super) fn refresh_marks(state: &mut State) {
    state.marks_stale = false;
    state.marks.clear();
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    for (id, bookmark) in &state.bookmarks {
        if bookmark.doc == reader.key
            && let Some((block, _)) = bookmark.anchor.resolve_loading(&reader.doc)
        {
            state.marks.push((block, id.clone()));
        }
    }
    state.marks.sort();
}
