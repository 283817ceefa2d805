//! `aims-lint files`: the documents a run checks, their kinds and why, and the files it leaves
//! alone.

use crate::ExitStatus;
use crate::cli::FilesArgs;
use crate::kinds;
use crate::run::Project;
use crate::visible::visible;

use super::{emit, print_errors};

/// `aims-lint files`.
pub fn files(args: &FilesArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&args.paths, &args.common)?;
    if args.kinds {
        let kinds = project.settings.kinds();
        emit(|out| {
            for k in kinds {
                let about = kinds::BUILTIN
                    .iter()
                    .find(|(b, _)| b == k)
                    .map_or("added in aims-lint.toml", |(_, a)| a);
                writeln!(out, "{k:<28} {about}")?;
            }
            Ok(())
        })?;
        return Ok(ExitStatus::Success);
    }
    let outcome = project.lint(&args.paths, args.common.threads)?;
    emit(|out| {
        let width = outcome
            .documents
            .iter()
            .map(|d| d.rel.len())
            .max()
            .unwrap_or(0);
        for d in &outcome.documents {
            writeln!(
                out,
                "{:<28} {:<width$}  {}",
                visible(&d.kind),
                visible(&d.rel),
                visible(&d.reason.to_string())
            )?;
        }
        // A link or a special file in a document's place is not read and is an error: listed
        // whether or not `--all` asks for what was left alone.
        let not_read: std::collections::BTreeSet<&str> = outcome
            .findings
            .iter()
            .filter(|f| f.rule.id == crate::parse::FILE_NOT_REGULAR.id)
            .map(crate::finding::Finding::path)
            .collect();
        for s in &outcome.skipped {
            let (label, note) = if not_read.contains(s.rel.as_str()) {
                ("(not read)", ": a `file-not-regular` error")
            } else if args.all {
                ("(skipped)", "")
            } else {
                continue;
            };
            writeln!(
                out,
                "{label:<28} {:<width$}  {}{note}",
                visible(&s.rel),
                visible(&s.reason)
            )?;
        }
        Ok(())
    })?;
    print_errors(&outcome.errors);
    Ok(if outcome.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
