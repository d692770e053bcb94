//! Moving through the library from the reader, read marks, hidden finished articles and
//! the compact list, as sequences of actions.

use std::sync::Arc;

use super::*;
use crate::anchor::Anchor;
use crate::app::{Action, Command, Keymap, LibraryRow, Settings, update};
use crate::document::{Document, Format, parse};
use crate::library::{EntryProblem, Library, Origin, Target};

fn entry(title: &str, description: &str, group: &[&str], target: Target) -> Entry {
    Entry {
        title: title.into(),
        description: description.into(),
        group: group.iter().map(|g| g.to_string()).collect(),
        language: None,
        link: format!("{}.md", title.to_lowercase()),
        line: 1,
        target,
    }
}

fn missing(name: &str) -> Target {
    Target::Problem(EntryProblem::Missing(name.into()))
}

/// Europa (Eins, Zwei broken, and Drei in the subgroup Inland), Politik (Vier, Fünf
/// broken).
fn news() -> Library {
    Library {
        origin: Origin::Bundled,
        title: Some("News".into()),
        entries: vec![
            entry(
                "Eins",
                "EURACTIV, de — Die Kommission verlangt Zusagen",
                &["Europa"],
                Target::Bundled("eins.md"),
            ),
            entry("Zwei", "", &["Europa"], missing("zwei.md")),
            entry(
                "Drei",
                "Zeit, de",
                &["Europa", "Inland"],
                Target::Bundled("drei.md"),
            ),
            entry("Vier", "", &["Politik"], Target::Bundled("vier.md")),
            entry(
                "Fünf",
                "",
                &["Politik"],
                Target::Problem(EntryProblem::OutsideLibrary("../fünf.md".into())),
            ),
        ],
    }
}

fn key(name: &str) -> String {
    format!("bundled:{name}")
}

fn doc(title: &str) -> Arc<Document> {
    let mut md = format!("# {title}\n\n");
    for s in 1..=4 {
        md.push_str(&format!("## Part {s}\n\n"));
        for p in 0..6 {
            md.push_str(&format!(
                "Paragraph {p} of part {s} of {title}, long enough to wrap at forty columns and more.\n\n"
            ));
        }
    }
    Arc::new(parse(&md, Format::Markdown, "t", Some("en")))
}

fn state_of(library: Library, settings: Settings) -> State {
    with_docs(library, settings, Vec::new())
}

/// A state with these documents saved, as the runtime starts: the saved state is filled in
/// before the first action.
fn with_docs(library: Library, settings: Settings, docs: Vec<(&str, DocState)>) -> State {
    let mut state = State::new(library, settings, Keymap::default());
    for (name, doc) in docs {
        state.saved_docs.insert(key(name), doc);
    }
    update(&mut state, Action::Resize(80, 24));
    state
}

fn cmd(state: &mut State, command: Command) -> Vec<Effect> {
    update(state, Action::Command(command))
}

/// Finishes a load the way the runtime does.
fn load(state: &mut State, entry: usize) {
    let title = state.library.entries[entry].title.clone();
    update(
        state,
        Action::Loaded {
            entry,
            result: Ok(doc(&title)),
        },
    );
    assert_eq!(state.reader.as_ref().map(|r| r.entry), Some(entry));
}

fn open(state: &mut State, entry: usize) {
    state.selected = entry;
    assert_eq!(loads(&cmd(state, Command::Open)), [entry]);
    load(state, entry);
}

fn loads(effects: &[Effect]) -> Vec<usize> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Load { entry } => Some(*entry),
            _ => None,
        })
        .collect()
}

fn saved(finished: bool, percent: f32, block: usize) -> DocState {
    DocState {
        title: "saved".into(),
        anchor: Anchor {
            block,
            ..Anchor::default()
        },
        percent,
        finished,
        updated: 5,
        ..DocState::default()
    }
}

fn titles(state: &State) -> Vec<usize> {
    state
        .library_rows()
        .iter()
        .filter_map(|r| match r {
            LibraryRow::Title(i) => Some(*i),
            _ => None,
        })
        .collect()
}

fn heading(state: &State, title: &str) -> (usize, usize) {
    let h = state
        .browse
        .headings
        .iter()
        .find(|h| h.title == title)
        .unwrap_or_else(|| panic!("no heading {title}"));
    (h.unread, h.readable)
}

#[test]
fn next_and_previous_open_each_article_at_its_place_skip_broken_ones_and_stop_at_the_ends() {
    let docs = vec![("drei.md", saved(false, 40.0, 12))];
    let mut state = with_docs(news(), Settings::default(), docs);
    open(&mut state, 0);

    // Zwei cannot be opened: passed over, and named once Drei is open.
    let effects = cmd(&mut state, Command::NextArticle);
    assert_eq!(loads(&effects), [2]);
    assert!(effects.contains(&Effect::Flush), "{effects:?}");
    assert_eq!(state.flash.as_deref(), Some("opening Drei…"));
    load(&mut state, 2);
    assert_eq!(
        state.flash.as_deref(),
        Some("skipped “Zwei”: file not found: zwei.md")
    );
    // At its saved place.
    assert_eq!(state.reader.as_ref().map(|r| r.anchor().block), Some(12));
    assert_eq!(state.selected, 2);

    assert_eq!(loads(&cmd(&mut state, Command::NextArticle)), [3]);
    load(&mut state, 3);
    assert_eq!(state.flash, None);
    // Past Vier only Fünf, which cannot be opened: the end.
    let effects = cmd(&mut state, Command::NextArticle);
    assert!(loads(&effects).is_empty(), "{effects:?}");
    assert_eq!(
        state.flash.as_deref(),
        Some(
            "this is the last article (skipped “Fünf”: link points outside the library: ../fünf.md)"
        )
    );
    assert_eq!(state.reader.as_ref().map(|r| r.entry), Some(3));

    assert_eq!(loads(&cmd(&mut state, Command::PreviousArticle)), [2]);
    load(&mut state, 2);
    assert_eq!(loads(&cmd(&mut state, Command::PreviousArticle)), [0]);
    load(&mut state, 0);
    assert_eq!(
        state.flash.as_deref(),
        Some("skipped “Zwei”: file not found: zwei.md")
    );
    let effects = cmd(&mut state, Command::PreviousArticle);
    assert!(loads(&effects).is_empty());
    assert_eq!(state.flash.as_deref(), Some("this is the first article"));
    // Back in the library, the article read last is selected.
    cmd(&mut state, Command::Back);
    assert_eq!(state.screen, Screen::Library);
    assert_eq!(state.selected, 0);
}

#[test]
fn stepping_onto_unchecked_entries_checks_them_first() {
    let mut library = news();
    for e in &mut library.entries[1..] {
        e.target = Target::Unchecked;
    }
    // The entries on screen are not checked, as if the run loop had not got to them.
    let mut state = state_of(library, Settings::default());
    open(&mut state, 0);
    let effects = cmd(&mut state, Command::NextArticle);
    assert_eq!(
        effects,
        [Effect::Check {
            entries: vec![1, 2, 3, 4]
        }]
    );
    // The check finds entry 1 missing: it is skipped, entry 2 opens.
    let effects = update(
        &mut state,
        Action::Checked {
            targets: vec![
                (1, missing("zwei.md")),
                (2, Target::Bundled("drei.md")),
                (3, Target::Bundled("vier.md")),
                (4, missing("fünf.md")),
            ],
        },
    );
    assert_eq!(loads(&effects), [2]);
    load(&mut state, 2);
    assert_eq!(
        state.flash.as_deref(),
        Some("skipped “Zwei”: file not found: zwei.md")
    );
}

#[test]
fn a_step_waiting_for_a_check_is_dropped_when_the_reader_is_left() {
    let mut library = news();
    library.entries[2].target = Target::Unchecked;
    let mut state = state_of(library, Settings::default());
    open(&mut state, 0);
    let effects = cmd(&mut state, Command::NextArticle);
    assert_eq!(effects, [Effect::Check { entries: vec![2] }]);
    cmd(&mut state, Command::Back);
    let effects = update(
        &mut state,
        Action::Checked {
            targets: vec![(2, Target::Bundled("drei.md"))],
        },
    );
    assert!(loads(&effects).is_empty(), "{effects:?}");
    assert_eq!(state.screen, Screen::Library);
}

#[test]
fn the_last_article_waits_for_more_of_the_index() {
    let mut library = news();
    let rest = library.entries.split_off(3);
    let mut state = state_of(library, Settings::default());
    state.reading_index = true;
    open(&mut state, 2);
    assert!(loads(&cmd(&mut state, Command::NextArticle)).is_empty());
    assert!(matches!(state.pending_open, Some(PendingOpen::Step(_))));
    assert_eq!(state.flash, None);
    let effects = update(
        &mut state,
        Action::MoreEntries {
            title: None,
            entries: rest,
            done: true,
            error: None,
        },
    );
    assert_eq!(loads(&effects), [3]);
}

#[test]
fn toggle_read_in_the_library_saves_the_mark_and_keeps_the_place() {
    let docs = vec![("eins.md", saved(false, 40.0, 3))];
    let mut state = with_docs(news(), Settings::default(), docs);
    update(&mut state, Action::Tick(1000));
    assert_eq!(heading(&state, "Europa"), (2, 2));
    assert_eq!(crate::ui::library::mark(&state, 0), " 40%");

    state.selected = 0;
    let effects = cmd(&mut state, Command::ToggleRead);
    let expected = DocState {
        finished: true,
        updated: 1000,
        ..saved(false, 40.0, 3)
    };
    assert_eq!(
        effects,
        [Effect::Store(Box::new(Op::SetDoc {
            key: key("eins.md"),
            state: expected
        }))]
    );
    assert_eq!(crate::ui::library::mark(&state, 0), "   ✓");
    assert_eq!(state.flash.as_deref(), Some("“Eins” marked as read"));
    assert_eq!(heading(&state, "Europa"), (1, 2));
    assert_eq!(heading(&state, "Inland"), (1, 1));

    // Unread again: the place stays.
    let effects = cmd(&mut state, Command::ToggleRead);
    assert!(
        matches!(&effects[..], [Effect::Store(op)] if matches!(&**op,
        Op::SetDoc { state, .. } if !state.finished && state.percent == 40.0 && state.anchor.block == 3))
    );
    assert_eq!(crate::ui::library::mark(&state, 0), " 40%");
    assert_eq!(heading(&state, "Europa"), (2, 2));

    // An article never opened is saved with its title.
    state.selected = 3;
    let effects = cmd(&mut state, Command::ToggleRead);
    assert!(
        matches!(&effects[..], [Effect::Store(op)] if matches!(&**op,
        Op::SetDoc { key: k, state } if *k == key("vier.md") && state.finished && state.title == "Vier"))
    );
    assert_eq!(heading(&state, "Politik"), (0, 1));
    assert_eq!(crate::ui::library::mark(&state, 3), "   ✓");
    // Unread again, it is new again: it was never opened.
    cmd(&mut state, Command::ToggleRead);
    assert_eq!(crate::ui::library::mark(&state, 3), " new");
    assert_eq!(heading(&state, "Politik"), (1, 1));

    // An entry that cannot be opened cannot be marked.
    state.selected = 1;
    assert!(cmd(&mut state, Command::ToggleRead).is_empty());
    assert_eq!(
        state.flash.as_deref(),
        Some("“Zwei” cannot be opened: file not found: zwei.md")
    );
}

#[test]
fn toggle_read_in_the_reader_marks_the_open_article() {
    let mut state = state_of(news(), Settings::default());
    open(&mut state, 2);
    let effects = cmd(&mut state, Command::ToggleRead);
    let anchor = state.reader.as_ref().map(|r| r.anchor());
    assert!(
        matches!(&effects[..], [Effect::Store(op)] if matches!(&**op,
        Op::SetDoc { key: k, state } if *k == key("drei.md") && state.finished && Some(&state.anchor) == anchor.as_ref()))
    );
    assert_eq!(state.reader.as_ref().map(|r| r.finished), Some(true));
    assert_eq!(heading(&state, "Inland"), (0, 1));
    assert_eq!(heading(&state, "Europa"), (1, 2));
    cmd(&mut state, Command::ToggleRead);
    assert_eq!(state.reader.as_ref().map(|r| r.finished), Some(false));
    assert_eq!(state.progress(2).map(|p| p.finished), Some(false));
    assert_eq!(heading(&state, "Inland"), (1, 1));
}

#[test]
fn hidden_finished_articles_leave_the_list_and_the_selection_moves_on() {
    let docs = vec![
        ("eins.md", saved(true, 100.0, 9)),
        ("drei.md", saved(true, 100.0, 9)),
    ];
    let mut state = with_docs(news(), Settings::default(), docs);
    assert_eq!(state.browse.finished, 2);
    assert_eq!(state.browse.broken, 2);
    state.selected = 0;

    cmd(&mut state, Command::HideFinished);
    assert_eq!(titles(&state), [1, 3, 4]);
    assert_eq!(state.browse.shown(), Some(&[1, 3, 4][..]));
    // Inland holds only a finished article: its heading goes too.
    assert!(
        !state
            .rows
            .iter()
            .any(|r| matches!(r, LibraryRow::Group { title, .. } if title == "Inland"))
    );
    assert_eq!(state.selected, 1, "the next entry shown");
    assert_eq!(
        state.flash.as_deref(),
        Some("2 finished articles hidden (h shows them)")
    );
    // Moves go through the entries shown.
    cmd(&mut state, Command::Down);
    assert_eq!(state.selected, 3);
    // Marking the selected one read hides it: the selection goes to the next.
    cmd(&mut state, Command::ToggleRead);
    assert_eq!(titles(&state), [1, 4]);
    assert_eq!(state.selected, 4);
    cmd(&mut state, Command::Up);
    assert_eq!(state.selected, 1);

    // The filter searches every entry, hidden ones too.
    update(&mut state, Action::Key(press('/')));
    for c in "eins".chars() {
        update(&mut state, Action::Key(press(c)));
    }
    assert_eq!(titles(&state), [0]);
    update(
        &mut state,
        Action::Key(crossterm_key(crossterm::event::KeyCode::Esc)),
    );
    assert_eq!(titles(&state), [1, 4]);

    cmd(&mut state, Command::HideFinished);
    assert_eq!(titles(&state), [0, 1, 2, 3, 4]);
    assert_eq!(state.browse.shown(), None);
    assert_eq!(state.selected, 1);
}

#[test]
fn an_article_finished_in_the_reader_is_hidden_when_back_in_the_list() {
    let settings = Settings {
        hide_finished: true,
        ..Settings::default()
    };
    let mut state = state_of(news(), settings);
    open(&mut state, 0);
    // Read to the end, page by page.
    for _ in 0..40 {
        cmd(&mut state, Command::PageDown);
    }
    assert_eq!(state.reader.as_ref().map(|r| r.finished), Some(true));
    assert_eq!(state.browse.finished, 1);
    cmd(&mut state, Command::Back);
    assert_eq!(titles(&state), [1, 2, 3, 4]);
    assert_eq!(state.selected, 1);
    // `}` passes over hidden articles, and at the end says so.
    open(&mut state, 3);
    let effects = cmd(&mut state, Command::PreviousArticle);
    assert_eq!(loads(&effects), [2]);
    load(&mut state, 2);
    let effects = cmd(&mut state, Command::PreviousArticle);
    assert!(loads(&effects).is_empty());
    assert_eq!(
        state.flash.as_deref(),
        Some("no unfinished article before this one (skipped “Zwei”: file not found: zwei.md)")
    );
}

#[test]
fn the_title_count_leaves_out_broken_entries_and_checks_keep_the_counts() {
    let mut library = news();
    let eager = state_of(library.clone(), Settings::default());
    for e in &mut library.entries {
        e.target = Target::Unchecked;
    }
    let mut lazy = state_of(library, Settings::default());
    assert_eq!(lazy.browse.broken, 0);
    assert_eq!(heading(&lazy, "Europa"), (3, 3));
    let targets: Vec<(usize, Target)> = eager
        .library
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (i, e.target.clone()))
        .collect();
    update(&mut lazy, Action::Checked { targets });
    assert_eq!(lazy.browse.broken, 2);
    assert_eq!(lazy.browse.headings, eager.browse.headings);
    assert_eq!(heading(&lazy, "Europa"), (2, 2));
    assert_eq!(heading(&lazy, "Politik"), (1, 1));
}

#[test]
fn the_compact_view_has_one_row_per_entry_and_clicks_find_them() {
    let mut state = state_of(news(), Settings::default());
    state.selected = 3;
    cmd(&mut state, Command::ToggleView);
    assert!(state.browse.compact());
    let group = |title: &str, depth, heading| LibraryRow::Group {
        title: title.into(),
        depth,
        heading,
    };
    assert_eq!(
        state.rows,
        [
            group("Europa", 0, 0),
            LibraryRow::Title(0),
            LibraryRow::Title(1),
            group("Inland", 1, 1),
            LibraryRow::Title(2),
            group("Politik", 0, 2),
            LibraryRow::Title(3),
            LibraryRow::Title(4),
        ]
    );
    assert_eq!(state.selected, 3);
    // A click on the fifth row of the list (row 1 is the header) selects Drei.
    update(&mut state, Action::Click { column: 10, row: 5 });
    assert_eq!(state.selected, 2);
    // Back to three rows.
    cmd(&mut state, Command::ToggleView);
    // Europa, Eins (3 rows), Zwei (3: its problem on the second), Inland, Drei (3),
    // Politik, Vier (2: no description), Fünf (3).
    assert_eq!(state.rows.len(), 17);
    assert_eq!(state.selected, 2);
}

/// A long library in a few groups, for scrolling.
fn long_library(groups: usize, each: usize) -> Library {
    let names: &[&str] = &["Alpha", "Beta", "Gamma", "Delta", "Epsilon"];
    let mut entries = Vec::new();
    for g in 0..groups {
        for i in 0..each {
            entries.push(entry(
                &format!("Article {g}.{i}"),
                "Source, en — about it",
                &[names[g % names.len()]],
                Target::Bundled("seed.md"),
            ));
        }
    }
    Library {
        origin: Origin::Bundled,
        title: Some("Long".into()),
        entries,
    }
}

#[test]
fn a_heading_scrolled_off_stays_on_top_and_never_covers_the_selection() {
    for view in [LibraryView::Compact, LibraryView::Full] {
        let settings = Settings {
            library_view: view,
            ..Settings::default()
        };
        let mut state = state_of(long_library(3, 30), settings);
        let height = state.list_height();
        let check = |state: &State, what: &str| {
            let row = row_of(state.library_rows(), state.selected).expect("selected row");
            let covered = covered(state);
            assert!(
                row >= state.offset + covered && row < state.offset + height,
                "{view:?} {what}: row {row}, offset {}, covered {covered}",
                state.offset
            );
        };
        for _ in 0..89 {
            cmd(&mut state, Command::Down);
            check(&state, "down");
        }
        assert_eq!(state.selected, 89);
        // Deep in the third group, its heading is on top.
        assert_eq!(sticky(&state), Some(2));
        for _ in 0..89 {
            cmd(&mut state, Command::Up);
            check(&state, "up");
        }
        for command in [Command::PageDown, Command::ScrollTop, Command::ScreenTop] {
            cmd(&mut state, Command::PageDown);
            cmd(&mut state, command);
            check(&state, command.name());
        }
    }
}

#[test]
fn a_click_on_the_heading_on_top_selects_nothing() {
    let settings = Settings {
        library_view: LibraryView::Compact,
        ..Settings::default()
    };
    let mut state = state_of(long_library(2, 40), settings);
    for _ in 0..30 {
        cmd(&mut state, Command::Down);
    }
    assert_eq!(sticky(&state), Some(0));
    let selected = state.selected;
    let top = state.offset;
    // Row 1 is the first row of the list, under the heading kept on top.
    update(&mut state, Action::Click { column: 10, row: 1 });
    assert_eq!(state.selected, selected);
    // The row below it is the entry after the covered one.
    let below = match state.rows[top + 1] {
        LibraryRow::Title(i) => i,
        ref other => panic!("{other:?}"),
    };
    update(&mut state, Action::Click { column: 10, row: 2 });
    assert_eq!(state.selected, below);
}

fn crossterm_key(code: crossterm::event::KeyCode) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new_with_kind(
        code,
        crossterm::event::KeyModifiers::NONE,
        crossterm::event::KeyEventKind::Press,
    )
}

fn press(c: char) -> crossterm::event::KeyEvent {
    crossterm_key(crossterm::event::KeyCode::Char(c))
}

#[test]
fn an_article_listed_twice_is_marked_in_both_places() {
    let mut library = news();
    let mut again = library.entries[0].clone();
    again.group = vec!["Politik".into()];
    library.entries.push(again);
    let mut state = state_of(library, Settings::default());
    assert_eq!(heading(&state, "Politik"), (2, 2));
    state.selected = 0;
    cmd(&mut state, Command::ToggleRead);
    assert_eq!(crate::ui::library::mark(&state, 5), "   ✓");
    assert_eq!(heading(&state, "Europa"), (1, 2));
    assert_eq!(heading(&state, "Politik"), (1, 2));
    assert_eq!(state.browse.finished, 2);
}

#[test]
fn marks_saved_by_another_blatt_are_counted() {
    let settings = Settings {
        hide_finished: true,
        ..Settings::default()
    };
    let mut state = state_of(news(), settings);
    assert_eq!(titles(&state), [0, 1, 2, 3, 4]);
    let docs = [(key("vier.md"), saved(true, 100.0, 2))]
        .into_iter()
        .collect();
    update(
        &mut state,
        Action::Shared {
            bookmarks: Default::default(),
            docs,
            missing: None,
        },
    );
    assert_eq!(heading(&state, "Politik"), (0, 1));
    assert_eq!(titles(&state), [0, 1, 2, 4]);
}

#[test]
fn with_every_article_hidden_enter_opens_nothing() {
    let docs = vec![
        ("eins.md", saved(true, 100.0, 1)),
        ("drei.md", saved(true, 100.0, 1)),
        ("vier.md", saved(true, 100.0, 1)),
    ];
    let mut library = news();
    // Without the entries that cannot be opened.
    library.entries.retain(|e| e.target.problem().is_none());
    let mut state = with_docs(library, Settings::default(), docs);
    cmd(&mut state, Command::HideFinished);
    assert!(state.rows.is_empty());
    assert_eq!(state.browse.shown(), Some(&[][..]));
    assert!(cmd(&mut state, Command::Open).is_empty());
    assert!(cmd(&mut state, Command::Down).is_empty());
    cmd(&mut state, Command::HideFinished);
    assert_eq!(titles(&state), [0, 1, 2]);
}

/// INDEX.md edited while blatt runs: the list read again (laid out on another thread with
/// the default view) shows as a list made fresh with the person's view, hidden articles
/// and counts.
#[test]
fn a_library_read_again_keeps_the_view_the_hidden_articles_and_the_counts() {
    let settings = Settings {
        library_view: LibraryView::Compact,
        hide_finished: true,
        ..Settings::default()
    };
    let docs = vec![("eins.md", saved(true, 100.0, 1))];
    let mut state = with_docs(news(), settings.clone(), docs.clone());
    let mut edited = news();
    let new = entry("Neu", "", &["Politik"], Target::Bundled("neu.md"));
    edited.entries.insert(3, new);
    let read = crate::app::reload::ReadAgain::new(edited.clone());
    update(&mut state, Action::IndexReloaded { result: Ok(read) });
    let fresh = with_docs(edited, settings, docs);
    assert_eq!(state.rows, fresh.rows);
    assert_eq!(state.browse.headings, fresh.browse.headings);
    assert_eq!(state.browse.shown(), fresh.browse.shown());
    assert_eq!(state.browse.finished, 1);
    assert!(state.browse.is_shown(state.selected));
}

#[test]
fn an_article_that_does_not_open_is_passed_over_by_a_step_and_known_from_then_on() {
    let mut state = state_of(news(), Settings::default());
    open(&mut state, 0);
    assert_eq!(state.browse.broken, 2);
    assert_eq!(loads(&cmd(&mut state, Command::NextArticle)), [2]);
    // Drei turns out not to be text: the step goes on to Vier and the reader stays.
    let effects = update(
        &mut state,
        Action::Loaded {
            entry: 2,
            result: Err("drei.md: this looks like a binary file".into()),
        },
    );
    assert_eq!(loads(&effects), [3], "{effects:?}");
    assert_eq!(state.screen, Screen::Reader);
    assert_eq!(
        state.mode,
        crate::app::Mode::Normal,
        "no message in the way"
    );
    load(&mut state, 3);
    assert_eq!(
        state.flash.as_deref(),
        Some(
            "skipped 2 entries that cannot be opened: “Zwei”: file not found: zwei.md; “Drei”: drei.md: this looks like a binary file"
        )
    );
    // Known from now on: its entry says why and is not counted; `{` passes it over.
    assert!(matches!(
        state.library.entries[2].target,
        Target::Problem(EntryProblem::NotOpened(_))
    ));
    assert_eq!(state.browse.broken, 3);
    assert_eq!(loads(&cmd(&mut state, Command::PreviousArticle)), [0]);
    load(&mut state, 0);
    // `Enter` on it in the library looks at it again.
    cmd(&mut state, Command::Back);
    state.selected = 2;
    let effects = cmd(&mut state, Command::Open);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Check { entries } if entries == &[2])),
        "{effects:?}"
    );
}
