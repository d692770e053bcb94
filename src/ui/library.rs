//! The library screen: the entries of INDEX.md under their group headings, each with its
//! reading progress, or the reason it cannot be opened. While a large INDEX.md is still
//! being read the header says so; an entry whose link is not checked yet (the run loop
//! checks those on screen before drawing, so this is rare) shows no mark.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use super::{Theme, ellipsize, fill, put};
use crate::app::{Command, Context, LibraryRow, State, geometry};
use crate::library::Origin;

pub fn draw(buf: &mut Buffer, area: Rect, state: &State, theme: &Theme) {
    let Some(areas) = geometry::library(area.width, area.height) else {
        return;
    };
    let name = state
        .library
        .title
        .clone()
        .unwrap_or_else(|| match &state.library.origin {
            Origin::Bundled => "blatt — bundled library".into(),
            Origin::Dir { root, .. } => format!("blatt — {}", root.display()),
        });
    let count = state.library.entries.len();
    let header = format!(
        " {} · {count} {}{}",
        name,
        if count == 1 { "article" } else { "articles" },
        if state.reading_index {
            " so far, reading INDEX.md…"
        } else {
            ""
        }
    );
    fill(buf, areas.header, theme.status());
    put(
        buf,
        area,
        0,
        0,
        &Line::styled(ellipsize(&header, usize::from(area.width)), theme.status()),
        area.width,
    );

    let list = areas.list;
    if state.rows.is_empty() {
        let lines: &[&str] = if state.reading_index {
            &["Reading INDEX.md…"]
        } else {
            &[
                "This INDEX.md lists no articles.",
                "",
                "An entry is a link in a list item or a table row:",
                "  - [Title](article.txt) — Source, de — summary",
            ]
        };
        for (i, text) in lines.iter().enumerate() {
            let y = list.y + u16::try_from(i).unwrap_or(0) + 1;
            put(buf, area, list.x, y, &Line::raw(*text), list.width);
        }
    }
    let width = usize::from(list.width);
    for (i, row) in state
        .rows
        .iter()
        .skip(state.offset)
        .take(usize::from(list.height))
        .enumerate()
    {
        let y = list.y + u16::try_from(i).unwrap_or(u16::MAX);
        let line = match row {
            LibraryRow::Group { title, depth } => Line::from(Span::styled(
                ellipsize(&format!("{}{}", "  ".repeat(*depth), title), width),
                theme.heading(),
            )),
            LibraryRow::Title(entry) => title_line(state, *entry, width, theme),
            LibraryRow::Description(entry) => description_line(state, *entry, width, theme),
            LibraryRow::Blank => Line::raw(""),
        };
        let selected = matches!(row, LibraryRow::Title(e) | LibraryRow::Description(e) if *e == state.selected);
        if selected {
            fill(buf, Rect::new(list.x, y, list.width, 1), theme.selection());
        }
        put(buf, area, list.x, y, &line, list.width);
        if selected {
            // Keep the selection visible over styled spans.
            fill(buf, Rect::new(list.x, y, list.width, 1), theme.selection());
        }
    }

    let hints = format!(
        " {} open  {}/{} move  {} bookmarks  {} help  {} quit",
        state.keymap.hint(Context::Library, Command::Open),
        state.keymap.hint(Context::Library, Command::Down),
        state.keymap.hint(Context::Library, Command::Up),
        state.keymap.hint(Context::Library, Command::Bookmarks),
        state.keymap.hint(Context::Library, Command::Help),
        state.keymap.hint(Context::Library, Command::Back),
    );
    let status = state.flash.clone().map_or(hints, |f| format!(" {f}"));
    fill(buf, areas.status, theme.status());
    put(
        buf,
        area,
        0,
        areas.status.y,
        &Line::styled(ellipsize(&status, usize::from(area.width)), theme.status()),
        area.width,
    );
}

/// The progress mark of an entry: `!` problem, `new`, a percentage, or `✓` when finished;
/// nothing while its link is unchecked (its key, and so its progress, is not known yet).
pub fn mark(state: &State, entry: usize) -> String {
    let Some(e) = state.library.entries.get(entry) else {
        return "    ".into();
    };
    if e.target.problem().is_some() {
        return "  ! ".into();
    }
    if !e.target.is_checked() {
        return "    ".into();
    }
    match state.progress(entry) {
        None => " new".into(),
        Some(p) if p.finished => "   ✓".into(),
        Some(p) => format!("{:>3}%", p.percent.floor() as u32),
    }
}

fn title_line(state: &State, entry: usize, width: usize, theme: &Theme) -> Line<'static> {
    let Some(e) = state.library.entries.get(entry) else {
        return Line::raw("");
    };
    let mark = mark(state, entry);
    let mark_style = if e.target.problem().is_some() {
        theme.error()
    } else {
        theme.dim()
    };
    let title = ellipsize(&e.title, width.saturating_sub(6));
    Line::from(vec![
        Span::styled(mark, mark_style),
        Span::raw("  "),
        Span::styled(title, Style::new().add_modifier(Modifier::BOLD)),
    ])
}

fn description_line(state: &State, entry: usize, width: usize, theme: &Theme) -> Line<'static> {
    let Some(e) = state.library.entries.get(entry) else {
        return Line::raw("");
    };
    let indent = "      ";
    let room = width.saturating_sub(indent.len());
    match e.target.problem() {
        Some(problem) => Line::from(vec![
            Span::raw(indent),
            Span::styled(ellipsize(&problem.to_string(), room), theme.error()),
        ]),
        None => Line::from(vec![
            Span::raw(indent),
            Span::styled(ellipsize(&e.description, room), theme.dim()),
        ]),
    }
}
