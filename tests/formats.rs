//! The `github` (workflow commands) and `markdown` (step summary) formats, end to end.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

mod common;

use serde_json::Value;

use common::{Repo, run_in, stdout};

/// 12 cards without a licence (12 errors) or `aims` block (12 warnings); one file name needs
/// escaping in a workflow command property.
fn repo() -> Repo {
    let repo = Repo::new();
    repo.write(
        "aims-lint.toml",
        "[rules]\nselect = [\"model-card-missing-license\", \"A.4.2\"]\n",
    );
    for i in 0..11 {
        repo.write(
            &format!("model-cards/card-{i:02}.md"),
            "---\npipeline_tag: fill-mask\n---\n# Card\n",
        );
    }
    repo.write(
        "model-cards/v1,final: 100%.md",
        "---\npipeline_tag: fill-mask\n---\n# Card\n",
    );
    repo.commit();
    repo
}

#[test]
fn github_annotations_most_severe_first_and_escaped() {
    let repo = repo();
    let out = repo.run(&["check", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 24);
    assert!(
        lines[..12].iter().all(|l| l.starts_with("::error file=")),
        "{text}"
    );
    assert!(
        lines[12..].iter().all(|l| l.starts_with("::warning file=")),
        "{text}"
    );
    let json: Value =
        serde_json::from_slice(&repo.run(&["check", "--format", "json"]).stdout).unwrap();
    let first = &json["findings"][0];
    let blame = &first["blame"];
    let expected = format!(
        "::error file=model-cards/card-00.md,line=1,col=1,endLine={},endColumn={},title=model-card-missing-license (A.8.2)::{} ({})%0A{}%0Alast changed by Ada Lovelace <ada@example.org> in {} on {}: {}",
        first["span"]["end"]["line"],
        first["span"]["end"]["column"],
        first["message"].as_str().unwrap(),
        first["detail"].as_str().unwrap(),
        first["help"].as_str().unwrap(),
        &blame["commit"].as_str().unwrap()[..7],
        &blame["author_time"].as_str().unwrap()[..10],
        blame["summary"].as_str().unwrap(),
    );
    assert_eq!(lines[0], expected);
    let escaped = lines.iter().find(|l| l.contains("v1")).unwrap();
    assert!(
        escaped.starts_with("::error file=model-cards/v1%2Cfinal%3A 100%25.md,line=1,"),
        "{escaped}"
    );
    assert!(!escaped.contains('\n'));
}

#[test]
fn markdown_summary_counts_links_and_says_what_annotations_hide() {
    let repo = repo();
    let env = [
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_REPOSITORY", "acme/governance"),
        ("GITHUB_SHA", "0123abc"),
    ];
    let out = run_in(repo.path(), &["check", "--format", "markdown"], &env);
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "## aims-lint: 24 findings (12 errors, 12 warnings, 0 infos) in 12 documents\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("2 errors and 2 warnings are only in this summary"),
        "{text}"
    );
    assert!(
        text.contains("| A.4.2 Resource documentation | 0 | 12 | 0 |"),
        "{text}"
    );
    assert!(
        text.contains("| A.8.2 System documentation and information for users | 12 | 0 | 0 |"),
        "{text}"
    );
    assert!(
        text.contains("[model-cards/card-00.md:1](https://github.com/acme/governance/blob/0123abc/model-cards/card-00.md#L1)"),
        "{text}"
    );
    assert!(text.contains("| Ada Lovelace, "), "{text}");
    // Errors come first in the table, as in the annotations.
    let first_warning = text.find("| warning |").unwrap();
    assert!(text.rfind("| error |").unwrap() < first_warning);

    // Outside GitHub: paths without links; a clean run says so.
    let out = repo.run(&["check", "--format", "markdown"]);
    assert!(stdout(&out).contains("| `model-cards/card-00.md:1` |"));
    let out = repo.run(&["check", "--format", "markdown", "--ignore", "A.*"]);
    assert_eq!(
        stdout(&out),
        "## aims-lint: no findings\n\n12 documents checked.\n"
    );
}
