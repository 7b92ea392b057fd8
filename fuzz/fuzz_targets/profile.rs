//! A BagIt profile's JSON, checked against a small bag: see
//! `corpack::fuzzing::profile`.

#![no_main]

use corpack::fuzzing::scratch_dir;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::profile(bytes, scratch_dir()));
