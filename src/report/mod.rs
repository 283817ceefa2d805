//! Writing an [`Outcome`] in each output format. This module and `main` are the only places
//! that print.

mod concise;
pub mod github;
mod human;
mod json;
pub(crate) mod markdown;
pub mod sarif;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::finding::Severity;
use crate::rules::Registry;
use crate::run::Outcome;

pub use human::Options;

/// Output formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    /// Diagnostics with the source lines they point at (colour on a terminal).
    Human,
    /// One line per finding: `path:line:col: severity[rule-id] message (detail)`.
    Concise,
    /// One JSON object with `findings` and `summary` (see schemas/report.schema.json).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands: annotations on the pull request, most severe first.
    Github,
    /// A Markdown summary for `$GITHUB_STEP_SUMMARY`: counts per control, a table of findings.
    Markdown,
}

/// Write `outcome` to `out` in `format`; `registry` describes the rules (SARIF lists them all).
pub fn write(
    out: &mut dyn Write,
    outcome: &Outcome,
    format: Format,
    options: &Options,
    registry: &Registry,
) -> io::Result<()> {
    match format {
        Format::Human => human::write(out, outcome, options),
        Format::Concise => concise::write(out, outcome, options.concise_blame),
        Format::Json => json::write(out, outcome),
        Format::Sarif => sarif::write(out, outcome, registry),
        Format::Github => github::write(out, outcome),
        Format::Markdown => markdown::write(out, outcome, options.link_base.as_deref()),
    }
}

/// `path` (with `/` between its folders) as a relative URI reference (RFC 3986): each segment
/// percent-encoded except the unreserved characters, and `./` in front when the first segment
/// holds a `:` (a folder named `http:` would otherwise make the reference absolute).
///
/// ```
/// use aims_lint::report::uri_path;
/// assert_eq!(uri_path("model cards/#1?.md"), "model%20cards/%231%3F.md");
/// assert_eq!(uri_path("http:/x/é.md"), "./http%3A/x/%C3%A9.md");
/// ```
#[must_use]
pub fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    let first = path.split('/').next().unwrap_or_default();
    if first.contains(':') {
        out.push_str("./");
    }
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        for b in segment.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
                out.push(b as char);
            } else {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// Counts for the summary.
#[derive(Debug, Default)]
pub struct Counts {
    /// Documents checked, per kind.
    pub documents: BTreeMap<String, usize>,
    /// Findings per severity.
    pub findings: BTreeMap<Severity, usize>,
}

impl Counts {
    /// Count `outcome`.
    #[must_use]
    pub fn of(outcome: &Outcome) -> Self {
        let mut c = Self::default();
        for d in &outcome.documents {
            *c.documents.entry(d.kind.clone()).or_default() += 1;
        }
        for s in [Severity::Error, Severity::Warning, Severity::Info] {
            c.findings.insert(s, 0);
        }
        for f in &outcome.findings {
            *c.findings.entry(f.severity).or_default() += 1;
        }
        c
    }

    /// Findings of severity `s`.
    #[must_use]
    pub fn of_severity(&self, s: Severity) -> usize {
        self.findings.get(&s).copied().unwrap_or(0)
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
