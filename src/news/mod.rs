//! Bringing the news in: `blatt add` saves one web page (or local HTML file) as a Markdown
//! article of a library, `blatt fetch` does it for every new item of the configured feeds.
//!
//! The way in is one direction, like the rest of blatt: bytes are fetched with limits
//! ([`net`]), decoded and made into an article ([`extract`]), written as a file and listed
//! in INDEX.md ([`save`]), and remembered so that nothing is saved twice ([`state`]). Every
//! byte from the network is hostile: only http and https are fetched, all text goes through
//! the sanitizer, names are made from clean letters and digits only, and sizes, counts and
//! times are capped. Feeds are read in [`feeds`]; OPML lists of feeds in [`opml`].
//!
//! A save is crash-safe in this order: the article file (atomically), then its INDEX.md
//! entry (atomically), then the record in `news.json`. A run that stops in between finds the
//! file it wrote by its name and source line next time and only completes the rest.

pub mod address;
pub mod clean;
pub mod commands;
pub mod extract;
pub mod feeds;
pub mod long;
pub mod net;
pub mod opml;
pub mod save;
pub mod state;

use std::path::{Path, PathBuf};

use url::Url;

pub use net::{Client, Limits};
pub use state::NewsStore;

/// What went wrong bringing an article or a feed in, in words a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum NewsError {
    #[error("{address}: {reason}")]
    BadAddress { address: String, reason: String },
    #[error("{address}: {reason}")]
    Fetch { address: String, reason: String },
    #[error("not an article: {0}")]
    NotArticle(String),
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Library(String),
}

impl NewsError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        NewsError::Io {
            path: crate::document::sanitize::escape_controls(&path.to_string_lossy()),
            source,
        }
    }
}

/// Writes a file so that a crash leaves the old or the new contents, never a part.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = atomic_write_file::AtomicWriteFile::open(path)?;
    file.write_all(bytes)?;
    file.commit()
}

/// The library folder of a path that names it or its INDEX.md.
pub fn library_dir(path: &Path) -> Result<PathBuf, NewsError> {
    let dir = if crate::library::is_index_file(path) {
        path.parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
    } else {
        path.to_path_buf()
    };
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    if !dir.is_dir() {
        return Err(NewsError::Library(format!(
            "{} is not a library folder",
            crate::document::sanitize::escape_controls(&dir.to_string_lossy())
        )));
    }
    std::fs::canonicalize(&dir).map_err(|e| NewsError::io(&dir, e))
}

/// The key under which a library's saved articles are remembered.
pub fn library_key(dir: &Path) -> String {
    dir.to_string_lossy().into_owned()
}

/// What `blatt add` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// Saved as this file (below the library) with this title.
    Saved { path: String, title: String },
    /// Already in the library, as this file.
    Duplicate { path: String },
}

/// The largest local HTML file read, as for a fetched page.
fn read_local(path: &Path, max: u64) -> Result<Vec<u8>, NewsError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| NewsError::io(path, e))?;
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| NewsError::io(path, e))?;
    if bytes.len() as u64 > max {
        return Err(NewsError::NotArticle(format!(
            "larger than {} MB (fetch.max_mb)",
            max / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// Whether `source` names a local file rather than an address.
pub fn is_local(source: &str) -> bool {
    !source.contains("://") && Path::new(source).exists()
}

/// `blatt add SOURCE`: fetches the page at the address `source` (or reads the local HTML
/// file), extracts the article and saves it into the library folder `library` under
/// `group` (default: the site's name), unless it is there already. `today` is the date used
/// when the page gives none; `store` keeps the records (none: only the files are looked at).
pub fn add(
    library: &Path,
    source: &str,
    group: Option<&str>,
    today: &str,
    client: &Client,
    store: Option<&NewsStore>,
) -> Result<Added, NewsError> {
    let key = library_key(library);
    let (article, mut keys, shown) = if is_local(source) {
        let path = Path::new(source);
        let bytes = read_local(path, client.limits().max_bytes)?;
        let html = extract::decode_html(&bytes, None)?;
        let article = extract::extract(&html, None)?;
        let absolute = std::fs::canonicalize(path).map_err(|e| NewsError::io(path, e))?;
        let keys = vec![state::url_key(&format!("file://{}", absolute.display()))];
        let shown = article.canonical.clone();
        (article, keys, shown)
    } else {
        let url = address::fetchable(source)?;
        let requested = state::url_key(&address::canonical(&url));
        if let Some(path) = already(store, &key, library, std::slice::from_ref(&requested)) {
            return Ok(Added::Duplicate { path });
        }
        let body = match client.get(&url, &net::Validators::default())? {
            net::Fetched::Body(body) => body,
            net::Fetched::NotModified => {
                return Err(NewsError::Fetch {
                    address: url.to_string(),
                    reason: "304 Not Modified to a plain request".to_string(),
                });
            }
        };
        let article = page_article(&body)?;
        let final_url = address::canonical(&body.url);
        let keys = vec![requested, state::url_key(&final_url)];
        (article, keys, Some(final_url))
    };
    if let Some(canonical) = &article.canonical {
        keys.push(state::url_key(&address::canonical_text(canonical)));
    }
    keys.dedup();
    let source_line = article
        .canonical
        .as_deref()
        .map(address::canonical_text)
        .or(shown);
    let group = group
        .map(str::to_string)
        .or_else(|| article.site.clone())
        .or_else(|| {
            source_line
                .as_deref()
                .and_then(|s| Url::parse(s).ok())
                .and_then(|u| u.host_str().map(str::to_string))
        })
        .unwrap_or_else(|| "News".to_string());
    let prepared = save::Prepared {
        date: article
            .published
            .clone()
            .unwrap_or_else(|| today.to_string()),
        article,
        source: source_line,
        group,
    };
    let mut saved = save_all(library, vec![(prepared, keys)], store, |_| {})?;
    Ok(saved.pop().unwrap_or(Added::Duplicate {
        path: String::new(),
    }))
}

/// The article of a fetched page, which must be HTML.
pub fn page_article(body: &net::Body) -> Result<extract::Article, NewsError> {
    if let Some(media) = &body.media_type
        && !(media.contains("html") || media == "text/plain" || media.is_empty())
    {
        return Err(NewsError::NotArticle(format!(
            "{} is {}, not a web page",
            body.url,
            crate::document::sanitize::escape_controls(media)
        )));
    }
    let html = extract::decode_html(&body.bytes, body.charset.as_deref())?;
    extract::extract(&html, Some(&body.url))
}

/// The file an article was saved as, if any of its keys is recorded and the file is still
/// there.
fn already(
    store: Option<&NewsStore>,
    key: &str,
    library: &Path,
    keys: &[String],
) -> Option<String> {
    let (records, _) = store?.load();
    keys.iter()
        .filter_map(|k| records.saved(key, k))
        .find(|path| library.join(path).is_file())
        .map(str::to_string)
}

/// Saves articles into `library` under the records' lock: each one whose keys are not
/// recorded (with its file still there) is written, or found where an interrupted run wrote
/// it; then all new entries go into INDEX.md at once; then the keys are recorded.
pub fn save_all(
    library: &Path,
    articles: Vec<(save::Prepared, Vec<String>)>,
    store: Option<&NewsStore>,
    update: impl FnOnce(&mut state::NewsState),
) -> Result<Vec<Added>, NewsError> {
    let key = library_key(library);
    let _lock = match store {
        Some(store) => Some(store.lock().map_err(|e| NewsError::io(&store.path(), e))?),
        None => None,
    };
    let (mut records, _) = store.map(NewsStore::load).unwrap_or_default();
    let before = records.clone();
    let mut out = Vec::new();
    let mut entries = Vec::new();
    for (prepared, keys) in articles {
        let known = keys
            .iter()
            .filter_map(|k| records.saved(&key, k))
            .find(|path| library.join(path).is_file())
            .map(str::to_string);
        if let Some(path) = known {
            out.push(Added::Duplicate { path });
            continue;
        }
        // A file an interrupted run wrote is listed and recorded now, not written again.
        let path = match save::existing(library, &prepared) {
            Some(path) => path,
            None => {
                save::write_article(library, &prepared).map_err(|e| NewsError::io(library, e))?
            }
        };
        entries.push(save::entry(&prepared, &path));
        records.record(&key, &keys, &path);
        out.push(Added::Saved {
            path,
            title: prepared.article.title.clone(),
        });
    }
    if !entries.is_empty() {
        save::add_to_index(library, entries).map_err(|e| NewsError::Library(format!("{e:#}")))?;
    }
    update(&mut records);
    if let Some(store) = store
        && records != before
    {
        store
            .save(&records)
            .map_err(|e| NewsError::io(&store.path(), e))?;
    }
    Ok(out)
}
