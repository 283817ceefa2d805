//! The whole order of a run. [`lint`] checks documents: every file in parallel (read, parse,
//! classify, check, scan suppressions; [`files`]), then the rules across documents and from
//! the history ([`corpus`]), then waivers and selection on every finding alike. [`check`] is
//! a whole `aims-lint check`: [`lint`], then with `--changed-since` the narrowing to the change
//! and the gate's own checks ([`gate`]), the baseline, `--fail-on-regression`, and blame.
//! Results are sorted, so that they are the same whatever the thread count.

mod cache;
mod corpus;
mod files;
mod gate;
mod project;

pub use project::{Project, on_threads};

use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::baseline::Baseline;
use crate::blame::Blamer;
use crate::changes::Changes;
use crate::config::Settings;
use crate::discover::{Candidate, Skipped, absolute};
use crate::finding::Finding;
use crate::finding::Severity;
use crate::kinds::Reason;
use crate::parse::{self, Format};
use crate::rules::Registry;
use crate::source::SourceFile;
use crate::suppress::{self, Applied, Suppressed, Suppression};
use crate::touched;

use self::corpus::corpus_stage;
use cache::{Cache, Stat};
use files::{FileOutput, FileResult, process};

/// A document that was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Its path.
    pub rel: String,
    /// Its kind.
    pub kind: String,
    /// Why it has that kind.
    pub reason: Reason,
    /// Its blob id, from the bytes that were checked, when the settings ask for it
    /// ([`Settings::blob_ids`]) and it is a regular file that could be read whole.
    pub blob: Option<gix::ObjectId>,
}

/// Everything a run found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Findings, sorted.
    pub findings: Vec<Finding>,
    /// Documents checked, sorted by path.
    pub documents: Vec<Checked>,
    /// Files looked at and left alone, with the reason.
    pub skipped: Vec<Skipped>,
    /// Files that could not be read (the run exits with 2).
    pub errors: Vec<String>,
    /// Whether findings carry blame, and from how much history.
    pub history: History,
    /// Findings left out because the baseline records them.
    pub baselined: usize,
    /// Findings waived by inline suppressions, sorted.
    pub suppressed: Vec<Suppressed>,
    /// With `--changed-since`: what was compared, and how many findings were left out.
    pub changed: Option<crate::changes::Since>,
    /// The files that have suppression comments, with them.
    pub suppressions: Vec<(Arc<SourceFile>, Vec<Arc<Suppression>>)>,
}

/// How much git history the blame of the findings saw.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum History {
    /// No blame: outside a git repository, or `--no-blame`.
    #[default]
    None,
    /// The whole history.
    Complete,
    /// A shallow clone: lines older than the clone are attributed to its boundary commits.
    Truncated,
}

/// [`lint_at`] with the documents as of `HEAD` (or outside git).
#[must_use]
pub fn lint(
    candidates: Vec<Candidate>,
    context: Vec<Candidate>,
    settings: &Settings,
    registry: &Registry,
    root: &Path,
    git: Option<&gix::ThreadSafeRepository>,
) -> Outcome {
    lint_at(candidates, context, settings, registry, root, git, None)
}

/// Run the pipeline on `candidates`; `context` are documents read only for the corpus (the
/// rest of the repository, when a run names some files): their findings are not reported.
/// The history rules walk from `tip` (a commit whose tree `root` holds, for `report --at`),
/// or from `HEAD`.
///
/// The order: every file in parallel (read, parse, classify, check, scan suppressions), then
/// the corpus rules over what the files left, then the rules that judge the findings
/// themselves, then waivers and selection on every finding alike.
#[must_use]
pub fn lint_at(
    candidates: Vec<Candidate>,
    context: Vec<Candidate>,
    settings: &Settings,
    registry: &Registry,
    root: &Path,
    git: Option<&gix::ThreadSafeRepository>,
    tip: Option<gix::ObjectId>,
) -> Outcome {
    let base = absolute(&settings.base);
    let cx = suppress::Context {
        allow: settings.inline_suppressions,
        today: &settings.today,
        registry,
    };
    // Owned, and dropped once read: the paths of every file are not kept for the rest of the
    // run (21 MB at 100,000 documents).
    crate::progress::stage("checking documents", candidates.len() + context.len());
    let cache = settings
        .cache
        .as_deref()
        .map(|path| Cache::open(path, cache::fingerprint(settings, registry)));
    let indexed = cache.as_ref().map(|c| c.index(registry.rules().len()));
    let index = indexed.as_ref();
    let (results, context) = rayon::join(
        || {
            candidates
                .into_par_iter()
                .map(|c| {
                    // Taken before the file is read: a change after it makes the next differ.
                    let stat = index.and_then(|_| Stat::of(&c.path));
                    let result = process(&c, true, settings, registry, &base, &cx);
                    let kept = files::kept(index, &c, stat, &result);
                    crate::progress::advance(1);
                    (result, kept)
                })
                .collect::<Vec<_>>()
        },
        || corpus::context_entries(context, settings, registry, &base, &cx, index),
    );
    let mut out = Outcome::default();
    let mut files: Vec<FileOutput> = Vec::with_capacity(results.len());
    let mut kept = Vec::new();
    for (r, k) in results {
        kept.extend(k);
        match r {
            FileResult::Checked(file) => files.push(*file),
            FileResult::Skipped(s) => out.skipped.push(s),
            FileResult::Error(e) => out.errors.push(e),
        }
    }
    // A file read only for the corpus is not reported on, skipped or not.
    let (context, errors, from_context) = context;
    out.errors.extend(errors);
    kept.extend(from_context);
    if let (Some(cache), Some(index)) = (&cache, index)
        && let Err(e) = cache.store(index, kept)
    {
        out.errors.push(e);
    }
    // The cache as read is not kept for the rest of the run.
    drop(indexed);
    drop(cache);
    files.sort_by(|a, b| a.checked.rel.cmp(&b.checked.rel));
    let errors = corpus_stage(&mut files, context, settings, registry, root, git, tip);
    out.errors.extend(errors);
    for file in files {
        let applied = match file.waivers {
            Some(w) => (*w).apply(file.findings),
            None => Applied {
                findings: file.findings,
                ..Applied::default()
            },
        };
        let rel_to_base = file.rel_to_base.as_deref();
        let keep = |f: &mut Finding| match settings.selection.apply(rel_to_base, &f.rule) {
            Some(severity) => {
                f.severity = severity;
                true
            }
            None => false,
        };
        out.documents.push(file.checked);
        out.findings.extend(
            applied
                .findings
                .into_iter()
                .filter_map(|mut f| keep(&mut f).then_some(f)),
        );
        out.suppressed.extend(
            applied
                .suppressed
                .into_iter()
                .filter_map(|mut s| keep(&mut s.finding).then_some(s)),
        );
        if let Some(source) = applied.source {
            out.suppressions.push((source, applied.suppressions));
        }
    }
    out.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.suppressed
        .sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    out.suppressions.sort_by(|a, b| a.0.name().cmp(b.0.name()));
    out.documents.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.skipped.sort();
    out
}

/// Parse `source` (its format from its name) and check it as a document of `kind`, as a
/// fixture test or an editor integration would: no discovery, no classification.
#[must_use]
pub fn check_as(
    source: &Arc<SourceFile>,
    kind: &str,
    settings: &Settings,
    registry: &Registry,
) -> Vec<Finding> {
    let format = Format::from_path(source.name()).unwrap_or(Format::Yaml);
    let (doc, mut findings) = parse::parse(source, format, settings.limits);
    findings.extend(crate::check::check(&doc, kind, registry));
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}

/// What a `check` does besides linting, from its command line.
#[derive(Debug, Default)]
pub struct Request<'a> {
    /// Files or folders; empty for the whole repository.
    pub paths: &'a [std::path::PathBuf],
    /// Worker threads; one per core when `None`.
    pub threads: Option<usize>,
    /// `--changed-since REF`.
    pub changed_since: Option<&'a str>,
    /// `--baseline FILE`.
    pub baseline: Option<&'a Path>,
    /// `--allow-gate-changes`.
    pub allow_gate_changes: bool,
    /// `--fail-on-regression`.
    pub fail_on_regression: bool,
    /// Name who last changed each finding's line.
    pub blame: bool,
}

/// A whole `aims-lint check`, in its order: [`lint`] (files, corpus, history, waivers and
/// selection); with `--changed-since`, the error count of each control over the whole
/// repository (and at the merge base, with `--fail-on-regression`), the narrowing to the change
/// with the gate's own checks and the merge base's baseline, and the controls the change
/// touched; else the baseline; then blame, for the findings that are left.
///
/// # Errors
/// An unknown `--changed-since` ref, a baseline that cannot be read, a merge base that cannot
/// be written out, a thread pool that cannot be built.
pub fn check(project: &Project, request: &Request<'_>) -> miette::Result<Outcome> {
    // The whole check on `--threads` threads: the checks, and the gate's hashing of files.
    project::on_threads(request.threads, || check_on_this_pool(project, request))?
}

fn check_on_this_pool(project: &Project, request: &Request<'_>) -> miette::Result<Outcome> {
    let changes = request
        .changed_since
        .map(|r| match &project.git {
            Some(repo) => Changes::new(crate::git::handle(repo), &project.root, r),
            None => Changes::open(&project.root, r),
        })
        .transpose()
        .map_err(|e| miette::miette!("{e}"))?;
    let baseline = request
        .baseline
        .map(|file| Baseline::read(file).map(|b| (file, b)))
        .transpose()
        .map_err(|e| miette::miette!("{e}"))?;
    // With a merge base to compare with, each document's blob id is taken from the bytes the
    // check reads: the gate then reads no document a second time.
    let mut outcome = match &changes {
        Some(changes) => {
            let mut settings = project.settings.clone();
            settings.blob_ids = Some(changes.object_hash());
            project.lint_with(request.paths, None, &settings)?
        }
        None => project.lint(request.paths, None)?,
    };
    if let Some(changes) = &changes {
        let (settings, registry) = (&project.settings, &project.registry);
        let now = touched::errors_per_control(&outcome.findings, registry);
        let at_base = request
            .fail_on_regression
            .then(|| touched::errors_at_base(changes, settings, registry, &project.root))
            .transpose()
            .map_err(|e| miette::miette!("{e}"))?;
        let baseline = baseline.as_ref().map(|(f, b)| (*f, b));
        let removed = gate::narrow_to_changes(
            project,
            changes,
            &mut outcome,
            baseline,
            request.allow_gate_changes,
        )?;
        let controls = touched::controls(
            &outcome,
            changes,
            &removed,
            registry,
            &now,
            at_base.as_ref(),
        );
        if let Some(since) = &mut outcome.changed {
            since.controls = controls;
            since.fail_on_regression = request.fail_on_regression;
        }
    } else if let Some((_, baseline)) = &baseline {
        outcome.baselined = baseline.filter(&mut outcome.findings);
    }
    if request.blame
        && !outcome.findings.is_empty()
        && let Some(blamer) = project
            .git
            .as_ref()
            .map(|r| Blamer::new(crate::git::handle(r)))
    {
        blamer.annotate(&project.root, &mut outcome.findings);
        outcome.history = if blamer.is_shallow() {
            History::Truncated
        } else {
            History::Complete
        };
    }
    Ok(outcome)
}

/// Whether the run fails at `threshold`: on any finding that severe or worse; with
/// `--fail-on-regression`, on a control that got worse, and on what no control's count can
/// hold: a file that cannot be read, a change to the gate, a finding from the history of a
/// changed file (the merge base is checked without a history).
#[must_use]
pub fn fails(outcome: &Outcome, registry: &Registry, threshold: Severity) -> bool {
    let severe = |f: &&Finding| f.severity >= threshold;
    match outcome.changed.as_ref().filter(|c| c.fail_on_regression) {
        Some(since) => {
            since.controls.iter().any(touched::Control::regressed)
                || outcome.findings.iter().filter(severe).any(|f| {
                    f.rule.control.is_none()
                        || registry
                            .rule(&f.rule.id)
                            .and_then(|r| r.check)
                            .is_some_and(crate::rules::Check::is_history)
                })
        }
        None => outcome.findings.iter().any(|f| severe(&f)),
    }
}
