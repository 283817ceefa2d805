//! The Annex A catalog: document schemas, the `init` starter repository, the rule that fires
//! when evidence is deleted, `rules --format json`, `explain` and the generated rule docs.

#![allow(
    clippy::unwrap_used,
    clippy::print_stderr,
    reason = "a test fails by panicking"
)]

mod common;

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use aims_lint::config::Settings;
use aims_lint::parse::yaml::Limits;
use aims_lint::parse::{self, Format};
use aims_lint::rules::Registry;
use aims_lint::run::check_as;
use aims_lint::source::SourceFile;
use serde_json::Value;

use common::{Repo, run_in, stderr, stdout};

fn schema_of(kind: &str) -> Value {
    let (_, text) = aims_lint::init::SCHEMAS
        .iter()
        .find(|(p, _)| *p == format!("{kind}.schema.json"))
        .unwrap_or_else(|| panic!("no schema for kind {kind}"));
    serde_json::from_str(text).unwrap()
}

/// The starter documents with their kinds (by path convention).
fn starter_documents() -> Vec<(String, String, &'static str)> {
    let settings = Settings::defaults(std::env::temp_dir());
    aims_lint::init::STARTER
        .iter()
        .filter_map(|(path, text)| {
            aims_lint::kinds::by_path(&settings, None, path)
                .map(|(kind, _)| ((*path).to_string(), kind, *text))
        })
        .collect()
}

fn data_of(path: &str, text: &str) -> (Arc<SourceFile>, aims_lint::parse::Document) {
    let source = SourceFile::new(path, text.to_string());
    let format = Format::from_path(path).unwrap();
    let (doc, findings) = parse::parse(&source, format, Limits::default());
    assert!(findings.is_empty(), "{path}: {findings:#?}");
    (source, doc)
}

/// Every property of a schema, recursively, with its JSON pointer in the schema.
fn properties<'a>(schema: &'a Value, at: &str, out: &mut Vec<(String, &'a Value)>) {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            let here = format!("{at}/properties/{name}");
            out.push((here.clone(), p));
            properties(p, &here, out);
        }
    }
    if let Some(items) = schema.get("items") {
        properties(items, &format!("{at}/items"), out);
    }
}

#[test]
fn every_document_kind_has_a_valid_schema_with_descriptions_and_examples() {
    let settings = Settings::defaults(std::env::temp_dir());
    assert_eq!(settings.kinds().len(), aims_lint::kinds::BUILTIN.len());
    for kind in settings.kinds() {
        let schema = schema_of(kind);
        jsonschema::meta::validate(&schema).unwrap_or_else(|e| panic!("{kind}: {e}"));
        for key in ["$id", "title", "description", "examples"] {
            assert!(schema.get(key).is_some(), "{kind}: no `{key}`");
        }
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        let mut props = Vec::new();
        properties(&schema, "", &mut props);
        assert!(props.len() > 3, "{kind}");
        for (at, p) in props {
            assert!(
                p.get("description").and_then(Value::as_str).is_some(),
                "{kind}: {at} has no description"
            );
        }
        let validator = jsonschema::validator_for(&schema).unwrap();
        for example in schema["examples"].as_array().unwrap() {
            assert!(validator.is_valid(example), "{kind}: example is invalid");
        }
    }
}

#[test]
fn starter_documents_validate_against_their_schemas() {
    let docs = starter_documents();
    let settings = Settings::defaults(std::env::temp_dir());
    let mut kinds: Vec<&str> = docs.iter().map(|(_, k, _)| k.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(
        kinds.len(),
        settings.kinds().len(),
        "one document of each kind"
    );
    for (path, kind, text) in &docs {
        let (_, doc) = data_of(path, text);
        let data = doc.data[0].node.to_json();
        let schema = schema_of(kind);
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&data)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{path}: {errors:#?}");
        if Path::new(path).extension().is_some_and(|e| e == "yaml") {
            let first = text.lines().next().unwrap();
            assert_eq!(
                first,
                format!("# yaml-language-server: $schema=../.aims-lint/schemas/{kind}.schema.json")
            );
        }
    }
}

#[test]
fn init_writes_a_repository_that_checks_clean_and_never_overwrites() {
    let repo = Repo::new();
    let out = repo.run(&["init", "governance"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("next: aims-lint check governance"));
    let dir = repo.path().join("governance");
    for (rel, _) in aims_lint::init::files() {
        assert!(dir.join(&rel).is_file(), "{rel} not written");
    }
    // Committed as a team adopting aims-lint would: today, after the dates the documents give.
    repo.commit_as(
        "Ada Lovelace",
        "ada@example.org",
        "2026-11-20T10:00:00Z",
        "adopt aims-lint",
    );
    let out = repo.run(&["check", "governance", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]), "{report:#}");
    assert_eq!(
        report["summary"]["documents_total"].as_u64().unwrap(),
        aims_lint::kinds::BUILTIN.len() as u64
    );
    assert_eq!(out.status.code(), Some(0));

    // A second run refuses and changes nothing.
    let out = repo.run(&["init", "governance"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("never overwrites"),
        "{}",
        stderr(&out)
    );
    // One file in the way: it is named, kept, and nothing else is written.
    let fresh = repo.path().join("fresh");
    std::fs::create_dir_all(fresh.join("policies")).unwrap();
    std::fs::write(fresh.join("policies/ai-policy.md"), "mine\n").unwrap();
    let out = repo.run(&["init", "fresh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("ai-policy.md"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(fresh.join("policies/ai-policy.md")).unwrap(),
        "mine\n"
    );
    assert_eq!(std::fs::read_dir(&fresh).unwrap().count(), 1);

    // Without DIR, into the current directory.
    let here = repo.path().join("here");
    std::fs::create_dir_all(&here).unwrap();
    let out = run_in(&here, &["init"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("next: aims-lint check ."));
    assert!(here.join("ai-systems/claims-triage.yaml").is_file());

    // A file where the directory should be is named as such.
    std::fs::write(repo.path().join("afile"), "").unwrap();
    let out = repo.run(&["init", "afile"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("afile is not a directory"),
        "{}",
        stderr(&out)
    );
}

/// Remove the key at `pointer` (and its value) from YAML `text`: whole lines where the key
/// stands alone on them, only the key and value where it shares its line with a `- `.
fn delete_key(text: &str, path: &str, pointer: &str) -> String {
    let (_, doc) = data_of(path, text);
    let located = doc.data[0].node.lookup(pointer).unwrap();
    let key = located.key_span.unwrap();
    let start = key.start.byte;
    let mut end = located.node.span.end.byte.max(key.end.byte);
    let bytes = text.as_bytes();
    // A block collection's span ends where the next token starts: back up to its content.
    while end > key.end.byte && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    // The rest of the value's last line goes too.
    while end < bytes.len() && bytes[end] != b'\n' && bytes[end].is_ascii_whitespace() {
        end += 1;
    }
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..start];
    let (from, to) = if prefix.trim().is_empty() {
        let to = if end < bytes.len() && bytes[end] == b'\n' {
            end + 1
        } else {
            end
        };
        (line_start, to)
    } else {
        (start, end)
    };
    format!("{}{}", &text[..from], &text[to..])
}

/// A Markdown document's front matter alone (YAML and JSON stay as they are).
fn without_body(text: &str, path: &str) -> String {
    if !std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"))
    {
        return text.to_string();
    }
    let close = text[3..].find("\n---").map_or(text.len(), |i| i + 3 + 4);
    format!("{}\n", &text[..close])
}

/// Pointers (in the data) of every required property of `schema` that `data` has, with the
/// controls that rules of this kind check it for; arrays are followed into their first item.
fn required_fields(schema: &Value, data: &Value, at: &str, out: &mut Vec<(String, Vec<String>)>) {
    let required = schema.get("required").and_then(Value::as_array);
    for name in required.into_iter().flatten() {
        let name = name.as_str().unwrap();
        let prop = &schema["properties"][name];
        let Some(value) = data.get(name) else {
            continue;
        };
        let here = format!("{at}/{name}");
        let controls = prop["x-aims-controls"]
            .as_array()
            .map(|a| a.iter().map(|c| c.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        out.push((here.clone(), controls));
        if prop["type"] == "object" {
            required_fields(prop, value, &here, out);
        } else if prop["type"] == "array"
            && let Some(first) = value.get(0)
        {
            required_fields(&prop["items"], first, &format!("{here}/0"), out);
        }
    }
}

#[test]
fn deleting_any_required_field_of_a_starter_document_fires_a_rule_of_its_control() {
    let settings = Settings::defaults(std::env::temp_dir());
    let registry = Registry::load(&settings).unwrap();
    let mut checked = 0;
    for (path, kind, text) in starter_documents() {
        let schema = schema_of(&kind);
        let (_, doc) = data_of(&path, text);
        let mut fields = Vec::new();
        required_fields(&schema, &doc.data[0].node.to_json(), "", &mut fields);
        for (pointer, controls) in fields {
            assert!(!controls.is_empty(), "{path}: {pointer} names no control");
            // A Markdown body can answer fields too (a "Collection Process" section answers
            // `provenance`): the field alone must be load-bearing, so the body goes.
            let mutated = without_body(&delete_key(text, &path, &pointer), &path);
            let source = SourceFile::new(path.clone(), mutated.clone());
            let (after, _) = parse::parse(
                &source,
                Format::from_path(&path).unwrap(),
                Limits::default(),
            );
            // The line where the field belonged: its parent's key, or the start of its list
            // item, or the document's start.
            let (parent, _) = pointer.rsplit_once('/').unwrap();
            let instance = after
                .data
                .first()
                .unwrap_or_else(|| panic!("{path}: {pointer}: unparsable\n{mutated}"));
            let expected_line = if parent.is_empty() {
                instance.root_anchor.start.line
            } else {
                let l = instance.node.lookup(parent).unwrap();
                l.key_span.map_or_else(
                    || source.first_line_of(l.node.span).start.line,
                    |k| k.start.line,
                )
            };
            let findings = check_as(&source, &kind, &settings, &registry);
            let hit = findings.iter().find(|f| {
                f.rule.control.as_ref().is_some_and(|c| controls.contains(c))
                    // The field's own pointer, or its parent's if that is now empty.
                    && (f.pointer.as_deref() == Some(pointer.as_str())
                        || f.pointer.as_deref() == Some(parent))
                    && f.span.start.line == expected_line
            });
            assert!(
                hit.is_some(),
                "{path}: deleting {pointer} fired no rule of {controls:?} at line {expected_line}: {findings:#?}\n{mutated}"
            );
            checked += 1;
        }
        // Sections that rules require: deleting the section fires the rule.
        for rule in registry.for_kind(&kind) {
            for wanted in &rule.sections {
                let heading = doc
                    .body
                    .headings
                    .iter()
                    .find(|h| wanted.names_heading(h))
                    .unwrap_or_else(|| panic!("{path}: no section {:?}", wanted.names));
                let mutated = format!(
                    "{}{}",
                    &text[..heading.span.start.byte],
                    &text[heading.section.1..]
                );
                let fires = |text: String| {
                    let source = SourceFile::new(path.clone(), text);
                    check_as(&source, &kind, &settings, &registry)
                        .iter()
                        .any(|f| f.rule.id == rule.info.id)
                };
                // A section that phrases elsewhere in the text or the opening prose can state
                // (`cues`, `opening`) is load-bearing together with them: with the rest of
                // the body gone too, the rule fires.
                // So is one that a metadata value stands in for (`field`), with that value.
                let alone = fires(mutated.clone());
                let answered_elsewhere =
                    !wanted.cues.is_empty() || wanted.opening || wanted.field.is_some();
                let mut bare = without_body(&mutated, &path);
                if let Some(top) = wanted.field.as_deref().and_then(|p| p.split('/').nth(1)) {
                    bare = delete_key(&bare, &path, &format!("/{top}"));
                }
                assert!(
                    alone || (answered_elsewhere && fires(bare)),
                    "{path}: deleting section {:?} did not fire {}",
                    heading.text,
                    rule.info.id
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 150, "only {checked} deletions checked");
}

#[test]
fn every_control_has_a_rule_in_rules_json() {
    let out = run_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["rules", "--format", "json"],
        &[],
    );
    assert!(out.status.success());
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let controls = json["controls"].as_array().unwrap();
    assert_eq!(controls.len(), 38);
    for c in controls {
        assert!(
            !c["rules"].as_array().unwrap().is_empty(),
            "{} has no rule",
            c["id"]
        );
    }
    for r in json["rules"].as_array().unwrap() {
        for key in ["id", "title", "severity", "applies-to"] {
            assert!(!r[key].is_null(), "{r}: no {key}");
        }
        // Only a check of aims-lint itself, which concerns every file, has no control.
        assert_eq!(
            r["control"].is_null(),
            r["applies-to"].as_array().unwrap().is_empty(),
            "{r}"
        );
    }
    assert_eq!(json["out_of_scope"], serde_json::json!([]));
    let table = run_in(Path::new(env!("CARGO_MANIFEST_DIR")), &["rules"], &[]);
    assert!(stdout(&table).contains("38 of 38 Annex A controls have at least one rule"));
}

#[test]
fn explain_shows_rules_and_controls_and_rejects_unknown_ids() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run_in(here, &["explain", "model-card-missing-license"], &[]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.starts_with("# model-card-missing-license\n"), "{text}");
    assert!(text.contains("| Control | A.8.2 System documentation and information for users |"));
    assert!(text.contains("## Why it matters"));

    let out = run_in(here, &["explain", "A.7.5"], &[]);
    let text = stdout(&out);
    assert!(text.starts_with("# A.7.5 Data provenance\n"), "{text}");
    assert!(
        text.contains("`dataset-sheet-missing-provenance`"),
        "{text}"
    );

    let lower = run_in(here, &["explain", "a.7.5"], &[]);
    assert_eq!(stdout(&lower), text);

    let out = run_in(here, &["explain", "A.7.1"], &[("NO_COLOR", "1")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("`A.7.1` is not an ISO/IEC 42001 Annex A control"),
        "{err}"
    );
    assert!(err.contains("A.7.2"), "{err}");

    let out = run_in(
        here,
        &["explain", "model-card-missing-licence"],
        &[("NO_COLOR", "1")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("did you mean model-card-missing-license"));

    // Checks without a control are explained too.
    for id in ["suppression-unused", "config-changed", "yaml-syntax-error"] {
        let out = run_in(here, &["explain", id], &[]);
        assert!(out.status.success(), "{id}");
        let text = stdout(&out);
        assert!(text.starts_with(&format!("# {id}\n")), "{text}");
        assert!(text.contains("Fix: "), "{text}");
    }
}

#[test]
fn generated_rule_docs_are_current() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules");
    let registry = Registry::load(&Settings::defaults(std::env::temp_dir())).unwrap();
    let update = std::env::var_os("AIMS_LINT_UPDATE_DOCS").is_some();
    let mut expected = Vec::new();
    for rule in registry.rules() {
        let name = format!("{}.md", rule.info.id);
        let text = aims_lint::explain::rule_markdown(rule);
        let path = dir.join(&name);
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == text,
            "docs/rules/{name} is stale: run `AIMS_LINT_UPDATE_DOCS=1 cargo test --test catalog`"
        );
        expected.push(name);
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        assert!(
            expected.contains(&name),
            "docs/rules/{name} belongs to no rule"
        );
    }
    let readme_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let table = catalog_table(&registry);
    let header = "| control | rule | severity | applies to | title |\n";
    let start = readme.find(header).expect("the README has a catalog table");
    let end = start + readme[start..].find("\n\n").unwrap() + 1;
    if update {
        let mut text = readme.clone();
        text.replace_range(start..end, &table);
        std::fs::write(&readme_path, text).unwrap();
    }
    assert!(
        readme[start..end] == table,
        "the README's catalog is stale: run `AIMS_LINT_UPDATE_DOCS=1 cargo test --test catalog`"
    );
    let builtin = registry
        .rules()
        .iter()
        .filter(|r| r.info.control.is_none())
        .count();
    let count = format!(
        "({} rules over {} document\nkinds;",
        registry.rules().len() - builtin,
        Settings::defaults(std::env::temp_dir()).kinds().len()
    );
    assert!(builtin > 0);
    let checks = format!("{builtin} checks of aims-lint itself");
    assert!(readme.contains(&checks), "the README should say {checks:?}");
    assert!(readme.contains(&count), "the README should say {count:?}");
}

/// The README's catalog: one row per rule, Annex A controls in their order, then the clauses.
fn catalog_table(registry: &Registry) -> String {
    let order: Vec<&str> = aims_lint::controls::CONTROLS
        .iter()
        .map(|(id, _)| *id)
        .chain(aims_lint::controls::CLAUSES.iter().map(|(id, _, _)| *id))
        .collect();
    let mut rules: Vec<_> = registry.rules().iter().collect();
    rules.sort_by_key(|r| {
        let control = r.info.control.as_deref().unwrap_or_default();
        let at = order
            .iter()
            .position(|c| *c == control)
            .unwrap_or(usize::MAX);
        (at, r.info.id.clone())
    });
    let mut table =
        String::from("| control | rule | severity | applies to | title |\n|---|---|---|---|---|\n");
    for r in rules {
        let control = r.info.control.as_deref().unwrap_or("aims-lint");
        let title = aims_lint::controls::title(control).unwrap_or("itself");
        let clause = if control.starts_with(['A', 'a']) {
            ""
        } else {
            "clause "
        };
        let kinds = if r.applies_to.is_empty() {
            "every file".to_string()
        } else if r.applies_to.len() > 4 {
            format!("{} governance kinds", r.applies_to.len())
        } else {
            r.applies_to.join(", ")
        };
        writeln!(
            table,
            "| {clause}{control} {title} | [`{0}`](docs/rules/{0}.md) | {1} | {2} | {3} |",
            r.info.id, r.info.severity, kinds, r.title
        )
        .unwrap();
    }
    table
}

#[test]
fn documents_naming_controls_that_do_not_exist_get_the_closest_real_ones() {
    let settings = Settings::defaults(std::env::temp_dir());
    let registry = Registry::load(&settings).unwrap();
    let soa = "controls:\n  - id: A.7.1\n    applicable: true\n  - id: A.5.4\n  - id: A.3.4\n  - id: ORG-1\n";
    let findings = check_as(
        &SourceFile::new("soa.yaml", soa.to_string()),
        "statement-of-applicability",
        &settings,
        &registry,
    );
    let unknown: Vec<_> = findings
        .iter()
        .filter(|f| f.rule.id == "unknown-control")
        .map(|f| {
            (
                f.span.start.line,
                f.span.start.column,
                f.detail.clone().unwrap(),
            )
        })
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:#?}");
    assert_eq!((unknown[0].0, unknown[0].1), (2, 9));
    assert!(unknown[0].2.contains("objective") && unknown[0].2.contains("A.7.2"));
    assert_eq!(unknown[1].0, 5);
    assert!(
        unknown[1]
            .2
            .contains("A.3.2 (AI roles and responsibilities)")
    );

    let register = "risks:\n  - id: R1\n    controls: [A.5.4, A.11.2]\n";
    let findings = check_as(
        &SourceFile::new("risk-register.yaml", register.to_string()),
        "risk-register",
        &settings,
        &registry,
    );
    let f = findings
        .iter()
        .find(|f| f.rule.id == "unknown-control")
        .unwrap();
    assert_eq!((f.span.start.line, f.span.start.column), (3, 23));
}

/// Every property path a schema requires or constrains (`items` as `[]`), from `properties`,
/// `items`, and the branches of `if`/`then`.
fn schema_paths(schema: &Value, at: &str, out: &mut Vec<String>) {
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            let here = if at.is_empty() {
                name.clone()
            } else {
                format!("{at}.{name}")
            };
            out.push(here.clone());
            schema_paths(p, &here, out);
        }
    }
    if let Some(items) = schema.get("items") {
        schema_paths(items, &format!("{at}[]"), out);
    }
    for branch in ["then", "else"] {
        if let Some(b) = schema.get(branch) {
            schema_paths(b, at, out);
        }
    }
}

#[test]
fn every_field_a_rule_checks_is_described_by_its_kinds_schema() {
    for (path, text) in aims_lint::rules::BUILTIN_RULES {
        let rule = aims_lint::rules::node_of(text).unwrap().to_json();
        let Some(schema) = rule.get("schema") else {
            continue;
        };
        let mut rule_paths = Vec::new();
        schema_paths(schema, "", &mut rule_paths);
        for kind in rule["applies-to"].as_array().unwrap() {
            let doc_schema = schema_of(kind.as_str().unwrap());
            let mut described = Vec::new();
            schema_paths(&doc_schema, "", &mut described);
            for p in &rule_paths {
                assert!(
                    described.contains(p),
                    "{path}: `{p}` is not in schemas/{}.schema.json",
                    kind.as_str().unwrap()
                );
            }
        }
    }
}

/// Pointers of every key of `node` (mappings' keys, and the first item of each list).
fn all_keys(node: &Value, at: &str, out: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (k, v) in map {
                let here = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(here.clone());
                all_keys(v, &here, out);
            }
        }
        Value::Array(items) => {
            if let Some(first) = items.first() {
                all_keys(first, &format!("{at}/0"), out);
            }
        }
        _ => {}
    }
}

/// The schema of the value at `pointer` (a data pointer: list indexes go to `items`).
fn schema_at<'a>(schema: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut here = schema;
    for part in pointer.split('/').skip(1) {
        here = if part.chars().all(|c| c.is_ascii_digit()) {
            here.get("items")?
        } else {
            here.get("properties")?.get(part)?
        };
    }
    Some(here)
}

#[test]
fn every_field_of_the_starter_documents_is_load_bearing_or_optional_with_a_reason() {
    let settings = Settings::defaults(std::env::temp_dir());
    let registry = Registry::load(&settings).unwrap();
    let mut survivors = Vec::new();
    let mut unmarked = Vec::new();
    let mut wrongly_marked = Vec::new();
    for (path, kind, text) in starter_documents() {
        let schema = schema_of(&kind);
        let (_, doc) = data_of(&path, text);
        let findings_of = |text: &str| {
            let source = SourceFile::new(path.clone(), text.to_string());
            check_as(&source, &kind, &settings, &registry)
        };
        let baseline = findings_of(&without_body(text, &path));
        let mut keys = Vec::new();
        all_keys(&doc.data[0].node.to_json(), "", &mut keys);
        for pointer in keys {
            if pointer == "/aims-kind" {
                continue;
            }
            // A Markdown body may answer the field too: judge the front matter alone, against
            // what the front matter alone already gives.
            let mutated = without_body(&delete_key(text, &path, &pointer), &path);
            let fired = findings_of(&mutated).len() > baseline.len();
            let optional = schema_at(&schema, &pointer)
                .and_then(|s| s.get("x-aims-optional"))
                .and_then(Value::as_str);
            match (fired, optional) {
                (false, None) => unmarked.push(format!("{path} {pointer}")),
                (true, Some(_)) => wrongly_marked.push(format!("{path} {pointer}")),
                (false, Some(reason)) => survivors.push(format!("{path} {pointer}: {reason}")),
                (true, None) => {}
            }
        }
    }
    eprintln!("optional by design:\n{}", survivors.join("\n"));
    assert!(
        unmarked.is_empty(),
        "deleting these fires nothing, and their schema does not say why they are optional:\n{}",
        unmarked.join("\n")
    );
    assert!(
        wrongly_marked.is_empty(),
        "these are marked optional, but deleting them fires a rule:\n{}",
        wrongly_marked.join("\n")
    );
}
