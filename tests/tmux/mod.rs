//! Drives the real `blatt` binary inside tmux and reads the screen back, for the end-to-end
//! tests. Every `Tmux` is its own tmux server on a socket in its own temp dir, with its own
//! config dir for blatt, so tests run in parallel and never touch the user's tmux or config;
//! dropping it kills the server, so a failed assertion still cleans up.
//!
//! Nothing here sleeps a fixed time to let blatt catch up: every step waits for the screen
//! (or a file) to show the expected result, up to `TIMEOUT`, and a timeout fails with the
//! screen as it was.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How long to wait for the screen to show something. Generous: debug build, slow CI.
pub const TIMEOUT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(40);

/// A private tmux server and a private blatt config dir.
pub struct Tmux {
    dir: tempfile::TempDir,
    socket: PathBuf,
    config: PathBuf,
    /// Where each blatt started here wrote its pid; a file is removed once that blatt has
    /// been seen to exit, so `Drop` kills only ones still running.
    pid_files: RefCell<Vec<PathBuf>>,
}

impl Tmux {
    /// Fails the test with a clear message when tmux is missing: a skipped end-to-end test
    /// would look like a passing one.
    pub fn new() -> Tmux {
        match Command::new("tmux").arg("-V").output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => panic!(
                "`tmux -V` failed ({}): the end-to-end tests need a working tmux",
                out.status
            ),
            Err(e) => panic!(
                "tmux is not installed ({e}): the end-to-end tests run blatt inside tmux; \
                 install it (e.g. `apt-get install tmux`); .ci/run does this on CI"
            ),
        }
        let dir = tempfile::Builder::new()
            .prefix("blatt-e2e")
            .tempdir()
            .expect("create a temp dir");
        let socket = dir.path().join("sock");
        let config = dir.path().join("config");
        std::fs::create_dir(&config).expect("create the config dir");
        Tmux {
            dir,
            socket,
            config,
            pid_files: RefCell::new(Vec::new()),
        }
    }

    /// blatt's config dir (`BLATT_CONFIG_DIR`) for every run in this server.
    pub fn config_dir(&self) -> &Path {
        &self.config
    }

    /// Runs a tmux command on this server; panics if it fails.
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = self.tmux_output(args);
        assert!(
            out.status.success(),
            "tmux {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn tmux_output(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            // No user config: the tests must see tmux's defaults.
            .arg("-f")
            .arg("/dev/null")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("run tmux")
    }

    /// Starts blatt with `args` in a new detached session of `width`×`height`, inside a
    /// wrapper that records what the terminal looks like after blatt ends: blatt's pid in
    /// `blatt.pid`, `stty -a` in `stty.txt`, then `BLATT-EXITED EXIT=<status>` on screen.
    /// The wrapper does nothing to the terminal itself, so any restoring is blatt's.
    pub fn run_blatt(&self, session: &str, width: u16, height: u16, args: &[&str]) -> Pane<'_> {
        let run_dir = self.run_dir(session);
        let command = format!(
            "BLATT_CONFIG_DIR={} BLATT_CACHE_DIR={} {}",
            quote(&self.config),
            quote(&self.config.join("cache")),
            blatt_command(&run_dir, args)
        );
        let script = format!(
            "{command}\nstatus=$?\nstty -a > {stty} 2>&1\necho \"BLATT-EXITED EXIT=$status\"\nexec sleep 600\n",
            stty = quote(&run_dir.join("stty.txt")),
        );
        let script_path = run_dir.join("run.sh");
        std::fs::write(&script_path, script).expect("write the wrapper script");
        self.new_session(
            session,
            width,
            height,
            &format!("sh {}", quote(&script_path)),
        );
        Pane {
            tmux: self,
            target: format!("{session}:0.0"),
            run_dir,
        }
    }

    /// An interactive bash (job control on) in a new session, for Ctrl-Z and `fg`; type
    /// `Pane::blatt_command` into it.
    pub fn run_shell(&self, session: &str, width: u16, height: u16) -> Pane<'_> {
        let run_dir = self.run_dir(session);
        self.new_session(
            session,
            width,
            height,
            &format!(
                "env PS1='PROMPT$ ' BLATT_CONFIG_DIR={} BLATT_CACHE_DIR={} bash --norc --noprofile -i",
                quote(&self.config),
                quote(&self.config.join("cache"))
            ),
        );
        Pane {
            tmux: self,
            target: format!("{session}:0.0"),
            run_dir,
        }
    }

    fn run_dir(&self, session: &str) -> PathBuf {
        let run_dir = self.dir.path().join(session);
        std::fs::create_dir(&run_dir).expect("create the run dir");
        self.pid_files.borrow_mut().push(run_dir.join("blatt.pid"));
        run_dir
    }

    fn new_session(&self, session: &str, width: u16, height: u16, command: &str) {
        let (w, h) = (width.to_string(), height.to_string());
        self.tmux(&[
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            &w,
            "-y",
            &h,
            command,
        ]);
        // Keep the pane after its program ends, so a crash leaves its last words on screen.
        self.tmux(&["set-option", "-t", session, "remain-on-exit", "on"]);
    }
}

impl Drop for Tmux {
    /// Kills any blatt still running first: killing the server hangs up its terminal, and
    /// a blatt that outlives its terminal would otherwise spin (see the hang-up test).
    fn drop(&mut self) {
        for pid_file in self.pid_files.borrow().iter() {
            if let Some(pid) = read_pid(pid_file).filter(|&pid| is_blatt(pid)) {
                let _ = Command::new("sh")
                    .arg("-c")
                    .arg(format!("kill -KILL {pid}"))
                    .status();
            }
        }
        let _ = self.tmux_output(&["kill-server"]);
    }
}

/// The shell command that runs blatt and records its pid (`exec` keeps the pid).
fn blatt_command(run_dir: &Path, args: &[&str]) -> String {
    let mut command = format!(
        "sh -c 'echo $$ > \"$0\"; exec \"$@\"' {} {}",
        quote(&run_dir.join("blatt.pid")),
        quote(Path::new(env!("CARGO_BIN_EXE_blatt"))),
    );
    for arg in args {
        command.push(' ');
        command.push_str(&quote(Path::new(arg)));
    }
    command
}

fn read_pid(path: &Path) -> Option<u32> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// Whether `pid` is a live (not zombie) blatt; where there is no /proc, whether it exists.
pub fn is_blatt(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.is_dir() {
        let stat = std::fs::read_to_string(proc.join(pid.to_string()).join("stat"));
        // "pid (comm) state ...": comm is the executable's name.
        return stat.is_ok_and(|s| {
            s.contains("(blatt)")
                && !s
                    .rsplit(')')
                    .next()
                    .is_some_and(|rest| rest.trim_start().starts_with(['Z', 'X']))
        });
    }
    Command::new("sh")
        .arg("-c")
        .arg(format!("kill -0 {pid} 2>/dev/null"))
        .status()
        .is_ok_and(|s| s.success())
}

/// Single-quotes a path for sh.
pub fn quote(path: &Path) -> String {
    format!("'{}'", path.to_string_lossy().replace('\'', r"'\''"))
}

/// One pane: the program in it, keys to send, the screen to read.
pub struct Pane<'a> {
    tmux: &'a Tmux,
    target: String,
    run_dir: PathBuf,
}

impl Pane<'_> {
    /// The screen, one string per row, trailing spaces trimmed.
    pub fn screen(&self) -> Vec<String> {
        let text = self.tmux.tmux(&["capture-pane", "-p", "-t", &self.target]);
        text.lines().map(|l| l.trim_end().to_string()).collect()
    }

    /// Row `n` of the screen (empty if the screen is shorter).
    pub fn row(&self, n: usize) -> String {
        self.screen().get(n).cloned().unwrap_or_default()
    }

    /// A tmux format for this pane: `#{alternate_on}`, `#{cursor_flag}`, `#{window_width}`…
    pub fn format(&self, format: &str) -> String {
        self.tmux
            .tmux(&["display-message", "-p", "-t", &self.target, format])
            .trim()
            .to_string()
    }

    /// Sends one key by tmux name (`Enter`, `Escape`, `C-z`, `q`, `]`).
    pub fn key(&self, key: &str) {
        self.tmux.tmux(&["send-keys", "-t", &self.target, key]);
    }

    /// Types text literally (no key names).
    pub fn type_text(&self, text: &str) {
        self.tmux
            .tmux(&["send-keys", "-t", &self.target, "-l", text]);
    }

    pub fn resize(&self, width: u16, height: u16) {
        let (w, h) = (width.to_string(), height.to_string());
        self.tmux
            .tmux(&["resize-window", "-t", &self.target, "-x", &w, "-y", &h]);
    }

    /// Waits until `check` holds for the screen; panics with the screen after `TIMEOUT`.
    pub fn wait_until(&self, what: &str, check: impl Fn(&[String]) -> bool) -> Vec<String> {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out after {TIMEOUT:?} waiting for {what}; the screen was:\n{}",
                    show(&screen)
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Waits until the screen satisfies `check` and then stays the same for `quiet`: for
    /// judging what blatt settles on, where waiting for the expected text would only time
    /// out when blatt is wrong.
    pub fn wait_settled(
        &self,
        what: &str,
        quiet: Duration,
        check: impl Fn(&[String]) -> bool,
    ) -> Vec<String> {
        let mut screen = self.wait_until(what, &check);
        let mut since = Instant::now();
        while since.elapsed() < quiet {
            std::thread::sleep(POLL);
            let now = self.screen();
            if now != screen {
                screen = now;
                since = Instant::now();
            }
        }
        screen
    }

    /// Waits until `text` is somewhere on the screen.
    pub fn wait_for(&self, text: &str) -> Vec<String> {
        self.wait_until(&format!("{text:?} on screen"), |s| {
            s.iter().any(|l| l.contains(text))
        })
    }

    /// Waits until the last non-empty row (blatt's status line) contains `text`.
    pub fn wait_for_status(&self, text: &str) -> Vec<String> {
        self.wait_until(&format!("{text:?} in the status line"), |s| {
            s.iter()
                .rev()
                .find(|l| !l.is_empty())
                .is_some_and(|l| l.contains(text))
        })
    }

    /// Waits until a tmux format of this pane has the value `want`.
    pub fn wait_for_format(&self, format: &str, want: &str) {
        let start = Instant::now();
        loop {
            let got = self.format(format);
            if got == want {
                return;
            }
            if start.elapsed() > TIMEOUT {
                panic!(
                    "timed out waiting for {format} to be {want:?} (it is {got:?}); screen:\n{}",
                    show(&self.screen())
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// For a shell pane: the command to type that starts blatt with `args` and records its
    /// pid like `Tmux::run_blatt` does.
    pub fn blatt_command(&self, args: &[&str]) -> String {
        blatt_command(&self.run_dir, args)
    }

    /// blatt's pid, as recorded by the command that started it.
    pub fn blatt_pid(&self) -> u32 {
        let path = self.run_dir.join("blatt.pid");
        let start = Instant::now();
        loop {
            if let Some(pid) = read_pid(&path) {
                return pid;
            }
            assert!(start.elapsed() < TIMEOUT, "no pid in {}", path.display());
            std::thread::sleep(POLL);
        }
    }

    /// blatt has been seen to end: its pid is no longer blatt's to kill.
    pub fn forget_pid(&self) {
        let _ = std::fs::remove_file(self.run_dir.join("blatt.pid"));
    }

    /// Waits until blatt's process has ended; false if it is still running after `within`.
    pub fn wait_for_process_end(&self, within: Duration) -> bool {
        let pid = self.blatt_pid();
        let start = Instant::now();
        while is_blatt(pid) {
            if start.elapsed() > within {
                return false;
            }
            std::thread::sleep(POLL);
        }
        self.forget_pid();
        true
    }

    /// Waits for the wrapper's `BLATT-EXITED` line and returns blatt's exit status.
    pub fn wait_for_exit(&self) -> i32 {
        let screen = self.wait_for("BLATT-EXITED EXIT=");
        self.forget_pid();
        let line = screen
            .iter()
            .find(|l| l.contains("BLATT-EXITED EXIT="))
            .cloned()
            .unwrap_or_default();
        let status = line
            .split("EXIT=")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|s| s.parse().ok());
        status.unwrap_or_else(|| panic!("no exit status in {line:?}"))
    }

    /// After `wait_for_exit`: the terminal must be as blatt found it. Raw mode off (the
    /// `stty -a` the wrapper ran afterwards), the normal screen back with the wrapper's
    /// output on it, and the cursor visible.
    pub fn assert_terminal_restored(&self) {
        let stty_path = self.run_dir.join("stty.txt");
        let stty = std::fs::read_to_string(&stty_path)
            .unwrap_or_else(|e| panic!("read {}: {e}", stty_path.display()));
        let flags: Vec<&str> = stty
            .split(|c: char| c.is_whitespace() || c == ';')
            .collect();
        for flag in ["icanon", "echo", "isig", "icrnl", "opost"] {
            assert!(
                flags.contains(&flag),
                "after blatt ended the terminal still has `-{flag}` (raw mode left on):\n{stty}"
            );
        }
        assert_eq!(
            self.format("#{alternate_on}"),
            "0",
            "after blatt ended the pane is still on the alternate screen:\n{}",
            show(&self.screen())
        );
        assert_eq!(
            self.format("#{cursor_flag}"),
            "1",
            "after blatt ended the cursor is still hidden"
        );
        let screen = self.screen();
        assert!(
            screen.iter().any(|l| l.contains("BLATT-EXITED")),
            "the wrapper's output is not visible after blatt ended:\n{}",
            show(&screen)
        );
    }
}

pub use crate::common::show;
