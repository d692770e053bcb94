//! The theme: colours for the style roles of the layout and the chrome, from the
//! configuration, fitted to the terminal's colour depth ([`palette`]). Without colour
//! (`NO_COLOR`, a monochrome terminal, `colors = "none"`), only bold, italic, underline and
//! reverse are used, so headings, links, code and the selection stay distinguishable.
//!
//! Headings carry their level in their attributes, with and without colour (the heading
//! colour is added on top): H1 and the title bold reversed, H2 bold underlined, H3 bold italic, H4 italic
//! underlined, H5 italic reversed, H6 underlined reversed. Each is two attributes, so none
//! looks like bold body text, emphasis, a link (underlined) or code (reversed without colour).

mod palette;

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};

use crate::document::Role;
use crate::layout::Paint;
pub use palette::{BASIC, ColorDepth, basic_index, fit};

#[derive(Debug, Clone, PartialEq)]
pub struct Theme {
    /// What the terminal shows; the colours below are already fitted to it.
    pub depth: ColorDepth,
    colors: BTreeMap<String, Color>,
}

impl Theme {
    /// Builds the theme from `[theme]` for a terminal of `depth` (`true` is full colour,
    /// `false` none); unparsable colours are reported and left at reset.
    pub fn new(
        config: &BTreeMap<String, String>,
        depth: impl Into<ColorDepth>,
    ) -> (Theme, Vec<String>) {
        let depth = depth.into();
        let mut colors = BTreeMap::new();
        let mut warnings = Vec::new();
        for (name, value) in config {
            match parse_color(value) {
                Some(c) => {
                    if let Some(c) = fit(c, depth) {
                        colors.insert(name.clone(), c);
                    }
                }
                None => warnings.push(format!(
                    "[theme] {name}: `{value}` is not a colour (a name, 0-255 or #rrggbb)"
                )),
            }
        }
        (Theme { depth, colors }, warnings)
    }

    /// Whether colours are drawn at all.
    pub fn color(&self) -> bool {
        self.depth.has_color()
    }

    fn fg(&self, name: &str) -> Style {
        match self.colors.get(name) {
            Some(c) => Style::new().fg(*c),
            None => Style::new(),
        }
    }

    fn bg(&self, name: &str) -> Style {
        match self.colors.get(name) {
            Some(c) => Style::new().bg(*c),
            None => Style::new(),
        }
    }

    pub fn paint(&self, paint: Paint) -> Style {
        match paint {
            Paint::Body | Paint::Table => Style::new(),
            // The article's title is its H1, drawn like one (in its own colour).
            Paint::Title => self.fg("title").add_modifier(heading_modifier(1)),
            Paint::Heading(level) => self.fg("heading").add_modifier(heading_modifier(level)),
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
                if self.color() {
                    style
                } else {
                    style.add_modifier(Modifier::REVERSED)
                }
            }
            Role::Link => self.fg("link").add_modifier(Modifier::UNDERLINED),
            Role::Strike => Style::new().add_modifier(Modifier::CROSSED_OUT),
            // A callout's label (`Note`, `Warning`): bold, so it reads as one without colour.
            Role::Callout => self.fg("heading").add_modifier(Modifier::BOLD),
            // Matches of a search: a background in colour, reversed without; the current
            // one bold (and in its own colour) on top, so it is told apart from the others
            // either way.
            Role::Match => self
                .highlight("match")
                .unwrap_or_else(|| Style::new().add_modifier(Modifier::REVERSED)),
            Role::CurrentMatch => self
                .highlight("current_match")
                .map(|s| s.add_modifier(Modifier::BOLD))
                .unwrap_or_else(|| {
                    Style::new()
                        .add_modifier(Modifier::REVERSED | Modifier::BOLD | Modifier::UNDERLINED)
                }),
        }
    }

    /// Black text on the colour `name` as background, if there is colour and the colour is
    /// set (a search's matches).
    fn highlight(&self, name: &str) -> Option<Style> {
        let bg = self.colors.get(name).filter(|_| self.color())?;
        Some(Style::new().bg(*bg).fg(Color::Black))
    }

    pub fn status(&self) -> Style {
        if self.color() {
            self.fg("status_fg").patch(self.bg("status_bg"))
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn selection(&self) -> Style {
        if self.color() {
            self.bg("selection_bg").add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    /// Characters a filter matched in a list: in the `filter_match` colour, bold and
    /// underlined (without colour too, and over the selection).
    pub fn list_match(&self) -> Style {
        self.fg("filter_match")
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    pub fn dim(&self) -> Style {
        self.fg("dim")
    }

    pub fn bookmark(&self) -> Style {
        self.fg("bookmark").add_modifier(Modifier::BOLD)
    }

    pub fn error(&self) -> Style {
        self.fg("error").add_modifier(Modifier::BOLD)
    }

    /// Headings of lists (the library's groups), drawn as an H3.
    pub fn heading(&self) -> Style {
        self.paint(Paint::Heading(3))
    }
}

/// The attributes of a heading of `level` (1-6; deeper levels are drawn as H6): two each,
/// strongest first, all different, none a single inline role.
pub fn heading_modifier(level: u8) -> Modifier {
    match level {
        0 | 1 => Modifier::BOLD | Modifier::REVERSED,
        2 => Modifier::BOLD | Modifier::UNDERLINED,
        3 => Modifier::BOLD | Modifier::ITALIC,
        4 => Modifier::ITALIC | Modifier::UNDERLINED,
        5 => Modifier::ITALIC | Modifier::REVERSED,
        _ => Modifier::UNDERLINED | Modifier::REVERSED,
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
        assert_eq!(
            warnings,
            ["[theme] code: `#12345` is not a colour (a name, 0-255 or #rrggbb)"]
        );
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

    /// The styles a heading must not be mistaken for: body text and every inline role alone.
    fn body_styles(theme: &Theme) -> Vec<Style> {
        vec![
            theme.paint(Paint::Body),
            theme.role(Role::Strong),
            theme.role(Role::Emphasis),
            theme.role(Role::Link),
            theme.role(Role::Code),
            theme.role(Role::Strike),
        ]
    }

    #[test]
    fn headings_differ_per_level_in_colour_and_without() {
        let defaults = crate::config::Config::default().theme;
        for depth in [
            ColorDepth::Mono,
            ColorDepth::Ansi16,
            ColorDepth::Ansi256,
            ColorDepth::TrueColor,
        ] {
            let (theme, _) = Theme::new(&defaults, depth);
            let headings: Vec<Style> = (1..=6).map(|l| theme.paint(Paint::Heading(l))).collect();
            for (i, a) in headings.iter().enumerate() {
                for b in &headings[i + 1..] {
                    assert_ne!(a, b, "{depth:?}");
                }
                // Told apart by attributes alone, which every terminal shows.
                for (j, b) in headings.iter().enumerate() {
                    if i != j {
                        assert_ne!(
                            a.add_modifier,
                            b.add_modifier,
                            "H{} H{} {depth:?}",
                            i + 1,
                            j + 1
                        );
                    }
                }
                for body in body_styles(&theme) {
                    assert_ne!(a.add_modifier, body.add_modifier, "H{} {depth:?}", i + 1);
                }
                assert_eq!(a.fg.is_some(), depth.has_color(), "H{} {depth:?}", i + 1);
            }
            assert_eq!(
                theme.paint(Paint::Title).add_modifier,
                headings[0].add_modifier,
                "the title is an H1"
            );
            // Deeper than 6 (from a plain-text heading guess, say) is drawn as H6.
            assert_eq!(theme.paint(Paint::Heading(9)), headings[5]);
        }
        assert_eq!(
            heading_modifier(3),
            Modifier::BOLD | Modifier::ITALIC,
            "the library's group headings"
        );
    }

    #[test]
    fn theme_colours_are_fitted_to_the_depth() {
        let config = BTreeMap::from([
            ("link".to_string(), "#ff8700".to_string()),
            ("code".to_string(), "240".to_string()),
            ("quote".to_string(), "9".to_string()),
        ]);
        let fg = |depth: ColorDepth| {
            let (theme, warnings) = Theme::new(&config, depth);
            assert!(warnings.is_empty(), "{warnings:?}");
            (
                theme.role(Role::Link).fg,
                theme.paint(Paint::Code).fg,
                theme.paint(Paint::Decoration).fg,
            )
        };
        assert_eq!(
            fg(ColorDepth::TrueColor),
            (
                Some(Color::Rgb(0xff, 0x87, 0)),
                Some(Color::Indexed(240)),
                Some(Color::LightRed)
            )
        );
        assert_eq!(
            fg(ColorDepth::Ansi256),
            (
                Some(Color::Indexed(208)),
                Some(Color::Indexed(240)),
                Some(Color::LightRed)
            )
        );
        assert_eq!(
            fg(ColorDepth::Ansi16),
            (
                Some(Color::Yellow),
                Some(Color::DarkGray),
                Some(Color::LightRed)
            )
        );
        assert_eq!(fg(ColorDepth::Mono), (None, None, None));
    }

    #[test]
    fn out_of_range_numbers_are_warned_about() {
        let config = BTreeMap::from([
            ("quote".to_string(), "256".to_string()),
            ("code".to_string(), "-1".to_string()),
            ("link".to_string(), "255".to_string()),
        ]);
        let (theme, warnings) = Theme::new(&config, true);
        assert_eq!(
            warnings,
            [
                "[theme] code: `-1` is not a colour (a name, 0-255 or #rrggbb)",
                "[theme] quote: `256` is not a colour (a name, 0-255 or #rrggbb)",
            ]
        );
        assert_eq!(theme.role(Role::Link).fg, Some(Color::Indexed(255)));
    }
}
