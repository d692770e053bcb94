//! Jumps far into a large article that is still loading (`G`, `50%`, a saved place, a
//! bookmark) as sequences of actions: the window read for the jump is read here from the
//! same bytes, as the runtime reads it from the file.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use proptest::prelude::*;

use super::*;
use crate::document::stream::{Loader, PIECE};
use crate::document::{Format, window};
use crate::library::bundled_library;

/// An article of about `size` bytes: numbered paragraphs under numbered chapters.
fn article(size: usize) -> String {
    let mut text = String::from("Ein langes Buch\n\n");
    let mut i = 0;
    while text.len() < size {
        if i % 40 == 0 {
            text.push_str(&format!("KAPITEL {}\n\n", i / 40 + 1));
        }
        text.push_str(&format!(
            "Absatz {i} erzählt, wie es mit der Donaudampfschifffahrtsgesellschaft und den Verkehrsinfrastrukturfinanzierungsgesellschaften weiterging.\n\n"
        ));
        i += 1;
    }
    text.push_str("Das letzte Wort des Buches.\n");
    text
}

/// The state with `text` (named `name`) open, its first piece in, and the loader of the rest.
fn opened(text: &str, name: &str) -> (State, Option<Loader>, Vec<Effect>) {
    // Hyphenated, as by default: lines break as the language has it.
    let settings = Settings {
        hyphenate: true,
        ..Settings::default()
    };
    let mut state = State::new(bundled_library(), settings, Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    let effects = update(&mut state, Action::Command(Command::Open));
    assert_eq!(effects, [Effect::Load { entry: 0 }]);
    let (loader, effects) = arrive(&mut state, text, name);
    (state, loader, effects)
}

/// The article `text` (named `name`) arrives in `state` as entry 0, its first piece in:
/// the loader of the rest and the effects.
fn arrive(state: &mut State, text: &str, name: &str) -> (Option<Loader>, Vec<Effect>) {
    let (doc, loader) = open(text, name);
    let effects = update(
        state,
        Action::Loaded {
            entry: 0,
            result: Ok(Arc::new(doc)),
        },
    );
    (loader, effects)
}

fn open(text: &str, name: &str) -> (Document, Option<Loader>) {
    crate::document::open(
        Box::new(std::io::Cursor::new(text.as_bytes().to_vec())),
        text.len() as u64,
        name,
        "T",
        Some("de"),
        u64::MAX - 1,
    )
    .expect("opens")
}

/// The whole article, read in order as the reader reads it.
fn in_order(text: &str, name: &str) -> Document {
    let (mut doc, loader) = open(text, name);
    if let Some(mut loader) = loader {
        doc.read_rest(&mut loader).expect("reads");
    }
    doc
}

/// Sends the next piece; true when it was the last.
fn more(state: &mut State, loader: &mut Loader) -> (bool, Vec<Effect>) {
    let piece = loader.next(PIECE).expect("a piece");
    let done = piece.done;
    let effects = update(
        state,
        Action::More {
            entry: 0,
            blocks: piece.blocks,
            done,
            end: Some(piece.end),
            error: None,
        },
    );
    (done, effects)
}

/// Carries out the windows the effects ask for, as the runtime does.
/// The large article `text` opened, `G` pressed while it loads, and the part at its end
/// read ahead and shown: the reader is provisional. Returns the loader of the rest.
fn at_the_end_read_ahead(text: &str) -> (State, Loader) {
    let (mut state, loader, _) = opened(text, "buch.txt");
    let loader = loader.expect("read in pieces");
    let effects = update(&mut state, Action::Command(Command::Bottom));
    read_ahead(&mut state, &effects, text, "buch.txt");
    assert!(reader(&state).provisional());
    (state, loader)
}

fn read_ahead(state: &mut State, effects: &[Effect], text: &str, name: &str) -> Vec<Effect> {
    let mut out = Vec::new();
    for effect in effects {
        if let Effect::ReadAhead { entry, jump } = effect {
            let size = text.len() as u64;
            let result = window::read(
                std::io::Cursor::new(text.as_bytes()),
                size,
                (window::origin(jump, size), window::length(jump)),
                Format::from_name(name),
                "T",
                u64::MAX - 1,
            )
            .map(Box::new)
            .map_err(|e| e.to_string());
            out.extend(update(
                state,
                Action::Ahead {
                    entry: *entry,
                    jump: jump.clone(),
                    result,
                },
            ));
        }
    }
    out
}

fn reader(state: &State) -> &Reader {
    state.reader.as_ref().expect("a reader")
}

/// The text of the lines on screen, one after another.
fn screen(state: &State) -> Vec<String> {
    let r = reader(state);
    let layout = r.view().expect("laid out");
    r.visible()
        .iter()
        .filter_map(|pos| {
            let line = layout.lines(pos.block)?.get(pos.line)?;
            let text = r.doc.block(pos.block).text;
            Some(text[line.start as usize..line.end as usize].to_string())
        })
        .collect()
}

fn top_text(state: &State) -> String {
    let r = reader(state);
    let (block, offset) = r.view().expect("laid out").content_at(r.top);
    r.doc.block(block).text[offset..].to_string()
}

fn saved_docs(effects: &[Effect]) -> Vec<&DocState> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Store(op) => match &**op {
                Op::SetDoc { state, .. } => Some(state),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn typed(c: char) -> Action {
    Action::Key(KeyEvent::new_with_kind(
        KeyCode::Char(c),
        KeyModifiers::NONE,
        KeyEventKind::Press,
    ))
}

/// The whole screen as drawn, rows joined.
fn drawn(state: &State) -> String {
    let mut term =
        ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 30)).expect("terminal");
    term.draw(|frame| crate::ui::draw(frame, state, &crate::ui::Theme::default()))
        .expect("drawn");
    let buffer = term.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_contents_of_a_part_read_ahead_say_the_sections_before_are_to_come() {
    let text = article(3 << 20);
    let (mut state, mut loader) = at_the_end_read_ahead(&text);
    update(&mut state, Action::Command(Command::Contents));
    let shown = drawn(&state);
    assert!(
        shown.contains("sections before this part to come"),
        "{shown}"
    );
    while !more(&mut state, &mut loader).0 {}
    assert!(!reader(&state).provisional() && !reader(&state).loading());
    let shown = drawn(&state);
    assert!(shown.contains("╭ Contents ─"), "{shown}");
    assert!(!shown.contains("to come"), "{shown}");
}

#[test]
fn g_while_loading_shows_the_end_at_once() {
    let text = article(3 << 20);
    let (mut state, loader, _) = opened(&text, "buch.txt");
    let mut loader = loader.expect("read in pieces");
    let effects = update(&mut state, Action::Command(Command::Bottom));
    assert!(
        effects.contains(&Effect::ReadAhead {
            entry: 0,
            jump: Jump::End
        }),
        "{effects:?}"
    );
    read_ahead(&mut state, &effects, &text, "buch.txt");
    assert!(reader(&state).provisional());
    assert_eq!(
        screen(&state).last().map(String::as_str),
        Some("Das letzte Wort des Buches."),
        "the end is on screen before the article is read to it"
    );
    assert!(reader(&state).loading());
    let shown = screen(&state);
    // Laid out as the article: hyphenated in its language.
    assert_eq!(reader(&state).doc.language.as_deref(), Some("de"));
    // The rest arrives: the same screen, now in the whole article.
    loop {
        let (done, _) = more(&mut state, &mut loader);
        if done {
            break;
        }
        assert_eq!(
            screen(&state),
            shown,
            "nothing moves while the rest arrives"
        );
    }
    assert!(!reader(&state).provisional());
    assert_eq!(reader(&state).doc.as_ref(), &in_order(&text, "buch.txt"));
    assert_eq!(screen(&state), shown);
    assert!(reader(&state).at_end());
}

#[test]
fn a_provisional_position_is_never_saved() {
    let text = article(3 << 20);
    let (mut state, loader, _) = opened(&text, "buch.txt");
    let mut loader = loader.expect("read in pieces");
    more(&mut state, &mut loader);
    let key = reader(&state).key.clone();
    let before = state.saved_docs.get(&key).cloned();
    let mut effects = Vec::new();
    for c in ['8', '0', '%'] {
        effects.extend(update(&mut state, typed(c)));
    }
    effects.extend(read_ahead(&mut state, &effects.clone(), &text, "buch.txt"));
    assert!(reader(&state).provisional(), "80% is not read yet");
    for command in [
        Command::Down,
        Command::PageDown,
        Command::Up,
        Command::NextSection,
    ] {
        effects.extend(update(&mut state, Action::Command(command)));
    }
    assert!(
        saved_docs(&effects).is_empty(),
        "{:?}",
        saved_docs(&effects)
    );
    assert_eq!(state.saved_docs.get(&key).cloned(), before);
    // A bookmark would be a place not known yet: refused with a word why.
    let effects = update(&mut state, typed('b'));
    assert!(effects.is_empty() && state.bookmarks.is_empty());
    assert!(state.flash.is_some());
    // Once the article is in, the place is exact and saved: the text shown.
    let shown = top_text(&state);
    let mut saved = Vec::new();
    loop {
        let (done, effects) = more(&mut state, &mut loader);
        saved.extend(saved_docs(&effects).into_iter().cloned());
        if done {
            break;
        }
    }
    assert!(!reader(&state).provisional());
    // The word why is gone with the reason.
    assert_eq!(state.flash, None);
    assert_eq!(top_text(&state), shown);
    let last = saved.last().expect("the place, saved once exact");
    let doc = in_order(&text, "buch.txt");
    let (block, offset) = last.anchor.resolve(&doc).expect("resolves");
    assert_eq!(&doc.block(block).text[offset..], shown);
}

#[test]
fn fifty_percent_is_on_screen_with_the_key_while_loading() {
    let text = article(4 << 20);
    let (mut state, _loader, _) = opened(&text, "buch.txt");
    let mut effects = Vec::new();
    for c in ['5', '0', '%'] {
        effects.extend(update(&mut state, typed(c)));
    }
    let jump = effects.iter().find_map(|e| match e {
        Effect::ReadAhead { jump, .. } => Some(jump.clone()),
        _ => None,
    });
    assert_eq!(jump, Some(Jump::Byte(text.len() as u64 / 2)));
    read_ahead(&mut state, &effects, &text, "buch.txt");
    let top = top_text(&state);
    let at = text.find(&top).expect("in the text") as f64 / text.len() as f64;
    assert!((0.49..0.51).contains(&at), "{at}");
    assert!(reader(&state).percent() > 49.0);
    // `%` alone goes back to the start, out of the window.
    update(&mut state, typed('%'));
    assert!(!reader(&state).provisional());
    assert_eq!(reader(&state).top, crate::layout::LinePos::default());
}

#[test]
fn a_bookmark_far_into_a_loading_file_opens_at_its_text() {
    let text = article(3 << 20);
    let whole = in_order(&text, "buch.txt");
    let block = whole.block_count() * 9 / 10;
    let anchor = crate::anchor::Anchor::at(&whole, block, 5);
    assert!(
        anchor.byte.is_some(),
        "a large article's places know their byte"
    );
    let mut state = opening();
    let key = state.entry_key(0).expect("a key").to_string();
    // What opening a bookmark of another article does (see `bookmarks::open_doc`).
    state.open_at = Some((key, anchor.clone()));
    let (loader, effects) = arrive(&mut state, &text, "buch.txt");
    let mut loader = loader.expect("read in pieces");
    read_ahead(&mut state, &effects, &text, "buch.txt");
    let wanted = whole.block(block).text;
    assert_eq!(top_text(&state), wanted, "at the bookmark's text at once");
    assert!(reader(&state).provisional());
    loop {
        if more(&mut state, &mut loader).0 {
            break;
        }
    }
    assert!(!reader(&state).provisional() && reader(&state).pending.is_none());
    assert_eq!(top_text(&state), wanted);
    assert_eq!(reader(&state).anchor().block, block);
}

#[test]
fn a_library_hit_far_into_a_loading_file_opens_at_its_text() {
    let text = article(3 << 20);
    let whole = in_order(&text, "buch.txt");
    let hits = far_hits(&whole);
    let [hit] = &hits[..] else {
        panic!("one hit: {hits:?}")
    };
    assert!(hit.block > whole.block_count() * 4 / 5, "far in: {hit:?}");
    assert!(hit.place.is_some(), "a large article's hit knows its byte");
    let mut state = opening();
    // What Enter on the hit in the results does (see `results::open_selected`).
    state.open_search = Some(results::OpenSearch::at(
        0,
        Some(hit),
        "Absatz 18000 erzählt".into(),
        false,
    ));
    let (loader, effects) = arrive(&mut state, &text, "buch.txt");
    let mut loader = loader.expect("read in pieces");
    read_ahead(&mut state, &effects, &text, "buch.txt");
    let wanted = whole.block(hit.block).text;
    assert_eq!(top_text(&state), wanted, "at the hit's text at once");
    assert!(reader(&state).provisional());
    // Its matches are places in the whole article: the search waits for it.
    assert!(reader(&state).find.is_none());
    let mut effects = Vec::new();
    loop {
        let (done, more) = more(&mut state, &mut loader);
        effects.extend(more);
        if done {
            break;
        }
    }
    assert!(!reader(&state).provisional());
    assert_eq!(top_text(&state), wanted);
    let job = super::tests::search_job(effects);
    super::tests::run_search(&mut state, &job, 500);
    let find = reader(&state)
        .find
        .as_ref()
        .expect("the search, on in the article");
    let current = find.current.expect("at a match");
    assert_eq!(
        (current.start.block, current.start.offset),
        (hit.block, hit.offset)
    );
    assert_eq!(top_text(&state), wanted, "the view stays at the match");
}

#[test]
fn a_search_typed_while_the_article_loads_goes_to_a_match_that_comes_later() {
    let text = article(3 << 20);
    let (mut state, loader, _) = opened(&text, "buch.txt");
    let mut loader = loader.expect("read in pieces");
    for c in "/Absatz 18000 ".chars() {
        update(&mut state, typed(c));
    }
    update(
        &mut state,
        Action::Key(KeyEvent::new_with_kind(
            KeyCode::Enter,
            KeyModifiers::NONE,
            KeyEventKind::Press,
        )),
    );
    // Not in the part read yet: no verdict while more is to come.
    let status = |state: &State| {
        let r = reader(state);
        r.find
            .as_ref()
            .and_then(|f| f.status(r))
            .unwrap_or_default()
    };
    assert_eq!(state.flash, None, "no 'no match' while the article loads");
    assert_eq!(
        status(&state),
        "no match yet · searching on as the article loads"
    );
    let effects = read_rest(&mut state, &mut loader);
    // A worker may have been asked to search a piece that came while it was busy.
    if let Some(job) = effects.iter().rev().find_map(|e| match e {
        Effect::Search(job) => Some(job),
        _ => None,
    }) {
        super::tests::run_search(&mut state, job, 500);
    }
    assert!(
        top_text(&state).starts_with("Absatz 18000 "),
        "at the match once it came: {}",
        top_text(&state)
    );
    assert!(
        status(&state).starts_with("match 1/1 "),
        "{}",
        status(&state)
    );
}

/// A book whose parts have chapters of the same names: `KAPITEL 7` is in each part.
fn parts() -> String {
    let mut text = String::from("Ein Buch in Teilen\n\n");
    for part in 1..=4 {
        text.push_str(&format!("TEIL {part}\n\n"));
        for chapter in 1..=40 {
            text.push_str(&format!("KAPITEL {chapter}\n\n"));
            for i in 0..120 {
                text.push_str(&format!(
                    "Im Teil {part}, Kapitel {chapter}, erzählt Absatz {i} von der Donaudampfschifffahrtsgesellschaft.\n\n"
                ));
            }
        }
    }
    text
}

/// Opens `text` at the section `fragment`, as `blatt FILE#fragment` does: the effects
/// of the load, and the loader of the rest.
fn opened_at(text: &str, fragment: &str) -> (State, Loader, Vec<Effect>) {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    let effects = state.open_deep(0, Some(links::Deep::Fragment(fragment.into())));
    assert_eq!(effects, [Effect::Load { entry: 0 }]);
    let (loader, effects) = arrive(&mut state, text, "buch.txt");
    (state, loader.expect("read in pieces"), effects)
}

/// The scan of the runtime found section `fragment` of `text` at `byte` (see
/// `workers::seek_section`): the window read there is shown.
fn sought(state: &mut State, text: &str, fragment: &str, byte: Option<u64>) {
    let effects = update(
        state,
        Action::Sought {
            entry: 0,
            fragment: fragment.into(),
            byte,
        },
    );
    read_ahead(state, &effects, text, "buch.txt");
}

/// The hits of the library-wide search for `Absatz 18000 erzählt` in `whole`.
fn far_hits(whole: &Document) -> Vec<crate::search::library::LibraryHit> {
    let query =
        crate::search::Query::new("Absatz 18000 erzählt", Default::default()).expect("a query");
    crate::search::library::hits_in(whole, &query, 0)
}

/// The bundled library at 80x24 with its first entry being opened.
fn opening() -> State {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    update(&mut state, Action::Command(Command::Open));
    state
}

/// Reads the rest in, the effects of each piece.
fn read_rest(state: &mut State, loader: &mut Loader) -> Vec<Effect> {
    let mut effects = Vec::new();
    loop {
        let (done, more) = more(state, loader);
        effects.extend(more);
        if done {
            return effects;
        }
    }
}

#[test]
fn a_deep_link_far_into_a_loading_file_shows_its_section_at_once() {
    let text = parts();
    let (mut state, mut loader, effects) = opened_at(&text, "kapitel-7-3");
    assert!(
        effects.contains(&Effect::Seek {
            entry: 0,
            fragment: "kapitel-7-3".into()
        }),
        "{effects:?}"
    );
    // What the runtime's scan finds (see `workers::seek_section`).
    let byte = crate::document::seek::guess(text.as_bytes(), "kapitel-7-3").expect("reads");
    let part_four = text.find("TEIL 4").expect("part 4") as u64;
    assert!(byte.is_some_and(|b| b > part_four), "{byte:?}");
    sought(&mut state, &text, "kapitel-7-3", byte);
    assert!(reader(&state).provisional());
    assert_eq!(top_text(&state), "KAPITEL 7", "the section at once");
    // Read on in it meanwhile: the place stays once the whole article is in.
    update(&mut state, Action::Command(Command::Down));
    let shown = top_text(&state);
    read_rest(&mut state, &mut loader);
    assert!(!reader(&state).provisional());
    assert_eq!(state.open_fragment, None);
    assert_eq!(top_text(&state), shown);
    let whole = in_order(&text, "buch.txt");
    let (block, _) = whole.fragment("kapitel-7-3").expect("the section");
    let at = reader(&state).anchor().block;
    assert_eq!(
        whole.section_of(at),
        whole.section_of(block),
        "in that section"
    );
}

/// A book whose chapters are long paragraphs ending in many short lines of dialogue: a
/// window that starts in the dialogue before a heading has most of its blank lines
/// before the heading, so where its blocks are, estimated from where its text starts and
/// ends, is past the heading there.
fn dialogue_parts() -> String {
    let mut text = String::from("Ein Buch mit Gesprächen\n\n");
    let long = "Der Erzähler beschreibt lang und breit, was im Haus geschah, wer kam und wer ging, und was die Gäste über die Donaudampfschifffahrtsgesellschaft zu sagen hatten. ".repeat(4);
    for part in 1..=3 {
        text.push_str(&format!("TEIL {part}\n\n"));
        for chapter in 1..=12 {
            text.push_str(&format!("KAPITEL {chapter}\n\n"));
            for i in 0..40 {
                text.push_str(&format!("{long}({part}.{chapter}.{i})\n\n"));
            }
            for i in 0..600 {
                text.push_str(&format!("— Ja, {i}.\n\n"));
            }
        }
    }
    text
}

#[test]
fn a_deep_link_into_a_window_opens_at_its_heading_however_the_blocks_are_spread() {
    let text = dialogue_parts();
    let (mut state, mut loader, _) = opened_at(&text, "kapitel-7-2");
    let byte = crate::document::seek::guess(text.as_bytes(), "kapitel-7-2").expect("reads");
    let part_three = text.find("TEIL 3").expect("part 3") as u64;
    assert!(byte.is_some_and(|b| b > part_three), "{byte:?}");
    sought(&mut state, &text, "kapitel-7-2", byte);
    assert!(reader(&state).provisional());
    assert_eq!(top_text(&state), "KAPITEL 7", "the heading at the top");
    read_rest(&mut state, &mut loader);
    assert!(!reader(&state).provisional());
    assert_eq!(
        top_text(&state),
        "KAPITEL 7",
        "still, once the whole book is in"
    );
    let whole = in_order(&text, "buch.txt");
    let (block, _) = whole.fragment("kapitel-7-2").expect("the section");
    assert_eq!(reader(&state).anchor().block, block);
}

#[test]
fn a_deep_link_waited_for_is_forgotten_once_the_person_moves() {
    let text = parts();
    for (command, then) in [
        (Command::NextSection, "KAPITEL 8"),
        (Command::Top, "Ein Buch in Teilen"),
    ] {
        let (mut state, mut loader, _) = opened_at(&text, "kapitel-7-3");
        let byte = crate::document::seek::guess(text.as_bytes(), "kapitel-7-3").expect("reads");
        sought(&mut state, &text, "kapitel-7-3", byte);
        assert_eq!(top_text(&state), "KAPITEL 7");
        update(&mut state, Action::Command(command));
        assert_eq!(top_text(&state), then, "{command:?}");
        read_rest(&mut state, &mut loader);
        assert_eq!(top_text(&state), then, "{command:?}: where the person went");
        assert_eq!(state.open_fragment, None);
    }
}

#[test]
fn a_deep_link_to_no_such_section_leaves_the_reader_at_its_saved_place() {
    let text = parts();
    let whole = in_order(&text, "buch.txt");
    let block = whole.block_count() * 9 / 10;
    let saved = crate::anchor::Anchor::at(&whole, block, 0);
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    let key = state.entry_key(0).expect("a key").to_string();
    state.open_at = Some((key, saved));
    state.open_deep(0, Some(links::Deep::Fragment("nope".into())));
    let (loader, effects) = arrive(&mut state, &text, "buch.txt");
    let mut loader = loader.expect("read in pieces");
    read_ahead(&mut state, &effects, &text, "buch.txt");
    read_rest(&mut state, &mut loader);
    assert!(matches!(state.mode, Mode::Message(_)), "the slug is named");
    assert_eq!(reader(&state).anchor().block, block, "the place is kept");
}

#[test]
fn a_library_hit_waited_for_is_forgotten_once_the_person_moves() {
    let text = article(3 << 20);
    let hits = far_hits(&in_order(&text, "buch.txt"));
    let mut state = opening();
    state.open_search = Some(results::OpenSearch::at(
        0,
        hits.first(),
        "Absatz 18000 erzählt".into(),
        false,
    ));
    let (loader, effects) = arrive(&mut state, &text, "buch.txt");
    let mut loader = loader.expect("read in pieces");
    read_ahead(&mut state, &effects, &text, "buch.txt");
    assert!(top_text(&state).starts_with("Absatz 18000 "));
    update(&mut state, Action::Command(Command::Top));
    let effects = read_rest(&mut state, &mut loader);
    assert_eq!(top_text(&state), "Ein langes Buch", "where the person went");
    assert!(reader(&state).find.is_none() && state.open_search.is_none());
    assert!(!effects.iter().any(|e| matches!(e, Effect::Search(_))));
}

#[test]
fn a_search_typed_in_a_part_read_ahead_starts_once_the_article_is_read_there() {
    let text = article(3 << 20);
    let (mut state, mut loader) = at_the_end_read_ahead(&text);
    let shown = screen(&state);
    // The letters go to the prompt, not to the commands they are (`G`, `d`, `n`, ...).
    for c in "/letzte Wort".chars() {
        update(&mut state, typed(c));
    }
    assert_eq!(screen(&state), shown);
    assert!(matches!(&state.mode, Mode::Typing(t) if t.text() == "letzte Wort"));
    update(
        &mut state,
        Action::Key(KeyEvent::new_with_kind(
            KeyCode::Enter,
            KeyModifiers::NONE,
            KeyEventKind::Press,
        )),
    );
    assert!(state.open_search.as_ref().is_some_and(|s| s.typed));
    let effects = read_rest(&mut state, &mut loader);
    let job = super::tests::search_job(effects);
    super::tests::run_search(&mut state, &job, 500);
    let r = reader(&state);
    let status = r
        .find
        .as_ref()
        .and_then(|f| f.status(r))
        .unwrap_or_default();
    assert!(status.starts_with("match 1/1"), "{status}");
    assert_eq!(
        screen(&state),
        shown,
        "the match is on screen: nothing moves"
    );
}

#[test]
fn a_wrong_guess_for_a_deep_link_is_put_right_once_the_article_is_read_there() {
    let text = parts();
    let (mut state, mut loader, _) = opened_at(&text, "kapitel-7-3");
    // A scan misled (by a line that looked like the heading): part 3's chapter 7.
    let wrong = text.match_indices("KAPITEL 7\n").nth(2).expect("three").0 as u64;
    sought(&mut state, &text, "kapitel-7-3", Some(wrong));
    assert!(reader(&state).provisional());
    assert_eq!(top_text(&state), "KAPITEL 7");
    read_rest(&mut state, &mut loader);
    let whole = in_order(&text, "buch.txt");
    let (block, _) = whole.fragment("kapitel-7-3").expect("the section");
    assert_eq!(
        reader(&state).anchor().block,
        block,
        "the section the link names"
    );
    assert_eq!(top_text(&state), "KAPITEL 7");
    assert_eq!(state.open_fragment, None);
}

/// Lines of Markdown for the property test: paragraphs, headings, fences with blank lines
/// inside, tables, lists.
fn markdown_block() -> impl Strategy<Value = String> {
    let words = prop::collection::vec(
        prop::sample::select(vec!["Wort", "zwei", "*drei*", "`vier`", "fünf", "Satz."]),
        1..14,
    )
    .prop_map(|w| w.join(" "));
    prop_oneof![
        6 => words.clone(),
        1 => words.clone().prop_map(|w| format!("## {w}")),
        1 => words.clone().prop_map(|w| format!("- {w}\n- {w}")),
        1 => (words.clone(), 1usize..6).prop_map(|(w, n)| {
            format!("```\n{}```", format!("{w}\n\n").repeat(n))
        }),
        1 => (words.clone(), 1usize..30).prop_map(|(w, n)| {
            format!("| a | b |\n|---|---|\n{}", format!("| {w} | x |\n").repeat(n))
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Opening a large article at a random place and letting the rest arrive ends in
    /// exactly the document, sections and screen of reading it in order and going to the
    /// same text.
    #[test]
    fn a_jump_then_the_rest_is_the_same_as_reading_in_order(
        blocks in prop::collection::vec(markdown_block(), 300),
        markdown in any::<bool>(),
        percent in 1usize..=100,
    ) {
        let name = if markdown { "a.md" } else { "a.txt" };
        let mut text = String::from("# Titel\n\n");
        let mut i = 0;
        while text.len() < (1 << 20) + 4096 {
            text.push_str(&format!("{} {i}\n\n", blocks[i % blocks.len()]));
            i += 1;
        }
        let (mut state, loader, _) = opened(&text, name);
        let mut loader = loader.expect("read in pieces");
        let mut effects = Vec::new();
        for c in percent.to_string().chars().chain(['%']) {
            effects.extend(update(&mut state, typed(c)));
        }
        let read = reader(&state).doc.source_end();
        read_ahead(&mut state, &effects, &text, name);
        // Past what is read, the jump shows a window read there.
        let far = text.len() as u64 * percent as u64 / 100 >= read;
        prop_assert_eq!(reader(&state).provisional(), far);
        let window_top = top_text(&state);
        while !more(&mut state, &mut loader).0 {}
        let whole = in_order(&text, name);
        let r = reader(&state);
        prop_assert!(!r.provisional());
        prop_assert_eq!(r.doc.as_ref(), &whole);
        prop_assert_eq!(&r.doc.sections, &whole.sections);
        // The same text at the top, whichever way it came (a window that starts inside a
        // fence it cannot see the start of reads its blocks otherwise until then).
        let top = top_text(&state);
        if !markdown {
            prop_assert_eq!(&top, &window_top);
        }
        // And the screen is the one reading in order shows at that place.
        let mut other = State::new(bundled_library(), Settings::default(), Keymap::default());
        update(&mut other, Action::Resize(80, 24));
        update(&mut other, Action::Command(Command::Open));
        update(&mut other, Action::Loaded { entry: 0, result: Ok(Arc::new(whole)) });
        // `100%` is the end, as `G`: the last line stays at the bottom, whatever line is on
        // top (a blank between blocks, whose place is the next block's).
        if percent == 100 {
            prop_assert!(reader(&state).at_end());
            update(&mut other, Action::Command(Command::Bottom));
        } else {
            let anchor = reader(&state).anchor();
            other.reader.as_mut().expect("a reader").reopen_at(&anchor);
        }
        prop_assert_eq!(screen(&state), screen(&other));
    }
}
