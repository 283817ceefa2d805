//! The labelled set: real documents from `../shared/corpus` (copied into `tests/labelled/`,
//! sources in its README), each with the findings a compliance lead expects of it in
//! `tests/labelled/expected.json`, and why. aims-lint must report exactly those: no more
//! (a wrong or repeated finding), no fewer (a missed gap), each at the line of its cause.
//! `cargo test --test labelled -- --nocapture` prints the scores.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking, and prints its scores"
)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use common::BIN;

const DIR: &str = "tests/labelled";

/// `(rule, line)` of each finding, per path relative to the labelled folder.
type Found = BTreeMap<String, Vec<(String, u64)>>;

fn found_in(report: &Value) -> Found {
    let mut out = Found::new();
    for f in report["findings"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let path = path.split_once("labelled/").map_or(path, |(_, p)| p);
        out.entry(path.to_string()).or_default().push((
            f["rule"].as_str().unwrap().to_string(),
            f["span"]["start"]["line"].as_u64().unwrap(),
        ));
    }
    out
}

fn expected() -> (Value, Found) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(DIR)
            .join("expected.json"),
    )
    .unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    let mut out = Found::new();
    for (path, doc) in json.as_object().unwrap() {
        let entry = out.entry(path.clone()).or_default();
        for f in doc["findings"].as_array().unwrap() {
            assert!(
                !f["why"].as_str().unwrap_or("").is_empty(),
                "{path}: every expected finding says why"
            );
            entry.push((
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            ));
        }
        for line in doc["placeholders"].as_array().into_iter().flatten() {
            entry.push(("template-placeholder".to_string(), line.as_u64().unwrap()));
        }
        assert!(
            !doc["judged"].as_str().unwrap_or("").is_empty(),
            "{path}: no judgement"
        );
    }
    (json, out)
}

/// Found against expected, as a lead counts: a finding is right when its rule is expected of
/// that document (at its cause when the line is the expected one too), wrong or a repeat
/// otherwise; an expected finding nobody reported is missed.
#[derive(Debug, Default, PartialEq, Eq)]
struct Score {
    found: usize,
    right: usize,
    at_the_cause: usize,
    wrong_or_repeated: usize,
    missed: usize,
}

fn score(found: &Found, expected: &Found) -> Score {
    let mut s = Score::default();
    for (path, want) in expected {
        let mut left: Vec<&(String, u64)> = want.iter().collect();
        for got in found.get(path).into_iter().flatten() {
            s.found += 1;
            if let Some(i) = left.iter().position(|w| *w == got) {
                left.remove(i);
                s.right += 1;
                s.at_the_cause += 1;
            } else if let Some(i) = left.iter().position(|w| w.0 == got.0) {
                left.remove(i);
                s.right += 1;
            } else {
                s.wrong_or_repeated += 1;
            }
        }
        s.missed += left.len();
    }
    for (path, got) in found {
        if !expected.contains_key(path) {
            s.found += got.len();
            s.wrong_or_repeated += got.len();
        }
    }
    s
}

fn check_labelled(bin: &str) -> Value {
    let out = Command::new(bin)
        .args(["check", DIR, "--format", "json", "--no-blame"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_labelled_documents_get_exactly_the_findings_a_lead_expects() {
    let (_, expected) = expected();
    let report = check_labelled(BIN);
    let found = found_in(&report);
    let s = score(&found, &expected);
    eprintln!("labelled set: {s:?}");
    // Document by document, so that a failure says where.
    for (path, want) in &expected {
        let mut want = want.clone();
        let mut got = found.get(path).cloned().unwrap_or_default();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{path}");
    }
    for path in found.keys() {
        assert!(
            expected.contains_key(path),
            "{path} has findings but no judgement"
        );
    }
    assert_eq!(s.wrong_or_repeated + s.missed, 0);
    assert!(
        expected.len() >= 25,
        "the set has {} documents",
        expected.len()
    );
    // The set's documents are checked, and the one that is not the AI policy is not.
    assert_eq!(report["summary"]["documents_total"], expected.len() - 1);
    let files = Command::new(BIN)
        .args(["files", DIR, "--all"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&files.stdout);
    let skipped = listing
        .lines()
        .find(|l| l.contains("04-ai-transparency-disclosure-standard"))
        .unwrap();
    assert!(
        skipped.starts_with("(skipped)")
            && skipped.contains("neither its title nor its file name says it is the AI policy"),
        "{skipped}"
    );
}

#[test]
fn the_score_counts_wrong_repeated_and_missed_findings() {
    let expected: Found = [(
        "a.md".to_string(),
        vec![("r".to_string(), 1), ("s".to_string(), 5)],
    )]
    .into();
    let found: Found = [
        (
            "a.md".to_string(),
            vec![
                ("r".to_string(), 1),
                ("r".to_string(), 1),
                ("t".to_string(), 2),
            ],
        ),
        ("b.md".to_string(), vec![("r".to_string(), 1)]),
    ]
    .into();
    assert_eq!(
        score(&found, &expected),
        Score {
            found: 4,
            right: 1,
            at_the_cause: 1,
            wrong_or_repeated: 3,
            missed: 1
        }
    );
}
