//! Running rules on one document: schema errors mapped back to spans, and required sections.
//!
//! A Markdown document answers metadata in its text too ([`crate::fields`]): the rules
//! validate the front matter with what the labels and sections of the body answer added, and
//! point at that text. Fields missing from the same place are one finding that names them all.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, LazyLock};

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;

use crate::controls;
use crate::fields::{self, Answered};
use crate::finding::{Finding, RuleInfo};
use crate::parse::yaml::{Node, NodeValue, escape_token};
use crate::parse::{Document, Format, Instance};
use crate::rules::{Check, Registry, Rule};
use crate::sections::{Verdict, Vocabulary, judge};
use crate::source::{SourceFile, Span};

/// Where a schema error is, in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// The span to report.
    pub span: Span,
    /// JSON pointer of the value concerned (for a missing key: where it belongs).
    pub pointer: String,
    /// What is wrong there.
    pub detail: String,
    /// For a missing key: its name (findings of keys missing from one place are merged).
    pub missing: Option<String>,
}

/// Reported when a document names an Annex A control that does not exist.
pub static UNKNOWN_CONTROL: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("unknown-control"));

/// Reported for a template placeholder left where content belongs: anywhere in a governance
/// document, and in any document's metadata (cards are judged by their required sections).
pub static TEMPLATE_PLACEHOLDER: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("template-placeholder"));

/// Reported for a key of the kind's metadata written inside another key's value, where tools
/// do not read it (indented too far).
pub static METADATA_KEY_MISPLACED: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("metadata-key-misplaced"));

/// Kinds whose body is checked by its required sections only: public cards fill optional
/// template sections with placeholders, and that is no gap.
const CARDS: [&str; 2] = ["model-card", "dataset-sheet"];

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
    let mut data: Vec<_> = doc.data.iter().map(|i| i.node.to_json()).collect();
    let markdown = doc.format == Format::Markdown;
    let field_labels = if markdown { fields::of_kind(kind) } else { &[] };
    let answered = if markdown {
        fields::answer(doc, field_labels, data.first())
    } else {
        None
    };
    if let (Some(a), Some(first)) = (&answered, data.first_mut()) {
        *first = a.data.clone();
    }
    let misplaced = doc
        .root()
        .map(|root| fields::misplaced(kind, root))
        .unwrap_or_default();
    let rules: Vec<&Rule> = registry.for_kind(kind).collect();
    // A value that is a template placeholder is what a rule's error on it is about.
    let value_placeholders = placeholder_values(doc);
    // Every section and field name of this kind's rules: a subsection with one of them is a
    // section of its own, not content of its parent.
    let vocabularies: Vec<&Vocabulary> = rules
        .iter()
        .flat_map(|r| r.sections.iter().chain(&r.or_sections))
        .chain(field_labels.iter().map(|f| &f.vocabulary))
        .collect();
    let others_of = |v: &Vocabulary| -> Vec<&Vocabulary> {
        vocabularies
            .iter()
            .copied()
            .filter(|o| !std::ptr::eq(*o, v) && o.names != v.names)
            .collect()
    };
    for rule in rules {
        let verdicts: Vec<Verdict> = if markdown {
            rule.or_sections
                .iter()
                .map(|v| judge(doc, v, &others_of(v), data.first()))
                .collect()
        } else {
            Vec::new()
        };
        let prose = !verdicts.is_empty() && verdicts.iter().all(|v| *v == Verdict::Filled);
        let hint = stand_in_hint(&verdicts);
        if !prose {
            let read = Read {
                data: &data,
                answered: answered.as_ref(),
                misplaced: &misplaced,
                value_placeholders: &value_placeholders,
            };
            check_schema(rule, doc, &read, hint.as_ref(), &mut out);
        }
        if markdown {
            check_sections(rule, doc, &others_of, data.first(), &mut out);
        }
        match rule.check {
            Some(Check::LicenseAgreesWithText) if markdown => {
                license_agrees_with_text(rule, doc, field_labels, &others_of, &mut out);
            }
            _ => {}
        }
    }
    for m in misplaced.iter().filter(|m| m.in_known) {
        if !out.iter().any(|f| f.span == m.span) {
            out.push(
                Finding::new(&METADATA_KEY_MISPLACED, &doc.source, m.span).with_detail(format!(
                    "`{}` is inside `{}`; as a top-level key it would be read",
                    m.key, m.under
                )),
            );
        }
    }
    check_placeholders(doc, kind, value_placeholders, &mut out);
    out
}

/// What [`check`] reads once per document for every rule's schema.
struct Read<'a> {
    /// Each instance's data as JSON; the first with what the body answers.
    data: &'a [serde_json::Value],
    answered: Option<&'a Answered>,
    misplaced: &'a [fields::Misplaced],
    /// Values that are template placeholders, and what to say of them.
    value_placeholders: &'a [(Span, String)],
}

/// The errors of `rule`'s schema on each instance of `doc`, merged and placed (see
/// docs/rules.md, "Where a finding is placed").
fn check_schema(
    rule: &Rule,
    doc: &Document,
    read: &Read<'_>,
    hint: Option<&(Span, String)>,
    out: &mut Vec<Finding>,
) {
    let Some(validator) = rule.schema.as_ref() else {
        return;
    };
    for (i, (instance, data)) in doc.data.iter().zip(read.data).enumerate() {
        let overlay = read.answered.filter(|_| i == 0);
        let mut located = Vec::new();
        for error in validator.iter_errors(data) {
            located.extend(locate_error_in(
                instance,
                &doc.source,
                &error,
                overlay,
                read.misplaced,
            ));
        }
        for mut l in merge_missing(located) {
            if let Some((_, why)) = read
                .value_placeholders
                .iter()
                .find(|(s, _)| s.start == l.span.start)
            {
                l.detail.clone_from(why);
            }
            if let Some((span, why)) =
                hint.filter(|(span, _)| top_level(&l.pointer) && l.span != *span)
            {
                l.span = *span;
                l.detail = format!("{}; {why}", l.detail);
            }
            out.push(
                Finding::new(&rule.info, &doc.source, l.span)
                    .with_pointer(l.pointer)
                    .with_detail(l.detail),
            );
        }
    }
}

/// A section that would stand in for a rule's fields is there but unfilled (or nearly named):
/// that is where the fields are missing, and why.
fn stand_in_hint(verdicts: &[Verdict]) -> Option<(Span, String)> {
    verdicts.iter().find_map(|v| match v {
        Verdict::Unfilled(span, heading) => Some((
            *span,
            format!(
                "section \"{}\" holds nothing but template placeholders",
                heading.text
            ),
        )),
        Verdict::Empty(heading) => Some((
            heading.span,
            format!("section \"{}\" has no content of its own", heading.text),
        )),
        Verdict::Near(heading) => Some((
            heading.span,
            format!(
                "\"{}\" is not one of the names of the section that stands in for it",
                heading.text
            ),
        )),
        _ => None,
    })
}

/// The licence in the front matter against the licences the document's licence section (or
/// label) names: `license: mit` where the text says Apache 2.0, or `license: unknown` where it
/// names one, is a finding at the metadata value.
fn license_agrees_with_text<'v>(
    rule: &Rule,
    doc: &Document,
    fields: &[fields::Field],
    others_of: &dyn Fn(&Vocabulary) -> Vec<&'v Vocabulary>,
    out: &mut Vec<Finding>,
) {
    let Some(entry) = doc.root().and_then(|r| r.get("license")) else {
        return;
    };
    let NodeValue::String(declared) = &entry.value.value else {
        return;
    };
    let Some(field) = fields.iter().find(|f| f.name == "license") else {
        return;
    };
    let others = others_of(&field.vocabulary);
    let mut named: Vec<&str> = Vec::new();
    let mut section = None;
    for h in doc
        .body
        .headings
        .iter()
        .filter(|h| field.vocabulary.names_heading(h))
    {
        let text = crate::sections::own_text(doc, h.section, Some(h), &others);
        for id in crate::license::named_in(&text) {
            if !named.contains(&id) {
                named.push(id);
            }
        }
        section.get_or_insert(h);
    }
    let Some(section) = section.filter(|_| !named.is_empty()) else {
        return;
    };
    let declared = declared.trim().to_lowercase();
    let line = section.span.start.line;
    let detail = if declared == "unknown" {
        format!(
            "`license: unknown`, but \"{}\" (line {line}) names {}",
            section.text,
            named.join(", ")
        )
    } else if crate::license::is_known(&declared) && !named.contains(&declared.as_str()) {
        format!(
            "`license: {declared}`, but \"{}\" (line {line}) names {}",
            section.text,
            named.join(", ")
        )
    } else {
        return;
    };
    out.push(
        Finding::new(
            &rule.info,
            &doc.source,
            doc.source.first_line_of(entry.value.span),
        )
        .with_pointer("/license".to_string())
        .with_detail(detail),
    );
}

/// A finding at every placeholder in the document's metadata and, for governance documents,
/// in its body; one a line, and none where a finding already points at it.
fn check_placeholders(
    doc: &Document,
    kind: &str,
    mut found: Vec<(Span, String)>,
    out: &mut Vec<Finding>,
) {
    let taken: Vec<Span> = out.iter().map(|f| f.span).collect();
    let mut lines: Vec<u32> = Vec::new();
    if !CARDS.contains(&kind) {
        let text = doc.source.text();
        for &(s, e) in &doc.body.placeholders {
            found.push((
                doc.source.span_of_bytes(s, e),
                format!("\"{}\" is a template placeholder", shorten(&text[s..e])),
            ));
        }
    }
    for (span, detail) in found {
        if taken.contains(&span) || lines.contains(&span.start.line) {
            continue;
        }
        lines.push(span.start.line);
        out.push(Finding::new(&TEMPLATE_PLACEHOLDER, &doc.source, span).with_detail(detail));
    }
}

/// The values of `doc`'s data that are template placeholders, with what to say of each.
fn placeholder_values(doc: &Document) -> Vec<(Span, String)> {
    let mut found = Vec::new();
    let mut pointer = String::new();
    for instance in &doc.data {
        placeholder_values_in(&instance.node, &mut pointer, doc.source.text(), &mut found);
    }
    found
}

/// `pointer` is the node's JSON pointer, extended and restored while walking, so that only a
/// placeholder costs an allocation.
fn placeholder_values_in(
    node: &Node,
    pointer: &mut String,
    text: &str,
    out: &mut Vec<(Span, String)>,
) {
    let at = |pointer: &str| {
        if pointer.is_empty() {
            "/".to_string()
        } else {
            pointer.to_string()
        }
    };
    match &node.value {
        NodeValue::String(v) if crate::placeholder::is_placeholder_value(v) => {
            out.push((
                node.span,
                format!(
                    "`{}` is a template placeholder: \"{}\"",
                    at(pointer),
                    shorten(v)
                ),
            ));
        }
        NodeValue::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                let _ = write!(pointer, "/{i}");
                placeholder_values_in(item, pointer, text, out);
                pointer.truncate(len);
            }
        }
        // `license: {license}`: YAML reads a template's `{field}` as a mapping with one key.
        NodeValue::Map(entries)
            if matches!(entries.as_slice(), [e] if e.value.value == NodeValue::Null)
                && BRACE_FIELD.is_match(flow_text(text, node.span)) =>
        {
            out.push((
                node.span,
                format!(
                    "`{}` is a template placeholder: \"{}\"",
                    at(pointer),
                    shorten(flow_text(text, node.span))
                ),
            ));
        }
        NodeValue::Map(entries) => {
            for e in entries {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&escape_token(&e.key));
                placeholder_values_in(&e.value, pointer, text, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

/// The text of a flow collection, without the comment that follows it on its line.
fn flow_text(text: &str, span: Span) -> &str {
    let written = text.get(span.start.byte..span.end.byte).unwrap_or_default();
    let written = written.find(" #").map_or(written, |i| &written[..i]);
    written.trim_end()
}

/// A template's field in braces, as YAML flow mapping: `{license}`, `{ lang_0 }`.
static BRACE_FIELD: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"^\{\s*[A-Za-z_][A-Za-z0-9_.-]*\s*\}$").expect("brace fields compile")
});

/// At most 60 characters of `text`, on one line.
fn shorten(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 60 {
        one_line
    } else {
        format!("{}…", one_line.chars().take(59).collect::<String>())
    }
}

/// Whether a JSON pointer names a top-level key (`/provenance`), or the root.
fn top_level(pointer: &str) -> bool {
    pointer.rfind('/').is_none_or(|i| i == 0)
}

/// Keys missing from one mapping are one finding that names them all (one cause, one
/// finding), at the first placeholder that stands where one of them should be, else where
/// they belong.
fn merge_missing(located: Vec<Located>) -> Vec<Located> {
    struct Group {
        first: Located,
        missing: Vec<String>,
        placeholders: Vec<(String, Span)>,
    }
    let mut out: Vec<Group> = Vec::new();
    let mut groups: HashMap<String, usize> = HashMap::new();
    for l in located {
        let parent = l
            .pointer
            .rsplit_once('/')
            .map_or("", |(p, _)| p)
            .to_string();
        let (missing, placeholder) = match (&l.missing, l.detail.ends_with(PLACEHOLDER_ONLY)) {
            (Some(name), _) => (Some(name.clone()), None),
            (None, true) => (
                None,
                Some(
                    l.detail
                        .trim_end_matches(PLACEHOLDER_ONLY)
                        .trim_end_matches(" holds")
                        .to_string(),
                ),
            ),
            (None, false) => {
                out.push(Group {
                    first: l,
                    missing: Vec::new(),
                    placeholders: Vec::new(),
                });
                continue;
            }
        };
        let i = *groups.entry(parent).or_insert_with(|| {
            out.push(Group {
                first: l.clone(),
                missing: Vec::new(),
                placeholders: Vec::new(),
            });
            out.len() - 1
        });
        let g = &mut out[i];
        if let Some(name) = missing {
            g.missing.push(name);
        }
        if let Some(name) = placeholder {
            g.placeholders.push((name, l.span));
        }
    }
    out.into_iter()
        .map(|g| {
            let mut l = g.first;
            if g.missing.len() + g.placeholders.len() > 1 {
                let mut detail = if g.missing.is_empty() {
                    String::new()
                } else {
                    missing_detail(&g.missing, &l.detail)
                };
                if !g.placeholders.is_empty() {
                    // "`a` and `b`: "Licensing Information" holds …" when one section answers
                    // both.
                    let mut by_section: Vec<(String, Vec<String>)> = Vec::new();
                    for (named, _) in &g.placeholders {
                        let (field, section) = named.split_once(": ").unwrap_or((named, ""));
                        match by_section.iter_mut().find(|(s, _)| s == section) {
                            Some((_, fields)) => fields.push(field.to_string()),
                            None => by_section.push((section.to_string(), vec![field.to_string()])),
                        }
                    }
                    let parts: Vec<String> = by_section
                        .iter()
                        .map(|(section, fields)| format!("{}: {section}", join_and(fields)))
                        .collect();
                    if !detail.is_empty() {
                        detail.push_str("; ");
                    }
                    let _ = write!(
                        detail,
                        "{} {}{PLACEHOLDER_ONLY}",
                        join_and(&parts),
                        if parts.len() == 1 { "holds" } else { "hold" }
                    );
                    l.span = g.placeholders[0].1;
                }
                l.detail = detail;
                l.pointer = l
                    .pointer
                    .rsplit_once('/')
                    .map_or("", |(p, _)| p)
                    .to_string();
            }
            l
        })
        .collect()
}

/// What is said of a field whose label in the text holds only a placeholder.
const PLACEHOLDER_ONLY: &str = " only a template placeholder";

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "missing `a`, `b` and `c`" and, from `detail`, what is said of the place ("(this document
/// has no front matter)").
fn missing_detail(names: &[String], detail: &str) -> String {
    let note = detail.find(" (").map_or("", |i| &detail[i..]);
    let names: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    format!("missing {}{note}", join_and(&names))
}

/// Map a schema error to the place in the text it is about. A missing key is reported at the
/// key of the mapping it belongs in; an unexpected key at that key; anything else at the value.
#[must_use]
pub fn locate_error(
    instance: &Instance,
    source: &SourceFile,
    error: &ValidationError<'_>,
) -> Vec<Located> {
    locate_error_in(instance, source, error, None, &[])
}

/// [`locate_error`], where `answered` says which values the Markdown body gave, and where.
fn locate_error_in(
    instance: &Instance,
    source: &SourceFile,
    error: &ValidationError<'_>,
    answered: Option<&Answered>,
    misplaced: &[fields::Misplaced],
) -> Vec<Located> {
    let pointer = error.instance_path().as_str();
    // A value the body answered is where its text is (or, for a missing key, where the
    // mapping it belongs to was answered).
    let overlay = answered.and_then(|a| a.spans.get(pointer).copied());
    let here = instance.node.lookup(pointer);
    // The span a mapping is introduced by: its key, else (root, or item of a list) its start.
    let mapping_anchor = || match (overlay, here) {
        (Some(span), _) => span,
        (None, Some(l)) if !pointer.is_empty() => l
            .key_span
            .unwrap_or_else(|| source.first_line_of(l.node.span)),
        _ => instance.root_anchor,
    };
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            let field = format!("{pointer}/{}", escape_token(&name));
            // The body has the field's label, with only a placeholder in it: that is the cause.
            if let Some((at, heading)) = answered.and_then(|a| a.placeholders.get(&field)) {
                return vec![Located {
                    span: *at,
                    pointer: field,
                    detail: format!("`{name}`: \"{heading}\" holds{PLACEHOLDER_ONLY}"),
                    missing: None,
                }];
            }
            // Written, but indented into another key: that is the cause, and where to fix it.
            if pointer.is_empty()
                && let Some(m) = misplaced.iter().find(|m| m.key == name)
            {
                return vec![Located {
                    span: m.span,
                    pointer: field,
                    detail: format!(
                        "`{name}` is not at the top level: it is inside `{}`, where it is not read",
                        m.under
                    ),
                    missing: None,
                }];
            }
            let detail = match instance.root_note {
                Some(note) if pointer.is_empty() => format!("missing `{name}` ({note})"),
                _ => format!("missing `{name}`"),
            };
            vec![Located {
                span: mapping_anchor(),
                pointer: field,
                detail,
                missing: Some(name),
            }]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .map(|key| {
                let ptr = format!("{pointer}/{}", escape_token(key));
                let span = instance
                    .node
                    .lookup(&ptr)
                    .and_then(|l| l.key_span)
                    .unwrap_or_else(mapping_anchor);
                Located {
                    span,
                    pointer: ptr,
                    detail: format!("`{key}` is not allowed here"),
                    missing: None,
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
            missing: None,
        }],
        _ => vec![Located {
            span: overlay.unwrap_or_else(|| {
                here.map_or(instance.root_anchor, |l| source.first_line_of(l.node.span))
            }),
            pointer: pointer.to_string(),
            detail: error.masked().to_string(),
            missing: None,
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

fn check_sections<'v>(
    rule: &Rule,
    doc: &Document,
    others_of: &dyn Fn(&Vocabulary) -> Vec<&'v Vocabulary>,
    data: Option<&serde_json::Value>,
    out: &mut Vec<Finding>,
) {
    // Sections missing altogether are one finding of the rule, at the document's title (or at
    // the start of the body when it has no heading at all).
    let mut missing: Vec<String> = Vec::new();
    for wanted in &rule.sections {
        let name = &wanted.names[0];
        let (span, detail) = match judge(doc, wanted, &others_of(wanted), data) {
            Verdict::Filled => continue,
            Verdict::Missing => {
                missing.push(format!("\"{name}\""));
                continue;
            }
            Verdict::Near(heading) => (
                heading.span,
                format!(
                    "no section \"{name}\"; \"{}\" looks like one but is not one of its names: rename it, or see `aims-lint explain {}` for the names that count",
                    heading.text, rule.info.id
                ),
            ),
            Verdict::Unfilled(span, heading) => (
                span,
                format!(
                    "section \"{}\" holds nothing but template placeholders",
                    heading.text
                ),
            ),
            Verdict::Empty(heading) => (
                heading.span,
                format!(
                    "section \"{}\" has no content of its own (a subsection that is a section of its own does not count)",
                    heading.text
                ),
            ),
            Verdict::NoResults(heading) => (
                heading.span,
                format!(
                    "section \"{}\" reports no results: give a table, or the measured values (a pointer to a paper is not evidence)",
                    heading.text
                ),
            ),
        };
        out.push(Finding::new(&rule.info, &doc.source, span).with_detail(detail));
    }
    if !missing.is_empty() {
        let span = doc
            .body
            .headings
            .iter()
            .find(|h| !h.is_label())
            .map_or_else(
                || {
                    doc.data
                        .first()
                        .map_or(Span::point(doc.source.pos_at_byte(0)), |i| i.root_anchor)
                },
                |h| h.span,
            );
        let (nouns, names) = if missing.len() == 1 {
            ("section", "its")
        } else {
            ("sections", "their")
        };
        let detail = format!(
            "no {nouns} {} in this document, under any of {names} names",
            join_and(&missing)
        );
        out.push(Finding::new(&rule.info, &doc.source, span).with_detail(detail));
    }
}
