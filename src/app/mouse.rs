//! The mouse: the wheel scrolls where the pointer is not needed yet (lists move their
//! selection, the reader scrolls three lines, a long message scrolls), a click selects a row
//! and a second click on it opens it; a click outside an overlay closes it.

use super::{
    Command, Effect, LibraryRow, Mode, Overlay, Screen, State, geometry, keep_selection_visible,
    open_entry, overlay_box, overlay_height, overlay_rows, run_command,
};

pub(super) fn scroll(
    state: &mut State,
    down: bool,
    column: u16,
    row: u16,
    effects: &mut Vec<Effect>,
) {
    // The wheel acts where the pointer is not needed yet: lists move their selection, the
    // reader scrolls three lines.
    let _ = (column, row);
    if matches!(state.mode, Mode::Typing(_)) {
        return;
    }
    if state.message().is_some() {
        let command = if down { Command::Down } else { Command::Up };
        super::scroll_message(state, command);
        return;
    }
    // Lists move their selection by one, the reader moves three lines, as `j`/`k` would.
    let command = if down { Command::Down } else { Command::Up };
    let count = match (&state.overlay, state.screen) {
        (None, Screen::Reader) => 3,
        _ => 1,
    };
    run_command(state, command, count, effects);
}

pub(super) fn click(state: &mut State, column: u16, row: u16, effects: &mut Vec<Effect>) {
    // A click closes a message, as a key does; it does nothing while typing.
    match state.mode {
        Mode::Message(_) | Mode::Hints(_) | Mode::Confirm(_) => {
            state.mode = Mode::Normal;
            return;
        }
        Mode::Typing(_) => return,
        Mode::Normal => {}
    }
    match state.overlay.clone() {
        Some(
            overlay @ (Overlay::Contents { .. }
            | Overlay::Bookmarks { .. }
            | Overlay::Results { .. }
            | Overlay::Links { .. }),
        ) => {
            let rows = overlay_rows(state, &overlay);
            let rect = geometry::inner(overlay_box(state, &overlay));
            if !rect.contains(ratatui::layout::Position::new(column, row)) {
                state.overlay = None;
                return;
            }
            if usize::from(row - rect.y) >= overlay_height(state, &overlay) {
                // The details of the selected bookmark, below the list.
                return;
            }
            let (offset, selected) = match overlay {
                Overlay::Contents { offset, selected }
                | Overlay::Bookmarks { offset, selected }
                | Overlay::Results { offset, selected }
                | Overlay::Links { offset, selected } => (offset, selected),
                Overlay::Help { .. } => return,
            };
            let index = offset + usize::from(row - rect.y);
            if index >= rows {
                return;
            }
            if index == selected {
                // A second click on the selected row opens it.
                run_command(state, Command::Open, 1, effects);
            } else {
                state.overlay = Some(match overlay {
                    Overlay::Contents { .. } => Overlay::Contents {
                        selected: index,
                        offset,
                    },
                    Overlay::Results { .. } => Overlay::Results {
                        selected: index,
                        offset,
                    },
                    Overlay::Links { .. } => Overlay::Links {
                        selected: index,
                        offset,
                    },
                    _ => Overlay::Bookmarks {
                        selected: index,
                        offset,
                    },
                });
            }
        }
        Some(Overlay::Help { .. }) => state.overlay = None,
        None if state.screen == Screen::Library => {
            let Some(areas) = geometry::library(state.width, state.height) else {
                return;
            };
            if row < areas.list.y || row >= areas.list.bottom() {
                return;
            }
            let on_list = usize::from(row - areas.list.y);
            // The heading kept on top covers the first row: it is no entry.
            if on_list < super::browse::covered(state) {
                return;
            }
            let index = state.offset + on_list;
            // The rows shown: the filtered list's while a filter shows one.
            let entry = match state.library_rows().get(index) {
                Some(LibraryRow::Title(i) | LibraryRow::Description(i)) => *i,
                _ => return,
            };
            super::library::cancel_pending_open(state);
            if entry == state.selected {
                open_entry(state, entry, effects);
            } else {
                state.selected = entry;
                keep_selection_visible(state);
            }
        }
        None => {}
    }
}
