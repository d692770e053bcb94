//! The reader screen: the title, the article in a centred column, a status line with the
//! current section, its number, the percentage read and key hints, and a scrollbar.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{Theme, ellipsize, fill, put};
use crate::app::{Command, Context, Reader, State, geometry};
use crate::layout::text_width;

pub fn draw(buf: &mut Buffer, area: Rect, state: &State, reader: &Reader, theme: &Theme) {
    let Some(areas) = geometry::reader(area.width, area.height, state.settings.max_width) else {
        return;
    };
    let doc = &reader.doc;
    let visible = reader.visible();
    // A running header: the title stays in view while the text scrolls; while the title
    // itself is on screen, the header shows where the article comes from instead.
    let title_on_screen = visible
        .iter()
        .any(|p| *doc.block(p.block).kind == crate::document::BlockKind::Title);
    let lead = if title_on_screen {
        state
            .library
            .entries
            .get(reader.entry)
            .map(|e| e.description.clone())
            .unwrap_or_default()
    } else {
        doc.title.clone()
    };
    // Author and date from the article's front matter follow.
    let header = [lead, doc.meta.byline()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let header = ellipsize(&header, usize::from(areas.text.width));
    put(
        buf,
        area,
        areas.text.x,
        0,
        &Line::styled(header, theme.dim()),
        areas.text.width,
    );

    if let Some(layout) = reader.view() {
        for (i, pos) in visible.iter().enumerate() {
            let y = areas.text.y + u16::try_from(i).unwrap_or(u16::MAX);
            let marks = reader
                .find
                .as_ref()
                .map(|f| f.marks(pos.block, doc.block(pos.block).text.len()))
                .unwrap_or_default();
            let spans: Vec<Span<'_>> = layout
                .segments_marked(doc, *pos, &marks)
                .into_iter()
                .map(|s| {
                    let mut style = theme.paint(s.paint);
                    for role in s.roles.iter() {
                        style = style.patch(theme.role(role));
                    }
                    Span::styled(s.text, style)
                })
                .collect();
            put(
                buf,
                area,
                areas.text.x,
                y,
                &Line::from(spans),
                areas.text.width,
            );
            // A bookmark mark in the margin beside the first line of a bookmarked place.
            let first_text = layout
                .lines(pos.block)
                .and_then(|lines| lines.get(pos.line))
                .is_some_and(|l| l.is_first() && !l.is_gap());
            if first_text && areas.text.x >= 2 && state.mark_at(pos.block).is_some() {
                put(
                    buf,
                    area,
                    areas.text.x - 2,
                    y,
                    &Line::styled("★", theme.bookmark()),
                    1,
                );
            }
        }
    }
    if doc.is_empty() {
        put(
            buf,
            area,
            areas.text.x,
            areas.text.y,
            &Line::styled("(this article is empty)", theme.dim()),
            areas.text.width,
        );
    }
    // Measured once per frame; the scrollbar and the status line both show it.
    let percent = reader.percent();
    scrollbar(buf, area, areas.scrollbar, reader, percent, theme);
    status(buf, area, areas.status, state, reader, percent, theme);
}

fn scrollbar(
    buf: &mut Buffer,
    area: Rect,
    bar: Rect,
    reader: &Reader,
    percent: f32,
    theme: &Theme,
) {
    if bar.height == 0 {
        return;
    }
    let height = f64::from(bar.height);
    let (block, offset) = reader.view().map_or((0, 0), |l| l.content_at(reader.top));
    let start = reader.doc.fraction_at(block, offset);
    let end = f64::from(percent) / 100.0;
    let first = (start * height).floor() as u16;
    let last = ((end * height).ceil() as u16)
        .max(first + 1)
        .min(bar.height);
    for row in 0..bar.height {
        let (symbol, style) = if row >= first && row < last {
            ("┃", Style::new())
        } else {
            ("│", theme.dim())
        };
        put(
            buf,
            area,
            bar.x,
            bar.y + row,
            &Line::styled(symbol, style),
            1,
        );
    }
}

fn status(
    buf: &mut Buffer,
    area: Rect,
    row: Rect,
    state: &State,
    reader: &Reader,
    percent: f32,
    theme: &Theme,
) {
    fill(buf, row, theme.status());
    let doc = &reader.doc;
    let current = reader.current_section();
    let section = match doc.sections.get(current) {
        Some(s) if s.title.is_some() => reader.section_label(current),
        _ => doc.title.clone(),
    };
    let bookmark = if state.section_marked(current) {
        "★ "
    } else {
        ""
    };
    let loading = reader
        .loaded_percent()
        .map_or_else(String::new, |p| format!(" loading {p}% ·"));
    let right = if reader.provisional() {
        // A window read ahead: the sections before it and the exact place are not known
        // until the article is read up to it.
        format!("{loading} § ?/? · ~{}% ", percent.floor() as u32)
    } else {
        format!(
            "{loading} {}/{} · {:>3}% ",
            current + 1,
            doc.sections.len(),
            percent.floor() as u32
        )
    };
    let reopening = reader
        .pending
        .as_ref()
        .map(|_| "reopening where you stopped…".to_string());
    let width = usize::from(row.width);
    let right_width = text_width(&right);
    let room = width.saturating_sub(right_width);
    // What just happened (a message, "reopening…") always shows, in the section's place if
    // there is no room for both.
    let mut spans = Vec::new();
    // A search's place shows with a notice (`search went round to the top · match 1/9`).
    let search = reader.find.as_ref().and_then(|f| f.status(reader));
    let news = match (state.flash.clone().or(reopening), search) {
        // The same words once (`no match for …` is both).
        (Some(news), Some(search)) if news == search => Some(news),
        (Some(news), Some(search)) => Some(format!("{news} · {search}")),
        (news, search) => news.or(search),
    };
    if let Some(news) = news {
        // A search status that names the section at the top says it once.
        let named = news.ends_with(&format!(" · {section}"));
        let section = format!(" {bookmark}{section}");
        let both = !named && text_width(&section) + text_width(&news) + 4 <= room;
        let left = if both {
            format!("{section}  {news}")
        } else {
            format!(" {bookmark}{news}")
        };
        let left = ellipsize(&left, room);
        let pad = room.saturating_sub(text_width(&left));
        spans.push(Span::styled(left, theme.status()));
        spans.push(Span::styled(" ".repeat(pad), theme.status()));
    } else {
        let hints = format!(
            "{}/{} section  {} contents  {} help",
            state.keymap.hint(Context::Reader, Command::PreviousSection),
            state.keymap.hint(Context::Reader, Command::NextSection),
            state.keymap.hint(Context::Reader, Command::Contents),
            state.keymap.hint(Context::Reader, Command::Help),
        );
        let hints_width = text_width(&hints) + 4;
        let (left_room, show_hints) = if room >= 24 + hints_width {
            (room - hints_width, true)
        } else {
            (room, false)
        };
        let left = ellipsize(&format!(" {bookmark}{section}"), left_room);
        spans.push(Span::styled(left.clone(), theme.status()));
        let pad = left_room.saturating_sub(text_width(&left));
        spans.push(Span::styled(" ".repeat(pad), theme.status()));
        if show_hints {
            spans.push(Span::styled(format!("  {hints}  "), theme.status()));
        }
    }
    spans.push(Span::styled(right, theme.status()));
    put(buf, area, row.x, row.y, &Line::from(spans), row.width);
}

/// The letters of the link hints, over the start of each link on screen, those that no
/// longer match what was typed left out, the letters typed so far dimmed.
pub fn hints(buf: &mut Buffer, area: Rect, state: &State, hints: &crate::app::links::Hints) {
    let Some(areas) = geometry::reader(area.width, area.height, state.settings.max_width) else {
        return;
    };
    let label = Style::new()
        .add_modifier(ratatui::style::Modifier::REVERSED | ratatui::style::Modifier::BOLD);
    let typed = Style::new().add_modifier(ratatui::style::Modifier::REVERSED);
    for hint in hints
        .items
        .iter()
        .filter(|h| h.label.starts_with(&hints.typed))
    {
        let (Ok(row), Ok(column)) = (u16::try_from(hint.row), u16::try_from(hint.column)) else {
            continue;
        };
        if row >= areas.text.height || column >= areas.text.width {
            continue;
        }
        let (done, rest) = hint.label.split_at(hints.typed.len());
        let line = Line::from(vec![
            Span::styled(done.to_string(), typed),
            Span::styled(rest.to_string(), label),
        ]);
        put(
            buf,
            area,
            areas.text.x + column,
            areas.text.y + row,
            &line,
            areas.text.width - column,
        );
    }
    let status = format!(
        " follow a link: type its letters ({} hints) · Esc cancels",
        hints.items.len()
    );
    fill(
        buf,
        areas.status,
        Style::new().add_modifier(ratatui::style::Modifier::REVERSED),
    );
    put(
        buf,
        area,
        areas.status.x,
        areas.status.y,
        &Line::raw(format!(
            "{:<width$}",
            ellipsize(&status, usize::from(areas.status.width)),
            width = usize::from(areas.status.width)
        )),
        areas.status.width,
    );
}
