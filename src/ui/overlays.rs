//! Overlays drawn over a screen: the table of contents, help, bookmarks, the note editor and
//! messages. Their boxes come from [`geometry::overlay`], the same place `update` maps
//! clicks with.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Widget};

use super::{Theme, date, ellipsize, fill, help, put};
use crate::app::{Command, Overlay, State, geometry, overlay_rows, overlay_width};
use crate::layout::text_width;

pub fn draw(buf: &mut Buffer, area: Rect, state: &State, overlay: &Overlay, theme: &Theme) {
    let count = overlay_rows(state, overlay);
    let rect = geometry::overlay(area.width, area.height, overlay_width(overlay), count);
    let rect = rect.intersection(area);
    let inner = geometry::inner(rect);
    let (title, selected, offset) = match overlay {
        Overlay::Contents { selected, offset } => {
            (" Contents ".to_string(), Some(*selected), *offset)
        }
        Overlay::Help { offset } => (" Keys ".to_string(), None, *offset),
        Overlay::Bookmarks { selected, offset } => (
            format!(
                " Bookmarks · {} open · {} delete · {} undo ",
                state.keymap.hint(Command::Open),
                state.keymap.hint(Command::HalfPageDown),
                state.keymap.hint(Command::HalfPageUp)
            ),
            Some(*selected),
            *offset,
        ),
        Overlay::Note { .. } => (" Note · Enter saves · Esc cancels ".to_string(), None, 0),
        Overlay::Message { title, .. } => (format!(" {title} "), None, 0),
    };
    // Only the rows in view are made: a book has thousands of sections.
    let window = offset..(offset + usize::from(inner.height)).min(count);
    let rows: Vec<Line<'static>> = match overlay {
        Overlay::Contents { .. } => contents_rows(state, usize::from(inner.width), window.clone()),
        Overlay::Bookmarks { .. } => bookmark_rows(state, theme, window.clone()),
        Overlay::Help { .. } => help::lines(&state.keymap)
            .into_iter()
            .skip(window.start)
            .take(window.len())
            .map(Line::raw)
            .collect(),
        Overlay::Note { text } => note_rows(state, text, theme),
        Overlay::Message { lines, .. } => lines
            .iter()
            .map(|l| Line::raw(l.clone()))
            .chain([Line::raw(""), Line::styled("any key closes", theme.dim())])
            .take(usize::from(inner.height))
            .collect(),
    };
    Clear.render(rect, buf);
    Block::bordered()
        .border_type(BorderType::Rounded)
        .title(Line::styled(
            ellipsize(&title, usize::from(rect.width.saturating_sub(2))),
            Style::new().add_modifier(Modifier::BOLD),
        ))
        .render(rect, buf);
    let first = if matches!(overlay, Overlay::Note { .. } | Overlay::Message { .. }) {
        0
    } else {
        window.start
    };
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
    let min_level = doc.headings().map(|(_, s)| s.level).min().unwrap_or(1);
    doc.sections
        .iter()
        .enumerate()
        .skip(window.start)
        .take(window.len())
        .map(|(i, section)| {
            let marker = if i == current { "▸" } else { " " };
            let read = if reader.is_read(i) { "✓" } else { " " };
            let star = if state.bookmarked(&section.path).is_some() {
                "★"
            } else {
                " "
            };
            let indent = "  ".repeat(usize::from(section.level.saturating_sub(min_level)));
            let title = section
                .title
                .clone()
                .unwrap_or_else(|| format!("{} (opening)", doc.title));
            let time = reading_time(section.words);
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

fn bookmark_rows(
    state: &State,
    theme: &Theme,
    window: std::ops::Range<usize>,
) -> Vec<Line<'static>> {
    let list = state.bookmark_list();
    // The document's title is shown on the first of its bookmarks in view.
    let mut previous_doc: Option<String> = window
        .start
        .checked_sub(1)
        .and_then(|i| list.get(i))
        .map(|(_, b)| b.doc.clone());
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
            let orphan = if state.is_orphan(b) {
                " (not in library)"
            } else {
                ""
            };
            // Document, date, then the section and its note, which may run long.
            let doc = ellipsize(&doc, 28);
            let pad = 29usize.saturating_sub(text_width(&doc));
            let mut spans = vec![
                Span::styled(doc, Style::new().add_modifier(Modifier::BOLD)),
                Span::raw(" ".repeat(pad)),
                Span::styled(format!("{}{orphan} ", date(b.updated)), theme.dim()),
                Span::styled("★ ", theme.bookmark()),
                Span::raw(b.section_title.clone()),
            ];
            if !b.note.is_empty() {
                spans.push(Span::styled(
                    format!(" — {}", b.note),
                    Style::new().add_modifier(Modifier::ITALIC),
                ));
            }
            Line::from(spans)
        })
        .collect()
}

fn note_rows(state: &State, text: &str, theme: &Theme) -> Vec<Line<'static>> {
    let section = state
        .reader
        .as_ref()
        .and_then(|r| r.doc.sections.get(r.current_section()).map(|s| (r, s)))
        .map(|(r, s)| {
            s.title
                .clone()
                .unwrap_or_else(|| format!("{} (opening)", r.doc.title))
        })
        .unwrap_or_default();
    vec![
        Line::styled(format!("Section: {section}"), theme.dim()),
        Line::raw(""),
        Line::from(vec![
            Span::raw(format!("> {text}")),
            Span::styled("▏", theme.bookmark()),
        ]),
    ]
}
