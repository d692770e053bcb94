//! Overlays drawn over a screen: the table of contents, help, bookmarks, the note editor and
//! messages. Their boxes come from [`geometry::overlay`], the same place `update` maps
//! clicks with.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use ratatui::Frame;

use super::{Theme, date, ellipsize, fill, put};
use crate::app::{
    Command, Message, Overlay, State, Typing, geometry, input, message_height, message_width,
    overlay_box, overlay_height, overlay_rows,
};
use crate::layout::text_width;

pub fn draw(buf: &mut Buffer, area: Rect, state: &State, overlay: &Overlay, theme: &Theme) {
    let count = overlay_rows(state, overlay);
    let rect = overlay_box(state, overlay).intersection(area);
    let inner = geometry::inner(rect);
    let list_height = u16::try_from(overlay_height(state, overlay)).unwrap_or(u16::MAX);
    let (title, selected, offset) = match overlay {
        Overlay::Contents { selected, offset } => (contents_title(state), Some(*selected), *offset),
        Overlay::Help { offset, .. } => (" Keys ".to_string(), None, *offset),
        Overlay::Bookmarks { selected, offset } => (
            format!(
                " Bookmarks · {} open · {} delete · {} undo ",
                state.hint(Command::Open),
                state.hint(Command::DeleteBookmark),
                state.hint(Command::Undo)
            ),
            Some(*selected),
            *offset,
        ),
        Overlay::Links { selected, offset } => (
            format!(
                " Links · {} follows · {} back ",
                state.hint(Command::Open),
                state.hint(Command::Back)
            ),
            Some(*selected),
            *offset,
        ),
        Overlay::Results { selected, offset } => (
            state
                .search_all
                .results
                .as_ref()
                .map(|r| format!(" {} ", r.summary()))
                .unwrap_or_default(),
            Some(*selected),
            *offset,
        ),
    };
    // Only the rows in view are made: a book has thousands of sections.
    let window = offset..(offset + usize::from(list_height.min(inner.height))).min(count);
    let rows: Vec<Line<'static>> = match overlay {
        Overlay::Contents { .. } => contents_rows(state, usize::from(inner.width), window.clone()),
        Overlay::Bookmarks { .. } => {
            bookmark_rows(state, theme, usize::from(inner.width), window.clone())
        }
        Overlay::Results { .. } => {
            result_rows(state, theme, usize::from(inner.width), window.clone())
        }
        Overlay::Links { .. } => link_rows(state, theme, usize::from(inner.width), window.clone()),
        Overlay::Help { context, .. } => state
            .keymap
            .help_lines(*context, crate::app::help_width(state))
            .into_iter()
            .skip(window.start)
            .take(window.len())
            .map(Line::raw)
            .collect(),
    };
    frame_box(buf, rect, &title);
    if let (Overlay::Bookmarks { selected, .. }, true) = (overlay, inner.height > list_height) {
        let detail = Rect::new(
            inner.x,
            inner.y + list_height,
            inner.width,
            inner.height - list_height,
        );
        bookmark_detail(buf, area, state, *selected, detail, theme);
    }
    let first = window.start;
    for (row, line) in rows.iter().enumerate() {
        let i = first + row;
        let y = inner.y + u16::try_from(row).unwrap_or(u16::MAX);
        if Some(i) == selected {
            fill(
                buf,
                Rect::new(inner.x, y, inner.width, 1),
                theme.selection(),
            );
        }
        put(buf, area, inner.x, y, line, inner.width);
        if Some(i) == selected {
            fill(
                buf,
                Rect::new(inner.x, y, inner.width, 1),
                theme.selection(),
            );
        }
    }
}

/// The contents' title: with an article still being read, what the list lacks (the
/// sections before a part read ahead, or those after what is read so far).
fn contents_title(state: &State) -> String {
    let reader = state.reader.as_ref();
    match reader.and_then(|r| r.loaded_percent().map(|p| (r.provisional(), p))) {
        Some((true, p)) => format!(" Contents · read {p}%: sections before this part to come "),
        Some((false, p)) => format!(" Contents · read {p}%: more to come "),
        None => " Contents ".to_string(),
    }
}

/// One row per link of the article: its text, then where it goes.
fn link_rows(
    state: &State,
    theme: &Theme,
    width: usize,
    window: std::ops::Range<usize>,
) -> Vec<Line<'static>> {
    let Some(reader) = state.reader.as_ref() else {
        return Vec::new();
    };
    let end = window.end.min(state.links.len());
    state.links[window.start.min(end)..end]
        .iter()
        .map(|listed| {
            let target = reader.doc.link_target(listed.link).unwrap_or_default();
            let text = ellipsize(&listed.text, (width / 2).max(8));
            let room = width.saturating_sub(text_width(&text) + 3);
            Line::from(vec![
                Span::styled(text, theme.role(crate::document::Role::Link)),
                Span::styled(" → ", theme.dim()),
                Span::raw(ellipsize(
                    &crate::document::sanitize::escape_controls(target),
                    room,
                )),
            ])
        })
        .collect()
}

/// The question before a web address is handed to the system: the whole address, wrapped,
/// and the keys that answer.
pub fn confirm(
    buf: &mut Buffer,
    area: Rect,
    state: &State,
    confirm: &crate::app::links::Confirm,
    theme: &Theme,
) {
    let width =
        usize::from(geometry::inner(geometry::overlay(area.width, area.height, 72, 1)).width)
            .max(1);
    let mut lines: Vec<Line<'static>> = textwrap::wrap(
        &confirm.url,
        textwrap::Options::new(width).break_words(true),
    )
    .into_iter()
    .map(|l| Line::raw(l.into_owned()))
    .collect();
    // A very long address shows its start and end.
    let most = usize::from(area.height.saturating_sub(8)).max(1);
    if lines.len() > most {
        let tail = lines.split_off(lines.len() - 1);
        lines.truncate(most.saturating_sub(1).max(1));
        lines.push(Line::styled("…", theme.dim()));
        lines.extend(tail);
    }
    lines.push(Line::raw(""));
    let copy = if state.settings.osc52 {
        " · c copies it"
    } else {
        ""
    };
    let keys = format!("Enter or y opens it in the browser{copy} · any other key: no");
    lines.extend(
        textwrap::wrap(&keys, textwrap::Options::new(width))
            .into_iter()
            .map(|l| Line::styled(l.into_owned(), theme.dim())),
    );
    let rect = geometry::overlay(area.width, area.height, 72, lines.len()).intersection(area);
    let inner = geometry::inner(rect);
    frame_box(buf, rect, " Open this address? ");
    for (row, line) in lines.iter().take(usize::from(inner.height)).enumerate() {
        let y = inner.y + u16::try_from(row).unwrap_or(u16::MAX);
        put(buf, area, inner.x, y, line, inner.width);
    }
}

/// The rows of a library-wide search in view: each article with its count, its hits
/// (`section: snippet` with the match highlighted), and how many more it has; while nothing
/// is listed yet, what is going on.
fn result_rows(
    state: &State,
    theme: &Theme,
    width: usize,
    window: std::ops::Range<usize>,
) -> Vec<Line<'static>> {
    use crate::app::results::{Phase, ResultRow};
    let Some(results) = state.search_all.results.as_ref() else {
        return Vec::new();
    };
    if results.rows.is_empty() {
        let text = match (&results.notice, results.phase) {
            (_, Phase::Done) => format!("no match for {}", results.shown()),
            (_, Phase::Stopped) => "stopped before anything matched".to_string(),
            (Some(notice), _) => notice.clone(),
            (None, Phase::Indexing { .. }) => {
                "making the search index (once; the next searches are fast)…".to_string()
            }
            (None, _) => "searching…".to_string(),
        };
        return vec![Line::styled(ellipsize(&text, width), theme.dim())];
    }
    let matched = theme.role(crate::document::Role::Match);
    results.rows[window.start.min(results.rows.len())..window.end.min(results.rows.len())]
        .iter()
        .map(|row| match *row {
            ResultRow::Article(g) => {
                let group = &results.groups[g];
                let title = state
                    .library
                    .entries
                    .get(group.entry)
                    .map_or("", |e| e.title.as_str());
                let count = format!(
                    " · {} {}",
                    group.count,
                    if group.count == 1 { "match" } else { "matches" }
                );
                let room = width.saturating_sub(text_width(&count));
                Line::from(vec![
                    Span::styled(
                        ellipsize(title, room.max(4)),
                        Style::new().add_modifier(Modifier::BOLD),
                    ),
                    Span::styled(count, theme.dim()),
                ])
            }
            ResultRow::Hit(g, h) => {
                let group = &results.groups[g];
                let hit = &group.hits[h];
                let indent = "  ";
                // A section named as its article (one without headings, or the part under
                // its title) is not named again under the article's row.
                let title = state.library.entries.get(group.entry).map(|e| &e.title);
                let section = if hit.section.is_empty() || title == Some(&hit.section) {
                    String::new()
                } else {
                    // The section takes at most a third of the row: the snippet matters.
                    format!("{}: ", ellipsize(&hit.section, width / 3))
                };
                let room = width.saturating_sub(indent.len() + text_width(&section));
                let (before, found, after) = snippet_window(&hit.snippet, &hit.matched, room);
                Line::from(vec![
                    Span::raw(indent),
                    Span::styled(section, theme.dim()),
                    Span::raw(before),
                    Span::styled(found, matched),
                    Span::raw(after),
                ])
            }
            ResultRow::More(g) => {
                let group = &results.groups[g];
                let more = group.count - group.hits.len();
                let (open, next) = (
                    state.hint(Command::Open),
                    state.keymap.hint(crate::app::Context::Reader, Command::NextMatch),
                );
                // Past the hits the list keeps in all, an article has none listed.
                let text = if group.hits.is_empty() {
                    format!(
                        "  … {more} in this article, none listed ({open} opens at the first, then {next} goes on)"
                    )
                } else {
                    format!(
                        "  … {more} more in this article ({open} opens at the last one listed, then {next} goes on)"
                    )
                };
                Line::styled(ellipsize(&text, width), theme.dim())
            }
        })
        .collect()
}

/// The part of a snippet that fits `room` cells with its match in view: some text before
/// the match (a third of what is left, more when little follows), the match, then what
/// follows; an ellipsis where the snippet was cut, at a word's edge where one is in reach
/// (a word cut in two reads as another word).
fn snippet_window(
    snippet: &str,
    matched: &std::ops::Range<usize>,
    room: usize,
) -> (String, String, String) {
    let (Some(before), Some(found), Some(after)) = (
        snippet.get(..matched.start),
        snippet.get(matched.clone()),
        snippet.get(matched.end..),
    ) else {
        return (ellipsize(snippet, room), String::new(), String::new());
    };
    if text_width(snippet) <= room {
        return (before.to_string(), found.to_string(), after.to_string());
    }
    let found_width = text_width(found);
    if found_width >= room {
        return (String::new(), ellipsize(found, room), String::new());
    }
    let left = room - found_width;
    let want_before = (left / 3).max(left.saturating_sub(text_width(after)));
    let before = if text_width(before) <= want_before {
        before.to_string()
    } else {
        // The end of what comes before, after an ellipsis.
        use unicode_segmentation::UnicodeSegmentation;
        let mut kept = Vec::new();
        let mut used = 1;
        for g in before.graphemes(true).rev() {
            let w = text_width(g);
            if used + w > want_before {
                break;
            }
            used += w;
            kept.push(g);
        }
        let tail: String = kept.into_iter().rev().collect();
        // Cut inside a word: from the next word on, if one starts in what is kept.
        let cut_in_word = before[..before.len() - tail.len()]
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_whitespace())
            && tail.chars().next().is_some_and(|c| !c.is_whitespace());
        let tail = match tail.find(char::is_whitespace) {
            Some(space) if cut_in_word => tail[space..].trim_start(),
            _ => &tail,
        };
        if want_before > 0 {
            format!("…{tail}")
        } else {
            tail.to_string()
        }
    };
    let after = ellipsize_words(after, room - found_width - text_width(&before));
    (before, found.to_string(), after)
}

/// [`ellipsize`], cut at the end of a word when one ends in what fits (and the text was cut
/// inside a word).
fn ellipsize_words(text: &str, width: usize) -> String {
    let cut = ellipsize(text, width);
    let Some(kept) = cut.strip_suffix('…').filter(|_| cut != text) else {
        return cut;
    };
    let in_word = text[kept.len()..]
        .chars()
        .next()
        .is_some_and(|c| !c.is_whitespace())
        && kept.chars().next_back().is_some_and(|c| !c.is_whitespace());
    match kept.rfind(char::is_whitespace) {
        Some(space) if in_word => format!("{}…", kept[..space].trim_end()),
        _ => cut,
    }
}

/// Reading time of `words` words at 200 words a minute.
fn reading_time(words: usize) -> String {
    match words {
        0 => String::new(),
        1..=199 => "<1 min".into(),
        n => format!("{} min", (n + 100) / 200),
    }
}

fn contents_rows(
    state: &State,
    width: usize,
    window: std::ops::Range<usize>,
) -> Vec<Line<'static>> {
    let Some(reader) = state.reader.as_ref() else {
        return Vec::new();
    };
    let doc = &reader.doc;
    let current = reader.current_section();
    doc.sections
        .iter()
        .enumerate()
        .skip(window.start)
        .take(window.len())
        .map(|(i, section)| {
            let marker = if i == current { "▸" } else { " " };
            let read = if reader.is_read(i) { "✓" } else { " " };
            let star = if state.section_marked(i) { "★" } else { " " };
            // Indented once per enclosing heading: chapters under their book.
            let indent = "  ".repeat(section.path.len().saturating_sub(1));
            let title = section
                .title
                .clone()
                .unwrap_or_else(|| format!("{} (opening)", doc.title));
            // While a search is on, the sections with matches show how many.
            let time = match reader.find.as_ref().map(|f| f.per_section.get(i).copied()) {
                Some(Some(n)) if n > 0 => {
                    format!("{n} {}", if n == 1 { "match" } else { "matches" })
                }
                _ => reading_time(section.words),
            };
            let left = format!("{marker}{read}{star} {indent}");
            let room = width.saturating_sub(text_width(&left) + text_width(&time) + 1);
            let title = ellipsize(&title, room);
            let pad = room.saturating_sub(text_width(&title)) + 1;
            let style = if i == current {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            Line::from(vec![
                Span::raw(left),
                Span::styled(title, style),
                Span::raw(" ".repeat(pad)),
                Span::raw(time),
            ])
        })
        .collect()
}

/// One row per bookmark, its parts kept by priority as the width allows: the document's
/// title (on the first of its bookmarks), the section, how far in, the date, the note.
fn bookmark_rows(
    state: &State,
    theme: &Theme,
    width: usize,
    window: std::ops::Range<usize>,
) -> Vec<Line<'static>> {
    let list = state.bookmark_list();
    // The document's title is shown on the first of its bookmarks in view.
    let mut previous_doc: Option<String> = window
        .start
        .checked_sub(1)
        .and_then(|i| list.get(i))
        .map(|(_, b)| b.doc.clone());
    // The title column is as wide as the widest title in view needs, at most a third.
    let widest = list
        .iter()
        .skip(window.start)
        .take(window.len())
        .map(|(_, b)| text_width(&b.doc_title))
        .max()
        .unwrap_or(0);
    let title_width = widest.min(width / 3).max(4);
    list.into_iter()
        .skip(window.start)
        .take(window.len())
        .map(|(_, b)| {
            let doc = if previous_doc.as_deref() == Some(b.doc.as_str()) {
                String::new()
            } else {
                previous_doc = Some(b.doc.clone());
                b.doc_title.clone()
            };
            let doc = ellipsize(&doc, title_width);
            let pad = title_width.saturating_sub(text_width(&doc)) + 1;
            let mut spans = vec![
                Span::styled(doc, Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(" ".repeat(pad)),
                Span::styled("★ ", theme.bookmark()),
            ];
            let mut room = width.saturating_sub(title_width + 1 + 2);
            let status = bookmark_status(state, b);
            let mut tail: Vec<(String, Style)> = Vec::new();
            if let Some(p) = b.percent {
                tail.push((format!(" {p}%"), theme.dim()));
            }
            if !status.is_empty() {
                tail.push((format!(" ({status})"), theme.error()));
            }
            tail.push((format!(" {}", date(b.updated)), theme.dim()));
            // The section gets what it needs, up to what leaves room for the position.
            let reserve: usize = tail.first().map_or(0, |(t, _)| text_width(t));
            let section = ellipsize(&b.section_title, room.saturating_sub(reserve).max(4));
            room = room.saturating_sub(text_width(&section));
            spans.push(Span::raw(section));
            for (text, style) in tail {
                if text_width(&text) <= room {
                    room -= text_width(&text);
                    spans.push(Span::styled(text, style));
                }
            }
            if !b.note.is_empty() && room > 6 {
                let note = ellipsize(&format!(" — {}", b.note), room);
                spans.push(Span::styled(
                    note,
                    Style::new().add_modifier(Modifier::ITALIC),
                ));
            }
            Line::from(spans)
        })
        .collect()
}

/// Why a bookmark cannot be opened here, if it cannot: its file is gone, or it belongs to
/// another library, or this library does not list its document.
fn bookmark_status(state: &State, bookmark: &crate::store::Bookmark) -> String {
    if state.missing_docs.contains(&bookmark.doc) {
        "file is gone".into()
    } else if !bookmark.library.is_empty() && bookmark.library != state.library.origin.key() {
        format!("in {}", library_name(&bookmark.library))
    } else if state.is_orphan(bookmark) {
        "not in library".into()
    } else {
        String::new()
    }
}

/// A library's name for people: the folder of its INDEX.md; a single article (`blatt
/// ARTICLE`) is named by its file.
fn library_name(key: &str) -> String {
    let path = std::path::Path::new(key);
    let named = if crate::library::is_index_file(path) {
        path.parent().and_then(|p| p.file_name())
    } else {
        path.file_name()
    };
    match named {
        Some(name) if key != "bundled" => name.to_string_lossy().into_owned(),
        _ => key.to_string(),
    }
}

/// The selected bookmark in full below the list: document and section, where and when, the
/// excerpt and the whole note, wrapped.
fn bookmark_detail(
    buf: &mut Buffer,
    area: Rect,
    state: &State,
    selected: usize,
    rect: Rect,
    theme: &Theme,
) {
    let list = state.bookmark_list();
    let Some((_, b)) = list.get(selected) else {
        return;
    };
    let width = usize::from(rect.width).max(1);
    let mut lines: Vec<Line<'static>> = vec![Line::styled("─".repeat(width), theme.dim())];
    let status = bookmark_status(state, b);
    let mut place = format!("{} › {}", b.doc_title, b.section_title);
    if let Some(p) = b.percent {
        place.push_str(&format!(" · {p}%"));
    }
    place.push_str(&format!(" · {}", date(b.updated)));
    if !b.library.is_empty() {
        place.push_str(&format!(" · library {}", library_name(&b.library)));
    }
    if !status.is_empty() {
        place.push_str(&format!(" · {status}"));
    }
    let wrap = |text: &str| -> Vec<String> {
        textwrap::wrap(text, textwrap::Options::new(width))
            .into_iter()
            .map(|l| l.into_owned())
            .collect()
    };
    lines.extend(
        wrap(&place)
            .into_iter()
            .map(|l| Line::styled(l, theme.dim())),
    );
    if !b.excerpt.is_empty() {
        lines.extend(
            wrap(&format!("“{}…”", b.excerpt))
                .into_iter()
                .map(Line::raw),
        );
    }
    if !b.note.is_empty() {
        lines.extend(
            wrap(&format!("Note: {}", b.note))
                .into_iter()
                .map(|l| Line::styled(l, Style::new().add_modifier(Modifier::ITALIC))),
        );
    }
    let rows = usize::from(rect.height);
    if lines.len() > rows && rows > 0 {
        lines.truncate(rows);
        if let Some(last) = lines.last_mut() {
            let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            *last = Line::raw(ellipsize(&format!("{text} …"), width));
        }
    }
    for (i, line) in lines.iter().enumerate() {
        let y = rect.y + u16::try_from(i).unwrap_or(u16::MAX);
        put(buf, area, rect.x, y, line, rect.width);
    }
}

/// Clears a box and draws its rounded border with a bold title.
fn frame_box(buf: &mut Buffer, rect: Rect, title: &str) {
    // A wide character (CJK) just left of the box would lose its right half under the
    // border, and a terminal would then draw it over the border: blank it.
    if rect.x > buf.area.x {
        for y in rect.top()..rect.bottom() {
            if let Some(cell) = buf.cell_mut((rect.x - 1, y))
                && crate::layout::text_width(cell.symbol()) > 1
            {
                cell.set_symbol(" ");
            }
        }
    }
    Clear.render(rect, buf);
    Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Line::styled(
            ellipsize(title, usize::from(rect.width.saturating_sub(2))),
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .render(rect, buf);
}

/// The note editor: the section, then the text with the cursor, scrolled sideways so the
/// cursor and what is typed around it stay in view.
pub fn note(frame: &mut Frame<'_>, state: &State, typing: &Typing, theme: &Theme) {
    let area = frame.area();
    let rect = geometry::overlay(area.width, area.height, 64, 3).intersection(area);
    let inner = geometry::inner(rect);
    let buf = frame.buffer_mut();
    frame_box(buf, rect, " Note · Enter saves · Esc cancels ");
    let section = state
        .reader
        .as_ref()
        .map(|r| r.section_label(r.current_section()))
        .unwrap_or_default();
    put(
        buf,
        area,
        inner.x,
        inner.y,
        &Line::styled(format!("Section: {section}"), theme.dim()),
        inner.width,
    );
    if inner.height < 3 {
        return;
    }
    let row = Rect::new(inner.x, inner.y + 2, inner.width, 1);
    super::edited_line(frame, row, "> ", typing);
}

/// A message, wrapped to its box and scrolled; the last rows say how to close it.
pub fn message(buf: &mut Buffer, area: Rect, state: &State, message: &Message, theme: &Theme) {
    let rows = input::message_rows(message, message_width(state));
    let height = message_height(state);
    let total = rows.len() + 2;
    let rect = geometry::overlay(area.width, area.height, crate::app::MESSAGE_WIDTH, total)
        .intersection(area);
    let inner = geometry::inner(rect);
    frame_box(buf, rect, &format!(" {} ", message.title));
    let more = total > height;
    let hint = if more {
        format!(
            "{}/{} scroll · any other key closes",
            state.hint(Command::Down),
            state.hint(Command::Up)
        )
    } else {
        "any key closes".to_string()
    };
    let lines: Vec<Line<'static>> = rows
        .into_iter()
        .map(Line::raw)
        .chain([Line::raw(""), Line::styled(hint, theme.dim())])
        .skip(message.offset)
        .take(height)
        .collect();
    for (row, line) in lines.iter().enumerate() {
        let y = inner.y + u16::try_from(row).unwrap_or(u16::MAX);
        put(buf, area, inner.x, y, line, inner.width);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The snippet's parts and the words of its text, for a match in the middle.
    fn window(snippet: &str, word: &str, room: usize) -> (String, String, String) {
        let start = snippet.find(word).expect("the word is in the snippet");
        snippet_window(snippet, &(start..start + word.len()), room)
    }

    #[test]
    fn a_snippet_cut_to_fit_is_cut_between_words() {
        let snippet = "im Deutschen Bundestag beschlossen die Abgeordneten gestern das Gesetz über \
                       die Regierung und ihre Ausschüsse nach langer Beratung am Abend";
        let words: Vec<&str> = snippet.split_whitespace().collect();
        for room in 20..70 {
            let (before, found, after) = window(snippet, "Regierung", room);
            assert_eq!(found, "Regierung");
            let shown = format!("{before}{found}{after}");
            assert!(text_width(&shown) <= room, "{shown:?} in {room}");
            // Every word shown is a whole word of the snippet (the match stands alone).
            for w in shown.trim_matches('…').split_whitespace() {
                let w = w.trim_matches('…');
                assert!(
                    w.is_empty() || words.contains(&w),
                    "{w:?} is cut from a word in {shown:?} ({room} cells)"
                );
            }
        }
        // A word longer than the room around it is still cut inside (nothing else fits).
        let (before, _, after) = window(
            "Donaudampfschifffahrtsgesellschaft Regierung Kapitänsmütze",
            "Regierung",
            20,
        );
        assert!(before.starts_with('…') || before.is_empty());
        assert!(after.ends_with('…') || after.is_empty());
    }

    #[test]
    fn what_follows_the_match_is_shown_whole_when_it_fits_even_with_its_own_ellipsis() {
        let snippet = "…eine lange Einleitung vor der Sache mit der Regierung endet hier…";
        let (before, found, after) = window(snippet, "Regierung", 40);
        assert_eq!(found, "Regierung");
        assert_eq!(after, " endet hier…");
        assert!(before.starts_with('…'));
    }

    #[test]
    fn a_snippet_that_fits_is_shown_whole() {
        assert_eq!(
            window("vor Regierung nach", "Regierung", 40),
            ("vor ".into(), "Regierung".into(), " nach".into())
        );
    }
}
