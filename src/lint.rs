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
}

enum FileResult {
    Checked(Checked, Vec<Finding>),
    Skipped(Skipped),
    Error(String),
}

/// Run the pipeline on `candidates`.
#[must_use]
pub fn lint(candidates: &[Candidate], settings: &Settings, registry: &Registry) -> Outcome {
    let base = absolute(&settings.base);
    let results: Vec<FileResult> = candidates
        .par_iter()
        .map(|c| process(c, settings, registry, &base))
        .collect();
    let mut out = Outcome::default();
    for r in results {
        match r {
            FileResult::Checked(doc, findings) => {
                out.documents.push(doc);
                out.findings.extend(findings);
            }
            FileResult::Skipped(s) => out.skipped.push(s),
            FileResult::Error(e) => out.errors.push(e),
        }
    }
    out.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out.documents.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.skipped.sort();
    out
}

/// Bytes looked at to tell a binary file from a text file (as git does).
const SNIFF: usize = 8000;

fn process(c: &Candidate, settings: &Settings, registry: &Registry, base: &Path) -> FileResult {
    let format = Format::from_path(&c.rel).unwrap_or(Format::Yaml);
    let rel_to_base = absolute(&c.path)
        .strip_prefix(base)
        .ok()
        .map(|_| display(&c.path, base));
    let by_path = kinds::by_path(settings, rel_to_base.as_deref(), &c.rel);
    let skip = |reason: &str| {
        FileResult::Skipped(Skipped {
            rel: c.rel.clone(),
            reason: reason.to_string(),
        })
    };

    let file = match std::fs::File::open(&c.path) {
        Ok(f) => f,
        Err(e) => return FileResult::Error(format!("{}: {e}", c.rel)),
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > settings.max_file_size {
        // A document that the paths say is ours is reported, not silently dropped.
        return match by_path {
            Some((kind, reason)) => {
                let source = SourceFile::new(c.rel.clone(), String::new());
                let f = Finding::new(&FILE_TOO_LARGE, &source, Span::point(source.pos_at_byte(0)))
                    .with_detail(format!(
                        "{len} bytes; the limit is {} bytes",
                        settings.max_file_size
                    ));
                FileResult::Checked(Checked { rel: c.rel.clone(), kind, reason }, vec![f])
            }
            None => skip("larger than max-file-size"),
        };
    }
    let mut bytes = Vec::with_capacity(len as usize);
    if let Err(e) = file.take(settings.max_file_size + 1).read_to_end(&mut bytes) {
        return FileResult::Error(format!("{}: {e}", c.rel));
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    if !utf16 && bytes[..bytes.len().min(SNIFF)].contains(&0) {
        return skip("binary file");
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            return match by_path {
                Some((kind, reason)) => {
                    let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                    let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).len();
                    let source = SourceFile::new(c.rel.clone(), lossy);
                    let at = source.pos_at_byte(prefix);
                    let f = Finding::new(&FILE_NOT_UTF8, &source, Span::point(at)).with_detail(
                        if utf16 {
                            "this file is UTF-16".to_string()
                        } else {
                            format!("invalid byte after {valid} bytes")
                        },
                    );
                    FileResult::Checked(Checked { rel: c.rel.clone(), kind, reason }, vec![f])
                }
                None => skip("not UTF-8"),
            };
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    let source = SourceFile::new(c.rel.clone(), text);
    let (doc, mut findings) = parse::parse(Arc::clone(&source), format, settings.limits);
    match kinds::classify(&doc, settings, rel_to_base.as_deref()) {
        Classified::None => skip("not an AIMS document"),
        Classified::Unknown(f) => {
            findings.push(f);
            FileResult::Checked(
                Checked {
                    rel: c.rel.clone(),
                    kind: "unknown".to_string(),
                    reason: Reason::Declared(findings.last().map_or_else(
                        || Span::point(source.pos_at_byte(0)),
                        |f| f.span,
                    )),
                },
                findings,
            )
        }
        Classified::Kind(kind, reason) => {
            findings.extend(check(&doc, &kind, registry));
            FileResult::Checked(Checked { rel: c.rel.clone(), kind, reason }, findings)
        }
    }
}

/// Parse `source` (its format from its name) and check it as a document of `kind`, as a
/// fixture test or an editor integration would: no discovery, no classification.
#[must_use]
pub fn check_as(
    source: Arc<SourceFile>,
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
