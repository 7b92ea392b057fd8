//! A BagIt profile's JSON, checked against a small bag: see
//! `corpack::fuzzing::profile`.

#![no_main]

use corpack::fuzzing::scratch_dir;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    // Removed once the input is done with.
    let scratch = scratch_dir();
    corpack::fuzzing::profile(bytes, scratch.path());
});
