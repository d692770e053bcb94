//! Layout: a document wrapped to one width, as lines that each map back to a content
//! position (block and byte offset) and forth again.
//!
//! Lines are made per block, lazily: opening a huge document lays out only the blocks that
//! the first screen shows, and moving lays out what comes into view. A position on screen is
//! a [`LinePos`] (block, line within the block), never a global line number, so nothing needs
//! counting all lines first; progress is measured in text through [`Document::fraction_at`].
//! [`LayoutCache`] keeps the layouts of recent widths, so a resize storm does not re-wrap.

pub mod table;
pub mod wrap;

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use hyphenation::Standard;

use crate::document::{BlockKind, BlockRef, Document, Role, Roles, Span};
pub use wrap::text_width;

/// How to lay a document out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WrapOptions {
    /// Column width in cells, at least 1.
    pub width: usize,
    pub hyphenate: bool,
    pub justify: bool,
}

impl WrapOptions {
    pub fn new(width: usize) -> Self {
        WrapOptions {
            width: width.max(1),
            hyphenate: true,
            justify: false,
        }
    }
}

/// One laid-out line of a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    /// Byte range of the block text shown on this line.
    pub start: u32,
    pub end: u32,
    /// The first of the block's spans (sorted by start) that can reach this line: drawing a
    /// line looks at the spans from here on, not at all of them.
    span_from: u32,
    flags: u8,
    /// A line of a table row: which of the row's lines (see [`table`]).
    row: u16,
}

const GAP: u8 = 1;
const FIRST: u8 = 2;
const HYPHEN: u8 = 4;
/// The last line of a hard line: never justified.
const BREAK: u8 = 8;
/// A line of a table row wrapped cell by cell: drawn from the row's cells, not one range.
const TABLE: u8 = 16;
/// A line of code that goes on from the line before (the code line was too long).
const CONTINUES: u8 = 32;

impl Line {
    /// A blank line that separates this block from the one before.
    pub fn is_gap(&self) -> bool {
        self.flags & GAP != 0
    }
    /// The first text line of the block (carries the list marker).
    pub fn is_first(&self) -> bool {
        self.flags & FIRST != 0
    }
    /// A word was split after this line: draw a hyphen.
    pub fn hyphen(&self) -> bool {
        self.flags & HYPHEN != 0
    }
    /// A line of code that goes on from the line before: the code line was too long for
    /// the width (drawn with [`CONTINUATION`] in the gutter).
    pub fn continues(&self) -> bool {
        self.flags & CONTINUES != 0
    }
    fn ends_hard_line(&self) -> bool {
        self.flags & BREAK != 0
    }
    fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A line on screen: block index and line index within the block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct LinePos {
    pub block: usize,
    pub line: usize,
}

/// What a piece of a drawn line is, for the theme to colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    Body,
    Title,
    Heading(u8),
    Code,
    TableHeader,
    Table,
    /// Quote bars, list markers and the hyphen after a split word.
    Decoration,
    Rule,
    /// The gutter left of code lines, and the mark of a code line that goes on.
    Gutter,
}

/// A byte range of a block's text drawn with an extra role (see [`Layout::segments_marked`]).
pub type Mark = (std::ops::Range<usize>, Role);

/// The roles the marks add at byte `at`.
fn mark_roles(marks: &[Mark], at: usize) -> Roles {
    marks
        .iter()
        .filter(|(range, _)| range.contains(&at))
        .fold(Roles::NONE, |roles, (_, role)| roles.with(*role))
}

/// Pushes the text `start..end` of `text` as segments, split where a mark begins or ends.
fn push_marked<'d>(
    text: &'d str,
    (start, end): (usize, usize),
    paint: Paint,
    roles: impl Fn(usize) -> Roles,
    marks: &[Mark],
    out: &mut Vec<Segment<'d>>,
) {
    let mut cuts = vec![start, end];
    for (range, _) in marks {
        for at in [range.start, range.end] {
            if at > start && at < end && text.is_char_boundary(at) {
                cuts.push(at);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    for w in cuts.windows(2) {
        if let Some(t) = text.get(w[0]..w[1]) {
            out.push(Segment {
                text: Cow::Borrowed(t),
                paint,
                roles: roles(w[0]).union(mark_roles(marks, w[0])),
            });
        }
    }
}

/// The gutter before a line of code.
pub const GUTTER: &str = "▏ ";
/// The gutter before a line of code that goes on from the line before.
pub const CONTINUATION: &str = "↪ ";

/// A piece of a drawn line: text, the block's paint and its inline roles (nested styles
/// combine: a bold link has both).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment<'a> {
    pub text: Cow<'a, str>,
    pub paint: Paint,
    pub roles: Roles,
}

/// A document laid out at one width.
#[derive(Debug)]
pub struct Layout {
    options: WrapOptions,
    dict: Option<&'static Standard>,
    /// Lines of the blocks laid out so far, by block index. A map, not a slot per block:
    /// memory follows what was looked at, not the length of the document.
    blocks: HashMap<usize, Box<[Line]>>,
}

impl Layout {
    /// An empty layout: nothing is wrapped until a block is asked for.
    pub fn new(doc: &Document, options: WrapOptions) -> Self {
        let dict = if options.hyphenate {
            doc.language.as_deref().and_then(wrap::dictionary)
        } else {
            None
        };
        Layout {
            options,
            dict,
            blocks: HashMap::new(),
        }
    }

    pub fn options(&self) -> WrapOptions {
        self.options
    }

    pub fn width(&self) -> usize {
        self.options.width
    }

    /// How many blocks have been laid out so far.
    pub fn laid_out(&self) -> usize {
        self.blocks.len()
    }

    /// Lays out `block` if it was not yet.
    pub fn ensure(&mut self, doc: &Document, block: usize) {
        // Blocks appended later (a large article arrives in pieces) do not change the lines
        // of earlier ones: a block's gap depends only on the block before it.
        if block < doc.block_count() && !self.blocks.contains_key(&block) {
            let lines = lay_out_block(doc, block, self.options.width, self.dict);
            self.blocks.insert(block, lines);
        }
    }

    /// The lines of a block that has been laid out.
    pub fn lines(&self, block: usize) -> Option<&[Line]> {
        self.blocks.get(&block).map(|lines| &**lines)
    }

    /// Number of lines of `block`, laying it out if needed.
    pub fn line_count(&mut self, doc: &Document, block: usize) -> usize {
        self.ensure(doc, block);
        self.lines(block).map_or(0, <[Line]>::len)
    }

    /// The first line of the document, or `None` for a document without blocks.
    pub fn first(&mut self, doc: &Document) -> Option<LinePos> {
        (!doc.is_empty()).then_some(LinePos { block: 0, line: 0 })
    }

    /// The last line of the document.
    pub fn last(&mut self, doc: &Document) -> Option<LinePos> {
        let block = doc.block_count().checked_sub(1)?;
        let n = self.line_count(doc, block);
        Some(LinePos {
            block,
            line: n.saturating_sub(1),
        })
    }

    pub fn next(&mut self, doc: &Document, pos: LinePos) -> Option<LinePos> {
        if pos.line + 1 < self.line_count(doc, pos.block) {
            return Some(LinePos {
                line: pos.line + 1,
                ..pos
            });
        }
        let mut block = pos.block + 1;
        while block < doc.block_count() {
            if self.line_count(doc, block) > 0 {
                return Some(LinePos { block, line: 0 });
            }
            block += 1;
        }
        None
    }

    pub fn prev(&mut self, doc: &Document, pos: LinePos) -> Option<LinePos> {
        if pos.line > 0 {
            return Some(LinePos {
                line: pos.line - 1,
                ..pos
            });
        }
        let mut block = pos.block;
        while block > 0 {
            block -= 1;
            let n = self.line_count(doc, block);
            if n > 0 {
                return Some(LinePos { block, line: n - 1 });
            }
        }
        None
    }

    /// `n` lines further on, stopping at the last line.
    pub fn forward(&mut self, doc: &Document, mut pos: LinePos, n: usize) -> LinePos {
        for _ in 0..n {
            match self.next(doc, pos) {
                Some(next) => pos = next,
                None => break,
            }
        }
        pos
    }

    /// `n` lines back, stopping at the first line.
    pub fn backward(&mut self, doc: &Document, mut pos: LinePos, n: usize) -> LinePos {
        for _ in 0..n {
            match self.prev(doc, pos) {
                Some(prev) => pos = prev,
                None => break,
            }
        }
        pos
    }

    /// The content position a line shows: its block and the byte offset where it starts. A
    /// gap line stands for the start of the block after it.
    pub fn content_at(&self, pos: LinePos) -> (usize, usize) {
        let offset = self
            .lines(pos.block)
            .and_then(|lines| lines.get(pos.line))
            .map_or(0, |l| l.start as usize);
        (pos.block, offset)
    }

    /// The line that shows byte `offset` of `block` (the first text line for offset 0).
    pub fn line_at(&mut self, doc: &Document, block: usize, offset: usize) -> Option<LinePos> {
        let block = block.min(doc.block_count().checked_sub(1)?);
        self.ensure(doc, block);
        let lines = self.lines(block)?;
        let line = lines
            .iter()
            .rposition(|l| !l.is_gap() && (l.start as usize) <= offset)
            .or_else(|| lines.iter().position(|l| !l.is_gap()))
            .unwrap_or(0);
        Some(LinePos { block, line })
    }

    /// The first line of `block`'s text (after its gap).
    pub fn block_start(&mut self, doc: &Document, block: usize) -> Option<LinePos> {
        self.line_at(doc, block, 0)
    }

    /// Lays out and returns up to `height` lines from `top` on.
    pub fn window(&mut self, doc: &Document, top: LinePos, height: usize) -> Vec<LinePos> {
        let mut out = Vec::with_capacity(height);
        if height == 0 || top.block >= doc.block_count() {
            return out;
        }
        self.ensure(doc, top.block);
        let mut pos = Some(top);
        while let Some(p) = pos {
            if out.len() == height {
                break;
            }
            out.push(p);
            pos = self.next(doc, p);
        }
        out
    }

    /// The top line that shows the last screenful of `height` lines.
    pub fn last_page_top(&mut self, doc: &Document, height: usize) -> Option<LinePos> {
        let last = self.last(doc)?;
        Some(self.backward(doc, last, height.saturating_sub(1)))
    }

    /// The segments to draw for a laid-out line (empty if the block is not laid out).
    pub fn segments<'d>(&self, doc: &'d Document, pos: LinePos) -> Vec<Segment<'d>> {
        let (Some(block), Some(line)) = (
            doc.get(pos.block),
            self.lines(pos.block).and_then(|l| l.get(pos.line)),
        ) else {
            return Vec::new();
        };
        line_segments(&block, line, self.options, self.dict, &[])
    }

    /// [`Layout::segments`] with byte ranges of the block's text marked by a role (the
    /// matches of a search): a segment is split where a mark starts or ends, and the part
    /// inside carries the mark's role too. A mark that goes on past the line's end (onto
    /// the next line, past a hyphen the layout added) marks its part on each line.
    pub fn segments_marked<'d>(
        &self,
        doc: &'d Document,
        pos: LinePos,
        marks: &[Mark],
    ) -> Vec<Segment<'d>> {
        let (Some(block), Some(line)) = (
            doc.get(pos.block),
            self.lines(pos.block).and_then(|l| l.get(pos.line)),
        ) else {
            return Vec::new();
        };
        line_segments(&block, line, self.options, self.dict, marks)
    }

    /// A line as plain text, as `blatt render` prints it.
    pub fn plain_text(&self, doc: &Document, pos: LinePos) -> String {
        self.segments(doc, pos)
            .iter()
            .map(|s| s.text.as_ref())
            .collect::<String>()
            .trim_end()
            .to_string()
    }

    /// Every line, laying out the whole document: for `blatt render` and tests.
    pub fn all_lines(&mut self, doc: &Document) -> Vec<LinePos> {
        let mut out = Vec::new();
        for block in 0..doc.block_count() {
            for line in 0..self.line_count(doc, block) {
                out.push(LinePos { block, line });
            }
        }
        out
    }
}

/// The decoration before a block's lines: quote bars, then the list indentation, with the
/// item's marker on its first line just left of where the text starts.
fn prefix(block: &BlockRef, first: bool) -> String {
    let mut prefix = "│ ".repeat(usize::from(block.quote));
    let indent = usize::from(block.indent);
    if first && !block.marker.is_empty() {
        let marker = text_width(block.marker) + 1;
        prefix.extend(std::iter::repeat_n(' ', indent.saturating_sub(marker)));
        prefix.push_str(block.marker);
        prefix.push(' ');
    } else {
        prefix.extend(std::iter::repeat_n(' ', indent));
    }
    prefix
}

/// The prefix actually drawn at `width`: dropped when it would leave no room for text.
fn fitted_prefix(block: &BlockRef, first: bool, width: usize) -> String {
    // Most blocks (paragraphs) have none: asked for every line, this is the answer at once.
    if block.quote == 0 && block.indent == 0 && (!first || block.marker.is_empty()) {
        return String::new();
    }
    let prefix = prefix(block, first);
    if text_width(&prefix) + 1 > width || text_width(&prefix) * 2 > width + 8 {
        String::new()
    } else {
        prefix
    }
}

/// Cells of the code gutter after a prefix `prefix` cells wide: none for other blocks, or
/// when it would leave less than two cells (a wide character) for the code.
fn gutter_width(block: &BlockRef, prefix: usize, width: usize) -> usize {
    if *block.kind == BlockKind::Code && prefix + text_width(GUTTER) + 2 <= width {
        text_width(GUTTER)
    } else {
        0
    }
}

/// Whether a blank line separates `block` from the one before. Blocks that go on from the
/// one before, items of a tight list (the parser marks them `joined`) and rows of one table
/// follow without one.
fn needs_gap(doc: &Document, block: usize, this: &BlockRef) -> bool {
    if this.continued || this.joined || block == 0 {
        return false;
    }
    // Only a row of a table can share it with the block before.
    this.table.is_none()
        || !doc
            .get(block - 1)
            .is_some_and(|prev| this.same_table(&prev))
}

fn lay_out_block(
    doc: &Document,
    index: usize,
    width: usize,
    dict: Option<&Standard>,
) -> Box<[Line]> {
    let mut lines = Vec::new();
    lay_out_block_into(doc, index, width, dict, &mut Vec::new(), &mut lines);
    lines.into_boxed_slice()
}

/// [`lay_out_block`] into `lines` (empty), with `pieces` for the wrapped pieces: a caller
/// that lays out block after block keeps both, and allocates nothing per block once they
/// have grown.
fn lay_out_block_into(
    doc: &Document,
    index: usize,
    width: usize,
    dict: Option<&Standard>,
    pieces: &mut Vec<wrap::Piece>,
    lines: &mut Vec<Line>,
) {
    let block = doc.block(index);
    if needs_gap(doc, index, &block) {
        lines.push(Line {
            start: 0,
            end: 0,
            span_from: 0,
            flags: GAP,
            row: 0,
        });
    }
    let avail = text_room(&block, width);
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    if let BlockKind::TableRow { header } = *block.kind {
        let cells = table::cells(block.text);
        let table = block.table.map(|t| &**t);
        let (rows, records) = match table::plan(block.text, &cells, table, avail) {
            table::Plan::Grid(widths) => (
                table::RowLines::Grid(table::grid_lines(block.text, &cells, &widths, dict)),
                false,
            ),
            table::Plan::Records if !header => (
                table::RowLines::Records(table::record_lines(
                    block.text, &cells, table, avail, dict,
                )),
                true,
            ),
            // The header row of a table shown as records reads as a line of column names.
            table::Plan::Records => (table::RowLines::Grid(Vec::new()), false),
        };
        let starts = table::line_starts(&rows, &cells);
        if !starts.is_empty() {
            // Records are set apart from each other.
            if records && lines.is_empty() && index > 0 && !block.continued {
                lines.push(Line {
                    start: 0,
                    end: 0,
                    span_from: 0,
                    flags: GAP,
                    row: 0,
                });
            }
            let count = starts.len();
            for (i, &start) in starts.iter().enumerate() {
                let end = starts.get(i + 1).copied().unwrap_or(block.text.len());
                lines.push(Line {
                    start: to_u32(start),
                    end: to_u32(end),
                    span_from: 0,
                    flags: TABLE
                        | if i == 0 { FIRST } else { 0 }
                        | if i + 1 == count { BREAK } else { 0 },
                    row: u16::try_from(i).unwrap_or(u16::MAX),
                });
            }
            return;
        }
    }
    // Room for about the lines a text of one-cell characters makes, in one allocation.
    pieces.clear();
    pieces.reserve(block.text.len() / avail + 2);
    match block.kind {
        BlockKind::Rule => pieces.push(wrap::Piece {
            start: 0,
            end: 0,
            hyphen: false,
        }),
        BlockKind::Code => wrap::wrap_preformatted(block.text, avail, pieces),
        _ => {
            let code = literal_ranges(block.spans);
            wrap::wrap_flow(block.text, avail, dict, &code, pieces)
        }
    }
    // The furthest end of the spans up to each index: a line starting at `s` can only be
    // reached by spans from the first index whose running end passes `s`.
    let reach: Vec<usize> = block
        .spans
        .iter()
        .scan(0, |furthest, span| {
            *furthest = (*furthest).max(span.range().end);
            Some(*furthest)
        })
        .collect();
    let count = pieces.len();
    lines.reserve_exact(count);
    for (i, piece) in pieces.iter().enumerate() {
        let mut flags = 0;
        if i == 0 {
            flags |= FIRST;
        }
        if piece.hyphen {
            flags |= HYPHEN;
        }
        let next_start = pieces.get(i + 1).map_or(block.text.len(), |p| p.start);
        if i + 1 == count || block.text[piece.end..next_start].contains('\n') {
            flags |= BREAK;
        }
        let after_break = lines
            .last()
            .is_none_or(|l| l.is_gap() || l.ends_hard_line());
        if *block.kind == BlockKind::Code && !after_break {
            flags |= CONTINUES;
        }
        lines.push(Line {
            start: to_u32(piece.start),
            end: to_u32(piece.end),
            span_from: to_u32(reach.partition_point(|&end| end <= piece.start)),
            flags,
            row: 0,
        });
    }
}

/// The cells a block's text has to fit in after its prefix.
fn text_room(block: &BlockRef, width: usize) -> usize {
    let prefix_width = widest_prefix(block, width);
    let gutter = gutter_width(block, prefix_width, width);
    width.saturating_sub(prefix_width + gutter).max(1)
}

/// The wider of a block's prefixes (its first line's and the others') at `width`.
fn widest_prefix(block: &BlockRef, width: usize) -> usize {
    text_width(&fitted_prefix(block, true, width))
        .max(text_width(&fitted_prefix(block, false, width)))
}

/// The gutter's width for `block` at `width` (see [`gutter_width`]).
fn gutter_width_at(block: &BlockRef, width: usize) -> usize {
    gutter_width(block, widest_prefix(block, width), width)
}

/// The ranges of inline code, merged and sorted: never hyphenated.
fn literal_ranges(spans: &[Span]) -> Vec<std::ops::Range<usize>> {
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for span in spans.iter().filter(|s| s.role == Role::Code) {
        let range = span.range();
        match ranges.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => ranges.push(range),
        }
    }
    ranges
}

/// The segments of a line of a table row: each cell's piece, aligned in its column, between
/// separators; or, for a row shown as a record, a field's label and value.
fn table_segments<'d>(
    block: &BlockRef<'d>,
    line: &Line,
    options: WrapOptions,
    dict: Option<&Standard>,
    paint: Paint,
    marks: &[Mark],
    out: &mut Vec<Segment<'d>>,
) {
    let room = text_room(block, options.width);
    let cells = table::cells(block.text);
    let table = block.table.map(|t| &**t);
    let blank = |n: usize, roles| Segment {
        text: Cow::Owned(" ".repeat(n)),
        paint,
        roles,
    };
    let piece_segments = |piece: wrap::Piece, out: &mut Vec<Segment<'d>>| {
        let roles = Roles::at(block.spans, piece.start);
        push_marked(
            block.text,
            (piece.start, piece.end),
            paint,
            |_| roles,
            marks,
            out,
        );
        if piece.hyphen {
            out.push(Segment {
                text: Cow::Borrowed("-"),
                paint: Paint::Decoration,
                roles: Roles::NONE,
            });
        }
    };
    let widths = match table::plan(block.text, &cells, table, room) {
        table::Plan::Grid(widths) => widths,
        table::Plan::Records => {
            let records = table::record_lines(block.text, &cells, table, room, dict);
            let Some(record) = records.get(usize::from(line.row)) else {
                return;
            };
            if record.label {
                out.push(Segment {
                    text: Cow::Owned(table::label(table, record.column, room)),
                    paint: Paint::TableHeader,
                    roles: Roles::NONE,
                });
            } else if record.indent > 0 {
                out.push(blank(record.indent, Roles::NONE));
            }
            if let Some(piece) = record.piece {
                piece_segments(piece, out);
            }
            return;
        }
    };
    let rows = table::grid_lines(block.text, &cells, &widths, dict);
    let Some(row) = rows.get(usize::from(line.row)) else {
        return;
    };
    let last = row.len().saturating_sub(1);
    for (column, (piece, width)) in row.iter().zip(&widths).enumerate() {
        let roles = Roles::at(block.spans, cells.get(column).map_or(0, |r| r.start));
        if column > 0 {
            out.push(Segment {
                text: Cow::Borrowed(table::SEPARATOR),
                paint,
                roles,
            });
        }
        let used = piece.map_or(0, |p| {
            text_width(block.text.get(p.start..p.end).unwrap_or("")) + usize::from(p.hyphen)
        });
        let align = table
            .and_then(|t| t.columns.get(column))
            .map(|c| c.align)
            .unwrap_or_default();
        let (before, after) = table::padding(align, used, *width);
        if before > 0 {
            out.push(blank(before, roles));
        }
        if let Some(piece) = piece {
            piece_segments(*piece, out);
        }
        if column < last && after > 0 {
            out.push(blank(after, roles));
        }
    }
}

fn paint_of(kind: &BlockKind) -> Paint {
    match kind {
        BlockKind::Title => Paint::Title,
        BlockKind::Heading { level } => Paint::Heading(*level),
        BlockKind::Code => Paint::Code,
        BlockKind::TableRow { header: true } => Paint::TableHeader,
        BlockKind::TableRow { header: false } => Paint::Table,
        BlockKind::Rule => Paint::Rule,
        BlockKind::Paragraph | BlockKind::ListItem { .. } => Paint::Body,
    }
}

fn line_segments<'d>(
    block: &BlockRef<'d>,
    line: &Line,
    options: WrapOptions,
    dict: Option<&Standard>,
    marks: &[Mark],
) -> Vec<Segment<'d>> {
    let mut out = Vec::new();
    if line.is_gap() {
        return out;
    }
    let paint = paint_of(block.kind);
    let mut prefix = fitted_prefix(block, line.is_first(), options.width);
    let code = *block.kind == BlockKind::Code;
    let room = text_room(block, options.width);
    if code {
        // The gutter stands in one column on every line, the marker's line too.
        let column = options
            .width
            .saturating_sub(room + gutter_width_at(block, options.width));
        let short = column.saturating_sub(text_width(&prefix));
        prefix.extend(std::iter::repeat_n(' ', short));
    }
    let prefix_width = text_width(&prefix);
    if !prefix.is_empty() {
        out.push(Segment {
            text: Cow::Owned(prefix),
            paint: Paint::Decoration,
            roles: Roles::NONE,
        });
    }
    if code && gutter_width_at(block, options.width) > 0 {
        out.push(Segment {
            text: Cow::Borrowed(if line.continues() {
                CONTINUATION
            } else {
                GUTTER
            }),
            paint: Paint::Gutter,
            roles: Roles::NONE,
        });
    }
    if line.flags & TABLE != 0 {
        table_segments(block, line, options, dict, paint, marks, &mut out);
        return out;
    }
    if *block.kind == BlockKind::Rule {
        let n = options.width.saturating_sub(prefix_width);
        out.push(Segment {
            text: Cow::Owned("─".repeat(n)),
            paint: Paint::Rule,
            roles: Roles::NONE,
        });
        return out;
    }
    let range = line.range();
    let Some(text) = block.text.get(range.clone()) else {
        return out;
    };
    let extra = justify_extra(block, line, options, prefix_width, text);
    // Split the line where inline roles change, then spread justification spaces.
    // The spans that touch this line: from the line's first reachable span up to the first
    // span that starts after the line.
    let from = (line.span_from as usize).min(block.spans.len());
    let spans: Vec<&Span> = block.spans[from..]
        .iter()
        .take_while(|s| s.range().start < range.end)
        .filter(|s| s.range().end > range.start)
        .collect();
    let mut cuts = vec![range.start, range.end];
    let mark_edges = marks.iter().flat_map(|(r, _)| [r.start, r.end]);
    for at in spans
        .iter()
        .flat_map(|s| [s.range().start, s.range().end])
        .chain(mark_edges)
    {
        if at > range.start && at < range.end && block.text.is_char_boundary(at) {
            cuts.push(at);
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut pieces: Vec<Segment<'d>> = cuts
        .windows(2)
        .filter_map(|w| {
            block.text.get(w[0]..w[1]).map(|t| Segment {
                text: Cow::Borrowed(t),
                paint,
                roles: Roles::at(spans.iter().copied(), w[0]).union(mark_roles(marks, w[0])),
            })
        })
        .collect();
    if extra > 0 {
        justify_segments(&mut pieces, extra);
    }
    out.extend(pieces);
    if code {
        // Code lines run to the end of the room, so that a background marks out the block.
        let used = text_width(text) + usize::from(line.hyphen());
        if used < room {
            out.push(Segment {
                text: Cow::Owned(" ".repeat(room - used)),
                paint,
                roles: Roles::NONE,
            });
        }
    }
    if line.hyphen() {
        out.push(Segment {
            text: Cow::Borrowed("-"),
            paint: Paint::Decoration,
            roles: Roles::NONE,
        });
    }
    out
}

/// The cells a justified line's spaces must grow by to fill the width: for the lines of
/// paragraphs and list items that do not end a hard line, when justifying.
fn justify_extra(
    block: &BlockRef,
    line: &Line,
    options: WrapOptions,
    prefix_width: usize,
    text: &str,
) -> usize {
    let justify = options.justify
        && matches!(
            block.kind,
            BlockKind::Paragraph | BlockKind::ListItem { .. }
        )
        && !line.ends_hard_line();
    if justify {
        options
            .width
            .saturating_sub(prefix_width + text_width(text) + usize::from(line.hyphen()))
    } else {
        0
    }
}

/// Widens the spaces between words so the line fills `extra` more cells, spreading them
/// evenly from the left.
fn justify_segments(segments: &mut [Segment<'_>], extra: usize) {
    let gaps: usize = segments.iter().map(|s| s.text.matches(' ').count()).sum();
    let Some(mut spread) = Spread::new(gaps, extra) else {
        return;
    };
    for segment in segments.iter_mut() {
        if !segment.text.contains(' ') {
            continue;
        }
        let mut widened = String::with_capacity(segment.text.len() + extra);
        spread.push(&segment.text, &mut widened);
        segment.text = Cow::Owned(widened);
    }
}

/// Justification's spaces: `extra` cells shared among `gaps` spaces, one more for each of
/// the first `extra % gaps`.
struct Spread {
    each: usize,
    rest: usize,
}

impl Spread {
    fn new(gaps: usize, extra: usize) -> Option<Spread> {
        (gaps > 0).then(|| Spread {
            each: extra / gaps,
            rest: extra % gaps,
        })
    }

    /// Pushes `text` to `out` with its spaces widened (the next spaces of the line).
    fn push(&mut self, text: &str, out: &mut String) {
        for (i, piece) in text.split(' ').enumerate() {
            if i > 0 {
                let spaces = 1 + self.each + usize::from(self.rest > 0);
                out.extend(std::iter::repeat_n(' ', spaces));
                self.rest = self.rest.saturating_sub(1);
            }
            out.push_str(piece);
        }
    }
}

/// Pushes the text of `line` to `out` as [`line_segments`] gives it without marks, the
/// segments joined: for `blatt render`, without building the segments of the plain lines
/// of text (no table, rule or code), which are nearly all.
fn push_line_text(
    block: &BlockRef,
    line: &Line,
    options: WrapOptions,
    dict: Option<&Standard>,
    out: &mut String,
) {
    if line.is_gap() {
        return;
    }
    if line.flags & TABLE != 0 || matches!(*block.kind, BlockKind::Rule | BlockKind::Code) {
        for segment in line_segments(block, line, options, dict, &[]) {
            out.push_str(&segment.text);
        }
        return;
    }
    let prefix = fitted_prefix(block, line.is_first(), options.width);
    out.push_str(&prefix);
    let Some(text) = block.text.get(line.range()) else {
        return;
    };
    let extra = justify_extra(block, line, options, text_width(&prefix), text);
    // The spaces are counted only for a line that is widened.
    let spread = (extra > 0)
        .then(|| Spread::new(text.bytes().filter(|&b| b == b' ').count(), extra))
        .flatten();
    match spread {
        Some(mut spread) => spread.push(text, out),
        None => out.push_str(text),
    }
    if line.hyphen() {
        out.push('-');
    }
}

/// Layouts of recent widths, so that resizing back and forth re-wraps nothing.
#[derive(Debug, Default)]
pub struct LayoutCache {
    layouts: Vec<Layout>,
}

impl LayoutCache {
    const KEEP: usize = 4;

    /// The layout for `options`, made (empty, lazy) if it is not cached.
    pub fn get(&mut self, doc: &Document, options: WrapOptions) -> &mut Layout {
        match self.layouts.iter().position(|l| l.options == options) {
            Some(i) => {
                let layout = self.layouts.remove(i);
                self.layouts.push(layout);
            }
            None => {
                if self.layouts.len() >= Self::KEEP {
                    self.layouts.remove(0);
                }
                self.layouts.push(Layout::new(doc, options));
            }
        }
        let last = self.layouts.len() - 1;
        &mut self.layouts[last]
    }

    /// Forgets every layout (the document changed under lines laid out before).
    pub fn clear(&mut self) {
        self.layouts.clear();
    }

    /// The layout for `options` if it is cached.
    pub fn peek(&self, options: WrapOptions) -> Option<&Layout> {
        self.layouts.iter().find(|l| l.options == options)
    }
}

/// The whole document as plain text lines, for `blatt render`.
pub fn render_plain(doc: &Document, options: WrapOptions) -> Vec<String> {
    let mut layout = Layout::new(doc, options);
    layout
        .all_lines(doc)
        .into_iter()
        .map(|pos| layout.plain_text(doc, pos))
        .collect()
}

/// Writes the whole document laid out at `options`, one line per text line. The blocks are
/// laid out in batches, each batch split between the available cores, and written in order;
/// memory holds one batch of lines at a time.
pub fn render_parallel(
    doc: &Document,
    options: WrapOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    render_parallel_from(doc, 0, options, out)
}

/// The hyphenation dictionary `options` call for in `doc`, if any.
pub fn dictionary_for(doc: &Document, options: WrapOptions) -> Option<&'static Standard> {
    if options.hyphenate {
        doc.language.as_deref().and_then(wrap::dictionary)
    } else {
        None
    }
}

/// The blocks `range` of `doc` laid out at `options`, as plain lines (see
/// [`render_parallel`]), appended to `out` on this thread.
pub fn render_blocks(
    doc: &Document,
    range: std::ops::Range<usize>,
    options: WrapOptions,
    dict: Option<&Standard>,
    out: &mut String,
) {
    // The buffers of each block's pieces and lines, kept from block to block.
    let (mut pieces, mut lines) = (Vec::new(), Vec::new());
    for index in range {
        lines.clear();
        lay_out_block_into(doc, index, options.width, dict, &mut pieces, &mut lines);
        let block = doc.block(index);
        for line in lines.iter() {
            let line_start = out.len();
            push_line_text(&block, line, options, dict, out);
            let trimmed = line_start + out[line_start..].trim_end().len();
            out.truncate(trimmed);
            out.push('\n');
        }
    }
}

/// [`render_parallel`] from block `first` on: the blocks before it only decide the gap
/// before `first` (a document read in pieces is written a piece at a time, each piece
/// after the last block of the one before).
pub fn render_parallel_from(
    doc: &Document,
    first: usize,
    options: WrapOptions,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    const BATCH: usize = 4096;
    // Asked once: the answer reads cgroup files, and a long article is written in many
    // pieces.
    static THREADS: OnceLock<usize> = OnceLock::new();
    let threads = *THREADS.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(8)
    });
    let dict = dictionary_for(doc, options);
    let render_range = |range: std::ops::Range<usize>| {
        let mut text = String::new();
        render_blocks(doc, range, options, dict, &mut text);
        text
    };
    // Blocks differ widely in cost (a Thai paragraph needs the dictionary), so each batch is
    // cut into small chunks that the threads (this one among them) take in turn as each is
    // free, and written back in order.
    const CHUNK: usize = 32;
    let mut start = first;
    while start < doc.block_count() {
        let end = (start + BATCH).min(doc.block_count());
        let chunks: Vec<std::ops::Range<usize>> = (start..end)
            .step_by(CHUNK)
            .map(|from| from..(from + CHUNK).min(end))
            .collect();
        let next = AtomicUsize::new(0);
        let work = || {
            let mut done = Vec::new();
            while let Some(range) = chunks.get(next.fetch_add(1, Ordering::Relaxed)) {
                done.push((range.start, render_range(range.clone())));
            }
            done
        };
        let mut parts: Vec<(usize, String)> = if threads > 1 && chunks.len() > 1 {
            std::thread::scope(|scope| {
                let helpers: Vec<_> = (1..threads.min(chunks.len()))
                    .map(|_| scope.spawn(work))
                    .collect();
                let mut parts = work();
                for helper in helpers {
                    parts.extend(
                        helper
                            .join()
                            .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                    );
                }
                parts
            })
        } else {
            vec![(start, render_range(start..end))]
        };
        parts.sort_unstable_by_key(|(i, _)| *i);
        for (_, part) in parts {
            out.write_all(part.as_bytes())?;
        }
        start = end;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
