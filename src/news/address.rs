//! Web addresses: which ones blatt fetches (http and https only) and the canonical form two
//! addresses of the same article share (scheme and host in lowercase, no default port, no
//! `utm_*` parameters, no fragment).

use url::Url;

use super::NewsError;

/// Parses `text` as an address blatt may fetch: absolute, http or https, with a host.
pub fn fetchable(text: &str) -> Result<Url, NewsError> {
    let url = Url::parse(text.trim()).map_err(|e| NewsError::BadAddress {
        address: text.to_string(),
        reason: e.to_string(),
    })?;
    check_scheme(&url)?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(NewsError::BadAddress {
            address: text.to_string(),
            reason: "it names no host".to_string(),
        });
    }
    Ok(url)
}

/// Refuses every scheme but http and https (`file:`, `data:`, `javascript:`, `ftp:`, …).
pub fn check_scheme(url: &Url) -> Result<(), NewsError> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        other => Err(NewsError::BadAddress {
            address: url.to_string(),
            reason: format!("only http and https are fetched, not {other}:"),
        }),
    }
}

/// The canonical form of an address, by which an article is known: the URL parser already
/// lowercases scheme and host and drops default ports; the fragment and every `utm_*`
/// parameter go, and an empty query is dropped.
pub fn canonical(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    if url.query().is_some() {
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(k, _)| !k.to_ascii_lowercase().starts_with("utm_"))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            url.set_query(None);
        } else {
            url.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    url.to_string()
}

/// [`canonical`] of a text that may not parse; then the text itself, trimmed.
pub fn canonical_text(text: &str) -> String {
    Url::parse(text.trim()).map_or_else(|_| text.trim().to_string(), |u| canonical(&u))
}

/// `href` resolved against `base`, if the result is an http, https or mailto address.
pub fn resolve_link(base: Option<&Url>, href: &str) -> Option<String> {
    let href = href.trim();
    let url = match base {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https" | "mailto").then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(text: &str) -> String {
        canonical(&fetchable(text).unwrap())
    }

    #[test]
    fn same_article_same_form() {
        let plain = canon("https://example.org/a/b?id=3");
        for other in [
            "HTTPS://Example.ORG/a/b?id=3",
            "https://example.org:443/a/b?id=3",
            "https://example.org/a/b?id=3&utm_source=x&UTM_Medium=y",
            "https://example.org/a/b?utm_campaign=z&id=3#comments",
        ] {
            assert_eq!(canon(other), plain, "{other}");
        }
        assert_eq!(
            canon("http://example.org:80/x?utm_source=feed#top"),
            "http://example.org/x"
        );
        assert_ne!(
            canon("http://example.org/x"),
            canon("https://example.org/x")
        );
        assert_ne!(
            canon("https://example.org/x?id=3"),
            canon("https://example.org/x?id=4")
        );
    }

    #[test]
    fn only_web_addresses() {
        for bad in [
            "file:///etc/passwd",
            "data:text/html,<p>hi</p>",
            "javascript:alert(1)",
            "ftp://example.org/x",
            "example.org/no-scheme",
            "http://",
        ] {
            assert!(fetchable(bad).is_err(), "{bad}");
        }
        assert!(fetchable(" https://example.org/ ").is_ok());
    }

    #[test]
    fn links_resolve_to_web_or_mail() {
        let base = Url::parse("https://example.org/news/a.html").unwrap();
        assert_eq!(
            resolve_link(Some(&base), "../b.html#x").as_deref(),
            Some("https://example.org/b.html#x")
        );
        assert_eq!(resolve_link(Some(&base), "javascript:alert(1)"), None);
        assert_eq!(resolve_link(Some(&base), "data:text/html,x"), None);
        assert!(resolve_link(None, "relative.html").is_none());
        assert!(resolve_link(Some(&base), "mailto:a@example.org").is_some());
    }
}
