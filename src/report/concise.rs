//! `path:line:col: severity[rule-id] message (detail)`, one finding per line: for editors'
//! problem matchers and for grep.

use std::io::{self, Write};

use crate::run::Outcome;
use crate::visible::visible;

pub(super) fn write(out: &mut dyn Write, outcome: &Outcome, blame: bool) -> io::Result<()> {
    for f in &outcome.findings {
        write!(
            out,
            "{}:{}:{}: {}[{}] {}",
            visible(f.path()),
            f.span.start.line,
            f.span.start.column,
            f.severity,
            visible(&f.rule.id),
            visible(&f.message)
        )?;
        if let Some(d) = &f.detail {
            write!(out, " ({})", visible(d))?;
        }
        if blame && let Some(b) = &f.blame {
            match (&b.commit, &b.author_name, &b.author_email, &b.author_time) {
                (Some(c), Some(n), Some(e), Some(t)) => {
                    write!(
                        out,
                        " [{} <{}> {} {}]",
                        visible(n),
                        visible(e),
                        visible(c.get(..7).unwrap_or(c)),
                        visible(t.get(..10).unwrap_or(t))
                    )?;
                }
                _ => write!(
                    out,
                    " [{}]",
                    serde_json::to_value(b.status)
                        .unwrap_or_default()
                        .as_str()
                        .unwrap_or("")
                )?,
            }
        }
        writeln!(out)?;
    }
    Ok(())
}
