//! Reading a large article in pieces: bytes are read, decoded, cleaned and parsed a piece at
//! a time, so the first screen of a 100 MB article needs only its first piece, and memory
//! holds the parsed blocks plus one piece, not several copies of the whole text.
//!
//! The pieces are cut where nothing spans the cut: the decoder carries an incomplete
//! character over; cleaning is cut after a line break (escape sequences, tab columns and
//! line ends never reach past one); parsing is cut at a blank line (outside a Markdown code
//! fence). The encoding is chosen from the first piece like [`super::decode::decode`] does;
//! while everything read is ASCII the choice stays open, so a legacy-encoded file whose first
//! accented letter comes late is still read right.

use std::io::{self, Read};

use encoding_rs::{Decoder, Encoding, UTF_8};

use super::decode::{DecodeError, guess_legacy, reject_binary};
use super::sanitize::sanitize_into;
use super::{Block, Format, markdown, plain};

/// Articles larger than this are read in pieces (smaller ones at once).
pub const PIECES_ABOVE: u64 = 1024 * 1024;
/// Bytes read for the first screen of a large article: many screens' worth, and enough to
/// guess the language from.
pub const FIRST_PIECE: usize = 64 * 1024;
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
    pub blocks: Vec<Block>,
    /// The end of the article was reached.
    pub done: bool,
}

pub struct Loader {
    source: Box<dyn Read + Send>,
    cap: u64,
    format: Format,
    decoder: Option<Decoder>,
    /// Only ASCII so far: the encoding is provisionally UTF-8.
    undecided: bool,
    /// The bytes of the piece being read (kept to be reused).
    bytes: Vec<u8>,
    /// Decoded text not yet cleaned (after the last line break).
    text: String,
    /// Cleaned text not yet parsed (after the last paragraph break).
    clean: String,
    read: u64,
    first: bool,
    done: bool,
    /// The last piece was cut inside a block (one longer than a piece): the next piece's
    /// first block goes on from it.
    continues: bool,
}

/// Clean text this long without a place to cut between blocks is cut inside one (at a line
/// break where it can), so that a paragraph without end never has to be read whole.
const LONGEST_UNCUT: usize = PIECE;

impl Loader {
    /// A loader over `source`, which yields at most `cap + 1` bytes (see `open_target`).
    pub fn new(source: Box<dyn Read + Send>, format: Format, cap: u64) -> Self {
        Loader {
            source,
            cap,
            format,
            decoder: None,
            undecided: false,
            bytes: Vec::new(),
            text: String::new(),
            clean: String::new(),
            read: 0,
            first: true,
            done: false,
            continues: false,
        }
    }

    /// Bytes read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Reads about `budget` more bytes and parses what they complete.
    pub fn next(&mut self, budget: usize) -> Result<Piece, LoadError> {
        let mut piece = Piece::default();
        if self.done {
            piece.done = true;
            return Ok(piece);
        }
        let budget = budget.max(4096);
        let mut bytes = std::mem::take(&mut self.bytes);
        self.read_bytes(budget, &mut bytes)?;
        let eof = bytes.len() < budget;
        let decoded = self.decode(&bytes, eof);
        self.bytes = bytes;
        decoded?;
        // Clean up to the last line break (everything at the end). The buffers keep their
        // room for the next piece.
        let cut = if eof {
            self.text.len()
        } else if let Some(newline) = self.text.rfind('\n') {
            newline + 1
        } else if self.text.len() >= LONGEST_UNCUT {
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
        // Parse up to the last paragraph break; inside a paragraph if there is none.
        let mut cut = if eof {
            self.clean.len()
        } else {
            paragraph_cut(&self.clean, self.format)
        };
        let mut cut_inside = false;
        let mut reopen = None;
        if cut == 0 && !eof && self.clean.len() >= LONGEST_UNCUT {
            cut = self.clean.rfind('\n').map_or(self.clean.len(), |i| i + 1);
            cut_inside = true;
            // Cut inside a fenced code block: the rest is code too.
            reopen = open_fence(&self.clean[..cut], self.format).map(str::to_string);
        }
        if cut > 0 {
            let part = &self.clean[..cut];
            let continues = std::mem::replace(&mut self.continues, cut_inside);
            if self.first {
                let (title, blocks) = match self.format {
                    Format::Plain => plain::parse(part),
                    Format::Markdown => markdown::parse(part),
                };
                piece.title = title;
                piece.blocks = blocks;
                self.first = false;
            } else {
                piece.blocks = match self.format {
                    Format::Plain => plain::parse_more(part, continues),
                    Format::Markdown => markdown::parse_more(part, continues),
                };
            }
            self.clean.drain(..cut);
            if let Some(fence) = reopen {
                self.clean.insert_str(0, &fence);
            }
        }
        self.done = eof;
        piece.done = eof;
        Ok(piece)
    }

    /// Reads everything that is left.
    pub fn finish(&mut self) -> Result<Vec<Block>, LoadError> {
        let mut blocks = Vec::new();
        loop {
            let piece = self.next(PIECE)?;
            blocks.extend(piece.blocks);
            if piece.done {
                return Ok(blocks);
            }
        }
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

    fn decode(&mut self, mut bytes: &[u8], eof: bool) -> Result<(), LoadError> {
        if self.decoder.is_none() {
            let (encoding, bom) = match Encoding::for_bom(bytes) {
                Some((encoding, len)) => (encoding, len),
                None => {
                    reject_binary(bytes)?;
                    if bytes.is_ascii() {
                        self.undecided = true;
                        (UTF_8, 0)
                    } else if utf8_but_cut(bytes) {
                        (UTF_8, 0)
                    } else {
                        (guess_legacy(bytes), 0)
                    }
                }
            };
            if encoding == UTF_8 && bom > 0 {
                reject_binary(&bytes[bom..])?;
            }
            bytes = &bytes[bom..];
            self.decoder = Some(encoding.new_decoder_without_bom_handling());
        } else if self.undecided && !bytes.is_ascii() {
            // All before was ASCII, which every candidate encoding reads alike: choose now.
            self.undecided = false;
            if !utf8_but_cut(bytes) {
                self.decoder = Some(guess_legacy(bytes).new_decoder_without_bom_handling());
            }
        }
        if let Some(decoder) = self.decoder.as_mut() {
            let needed = decoder
                .max_utf8_buffer_length(bytes.len())
                .unwrap_or(bytes.len().saturating_mul(3));
            self.text.reserve(needed);
            let (_, _, _) = decoder.decode_to_string(bytes, &mut self.text, eof);
        }
        Ok(())
    }
}

/// Valid UTF-8, except perhaps for a character cut off at the end of the piece.
fn utf8_but_cut(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && bytes.len() - e.valid_up_to() < 4,
    }
}

/// The opening line of the fenced code block that is still open at the end of `text`, if
/// any (Markdown only).
fn open_fence(text: &str, format: Format) -> Option<&str> {
    if format != Format::Markdown {
        return None;
    }
    let mut open: Option<(&str, &str)> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        match open {
            Some((fence, _)) if trimmed.starts_with(fence) => open = None,
            Some(_) => {}
            None if trimmed.starts_with("```") => open = Some(("```", line)),
            None if trimmed.starts_with("~~~") => open = Some(("~~~", line)),
            None => {}
        }
    }
    open.map(|(_, line)| line)
}

/// Where a piece of clean text can be cut so that no block spans the cut: after the last
/// blank line (for Markdown, one outside a fenced code block). 0 if there is none.
fn paragraph_cut(text: &str, format: Format) -> usize {
    match format {
        Format::Plain => text.rfind("\n\n").map_or(0, |i| i + 2),
        Format::Markdown => {
            let mut in_fence: Option<&str> = None;
            let mut cut = 0;
            let mut offset = 0;
            for line in text.split_inclusive('\n') {
                let trimmed = line.trim_start();
                match in_fence {
                    Some(fence) if trimmed.starts_with(fence) => in_fence = None,
                    Some(_) => {}
                    None if trimmed.starts_with("```") => in_fence = Some("```"),
                    None if trimmed.starts_with("~~~") => in_fence = Some("~~~"),
                    None if line.trim().is_empty() && line.ends_with('\n') => {
                        cut = offset + line.len();
                    }
                    None => {}
                }
                offset += line.len();
            }
            cut
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{BlockKind, Document, Format, load};

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
        let joined: String = blocks.iter().map(|b| b.text.as_str()).collect();
        let expected: String = doc.blocks().map(|b| b.text).collect();
        assert!(joined == expected, "pieces differ from the whole");
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
        blocks.extend(loader.finish().expect("rest"));
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
}
