//! The history rules end to end, on real git repositories: merges credit the branch's authors,
//! `.mailmap` applies, shallow clones say what they lack, waivers apply, and a folder outside
//! git is judged without them.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

mod common;

use common::{Repo, check_json, run_in, stderr};
use serde_json::Value;

const ROLES: &str = "id: ROLES-1\nowner: ai-governance-lead\nroles:\n  - {id: ai-governance-lead, name: AI governance lead, responsibilities: [approve policies]}\npeople:\n  - id: d-okafor\n    name: Dana Okafor\n    git_emails: [dana.okafor@acme.example]\n    roles: [ai-governance-lead]\n";

const ADA: (&str, &str) = ("Ada Lovelace", "ada@acme.example");
const DANA: (&str, &str) = ("Dana Okafor", "dana.okafor@acme.example");
const MIRA: (&str, &str) = ("Mira Lindqvist", "mira@acme.example");

fn policy(scope: &str, approved_by: &str, approval_date: &str) -> String {
    format!(
        "---\nowner: ai-governance-lead\napproved_by: {approved_by}\napproval_date: {approval_date}\nscope: {scope}\nlast_reviewed: 2026-01-15\nreview_interval_months: 12\n---\n# AI policy\n\nA person checks every result.\n"
    )
}

fn commit(repo: &Repo, who: (&str, &str), date: &str, message: &str) {
    repo.commit_as(who.0, who.1, &format!("{date}T10:00:00Z"), message);
}

/// `(rule, line)` of the findings of the history rules.
fn history_findings(report: &Value) -> Vec<(String, u64)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap();
            rule.ends_with("-edited-after-approval")
                || rule.ends_with("-approved-by-author")
                || rule.ends_with("-review-overdue")
                || rule == "impact-assessment-stale"
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["span"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn rule(id: &str, line: u64) -> (String, u64) {
    (id.to_string(), line)
}

/// Ada imports the policy approved by Dana in January.
fn imported() -> Repo {
    let repo = Repo::new();
    repo.write("governance/roles.yaml", ROLES).write(
        "policies/ai-policy.md",
        policy("all AI systems", "Dana Okafor", "2026-01-15"),
    );
    commit(&repo, ADA, "2026-01-20", "import the approved AI policy");
    repo
}

#[test]
fn an_imported_approved_document_checks_clean() {
    let repo = imported();
    let (report, _) = check_json(&repo, &[]);
    assert_eq!(history_findings(&report), vec![]);
}

#[test]
fn a_merged_branch_is_credited_to_its_author_not_to_who_merged_it() {
    let repo = imported();
    repo.git(&["checkout", "-q", "-b", "scope"]);
    repo.write(
        "policies/ai-policy.md",
        policy("all AI systems and suppliers", "Dana Okafor", "2026-01-15"),
    );
    commit(&repo, MIRA, "2026-02-01", "widen the scope");
    repo.git(&["checkout", "-q", "main"]);
    repo.git_as(
        &[
            "merge",
            "-q",
            "--no-ff",
            "-m",
            "Merge the wider scope",
            "scope",
        ],
        DANA.0,
        DANA.1,
        "2026-02-02T10:00:00Z",
    );
    // Merged, not yet approved: an edit after the approval, by Mira.
    let (report, _) = check_json(&repo, &[]);
    assert_eq!(
        history_findings(&report),
        vec![rule("governance-document-edited-after-approval", 5)]
    );
    let edit = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "governance-document-edited-after-approval")
        .unwrap();
    assert!(
        edit["detail"]
            .as_str()
            .unwrap()
            .contains("by Mira Lindqvist"),
        "{edit:#}"
    );
    // Dana approves what Mira wrote: separation of duties holds, though Dana merged it.
    repo.write(
        "policies/ai-policy.md",
        policy("all AI systems and suppliers", "Dana Okafor", "2026-02-03"),
    );
    commit(&repo, DANA, "2026-02-03", "approve the wider scope");
    let (report, _) = check_json(&repo, &[]);
    assert_eq!(history_findings(&report), vec![]);
}

#[test]
fn mailmap_ties_an_old_address_to_the_approver() {
    let repo = imported();
    repo.write(
        ".mailmap",
        "Dana Okafor <dana.okafor@acme.example> <dana@old-laptop.local>\n",
    );
    repo.write(
        "policies/ai-policy.md",
        policy("customer-facing AI systems", "Dana Okafor", "2026-03-01"),
    );
    commit(
        &repo,
        ("dana", "dana@old-laptop.local"),
        "2026-03-01",
        "narrow the scope and approve it",
    );
    let (report, _) = check_json(&repo, &[]);
    assert_eq!(
        history_findings(&report),
        vec![rule("governance-document-approved-by-author", 3)]
    );
}

#[test]
fn a_shallow_clone_says_it_needs_the_history() {
    let repo = imported();
    repo.write(
        "policies/ai-policy.md",
        policy("customer-facing AI systems", "Dana Okafor", "2026-01-15"),
    );
    commit(&repo, MIRA, "2026-03-01", "narrow the scope");
    let (full, _) = check_json(&repo, &[]);
    assert_eq!(
        history_findings(&full),
        vec![rule("governance-document-edited-after-approval", 5)]
    );
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let o = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", &url, "."])
        .current_dir(clone.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run_in(
        clone.path(),
        &["check", "--format", "json", "--no-blame"],
        &[],
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    let needs: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["detail"].as_str().unwrap().contains("fetch-depth: 0"))
        .collect();
    // The edit after approval is not passed silently: every history rule that would judge
    // the policy says it cannot.
    assert!(
        needs
            .iter()
            .any(|f| f["rule"] == "governance-document-edited-after-approval"),
        "{report:#}"
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}

#[test]
fn history_findings_are_waived_like_any_other() {
    let repo = imported();
    repo.write(
        "policies/ai-policy.md",
        policy("customer-facing AI systems", "Dana Okafor", "2026-01-15").replace(
            "scope:",
            "# aims-lint: disable governance-document-edited-after-approval reason=\"approval meeting on 2026-03-05\" until=2026-12-31\nscope:",
        ),
    );
    commit(&repo, MIRA, "2026-03-01", "narrow the scope");
    let (report, _) = check_json(&repo, &[]);
    assert_eq!(history_findings(&report), vec![]);
    assert_eq!(
        report["suppressed"][0]["rule"],
        "governance-document-edited-after-approval"
    );
}

#[test]
fn outside_git_the_history_rules_do_not_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    std::fs::write(
        dir.path().join("policies/ai-policy.md"),
        policy("all", "Dana Okafor", "2026-01-15"),
    )
    .unwrap();
    let o = run_in(
        dir.path(),
        &["check", "--format", "json", "--no-blame"],
        &[],
    );
    let report: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(history_findings(&report), vec![]);
}

#[test]
fn reviews_are_judged_on_now() {
    let repo = imported();
    let (report, _) = check_json(&repo, &["--now", "2027-02-01"]);
    assert_eq!(
        history_findings(&report),
        vec![rule("ai-policy-review-overdue", 6)]
    );
    let (report, _) = check_json(&repo, &["--now", "2026-06-01"]);
    assert_eq!(history_findings(&report), vec![]);
}
