//! Tag files and `bagit.txt`: see `corpack::fuzzing::tag_file`.

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::tag_file(bytes));
