//! The open article: its document, the layouts of recent widths, and the line at the top of
//! the screen. Moving never re-wraps; a new width lays out only what comes into view and
//! puts the same text back at the top.

mod ahead;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::Settings;
use super::geometry;
use crate::anchor::Anchor;
use crate::document::Document;
use crate::layout::{Layout, LayoutCache, LinePos, WrapOptions};

#[derive(Debug)]
pub struct Reader {
    /// Saved-state key of the document.
    pub key: String,
    pub entry: usize,
    pub doc: Arc<Document>,
    cache: LayoutCache,
    options: WrapOptions,
    /// The line at the top of the text area.
    pub top: LinePos,
    /// Height of the text area in lines.
    height: usize,
    /// The content at the top when the width last changed: resizing goes back to it, so a
    /// resize storm does not drift. Any move forgets it.
    resize_anchor: Option<(usize, usize, bool)>,
    /// Keys of the sections read to their end.
    pub read_sections: BTreeSet<String>,
    pub finished: bool,
    /// `G` was pressed while the article was still loading: go to the end when it is in.
    bottom_when_loaded: bool,
    /// The saved place, waiting for the piece of a large article that holds it. Until it is
    /// reached (or the person moves), the position is not saved: the top of the article is
    /// not where they stopped.
    pub pending: Option<Anchor>,
    /// The place the reader was put at (a saved place, a bookmark) or held at through a
    /// resize, while the person has not moved: it is what is saved, exactly, rather than the
    /// start of the top line, which at another width starts a little earlier.
    place: Option<Anchor>,
    /// The read-mark key of each section (see [`section_key`]), and how often each heading
    /// path came so far.
    keys: Vec<String>,
    paths_seen: HashMap<String, usize>,
    /// Read marks of schema 1, taken in once the whole article is in.
    legacy_marks: Option<BTreeSet<String>>,
    /// The search in this article, if any (`/`, `*`).
    pub find: Option<super::find::Find>,
    /// Pieces of a loading article that arrived while a search worker held the document:
    /// appended once it lets go (appending then would copy the whole document).
    waiting: Vec<(Vec<crate::document::Block>, bool, Option<u64>)>,
    /// A window read ahead, shown while the article loads behind it (see [`ahead`]).
    ahead: Option<Box<ahead::Ahead>>,
    /// The reader went over from a window to the whole article (see
    /// [`Reader::take_caught_up`]).
    caught_up: bool,
}

/// Where the view was, to go back to it exactly (Esc in the search prompt).
#[derive(Debug, Clone)]
pub struct ViewMark {
    top: LinePos,
    width: usize,
    content: (usize, usize),
    place: Option<Anchor>,
}

/// The key a section is remembered by in read marks: its heading path, and for the second
/// and later sections with the same path (a book's fifteen `CHAPTER VII` under one heading,
/// or with no enclosing heading), which one it is: `CHAPTER VII #2`. The first keeps the
/// bare path, as state files of schema 1 wrote it.
pub fn section_key(path: &[String], occurrence: usize) -> String {
    let joined = path.join(" › ");
    if occurrence <= 1 {
        joined
    } else {
        format!("{joined} #{occurrence}")
    }
}

impl Reader {
    pub fn new(
        key: String,
        entry: usize,
        doc: Arc<Document>,
        width: u16,
        height: u16,
        settings: &Settings,
    ) -> Self {
        let mut reader = Reader {
            key,
            entry,
            doc,
            cache: LayoutCache::default(),
            options: WrapOptions::new(1),
            top: LinePos::default(),
            height: 1,
            resize_anchor: None,
            read_sections: BTreeSet::new(),
            finished: false,
            bottom_when_loaded: false,
            pending: None,
            place: None,
            keys: Vec::new(),
            paths_seen: HashMap::new(),
            legacy_marks: None,
            find: None,
            waiting: Vec::new(),
            ahead: None,
            caught_up: false,
        };
        reader.sync_keys();
        reader.set_size(width, height, settings);
        reader.prepare();
        reader
    }

    /// Makes the keys of sections that arrived since the last call.
    fn sync_keys(&mut self) {
        for section in &self.doc.sections[self.keys.len().min(self.doc.sections.len())..] {
            let joined = section.path.join(" › ");
            let seen = self.paths_seen.entry(joined).or_insert(0);
            *seen += 1;
            self.keys.push(section_key(&section.path, *seen));
        }
    }

    /// The read marks to save and how they name sections: while schema-1 marks wait for the
    /// whole article, they are kept as they were (with what was read since), so quitting
    /// early loses none.
    pub fn marks_to_save(&self) -> (BTreeSet<String>, u32) {
        match &self.legacy_marks {
            Some(legacy) => (legacy.union(&self.read_sections).cloned().collect(), 0),
            None => (self.read_sections.clone(), crate::store::SECTION_KEYS),
        }
    }

    /// A section's name as shown: its title, or its heading path (`BOOK TWO › CHAPTER
    /// XII`) when another section has the same title.
    pub fn section_label(&self, index: usize) -> String {
        self.doc.section_label(index)
    }

    /// Percent through the document at the top of the screen.
    pub fn percent_at_top(&self) -> f32 {
        let (block, offset) = self.view().map_or((0, 0), |l| l.content_at(self.top));
        (self.doc.fraction_at(block, offset) * 100.0) as f32
    }

    /// Takes over the read marks saved for this document. Marks saved with schema 1 named a
    /// section by its heading path alone, so one mark stood for every section with that
    /// path (or, now that books have levels, that title): such a mark is kept where it names
    /// exactly one section, and dropped where it cannot tell which one was read.
    /// While a large article is still loading, that waits until all of it is in.
    pub fn adopt_read_marks(&mut self, saved: &BTreeSet<String>, legacy: bool) {
        if !legacy {
            self.read_sections = saved.clone();
            return;
        }
        if !self.doc.complete {
            self.legacy_marks = Some(saved.clone());
            return;
        }
        let mut by_path: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, section) in self.doc.sections.iter().enumerate() {
            by_path.entry(section.path.join(" › ")).or_default().push(i);
            if let Some(title) = section.path.last() {
                by_title.entry(title.clone()).or_default().push(i);
            }
        }
        self.read_sections.clear();
        for key in saved {
            // The sections the key could have named: by heading path (as Markdown's paths
            // were), or by title (plain-text books had flat paths then, so `CHAPTER VI`
            // named every CHAPTER VI of every book).
            let mut candidates: Vec<usize> = by_path.get(key).cloned().unwrap_or_default();
            candidates.extend(by_title.get(key).into_iter().flatten().copied());
            candidates.sort_unstable();
            candidates.dedup();
            if let [only] = candidates[..]
                && let Some(new) = self.keys.get(only)
            {
                self.read_sections.insert(new.clone());
            }
        }
    }

    fn set_size(&mut self, width: u16, height: u16, settings: &Settings) {
        let (column, rows) = match geometry::reader(width, height, settings.max_width) {
            Some(areas) => (areas.text.width, areas.text.height),
            None => (settings.max_width.min(width.max(1)), height.max(1)),
        };
        self.options = WrapOptions {
            width: usize::from(column).max(1),
            hyphenate: settings.hyphenate,
            justify: settings.justify,
        };
        self.height = usize::from(rows).max(1);
    }

    /// The layout for the current width (lazily filled).
    fn layout(&mut self) -> &mut Layout {
        self.cache.get(&self.doc, self.options)
    }

    /// The current layout, read-only, for the views; every visible line is laid out.
    pub fn view(&self) -> Option<&Layout> {
        self.cache.peek(self.options)
    }

    pub fn height(&self) -> usize {
        self.height
    }

    /// Lays out what the screen shows, so the view only reads.
    fn prepare(&mut self) {
        self.resize_anchor = None;
        let (doc, top, height) = (Arc::clone(&self.doc), self.top, self.height);
        self.layout().window(&doc, top, height + 1);
    }

    /// The lines on screen.
    pub fn visible(&self) -> Vec<LinePos> {
        let Some(layout) = self.view() else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(self.height);
        let mut pos = self.top;
        while out.len() < self.height {
            let Some(lines) = layout.lines(pos.block) else {
                break;
            };
            if pos.line < lines.len() {
                out.push(pos);
                pos.line += 1;
            } else {
                pos = LinePos {
                    block: pos.block + 1,
                    line: 0,
                };
            }
        }
        out
    }

    pub fn resize(&mut self, width: u16, height: u16, settings: &Settings) {
        if self.place.is_none() {
            self.place = Some(self.anchor());
        }
        let doc = Arc::clone(&self.doc);
        let (block, offset, gap) = match self.resize_anchor {
            Some(anchor) => anchor,
            None => {
                let top = self.top;
                let gap = self
                    .view()
                    .and_then(|l| l.lines(top.block))
                    .and_then(|lines| lines.get(top.line))
                    .is_some_and(|l| l.is_gap());
                let (block, offset) = self.view().map_or((0, 0), |l| l.content_at(top));
                (block, offset, gap)
            }
        };
        self.set_size(width, height, settings);
        let layout = self.layout();
        let top = if gap {
            LinePos { block, line: 0 }
        } else {
            layout.line_at(&doc, block, offset).unwrap_or_default()
        };
        self.top = top;
        self.prepare();
        self.resize_anchor = Some((block, offset, gap));
    }

    pub fn page(&self) -> usize {
        self.height.saturating_sub(1).max(1)
    }

    pub fn half_page(&self) -> usize {
        (self.height / 2).max(1)
    }

    /// The furthest the top line goes by scrolling: the last screenful.
    fn max_top(&mut self) -> LinePos {
        let (doc, height) = (Arc::clone(&self.doc), self.height);
        self.layout()
            .last_page_top(&doc, height)
            .unwrap_or_default()
    }

    pub fn scroll_down(&mut self, n: usize) {
        self.pending = None;
        self.place = None;
        self.bottom_when_loaded = false;
        let doc = Arc::clone(&self.doc);
        let limit = self.max_top().max(self.top);
        let top = self.top;
        let next = self.layout().forward(&doc, top, n);
        self.top = next.min(limit);
        self.prepare();
    }

    pub fn scroll_up(&mut self, n: usize) {
        self.pending = None;
        self.place = None;
        self.bottom_when_loaded = false;
        let doc = Arc::clone(&self.doc);
        let top = self.top;
        self.top = self.layout().backward(&doc, top, n);
        self.prepare();
    }

    pub fn to_top(&mut self) {
        self.leave_window();
        self.pending = None;
        self.place = None;
        self.top = LinePos::default();
        self.prepare();
    }

    pub fn to_bottom(&mut self) {
        self.pending = None;
        self.place = None;
        self.top = self.max_top();
        self.bottom_when_loaded = !self.doc.complete;
        self.prepare();
    }

    /// More of a large article arrived, ending at byte `end` of its file. The top line
    /// stays where it is.
    pub fn append(&mut self, blocks: Vec<crate::document::Block>, done: bool, end: Option<u64>) {
        if self.ahead.is_some() {
            return self.append_behind(blocks, done, end);
        }
        let doc = Arc::make_mut(&mut self.doc);
        doc.append(blocks);
        if let Some(end) = end {
            doc.mark_source(end);
        }
        doc.complete = done;
        if doc.take_widened() {
            // A table read on got wider columns: its rows laid out so far are laid out
            // again, and the top line keeps its place in the text.
            let (block, offset) = self
                .view()
                .map_or((self.top.block, 0), |l| l.content_at(self.top));
            self.cache.clear();
            let doc = Arc::clone(&self.doc);
            if let Some(top) = self.layout().line_at(&doc, block, offset) {
                self.top = top;
            }
        }
        self.sync_keys();
        if done && let Some(marks) = self.legacy_marks.take() {
            let read = std::mem::take(&mut self.read_sections);
            self.adopt_read_marks(&marks, true);
            self.read_sections.extend(read);
        }
        if let Some(anchor) = self.pending.take() {
            // The saved place may be in now.
            if !self.go_to_anchor(&anchor) && !done {
                self.pending = Some(anchor);
            }
            return;
        }
        if done && self.bottom_when_loaded {
            self.to_bottom();
        } else {
            // Keep a pending resize anchor: appending is no move.
            let anchor = self.resize_anchor;
            self.prepare();
            self.resize_anchor = anchor;
        }
    }

    /// Takes in the article read again after it changed on disk, keeping the place: the
    /// content at the top (or the saved place still waited for) is found in the new text
    /// as a saved place is when an edited article is reopened ([`Anchor::resolve`]), and
    /// waited for while the part of a large article that holds it is not in yet. Read
    /// marks stay: they name sections by their headings, not by number. The search is
    /// the caller's to run again (its matches are places in the old text).
    pub fn replace_doc(&mut self, doc: Arc<Document>) {
        let anchor = self.pending.take().unwrap_or_else(|| self.anchor());
        // A window shown belongs to the old text too.
        self.ahead = None;
        let old = std::mem::replace(&mut self.doc, doc);
        // Layouts, section keys and waiting pieces all belong to the old text.
        self.cache = LayoutCache::default();
        let old_keys = std::mem::take(&mut self.keys);
        self.paths_seen.clear();
        self.sync_keys();
        self.move_read_marks(&old, &old_keys);
        self.waiting.clear();
        self.bottom_when_loaded = false;
        self.place = None;
        self.top = LinePos::default();
        if self.doc.complete
            && let Some(marks) = self.legacy_marks.take()
        {
            let read = std::mem::take(&mut self.read_sections);
            self.adopt_read_marks(&marks, true);
            self.read_sections.extend(read);
        }
        self.prepare();
        self.reopen_at(&anchor);
    }

    /// Read marks name a section by its heading path and which of the sections with that
    /// path it is (`Kapitel #4`): a section with the same heading added before it (an
    /// edit) would move every mark after it onto its neighbour. So once the new text is
    /// complete, each read section of the old text is found in it by its first paragraph
    /// (as a saved place is found) and its mark goes with it; a section whose text is not
    /// found keeps its mark as it was.
    fn move_read_marks(&mut self, old: &Document, old_keys: &[String]) {
        if !self.doc.complete || self.read_sections.is_empty() {
            return;
        }
        let moved = |key: &String| -> Option<String> {
            let section = old.sections.get(old_keys.iter().position(|k| k == key)?)?;
            let block = if section.blocks.len() > 1 {
                section.blocks.start + 1
            } else {
                section.blocks.start
            };
            let anchor = crate::anchor::Anchor::at(old, block, 0);
            let (found, _) = anchor.resolve(&self.doc)?;
            (self.doc.get(found)?.fingerprint() == anchor.fingerprint)
                .then(|| self.keys.get(self.doc.section_of(found)).cloned())
                .flatten()
        };
        self.read_sections = self
            .read_sections
            .iter()
            .map(|key| moved(key).unwrap_or_else(|| key.clone()))
            .collect();
    }

    /// A piece of a loading article: appended now, or kept until a search worker lets go
    /// of the document. True if it was appended.
    pub fn take_piece(
        &mut self,
        blocks: Vec<crate::document::Block>,
        done: bool,
        end: Option<u64>,
    ) -> bool {
        if Arc::strong_count(self.main_doc()) > 1 || !self.waiting.is_empty() {
            self.waiting.push((blocks, done, end));
            return self.take_waiting();
        }
        let behind = self.provisional();
        self.append(blocks, done, end);
        // Behind a window, nothing shown changed (unless the reader went over to the
        // whole article: see `take_caught_up`).
        !behind
    }

    /// Appends the pieces that waited, if nothing else holds the document now. True if
    /// any were appended.
    pub fn take_waiting(&mut self) -> bool {
        if self.waiting.is_empty() || Arc::strong_count(self.main_doc()) > 1 {
            return false;
        }
        for (blocks, done, end) in std::mem::take(&mut self.waiting) {
            self.append(blocks, done, end);
        }
        true
    }

    /// The view as it is, to come back to with [`Reader::restore_view`].
    pub fn view_mark(&self) -> ViewMark {
        ViewMark {
            top: self.top,
            width: self.options.width,
            content: self.view().map_or((0, 0), |l| l.content_at(self.top)),
            place: self.place.clone(),
        }
    }

    /// Puts the view back where it was marked: the same top line (the same text at the
    /// top, if the width changed since).
    pub fn restore_view(&mut self, mark: &ViewMark) {
        let doc = Arc::clone(&self.doc);
        self.top = if mark.width == self.options.width {
            mark.top
        } else {
            let (block, offset) = mark.content;
            self.layout()
                .line_at(&doc, block, offset)
                .unwrap_or(mark.top)
        };
        let anchor = self.resize_anchor;
        self.prepare();
        self.resize_anchor = anchor;
        self.place = mark.place.clone();
    }

    /// The place at the start of the top line.
    pub fn top_place(&self) -> crate::search::document::Place {
        let (block, offset) = self
            .view()
            .map_or((self.top.block, 0), |l| l.content_at(self.top));
        crate::search::document::Place { block, offset }
    }

    /// Whether the line with byte `offset` of `block` is on screen.
    pub fn shows(&mut self, block: usize, offset: usize) -> bool {
        let doc = Arc::clone(&self.doc);
        self.layout()
            .line_at(&doc, block, offset)
            .is_some_and(|pos| self.visible().contains(&pos))
    }

    /// After a resize pushed the line of byte `offset` of `block` below the screen (the
    /// top line is kept, so what was shown can only go off the bottom): the view scrolls
    /// down just far enough to show it again, at the bottom, as vim keeps its cursor.
    pub fn keep_shown(&mut self, block: usize, offset: usize) {
        // It was on screen before: a narrower column at most makes its lines a few times
        // as many.
        let most = self.height.saturating_mul(8).max(64);
        for _ in 0..most {
            if self.shows(block, offset) {
                return;
            }
            let top = self.top;
            self.scroll_down(1);
            if self.top == top {
                return;
            }
        }
    }

    /// Shows byte `offset` of `block`: the view stays if its line is on screen, else that
    /// line goes to the top, or in the last screenful of a whole article the last screenful
    /// shows (see [`Reader::settle`]).
    pub fn reveal(&mut self, block: usize, offset: usize) {
        let doc = Arc::clone(&self.doc);
        let Some(pos) = self.layout().line_at(&doc, block, offset) else {
            return;
        };
        if self.visible().contains(&pos) {
            return;
        }
        self.pending = None;
        self.place = None;
        self.bottom_when_loaded = false;
        self.top = pos;
        self.prepare();
        self.settle();
    }

    /// In a whole article, a top line further than scrolling goes (a match in the last
    /// screenful put at the top) goes back to the last screenful: what was shown still
    /// is, without empty rows below that scrolling could not come back to.
    pub fn settle(&mut self) {
        if !self.doc.complete || self.ahead.is_some() {
            return;
        }
        let last = self.max_top();
        if self.top > last {
            self.top = last;
            // The place kept is the top line's (a reopened article shows what this showed),
            // not the place asked for, now further down.
            self.place = None;
            // A resize still keeps the place the reader was asked for.
            let anchor = self.resize_anchor;
            self.prepare();
            self.resize_anchor = anchor;
        }
    }

    /// How much of a large article is read so far (100 when complete).
    pub fn loaded_percent(&self) -> Option<u32> {
        let doc = self.main_doc();
        (!doc.complete).then(|| {
            let total = doc.expected.max(1) as f64;
            ((doc.source_end().max(doc.total) as f64 / total) * 100.0).min(99.0) as u32
        })
    }

    /// The section shown at the top of the screen.
    pub fn current_section(&self) -> usize {
        self.doc.section_of(self.top.block)
    }

    pub fn section_path(&self) -> Vec<String> {
        self.doc
            .sections
            .get(self.current_section())
            .map(|s| s.path.clone())
            .unwrap_or_default()
    }

    /// Puts the heading of section `index` at the top of the screen. A section near the end
    /// may leave the rest of the screen empty: the heading is what was asked for.
    pub fn go_to_section(&mut self, index: usize) {
        let Some(section) = self.doc.sections.get(index) else {
            return;
        };
        self.pending = None;
        self.place = None;
        let doc = Arc::clone(&self.doc);
        let block = section.blocks.start;
        if let Some(pos) = self.layout().block_start(&doc, block) {
            self.top = if index == 0 { LinePos::default() } else { pos };
        }
        self.prepare();
    }

    /// Moves to the next section; false if there is none.
    pub fn next_section(&mut self) -> bool {
        let next = self.current_section() + 1;
        if next < self.doc.sections.len() {
            self.go_to_section(next);
            true
        } else {
            false
        }
    }

    /// Moves to the start of the current section, or to the previous one when already there.
    pub fn previous_section(&mut self) {
        let current = self.current_section();
        let doc = Arc::clone(&self.doc);
        let start = self.doc.sections[current].blocks.start;
        let at_start = self
            .layout()
            .block_start(&doc, start)
            .is_some_and(|pos| self.top <= pos);
        if at_start && current > 0 {
            self.go_to_section(current - 1);
        } else {
            self.go_to_section(current);
        }
    }

    /// The place being read: where the reader was put, while the person has not moved;
    /// else the start of the top line.
    pub fn anchor(&self) -> Anchor {
        if let Some(place) = &self.place {
            return place.clone();
        }
        let (block, offset) = self.view().map_or((0, 0), |l| l.content_at(self.top));
        Anchor::at(&self.doc, block, offset)
    }

    /// Puts the anchored place at the top; false if the part of a large article that holds
    /// it is not in yet (nothing moves then).
    pub fn go_to_anchor(&mut self, anchor: &Anchor) -> bool {
        let doc = Arc::clone(&self.doc);
        let Some((block, offset)) = anchor.resolve_loading(&doc) else {
            return false;
        };
        if let Some(pos) = self.layout().line_at(&doc, block, offset) {
            self.top = pos;
        }
        self.prepare();
        self.place = Some(Anchor::at(&doc, block, offset));
        true
    }

    /// Goes to a saved place, or waits for it (see [`Reader::pending`]).
    pub fn reopen_at(&mut self, anchor: &Anchor) {
        self.pending = None;
        if self.provisional() {
            if anchor.resolve_loading(self.main_doc()).is_none() {
                // Not read yet: waited for (or read ahead to, see `pending_jump`), never
                // guessed in the window.
                self.pending = Some(anchor.clone());
                return;
            }
            self.leave_window();
        }
        // A complete document that has no place for it (it is empty) has nothing to wait for.
        if !self.go_to_anchor(anchor) && !self.doc.complete {
            self.pending = Some(anchor.clone());
        }
    }

    /// Whether the last line of the document is on screen.
    pub fn at_end(&self) -> bool {
        self.ends_on(&self.visible())
    }

    /// Whether `visible` (the lines on screen) reaches the last line of a complete document.
    fn ends_on(&self, visible: &[LinePos]) -> bool {
        if !self.doc.complete {
            return false;
        }
        match (visible.last(), self.view()) {
            (Some(last), Some(layout)) => {
                last.block + 1 >= self.doc.block_count()
                    && layout
                        .lines(last.block)
                        .is_some_and(|lines| last.line + 1 >= lines.len())
            }
            (None, _) => true,
            _ => false,
        }
    }

    /// Percent through the document, measured at the bottom of the screen.
    pub fn percent(&self) -> f32 {
        if let Some(percent) = self.window_percent() {
            return percent;
        }
        let visible = self.visible();
        if self.ends_on(&visible) {
            return 100.0;
        }
        let Some(bottom) = visible.last() else {
            return 0.0;
        };
        let offset = self
            .view()
            .and_then(|l| l.lines(bottom.block))
            .and_then(|lines| lines.get(bottom.line))
            .map_or(0, |l| l.end as usize);
        (self.doc.fraction_at(bottom.block, offset) * 100.0) as f32
    }

    /// Marks as read the sections whose last line is on screen. Called after the person
    /// moved through the text line by line or page by page (and when a whole article fits
    /// on its first screen): jumping (to the end, a section, a bookmark) reads nothing. The
    /// article is finished once its last section is read.
    pub fn mark_read(&mut self) {
        // A window's sections are not the article's.
        if self.provisional() {
            return;
        }
        if self.finished && self.read_sections.len() >= self.doc.sections.len() {
            // Everything is read already; at the end of a book this runs on every key.
            return;
        }
        let visible = self.visible();
        let Some(layout) = self.view() else {
            return;
        };
        let mut read = Vec::new();
        for pos in &visible {
            let index = self.doc.section_of(pos.block);
            let section = &self.doc.sections[index];
            let last_block = section.blocks.end.saturating_sub(1);
            let last_line = layout
                .lines(pos.block)
                .map_or(0, |l| l.len().saturating_sub(1));
            // A section's end is known once the next section or the end of the document is.
            let ended = index + 1 < self.doc.sections.len() || self.doc.complete;
            if pos.block == last_block && pos.line == last_line && ended {
                read.extend(self.keys.get(index).cloned());
            }
        }
        self.read_sections.extend(read);
        let last = self.doc.sections.len().saturating_sub(1);
        if self.doc.complete && self.is_read(last) {
            self.finished = true;
        }
    }

    /// Whether the whole article is on its first screen.
    pub fn fits_on_screen(&self) -> bool {
        self.top == LinePos::default() && self.at_end()
    }

    /// The read-mark key of section `section` ([`section_key`]).
    pub fn key_of(&self, section: usize) -> Option<&str> {
        self.keys.get(section).map(String::as_str)
    }

    pub fn is_read(&self, section: usize) -> bool {
        self.keys
            .get(section)
            .is_some_and(|key| self.read_sections.contains(key))
    }
}
