//! `aims-lint check`: run the check ([`crate::run::check`]), write the report, and say how the
//! run ended.

use std::io::{self, IsTerminal};

use crate::ExitStatus;
use crate::cli::{CheckArgs, FailOn};
use crate::finding::Severity;
use crate::report::{self, Options};
use crate::run::{self, Project, Request};

use super::{emit, github_link_base, print_errors, use_color};

/// `aims-lint check`.
pub fn check(args: &CheckArgs) -> miette::Result<ExitStatus> {
    if crate::progress::wanted(matches!(args.format, report::Format::Human)) {
        crate::progress::enable();
    }
    let mut project = Project::load(&args.paths, &args.common)?;
    project.apply_cli_selection(&args.select, &args.ignore)?;
    // Findings keep no text: the human report reads each file again to show its lines.
    project.settings.findings_keep_text = false;
    if args.cache {
        let git = project.git.as_ref().ok_or_else(|| {
            miette::miette!(
                help = "run it inside a git repository, or leave out `--cache`",
                "`--cache` keeps its cache in the git directory, and {} is not in a git repository",
                crate::visible::visible(&project.root.display().to_string())
            )
        })?;
        project.settings.cache = Some(git.git_dir().join("aims-lint").join("corpus"));
    }
    let outcome = run::check(
        &project,
        &Request {
            paths: &args.paths,
            threads: args.common.threads,
            changed_since: args.changed_since.as_deref(),
            baseline: args.baseline.as_deref(),
            allow_gate_changes: args.allow_gate_changes,
            fail_on_regression: args.fail_on_regression,
            blame: !args.no_blame,
        },
    );
    crate::progress::finish();
    let outcome = outcome?;
    let tty = io::stdout().is_terminal();
    let options = Options {
        concise_blame: args.concise_blame,
        link_base: github_link_base(),
        color: use_color(args.common.color, tty),
        width: if tty {
            terminal_size::terminal_size().map_or(100, |(w, _)| usize::from(w.0))
        } else {
            100
        },
        root: Some(project.root.clone()),
    };
    if !emit(|out| report::write(out, &outcome, args.format, &options, &project.registry))? {
        return Ok(ExitStatus::Success);
    }
    print_errors(&outcome.errors);
    if !outcome.errors.is_empty() {
        return Ok(ExitStatus::Error);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| run::fails(&outcome, &project.registry, t));
    Ok(if failed {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    })
}
