//! Every built-in rule against its fixtures: each `pass/*` file gives no finding of the rule,
//! each `fail/*` file gives at least one, and the diagnostics of each `fail/*` file match the
//! snapshot in `rules/<id>/snapshots/` (human output without colour at width 80, then the
//! concise lines). `INSTA_UPDATE=always cargo test --test rules` rewrites snapshots.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

use std::path::{Path, PathBuf};

use aims_lint::config::Settings;
use aims_lint::discover;

mod common;

use aims_lint::report::{self, Options};
use aims_lint::rules::{Check, Registry, Rule};
use aims_lint::run::{Checked, Outcome, check_as};
use aims_lint::source::SourceFile;
use common::Repo;

fn rules_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

fn fixtures(rule_dir: &Path, which: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(rule_dir.join(which))
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn load(path: &Path, rule_dir: &Path) -> std::sync::Arc<SourceFile> {
    let bytes = std::fs::read(path).unwrap();
    let text = String::from_utf8(bytes).expect("fixtures are UTF-8");
    let text = text
        .strip_prefix('\u{feff}')
        .map_or(text.clone(), str::to_string);
    let name = path
        .strip_prefix(rule_dir)
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    SourceFile::new(name, text)
}

fn render(outcome: &Outcome, registry: &Registry) -> String {
    let mut out = Vec::new();
    let opts = Options {
        color: false,
        width: 80,
        concise_blame: false,
        link_base: None,
        root: None,
    };
    report::write(&mut out, outcome, report::Format::Human, &opts, registry).unwrap();
    out.extend_from_slice(b"---- concise ----\n");
    report::write(&mut out, outcome, report::Format::Concise, &opts, registry).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn every_rule_passes_its_pass_fixtures_and_fails_its_fail_fixtures() {
    let settings = Settings::defaults(rules_dir());
    let registry = Registry::load(&settings).unwrap();
    assert!(!registry.rules().is_empty());
    for rule in registry.rules() {
        let dir = rules_dir().join(&rule.info.id);
        let pass = fixtures(&dir, "pass");
        let fail = fixtures(&dir, "fail");
        assert!(!pass.is_empty(), "{}: no pass fixture", rule.info.id);
        assert!(!fail.is_empty(), "{}: no fail fixture", rule.info.id);
        if rule.check.is_some_and(Check::is_builtin) {
            builtin_fixtures(rule, &dir, &pass, &fail, &registry);
            continue;
        }
        let kind = &rule.applies_to[0];
        if rule.check.is_some_and(Check::is_corpus) {
            corpus_fixtures(rule, &dir, &pass, &fail, &registry);
            continue;
        }
        if rule.check.is_some_and(Check::is_history) {
            history_fixtures(rule, &dir, &pass, &fail, &registry);
            continue;
        }
        for path in pass {
            let findings = check_as(&load(&path, &dir), kind, &settings, &registry);
            let own: Vec<_> = findings
                .iter()
                .filter(|f| f.rule.id == rule.info.id)
                .collect();
            assert!(own.is_empty(), "{}: {own:#?}", path.display());
            let syntax: Vec<_> = findings
                .iter()
                .filter(|f| f.rule.control.is_none())
                .collect();
            assert!(syntax.is_empty(), "{}: {syntax:#?}", path.display());
        }
        for path in fail {
            let source = load(&path, &dir);
            let findings: Vec<_> = check_as(&source, kind, &settings, &registry)
                .into_iter()
                .filter(|f| f.rule.id == rule.info.id)
                .collect();
            assert!(
                !findings.is_empty(),
                "{}: the rule did not fire",
                path.display()
            );
            for f in &findings {
                assert!(
                    f.span.end.byte <= source.text().len(),
                    "span outside the file"
                );
            }
            let outcome = Outcome {
                findings,
                documents: vec![Checked {
                    rel: source.name().to_string(),
                    kind: kind.clone(),
                    reason: aims_lint::kinds::Reason::Config("fixture".into()),
                    blob: None,
                }],
                ..Outcome::default()
            };
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let mut s = insta::Settings::clone_current();
            s.set_snapshot_path(dir.join("snapshots"));
            s.set_prepend_module_to_snapshot(false);
            s.set_omit_expression(true);
            s.bind(|| insta::assert_snapshot!(name, render(&outcome, &registry)));
        }
    }
}

/// A corpus rule's fixtures are small repositories (folders): each is checked as a whole.
fn corpus_fixtures(
    rule: &Rule,
    dir: &Path,
    pass: &[PathBuf],
    fail: &[PathBuf],
    registry: &Registry,
) {
    let run = |repo: &Path| {
        assert!(
            repo.is_dir(),
            "{}: a corpus rule's fixture is a folder",
            repo.display()
        );
        let settings = Settings::defaults(repo.to_path_buf());
        let (candidates, _, errors) = discover::discover(&[repo.to_path_buf()], repo);
        assert!(errors.is_empty(), "{errors:?}");
        aims_lint::run::lint(candidates, Vec::new(), &settings, registry, repo, None)
    };
    for repo in pass {
        let outcome = run(repo);
        let own: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.rule.id == rule.info.id || f.rule.control.is_none())
            .collect();
        assert!(own.is_empty(), "{}: {own:#?}", repo.display());
        assert!(
            !outcome.documents.is_empty(),
            "{}: no documents",
            repo.display()
        );
    }
    for repo in fail {
        let mut outcome = run(repo);
        outcome.findings.retain(|f| f.rule.id == rule.info.id);
        assert!(
            !outcome.findings.is_empty(),
            "{}: the rule did not fire",
            repo.display()
        );
        let name = repo.file_name().unwrap().to_string_lossy().to_string();
        let mut s = insta::Settings::clone_current();
        s.set_snapshot_path(dir.join("snapshots"));
        s.set_prepend_module_to_snapshot(false);
        s.set_omit_expression(true);
        s.bind(|| insta::assert_snapshot!(name, render(&outcome, registry)));
    }
}

/// A built-in check's fixtures run as users run aims-lint: a folder is committed to a new git
/// repository, a `history.yaml` is built into one, and `aims-lint check` runs there with the
/// fixture's `args` (such as `--changed-since HEAD~1`), selecting the rule (checks without a
/// control report whatever is selected, and suppressions are judged before selection).
fn builtin_fixtures(
    rule: &Rule,
    dir: &Path,
    pass: &[PathBuf],
    fail: &[PathBuf],
    registry: &Registry,
) {
    let id = rule.info.id.as_str();
    let setup = |fixture: &Path| -> (Repo, Vec<String>) {
        if fixture.join("history.yaml").is_file() {
            let (repo, now, args) = build_history(fixture);
            let mut all = vec!["--now".to_string(), now];
            all.extend(args);
            (repo, all)
        } else {
            assert!(
                fixture.is_dir(),
                "{}: a fixture is a folder",
                fixture.display()
            );
            let repo = Repo::new();
            common::copy_tree(fixture, repo.path());
            repo.commit();
            (repo, Vec::new())
        }
    };
    let run = |repo: &Repo, args: &[String], format: &str| {
        let mut all = vec!["check", "--no-blame", "--color", "never", "--select", id];
        all.extend(args.iter().map(String::as_str));
        all.extend(["--format", format]);
        let out = repo.run(&all);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{id}: {}",
            common::stderr(&out)
        );
        common::stdout(&out)
    };
    // The findings of the rule, and of any check without a control.
    let reported = |repo: &Repo, args: &[String]| -> (Vec<String>, Vec<String>) {
        let report: serde_json::Value = serde_json::from_str(&run(repo, args, "json")).unwrap();
        let mut own = Vec::new();
        let mut uncontrolled = Vec::new();
        for f in report["findings"].as_array().unwrap() {
            let rule_id = f["rule"].as_str().unwrap().to_string();
            if rule_id == id {
                own.push(format!("{}:{}", f["path"], f["line"]));
            } else if registry
                .rule(&rule_id)
                .is_none_or(|r| r.info.control.is_none())
            {
                uncontrolled.push(rule_id);
            }
        }
        (own, uncontrolled)
    };
    for fixture in pass {
        let (repo, args) = setup(fixture);
        let (own, uncontrolled) = reported(&repo, &args);
        assert!(
            own.is_empty() && uncontrolled.is_empty(),
            "{}: {own:?} {uncontrolled:?}",
            fixture.display()
        );
    }
    for fixture in fail {
        let (repo, args) = setup(fixture);
        let (own, _) = reported(&repo, &args);
        assert!(
            !own.is_empty(),
            "{}: the rule did not fire",
            fixture.display()
        );
        let text = format!(
            "{}---- concise ----\n{}",
            run(&repo, &args, "human"),
            run(&repo, &args, "concise")
        );
        let name = fixture.file_name().unwrap().to_string_lossy().to_string();
        let mut s = insta::Settings::clone_current();
        s.set_snapshot_path(dir.join("snapshots"));
        s.set_prepend_module_to_snapshot(false);
        s.set_omit_expression(true);
        s.bind(|| insta::assert_snapshot!(name, text));
    }
}

/// Build the history of `fixture/history.yaml` in a temporary git repository: each commit, with
/// its author and date (author and committer alike), writes its files or, for `null`,
/// deletes them. Returns the repository, the `now` of the fixture and its `args`.
fn build_history(fixture: &Path) -> (Repo, String, Vec<String>) {
    let text = std::fs::read_to_string(fixture.join("history.yaml")).unwrap();
    let source = SourceFile::new("history.yaml", text.clone());
    let node =
        aims_lint::parse::yaml::parse(&source, &text, 1, aims_lint::parse::yaml::Limits::default())
            .unwrap()
            .docs
            .remove(0);
    let spec = node.to_json();
    let repo = Repo::new();
    for c in spec["commits"].as_array().unwrap() {
        let (name, email) = c["author"].as_str().unwrap().split_once(" <").unwrap();
        for (path, content) in c["files"].as_object().unwrap() {
            match content.as_str() {
                Some(text) => {
                    repo.write(path, text);
                }
                None => std::fs::remove_file(repo.path().join(path)).unwrap(),
            }
        }
        repo.commit_as(
            name,
            email.trim_end_matches('>'),
            &format!("{}T12:00:00Z", c["date"].as_str().unwrap()),
            c["message"].as_str().unwrap(),
        );
    }
    let args = spec["args"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_string()).collect())
        .unwrap_or_default();
    (repo, spec["now"].as_str().unwrap().to_string(), args)
}

/// A history rule's fixtures are histories (`history.yaml`), built at test time.
fn history_fixtures(
    rule: &Rule,
    dir: &Path,
    pass: &[PathBuf],
    fail: &[PathBuf],
    registry: &Registry,
) {
    let lint = |repo: &Repo, now: String| {
        let mut settings = Settings::defaults(repo.path().to_path_buf());
        settings.today = now;
        let (candidates, _, errors) = discover::discover(&[repo.path().to_path_buf()], repo.path());
        assert!(errors.is_empty(), "{errors:?}");
        let git = aims_lint::git::open(repo.path()).unwrap();
        aims_lint::run::lint(
            candidates,
            Vec::new(),
            &settings,
            registry,
            repo.path(),
            Some(&git),
        )
    };
    let run = |fixture: &Path| {
        let (repo, now, _) = build_history(fixture);
        let outcome = lint(&repo, now);
        (repo, outcome)
    };
    for fixture in pass {
        let (_repo, outcome) = run(fixture);
        let own: Vec<_> = outcome
            .findings
            .iter()
            .filter(|f| f.rule.id == rule.info.id || f.rule.control.is_none())
            .collect();
        assert!(own.is_empty(), "{}: {own:#?}", fixture.display());
    }
    for fixture in fail {
        let (repo, now, args) = build_history(fixture);
        if !args.is_empty() {
            // A run on the files named, as pre-commit makes it: through the command line.
            named_files_fixture(rule, dir, fixture, &repo, &now, &args);
            continue;
        }
        let mut outcome = lint(&repo, now);
        outcome.findings.retain(|f| f.rule.id == rule.info.id);
        assert!(
            !outcome.findings.is_empty(),
            "{}: the rule did not fire",
            fixture.display()
        );
        let name = fixture.file_name().unwrap().to_string_lossy().to_string();
        let mut s = insta::Settings::clone_current();
        s.set_snapshot_path(dir.join("snapshots"));
        s.set_prepend_module_to_snapshot(false);
        s.set_omit_expression(true);
        // Commit ids depend on nothing but the fixture: authors, dates and contents are fixed.
        s.bind(|| insta::assert_snapshot!(name, render(&outcome, registry)));
    }
}

/// A history fixture with `args` (the files a run names): checked through the command line,
/// and its findings, which must include the rule's, snapshotted as the command prints them.
fn named_files_fixture(
    rule: &Rule,
    dir: &Path,
    fixture: &Path,
    repo: &Repo,
    now: &str,
    args: &[String],
) {
    let id = rule.info.id.as_str();
    let run = |format: &str| {
        let mut all = vec![
            "check",
            "--no-blame",
            "--color",
            "never",
            "--select",
            id,
            "--now",
            now,
        ];
        all.extend(args.iter().map(String::as_str));
        all.extend(["--format", format]);
        common::stdout(&repo.run(&all))
    };
    let report: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    let fired = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["rule"] == id);
    assert!(fired, "{}: the rule did not fire", fixture.display());
    let name = fixture.file_name().unwrap().to_string_lossy().to_string();
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(dir.join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s.set_omit_expression(true);
    s.bind(|| insta::assert_snapshot!(name, run("human")));
}
