//! `blatt index DIR`: an INDEX.md made from the articles in a folder, and kept up to date
//! by editing it in place.
//!
//! Creating writes one entry per article: subfolders are groups (a `##` heading each, named
//! by the folder's path), entries newest first (by the file's modification time, then by
//! path). Updating never regenerates the file: it parses the INDEX.md there is, adds the
//! articles it does not list at the end of their group (a new group at the end of the file),
//! and strikes through the entries whose file is gone, with the date it was first found
//! missing (`~~[Title](a.md)~~ (missing since 2026-12-01)`); an entry whose file is back
//! loses the mark. Every other byte of the file stays as it was.
//!
//! Scanning the folder is the only I/O here ([`scan`]); making and editing the text are
//! pure functions of what was found ([`create`], [`update`]).

use std::collections::{BTreeMap, HashSet};
use std::io::Read;
use std::ops::Range;
use std::path::{Component, Path};
use std::time::SystemTime;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use super::index::parse_index;
use crate::document::{self, BlockKind, Format};

/// An article found in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its path below the folder, with `/` between names.
    pub path: String,
    /// The subfolder it is in (`""` for the folder itself), with `/` between names.
    pub group: String,
    pub title: String,
    /// A language guessed from the text (`de`, `en`), if any.
    pub language: Option<String>,
    /// The first sentence of its text.
    pub description: String,
    /// Where it is from, written before the language (`Example News, 2026-12-02`): articles
    /// saved from the web have it, articles found in the folder do not.
    pub details: Option<String>,
    pub modified: SystemTime,
}

/// What an update changed, for the person who ran it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Paths of the articles added.
    pub added: Vec<String>,
    /// Links of the entries marked missing.
    pub missing: Vec<String>,
    /// Links of the entries whose file is back (mark removed).
    pub back: Vec<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.missing.is_empty() && self.back.is_empty()
    }

    /// One line: `3 added, 1 marked missing`, or `nothing to change`.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(format!("{} added", self.added.len()));
        }
        if !self.missing.is_empty() {
            parts.push(format!("{} marked missing", self.missing.len()));
        }
        if !self.back.is_empty() {
            parts.push(format!("{} found again", self.back.len()));
        }
        if parts.is_empty() {
            "nothing to change".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// How much of each article is read to find its title, language and first sentence.
const HEAD: u64 = 4 * 1024;
/// The longest description written, in characters.
const LONGEST_DESCRIPTION: usize = 200;
/// The file names that are articles.
const EXTENSIONS: [&str; 3] = ["md", "markdown", "txt"];

/// An article file found below the folder, not read yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub file: std::path::PathBuf,
    /// Its path below the folder, with `/` between names.
    pub path: String,
    /// Its subfolder (`""` for the folder itself).
    pub group: String,
}

/// Finds and reads the articles below `dir` (see [`list`] and [`read`]).
pub fn scan(dir: &Path) -> std::io::Result<(Vec<Found>, Vec<String>)> {
    let (candidates, mut problems) = list(dir)?;
    let (found, more) = read(&candidates);
    problems.extend(more);
    Ok((found, problems))
}

/// Lists the articles below `dir`: files ending in `.md`, `.markdown` or `.txt`, in it and
/// its subfolders, leaving out hidden names (starting with `.`), symbolic links (so the
/// walk stays inside and cannot loop) and INDEX.md files (the folder's and its
/// subfolders'). Subfolders that cannot be read are returned as messages.
pub fn list(dir: &Path) -> std::io::Result<(Vec<Candidate>, Vec<String>)> {
    let mut files = Vec::new();
    let mut folders = vec![(dir.to_path_buf(), String::new())];
    let mut problems = Vec::new();
    while let Some((folder, group)) = folders.pop() {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            // The folder itself must be readable; a subfolder that is not is reported.
            Err(e) if group.is_empty() => return Err(e),
            Err(e) => {
                problems.push(format!(
                    "{}: {e}",
                    document::sanitize::escape_controls(&group)
                ));
                continue;
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = if group.is_empty() {
                name.clone()
            } else {
                format!("{group}/{name}")
            };
            if kind.is_dir() {
                folders.push((entry.path(), path));
            } else if kind.is_file()
                // INDEX.md is the list, not an article; a subfolder's is the list of a
                // library of its own.
                && !super::is_index_file(Path::new(&name))
                && is_article_name(&name)
            {
                files.push(Candidate {
                    file: entry.path(),
                    path,
                    group: group.clone(),
                });
            }
        }
    }
    Ok((files, problems))
}

/// Reads the start of each article (on two threads) for its title, language and first
/// sentence; files that cannot be read or are not text are returned as messages.
pub fn read(candidates: &[Candidate]) -> (Vec<Found>, Vec<String>) {
    let half = candidates.len().div_ceil(2);
    let (first, second) = candidates.split_at(half);
    let (mut results, more) = std::thread::scope(|scope| {
        let other = scope.spawn(|| read_all(second));
        let mine = read_all(first);
        (mine, other.join().unwrap_or_default())
    });
    results.extend(more);
    let mut found = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(article) => found.push(article),
            Err(problem) => problems.push(problem),
        }
    }
    (found, problems)
}

/// The paths below the library that the entries of an INDEX.md text link to.
pub fn listed(existing: &str) -> HashSet<String> {
    let text = existing.strip_prefix('\u{feff}').unwrap_or(existing);
    parse_index(text)
        .entries
        .iter()
        .filter_map(|e| local_path(&e.link))
        .collect()
}

fn is_article_name(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn read_all(files: &[Candidate]) -> Vec<Result<Found, String>> {
    files
        .iter()
        .map(|c| read_one(&c.file, &c.path, &c.group))
        .collect()
}

fn read_one(file: &Path, path: &str, group: &str) -> Result<Found, String> {
    let shown = document::sanitize::escape_controls(path);
    let problem = |e: &dyn std::fmt::Display| format!("{shown}: {e}");
    let handle = std::fs::File::open(file).map_err(|e| problem(&e))?;
    let modified = handle
        .metadata()
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let mut head = Vec::new();
    handle
        .take(HEAD)
        .read_to_end(&mut head)
        .map_err(|e| problem(&e))?;
    let text = document::decode::decode(&head).map_err(|e| problem(&e))?;
    let text = document::sanitize::sanitize(&text.text);
    let format = Format::from_name(path);
    let (title, description, language) = summary(&text, format, path);
    Ok(Found {
        path: path.to_string(),
        group: group.to_string(),
        title,
        language,
        description,
        details: None,
        modified,
    })
}

/// The title of an article (its front matter's or H1 for Markdown, its one-line first
/// paragraph for plain text, else its first line, else the file name) and its first
/// sentence.
pub fn describe(text: &str, format: Format, path: &str) -> (String, String) {
    let (title, description, _) = summary(text, format, path);
    (title, description)
}

/// [`describe`], and the article's language: its front matter's, else the guess the
/// reader's hyphenation makes from the same text (made once, while parsing).
fn summary(text: &str, format: Format, path: &str) -> (String, String, Option<String>) {
    const NO_TITLE: &str = "\u{0}";
    let doc = document::parse(text, format, NO_TITLE, None);
    let first_line = || {
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("---") && !l.starts_with("+++"))?
            .trim_start_matches('#')
            .trim();
        // A book that starts with its text: the first line is a line of wrapped prose,
        // cut inside a sentence, that opens the first paragraph. Its first sentence then,
        // cut at a word if long.
        if is_wrapped_prose(line)
            && let Some(opening) = doc
                .blocks()
                .next()
                .filter(|b| matches!(b.kind, BlockKind::Paragraph) && b.text.starts_with(line))
                .map(|b| sentence_within(b.text, LONGEST_TITLE))
                .filter(|s| !s.is_empty())
        {
            return Some(opening);
        }
        Some(line.chars().take(100).collect())
    };
    let stem = || {
        Path::new(path)
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    };
    let title = if doc.title != NO_TITLE {
        doc.title.clone()
    } else {
        first_line().unwrap_or_else(stem)
    };
    let title = document::sanitize::sanitize_line(&title);
    let title = if title.trim().is_empty() {
        document::sanitize::sanitize_line(&stem())
    } else {
        title
    };
    // The first paragraph of text: not the title's own (a title run on into a line or two
    // under it), nor a copyright notice, unless there is nothing else.
    let mut paragraphs = doc
        .blocks()
        .filter(|b| matches!(b.kind, BlockKind::Paragraph | BlockKind::ListItem { .. }))
        .map(|b| b.text.trim())
        .filter(|text| *text != title.trim())
        .take(DESCRIPTION_CANDIDATES)
        .peekable();
    let first = paragraphs.peek().copied().unwrap_or("");
    // (A title cut from the first sentence is the start of its paragraph too.)
    let opening = title.trim().trim_end_matches('…');
    let body = paragraphs
        .find(|text| !text.starts_with(opening) && !is_notice(&first_sentence(text)))
        .unwrap_or(first);
    (title, first_sentence(body), doc.language.clone())
}

/// Paragraphs looked at for a description: a notice or two, then the text.
const DESCRIPTION_CANDIDATES: usize = 4;

/// A copyright or licence notice, which says nothing of what an article is about.
fn is_notice(sentence: &str) -> bool {
    let lower = sentence.to_lowercase();
    sentence.contains('©') || lower.starts_with("copyright") || lower.starts_with("(c) ")
}

/// A title made of an article's first sentence has at most this many characters.
const LONGEST_TITLE: usize = 80;

/// Whether a text's first line is a line of wrapped prose rather than a title: as long as
/// lines of a text wrapped for reading, ending inside a sentence (on a small letter or a
/// comma), and mostly words in small letters, as `Happy families are all alike; every
/// unhappy family is unhappy in its own` (not `The Project Gutenberg EBook of The Adventures
/// of Sherlock Holmes`).
fn is_wrapped_prose(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let small = line
        .split_whitespace()
        .filter(|w| {
            w.chars()
                .find(|c| c.is_alphabetic())
                .is_some_and(char::is_lowercase)
        })
        .count();
    line.chars().count() >= 60
        && 2 * small > words
        && line
            .chars()
            .next_back()
            .is_some_and(|c| c.is_lowercase() || c == ',')
}

/// The first sentence of `text` on one line, at most [`LONGEST_DESCRIPTION`] characters
/// (cut at a word, with `…`).
pub fn first_sentence(text: &str) -> String {
    sentence_within(text, LONGEST_DESCRIPTION)
}

/// [`first_sentence`], at most `longest` characters.
fn sentence_within(text: &str, longest: usize) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut end = line.len();
    for (i, c) in line.char_indices() {
        // Not after a number, a single letter or a short capitalised word: `am 16. März`,
        // `z. B.`, `Dr. Weber`.
        let word = line[..i].rsplit(char::is_whitespace).next().unwrap_or("");
        let letters = word.chars().count();
        let short = word.chars().all(|c| c.is_ascii_digit())
            || letters == 1
            || (letters <= 3 && word.starts_with(char::is_uppercase));
        if matches!(c, '.' | '!' | '?' | '。' | '！' | '？')
            && !(c == '.' && short)
            && line[i + c.len_utf8()..]
                .chars()
                .next()
                .is_none_or(char::is_whitespace)
        {
            end = i + c.len_utf8();
            break;
        }
    }
    let sentence = &line[..end];
    if sentence.chars().count() <= longest {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(longest).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{cut}…")
}

/// Characters written percent-encoded in a link, so that any file name reads back as
/// itself and no control character is written into INDEX.md.
const LINK: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'(')
    .add(b')')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b']')
    .add(b'%')
    .add(b'\\')
    .add(b'#')
    .add(b'?')
    .add(b'`');

/// Markdown with its special characters escaped, for titles and descriptions.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '[' | ']' | '*' | '_' | '`' | '<' | '>' | '\\' | '~' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The list item of an article: `- [Title](path) — lang — First sentence.`
fn entry_line(found: &Found) -> String {
    // Characters the percent-encoding leaves alone but that are not plain text either
    // (bidirectional controls, for one) are encoded too.
    let link: String = utf8_percent_encode(&found.path, LINK)
        .to_string()
        .chars()
        .map(|c| {
            if document::sanitize::sanitize_line(&c.to_string()) == c.to_string() {
                c.to_string()
            } else {
                utf8_percent_encode(
                    c.encode_utf8(&mut [0; 4]),
                    percent_encoding::NON_ALPHANUMERIC,
                )
                .to_string()
            }
        })
        .collect();
    let clean = document::sanitize::sanitize_line;
    let mut line = format!("- [{}]({link})", md_escape(&clean(&found.title)));
    let details = [
        found.details.as_deref().map(|d| md_escape(&clean(d))),
        found.language.as_deref().map(clean),
    ];
    let details: Vec<String> = details.into_iter().flatten().collect();
    if !details.is_empty() {
        line.push_str(" — ");
        line.push_str(&details.join(", "));
    }
    if !found.description.is_empty() {
        line.push_str(" — ");
        line.push_str(&md_escape(&clean(&found.description)));
    }
    line
}

/// Sorts articles as INDEX.md lists them: newest first, then by path.
fn sort(found: &mut [Found]) {
    found.sort_by(|a, b| {
        b.modified
            .cmp(&a.modified)
            .then_with(|| a.path.cmp(&b.path))
    });
}

/// A new INDEX.md for the folder named `name` holding `found`.
pub fn create(name: &str, mut found: Vec<Found>) -> String {
    sort(&mut found);
    let mut groups: BTreeMap<&str, Vec<&Found>> = BTreeMap::new();
    for article in &found {
        groups
            .entry(article.group.as_str())
            .or_default()
            .push(article);
    }
    let mut out = format!(
        "# {}\n",
        md_escape(&document::sanitize::sanitize_line(name))
    );
    for (group, articles) in groups {
        if !group.is_empty() {
            out.push_str(&format!("\n## {}\n", heading_text(group)));
        }
        out.push('\n');
        for article in articles {
            out.push_str(&entry_line(article));
            out.push('\n');
        }
    }
    out
}

fn heading_text(group: &str) -> String {
    md_escape(&document::sanitize::sanitize_line(group))
}

/// The path below the library an entry's link names, if it names one there (not a URL,
/// an absolute path or a path that climbs out).
fn local_path(link: &str) -> Option<String> {
    if link.contains("://") || link.starts_with("mailto:") || link.starts_with('/') {
        return None;
    }
    let path = super::resolve::link_path(link);
    let mut parts = Vec::new();
    for component in Path::new(path.as_ref()).components() {
        match component {
            Component::Normal(name) => parts.push(name.to_string_lossy().into_owned()),
            Component::CurDir => {}
            _ => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// The mark an entry whose file is gone gets after its struck-through link.
fn missing_mark(today: &str) -> String {
    format!(" (missing since {today})")
}

/// Updates the INDEX.md text `existing` of a library to the articles `found` in it, by
/// editing it in place (see the module). `exists(path)` says whether a path below the
/// library is still there (articles with other extensions than those scanned count too).
/// `today` is the date written into missing marks (`2026-12-01`).
pub fn update(
    existing: &str,
    found: Vec<Found>,
    exists: &dyn Fn(&str) -> bool,
    today: &str,
) -> (String, Changes) {
    edit(existing, found, Some((exists, today)))
}

/// Adds the articles `found` to the INDEX.md text `existing` at the end of their groups (a
/// new group at the end of the file), as [`update`] adds them, and changes nothing else:
/// `blatt add` and `blatt fetch` list what they save with it. Articles already listed are
/// left out.
pub fn add(existing: &str, found: Vec<Found>) -> (String, Changes) {
    edit(existing, found, None)
}

/// Whether a path below the library exists, and today's date: what marking missing entries
/// needs.
type Marks<'a> = (&'a dyn Fn(&str) -> bool, &'a str);

/// [`update`], with `marks` (whether a path exists, today's date) to mark the entries whose
/// file is gone; [`add`] without.
fn edit(existing: &str, mut found: Vec<Found>, marks: Option<Marks<'_>>) -> (String, Changes) {
    let bom = usize::from(existing.starts_with('\u{feff}')) * 3;
    let text = &existing[bom..];
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let parsed = parse_index(text);
    let mut changes = Changes::default();
    // Edits as (range of `text` replaced, replacement), applied from the end.
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut listed = HashSet::new();
    for entry in &parsed.entries {
        let Some(path) = local_path(&entry.link) else {
            continue;
        };
        listed.insert(path.clone());
        let Some((exists, today)) = marks else {
            continue;
        };
        let span = entry.span.clone();
        let before = &text[..span.start];
        let marked = before.ends_with("~~");
        let there = exists(&path);
        if !there && !marked {
            edits.push((span.start..span.start, "~~".to_string()));
            edits.push((span.end..span.end, format!("~~{}", missing_mark(today))));
            changes.missing.push(entry.link.clone());
        } else if there && marked {
            // Back again: the mark goes, whatever date it has.
            let after = &text[span.end..];
            let mut end = span.end;
            if let Some(rest) = after.strip_prefix("~~") {
                end += 2;
                if let Some(close) = rest
                    .strip_prefix(" (missing since ")
                    .and_then(|r| r.find(')'))
                {
                    end += " (missing since ".len() + close + 1;
                }
            }
            edits.push((span.start - 2..span.start, String::new()));
            edits.push((span.end..end, String::new()));
            changes.back.push(entry.link.clone());
        }
    }
    found.retain(|f| !listed.contains(&f.path));
    sort(&mut found);
    // Where each group's entries end: after the last line of its last entry.
    let mut group_end: BTreeMap<String, usize> = BTreeMap::new();
    let mut group_heading: BTreeMap<String, usize> = BTreeMap::new();
    for entry in &parsed.entries {
        let group = entry.group.last().cloned().unwrap_or_default();
        let end = item_end(text, entry.span.end);
        let slot = group_end.entry(group).or_insert(end);
        *slot = (*slot).max(end);
    }
    let all_headings = headings(text);
    for (at, level, heading) in &all_headings {
        if *level > 1 {
            group_heading.entry(heading.clone()).or_insert(*at);
        }
    }
    let mut appended: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // New articles of the folder itself, when INDEX.md lists none yet.
    let mut root: Vec<String> = Vec::new();
    for article in &found {
        changes.added.push(article.path.clone());
        let line = entry_line(article);
        let group = document::sanitize::sanitize_line(&article.group);
        if let Some(&end) = group_end.get(&group) {
            edits.push((end..end, format!("{line}{newline}")));
        } else if let Some(&at) = group_heading.get(&group).filter(|_| !group.is_empty()) {
            let end = line_end(text, at);
            edits.push((end..end, format!("{newline}{line}{newline}")));
            group_end.insert(group, end);
        } else if group.is_empty() {
            root.push(line);
        } else {
            appended
                .entry(article.group.clone())
                .or_default()
                .push(line);
        }
    }
    if !root.is_empty() {
        // Where the part before the first group heading ends: before that heading, or at
        // the end of the file; set apart by blank lines.
        let end = all_headings
            .iter()
            .find(|(_, level, _)| *level > 1)
            .map_or(text.len(), |(at, _, _)| *at);
        let before = &text[..end];
        let mut edit = String::new();
        if !before.is_empty() && !before.ends_with('\n') {
            edit.push_str(newline);
        }
        if !before.is_empty() && !before.trim_end_matches(['\r', '\n']).is_empty() {
            let blank = before.ends_with("\n\n") || before.ends_with("\n\r\n");
            if !blank {
                edit.push_str(newline);
            }
        }
        for line in &root {
            edit.push_str(line);
            edit.push_str(newline);
        }
        if end < text.len() {
            edit.push_str(newline);
        }
        edits.push((end..end, edit));
    }
    if !appended.is_empty() {
        let mut tail = String::new();
        if !text.is_empty() && !text.ends_with('\n') {
            tail.push_str(newline);
        }
        for (group, lines) in appended {
            tail.push_str(&format!(
                "{newline}## {}{newline}{newline}",
                heading_text(&group)
            ));
            for line in lines {
                tail.push_str(&line);
                tail.push_str(newline);
            }
        }
        edits.push((text.len()..text.len(), tail));
    }
    // Stable: edits at one place keep the order they were made in.
    edits.sort_by_key(|(range, _)| (range.start, range.end));
    let mut out = String::with_capacity(existing.len() + 256);
    out.push_str(&existing[..bom]);
    let mut at = 0;
    for (range, replacement) in edits {
        if range.start < at {
            continue;
        }
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    (out, changes)
}

/// The end of the line that `at` is on, after its line break.
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

/// Where the list item whose link ends at `at` ends: after its line, and after the lines
/// that go on from it (indented, not blank).
fn item_end(text: &str, at: usize) -> usize {
    let mut end = line_end(text, at);
    while end < text.len() {
        let next = &text[end..line_end(text, end)];
        let continues = next.starts_with([' ', '\t'])
            && !next.trim().is_empty()
            && !next.trim_start().starts_with(['-', '*', '+']);
        if !continues {
            break;
        }
        end = line_end(text, end);
    }
    end
}

/// The headings: where each starts, its level and its text as the index parser reads it
/// (sanitized).
fn headings(text: &str) -> Vec<(usize, u8, String)> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut open: Option<(usize, u8, String)> = None;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                open = Some((range.start, level as u8, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, heading)) = open.as_mut() {
                    heading.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((at, level, heading)) = open.take() {
                    out.push((at, level, document::sanitize::sanitize_line(&heading)));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests;
