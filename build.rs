//! Links the `blatt` binary as a position-dependent executable on Linux, and writes the
//! shipped configuration (`config/blatt.toml`) as JSON for the binary to read at start.
//!
//! A position-independent executable (the default) is moved at every start, and the dynamic
//! loader then writes some 50,000 addresses into its tables of pointers (`.data.rel.ro`,
//! about 900 KB): hundreds of page faults, a good part of the time blatt takes from exec to
//! its first frame, which is measured against `less` (scripts/compare.sh). Linked at a fixed
//! address, those tables are ready in the file. The libraries it uses stay as they are.
//!
//! The defaults are parsed at every start; TOML took 0.19 ms of it (cold), the same values
//! as JSON take a quarter of that. `config.rs` checks in a test that both give the same
//! configuration.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=config/blatt.toml");
    let toml_text = std::fs::read_to_string("config/blatt.toml").expect("config/blatt.toml");
    let value: toml::Value = toml::from_str(&toml_text).expect("config/blatt.toml is TOML");
    let json = serde_json::to_string(&value).expect("the defaults as JSON");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out.join("default_config.json"), json).expect("write the JSON defaults");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
