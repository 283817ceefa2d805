//! `--changed-since`: keep the findings of what the change touched, apply the baseline as the
//! merge base had it, and report what the change does to the gate itself.

use std::path::Path;

use crate::baseline::Baseline;
use crate::changes::Changes;
use crate::finding::{Finding, Severity};

use super::{Outcome, Project};

/// Keep the findings of changed files, apply the baseline as the merge base had it, and report
/// changes to the gate: the configuration, custom rules, suppression comments and the
/// baseline. These are added after the configuration and the baseline were applied, so that a
/// change cannot hide itself. Returns the documents the change removed, with their kinds.
pub(super) fn narrow_to_changes(
    project: &Project,
    changes: &Changes,
    outcome: &mut Outcome,
    baseline: Option<(&Path, &Baseline)>,
    allow_gate_changes: bool,
) -> miette::Result<Vec<(String, String)>> {
    let mut since = changes.since();
    // Whether each document and each file with a finding changed, found out at once: from the
    // blob ids of the bytes that were checked, and by reading the rest.
    changes.prime_with_blobs(
        outcome
            .documents
            .iter()
            .filter_map(|d| Some((d.rel.as_str(), d.blob?))),
    );
    changes.prime(
        outcome
            .documents
            .iter()
            .map(|d| d.rel.as_str())
            .chain(outcome.findings.iter().map(Finding::path))
            .chain(outcome.suppressed.iter().map(|s| s.finding.path())),
    );
    // A cross-document finding on an unchanged document is kept when the change broke it.
    since.unchanged = changes.retain_changed_or_broken(&mut outcome.findings, |f| {
        project
            .registry
            .rule(&f.rule.id)
            .is_some_and(|r| r.check == Some(crate::rules::Check::Reference))
    });
    outcome
        .suppressed
        .retain(|s| changes.is_changed(s.finding.path()));
    let settings = &project.settings;
    let mut gate: Vec<Finding> = Vec::new();
    if let Some((file, current)) = baseline {
        // Entries the merge base's baseline does not have waive nothing: a pull request
        // cannot regenerate the baseline to waive its own findings.
        let at_base = match changes.at_base(file) {
            Some(bytes) => Baseline::parse(&String::from_utf8_lossy(&bytes), file)
                .map_err(|e| miette::miette!("{e} (the baseline at the merge base)"))?,
            None => Baseline::default(),
        };
        outcome.baselined = current.common_with(&at_base).filter(&mut outcome.findings);
        gate.extend(changes.baseline_finding(file));
    }
    gate.extend(
        settings
            .file
            .as_deref()
            .and_then(|f| changes.config_finding(f)),
    );
    gate.extend(changes.config_gone_finding(settings.file.as_deref()));
    gate.extend(changes.rule_findings(&settings.rule_paths));
    gate.extend(changes.suppression_findings(&outcome.suppressions));
    let checked: Vec<&str> = outcome.documents.iter().map(|d| d.rel.as_str()).collect();
    let removed = changes.removed(settings, &checked);
    gate.extend(changes.removed_documents(&removed));
    let kinds: Vec<(&str, &str)> = outcome
        .documents
        .iter()
        .map(|d| (d.rel.as_str(), d.kind.as_str()))
        .collect();
    gate.extend(changes.kind_changes(settings, &kinds));
    if allow_gate_changes {
        for f in &mut gate {
            f.severity = Severity::Warning;
        }
    }
    outcome.findings.extend(gate);
    outcome
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    outcome.changed = Some(since);
    Ok(removed)
}
