//! Configuration: the documented default (`config/blatt.toml`, compiled in) overlaid with the
//! user's `config.toml`. A broken user file never stops blatt: each setting that does not fit
//! falls back to its default, and the user is told where and why, with line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The default configuration, as shipped.
pub const DEFAULT_TOML: &str = include_str!("../config/blatt.toml");

/// The user's file name inside the config directory.
pub const FILE_NAME: &str = "config.toml";

/// The largest `max_article_mb` that counts: decoded, such an article fits a document's
/// 4 GiB of text (see `document::MAX_TEXT`) even if every byte becomes three (only an
/// article made mostly of tabs, which are expanded, could pass it; the rest is left out).
pub const MAX_ARTICLE_MB: u64 = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub library: String,
    pub max_width: u16,
    pub hyphenation: bool,
    pub justify: bool,
    pub mouse: bool,
    pub max_article_mb: u64,
    pub colors: Colors,
    /// Colour names as written; a bare number (`quote = 240`) is kept as its digits.
    #[serde(deserialize_with = "colour_values")]
    pub theme: BTreeMap<String, String>,
    pub keys: KeysConfig,
    pub search: SearchConfig,
    pub links: LinksConfig,
    /// Watch INDEX.md and the open article, and reload them when they change on disk.
    pub watch: bool,
    /// How the library lists its entries: three rows each, or one.
    pub library_view: LibraryView,
    /// Start with finished articles left out of the library list.
    pub hide_finished: bool,
    /// The feeds `blatt fetch` (and `F` in the library) brings in.
    pub feeds: Vec<FeedConfig>,
    /// Limits of every fetch from the web.
    pub fetch: FetchConfig,
}

/// One `[[feeds]]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    pub url: String,
    /// The group its articles go under; default: the feed's title.
    #[serde(default)]
    pub group: Option<String>,
    /// Fetch each item's page; default: only for items with less than a few paragraphs.
    #[serde(default)]
    pub full_text: Option<bool>,
    /// The most items taken per fetch (at most 500).
    #[serde(default = "default_max_items")]
    pub max_items: usize,
}

fn default_max_items() -> usize {
    20
}

/// The `[fetch]` table.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchConfig {
    /// Seconds to open a connection.
    pub connect_timeout: u64,
    /// Seconds for a whole fetch (redirects, headers and body).
    pub timeout: u64,
    /// The largest page or feed read, in megabytes.
    pub max_mb: u64,
    /// Feeds fetched at once by `blatt fetch` (1 to 8).
    pub connections: usize,
}

impl FetchConfig {
    pub fn limits(&self) -> crate::news::Limits {
        use std::time::Duration;
        crate::news::Limits {
            connect: Duration::from_secs(self.connect_timeout.clamp(1, 600)),
            total: Duration::from_secs(self.timeout.clamp(1, 3600)),
            max_bytes: self.max_mb.clamp(1, 1024) * 1024 * 1024,
        }
    }
}

impl FeedConfig {
    pub fn spec(&self) -> crate::news::feeds::FeedSpec {
        crate::news::feeds::FeedSpec {
            url: self.url.clone(),
            group: self.group.clone(),
            full_text: self.full_text,
            max_items: self.max_items,
        }
    }
}

/// The `[links]` table: what following a web address may do besides opening it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksConfig {
    /// `c` at the question before opening an address copies it through the terminal (OSC
    /// 52): off by default, as any program writing to the clipboard should be.
    pub osc52: bool,
    /// Web links on screen are written as OSC 8 hyperlinks, which a terminal can open on a
    /// click: off by default (some terminals print the sequence).
    pub osc8: bool,
}

/// `library_view`: each entry of the library list on three rows (title, description, a
/// blank) or on one (title, the start of the description, progress).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum LibraryView {
    #[default]
    #[serde(rename = "full")]
    Full,
    #[serde(rename = "compact")]
    Compact,
}

/// The `[search]` table: how a query typed in the reader is read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// A query without diacritics finds text with them (`cafe` finds `café`).
    pub ignore_diacritics: bool,
}

/// How many colours to draw with: what the terminal says (`auto`), or a fixed depth.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Colors {
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "truecolor", alias = "24bit")]
    TrueColor,
    #[serde(rename = "256")]
    Ansi256,
    #[serde(rename = "16")]
    Ansi16,
    #[serde(rename = "none")]
    None,
}

/// The `[theme]` table: each colour a string or a bare number (`240`), the number kept as
/// its digits so that the theme judges it (0-255) with the same message as any other value.
fn colour_values<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(
        untagged,
        expecting = "a colour: a name, a number 0-255 or \"#rrggbb\""
    )]
    enum Value {
        Text(String),
        Number(i64),
    }
    Ok(BTreeMap::<String, Value>::deserialize(deserializer)?
        .into_iter()
        .map(|(name, value)| {
            let text = match value {
                Value::Text(text) => text,
                Value::Number(n) => n.to_string(),
            };
            (name, text)
        })
        .collect())
}

/// The `[keys]` table: actions bound everywhere, and per-context tables (`[keys.reader]`)
/// that override them in one place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeysConfig {
    /// Action name → keys, for every context.
    pub shared: BTreeMap<String, Vec<String>>,
    /// Context name (`library`, `reader`, …) → action name → keys.
    pub contexts: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

impl std::ops::Index<&str> for KeysConfig {
    type Output = Vec<String>;

    /// The shared keys of an action (panics if it has none, like a map).
    fn index(&self, action: &str) -> &Vec<String> {
        &self.shared[action]
    }
}

impl<'de> Deserialize<'de> for KeysConfig {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Entry {
            Keys(Vec<String>),
            Context(BTreeMap<String, Vec<String>>),
        }
        let mut keys = KeysConfig::default();
        for (name, entry) in BTreeMap::<String, Entry>::deserialize(deserializer)? {
            match entry {
                Entry::Keys(list) => {
                    keys.shared.insert(name, list);
                }
                Entry::Context(table) => {
                    keys.contexts.insert(name, table);
                }
            }
        }
        Ok(keys)
    }
}

impl Config {
    /// The library path, if one is configured.
    pub fn library_path(&self) -> Option<PathBuf> {
        let trimmed = self.library.trim();
        if trimmed.is_empty() {
            return None;
        }
        let expanded = match trimmed.strip_prefix("~/") {
            Some(rest) => directories::BaseDirs::new()
                .map(|d| d.home_dir().join(rest))
                .unwrap_or_else(|| PathBuf::from(trimmed)),
            None => PathBuf::from(trimmed),
        };
        Some(expanded)
    }

    /// `max_article_mb` in bytes, at most [`MAX_ARTICLE_MB`] MB.
    pub fn max_article_bytes(&self) -> u64 {
        self.max_article_mb
            .min(MAX_ARTICLE_MB)
            .saturating_mul(1024 * 1024)
    }
}

/// [`DEFAULT_TOML`] as JSON, written by `build.rs`: read four times as fast, at every start.
const DEFAULT_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/default_config.json"));

impl Default for Config {
    fn default() -> Self {
        // The shipped default is checked by a test, so this cannot fail in a release.
        serde_json::from_str(DEFAULT_JSON)
            .unwrap_or_else(|e| panic!("config/blatt.toml (as JSON) is invalid: {e}"))
    }
}

/// Builds the configuration from the user's TOML text, collecting warnings for everything
/// that was ignored. `source` names the file in the messages.
pub fn from_user_toml(text: &str, source: &str) -> (Config, Vec<String>) {
    let mut warnings = Vec::new();
    let defaults: toml::Table = match toml::from_str(DEFAULT_TOML) {
        Ok(table) => table,
        Err(_) => return (Config::default(), warnings),
    };
    let user: toml::Table = match toml::from_str(text) {
        Ok(table) => table,
        Err(e) => {
            warnings.push(format!(
                "{source}{}: {} — using the defaults",
                location(text, e.span()),
                e.message()
            ));
            return (Config::default(), warnings);
        }
    };
    let mut user = user;
    if let Some(toml::Value::Table(keys)) = user.get_mut("keys") {
        for (old, new) in crate::app::Command::RENAMED {
            if keys.get(old).is_some_and(|v| !v.is_table())
                && let Some(value) = keys.remove(old)
            {
                keys.insert(new.to_string(), value);
            }
        }
    }
    let mut merged = defaults.clone();
    for (key, value) in user {
        let Some(default) = defaults.get(&key) else {
            warnings.push(format!("{source}: unknown setting `{key}` ignored"));
            continue;
        };
        match (default, value) {
            (toml::Value::Table(default_table), toml::Value::Table(user_table)) => {
                let mut table = default_table.clone();
                for (sub, value) in user_table {
                    if key == "theme" && !default_table.contains_key(&sub) {
                        warnings.push(format!("{source}: unknown theme colour `{sub}` ignored"));
                        continue;
                    }
                    if key == "keys" && !default_table.contains_key(&sub) {
                        warnings.push(if value.is_table() {
                            format!("{source}: unknown context [keys.{sub}] ignored")
                        } else {
                            format!("{source}: unknown action `{sub}` in [keys] ignored")
                        });
                        continue;
                    }
                    // A context table of [keys] is merged one level deeper, so that setting
                    // one action there keeps the other defaults of that context.
                    let value = match (default_table.get(&sub), value) {
                        (Some(toml::Value::Table(default_sub)), toml::Value::Table(user_sub))
                            if key == "keys" =>
                        {
                            let mut merged_sub = default_sub.clone();
                            for (action, keys) in user_sub {
                                if crate::app::Command::from_name(&action).is_none() {
                                    warnings.push(format!(
                                        "{source}: unknown action `{action}` in [keys.{sub}] ignored"
                                    ));
                                    continue;
                                }
                                merged_sub.insert(action, keys);
                            }
                            toml::Value::Table(merged_sub)
                        }
                        (_, value) => value,
                    };
                    let mut candidate = merged.clone();
                    let mut trial = table.clone();
                    trial.insert(sub.clone(), value.clone());
                    candidate.insert(key.clone(), toml::Value::Table(trial));
                    match candidate.try_into::<Config>() {
                        Ok(_) => {
                            table.insert(sub, value);
                        }
                        Err(e) => warnings.push(format!(
                            "{source}{}: `{key}.{sub}`: {} — using the default",
                            find_key(text, &sub),
                            e.message()
                        )),
                    }
                }
                merged.insert(key, toml::Value::Table(table));
            }
            (_, value) => {
                let mut candidate = merged.clone();
                candidate.insert(key.clone(), value.clone());
                match candidate.try_into::<Config>() {
                    Ok(_) => {
                        merged.insert(key, value);
                    }
                    Err(e) => warnings.push(format!(
                        "{source}{}: `{key}`: {} — using the default",
                        find_key(text, &key),
                        e.message()
                    )),
                }
            }
        }
    }
    let config = merged.try_into::<Config>().unwrap_or_default();
    (config, warnings)
}

/// Reads `config.toml` from `dir` if there is one. A missing file is not a problem.
pub fn load(dir: Option<&Path>) -> (Config, Vec<String>) {
    let Some(path) = dir.map(|d| d.join(FILE_NAME)) else {
        return (Config::default(), Vec::new());
    };
    match std::fs::read_to_string(&path) {
        Ok(text) => from_user_toml(&text, &path.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Config::default(), Vec::new()),
        Err(e) => (
            Config::default(),
            vec![format!(
                "cannot read {}: {e} — using the defaults",
                path.display()
            )],
        ),
    }
}

/// `:line:column` of a byte span, for messages.
fn location(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else {
        return String::new();
    };
    let before = &text[..span.start.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(":{line}:{column}")
}

/// `:line:column` of the first line that sets `key`, for messages about a value.
fn find_key(text: &str, key: &str) -> String {
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let column = line.len() - trimmed.len() + 1;
            return format!(":{}:{}", i + 1, column);
        }
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_read_as_json_are_those_of_the_toml() {
        let from_json: Config = serde_json::from_str(DEFAULT_JSON).expect("JSON defaults");
        let from_toml: Config = toml::from_str(DEFAULT_TOML).expect("TOML defaults");
        assert_eq!(from_json, from_toml);
        assert_eq!(Config::default(), from_toml);
    }

    #[test]
    fn shipped_default_parses() {
        let config: Config = toml::from_str(DEFAULT_TOML).expect("default config");
        assert_eq!(config.max_width, 80);
        assert!(config.hyphenation);
        assert!(config.keys.shared.contains_key("next_section"));
        assert_eq!(config.keys.contexts["bookmarks"]["undo"], ["u"]);
        assert_eq!(config.library_path(), None);
    }

    #[test]
    fn user_values_override_defaults() {
        let (config, warnings) = from_user_toml(
            "max_width = 66\n[keys]\ndown = [\"n\"]\n[theme]\nlink = \"red\"\n",
            "c",
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.max_width, 66);
        assert_eq!(config.keys["down"], ["n"]);
        assert_eq!(config.keys["up"], ["k", "Up", "ctrl-y"]);
        assert_eq!(config.theme["link"], "red");
        assert_eq!(config.theme["heading"], "lightblue");
    }

    #[test]
    fn invalid_values_fall_back_with_line_and_column() {
        let (config, warnings) = from_user_toml("justify = true\nmax_width = \"wide\"\n", "c.toml");
        assert!(config.justify);
        assert_eq!(config.max_width, 80);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("c.toml:2:1: `max_width`"),
            "{warnings:?}"
        );
    }

    #[test]
    fn syntax_error_names_the_place() {
        let (config, warnings) = from_user_toml("max_width = 70\njustify = tru\n", "c.toml");
        assert_eq!(config, Config::default());
        assert!(warnings[0].starts_with("c.toml:2:"), "{warnings:?}");
    }

    #[test]
    fn unknown_keys_warn_but_do_not_stop() {
        let (config, warnings) = from_user_toml(
            "colour = 1\n[keys]\nfly = [\"f\"]\n[theme]\nsky = \"blue\"\n",
            "c",
        );
        assert_eq!(config, Config::default());
        assert_eq!(warnings.len(), 3, "{warnings:?}");
    }

    #[test]
    fn a_context_table_merges_with_its_defaults() {
        let (config, warnings) = from_user_toml(
            "[keys.bookmarks]\nundo = [\"U\"]\nfly = [\"f\"]\n[keys.reader]\ndown = [\"d\"]\n[keys.nowhere]\nup = [\"x\"]\n",
            "c",
        );
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0].contains("unknown action `fly` in [keys.bookmarks]"));
        assert!(warnings[1].contains("unknown context [keys.nowhere]"));
        assert_eq!(config.keys.contexts["bookmarks"]["undo"], ["U"]);
        assert_eq!(
            config.keys.contexts["bookmarks"]["delete_bookmark"],
            ["d", "Delete"]
        );
        assert_eq!(config.keys.contexts["reader"]["down"], ["d"]);
        assert_eq!(config.keys["down"], ["j", "Down", "ctrl-e"]);
    }

    #[test]
    fn the_old_name_of_the_bookmarks_list_key_still_works() {
        let (config, warnings) = from_user_toml("[keys]\nbookmarks = [\"M\"]\n", "c");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.keys["list_bookmarks"], ["M"]);
        assert_eq!(config.keys.contexts["bookmarks"]["undo"], ["u"]);
    }

    #[test]
    fn library_path_expands_home() {
        let (config, _) = from_user_toml("library = \"~/news\"\n", "c");
        let path = config.library_path().expect("path");
        assert!(path.ends_with("news"));
        assert!(!path.starts_with("~"));
    }

    #[test]
    fn a_colour_may_be_a_bare_number() {
        let (config, warnings) =
            from_user_toml("[theme]\nquote = 240\nlink = 300\ncode = -4\n", "c.toml");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.theme["quote"], "240");
        // Out of range: kept for the theme, which warns as for any value that is no colour.
        assert_eq!(config.theme["link"], "300");
        let (_, theme_warnings) = crate::ui::Theme::new(&config.theme, true);
        assert_eq!(
            theme_warnings,
            [
                "[theme] code: `-4` is not a colour (a name, 0-255 or #rrggbb)",
                "[theme] link: `300` is not a colour (a name, 0-255 or #rrggbb)",
            ]
        );
        // Anything else is refused with the place and what was expected.
        let (config, warnings) = from_user_toml("[theme]\nquote = true\n", "c.toml");
        assert_eq!(config.theme["quote"], "darkgray");
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("c.toml:2:1: `theme.quote`")
                && warnings[0].contains("a colour: a name, a number 0-255"),
            "{warnings:?}"
        );
    }

    #[test]
    fn the_colour_depth_setting() {
        assert_eq!(Config::default().colors, Colors::Auto);
        for (text, colors) in [
            ("auto", Colors::Auto),
            ("truecolor", Colors::TrueColor),
            ("24bit", Colors::TrueColor),
            ("256", Colors::Ansi256),
            ("16", Colors::Ansi16),
            ("none", Colors::None),
        ] {
            let (config, warnings) = from_user_toml(&format!("colors = \"{text}\"\n"), "c");
            assert!(warnings.is_empty(), "{text}: {warnings:?}");
            assert_eq!(config.colors, colors);
        }
        let (config, warnings) = from_user_toml("colors = \"88\"\n", "c.toml");
        assert_eq!(config.colors, Colors::Auto);
        assert!(
            warnings[0].starts_with("c.toml:1:1: `colors`"),
            "{warnings:?}"
        );
    }

    #[test]
    fn watching_is_on_by_default_and_can_be_turned_off() {
        assert!(Config::default().watch);
        let (config, warnings) = from_user_toml("watch = false\n", "c.toml");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert!(!config.watch);
    }

    #[test]
    fn the_library_view_setting() {
        let config = Config::default();
        assert_eq!(config.library_view, LibraryView::Full);
        assert!(!config.hide_finished);
        let (config, warnings) =
            from_user_toml("library_view = \"compact\"\nhide_finished = true\n", "c");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.library_view, LibraryView::Compact);
        assert!(config.hide_finished);
        let (config, warnings) = from_user_toml("library_view = \"tiny\"\n", "c.toml");
        assert_eq!(config.library_view, LibraryView::Full);
        assert!(
            warnings[0].starts_with("c.toml:1:1: `library_view`"),
            "{warnings:?}"
        );
    }

    #[test]
    fn the_article_limit_is_capped() {
        let (config, warnings) = from_user_toml("max_article_mb = 100000\n", "c.toml");
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.max_article_bytes(), MAX_ARTICLE_MB * 1024 * 1024);
        let (config, _) = from_user_toml("max_article_mb = 3\n", "c.toml");
        assert_eq!(config.max_article_bytes(), 3 * 1024 * 1024);
    }
}
