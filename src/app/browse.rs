//! Moving through the library without leaving the article, read marks, and the shape of the
//! library list.
//!
//! - `}` / `{` in the reader open the next / previous article in INDEX.md order through the
//!   same path as Enter in the library (a link not checked yet is checked first), each at
//!   its saved place. Entries that cannot be opened are skipped and named in the status
//!   line once the next article is open; so are entries that lead to the article already
//!   open, and finished ones while finished articles are hidden. At either end the status
//!   line says so and nothing else happens. The library filter plays no part: its ranked
//!   order is for finding one entry, not an order to read in, and it closes when an article
//!   opens.
//! - `x` marks an article finished, or not finished again (in the reader the open one, in
//!   the library the selected one), saved through the store's `SetDoc` as a reading place
//!   is; the place and the sections read stay. Reading to the end finishes it again.
//! - `h` hides finished articles from the list (the filter still searches all of them) and
//!   the header says how many are hidden; `v` switches between three rows per entry and one.
//!   Group headings show how many of their entries are not finished, and a heading whose
//!   row has scrolled off is drawn over the first row of the list ([`sticky`]).
//!
//! The counts behind this (per heading, and broken and finished entries in the library) are
//! kept per entry as entries arrive and links are checked, so a large library is never
//! walked for them on a key; they are counted anew only when a document's finished mark
//! changes, which is rare.

use super::{Effect, LibraryRow, PendingOpen, Screen, Settings, State, keep_selection_visible};
use crate::config::LibraryView;
use crate::library::Entry;
use crate::store::{DocState, Op};

/// What an entry counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Its link is not checked yet: counted as unread until it is.
    Unchecked,
    Unread,
    Finished,
    /// It cannot be opened (a missing file, a link out of the library…).
    Broken,
}

impl Status {
    fn unread(self) -> bool {
        matches!(self, Status::Unchecked | Status::Unread)
    }

    fn readable(self) -> bool {
        self != Status::Broken
    }
}

/// A group heading of INDEX.md as the list shows it, with the entries under it counted
/// (those of its subgroups too).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub title: String,
    /// 0 for the outermost heading above an entry.
    pub depth: usize,
    parent: Option<usize>,
    /// Entries not finished (or not checked yet).
    pub unread: usize,
    /// Entries that are not broken.
    pub readable: usize,
}

impl Heading {
    /// What the heading's row says after its title: `3 unread`, `all read`, or nothing when
    /// none of its entries can be read.
    pub fn note(&self) -> Option<String> {
        match (self.readable, self.unread) {
            (0, _) => None,
            (_, 0) => Some("all read".into()),
            (_, n) => Some(format!("{n} unread")),
        }
    }
}

/// An entry with no heading above it.
const NO_HEADING: u32 = u32::MAX;

/// The list's options and the counts behind its headings and header.
#[derive(Debug, Clone, Default)]
pub struct Browse {
    pub view: LibraryView,
    pub hide_finished: bool,
    /// Every heading, in INDEX.md order.
    pub headings: Vec<Heading>,
    /// The innermost heading of each entry.
    heading_of: Vec<u32>,
    status: Vec<Status>,
    /// The headings over the last entry taken in, outermost first.
    open: Vec<usize>,
    /// The headings over the last entry given rows, outermost first.
    rows_chain: Vec<usize>,
    /// While finished articles are hidden: the entries in the list, in its order.
    shown: Vec<usize>,
    /// Entries that cannot be opened.
    pub broken: usize,
    /// Entries whose document is finished.
    pub finished: usize,
    /// Whether the statuses were taken from the saved reading state as it is now (the
    /// runtime and tests fill it in after [`State::new`]).
    counted: bool,
    /// What the status line says once the article stepped to is open.
    pub(super) after_open: Option<String>,
    /// The step of `}`/`{` whose article is being opened: should it fail to open, the
    /// step goes on past it.
    pub(super) stepping: Option<Box<Step>>,
}

impl Browse {
    pub fn new(settings: &Settings) -> Browse {
        Browse {
            view: settings.library_view,
            hide_finished: settings.hide_finished,
            ..Browse::default()
        }
    }

    /// Forgets the entries (another library is shown); the options stay.
    fn clear(&mut self) {
        *self = Browse {
            view: self.view,
            hide_finished: self.hide_finished,
            ..Browse::default()
        };
    }

    pub fn compact(&self) -> bool {
        self.view == LibraryView::Compact
    }

    /// The innermost heading above an entry.
    pub fn heading_of(&self, entry: usize) -> Option<usize> {
        self.heading_of
            .get(entry)
            .filter(|&&h| h != NO_HEADING)
            .map(|&h| h as usize)
    }

    /// The headings above an entry, outermost first.
    pub fn chain(&self, entry: usize) -> Vec<usize> {
        self.heading_of(entry)
            .map(|h| self.chain_of_heading(h))
            .unwrap_or_default()
    }

    /// A heading and the headings it is under, outermost first.
    pub fn chain_of_heading(&self, heading: usize) -> Vec<usize> {
        let mut chain = Vec::new();
        let mut next = Some(heading);
        while let Some(h) = next {
            chain.push(h);
            next = self.headings.get(h).and_then(|h| h.parent);
        }
        chain.reverse();
        chain
    }

    pub fn status(&self, entry: usize) -> Option<Status> {
        self.status.get(entry).copied()
    }

    /// Whether an entry has rows in the whole list (finished ones may be hidden).
    pub fn is_shown(&self, entry: usize) -> bool {
        !(self.hide_finished && self.status(entry) == Some(Status::Finished))
    }

    /// The entries of the list in its order while some are hidden; none when all show.
    pub fn shown(&self) -> Option<&[usize]> {
        self.hide_finished.then_some(self.shown.as_slice())
    }

    /// The headings of entries `from..`, as the list has always grouped them: a heading
    /// starts where an entry's group differs from the one before.
    fn take_in_headings(&mut self, entries: &[Entry], from: usize) {
        for entry in entries.iter().skip(from) {
            let common = self
                .open
                .iter()
                .zip(&entry.group)
                .take_while(|(h, title)| self.headings[**h].title == **title)
                .count();
            self.open.truncate(common);
            for (depth, title) in entry.group.iter().enumerate().skip(common) {
                self.headings.push(Heading {
                    title: title.clone(),
                    depth,
                    parent: self.open.last().copied(),
                    unread: 0,
                    readable: 0,
                });
                self.open.push(self.headings.len() - 1);
            }
            let innermost = self.open.last().map_or(NO_HEADING, |&h| {
                u32::try_from(h).unwrap_or(NO_HEADING.saturating_sub(1))
            });
            self.heading_of.push(innermost);
        }
    }

    /// Sets an entry's status (a new entry's too), keeping the counts.
    fn set_status(&mut self, entry: usize, status: Status) {
        let old = self.status.get(entry).copied();
        if old == Some(status) {
            return;
        }
        if let Some(old) = old {
            self.count(entry, old, false);
            self.status[entry] = status;
        } else if entry == self.status.len() {
            self.status.push(status);
        } else {
            return;
        }
        self.count(entry, status, true);
    }

    fn count(&mut self, entry: usize, status: Status, add: bool) {
        let change = |n: &mut usize, yes: bool| {
            if yes {
                *n = if add { *n + 1 } else { n.saturating_sub(1) };
            }
        };
        change(&mut self.broken, status == Status::Broken);
        change(&mut self.finished, status == Status::Finished);
        let mut heading = self.heading_of(entry);
        while let Some(h) = heading {
            let Some(h) = self.headings.get_mut(h) else {
                break;
            };
            change(&mut h.unread, status.unread());
            change(&mut h.readable, status.readable());
            heading = h.parent;
        }
    }

    /// Appends an entry's headings that the rows before it do not show yet.
    fn push_headings(&mut self, rows: &mut Vec<LibraryRow>, entry: usize) {
        if self.heading_of(entry) == self.rows_chain.last().copied() {
            return;
        }
        let chain = self.chain(entry);
        let common = chain
            .iter()
            .zip(&self.rows_chain)
            .take_while(|(a, b)| a == b)
            .count();
        for &h in &chain[common..] {
            let heading = &self.headings[h];
            rows.push(LibraryRow::Group {
                title: heading.title.clone(),
                depth: heading.depth,
                heading: h,
            });
        }
        self.rows_chain = chain;
    }
}

/// What an entry counts as now.
fn status_of(state: &State, entry: usize) -> Status {
    let Some(e) = state.library.entries.get(entry) else {
        return Status::Unchecked;
    };
    if !e.target.is_checked() {
        Status::Unchecked
    } else if e.target.problem().is_some() {
        Status::Broken
    } else if !state.saved_docs.is_empty() && state.progress(entry).is_some_and(|p| p.finished) {
        Status::Finished
    } else {
        Status::Unread
    }
}

impl State {
    /// Headings and statuses of the entries from `from` on, just added to the library.
    pub(super) fn take_in_counts(&mut self, from: usize) {
        if from == 0 {
            self.browse.clear();
        }
        self.browse.take_in_headings(&self.library.entries, from);
        for entry in from..self.library.entries.len() {
            let status = status_of(self, entry);
            self.browse.set_status(entry, status);
        }
    }

    /// An entry's link was just checked: its status follows. Whether it is now hidden.
    pub(super) fn recount_entry(&mut self, entry: usize) -> bool {
        let status = status_of(self, entry);
        self.browse.set_status(entry, status);
        !self.browse.is_shown(entry)
    }

    /// Appends the rows of `entries[from..]` that the list shows.
    pub(super) fn push_rows(&mut self, from: usize) {
        let compact = self.browse.compact();
        let hiding = self.browse.hide_finished;
        for (i, entry) in self.library.entries.iter().enumerate().skip(from) {
            if !self.browse.is_shown(i) {
                continue;
            }
            self.browse.push_headings(&mut self.rows, i);
            self.rows.push(LibraryRow::Title(i));
            if !compact {
                if super::library::has_description_row(entry) {
                    self.rows.push(LibraryRow::Description(i));
                }
                self.rows.push(LibraryRow::Blank);
            }
            if hiding {
                self.browse.shown.push(i);
            }
        }
    }

    /// Makes the rows of the whole list anew (the view or what is hidden changed).
    fn rebuild_rows(&mut self) {
        self.rows.clear();
        self.browse.rows_chain.clear();
        self.browse.shown.clear();
        self.push_rows(0);
    }
}

/// The row of an entry's title in `rows`.
fn row_of(rows: &[LibraryRow], entry: usize) -> Option<usize> {
    rows.iter().position(|r| *r == LibraryRow::Title(entry))
}

/// Makes the list anew, keeping the selected entry on the same row of the screen (or the
/// next entry shown, if the selected one is hidden now).
pub(super) fn relist(state: &mut State) {
    if state.filter.rows().is_some() {
        // The filtered list is its own; the whole list is put right when it closes.
        state.rebuild_rows();
        return;
    }
    let on_screen = row_of(&state.rows, state.selected).map(|r| r.saturating_sub(state.offset));
    state.rebuild_rows();
    show_selection(state);
    if let (Some(on_screen), Some(row)) = (on_screen, row_of(&state.rows, state.selected)) {
        state.offset = row.saturating_sub(on_screen);
    }
    keep_selection_visible(state);
}

/// Moves the selection off a hidden entry: to the next one shown, else the one before.
fn show_selection(state: &mut State) {
    let selected = state.selected;
    if state.filter.rows().is_some() || state.browse.is_shown(selected) {
        return;
    }
    let count = state.library.entries.len();
    let next = (selected + 1..count).find(|&i| state.browse.is_shown(i));
    if let Some(entry) = next.or_else(|| (0..selected).rev().find(|&i| state.browse.is_shown(i))) {
        state.selected = entry;
    }
}

/// Counts every entry anew (what other processes saved came in); the list follows when
/// finished articles are hidden.
pub(super) fn recount(state: &mut State) {
    restatus(state, 0..state.library.entries.len());
    state.browse.counted = true;
}

/// Counts anew the entries of one document (its finished mark changed): comparing keys is
/// far cheaper than looking every entry up in the saved state.
fn recount_key(state: &mut State, key: &str) {
    let entries: Vec<usize> = state
        .keys
        .iter()
        .enumerate()
        .filter(|(_, k)| k.as_deref() == Some(key))
        .map(|(i, _)| i)
        .collect();
    restatus(state, entries.into_iter());
}

fn restatus(state: &mut State, entries: impl Iterator<Item = usize>) {
    let mut hidden_changed = false;
    for entry in entries {
        let status = status_of(state, entry);
        let old = state.browse.status(entry);
        if old != Some(status) {
            hidden_changed |= (old == Some(Status::Finished)) != (status == Status::Finished);
            state.browse.set_status(entry, status);
        }
    }
    if hidden_changed && state.browse.hide_finished {
        relist(state);
    }
}

/// After every update: the counts follow the saved state when it was filled in from
/// outside or the open document's finished mark changed (read to its end), and the
/// selection stays on an entry the list shows.
pub(super) fn settle(state: &mut State) {
    if !state.browse.counted {
        recount(state);
    } else if let Some(reader) = state.reader.as_ref() {
        let finished = state
            .saved_docs
            .get(&reader.key)
            .is_some_and(|d| d.finished);
        let counted = state.browse.status(reader.entry);
        if matches!(counted, Some(Status::Unread | Status::Finished))
            && (counted == Some(Status::Finished)) != finished
        {
            let key = reader.key.clone();
            recount_key(state, &key);
        }
    }
    if state.screen == Screen::Library && !state.browse.is_shown(state.selected) {
        show_selection(state);
        keep_selection_visible(state);
    }
}

/// The list of a library read again (laid out as [`State::new`] does, on another thread:
/// with the default view and without the saved state) replaces the one shown: its headings
/// and counts come with it, the view and what is hidden stay, what is finished is counted
/// against the saved state, and the rows are laid out again when the view or hidden
/// articles need it.
pub(super) fn adopt(state: &mut State, read: Browse) {
    let Browse {
        view,
        hide_finished,
        after_open,
        ..
    } = std::mem::take(&mut state.browse);
    state.browse = Browse {
        view,
        hide_finished,
        after_open,
        ..read
    };
    for entry in 0..state.library.entries.len() {
        let status = status_of(state, entry);
        state.browse.set_status(entry, status);
    }
    state.browse.counted = true;
    if state.browse.compact() || state.browse.hide_finished {
        state.rebuild_rows();
    }
}

/// What other blatt processes saved came in: finished marks may have changed.
pub(super) fn docs_changed(state: &mut State) {
    state.browse.counted = false;
}

/// `h`: hides finished articles from the list, or shows them again.
pub(super) fn toggle_hide(state: &mut State) {
    state.browse.hide_finished = !state.browse.hide_finished;
    relist(state);
    let key = state.hint(super::Command::HideFinished);
    state.flash = Some(if state.browse.hide_finished {
        match state.browse.finished {
            1 => format!("1 finished article hidden ({key} shows it)"),
            n => format!("{n} finished articles hidden ({key} shows them)"),
        }
    } else {
        "finished articles shown".into()
    });
}

/// `v`: one row per entry, or three.
pub(super) fn toggle_view(state: &mut State) {
    state.browse.view = match state.browse.view {
        LibraryView::Full => LibraryView::Compact,
        LibraryView::Compact => LibraryView::Full,
    };
    relist(state);
}

/// `x`: the open article (in the reader) or the selected one (in the library) is marked
/// finished, or not finished again; its place and read sections stay.
pub(super) fn toggle_read(state: &mut State, effects: &mut Vec<Effect>) {
    let entry = match (&state.reader, state.screen) {
        (Some(reader), Screen::Reader) => reader.entry,
        _ => state.selected,
    };
    let Some(e) = state.library.entries.get(entry) else {
        return;
    };
    let title = e.title.clone();
    if let Some(problem) = e.target.problem() {
        state.flash = Some(format!("“{title}” cannot be opened: {problem}"));
        return;
    }
    let key = match (&state.reader, state.screen) {
        (Some(reader), Screen::Reader) => reader.key.clone(),
        _ => match state.entry_key(entry) {
            Some(key) => key.to_string(),
            None => {
                state.flash = Some(format!("“{title}” is still being checked"));
                return;
            }
        },
    };
    let open = state.reader.as_mut().filter(|r| r.key == key);
    let finished = match open {
        Some(reader) => {
            reader.finished = !reader.finished;
            let finished = reader.finished;
            if reader.pending.is_none() {
                super::remember_position(state, key.clone(), effects);
            } else {
                // The saved place is still being reopened: only the mark changes.
                save_finished(state, key.clone(), finished, &title, effects);
            }
            finished
        }
        None => {
            let finished = !state.saved_docs.get(&key).is_some_and(|d| d.finished);
            save_finished(state, key.clone(), finished, &title, effects);
            finished
        }
    };
    state.flash = Some(format!(
        "“{title}” marked as {}",
        if finished { "read" } else { "unread" }
    ));
    recount_key(state, &key);
}

/// Saves a document's finished mark, keeping the rest of what is saved about it.
fn save_finished(
    state: &mut State,
    key: String,
    finished: bool,
    title: &str,
    effects: &mut Vec<Effect>,
) {
    let mut doc = state
        .saved_docs
        .get(&key)
        .cloned()
        .unwrap_or_else(|| DocState {
            title: title.to_string(),
            ..DocState::default()
        });
    doc.finished = finished;
    doc.updated = state.now;
    state.saved_docs.insert(key.clone(), doc.clone());
    effects.push(super::store_op(Op::SetDoc { key, state: doc }));
}

/// Going from the article of entry `from` to the next (or previous) one that can be opened:
/// the entry looked at now, and the ones passed over on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub from: usize,
    pub to: usize,
    pub forward: bool,
    /// Entries that cannot be opened, with why.
    skipped: Vec<String>,
    /// Finished entries passed over because they are hidden.
    finished_passed: usize,
}

/// Links checked at once when stepping onto entries not checked yet.
const CHECK_AHEAD: usize = 32;

/// `}` / `{` in the reader.
pub(super) fn step(state: &mut State, forward: bool, effects: &mut Vec<Effect>) {
    let Some(from) = state.reader.as_ref().map(|r| r.entry) else {
        return;
    };
    let mut step = Step {
        from,
        to: from,
        forward,
        skipped: Vec::new(),
        finished_passed: 0,
    };
    if advance(&mut step) {
        walk(state, step, effects);
    } else {
        at_end(state, &step);
    }
}

/// The article `step` went to could not be opened (`message`): it is passed over, named in
/// the status line with the others, and the step goes on.
pub(super) fn pass_over(
    state: &mut State,
    mut step: Step,
    title: &str,
    message: &str,
    effects: &mut Vec<Effect>,
) {
    step.skipped.push(format!("“{title}”: {message}"));
    if advance(&mut step) {
        walk(state, step, effects);
    } else {
        at_end(state, &step);
    }
}

/// Moves `step` on by one entry; false at the start of the list.
fn advance(step: &mut Step) -> bool {
    if step.forward {
        step.to += 1;
        true
    } else if let Some(to) = step.to.checked_sub(1) {
        step.to = to;
        true
    } else {
        false
    }
}

/// Goes on from `step.to` until an entry opens, the list ends, or an entry must be checked
/// (then it waits as a [`PendingOpen::Step`] and goes on when the check comes back).
pub(super) fn walk(state: &mut State, mut step: Step, effects: &mut Vec<Effect>) {
    // Back in the library or in another article meanwhile: nothing opens.
    let open = state
        .reader
        .as_ref()
        .filter(|r| state.screen == Screen::Reader && r.entry == step.from)
        .map(|r| r.key.clone());
    let Some(open) = open else {
        return;
    };
    loop {
        let Some(entry) = state.library.entries.get(step.to) else {
            if step.forward && state.reading_index {
                // More of INDEX.md is on its way.
                state.pending_open = Some(PendingOpen::Step(Box::new(step)));
            } else {
                at_end(state, &step);
            }
            return;
        };
        if !entry.target.is_checked() {
            let ahead = unchecked_ahead(state, &step);
            state.pending_open = Some(PendingOpen::Step(Box::new(step)));
            effects.push(Effect::Check { entries: ahead });
            return;
        }
        if let Some(problem) = entry.target.problem() {
            step.skipped.push(format!("“{}”: {problem}", entry.title));
        } else if state.entry_key(step.to) == Some(open.as_str()) {
            // The article open now, listed again.
        } else if !state.browse.is_shown(step.to) {
            step.finished_passed += 1;
        } else {
            // The place of the article left is saved before the next one opens.
            super::remember_position(state, open, effects);
            effects.push(Effect::Flush);
            state.browse.after_open = skipped_note(&step.skipped);
            state.browse.stepping = Some(Box::new(step.clone()));
            super::open_entry(state, step.to, effects);
            return;
        }
        if !advance(&mut step) {
            at_end(state, &step);
            return;
        }
    }
}

/// The entries not checked yet from `step.to` on, in its direction.
fn unchecked_ahead(state: &State, step: &Step) -> Vec<usize> {
    let count = state.library.entries.len();
    let unchecked = |i: &usize| !state.is_checked(*i);
    if step.forward {
        (step.to..count)
            .filter(unchecked)
            .take(CHECK_AHEAD)
            .collect()
    } else {
        (0..=step.to.min(count.saturating_sub(1)))
            .rev()
            .filter(unchecked)
            .take(CHECK_AHEAD)
            .collect()
    }
}

fn skipped_note(skipped: &[String]) -> Option<String> {
    match skipped {
        [] => None,
        [one] => Some(format!("skipped {one}")),
        many => Some(format!(
            "skipped {} entries that cannot be opened: {}",
            many.len(),
            many.join("; ")
        )),
    }
}

fn at_end(state: &mut State, step: &Step) {
    let mut text = match (step.forward, step.finished_passed > 0) {
        (true, false) => "this is the last article".to_string(),
        (false, false) => "this is the first article".to_string(),
        (true, true) => "no unfinished article after this one".to_string(),
        (false, true) => "no unfinished article before this one".to_string(),
    };
    if let Some(note) = skipped_note(&step.skipped) {
        text = format!("{text} ({note})");
    }
    state.flash = Some(text);
}

/// The heading drawn over the first row of the list: the innermost group of the entry on
/// the row below it once that group's heading has scrolled off. None when the list starts
/// with a heading, when the next rows start another group or belong to no group, and in the
/// filtered list (it has no headings).
pub fn sticky(state: &State) -> Option<usize> {
    sticky_at(state, state.offset)
}

/// [`sticky`] with the list scrolled to `offset`.
pub fn sticky_at(state: &State, offset: usize) -> Option<usize> {
    if offset == 0 || state.filter.rows().is_some() {
        return None;
    }
    if let LibraryRow::Group { .. } = state.rows.get(offset)? {
        return None;
    }
    // The entry seen first under the covered row (past the gap after an entry).
    let below = state.rows[offset + 1..]
        .iter()
        .find(|r| **r != LibraryRow::Blank)?;
    match below {
        LibraryRow::Title(i) | LibraryRow::Description(i) => state.browse.heading_of(*i),
        LibraryRow::Group { .. } | LibraryRow::Blank => None,
    }
}

/// The number of rows at the top of the list that a sticky heading covers (0 or 1).
pub fn covered(state: &State) -> usize {
    usize::from(sticky(state).is_some())
}

#[cfg(test)]
mod tests;
