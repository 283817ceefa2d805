//! `aims-lint report`: the audit evidence report ([`crate::evidence`]), written to standard
//! output or, replaced whole, to `--output`.

use crate::ExitStatus;
use crate::cli::{ReportArgs, ReportFormat};
use crate::evidence;
use crate::run::Project;

use super::{emit, print_errors, write_replacing};

/// `aims-lint report`.
pub fn report(args: &ReportArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&args.paths, &args.common)?;
    let report = evidence::report(
        &project,
        args.at.as_deref(),
        args.common.now.as_deref(),
        args.common.threads,
    )?;
    let mut bytes = Vec::new();
    match args.format {
        ReportFormat::Html => evidence::html::write(&mut bytes, &report),
        ReportFormat::Markdown => evidence::markdown::write(&mut bytes, &report),
        ReportFormat::Json => evidence::json::write(&mut bytes, &report),
        ReportFormat::Oscal => evidence::oscal::write(&mut bytes, &report),
        ReportFormat::OscalPlan => evidence::oscal::write_plan(&mut bytes, &report),
    }
    .map_err(|e| miette::miette!("cannot render the report: {e}"))?;
    match &args.output {
        Some(file) => write_replacing(file, &bytes, true)?,
        None => {
            emit(|out| out.write_all(&bytes))?;
        }
    }
    print_errors(&report.errors);
    Ok(if report.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
