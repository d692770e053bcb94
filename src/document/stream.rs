//! Reading a large article in pieces: bytes are read, decoded, cleaned and parsed a piece at
//! a time, so the first screen of a 100 MB article needs only its first piece, and memory
//! holds the parsed blocks plus one piece, not several copies of the whole text.
//!
//! The pieces are cut where nothing spans the cut: the decoder carries an incomplete
//! character over; cleaning is cut after a line break (escape sequences, tab columns and
//! line ends never reach past one); parsing is cut at a blank line (outside a Markdown code
//! fence). Text without such a place for a whole piece (a paragraph or code block without
//! end, a line without a break) is cut inside the block, at a line break where it has one:
//! the next piece's first block then continues it, a cut Markdown code fence is opened
//! again, and a table longer than a piece gets its header again (and is otherwise moved
//! whole into the next piece). The encoding is chosen by the very decoder
//! [`super::decode::decode`] uses: while everything read is ASCII the choice stays open, so
//! a legacy-encoded file whose first accented letter comes late is still read right, and
//! where the pieces end changes nothing.

use std::io::{self, Read};

use super::decode::{DecodeError, Decoder};
use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

use super::cuts::{self, closes, fence};
use super::sanitize::sanitize_into;
use super::{Block, BlockKind, Format, Metadata, Part, markdown, plain};

/// Articles larger than this are read in pieces (smaller ones at once).
pub const PIECES_ABOVE: u64 = 1024 * 1024;
/// Bytes read for the first screen of a large article: several screens' worth, and more than
/// the 16 KB the language is guessed from (`document::open` reads on until there are
/// blocks). Parsing it is most of the time from open to the first frame: no more than that.
pub const FIRST_PIECE: usize = 20 * 1024;
/// Bytes read per piece after that: small, so that the few pieces on their way (being read,
/// waiting for the reader, being appended) add little to the memory the document needs.
pub const PIECE: usize = 128 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("cannot read the article: {0}")]
    Read(#[from] io::Error),
    #[error("the article is larger than the limit of {cap} bytes (max_article_mb)")]
    TooLarge { cap: u64 },
}

/// What one step of reading gave.
#[derive(Debug, Default)]
pub struct Piece {
    /// The title, from the first piece only.
    pub title: Option<String>,
    /// What the front matter says, from the first piece only.
    pub meta: Metadata,
    pub blocks: Vec<Block>,
    /// The end of the article was reached.
    pub done: bool,
    /// Bytes of the file behind the blocks parsed so far (those of this piece included):
    /// what was read, less the text still waiting to be parsed. Exact for UTF-8 text
    /// without tabs or escapes to clean up, otherwise a close estimate; it places pieces in
    /// the file for jumps that read ahead (see [`super::window`]).
    pub end: u64,
}

/// Clean text cut off by [`Loader::next_text`], not parsed yet.
#[derive(Debug, Default)]
pub struct Text {
    /// The text to parse, its format and where it sits in the article; none when the step
    /// completed no text.
    text: Option<(String, Format, Part)>,
    /// The piece before was cut inside a Markdown table whose header was put back before
    /// this text: the header row it parses is not drawn again.
    skip_header: bool,
    done: bool,
    end: u64,
}

impl Text {
    /// The piece: the blocks of the text (see [`Loader::next`]).
    pub fn parse(self) -> Piece {
        let mut piece = Piece {
            done: self.done,
            end: self.end,
            ..Piece::default()
        };
        let Some((text, format, part)) = self.text else {
            return piece;
        };
        let (meta, title, mut blocks) = match format {
            Format::Plain => {
                let (title, blocks) = plain::parse_piece(&text, part);
                (Metadata::default(), title, blocks)
            }
            Format::Markdown => markdown::parse_piece(&text, part),
        };
        piece.meta = meta;
        if self.skip_header
            && blocks
                .first()
                .is_some_and(|b| b.kind == BlockKind::TableRow { header: true })
        {
            // The header was put back only to parse the rows after it: they go on
            // from the table of the piece before (see `Document::push_row`).
            blocks.remove(0);
            if let Some(row) = blocks
                .first_mut()
                .filter(|b| matches!(b.kind, BlockKind::TableRow { .. }))
            {
                row.continued = true;
            }
        }
        piece.title = title;
        piece.blocks = blocks;
        piece
    }

    /// Whether this is the last text of the article.
    pub fn done(&self) -> bool {
        self.done
    }
}

pub struct Loader {
    source: Box<dyn Read + Send>,
    cap: u64,
    format: Format,
    decoder: Decoder,
    /// The bytes of the piece being read (kept to be reused).
    bytes: Vec<u8>,
    /// Decoded text not yet cleaned (after the last line break).
    text: String,
    /// Cleaned text not yet parsed (after the last paragraph break).
    clean: String,
    read: u64,
    /// Where in the file the source starts (0 but for [`Loader::inside`]).
    offset: u64,
    first: bool,
    done: bool,
    /// The last piece was cut inside a block (one longer than a piece): the next piece's
    /// first block goes on from it.
    continues: bool,
    /// The last piece was cut inside a Markdown table, whose header was put before the rest:
    /// the header row the next piece parses is not drawn again.
    skip_header: bool,
    /// The last piece of plain text ends with a paragraph that stops inside a sentence.
    after_open: bool,
}

impl Loader {
    /// A loader over `source`, which yields at most `cap + 1` bytes (see `open_target`).
    pub fn new(source: Box<dyn Read + Send>, format: Format, cap: u64) -> Self {
        Loader {
            source,
            cap,
            format,
            decoder: Decoder::new(),
            bytes: Vec::new(),
            text: String::new(),
            clean: String::new(),
            read: 0,
            offset: 0,
            first: true,
            done: false,
            continues: false,
            skip_header: false,
            after_open: false,
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// A loader for text that starts inside an article (at a line start found by
    /// [`super::window`]), not at its beginning: its first line is no title and it has no
    /// front matter; `offset` is where in the file it starts; `after_open`: the text before
    /// it ends with a paragraph of plain text that stops inside a sentence (see
    /// [`super::plain::leaves_sentence_open`]).
    pub fn inside(
        source: Box<dyn Read + Send>,
        format: Format,
        cap: u64,
        offset: u64,
        after_open: bool,
    ) -> Self {
        let mut loader = Loader::new(source, format, cap);
        loader.first = false;
        loader.offset = offset;
        loader.after_open = after_open;
        loader
    }

    /// Bytes of the file behind the blocks parsed so far (see [`Piece::end`]).
    pub fn parsed_end(&self) -> u64 {
        let waiting = (self.decoder.held() + self.text.len() + self.clean.len()) as u64;
        self.offset + self.read.saturating_sub(waiting)
    }

    /// Reads about `budget` more bytes and parses what they complete. Text that has had no
    /// place to cut between blocks for `budget` bytes is cut inside one (at a line break
    /// where it can), so that a paragraph or line without end is never read whole.
    pub fn next(&mut self, budget: usize) -> Result<Piece, LoadError> {
        Ok(self.next_text(budget)?.parse())
    }

    /// The reading half of [`Loader::next`]: reads, decodes and cleans about `budget` more
    /// bytes and cuts off the text they complete, to be parsed by [`Text::parse`], on any
    /// thread (the parse needs nothing of the pieces before). `next_text` then `parse` is
    /// exactly `next`.
    pub fn next_text(&mut self, budget: usize) -> Result<Text, LoadError> {
        let mut piece = Text::default();
        if self.done {
            piece.done = true;
            piece.end = self.parsed_end();
            return Ok(piece);
        }
        let budget = budget.max(4096);
        let mut bytes = std::mem::take(&mut self.bytes);
        let eof = loop {
            self.read_bytes(budget, &mut bytes)?;
            let eof = bytes.len() < budget;
            self.decoder.feed(&bytes, eof, &mut self.text)?;
            // The decoder holds bytes back until it can choose the encoding (a window of
            // at most 64 KiB): read on rather than return a piece without them.
            if eof || !self.decoder.waiting() {
                break eof;
            }
        };
        self.bytes = bytes;
        // Clean up to the last line break (everything at the end). The buffers keep their
        // room for the next piece.
        let cut = if eof {
            self.text.len()
        } else if let Some(newline) = self.text.rfind('\n') {
            newline + 1
        } else if self.text.len() >= budget {
            // A line without end: cut after a space (or anywhere). An escape sequence cut
            // in two loses its introducer with the first half, so the rest is plain text.
            self.text.rfind(' ').map_or(self.text.len(), |i| i + 1)
        } else {
            0
        };
        if cut > 0 {
            sanitize_into(&self.text[..cut], &mut self.clean);
            self.text.drain(..cut);
        }
        // Parse up to the last paragraph break; inside a block if there is none.
        let mut cut = if eof {
            self.clean.len()
        } else {
            paragraph_cut(&self.clean, self.format)
        };
        let mut ends_inside = false;
        let mut reopen = None;
        // Whether this text starts with a table header put back by the piece before: taken
        // before `cut_inside` may set it anew for the next piece.
        let skip_header = std::mem::take(&mut self.skip_header);
        if cut == 0 && !eof && self.clean.len() >= budget {
            (cut, ends_inside, reopen) = self.cut_inside();
        }
        if cut > 0 {
            // The piece takes the buffer; what is after the cut goes to a new one of the same
            // room (a few lines, not the piece, are copied).
            let mut rest = String::with_capacity(self.clean.capacity());
            rest.push_str(&self.clean[cut..]);
            self.clean.truncate(cut);
            let text = std::mem::replace(&mut self.clean, rest);
            let part = Part {
                first: self.first,
                continues: std::mem::replace(&mut self.continues, ends_inside),
                ends_inside,
                after_open: self.after_open,
            };
            self.after_open =
                self.format == Format::Plain && super::plain::ends_sentence_open(&text, part);
            piece.text = Some((text, self.format, part));
            piece.skip_header = skip_header;
            self.first = false;
            if let Some(head) = reopen {
                self.clean.insert_str(0, &head);
            }
        } else {
            // No text this time: the header is still the start of the next.
            self.skip_header |= skip_header;
        }
        self.done = eof;
        piece.done = eof;
        piece.end = self.parsed_end();
        Ok(piece)
    }

    /// Where to cut clean text that has no blank line to cut at: after its last line
    /// break (or all of it). Returns the cut, whether it is inside a block, and what to put
    /// before the rest: the opening line of a Markdown code fence cut in two, or the header
    /// of a table (a table that starts after the beginning is left whole for the next piece).
    fn cut_inside(&mut self) -> (usize, bool, Option<String>) {
        let cut = self.clean.rfind('\n').map_or(self.clean.len(), |i| i + 1);
        let text = &self.clean[..cut];
        if self.format == Format::Markdown {
            match open_at_end(text) {
                Open::Fence(line) => return (cut, true, Some(line.to_string())),
                Open::Table { start } if start > 0 => return (start, false, None),
                Open::Table { .. } => {
                    let head: String = text.split_inclusive('\n').take(2).collect();
                    self.skip_header = true;
                    return (cut, false, Some(head));
                }
                Open::Other => {}
            }
        }
        // Right after a blank line the cut is between blocks.
        let inside = !text.ends_with('\n')
            || text[..text.len() - 1]
                .rsplit('\n')
                .next()
                .is_some_and(|line| !cuts::is_blank(line.as_bytes(), self.format));
        (cut, inside, None)
    }

    /// Reads up to `budget` bytes into `bytes` (emptied first).
    fn read_bytes(&mut self, budget: usize, bytes: &mut Vec<u8>) -> Result<(), LoadError> {
        bytes.clear();
        bytes.reserve(budget);
        (&mut self.source).take(budget as u64).read_to_end(bytes)?;
        self.read += bytes.len() as u64;
        if self.read > self.cap {
            return Err(LoadError::TooLarge { cap: self.cap });
        }
        Ok(())
    }
}

/// What Markdown `text` leaves open at its end.
enum Open<'a> {
    /// A fenced code block, with its opening line.
    Fence(&'a str),
    /// A table, starting at this byte.
    Table {
        start: usize,
    },
    Other,
}

/// The last top-level block of Markdown `text`, when it runs to the end: asked of
/// pulldown-cmark itself, so that lists, indented code and backticks in text are told apart
/// from fences exactly as the parser will. Only for cuts inside a block, which are rare.
fn open_at_end(text: &str) -> Open<'_> {
    let mut depth = 0usize;
    let mut last = None;
    for (event, range) in Parser::new_ext(text, markdown::OPTIONS).into_offset_iter() {
        match event {
            Event::Start(tag) => {
                if depth == 0 {
                    last = Some((tag, range));
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let Some((tag, range)) = last else {
        return Open::Other;
    };
    if range.end < text.trim_end().len() {
        return Open::Other;
    }
    match tag {
        Tag::CodeBlock(CodeBlockKind::Fenced(_)) => {
            let block = &text[range];
            let opener = block.split_inclusive('\n').next().unwrap_or_default();
            let closed = block.trim_end().lines().count() > 1
                && fence(opener.as_bytes()).is_some_and(|open| {
                    block
                        .trim_end()
                        .lines()
                        .next_back()
                        .is_some_and(|line| closes(line.as_bytes(), open))
                });
            if closed {
                Open::Other
            } else {
                Open::Fence(opener)
            }
        }
        Tag::Table(_) => Open::Table { start: range.start },
        _ => Open::Other,
    }
}

/// Where a piece of clean text can be cut so that no block spans the cut: after the last
/// blank line (outside a fenced code block); 0 if there is none.
fn paragraph_cut(text: &str, format: Format) -> usize {
    // Plain text has no fences to track, so its last blank line is found from the end,
    // which looks at the last lines of a piece rather than at all of them. (Clean text has
    // no carriage returns; a text with one, as a test may give, takes the way from the start.)
    if format == Format::Plain && memchr::memchr(b'\r', text.as_bytes()).is_none() {
        return last_after_blank_line(text);
    }
    cuts::after_blank_lines(text.as_bytes(), format)
        .last()
        .unwrap_or(0)
}

/// The start of the line after the last blank line of `text` (a line of whitespace only
/// that ends with `\n`); 0 if there is none. `text` has no `\r`.
fn last_after_blank_line(text: &str) -> usize {
    // The line breaks from the last one back; the one before each starts its line.
    let mut newlines = memchr::memrchr_iter(b'\n', text.as_bytes()).peekable();
    while let Some(newline) = newlines.next() {
        let start = newlines.peek().map_or(0, |&before| before + 1);
        if text[start..newline].trim().is_empty() {
            return newline + 1;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::document::{BlockKind, Document, Format, load};

    proptest! {
        /// The last blank line found from the end is the last one the scan from the start
        /// finds, whatever the whitespace (tabs, no-break and ideographic spaces).
        #[test]
        fn last_blank_line_from_the_end_is_the_scans_last(
            lines in prop::collection::vec(
                prop::sample::select(vec![
                    "", " ", "\t", " \u{A0}", "\u{3000}", "word", "  indented text",
                    "Ünïcödé", "нет", "\u{A0}x", "x ",
                ]),
                0..12,
            ),
            end_with_break: bool,
        ) {
            let mut text = lines.join("\n");
            if end_with_break {
                text.push('\n');
            }
            let scanned = cuts::after_blank_lines(text.as_bytes(), Format::Plain)
                .last()
                .unwrap_or(0);
            prop_assert_eq!(last_after_blank_line(&text), scanned);
            prop_assert_eq!(paragraph_cut(&text, Format::Plain), scanned);
        }
    }

    fn blocks_in_pieces(
        bytes: &[u8],
        format: Format,
        budget: usize,
    ) -> (Option<String>, Vec<Block>) {
        let mut loader = Loader::new(
            Box::new(io::Cursor::new(bytes.to_vec())),
            format,
            u64::MAX - 1,
        );
        let mut title = None;
        let mut blocks = Vec::new();
        loop {
            let piece = loader.next(budget).expect("piece");
            if piece.title.is_some() {
                title = piece.title;
            }
            blocks.extend(piece.blocks);
            if piece.done {
                return (title, blocks);
            }
        }
    }

    fn whole(bytes: &[u8], name: &str) -> Document {
        load(bytes, name, "t", None).expect("load")
    }

    #[test]
    fn pieces_give_the_same_blocks_as_reading_at_once() {
        let mut text = String::from("Titel\n\n");
        for i in 0..400 {
            text.push_str(&format!("Absatz {i} mit Grüßen\tund Tabs\r\nzweite Zeile, lang genug um verbunden zu werden.\r\n\r\n"));
            if i % 37 == 0 {
                text.push_str(&format!("Überschrift {i}\n\n"));
            }
        }
        let doc = whole(text.as_bytes(), "a.txt");
        for budget in [4096, 5000, 70_000] {
            let (title, blocks) = blocks_in_pieces(text.as_bytes(), Format::Plain, budget);
            assert_eq!(title.as_deref(), Some("Titel"));
            assert_eq!(
                blocks,
                doc.blocks().map(|b| b.to_block()).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn markdown_pieces_keep_code_fences_whole() {
        let mut md = String::from("# Titel\n\n");
        for i in 0..300 {
            md.push_str(&format!(
                "## Teil {i}\n\nText *betont* {i}.\n\n```\ncode {i}\n\n  mehr\n```\n\n"
            ));
        }
        let doc = whole(md.as_bytes(), "a.md");
        let (title, blocks) = blocks_in_pieces(md.as_bytes(), Format::Markdown, 4096);
        assert_eq!(title.as_deref(), Some("Titel"));
        assert_eq!(blocks.len(), doc.block_count());
        assert!(
            blocks
                .iter()
                .zip(doc.blocks())
                .all(|(a, b)| a == &b.to_block())
        );
    }

    #[test]
    fn a_late_legacy_character_is_decoded_right() {
        let mut bytes = b"Titel\n\n".to_vec();
        bytes.extend(b"plain ascii words here.\n\n".repeat(2000));
        bytes.extend(b"Gr\xfc\xdfe aus K\xf6ln.\n");
        let (_, blocks) = blocks_in_pieces(&bytes, Format::Plain, 4096);
        assert_eq!(
            blocks.last().map(|b| b.text.as_str()),
            Some("Grüße aus Köln.")
        );
    }

    #[test]
    fn utf8_split_inside_a_character_and_escapes_across_lines() {
        let text = "Titel\n\n".to_string() + &"äöü € 東京 \u{1b}]0;x\u{7}ok\n".repeat(3000);
        let doc = whole(text.as_bytes(), "a.txt");
        let (_, blocks) = blocks_in_pieces(text.as_bytes(), Format::Plain, 4099);
        // Without a blank line the paragraph is cut where the pieces end (and the whole one
        // where it grows too long), so the words are compared, not the blocks.
        let at_once: Vec<Block> = doc.blocks().map(|b| b.to_block()).collect();
        assert!(
            words(&blocks) == words(&at_once),
            "pieces differ from the whole"
        );
        let joined: String = blocks.iter().map(|b| b.text.as_str()).collect();
        assert!(!joined.contains('\u{fffd}') && !joined.contains('\u{1b}'));
    }

    fn words(blocks: &[Block]) -> Vec<&str> {
        blocks
            .iter()
            .flat_map(|b| b.text.split_whitespace())
            .collect()
    }

    #[test]
    fn a_paragraph_without_end_is_read_in_pieces_and_kept_in_short_blocks() {
        let line = "ein Satz ohne Ende und ohne Leerzeile, der immer weiter geht\n";
        let text = format!("Titel\n\n{}", line.repeat(3 * PIECE / line.len()));
        let mut loader = Loader::new(
            Box::new(io::Cursor::new(text.clone().into_bytes())),
            Format::Plain,
            u64::MAX - 1,
        );
        let first = loader.next(FIRST_PIECE).expect("piece");
        let second = loader.next(PIECE).expect("piece");
        let third = loader.next(PIECE).expect("piece");
        // Pieces give what they read, not nothing until the paragraph ends.
        assert!(!second.blocks.is_empty() && !third.done && !third.blocks.is_empty());
        assert!(!second.blocks[0].continued && third.blocks[0].continued);
        let mut blocks = first.blocks;
        blocks.extend(second.blocks);
        blocks.extend(third.blocks);
        loop {
            let piece = loader.next(PIECE).expect("piece");
            blocks.extend(piece.blocks);
            if piece.done {
                break;
            }
        }
        let doc = Document::from_blocks("Titel".into(), blocks, None);
        let whole = whole(text.as_bytes(), "a.txt");
        let streamed: Vec<Block> = doc.blocks().map(|b| b.to_block()).collect();
        let at_once: Vec<Block> = whole.blocks().map(|b| b.to_block()).collect();
        assert_eq!(words(&streamed), words(&at_once));
        for doc in [&doc, &whole] {
            assert_eq!(doc.sections.len(), 1, "no heading made up");
            assert!(
                doc.blocks()
                    .all(|b| b.text.len() <= crate::document::LONGEST_BLOCK)
            );
            assert!(doc.blocks().skip(2).all(|b| b.continued));
            assert!(!doc.block(1).continued);
        }
    }

    #[test]
    fn a_line_without_end_is_read_in_pieces() {
        let text = "Wort \t\u{1b}[31mrot ".repeat(6 * PIECE / 15);
        let mut loader = Loader::new(
            Box::new(io::Cursor::new(text.clone().into_bytes())),
            Format::Plain,
            u64::MAX - 1,
        );
        let mut pieces = Vec::new();
        loop {
            let piece = loader.next(PIECE).expect("piece");
            let done = piece.done;
            pieces.push(piece.blocks);
            if done {
                break;
            }
        }
        let before_the_end = pieces[..pieces.len() - 1].iter().filter(|p| !p.is_empty());
        assert!(before_the_end.count() >= 2, "blocks before the end");
        let blocks: Vec<Block> = pieces.concat();
        let doc = whole(text.as_bytes(), "a.txt");
        let at_once: Vec<Block> = doc.blocks().map(|b| b.to_block()).collect();
        assert!(
            words(&blocks) == words(&at_once),
            "the same words either way"
        );
        assert!(blocks.iter().all(|b| !b.text.contains('\u{1b}')));
    }

    #[test]
    fn a_code_block_longer_than_a_piece_stays_code() {
        let mut md = String::from("# Titel\n\nvorher\n\n```text\n");
        md.push_str(&"let x = 1;\n\n".repeat(3 * PIECE / 12));
        md.push_str("```\n\nnachher\n");
        let (_, blocks) = blocks_in_pieces(md.as_bytes(), Format::Markdown, PIECE);
        let doc = whole(md.as_bytes(), "a.md");
        let at_once: Vec<Block> = doc.blocks().map(|b| b.to_block()).collect();
        assert_eq!(words(&blocks), words(&at_once));
        let code: Vec<&Block> = blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Code)
            .collect();
        assert!(code.len() > 2, "cut into several pieces");
        assert!(!code[0].continued && code[1..].iter().all(|b| b.continued));
        assert_eq!(blocks.last().map(|b| b.text.as_str()), Some("nachher"));
        assert!(!blocks.iter().any(|b| b.text.contains("```")));
    }

    /// Streamed and whole: the same words, and no block continued in the streamed one
    /// unless `continued` is allowed.
    fn same_as_whole(text: &str, name: &str, format: Format) -> Vec<Block> {
        let (_, blocks) = blocks_in_pieces(text.as_bytes(), format, PIECE);
        let doc = whole(text.as_bytes(), name);
        let at_once: Vec<Block> = doc.blocks().map(|b| b.to_block()).collect();
        assert!(
            words(&blocks) == words(&at_once),
            "{name}: the words differ"
        );
        blocks
    }

    #[test]
    fn backticks_that_open_no_fence_are_not_repeated() {
        let mut md = String::from("# T\n\nIntro.\n\n```x``` steht am Zeilenanfang.\n\n");
        for i in 0..6000 {
            md.push_str(&format!("Absatz {i} mit etwas Text darin.\n\n"));
        }
        let blocks = same_as_whole(&md, "a.md", Format::Markdown);
        assert!(blocks.iter().all(|b| !b.continued));
    }

    #[test]
    fn a_table_longer_than_a_piece_stays_one_table() {
        let mut md = String::from("# T\n\nvorher\n\n| a | b |\n|---|---|\n");
        for i in 0..8000 {
            md.push_str(&format!("| zeile {i} | wert {i} |\n"));
        }
        md.push_str("\nEnde\n");
        let blocks = same_as_whole(&md, "a.md", Format::Markdown);
        let rows = blocks
            .iter()
            .filter(|b| matches!(b.kind, BlockKind::TableRow { .. }));
        assert_eq!(rows.count(), 8001);
        let headers = blocks
            .iter()
            .filter(|b| b.kind == BlockKind::TableRow { header: true });
        assert_eq!(headers.count(), 1);
        // The header is the table's first row, as read at once; not a row in its middle
        // (the header put back before the rest of a table cut in two is not drawn again).
        let header_at = |blocks: &[Block]| {
            blocks
                .iter()
                .position(|b| b.kind == BlockKind::TableRow { header: true })
        };
        let at_once_blocks: Vec<Block> = whole(md.as_bytes(), "a.md")
            .blocks()
            .map(|b| b.to_block())
            .collect();
        assert_eq!(header_at(&blocks), header_at(&at_once_blocks));
        assert!(
            !blocks
                .iter()
                .any(|b| b.text.contains('|') && b.kind == BlockKind::Paragraph)
        );
        // The rows of every piece make one table, as wide as the whole one, so that they
        // line up (and turn into records) together.
        let streamed = Document::from_blocks("T".into(), blocks, None);
        let at_once = whole(md.as_bytes(), "a.md");
        let rows = |doc: &Document| -> Vec<usize> {
            (0..doc.block_count())
                .filter(|&i| matches!(doc.block(i).kind, BlockKind::TableRow { .. }))
                .collect()
        };
        let (first, last) = (rows(&streamed)[0], *rows(&streamed).last().unwrap());
        assert!(streamed.block(first).same_table(&streamed.block(last)));
        assert_eq!(
            streamed.block(last).table,
            at_once.block(*rows(&at_once).last().unwrap()).table
        );
    }

    /// A table that starts a piece and runs on through the next ones keeps its header at
    /// its top, once: the header put back before the rest of the table is not drawn again,
    /// and the table's own is not taken for it.
    #[test]
    fn a_table_over_several_pieces_has_its_header_at_the_top() {
        let mut md = String::from("# T\n\nvorher\n\n| a | b |\n|---|---|\n");
        for i in 0..30_000 {
            md.push_str(&format!("| zeile {i} | wert {i} |\n"));
        }
        md.push_str("\nEnde\n");
        let blocks = same_as_whole(&md, "a.md", Format::Markdown);
        let headers: Vec<usize> = blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.kind == BlockKind::TableRow { header: true })
            .map(|(i, _)| i)
            .collect();
        let first_row = blocks
            .iter()
            .position(|b| matches!(b.kind, BlockKind::TableRow { .. }));
        assert_eq!(headers.len(), 1, "{headers:?}");
        assert_eq!(Some(headers[0]), first_row);
    }

    #[test]
    fn whitespace_only_lines_part_paragraphs_in_pieces_too() {
        let mut text = String::from("Titel\n \n");
        for i in 0..20000 {
            text.push_str(&format!("Absatz {i} hat einen Satz, der endet.\n \n"));
        }
        let mut loader = Loader::new(
            Box::new(io::Cursor::new(text.clone().into_bytes())),
            Format::Plain,
            u64::MAX - 1,
        );
        let first = loader.next(FIRST_PIECE).expect("piece");
        assert_eq!(first.title.as_deref(), Some("Titel"));
        assert!(first.blocks.len() > 100);
        let blocks = same_as_whole(&text, "a.txt", Format::Plain);
        assert!(blocks.iter().all(|b| !b.continued));
    }

    #[test]
    fn the_first_piece_has_blocks_and_the_title_even_without_a_blank_line() {
        let mut md = String::from("# Der Titel\n```\n");
        for i in 0..8000 {
            md.push_str(&format!("code line {i}\n"));
        }
        md.push_str("```\n\n");
        while md.len() < 2 * 1024 * 1024 {
            md.push_str("Ein Absatz mit Worten darin.\n\n");
        }
        let size = md.len() as u64;
        let (doc, _) = crate::document::open(
            Box::new(io::Cursor::new(md.into_bytes())),
            size,
            "a.md",
            "fallback",
            None,
            u64::MAX - 1,
        )
        .expect("open");
        assert_eq!(doc.title, "Der Titel");
        assert!(doc.block_count() > 1);
    }

    #[test]
    fn a_line_cut_at_the_end_of_a_piece_is_no_heading() {
        let text = format!(
            "Titel\n\nErster Absatz.\n\nEinleitung ohne Punkt\n{}\n\nEnde.\n",
            "wort ".repeat(60_000)
        );
        let blocks = same_as_whole(&text, "a.txt", Format::Plain);
        assert!(!blocks.iter().any(Block::is_heading));
    }

    #[test]
    fn binary_and_bom_and_cap() {
        let mut loader = Loader::new(
            Box::new(io::Cursor::new(b"ab\0cd".to_vec())),
            Format::Plain,
            100,
        );
        assert!(matches!(
            loader.next(4096),
            Err(LoadError::Decode(DecodeError::Binary))
        ));
        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "Titel\n\nText".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let (title, blocks) = blocks_in_pieces(&utf16, Format::Plain, 4096);
        assert_eq!(title.as_deref(), Some("Titel"));
        assert_eq!(blocks[1].text, "Text");
        let mut loader = Loader::new(
            Box::new(io::Cursor::new(vec![b'a'; 5000])),
            Format::Plain,
            4000,
        );
        assert!(matches!(
            loader.next(8192),
            Err(LoadError::TooLarge { cap: 4000 })
        ));
    }

    /// Lines of Markdown (and of plain text, which reads them as text): every kind of block
    /// and inline markup that stays on one line, fences, tables and lines longer than a piece.
    fn line() -> impl Strategy<Value = String> {
        let word = prop::sample::select(vec![
            "Wort",
            "zwei",
            "drei",
            "*betont*",
            "`code`",
            "**stark**",
            "ende.",
            "Satz:",
        ]);
        let words = prop::collection::vec(word, 1..12).prop_map(|w| w.join(" "));
        prop_oneof![
            6 => words.clone(),
            1 => words.clone().prop_map(|w| format!("# {w}")),
            1 => words.clone().prop_map(|w| format!("## {w}")),
            1 => words.clone().prop_map(|w| format!("- {w}")),
            1 => words.clone().prop_map(|w| format!("1. {w}")),
            1 => words.clone().prop_map(|w| format!("> {w}")),
            1 => words.clone().prop_map(|w| format!("    {w}")),
            1 => Just("```".to_string()),
            1 => Just("~~~ info".to_string()),
            1 => words.clone().prop_map(|w| format!("```x``` {w}")),
            1 => words.clone().prop_map(|w| format!("| {w} | zelle |")),
            1 => Just("|---|---|".to_string()),
            1 => Just("---".to_string()),
            // A line longer than some pieces.
            1 => (800usize..5000).prop_map(|n| "lang ".repeat(n)),
        ]
    }

    /// The words of the blocks, with the markup characters a cut can leave unpaired
    /// (an emphasis or fence marker, a table pipe) taken out.
    fn plain_words(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .flat_map(|b| b.text.split_whitespace())
            .map(|w| {
                w.chars()
                    .filter(|c| c.is_alphanumeric())
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty())
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// Read in pieces of any size, a document has the words, the title and (for plain
        /// text) the headings it has when read at once, and no block longer than allowed.
        #[test]
        fn pieces_keep_what_the_whole_has(
            lines in (0u32..4).prop_flat_map(|blank| {
                // Blank (or whitespace-only) lines in `blank` of ten, none at all for 0.
                let line = (line(), 0u32..10).prop_map(move |(line, r)| match r {
                    r if r < blank && r % 2 == 0 => String::new(),
                    r if r < blank => " \u{a0} ".to_string(),
                    _ => line,
                });
                prop::collection::vec(line, 200..1500)
            }),
            budget in 4096usize..20_000,
            markdown in any::<bool>(),
        ) {
            let text = format!("Titel der Probe\n\n{}\n", lines.join("\n"));
            let (format, name) = if markdown {
                (Format::Markdown, "a.md")
            } else {
                (Format::Plain, "a.txt")
            };
            let (title, blocks) = blocks_in_pieces(text.as_bytes(), format, budget);
            let doc = whole(text.as_bytes(), name);
            let at_once: Vec<Block> = doc.blocks().map(|b| b.to_block()).collect();
            prop_assert_eq!(plain_words(&blocks), plain_words(&at_once));
            if markdown {
                // The title of Markdown is its first heading: the pieces know it only if it
                // is in the first one.
                prop_assert!(title.is_none() || title.as_deref() == Some(doc.title.as_str()));
            } else {
                prop_assert_eq!(title.as_deref(), Some("Titel der Probe"));
                let headings = |b: &[Block]| -> Vec<String> {
                    b.iter().filter(|b| b.is_heading()).map(|b| b.text.clone()).collect()
                };
                prop_assert_eq!(headings(&blocks), headings(&at_once));
            }
        }
    }
}
