//! What `aims-lint explain` prints, and what `docs/rules/<id>.md` holds: one renderer for both.

use std::fmt::Write as _;

use crate::controls;
use crate::rules::{Check, Registry, Rule, Stage};
use crate::sections::Vocabulary;

/// A rule's documentation as Markdown.
#[must_use]
pub fn rule_markdown(rule: &Rule) -> String {
    let mut s = String::new();
    let control = rule.info.control.as_deref().unwrap_or("-");
    let _ = writeln!(s, "# {}\n", rule.info.id);
    let _ = writeln!(s, "{}\n", rule.title);
    let _ = writeln!(s, "| | |\n|---|---|");
    if rule.info.control.is_some() {
        let _ = writeln!(
            s,
            "| Control | {control} {} |",
            controls::title(control).unwrap_or_default()
        );
    } else {
        let _ = writeln!(
            s,
            "| Control | none: a check of aims-lint itself, on every file it reads |"
        );
    }
    let _ = writeln!(s, "| Severity | {} |", rule.info.severity);
    if !rule.applies_to.is_empty() {
        let kinds: Vec<String> = rule.applies_to.iter().map(|k| format!("`{k}`")).collect();
        let _ = writeln!(s, "| Applies to | {} |", kinds.join(", "));
    }
    let mut how = Vec::new();
    if rule.schema.is_some() {
        how.push("document data (JSON Schema)");
    }
    if !rule.sections.is_empty() {
        how.push("Markdown sections");
    }
    match rule.check.map(Check::stage) {
        Some(Stage::Document) => how.push("a built-in check of the text"),
        Some(Stage::Corpus) => how.push("a check across the repository's documents"),
        Some(Stage::History) => how.push("the git history"),
        Some(Stage::Builtin) => how.push("aims-lint's own reading of the file"),
        None => {}
    }
    let _ = writeln!(s, "| Checks | {} |\n", how.join(", "));
    let _ = writeln!(s, "Message: {}\n", rule.info.message);
    let _ = writeln!(s, "Fix: {}\n", rule.info.help.trim());
    if !rule.sections.is_empty() {
        let _ = writeln!(
            s,
            "## Sections\n\nEach needs a heading or a label of one of its names (compared without case, punctuation, numbering or plural endings) with content of its own:\n"
        );
        for v in &rule.sections {
            let _ = writeln!(s, "- {}", describe(v));
        }
        s.push('\n');
    }
    if !rule.or_sections.is_empty() {
        let _ = writeln!(
            s,
            "## Prose instead of fields\n\nIn a Markdown document, these sections, filled, satisfy the rule in place of the fields:\n"
        );
        for v in &rule.or_sections {
            let _ = writeln!(s, "- {}", describe(v));
        }
        s.push('\n');
    }
    let answered = answered_fields(rule);
    if !answered.is_empty() {
        let _ = writeln!(
            s,
            "## Fields written in the text\n\nIn a Markdown document, a label or section of these names answers the field when the metadata lacks it:\n"
        );
        for (field, names) in answered {
            let names: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
            let _ = writeln!(s, "- `{field}`: {}", names.join(", "));
        }
        s.push('\n');
    }
    s.push_str(rule.docs.trim_end());
    s.push('\n');
    s
}

/// One required section: its names, and what else stands in for it.
fn describe(v: &Vocabulary) -> String {
    let names: Vec<String> = v.names.iter().map(|h| format!("\"{h}\"")).collect();
    let mut out = names.join(", ");
    let mut also = Vec::new();
    if v.opening {
        also.push("the prose before the first section heading counts".to_string());
    }
    if !v.cues.is_empty() {
        let cues: Vec<String> = v.cues.iter().map(|c| format!("\"{c}\"")).collect();
        also.push(format!(
            "so do these phrases anywhere in the text: {}",
            cues.join(", ")
        ));
    }
    if v.results {
        also.push("it must report results: a table, or measured values".to_string());
    }
    if let Some(field) = &v.field {
        also.push(format!(
            "a value at `{field}` in the metadata stands in for it"
        ));
    }
    if !also.is_empty() {
        let _ = write!(out, " ({})", also.join("; "));
    }
    out
}

/// The top-level fields the rule requires that a Markdown body can answer, with their names.
fn answered_fields(rule: &Rule) -> Vec<(String, Vec<String>)> {
    let required: Vec<String> = rule
        .schema_json
        .as_ref()
        .and_then(|s| s.get("required"))
        .and_then(serde_json::Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for kind in &rule.applies_to {
        for field in crate::fields::of_kind(kind) {
            if required.contains(&field.name)
                && !out
                    .iter()
                    .any(|(n, _): &(String, Vec<String>)| *n == field.name)
            {
                out.push((field.name.clone(), field.vocabulary.names.clone()));
            }
        }
    }
    out
}

/// A control's title, our paraphrase, and the rules that gather its evidence.
#[must_use]
pub fn control_markdown(id: &str, registry: &Registry) -> Option<String> {
    let title = controls::title(id)?;
    let mut s = String::new();
    let _ = writeln!(s, "# {id} {title}\n");
    if let Some(p) = controls::paraphrase(id) {
        let _ = writeln!(s, "{p}\n");
        let _ = writeln!(
            s,
            "(aims-lint's own plain-language reading, not the text of the standard.)\n"
        );
    }
    let rules: Vec<&Rule> = registry.for_control(id).collect();
    if rules.is_empty() {
        let _ = writeln!(s, "No rule checks evidence for this control.");
    } else {
        let _ = writeln!(s, "## Rules\n");
        for r in rules {
            let _ = writeln!(
                s,
                "- `{}` ({}, {}): {}",
                r.info.id,
                r.info.severity,
                r.applies_to.join(", "),
                r.title
            );
        }
    }
    Some(s)
}
