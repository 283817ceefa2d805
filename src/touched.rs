//! What a change touched, with `--changed-since`: for each Annex A control (or clause) whose
//! evidence a changed document is, the documents, who changed them, and which now need a new
//! approval; and, with `--fail-on-regression`, whether the control has more error findings than
//! at the merge base.
//!
//! A document is evidence for the controls of the rules that check its kind. Error findings
//! are counted over the whole repository, after waivers and selection, on both sides with the
//! rules and configuration of this run (a change to the configuration or the rules is reported
//! on its own, as `config-changed` or `custom-rule-changed`). Rules that read the git history
//! are not counted: the merge base is checked from its tree, without a history.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Serialize;

use crate::changes::Changes;
use crate::config::Settings;
use crate::controls;
use crate::finding::{Finding, Severity};
use crate::rules::{Check, Registry};
use crate::run::{self, Outcome};

/// A changed document, as evidence.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Document {
    /// Path relative to the repository root.
    pub path: String,
    /// Its kind.
    pub kind: String,
    /// `Name <email>` of the authors of the commits since the merge base that changed it.
    pub changed_by: Vec<String>,
    /// The work tree holds changes not committed yet.
    pub uncommitted: bool,
    /// It records an approval that the change outdated (`governance-document-edited-after-approval`).
    pub needs_reapproval: bool,
}

/// A control whose evidence changed, or whose findings grew.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Control {
    /// `A.7.5`, or a clause such as `6.1.3`.
    pub id: String,
    /// Its short title.
    pub title: String,
    /// The changed documents that are evidence for it.
    pub documents: Vec<Document>,
    /// Error findings of its rules in the whole repository now.
    pub errors: usize,
    /// The same at the merge base, with `--fail-on-regression`.
    pub errors_at_base: Option<usize>,
}

impl Control {
    /// More error findings than at the merge base.
    #[must_use]
    pub fn regressed(&self) -> bool {
        self.errors_at_base.is_some_and(|base| self.errors > base)
    }
}

/// Error findings per control, over `findings` (waived and unselected ones are not in them);
/// history rules are left out.
#[must_use]
pub fn errors_per_control(findings: &[Finding], registry: &Registry) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for f in findings {
        let Some(control) = f.rule.control.as_deref() else {
            continue;
        };
        let history = registry
            .rule(&f.rule.id)
            .and_then(|r| r.check)
            .is_some_and(Check::is_history);
        if f.severity == Severity::Error && !history {
            *out.entry(control.to_string()).or_default() += 1;
        }
    }
    out
}

/// Check the repository as the merge base had it: its tree is written to a private temporary
/// folder (outside the repository) and checked with this run's settings and rules, without
/// git. Returns the error findings per control.
///
/// # Errors
/// The merge base cannot be read or written out.
pub fn errors_at_base(
    changes: &Changes,
    settings: &Settings,
    registry: &Registry,
    root: &Path,
) -> Result<BTreeMap<String, usize>, String> {
    let dir = tempfile::Builder::new()
        .prefix("aims-lint-merge-base-")
        .tempdir()
        .map_err(|e| format!("--fail-on-regression: cannot create a temporary folder: {e}"))?;
    let files = changes
        .write_base(dir.path(), settings.max_file_size)
        .map_err(|e| format!("--fail-on-regression: {e}"))?;
    let candidates = crate::discover::tree_candidates(dir.path(), files);
    let at_base = settings.moved(root, dir.path());
    let outcome = run::lint(candidates, Vec::new(), &at_base, registry, dir.path(), None);
    Ok(errors_per_control(&outcome.findings, registry))
}

/// The controls the change touched (its changed or deleted documents are their evidence) and, with
/// `at_base`, those whose error findings grew; in catalog order. `outcome` is narrowed to the
/// changed files; `now` counts the whole repository.
#[must_use]
pub fn controls(
    outcome: &Outcome,
    changes: &Changes,
    removed: &[(String, String)],
    registry: &Registry,
    now: &BTreeMap<String, usize>,
    at_base: Option<&BTreeMap<String, usize>>,
) -> Vec<Control> {
    // Deleted documents (`removed`, with the kind they had at the merge base) were evidence too.
    let evidence: Vec<(&str, &str)> = outcome
        .documents
        .iter()
        .filter(|d| changes.is_changed(&d.rel))
        .map(|d| (d.rel.as_str(), d.kind.as_str()))
        .chain(
            removed
                .iter()
                .map(|(rel, kind)| (rel.as_str(), kind.as_str())),
        )
        .collect();
    let rels: Vec<&str> = evidence.iter().map(|(rel, _)| *rel).collect();
    let authors = changes.authors(&rels);
    let outdated: HashSet<&str> = outcome
        .findings
        .iter()
        .filter(|f| {
            registry
                .rule(&f.rule.id)
                .is_some_and(|r| r.check == Some(Check::UnchangedSinceApproval))
        })
        .map(Finding::path)
        .collect();
    let mut out = Vec::new();
    let catalog = controls::CONTROLS
        .iter()
        .map(|(id, title)| (*id, *title))
        .chain(controls::CLAUSES.iter().map(|(id, title, _)| (*id, *title)));
    for (id, title) in catalog {
        let documents: Vec<Document> = evidence
            .iter()
            .filter(|(_, kind)| {
                registry
                    .for_kind(kind)
                    .any(|r| r.info.control.as_deref() == Some(id))
            })
            .map(|(rel, kind)| {
                let a = authors.get(*rel).cloned().unwrap_or_default();
                Document {
                    path: (*rel).to_string(),
                    kind: (*kind).to_string(),
                    changed_by: a.committed.into_iter().collect(),
                    uncommitted: a.uncommitted,
                    needs_reapproval: outdated.contains(rel),
                }
            })
            .collect();
        let control = Control {
            id: id.to_string(),
            title: title.to_string(),
            documents,
            errors: now.get(id).copied().unwrap_or(0),
            errors_at_base: at_base.map(|b| b.get(id).copied().unwrap_or(0)),
        };
        if !control.documents.is_empty() || control.regressed() {
            out.push(control);
        }
    }
    out
}
