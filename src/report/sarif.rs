//! SARIF 2.1.0, as GitHub code scanning ingests it: every rule in `tool.driver.rules` (short
//! and full description, help as text and Markdown, default level), results with `ruleIndex`,
//! a region with start and end line and column, `partialFingerprints` that survive unrelated
//! edits, blame in `properties`, and findings waived by inline suppressions with
//! `suppressions` (kind `inSource`, the reason as justification).

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::finding::{Finding, RuleInfo, Severity};
use crate::rules::Registry;
use crate::run::Outcome;
use crate::source::Span;

/// The key of our fingerprint in `partialFingerprints`; the version changes if its recipe does.
pub const FINGERPRINT_KEY: &str = "aimsLint/v1";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `model-card-missing-license` → `ModelCardMissingLicense`: SARIF wants a readable `name`
/// that differs from the `id`.
fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn rule_descriptor(info: &RuleInfo, title: &str, docs: Option<&str>) -> Value {
    let mut tags = vec!["iso-42001".to_string()];
    if let Some(c) = &info.control {
        tags.push(format!("ISO/IEC 42001 {c}"));
    }
    let markdown = match docs {
        Some(d) => format!("{}\n\n{}", info.help.trim(), d.trim()),
        None => info.help.trim().to_string(),
    };
    json!({
        "id": info.id,
        "name": pascal_case(&info.id),
        "shortDescription": { "text": title },
        "fullDescription": { "text": info.message },
        "help": { "text": info.help.trim(), "markdown": markdown },
        "defaultConfiguration": { "level": level(info.severity) },
        "properties": { "control": info.control, "tags": tags },
    })
}

fn location(path: &str, span: Span) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": super::uri_path(path) },
            "region": {
                "startLine": span.start.line,
                "startColumn": span.start.column,
                "endLine": span.end.line,
                // An empty region on one line is widened to one character.
                "endColumn": if span.end.line == span.start.line {
                    span.end.column.max(span.start.column + 1)
                } else {
                    span.end.column
                },
            },
        },
    })
}

fn result(f: &Finding, ids: &[&str]) -> Value {
    let text = match &f.detail {
        Some(d) => format!("{} ({d})", f.message),
        None => f.message.clone(),
    };
    let mut result = json!({
        "ruleId": f.rule.id,
        "level": level(f.severity),
        "message": { "text": text },
        "locations": [location(f.path(), f.span)],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint() },
        "properties": {
            "control": f.rule.control,
            "pointer": f.pointer,
            "blame": f.blame.as_deref(),
        },
    });
    if let Some(i) = ids.iter().position(|id| *id == f.rule.id) {
        result["ruleIndex"] = json!(i);
    }
    result
}

/// Write `outcome` as one SARIF log with one run; findings waived inline are results with
/// `suppressions`.
pub(super) fn write(out: &mut dyn Write, outcome: &Outcome, registry: &Registry) -> io::Result<()> {
    let mut ids: Vec<&str> = Vec::new();
    let mut rules: Vec<Value> = Vec::new();
    for r in registry.rules() {
        ids.push(&r.info.id);
        rules.push(rule_descriptor(&r.info, &r.title, Some(&r.docs)));
    }
    let mut results: Vec<Value> = outcome.findings.iter().map(|f| result(f, &ids)).collect();
    results.extend(outcome.suppressed.iter().map(|s| {
        let mut r = result(&s.finding, &ids);
        r["suppressions"] = json!([{
            "kind": "inSource",
            "status": "accepted",
            "justification": s.by.reason,
            "location": location(s.finding.path(), s.by.span),
            "properties": { "until": s.by.until },
        }]);
        r
    }));
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "aims-lint",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                },
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
