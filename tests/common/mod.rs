//! Helpers shared by the integration tests: running the `blatt` binary with a time limit and
//! a private config directory, checking output for terminal controls, and the hostile
//! fixture library (see [`hostile`]).
#![allow(dead_code)]

pub mod hostile;

use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How much processor time one run of the binary may use before it counts as a hang (or as
/// too slow). Generous, because the tests run a debug build. Processor time rather than
/// wall time, so that a busy machine running several tests at once does not fail them.
pub const TIME_LIMIT: Duration = Duration::from_secs(10);

/// Wall time after which a run is killed whatever its processor time: a process blocked on
/// a FIFO or a lock uses none.
pub const WALL_LIMIT: Duration = Duration::from_secs(30);

/// How long a test waits for something that must happen (an exit, a screen, a saved file)
/// before it counts as never happening. Only a hang reaches it: tests assert that things
/// happen, and how fast they happen is measured by `cargo bench --bench lifecycle`.
pub const HANG_GUARD: Duration = Duration::from_secs(60);

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// `None` when a signal ended the process.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub elapsed: Duration,
    /// It ran over [`TIME_LIMIT`] or [`WALL_LIMIT`] and was killed.
    pub timed_out: bool,
    /// The command line, for failure messages.
    pub args: String,
}

impl Run {
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn err(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    /// Panics unless the run exited with `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Self {
        assert!(
            self.code == Some(code) && !self.timed_out,
            "blatt {}: expected exit {code}, got {}\nstderr: {}",
            self.args,
            self.outcome(),
            self.err()
        );
        self
    }

    /// How the run ended, in words.
    pub fn outcome(&self) -> String {
        match self.code {
            _ if self.timed_out => format!(
                "no exit: killed after {:?} wall time (over {TIME_LIMIT:?} of processor time \
                 or {WALL_LIMIT:?} of wall time: a hang?)",
                self.elapsed
            ),
            Some(101) => "exit 101 (a panic)".into(),
            Some(code) => format!("exit {code}"),
            None => "death by a signal".into(),
        }
    }
}

/// Runs `blatt ARGS` with `BLATT_CONFIG_DIR` set to `config_dir`, stdin from /dev/null, and
/// [`TIME_LIMIT`] and [`WALL_LIMIT`]: a run that takes longer is killed and comes back
/// `timed_out`.
pub fn blatt<I, S>(config_dir: &Path, args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let args: Vec<_> = args.into_iter().map(|a| a.as_ref().to_owned()).collect();
    let shown = args
        .iter()
        .map(|a| format!("{:?}", a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_blatt"))
        .args(&args)
        .env("BLATT_CONFIG_DIR", config_dir)
        // `blatt search` keeps its index in the cache directory: never the real one.
        .env("BLATT_CACHE_DIR", config_dir.join("cache"))
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn blatt");
    // Drain both pipes while waiting, so a large output cannot block the child.
    let mut stdout = child.stdout.take().expect("stdout pipe");
    let mut stderr = child.stderr.take().expect("stderr pipe");
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stderr.read_to_end(&mut bytes);
        bytes
    });
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for blatt") {
            break status;
        }
        let cpu = cpu_time(child.id()).unwrap_or_else(|| started.elapsed());
        if cpu > TIME_LIMIT || started.elapsed() > WALL_LIMIT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait for killed blatt");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = started.elapsed();
    Run {
        code: status.code(),
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
        elapsed,
        timed_out,
        args: shown,
    }
}

/// Processor time (user and system) used so far by the running process `pid`, from
/// `/proc/PID/stat` (Linux; `None` elsewhere). The kernel reports it in USER_HZ ticks, 100
/// a second on every Linux architecture.
pub fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name (field 2) may hold spaces; the fields after it are plain numbers.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the name: state is field 3, utime field 14, stime field 15.
    let ticks = |field: usize| fields.get(field - 3)?.parse::<u64>().ok();
    Some(Duration::from_millis((ticks(14)? + ticks(15)?) * 10))
}

/// A character that must never reach a terminal from blatt: C0 controls other than those in
/// `allowed`, DEL, C1 controls, and bidi embeddings, overrides, isolates and marks.
pub fn is_terminal_control(c: char, allowed: &[char]) -> bool {
    if allowed.contains(&c) {
        return false;
    }
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// Why `bytes` (what blatt wrote) may not reach a terminal, if it may not: it is not UTF-8,
/// or it holds characters that [`is_terminal_control`] forbids (the first few are named,
/// with their positions).
pub fn controls_in(bytes: &[u8], allowed: &[char]) -> Option<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return Some(format!("output is not UTF-8: {e}")),
    };
    let found: Vec<String> = text
        .char_indices()
        .filter(|&(_, c)| is_terminal_control(c, allowed))
        .take(5)
        .map(|(at, c)| {
            let context: String = text[at..].chars().take(20).collect();
            format!("{c:?} at byte {at}, before {context:?}")
        })
        .collect();
    (!found.is_empty()).then(|| {
        format!(
            "terminal control characters in the output:\n  {}",
            found.join("\n  ")
        )
    })
}

/// Panics if [`controls_in`] finds anything.
#[track_caller]
pub fn assert_no_controls(what: &str, bytes: &[u8], allowed: &[char]) {
    if let Some(problem) = controls_in(bytes, allowed) {
        panic!("{what}: {problem}");
    }
}

/// A screen for a failure message, framed so that blank rows are visible.
pub fn show(screen: &[String]) -> String {
    screen
        .iter()
        .enumerate()
        .map(|(i, l)| format!("{i:>3}|{l}\n"))
        .collect()
}

/// A file of the shared corpus (`../shared/corpus` beside the checkout, as CI lays it out),
/// copied into a temporary folder of its own; `None`, with a note, where there is no corpus
/// (a fresh clone has none: the tests that need real books then skip cleanly).
pub fn corpus_copy(relative: &str) -> Option<(tempfile::TempDir, std::path::PathBuf)> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(relative);
    if !source.is_file() {
        eprintln!("skipped: {} is not there", source.display());
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let name = source.file_name().expect("file name");
    let copy = dir.path().join(name);
    std::fs::copy(&source, &copy).expect("copy the corpus file");
    Some((dir, copy))
}
