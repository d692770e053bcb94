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
    overlay_rows, overlay_width,
};
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
    };
    // Only the rows in view are made: a book has thousands of sections.
    let window = offset..(offset + usize::from(inner.height)).min(count);
    let rows: Vec<Line<'static>> = match overlay {
        Overlay::Contents { .. } => contents_rows(state, usize::from(inner.width), window.clone()),
        Overlay::Bookmarks { .. } => bookmark_rows(state, theme, window.clone()),
        Overlay::Help { context, .. } => state
            .keymap
            .help_lines(*context)
            .into_iter()
            .skip(window.start)
            .take(window.len())
            .map(Line::raw)
            .collect(),
    };
    frame_box(buf, rect, &title);
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

/// Clears a box and draws its rounded border with a bold title.
fn frame_box(buf: &mut Buffer, rect: Rect, title: &str) {
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
    frame_box(
        buf,
        rect,
        &format!(
            " Note · {} saves · Esc cancels ",
            crate::app::keymap::Chord::parse("Enter")
                .map_or_else(|_| "Enter".into(), |c| c.to_string())
        ),
    );
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
    let y = inner.y + 2;
    let room = usize::from(inner.width.saturating_sub(3));
    let scroll = typing.editor.visual_scroll(room);
    let shown = super::skip_cells(typing.text(), scroll);
    put(buf, area, inner.x, y, &Line::raw("> "), 2);
    put(
        buf,
        area,
        inner.x + 2,
        y,
        &Line::raw(shown.to_string()),
        inner.width.saturating_sub(2),
    );
    let cursor = typing.editor.visual_cursor().saturating_sub(scroll);
    let x = inner.x
        + 2
        + u16::try_from(cursor)
            .unwrap_or(u16::MAX)
            .min(inner.width.saturating_sub(3));
    frame.set_cursor_position((x, y));
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
