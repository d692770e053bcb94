//! The terminal: entering and leaving full-screen mode, and making sure every way out
//! restores it — normal quit, error, panic (a hook installed before the screen is taken),
//! SIGTERM, SIGHUP and SIGINT (actions sent to the runtime), and Ctrl-Z, which restores,
//! stops the process, and takes the screen back with a full redraw on `fg`. What the
//! terminal can do is judged in [`detect`]; the cells are written, in the colours it shows, by
//! the [`Screen`] backend.
//!
//! Mouse reporting asks only for what blatt uses: presses, releases and the wheel (mode
//! 1000, in the SGR encoding 1006, with 1015 for older urxvt). Not any-motion tracking (1003,
//! which crossterm's `EnableMouseCapture` turns on), which would send an event for every
//! move of the pointer, nor button-motion (1002): blatt has no use for drags.
//! Every frame is one synchronized update (DEC 2026): terminals that know it show a frame
//! whole, the others ignore the private mode.

mod backend;
pub mod detect;

pub use backend::{Hyperlink, Screen, osc8_target, sgr};
pub use detect::{TermEnv, color_depth, full_screen_problem};

use std::io::{self, BufWriter, Stdout, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::cursor::{Hide, Show};
use crossterm::terminal::{
    BeginSynchronizedUpdate, EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen,
    disable_raw_mode, enable_raw_mode,
};
use ratatui::{Frame, Terminal};

use crate::app::Action;
use crate::ui::theme::ColorDepth;

/// The screen, written through a buffer that holds a whole frame: a frame leaves in one
/// write (and the end of its synchronized update in a second), not in the 1 KiB pieces of
/// stdout's own line buffer.
pub type Tui = Terminal<Screen<BufWriter<Stdout>>>;

/// Room for a full frame of a large terminal with colours.
const FRAME_BUFFER: usize = 256 * 1024;

/// Whether mouse capture was turned on, so that restoring turns it off again.
static MOUSE: AtomicBool = AtomicBool::new(false);

/// Mouse reporting: clicks and the wheel (1000), in the SGR (1006) or urxvt (1015) encoding.
const MOUSE_ON: &[u8] = b"\x1b[?1000h\x1b[?1015h\x1b[?1006h";
const MOUSE_OFF: &[u8] = b"\x1b[?1006l\x1b[?1015l\x1b[?1000l";

fn enable_mouse(out: &mut impl Write) -> io::Result<()> {
    out.write_all(MOUSE_ON)?;
    out.flush()
}

/// Takes the screen: raw mode, alternate screen, hidden cursor, mouse capture if wanted.
/// Frames are drawn in the colours of `depth`.
pub fn init(mouse: bool, depth: ColorDepth) -> io::Result<Tui> {
    install_panic_hook();
    enable_raw_mode()?;
    // Taking the screen goes out with the first frame, in one write: the terminal (and a
    // person's eyes) see no empty screen before it, and the program one write less.
    let mut out = BufWriter::with_capacity(FRAME_BUFFER, io::stdout());
    crossterm::queue!(out, EnterAlternateScreen, Hide)?;
    if mouse {
        out.write_all(MOUSE_ON)?;
    }
    MOUSE.store(mouse, Ordering::SeqCst);
    let mut terminal = Terminal::new(Screen::new(out, depth))?;
    crossterm::queue!(
        terminal.backend_mut(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    // Both buffers reset: the first frame is compared with an empty one.
    terminal.swap_buffers();
    terminal.swap_buffers();
    Ok(terminal)
}

/// Draws a frame as one synchronized update: terminals that know the mode (DEC 2026) show
/// it at once, never half old and half new; others ignore the mode.
pub fn draw(terminal: &mut Tui, render: impl FnOnce(&mut Frame)) -> io::Result<()> {
    crossterm::queue!(terminal.backend_mut(), BeginSynchronizedUpdate)?;
    terminal.draw(render)?;
    crossterm::execute!(terminal.backend_mut(), EndSynchronizedUpdate)
}

/// Clears the screen and makes the next draw write every cell. Unlike `Terminal::clear`, it
/// does not ask the terminal for the cursor position, which a terminal that never answers
/// would turn into a two-second stall and an error.
pub fn redraw_fully(terminal: &mut Tui) -> io::Result<()> {
    crossterm::execute!(
        terminal.backend_mut(),
        crossterm::terminal::Clear(crossterm::terminal::ClearType::All)
    )?;
    // Both buffers reset: the next frame is compared with an empty one.
    terminal.swap_buffers();
    terminal.swap_buffers();
    Ok(())
}

/// Gives the screen back. Safe to call more than once and when nothing was taken.
pub fn restore() {
    let mut out = io::stdout();
    if MOUSE.swap(false, Ordering::SeqCst) {
        let _ = out.write_all(MOUSE_OFF);
    }
    // Also ends a synchronized update that a signal or panic cut short.
    let _ = crossterm::execute!(out, EndSynchronizedUpdate, LeaveAlternateScreen, Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// Ctrl-Z: give the terminal back, stop until `fg` (SIGCONT), then take it again.
pub fn suspend(terminal: &mut Tui, mouse: bool) -> io::Result<()> {
    restore();
    // SIGSTOP rather than SIGTSTP: a self-sent SIGTSTP is discarded in an orphaned process
    // group, and SIGSTOP cannot be caught or ignored.
    signal_hook::low_level::raise(signal_hook::consts::SIGSTOP)?;
    enable_raw_mode()?;
    crossterm::execute!(io::stdout(), EnterAlternateScreen, Hide)?;
    if mouse {
        enable_mouse(&mut io::stdout())?;
        MOUSE.store(true, Ordering::SeqCst);
    }
    redraw_fully(terminal)
}

/// Signal handling for the runtime. SIGTERM, SIGHUP and SIGINT arrive in the loop as
/// [`Action::Terminate`], so it can save and restore the terminal itself; SIGCONT (after a
/// stop by someone else) as [`Action::Continued`], for a full redraw. When the terminal is
/// gone (a closed window sends SIGHUP), the loop may never get to the action; so the watcher
/// gives the loop a moment and then runs the `fallback` (save, restore) itself and exits.
pub struct Signals {
    finished: Arc<AtomicBool>,
}

/// How long the watcher waits for the loop to end by itself after a terminating signal.
const GRACE: std::time::Duration = std::time::Duration::from_millis(500);

impl Signals {
    pub fn register(
        outbox: crate::runtime::workers::Outbox,
        fallback: impl Fn() + Send + 'static,
    ) -> io::Result<Signals> {
        use signal_hook::consts::{SIGCONT, SIGHUP, SIGINT, SIGTERM};
        let finished = Arc::new(AtomicBool::new(false));
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP, SIGINT, SIGCONT])?;
        let done = Arc::clone(&finished);
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for signal in signals.forever() {
                    if signal == SIGCONT {
                        outbox.send(Action::Continued);
                        continue;
                    }
                    outbox.send(Action::Terminate);
                    let start = std::time::Instant::now();
                    while start.elapsed() < GRACE {
                        if done.load(Ordering::SeqCst) {
                            return;
                        }
                        std::thread::sleep(std::time::Duration::from_millis(10));
                    }
                    if !done.load(Ordering::SeqCst) {
                        fallback();
                        std::process::exit(0);
                    }
                }
            })?;
        Ok(Signals { finished })
    }

    /// The loop has saved and restored: the watcher need not step in.
    pub fn finish(&self) {
        self.finished.store(true, Ordering::SeqCst);
    }
}

/// Restores the terminal if the reader had taken it (for error paths in `main`).
pub fn restore_if_needed() {
    if crossterm::terminal::is_raw_mode_enabled().unwrap_or(false) {
        restore();
    }
}
