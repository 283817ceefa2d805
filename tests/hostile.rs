//! A pull request's author controls every file, file name, symlink, ignore file and the
//! configuration: each test builds such a repository and asserts what the gate must still do
//! (issue 12).

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

mod common;

use std::fmt::Write as _;

use common::{Repo, raw_controls, stderr, stdout};

/// A model card that fails, whose content carries terminal escapes and a direction override.
const ESCAPING_CARD: &str = "---\nlicense: mit\nlanguage: [en]\n---\n# Ticket router \u{1b}]0;pwned\u{7}\n\n## Uses\n\n\u{1b}[2J[More Information Needed]\r::error::from-content \u{202e}txt.exe\n";

fn hostile_repo() -> Repo {
    let repo = Repo::new();
    repo.write("model-cards/router\n::error::from-name.md", ESCAPING_CARD);
    repo.write("model-cards/x|y`z<b>*_[l](u).md", ESCAPING_CARD);
    repo.commit_as(
        "Mallory \u{1b}[31m\n::add-mask::x",
        "m@example.org",
        "2026-03-02T10:00:00Z",
        "hostile",
    );
    repo
}

#[test]
fn no_text_format_prints_a_control_character_or_starts_a_runner_command() {
    let repo = hostile_repo();
    for format in ["human", "concise", "github", "markdown"] {
        for blame in [true, false] {
            let mut args = vec!["check", "--format", format, "--color", "always"];
            if !blame {
                args.push("--no-blame");
            }
            let out = repo.run(&args);
            assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
            let (so, se) = (stdout(&out), stderr(&out));
            // Colour is ours to print; only with colour off is every ESC from the content.
            let plain = if format == "human" {
                let o = repo.run(&["check", "--format", "human", "--color", "never"]);
                stdout(&o)
            } else {
                so.clone()
            };
            assert_eq!(
                raw_controls(&plain),
                Vec::<char>::new(),
                "{format}:\n{plain}"
            );
            assert_eq!(
                raw_controls(&se),
                Vec::<char>::new(),
                "{format} stderr:\n{se}"
            );
            for line in so.lines().chain(se.lines()) {
                if format == "github" {
                    assert!(
                        ["::error file=", "::warning file=", "::notice file="]
                            .iter()
                            .any(|p| line.starts_with(p)),
                        "{line}"
                    );
                } else {
                    assert!(!line.starts_with("::"), "{format}: {line}");
                }
            }
            let name = match format {
                "github" => "router%0A%3A%3Aerror%3A%3Afrom-name.md",
                _ => "router\\n::error::from-name.md",
            };
            assert!(so.contains(name), "{format}:\n{so}");
        }
    }
}

#[test]
fn the_step_summary_escapes_markup_in_every_cell() {
    let repo = hostile_repo();
    let out = common::run_in(
        repo.path(),
        &["check", "--format", "markdown"],
        &[
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_REPOSITORY", "o/r"),
            ("GITHUB_SHA", "abc"),
        ],
    );
    let md = stdout(&out);
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| error") || l.starts_with("| warning"))
        .collect();
    assert!(!rows.is_empty(), "{md}");
    for row in &rows {
        // Five cells: six pipes that are not escaped.
        let bytes = row.as_bytes();
        let pipes = (0..bytes.len())
            .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
            .count();
        assert_eq!(pipes, 6, "{row}");
        assert!(!row.contains("<b>"), "{row}");
        assert!(!row.contains("[l](u)"), "{row}");
    }
    assert!(
        md.contains("x\\|y\\`z&lt;b&gt;\\*\\_\\[l\\]\\(u\\).md"),
        "{md}"
    );
    // The author is text, not markup.
    assert!(!md.contains("<script"), "{md}");
}

#[test]
fn sarif_uris_are_percent_encoded_relative_references() {
    let repo = Repo::new();
    repo.write("http:/model-cards/a #1?%é.md", ESCAPING_CARD);
    repo.commit();
    let out = repo.run(&["check", "--format", "sarif", "--no-blame", "http:"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(!uris.is_empty());
    for uri in uris {
        assert_eq!(uri, "./http%3A/model-cards/a%20%231%3F%25%C3%A9.md");
    }
}

#[test]
fn a_finding_far_along_a_long_line_is_shown_in_a_window() {
    let repo = Repo::new();
    let mut policy = String::from("# AI Policy\n\n");
    policy.push_str(&"word ".repeat(20_000));
    policy.push_str("[Company Name]\n");
    // Many findings on one long line: each shows a window, not the line.
    let mut yaml = String::from("aims-kind: risk-register\nrisks: [");
    for i in 0..1500 {
        let _ = write!(yaml, "{{id: R{i}, title: TODO}}, ");
    }
    yaml.push_str("]\n");
    repo.write("policies/ai-policy.md", &policy);
    repo.write("risk/register.yaml", &yaml);
    repo.commit();
    let out = repo.run(&[
        "check",
        "--no-blame",
        "--color",
        "never",
        "policies",
        "risk",
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(text.contains("policies/ai-policy.md:3:100001"), "{text}");
    assert!(text.contains("│ …word word"), "{text}");
    assert!(text.contains("word [Company Name]"), "{text}");
    let longest = text.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 500, "a line of {longest} characters");
}

/// A model card with findings and nothing hostile in it.
const FAILING_CARD: &str =
    "---\nlicense: mit\n---\n# Router\n\n## Uses\n\n[More Information Needed]\n";

#[test]
fn an_ignore_file_does_not_hide_documents_git_tracks() {
    let repo = Repo::new();
    repo.write("model-cards/router.md", FAILING_CARD)
        .write(".hidden/model-cards/moved.md", FAILING_CARD)
        .write(".gitignore", "*\n")
        .write("model-cards/.ignore", "*.md\n");
    repo.git(&[
        "add",
        "-f",
        "model-cards/router.md",
        ".hidden/model-cards/moved.md",
        ".gitignore",
    ]);
    repo.git(&["commit", "-q", "-m", "hide"]);
    // Untracked and ignored: still not a document.
    repo.write("model-cards/draft.md", FAILING_CARD);
    let (report, code) = common::check_json(&repo, &[]);
    assert_eq!(code, Some(1), "{report:#}");
    let paths: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [".hidden/model-cards/moved.md", "model-cards/router.md"].into()
    );
}

#[cfg(unix)]
#[test]
fn an_ignore_file_that_is_a_device_or_a_link_fails_the_run_and_is_not_read() {
    for target in ["/dev/zero", "/dev/stdin", "../outside"] {
        for name in [".gitignore", ".ignore", "model-cards/.gitignore"] {
            let repo = Repo::new();
            repo.write("model-cards/router.md", FAILING_CARD);
            std::os::unix::fs::symlink(target, repo.path().join(name)).unwrap();
            let started = std::time::Instant::now();
            let out = repo.run(&["check", "--no-blame"]);
            assert!(
                started.elapsed().as_secs() < 20,
                "{name} -> {target}: too slow"
            );
            assert_eq!(
                out.status.code(),
                Some(2),
                "{name} -> {target}: {}",
                stderr(&out)
            );
            let err = stderr(&out);
            assert!(err.contains("not a regular file"), "{err}");
            assert!(!stdout(&out).contains('✔'), "{}", stdout(&out));
        }
    }
    // A huge one is not read either.
    let repo = Repo::new();
    repo.write("model-cards/router.md", FAILING_CARD)
        .write(".gitignore", "#".repeat(2 << 20));
    let out = repo.run(&["check", "--no-blame"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("more than the 1048576"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_path_error_never_reads_as_a_pass() {
    let repo = Repo::new();
    repo.write("model-cards/router.md", FAILING_CARD);
    let out = repo.run(&["check", "--no-blame", "no-such-folder"]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(!text.contains('✔'), "{text}");
    assert!(text.contains("the run failed"), "{text}");
    let out = repo.run(&[
        "check",
        "--no-blame",
        "--format",
        "markdown",
        "no-such-folder",
    ]);
    assert!(stdout(&out).contains("the run failed"), "{}", stdout(&out));
}

#[test]
fn the_schemas_init_writes_are_never_documents() {
    let repo = Repo::new();
    let out = repo.run(&["init", "governance"]);
    assert!(out.status.success(), "{}", stderr(&out));
    repo.commit();
    let schemas: Vec<String> = std::fs::read_dir(repo.path().join("governance/.aims-lint/schemas"))
        .unwrap()
        .map(|e| {
            format!(
                "governance/.aims-lint/schemas/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .collect();
    assert!(!schemas.is_empty());
    // As pre-commit passes them: named one by one.
    let mut args = vec!["check", "--no-blame"];
    args.extend(schemas.iter().map(String::as_str));
    let out = repo.run(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
}

fn custom_rule(id: &str) -> String {
    format!(
        "id: {id}\ncontrol: A.2.4\ntitle: t\nseverity: error\napplies-to: [ai-policy]\nmessage: review too rare\nhelp: h\ndocs: d\nschema:\n  required: [review_interval_months]\n"
    )
}

#[test]
fn a_declared_kind_that_contradicts_the_path_is_a_finding() {
    let repo = Repo::new();
    let card = FAILING_CARD.replace("license: mit", "license: mit\naims-kind: risk-register");
    repo.write("model-cards/router.md", &card);
    repo.commit();
    let (report, code) = common::check_json(&repo, &[]);
    assert_eq!(code, Some(1), "{report:#}");
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"kind-contradicts-path"), "{report:#}");
    // And no built-in kind is without rules.
    let out = repo.run(&["rules", "--format", "json"]);
    let catalog: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let covered: std::collections::BTreeSet<&str> = catalog["rules"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["applies-to"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_str().unwrap())
        })
        .collect();
    for (kind, _) in aims_lint::kinds::BUILTIN {
        assert!(covered.contains(kind), "no rule checks `{kind}`");
    }
}

#[test]
fn a_custom_rule_cannot_take_a_built_in_id_or_come_from_outside() {
    let repo = Repo::new();
    repo.write("policies/ai-policy.md", "# AI Policy\n");
    repo.write("aims-lint.toml", "[rules]\npaths = [\"org-rules\"]\n");
    repo.write(
        "org-rules/config-changed.yaml",
        custom_rule("config-changed"),
    );
    let out = repo.run(&["check", "--no-blame"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("is the id of a built-in check"),
        "{}",
        stderr(&out)
    );
    // Nor name a check of aims-lint itself: its findings would borrow a built-in's identity.
    repo.write(
        "org-rules/policy-quiet.yaml",
        "id: policy-quiet\ntitle: T\nseverity: info\nmessage: m\nhelp: h\ndocs: d\ncheck: suppressions\n",
    );
    let out = repo.run(&["check", "--no-blame"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("`check: suppressions` reports `suppression-invalid`"),
        "{}",
        stderr(&out)
    );
    std::fs::remove_file(repo.path().join("org-rules/policy-quiet.yaml")).unwrap();

    for paths in ["\"/etc\"", "\"../outside\"", "\"org-rules/../..\""] {
        repo.write("aims-lint.toml", format!("[rules]\npaths = [{paths}]\n"));
        let out = repo.run(&["check", "--no-blame"]);
        assert_eq!(out.status.code(), Some(2), "{paths}");
        assert!(
            stderr(&out).contains("is outside the repository"),
            "{paths}: {}",
            stderr(&out)
        );
    }
    #[cfg(unix)]
    {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(
            outside.path().join("outside-rule.yaml"),
            custom_rule("outside-rule"),
        )
        .unwrap();
        std::os::unix::fs::symlink(outside.path(), repo.path().join("linked-rules")).unwrap();
        repo.write("aims-lint.toml", "[rules]\npaths = [\"linked-rules\"]\n");
        let out = repo.run(&["check", "--no-blame"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("is outside the repository"),
            "{}",
            stderr(&out)
        );

        std::fs::remove_file(repo.path().join("org-rules/config-changed.yaml")).unwrap();
        std::os::unix::fs::symlink(
            outside.path().join("outside-rule.yaml"),
            repo.path().join("org-rules/outside-rule.yaml"),
        )
        .unwrap();
        repo.write("aims-lint.toml", "[rules]\npaths = [\"org-rules\"]\n");
        let out = repo.run(&["check", "--no-blame"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("is not a regular file"),
            "{}",
            stderr(&out)
        );
        // Nothing of the outside file is printed.
        assert!(
            !stderr(&out).contains("review too rare"),
            "{}",
            stderr(&out)
        );
    }
}

#[cfg(unix)]
#[test]
fn a_configuration_that_is_not_a_regular_file_is_an_error_not_the_defaults() {
    for target in ["/dev/null", "/dev/zero", "missing.toml", "folder"] {
        let repo = Repo::new();
        repo.write("policies/ai-policy.md", "# AI Policy\n");
        std::fs::create_dir(repo.path().join("folder")).unwrap();
        std::os::unix::fs::symlink(target, repo.path().join("aims-lint.toml")).unwrap();
        let out = repo.run(&["check", "--no-blame"]);
        assert_eq!(out.status.code(), Some(2), "{target}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("aims-lint.toml"),
            "{target}: {}",
            stderr(&out)
        );
        let out = repo.run(&["check", "--no-blame", "--config", "/dev/zero"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("not a regular file"),
            "{}",
            stderr(&out)
        );
    }
    let repo = Repo::new();
    std::fs::create_dir(repo.path().join("aims-lint.toml")).unwrap();
    let out = repo.run(&["check", "--no-blame"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn limits_and_threads_have_ceilings_and_globs_stay_inside() {
    let repo = Repo::new();
    repo.write("policies/ai-policy.md", "# AI Policy\n");
    for (key, value) in [
        ("max-depth", "100000"),
        ("max-alias-nodes", "100000000000"),
        ("max-file-size", "100000000000"),
        ("max-depth", "0"),
    ] {
        repo.write("aims-lint.toml", format!("[limits]\n{key} = {value}\n"));
        let out = repo.run(&["check", "--no-blame"]);
        assert_eq!(out.status.code(), Some(2), "{key} = {value}");
        assert!(stderr(&out).contains("is outside 1 to"), "{}", stderr(&out));
    }
    repo.write("aims-lint.toml", "");
    let out = repo.run(&["check", "--no-blame", "-j", "10000"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("use 1 to 256"), "{}", stderr(&out));
    for glob in ["/policies/*.md", "../x/*.md", "a/../../b.md"] {
        repo.write(
            "aims-lint.toml",
            format!("[documents]\nai-policy = [\"{glob}\"]\n"),
        );
        let out = repo.run(&["check", "--no-blame"]);
        assert_eq!(out.status.code(), Some(2), "{glob}");
        assert!(stderr(&out).contains("can never match"), "{}", stderr(&out));
    }
}

#[cfg(unix)]
#[test]
fn baseline_never_writes_through_a_link_it_did_not_name() {
    let repo = Repo::new();
    repo.write("policies/ai-policy.md", "# AI Policy\n");
    repo.commit();
    let outside = tempfile::tempdir().unwrap();
    let rc = outside.path().join("bashrc");
    std::fs::write(&rc, "echo safe\n").unwrap();
    std::os::unix::fs::symlink(&rc, repo.path().join("aims-lint-baseline.json")).unwrap();
    let out = repo.run(&["baseline"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&rc).unwrap(), "echo safe\n");
    // Named explicitly, a path through a linked folder is the user's choice.
    std::os::unix::fs::symlink(outside.path(), repo.path().join("out")).unwrap();
    let out = repo.run(&["baseline", "-o", "out/b.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Named explicitly, the link is the user's choice.
    let out = repo.run(&["baseline", "-o", "aims-lint-baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&rc)
            .unwrap()
            .contains("\"findings\"")
    );
    // No temporary file is left beside it.
    let left: Vec<_> = std::fs::read_dir(repo.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[cfg(unix)]
#[test]
fn init_writes_all_or_nothing_and_never_through_a_link() {
    let repo = Repo::new();
    let outside = tempfile::tempdir().unwrap();
    let folders: Vec<String> = aims_lint::init::files()
        .into_iter()
        .filter(|(rel, _)| rel.contains('/'))
        .map(|(rel, _)| rel.split('/').next().unwrap().to_string())
        .collect();
    let first = folders[0].clone();
    std::fs::create_dir_all(repo.path().join("gov")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.path().join("gov").join(&first)).unwrap();
    let out = repo.run(&["init", "gov"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("symbolic link"), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);

    // A failure midway leaves nothing behind.
    let repo = Repo::new();
    let last = folders.last().unwrap().clone();
    assert_ne!(first, last);
    repo.write(&format!("gov/{last}"), "in the way\n");
    let out = repo.run(&["init", "gov"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let left: Vec<String> = std::fs::read_dir(repo.path().join("gov"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec![last]);
}

#[test]
fn positions_and_suppressions_stay_linear_on_hostile_shapes() {
    // One non-ASCII character at the start of a long line with many nodes on it (columns were
    // counted from the line start for every node: 39 s for 930 KB), and thousands of
    // suppression comments in a row (each looked ahead over all the others).
    let repo = Repo::new();
    let mut flow = String::from("aims-kind: risk-register\nrisks: [");
    for i in 0..6000 {
        let _ = write!(
            flow,
            "{{id: R{i}, t: {}xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx}}, ",
            if i == 0 { "é" } else { "" }
        );
    }
    flow.push_str("]\n");
    let mut comments = String::from("aims-kind: risk-register\n");
    for _ in 0..6000 {
        comments.push_str("# aims-lint: disable A.7.4 reason=\"x\"\n");
    }
    comments.push_str("risks: []\n");
    repo.write("risk/flow.yaml", &flow)
        .write("risk/comments.yaml", &comments);
    repo.commit();
    let started = std::time::Instant::now();
    let out = repo.run(&["check", "--no-blame", "--format", "concise"]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // Generous for a debug build on a slow machine; the quadratic versions took minutes here.
    assert!(took.as_secs() < 30, "took {took:?}");
    let text = stdout(&out);
    assert!(
        text.contains("risk/flow.yaml:2:"),
        "{}",
        &text[..text.len().min(2000)]
    );
}

/// A repository on `main` with a configuration, a custom rule, a baseline of one finding and a
/// card with one suppression; the tests branch off to `feature` and change the gate.
fn gated_repo() -> Repo {
    let repo = Repo::new();
    repo.write("aims-lint.toml", "[rules]\npaths = [\"org-rules\"]\n")
        .write("org-rules/policy-reviewed.yaml", custom_rule("policy-reviewed"))
        .write("policies/ai-policy.md", "# AI Policy\n")
        .write(
            "model-cards/waived.md",
            "---\n# aims-lint: disable-file model-card-missing-license reason=\"LICENSE at the root\"\npipeline_tag: fill-mask\n---\n# Card\n",
        );
    let out = repo.run(&["baseline", "-o", "aims-lint-baseline.json", "policies"]);
    assert!(out.status.success(), "{}", stderr(&out));
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

fn rules_of(report: &serde_json::Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_pull_request_cannot_regenerate_the_baseline_to_waive_its_own_findings() {
    let repo = gated_repo();
    // New findings in the card, then a baseline that records them.
    repo.write("model-cards/new.md", FAILING_CARD);
    repo.commit();
    let out = repo.run(&["baseline", "-o", "aims-lint-baseline.json"]);
    assert!(out.status.success());
    repo.commit();
    let (report, code) = common::check_json(
        &repo,
        &[
            "--changed-since",
            "main",
            "--baseline",
            "aims-lint-baseline.json",
        ],
    );
    assert_eq!(code, Some(1), "{report:#}");
    let rules = rules_of(&report);
    assert!(
        rules
            .iter()
            .any(|(r, p)| r == "baseline-changed" && p == "aims-lint-baseline.json"),
        "{rules:?}"
    );
    assert!(
        rules.iter().any(|(_, p)| p == "model-cards/new.md"),
        "{rules:?}"
    );
}

#[test]
fn deleting_or_replacing_the_configuration_or_a_rule_is_a_gate_change() {
    // Deleted configuration.
    let repo = gated_repo();
    std::fs::remove_file(repo.path().join("aims-lint.toml")).unwrap();
    repo.commit();
    let (report, code) = common::check_json(&repo, &["--changed-since", "main"]);
    assert_eq!(code, Some(1), "{report:#}");
    assert!(
        rules_of(&report).contains(&("config-changed".into(), "aims-lint.toml".into())),
        "{report:#}"
    );

    // Deleted rule, and an edit hidden by an ignore file.
    let repo = gated_repo();
    std::fs::remove_file(repo.path().join("org-rules/policy-reviewed.yaml")).unwrap();
    repo.write("org-rules/policy-other.yaml", custom_rule("policy-other"))
        .write("org-rules/.gitignore", "*\n");
    repo.git(&["add", "-A", "-f"]);
    repo.git(&["commit", "-q", "-m", "weaken"]);
    let (report, code) = common::check_json(&repo, &["--changed-since", "main"]);
    assert_eq!(code, Some(1), "{report:#}");
    let rules = rules_of(&report);
    for path in [
        "org-rules/policy-reviewed.yaml",
        "org-rules/policy-other.yaml",
        "org-rules/.gitignore",
    ] {
        assert!(
            rules.contains(&("custom-rule-changed".into(), path.into())),
            "{path}: {rules:?}"
        );
    }
}

#[test]
fn a_suppression_copied_to_a_second_place_is_new_there() {
    let repo = gated_repo();
    let card = std::fs::read_to_string(repo.path().join("model-cards/waived.md")).unwrap();
    // The same comment, word for word, a second time.
    repo.write("model-cards/waived.md", card.replace("pipeline_tag", "# aims-lint: disable-file model-card-missing-license reason=\"LICENSE at the root\"\npipeline_tag"));
    repo.commit();
    let (report, code) = common::check_json(&repo, &["--changed-since", "main"]);
    assert_eq!(code, Some(1), "{report:#}");
    let changed: Vec<u64> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "suppression-changed")
        .map(|f| f["span"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(changed.len(), 1, "{report:#}");
}

#[test]
fn a_waiver_for_more_than_a_year_waives_nothing() {
    let repo = Repo::new();
    repo.write(
        "model-cards/a.md",
        "---\n# aims-lint: disable-file A.9.4 reason=\"trust me\" until=9999-12-31\nlicense: mit\n---\n# A\n",
    );
    repo.commit();
    let (report, code) = common::check_json(&repo, &[]);
    assert_eq!(code, Some(1));
    let detail = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "suppression-invalid")
        .unwrap_or_else(|| panic!("{report:#}"))["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.contains("more than a year ahead"), "{detail}");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "model-card-missing-intended-use")
    );
}

#[cfg(unix)]
#[test]
fn a_file_whose_name_is_not_utf8_keeps_its_findings_in_changed_since() {
    use std::os::unix::ffi::OsStrExt as _;
    let repo = Repo::new();
    repo.write("policies/ai-policy.md", "# AI Policy\n");
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let name = std::ffi::OsStr::from_bytes(b"model-cards/r\xe9sum\xe9.md");
    std::fs::create_dir_all(repo.path().join("model-cards")).unwrap();
    std::fs::write(repo.path().join(name), FAILING_CARD).unwrap();
    repo.commit();
    let (report, code) = common::check_json(&repo, &["--changed-since", "main"]);
    assert_eq!(code, Some(1), "{report:#}");
    assert!(
        rules_of(&report)
            .iter()
            .any(|(_, p)| p.starts_with("model-cards/r")),
        "{report:#}"
    );
}

#[test]
fn a_decoy_configuration_in_one_folder_does_not_decide_for_all_files() {
    let repo = Repo::new();
    repo.write("model-cards/router.md", FAILING_CARD)
        .write("aaa/aims-lint.toml", "[rules]\nignore = [\"A.*\"]\n")
        .write("aaa/model-cards/x.md", FAILING_CARD);
    repo.commit();
    // As pre-commit passes them: sorted, the decoy's folder first.
    let out = repo.run(&[
        "check",
        "--no-blame",
        "aaa/model-cards/x.md",
        "model-cards/router.md",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("comes under"), "{}", stderr(&out));
}

#[test]
fn select_nothing_is_an_error() {
    let repo = Repo::new();
    repo.write("model-cards/router.md", FAILING_CARD)
        .write("aims-lint.toml", "[rules]\nselect = []\n");
    let out = repo.run(&["check", "--no-blame"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(stderr(&out).contains("selects no rule"), "{}", stderr(&out));
}

#[test]
fn evidence_that_vanishes_in_a_pull_request_is_a_finding() {
    let repo = Repo::new();
    repo.write("model-cards/router.md", FAILING_CARD)
        .write(
            "model-cards/kept.md",
            FAILING_CARD.replace("Router", "Kept"),
        )
        .write("policies/ai-policy.md", "# AI Policy\n")
        .write("notes/risks.yaml", "aims-kind: risk-register\nrisks: []\n")
        .write("notes/readme.md", "# Notes\n");
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.git(&[
        "rm",
        "-q",
        "policies/ai-policy.md",
        "notes/risks.yaml",
        "notes/readme.md",
    ]);
    repo.git(&["mv", "model-cards/router.md", "archive.md"]);
    // A document moved to where it is still checked is not gone.
    std::fs::create_dir_all(repo.path().join("model-cards/team")).unwrap();
    repo.git(&["mv", "model-cards/kept.md", "model-cards/team/kept.md"]);
    repo.git(&["commit", "-q", "-m", "tidy"]);
    let (report, code) = common::check_json(&repo, &["--changed-since", "main"]);
    assert_eq!(code, Some(1), "{report:#}");
    let removed: Vec<String> = rules_of(&report)
        .into_iter()
        .filter(|(r, _)| r == "document-removed")
        .map(|(_, p)| p)
        .collect();
    assert_eq!(
        removed,
        [
            "model-cards/router.md",
            "notes/risks.yaml",
            "policies/ai-policy.md"
        ],
        "{report:#}"
    );
}

#[test]
fn a_marker_in_a_block_scalar_is_data_and_syntax_errors_cannot_be_waived() {
    let repo = Repo::new();
    repo.write(
        "datasets/crm.yaml",
        "aims-kind: dataset-sheet\ndescription: |\n  Exports of the CRM.\n  # aims-lint: disable-file A.7.5 reason=\"quoted in a description\"\n\n  More text.\nname: crm\n",
    )
    .write(
        "datasets/broken.yaml",
        "# aims-lint: disable-file yaml-syntax-error reason=\"it is fine\"\naims-kind: dataset-sheet\nname: [unclosed\n",
    );
    repo.commit();
    let (report, code) = common::check_json(&repo, &[]);
    assert_eq!(code, Some(1));
    let rules = rules_of(&report);
    assert!(
        rules.contains(&(
            "dataset-sheet-missing-provenance".into(),
            "datasets/crm.yaml".into()
        )),
        "{rules:?}"
    );
    assert!(
        report["suppressed"].as_array().is_none_or(Vec::is_empty),
        "{report:#}"
    );
    assert!(
        rules.contains(&("yaml-syntax-error".into(), "datasets/broken.yaml".into())),
        "{rules:?}"
    );
    assert!(
        rules.contains(&("suppression-invalid".into(), "datasets/broken.yaml".into())),
        "{rules:?}"
    );
}

/// Found by `fuzz/run.sh` (markdown, a timeout): every label and heading was compared with
/// every section name by edit distance, however long it was.
#[test]
fn fuzzed_long_labels_and_headings_are_not_compared_character_by_character() {
    let repo = Repo::new();
    let mut policy = String::from("# AI Policy\n\n");
    for i in 0..3000 {
        let _ = writeln!(
            policy,
            "**{} {i}:** value\n",
            "Scope of the review ".repeat(12)
        );
    }
    for i in 0..200 {
        let _ = writeln!(policy, "## {} {i}\n\ntext\n", "Relatd Policie ".repeat(30));
    }
    repo.write("policies/ai-policy.md", &policy);
    repo.commit();
    let started = std::time::Instant::now();
    let out = repo.run(&["check", "--no-blame", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn a_documents_glob_that_matches_nothing_is_an_error() {
    let repo = Repo::new();
    repo.write("model-cards/router.md", FAILING_CARD)
        .write("vendors/acme.yaml", "name: acme\n")
        .write(
            "aims-lint.toml",
            "[documents]\nsupplier = [\"vendors/*.yaml\", \"vendor/*.yaml\"]\n",
        );
    repo.commit();
    let out = repo.run(&["check", "--no-blame"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(err.contains("\"vendor/*.yaml\" matches no file"), "{err}");
    assert!(!err.contains("\"vendors/*.yaml\" matches no file"), "{err}");
}

#[test]
fn a_document_whose_kind_changes_in_a_pull_request_is_a_finding() {
    let repo = Repo::new();
    repo.write(
        "notes/register.yaml",
        "aims-kind: risk-register\nrisks: []\n",
    );
    repo.commit();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("notes/register.yaml", "aims-kind: customer\nrisks: []\n");
    repo.commit();
    let (report, code) = common::check_json(&repo, &["--changed-since", "main"]);
    assert_eq!(code, Some(1), "{report:#}");
    let detail = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "kind-changed")
        .unwrap_or_else(|| panic!("{report:#}"))["detail"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(detail.starts_with("a `risk-register` at main"), "{detail}");
}

/// A pull request replaces a failing model card by a link (to a file of the repository, to
/// one outside it, to a device) or by a named pipe: nothing is read through it, and the gate
/// fails on `file-not-regular` at the card's path, on the whole repository and with
/// `--changed-since`. Before, the card was skipped and the run passed.
#[cfg(unix)]
#[test]
fn a_link_or_a_pipe_in_the_place_of_a_document_fails_the_gate() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("card.md"), FAILING_CARD).unwrap();
    let outside_card = outside.path().join("card.md");
    for replacement in ["notes/card.md", "outside", "/dev/zero", "pipe"] {
        let repo = Repo::new();
        repo.write("model-cards/router.md", FAILING_CARD)
            .write("notes/card.md", "# Notes\n");
        repo.commit();
        repo.git(&["checkout", "-q", "-b", "feature"]);
        let card = repo.path().join("model-cards/router.md");
        std::fs::remove_file(&card).unwrap();
        match replacement {
            "outside" => std::os::unix::fs::symlink(&outside_card, &card).unwrap(),
            "pipe" => {
                let status = std::process::Command::new("mkfifo")
                    .arg(&card)
                    .status()
                    .unwrap();
                assert!(status.success());
            }
            "/dev/zero" => std::os::unix::fs::symlink("/dev/zero", &card).unwrap(),
            target => std::os::unix::fs::symlink(format!("../{target}"), &card).unwrap(),
        }
        if replacement != "pipe" {
            repo.commit();
        }
        for args in [
            &["check", "--no-blame", "--format", "concise"][..],
            &[
                "check",
                "--no-blame",
                "--format",
                "concise",
                "--changed-since",
                "main",
            ][..],
        ] {
            let started = std::time::Instant::now();
            let out = repo.run(args);
            assert!(started.elapsed().as_secs() < 20, "{replacement}: too slow");
            assert_eq!(
                out.status.code(),
                Some(1),
                "{replacement} {args:?}: {}{}",
                stdout(&out),
                stderr(&out)
            );
            let so = stdout(&out);
            assert!(
                so.lines()
                    .any(|l| l.starts_with("model-cards/router.md:1:1: error[file-not-regular]")),
                "{replacement} {args:?}: {so}"
            );
            assert!(!so.contains("Uses"), "nothing is read through it: {so}");
        }
        // The job summary lists it: with no document left, it must not read as nothing found.
        let md = stdout(&repo.run(&["check", "--no-blame", "--format", "markdown"]));
        assert!(
            md.contains("`file-not-regular`") && !md.contains("no AIMS documents found"),
            "{replacement}: {md}"
        );
        // Named on the command line (as pre-commit passes files), the same finding, not an
        // error of the walk; a link that stays in the repository is followed there.
        let out = repo.run(&[
            "check",
            "--no-blame",
            "--format",
            "concise",
            "model-cards/router.md",
        ]);
        let so = stdout(&out);
        if replacement == "notes/card.md" {
            assert!(!so.contains("file-not-regular"), "{so}");
        } else {
            assert_eq!(
                out.status.code(),
                Some(1),
                "{replacement}: {}",
                stderr(&out)
            );
            assert!(
                so.starts_with("model-cards/router.md:1:1: error[file-not-regular]"),
                "{replacement}: {so}"
            );
        }
    }
}

/// Findings keep no text once their positions are known, and the human report reads each file
/// again to show its lines. A file changed after the check (the same length, other bytes) or
/// replaced by a link shows no lines, never other lines under the old positions: its finding is
/// still reported, with its label and why its lines are missing. The other files show theirs.
#[test]
fn the_human_report_shows_no_lines_of_a_file_changed_after_the_check() {
    use aims_lint::config::Settings;
    use aims_lint::discover::Candidate;
    use aims_lint::report::{self, Format, Options};
    use aims_lint::rules::Registry;

    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults(dir.path().to_path_buf());
    settings.findings_keep_text = false;
    let registry = Registry::load(&settings).unwrap();
    let card = "---\npipeline_tag: fill-mask\n---\n# Card KEPT\n";
    let mut candidates = Vec::new();
    for name in ["changed", "kept", "linked"] {
        let rel = format!("model-cards/{name}.md");
        let path = dir.path().join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, card.replace("KEPT", &name.to_uppercase())).unwrap();
        candidates.push(Candidate {
            rel,
            path,
            explicit: true,
        });
    }
    let outcome = aims_lint::run::lint(
        candidates,
        Vec::new(),
        &settings,
        &registry,
        dir.path(),
        None,
    );
    assert!(outcome.findings.iter().all(|f| f.source.is_detached()));
    let cards = dir.path().join("model-cards");
    std::fs::write(cards.join("changed.md"), card.replace("KEPT", "XXXXXXX")).unwrap();
    std::fs::rename(cards.join("linked.md"), dir.path().join("elsewhere.md")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere.md"), cards.join("linked.md")).unwrap();
    let options = Options {
        root: Some(dir.path().to_path_buf()),
        width: 1000,
        ..Options::default()
    };
    let mut out = Vec::new();
    report::write(&mut out, &outcome, Format::Human, &options, &registry).unwrap();
    let out = String::from_utf8(out).unwrap();
    let per_file = |name: &str| {
        outcome
            .findings
            .iter()
            .filter(|f| f.path().contains(name))
            .count()
    };
    assert!(
        per_file("kept") > 0 && per_file("changed") == per_file("kept"),
        "{out}"
    );
    let missing = "(its lines are not shown: the file changed after aims-lint read it; run again)";
    assert_eq!(
        out.matches(missing).count(),
        per_file("changed") + per_file("linked"),
        "{out}"
    );
    // The lines of the file that did not change, and none of the others, old or new.
    assert!(out.contains("# Card KEPT"), "{out}");
    for gone in ["# Card CHANGED", "# Card XXXXXXX", "# Card LINKED"] {
        assert!(!out.contains(gone), "{gone}: {out}");
    }
    // Each finding is still there, with its label, and where it is when its lines are not.
    for f in &outcome.findings {
        let label = f.detail.as_deref().unwrap_or(&f.message);
        let line = format!("{}:{}: {label} {missing}", f.path(), f.span);
        assert_eq!(
            out.contains(&line),
            !f.path().contains("kept"),
            "{line}: {out}"
        );
        assert!(out.contains(label), "{label}: {out}");
    }
}
