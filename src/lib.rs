//! aims-lint checks an AI management system's governance repository (model cards, dataset
//! sheets, policies, …) against rules derived from ISO/IEC 42001 Annex A.
//!
//! Data flows one way, in the order [`run`] owns: discover → per file, in parallel (read, parse,
//! classify, check against the kind's rules, scan suppressions) → rules across documents and
//! from the git history → waivers and selection → the change, the baseline, blame → report.
//! [`commands`] holds one file per subcommand; it parses, runs and writes, nothing more.

pub mod baseline;
pub mod check;
pub mod cli;
pub mod commands;
pub mod config;
pub mod controls;
pub mod corpus;
pub mod discover;
pub mod evidence;
pub mod explain;
pub mod fields;
pub mod finding;
pub mod git;
pub mod init;
pub mod kinds;
pub mod license;
pub mod parse;
pub mod placeholder;
pub mod progress;
pub mod report;
pub mod rules;
pub mod run;
pub mod sections;
pub mod selection;
pub mod source;
pub mod suppress;
pub mod touched;
pub mod visible;

pub use git::{blame, changes};

/// How a run ended; the process exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitStatus {
    /// No finding at or above `--fail-on`.
    Success = 0,
    /// At least one finding at or above `--fail-on`.
    Failure = 1,
    /// Usage, configuration or I/O error.
    Error = 2,
}

/// Run the command line.
pub fn run(cli: &cli::Cli) -> miette::Result<ExitStatus> {
    // Every command on `--threads` threads, from compiling the rules on.
    run::on_threads(cli.threads(), || dispatch(cli))?
}

fn dispatch(cli: &cli::Cli) -> miette::Result<ExitStatus> {
    match &cli.command {
        None => commands::check(&cli.check),
        Some(cli::Command::Check(args)) => commands::check(args),
        Some(cli::Command::Files(args)) => commands::files(args),
        Some(cli::Command::Rules(args)) => commands::rules(args),
        Some(cli::Command::Explain(args)) => commands::explain(args),
        Some(cli::Command::Init(args)) => commands::init(args),
        Some(cli::Command::Baseline(args)) => commands::baseline(args),
        Some(cli::Command::Report(args)) => commands::report(args),
    }
}
