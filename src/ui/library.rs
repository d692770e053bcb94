//! The library screen: the entries of INDEX.md under their group headings (each with how
//! many of its articles are not finished), each entry with its reading progress, or the
//! reason it cannot be opened: on three rows, or on one in the compact view. A heading
//! whose row has scrolled off stays over the first row of the list. While a large INDEX.md
//! is still being read the header says so; an entry whose link is not checked yet (the run
//! loop checks those on screen before drawing, so this is rare) shows no mark.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use ratatui::Frame;
use unicode_segmentation::UnicodeSegmentation;

use super::{Theme, edited_line, ellipsize, fill, put};
use crate::app::filter::{self, Marks};
use crate::app::{Command, Context, LibraryRow, State, Typing, browse, geometry};
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
    // Entries that cannot be opened are not counted as articles.
    let (matching, count) = article_counts(state);
    let shown = match matching {
        Some(matching) => format!("{matching} of {count}"),
        None => count.to_string(),
    };
    let hidden = if state.browse.hide_finished {
        format!(" · {} finished hidden", state.browse.finished)
    } else {
        String::new()
    };
    let header = format!(
        " {} · {shown} {}{hidden}{}",
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
    let rows = state.library_rows();
    let open_filter = state.filter.open.as_ref().filter(|f| f.is_filtering());
    if let Some(filter) = open_filter
        && filter.entries.is_empty()
    {
        // While INDEX.md is read, what is not in yet may still match.
        let text = if state.reading_index {
            format!(
                "No entry matches “{}” yet: INDEX.md is still being read.",
                filter.query
            )
        } else {
            format!("No entry matches “{}”.", filter.query)
        };
        let y = list.y + 1;
        put(buf, area, list.x, y, &Line::raw(text), list.width);
    } else if rows.is_empty() {
        let key = state.keymap.hint(Context::Library, Command::HideFinished);
        let all_hidden = [
            "Every article here is finished.".to_string(),
            String::new(),
            format!("{key} shows them again."),
        ];
        let all_hidden: Vec<&str> = all_hidden.iter().map(String::as_str).collect();
        let lines: &[&str] = if state.reading_index {
            &["Reading INDEX.md…"]
        } else if state.browse.hide_finished && state.browse.finished > 0 {
            &all_hidden
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
    // Matched characters are found for the rows on screen only.
    let mut matcher = open_filter.map(|_| filter::view_matcher());
    let marks = |entry: usize, matcher: &mut Option<nucleo_matcher::Matcher>| -> Option<Marks> {
        let (filter, matcher) = (open_filter?, matcher.as_mut()?);
        let e = state.library.entries.get(entry)?;
        Some(filter::marks(&filter.pattern, e, matcher))
    };
    for (i, row) in rows
        .iter()
        .skip(state.offset)
        .take(usize::from(list.height))
        .enumerate()
    {
        let y = list.y + u16::try_from(i).unwrap_or(u16::MAX);
        let line = match row {
            LibraryRow::Group {
                title,
                depth,
                heading,
            } => group_line(
                state,
                &format!("{}{title}", "  ".repeat(*depth)),
                *heading,
                width,
                theme,
            ),
            LibraryRow::Title(entry) => match marks(*entry, &mut matcher) {
                Some(marks) => title_line(state, *entry, Some(&marks), width, theme),
                None if state.browse.compact() => compact_line(state, *entry, width, theme),
                None => title_line(state, *entry, None, width, theme),
            },
            LibraryRow::Description(entry) => match marks(*entry, &mut matcher) {
                Some(marks) => filtered_second_line(state, *entry, &marks, width, theme),
                None => description_line(state, *entry, width, theme),
            },
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

    if let Some(heading) = browse::sticky(state) {
        // The group of the entries at the top, whose heading has scrolled off: over the
        // first row, with the headings it is under.
        let path: Vec<&str> = state
            .browse
            .chain_of_heading(heading)
            .into_iter()
            .filter_map(|h| state.browse.headings.get(h).map(|h| h.title.as_str()))
            .collect();
        let row = Rect::new(list.x, list.y, list.width, 1);
        buf.set_string(
            row.x,
            row.y,
            " ".repeat(usize::from(row.width)),
            Style::reset(),
        );
        let line = group_line(state, &path.join(" › "), heading, width, theme);
        put(buf, area, list.x, list.y, &line, list.width);
    }

    let hint = |command| state.keymap.hint(state.context(), command);
    let hints = if state.context() == Context::Results {
        let running = state
            .search_all
            .results
            .as_ref()
            .is_some_and(crate::app::results::Results::running);
        format!(
            " {} open  {}/{} move  {} new search  {} {}  {} help",
            hint(Command::Open),
            hint(Command::Down),
            hint(Command::Up),
            hint(Command::SearchAll),
            hint(Command::Back),
            if running { "stop" } else { "close" },
            hint(Command::Help),
        )
    } else {
        format!(
            " {} open  {}/{} move  {} filter  {} search all  {} bookmarks  {} help  {} quit",
            state.keymap.hint(Context::Library, Command::Open),
            state.keymap.hint(Context::Library, Command::Down),
            state.keymap.hint(Context::Library, Command::Up),
            state.keymap.hint(Context::Library, Command::Filter),
            state.keymap.hint(Context::Library, Command::SearchAll),
            state.keymap.hint(Context::Library, Command::Bookmarks),
            state.keymap.hint(Context::Library, Command::Help),
            state.keymap.hint(Context::Library, Command::Back),
        )
    };
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

/// Articles in the header: the entries that can be opened (those of the filtered list while
/// it shows, and of the whole library).
fn article_counts(state: &State) -> (Option<usize>, usize) {
    let entries = &state.library.entries;
    let total = entries.len().saturating_sub(state.browse.broken);
    let matching = state.filter.order().map(|order| {
        order
            .iter()
            .filter(|&&i| entries.get(i).is_some_and(|e| e.target.problem().is_none()))
            .count()
    });
    (matching, total)
}

/// A group heading (`title` indented, or the path of a sticky one) and, dim after it, how
/// many of its articles are not finished.
fn group_line(
    state: &State,
    title: &str,
    heading: usize,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let note = state
        .browse
        .headings
        .get(heading)
        .and_then(browse::Heading::note)
        .map(|n| format!("  {n}"))
        .unwrap_or_default();
    let note_width = crate::layout::text_width(&note);
    // The count goes before the title is cut below a few characters.
    let (title_room, note) = if note_width + 8 <= width {
        (width - note_width, note)
    } else {
        (width, String::new())
    };
    Line::from(vec![
        Span::styled(ellipsize(title, title_room), theme.heading()),
        Span::styled(note, theme.dim()),
    ])
}

/// An entry on one row (the compact view): its mark, its title and, dim after it, the start
/// of its description (or its problem). The title keeps at least two thirds of the row.
fn compact_line(state: &State, entry: usize, width: usize, theme: &Theme) -> Line<'static> {
    let Some(e) = state.library.entries.get(entry) else {
        return Line::raw("");
    };
    let mut line = title_line(state, entry, None, width, theme);
    let room = width.saturating_sub(6);
    let (text, style) = match e.target.problem() {
        Some(problem) => (problem.to_string(), theme.error()),
        None => (e.description.clone(), theme.dim()),
    };
    let title_width = crate::layout::text_width(&e.title);
    let text_width = crate::layout::text_width(&text);
    if text.is_empty() || room < 12 {
        return line;
    }
    let title_room = if title_width + 2 + text_width <= room {
        title_width
    } else {
        title_width.min((room * 2 / 3).max(room.saturating_sub(text_width + 2)))
    };
    let text_room = room.saturating_sub(title_room + 2);
    if text_room < 4 {
        return line;
    }
    let bold = Style::new().add_modifier(Modifier::BOLD);
    line.spans.truncate(2);
    line.spans
        .push(Span::styled(ellipsize(&e.title, title_room), bold));
    line.spans.push(Span::raw("  "));
    line.spans
        .push(Span::styled(ellipsize(&text, text_room), style));
    line
}

fn title_line(
    state: &State,
    entry: usize,
    marks: Option<&Marks>,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let Some(e) = state.library.entries.get(entry) else {
        return Line::raw("");
    };
    let mark = mark(state, entry);
    let mark_style = if e.target.problem().is_some() {
        theme.error()
    } else {
        theme.dim()
    };
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::styled(mark, mark_style), Span::raw("  ")];
    let room = width.saturating_sub(6);
    match marks {
        Some(marks) => spans.extend(marked(
            &e.title,
            &marks.title,
            room,
            bold,
            bold.patch(theme.list_match()),
        )),
        None => spans.push(Span::styled(ellipsize(&e.title, room), bold)),
    }
    Line::from(spans)
}

/// The second row of an entry in the filtered list: its group (the list has no headings),
/// then its description or problem, with the matched characters marked.
fn filtered_second_line(
    state: &State,
    entry: usize,
    marks: &Marks,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let Some(e) = state.library.entries.get(entry) else {
        return Line::raw("");
    };
    let indent = "      ";
    let mut room = width.saturating_sub(indent.len());
    let mut spans = vec![Span::raw(indent)];
    let dim = theme.dim();
    let matched = dim.patch(theme.list_match());
    let group = filter::group_text(e);
    if !group.is_empty() {
        let group_spans = marked(&group, &marks.group, room, dim, matched);
        room = room.saturating_sub(spans_width(&group_spans));
        spans.extend(group_spans);
    }
    let (text, style, text_marks): (String, Style, &[u32]) = match e.target.problem() {
        Some(problem) => (problem.to_string(), theme.error(), &[]),
        None => (e.description.clone(), dim, &marks.description),
    };
    if !text.is_empty() && room > 3 {
        if !group.is_empty() {
            spans.push(Span::styled(" · ", dim));
            room -= 3;
        }
        spans.extend(marked(
            &text,
            text_marks,
            room,
            style,
            style.patch(theme.list_match()),
        ));
    }
    Line::from(spans)
}

fn spans_width(spans: &[Span<'_>]) -> usize {
    spans
        .iter()
        .map(|s| crate::layout::text_width(&s.content))
        .sum()
}

/// `text` cut to `width` cells (with an ellipsis), as spans: the graphemes at the positions
/// in `marks` (sorted) in `mark`, the others in `style`.
fn marked(
    text: &str,
    marks: &[u32],
    width: usize,
    style: Style,
    mark: Style,
) -> Vec<Span<'static>> {
    let text = ellipsize(text, width);
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_marked = false;
    let mut next = marks.iter().copied().peekable();
    for (i, g) in text.graphemes(true).enumerate() {
        let i = u32::try_from(i).unwrap_or(u32::MAX);
        let is_marked = next.next_if_eq(&i).is_some();
        if is_marked != run_marked && !run.is_empty() {
            let s = if run_marked { mark } else { style };
            spans.push(Span::styled(std::mem::take(&mut run), s));
        }
        run_marked = is_marked;
        run.push_str(g);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_marked { mark } else { style }));
    }
    spans
}

/// The bottom row while the list is filtered: `/` and the query, with the cursor in it, and
/// how many entries match at the right.
pub fn filter_line(frame: &mut Frame<'_>, state: &State, typing: &Typing, theme: &Theme) {
    let area = frame.area();
    let count = match article_counts(state) {
        (Some(matching), total) => format!(" {matching}/{total} "),
        (None, _) => String::new(),
    };
    let count_width = u16::try_from(crate::layout::text_width(&count)).unwrap_or(u16::MAX);
    let row = super::cleared_bottom_row(frame);
    let buf = frame.buffer_mut();
    // The count goes when the row is too narrow for it and a few characters of query.
    let edit_width = if row.width > count_width + 12 {
        let x = row.right() - count_width;
        put(
            buf,
            area,
            x,
            row.y,
            &Line::styled(count, theme.dim()),
            count_width,
        );
        row.width - count_width
    } else {
        row.width
    };
    edited_line(frame, Rect::new(row.x, row.y, edit_width, 1), "/", typing);
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
