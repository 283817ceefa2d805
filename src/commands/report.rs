//! `aims-lint report`: the audit evidence report ([`crate::evidence`]), written to standard
//! output or, replaced whole, to `--output`.

use crate::ExitStatus;
use crate::cli::{ReportArgs, ReportFormat};
use crate::evidence;
use crate::run::Project;

use super::{emit, print_errors, write_replacing_with};

/// `aims-lint report`.
pub fn report(args: &ReportArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&args.paths, &args.common)?;
    let report = evidence::report(
        &project,
        args.at.as_deref(),
        args.common.now.as_deref(),
        args.common.threads,
    )?;
    let render = |out: &mut dyn std::io::Write| match args.format {
        ReportFormat::Html => evidence::html::write(out, &report),
        ReportFormat::Markdown => evidence::markdown::write(out, &report),
        ReportFormat::Json => evidence::json::write(out, &report),
        ReportFormat::Oscal => evidence::oscal::write(out, &report),
        ReportFormat::OscalPlan => evidence::oscal::write_plan(out, &report),
    };
    match &args.output {
        Some(file) => write_replacing_with(file, true, render)?,
        None => {
            emit(render)?;
        }
    }
    print_errors(&report.errors);
    Ok(if report.errors.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Error
    })
}
