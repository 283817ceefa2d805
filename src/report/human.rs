//! Human output: each finding rendered by miette with the lines it points at, then a summary.

use std::fmt::{self, Write as _};
use std::io::{self, Write};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

use super::{Counts, plural};
use crate::finding::{Finding, Severity};
use crate::lint::{History, Outcome};

/// Said when blame ran in a shallow clone.
pub(super) const TRUNCATED: &str = "note: this is a shallow clone, so blame stops at its oldest commits; for exact authors fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout)";

/// How reports look: colour and width for `human`, blame for `concise`, links for `markdown`.
#[derive(Clone, Debug)]
pub struct Options {
    /// Use colour (and terminal hyperlinks).
    pub color: bool,
    /// Width to wrap at.
    pub width: usize,
    /// Append blame to `concise` lines.
    pub concise_blame: bool,
    /// Where files are browsed, `<base>/<path>#L<line>`, for `markdown` links.
    pub link_base: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            color: false,
            width: 80,
            concise_blame: false,
            link_base: None,
        }
    }
}

/// A finding as miette sees it.
struct Rendered<'a>(&'a Finding);

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let rule = &self.0.rule;
        Some(match &rule.control {
            Some(c) => Box::new(format!("{} ({c})", rule.id)),
            None => Box::new(rule.id.clone()),
        })
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.0.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(match &self.0.blame {
            Some(b) => Box::new(format!("{}\n{}", self.0.rule.help, b.describe())),
            None => Box::new(&self.0.rule.help),
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&*self.0.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let f = self.0;
        let primary = LabeledSpan::new_primary_with_span(
            Some(f.detail.clone().unwrap_or_else(|| f.message.clone())),
            f.span.to_source_span(),
        );
        let related = f.related.iter().map(|(span, label)| {
            LabeledSpan::new_with_span(Some(label.clone()), span.to_source_span())
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

pub(super) fn write(out: &mut dyn Write, outcome: &Outcome, opts: &Options) -> io::Result<()> {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(opts.color)
        .with_width(opts.width)
        .with_context_lines(1);
    let mut buf = String::new();
    for f in &outcome.findings {
        buf.clear();
        // Rendering into a String cannot fail for I/O reasons; a formatting error would be a
        // bug in miette, and the plain line below still says what was found.
        if handler.render_report(&mut buf, &Rendered(f)).is_err() {
            buf = format!("{}:{}: {}\n", f.path(), f.span, f.message);
        }
        out.write_all(buf.as_bytes())?;
        writeln!(out)?;
    }
    let counts = Counts::of(outcome);
    let total = outcome.findings.len();
    let docs = outcome.documents.len();
    let (mark, colour) = if total == 0 {
        ("✔", "\x1b[32m")
    } else {
        ("✖", "\x1b[31m")
    };
    let mut line = if total == 0 {
        format!("{mark} no findings in {}", plural(docs, "document"))
    } else {
        let parts: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .filter(|s| counts.of_severity(*s) > 0)
            .map(|s| plural(counts.of_severity(s), s.as_str()))
            .collect();
        let with = outcome
            .findings
            .iter()
            .map(Finding::path)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        format!(
            "{mark} {} ({}) in {with} of {} checked",
            plural(total, "finding"),
            parts.join(", "),
            plural(docs, "document")
        )
    };
    if outcome.baselined > 0 {
        let _ = write!(
            line,
            "; {} in the baseline not shown",
            plural(outcome.baselined, "finding")
        );
    }
    if let Some(c) = &outcome.changed {
        let _ = write!(
            line,
            "; only files changed since {} (merge base {}): {} in other files not shown",
            c.reference,
            c.short_base(),
            plural(c.unchanged, "finding")
        );
    }
    if !outcome.suppressed.is_empty() {
        let _ = write!(
            line,
            "; {} waived by inline suppressions (`--format json` lists them with the reason)",
            plural(outcome.suppressed.len(), "finding")
        );
    }
    if !outcome.skipped.is_empty() {
        let _ = write!(
            line,
            "; {} skipped (`aims-lint files` says why)",
            plural(outcome.skipped.len(), "file")
        );
    }
    if opts.color {
        writeln!(out, "{colour}{line}\x1b[0m")?;
    } else {
        writeln!(out, "{line}")?;
    }
    if outcome.history == History::Truncated {
        writeln!(out, "{TRUNCATED}")?;
    }
    Ok(())
}
