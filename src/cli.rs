//! The command line. `aims-lint [PATHS]` is `aims-lint check [PATHS]`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::report;

const AFTER_HELP: &str = "\
Examples:
  aims-lint                          check the repository in the current directory
  aims-lint check governance/        check one directory
  aims-lint --format concise         one line per finding, for editors and grep
  aims-lint --format json > out.json machine-readable findings and summary
  aims-lint files                    show which files are checked as which kind, and why
  aims-lint rules                    list the rules and the controls they cover
  aims-lint explain A.7.5            what a control asks for, and its rules
  aims-lint explain model-card-missing-license
                                     what a rule checks, why, and how to fix it
  aims-lint init governance/         write a starter repository that checks clean
  aims-lint baseline                 record today's findings; then `check --baseline aims-lint-baseline.json`
  aims-lint --changed-since origin/main
                                     only findings in files this branch changed, and changes to the gate
  aims-lint report -o report.html    the audit evidence report: every control's status, evidence and authors
  aims-lint report --at v1.2 --format json
                                     the same as of a commit, read from git objects, reproducibly

Exit status: 0 no finding at or above --fail-on, 1 there is one, 2 usage, configuration or I/O error.
Configuration: aims-lint.toml, found next to the checked path or in a parent up to the git root.";

/// Lint an AI management system's governance repository against ISO/IEC 42001 Annex A.
///
/// aims-lint finds model cards, dataset sheets, policies and other AIMS documents (Markdown with
/// YAML front matter, YAML, JSON), checks each against rules written as JSON Schema, and points
/// every finding at the exact line and column.
#[derive(Debug, Parser)]
#[command(name = "aims-lint", version, after_help = AFTER_HELP, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do (default: check).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options of `check`, when no command is given.
    #[command(flatten)]
    pub check: CheckArgs,
}

impl Cli {
    /// `--threads`, wherever it was given.
    #[must_use]
    pub fn threads(&self) -> Option<usize> {
        let common = match &self.command {
            None | Some(Command::Init(_)) => &self.check.common,
            Some(Command::Check(a)) => &a.common,
            Some(Command::Files(a)) => &a.common,
            Some(Command::Rules(a)) => &a.common,
            Some(Command::Explain(a)) => &a.common,
            Some(Command::Baseline(a)) => &a.common,
            Some(Command::Report(a)) => &a.common,
        };
        common.threads.or(self.check.common.threads)
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check documents and report findings (the default command).
    Check(CheckArgs),
    /// List the files aims-lint would check, their document kind and why; and the files it skips.
    Files(FilesArgs),
    /// List the rules, built-in and from aims-lint.toml, and the Annex A controls they cover.
    Rules(RulesArgs),
    /// Explain a rule (what it checks, why, how to fix it) or an Annex A control.
    Explain(ExplainArgs),
    /// Record the current findings in a baseline file, so that `check --baseline FILE` reports
    /// only new ones. Writes only that file.
    Baseline(BaselineArgs),
    /// Write a starter governance repository: one document of each kind, filled with example
    /// content, and an aims-lint.toml. Never overwrites a file.
    Init(InitArgs),
    /// Write the audit evidence report: for each Annex A control, whether it applies, what
    /// evidences it, who changed and approved that evidence, what its rules found, and its
    /// status. Reproducible: with `--at REV`, two runs give the same bytes.
    Report(ReportArgs),
}

/// Options of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A path in the repository to report on (its aims-lint.toml decides); the report covers
    /// the whole repository under that configuration.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// `html`: one self-contained page to hand to an auditor (prints to PDF, one area a page);
    /// `markdown`; `json` (schemas/evidence-report.schema.json); `oscal` (OSCAL 1.1 assessment
    /// results) and `oscal-plan` (the assessment plan they import, `aims-lint-assessment-plan.json`).
    #[arg(long, value_enum, default_value_t = ReportFormat::Html)]
    pub format: ReportFormat,
    /// Write the report to FILE (replaced whole) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report the repository as of commit REV, read from git objects (not the work tree). The
    /// rules judge by the commit's date unless `--now` says otherwise.
    #[arg(long, value_name = "REV")]
    pub at: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonArgs,
}

/// `report --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// One self-contained HTML page.
    Html,
    /// Markdown.
    Markdown,
    /// JSON.
    Json,
    /// OSCAL 1.1 assessment results (JSON); they import `aims-lint-assessment-plan.json`.
    Oscal,
    /// The OSCAL assessment plan the results import, from aims-lint.toml.
    OscalPlan,
}

/// Options of `check`.
#[derive(Debug, Args, Default)]
#[allow(
    clippy::struct_excessive_bools,
    reason = "each is a command-line switch"
)]
pub struct CheckArgs {
    /// Files or directories to check. Directories are walked, honouring .gitignore.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = report::Format::Human)]
    pub format: report::Format,
    /// Exit with status 1 if a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Do not look up who last changed each finding's line (git blame).
    #[arg(long)]
    pub no_blame: bool,
    /// In `--format concise`, append who last changed the line: `[name <email> commit date]`.
    #[arg(long)]
    pub concise_blame: bool,
    /// Report only these rules: rule ids, controls (`A.7.5`) or control patterns (`A.7.*`),
    /// comma-separated. Replaces `select` of aims-lint.toml.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub select: Vec<String>,
    /// Do not report these rules (ids, controls or patterns, comma-separated). Adds to `ignore`
    /// of aims-lint.toml.
    #[arg(long, value_delimiter = ',', value_name = "SELECTOR")]
    pub ignore: Vec<String>,
    /// Report only findings that this baseline file (from `aims-lint baseline`) does not record.
    /// With `--changed-since`, only entries the merge base's baseline has waive anything.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With `--changed-since`: report changes to the gate (configuration, custom rules,
    /// suppressions, baseline) as warnings instead of errors. For the workflow to set (e.g. on
    /// pull requests from the owners of the gate), never the pull request.
    #[arg(long)]
    pub allow_gate_changes: bool,
    /// Report only findings in files changed since the merge base of HEAD and REF (committed
    /// or not), and report changes to aims-lint.toml, custom rules and suppression comments.
    /// Every document is still checked. Needs the history down to the merge base.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// With --changed-since: fail only when a control has more error findings than at the
    /// merge base (the merge base's tree is checked too, with this run's rules), or on an
    /// error without a control (syntax, changes to the gate) or from the git history in a
    /// changed file. Adopts the gate on a repository with old findings, without a baseline.
    #[arg(long, requires = "changed_since")]
    pub fail_on_regression: bool,
    /// Keep what the rules across documents need of each document in the git directory
    /// (`.git/aims-lint/corpus`) and reuse it for files that have not changed since: a run on
    /// a few files, as the pre-commit hook makes it, then does not parse every other document
    /// again. The files named are always checked in full. Needs a git repository; on Unix
    /// only (elsewhere every document is read, as without it).
    #[arg(long)]
    pub cache: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonArgs,
}

/// Options of `files`.
#[derive(Debug, Args)]
pub struct FilesArgs {
    /// Files or directories to look at.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Also list the files that are skipped, and why.
    #[arg(long)]
    pub all: bool,
    /// List the document kinds instead of files.
    #[arg(long)]
    pub kinds: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonArgs,
}

/// Options of `rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    pub format: ListFormat,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonArgs,
}

/// Options of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule id (`model-card-missing-license`) or an Annex A control id (`A.7.5`).
    #[arg(value_name = "RULE|CONTROL")]
    pub name: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonArgs,
}

/// Options of `baseline`.
#[derive(Debug, Args)]
pub struct BaselineArgs {
    /// Files or directories to check, as for `check`.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The baseline file to write [default: aims-lint-baseline.json]. It is replaced whole
    /// (written beside it, then renamed); a path that is or passes through a symbolic link
    /// is refused unless this option names it.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub common: CommonArgs,
}

/// Options of `init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory to write into (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
}

/// `rules --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ListFormat {
    /// A table for people.
    #[default]
    Table,
    /// JSON: every rule, and every control with its rules.
    Json,
}

/// Options every command takes.
#[derive(Debug, Args, Default)]
pub struct CommonArgs {
    /// Use this configuration file instead of looking for aims-lint.toml.
    #[arg(long, value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// Number of threads, 1 to 256 (default: one per core). Output is the same for any number.
    #[arg(long, short = 'j', value_name = "N", global = true, value_parser = threads_in_range)]
    pub threads: Option<usize>,
    /// When to use colour. `auto` uses it on a terminal unless `NO_COLOR` is set.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", global = true)]
    pub color: ColorChoice,
    /// The date to judge by, `YYYY-MM-DD` (default: today in UTC; also `AIMS_LINT_NOW`): whether
    /// a review is overdue or dated in the future, when a suppression expires, and how far
    /// ahead its `until=` may be. Makes results reproducible.
    #[arg(long, value_name = "DATE", global = true, env = "AIMS_LINT_NOW", value_parser = a_date)]
    pub now: Option<String>,
}

/// `--now`: a real calendar date.
fn a_date(s: &str) -> Result<String, String> {
    if crate::suppress::is_date(s) {
        Ok(s.to_string())
    } else {
        Err(format!("`{s}` is not a date like 2027-03-31"))
    }
}

/// `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum FailOn {
    /// Fail on errors.
    #[default]
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Info,
    /// Never fail because of findings (configuration and I/O errors still exit 2).
    Never,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorChoice {
    /// Colour on a terminal, unless `NO_COLOR` is set or `TERM` is `dumb`.
    #[default]
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `-j N`: 1 to 256 threads (more only costs start-up time: `-j 10000` took over a minute).
fn threads_in_range(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n @ 1..=256) => Ok(n),
        Ok(n) => Err(format!("{n} threads: use 1 to 256")),
        Err(e) => Err(format!("`{s}`: {e}")),
    }
}
