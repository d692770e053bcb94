//! Terminal safety proven on the wire: the real binary runs in a pseudo-terminal on the
//! hostile library, every entry is opened, paged through and closed, and every byte blatt
//! wrote is parsed (with `vte`) and checked against the short list of sequences a ratatui
//! program draws with. A `vt100` emulator fed the same bytes checks that each screen is whole:
//! the header on the first row and the status line on the last. Tiny and zero sizes must be
//! survived and followed by a full redraw.
//!
//! Waits are hang guards ([`common::HANG_GUARD`]): a debug build on a loaded machine may be
//! slow, only one that never shows the screen fails. How long each hostile entry takes from
//! Enter to the screen is measured by `cargo bench --bench lifecycle -- open`.

mod common;
mod pty;

use std::collections::BTreeMap;
use std::time::Duration;

use common::HANG_GUARD;
use pty::{Session, show, status_line};
use unicode_width::UnicodeWidthStr;

const COLS: u16 = 100;
const ROWS: u16 = 30;
const DOWN: &[u8] = b"\x1b[B";
const ESC: &[u8] = b"\x1b";

/// The CSI sequences blatt may send, as (private marker, parameters, final byte); `*` stands for
/// any numeric parameters. Everything here was observed on the wire and comes from crossterm
/// commands that ratatui or blatt's terminal module issue:
///
/// - `?1049h` / `?1049l`: EnterAlternateScreen / LeaveAlternateScreen (terminal::init, restore).
/// - `?25l` / `?25h`: Hide / Show the cursor.
/// - `?2026h` / `?2026l`: Begin / EndSynchronizedUpdate around every frame (terminal::draw);
///   they must pair up, never nest, and the output must not end inside one.
/// - `?1000h`, `?1015h`, `?1006h` and their `l`: mouse reporting of clicks and the wheel, in
///   the urxvt and SGR encodings (terminal::init, restore). Not button-motion (`?1002h`) nor
///   any-motion tracking (`?1003h`), which crossterm's EnableMouseCapture would turn on.
/// - `6n`: the cursor position request (DSR) that ratatui's `Terminal::new` makes to learn where
///   the cursor is; the terminal answers it, nothing is drawn.
/// - `2J`: Clear(All), from `Terminal::clear` at start and after every resize.
/// - `row;colH`: MoveTo, the only cursor movement ratatui's diff drawing uses.
/// - `...m`: SGR colours and attributes of the cells.
///
/// Not sent, and so not allowed: bracketed paste (`?2004h`) and focus reporting (`?1004h`), which
/// blatt does not enable, scroll regions, cursor-relative moves, erase-line, insert/delete.
const ALLOWED_CSI: &[(&str, &str, char)] = &[
    ("?", "1049", 'h'),
    ("?", "1049", 'l'),
    ("?", "25", 'l'),
    ("?", "25", 'h'),
    ("?", "2026", 'h'),
    ("?", "2026", 'l'),
    ("?", "1000", 'h'),
    ("?", "1000", 'l'),
    ("?", "1015", 'h'),
    ("?", "1015", 'l'),
    ("?", "1006", 'h'),
    ("?", "1006", 'l'),
    ("", "6", 'n'),
    ("", "2", 'J'),
    ("", "*", 'H'),
    ("", "*", 'm'),
];

/// The SGR parameters blatt's screen backend writes (terminal::sgr): reset, the attributes
/// bold to crossed-out, the 16 basic colours, and 256-colour and true-colour fore- and
/// background (`38;5;n`, `48;5;n`, `38;2;r;g;b`). Which colours a terminal may get is
/// checked by [`Sgr`].
fn sgr_allowed(params: &[u16]) -> bool {
    let mut i = 0;
    while i < params.len() {
        match params[i] {
            0..=9 | 30..=37 | 40..=47 | 90..=97 | 100..=107 => i += 1,
            38 | 48 => match params.get(i + 1) {
                Some(5) => i += 3,
                Some(2) => i += 5,
                _ => return false,
            },
            _ => return false,
        }
    }
    i == params.len()
}

/// What the byte stream did, as judged by a `vte` parser.
struct Wire {
    cols: u16,
    rows: u16,
    /// Bounds on cursor addressing and printing apply (a fixed size is known for this stream).
    check_bounds: bool,
    alternate: bool,
    /// Inside a synchronized update (the terminal holds what it shows).
    synchronized: bool,
    row: u16,
    /// Column where the current run of printed text started (1-based).
    run_col: u16,
    run: String,
    problems: Vec<String>,
    /// Every distinct CSI kind seen, with a count, for the report.
    seen: BTreeMap<String, usize>,
    controls_seen: BTreeMap<u8, usize>,
    /// OSC 8 hyperlinks are allowed (the configuration turns them on), and how many opened.
    osc8: bool,
    links_opened: usize,
}

impl Wire {
    fn new(cols: u16, rows: u16, check_bounds: bool) -> Wire {
        Wire {
            cols,
            rows,
            check_bounds,
            alternate: false,
            synchronized: false,
            row: 1,
            run_col: 1,
            run: String::new(),
            problems: Vec::new(),
            seen: BTreeMap::new(),
            controls_seen: BTreeMap::new(),
            osc8: false,
            links_opened: 0,
        }
    }

    fn problem(&mut self, p: String) {
        if self.problems.len() < 20 {
            self.problems.push(p);
        }
    }

    /// Ends a run of printed text: it must have stayed on its row, inside the screen.
    fn flush(&mut self) {
        if self.run.is_empty() {
            return;
        }
        let width = u16::try_from(self.run.width()).unwrap_or(u16::MAX);
        if self.check_bounds && self.alternate && self.run_col.saturating_add(width) > self.cols + 1
        {
            let tail: String = self
                .run
                .chars()
                .rev()
                .take(30)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            let p = format!(
                "text printed past the right edge: row {}, from column {} for {width} cells \
                 (screen is {} wide), ending {tail:?}",
                self.row, self.run_col, self.cols
            );
            self.problem(p);
        }
        self.run_col = self.run_col.saturating_add(width);
        self.run.clear();
    }
}

impl vte::Perform for Wire {
    fn print(&mut self, c: char) {
        if common::is_terminal_control(c, &[]) {
            self.problem(format!("control or bidi character {c:?} printed as text"));
        }
        self.run.push(c);
    }

    fn execute(&mut self, byte: u8) {
        self.flush();
        *self.controls_seen.entry(byte).or_default() += 1;
        // Inside the alternate screen ratatui positions every run with MoveTo; outside it only
        // a message after leaving (CR LF in raw mode, from crossterm's error path) could appear.
        let allowed = !self.alternate && matches!(byte, b'\r' | b'\n');
        if !allowed {
            self.problem(format!(
                "C0/C1 control 0x{byte:02x} (alternate screen: {})",
                self.alternate
            ));
        }
        match byte {
            b'\r' => self.run_col = 1,
            b'\n' => self.row += 1,
            _ => {}
        }
    }

    fn hook(&mut self, _: &vte::Params, _: &[u8], _: bool, action: char) {
        self.problem(format!("DCS sequence (final {action:?})"));
    }

    fn osc_dispatch(&mut self, params: &[&[u8]], _: bool) {
        // An OSC 8 hyperlink: `8`, no parameters, and an address of printable ASCII only
        // (or nothing: the end of the link).
        if self.osc8
            && let [b"8", b"", target] = params
        {
            if target.iter().all(|b| (0x21..0x7f).contains(b)) {
                if !target.is_empty() {
                    self.links_opened += 1;
                }
                return;
            }
            self.problem(format!(
                "OSC 8 with a target that is not printable ASCII: {:?}",
                String::from_utf8_lossy(target)
            ));
            return;
        }
        let first = params
            .first()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .unwrap_or_default();
        self.problem(format!("OSC sequence {first}"));
    }

    fn esc_dispatch(&mut self, intermediates: &[u8], _: bool, byte: u8) {
        self.problem(format!(
            "ESC sequence {:?}{:?}",
            String::from_utf8_lossy(intermediates),
            byte as char
        ));
    }

    fn csi_dispatch(&mut self, params: &vte::Params, intermediates: &[u8], _: bool, action: char) {
        self.flush();
        let values: Vec<u16> = params.iter().flat_map(|p| p.iter().copied()).collect();
        let marker = String::from_utf8_lossy(intermediates).into_owned();
        let joined = values
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(";");
        let shown = format!("CSI {marker}{joined}{action}");
        let kind = match action {
            'H' | 'm' => format!("CSI {marker}*{action}"),
            _ => shown.clone(),
        };
        *self.seen.entry(kind).or_default() += 1;
        let allowed = ALLOWED_CSI.iter().any(|&(m, p, a)| {
            m == marker && a == action && (p == "*" || p == joined) && (p != "*" || m.is_empty())
        });
        if !allowed {
            self.problem(format!("CSI sequence not in the allowed list: {shown}"));
            return;
        }
        match (marker.as_str(), action) {
            ("?", 'h') if joined == "1049" => self.alternate = true,
            ("?", 'l') if joined == "1049" => self.alternate = false,
            ("?", 'h') if joined == "2026" => {
                if self.synchronized {
                    self.problem("a synchronized update begun inside another".to_string());
                }
                self.synchronized = true;
            }
            ("?", 'l') if joined == "2026" => self.synchronized = false,
            ("", 'H') => {
                let row = values.first().copied().unwrap_or(1).max(1);
                let col = values.get(1).copied().unwrap_or(1).max(1);
                if self.check_bounds && (row > self.rows || col > self.cols) {
                    self.problem(format!(
                        "cursor moved outside the {}x{} screen: {shown}",
                        self.cols, self.rows
                    ));
                }
                self.row = row;
                self.run_col = col;
            }
            ("", 'm') if !sgr_allowed(&values) => {
                self.problem(format!("unexpected SGR {shown}"));
            }
            _ => {}
        }
    }
}

/// Checks `bytes` on the wire; returns the parser's findings. `size` turns on the bounds
/// checks for a stream drawn at one fixed size.
fn check_wire(bytes: &[u8], size: Option<(u16, u16)>) -> Wire {
    check_wire_with(bytes, size, false)
}

/// [`check_wire`], with OSC 8 hyperlinks allowed or not.
fn check_wire_with(bytes: &[u8], size: Option<(u16, u16)>, osc8: bool) -> Wire {
    let (cols, rows) = size.unwrap_or((u16::MAX, u16::MAX));
    let mut wire = Wire::new(cols, rows, size.is_some());
    wire.osc8 = osc8;
    let mut parser = vte::Parser::new();
    parser.advance(&mut wire, bytes);
    wire.flush();
    if wire.synchronized {
        wire.problem("the output ends inside a synchronized update".to_string());
    }
    // vte swallows SOS, PM and APC strings without a callback: look for their introducers.
    for (at, w) in bytes.windows(2).enumerate() {
        if w[0] == 0x1b && matches!(w[1], b'X' | b'^' | b'_') {
            wire.problem(format!(
                "SOS/PM/APC introducer ESC {} at {at}",
                w[1] as char
            ));
        }
    }
    match std::str::from_utf8(bytes) {
        Err(e) => wire.problem(format!("the output is not UTF-8: {e}")),
        Ok(text) => {
            if let Some(c) = text.chars().find(|c| ('\u{80}'..='\u{9f}').contains(c)) {
                wire.problem(format!("C1 control {c:?} in the output"));
            }
        }
    }
    if let Some(at) = bytes
        .windows(common::hostile::PAYLOAD.len())
        .position(|w| w == common::hostile::PAYLOAD.as_bytes())
    {
        wire.problem(format!(
            "the hostile payload {:?} reached the terminal at byte {at}",
            common::hostile::PAYLOAD
        ));
    }
    wire
}

#[track_caller]
fn assert_wire_clean(what: &str, bytes: &[u8], size: Option<(u16, u16)>) -> Wire {
    let wire = check_wire(bytes, size);
    assert!(
        wire.problems.is_empty(),
        "{what}: the output of {} bytes breaks the rules:\n  {}\nCSI kinds seen: {:?}",
        bytes.len(),
        wire.problems.join("\n  "),
        wire.seen
    );
    wire
}

/// The reader: the status line (`… N/M · P%`) on the last row, a header on the first.
fn is_reader(s: &[String]) -> bool {
    s.last()
        .is_some_and(|l| l.contains(" · ") && l.ends_with('%'))
}

/// The library: the header with the article count on the first row, the key hints on the last.
fn is_library(s: &[String]) -> bool {
    // The title counts the entries that can be opened: 23 of the 34 hostile ones, 22 once
    // the binary one was tried and found not to be text.
    s.first()
        .is_some_and(|l| l.contains("23 articles") || l.contains("22 articles"))
        && s.last().is_some_and(|l| l.contains("q quit"))
}

fn is_message(s: &[String]) -> bool {
    s.iter().any(|l| l.contains("Cannot open this"))
}

fn is_contents(s: &[String]) -> bool {
    s.iter().any(|l| l.contains("╭ Contents"))
}

/// A whole reader frame: the header row on top (no scrollbar there, so nothing scrolled it
/// down), text rows with the scrollbar, the status line at the bottom.
#[track_caller]
fn assert_reader_frame(what: &str, s: &[String]) {
    assert_eq!(s.len(), usize::from(ROWS), "{what}: screen rows");
    let first = &s[0];
    let ok = !first.is_empty()
        && !first.ends_with(['┃', '│', '█', '▐'])
        && !first.contains(" · ")
        && is_reader(s);
    assert!(
        ok,
        "{what}: the reader screen is not whole (header on row 0, status on the last row):\n{}",
        show(s)
    );
}

#[test]
fn every_hostile_entry_is_safe_on_the_wire() {
    let lib = common::hostile::build();
    let config = tempfile::tempdir().expect("config dir");
    let mut s = Session::start(config.path(), &[&lib.root], COLS, ROWS);
    s.wait_until("the hostile library", HANG_GUARD, is_library);

    let mut findings: Vec<String> = Vec::new();
    for (i, entry) in lib.entries.iter().enumerate() {
        let what = entry.what;
        if i > 0 {
            s.send(DOWN);
        }
        s.send(b"\r");
        let (screen, _) = s.wait_until(
            &format!("{what}: the article or a message"),
            HANG_GUARD,
            |sc| is_reader(sc) || is_message(sc),
        );
        let problem = is_message(&screen);
        let expect_problem = matches!(entry.listed, common::hostile::Listed::Problem(_))
            || what == "binary data named .txt";
        assert_eq!(
            problem,
            expect_problem,
            "{what}: expected {}:\n{}",
            if expect_problem {
                "a message"
            } else {
                "the article"
            },
            show(&screen)
        );
        if problem {
            s.send(b"x");
            let (screen, _) = s.wait_until(&format!("{what}: message closed"), HANG_GUARD, |sc| {
                is_library(sc) && !is_message(sc)
            });
            assert!(is_library(&screen), "{what}:\n{}", show(&screen));
            continue;
        }
        assert_reader_frame(&format!("{what}, opened"), &screen);
        // Page through, jump to the end, then open the contents: the contents box on screen
        // means every key before it was handled.
        for _ in 0..6 {
            s.send(b" ");
        }
        s.send(b"G");
        // A large article is still being read in the background: G goes to the end once
        // it is all in, so wait for that before the contents.
        let (screen, _) = s.wait_until(&format!("{what}: the end"), HANG_GUARD, |sc| {
            status_line(sc).ends_with("100%")
        });
        s.send(b"t");
        let (contents, _) = s.wait_until(&format!("{what}: contents"), HANG_GUARD, is_contents);
        assert_reader_frame(&format!("{what}, contents"), &contents);
        // Collected rather than asserted at once, so that one wrong entry does not hide the
        // rest of the walk.
        if !status_line(&screen).ends_with("100%") {
            findings.push(format!(
                "{what}: after G (the end of the article on screen) the status line should \
                 say 100%:\n{}",
                show(&screen)
            ));
        }
        assert_reader_frame(&format!("{what}, contents"), &screen);
        s.send(ESC);
        let (screen, _) = s.wait_until(&format!("{what}: contents closed"), HANG_GUARD, |sc| {
            !is_contents(sc) && is_reader(sc)
        });
        assert_reader_frame(&format!("{what}, at the end"), &screen);
        s.send(b"q");
        s.wait_until(
            &format!("{what}: back in the library"),
            HANG_GUARD,
            is_library,
        );
    }
    s.send(b"q");
    let code = s.wait_exit(HANG_GUARD);
    assert_eq!(code, Some(0), "blatt should quit with 0");
    let bytes = s.bytes();

    let wire = assert_wire_clean("the hostile walk-through", &bytes, Some((COLS, ROWS)));
    println!(
        "{} bytes; CSI kinds: {:?}; C0 controls: {:?}",
        bytes.len(),
        wire.seen,
        wire.controls_seen
    );
    assert!(
        findings.is_empty(),
        "wrong screens in the walk-through:\n{}",
        findings.join("\n")
    );
    // Leaving restores the terminal: the last sequences leave the alternate screen and show
    // the cursor.
    let tail = String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(200)..]).into_owned();
    assert!(
        tail.contains("\x1b[?1049l") && tail.contains("\x1b[?25h"),
        "the end of the output does not restore the terminal: {tail:?}"
    );
}

/// Whether blatt is still running (not a zombie).
fn alive(s: &Session) -> bool {
    !s.has_ended()
}

#[test]
fn tiny_and_zero_sizes_are_survived_and_redrawn() {
    let lib = common::hostile::build();
    let config = tempfile::tempdir().expect("config dir");
    let mut s = Session::start(config.path(), &[&lib.root], COLS, ROWS);
    s.wait_until("the hostile library", HANG_GUARD, is_library);
    // Open the CJK and emoji article: wide characters are the likeliest to fall off a
    // one-column screen.
    for _ in 0..14 {
        s.send(DOWN);
    }
    s.send(b"\r");
    let (screen, _) = s.wait_until("the CJK article", HANG_GUARD, is_reader);
    assert!(
        screen.iter().any(|l| l.contains("東京都")),
        "{}",
        show(&screen)
    );

    let sizes: &[(u16, u16)] = &[(1, 1), (1, 30), (100, 1), (0, 0), (0, 30), (100, 0), (2, 1)];
    let mut refused = Vec::new();
    for &(cols, rows) in sizes {
        let before = s.len();
        if let Err(e) = s.resize(cols, rows) {
            refused.push(format!("{cols}x{rows}: {e}"));
            continue;
        }
        // Let blatt react to the size (it draws the too-small screen or nothing), then check
        // it lives.
        s.wait_quiet(Duration::from_millis(300));
        assert!(
            alive(&s),
            "blatt died at {cols}x{rows}; its last output: {:?}",
            String::from_utf8_lossy(&s.bytes()[before..])
        );
        s.resize(COLS, ROWS).expect("resize back");
        let (screen, _) = s.wait_until(
            &format!("a full redraw at {COLS}x{ROWS} after {cols}x{rows}"),
            HANG_GUARD,
            |sc| is_reader(sc) && sc.iter().any(|l| l.contains("東京都")),
        );
        assert_reader_frame(&format!("after {cols}x{rows}"), &screen);
    }
    // Linux accepts every one of these sizes, 0x0 included (TIOCSWINSZ does not check);
    // another system may refuse some, which is reported rather than failed.
    if !refused.is_empty() {
        println!("sizes the pty refused: {refused:?}");
    }
    // The reader still works, and quits cleanly.
    s.send(b"q");
    s.wait_until("the library", HANG_GUARD, is_library);
    s.send(b"q");
    assert_eq!(s.wait_exit(HANG_GUARD), Some(0), "blatt should quit with 0");
    // Sizes changed under blatt, so bounds are not checked; the kinds of sequence are.
    assert_wire_clean("tiny sizes", &s.bytes(), None);
}

/// The forms of SGR found in a byte stream, read with `vte`.
#[derive(Debug, Default)]
struct Sgr {
    /// `38;2;…` or `48;2;…`.
    truecolor: usize,
    /// `38;5;n` or `48;5;n`, with the indices seen.
    indexed: Vec<u16>,
    /// 30-37, 40-47, 90-97, 100-107.
    basic: usize,
    /// Bold, italic, underline, reverse and the like.
    attributes: usize,
    /// Private modes set (`CSI ? n h`).
    modes: Vec<String>,
}

impl vte::Perform for Sgr {
    fn csi_dispatch(&mut self, params: &vte::Params, intermediates: &[u8], _: bool, action: char) {
        let values: Vec<u16> = params.iter().flat_map(|p| p.iter().copied()).collect();
        if action == 'h' && intermediates == b"?" {
            self.modes.extend(values.iter().map(u16::to_string));
        }
        if action != 'm' || !intermediates.is_empty() {
            return;
        }
        let mut i = 0;
        while i < values.len() {
            match values[i] {
                38 | 48 => match values.get(i + 1) {
                    Some(2) => {
                        self.truecolor += 1;
                        i += 5;
                    }
                    _ => {
                        self.indexed.extend(values.get(i + 2));
                        i += 3;
                    }
                },
                30..=37 | 40..=47 | 90..=97 | 100..=107 => {
                    self.basic += 1;
                    i += 1;
                }
                1..=9 => {
                    self.attributes += 1;
                    i += 1;
                }
                _ => i += 1,
            }
        }
    }
}

/// Opens the styled fixture in a terminal described by `env`, with a theme that has a 24-bit
/// colour (links), a palette index given as a bare number (code) and basic colours (the
/// rest); returns the SGR forms of everything blatt wrote until it quit.
fn sgr_of_a_frame(what: &str, env: &[(&str, &str)]) -> Sgr {
    let config = tempfile::tempdir().expect("config dir");
    std::fs::write(
        config.path().join("config.toml"),
        "[theme]\nlink = \"#ff8700\"\ncode = 240\n",
    )
    .expect("config.toml");
    let article = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/styles.md");
    let mut s = Session::start_with_env(config.path(), &[&article], COLS, ROWS, env);
    let (screen, _) = s.wait_until(&format!("{what}: the reader"), HANG_GUARD, |sc| {
        is_reader(sc) && sc.iter().any(|l| l.contains("Lists and quotes"))
    });
    // The config was read without complaint: the bare number is a colour.
    assert!(
        !screen.iter().any(|l| l.contains("Please note")),
        "{what}:\n{}",
        show(&screen)
    );
    s.send(b"q");
    assert_eq!(
        s.wait_exit(HANG_GUARD),
        Some(0),
        "{what}: blatt should quit with 0"
    );
    let bytes = s.bytes();
    assert_wire_clean(what, &bytes, Some((COLS, ROWS)));
    let mut sgr = Sgr::default();
    vte::Parser::new().advance(&mut sgr, &bytes);
    assert!(sgr.attributes > 0, "{what}: no attributes at all: {sgr:?}");
    // Basic colours always go as basic SGR, never as a palette index below 16.
    assert!(
        sgr.indexed.iter().all(|&i| i >= 16),
        "{what}: a basic colour sent as 38;5;n: {sgr:?}"
    );
    // Only the mouse reporting blatt uses.
    assert!(
        sgr.modes.iter().any(|m| m == "1000")
            && !sgr.modes.iter().any(|m| m == "1003" || m == "1002"),
        "{what}: mouse modes {:?}",
        sgr.modes
    );
    sgr
}

#[test]
fn each_terminal_gets_only_the_colours_it_shows() {
    let truecolor = sgr_of_a_frame(
        "COLORTERM=truecolor",
        &[("TERM", "xterm-256color"), ("COLORTERM", "truecolor")],
    );
    assert!(truecolor.truecolor > 0, "{truecolor:?}");
    assert!(truecolor.indexed.contains(&240), "{truecolor:?}");
    assert!(truecolor.basic > 0, "{truecolor:?}");

    let ansi256 = sgr_of_a_frame(
        "xterm-256color",
        &[("TERM", "xterm-256color"), ("COLORTERM", "")],
    );
    assert_eq!(
        ansi256.truecolor, 0,
        "no 38;2 without COLORTERM: {ansi256:?}"
    );
    // The 24-bit link colour as its nearest palette entry, the number as given.
    assert!(
        ansi256.indexed.contains(&208) && ansi256.indexed.contains(&240),
        "{ansi256:?}"
    );
    assert!(ansi256.basic > 0, "{ansi256:?}");

    // An entry of its own under $TERMINFO (a copy of xterm-256color under another name),
    // found as ncurses finds it.
    let system = [
        "/usr/share/terminfo/x/xterm-256color",
        "/lib/terminfo/x/xterm-256color",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists());
    if let Some(system) = system {
        let own = tempfile::tempdir().expect("terminfo dir");
        std::fs::create_dir(own.path().join("z")).expect("z");
        std::fs::copy(system, own.path().join("z/zz-own-256")).expect("copy");
        let terminfo = own.path().to_str().expect("utf-8 path");
        let custom = sgr_of_a_frame(
            "TERMINFO",
            &[
                ("TERM", "zz-own-256"),
                ("COLORTERM", ""),
                ("TERMINFO", terminfo),
            ],
        );
        assert!(custom.indexed.contains(&240), "{custom:?}");
        assert_eq!(custom.truecolor, 0, "{custom:?}");
    }

    // The Linux console: 8 colours in terminfo (its bright forms by 90-97 too).
    let ansi16 = sgr_of_a_frame("TERM=linux", &[("TERM", "linux"), ("COLORTERM", "")]);
    assert_eq!(ansi16.truecolor, 0, "{ansi16:?}");
    assert!(
        ansi16.indexed.is_empty(),
        "no 38;5 on 16 colours: {ansi16:?}"
    );
    assert!(ansi16.basic > 0, "{ansi16:?}");

    for (what, env) in [
        (
            "NO_COLOR",
            &[
                ("TERM", "xterm-256color"),
                ("COLORTERM", "truecolor"),
                ("NO_COLOR", "1"),
            ][..],
        ),
        (
            "TERM=xterm-mono",
            &[("TERM", "xterm-mono"), ("COLORTERM", "")][..],
        ),
    ] {
        let mono = sgr_of_a_frame(what, env);
        assert_eq!(
            (mono.truecolor, mono.indexed.len(), mono.basic),
            (0, 0, 0),
            "{what}: no colour at all: {mono:?}"
        );
    }
}

#[test]
fn a_dumb_terminal_is_refused_before_the_screen_is_taken() {
    let config = tempfile::tempdir().expect("config dir");
    let article = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/styles.md");
    for (what, env) in [("TERM=dumb", "dumb"), ("TERM empty", "")] {
        let mut s =
            Session::start_with_env(config.path(), &[&article], COLS, ROWS, &[("TERM", env)]);
        let code = s.wait_exit(HANG_GUARD);
        let bytes = s.bytes();
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(code, Some(1), "{what}: blatt should exit with 1: {text:?}");
        assert!(
            text.contains("blatt render")
                && (text.contains("TERM=dumb") || text.contains("TERM is not set")),
            "{what}: the message should name the problem and point to `blatt render`: {text:?}"
        );
        assert!(
            !bytes.contains(&0x1b),
            "{what}: not one escape sequence (no alternate screen): {text:?}"
        );
    }
}

#[test]
fn hyperlinks_are_on_the_wire_only_when_asked_for_and_carry_no_escape() {
    let lib = tempfile::tempdir().expect("library");
    std::fs::write(
        lib.path().join("INDEX.md"),
        "# Links\n\n- [Hostile links](links.md) — wire test\n",
    )
    .expect("index");
    std::fs::write(
        lib.path().join("links.md"),
        "# Hostile links\n\nA [plain link](<https://example.org/a;b c>), \
             <a href=\"https://example.org/evil\u{1b}]8;;\u{7}x\">an escape</a>, \
             [umlaut](https://example.org/ü), [script](javascript:alert(1)) and \
             [local](links.md#x).\n",
    )
    .expect("article");
    for osc8 in [false, true] {
        let config = tempfile::tempdir().expect("config dir");
        std::fs::write(
            config.path().join("config.toml"),
            format!("[links]\nosc8 = {osc8}\n"),
        )
        .expect("config");
        let article = lib.path().join("links.md");
        let mut s = Session::start(config.path(), &[&article], COLS, ROWS);
        s.wait_until("the article", HANG_GUARD, is_reader);
        s.send(b"q");
        assert_eq!(s.wait_exit(HANG_GUARD), Some(0), "blatt should quit with 0");
        let bytes = s.bytes();
        let wire = check_wire_with(&bytes, Some((COLS, ROWS)), osc8);
        assert!(
            wire.problems.is_empty(),
            "osc8 = {osc8}: {}",
            wire.problems.join("\n  ")
        );
        if osc8 {
            // The three web links (one wraps over two lines at most); not the script, not
            // the local link.
            assert!(
                (3..=6).contains(&wire.links_opened),
                "{} links opened",
                wire.links_opened
            );
        }
    }
}
