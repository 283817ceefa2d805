//! `action.yml`: valid against GitHub's action schema (check-jsonschema's built-in copy), and
//! its check step run as GitHub would run it (`bash --noprofile --norc -eo pipefail`), with the
//! step's `env` from the inputs, in a simulated GitHub environment (`GITHUB_OUTPUT`,
//! `GITHUB_STEP_SUMMARY`, `GITHUB_PATH`, `GITHUB_WORKSPACE`, `GITHUB_BASE_REF`). The build step
//! is not run: the test puts the binary under test on `PATH`, as the build step would.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use common::{BIN, Repo, peer};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn action() -> Value {
    let text = std::fs::read_to_string(crate_dir().join("action.yml")).unwrap();
    let source = aims_lint::source::SourceFile::new("action.yml", text);
    let (doc, findings) = aims_lint::parse::parse(
        &source,
        aims_lint::parse::Format::Yaml,
        aims_lint::parse::yaml::Limits::default(),
    );
    assert!(findings.is_empty(), "{findings:#?}");
    doc.data[0].node.to_json()
}

/// `${{ inputs.name }}` and `${{ github.action_path }}` in a step's `env`, as GitHub expands them.
fn expand(value: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut out = value.to_string();
    for (name, v) in inputs {
        out = out.replace(&format!("${{{{ inputs.{name} }}}}"), v);
    }
    out.replace(
        "${{ github.action_path }}",
        &crate_dir().display().to_string(),
    )
}

struct Run {
    output: Output,
    github_output: String,
    summary: String,
}

fn run_check_step(repo: &Repo, given: &[(&str, &str)]) -> Run {
    run_check_step_in(repo, given, "main")
}

/// The check step in a pull request to `base_ref` (`""`: a push).
fn run_check_step_in(repo: &Repo, given: &[(&str, &str)], base_ref: &str) -> Run {
    let action = action();
    let mut inputs: BTreeMap<String, String> = action["inputs"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["default"].as_str().unwrap_or("").to_string()))
        .collect();
    for (k, v) in given {
        assert!(inputs.contains_key(*k), "no input {k}");
        inputs.insert((*k).to_string(), (*v).to_string());
    }
    let step = action["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "check")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("step.sh");
    std::fs::write(&script, step["run"].as_str().unwrap()).unwrap();
    let files: Vec<PathBuf> = ["output", "summary", "path"]
        .iter()
        .map(|f| dir.path().join(f))
        .collect();
    for f in &files {
        std::fs::write(f, "").unwrap();
    }
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(repo.path())
        .env("PATH", path)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", repo.path())
        .env("GITHUB_BASE_REF", base_ref)
        .env("GITHUB_OUTPUT", &files[0])
        .env("GITHUB_STEP_SUMMARY", &files[1])
        .env("GITHUB_PATH", &files[2])
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/governance")
        .env("GITHUB_SHA", "0123abc")
        .env_remove("NO_COLOR");
    for (k, v) in step["env"].as_object().unwrap() {
        cmd.env(k, expand(v.as_str().unwrap(), &inputs));
    }
    let output = cmd.output().unwrap();
    Run {
        output,
        github_output: std::fs::read_to_string(&files[0]).unwrap(),
        summary: std::fs::read_to_string(&files[1]).unwrap(),
    }
}

/// The file of each result of the SARIF log at `path`.
fn sarif_uris(path: &Path) -> Vec<String> {
    let sarif: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

fn repo() -> Repo {
    let repo = Repo::new();
    repo.write(
        "model-cards/router.md",
        "---\npipeline_tag: fill-mask\n---\n# Router\n",
    )
    .write("README.md", "# Governance\n");
    repo.commit();
    repo
}

#[test]
fn the_check_step_annotates_summarises_writes_sarif_and_fails_on_errors() {
    let repo = repo();
    let run = run_check_step(&repo, &[]);
    let stdout = String::from_utf8_lossy(&run.output.stdout);
    assert_eq!(
        run.output.status.code(),
        Some(1),
        "{stdout}{}",
        String::from_utf8_lossy(&run.output.stderr)
    );
    assert!(
        stdout.contains("::error file=model-cards/router.md,line=1,col=1,"),
        "{stdout}"
    );
    assert!(stdout.contains("model-cards/router.md:1:1: error[model-card-missing-license]"));
    assert_eq!(
        run.github_output,
        "sarif-file=aims-lint.sarif\nexit-code=1\n"
    );
    let sarif: Value =
        serde_json::from_slice(&std::fs::read(repo.path().join("aims-lint.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    assert!(run.summary.starts_with("## aims-lint: "), "{}", run.summary);
    assert!(
        run.summary
            .contains("https://github.com/acme/governance/blob/0123abc/model-cards/router.md#L1")
    );
}

#[test]
fn inputs_choose_paths_threshold_and_sarif_file() {
    let repo = repo();
    repo.write(
        "elsewhere/model-cards/other.md",
        "---\nlicense: mit\n---\n# Other\n",
    );
    let inputs = [
        ("paths", "elsewhere model-cards/router.md"),
        ("fail-on", "never"),
        ("sarif-file", "out/scan.sarif"),
    ];
    let run = run_check_step(&repo, &inputs);
    // A missing output folder is the user's to create: the step fails and says why.
    assert_ne!(run.output.status.code(), Some(0));
    std::fs::create_dir_all(repo.path().join("out")).unwrap();
    let run = run_check_step(&repo, &inputs);
    assert_eq!(run.output.status.code(), Some(0));
    assert_eq!(
        run.github_output,
        "sarif-file=out/scan.sarif\nexit-code=0\n"
    );
    let uris = sarif_uris(&repo.path().join("out/scan.sarif"));
    assert!(
        uris.iter().any(|u| u == "elsewhere/model-cards/other.md"),
        "{uris:?}"
    );
    assert!(
        uris.iter().any(|u| u == "model-cards/router.md"),
        "{uris:?}"
    );
}

#[test]
fn changed_since_narrows_the_review_to_the_pull_requests_files_but_not_the_sarif() {
    let repo = repo();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "model-cards/new.md",
        "---\nlicense: mit\npipeline_tag: fill-mask\n---\n# New\n",
    )
    .write("aims-lint.toml", "[rules]\nignore = [\"A.6.2.*\"]\n");
    repo.commit();
    // `auto` in a pull request to main: the fetched base branch is origin/main.
    repo.git(&["update-ref", "refs/remotes/origin/main", "main"]);
    let run = run_check_step(&repo, &[("changed-since", "auto")]);
    let stdout = String::from_utf8_lossy(&run.output.stdout);
    // The new card's findings and the configuration change; not the old card's errors.
    assert!(stdout.contains("model-cards/new.md:"), "{stdout}");
    assert!(!stdout.contains("model-cards/router.md"), "{stdout}");
    assert!(
        stdout.contains("::warning file=aims-lint.toml,line=1,"),
        "{stdout}"
    );
    assert!(stdout.contains("aims-lint.toml:1:1: warning[config-changed]"));
    assert!(
        run.summary
            .contains("in files not changed since `origin/main` (merge base"),
        "{}",
        run.summary
    );
    let uris = sarif_uris(&repo.path().join("aims-lint.sarif"));
    assert!(
        uris.iter().any(|u| u == "model-cards/router.md"),
        "{uris:?}"
    );
    assert!(!uris.iter().any(|u| u == "aims-lint.toml"), "{uris:?}");

    // `auto` on a push: every file.
    let run = run_check_step_in(&repo, &[("changed-since", "auto")], "");
    let stdout = String::from_utf8_lossy(&run.output.stdout);
    assert!(stdout.contains("model-cards/router.md"), "{stdout}");
    assert!(!stdout.contains("config-changed"), "{stdout}");
    // A branch name works too.
    let run = run_check_step(&repo, &[("changed-since", "main")]);
    assert!(!String::from_utf8_lossy(&run.output.stdout).contains("model-cards/router.md"));
}

#[test]
fn action_yml_follows_githubs_action_schema() {
    let Some(tool) = peer("AIMS_LINT_CHECK_JSONSCHEMA") else {
        return;
    };
    let out = Command::new(tool)
        .args(["--builtin-schema", "vendor.github-actions"])
        .arg(crate_dir().join("action.yml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The workflow the README gives to paste is a valid workflow, and uses every input.
    let readme = std::fs::read_to_string(crate_dir().join("README.md")).unwrap();
    let start = readme.find("# .github/workflows/aims-lint.yml").unwrap();
    let workflow = &readme[start..start + readme[start..].find("```").unwrap()];
    for input in action()["inputs"].as_object().unwrap().keys() {
        assert!(
            workflow.contains(&format!("{input}:")),
            "the README's workflow lacks {input}"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("aims-lint.yml");
    std::fs::write(&file, workflow).unwrap();
    let out = Command::new(peer("AIMS_LINT_CHECK_JSONSCHEMA").unwrap())
        .args(["--builtin-schema", "vendor.github-workflows"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // The output the README's workflow hands to upload-sarif exists.
    assert!(
        action()["outputs"]["sarif-file"]["value"]
            .as_str()
            .unwrap()
            .contains("steps.check.outputs.sarif-file")
    );
}
