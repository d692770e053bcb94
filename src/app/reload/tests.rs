//! Live reload as sequences of actions: what a changed or deleted file leads to, the open
//! article replaced at the same place, the list replaced with the selection on the same
//! entry, and `R`.

use std::path::PathBuf;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::*;
use crate::app::{Action, Command, Keymap, Screen, Settings, update};
use crate::document::{Format, parse};
use crate::library::{Entry, Library, Origin, Target};

const ROOT: &str = "/news";

/// A library of articles named `names` (`alpha.md` is titled `Alpha`), every link checked
/// and leading to a file, without touching the disk.
fn library(names: &[&str]) -> Library {
    let root = PathBuf::from(ROOT);
    Library {
        origin: Origin::Dir {
            root: root.clone(),
            index: root.join("INDEX.md"),
        },
        title: Some("News".into()),
        entries: names
            .iter()
            .enumerate()
            .map(|(i, name)| Entry {
                title: title_of(name),
                description: format!("about {name}"),
                group: Vec::new(),
                language: Some("en".into()),
                link: (*name).to_string(),
                line: i + 3,
                target: Target::File(root.join(name)),
            })
            .collect(),
    }
}

fn title_of(name: &str) -> String {
    let stem = name.trim_end_matches(".md");
    let mut chars = stem.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn path(name: &str) -> PathBuf {
    PathBuf::from(ROOT).join(name)
}

fn key_of(name: &str) -> String {
    path(name).to_string_lossy().into_owned()
}

/// A long article: six sections of paragraphs that wrap, each paragraph different.
fn article(top: &str) -> String {
    let mut md = format!("# A long article\n\n{top}Opening words of the article.\n\n");
    for s in 1..=6 {
        md.push_str(&format!("## Section {s}\n\n"));
        for p in 0..8 {
            md.push_str(&format!(
                "Paragraph {p} of section {s}, with enough words in it to wrap over more than one line at the width of the column here.\n\n"
            ));
        }
    }
    md
}

fn doc(text: &str) -> Arc<Document> {
    Arc::new(parse(text, Format::Markdown, "t", Some("en")))
}

/// The library shown at 80×24 with entry `entry` open on `doc`.
fn opened(library: Library, entry: usize, doc: Arc<Document>) -> State {
    let mut state = State::new(library, Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    state.selected = entry;
    let effects = update(&mut state, Action::Command(Command::Open));
    assert_eq!(effects, [Effect::Load { entry }]);
    update(
        &mut state,
        Action::Loaded {
            entry,
            result: Ok(doc),
        },
    );
    assert_eq!(state.screen, Screen::Reader);
    state
}

fn cmd(state: &mut State, command: Command) -> Vec<Effect> {
    update(state, Action::Command(command))
}

fn press(c: char) -> KeyEvent {
    KeyEvent::new_with_kind(KeyCode::Char(c), KeyModifiers::NONE, KeyEventKind::Press)
}

fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, Action::Key(press(c)));
    }
}

fn reader(state: &State) -> &crate::app::Reader {
    state.reader.as_ref().expect("a reader")
}

/// The text from the start of the top line on (a little of it).
fn top_text(state: &State) -> String {
    let r = reader(state);
    let (block, offset) = r.view().expect("layout").content_at(r.top);
    r.doc.block(block).text[offset..].chars().take(40).collect()
}

fn saves(effects: &[Effect]) -> Vec<&Effect> {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Store(_) | Effect::Flush))
        .collect()
}

fn changed(state: &mut State, name: &str, gone: bool) -> Vec<Effect> {
    update(
        state,
        Action::FileChanged {
            path: path(name),
            gone,
        },
    )
}

fn reloaded(state: &mut State, entry: usize, name: &str, doc: Arc<Document>) -> Vec<Effect> {
    update(
        state,
        Action::Reloaded {
            entry,
            key: key_of(name),
            result: Ok(doc),
        },
    )
}

#[test]
fn an_edited_article_is_read_again_and_the_top_line_stays() {
    let mut state = opened(library(&["alpha.md", "bravo.md"]), 1, doc(&article("")));
    for _ in 0..3 {
        cmd(&mut state, Command::NextSection);
    }
    cmd(&mut state, Command::PageDown);
    cmd(&mut state, Command::Down);
    let before = top_text(&state);
    assert!(before.starts_with("Paragraph"), "{before}");

    // Another article's file, or INDEX.md's folder neighbour: nothing to do.
    assert!(changed(&mut state, "alpha.md", false).is_empty());
    assert_eq!(
        changed(&mut state, "bravo.md", false),
        [Effect::ReloadArticle { entry: 1 }]
    );
    // Text added above the place and a paragraph before it rewritten.
    let edited = article("A new first paragraph.\n\n## Added\n\nMore text added above.\n\n")
        .replace(
            "Paragraph 2 of section 1,",
            "Paragraph two of the first section, rewritten,",
        );
    let new = doc(&edited);
    let effects = reloaded(&mut state, 1, "bravo.md", Arc::clone(&new));
    assert!(
        Arc::ptr_eq(&reader(&state).doc, &new),
        "the new text is shown"
    );
    assert_eq!(top_text(&state), before, "the same line is at the top");
    assert!(
        saves(&effects).is_empty(),
        "nothing is saved for a reload: {effects:?}"
    );
    assert_eq!(
        state.flash.as_deref(),
        Some("the article changed on disk and was read again")
    );
    // What is saved next is the place in the new text.
    cmd(&mut state, Command::Down);
    cmd(&mut state, Command::Up);
    let saved = &state.saved_docs[&key_of("bravo.md")];
    let (block, _) = saved.anchor.resolve(&new).expect("a place");
    assert!(new.block(block).text.starts_with(&before[..20]));
}

#[test]
fn a_reload_for_another_article_than_the_one_open_is_dropped() {
    let mut state = opened(library(&["alpha.md", "bravo.md"]), 0, doc(&article("")));
    let shown = Arc::clone(&reader(&state).doc);
    reloaded(&mut state, 1, "bravo.md", doc("# Other\n\ntext"));
    assert!(Arc::ptr_eq(&reader(&state).doc, &shown));
    let failed = Action::Reloaded {
        entry: 0,
        key: key_of("alpha.md"),
        result: Err("permission denied".into()),
    };
    assert!(update(&mut state, failed).is_empty());
    assert!(
        Arc::ptr_eq(&reader(&state).doc, &shown),
        "what is shown stays"
    );
    assert!(
        state
            .flash
            .as_deref()
            .is_some_and(|f| f.contains("permission denied")),
        "{:?}",
        state.flash
    );
}

/// A long Markdown text whose paragraphs all differ, `extra` paragraphs first.
fn book(paragraphs: usize, extra: &str) -> String {
    let mut md = format!("# Book\n\n{extra}");
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

fn open_in_pieces(text: &str) -> (Arc<Document>, crate::document::stream::Loader) {
    let bytes = text.as_bytes().to_vec();
    let size = bytes.len() as u64;
    let (doc, loader) = crate::document::open(
        Box::new(std::io::Cursor::new(bytes)),
        size,
        "book.md",
        "Book",
        Some("en"),
        u64::MAX,
    )
    .expect("opens");
    (Arc::new(doc), loader.expect("read in pieces"))
}

#[test]
fn a_large_article_read_again_in_pieces_waits_for_the_place_and_saves_nothing_meanwhile() {
    let text = book(40_000, "");
    let mut state = opened(library(&["book.md"]), 0, doc(&text));
    cmd(&mut state, Command::Bottom);
    for _ in 0..200 {
        cmd(&mut state, Command::PageUp);
    }
    let before = top_text(&state);
    let edited = book(40_000, "A paragraph added at the top.\n\n");
    let (first, mut loader) = open_in_pieces(&edited);
    assert!(!first.complete);
    let mut effects = reloaded(&mut state, 0, "book.md", first);
    // The place is further on than the first piece: it is waited for.
    assert!(reader(&state).pending.is_some());
    let mut done = false;
    while !done {
        let piece = loader
            .next(crate::document::stream::PIECE)
            .expect("a piece");
        done = piece.done;
        effects.extend(update(
            &mut state,
            Action::More {
                entry: 0,
                blocks: piece.blocks,
                done,
                end: Some(piece.end),
                error: None,
            },
        ));
    }
    assert!(reader(&state).doc.complete);
    assert!(reader(&state).pending.is_none());
    assert_eq!(top_text(&state), before);
    assert!(saves(&effects).is_empty(), "{effects:?}");
}

#[test]
fn a_search_runs_again_in_the_new_text_at_the_same_match() {
    let text = book(300, "");
    let mut state = opened(library(&["book.md"]), 0, doc(&text));
    update(&mut state, Action::Key(press('/')));
    type_text(&mut state, "zebra");
    update(
        &mut state,
        Action::Key(KeyEvent::new_with_kind(
            KeyCode::Enter,
            KeyModifiers::NONE,
            KeyEventKind::Press,
        )),
    );
    for _ in 0..4 {
        update(&mut state, Action::Key(press('n')));
    }
    let find = reader(&state).find.as_ref().expect("a search");
    let current = find.current.expect("a current match");
    let at = reader(&state)
        .doc
        .block(current.start.block)
        .text
        .to_string();
    let count = find.hits.len();
    let top = top_text(&state);
    let edited = book(300, "A Zebra first, and another zebra.\n\n");
    reloaded(&mut state, 0, "book.md", doc(&edited));
    let r = reader(&state);
    let find = r.find.as_ref().expect("the search is on");
    assert_eq!(find.text, "zebra");
    assert_eq!(find.hits.len(), count + 2, "the new text is searched");
    let current = find.current.expect("a current match");
    assert_eq!(r.doc.block(current.start.block).text, at, "the same match");
    assert_eq!(top_text(&state), top, "the view stays");
}

#[test]
fn a_deleted_article_says_so_and_stays_on_screen() {
    let mut state = opened(library(&["alpha.md"]), 0, doc(&article("")));
    cmd(&mut state, Command::NextSection);
    let shown = Arc::clone(&reader(&state).doc);
    let top = top_text(&state);
    let effects = changed(&mut state, "alpha.md", true);
    assert!(effects.is_empty(), "{effects:?}");
    let message = state.message().expect("a message");
    assert_eq!(message.title, "The article's file was deleted");
    assert!(
        message
            .lines
            .contains(&"the file was deleted; what is shown stays".to_string()),
        "{:?}",
        message.lines
    );
    assert!(Arc::ptr_eq(&reader(&state).doc, &shown));
    assert_eq!(top_text(&state), top);
    // While a note is typed, the status line says it, and the note stays.
    state.mode = Mode::Normal;
    cmd(&mut state, Command::Note);
    type_text(&mut state, "my note");
    changed(&mut state, "alpha.md", true);
    assert!(matches!(&state.mode, Mode::Typing(t) if t.text() == "my note"));
    assert_eq!(
        state.flash.as_deref(),
        Some("the file was deleted; what is shown stays")
    );
}

#[test]
fn index_md_changed_or_deleted() {
    let mut state = State::new(
        library(&["alpha.md"]),
        Settings::default(),
        Keymap::default(),
    );
    assert_eq!(
        changed(&mut state, "INDEX.md", false),
        [Effect::ReloadIndex]
    );
    assert!(changed(&mut state, "INDEX.md", true).is_empty());
    let message = state.message().expect("a message");
    assert_eq!(message.title, "INDEX.md was deleted");
    assert_eq!(
        message.lines[0],
        "INDEX.md was deleted; the list shown stays"
    );
}

#[test]
fn the_files_watched_are_index_md_and_the_open_article() {
    let mut state = State::new(
        library(&["alpha.md", "bravo.md"]),
        Settings::default(),
        Keymap::default(),
    );
    assert_eq!(watched(&state), [path("INDEX.md")]);
    state = opened(library(&["alpha.md", "bravo.md"]), 1, doc("# B\n\ntext"));
    assert_eq!(watched(&state), [path("INDEX.md"), path("bravo.md")]);
    let bundled = State::new(
        crate::library::bundled_library(),
        Settings::default(),
        Keymap::default(),
    );
    assert!(watched(&bundled).is_empty());
    // A single article: the article, and no INDEX.md.
    let mut single = library(&["one.md"]);
    single.origin = Origin::Dir {
        root: PathBuf::from(ROOT),
        index: path("one.md"),
    };
    let state = opened(single, 0, doc("# One\n\ntext"));
    assert_eq!(watched(&state), [path("one.md")]);
}

fn index_reloaded(state: &mut State, library: Library) -> Vec<Effect> {
    update(
        state,
        Action::IndexReloaded {
            result: Ok(ReadAgain::new(library)),
        },
    )
}

#[test]
fn index_md_read_again_keeps_the_selection_and_the_open_article_on_their_entries() {
    let names = ["alpha.md", "bravo.md", "charlie.md", "delta.md", "echo.md"];
    let mut state = opened(library(&names), 3, doc(&article("")));
    cmd(&mut state, Command::Back);
    assert_eq!(state.screen, Screen::Library);
    cmd(&mut state, Command::Up);
    assert_eq!(state.selected, 2);
    let shown = Arc::clone(&reader(&state).doc);
    // Two entries added before, one taken out.
    let new = [
        "new.md",
        "newer.md",
        "alpha.md",
        "charlie.md",
        "delta.md",
        "echo.md",
    ];
    let effects = index_reloaded(&mut state, library(&new));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(state.library.entries.len(), 6);
    assert_eq!(state.library.entries[state.selected].link, "charlie.md");
    assert_eq!(state.selected, 3);
    let r = reader(&state);
    assert_eq!(r.entry, 4, "the open article's entry follows it");
    assert!(Arc::ptr_eq(&r.doc, &shown), "the article is not read again");
    assert_eq!(state.entry_key(4), Some(key_of("delta.md").as_str()));
    assert!(state.rows.contains(&LibraryRow::Title(5)));
    assert!(state.library_complete());
    assert_eq!(
        state.flash.as_deref(),
        Some("INDEX.md changed: the list was read again (6 entries)")
    );
}

#[test]
fn a_selected_entry_taken_out_of_index_md_leaves_the_selection_on_the_next() {
    let names = ["alpha.md", "bravo.md", "charlie.md"];
    let mut state = State::new(library(&names), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    cmd(&mut state, Command::Down);
    index_reloaded(&mut state, library(&["alpha.md", "charlie.md"]));
    assert_eq!(state.library.entries[state.selected].link, "charlie.md");
    index_reloaded(&mut state, library(&["alpha.md"]));
    assert_eq!(state.selected, 0);
    // A link written another way to the same file is the same entry.
    let mut again = library(&["bravo.md", "alpha.md"]);
    again.entries[1].link = "./alpha.md".into();
    index_reloaded(&mut state, again);
    assert_eq!(state.selected, 1);
}

#[test]
fn a_filter_open_while_index_md_changes_filters_the_new_list() {
    let names = ["alpha.md", "bravo.md", "delta.md"];
    let mut state = State::new(library(&names), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    update(&mut state, Action::Key(press('/')));
    type_text(&mut state, "delta");
    assert_eq!(state.filter.order(), Some(&[2][..]));
    index_reloaded(
        &mut state,
        library(&["deltaforce.md", "alpha.md", "bravo.md", "delta.md"]),
    );
    assert!(matches!(&state.mode, Mode::Typing(t) if t.text() == "delta"));
    let mut order = state.filter.order().expect("filtering").to_vec();
    order.sort_unstable();
    assert_eq!(order, [0, 3]);
    assert_eq!(state.library.entries[state.selected].link, "delta.md");
}

#[test]
fn results_of_a_library_search_follow_their_entries_or_close() {
    use crate::app::results::SearchEvent;
    let names = ["alpha.md", "bravo.md", "charlie.md"];
    let mut state = State::new(library(&names), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    update(&mut state, Action::Key(press('S')));
    type_text(&mut state, "horse");
    let effects = update(
        &mut state,
        Action::Key(KeyEvent::new_with_kind(
            KeyCode::Enter,
            KeyModifiers::NONE,
            KeyEventKind::Press,
        )),
    );
    let Some(Effect::SearchLibrary(job)) = effects.last() else {
        panic!("{effects:?}");
    };
    let id = job.id;
    for event in [
        SearchEvent::Article {
            entry: 2,
            count: 1,
            hits: Vec::new(),
        },
        SearchEvent::Done,
    ] {
        update(&mut state, Action::SearchedAll { search: id, event });
    }
    index_reloaded(
        &mut state,
        library(&["new.md", "alpha.md", "bravo.md", "charlie.md"]),
    );
    let results = state.search_all.results.as_ref().expect("results kept");
    assert_eq!(results.groups[0].entry, 3);
    assert!(matches!(state.overlay, Some(Overlay::Results { .. })));
    // The article with the match is taken out: the results close.
    index_reloaded(&mut state, library(&["new.md", "alpha.md"]));
    assert!(state.search_all.results.is_none());
    assert_eq!(state.overlay, None);
}

#[test]
fn a_large_article_still_loading_whose_entry_moves_is_read_again_through_the_new_one() {
    let text = book(40_000, "");
    let (first, _loader) = open_in_pieces(&text);
    let mut state = opened(library(&["alpha.md", "book.md"]), 1, first);
    let effects = index_reloaded(&mut state, library(&["new.md", "alpha.md", "book.md"]));
    assert_eq!(effects, [Effect::ReloadArticle { entry: 2 }]);
    assert_eq!(reader(&state).entry, 2);
}

fn update_result(state: &mut State, result: Result<IndexUpdate, String>) -> Vec<Effect> {
    update(state, Action::IndexUpdated { result })
}

#[test]
fn r_updates_index_md_in_the_background_and_says_what_changed() {
    let mut state = State::new(
        library(&["alpha.md"]),
        Settings::default(),
        Keymap::default(),
    );
    update(&mut state, Action::Resize(80, 24));
    let effects = update(&mut state, Action::Key(press('R')));
    assert_eq!(
        effects,
        [Effect::UpdateIndex {
            dir: PathBuf::from(ROOT)
        }]
    );
    assert_eq!(state.flash.as_deref(), Some("updating INDEX.md…"));
    let done = IndexUpdate {
        created: None,
        changes: Changes {
            added: vec!["politik/neu.md".into(), "zwei.md".into()],
            missing: vec!["alt.md".into()],
            back: vec!["wieder.md".into()],
        },
        written: true,
        problems: Vec::new(),
    };
    let effects = update_result(&mut state, Ok(done));
    assert_eq!(effects, [Effect::ReloadIndex], "the list is read again");
    let message = state.message().expect("a message");
    assert_eq!(message.title, "INDEX.md updated");
    assert_eq!(
        message.lines,
        [
            "2 added:",
            "  politik/neu.md",
            "  zwei.md",
            "1 marked missing:",
            "  alt.md",
            "1 found again (mark removed):",
            "  wieder.md",
        ]
    );
    assert_eq!(state.flash, None);

    state.mode = Mode::Normal;
    let effects = update_result(&mut state, Ok(IndexUpdate::default()));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(state.message(), None);
    assert_eq!(state.flash.as_deref(), Some("INDEX.md is up to date"));

    let effects = update_result(
        &mut state,
        Err("cannot write /news/INDEX.md: Permission denied (os error 13)".into()),
    );
    assert!(effects.is_empty());
    let message = state.message().expect("a message");
    assert_eq!(message.title, "Cannot update INDEX.md");
    assert!(message.lines[0].contains("Permission denied"));
}

#[test]
fn r_on_the_bundled_library_or_a_single_article_only_says_why_not() {
    let mut bundled = State::new(
        crate::library::bundled_library(),
        Settings::default(),
        Keymap::default(),
    );
    assert!(cmd(&mut bundled, Command::UpdateIndex).is_empty());
    let message = bundled.message().expect("a message");
    assert_eq!(message.title, "Cannot update INDEX.md");
    assert!(message.lines[0].contains("built into blatt"));

    let mut one = library(&["one.md"]);
    one.origin = Origin::Dir {
        root: PathBuf::from(ROOT),
        index: path("one.md"),
    };
    let mut single = State::new(one, Settings::default(), Keymap::default());
    assert!(cmd(&mut single, Command::UpdateIndex).is_empty());
    let message = single.message().expect("a message");
    assert!(message.lines[0].contains("started on one article"));
}

#[test]
fn the_contents_open_while_the_article_is_read_again_list_its_new_sections() {
    let mut state = opened(library(&["alpha.md"]), 0, doc(&article("")));
    cmd(&mut state, Command::Bottom);
    cmd(&mut state, Command::Contents);
    assert!(matches!(
        state.overlay,
        Some(Overlay::Contents { selected: 6, .. })
    ));
    reloaded(&mut state, 0, "alpha.md", doc("# Short\n\n## Only\n\ntext"));
    match state.overlay {
        Some(Overlay::Contents { selected, .. }) => assert_eq!(selected, 1),
        ref other => panic!("{other:?}"),
    }
}

#[test]
fn links_listed_twice_map_in_order() {
    let old = library(&["a.md", "b.md", "a.md", "c.md"]);
    let new = library(&["c.md", "a.md", "x.md", "a.md", "a.md"]);
    let map = entry_map(&old.entries, &old.origin, &new.entries, &new.origin);
    assert_eq!(map, [Some(1), None, Some(3), Some(0)]);
}

/// Five chapters with the same title, each with its own first paragraph; `extra` adds one
/// more at the top.
fn chapters(extra: bool) -> Arc<crate::document::Document> {
    let mut md = String::from("# Buch\n\n");
    if extra {
        md.push_str("## Kapitel\n\nEin neues erstes Kapitel.\n\n");
    }
    for n in 1..=5 {
        md.push_str(&format!(
            "## Kapitel\n\nDas Kapitel mit der Nummer {n}.\n\n"
        ));
    }
    Arc::new(parse(&md, Format::Markdown, "t", Some("de")))
}

#[test]
fn read_marks_go_with_their_chapters_when_one_with_the_same_title_is_added_before() {
    let old = chapters(false);
    let mut reader = crate::app::reader::Reader::new(
        "k".into(),
        0,
        Arc::clone(&old),
        80,
        24,
        &Settings::default(),
    );
    // Chapters 3 and 4 (sections 3 and 4 after the untitled part and the title's).
    let section_of = |doc: &crate::document::Document, n: usize| {
        doc.sections
            .iter()
            .position(|s| {
                doc.block(s.blocks.start + 1)
                    .text
                    .ends_with(&format!("Nummer {n}."))
            })
            .expect("the chapter")
    };
    let key_of = |reader: &crate::app::reader::Reader, n: usize| {
        let section = section_of(&reader.doc, n);
        reader.key_of(section).expect("a key").to_string()
    };
    let (three, four) = (key_of(&reader, 3), key_of(&reader, 4));
    reader.read_sections = [three.clone(), four.clone()].into_iter().collect();
    reader.replace_doc(chapters(true));
    let read: Vec<usize> = (0..reader.doc.sections.len())
        .filter(|&s| reader.is_read(s))
        .collect();
    let doc = Arc::clone(&reader.doc);
    assert_eq!(read, [section_of(&doc, 3), section_of(&doc, 4)]);
    assert_ne!(
        key_of(&reader, 3),
        three,
        "the key of chapter 3 is another now"
    );
}

/// The list of a large INDEX.md of which the first part (`names`) is shown, the rest still
/// being read.
fn first_part(names: &[&str]) -> State {
    let mut state = State::new(
        library(names),
        crate::app::Settings::default(),
        crate::app::Keymap::default(),
    );
    state.reading_index = true;
    update(&mut state, Action::Resize(80, 24));
    state
}

/// The whole of that INDEX.md, parsed as one, replaces the first part.
fn whole_read(state: &mut State, names: &[&str]) {
    update(
        state,
        Action::IndexReloaded {
            result: Ok(ReadAgain::whole(library(names))),
        },
    );
}

#[test]
fn a_large_index_parsed_whole_after_its_first_part_replaces_the_list_without_a_word() {
    // The rest of a large INDEX.md held a link reference definition: the whole, parsed as
    // one, replaces the first part shown, keeping the selection on its entry; nothing
    // changed on disk, so nothing says so.
    let names = ["alpha.md", "bravo.md", "charlie.md"];
    let mut state = first_part(&names[..2]);
    cmd(&mut state, Command::Down);
    assert_eq!(state.selected, 1);
    whole_read(&mut state, &names);
    assert_eq!(state.library.entries.len(), 3);
    assert_eq!(state.selected, 1);
    assert!(!state.reading_index);
    assert_eq!(state.flash, None);
}

#[test]
fn the_whole_of_a_large_index_keeps_g_on_the_last_entry_and_an_untouched_list_at_its_top() {
    let first = ["charlie.md", "delta.md"];
    let whole = ["alpha.md", "bravo.md", "charlie.md", "delta.md", "echo.md"];
    // Not moved in: the whole list shows from its top, its first entry selected.
    let mut state = first_part(&first);
    whole_read(&mut state, &whole);
    assert_eq!((state.selected, state.offset), (0, 0));
    // `G` while the first part was shown: the end once the whole is in.
    let mut state = first_part(&first);
    cmd(&mut state, Command::Bottom);
    assert!(state.to_last_entry);
    whole_read(&mut state, &whole);
    assert_eq!(state.selected, 4);
    assert!(!state.to_last_entry);
}
