//! Colour depth and mapping a colour down to what a terminal can show: 24-bit colour to the
//! nearest of the xterm 256-colour palette, that to the nearest of the 16 basic colours, and
//! nothing at all on a monochrome terminal (the theme then keeps roles apart with bold,
//! italic, underline and reverse). Indices 0-15 are always given as the basic colours they
//! are, so that they are sent as basic SGR (`31`, `94`, …), which every colour terminal knows.

use ratatui::style::Color;

/// How many colours the terminal shows, from fewest to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ColorDepth {
    /// No colour: attributes only.
    Mono,
    /// The 8 basic colours and their 8 bright forms (SGR 30-37, 90-97, 40-47, 100-107).
    Ansi16,
    /// The xterm 256-colour palette (SGR `38;5;n`).
    Ansi256,
    /// Any 24-bit colour (SGR `38;2;r;g;b`).
    TrueColor,
}

impl ColorDepth {
    /// Whether any colour is drawn.
    pub fn has_color(self) -> bool {
        self != ColorDepth::Mono
    }

    /// The name used in the configuration and in messages.
    pub fn name(self) -> &'static str {
        match self {
            ColorDepth::Mono => "none",
            ColorDepth::Ansi16 => "16",
            ColorDepth::Ansi256 => "256",
            ColorDepth::TrueColor => "truecolor",
        }
    }
}

/// `true` is full colour, `false` none: what callers that only know "colour or not" mean.
impl From<bool> for ColorDepth {
    fn from(color: bool) -> ColorDepth {
        if color {
            ColorDepth::TrueColor
        } else {
            ColorDepth::Mono
        }
    }
}

/// The 16 basic colours in palette order: index `i` is SGR `30 + i` (`90 + i - 8` for the
/// bright half).
pub const BASIC: [Color; 16] = [
    Color::Black,
    Color::Red,
    Color::Green,
    Color::Yellow,
    Color::Blue,
    Color::Magenta,
    Color::Cyan,
    Color::Gray,
    Color::DarkGray,
    Color::LightRed,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightBlue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::White,
];

/// xterm's default values of the 16 basic colours. Terminals differ here (and people change
/// them), which is why 24-bit colours are never mapped onto these at 256 colours, only at 16.
const BASIC_RGB: [(u8, u8, u8); 16] = [
    (0x00, 0x00, 0x00),
    (0xcd, 0x00, 0x00),
    (0x00, 0xcd, 0x00),
    (0xcd, 0xcd, 0x00),
    (0x00, 0x00, 0xee),
    (0xcd, 0x00, 0xcd),
    (0x00, 0xcd, 0xcd),
    (0xe5, 0xe5, 0xe5),
    (0x7f, 0x7f, 0x7f),
    (0xff, 0x00, 0x00),
    (0x00, 0xff, 0x00),
    (0xff, 0xff, 0x00),
    (0x5c, 0x5c, 0xff),
    (0xff, 0x00, 0xff),
    (0x00, 0xff, 0xff),
    (0xff, 0xff, 0xff),
];

/// The six levels of each channel of the 6×6×6 colour cube (indices 16-231).
const CUBE: [u8; 6] = [0, 95, 135, 175, 215, 255];

/// The colour as the terminal of `depth` can show it; `None` when it shows no colour.
/// `Reset` (the terminal's own colour) stays as it is at every colour depth.
pub fn fit(color: Color, depth: ColorDepth) -> Option<Color> {
    if depth == ColorDepth::Mono {
        return None;
    }
    let fitted = match color {
        Color::Indexed(i) if i < 16 => BASIC[usize::from(i)],
        Color::Indexed(i) if depth == ColorDepth::Ansi16 => nearest_basic(index_rgb(i)),
        Color::Rgb(r, g, b) => match depth {
            ColorDepth::TrueColor => color,
            ColorDepth::Ansi256 => Color::Indexed(nearest_256((r, g, b))),
            _ => nearest_basic((r, g, b)),
        },
        other => other,
    };
    Some(fitted)
}

/// The palette index of a basic colour (`Color::Red` is 1, `Color::White` 15).
pub fn basic_index(color: Color) -> Option<u8> {
    BASIC
        .iter()
        .position(|&c| c == color)
        .and_then(|i| u8::try_from(i).ok())
}

/// The usual value of a palette entry: xterm's defaults for 0-15, then the cube and the grey
/// ramp, which all terminals share.
pub fn index_rgb(index: u8) -> (u8, u8, u8) {
    match index {
        0..=15 => BASIC_RGB[usize::from(index)],
        16..=231 => {
            let i = index - 16;
            (
                CUBE[usize::from(i / 36)],
                CUBE[usize::from(i / 6 % 6)],
                CUBE[usize::from(i % 6)],
            )
        }
        232..=255 => {
            let v = 8 + (index - 232) * 10;
            (v, v, v)
        }
    }
}

/// The nearest entry of the cube or the grey ramp (16-255).
pub fn nearest_256(rgb: (u8, u8, u8)) -> u8 {
    let level = |v: u8| -> u8 {
        // Halfway points between the cube's levels 0, 95, 135, …
        match v {
            0..=47 => 0,
            48..=114 => 1,
            _ => (v - 35) / 40,
        }
    };
    let (r, g, b) = (level(rgb.0), level(rgb.1), level(rgb.2));
    let cube = 16 + 36 * r + 6 * g + b;
    let mean = (u16::from(rgb.0) + u16::from(rgb.1) + u16::from(rgb.2)) / 3;
    // Greys 8, 18, … 238: the nearest step, clamped to the ramp.
    let step = u8::try_from((mean.saturating_sub(3) / 10).min(23)).unwrap_or(23);
    let grey = 232 + step;
    if distance(rgb, index_rgb(grey)) < distance(rgb, index_rgb(cube)) {
        grey
    } else {
        cube
    }
}

/// The nearest basic colour.
pub fn nearest_basic(rgb: (u8, u8, u8)) -> Color {
    let mut best = (u32::MAX, Color::Black);
    for (value, color) in BASIC_RGB.iter().zip(BASIC) {
        let d = distance(rgb, *value);
        if d < best.0 {
            best = (d, color);
        }
    }
    best.1
}

/// How far apart two colours look: the "redmean" weighting of the channels, a cheap
/// approximation of perceived difference that weighs green most.
fn distance(a: (u8, u8, u8), b: (u8, u8, u8)) -> u32 {
    let mean = (u32::from(a.0) + u32::from(b.0)) / 2;
    let dr = u32::from(a.0.abs_diff(b.0));
    let dg = u32::from(a.1.abs_diff(b.1));
    let db = u32::from(a.2.abs_diff(b.2));
    (((512 + mean) * dr * dr) >> 8) + 4 * dg * dg + (((767 - mean) * db * db) >> 8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColorDepth::*;

    #[test]
    fn truecolour_steps_down_to_256_16_and_none() {
        let orange = Color::Rgb(0xff, 0x87, 0x00);
        assert_eq!(fit(orange, TrueColor), Some(orange));
        assert_eq!(fit(orange, Ansi256), Some(Color::Indexed(208)));
        assert_eq!(fit(orange, Ansi16), Some(Color::Yellow));
        assert_eq!(fit(orange, Mono), None);

        assert_eq!(
            fit(Color::Rgb(255, 0, 0), Ansi256),
            Some(Color::Indexed(196))
        );
        assert_eq!(fit(Color::Rgb(255, 0, 0), Ansi16), Some(Color::LightRed));
        assert_eq!(fit(Color::Rgb(0, 0, 0), Ansi256), Some(Color::Indexed(16)));
        assert_eq!(fit(Color::Rgb(0, 0, 0), Ansi16), Some(Color::Black));
        assert_eq!(
            fit(Color::Rgb(255, 255, 255), Ansi256),
            Some(Color::Indexed(231))
        );
        assert_eq!(fit(Color::Rgb(255, 255, 255), Ansi16), Some(Color::White));
        // Greys go to the grey ramp, not the coarser cube.
        assert_eq!(
            fit(Color::Rgb(128, 128, 128), Ansi256),
            Some(Color::Indexed(244))
        );
        assert_eq!(
            fit(Color::Rgb(0x30, 0x30, 0x30), Ansi256),
            Some(Color::Indexed(236))
        );
        assert_eq!(
            fit(Color::Rgb(128, 128, 128), Ansi16),
            Some(Color::DarkGray)
        );
        assert_eq!(
            fit(Color::Rgb(0x1e, 0x90, 0xff), Ansi256),
            Some(Color::Indexed(33))
        );
        assert_eq!(
            fit(Color::Rgb(0x1e, 0x90, 0xff), Ansi16),
            Some(Color::LightBlue)
        );
    }

    #[test]
    fn palette_indices_step_down() {
        assert_eq!(
            fit(Color::Indexed(208), TrueColor),
            Some(Color::Indexed(208))
        );
        assert_eq!(fit(Color::Indexed(208), Ansi256), Some(Color::Indexed(208)));
        assert_eq!(fit(Color::Indexed(196), Ansi16), Some(Color::LightRed));
        assert_eq!(fit(Color::Indexed(240), Ansi16), Some(Color::DarkGray));
        assert_eq!(fit(Color::Indexed(255), Ansi16), Some(Color::Gray));
        assert_eq!(fit(Color::Indexed(240), Mono), None);
    }

    #[test]
    fn basic_colours_stay_basic_at_every_depth() {
        for depth in [Ansi16, Ansi256, TrueColor] {
            for (i, color) in BASIC.into_iter().enumerate() {
                assert_eq!(fit(color, depth), Some(color), "{color:?} at {depth:?}");
                let index = u8::try_from(i).unwrap_or_default();
                // An index below 16 is the basic colour, sent as such.
                assert_eq!(fit(Color::Indexed(index), depth), Some(color));
                assert_eq!(basic_index(color), Some(index));
            }
            assert_eq!(fit(Color::Reset, depth), Some(Color::Reset));
        }
        assert_eq!(fit(Color::Red, Mono), None);
        assert_eq!(fit(Color::Reset, Mono), None);
        assert_eq!(basic_index(Color::Reset), None);
    }

    #[test]
    fn the_cube_and_ramp_round_trip() {
        for i in 16..=255u8 {
            assert_eq!(nearest_256(index_rgb(i)), i, "index {i}");
        }
        assert_eq!(index_rgb(16), (0, 0, 0));
        assert_eq!(index_rgb(231), (255, 255, 255));
        assert_eq!(index_rgb(232), (8, 8, 8));
        assert_eq!(index_rgb(255), (238, 238, 238));
    }

    #[test]
    fn depths_order_and_name() {
        assert!(Mono < Ansi16 && Ansi16 < Ansi256 && Ansi256 < TrueColor);
        assert_eq!(ColorDepth::from(false), Mono);
        assert_eq!(ColorDepth::from(true), TrueColor);
        assert!(!Mono.has_color() && Ansi16.has_color());
        assert_eq!(Ansi256.name(), "256");
    }
}
