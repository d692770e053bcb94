//! Where things go on the screen, as pure functions of the terminal size, shared by `update`
//! (to map clicks and keep selections in view) and the views (to draw).

use ratatui::layout::{Constraint, Margin, Rect};

/// Smallest terminal blatt draws into; below it a short message is shown instead.
pub const MIN_WIDTH: u16 = 20;
pub const MIN_HEIGHT: u16 = 5;

pub fn too_small(width: u16, height: u16) -> bool {
    width < MIN_WIDTH || height < MIN_HEIGHT
}

/// The reader: a title row, the text column, a status row, and a scrollbar at the right edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderAreas {
    pub title: Rect,
    pub text: Rect,
    pub status: Rect,
    pub scrollbar: Rect,
}

pub fn reader(width: u16, height: u16, max_width: u16) -> Option<ReaderAreas> {
    if too_small(width, height) {
        return None;
    }
    // One cell of margin on the left and the scrollbar on the right.
    let room = width.saturating_sub(3).max(1);
    let column = room.min(max_width.max(10));
    let text_height = height - 2;
    // Centred in what the scrollbar leaves.
    let text =
        Rect::new(0, 1, width - 1, text_height).centered_horizontally(Constraint::Length(column));
    Some(ReaderAreas {
        title: Rect::new(0, 0, width, 1),
        text,
        status: Rect::new(0, height - 1, width, 1),
        scrollbar: Rect::new(width - 1, 1, 1, text_height),
    })
}

/// The library: a header row, the list, a status row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LibraryAreas {
    pub header: Rect,
    pub list: Rect,
    pub status: Rect,
}

pub fn library(width: u16, height: u16) -> Option<LibraryAreas> {
    if too_small(width, height) {
        return None;
    }
    let list_width = width.saturating_sub(2).min(110);
    let list =
        Rect::new(0, 1, width, height - 2).centered_horizontally(Constraint::Length(list_width));
    Some(LibraryAreas {
        header: Rect::new(0, 0, width, 1),
        list,
        status: Rect::new(0, height - 1, width, 1),
    })
}

/// A centred box for an overlay with `rows` lines of content, inside the frame's borders.
pub fn overlay(width: u16, height: u16, wanted_width: u16, rows: usize) -> Rect {
    let w = wanted_width.min(width.saturating_sub(4)).max(width.min(10));
    let h = u16::try_from(rows.saturating_add(2))
        .unwrap_or(u16::MAX)
        .min(height.saturating_sub(2))
        .max(height.min(3));
    Rect::new(0, 0, width, height).centered(Constraint::Length(w), Constraint::Length(h))
}

/// The inside of an overlay box (without its border).
pub fn inner(rect: Rect) -> Rect {
    rect.inner(Margin::new(1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_column_is_centred_and_capped() {
        let a = reader(120, 40, 80).unwrap();
        assert_eq!(a.text.width, 80);
        assert_eq!(a.text.x, 20);
        assert_eq!(a.text.height, 38);
        let a = reader(40, 12, 80).unwrap();
        assert_eq!(a.text.width, 37);
        assert!(a.text.right() < 40);
    }

    #[test]
    fn every_size_is_safe() {
        for w in 0..30 {
            for h in 0..12 {
                if let Some(a) = reader(w, h, 80) {
                    assert!(a.text.right() <= w && a.text.bottom() <= h);
                }
                if let Some(a) = library(w, h) {
                    assert!(a.list.right() <= w && a.list.bottom() <= h);
                }
                let o = overlay(w, h, 60, 100);
                assert!(o.right() <= w && o.bottom() <= h, "{w}x{h}: {o:?}");
                let _ = inner(o);
            }
        }
    }
}
