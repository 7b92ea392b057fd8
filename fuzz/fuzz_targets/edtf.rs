//! EDTF dates: see `corpack::fuzzing::edtf`.

#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| corpack::fuzzing::edtf(bytes));
