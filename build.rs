//! Links the `blatt` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable (the default) is moved at every start, and the dynamic
//! loader then writes some 50,000 addresses into its tables of pointers (`.data.rel.ro`,
//! about 900 KB): hundreds of page faults, a good part of the time blatt takes from exec to
//! its first frame, which is measured against `less` (scripts/compare.sh). Linked at a fixed
//! address, those tables are ready in the file. The libraries it uses stay as they are.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
