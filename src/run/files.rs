//! The per-file stage of a run: read each file (bounded: size, binary, UTF-8), parse it,
//! classify it, check it against its kind's rules and scan its suppression comments. Files are
//! independent here; the stages after this one look across them.

use std::io::Read;
use std::path::Path;

use crate::check::check;
use crate::config::Settings;
use crate::corpus::{self, Entry};
use crate::discover::{Candidate, Skipped, absolute, display};
use crate::finding::Finding;
use crate::kinds::{self, Classified, Reason};
use crate::parse::{self, FILE_NOT_REGULAR, FILE_NOT_UTF8, FILE_TOO_LARGE, Format};
use crate::rules::Registry;
use crate::source::{SourceFile, Span};
use crate::suppress::{self, Waivers};

use super::Checked;
use super::cache::{Index, Kept, Stat};

/// What the per-file stage gives for one checked document.
pub(super) struct FileOutput {
    pub(super) checked: Checked,
    /// Every finding, before waivers and selection.
    pub(super) findings: Vec<Finding>,
    /// Its suppression comments, when it has some.
    pub(super) waivers: Option<Box<Waivers>>,
    /// Its path relative to the folder of aims-lint.toml, when under it.
    pub(super) rel_to_base: Option<String>,
    /// What the corpus keeps of it, when it could be parsed.
    pub(super) entry: Option<Box<Entry>>,
}

pub(super) enum FileResult {
    Checked(Box<FileOutput>),
    Skipped(Skipped),
    Error(String),
}

/// Bytes looked at to tell a binary file from a text file (as git does).
const SNIFF: usize = 8000;

/// Check one file and scan its suppression comments; a file read only for the corpus is
/// parsed and classified, not checked.
pub(super) fn process(
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
    let (text, blob) = match read_text(c, settings, rel_to_base.as_deref()) {
        Ok(read) => read,
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
    let mut waivers = if report {
        Waivers::of(&source, format, cx).map(Box::new)
    } else {
        None
    };
    if !report {
        findings.clear();
    }
    if !settings.findings_keep_text && (!findings.is_empty() || waivers.is_some()) {
        // Every position is known: the findings keep the name and length of the file only.
        let detached = source.detached();
        crate::finding::detach(&mut findings, &source, &detached);
        if let Some(w) = &mut waivers {
            w.detach(&source, &detached);
        }
    }
    FileResult::Checked(Box::new(FileOutput {
        checked: Checked {
            rel: c.rel.clone(),
            kind,
            reason,
            blob,
        },
        findings,
        waivers,
        rel_to_base,
        entry,
    }))
}

/// What the corpus cache keeps of `c`, whose `lstat` before it was read is `stat` and which
/// gave `result`: its entry, or that it is no document the corpus keeps; nothing for a file
/// that could not be read, or without a cache.
pub(super) fn kept<'a>(
    cache: Option<&Index<'a>>,
    c: &Candidate,
    stat: Option<Stat>,
    result: &FileResult,
) -> Option<Kept<'a>> {
    let entry = match result {
        FileResult::Checked(file) => file.entry.as_deref(),
        FileResult::Skipped(_) => None,
        FileResult::Error(_) => return None,
    };
    cache?.keep(&c.rel, stat, entry)
}

/// The `file-not-regular` finding of a link or a special file that discovery did not read
/// (`s`) where its path makes it an AIMS document, its severity as the selection makes it: a
/// pull request could otherwise put a link in the place of a failing document and pass. `None`
/// when its path makes it no document, or the selection turns the rule off.
pub(super) fn not_regular(s: &Skipped, settings: &Settings, root: &Path) -> Option<Finding> {
    let what = s.not_regular()?;
    let path = root.join(&s.rel);
    let base = absolute(&settings.base);
    let rel_to_base = absolute(&path)
        .strip_prefix(&base)
        .ok()
        .map(|_| display(&path, &base));
    kinds::by_path(settings, rel_to_base.as_deref(), &s.rel)?;
    let severity = settings
        .selection
        .apply(rel_to_base.as_deref(), &FILE_NOT_REGULAR)?;
    let source = SourceFile::new(s.rel.clone(), String::new());
    let mut f = Finding::new(
        &FILE_NOT_REGULAR,
        &source,
        Span::point(source.pos_at_byte(0)),
    )
    .with_detail(what);
    f.severity = severity;
    Some(f)
}

fn skipped(c: &Candidate, reason: &str) -> FileResult {
    FileResult::Skipped(Skipped {
        rel: c.rel.clone(),
        reason: reason.to_string(),
    })
}

/// The text of `c` without a byte-order mark, and the blob id of its bytes when the settings
/// ask for it; or what to report instead: a file too large or not UTF-8 is a finding when its
/// path makes it an AIMS document (nothing is silently lost), and skipped otherwise; a binary
/// file is skipped.
fn read_text(
    c: &Candidate,
    settings: &Settings,
    rel_to_base: Option<&str>,
) -> Result<(String, Option<gix::ObjectId>), FileResult> {
    let by_path = || kinds::by_path(settings, rel_to_base, &c.rel);
    let finding = |kind: String, reason: Reason, f: Finding| {
        FileResult::Checked(Box::new(FileOutput {
            checked: Checked {
                rel: c.rel.clone(),
                kind,
                reason,
                blob: None,
            },
            findings: vec![f],
            waivers: None,
            rel_to_base: rel_to_base.map(str::to_string),
            entry: None,
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
    // The bytes as git would store them, of a regular file only: what a link points at is not
    // the link's blob, and the gate decides about links on its own.
    let blob = settings
        .blob_ids
        .filter(|_| bytes.len() as u64 <= settings.max_file_size)
        // The walk took only regular files; a file named on the command line may be a link.
        .filter(|_| !c.explicit || std::fs::symlink_metadata(&c.path).is_ok_and(|m| m.is_file()))
        .and_then(|hash| gix::objs::compute_hash(hash, gix::objs::Kind::Blob, &bytes).ok());
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
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    Ok((text, blob))
}
