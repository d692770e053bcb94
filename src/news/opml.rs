//! OPML, the list of feeds other readers import and export: reading the feeds out of one
//! (`<outline xmlUrl=…>`, grouped by the outline folder they sit in) and writing the
//! configured feeds as one. Read with quick-xml, which expands no entities of a DTD.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::feeds::FeedSpec;
use crate::document::sanitize::sanitize_line;

/// A feed named in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub url: String,
    pub title: Option<String>,
    /// The folder outline it is in, if any.
    pub group: Option<String>,
}

/// The most outlines read from one file.
const MAX_OUTLINES: usize = 10_000;

/// The feeds in an OPML text, in order; only http and https addresses.
pub fn read(text: &str) -> Result<Vec<Outline>, String> {
    let mut reader = Reader::from_str(text);
    let mut folders: Vec<Option<String>> = Vec::new();
    let mut out = Vec::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("not OPML: {e} (at byte {})", reader.buffer_position()))?;
        let (element, empty) = match &event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(e) if e.name().as_ref() == "outline" => {
                folders.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        if element.name().as_ref() != "outline" {
            continue;
        }
        let mut url = None;
        let mut title = None;
        let mut text_attr = None;
        for attribute in element.attributes().flatten() {
            let value = attribute
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_default();
            match attribute.key.as_ref() {
                "xmlUrl" | "xmlurl" => url = Some(value.trim().to_string()),
                "title" => title = Some(sanitize_line(&value)),
                "text" => text_attr = Some(sanitize_line(&value)),
                _ => {}
            }
        }
        let name = title.or(text_attr).filter(|t| !t.is_empty());
        match url {
            Some(url) => {
                if super::address::fetchable(&url).is_ok() && out.len() < MAX_OUTLINES {
                    out.push(Outline {
                        url,
                        title: name,
                        group: folders.iter().rev().flatten().next().cloned(),
                    });
                }
                if !empty {
                    folders.push(None);
                }
            }
            None if !empty => folders.push(name),
            None => {}
        }
    }
    Ok(out)
}

/// The feeds as an OPML 2.0 document, grouped by their configured group.
pub fn write(feeds: &[FeedSpec]) -> String {
    use quick_xml::escape::escape;
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n    <title>blatt feeds</title>\n  </head>\n  <body>\n",
    );
    let mut groups: Vec<(Option<&str>, Vec<&FeedSpec>)> = Vec::new();
    for feed in feeds {
        let group = feed.group.as_deref();
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, list)) => list.push(feed),
            None => groups.push((group, vec![feed])),
        }
    }
    for (group, list) in groups {
        let indent = if group.is_some() { "      " } else { "    " };
        if let Some(group) = group {
            let name = escape(sanitize_line(group));
            out.push_str(&format!("    <outline text=\"{name}\" title=\"{name}\">\n"));
        }
        for feed in list {
            let url = escape(sanitize_line(&feed.url));
            out.push_str(&format!(
                "{indent}<outline type=\"rss\" text=\"{url}\" xmlUrl=\"{url}\"/>\n"
            ));
        }
        if group.is_some() {
            out.push_str("    </outline>\n");
        }
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

/// The `[[feeds]]` tables to append to config.toml for the outlines not configured yet.
pub fn config_text(outlines: &[Outline], configured: &[FeedSpec]) -> (String, usize) {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut text = String::new();
    let mut count = 0;
    let mut known: Vec<String> = configured
        .iter()
        .map(|f| super::address::canonical_text(&f.url))
        .collect();
    for outline in outlines {
        let canonical = super::address::canonical_text(&outline.url);
        if known.contains(&canonical) {
            continue;
        }
        known.push(canonical);
        count += 1;
        text.push_str(&format!("\n[[feeds]]\nurl = {}\n", quote(&outline.url)));
        if let Some(group) = outline.group.as_ref().or(outline.title.as_ref()) {
            text.push_str(&format!("group = {}\n", quote(group)));
        }
    }
    (text, count)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPML: &str = r#"<?xml version="1.0"?>
<opml version="2.0"><head><title>x</title></head><body>
  <outline text="Tech">
    <outline type="rss" text="Heise &amp; Co" xmlUrl="https://example.org/heise.xml"/>
    <outline type="rss" text="Evil" xmlUrl="file:///etc/passwd"/>
  </outline>
  <outline type="rss" title="Alone" xmlUrl="http://example.net/feed"/>
</body></opml>"#;

    #[test]
    fn reads_feeds_with_their_folders() {
        let outlines = read(OPML).unwrap();
        assert_eq!(
            outlines,
            vec![
                Outline {
                    url: "https://example.org/heise.xml".into(),
                    title: Some("Heise & Co".into()),
                    group: Some("Tech".into()),
                },
                Outline {
                    url: "http://example.net/feed".into(),
                    title: Some("Alone".into()),
                    group: None,
                },
            ]
        );
        assert!(
            read("<opml><body><outline").is_err()
                || read("<opml><body><outline").unwrap().is_empty()
        );
    }

    #[test]
    fn writes_what_it_reads() {
        let feeds = vec![
            FeedSpec {
                url: "https://example.org/a?x=1&y=2".into(),
                group: Some("Tech <&>".into()),
                full_text: None,
                max_items: 20,
            },
            FeedSpec {
                url: "https://example.org/b".into(),
                group: None,
                full_text: None,
                max_items: 20,
            },
        ];
        let back = read(&write(&feeds)).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[0].url, "https://example.org/a?x=1&y=2");
        assert_eq!(back[0].group.as_deref(), Some("Tech <&>"));
        assert_eq!(back[1].group, None);
        let (text, count) = config_text(&back, &feeds[1..]);
        assert_eq!(count, 1);
        let parsed: toml::Table = toml::from_str(&text).unwrap();
        assert!(
            parsed["feeds"].as_array().unwrap()[0]["url"]
                .as_str()
                .unwrap()
                .contains("x=1")
        );
    }
}
