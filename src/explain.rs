//! What `aims-lint explain` prints, and what `docs/rules/<id>.md` holds: one renderer for both.

use std::fmt::Write as _;

use crate::controls;
use crate::finding::RuleInfo;
use crate::rules::{Registry, Rule};

/// A rule's documentation as Markdown.
#[must_use]
pub fn rule_markdown(rule: &Rule) -> String {
    let mut s = String::new();
    let control = rule.info.control.as_deref().unwrap_or("-");
    let _ = writeln!(s, "# {}\n", rule.info.id);
    let _ = writeln!(s, "{}\n", rule.title);
    let _ = writeln!(s, "| | |\n|---|---|");
    let _ = writeln!(
        s,
        "| Control | {control} {} |",
        controls::title(control).unwrap_or_default()
    );
    let _ = writeln!(s, "| Severity | {} |", rule.info.severity);
    let kinds: Vec<String> = rule.applies_to.iter().map(|k| format!("`{k}`")).collect();
    let _ = writeln!(s, "| Applies to | {} |", kinds.join(", "));
    let mut how = Vec::new();
    if rule.schema.is_some() {
        how.push("document data (JSON Schema)");
    }
    if !rule.sections.is_empty() {
        how.push("Markdown sections");
    }
    let _ = writeln!(s, "| Checks | {} |\n", how.join(", "));
    let _ = writeln!(s, "Message: {}\n", rule.info.message);
    let _ = writeln!(s, "Fix: {}\n", rule.info.help.trim());
    if !rule.sections.is_empty() {
        let _ = writeln!(s, "## Sections\n");
        for alternatives in &rule.sections {
            let names: Vec<String> = alternatives.iter().map(|h| format!("\"{h}\"")).collect();
            let _ = writeln!(s, "- {}", names.join(" or "));
        }
        s.push('\n');
    }
    if !rule.or_sections.is_empty() {
        let _ = writeln!(
            s,
            "## Prose instead of fields\n\nIn a Markdown document, these sections, filled, satisfy the rule in place of the fields:\n"
        );
        for alternatives in &rule.or_sections {
            let names: Vec<String> = alternatives.iter().map(|h| format!("\"{h}\"")).collect();
            let _ = writeln!(s, "- {}", names.join(" or "));
        }
        s.push('\n');
    }
    s.push_str(rule.docs.trim_end());
    s.push('\n');
    s
}

/// A built-in check without a control: syntax, suppressions, changes to the gate.
#[must_use]
pub fn check_markdown(info: &RuleInfo) -> String {
    format!(
        "# {}\n\nA built-in check, not tied to an Annex A control.\n\n| | |\n|---|---|\n| Severity | {} |\n\nMessage: {}\n\nFix: {}\n",
        info.id,
        info.severity,
        info.message,
        info.help.trim()
    )
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
