//! The pre-commit hooks of `.pre-commit-hooks.yaml`, run by the real `pre-commit try-repo` on a
//! git repository made here: one commit passes, the next one fails. pre-commit builds the
//! `aims-lint` hook with `cargo install`; the build goes to `target/pre-commit` (unoptimised,
//! to keep CI quick) and is reused by later runs. The `aims-lint-system` hook runs the
//! aims-lint on `PATH` (here the binary under test). `.ci/run` installs pre-commit from `PyPI`
//! and sets `AIMS_LINT_PRE_COMMIT`; without it the tests skip and say so.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{Repo, peer};

const GOOD: &str = "---\nlicense: apache-2.0\ndatasets: [claims-2024]\naims: {system_id: ticket-router, owner: ml-lead, impact_assessment: impact-assessments/router.yaml, approved_by: Ada Lovelace, approval_date: 2026-01-10}\n---\n# Router\n\n## Model Description\n\nA classifier.\n\n## Training Procedure\n\nThree epochs.\n\n## Uses\n\nRouting.\n\n## Out-of-Scope Use\n\nPeople.\n\n## Bias, Risks, and Limitations\n\nEnglish only.\n\n## Evaluation\n\nAccuracy 0.9.\n\n## Model Card Contact\n\nml@example.org\n";

fn try_repo(tool: &Path, repo: &Repo, home: &Path) -> Output {
    try_hook(tool, "aims-lint", repo, home, None)
}

/// `pre-commit try-repo <this crate> HOOK` in `repo`; with `path`, that is the `PATH`.
fn try_hook(tool: &Path, hook: &str, repo: &Repo, home: &Path, path: Option<&str>) -> Output {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(tool);
    if let Some(path) = path {
        cmd.env("PATH", path);
    }
    cmd.args(["try-repo"])
        .arg(crate_dir)
        .arg(hook)
        .current_dir(repo.path())
        .env("PRE_COMMIT_HOME", home)
        .env("CARGO_TARGET_DIR", crate_dir.join("target/pre-commit"))
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0")
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn the_hook_passes_a_good_commit_and_fails_a_bad_one() {
    let Some(tool) = peer("AIMS_LINT_PRE_COMMIT") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let repo = Repo::new();
    repo.write("model-cards/router.md", GOOD)
        .write("ai-systems/ticket-router.yaml", common::GOOD_SYSTEM)
        .write("impact-assessments/router.yaml", common::GOOD_ASSESSMENT)
        .write("datasheets/claims-2024.md", common::GOOD_SHEET)
        .write("README.md", "# Governance\n")
        .write("notes.txt", "not checked\n");
    repo.git(&["add", "-A"]);
    let out = try_repo(&tool, &repo, home.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("aims-lint (ISO/IEC 42001 evidence)") && text.contains("Passed"),
        "{text}"
    );
    repo.commit();

    repo.write(
        "model-cards/router.md",
        GOOD.replace("license: apache-2.0\n", ""),
    );
    repo.git(&["add", "-A"]);
    let out = try_repo(&tool, &repo, home.path());
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Failed"), "{text}");
    assert!(
        text.contains("model-card-missing-license (A.8.2)"),
        "{text}"
    );
    assert!(text.contains("model-cards/router.md:1:1"), "{text}");
}

#[test]
fn the_system_hook_runs_the_aims_lint_on_path() {
    let Some(tool) = peer("AIMS_LINT_PRE_COMMIT") else {
        return;
    };
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new(&tool)
        .arg("validate-manifest")
        .arg(crate_dir.join(".pre-commit-hooks.yaml"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let home = tempfile::tempdir().unwrap();
    let repo = Repo::new();
    repo.write("model-cards/router.md", GOOD)
        .write("ai-systems/ticket-router.yaml", common::GOOD_SYSTEM)
        .write("impact-assessments/router.yaml", common::GOOD_ASSESSMENT)
        .write("datasheets/claims-2024.md", common::GOOD_SHEET)
        .write("README.md", "# Governance\n");
    repo.git(&["add", "-A"]);
    let system = std::env::var("PATH").unwrap_or_default();
    let bin_dir = Path::new(common::BIN).parent().unwrap();
    let path = format!("{}:{system}", bin_dir.display());
    let out = try_hook(&tool, "aims-lint-system", &repo, home.path(), Some(&path));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Passed"), "{text}");
    repo.commit();

    // The hooks pass `--cache`: once the documents have settled (3 s), a commit that names none
    // of them keeps what the corpus needs of each in the git directory, and nothing elsewhere.
    std::thread::sleep(std::time::Duration::from_millis(3_300));
    repo.write("README.md", "# Governance\n\nThe evidence of our AIMS.\n");
    repo.git(&["add", "-A"]);
    let out = try_hook(&tool, "aims-lint-system", &repo, home.path(), Some(&path));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        std::fs::symlink_metadata(repo.path().join(".git/aims-lint/corpus"))
            .is_ok_and(|m| m.is_file()),
        "{text}"
    );
    repo.commit();

    // With the cache, the card named is still checked in full, and the sheet it cites (read
    // from the cache) still resolves.
    repo.write(
        "model-cards/router.md",
        GOOD.replace("license: apache-2.0\n", ""),
    );
    repo.git(&["add", "-A"]);
    let out = try_hook(&tool, "aims-lint-system", &repo, home.path(), Some(&path));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("model-card-missing-license (A.8.2)"),
        "{text}"
    );
    assert!(!text.contains("model-card-dataset-without-sheet"), "{text}");

    // Without aims-lint on PATH the hook fails and says so; it does not pass.
    if system
        .split(':')
        .any(|d| Path::new(d).join("aims-lint").exists())
    {
        eprintln!("an aims-lint is on PATH here: the test without one is skipped");
        return;
    }
    let out = try_hook(&tool, "aims-lint-system", &repo, home.path(), Some(&system));
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("Executable `aims-lint` not found"), "{text}");
}
