//! INDEX.md parsing: arbitrary bytes, read as lossy UTF-8, through `parse_index`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| blatt_fuzz::check_index(data));
