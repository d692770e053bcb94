//! Finding where a section a link names (`article.md#chapter-25-1`) starts in the file of a
//! large article, before the article is read that far: the file is scanned for the lines
//! that can be that section's heading (the words of the slug, in any case, on a line of
//! their own at the start of a paragraph, or after a Markdown `#`), and the one the slug
//! names is counted as [`super::Document::fragment`] counts sections with the same slug.
//!
//! It is a guess, quick to make (the file's bytes go through one regular expression),
//! and never taken as exact: a line that looks like a heading but is none (in a code
//! block, in a list of contents) shifts the count. The reader shows the text there at
//! once and goes to the section the whole article has once it is read that far.

use std::io::{self, Read};

use regex::bytes::Regex;

/// Bytes scanned at a time: the scan holds one of these, not the file.
const CHUNK: usize = 1 << 20;

/// The byte of the file where the heading of `fragment` may start: the first line whose
/// slug is `fragment`, else (for `base-N`) the line of the N-th later heading with the slug
/// `base`. None if no line fits, the fragment has no words, or the file is not
/// ASCII-compatible text.
pub fn guess(source: impl Read, fragment: &str) -> io::Result<Option<u64>> {
    let Some(exact) = pattern(fragment) else {
        return Ok(None);
    };
    // `chapter-25-1`: the second section with the slug `chapter-25`.
    let counted = fragment
        .rsplit_once('-')
        .and_then(|(base, n)| Some((pattern(base)?, n.parse::<usize>().ok()?)));
    let mut nth = None;
    let mut seen = 0;
    let mut first_exact = None;
    scan(source, |line, text| {
        if exact.is_match(text) {
            first_exact = Some(line);
            return false;
        }
        if let Some((base, n)) = &counted
            && nth.is_none()
            && base.is_match(text)
        {
            if seen == *n {
                nth = Some(line);
            }
            seen += 1;
        }
        true
    })?;
    Ok(first_exact.or(nth))
}

/// The lines of `source` that may be headings (a line after a blank line or at the start,
/// or a Markdown `#` line), with the byte where each starts, until `each` says stop.
fn scan(mut source: impl Read, mut each: impl FnMut(u64, &[u8]) -> bool) -> io::Result<()> {
    let mut buf = vec![0u8; CHUNK];
    let mut held = 0;
    // Where `buf` starts in the file, and whether the line before it was blank.
    let mut start = 0u64;
    let mut after_blank = true;
    loop {
        let read = source.read(&mut buf[held..])?;
        let end = held + read;
        let last = read == 0;
        // Whole lines only, but for the file's last.
        let upto = if last {
            end
        } else {
            match memchr::memrchr(b'\n', &buf[..end]) {
                Some(i) => i + 1,
                // A line longer than the buffer: no heading; skipped.
                None if end == buf.len() => {
                    start += end as u64;
                    held = 0;
                    after_blank = false;
                    continue;
                }
                None => {
                    held = end;
                    continue;
                }
            }
        };
        let mut at = 0;
        while at < upto {
            let stop = memchr::memchr(b'\n', &buf[at..upto]).map_or(upto, |i| at + i);
            let line = &buf[at..stop];
            let blank = line.iter().all(|b| b.is_ascii_whitespace());
            let marked = line.iter().find(|b| !matches!(b, b' ' | b'\t')) == Some(&b'#');
            if !blank && (after_blank || marked) && !each(start + at as u64, line) {
                return Ok(());
            }
            after_blank = blank;
            at = stop + 1;
        }
        if last {
            return Ok(());
        }
        buf.copy_within(upto..end, 0);
        held = end - upto;
        start += upto as u64;
    }
}

/// A line whose heading text has the slug `slug` (see [`super::slug`]): the slug's words
/// in any case, a space or `-` for each `-`, punctuation (dropped by the slug) around
/// them, an ATX heading's `#` marks and white space at either end.
fn pattern(slug: &str) -> Option<Regex> {
    if !slug.chars().any(char::is_alphanumeric) {
        return None;
    }
    // What the slug drops: anything but letters, digits, `-`, `_` and spaces.
    const DROPPED: &str = r"[^\p{Alphabetic}\p{N}_\- \n]*";
    let mut text = String::from(DROPPED);
    for c in slug.chars() {
        match c {
            '-' => text.push_str("[ -]"),
            c => text.push_str(&regex::escape(&c.to_string())),
        }
        text.push_str(DROPPED);
    }
    Regex::new(&format!(
        r"(?i)^[ \t]*(?:#{{1,6}}[ \t]+)?{text}[ \t]*(?:#+[ \t]*)?\r?$"
    ))
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Format, parse};

    fn at(text: &str, fragment: &str) -> Option<usize> {
        guess(text.as_bytes(), fragment)
            .expect("reads")
            .map(|b| b as usize)
    }

    /// The heading text and the heading path of the section `fragment` as the parser
    /// has them.
    fn parsed(text: &str, format: Format, fragment: &str) -> (String, Vec<String>) {
        let doc = parse(text, format, "T", None);
        let (block, _) = doc.fragment(fragment).expect("a section");
        let section = &doc.sections[doc.section_of(block)];
        (doc.block(block).text.to_string(), section.path.clone())
    }

    /// The line at `byte`.
    fn line(text: &str, byte: usize) -> &str {
        text[byte..].lines().next().unwrap_or_default()
    }

    fn book() -> String {
        let mut text = String::from("Anna Karenina\n\nCONTENTS\nChapter 1\nChapter 2\n\n");
        for part in ["PART ONE", "PART TWO"] {
            text.push_str(&format!("{part}\n\n"));
            for n in 1..=3 {
                text.push_str(&format!(
                    "Chapter {n}\n\nHappy families are all alike; chapter {n} of {part} says so.\nAnd a second line.\n\n"
                ));
            }
        }
        text
    }

    #[test]
    fn finds_the_section_the_slug_names_as_the_parser_counts_them() {
        let text = book();
        let two = text.find("PART TWO").unwrap();
        for (fragment, line_is, after_part_two) in [
            ("part-one", "PART ONE", false),
            ("part-two", "PART TWO", true),
            ("chapter-2", "Chapter 2", false),
            ("chapter-2-1", "Chapter 2", true),
            ("chapter-3-1", "Chapter 3", true),
        ] {
            let byte = at(&text, fragment).expect(fragment);
            assert_eq!(line(&text, byte), line_is, "{fragment}");
            assert_eq!(byte >= two, after_part_two, "{fragment}");
            // The parser has the same heading, in the same part.
            let (heading, path) = parsed(&text, Format::Plain, fragment);
            assert_eq!(heading, line_is);
            assert_eq!(
                path.contains(&"PART TWO".to_string()) || heading == "PART TWO",
                after_part_two
            );
        }
        // The lines of the contents are not headings: not counted.
        assert!(at(&text, "chapter-1").unwrap() > text.find("PART ONE").unwrap());
    }

    #[test]
    fn markdown_headings_with_marks_case_and_punctuation() {
        let text =
            "# Über uns!\n\nText.\n## The *End*: of it ##\n\nMore.\n\n```\n# Über uns\n```\n";
        assert_eq!(at(text, "über-uns"), Some(0));
        let end = at(text, "the-end-of-it").expect("found");
        assert_eq!(line(text, end), "## The *End*: of it ##");
        assert_eq!(
            parsed(text, Format::Markdown, "the-end-of-it").0,
            "The End: of it"
        );
        assert_eq!(at(text, "nothing-here"), None);
        assert_eq!(at(text, "-"), None);
        // A heading with the suffix in its own words comes first.
        let text = "# A\n\n# A\n\n# A 1\n";
        assert_eq!(at(text, "a-1"), Some(text.find("# A 1").unwrap()));
    }

    #[test]
    fn lines_across_the_chunks_and_a_last_line_without_end() {
        let mut text = "x".repeat(CHUNK - 3);
        text.push_str("\n\nZiel\n\n");
        text.push_str(&"y\n".repeat(CHUNK));
        text.push_str("\nEnde");
        assert_eq!(at(&text, "ziel"), Some(CHUNK - 1));
        assert_eq!(at(&text, "ende"), Some(text.len() - 4));
        // A line longer than the buffer is passed over.
        let long = format!("{}\n\nZiel\n", "z".repeat(3 * CHUNK));
        assert_eq!(at(&long, "ziel"), Some(3 * CHUNK + 2));
    }
}
