//! A bag for `import bag`: see `corpack::fuzzing::bag_import`.

#![no_main]

use corpack::fuzzing::scratch_dir;

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    // Removed once the input is done with.
    let scratch = scratch_dir();
    corpack::fuzzing::bag_import(bytes, scratch.path());
});
