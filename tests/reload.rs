//! Live reload with real files and the real watcher: a library in a temp dir, the watcher
//! on what the state shows, and each change it reports carried through `update` and the
//! effects as the run loop carries them (reading the article or INDEX.md again). Edits in
//! place, saves by rename, deletion and recreation, a burst of writes, and `R`.
//!
//! Nothing here waits a fixed time: each step waits for the watcher to report, with a hang
//! guard, and "nothing more" is shown by a later change to another file arriving first.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use blatt::app::{Action, Command, Effect, Keymap, Screen, Settings, State, update};
use blatt::library::load_library;
use blatt::runtime::watch::{QUIET, Watcher};
use blatt::runtime::workers::{Outbox, Sent, Source};
use blatt::runtime::{check_entries, load};

/// Longer than anything that must happen takes, even on a busy machine: only a hang
/// reaches it.
const HANG_GUARD: Duration = Duration::from_secs(60);

/// A library folder, the state showing it and the watcher on what the state shows.
struct Live {
    _dir: tempfile::TempDir,
    root: PathBuf,
    inbox: Receiver<Sent>,
    watcher: Watcher,
    state: State,
}

/// A long article: sections of different paragraphs that wrap, `top` before them.
fn article(top: &str) -> String {
    let mut text = format!("# Artikel\n\n{top}");
    for s in 1..=6 {
        text.push_str(&format!("## Abschnitt {s}\n\n"));
        for p in 0..8 {
            text.push_str(&format!(
                "Absatz {p} von Abschnitt {s}, mit genug Wörtern, um über mehr als eine Zeile zu gehen.\n\n"
            ));
        }
    }
    text
}

impl Live {
    /// A library of `articles` (name, text) with an INDEX.md listing them; the first one
    /// is opened and the watcher started.
    fn new(articles: &[(&str, &str)]) -> Live {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = fs::canonicalize(dir.path()).expect("canonical");
        let mut index = String::from("# Nachrichten\n\n");
        for (name, text) in articles {
            fs::write(root.join(name), text).expect("write an article");
            index.push_str(&format!("- [{name}]({name}) — about {name}\n"));
        }
        fs::write(root.join("INDEX.md"), index).expect("write INDEX.md");
        let library = load_library(&root).expect("the library");
        let mut state = State::new(library, Settings::default(), Keymap::default());
        update(&mut state, Action::Resize(80, 24));
        let (sender, inbox) = channel();
        let watcher = Watcher::start(Outbox::new(sender, Source::Watch, None), QUIET)
            .expect("the watcher starts");
        let mut live = Live {
            _dir: dir,
            root,
            inbox,
            watcher,
            state,
        };
        live.command(Command::Open);
        assert_eq!(live.state.screen, Screen::Reader);
        live
    }

    fn path(&self, name: &str) -> PathBuf {
        self.root.join(name)
    }

    /// Watches what the state shows, as the run loop does after every turn.
    fn follow(&mut self) {
        let files = blatt::app::reload::watched(&self.state);
        let problems = self.watcher.watch(&files);
        assert!(problems.is_empty(), "{problems:?}");
    }

    fn command(&mut self, command: Command) {
        let effects = update(&mut self.state, Action::Command(command));
        self.perform(effects);
    }

    /// Carries out effects as the run loop does (what it does in the background, here at
    /// once), then watches what the state shows.
    fn perform(&mut self, effects: Vec<Effect>) -> Vec<Effect> {
        let mut queue: std::collections::VecDeque<Effect> = effects.into();
        let mut done = Vec::new();
        while let Some(effect) = queue.pop_front() {
            let action = match &effect {
                Effect::Load { entry } => Some(Action::Loaded {
                    entry: *entry,
                    result: load(&self.state, *entry, 1 << 30),
                }),
                Effect::ReloadArticle { entry } => Some(Action::Reloaded {
                    entry: *entry,
                    key: self.state.reader.as_ref().expect("a reader").key.clone(),
                    result: load(&self.state, *entry, 1 << 30),
                }),
                Effect::ReloadIndex => Some(Action::IndexReloaded {
                    result: load_library(&self.root)
                        .map(blatt::app::reload::ReadAgain::new)
                        .map_err(|e| e.to_string()),
                }),
                Effect::UpdateIndex { dir } => Some(Action::IndexUpdated {
                    result: blatt::headless::update_index(dir, false, "2026-12-01")
                        .map(|done| blatt::app::reload::IndexUpdate {
                            created: done.created,
                            changes: done.changes,
                            written: done.written,
                            problems: done.problems,
                        })
                        .map_err(|e| format!("{e:#}")),
                }),
                Effect::Check { entries } => Some(check_entries(&self.state, entries)),
                _ => None,
            };
            if let Some(action) = action {
                queue.extend(update(&mut self.state, action));
            }
            done.push(effect);
        }
        self.follow();
        done
    }

    /// Waits for the watcher's next report (a hang fails the test).
    fn next_report(&self) -> (PathBuf, bool) {
        let sent = self
            .inbox
            .recv_timeout(HANG_GUARD)
            .unwrap_or_else(|_| panic!("the watcher reported nothing within {HANG_GUARD:?}"));
        match sent.action {
            Action::FileChanged { path, gone } => (path, gone),
            other => panic!("the watcher sent {other:?}"),
        }
    }

    /// Waits for the next report, which must be about `name`, and takes it in as the run
    /// loop does. Returns the effects carried out.
    fn take_report(&mut self, name: &str, gone: bool) -> Vec<Effect> {
        let (path, was_gone) = self.next_report();
        assert_eq!(
            (path.as_path(), was_gone),
            (self.path(name).as_path(), gone)
        );
        let effects = update(&mut self.state, Action::FileChanged { path, gone });
        self.perform(effects)
    }

    /// Shows that the watcher has nothing more to say about what happened so far: a
    /// change to INDEX.md made now must be the next report.
    fn nothing_more(&mut self) {
        let index = self.path("INDEX.md");
        let mut text = fs::read_to_string(&index).expect("read INDEX.md");
        text.push_str("\n<!-- touched -->\n");
        fs::write(&index, text).expect("write INDEX.md");
        let (path, gone) = self.next_report();
        assert_eq!(
            (path.as_path(), gone),
            (index.as_path(), false),
            "a report before the one for INDEX.md"
        );
        let effects = update(&mut self.state, Action::FileChanged { path, gone });
        self.perform(effects);
    }

    fn top_text(&self) -> String {
        let reader = self.state.reader.as_ref().expect("a reader");
        let (block, offset) = reader.view().expect("layout").content_at(reader.top);
        reader.doc.block(block).text[offset..]
            .chars()
            .take(40)
            .collect()
    }

    fn shown_text(&self) -> String {
        let reader = self.state.reader.as_ref().expect("a reader");
        (0..reader.doc.block_count())
            .map(|i| reader.doc.block(i).text.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Writes a file in place, as `>` does: truncated, then written.
fn write_in_place(path: &Path, text: &str) {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .expect("open");
    file.write_all(text.as_bytes()).expect("write");
}

#[test]
fn an_article_edited_in_place_is_read_again_with_the_top_line_kept() {
    let mut live = Live::new(&[("eins.md", &article(""))]);
    for _ in 0..3 {
        live.command(Command::NextSection);
    }
    live.command(Command::PageDown);
    let top = live.top_text();
    let edited =
        article("Ein neuer erster Absatz, oben eingefügt.\n\n## Neu\n\nNoch mehr Text.\n\n");
    write_in_place(&live.path("eins.md"), &edited);
    let effects = live.take_report("eins.md", false);
    assert!(effects.contains(&Effect::ReloadArticle { entry: 0 }));
    assert!(live.shown_text().contains("Ein neuer erster Absatz"));
    assert_eq!(live.top_text(), top);
    live.nothing_more();
}

#[test]
fn an_article_saved_by_rename_is_read_again_and_never_reported_gone() {
    let mut live = Live::new(&[("eins.md", &article(""))]);
    live.command(Command::NextSection);
    let top = live.top_text();
    // As many editors save: a new file written beside it, renamed over it.
    let temp = live.path(".eins.md.swp");
    fs::write(&temp, article("Gespeichert durch Umbenennen.\n\n")).expect("write");
    fs::rename(&temp, live.path("eins.md")).expect("rename");
    live.take_report("eins.md", false);
    assert!(live.shown_text().contains("Gespeichert durch Umbenennen"));
    assert_eq!(live.top_text(), top);
    // As vim saves with a backup: the old file moved aside, a new one written, the backup
    // removed. For a moment there is no eins.md.
    let backup = live.path("eins.md~");
    fs::rename(live.path("eins.md"), &backup).expect("rename");
    fs::write(live.path("eins.md"), article("Wie vim speichert.\n\n")).expect("write");
    fs::remove_file(&backup).expect("remove");
    live.take_report("eins.md", false);
    assert!(live.shown_text().contains("Wie vim speichert"));
    assert_eq!(live.top_text(), top);
    assert_eq!(live.state.message(), None, "no problem shown");
    live.nothing_more();
}

#[test]
fn a_deleted_article_stays_on_screen_with_a_message_and_comes_back_when_recreated() {
    let mut live = Live::new(&[("eins.md", &article(""))]);
    live.command(Command::NextSection);
    let shown = live.shown_text();
    fs::remove_file(live.path("eins.md")).expect("remove");
    let effects = live.take_report("eins.md", true);
    assert!(effects.is_empty(), "nothing is read: {effects:?}");
    let message = live.state.message().expect("a message");
    assert!(
        message
            .lines
            .contains(&"the file was deleted; what is shown stays".to_string()),
        "{:?}",
        message.lines
    );
    assert_eq!(live.shown_text(), shown);
    live.state.mode = blatt::app::Mode::Normal;
    fs::write(live.path("eins.md"), article("Wieder da.\n\n")).expect("write");
    live.take_report("eins.md", false);
    assert!(live.shown_text().contains("Wieder da"));
    live.nothing_more();
}

#[test]
fn a_burst_of_a_hundred_writes_is_one_reload_of_the_whole_text() {
    let mut live = Live::new(&[("eins.md", "# Artikel\n\nDer Anfang.\n\n")]);
    let path = live.path("eins.md");
    // A file written in pieces while blatt watches: ten pieces at a time, with pauses
    // longer than the debouncer holds an event (so it passes each piece on) but shorter
    // than the quiet period; two seconds in all.
    let writer = std::thread::spawn(move || {
        let mut file = fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .expect("open");
        for i in 0..100 {
            write!(file, "Absatz {i}, in Stücken geschrieben.\n\n").expect("write");
            file.flush().expect("flush");
            let pause = if i % 10 == 9 { 150 } else { 10 };
            std::thread::sleep(Duration::from_millis(pause));
        }
    });
    // Read again as soon as it is reported: a report before the last piece would show an
    // incomplete text.
    let effects = live.take_report("eins.md", false);
    writer.join().expect("the writer ends");
    assert_eq!(
        effects
            .iter()
            .filter(|e| matches!(e, Effect::ReloadArticle { .. }))
            .count(),
        1
    );
    let shown = live.shown_text();
    for i in 0..100 {
        assert!(
            shown.contains(&format!("Absatz {i}, in Stücken")),
            "paragraph {i} is missing: the text was read before it was complete"
        );
    }
    live.nothing_more();
}

#[test]
fn reading_a_file_or_changing_another_one_is_no_change() {
    let mut live = Live::new(&[("eins.md", &article("")), ("zwei.md", &article(""))]);
    for _ in 0..5 {
        fs::read(live.path("eins.md")).expect("read");
    }
    fs::write(live.path("zwei.md"), "changed, but not open").expect("write");
    fs::write(live.path("notes.txt"), "not in the library").expect("write");
    live.nothing_more();
}

#[test]
fn index_md_edited_updates_the_list_and_keeps_the_selection() {
    let mut live = Live::new(&[
        ("eins.md", "# Eins\n\nText."),
        ("zwei.md", "# Zwei\n\nText."),
    ]);
    live.command(Command::Back);
    live.command(Command::Down);
    assert_eq!(live.state.selected, 1);
    fs::write(live.path("neu.md"), "# Neu\n\nText.").expect("write");
    // Saved by rename, as an editor does: a new entry above the selected one.
    let temp = live.path("INDEX.md.tmp");
    fs::write(
        &temp,
        "# Nachrichten\n\n- [neu.md](neu.md) — neu\n- [eins.md](eins.md)\n- [zwei.md](zwei.md)\n",
    )
    .expect("write");
    fs::rename(&temp, live.path("INDEX.md")).expect("rename");
    live.take_report("INDEX.md", false);
    assert_eq!(live.state.library.entries.len(), 3);
    assert_eq!(
        live.state.library.entries[live.state.selected].link,
        "zwei.md"
    );
    let reader = live.state.reader.as_ref().expect("the article stays open");
    assert_eq!(reader.entry, 1, "its entry moved with it");
}

#[test]
fn r_adds_new_articles_to_index_md_and_the_list_shows_them() {
    let mut live = Live::new(&[
        ("eins.md", "# Eins\n\nText."),
        ("zwei.md", "# Zwei\n\nText."),
    ]);
    live.command(Command::Back);
    fs::write(live.path("drei.md"), "# Drei\n\nDer dritte Artikel.").expect("write");
    fs::remove_file(live.path("zwei.md")).expect("remove");
    live.command(Command::UpdateIndex);
    let message = live.state.message().expect("a message").clone();
    assert_eq!(message.title, "INDEX.md updated");
    assert_eq!(
        message.lines,
        ["1 added:", "  drei.md", "1 marked missing:", "  zwei.md"]
    );
    let titles: Vec<&str> = live
        .state
        .library
        .entries
        .iter()
        .map(|e| e.title.as_str())
        .collect();
    assert_eq!(titles, ["eins.md", "zwei.md", "Drei"]);
    let index = fs::read_to_string(live.path("INDEX.md")).expect("read");
    assert!(index.contains("~~[zwei.md](zwei.md)~~ (missing since 2026-12-01)"));
    // The watcher sees the write too (the run loop then finds INDEX.md as it read it).
    live.take_report("INDEX.md", false);
    assert_eq!(live.state.library.entries.len(), 3);
}

#[test]
fn r_that_cannot_update_index_md_says_why_and_changes_nothing() {
    let mut live = Live::new(&[("eins.md", "# Eins\n\nText.")]);
    live.command(Command::Back);
    fs::write(live.path("zwei.md"), "# Zwei\n\nText.").expect("write");
    // blatt reads an INDEX.md that is not UTF-8 (the bad byte replaced), but edits only one
    // that is: rewriting it would change bytes it cannot show.
    let mut before = fs::read(live.path("INDEX.md")).expect("read");
    before.extend_from_slice(b"\n<!-- \xff -->\n");
    fs::write(live.path("INDEX.md"), &before).expect("write");
    live.command(Command::UpdateIndex);
    let message = live.state.message().expect("a message");
    assert_eq!(message.title, "Cannot update INDEX.md");
    assert!(
        message.lines[0].contains("is not UTF-8"),
        "{:?}",
        message.lines
    );
    assert_eq!(fs::read(live.path("INDEX.md")).expect("read"), before);
}
