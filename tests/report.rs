//! `aims-lint report` end to end: the Markdown and JSON reports of `examples/` (snapshots,
//! and the JSON against its schema), byte-identical runs at one commit, an older commit's
//! evidence read from git objects, placeholders and exclusions, and the HTML page in real
//! headless Chromium (loaded, the chart and the 38 controls in its DOM, a PDF with a page per
//! area).

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::{Repo, examples_repository, run_in, stderr, stdout};

fn report(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    let out = run_in(dir, &all, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// Commit and blob ids depend on every byte of `examples/`.
fn without_ids(text: &str) -> String {
    let long = regex::Regex::new(r"\b[0-9a-f]{40}\b").unwrap();
    let short = regex::Regex::new(r"\(([0-9a-f]{7})\)").unwrap();
    let named = regex::Regex::new(r"\b(in|recorded in) [0-9a-f]{7}\b").unwrap();
    let text = long.replace_all(text, "[id]");
    let text = short.replace_all(&text, "([commit])");
    named.replace_all(&text, "$1 [commit]").into_owned()
}

fn control<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["controls"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
}

#[test]
fn the_reports_of_the_examples_follow_their_schema() {
    let dir = examples_repository();
    let md = report(dir, &["examples", "--at", "HEAD", "--format", "markdown"]);
    insta::assert_snapshot!("report_markdown", without_ids(&md));
    let json = report(dir, &["examples", "--at", "HEAD", "--format", "json"]);
    insta::assert_snapshot!("report_json", without_ids(&json));
    let report: Value = serde_json::from_str(&json).unwrap();
    let errors = common::schema_errors(&report, "evidence-report.schema.json");
    assert!(errors.is_empty(), "{errors:#?}");
    let controls = report["controls"].as_array().unwrap();
    assert_eq!(
        controls.iter().filter(|c| c["area"] != "clauses").count(),
        38
    );
    let total: u64 = report["totals"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(total, 38);
    // The policy edited after its approval: 7.5.2 from the history, with its author.
    let approval = control(&report, "7.5.2");
    assert_eq!(approval["status"], "findings");
    assert!(
        approval["established"]
            .as_array()
            .unwrap()
            .contains(&"evidenced-by-git-history".into())
    );
    let policy = approval["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "examples/policies/ai-policy.md")
        .unwrap();
    assert_eq!(
        policy["last_change"]["author"],
        "Ada Lovelace <ada.lovelace@acme.example>"
    );
    assert_eq!(policy["last_change"]["date"], "2026-03-10");
    // The manifest's blob ids are git's.
    let blob = git(dir, &["rev-parse", "HEAD:examples/policies/ai-policy.md"]);
    assert!(
        report["manifest"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["path"] == "examples/policies/ai-policy.md" && m["blob"] == blob.as_str())
    );
    // Judged on the day `AIMS_LINT_NOW` gives (the tests fix it).
    assert_eq!(report["context"]["judged_on"], common::NOW);
    assert_eq!(report["context"]["source"], "commit");
}

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[test]
fn two_runs_at_one_commit_give_the_same_bytes_and_an_older_commit_its_own_evidence() {
    let repo = Repo::new();
    assert!(repo.run(&["init"]).status.success());
    repo.commit();
    let policy = "policies/ai-policy.md";
    let text = std::fs::read_to_string(repo.path().join(policy)).unwrap();
    repo.write(
        policy,
        text.replace(
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
    // Not committed: not in a report at a commit.
    repo.write(policy, "# gone\n");
    for format in ["html", "markdown", "json"] {
        let a = report(repo.path(), &["--at", "HEAD", "--format", format]);
        let b = report(repo.path(), &["--at", "HEAD", "--format", format]);
        assert_eq!(a, b, "{format}");
    }
    let blob_of = |rev: &str| git(repo.path(), &["rev-parse", &format!("{rev}:{policy}")]);
    let at = |rev: &str| -> Value {
        serde_json::from_str(&report(repo.path(), &["--at", rev, "--format", "json"])).unwrap()
    };
    let manifest_blob = |r: &Value| {
        r["manifest"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["path"] == policy)
            .unwrap()["blob"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (old, new) = (at("HEAD~1"), at("HEAD"));
    assert_eq!(manifest_blob(&old), blob_of("HEAD~1"));
    assert_eq!(manifest_blob(&new), blob_of("HEAD"));
    assert_ne!(blob_of("HEAD~1"), blob_of("HEAD"));
    assert_eq!(
        old["context"]["commit"],
        git(repo.path(), &["rev-parse", "HEAD~1"])
    );
    // At HEAD the edit after approval is a finding of 7.5.2; at HEAD~1 it is not.
    assert_eq!(control(&old, "7.5.2")["status"], "satisfied");
    assert_eq!(control(&new, "7.5.2")["status"], "findings");
    // The work tree, as it is: the policy is now a stub, not evidence of its controls.
    let now: Value = serde_json::from_str(&report(
        repo.path(),
        &["--format", "json", "--now", "2026-12-01"],
    ))
    .unwrap();
    assert_eq!(now["context"]["source"], "work-tree");
    assert_ne!(control(&now, "A.2.2")["status"], "satisfied");
    // Without `--now`, the rules judge by the commit's day: the same result whenever it runs.
    let out = Command::new(common::BIN)
        .args(["report", "--at", "HEAD", "--format", "json"])
        .current_dir(repo.path())
        .env_remove("AIMS_LINT_NOW")
        .output()
        .unwrap();
    let dated: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(dated["context"]["judged_on"], "2026-04-01");
    // Written to a file, replaced whole.
    let out = repo.run(&["report", "--at", "HEAD", "-o", "report.html"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(repo.path().join("report.html")).unwrap(),
        report(repo.path(), &["--at", "HEAD"])
    );
}

#[test]
fn a_placeholder_is_no_evidence_and_an_exclusion_is_for_a_person_to_judge() {
    let repo = Repo::new();
    repo.write(
        "policies/ai-policy.yaml",
        "id: POL-1\ntitle: AI policy\nowner: ai-governance-lead\nscope: \"[describe the scope of the policy]\"\n",
    );
    repo.write(
        "governance/statement-of-applicability.yaml",
        "id: SOA-1\ncontrols:\n  - id: A.10.4\n    applicable: false\n    justification: we have no customers who use our AI systems\n  - id: A.2.2\n    applicable: true\n    justification: we set AI policy\n    status: implemented\n    evidence: [policies/ai-policy.yaml, policies/missing.md]\n",
    );
    repo.commit();
    let r: Value =
        serde_json::from_str(&report(repo.path(), &["--at", "HEAD", "--format", "json"])).unwrap();
    let a22 = control(&r, "A.2.2");
    assert_eq!(a22["status"], "no-evidence", "{a22:#}");
    let evidence = a22["evidence"].as_array().unwrap();
    let policy = evidence
        .iter()
        .find(|e| e["path"] == "policies/ai-policy.yaml")
        .unwrap();
    assert_eq!(policy["placeholder"], true);
    assert_eq!(
        policy["cited_by"],
        serde_json::json!(["kind", "statement-of-applicability"])
    );
    let missing = evidence
        .iter()
        .find(|e| e["path"] == "policies/missing.md")
        .unwrap();
    assert_eq!(missing["missing"], true);
    assert_eq!(a22["applicability"]["applicable"], true);
    let a104 = control(&r, "A.10.4");
    assert_eq!(a104["status"], "excluded");
    assert_eq!(a104["established"], serde_json::json!(["needs-review"]));
    assert_eq!(
        a104["applicability"]["justification"],
        "we have no customers who use our AI systems"
    );
    // A path reports the repository under its configuration, and nothing beside it.
    repo.write("team-b/aims-lint.toml", "[rules]\n");
    repo.write(
        "team-b/policies/ai-policy.yaml",
        "id: POL-B\ntitle: AI policy\nowner: team-b-lead\nscope: team B's AI systems\n",
    );
    repo.commit();
    for args in [
        &["team-b", "--format", "json"][..],
        &["team-b", "--at", "HEAD", "--format", "json"],
    ] {
        let scoped: Value = serde_json::from_str(&report(repo.path(), args)).unwrap();
        let paths: std::collections::BTreeSet<String> = scoped["controls"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["evidence"].as_array().unwrap().iter())
            .map(|e| e["path"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            paths.into_iter().collect::<Vec<_>>(),
            ["team-b/policies/ai-policy.yaml"],
            "{args:?}"
        );
    }
    // Outside git, --at is an error that says what to do.
    let plain = tempfile::tempdir().unwrap();
    let out = run_in(plain.path(), &["report", "--at", "HEAD"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--at needs a git repository"),
        "{}",
        stderr(&out)
    );
}

/// Headless Chromium, with a folder of its own, cut off from the network.
struct Chromium {
    bin: std::path::PathBuf,
    work: tempfile::TempDir,
}

impl Chromium {
    fn run(&self, file: &Path, extra: &[&str]) -> std::process::Output {
        let out = Command::new(&self.bin)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--enable-logging=stderr",
                "--v=0",
                // Nothing leaves the machine: every host name fails to resolve.
                "--host-resolver-rules=MAP * ~NOTFOUND",
            ])
            .args(extra)
            .arg(format!("file://{}", file.display()))
            .env("HOME", self.work.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Every URL in Chromium's network log but the file and the browser's own services
    /// (which it calls whatever the page is): what the page asked for.
    fn requests(&self, file: &Path) -> Vec<String> {
        let log = self.work.path().join("net.json");
        self.run(
            file,
            &[&format!("--log-net-log={}", log.display()), "--dump-dom"],
        );
        let text = std::fs::read_to_string(&log).unwrap();
        let urls = regex::Regex::new(r#""url":"([^"]+)""#).unwrap();
        let own = regex::Regex::new(
            r"^https?://([a-z0-9-]+\.)*(google\.com|gvt1\.com|googleapis\.com|gstatic\.com)/",
        )
        .unwrap();
        let mut out: Vec<String> = urls
            .captures_iter(&text)
            .map(|c| c[1].to_string())
            .filter(|u| !u.starts_with("file://") && !own.is_match(u))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The pages of `file` printed to PDF.
    fn pages(&self, file: &Path) -> usize {
        let pdf = self.work.path().join("report.pdf");
        self.run(
            file,
            &[
                &format!("--print-to-pdf={}", pdf.display()),
                "--no-pdf-header-footer",
            ],
        );
        let bytes = std::fs::read(&pdf).unwrap();
        regex::bytes::Regex::new(r"/Type\s*/Page[^s]")
            .unwrap()
            .find_iter(&bytes)
            .count()
    }

    fn write(&self, name: &str, text: &str) -> std::path::PathBuf {
        let path = self.work.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }
}

#[test]
fn the_html_page_is_self_contained_and_chromium_renders_the_chart_and_every_control() {
    let dir = examples_repository();
    let html = report(dir, &["examples", "--at", "HEAD"]);
    // Nothing is fetched: no script, no external reference of any kind.
    for forbidden in [
        "<script", "src=", "@import", "url(", "<link", "https:", "//cdn",
    ] {
        assert!(!html.contains(forbidden), "{forbidden}");
    }
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    let Some(bin) = common::peer("AIMS_LINT_CHROMIUM") else {
        return;
    };
    let chromium = Chromium {
        bin,
        work: tempfile::tempdir().unwrap(),
    };
    let page = chromium.write("report.html", &html);
    // A page that fetches an image: the same check must see its request.
    let leak = chromium.write(
        "leak.html",
        "<!DOCTYPE html><img src=\"https://example.com/x.png\" alt=\"\">",
    );
    assert_eq!(chromium.requests(&leak), ["https://example.com/x.png"]);
    assert_eq!(chromium.requests(&page), Vec::<String>::new());
    let dom = chromium.run(&page, &["--dump-dom"]);
    let log = String::from_utf8_lossy(&dom.stderr);
    for bad in ["Uncaught", "CONSOLE", "Failed to load resource"] {
        assert!(!log.contains(bad), "{bad}: {log}");
    }
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("<svg id=\"chart\""), "{dom}");
    let table = &dom[dom.find("<table id=\"controls\">").unwrap()..];
    let body = &table[..table.find("</tbody>").unwrap()];
    assert_eq!(
        body.matches("<tr><th scope=\"row\"><a href=\"#c-A.")
            .count(),
        38
    );
    // Printed, each area (nine and the clauses) starts a page: more pages than the same
    // report without its page breaks.
    assert!(html.contains("section.area { break-before: page; }"));
    let unbroken = chromium.write(
        "unbroken.html",
        &html.replace("section.area { break-before: page; }", ""),
    );
    let (pages, without) = (chromium.pages(&page), chromium.pages(&unbroken));
    assert!(
        pages >= 11 && pages > without,
        "{pages} pages, {without} without breaks"
    );
    let shot = chromium.work.path().join("report.png");
    chromium.run(
        &page,
        &[
            &format!("--screenshot={}", shot.display()),
            "--window-size=1200,1500",
        ],
    );
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);
}

#[test]
fn the_oscal_results_and_plan_import_into_compliance_trestle() {
    let dir = examples_repository();
    let results = report(dir, &["examples", "--at", "HEAD", "--format", "oscal"]);
    let plan = report(dir, &["examples", "--at", "HEAD", "--format", "oscal-plan"]);
    // Reproducible, UUIDs included.
    assert_eq!(
        results,
        report(dir, &["examples", "--at", "HEAD", "--format", "oscal"])
    );
    let uuids =
        regex::Regex::new(r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
            .unwrap();
    insta::assert_snapshot!(
        "report_oscal_plan",
        without_ids(&uuids.replace_all(&plan, "[uuid]"))
    );
    insta::assert_snapshot!(
        "report_oscal",
        without_ids(&uuids.replace_all(&results, "[uuid]"))
    );
    let doc: Value = serde_json::from_str(&results).unwrap();
    let ar = &doc["assessment-results"];
    assert_eq!(ar["import-ap"]["href"], "aims-lint-assessment-plan.json");
    let result = &ar["results"][0];
    let findings = result["findings"].as_array().unwrap();
    // One finding per control (the 38 and the clauses with rules), one observation per rule
    // evaluation, each naming the file, its blob and the commit.
    assert_eq!(findings.len(), 41);
    let a104 = findings
        .iter()
        .find(|f| f["target"]["target-id"] == "a.10.4")
        .unwrap();
    assert_eq!(a104["target"]["status"]["state"], "not-satisfied");
    assert_eq!(a104["target"]["status"]["reason"], "other");
    let observations = result["observations"].as_array().unwrap();
    let head = git(dir, &["rev-parse", "HEAD"]);
    let failing = observations
        .iter()
        .find(|o| {
            o["title"]
                == "dataset-sheet-missing-provenance on examples/datasets/crm/crm-export.yaml"
        })
        .unwrap();
    let evidence = &failing["relevant-evidence"][0];
    assert_eq!(evidence["href"], "examples/datasets/crm/crm-export.yaml");
    let props = |v: &Value| -> Vec<(String, String)> {
        v["props"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["value"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert!(props(evidence).contains(&("commit".into(), head.clone())));
    assert!(props(evidence).contains(&(
        "blob".into(),
        git(
            dir,
            &["rev-parse", "HEAD:examples/datasets/crm/crm-export.yaml"]
        )
    )));
    assert!(props(failing).contains(&("result".into(), "fail".into())));
    assert!(props(failing).contains(&("finding-line".into(), "7".into())));
    // Each finding points at its control's observations, and every pointer resolves.
    let ids: std::collections::HashSet<&str> = observations
        .iter()
        .map(|o| o["uuid"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        observations.len(),
        "observation UUIDs are unique"
    );
    for f in findings {
        for r in f["related-observations"].as_array().into_iter().flatten() {
            assert!(ids.contains(r["observation-uuid"].as_str().unwrap()));
        }
    }
    import_into_trestle(&results, &plan, &doc);
}

/// A real OSCAL consumer: compliance-trestle validates the results and the plan against its
/// models, generated from NIST's schemas, and refuses a broken document.
fn import_into_trestle(results: &str, plan: &str, doc: &Value) {
    let Some(trestle) = common::peer("AIMS_LINT_TRESTLE") else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("results.json"), results).unwrap();
    std::fs::write(work.path().join("aims-lint-assessment-plan.json"), plan).unwrap();
    let mut broken = doc.clone();
    broken["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] =
        "fine".into();
    std::fs::write(work.path().join("broken.json"), broken.to_string()).unwrap();
    let ws = work.path().join("ws");
    std::fs::create_dir(&ws).unwrap();
    let trestle_in = |args: &[&str]| {
        Command::new(&trestle)
            .args(args)
            .current_dir(&ws)
            .output()
            .unwrap()
    };
    let out = trestle_in(&["init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (file, name) in [
        ("results.json", "aims"),
        ("aims-lint-assessment-plan.json", "aims-plan"),
    ] {
        let out = trestle_in(&["import", "-f", &format!("../{file}"), "-o", name]);
        assert!(
            out.status.success(),
            "{file}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        ws.join("assessment-results/aims/assessment-results.json")
            .is_file()
    );
    assert!(
        ws.join("assessment-plans/aims-plan/assessment-plan.json")
            .is_file()
    );
    let out = trestle_in(&["import", "-f", "../broken.json", "-o", "broken"]);
    assert!(!out.status.success());
    assert!(!ws.join("assessment-results/broken").exists());
}

#[test]
fn the_last_change_of_evidence_is_its_last_substantive_one() {
    let repo = Repo::new();
    assert!(repo.run(&["init"]).status.success());
    repo.commit();
    let policy = "policies/ai-policy.md";
    let text = std::fs::read_to_string(repo.path().join(policy)).unwrap();
    let edited = text.replace(
        "across all subsidiaries.",
        "across all subsidiaries and partners.",
    );
    repo.write(policy, &edited);
    repo.commit_as(
        "Bob Okoro",
        "bob@example.org",
        "2026-04-01T10:00:00Z",
        "widen scope",
    );
    // White space, and a new approval, are not changes of the content.
    repo.write(
        policy,
        edited
            .replace("\n\n", "\n\n\n")
            .replace("approval_date: 2026-03-02", "approval_date: 2026-05-02"),
    );
    repo.commit_as(
        "Carol Reyes",
        "carol@example.org",
        "2026-05-02T10:00:00Z",
        "approve, reflow",
    );
    let r: Value =
        serde_json::from_str(&report(repo.path(), &["--at", "HEAD", "--format", "json"])).unwrap();
    let e = control(&r, "A.2.2")["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == policy)
        .unwrap()
        .clone();
    assert_eq!(e["last_change"]["author"], "Bob Okoro <bob@example.org>");
    assert_eq!(e["last_change"]["date"], "2026-04-01");
    assert_eq!(e["approval"]["date"], "2026-05-02");
    // A file only ever added: its adding commit.
    let roles = control(&r, "A.3.2")["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "governance/roles.yaml")
        .unwrap()
        .clone();
    assert_eq!(
        roles["last_change"]["author"],
        "Ada Lovelace <ada@example.org>"
    );
}

#[test]
fn cited_evidence_outside_the_repository_is_missing_and_never_read() {
    let repo = Repo::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.md"), "outside the repository\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join("linked")).unwrap();
    let secret = outside.path().join("secret.md");
    repo.write(
        "governance/statement-of-applicability.yaml",
        format!(
            "id: SOA-1\ncontrols:\n  - id: A.2.2\n    applicable: true\n    justification: we set AI policy\n    status: implemented\n    evidence: [{}, ../../../..{}, linked/secret.md, policy.pdf, \"pipe|name`.pdf\"]\n",
            secret.display(),
            secret.display()
        ),
    );
    // Evidence that is not text: its blob id is in the manifest all the same.
    repo.write("governance/policy.pdf", b"%PDF-1.4\n\xff\xfe\x00binary\n");
    // A file name that would end a Markdown code span or split a table row.
    repo.write("governance/pipe|name`.pdf", "x");
    repo.commit();
    for args in [
        &["--format", "json"][..],
        &["--at", "HEAD", "--format", "json"],
    ] {
        let r: Value = serde_json::from_str(&report(repo.path(), args)).unwrap();
        let evidence = control(&r, "A.2.2")["evidence"].as_array().unwrap().clone();
        let pdf = evidence
            .iter()
            .find(|e| e["path"] == "governance/policy.pdf")
            .unwrap();
        assert_eq!(pdf["missing"], false, "{args:?}");
        assert_eq!(
            pdf["blob"],
            git(repo.path(), &["rev-parse", "HEAD:governance/policy.pdf"]).as_str()
        );
        let missing: Vec<&Value> = evidence.iter().filter(|e| e["missing"] == true).collect();
        assert_eq!(missing.len(), 3, "{args:?}: {evidence:#?}");
        assert!(
            missing
                .iter()
                .all(|e| e["blob"].is_null() && e["last_change"].is_null())
        );
        let manifest: Vec<&str> = r["manifest"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            manifest,
            [
                "governance/pipe|name`.pdf",
                "governance/policy.pdf",
                "governance/statement-of-applicability.yaml"
            ],
            "{args:?}"
        );
    }
    let md = report(repo.path(), &["--at", "HEAD", "--format", "markdown"]);
    assert!(md.contains("| ``governance/pipe\\|name`.pdf`` | "), "{md}");
}

#[test]
fn an_empty_repository_has_no_evidence_and_a_closed_pipe_ends_quietly() {
    let repo = Repo::new();
    let r: Value = serde_json::from_str(&report(repo.path(), &["--format", "json"])).unwrap();
    assert_eq!(r["totals"]["no-evidence"], 38);
    assert_eq!(r["context"]["commit"], Value::Null);
    assert_eq!(r["manifest"], serde_json::json!([]));
    let md = report(repo.path(), &["--format", "markdown"]);
    assert!(
        md.contains("Reported on: the files as they are (no commit)"),
        "{md}"
    );
    // No commit to report at: an error that names the ref.
    let out = run_in(repo.path(), &["report", "--at", "HEAD"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--at: `HEAD` is not a commit here"),
        "{}",
        stderr(&out)
    );
    // A reader that stops early (`report | head`) ends the run with 0 and no error.
    let mut child = Command::new(common::BIN)
        .arg("report")
        .current_dir(repo.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_public_model_card_evidences_its_documentation_not_the_organisations_governance() {
    let repo = Repo::new();
    // A Hugging Face card without the organisation's `aims` block, and no roles file.
    repo.write(
        "model-cards/public.md",
        "---\nlicense: mit\npipeline_tag: fill-mask\n---\n# Public model\n\nA model someone else published.\n",
    );
    repo.commit();
    let r: Value =
        serde_json::from_str(&report(repo.path(), &["--at", "HEAD", "--format", "json"])).unwrap();
    let paths = |id: &str| -> Vec<String> {
        control(&r, id)["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["path"].as_str().unwrap().to_string())
            .collect()
    };
    // Its release approval and impact assessment are the organisation's to record in `aims`:
    // rules that do not judge a public card take no evidence from it.
    for id in ["A.5.2", "A.5.3", "A.6.2.5"] {
        assert!(paths(id).is_empty(), "{id}: {:?}", paths(id));
        assert_eq!(control(&r, id)["status"], "no-evidence", "{id}");
    }
    // What it documents about the model is evidence of that documentation.
    assert_eq!(paths("A.6.2.3"), ["model-cards/public.md"]);
    // Roles are defined in a roles file, which there is not.
    assert_eq!(control(&r, "A.3.2")["status"], "no-evidence");
}
