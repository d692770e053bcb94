//! Saving an extracted article into a library: the file `<group>/<yyyy-mm-dd>-<slug>.md`
//! (an H1 title, a source line, the body), written atomically under a safe and unique name,
//! and its entry added to INDEX.md by the same edit-in-place code as `blatt index`
//! ([`crate::library::build::add`]), written atomically too.
//!
//! Names are made here, from clean text only: a group or slug keeps letters, digits and
//! single dashes (so no path separator, control or bidi character, no leading dot, no `..`),
//! capped in length; a name already taken gets `-2`, `-3`, …. So nothing a page or feed says
//! can make blatt write outside the library folder.

use std::path::Path;
use std::time::SystemTime;

use super::extract::Article;
use crate::library::build::{self, Found};

/// The longest slug, in characters.
const SLUG_LEN: usize = 60;
/// The longest group folder name, in characters.
const GROUP_LEN: usize = 60;
/// How much of an existing file is read to see which address it was saved from.
const HEAD: u64 = 4096;

/// An article ready to be written.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub article: Article,
    /// The address it was saved from (canonical), for the source line; `None` for a file.
    pub source: Option<String>,
    /// The group (heading and folder) it goes under.
    pub group: String,
    /// `yyyy-mm-dd`: the article's date, else today.
    pub date: String,
}

/// A file name part made of letters and digits with single dashes between runs, lowercase,
/// at most `len` characters; `fallback` when nothing is left.
pub fn slug(text: &str, len: usize, fallback: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
        if out.chars().count() >= len {
            break;
        }
    }
    let out: String = out.chars().take(len).collect();
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        fallback.to_string()
    } else {
        out
    }
}

/// The folder name of a group: its words joined by dashes as [`slug`] makes them, but
/// keeping case and spaces so that the heading reads as the person named it.
pub fn group_name(text: &str) -> String {
    let clean = crate::document::sanitize::sanitize_line(text);
    let mut out = String::new();
    let mut gap = false;
    for c in clean.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        } else if c == '-' || c == '_' {
            if !out.is_empty() && !gap {
                out.push(c);
            }
        } else {
            gap = true;
        }
    }
    let out: String = out.chars().take(GROUP_LEN).collect();
    let out = out.trim_matches(['-', '_', ' ']).to_string();
    if out.is_empty() {
        "News".to_string()
    } else {
        out
    }
}

/// The site an article is from: its name as the page gives it, else the host of its
/// address.
fn site(prepared: &Prepared) -> Option<String> {
    prepared.article.site.clone().or_else(|| {
        prepared
            .source
            .as_deref()
            .and_then(|s| url::Url::parse(s).ok())
            .and_then(|u| u.host_str().map(str::to_string))
    })
}

/// The text of the article file: `# Title`, the source line, the body.
pub fn render(prepared: &Prepared) -> String {
    let article = &prepared.article;
    let escape = build::md_escape;
    let mut out = format!("# {}\n\n", escape(&article.title));
    let site = site(prepared);
    let mut parts: Vec<String> = Vec::new();
    if let Some(site) = site {
        parts.push(escape(&site));
    }
    if let Some(byline) = &article.byline {
        parts.push(escape(byline));
    }
    parts.push(prepared.date.clone());
    if let Some(source) = &prepared.source {
        parts.push(format!("<{}>", source.replace(['<', '>', ' '], "")));
    }
    out.push_str(&parts.join(" · "));
    out.push_str("\n\n");
    out.push_str(&article.markdown);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// The file (path below the library) that already holds the article saved from `source`
/// in `group`: an earlier run may have written it and stopped before recording it.
pub fn existing(library: &Path, prepared: &Prepared) -> Option<String> {
    use std::io::Read;
    let source = prepared.source.as_deref()?;
    let group = group_name(&prepared.group);
    let slug = slug(&prepared.article.title, SLUG_LEN, "article");
    let needle = format!("<{source}>");
    for entry in std::fs::read_dir(library.join(&group)).ok()?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".md") else {
            continue;
        };
        // `yyyy-mm-dd-<slug>` or `yyyy-mm-dd-<slug>-N`.
        let rest = stem.get(11..).unwrap_or("");
        let same = rest == slug
            || rest
                .strip_prefix(&slug)
                .and_then(|r| r.strip_prefix('-'))
                .is_some_and(|n| n.parse::<u32>().is_ok());
        if !same || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let mut head = Vec::new();
        let read =
            std::fs::File::open(entry.path()).and_then(|f| f.take(HEAD).read_to_end(&mut head));
        if read.is_ok() && String::from_utf8_lossy(&head).contains(&needle) {
            return Some(format!("{group}/{name}"));
        }
    }
    None
}

/// Writes the article file into `library` under a new name, atomically, and returns its
/// path below the library.
pub fn write_article(library: &Path, prepared: &Prepared) -> std::io::Result<String> {
    let group = group_name(&prepared.group);
    let folder = library.join(&group);
    std::fs::create_dir_all(&folder)?;
    let folder_meta = std::fs::symlink_metadata(&folder)?;
    if !folder_meta.is_dir() {
        return Err(std::io::Error::other(format!(
            "{group} in the library is not a folder"
        )));
    }
    sweep(&folder, ".md", std::time::Duration::ZERO);
    let base = format!(
        "{}-{}",
        prepared.date,
        slug(&prepared.article.title, SLUG_LEN, "article")
    );
    let text = render(prepared);
    for n in 1.. {
        let name = if n == 1 {
            format!("{base}.md")
        } else {
            format!("{base}-{n}.md")
        };
        let path = folder.join(&name);
        if std::fs::symlink_metadata(&path).is_ok() {
            continue;
        }
        super::write_atomically(&path, text.as_bytes())?;
        return Ok(format!("{group}/{name}"));
    }
    unreachable!("some name is free")
}

/// Removes the temporary files an atomic write killed half-way left in `folder`
/// (`.<name><ending>.XXXXXX`) that are at least `age` old. Articles are swept under the
/// records' lock, so any such file is a leftover; INDEX.md temporaries only when older than a
/// minute, as `blatt index` may be writing one.
fn sweep(folder: &Path, ending: &str, age: std::time::Duration) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((stem, suffix)) = name.rsplit_once('.') else {
            continue;
        };
        let leftover = name.starts_with('.')
            && stem.ends_with(ending)
            && suffix.len() == 6
            && suffix.chars().all(|c| c.is_ascii_alphanumeric());
        let old = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|elapsed| elapsed >= age);
        if leftover && old {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The INDEX.md entry of a saved article.
pub fn entry(prepared: &Prepared, path: &str) -> Found {
    let article = &prepared.article;
    let site = site(prepared);
    let details = [site, Some(prepared.date.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let language = article
        .language
        .clone()
        .map(|l| l.replace(',', ""))
        .or_else(|| {
            let head: String = article.markdown.chars().take(2048).collect();
            crate::document::guess_language(&head).map(str::to_string)
        });
    // The page's excerpt, else the first paragraph of the text.
    let first = || {
        article
            .markdown
            .split("\n\n")
            .map(str::trim)
            .find(|p| !p.is_empty() && !p.starts_with(['#', '!', '|', '>', '`', '-', '*']))
            .map(crate::document::sanitize::sanitize_line)
    };
    let description = article
        .excerpt
        .clone()
        .or_else(first)
        .as_deref()
        .map(build::first_sentence)
        .unwrap_or_default();
    Found {
        path: path.to_string(),
        group: group_name(&prepared.group),
        title: article.title.clone(),
        language,
        description,
        details: Some(details.replace(" — ", " – ")),
        modified: SystemTime::now(),
    }
}

/// Adds entries to `library/INDEX.md` (creating it when there is none), keeping every other
/// byte, atomically. Entries whose file INDEX.md already lists are left out.
pub fn add_to_index(library: &Path, found: Vec<Found>) -> anyhow::Result<usize> {
    use anyhow::Context as _;
    sweep(
        library,
        crate::library::INDEX_FILE,
        std::time::Duration::from_secs(60),
    );
    let path = library.join(crate::library::INDEX_FILE);
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(
            String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{} is not UTF-8: not changed", path.display()))?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let (new, count) = match &existing {
        Some(old) => {
            let (new, changes) = build::add(old, found);
            (new, changes.added.len())
        }
        None => {
            let count = found.len();
            (build::create("News", found), count)
        }
    };
    if existing.as_deref() != Some(new.as_str()) {
        super::write_atomically(&path, new.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_safe() {
        assert_eq!(slug("Hello, World!", 60, "x"), "hello-world");
        assert_eq!(slug("../../etc/passwd", 60, "x"), "etc-passwd");
        assert_eq!(slug(".hidden", 60, "x"), "hidden");
        assert_eq!(slug("\u{202e}evil\u{1b}[31m", 60, "x"), "evil-31m");
        assert_eq!(slug("Ünïcödé Ärger 東京", 60, "x"), "ünïcödé-ärger-東京");
        assert_eq!(slug("!!!", 60, "article"), "article");
        assert_eq!(slug(&"a".repeat(500), 60, "x").chars().count(), 60);
        assert_eq!(group_name("../Politik/EU"), "Politik EU");
        assert_eq!(group_name(".."), "News");
        assert_eq!(group_name("Tech\u{1b}]0;x\u{7}News"), "TechNews");
        assert_eq!(group_name("Heise online"), "Heise online");
    }
}
