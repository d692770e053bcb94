//! The windows over a screen: the table of contents, help and the bookmarks list. Their
//! selections, scrolling, and the boxes they are drawn in (shared with the views and the
//! mouse through [`geometry::overlay`]).

use super::{Command, Effect, Overlay, State, bookmarks, geometry, remember_position, results};

/// The width asked for a message box.
pub const MESSAGE_WIDTH: u16 = 64;

/// Rows under the bookmarks list that show the selected bookmark whole (a rule, where it
/// is, its note), when the box is tall enough.
pub const BOOKMARK_DETAIL: usize = 8;

/// The rows of the selected bookmark's details in a box of `inner_height` rows listing
/// `rows` bookmarks: up to [`BOOKMARK_DETAIL`], leaving the list at least half the box (or
/// all it needs).
pub fn bookmark_detail_rows(inner_height: usize, rows: usize) -> usize {
    let list = rows.min(inner_height / 2).max(1);
    BOOKMARK_DETAIL.min(inner_height.saturating_sub(list))
}

/// A command while an overlay is open.
pub(super) fn command(
    state: &mut State,
    command: Command,
    count: usize,
    effects: &mut Vec<Effect>,
) {
    let Some(overlay) = state.overlay.take() else {
        return;
    };
    let rows = overlay_rows(state, &overlay);
    let height = overlay_height(state, &overlay);
    let next = match overlay {
        Overlay::Help { context, offset } => match command {
            Command::Back | Command::Help | Command::Open => None,
            other => Some(Overlay::Help {
                context,
                offset: move_selection(offset, rows.saturating_sub(height), other, height, count).0,
            }),
        },
        Overlay::Contents { selected, offset } => match command {
            Command::Back | Command::Contents => None,
            Command::Help => Some(Overlay::Help {
                context: super::Context::Contents,
                offset: 0,
            }),
            Command::Open => {
                if let Some(reader) = state.reader.as_mut() {
                    reader.go_to_section(selected);
                    let key = reader.key.clone();
                    remember_position(state, key, effects);
                }
                None
            }
            other => {
                let (selected, offset) = list_move(selected, offset, rows, height, other, count);
                Some(Overlay::Contents { selected, offset })
            }
        },
        Overlay::Bookmarks { selected, offset } => match command {
            Command::Back | Command::Bookmarks => None,
            Command::Help => Some(Overlay::Help {
                context: super::Context::Bookmarks,
                offset: 0,
            }),
            Command::Open => {
                bookmarks::open_selected(state, selected, effects);
                None
            }
            Command::DeleteBookmark => {
                bookmarks::delete(state, selected, effects);
                (!state.bookmarks.is_empty()).then_some(Overlay::Bookmarks {
                    selected: selected.min(state.bookmarks.len().saturating_sub(1)),
                    offset,
                })
            }
            Command::Undo => {
                bookmarks::undo_delete(state, effects);
                Some(Overlay::Bookmarks { selected, offset })
            }
            other => {
                let (selected, offset) = list_move(selected, offset, rows, height, other, count);
                Some(Overlay::Bookmarks { selected, offset })
            }
        },
        Overlay::Results { selected, offset } => match command {
            // A search still running stops first; the list closes on the next Esc.
            Command::Back if results::back(state, effects) => {
                Some(Overlay::Results { selected, offset })
            }
            Command::Back => {
                results::closed(state, effects);
                None
            }
            Command::Help => Some(Overlay::Help {
                context: super::Context::Results,
                offset: 0,
            }),
            Command::Open => {
                results::open_selected(state, selected, offset, effects);
                // An entry that cannot be opened says why over the list.
                (state.screen == super::Screen::Library && state.search_all.results.is_some())
                    .then_some(Overlay::Results { selected, offset })
            }
            Command::SearchAll => {
                results::open_prompt(state, None);
                Some(Overlay::Results { selected, offset })
            }
            other => {
                let (selected, offset) = list_move(selected, offset, rows, height, other, count);
                Some(Overlay::Results { selected, offset })
            }
        },
        Overlay::Links { selected, offset } => match command {
            Command::Back | Command::ListLinks => None,
            Command::Help => Some(Overlay::Help {
                context: super::Context::Links,
                offset: 0,
            }),
            Command::Open => {
                super::links::follow_listed(state, selected, effects);
                None
            }
            other => {
                let (selected, offset) = list_move(selected, offset, rows, height, other, count);
                Some(Overlay::Links { selected, offset })
            }
        },
    };
    // An action may have opened another overlay: that one wins.
    if state.overlay.is_none() {
        state.overlay = next;
    }
    clamp(state);
}

/// Moves a list's selection (and, for `zt`/`zz`, its first row shown).
fn list_move(
    selected: usize,
    offset: usize,
    rows: usize,
    height: usize,
    command: Command,
    count: usize,
) -> (usize, usize) {
    let last = rows.saturating_sub(1);
    let on_screen = |at: usize| (offset + at).min(last);
    match command {
        Command::ScreenTop => (on_screen(0), offset),
        Command::ScreenMiddle => (on_screen(height.min(rows - offset.min(rows)) / 2), offset),
        Command::ScreenBottom => (on_screen(height.saturating_sub(1)), offset),
        Command::ScrollTop => (selected, selected),
        Command::ScrollCenter => (selected, selected.saturating_sub(height / 2)),
        other => (
            move_selection(selected, last, other, height, count).0,
            offset,
        ),
    }
}

/// Moves a selection among `0..=last` by a list command, `count` times; returns it and
/// whether it moved.
pub(super) fn move_selection(
    selected: usize,
    last: usize,
    command: Command,
    height: usize,
    count: usize,
) -> (usize, bool) {
    let page = height.max(1);
    let by = |n: usize| n.saturating_mul(count.max(1));
    let new = match command {
        Command::Down => selected.saturating_add(by(1)),
        Command::Up => selected.saturating_sub(by(1)),
        Command::PageDown => selected.saturating_add(by(page)),
        Command::PageUp => selected.saturating_sub(by(page)),
        Command::HalfPageDown => selected.saturating_add(by(page / 2 + 1)),
        Command::HalfPageUp => selected.saturating_sub(by(page / 2 + 1)),
        Command::Top => 0,
        Command::Bottom => last,
        _ => selected,
    }
    .min(last);
    (new, new != selected)
}

/// Number of rows an overlay lists.
pub fn overlay_rows(state: &State, overlay: &Overlay) -> usize {
    match overlay {
        Overlay::Contents { .. } => state.reader.as_ref().map_or(0, |r| r.doc.sections.len()),
        Overlay::Help { context, .. } => state.keymap.help_lines(*context, help_width(state)).len(),
        Overlay::Bookmarks { .. } => state.bookmarks.len(),
        // An empty list still has its row saying what is going on.
        Overlay::Results { .. } => state
            .search_all
            .results
            .as_ref()
            .map_or(0, |r| r.rows.len())
            .max(1),
        Overlay::Links { .. } => state.links.len(),
    }
}

/// The width of the help's lines: the inside of its box, as wide at any number of lines.
pub fn help_width(state: &State) -> usize {
    let help = Overlay::Help {
        context: crate::app::Context::Reader,
        offset: 0,
    };
    let rect = geometry::overlay(state.width, state.height, overlay_width(&help), 1);
    usize::from(geometry::inner(rect).width)
}

/// The box of an overlay at the current size (its rows and, for bookmarks, the details).
pub fn overlay_box(state: &State, overlay: &Overlay) -> ratatui::layout::Rect {
    let extra = match overlay {
        Overlay::Bookmarks { .. } => BOOKMARK_DETAIL,
        _ => 0,
    };
    let rows = overlay_rows(state, overlay) + extra;
    geometry::overlay(state.width, state.height, overlay_width(overlay), rows)
}

/// The height of an overlay's list at the current size: its box without the border (and,
/// for bookmarks, without the details of the selected one).
pub fn overlay_height(state: &State, overlay: &Overlay) -> usize {
    let inner = usize::from(geometry::inner(overlay_box(state, overlay)).height);
    let detail = match overlay {
        Overlay::Bookmarks { .. } => bookmark_detail_rows(inner, overlay_rows(state, overlay)),
        _ => 0,
    };
    inner.saturating_sub(detail).max(1)
}

pub fn overlay_width(overlay: &Overlay) -> u16 {
    match overlay {
        Overlay::Contents { .. } => 72,
        Overlay::Help { .. } => 80,
        Overlay::Bookmarks { .. } => 100,
        Overlay::Results { .. } => 100,
        Overlay::Links { .. } => 100,
    }
}

/// Keeps list overlays' selections inside the shown rows.
pub(super) fn clamp(state: &mut State) {
    let Some(overlay) = state.overlay.clone() else {
        return;
    };
    let height = overlay_height(state, &overlay);
    let rows = overlay_rows(state, &overlay);
    let fix = |selected: usize, offset: usize| {
        let selected = selected.min(rows.saturating_sub(1));
        let offset = if selected < offset {
            selected
        } else if selected >= offset + height {
            selected + 1 - height
        } else {
            offset
        };
        (selected, offset.min(rows.saturating_sub(height)))
    };
    state.overlay = Some(match overlay {
        Overlay::Contents { selected, offset } => {
            let (selected, offset) = fix(selected, offset);
            Overlay::Contents { selected, offset }
        }
        Overlay::Bookmarks { selected, offset } => {
            let (selected, offset) = fix(selected, offset);
            Overlay::Bookmarks { selected, offset }
        }
        Overlay::Results { selected, offset } => {
            let (selected, offset) = fix(selected, offset);
            Overlay::Results { selected, offset }
        }
        Overlay::Links { selected, offset } => {
            let (selected, offset) = fix(selected, offset);
            Overlay::Links { selected, offset }
        }
        Overlay::Help { context, offset } => Overlay::Help {
            context,
            offset: offset.min(rows.saturating_sub(height)),
        },
    });
}
