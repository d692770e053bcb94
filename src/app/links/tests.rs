//! Following links as `update` sees it, on the fixture library in tests/fixtures/links:
//! hints and where they are drawn, each kind of target, the back stack, the question
//! before a web address, the list of links.

use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::super::*;
use super::Hint;

fn press(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new_with_kind(
        code,
        KeyModifiers::NONE,
        KeyEventKind::Press,
    ))
}

fn key(state: &mut State, c: char) -> Vec<Effect> {
    update(state, press(KeyCode::Char(c)))
}

/// Carries out loads and checks as the runtime does.
fn settle(state: &mut State, effects: Vec<Effect>) -> Vec<Effect> {
    let mut queue: std::collections::VecDeque<Effect> = effects.into();
    let mut rest = Vec::new();
    while let Some(effect) = queue.pop_front() {
        match effect {
            Effect::Load { entry } => {
                let result = crate::runtime::load(state, entry, 1 << 30);
                queue.extend(update(state, Action::Loaded { entry, result }));
            }
            Effect::Check { entries } => {
                let checked = crate::runtime::check_entries(state, &entries);
                queue.extend(update(state, checked));
            }
            other => rest.push(other),
        }
    }
    rest
}

/// The fixture library with its first article open at 80x24.
fn opened(settings: Settings) -> State {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/links");
    let library = crate::library::load_library(&path).expect("the fixture library");
    let mut state = State::new(library, settings, Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    let effects = update(&mut state, press(KeyCode::Enter));
    settle(&mut state, effects);
    assert_eq!(state.screen, Screen::Reader);
    state
}

fn hints(state: &State) -> Vec<Hint> {
    match &state.mode {
        Mode::Hints(h) => h.items.clone(),
        other => panic!("no hints: {other:?}"),
    }
}

fn reader(state: &State) -> &Reader {
    state.reader.as_ref().expect("a reader")
}

/// The text at the top of the screen.
fn top(state: &State) -> String {
    let r = reader(state);
    let (block, offset) = r.view().expect("layout").content_at(r.top);
    r.doc.block(block).text[offset..].to_string()
}

/// The label of the hint on the link whose text starts with `text`.
fn label(state: &State, text: &str) -> String {
    let r = reader(state);
    hints(state)
        .into_iter()
        .find(|h| r.doc.block(h.block).text[h.offset..].starts_with(text))
        .unwrap_or_else(|| panic!("no hint on {text:?}"))
        .label
}

fn follow(state: &mut State, text: &str) -> Vec<Effect> {
    key(state, 'f');
    let label = label(state, text);
    let mut effects = Vec::new();
    for c in label.chars() {
        effects.extend(key(state, c));
    }
    effects
}

fn message(state: &State) -> String {
    match &state.mode {
        Mode::Message(m) => format!("{}: {}", m.title, m.lines.join(" | ")),
        other => panic!("no message: {other:?}"),
    }
}

#[test]
fn hints_sit_where_each_link_is_drawn() {
    let mut state = opened(Settings::default());
    key(&mut state, 'f');
    let items = hints(&state);
    assert_eq!(items.len(), 9, "eight links and a footnote mark");
    let labels: Vec<&str> = items.iter().map(|h| h.label.as_str()).collect();
    assert_eq!(labels, ["a", "s", "d", "f", "g", "h", "j", "k", "l"]);
    let r = reader(&state);
    let layout = r.view().expect("layout");
    let visible = r.visible();
    for hint in &items {
        let line: String = layout
            .segments(&r.doc, visible[hint.row])
            .iter()
            .map(|s| s.text.to_string())
            .collect();
        // The cells before the hint are the line's text before the link.
        let link_text = &r.doc.block(hint.block).text[hint.offset..];
        let before: String = {
            let mut width = 0;
            line.chars()
                .take_while(|c| {
                    width += crate::layout::text_width(&c.to_string());
                    width <= hint.column
                })
                .collect()
        };
        let rest = &line[before.len()..];
        let word = rest.split(' ').next().unwrap_or_default();
        assert!(
            !word.is_empty() && link_text.starts_with(word),
            "hint {} at column {} of {line:?}: {rest:?} is not the link {link_text:?}",
            hint.label,
            hint.column
        );
    }
    // A letter no hint has closes them with a word; Esc too.
    key(&mut state, 'z');
    assert_eq!(state.mode, Mode::Normal);
    assert!(
        state
            .flash
            .as_deref()
            .is_some_and(|f| f.contains("no link"))
    );
    key(&mut state, 'f');
    update(&mut state, press(KeyCode::Esc));
    assert_eq!(state.mode, Mode::Normal);
    assert_eq!(state.screen, Screen::Reader, "Esc only closed the hints");
}

#[test]
fn a_section_link_moves_there_and_back_returns_exactly() {
    let mut state = opened(Settings::default());
    let before = reader(&state).top;
    follow(&mut state, "my notes");
    assert_eq!(top(&state), "Notes");
    update(&mut state, press(KeyCode::Backspace));
    assert_eq!(reader(&state).top, before);
    assert_eq!(state.screen, Screen::Reader);
    // The footnote mark goes to the note, back to the mark.
    follow(&mut state, "¹");
    assert_eq!(top(&state), "The source of the claim.");
    key(&mut state, 'q');
    assert_eq!(reader(&state).top, before);
    // With nothing to go back to, back leaves the article.
    key(&mut state, 'q');
    assert_eq!(state.screen, Screen::Library);
}

#[test]
fn a_link_to_another_article_opens_it_at_the_section_and_back_returns() {
    let mut state = opened(Settings::default());
    let here = reader(&state).key.clone();
    let before = reader(&state).anchor();
    let effects = follow(&mut state, "the other article");
    let rest = settle(&mut state, effects);
    assert!(
        rest.iter().all(|e| matches!(e, Effect::Store(_))),
        "{rest:?}"
    );
    assert_eq!(reader(&state).entry, 1);
    assert_eq!(top(&state), "Part two");
    // Back opens the first article again, at the place the link was followed from.
    let effects = update(&mut state, press(KeyCode::Esc));
    settle(&mut state, effects);
    assert_eq!(reader(&state).key, here);
    assert_eq!(reader(&state).anchor(), before, "back at the link, exactly");
}

#[test]
fn links_that_cannot_be_followed_say_why_and_do_nothing_else() {
    for (text, says) in [
        ("script", "only http, https and mailto"),
        ("outside", "outside the library"),
        ("unlisted", "does not list it"),
        ("a broken place", "#notes"),
    ] {
        let mut state = opened(Settings::default());
        let top_before = reader(&state).top;
        let effects = follow(&mut state, text);
        assert!(
            effects.iter().all(|e| matches!(e, Effect::Store(_))),
            "{text}: {effects:?}"
        );
        let shown = message(&state);
        assert!(shown.contains(says), "{text}: {shown}");
        assert_eq!(reader(&state).top, top_before, "{text}");
        assert!(state.back.is_empty(), "{text}");
    }
}

#[test]
fn a_web_address_is_opened_only_after_yes() {
    let mut state = opened(Settings::default());
    follow(&mut state, "web");
    let Mode::Confirm(confirm) = &state.mode else {
        panic!("no question: {:?}", state.mode);
    };
    assert_eq!(confirm.url, "https://example.org/page?q=1");
    let effects = key(&mut state, 'n');
    assert!(effects.is_empty());
    assert_eq!(state.mode, Mode::Normal);
    follow(&mut state, "web");
    let effects = update(&mut state, press(KeyCode::Enter));
    assert_eq!(
        effects,
        [Effect::OpenUrl("https://example.org/page?q=1".to_string())]
    );
    follow(&mut state, "mail");
    assert_eq!(
        key(&mut state, 'y'),
        [Effect::OpenUrl("mailto:me@example.org".to_string())]
    );
    // Copying is off unless the configuration turns it on.
    follow(&mut state, "web");
    assert!(key(&mut state, 'c').is_empty());
    let mut state = opened(Settings {
        osc52: true,
        ..Settings::default()
    });
    follow(&mut state, "web");
    assert_eq!(
        key(&mut state, 'c'),
        [Effect::CopyUrl("https://example.org/page?q=1".to_string())]
    );
}

#[test]
fn the_list_of_links_follows_the_selected_one() {
    let mut state = opened(Settings::default());
    key(&mut state, 'F');
    assert_eq!(
        state.overlay,
        Some(Overlay::Links {
            selected: 0,
            offset: 0
        })
    );
    assert_eq!(state.links.len(), 9);
    assert_eq!(state.links[1].text, "my notes");
    key(&mut state, 'j');
    update(&mut state, press(KeyCode::Enter));
    assert_eq!(state.overlay, None);
    assert_eq!(top(&state), "Notes");
}
