//! The JSON format: one object with `findings`, `suppressed` (findings waived inline, with the
//! reason) and `summary`. Its schema is
//! schemas/report.schema.json; fields are only ever added, never renamed or removed.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Counts;
use crate::run::{History, Outcome};
use crate::source::Pos;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    findings: Vec<Finding<'a>>,
    suppressed: Vec<Suppressed<'a>>,
    summary: Summary<'a>,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    #[serde(flatten)]
    finding: Finding<'a>,
    suppression: Suppression<'a>,
}

#[derive(Serialize)]
struct Suppression<'a> {
    reason: Option<&'a str>,
    until: Option<&'a str>,
    span: Span,
}

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    control: Option<&'a str>,
    severity: &'a str,
    message: &'a str,
    detail: Option<&'a str>,
    help: &'a str,
    path: &'a str,
    span: Span,
    pointer: Option<&'a str>,
    blame: Option<&'a crate::blame::Blame>,
}

#[derive(Serialize)]
struct Span {
    start: LineColumn,
    end: LineColumn,
}

#[derive(Serialize)]
struct LineColumn {
    line: u32,
    column: u32,
}

impl<'a> Finding<'a> {
    fn of(f: &'a crate::finding::Finding) -> Self {
        Self {
            rule: &f.rule.id,
            control: f.rule.control.as_deref(),
            severity: f.severity.as_str(),
            message: &f.message,
            detail: f.detail.as_deref(),
            help: &f.rule.help,
            path: f.path(),
            span: f.span.into(),
            pointer: f.pointer.as_deref(),
            blame: f.blame.as_deref(),
        }
    }
}

impl From<crate::source::Span> for Span {
    fn from(s: crate::source::Span) -> Self {
        Self {
            start: s.start.into(),
            end: s.end.into(),
        }
    }
}

impl From<Pos> for LineColumn {
    fn from(p: Pos) -> Self {
        Self {
            line: p.line,
            column: p.column,
        }
    }
}

#[derive(Serialize)]
struct Summary<'a> {
    documents: &'a BTreeMap<String, usize>,
    documents_total: usize,
    findings: BTreeMap<&'static str, usize>,
    skipped: usize,
    history: Option<&'static str>,
    baselined: usize,
    suppressed: usize,
    changed_since: Option<ChangedSince<'a>>,
}

#[derive(Serialize)]
struct ChangedSince<'a> {
    reference: &'a str,
    merge_base: &'a str,
    unchanged: usize,
    fail_on_regression: bool,
    controls: Vec<TouchedControl<'a>>,
}

#[derive(Serialize)]
struct TouchedControl<'a> {
    #[serde(flatten)]
    control: &'a crate::touched::Control,
    regressed: bool,
}

pub(super) fn write(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    let counts = Counts::of(outcome);
    let report = Report {
        version: 1,
        findings: outcome.findings.iter().map(Finding::of).collect(),
        suppressed: outcome
            .suppressed
            .iter()
            .map(|s| Suppressed {
                finding: Finding::of(&s.finding),
                suppression: Suppression {
                    reason: s.by.reason.as_deref(),
                    until: s.by.until.as_deref(),
                    span: s.by.span.into(),
                },
            })
            .collect(),
        summary: Summary {
            documents: &counts.documents,
            documents_total: outcome.documents.len(),
            findings: counts
                .findings
                .iter()
                .map(|(s, n)| (s.as_str(), *n))
                .collect(),
            skipped: outcome.skipped.len(),
            baselined: outcome.baselined,
            suppressed: outcome.suppressed.len(),
            changed_since: outcome.changed.as_ref().map(|c| ChangedSince {
                reference: &c.reference,
                merge_base: &c.merge_base,
                unchanged: c.unchanged,
                fail_on_regression: c.fail_on_regression,
                controls: c
                    .controls
                    .iter()
                    .map(|control| TouchedControl {
                        control,
                        regressed: control.regressed(),
                    })
                    .collect(),
            }),
            history: match outcome.history {
                History::None => None,
                History::Complete => Some("complete"),
                History::Truncated => Some("truncated"),
            },
        },
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
