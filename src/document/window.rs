//! A window into a large article: a piece of its text read where a jump goes (the end, a
//! percentage, a saved place), while the article is still read in order from its start.
//! The window starts and ends where the in-order reader could cut its pieces (after a blank
//! line, outside a code fence as far as the window itself shows), so its blocks are the
//! article's blocks from there on; what the window cannot know (the section numbers before
//! it, a fence opened before its start) makes it provisional. The reader shows it until the
//! in-order reading passes its end, then goes over to the same text in the whole article.

use std::io::{Read, Seek, SeekFrom};

use super::cuts;
use super::stream::{LoadError, Loader, PIECE};
use super::{Document, Format};

/// Bytes read before a window's start to know the paragraph before it (see [`ends_open`]):
/// a paragraph longer than that is prose whatever its last line.
const LOOK_BACK: u64 = 1024;

/// Bytes a window holds at most: dozens of screens, read and parsed within a frame (a few
/// ms), while the in-order reading catches up with it (about a second into a 100 MB
/// article).
pub const WINDOW: u64 = 128 * 1024;
/// Bytes of the window at the end (`G`): its last ten screens or so (at 100x30), as many as
/// a person pages back through in the second or two the in-order reading takes to arrive.
pub const END_WINDOW: u64 = 32 * 1024;
/// Bytes of the window at a saved place (reading position, bookmark): about ten screens, as
/// it is read before the first frame of a reopened article.
pub const PLACE_WINDOW: u64 = 32 * 1024;
/// Of that, the bytes before the saved place: it may have moved a little (an estimate, or
/// an edit).
const PLACE_BEFORE: u64 = 8 * 1024;

/// What a window was read for.
#[derive(Debug, Clone, PartialEq)]
pub enum Jump {
    /// The end of the article (`G`).
    End,
    /// This byte of the file: the block there goes to the top (a percentage).
    Byte(u64),
    /// A saved place (a reading position, a bookmark), found in the window by its text.
    Anchor(Box<crate::anchor::Anchor>),
    /// The heading of the section a link names (`#slug`), where the scan of the file found
    /// its line (see [`super::seek`]): found in the window by its slug.
    Heading { byte: u64, slug: String },
}

/// Blocks read from the middle of an article.
#[derive(Debug)]
pub struct Window {
    /// The window's blocks, placed in the file (see [`Document::byte_at`]); complete when the
    /// window reaches the end of the file.
    pub doc: Document,
    /// Where the window's text starts and ends in the file.
    pub start: u64,
    pub end: u64,
    /// The size of the file.
    pub size: u64,
}

/// Where the window for `jump` is read from: its first byte, in a file of `size` bytes.
pub fn origin(jump: &Jump, size: u64) -> u64 {
    match jump {
        Jump::End => size.saturating_sub(END_WINDOW),
        Jump::Byte(at) => (*at).min(size),
        Jump::Anchor(anchor) => anchor.byte.unwrap_or(0).saturating_sub(PLACE_BEFORE),
        Jump::Heading { byte, .. } => byte.saturating_sub(PLACE_BEFORE),
    }
}

/// How many bytes the window for `jump` reads (fewer at the end of the file).
pub fn length(jump: &Jump) -> u64 {
    match jump {
        Jump::End => END_WINDOW,
        Jump::Byte(_) => WINDOW,
        Jump::Anchor(_) | Jump::Heading { .. } => PLACE_WINDOW,
    }
}

/// Reads the window of a file of `size` bytes that starts at the first place at or after
/// byte `from` where a piece may start, and ends `len` bytes on (or at the end of the file),
/// at the last such place. `format` is the article's; `cap` the largest article read.
pub fn read<R: Read + Seek>(
    mut source: R,
    size: u64,
    (from, len): (u64, u64),
    format: Format,
    title: &str,
    cap: u64,
) -> Result<Window, LoadError> {
    let from = from.min(size);
    let len = len.min(size - from);
    // A little before `from` too: the paragraph before the window says whether the
    // window's first line goes on from it, as the article read in order tells it.
    let back = from.saturating_sub(LOOK_BACK);
    source.seek(SeekFrom::Start(back))?;
    let mut bytes = Vec::with_capacity(usize::try_from(from - back + len).unwrap_or(0));
    source
        .by_ref()
        .take(from - back + len)
        .read_to_end(&mut bytes)?;
    let at_eof = back + bytes.len() as u64 >= size;
    let ahead = usize::try_from(from - back)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    let (start, end) = bounds(&bytes[ahead..], from == 0, at_eof, format);
    let (start, end) = (ahead + start, ahead + end);
    let after_open = format == Format::Plain && ends_open(&bytes[..start], back == 0);
    let text = bytes[start..end].to_vec();
    drop(bytes);
    let start = back + start as u64;
    let end = back + end as u64;
    let mut loader = Loader::inside(
        Box::new(std::io::Cursor::new(text)),
        format,
        cap,
        start,
        after_open,
    );
    let mut doc = Document::from_blocks(title.to_string(), Vec::new(), None);
    doc.sources = vec![(0, start)];
    loop {
        let piece = loader.next(PIECE)?;
        doc.append(piece.blocks);
        doc.mark_source(piece.end);
        if piece.done {
            break;
        }
    }
    doc.complete = at_eof;
    doc.expected = doc.total;
    Ok(Window {
        doc,
        start,
        end,
        size,
    })
}

/// The part of `bytes` (read from the middle of a file) that a window parses: from the first
/// place after a blank line (or, without one, the first line start) to the last one, or to
/// the end at the end of the file. `at_start`: the bytes start the file.
fn bounds(bytes: &[u8], at_start: bool, at_eof: bool, format: Format) -> (usize, usize) {
    let line = if at_start {
        0
    } else {
        memchr_newline(bytes, 0).map_or(bytes.len(), |i| i + 1)
    };
    let start = if at_start {
        0
    } else {
        cuts::after_blank_lines(&bytes[line..], format)
            .next()
            .map_or(line, |cut| line + cut)
    };
    if at_eof {
        return (start, bytes.len());
    }
    let rest = &bytes[start..];
    let end = cuts::after_blank_lines(rest, format)
        .last()
        .or_else(|| rest.iter().rposition(|&b| b == b'\n').map(|i| i + 1))
        .map_or(bytes.len(), |cut| start + cut);
    (start, end)
}

/// Whether `skipped`, the text read before a window's start (from the file's start when
/// `at_start`, else from inside a line [`LOOK_BACK`] bytes or so before), ends with a
/// paragraph that stops inside a sentence ([`super::plain::leaves_sentence_open`]). A
/// paragraph with no blank line above it in `skipped` began before: it has more lines than
/// those read (a paragraph that long is prose, whatever its last line).
fn ends_open(skipped: &[u8], at_start: bool) -> bool {
    let part = super::Part {
        continues: !at_start,
        ..super::Part::default()
    };
    super::plain::ends_sentence_open(&String::from_utf8_lossy(skipped), part)
}

fn memchr_newline(bytes: &[u8], from: usize) -> Option<usize> {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map(|i| from + i)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    #[test]
    fn a_window_tells_a_line_going_on_from_the_paragraph_before_as_the_article_does() {
        // A letter's signature after a paragraph that stops inside a sentence: no heading,
        // wherever the window is read from.
        let text = "Title\n\nShe wrote to him at last, and\nno one can love you more than \
                    does\n\nYour Sónya\n\nBoth letters came.\n\nA Heading Here\n\nText.\n"
            .repeat(30);
        let whole = crate::document::parse(&text, Format::Plain, "T", None);
        let blocks = |doc: &Document| -> Vec<(crate::document::BlockKind, String)> {
            doc.blocks()
                .map(|b| (*b.kind, b.text.to_string()))
                .collect()
        };
        let all = blocks(&whole);
        let size = text.len() as u64;
        for from in 1..size - 1 {
            let window = read(
                Cursor::new(text.as_bytes()),
                size,
                (from, 120),
                Format::Plain,
                "T",
                u64::MAX - 1,
            )
            .expect("window");
            let shown = blocks(&window.doc);
            if shown.is_empty() {
                continue;
            }
            assert!(
                all.windows(shown.len()).any(|w| w == shown.as_slice()),
                "from {from}: {shown:?}"
            );
        }
    }

    #[test]
    fn bounds_are_after_blank_lines() {
        let text = b"tail of a line\nmore\n\nfirst para\n\nsecond\n\nthird cut";
        let (start, end) = bounds(text, false, false, Format::Plain);
        assert_eq!(&text[start..end], b"first para\n\nsecond\n\n");
        let (start, end) = bounds(text, false, true, Format::Plain);
        assert_eq!(&text[start..end], b"first para\n\nsecond\n\nthird cut");
    }

    #[test]
    fn the_end_window_holds_the_last_block_and_knows_where_it_is() {
        let mut text = String::new();
        for i in 0..40_000 {
            text.push_str(&format!("Absatz {i} mit ein paar Worten.\n\n"));
        }
        let size = text.len() as u64;
        let window = read(
            Cursor::new(text.as_bytes()),
            size,
            (origin(&Jump::End, size), length(&Jump::End)),
            Format::Plain,
            "T",
            u64::MAX - 1,
        )
        .expect("window");
        assert!(window.doc.complete);
        assert_eq!(window.end, size);
        let last = window.doc.block(window.doc.block_count() - 1);
        assert_eq!(last.text, "Absatz 39999 mit ein paar Worten.");
        let first = window.doc.block(0);
        let at = text.find(first.text).expect("in the text") as u64;
        assert_eq!(window.start, at);
        // Blocks are placed in the file: exactly at the window's start, closely inside it
        // (the separators and markup between blocks are spread evenly over a piece).
        assert_eq!(window.doc.byte_at(0, 0), Some(window.start));
        for i in [
            7,
            window.doc.block_count() / 2,
            window.doc.block_count() - 1,
        ] {
            let b = window.doc.block(i);
            let byte = window.doc.byte_at(i, 0).expect("placed") as usize;
            let found = text[byte.saturating_sub(4096)..]
                .find(b.text)
                .expect("near") as i64;
            assert!(
                (found - byte.min(4096) as i64).abs() < 4096,
                "block {i} placed far off"
            );
            assert_eq!(
                window
                    .doc
                    .block_at_byte(byte as u64)
                    .map(|j| j.abs_diff(i) < 100),
                Some(true)
            );
        }
    }
}
