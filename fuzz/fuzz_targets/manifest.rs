//! Manifest and `fetch.txt` lines: see `corpack::fuzzing::manifest_lines`.

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::manifest_lines(bytes));
