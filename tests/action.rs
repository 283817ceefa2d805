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
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use common::{BIN, Repo, peer};

fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn action() -> Value {
    yaml("action.yml")
}

/// A YAML file of this crate as JSON.
fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(crate_dir().join(path)).unwrap();
    let source = aims_lint::source::SourceFile::new(path, text);
    let (doc, findings) = aims_lint::parse::parse(
        &source,
        aims_lint::parse::Format::Yaml,
        aims_lint::parse::yaml::Limits::default(),
    );
    assert!(findings.is_empty(), "{findings:#?}");
    doc.data[0].node.to_json()
}

/// The action's repository and token as the tests' GitHub gives them.
const ACTION_REPOSITORY: &str = "acme/aims-lint";

/// `${{ inputs.name }}` and the `${{ github.… }}` values a step's `env` uses, as GitHub
/// expands them.
fn expand(value: &str, inputs: &BTreeMap<String, String>) -> String {
    let mut out = value.to_string();
    for (name, v) in inputs {
        out = out.replace(&format!("${{{{ inputs.{name} }}}}"), v);
    }
    out.replace(
        "${{ github.action_path }}",
        &crate_dir().display().to_string(),
    )
    .replace("${{ github.action_repository }}", ACTION_REPOSITORY)
    .replace("${{ github.token }}", "a-token")
}

struct Run {
    output: Output,
    github_output: String,
    summary: String,
    github_path: String,
    /// `RUNNER_TEMP` and the files of `GITHUB_OUTPUT` and the others, kept as long as the run.
    _files: tempfile::TempDir,
}

impl Run {
    fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    /// Both streams, for assertion messages.
    fn log(&self) -> String {
        format!(
            "{}{}",
            self.stdout(),
            String::from_utf8_lossy(&self.output.stderr)
        )
    }
}

fn run_check_step(repo: &Repo, given: &[(&str, &str)]) -> Run {
    run_check_step_in(repo, given, "main")
}

/// The check step in a pull request to `base_ref` (`""`: a push), with the binary under test
/// on `PATH`, as the install step would put it.
fn run_check_step_in(repo: &Repo, given: &[(&str, &str)], base_ref: &str) -> Run {
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    run_step(
        "check",
        repo.path(),
        given,
        &[("PATH", &path), ("GITHUB_BASE_REF", base_ref)],
    )
}

/// The step `id` of action.yml, run as GitHub runs it in `dir`, with the action's inputs
/// (defaults, then `given`), GitHub's environment, and then `env`.
fn run_step(id: &str, dir: &Path, given: &[(&str, &str)], env: &[(&str, &str)]) -> Run {
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
        .find(|s| s["id"] == id)
        .unwrap();
    let files = tempfile::tempdir().unwrap();
    let script = files.path().join("step.sh");
    std::fs::write(&script, step["run"].as_str().unwrap()).unwrap();
    let [output, summary, github_path, temp] =
        ["output", "summary", "path", "temp"].map(|f| files.path().join(f));
    for f in [&output, &summary, &github_path] {
        std::fs::write(f, "").unwrap();
    }
    std::fs::create_dir(&temp).unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(dir)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", dir)
        .env("GITHUB_BASE_REF", "")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_PATH", &github_path)
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/governance")
        .env("GITHUB_SHA", "0123abc")
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", &temp)
        .env_remove("AIMS_LINT_RELEASES_URL")
        .env_remove("NO_COLOR");
    for (k, v) in step["env"].as_object().unwrap() {
        cmd.env(k, expand(v.as_str().unwrap(), &inputs));
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let read = |f: &Path| std::fs::read_to_string(f).unwrap();
    Run {
        output: out,
        github_output: read(&output),
        summary: read(&summary),
        github_path: read(&github_path),
        _files: files,
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
    // Weakening the gate fails it by default...
    assert!(
        stdout.contains("::error file=aims-lint.toml,line=1,"),
        "{stdout}"
    );
    assert!(stdout.contains("aims-lint.toml:1:1: error[config-changed]"));
    // ... and is a warning where the workflow allows it.
    let allowed = run_check_step(
        &repo,
        &[("changed-since", "auto"), ("allow-gate-changes", "true")],
    );
    let allowed_out = String::from_utf8_lossy(&allowed.output.stdout);
    assert!(
        allowed_out.contains("aims-lint.toml:1:1: warning[config-changed]"),
        "{allowed_out}"
    );
    // With fail-on-regression, the step summary compares each control with the merge base:
    // the new card's gaps make its controls worse.
    let regression = run_check_step(
        &repo,
        &[
            ("changed-since", "auto"),
            ("allow-gate-changes", "true"),
            ("fail-on-regression", "true"),
        ],
    );
    assert!(
        regression
            .summary
            .contains("more error findings than at the merge base"),
        "{}",
        regression.summary
    );
    assert_eq!(regression.output.status.code(), Some(1));
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

// The install step: a release served from 127.0.0.1, as GitHub's release downloads would be.

/// The release asset of the test runner (`RUNNER_OS=Linux`, `RUNNER_ARCH=X64`).
const TARGET: &str = "x86_64-unknown-linux-musl";
const ASSET: &str = "aims-lint-x86_64-unknown-linux-musl.tar.gz";

/// The binary under test, stripped of its debug information (a tenth of the size), packaged by
/// the release workflow's own `.github/release/package.sh`: the archive and its `.sha256`,
/// made once per test run.
fn packaged() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let binary = dir.join("aims-lint");
        let stripped = Command::new("strip")
            .arg("-o")
            .arg(&binary)
            .arg(BIN)
            .status()
            .is_ok_and(|s| s.success());
        if !stripped {
            std::fs::copy(BIN, &binary).unwrap();
        }
        let out = Command::new("bash")
            .arg(crate_dir().join(".github/release/package.sh"))
            .arg(&binary)
            .arg(TARGET)
            .arg(dir.join("dist"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir.join("dist")
    })
}

/// A folder served as `<url>/releases`: `download/<tag>/` and `latest/download/` hold what
/// the test puts there.
struct Releases {
    root: tempfile::TempDir,
    url: String,
    asked: Arc<Mutex<Vec<String>>>,
}

impl Releases {
    /// Serve an empty folder on a free port of 127.0.0.1: files that exist are 200, others
    /// 404, and anything under `/status/<code>/` answers that code. Every path asked is kept.
    fn serve() -> Self {
        let root = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let asked = Arc::new(Mutex::new(Vec::new()));
        let (dir, log) = (root.path().to_path_buf(), Arc::clone(&asked));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(&stream);
                let mut request = String::new();
                let _ = reader.read_line(&mut request);
                let mut header = String::new();
                while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
                    header.clear();
                }
                let path = request.split(' ').nth(1).unwrap_or("/").to_string();
                log.lock().unwrap().push(path.clone());
                let (status, body) = match path.strip_prefix("/status/") {
                    Some(rest) => (rest[..3].to_string(), Vec::new()),
                    None if path.contains("..") => ("404".to_string(), Vec::new()),
                    None => match std::fs::read(dir.join(path.trim_start_matches('/'))) {
                        Ok(body) => ("200".to_string(), body),
                        Err(_) => ("404".to_string(), b"Not Found".to_vec()),
                    },
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(&body);
            }
        });
        Self { root, url, asked }
    }

    /// Publish the packaged binary under `dir` (`download/v0.1.0`, `latest/download`).
    fn publish(&self, dir: &str) -> PathBuf {
        let to = self.root.path().join("releases").join(dir);
        std::fs::create_dir_all(&to).unwrap();
        for name in [ASSET.to_string(), format!("{ASSET}.sha256")] {
            std::fs::copy(packaged().join(&name), to.join(&name)).unwrap();
        }
        to
    }

    /// The install step, told to download from here.
    fn install(&self, given: &[(&str, &str)], env: &[(&str, &str)]) -> Run {
        let url = format!("{}/releases", self.url);
        install_from(&url, given, env)
    }

    fn asked(&self) -> Vec<String> {
        std::mem::take(&mut *self.asked.lock().unwrap())
    }
}

/// The install step, told to download releases from `url`.
fn install_from(url: &str, given: &[(&str, &str)], env: &[(&str, &str)]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let mut all = vec![("AIMS_LINT_RELEASES_URL", url)];
    all.extend_from_slice(env);
    run_step("install", dir.path(), given, &all)
}

fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// A stand-in for the command `name`, alone in a folder: a shell script whose `$LOG` is a file
/// beside it (`log`) and that ends with `body`. Returns the folder, a `PATH` with it first, and
/// the log file.
fn stand_in(name: &str, body: &str) -> (tempfile::TempDir, String, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log");
    let script = dir.path().join(name);
    std::fs::write(
        &script,
        format!("#!/bin/sh\nLOG='{}'\n{body}\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    (dir, path, log)
}

/// `gh` that records its arguments and token, and exits with `status`.
fn fake_gh(status: i32) -> (tempfile::TempDir, String, PathBuf) {
    stand_in(
        "gh",
        &format!("echo \"$@\" >> \"$LOG\"\necho \"GH_TOKEN=$GH_TOKEN\" >> \"$LOG\"\nexit {status}"),
    )
}

#[test]
fn the_install_step_installs_the_release_binary_of_the_actions_own_version() {
    let releases = Releases::serve();
    releases.publish(&format!("download/v{}", version()));
    let run = releases.install(&[], &[]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.log());
    assert_eq!(
        releases.asked(),
        [
            format!("/releases/download/v{}/{ASSET}", version()),
            format!("/releases/download/v{}/{ASSET}.sha256", version()),
        ]
    );
    assert_eq!(
        run.github_output,
        format!("source=release\nversion={}\n", version())
    );
    assert!(
        run.stdout()
            .contains(&format!("installed aims-lint {} for {TARGET}", version())),
        "{}",
        run.log()
    );
    assert!(run.stdout().contains(
        "(SHA-256 verified; build provenance not verified (no gh on PATH, or no token))"
    ));
    // What the step put on PATH is a working aims-lint, and the check step runs with it.
    let bin_dir = run.github_path.trim_end();
    let installed = Path::new(bin_dir).join("aims-lint");
    let out = Command::new(&installed).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("aims-lint {}", version())
    );
    let repo = repo();
    let path = format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default());
    let check = run_step("check", repo.path(), &[], &[("PATH", &path)]);
    assert_eq!(check.output.status.code(), Some(1), "{}", check.log());
    assert!(check.stdout().contains("error[model-card-missing-license]"));
    // The installed binary is the one the test packaged.
    let packaged_binary = packaged().parent().unwrap().join("aims-lint");
    assert_eq!(
        std::fs::read(installed).unwrap(),
        std::fs::read(packaged_binary).unwrap()
    );
}

#[test]
fn a_release_binary_that_does_not_match_its_checksum_is_refused() {
    let releases = Releases::serve();
    let dir = releases.publish(&format!("download/v{}", version()));
    let mut tampered = std::fs::read(dir.join(ASSET)).unwrap();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    std::fs::write(dir.join(ASSET), tampered).unwrap();
    let run = releases.install(&[], &[]);
    assert_eq!(run.output.status.code(), Some(1), "{}", run.log());
    assert!(
        run.stdout()
            .contains("::error title=aims-lint install::checksum mismatch for http://127.0.0.1:"),
        "{}",
        run.log()
    );
    assert!(run.stdout().contains("refusing it"), "{}", run.log());
    // Nothing is installed, and the action does not fall back to building.
    assert_eq!(run.github_path, "");
    assert_eq!(run.github_output, "");

    // A release without its checksum file, or with one that holds no digest, is refused too.
    std::fs::write(dir.join(format!("{ASSET}.sha256")), "not a digest\n").unwrap();
    let run = releases.install(&[], &[]);
    assert_eq!(run.output.status.code(), Some(1));
    assert!(
        run.stdout()
            .contains(".sha256 does not hold a SHA-256 digest"),
        "{}",
        run.log()
    );
    std::fs::remove_file(dir.join(format!("{ASSET}.sha256"))).unwrap();
    let run = releases.install(&[], &[]);
    assert_eq!(run.output.status.code(), Some(1));
    assert!(
        run.stdout().contains("but no checksum file") && run.stdout().contains("HTTP 404"),
        "{}",
        run.log()
    );
    assert_eq!(run.github_path, "");
}

#[test]
fn without_a_release_binary_the_action_builds_from_source_and_says_so() {
    let releases = Releases::serve();
    let run = releases.install(&[], &[]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.log());
    assert_eq!(run.github_output, "source=build\n");
    assert_eq!(run.github_path, "");
    let log = run.stdout();
    assert!(
        log.contains(&format!(
            "::notice title=aims-lint install::no release v{} of aims-lint with a binary for {TARGET}",
            version()
        )) && log.contains("HTTP 404): building aims-lint from source instead"),
        "{log}"
    );
    // The cache and build steps run only then.
    let steps = action()["runs"]["steps"].as_array().unwrap().clone();
    for id in ["Cache the aims-lint build", "Build aims-lint from source"] {
        let step = steps.iter().find(|s| s["name"] == id).unwrap();
        assert_eq!(step["if"], "steps.install.outputs.source == 'build'");
    }

    // A runner without a release binary (32-bit ARM), and the action used from a folder: no
    // download is tried.
    releases.publish(&format!("download/v{}", version()));
    releases.asked();
    let run = releases.install(&[], &[("RUNNER_ARCH", "ARM")]);
    assert_eq!(run.github_output, "source=build\n", "{}", run.log());
    assert!(
        run.stdout()
            .contains("no release binary is built for Linux ARM"),
        "{}",
        run.log()
    );
    let run = install_from("", &[], &[("ACTION_REPOSITORY", "")]);
    assert_eq!(run.github_output, "source=build\n", "{}", run.log());
    assert!(run.stdout().contains("the action is used from a folder"));
    assert_eq!(releases.asked(), Vec::<String>::new());
}

#[test]
fn the_version_input_picks_another_release() {
    let releases = Releases::serve();
    releases.publish("latest/download");
    let run = releases.install(&[("version", "latest")], &[]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.log());
    assert_eq!(
        releases.asked(),
        [
            format!("/releases/latest/download/{ASSET}"),
            format!("/releases/latest/download/{ASSET}.sha256"),
        ]
    );
    assert!(run.github_output.starts_with("source=release\n"));

    releases.publish(&format!("download/v{}", version()));
    let run = releases.install(&[("version", &format!("v{}", version()))], &[]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.log());
    releases.asked();

    // A release whose binary says another version is refused: it is not what was asked for.
    releases.publish("download/v0.0.9");
    let run = releases.install(&[("version", "0.0.9")], &[]);
    assert_eq!(run.output.status.code(), Some(1), "{}", run.log());
    assert_eq!(
        releases.asked()[0],
        format!("/releases/download/v0.0.9/{ASSET}")
    );
    assert!(
        run.stdout().contains(&format!(
            "release v0.0.9 holds 'aims-lint {}', not aims-lint 0.0.9: refusing it",
            version()
        )),
        "{}",
        run.log()
    );
    assert_eq!(run.github_path, "");

    // What is not a version is refused before anything is downloaded, and is not echoed raw.
    let run = releases.install(&[("version", "1.0\n::error::injected")], &[]);
    assert_eq!(run.output.status.code(), Some(1));
    assert!(
        run.stdout()
            .contains("version: '1.0%0A::error::injected' is not a release"),
        "{}",
        run.log()
    );
    assert!(!run.stdout().contains("\n::error::injected"));
    assert!(releases.asked().is_empty());
}

#[test]
fn attestations_are_verified_with_gh_where_it_is_installed() {
    let releases = Releases::serve();
    releases.publish(&format!("download/v{}", version()));
    let (_gh, path, args) = fake_gh(0);
    let run = releases.install(&[], &[("PATH", &path)]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.log());
    assert_eq!(
        std::fs::read_to_string(&args).unwrap(),
        format!(
            "attestation verify {ASSET} --repo {ACTION_REPOSITORY} --signer-workflow {ACTION_REPOSITORY}/.github/workflows/release.yml --source-ref refs/tags/v{} --deny-self-hosted-runners\nGH_TOKEN=a-token\n",
            version()
        )
    );
    assert!(
        run.stdout()
            .contains("(SHA-256 verified; build provenance verified (gh attestation verify))"),
        "{}",
        run.log()
    );

    // gh finds no provenance: refused, nothing installed.
    let (_gh, path, _) = fake_gh(1);
    let run = releases.install(&[], &[("PATH", &path)]);
    assert_eq!(run.output.status.code(), Some(1), "{}", run.log());
    assert!(
        run.stdout().contains(&format!(
            "gh attestation verify found no build provenance of acme/aims-lint's release workflow for {ASSET} at v{}: refusing it",
            version()
        )),
        "{}",
        run.log()
    );
    assert_eq!(run.github_path, "");
    // With `latest` there is no tag to require.
    releases.publish("latest/download");
    let (_gh, path, args) = fake_gh(0);
    let run = releases.install(&[("version", "latest")], &[("PATH", &path)]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.log());
    let asked = std::fs::read_to_string(&args).unwrap();
    assert!(
        !asked.contains("--source-ref") && asked.contains("--deny-self-hosted-runners"),
        "{asked}"
    );
    // `never` does not ask gh; `always` fails where there is no gh to ask.
    let (_gh, path, args) = fake_gh(1);
    let run = releases.install(&[("verify-attestation", "never")], &[("PATH", &path)]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.log());
    assert!(!args.exists());
    if Command::new("sh")
        .args(["-c", "command -v gh"])
        .output()
        .unwrap()
        .status
        .success()
    {
        eprintln!("gh is installed here: the test of `always` without gh is skipped");
        return;
    }
    let run = releases.install(&[("verify-attestation", "always")], &[]);
    assert_eq!(run.output.status.code(), Some(1), "{}", run.log());
    assert!(
        run.stdout()
            .contains("verify-attestation: always, but the attestation cannot be verified here")
    );
    let run = releases.install(&[("verify-attestation", "sometimes")], &[]);
    assert_eq!(run.output.status.code(), Some(1));
    assert!(
        run.stdout()
            .contains("'sometimes' is not one of auto, always, never")
    );
}

#[test]
fn download_failures_other_than_a_missing_release_stop_the_step() {
    let releases = Releases::serve();
    // Forbidden (a rate limit, a proxy): not a reason to build something else.
    let url = format!("{}/status/403/releases", releases.url);
    let run = install_from(&url, &[], &[]);
    assert_eq!(run.output.status.code(), Some(1), "{}", run.log());
    assert!(run.stdout().contains("answered HTTP 403"), "{}", run.log());
    assert_eq!(run.github_output, "");
    // Nobody listening.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let run = install_from(&format!("http://{closed}/releases"), &[], &[]);
    assert_eq!(run.output.status.code(), Some(1), "{}", run.log());
    assert!(
        run.stdout().contains("could not download http://"),
        "{}",
        run.log()
    );
    // Plain HTTP anywhere but this machine.
    let run = install_from("http://example.org/releases", &[], &[]);
    assert_eq!(run.output.status.code(), Some(1));
    assert!(
        run.stdout()
            .contains("releases must be fetched over https, not from http://example.org/releases"),
        "{}",
        run.log()
    );
}

#[test]
fn the_release_archive_holds_the_binary_readme_and_licence() {
    let dist = packaged();
    let out = Command::new("tar")
        .arg("-tzf")
        .arg(dist.join(ASSET))
        .output()
        .unwrap();
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("aims-lint-{TARGET}/"),
            format!("aims-lint-{TARGET}/LICENSE"),
            format!("aims-lint-{TARGET}/README.md"),
            format!("aims-lint-{TARGET}/aims-lint"),
        ]
    );
    // sha256sum -c accepts the checksum file as it is.
    let out = Command::new("sha256sum")
        .args(["-c", &format!("{ASSET}.sha256")])
        .current_dir(dist)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_release_workflow_builds_what_the_install_step_downloads() {
    let workflow = yaml(".github/workflows/release.yml");
    let matrix: Vec<&str> = workflow["jobs"]["build"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    let install = std::fs::read_to_string(crate_dir().join("action/install.sh")).unwrap();
    let downloaded: Vec<&str> = install
        .lines()
        .filter_map(|l| l.split_once(") target=")?.1.split_once(" ;;"))
        .map(|(target, _)| target)
        .collect();
    let (mut built, mut fetched) = (matrix.clone(), downloaded.clone());
    built.sort_unstable();
    fetched.sort_unstable();
    assert_eq!(built, fetched);
    assert!(downloaded.contains(&TARGET));
    // The release job waits for every archive.
    let waits = workflow["jobs"]["release"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .any(|run| run.contains(&format!("test \"$#\" -eq {}", matrix.len())));
    assert!(
        waits,
        "the release job does not count {} archives",
        matrix.len()
    );

    let Some(tool) = peer("AIMS_LINT_CHECK_JSONSCHEMA") else {
        return;
    };
    for schema in [
        "vendor.github-workflows",
        "custom.github-workflows-require-timeout",
    ] {
        let out = Command::new(&tool)
            .args(["--builtin-schema", schema])
            .arg(crate_dir().join(".github/workflows/release.yml"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{schema}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Every shell script of the action, the release and CI passes shellcheck, and no `run:` of a
/// step pastes an expression (`${{ … }}`) into its script, where an input could inject
/// commands: values reach scripts through `env` only.
#[test]
fn scripts_pass_shellcheck_and_take_values_only_from_env() {
    let dir = tempfile::tempdir().unwrap();
    let mut scripts: Vec<PathBuf> = [
        "action/install.sh",
        ".github/release/package.sh",
        ".ci/run",
        ".ci/fresh-deps",
        "fuzz/run.sh",
    ]
    .iter()
    .map(|p| crate_dir().join(p))
    .collect();
    let release = yaml(".github/workflows/release.yml");
    let mut steps: Vec<(String, Value)> = action()["runs"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| ("action.yml".to_string(), s.clone()))
        .collect();
    for (job, body) in release["jobs"].as_object().unwrap() {
        for s in body["steps"].as_array().unwrap() {
            steps.push((format!("release.yml job {job}"), s.clone()));
        }
    }
    for (i, (place, step)) in steps.iter().enumerate() {
        let Some(run) = step["run"].as_str() else {
            continue;
        };
        assert!(
            !run.contains("${{"),
            "{place}, step {}: {run}",
            step["name"]
        );
        let file = dir.path().join(format!("step-{i}.sh"));
        std::fs::write(&file, format!("#!/usr/bin/env bash\n{run}")).unwrap();
        scripts.push(file);
    }
    let Some(tool) = peer("AIMS_LINT_SHELLCHECK") else {
        return;
    };
    let out = Command::new(tool).args(&scripts).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The fallback build runs cargo in the action's folder: cargo reads `.cargo/config.toml` (and
/// rustup `rust-toolchain.toml`) from the current folder up, and a pull request's own must not
/// decide how the gate's binary is built (a `rustc-wrapper` could make it pass everything).
#[test]
fn the_fallback_build_ignores_the_checked_repositorys_cargo_configuration() {
    let repo = repo();
    repo.write(
        ".cargo/config.toml",
        "[build]\nrustc-wrapper = \"./pass-everything.sh\"\n",
    )
    .write(
        "rust-toolchain.toml",
        "[toolchain]\npath = \"./fake-toolchain\"\n",
    );
    // A stand-in cargo that records where it runs and with what.
    let (_cargo, path, log) = stand_in("cargo", "echo \"$PWD $*\" > \"$LOG\"");
    let run = run_step("build", repo.path(), &[], &[("PATH", &path)]);
    assert_eq!(run.output.status.code(), Some(0), "{}", run.log());
    assert_eq!(
        std::fs::read_to_string(&log).unwrap().trim(),
        format!("{} build --release --locked --quiet", crate_dir().display())
    );
    assert_eq!(
        run.github_path.trim(),
        crate_dir().join("target/release").display().to_string()
    );
}
