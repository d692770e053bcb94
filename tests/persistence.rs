//! Round trips of reading state, bookmarks and configuration through a temporary config
//! directory, the way the reader uses them: positions come back after a width change and
//! after an edit of the article that moved the section.

use std::fs;
use std::path::Path;

use blatt::app::{Action, Command, Effect, Keymap, Overlay, Settings, State, update};
use blatt::library::load_library;
use blatt::runtime::{check_entries, load};
use blatt::store::Store;

fn article(sections: &[&str]) -> String {
    let mut text = String::from("Ein Titel für den Test\n\nEinleitung mit ein paar Worten.\n\n");
    for name in sections {
        text.push_str(&format!("{name}\n\n"));
        for p in 0..6 {
            text.push_str(&format!(
                "Absatz {p} im Abschnitt {name}, lang genug, um bei vierzig Spalten umbrochen zu werden, mit weiteren Wörtern.\n\n"
            ));
        }
    }
    text
}

fn library_dir(dir: &Path, text: &str) {
    fs::write(
        dir.join("INDEX.md"),
        "# Test\n\n- [Artikel](a.txt) — Test, de\n",
    )
    .expect("index");
    fs::write(dir.join("a.txt"), text).expect("article");
}

/// A reader session: the state as `main` builds it from the store.
fn session(lib: &Path, store: &Store, width: u16) -> State {
    let library = load_library(lib).expect("library");
    let mut state = State::new(library, Settings::default(), Keymap::default());
    state.saved_docs = store.state().docs.clone().into_iter().collect();
    state.bookmarks = store.state().bookmarks.clone();
    update(&mut state, Action::Resize(width, 30));
    state
}

/// Performs effects as the run loop does: loads, and store operations with saves.
fn perform(state: &mut State, store: &mut Store, effects: Vec<Effect>) {
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    while let Some(effect) = queue.pop_front() {
        match effect {
            Effect::Load { entry } => {
                let result = load(state, entry, 1 << 30);
                queue.extend(update(state, Action::Loaded { entry, result }));
            }
            Effect::ReadAhead { entry, jump } => {
                let result = blatt::runtime::read_ahead(state, entry, &jump, 1 << 30);
                queue.extend(update(
                    state,
                    Action::Ahead {
                        entry,
                        jump,
                        result,
                    },
                ));
            }
            Effect::Check { entries } => {
                let checked = check_entries(state, &entries);
                queue.extend(update(state, checked));
            }
            Effect::Store(op) => store.apply(*op),
            Effect::Flush => store.save().expect("save"),
            Effect::Refresh
            | Effect::Suspend
            | Effect::Redraw
            | Effect::OpenLibrary { .. }
            | Effect::Search(_)
            | Effect::Seek { .. }
            | Effect::StopSearch
            | Effect::SearchLibrary(_)
            | Effect::StopSearchLibrary
            | Effect::OpenUrl(_)
            | Effect::CopyUrl(_)
            | Effect::Filter(_)
            | Effect::ReloadArticle { .. }
            | Effect::ReloadIndex
            | Effect::UpdateIndex { .. }
            | Effect::FetchFeeds { .. }
            | Effect::Quit => {}
        }
    }
}

fn command(state: &mut State, store: &mut Store, command: Command) {
    let effects = update(state, Action::Command(command));
    perform(state, store, effects);
}

fn top_block_text(state: &State) -> String {
    let reader = state.reader.as_ref().expect("reader");
    let (block, _) = reader.view().expect("layout").content_at(reader.top);
    reader.doc.block(block).text.to_string()
}

fn current_section(state: &State) -> Option<String> {
    let reader = state.reader.as_ref().expect("reader");
    reader.doc.sections[reader.current_section()].title.clone()
}

#[test]
fn position_survives_quitting_a_width_change_and_an_edit() {
    let config = tempfile::tempdir().expect("tempdir");
    let lib = tempfile::tempdir().expect("tempdir");
    library_dir(
        lib.path(),
        &article(&["Erster Teil", "Zweiter Teil", "Dritter Teil"]),
    );

    let (mut store, notices) = Store::open(Some(config.path().to_path_buf()));
    assert!(notices.is_empty(), "{notices:?}");
    let mut state = session(lib.path(), &store, 100);
    command(&mut state, &mut store, Command::Open);
    command(&mut state, &mut store, Command::NextSection);
    command(&mut state, &mut store, Command::NextSection);
    command(&mut state, &mut store, Command::Down);
    command(&mut state, &mut store, Command::Down);
    command(&mut state, &mut store, Command::Down);
    let expected = top_block_text(&state);
    assert!(expected.contains("Zweiter Teil"), "{expected}");
    command(&mut state, &mut store, Command::Quit);
    drop(store);

    // Another day, another terminal width.
    let (mut store, _) = Store::open(Some(config.path().to_path_buf()));
    assert!(store.state().last_open.is_some());
    let mut state = session(lib.path(), &store, 47);
    command(&mut state, &mut store, Command::Open);
    assert_eq!(top_block_text(&state), expected);
    command(&mut state, &mut store, Command::Back);

    // The article was edited: a new section in front, and the sections reordered.
    library_dir(
        lib.path(),
        &article(&["Neu", "Dritter Teil", "Erster Teil", "Zweiter Teil"]),
    );
    let (mut store, _) = Store::open(Some(config.path().to_path_buf()));
    let mut state = session(lib.path(), &store, 80);
    command(&mut state, &mut store, Command::Open);
    assert_eq!(top_block_text(&state), expected);
    assert_eq!(current_section(&state).as_deref(), Some("Zweiter Teil"));
}

#[test]
fn bookmarks_with_notes_survive_and_follow_their_section() {
    let config = tempfile::tempdir().expect("tempdir");
    let lib = tempfile::tempdir().expect("tempdir");
    library_dir(lib.path(), &article(&["Alpha", "Beta", "Gamma"]));

    let (mut store, _) = Store::open(Some(config.path().to_path_buf()));
    let mut state = session(lib.path(), &store, 80);
    command(&mut state, &mut store, Command::Open);
    command(&mut state, &mut store, Command::NextSection);
    command(&mut state, &mut store, Command::NextSection);
    assert_eq!(current_section(&state).as_deref(), Some("Beta"));
    command(&mut state, &mut store, Command::Bookmark);
    command(&mut state, &mut store, Command::Note);
    for c in "nachlesen".chars() {
        let key = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        );
        update(&mut state, Action::Key(key));
    }
    command(&mut state, &mut store, Command::Open);
    command(&mut state, &mut store, Command::Quit);
    drop(store);

    // Beta moves to the end of the article.
    library_dir(lib.path(), &article(&["Gamma", "Alpha", "Beta"]));
    let (mut store, _) = Store::open(Some(config.path().to_path_buf()));
    assert_eq!(store.state().bookmarks.len(), 1);
    let bookmark = store
        .state()
        .bookmarks
        .values()
        .next()
        .expect("bookmark")
        .clone();
    assert_eq!(bookmark.note, "nachlesen");
    assert_eq!(bookmark.section_title, "Beta");

    let mut state = session(lib.path(), &store, 60);
    command(&mut state, &mut store, Command::Bookmarks);
    assert!(matches!(state.overlay, Some(Overlay::Bookmarks { .. })));
    command(&mut state, &mut store, Command::Open);
    assert_eq!(current_section(&state).as_deref(), Some("Beta"));
    assert_eq!(top_block_text(&state), "Beta");
}

#[test]
fn two_sessions_keep_each_others_bookmarks() {
    let config = tempfile::tempdir().expect("tempdir");
    let lib = tempfile::tempdir().expect("tempdir");
    library_dir(lib.path(), &article(&["Alpha", "Beta"]));
    let (mut store_a, _) = Store::open(Some(config.path().to_path_buf()));
    let (mut store_b, _) = Store::open(Some(config.path().to_path_buf()));
    let mut a = session(lib.path(), &store_a, 80);
    let mut b = session(lib.path(), &store_b, 80);
    command(&mut a, &mut store_a, Command::Open);
    command(&mut b, &mut store_b, Command::Open);
    command(&mut a, &mut store_a, Command::NextSection);
    command(&mut a, &mut store_a, Command::Bookmark);
    command(&mut b, &mut store_b, Command::NextSection);
    command(&mut b, &mut store_b, Command::NextSection);
    command(&mut b, &mut store_b, Command::Bookmark);
    let (store, _) = Store::open(Some(config.path().to_path_buf()));
    let titles: Vec<_> = store
        .state()
        .bookmarks
        .values()
        .map(|b| b.section_title.clone())
        .collect();
    assert_eq!(titles.len(), 2, "{titles:?}");
    assert!(titles.contains(&"Alpha".to_string()) && titles.contains(&"Beta".to_string()));
}

#[test]
fn config_round_trip_through_the_config_dir() {
    let config = tempfile::tempdir().expect("tempdir");
    let (defaults, warnings) = blatt::config::load(Some(config.path()));
    assert!(warnings.is_empty());
    assert_eq!(defaults, blatt::config::Config::default());
    fs::write(
        config.path().join(blatt::config::FILE_NAME),
        "max_width = 64\njustify = true\nmouse = false\nbogus = 1\n[keys]\nnext_section = [\"n\"]\n",
    )
    .expect("write");
    let (loaded, warnings) = blatt::config::load(Some(config.path()));
    assert_eq!(loaded.max_width, 64);
    assert!(loaded.justify && !loaded.mouse);
    assert_eq!(loaded.keys["next_section"], ["n"]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("bogus"));
}
