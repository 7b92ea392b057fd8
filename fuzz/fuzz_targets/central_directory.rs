//! Any bytes as a zip's central directory, read back as pack reads its
//! bundle: see `corpack::fuzzing::central_directory`.

#![no_main]

use corpack::fuzzing::scratch_dir;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    // Removed once the input is done with.
    let scratch = scratch_dir();
    corpack::fuzzing::central_directory(bytes, &scratch.path().join("archive.zip"));
});
