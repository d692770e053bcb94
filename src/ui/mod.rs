//! Views: functions that draw the [`State`] into a frame. They only read; everything they
//! show was laid out by `update` before. One file per view; [`theme`] maps roles to styles.

pub(crate) mod library;
mod overlays;
mod reader;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use crate::app::{Mode, Prompt, Screen, State, Typing, geometry};
pub use theme::Theme;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame<'_>, state: &State, theme: &Theme) {
    draw_views(frame, state, theme);
    split_clusters(frame.buffer_mut());
}

/// Cells that hold a grapheme cluster two or more columns wide only because it has more
/// than one spacing character (Devanagari `को`: क and the vowel sign ो, one column each),
/// split into one cell per column. ratatui keeps such a cluster in one wide cell, as a
/// Chinese character, but a terminal puts each spacing character in a cell of its own;
/// when a later frame writes a narrow cluster over the first column, ratatui's diff takes
/// the terminal to clear the second as it does for a wide character, and the vowel sign
/// stayed on screen (Hindi text was strewn with stray signs after scrolling). Split, the
/// cells are what the terminal has, and the diff writes the second column when it changes.
fn split_clusters(buf: &mut Buffer) {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let area = buf.area;
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let symbol = buf[(x, y)].symbol();
            // A cluster of one character (at most 4 bytes) is never split; the cell after a
            // wide one is then only looked at, as the blank it is.
            let width = if symbol.len() > 4 {
                symbol.width().max(1)
            } else {
                1
            };
            // Only the scripts written with such signs (Devanagari to Myanmar): a flag or
            // an emoji sequence is drawn by many terminals as one glyph, and stays whole.
            if width > 1 && symbol.chars().all(|c| c < '\u{1100}') {
                let mut pieces: Vec<String> = Vec::new();
                let mut fits = true;
                for c in symbol.chars() {
                    match c.width().unwrap_or(0) {
                        0 => match pieces.last_mut() {
                            Some(piece) => piece.push(c),
                            None => pieces.push(c.to_string()),
                        },
                        1 => pieces.push(c.to_string()),
                        _ => fits = false,
                    }
                }
                if fits && pieces.len() == width && x + width as u16 <= area.right() {
                    let style = buf[(x, y)].style();
                    for (k, piece) in pieces.iter().enumerate() {
                        buf[(x + k as u16, y)].set_symbol(piece).set_style(style);
                    }
                }
            }
            x = x.saturating_add(width as u16);
        }
    }
}

fn draw_views(frame: &mut Frame<'_>, state: &State, theme: &Theme) {
    let area = frame.area();
    let buf = frame.buffer_mut();
    if geometry::too_small(area.width, area.height) {
        too_small(buf, area);
        return;
    }
    match (state.screen, state.reader.as_ref()) {
        (Screen::Reader, Some(reader)) => reader::draw(buf, area, state, reader, theme),
        _ => library::draw(buf, area, state, theme),
    }
    if let Some(overlay) = &state.overlay {
        overlays::draw(buf, area, state, overlay, theme);
    }
    match &state.mode {
        Mode::Typing(typing) if typing.prompt == Prompt::CommandLine => {
            command_line(frame, typing);
        }
        Mode::Typing(typing) if typing.prompt == Prompt::Search => {
            search_prompt(frame, state, typing, theme);
        }
        Mode::Typing(typing) if typing.prompt == Prompt::Filter => {
            library::filter_line(frame, state, typing, theme);
        }
        Mode::Typing(typing) if typing.prompt == Prompt::SearchAll => {
            search_all_prompt(frame, state, typing, theme);
        }
        Mode::Typing(typing) => overlays::note(frame, state, typing, theme),
        Mode::Message(message) => {
            overlays::message(frame.buffer_mut(), area, state, message, theme)
        }
        Mode::Hints(hints) => reader::hints(frame.buffer_mut(), area, state, hints),
        Mode::Confirm(confirm) => {
            overlays::confirm(frame.buffer_mut(), area, state, confirm, theme)
        }
        Mode::Normal => {
            if let Some(keys) = state.pending_keys.shown() {
                pending_keys(frame.buffer_mut(), area, &keys, theme);
            }
        }
    }
}

/// The bottom row while a command is typed after `:`, with the cursor in it.
fn command_line(frame: &mut Frame<'_>, typing: &Typing) {
    let row = cleared_bottom_row(frame);
    edited_line(frame, row, ":", typing);
}

/// The web links on screen as OSC 8 hyperlinks (at a `width`×`height` screen): the cells
/// of each link to an `http`, `https` or `mailto` address, while the reader shows nothing
/// over its text.
pub fn hyperlinks(state: &State, width: u16, height: u16) -> Vec<crate::terminal::Hyperlink> {
    let reader = match (&state.reader, state.screen, &state.overlay, &state.mode) {
        (Some(reader), Screen::Reader, None, Mode::Normal) => reader,
        _ => return Vec::new(),
    };
    let Some(areas) = geometry::reader(width, height, state.settings.max_width) else {
        return Vec::new();
    };
    crate::app::links::regions(reader)
        .into_iter()
        .filter_map(|region| {
            let target = reader.doc.link_target(region.link)?;
            let target = crate::terminal::osc8_target(target)?;
            let y = areas.text.y + u16::try_from(region.row).ok()?;
            let start = areas.text.x + u16::try_from(region.columns.start).ok()?;
            let end =
                (areas.text.x + u16::try_from(region.columns.end).ok()?).min(areas.text.right());
            (y < areas.text.bottom() && start < end).then_some(crate::terminal::Hyperlink {
                y,
                x: start..end,
                target,
            })
        })
        .collect()
}

/// The bottom row of the screen, cleared for a prompt.
pub(crate) fn cleared_bottom_row(frame: &mut Frame<'_>) -> Rect {
    let area = frame.area();
    let row = Rect::new(area.x, area.bottom().saturating_sub(1), area.width, 1);
    let buf = frame.buffer_mut();
    buf.set_style(row, Style::reset());
    buf.set_string(
        row.x,
        row.y,
        " ".repeat(usize::from(row.width)),
        Style::reset(),
    );
    row
}

/// The bottom row while a search is typed after `/` (`re/` while Ctrl-R makes it a
/// regular expression), with the cursor in it; the status of the search at its right end,
/// and an invalid pattern's message on the row above.
fn search_prompt(frame: &mut Frame<'_>, state: &State, typing: &Typing, theme: &Theme) {
    let find = state.reader.as_ref().and_then(|r| r.find.as_ref());
    let status = state
        .reader
        .as_ref()
        .and_then(|r| r.find.as_ref().and_then(|f| f.status(r)))
        .unwrap_or_default();
    let error = find.and_then(|f| f.error.as_deref());
    let prompt = if find.is_some_and(|f| f.regex) {
        "re/"
    } else {
        "/"
    };
    prompt_line(frame, typing, prompt, &status, error, theme);
}

/// The bottom row while a search in every article is typed (after `S`, or Tab in another
/// search prompt): `all/` (`all re/` for a regular expression), and at the right end what
/// Tab switches to.
fn search_all_prompt(frame: &mut Frame<'_>, state: &State, typing: &Typing, theme: &Theme) {
    let prompt = if state.search_all.regex {
        "all re/"
    } else {
        "all/"
    };
    let other = if state.screen == Screen::Reader && state.reader.is_some() {
        "Tab: this article"
    } else {
        "Tab: filter the list"
    };
    let error = state.search_all.error.as_deref();
    prompt_line(frame, typing, prompt, other, error, theme);
}

/// A prompt on the bottom row with `status` at its right end (taking at most half the row:
/// what is typed comes first) and an error on the row above.
fn prompt_line(
    frame: &mut Frame<'_>,
    typing: &Typing,
    prompt: &str,
    status: &str,
    error: Option<&str>,
    theme: &Theme,
) {
    let area = frame.area();
    let row = cleared_bottom_row(frame);
    let buf = frame.buffer_mut();
    let status = if status.is_empty() {
        String::new()
    } else {
        ellipsize(&format!(" {status} "), usize::from(row.width / 2))
    };
    let status_width = u16::try_from(crate::layout::text_width(&status)).unwrap_or(0);
    if status_width > 0 {
        put(
            buf,
            area,
            row.right().saturating_sub(status_width),
            row.y,
            &Line::styled(status, theme.status()),
            status_width,
        );
    }
    if let Some(error) = error
        && row.y > area.y
    {
        let above = Rect::new(row.x, row.y - 1, row.width, 1);
        buf.set_style(above, Style::reset());
        buf.set_string(
            above.x,
            above.y,
            " ".repeat(usize::from(above.width)),
            Style::reset(),
        );
        let text = ellipsize(&format!(" {error}"), usize::from(above.width));
        put(
            buf,
            area,
            above.x,
            above.y,
            &Line::styled(text, theme.error()),
            above.width,
        );
    }
    let edit = Rect::new(row.x, row.y, row.width.saturating_sub(status_width), 1);
    edited_line(frame, edit, prompt, typing);
}

/// A line being edited in `row`: the prompt, then the text scrolled sideways so that the
/// cursor (put where it is) and what is typed around it stay in view.
pub(crate) fn edited_line(frame: &mut Frame<'_>, row: Rect, prompt: &str, typing: &Typing) {
    let area = frame.area();
    let prompt_width = u16::try_from(crate::layout::text_width(prompt)).unwrap_or(u16::MAX);
    let room = row.width.saturating_sub(prompt_width + 1);
    let scroll = typing.editor.visual_scroll(usize::from(room));
    let shown = skip_cells(typing.text(), scroll);
    let buf = frame.buffer_mut();
    put(
        buf,
        area,
        row.x,
        row.y,
        &Line::raw(prompt.to_string()),
        prompt_width,
    );
    let x = row.x.saturating_add(prompt_width);
    put(buf, area, x, row.y, &Line::raw(shown.to_string()), room + 1);
    let cursor = typing.editor.visual_cursor().saturating_sub(scroll);
    let at = x.saturating_add(u16::try_from(cursor).unwrap_or(u16::MAX).min(room));
    frame.set_cursor_position((at, row.y));
}

/// A count or key sequence being typed, at the right end of the status row.
fn pending_keys(buf: &mut Buffer, area: Rect, keys: &str, theme: &Theme) {
    let width = u16::try_from(crate::layout::text_width(keys)).unwrap_or(u16::MAX);
    if width + 2 > area.width {
        return;
    }
    let x = area.right() - width - 1;
    let y = area.bottom().saturating_sub(1);
    put(
        buf,
        area,
        x,
        y,
        &Line::styled(keys.to_string(), theme.status()),
        width,
    );
}

/// The part of `text` after its first `cells` terminal cells.
fn skip_cells(text: &str, cells: usize) -> &str {
    use unicode_segmentation::UnicodeSegmentation;
    let mut used = 0;
    for (i, g) in text.grapheme_indices(true) {
        if used >= cells {
            return &text[i..];
        }
        used += crate::layout::text_width(g);
    }
    ""
}

fn too_small(buf: &mut Buffer, area: Rect) {
    let need = format!("{}×{}", geometry::MIN_WIDTH, geometry::MIN_HEIGHT);
    let long = [
        "Terminal too small".to_string(),
        format!("blatt needs {need}"),
    ];
    let short = ["too small".to_string(), format!("need {need}")];
    let fits = |lines: &[String]| {
        lines
            .iter()
            .all(|l| crate::layout::text_width(l) <= usize::from(area.width))
    };
    let lines = if fits(&long) { &long } else { &short };
    for (i, text) in lines.iter().enumerate() {
        let Ok(row) = u16::try_from(i) else { break };
        if row >= area.height {
            break;
        }
        let width = usize::from(area.width);
        let len = crate::layout::text_width(text).min(width);
        let x = area.x + u16::try_from((width - len) / 2).unwrap_or(0);
        buf.set_stringn(x, area.y + row, text, width, Style::new());
    }
}

/// Writes a line clipped to `width` cells at (x, y), if the row is inside `area`.
fn put(buf: &mut Buffer, area: Rect, x: u16, y: u16, line: &Line<'_>, width: u16) {
    if y < area.bottom() && x < area.right() {
        let width = width.min(area.right() - x);
        buf.set_line(x, y, line, width);
    }
}

/// Fills a row with a style (for status bars and selections).
fn fill(buf: &mut Buffer, rect: Rect, style: Style) {
    buf.set_style(rect.intersection(buf.area), style);
}

/// Cuts `text` to at most `width` cells, with an ellipsis when it was cut.
fn ellipsize(text: &str, width: usize) -> String {
    use unicode_segmentation::UnicodeSegmentation;
    if crate::layout::text_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in text.graphemes(true) {
        let w = crate::layout::text_width(g);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push_str(g);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `yyyy-mm-dd` of a Unix time in milliseconds (UTC).
pub fn date(ms: u64) -> String {
    let days = i64::try_from(ms / 86_400_000).unwrap_or(0);
    // Civil-from-days, after Howard Hinnant's public-domain algorithm description.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(1_594_684_800_000), "2020-07-14");
        assert_eq!(date(951_782_400_000), "2000-02-29");
    }

    #[test]
    fn a_filter_without_match_while_index_md_is_read_says_more_may_come() {
        use crate::app::{Action, Command, Keymap, Settings, State, update};
        let mut state = State::new(
            crate::library::bundled_library(),
            Settings::default(),
            Keymap::default(),
        );
        update(&mut state, Action::Resize(80, 24));
        update(&mut state, Action::Command(Command::Filter));
        for c in "zzqxw".chars() {
            update(
                &mut state,
                Action::Key(crossterm::event::KeyEvent::new(
                    crossterm::event::KeyCode::Char(c),
                    crossterm::event::KeyModifiers::NONE,
                )),
            );
        }
        let text = |state: &State| {
            let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24))
                .expect("terminal");
            term.draw(|frame| draw(frame, state, &Theme::default()))
                .expect("drawn");
            format!("{:?}", term.backend().buffer())
        };
        assert!(text(&state).contains("No entry matches “zzqxw”."));
        state.reading_index = true;
        assert!(text(&state).contains("yet: INDEX.md is still being read."));
    }

    #[test]
    fn ellipsis() {
        assert_eq!(ellipsize("abcdef", 4), "abc…");
        assert_eq!(ellipsize("abc", 4), "abc");
        assert_eq!(ellipsize("你好世界", 5), "你好…");
    }

    /// The screen of a terminal that gives every character the width unicode-width gives
    /// it (a vowel sign such as `ो` one column, a mark such as `े` none, put on the
    /// character before; a wide character written over goes as a whole), after the cells
    /// `updates` are written where they say.
    fn terminal(screen: &mut [Vec<String>], updates: Vec<(u16, u16, &ratatui::buffer::Cell)>) {
        use unicode_width::UnicodeWidthChar;
        for (x, y, cell) in updates {
            let row = &mut screen[y as usize];
            let mut x = x as usize;
            for c in cell.symbol().chars() {
                match c.width().unwrap_or(0) {
                    0 if x > 0 => row[x - 1].push(c),
                    0 => {}
                    w => {
                        // A wide character written over goes as a whole.
                        if x + 1 < row.len() && row[x + 1].is_empty() {
                            row[x + 1] = " ".to_string();
                        }
                        if x < row.len() {
                            row[x] = c.to_string();
                        }
                        if w == 2 && x + 1 < row.len() {
                            row[x + 1] = String::new();
                        }
                        x += w;
                    }
                }
            }
        }
    }

    #[test]
    fn clusters_of_two_columns_leave_nothing_behind_when_the_next_frame_changes_them() {
        let area = Rect::new(0, 0, 12, 3);
        let frame = |lines: &[&str]| {
            let mut buf = Buffer::empty(area);
            for (y, line) in lines.iter().enumerate() {
                buf.set_string(0, y as u16, line, Style::default());
            }
            split_clusters(&mut buf);
            buf
        };
        let first = frame(&["को ना कि", "क्षमा 中文", "กั ना"]);
        let second = frame(&["के न की", "कम 中 x", "ना กั"]);
        let blank = Buffer::empty(area);
        let mut screen = vec![vec![" ".to_string(); 12]; 3];
        terminal(&mut screen, blank.diff(&first));
        terminal(&mut screen, first.diff(&second));
        let mut fresh = vec![vec![" ".to_string(); 12]; 3];
        terminal(&mut fresh, blank.diff(&second));
        assert_eq!(screen, fresh);
        assert_eq!(fresh[0].concat(), "के न की      ");
        // A wide character stays one cell.
        assert_eq!(second[(3, 1)].symbol(), "中");
    }
}
