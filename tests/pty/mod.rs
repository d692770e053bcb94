//! Runs the real `blatt` binary in a pseudo-terminal that the test owns, without tmux: every
//! byte blatt writes is kept (for checks on the wire) and fed to a `vt100` terminal emulator
//! (for checks on the screen). A reader thread drains the pty all the time, so blatt never
//! blocks on a full pty buffer, and every wait reads output until a condition holds or a
//! timeout passes.
#![allow(dead_code)]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, MasterPty, PtySize, native_pty_system};

/// How long a wait for the screen may take before the test fails. Generous: a debug build on
/// a loaded two-core machine.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// How long the output must pause before a screen counts as drawn.
pub const SETTLE: Duration = Duration::from_millis(60);

/// Device status report, cursor position: the one question a terminal is asked.
const DSR: &[u8] = b"\x1b[6n";

/// Everything blatt wrote so far, and the emulated screen it drew.
pub struct Output {
    pub bytes: Vec<u8>,
    pub parser: vt100::Parser,
    /// The reader saw the end of the pty (all of blatt's ends of it are closed).
    pub eof: bool,
}

struct Shared {
    output: Mutex<Output>,
    changed: Condvar,
    stop: AtomicBool,
}

/// One blatt in one pseudo-terminal.
pub struct Session {
    child: Box<dyn Child + Send + Sync>,
    master: Option<Box<dyn MasterPty + Send>>,
    /// A duplicate of the master's descriptor for writing keys. Not `take_writer`: dropping
    /// that one types a newline and Ctrl-D into the terminal, which blatt would read as keys.
    writer: Option<File>,
    shared: Arc<Shared>,
    reader: Option<JoinHandle<()>>,
    pid: u32,
    size: (u16, u16),
    exited: bool,
}

fn lock(shared: &Shared) -> MutexGuard<'_, Output> {
    shared
        .output
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// vt100 cannot hold a zero-sized screen; it keeps at least one cell.
fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).unwrap_or(std::num::NonZeroU16::MIN)
}

fn pty_size(cols: u16, rows: u16) -> PtySize {
    PtySize {
        rows,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

/// Sets O_NONBLOCK on the open file description behind `fd` (shared by its duplicates), so the
/// reader thread can notice that it should stop instead of blocking in `read` for ever.
fn set_nonblocking(fd: RawFd) {
    // SAFETY: plain fcntl calls on a descriptor this process owns; no memory is involved.
    let ok = unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) == 0
    };
    assert!(ok, "cannot make the pty non-blocking");
}

/// A `File` on a duplicate of `fd`.
fn dup_file(fd: RawFd) -> File {
    // SAFETY: dup returns a new descriptor that nothing else owns; the File takes it over.
    let new = unsafe { libc::dup(fd) };
    assert!(new >= 0, "dup of the pty failed");
    unsafe { File::from_raw_fd(new) }
}

/// Sends `signal` to `pid`.
pub fn signal(pid: u32, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(pid).expect("pid fits pid_t");
    // SAFETY: kill has no memory effects; a wrong pid at worst fails with ESRCH.
    let rc = unsafe { libc::kill(pid, signal) };
    assert_eq!(rc, 0, "kill({pid}, {signal}) failed");
}

impl Session {
    /// Starts `blatt ARGS` in a `cols`×`rows` terminal with `BLATT_CONFIG_DIR=config`.
    pub fn start(config: &Path, args: &[&Path], cols: u16, rows: u16) -> Session {
        Session::start_with_env(config, args, cols, rows, &[])
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// The size last set, columns × rows.
    pub fn size(&self) -> (u16, u16) {
        self.size
    }

    /// Types bytes (keys) into the terminal.
    pub fn send(&mut self, bytes: &[u8]) {
        let writer = self.writer.as_mut().expect("the pty is open");
        writer.write_all(bytes).expect("write keys to the pty");
        writer.flush().expect("flush keys");
    }

    /// Changes the terminal's size (TIOCSWINSZ; the kernel sends SIGWINCH) and the emulator's.
    pub fn resize(&mut self, cols: u16, rows: u16) -> Result<(), String> {
        let master = self.master.as_ref().expect("the pty is open");
        master
            .resize(pty_size(cols, rows))
            .map_err(|e| e.to_string())?;
        self.size = (cols, rows);
        lock(&self.shared)
            .parser
            .screen_mut()
            .set_size(nonzero(rows), nonzero(cols));
        Ok(())
    }

    /// How many bytes blatt has written so far.
    pub fn len(&self) -> usize {
        lock(&self.shared).bytes.len()
    }

    /// A copy of every byte blatt wrote so far.
    pub fn bytes(&self) -> Vec<u8> {
        lock(&self.shared).bytes.clone()
    }

    /// The emulated screen, one string per row, trailing spaces trimmed.
    pub fn screen(&self) -> Vec<String> {
        screen_rows(&lock(&self.shared).parser)
    }

    /// Waits until `check` holds for the screen and the output has paused for [`SETTLE`] (a
    /// frame arrives in several writes; a screen read in the middle of one is half old).
    /// Returns that screen and how long it took until `check` first held. Panics with the
    /// screen after `timeout`.
    pub fn wait_until(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&[String]) -> bool,
    ) -> (Vec<String>, Duration) {
        let start = Instant::now();
        let mut first_held: Option<Duration> = None;
        let mut out = lock(&self.shared);
        loop {
            let screen = screen_rows(&out.parser);
            if check(&screen) {
                let held = *first_held.get_or_insert_with(|| start.elapsed());
                let len = out.bytes.len();
                drop(out);
                std::thread::sleep(SETTLE);
                out = lock(&self.shared);
                if out.bytes.len() == len {
                    return (screen, held);
                }
                continue;
            }
            first_held = None;
            let elapsed = start.elapsed();
            if elapsed > timeout || out.eof {
                let end = if out.eof {
                    "blatt's end of the terminal closed"
                } else {
                    "timed out"
                };
                panic!(
                    "{end} after {elapsed:?} waiting for {what}; the screen was:\n{}",
                    show(&screen)
                );
            }
            out = self
                .shared
                .changed
                .wait_timeout(out, Duration::from_millis(50))
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }

    /// Waits until no byte has arrived for `quiet` (at most `TIMEOUT`).
    pub fn wait_quiet(&self, quiet: Duration) {
        let start = Instant::now();
        let mut seen = self.len();
        let mut since = Instant::now();
        while since.elapsed() < quiet && start.elapsed() < TIMEOUT {
            std::thread::sleep(Duration::from_millis(20));
            let now = self.len();
            if now != seen {
                seen = now;
                since = Instant::now();
            }
        }
    }

    /// Waits until the process has ended (or `within` passed); `Some(exit code)` if it ended,
    /// with 128+N for death by signal N as a shell would say. Once it has, what it wrote last
    /// is read in too (the reader thread polls), so `bytes` holds all of its output.
    pub fn wait_exit(&mut self, within: Duration) -> Option<u32> {
        let start = Instant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.exited = true;
                self.wait_eof(within);
                return Some(status.exit_code());
            }
            if start.elapsed() > within {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// A storm of 1,000 resizes through sizes down to 1x1 (a pause every fourth), ending at
    /// 80x24.
    pub fn resize_storm(&mut self) {
        let sizes: [(u16, u16); 7] = [
            (15, 4),
            (80, 24),
            (40, 10),
            (120, 40),
            (19, 5),
            (1, 1),
            (100, 30),
        ];
        for i in 0..1000 {
            let (cols, rows) = sizes[i % sizes.len()];
            self.resize(cols, rows).expect("resize the pty");
            if i % 4 == 0 {
                std::thread::sleep(Duration::from_millis(3));
            }
        }
        self.resize(80, 24).expect("final resize");
    }

    /// Closes the terminal from the outside and watches the process end (at most `give_up`):
    /// how long it took and how much processor time it used after the close.
    pub fn close_and_watch(&mut self, give_up: Duration) -> (Duration, Duration) {
        let pid = self.pid;
        let cpu_before = crate::common::cpu_time(pid).unwrap_or_default();
        let closed = Instant::now();
        self.close_master();
        // The last sample before the end is what it burnt after the terminal closed.
        let mut cpu_last = cpu_before;
        while !self.has_ended() && closed.elapsed() < give_up {
            if let Some(cpu) = crate::common::cpu_time(pid) {
                cpu_last = cpu;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        (closed.elapsed(), cpu_last.saturating_sub(cpu_before))
    }

    /// Waits (at most `within`) until the reader thread has read everything the ended
    /// process wrote: every slave descriptor is closed, so the master reads end.
    fn wait_eof(&self, within: Duration) {
        let start = Instant::now();
        let mut out = lock(&self.shared);
        while !out.eof && start.elapsed() < within {
            out = self
                .shared
                .changed
                .wait_timeout(out, Duration::from_millis(20))
                .map(|(guard, _)| guard)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    }

    /// The process has ended (it may not have been reaped yet: a zombie counts as ended).
    pub fn has_ended(&self) -> bool {
        self.exited || process_state(self.pid).is_none_or(|s| s == 'Z' || s == 'X')
    }

    /// Closes the terminal from the outside: the master side (every descriptor of it this
    /// process has) is closed, as when a terminal window is closed.
    pub fn close_master(&mut self) {
        self.writer = None;
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = self.reader.take() {
            let _ = handle.join();
        }
        self.master = None;
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if !self.exited && !self.has_ended() {
            let _ = libc::pid_t::try_from(self.pid).map(|pid| {
                // SAFETY: see `signal`.
                unsafe { libc::kill(pid, libc::SIGKILL) }
            });
        }
        let _ = self.child.wait();
        self.close_master();
    }
}

impl Session {
    /// Like [`Session::start`], with extra environment variables for blatt (such as the
    /// debug build's `BLATT_DEBUG_PANIC_KEY`). The same terminal set-up as `start`, which it
    /// repeats rather than changes.
    pub fn start_with_env(
        config: &Path,
        args: &[&Path],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Session {
        let pair = native_pty_system()
            .openpty(pty_size(cols, rows))
            .expect("open a pty");
        let mut cmd = portable_pty::CommandBuilder::new(env!("CARGO_BIN_EXE_blatt"));
        for arg in args {
            cmd.arg(arg);
        }
        cmd.env("BLATT_CONFIG_DIR", config);
        cmd.env("TERM", "xterm-256color");
        cmd.env_remove("NO_COLOR");
        for (name, value) in env {
            cmd.env(name, value);
        }
        cmd.cwd(std::env::temp_dir());
        let child = pair
            .slave
            .spawn_command(cmd)
            .expect("spawn blatt in the pty");
        drop(pair.slave);
        let pid = child.process_id().expect("blatt's pid");
        let master = pair.master;
        let fd = master.as_raw_fd().expect("the master's descriptor");
        set_nonblocking(fd);
        let mut reader = master.try_clone_reader().expect("a pty reader");
        let writer = dup_file(fd);
        let mut answerer = dup_file(fd);
        let shared = Arc::new(Shared {
            output: Mutex::new(Output {
                bytes: Vec::new(),
                parser: vt100::Parser::new(nonzero(rows), nonzero(cols), 0),
                eof: false,
            }),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let for_thread = Arc::clone(&shared);
        let handle = std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        let mut out = lock(&for_thread);
                        let before = out.bytes.len();
                        out.bytes.extend_from_slice(&buf[..n]);
                        out.parser.process(&buf[..n]);
                        let from = before.saturating_sub(DSR.len() - 1);
                        let asked = out.bytes[from..]
                            .windows(DSR.len())
                            .filter(|w| *w == DSR)
                            .count();
                        let (row, col) = out.parser.screen().cursor_position();
                        drop(out);
                        for _ in 0..asked {
                            let answer = format!("\x1b[{};{}R", row + 1, col + 1);
                            let _ = answerer.write_all(answer.as_bytes());
                        }
                        for_thread.changed.notify_all();
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        if for_thread.stop.load(Ordering::SeqCst) {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(2));
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
            lock(&for_thread).eof = true;
            for_thread.changed.notify_all();
        });
        Session {
            child,
            master: Some(master),
            writer: Some(writer),
            shared,
            reader: Some(handle),
            pid,
            size: (cols, rows),
            exited: false,
        }
    }

    /// Whether the terminal is in the mode a shell expects (canonical input and echo on),
    /// as `disable_raw_mode` leaves it; `None` once the pty is closed. On Linux the master's
    /// `tcgetattr` reports the slave's settings, which are the ones blatt changes.
    pub fn is_cooked(&self) -> Option<bool> {
        let fd = self.master.as_ref()?.as_raw_fd()?;
        // SAFETY: tcgetattr writes only into the termios struct it is given, which lives on
        // this stack frame and is fully initialised (zeroed) before the call.
        let mut termios: libc::termios = unsafe { std::mem::zeroed() };
        let rc = unsafe { libc::tcgetattr(fd, &mut termios) };
        (rc == 0).then(|| {
            let wanted = libc::ICANON | libc::ECHO;
            termios.c_lflag & wanted == wanted
        })
    }
}

/// The one-letter state of process `pid` from /proc (`R`, `S`, `Z`…), `None` if it is gone.
pub fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat[stat.rfind(')')? + 1..].trim_start().chars().next()
}

fn screen_rows(parser: &vt100::Parser) -> Vec<String> {
    let screen = parser.screen();
    let (_, cols) = screen.size();
    screen
        .rows(0, cols.get())
        .map(|r| r.trim_end().to_string())
        .collect()
}

/// The last non-empty row: blatt's status line.
pub fn status_line(screen: &[String]) -> &str {
    screen
        .iter()
        .rev()
        .find(|l| !l.is_empty())
        .map_or("", String::as_str)
}

pub use crate::common::show;
