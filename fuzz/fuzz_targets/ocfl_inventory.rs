//! An OCFL `inventory.json`: see `corpack::fuzzing::ocfl_inventory`.

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::ocfl_inventory(bytes));
