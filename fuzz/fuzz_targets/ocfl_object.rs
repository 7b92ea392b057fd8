//! An OCFL object made of an inventory: see `corpack::fuzzing::ocfl_object`.

#![no_main]

use corpack::fuzzing::scratch_dir;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    // Removed once the input is done with.
    let scratch = scratch_dir();
    corpack::fuzzing::ocfl_object(bytes, scratch.path());
});
