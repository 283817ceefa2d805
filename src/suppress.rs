//! Inline suppressions that an auditor can accept: a comment in the document names the rules
//! it waives, says why, and may say until when.
//!
//! ```yaml
//! # aims-lint: disable dataset-sheet-missing-quality-criteria reason="public benchmark, quality is the publisher's" until=2027-06-30
//! quality: {}
//! ```
//!
//! ```markdown
//! <!-- aims-lint: disable-file model-card-missing-license reason="licence is in LICENSE at the root" -->
//! ```
//!
//! `disable` waives findings on its own line when it trails content, else on the next line that
//! is neither blank nor a comment; `disable-file` waives them anywhere in the file. Rules are
//! named by id or by control (`A.7.4`), comma-separated. YAML files and Markdown front matter
//! use `#` comments; the Markdown body uses HTML comments (outside code blocks).
//!
//! A suppression waives nothing, and is itself a finding, when it has no reason, names an
//! unknown rule, has an invalid date, is past its date, or when aims-lint.toml forbids inline
//! suppressions. One that waives nothing is reported as unused. Waived findings are kept: the
//! JSON report lists them with the reason, SARIF marks them as suppressed.

use std::fmt::Write as _;
use std::ops::RangeInclusive;
use std::sync::{Arc, LazyLock};

use pulldown_cmark::{Event, Parser, Tag};

use crate::finding::{Finding, RuleInfo};
use crate::parse::Format;
use crate::parse::markdown::{FrontMatterState, front_matter};
use crate::rules::Registry;
use crate::selection::Selector;
use crate::source::{SourceFile, Span};

/// What starts a suppression inside a comment.
pub const MARKER: &str = "aims-lint:";

/// A suppression comment that cannot be read: unknown directive or rule, bad date.
pub static INVALID: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("suppression-invalid"));

/// A suppression without a reason.
pub static MISSING_REASON: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("suppression-missing-reason"));

/// A suppression past its `until` date.
pub static EXPIRED: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("suppression-expired"));

/// A suppression that waives no finding.
pub static UNUSED: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("suppression-unused"));

/// A suppression where aims-lint.toml forbids them.
pub static FORBIDDEN: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("suppression-forbidden"));

/// The rules about suppression comments, for listings and SARIF.
#[must_use]
pub fn rules() -> [&'static Arc<RuleInfo>; 5] {
    [&INVALID, &MISSING_REASON, &EXPIRED, &UNUSED, &FORBIDDEN]
}

/// Which findings a suppression waives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Findings that start on this line.
    Line(u32),
    /// Findings anywhere in the file.
    File,
    /// Nothing: a `disable` with no line after it.
    Nothing,
}

/// One suppression comment, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The comment.
    pub span: Span,
    /// The text after the marker, white space collapsed: what `--changed-since` compares.
    pub text: String,
    /// What it waives.
    pub scope: Scope,
    /// The rule ids and controls named, as written.
    pub names: Vec<String>,
    /// Why.
    pub reason: Option<String>,
    /// Last day it applies, `YYYY-MM-DD`.
    pub until: Option<String>,
}

/// A finding that a suppression waived.
#[derive(Debug, Clone)]
pub struct Suppressed {
    /// The finding.
    pub finding: Finding,
    /// The suppression that waived it.
    pub by: Arc<Suppression>,
}

/// What the run allows, and what day it is.
pub struct Context<'a> {
    /// `false` when aims-lint.toml forbids inline suppressions.
    pub allow: bool,
    /// Today, `YYYY-MM-DD`.
    pub today: &'a str,
    /// The rules, to tell a known rule id.
    pub registry: &'a Registry,
}

/// The result of applying a file's suppressions.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings still reported, with the findings about the suppressions themselves.
    pub findings: Vec<Finding>,
    /// Findings waived.
    pub suppressed: Vec<Suppressed>,
    /// Every suppression comment of the file.
    pub suppressions: Vec<Arc<Suppression>>,
    /// The file, when it has suppression comments.
    pub source: Option<Arc<SourceFile>>,
}

/// The suppression comments of one file, read and validated: what they waive, and the
/// findings about the comments themselves. Built in the per-file stage, applied once every
/// rule of the run (per-document, corpus and history) has reported, so that a finding of a
/// later stage is waived like any other and "unused" means unused.
#[derive(Debug)]
pub struct Waivers {
    source: Arc<SourceFile>,
    suppressions: Vec<Arc<Suppression>>,
    active: Vec<(Arc<Suppression>, Vec<Selector>)>,
    notes: Vec<Finding>,
}

impl Waivers {
    /// Hold `detached` instead of `source` (see [`SourceFile::detached`]), in the findings
    /// about the comments too.
    pub fn detach(&mut self, source: &Arc<SourceFile>, detached: &Arc<SourceFile>) {
        if Arc::ptr_eq(&self.source, source) {
            self.source = Arc::clone(detached);
        }
        crate::finding::detach(&mut self.notes, source, detached);
    }

    /// The suppression comments of `source`, or `None` when it has none.
    #[must_use]
    pub fn of(source: &Arc<SourceFile>, format: Format, cx: &Context<'_>) -> Option<Self> {
        let suppressions: Vec<Arc<Suppression>> =
            scan(source, format).into_iter().map(Arc::new).collect();
        if suppressions.is_empty() {
            return None;
        }
        let mut notes = Vec::new();
        let mut active = Vec::new();
        for s in &suppressions {
            match validate(s, cx) {
                Ok(selectors) => active.push((Arc::clone(s), selectors)),
                Err((rule, detail)) => {
                    notes.push(Finding::new(rule, source, s.span).with_detail(detail));
                }
            }
        }
        Some(Self {
            source: Arc::clone(source),
            suppressions,
            active,
            notes,
        })
    }

    /// The suppression that waives `f`, if one does.
    fn waiver_of(&self, f: &Finding) -> Option<usize> {
        let line = f.span.start.line;
        self.active.iter().position(|(s, selectors)| {
            let here = match s.scope {
                Scope::File => true,
                Scope::Line(l) => l == line,
                Scope::Nothing => false,
            };
            here && selectors.iter().any(|sel| sel.matches(&f.rule))
        })
    }

    /// Whether a suppression waives `f`.
    #[must_use]
    pub fn waives(&self, f: &Finding) -> bool {
        self.waiver_of(f).is_some()
    }

    /// Apply the suppressions to `findings` (all of the file's).
    #[must_use]
    pub fn apply(self, findings: Vec<Finding>) -> Applied {
        let mut used = vec![false; self.active.len()];
        let mut out = Applied {
            suppressions: self.suppressions.clone(),
            source: Some(Arc::clone(&self.source)),
            ..Applied::default()
        };
        for f in findings {
            match self.waiver_of(&f) {
                Some(i) => {
                    used[i] = true;
                    out.suppressed.push(Suppressed {
                        finding: f,
                        by: Arc::clone(&self.active[i].0),
                    });
                }
                None => out.findings.push(f),
            }
        }
        let mut notes = self.notes;
        for ((s, selectors), used) in self.active.iter().zip(used) {
            if used {
                continue;
            }
            let mut detail = match s.scope {
                Scope::Nothing => "no line follows it".to_string(),
                Scope::Line(l) => format!("no finding of {} on line {l}", s.names.join(", ")),
                Scope::File => format!("no finding of {} in this file", s.names.join(", ")),
            };
            let elsewhere = out
                .findings
                .iter()
                .find(|f| selectors.iter().any(|sel| sel.matches(&f.rule)));
            if let Some(f) = elsewhere {
                let _ = write!(
                    detail,
                    "; the finding is on line {}: put the comment on the line before it",
                    f.span.start.line
                );
            }
            notes.push(Finding::new(&UNUSED, &self.source, s.span).with_detail(detail));
        }
        out.findings.extend(notes);
        out
    }
}

/// The selectors of `s`, or why it waives nothing.
fn validate(
    s: &Suppression,
    cx: &Context<'_>,
) -> Result<Vec<Selector>, (&'static Arc<RuleInfo>, String)> {
    if !cx.allow {
        return Err((
            &FORBIDDEN,
            "`[suppressions] inline = false` in aims-lint.toml".to_string(),
        ));
    }
    if s.names.is_empty() {
        return Err((&INVALID, "names no rule".to_string()));
    }
    let mut selectors = Vec::new();
    for name in &s.names {
        let selector = Selector::parse(name).map_err(|why| (&*INVALID, why))?;
        match &selector {
            Selector::Prefix(_) => {
                return Err((
                    &INVALID,
                    format!("`{name}` is a pattern; a suppression names rules or single controls"),
                ));
            }
            Selector::Rule(id) if crate::parse::syntax_rules().iter().any(|r| r.id == *id) => {
                // The document could not be read, so none of its rules ran: waiving that
                // would pass a document nobody checked.
                return Err((
                    &INVALID,
                    format!(
                        "`{id}` cannot be waived: the document could not be read, so its rules did not run; fix the syntax"
                    ),
                ));
            }
            Selector::Rule(id) if !cx.registry.knows(id) => {
                return Err((&INVALID, format!("no rule has the id `{id}`")));
            }
            _ => {}
        }
        selectors.push(selector);
    }
    if let Some(until) = &s.until {
        if !is_date(until) {
            return Err((
                &INVALID,
                format!("`until={until}` is not a date like 2027-03-31"),
            ));
        }
        if until.as_str() < cx.today {
            return Err((&EXPIRED, format!("expired on {until}")));
        }
        // A waiver is reviewed at least once a year: `until=9999-12-31` is a waiver for good.
        if let Some(year) = cx.today.get(..4).and_then(|y| y.parse::<u32>().ok()) {
            let limit = format!("{}{}", year + 1, cx.today.get(4..).unwrap_or_default());
            if until.as_str() > limit.as_str() {
                return Err((
                    &INVALID,
                    format!(
                        "`until={until}` is more than a year ahead (at most {limit}): a waiver is reviewed at least once a year"
                    ),
                ));
            }
        }
    }
    if s.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        return Err((&MISSING_REASON, "no `reason=\"…\"`".to_string()));
    }
    Ok(selectors)
}

/// A comment that holds a suppression.
struct Comment {
    span: Span,
    /// Text after the marker.
    body: String,
    /// Content precedes the comment on its line.
    trailing: bool,
    /// The comment's last line.
    end_line: u32,
}

/// Where comments are in a file: what `disable` skips to find the line it waives.
struct Layout {
    format: Format,
    /// Lines of the Markdown front matter's YAML, where `#` starts a comment.
    yaml_lines: Option<RangeInclusive<u32>>,
    /// Lines of Markdown code blocks, where nothing is a comment.
    code: Vec<RangeInclusive<u32>>,
}

/// Every suppression comment of `source`.
#[must_use]
pub fn scan(source: &SourceFile, format: Format) -> Vec<Suppression> {
    // Most files have none: a substring search is all they cost.
    if format == Format::Json || !source.text().contains(MARKER) {
        return Vec::new();
    }
    let mut comments = Vec::new();
    let mut layout = Layout {
        format,
        yaml_lines: None,
        code: Vec::new(),
    };
    if format == Format::Markdown {
        let body_start = match front_matter(source) {
            FrontMatterState::Present(fm) => {
                let last = source.pos_at_byte(fm.yaml.1).line.saturating_sub(1);
                let lines = fm.yaml_first_line..=last;
                yaml_comments(source, lines.clone(), &mut comments);
                layout.yaml_lines = Some(lines);
                fm.body_start
            }
            _ => 0,
        };
        layout.code = markdown_comments(source, body_start, &mut comments);
    } else {
        yaml_comments(source, 1..=source.line_count() as u32, &mut comments);
    }
    let mut next: Option<Vec<u32>> = None;
    comments
        .into_iter()
        .map(|c| {
            let parsed = parse_body(&c.body);
            let scope = if parsed.file {
                Scope::File
            } else if c.trailing {
                Scope::Line(c.span.start.line)
            } else {
                let next = next.get_or_insert_with(|| next_content_lines(source, &layout));
                match next.get(c.end_line as usize).copied().unwrap_or(0) {
                    0 => Scope::Nothing,
                    line => Scope::Line(line),
                }
            };
            Suppression {
                span: c.span,
                text: c.body.split_whitespace().collect::<Vec<_>>().join(" "),
                scope,
                names: parsed.names,
                reason: parsed.reason,
                until: parsed.until,
            }
        })
        .collect()
}

/// `#` comments of `lines` that hold the marker. A `#` starts a comment at the start of a line
/// or after white space, outside quotes.
fn yaml_comments(source: &SourceFile, lines: RangeInclusive<u32>, out: &mut Vec<Comment>) {
    let text = source.text();
    // Inside a block scalar (`description: |`), a `#` line is data, not a comment: the
    // indentation of the line that opened it, while lines are indented deeper (or blank).
    let mut block: Option<usize> = None;
    for line in lines {
        let range = source.line_range(line);
        let line_text = &text[range.clone()];
        let indent = line_text.len() - line_text.trim_start_matches(' ').len();
        if let Some(opened) = block {
            if line_text.trim().is_empty() || indent > opened {
                continue;
            }
            block = None;
        }
        let hash = comment_start(line_text);
        if opens_block_scalar(&line_text[..hash.unwrap_or(line_text.len())]) {
            block = Some(indent);
        }
        if !line_text.contains(MARKER) {
            continue;
        }
        let Some(hash) = hash else {
            continue;
        };
        let comment = line_text[hash + 1..].trim();
        if let Some(body) = comment.strip_prefix(MARKER) {
            out.push(Comment {
                span: source.span_of_bytes(range.start + hash, range.end),
                body: body.trim().to_string(),
                trailing: !line_text[..hash].trim().is_empty(),
                end_line: line,
            });
        }
    }
}

/// Whether `content` (a line without its comment) ends with a block scalar indicator: `key: |`,
/// `- >-`, `|2+`.
fn opens_block_scalar(content: &str) -> bool {
    let t = content.trim_end();
    let indicator = t.trim_end_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    let Some(before) = indicator
        .strip_suffix('|')
        .or_else(|| indicator.strip_suffix('>'))
    else {
        return false;
    };
    let before = before.trim_end();
    before.is_empty() || before.ends_with(':') || before.ends_with('-') || before.ends_with("---")
}

/// The byte offset of the `#` that starts a YAML comment on `line`.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '#' && prev.is_whitespace() => return Some(i),
            None if (c == '"' || c == '\'') && (prev.is_whitespace() || prev == ':') => {
                quote = Some(c);
            }
            _ => {}
        }
        prev = c;
    }
    None
}

/// HTML comments of the Markdown body that hold the marker, in one pass of pulldown-cmark
/// (which leaves out those in code blocks and code spans); returns the lines of the code
/// blocks.
fn markdown_comments(
    source: &SourceFile,
    body_start: usize,
    out: &mut Vec<Comment>,
) -> Vec<RangeInclusive<u32>> {
    let text = source.text();
    let body = &text[body_start..];
    let mut code = Vec::new();
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => {
                let first = source.pos_at_byte(body_start + range.start).line;
                let last = source.pos_at_byte(body_start + range.end).line;
                code.push(first..=last);
                continue;
            }
            Event::Start(Tag::HtmlBlock) | Event::InlineHtml(_) => {}
            _ => continue,
        }
        let chunk = &body[range.clone()];
        let mut from = 0;
        while let Some(open) = chunk[from..].find("<!--") {
            let start = from + open;
            let Some(close) = chunk[start + 4..].find("-->") else {
                break;
            };
            let end = start + 4 + close + 3;
            let inner = chunk[start + 4..end - 3].trim();
            if let Some(rest) = inner.strip_prefix(MARKER) {
                let abs_start = body_start + range.start + start;
                let abs_end = body_start + range.start + end;
                let span = source.span_of_bytes(abs_start, abs_end);
                let line_start = source.line_range(span.start.line).start;
                out.push(Comment {
                    span,
                    body: rest.trim().to_string(),
                    trailing: !text[line_start..abs_start].trim().is_empty(),
                    end_line: span.end.line,
                });
            }
            from = end;
        }
    }
    code
}

/// The line a standalone `disable` ending on `end_line` waives: the next that is neither blank
/// nor a comment.
/// For each line, the first line after it that holds content (not blank, not a comment), or
/// 0: found in one pass forward and one back, so that a file of many suppression comments
/// costs linear time (looking ahead from each comment was quadratic).
fn next_content_lines(source: &SourceFile, layout: &Layout) -> Vec<u32> {
    let text = source.text();
    let count = source.line_count() as u32;
    let mut content = vec![false; count as usize + 2];
    let mut in_html_comment = false;
    let mut code = layout.code.iter().peekable();
    for line in 1..=count {
        let t = text[source.line_range(line)].trim();
        if in_html_comment {
            in_html_comment = !t.contains("-->");
            continue;
        }
        while code.peek().is_some_and(|r| *r.end() < line) {
            code.next();
        }
        let in_code = code.peek().is_some_and(|r| r.contains(&line));
        let comment = match layout.format {
            Format::Markdown if !in_code => {
                if t.starts_with("<!--") {
                    in_html_comment = !t.contains("-->");
                    true
                } else {
                    t.starts_with('#')
                        && layout
                            .yaml_lines
                            .as_ref()
                            .is_some_and(|r| r.contains(&line))
                }
            }
            Format::Yaml => t.starts_with('#'),
            _ => false,
        };
        content[line as usize] = !t.is_empty() && !comment;
    }
    let mut next = vec![0; count as usize + 2];
    for line in (1..=count).rev() {
        let after = line as usize + 1;
        next[line as usize] = if content.get(after).copied().unwrap_or(false) {
            after as u32
        } else {
            next.get(after).copied().unwrap_or(0)
        };
    }
    next
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Parsed {
    file: bool,
    names: Vec<String>,
    reason: Option<String>,
    until: Option<String>,
}

/// Read `disable[-file] NAMES [reason="…"] [until=DATE]`. What cannot be read leaves the
/// names empty, which [`validate`] reports.
fn parse_body(body: &str) -> Parsed {
    let mut p = Parsed::default();
    let (directive, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    match directive {
        "disable" => {}
        "disable-file" => p.file = true,
        _ => return p,
    }
    let mut rest = rest.trim_start();
    // Names come first, up to the first `key=`.
    let names_end = rest.find('=').map_or(rest.len(), |eq| {
        rest[..eq].rfind(char::is_whitespace).map_or(0, |ws| ws)
    });
    p.names = rest[..names_end]
        .split([',', ' '])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    rest = rest[names_end..].trim_start();
    while let Some((key, after)) = rest.split_once('=') {
        let key = key.trim();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            after.split_once(char::is_whitespace).unwrap_or((after, ""))
        };
        match key {
            "reason" => p.reason = Some(value.trim().to_string()),
            "until" => p.until = Some(value.trim().to_string()),
            _ => {
                p.names.clear();
                return p;
            }
        }
        rest = next.trim_start();
    }
    if !rest.is_empty() {
        p.names.clear();
    }
    p
}

/// Whether `s` is a calendar date `YYYY-MM-DD`.
#[must_use]
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().ok();
    let (Some(year), Some(month), Some(day)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Today's date in UTC, `YYYY-MM-DD`.
#[must_use]
pub fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_date(secs / 86_400)
}

/// The date `days` after 1970-01-01 (the proleptic Gregorian calendar; H. Hinnant's
/// `civil_from_days`).
fn civil_date(days: u64) -> String {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(19_782), "2024-02-29");
        assert_eq!(civil_date(20_780), "2026-11-23");
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2027-13-01"));
        assert!(!is_date("27-01-01"));
        assert_eq!(today().len(), 10);
    }

    #[test]
    fn bodies() {
        let p = parse_body(r#"disable a-rule, A.7.4 reason="it is fine: really" until=2027-01-31"#);
        assert_eq!(
            p,
            Parsed {
                file: false,
                names: vec!["a-rule".into(), "A.7.4".into()],
                reason: Some("it is fine: really".into()),
                until: Some("2027-01-31".into()),
            }
        );
        assert!(parse_body("disable-file x").file);
        assert_eq!(parse_body("disable x").reason, None);
        assert!(parse_body("enable x").names.is_empty());
        assert!(parse_body(r#"disable x owner="me""#).names.is_empty());
        assert!(
            parse_body(r#"disable x reason="a" trailing"#)
                .names
                .is_empty()
        );
    }

    #[test]
    fn yaml_comment_starts() {
        assert_eq!(comment_start("a: 1 # c"), Some(5));
        assert_eq!(comment_start("# c"), Some(0));
        assert_eq!(comment_start("a: \"x # y\" # c"), Some(11));
        assert_eq!(comment_start("url: http://x#y"), None);
    }
}
