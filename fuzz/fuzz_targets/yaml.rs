//! YAML with spans, pointer-to-span lookups, and the checks of a dataset sheet.
#![no_main]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::run("datasets/x.yaml", data, aims_lint::parse::Format::Yaml, "dataset-sheet");
});
