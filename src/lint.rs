//! The pipeline for a set of candidate files: read (bounded), parse, classify and check each
//! file in parallel, then sort, so that the result is the same whatever the thread count.

use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::check::check;
use crate::config::Settings;
use crate::corpus::{self, Corpus, Entry};
use crate::discover::{Candidate, Skipped, absolute, display};
use crate::finding::Finding;
use crate::kinds::{self, Classified, Reason};
use crate::parse::{self, FILE_NOT_UTF8, FILE_TOO_LARGE, Format};
use crate::rules::Registry;
use crate::source::{SourceFile, Span};
use crate::suppress::{self, Applied, Suppressed, Suppression, Waivers};

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

/// What the per-file stage gives for one checked document.
struct FileOutput {
    checked: Checked,
    /// Every finding, before waivers and selection.
    findings: Vec<Finding>,
    /// Its suppression comments, when it has some.
    waivers: Option<Box<Waivers>>,
    /// Its path relative to the folder of aims-lint.toml, when under it.
    rel_to_base: Option<String>,
    /// What the corpus keeps of it, when it could be parsed.
    entry: Option<Box<Entry>>,
    /// Whether its findings are reported (a document read only for the corpus is not).
    report: bool,
}

enum FileResult {
    Checked(Box<FileOutput>),
    Skipped(Skipped),
    Error(String),
}

/// Run the pipeline on `candidates`; `context` are documents read only for the corpus (the
/// rest of the repository, when a run names some files): their findings are not reported.
///
/// The order: every file in parallel (read, parse, classify, check, scan suppressions), then
/// the corpus rules over what the files left, then the rules that judge the findings
/// themselves, then waivers and selection on every finding alike.
#[must_use]
pub fn lint(
    candidates: &[Candidate],
    context: &[Candidate],
    settings: &Settings,
    registry: &Registry,
    root: &Path,
    git: Option<&gix::ThreadSafeRepository>,
) -> Outcome {
    let base = absolute(&settings.base);
    let cx = suppress::Context {
        allow: settings.inline_suppressions,
        today: &settings.today,
        registry,
    };
    let all: Vec<(&Candidate, bool)> = candidates
        .iter()
        .map(|c| (c, true))
        .chain(context.iter().map(|c| (c, false)))
        .collect();
    let results: Vec<FileResult> = all
        .par_iter()
        .map(|(c, report)| process(c, *report, settings, registry, &base, &cx))
        .collect();
    let mut out = Outcome::default();
    let mut files: Vec<FileOutput> = Vec::with_capacity(results.len());
    for r in results {
        match r {
            FileResult::Checked(file) => files.push(*file),
            FileResult::Skipped(s) => {
                if candidates.iter().any(|c| c.rel == s.rel) {
                    out.skipped.push(s);
                }
            }
            FileResult::Error(e) => out.errors.push(e),
        }
    }
    files.sort_by(|a, b| a.checked.rel.cmp(&b.checked.rel));
    corpus_stage(&mut files, settings, registry, root, git, &mut out.errors);
    for file in files {
        if !file.report {
            continue;
        }
        let applied = match file.waivers {
            Some(w) => (*w).apply(file.findings),
            None => Applied {
                findings: file.findings,
                ..Applied::default()
            },
        };
        let rel_to_base = file.rel_to_base.as_deref();
        let keep = |f: &mut Finding| match settings.policy.apply(rel_to_base, &f.rule) {
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

/// Run the corpus rules on what `files` left, and add their findings to the files they are
/// about; then the rules that judge the findings themselves (a control marked implemented
/// whose rules report errors), seeing the findings as waivers and selection will leave them.
fn corpus_stage(
    files: &mut [FileOutput],
    settings: &Settings,
    registry: &Registry,
    root: &Path,
    git: Option<&gix::ThreadSafeRepository>,
    errors: &mut Vec<String>,
) {
    if !registry
        .rules()
        .iter()
        .any(|r| r.check.is_some_and(|c| c.is_corpus() || c.is_history()))
    {
        return;
    }
    let mut entries: Vec<Entry> = Vec::with_capacity(files.len());
    entries.extend(files.iter_mut().filter_map(|f| f.entry.take().map(|e| *e)));
    let corpus = Corpus::new(entries);
    let cx = corpus::rules::Context::new(
        &corpus,
        registry,
        root,
        settings.max_file_size,
        settings.limits,
    );
    let pending = corpus::rules::run(&cx);
    attach(files, &cx, pending, errors);
    if let Some(repo) = git.map(crate::git::handle) {
        let max_interval = settings
            .thresholds
            .get("max-review-interval-months")
            .and_then(|n| u32::try_from(*n).ok())
            .unwrap_or(12);
        let history = corpus::history::History {
            repo: &repo,
            today: &settings.today,
            max_interval,
        };
        let (pending, _) = corpus::history::run(&cx, &history);
        attach(files, &cx, pending, errors);
    }
    // Documents read only for the corpus were not checked: their findings are not known here
    // (a run on the Statement of Applicability alone does not judge its evidence).
    let reported: Vec<corpus::rules::Reported<'_>> = files
        .iter()
        .flat_map(|f| {
            f.findings.iter().filter_map(move |finding| {
                let control = finding.rule.control.as_deref()?;
                let severity = settings
                    .policy
                    .apply(f.rel_to_base.as_deref(), &finding.rule)?;
                let waived = f.waivers.as_ref().is_some_and(|w| w.waives(finding));
                (severity == crate::finding::Severity::Error && !waived).then_some(
                    corpus::rules::Reported {
                        control,
                        rule: &finding.rule.id,
                        path: finding.path(),
                        line: finding.span.start.line,
                    },
                )
            })
        })
        .collect();
    let pending = corpus::rules::implemented_controls(&cx, &reported);
    drop(reported);
    attach(files, &cx, pending, errors);
}

/// Turn corpus findings into findings of the files they are about, reading each file again:
/// the corpus keeps no text.
fn attach(
    files: &mut [FileOutput],
    cx: &corpus::rules::Context<'_>,
    pending: Vec<corpus::rules::Pending>,
    errors: &mut Vec<String>,
) {
    let (corpus, registry, root, limits) = (cx.corpus, cx.registry, cx.root, cx.limits);
    let mut by_entry: std::collections::BTreeMap<usize, Vec<corpus::rules::Pending>> =
        std::collections::BTreeMap::new();
    for p in pending {
        by_entry.entry(p.entry).or_default().push(p);
    }
    for (e, pending) in by_entry {
        let entry = &corpus.entries[e];
        let Ok(i) = files.binary_search_by(|f| f.checked.rel.as_str().cmp(&entry.rel)) else {
            continue;
        };
        let file = &mut files[i];
        let source = file
            .findings
            .first()
            .map(|f| Arc::clone(&f.source))
            .filter(|s| corpus::digest(s.text()) == entry.digest)
            .or_else(|| reread(entry, root));
        let Some(source) = source else {
            errors.push(format!(
                "{}: changed while aims-lint read it; run again",
                entry.rel
            ));
            continue;
        };
        // Parsed again only for the pointers of values that became findings.
        let mut parsed: Option<parse::Document> = None;
        for p in pending {
            let rule = &registry.rules()[p.rule];
            let span = source.span_of_bytes(p.span.0 as usize, p.span.1 as usize);
            let mut f = Finding::new(&rule.info, &source, span).with_detail(p.detail);
            f.pointer = if p.value_at_span {
                let doc = parsed.get_or_insert_with(|| {
                    let format = Format::from_path(&entry.rel).unwrap_or(Format::Yaml);
                    parse::parse(&source, format, limits).0
                });
                corpus::pointer_at(doc, p.span)
            } else {
                p.pointer
            };
            file.findings.push(f);
        }
    }
}

/// The text of a corpus document, read again, if it is what the corpus saw.
fn reread(entry: &Entry, root: &Path) -> Option<Arc<SourceFile>> {
    // A file named outside the repository keeps the path it was given.
    let bytes = std::fs::read(entry.path(root))
        .or_else(|_| std::fs::read(&entry.rel))
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let text = text
        .strip_prefix('\u{feff}')
        .map_or(text.clone(), str::to_string);
    (corpus::digest(&text) == entry.digest).then(|| SourceFile::new(entry.rel.clone(), text))
}

/// Bytes looked at to tell a binary file from a text file (as git does).
const SNIFF: usize = 8000;

/// Check one file and scan its suppression comments; a file read only for the corpus is
/// parsed and classified, not checked.
fn process(
    c: &Candidate,
    report: bool,
    settings: &Settings,
    registry: &Registry,
    base: &Path,
    cx: &suppress::Context<'_>,
) -> FileResult {
    let rel_to_base = absolute(&c.path)
        .strip_prefix(base)
        .ok()
        .map(|_| display(&c.path, base));
    let text = match read_text(c, report, settings, rel_to_base.as_deref()) {
        Ok(text) => text,
        Err(result) => return result,
    };
    let source = SourceFile::new(c.rel.clone(), text);
    let format = Format::from_path(&c.rel).unwrap_or(Format::Yaml);
    let (doc, mut findings) = parse::parse(&source, format, settings.limits);
    let (kind, reason) = match kinds::classify(&doc, settings, rel_to_base.as_deref()) {
        Classified::None(reason) => return skipped(c, &reason),
        Classified::Unknown(f) => {
            let reason = Reason::Declared(f.span);
            findings.push(f);
            ("unknown".to_string(), reason)
        }
        Classified::Kind(kind, reason) => {
            if report {
                // A declaration that overrides the kind the path gives is visible: a pull
                // request could otherwise check a failing model card as a kind with fewer
                // rules.
                if let Reason::Declared(at) = &reason
                    && let Some((by_path, _)) =
                        kinds::by_path(settings, rel_to_base.as_deref(), doc.source.name())
                    && by_path != kind
                {
                    findings.push(
                        Finding::new(&kinds::KIND_CONTRADICTS_PATH, &source, *at)
                            .with_detail(format!(
                                "`aims-kind: {kind}` in a file that its path makes a `{by_path}`: it is checked as a `{kind}`"
                            ))
                            .with_pointer(format!("/{}", kinds::DECLARATION_KEY)),
                    );
                }
                findings.extend(check(&doc, &kind, registry));
            }
            (kind, reason)
        }
    };
    let entry = (kind != "unknown").then(|| {
        Box::new(Entry::of(
            &doc,
            &kind,
            corpus::Place {
                rel: &c.rel,
                rel_to_base: rel_to_base.as_deref(),
            },
            registry,
        ))
    });
    let waivers = if report {
        Waivers::of(&source, format, cx).map(Box::new)
    } else {
        None
    };
    if !report {
        findings.clear();
    }
    FileResult::Checked(Box::new(FileOutput {
        checked: Checked {
            rel: c.rel.clone(),
            kind,
            reason,
        },
        findings,
        waivers,
        rel_to_base,
        entry,
        report,
    }))
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
    report: bool,
    settings: &Settings,
    rel_to_base: Option<&str>,
) -> Result<String, FileResult> {
    let by_path = || kinds::by_path(settings, rel_to_base, &c.rel);
    let finding = |kind: String, reason: Reason, f: Finding| {
        FileResult::Checked(Box::new(FileOutput {
            checked: Checked {
                rel: c.rel.clone(),
                kind,
                reason,
            },
            findings: vec![f],
            waivers: None,
            rel_to_base: rel_to_base.map(str::to_string),
            entry: None,
            report,
        }))
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
