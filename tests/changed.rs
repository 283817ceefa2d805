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

/// The starter repository committed on `main` by Ada, and a branch `feature` checked out.
fn starter_on_a_branch() -> Repo {
    let repo = Repo::new();
    let out = repo.run(&["init"]);
    assert!(out.status.success(), "{}", stderr(&out));
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

fn follows_the_report_schema(report: &Value) {
    let errors = common::schema_errors(report, "report.schema.json");
    assert!(errors.is_empty(), "{errors:#?}");
}

fn control<'a>(report: &'a Value, id: &str) -> Option<&'a Value> {
    report["summary"]["changed_since"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
}

#[test]
fn the_summary_names_the_controls_a_change_touched_who_changed_them_and_what_needs_reapproval() {
    let repo = starter_on_a_branch();
    let policy = std::fs::read_to_string(repo.path().join("policies/ai-policy.md")).unwrap();
    repo.write(
        "policies/ai-policy.md",
        policy.replace(
            "across all subsidiaries.",
            "across all subsidiaries and partners.",
        ),
    );
    repo.commit_as(
        "Bob Okoro",
        "bob@example.org",
        "2026-04-01T10:00:00Z",
        "widen scope",
    );
    // Not committed yet: the roles file.
    let roles = std::fs::read_to_string(repo.path().join("governance/roles.yaml")).unwrap();
    repo.write("governance/roles.yaml", format!("{roles}\n# reviewed\n"));

    let (report, code) = check_json(&repo, &["--changed-since", "main"]);
    assert_eq!(code, Some(1), "the edit after approval is an error");
    follows_the_report_schema(&report);
    let ids: Vec<&str> = report["summary"]["changed_since"]["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    // The policy is evidence for A.2.x and 7.5.2; the roles file for A.3.2. Nothing else
    // changed, and without --fail-on-regression no control is listed for its counts.
    assert!(
        ids.starts_with(&["A.2.2", "A.2.3", "A.2.4", "A.3.2"]),
        "{ids:?}"
    );
    assert!(!ids.contains(&"A.7.4"), "{ids:?}");
    let a22 = control(&report, "A.2.2").unwrap();
    assert_eq!(
        a22["documents"],
        serde_json::json!([{
            "path": "policies/ai-policy.md",
            "kind": "ai-policy",
            "changed_by": ["Bob Okoro <bob@example.org>"],
            "uncommitted": false,
            "needs_reapproval": true,
        }])
    );
    assert_eq!(a22["errors_at_base"], Value::Null);
    let roles = &control(&report, "A.3.2").unwrap()["documents"];
    let roles_doc = roles
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == "governance/roles.yaml")
        .unwrap();
    assert_eq!(roles_doc["changed_by"], serde_json::json!([]));
    assert_eq!(roles_doc["uncommitted"], true);

    // The step summary says the same, and the human summary in a line.
    let out = repo.run(&[
        "check",
        "--no-blame",
        "--changed-since",
        "main",
        "--format",
        "markdown",
    ]);
    let summary = common::stdout(&out);
    assert!(
        summary.contains("| A.2.2 AI policy | `policies/ai-policy.md` | Bob Okoro &lt;bob@example.org&gt; | `policies/ai-policy.md` | "),
        "{summary}"
    );
    assert!(summary.contains("(not committed)"), "{summary}");
    let out = repo.run(&["check", "--no-blame", "--changed-since", "main"]);
    let human = common::stdout(&out);
    assert!(
        human.contains("the change touches the evidence of A.2.2, A.2.3, A.2.4, A.3.2"),
        "{human}"
    );
    assert!(
        human.contains("needs a new approval: policies/ai-policy.md"),
        "{human}"
    );
}

#[test]
fn fail_on_regression_passes_old_findings_and_fails_a_control_that_got_worse() {
    let repo = Repo::new();
    // Old debt on main: a card without a licence or sections.
    repo.write("model-cards/old.md", CARD)
        .write("model-cards/other.md", CARD);
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "model-cards/old.md",
        CARD.replace("# Card", "# Old card, retitled"),
    );
    repo.commit();

    // The gate as before fails on the old findings of the edited card.
    let (_, code) = check_json(&repo, &["--changed-since", "main"]);
    assert_eq!(code, Some(1));
    let (report, code) = check_json(&repo, &["--changed-since", "main", "--fail-on-regression"]);
    assert_eq!(code, Some(0), "{report:#}");
    let a65 = control(&report, "A.6.2.3").unwrap();
    assert_eq!(a65["errors"], a65["errors_at_base"]);
    assert_eq!(a65["regressed"], false);
    let out = repo.run(&[
        "check",
        "--no-blame",
        "--changed-since",
        "main",
        "--fail-on-regression",
    ]);
    assert!(
        common::stdout(&out).contains("no control has more error findings than at the merge base"),
        "{}",
        common::stdout(&out)
    );

    // A third card with the same gaps makes those controls worse, though no old file changed.
    repo.write("model-cards/new.md", CARD);
    repo.commit();
    let (report, code) = check_json(&repo, &["--changed-since", "main", "--fail-on-regression"]);
    assert_eq!(code, Some(1));
    let worse = control(&report, "A.6.2.3").unwrap();
    assert_eq!(worse["regressed"], true);
    follows_the_report_schema(&report);
    assert_eq!(
        worse["errors"].as_u64().unwrap(),
        worse["errors_at_base"].as_u64().unwrap() + 1
    );
    let out = repo.run(&[
        "check",
        "--no-blame",
        "--changed-since",
        "main",
        "--fail-on-regression",
    ]);
    assert!(
        common::stdout(&out).contains("worse than at the merge base"),
        "{}",
        common::stdout(&out)
    );

    // What no control counts fails whatever: a file that no longer parses.
    repo.git(&["rm", "-q", "model-cards/new.md"]);
    repo.write("model-cards/old.md", "---\nlicense: [mit\n---\n# Card\n");
    repo.commit();
    let (report, code) = check_json(&repo, &["--changed-since", "main", "--fail-on-regression"]);
    assert_eq!(code, Some(1), "{report:#}");
    assert!(paths_of(&report).contains(&("model-cards/old.md".into(), "yaml-syntax-error".into())));

    // It needs a merge base.
    let out = repo.run(&["check", "--fail-on-regression"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--changed-since"), "{}", stderr(&out));
}

#[test]
fn the_merge_base_is_checked_from_its_tree_without_following_links() {
    let repo = Repo::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("card.md"),
        "---\nlicense: mit\n---\n# Outside\n",
    )
    .unwrap();
    repo.write("model-cards/old.md", CARD);
    std::fs::create_dir_all(repo.path().join("model-cards")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("card.md"),
        repo.path().join("model-cards/link.md"),
    )
    .unwrap();
    // An ignore file does not hide a tracked document at the merge base either.
    repo.write(".ignore", "model-cards/old.md\n");
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("model-cards/new.md", CARD);
    repo.commit();
    let (report, code) = check_json(&repo, &["--changed-since", "main", "--fail-on-regression"]);
    // The new card's gaps are new: old.md counted at the base, so each control has one more.
    assert_eq!(code, Some(1), "{report:#}");
    let c = control(&report, "A.6.2.3").unwrap();
    assert_eq!(
        c["errors_at_base"].as_u64().unwrap() + 1,
        c["errors"].as_u64().unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(outside.path().join("card.md")).unwrap(),
        "---\nlicense: mit\n---\n# Outside\n"
    );
}

#[test]
fn fail_on_regression_reads_the_merge_base_with_a_configuration_named_by_a_relative_path() {
    let repo = Repo::new();
    // The configuration maps its own folder's `vendors/` to a kind of its own: read at the
    // merge base from another folder, the old vendor record would be no document at all, and
    // the unchanged findings of this one would look new.
    repo.write("team/aims-lint.toml", CONFIG)
        .write(
            "team/org-rules/vendor-missing-contract.yaml",
            RULE.replace("severity: warning", "severity: error"),
        )
        .write("team/vendors/acme.yaml", "name: ACME\n");
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("team/vendors/acme.yaml", "name: ACME Corp\n");
    repo.commit();
    for config in ["team/aims-lint.toml", "./team/aims-lint.toml"] {
        let (report, code) = check_json(
            &repo,
            &[
                "team",
                "--config",
                config,
                "--changed-since",
                "main",
                "--fail-on-regression",
            ],
        );
        let a103 = control(&report, "A.10.3").unwrap();
        assert_eq!(a103["errors_at_base"], a103["errors"], "{config}: {a103:#}");
        assert_eq!(code, Some(0), "{config}: {report:#}");
        // The report at a commit reads the configuration as that commit has it, from the same
        // place: the vendor record is a document of its kind there too.
        let out = repo.run(&[
            "report", "team", "--config", config, "--at", "main", "--format", "json",
        ]);
        let at: Value = serde_json::from_slice(&out.stdout).unwrap();
        let kinds: Vec<&str> = at["controls"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["evidence"].as_array().unwrap().iter())
            .filter_map(|e| e["kind"].as_str())
            .collect();
        assert!(kinds.contains(&"vendor-record"), "{config}: {kinds:?}");
    }
}

/// Whether a document changed is told by its bytes, as git stores them, whatever the check
/// made of them: a byte-order mark removed is a change though the text checked is the same, a
/// file written again with the same bytes is not, and documents the check could not read whole
/// (too large, not UTF-8) are judged by their bytes as well.
#[cfg(unix)]
#[test]
fn a_document_changed_when_its_bytes_differ_from_the_merge_base() {
    let repo = Repo::new();
    let bom = format!("\u{feff}{CARD}");
    let crlf = CARD.replace('\n', "\r\n");
    let large = format!("{CARD}{}", "padding line of a large card\n".repeat(45_000));
    let mut latin1 = CARD.as_bytes().to_vec();
    latin1.extend_from_slice(b"caf\xe9\n");
    repo.write("model-cards/bom-same.md", &bom)
        .write("model-cards/bom-removed.md", &bom)
        .write("model-cards/crlf-same.md", &crlf)
        .write("model-cards/crlf-to-lf.md", &crlf)
        .write("model-cards/rewritten.md", CARD)
        .write("model-cards/linked.md", CARD)
        .write("model-cards/large-same.md", &large)
        .write("model-cards/large-edited.md", &large)
        .write("model-cards/latin1-same.md", &latin1)
        .write("model-cards/latin1-edited.md", &latin1);
    repo.commit();
    repo.write("model-cards/bom-same.md", &bom)
        .write("model-cards/bom-removed.md", CARD)
        .write("model-cards/crlf-same.md", &crlf)
        .write("model-cards/crlf-to-lf.md", CARD)
        .write("model-cards/rewritten.md", CARD)
        .write("model-cards/large-same.md", &large)
        .write("model-cards/large-edited.md", format!("{large}x\n"))
        .write("model-cards/latin1-same.md", &latin1)
        .write(
            "model-cards/latin1-edited.md",
            [latin1.as_slice(), b"x\n"].concat(),
        );
    let linked = repo.path().join("model-cards/linked.md");
    std::fs::remove_file(&linked).unwrap();
    std::os::unix::fs::symlink("rewritten.md", &linked).unwrap();

    let (all, _) = check_json(&repo, &[]);
    let every: std::collections::BTreeSet<String> =
        paths_of(&all).into_iter().map(|(p, _)| p).collect();
    for same in [
        "bom-same",
        "crlf-same",
        "rewritten",
        "large-same",
        "latin1-same",
    ] {
        assert!(
            every.contains(&format!("model-cards/{same}.md")),
            "{same} has findings on the whole repository: {every:?}"
        );
    }
    let (report, code) = check_json(&repo, &["--changed-since", "HEAD"]);
    assert_eq!(code, Some(1));
    let changed: std::collections::BTreeSet<String> =
        paths_of(&report).into_iter().map(|(p, _)| p).collect();
    let expected: std::collections::BTreeSet<String> =
        ["bom-removed", "crlf-to-lf", "large-edited", "latin1-edited"]
            .iter()
            .map(|n| format!("model-cards/{n}.md"))
            .filter(|p| every.contains(p))
            .collect();
    assert_eq!(expected.len(), 4, "{every:?}");
    // A link in a document's place is reported as one (`file-not-regular`), and is a change.
    assert!(every.contains("model-cards/linked.md"), "{every:?}");
    let mut expected = expected;
    expected.insert("model-cards/linked.md".to_string());
    assert_eq!(changed, expected);
}

#[test]
fn a_pull_request_that_deletes_every_document_is_not_summarised_as_nothing_found() {
    let repo = Repo::new();
    repo.write("model-cards/router.md", CARD);
    repo.commit();
    let base = git_out(&repo, &["rev-parse", "HEAD"]);
    repo.git(&["rm", "-q", "model-cards/router.md"]);
    repo.write("README.md", "# Nothing left\n");
    repo.commit();
    let out = repo.run(&[
        "check",
        "--no-blame",
        "--changed-since",
        base.trim(),
        "--format",
        "markdown",
    ]);
    let md = common::stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{md}{}", stderr(&out));
    // The job summary lists the removal; it does not say that nothing was found or checked.
    assert!(md.contains("`document-removed`"), "{md}");
    assert!(!md.contains("no AIMS documents found"), "{md}");
}
