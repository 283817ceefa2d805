//! The example governance repository: the output the README shows, and the JSON report
//! against its published schema.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

mod common;

use common::Repo;

/// The principle that the second commit of [`repository`] rewrote, after the approval.
const EARLIER_PRINCIPLE: &str = "- A person confirms the AI system's suggestion for each customer.";
const PRINCIPLE: &str = "- A person makes or confirms every decision about a customer's case.";

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `examples/` in a git repository of its own, with a history fixed in authors, dates and
/// contents: Grace Hopper commits the documents on the day she approved the AI policy, with
/// an earlier wording of one principle; Ada Lovelace rewrites the principle in March, and
/// nobody approves the change. The history rules report it, the same on every machine (the
/// repository's own history of `examples/` is ours, not ACME's).
fn repository() -> &'static Path {
    static REPO: OnceLock<Repo> = OnceLock::new();
    REPO.get_or_init(|| {
        let repo = Repo::new();
        let examples = repo.path().join("examples");
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
            &examples,
        );
        let policy = examples.join("policies/ai-policy.md");
        let text = std::fs::read_to_string(&policy).unwrap();
        assert!(text.contains(PRINCIPLE));
        std::fs::write(&policy, text.replace(PRINCIPLE, EARLIER_PRINCIPLE)).unwrap();
        repo.commit_as(
            "Grace Hopper",
            "grace.hopper@acme.example",
            "2026-01-15T16:00:00Z",
            "Add the AIMS evidence, with the AI policy as approved",
        );
        std::fs::write(&policy, text).unwrap();
        repo.commit_as(
            "Ada Lovelace",
            "ada.lovelace@acme.example",
            "2026-03-10T09:30:00Z",
            "Say that a person decides, not only confirms",
        );
        repo
    })
    .path()
}

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
        .current_dir(repository())
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
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = aims_lint::rules::compile(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["summary"]["documents_total"], 9);
    // The waived finding is checked against the schema too.
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(
        report["suppressed"][0]["rule"],
        "dataset-sheet-missing-quality-criteria"
    );
}
