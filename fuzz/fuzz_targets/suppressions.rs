//! The suppression scanner on YAML and on Markdown, with and without front matter.
#![no_main]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    for (name, format) in [
        ("x.yaml", aims_lint::parse::Format::Yaml),
        ("x.md", aims_lint::parse::Format::Markdown),
    ] {
        if let Some(source) = common::source(name, data) {
            for s in aims_lint::suppress::scan(&source, format) {
                common::assert_span(&source, s.span);
            }
        }
    }
});
