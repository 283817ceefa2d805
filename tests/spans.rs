//! Exact positions: the places the issue names, asserted line by line and column by column.
//! Positions are 1-based; columns count characters.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

use aims_lint::config::Settings;
use aims_lint::finding::Finding;
use aims_lint::rules::Registry;
use aims_lint::run::check_as;
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

fn lines_of(findings: &[Finding], rule: &str) -> Vec<(u32, u32, String)> {
    findings
        .iter()
        .filter(|f| f.rule.id == rule)
        .map(|f| {
            (
                f.span.start.line,
                f.span.start.column,
                f.detail.clone().unwrap_or_default(),
            )
        })
        .collect()
}

#[test]
fn a_key_indented_into_another_is_reported_where_it_is() {
    // A required key: the rule that needs it points at it, once.
    let text = "---\npipeline_tag: fill-mask\naims:\n  system_id: router\n  owner: ml-lead\n  license: apache-2.0\n---\n# Router\n";
    let f = check("card.md", "model-card", text);
    assert_eq!(
        lines_of(&f, "model-card-missing-license"),
        [(
            6,
            3,
            "`license` is not at the top level: it is inside `aims`, where it is not read"
                .to_string()
        )]
    );
    assert!(lines_of(&f, "metadata-key-misplaced").is_empty());
    // Any other key of the kind: a warning of its own.
    let text = "---\nlicense: mit\ndatasets: [tickets]\naims:\n  system_id: r\n  owner: o\n  pipeline_tag: fill-mask\n---\n# Router\n";
    let f = check("card.md", "model-card", text);
    assert_eq!(
        lines_of(&f, "metadata-key-misplaced"),
        [(
            7,
            3,
            "`pipeline_tag` is inside `aims`; as a top-level key it would be read".to_string()
        )]
    );
    // Deeper than a mapping the schema describes, a key is the document's own structure
    // (`provenance.version_history[].version`): not misplaced. A required key missing from
    // the top level but written there is pointed at.
    let text = "aims-kind: dataset-sheet\nprovenance:\n  source: NOAA\n  collection_method: stations\n  version_history:\n    - version: v3\ndistribution:\n  license: CC0-1.0\n";
    let f = check("s.yaml", "dataset-sheet", text);
    assert!(lines_of(&f, "metadata-key-misplaced").is_empty(), "{f:#?}");
    assert_eq!(
        lines_of(&f, "dataset-sheet-missing-license"),
        [(
            8,
            3,
            "`license` is not at the top level: it is inside `distribution`, where it is not read"
                .to_string()
        )]
    );
    // Where the schema puts a key of that name, it is in its place (`versions[].version`),
    // and a key at the top level too is not misplaced.
    let text =
        "aims-kind: dataset-sheet\nversion: 2\nversions:\n  - version: 1\n    date: 2025-01-01\n";
    assert!(
        lines_of(
            &check("s.yaml", "dataset-sheet", text),
            "metadata-key-misplaced"
        )
        .is_empty()
    );
}

#[test]
fn placeholders_are_findings_where_they_stand_in_governance_documents_and_metadata() {
    let policy = "# AI Policy\n\n**Version:** 1.0  \n**Owner:** CTO\n\n## Scope\n\n[Company Name] uses AI for [insert the uses].\n\n## Principles\n\nTBD\n";
    let f = check("policies/ai-policy.md", "ai-policy", policy);
    assert_eq!(
        lines_of(&f, "template-placeholder"),
        [(
            8,
            1,
            "\"[Company Name]\" is a template placeholder".to_string()
        )]
    );
    // A placeholder where a rule's answer belongs is that rule's finding, and only that.
    assert_eq!(
        lines_of(&f, "ai-policy-missing-principles"),
        [(
            12,
            1,
            "missing `commitments`; `principles`: \"Principles\" holds only a template placeholder"
                .to_string()
        )]
    );
    // A template's `{field}`, which YAML reads as a mapping: the rule that needs the value
    // says so, and other values are template placeholders.
    let f = check(
        "card.md",
        "dataset-sheet",
        "---\nlicense: {license}  # e.g. apache-2.0\npretty_name: {pretty_name}\nsize: {a: b}\n---\n# D\n",
    );
    assert_eq!(
        lines_of(&f, "dataset-sheet-missing-license"),
        [(
            2,
            10,
            "`/license` is a template placeholder: \"{license}\"".to_string()
        )]
    );
    assert_eq!(
        lines_of(&f, "template-placeholder"),
        [(
            3,
            14,
            "`/pretty_name` is a template placeholder: \"{pretty_name}\"".to_string()
        )]
    );
    // In YAML, a value that is a placeholder, whatever the kind.
    let f = check(
        "suppliers/x.yaml",
        "supplier",
        "name: CloudNimbus\nowner: TBD\n",
    );
    assert_eq!(
        lines_of(&f, "template-placeholder"),
        [(
            2,
            8,
            "`/owner` is a template placeholder: \"TBD\"".to_string()
        )]
    );
    let f = check(
        "card.md",
        "model-card",
        "---\nlicense: \"[More Information Needed]\"\n---\n# M\n\n## Notes\n\nTODO\n",
    );
    assert_eq!(lines_of(&f, "template-placeholder").len(), 1, "{f:#?}");
    assert_eq!(
        lines_of(&f, "template-placeholder")[0].0,
        2,
        "the card's body is judged by its sections"
    );
}

#[test]
fn a_field_the_text_answers_is_checked_where_the_text_is() {
    // "Review Frequency: every two years" is 24 months: beyond the default threshold of 12.
    let policy = "# AI Policy\n\nVersion: 1.0  \nOwner: CTO  \nApproved by: Board  \nApproval Date: 2026-01-10  \nLast Reviewed: 2026-01-10  \nReview Frequency: every two years\n\n## Scope\n\nAll systems.\n";
    let f = check("policies/ai-policy.md", "ai-policy", policy);
    assert_eq!(
        lines_of(&f, "ai-policy-missing-review-schedule"),
        [(8, 19, "value is greater than the maximum of 12".to_string())]
    );
    assert!(lines_of(&f, "ai-policy-missing-approval").is_empty());
}
