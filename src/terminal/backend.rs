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

/// A [`CrosstermBackend`] that draws cells in the SGR forms of a terminal of `depth`.
pub struct Screen<W: Write> {
    inner: CrosstermBackend<W>,
    depth: ColorDepth,
}

impl<W: Write> Screen<W> {
    pub fn new(writer: W, depth: ColorDepth) -> Screen<W> {
        Screen {
            inner: CrosstermBackend::new(writer),
            depth,
        }
    }
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
        // As with crossterm's backend, a frame starts and ends with the plain look.
        let mut look = PLAIN;
        let mut last: Option<(u16, u16)> = None;
        for (x, y, cell) in content {
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
