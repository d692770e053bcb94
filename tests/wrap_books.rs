//! Wrapping real books and real non-Latin text (issue 10, item 4): indented prose is
//! reflowed, words are only split by hyphenation or when wider than the column, URLs and
//! inline code are never hyphenated, table cells wrap within their columns, and no
//! continuation line starts with a space.
//!
//! The books come from `../shared/corpus` (beside the checkout, as in CI), copied into a
//! temporary directory; a checkout without it skips those tests with a note.

mod common;

use common::corpus_copy;

use std::path::Path;

use blatt::config::Config;
use blatt::document::{self, BlockKind, Document, Format};
use blatt::layout::{Layout, LinePos, WrapOptions, render_plain, text_width};

fn read(path: &Path) -> Document {
    blatt::headless::read_document(path, &Config::default()).expect("read the article")
}

fn is_break_friendly(c: char) -> bool {
    // Chinese and Japanese break between characters; Thai between its words. Korean puts
    // spaces between its words and breaks there, as a Korean reader expects.
    let hangul = matches!(c, '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' | '\u{A960}'..='\u{A97F}' | '\u{AC00}'..='\u{D7FF}');
    !hangul
        && (unicode_width::UnicodeWidthChar::width(c) == Some(2)
            || ('\u{0E00}'..='\u{0EFF}').contains(&c))
}

/// A line that ends where it may not: shown (with `Debug`) when a test fails.
#[derive(Debug)]
#[allow(dead_code)]
struct Bad {
    block: usize,
    line: String,
    next: String,
    why: &'static str,
}

/// Checks every line of every block: a line ends at a space, at a line break, at a
/// hyphenation point (a hyphen drawn), after `-`, `/`, `.`, `@` or `?`, between characters of
/// a script without spaces, or inside a word wider than the room for text; and a line that
/// continues a hard line does not start with a space.
fn bad_breaks(doc: &Document, width: usize) -> Vec<Bad> {
    let mut layout = Layout::new(doc, WrapOptions::new(width));
    let mut bad = Vec::new();
    for block in 0..doc.block_count() {
        let b = doc.block(block);
        if matches!(b.kind, BlockKind::Rule | BlockKind::TableRow { .. }) {
            continue;
        }
        layout.ensure(doc, block);
        let lines: Vec<_> = layout
            .lines(block)
            .expect("laid out")
            .iter()
            .copied()
            .enumerate()
            .filter(|(_, l)| !l.is_gap())
            .collect();
        for pair in lines.windows(2) {
            let ((_, line), (next_index, next)) = (pair[0], pair[1]);
            let (end, next_start) = (line.end as usize, next.start as usize);
            let between = &b.text[end..next_start];
            let here = &b.text[line.start as usize..end];
            let there = &b.text[next_start..];
            let report = |why| Bad {
                block,
                line: here.to_string(),
                next: there.chars().take(40).collect(),
                why,
            };
            if between.contains('\n') {
                continue;
            }
            if there.starts_with(char::is_whitespace) {
                bad.push(report("continuation starts with a space"));
                continue;
            }
            if !between.is_empty() {
                if !between.chars().all(char::is_whitespace) {
                    bad.push(report("text between lines is lost"));
                }
                continue;
            }
            if line.hyphen() {
                continue;
            }
            let before = here.chars().next_back();
            let after = there.chars().next();
            if before.is_some_and(|c| {
                c.is_whitespace() || matches!(c, '-' | '/' | '.' | '@' | '?' | '–' | '—')
            }) {
                continue;
            }
            if before.is_some_and(is_break_friendly) || after.is_some_and(is_break_friendly) {
                continue;
            }
            // The word the cut falls in, and the room the line had for text.
            let word_start = b.text[..end]
                .rfind(char::is_whitespace)
                .map_or(0, |i| i + 1);
            let word_end = b.text[end..]
                .find(char::is_whitespace)
                .map_or(b.text.len(), |i| end + i);
            let drawn = layout.plain_text(
                doc,
                LinePos {
                    block,
                    line: next_index - 1,
                },
            );
            let room = width.saturating_sub(text_width(&drawn).saturating_sub(text_width(here)));
            if text_width(&b.text[word_start..word_end]) > room.max(1) {
                continue;
            }
            bad.push(report("a word is cut"));
        }
    }
    bad
}

fn assert_no_bad_breaks(doc: &Document, width: usize, what: &str) {
    let bad = bad_breaks(doc, width);
    assert!(
        bad.is_empty(),
        "{what} at {width} columns: {} bad breaks, the first ones: {:#?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
}

#[test]
fn karenins_letter_at_40_columns_is_reflowed_without_cut_words() {
    let Some((_dir, path)) = corpus_copy("large/pg1399-anna-karenina.txt") else {
        return;
    };
    let doc = read(&path);
    let lines = render_plain(&doc, WrapOptions::new(40));
    assert!(
        !lines
            .iter()
            .any(|l| l.trim_end().ends_with("decision in rega")),
        "the letter is cut inside `regard`"
    );
    let letter = doc
        .blocks()
        .find(|b| b.text.contains("decision in regard to the subject"))
        .expect("the letter");
    assert_eq!(
        *letter.kind,
        BlockKind::Paragraph,
        "indented prose is prose"
    );
    assert!(
        letter.text.contains(
            "communicate to you my decision in regard to the subject of that conversation."
        ),
        "its lines are joined into one paragraph: {:?}",
        &letter.text[..120]
    );
    assert_no_bad_breaks(&doc, 40, "Anna Karenina");
}

#[test]
fn indented_prose_is_reflowed_and_words_are_kept_whole() {
    // Karenin's letter in small: four-space indented, hard-wrapped prose.
    let text = "Title\n\nHe wrote:\n\n    \"At our last conversation, I notified you of my intention to\n    communicate to you my decision in regard to the subject of that\n    conversation. Having carefully considered everything, I am\n    writing now with the object of fulfilling that promise.\"\n";
    let doc = document::parse(text, Format::Plain, "t", Some("en"));
    for width in [17, 23, 40, 41, 60] {
        assert_no_bad_breaks(&doc, width, "the letter");
    }
}

#[test]
fn udhr_words_are_not_cut_in_any_script() {
    for name in [
        "udhr_rus.txt",
        "udhr_arb.txt",
        "udhr_heb.txt",
        "udhr_hin.txt",
        "udhr_pes_1.txt",
        "udhr_cmn_hans.txt",
        "udhr_jpn.txt",
        "udhr_kor.txt",
        "udhr_tha.txt",
    ] {
        let Some((_dir, path)) = corpus_copy(&format!("nonlatin/{name}")) else {
            return;
        };
        let doc = read(&path);
        for width in [24, 40, 80] {
            assert_no_bad_breaks(&doc, width, name);
        }
    }
}

#[test]
fn all_three_books_wrap_without_cut_words_or_stray_spaces() {
    for name in [
        "large/pg1399-anna-karenina.txt",
        "large/pg2554-crime-and-punishment.txt",
        "large/pg2600-war-and-peace.txt",
    ] {
        let Some((_dir, path)) = corpus_copy(name) else {
            return;
        };
        let doc = read(&path);
        for width in [33, 57] {
            assert_no_bad_breaks(&doc, width, name);
        }
    }
}

#[test]
fn wrapped_code_lines_go_on_without_a_leading_space() {
    let md =
        "# T\n\n```\nlet answer = compute(the_first_argument, the_second_argument, more);\n```\n";
    let doc = document::parse(md, Format::Markdown, "t", None);
    for width in [20, 30, 41] {
        let lines = render_plain(&doc, WrapOptions::new(width));
        // Code is drawn after a two-cell indent: a continuation must not add a third.
        for line in lines.iter().filter(|l| !l.is_empty() && *l != "T") {
            assert!(
                !line.starts_with("   "),
                "at {width}: {line:?} in {lines:#?}"
            );
            assert!(text_width(line) <= width, "{line:?}");
        }
        assert_no_bad_breaks(&doc, width, "code");
    }
}

#[test]
fn urls_and_addresses_and_inline_code_are_never_hyphenated() {
    let text = "Titel\n\nWeitere Informationen über die Bundesregierung stehen auf \
                www.bundesregierung.de und unter https://www.bundesregierung.de/breg-de/aktuelles?seite=2 \
                oder per E-Mail an poststelle@bundesregierung-beispiel.de zur Verfügung.\n";
    let doc = document::parse(text, Format::Plain, "t", Some("de"));
    assert_eq!(doc.language.as_deref(), Some("de"));
    let md = "# T\n\nDie Funktion `Datenschutzgrundverordnungsanpassung` steht in der Datei.\n";
    let code = document::parse(md, Format::Markdown, "t", Some("de"));
    for width in 10..60 {
        for d in [&doc, &code] {
            let mut layout = Layout::new(d, WrapOptions::new(width));
            for pos in layout.all_lines(d) {
                let line = layout.lines(pos.block).expect("laid out")[pos.line];
                if !line.hyphen() {
                    continue;
                }
                let b = d.block(pos.block);
                let word_start = b.text[..line.end as usize].rfind(' ').map_or(0, |i| i + 1);
                let word = &b.text[word_start..];
                let word =
                    word[..word.find(' ').unwrap_or(word.len())].trim_end_matches(['.', ',', ';']);
                assert!(
                    !word.contains('.') && !word.contains('@') && !word.contains('`'),
                    "at {width}: {word:?} hyphenated after {:?}",
                    &b.text[line.start as usize..line.end as usize]
                );
                assert!(
                    !word.starts_with("Datenschutzgrund"),
                    "at {width}: inline code hyphenated"
                );
            }
            assert_no_bad_breaks(d, width, "URLs");
        }
    }
}

#[test]
fn wide_table_cells_wrap_within_their_own_columns() {
    let md = "# T\n\n| Setting | What it does |\n|---|---|\n| firewall | Blocks incoming connections that nobody asked for, and logs them |\n| dns | Names |\n";
    let doc = document::parse(md, Format::Markdown, "t", Some("en"));
    for width in [30, 40, 50] {
        let lines = render_plain(&doc, WrapOptions::new(width));
        let table: Vec<&String> = lines.iter().filter(|l| l.contains('│')).collect();
        assert!(table.len() > 3, "at {width}: rows wrap: {lines:#?}");
        // Every row line has its separator in the same column: continuations stay in
        // their own column.
        let bar = |l: &str| l.chars().position(|c| c == '│');
        let first = bar(table[0]);
        for line in &table {
            assert_eq!(bar(line), first, "at {width}: {lines:#?}");
            assert!(text_width(line) <= width, "{line:?}");
        }
        // No word is cut: each word of the table is on one line.
        let words: Vec<&str> = table
            .iter()
            .flat_map(|l| l.split([' ', '│']))
            .filter(|w| !w.is_empty())
            .collect();
        for word in ["firewall", "connections", "incoming", "Setting", "nobody"] {
            assert!(
                words.contains(&word),
                "at {width}: {word:?} is cut: {lines:#?}"
            );
        }
    }
}
