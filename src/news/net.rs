//! Fetching one address over HTTP(S) with limits that hold against a hostile server: http
//! and https only, at most [`MAX_REDIRECTS`] redirects, never to another scheme, a connect
//! and a total timeout (the total covers redirects and the body, so a server that sends a
//! byte a second cannot keep blatt waiting), a cap on the body after decompression (gzip,
//! deflate, brotli), and a User-Agent naming blatt and its version. Conditional requests
//! (ETag, Last-Modified) come back as [`Fetched::NotModified`].

use std::io::Read;
use std::time::{Duration, Instant};

use url::Url;

use super::{NewsError, address};

/// The most redirects followed for one fetch.
pub const MAX_REDIRECTS: usize = 5;

/// What a fetch may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Time to open the connection (TCP and TLS).
    pub connect: Duration,
    /// Time for the whole fetch: every redirect, the headers and the body.
    pub total: Duration,
    /// The largest body kept, after decompression, in bytes.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            connect: Duration::from_secs(10),
            total: Duration::from_secs(30),
            max_bytes: 20 * 1024 * 1024,
        }
    }
}

/// Validators of an earlier answer, sent so that an unchanged resource costs one small reply.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// A body that arrived.
#[derive(Debug, Clone)]
pub struct Body {
    /// Where it came from after redirects.
    pub url: Url,
    pub bytes: Vec<u8>,
    /// The `charset` of its Content-Type, if any.
    pub charset: Option<String>,
    /// Its media type (`text/html`), lowercase, if given.
    pub media_type: Option<String>,
    /// For the next conditional request.
    pub validators: Validators,
}

/// What a fetch brought.
#[derive(Debug, Clone)]
pub enum Fetched {
    Body(Box<Body>),
    /// 304: unchanged since the validators sent.
    NotModified,
}

/// A client for many fetches (each on a connection of its own).
#[derive(Clone)]
pub struct Client {
    agent: ureq::Agent,
    limits: Limits,
}

impl Client {
    pub fn new(limits: Limits) -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // Redirects are followed here, so each hop's scheme can be checked.
            .max_redirects(0)
            // Every request on a connection of its own: with connections kept and reused,
            // a request sent on a reused one now and then got no answer until the total
            // timeout (3 of 28 runs of the feed test, two at a time, against the test
            // server; none in 20 without). A handshake per page is the price.
            .max_idle_connections(0)
            .timeout_connect(Some(limits.connect))
            .timeout_global(Some(limits.total))
            .user_agent(user_agent())
            .accept_encoding("gzip, deflate, br")
            .max_response_header_size(64 * 1024)
            .build();
        Client {
            agent: config.new_agent(),
            limits,
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Fetches `url` (which must be http or https), following redirects; `validators`
    /// make it a conditional request.
    pub fn get(&self, url: &Url, validators: &Validators) -> Result<Fetched, NewsError> {
        let started = Instant::now();
        let mut url = url.clone();
        address::check_scheme(&url)?;
        let fail = |url: &Url, reason: String| NewsError::Fetch {
            address: url.to_string(),
            reason,
        };
        for _hop in 0..=MAX_REDIRECTS {
            let left = self
                .limits
                .total
                .checked_sub(started.elapsed())
                .filter(|d| !d.is_zero())
                .ok_or_else(|| fail(&url, timed_out(self.limits.total)))?;
            let mut request = self.agent.get(url.as_str());
            if let Some(etag) = &validators.etag {
                request = request.header("If-None-Match", etag);
            }
            if let Some(modified) = &validators.last_modified {
                request = request.header("If-Modified-Since", modified);
            }
            let response = request
                .config()
                .timeout_global(Some(left))
                .build()
                .call()
                .map_err(|e| fail(&url, describe(&e, self.limits)))?;
            let status = response.status().as_u16();
            if (300..400).contains(&status) && status != 304 {
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| fail(&url, format!("redirect {status} without a Location")))?;
                let next = url
                    .join(location)
                    .map_err(|e| fail(&url, format!("redirect to a bad address: {e}")))?;
                if next.scheme() != url.scheme() {
                    return Err(fail(
                        &url,
                        format!(
                            "redirect from {}: to {}: refused",
                            url.scheme(),
                            clean(next.scheme())
                        ),
                    ));
                }
                url = next;
                continue;
            }
            if status == 304 {
                return Ok(Fetched::NotModified);
            }
            if !(200..300).contains(&status) {
                let reason = response.status().canonical_reason().unwrap_or("");
                return Err(fail(
                    &url,
                    format!("HTTP {status} {reason}").trim().to_string(),
                ));
            }
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            let validators = Validators {
                etag: header("etag"),
                last_modified: header("last-modified"),
            };
            let deflated = header("content-encoding")
                .is_some_and(|e| e.trim().eq_ignore_ascii_case("deflate"));
            let media_type = response.body().mime_type().map(str::to_ascii_lowercase);
            let charset = response.body().charset().map(str::to_string);
            let mut body = response.into_body();
            let bytes = body
                .with_config()
                .limit(self.limits.max_bytes)
                .read_to_vec()
                .map_err(|e| fail(&url, describe(&e, self.limits)))?;
            let bytes = if deflated {
                inflate(&bytes, self.limits.max_bytes).map_err(|e| fail(&url, e))?
            } else {
                bytes
            };
            return Ok(Fetched::Body(Box::new(Body {
                url,
                bytes,
                charset,
                media_type,
                validators,
            })));
        }
        Err(fail(
            &url,
            format!("more than {MAX_REDIRECTS} redirects (a redirect loop?)"),
        ))
    }
}

/// `blatt/0.1.0 (+terminal news reader)`.
pub fn user_agent() -> String {
    format!("blatt/{} (terminal news reader)", env!("CARGO_PKG_VERSION"))
}

fn timed_out(total: Duration) -> String {
    format!("timed out (over {} s in all)", total.as_secs_f32())
}

/// A person's words for what went wrong with a fetch.
fn describe(error: &ureq::Error, limits: Limits) -> String {
    match error {
        ureq::Error::Timeout(_) => timed_out(limits.total),
        ureq::Error::BodyExceedsLimit(_) => format!(
            "the answer is larger than {} MB (fetch.max_mb)",
            limits.max_bytes / (1024 * 1024)
        ),
        ureq::Error::HostNotFound => "host not found".to_string(),
        ureq::Error::ConnectionFailed => "connection failed".to_string(),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_string()
        }
        other => clean(&other.to_string()),
    }
}

/// Text from the network or about it, safe to print.
fn clean(text: &str) -> String {
    crate::document::sanitize::escape_controls(text)
}

/// A zlib (or raw deflate) body, inflated up to `max` bytes.
fn inflate(bytes: &[u8], max: u64) -> Result<Vec<u8>, String> {
    let read = |reader: &mut dyn Read| -> std::io::Result<Vec<u8>> {
        let mut out = Vec::new();
        reader.take(max + 1).read_to_end(&mut out)?;
        Ok(out)
    };
    let out = read(&mut flate2::read::ZlibDecoder::new(bytes))
        .or_else(|_| read(&mut flate2::read::DeflateDecoder::new(bytes)))
        .map_err(|e| format!("cannot inflate the answer: {e}"))?;
    if out.len() as u64 > max {
        return Err(format!(
            "the answer is larger than {} MB (fetch.max_mb)",
            max / (1024 * 1024)
        ));
    }
    Ok(out)
}
