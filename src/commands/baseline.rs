//! `aims-lint baseline`: record the current findings, so that a check reports only new ones.

use std::path::PathBuf;

use miette::IntoDiagnostic;

use crate::baseline::Baseline;

use crate::ExitStatus;
use crate::cli::BaselineArgs;
use crate::run::Project;
use crate::visible::visible;

use super::{emit, print_errors, write_replacing};

/// `aims-lint baseline`.
pub fn baseline(args: &BaselineArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&args.paths, &args.common)?;
    let outcome = project.lint(&args.paths, args.common.threads)?;
    print_errors(&outcome.errors);
    if !outcome.errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let baseline = Baseline::of(&outcome.findings);
    let mut text = serde_json::to_string_pretty(&baseline).into_diagnostic()?;
    text.push('\n');
    let explicit = args.output.is_some();
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| PathBuf::from("aims-lint-baseline.json"));
    write_replacing(&output, text.as_bytes(), explicit)?;
    emit(|out| {
        writeln!(
            out,
            "wrote {} findings to {}; `aims-lint check --baseline {}` reports only new ones",
            baseline.findings.len(),
            visible(&output.display().to_string()),
            visible(&output.display().to_string())
        )
    })?;
    Ok(ExitStatus::Success)
}
