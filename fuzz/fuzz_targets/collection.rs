//! `collection.toml`: see `corpack::fuzzing::collection`.

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::collection(bytes));
