//! The corpus stage: what the rules that look across documents need to know about each one.
//!
//! The per-file stage reads, parses and checks every document in parallel and then drops its
//! tree. What it keeps for the corpus is an [`Entry`]: the document's kind, the names it can
//! be cited by, the AI system it is about, the values its reference rules resolve (with their
//! spans), the roles and people of a roles file, the control list of a Statement of
//! Applicability. Small enough for 100,000 documents; the rules in [`rules`] run on it.

pub mod history;
pub mod rules;

use std::collections::HashMap;
use std::path::PathBuf;

use crate::parse::Document;
use crate::parse::yaml::{Node, NodeValue};
use crate::rules::{Check, Registry};
use crate::source::Span;

/// A value a document cites, where it stands, and the rule that resolves it.
#[derive(Debug, Clone)]
pub struct Cited {
    /// Index of the rule in [`Registry::rules`].
    pub rule: usize,
    /// The value as written.
    pub value: String,
    /// Where it is written.
    pub span: Span,
    /// Its JSON pointer.
    pub pointer: String,
}

/// One control of a Statement of Applicability.
#[derive(Debug, Clone)]
pub struct Listed {
    /// The control id as written.
    pub id: String,
    /// Where the id is written.
    pub span: Span,
    /// Its JSON pointer (`/controls/3/id`).
    pub pointer: String,
    /// `applicable`, if given.
    pub applicable: Option<bool>,
    /// `status`, if given.
    pub status: Option<String>,
    /// How many evidence entries it names.
    pub evidence: usize,
}

/// What the corpus keeps of one document.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Its path relative to the repository root: what findings name.
    pub rel: String,
    /// Its path relative to the folder of aims-lint.toml, when under it.
    pub rel_to_base: Option<String>,
    /// Where to read it again when a corpus rule reports on it.
    pub path: PathBuf,
    /// Its length and digest: a file changed during the run is not reported with stale spans.
    pub digest: (usize, u64),
    /// Its kind.
    pub kind: String,
    /// The `id` it declares, as written.
    pub id: Option<String>,
    /// Where its findings about itself go: the `id` value, or the first line.
    pub anchor: Span,
    /// The names it can be cited by, normalised ([`normalise`]).
    pub names: Vec<String>,
    /// The AI system it is about: an AI system record's `id`, a card's `aims.system_id`, an
    /// impact assessment's `system_id`.
    pub system: Option<String>,
    /// `lifecycle_stage`, for AI system records.
    pub stage: Option<String>,
    /// Values its reference rules resolve.
    pub cited: Vec<Cited>,
    /// For a roles file: each role and person by every name it goes by, normalised.
    pub people: Vec<String>,
    /// For a Statement of Applicability: its controls, and where `controls` is.
    pub controls: Option<(Span, Vec<Listed>)>,
    /// For a roles file: each person, by the names and e-mails they go by (normalised).
    pub persons: Vec<Vec<String>>,
    /// Who approved it (`approved_by`, or `aims.approved_by` of a card), and where.
    pub approved_by: Option<(String, Span)>,
    /// The review date it declares (`last_reviewed`), and where.
    pub reviewed: Option<(String, Span)>,
    /// Its review interval in months (`review_interval_months`).
    pub interval: Option<u32>,
}

/// Lower case, every run of characters that are not letters or digits one `-`: how names are
/// compared (`Claims_2024`, `claims 2024` and `claims-2024` are one name).
#[must_use]
pub fn normalise(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// File names that say nothing about what the file is: the folder names the document.
const GENERIC_STEMS: &[&str] = &[
    "readme",
    "datasheet",
    "dataset-card",
    "datacard",
    "data-card",
    "card",
    "model-card",
    "modelcard",
    "index",
    "record",
];

/// The names a document at `rel` can be cited by from its path alone: its file stem, or its
/// folder when the file name says nothing (`README.md`, `datasheet.md`), normalised.
#[must_use]
pub fn names_of_path(rel: &str) -> Option<String> {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let name = if GENERIC_STEMS.contains(&normalise(stem).as_str()) {
        rel.rsplit('/').nth(1)?
    } else {
        stem
    };
    Some(normalise(name)).filter(|n| !n.is_empty())
}

/// A digest of a document's text.
#[must_use]
pub fn digest(text: &str) -> (usize, u64) {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (text.len(), hash)
}

/// Every value at `pointer` (where `*` is every item of a list and `**` any depth of
/// mappings and lists, itself included), with its JSON pointer.
#[must_use]
pub fn values_at<'a>(root: &'a Node, pointer: &str) -> Vec<(String, &'a Node)> {
    let mut here = vec![(String::new(), root)];
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        let mut next = Vec::new();
        if token == "**" {
            while let Some((at, node)) = here.pop() {
                match &node.value {
                    NodeValue::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            here.push((format!("{at}/{i}"), item));
                        }
                    }
                    NodeValue::Map(entries) => {
                        for e in entries {
                            let key = e.key.replace('~', "~0").replace('/', "~1");
                            here.push((format!("{at}/{key}"), &e.value));
                        }
                    }
                    _ => {}
                }
                next.push((at, node));
            }
            next.reverse();
            here = next;
            continue;
        }
        for (at, node) in here {
            match (&node.value, token.as_str()) {
                (NodeValue::Seq(items), "*") => {
                    for (i, item) in items.iter().enumerate() {
                        next.push((format!("{at}/{i}"), item));
                    }
                }
                (NodeValue::Seq(items), t) => {
                    if let Some(item) = t.parse::<usize>().ok().and_then(|i| items.get(i)) {
                        next.push((format!("{at}/{t}"), item));
                    }
                }
                (NodeValue::Map(entries), t) => {
                    if let Some(e) = entries.iter().find(|e| e.key == t) {
                        let key = t.replace('~', "~0").replace('/', "~1");
                        next.push((format!("{at}/{key}"), &e.value));
                    }
                }
                _ => {}
            }
        }
        here = next;
    }
    here
}

/// A scalar as text (numbers and booleans as written), `None` for collections and null.
fn scalar(node: &Node) -> Option<String> {
    match &node.value {
        NodeValue::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        NodeValue::Int(i) => Some(i.to_string()),
        NodeValue::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

fn string_at(root: &Node, pointer: &str) -> Option<String> {
    root.lookup(pointer).and_then(|l| scalar(l.node))
}

/// Where the document is: its paths and file.
pub struct Place<'a> {
    /// Relative to the repository root.
    pub rel: &'a str,
    /// Relative to the folder of aims-lint.toml.
    pub rel_to_base: Option<&'a str>,
    /// On disk.
    pub path: PathBuf,
}

impl Entry {
    /// What the corpus keeps of `doc`, a document of `kind`.
    #[must_use]
    pub fn of(doc: &Document, kind: &str, place: Place<'_>, registry: &Registry) -> Self {
        let root = doc.root();
        let id = root.and_then(|r| string_at(r, "/id"));
        let anchor = root.and_then(|r| r.lookup("/id")).map_or_else(
            || doc.source.first_line_of(doc.source.line_span(1)),
            |l| l.node.span,
        );
        let mut names = Vec::new();
        let mut add = |n: &str| {
            let n = normalise(n);
            if !n.is_empty() && !names.contains(&n) {
                names.push(n);
            }
        };
        if let Some(id) = &id {
            add(id);
        }
        if let Some(pretty) = root.and_then(|r| string_at(r, "/pretty_name")) {
            add(&pretty);
        }
        if let Some(name) = names_of_path(place.rel) {
            add(&name);
        }
        let system = root.and_then(|r| match kind {
            "ai-system" => string_at(r, "/id"),
            _ => string_at(r, "/aims/system_id").or_else(|| string_at(r, "/system_id")),
        });
        let stage = root.and_then(|r| string_at(r, "/lifecycle_stage"));
        let mut cited = Vec::new();
        if let Some(root) = root {
            for (i, rule) in registry.rules().iter().enumerate() {
                let Some(reference) = rule.reference.as_ref() else {
                    continue;
                };
                if rule.check != Some(Check::Reference)
                    || !rule.applies_to.iter().any(|k| k == kind)
                {
                    continue;
                }
                if let Some(only_if) = &reference.only_if
                    && root.lookup(only_if).is_none()
                {
                    continue;
                }
                for at in &reference.at {
                    for (pointer, node) in values_at(root, at) {
                        if let Some(value) = scalar(node) {
                            cited.push(Cited {
                                rule: i,
                                value,
                                span: node.span,
                                pointer,
                            });
                        }
                    }
                }
            }
        }
        let people = match (kind, root) {
            ("roles", Some(root)) => people_of(root),
            _ => Vec::new(),
        };
        let controls = match (kind, root) {
            ("statement-of-applicability", Some(root)) => controls_of(root),
            _ => None,
        };
        let persons = match (kind, root) {
            ("roles", Some(root)) => persons_of(root),
            _ => Vec::new(),
        };
        let located = |pointers: &[&str]| {
            let root = root?;
            pointers.iter().find_map(|p| {
                let l = root.lookup(p)?;
                Some((scalar(l.node)?, l.node.span))
            })
        };
        let approved_by = located(&["/approved_by", "/aims/approved_by"]);
        let reviewed = located(&["/last_reviewed"]);
        let interval = located(&["/review_interval_months"]).and_then(|(v, _)| v.parse().ok());
        Self {
            rel: place.rel.to_string(),
            rel_to_base: place.rel_to_base.map(str::to_string),
            path: place.path,
            digest: digest(doc.source.text()),
            kind: kind.to_string(),
            id,
            anchor,
            names,
            system,
            stage,
            cited,
            people,
            controls,
            persons,
            approved_by,
            reviewed,
            interval,
        }
    }
}

/// Each person of a roles file, by every name and e-mail they go by, normalised.
fn persons_of(root: &Node) -> Vec<Vec<String>> {
    values_at(root, "/people/*")
        .into_iter()
        .map(|(_, person)| {
            let mut names = Vec::new();
            for at in ["/id", "/name", "/git_emails/*", "/email"] {
                for (_, node) in values_at(person, at) {
                    if let Some(s) = scalar(node) {
                        names.push(normalise(&s));
                    }
                }
            }
            names
        })
        .collect()
}

/// Every name a role or person of a roles file goes by: ids, names, git e-mails.
fn people_of(root: &Node) -> Vec<String> {
    let mut out = Vec::new();
    for at in [
        "/roles/*/id",
        "/roles/*/name",
        "/people/*/id",
        "/people/*/name",
        "/people/*/git_emails/*",
        "/people/*/email",
    ] {
        for (_, node) in values_at(root, at) {
            if let Some(s) = scalar(node) {
                let n = normalise(&s);
                if !n.is_empty() && !out.contains(&n) {
                    out.push(n);
                }
            }
        }
    }
    out
}

fn controls_of(root: &Node) -> Option<(Span, Vec<Listed>)> {
    let entry = root.get("controls")?;
    let mut listed = Vec::new();
    for (pointer, item) in values_at(root, "/controls/*") {
        let Some(id_node) = item.get("id").map(|e| &e.value) else {
            continue;
        };
        let Some(id) = scalar(id_node) else {
            continue;
        };
        let evidence = match item.get("evidence").map(|e| &e.value.value) {
            Some(NodeValue::Seq(items)) => items.iter().filter_map(scalar).count(),
            Some(NodeValue::String(s)) if !s.trim().is_empty() => 1,
            _ => 0,
        };
        listed.push(Listed {
            id,
            span: id_node.span,
            pointer: format!("{pointer}/id"),
            applicable: match item.get("applicable").map(|e| &e.value.value) {
                Some(NodeValue::Bool(b)) => Some(*b),
                _ => None,
            },
            status: item.get("status").and_then(|e| scalar(&e.value)),
            evidence,
        });
    }
    Some((entry.key_span, listed))
}

/// Every document of the run, indexed by kind and by name.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The documents, sorted by path.
    pub entries: Vec<Entry>,
    by_kind: HashMap<String, Vec<usize>>,
    by_rel: HashMap<String, usize>,
}

impl Corpus {
    /// Index `entries`.
    #[must_use]
    pub fn new(mut entries: Vec<Entry>) -> Self {
        entries.sort_by(|a, b| a.rel.cmp(&b.rel));
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_rel = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            by_kind.entry(e.kind.clone()).or_default().push(i);
            by_rel.insert(e.rel.clone(), i);
        }
        Self {
            entries,
            by_kind,
            by_rel,
        }
    }

    /// The documents of `kind`, by path.
    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = (usize, &'a Entry)> + 'a {
        self.by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| (i, &self.entries[i]))
    }

    /// The document at `rel` (relative to the repository root).
    #[must_use]
    pub fn at(&self, rel: &str) -> Option<usize> {
        self.by_rel.get(rel).copied()
    }
}

/// The value a cross-document finding is about, as written at its span (quotes removed).
#[must_use]
pub fn cited_value(f: &crate::finding::Finding) -> Option<String> {
    let text = f.source.text().get(f.span.start.byte..f.span.end.byte)?;
    Some(text.trim().trim_matches(['"', '\'']).to_string()).filter(|v| !v.is_empty())
}
