//! Page furniture removed before the article is looked for: consent and cookie banners,
//! newsletter and subscription boxes, share and social bars, comment sections, related and
//! promoted teasers, advertisements, dialogs, navigation and form controls. Readability's
//! own "unlikely candidates" step does this by class and id too, but it gives up that step
//! whenever the text it finds is short (under 500 characters: a whole article in Japanese
//! or Chinese), and then keeps a banner or the comments; a box removed here stays removed.
//!
//! A box is recognised by the words of its `class` and `id` (split at dashes, underscores
//! and capitals: `cookie-banner`, `CookieConsent`, `newsletter_signup`), its `role`,
//! `aria-modal` or its tag (`nav`, `form`, AMP's `amp-ad`, …). AMP's `amp-img` becomes an
//! image, a `figcaption` a paragraph. Never removed: `html`, `body`, `main`, `article`, anything with
//! the page's `h1` inside, anything inside a table, `pre` or `code`, and any box holding a
//! large share of the page's text (a page-wide wrapper named `has-comments`).
//!
//! Also measured here, in the same walk: whether the text is mostly in a script written
//! without spaces between words (Chinese, Japanese, Thai, …), whose articles are far
//! shorter in characters than the same article in English.

use dom_query::{Document, NodeRef};

/// What the walk found out about the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageText {
    /// Boxes removed.
    pub removed: usize,
    /// Most letters of the page are Han, kana, Hangul, Thai, Lao, Khmer or Myanmar.
    pub dense_script: bool,
}

/// Words of a `class` or `id` that name a box of page furniture.
const FURNITURE: &[&str] = &[
    // consent and cookie banners, and the vendors' own names for them
    "cookie",
    "cookies",
    "cookiebanner",
    "cookieconsent",
    "consent",
    "gdpr",
    "cmp",
    "onetrust",
    "didomi",
    "usercentrics",
    "cookiebot",
    // newsletter and subscription boxes
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "optin",
    // sharing
    "share",
    "sharing",
    "sharebar",
    "social",
    "socials",
    // comments
    "comment",
    "comments",
    "disqus",
    // teasers and advertisements
    "related",
    "recommended",
    "recommendations",
    "promo",
    "outbrain",
    "taboola",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "adslot",
    "sponsored",
    // overlays
    "popup",
    "modal",
];

/// Tags that never hold article text.
const TAGS: &[&str] = &[
    "nav",
    "dialog",
    "button",
    "input",
    "select",
    "textarea",
    "form",
    "template",
    // AMP's advertisements, consent and menus
    "amp-ad",
    "amp-embed",
    "amp-sticky-ad",
    "amp-consent",
    "amp-sidebar",
    "amp-social-share",
    "amp-analytics",
];

/// Roles of page furniture.
const ROLES: &[&str] = &["navigation", "dialog", "alertdialog", "search"];

/// A box holding this share of the page's text or more is kept whatever its name.
const MAX_SHARE: f64 = 0.4;

/// How many letters are looked at to tell the script.
const SCRIPT_SAMPLE: usize = 4000;

/// Removes the furniture of the page below `<body>` and measures its script, in one walk
/// that also hands every element kept to `visit` (with its tag name), so that the caller
/// needs no walk of its own.
pub fn strip_furniture(doc: &Document, visit: &mut dyn FnMut(&NodeRef, &str)) -> PageText {
    let body = match doc.select_single("body").nodes().first() {
        Some(body) => *body,
        None => doc.root(),
    };
    let mut page_len = None;
    let mut removed = 0;
    let (mut dense, mut other) = (0usize, 0usize);
    // Depth-first in document order; `true` below a table, `pre` or `code`, whose cells
    // keep every name.
    let mut stack: Vec<(NodeRef, bool)> = body.children_it(true).map(|n| (n, false)).collect();
    while let Some((node, protected)) = stack.pop() {
        if node.is_text() {
            if dense + other < SCRIPT_SAMPLE {
                count_script(&node.text(), &mut dense, &mut other);
            }
            continue;
        }
        if !node.is_element() {
            continue;
        }
        let mut name = node.node_name().unwrap_or_default();
        if !protected
            && is_furniture(&node, &name)
            && !holds_the_article(&node, || *page_len.get_or_insert_with(|| body.text().len()))
        {
            node.remove_from_parent();
            removed += 1;
            continue;
        }
        match &*name {
            "amp-img" => {
                // AMP's image: an image like any other (its alt text is kept).
                node.rename("img");
                name = "img".into();
            }
            "figcaption" => {
                // A paragraph of its own under its image: the Markdown writer would run it
                // into the image's line.
                node.rename("p");
                name = "p".into();
            }
            _ => {}
        }
        visit(&node, &name);
        let protected = protected || matches!(&*name, "table" | "pre" | "code" | "svg" | "math");
        stack.extend(node.children_it(true).map(|n| (n, protected)));
    }
    PageText {
        removed,
        dense_script: dense > other,
    }
}

/// Whether a box named as furniture holds the headline or a large share of the page's text
/// (a page-wide wrapper named `has-comments`); its furniture inside is still found.
fn holds_the_article(node: &NodeRef, page_len: impl FnOnce() -> usize) -> bool {
    if dom_query::Selection::from(*node)
        .select_single("h1")
        .exists()
    {
        return true;
    }
    let len = node.text().len();
    // Small boxes need no comparison with the whole page.
    len > 2000 && len as f64 >= MAX_SHARE * page_len() as f64
}

fn is_furniture(node: &NodeRef, name: &str) -> bool {
    if matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    if TAGS.contains(&name) {
        return true;
    }
    if node
        .attr("role")
        .is_some_and(|r| ROLES.contains(&r.trim().to_ascii_lowercase().as_str()))
        || node
            .attr("aria-modal")
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    ["class", "id"].iter().any(|attr| {
        node.attr(attr).is_some_and(|value| {
            words(&value)
                .iter()
                .any(|w| FURNITURE.contains(&w.as_str()))
        })
    })
}

/// The lowercase words of a class or id: split at anything not a letter or digit and
/// before a capital that follows a lowercase letter (`CookieConsent`: cookie, consent).
fn words(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in value.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Counts the letters of `text` written in a script without spaces between words and the
/// other letters.
fn count_script(text: &str, dense: &mut usize, other: &mut usize) {
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        let dense_letter = matches!(c as u32,
            0x0E00..=0x0EFF      // Thai, Lao
            | 0x1000..=0x109F    // Myanmar
            | 0x1780..=0x17FF    // Khmer
            | 0x3040..=0x30FF    // kana
            | 0x3400..=0x4DBF    // Han extension A
            | 0x4E00..=0x9FFF    // Han
            | 0xAC00..=0xD7AF    // Hangul
            | 0xF900..=0xFAFF    // Han compatibility
            | 0x20000..=0x3FFFF  // Han extensions
        );
        if dense_letter {
            *dense += 1;
        } else {
            *other += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(html: &str) -> (String, PageText) {
        let doc = Document::from(html);
        let page = strip_furniture(&doc, &mut |_, _| {});
        (doc.select("body").text().to_string(), page)
    }

    #[test]
    fn class_and_id_words() {
        let w = words;
        assert_eq!(w("CookieConsent"), ["cookie", "consent"]);
        assert_eq!(w("cookie-banner modal"), ["cookie", "banner", "modal"]);
        assert_eq!(w("newsletter_signup"), ["newsletter", "signup"]);
        assert_eq!(w("HEADLINE"), ["headline"]);
        // `ad` is a word of its own only.
        assert!(!w("header shadow").contains(&"ad".to_string()));
    }

    #[test]
    fn furniture_goes_and_the_article_stays() {
        let (text, page) = cleaned(
            r#"<body><div id="cookie-consent"><p>このサイトはクッキーを使用します</p></div>
            <nav><a href="/">Home</a></nav>
            <article class="post has-comments"><h1>Title</h1><p>Article text.</p>
            <div class="share-tools"><a href="/s">Share</a></div>
            <table><tr><td class="ad">Cell text</td></tr></table></article>
            <section id="comments"><p>A comment.</p></section>
            <div role="dialog"><p>Sign in</p></div>
            <div class="NewsletterBox"><p>Subscribe now</p><form><input></form></div>
            <amp-ad type="x"><div fallback>Advertisement</div></amp-ad>
            </body>"#,
        );
        assert!(text.contains("Article text."), "{text}");
        assert!(text.contains("Cell text"), "{text}");
        for gone in [
            "クッキー",
            "Home",
            "Share",
            "A comment",
            "Sign in",
            "Subscribe",
        ] {
            assert!(!text.contains(gone), "{gone} in {text}");
        }
        assert_eq!(page.removed, 7);
        assert!(!page.dense_script);
    }

    #[test]
    fn a_box_with_the_headline_or_most_of_the_text_stays() {
        let long = "Words of the article, many of them. ".repeat(100);
        let (text, _) = cleaned(&format!(
            r#"<body><div id="page" class="social-layout"><p>{long}</p>
            <div class="comments"><p>Short comment.</p></div></div></body>"#
        ));
        assert!(text.contains("Words of the article"));
        // Furniture inside the kept box is still found.
        assert!(!text.contains("Short comment"));
        let (text, _) =
            cleaned(r#"<body><div class="promo"><h1>Headline</h1><p>Body.</p></div></body>"#);
        assert!(text.contains("Headline"));
    }

    #[test]
    fn amp_images_are_images() {
        let doc = Document::from(
            r#"<body><amp-img src="/a.jpg" alt="Lanes of the pool" layout="responsive"></amp-img></body>"#,
        );
        strip_furniture(&doc, &mut |_, _| {});
        assert_eq!(
            doc.select("img").attr("alt").as_deref(),
            Some("Lanes of the pool")
        );
    }

    #[test]
    fn dense_scripts_are_told_apart() {
        let (_, page) = cleaned(
            "<body><p>地方政府は火曜日、鉄道網に投資を行うと発表した。</p><p>By Sam</p></body>",
        );
        assert!(page.dense_script);
        let (_, page) = cleaned("<body><p>Железные дороги получат план</p></body>");
        assert!(!page.dense_script);
    }
}
