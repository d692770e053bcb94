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
            Paint::Code => self.fg("code"),
            Paint::TableHeader => Style::new().add_modifier(Modifier::BOLD),
            Paint::Decoration => self.fg("quote"),
            Paint::Rule => self.fg("dim"),
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

/// A colour name, an index 0-255 or `#rrggbb`.
pub fn parse_color(text: &str) -> Option<Color> {
    let t = text.trim().to_ascii_lowercase();
    if let Some(hex) = t.strip_prefix('#') {
        if hex.len() == 6 && hex.is_ascii() {
            let n = u32::from_str_radix(hex, 16).ok()?;
            return Some(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
        }
        return None;
    }
    if let Ok(index) = t.parse::<u8>() {
        return Some(Color::Indexed(index));
    }
    Some(match t.replace(['-', '_', ' '], "").as_str() {
        "reset" | "default" => Color::Reset,
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    })
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
