//! A web server on 127.0.0.1 for the news tests (tiny_http): fixture pages and feeds, and
//! every failure a hostile or broken server can offer (404, 500, a body sent a byte at a
//! time, an endless body, a redirect loop, a redirect to `file:`, invalid XML, billion
//! laughs, a wrong charset, escape sequences). It answers each request on its own thread,
//! remembers which paths were asked for and whether conditionally, and stops when dropped.
//! Slow and endless answers end by themselves (bounded in time and size).
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Pages put there by a test: path → (content type, body).
type Pages = Mutex<HashMap<String, (String, Vec<u8>)>>;

pub const ARTICLE: &str = include_str!("../fixtures/news/article.html");

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    /// It carried If-None-Match or If-Modified-Since.
    pub conditional: bool,
    pub user_agent: String,
}

pub struct Server {
    server: Arc<tiny_http::Server>,
    pub base: String,
    log: Arc<Mutex<Vec<Seen>>>,
    /// Item pages answer slowly while set (for the kill test).
    pub slow_items: Arc<AtomicBool>,
    pages: Arc<Pages>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A reader that gives one byte per `pause`, `count` times.
struct Trickle {
    left: usize,
    pause: Duration,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 || buf.is_empty() {
            return Ok(0);
        }
        std::thread::sleep(self.pause);
        self.left -= 1;
        buf[0] = b'x';
        Ok(1)
    }
}

/// A reader of `left` bytes of HTML-ish filler.
struct Endless {
    left: usize,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.left);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = b"<p>more and more</p>\n"[i % 21];
        }
        self.left -= n;
        Ok(n)
    }
}

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("header")
}

/// The page of item `n` of a feed: a full article with its own title.
pub fn item_page(feed: &str, n: usize) -> String {
    let body = (0..6)
        .map(|p| {
            format!(
                "<p>Paragraph {p} of story {n} from the {feed} feed, with enough words, commas, \
                 and sentences to be taken as the text of the article. It tells what happened \
                 and why it matters to the readers of this small fixture site.</p>"
            )
        })
        .collect::<String>();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {n} of {feed}</title></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/x\">Other</a></nav><article><h1>Story {n} of {feed}</h1>\
         {body}</article><aside class=\"sidebar\">Most read: nothing</aside></body></html>"
    )
}

/// RSS 2.0 with `items` items linking to item pages (summaries only).
pub fn rss2(base: &str, name: &str, items: usize) -> String {
    let items: String = (0..items)
        .map(|n| {
            format!(
                "<item><title>Story {n} of {name}</title><link>{base}/items/{name}/{n}.html</link>\
                 <guid isPermaLink=\"false\">{name}-{n}</guid><pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate>\
                 <description>Short teaser {n}.</description></item>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><title>{name} news</title>\
         <link>{base}/</link><description>d</description>{items}</channel></rss>"
    )
}

fn rss1(base: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
  <channel rdf:about="{base}/"><title>RDF Weekly</title><link>{base}/</link><description>x</description></channel>
  <item rdf:about="{base}/items/rdf/0.html"><title>Story 0 of rdf</title><link>{base}/items/rdf/0.html</link><description>Teaser.</description></item>
</rdf:RDF>"#
    )
}

fn atom(base: &str) -> String {
    let paragraphs: String = (0..4)
        .map(|p| format!("&lt;p&gt;Atom paragraph {p}, carried in full by the feed itself, long enough to read.&lt;/p&gt;"))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Daily</title><id>urn:atom-daily</id><updated>2026-11-30T08:00:00Z</updated>
  <entry><title>Full text in the feed</title><id>urn:atom-daily:1</id><link href="{base}/items/atom/1.html"/>
    <updated>2026-11-29T08:00:00Z</updated><author><name>Ann Author</name></author>
    <content type="html">{paragraphs}</content></entry>
</feed>"#
    )
}

fn json_feed(base: &str) -> String {
    format!(
        r#"{{"version": "https://jsonfeed.org/version/1.1", "title": "JSON Times",
  "items": [{{"id": "j1", "url": "{base}/items/json/0.html", "title": "Story 0 of json",
             "summary": "A teaser.", "date_published": "2026-11-28T10:00:00Z"}}]}}"#
    )
}

fn laughs() -> String {
    let mut dtd = String::from("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
    dtd.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
    for i in 2..10 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY lol{i} \"{prev}\">"));
    }
    dtd.push(']');
    dtd.push('>');
    format!(
        "<?xml version=\"1.0\"?>{dtd}<rss version=\"2.0\"><channel><title>&lol9;</title>\
         <item><title>&lol9;</title><link>http://127.0.0.1:1/x</link></item></channel></rss>"
    )
}

const HOSTILE: &str = "<!DOCTYPE html><html><head><title>Evil\u{1b}]0;pwned\u{7} \u{202e}title\u{1b}[2J</title></head><body><article>\
<h1>Evil\u{1b}]0;pwned\u{7} \u{202e}title\u{1b}[2J</h1>\
<p>Text with a clear-screen \u{1b}[2J and a C1 \u{9b}31m control, a title change \u{1b}]2;owned\u{7} and bidi \u{202e}reversed\u{202c} marks, long enough, with commas, to be an article.</p>\
<p>A second paragraph, also long enough to count as the text of an article, with more words and commas, and an \u{1b}P DCS \u{1b}\\ string.</p>\
<p>A third paragraph, because extraction wants a few, with ordinary words about ordinary things in an ordinary town.</p>\
</article></body></html>";

impl Server {
    pub fn start() -> Server {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("ip address").port();
        let base = format!("http://127.0.0.1:{port}");
        let log = Arc::new(Mutex::new(Vec::new()));
        let slow_items = Arc::new(AtomicBool::new(false));
        let pages = Arc::new(Mutex::new(HashMap::new()));
        let thread = {
            let (server, base, log, slow, pages) = (
                server.clone(),
                base.clone(),
                log.clone(),
                slow_items.clone(),
                pages.clone(),
            );
            std::thread::spawn(move || {
                for request in server.incoming_requests() {
                    let (base, log, slow, pages) =
                        (base.clone(), log.clone(), slow.clone(), pages.clone());
                    std::thread::spawn(move || answer(request, &base, &log, &slow, &pages));
                }
            })
        };
        Server {
            server,
            base,
            log,
            slow_items,
            pages,
            thread: Some(thread),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Serves `body` at `path` with `content_type`.
    pub fn put(&self, path: &str, content_type: &str, body: impl Into<Vec<u8>>) {
        self.pages
            .lock()
            .expect("pages")
            .insert(path.to_string(), (content_type.to_string(), body.into()));
    }

    pub fn log(&self) -> Vec<Seen> {
        self.log.lock().expect("log").clone()
    }

    pub fn clear_log(&self) {
        self.log.lock().expect("log").clear();
    }
}

fn answer(
    request: tiny_http::Request,
    base: &str,
    log: &Mutex<Vec<Seen>>,
    slow: &AtomicBool,
    pages: &Pages,
) {
    let path = request.url().to_string();
    let headers: Vec<(String, String)> = request
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_ascii_lowercase(),
                h.value.as_str().to_string(),
            )
        })
        .collect();
    let get = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let etag_sent = get("If-None-Match");
    let conditional = etag_sent.is_some() || get("If-Modified-Since").is_some();
    if let Ok(mut log) = log.lock() {
        log.push(Seen {
            path: path.clone(),
            conditional,
            user_agent: get("User-Agent").unwrap_or_default(),
        });
    }
    let html = "text/html; charset=utf-8";
    let reply = std::cell::RefCell::new(None::<Reply>);
    let respond = |status: u16, kind: &str, body: Vec<u8>, extra: Vec<tiny_http::Header>| {
        *reply.borrow_mut() = Some(Reply::Data(status, kind.to_string(), body, extra));
    };
    let stored = pages.lock().ok().and_then(|p| p.get(&path).cloned());
    let path_only = path.split(['?', '#']).next().unwrap_or("").to_string();
    match path_only.as_str() {
        _ if stored.is_some() => {
            if let Some((kind, body)) = stored {
                respond(200, &kind, body, vec![]);
            }
        }
        "/article.html" => respond(200, html, ARTICLE.into(), vec![]),
        "/gzip.html" => {
            use std::io::Write;
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = encoder.write_all(ARTICLE.as_bytes());
            let body = encoder.finish().unwrap_or_default();
            respond(200, html, body, vec![header("Content-Encoding", "gzip")]);
        }
        "/deflate.html" => {
            use std::io::Write;
            let mut encoder =
                flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            let _ = encoder.write_all(ARTICLE.as_bytes());
            let body = encoder.finish().unwrap_or_default();
            respond(200, html, body, vec![header("Content-Encoding", "deflate")]);
        }
        "/mislabelled.html" => {
            // windows-1252 bytes, sent as UTF-8.
            let page =
                ARTICLE.replace("City Council Opens Its Data", "Grüße aus Köln: Café Öffnet");
            let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&page);
            respond(200, html, bytes.into_owned(), vec![]);
        }
        "/meta-1251.html" => {
            let page = ARTICLE
                .replace(
                    "<meta charset=\"utf-8\">",
                    "<meta charset=\"windows-1251\">",
                )
                .replace(
                    "City Council Opens Its Data",
                    "Городской совет открывает данные",
                );
            let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&page);
            respond(200, "text/html", bytes.into_owned(), vec![]);
        }
        "/hostile.html" => respond(200, html, HOSTILE.into(), vec![]),
        "/404" => respond(404, html, b"<h1>Not found</h1>".to_vec(), vec![]),
        "/500" => respond(500, html, b"<h1>Oops</h1>".to_vec(), vec![]),
        "/loop" => respond(302, html, vec![], vec![header("Location", "/loop2")]),
        "/loop2" => respond(302, html, vec![], vec![header("Location", "/loop")]),
        "/to-file" => respond(
            302,
            html,
            vec![],
            vec![header("Location", "file:///etc/passwd")],
        ),
        "/moved" => respond(
            301,
            html,
            vec![],
            vec![header("Location", "/article.html?utm_source=x")],
        ),
        "/image.png" => respond(200, "image/png", vec![0x89, b'P', b'N', b'G', 0, 0], vec![]),
        "/slow" => {
            *reply.borrow_mut() = Some(Reply::Stream(Box::new(Trickle {
                left: 200,
                pause: Duration::from_millis(250),
            })));
        }
        "/endless" => {
            *reply.borrow_mut() = Some(Reply::Stream(Box::new(Endless {
                left: 256 * 1024 * 1024,
            })));
        }
        "/rss2.xml" => respond(
            200,
            "application/rss+xml",
            rss2(base, "rss", 3).into(),
            vec![],
        ),
        "/etag.xml" => {
            let etag = "\"v1\"";
            if etag_sent.as_deref() == Some(etag) {
                respond(304, "text/plain", Vec::new(), vec![]);
            } else {
                respond(
                    200,
                    "application/rss+xml",
                    rss2(base, "etag", 2).into(),
                    vec![
                        header("ETag", etag),
                        header("Last-Modified", "Mon, 30 Nov 2026 08:00:00 GMT"),
                    ],
                );
            }
        }
        "/rss1.xml" => respond(200, "application/rdf+xml", rss1(base).into(), vec![]),
        "/atom.xml" => respond(200, "application/atom+xml", atom(base).into(), vec![]),
        "/feed.json" => respond(200, "application/feed+json", json_feed(base).into(), vec![]),
        "/bad.xml" => respond(
            200,
            "application/rss+xml",
            b"<rss><channel><title>broken</title><item><title>x</ti".to_vec(),
            vec![],
        ),
        "/laughs.xml" => respond(200, "application/rss+xml", laughs().into(), vec![]),
        p if p.starts_with("/feeds/") => {
            // /feeds/N.xml: a feed of 20 items, for the benchmark and the kill test.
            let name = p.trim_start_matches("/feeds/").trim_end_matches(".xml");
            respond(
                200,
                "application/rss+xml",
                rss2(base, name, 20).into(),
                vec![],
            );
        }
        p if p.starts_with("/items/") => {
            let rest = p.trim_start_matches("/items/").trim_end_matches(".html");
            let (feed, n) = rest.split_once('/').unwrap_or((rest, "0"));
            if slow.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(300));
            }
            let n = n.parse().unwrap_or(0);
            respond(200, html, item_page(feed, n).into(), vec![]);
        }
        _ => respond(404, html, b"no such page".to_vec(), vec![]),
    }
    match reply.into_inner() {
        Some(Reply::Data(status, kind, body, extra)) => {
            let mut response = tiny_http::Response::from_data(body).with_status_code(status);
            response.add_header(header("Content-Type", &kind));
            for h in extra {
                response.add_header(h);
            }
            let _ = request.respond(response);
        }
        Some(Reply::Stream(reader)) => {
            let response = tiny_http::Response::new(
                200.into(),
                vec![header("Content-Type", html)],
                reader,
                None,
                None,
            );
            let _ = request.respond(response);
        }
        None => {}
    }
}

enum Reply {
    Data(u16, String, Vec<u8>, Vec<tiny_http::Header>),
    Stream(Box<dyn Read + Send>),
}
