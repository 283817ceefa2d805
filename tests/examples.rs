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

/// A check drops each finding's text once its positions are known
/// (`Settings::findings_keep_text`, which `check` turns off), and the human report reads each
/// file again to show its lines: on the examples' history, with blame, the corpus and history
/// rules, a waiver, and with `--changed-since`, every format prints what a check that keeps
/// the texts prints.
#[test]
fn a_check_that_drops_the_texts_reports_what_one_that_keeps_them_does() {
    use aims_lint::report::{self, Format, Options};
    use aims_lint::run::{self, Project, Request};

    let paths = [common::examples_repository().join("examples")];
    let common = aims_lint::cli::CommonArgs {
        now: Some("2026-12-01".to_string()),
        ..Default::default()
    };
    for since in [None, Some("HEAD~1")] {
        let check = |keep: bool| {
            let mut project = Project::load(&paths, &common).unwrap();
            project.settings.findings_keep_text = keep;
            let request = Request {
                paths: &paths,
                changed_since: since,
                blame: true,
                ..Default::default()
            };
            (run::check(&project, &request).unwrap(), project.registry)
        };
        let (kept, registry) = check(true);
        let (dropped, _) = check(false);
        assert!(!kept.findings.is_empty(), "{since:?}");
        assert!(kept.findings.iter().all(|f| f.blame.is_some()), "{since:?}");
        assert!(kept.findings.iter().all(|f| !f.source.is_detached()));
        // Every finding drops it but a reference's, whose cited value the gate reads.
        for f in &dropped.findings {
            let reference = registry
                .rule(&f.rule.id)
                .is_some_and(|r| r.check == Some(aims_lint::rules::Check::Reference));
            assert_eq!(f.source.is_detached(), !reference, "{since:?} {f:?}");
        }
        assert!(
            dropped.findings.iter().any(|f| f.source.is_detached()),
            "{since:?}"
        );
        let options = Options {
            color: false,
            width: 100,
            concise_blame: false,
            link_base: None,
            root: Some(common::examples_repository().to_path_buf()),
        };
        for format in [
            Format::Human,
            Format::Concise,
            Format::Github,
            Format::Markdown,
            Format::Json,
            Format::Sarif,
        ] {
            let print = |outcome| {
                let mut out = Vec::new();
                report::write(&mut out, outcome, format, &options, &registry).unwrap();
                String::from_utf8(out).unwrap()
            };
            assert_eq!(print(&kept), print(&dropped), "{since:?} {format:?}");
        }
    }
}
