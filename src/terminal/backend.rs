//! The screen's ratatui backend: crossterm's, except that the colours and attributes of the
//! cells are written here, as SGR the terminal understands. crossterm writes every named
//! colour as a 256-colour index (`38;5;9` for bright red) and any colour whatever the
//! terminal shows; this backend sends the 16 basic colours as basic SGR (`91`), fits the rest
//! to the terminal's [`ColorDepth`] and sends no colour at all to a monochrome terminal.

use std::io::{self, Write};

use crossterm::cursor::MoveTo;
use ratatui::backend::{Backend, ClearType, CrosstermBackend, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};

use crate::ui::theme::{ColorDepth, basic_index, fit};

/// A [`CrosstermBackend`] that draws cells in the SGR forms of a terminal of `depth`, and,
/// when asked to, marks the cells of web links as OSC 8 hyperlinks.
pub struct Screen<W: Write> {
    inner: CrosstermBackend<W>,
    depth: ColorDepth,
    /// The hyperlinks of the frame being drawn.
    links: Vec<Hyperlink>,
}

/// Cells of one screen row that link to an address (OSC 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hyperlink {
    pub y: u16,
    pub x: std::ops::Range<u16>,
    /// The address as the terminal gets it (see [`osc8_target`]).
    pub target: String,
}

impl<W: Write> Screen<W> {
    pub fn new(writer: W, depth: ColorDepth) -> Screen<W> {
        Screen {
            inner: CrosstermBackend::new(writer),
            depth,
            links: Vec::new(),
        }
    }

    /// The hyperlinks of the next frame; true when they differ from the last frame's (the
    /// cells under them must then be written again: a terminal keeps a cell's link until
    /// the cell is written).
    pub fn set_links(&mut self, links: Vec<Hyperlink>) -> bool {
        let changed = links != self.links;
        self.links = links;
        changed
    }
}

/// An address as an OSC 8 hyperlink may carry it: only `http`, `https` and `mailto`, and
/// every byte that is not printable ASCII, or that a terminal or a parser could read as
/// the end of the sequence or of its parameter (`;`), percent-encoded. So no address can
/// put an escape sequence on the wire. `None` for any other address, or a very long one.
pub fn osc8_target(url: &str) -> Option<String> {
    const MOST: usize = 2048;
    const ENCODED: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'<')
        .add(b'>')
        .add(b'\\')
        .add(b'^')
        .add(b'`')
        .add(b'{')
        .add(b'|')
        .add(b'}')
        .add(b';')
        .add(0x7f);
    let lower = url.to_ascii_lowercase();
    if !["http://", "https://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return None;
    }
    let encoded = percent_encoding::utf8_percent_encode(url, ENCODED).to_string();
    (encoded.len() <= MOST && encoded.bytes().all(|b| (0x21..0x7f).contains(&b))).then_some(encoded)
}

/// Opens (or, with an empty target, closes) an OSC 8 hyperlink; ends with BEL, which every
/// terminal that knows OSC takes as its end.
fn osc8(target: &str) -> String {
    format!("\x1b]8;;{target}\x07")
}

impl<W: Write> Write for Screen<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Write::flush(&mut self.inner)
    }
}

/// The look of a cell, as far as SGR sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Look {
    fg: Color,
    bg: Color,
    modifier: Modifier,
}

const PLAIN: Look = Look {
    fg: Color::Reset,
    bg: Color::Reset,
    modifier: Modifier::empty(),
};

impl<W: Write> Backend for Screen<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        // As with crossterm's backend, a frame starts and ends with the plain look, and with
        // no hyperlink open.
        let mut look = PLAIN;
        let mut last: Option<(u16, u16)> = None;
        let mut open: Option<usize> = None;
        for (x, y, cell) in content {
            let link = self.links.iter().position(|l| l.y == y && l.x.contains(&x));
            if link != open {
                if open.is_some() {
                    self.inner.write_all(osc8("").as_bytes())?;
                }
                if let Some(i) = link {
                    self.inner
                        .write_all(osc8(&self.links[i].target).as_bytes())?;
                }
                open = link;
            }
            if !matches!(last, Some((lx, ly)) if ly == y && lx.checked_add(1) == Some(x)) {
                crossterm::queue!(self.inner, MoveTo(x, y))?;
            }
            last = Some((x, y));
            let wanted = Look {
                fg: cell.fg,
                bg: cell.bg,
                modifier: cell.modifier,
            };
            if wanted != look {
                self.inner
                    .write_all(sgr(wanted.fg, wanted.bg, wanted.modifier, self.depth).as_bytes())?;
                look = wanted;
            }
            self.inner.write_all(cell.symbol().as_bytes())?;
        }
        if open.is_some() {
            self.inner.write_all(osc8("").as_bytes())?;
        }
        if look != PLAIN {
            self.inner.write_all(b"\x1b[0m")?;
        }
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

/// The SGR sequence that sets exactly this look from any other: a reset (`0`), then the
/// attributes, then the colours in the form a terminal of `depth` knows. One sequence per
/// change of look, and no state carried over from the cell before.
pub fn sgr(fg: Color, bg: Color, modifier: Modifier, depth: ColorDepth) -> String {
    let mut out = String::from("\x1b[0");
    const ATTRIBUTES: [(Modifier, &str); 9] = [
        (Modifier::BOLD, ";1"),
        (Modifier::DIM, ";2"),
        (Modifier::ITALIC, ";3"),
        (Modifier::UNDERLINED, ";4"),
        (Modifier::SLOW_BLINK, ";5"),
        (Modifier::RAPID_BLINK, ";6"),
        (Modifier::REVERSED, ";7"),
        (Modifier::HIDDEN, ";8"),
        (Modifier::CROSSED_OUT, ";9"),
    ];
    for (attribute, code) in ATTRIBUTES {
        if modifier.contains(attribute) {
            out.push_str(code);
        }
    }
    push_color(&mut out, fg, 30, depth);
    push_color(&mut out, bg, 40, depth);
    out.push('m');
    out
}

/// `;31`, `;91`, `;38;5;208` or `;38;2;r;g;b` for a foreground (`base` 30), the same with
/// 40/100/48 for a background; nothing for the default colour or on a monochrome terminal.
fn push_color(out: &mut String, color: Color, base: u8, depth: ColorDepth) {
    use std::fmt::Write as _;
    let Some(color) = fit(color, depth) else {
        return;
    };
    // Writing to a String cannot fail.
    let _ = match color {
        Color::Reset => Ok(()),
        Color::Indexed(i) => write!(out, ";{};5;{i}", base + 8),
        Color::Rgb(r, g, b) => write!(out, ";{};2;{r};{g};{b}", base + 8),
        basic => match basic_index(basic) {
            Some(i @ 0..=7) => write!(out, ";{}", base + i),
            Some(i) => write!(out, ";{}", base + 60 + i - 8),
            None => Ok(()),
        },
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColorDepth::*;

    #[test]
    fn hyperlink_targets_carry_no_escape_and_only_web_addresses() {
        assert_eq!(
            osc8_target("https://example.org/a?b=c#d").as_deref(),
            Some("https://example.org/a?b=c#d")
        );
        assert_eq!(
            osc8_target("https://example.org/\u{1b}]8;;x\u{7}; ü\\").as_deref(),
            Some("https://example.org/%1B]8%3B%3Bx%07%3B%20%C3%BC%5C")
        );
        assert_eq!(
            osc8_target("MAILTO:a@b.org").as_deref(),
            Some("MAILTO:a@b.org")
        );
        for refused in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "other.md#x",
            "#x",
        ] {
            assert_eq!(osc8_target(refused), None, "{refused}");
        }
        let long = format!("https://example.org/{}", "a".repeat(100_000));
        assert_eq!(osc8_target(&long), None);
    }

    #[test]
    fn the_cells_of_a_link_are_wrapped_in_osc8() {
        use ratatui::buffer::Cell;
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Shared(Arc<Mutex<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0.lock().expect("lock").extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let written = Shared::default();
        let mut screen = Screen::new(written.clone(), Ansi16);
        assert!(screen.set_links(vec![Hyperlink {
            y: 0,
            x: 1..3,
            target: "https://example.org".into(),
        }]));
        let cells: Vec<Cell> = ["a", "b", "c", "d"].into_iter().map(Cell::new).collect();
        let content = cells.iter().enumerate().map(|(x, c)| (x as u16, 0, c));
        screen.draw(content).expect("draw");
        Backend::flush(&mut screen).expect("flush");
        let out = String::from_utf8(written.0.lock().expect("lock").clone()).expect("utf-8");
        let text = out.replace("\x1b[1;1H", "");
        assert_eq!(
            text, "a\x1b]8;;https://example.org\x07bc\x1b]8;;\x07d",
            "{out:?}"
        );
        // The same links again: nothing to redraw for them.
        assert!(!screen.set_links(vec![Hyperlink {
            y: 0,
            x: 1..3,
            target: "https://example.org".into(),
        }]));
    }

    #[test]
    fn basic_colours_are_basic_sgr_at_every_depth() {
        for depth in [Ansi16, Ansi256, TrueColor] {
            assert_eq!(
                sgr(Color::Red, Color::Reset, Modifier::empty(), depth),
                "\x1b[0;31m"
            );
            assert_eq!(
                sgr(Color::LightBlue, Color::Gray, Modifier::empty(), depth),
                "\x1b[0;94;47m"
            );
            assert_eq!(
                sgr(Color::Black, Color::White, Modifier::empty(), depth),
                "\x1b[0;30;107m"
            );
            assert_eq!(
                sgr(
                    Color::Indexed(9),
                    Color::Indexed(0),
                    Modifier::empty(),
                    depth
                ),
                "\x1b[0;91;40m"
            );
        }
    }

    #[test]
    fn other_colours_take_the_form_of_the_depth() {
        let orange = Color::Rgb(0xff, 0x87, 0);
        let bold = Modifier::BOLD;
        assert_eq!(
            sgr(orange, Color::Reset, bold, TrueColor),
            "\x1b[0;1;38;2;255;135;0m"
        );
        assert_eq!(
            sgr(orange, Color::Reset, bold, Ansi256),
            "\x1b[0;1;38;5;208m"
        );
        assert_eq!(sgr(orange, Color::Reset, bold, Ansi16), "\x1b[0;1;33m");
        assert_eq!(sgr(orange, Color::Reset, bold, Mono), "\x1b[0;1m");
        assert_eq!(
            sgr(
                Color::Reset,
                Color::Indexed(240),
                Modifier::empty(),
                Ansi256
            ),
            "\x1b[0;48;5;240m"
        );
        assert_eq!(
            sgr(Color::Reset, Color::Indexed(240), Modifier::empty(), Ansi16),
            "\x1b[0;100m"
        );
    }

    #[test]
    fn attributes_only_without_colour() {
        let all = Modifier::all();
        assert_eq!(
            sgr(Color::Cyan, Color::Blue, all, Mono),
            "\x1b[0;1;2;3;4;5;6;7;8;9m"
        );
        assert_eq!(
            sgr(Color::Reset, Color::Reset, Modifier::empty(), TrueColor),
            "\x1b[0m"
        );
    }

    #[test]
    fn a_frame_moves_once_per_run_and_ends_plain() {
        let mut written = Vec::new();
        let mut screen = Screen::new(&mut written, Ansi16);
        let red = {
            let mut c = Cell::new("a");
            c.set_fg(Color::Red);
            c
        };
        let plain = Cell::new("b");
        let cells = [(0, 0, &red), (1, 0, &red), (2, 0, &plain), (0, 1, &plain)];
        screen.draw(cells.into_iter()).expect("draw");
        let written = String::from_utf8(written).expect("utf-8");
        assert_eq!(written, "\x1b[1;1H\x1b[0;31maa\x1b[0mb\x1b[2;1Hb");
    }
}
