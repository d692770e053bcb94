//! Front matter: a block of YAML (between `---` lines) or TOML (between `+++` lines) at the
//! very top of a Markdown file, where static-site generators and note apps keep an
//! article's title, author, date and language. It is never shown; what it says becomes the
//! document's [`Metadata`]. A block that does not parse is hidden all the same and says
//! nothing: a typo in a note's header must not stop it from being read.
//!
//! Only the top counts: pulldown-cmark's own metadata blocks would also take a `---` rule
//! with a later `---` anywhere in the text for one, and hide what is between.

use super::Metadata;
use super::sanitize::sanitize_line;

/// Front matter larger than this is not parsed (it is still hidden).
const LARGEST: usize = 64 * 1024;
/// Brackets nested deeper than this are not parsed: nothing an article says about itself
/// needs them, and parsers build (and drop) nested values recursively.
const DEEPEST: usize = 32;

/// Splits front matter off the top of `text`: what it says, and where the rest starts (0
/// when there is none).
pub fn split(text: &str) -> (Metadata, usize) {
    let Some((yaml, body, rest)) = find(text) else {
        return (Metadata::default(), 0);
    };
    let meta = if body.len() > LARGEST || too_deep(body) {
        Metadata::default()
    } else if yaml {
        from_yaml(body)
    } else {
        from_toml(body)
    };
    (meta, rest)
}

/// The block at the top: whether it is YAML, its body, and where the text after it starts.
/// As pulldown-cmark has it: the opening line is `---` or `+++` alone (spaces may follow),
/// the next line is not blank (else `---` is a rule), and a line `---` or `...` (YAML) or
/// `+++` (TOML) closes it; without one there is no front matter.
fn find(text: &str) -> Option<(bool, &str, usize)> {
    let text_start = usize::from(text.starts_with('\u{feff}')) * '\u{feff}'.len_utf8();
    let mut lines = text[text_start..].split_inclusive('\n');
    let first = lines.next()?;
    let yaml = match first.trim_end() {
        "---" => true,
        "+++" => false,
        _ => return None,
    };
    let body_start = text_start + first.len();
    let mut at = body_start;
    for (i, line) in lines.enumerate() {
        let trimmed = line.trim_end();
        if i == 0 && trimmed.trim_start().is_empty() {
            return None;
        }
        let closes = if yaml {
            trimmed == "---" || trimmed == "..."
        } else {
            trimmed == "+++"
        };
        if closes && i > 0 {
            let body = &text[body_start..at];
            // `---`, a line, `---` is also a rule and a heading (`Foo` underlined): only a
            // block that starts as a table of keys is front matter.
            return starts_with_key(body, yaml).then_some((yaml, body, at + line.len()));
        }
        if closes {
            // The block cannot end on its first line (pulldown-cmark's rule too).
            return None;
        }
        at += line.len();
    }
    None
}

/// Whether the first line of `body` that is not a comment starts a key (`title: …` in
/// YAML; `title = …` or `[table]` in TOML). A key may be quoted.
fn starts_with_key(body: &str, yaml: bool) -> bool {
    let Some(line) = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
    else {
        return false;
    };
    if !yaml && line.starts_with('[') {
        return true;
    }
    let (key_ok, rest) = match line.chars().next() {
        Some(q @ ('"' | '\'')) => match line[1..].find(q) {
            Some(end) => (true, &line[end + 2..]),
            None => return false,
        },
        _ => {
            let end = line
                .find(if yaml { ':' } else { '=' })
                .unwrap_or(line.len());
            let key = line[..end].trim();
            let plain = !key.is_empty()
                && !key.contains(char::is_whitespace)
                && !key.starts_with(['-', '[', '{', '&', '*', '!', '|', '>', '?']);
            (plain, &line[end..])
        }
    };
    let rest = rest.trim_start();
    key_ok
        && if yaml {
            rest.strip_prefix(':')
                .is_some_and(|after| after.is_empty() || after.starts_with(char::is_whitespace))
        } else {
            rest.starts_with('=')
        }
}

fn too_deep(body: &str) -> bool {
    let mut depth = 0usize;
    for b in body.bytes() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > DEEPEST {
                    return true;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn from_yaml(body: &str) -> Metadata {
    use saphyr::{LoadableYamlNode, Yaml};
    let Ok(docs) = Yaml::load_from_str(body) else {
        return Metadata::default();
    };
    let Some(top) = docs.first() else {
        return Metadata::default();
    };
    let text = |key: &str| top.as_mapping_get(key).and_then(yaml_text);
    let authors = ["author", "authors"]
        .iter()
        .filter_map(|key| top.as_mapping_get(key))
        .flat_map(|value| match value.as_sequence() {
            Some(list) => list.iter().filter_map(yaml_name).collect(),
            None => yaml_name(value).into_iter().collect::<Vec<_>>(),
        })
        .collect();
    metadata(
        text("title"),
        authors,
        text("date"),
        text("lang").or_else(|| text("language")),
    )
}

/// A scalar as text: strings, numbers and booleans (a date is a string in YAML 1.2).
fn yaml_text(value: &saphyr::Yaml) -> Option<String> {
    if let Some(s) = value.as_str() {
        return Some(s.to_string());
    }
    if let Some(n) = value.as_integer() {
        return Some(n.to_string());
    }
    if let Some(f) = value.as_floating_point() {
        return Some(f.to_string());
    }
    None
}

/// An author: a name, or a mapping with a `name`.
fn yaml_name(value: &saphyr::Yaml) -> Option<String> {
    yaml_text(value).or_else(|| value.as_mapping_get("name").and_then(yaml_text))
}

fn from_toml(body: &str) -> Metadata {
    let Ok(table) = body.parse::<toml::Table>() else {
        return Metadata::default();
    };
    let text = |key: &str| table.get(key).and_then(toml_text);
    let authors = ["author", "authors"]
        .iter()
        .filter_map(|key| table.get(*key))
        .flat_map(|value| match value.as_array() {
            Some(list) => list.iter().filter_map(toml_name).collect(),
            None => toml_name(value).into_iter().collect::<Vec<_>>(),
        })
        .collect();
    metadata(
        text("title"),
        authors,
        text("date"),
        text("lang").or_else(|| text("language")),
    )
}

fn toml_text(value: &toml::Value) -> Option<String> {
    match value {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::Datetime(d) => Some(d.to_string()),
        _ => None,
    }
}

fn toml_name(value: &toml::Value) -> Option<String> {
    toml_text(value).or_else(|| value.get("name").and_then(toml_text))
}

/// Values as one clean line each (escapes in YAML strings can make control characters);
/// empty ones are none.
fn metadata(
    title: Option<String>,
    authors: Vec<String>,
    date: Option<String>,
    language: Option<String>,
) -> Metadata {
    let clean = |s: String| Some(sanitize_line(&s).trim().to_string()).filter(|s| !s.is_empty());
    Metadata {
        title: title.and_then(clean),
        authors: authors.into_iter().filter_map(clean).collect(),
        date: date.and_then(clean),
        language: language.and_then(clean),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_is_read_and_split_off() {
        let text = "---\ntitle: \"Ein Titel\"\nauthor: [Ana, {name: Ben}]\ndate: 2024-03-05\nlang: de\n---\n# Body\n";
        let (meta, rest) = split(text);
        assert_eq!(&text[rest..], "# Body\n");
        assert_eq!(meta.title.as_deref(), Some("Ein Titel"));
        assert_eq!(meta.authors, ["Ana", "Ben"]);
        assert_eq!(meta.date.as_deref(), Some("2024-03-05"));
        assert_eq!(meta.language.as_deref(), Some("de"));
        let (meta, _) = split("---\nauthors:\n  - A\n  - B\nlanguage: en\n...\ntext");
        assert_eq!(meta.authors, ["A", "B"]);
        assert_eq!(meta.language.as_deref(), Some("en"));
    }

    #[test]
    fn toml_front_matter_is_read() {
        let text = "+++\ntitle = 'T'\nauthors = ['X']\ndate = 2024-01-02\n+++\nbody";
        let (meta, rest) = split(text);
        assert_eq!(&text[rest..], "body");
        assert_eq!(meta.title.as_deref(), Some("T"));
        assert_eq!(meta.authors, ["X"]);
        assert_eq!(meta.date.as_deref(), Some("2024-01-02"));
    }

    #[test]
    fn malformed_front_matter_is_hidden_and_says_nothing() {
        for text in [
            "---\ntitle: [unclosed\n---\nbody",
            "+++\ntitle = \n+++\nbody",
            "---\ntitle: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n---\nbody",
            "---\nlist:\n- just\n- a list\n---\nbody",
        ] {
            let (meta, rest) = split(text);
            assert_eq!(meta, Metadata::default(), "{text}");
            assert_eq!(&text[rest..], "body", "{text}");
        }
    }

    #[test]
    fn only_a_block_at_the_top_is_front_matter() {
        for text in [
            "---\n\ntitle: x\n---\n",
            "text\n---\ntitle: x\n---\n",
            "---\ntitle: x\n",
            "----\ntitle: x\n----\n",
            "---\n---\n",
            // A rule and a heading, as CommonMark reads them (spec example 96).
            "---\nFoo\n---\nBar\n---\nBaz\n",
            "---\n- just\n- a list\n---\nbody",
            "+++\nnot toml\n+++\n",
        ] {
            assert_eq!(split(text).1, 0, "{text:?}");
        }
    }

    #[test]
    fn values_are_cleaned() {
        let (meta, _) = split("---\ntitle: \"a\\e[31mb\\u0007\"\n---\n");
        assert_eq!(meta.title.as_deref(), Some("ab"));
    }
}
