//! Plain-text articles: paragraphs are separated by blank lines; the first one-line paragraph
//! is the title; a short one-line paragraph that does not end like a sentence is a heading.

use super::{Block, BlockKind, Part};

/// Longest line, in characters, that can still be a heading.
const HEADING_MAX_CHARS: usize = 100;
/// A paragraph whose lines are all at most this long keeps its line breaks (verse, addresses,
/// sign-offs); longer lines are hard-wrapped prose and are joined.
const SHORT_LINE_CHARS: usize = 45;

/// Returns the title (if the text starts with a one-line paragraph) and the blocks.
pub fn parse(text: &str) -> (Option<String>, Vec<Block>) {
    parse_part(
        text,
        Part {
            first: true,
            ..Part::default()
        },
    )
}

/// Parses a part of a text read in pieces (see [`Part`]): only the first part has a title;
/// a paragraph cut at either end is only a piece of one, never a title or heading, and the
/// one at the start goes on from the part before.
pub fn parse_piece(text: &str, part: Part) -> (Option<String>, Vec<Block>) {
    let (title, mut blocks) = parse_part(text, part);
    if let Some(first) = super::continuing(&mut blocks, text, part.continues) {
        if first.is_heading() {
            first.kind = BlockKind::Paragraph;
        }
        first.continued = true;
    }
    (title, blocks)
}

fn parse_part(text: &str, part: Part) -> (Option<String>, Vec<Block>) {
    let mut blocks = Vec::new();
    let mut title = None;
    let paragraphs: Vec<Vec<&str>> = paragraphs(text).collect();
    let last = paragraphs.len().saturating_sub(1);
    for (index, lines) in paragraphs.into_iter().enumerate() {
        // The last paragraph of a part cut inside it is only its beginning.
        let fragment = part.ends_inside && index == last;
        if lines.len() == 1 && fragment {
            blocks.push(Block::new(
                BlockKind::Paragraph,
                lines[0].trim().to_string(),
            ));
            continue;
        }
        if lines.len() == 1 {
            let line = lines[0].trim();
            if index == 0 && part.first {
                title = Some(line.to_string());
                blocks.push(Block::new(BlockKind::Title, line.to_string()));
            } else if is_heading(line) {
                blocks.push(Block::new(
                    BlockKind::Heading { level: 2 },
                    line.to_string(),
                ));
            } else {
                blocks.push(Block::new(BlockKind::Paragraph, line.to_string()));
            }
            continue;
        }
        blocks.push(paragraph_block(&lines));
    }
    (title, blocks)
}

/// Groups lines into paragraphs separated by lines that are empty or only whitespace.
fn paragraphs(text: &str) -> impl Iterator<Item = Vec<&str>> {
    let mut lines = text.split('\n').peekable();
    std::iter::from_fn(move || {
        while lines.peek().is_some_and(|l| l.trim().is_empty()) {
            lines.next();
        }
        let mut paragraph = Vec::new();
        while let Some(line) = lines.next_if(|l| !l.trim().is_empty()) {
            paragraph.push(line);
        }
        (!paragraph.is_empty()).then_some(paragraph)
    })
}

fn paragraph_block(lines: &[&str]) -> Block {
    let indented = lines.iter().all(|l| l.starts_with("    "));
    if indented {
        let min_indent = lines
            .iter()
            .map(|l| l.len() - l.trim_start_matches(' ').len())
            .min()
            .unwrap_or(0);
        let text = lines
            .iter()
            .map(|l| l[min_indent..].trim_end())
            .collect::<Vec<_>>()
            .join("\n");
        return Block::new(BlockKind::Code, text);
    }
    let short = lines
        .iter()
        .all(|l| l.trim().chars().count() <= SHORT_LINE_CHARS);
    let separator = if short { "\n" } else { " " };
    let text = lines
        .iter()
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(separator);
    Block::new(BlockKind::Paragraph, text)
}

/// A heading is a one-line paragraph that is short, has a letter, does not end like a
/// sentence and is not wholly in brackets. A line that is a sentence followed by a bracketed
/// credit (`... Zoom. [Shutterstock]`) is not a heading either.
pub fn is_heading(line: &str) -> bool {
    let line = line.trim();
    if line.is_empty()
        || line.chars().count() > HEADING_MAX_CHARS
        || !line.chars().any(char::is_alphabetic)
    {
        return false;
    }
    if wholly_bracketed(line) {
        return false;
    }
    let without_credit = strip_trailing_bracket_group(line);
    if without_credit != line && ends_like_sentence(without_credit) {
        return false;
    }
    !ends_like_sentence(line)
}

fn ends_like_sentence(text: &str) -> bool {
    // Closing quotes do not hide the punctuation before them: `Er sagte: „Nein.“`
    let trimmed = text
        .trim_end()
        .trim_end_matches(['"', '\'', '“', '”', '‘', '’', '«', '»', '‹', '›']);
    trimmed.ends_with(['.', '!', '?', '…', ':', ',', ';'])
}

fn wholly_bracketed(line: &str) -> bool {
    let pairs = [('[', ']'), ('(', ')'), ('{', '}'), ('<', '>')];
    pairs.iter().any(|(open, close)| {
        line.starts_with(*open) && line.ends_with(*close) && {
            // The first bracket must close at the very end: "(a) b (c)" is not wholly bracketed.
            let mut depth = 0i32;
            let mut closed_early = false;
            let last = line.len() - close.len_utf8();
            for (i, c) in line.char_indices() {
                if c == *open {
                    depth += 1;
                } else if c == *close {
                    depth -= 1;
                    if depth == 0 && i != last {
                        closed_early = true;
                        break;
                    }
                }
            }
            !closed_early
        }
    })
}

fn strip_trailing_bracket_group(line: &str) -> &str {
    for (open, close) in [('[', ']'), ('(', ')')] {
        if line.ends_with(close)
            && let Some(start) = line.rfind(open)
        {
            return line[..start].trim_end();
        }
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../seeds/000_886ae8deff7ee228.txt");

    fn headings(text: &str) -> Vec<String> {
        parse(text)
            .1
            .into_iter()
            .filter(|b| b.is_heading())
            .map(|b| b.text)
            .collect()
    }

    #[test]
    fn seed_article_sections_are_exact() {
        let clean = crate::document::sanitize::sanitize(SEED);
        let (title, _) = parse(&clean);
        assert_eq!(
            title.as_deref(),
            Some("Kommission kritisiert Zoom, nutzt die Plattform aber weiter")
        );
        assert_eq!(
            headings(&clean),
            [
                "Digitale Diplomatie: Staaten gehen online",
                "Die Angst vor China und Zooms Sicherheitsbilanz",
                "Gesundheitsministerium prüft Verzicht auf Video-App TikTok",
                "Digitalisierung Europäischer Prägung: Brüssels Kampf um Souveränität",
                "Borrell wünscht sich \"robustere\" EU-Strategie gegenüber China",
                "Studie prophezeit deutscher Internetwirtschaft rasantes Wachstum",
                "Subscribe to our newsletters",
            ]
        );
        let doc = crate::document::parse(&clean, crate::document::Format::Plain, "x", None);
        assert_eq!(doc.sections.len(), 8);
        assert_eq!(doc.sections[0].title, None);
    }

    #[test]
    fn heading_rule() {
        assert!(is_heading("Ghana - Australien: 1:1 (1:1)"));
        assert!(is_heading("Die Angst vor China"));
        assert!(is_heading("Er sagte „Nein“"));
        assert!(!is_heading("Er sagte: „Nein.“"));
        assert!(!is_heading("Ein Satz."));
        assert!(!is_heading("Wirklich?"));
        assert!(!is_heading("Und dann…"));
        assert!(!is_heading("Folgendes:"));
        assert!(!is_heading("[Bearbeitet von Benjamin Fox und Tim Steins]"));
        assert!(!is_heading("(Foto: dpa)"));
        assert!(!is_heading("Bedenken zu Zoom. [Shutterstock]"));
        assert!(!is_heading("1:1"));
        assert!(!is_heading(&"Lang ".repeat(30)));
        assert!(is_heading("(a) und (b)"));
    }

    #[test]
    fn title_only_when_first_paragraph_is_one_line() {
        let (title, blocks) = parse(
            "Zeile eins\nZeile zwei mit mehr Text darin, sodass sie lang genug ist.\n\nAbsatz.",
        );
        assert_eq!(title, None);
        assert_eq!(blocks[0].kind, BlockKind::Paragraph);
        let (title, blocks) = parse("\n\n  Titel  \n\nText.");
        assert_eq!(title.as_deref(), Some("Titel"));
        assert_eq!(blocks[0].kind, BlockKind::Title);
    }

    #[test]
    fn prose_lines_are_joined_and_short_lines_kept() {
        let long = "This line is long enough to be hard-wrapped prose from a book,\nand this is its continuation on the next line.";
        let (_, blocks) = parse(&format!("T\n\n{long}\n\nRoses are red\nViolets are blue"));
        assert_eq!(
            blocks[1].text,
            "This line is long enough to be hard-wrapped prose from a book, and this is its continuation on the next line."
        );
        assert_eq!(blocks[2].text, "Roses are red\nViolets are blue");
    }

    #[test]
    fn indented_paragraph_is_preformatted() {
        let (_, blocks) = parse("T\n\n    fn main() {\n        x\n    }");
        assert_eq!(blocks[1].kind, BlockKind::Code);
        assert_eq!(blocks[1].text, "fn main() {\n    x\n}");
    }

    #[test]
    fn blank_runs_and_whitespace_lines_separate_paragraphs() {
        let (_, blocks) = parse("T\n \n\t\n\n\nA b c.\n   \nD e f.\n");
        let texts: Vec<_> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, ["T", "A b c.", "D e f."]);
    }

    #[test]
    fn empty_text_has_no_blocks() {
        assert_eq!(parse(""), (None, Vec::new()));
        assert_eq!(parse("\n\n  \n"), (None, Vec::new()));
    }
}
