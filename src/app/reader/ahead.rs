//! Reading ahead of a large article that is still loading: a jump far into it (`G`, a
//! percentage, a saved place, a bookmark) shows a window read there
//! ([`crate::document::window`]) at once, while the article goes on loading in order behind
//! it. The window is provisional: its section numbers and percentage are not known, and it
//! is never saved as the reading position. Once the in-order reading has passed the
//! window's end, the reader goes over to the whole article, at the same text.

use std::sync::Arc;

use super::Reader;
use crate::anchor::Anchor;
use crate::document::Document;
use crate::document::window::{Jump, Window};
use crate::layout::{LayoutCache, LinePos};

/// Blocks compared to find the window's top in the whole article (fewer near its end).
const RUN: usize = 16;

/// The article read in order behind a window shown in its place.
#[derive(Debug)]
pub(super) struct Ahead {
    /// The article as read in order so far.
    main: Arc<Document>,
    /// Where the window's text starts and ends in the file.
    start: u64,
    end: u64,
    /// The file's size.
    size: u64,
}

impl Reader {
    /// Whether a window is shown: what is on screen is provisional.
    pub fn provisional(&self) -> bool {
        self.ahead.is_some()
    }

    /// The article as read in order (behind the window, if one is shown).
    pub fn main_doc(&self) -> &Arc<Document> {
        self.ahead.as_ref().map_or(&self.doc, |a| &a.main)
    }

    /// Whether the article is still being read in.
    pub fn loading(&self) -> bool {
        !self.main_doc().complete
    }

    /// The window to read for a jump to the end: none if the end is in (or shown), or
    /// while a search holds the document (its matches are places in the whole article).
    pub fn end_jump(&self) -> Option<Jump> {
        let shown = self.ahead.as_ref().is_some_and(|a| a.end >= a.size);
        (self.may_read_ahead() && !shown).then_some(Jump::End)
    }

    /// Whether a window may be read for a jump now: the article is still loading, and no
    /// search or piece waiting holds the whole article (a search's matches are places in
    /// it).
    fn may_read_ahead(&self) -> bool {
        self.loading() && self.find.is_none() && self.waiting.is_empty()
    }

    /// Whether a window may be read for byte `byte` of the file: see
    /// [`Reader::may_read_ahead`], and that part is not read in order yet.
    fn may_read_ahead_to(&self, byte: u64) -> bool {
        self.may_read_ahead() && byte >= self.main_doc().source_end()
    }

    /// The window to read for a saved place not in yet (see [`Reader::pending`]), if it
    /// knows where in the file it is and that is past what is read.
    pub fn pending_jump(&self) -> Option<Jump> {
        let anchor = self.pending.as_ref()?;
        self.may_read_ahead_to(anchor.byte?)
            .then(|| Jump::Anchor(Box::new(anchor.clone())))
    }

    /// Goes `percent` of the way into the article: in the text read so far, in the window
    /// shown, or (returned) in a window still to be read there.
    pub fn go_to_percent(&mut self, percent: usize) -> Option<Jump> {
        let percent = percent.min(100);
        self.bottom_when_loaded = false;
        if percent >= 100 {
            self.to_bottom();
            return self.end_jump();
        }
        if !self.loading() {
            let block = self.doc.block_at_fraction(percent as f64 / 100.0);
            self.go_to_block(block);
            return None;
        }
        let main = self.main_doc();
        let byte = main.expected.saturating_mul(percent as u64) / 100;
        if byte < main.source_end()
            && let Some(block) = main.block_at_byte(byte)
        {
            self.leave_window();
            self.go_to_block(block);
            return None;
        }
        if let Some(ahead) = &self.ahead
            && (ahead.start..ahead.end).contains(&byte)
            && let Some(block) = self.doc.block_at_byte(byte)
        {
            self.go_to_block(block);
            return None;
        }
        self.may_read_ahead().then_some(Jump::Byte(byte))
    }

    /// The window to read for a line at byte `byte` of the file found before the article
    /// is read there (the heading of a section a link names): read with some text before
    /// it, as a saved place is, and shown from that line. None if that part is read.
    pub fn heading_jump(&self, byte: u64, slug: &str) -> Option<Jump> {
        self.may_read_ahead_to(byte).then(|| Jump::Heading {
            byte,
            slug: slug.to_string(),
        })
    }

    /// Puts the start of `block` at the top.
    fn go_to_block(&mut self, block: usize) {
        self.pending = None;
        self.place = None;
        let doc = Arc::clone(&self.doc);
        if let Some(pos) = self.layout().block_start(&doc, block) {
            self.top = pos;
        }
        self.prepare();
    }

    /// Shows a window read for `jump`, in place of the article still loading. False (and
    /// nothing changes) if it does not fit: the article is complete or changed, or the
    /// saved place is not in the window.
    pub fn show_window(&mut self, window: Window, jump: &Jump) -> bool {
        if !self.loading() || window.size != self.main_doc().expected {
            return false;
        }
        let mut doc = window.doc;
        // Laid out as the article is (hyphenation follows the language).
        doc.language.clone_from(&self.main_doc().language);
        doc.title.clone_from(&self.main_doc().title);
        let doc = Arc::new(doc);
        let target = match jump {
            Jump::End => None,
            Jump::Byte(byte) => Some((doc.block_at_byte(*byte).unwrap_or(0), 0)),
            Jump::Anchor(anchor) => match find_in(&doc, anchor) {
                Some(place) => Some(place),
                None => return false,
            },
            Jump::Heading { byte, slug } => Some((find_heading(&doc, *byte, slug), 0)),
        };
        match self.ahead.as_mut() {
            Some(ahead) => {
                self.doc = doc;
                ahead.start = window.start;
                ahead.end = window.end;
            }
            None => {
                let main = std::mem::replace(&mut self.doc, doc);
                self.ahead = Some(Box::new(Ahead {
                    main,
                    start: window.start,
                    end: window.end,
                    size: window.size,
                }));
            }
        }
        // The layouts belong to the other text.
        self.cache = LayoutCache::default();
        self.place = None;
        self.top = LinePos::default();
        if !matches!(jump, Jump::Anchor(_) | Jump::Heading { .. }) {
            // The person moved: a saved place waited for is no longer where they are.
            self.pending = None;
        }
        match target {
            None => {
                self.top = self.max_top();
                // The window holds the end: nothing to wait for.
                self.bottom_when_loaded = false;
            }
            Some((block, offset)) => {
                let doc = Arc::clone(&self.doc);
                if let Some(pos) = self.layout().line_at(&doc, block, offset) {
                    self.top = pos;
                }
            }
        }
        self.prepare();
        true
    }

    /// Shows the article read in order again, at its top.
    pub fn leave_window(&mut self) {
        if let Some(ahead) = self.ahead.take() {
            self.doc = ahead.main;
            self.cache = LayoutCache::default();
            self.top = LinePos::default();
            self.place = None;
            self.prepare();
        }
    }

    /// A piece of the article read in order, while a window is shown: appended behind it.
    /// Once the article is read past the window's end, the reader goes over to it.
    pub(super) fn append_behind(
        &mut self,
        blocks: Vec<crate::document::Block>,
        done: bool,
        end: Option<u64>,
    ) {
        let Some(ahead) = self.ahead.as_mut() else {
            return;
        };
        let main = Arc::make_mut(&mut ahead.main);
        main.append(blocks);
        if let Some(end) = end {
            main.mark_source(end);
        }
        main.complete = done;
        // Lines of the whole article are laid out anew when it is shown.
        main.take_widened();
        if done || main.source_end() >= ahead.end {
            self.catch_up();
        }
    }

    /// Goes over from the window to the whole article, at the same text: the saved place
    /// waited for, if it is in; else the window's top line found among the article's blocks
    /// near where the window placed it; else the block at that byte.
    fn catch_up(&mut self) {
        let Some(ahead) = self.ahead.take() else {
            return;
        };
        let main = ahead.main;
        let (block, offset) = self.view().map_or((0, 0), |l| l.content_at(self.top));
        let at_end = self.at_end();
        let window = Arc::clone(&self.doc);
        let saved = self
            .pending
            .clone()
            .filter(|anchor| anchor.resolve_loading(&main).is_some());
        let place = saved.or_else(|| {
            let near = window
                .byte_at(block, offset)
                .and_then(|byte| main.block_at_byte(byte));
            let found = same_text(&main, &window, block, near.unwrap_or(0));
            found
                .map(|b| Anchor::at(&main, b, offset))
                .or_else(|| near.map(|b| Anchor::at(&main, b, 0)))
        });
        self.pending = place;
        self.replace_doc(main);
        if at_end && self.doc.complete {
            self.to_bottom();
        }
        self.caught_up = true;
    }

    /// Whether the reader went over from a window to the whole article since the last
    /// call: the caller makes anew what it knows of the document's blocks.
    pub fn take_caught_up(&mut self) -> bool {
        std::mem::take(&mut self.caught_up)
    }

    /// Percent through the file at the bottom of the window shown.
    pub(super) fn window_percent(&self) -> Option<f32> {
        let ahead = self.ahead.as_ref()?;
        if self.doc.complete && self.at_end() {
            return Some(100.0);
        }
        let bottom = *self.visible().last()?;
        let offset = self
            .view()
            .and_then(|l| l.lines(bottom.block))
            .and_then(|lines| lines.get(bottom.line))
            .map_or(0, |l| l.end as usize);
        let byte = self.doc.byte_at(bottom.block, offset)?;
        Some((byte as f64 / ahead.size.max(1) as f64 * 100.0).min(100.0) as f32)
    }
}

/// The heading of the section `slug` names (as [`Document::fragment`] reads it: `slug`,
/// or `base-N` for a later section titled `base`) in a window, nearest to the block at
/// `byte`. The byte of a block in a window is an estimate (a window knows where its text
/// starts and ends, not where each block does: dialogue before a heading and long
/// paragraphs after it put the estimate dozens of blocks off), so the heading is found by
/// its slug; the block at the byte if the window has no such heading.
fn find_heading(doc: &Document, byte: u64, slug: &str) -> usize {
    let near = doc.block_at_byte(byte.max(doc.source_start())).unwrap_or(0);
    let base = slug
        .rsplit_once('-')
        .filter(|(_, n)| n.parse::<usize>().is_ok())
        .map(|(base, _)| base);
    doc.sections
        .iter()
        .filter(|s| s.title.is_some())
        .filter(|s| {
            let own = s.slug();
            own == slug || base.is_some_and(|base| own == base)
        })
        .map(|s| s.blocks.start)
        .min_by_key(|b| b.abs_diff(near))
        .unwrap_or(near)
}

/// The saved place in a window: the block with its text nearest to where it was.
fn find_in(doc: &Document, anchor: &Anchor) -> Option<(usize, usize)> {
    let near = anchor
        .byte
        .and_then(|byte| doc.block_at_byte(byte))
        .unwrap_or(0);
    let block = doc
        .blocks()
        .enumerate()
        .filter(|(_, b)| b.fingerprint() == anchor.fingerprint)
        .min_by_key(|(i, _)| i.abs_diff(near))?
        .0;
    let text = doc.block(block).text;
    let mut offset = anchor.offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    Some((block, offset))
}

/// The block of `main` where the blocks of `window` from `block` on are (as many as both
/// have, up to [`RUN`]), the one nearest to `near`.
fn same_text(main: &Document, window: &Document, block: usize, near: usize) -> Option<usize> {
    let run = RUN.min(window.block_count().saturating_sub(block)).max(1);
    let first = window.get(block)?.text;
    let matches = |j: usize| {
        (0..run).all(|k| match (main.get(j + k), window.get(block + k)) {
            (Some(a), Some(b)) => a.text == b.text,
            // Past what the article has read so far: the rest is to come.
            (None, _) => !main.complete,
            (_, None) => true,
        })
    };
    (0..main.block_count())
        .filter(|&j| main.block(j).text == first)
        .filter(|&j| matches(j))
        .min_by_key(|&j| j.abs_diff(near))
}
