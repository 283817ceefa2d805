//! `--changed-since REF` end to end on real git repositories: only findings of files changed
//! since the merge base (committed, uncommitted or new), changes to the gate reported whatever
//! the configuration says, and clear errors for unknown refs and shallow clones.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

mod common;

use std::process::Command;

use serde_json::Value;

use common::{Repo, check_json, stderr};

/// A card with findings (no licence, no sections).
const CARD: &str = "---\npipeline_tag: fill-mask\n---\n# Card\n";

const RULE: &str = "id: vendor-missing-contract\ncontrol: A.10.3\ntitle: Vendor without contract\nseverity: warning\napplies-to: [vendor-record]\nmessage: vendor record names no contract\nhelp: add `contract`\ndocs: |\n  ## What it checks\n  x\nschema:\n  required: [contract]\n";

const CONFIG: &str =
    "[documents]\nvendor-record = [\"vendors/*.yaml\"]\n\n[rules]\npaths = [\"org-rules\"]\n";

fn paths_of(report: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.dedup();
    out
}

fn git_out(repo: &Repo, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(repo.path())
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The error without white space and miette's margin: it wraps lines at any width.
fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '│')
        .collect()
}

fn base_repo() -> Repo {
    let repo = Repo::new();
    repo.write("model-cards/old.md", CARD)
        .write("model-cards/edited.md", CARD)
        .write("model-cards/dirty.md", CARD)
        .write("aims-lint.toml", CONFIG)
        .write("org-rules/vendor-missing-contract.yaml", RULE)
        .write("vendors/acme.yaml", "name: ACME\n");
    repo.commit();
    repo
}

#[test]
fn only_files_changed_since_the_merge_base_are_reported() {
    let repo = base_repo();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "model-cards/edited.md",
        CARD.replace("# Card", "# Edited card"),
    );
    repo.commit();
    // main moves on after the branch point: its changes are not the branch's.
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        "model-cards/old.md",
        CARD.replace("# Card", "# Old card, v2"),
    );
    repo.commit();
    repo.git(&["checkout", "-q", "feature"]);
    // Uncommitted and untracked changes count too.
    repo.write("model-cards/dirty.md", CARD.replace("# Card", "# Dirty"))
        .write("model-cards/new.md", CARD);

    let (all, _) = check_json(&repo, &[]);
    let (report, code) = check_json(&repo, &["--changed-since", "main"]);
    assert_eq!(code, Some(1));
    let files: std::collections::BTreeSet<String> =
        paths_of(&report).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        [
            "model-cards/dirty.md",
            "model-cards/edited.md",
            "model-cards/new.md"
        ]
    );
    let since = &report["summary"]["changed_since"];
    assert_eq!(since["reference"], "main");
    assert_eq!(
        since["merge_base"],
        git_out(&repo, &["merge-base", "HEAD", "main"])
    );
    let shown = report["findings"].as_array().unwrap().len();
    assert_eq!(
        since["unchanged"].as_u64().unwrap() as usize,
        all["findings"].as_array().unwrap().len() - shown
    );
    assert_eq!(all["summary"]["changed_since"], Value::Null);

    // Nothing changed: nothing reported, and the run passes.
    repo.git(&["checkout", "-q", "--", "."]);
    std::fs::remove_file(repo.path().join("model-cards/new.md")).unwrap();
    let (clean, code) = check_json(&repo, &["--changed-since", "HEAD"]);
    assert_eq!(clean["findings"], serde_json::json!([]));
    assert_eq!(code, Some(0));
}

#[test]
fn changes_to_the_gate_are_reported_and_cannot_be_ignored() {
    let repo = base_repo();
    repo.write(
        "model-cards/waived.md",
        "---\n# aims-lint: disable-file model-card-missing-license reason=\"licence is LICENSE at the root\"\npipeline_tag: fill-mask\n---\n# Card\n",
    );
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // The configuration now ignores the gate's own checks and the custom rule.
    repo.write(
        "aims-lint.toml",
        format!("{CONFIG}ignore = [\"config-changed\", \"suppression-changed\", \"custom-rule-changed\", \"vendor-missing-contract\"]\n"),
    )
    .write(
        "org-rules/vendor-missing-contract.yaml",
        RULE.replace("severity: warning", "severity: info"),
    )
    .write(
        "model-cards/old.md",
        CARD.replace(
            "pipeline_tag",
            "# aims-lint: disable-file model-card-missing-license reason=\"internal model\"\npipeline_tag",
        ),
    );
    repo.commit();

    let (report, _) = check_json(&repo, &["--changed-since", "main"]);
    let gate: Vec<(String, u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().ends_with("-changed"))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["span"]["start"]["line"].as_u64().unwrap(),
                f["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let base = git_out(&repo, &["rev-parse", "--short=7", "main"]);
    assert_eq!(
        gate,
        vec![
            (
                "config-changed".to_string(),
                6,
                format!("changed since main (merge base {base}) from line 6")
            ),
            (
                "suppression-changed".to_string(),
                2,
                format!(
                    "not at main (merge base {base}): waives model-card-missing-license because “internal model”"
                )
            ),
            (
                "custom-rule-changed".to_string(),
                4,
                format!("changed since main (merge base {base}) from line 4")
            ),
        ]
    );
    let gate_severities = |report: &Value| -> Vec<String> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"].as_str().unwrap().ends_with("-changed"))
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect()
    };
    // Weakening the gate fails it, unless the workflow allows it.
    assert_eq!(gate_severities(&report), ["error"; 3]);
    let (allowed, code) = check_json(
        &repo,
        &[
            "--changed-since",
            "main",
            "--allow-gate-changes",
            "--fail-on",
            "error",
        ],
    );
    assert_eq!(gate_severities(&allowed), ["warning"; 3]);
    assert_eq!(
        code,
        Some(1),
        "the card's own finding still fails: {allowed:#}"
    );
    // The suppression that was already on main is not reported: it did not change.
    assert!(
        !paths_of(&report)
            .iter()
            .any(|(p, _)| p == "model-cards/waived.md")
    );
}

#[test]
fn unknown_refs_and_shallow_clones_are_errors_that_say_what_to_do() {
    // Outside git, and in a repository without a commit.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ai-policy.md"), CARD).unwrap();
    let out = common::run_in(dir.path(), &["check", "--changed-since", "main"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        squeeze(&stderr(&out)).contains("--changed-sinceneedsagitrepository"),
        "{}",
        stderr(&out)
    );
    let empty = Repo::new();
    empty.write("model-cards/a.md", CARD);
    let out = empty.run(&["check", "--changed-since", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        squeeze(&stderr(&out)).contains("HEADhasnocommit"),
        "{}",
        stderr(&out)
    );

    let repo = base_repo();
    let out = repo.run(&["check", "--changed-since", "origin/nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = squeeze(&stderr(&out));
    assert!(err.contains("`origin/nope`isnotacommithere"), "{err}");
    assert!(err.contains("fetch-depth:0"), "{err}");

    // A branch and main that diverged, cloned one commit deep each: no merge base.
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("model-cards/edited.md", CARD.replace("# Card", "# Feature"));
    repo.commit();
    repo.git(&["checkout", "-q", "main"]);
    repo.write("model-cards/old.md", CARD.replace("# Card", "# Main"));
    repo.commit();
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    for args in [
        vec![
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, ".",
        ],
        vec![
            "fetch",
            "-q",
            "--depth",
            "1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    ] {
        let status = Command::new("git")
            .args(&args)
            .current_dir(clone.path())
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }
    let out = common::run_in(
        clone.path(),
        &["check", "--changed-since", "origin/main"],
        &[],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = squeeze(&stderr(&out));
    assert!(err.contains("nocommoncommitinthisshallowclone"), "{err}");
    assert!(err.contains("fetch-depth:0"), "{err}");
}
