//! `aims-lint baseline` and `check --baseline`: known findings are left out, also after edits
//! that move their lines; new findings are reported.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

mod common;

use serde_json::Value;

use common::{Repo, check_json, stderr, stdout};

const CARD: &str = "---\npipeline_tag: fill-mask\n---\n# Card\n";

#[test]
fn a_baseline_hides_known_findings_until_something_new_appears() {
    let repo = Repo::new();
    repo.write("model-cards/a.md", CARD)
        .write("model-cards/b.md", CARD);
    repo.commit();
    let (before, code) = check_json(&repo, &[]);
    assert_eq!(code, Some(1));
    let known = before["findings"].as_array().unwrap().len();
    assert!(known > 4);

    let out = repo.run(&["baseline"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(&format!(
        "wrote {known} findings to aims-lint-baseline.json"
    )));
    let file: Value = serde_json::from_slice(
        &std::fs::read(repo.path().join("aims-lint-baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(file["version"], 1);
    assert_eq!(file["findings"].as_array().unwrap().len(), known);

    let (after, code) = check_json(&repo, &["--baseline", "aims-lint-baseline.json"]);
    assert_eq!(after["findings"], serde_json::json!([]));
    assert_eq!(
        after["summary"]["baselined"].as_u64().unwrap() as usize,
        known
    );
    assert_eq!(code, Some(0));
    // The step summary says what the baseline left out.
    let out = repo.run(&[
        "check",
        "--format",
        "markdown",
        "--baseline",
        "aims-lint-baseline.json",
    ]);
    assert!(
        stdout(&out).contains(&format!(
            "Not reported: {known} findings recorded in the baseline."
        )),
        "{}",
        stdout(&out)
    );

    // Lines move: still known.
    repo.write(
        "model-cards/a.md",
        "\n\n---\ntags: [x]\npipeline_tag: fill-mask\n---\n\nIntro.\n\n# Card\n",
    );
    let (moved, code) = check_json(&repo, &["--baseline", "aims-lint-baseline.json"]);
    assert_eq!(moved["findings"], serde_json::json!([]), "{moved:#}");
    assert_eq!(code, Some(0));

    // Something new: only it is reported.
    repo.write("model-cards/c.md", "---\nlicense: mit\n---\n# New\n");
    let (new, code) = check_json(&repo, &["--baseline", "aims-lint-baseline.json"]);
    let paths: Vec<&str> = new["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(
        !paths.is_empty() && paths.iter().all(|p| *p == "model-cards/c.md"),
        "{paths:?}"
    );
    assert_eq!(code, Some(1));

    let human = repo.run(&[
        "check",
        "--no-blame",
        "--baseline",
        "aims-lint-baseline.json",
    ]);
    assert!(
        stdout(&human).contains(&format!("; {known} findings in the baseline not shown")),
        "{}",
        stdout(&human)
    );
}

#[test]
fn a_missing_or_broken_baseline_is_an_error() {
    let repo = Repo::new();
    repo.write("model-cards/a.md", CARD);
    repo.commit();
    let out = repo.run(&["check", "--baseline", "nope.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read the baseline nope.json"),
        "{}",
        stderr(&out)
    );
    repo.write("broken.json", "{\"version\": 1}");
    let out = repo.run(&["check", "--baseline", "broken.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is not an aims-lint baseline"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_baseline_that_cannot_be_written_is_an_error() {
    let repo = Repo::new();
    repo.write("model-cards/a.md", CARD);
    repo.commit();
    let out = repo.run(&["baseline", "-o", "no/such/dir/baseline.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write no/such/dir/baseline.json"),
        "{}",
        stderr(&out)
    );
}
