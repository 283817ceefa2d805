//! The binary end to end, on real git repositories made in temporary folders.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

mod common;

use common::{BIN, Repo, run_in, stderr, stdout};

const GOOD_CARD: &str = "---\nlicense: apache-2.0\npipeline_tag: text-classification\naims: {system_id: ticket-router, owner: ml-lead, impact_assessment: impact-assessments/router.yaml, approved_by: Ada Lovelace, approval_date: 2026-01-10}\n---\n# Ticket router\n\n## Model Description\n\nA DistilBERT classifier.\n\n## Training Procedure\n\nThree epochs.\n\n## Uses\n\nRouting tickets.\n\n## Out-of-Scope Use\n\nDecisions about people.\n\n## Bias, Risks, and Limitations\n\nWeak on non-English tickets.\n\n## Training Data\n\nClosed tickets, 2023 to 2025.\n\n## Evaluation\n\nAccuracy 0.91 on the test split.\n\n## Model Card Contact\n\nml@example.org\n";
const GOOD_POLICY: &str = "---\nowner: ai-governance-lead\napproved_by: Grace Hopper\napproval_date: 2026-01-15\nversion: \"1.0\"\nscope: all AI systems\nlast_reviewed: 2026-01-15\nreview_interval_months: 12\nrelated_policies: [{ref: security.md, relation: both, reviewed_on: 2026-01-10}]\nprinciples: [a person confirms every decision about a customer]\ncommitments: {meet_requirements: true, continual_improvement: true}\n---\n# AI policy\n";

fn clean_repo() -> Repo {
    let repo = Repo::new();
    repo.write("model-cards/router.md", GOOD_CARD)
        .write("ai-systems/ticket-router.yaml", common::GOOD_SYSTEM)
        .write("impact-assessments/router.yaml", common::GOOD_ASSESSMENT)
        .write("datasheets/claims-2024.md", common::GOOD_SHEET)
        .write("policies/ai-policy.md", GOOD_POLICY)
        .write("README.md", "# Governance\n")
        .write(".github/workflows/ci.yml", "on: push\n");
    repo.commit();
    repo
}

#[test]
fn a_clean_repository_exits_0() {
    let repo = clean_repo();
    let o = repo.run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(
        stdout(&o),
        "✔ no findings in 5 documents; 2 files skipped (`aims-lint files` says why)\n"
    );
    let o = repo.run(&["check", "."]);
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn findings_exit_1_unless_below_fail_on() {
    let repo = clean_repo();
    repo.write(
        "model-cards/router.md",
        GOOD_CARD.replace("license: apache-2.0\n", ""),
    );
    assert_eq!(repo.run(&[]).status.code(), Some(1));
    assert_eq!(repo.run(&["--fail-on", "never"]).status.code(), Some(0));

    // A warning fails only with --fail-on warning or info.
    let repo = clean_repo();
    repo.write(
        "datasheets/tickets.md",
        "---\nlicense: cc-by-4.0\nprovenance: {source: s, collection_method: m}\nsplits: [train]\nlast_updated: 2026-01-01\nmaintenance: {retention: two years}\n---\n# Tickets\n",
    );
    let o = repo.run(&["--format", "concise"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("warning[dataset-sheet-missing-collection-process]"));
    assert_eq!(repo.run(&["--fail-on", "warning"]).status.code(), Some(1));
    assert_eq!(repo.run(&["--fail-on", "info"]).status.code(), Some(1));
}

#[test]
fn json_format() {
    let repo = clean_repo();
    repo.write(
        "model-cards/router.md",
        GOOD_CARD.replace("license: apache-2.0", "license: 3"),
    );
    let o = repo.run(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(
        v["findings"],
        serde_json::json!([{
            "rule": "model-card-missing-license",
            "control": "A.8.2",
            "severity": "error",
            "message": "model card does not say under which licence the model may be used",
            "detail": "value is not of type \"string\"",
            "help": v["findings"][0]["help"],
            "path": "model-cards/router.md",
            "span": {"start": {"line": 2, "column": 10}, "end": {"line": 2, "column": 11}},
            "pointer": "/license",
            // The file was changed after the last commit.
            "blame": {"status": "uncommitted", "commit": null, "author_name": null,
                      "author_email": null, "author_time": null, "summary": null}
        }])
    );
    assert_eq!(
        v["summary"],
        serde_json::json!({
            "documents": {"ai-policy": 1, "ai-system": 1, "dataset-sheet": 1, "impact-assessment": 1, "model-card": 1},
            "documents_total": 5,
            "findings": {"error": 1, "warning": 0, "info": 0},
            "skipped": 2,
            "history": "complete",
            "baselined": 0,
            "suppressed": 0,
            "changed_since": null
        })
    );
    assert_eq!(v["suppressed"], serde_json::json!([]));
}

#[test]
fn concise_and_human_formats() {
    let repo = clean_repo();
    repo.write(
        "policies/ai-policy.md",
        GOOD_POLICY.replace("owner: ai-governance-lead\n", ""),
    );
    let o = repo.run(&["--format", "concise"]);
    assert_eq!(
        stdout(&o),
        "policies/ai-policy.md:1:1: error[ai-policy-missing-approval] ai policy does not record its owner, approval and scope (missing `owner`)\n"
    );
    let o = repo.run(&[]);
    let out = stdout(&o);
    assert!(out.contains("ai-policy-missing-approval (A.2.2)"), "{out}");
    assert!(out.contains("╭─[policies/ai-policy.md:1:1]"), "{out}");
    assert!(out.contains("missing `owner`"), "{out}");
    assert!(out.ends_with("✖ 1 finding (1 error) in 1 of 5 documents checked; 2 files skipped (`aims-lint files` says why)\n"), "{out}");
}

#[test]
fn colour_only_on_request_or_terminal() {
    let repo = clean_repo();
    repo.write(
        "model-cards/router.md",
        GOOD_CARD.replace("license: apache-2.0\n", ""),
    );
    // A pipe: no escape codes, no hyperlinks.
    assert!(!stdout(&repo.run(&[])).contains('\u{1b}'));
    let o = repo.run(&["--color", "always"]);
    assert!(stdout(&o).contains("\u{1b}["));
    let o = run_in(
        repo.path(),
        &["--color", "never"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!stdout(&o).contains('\u{1b}'));
    let o = run_in(
        repo.path(),
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert!(
        !stdout(&o).contains('\u{1b}'),
        "NO_COLOR wins over CLICOLOR_FORCE"
    );
    let o = run_in(repo.path(), &[], &[("CLICOLOR_FORCE", "1")]);
    assert!(stdout(&o).contains('\u{1b}'));
}

#[test]
fn gitignore_and_git_exclude_are_honoured() {
    let repo = clean_repo();
    let bad = GOOD_CARD.replace("license: apache-2.0\n", "");
    repo.write(".gitignore", "build/\n")
        .write("build/model-cards/generated.md", &bad)
        .write(".git/info/exclude", "scratch/\n")
        .write("scratch/model_card.md", &bad)
        .write(".git/model_card.md", &bad);
    let o = repo.run(&["--format", "concise"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    // Named on the command line, an ignored file is checked (as pre-commit passes it).
    let o = repo.run(&["--format", "concise", "build/model-cards/generated.md"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o)
            .starts_with("build/model-cards/generated.md:1:1: error[model-card-missing-license]")
    );
}

#[test]
fn explicit_files_from_a_subdirectory_report_paths_from_the_root() {
    let repo = clean_repo();
    repo.write(
        "model-cards/router.md",
        GOOD_CARD.replace("license: apache-2.0\n", ""),
    );
    let o = run_in(
        &repo.path().join("model-cards"),
        &[
            "--format",
            "concise",
            "router.md",
            "../policies/ai-policy.md",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with("model-cards/router.md:1:1:"),
        "{}",
        stdout(&o)
    );
    // Files aims-lint does not read are ignored without a word, as linters do with pre-commit.
    repo.write("setup.cfg", "[x]\n");
    let o = repo.run(&["--format", "concise", "README.md", "setup.cfg"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "");
}

#[test]
fn configuration_adds_kinds_globs_and_rules() {
    let repo = clean_repo();
    repo.write(
        "aims-lint.toml",
        "[documents]\nmodel-card = [\"cards/*.md\"]\nvendor-record = [\"vendors/*.yaml\"]\n\n[rules]\npaths = [\"org-rules\"]\n",
    )
    .write("cards/a.md", "# A card found by a configured glob\n")
    .write("vendors/acme.yaml", "name: ACME\n")
    .write(
        "org-rules/vendor-missing-contract.yaml",
        "id: vendor-missing-contract\ncontrol: A.10.3\ntitle: Vendor without contract\nseverity: warning\napplies-to: [vendor-record]\nmessage: vendor record names no contract\nhelp: add `contract`\ndocs: |\n  ## What it checks\n  x\nschema:\n  required: [contract]\n",
    );
    let o = repo.run(&["--format", "concise", "--fail-on", "warning"]);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{out}{}", stderr(&o));
    assert!(
        out.contains("cards/a.md:1:1: error[model-card-missing-license]"),
        "{out}"
    );
    assert!(out.contains("vendors/acme.yaml:1:1: warning[vendor-missing-contract] vendor record names no contract (missing `contract`)"), "{out}");
    let o = repo.run(&["files"]);
    assert!(
        stdout(&o).contains("matches `cards/*.md` in aims-lint.toml"),
        "{}",
        stdout(&o)
    );
    let o = repo.run(&["rules"]);
    assert!(stdout(&o).contains("vendor-missing-contract"));
}

#[test]
fn configuration_errors_exit_2_and_point_at_the_line() {
    let repo = clean_repo();
    repo.write(
        "aims-lint.toml",
        "[documents]\nmodel-card = [\"cards/*.md\"]\n\n[rules]\npath = [\"x\"]\n",
    );
    let o = repo.run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("unknown field `path`"), "{err}");
    assert!(err.contains("aims-lint.toml:5:1"), "{err}");
    assert_eq!(stdout(&o), "");
}

#[test]
fn a_broken_rule_file_exits_2_naming_file_and_line() {
    let repo = clean_repo();
    repo.write("aims-lint.toml", "[rules]\npaths = [\"org-rules\"]\n").write(
        "org-rules/x-rule.yaml",
        "id: x-rule\ncontrol: A.7.1\ntitle: t\nseverity: error\napplies-to: [model-card]\nmessage: names nothing\nhelp: h\ndocs: d\nschema: {}\n",
    );
    let o = repo.run(&[]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("x-rule.yaml:2:10"), "{err}");
    assert!(
        err.contains("`A.7.1` is not an ISO/IEC 42001 Annex A control"),
        "{err}"
    );
}

#[test]
fn usage_and_path_errors_exit_2() {
    let repo = clean_repo();
    let o = repo.run(&["--format", "xml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("possible values"));
    let o = repo.run(&["no-such-dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no-such-dir"), "{}", stderr(&o));
    let o = repo.run(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Exit status"));
}

#[test]
fn output_is_identical_for_any_thread_count() {
    let repo = Repo::new();
    for i in 0..300 {
        let text = match i % 4 {
            0 => GOOD_CARD.to_string(),
            1 => GOOD_CARD.replace("license: apache-2.0\n", ""),
            2 => format!("---\nlicense: {i}\npipeline_tag: x\n---\n# Card {i}\n"),
            _ => "---\nlicense: [unclosed\n---\n".to_string(),
        };
        repo.write(&format!("model-cards/{:03}/{i}.md", i % 17), text);
    }
    repo.commit();
    let first = repo.run(&["-j", "1", "--format", "json"]);
    assert_eq!(first.status.code(), Some(1));
    for threads in ["2", "8"] {
        for format in ["json", "human", "concise"] {
            let a = repo.run(&["-j", "1", "--format", format]);
            let b = repo.run(&["-j", threads, "--format", format]);
            assert_eq!(a.stdout, b.stdout, "{format} with {threads} threads");
        }
    }
}

#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    let repo = Repo::new();
    for i in 0..400 {
        repo.write(&format!("model-cards/{i}.md"), "# no metadata\n");
    }
    let mut child = Command::new(BIN)
        .current_dir(repo.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read nothing and close our end, as `aims-lint | head -0` would.
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
}

#[test]
#[cfg(unix)]
fn hostile_files_give_findings_not_crashes() {
    let repo = clean_repo();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "---\npipeline_tag: x\n---\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(repo.path(), repo.path().join("model-cards/loop")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        repo.path().join("model-cards/outside.md"),
    )
    .unwrap();
    let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        let p = i - 1;
        let _ = writeln!(
            laughs,
            "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]"
        );
    }
    repo.write("model-cards/laughs.yaml", laughs)
        .write(
            "model-cards/deep.json",
            "[".repeat(5000) + &"]".repeat(5000),
        )
        // Overflowed the stack of saphyr's recursive `Parser::load`.
        .write("model-cards/nested.yaml", "- ".repeat(400_000) + "x\n")
        .write("model-cards/binary.md", b"\x00\x01\x02PNG")
        .write("model-cards/latin1.md", b"---\nlicense: caf\xe9\n---\n")
        .write("model-cards/utf16.md", b"\xff\xfe-\x00-\x00-\x00")
        .write("model-cards/huge.md", "a".repeat(2 * 1024 * 1024))
        .write("model-cards/bom.md", "\u{feff}---\nlicense: mit\n---\n");
    let o = repo.run(&["--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let by_path = |p: &str| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["path"] == p)
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(by_path("model-cards/laughs.yaml"), ["yaml-syntax-error"]);
    assert_eq!(by_path("model-cards/deep.json"), ["json-syntax-error"]);
    assert_eq!(by_path("model-cards/nested.yaml"), ["yaml-syntax-error"]);
    assert_eq!(by_path("model-cards/latin1.md"), ["file-not-utf8"]);
    assert_eq!(by_path("model-cards/utf16.md"), ["file-not-utf8"]);
    assert_eq!(by_path("model-cards/huge.md"), ["file-too-large"]);
    assert!(by_path("model-cards/binary.md").is_empty());
    // A link in a document's place is not followed, and is not skipped silently either.
    assert_eq!(by_path("model-cards/outside.md"), ["file-not-regular"]);
    assert!(!by_path("model-cards/bom.md").contains(&"model-card-missing-license".to_string()));
    let latin1 = &v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "model-cards/latin1.md")
        .unwrap()["span"];
    assert_eq!(
        latin1["start"],
        serde_json::json!({"line": 2, "column": 13})
    );
    // Named on the command line, a link is followed only inside the repository.
    let o = repo.run(&["files", "--all", "model-cards/outside.md"]);
    assert!(
        stdout(&o).contains("symbolic link to a file outside the repository"),
        "{}",
        stdout(&o)
    );
    std::os::unix::fs::symlink(
        repo.path().join("model-cards/latin1.md"),
        repo.path().join("model-cards/inside.md"),
    )
    .unwrap();
    let o = repo.run(&["--format", "concise", "model-cards/inside.md"]);
    assert!(
        stdout(&o).starts_with("model-cards/inside.md:2:13: error[file-not-utf8]"),
        "{}",
        stdout(&o)
    );
    let o = repo.run(&["files", "--all"]);
    let out = stdout(&o);
    assert!(
        out.contains("model-cards/binary.md") && out.contains("binary file"),
        "{out}"
    );
    assert!(out.contains("symbolic link (not followed)"), "{out}");
    // A link in a document's place is listed as not read, with or without `--all`.
    for args in [&["files", "--all"][..], &["files"][..]] {
        let out = stdout(&repo.run(args));
        assert!(
            out.lines().any(|l| l.starts_with("(not read)")
                && l.contains("model-cards/outside.md")
                && l.ends_with("symbolic link (not followed): a `file-not-regular` error")),
            "{args:?}: {out}"
        );
    }
    assert!(!stdout(&repo.run(&["files"])).contains("(skipped)"));
}

fn corpus() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if dir.is_dir() {
        Some(dir)
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have ../shared/corpus"
        );
        eprintln!("skipped: ../shared/corpus is not here");
        None
    }
}

#[test]
fn the_shared_corpus_checks_without_a_panic_and_every_span_is_inside_its_file() {
    let Some(dir) = corpus() else { return };
    let o = run_in(&dir, &["--format", "json"], &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() > 100);
    for f in findings {
        let text = std::fs::read(dir.join(f["path"].as_str().unwrap())).unwrap();
        let text = String::from_utf8_lossy(&text);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for end in ["start", "end"] {
            let line = f["span"][end]["line"].as_u64().unwrap() as usize;
            let col = f["span"][end]["column"].as_u64().unwrap() as usize;
            assert!(
                line >= 1 && (line <= lines.len() || (line == 1 && text.is_empty())),
                "{f}"
            );
            if let Some(l) = lines.get(line - 1) {
                let len = l.trim_end_matches(['\n', '\r']).chars().count();
                assert!(col >= 1 && col <= len + 1, "{f}: line has {len} characters");
            }
        }
    }
    // Every syntax finding the corpus is known for (its SOURCES.md notes).
    let syntax: Vec<String> = findings
        .iter()
        .filter(|f| f["control"].is_null())
        .map(|f| {
            format!(
                "{} {}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap()
            )
        })
        .collect();
    for expected in [
        "front-matter-unterminated model-cards/tatsu-lab__stanford_alpaca__model_card.md",
        "front-matter-not-mapping model-cards/huggingface__huggingface_hub__tests-fixtures__sample_invalid_card_data.md",
        "json-syntax-error model-cards/CycloneDX__bom-examples__MLBOM__Model__OpenSource__bom.json",
        "yaml-syntax-error dataset-cards/huggingface__datasets__gigaword__README@5b498273cc__tab-in-yaml.md",
        "front-matter-unterminated dataset-cards/huggingface__datasets__gsm8k__README@ef4c7b9536__unterminated-fm.md",
    ] {
        assert!(
            syntax.contains(&expected.to_string()),
            "{expected} not in {syntax:#?}"
        );
    }
    assert!(
        !syntax
            .iter()
            .any(|s| s.contains("valid-machine-learning-1.7.json")),
        "a valid JSON file is not a syntax error"
    );
}

#[test]
fn hugging_face_cards_are_recognised_by_their_metadata() {
    let Some(dir) = corpus() else { return };
    let repo = Repo::new();
    let mut expected = Vec::new();
    for (sub, kind) in [
        ("model-cards", "model-card"),
        ("dataset-cards", "dataset-sheet"),
    ] {
        for entry in std::fs::read_dir(dir.join(sub))
            .unwrap()
            .filter_map(Result::ok)
        {
            let name = entry.file_name().to_string_lossy().to_string();
            if !name.starts_with("huggingface__") || !name.to_lowercase().ends_with(".md") {
                continue;
            }
            // As a Hub repository holds it: README.md in a folder of its own.
            let rel = format!("{}/README.md", name.trim_end_matches(".md"));
            repo.write(&rel, std::fs::read(entry.path()).unwrap());
            expected.push((rel, kind));
        }
    }
    let o = repo.run(&["files", "--all"]);
    let out = stdout(&o);
    let mut recognised = 0;
    for (rel, kind) in &expected {
        let line = out.lines().find(|l| l.contains(rel.as_str())).unwrap();
        if line.starts_with(kind) {
            assert!(line.contains("Hugging Face front-matter key"), "{line}");
            recognised += 1;
        } else {
            // Only cards with no Hub metadata at all may go unrecognised.
            let text = std::fs::read_to_string(repo.path().join(rel)).unwrap();
            let names_hf_key = aims_lint::kinds::HF_MODEL_KEYS
                .iter()
                .chain(&aims_lint::kinds::HF_DATASET_KEYS)
                .any(|k| text.contains(&format!("\n{k}:")));
            assert!(!names_hf_key, "not recognised: {line}");
        }
    }
    assert!(
        recognised >= 40,
        "{recognised} of {} recognised\n{out}",
        expected.len()
    );
}

#[test]
fn an_empty_repository_has_nothing_to_report_and_says_so() {
    let repo = Repo::new();
    let o = repo.run(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Never a tick for a run that checked nothing.
    assert_eq!(
        stdout(&o),
        "⚠ no AIMS documents found: nothing was checked\n"
    );
    let o = repo.run(&["--format", "json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["findings"], serde_json::json!([]));
    assert!(
        v["summary"]["history"].is_null(),
        "no findings, so no blame"
    );
    assert_eq!(stdout(&repo.run(&["--format", "concise"])), "");
}

#[test]
fn files_lists_kinds_including_configured_ones() {
    let repo = clean_repo();
    repo.write(
        "aims-lint.toml",
        "[documents]\nvendor-record = [\"vendors/*.yaml\"]\n",
    );
    let out = stdout(&repo.run(&["files", "--kinds"]));
    let kinds: Vec<&str> = out
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(kinds.len(), aims_lint::kinds::BUILTIN.len() + 1);
    assert!(
        kinds.contains(&"model-card") && kinds.last() == Some(&"vendor-record"),
        "{out}"
    );
    assert!(out.contains("added in aims-lint.toml"), "{out}");
}
