use proptest::prelude::*;

use super::*;
use crate::document::{Format, parse};

fn doc(text: &str) -> Document {
    parse(text, Format::Plain, "t", None)
}

fn md(text: &str) -> Document {
    parse(text, Format::Markdown, "t", None)
}

#[test]
fn lays_out_lazily() {
    let text = (0..1000)
        .map(|i| format!("Paragraph number {i} with some words in it."))
        .collect::<Vec<_>>()
        .join("\n\n");
    let d = doc(&text);
    let mut layout = Layout::new(&d, WrapOptions::new(40));
    assert_eq!(layout.laid_out(), 0);
    let first = layout.first(&d).unwrap();
    let window = layout.window(&d, first, 24);
    assert_eq!(window.len(), 24);
    assert!(layout.laid_out() < 20, "{}", layout.laid_out());
    let end = layout.last_page_top(&d, 24).unwrap();
    assert!(end.block > 990);
    assert!(layout.laid_out() < 40, "{}", layout.laid_out());
}

#[test]
fn gaps_between_blocks_but_not_inside_tight_lists() {
    let d = md("# T\n\npara\n\n- a\n- b\n\nend");
    let lines = render_plain(&d, WrapOptions::new(20));
    assert_eq!(lines, ["T", "", "para", "", "• a", "• b", "", "end"]);
}

#[test]
fn a_paragraph_cut_for_length_reads_on_without_a_gap() {
    use crate::document::LONGEST_BLOCK;
    let sentence = "Ein Wort nach dem anderen, immer weiter. ";
    let long = sentence.repeat(2 * LONGEST_BLOCK / sentence.len() + 10);
    let text = format!("Titel\n\n{}\n\nEnde.", long.trim_end());
    let d = doc(&text);
    assert!(
        d.block_count() >= 5,
        "the long paragraph is cut: {}",
        d.block_count()
    );
    assert!(d.blocks().all(|b| b.text.len() <= LONGEST_BLOCK));
    let lines = render_plain(&d, WrapOptions::new(60));
    // Title, gap, the paragraph without any gap inside, gap, the end.
    let gaps: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].is_empty()).collect();
    assert_eq!(gaps, [1, lines.len() - 2]);
    let rendered: Vec<&str> = lines.iter().flat_map(|l| l.split_whitespace()).collect();
    let source: Vec<&str> = text.split_whitespace().collect();
    assert_eq!(rendered, source);
}

#[test]
fn quotes_lists_code_and_rules_are_decorated() {
    let d = md("> a quote\n\n1. one\n2. two long enough to wrap here\n\n```\ncode\n```\n\n---");
    let lines = render_plain(&d, WrapOptions::new(16));
    assert_eq!(
        lines,
        [
            "│ a quote",
            "",
            "1. one",
            "2. two long",
            "   enough to",
            "   wrap here",
            "",
            "▏ code",
            "",
            "────────────────"
        ]
    );
}

#[test]
fn justify_fills_all_but_the_last_line() {
    let d = doc("T\n\naaa bb c dddd eee ff gggg hh iii.");
    let mut options = WrapOptions::new(12);
    options.justify = true;
    let lines = render_plain(&d, options);
    let body = &lines[2..];
    for line in &body[..body.len() - 1] {
        assert_eq!(text_width(line), 12, "{line:?}");
    }
    assert!(text_width(body.last().unwrap()) <= 12);
}

#[test]
fn anchors_survive_a_width_change() {
    let text = (0..50)
        .map(|i| format!("Absatz {i}: ein Satz mit mehreren Wörtern, der umbrochen werden muss."))
        .collect::<Vec<_>>()
        .join("\n\n");
    let d = doc(&format!("Titel\n\n{text}"));
    let mut wide = Layout::new(&d, WrapOptions::new(70));
    let first = wide.first(&d).unwrap();
    let top = wide.forward(&d, first, 37);
    let (block, offset) = wide.content_at(top);
    let mut narrow = Layout::new(&d, WrapOptions::new(23));
    let pos = narrow.line_at(&d, block, offset).unwrap();
    let (b2, o2) = narrow.content_at(pos);
    assert_eq!(b2, block);
    assert!(o2 <= offset && offset - o2 < 23, "{o2} {offset}");
}

#[test]
fn cache_keeps_recent_widths() {
    let d = doc("T\n\nsome text");
    let mut cache = LayoutCache::default();
    cache.get(&d, WrapOptions::new(10)).ensure(&d, 1);
    cache.get(&d, WrapOptions::new(20));
    assert_eq!(
        cache.peek(WrapOptions::new(10)).map(Layout::laid_out),
        Some(1)
    );
    for w in 30..40 {
        cache.get(&d, WrapOptions::new(w));
    }
    assert!(cache.peek(WrapOptions::new(10)).is_none());
}

#[test]
fn empty_document_has_no_lines() {
    let d = doc("");
    let mut layout = Layout::new(&d, WrapOptions::new(10));
    assert_eq!(layout.first(&d), None);
    assert_eq!(layout.last(&d), None);
    assert!(layout.window(&d, LinePos::default(), 10).is_empty());
}

/// Issue 13's mix of scripts (German, English, Russian, Arabic, Hindi, Chinese, Japanese,
/// Thai, emoji with joiners and flags), each paragraph many times over so that the text is
/// laid out in many chunks on every thread: `blatt render`'s way gives the reader's lines,
/// and no line is wider than the width.
#[test]
fn mixed_scripts_render_as_the_reader_lays_them_out_within_the_width() {
    use unicode_segmentation::UnicodeSegmentation;
    let paragraphs = [
        "Die Bundesregierung hat am Mittwoch beschlossen, die Förderung für Donaudampfschifffahrtsgesellschaften auszuweiten (siehe www.bundesregierung.de).",
        "It was in July, 1805, and the speaker was the well-known Anna Pávlovna Schérer, maid of honor and confidante to the Empress.",
        "Все люди рождаются свободными и равными в своем достоинстве и правах. Они наделены разумом и совестью и должны поступать в отношении друг друга в духе братства.",
        "يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق. وقد وهبوا عقلاً وضميرًا وعليهم أن يعامل بعضهم بعضًا بروح الإخاء.",
        "सभी मनुष्यों को गौरव और अधिकारों के मामले में जन्मजात स्वतन्त्रता और समानता प्राप्त है। उन्हें बुद्धि और अन्तरात्मा की देन प्राप्त है।",
        "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。",
        "すべての人間は、生まれながらにして自由であり、かつ、尊厳と権利とについて平等である。人間は、理性と良心とを授けられており、互いに同胞の精神をもって行動しなければならない。",
        "มนุษย์ทั้งหลายเกิดมามีอิสระและเสมอภาคกันในเกียรติศักด[ิ์]และสิทธิ ต่างมีเหตุผลและมโนธรรม และควรปฏิบัติต่อกันด้วยเจตนารมณ์แห่งภราดรภาพ",
        "😀 E1.0 grinning face 👨‍👩‍👧 E2.0 family 🇩🇪 E2.0 flag: Germany 👍🏽 E1.0 thumbs up: medium skin tone ❤️ E0.6 red heart",
    ];
    let mut text = String::from("Mixed\n\n");
    for round in 0..60 {
        for p in paragraphs {
            text.push_str(&format!("{p} {round}\n\n"));
        }
    }
    let d = parse(&text, Format::Plain, "t", Some("de"));
    for width in [1, 9, 40, 80] {
        let options = WrapOptions {
            width,
            hyphenate: true,
            justify: false,
        };
        let mut out = Vec::new();
        render_parallel(&d, options, &mut out).expect("write");
        let out = String::from_utf8(out).expect("utf-8");
        let expected: String = render_plain(&d, options)
            .into_iter()
            .map(|l| l + "\n")
            .collect();
        assert!(out == expected, "width {width}");
        for line in out.lines() {
            let cells: usize = line
                .graphemes(true)
                .map(unicode_width::UnicodeWidthStr::width)
                .sum();
            // A cluster wider than a 1-cell column stands alone.
            assert!(
                cells <= width || line.graphemes(true).count() == 1,
                "width {width}: {line:?} is {cells} cells"
            );
        }
    }
}

#[test]
fn parallel_render_equals_line_by_line_render() {
    let mut md = String::from("# T\n\n");
    for i in 0..9000 {
        md.push_str(&format!(
            "- item {i} with *some* words that wrap at a narrow width\n"
        ));
        if i % 50 == 0 {
            md.push_str(&format!("\n## Part {i}\n\n> quoted text {i}\n\n"));
        }
    }
    let d = super::super::document::parse(&md, Format::Markdown, "t", Some("en"));
    for width in [7, 33, 80] {
        let options = WrapOptions::new(width);
        let mut out = Vec::new();
        render_parallel(&d, options, &mut out).expect("write");
        let expected: String = render_plain(&d, options)
            .into_iter()
            .map(|l| l + "\n")
            .collect();
        assert!(
            String::from_utf8(out).expect("utf-8") == expected,
            "width {width}"
        );
    }
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_string).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every line fits the width, and the words come out in order with none lost.
    #[test]
    fn lines_fit_and_keep_every_word(
        text in "([a-zäöü]{1,12}|[你好世界人权]{1,6}|สวัสดีครับ|👨‍👩‍👧|🇩🇪|[ ]{1,3}|\n\n|-){0,60}",
        width in 1usize..50,
        hyphenate in any::<bool>(),
    ) {
        let d = Document::from_blocks(
            "t".into(),
            vec![crate::document::Block::new(crate::document::BlockKind::Paragraph, text.clone())],
            Some("de".into()),
        );
        let mut options = WrapOptions::new(width);
        options.hyphenate = hyphenate;
        let mut layout = Layout::new(&d, options);
        let mut joined = String::new();
        for pos in layout.all_lines(&d) {
            let line = layout.plain_text(&d, pos);
            // Only a single grapheme wider than the column (a wide character in a 1-cell
            // column) may stick out: it cannot be split.
            let single = unicode_segmentation::UnicodeSegmentation::graphemes(line.as_str(), true).count() == 1;
            prop_assert!(text_width(&line) <= width || single, "{:?} wider than {}", line, width);
            let lines = layout.lines(pos.block).unwrap();
            let l = lines[pos.line];
            joined.push_str(&d.block(0).text[l.start as usize..l.end as usize]);
            joined.push(if l.hyphen() { '\u{0}' } else { ' ' });
        }
        let rejoined = joined.replace("\u{0} ", "").replace('\u{0}', "");
        prop_assert_eq!(words(&rejoined).concat(), words(&text).concat());
    }

    /// line -> content position -> line is the identity for text lines, at any width.
    #[test]
    fn anchors_round_trip(
        paragraphs in proptest::collection::vec("[a-z]{1,9}( [a-z]{1,9}){0,30}", 1..8),
        width in 1usize..40,
    ) {
        let d = doc(&paragraphs.join("\n\n"));
        let mut layout = Layout::new(&d, WrapOptions::new(width));
        for pos in layout.all_lines(&d) {
            if layout.lines(pos.block).unwrap()[pos.line].is_gap() {
                continue;
            }
            let (block, offset) = layout.content_at(pos);
            prop_assert_eq!(layout.line_at(&d, block, offset), Some(pos));
        }
    }

    /// Markdown of any shape lays out within the width.
    #[test]
    fn markdown_lines_fit(text in "([-*>#`| ]|[a-z]{1,8}|\n|1\\. |```){0,80}", width in 1usize..30) {
        let d = md(&text);
        for line in render_plain(&d, WrapOptions::new(width)) {
            prop_assert!(text_width(&line) <= width, "{:?}", line);
        }
    }
}

/// Words of plain text with indented lines: ASCII, Cyrillic, Chinese, hyphenated and very
/// long words, web and e-mail addresses.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => "[a-z]{1,12}",
        3 => "[а-яё]{1,14}",
        2 => "[\u{4e00}-\u{9fa5}]{1,8}。?",
        1 => "[a-z]{2,8}-[a-z]{2,8}",
        1 => "[a-z]{18,40}",
        1 => "https://www\\.[a-z]{3,20}\\.de(/[a-z]{1,12}){0,4}(\\?[a-z]=[0-9]{1,3})?",
        1 => "www\\.[a-z]{3,24}\\.de",
        1 => "[a-z]{2,10}@[a-z]{3,16}\\.(de|org)",
    ]
}

/// A paragraph of one to six lines, each indented by 0, 4 or 6 spaces or a mix.
fn indented_text() -> impl Strategy<Value = String> {
    let line = (
        prop::sample::select(vec![0usize, 4, 6]),
        prop::collection::vec((token(), 1usize..3), 1..14),
    )
        .prop_map(|(indent, words)| {
            let mut line = " ".repeat(indent);
            for (i, (word, spaces)) in words.iter().enumerate() {
                if i > 0 {
                    line.push_str(&" ".repeat(*spaces));
                }
                line.push_str(word);
            }
            line
        });
    let paragraph = prop::collection::vec(line, 1..7).prop_map(|lines| lines.join("\n"));
    prop::collection::vec(paragraph, 1..6)
        .prop_map(|paragraphs| format!("Title\n\n{}", paragraphs.join("\n\n")))
}

/// Whether a token of the generated text is an address (its own break rules).
fn is_address_token(token: &str) -> bool {
    token.contains("://") || token.contains('@') || token.starts_with("www.")
}

fn is_mark(c: char) -> bool {
    matches!(c, '/' | '.' | '-' | '@' | '?')
}

/// Why the break between `text[..end]` (the line's part up to `end`, starting at `start`)
/// and `text[end..]` is not allowed, if it is not: see `wrapped_lines_break_only_where_allowed`.
fn bad_break(text: &str, start: usize, end: usize, hyphen: bool, room: usize) -> Option<String> {
    let before = text[..end].chars().next_back()?;
    let after = text[end..].chars().next()?;
    if before.is_whitespace() || after.is_whitespace() {
        return None;
    }
    let wide = |c: char| unicode_width::UnicodeWidthChar::width(c) == Some(2);
    if wide(before) || wide(after) {
        return None;
    }
    let token_start = text[..end].rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let token_end = text[end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| end + i);
    let token = &text[token_start..token_end];
    let address = is_address_token(token);
    if hyphen {
        return (address || !before.is_alphabetic() || !after.is_alphabetic())
            .then(|| format!("hyphenated {token:?} at {end}"));
    }
    if address && is_mark(before) && !is_mark(after) {
        return None;
    }
    if !address && before == '-' {
        return None;
    }
    // A cut anywhere else: only in a word (or, in an address, a stretch between marks)
    // wider than the room, on a line that is full.
    let part = &text[start.max(token_start)..end];
    let next_grapheme = text[end..].graphemes(true).next().map_or(0, text_width);
    let full = text_width(&text[start..end]) + next_grapheme > room;
    let inner_break = address
        && part
            .char_indices()
            .skip(1)
            .any(|(i, c)| !is_mark(c) && part[..i].chars().next_back().is_some_and(is_mark));
    // The indent a line of code keeps takes room from the word.
    let line = &text[start..end];
    let indent = line.len() - line.trim_start_matches(' ').len();
    (!full || inner_break || text_width(token) <= room.saturating_sub(indent))
        .then(|| format!("{token:?} cut at {end} on a line {part:?} in {room} cells"))
}

use unicode_segmentation::UnicodeSegmentation;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Plain text with indented lines, at any width: every line fits; it ends at a space,
    /// at a hyphenation point (a hyphen drawn), after a hyphen, in an address after `/ . - @ ?`,
    /// between Chinese characters, or inside a word wider than the column; no continuation
    /// starts with a space; and no word is lost.
    #[test]
    fn wrapped_lines_break_only_where_allowed(
        text in indented_text(),
        width in 1usize..70,
    ) {
        let d = parse(&text, Format::Plain, "t", Some("en"));
        let mut layout = Layout::new(&d, WrapOptions::new(width));
        let mut shown = String::new();
        for pos in layout.all_lines(&d) {
            let line = layout.lines(pos.block).unwrap()[pos.line];
            if line.is_gap() {
                continue;
            }
            let block = d.block(pos.block);
            let drawn = layout.plain_text(&d, pos);
            let single = drawn.trim_start().graphemes(true).count() == 1;
            prop_assert!(text_width(&drawn) <= width || single, "{:?} wider than {}", drawn, width);
            let (start, end) = (line.start as usize, line.end as usize);
            let here = &block.text[start..end];
            shown.extend(here.chars().filter(|c| !c.is_whitespace()));
            let next = layout.lines(pos.block).unwrap().get(pos.line + 1).copied();
            let Some(next) = next else { continue };
            let between = &block.text[end..next.start as usize];
            if between.contains('\n') {
                continue;
            }
            prop_assert!(between.chars().all(char::is_whitespace), "{:?} skipped", between);
            prop_assert!(
                !block.text[next.start as usize..].starts_with(char::is_whitespace),
                "the line after {:?} starts with a space", here
            );
            let prefix = text_width(&drawn)
                .saturating_sub(text_width(here) + usize::from(line.hyphen()));
            let room = width.saturating_sub(prefix).max(1);
            if between.is_empty() {
                let bad = bad_break(block.text, start, end, line.hyphen(), room);
                prop_assert!(bad.is_none(), "{}", bad.unwrap_or_default());
            }
        }
        let source: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        prop_assert_eq!(shown, source);
    }
}

#[test]
fn a_line_stays_small() {
    // The row index of table lines lives in what was padding.
    assert!(std::mem::size_of::<Line>() <= 16);
}

/// The text of each segment of the first line with its roles.
fn styled_pieces(d: &Document) -> Vec<(String, Vec<Role>)> {
    let mut layout = Layout::new(d, WrapOptions::new(80));
    let first = layout.first(d).unwrap();
    let top = layout.window(d, first, 1)[0];
    layout
        .segments(d, top)
        .into_iter()
        .filter(|s| !s.text.trim().is_empty())
        .map(|s| (s.text.trim().to_string(), s.roles.iter().collect()))
        .collect()
}

#[test]
fn nested_inline_styles_combine() {
    use Role::*;
    type Pieces<'a> = Vec<(&'a str, Vec<Role>)>;
    let cases: [(&str, Pieces); 5] = [
        ("***both***", vec![("both", vec![Emphasis, Strong])]),
        (
            "**bold *nested* inside**",
            vec![
                ("bold", vec![Strong]),
                ("nested", vec![Emphasis, Strong]),
                ("inside", vec![Strong]),
            ],
        ),
        ("*`code`*", vec![("code", vec![Emphasis, Code])]),
        ("**~~x~~**", vec![("x", vec![Strong, Strike])]),
        (
            "[**bold link**](https://example.org)",
            vec![("bold link", vec![Strong, Link])],
        ),
    ];
    for (source, expected) in cases {
        let d = md(source);
        let expected: Vec<(String, Vec<Role>)> = expected
            .into_iter()
            .map(|(t, r)| (t.to_string(), r))
            .collect();
        assert_eq!(styled_pieces(&d), expected, "{source}");
    }
}

#[test]
fn blocks_in_list_items_align_with_the_item_text_at_every_depth() {
    let d = md("\
1. one

   second paragraph of one

   1. nested ordered

      more of the nested item

      - third level

        ```
        code(x)
        ```

        after the code
2. two
");
    let lines = render_plain(&d, WrapOptions::new(40));
    assert_eq!(
        lines,
        [
            "1. one",
            "",
            "   second paragraph of one",
            "",
            "   1. nested ordered",
            "",
            "      more of the nested item",
            "",
            "      • third level",
            "",
            "        ▏ code(x)",
            "",
            "        after the code",
            "",
            "2. two",
        ]
    );
}

#[test]
fn adjacent_lists_and_loose_items_are_set_apart() {
    let d = md("- a\n- b\n  - b1\n- c\n\n1. one\n2. two\n\n* loose\n\n* items\n\nAfter.");
    let lines = render_plain(&d, WrapOptions::new(30));
    assert_eq!(
        lines,
        [
            "• a",
            "• b",
            "  • b1",
            "• c",
            "",
            "1. one",
            "2. two",
            "",
            "• loose",
            "",
            "• items",
            "",
            "After.",
        ]
    );
    // Two bullet lists one after the other (another bullet character starts a new list).
    let d = md("- a\n- b\n+ c\n+ d\n");
    let lines = render_plain(&d, WrapOptions::new(30));
    assert_eq!(lines, ["• a", "• b", "", "• c", "• d"]);
}

#[test]
fn numbers_are_right_aligned_and_their_items_share_one_column() {
    let d = md("8. eight\n9. nine wraps here\n10. ten\n    1. nested under ten\n");
    let lines = render_plain(&d, WrapOptions::new(14));
    assert_eq!(
        lines,
        [
            " 8. eight",
            " 9. nine wraps",
            "    here",
            "10. ten",
            "    1. nested",
            "       under",
            "       ten",
        ]
    );
}

#[test]
fn wrapped_code_lines_are_marked_as_continuations() {
    let d = md("```python\nif x:\n    call(first_argument, second_argument)\nend\n```");
    let mut layout = Layout::new(&d, WrapOptions::new(28));
    let lines: Vec<String> = layout
        .all_lines(&d)
        .into_iter()
        .map(|p| layout.plain_text(&d, p))
        .collect();
    assert_eq!(
        lines,
        [
            "▏ if x:",
            "▏     call(first_argument,",
            "↪ second_argument)",
            "▏ end",
        ]
    );
    let flags: Vec<bool> = layout
        .lines(0)
        .unwrap()
        .iter()
        .map(Line::continues)
        .collect();
    assert_eq!(flags, [false, false, true, false]);
    // The gutter and the mark are their own segments, painted as the gutter; the code runs
    // to the end of the column so a background marks out the block.
    let segments = layout.segments(&d, LinePos { block: 0, line: 2 });
    assert_eq!(segments[0].text, CONTINUATION);
    assert_eq!(segments[0].paint, Paint::Gutter);
    assert!(segments[1..].iter().all(|s| s.paint == Paint::Code));
    let drawn: usize = segments.iter().map(|s| text_width(&s.text)).sum();
    assert_eq!(drawn, 28);
}

#[test]
fn table_columns_are_aligned_and_cells_wrap_under_their_column() {
    let d = md("\
| Left | Centre | Right |
|:-----|:------:|------:|
| a | b | c |
| a longer cell with words | mid | 1234 |
");
    let lines = render_plain(&d, WrapOptions::new(80));
    assert_eq!(
        lines,
        [
            "Left                     │ Centre │ Right",
            "a                        │   b    │     c",
            "a longer cell with words │  mid   │  1234",
        ]
    );
    let lines = render_plain(&d, WrapOptions::new(30));
    assert_eq!(
        lines,
        [
            "Left          │ Centre │ Right",
            "a             │   b    │     c",
            "a longer cell │  mid   │  1234",
            "with words    │        │",
        ]
    );
}

#[test]
fn a_table_that_cannot_fit_is_shown_as_records_and_lines_map_back_to_rows() {
    let d = md("\
Before.

| Name | Population | Capital |
|------|-----------:|---------|
| Deutschland | 83 Mio. | Berlin |
| Österreich | 9 Mio. | Wien an der Donau |

After.
");
    let mut layout = Layout::new(&d, WrapOptions::new(20));
    let all = layout.all_lines(&d);
    let lines: Vec<String> = all.iter().map(|&p| layout.plain_text(&d, p)).collect();
    assert_eq!(
        lines,
        [
            "Before.",
            "",
            "Name │ Population │",
            "Capital",
            "",
            "Name: Deutschland",
            "Population: 83 Mio.",
            "Capital: Berlin",
            "",
            "Name: Österreich",
            "Population: 9 Mio.",
            "Capital: Wien an der",
            "         Donau",
            "",
            "After.",
        ]
    );
    // Every line of a record maps to its row, and back.
    for &pos in &all {
        if layout.lines(pos.block).unwrap()[pos.line].is_gap() {
            continue;
        }
        let (block, offset) = layout.content_at(pos);
        assert_eq!(block, pos.block);
        assert_eq!(layout.line_at(&d, block, offset), Some(pos), "{pos:?}");
    }
    let wien = d.block(3).text.find("Wien").unwrap();
    let pos = layout.line_at(&d, 3, wien).unwrap();
    assert_eq!(layout.plain_text(&d, pos), "Capital: Wien an der");
    let donau = d.block(3).text.find("Donau").unwrap();
    let pos = layout.line_at(&d, 3, donau).unwrap();
    assert_eq!(layout.plain_text(&d, pos), "         Donau");
}

#[test]
fn two_tables_one_after_the_other_are_set_apart() {
    let d = md("| a |\n|---|\n| 1 |\n\n<!-- -->\n\n| b |\n|---|\n| 2 |\n");
    assert_eq!(
        render_plain(&d, WrapOptions::new(20)),
        ["a", "1", "", "b", "2"]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Tables of any shape, at any width: as a grid or as records, every line fits (but a
    /// lone wide character in a one-cell column), every word of every cell is drawn, and
    /// every line maps to its row and back.
    #[test]
    fn tables_fit_keep_their_words_and_map_back(
        rows in prop::collection::vec(
            prop::collection::vec("([a-z]{1,9}|[你好世界]{1,3})( [a-z]{1,7}){0,4}", 1..6),
            1..5,
        ),
        aligns in prop::collection::vec(prop::sample::select(vec![":--", ":-:", "--:", "---"]), 6),
        width in 1usize..60,
    ) {
        let columns = rows.iter().map(Vec::len).max().unwrap_or(1);
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut text = line(&rows[0]);
        text.push_str(&format!("|{}|\n", aligns[..columns].join("|")));
        for row in &rows[1..] {
            text.push_str(&line(row));
        }
        let d = md(&text);
        let mut layout = Layout::new(&d, WrapOptions::new(width));
        let mut drawn = Vec::new();
        for pos in layout.all_lines(&d) {
            let plain = layout.plain_text(&d, pos);
            let single = plain.trim().graphemes(true).count() == 1;
            prop_assert!(text_width(&plain) <= width || single, "{:?} wider than {}", plain, width);
            drawn.extend(words(&plain));
            if layout.lines(pos.block).unwrap()[pos.line].is_gap() {
                continue;
            }
            let (block, offset) = layout.content_at(pos);
            prop_assert_eq!(layout.line_at(&d, block, offset), Some(pos));
        }
        // Every letter of the cells is drawn (labels repeat the headers' letters, so the
        // letters drawn are counted as at least those of the cells).
        let count = |text: &str| {
            let mut counts = std::collections::HashMap::new();
            for c in text.chars().filter(|c| c.is_alphabetic()) {
                *counts.entry(c).or_insert(0usize) += 1;
            }
            counts
        };
        let drawn = count(&drawn.concat());
        let cells = count(&rows.iter().flatten().cloned().collect::<String>());
        for (c, n) in cells {
            prop_assert!(drawn.get(&c).copied().unwrap_or(0) >= n, "{:?} lost", c);
        }
    }
}

#[test]
fn alerts_and_definitions_sit_right_under_their_label_and_term() {
    let d = md(
        "> [!NOTE]\n> Read this.\n\nTerm\n: Meaning of it.\n\n- item\n\n  Term\n  : Inside.\n\n  after\n",
    );
    let lines = render_plain(&d, WrapOptions::new(40));
    assert_eq!(
        lines,
        [
            "│ Note",
            "│ Read this.",
            "",
            "Term",
            "    Meaning of it.",
            "",
            "• item",
            "",
            "  Term",
            "      Inside.",
            "",
            "  after",
        ]
    );
}

/// The marked roles of a line, as (text, role) for the pieces with a mark.
fn marked(layout: &Layout, d: &Document, pos: LinePos, marks: &[Mark]) -> Vec<(String, Role)> {
    layout
        .segments_marked(d, pos, marks)
        .into_iter()
        .filter_map(|s| {
            let role = if s.roles.contains(Role::CurrentMatch) {
                Role::CurrentMatch
            } else if s.roles.contains(Role::Match) {
                Role::Match
            } else {
                return None;
            };
            Some((s.text.into_owned(), role))
        })
        .collect()
}

#[test]
fn a_match_across_a_line_end_is_marked_on_both_lines_in_styled_text() {
    let d = md("The **night train** goes to [Vienna and on](x) to Paris.");
    let text = d.block(0).text;
    let mut layout = Layout::new(&d, WrapOptions::new(16));
    let lines = layout.all_lines(&d);
    assert!(lines.len() > 2);
    let find = |s: &str| {
        let at = text.find(s).unwrap();
        at..at + s.len()
    };
    // "train goes to" starts in bold and breaks after "train"; "Vienna and on" is a link
    // broken over lines too.
    let marks = [
        (find("train goes to"), Role::CurrentMatch),
        (find("Vienna and on"), Role::Match),
    ];
    let all: Vec<(String, Role)> = lines
        .iter()
        .flat_map(|&pos| marked(&layout, &d, pos, &marks))
        .collect();
    let joined = |role: Role| {
        all.iter()
            .filter(|(_, r)| *r == role)
            .map(|(t, _)| t.trim())
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(joined(Role::CurrentMatch), "train goes to");
    assert_eq!(joined(Role::Match), "Vienna and on");
    let lines_with = |role: Role| {
        lines
            .iter()
            .filter(|&&pos| {
                marked(&layout, &d, pos, &marks)
                    .iter()
                    .any(|(_, r)| *r == role)
            })
            .count()
    };
    assert!(lines_with(Role::CurrentMatch) >= 2, "on both lines");
    assert!(lines_with(Role::Match) >= 2, "on both lines");
    // The styles stay: the marked "train" is still bold, "Vienna" still a link.
    let segments = layout.segments_marked(&d, lines[0], &marks);
    let train = segments.iter().find(|s| s.text.contains("train"));
    assert!(train.is_some_and(|s| s.roles.contains(Role::Strong)
        && s.roles.contains(Role::CurrentMatch)));
    // Without marks, the same text as always.
    for &pos in &lines {
        let plain: String = layout
            .segments(&d, pos)
            .iter()
            .map(|s| s.text.as_ref())
            .collect();
        let with: String = layout
            .segments_marked(&d, pos, &marks)
            .iter()
            .map(|s| s.text.as_ref())
            .collect();
        assert_eq!(plain, with);
    }
}

#[test]
fn a_match_over_a_hyphenation_point_is_marked_on_both_lines() {
    let d = parse(
        "Die Zusammenarbeit der Gemeinden ist eine Selbstverständlichkeit geworden.",
        Format::Plain,
        "t",
        Some("de"),
    );
    let text = d.block(0).text;
    let mut layout = Layout::new(&d, WrapOptions::new(14));
    let lines = layout.all_lines(&d);
    let hyphenated: Vec<LinePos> = lines
        .iter()
        .copied()
        .filter(|&p| layout.lines(p.block).unwrap()[p.line].hyphen())
        .collect();
    assert!(!hyphenated.is_empty(), "a word is split at this width");
    let split = hyphenated[0];
    let line = layout.lines(split.block).unwrap()[split.line];
    // The word split at that line end.
    let start = text[..line.end as usize].rfind(' ').map_or(0, |i| i + 1);
    let end = text[line.end as usize..]
        .find([' ', '.'])
        .map_or(text.len(), |i| line.end as usize + i);
    let marks = [(start..end, Role::Match)];
    let first = marked(&layout, &d, split, &marks);
    let next = LinePos {
        line: split.line + 1,
        ..split
    };
    let second = marked(&layout, &d, next, &marks);
    assert!(
        !first.is_empty() && !second.is_empty(),
        "{first:?} {second:?}"
    );
    assert_eq!(
        format!("{}{}", first[0].0, second[0].0),
        &text[start..end],
        "both halves, no hyphen in the match"
    );
}

#[test]
fn every_role_survives_a_set_of_roles() {
    use Role::*;
    // Listed here by hand: a role left out of `Role::ALL` is never drawn.
    for role in [
        Emphasis,
        Strong,
        Code,
        Link,
        Strike,
        Callout,
        Match,
        CurrentMatch,
    ] {
        assert_eq!(
            Roles::from(role).iter().collect::<Vec<_>>(),
            [role],
            "{role:?}"
        );
    }
    let d = md("> [!WARNING]\n> Careful.\n");
    let mut layout = Layout::new(&d, WrapOptions::new(40));
    let first = layout.first(&d).unwrap();
    let top = layout.window(&d, first, 1)[0];
    assert!(
        layout
            .segments(&d, top)
            .iter()
            .any(|s| s.text.contains("Warning") && s.roles.contains(Callout)),
        "the alert's label is drawn as a callout"
    );
}

/// Pieces of Markdown for [`render_matches_segments`]: paragraphs in several scripts with
/// emphasis, code and links, list items (nested, numbered), quotes, headings, code blocks,
/// tables and rules.
fn markdown_piece() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "Wort",
        "words",
        "Datenschutzprotokolle",
        "über",
        "слово",
        "كلمة",
        "शब्द",
        "中文字",
        "日本語の",
        "ภาษาไทย",
        "😶\u{200D}🌫\u{FE0F}",
        "🇩🇪",
        "*em*",
        "**strong**",
        "`code`",
        "[link](https://example.org/a/b)",
        "https://example.org/path/to/page",
        "x-y",
        "—",
        "a",
        "e\u{301}",
        "  ",
    ]);
    let text = prop::collection::vec(words, 1..40).prop_map(|w| w.join(" "));
    prop_oneof![
        4 => text.clone(),
        2 => (0usize..3, text.clone()).prop_map(|(depth, t)| format!("{}- {t}", "  ".repeat(depth))),
        1 => text.clone().prop_map(|t| format!("12. {t}")),
        1 => text.clone().prop_map(|t| format!("> {t}\n> {t}")),
        1 => text.clone().prop_map(|t| format!("## {t}")),
        1 => text.clone().prop_map(|t| format!("```\n{t}\n  {t}\n```")),
        1 => (text.clone(), text.clone())
            .prop_map(|(a, b)| format!("| {a} | b |\n|---|---|\n| {b} | `c` |")),
        1 => Just("---".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// `blatt render` writes the plain lines of text without building their segments; what
    /// it writes is still the segments of every line joined, as the reader draws them.
    #[test]
    fn render_matches_segments(
        pieces in prop::collection::vec(markdown_piece(), 1..12),
        width in 1usize..100,
        justify: bool,
        hyphenate: bool,
    ) {
        let d = parse(&pieces.join("\n\n"), Format::Markdown, "t", Some("de"));
        let options = WrapOptions { width, hyphenate, justify };
        let mut out = Vec::new();
        render_parallel(&d, options, &mut out).expect("write");
        let expected: String = render_plain(&d, options)
            .into_iter()
            .map(|l| l + "\n")
            .collect();
        prop_assert_eq!(String::from_utf8(out).expect("utf-8"), expected);
    }
}
