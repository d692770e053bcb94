//! Filtering the library list as the person types after `/`: fuzzy, by title, description
//! and group, with nucleo-matcher (the matcher of helix). Each word of the query is matched
//! on its own (fzf-style, a space separates words, `\ ` is a space inside a word) against
//! each of the three fields; an entry is kept when every word matches one of its fields, and
//! its score is the sum of each word's best field score, a title counting double. Smart case
//! (a capital in a word makes that word case-sensitive) and smart normalisation (`cafe` finds
//! `café`, `café` does not find `cafe`) are nucleo's.
//!
//! The filtered list is ranked, best first (ties in INDEX.md order), so it has no group
//! headings: an entry's group is shown on its second row, in front of its description, where
//! a match in the group is highlighted too. An empty query shows the whole list as usual.
//!
//! Speed: the fields are turned into nucleo's UTF-32 form once (the first time the filter
//! opens, then as entries arrive), and a query that extends the previous one only looks at
//! the entries that matched before. `benches/blatt.rs` (`library_filter`) measures it: at
//! 100,000 entries a key that looks at every entry still takes longer than a frame (about
//! 117 ms on a loaded 2-core machine). What is left: run [`set_query`]'s ranking on a worker
//! (an effect with the query and a number, the ranked entries back as an action, stale
//! numbers dropped), and stop scoring a word's other fields once it matched the title.

use std::cmp::Reverse;

use nucleo_matcher::pattern::{Atom, AtomKind, CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str, Utf32String};

use super::{Effect, LibraryRow, State, keep_selection_visible};
use crate::library::Entry;

/// One field in nucleo's form, and, when the text is not ASCII but every grapheme folds to
/// an ASCII character, that folded form: an ASCII word (the usual query) matches the
/// folded text exactly as it matches the original under nucleo's smart normalisation
/// (which folds the text for a word without accents), but through nucleo's ASCII fast
/// path, several times faster. Positions are the same in both (one per grapheme).
#[derive(Debug, Clone)]
struct Field {
    text: Utf32String,
    ascii: Option<Box<str>>,
}

impl Field {
    fn of(text: &str) -> Field {
        let text = Utf32String::from(text);
        let ascii = match &text {
            Utf32String::Ascii(_) => None,
            Utf32String::Unicode(chars) => chars.iter().map(|&c| fold(c)).collect(),
        };
        Field { text, ascii }
    }

    fn for_atom(&self, atom: &Atom) -> Utf32Str<'_> {
        match &self.ascii {
            Some(ascii) if atom.needle_text().is_ascii() => Utf32Str::Ascii(ascii.as_bytes()),
            _ => self.text.slice(..),
        }
    }
}

/// A character as an ASCII word sees it: accents dropped as nucleo drops them, other
/// punctuation (`—`, `›`) a control character that no typed word holds (the prompt takes
/// none) and that nucleo classes as punctuation too; none for a letter or space with no
/// ASCII form (the field is then matched as it is).
fn fold(c: char) -> Option<char> {
    let n = nucleo_matcher::chars::normalize(c);
    if n.is_ascii() {
        Some(n)
    } else if !c.is_alphanumeric() && !c.is_whitespace() {
        Some('\u{1f}')
    } else {
        None
    }
}

/// The text of an entry as the filter matches it, in nucleo's form.
#[derive(Debug, Clone)]
pub struct Fields {
    title: Field,
    description: Field,
    group: Field,
}

/// The group of an entry as one line: its headings joined with ` › `, as the filtered list
/// shows it (the highlighted positions are positions in this text).
pub fn group_text(entry: &Entry) -> String {
    entry.group.join(" › ")
}

impl Fields {
    pub fn of(entry: &Entry) -> Fields {
        Fields {
            title: Field::of(&entry.title),
            description: Field::of(&entry.description),
            group: Field::of(&group_text(entry)),
        }
    }

    fn each(&self) -> [(&Field, u32); 3] {
        [
            (&self.title, TITLE_WEIGHT),
            (&self.group, 1),
            (&self.description, 1),
        ]
    }
}

/// A match in the title counts this many times one in the group or description.
const TITLE_WEIGHT: u32 = 2;

/// Where the query matched an entry: grapheme positions (nucleo counts a grapheme cluster
/// as one character) in the title, the group line ([`group_text`]) and the description.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub title: Vec<u32>,
    pub group: Vec<u32>,
    pub description: Vec<u32>,
}

/// The pattern of a query: fuzzy words, smart case, smart normalisation.
pub fn pattern(query: &str) -> Pattern {
    Pattern::new(
        query,
        CaseMatching::Smart,
        Normalization::Smart,
        AtomKind::Fuzzy,
    )
}

fn matcher() -> Matcher {
    Matcher::new(Config::DEFAULT)
}

/// The best field score of one word, weighted, with the field's index.
fn best_field(atom: &Atom, fields: &Fields, matcher: &mut Matcher) -> Option<(u32, usize)> {
    let mut best: Option<(u32, usize)> = None;
    for (i, (text, weight)) in fields.each().into_iter().enumerate() {
        if let Some(score) = atom.score(text.for_atom(atom), matcher) {
            let score = u32::from(score) * weight;
            if best.is_none_or(|(b, _)| score > b) {
                best = Some((score, i));
            }
        }
    }
    best
}

/// An entry's score for `pattern`: none if a word matches none of its fields.
pub fn score(pattern: &Pattern, fields: &Fields, matcher: &mut Matcher) -> Option<u32> {
    let mut total = 0u32;
    for atom in &pattern.atoms {
        total = total.saturating_add(best_field(atom, fields, matcher)?.0);
    }
    Some(total)
}

/// The positions to highlight in an entry: each word's, in the field it matched best.
pub fn marks(pattern: &Pattern, entry: &Entry, matcher: &mut Matcher) -> Marks {
    let fields = Fields::of(entry);
    let mut marks = Marks::default();
    for atom in &pattern.atoms {
        let Some((_, field)) = best_field(atom, &fields, matcher) else {
            continue;
        };
        let (text, out) = match field {
            0 => (&fields.title, &mut marks.title),
            1 => (&fields.group, &mut marks.group),
            _ => (&fields.description, &mut marks.description),
        };
        atom.indices(text.for_atom(atom), matcher, out);
    }
    for list in [&mut marks.title, &mut marks.group, &mut marks.description] {
        list.sort_unstable();
        list.dedup();
    }
    marks
}

/// A matcher for the view, which only reads the state: one per frame is cheap (the
/// matcher's scratch space, about 135 KB).
pub fn view_matcher() -> Matcher {
    matcher()
}

/// The filter while its prompt is open.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The query the list is filtered by (as typed).
    pub query: String,
    pub pattern: Pattern,
    /// Matching entries, best first; empty with an empty query (the whole list shows).
    pub entries: Vec<usize>,
    scores: Vec<u32>,
    /// The rows of the filtered list: each entry's title, its group and description (when
    /// it has either, or a problem), a blank.
    pub rows: Vec<LibraryRow>,
    /// The selection and first row of the whole list when the filter opened: Esc goes back.
    before: (usize, usize),
}

impl Filter {
    /// Whether the query has a word, so that the list is filtered.
    pub fn is_filtering(&self) -> bool {
        !self.pattern.atoms.is_empty()
    }
}

/// The filter's part of the state: the fields of every entry (made the first time the
/// filter opens, kept up as entries arrive) and the open filter.
#[derive(Debug, Clone, Default)]
pub struct FilterState {
    fields: Vec<Fields>,
    pub open: Option<Filter>,
}

impl FilterState {
    /// The rows of the filtered list, when a query filters it.
    pub fn rows(&self) -> Option<&[LibraryRow]> {
        self.open
            .as_ref()
            .filter(|f| f.is_filtering())
            .map(|f| f.rows.as_slice())
    }

    /// The entries of the filtered list in order, when a query filters it.
    pub fn order(&self) -> Option<&[usize]> {
        self.open
            .as_ref()
            .filter(|f| f.is_filtering())
            .map(|f| f.entries.as_slice())
    }

    fn take_in_fields(&mut self, entries: &[Entry]) {
        let from = self.fields.len();
        self.fields
            .extend(entries.iter().skip(from).map(Fields::of));
    }
}

/// Whether an entry has a second row in the filtered list.
fn has_second_row(entry: &Entry) -> bool {
    !entry.group.is_empty() || !entry.description.is_empty() || entry.target.problem().is_some()
}

fn rows_of(order: &[usize], entries: &[Entry]) -> Vec<LibraryRow> {
    let mut rows = Vec::with_capacity(order.len() * 3);
    for &i in order {
        rows.push(LibraryRow::Title(i));
        if entries.get(i).is_some_and(has_second_row) {
            rows.push(LibraryRow::Description(i));
        }
        rows.push(LibraryRow::Blank);
    }
    rows
}

/// Scores `candidates` and sorts the matches, best first, ties in INDEX.md order.
fn rank(
    pattern: &Pattern,
    fields: &[Fields],
    candidates: impl Iterator<Item = usize>,
) -> (Vec<usize>, Vec<u32>) {
    let mut matcher = matcher();
    let mut found: Vec<(Reverse<u32>, usize)> = candidates
        .filter_map(|i| {
            let score = score(pattern, fields.get(i)?, &mut matcher)?;
            Some((Reverse(score), i))
        })
        .collect();
    found.sort_unstable();
    found.into_iter().map(|(Reverse(s), i)| (i, s)).unzip()
}

/// `/` in the library: opens the filter prompt over the whole list.
pub(super) fn open(state: &mut State) {
    state.filter.take_in_fields(&state.library.entries);
    state.filter.open = Some(Filter {
        query: String::new(),
        pattern: pattern(""),
        entries: Vec::new(),
        scores: Vec::new(),
        rows: Vec::new(),
        before: (state.selected, state.offset),
    });
    state.mode = super::Mode::Typing(super::Typing::new(super::Prompt::Filter, String::new()));
}

/// The query changed to `query`: filters anew (or narrows the last result when the query
/// only grew) and selects the best match.
pub(super) fn set_query(state: &mut State, query: &str) {
    let Some(filter) = state.filter.open.as_mut() else {
        return;
    };
    if filter.query == query {
        return;
    }
    let new = pattern(query);
    // A longer query matches a subset of what the shorter one matched: every word is the
    // same or longer (a fuzzy match of the longer word contains one of the shorter), or
    // new. Not so after a backslash, which escapes what follows.
    let narrows =
        filter.is_filtering() && query.starts_with(&filter.query) && !filter.query.ends_with('\\');
    let fields = &state.filter.fields;
    let (entries, scores) = if new.atoms.is_empty() {
        (Vec::new(), Vec::new())
    } else if narrows {
        let mut previous = std::mem::take(&mut filter.entries);
        previous.sort_unstable();
        rank(&new, fields, previous.into_iter())
    } else {
        rank(&new, fields, 0..fields.len())
    };
    filter.query = query.to_string();
    filter.pattern = new;
    filter.rows = rows_of(&entries, &state.library.entries);
    filter.entries = entries;
    filter.scores = scores;
    if filter.is_filtering() {
        if let Some(&best) = filter.entries.first() {
            state.selected = best;
        }
        state.offset = 0;
    } else {
        // Back to the whole list, as it was.
        (state.selected, state.offset) = filter.before;
    }
    keep_selection_visible(state);
}

/// Entries from `from` on have just arrived: the ones that match join the filtered list in
/// their place; the selection stays on its entry (or goes to the best, if none matched).
pub(super) fn take_in(state: &mut State, from: usize) {
    if state.filter.fields.is_empty() && state.filter.open.is_none() {
        // The filter was never opened: its fields are made when it is.
        return;
    }
    state.filter.take_in_fields(&state.library.entries);
    let Some(filter) = state.filter.open.as_mut() else {
        return;
    };
    if !filter.is_filtering() {
        return;
    }
    let (new, new_scores) = rank(
        &filter.pattern,
        &state.filter.fields,
        from..state.filter.fields.len(),
    );
    let had = filter.entries.first().copied();
    if new.is_empty() {
        return;
    }
    let mut all: Vec<(Reverse<u32>, usize)> = filter
        .scores
        .iter()
        .zip(&filter.entries)
        .chain(new_scores.iter().zip(&new))
        .map(|(&s, &i)| (Reverse(s), i))
        .collect();
    all.sort_unstable();
    (filter.entries, filter.scores) = all.into_iter().map(|(Reverse(s), i)| (i, s)).unzip();
    filter.rows = rows_of(&filter.entries, &state.library.entries);
    if had.is_none()
        && let Some(&best) = filter.entries.first()
    {
        state.selected = best;
    }
    keep_selection_visible(state);
}

/// Entries' links were checked: a problem found may give an entry its second row.
pub(super) fn refresh_rows(state: &mut State) {
    if let Some(filter) = state.filter.open.as_mut()
        && filter.is_filtering()
    {
        filter.rows = rows_of(&filter.entries, &state.library.entries);
    }
}

/// The first row shown of the whole list, kept while the filter covers it (links checked
/// meanwhile can add rows above it).
pub(super) fn whole_list_offset(state: &mut State) -> &mut usize {
    match state.filter.open.as_mut() {
        Some(filter) if filter.is_filtering() => &mut filter.before.1,
        _ => &mut state.offset,
    }
}

/// Esc: the filter goes, the whole list comes back with the selection where it was.
pub(super) fn cancel(state: &mut State) {
    if let Some(filter) = state.filter.open.take() {
        (state.selected, state.offset) = filter.before;
    }
    state.mode = super::Mode::Normal;
    keep_selection_visible(state);
}

/// Enter: the selected entry opens and the filter closes (as in fzf and helix's pickers);
/// back from the article, the whole list shows with that entry selected. With nothing
/// matching, nothing opens and the prompt stays.
pub(super) fn submit(state: &mut State, effects: &mut Vec<Effect>) {
    let Some(filter) = state.filter.open.as_ref() else {
        return;
    };
    if filter.is_filtering() && filter.entries.is_empty() {
        state.mode = super::Mode::Typing(super::Typing::new(
            super::Prompt::Filter,
            filter.query.clone(),
        ));
        return;
    }
    state.filter.open = None;
    super::open_entry(state, state.selected, effects);
    keep_selection_visible(state);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(title: &str, description: &str, group: &[&str]) -> Entry {
        Entry {
            title: title.into(),
            description: description.into(),
            group: group.iter().map(|g| g.to_string()).collect(),
            language: None,
            link: "x.txt".into(),
            line: 1,
            target: crate::library::Target::Unchecked,
        }
    }

    fn ranked(query: &str, entries: &[Entry]) -> Vec<usize> {
        let fields: Vec<Fields> = entries.iter().map(Fields::of).collect();
        rank(&pattern(query), &fields, 0..fields.len()).0
    }

    #[test]
    fn words_match_in_any_field_and_the_best_comes_first() {
        let entries = [
            entry("Wahlen in Berlin", "Ergebnisse", &["Politik"]),
            entry("Wetter", "Regen über Berlin", &["Panorama"]),
            entry("Börse", "Kurse", &["Wirtschaft"]),
            entry("Berlinale", "Filme", &["Kultur"]),
        ];
        // In the title first; a description match counts less.
        let found = ranked("berlin", &entries);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found.last(), Some(&1));
        // Two words: each must match somewhere (here one in the group, one in the title).
        assert_eq!(ranked("politik wahl", &entries), [0]);
        assert_eq!(ranked("kultur wahl", &entries), Vec::<usize>::new());
        // Fuzzy: letters in order, gaps allowed.
        assert_eq!(ranked("wrtsch", &entries), [2]);
    }

    #[test]
    fn smart_case_and_diacritics() {
        let entries = [
            entry("Café Kultur", "", &[]),
            entry("cafe am Eck", "", &[]),
            entry("ZOOM-Konferenz", "", &[]),
        ];
        assert_eq!(ranked("zoom", &entries), [2]);
        assert_eq!(ranked("Zoom", &entries), Vec::<usize>::new());
        // Without a diacritic the query finds both; with one, only the café.
        let mut both = ranked("cafe", &entries);
        both.sort_unstable();
        assert_eq!(both, [0, 1]);
        assert_eq!(ranked("café", &entries), [0]);
        assert_eq!(ranked("Cafe", &entries), [0]);
    }

    #[test]
    fn the_ascii_fold_finds_what_the_text_itself_finds() {
        let texts = [
            "Börse schließt höher — Kurse",
            "Ärger über Straßen › Inland",
            "Café, crème brûlée",
            "日本語 und Deutsch",
        ];
        let mut matcher = matcher();
        for text in texts {
            let field = Field::of(text);
            for query in [
                "bo", "Bo", "hoher", "arger", "ss", "strassen", "cafe", "creme", "- k", "und", "ö",
                "é",
            ] {
                let atom = &pattern(query).atoms[0];
                let direct = atom.score(field.text.slice(..), &mut matcher);
                let folded = atom.score(field.for_atom(atom), &mut matcher);
                assert_eq!(direct, folded, "{query:?} in {text:?}");
            }
        }
        assert!(Field::of("Börse — x").ascii.is_some());
        assert!(Field::of("日本").ascii.is_none());
    }

    #[test]
    fn ties_keep_the_index_order() {
        let entries = [
            entry("a b", "", &[]),
            entry("a b", "", &[]),
            entry("a b", "", &[]),
        ];
        assert_eq!(ranked("ab", &entries), [0, 1, 2]);
    }

    #[test]
    fn marks_are_grapheme_positions_in_the_field_that_matched() {
        let e = entry("Über Straßen", "nichts", &["Verkehr", "Stadt"]);
        let mut matcher = matcher();
        let m = marks(&pattern("str stadt"), &e, &mut matcher);
        assert_eq!(m.title, [5, 6, 7]);
        // `Verkehr › Stadt`: the second heading starts at grapheme 10.
        assert_eq!(m.group, [10, 11, 12, 13, 14]);
        assert!(m.description.is_empty());
        // A combining accent is part of its letter's grapheme.
        let e = entry("Cafe\u{301} x", "", &[]);
        assert_eq!(marks(&pattern("x"), &e, &mut matcher).title, [5]);
    }

    use crate::app::{Action, Command, Keymap, Mode, Prompt, Settings, update};
    use crate::library::{Library, Origin, Target};
    use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

    fn library(entries: &[(&str, &str, &[&str])]) -> Library {
        Library {
            origin: Origin::Bundled,
            title: Some("Test".into()),
            entries: entries
                .iter()
                .map(|(t, d, g)| Entry {
                    target: Target::Bundled("seed.md"),
                    ..entry(t, d, g)
                })
                .collect(),
        }
    }

    const NEWS: &[(&str, &str, &[&str])] = &[
        ("Wahlen in Berlin", "Ergebnisse der Wahl", &["Politik"]),
        ("Wetter am Wochenende", "Regen über Berlin", &["Panorama"]),
        ("Börse schließt höher", "Kurse steigen", &["Wirtschaft"]),
        ("Berlinale eröffnet", "Filme aus aller Welt", &["Kultur"]),
        ("Bahnstreik", "Züge stehen still", &["Wirtschaft"]),
        ("Theater", "Premiere in Hamburg", &["Kultur"]),
    ];

    fn state_of(entries: &[(&str, &str, &[&str])]) -> State {
        let mut state = State::new(library(entries), Settings::default(), Keymap::default());
        update(&mut state, Action::Resize(80, 24));
        state
    }

    fn key(state: &mut State, code: KeyCode) -> Vec<Effect> {
        let event = KeyEvent::new_with_kind(code, KeyModifiers::NONE, KeyEventKind::Press);
        update(state, Action::Key(event))
    }

    fn type_text(state: &mut State, text: &str) {
        for c in text.chars() {
            key(state, KeyCode::Char(c));
        }
    }

    fn shown(state: &State) -> Vec<usize> {
        state
            .library_rows()
            .iter()
            .filter_map(|r| match r {
                LibraryRow::Title(i) => Some(*i),
                _ => None,
            })
            .collect()
    }

    fn filtering(state: &State) -> bool {
        matches!(&state.mode, Mode::Typing(t) if t.prompt == Prompt::Filter)
    }

    #[test]
    fn slash_opens_the_prompt_and_typing_narrows_the_list_best_first() {
        let mut state = state_of(NEWS);
        key(&mut state, KeyCode::Char('/'));
        assert!(filtering(&state));
        // An empty query shows the whole list, headings and all.
        assert_eq!(state.library_rows(), state.rows.as_slice());
        type_text(&mut state, "b");
        let after_b = shown(&state);
        type_text(&mut state, "erl");
        // The titles with Berlin first (the whole word before Berlinale), the description
        // match last; no headings.
        assert_eq!(shown(&state), [0, 3, 1]);
        assert!(after_b.len() >= 3, "{after_b:?}");
        assert_eq!(state.selected, 0);
        assert!(
            !state
                .library_rows()
                .iter()
                .any(|r| matches!(r, LibraryRow::Group { .. }))
        );
        // The arrows move in the filtered list while typing.
        key(&mut state, KeyCode::Down);
        assert_eq!(state.selected, 3);
        key(&mut state, KeyCode::Down);
        key(&mut state, KeyCode::Down);
        assert_eq!(state.selected, 1, "stops at the last match");
        key(&mut state, KeyCode::PageUp);
        assert_eq!(state.selected, 0);
        // Backspace widens it again; erasing everything shows the whole list.
        // (`ber` also finds B-ö-rs-e … hö-h-e-r.)
        key(&mut state, KeyCode::Backspace);
        assert_eq!(shown(&state), [0, 3, 2, 1]);
        for _ in 0..3 {
            key(&mut state, KeyCode::Backspace);
        }
        assert_eq!(shown(&state), [0, 1, 2, 3, 4, 5]);
        assert!(filtering(&state));
    }

    #[test]
    fn esc_restores_the_list_and_the_selection() {
        let mut state = state_of(NEWS);
        update(&mut state, Action::Command(Command::Down));
        update(&mut state, Action::Command(Command::Down));
        let offset = state.offset;
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "kultur");
        assert_eq!(shown(&state), [3, 5]);
        key(&mut state, KeyCode::Down);
        assert_eq!(state.selected, 5);
        key(&mut state, KeyCode::Esc);
        assert_eq!(state.mode, Mode::Normal);
        assert!(state.filter.open.is_none());
        assert_eq!(state.selected, 2);
        assert_eq!(state.offset, offset);
        assert_eq!(shown(&state), [0, 1, 2, 3, 4, 5]);
        // Esc again (in the normal mode) is `back`: the library quits, as before.
        assert!(key(&mut state, KeyCode::Esc).contains(&Effect::Quit));
    }

    #[test]
    fn enter_opens_the_selected_filtered_entry_and_closes_the_filter() {
        let mut state = state_of(NEWS);
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "wirt");
        assert_eq!(shown(&state), [2, 4]);
        key(&mut state, KeyCode::Down);
        let effects = key(&mut state, KeyCode::Enter);
        assert_eq!(effects, [Effect::Load { entry: 4 }]);
        assert_eq!(state.mode, Mode::Normal);
        assert!(state.filter.open.is_none());
        // The whole list is back, with the opened entry selected.
        assert_eq!(state.selected, 4);
        assert_eq!(state.library_rows(), state.rows.as_slice());
    }

    #[test]
    fn no_match_says_so_and_enter_opens_nothing() {
        let mut state = state_of(NEWS);
        update(&mut state, Action::Command(Command::Down));
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "xyzzy");
        assert_eq!(state.filter.order(), Some(&[][..]));
        assert!(state.library_rows().is_empty());
        assert!(key(&mut state, KeyCode::Down).is_empty());
        assert!(key(&mut state, KeyCode::Enter).is_empty());
        assert!(filtering(&state), "the prompt stays to be corrected");
        assert_eq!(
            state.filter.open.as_ref().map(|f| f.query.as_str()),
            Some("xyzzy")
        );
        key(&mut state, KeyCode::Esc);
        assert_eq!(state.selected, 1);
    }

    #[test]
    fn entries_arriving_while_filtering_are_filtered_too() {
        let mut all = library(NEWS);
        let rest = all.entries.split_off(2);
        let mut state = State::new(all, Settings::default(), Keymap::default());
        state.reading_index = true;
        update(&mut state, Action::Resize(80, 24));
        key(&mut state, KeyCode::Char('/'));
        type_text(&mut state, "kultur");
        assert_eq!(shown(&state), Vec::<usize>::new());
        let mut rest = rest.into_iter();
        let part: Vec<Entry> = rest.by_ref().take(2).collect();
        update(
            &mut state,
            Action::MoreEntries {
                title: None,
                entries: part,
                done: false,
                error: None,
            },
        );
        // The first match to arrive is selected.
        assert_eq!(shown(&state), [3]);
        assert_eq!(state.selected, 3);
        update(
            &mut state,
            Action::MoreEntries {
                title: None,
                entries: rest.collect(),
                done: true,
                error: None,
            },
        );
        assert_eq!(shown(&state), [3, 5]);
        assert_eq!(state.selected, 3, "the selection stays on its entry");
        // A longer query still looks at the entries that arrived.
        type_text(&mut state, " the");
        assert_eq!(shown(&state), [5]);
    }

    #[test]
    fn a_narrowed_result_is_the_full_result() {
        let entries: Vec<Entry> = NEWS
            .iter()
            .cycle()
            .take(60)
            .enumerate()
            .map(|(i, (t, d, g))| entry(&format!("{t} {i}"), d, g))
            .collect();
        let fields: Vec<Fields> = entries.iter().map(Fields::of).collect();
        let mut state = State::new(
            Library {
                origin: Origin::Bundled,
                title: None,
                entries,
            },
            Settings::default(),
            Keymap::default(),
        );
        open(&mut state);
        let query = r"Be rl 1\ x";
        for end in 1..=query.len() {
            let part = &query[..end];
            set_query(&mut state, part);
            let full = rank(&pattern(part), &fields, 0..fields.len()).0;
            let got = state.filter.open.as_ref().map(|f| f.entries.clone());
            assert_eq!(got, Some(full), "{part:?}");
        }
    }

    #[test]
    fn an_empty_or_blank_query_filters_nothing() {
        assert!(pattern("").atoms.is_empty());
        assert!(pattern("   ").atoms.is_empty());
        assert_eq!(pattern("a b").atoms.len(), 2);
    }
}
