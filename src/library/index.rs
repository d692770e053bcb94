//! Parsing `INDEX.md` into raw entries, without touching the file system.
//!
//! The Markdown is read as pulldown-cmark events (tables enabled). An entry is the first link
//! in a list item or a table row; its text is the title and the text after it in the same
//! item or row is the description. Headings above entries group them; the first level-1
//! heading is the index title instead. Links in paragraphs, headings, images and HTML
//! comments are not entries. All handling is a single pass over the events with explicit
//! stacks, so hostile input (deep nesting, huge entry counts) costs linear time and no
//! recursion.

use percent_encoding::percent_decode_str;
use pulldown_cmark::{Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

use crate::document::Format;
use crate::document::cuts;
use crate::document::sanitize::sanitize_line;

/// One entry as written in INDEX.md, before touching the file system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// The link text, sanitized; the link's file name when the text is empty.
    pub title: String,
    /// The link destination after percent-decoding (`my%20file.txt` becomes `my file.txt`).
    /// Not sanitized: it names a file. E-mail autolinks get a `mailto:` prefix.
    pub link: String,
    /// Text after the link in the same list item or table row, sanitized, with a leading
    /// separator (`—`, `–`, `-`, `:`) removed. Table cells are joined with ` — `.
    pub description: String,
    /// The headings above the entry (level 2 and deeper, and level-1 headings after the
    /// first), outermost first.
    pub group: Vec<String>,
    /// The language named in the description; see [`language_of`].
    pub language: Option<String>,
    /// 1-based line of the link in INDEX.md.
    pub line: usize,
    /// Where the link (`[title](target)`) is in the text parsed, in bytes: what `blatt
    /// index` edits in place. (Read in parts, bytes of the file, counted after invalid
    /// UTF-8 was replaced.)
    pub span: std::ops::Range<usize>,
}

/// Everything `parse_index` takes from an INDEX.md.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedIndex {
    /// The text of the first level-1 heading, sanitized.
    pub title: Option<String>,
    /// Entries in the order their links appear.
    pub entries: Vec<RawEntry>,
}

/// Where the text of the innermost list item or table row currently goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Before the item's first link: text is ignored.
    Before,
    /// Inside the first link: text is the title.
    Title,
    /// After the first link: text is the description.
    Description,
}

/// An open list item or table row.
#[derive(Debug)]
struct Frame {
    is_row: bool,
    phase: Phase,
    /// Index of the slot reserved in `slots` for this frame's entry, once it has a link.
    slot: usize,
    link: String,
    line: usize,
    span: std::ops::Range<usize>,
    title: String,
    /// Description parts: one per table cell, one in all for a list item.
    parts: Vec<String>,
}

impl Frame {
    fn new(is_row: bool) -> Self {
        Frame {
            is_row,
            phase: Phase::Before,
            slot: 0,
            link: String::new(),
            line: 0,
            span: 0..0,
            title: String::new(),
            parts: Vec::new(),
        }
    }

    fn push_text(&mut self, text: &str) {
        match self.phase {
            Phase::Before => {}
            Phase::Title => self.title.push_str(text),
            Phase::Description => match self.parts.last_mut() {
                Some(part) => part.push_str(text),
                None => self.parts.push(text.to_owned()),
            },
        }
    }

    fn finish(self, group: Vec<String>) -> RawEntry {
        let title = match sanitize_line(&self.title) {
            t if t.is_empty() => sanitize_line(file_name_of(&self.link)),
            t => t,
        };
        let joined = self
            .parts
            .iter()
            .map(|p| sanitize_line(p))
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" — ");
        let description = strip_separator(&joined).to_owned();
        let language = language_of(&description);
        RawEntry {
            title,
            link: self.link,
            description,
            group,
            language,
            line: self.line,
            span: self.span,
        }
    }
}

/// An open heading whose text is being collected.
struct OpenHeading {
    level: HeadingLevel,
    text: String,
}

/// What the event pass carries from one part of an INDEX.md to the next: the title, once
/// found, and the headings that group the entries that follow.
#[derive(Debug, Clone, Default)]
struct Carry {
    title: Option<String>,
    /// (level, sanitized text) of the headings that group what follows; at most six deep.
    headings: Vec<(HeadingLevel, String)>,
}

/// Parses INDEX.md text. Pure: no I/O, never panics, linear in the input.
pub fn parse_index(markdown: &str) -> ParsedIndex {
    let markdown = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    let mut carry = Carry::default();
    let (entries, _) = parse_part(markdown, 0, 0, &mut carry);
    ParsedIndex {
        title: carry.title,
        entries,
    }
}

/// The event pass over one part of an INDEX.md that starts at a line start, after
/// `lines_before` lines and `bytes_before` bytes. Returns the entries and whether the part's last top-level block is
/// a code or HTML block, which might have gone on past the part's end (see [`IndexParts`]).
fn parse_part(
    markdown: &str,
    lines_before: usize,
    bytes_before: usize,
    carry: &mut Carry,
) -> (Vec<RawEntry>, bool) {
    let lines = LineIndex::new(markdown);
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).into_offset_iter();

    let mut heading: Option<OpenHeading> = None;
    let mut frames: Vec<Frame> = Vec::new();
    // One slot per entry, reserved when its link starts so that entries keep link order
    // even though an outer item ends after the items nested in it.
    let mut slots: Vec<Option<RawEntry>> = Vec::new();
    let mut depth = 0usize;
    let mut open_ended = false;

    for (event, range) in parser {
        // A block's edges inside an entry separate its words, as a paragraph's end does in a
        // loose list: so an entry's text does not depend on whether its list is tight or
        // loose (a tight list has no paragraphs), which a part cut inside a list cannot
        // know (see [`IndexParts`]).
        if is_block_edge(&event)
            && let Some(frame) = frames.last_mut()
        {
            frame.push_text(" ");
        }
        match &event {
            Event::End(_) => depth = depth.saturating_sub(1),
            other => {
                if depth == 0 {
                    open_ended = matches!(other, Event::Start(Tag::CodeBlock(_) | Tag::HtmlBlock));
                }
                if matches!(other, Event::Start(_)) {
                    depth += 1;
                }
            }
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) if frames.is_empty() => {
                heading = Some(OpenHeading {
                    level,
                    text: String::new(),
                });
            }
            Event::End(TagEnd::Heading(_)) if frames.is_empty() => {
                if let Some(done) = heading.take() {
                    let text = sanitize_line(&done.text);
                    carry.headings.retain(|(l, _)| *l < done.level);
                    if done.level == HeadingLevel::H1 && carry.title.is_none() {
                        carry.title = Some(text);
                    } else {
                        carry.headings.push((done.level, text));
                    }
                }
            }
            Event::Start(Tag::Item) => frames.push(Frame::new(false)),
            Event::Start(Tag::TableHead | Tag::TableRow) => frames.push(Frame::new(true)),
            Event::End(TagEnd::Item | TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some(frame) = frames.pop()
                    && frame.phase != Phase::Before
                {
                    let slot = frame.slot;
                    let group = carry
                        .headings
                        .iter()
                        .filter(|(_, t)| !t.is_empty())
                        .map(|(_, t)| t.clone())
                        .collect();
                    if let Some(place) = slots.get_mut(slot) {
                        *place = Some(frame.finish(group));
                    }
                }
            }
            Event::End(TagEnd::TableCell) => {
                if let Some(frame) = frames.last_mut()
                    && frame.is_row
                    && frame.phase == Phase::Description
                {
                    frame.parts.push(String::new());
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => {
                if let Some(frame) = frames.last_mut()
                    && frame.phase == Phase::Before
                {
                    frame.phase = Phase::Title;
                    frame.slot = slots.len();
                    slots.push(None);
                    frame.line = lines_before + lines.line_of(range.start);
                    frame.span = bytes_before + range.start..bytes_before + range.end;
                    frame.link = if link_type == LinkType::Email {
                        format!(
                            "mailto:{}",
                            percent_decode_str(&dest_url).decode_utf8_lossy()
                        )
                    } else {
                        decoded_link(&dest_url)
                    };
                }
            }
            Event::End(TagEnd::Link) => {
                if let Some(frame) = frames.last_mut()
                    && frame.phase == Phase::Title
                {
                    frame.phase = Phase::Description;
                    // Start the description part in the link's own cell or item.
                    frame.parts.push(String::new());
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(frame) = frames.last_mut() {
                    frame.push_text(&text);
                } else if let Some(h) = heading.as_mut() {
                    h.text.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Paragraph) => {
                if let Some(frame) = frames.last_mut() {
                    frame.push_text(" ");
                } else if let Some(h) = heading.as_mut() {
                    h.text.push(' ');
                }
            }
            // Raw HTML (comments included) is never entry text; everything else carries no
            // text of its own.
            _ => {}
        }
    }

    (slots.into_iter().flatten().collect(), open_ended)
}

/// An INDEX.md parsed a part at a time, so that a reader can show the first entries of a
/// long index before the rest is parsed.
///
/// The parts give exactly the entries, lines, groups and title of [`parse_index`] over the
/// whole text. A part ends only where Markdown keeps nothing open across the cut: before a
/// line that follows a blank line and starts in the first column with something other than
/// a list marker (`-`, `+`, `*`, a digit) or a block quote (`>`). There, every container
/// (list, block quote) and every paragraph, table and indented code block has ended, so the
/// text after the cut parses as it would in the whole. Two things could still reach across:
/// a fenced code block or an HTML block (a comment, say) left open, which would swallow the
/// next line; so a part whose last top-level block is a code or HTML block is not cut there
/// (the blank-line scan of [`crate::document::cuts`], shared with the article loader,
/// already skips the blank lines of the fenced code blocks it can see). And link reference definitions, which apply to the whole document; an index that may
/// hold one (any `]:` in the text) is parsed in one part.
///
/// The text is kept as bytes and each part decoded as UTF-8 (invalid bytes replaced) when
/// it is parsed, which gives the same text as decoding the whole: a part ends after a line
/// break, which no UTF-8 sequence spans. So the first part need not wait for the whole
/// index to be decoded.
#[derive(Debug)]
pub struct IndexParts {
    text: Vec<u8>,
    /// Where the next part starts (a line start).
    pos: usize,
    /// Lines before `pos`.
    lines: usize,
    carry: Carry,
    /// Reference definitions may exist: no cuts.
    whole: bool,
    /// All of the index is in `text` (else only its start, see [`IndexParts::expecting_more`]).
    complete: bool,
}

impl IndexParts {
    /// Parts of `text`, an INDEX.md as read (UTF-8 expected, a byte order mark allowed).
    pub fn new(text: impl Into<Vec<u8>>) -> Self {
        let mut text = text.into();
        const BOM: &[u8] = "\u{feff}".as_bytes();
        if text.starts_with(BOM) {
            text.drain(..BOM.len());
        }
        let whole = memchr::memmem::find(&text, b"]:").is_some();
        IndexParts {
            text,
            pos: 0,
            lines: 0,
            carry: Carry::default(),
            whole,
            complete: true,
        }
    }

    /// Parts of an index of which `text` was only the start: a part is cut only where the
    /// text read shows it may be (a whole line after the cut), and none is parsed past the
    /// last line break until the rest comes ([`IndexParts::append`]).
    pub fn expecting_more(mut self) -> Self {
        self.complete = false;
        self
    }

    /// The rest of the index. True if parts cut so far may be wrong, as the rest holds
    /// what may be a link reference definition (`]:`, which applies to the whole index):
    /// the parts then start again from the top, as one part.
    pub fn append(&mut self, rest: &[u8]) -> bool {
        let seam = self.text.len().saturating_sub(1);
        self.text.extend_from_slice(rest);
        self.complete = true;
        if self.whole || memchr::memmem::find(&self.text[seam..], b"]:").is_none() {
            return false;
        }
        self.whole = true;
        self.pos = 0;
        self.lines = 0;
        self.carry = Carry::default();
        true
    }

    /// Gives up on the rest (it could not be read): done with what was read.
    pub fn give_up(&mut self) {
        self.complete = true;
        self.pos = self.text.len();
    }

    /// The index title, once a part has reached it.
    pub fn title(&self) -> Option<&str> {
        self.carry.title.as_deref()
    }

    /// Whether every part has been parsed.
    pub fn is_done(&self) -> bool {
        self.complete && self.pos >= self.text.len()
    }

    /// Bytes of the index read so far.
    pub fn read_len(&self) -> usize {
        self.text.len()
    }

    /// Bytes of the index not parsed yet.
    pub fn remaining(&self) -> usize {
        self.text.len() - self.pos
    }

    /// Parses the next part, at least `min_bytes` long (up to the next place it may be cut,
    /// or the end), and returns its entries. Empty once done.
    pub fn next_part(&mut self, min_bytes: usize) -> Vec<RawEntry> {
        self.next_part_within(min_bytes, usize::MAX)
            .unwrap_or_default()
    }

    /// Like [`next_part`](Self::next_part), but only if that part is at most `max_bytes`
    /// long; otherwise nothing is parsed and `None` comes back.
    pub fn next_part_within(
        &mut self,
        min_bytes: usize,
        max_bytes: usize,
    ) -> Option<Vec<RawEntry>> {
        let mut want = min_bytes.max(1);
        // What may be parsed: all, or up to the last line break read.
        let known = if self.complete {
            self.text.len()
        } else {
            memchr::memrchr2(b'\n', b'\r', &self.text).map_or(0, |i| i + 1)
        };
        loop {
            let end = if self.whole && self.complete {
                self.text.len()
            } else {
                next_cut(&self.text[..known], self.pos, self.pos.saturating_add(want))
            };
            // Not known yet where this part may end.
            let unknown = !self.complete && (self.whole || end >= known);
            if unknown || end - self.pos > max_bytes {
                return None;
            }
            let part = &self.text[self.pos..end];
            let mut carry = self.carry.clone();
            let (entries, open_ended) = parse_part(
                &String::from_utf8_lossy(part),
                self.lines,
                self.pos,
                &mut carry,
            );
            if open_ended && end < self.text.len() {
                // A code or HTML block may go on past the cut: try a longer part. Doubling
                // keeps the work linear however long the block is.
                want = want.saturating_mul(2);
                continue;
            }
            self.lines += line_ends(part);
            self.pos = end;
            self.carry = carry;
            return Some(entries);
        }
    }
}

/// The first place at or after `from` where a part starting at `start` may end (see
/// [`IndexParts`]), or the end of the text: after a blank line (outside a fenced code
/// block), before a line that may start a part.
fn next_cut(bytes: &[u8], start: usize, from: usize) -> usize {
    if from >= bytes.len() {
        return bytes.len();
    }
    let paragraph = cuts::after_blank_lines(&bytes[start..], Format::Markdown)
        .map(|cut| start + cut)
        .find(|&cut| cut >= from && may_start_part(&bytes[cut..cuts::line_end(bytes, cut).0]))
        .unwrap_or(bytes.len());
    // Inside a long list: before one of its items, if that comes first.
    next_bullet(&bytes[..paragraph], start, from).unwrap_or(paragraph)
}

/// Whether a line after a blank line may begin a part: it starts in the first column and
/// cannot continue a list or a block quote.
fn may_start_part(line: &[u8]) -> bool {
    match line.first() {
        None => false,
        Some(b) => !matches!(b, b' ' | b'\t' | b'-' | b'+' | b'*' | b'>' | b'0'..=b'9'),
    }
}

/// Whether `event` starts or ends a block that may sit inside a list item (or is a
/// thematic break): where an entry's text gets a space.
fn is_block_edge(event: &Event) -> bool {
    match event {
        Event::Start(tag) => matches!(
            tag,
            Tag::Paragraph
                | Tag::CodeBlock(_)
                | Tag::BlockQuote(_)
                | Tag::HtmlBlock
                | Tag::List(_)
                | Tag::Heading { .. }
                | Tag::Table(_)
        ),
        Event::End(tag) => matches!(
            tag,
            TagEnd::Paragraph
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::HtmlBlock
                | TagEnd::List(_)
                | TagEnd::Heading(_)
                | TagEnd::Table
        ),
        Event::Rule => true,
        _ => false,
    }
}

/// Whether a part may end before this line inside a list: it is a non-empty bullet item in
/// the first column (`- `, `* `, `+ ` and text), which ends any paragraph, item or block of
/// the item before it and cannot continue it, and is not a thematic break (`- - -`). What
/// could still reach across (a fence or an HTML block at the top level) is seen by the
/// part's parse ([`IndexParts::next_part_within`]).
fn bullet_item(line: &[u8]) -> bool {
    let [b'-' | b'*' | b'+', b' ' | b'\t', rest @ ..] = line else {
        return false;
    };
    let marker = line[0];
    let rest = rest.trim_ascii();
    let thematic = line.iter().all(|&b| b == marker || b == b' ' || b == b'\t')
        && line.iter().filter(|&&b| b == marker).count() >= 3;
    !rest.is_empty() && !thematic
}

/// The first line start at or after `from` (and after `start`) before a bullet item (see
/// [`bullet_item`]) or before the next item of an ordered list (see [`Lists`]), if any.
fn next_bullet(bytes: &[u8], start: usize, from: usize) -> Option<usize> {
    let from = from.max(start + 1);
    let mut lists = Lists::default();
    let mut at = start;
    while at < bytes.len() {
        let end = cuts::line_end(bytes, at).0;
        let line = &bytes[at..end];
        let sibling = lists.take(line);
        if at >= from && (bullet_item(line) || sibling) {
            return Some(at);
        }
        at = memchr::memchr(b'\n', &bytes[at..]).map(|i| at + i + 1)?;
    }
    None
}

/// What the lines of a part so far tell of the ordered list they are in, read line by line
/// from the part's start (where no block is open, or a bullet list goes on): an item of an
/// ordered list may end a part only as the next item of a list already begun (its number
/// then does not matter), never where it could go on with a paragraph (an ordered list that
/// does not start at 1 cannot interrupt one). Where a line leaves a doubt, the list is
/// taken as ended and a paragraph as open: a part then only ends later.
#[derive(Default)]
struct Lists {
    /// The delimiter (`.` or `)`) of the ordered list the lines are in, and the column its
    /// last item's text starts at (where the lines of that item are indented to).
    ordered: Option<(u8, usize)>,
    /// A paragraph outside the list may be open.
    paragraph: bool,
}

impl Lists {
    /// Takes in the next line; true if it is the next item of the ordered list begun.
    fn take(&mut self, line: &[u8]) -> bool {
        if line.trim_ascii().is_empty() {
            self.paragraph = false;
            return false;
        }
        let indent = columns(line);
        if indent > 0 {
            // The item's own text, or (less indented) what may end the list.
            if self.ordered.is_none_or(|(_, text)| indent < text) {
                self.ordered = None;
                self.paragraph = true;
            }
            return false;
        }
        if let Some((delimiter, number, text)) = ordered_item(line) {
            if self.ordered.is_some_and(|(d, _)| d == delimiter) {
                self.ordered = Some((delimiter, text));
                return true;
            }
            if self.paragraph && number != 1 {
                // The paragraph goes on.
                self.ordered = None;
                return false;
            }
            self.ordered = Some((delimiter, text));
            self.paragraph = false;
            return false;
        }
        self.ordered = None;
        self.paragraph =
            !(bullet_item(line) || line.starts_with(b"# ") || line.starts_with(b"## "));
        false
    }
}

/// The columns of white space a line starts with (a tab to the next multiple of 4).
fn columns(line: &[u8]) -> usize {
    let mut column = 0;
    for &b in line {
        match b {
            b' ' => column += 1,
            b'\t' => column = (column / 4 + 1) * 4,
            _ => break,
        }
    }
    column
}

/// An ordered list item in the first column with text (`12. text`, `3) text`): its
/// delimiter, its number and the column its text starts at.
fn ordered_item(line: &[u8]) -> Option<(u8, u32, usize)> {
    let digits = line.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=9).contains(&digits) {
        return None;
    }
    let number = std::str::from_utf8(&line[..digits]).ok()?.parse().ok()?;
    let [delimiter @ (b'.' | b')'), rest @ ..] = &line[digits..] else {
        return None;
    };
    let spaces = columns(rest);
    if spaces == 0 || rest.trim_ascii().is_empty() || rest.contains(&b'\t') {
        // No item, or one whose columns depend on tabs: left alone.
        return None;
    }
    // Five spaces or more: one belongs to the marker, the rest to indented code.
    let text = digits + 1 + if spaces > 4 { 1 } else { spaces };
    Some((*delimiter, number, text))
}

/// The number of line breaks in `bytes`, counted as [`LineIndex`] counts them.
fn line_ends(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// The language named in a description, if any.
///
/// The convention (as in the bundled `INDEX.md`) is `source, language — summary`: take the
/// text before the first ` — ` or ` – `, split it at commas, and use the last field if it
/// looks like a language tag: two or three lowercase letters, optionally a `-` and a 2–8
/// letter/digit subtag (`de`, `en-GB`, `de-CH`, `gsw`). So `EURACTIV, de — summary` names
/// `de`, and `EURACTIV — summary` names none. A description without a dash is one segment,
/// so `Tagesschau, de` also names `de`.
pub fn language_of(description: &str) -> Option<String> {
    let first = [" — ", " – "]
        .iter()
        .filter_map(|sep| description.find(sep))
        .min()
        .map_or(description, |at| &description[..at]);
    let candidate = first.rsplit(',').next()?.trim();
    is_language_tag(candidate).then(|| candidate.to_owned())
}

fn is_language_tag(s: &str) -> bool {
    let (primary, region) = match s.split_once('-') {
        Some((p, r)) => (p, Some(r)),
        None => (s, None),
    };
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    let region_ok = region
        .is_none_or(|r| (2..=8).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_alphanumeric()));
    primary_ok && region_ok
}

/// Removes whitespace and a leading run of separator characters (`—`, `–`, `-`, `:`).
fn strip_separator(text: &str) -> &str {
    text.trim_start()
        .trim_start_matches(['—', '–', '-', ':'])
        .trim()
}

/// A link destination percent-decoded, its path cut from its `#fragment` first: a `%23` in
/// the path is a `#` of the file's name, not the start of a fragment, so it stays escaped
/// (with `%` as `%25`) until the path is used ([`super::resolve::link_path`]).
fn decoded_link(dest: &str) -> String {
    let (path, fragment) = match dest.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (dest, None),
    };
    let path = percent_decode_str(path).decode_utf8_lossy();
    let mut link = super::resolve::escape_link_path(&path).into_owned();
    if let Some(fragment) = fragment {
        link.push('#');
        link.push_str(&percent_decode_str(fragment).decode_utf8_lossy());
    }
    link
}

/// The last path segment of a link, without a `#fragment`; the whole link if that is empty.
fn file_name_of(link: &str) -> &str {
    let path = link.split('#').next().unwrap_or(link);
    match path.rsplit('/').find(|s| !s.is_empty()) {
        Some(name) => name,
        None => link,
    }
}

/// Maps byte offsets to 1-based line numbers (LF, CRLF and lone CR end a line, as in
/// CommonMark).
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends_line {
                starts.push(i + 1);
            }
        }
        LineIndex { starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(md: &str) -> Vec<RawEntry> {
        parse_index(md).entries
    }

    fn titles(md: &str) -> Vec<String> {
        entries(md).into_iter().map(|e| e.title).collect()
    }

    fn one(md: &str) -> RawEntry {
        let mut all = entries(md);
        assert_eq!(all.len(), 1, "expected one entry in {md:?}, got {all:#?}");
        all.remove(0)
    }

    #[test]
    fn list_items_of_every_kind() {
        let md = "- [A](a.txt)\n\n* [B](b.txt)\n\n+ [C](c.txt)\n\n1. [D](d.txt)\n2) [E](e.txt)\n";
        assert_eq!(titles(md), ["A", "B", "C", "D", "E"]);
        let links: Vec<_> = entries(md).into_iter().map(|e| e.link).collect();
        assert_eq!(links, ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]);
    }

    #[test]
    fn nested_lists_keep_order_and_own_descriptions() {
        let md = "- [Outer](o.txt) — outer text\n  - [Inner](i.txt) — inner text\n    - [Deep](d.txt)\n- [Next](n.txt)\n";
        let all = entries(md);
        let got: Vec<_> = all
            .iter()
            .map(|e| (e.title.as_str(), e.description.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("Outer", "outer text"),
                ("Inner", "inner text"),
                ("Deep", ""),
                ("Next", "")
            ]
        );
    }

    #[test]
    fn table_rows() {
        let md = "| Article | Source | Summary |\n|---|---|---|\n| [A](a.txt) | EURACTIV, de | About A |\n| 2 | [B](b.txt) — x | About B |\n| no link | here | |\n";
        let all = entries(md);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].title, "A");
        assert_eq!(all[0].description, "EURACTIV, de — About A");
        assert_eq!(all[0].language.as_deref(), Some("de"));
        assert_eq!(all[0].line, 3);
        assert_eq!(all[1].title, "B");
        assert_eq!(all[1].description, "x — About B");
        assert_eq!(all[1].line, 4);
    }

    #[test]
    fn description_separators() {
        for sep in ["—", "–", "-", ":"] {
            let e = one(&format!("- [T](t.txt) {sep} the summary\n"));
            assert_eq!(e.description, "the summary", "separator {sep}");
        }
        assert_eq!(one("- [T](t.txt): tight\n").description, "tight");
        assert_eq!(
            one("- [T](t.txt) no separator\n").description,
            "no separator"
        );
        assert_eq!(one("- [T](t.txt)\n").description, "");
    }

    #[test]
    fn language_extraction() {
        let e = one("- [T](t.txt) — EURACTIV, de — Ein Satz, mit Komma, en.\n");
        assert_eq!(e.language.as_deref(), Some("de"));
        let e = one("- [T](t.txt) — NZZ, de-CH — Text\n");
        assert_eq!(e.language.as_deref(), Some("de-CH"));
        assert_eq!(one("- [T](t.txt) — EURACTIV — Text\n").language, None);
        assert_eq!(
            one("- [T](t.txt) — EURACTIV, German — Text\n").language,
            None
        );
        assert_eq!(
            one("- [T](t.txt) – Le Monde, fr – Texte\n")
                .language
                .as_deref(),
            Some("fr")
        );
        assert_eq!(one("- [T](t.txt)\n").language, None);
        assert_eq!(language_of("BBC, en-GB"), Some("en-GB".into()));
        assert_eq!(language_of("X, DE"), None);
        assert_eq!(language_of("X, de-"), None);
        assert_eq!(language_of("X, de-toolongtag"), None);
    }

    #[test]
    fn percent_encoded_and_angle_bracket_destinations() {
        assert_eq!(one("- [T](my%20file.txt)\n").link, "my file.txt");
        assert_eq!(
            one("- [T](<my other file.txt>)\n").link,
            "my other file.txt"
        );
        assert_eq!(one("- [T](%C3%BCber.txt)\n").link, "über.txt");
        // Invalid UTF-8 after decoding does not panic.
        assert_eq!(one("- [T](%FF.txt)\n").link, "\u{FFFD}.txt");
    }

    #[test]
    fn reference_style_links() {
        let md = "- [Full][one] — a\n- [Collapsed][] — b\n- [Shortcut] — c\n- [Unknown][nowhere]\n\n[one]: one.txt\n[collapsed]: two.txt\n[shortcut]: <three file.txt>\n";
        let all = entries(md);
        let got: Vec<_> = all
            .iter()
            .map(|e| (e.title.as_str(), e.link.as_str(), e.line))
            .collect();
        assert_eq!(
            got,
            [
                ("Full", "one.txt", 1),
                ("Collapsed", "two.txt", 2),
                ("Shortcut", "three file.txt", 3)
            ]
        );
    }

    #[test]
    fn html_comments_are_ignored() {
        let md = "<!-- - [x](x.txt) -->\n\n<!--\n- [y](y.txt)\n\n- [z](z.txt)\n-->\n\n- [Real](r.txt) <!-- [w](w.txt) --> after\n";
        let e = one(md);
        assert_eq!(e.title, "Real");
        assert_eq!(e.description, "after");
    }

    #[test]
    fn only_links_in_items_and_rows_count() {
        let md = "A paragraph with [a link](p.txt).\n\n- an item without a link\n- ![an image](pic.png)\n- [Entry](e.txt)\n";
        assert_eq!(titles(md), ["Entry"]);
    }

    #[test]
    fn several_links_in_one_item() {
        let e = one("- [First](1.txt) — see also [Second](2.txt) and <https://x.org>\n");
        assert_eq!(e.link, "1.txt");
        assert_eq!(e.description, "see also Second and https://x.org");
    }

    #[test]
    fn empty_link_text_falls_back_to_file_name() {
        assert_eq!(one("- [](notes/some%20file.txt)\n").title, "some file.txt");
        assert_eq!(one("- [ ](dir/x.txt#part)\n").title, "x.txt");
        let e = one("- [Nothing]()\n");
        assert_eq!((e.title.as_str(), e.link.as_str()), ("Nothing", ""));
    }

    #[test]
    fn autolinks_are_entries() {
        let md = "- <https://example.org/a>\n- <someone@example.org>\n";
        let links: Vec<_> = entries(md).into_iter().map(|e| e.link).collect();
        assert_eq!(
            links,
            ["https://example.org/a", "mailto:someone@example.org"]
        );
    }

    #[test]
    fn headings_group_entries() {
        let md = "\
# The Index
- [Top](t.txt)
## Europe
- [E1](e1.txt)
### Digital
- [D1](d1.txt)
### Energy
- [N1](n1.txt)
## Asia
- [A1](a1.txt)
# Part Two
- [P1](p1.txt)
## Sub
- [S1](s1.txt)
";
        let parsed = parse_index(md);
        assert_eq!(parsed.title.as_deref(), Some("The Index"));
        let got: Vec<_> = parsed
            .entries
            .iter()
            .map(|e| (e.title.as_str(), e.group.join("/")))
            .collect();
        assert_eq!(
            got,
            [
                ("Top", String::new()),
                ("E1", "Europe".into()),
                ("D1", "Europe/Digital".into()),
                ("N1", "Europe/Energy".into()),
                ("A1", "Asia".into()),
                ("P1", "Part Two".into()),
                ("S1", "Part Two/Sub".into()),
            ]
        );
    }

    #[test]
    fn escape_sequences_and_bidi_are_removed() {
        // Assertions hold for any sanitizer that removes controls and bidi characters,
        // whether or not it also removes the parameters of an escape sequence.
        let md = "# Ti\u{1b}[2Jtle\u{202E}\n## Gr\u{7}oup\n- [Evil\u{9b}1m \u{2066}Title\u{1b}\u{202C}](e.txt) — de\u{0}sc\n";
        let parsed = parse_index(md);
        let clean = |s: &str| {
            !s.chars().any(|c| {
                c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
            })
        };
        let title = parsed.title.unwrap_or_default();
        assert!(
            clean(&title) && title.starts_with("Ti") && title.ends_with("tle"),
            "{title:?}"
        );
        let e = &parsed.entries[0];
        assert_eq!(e.group, ["Group"]);
        assert!(
            clean(&e.title) && e.title.starts_with("Evil") && e.title.ends_with("Title"),
            "{:?}",
            e.title
        );
        assert_eq!(e.description, "desc");
    }

    #[test]
    fn line_numbers() {
        let md = "# T\r\n\r\n- [A](a.txt)\r\n- [B](b.txt)\n\n\n  1. x [C](c.txt)\n";
        let lines: Vec<_> = entries(md).into_iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 4, 7]);
    }

    #[test]
    fn empty_and_prose_only_indexes() {
        assert_eq!(parse_index(""), ParsedIndex::default());
        let prose = parse_index("# Notes\n\nJust some words, and a [link](x.txt) in prose.\n");
        assert_eq!(prose.title.as_deref(), Some("Notes"));
        assert!(prose.entries.is_empty());
    }

    #[test]
    fn the_bundled_index() {
        let parsed = parse_index(include_str!("../../seeds/INDEX.md"));
        assert_eq!(parsed.title.as_deref(), Some("blatt — bundled library"));
        assert_eq!(parsed.entries.len(), 1);
        let e = &parsed.entries[0];
        assert_eq!(
            e.title,
            "Kommission kritisiert Zoom, nutzt die Plattform aber weiter"
        );
        assert_eq!(e.link, "000_886ae8deff7ee228.txt");
        assert_eq!(e.group, ["Europa und Digitales"]);
        assert_eq!(e.language.as_deref(), Some("de"));
        assert!(
            e.description
                .starts_with("EURACTIV, de — Die EU-Kommission")
        );
        assert_eq!(e.line, 8);
    }

    #[test]
    fn hostile_nesting_and_size() {
        let deep = format!("{}[x](x.txt)\n", "- ".repeat(50_000));
        let parsed = parse_index(&deep);
        assert_eq!(parsed.entries.len(), 1);
        let quotes = format!("{}- [q](q.txt)\n", "> ".repeat(50_000));
        assert_eq!(parse_index(&quotes).entries.len(), 1);
        let many: String = (0..100_000)
            .map(|i| format!("- [{i}]({i}.txt)\n"))
            .collect();
        let parsed = parse_index(&many);
        assert_eq!(parsed.entries.len(), 100_000);
        assert_eq!(parsed.entries[99_999].line, 100_000);
    }

    /// Parses `md` in parts of at least `step` bytes; returns the result and the part count.
    fn in_parts(md: &str, step: usize) -> (ParsedIndex, usize) {
        let mut parts = IndexParts::new(md.to_owned());
        let mut entries = Vec::new();
        let mut count = 0;
        while !parts.is_done() {
            entries.extend(parts.next_part(step));
            count += 1;
        }
        assert_eq!(parts.remaining(), 0);
        let title = parts.title().map(str::to_owned);
        (ParsedIndex { title, entries }, count)
    }

    #[test]
    fn parts_cut_before_headings_and_paragraphs() {
        let md = "\u{feff}# Title\n\nIntro.\n\n## One\n\n- [A](a.txt) — x, de — y\n- [B](b.txt)\n\n## Two\n\n### Deep\n\n- [C](c.txt)\n\nSome prose.\n\n- [D](d.txt)\n";
        let (parsed, count) = in_parts(md, 1);
        assert_eq!(parsed, parse_index(md));
        assert_eq!(
            count, 10,
            "a part before each heading and paragraph after a blank line, and before each \
             bullet item"
        );
        assert_eq!(parsed.entries[2].group, ["Two", "Deep"]);
        assert_eq!(parsed.entries[3].line, 18);
    }

    #[test]
    fn parts_cut_inside_a_list_only_before_bullet_items() {
        // Before `- [B]` and `* [D]`; not inside B (indented), before `1.` (an ordered
        // item not starting at 1 would continue a paragraph) or before a quote.
        let md = "- [A](a.txt)\n\n- [B](b.txt)\n\n  more about B\n\n      code in B\n\n1. [C](c.txt)\n\n> [q](q.txt)\n\n* [D](d.txt)\n";
        let (parsed, count) = in_parts(md, 1);
        assert_eq!(parsed, parse_index(md));
        assert_eq!(count, 3);
        // An ordered list: before each of its items after the first.
        let md = "1. [A](a.txt) x\n2. [B](b.txt)\n\n   more about B\n3) [C](c.txt)\n4) [D](d.txt) y\n10. [E](e.txt)\n";
        let (parsed, count) = in_parts(md, 1);
        assert_eq!(parsed, parse_index(md));
        assert_eq!(parsed.entries.len(), 5);
        assert_eq!(
            count, 3,
            "cut before 2. and 4), not where the delimiter changes"
        );
        // After a bullet item or a paragraph, `2.` goes on with the text before it.
        for md in [
            "- [A](a.txt) x\n2. [B](b.txt)\n",
            "1. [A](a.txt)\n\nProse\n2. [B](b.txt)\n",
        ] {
            let (parsed, _) = in_parts(md, 1);
            assert_eq!(parsed, parse_index(md), "{md:?}");
        }
        // A number that cannot start a list continues the item's paragraph; a thematic
        // break is no item.
        let md = "- [A](a.txt) x\n2023. was a year\n- - -\n- [B](b.txt)\n";
        let (parsed, count) = in_parts(md, 1);
        assert_eq!(parsed, parse_index(md));
        assert_eq!(parsed.entries.len(), 2);
        assert!(count >= 2);
    }

    #[test]
    fn a_cut_inside_a_loose_list_gives_the_entries_of_the_whole() {
        // A blank line between later items makes the whole list loose (its item paragraphs
        // end); the first items alone are a tight list (no paragraphs). The entries are the
        // same either way: a block's edges separate the words of an entry.
        for md in [
            "- [A](a.txt) x\n  ```\n  code\n  ```\n\n- [B](b.txt)\n",
            "- [A](a.txt) x\n  ```\n  code\n  ```\n- [B](b.txt)\n\n- [C](c.txt)\n",
            "- [A](a.txt) x\n  > quoted\n- [B](b.txt) y\n  - [B1](b1.txt)\n  after\n\n- [C](c.txt)\n",
        ] {
            let whole = parse_index(md);
            assert_eq!(
                whole.entries[0].description,
                "x code".replace("code", if md.contains('>') { "quoted" } else { "code" })
            );
            let (parsed, count) = in_parts(md, 1);
            assert_eq!(parsed, whole, "{md:?}");
            assert!(count > 1, "{md:?}");
        }
    }

    #[test]
    fn words_of_an_entry_are_not_glued_across_a_block_in_a_tight_list() {
        let parsed = parse_index("- [A](a.txt) x\n  ```\n  code\n  ```\n- [B](b.txt)\n");
        assert_eq!(parsed.entries[0].description, "x code");
    }

    #[test]
    fn parts_do_not_cut_open_code_or_html() {
        let md = "# T\n\n```\n\n# not a heading\n\n- [no](no.txt)\n```\n\n## Real\n\n- [A](a.txt)\n\n<!--\n\n## hidden\n\n- [no](no.txt)\n\n-->\n\n## After\n\n- [B](b.txt)\n\n~~~\n\nstill code at the end\n";
        let whole = parse_index(md);
        assert_eq!(whole.entries.len(), 2);
        for step in 1..md.len() {
            assert_eq!(
                in_parts(md, step).0,
                whole,
                "parts of at least {step} bytes"
            );
        }
    }

    #[test]
    fn parts_decode_as_the_whole_does() {
        let md: &[u8] = b"\xEF\xBB\xBF# T\xFF\xC3\n\nText \xE2\x82\n\n## G\xF0\x9F\n\n- [A\xC3\xA4](a\xFF.txt) \xE2\n\nMore\n";
        let whole = parse_index(&String::from_utf8_lossy(md));
        let mut parts = IndexParts::new(md);
        let mut entries = Vec::new();
        let mut count = 0;
        while !parts.is_done() {
            entries.extend(parts.next_part(1));
            count += 1;
        }
        assert_eq!(count, 5);
        assert_eq!(parts.title(), whole.title.as_deref());
        // Spans count bytes of the file, which lossy decoding changes: all else is equal.
        let unspanned = |entries: &[RawEntry]| -> Vec<RawEntry> {
            entries
                .iter()
                .map(|e| RawEntry {
                    span: 0..0,
                    ..e.clone()
                })
                .collect()
        };
        assert_eq!(unspanned(&entries), unspanned(&whole.entries));
        assert_eq!(entries[0].title, "A\u{e4}");
        assert_eq!(entries[0].group, ["G\u{FFFD}"]);
    }

    #[test]
    fn a_part_longer_than_allowed_is_not_parsed() {
        // Parts: the title with the two ordered lists (34 bytes: no cut before `1.`, nor
        // before `1)`, which starts another list), the heading, the bullet list.
        let md = "# T\n\n1. [A](a.txt)\n1) [B](b.txt)\n\n## G\n\n- [C](c.txt)\n";
        let mut parts = IndexParts::new(md.to_owned());
        assert_eq!(parts.next_part_within(1, 33), None);
        assert_eq!(parts.remaining(), md.len());
        assert_eq!(parts.next_part_within(1, 34).map(|e| e.len()), Some(2));
        assert_eq!(parts.next_part_within(1, 100).map(|e| e.len()), Some(0));
        assert_eq!(parts.next_part_within(1, 100).map(|e| e.len()), Some(1));
        assert!(parts.is_done());
    }

    #[test]
    fn reference_definitions_keep_the_index_whole() {
        let md = "## A\n\n- [Full][one]\n\n## B\n\n- [x](x.txt)\n\n[one]: one.txt\n";
        let (parsed, count) = in_parts(md, 1);
        assert_eq!(parsed, parse_index(md));
        assert_eq!(parsed.entries[0].link, "one.txt");
        assert_eq!(count, 1);
    }

    #[test]
    fn parts_count_crlf_and_cr_lines() {
        let md = "# T\r\n\r\n- [A](a.txt)\r\n\r\nText\r\r- [B](b.txt)\r\rMore\n\n- [C](c.txt)\n";
        let (parsed, count) = in_parts(md, 1);
        assert_eq!(parsed, parse_index(md));
        assert!(count > 1);
        let lines: Vec<_> = parsed.entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 7, 11]);
    }

    #[test]
    fn a_generated_index_comes_in_many_parts() {
        let mut md = String::from("# Big\n\n");
        for i in 0..2_000 {
            if i % 50 == 0 {
                md.push_str(&format!("\n## Group {}\n\n", i / 50));
            }
            md.push_str(&format!(
                "- [Article {i}](a/{i}.txt) — Source, de — words\n"
            ));
        }
        let (parsed, count) = in_parts(&md, 4096);
        assert_eq!(parsed, parse_index(&md));
        assert!(count > 10, "{count} parts");
    }

    proptest::proptest! {
        /// Cut anywhere the rules allow, the parts give what the whole gives.
        #[test]
        fn parts_equal_the_whole(
            lines in proptest::collection::vec(proptest::sample::select(vec![
                "", "", "", "# Title", "## Group", "### Sub", "Para text", "- [A](a.txt) — de — d",
                "* [B](b%20c.txt)", "1. [C](c.txt): x", "  - [D](d.txt)", "  continued",
                "    indented", "> [Q](q.txt)", "```", "~~~", "<!--", "-->", "<div>", "</div>",
                "| [T](t.txt) | de |", "|---|---|", "Setext", "===", "---", "- ", "- [R][ref]",
                "\t- [E](e.txt)", "<pre>", "</pre>", "<script>", "</script>", "<?x", "?>",
                "<![CDATA[", "]]>", "<!X", ">", "#tag", "#", "    - [F](f.txt)", "[G](g.txt)",
                "Term — [H](h.txt)", "  ```", "   <!--", "+ [I](i.txt)",
                "2. [N](n.txt)", "3) [O](o.txt)", "1) [P](p.txt)", "2023. x", "- - -", "* * *", "-\tx", "  > q", "  ---",
                "- [A](a.txt) x", "  - [D](d.txt) y", "  after", "    code",
            ]), 0..60),
            crlf in proptest::bool::ANY,
            step in 1usize..80,
        ) {
            let md = lines.join(if crlf { "\r\n" } else { "\n" });
            proptest::prop_assert_eq!(in_parts(&md, step).0, parse_index(&md));
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_index(&s);
        }

        #[test]
        fn never_panics_on_markdownish(s in "([-*+>|#\\[\\]()<>!:`\n \t]|[a-z]|%[0-9A-F]{0,2}|<!--|-->|\u{202E}|\u{1b}){0,200}") {
            let parsed = parse_index(&s);
            for e in parsed.entries {
                proptest::prop_assert!(e.line >= 1);
                proptest::prop_assert!(!e.title.contains('\x1b'), "escape left in {:?}", e.title);
            }
        }
    }
}
