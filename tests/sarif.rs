//! `--format sarif` end to end: the log's structure, fingerprints that survive unrelated edits,
//! blame in `properties`; validated against the SARIF 2.1.0 schema and with
//! `@microsoft/sarif-multitool validate` (its SARIF and GitHub rules) when they are installed.
//! `.ci/run` installs them and sets `AIMS_LINT_REQUIRE_PEERS=1`, which makes their absence fail.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

mod common;

use std::process::Command;

use serde_json::Value;

use common::{Repo, peer, stderr};

const CARD: &str = "---\nlicense: other\npipeline_tag: text-classification\nmodel-index:\n  - name: router\n    results:\n      - task: {type: text-classification}\n        dataset: {type: tickets, name: Tickets}\n        metrics:\n          - {type: accuracy, value: high}\n          # aims-lint: disable model-card-evaluation-incomplete reason=\"graded by the review board\"\n          - {type: f1, value: good}\n---\n# Router\n\n## Uses\n\n[More Information Needed]\n";

fn sarif(repo: &Repo) -> Value {
    let out = repo.run(&["check", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write("model-cards/router.md", CARD);
    repo.commit();
    repo
}

#[test]
fn results_point_at_their_rules_and_regions() {
    let repo = repo();
    let log = sarif(&repo);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "aims-lint");
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let registry = aims_lint::rules::Registry::load(&aims_lint::config::Settings::defaults(
        std::env::temp_dir(),
    ))
    .unwrap();
    // One descriptor per rule, the checks of aims-lint itself included.
    assert_eq!(rules.len(), registry.rules().len());
    assert!(rules.iter().any(|r| r["id"] == "yaml-syntax-error"));
    for r in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(!r[key].is_null(), "{r}: no {key}");
        }
        assert_ne!(r["id"], r["name"]);
        assert!(r["help"]["markdown"].as_str().is_some());
    }
    let license = rules
        .iter()
        .find(|r| r["id"] == "model-card-missing-license")
        .unwrap();
    assert_eq!(license["properties"]["control"], "A.8.2");
    assert_eq!(license["defaultConfiguration"]["level"], "error");
    assert!(
        license["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why it matters")
    );

    let json: Value =
        serde_json::from_slice(&repo.run(&["check", "--format", "json"]).stdout).unwrap();
    let results = run["results"].as_array().unwrap();
    let findings = json["findings"].as_array().unwrap();
    // Findings, then those waived inline, with `suppressions`.
    assert_eq!(json["suppressed"].as_array().unwrap().len(), 1);
    assert_eq!(results.len(), findings.len() + 1);
    let waived = results.last().unwrap();
    assert_eq!(waived["ruleId"], "model-card-evaluation-incomplete");
    assert_eq!(
        waived["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    let suppression = &waived["suppressions"][0];
    assert_eq!(suppression["kind"], "inSource");
    assert_eq!(suppression["justification"], "graded by the review board");
    assert_eq!(
        suppression["location"]["physicalLocation"]["region"]["startLine"],
        11
    );
    assert!(
        results[..findings.len()]
            .iter()
            .all(|r| r["suppressions"].is_null())
    );
    for (r, f) in results.iter().zip(findings) {
        let index = usize::try_from(r["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert_eq!(r["ruleId"], f["rule"]);
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], f["span"]["start"]["line"]);
        assert_eq!(region["startColumn"], f["span"]["start"]["column"]);
        assert_eq!(region["endLine"], f["span"]["end"]["line"]);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "model-cards/router.md"
        );
        assert_eq!(r["properties"]["blame"], f["blame"]);
        assert_eq!(r["properties"]["blame"]["status"], "committed");
        let level = match f["severity"].as_str().unwrap() {
            "info" => "note",
            other => other,
        };
        assert_eq!(r["level"], level);
    }
}

#[test]
fn fingerprints_survive_unrelated_edits_and_tell_findings_apart() {
    let repo = repo();
    let prints = |log: &Value| -> Vec<(String, String, u64)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["aimsLint/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect()
    };
    let before = prints(&sarif(&repo));
    let mut unique: Vec<&String> = before.iter().map(|(_, p, _)| p).collect();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "{before:#?}");
    // Lines move: a key and a comment are added above every finding.
    repo.write(
        "model-cards/router.md",
        CARD.replacen("---\n", "---\nlanguage: [en]\ntags: [routing]\n", 1)
            .replacen(
                "# Router\n",
                "# Router\n\n<!-- Reviewed by the routing team. -->\n",
                1,
            ),
    );
    let after = prints(&sarif(&repo));
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1), (&a.0, &a.1));
    }
    assert!(
        before.iter().zip(&after).any(|(b, a)| b.2 != a.2),
        "lines moved"
    );
}

#[test]
fn the_log_follows_the_sarif_schema() {
    let Some(schema) = peer("AIMS_LINT_SARIF_SCHEMA") else {
        return;
    };
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let log = sarif(&repo());
    let errors: Vec<String> = validator.iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn sarif_multitool_finds_nothing_github_would_reject() {
    let Some(tool) = peer("AIMS_LINT_SARIF_MULTITOOL") else {
        return;
    };
    let repo = repo();
    let input = repo.path().join("out.sarif");
    let log = repo.path().join("validation.sarif");
    std::fs::write(&input, serde_json::to_vec(&sarif(&repo)).unwrap()).unwrap();
    let out = Command::new(tool)
        .args(["validate", "--rule-kind", "\"Sarif;Gh\"", "--output"])
        .arg(&log)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let validation: Value = serde_json::from_slice(&std::fs::read(&log).unwrap()).unwrap();
    let problems: Vec<String> = validation["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap().to_string())
        // SARIF2005 asks for the tool's `informationUri`: aims-lint has no web site yet.
        .filter(|id| id != "SARIF2005")
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_clean_folder_outside_git_gives_an_empty_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/ai-policy.md"),
        "---\nowner: o\napproved_by: a\napproval_date: 2026-01-01\nversion: 1\nscope: all\nlast_reviewed: 2026-01-01\nreview_interval_months: 12\nrelated_policies: [{ref: s, relation: both, reviewed_on: 2026-01-01}]\nprinciples: [people decide]\ncommitments: {meet_requirements: true, continual_improvement: true}\n---\n# Policy\n",
    )
    .unwrap();
    let out = common::run_in(dir.path(), &["check", "--format", "sarif"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert!(
        !log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Outside git, findings carry no blame.
    std::fs::write(
        dir.path().join("policies/ai-policy.md"),
        "---\nowner: o\n---\n# P\n",
    )
    .unwrap();
    let out = common::run_in(dir.path(), &["check", "--format", "sarif"], &[]);
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["properties"]["blame"].is_null()));
}
