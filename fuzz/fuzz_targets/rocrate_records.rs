//! The records of `ro-crate-metadata.json`: see
//! `corpack::fuzzing::rocrate_records`.

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::rocrate_records(bytes));
