//! Table rows laid out to a width, one row at a time.
//!
//! A row's text holds its cells joined with [`SEPARATOR`] (see `document::markdown`), and
//! every row of a table shares its [`Table`]: the natural width and alignment of each column.
//! So the widths chosen for a given room depend only on the table and the room, and rows
//! laid out one at a time (the layout is lazy) still line up.
//!
//! When the columns fit, each cell is wrapped within its column like a paragraph (whole
//! words, hyphenation), aligned as its column says, and the row takes as many lines as its
//! tallest cell: the other columns stay blank on those lines, with the separators running on
//! ([`Plan::Grid`]). When not even [`MIN_COLUMN`] cells a column fit, a row is shown as a
//! record instead of being cut: one `Header: value` field per column ([`Plan::Records`]).

use std::ops::Range;

use hyphenation::Standard;

use super::wrap::{self, Piece, text_width};
use crate::document::{Align, Table};

/// Between two cells of a row.
pub const SEPARATOR: &str = " │ ";

/// The narrowest a column is made (unless its widest cell is narrower): below this, words
/// would be cut every few letters, and the table is shown as records.
pub const MIN_COLUMN: usize = 6;

/// One laid-out line of a row: for each column, the piece of its cell on this line (if the
/// cell reaches this far down), with byte ranges of the row text.
pub type RowLine = Vec<Option<Piece>>;

/// How the rows of a table are laid out in some room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Plan {
    /// Columns side by side, at these widths.
    Grid(Vec<usize>),
    /// One `Header: value` field per line.
    Records,
}

/// One line of a row shown as a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordLine {
    pub column: usize,
    /// The line starts with the column's label (its header and `": "`).
    pub label: bool,
    /// Cells before the value: the label's width on a label line the value shares,
    /// the hanging indent on the lines after it.
    pub indent: usize,
    /// The piece of the cell on this line (none on a label line of an empty cell, or a
    /// label too wide to share its line).
    pub piece: Option<Piece>,
}

/// The byte ranges of a row's cells.
pub fn cells(text: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    loop {
        let end = text[start..]
            .find(SEPARATOR)
            .map_or(text.len(), |i| start + i);
        ranges.push(start..end);
        if end == text.len() {
            return ranges;
        }
        start = end + SEPARATOR.len();
    }
}

/// The natural width of each column: the table's, or (for a row without one, or with more
/// cells than it has columns) the cell's own.
fn natural_widths(text: &str, cells: &[Range<usize>], table: Option<&Table>) -> Vec<usize> {
    let columns = table.map_or(0, |t| t.columns.len()).max(cells.len());
    (0..columns)
        .map(|i| {
            let known = table
                .and_then(|t| t.columns.get(i))
                .map_or(0, |c| c.width as usize);
            let own = cells.get(i).map_or(0, |r| text_width(&text[r.clone()]));
            known.max(own)
        })
        .collect()
}

/// How a row (and so its whole table) is laid out in `room` cells.
pub fn plan(text: &str, cells: &[Range<usize>], table: Option<&Table>, room: usize) -> Plan {
    match fit_columns(&natural_widths(text, cells, table), room) {
        Some(widths) => Plan::Grid(widths),
        None => Plan::Records,
    }
}

/// Column widths that fit `room` cells with the separators: the natural widths if the table
/// fits; otherwise the narrow columns keep theirs and the wide ones share the rest evenly.
/// `None` when the room has not [`MIN_COLUMN`] cells for each column (or less for a column
/// whose widest cell is narrower).
pub fn fit_columns(natural: &[usize], room: usize) -> Option<Vec<usize>> {
    let separators = SEPARATOR.chars().count() * natural.len().saturating_sub(1);
    if natural.iter().sum::<usize>() + separators <= room {
        return Some(natural.to_vec());
    }
    let mut left = room.checked_sub(separators)?;
    let least: usize = natural.iter().map(|&n| n.clamp(1, MIN_COLUMN)).sum();
    if left < least {
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

/// A row's lines side by side in columns of `widths`.
pub fn grid_lines(
    text: &str,
    cells: &[Range<usize>],
    widths: &[usize],
    dict: Option<&Standard>,
) -> Vec<RowLine> {
    let columns: Vec<Vec<Piece>> = widths
        .iter()
        .enumerate()
        .map(|(i, &width)| match cells.get(i) {
            Some(range) => wrap_cell(text, range.clone(), width, dict),
            None => Vec::new(),
        })
        .collect();
    let height = columns.iter().map(Vec::len).max().unwrap_or(0).max(1);
    (0..height)
        .map(|i| columns.iter().map(|c| c.get(i).copied()).collect())
        .collect()
}

/// A cell wrapped to `width`, as pieces of the row text.
fn wrap_cell(text: &str, range: Range<usize>, width: usize, dict: Option<&Standard>) -> Vec<Piece> {
    let mut pieces = Vec::new();
    if !range.is_empty() {
        wrap::wrap_flow(&text[range.clone()], width.max(1), dict, &[], &mut pieces);
    }
    pieces.retain(|p| p.end > p.start);
    for piece in &mut pieces {
        piece.start += range.start;
        piece.end += range.start;
    }
    pieces
}

/// The label of column `column` in a record: its header and `": "`, cut to fit `room` (half
/// of it for the first column, whose label always shares its line with the value, so that
/// the row's first line starts where its text does: see [`line_starts`]); empty for a
/// column without a header.
pub fn label(table: Option<&Table>, column: usize, room: usize) -> String {
    let room = if column == 0 { room / 2 } else { room };
    let header = table
        .and_then(|t| t.columns.get(column))
        .map_or("", |c| c.header.as_str());
    if header.is_empty() {
        return String::new();
    }
    let full = format!("{header}: ");
    if text_width(&full) <= room {
        return full;
    }
    // Too long for the line: cut with an ellipsis (the value follows on lines of its own).
    use unicode_segmentation::UnicodeSegmentation;
    let mut cut = String::new();
    for g in header.graphemes(true) {
        if text_width(&cut) + text_width(g) + text_width("…:") > room {
            break;
        }
        cut.push_str(g);
    }
    cut.push_str("…:");
    if text_width(&cut) > room {
        cut.clear();
    }
    cut
}

/// A row shown as a record in `room` cells: each column a field, its label first, the value
/// after it when the label takes at most half the line (its later lines hanging under the
/// value), else on lines of its own, indented. Columns without a header and without text
/// are left out; a row with nothing at all still takes one line.
pub fn record_lines(
    text: &str,
    cells: &[Range<usize>],
    table: Option<&Table>,
    room: usize,
    dict: Option<&Standard>,
) -> Vec<RecordLine> {
    let columns = table.map_or(0, |t| t.columns.len()).max(cells.len());
    let mut out = Vec::new();
    for column in 0..columns {
        let range = cells.get(column).cloned().unwrap_or(text.len()..text.len());
        let label = label(table, column, room);
        let label_width = text_width(&label);
        if label.is_empty() {
            for piece in wrap_cell(text, range, room, dict) {
                out.push(RecordLine {
                    column,
                    label: false,
                    indent: 0,
                    piece: Some(piece),
                });
            }
            continue;
        }
        // The value shares the label's line when it fits the rest of it, or when the label
        // takes at most half of it.
        let value_width = text_width(&text[range.clone()]);
        let shares = label_width < room
            && (column == 0 || value_width <= room - label_width || label_width * 2 <= room);
        let hang = if shares {
            label_width
        } else {
            usize::from(room > 2) * 2
        };
        let pieces = wrap_cell(text, range.clone(), room - hang, dict);
        let mut pieces = pieces.into_iter();
        let first = if shares { pieces.next() } else { None };
        out.push(RecordLine {
            column,
            label: true,
            indent: label_width,
            piece: first,
        });
        for piece in pieces {
            out.push(RecordLine {
                column,
                label: false,
                indent: hang,
                piece: Some(piece),
            });
        }
    }
    if out.is_empty() {
        out.push(RecordLine {
            column: 0,
            label: false,
            indent: 0,
            piece: None,
        });
    }
    out
}

/// Where each line of a row starts in the row text, in order: the first line at 0, so that
/// the lines of a row, each running to where the next starts, cover all of its text (the
/// separators too) and every offset maps to a line and back. A grid line starts where its
/// first piece does; a record line where its piece does, or a label line without one at the
/// separator before its cell (the value's first piece starts after it).
pub fn line_starts(lines: &RowLines, cells: &[Range<usize>]) -> Vec<usize> {
    let mut starts: Vec<usize> = match lines {
        RowLines::Grid(rows) => rows
            .iter()
            .map(|line| line.iter().flatten().map(|p| p.start).min().unwrap_or(0))
            .collect(),
        RowLines::Records(records) => records
            .iter()
            .map(|line| match line.piece {
                Some(piece) => piece.start,
                None => cells
                    .get(line.column)
                    .map_or(0, |r| r.start.saturating_sub(SEPARATOR.len())),
            })
            .collect(),
    };
    if let Some(first) = starts.first_mut() {
        *first = 0;
    }
    starts
}

/// A row's lines, either way.
pub enum RowLines {
    Grid(Vec<RowLine>),
    Records(Vec<RecordLine>),
}

/// The blank cells before and after a piece `used` cells wide in a column `width` wide.
pub fn padding(align: Align, used: usize, width: usize) -> (usize, usize) {
    let free = width.saturating_sub(used);
    match align {
        Align::Left => (0, free),
        Align::Right => (free, 0),
        Align::Center => (free / 2, free - free / 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Column;

    fn table(columns: &[(Align, &str)], rows: &[&[&str]]) -> Table {
        Table {
            columns: columns
                .iter()
                .enumerate()
                .map(|(i, &(align, header))| Column {
                    align,
                    width: rows
                        .iter()
                        .map(|r| text_width(r[i]) as u32)
                        .max()
                        .unwrap_or(0)
                        .max(text_width(header) as u32),
                    header: header.to_string(),
                })
                .collect(),
        }
    }

    /// The row drawn as the layout draws it (without the trailing blanks).
    fn drawn(text: &str, table: &Table, room: usize) -> Vec<String> {
        let cells = cells(text);
        match plan(text, &cells, Some(table), room) {
            Plan::Grid(widths) => grid_lines(text, &cells, &widths, None)
                .iter()
                .map(|line| {
                    let mut out = String::new();
                    for (i, piece) in line.iter().enumerate() {
                        if i > 0 {
                            out.push_str(SEPARATOR);
                        }
                        let cell = piece.map_or("", |p| &text[p.start..p.end]);
                        let (before, after) =
                            padding(table.columns[i].align, text_width(cell), widths[i]);
                        out.push_str(&" ".repeat(before));
                        out.push_str(cell);
                        out.push_str(&" ".repeat(after));
                    }
                    out.trim_end().to_string()
                })
                .collect(),
            Plan::Records => record_lines(text, &cells, Some(table), room, None)
                .iter()
                .map(|line| {
                    let mut out = if line.label {
                        label(Some(table), line.column, room)
                    } else {
                        " ".repeat(line.indent)
                    };
                    out.push_str(line.piece.map_or("", |p| &text[p.start..p.end]));
                    out.trim_end().to_string()
                })
                .collect(),
        }
    }

    #[test]
    fn a_row_that_fits_is_one_line() {
        let t = table(&[(Align::Left, "a"), (Align::Left, "bbb")], &[&["cc", "d"]]);
        assert_eq!(drawn("cc │ d", &t, 20), ["cc │ d"]);
    }

    #[test]
    fn cells_are_aligned_as_their_columns_say() {
        let t = table(
            &[
                (Align::Left, "left"),
                (Align::Center, "centre"),
                (Align::Right, "right"),
            ],
            &[&["a", "b", "c"]],
        );
        assert_eq!(drawn("a │ b │ c", &t, 40), ["a    │   b    │     c"]);
        assert_eq!(
            drawn("left │ centre │ right", &t, 40),
            ["left │ centre │ right"]
        );
    }

    #[test]
    fn cells_wrap_within_their_columns() {
        let t = table(
            &[(Align::Left, "name"), (Align::Left, "what")],
            &[&["firewall", "Blocks incoming connections"]],
        );
        let row = "firewall │ Blocks incoming connections";
        assert_eq!(
            drawn(row, &t, 24),
            [
                "firewall │ Blocks",
                "         │ incoming",
                "         │ connections"
            ]
        );
        // The first column wraps too, its continuation under itself; right-aligned cells
        // stay right-aligned on every line.
        let t = table(
            &[(Align::Right, "n"), (Align::Left, "what")],
            &[&["one two three", "x"]],
        );
        assert_eq!(
            drawn("one two three │ x", &t, 14),
            ["one two │ x", "  three │"]
        );
    }

    #[test]
    fn wide_columns_share_the_room() {
        assert_eq!(fit_columns(&[3, 40, 40], 30), Some(vec![3, 11, 10]));
        assert_eq!(fit_columns(&[3, 4], 10), Some(vec![3, 4]));
        assert_eq!(fit_columns(&[3, 4, 5], 7), None);
        // Narrow columns need only their own width, wide ones at least MIN_COLUMN.
        assert_eq!(fit_columns(&[1, 1, 1, 1], 13), Some(vec![1, 1, 1, 1]));
        assert_eq!(fit_columns(&[20, 20, 20], 6 * 3 + 6), Some(vec![6, 6, 6]));
        assert_eq!(fit_columns(&[20, 20, 20], 6 * 3 + 5), None);
    }

    #[test]
    fn a_table_too_wide_for_its_columns_becomes_records() {
        let t = table(
            &[
                (Align::Left, "Name"),
                (Align::Right, "Population"),
                (Align::Left, "Capital"),
            ],
            &[&["Deutschland", "83 Mio.", "Berlin an der Spree"]],
        );
        let row = "Deutschland │ 83 Mio. │ Berlin an der Spree";
        // 11 + 10 + 19 cells and two separators do not fit 22, nor do three columns of 6.
        assert_eq!(plan(row, &cells(row), Some(&t), 22), Plan::Records);
        assert_eq!(
            drawn(row, &t, 22),
            [
                "Name: Deutschland",
                "Population: 83 Mio.",
                "Capital: Berlin an der",
                "         Spree",
            ]
        );
        // A label that would leave the value too little room goes on a line of its own.
        assert_eq!(
            drawn(row, &t, 17),
            [
                "Name: Deutschland",
                "Population:",
                "  83 Mio.",
                "Capital:",
                "  Berlin an der",
                "  Spree",
            ]
        );
        // With room for the columns, the same row is a grid again.
        assert!(matches!(
            plan(row, &cells(row), Some(&t), 24),
            Plan::Grid(_)
        ));
    }

    #[test]
    fn empty_cells_keep_their_label_and_headerless_columns_show_the_value() {
        let t = table(
            &[(Align::Left, ""), (Align::Left, "B"), (Align::Left, "C")],
            &[&["only", "", "x"]],
        );
        assert_eq!(drawn("only │  │ x", &t, 10), ["only", "B:", "C: x"]);
    }
}
