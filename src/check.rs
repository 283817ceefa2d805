//! Running rules on one document: schema errors mapped back to spans, and required sections.

use std::sync::{Arc, LazyLock};

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;

use crate::controls;
use crate::finding::{Finding, RuleInfo, Severity};
use crate::parse::markdown::{Heading, normalize_heading};
use crate::parse::yaml::{Node, NodeValue};
use crate::parse::{Document, Format, Instance};
use crate::rules::{Registry, Rule};
use crate::source::{SourceFile, Span};

/// The Hugging Face card templates' placeholder for a section nobody filled in.
pub const PLACEHOLDER: &str = "[More Information Needed]";

/// Where a schema error is, in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The span to report.
    pub span: Span,
    /// JSON pointer of the value concerned (for a missing key: where it belongs).
    pub pointer: String,
    /// What is wrong there.
    pub detail: String,
}

/// Reported when a document names an Annex A control that does not exist.
pub static UNKNOWN_CONTROL: LazyLock<Arc<RuleInfo>> = LazyLock::new(|| {
    RuleInfo::builtin(
        "unknown-control",
        Severity::Error,
        "names a control that is not in ISO/IEC 42001 Annex A",
        "use a control id from `aims-lint rules` (A.2.2 to A.10.4); give the organisation's own controls ids that do not start with `A.`",
    )
});

/// Where documents name Annex A controls: the kind, and the path to the ids (keys, and `*` for
/// every item of a list).
const CONTROL_REFERENCES: [(&str, &[&str]); 2] = [
    ("statement-of-applicability", &["controls", "*", "id"]),
    ("risk-register", &["risks", "*", "controls", "*"]),
];

/// Run every rule for `kind` on `doc`.
#[must_use]
pub fn check(doc: &Document, kind: &str, registry: &Registry) -> Vec<Finding> {
    let mut out = Vec::new();
    for (k, path) in CONTROL_REFERENCES {
        if k == kind {
            for instance in &doc.data {
                check_control_ids(&instance.node, path, &doc.source, &mut out);
            }
        }
    }
    // Converted once per document, not once per rule.
    let data: Vec<_> = doc.data.iter().map(|i| i.node.to_json()).collect();
    for rule in registry.for_kind(kind) {
        let prose = !rule.or_sections.is_empty()
            && doc.format == Format::Markdown
            && rule
                .or_sections
                .iter()
                .all(|alternatives| matches!(find_section(doc, alternatives), Some(h) if unfilled(&doc.source, h, &doc.headings).is_none()));
        if let Some(validator) = rule.schema.as_ref().filter(|_| !prose) {
            for (instance, data) in doc.data.iter().zip(&data) {
                for error in validator.iter_errors(data) {
                    for l in locate_error(instance, &doc.source, &error) {
                        out.push(
                            Finding::new(&rule.info, &doc.source, l.span)
                                .with_pointer(l.pointer)
                                .with_detail(l.detail),
                        );
                    }
                }
            }
        }
        check_sections(rule, doc, &mut out);
    }
    out
}

/// Map a schema error to the place in the text it is about. A missing key is reported at the
/// key of the mapping it belongs in; an unexpected key at that key; anything else at the value.
#[must_use]
pub fn locate_error(
    instance: &Instance,
    source: &SourceFile,
    error: &ValidationError<'_>,
) -> Vec<Located> {
    let pointer = error.instance_path().as_str();
    let here = instance.node.lookup(pointer);
    // The span a mapping is introduced by: its key, else (root, or item of a list) its start.
    let mapping_anchor = || match here {
        Some(l) if !pointer.is_empty() => l
            .key_span
            .unwrap_or_else(|| source.first_line_of(l.node.span)),
        _ => instance.root_anchor,
    };
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            let detail = match instance.root_note {
                Some(note) if pointer.is_empty() => format!("missing `{name}` ({note})"),
                _ => format!("missing `{name}`"),
            };
            vec![Located {
                span: mapping_anchor(),
                pointer: format!("{pointer}/{}", escape(&name)),
                detail,
            }]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|key| {
                let ptr = format!("{pointer}/{}", escape(key));
                let span = instance
                    .node
                    .lookup(&ptr)
                    .and_then(|l| l.key_span)
                    .unwrap_or_else(mapping_anchor);
                Located {
                    span,
                    pointer: ptr,
                    detail: format!("`{key}` is not allowed here"),
                }
            })
            .collect(),
        ValidationErrorKind::Contains => vec![Located {
            span: here.map_or(instance.root_anchor, |l| {
                l.key_span
                    .unwrap_or_else(|| source.first_line_of(l.node.span))
            }),
            pointer: pointer.to_string(),
            detail: "no item of this list is the one the rule asks for".to_string(),
        }],
        _ => vec![Located {
            span: here.map_or(instance.root_anchor, |l| source.first_line_of(l.node.span)),
            pointer: pointer.to_string(),
            detail: error.masked().to_string(),
        }],
    }
}

/// Every string at `path` (keys, `*` for each item of a list) that looks like an Annex A control
/// id (`A.` and a digit) but is none.
fn check_control_ids(node: &Node, path: &[&str], source: &Arc<SourceFile>, out: &mut Vec<Finding>) {
    match (path.split_first(), &node.value) {
        (None, NodeValue::String(id)) => {
            let annex = id
                .strip_prefix("A.")
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()));
            if annex && controls::title(id).is_none() {
                out.push(
                    Finding::new(&UNKNOWN_CONTROL, source, source.first_line_of(node.span))
                        .with_detail(controls::explain_unknown(id)),
                );
            }
        }
        (Some((&"*", rest)), NodeValue::Seq(items)) => {
            for item in items {
                check_control_ids(item, rest, source, out);
            }
        }
        (Some((key, rest)), NodeValue::Map(_)) => {
            if let Some(entry) = node.get(key) {
                check_control_ids(&entry.value, rest, source, out);
            }
        }
        _ => {}
    }
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn check_sections(rule: &Rule, doc: &Document, out: &mut Vec<Finding>) {
    // YAML and JSON documents have no sections: schema rules cover them.
    if rule.sections.is_empty() || doc.format != Format::Markdown {
        return;
    }
    for alternatives in &rule.sections {
        match find_section(doc, alternatives) {
            None => {
                // A missing section belongs in the body: point at the document's title, or
                // at the start of the body when it has no heading at all.
                let span = doc.headings.first().map_or_else(
                    || {
                        doc.data
                            .first()
                            .map_or(Span::point(doc.source.pos_at_byte(0)), |i| i.root_anchor)
                    },
                    |h| h.span,
                );
                // The first spelling is the canonical one; the rule's docs list the others.
                let name = &alternatives[0];
                let also = if alternatives.len() > 1 {
                    " (or an alternative heading)"
                } else {
                    ""
                };
                out.push(
                    Finding::new(&rule.info, &doc.source, span)
                        .with_detail(format!("no section \"{name}\"{also} in this document")),
                );
            }
            Some(heading) => {
                if let Some(span) = unfilled(&doc.source, heading, &doc.headings) {
                    out.push(
                        Finding::new(&rule.info, &doc.source, span).with_detail(format!(
                            "section \"{}\" holds no content beyond the template placeholder",
                            heading.text
                        )),
                    );
                }
            }
        }
    }
}

/// The first heading that is one of `alternatives`.
fn find_section<'a>(doc: &'a Document, alternatives: &[String]) -> Option<&'a Heading> {
    let wanted: Vec<String> = alternatives.iter().map(|h| normalize_heading(h)).collect();
    doc.headings
        .iter()
        .find(|h| wanted.contains(&normalize_heading(&h.text)))
}

/// If the section under `heading` has no content of its own (only white space, HTML comments,
/// sub-headings and [`PLACEHOLDER`]s), the span to report: the first placeholder, else the
/// heading.
fn unfilled(source: &Arc<SourceFile>, heading: &Heading, all: &[Heading]) -> Option<Span> {
    let (start, end) = heading.section;
    let text = source.text();
    let mut rest = String::with_capacity(end - start);
    let mut pos = start;
    // Cut out sub-headings, then comments and placeholders.
    for sub in all
        .iter()
        .filter(|h| h.span.start.byte >= start && h.span.start.byte < end)
    {
        rest.push_str(&text[pos..sub.span.start.byte]);
        pos = sub.span.end.byte;
    }
    rest.push_str(&text[pos.min(end)..end]);
    let mut cleaned = String::with_capacity(rest.len());
    let mut s = rest.as_str();
    while let Some(i) = s.find("<!--") {
        cleaned.push_str(&s[..i]);
        s = s[i..].find("-->").map_or("", |j| &s[i + j + 3..]);
    }
    cleaned.push_str(s);
    let cleaned = cleaned.replace(PLACEHOLDER, "");
    if !cleaned.trim().is_empty() {
        return None;
    }
    let placeholder = text[start..end]
        .find(PLACEHOLDER)
        .map(|i| source.span_of_bytes(start + i, start + i + PLACEHOLDER.len()));
    Some(placeholder.unwrap_or(heading.span))
}
