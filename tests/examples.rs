//! The example governance repository: the output the README shows, and the JSON report
//! against its published schema.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::process::Command;

mod common;

fn run(format: &str) -> (Option<i32>, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_aims-lint"))
        .args([
            "check",
            "examples",
            "--no-blame",
            "--now",
            "2026-12-01",
            "--format",
            format,
        ])
        .current_dir(common::examples_repository())
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    (o.status.code(), String::from_utf8(o.stdout).unwrap())
}

/// Commit ids depend on every byte of `examples/`: the snapshots name them `[commit]`.
fn without_commit_ids(text: &str) -> String {
    let ids = regex::Regex::new(r"\b(in|recorded in) [0-9a-f]{7}\b").unwrap();
    ids.replace_all(text, "$1 [commit]").into_owned()
}

#[test]
fn examples_have_the_deliberate_findings() {
    let (code, out) = run("concise");
    assert_eq!(code, Some(1));
    insta::assert_snapshot!("examples_concise", without_commit_ids(&out));
    let (_, out) = run("human");
    insta::assert_snapshot!("examples_human", without_commit_ids(&out));
}

#[test]
fn the_json_report_follows_its_schema() {
    let (_, out) = run("json");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let errors = common::schema_errors(&report, "report.schema.json");
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["summary"]["documents_total"], 10);
    // The waived finding is checked against the schema too.
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(
        report["suppressed"][0]["rule"],
        "dataset-sheet-missing-quality-criteria"
    );
}
