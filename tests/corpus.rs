//! The corpus stage end to end, on real git repositories: cross-document findings are waived,
//! selected and baselined like the others; a run on some files reads the rest for the index;
//! `--changed-since` reports the documents a change broke; references cannot leave the
//! repository.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

use std::fmt::Write as _;

use serde_json::Value;

mod common;

use common::{Repo, check_json, stderr, stdout};

const SYSTEM: &str = "id: ticket-router\nowner: head-of-support\nlifecycle_stage: operation\ndatasets: [support-tickets]\nsuppliers: [zendesk]\n";
const SHEET: &str = "id: support-tickets\nowner: data-steward\n";
const SUPPLIER: &str = "id: SUP-1\nowner: ai-governance-lead\n";
const ASSESSMENT: &str = "id: IA-1\nowner: ai-governance-lead\nsystem_id: ticket-router\n";

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write("ai-systems/router.yaml", SYSTEM)
        .write("datasheets/support-tickets.yaml", SHEET)
        .write("suppliers/zendesk.yaml", SUPPLIER)
        .write("impact-assessments/router.yaml", ASSESSMENT);
    repo.commit();
    repo
}

/// `(rule, path, line)` of every finding of the cross-document rules.
fn corpus_findings(report: &Value) -> Vec<(String, String, u64)> {
    const CORPUS: &[&str] = &[
        "ai-system-dataset-without-sheet",
        "ai-system-supplier-not-found",
        "ai-system-without-impact-assessment",
        "dataset-sheet-unused",
        "impact-assessment-system-not-found",
        "suppression-unused",
    ];
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| CORPUS.contains(&f["rule"].as_str().unwrap()))
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["span"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A Statement of Applicability that marks every control implemented, with the router as the
/// evidence of each.
fn write_soa_claiming_everything(repo: &Repo) {
    let mut controls = String::new();
    for (id, _) in aims_lint::controls::CONTROLS {
        writeln!(
            controls,
            "  - {{id: {id}, applicable: true, justification: we run AI, status: implemented, evidence: [ai-systems/router.yaml]}}"
        )
        .unwrap();
    }
    repo.write(
        "governance/statement-of-applicability.yaml",
        format!("id: SOA-1\nowner: ai-governance-lead\ncontrols:\n{controls}"),
    );
}

fn finding(rule: &str, path: &str, line: u64) -> (String, String, u64) {
    (rule.to_string(), path.to_string(), line)
}

#[test]
fn a_coherent_repository_has_no_cross_document_findings() {
    let repo = repo();
    let (report, _) = check_json(&repo, &[]);
    assert_eq!(corpus_findings(&report), vec![]);
}

#[test]
fn suppressions_waive_cross_document_findings_and_unused_means_unused() {
    let repo = repo();
    repo.write(
        "ai-systems/router.yaml",
        SYSTEM.replace(
            "suppliers: [zendesk]\n",
            "# aims-lint: disable ai-system-supplier-not-found reason=\"contract signed, record due in May\"\nsuppliers: [zendesk, openai]\n# aims-lint: disable ai-system-dataset-without-sheet reason=\"nothing to waive\"\nowner2: x\n",
        ),
    );
    let (report, _) = check_json(&repo, &[]);
    // The corpus finding is waived (it ran after the file's own rules), and the second
    // comment, which waives nothing, is reported as unused: before the corpus stage existed,
    // the first comment would have been "unused" and the finding reported.
    assert_eq!(
        corpus_findings(&report),
        vec![finding("suppression-unused", "ai-systems/router.yaml", 7)]
    );
    let waived = report["suppressed"].as_array().unwrap();
    assert_eq!(waived.len(), 1, "{waived:#?}");
    assert_eq!(waived[0]["rule"], "ai-system-supplier-not-found");
    assert_eq!(waived[0]["span"]["start"]["line"], 6);
}

#[test]
fn selection_severities_and_the_baseline_apply_to_cross_document_findings() {
    let repo = repo();
    repo.write(
        "ai-systems/router.yaml",
        SYSTEM.replace("[zendesk]", "[zendesk, openai]"),
    );
    let (report, code) = check_json(&repo, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        corpus_findings(&report),
        vec![finding(
            "ai-system-supplier-not-found",
            "ai-systems/router.yaml",
            5
        )]
    );
    // The pointer of the value, found again from its place, gives the finding its identity.
    let supplier = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ai-system-supplier-not-found")
        .unwrap();
    assert_eq!(supplier["pointer"], "/suppliers/1");
    let (report, _) = check_json(&repo, &["--ignore", "A.10.3"]);
    assert_eq!(corpus_findings(&report), vec![]);
    let (report, _) = check_json(&repo, &["--select", "ai-system-dataset-without-sheet"]);
    assert_eq!(corpus_findings(&report), vec![]);
    repo.write(
        "aims-lint.toml",
        "[rules.severity]\nai-system-supplier-not-found = \"warning\"\n",
    );
    let (report, _) = check_json(&repo, &[]);
    let severities: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "ai-system-supplier-not-found")
        .map(|f| &f["severity"])
        .collect();
    assert_eq!(severities, vec!["warning"]);
    std::fs::remove_file(repo.path().join("aims-lint.toml")).unwrap();
    let out = repo.run(&["baseline", "-o", "baseline.json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (report, _) = check_json(&repo, &["--baseline", "baseline.json"]);
    assert_eq!(corpus_findings(&report), vec![]);
    assert!(report["summary"]["baselined"].as_u64().unwrap() >= 1);
}

#[test]
fn a_run_on_some_files_indexes_the_rest_and_reports_on_those_files_only() {
    let repo = repo();
    repo.write(
        "ai-systems/chatbot.yaml",
        "id: chatbot\nowner: head-of-support\nlifecycle_stage: operation\ndatasets: [faq]\n",
    );
    // The router cites a sheet that is not among the files named: it resolves.
    let (report, _) = check_json(&repo, &["ai-systems/router.yaml"]);
    assert_eq!(corpus_findings(&report), vec![]);
    assert_eq!(report["summary"]["documents_total"], 1);
    // The chatbot's findings are its own, and only its own.
    let (report, _) = check_json(&repo, &["ai-systems/chatbot.yaml"]);
    assert_eq!(
        corpus_findings(&report),
        vec![
            finding(
                "ai-system-without-impact-assessment",
                "ai-systems/chatbot.yaml",
                1
            ),
            finding(
                "ai-system-dataset-without-sheet",
                "ai-systems/chatbot.yaml",
                4
            ),
        ]
    );
    // pre-commit passes the changed files: the same.
    let (report, _) = check_json(
        &repo,
        &["ai-systems/router.yaml", "datasheets/support-tickets.yaml"],
    );
    assert_eq!(corpus_findings(&report), vec![]);
}

#[test]
fn changed_since_reports_the_documents_a_change_broke() {
    let repo = repo();
    repo.write(
        "ai-systems/legacy.yaml",
        "id: legacy\nowner: head-of-support\nlifecycle_stage: idea\ndatasets: [old-export]\n",
    );
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "change"]);
    std::fs::remove_file(repo.path().join("datasheets/support-tickets.yaml")).unwrap();
    repo.commit();
    let (report, _) = check_json(&repo, &["--changed-since", "main"]);
    // The router did not change, but the deletion broke its reference; the legacy record's
    // reference was broken before the change and is not this change's doing.
    assert_eq!(
        corpus_findings(&report),
        vec![finding(
            "ai-system-dataset-without-sheet",
            "ai-systems/router.yaml",
            4
        )]
    );
    // Renaming the `id` inside the sheet breaks the reference too.
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["checkout", "-q", "-b", "rename-id"]);
    repo.write(
        "datasheets/support-tickets.yaml",
        SHEET.replace("support-tickets", "tickets-2026"),
    );
    repo.git(&["mv", "datasheets/support-tickets.yaml", "datasheets/t.yaml"]);
    repo.commit();
    let (report, _) = check_json(&repo, &["--changed-since", "main"]);
    let found = corpus_findings(&report);
    assert!(
        found.contains(&finding(
            "ai-system-dataset-without-sheet",
            "ai-systems/router.yaml",
            4
        )),
        "{found:?}"
    );
}

#[test]
fn references_cannot_leave_the_repository() {
    let repo = repo();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "# not evidence\n").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        repo.path().join("docs-link.md"),
    )
    .unwrap();
    repo.write(
        "ai-systems/router.yaml",
        format!(
            "{SYSTEM}technical_documentation:\n  - {{audience: internal, path: ../../../../etc/passwd}}\n  - {{audience: users, path: docs-link.md}}\n  - {{audience: users, path: {}}}\n",
            outside.path().join("secret.md").display()
        ),
    );
    let o = repo.run(&[
        "check",
        "--format",
        "concise",
        "--no-blame",
        "--select",
        "A.6.2.7",
    ]);
    let out = stdout(&o);
    assert!(out.contains("points outside the repository"), "{out}");
    assert!(out.contains("is a link out of the repository"), "{out}");
    assert_eq!(
        out.matches("ai-system-technical-documentation-not-found")
            .count(),
        3,
        "{out}"
    );
}

#[test]
fn a_soa_that_claims_more_than_the_evidence_shows_is_a_finding_on_its_line() {
    let repo = repo();
    write_soa_claiming_everything(&repo);
    let (report, _) = check_json(&repo, &[]);
    let soa: Vec<(u64, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "statement-of-applicability-implemented-with-errors")
        .map(|f| {
            (
                f["span"]["start"]["line"].as_u64().unwrap(),
                f["detail"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // The system record is incomplete: the controls whose rules fail on it are claimed
    // implemented, each on its own line of the SoA.
    assert!(!soa.is_empty());
    for (line, detail) in &soa {
        let id = aims_lint::controls::CONTROLS[usize::try_from(*line).unwrap() - 4].0;
        assert!(
            detail.starts_with(&format!("`{id}` is marked implemented")),
            "{detail}"
        );
    }
    let a_4_2 = soa.iter().find(|(l, _)| *l == 9).unwrap();
    assert!(
        a_4_2.1.contains("ai-system-missing-resources"),
        "{}",
        a_4_2.1
    );
    // It sees the findings as the run reports them: with the rules of A.4 ignored, nothing
    // contradicts the statement's A.4.2.
    let (report, _) = check_json(&repo, &["--ignore", "A.4.*"]);
    assert!(
        !report["findings"].as_array().unwrap().iter().any(|f| {
            f["rule"] == "statement-of-applicability-implemented-with-errors"
                && f["span"]["start"]["line"] == 9
        }),
        "{report:#}"
    );
}

#[test]
fn names_of_nothing_but_punctuation_are_findings_not_crashes() {
    let repo = repo();
    repo.write(
        "governance/roles.yaml",
        "id: ROLES-1\nowner: ai-governance-lead\nroles:\n  - {id: ai-governance-lead, name: AI governance lead, responsibilities: [own the policy]}\n",
    )
    .write(
        "impact-assessments/router.yaml",
        format!("{ASSESSMENT}approved_by: \"---\"\nassessors: [\"(  )\", \"<>\"]\n"),
    );
    let (report, code) = check_json(&repo, &["--select", "A.3.2"]);
    assert_eq!(code, Some(1));
    let lines: Vec<u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["rule"] == "governance-document-owner-not-in-roles"
                && f["path"] == "impact-assessments/router.yaml"
        })
        .map(|f| f["span"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![4, 5, 5], "{report:#}");
}

#[test]
fn a_run_on_the_soa_alone_does_not_count_findings_of_documents_it_did_not_check() {
    let repo = repo();
    write_soa_claiming_everything(&repo);
    let supplier_claims = |args: &[&str]| -> Vec<String> {
        let (report, _) = check_json(&repo, args);
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "statement-of-applicability-implemented-with-errors")
            .filter_map(|f| f["detail"].as_str())
            .filter(|d| d.contains("ai-system-supplier-not-found"))
            .map(str::to_string)
            .collect()
    };
    let soa = "governance/statement-of-applicability.yaml";
    // The router cites a supplier with no record: the statement's claim is contradicted, in a
    // whole run and in a run on the statement alone (the corpus rules see every document).
    let unresolved = SYSTEM.replace("[zendesk]", "[zendesk, openai]");
    repo.write("ai-systems/router.yaml", &unresolved);
    assert_eq!(supplier_claims(&[]).len(), 1);
    // Waived in the router, the whole run does not count it; nor may a run on the statement
    // alone, which does not read the router's waivers: it does not count the findings of
    // documents it only read for the corpus.
    repo.write(
        "ai-systems/router.yaml",
        unresolved.replace(
            "suppliers:",
            "# aims-lint: disable ai-system-supplier-not-found reason=\"contract signed\"\nsuppliers:",
        ),
    );
    assert_eq!(supplier_claims(&[]), Vec::<String>::new());
    assert_eq!(supplier_claims(&[soa]), Vec::<String>::new());
}
