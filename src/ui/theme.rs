//! The theme: colours for the style roles of the layout and the chrome, from the
//! configuration. With `NO_COLOR` set, only bold, italic, underline and reverse are used, so
//! headings, links, code and the selection stay distinguishable without colour.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};

use crate::document::Role;
use crate::layout::Paint;

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    pub color: bool,
    colors: BTreeMap<String, Color>,
}

impl Theme {
    /// Builds the theme from `[theme]`; unparsable colours are reported and left at reset.
    pub fn new(config: &BTreeMap<String, String>, color: bool) -> (Theme, Vec<String>) {
        let mut colors = BTreeMap::new();
        let mut warnings = Vec::new();
        for (name, value) in config {
            match parse_color(value) {
                Some(c) => {
                    colors.insert(name.clone(), c);
                }
                None => warnings.push(format!("[theme] {name}: `{value}` is not a colour")),
            }
        }
        (Theme { color, colors }, warnings)
    }

    /// `NO_COLOR` (any non-empty value) turns colour off.
    pub fn color_from_env() -> bool {
        std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }

    fn fg(&self, name: &str) -> Style {
        match (self.color, self.colors.get(name)) {
            (true, Some(c)) => Style::new().fg(*c),
            _ => Style::new(),
        }
    }

    fn bg(&self, name: &str) -> Style {
        match (self.color, self.colors.get(name)) {
            (true, Some(c)) => Style::new().bg(*c),
            _ => Style::new(),
        }
    }

    pub fn paint(&self, paint: Paint) -> Style {
        match paint {
            Paint::Body | Paint::Table => Style::new(),
            Paint::Title => self.fg("title").add_modifier(Modifier::BOLD),
            Paint::Heading(level) if level <= 2 => self
                .fg("heading")
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            Paint::Heading(_) => self.fg("heading").add_modifier(Modifier::BOLD),
            Paint::Code => self.fg("code").patch(self.bg("code_bg")),
            Paint::TableHeader => Style::new().add_modifier(Modifier::BOLD),
            Paint::Decoration => self.fg("quote"),
            Paint::Rule => self.fg("dim"),
            Paint::Gutter => self.fg("dim"),
        }
    }

    pub fn role(&self, role: Role) -> Style {
        match role {
            Role::Emphasis => self.fg("emphasis").add_modifier(Modifier::ITALIC),
            Role::Strong => Style::new().add_modifier(Modifier::BOLD),
            Role::Code => {
                let style = self.fg("code");
                if self.color {
                    style
                } else {
                    style.add_modifier(Modifier::REVERSED)
                }
            }
            Role::Link => self.fg("link").add_modifier(Modifier::UNDERLINED),
            Role::Strike => Style::new().add_modifier(Modifier::CROSSED_OUT),
        }
    }

    pub fn status(&self) -> Style {
        if self.color {
            self.fg("status_fg").patch(self.bg("status_bg"))
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn selection(&self) -> Style {
        if self.color {
            self.bg("selection_bg").add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn dim(&self) -> Style {
        if self.color {
            self.fg("dim")
        } else {
            Style::new()
        }
    }

    pub fn bookmark(&self) -> Style {
        self.fg("bookmark").add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg("error").add_modifier(Modifier::BOLD)
    }

    pub fn heading(&self) -> Style {
        self.paint(Paint::Heading(3))
    }
}

impl Default for Theme {
    fn default() -> Self {
        Theme::new(&crate::config::Config::default().theme, true).0
    }
}

/// A colour as ratatui reads it: a name (`lightblue`, `Light-Blue`, `grey`, `bright red`),
/// an index 0-255 or `#rrggbb`; and `default`, which earlier versions took for `reset`.
pub fn parse_color(text: &str) -> Option<Color> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("default") {
        return Some(Color::Reset);
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse() {
        assert_eq!(parse_color("#ff8000"), Some(Color::Rgb(255, 128, 0)));
        assert_eq!(parse_color("208"), Some(Color::Indexed(208)));
        assert_eq!(parse_color("Light-Blue"), Some(Color::LightBlue));
        assert_eq!(parse_color("#ff80"), None);
        assert_eq!(parse_color("chartreuse"), None);
        assert_eq!(parse_color(""), None);
        assert_eq!(parse_color("#ggg000"), None);
        assert_eq!(parse_color("256"), None);
        assert_eq!(parse_color(" #FF8000 "), Some(Color::Rgb(255, 128, 0)));
    }

    #[test]
    fn every_documented_name_and_old_spelling_parses() {
        // The names the default config lists, and the spellings blatt always took.
        let named = [
            ("black", Color::Black),
            ("red", Color::Red),
            ("green", Color::Green),
            ("yellow", Color::Yellow),
            ("blue", Color::Blue),
            ("magenta", Color::Magenta),
            ("cyan", Color::Cyan),
            ("gray", Color::Gray),
            ("darkgray", Color::DarkGray),
            ("lightred", Color::LightRed),
            ("lightgreen", Color::LightGreen),
            ("lightyellow", Color::LightYellow),
            ("lightblue", Color::LightBlue),
            ("lightmagenta", Color::LightMagenta),
            ("lightcyan", Color::LightCyan),
            ("white", Color::White),
            ("reset", Color::Reset),
            ("default", Color::Reset),
            ("Default", Color::Reset),
            ("grey", Color::Gray),
            ("dark_grey", Color::DarkGray),
            ("Dark Gray", Color::DarkGray),
            (" RED ", Color::Red),
            ("0", Color::Indexed(0)),
            ("255", Color::Indexed(255)),
        ];
        for (text, color) in named {
            assert_eq!(parse_color(text), Some(color), "{text:?}");
        }
        // The list in the comment of the default config: "a name (black, red, ...),".
        let config = include_str!("../../config/blatt.toml");
        let list: String = config
            .split_once("a name (")
            .and_then(|(_, rest)| rest.split_once(')'))
            .map(|(list, _)| list.replace('#', " "))
            .unwrap_or_default();
        let documented: Vec<&str> = list.split([',', '\n']).map(str::trim).collect();
        assert!(documented.len() >= 17, "{documented:?}");
        for name in documented.into_iter().filter(|n| !n.is_empty()) {
            assert!(parse_color(name).is_some(), "{name:?}");
        }
        let (_, warnings) = Theme::new(&crate::config::Config::default().theme, true);
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn bad_values_are_warned_about_and_left_out() {
        let config = BTreeMap::from([
            ("link".to_string(), "cyan".to_string()),
            ("code".to_string(), "#12345".to_string()),
        ]);
        let (theme, warnings) = Theme::new(&config, true);
        assert_eq!(warnings, ["[theme] code: `#12345` is not a colour"]);
        assert_eq!(theme.role(Role::Link).fg, Some(Color::Cyan));
        assert_eq!(theme.role(Role::Code).fg, None);
    }

    #[test]
    fn code_gets_its_background_and_the_gutter_is_dim() {
        let mut config = crate::config::Config::default().theme;
        let (theme, _) = Theme::new(&config, true);
        assert_eq!(
            theme.paint(Paint::Code).bg,
            None,
            "no background unless set"
        );
        assert_eq!(theme.paint(Paint::Gutter), theme.dim());
        config.insert("code_bg".into(), "236".into());
        let (theme, warnings) = Theme::new(&config, true);
        assert!(warnings.is_empty());
        assert_eq!(theme.paint(Paint::Code).bg, Some(Color::Indexed(236)));
        let (plain, _) = Theme::new(&config, false);
        assert_eq!(plain.paint(Paint::Code).bg, None, "NO_COLOR: no background");
    }

    #[test]
    fn no_color_keeps_roles_distinct_by_modifiers() {
        let (theme, warnings) = Theme::new(&crate::config::Config::default().theme, false);
        assert!(warnings.is_empty());
        let styles = [
            theme.paint(Paint::Heading(2)),
            theme.role(Role::Emphasis),
            theme.role(Role::Code),
            theme.role(Role::Link),
            theme.paint(Paint::Body),
        ];
        for (i, a) in styles.iter().enumerate() {
            assert_eq!(a.fg, None);
            for b in &styles[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(
            theme.selection(),
            Style::new().add_modifier(Modifier::REVERSED)
        );
    }
}
