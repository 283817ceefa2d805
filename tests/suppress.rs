//! Inline suppressions end to end: a comment with a reason waives a finding, which the JSON
//! report keeps with the reason; suppressions without a reason, past their date, naming
//! unknown rules, waiving nothing or forbidden by aims-lint.toml are findings and waive nothing.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

mod common;

use serde_json::Value;

use common::{Repo, check_json};

/// A dataset sheet with two findings: `dataset-sheet-missing-quality-criteria` (warning) at
/// line 1, the first key, and `dataset-sheet-missing-provenance` (error) at `provenance:`.
const SHEET: &str = "aims-kind: dataset-sheet
name: CRM export 2025
license: cc-by-4.0
last_updated: 2025-10-01
splits: [train, test]
provenance:
  source: ACME CRM (quarterly export)
  collection_date: 2025-10-01
composition:
  instances: 18400
  personal_data: false
preprocessing:
  steps:
    - step: drop accounts younger than one year
      method: filter on account creation date
      rationale: churn labels need a full year of history
  raw_retained: true
maintenance:
  maintainer: data-steward
  retention: replaced by each quarterly export; the previous one is deleted
";

/// A repository with [`SHEET`] as `datasets/crm.yaml`: `before` its first line, a comment
/// `trailing` its `provenance:` line, `after` its end; and `config` as aims-lint.toml.
fn sheet_repo(before: &str, trailing: &str, after: &str, config: &str) -> Repo {
    let repo = Repo::new();
    let sheet = SHEET.replace("provenance:\n", &format!("provenance:  {trailing}\n"));
    repo.write("datasets/crm.yaml", format!("{before}{sheet}{after}"));
    if !config.is_empty() {
        repo.write("aims-lint.toml", config);
    }
    repo.commit();
    repo
}

fn rules_at(report: &Value, list: &str) -> Vec<(String, u64)> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["span"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn detail_of<'a>(report: &'a Value, rule: &str) -> &'a str {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {report:#}"))["detail"]
        .as_str()
        .unwrap()
}

/// A date that is neither past nor more than a year ahead of the runs' day
/// ([`common::NOW`]).
fn within_a_year() -> String {
    let year: u32 = common::NOW[..4].parse().unwrap();
    format!("{}-01-01", year + 1)
}

#[test]
fn a_suppression_with_a_reason_waives_its_finding_and_the_report_keeps_it() {
    let until = within_a_year();
    let repo = sheet_repo(
        &format!(
            "# aims-lint: disable dataset-sheet-missing-quality-criteria reason=\"measured in the CRM's data-quality report\" until={until}\n"
        ),
        "# aims-lint: disable A.7.5 reason=\"the export job records it\"",
        "",
        "",
    );

    let (report, code) = check_json(&repo, &[]);
    assert_eq!(rules_at(&report, "findings"), vec![]);
    assert_eq!(code, Some(0));
    assert_eq!(
        rules_at(&report, "suppressed"),
        vec![
            ("dataset-sheet-missing-quality-criteria".to_string(), 2),
            ("dataset-sheet-missing-provenance".to_string(), 7),
        ]
    );
    let first = &report["suppressed"][0]["suppression"];
    assert_eq!(first["reason"], "measured in the CRM's data-quality report");
    assert_eq!(first["until"], until.as_str());
    assert_eq!(first["span"]["start"]["line"], 1);
    let second = &report["suppressed"][1]["suppression"];
    assert_eq!(second["until"], Value::Null);
    assert_eq!(second["span"]["start"]["column"], 14);
    assert_eq!(report["summary"]["suppressed"], 2);

    // Whether a suppression is used does not depend on which rules are selected: with the
    // provenance rule deselected, its suppression is not reported as unused.
    let (narrow, _) = check_json(
        &repo,
        &["--select", "dataset-sheet-missing-quality-criteria"],
    );
    assert_eq!(rules_at(&narrow, "findings"), vec![]);
    assert_eq!(
        rules_at(&narrow, "suppressed"),
        vec![("dataset-sheet-missing-quality-criteria".to_string(), 2)]
    );

    // The human summary says how many were waived; the step summary also why.
    let out = repo.run(&["check", "--no-blame"]);
    assert!(
        common::stdout(&out).contains("2 findings waived by inline suppressions"),
        "{}",
        common::stdout(&out)
    );
    let out = repo.run(&["check", "--no-blame", "--format", "markdown"]);
    assert!(
        common::stdout(&out).contains(
            "Not reported: 2 findings waived by inline suppressions (1 × “measured in the CRM's data-quality report”; 1 × “the export job records it”)."
        ),
        "{}",
        common::stdout(&out)
    );
}

#[test]
fn suppressions_that_cannot_be_accepted_waive_nothing_and_are_findings() {
    let repo = sheet_repo(
        &format!(
            "# aims-lint: disable dataset-sheet-missing-quality-criteria until={}\n",
            within_a_year()
        ),
        "# aims-lint: disable A.7.5 reason=\"was true once\" until=2001-02-03",
        "\n# aims-lint: disable dataset-sheet-missng-provenance reason=\"typo\"\n# aims-lint: disable A.7.* reason=\"a pattern\"\n# aims-lint: disable dataset-sheet-missing-provenance reason=\"wrong line\"\nextra: 1\n",
        "",
    );

    let (report, code) = check_json(&repo, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        rules_at(&report, "findings"),
        vec![
            ("suppression-missing-reason".to_string(), 1),
            ("dataset-sheet-missing-quality-criteria".to_string(), 2),
            ("dataset-sheet-missing-provenance".to_string(), 7),
            ("suppression-expired".to_string(), 7),
            ("suppression-invalid".to_string(), 23),
            ("suppression-invalid".to_string(), 24),
            ("suppression-unused".to_string(), 25),
        ]
    );
    assert_eq!(rules_at(&report, "suppressed"), vec![]);
    assert_eq!(
        detail_of(&report, "suppression-expired"),
        "expired on 2001-02-03"
    );
    let invalid: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "suppression-invalid")
        .map(|f| f["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        invalid,
        [
            "no rule has the id `dataset-sheet-missng-provenance`",
            "`A.7.*` is a pattern; a suppression names rules or single controls"
        ]
    );
    assert_eq!(
        detail_of(&report, "suppression-unused"),
        "no finding of dataset-sheet-missing-provenance on line 26; the finding is on line 7: put the comment on the line before it"
    );
}

#[test]
fn markdown_takes_html_comments_in_the_body_and_yaml_comments_in_front_matter() {
    let repo = Repo::new();
    let card = "---\nlicense: other\n# aims-lint: disable-file model-card-missing-license reason=\"licence is LICENSE at the root\"\npipeline_tag: text-classification\n---\n# Router\n\n## Uses\n\nRoutes tickets.\n\n### Out-of-Scope Use\n\n<!-- aims-lint: disable model-card-missing-intended-use reason=\"listed in the system record\" -->\n[More Information Needed]\n\n## Notes\n\n```markdown\n<!-- aims-lint: disable no-such-rule -->\n```\n";
    repo.write("model-cards/router.md", card);
    repo.commit();
    let (report, _) = check_json(&repo, &[]);
    let suppressed = rules_at(&report, "suppressed");
    assert_eq!(
        suppressed
            .iter()
            .filter(|(r, _)| r == "model-card-missing-license")
            .count(),
        1,
        "{report:#}"
    );
    assert!(
        suppressed
            .iter()
            .any(|(r, l)| r == "model-card-missing-intended-use" && *l == 15),
        "{report:#}"
    );
    let findings = rules_at(&report, "findings");
    assert!(
        !findings
            .iter()
            .any(|(r, _)| r.starts_with("suppression-") || r == "model-card-missing-license"),
        "the comment in the code block is not a suppression: {findings:?}"
    );
}

#[test]
fn the_configuration_can_forbid_inline_suppressions() {
    let repo = sheet_repo(
        "",
        "# aims-lint: disable A.7.5 reason=\"the export job records it\"",
        "",
        "[suppressions]\ninline = false\n",
    );
    let (report, code) = check_json(&repo, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        rules_at(&report, "findings"),
        vec![
            ("dataset-sheet-missing-quality-criteria".to_string(), 1),
            ("dataset-sheet-missing-provenance".to_string(), 6),
            ("suppression-forbidden".to_string(), 6),
        ]
    );
    assert_eq!(rules_at(&report, "suppressed"), vec![]);

    repo.write("aims-lint.toml", "[suppressions]\ninline = \"no\"\n");
    let out = repo.run(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(common::stderr(&out).contains("invalid type"));
}

#[test]
fn now_fixes_the_date_that_suppressions_are_judged_by() {
    let repo = sheet_repo(
        "# aims-lint: disable dataset-sheet-missing-quality-criteria reason=\"measured elsewhere\" until=2027-06-30\n",
        "",
        "",
        "",
    );
    let rules_at = |args: &[&str], env: &[(&str, &str)]| -> Vec<String> {
        let mut all = vec!["check", "--format", "json", "--no-blame"];
        all.extend_from_slice(args);
        let out = common::run_in(repo.path(), &all, env);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut rules: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .filter(|r| r.starts_with("suppression-") || r.ends_with("quality-criteria"))
            .collect();
        rules.sort();
        rules
    };
    // Before the date: the waiver holds.
    assert_eq!(
        rules_at(&["--now", "2027-01-15"], &[]),
        Vec::<String>::new()
    );
    // After it: expired, and the finding is back. The environment variable does the same.
    let after = vec![
        "dataset-sheet-missing-quality-criteria".to_string(),
        "suppression-expired".to_string(),
    ];
    assert_eq!(rules_at(&["--now", "2027-07-01"], &[]), after);
    assert_eq!(rules_at(&[], &[("AIMS_LINT_NOW", "2027-07-01")]), after);
    // More than a year before it: the waiver is too long.
    assert_eq!(
        rules_at(&["--now", "2026-01-01"], &[]),
        [
            "dataset-sheet-missing-quality-criteria",
            "suppression-invalid"
        ]
    );
    let out = repo.run(&["check", "--now", "2027-02-30"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        common::stderr(&out).contains("is not a date"),
        "{}",
        common::stderr(&out)
    );
}
