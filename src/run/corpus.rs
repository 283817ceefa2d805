//! The corpus stage of a run: the rules across documents and from the git history, over the
//! index the per-file stage left, and the findings they make put back on the files they are
//! about.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use crate::config::Settings;
use crate::corpus::{self, Corpus, Entry};
use crate::finding::Finding;
use crate::parse::{self, Format};
use crate::rules::Registry;

use rayon::prelude::*;

use crate::discover::Candidate;

use super::cache::{Index, Kept, Stat};
use super::files::{FileOutput, FileResult, process};

/// Run the corpus rules on what `files` left, and add their findings to the files they are
/// about; then the rules that judge the findings themselves (a control marked implemented
/// whose rules report errors), seeing the findings as waivers and selection will leave them.
/// What cannot be read again is returned, as the errors of the run.
#[allow(
    clippy::vec_box,
    reason = "boxed as the per-file stage made them: the corpus indexes them without copying"
)]
pub(super) fn corpus_stage(
    files: &mut [FileOutput],
    context: Vec<Box<Entry>>,
    settings: &Settings,
    registry: &Registry,
    root: &Path,
    git: Option<&gix::ThreadSafeRepository>,
    tip: Option<gix::ObjectId>,
) -> Vec<String> {
    let mut errors = Vec::new();
    if !registry
        .rules()
        .iter()
        .any(|r| r.check.is_some_and(|c| c.is_corpus() || c.is_history()))
    {
        return errors;
    }
    let has_context = !context.is_empty();
    let entries: Vec<Box<Entry>> = files
        .iter_mut()
        .filter_map(|f| f.entry.take())
        .chain(context)
        .collect();
    let corpus = Corpus::new(entries);
    // Owned: the findings are put on `files` while the rules read it.
    let named: Vec<String> = if has_context {
        files.iter().map(|f| f.checked.rel.clone()).collect()
    } else {
        Vec::new()
    };
    let reported: Option<HashSet<&str>> =
        has_context.then(|| named.iter().map(String::as_str).collect());
    let mut cx = corpus::rules::Context::new(
        &corpus,
        registry,
        root,
        settings.max_file_size,
        settings.limits,
    );
    cx.reported = reported.as_ref();
    let max_interval = settings
        .thresholds
        .get("max-review-interval-months")
        .and_then(|n| u32::try_from(*n).ok())
        .unwrap_or(12);
    // The rules across documents and those from the history read nothing of each other:
    // the history walk (one repository handle, one thread) runs beside the references.
    let (pending, from_history) = rayon::join(
        || corpus::rules::run(&cx),
        || {
            let repo = crate::git::handle(git?);
            let history = corpus::history::History {
                repo: &repo,
                tip,
                today: &settings.today,
                max_interval,
            };
            Some(corpus::history::run(&cx, &history).0)
        },
    );
    let keep = settings.findings_keep_text;
    attach(files, &cx, pending, keep, &mut errors);
    if let Some(pending) = from_history {
        attach(files, &cx, pending, keep, &mut errors);
    }
    // Documents read only for the corpus were not checked, and the corpus findings about them
    // are not kept: their findings are not known here (a run on the Statement of Applicability
    // alone does not judge its evidence).
    let reported: Vec<corpus::rules::Reported<'_>> = files
        .iter()
        .flat_map(|f| {
            f.findings.iter().filter_map(move |finding| {
                let control = finding.rule.control.as_deref()?;
                let severity = settings
                    .selection
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
    attach(
        files,
        &cx,
        pending,
        settings.findings_keep_text,
        &mut errors,
    );
    errors
}

/// Turn corpus findings into findings of the files they are about, reading each file again:
/// the corpus keeps no text. Unless `keep_text`, they keep no text either (see
/// [`crate::source::SourceFile::detached`]), but for the references: `--changed-since` reads
/// the value each cites ([`corpus::cited_value`]) to tell whether the change broke it.
fn attach(
    files: &mut [FileOutput],
    cx: &corpus::rules::Context<'_>,
    pending: Vec<corpus::rules::Pending>,
    keep_text: bool,
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
            .filter(|s| !s.is_detached() && corpus::digest(s.text()) == entry.digest)
            .or_else(|| crate::source::read_again(root, &entry.rel, entry.digest));
        let Some(source) = source else {
            errors.push(format!(
                "{}: changed while aims-lint read it; run again",
                entry.rel
            ));
            continue;
        };
        // Parsed again only for the pointers of values that became findings.
        let mut parsed: Option<parse::Document> = None;
        let detached = (!keep_text).then(|| source.detached());
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
            if let Some(detached) = &detached
                && rule.check != Some(crate::rules::Check::Reference)
            {
                f.source = Arc::clone(detached);
            }
            file.findings.push(f);
        }
    }
}

/// What the corpus keeps of each document read only for the corpus (the rest of the
/// repository, when a run names some files), in parallel, from the cache where it has the file
/// as it is; the files that could not be read; and what to keep in the cache. Their findings
/// are not reported, so they are not checked.
#[allow(
    clippy::vec_box,
    reason = "boxed as the per-file stage made them: the corpus indexes them without copying"
)]
pub(super) fn context_entries<'a>(
    context: Vec<Candidate>,
    settings: &Settings,
    registry: &Registry,
    base: &Path,
    cx: &crate::suppress::Context<'_>,
    cache: Option<&Index<'a>>,
) -> (Vec<Box<Entry>>, Vec<String>, Vec<Kept<'a>>) {
    // Per file: its entry (or none), or why it could not be read; and what to keep of it.
    type Read<'a> = (Result<Option<Box<Entry>>, String>, Option<Kept<'a>>);
    let results: Vec<Read<'a>> = context
        .into_par_iter()
        .map(|c| {
            let stat = cache.and_then(|_| Stat::of(&c.path));
            let result = if let Some((kept, entry)) = cache.and_then(|i| i.reuse(&c.rel, stat)) {
                (Ok(entry), Some(kept))
            } else {
                let result = process(&c, false, settings, registry, base, cx);
                let kept = super::files::kept(cache, &c, stat, &result);
                let entry = match result {
                    FileResult::Checked(file) => Ok(file.entry),
                    FileResult::Skipped(_) => Ok(None),
                    FileResult::Error(e) => Err(e),
                };
                (entry, kept)
            };
            crate::progress::advance(1);
            result
        })
        .collect();
    let mut entries = Vec::with_capacity(results.len());
    let mut errors = Vec::new();
    let mut kept = Vec::new();
    for (entry, k) in results {
        match entry {
            Ok(entry) => entries.extend(entry),
            Err(e) => errors.push(e),
        }
        kept.extend(k);
    }
    (entries, errors, kept)
}
