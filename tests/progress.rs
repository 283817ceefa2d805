//! Progress on a terminal, end to end: `aims-lint check` run on a pseudo-terminal (util-linux
//! `script`, which gives the child a terminal for stdin, stdout and stderr and copies what it
//! writes) shows documents checked, and never does under `CI`, with a machine format or in a pipe.
//! `AIMS_LINT_PROGRESS_DELAY_MS=0` shows it at once, so that no test depends on the run being slow.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

mod common;

use std::process::Command;

use common::{BIN, Repo};

/// A repository of 40 documents, enough steps for the bar to be drawn.
fn repo() -> Repo {
    let repo = Repo::new();
    for i in 0..40 {
        repo.write(&format!("datasheets/sheet-{i}.md"), common::GOOD_SHEET);
    }
    repo.commit();
    repo
}

/// What `aims-lint ARGS` writes to a terminal (stdout and stderr together), with `env`.
/// `script` is part of util-linux, on every Debian: a machine without it fails the test.
fn on_a_terminal(repo: &Repo, args: &str, env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new("script");
    cmd.args(["-q", "-e", "-c", &format!("'{BIN}' {args}"), "/dev/null"])
        .current_dir(repo.path())
        .env_remove("CI")
        .env("AIMS_LINT_PROGRESS_DELAY_MS", "0")
        .env("AIMS_LINT_NOW", common::NOW);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("util-linux `script`: {e}"));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_terminal_shows_documents_checked_and_clears_the_bar_before_the_report() {
    let repo = repo();
    let text = on_a_terminal(&repo, "check --no-blame", &[]);
    let bar = text
        .find("checking documents")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(text.contains("/40"), "{text}");
    // The report comes after the bar.
    let report = text
        .rfind("40 documents")
        .unwrap_or_else(|| panic!("{text}"));
    assert!(bar < report, "{text}");
}

#[test]
fn ci_a_machine_format_and_a_pipe_never_show_it() {
    let repo = repo();
    let ci = on_a_terminal(&repo, "check --no-blame", &[("CI", "true")]);
    assert!(!ci.contains("checking documents"), "{ci}");
    assert!(ci.contains("40 documents"), "{ci}");
    let json = on_a_terminal(&repo, "check --no-blame --format json", &[]);
    assert!(!json.contains("checking documents"), "{json}");
    let out = Command::new(BIN)
        .args(["check", "--no-blame"])
        .current_dir(repo.path())
        .env_remove("CI")
        .env("AIMS_LINT_PROGRESS_DELAY_MS", "0")
        .output()
        .unwrap();
    let piped = String::from_utf8_lossy(&out.stderr);
    assert!(!piped.contains("checking documents"), "{piped}");
}
