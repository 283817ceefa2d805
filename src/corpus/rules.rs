//! The rules that look across documents: references resolve (one check, parameterised by the
//! rule file, as Spectral's functions take options), the Statement of Applicability lists
//! every control, documents that should be cited are.
//!
//! A rule reports a [`Pending`] finding: the run turns it into a [`crate::finding::Finding`]
//! with the document's text, which the corpus does not keep.

use std::collections::{BTreeMap, HashSet};

use rayon::prelude::*;
use std::path::Path;

use super::{Corpus, Entry, normalise};
use crate::controls;
use crate::parse::{self, Format};
use crate::rules::{Check, Registry, Rule};
use crate::source::SourceFile;

/// A finding of a corpus rule, before it has the document's text.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The document, an index into [`Corpus::entries`].
    pub entry: usize,
    /// The rule, an index into [`Registry::rules`].
    pub rule: usize,
    /// Where.
    pub span: super::At,
    /// What exactly is wrong.
    pub detail: String,
    /// The JSON pointer of the value, if the finding is about one.
    pub pointer: Option<String>,
    /// The finding is about the value at `span`, whose pointer the run finds again.
    pub value_at_span: bool,
}

/// What the corpus rules read besides the corpus.
pub struct Context<'a> {
    /// The documents.
    pub corpus: &'a Corpus,
    /// The rules.
    pub registry: &'a Registry,
    /// The repository root, for references to files.
    pub root: &'a Path,
    /// The largest file read, for a reference with a JSON pointer.
    pub max_file_size: u64,
    /// Parser limits, for a reference with a JSON pointer.
    pub limits: parse::yaml::Limits,
    /// What each path (relative to the root) is, once looked up: a file of the repository
    /// (`Some(true)`), a link out of it (`Some(false)`), or nothing (`None`). Many documents
    /// cite the same files.
    pub files: std::sync::Mutex<std::collections::HashMap<String, Option<bool>>>,
    /// The repository root with its links resolved.
    pub real_root: std::path::PathBuf,
    /// The documents whose findings are reported, when not all are (a run on some files, as
    /// pre-commit makes it): the others' references are resolved only as far as the findings
    /// of these need (which documents they cite), and their history only where it judges one
    /// of these. What the rules find on the others is dropped with them (the run has no file to
    /// put it on).
    pub reported: Option<&'a HashSet<&'a str>>,
}

impl<'a> Context<'a> {
    /// The context of the corpus rules.
    #[must_use]
    pub fn new(
        corpus: &'a Corpus,
        registry: &'a Registry,
        root: &'a Path,
        max_file_size: u64,
        limits: parse::yaml::Limits,
    ) -> Self {
        Self {
            corpus,
            registry,
            root,
            max_file_size,
            limits,
            files: std::sync::Mutex::default(),
            real_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
            reported: None,
        }
    }

    /// Whether findings on `entry` are reported.
    #[must_use]
    pub fn reports(&self, entry: &Entry) -> bool {
        self.reported.is_none_or(|r| r.contains(entry.rel.as_str()))
    }

    /// What `rel` is; see [`Context::files`].
    fn file(&self, rel: &str) -> Option<bool> {
        // A poisoned cache is only a cache: look again.
        if let Some(known) = self.files.lock().ok().and_then(|f| f.get(rel).copied()) {
            return known;
        }
        // A document of the corpus is a file of the repository: discovery vetted it.
        if self.corpus.at(rel).is_some() {
            return Some(true);
        }
        let found = repository_path(self.root, &self.real_root, rel);
        if let Ok(mut files) = self.files.lock() {
            files.insert(rel.to_string(), found);
        }
        found
    }
}

/// What `rel` (relative to `root`, whose links `real_root` has resolved) is: something of the
/// repository (`Some(true)`), something reached through a link out of it (`Some(false)`), or
/// nothing (`None`). `rel` must be lexical (see [`lexical`]): no `..`, no leading `/`.
#[must_use]
pub fn repository_path(root: &Path, real_root: &Path, rel: &str) -> Option<bool> {
    let full = root.join(rel);
    // Most paths that resolve to nothing cost one call; only what exists is followed.
    std::fs::symlink_metadata(&full)
        .ok()
        .and_then(|_| full.canonicalize().ok())
        .map(|real| real.starts_with(real_root))
}

/// What the references of some documents found: their findings, in the documents' order; the
/// documents they resolved to; whether one cites a dataset sheet.
type Resolved = (Vec<Pending>, HashSet<usize>, bool);

/// The references found so far, followed by those of the next documents.
fn join(
    (mut out, mut targets, sheets): Resolved,
    (more, resolved, sheet): (Vec<Pending>, impl IntoIterator<Item = usize>, bool),
) -> Resolved {
    out.extend(more);
    targets.extend(resolved);
    (out, targets, sheets || sheet)
}

/// Run every corpus rule but [`implemented_controls`], which needs the other findings.
#[must_use]
pub fn run(cx: &Context<'_>) -> Vec<Pending> {
    let rules = cx.registry.rules();
    // Every document's references, in parallel: the findings in the order of the documents
    // (the run sorts findings, but attaches them in this order), and the documents a reference
    // resolved to. Folded on each thread and joined in order (`reduce` keeps it): no result is
    // kept per document (11 MB at 100,000 documents).
    let (mut out, cited_targets, cites_sheets) = cx
        .corpus
        .entries
        .par_iter()
        .enumerate()
        .fold(Resolved::default, |done, (e, entry)| {
            join(done, references(cx, e, entry))
        })
        .reduce(Resolved::default, join);
    let citing = cx
        .corpus
        .entries
        .iter()
        .filter(|e| {
            e.cited.iter().any(|c| {
                rules[c.rule]
                    .reference
                    .as_ref()
                    .is_some_and(|x| x.to == "dataset-sheet")
            })
        })
        .count();
    for (r, rule) in rules.iter().enumerate() {
        match rule.check {
            Some(Check::StatementOfApplicabilityControls) => soa_controls(cx, r, rule, &mut out),
            Some(Check::DatasetSheetUsed) if cites_sheets => {
                for (e, entry) in cx.corpus.of_kind("dataset-sheet") {
                    if applies(rule, entry) && !cited_targets.contains(&e) {
                        out.push(Pending {
                            entry: e,
                            rule: r,
                            span: entry.anchor,
                            detail: {
                                let name = entry
                                    .id
                                    .as_deref()
                                    .or(entry.rel_to_base())
                                    .unwrap_or(&entry.rel);
                                if citing == 1 {
                                    format!("`{name}` is not cited by the one document that cites datasets")
                                } else {
                                    format!("`{name}` is cited by none of the {citing} documents that cite datasets")
                                }
                            },
                            pointer: None,
                            value_at_span: false,
                        });
                    }
                }
            }
            Some(Check::SystemHasImpactAssessment) => {
                system_has_impact_assessment(cx, r, rule, &cited_targets, &mut out);
            }
            _ => {}
        }
    }
    out
}

fn applies(rule: &Rule, entry: &Entry) -> bool {
    rule.applies_to.contains(&entry.kind)
}

/// Whether `value` is written as a path rather than an id.
fn is_path(value: &str) -> bool {
    value.starts_with("./") || value.starts_with("../") || Format::from_path(value).is_some()
}

/// `path` with `.` and `..` resolved; `None` when `..` leaves the repository.
#[must_use]
pub fn lexical(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// The folder of aims-lint.toml, relative to the repository root, with a final `/` (or
/// empty), as `entry`'s two paths give it.
fn base_prefix(entry: &Entry) -> &str {
    entry
        .base
        .and_then(|b| entry.rel.get(..b as usize))
        .unwrap_or("")
}

/// Where a path written in `entry` may point, relative to the repository root: from the
/// document's folder, from the folder of aims-lint.toml, from the root.
fn path_candidates(entry: &Entry, value: &str) -> Vec<Option<String>> {
    let folder = entry.rel.rsplit_once('/').map_or("", |(f, _)| f);
    vec![
        lexical(&format!("{folder}/{value}")),
        lexical(&format!("{}{value}", base_prefix(entry))),
        lexical(value),
    ]
}

/// What a document of `kind` is called in a finding.
fn noun(kind: &str) -> String {
    match kind {
        "ai-system" => "AI system record".to_string(),
        "supplier" => "supplier record".to_string(),
        "customer" => "customer record".to_string(),
        "ai-policy" => "AI policy".to_string(),
        "roles" => "roles file".to_string(),
        _ => kind.replace('-', " "),
    }
}

/// The document of `kind` that `value` names, or what to say instead.
fn resolve_document(
    corpus: &Corpus,
    from: &Entry,
    value: &str,
    kind: &str,
) -> Result<usize, String> {
    if is_path(value) {
        let candidates = path_candidates(from, value);
        for rel in candidates.iter().flatten() {
            if let Some(i) = corpus.at(rel) {
                let target = &corpus.entries[i];
                if target.kind == kind {
                    return Ok(i);
                }
                return Err(format!(
                    "`{value}` is a {}, not a {}",
                    noun(&target.kind),
                    noun(kind)
                ));
            }
        }
        if candidates.iter().all(Option::is_none) {
            return Err(format!("`{value}` points outside the repository"));
        }
        return Err(format!(
            "`{value}`: no {} is at this path{}",
            noun(kind),
            near_path(corpus, &candidates, Some(kind))
        ));
    }
    let wanted = normalise(value);
    let last = value
        .rsplit_once('/')
        .map(|(_, name)| normalise(name))
        .filter(|n| !n.is_empty());
    if let Some(i) = corpus
        .named(kind, &wanted, &from.rel)
        .or_else(|| last.as_ref().and_then(|l| corpus.named(kind, l, &from.rel)))
    {
        return Ok(i);
    }
    let shown: Vec<(String, String)> = corpus
        .of_kind(kind)
        .flat_map(|(_, e)| {
            let display = e.id.clone().unwrap_or_else(|| e.rel.clone());
            e.names.iter().map(move |n| (n.clone(), display.clone()))
        })
        .collect();
    let near = did_you_mean(last.as_deref().unwrap_or(&wanted), &shown);
    Err(if corpus.of_kind(kind).next().is_none() {
        format!("`{value}`: the repository has no {} at all", noun(kind))
    } else {
        format!("`{value}`: no {} has this id or name{near}", noun(kind))
    })
}

/// `; did you mean `X`?` for the document that the first of `candidates` most likely meant.
fn near_path(corpus: &Corpus, candidates: &[Option<String>], kind: Option<&str>) -> String {
    candidates
        .iter()
        .flatten()
        .find_map(|rel| corpus.near_path(rel, kind))
        .map_or_else(String::new, |i| {
            let e = &corpus.entries[i];
            format!("; did you mean `{}`?", e.shown())
        })
}

/// `; did you mean `X`?` for the names among `known` (normalised, shown) closest to `word`.
/// Only names of about the same length are compared, so that a repository of many names
/// with many unresolved references stays fast.
fn did_you_mean(word: &str, known: &[(String, String)]) -> String {
    let word = normalise(word);
    let names: Vec<String> = known
        .iter()
        .map(|(n, _)| normalise(n))
        .filter(|n| n.len().abs_diff(word.len()) <= 4)
        .collect();
    let near = controls::closest(&word, names.iter().map(String::as_str), 1);
    let Some(near) = near.first() else {
        return String::new();
    };
    known
        .iter()
        .find(|(n, _)| normalise(n) == *near)
        .map_or_else(String::new, |(_, shown)| {
            format!("; did you mean `{shown}`?")
        })
}

/// With `covers`, the target must be about the AI system the citing document is about.
fn covers(
    covers: bool,
    corpus: &Corpus,
    from: &Entry,
    target: usize,
    value: &str,
) -> Option<String> {
    let target = &corpus.entries[target];
    match (&from.system, &target.system) {
        (Some(ours), Some(theirs)) if covers && normalise(ours) != normalise(theirs) => Some(
            format!("`{value}` is about AI system `{theirs}`, not `{ours}`"),
        ),
        _ => None,
    }
}

/// `None` when a role or person of a roles file goes by `value` (or there is no roles file:
/// the roles rules say so), else what to say.
fn resolve_person(corpus: &Corpus, from: &Entry, value: &str) -> Option<String> {
    // Without a roles file there is nothing to resolve against: the roles rules ask for one.
    corpus.of_kind("roles").next()?;
    let forms = super::name_forms(value);
    if forms.iter().any(|f| corpus.is_person(f)) {
        return None;
    }
    // The roles file nearest to the document, for the message and the suggestion.
    let nearest = &corpus.entries[corpus.nearest_of_kind("roles", &from.rel)?];
    let known: Vec<(String, String)> = nearest
        .people()
        .iter()
        .map(|p| (p.clone(), p.clone()))
        .collect();
    Some(format!(
        "`{value}` is not a role or person of {}{}",
        nearest.rel,
        // The name without its title, if it has one; nothing for a value that is all punctuation.
        forms
            .get(1)
            .or(forms.first())
            .map_or_else(String::new, |f| did_you_mean(f, &known))
    ))
}

/// `None` when `value` names a file of the repository (and, after `#/`, a key in it), else
/// what to say.
fn resolve_file(cx: &Context<'_>, from: &Entry, value: &str) -> Option<String> {
    if value.contains("://") || value.starts_with("mailto:") {
        return Some(format!(
            "`{value}` is a link, not a file of the repository: evidence is kept in the repository so that its history is the audit trail"
        ));
    }
    let (path, pointer) = match value.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (value, None),
    };
    let candidates = path_candidates(from, path);
    if candidates.iter().all(Option::is_none) {
        return Some(format!("`{value}` points outside the repository"));
    }
    for rel in candidates.iter().flatten() {
        match cx.file(rel) {
            None => {}
            Some(false) => {
                return Some(format!(
                    "`{value}` is a link out of the repository: evidence must be in it"
                ));
            }
            Some(true) => {
                return match pointer {
                    Some(p) if p.starts_with('/') => {
                        key_exists(cx, &cx.root.join(rel), rel, p).err()
                    }
                    _ => None,
                };
            }
        }
    }
    Some(format!(
        "`{value}`: no such file in the repository{}",
        near_path(cx.corpus, &candidates, None)
    ))
}

/// Whether the document at `full` has a value at `pointer`.
fn key_exists(cx: &Context<'_>, full: &Path, rel: &str, pointer: &str) -> Result<(), String> {
    let Some(format) = Format::from_path(rel) else {
        return Ok(());
    };
    let text = crate::source::read_regular(full, cx.max_file_size)
        .map_err(|e| format!("`{rel}` cannot be read for `#{pointer}`: {e}"))?;
    let source = SourceFile::new(rel, text);
    let (doc, _) = parse::parse(&source, format, cx.limits);
    if doc.data.iter().any(|i| i.node.lookup(pointer).is_some()) {
        Ok(())
    } else {
        Err(format!("`{rel}` has no value at `{pointer}`"))
    }
}

fn soa_controls(cx: &Context<'_>, r: usize, rule: &Rule, out: &mut Vec<Pending>) {
    for (e, entry) in cx.corpus.of_kind("statement-of-applicability") {
        if !applies(rule, entry) {
            continue;
        }
        let Some((at, listed)) = entry.controls.as_deref() else {
            // No `controls`: the schema rule of the Statement of Applicability says so.
            continue;
        };
        let mut first: BTreeMap<&str, &super::Listed> = BTreeMap::new();
        for l in listed {
            if let Some(earlier) = first.get(l.id.as_str()) {
                out.push(Pending {
                    entry: e,
                    rule: r,
                    span: l.span,
                    detail: format!(
                        "`{}` is listed twice (first on line {}): list each control once",
                        l.id, earlier.line
                    ),
                    pointer: Some(format!("/controls/{}/id", l.index)),
                    value_at_span: false,
                });
                continue;
            }
            first.insert(l.id.as_str(), l);
            let planned = l.status.as_deref().is_some_and(|s| s == "planned");
            if l.applicable == Some(true) && !planned && l.evidence == 0 {
                out.push(Pending {
                    entry: e,
                    rule: r,
                    span: l.span,
                    detail: format!(
                        "`{}` is applicable and {}, but `evidence` names no document",
                        l.id,
                        l.status.as_deref().unwrap_or("has no status")
                    ),
                    pointer: Some(format!("/controls/{}/id", l.index)),
                    value_at_span: false,
                });
            }
        }
        let missing: Vec<&str> = controls::CONTROLS
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| !first.contains_key(id))
            .collect();
        if !missing.is_empty() {
            out.push(Pending {
                entry: e,
                rule: r,
                span: *at,
                detail: format!(
                    "{} of the 38 Annex A controls {} not listed: {}",
                    missing.len(),
                    if missing.len() == 1 { "is" } else { "are" },
                    missing.join(", ")
                ),
                pointer: Some("/controls".to_string()),
                value_at_span: false,
            });
        }
    }
}

fn system_has_impact_assessment(
    cx: &Context<'_>,
    r: usize,
    rule: &Rule,
    cited: &HashSet<usize>,
    out: &mut Vec<Pending>,
) {
    let assessed: HashSet<String> = cx
        .corpus
        .of_kind("impact-assessment")
        .filter_map(|(_, e)| e.system.as_deref().map(normalise))
        .collect();
    for (e, entry) in cx.corpus.of_kind("ai-system") {
        if !applies(rule, entry) || entry.stage.as_deref() == Some("idea") {
            continue;
        }
        let Some(system) = &entry.system else {
            continue;
        };
        if assessed.contains(&normalise(system)) {
            continue;
        }
        // A reference to an assessment that resolved (its own rule judges what it covers).
        let refers = entry.cited.iter().any(|c| {
            cx.registry.rules()[c.rule]
                .reference
                .as_ref()
                .is_some_and(|x| x.to == "impact-assessment")
                && resolve_document(cx.corpus, entry, &c.value, "impact-assessment")
                    .is_ok_and(|t| cited.contains(&t))
        });
        if !refers {
            out.push(Pending {
                entry: e,
                rule: r,
                span: entry.anchor,
                detail: format!(
                    "no impact assessment has `system_id: {system}`, and the record names none"
                ),
                pointer: Some("/id".to_string()),
                value_at_span: false,
            });
        }
    }
}

/// The references of one document: the findings of those that do not resolve, the documents
/// those that do resolve to, and whether it cites dataset sheets.
fn references(cx: &Context<'_>, e: usize, entry: &Entry) -> (Vec<Pending>, Vec<usize>, bool) {
    let rules = cx.registry.rules();
    let mut out = Vec::new();
    let mut cited_targets = Vec::new();
    let mut cites_sheets = false;
    let report = cx.reports(entry);
    for c in &entry.cited {
        let rule = &rules[c.rule];
        let Some(reference) = &rule.reference else {
            continue;
        };
        // Of a document not reported on, only what it cites counts (for the findings of
        // documents that are): people and files are not looked up.
        if !report && matches!(reference.to.as_str(), "people" | "file") {
            continue;
        }
        let detail = match reference.to.as_str() {
            "people" => resolve_person(cx.corpus, entry, &c.value),
            "file" => resolve_file(cx, entry, &c.value),
            kind => {
                if kind == "dataset-sheet" {
                    cites_sheets = true;
                }
                match resolve_document(cx.corpus, entry, &c.value, kind) {
                    Ok(target) => {
                        cited_targets.push(target);
                        covers(reference.covers, cx.corpus, entry, target, &c.value)
                    }
                    Err(why) => Some(why),
                }
            }
        };
        if let Some(detail) = detail.filter(|_| report) {
            out.push(Pending {
                entry: e,
                rule: c.rule,
                span: c.span,
                detail,
                pointer: None,
                value_at_span: true,
            });
        }
    }
    (out, cited_targets, cites_sheets)
}

/// An error finding the run reported, for [`implemented_controls`].
pub struct Reported<'a> {
    /// The control of its rule.
    pub control: &'a str,
    /// Its rule.
    pub rule: &'a str,
    /// Its document.
    pub path: &'a str,
    /// Its line.
    pub line: u32,
}

/// A control marked implemented whose rules report errors: the Statement of Applicability
/// claims what the evidence does not show.
#[must_use]
pub fn implemented_controls(cx: &Context<'_>, errors: &[Reported<'_>]) -> Vec<Pending> {
    let mut out = Vec::new();
    // Each document answers to the Statement of Applicability nearest to it: a repository
    // of several units, each with its own statement, judges each by its own evidence.
    let nearest = |path: &str| -> Option<&str> {
        let s = cx
            .corpus
            .nearest_of_kind("statement-of-applicability", path)?;
        Some(cx.corpus.entries[s].rel.as_str())
    };
    let mut by_control: std::collections::HashMap<(&str, &str), Vec<&Reported<'_>>> =
        std::collections::HashMap::new();
    for f in errors {
        if let Some(statement) = nearest(f.path) {
            by_control
                .entry((statement, f.control))
                .or_default()
                .push(f);
        }
    }
    for (r, rule) in cx.registry.rules().iter().enumerate() {
        if rule.check != Some(Check::ImplementedControlHasNoErrors) {
            continue;
        }
        for (e, entry) in cx.corpus.of_kind("statement-of-applicability") {
            let Some((_, listed)) = entry.controls.as_deref() else {
                continue;
            };
            if !applies(rule, entry) {
                continue;
            }
            for l in listed {
                if l.status.as_deref() != Some("implemented") || l.applicable == Some(false) {
                    continue;
                }
                let Some(of) = by_control.get(&(entry.rel.as_str(), l.id.as_str())) else {
                    continue;
                };
                let mut shown: Vec<String> = of
                    .iter()
                    .take(3)
                    .map(|f| format!("{} at {}:{}", f.rule, f.path, f.line))
                    .collect();
                if of.len() > 3 {
                    shown.push(format!("and {} more", of.len() - 3));
                }
                out.push(Pending {
                    entry: e,
                    rule: r,
                    span: l.span,
                    detail: format!(
                        "`{}` is marked implemented, but its rules report {} error{}: {}",
                        l.id,
                        of.len(),
                        if of.len() == 1 { "" } else { "s" },
                        shown.join(", ")
                    ),
                    pointer: Some(format!("/controls/{}/id", l.index)),
                    value_at_span: false,
                });
            }
        }
    }
    out
}
