//! Exact positions: the places the issue names, asserted line by line and column by column.
//! Positions are 1-based; columns count characters.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

use aims_lint::config::Settings;
use aims_lint::finding::Finding;
use aims_lint::lint::check_as;
use aims_lint::rules::Registry;
use aims_lint::source::SourceFile;

fn check(name: &str, kind: &str, text: &str) -> Vec<Finding> {
    let settings = Settings::defaults(".".into());
    let registry = Registry::load(&settings).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    check_as(
        &SourceFile::new(name, text.to_string()),
        kind,
        &settings,
        &registry,
    )
}

fn at(findings: &[Finding], rule: &str) -> Vec<(u32, u32, u32, u32, String)> {
    findings
        .iter()
        .filter(|f| f.rule.id == rule)
        .map(|f| {
            (
                f.span.start.line,
                f.span.start.column,
                f.span.end.line,
                f.span.end.column,
                f.pointer.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn wrong_value_deep_in_a_nested_list() {
    let text = "---\nlicense: mit\nmodel-index:\n  - name: m\n    results:\n      - task: {type: t}\n        dataset: {type: d, name: n}\n        metrics:\n          - {type: acc, value: 0.9}\n          - type: f1\n            value: \"0.8\"\n---\n";
    let f = check("card.md", "model-card", text);
    assert_eq!(
        at(&f, "model-card-evaluation-incomplete"),
        [(
            11,
            20,
            11,
            25,
            "/model-index/0/results/0/metrics/1/value".to_string()
        )]
    );
}

#[test]
fn missing_required_key_points_at_the_mapping_it_belongs_in() {
    let text = "aims-kind: dataset-sheet\nprovenance:\n  source: export\n";
    let f = check("sheet.yaml", "dataset-sheet", text);
    assert_eq!(
        at(&f, "dataset-sheet-missing-provenance"),
        [(2, 1, 2, 11, "/provenance/collection_method".to_string())]
    );
    // Missing at the top of a YAML file: the first line of the root mapping.
    let f = check("sheet.yaml", "dataset-sheet", "\n# comment\nname: x\n");
    assert_eq!(
        at(&f, "dataset-sheet-missing-provenance"),
        [(3, 1, 3, 8, "/provenance".to_string())]
    );
}

#[test]
fn missing_key_in_front_matter_points_at_the_opening_fence() {
    let f = check("p.md", "ai-policy", "\n---\nowner: a\n---\n# Policy\n");
    // Both review fields are missing there: one finding, at the mapping they belong in.
    let got = at(&f, "ai-policy-missing-review-schedule");
    assert_eq!(got, [(2, 1, 2, 4, String::new())]);
}

#[test]
fn key_in_markdown_front_matter_counts_lines_after_the_fence() {
    let f = check(
        "card.md",
        "model-card",
        "---\ntags: [a]\nlicense: 7\n---\n# Card\n",
    );
    assert_eq!(
        at(&f, "model-card-missing-license"),
        [(3, 10, 3, 11, "/license".to_string())]
    );
}

#[test]
fn crlf_file() {
    let f = check(
        "card.md",
        "model-card",
        "---\r\npipeline_tag: fill-mask\r\nlicense: 7\r\n---\r\n# Card\r\n",
    );
    assert_eq!(
        at(&f, "model-card-missing-license"),
        [(3, 10, 3, 11, "/license".to_string())]
    );
}

#[test]
fn file_with_a_bom() {
    let f = check(
        "card.md",
        "model-card",
        "\u{feff}---\nlicense: 7\n---\n# Card\n",
    );
    assert_eq!(
        at(&f, "model-card-missing-license"),
        [(2, 10, 2, 11, "/license".to_string())]
    );
    let f = check(
        "p.yaml",
        "ai-policy",
        "\u{feff}last_reviewed: x\nreview_interval_months: 3\n",
    );
    assert_eq!(
        at(&f, "ai-policy-missing-review-schedule")[0].0
            ..=at(&f, "ai-policy-missing-review-schedule")[0].1,
        1..=16
    );
}

#[test]
fn non_ascii_columns_count_characters() {
    let f = check(
        "card.md",
        "model-card",
        "---\nnäme: ünïcödé\nlicense: 7\n---\n",
    );
    assert_eq!(at(&f, "model-card-missing-license")[0].1, 10);
    let f = check(
        "p.yaml",
        "ai-policy",
        "titlé: «x»\nlast_reviewed: 2026-13-45\nreview_interval_months: 1\n",
    );
    assert_eq!(at(&f, "ai-policy-missing-review-schedule")[0].0, 2);
    assert_eq!(at(&f, "ai-policy-missing-review-schedule")[0].1, 16);
}

#[test]
fn yaml_syntax_error() {
    let f = check(
        "p.yaml",
        "ai-policy",
        "owner: a\nscope: [x, y\nversion: 1\n",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule.id, "yaml-syntax-error");
    assert_eq!((f[0].span.start.line, f[0].span.start.column), (3, 8));

    let f = check(
        "card.md",
        "model-card",
        "---\nlicense: mit\n\tpipeline_tag: x\n---\n# Card\n",
    );
    let syntax = at(&f, "yaml-syntax-error");
    assert_eq!(syntax.len(), 1, "{f:#?}");
    assert_eq!(
        syntax[0].0, 3,
        "a tab in front matter is reported on its own line"
    );
}

#[test]
fn duplicate_keys_point_at_both() {
    let f = check("p.yaml", "ai-policy", "owner: a\nversion: 1\nowner: b\n");
    let dup: Vec<_> = f.iter().filter(|f| f.rule.id == "duplicate-key").collect();
    assert_eq!(dup.len(), 1);
    assert_eq!((dup[0].span.start.line, dup[0].span.start.column), (3, 1));
    assert_eq!(dup[0].related[0].0.start.line, 1);
}

#[test]
fn every_finding_span_is_inside_its_file() {
    for text in [
        "",
        "---",
        "---\n",
        "---\n---",
        "\u{0}",
        "a: [",
        "---\n- x\n---\n",
        "a: *b\n",
    ] {
        for (name, kind) in [
            ("a.md", "model-card"),
            ("a.yaml", "ai-policy"),
            ("a.json", "dataset-sheet"),
        ] {
            let f = check(name, kind, text);
            for finding in f {
                assert!(
                    finding.span.end.byte <= text.len(),
                    "{name} {text:?}: {finding:?}"
                );
                assert!(finding.span.start <= finding.span.end);
            }
        }
    }
}
