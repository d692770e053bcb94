//! The headless commands (`list`, `toc`, `render`, `bookmarks`): plain text (or JSON) on
//! stdout for scripts and benchmarks, never an escape sequence.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::config::Config;
use crate::document::sanitize::escape_controls;
use crate::document::stream::Loader;
use crate::document::{self, Document};
use crate::layout::{WrapOptions, dictionary_for, render_blocks, render_parallel};
use crate::library::{self, Library, Target};
use crate::store::SavedState;

/// The library at `path` (a folder holding INDEX.md, or INDEX.md itself), or the bundled
/// one. Any other file is refused: the reader opens it as an article, so listing it as an
/// index would only ever show an empty or a nonsense library.
pub fn open_library(path: Option<&Path>) -> anyhow::Result<Library> {
    let Some(path) = path else {
        return Ok(library::bundled_library());
    };
    refuse_article(path)?;
    Ok(library::load_library(path)?)
}

/// The refusal of [`open_library`] for a path that names an article.
fn refuse_article(path: &Path) -> anyhow::Result<()> {
    let is_index = path
        .file_name()
        .is_some_and(|n| n.eq_ignore_ascii_case(library::INDEX_FILE));
    if path.is_file() && !is_index {
        anyhow::bail!(
            "{} is an article, not a library: give a folder holding {} or the {} itself \
             (`blatt render` prints an article)",
            path.display(),
            library::INDEX_FILE,
            library::INDEX_FILE
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonEntry<'a> {
    title: &'a str,
    link: String,
    path: Option<String>,
    description: &'a str,
    group: &'a [String],
    language: Option<&'a str>,
    line: usize,
    status: &'static str,
    problem: Option<String>,
}

/// `blatt list`: one line per entry (title, path, status, separated by tabs), or JSON.
pub fn list(library: &Library, json: bool) -> anyhow::Result<String> {
    if json {
        let entries: Vec<_> = library
            .entries
            .iter()
            .map(|e| JsonEntry {
                title: &e.title,
                link: escape_controls(&e.link),
                path: match &e.target {
                    Target::File(p) => Some(escape_controls(&p.to_string_lossy())),
                    Target::Bundled(name) => Some(format!("{BUNDLED_PREFIX}{name}")),
                    Target::Problem(_) | Target::Unchecked => None,
                },
                description: &e.description,
                group: &e.group,
                language: e.language.as_deref(),
                line: e.line,
                status: match &e.target {
                    Target::Problem(_) => "problem",
                    Target::Unchecked => "unchecked",
                    Target::File(_) | Target::Bundled(_) => "ok",
                },
                problem: e.target.problem().map(ToString::to_string),
            })
            .collect();
        return Ok(serde_json::to_string_pretty(&entries)? + "\n");
    }
    let mut out = String::new();
    for e in &library.entries {
        let status = match &e.target {
            Target::Problem(p) => format!("problem: {p}"),
            Target::Unchecked => "unchecked".to_string(),
            Target::File(_) | Target::Bundled(_) => "ok".to_string(),
        };
        let path = match &e.target {
            Target::File(p) => escape_controls(&p.to_string_lossy()),
            Target::Bundled(name) => format!("{BUNDLED_PREFIX}{name}"),
            Target::Problem(_) | Target::Unchecked => escape_controls(&e.link),
        };
        writeln!(out, "{}\t{}\t{}", e.title, path, status)?;
    }
    Ok(out)
}

/// Reads and parses an article given by path (a large one in pieces, so that memory holds
/// the parsed text once, not several copies of it).
pub fn read_document(path: &Path, config: &Config) -> anyhow::Result<Document> {
    read_document_as(path, config, None, None)
}

/// [`read_document`] for searching and indexing: the same blocks, without guessing the
/// article's language from its words (only hyphenation uses the language, and for a news
/// article the guess costs more than the rest of reading it).
pub fn read_for_search(path: &Path, config: &Config) -> anyhow::Result<Document> {
    read_document_as(path, config, Some(UNDETERMINED), None)
}

/// [`read_for_search`] of a library's entry, titled `title` when the article names no
/// title of its own (as the reader reads it).
fn read_entry_for_search(path: &Path, config: &Config, title: &str) -> anyhow::Result<Document> {
    read_document_as(path, config, Some(UNDETERMINED), Some(title))
}

/// The language of an article read for searching: "undetermined" (ISO 639-2).
const UNDETERMINED: &str = "und";

fn read_document_as(
    path: &Path,
    config: &Config,
    language: Option<&str>,
    fallback: Option<&str>,
) -> anyhow::Result<Document> {
    let (mut doc, loader) = open_document(path, config, language, fallback)?;
    if let Some(mut loader) = loader {
        doc.read_rest(&mut loader)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    }
    Ok(doc)
}

/// Opens an article given by path: all of a small one; the first piece of a large one, and
/// a loader for the rest. An article that names no title is titled `fallback`, or by its
/// file's name.
///
/// `bundled:NAME`, as `blatt list` prints the bundled library's entries, names the article
/// compiled into blatt; a file of that name on disk can still be given as `./bundled:NAME`.
fn open_document(
    path: &Path,
    config: &Config,
    language: Option<&str>,
    fallback: Option<&str>,
) -> anyhow::Result<(Document, Option<Loader>)> {
    let cap = config.max_article_bytes();
    let (source, size): (Box<dyn std::io::Read + Send>, u64) = match bundled_name(path) {
        Some(name) => {
            let bytes = library::bundled_file(name).ok_or_else(|| {
                anyhow::anyhow!(
                    "no bundled article is named {name} (`blatt list` shows the bundled library)"
                )
            })?;
            (Box::new(bytes), bytes.len() as u64)
        }
        None => {
            let (file, size) = library::open_path(path, cap)?;
            (Box::new(file), size)
        }
    };
    let name = path.to_string_lossy();
    let fallback = fallback.map_or_else(
        || {
            path.file_stem()
                .map_or_else(|| name.to_string(), |s| s.to_string_lossy().into_owned())
        },
        str::to_string,
    );
    document::open(source, size, &name, &fallback, language, cap)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// The name after `bundled:`, the prefix `blatt list` gives the bundled library's entries.
fn bundled_name(path: &Path) -> Option<&str> {
    path.to_str()?.strip_prefix(BUNDLED_PREFIX)
}

/// How `blatt list` names an article of the bundled library.
const BUNDLED_PREFIX: &str = "bundled:";

/// `blatt toc`: the section headings, indented by nesting: a heading is indented once for
/// each heading that encloses it (its path), so chapters sit under their book whatever the
/// level numbers are, and levels that a document skips add no indent.
pub fn toc(doc: &Document) -> String {
    let mut out = String::new();
    for (_, section) in doc.headings() {
        let indent = "  ".repeat(section.path.len().saturating_sub(1));
        let _ = writeln!(
            out,
            "{indent}{}",
            section.title.as_deref().unwrap_or_default()
        );
    }
    out
}

/// `blatt render`: the article at `path` laid out at `width`, written as it is laid out (on
/// all cores). A small article is read whole and laid out on all cores (see
/// [`crate::layout::render_parallel`]). A large one is read, parsed, laid out and written a
/// piece at a time: the pieces are read and cleaned one after another, and parsed and laid
/// out each on whichever core is free, a few at once (see [`crate::ordered`]), so memory
/// holds a few pieces however long the article is, and the lines come out in order.
pub fn render(
    path: &Path,
    width: u16,
    config: &Config,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let options = WrapOptions {
        width: usize::from(width).max(1),
        hyphenate: config.hyphenation,
        justify: config.justify,
    };
    let (doc, loader) = open_document(path, config, None, None)?;
    let Some(mut loader) = loader else {
        return Ok(render_parallel(&doc, options, out)?);
    };
    // Each piece goes into a document after the last block before it, which only sets the
    // gap before the new ones (and joins a table row to its table).
    let carried = doc
        .block_count()
        .checked_sub(1)
        .map(|i| doc.block(i).to_block());
    let pieces = RenderPieces {
        options,
        dict: dictionary_for(&doc, options),
        language: doc.language.clone(),
    };
    let mut first = String::new();
    render_blocks(&doc, 0..doc.block_count(), options, pieces.dict, &mut first);
    out.write_all(first.as_bytes())?;
    drop((doc, first));
    let mut finished = false;
    let source = move || {
        if finished {
            return Ok(None);
        }
        let text = loader
            .next_text(document::stream::PIECE)
            .map_err(Stopped::Read)?;
        finished = text.done();
        Ok(Some(text))
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    // Enough pieces on their way that a slow one (Thai) does not keep the cores idle.
    let ahead = threads * 2;
    let written = crate::ordered::run(&pieces, threads, ahead, carried, source, |lines: String| {
        out.write_all(lines.as_bytes()).map_err(Stopped::Write)
    });
    match written {
        Ok(()) => Ok(()),
        Err(Stopped::Write(e)) => Err(e.into()),
        Err(Stopped::Read(e)) => Err(anyhow::anyhow!("{}: {e}", path.display())),
    }
}

/// Why `blatt render` stopped before the end of a large article.
enum Stopped {
    Read(document::stream::LoadError),
    Write(std::io::Error),
}

/// The pieces of a large article as `blatt render` writes them: each is parsed on its own;
/// laid out, it needs the last block before it (see [`render`]).
struct RenderPieces {
    options: WrapOptions,
    dict: Option<&'static hyphenation::Standard>,
    language: Option<String>,
}

impl crate::ordered::Work for RenderPieces {
    type Item = document::stream::Text;
    type Prepared = Vec<document::Block>;
    type Carry = Option<document::Block>;
    type Output = String;

    fn prepare(&self, text: document::stream::Text) -> Vec<document::Block> {
        text.parse().blocks
    }

    fn carry(
        &self,
        blocks: &Vec<document::Block>,
        before: &Option<document::Block>,
    ) -> Self::Carry {
        blocks.last().or(before.as_ref()).cloned()
    }

    fn finish(&self, blocks: Vec<document::Block>, before: Option<document::Block>) -> String {
        let first = usize::from(before.is_some());
        // Room for the text and a little more (the line breaks, indents, markers) at once,
        // rather than the lines copied over as they grow.
        let text: usize = blocks.iter().map(|b| b.text.len()).sum();
        let blocks: Vec<_> = before.into_iter().chain(blocks).collect();
        let window = Document::for_layout(blocks, self.language.clone());
        let mut lines = String::with_capacity(text + text / 8 + 64);
        render_blocks(
            &window,
            first..window.block_count(),
            self.options,
            self.dict,
            &mut lines,
        );
        lines
    }
}

/// What `blatt index DIR` did, or with `dry_run` would do, to `DIR/INDEX.md`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indexed {
    /// The INDEX.md, with control characters escaped, for messages.
    pub shown: String,
    /// The number of entries of an INDEX.md made anew; `None` when one was updated.
    pub created: Option<usize>,
    /// What an update changed (empty when the index was created or was up to date).
    pub changes: library::build::Changes,
    /// With `dry_run`: the change as a unified diff.
    pub diff: Option<String>,
    /// Whether INDEX.md was written.
    pub written: bool,
    /// Problems with single files (not readable), for the person.
    pub problems: Vec<String>,
}

impl Indexed {
    /// One line: `created with 3 entries`, `2 added, 1 marked missing`, `nothing to change`.
    pub fn summary(&self) -> String {
        match self.created {
            Some(count) => format!("created with {count} entries"),
            None => self.changes.summary(),
        }
    }
}

/// `blatt index DIR`: creates or updates `DIR/INDEX.md` (see [`crate::library::build`]),
/// atomically; with `dry_run`, returns the unified diff and writes nothing. Returns what to
/// print and problems with single files.
pub fn index(dir: &Path, dry_run: bool, today: &str) -> anyhow::Result<(String, Vec<String>)> {
    let indexed = update_index(dir, dry_run, today)?;
    let out = match &indexed.diff {
        Some(diff) => diff.clone(),
        None => format!("{}: {}\n", indexed.shown, indexed.summary()),
    };
    Ok((out, indexed.problems))
}

/// Creates or updates `DIR/INDEX.md` as `blatt index DIR` does, and says what changed: the
/// command prints it, the reader's update key (`R`) shows it.
pub fn update_index(dir: &Path, dry_run: bool, today: &str) -> anyhow::Result<Indexed> {
    use crate::library::build;
    use anyhow::Context as _;
    if !dir.is_dir() {
        anyhow::bail!("{} is not a folder", dir.display());
    }
    let (candidates, mut problems) =
        build::list(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    let path = dir.join(library::INDEX_FILE);
    let existing = match std::fs::read(&path) {
        Ok(bytes) => Some(
            String::from_utf8(bytes)
                .map_err(|_| anyhow::anyhow!("{} is not UTF-8: not changed", path.display()))?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    // Only the articles INDEX.md does not list yet are read.
    let listed = existing.as_deref().map(build::listed).unwrap_or_default();
    let on_disk: std::collections::HashSet<&str> =
        candidates.iter().map(|c| c.path.as_str()).collect();
    let unlisted: Vec<_> = candidates
        .iter()
        .filter(|c| !listed.contains(&c.path))
        .cloned()
        .collect();
    let (found, unreadable) = build::read(&unlisted);
    problems.extend(unreadable);
    let count = found.len();
    let (old, new, changes, created) = match &existing {
        Some(old) => {
            // Listed files of other kinds (not scanned) are looked up one by one.
            let exists = |p: &str| on_disk.contains(p) || dir.join(p).exists();
            let (new, changes) = build::update(old, found, &exists, today);
            (old.as_str(), new, changes, None)
        }
        None => {
            let name = std::fs::canonicalize(dir)
                .ok()
                .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "Library".to_string());
            (
                "",
                build::create(&name, found),
                build::Changes::default(),
                Some(count),
            )
        }
    };
    let shown = escape_controls(&path.to_string_lossy());
    let mut indexed = Indexed {
        shown,
        created,
        changes,
        diff: None,
        written: false,
        problems,
    };
    if dry_run {
        let diff = similar::TextDiff::from_lines(old, &new)
            .unified_diff()
            .header(&indexed.shown, &indexed.shown)
            .to_string();
        indexed.diff = Some(diff);
        return Ok(indexed);
    }
    if existing.as_deref() != Some(new.as_str()) {
        write_atomically(&path, new.as_bytes())
            .with_context(|| format!("cannot write {}", indexed.shown))?;
        indexed.written = true;
    }
    Ok(indexed)
}

/// Writes a file so that a crash leaves the old or the new contents, never a part.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    crate::news::write_atomically(path, bytes)
}

/// `blatt search` found nothing: exit code 1 and no message, as grep does.
#[derive(Debug, thiserror::Error)]
#[error("no match")]
pub struct NoMatch;

#[derive(Serialize)]
struct JsonHit<'a> {
    title: &'a str,
    path: String,
    section: &'a str,
    snippet: &'a str,
    /// Where the match is in the snippet, in bytes.
    matched: std::ops::Range<usize>,
    block: usize,
    offset: usize,
}

/// How `blatt search` finds the articles to read.
#[derive(Debug, Clone)]
pub struct SearchSetup {
    pub query: crate::search::Query,
    /// The query as typed (the index looks up its words).
    pub text: String,
    pub regex: bool,
    /// The cache directory holding the index; `None`: scan every article (`--no-index`).
    pub cache: Option<std::path::PathBuf>,
    /// One JSON array of matches instead of lines.
    pub json: bool,
}

/// `blatt search` in the library at `path` (the bundled one without): opened as
/// [`open_library`] does, or, with a cache directory, from the listing kept there while
/// its INDEX.md is unchanged ([`crate::search::index::listing`]), and searched as
/// [`search`] does.
pub fn search_at(
    path: Option<&Path>,
    setup: &SearchSetup,
    config: &Config,
    out: &mut dyn std::io::Write,
    problems: &mut dyn FnMut(String),
    events: &mut dyn FnMut(crate::search::index::Event),
) -> anyhow::Result<()> {
    match (path, setup.cache.as_deref()) {
        (Some(path), Some(cache)) => {
            refuse_article(path)?;
            use crate::search::index::listing;
            // The index is opened and asked on another thread while this one reads the
            // library and looks at every article's file (one `lstat` each: most of a
            // search of a large library).
            let index_md = listing::index_md(path);
            let reading = search_reading(config);
            let (opened, early) = std::thread::scope(|s| {
                let early = index_md.as_deref().and_then(|md| {
                    std::thread::Builder::new()
                        .spawn_scoped(s, || {
                            crate::search::index::open_early(
                                cache,
                                md,
                                Some(&reading),
                                &setup.text,
                                setup.regex,
                            )
                        })
                        .ok()
                });
                let opened = listing::open_with(path, cache, listing::Fields::Search);
                let early = early.and_then(|thread| match thread.join() {
                    Ok(early) => early,
                    Err(panic) => std::panic::resume_unwind(panic),
                });
                (opened, early)
            });
            let mut opened = opened?;
            let found = search_with(
                &mut opened.library,
                Some(&opened.files),
                early,
                setup,
                config,
                out,
                problems,
                events,
            );
            // Freeing a library of 100,000 entries one allocation at a time takes longer
            // than what is left of the search: it is done on a thread of its own, which the
            // process does not wait for when it ends.
            let _ = std::thread::Builder::new().spawn(move || drop(opened));
            found
        }
        _ => search(
            &mut open_library(path)?,
            setup,
            config,
            out,
            problems,
            events,
        ),
    }
}

/// `blatt search`: every match of `query` in the readable articles of `library`, written
/// to `out` article by article as they are searched (plain lines `title › section:
/// snippet`, or one JSON array). With a cache directory, the library's search index is
/// brought up to date first (`events` hears of its progress and problems) and only the
/// articles it says may match are read; the output is the same as without it. Articles
/// that cannot be read are named on `problems` and skipped. Fails with [`NoMatch`] when
/// nothing matched.
pub fn search(
    library: &mut Library,
    setup: &SearchSetup,
    config: &Config,
    out: &mut dyn std::io::Write,
    problems: &mut dyn FnMut(String),
    events: &mut dyn FnMut(crate::search::index::Event),
) -> anyhow::Result<()> {
    search_with(library, None, None, setup, config, out, problems, events)
}

/// [`search`], with the files of the library's entries already looked at (`files`), and
/// its index maybe opened already (`early`).
#[allow(clippy::too_many_arguments)]
fn search_with(
    library: &mut Library,
    files: Option<&crate::search::index::FileStamps>,
    early: Option<crate::search::index::Early>,
    setup: &SearchSetup,
    config: &Config,
    out: &mut dyn std::io::Write,
    problems: &mut dyn FnMut(String),
    events: &mut dyn FnMut(crate::search::index::Event),
) -> anyhow::Result<()> {
    use std::sync::atomic::AtomicBool;
    let (query, json) = (&setup.query, setup.json);
    library.check_all();
    let read = |path: &Path| read_for_search(path, config).map_err(|e| format!("{e:#}"));
    let cancel = AtomicBool::new(false);
    let reading = search_reading(config);
    let candidates = crate::search::index::prepare_early(
        library,
        files,
        early,
        Some(&reading),
        &setup.text,
        setup.regex,
        setup.cache.as_deref(),
        &read,
        &cancel,
        events,
    );
    let mut found = 0usize;
    if json {
        out.write_all(b"[")?;
    }
    let mut written: std::io::Result<()> = Ok(());
    let library = &*library;
    crate::search::library::search_library(
        library,
        query,
        candidates.as_ref(),
        crate::search::library::Listing::ALL,
        &|index, path| {
            read_entry_for_search(path, config, &library.entries[index].title)
                .map_err(|e| format!("{e:#}"))
        },
        &cancel,
        &mut |index, hits| {
            let hits = match hits {
                Ok(found) => found.hits,
                Err(problem) => return problems(problem),
            };
            let entry = &library.entries[index];
            let shown = crate::search::library::entry_path(&entry.target)
                .map(|p| escape_controls(&p.to_string_lossy()))
                .unwrap_or_default();
            for hit in hits {
                let result = write_hit(out, entry, &shown, &hit, json, found);
                if let Err(e) = result {
                    written = Err(e);
                    cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                    return;
                }
                found += 1;
            }
        },
    );
    written?;
    if json {
        out.write_all(if found > 0 { b"\n]\n" } else { b"]\n" })?;
    }
    out.flush()?;
    if found == 0 {
        return Err(NoMatch.into());
    }
    Ok(())
}

/// How `blatt search` reads articles ([`read_for_search`]), as the search index marks what
/// it keeps of them: as the reader does ([`crate::search::index::reading`]).
fn search_reading(config: &Config) -> String {
    crate::search::index::reading(config.max_article_bytes())
}

/// One hit of `blatt search`, as a plain line or a JSON item (`found` hits came before).
fn write_hit(
    out: &mut dyn std::io::Write,
    entry: &library::Entry,
    shown: &str,
    hit: &crate::search::library::LibraryHit,
    json: bool,
    found: usize,
) -> std::io::Result<()> {
    if json {
        let item = JsonHit {
            title: &entry.title,
            path: shown.to_string(),
            section: &hit.section,
            snippet: &hit.snippet,
            matched: hit.matched.clone(),
            block: hit.block,
            offset: hit.offset,
        };
        if found > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n  ")?;
        serde_json::to_writer(&mut *out, &item)?;
        Ok(())
    } else {
        let place = if hit.section == entry.title || hit.section.is_empty() {
            entry.title.clone()
        } else {
            format!("{} › {}", entry.title, hit.section)
        };
        let line = format!("{place}: {}", hit.snippet);
        writeln!(out, "{}", escape_controls(&line))
    }
}

/// `blatt bookmarks`: every bookmark, as text, JSON or Markdown.
pub fn bookmarks(state: &SavedState, json: bool, markdown: bool) -> anyhow::Result<String> {
    let mut list: Vec<_> = state.bookmarks.values().collect();
    list.sort_by(|a, b| (&a.doc, a.anchor.block).cmp(&(&b.doc, b.anchor.block)));
    if json {
        return Ok(serde_json::to_string_pretty(&list)? + "\n");
    }
    let mut out = String::new();
    if markdown {
        writeln!(out, "# Bookmarks\n")?;
        if list.is_empty() {
            writeln!(out, "No bookmarks yet.")?;
        }
        for b in &list {
            let anchor = if b.section_slug.is_empty() {
                slug(&b.section_title)
            } else {
                b.section_slug.clone()
            };
            let target = format!("{}#{}", link_path(&b.doc), anchor);
            let note = if b.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", b.note)
            };
            writeln!(
                out,
                "- [{} › {}](<{}>){}",
                md_escape(&b.doc_title),
                md_escape(&b.section_title),
                target,
                md_escape(&note)
            )?;
        }
        return Ok(out);
    }
    if list.is_empty() {
        // Said in words: an empty output reads as a failure.
        return Ok("no bookmarks yet\n".to_string());
    }
    for b in &list {
        writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            crate::ui::date(b.updated),
            b.doc_title,
            b.section_title,
            b.note,
            b.doc
        )?;
    }
    Ok(out)
}

/// A document key as a link target: a file path stays a path.
fn link_path(key: &str) -> String {
    key.replace(' ', "%20")
        .replace('>', "%3E")
        .replace('<', "%3C")
}

pub use crate::document::slug;

use crate::library::build::md_escape;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toc_indents_by_level() {
        let doc = document::parse(
            "# T\n\n## A\n\n### A1\n\n## B\n",
            document::Format::Markdown,
            "t",
            None,
        );
        assert_eq!(toc(&doc), "A\n  A1\nB\n");
    }

    #[test]
    fn bookmark_links_prefer_the_sections_explicit_id() {
        let mut state = SavedState::default();
        for (title, slug) in [("Custom Title", "custom-id"), ("Old One", "")] {
            let bookmark = crate::store::Bookmark {
                doc: format!("/a/{title}.md"),
                doc_title: "D".into(),
                section_title: title.into(),
                section_slug: slug.into(),
                ..Default::default()
            };
            state.bookmarks.insert(title.into(), bookmark);
        }
        let out = bookmarks(&state, false, true).expect("markdown");
        assert!(out.contains("(</a/Custom%20Title.md#custom-id>)"), "{out}");
        assert!(out.contains("(</a/Old%20One.md#old-one>)"), "{out}");
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slug("Borrell wünscht sich \"robustere\" EU-Strategie"),
            "borrell-wünscht-sich-robustere-eu-strategie"
        );
    }

    /// A text long enough to be read in several pieces, with blocks whose gaps depend on
    /// the block before (list items, table rows) at every possible place of a cut.
    fn long_markdown() -> String {
        let mut text = String::from("# Long\n\n");
        let mut i = 0;
        while text.len() < 3 * 1024 * 1024 {
            text.push_str(&format!(
                "## Part {i}\n\nSome *words* and `code` in paragraph {i}, long enough to wrap \
                 at forty columns at least once or twice.\n\n- one {i}\n- two\n\n  more of two\n\n\
                 | a | b |\n|---|---|\n| {i} | x |\n\n```\ncode {i}\n\n  kept\n```\n\n> quoted {i}\n\n"
            ));
            i += 1;
        }
        text
    }

    #[test]
    fn render_in_pieces_is_the_whole_document_rendered() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config::default();
        for (name, text) in [
            ("long.md", long_markdown()),
            (
                "long.txt",
                long_markdown().replace(['#', '*', '`', '|', '>'], ""),
            ),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, &text).expect("write");
            let mut streamed = Vec::new();
            render(&path, 40, &config, &mut streamed).expect("render");
            let doc = read_document(&path, &config).expect("read");
            let options = WrapOptions {
                width: 40,
                hyphenate: config.hyphenation,
                justify: config.justify,
            };
            let mut whole = Vec::new();
            render_parallel(&doc, options, &mut whole).expect("render whole");
            assert!(doc.block_count() > 10_000, "{name}: a long document");
            assert!(streamed == whole, "{name}: rendering in pieces differs");
        }
    }

    /// `blatt render` of a large article done one piece after another on one thread: each
    /// piece parsed, put after the last block before it and laid out in turn.
    fn render_serially(path: &Path, width: u16, config: &Config) -> Vec<u8> {
        let options = WrapOptions {
            width: usize::from(width),
            hyphenate: config.hyphenation,
            justify: config.justify,
        };
        let (doc, loader) = open_document(path, config, None, None).expect("open");
        let mut loader = loader.expect("read in pieces");
        let dict = dictionary_for(&doc, options);
        let mut out = String::new();
        render_blocks(&doc, 0..doc.block_count(), options, dict, &mut out);
        let mut carried = doc
            .block_count()
            .checked_sub(1)
            .map(|i| doc.block(i).to_block());
        loop {
            let piece = loader.next(document::stream::PIECE).expect("piece");
            let first = usize::from(carried.is_some());
            let blocks: Vec<_> = carried.take().into_iter().chain(piece.blocks).collect();
            carried = blocks.last().cloned();
            let window = Document::from_blocks(String::new(), blocks, doc.language.clone());
            render_blocks(
                &window,
                first..window.block_count(),
                options,
                dict,
                &mut out,
            );
            if piece.done {
                return out.into_bytes();
            }
        }
    }

    #[test]
    fn render_in_pieces_on_all_cores_is_the_serial_render() {
        // Tables, fences and paragraphs longer than a piece, so that pieces are cut inside
        // blocks and a table's rows are parsed in several pieces; pieces that are all one
        // block (a paragraph or a table going on); text in scripts that cost more to wrap.
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config::default();
        let mut md = String::from("# Titel\n\n");
        for i in 0..4 {
            md.push_str("| a | b |\n|---|---|\n");
            for r in 0..(3000 + i * 500) {
                md.push_str(&format!("| Zeile {r} | Wert {} |\n", r * 7));
            }
            md.push_str("\nAbsatz danach.\n\n```\n");
            for r in 0..4000 {
                md.push_str(&format!("code {r}\n"));
            }
            md.push_str("```\n\n");
            md.push_str(&"Wort ".repeat(40_000));
            md.push_str("\n\n## Abschnitt\n\n- ein Punkt\n- noch einer\n\n");
        }
        let mut txt = String::from("Titel\n\n");
        for i in 0..15_000 {
            txt.push_str(match i % 5 {
                0 => "Kapitel\n\n",
                1 => "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心。\n\n",
                2 => "เมื่อการยอมรับนับถือเกียรติศักดิ์ประจำตัว และสิทธิเท่าเทียมกัน\n\n",
                3 => "Ein Richter am Bundesgerichtshof hat Haftbefehl gegen drei Iraker\nerlassen. 😀 Die Männer werden beschuldigt.\n\n",
                _ => "Всеобщая декларация прав человека, मानव अधिकारों की सार्वभौम घोषणा\n\n",
            });
        }
        for (name, text) in [("tables.md", md), ("mixed.txt", txt)] {
            let path = dir.path().join(name);
            std::fs::write(&path, &text).expect("write");
            for width in [20, 80] {
                let mut streamed = Vec::new();
                render(&path, width, &config, &mut streamed).expect("render");
                let serial = render_serially(&path, width, &config);
                assert!(serial.len() > 100_000, "{name}: a long render");
                assert!(
                    streamed == serial,
                    "{name}, width {width}: rendering on all cores differs"
                );
            }
        }
    }
}
