//! The report as Markdown: totals, each area's controls in a table, then each control with
//! its evidence, rules and findings, and the manifest.

use std::io::{self, Write};

use super::{Control, Report, Status};

use crate::report::markdown::{cell, code};

fn short(commit: &str) -> &str {
    commit.get(..7).unwrap_or(commit)
}

/// The run's context, as lines.
pub(super) fn context_lines(report: &Report) -> Vec<(String, String)> {
    let c = &report.context;
    let mut lines = vec![(
        "Reported on".to_string(),
        match (c.source, &c.commit) {
            ("commit", Some(id)) => format!("commit {id} (read from git objects)"),
            (_, Some(id)) => format!("the work tree, at HEAD {id}"),
            _ => "the files as they are (no commit)".to_string(),
        },
    )];
    if let Some(d) = &c.judged_on {
        lines.push(("Judged on".to_string(), d.clone()));
    }
    lines.push(("aims-lint".to_string(), c.version.to_string()));
    lines.push((
        "Configuration (blob)".to_string(),
        c.configuration
            .clone()
            .unwrap_or_else(|| "none: the defaults".to_string()),
    ));
    lines.push((
        "Rules (blob of all rule files)".to_string(),
        c.rules.clone(),
    ));
    lines
}

fn established(c: &Control) -> String {
    c.established
        .iter()
        .map(|m| m.label())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Write `report` as Markdown.
///
/// # Errors
/// Writing fails.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    writeln!(out, "# ISO/IEC 42001 Annex A: audit evidence report\n")?;
    for (k, v) in context_lines(report) {
        // Ids, dates and the version: nothing a document wrote.
        writeln!(out, "- {k}: {}", crate::visible::visible(&v))?;
    }
    writeln!(out, "\n## Totals\n")?;
    writeln!(
        out,
        "| Area | {} |",
        Status::ALL.map(Status::label).join(" | ")
    )?;
    writeln!(out, "|---|{}", "---:|".repeat(Status::ALL.len()))?;
    for a in &report.areas {
        let n: Vec<String> = Status::ALL
            .iter()
            .map(|s| a.counts.get(s).copied().unwrap_or(0).to_string())
            .collect();
        writeln!(out, "| {} | {} |", cell(&a.label()), n.join(" | "))?;
    }
    let n: Vec<String> = Status::ALL
        .iter()
        .map(|s| report.totals.get(s).copied().unwrap_or(0).to_string())
        .collect();
    writeln!(out, "| **38 Annex A controls** | {} |", n.join(" | "))?;
    for a in &report.areas {
        writeln!(out, "\n## {}\n", a.label())?;
        writeln!(
            out,
            "| Control | Status | Established | Applicable | Evidence | Findings |\n|---|---|---|---|---|---:|"
        )?;
        for c in report.controls.iter().filter(|c| c.area == a.id) {
            let applicable = match c.applicability.applicable {
                Some(true) => "yes",
                Some(false) => "no",
                None => "not listed",
            };
            let evidence: Vec<String> = c
                .evidence
                .iter()
                .map(|e| {
                    let note = if e.missing {
                        " (missing)"
                    } else if e.placeholder {
                        " (placeholder: not evidence)"
                    } else {
                        ""
                    };
                    format!("{}{note}", code(&e.path))
                })
                .collect();
            writeln!(
                out,
                "| {} {} | {} | {} | {applicable} | {} | {} |",
                c.id,
                cell(&c.title),
                c.status.label(),
                established(c),
                evidence.join(", "),
                c.findings.len()
            )?;
        }
        for c in report.controls.iter().filter(|c| c.area == a.id) {
            control(out, c)?;
        }
    }
    writeln!(
        out,
        "\n## Manifest\n\nEvery cited file, with the git blob id of the bytes reported on (`git hash-object FILE` gives it).\n"
    )?;
    writeln!(out, "| File | Blob |\n|---|---|")?;
    for m in &report.manifest {
        writeln!(out, "| {} | {} |", code(&m.path), code(&m.blob))?;
    }
    if !report.errors.is_empty() {
        writeln!(out, "\n## Files that could not be read\n")?;
        for e in &report.errors {
            writeln!(out, "- {}", cell(e))?;
        }
    }
    Ok(())
}

/// One control's details.
fn control(out: &mut dyn Write, c: &Control) -> io::Result<()> {
    writeln!(out, "\n### {} {}\n", c.id, c.title)?;
    writeln!(
        out,
        "Status: **{}** ({}).",
        c.status.label(),
        established(c)
    )?;
    if let Some(j) = &c.applicability.justification {
        writeln!(out, "Justification: {}", cell(j))?;
    }
    if let Some(s) = &c.applicability.status {
        writeln!(out, "Implementation: {}", cell(s))?;
    }
    if !c.evidence.is_empty() {
        writeln!(
            out,
            "\n| Evidence | Kind | Last substantive change | Approved |\n|---|---|---|---|"
        )?;
        for e in &c.evidence {
            let changed = e.last_change.as_ref().map_or_else(String::new, |l| {
                format!("{} by {} ({})", l.date, cell(&l.author), short(&l.commit))
            });
            let approved = e.approval.as_ref().map_or_else(String::new, |a| {
                format!(
                    "{}{}",
                    cell(&a.by),
                    a.date
                        .as_deref()
                        .map_or_else(String::new, |d| format!(", {d}"))
                )
            });
            writeln!(
                out,
                "| {} | {} | {changed} | {approved} |",
                code(&e.path),
                e.kind.as_deref().unwrap_or("-")
            )?;
        }
    }
    if !c.findings.is_empty() {
        writeln!(
            out,
            "\n| Severity | Rule | Location | Finding |\n|---|---|---|---|"
        )?;
        for f in &c.findings {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                f.severity,
                code(&f.rule),
                code(&format!("{}:{}", f.path, f.line)),
                cell(&f.message)
            )?;
        }
    }
    Ok(())
}
