//! The headless commands of news: `blatt add`, `blatt fetch`, `blatt feeds import|export`.
//! Each returns what to print (plain text, controls escaped); errors are typed above it.

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use super::feeds::{self, Progress, Summary};
use super::{Added, Client, NewsStore, opml};
use crate::config::Config;
use crate::document::sanitize::escape_controls;

/// The library folder: the one given, else the configured one.
pub fn library_folder(given: Option<&Path>, config: &Config) -> anyhow::Result<PathBuf> {
    let path = match given {
        Some(path) => path.to_path_buf(),
        None => config.library_path().context(
            "name a library folder (blatt add URL ~/news), or set `library` in config.toml",
        )?,
    };
    Ok(super::library_dir(&path)?)
}

/// `blatt add`: one line saying what was saved, or that it was there already.
pub fn add(
    source: &str,
    library: Option<&Path>,
    group: Option<&str>,
    config: &Config,
    config_dir: Option<&Path>,
    today: &str,
) -> anyhow::Result<String> {
    let library = library_folder(library, config)?;
    let client = Client::new(config.fetch.limits());
    let store = config_dir.map(NewsStore::new);
    let added = super::add(&library, source, group, today, &client, store.as_ref())?;
    Ok(match added {
        Added::Saved { path, title } => format!(
            "saved {} as {}\n",
            escape_controls(&title),
            escape_controls(&path)
        ),
        Added::Duplicate { path } => format!(
            "already in the library as {}: nothing written\n",
            escape_controls(&path)
        ),
    })
}

/// `blatt fetch`: the summary, with the failures and notes; `progress` hears after each
/// feed.
pub fn fetch(
    library: Option<&Path>,
    config: &Config,
    config_dir: Option<&Path>,
    today: &str,
    progress: &mut dyn FnMut(Progress),
) -> anyhow::Result<Summary> {
    let setup = feeds::Setup::from_config(config, config_dir);
    if setup.feeds.is_empty() {
        // Said before the library is looked for.
        return Ok(setup.run(Path::new("."), today, progress)?);
    }
    let library = library_folder(library, config)?;
    Ok(setup.run(&library, today, progress)?)
}

/// What `blatt fetch` prints: a line per failure and note, then the summary.
pub fn report(summary: &Summary) -> String {
    let mut out = String::new();
    for failure in &summary.failures {
        out.push_str(&format!("failed: {}\n", escape_controls(failure)));
    }
    for note in &summary.notes {
        out.push_str(&format!("note: {}\n", escape_controls(note)));
    }
    out.push_str(&summary.line());
    out.push('\n');
    out
}

/// `blatt feeds import FILE`: appends the new feeds to config.toml (atomically).
pub fn import(file: &Path, config: &Config, config_dir: Option<&Path>) -> anyhow::Result<String> {
    let dir = config_dir.context("no config directory to keep the feeds in")?;
    let text = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = crate::document::decode::decode(&text)
        .with_context(|| file.display().to_string())?
        .text;
    let outlines = opml::read(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let specs: Vec<_> = config
        .feeds
        .iter()
        .map(crate::config::FeedConfig::spec)
        .collect();
    let (tables, count) = opml::config_text(&outlines, &specs);
    let path = dir.join(crate::config::FILE_NAME);
    if count > 0 {
        let mut existing = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        if !existing.is_empty() && !existing.ends_with('\n') {
            existing.push('\n');
        }
        existing.push_str(&tables);
        super::write_atomically(&path, existing.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(format!(
        "{count} feeds added to {} ({} already there)\n",
        escape_controls(&path.to_string_lossy()),
        outlines.len() - count
    ))
}

/// `blatt feeds export`: the configured feeds as OPML.
pub fn export(config: &Config) -> String {
    let specs: Vec<_> = config
        .feeds
        .iter()
        .map(crate::config::FeedConfig::spec)
        .collect();
    opml::write(&specs)
}
