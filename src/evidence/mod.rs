//! The audit evidence report (`aims-lint report`): for each Annex A control (and each clause
//! with rules), whether it applies, what in the repository evidences it, who changed that
//! evidence last and who approved it, what its rules found, its status, and how the status was
//! established. Rendered as Markdown, JSON ([`json`], `schemas/evidence-report.schema.json`) or
//! one self-contained HTML page ([`html`]).
//!
//! The report is reproducible: it holds no wall-clock time (the date the rules judged by is
//! shown only when it was fixed: `--now`, or the commit's date with `--at`), everything is
//! sorted, and a manifest gives every cited file's git blob id.

pub use collect::report;

mod collect;
pub mod html;
pub mod json;
pub mod markdown;
pub mod oscal;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::controls;
use crate::finding::Severity;
use crate::rules::{Check, Registry, Stage};
use crate::run::Outcome;

/// A control's status in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Evidence, and no finding of its rules.
    Satisfied,
    /// Evidence, and findings of its rules.
    Findings,
    /// Applicable, and nothing in the repository evidences it (a placeholder never does).
    NoEvidence,
    /// The Statement of Applicability excludes it.
    Excluded,
    /// Its evidence cannot live in a repository (the catalogue declares none so).
    OutOfScope,
}

impl Status {
    /// Every status, in the order the report shows them.
    pub const ALL: [Status; 5] = [
        Self::Satisfied,
        Self::Findings,
        Self::NoEvidence,
        Self::Excluded,
        Self::OutOfScope,
    ];

    /// How people read it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::Satisfied => "satisfied",
            Self::Findings => "findings",
            Self::NoEvidence => "no evidence",
            Self::Excluded => "excluded",
            Self::OutOfScope => "out of repository scope",
        }
    }
}

/// How a control's status was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Its rules checked the evidence documents.
    CheckedAutomatically,
    /// Rules read the git history of the evidence (reviews, approvals, authors).
    EvidencedByGitHistory,
    /// Some evidence is a file no rule of the control reads, or whether the evidence is
    /// adequate is not something a rule decides: a person must look.
    NeedsReview,
}

impl Method {
    /// How people read it.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Self::CheckedAutomatically => "checked automatically",
            Self::EvidencedByGitHistory => "evidenced by git history",
            Self::NeedsReview => "needs a person's review",
        }
    }
}

/// What the Statement of Applicability says of a control.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Applicability {
    /// `applicable`: `None` when no Statement of Applicability lists the control.
    pub applicable: Option<bool>,
    /// Its justification.
    pub justification: Option<String>,
    /// Its implementation status (`implemented`, `planned`, …).
    pub status: Option<String>,
    /// The Statement of Applicability it comes from.
    pub source: Option<String>,
}

/// The last substantive change of a file: its data or text changed, not only white space,
/// formatting or the approval it records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The commit.
    pub commit: String,
    /// Its author, `Name <email>` after `.mailmap`.
    pub author: String,
    /// Its author date, `YYYY-MM-DD`.
    pub date: String,
}

/// A recorded approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    /// `approved_by`.
    pub by: String,
    /// `approval_date`, when given.
    pub date: Option<String>,
}

/// One piece of evidence for a control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// Path relative to the repository root.
    pub path: String,
    /// Its document kind, or `None` for a file that is no AIMS document.
    pub kind: Option<String>,
    /// Why it is evidence: `statement-of-applicability` (cited there), `kind` (its kind is
    /// what the control's rules check), or both.
    pub cited_by: Vec<String>,
    /// Its git blob id.
    pub blob: Option<String>,
    /// The last commit that changed it substantively.
    pub last_change: Option<Change>,
    /// The approval it records.
    pub approval: Option<Approval>,
    /// It holds a template placeholder: it does not count as evidence.
    pub placeholder: bool,
    /// It is not in the repository.
    pub missing: bool,
}

impl Evidence {
    /// Whether it counts as evidence.
    #[must_use]
    pub fn counts(&self) -> bool {
        !self.placeholder && !self.missing
    }
}

/// What one rule found for a control.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleResult {
    /// The rule.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether it ran on some of the evidence.
    pub ran: bool,
    /// Its findings: errors, warnings, infos.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

/// One finding, as the report lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FindingRow {
    /// The rule.
    pub rule: String,
    /// Its severity.
    pub severity: Severity,
    /// `path`.
    pub path: String,
    /// Line, 1-based.
    pub line: u32,
    /// What is wrong.
    pub message: String,
}

/// One control of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Control {
    /// `A.7.5`, or a clause such as `6.1.3`.
    pub id: String,
    /// Its short title.
    pub title: String,
    /// Its area: `A.2` to `A.10`, or `clauses`.
    pub area: String,
    /// What the Statement of Applicability says.
    pub applicability: Applicability,
    /// The evidence, sorted by path.
    pub evidence: Vec<Evidence>,
    /// Its rules.
    pub rules: Vec<RuleResult>,
    /// Their findings.
    pub findings: Vec<FindingRow>,
    /// Its status.
    pub status: Status,
    /// How the status was established.
    pub established: Vec<Method>,
}

/// A cited file, for the manifest.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ManifestEntry {
    /// Path relative to the repository root.
    pub path: String,
    /// Its git blob id (of the bytes reported on).
    pub blob: String,
}

/// Where the report comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Context {
    /// The commit reported on (`--at`), or `HEAD` under the work tree.
    pub commit: Option<String>,
    /// `commit` (`--at`: read from git objects) or `work-tree` (the files as they are).
    pub source: &'static str,
    /// The date the rules judged by, when it was fixed (`--now`, or the commit's date).
    pub judged_on: Option<String>,
    /// aims-lint's version.
    pub version: &'static str,
    /// Git blob id of aims-lint.toml, if there is one.
    pub configuration: Option<String>,
    /// Git blob id of every rule file, built-in and custom, concatenated in id order.
    pub rules: String,
}

/// Controls per status, for one area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Area {
    /// `A.2` … `A.10`, or `clauses`.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Controls per status, in [`Status::ALL`] order.
    pub counts: BTreeMap<Status, usize>,
}

impl Area {
    /// How people read its name: `A.2 Policies related to AI`, or the clauses' title.
    #[must_use]
    pub fn label(&self) -> String {
        if self.id == "clauses" {
            self.title.clone()
        } else {
            format!("{} {}", self.id, self.title)
        }
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Its format version.
    pub version: u32,
    /// Where it comes from.
    pub context: Context,
    /// The 38 Annex A controls per status.
    pub totals: BTreeMap<Status, usize>,
    /// The same per area.
    pub areas: Vec<Area>,
    /// The 38 controls, then the clauses with rules.
    pub controls: Vec<Control>,
    /// Every cited file with its blob id.
    pub manifest: Vec<ManifestEntry>,
    /// Files that could not be read (the run's errors).
    pub errors: Vec<String>,
    /// The controls `[rules] select` of the configuration names (empty: every one), for the
    /// OSCAL assessment plan.
    #[serde(skip)]
    pub selected_controls: Vec<String>,
}

/// The titles of the areas of Annex A.
pub const AREAS: [(&str, &str); 9] = [
    ("A.2", "Policies related to AI"),
    ("A.3", "Internal organization"),
    ("A.4", "Resources for AI systems"),
    ("A.5", "Assessing impacts of AI systems"),
    ("A.6", "AI system life cycle"),
    ("A.7", "Data for AI systems"),
    ("A.8", "Information for interested parties"),
    ("A.9", "Use of AI systems"),
    ("A.10", "Third-party and customer relationships"),
];

/// A rule for more document kinds than this is a rule of every governance document (an owner,
/// an approval), not one of the control's own kinds.
const BROAD_RULE: usize = 4;

/// Controls whose evidence the rules check for completeness, while whether it is adequate
/// (the impacts found, the risks assessed, the treatments chosen) is a person's judgement.
const JUDGED: [&str; 4] = ["A.5.4", "A.5.5", "6.1.2", "6.1.3"];

/// The area of a control id: `A.6.2.4` → `A.6`; a clause → `clauses`.
fn area_of(id: &str) -> String {
    let mut parts = id.split('.');
    match (parts.next(), parts.next()) {
        (Some("A"), Some(n)) => format!("A.{n}"),
        _ => "clauses".to_string(),
    }
}

/// What the report needs of a document besides the run's outcome.
#[derive(Debug, Clone, Default)]
pub struct DocumentFacts {
    /// Its git blob id.
    pub blob: Option<String>,
    /// The last commit that changed it.
    pub last_change: Option<Change>,
    /// The approval it records.
    pub approval: Option<Approval>,
    /// The top-level keys of its data (its front matter, for Markdown).
    pub keys: BTreeSet<String>,
}

/// The top-level keys a rule asks of a document before it judges it: its schema's `if:
/// {required: […]}` without an `else`, and `reference.only-if`. A public model card has no
/// `aims` block, so the rules of the organisation's own cards do not judge it, and it evidences
/// nothing they check.
fn gate(rule: &crate::rules::Rule) -> Vec<&str> {
    let mut keys: Vec<&str> = rule
        .schema_json
        .as_ref()
        .filter(|s| s.get("else").is_none())
        .and_then(|s| s.get("if")?.get("required")?.as_array())
        .into_iter()
        .flatten()
        .filter_map(serde_json::Value::as_str)
        .collect();
    if let Some(r) = &rule.reference
        && let Some(key) = r.only_if.as_deref().and_then(|p| p.split('/').nth(1))
    {
        keys.push(key);
    }
    keys
}

/// Whether `rule` judges the document at `path`, of `kind`: the kind is one it checks, the
/// document has what its schema's `if` asks, a reference rule finds a value to resolve (one of
/// its `at` keys), and the approval rules judge documents that record an approval.
fn judges(rule: &crate::rules::Rule, kind: &str, path: &str, inputs: &Inputs<'_>) -> bool {
    let facts = inputs.facts.get(path);
    let has = |key: &str| facts.is_some_and(|f| f.keys.contains(key));
    let cites = rule
        .reference
        .as_ref()
        .is_none_or(|r| r.at.iter().filter_map(|p| p.split('/').nth(1)).any(&has));
    let approved = !matches!(
        rule.check,
        Some(Check::UnchangedSinceApproval | Check::ApproverIsNotAuthor)
    ) || facts.is_some_and(|f| f.approval.is_some());
    rule.applies_to.iter().any(|k| k == kind)
        && gate(rule).iter().all(|key| has(key))
        && cites
        && approved
}

/// What the Statement of Applicability says of each control: `applicable`, justification,
/// status and evidence paths (relative to the repository root).
#[derive(Debug, Clone, Default)]
pub struct SoaEntry {
    /// See [`Applicability`].
    pub applicability: Applicability,
    /// Evidence paths it cites.
    pub evidence: Vec<String>,
}

/// The inputs of [`build`].
pub struct Inputs<'a> {
    /// The run's outcome (every document, every finding after waivers and selection).
    pub outcome: &'a Outcome,
    /// The rules.
    pub registry: &'a Registry,
    /// Per file (relative to the root): blob, last change, approval.
    pub facts: &'a BTreeMap<String, DocumentFacts>,
    /// Per control: what the Statement of Applicability says.
    pub soa: &'a BTreeMap<String, SoaEntry>,
    /// Whether the history rules could run (a git repository with its history).
    pub history: bool,
    /// Whether a file exists in what is reported on.
    pub exists: &'a dyn Fn(&str) -> bool,
    /// Where it comes from.
    pub context: Context,
}

/// Build the report.
#[must_use]
pub fn build(inputs: &Inputs<'_>) -> Report {
    let outcome = inputs.outcome;
    let placeholders: BTreeSet<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.rule.id == "template-placeholder")
        .map(crate::finding::Finding::path)
        .collect();
    let catalog = controls::CONTROLS
        .iter()
        .map(|(id, title)| (*id, *title))
        .chain(controls::CLAUSES.iter().map(|(id, title, _)| (*id, *title)));
    let out: Vec<Control> = catalog
        .map(|(id, title)| control(id, title, inputs, &placeholders))
        .collect();
    let count = |controls: &[&Control]| -> BTreeMap<Status, usize> {
        Status::ALL
            .iter()
            .map(|s| (*s, controls.iter().filter(|c| c.status == *s).count()))
            .collect()
    };
    let all: Vec<&Control> = out.iter().filter(|c| c.area != "clauses").collect();
    let areas = AREAS
        .iter()
        .map(|(id, title)| (*id, *title))
        .chain([("clauses", "Clauses of the management system")])
        .map(|(id, title)| Area {
            id: id.to_string(),
            title: title.to_string(),
            counts: count(&out.iter().filter(|c| c.area == id).collect::<Vec<_>>()),
        })
        .collect();
    let mut manifest: Vec<ManifestEntry> = out
        .iter()
        .flat_map(|c| &c.evidence)
        .filter_map(|e| {
            Some(ManifestEntry {
                path: e.path.clone(),
                blob: e.blob.clone()?,
            })
        })
        .collect();
    manifest.sort();
    manifest.dedup();
    Report {
        version: 1,
        context: inputs.context.clone(),
        totals: count(&all),
        areas,
        controls: out,
        manifest,
        errors: outcome.errors.clone(),
        selected_controls: Vec::new(),
    }
}

/// One control of the report: its evidence (documents of the kinds its rules check, and what
/// the Statement of Applicability cites), its rules and findings, status and method.
fn control(id: &str, title: &str, inputs: &Inputs<'_>, placeholders: &BTreeSet<&str>) -> Control {
    let Inputs {
        outcome, registry, ..
    } = inputs;
    let rules: Vec<_> = registry.for_control(id).collect();
    let soa = inputs.soa.get(id).cloned().unwrap_or_default();
    let evidence = evidence_of(&rules, &soa, inputs, placeholders);
    let counting: Vec<&Evidence> = evidence.iter().filter(|e| e.counts()).collect();
    let findings: Vec<FindingRow> = outcome
        .findings
        .iter()
        .filter(|f| f.rule.control.as_deref() == Some(id))
        .map(|f| FindingRow {
            rule: f.rule.id.clone(),
            severity: f.severity,
            path: f.path().to_string(),
            line: f.span.start.line,
            message: crate::visible::visible(&match &f.detail {
                Some(d) => format!("{} ({d})", f.message),
                None => f.message.clone(),
            })
            .into_owned(),
        })
        .collect();
    let rule_results: Vec<RuleResult> = rules
        .iter()
        .map(|r| {
            let of = |s: Severity| {
                findings
                    .iter()
                    .filter(|f| f.rule == r.info.id && f.severity == s)
                    .count()
            };
            let stage = r.check.map_or(Stage::Document, Check::stage);
            RuleResult {
                id: r.info.id.clone(),
                title: r.title.clone(),
                ran: counting.iter().any(|e| {
                    e.kind
                        .as_deref()
                        .is_some_and(|k| judges(r, k, &e.path, inputs))
                }) && (stage != Stage::History || inputs.history),
                errors: of(Severity::Error),
                warnings: of(Severity::Warning),
                infos: of(Severity::Info),
            }
        })
        .collect();
    // A control with rules for its own kinds (the roles file for A.3.2) is evidenced by a
    // document of those kinds, or by what the Statement of Applicability cites: that every
    // governance document names an owner does not evidence that roles are defined. A control
    // with broad rules only (7.5.2) takes any.
    let own_kinds: BTreeSet<&str> = rules
        .iter()
        .filter(|r| r.applies_to.len() <= BROAD_RULE)
        .flat_map(|r| r.applies_to.iter().map(String::as_str))
        .collect();
    let evidenced = counting.iter().any(|e| {
        own_kinds.is_empty()
            || e.cited_by.iter().any(|c| c == "statement-of-applicability")
            || e.kind.as_deref().is_some_and(|k| own_kinds.contains(k))
    });
    let status = if soa.applicability.applicable == Some(false) {
        Status::Excluded
    } else if !evidenced {
        Status::NoEvidence
    } else if findings.iter().any(|f| f.severity >= Severity::Warning) {
        Status::Findings
    } else {
        Status::Satisfied
    };
    let established = methods(id, status, &rules, &rule_results, &counting);
    Control {
        id: id.to_string(),
        title: title.to_string(),
        area: area_of(id),
        applicability: soa.applicability,
        evidence,
        rules: rule_results,
        findings,
        status,
        established,
    }
}

/// How the status of control `id` was established.
fn methods(
    id: &str,
    status: Status,
    rules: &[&crate::rules::Rule],
    results: &[RuleResult],
    counting: &[&Evidence],
) -> Vec<Method> {
    let mut established = BTreeSet::new();
    match status {
        // A person judges whether the exclusion is justified.
        Status::Excluded => {
            established.insert(Method::NeedsReview);
        }
        // The rules looked for documents of their kinds, and the Statement of
        // Applicability cites nothing that exists: that much is checked.
        Status::NoEvidence => {
            established.insert(Method::CheckedAutomatically);
        }
        _ => {
            for (r, result) in rules.iter().zip(results) {
                if result.ran {
                    established.insert(if r.check.is_some_and(Check::is_history) {
                        Method::EvidencedByGitHistory
                    } else {
                        Method::CheckedAutomatically
                    });
                }
            }
            // Evidence that no rule of the control reads, no rule that ran, or content
            // no rule can judge.
            let unread = counting.iter().any(|e| {
                e.kind
                    .as_deref()
                    .is_none_or(|k| !rules.iter().any(|r| r.applies_to.iter().any(|a| a == k)))
            });
            if unread || established.is_empty() || JUDGED.contains(&id) {
                established.insert(Method::NeedsReview);
            }
        }
    }
    established.into_iter().collect()
}

/// The evidence of a control: the documents its rules judge, and what the Statement of
/// Applicability cites for it, by path.
fn evidence_of(
    rules: &[&crate::rules::Rule],
    soa: &SoaEntry,
    inputs: &Inputs<'_>,
    placeholders: &BTreeSet<&str>,
) -> Vec<Evidence> {
    let outcome = inputs.outcome;
    let kinds: BTreeSet<&str> = rules
        .iter()
        .flat_map(|r| r.applies_to.iter().map(String::as_str))
        .collect();
    let mut by_path: BTreeMap<String, Evidence> = BTreeMap::new();
    let mut add = |path: &str, kind: Option<&str>, why: &str| {
        let facts = inputs.facts.get(path).cloned().unwrap_or_default();
        let e = by_path.entry(path.to_string()).or_insert_with(|| Evidence {
            path: path.to_string(),
            kind: kind.map(str::to_string),
            cited_by: Vec::new(),
            blob: facts.blob,
            last_change: facts.last_change,
            approval: facts.approval,
            placeholder: placeholders.contains(path),
            missing: !(inputs.exists)(path),
        });
        if e.kind.is_none() {
            e.kind = kind.map(str::to_string);
        }
        if !e.cited_by.iter().any(|w| w == why) {
            e.cited_by.push(why.to_string());
        }
    };
    for d in &outcome.documents {
        if kinds.contains(d.kind.as_str())
            && rules.iter().any(|r| judges(r, &d.kind, &d.rel, inputs))
        {
            add(&d.rel, Some(&d.kind), "kind");
        }
    }
    for path in &soa.evidence {
        let kind = outcome
            .documents
            .iter()
            .find(|d| d.rel == *path)
            .map(|d| d.kind.as_str());
        add(path, kind, "statement-of-applicability");
    }
    by_path.into_values().collect()
}
