//! Places and marks on real books: resume, bookmarks and read marks in articles read in
//! pieces (over 1 MiB) and with repeated chapter titles, driven through `update` the way the
//! runtime drives it (the first piece, then the rest as `More` actions).
//!
//! The books come from `../shared/corpus/large/` beside the repository (as CI lays it out)
//! and are copied into a temporary library for each test; a checkout without the corpus
//! skips those tests with a note. The property test makes its own books.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use blatt::app::{Action, Command, Effect, Keymap, Settings, State, update};
use blatt::document::stream;
use blatt::library::load_library;
use blatt::runtime::start_load;
use blatt::store::{DocState, Op};

/// The bytes of a book of the shared corpus; `None` (the test skips) where there is none.
fn book(name: &str) -> Option<Vec<u8>> {
    let (_dir, path) = common::corpus_copy(&format!("large/{name}"))?;
    Some(fs::read(path).expect("book"))
}

/// A library folder holding one article, with the given text.
fn library_with(dir: &Path, file: &str, text: &[u8]) {
    fs::write(
        dir.join("INDEX.md"),
        format!("# Bücher\n\n- [Das Buch]({file}) — ein Buch\n"),
    )
    .expect("index");
    fs::write(dir.join(file), text).expect("article");
}

/// What one session of the reader saved (the runtime applies these to the store).
#[derive(Default)]
struct Saved {
    docs: BTreeMap<String, DocState>,
    ops: Vec<Op>,
}

fn session(dir: &Path, width: u16, saved: &Saved) -> State {
    let library = load_library(dir).expect("library");
    let mut state = State::new(library, Settings::default(), Keymap::default());
    state.saved_docs = saved.docs.clone().into_iter().collect();
    update(&mut state, Action::Tick(1_000));
    update(&mut state, Action::Resize(width, 30));
    state
}

fn keep(saved: &mut Saved, effects: Vec<Effect>) {
    for effect in effects {
        if let Effect::Store(op) = effect {
            if let Op::SetDoc { key, state } = &*op {
                saved.docs.insert(key.clone(), state.clone());
            }
            saved.ops.push(*op);
        }
    }
}

/// Opens entry 0 as the runtime does: the first piece through `update`; returns the
/// loader of the rest, if the article is read in pieces.
fn start(state: &mut State, saved: &mut Saved) -> Option<stream::Loader> {
    let mut effects = update(state, Action::Command(Command::Open));
    // The entry may need checking first.
    while let Some(Effect::Check { entries }) = effects.first().cloned() {
        let checked = blatt::runtime::check_entries(state, &entries);
        effects = update(state, checked);
    }
    assert!(
        effects.contains(&Effect::Load { entry: 0 }),
        "no load: {effects:?}"
    );
    let (doc, loader) = start_load(state, 0, 1 << 30).expect("open");
    let loaded = Action::Loaded {
        entry: 0,
        result: Ok(doc),
    };
    keep(saved, update(state, loaded));
    loader
}

/// Sends the rest of the article in, a piece at a time, as the runtime's loader does.
fn feed(state: &mut State, saved: &mut Saved, loader: Option<stream::Loader>) {
    let Some(mut loader) = loader else {
        return;
    };
    loop {
        let piece = loader.next(stream::PIECE).expect("piece");
        let done = piece.done;
        let more = Action::More {
            entry: 0,
            blocks: piece.blocks,
            done,
            end: Some(piece.end),
            error: None,
        };
        keep(saved, update(state, more));
        if done {
            return;
        }
    }
}

/// Opens entry 0 and reads all of it in.
fn open(state: &mut State, saved: &mut Saved) {
    let loader = start(state, saved);
    feed(state, saved, loader);
}

fn reader(state: &State) -> &blatt::app::Reader {
    state.reader.as_ref().expect("a reader")
}

/// The text at the top of the screen.
fn top_text(state: &State) -> String {
    let r = reader(state);
    let (block, offset) = r.view().expect("layout").content_at(r.top);
    r.doc.block(block).text[offset..].chars().take(40).collect()
}

fn cmd(state: &mut State, saved: &mut Saved, command: Command, times: usize) {
    for _ in 0..times {
        let effects = update(state, Action::Command(command));
        keep(saved, effects);
    }
}

#[test]
fn a_large_book_reopens_where_it_was_left_and_never_saves_the_start_over_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(text) = book("pg1399-anna-karenina.txt") else {
        return;
    };
    library_with(dir.path(), "anna.txt", &text);

    let mut saved = Saved::default();
    let mut state = session(dir.path(), 100, &saved);
    open(&mut state, &mut saved);
    cmd(&mut state, &mut saved, Command::NextSection, 40);
    let section = reader(&state).current_section();
    assert!(section >= 40, "section {section}");
    let expected = top_text(&state);
    cmd(&mut state, &mut saved, Command::Quit, 1);

    // Tomorrow: the first piece is in, the place is far beyond it.
    let mut state = session(dir.path(), 100, &saved);
    saved.ops.clear();
    let loader = start(&mut state, &mut saved);
    assert!(loader.is_some(), "the book is read in pieces");
    assert!(
        !saved.ops.iter().any(|op| matches!(op, Op::SetDoc { .. })),
        "a place was saved before the saved one was reached: {:?}",
        saved.ops.iter().find(|op| matches!(op, Op::SetDoc { .. }))
    );
    // The rest arrives: the reader is where it was left.
    feed(&mut state, &mut saved, loader);
    assert!(
        !saved.ops.iter().any(|op| matches!(op, Op::SetDoc { .. })),
        "a place was saved while reopening"
    );
    assert_eq!(top_text(&state), expected);
    assert_eq!(reader(&state).current_section(), section);
    // And what is saved now is still that place.
    cmd(&mut state, &mut saved, Command::Quit, 1);
    let mut again = session(dir.path(), 100, &saved);
    open(&mut again, &mut saved);
    assert_eq!(top_text(&again), expected);
}

#[test]
fn chapters_with_the_same_title_keep_their_own_bookmarks_and_read_marks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(text) = book("pg2600-war-and-peace.txt") else {
        return;
    };
    library_with(dir.path(), "war.txt", &text);
    let mut saved = Saved::default();
    let mut state = session(dir.path(), 100, &saved);
    open(&mut state, &mut saved);
    let sevens: Vec<usize> = reader(&state)
        .doc
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.title.as_deref() == Some("CHAPTER VII"))
        .map(|(i, _)| i)
        .collect();
    assert!(sevens.len() > 10, "{sevens:?}");

    // A bookmark on the second CHAPTER VII; `b` on the third adds one, it removes none.
    cmd(&mut state, &mut saved, Command::Contents, 1);
    go_to_section(&mut state, &mut saved, sevens[1]);
    cmd(&mut state, &mut saved, Command::Bookmark, 1);
    assert_eq!(state.bookmarks.len(), 1);
    go_to_section(&mut state, &mut saved, sevens[2]);
    cmd(&mut state, &mut saved, Command::Bookmark, 1);
    assert_eq!(
        state.bookmarks.len(),
        2,
        "b on another CHAPTER VII removed the first"
    );

    // Reading one CHAPTER II to its end marks that one read, not every CHAPTER II.
    let twos: Vec<usize> = reader(&state)
        .doc
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.title.as_deref() == Some("CHAPTER II"))
        .map(|(i, _)| i)
        .collect();
    go_to_section(&mut state, &mut saved, twos[0]);
    while reader(&state).current_section() == twos[0] {
        cmd(&mut state, &mut saved, Command::PageDown, 1);
    }
    let r = reader(&state);
    assert!(r.is_read(twos[0]), "the chapter read is marked");
    for &other in &twos[1..] {
        assert!(
            !r.is_read(other),
            "CHAPTER II at section {other} was not read"
        );
    }
}

/// Goes to a section as the contents list does.
fn go_to_section(state: &mut State, saved: &mut Saved, index: usize) {
    if state.overlay.is_none() {
        cmd(state, saved, Command::Contents, 1);
    }
    cmd(state, saved, Command::Top, 1);
    cmd(state, saved, Command::Down, index);
    cmd(state, saved, Command::Open, 1);
    assert_eq!(reader(state).current_section(), index);
}

#[test]
fn jumping_to_the_end_does_not_read_the_article() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(text) = book("pg2554-crime-and-punishment.txt") else {
        return;
    };
    library_with(dir.path(), "crime.txt", &text);
    let mut saved = Saved::default();
    let mut state = session(dir.path(), 100, &saved);
    open(&mut state, &mut saved);
    cmd(&mut state, &mut saved, Command::Bottom, 1);
    assert!(reader(&state).at_end());
    let r = reader(&state);
    assert!(!r.finished, "G is a jump, not reading");
    assert!(
        r.read_sections.len() <= 2,
        "a jump marked {} sections read",
        r.read_sections.len()
    );
    cmd(&mut state, &mut saved, Command::Back, 1);
    assert!(state.progress(0).is_some_and(|p| !p.finished));
}

#[test]
fn paging_through_to_the_end_finishes_the_article() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::from("Ein kurzer Text\n\n");
    for s in 1..=4 {
        text.push_str(&format!("Teil {s}\n\n"));
        for p in 0..12 {
            text.push_str(&format!(
                "Absatz {p} im Teil {s}, mit genug Wörtern, um umbrochen zu werden, und noch mehr.\n\n"
            ));
        }
    }
    library_with(dir.path(), "kurz.txt", text.as_bytes());
    let mut saved = Saved::default();
    let mut state = session(dir.path(), 60, &saved);
    open(&mut state, &mut saved);
    while !reader(&state).at_end() {
        cmd(&mut state, &mut saved, Command::PageDown, 1);
    }
    let r = reader(&state);
    assert!(r.finished);
    assert_eq!(r.read_sections.len(), r.doc.sections.len());
}

mod random_books {
    use super::*;
    use proptest::prelude::*;

    /// A book over 1 MiB whose chapter titles repeat in every part, with indented lines.
    fn book(seed: u64, parts: usize) -> String {
        let words = [
            "der",
            "Fürst",
            "sagte",
            "leise",
            "and",
            "the",
            "prince",
            "said",
            "Москва",
            "снег",
            "morning",
            "Abend",
            "letter",
            "Brief",
            "road",
            "Weg",
        ];
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut text = String::from("A Random Book\n\n");
        let mut part = 0;
        while text.len() < (1 << 20) + 200_000 {
            part += 1;
            text.push_str(&format!(
                "PART {}\n\n",
                [
                    "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT"
                ][part % 8]
            ));
            for chapter in ["CHAPTER I", "CHAPTER II", "CHAPTER III"]
                .iter()
                .take(parts)
            {
                text.push_str(&format!("{chapter}\n\n"));
                for _ in 0..(next() % 40 + 20) {
                    let indent = next() % 5 == 0;
                    let n = next() % 60 + 10;
                    let line: Vec<&str> = (0..n).map(|_| words[(next() % 16) as usize]).collect();
                    if indent {
                        text.push_str("    ");
                    }
                    text.push_str(&line.join(" "));
                    text.push_str(".\n\n");
                }
            }
        }
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 4, ..ProptestConfig::default() })]

        #[test]
        fn a_place_saved_anywhere_comes_back_at_another_width(
            seed in any::<u64>(),
            parts in 2usize..4,
            section_pick in 0usize..10_000,
            lines_down in 0usize..40,
            widths in (30u16..120, 30u16..120),
        ) {
            let dir = tempfile::tempdir().expect("tempdir");
            library_with(dir.path(), "book.txt", book(seed, parts).as_bytes());
            let mut saved = Saved::default();
            let mut state = session(dir.path(), widths.0, &saved);
            open(&mut state, &mut saved);
            let sections = reader(&state).doc.sections.len();
            go_to_section(&mut state, &mut saved, section_pick % sections);
            cmd(&mut state, &mut saved, Command::Down, lines_down);
            let anchor = reader(&state).anchor();
            let text = reader(&state).doc.block(anchor.block).text.to_string();
            cmd(&mut state, &mut saved, Command::Quit, 1);

            let mut state = session(dir.path(), widths.1, &saved);
            saved.ops.clear();
            let loader = start(&mut state, &mut saved);
            feed(&mut state, &mut saved, loader);
            let r = reader(&state);
            let (block, _) = r.view().expect("layout").content_at(r.top);
            prop_assert_eq!(block, anchor.block);
            prop_assert_eq!(r.doc.block(block).text, text.as_str());
            let line = r.view().expect("layout").lines(block).expect("laid out")[r.top.line];
            prop_assert!(
                (line.start as usize) <= anchor.offset && anchor.offset <= (line.end as usize).max(line.start as usize),
                "the saved offset {} is not on the top line {:?}", anchor.offset, line
            );
        }
    }
}

/// A `state.json` written by the release before this one (schema 1, made with it on War and
/// Peace: a bookmark with a note on the second CHAPTER VI, read marks by heading path, the
/// place in the second CHAPTER VII), with `@DOC@` for the book's path.
const SCHEMA_1: &str = include_str!("fixtures/state-schema1-war-and-peace.json");

#[test]
fn a_schema_1_state_file_loads_and_its_marks_land_on_the_right_sections() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(text) = book("pg2600-war-and-peace.txt") else {
        return;
    };
    library_with(dir.path(), "war.txt", &text);
    let book = fs::canonicalize(dir.path().join("war.txt")).expect("canonical");
    let config = tempfile::tempdir().expect("tempdir");
    fs::write(
        config.path().join("state.json"),
        SCHEMA_1.replace("@DOC@", &book.to_string_lossy()),
    )
    .expect("state");
    let (store, notices) = blatt::store::Store::open(Some(config.path().to_path_buf()));
    assert!(notices.is_empty(), "{notices:?}");
    assert_eq!(store.state().bookmarks.len(), 1);

    let mut saved = Saved {
        docs: store.state().docs.clone(),
        ops: Vec::new(),
    };
    let mut state = session(dir.path(), 100, &saved);
    state.bookmarks = store.state().bookmarks.clone();
    open(&mut state, &mut saved);
    let r = reader(&state);
    // The sections with a title seen before: the second CHAPTER VI and VII.
    let nth = |title: &str, n: usize| {
        r.doc
            .sections
            .iter()
            .enumerate()
            .filter(|(_, s)| s.title.as_deref() == Some(title))
            .nth(n)
            .map(|(i, _)| i)
            .expect("the section")
    };
    assert_eq!(
        r.current_section(),
        nth("CHAPTER VII", 1),
        "the saved place"
    );
    assert_eq!(state.marks.len(), 1, "the bookmark is found");
    let (block, _) = state.marks[0];
    assert_eq!(
        r.doc.section_of(block),
        nth("CHAPTER VI", 1),
        "on its section"
    );
    assert!(state.section_marked(nth("CHAPTER VI", 1)));
    assert!(
        !state.section_marked(nth("CHAPTER VI", 0)),
        "and on no other"
    );
    // "CHAPTER VI" read, in schema 1, could be any of them: none is claimed.
    for n in 0..3 {
        assert!(!r.is_read(nth("CHAPTER VI", n)));
    }
    // The note is kept, and the bookmark opens where it was.
    assert_eq!(
        state.bookmarks.values().next().map(|b| b.note.as_str()),
        Some("the second seven")
    );
}
