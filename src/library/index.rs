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
        }
    }
}

/// An open heading whose text is being collected.
struct OpenHeading {
    level: HeadingLevel,
    text: String,
}

/// Parses INDEX.md text. Pure: no I/O, never panics, linear in the input.
pub fn parse_index(markdown: &str) -> ParsedIndex {
    let markdown = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    let lines = LineIndex::new(markdown);
    let parser = Parser::new_ext(markdown, Options::ENABLE_TABLES).into_offset_iter();

    let mut title: Option<String> = None;
    // (level, sanitized text) of the headings that group what follows; at most six deep.
    let mut headings: Vec<(HeadingLevel, String)> = Vec::new();
    let mut heading: Option<OpenHeading> = None;
    let mut frames: Vec<Frame> = Vec::new();
    // One slot per entry, reserved when its link starts so that entries keep link order
    // even though an outer item ends after the items nested in it.
    let mut slots: Vec<Option<RawEntry>> = Vec::new();

    for (event, range) in parser {
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
                    headings.retain(|(l, _)| *l < done.level);
                    if done.level == HeadingLevel::H1 && title.is_none() {
                        title = Some(text);
                    } else {
                        headings.push((done.level, text));
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
                    let group = headings
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
                    frame.line = lines.line_of(range.start);
                    let decoded = percent_decode_str(&dest_url).decode_utf8_lossy();
                    frame.link = if link_type == LinkType::Email {
                        format!("mailto:{decoded}")
                    } else {
                        decoded.into_owned()
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

    ParsedIndex {
        title,
        entries: slots.into_iter().flatten().collect(),
    }
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
