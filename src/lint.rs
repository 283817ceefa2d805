//! The pipeline for a set of candidate files: read (bounded), parse, classify and check each
//! file in parallel, then sort, so that the result is the same whatever the thread count.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::check;
use crate::config::Settings;
use crate::discover::{Candidate, Skipped, absolute, display};
use crate::finding::Finding;
use crate::kinds::{self, Classified, Reason};
use crate::parse::{self, FILE_NOT_UTF8, FILE_TOO_LARGE, Format};
use crate::rules::Registry;
use crate::source::{SourceFile, Span};
use crate::suppress::{self, Applied, Suppressed, Suppression};

/// A document that was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// Its path.
    pub rel: String,
    /// Its kind.
    pub kind: String,
    /// Why it has that kind.
    pub reason: Reason,
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

enum FileResult {
    Checked(Checked, Box<Applied>),
    Skipped(Skipped),
    Error(String),
}

/// Run the pipeline on `candidates`.
#[must_use]
pub fn lint(candidates: &[Candidate], settings: &Settings, registry: &Registry) -> Outcome {
    let base = absolute(&settings.base);
    let cx = suppress::Context {
        allow: settings.inline_suppressions,
        today: &settings.today,
        registry,
    };
    let results: Vec<FileResult> = candidates
        .par_iter()
        .map(|c| process(c, settings, registry, &base, &cx))
        .collect();
    let mut out = Outcome::default();
    for r in results {
        match r {
            FileResult::Checked(doc, applied) => {
                let applied = *applied;
                out.documents.push(doc);
                out.findings.extend(applied.findings);
                out.suppressed.extend(applied.suppressed);
                if let Some(source) = applied.source {
                    out.suppressions.push((source, applied.suppressions));
                }
            }
            FileResult::Skipped(s) => out.skipped.push(s),
            FileResult::Error(e) => out.errors.push(e),
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

/// Bytes looked at to tell a binary file from a text file (as git does).
const SNIFF: usize = 8000;

/// Check one file, apply its suppression comments, then apply the selection and severities of
/// the configuration to every finding it gave (rule, syntax, read and suppression findings
/// alike) and to the waived ones. Suppressions see every finding, so whether one is used does
/// not depend on `--select`.
fn process(
    c: &Candidate,
    settings: &Settings,
    registry: &Registry,
    base: &Path,
    cx: &suppress::Context<'_>,
) -> FileResult {
    let rel_to_base = absolute(&c.path)
        .strip_prefix(base)
        .ok()
        .map(|_| display(&c.path, base));
    let mut result = process_file(c, settings, registry, rel_to_base.as_deref(), cx);
    if let FileResult::Checked(_, applied) = &mut result {
        let mut keep =
            |f: &mut Finding| match settings.policy.apply(rel_to_base.as_deref(), &f.rule) {
                Some(severity) => {
                    f.severity = severity;
                    true
                }
                None => false,
            };
        applied.findings.retain_mut(&mut keep);
        applied.suppressed.retain_mut(|s| keep(&mut s.finding));
    }
    result
}

fn process_file(
    c: &Candidate,
    settings: &Settings,
    registry: &Registry,
    rel_to_base: Option<&str>,
    cx: &suppress::Context<'_>,
) -> FileResult {
    let text = match read_text(c, settings, rel_to_base) {
        Ok(text) => text,
        Err(result) => return result,
    };
    let source = SourceFile::new(c.rel.clone(), text);
    let format = Format::from_path(&c.rel).unwrap_or(Format::Yaml);
    let (doc, mut findings) = parse::parse(&source, format, settings.limits);
    match kinds::classify(&doc, settings, rel_to_base) {
        Classified::None(reason) => skipped(c, &reason),
        Classified::Unknown(f) => {
            let reason = Reason::Declared(f.span);
            findings.push(f);
            FileResult::Checked(
                Checked {
                    rel: c.rel.clone(),
                    kind: "unknown".to_string(),
                    reason,
                },
                Box::new(suppress::apply(&source, format, findings, cx)),
            )
        }
        Classified::Kind(kind, reason) => {
            // A declaration that overrides the kind the path gives is visible: a pull request
            // could otherwise check a failing model card as a kind with fewer rules.
            if let Reason::Declared(at) = &reason
                && let Some((by_path, _)) = kinds::by_path(settings, rel_to_base, doc.source.name())
                && by_path != kind
            {
                findings.push(
                    crate::finding::Finding::new(&kinds::KIND_CONTRADICTS_PATH, &source, *at)
                        .with_detail(format!(
                            "`aims-kind: {kind}` in a file that its path makes a `{by_path}`: it is checked as a `{kind}`"
                        ))
                        .with_pointer(format!("/{}", kinds::DECLARATION_KEY)),
                );
            }
            findings.extend(check(&doc, &kind, registry));
            FileResult::Checked(
                Checked {
                    rel: c.rel.clone(),
                    kind,
                    reason,
                },
                Box::new(suppress::apply(&source, format, findings, cx)),
            )
        }
    }
}

fn skipped(c: &Candidate, reason: &str) -> FileResult {
    FileResult::Skipped(Skipped {
        rel: c.rel.clone(),
        reason: reason.to_string(),
    })
}

/// The text of `c` without a byte-order mark, or what to report instead: a file too large or
/// not UTF-8 is a finding when its path makes it an AIMS document (nothing is silently lost),
/// and skipped otherwise; a binary file is skipped.
fn read_text(
    c: &Candidate,
    settings: &Settings,
    rel_to_base: Option<&str>,
) -> Result<String, FileResult> {
    let by_path = || kinds::by_path(settings, rel_to_base, &c.rel);
    let finding = |kind: String, reason: Reason, f: Finding| {
        FileResult::Checked(
            Checked {
                rel: c.rel.clone(),
                kind,
                reason,
            },
            Box::new(Applied {
                findings: vec![f],
                ..Applied::default()
            }),
        )
    };
    let file =
        std::fs::File::open(&c.path).map_err(|e| FileResult::Error(format!("{}: {e}", c.rel)))?;
    let len = file.metadata().map_or(0, |m| m.len());
    if len > settings.max_file_size {
        return Err(match by_path() {
            Some((kind, reason)) => {
                let source = SourceFile::new(c.rel.clone(), String::new());
                let f = Finding::new(&FILE_TOO_LARGE, &source, Span::point(source.pos_at_byte(0)))
                    .with_detail(format!(
                        "{len} bytes; the limit is {} bytes",
                        settings.max_file_size
                    ));
                finding(kind, reason, f)
            }
            None => skipped(c, "larger than max-file-size"),
        });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(settings.max_file_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileResult::Error(format!("{}: {e}", c.rel)))?;
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !utf16 && bytes[..bytes.len().min(SNIFF)].contains(&0) {
        return Err(skipped(c, "binary file"));
    }
    let text = String::from_utf8(bytes).map_err(|e| match by_path() {
        Some((kind, reason)) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).len();
            let source = SourceFile::new(
                c.rel.clone(),
                String::from_utf8_lossy(e.as_bytes()).into_owned(),
            );
            let detail = if utf16 {
                "this file is UTF-16".to_string()
            } else {
                format!("invalid byte after {valid} bytes")
            };
            let f = Finding::new(
                &FILE_NOT_UTF8,
                &source,
                Span::point(source.pos_at_byte(prefix)),
            )
            .with_detail(detail);
            finding(kind, reason, f)
        }
        None => skipped(c, "not UTF-8"),
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
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
    findings.extend(check(&doc, kind, registry));
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    findings
}
