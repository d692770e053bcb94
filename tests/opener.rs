//! The opener hands a web address to `$BROWSER` as exactly one argument, never through a
//! shell, and refuses what is not a web or mail address. A fake browser (a shell script
//! that records its arguments) stands in for a real one.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::{Duration, Instant};

use blatt::runtime::opener;

/// A script that writes its argument count and each argument on a line of `out`.
fn fake_browser(dir: &Path, out: &Path) -> std::path::PathBuf {
    let script = dir.join("browser.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n{{ echo \"$#\"; for a in \"$@\"; do printf '%s\\n' \"$a\"; done; }} > {out}.tmp\nmv {out}.tmp {out}\n",
            out = out.display()
        ),
    )
    .expect("write the script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    script
}

/// Waits for the script's record (a hang guard, not a timing).
fn record(out: &Path) -> Vec<String> {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(60) {
        if let Ok(text) = std::fs::read_to_string(out) {
            return text.lines().map(str::to_string).collect();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the fake browser never ran");
}

#[test]
fn the_address_is_one_argument_of_the_browser() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("argv.txt");
    let script = fake_browser(dir.path(), &out);
    let url = "https://example.org/a b;$(touch pwned)`x`&c=|d";
    opener::open(url, Some(script.clone().into())).expect("opened");
    assert_eq!(record(&out), ["1", url]);
    assert!(
        !dir.path().join("pwned").exists() && !Path::new("pwned").exists(),
        "nothing went through a shell"
    );
}

#[test]
fn what_is_not_a_web_address_is_never_started() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("argv.txt");
    let script = fake_browser(dir.path(), &out);
    for url in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<script>x</script>",
        "https://example.org/\u{1b}]0;title\u{7}",
    ] {
        assert!(
            opener::open(url, Some(script.clone().into())).is_err(),
            "{url}"
        );
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(!out.exists(), "the browser was started");
}

#[test]
fn a_missing_browser_is_an_error_not_a_crash() {
    let err = opener::open(
        "https://example.org",
        Some("/nonexistent/browser-of-nobody".into()),
    )
    .expect_err("cannot start");
    assert!(err.contains("cannot start"), "{err}");
}
