//! `blatt fetch`: every configured feed is fetched on a small pool of threads (conditional
//! requests with the validators of its last answer), parsed with `feed-rs` (RSS 0.9x, 1.0,
//! 2.0, Atom, JSON Feed), and each item not saved before becomes an article: the item's own
//! content when it is long enough, else the page it links to, fetched and extracted as
//! `blatt add` does. The threads only fetch and extract; one writer (the calling thread)
//! saves each feed's articles and records them, so the library and the records change in
//! one place. One feed failing (timeout, HTTP error, invalid XML, …) is reported with its
//! address and reason and never stops the others.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use url::Url;

use super::extract::{self, Article};
use super::net::{Client, Fetched, Validators};
use super::save::Prepared;
use super::state::{self, NewsStore};
use super::{Added, NewsError, address};
use crate::document::sanitize::{escape_controls, sanitize_line};

/// One feed to follow, as configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedSpec {
    pub url: String,
    /// The group its articles go under; default: the feed's title.
    pub group: Option<String>,
    /// Fetch each item's page; default: only when the item carries less than a few
    /// paragraphs.
    pub full_text: Option<bool>,
    /// The most items taken from the feed per fetch.
    pub max_items: usize,
}

/// Everything a fetch of the feeds needs besides the library: the feeds, the limits, how
/// many at once, and where the records are kept.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    pub feeds: Vec<FeedSpec>,
    pub limits: super::Limits,
    pub connections: usize,
    pub config_dir: Option<std::path::PathBuf>,
}

impl Setup {
    pub fn from_config(config: &crate::config::Config, config_dir: Option<&Path>) -> Self {
        Setup {
            feeds: config
                .feeds
                .iter()
                .map(crate::config::FeedConfig::spec)
                .collect(),
            limits: config.fetch.limits(),
            connections: config.fetch.connections,
            config_dir: config_dir.map(Path::to_path_buf),
        }
    }

    /// Fetches every feed into the library folder `library` (see [`fetch_all`]).
    pub fn run(
        &self,
        library: &Path,
        today: &str,
        progress: &mut dyn FnMut(Progress),
    ) -> Result<Summary, NewsError> {
        if self.feeds.is_empty() {
            return Err(NewsError::Library(
                "no feeds configured: add [[feeds]] tables to config.toml, or `blatt feeds import FILE.opml`"
                    .to_string(),
            ));
        }
        let client = Client::new(self.limits);
        let store = self.config_dir.as_deref().map(NewsStore::new);
        fetch_all(
            &self.feeds,
            library,
            &client,
            store.as_ref(),
            self.connections,
            today,
            progress,
        )
    }
}

/// The most items ever taken from one feed per fetch, whatever the configuration says.
pub const MAX_ITEMS: usize = 500;
/// Item content with fewer paragraphs than this is a summary: the page is fetched.
const FEW_PARAGRAPHS: usize = 3;
/// … unless it is this long anyway (in bytes of HTML).
const LONG_CONTENT: usize = 2000;

/// How a fetch is going, for a progress line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Feeds done (fetched and saved, or failed).
    pub done: usize,
    pub total: usize,
    /// Articles saved so far.
    pub added: usize,
}

/// What `blatt fetch` did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub checked: usize,
    /// Feeds that answered 304 Not Modified.
    pub unchanged: usize,
    /// Paths (below the library) of the articles saved.
    pub added: Vec<String>,
    /// `address: reason`, one per failed feed.
    pub failures: Vec<String>,
    /// Items that could not be saved, and pages that could not be fetched (their summary
    /// was saved instead).
    pub notes: Vec<String>,
}

impl Summary {
    /// `3 feeds checked, 12 new articles, 1 failed`.
    pub fn line(&self) -> String {
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "{} checked, {}, {} failed",
            plural(self.checked, "feed", "feeds"),
            plural(self.added.len(), "new article", "new articles"),
            self.failures.len()
        )
    }

    /// Every feed failed (and there was one).
    pub fn all_failed(&self) -> bool {
        self.checked > 0 && self.failures.len() == self.checked
    }
}

/// A feed's result from a worker.
struct Checked {
    index: usize,
    outcome: Result<Found, String>,
}

struct Found {
    validators: Option<Validators>,
    articles: Vec<(Prepared, Vec<String>)>,
    notes: Vec<String>,
}

/// Fetches every feed into the library folder `library` with `connections` feeds at a
/// time (at least 1, at most 8), saving new items as they come; `progress` hears after
/// each feed.
pub fn fetch_all(
    feeds: &[FeedSpec],
    library: &Path,
    client: &Client,
    store: Option<&NewsStore>,
    connections: usize,
    today: &str,
    progress: &mut dyn FnMut(Progress),
) -> Result<Summary, NewsError> {
    let key = super::library_key(library);
    let (records, notice) = store.map(NewsStore::load).unwrap_or_default();
    let mut summary = Summary {
        checked: feeds.len(),
        notes: notice.into_iter().collect(),
        ..Summary::default()
    };
    let seen: HashSet<String> = records
        .seen
        .get(&key)
        .map(|s| {
            s.iter()
                .filter(|(_, path)| library.join(path).is_file())
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::channel::<Checked>();
    let workers = connections.clamp(1, 8).min(feeds.len().max(1));
    let mut state = Progress {
        total: feeds.len(),
        ..Progress::default()
    };
    progress(state);
    let mut failure: Option<NewsError> = None;
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let sender = sender.clone();
            let (next, seen, records) = (&next, &seen, &records);
            scope.spawn(move || {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(feed) = feeds.get(index) else {
                        break;
                    };
                    let validators = records.feeds.get(&feed.url).cloned().unwrap_or_default();
                    let outcome = check(client, feed, &validators, seen, today);
                    if sender.send(Checked { index, outcome }).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        for checked in receiver {
            let feed = &feeds[checked.index];
            state.done += 1;
            match checked.outcome {
                Err(reason) => summary
                    .failures
                    .push(format!("{}: {reason}", escape_controls(&feed.url))),
                Ok(found) if failure.is_none() => {
                    summary.notes.extend(found.notes);
                    if found.validators.is_none() {
                        summary.unchanged += 1;
                    }
                    let validators = found.validators.clone();
                    let url = feed.url.clone();
                    let saved = super::save_all(library, found.articles, store, move |records| {
                        if let Some(v) = validators {
                            records.feeds.insert(url, v);
                        }
                    });
                    match saved {
                        Ok(added) => {
                            for added in added {
                                if let Added::Saved { path, .. } = added {
                                    summary.added.push(path);
                                }
                            }
                        }
                        // The library cannot be written: stop (the workers finish the
                        // feeds they have and are not given more).
                        Err(e) => {
                            next.store(usize::MAX / 2, Ordering::Relaxed);
                            failure = Some(e);
                        }
                    }
                }
                Ok(_) => {}
            }
            state.added = summary.added.len();
            progress(state);
        }
    });
    match failure {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

/// Fetches and reads one feed; the new items become prepared articles.
fn check(
    client: &Client,
    feed: &FeedSpec,
    validators: &Validators,
    seen: &HashSet<String>,
    today: &str,
) -> Result<Found, String> {
    let url = address::fetchable(&feed.url).map_err(|e| e.to_string())?;
    let body = match client.get(&url, validators).map_err(reason)? {
        Fetched::NotModified => {
            return Ok(Found {
                validators: None,
                articles: Vec::new(),
                notes: Vec::new(),
            });
        }
        Fetched::Body(body) => body,
    };
    let parsed = parse(&body.bytes, &body.url)?;
    let feed_title = parsed
        .title
        .as_ref()
        .map(|t| sanitize_line(&t.content))
        .filter(|t| !t.is_empty());
    let group = feed
        .group
        .clone()
        .or_else(|| feed_title.clone())
        .or_else(|| url.host_str().map(str::to_string))
        .unwrap_or_else(|| "News".to_string());
    let mut articles = Vec::new();
    let mut notes = Vec::new();
    for entry in parsed
        .entries
        .iter()
        .take(feed.max_items.clamp(1, MAX_ITEMS))
    {
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .and_then(|l| body.url.join(l.href.trim()).ok())
            .filter(|l| matches!(l.scheme(), "http" | "https"));
        let mut keys = Vec::new();
        if !entry.id.trim().is_empty() {
            keys.push(state::guid_key(&feed.url, entry.id.trim()));
        }
        if let Some(link) = &link {
            keys.push(state::url_key(&address::canonical(link)));
        }
        if keys.is_empty() || keys.iter().any(|k| seen.contains(k)) {
            continue;
        }
        match item_article(
            client,
            feed,
            entry,
            link.as_ref(),
            feed_title.as_deref(),
            &mut notes,
        ) {
            Some(article) => {
                let date = article
                    .published
                    .clone()
                    .unwrap_or_else(|| today.to_string());
                if let Some(canonical) = &article.canonical {
                    keys.push(state::url_key(&address::canonical_text(canonical)));
                }
                articles.push((
                    Prepared {
                        source: link.as_ref().map(address::canonical),
                        group: group.clone(),
                        date,
                        article,
                    },
                    keys,
                ));
            }
            None => continue,
        }
    }
    Ok(Found {
        validators: Some(body.validators),
        articles,
        notes,
    })
}

/// Parses a feed; items without a GUID get none (not one made up), so that they are known
/// by their link.
pub fn parse(bytes: &[u8], base: &Url) -> Result<feed_rs::model::Feed, String> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .id_generator(|_, _, _| String::new())
        .build()
        .parse(bytes)
        .map_err(|e| format!("not a feed: {}", escape_controls(&e.to_string())))
}

/// The article of a feed item: its page when the item carries too little (or `full_text`
/// says so), else its own content. A page that cannot be fetched falls back to the
/// content, with a note.
fn item_article(
    client: &Client,
    feed: &FeedSpec,
    entry: &feed_rs::model::Entry,
    link: Option<&Url>,
    site: Option<&str>,
    notes: &mut Vec<String>,
) -> Option<Article> {
    let content = entry
        .content
        .as_ref()
        .and_then(|c| c.body.clone())
        .or_else(|| entry.summary.as_ref().map(|s| s.content.clone()))
        .unwrap_or_default();
    let short = content.matches("<p").count() < FEW_PARAGRAPHS && content.len() < LONG_CONTENT;
    let title = entry
        .title
        .as_ref()
        .map(|t| sanitize_line(&t.content))
        .unwrap_or_default();
    let published = entry
        .published
        .or(entry.updated)
        .map(|d| d.format("%Y-%m-%d").to_string());
    let byline = entry
        .authors
        .iter()
        .map(|a| sanitize_line(a.name.as_deref().unwrap_or_default()))
        .filter(|a| !a.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let byline = (!byline.is_empty()).then_some(byline);
    if let Some(link) = link
        && feed.full_text.unwrap_or(short)
    {
        let page = client
            .get(link, &Validators::default())
            .and_then(|fetched| match fetched {
                Fetched::Body(body) => super::page_article(&body),
                Fetched::NotModified => Err(NewsError::NotArticle("304 to a plain request".into())),
            });
        match page {
            Ok(mut article) => {
                if article.title.trim().is_empty() {
                    article.title = title.clone();
                }
                article.site = article.site.or_else(|| site.map(str::to_string));
                article.byline = article.byline.or(byline.clone());
                article.published = article.published.or(published.clone());
                return Some(article);
            }
            Err(e) => notes.push(format!(
                "{}: {}; saved the feed's text instead",
                escape_controls(link.as_str()),
                reason(e)
            )),
        }
    }
    if content.trim().is_empty() && title.is_empty() {
        notes.push(format!(
            "{}: an item with neither text nor title skipped",
            escape_controls(&feed.url)
        ));
        return None;
    }
    let markdown = extract::fragment(&content, link);
    Some(Article {
        title: if title.is_empty() {
            "Untitled".to_string()
        } else {
            title
        },
        byline,
        site: site.map(str::to_string),
        published,
        language: None,
        excerpt: None,
        canonical: None,
        markdown,
    })
}

fn reason(error: NewsError) -> String {
    match error {
        NewsError::Fetch { reason, .. } | NewsError::BadAddress { reason, .. } => reason,
        other => other.to_string(),
    }
}
