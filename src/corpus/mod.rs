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

use crate::parse::Document;
use crate::parse::yaml::{Node, NodeValue, escape_token, unescape_token};
use crate::rules::{Check, Registry};
use crate::source::Span;

/// Where something is in a document, as a byte range: a quarter of a [`Span`], which the run
/// makes again (with lines and columns) for the few that become findings.
pub type At = (u32, u32);

/// The byte range of `span`.
#[must_use]
pub fn at(span: Span) -> At {
    let byte = |b: usize| u32::try_from(b).unwrap_or(u32::MAX);
    (byte(span.start.byte), byte(span.end.byte))
}

/// A value a document cites, where it stands, and the rule that resolves it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Cited {
    /// Index of the rule in [`Registry::rules`].
    pub rule: usize,
    /// The value as written.
    pub value: Box<str>,
    /// Where it is written; its JSON pointer is found again from here, for the few values
    /// that become findings (see [`pointer_at`]).
    pub span: At,
}

/// One control of a Statement of Applicability.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Listed {
    /// The control id as written.
    pub id: String,
    /// Where the id is written.
    pub span: At,
    /// The line of the id.
    pub line: u32,
    /// Its place in `controls`: its JSON pointer is `/controls/<index>/id`.
    pub index: u32,
    /// `applicable`, if given.
    pub applicable: Option<bool>,
    /// `status`, if given.
    pub status: Option<String>,
    /// How many evidence entries it names.
    pub evidence: usize,
}

/// What the corpus keeps of one document.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    /// Its path relative to the repository root: what findings name.
    pub rel: String,
    /// How many leading bytes of `rel` name the folder of aims-lint.toml, when the document
    /// is under it: see [`Entry::rel_to_base`].
    pub base: Option<u32>,
    /// Its length and digest: a file changed during the run is not reported with stale spans.
    pub digest: (usize, u64),
    /// Its kind.
    pub kind: String,
    /// The `id` it declares, as written.
    pub id: Option<String>,
    /// Where its findings about itself go: the `id` value, or the first line.
    pub anchor: At,
    /// The names it can be cited by, normalised ([`normalise`]).
    pub names: Vec<String>,
    /// The AI system it is about: an AI system record's `id`, a card's `aims.system_id`, an
    /// impact assessment's `system_id`.
    pub system: Option<String>,
    /// `lifecycle_stage`, for AI system records.
    pub stage: Option<String>,
    /// Values its reference rules resolve.
    pub cited: Vec<Cited>,
    /// For a roles file, its roles and people. Boxed, as `controls`: few documents have them,
    /// and every entry is kept for the whole run (they were 88 of the 352 bytes of each).
    pub roles: Option<Box<Roles>>,
    /// For a Statement of Applicability: its controls, and where `controls` is.
    pub controls: Option<Box<(At, Vec<Listed>)>>,
    /// Who approved it (`approved_by`, or `aims.approved_by` of a card), and where.
    pub approved_by: Option<(String, At)>,
    /// The review date it declares (`last_reviewed`), and where.
    pub reviewed: Option<(String, At)>,
    /// Its review interval in months (`review_interval_months`).
    pub interval: Option<u32>,
}

/// What the corpus keeps of a roles file.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Roles {
    /// Each role and person by every name it goes by, normalised.
    pub people: Vec<String>,
    /// Each person, by the names and e-mails they go by (normalised).
    pub persons: Vec<Vec<String>>,
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

/// A digest of a document's text: its length, and a hash that takes eight bytes a step (a
/// byte at a time was a tenth of a 10,000-document run). It tells whether a file changed
/// during the run; it is not a defence against anyone.
#[must_use]
pub fn digest(text: &str) -> (usize, u64) {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut chunks = text.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    for &byte in chunks.remainder() {
        hash = (hash.rotate_left(5) ^ u64::from(byte)).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    (text.len(), hash)
}

/// The values of several pointers at once, each with the index of its pointer: the pointers
/// that start with `/**/` share one walk of the document.
#[must_use]
pub fn values_at_many<'a>(root: &'a Node, pointers: &[&str]) -> Vec<(usize, String, &'a Node)> {
    let mut out = Vec::new();
    // (pointer index, the key after `/**/`, the rest after that key)
    let mut deep: Vec<(usize, String, &str)> = Vec::new();
    for (i, p) in pointers.iter().enumerate() {
        match p.strip_prefix("/**/") {
            Some(rest) if !rest.starts_with("**") => {
                let (key, tail) = rest.find('/').map_or((rest, ""), |at| rest.split_at(at));
                deep.push((i, unescape_token(key).into_owned(), tail));
            }
            _ => out.extend(values_at(root, p).into_iter().map(|(at, n)| (i, at, n))),
        }
    }
    if deep.is_empty() {
        return out;
    }
    // Every mapping of the document, with the path to it as (parent, key or index) links:
    // a pointer is written out only for a mapping that holds a key asked for.
    let mut arena: Vec<(usize, Option<Result<&'a str, usize>>)> = vec![(0, None)];
    let mut stack: Vec<(&'a Node, usize)> = vec![(root, 0)];
    let pointer_of = |arena: &[(usize, Option<Result<&str, usize>>)], mut at: usize| {
        let mut steps = Vec::new();
        while at != 0 {
            steps.push(arena[at].1);
            at = arena[at].0;
        }
        let mut pointer = String::new();
        for step in steps.into_iter().rev().flatten() {
            pointer.push('/');
            match step {
                Ok(key) => pointer.push_str(&escape_token(key)),
                Err(i) => pointer.push_str(&i.to_string()),
            }
        }
        pointer
    };
    while let Some((node, at)) = stack.pop() {
        match &node.value {
            NodeValue::Map(entries) => {
                let mut here: Option<String> = None;
                for e in entries {
                    for (i, key, tail) in &deep {
                        if e.key != *key {
                            continue;
                        }
                        let base = here.get_or_insert_with(|| pointer_of(&arena, at));
                        let escaped = escape_token(&e.key);
                        for (below, n) in values_at(&e.value, tail) {
                            out.push((*i, format!("{base}/{escaped}{below}"), n));
                        }
                    }
                }
                for e in entries.iter().rev() {
                    arena.push((at, Some(Ok(&e.key))));
                    stack.push((&e.value, arena.len() - 1));
                }
            }
            NodeValue::Seq(items) => {
                for (i, item) in items.iter().enumerate().rev() {
                    arena.push((at, Some(Err(i))));
                    stack.push((item, arena.len() - 1));
                }
            }
            _ => {}
        }
    }
    out
}

/// Every value at `pointer` (where `*` is every item of a list and `**` any depth of
/// mappings and lists, itself included), with its JSON pointer, in document order.
///
/// One walk with an explicit stack (documents may nest deeply); the pointer of a visited node
/// is kept as a link to its parent's and written out only for the values that match: `/**/owner`
/// visits every node of a document.
#[must_use]
pub fn values_at<'a>(root: &'a Node, pointer: &str) -> Vec<(String, &'a Node)> {
    enum Step<'a> {
        Key(&'a str),
        Index(usize),
        Here,
    }
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| unescape_token(t).into_owned())
        .collect();
    // (parent, step) of every node reached; index 0 is the root.
    let mut arena: Vec<(usize, Option<Step<'a>>)> = vec![(0, None)];
    let mut stack: Vec<(usize, &'a Node, usize)> = vec![(0, root, 0)];
    let mut found: Vec<usize> = Vec::new();
    let mut nodes: Vec<&'a Node> = Vec::new();
    while let Some((ti, node, at)) = stack.pop() {
        let Some(token) = tokens.get(ti) else {
            found.push(at);
            nodes.push(node);
            continue;
        };
        let mut children: Vec<(usize, &'a Node, usize)> = Vec::new();
        let mut child = |step: Step<'a>, next: usize, n: &'a Node| {
            arena.push((at, Some(step)));
            children.push((next, n, arena.len() - 1));
        };
        match (&node.value, token.as_str()) {
            (_, "**") => {
                // Zero levels: the rest of the pointer from here; then one level more.
                child(Step::Here, ti + 1, node);
                match &node.value {
                    NodeValue::Seq(items) => {
                        for (i, item) in items.iter().enumerate() {
                            child(Step::Index(i), ti, item);
                        }
                    }
                    NodeValue::Map(entries) => {
                        for e in entries {
                            child(Step::Key(&e.key), ti, &e.value);
                        }
                    }
                    _ => {}
                }
            }
            (NodeValue::Seq(items), "*") => {
                for (i, item) in items.iter().enumerate() {
                    child(Step::Index(i), ti + 1, item);
                }
            }
            (NodeValue::Seq(items), t) => {
                if let Some((i, item)) = t
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i).map(|n| (i, n)))
                {
                    child(Step::Index(i), ti + 1, item);
                }
            }
            (NodeValue::Map(entries), t) => {
                if let Some(e) = entries.iter().find(|e| e.key == t) {
                    child(Step::Key(&e.key), ti + 1, &e.value);
                }
            }
            _ => {}
        }
        // Reversed, so that the stack gives them back in document order.
        stack.extend(children.into_iter().rev());
    }
    found
        .into_iter()
        .zip(nodes)
        .map(|(mut at, node)| {
            let mut steps = Vec::new();
            while at != 0 {
                let (parent, step) = &arena[at];
                steps.push(step);
                at = *parent;
            }
            let mut pointer = String::new();
            for step in steps.into_iter().rev() {
                match step {
                    Some(Step::Key(k)) => {
                        pointer.push('/');
                        pointer.push_str(&escape_token(k));
                    }
                    Some(Step::Index(i)) => {
                        pointer.push('/');
                        pointer.push_str(&i.to_string());
                    }
                    Some(Step::Here) | None => {}
                }
            }
            (pointer, node)
        })
        .collect()
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

/// Where the document is: its paths.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    /// Relative to the repository root.
    pub rel: &'a str,
    /// Relative to the folder of aims-lint.toml.
    pub rel_to_base: Option<&'a str>,
}

impl Entry {
    /// Its path relative to the folder of aims-lint.toml, when under it.
    #[must_use]
    pub fn rel_to_base(&self) -> Option<&str> {
        self.rel.get(self.base? as usize..)
    }

    /// Its path relative to the folder of aims-lint.toml, or to the repository root: how
    /// findings name it to people.
    #[must_use]
    pub fn shown(&self) -> &str {
        self.rel_to_base().unwrap_or(&self.rel)
    }

    /// For a roles file: each role and person by every name it goes by, normalised.
    #[must_use]
    pub fn people(&self) -> &[String] {
        self.roles.as_ref().map_or(&[], |r| &r.people)
    }

    /// For a roles file: each person, by the names and e-mails they go by (normalised).
    #[must_use]
    pub fn persons(&self) -> &[Vec<String>] {
        self.roles.as_ref().map_or(&[], |r| &r.persons)
    }

    /// The file, to read again (`rel` is relative to the repository root).
    #[must_use]
    pub fn path(&self, root: &std::path::Path) -> std::path::PathBuf {
        root.join(&self.rel)
    }

    /// What the corpus keeps of `doc`, a document of `kind`.
    #[must_use]
    pub fn of(doc: &Document, kind: &str, place: Place<'_>, registry: &Registry) -> Self {
        let root = doc.root();
        let id = root.and_then(|r| string_at(r, "/id"));
        let anchor = at(root.and_then(|r| r.lookup("/id")).map_or_else(
            || doc.source.first_line_of(doc.source.line_span(1)),
            |l| l.node.span,
        ));
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
            // Every pointer of every reference rule of the kind, with its rule.
            let mut asked: Vec<(usize, &str)> = Vec::new();
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
                asked.extend(reference.at.iter().map(|at| (i, at.as_str())));
            }
            let pointers: Vec<&str> = asked.iter().map(|(_, at)| *at).collect();
            for (p, _, node) in values_at_many(root, &pointers) {
                if let Some(value) = scalar(node) {
                    cited.push(Cited {
                        rule: asked[p].0,
                        value: value.into_boxed_str(),
                        span: at(node.span),
                    });
                }
            }
        }
        let roles = match (kind, root) {
            ("roles", Some(root)) => Some(Box::new(Roles {
                people: shrunk(people_of(root)),
                persons: shrunk(persons_of(root)),
            })),
            _ => None,
        };
        let controls = match (kind, root) {
            ("statement-of-applicability", Some(root)) => controls_of(root).map(Box::new),
            _ => None,
        };
        let located = |pointers: &[&str]| {
            let root = root?;
            pointers.iter().find_map(|p| {
                let l = root.lookup(p)?;
                Some((scalar(l.node)?, at(l.node.span)))
            })
        };
        let approved_by = located(&["/approved_by", "/aims/approved_by"]);
        let reviewed = located(&["/last_reviewed"]);
        let interval = located(&["/review_interval_months"]).and_then(|(v, _)| v.parse().ok());
        Self {
            rel: place.rel.to_string(),
            base: place.rel_to_base.and_then(|r| {
                let prefix = place.rel.strip_suffix(r)?;
                u32::try_from(prefix.len()).ok()
            }),
            digest: digest(doc.source.text()),
            kind: kind.to_string(),
            id,
            anchor,
            names: shrunk(names),
            system,
            stage,
            cited: shrunk(cited),
            roles,
            controls,
            approved_by,
            reviewed,
            interval,
        }
    }
}

/// `v` without room to grow: an entry is kept for the whole run, for every document.
fn shrunk<T>(v: Vec<T>) -> Vec<T> {
    v.into_boxed_slice().into_vec()
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

fn controls_of(root: &Node) -> Option<(At, Vec<Listed>)> {
    let entry = root.get("controls")?;
    let mut listed = Vec::new();
    for (index, (_, item)) in values_at(root, "/controls/*").into_iter().enumerate() {
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
            span: at(id_node.span),
            line: id_node.span.start.line,
            index: u32::try_from(index).unwrap_or(u32::MAX),
            applicable: match item.get("applicable").map(|e| &e.value.value) {
                Some(NodeValue::Bool(b)) => Some(*b),
                _ => None,
            },
            status: item.get("status").and_then(|e| scalar(&e.value)),
            evidence,
        });
    }
    // A Statement of Applicability lists about 40 controls: a vector grown to 64 kept 24 more
    // (9 MB at 100,000 documents).
    Some((at(entry.key_span), shrunk(listed)))
}

/// How many leading folders two paths have in common: where names repeat (a repository of
/// several business units, each with its own system records), a reference means the nearest.
#[must_use]
pub fn shared_folders(a: &str, b: &str) -> usize {
    fn folders(p: &str) -> &str {
        p.rsplit_once('/').map_or("", |(d, _)| d)
    }
    folders(a)
        .split('/')
        .zip(folders(b).split('/'))
        .take_while(|(x, y)| x == y && !x.is_empty())
        .count()
}

/// The key of a kind and a name in [`Corpus`]'s index of names.
fn name_key(kind: &str, name: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (kind, name).hash(&mut h);
    h.finish()
}

/// Every document of the run, indexed by kind and by name.
#[derive(Debug, Default)]
pub struct Corpus {
    /// The documents, sorted by path; boxed as the per-file stage made them, so that the
    /// corpus is indexed without copying them (35 MB at 100,000 documents).
    pub entries: Vec<Box<Entry>>,
    by_kind: HashMap<String, Vec<usize>>,
    /// The documents (by path) of a kind that go by a name, by a hash of both (candidates
    /// are checked: a collision costs a comparison, never a wrong answer).
    by_name: HashMap<u64, Vec<usize>>,
    /// Documents by folder, and by file name: where a path that resolves to nothing may have
    /// meant to point (a typo in the name, or a file moved to another folder). Made when a
    /// path first resolves to nothing.
    near: std::sync::OnceLock<Near>,
    /// Every name of every role and person of the roles files.
    people: std::collections::HashSet<String>,
}

#[derive(Debug, Default)]
struct Near {
    by_dir: HashMap<String, Vec<usize>>,
    by_file: HashMap<String, Vec<usize>>,
}

impl Corpus {
    /// Index `entries`.
    #[must_use]
    pub fn new(mut entries: Vec<Box<Entry>>) -> Self {
        // The files arrive sorted: this costs a pass, and sorts in place (a stable sort would
        // need half the entries again as scratch space).
        entries.sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
        let mut by_kind: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_name: HashMap<u64, Vec<usize>> = HashMap::new();
        let mut people = std::collections::HashSet::new();
        for (i, e) in entries.iter_mut().enumerate() {
            people.extend(e.people().iter().cloned());
            by_kind.entry(e.kind.clone()).or_default().push(i);
            for n in &e.names {
                by_name.entry(name_key(&e.kind, n)).or_default().push(i);
            }
        }
        Self {
            entries,
            by_kind,
            by_name,
            near: std::sync::OnceLock::new(),
            people,
        }
    }

    fn near(&self) -> &Near {
        self.near.get_or_init(|| {
            let mut near = Near::default();
            for (i, e) in self.entries.iter().enumerate() {
                let (dir, file) = e.rel.rsplit_once('/').unwrap_or(("", &e.rel));
                near.by_dir.entry(dir.to_string()).or_default().push(i);
                near.by_file.entry(file.to_lowercase()).or_default().push(i);
            }
            near
        })
    }

    /// The document of `kind` that goes by `name` (normalised) nearest to `from` (a path):
    /// of several with one name, the one with the longest folder path in common, then the
    /// first by path.
    #[must_use]
    pub fn named(&self, kind: &str, name: &str, from: &str) -> Option<usize> {
        let found = self.by_name.get(&name_key(kind, name))?;
        let is = |i: &usize| {
            let e = &self.entries[*i];
            e.kind == kind && e.names.iter().any(|n| n == name)
        };
        if found.len() == 1 {
            return found.first().copied().filter(is);
        }
        // The candidates are in path order: those under the citing document's top folder
        // are one range, found by bisection (a repository of many units, each naming its
        // documents alike, would otherwise compare every unit's for every reference).
        let mut range = found.as_slice();
        if let Some((top, _)) = from.split_once('/') {
            let prefix = format!("{top}/");
            let rel = |i: &usize| self.entries[*i].rel.as_str();
            let start = found.partition_point(|i| rel(i) < prefix.as_str());
            let end = start + found[start..].partition_point(|i| rel(i).starts_with(&prefix));
            if start < end {
                range = &found[start..end];
            }
        }
        let common = |i: &usize| shared_folders(from, &self.entries[*i].rel);
        let best = range.iter().filter(|i| is(i)).map(common).max();
        match best {
            Some(best) => range.iter().find(|i| is(i) && common(i) == best).copied(),
            // Only collisions in the range: look at every candidate.
            None => found.iter().find(|i| is(i)).copied(),
        }
    }

    /// The document a path that resolves to nothing most likely meant (`rel` relative to the
    /// repository root), of `kind` if given: one in the same folder whose file name is a few
    /// edits away, else one with the same file name in another folder.
    #[must_use]
    pub fn near_path(&self, rel: &str, kind: Option<&str>) -> Option<usize> {
        let near = self.near();
        let of_kind = |i: &&usize| kind.is_none_or(|k| self.entries[**i].kind == k);
        let (dir, file) = rel.rsplit_once('/').unwrap_or(("", rel));
        let file = file.to_lowercase();
        let same_dir = near.by_dir.get(dir).into_iter().flatten().filter(of_kind);
        let closest = same_dir
            .filter_map(|i| {
                let other = self.entries[*i].rel.rsplit('/').next()?.to_lowercase();
                let d = crate::controls::levenshtein(&file, &other);
                (d <= 4).then_some((d, *i))
            })
            .min();
        closest.map(|(_, i)| i).or_else(|| {
            near.by_file
                .get(&file)
                .into_iter()
                .flatten()
                .find(of_kind)
                .copied()
        })
    }

    /// Whether a role or person of a roles file goes by `name` (normalised).
    #[must_use]
    pub fn is_person(&self, name: &str) -> bool {
        self.people.contains(name)
    }

    /// The documents of `kind`, by path.
    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = (usize, &'a Entry)> + 'a {
        self.by_kind
            .get(kind)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|&i| (i, &*self.entries[i]))
    }

    /// The document of `kind` nearest to `path`: the one with the most leading folders in
    /// common with it, the first by path of those. The documents of a kind are in path order,
    /// so those under each folder of `path` are one range, found by bisection from the deepest
    /// folder up (a repository of many units, each with its own statement, would otherwise
    /// compare every document's path with every unit's statement).
    #[must_use]
    pub fn nearest_of_kind(&self, kind: &str, path: &str) -> Option<usize> {
        let of_kind = self.by_kind.get(kind)?;
        let rel = |i: &usize| self.entries[*i].rel.as_str();
        let folders = path.rsplit_once('/').map_or("", |(d, _)| d);
        // Each folder of `path` with its slash, deepest first, as far as `shared_folders`
        // counts (it stops at an empty name).
        let mut ends: Vec<usize> = Vec::new();
        for (at, name) in folders.split('/').scan(0, |at, name| {
            let start = *at;
            *at += name.len() + 1;
            Some((start + name.len(), name))
        }) {
            if name.is_empty() {
                break;
            }
            ends.push(at);
        }
        for end in ends.into_iter().rev() {
            let prefix = &path[..=end];
            let start = of_kind.partition_point(|i| rel(i) < prefix);
            if of_kind
                .get(start)
                .is_some_and(|i| rel(i).starts_with(prefix))
            {
                return Some(of_kind[start]);
            }
        }
        of_kind.first().copied()
    }

    /// The document at `rel` (relative to the repository root).
    #[must_use]
    pub fn at(&self, rel: &str) -> Option<usize> {
        self.entries
            .binary_search_by(|e| e.rel.as_str().cmp(rel))
            .ok()
    }
}

/// The JSON pointer of the scalar written at `span` in `doc`'s data, if there is one.
#[must_use]
pub fn pointer_at(doc: &Document, span: At) -> Option<String> {
    doc.data.iter().find_map(|instance| {
        values_at(&instance.node, "/**")
            .into_iter()
            .find(|(_, n)| {
                at(n.span) == span && !matches!(n.value, NodeValue::Map(_) | NodeValue::Seq(_))
            })
            .map(|(p, _)| p)
    })
}

/// Whether a cited `value` names one of `names` (normalised names and repository paths, as
/// [`crate::changes::Changes::names_gone`] gives them): by its name, the name after a Hub
/// namespace, or as a path.
#[must_use]
pub fn names_any(value: &str, names: &std::collections::BTreeSet<String>) -> bool {
    let last = value.rsplit('/').next().map(normalise);
    let path = value.trim_start_matches("./");
    names.contains(&normalise(value))
        || last.is_some_and(|l| names.contains(&l))
        || names
            .iter()
            .any(|g| g == path || g.ends_with(&format!("/{path}")))
}

/// The forms a name of a person may be written in: as given, and for
/// "Dana Okafor (Chief Executive)" or "Dana Okafor <dana@example.com>" the name and what the
/// brackets hold; normalised, empty ones left out.
#[must_use]
pub fn name_forms(value: &str) -> Vec<String> {
    let mut forms = vec![normalise(value)];
    if let Some((name, rest)) = value.split_once(['(', '<']) {
        forms.push(normalise(name));
        forms.push(normalise(rest.trim_end_matches([')', '>'])));
    }
    forms.retain(|f| !f.is_empty());
    forms
}

/// The value a cross-document finding is about, as written at its span (quotes removed).
#[must_use]
pub fn cited_value(f: &crate::finding::Finding) -> Option<String> {
    let text = f.source.text().get(f.span.start.byte..f.span.end.byte)?;
    Some(text.trim().trim_matches(['"', '\'']).to_string()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{Limits, parse};
    use crate::source::SourceFile;

    fn found(text: &str, pointer: &str) -> Vec<(String, String)> {
        let source = SourceFile::new("x.yaml", text.to_string());
        let root = parse(&source, text, 1, Limits::default())
            .unwrap()
            .docs
            .remove(0);
        values_at(&root, pointer)
            .into_iter()
            .map(|(p, n)| (p, scalar(n).unwrap_or_default()))
            .collect()
    }

    fn entry(rel: &str, kind: &str) -> Entry {
        Entry {
            rel: rel.to_string(),
            base: None,
            digest: (0, 0),
            kind: kind.to_string(),
            id: None,
            anchor: (0, 0),
            names: Vec::new(),
            system: None,
            stage: None,
            cited: Vec::new(),
            roles: None,
            controls: None,
            approved_by: None,
            reviewed: None,
            interval: None,
        }
    }

    #[test]
    fn the_nearest_document_of_a_kind_is_the_one_with_most_folders_in_common_then_first_by_path() {
        let kinds = [
            "soa.yaml",
            "a/soa.yaml",
            "a/b/soa.yaml",
            "a/b/c/d/soa.yaml",
            "a/bb/soa.yaml",
            "a-b/soa.yaml",
            "b/x/soa.yaml",
            "b/y/soa.yaml",
            "c/z/soa.yaml",
        ];
        let mut entries: Vec<Box<Entry>> =
            kinds.iter().map(|r| Box::new(entry(r, "soa"))).collect();
        entries.push(Box::new(entry("a/b/card.md", "card")));
        let corpus = Corpus::new(entries);
        // What it replaced: every document of the kind compared with the path.
        let brute = |path: &str| -> Option<&str> {
            let of: Vec<&Entry> = corpus.of_kind("soa").map(|(_, e)| e).collect();
            let best = of.iter().map(|e| shared_folders(path, &e.rel)).max()?;
            of.iter()
                .find(|e| shared_folders(path, &e.rel) == best)
                .map(|e| e.rel.as_str())
        };
        let nearest = |path: &str| {
            corpus
                .nearest_of_kind("soa", path)
                .map(|i| corpus.entries[i].rel.as_str())
        };
        for (path, expected) in [
            ("top.md", "a-b/soa.yaml"),
            ("a/card.md", "a/b/c/d/soa.yaml"),
            ("a/b/card.md", "a/b/c/d/soa.yaml"),
            ("a/b/c/card.md", "a/b/c/d/soa.yaml"),
            ("a/bb/card.md", "a/bb/soa.yaml"),
            ("a/bc/card.md", "a/b/c/d/soa.yaml"),
            ("a-b/c/card.md", "a-b/soa.yaml"),
            ("b/card.md", "b/x/soa.yaml"),
            ("b/y/deep/card.md", "b/y/soa.yaml"),
            ("c/card.md", "c/z/soa.yaml"),
            ("d/e/card.md", "a-b/soa.yaml"),
            ("a//b/card.md", "a/b/c/d/soa.yaml"),
        ] {
            assert_eq!(nearest(path), Some(expected), "{path}");
            assert_eq!(nearest(path), brute(path), "{path}");
        }
        assert_eq!(corpus.nearest_of_kind("none", "a/card.md"), None);
    }

    #[test]
    fn pointers_with_stars_find_every_value_in_document_order() {
        let text = "owner: a\nrisks:\n  - owner: b\n    nested: {owner: c}\n  - id: x\n    owner: d\nlist: [1, 2]\nk~/ey: {owner: e}\n";
        let pairs = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
                .collect()
        };
        assert_eq!(
            found(text, "/**/owner"),
            pairs(&[
                ("/owner", "a"),
                ("/risks/0/owner", "b"),
                ("/risks/0/nested/owner", "c"),
                ("/risks/1/owner", "d"),
                ("/k~0~1ey/owner", "e"),
            ])
        );
        assert_eq!(
            found(text, "/list/*"),
            pairs(&[("/list/0", "1"), ("/list/1", "2")])
        );
        assert_eq!(found(text, "/risks/1/id"), pairs(&[("/risks/1/id", "x")]));
        assert_eq!(found(text, "/missing/*"), pairs(&[]));
    }

    #[test]
    fn names_are_compared_without_case_and_punctuation() {
        assert_eq!(normalise("Claims_2024"), "claims-2024");
        assert_eq!(normalise("  claims 2024 (v2) "), "claims-2024-v2");
        assert_eq!(
            names_of_path("datasets/support-tickets/README.md").as_deref(),
            Some("support-tickets")
        );
        assert_eq!(
            names_of_path("datasheets/crm-export.yaml").as_deref(),
            Some("crm-export")
        );
    }
}
