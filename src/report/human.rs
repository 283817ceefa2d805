//! Human output: each finding rendered by miette with the lines it points at, then a summary.

use std::fmt::{self, Write as _};
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::{Counts, plural};
use crate::finding::{Finding, Severity};
use crate::run::{History, Outcome};
use crate::source::SourceFile;
use crate::visible::visible;

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
    /// The repository root, for `human` to read again the files whose findings dropped their
    /// text ([`SourceFile::detached`]) to show their lines.
    pub root: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            color: false,
            width: 80,
            concise_blame: false,
            link_base: None,
            root: None,
        }
    }
}

/// Lines longer than this many bytes are shown cut to a window around the finding: miette
/// writes every line in full (one long line with 1,500 findings printed 1.5 GB) and panics on a
/// column past 65,535.
const LONG_LINE: usize = 400;
/// Bytes of a long line shown before and after the finding's start.
const BEFORE: usize = 120;
const AFTER: usize = 240;

/// A finding as miette sees it: the lines around it from its file (`None` when the file could
/// not be read again as it was checked), or cut from long lines.
struct Rendered<'a>(&'a Finding, Option<&'a SourceFile>, Option<Snippet>);

/// The lines around a finding, cut to a window around it, with the labels moved to match.
struct Snippet {
    name: String,
    text: String,
    /// 0-based line number of the first line.
    first_line: usize,
    /// 0-based column of the finding, in the file.
    column: usize,
    labels: Vec<LabeledSpan>,
}

impl SourceCode for Snippet {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner =
            self.text
                .as_bytes()
                .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            self.column,
            inner.line_count(),
        )))
    }
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The snippet of `f` in `src`, its file, if a line around it is long, else `None` (miette
/// reads the file).
fn snippet(f: &Finding, src: &SourceFile) -> Option<Snippet> {
    let text = src.text();
    let first = f.span.start.line.saturating_sub(1).max(1);
    let last = (f.span.start.line + 1).min(src.line_count() as u32);
    if !(first..=last).any(|l| src.line_range(l).len() > LONG_LINE) {
        return None;
    }
    let at = f.span.start.byte - src.line_range(f.span.start.line).start;
    // (line, where it starts in the file, shown bytes lo..hi of it, where lo is in the snippet)
    let mut rows = Vec::new();
    let mut out = String::new();
    for line in first..=last {
        let range = src.line_range(line);
        let whole = &text[range.clone()];
        let lo = floor_boundary(whole, at.saturating_sub(BEFORE));
        let hi = floor_boundary(whole, at + AFTER).max(lo);
        if lo > 0 {
            out.push('…');
        }
        let piece = &whole[lo..hi];
        rows.push((line, range.start, lo, hi, out.len()));
        out.push_str(&crate::visible::same_length(piece).unwrap_or_else(|| piece.to_string()));
        if hi < whole.len() {
            out.push('…');
        }
        out.push('\n');
    }
    let place = |pos: crate::source::Pos| -> Option<usize> {
        let &(_, start, lo, hi, at) = rows.iter().find(|r| r.0 == pos.line)?;
        Some(at + pos.byte.saturating_sub(start).clamp(lo, hi) - lo)
    };
    let label = |span: crate::source::Span, text: String, primary: bool| {
        let start = place(span.start)?;
        let end = place(span.end).filter(|e| *e >= start).unwrap_or(start);
        let span = SourceSpan::new(start.into(), end - start);
        Some(if primary {
            LabeledSpan::new_primary_with_span(Some(text), span)
        } else {
            LabeledSpan::new_with_span(Some(text), span)
        })
    };
    let mut labels: Vec<LabeledSpan> = label(f.span, primary_label(f), true).into_iter().collect();
    labels.extend(
        f.related
            .iter()
            .filter_map(|(span, text)| label(*span, visible(text).into_owned(), false)),
    );
    Some(Snippet {
        name: visible(f.path()).into_owned(),
        text: out,
        first_line: first as usize - 1,
        column: f.span.start.column as usize - 1,
        labels,
    })
}

fn primary_label(f: &Finding) -> String {
    visible(f.detail.as_deref().unwrap_or(&f.message)).into_owned()
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.0.message))
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.0.message))
    }
}

impl std::error::Error for Rendered<'_> {}

impl Diagnostic for Rendered<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let rule = &self.0.rule;
        Some(match &rule.control {
            Some(c) => Box::new(format!("{} ({})", visible(&rule.id), visible(c))),
            None => Box::new(visible(&rule.id).into_owned()),
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
        let mut help = visible(&self.0.rule.help).into_owned();
        if self.1.is_none() {
            // The place and the label go with the lines: said here instead.
            let _ = write!(
                help,
                "\n{}:{}: {} (its lines are not shown: the file changed after aims-lint read it; run again)",
                visible(self.0.path()),
                self.0.span,
                primary_label(self.0)
            );
        }
        Some(match &self.0.blame {
            Some(b) => Box::new(format!("{help}\n{}", visible(&b.describe()))),
            None => Box::new(help),
        })
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match &self.2 {
            Some(snippet) => Some(snippet),
            None => self.1.map(|s| s as &dyn SourceCode),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if let Some(snippet) = &self.2 {
            return Some(Box::new(snippet.labels.iter().cloned()));
        }
        self.1?;
        let f = self.0;
        let primary =
            LabeledSpan::new_primary_with_span(Some(primary_label(f)), f.span.to_source_span());
        let related = f.related.iter().map(|(span, label)| {
            LabeledSpan::new_with_span(Some(visible(label).into_owned()), span.to_source_span())
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// The last line: what was found in how many documents, and what was not shown; its colour.
fn summary(outcome: &Outcome) -> (String, &'static str) {
    let counts = Counts::of(outcome);
    let total = outcome.findings.len();
    let docs = outcome.documents.len();
    let (mark, colour) = if total == 0 && docs > 0 {
        ("✔", "\x1b[32m")
    } else if total == 0 {
        ("⚠", "\x1b[33m")
    } else {
        ("✖", "\x1b[31m")
    };
    let (mark, colour) = if outcome.errors.is_empty() {
        (mark, colour)
    } else {
        ("✖", "\x1b[31m")
    };
    let mut line = if !outcome.errors.is_empty() {
        // Nothing that reads as a pass when the run failed.
        format!(
            "{mark} the run failed ({} below): {} in {} checked before it",
            plural(outcome.errors.len(), "error"),
            plural(total, "finding"),
            plural(docs, "document")
        )
    } else if total == 0 && docs == 0 {
        format!("{mark} no AIMS documents found: nothing was checked")
    } else if total == 0 {
        format!("{mark} no findings in {}", plural(docs, "document"))
    } else {
        let parts: Vec<String> = [Severity::Error, Severity::Warning, Severity::Info]
            .into_iter()
            .filter(|s| counts.of_severity(*s) > 0)
            .map(|s| plural(counts.of_severity(s), s.as_str()))
            .collect();
        // Findings are on documents, and on files that are not (the configuration a change
        // edited, a link in a document's place): each counted where it is.
        let documents: std::collections::BTreeSet<&str> =
            outcome.documents.iter().map(|d| d.rel.as_str()).collect();
        let paths: std::collections::BTreeSet<&str> =
            outcome.findings.iter().map(Finding::path).collect();
        let with = paths.iter().filter(|p| documents.contains(*p)).count();
        let elsewhere = plural(paths.len() - with, "other file");
        let found = format!("{mark} {} ({})", plural(total, "finding"), parts.join(", "));
        let checked = plural(docs, "document");
        match (docs, with, paths.len() - with) {
            (0, _, _) => format!("{found} in {elsewhere}; no AIMS document was checked"),
            (_, _, 0) => format!("{found} in {with} of {checked} checked"),
            (_, 0, _) => format!("{found} in {elsewhere}, none in the {checked} checked"),
            _ => format!("{found} in {with} of {checked} checked and in {elsewhere}"),
        }
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
    (line, colour)
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
    // The file last read again, by name: findings are sorted by path, so each is read once.
    let mut again: Option<(&str, Option<Arc<SourceFile>>)> = None;
    for f in &outcome.findings {
        buf.clear();
        let source = if f.source.is_detached() {
            match &again {
                Some((name, source)) if *name == f.path() => source.clone(),
                _ => {
                    let source = opts.root.as_deref().and_then(|r| f.source.read_again(r));
                    again = Some((f.path(), source.clone()));
                    source
                }
            }
        } else {
            Some(Arc::clone(&f.source))
        };
        let src = source.as_deref();
        let rendered = Rendered(f, src, src.and_then(|s| snippet(f, s)));
        // Rendering into a String cannot fail for I/O reasons; a formatting error would be a
        // bug in miette, and the plain line below still says what was found.
        if handler.render_report(&mut buf, &rendered).is_err() {
            buf = format!(
                "{}:{}: {}\n",
                visible(f.path()),
                f.span,
                visible(&f.message)
            );
        }
        out.write_all(buf.as_bytes())?;
        writeln!(out)?;
    }
    let (line, colour) = summary(outcome);
    if opts.color {
        writeln!(out, "{colour}{line}\x1b[0m")?;
    } else {
        writeln!(out, "{line}")?;
    }
    if outcome.history == History::Truncated {
        writeln!(out, "{TRUNCATED}")?;
    }
    if let Some(since) = &outcome.changed {
        touched(out, since)?;
    }
    Ok(())
}

/// With `--changed-since`: the controls whose evidence changed, what needs a new approval,
/// and, with `--fail-on-regression`, the controls that got worse.
fn touched(out: &mut dyn Write, since: &crate::changes::Since) -> io::Result<()> {
    let touched: Vec<&str> = since
        .controls
        .iter()
        .filter(|c| !c.documents.is_empty())
        .map(|c| c.id.as_str())
        .collect();
    if !touched.is_empty() {
        writeln!(
            out,
            "the change touches the evidence of {}",
            touched.join(", ")
        )?;
    }
    let mut approve: Vec<String> = since
        .controls
        .iter()
        .flat_map(|c| &c.documents)
        .filter(|d| d.needs_reapproval)
        .map(|d| visible(&d.path).into_owned())
        .collect();
    approve.sort();
    approve.dedup();
    if !approve.is_empty() {
        writeln!(out, "needs a new approval: {}", approve.join(", "))?;
    }
    if since.fail_on_regression {
        let worse: Vec<String> = since
            .controls
            .iter()
            .filter(|c| c.regressed())
            .map(|c| {
                format!(
                    "{} ({} → {} errors)",
                    c.id,
                    c.errors_at_base.unwrap_or(0),
                    c.errors
                )
            })
            .collect();
        if worse.is_empty() {
            writeln!(
                out,
                "no control has more error findings than at the merge base {}",
                since.short_base()
            )?;
        } else {
            writeln!(
                out,
                "worse than at the merge base {}: {}",
                since.short_base(),
                worse.join(", ")
            )?;
        }
    }
    Ok(())
}
