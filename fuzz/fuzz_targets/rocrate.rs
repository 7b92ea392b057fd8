//! `ro-crate-metadata.json`: see `corpack::fuzzing::rocrate`.

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::rocrate(bytes));
