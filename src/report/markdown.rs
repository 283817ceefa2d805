//! A Markdown summary for `$GITHUB_STEP_SUMMARY`: counts per control and severity, then a table
//! of findings with links to the lines and who last changed them.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::github::{SHOWN_PER_LEVEL, ordered};
use super::{Counts, plural};
use crate::controls;
use crate::finding::Severity;
use crate::run::Outcome;

/// Findings listed in the table; the rest are counted.
const TABLE_ROWS: usize = 200;

/// Text in a table cell: on one line, with no control character (see [`crate::visible`]), and
/// nothing that Markdown or HTML would read as markup: `|` and the ASCII punctuation that
/// makes emphasis, code, links, images and tables are escaped with a backslash, `<`, `>` and
/// `&` are written as entities.
pub(crate) fn cell(s: &str) -> String {
    let s = crate::visible::visible(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '!' | '|' | '~' | '#' | '{' | '}'
            | '+' | '=' | '^' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` as a code span in a table cell: fenced with more backticks than it holds in a row,
/// padded with a space where it starts or ends with a backtick, `|` escaped (GitHub's tables
/// split cells at `|` even inside code).
pub(crate) fn code(s: &str) -> String {
    let s = crate::visible::visible(s);
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{}{pad}{fence}", s.replace('|', "\\|"))
}

/// How many findings of each level GitHub does not show as annotations.
fn not_annotated(out: &mut dyn Write, [errors, warnings, infos]: [usize; 3]) -> io::Result<()> {
    let hidden: Vec<String> = [(errors, "error"), (warnings, "warning"), (infos, "notice")]
        .iter()
        .filter(|(n, _)| *n > SHOWN_PER_LEVEL)
        .map(|(n, w)| format!("{} {w}s", n - SHOWN_PER_LEVEL))
        .collect();
    if hidden.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "> GitHub shows {SHOWN_PER_LEVEL} annotations of each level per step: {} are only in this summary.\n",
        hidden.join(" and ")
    )
}

/// Findings that are not reported and why: a reviewer should see how much is waived.
fn not_shown(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    let mut parts = Vec::new();
    if !outcome.suppressed.is_empty() {
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for s in &outcome.suppressed {
            *reasons
                .entry(s.by.reason.as_deref().unwrap_or(""))
                .or_default() += 1;
        }
        parts.push(format!(
            "{} waived by inline suppressions ({})",
            plural(outcome.suppressed.len(), "finding"),
            reasons
                .iter()
                .map(|(r, n)| format!("{n} × “{}”", cell(r)))
                .collect::<Vec<_>>()
                .join("; ")
        ));
    }
    if let Some(c) = &outcome.changed {
        parts.push(format!(
            "{} in files not changed since {} (merge base `{}`)",
            plural(c.unchanged, "finding"),
            code(&c.reference),
            c.short_base()
        ));
    }
    if outcome.baselined > 0 {
        parts.push(format!(
            "{} recorded in the baseline",
            plural(outcome.baselined, "finding")
        ));
    }
    if parts.is_empty() {
        return Ok(());
    }
    writeln!(out, "Not reported: {}.\n", parts.join("; "))
}

/// With `--changed-since`: the controls whose evidence the change touched, who changed it,
/// what needs a new approval, and, with `--fail-on-regression`, which controls got worse.
fn touched(out: &mut dyn Write, outcome: &Outcome) -> io::Result<()> {
    let Some(since) = outcome.changed.as_ref() else {
        return Ok(());
    };
    if since.fail_on_regression {
        let worse: Vec<String> = since
            .controls
            .iter()
            .filter(|c| c.regressed())
            .map(|c| code(&c.id))
            .collect();
        if worse.is_empty() {
            writeln!(
                out,
                "No control has more error findings than at the merge base `{}`.\n",
                since.short_base()
            )?;
        } else {
            writeln!(
                out,
                "**{} more error findings than at the merge base `{}`:** {}.\n",
                if worse.len() == 1 {
                    "1 control has".to_string()
                } else {
                    format!("{} controls have", worse.len())
                },
                since.short_base(),
                worse.join(", ")
            )?;
        }
    }
    if since.controls.is_empty() {
        return writeln!(
            out,
            "The change touches the evidence of no Annex A control.\n"
        );
    }
    writeln!(
        out,
        "### Controls whose evidence the change touches\n\n| Control | Documents | Changed by | Needs re-approval | Errors |\n|---|---|---|---|---:|"
    )?;
    let list = |items: Vec<String>| {
        let mut items = items;
        items.sort();
        items.dedup();
        items.join(", ")
    };
    for c in &since.controls {
        let documents = list(c.documents.iter().map(|d| code(&d.path)).collect());
        let by = list(
            c.documents
                .iter()
                .flat_map(|d| {
                    d.changed_by
                        .iter()
                        .map(|a| cell(a))
                        .chain(d.uncommitted.then(|| "(not committed)".to_string()))
                })
                .collect(),
        );
        let approve = list(
            c.documents
                .iter()
                .filter(|d| d.needs_reapproval)
                .map(|d| code(&d.path))
                .collect(),
        );
        let errors = match c.errors_at_base {
            Some(base) if c.regressed() => format!("**{base} → {}**", c.errors),
            Some(base) => format!("{base} → {}", c.errors),
            None => c.errors.to_string(),
        };
        writeln!(
            out,
            "| {} | {documents} | {by} | {approve} | {errors} |",
            cell(&format!("{} {}", c.id, c.title))
        )?;
    }
    writeln!(out)
}

/// The heading for a failed run, a run that checked nothing, or a clean one; whether the
/// findings follow.
fn verdict(out: &mut dyn Write, outcome: &Outcome) -> io::Result<bool> {
    let total = outcome.findings.len();
    if !outcome.errors.is_empty() {
        writeln!(
            out,
            "## aims-lint: the run failed\n\n{} (see the log); {} in {} checked before it.\n",
            plural(outcome.errors.len(), "error"),
            plural(total, "finding"),
            plural(outcome.documents.len(), "document")
        )?;
        if total == 0 {
            return Ok(false);
        }
    } else if outcome.documents.is_empty() && total == 0 {
        // With findings and no document (a link in the only document's place, every document
        // deleted), the findings follow: the summary must not read as nothing to see.
        writeln!(
            out,
            "## aims-lint: no AIMS documents found\n\nNothing was checked."
        )?;
        return Ok(false);
    } else if total == 0 {
        writeln!(
            out,
            "## aims-lint: no findings\n\n{} checked.",
            plural(outcome.documents.len(), "document")
        )?;
        return Ok(false);
    }
    Ok(true)
}

/// `link_base`: where a path's blob is, e.g. `https://github.com/o/r/blob/<sha>`; from the
/// GitHub environment when it is there.
pub(super) fn write(
    out: &mut dyn Write,
    outcome: &Outcome,
    link_base: Option<&str>,
) -> io::Result<()> {
    let counts = Counts::of(outcome);
    let [errors, warnings, infos] =
        [Severity::Error, Severity::Warning, Severity::Info].map(|s| counts.of_severity(s));
    let total = outcome.findings.len();
    if !verdict(out, outcome)? {
        not_shown(out, outcome)?;
        return touched(out, outcome);
    }
    writeln!(
        out,
        "## aims-lint: {} ({}, {}, {}) in {}\n",
        plural(total, "finding"),
        plural(errors, "error"),
        plural(warnings, "warning"),
        plural(infos, "info"),
        plural(outcome.documents.len(), "document")
    )?;
    not_shown(out, outcome)?;
    touched(out, outcome)?;
    not_annotated(out, [errors, warnings, infos])?;
    let mut per_control: BTreeMap<(Vec<u32>, String), [usize; 3]> = BTreeMap::new();
    for f in &outcome.findings {
        let control = f.rule.control.clone().unwrap_or_default();
        let order: Vec<u32> = control
            .trim_start_matches("A.")
            .split('.')
            .map(|n| n.parse().unwrap_or(u32::MAX))
            .collect();
        let slot = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Info => 2,
        };
        per_control.entry((order, control)).or_default()[slot] += 1;
    }
    writeln!(
        out,
        "| Control | Errors | Warnings | Infos |\n|---|---:|---:|---:|"
    )?;
    for ((_, control), [e, w, i]) in &per_control {
        let name = if control.is_empty() {
            "(syntax and other checks)".to_string()
        } else {
            format!("{control} {}", controls::title(control).unwrap_or_default())
        };
        writeln!(out, "| {} | {e} | {w} | {i} |", cell(&name))?;
    }
    writeln!(
        out,
        "\n| Severity | Rule | Location | Finding | Last changed by |\n|---|---|---|---|---|"
    )?;
    let findings = ordered(outcome);
    for f in findings.iter().take(TABLE_ROWS) {
        let place = format!("{}:{}", f.path(), f.span.start.line);
        let location = match link_base {
            Some(base) => format!(
                "[{}]({base}/{}#L{})",
                cell(&place),
                super::uri_path(f.path()),
                f.span.start.line
            ),
            None => code(&place),
        };
        let text = match &f.detail {
            Some(d) => format!("{} ({d})", f.message),
            None => f.message.clone(),
        };
        let who = f.blame.as_ref().map_or_else(String::new, |b| {
            match (&b.author_name, &b.commit, &b.author_time) {
                (Some(n), Some(c), Some(t)) => {
                    format!(
                        "{n}, {} on {}",
                        c.get(..7).unwrap_or(c),
                        t.get(..10).unwrap_or(t)
                    )
                }
                _ => b.describe(),
            }
        });
        writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            f.severity,
            code(&f.rule.id),
            location,
            cell(&text),
            cell(&who)
        )?;
    }
    if findings.len() > TABLE_ROWS {
        writeln!(
            out,
            "\n{} more; run `aims-lint check` for all.",
            plural(findings.len() - TABLE_ROWS, "finding")
        )?;
    }
    Ok(())
}
