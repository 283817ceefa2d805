//! Front matter splitting, YAML front matter with spans, Markdown sections and placeholders:
//! a model card and an AI policy.
#![no_main]
mod common;
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::run("model-cards/x.md", data, aims_lint::parse::Format::Markdown, "model-card");
    common::run("policies/ai-policy.md", data, aims_lint::parse::Format::Markdown, "ai-policy");
});
