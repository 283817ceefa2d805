//! Helpers shared by the end-to-end tests: git repositories in temporary folders, and running
//! the binary.

#![allow(dead_code, reason = "each test crate uses a part of the helpers")]

use std::path::Path;
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_aims-lint");

/// A git repository in a temporary folder.
pub struct Repo {
    pub dir: tempfile::TempDir,
}

impl Repo {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let repo = Self { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> &Self {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
        self
    }

    pub fn git(&self, args: &[&str]) {
        let status = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", "Ada Lovelace")
            .env("GIT_AUTHOR_EMAIL", "ada@example.org")
            .env("GIT_COMMITTER_NAME", "Ada Lovelace")
            .env("GIT_COMMITTER_EMAIL", "ada@example.org")
            .env("GIT_AUTHOR_DATE", "2026-03-02T10:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-03-02T10:00:00Z")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    }

    /// Run git as `name <email>` at `date` (author and committer), and return its stdout.
    pub fn git_as(&self, args: &[&str], name: &str, email: &str, date: &str) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", email)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Commit everything as `name <email>` at `date`.
    pub fn commit_as(&self, name: &str, email: &str, date: &str, message: &str) {
        self.git_as(&["add", "-A"], name, email, date);
        self.git_as(&["commit", "-q", "-m", message], name, email, date);
    }

    pub fn commit(&self) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", "add documents"]);
    }

    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.path(), args, &[])
    }
}

/// The day every end-to-end run is judged on, unless a test says otherwise: review intervals
/// and suppression expiry do not depend on when the tests run.
pub const NOW: &str = "2026-12-01";

pub fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .current_dir(dir)
        .env("AIMS_LINT_NOW", NOW)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("FORCE_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// A peer tool's path from environment variable `var`; `None` (and a note) when it is not
/// installed, unless `AIMS_LINT_REQUIRE_PEERS` is set (as `.ci/run` does): then a panic.
pub fn peer(var: &str) -> Option<std::path::PathBuf> {
    match std::env::var_os(var) {
        Some(p) => Some(std::path::PathBuf::from(p)),
        None if std::env::var_os("AIMS_LINT_REQUIRE_PEERS").is_some() => {
            panic!("{var} is not set, and AIMS_LINT_REQUIRE_PEERS is")
        }
        None => {
            #[allow(clippy::print_stderr, reason = "says why a test did not run its check")]
            {
                eprintln!("{var} is not set: skipped (.ci/run sets it)");
            }
            None
        }
    }
}

/// `check --format json --no-blame ARGS` in `repo`: the report and the exit status.
pub fn check_json(repo: &Repo, args: &[&str]) -> (serde_json::Value, Option<i32>) {
    let mut all = vec!["check", "--format", "json", "--no-blame"];
    all.extend_from_slice(args);
    let out = repo.run(&all);
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no JSON report: {}", stderr(&out)));
    (report, out.status.code())
}

/// Characters that must never reach a terminal or a CI log raw: every control character but
/// the line break, and the characters that reorder text.
pub fn raw_controls(s: &str) -> Vec<char> {
    s.chars()
        .filter(|c| {
            (c.is_control() && *c != '\n')
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        })
        .collect()
}

/// The AI system record, impact assessment and dataset sheet that the card's references
/// resolve to: a clean repository is a coherent one.
pub const GOOD_SYSTEM: &str = r"id: ticket-router
owner: ml-lead
lifecycle_stage: development
ai_roles: [developer, user]
intended_use: {purpose: suggest a team for each ticket, users: support agents, context: helpdesk}
out_of_scope_uses: [decisions about people]
requirements:
  - {id: R1, statement: route 90% of tickets right, type: performance, source: support, acceptance_criteria: accuracy >= 0.90}
models: [model-cards/router.md]
impact_assessment: impact-assessments/router.yaml
resources:
  data: [claims-2024]
  tooling: [{name: transformers, version: 4.44.2, purpose: training}]
  compute: [{environment: train, hardware: 1 GPU, provider: internal, region: Berlin}]
  human: [{role: ml-lead, required_competences: [NLP]}]
technical_documentation: [{audience: internal, path: model-cards/router.md}]
";
pub const GOOD_ASSESSMENT: &str = r"id: IA-1
owner: ml-lead
system_id: ticket-router
date: 2026-01-05
assessors: [Ada Lovelace]
scope: ticket routing
results: low impact
decision: approved
approved_by: Ada Lovelace
retention_until: 2036-01-05
affected_groups:
  - {group: customers, vulnerable: false, impact: slower answers, likelihood: possible, severity: minor, mitigation: agents confirm, residual_severity: minor}
societal_impacts: []
not_applicable_reason: routing tickets has no effect beyond the customers who write in
";
pub const GOOD_SHEET: &str = include_str!("../../src/starter/datasheets/claims-2024.md");

/// The principle that the second commit of [`examples_repository`] rewrote, after the approval.
const EARLIER_PRINCIPLE: &str = "- A person confirms the AI system's suggestion for each customer.";
const PRINCIPLE: &str = "- A person makes or confirms every decision about a customer's case.";

pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_symlink() {
            // A link stays a link (the fixtures of `file-not-regular`).
            #[cfg(unix)]
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), target).unwrap();
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `examples/` in a git repository of its own, with a history fixed in authors, dates and
/// contents: Grace Hopper commits the documents on the day she approved the AI policy, with
/// an earlier wording of one principle; Ada Lovelace rewrites the principle in March, and
/// nobody approves the change. The history rules report it, the same on every machine (the
/// repository's own history of `examples/` is ours, not ACME's).
pub fn examples_repository() -> &'static Path {
    static REPO: std::sync::OnceLock<Repo> = std::sync::OnceLock::new();
    REPO.get_or_init(|| {
        let repo = Repo::new();
        let examples = repo.path().join("examples");
        copy_tree(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
            &examples,
        );
        let policy = examples.join("policies/ai-policy.md");
        let text = std::fs::read_to_string(&policy).unwrap();
        assert!(text.contains(PRINCIPLE));
        std::fs::write(&policy, text.replace(PRINCIPLE, EARLIER_PRINCIPLE)).unwrap();
        repo.commit_as(
            "Grace Hopper",
            "grace.hopper@acme.example",
            "2026-01-15T16:00:00Z",
            "Add the AIMS evidence, with the AI policy as approved",
        );
        std::fs::write(&policy, text).unwrap();
        repo.commit_as(
            "Ada Lovelace",
            "ada.lovelace@acme.example",
            "2026-03-10T09:30:00Z",
            "Say that a person decides, not only confirms",
        );
        repo
    })
    .path()
}

/// The errors of `value` against the JSON Schema `schemas/<name>`, as text.
pub fn schema_errors(value: &serde_json::Value, name: &str) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("schemas")
                .join(name),
        )
        .unwrap(),
    )
    .unwrap();
    let validator = aims_lint::rules::compile(&schema).unwrap();
    validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect()
}
