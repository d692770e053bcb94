//! Links and the places they point at: targets kept from every kind of Markdown link, bare
//! URLs in plain text, footnotes, fragments resolved to sections, hostile targets.

use super::{Document, Format, Role, parse};

/// Each link of a document: its text and its target.
fn links(doc: &Document) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for block in doc.blocks() {
        for span in block.spans.iter().filter(|s| s.role == Role::Link) {
            if let Some(target) = block.link_target(span) {
                out.push((block.text[span.range()].to_string(), target.to_string()));
            }
        }
    }
    out
}

fn md(text: &str) -> Document {
    parse(text, Format::Markdown, "t", Some("en"))
}

fn pair(text: &str, target: &str) -> (String, String) {
    (text.to_string(), target.to_string())
}

#[test]
fn markdown_links_keep_their_targets() {
    let doc = md("# T\n\n\
        An [inline](https://example.org/a \"title\") link, a [reference][r], a \
        [collapsed][] one, an autolink <https://example.org/auto>, a mail \
        <mail@example.org>, a [**bold** link](other.md#part), a [local](#section-two).\n\n\
        [r]: https://example.org/ref\n\
        [collapsed]: ./c.md\n\n\
        ## Section two\n\nText.\n");
    assert_eq!(
        links(&doc),
        [
            pair("inline", "https://example.org/a"),
            pair("reference", "https://example.org/ref"),
            pair("collapsed", "./c.md"),
            pair("https://example.org/auto", "https://example.org/auto"),
            pair("mail@example.org", "mailto:mail@example.org"),
            pair("bold link", "other.md#part"),
            pair("local", "#section-two"),
        ]
    );
    // The bold part is bold and a link.
    let block = doc.block(1);
    let bold = block.text.find("bold").expect("bold");
    assert!(
        block
            .spans
            .iter()
            .any(|s| s.role == Role::Strong && s.range().start == bold)
    );
}

#[test]
fn html_links_keep_their_targets() {
    let doc = md(
        "<p>A <a href=\" https://example.org/h \">block link</a>.</p>\n\n\
        Inline <a href=\"x.md\">html</a> and <a name=\"n\">no href</a>.\n",
    );
    assert_eq!(
        links(&doc),
        [
            pair("block link", "https://example.org/h"),
            pair("html", "x.md")
        ]
    );
}

#[test]
fn bare_urls_in_plain_text_are_links() {
    let doc = parse(
        "Title\n\nSee https://example.org/a_(b) and (http://example.org/x). Not ftp://x.org \
         nor www.example.org.\n",
        Format::Plain,
        "t",
        Some("en"),
    );
    assert_eq!(
        links(&doc),
        [
            pair("https://example.org/a_(b)", "https://example.org/a_(b)"),
            pair("http://example.org/x", "http://example.org/x"),
        ]
    );
}

#[test]
fn hostile_targets_are_kept_without_control_characters() {
    let long = format!("https://example.org/{}", "a".repeat(100_000));
    let doc = md(&format!(
        "<a href=\"https://evil.example/\u{1b}]8;;x\u{7}\">esc</a> [js](javascript:alert(1)) [long]({long})\n"
    ));
    let found = links(&doc);
    assert_eq!(found.len(), 3);
    assert!(
        found.iter().all(|(_, t)| !t.chars().any(char::is_control)),
        "{:?}",
        found
            .iter()
            .map(|(_, t)| &t[..t.len().min(40)])
            .collect::<Vec<_>>()
    );
    assert_eq!(
        found[1].1, "javascript:alert(1)",
        "kept: refused when followed"
    );
    assert_eq!(found[2].1.len(), long.len());
}

#[test]
fn footnotes_are_raised_marks_linking_to_their_notes_and_back() {
    let doc = md("# T\n\nA claim.[^1] Another.[^note]\n\n[^1]: The source.\n[^note]: A note.\n");
    let text = doc.block(1).text;
    assert_eq!(text, "A claim.¹ Another.[note]");
    assert_eq!(
        links(&doc),
        [pair("¹", "#fn-1"), pair("[note]", "#fn-note")]
    );
    let (block, offset) = doc.fragment("fn-1").expect("the note of 1");
    assert!(doc.block(block).text.contains("The source."));
    assert_eq!(doc.block(block).marker, "¹");
    assert_eq!(offset, 0);
    let (back, at) = doc.fragment("fnref-1").expect("the reference to 1");
    assert_eq!((back, &doc.block(back).text[at..at + "¹".len()]), (1, "¹"));
    assert!(doc.fragment("fn-note").is_some());
}

#[test]
fn fragments_name_sections_by_slug_id_or_github_number() {
    let doc = md(
        "# Book\n\n## Chapter\n\nOne.\n\n## Chapter\n\nTwo.\n\n## Explicit {#my-id}\n\nThree.\n\n## Chapter\n\nFour.\n",
    );
    let text = |f: &str| {
        doc.fragment(f)
            .map(|(b, _)| doc.block(b + 1).text.to_string())
    };
    assert_eq!(text("chapter").as_deref(), Some("One."));
    assert_eq!(text("chapter-1").as_deref(), Some("Two."));
    assert_eq!(text("chapter-2").as_deref(), Some("Four."));
    assert_eq!(text("my-id").as_deref(), Some("Three."));
    assert_eq!(text("chapter-3"), None);
    assert_eq!(text("nothing"), None);
}

#[test]
fn links_survive_a_block_cut_for_length_and_reading_in_pieces() {
    let mut text = String::from("# T\n\n");
    let word = "[word](https://example.org/w) ";
    while text.len() < super::LONGEST_BLOCK * 14 {
        text.push_str(word);
    }
    text.push('\n');
    let doc = md(&text);
    assert!(
        doc.block_count() > 2,
        "cut for length: {} blocks, {:?}",
        doc.block_count(),
        doc.blocks().map(|b| b.text.len()).collect::<Vec<_>>()
    );
    let found = links(&doc);
    assert!(found.len() > 1000);
    assert!(
        found
            .iter()
            .all(|(t, u)| t == "word" && u == "https://example.org/w")
    );
}
