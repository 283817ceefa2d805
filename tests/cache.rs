//! `check --cache` end to end, on real git repositories: a run on some files with the cache
//! reports what the same run without it reports, through edits that keep a file's size,
//! deletions, new files and a new configuration; the cache lives in the git directory, is not
//! written when nothing changed, and is never read or written through a link.

// Only on Unix: elsewhere the cache keeps nothing (no change time to trust).
#![cfg(unix)]
#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::Value;

mod common;

use common::{Repo, check_json, stderr};

const SYSTEM: &str = "id: ticket-router\nowner: head-of-support\nlifecycle_stage: operation\ndatasets: [support-tickets]\n";
const CHATBOT: &str = "id: chatbot\nowner: head-of-support\nlifecycle_stage: operation\ndatasets: [support-tickets]\n";
const SHEET: &str = "id: support-tickets\nowner: data-steward\n# A sheet of 150 bytes or so: larger than the limit of the last configuration below.\n";
const ASSESSMENT: &str = "id: IA-1\nowner: ai-governance-lead\nsystem_id: ticket-router\n";
const NAMED: &str = "ai-systems/router.yaml";

/// How long a file must be left alone before the cache keeps it (`SETTLED`, and a margin).
const SETTLE: Duration = Duration::from_millis(3_300);

fn cache_of(repo: &Repo) -> std::path::PathBuf {
    repo.path().join(".git/aims-lint/corpus")
}

fn modified(path: &Path) -> SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

/// The findings of a run on the router alone, with and without the cache: they must agree.
fn findings(repo: &Repo) -> Value {
    let (cold, code) = check_json(repo, &[NAMED]);
    let (cached, cached_code) = check_json(repo, &["--cache", NAMED]);
    assert_eq!(cached["findings"], cold["findings"], "{cached:#}\n{cold:#}");
    assert_eq!(cached_code, code);
    cold["findings"].clone()
}

fn rules(findings: &Value) -> Vec<String> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_run_with_the_cache_reports_what_a_run_without_it_reports() {
    let repo = Repo::new();
    repo.write(NAMED, SYSTEM)
        .write("ai-systems/chatbot.yaml", CHATBOT)
        .write("datasheets/support-tickets.yaml", SHEET)
        .write("impact-assessments/router.yaml", ASSESSMENT)
        .write("notes/readme.md", "# Notes\n");
    repo.commit();
    std::thread::sleep(SETTLE);

    // A run on the whole repository with the cache reports what one without it reports (it
    // reads every document in full, and writes the cache).
    let (whole, _) = check_json(&repo, &[]);
    let (whole_cached, _) = check_json(&repo, &["--cache"]);
    assert_eq!(whole_cached["findings"], whole["findings"]);
    assert_eq!(whole_cached["summary"], whole["summary"]);

    // A run on one file reads it; the next writes nothing.
    let before = findings(&repo);
    let cache = cache_of(&repo);
    assert!(std::fs::symlink_metadata(&cache).unwrap().is_file());
    let written = modified(&cache);
    assert_eq!(findings(&repo), before);
    assert_eq!(
        modified(&cache),
        written,
        "nothing changed: the cache is not written"
    );
    assert!(!rules(&before).contains(&"ai-system-without-impact-assessment".to_string()));

    // The assessment now covers another system, in as many bytes: its size is the same, its
    // change time is not. The router has no assessment any more.
    let other = ASSESSMENT.replace("ticket-router", "ticket-rooter");
    assert_eq!(other.len(), ASSESSMENT.len());
    repo.write("impact-assessments/router.yaml", &other);
    let after = findings(&repo);
    assert!(
        rules(&after).contains(&"ai-system-without-impact-assessment".to_string()),
        "{after:#}"
    );

    // The assessment is deleted, then a new one is added: both seen.
    std::fs::remove_file(repo.path().join("impact-assessments/router.yaml")).unwrap();
    assert!(rules(&findings(&repo)).contains(&"ai-system-without-impact-assessment".to_string()));
    repo.write("impact-assessments/new.yaml", ASSESSMENT);
    assert!(!rules(&findings(&repo)).contains(&"ai-system-without-impact-assessment".to_string()));

    // A configuration under which the (cached, unchanged) sheet is too large to read: the
    // cache made under the old one is set aside, and the router cites a sheet that is not one.
    assert!(!rules(&findings(&repo)).contains(&"ai-system-dataset-without-sheet".to_string()));
    assert!(SHEET.len() > 120 && SYSTEM.len() < 120);
    repo.write("aims-lint.toml", "[limits]\nmax-file-size = 120\n");
    assert!(
        rules(&findings(&repo)).contains(&"ai-system-dataset-without-sheet".to_string()),
        "the cached sheet was reused under another configuration"
    );
}

#[test]
fn a_cache_that_is_garbage_is_set_aside_and_one_behind_a_link_is_an_error() {
    let repo = Repo::new();
    repo.write(NAMED, SYSTEM)
        .write("datasheets/support-tickets.yaml", SHEET);
    repo.commit();
    let expected = findings(&repo);
    let cache = cache_of(&repo);

    // Garbage in the cache's place: set aside, and the run is the same.
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    std::fs::write(&cache, b"aims-lint corpus cache 1\n\xff\xff\xff\xff").unwrap();
    assert_eq!(findings(&repo), expected);

    // The cache's folder replaced by a link out of the repository: the run says so and exits
    // 2, and nothing is written where the link points.
    let outside = tempfile::tempdir().unwrap();
    std::fs::remove_dir_all(repo.path().join(".git/aims-lint")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join(".git/aims-lint")).unwrap();
    let out = repo.run(&["check", "--no-blame", "--cache", NAMED]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("not a folder"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
}

#[test]
fn the_cache_needs_a_git_repository() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("ai-systems")).unwrap();
    std::fs::write(dir.path().join(NAMED), SYSTEM).unwrap();
    let out = common::run_in(dir.path(), &["check", "--no-blame", "--cache", NAMED], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not in a git repository"),
        "{}",
        stderr(&out)
    );
    assert!(std::fs::read_dir(dir.path()).unwrap().count() == 1);
}
