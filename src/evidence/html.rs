//! The report as one self-contained HTML page: inline CSS and SVG, no script, no font or
//! image fetched from anywhere. Readable on screen and printed to PDF (each area starts a page),
//! with headings, table semantics, and every status written in words beside its colour.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Control, Report, Status};

/// Text for HTML: escaped, and without control characters.
fn esc(text: &str) -> String {
    crate::visible::visible(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The colour of a status (white text on each has a contrast of at least 4.5:1) and a mark
/// that says the same without colour.
fn style(s: Status) -> (&'static str, &'static str) {
    match s {
        Status::Satisfied => ("#1a7f37", "✔"),
        Status::Findings => ("#9a4d00", "!"),
        Status::NoEvidence => ("#b91c1c", "✖"),
        Status::Excluded => ("#57606a", "–"),
        Status::OutOfScope => ("#6e40c9", "○"),
    }
}

fn slug(s: Status) -> &'static str {
    match s {
        Status::Satisfied => "satisfied",
        Status::Findings => "findings",
        Status::NoEvidence => "no-evidence",
        Status::Excluded => "excluded",
        Status::OutOfScope => "out-of-scope",
    }
}

const CSS: &str = "
:root { color: #1f2328; background: #fff; font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', sans-serif; }
body { max-width: 72rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 1.05rem; margin-top: 1.4rem; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font: .85rem ui-monospace, 'SFMono-Regular', Menlo, monospace; overflow-wrap: anywhere; }
.status { display: inline-block; color: #fff; border-radius: .3rem; padding: 0 .4rem; font-weight: 600; white-space: nowrap; }
dl.context { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.context dt { font-weight: 600; } dl.context dd { margin: 0; overflow-wrap: anywhere; }
.legend span { margin-right: 1rem; white-space: nowrap; }
@media print {
  :root { font-size: 11pt; } body { margin: 0; max-width: none; }
  section.area { break-before: page; }
  tr, .control { break-inside: avoid; }
  .status { border: 1px solid #000; }
}
";

/// Write `report` as HTML.
///
/// # Errors
/// Writing fails.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>ISO/IEC 42001 Annex A: audit evidence report</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n<h1>ISO/IEC 42001 Annex A: audit evidence report</h1>\n<dl class=\"context\">\n"
    );
    for (k, v) in super::markdown::context_lines(report) {
        let _ = writeln!(s, "<dt>{}</dt><dd><code>{}</code></dd>", esc(&k), esc(&v));
    }
    s.push_str("</dl>\n<h2 id=\"totals\">Totals</h2>\n");
    chart(&mut s, report);
    let _ = write!(
        s,
        "<table id=\"totals-table\">\n<caption>Controls by status and area</caption>\n<thead><tr><th scope=\"col\">Area</th>"
    );
    for st in Status::ALL {
        let _ = write!(s, "<th scope=\"col\">{}</th>", esc(st.label()));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for a in &report.areas {
        let _ = write!(s, "<tr><th scope=\"row\">{}</th>", esc(&a.label()));
        for st in Status::ALL {
            let _ = write!(
                s,
                "<td class=\"n\">{}</td>",
                a.counts.get(&st).copied().unwrap_or(0)
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("<tr><th scope=\"row\">38 Annex A controls</th>");
    for st in Status::ALL {
        let _ = write!(
            s,
            "<td class=\"n\"><strong>{}</strong></td>",
            report.totals.get(&st).copied().unwrap_or(0)
        );
    }
    s.push_str("</tr>\n</tbody>\n</table>\n");
    let _ = write!(
        s,
        "<table id=\"controls\">\n<caption>Every control</caption>\n<thead><tr><th scope=\"col\">Control</th><th scope=\"col\">Status</th><th scope=\"col\">Established</th><th scope=\"col\">Applicable</th><th scope=\"col\">Evidence</th><th scope=\"col\">Findings</th></tr></thead>\n<tbody>\n"
    );
    for c in &report.controls {
        row(&mut s, c);
    }
    s.push_str("</tbody>\n</table>\n");
    for a in &report.areas {
        let _ = write!(
            s,
            "<section class=\"area\" id=\"area-{}\">\n<h2>{}</h2>\n",
            esc(&a.id),
            esc(&a.label())
        );
        for c in report.controls.iter().filter(|c| c.area == a.id) {
            control(&mut s, c);
        }
        s.push_str("</section>\n");
    }
    s.push_str("<section id=\"manifest\">\n<h2>Manifest</h2>\n<p>Every cited file, with the git blob id of the bytes reported on (<code>git hash-object FILE</code> gives it).</p>\n<table>\n<caption>Cited files</caption>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Blob</th></tr></thead>\n<tbody>\n");
    for m in &report.manifest {
        let _ = writeln!(
            s,
            "<tr><td><code>{}</code></td><td><code>{}</code></td></tr>",
            esc(&m.path),
            esc(&m.blob)
        );
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
    if !report.errors.is_empty() {
        s.push_str("<section><h2>Files that could not be read</h2>\n<ul>\n");
        for e in &report.errors {
            let _ = writeln!(s, "<li>{}</li>", esc(e));
        }
        s.push_str("</ul>\n</section>\n");
    }
    s.push_str("</main>\n</body>\n</html>\n");
    out.write_all(s.as_bytes())
}

fn badge(st: Status) -> String {
    let (colour, mark) = style(st);
    format!(
        "<span class=\"status {}\" style=\"background:{colour}\">{mark} {}</span>",
        slug(st),
        esc(st.label())
    )
}

fn established(c: &Control) -> String {
    c.established
        .iter()
        .map(|m| esc(m.label()))
        .collect::<Vec<_>>()
        .join("; ")
}

fn row(s: &mut String, c: &Control) {
    let applicable = match c.applicability.applicable {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not listed",
    };
    let evidence = c.evidence.iter().filter(|e| e.counts()).count();
    let _ = writeln!(
        s,
        "<tr><th scope=\"row\"><a href=\"#c-{0}\">{0}</a> {1}</th><td>{2}</td><td>{3}</td><td>{applicable}</td><td class=\"n\">{evidence}</td><td class=\"n\">{4}</td></tr>",
        esc(&c.id),
        esc(&c.title),
        badge(c.status),
        established(c),
        c.findings.len()
    );
}

fn control(s: &mut String, c: &Control) {
    let _ = write!(
        s,
        "<div class=\"control\" id=\"c-{0}\">\n<h3>{0} {1}</h3>\n<p>{2} {3}</p>\n",
        esc(&c.id),
        esc(&c.title),
        badge(c.status),
        established(c)
    );
    if let Some(j) = &c.applicability.justification {
        let _ = writeln!(s, "<p>Justification: {}</p>", esc(j));
    }
    if let Some(st) = &c.applicability.status {
        let _ = writeln!(s, "<p>Implementation: {}</p>", esc(st));
    }
    if !c.evidence.is_empty() {
        let _ = write!(
            s,
            "<table>\n<caption>Evidence for {}</caption>\n<thead><tr><th scope=\"col\">File</th><th scope=\"col\">Kind</th><th scope=\"col\">Last substantive change</th><th scope=\"col\">Approved</th></tr></thead>\n<tbody>\n",
            esc(&c.id)
        );
        for e in &c.evidence {
            let note = if e.missing {
                " (missing)"
            } else if e.placeholder {
                " (placeholder: not evidence)"
            } else {
                ""
            };
            let changed = e.last_change.as_ref().map_or_else(String::new, |l| {
                format!(
                    "{} by {} (<code>{}</code>)",
                    esc(&l.date),
                    esc(&l.author),
                    esc(l.commit.get(..7).unwrap_or(&l.commit))
                )
            });
            let approved = e.approval.as_ref().map_or_else(String::new, |a| {
                format!(
                    "{}{}",
                    esc(&a.by),
                    a.date
                        .as_deref()
                        .map_or_else(String::new, |d| format!(", {}", esc(d)))
                )
            });
            let _ = writeln!(
                s,
                "<tr><td><code>{}</code>{note}</td><td>{}</td><td>{changed}</td><td>{approved}</td></tr>",
                esc(&e.path),
                esc(e.kind.as_deref().unwrap_or("-"))
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    if !c.findings.is_empty() {
        let _ = write!(
            s,
            "<table>\n<caption>Findings for {}</caption>\n<thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Rule</th><th scope=\"col\">Location</th><th scope=\"col\">Finding</th></tr></thead>\n<tbody>\n",
            esc(&c.id)
        );
        for f in &c.findings {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td><code>{}</code></td><td><code>{}:{}</code></td><td>{}</td></tr>",
                f.severity,
                esc(&f.rule),
                esc(&f.path),
                f.line,
                esc(&f.message)
            );
        }
        s.push_str("</tbody>\n</table>\n");
    }
    s.push_str("</div>\n");
}

/// A bar per area, one segment per status, each with its count written in it; a legend
/// names the statuses, and the table after the chart gives the same numbers.
fn chart(html: &mut String, report: &Report) {
    const ROW: usize = 28;
    const LABEL: usize = 190;
    const BAR: usize = 560;
    let height = ROW * report.areas.len() + 10;
    let _ = write!(
        html,
        "<figure>\n<svg id=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"chart-title\">Controls by status for each area; the table below gives the numbers</title>\n",
        LABEL + BAR,
        LABEL + BAR
    );
    let widest = report
        .areas
        .iter()
        .map(|a| a.counts.values().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1);
    for (row, a) in report.areas.iter().enumerate() {
        let top = row * ROW + 4;
        let _ = writeln!(
            html,
            "<text x=\"0\" y=\"{}\" font-size=\"13\" fill=\"#1f2328\">{}</text>",
            top + 16,
            esc(&truncate(&a.label(), 26))
        );
        let mut x = LABEL;
        for st in Status::ALL {
            let count = a.counts.get(&st).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let width = count * BAR / widest;
            let (colour, _) = style(st);
            let _ = writeln!(
                html,
                "<rect class=\"{}\" x=\"{x}\" y=\"{top}\" width=\"{width}\" height=\"{}\" fill=\"{colour}\"><title>{} {}: {count}</title></rect><text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#fff\" text-anchor=\"middle\">{count}</text>",
                slug(st),
                ROW - 6,
                esc(&a.id),
                esc(st.label()),
                x + width / 2,
                top + 16
            );
            x += width;
        }
    }
    html.push_str("</svg>\n<figcaption class=\"legend\">");
    for st in Status::ALL {
        let _ = write!(html, "<span>{}</span>", badge(st));
    }
    html.push_str("</figcaption>\n</figure>\n");
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut t: String = text.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}
