//! `update` as sequences of actions, with assertions on the state.

use std::sync::Arc;

use crossterm::event::KeyCode;

use super::*;
use crate::document::{Format, parse};
use crate::library::bundled_library;

fn long_doc() -> Arc<Document> {
    let mut md = String::from("# Long article\n\nOpening words of the article.\n\n");
    for s in 1..=6 {
        md.push_str(&format!("## Section {s}\n\n"));
        for p in 0..8 {
            md.push_str(&format!(
                "Paragraph {p} of section {s}, with enough words in it to wrap over more than one line at forty columns.\n\n"
            ));
        }
    }
    Arc::new(parse(&md, Format::Markdown, "t", Some("en")))
}

fn state_with(doc: Arc<Document>) -> State {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    let effects = update(&mut state, Action::Command(Command::Open));
    assert_eq!(effects, [Effect::Load { entry: 0 }]);
    update(
        &mut state,
        Action::Loaded {
            entry: 0,
            result: Ok(doc),
        },
    );
    state
}

fn press(code: KeyCode) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new_with_kind(
        code,
        crossterm::event::KeyModifiers::NONE,
        crossterm::event::KeyEventKind::Press,
    )
}

fn cmd(state: &mut State, command: Command) -> Vec<Effect> {
    update(state, Action::Command(command))
}

fn reader(state: &State) -> &Reader {
    state.reader.as_ref().expect("a reader")
}

fn top_text(state: &State) -> String {
    let r = reader(state);
    let layout = r.view().expect("layout");
    let (block, offset) = layout.content_at(r.top);
    r.doc.block(block).text[offset..].chars().take(30).collect()
}

#[test]
fn open_next_section_page_resize_back() {
    let mut state = state_with(long_doc());
    assert_eq!(state.screen, Screen::Reader);
    assert_eq!(reader(&state).current_section(), 0);

    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::NextSection);
    assert_eq!(reader(&state).current_section(), 3);
    assert_eq!(top_text(&state), "Section 3");

    cmd(&mut state, Command::PageDown);
    let before = top_text(&state);
    assert_ne!(before, "Section 3");
    let top_before = reader(&state).top;
    let (block, offset) = reader(&state)
        .view()
        .expect("layout")
        .content_at(top_before);

    update(&mut state, Action::Resize(50, 30));
    let r = reader(&state);
    let line = r
        .view()
        .expect("layout")
        .lines(r.top.block)
        .expect("laid out")[r.top.line];
    assert_eq!(
        r.top.block, block,
        "the same text stays at the top after a resize"
    );
    assert!(
        line.start as usize <= offset && offset < line.end as usize,
        "{line:?} {offset}"
    );

    update(&mut state, Action::Resize(80, 24));
    assert_eq!(reader(&state).top, top_before, "and back again");

    let effects = cmd(&mut state, Command::Back);
    assert_eq!(state.screen, Screen::Library);
    assert!(effects.contains(&Effect::Flush));
    assert!(!state.quit);
    assert!(
        state
            .progress(0)
            .is_some_and(|p| p.percent > 0.0 && !p.finished)
    );
}

#[test]
fn previous_section_goes_to_start_then_back_one() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::Down);
    cmd(&mut state, Command::Down);
    cmd(&mut state, Command::PreviousSection);
    assert_eq!(top_text(&state), "Section 2");
    cmd(&mut state, Command::PreviousSection);
    assert_eq!(top_text(&state), "Section 1");
    cmd(&mut state, Command::PreviousSection);
    assert_eq!(reader(&state).current_section(), 0);
    assert_eq!(reader(&state).top, LinePosAlias::default());
}

type LinePosAlias = crate::layout::LinePos;

#[test]
fn last_section_says_so() {
    let mut state = state_with(long_doc());
    for _ in 0..6 {
        cmd(&mut state, Command::NextSection);
    }
    assert_eq!(top_text(&state), "Section 6");
    cmd(&mut state, Command::NextSection);
    assert_eq!(state.flash.as_deref(), Some("this is the last section"));
    assert_eq!(top_text(&state), "Section 6");
}

#[test]
fn end_and_top_and_scrolling_stop_at_the_edges() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::Up);
    assert_eq!(reader(&state).top, LinePosAlias::default());
    cmd(&mut state, Command::Bottom);
    assert!(reader(&state).at_end());
    assert_eq!(reader(&state).percent(), 100.0);
    let bottom = reader(&state).top;
    cmd(&mut state, Command::PageDown);
    cmd(&mut state, Command::Down);
    assert_eq!(reader(&state).top, bottom);
    assert_eq!(reader(&state).visible().len(), reader(&state).height());
    cmd(&mut state, Command::Top);
    assert_eq!(reader(&state).top, LinePosAlias::default());
}

#[test]
fn reading_to_the_end_finishes_the_document_and_jumping_there_does_not() {
    let mut state = state_with(long_doc());
    let effects = cmd(&mut state, Command::Bottom);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Store(op) if matches!(**op, Op::SetDoc { ref state, .. } if state.finished)))
    );
    cmd(&mut state, Command::Top);
    let mut effects = Vec::new();
    while !reader(&state).at_end() {
        effects.extend(cmd(&mut state, Command::PageDown));
    }
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Store(op) if matches!(**op, Op::SetDoc { ref state, .. } if state.finished)))
    );
    cmd(&mut state, Command::Back);
    assert!(state.progress(0).is_some_and(|p| p.finished));
    let r = reader(&state);
    assert_eq!(r.read_sections.len(), r.doc.sections.len());
}

#[test]
fn jumping_over_sections_does_not_mark_them_read() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::NextSection);
    assert!(!reader(&state).is_read(1));
}

#[test]
fn a_count_that_passes_over_text_never_shown_does_not_read_it() {
    // A jump made of lines, as `G` is: the sections between were never on screen.
    let mut state = state_with(long_doc());
    typed(&mut state, "100000j");
    let r = reader(&state);
    assert!(r.at_end(), "the count goes to the end");
    assert!(r.read_sections.is_empty(), "{:?}", r.read_sections);
    assert!(!r.finished);
    typed(&mut state, "g");
    assert_eq!(reader(&state).top, crate::layout::LinePos::default());
    typed(&mut state, "3 ");
    assert!(
        reader(&state).top > crate::layout::LinePos::default(),
        "three pages down"
    );
    assert!(
        reader(&state).read_sections.is_empty(),
        "three pages at once"
    );
    // A count within a screen reads what it scrolls through, as the same lines one by one.
    let mut counted = state_with(long_doc());
    let mut one_by_one = state_with(long_doc());
    for _ in 0..3 {
        typed(&mut counted, "9j");
        for _ in 0..9 {
            cmd(&mut one_by_one, Command::Down);
        }
    }
    assert_eq!(reader(&counted).top, reader(&one_by_one).top);
    assert_eq!(
        reader(&counted).read_sections,
        reader(&one_by_one).read_sections
    );
    assert!(reader(&counted).is_read(0));
}

#[test]
fn contents_overlay_jumps_to_the_selected_section() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::Contents);
    assert_eq!(
        state.overlay,
        Some(Overlay::Contents {
            selected: 0,
            offset: 0
        })
    );
    cmd(&mut state, Command::Down);
    cmd(&mut state, Command::Down);
    cmd(&mut state, Command::Open);
    assert_eq!(state.overlay, None);
    assert_eq!(top_text(&state), "Section 2");
    cmd(&mut state, Command::Contents);
    assert_eq!(
        state.overlay,
        Some(Overlay::Contents {
            selected: 2,
            offset: 0
        })
    );
    cmd(&mut state, Command::Bottom);
    assert!(matches!(
        state.overlay,
        Some(Overlay::Contents { selected: 6, .. })
    ));
    cmd(&mut state, Command::Back);
    assert_eq!(state.overlay, None);
    assert_eq!(top_text(&state), "Section 2");
}

#[test]
fn help_opens_and_closes_and_q_in_library_quits() {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    cmd(&mut state, Command::Help);
    assert!(matches!(state.overlay, Some(Overlay::Help { .. })));
    cmd(&mut state, Command::Back);
    assert_eq!(state.overlay, None);
    let effects = cmd(&mut state, Command::Back);
    assert!(state.quit);
    assert_eq!(effects.last(), Some(&Effect::Quit));
}

#[test]
fn ctrl_c_quits_from_an_overlay_and_saves() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::Contents);
    let effects = cmd(&mut state, Command::Quit);
    assert!(state.quit);
    assert!(effects.contains(&Effect::Flush));
}

#[test]
fn load_failure_shows_the_reason_and_stays_in_the_library() {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    cmd(&mut state, Command::Open);
    update(
        &mut state,
        Action::Loaded {
            entry: 0,
            result: Err("binary file".into()),
        },
    );
    assert_eq!(state.screen, Screen::Library);
    match state.message() {
        Some(Message { lines, .. }) => assert!(lines.contains(&"binary file".to_string())),
        other => panic!("{other:?}"),
    }
    cmd(&mut state, Command::Down);
    assert_eq!(state.message(), None, "any key closes the message");
}

#[test]
fn saved_position_is_restored_on_open() {
    let doc = long_doc();
    let mut state = state_with(Arc::clone(&doc));
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::Down);
    let expected = top_text(&state);
    cmd(&mut state, Command::Back);
    cmd(&mut state, Command::Open);
    update(
        &mut state,
        Action::Loaded {
            entry: 0,
            result: Ok(doc),
        },
    );
    assert_eq!(top_text(&state), expected);
}

#[test]
fn tiny_and_zero_sizes_are_survived() {
    let mut state = state_with(long_doc());
    for (w, h) in [(0, 0), (1, 1), (1, 40), (200, 1), (3, 3), (20, 5), (0, 10)] {
        update(&mut state, Action::Resize(w, h));
        for command in [
            Command::PageDown,
            Command::NextSection,
            Command::Bottom,
            Command::Contents,
            Command::Down,
            Command::Back,
        ] {
            cmd(&mut state, command);
        }
        cmd(&mut state, Command::Open);
        update(
            &mut state,
            Action::Loaded {
                entry: 0,
                result: Ok(long_doc()),
            },
        );
        // The article is open again at the place kept through the tiny size.
        assert_eq!(state.screen, Screen::Reader, "at {w}x{h}");
        let r = reader(&state);
        assert!(r.top.block < r.doc.block_count(), "at {w}x{h}: {:?}", r.top);
    }
    // Back at a usable size, the place is a real line on screen.
    update(&mut state, Action::Resize(80, 24));
    let r = reader(&state);
    assert!(!r.visible().is_empty() && r.visible()[0] == r.top);
}

#[test]
fn bookmarks_toggle_note_delete_undo() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::NextSection);
    let effects = cmd(&mut state, Command::Bookmark);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Store(op) if matches!(**op, Op::UpsertBookmark { .. })))
    );
    assert_eq!(state.bookmarks.len(), 1);
    let path = reader(&state).section_path();
    assert!(state.bookmarked(&path).is_some());

    cmd(&mut state, Command::Note);
    for c in "wichtig".chars() {
        update(&mut state, Action::Key(press(KeyCode::Char(c))));
    }
    update(&mut state, Action::Key(press(KeyCode::Backspace)));
    cmd(&mut state, Command::Open);
    assert_eq!(
        state.bookmarked(&path).map(|b| b.note.as_str()),
        Some("wichti")
    );

    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::Note);
    update(&mut state, Action::Key(press(KeyCode::Char('x'))));
    cmd(&mut state, Command::Open);
    assert_eq!(
        state.bookmarks.len(),
        2,
        "a note on an unbookmarked section bookmarks it"
    );

    cmd(&mut state, Command::Bookmarks);
    assert!(matches!(
        state.overlay,
        Some(Overlay::Bookmarks { selected: 0, .. })
    ));
    cmd(&mut state, Command::DeleteBookmark);
    assert_eq!(state.bookmarks.len(), 1);
    cmd(&mut state, Command::Undo);
    assert_eq!(state.bookmarks.len(), 2);
    cmd(&mut state, Command::Open);
    assert_eq!(state.overlay, None);
    assert_eq!(top_text(&state), "Section 1");

    cmd(&mut state, Command::Bookmark);
    assert_eq!(state.bookmarks.len(), 1, "b again removes it");
}

#[test]
fn orphaned_bookmark_is_kept_and_explained() {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    let bookmark = Bookmark {
        doc: "/gone/article.txt".into(),
        doc_title: "Gone".into(),
        section_path: vec!["S".into()],
        section_title: "S".into(),
        section_slug: String::new(),
        anchor: Default::default(),
        note: String::new(),
        created: 0,
        updated: 0,
        ..Bookmark::default()
    };
    state.bookmarks.insert("x".into(), bookmark.clone());
    assert!(state.is_orphan(&bookmark));
    cmd(&mut state, Command::Bookmarks);
    let effects = cmd(&mut state, Command::Open);
    assert!(effects.is_empty());
    assert!(state.message().is_some());
    assert_eq!(state.bookmarks.len(), 1);
}

#[test]
fn mouse_wheel_scrolls_and_clicks_select() {
    let mut state = state_with(long_doc());
    update(
        &mut state,
        Action::Scroll {
            down: true,
            column: 10,
            row: 10,
        },
    );
    // Title (1 line), gap + opening paragraph (2 lines): three lines down is block 2.
    assert_eq!(reader(&state).top, LinePosAlias { block: 2, line: 0 });
    cmd(&mut state, Command::Contents);
    // Click the third row of the contents box, then click it again to open it.
    let rect = geometry::inner(geometry::overlay(80, 24, 72, 7));
    update(
        &mut state,
        Action::Click {
            column: rect.x + 3,
            row: rect.y + 2,
        },
    );
    assert!(matches!(
        state.overlay,
        Some(Overlay::Contents { selected: 2, .. })
    ));
    update(
        &mut state,
        Action::Click {
            column: rect.x + 3,
            row: rect.y + 2,
        },
    );
    assert_eq!(state.overlay, None);
    assert_eq!(top_text(&state), "Section 2");

    cmd(&mut state, Command::Back);
    // In the library, the entry's title row is at list row 1 (after its group heading).
    let list = geometry::library(80, 24).expect("fits").list;
    let effects = update(
        &mut state,
        Action::Click {
            column: list.x + 5,
            row: list.y + 1,
        },
    );
    assert_eq!(effects, [Effect::Load { entry: 0 }]);
}

fn key(code: KeyCode, modifiers: crossterm::event::KeyModifiers) -> Action {
    Action::Key(crossterm::event::KeyEvent::new_with_kind(
        code,
        modifiers,
        crossterm::event::KeyEventKind::Press,
    ))
}

fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, Action::Key(press(KeyCode::Char(c))));
    }
}

#[test]
fn a_note_is_typed_edited_and_saved_or_cancelled_by_keys() {
    use crossterm::event::KeyModifiers as M;
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::NextSection);
    update(&mut state, Action::Key(press(KeyCode::Char('B'))));
    assert!(matches!(state.mode, Mode::Typing(_)));
    // Keys that mean something elsewhere are text here.
    typed(&mut state, "jüngst gelesen");
    update(&mut state, key(KeyCode::Char('w'), M::CONTROL));
    typed(&mut state, "geöffnet");
    update(&mut state, key(KeyCode::Home, M::NONE));
    update(&mut state, key(KeyCode::Delete, M::NONE));
    update(&mut state, Action::Key(press(KeyCode::Char('J'))));
    update(&mut state, key(KeyCode::End, M::NONE));
    update(&mut state, Action::Key(press(KeyCode::Backspace)));
    assert_eq!(reader(&state).current_section(), 1, "typing did not move");
    update(&mut state, key(KeyCode::Enter, M::NONE));
    assert_eq!(state.mode, Mode::Normal);
    let path = reader(&state).section_path();
    assert_eq!(
        state.bookmarked(&path).map(|b| b.note.as_str()),
        Some("Jüngst geöffne")
    );
    // Esc drops what was typed.
    update(&mut state, Action::Key(press(KeyCode::Char('B'))));
    typed(&mut state, " und mehr");
    update(&mut state, key(KeyCode::Esc, M::NONE));
    assert_eq!(state.mode, Mode::Normal);
    assert_eq!(
        state.bookmarked(&path).map(|b| b.note.as_str()),
        Some("Jüngst geöffne")
    );
    // Ctrl-C quits even while typing.
    update(&mut state, Action::Key(press(KeyCode::Char('B'))));
    let effects = update(&mut state, key(KeyCode::Char('c'), M::CONTROL));
    assert!(state.quit && effects.contains(&Effect::Quit));
}

#[test]
fn a_message_is_closed_by_a_key_which_is_used_up() {
    let mut state = state_with(long_doc());
    let top = reader(&state).top;
    state.show_message("Please note", vec!["config.toml:2:1: something".into()]);
    update(&mut state, Action::Key(press(KeyCode::Char('j'))));
    // `j` scrolls a long message; this one fits, so it closes it. Either way the reader
    // did not move.
    update(&mut state, Action::Key(press(KeyCode::Char(']'))));
    assert_eq!(state.message(), None);
    assert_eq!(reader(&state).top, top, "the closing key is used up");
    update(&mut state, Action::Key(press(KeyCode::Char(']'))));
    assert_eq!(reader(&state).current_section(), 1);
}

#[test]
fn counts_repeat_motions_and_sections() {
    let mut state = state_with(long_doc());
    typed(&mut state, "5j");
    assert_eq!(
        reader(&state).top,
        {
            let mut other = state_with(long_doc());
            for _ in 0..5 {
                cmd(&mut other, Command::Down);
            }
            other.reader.as_ref().map(|r| r.top).unwrap_or_default()
        },
        "5j is five lines"
    );
    let section = reader(&state).current_section();
    typed(&mut state, "3]");
    assert_eq!(reader(&state).current_section(), section + 3);
    typed(&mut state, ":q");
    assert!(!state.quit, "the command waits for Enter");
    update(&mut state, Action::Key(press(KeyCode::Enter)));
    assert!(state.quit);
}

#[test]
fn undo_goes_back_through_every_delete() {
    let mut state = state_with(long_doc());
    for _ in 0..3 {
        cmd(&mut state, Command::NextSection);
        cmd(&mut state, Command::Bookmark);
    }
    assert_eq!(state.bookmarks.len(), 3);
    cmd(&mut state, Command::Bookmarks);
    typed(&mut state, "dd");
    assert_eq!(state.bookmarks.len(), 1);
    typed(&mut state, "uu");
    assert_eq!(state.bookmarks.len(), 3, "both deleted bookmarks are back");
}

#[test]
fn remapping_d_and_u_in_the_reader_leaves_the_bookmarks_list_alone() {
    let mut keys = crate::config::Config::default().keys;
    keys.contexts.entry("reader".into()).or_default().extend([
        ("down".to_string(), vec!["d".to_string()]),
        ("up".to_string(), vec!["u".to_string()]),
    ]);
    let (keymap, warnings) = Keymap::from_config(&keys);
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut state = State::new(bundled_library(), Settings::default(), keymap);
    update(&mut state, Action::Resize(80, 24));
    update(&mut state, Action::Command(Command::Open));
    update(
        &mut state,
        Action::Loaded {
            entry: 0,
            result: Ok(long_doc()),
        },
    );
    typed(&mut state, "dd");
    let mut other = state_with(long_doc());
    cmd(&mut other, Command::Down);
    cmd(&mut other, Command::Down);
    assert_eq!(
        reader(&state).top,
        reader(&other).top,
        "d is a line down in the reader"
    );
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::Bookmark);
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::Bookmark);
    cmd(&mut state, Command::Bookmarks);
    typed(&mut state, "d");
    assert_eq!(state.bookmarks.len(), 1, "d still deletes in the list");
    typed(&mut state, "u");
    assert_eq!(state.bookmarks.len(), 2, "u still undoes in the list");
}

#[test]
fn a_warning_shown_at_start_stays_when_the_article_opens() {
    // `blatt ARTICLE` with a bad config: the warning is up when the article arrives.
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    state.show_message("Please note", vec!["config.toml:1:1: bad".into()]);
    update(
        &mut state,
        Action::Loaded {
            entry: 0,
            result: Ok(long_doc()),
        },
    );
    assert_eq!(state.screen, Screen::Reader);
    assert!(state.message().is_some(), "the warning was dropped");
}

#[test]
fn the_time_of_changes_comes_from_the_clock_action() {
    let mut state = state_with(long_doc());
    update(&mut state, Action::Tick(1_594_684_800_000));
    cmd(&mut state, Command::Bookmark);
    let bookmark = state.bookmarks.values().next().expect("a bookmark");
    assert_eq!(bookmark.created, 1_594_684_800_000);
    let effects = cmd(&mut state, Command::Down);
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Store(op) if matches!(**op, Op::SetDoc { ref state, .. } if state.updated == 1_594_684_800_000)
    )));
}

#[test]
fn a_bookmark_whose_file_is_gone_says_so() {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    let bookmark = Bookmark {
        doc: "/gone/article.txt".into(),
        doc_title: "Gone".into(),
        section_title: "S".into(),
        section_slug: String::new(),
        ..Bookmark::default()
    };
    update(
        &mut state,
        Action::Shared {
            bookmarks: [("x".to_string(), bookmark)].into(),
            docs: Default::default(),
            missing: Some(["/gone/article.txt".to_string()].into()),
        },
    );
    cmd(&mut state, Command::Bookmarks);
    let effects = cmd(&mut state, Command::Open);
    assert!(effects.is_empty(), "{effects:?}");
    let message = state.message().expect("a message");
    assert_eq!(message.title, "The bookmarked file is gone");
    assert!(
        message
            .lines
            .iter()
            .any(|l| l.contains("/gone/article.txt is gone"))
    );
    assert_eq!(state.bookmarks.len(), 1, "the bookmark is kept");
}

#[test]
fn a_bookmark_of_another_library_opens_there() {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    let mut other = bundled_library();
    other.origin = crate::library::Origin::Dir {
        root: "/news".into(),
        index: "/news/INDEX.md".into(),
    };
    let doc = other.entries[0]
        .key(&other.origin)
        .expect("a checked entry");
    let bookmark = Bookmark {
        doc,
        doc_title: "Elsewhere".into(),
        section_title: "S".into(),
        section_slug: String::new(),
        library: "/news/INDEX.md".into(),
        ..Bookmark::default()
    };
    state.bookmarks.insert("x".into(), bookmark.clone());
    cmd(&mut state, Command::Bookmarks);
    let effects = cmd(&mut state, Command::Open);
    assert_eq!(
        effects,
        [Effect::OpenLibrary {
            key: "/news/INDEX.md".into(),
            then: Box::new(bookmark.clone()),
        }]
    );
    let effects = update(
        &mut state,
        Action::LibraryOpened {
            library: Box::new(other),
            reading: false,
            then: Box::new(bookmark),
        },
    );
    assert_eq!(state.library.origin.key(), "/news/INDEX.md");
    assert_eq!(effects, [Effect::Load { entry: 0 }]);
}

#[test]
fn reopening_at_other_widths_keeps_the_saved_place_exactly() {
    let doc = long_doc();
    let mut state = state_with(Arc::clone(&doc));
    // Down until the top line is the second line of a paragraph.
    while reader(&state).anchor().offset == 0 {
        cmd(&mut state, Command::Down);
    }
    cmd(&mut state, Command::Quit);
    let saved = state.saved_docs.clone();
    let first = saved.values().next().expect("saved").anchor.clone();
    assert!(
        first.offset > 0,
        "the place is inside a paragraph: {first:?}"
    );
    let mut saved = saved;
    for (width, height) in [(60, 20), (130, 40), (41, 12)] {
        let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
        state.saved_docs = saved.clone();
        update(&mut state, Action::Resize(width, height));
        update(&mut state, Action::Command(Command::Open));
        update(
            &mut state,
            Action::Loaded {
                entry: 0,
                result: Ok(Arc::clone(&doc)),
            },
        );
        // A resize on the way is no move either.
        update(&mut state, Action::Resize(width + 7, height));
        cmd(&mut state, Command::Quit);
        let anchor = &state.saved_docs.values().next().expect("saved").anchor;
        assert_eq!(anchor, &first, "at {width}x{height}");
        saved = state.saved_docs.clone();
    }
}

#[test]
fn a_bookmark_removed_with_b_comes_back_with_shift_u_in_the_reader() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::Bookmark);
    cmd(&mut state, Command::Note);
    typed(&mut state, "wichtig");
    update(&mut state, Action::Key(press(KeyCode::Enter)));
    update(&mut state, Action::Key(press(KeyCode::Char('b'))));
    assert!(state.bookmarks.is_empty());
    assert!(
        state
            .flash
            .as_deref()
            .is_some_and(|f| f.contains("U brings it back")),
        "{:?}",
        state.flash
    );
    update(&mut state, Action::Key(press(KeyCode::Char('U'))));
    assert_eq!(
        state.bookmarks.values().next().map(|b| b.note.as_str()),
        Some("wichtig"),
        "the bookmark and its note are back"
    );
}

#[test]
fn help_and_suspend_work_in_lists_and_while_typing() {
    use crossterm::event::KeyModifiers as M;
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::Bookmark);
    cmd(&mut state, Command::Bookmarks);
    update(&mut state, Action::Key(press(KeyCode::Char('?'))));
    assert_eq!(
        state.overlay,
        Some(Overlay::Help {
            context: Context::Bookmarks,
            offset: 0
        })
    );
    update(&mut state, Action::Key(press(KeyCode::Esc)));
    cmd(&mut state, Command::Contents);
    let effects = update(&mut state, key(KeyCode::Char('z'), M::CONTROL));
    assert_eq!(effects, [Effect::Suspend]);
    update(&mut state, Action::Key(press(KeyCode::Esc)));
    update(&mut state, Action::Key(press(KeyCode::Char('B'))));
    typed(&mut state, "halb");
    let effects = update(&mut state, key(KeyCode::Char('z'), M::CONTROL));
    assert_eq!(effects, [Effect::Suspend]);
    assert!(matches!(&state.mode, Mode::Typing(t) if t.text() == "halb"));
}

// ---- Search in the article -------------------------------------------------------------

fn type_text(state: &mut State, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(update(state, Action::Key(press(KeyCode::Char(c)))));
    }
    effects
}

fn find_state(state: &State) -> &find::Find {
    reader(state).find.as_ref().expect("a search")
}

/// The text of the block at the top of the screen, from the start of the top line.
fn top_block_text(state: &State) -> String {
    let r = reader(state);
    let (block, offset) = r.view().expect("layout").content_at(r.top);
    r.doc.block(block).text[offset..].to_string()
}

/// The text a hit covers (across blocks joined by `|`).
fn hit_text(state: &State, hit: crate::search::document::Hit) -> String {
    let doc = &reader(state).doc;
    (hit.start.block..=hit.end.block)
        .filter_map(|b| {
            let text = doc.block(b).text;
            hit.range_in(b, text.len()).map(|r| text[r].to_string())
        })
        .collect::<Vec<_>>()
        .join("|")
}

#[test]
fn typing_a_search_moves_to_each_match_as_typed_and_esc_goes_back_exactly() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::Down);
    cmd(&mut state, Command::Down);
    let origin = reader(&state).top;
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    assert!(matches!(&state.mode, Mode::Typing(t) if t.prompt == Prompt::Search));
    // Typing: each character searches again, from where the prompt was opened.
    type_text(&mut state, "paragraph 3 of section 4");
    let f = find_state(&state);
    assert_eq!(f.hits.len(), 1);
    assert_eq!(
        hit_text(&state, f.current.expect("at a match")),
        "Paragraph 3 of section 4"
    );
    assert!(
        reader(&state)
            .visible()
            .iter()
            .any(|p| p.block == f.current.unwrap().start.block),
        "the match is on screen"
    );
    assert_ne!(reader(&state).top, origin);
    // A character less widens the search; the view follows from the same origin.
    update(&mut state, Action::Key(press(KeyCode::Backspace)));
    let f = find_state(&state);
    assert_eq!(f.hits.len(), 6, "paragraph 3 of each section");
    let block = f.current.unwrap().start.block;
    assert_eq!(reader(&state).doc.section_of(block), 1, "the one below");
    // Esc: back to the very line the search started from, and no search left.
    update(&mut state, Action::Key(press(KeyCode::Esc)));
    assert_eq!(state.mode, Mode::Normal);
    assert_eq!(reader(&state).top, origin);
    assert!(find_state(&state).hits.is_empty());
}

/// A search with no match after the screen goes to the first one, from the top, and says
/// so as `n` does when it goes round (it went there without a word).
#[test]
fn a_search_with_nothing_below_goes_round_to_the_top_with_a_notice() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::Bottom);
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    type_text(&mut state, "section 1,");
    update(&mut state, Action::Key(press(KeyCode::Enter)));
    assert_eq!(find_state(&state).current_index(), Some(0));
    assert_eq!(state.flash.as_deref(), Some("search went round to the top"));
    // Below the screen: no notice.
    let mut state = state_with(long_doc());
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    type_text(&mut state, "section 5,");
    update(&mut state, Action::Key(press(KeyCode::Enter)));
    assert_eq!(find_state(&state).current_index(), Some(0));
    assert_eq!(state.flash, None);
}

/// A resize that would push the match the reader is at off the screen scrolls just enough
/// to keep it there, so `n` goes on from it (it went back to the first match on screen).
#[test]
fn a_resize_keeps_the_current_match_on_screen_and_n_goes_on_from_it() {
    let search = |state: &mut State| {
        update(state, Action::Key(press(KeyCode::Char('/'))));
        type_text(state, "paragraph");
        update(state, Action::Key(press(KeyCode::Enter)));
    };
    // How many `n` keep the view where it is: the match then reached is low on the screen.
    let mut state = state_with(long_doc());
    search(&mut state);
    let top = reader(&state).top;
    let mut low = 0;
    loop {
        update(&mut state, Action::Key(press(KeyCode::Char('n'))));
        if reader(&state).top != top {
            break;
        }
        low += 1;
    }
    assert!(low >= 3, "several matches on the first screen: {low}");
    for (width, height) in [(80, 10), (40, 24), (30, 8)] {
        let mut state = state_with(long_doc());
        search(&mut state);
        for _ in 0..low {
            update(&mut state, Action::Key(press(KeyCode::Char('n'))));
        }
        let current = find_state(&state).current.expect("at a match");
        assert_eq!(find_state(&state).current_index(), Some(low));
        update(&mut state, Action::Resize(width, height));
        let r = state.reader.as_mut().unwrap();
        assert!(
            r.shows(current.start.block, current.start.offset),
            "at {width}x{height} the match is on screen"
        );
        // Its line is the last on screen: the view moved no further than it had to.
        let last = *r.visible().last().unwrap();
        assert_eq!(last.block, current.start.block, "at {width}x{height}");
        update(&mut state, Action::Key(press(KeyCode::Char('n'))));
        assert_eq!(
            find_state(&state).current_index(),
            Some(low + 1),
            "at {width}x{height}"
        );
    }
}

#[test]
fn enter_keeps_the_search_and_n_and_shift_n_go_round_with_a_notice() {
    let mut state = state_with(long_doc());
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    type_text(&mut state, "section 6");
    update(&mut state, Action::Key(press(KeyCode::Enter)));
    assert_eq!(state.mode, Mode::Normal);
    let total = find_state(&state).hits.len();
    assert_eq!(total, 9, "the heading and eight paragraphs");
    assert_eq!(find_state(&state).current_index(), Some(0));
    let status = find_state(&state).status(reader(&state)).unwrap();
    assert_eq!(status, "match 1/9 · Section 6");
    for i in 1..total {
        update(&mut state, Action::Key(press(KeyCode::Char('n'))));
        assert_eq!(find_state(&state).current_index(), Some(i));
        assert_eq!(state.flash, None);
    }
    let top = reader(&state).top;
    // Past the last: round to the first, with a notice.
    update(&mut state, Action::Key(press(KeyCode::Char('n'))));
    assert_eq!(find_state(&state).current_index(), Some(0));
    assert_eq!(state.flash.as_deref(), Some("search went round to the top"));
    assert!(
        reader(&state).top < top,
        "the view goes back to the first match"
    );
    // And back before the first: round to the last.
    update(&mut state, Action::Key(press(KeyCode::Char('N'))));
    assert_eq!(find_state(&state).current_index(), Some(total - 1));
    assert_eq!(
        state.flash.as_deref(),
        Some("search went round to the bottom")
    );
    // A count: 3n.
    type_text(&mut state, "3n");
    assert_eq!(find_state(&state).current_index(), Some(2));
    assert!(
        find_state(&state)
            .status(reader(&state))
            .unwrap()
            .starts_with("match 3/9 · ")
    );
    // The contents show where the matches are.
    let counts = &find_state(&state).per_section;
    assert_eq!(counts.iter().sum::<usize>(), 9);
    assert_eq!(counts.get(6), Some(&9), "{counts:?}");
}

#[test]
fn an_invalid_pattern_says_why_and_nothing_else_happens() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::PageDown);
    let top = reader(&state).top;
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    type_text(&mut state, "\\vsect(ion");
    let f = find_state(&state);
    assert!(
        f.error
            .as_deref()
            .is_some_and(|e| e.starts_with("not a valid pattern: ")),
        "{:?}",
        f.error
    );
    assert!(f.hits.is_empty());
    assert_eq!(reader(&state).top, top, "the view stays");
    // Enter keeps the prompt open, to mend the pattern.
    update(&mut state, Action::Key(press(KeyCode::Enter)));
    assert!(matches!(&state.mode, Mode::Typing(t) if t.prompt == Prompt::Search));
    // Mended: a regular expression finds.
    type_text(&mut state, ")");
    let f = find_state(&state);
    assert_eq!(f.error, None);
    assert!(f.hits.len() > 40, "{}", f.hits.len());
    // Ctrl-R reads the same text literally: `\v` is then just text, found nowhere.
    update(
        &mut state,
        Action::Key(crossterm::event::KeyEvent::new_with_kind(
            KeyCode::Char('r'),
            crossterm::event::KeyModifiers::CONTROL,
            crossterm::event::KeyEventKind::Press,
        )),
    );
    assert!(find_state(&state).regex);
    assert_eq!(find_state(&state).error, None, "still a valid pattern");
}

#[test]
fn star_searches_for_the_word_at_the_top_from_just_after_it() {
    let mut state = state_with(long_doc());
    cmd(&mut state, Command::NextSection);
    cmd(&mut state, Command::NextSection);
    assert!(top_block_text(&state).starts_with("Section 2"));
    update(&mut state, Action::Key(press(KeyCode::Char('*'))));
    let f = find_state(&state);
    assert_eq!(f.text, "Section");
    // Case counts (a capital), so only the headings: the next one is Section 3.
    assert_eq!(f.hits.len(), 6);
    assert_eq!(f.current_index(), Some(2));
}

/// A long Markdown text with `Zebra` in some paragraphs.
/// A long article of zebras (searched by a worker) with a search for `query` typed and
/// kept with Enter, and the job the worker was given.
fn searching_zebras(query: &str) -> (State, Box<find::SearchJob>) {
    let text = zebra_text(20_000);
    let doc = Arc::new(parse(&text, Format::Markdown, "t", Some("en")));
    let mut state = state_with(doc);
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    let job = search_job(type_text(&mut state, query));
    update(&mut state, Action::Key(press(KeyCode::Enter)));
    (state, job)
}

fn zebra_text(paragraphs: usize) -> String {
    let mut md = String::from("# Zebras\n\n");
    for p in 0..paragraphs {
        if p % 50 == 0 {
            md.push_str(&format!("## Part {p}\n\n"));
        }
        let word = if p % 7 == 3 { "Zebra" } else { "horse" };
        md.push_str(&format!(
            "Paragraph {p} tells of a {word} that walks on the plain for a long time.\n\n"
        ));
    }
    md
}

fn open_in_pieces(text: &str) -> (Arc<Document>, Option<crate::document::stream::Loader>) {
    let bytes = text.as_bytes().to_vec();
    let size = bytes.len() as u64;
    let (doc, loader) = crate::document::open(
        Box::new(std::io::Cursor::new(bytes)),
        size,
        "zebras.md",
        "Zebras",
        Some("en"),
        u64::MAX,
    )
    .expect("opens");
    (Arc::new(doc), loader)
}

fn more(state: &mut State, loader: &mut crate::document::stream::Loader) -> bool {
    let piece = loader
        .next(crate::document::stream::PIECE)
        .expect("a piece");
    let done = piece.done;
    update(
        state,
        Action::More {
            entry: 0,
            blocks: piece.blocks,
            done,
            end: Some(piece.end),
            error: None,
        },
    );
    done
}

#[test]
fn a_loading_article_is_searched_as_far_as_it_arrived_and_on_as_pieces_come() {
    let text = zebra_text(40_000);
    let (doc, loader) = open_in_pieces(&text);
    let mut loader = loader.expect("read in pieces");
    assert!(
        !doc.complete && doc.total <= find::SYNC_BYTES,
        "{}",
        doc.total
    );
    let mut state = state_with(doc);
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    let effects = type_text(&mut state, "zebra");
    assert!(effects.is_empty(), "the first piece is searched at once");
    let first = find_state(&state).hits.len();
    assert!(first > 0);
    assert_eq!(find_state(&state).current_index(), Some(0));
    while !more(&mut state, &mut loader) {}
    let f = find_state(&state);
    assert!(reader(&state).doc.complete);
    assert_eq!(f.hits.len(), text.matches("Zebra").count());
    assert!(
        f.hits.windows(2).all(|w| w[0] < w[1]),
        "in order, each once"
    );
    assert_eq!(f.current_index(), Some(0), "the match it was at stays");
}

/// Does what the search worker does, a chunk of `chunk` blocks at a time.
pub(super) fn run_search(state: &mut State, job: &find::SearchJob, chunk: usize) {
    let count = job.doc.block_count();
    for part in [job.from..count, 0..job.from] {
        let mut start = part.start;
        while start < part.end {
            let end = (start + chunk).min(part.end);
            let mut hits = Vec::new();
            crate::search::document::find(&job.doc, &job.query, start..end, &mut hits);
            update(
                state,
                Action::Found {
                    search: job.id,
                    blocks: start..end,
                    hits,
                    done: false,
                },
            );
            start = end;
        }
    }
}

/// The last search asked for (each character typed asks for one).
pub(super) fn search_job(effects: Vec<Effect>) -> Box<find::SearchJob> {
    effects
        .into_iter()
        .rev()
        .find_map(|e| match e {
            Effect::Search(job) => Some(job),
            _ => None,
        })
        .expect("a search in the background")
}

#[test]
fn a_long_article_is_searched_by_a_worker_and_old_results_are_dropped() {
    let text = zebra_text(20_000);
    let doc = Arc::new(parse(&text, Format::Markdown, "t", Some("en")));
    assert!(doc.total > find::SYNC_BYTES);
    let mut state = state_with(doc);
    for _ in 0..30 {
        cmd(&mut state, Command::NextSection);
    }
    let top = reader(&state).top;
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    let old = search_job(type_text(&mut state, "z"));
    // Typing on starts a new search and stops the old one.
    let effects = type_text(&mut state, "ebra");
    assert!(effects.contains(&Effect::StopSearch), "{effects:?}");
    let job = search_job(effects);
    assert_eq!(job.from, top.block, "from the top of the screen");
    assert!(find_state(&state).running);
    assert!(
        find_state(&state)
            .status(reader(&state))
            .is_some_and(|s| s.starts_with("searching")),
    );
    // Results of the old search are dropped.
    run_search(&mut state, &old, 1000);
    assert!(find_state(&state).hits.is_empty());
    assert_eq!(reader(&state).top, top);
    run_search(&mut state, &job, 500);
    let id = job.id;
    drop(job);
    update(
        &mut state,
        Action::Found {
            search: id,
            blocks: 0..0,
            hits: Vec::new(),
            done: true,
        },
    );
    let f = find_state(&state);
    assert!(!f.running);
    assert_eq!(f.hits.len(), text.matches("Zebra").count());
    assert!(
        f.hits.windows(2).all(|w| w[0] < w[1]),
        "in order, each once"
    );
    let current = f.current.expect("at a match");
    assert!(
        current.start.block >= top.block,
        "the first at or after the top"
    );
    let before = f.current_index().unwrap();
    assert!(before > 0);
    assert!(f.hits[before - 1].start.block < top.block);
    // Esc after Enter does nothing to the search; Esc while typing ended it.
    update(&mut state, Action::Key(press(KeyCode::Enter)));
    assert!(
        find_state(&state)
            .status(reader(&state))
            .unwrap()
            .starts_with(&format!("match {}/{} · ", before + 1, f_len(&state)))
    );
}

fn f_len(state: &State) -> usize {
    find_state(state).hits.len()
}

#[test]
fn pieces_wait_while_a_worker_holds_the_document_and_are_searched_after() {
    let text = zebra_text(40_000);
    let (doc, loader) = open_in_pieces(&text);
    let mut loader = loader.expect("read in pieces");
    let mut state = state_with(doc);
    // Enough arrived for a search in the background.
    while reader(&state).doc.total <= find::SYNC_BYTES {
        more(&mut state, &mut loader);
    }
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    let job = search_job(type_text(&mut state, "zebra"));
    let blocks = reader(&state).doc.block_count();
    // A piece arrives while the worker holds the document: it waits.
    more(&mut state, &mut loader);
    assert_eq!(reader(&state).doc.block_count(), blocks);
    run_search(&mut state, &job, 300);
    let id = job.id;
    drop(job);
    update(
        &mut state,
        Action::Found {
            search: id,
            blocks: 0..0,
            hits: Vec::new(),
            done: true,
        },
    );
    assert!(reader(&state).doc.block_count() > blocks, "appended now");
    while !more(&mut state, &mut loader) {}
    let f = find_state(&state);
    assert_eq!(f.hits.len(), text.matches("Zebra").count());
    assert!(f.hits.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn esc_stops_a_long_search_still_running_and_keeps_the_article_open() {
    let (mut state, job) = searching_zebras("zebra");
    // The first part of the article is searched, then Esc.
    let mut hits = Vec::new();
    crate::search::document::find(&job.doc, &job.query, 0..200, &mut hits);
    let found = hits.len();
    assert!(found > 0);
    update(
        &mut state,
        Action::Found {
            search: job.id,
            blocks: 0..200,
            hits,
            done: false,
        },
    );
    let effects = update(&mut state, Action::Key(press(KeyCode::Esc)));
    assert!(effects.contains(&Effect::StopSearch), "{effects:?}");
    assert_eq!(
        state.screen,
        Screen::Reader,
        "the first Esc stops the search"
    );
    let status = find_state(&state).status(reader(&state)).expect("status");
    assert!(
        status.contains("stopped") && !status.contains("searching"),
        "{status}"
    );
    // The worker's end changes nothing; the matches found stay and n goes round them.
    update(
        &mut state,
        Action::Found {
            search: job.id,
            blocks: 0..0,
            hits: Vec::new(),
            done: true,
        },
    );
    assert_eq!(f_len(&state), found);
    for _ in 0..found {
        update(&mut state, Action::Key(press(KeyCode::Char('n'))));
    }
    assert_ne!(state.flash.as_deref(), Some("still searching…"));
    // The next Esc leaves the article.
    update(&mut state, Action::Key(press(KeyCode::Esc)));
    assert_eq!(state.screen, Screen::Library);
}

#[test]
fn a_search_worker_that_ends_early_does_not_leave_searching_in_the_status_line() {
    let text = zebra_text(20_000);
    let doc = Arc::new(parse(&text, Format::Markdown, "t", Some("en")));
    let mut state = state_with(doc);
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    let job = search_job(type_text(&mut state, "zebra"));
    // As the runtime reports a worker that could not start: its end, then why.
    update(
        &mut state,
        Action::Found {
            search: job.id,
            blocks: 0..0,
            hits: Vec::new(),
            done: true,
        },
    );
    update(
        &mut state,
        Action::Notice("cannot search: no thread".to_string()),
    );
    let status = find_state(&state).status(reader(&state)).expect("status");
    assert!(!status.contains("searching"), "{status}");
    assert!(!find_state(&state).running);
}

#[test]
fn a_search_keeps_at_most_max_kept_matches_then_stops_its_worker_and_says_so() {
    use crate::search::document::{Hit, Place};
    let (mut state, job) = searching_zebras("a");
    // What a worker would send for a query matching every other byte: 60 matches a block,
    // 1,200,000 in all, a thousand blocks at a time.
    let count = job.doc.block_count();
    let per_block = find::MAX_KEPT / count + 10;
    let mut stopped_at = None;
    for start in (0..count).step_by(1000) {
        let end = (start + 1000).min(count);
        let hits: Vec<Hit> = (start..end)
            .flat_map(|block| {
                (0..per_block).map(move |i| Hit {
                    start: Place {
                        block,
                        offset: 2 * i,
                    },
                    end: Place {
                        block,
                        offset: 2 * i + 1,
                    },
                })
            })
            .collect();
        let effects = update(
            &mut state,
            Action::Found {
                search: job.id,
                blocks: start..end,
                hits,
                done: false,
            },
        );
        if effects.contains(&Effect::StopSearch) {
            assert!(stopped_at.is_none(), "stopped once");
            stopped_at = Some(start);
        }
    }
    assert!(
        stopped_at.is_some(),
        "the worker is stopped when the room is full"
    );
    let f = find_state(&state);
    assert_eq!(f.hits.len(), find::MAX_KEPT, "no more are kept");
    assert!(!f.running && f.stopped && f.full);
    assert!(f.hits.windows(2).all(|w| w[0] < w[1]));
    let status = f.status(reader(&state)).expect("a status");
    assert!(
        status.contains("over 1,000,000 matches"),
        "the status says why it stopped: {status}"
    );
    // `n` goes on through what was kept.
    let before = find_state(&state).current_index().expect("at a match");
    update(&mut state, Action::Key(press(KeyCode::Char('n'))));
    assert_eq!(find_state(&state).current_index(), Some(before + 1));
}

#[test]
fn a_bookmark_in_a_repeated_chapter_links_to_that_chapter() {
    let mut md = String::from("# Buch\n\n");
    for n in 1..=4 {
        md.push_str(&format!("## Kapitel\n\nText {n} im Kapitel.\n\n"));
    }
    let doc = Arc::new(parse(&md, Format::Markdown, "t", Some("de")));
    let mut state = state_with(Arc::clone(&doc));
    // To the third `Kapitel`.
    for _ in 0..3 {
        cmd(&mut state, Command::NextSection);
    }
    assert!(top_block_text(&state).starts_with("Kapitel"));
    cmd(&mut state, Command::Bookmark);
    let mark = state.bookmarks.values().next().expect("a bookmark");
    assert_eq!(
        mark.section_slug, "kapitel-2",
        "GitHub's slug of the third one"
    );
    // The slug leads back to the same chapter.
    let (block, _) = doc.fragment(&mark.section_slug).expect("the slug resolves");
    assert_eq!(block, reader(&state).top.block);
}

#[test]
fn n_and_shift_n_go_on_from_the_screen_once_the_reader_moved_away_from_the_match() {
    let mut state = state_with(long_doc());
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    type_text(&mut state, "paragraph 2 of");
    update(&mut state, Action::Key(press(KeyCode::Enter)));
    let total = find_state(&state).hits.len();
    assert!(total > 3);
    assert_eq!(find_state(&state).current_index(), Some(0));
    // To the end: `N` is the last match above the screen (as in less), not the one
    // before the first (the last, by going round).
    cmd(&mut state, Command::Bottom);
    let above = find_state(&state)
        .hits
        .partition_point(|h| h.start < reader(&state).top_place());
    assert!(above > 1, "matches above the end");
    update(&mut state, Action::Key(press(KeyCode::Char('N'))));
    assert_eq!(find_state(&state).current_index(), Some(above - 1));
    assert_eq!(state.flash, None, "no going round");
    // Back to the top: `n` is the first match, not the one after the last.
    cmd(&mut state, Command::Top);
    update(&mut state, Action::Key(press(KeyCode::Char('n'))));
    assert_eq!(find_state(&state).current_index(), Some(0));
    assert_eq!(state.flash, None);
}

#[test]
fn ctrl_l_draws_the_whole_screen_again_anywhere() {
    let ctrl_l = || {
        Action::Key(crossterm::event::KeyEvent::new(
            KeyCode::Char('l'),
            crossterm::event::KeyModifiers::CONTROL,
        ))
    };
    let mut state = state_with(long_doc());
    assert_eq!(update(&mut state, ctrl_l()), [Effect::Redraw]);
    // Also while a query is typed: a control key is never text.
    update(&mut state, Action::Key(press(KeyCode::Char('/'))));
    type_text(&mut state, "sec");
    assert_eq!(update(&mut state, ctrl_l()), [Effect::Redraw]);
    assert!(matches!(&state.mode, Mode::Typing(t) if t.text() == "sec"));
    update(&mut state, Action::Key(press(KeyCode::Esc)));
    // And in the library.
    cmd(&mut state, Command::Back);
    assert_eq!(update(&mut state, ctrl_l()), [Effect::Redraw]);
}
