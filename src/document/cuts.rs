//! Where text may be cut into parts that parse on their own: after a blank line, outside a
//! fenced code block and outside an HTML block that a blank line does not end (`<pre>`,
//! `<script>`, `<style>`, `<textarea>`, comments, `<?…?>`, `<!X…>`, `<![CDATA[…]]>`: the
//! CommonMark HTML block kinds 1 to 5, which run to their end marker). Cut inside one, the
//! part after would read its rest as Markdown: a script's or comment's text shown, a
//! `<pre>`'s lines re-flowed. The article loader ([`super::stream`]) cuts its pieces there and the
//! library index ([`crate::library::index`]) its parts, each adding its own conditions (the
//! index also needs the next line to end every list and quote).
//!
//! What counts as blank is what the parser of the format takes as blank: spaces and tabs in
//! Markdown (CommonMark), any whitespace in plain text (as [`super::plain`] splits
//! paragraphs). Lines end at LF, CRLF or a lone CR, as in CommonMark.

use super::Format;

/// The places in `text` right after a blank line (one that ends with a line break), in
/// order: each the start of the line that follows. In Markdown, blank lines inside a fenced
/// code block are skipped. `text` starts at a line start, outside any block.
pub(crate) fn after_blank_lines(text: &[u8], format: Format) -> AfterBlankLines<'_> {
    AfterBlankLines {
        text,
        pos: 0,
        format,
        fence: None,
        html_end: None,
    }
}

/// See [`after_blank_lines`].
pub(crate) struct AfterBlankLines<'a> {
    text: &'a [u8],
    /// The start of the next line to look at.
    pos: usize,
    format: Format,
    /// The fence of an open fenced code block: its character and length.
    fence: Option<(u8, usize)>,
    /// The end marker of an open HTML block of kind 1 to 5.
    html_end: Option<&'static [u8]>,
}

impl Iterator for AfterBlankLines<'_> {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        while self.pos < self.text.len() {
            let (end, next) = line_end(self.text, self.pos);
            let line = &self.text[self.pos..end];
            self.pos = next;
            if let Some(open) = self.fence {
                if closes(line, open) {
                    self.fence = None;
                }
            } else if let Some(marker) = self.html_end {
                if contains_ignoring_case(line, marker) {
                    self.html_end = None;
                }
            } else if self.format == Format::Markdown
                && let Some(open) = fence(line)
            {
                self.fence = Some(open);
            } else if self.format == Format::Markdown
                && let Some(marker) = html_block_end(line)
            {
                // The end may be on the opening line itself.
                let after = trim_start(line).get(1..).unwrap_or_default();
                if !contains_ignoring_case(after, marker) {
                    self.html_end = Some(marker);
                }
            } else if next > end && is_blank(line, self.format) {
                return Some(next);
            }
        }
        None
    }
}

/// The end of the line starting at `start` (before its line break) and the start of the
/// next line.
pub(crate) fn line_end(bytes: &[u8], start: usize) -> (usize, usize) {
    let rest = bytes.get(start..).unwrap_or_default();
    match memchr::memchr2(b'\n', b'\r', rest) {
        None => (bytes.len(), bytes.len()),
        Some(i) => {
            let end = start + i;
            let crlf = bytes[end] == b'\r' && bytes.get(end + 1) == Some(&b'\n');
            (end, end + 1 + usize::from(crlf))
        }
    }
}

/// Whether `line` (without its line break) is blank in `format`.
pub(crate) fn is_blank(line: &[u8], format: Format) -> bool {
    line.iter().all(|&b| b == b' ' || b == b'\t')
        || (format == Format::Plain && std::str::from_utf8(line).is_ok_and(|l| l.trim().is_empty()))
}

/// A line that opens a code fence: its character and length. As CommonMark has it, but for
/// the indentation, which lists may add to.
pub(crate) fn fence(line: &[u8]) -> Option<(u8, usize)> {
    let trimmed = trim_start(line);
    let c = trimmed
        .first()
        .copied()
        .filter(|c| matches!(c, b'`' | b'~'))?;
    let len = trimmed.iter().take_while(|&&x| x == c).count();
    // An info string after backticks holds no backtick (else it is inline code).
    let info_ok = c == b'~' || !trimmed[len..].contains(&b'`');
    (len >= 3 && info_ok).then_some((c, len))
}

/// Whether `line` closes a fence opened with `c` × `len`.
pub(crate) fn closes(line: &[u8], (c, len): (u8, usize)) -> bool {
    let trimmed = trim_start(line);
    let run = trimmed.iter().take_while(|&&x| x == c).count();
    run >= len && trimmed[run..].iter().all(u8::is_ascii_whitespace)
}

/// A line that opens an HTML block of CommonMark kind 1 to 5: the marker that ends it.
/// As with fences, indentation (which lists may add) is not counted.
pub(crate) fn html_block_end(line: &[u8]) -> Option<&'static [u8]> {
    let line = trim_start(line);
    let rest = line.strip_prefix(b"<")?;
    for (tag, end) in [
        (&b"pre"[..], &b"</pre>"[..]),
        (b"script", b"</script>"),
        (b"style", b"</style>"),
        (b"textarea", b"</textarea>"),
    ] {
        if rest.len() >= tag.len()
            && rest[..tag.len()].eq_ignore_ascii_case(tag)
            && rest
                .get(tag.len())
                .is_none_or(|&c| c == b'>' || c == b' ' || c == b'\t')
        {
            return Some(end);
        }
    }
    if rest.starts_with(b"!--") {
        Some(b"-->")
    } else if rest.starts_with(b"?") {
        Some(b"?>")
    } else if rest.starts_with(b"![CDATA[") {
        Some(b"]]>")
    } else if rest
        .strip_prefix(b"!")
        .and_then(|r| r.first())
        .is_some_and(u8::is_ascii_alphabetic)
    {
        Some(b">")
    } else {
        None
    }
}

fn contains_ignoring_case(line: &[u8], needle: &[u8]) -> bool {
    line.windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle))
}

fn trim_start(line: &[u8]) -> &[u8] {
    let indent = line
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    &line[indent..]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cuts(text: &str, format: Format) -> Vec<usize> {
        after_blank_lines(text.as_bytes(), format).collect()
    }

    #[test]
    fn after_each_blank_line() {
        let text = "a\n\nb\n  \t\nc\n\n\nd";
        assert_eq!(cuts(text, Format::Plain), [3, 9, 12, 13]);
        assert_eq!(cuts(text, Format::Markdown), [3, 9, 12, 13]);
        // The last line has no break yet: more may follow on it.
        assert_eq!(cuts("a\n\n  ", Format::Plain), [3]);
        assert_eq!(cuts("", Format::Plain), Vec::<usize>::new());
        assert_eq!(cuts("\n", Format::Plain), [1]);
    }

    #[test]
    fn crlf_and_lone_cr_end_lines() {
        assert_eq!(cuts("a\r\n\r\nb\r\rc", Format::Markdown), [5, 8]);
        assert_eq!(line_end(b"ab\r\ncd", 0), (2, 4));
        assert_eq!(line_end(b"ab\rcd", 0), (2, 3));
        assert_eq!(line_end(b"ab", 0), (2, 2));
        assert_eq!(line_end(b"ab\n", 3), (3, 3));
    }

    #[test]
    fn other_whitespace_is_blank_in_plain_text_only() {
        let text = "a\n\u{a0}\u{3000}\nb\n";
        assert_eq!(cuts(text, Format::Plain), [8]);
        assert_eq!(cuts(text, Format::Markdown), Vec::<usize>::new());
    }

    #[test]
    fn not_inside_a_fenced_code_block() {
        let md = "a\n\n```rust\nx\n\ny\n```\n\nb\n\n~~~~\n\n~~~\n\n~~~~\n\nc";
        assert_eq!(cuts(md, Format::Markdown), [3, 21, 24, 41]);
        assert_eq!(cuts(md, Format::Plain), [3, 14, 21, 24, 30, 35, 41]);
        // Backticks with a backtick after them are inline code, not a fence; an indented
        // fence (in a list item) is one.
        assert_eq!(cuts("```x``` y\n\nz", Format::Markdown), [11]);
        assert_eq!(cuts("- a\n  ```\n\n  ```\n\nb", Format::Markdown), [18]);
        // Never closed: no cut after it.
        assert_eq!(cuts("a\n\n```\n\nb\n\n", Format::Markdown), [3]);
    }

    #[test]
    fn not_inside_an_html_block_that_runs_to_its_end_marker() {
        let md =
            "a\n\n<pre>\nx\n\ny\n</pre>\n\nb\n\n<!--\n\n-->\n\n<SCRIPT type=x>\n\n</script>\n\nc";
        assert_eq!(cuts(md, Format::Markdown), [3, 22, 25, 36, 64]);
        // Closed on its own line: cuts go on after it.
        assert_eq!(cuts("<!-- x -->\n\ny", Format::Markdown), [12]);
        assert_eq!(cuts("<!DOCTYPE html>\n\ny", Format::Markdown), [17]);
        // Other HTML ends at a blank line, as CommonMark's kinds 6 and 7 do.
        assert_eq!(cuts("<div>\n\n</div>\n\ny", Format::Markdown), [7, 15]);
        assert_eq!(cuts("<preview>\n\nx", Format::Markdown), [11]);
        // Never closed: no cut after it.
        assert_eq!(cuts("a\n\n<style>\n\nb\n\n", Format::Markdown), [3]);
    }

    #[test]
    fn html_block_openers() {
        assert_eq!(html_block_end(b"<pre>"), Some(&b"</pre>"[..]));
        assert_eq!(html_block_end(b"  <Pre class=x>"), Some(&b"</pre>"[..]));
        assert_eq!(html_block_end(b"<pre"), Some(&b"</pre>"[..]));
        assert_eq!(html_block_end(b"<!-- c"), Some(&b"-->"[..]));
        assert_eq!(html_block_end(b"<?php"), Some(&b"?>"[..]));
        assert_eq!(html_block_end(b"<![CDATA[x"), Some(&b"]]>"[..]));
        assert_eq!(html_block_end(b"<!DOCTYPE"), Some(&b">"[..]));
        assert_eq!(html_block_end(b"<prefix>"), None);
        assert_eq!(html_block_end(b"<div>"), None);
        assert_eq!(html_block_end(b"text <pre>"), None);
    }

    #[test]
    fn fences_open_and_close_as_commonmark_has_it() {
        assert_eq!(fence(b"```"), Some((b'`', 3)));
        assert_eq!(fence(b"  ~~~~ info `x`"), Some((b'~', 4)));
        assert_eq!(fence(b"``"), None);
        assert_eq!(fence(b"```a`"), None);
        assert!(closes(b"````  ", (b'`', 3)));
        assert!(!closes(b"``", (b'`', 3)));
        assert!(!closes(b"``` x", (b'`', 3)));
        assert!(!closes(b"~~~", (b'`', 3)));
    }
}
