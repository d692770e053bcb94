//! Table rows wrapped cell by cell: each cell's text is wrapped within its own column, like a
//! paragraph (whole words, hyphenation), and the row takes as many lines as its tallest cell.
//!
//! A row's text holds its cells padded to their column's width and joined with [`SEPARATOR`]
//! (see `document::markdown`), so every row of a table gives the same column widths: the
//! widths chosen for a narrow screen depend only on those and the room, and the rows, laid
//! out one at a time, still line up.

use std::ops::Range;

use hyphenation::Standard;

use super::wrap::{self, Piece, text_width};

/// Between two cells of a row.
pub const SEPARATOR: &str = " │ ";

/// One laid-out line of a row: for each column, the piece of its cell on this line (if the
/// cell reaches this far down), with byte ranges of the row text.
pub type RowLine = Vec<Option<Piece>>;

/// The cells of a row: byte ranges of their text without the padding, and the widths of
/// the columns (each cell as padded).
fn cells(text: &str) -> (Vec<Range<usize>>, Vec<usize>) {
    let mut ranges = Vec::new();
    let mut widths = Vec::new();
    let mut start = 0;
    loop {
        let end = text[start..]
            .find(SEPARATOR)
            .map_or(text.len(), |i| start + i);
        let cell = &text[start..end];
        widths.push(text_width(cell));
        ranges.push(start..start + cell.trim_end_matches(' ').len());
        if end == text.len() {
            break;
        }
        start = end + SEPARATOR.len();
    }
    (ranges, widths)
}

/// Column widths that fit `room` cells with the separators: the natural widths if the table
/// fits; otherwise the narrow columns keep theirs and the wide ones share the rest evenly.
/// `None` when the room has not even one cell per column.
fn fit_columns(natural: &[usize], room: usize) -> Option<Vec<usize>> {
    let separators = SEPARATOR.chars().count() * natural.len().saturating_sub(1);
    if natural.iter().sum::<usize>() + separators <= room {
        return Some(natural.to_vec());
    }
    let mut left = room.checked_sub(separators)?;
    if left < natural.len() {
        return None;
    }
    let mut widths = vec![0; natural.len()];
    let mut open: Vec<usize> = (0..natural.len()).collect();
    loop {
        let share = left / open.len();
        let (narrow, wide): (Vec<usize>, Vec<usize>) =
            open.iter().partition(|&&i| natural[i] <= share);
        if narrow.is_empty() {
            let extra = left % open.len();
            for (k, &i) in open.iter().enumerate() {
                widths[i] = share + usize::from(k < extra);
            }
            return Some(widths);
        }
        for &i in &narrow {
            widths[i] = natural[i];
            left -= natural[i];
        }
        open = wide;
        if open.is_empty() {
            return Some(widths);
        }
    }
}

/// A row laid out in `room` cells: the column widths and its lines, or `None` when the room
/// is too narrow for its columns (the row is then wrapped as one paragraph).
pub fn lay_out_row(
    text: &str,
    room: usize,
    dict: Option<&Standard>,
) -> Option<(Vec<usize>, Vec<RowLine>)> {
    let (ranges, natural) = cells(text);
    let widths = fit_columns(&natural, room)?;
    let mut columns: Vec<Vec<Piece>> = Vec::with_capacity(ranges.len());
    for (range, &width) in ranges.iter().zip(&widths) {
        let mut pieces = Vec::new();
        if !range.is_empty() {
            wrap::wrap_flow(&text[range.clone()], width, dict, &[], &mut pieces);
        }
        pieces.retain(|p| p.end > p.start);
        for piece in &mut pieces {
            piece.start += range.start;
            piece.end += range.start;
        }
        columns.push(pieces);
    }
    let height = columns.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let lines = (0..height)
        .map(|i| columns.iter().map(|c| c.get(i).copied()).collect())
        .collect();
    Some((widths, lines))
}

/// The byte range a row line stands for: from its first piece to its last. The starts grow
/// from line to line (the pieces of a cell do, and a later column starts after an earlier
/// one ends), so a line maps to a content position and back.
pub fn span_of(line: &RowLine) -> (usize, usize) {
    let start = line.iter().flatten().map(|p| p.start).min().unwrap_or(0);
    let end = line.iter().flatten().map(|p| p.end).max().unwrap_or(start);
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drawn(text: &str, room: usize) -> Vec<String> {
        let (widths, lines) = lay_out_row(text, room, None).expect("room");
        lines
            .iter()
            .map(|line| {
                let mut out = String::new();
                for (i, piece) in line.iter().enumerate() {
                    if i > 0 {
                        out.push_str(SEPARATOR);
                    }
                    let cell = piece.map_or("", |p| &text[p.start..p.end]);
                    out.push_str(cell);
                    out.push_str(&" ".repeat(widths[i] - text_width(cell)));
                }
                out.trim_end().to_string()
            })
            .collect()
    }

    #[test]
    fn a_row_that_fits_is_one_line() {
        assert_eq!(drawn("a  │ bbb", 20), ["a  │ bbb"]);
    }

    #[test]
    fn cells_wrap_within_their_columns() {
        let row = "firewall │ Blocks incoming connections";
        assert_eq!(
            drawn(row, 24),
            [
                "firewall │ Blocks",
                "         │ incoming",
                "         │ connections"
            ]
        );
    }

    #[test]
    fn wide_columns_share_the_room() {
        assert_eq!(fit_columns(&[3, 40, 40], 30), Some(vec![3, 11, 10]));
        assert_eq!(fit_columns(&[3, 4], 10), Some(vec![3, 4]));
        assert_eq!(fit_columns(&[3, 4, 5], 7), None);
    }
}
