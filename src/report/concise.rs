//! `path:line:col: severity[rule-id] message (detail)`, one finding per line: for editors'
//! problem matchers and for grep.

use std::io::{self, Write};

use crate::lint::Outcome;

pub(super) fn write(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    for f in &outcome.findings {
        write!(
            out,
            "{}:{}:{}: {}[{}] {}",
            f.path(),
            f.span.start.line,
            f.span.start.column,
            f.severity,
            f.rule.id,
            f.message
        )?;
        match &f.detail {
            Some(d) => writeln!(out, " ({d})")?,
            None => writeln!(out)?,
        }
    }
    Ok(())
}
