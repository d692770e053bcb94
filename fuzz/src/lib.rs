//! The invariants the fuzz targets check, as plain functions that panic with a message when
//! one breaks.
//!
//! The same file is compiled into the main package's `tests/fuzz_regressions.rs` (through
//! `#[path]`), so every input the fuzzers found is re-checked by a plain `cargo test` with
//! exactly the assertions that caught it. It depends on nothing but `blatt` and
//! `unicode-segmentation`, which the main package has too.

use blatt::document::{self, BlockKind, Document, decode, sanitize};
use blatt::layout::{Layout, LinePos, WrapOptions, text_width};
use blatt::library::parse_index;
use unicode_segmentation::UnicodeSegmentation;

/// Bidi embeddings, overrides, isolates and marks: what Trojan Source needs.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Anything a terminal would act on instead of print, in multi-line text: ESC, C0 other
/// than `'\n'`, DEL, C1, bidi controls.
fn forbidden_in_text(c: char) -> bool {
    (c.is_control() && c != '\n') || is_bidi_control(c)
}

/// In one-line fields not even `'\n'` may appear.
fn forbidden_in_line(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

fn assert_clean(what: &str, text: &str, forbidden: fn(char) -> bool) {
    if let Some((at, c)) = text.char_indices().find(|&(_, c)| forbidden(c)) {
        panic!("{what} has {c:?} at byte {at}: {text:?}");
    }
}

/// INDEX.md: arbitrary bytes, read lossily as UTF-8, parse without panicking, and every
/// string shown on screen is one clean line.
pub fn check_index(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let parsed = parse_index(&text);
    if let Some(title) = &parsed.title {
        assert_clean("index title", title, forbidden_in_line);
    }
    // Lines end at LF, CRLF or a lone CR, as in CommonMark.
    let line_count =
        1 + text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    for entry in &parsed.entries {
        assert_clean("entry title", &entry.title, forbidden_in_line);
        assert_clean("entry description", &entry.description, forbidden_in_line);
        for group in &entry.group {
            assert_clean("entry group", group, forbidden_in_line);
        }
        if let Some(lang) = &entry.language {
            assert_clean("entry language", lang, forbidden_in_line);
        }
        assert!(
            (1..=line_count).contains(&entry.line),
            "entry line {} outside 1..={line_count}",
            entry.line
        );
    }
}

/// Sanitizing: the output is clean, has no tabs or CRs left, and sanitizing again changes
/// nothing.
pub fn check_sanitize(text: &str) {
    let clean = sanitize::sanitize(text);
    assert_clean("sanitized text", &clean, forbidden_in_text);
    let again = sanitize::sanitize(&clean);
    assert!(
        again == clean,
        "sanitize is not idempotent: {clean:?} -> {again:?}"
    );
}

/// The document model: clean text everywhere, spans inside their block, positions adding
/// up, and sections covering all blocks in order.
pub fn check_document_model(doc: &Document) {
    assert_clean("document title", &doc.title, forbidden_in_text);
    let mut total = 0u64;
    for (i, block) in doc.blocks().enumerate() {
        assert_clean(&format!("block {i} text"), block.text, forbidden_in_text);
        if let BlockKind::ListItem { .. } = block.kind {
            assert_clean(
                &format!("block {i} marker"),
                block.marker,
                forbidden_in_line,
            );
        }
        for span in block.spans {
            assert!(
                span.range().start <= span.range().end && block.text.get(span.range()).is_some(),
                "block {i}: span {:?} is not a char range of {:?}",
                span.range(),
                block.text
            );
        }
        assert_eq!(block.pos, total, "block {i}: pos");
        total += block.text.len() as u64 + 1;
    }
    assert_eq!(doc.total, total, "document total");

    let mut next = 0;
    for (s, section) in doc.sections.iter().enumerate() {
        assert_eq!(
            section.blocks.start,
            next,
            "section {s} does not start where {} ended",
            s.wrapping_sub(1)
        );
        assert!(
            section.blocks.start <= section.blocks.end,
            "section {s}: {:?}",
            section.blocks
        );
        if let Some(title) = &section.title {
            assert_clean(&format!("section {s} title"), title, forbidden_in_text);
            let first = doc.get(section.blocks.start);
            assert!(
                first.is_some_and(|b| b.is_heading() && b.text == title),
                "section {s} ({title:?}) does not start with its heading"
            );
            assert_eq!(section.path.last(), Some(title), "section {s}: path");
        }
        for part in &section.path {
            assert_clean(&format!("section {s} path"), part, forbidden_in_text);
        }
        next = section.blocks.end;
    }
    assert_eq!(
        next,
        doc.block_count(),
        "sections do not reach the last block"
    );
    assert!(!doc.sections.is_empty(), "no sections at all");
}

/// The whole way in, both formats.
pub fn check_document(bytes: &[u8]) {
    if let Ok(decoded) = decode::decode(bytes) {
        check_sanitize(&decoded.text);
    }
    for name in ["x.txt", "x.md"] {
        if let Ok(doc) = document::load(bytes, name, "fallback \u{1b}]0;t\u{7}title", None) {
            check_document_model(&doc);
        }
    }
}

/// Layout at one width: every line fits (unless it is one grapheme wider than the column),
/// every line is a char range of its block in order, nothing but whitespace is lost,
/// `line_at(content_at(pos))` finds the line again, and stepping with `next`/`prev` visits
/// exactly the lines `all_lines` lists.
pub fn check_layout(bytes: &[u8], markdown: bool, language: Option<&str>, options: WrapOptions) {
    let name = if markdown { "x.md" } else { "x.txt" };
    let Ok(doc) = document::load(bytes, name, "fallback", language) else {
        return;
    };
    let width = options.width;
    let mut layout = Layout::new(&doc, options);
    let all = layout.all_lines(&doc);

    for (b, block) in doc.blocks().enumerate() {
        let lines = layout.lines(b).unwrap_or_default().to_vec();
        let mut prev_end = 0;
        let mut shown = String::new();
        for (l, line) in lines.iter().enumerate() {
            if line.is_gap() {
                continue;
            }
            let (start, end) = (line.start as usize, line.end as usize);
            let Some(content) = block.text.get(start..end) else {
                panic!(
                    "block {b} line {l}: {start}..{end} is not a char range of {:?}",
                    block.text
                );
            };
            assert!(
                start >= prev_end,
                "block {b} line {l}: starts at {start} before {prev_end}"
            );
            prev_end = end;
            shown.push_str(content);

            let pos = LinePos { block: b, line: l };
            let plain = layout.plain_text(&doc, pos);
            let w = text_width(&plain);
            if w > width {
                // A table row's lines draw its cells' pieces (and labels), not their range
                // of the row text, which runs on to the next line's start.
                let drawn = if matches!(block.kind, BlockKind::TableRow { .. }) {
                    plain.as_str()
                } else {
                    content
                };
                let single = drawn.trim().graphemes(true).count() == 1;
                assert!(
                    single,
                    "block {b} line {l} is {w} cells wide at width {width}: {plain:?} (block {:?})",
                    block.text
                );
            }

            let (cb, offset) = layout.content_at(pos);
            let back = layout.line_at(&doc, cb, offset);
            assert_eq!(back, Some(pos), "line_at(content_at({pos:?})) = {back:?}");
        }
        if *block.kind != BlockKind::Rule {
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(
                squeeze(&shown),
                squeeze(block.text),
                "block {b}: text lost in layout"
            );
        }
    }

    let mut stepped = Vec::with_capacity(all.len());
    let mut pos = layout.first(&doc);
    while let Some(p) = pos {
        stepped.push(p);
        assert!(stepped.len() <= all.len(), "next() runs past the last line");
        pos = layout.next(&doc, p);
    }
    assert_eq!(stepped, all, "next() from first() differs from all_lines()");
    let mut back = Vec::with_capacity(all.len());
    let mut pos = layout.last(&doc);
    while let Some(p) = pos {
        back.push(p);
        assert!(back.len() <= all.len(), "prev() runs past the first line");
        pos = layout.prev(&doc, p);
    }
    back.reverse();
    assert_eq!(back, all, "prev() from last() differs from all_lines()");
}
