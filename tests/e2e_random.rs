//! End-to-end: a jump to the end of a large article right after opening it, in the real
//! binary in tmux. The end is read ahead of the article (see `document::window`), so it
//! shows while the article still loads; once the whole article is in, the status line is
//! exact again.

mod common;
// The harness has more than this test needs.
#[allow(dead_code)]
mod tmux;

use tmux::{Tmux, show};

/// The last line of the generated article: only there, so seeing it means the end is shown.
const LAST: &str = "Schlusszeile 7f3a: the very last words.";

#[test]
fn g_right_after_opening_a_50_mb_article_shows_its_last_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("huge.txt");
    let mut text = String::with_capacity(51 << 20);
    text.push_str("A huge article\n\nIts first paragraph, the one the first screen shows.\n\n");
    let mut i = 0;
    while text.len() < 50 << 20 {
        if i % 200 == 0 {
            text.push_str(&format!("Chapter {}\n\n", i / 200 + 1));
        }
        text.push_str(&format!(
            "Paragraph {i} goes on about the weather, the river and the town for a while.\n\n"
        ));
        i += 1;
    }
    text.push_str(LAST);
    text.push('\n');
    std::fs::write(&path, text).expect("write the article");

    let tmux = Tmux::new();
    let arg = path.to_string_lossy().into_owned();
    let pane = tmux.run_blatt("random", 100, 30, &[&arg]);
    pane.wait_for("Its first paragraph");
    pane.key("G");
    let screen = pane.wait_for(LAST);
    // The end is the last line of text on screen (above the status line).
    let text_rows: Vec<&String> = screen.iter().filter(|l| !l.trim().is_empty()).collect();
    let last_text = text_rows.iter().rev().nth(1).map(|l| l.as_str());
    assert!(
        last_text.is_some_and(|l| l.contains(LAST)),
        "{}",
        show(&screen)
    );
    // The status line says what is not known yet while the article loads behind the
    // window (the sections before it), and is exact once it is all in.
    let status = text_rows.last().map_or("", |l| l.as_str());
    assert!(
        status.contains("§ ?/? · ~100%") || status.ends_with("· 100%"),
        "{}",
        show(&screen)
    );
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0);
    pane.assert_terminal_restored();
}
