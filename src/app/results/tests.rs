//! The library-wide search as `update` sees it: the prompt, the worker's reports (fed in
//! here as the worker would send them, with hits the real matcher found in the real
//! article), the list, opening a hit with the search on, and back.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::super::*;
use super::{PER_ARTICLE, Phase, ResultRow, SearchEvent};
use crate::library::bundled_library;
use crate::search::library::hits_in;

fn press(code: KeyCode) -> Action {
    Action::Key(KeyEvent::new_with_kind(
        code,
        KeyModifiers::NONE,
        KeyEventKind::Press,
    ))
}

fn type_text(state: &mut State, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(update(state, press(KeyCode::Char(c))));
    }
    effects
}

fn library_state() -> State {
    let mut state = State::new(bundled_library(), Settings::default(), Keymap::default());
    update(&mut state, Action::Resize(80, 24));
    state
}

/// The bundled library with its seed open in the reader.
fn seed_in_reader() -> State {
    let mut state = library_state();
    update(&mut state, press(KeyCode::Enter));
    seed_loaded(&mut state);
    state
}

fn seed(state: &State) -> Arc<Document> {
    Arc::new(crate::runtime::read_entry(&state.library.entries[0], u64::MAX).expect("the seed"))
}

/// The seed, asked for, arrives (as the loader sends it).
fn seed_loaded(state: &mut State) {
    let doc = seed(state);
    update(
        state,
        Action::Loaded {
            entry: 0,
            result: Ok(doc),
        },
    );
}

fn job(effects: &[Effect]) -> &LibrarySearchJob {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::SearchLibrary(job) => Some(&**job),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no library search in {effects:?}"))
}

type LibrarySearchJob = super::LibrarySearch;

/// Runs the search of `job` over the seed the way the worker does, and feeds its reports.
fn run_worker(state: &mut State, job: &LibrarySearchJob) -> usize {
    let doc = seed(state);
    let hits = hits_in(&doc, &job.query, 0);
    let count = hits.len();
    let id = job.id;
    let mut report = |event| update(state, Action::SearchedAll { search: id, event });
    report(SearchEvent::Searching { done: 0, total: 1 });
    report(SearchEvent::Article {
        entry: 0,
        count,
        hits: hits.into_iter().take(PER_ARTICLE).collect(),
    });
    report(SearchEvent::Done);
    count
}

/// Where the search in the open article is: the current match's block and offset, and
/// its number among the article's matches.
fn current_match(state: &State) -> (usize, usize, Option<usize>) {
    let find = state
        .reader
        .as_ref()
        .and_then(|r| r.find.as_ref())
        .expect("the search is on");
    let current = find.current.expect("at a match");
    (
        current.start.block,
        current.start.offset,
        find.current_index(),
    )
}

fn results(state: &State) -> &super::Results {
    state.search_all.results.as_ref().expect("results")
}

fn typing(state: &State) -> Option<(Prompt, String)> {
    match &state.mode {
        Mode::Typing(t) => Some((t.prompt, t.text().to_string())),
        _ => None,
    }
}

#[test]
fn s_searches_every_article_and_the_results_stream_in_grouped() {
    let mut state = library_state();
    update(&mut state, press(KeyCode::Char('S')));
    assert_eq!(typing(&state), Some((Prompt::SearchAll, String::new())));
    assert!(
        type_text(&mut state, "tiktok").is_empty(),
        "nothing runs while typing"
    );
    let effects = update(&mut state, press(KeyCode::Enter));
    let job = job(&effects).clone();
    assert_eq!(job.text, "tiktok");
    assert!(!job.regex);
    assert_eq!(
        state.overlay,
        Some(Overlay::Results {
            selected: 0,
            offset: 0
        })
    );
    assert_eq!(state.context(), Context::Results);
    assert!(results(&state).running());
    assert!(results(&state).summary().contains("starting"));

    let count = run_worker(&mut state, &job);
    assert!(count >= 2, "the seed names TikTok more than once: {count}");
    let r = results(&state);
    assert_eq!(r.phase, Phase::Done);
    assert_eq!(r.matches, count);
    assert_eq!(r.rows[0], ResultRow::Article(0));
    assert_eq!(r.rows[1], ResultRow::Hit(0, 0));
    assert_eq!(r.rows.len(), 1 + count.min(PER_ARTICLE));
    assert!(
        r.groups[0]
            .hits
            .iter()
            .all(|h| h.snippet[h.matched.clone()].eq_ignore_ascii_case("tiktok")),
        "{:?}",
        r.groups[0].hits
    );
    assert!(
        r.summary()
            .contains(&format!("{count} matches in 1 article")),
        "{}",
        r.summary()
    );
}

#[test]
fn a_hit_opens_its_article_there_with_n_going_on_and_back_returns_to_the_list() {
    let mut state = library_state();
    update(&mut state, press(KeyCode::Char('S')));
    type_text(&mut state, "tiktok");
    let effects = update(&mut state, press(KeyCode::Enter));
    let job = job(&effects).clone();
    let count = run_worker(&mut state, &job);
    // The second hit.
    update(&mut state, press(KeyCode::Char('j')));
    update(&mut state, press(KeyCode::Char('j')));
    assert_eq!(
        state.overlay,
        Some(Overlay::Results {
            selected: 2,
            offset: 0
        })
    );
    let hit = results(&state).groups[0].hits[1].clone();
    let effects = update(&mut state, press(KeyCode::Enter));
    assert_eq!(effects, [Effect::Load { entry: 0 }]);
    seed_loaded(&mut state);
    assert_eq!(state.screen, Screen::Reader);
    assert_eq!(state.overlay, None);
    let reader = state.reader.as_ref().expect("a reader");
    let find = reader
        .find
        .as_ref()
        .expect("the search is on in the article");
    let current = find.current.expect("at a match");
    assert_eq!(
        (current.start.block, current.start.offset),
        (hit.block, hit.offset)
    );
    assert_eq!(find.hits.len(), count);
    let status = find.status(reader).expect("a status");
    assert!(status.starts_with(&format!("match 2/{count}")), "{status}");
    // The match is on screen.
    let layout = reader.view().expect("laid out");
    assert!(layout.content_at(reader.top).0 <= hit.block);

    update(&mut state, press(KeyCode::Char('n')));
    let find = state
        .reader
        .as_ref()
        .and_then(|r| r.find.as_ref())
        .expect("search");
    assert_eq!(
        find.current_index(),
        Some(2),
        "n goes on to the third match"
    );

    update(&mut state, press(KeyCode::Char('q')));
    assert_eq!(state.screen, Screen::Library);
    assert_eq!(
        state.overlay,
        Some(Overlay::Results {
            selected: 2,
            offset: 0
        }),
        "back from the article, the list shows again where it was"
    );
    // Esc closes the finished list.
    update(&mut state, press(KeyCode::Esc));
    assert_eq!(state.overlay, None);
}

#[test]
fn esc_stops_a_running_search_keeping_what_was_found_then_closes() {
    let mut state = library_state();
    update(&mut state, press(KeyCode::Char('S')));
    type_text(&mut state, "zoom");
    let effects = update(&mut state, press(KeyCode::Enter));
    let id = job(&effects).id;
    let hits = hits_in(&seed(&state), &job(&effects).query, 0);
    update(
        &mut state,
        Action::SearchedAll {
            search: id,
            event: SearchEvent::Article {
                entry: 0,
                count: hits.len(),
                hits,
            },
        },
    );
    let effects = update(&mut state, press(KeyCode::Esc));
    assert_eq!(effects, [Effect::StopSearchLibrary]);
    assert_eq!(results(&state).phase, Phase::Stopped);
    assert!(
        state.overlay.is_some(),
        "the list stays with what was found"
    );
    assert!(!results(&state).rows.is_empty());
    // The worker's last words do not make it look finished.
    update(
        &mut state,
        Action::SearchedAll {
            search: id,
            event: SearchEvent::Done,
        },
    );
    assert_eq!(results(&state).phase, Phase::Stopped);
    assert!(results(&state).summary().contains("stopped"));
    let effects = update(&mut state, press(KeyCode::Esc));
    assert!(effects.is_empty());
    assert_eq!(state.overlay, None);
}

#[test]
fn reports_of_an_older_search_are_dropped() {
    let mut state = library_state();
    update(&mut state, press(KeyCode::Char('S')));
    type_text(&mut state, "zoom");
    let first = job(&update(&mut state, press(KeyCode::Enter))).id;
    update(&mut state, press(KeyCode::Char('S')));
    assert_eq!(
        typing(&state),
        Some((Prompt::SearchAll, "zoom".to_string())),
        "S again offers the last query"
    );
    update(&mut state, press(KeyCode::Backspace));
    let effects = update(&mut state, press(KeyCode::Enter));
    assert!(
        effects.contains(&Effect::StopSearchLibrary),
        "the running search stops: {effects:?}"
    );
    let second = job(&effects).id;
    assert_ne!(first, second);
    update(
        &mut state,
        Action::SearchedAll {
            search: first,
            event: SearchEvent::Article {
                entry: 0,
                count: 3,
                hits: Vec::new(),
            },
        },
    );
    assert_eq!(results(&state).matches, 0);
    assert_eq!(results(&state).text, "zoo");
}

#[test]
fn tab_switches_the_scope_keeping_the_text() {
    let mut state = library_state();
    // From the library's filter to every article and back.
    update(&mut state, press(KeyCode::Char('/')));
    type_text(&mut state, "zoom");
    assert!(state.filter.order().is_some());
    update(&mut state, press(KeyCode::Tab));
    assert_eq!(
        typing(&state),
        Some((Prompt::SearchAll, "zoom".to_string()))
    );
    assert!(state.filter.order().is_none(), "the filter is closed");
    update(&mut state, press(KeyCode::Tab));
    assert_eq!(typing(&state), Some((Prompt::Filter, "zoom".to_string())));
    assert_eq!(state.filter.order().map(<[usize]>::len), Some(1));

    // From the article's search to every article and back.
    update(&mut state, press(KeyCode::Esc));
    update(&mut state, press(KeyCode::Enter));
    seed_loaded(&mut state);
    let top = state.reader.as_ref().expect("reader").top;
    update(&mut state, press(KeyCode::Char('/')));
    type_text(&mut state, "TikTok");
    assert_ne!(
        state.reader.as_ref().expect("reader").top,
        top,
        "the view moved to a match"
    );
    update(&mut state, press(KeyCode::Tab));
    assert_eq!(
        typing(&state),
        Some((Prompt::SearchAll, "TikTok".to_string()))
    );
    assert_eq!(
        state.reader.as_ref().expect("reader").top,
        top,
        "the article's search was cancelled: the view is back"
    );
    update(&mut state, press(KeyCode::Tab));
    assert_eq!(typing(&state), Some((Prompt::Search, "TikTok".to_string())));
    let find = state
        .reader
        .as_ref()
        .and_then(|r| r.find.as_ref())
        .expect("search");
    assert!(!find.hits.is_empty(), "searched again in the article");
    // Enter there runs the search in the article, not the library.
    let effects = update(&mut state, press(KeyCode::Enter));
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::SearchLibrary(_)))
    );
}

#[test]
fn s_in_the_reader_offers_the_articles_search() {
    let mut state = seed_in_reader();
    update(&mut state, press(KeyCode::Char('/')));
    type_text(&mut state, "Zoom");
    update(&mut state, press(KeyCode::Enter));
    update(&mut state, press(KeyCode::Char('S')));
    assert_eq!(
        typing(&state),
        Some((Prompt::SearchAll, "Zoom".to_string()))
    );
    let effects = update(&mut state, press(KeyCode::Enter));
    assert_eq!(job(&effects).text, "Zoom");
    assert_eq!(
        state.screen,
        Screen::Library,
        "the results show over the library"
    );
}

#[test]
fn an_invalid_pattern_keeps_the_prompt_with_its_message() {
    let mut state = library_state();
    update(&mut state, press(KeyCode::Char('S')));
    type_text(&mut state, "\\v(unclosed");
    let effects = update(&mut state, press(KeyCode::Enter));
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        typing(&state).map(|t| t.0),
        Some(Prompt::SearchAll),
        "the prompt stays open"
    );
    assert!(state.search_all.error.is_some());
    assert!(state.search_all.results.is_none());
    // Typing on clears it; Ctrl-R makes the prompt read a regular expression.
    update(&mut state, press(KeyCode::Char(')')));
    assert!(state.search_all.error.is_none());
    update(
        &mut state,
        Action::Key(KeyEvent::new_with_kind(
            KeyCode::Char('r'),
            KeyModifiers::CONTROL,
            KeyEventKind::Press,
        )),
    );
    assert!(state.search_all.regex);
    // An empty query closes the prompt and searches nothing.
    let mut state = library_state();
    update(&mut state, press(KeyCode::Char('S')));
    let effects = update(&mut state, press(KeyCode::Enter));
    assert!(effects.is_empty());
    assert_eq!(state.mode, Mode::Normal);
}

#[test]
fn an_article_with_many_matches_lists_the_first_and_counts_all() {
    let mut state = library_state();
    update(&mut state, press(KeyCode::Char('S')));
    type_text(&mut state, "die");
    let effects = update(&mut state, press(KeyCode::Enter));
    let job = job(&effects).clone();
    let count = run_worker(&mut state, &job);
    assert!(count > PER_ARTICLE, "the seed has many: {count}");
    let r = results(&state);
    assert_eq!(r.groups[0].count, count);
    assert_eq!(r.groups[0].hits.len(), PER_ARTICLE);
    assert_eq!(r.rows.last(), Some(&ResultRow::More(0)));
    let last_listed = r.groups[0].hits[PER_ARTICLE - 1].clone();
    // The "more" row opens at the last hit listed.
    update(&mut state, press(KeyCode::Char('G')));
    update(&mut state, press(KeyCode::Enter));
    seed_loaded(&mut state);
    assert_eq!(
        current_match(&state),
        (last_listed.block, last_listed.offset, Some(PER_ARTICLE - 1))
    );
}

#[test]
fn the_list_started_in_the_reader_closes_back_to_the_article() {
    let mut state = seed_in_reader();
    update(&mut state, press(KeyCode::Char('G')));
    let top = state.reader.as_ref().expect("a reader").top;
    update(&mut state, press(KeyCode::Char('S')));
    type_text(&mut state, "tiktok");
    let effects = update(&mut state, press(KeyCode::Enter));
    let search = job(&effects).clone();
    run_worker(&mut state, &search);
    assert_eq!(
        state.screen,
        Screen::Library,
        "the list shows over the library"
    );
    // Closed: back in the article, where it was.
    let effects = update(&mut state, press(KeyCode::Esc));
    assert!(effects.is_empty(), "nothing to load: {effects:?}");
    assert_eq!(state.overlay, None);
    assert_eq!(state.screen, Screen::Reader);
    assert_eq!(state.reader.as_ref().map(|r| r.top), Some(top));
    // Started in the library, the list closes to the library.
    update(&mut state, press(KeyCode::Char('q')));
    assert_eq!(state.screen, Screen::Library);
    update(&mut state, press(KeyCode::Char('S')));
    let effects = update(&mut state, press(KeyCode::Enter));
    let search = job(&effects).clone();
    run_worker(&mut state, &search);
    update(&mut state, press(KeyCode::Esc));
    assert_eq!(state.overlay, None);
    assert_eq!(state.screen, Screen::Library);
}

#[test]
fn every_listed_hit_opens_at_its_own_match_also_beside_another_in_its_paragraph() {
    let searched = || {
        let mut state = library_state();
        update(&mut state, press(KeyCode::Char('S')));
        type_text(&mut state, "die");
        let effects = update(&mut state, press(KeyCode::Enter));
        let job = job(&effects).clone();
        run_worker(&mut state, &job);
        state
    };
    let hits = results(&searched()).groups[0].hits.clone();
    assert!(
        hits.windows(2).any(|w| w[0].block == w[1].block),
        "the seed has two listed matches in one paragraph"
    );
    for (i, hit) in hits.iter().enumerate() {
        let mut state = searched();
        // Row 0 is the article; its hits follow.
        for _ in 0..=i {
            update(&mut state, press(KeyCode::Char('j')));
        }
        update(&mut state, press(KeyCode::Enter));
        seed_loaded(&mut state);
        assert_eq!(
            current_match(&state),
            (hit.block, hit.offset, Some(i)),
            "hit {i}"
        );
    }
}

#[test]
fn with_one_article_back_from_a_hit_is_the_list_then_the_article_then_out() {
    // `blatt FILE`: the article is all there is; the list still comes back.
    let mut state = seed_in_reader();
    state.single = true;
    update(&mut state, press(KeyCode::Char('S')));
    type_text(&mut state, "tiktok");
    let effects = update(&mut state, press(KeyCode::Enter));
    let search = job(&effects).clone();
    run_worker(&mut state, &search);
    update(&mut state, press(KeyCode::Char('j')));
    update(&mut state, press(KeyCode::Char('j')));
    update(&mut state, press(KeyCode::Enter));
    seed_loaded(&mut state);
    assert_eq!(state.screen, Screen::Reader);
    update(&mut state, press(KeyCode::Char('q')));
    assert!(!state.quit, "back from the hit is the list");
    assert_eq!(
        state.overlay,
        Some(Overlay::Results {
            selected: 2,
            offset: 0
        })
    );
    update(&mut state, press(KeyCode::Esc));
    assert_eq!(state.overlay, None);
    assert_eq!(
        state.screen,
        Screen::Reader,
        "the list closes to the article"
    );
    update(&mut state, press(KeyCode::Char('q')));
    assert!(state.quit, "and back from the article leaves");
}

/// The reader's top line, and where it is after one line up and one down.
fn top_and_back(state: &mut State) -> (crate::layout::LinePos, crate::layout::LinePos) {
    let top = state.reader.as_ref().expect("reading").top;
    update(state, press(KeyCode::Char('k')));
    update(state, press(KeyCode::Char('j')));
    (top, state.reader.as_ref().expect("reading").top)
}

#[test]
fn a_match_in_the_last_screenful_shows_the_end_at_the_bottom_not_empty_rows() {
    // The seed's last word, from the library's search and from the article's own.
    let mut state = library_state();
    update(&mut state, press(KeyCode::Char('S')));
    type_text(&mut state, "UNTERSTÜTZEN");
    let effects = update(&mut state, press(KeyCode::Enter));
    let job = job(&effects).clone();
    run_worker(&mut state, &job);
    update(&mut state, press(KeyCode::Char('j')));
    update(&mut state, press(KeyCode::Enter));
    seed_loaded(&mut state);
    let hit = current_match(&state);
    let shown = |state: &mut State| {
        let reader = state.reader.as_mut().expect("reading");
        reader.shows(hit.0, hit.1)
    };
    assert!(shown(&mut state), "the match is on screen");
    // The place saved is what is shown: reopened, the article shows it again.
    let reader = state.reader.as_ref().expect("reading");
    let (saved, top) = (reader.anchor(), reader.top_place());
    assert_eq!((saved.block, saved.offset), (top.block, top.offset));
    let (top, back) = top_and_back(&mut state);
    assert_eq!(
        top, back,
        "a line up and down comes back to where the match was shown"
    );

    let mut state = seed_in_reader();
    update(&mut state, press(KeyCode::Char('/')));
    type_text(&mut state, "UNTERSTÜTZEN");
    update(&mut state, press(KeyCode::Enter));
    assert!(shown(&mut state), "the match is on screen");
    let (top, back) = top_and_back(&mut state);
    assert_eq!(
        top, back,
        "a line up and down comes back to where the match was shown"
    );
}

#[test]
fn events_sent_together_are_taken_one_after_another() {
    let started = |state: &mut State| {
        update(state, press(KeyCode::Char('S')));
        type_text(state, "zoom");
        let effects = update(state, press(KeyCode::Enter));
        let job = job(&effects);
        (job.id, hits_in(&seed(state), &job.query, 0))
    };
    let events = |hits: &[crate::search::library::LibraryHit]| {
        vec![
            SearchEvent::Searching { done: 0, total: 3 },
            SearchEvent::Article {
                entry: 0,
                count: hits.len() + 2,
                hits: hits.to_vec(),
            },
            SearchEvent::Problem {
                entry: 1,
                text: "not text".into(),
            },
            SearchEvent::Searching { done: 2, total: 3 },
        ]
    };
    let mut one_by_one = library_state();
    let (id, hits) = started(&mut one_by_one);
    for event in events(&hits) {
        update(&mut one_by_one, Action::SearchedAll { search: id, event });
    }
    let mut together = library_state();
    let (id, hits) = started(&mut together);
    update(
        &mut together,
        Action::SearchedAll {
            search: id,
            event: SearchEvent::Several(events(&hits)),
        },
    );
    let (a, b) = (results(&one_by_one), results(&together));
    assert!(a.matches > 2 && a.problems.len() == 1);
    assert_eq!(a, b);
    assert_eq!(a.summary(), b.summary());
}
