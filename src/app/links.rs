//! Links in the open article: hints over the links on screen (`f`, then the letters of one,
//! as in vimium and qutebrowser), the list of every link (`F`), and following one.
//!
//! Where a link goes decides what following it does:
//! - `#slug` (a section, a footnote and back): moves in the article;
//! - a relative path (`other.md`, `other.md#slug`), resolved from the article's folder
//!   without touching the disk: opens the library's entry for that file, at that section;
//!   a path that leaves the library folder, or names a file INDEX.md does not list, says so;
//! - `http:`, `https:`, `mailto:`: the full address is shown for a yes or no first, then the
//!   runtime hands it to the system's opener ([`Effect::OpenUrl`]), or, with `osc52 = true`,
//!   `c` copies it through the terminal ([`Effect::CopyUrl`]);
//! - anything else (`javascript:`, `file:`, `data:`, other schemes) is refused with a
//!   message.
//!
//! Every link followed inside blatt pushes the place it was followed from on a back stack:
//! back (`q`, `Esc`, `Backspace`) in the reader goes there, exactly, before it leaves the
//! article.

use std::sync::Arc;

use super::{Effect, Mode, Overlay, State, remember_position};
use crate::anchor::Anchor;
use crate::document::{Document, Role};
use crate::layout::text_width;

/// The letters hints are made of, the home row first.
const HINT_KEYS: &str = "asdfghjklqwertyuiopzxcvbnm";

/// A link on screen and the letters that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    pub label: String,
    /// The screen line (0 = the top line of the text) and the cell in it where the link's
    /// text starts.
    pub row: usize,
    pub column: usize,
    /// The link: its block, where its text starts, and its target's index.
    pub block: usize,
    pub offset: usize,
    pub link: usize,
}

/// Hints shown over the links on screen, and the letters typed so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hints {
    pub items: Vec<Hint>,
    pub typed: String,
}

/// A place to come back to: an article and a place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackPlace {
    pub entry: usize,
    pub key: String,
    pub anchor: Anchor,
}

/// A web address waiting for yes or no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub url: String,
}

/// One link of the article, for the list of all links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub block: usize,
    pub offset: usize,
    pub link: usize,
    /// The link's text.
    pub text: String,
}

/// What a link's target is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// `#slug` in this article.
    Fragment(String),
    /// A file of the library (as written, before `#`) and a section in it.
    Local {
        path: String,
        fragment: Option<String>,
    },
    /// A web or mail address blatt may hand to the system.
    Web(String),
    /// Something blatt will not open (`javascript:`, `file:`, `data:`, other schemes).
    Refused(String),
}

/// Reads a link's target.
pub fn destination(target: &str) -> Destination {
    let target = target.trim();
    if let Some(fragment) = target.strip_prefix('#') {
        return Destination::Fragment(decode(fragment));
    }
    if let Some((scheme, _)) = target.split_once(':')
        && scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return match scheme.to_ascii_lowercase().as_str() {
            "http" | "https" | "mailto" => Destination::Web(target.to_string()),
            _ => Destination::Refused(scheme.to_ascii_lowercase()),
        };
    }
    if target.starts_with("//") {
        // A scheme-relative address: a web address without its scheme.
        return Destination::Refused("//".to_string());
    }
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, Some(decode(fragment))),
        None => (target, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() {
        return Destination::Fragment(fragment.unwrap_or_default());
    }
    Destination::Local {
        path: decode(path),
        fragment,
    }
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The parts of a relative path after `.` and `..` are taken out (`a/./b/../c` is `a/c`);
/// `None` when it climbs above where it starts.
fn normalized(path: &str) -> Option<Vec<String>> {
    let mut parts: Vec<String> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part.to_string()),
        }
    }
    Some(parts)
}

/// `f` in the reader: hints over the links on screen, or a word that there are none.
pub fn show_hints(state: &mut State) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let found = on_screen(reader);
    if found.is_empty() {
        state.flash = Some("no links on screen".to_string());
        return;
    }
    let labels = labels(found.len());
    let items = found
        .into_iter()
        .zip(labels)
        .map(|(mut hint, label)| {
            hint.label = label;
            hint
        })
        .collect();
    state.mode = Mode::Hints(Hints {
        items,
        typed: String::new(),
    });
}

/// `n` labels, all of one length: single letters while they suffice, else pairs (none is
/// the start of another, so a label is followed the moment it is typed).
fn labels(n: usize) -> Vec<String> {
    let keys: Vec<char> = HINT_KEYS.chars().collect();
    if n <= keys.len() {
        return keys.iter().take(n).map(char::to_string).collect();
    }
    keys.iter()
        .flat_map(|a| keys.iter().map(move |b| format!("{a}{b}")))
        .take(n)
        .collect()
}

/// The links on screen, in reading order, each once, where its text starts (or, for a link
/// that begins above the screen, where the screen starts).
fn on_screen(reader: &super::Reader) -> Vec<Hint> {
    let mut out: Vec<Hint> = Vec::new();
    for region in regions(reader) {
        let seen = out
            .iter()
            .any(|h| h.block == region.block && h.offset == region.offset && h.link == region.link);
        if !seen {
            out.push(Hint {
                label: String::new(),
                row: region.row,
                column: region.columns.start,
                block: region.block,
                offset: region.offset,
                link: region.link,
            });
        }
    }
    out
}

/// Where a link is drawn on one screen line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    /// The screen line (0 = the top line of the text) and the cells of the link in it.
    pub row: usize,
    pub columns: std::ops::Range<usize>,
    /// The link: its block, where its text starts, and its target's index.
    pub block: usize,
    pub offset: usize,
    pub link: usize,
}

/// The parts of links drawn on each screen line, in reading order: a link wrapped over two
/// lines has a region on each.
pub fn regions(reader: &super::Reader) -> Vec<Region> {
    let Some(layout) = reader.view() else {
        return Vec::new();
    };
    let doc = &reader.doc;
    let mut out = Vec::new();
    for (row, pos) in reader.visible().into_iter().enumerate() {
        let Some(line) = layout.lines(pos.block).and_then(|l| l.get(pos.line)) else {
            continue;
        };
        let block = doc.block(pos.block);
        let (start, end) = (line.start as usize, line.end as usize);
        for span in block.spans.iter().filter(|s| s.role == Role::Link) {
            let Some(link) = span.link() else {
                continue;
            };
            let range = span.range();
            if range.start >= end.max(start + 1) || range.end <= start {
                continue;
            }
            // The link's cells on this line: the segments the mark over it makes.
            let marks = [(range.start.max(start)..range.end, Role::Match)];
            let segments = layout.segments_marked(doc, pos, &marks);
            let mut column = 0;
            let mut cells: Option<std::ops::Range<usize>> = None;
            for segment in &segments {
                let width = text_width(&segment.text);
                if segment.roles.contains(Role::Match) && width > 0 {
                    let from = cells.as_ref().map_or(column, |c| c.start);
                    cells = Some(from..column + width);
                }
                column += width;
            }
            if let Some(columns) = cells {
                out.push(Region {
                    row,
                    columns,
                    block: pos.block,
                    offset: range.start,
                    link,
                });
            }
        }
    }
    out
}

/// A letter typed while hints show: the hint it completes is followed; letters that start
/// no hint end the hints with a word.
pub fn type_hint(state: &mut State, c: char, effects: &mut Vec<Effect>) {
    let Mode::Hints(hints) = &mut state.mode else {
        return;
    };
    hints.typed.push(c.to_ascii_lowercase());
    let typed = hints.typed.clone();
    let matching: Vec<&Hint> = hints
        .items
        .iter()
        .filter(|h| h.label.starts_with(&typed))
        .collect();
    match matching.as_slice() {
        [] => {
            state.mode = Mode::Normal;
            state.flash = Some(format!("no link is “{typed}”"));
        }
        [hint] if hint.label == typed => {
            let link = hint.link;
            state.mode = Mode::Normal;
            follow(state, link, effects);
        }
        _ => {}
    }
}

/// Backspace while hints show: the last letter typed goes.
pub fn erase_hint(state: &mut State) {
    if let Mode::Hints(hints) = &mut state.mode {
        hints.typed.pop();
    }
}

/// Follows link `link` (its target's index) of the open article.
pub fn follow(state: &mut State, link: usize, effects: &mut Vec<Effect>) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let Some(target) = reader.doc.link_target(link).map(str::to_string) else {
        return;
    };
    match destination(&target) {
        Destination::Fragment(fragment) => {
            let doc = Arc::clone(&reader.doc);
            match doc.fragment(&fragment) {
                Some((block, offset)) => {
                    push_back(state);
                    if let Some(reader) = state.reader.as_mut() {
                        reader.go_to_anchor(&Anchor::at(&doc, block, offset));
                        let key = reader.key.clone();
                        remember_position(state, key, effects);
                    }
                }
                None => {
                    state.show_message("No such place in this article", not_found(&doc, &fragment));
                }
            }
        }
        Destination::Local { path, fragment } => follow_local(state, &path, fragment, effects),
        Destination::Web(url) => {
            state.mode = Mode::Confirm(Confirm {
                url: crate::document::sanitize::escape_controls(&url),
            });
        }
        Destination::Refused(scheme) => {
            state.show_message(
                "This link is not opened",
                vec![
                    crate::document::sanitize::escape_controls(&shorten(&target, 300)),
                    String::new(),
                    format!(
                        "blatt opens only http, https and mailto addresses, and files of the library; this one is {scheme}{}.",
                        if scheme == "//" { "" } else { ":" }
                    ),
                ],
            );
        }
    }
}

/// What a message says when a fragment names no place: the fragment and the nearest slugs
/// of the article's sections.
pub fn not_found(doc: &Document, fragment: &str) -> Vec<String> {
    let mut lines = vec![format!(
        "“#{}” names no section of “{}”.",
        crate::document::sanitize::escape_controls(&shorten(fragment, 100)),
        doc.title
    )];
    let nearest = nearest_slugs(doc, fragment, 3);
    if !nearest.is_empty() {
        lines.push(String::new());
        lines.push("The nearest:".to_string());
        lines.extend(nearest.into_iter().map(|s| format!("  #{s}")));
    }
    lines
}

/// The slugs of the document's sections most like `fragment` (Jaro-Winkler), best first.
pub fn nearest_slugs(doc: &Document, fragment: &str, n: usize) -> Vec<String> {
    let mut slugs: Vec<(f64, String)> = doc
        .sections
        .iter()
        .map(|s| s.slug())
        .filter(|s| !s.is_empty())
        .map(|s| (strsim::jaro_winkler(fragment, &s), s))
        .collect();
    slugs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<String> = Vec::new();
    for (_, slug) in slugs {
        if !out.contains(&slug) {
            out.push(slug);
        }
        if out.len() == n {
            break;
        }
    }
    out
}

fn shorten(text: &str, chars: usize) -> String {
    if text.chars().count() <= chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(chars).collect();
    format!("{cut}…")
}

/// A link to a file: the entry of the library that lists it opens (at `fragment`); a path
/// leaving the library folder, or one INDEX.md does not list, gets a message.
fn follow_local(
    state: &mut State,
    path: &str,
    fragment: Option<String>,
    effects: &mut Vec<Effect>,
) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let shown = crate::document::sanitize::escape_controls(&shorten(path, 200));
    let here = state
        .library
        .entries
        .get(reader.entry)
        .map(|e| e.link.split('#').next().unwrap_or("").to_string())
        .unwrap_or_default();
    let folder = here.rsplit_once('/').map_or("", |(dir, _)| dir);
    let joined = if path.starts_with('/') {
        None
    } else if folder.is_empty() {
        normalized(path)
    } else {
        normalized(&format!("{folder}/{path}"))
    };
    let Some(wanted) = joined else {
        state.show_message(
            "This link leads outside the library",
            vec![
                shown,
                String::new(),
                "blatt follows links only to articles in the library's folder.".to_string(),
            ],
        );
        return;
    };
    let entry = state.library.entries.iter().position(|e| {
        let link = decode(e.link.split('#').next().unwrap_or(""));
        normalized(&link).is_some_and(|p| p == wanted)
    });
    let Some(entry) = entry else {
        state.show_message(
            "This article is not in the library",
            vec![
                shown,
                String::new(),
                "INDEX.md does not list it, so blatt cannot open it from here (`blatt index` adds the articles of a folder).".to_string(),
            ],
        );
        return;
    };
    if entry == reader.entry {
        // A link to the article itself, maybe to a section of it.
        let doc = Arc::clone(&reader.doc);
        let place = match fragment.as_deref() {
            Some(f) if !f.is_empty() => match doc.fragment(f) {
                Some(place) => place,
                None => {
                    state.show_message("No such place in this article", not_found(&doc, f));
                    return;
                }
            },
            _ => (0, 0),
        };
        push_back(state);
        if let Some(reader) = state.reader.as_mut() {
            reader.go_to_anchor(&Anchor::at(&doc, place.0, place.1));
            let key = reader.key.clone();
            remember_position(state, key, effects);
        }
        return;
    }
    push_back(state);
    state.open_fragment = fragment
        .filter(|f| !f.is_empty())
        .map(|f| (entry, Deep::Fragment(f)));
    state.fragment_guessed = false;
    super::open_entry(state, entry, effects);
}

/// Remembers where the reader is, for back.
fn push_back(state: &mut State) {
    if let Some(reader) = state.reader.as_ref() {
        state.back.push(BackPlace {
            entry: reader.entry,
            key: reader.key.clone(),
            anchor: reader.anchor(),
        });
    }
}

/// Back in the reader after following links: to the place the last one was followed from.
/// False when there is none (back then leaves the article).
pub fn go_back(state: &mut State, effects: &mut Vec<Effect>) -> bool {
    let Some(place) = state.back.pop() else {
        return false;
    };
    let Some(reader) = state.reader.as_mut() else {
        return false;
    };
    if reader.key == place.key {
        reader.go_to_anchor(&place.anchor);
        let key = reader.key.clone();
        remember_position(state, key, effects);
    } else {
        let key = reader.key.clone();
        remember_position(state, key, effects);
        state.open_at = Some((place.key, place.anchor));
        super::open_entry(state, place.entry, effects);
    }
    true
}

/// A place in an article to open it at, from a link or the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deep {
    /// `#slug`: a section (or a named place such as a footnote).
    Fragment(String),
    /// Section N, counted from 1 as the status line counts.
    Section(usize),
}

/// The article of `entry` was opened (or more of it arrived) to go to `state.open_fragment`:
/// goes there once the document has it. While a large article is still loading, the place
/// may come later; once it is all in, a place it does not have gets a message (the nearest
/// section slugs, or how many sections there are) and the article stays at its top.
pub fn arrived(state: &mut State) {
    let Some(reader) = state.reader.as_mut() else {
        return;
    };
    let Some((entry, deep)) = state.open_fragment.clone() else {
        return;
    };
    if entry != reader.entry {
        return;
    }
    // Shown where the file seemed to have it: checked once the whole article is there.
    if state.fragment_guessed && reader.provisional() {
        return;
    }
    // The article read in order: a window shown has only its own sections.
    let doc = Arc::clone(reader.main_doc());
    let place = match &deep {
        Deep::Fragment(fragment) => doc.fragment(fragment),
        Deep::Section(n) => n
            .checked_sub(1)
            .and_then(|i| doc.sections.get(i))
            .map(|s| (s.blocks.start, 0)),
    };
    match place {
        Some((block, offset)) => {
            state.open_fragment = None;
            let guessed = std::mem::take(&mut state.fragment_guessed);
            // The guess was right: the reader is in that section, maybe read on in it.
            if guessed && doc.section_of(reader.anchor().block) == doc.section_of(block) {
                return;
            }
            reader.reopen_at(&Anchor::at(&doc, block, offset));
        }
        None if !doc.complete => {}
        None => {
            state.open_fragment = None;
            state.fragment_guessed = false;
            // The reader stays where it is: at the top, or at the place it was reopened at.
            let lines = match &deep {
                Deep::Fragment(fragment) => not_found(&doc, fragment),
                Deep::Section(n) => vec![format!(
                    "“{}” has {} sections; there is no section {n}.",
                    doc.title,
                    doc.sections.len()
                )],
            };
            state.show_message("No such place in this article", lines);
        }
    }
}

/// The section a link names is not in the part of a large article read so far: its file
/// is scanned for where it may start (see [`crate::document::seek`]).
pub fn seek(state: &mut State, effects: &mut Vec<Effect>) {
    let (Some(reader), Some((entry, Deep::Fragment(fragment)))) =
        (state.reader.as_ref(), state.open_fragment.as_ref())
    else {
        return;
    };
    if *entry == reader.entry && reader.loading() {
        effects.push(Effect::Seek {
            entry: *entry,
            fragment: fragment.clone(),
        });
    }
}

/// Where the section a link names may start: the text there is read and shown at once, if
/// the reader still waits for that section far into the article (see [`seek`]).
pub fn sought(
    state: &mut State,
    entry: usize,
    fragment: &str,
    byte: Option<u64>,
    effects: &mut Vec<Effect>,
) {
    let waits = matches!(&state.open_fragment, Some((e, Deep::Fragment(f))) if *e == entry && f == fragment);
    let Some(reader) = state.reader.as_ref().filter(|r| r.entry == entry && waits) else {
        return;
    };
    if let Some(jump) = byte.and_then(|byte| reader.heading_jump(byte, fragment)) {
        state.fragment_guessed = true;
        effects.push(Effect::ReadAhead { entry, jump });
    }
}

impl State {
    /// Opens entry `entry` at `deep` (the command line's `ARTICLE#slug`, `--section N`,
    /// `--open ENTRY`).
    pub fn open_deep(&mut self, entry: usize, deep: Option<Deep>) -> Vec<Effect> {
        let mut effects = Vec::new();
        self.open_fragment = deep.map(|d| (entry, d));
        self.fragment_guessed = false;
        super::open_entry(self, entry, &mut effects);
        effects
    }
}

/// The answer to "open this address?": Enter or `y` opens it, `c` copies it (when copying
/// through the terminal is on), anything else leaves it.
pub fn answer(state: &mut State, key: char, effects: &mut Vec<Effect>) {
    let Mode::Confirm(confirm) = std::mem::take(&mut state.mode) else {
        return;
    };
    match key {
        '\n' | 'y' | 'Y' => {
            state.flash = Some("opening in the browser…".to_string());
            effects.push(Effect::OpenUrl(confirm.url));
        }
        'c' | 'C' if state.settings.osc52 => {
            state.flash = Some("copied to the clipboard".to_string());
            effects.push(Effect::CopyUrl(confirm.url));
        }
        _ => {}
    }
}

/// `F`: the list of every link of the article.
pub fn open_list(state: &mut State) {
    let Some(reader) = state.reader.as_ref() else {
        return;
    };
    let doc = &reader.doc;
    let mut list = Vec::new();
    for (index, block) in doc.blocks().enumerate() {
        for span in block.spans.iter().filter(|s| s.role == Role::Link) {
            if let Some(link) = span.link() {
                list.push(Listed {
                    block: index,
                    offset: span.range().start,
                    link,
                    text: block.text[span.range()].to_string(),
                });
            }
        }
    }
    if list.is_empty() {
        state.flash = Some("this article has no links".to_string());
        return;
    }
    state.links = list;
    state.overlay = Some(Overlay::Links {
        selected: 0,
        offset: 0,
    });
}

/// Enter in the list: that link is followed.
pub fn follow_listed(state: &mut State, selected: usize, effects: &mut Vec<Effect>) {
    let Some(listed) = state.links.get(selected).cloned() else {
        return;
    };
    follow(state, listed.link, effects);
}

#[cfg(test)]
mod tests;
