//! End to end: `F` in the library fetches the configured feeds from a server on 127.0.0.1
//! (started here) while blatt keeps running; the new articles appear in their group marked
//! `new` with the group's unread count, one opens, and `]` moves through its sections.

mod common;
mod news_server;
#[allow(dead_code)]
mod tmux;

use news_server::Server;
use tmux::{Tmux, show};

#[test]
fn f_fetches_feeds_in_the_background_and_new_articles_appear() {
    let server = Server::start();
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Gazette</title>\
         <item><title>Story 0 of tmux</title><link>{base}/items/tmux/0.html</link><guid>t0</guid></item>\
         <item><title>Council</title><link>{base}/article.html</link><guid>t1</guid></item>\
         </channel></rss>",
        base = server.base
    );
    server.put("/tmux.xml", "application/rss+xml", feed);
    let tmux = Tmux::new();
    let library = tempfile::tempdir().expect("library");
    std::fs::write(
        library.path().join("INDEX.md"),
        "# Test news\n\n## Older\n\n- [An older story](old.md)\n",
    )
    .expect("INDEX.md");
    std::fs::write(library.path().join("old.md"), "# An older story\n\nText.\n").expect("old");
    std::fs::write(
        tmux.config_dir().join("config.toml"),
        format!(
            "[[feeds]]\nurl = \"{}\"\ngroup = \"Gazette\"\nfull_text = true\n",
            server.url("/tmux.xml")
        ),
    )
    .expect("config");
    let index = library.path().join("INDEX.md");
    let pane = tmux.run_blatt(
        "news",
        100,
        30,
        &["--fresh", index.to_str().expect("a UTF-8 path")],
    );
    pane.wait_for("An older story");
    pane.key("F");
    let screen = pane.wait_until("the new articles, marked new", |s| {
        s.iter().any(|l| l.contains("City Council Opens Its Data"))
            && s.iter().any(|l| l.contains("Story 0 of tmux"))
            && s.iter()
                .any(|l| l.contains("Gazette") && l.contains("2 unread"))
    });
    assert!(
        screen
            .iter()
            .any(|l| l.contains("City Council Opens Its Data") && l.contains("new")),
        "not marked new:\n{}",
        show(&screen)
    );
    // The entry after the older one is the council story: open it and move through its
    // sections.
    pane.key("j");
    pane.key("Enter");
    pane.wait_for("The Example Gazette · Jane Doe");
    pane.key("]");
    pane.wait_for_status("2/4");
    pane.key("]");
    let screen = pane.wait_for_status("3/4");
    assert!(
        screen.iter().any(|l| l.contains("How to use the data")),
        "{}",
        show(&screen)
    );
    pane.key("q");
    pane.key("q");
    assert_eq!(pane.wait_for_exit(), 0);
    // Saved where INDEX.md says, once.
    let saved = std::fs::read_dir(library.path().join("Gazette"))
        .expect("group folder")
        .count();
    assert_eq!(saved, 2);
}
