//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`,
//! one per finding, which GitHub shows as annotations on the pull request.
//!
//! GitHub shows at most 10 annotations of each level per step, so findings are written most
//! severe first; `--format markdown` (the step summary) says how many were not shown.

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::run::Outcome;

/// Annotations GitHub shows per level and step.
pub const SHOWN_PER_LEVEL: usize = 10;

fn command(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// Escape a message: `%`, CR and LF as the runner decodes them, and every other control
/// character written visibly (see [`crate::visible`]), so that nothing in it ends the command.
#[must_use]
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if crate::visible::is_unsafe(c) => {
                out.push_str(&crate::visible::visible(c.encode_utf8(&mut [0; 4])));
            }
            c => out.push(c),
        }
    }
    out
}

/// Escape a property value: as data, and also `:` and `,`.
#[must_use]
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Findings in the order they are written: errors, then warnings, then infos; within a level,
/// in the report's order.
#[must_use]
pub fn ordered(outcome: &Outcome) -> Vec<&Finding> {
    let mut findings: Vec<&Finding> = outcome.findings.iter().collect();
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    findings
}

pub(super) fn write(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    for f in ordered(outcome) {
        let title = match &f.rule.control {
            Some(c) => format!("{} ({c})", f.rule.id),
            None => f.rule.id.clone(),
        };
        let mut message = match &f.detail {
            Some(d) => format!("{} ({d})\n{}", f.message, f.rule.help.trim()),
            None => format!("{}\n{}", f.message, f.rule.help.trim()),
        };
        if let Some(b) = &f.blame {
            message.push('\n');
            message.push_str(&b.describe());
        }
        writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(f.severity),
            escape_property(f.path()),
            f.span.start.line,
            f.span.start.column,
            f.span.end.line,
            f.span.end.column,
            escape_property(&title),
            escape_data(&message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(escape_data("50% done\r\nnext"), "50%25 done%0D%0Anext");
        assert_eq!(escape_property("a,b:c%"), "a%2Cb%3Ac%25");
        assert_eq!(
            escape_data("x\u{1b}]0;t\u{7}\u{85}"),
            "x\\x1b]0;t\\x07\\x85"
        );
    }
}
