//! Opening an article at a place far into it: the window there read while the start is
//! (`open_with_window`), and what `update` then makes of it.

use super::*;
use crate::anchor::Anchor;
use crate::app::{Keymap, Settings};
use crate::store::DocState;

const CAP: u64 = u64::MAX - 1;

/// A book of about `size` bytes in a folder of its own, opened as a single article.
fn book(size: usize) -> (tempfile::TempDir, State) {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("buch.txt");
    let mut text = String::from("Ein langes Buch\n\n");
    let mut i = 0;
    while text.len() < size {
        if i % 50 == 0 {
            text.push_str(&format!("KAPITEL {}\n\n", i / 50 + 1));
        }
        text.push_str(&format!(
            "Absatz {i} erzählt, wie es mit der Gesellschaft und ihren Schiffen weiterging.\n\n"
        ));
        i += 1;
    }
    std::fs::write(&path, text).expect("written");
    let library = crate::library::single_article(&path).expect("a library");
    let mut state = State::new(library, Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    (dir, state)
}

/// Saves `anchor` as the reading position of the article of entry 0.
fn save_place(state: &mut State, anchor: &Anchor) {
    let key = state.entry_key(0).expect("a key").to_string();
    let saved = DocState {
        anchor: anchor.clone(),
        ..DocState::default()
    };
    state.saved_docs.insert(key, saved);
}

#[test]
fn a_saved_place_far_in_is_read_while_the_start_is_and_is_the_window_update_asks_for() {
    let (_dir, mut state) = book(3 << 20);
    let whole = load(&state, 0, CAP).expect("the whole book");
    let anchor = Anchor::at(&whole, whole.block_count() * 4 / 5, 0);
    assert!(anchor.byte.is_some_and(|b| b > 2 << 20), "{anchor:?}");
    save_place(&mut state, &anchor);

    let (opened, early) = open_with_window(&state, 0, CAP);
    let (doc, loader) = opened.expect("opens");
    assert!(loader.is_some(), "a large book is read in pieces");
    let (entry, jump, window) = early.expect("the window read early");
    let window = window.expect("the window");
    assert_eq!(window.doc.title, doc.title);

    // Once the start is in, update asks for this very window...
    let effects = update(
        &mut state,
        Action::Loaded {
            entry: 0,
            result: Ok(doc),
        },
    );
    assert!(
        effects.contains(&Effect::ReadAhead {
            entry,
            jump: jump.clone()
        }),
        "{effects:?}"
    );
    // ...and reading it then gives the same blocks in the same place.
    let later = read_ahead(&state, 0, &jump, CAP).expect("the window");
    assert_eq!(window.doc, later.doc);
    assert_eq!(
        (window.start, window.end, window.size),
        (later.start, later.end, later.size)
    );

    // Shown, it puts the saved paragraph at the top.
    update(
        &mut state,
        Action::Ahead {
            entry,
            jump,
            result: Ok(window),
        },
    );
    let reader = state.reader.as_ref().expect("a reader");
    assert!(reader.provisional());
    let (block, offset) = reader.view().expect("laid out").content_at(reader.top);
    assert_eq!(offset, 0);
    assert_eq!(reader.doc.block(block).text, whole.block(anchor.block).text);
}

#[test]
fn no_window_is_read_early_for_a_place_near_the_start_or_without_a_place() {
    let (_dir, mut state) = book(3 << 20);
    let (opened, early) = open_with_window(&state, 0, CAP);
    assert!(opened.is_ok());
    assert!(early.is_none(), "nothing saved");
    let whole = load(&state, 0, CAP).expect("the whole book");
    save_place(&mut state, &Anchor::at(&whole, 30, 0));
    let (opened, early) = open_with_window(&state, 0, CAP);
    assert!(opened.is_ok());
    assert!(early.is_none(), "a place in the first piece");
}
