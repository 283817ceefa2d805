//! JSON with spans, pointer-to-span lookups, and the checks of a risk register.
#![no_main]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::run("risk/x.json", data, aims_lint::parse::Format::Json, "risk-register");
});
