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
