//! Rule selection, severities and per-path overrides from aims-lint.toml and the command line,
//! end to end on git repositories in temporary folders.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

mod common;

use common::{Repo, check_json, stderr};

/// A card with every section; it lacks `license` (A.8.2, error) and the `aims` block (A.4.2,
/// warning).
const CARD: &str = "---\npipeline_tag: text-classification\ndatasets: [tickets]\n---\n# Router\n\n## Model Description\n\nA classifier.\n\n## Training Procedure\n\nThree epochs.\n\n## Uses\n\nRouting.\n\n## Out-of-Scope Use\n\nPeople.\n\n## Bias, Risks, and Limitations\n\nEnglish only.\n\n## Evaluation\n\nAccuracy 0.9.\n\n## Model Card Contact\n\nml@example.org\n";

fn repo(config: &str) -> Repo {
    let repo = Repo::new();
    repo.write("model-cards/router.md", CARD)
        .write("vendor/model-cards/ext.md", CARD)
        .write("aims-lint.toml", config);
    repo.commit();
    repo
}

/// `(path, rule, severity)` of every finding, and the exit status.
fn findings(repo: &Repo, extra: &[&str]) -> (Vec<(String, String, String)>, Option<i32>) {
    let (report, code) = check_json(repo, extra);
    let list = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (list, code)
}

fn f(path: &str, rule: &str, severity: &str) -> (String, String, String) {
    (path.into(), rule.into(), severity.into())
}

const LICENSE: &str = "model-card-missing-license";
const LINK: &str = "model-card-not-linked-to-system";
const ROUTER: &str = "model-cards/router.md";
const EXT: &str = "vendor/model-cards/ext.md";

#[test]
fn without_selection_every_rule_reports() {
    let (list, code) = findings(&repo(""), &[]);
    assert_eq!(
        list,
        [
            f(ROUTER, LICENSE, "error"),
            f(ROUTER, LINK, "warning"),
            f(EXT, LICENSE, "error"),
            f(EXT, LINK, "warning"),
        ]
    );
    assert_eq!(code, Some(1));
}

#[test]
fn ignore_by_control_and_severity_by_rule_id() {
    let config = "[rules]\nignore = [\"A.4.2\"]\n\n[rules.severity]\n\"model-card-missing-license\" = \"warning\"\n\"A.8.*\" = \"info\"\n";
    let (list, code) = findings(&repo(config), &[]);
    assert_eq!(
        list,
        [f(ROUTER, LICENSE, "warning"), f(EXT, LICENSE, "warning")]
    );
    assert_eq!(code, Some(0), "warnings do not fail with --fail-on error");
}

#[test]
fn select_by_pattern_and_overrides_per_path() {
    let config = "[rules]\nselect = [\"A.4.*\", \"A.8.2\"]\n\n[[overrides]]\npaths = [\"vendor/**\"]\nignore = [\"A.4.2\"]\nseverity = { \"model-card-missing-license\" = \"warning\" }\n";
    let (list, _) = findings(&repo(config), &[]);
    assert_eq!(
        list,
        [
            f(ROUTER, LICENSE, "error"),
            f(ROUTER, LINK, "warning"),
            f(EXT, LICENSE, "warning"),
        ]
    );
    let (list, _) = findings(&repo("[rules]\nselect = [\"A.4.*\"]\n"), &[]);
    assert_eq!(list, [f(ROUTER, LINK, "warning"), f(EXT, LINK, "warning")]);
}

#[test]
fn the_command_line_replaces_select_and_adds_to_ignore() {
    let repo = repo("[rules]\nselect = [\"A.4.*\"]\nignore = [\"model-card-missing-license\"]\n");
    let (list, _) = findings(&repo, &["--select", "A.8.2,A.4.2"]);
    assert_eq!(list, [f(ROUTER, LINK, "warning"), f(EXT, LINK, "warning")]);
    let (list, code) = findings(&repo, &["--select", "A.*", "--ignore", LINK]);
    assert_eq!(list, []);
    assert_eq!(code, Some(0));
}

#[test]
fn selectors_that_name_nothing_are_errors_at_their_line() {
    let cases = [
        (
            "[rules]\nignore = [\"A.7.1\"]\n",
            "A.7.3 (Acquisition of data)",
            "aims-lint.toml:2:",
        ),
        (
            "[rules]\nselect = [\"model-card-missing-licence\"]\n",
            "did you mean model-card-missing-license",
            "aims-lint.toml:2:",
        ),
        (
            "[rules]\n\n[[overrides]]\npaths = [\"x/**\"]\nignore = [\"A.11.*\"]\n",
            "matches no ISO/IEC 42001 Annex A control",
            "aims-lint.toml:5:",
        ),
        (
            "[[overrides]]\npaths = [\"x/**\"]\nselect = [\"A.2.2\"]\n",
            "unknown field `select`",
            "aims-lint.toml:3:",
        ),
    ];
    for (config, message, place) in cases {
        let repo = repo(config);
        let out = repo.run(&["check", "--no-blame"]);
        assert_eq!(out.status.code(), Some(2), "{config}");
        let err = stderr(&out);
        assert!(err.contains(message), "{config}: {err}");
        assert!(err.contains(place), "{config}: {err}");
    }
    let repo = repo("");
    let out = repo.run(&["check", "--ignore", "A.3.4"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("did you mean A.3.2"),
        "{}",
        stderr(&out)
    );
    let out = repo.run(&["check", "--select", "model-card-missing-licence"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean model-card-missing-license"));
}

#[test]
fn checks_without_a_control_are_ignored_by_id_wherever_they_arise() {
    // `unknown-document-kind` comes from classification and `file-too-large` from reading,
    // before any rule runs: the configuration applies to them all the same.
    let config = "[rules]\nignore = [\"unknown-document-kind\", \"file-too-large\"]\n\n[limits]\nmax-file-size = 64\n";
    // An unknown kind, and a file over the 64-byte limit.
    let odd_and_big = |config: &str| {
        let repo = repo(config);
        repo.write("policies/odd.yaml", "aims-kind: nonsense\n")
            .write(
                "policies/big.md",
                format!("---\nowner: x\n---\n{}\n", "x".repeat(100)),
            );
        repo
    };
    let repo = odd_and_big(config);
    let (list, _) = findings(&repo, &[]);
    assert!(
        list.iter()
            .all(|(p, _, _)| p != "policies/odd.yaml" && p != "policies/big.md"),
        "{list:?}"
    );
    let (list, _) = findings(&repo, &["--select", "A.8.2"]);
    assert!(list.iter().all(|(_, r, _)| r == LICENSE), "{list:?}");
    // Without the ignore, both are reported.
    let repo = odd_and_big("[limits]\nmax-file-size = 64\n");
    let (list, _) = findings(&repo, &[]);
    assert!(
        list.contains(&f("policies/odd.yaml", "unknown-document-kind", "error")),
        "{list:?}"
    );
    assert!(
        list.contains(&f("policies/big.md", "file-too-large", "error")),
        "{list:?}"
    );
}

#[test]
fn thresholds_set_the_numbers_that_rules_leave_to_the_organisation() {
    let policy = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules/ai-policy-missing-review-schedule/pass/policy.yaml"),
    )
    .unwrap();
    let every_18_months =
        policy.replace("review_interval_months: 12", "review_interval_months: 18");
    assert_ne!(policy, every_18_months);
    let rules_of = |repo: &Repo| -> Vec<String> {
        findings(repo, &["--select", "A.2.4"])
            .0
            .into_iter()
            .map(|(_, rule, _)| rule)
            .collect()
    };
    let repo = Repo::new();
    repo.write("policies/ai-policy.yaml", &every_18_months);
    repo.commit();
    assert_eq!(rules_of(&repo), ["ai-policy-missing-review-schedule"]);

    repo.write(
        "aims-lint.toml",
        "[thresholds]\nmax-review-interval-months = 24\n",
    );
    assert_eq!(rules_of(&repo), Vec::<String>::new());
    repo.write(
        "aims-lint.toml",
        "[thresholds]\nmax-review-interval-months = 6\n",
    );
    let (report, _) = check_json(&repo, &["--select", "ai-policy-missing-review-schedule"]);
    assert_eq!(
        report["findings"][0]["detail"],
        "value is greater than the maximum of 6"
    );

    for (config, error) in [
        (
            "[thresholds]\nmax-review-months = 24\n",
            "`max-review-months` is not a threshold",
        ),
        (
            "[thresholds]\nmax-review-interval-months = 0\n",
            "a threshold is a whole number of at least 1",
        ),
    ] {
        repo.write("aims-lint.toml", config);
        let out = repo.run(&["check"]);
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains(error), "{}", stderr(&out));
        assert!(
            stderr(&out).contains("aims-lint.toml:2:"),
            "{}",
            stderr(&out)
        );
    }

    // A custom rule may use a threshold; one that names none is an error at its line.
    repo.write("aims-lint.toml", "[rules]\npaths = [\"org-rules\"]\n")
        .write(
            "org-rules/policy-short-review.yaml",
            "id: policy-short-review\ncontrol: A.2.4\ntitle: t\nseverity: error\napplies-to: [ai-policy]\nmessage: review too rare\nhelp: h\ndocs: d\nschema:\n  properties:\n    review_interval_months: {maximum: {$threshold: max-review-intervals}}\n",
        );
    let out = repo.run(&["check"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("\"max-review-intervals\" is not a threshold"),
        "{err}"
    );
    assert!(err.contains("policy-short-review.yaml:11:"), "{err}");
}
