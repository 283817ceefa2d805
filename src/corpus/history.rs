//! The rules that read git history: reviews within their interval, no edit after approval,
//! separation of duties, impact assessments newer than the systems they cover.
//!
//! A change is **substantive** when the document's data (YAML, JSON, front matter) or its
//! Markdown text (white space collapsed) differs: re-wrapping a paragraph, re-indenting YAML
//! or editing a comment is not. The commit that first adds a document is its import, not an
//! edit: a repository that adopts aims-lint commits documents approved months before.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use serde_json::Value;

use super::rules::{Context, Pending};
use super::{At, Entry, normalise};
use crate::git::history::{self, Log, Revision};
use crate::parse::{self, Format};
use crate::rules::{Check, Rule};
use crate::source::SourceFile;

/// What the history rules read besides the corpus.
pub struct History<'a> {
    /// The run's repository.
    pub repo: &'a gix::Repository,
    /// The commit the documents are as of (`report --at`); `HEAD` when `None`.
    pub tip: Option<gix::ObjectId>,
    /// Today, `YYYY-MM-DD` (`--now`).
    pub today: &'a str,
    /// The longest review interval the configuration allows, in months.
    pub max_interval: u32,
}

/// Keys that record an approval: an approval changes them, and changing them is not an edit.
const APPROVAL_KEYS: &[&str] = &["approved_by", "approval_date"];

/// One committed version of a document, as the rules compare it.
#[derive(Debug, Clone, PartialEq)]
struct Version {
    /// The data without the approval keys.
    data: Vec<Value>,
    /// The approval: `approved_by` and `approval_date`, top level or under `aims`.
    approval: (Option<Value>, Option<Value>),
    /// The Markdown text after the front matter, white space collapsed.
    body: String,
    /// The text, for where a change is.
    text: String,
}

fn strip_approval(value: &mut Value) -> (Option<Value>, Option<Value>) {
    let mut found = (None, None);
    let mut take = |map: &mut serde_json::Map<String, Value>| {
        if let Some(v) = map.remove(APPROVAL_KEYS[0]) {
            found.0 = Some(v);
        }
        if let Some(v) = map.remove(APPROVAL_KEYS[1]) {
            found.1 = Some(v);
        }
    };
    if let Value::Object(map) = value {
        take(map);
        if let Some(Value::Object(aims)) = map.get_mut("aims") {
            take(aims);
        }
    }
    found
}

/// The Markdown text after the front matter.
fn body_of(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("---") else {
        return text;
    };
    rest.find("\n---").map_or(text, |end| &rest[end + 4..])
}

/// Reads committed versions of documents, once each.
struct Versions<'a> {
    repo: &'a gix::Repository,
    limits: parse::yaml::Limits,
    max: u64,
    cache: HashMap<gix::ObjectId, Option<Rc<Version>>>,
}

impl Versions<'_> {
    fn get(&mut self, rel: &str, blob: Option<gix::ObjectId>) -> Option<Rc<Version>> {
        let blob = blob?;
        if let Some(v) = self.cache.get(&blob) {
            return v.clone();
        }
        let version = self.read(rel, blob).map(Rc::new);
        self.cache.insert(blob, version.clone());
        version
    }

    fn read(&self, rel: &str, blob: gix::ObjectId) -> Option<Version> {
        let object = self.repo.find_object(blob).ok()?;
        if object.data.len() as u64 > self.max {
            return None;
        }
        let text = String::from_utf8_lossy(&object.data).into_owned();
        let format = Format::from_path(rel).unwrap_or(Format::Yaml);
        let source = SourceFile::new(rel, text.clone());
        let (doc, _) = parse::parse(&source, format, self.limits);
        let mut approval = (None, None);
        let data = doc
            .data
            .iter()
            .map(|i| {
                let mut v = i.node.to_json();
                let found = strip_approval(&mut v);
                if approval.0.is_none() && approval.1.is_none() {
                    approval = found;
                }
                v
            })
            .collect();
        let body = if format == Format::Markdown {
            body_of(&text)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        } else {
            String::new()
        };
        Some(Version {
            data,
            approval,
            body,
            text,
        })
    }
}

/// Where a document's history stands.
enum Edits {
    /// The newest substantive change, an index into the revisions.
    At(usize),
    /// No change since the commit that added it.
    OnlyAdded,
    /// The history ends before the document was added (a shallow clone), or a version could
    /// not be read.
    Unknown,
}

/// The newest revision at or after `from` whose content `differs` from its parent's.
fn newest_change(
    revs: &[Revision],
    from: usize,
    rel: &str,
    versions: &mut Versions<'_>,
    differs: impl Fn(&Version, &Version) -> bool,
) -> Edits {
    for (i, rev) in revs.iter().enumerate().skip(from) {
        if rev.added {
            return Edits::OnlyAdded;
        }
        let (Some(now), Some(before)) =
            (versions.get(rel, rev.blob), versions.get(rel, rev.previous))
        else {
            return Edits::Unknown;
        };
        if differs(&now, &before) {
            return Edits::At(i);
        }
    }
    Edits::Unknown
}

/// For each document of `log`, its newest substantive change: the newest revision whose data
/// (approval keys aside) or Markdown text, white space collapsed, differs from its parent's, or
/// else the commit that added it; the newest revision when the history cannot tell (a shallow
/// clone, a version that cannot be read).
#[must_use]
pub fn substantive_changes(
    repo: &gix::Repository,
    log: &Log<'_>,
    limits: parse::yaml::Limits,
    max: u64,
) -> HashMap<String, Revision> {
    let mut versions = Versions {
        repo,
        limits,
        max,
        cache: HashMap::new(),
    };
    let mut out = HashMap::new();
    for (rel, revs) in &log.files {
        let i = match newest_change(revs, 0, rel, &mut versions, substantive) {
            Edits::At(i) => Some(i),
            Edits::OnlyAdded => revs.iter().position(|r| r.added),
            Edits::Unknown => None,
        };
        if let Some(rev) = revs.get(i.unwrap_or(0)) {
            out.insert((*rel).to_string(), rev.clone());
        }
    }
    out
}

fn substantive(a: &Version, b: &Version) -> bool {
    a.data != b.data || a.body != b.body
}

/// The first line of `now` that is not in `before` (white space ignored), 1-based. Comments
/// are not content: a line with a suppression comment, or a YAML comment in a YAML file, is
/// passed over.
fn first_new_line(now: &str, before: &str, yaml: bool) -> Option<u32> {
    let old: HashSet<String> = before
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    now.lines()
        .position(|l| {
            let l = l.split_whitespace().collect::<Vec<_>>().join(" ");
            let comment = l.contains(crate::suppress::MARKER) || (yaml && l.starts_with('#'));
            !l.is_empty() && !comment && !old.contains(&l)
        })
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// The months between two dates, rounded down.
fn months_between(from: jiff::civil::Date, to: jiff::civil::Date) -> i32 {
    let mut months = (i32::from(to.year()) - i32::from(from.year())) * 12 + i32::from(to.month())
        - i32::from(from.month());
    if to.day() < from.day() {
        months -= 1;
    }
    months
}

fn applies(rule: &Rule, entry: &Entry) -> bool {
    rule.applies_to.contains(&entry.kind)
}

/// The documents whose history is walked.
fn wanted<'c>(cx: &Context<'c>, rules: &[(usize, &Rule, Check)]) -> HashSet<&'c str> {
    // Only the documents a history rule can judge: those that record an approval or a
    // review, impact assessments, and the systems and cards they cover. A repository of
    // dataset cards alone walks no history.
    let assessed: HashSet<String> = cx
        .corpus
        .of_kind("impact-assessment")
        .filter_map(|(_, e)| e.system.as_deref().map(normalise))
        .collect();
    let judged = |e: &Entry| {
        e.approved_by.is_some()
            || e.reviewed.is_some()
            || e.kind == "impact-assessment"
            || (matches!(e.kind.as_str(), "ai-system" | "model-card")
                && e.system
                    .as_deref()
                    .is_some_and(|s| assessed.contains(&normalise(s))))
    };
    // In a run on some files, the history of the others is needed only where it judges
    // one of them: a system or card that an assessment of theirs covers.
    let reported = |e: &Entry| cx.reports(e);
    let covered: HashSet<String> = cx
        .corpus
        .of_kind("impact-assessment")
        .filter(|(_, e)| reported(e))
        .filter_map(|(_, e)| e.system.as_deref().map(normalise))
        .collect();
    let needed = |e: &Entry| {
        reported(e)
            || (matches!(e.kind.as_str(), "ai-system" | "model-card")
                && e.system
                    .as_deref()
                    .is_some_and(|s| covered.contains(&normalise(s))))
    };
    cx.corpus
        .entries
        .iter()
        .filter(|e| judged(e) && needed(e) && rules.iter().any(|(_, r, _)| applies(r, e)))
        .map(|e| e.rel.as_str())
        .collect()
}

/// Run every history rule.
#[must_use]
pub fn run(cx: &Context<'_>, h: &History<'_>) -> (Vec<Pending>, bool) {
    let rules: Vec<(usize, &Rule, Check)> = cx
        .registry
        .rules()
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((i, r, r.check.filter(|c| c.is_history())?)))
        .collect();
    if rules.is_empty() {
        return (Vec::new(), false);
    }
    let wanted = wanted(cx, &rules);
    let log = history::log(h.repo, h.tip, &wanted);
    let mut versions = Versions {
        repo: h.repo,
        limits: cx.limits,
        max: cx.max_file_size,
        cache: HashMap::new(),
    };
    let mut out = Vec::new();
    let today = h.today.parse::<jiff::civil::Date>().ok();
    let mut latest: Option<Latest<'_>> = None;
    for (e, entry) in cx.corpus.entries.iter().enumerate() {
        let Some(revs) = log.files.get(entry.rel.as_str()).filter(|r| !r.is_empty()) else {
            if log.truncated {
                out.extend(shallow(&rules, e, entry));
            }
            continue;
        };
        for (r, rule, check) in &rules {
            if !applies(rule, entry) {
                continue;
            }
            let mut push = |span: At, detail: String, pointer: Option<&str>| {
                out.push(Pending {
                    entry: e,
                    rule: *r,
                    span,
                    detail,
                    pointer: pointer.map(str::to_string),
                    value_at_span: false,
                });
            };
            match check {
                Check::ReviewWithinInterval => {
                    if let (Some(today), Some((declared, span))) = (today, &entry.reviewed) {
                        review(h, today, revs, entry, declared, *span, &mut push);
                    }
                }
                Check::UnchangedSinceApproval => {
                    if let Some((_, span)) = &entry.approved_by {
                        edited_after_approval(
                            cx.root,
                            &log,
                            revs,
                            entry,
                            *span,
                            &mut versions,
                            &mut push,
                        );
                    }
                }
                Check::ApproverIsNotAuthor => {
                    if let Some((by, span)) = &entry.approved_by {
                        approver_is_author(cx, revs, entry, by, *span, &mut versions, &mut push);
                    }
                }
                Check::AssessmentNewerThanSystem => {
                    let latest =
                        latest.get_or_insert_with(|| latest_changes(cx, &log, &mut versions));
                    stale_assessment(latest, revs, entry, &mut push);
                }
                _ => {}
            }
        }
    }
    (out, log.truncated)
}

fn review(
    h: &History<'_>,
    today: jiff::civil::Date,
    revs: &[Revision],
    entry: &Entry,
    declared: &str,
    span: At,
    push: &mut impl FnMut(At, String, Option<&str>),
) {
    let Ok(date) = declared.parse::<jiff::civil::Date>() else {
        // Not a date: the schema rules say so.
        return;
    };
    let pointer = Some("/last_reviewed");
    if date > today {
        push(
            span,
            format!("`last_reviewed: {declared}` is in the future (today is {today})"),
            pointer,
        );
        return;
    }
    let last = &revs[0];
    if declared > last.date().as_str() {
        push(
            span,
            format!(
                "`last_reviewed: {declared}` is later than the last commit that changed this document ({} on {}): a review is recorded when it is done",
                last.short(),
                last.date()
            ),
            pointer,
        );
        return;
    }
    let interval = entry.interval.unwrap_or(h.max_interval).min(h.max_interval);
    let months = months_between(date, today);
    if months >= i32::try_from(interval).unwrap_or(i32::MAX) {
        push(
            span,
            format!(
                "last reviewed {declared}, {months} months ago; the interval is {interval} months"
            ),
            pointer,
        );
    }
}

/// The newest revision that changed the approval, or `None` when it is not known.
fn approval_revision(rel: &str, revs: &[Revision], versions: &mut Versions<'_>) -> Option<usize> {
    for (i, rev) in revs.iter().enumerate() {
        if rev.added {
            return Some(i);
        }
        let now = versions.get(rel, rev.blob)?;
        let before = versions.get(rel, rev.previous)?;
        if now.approval != before.approval {
            return Some(i);
        }
    }
    None
}

fn edited_after_approval(
    root: &std::path::Path,
    log: &Log<'_>,
    revs: &[Revision],
    entry: &Entry,
    span: At,
    versions: &mut Versions<'_>,
    push: &mut impl FnMut(At, String, Option<&str>),
) {
    let Some(a) = approval_revision(&entry.rel, revs, versions) else {
        if log.truncated {
            push(span, needs_history(), None);
        }
        return;
    };
    // Substantive commits after the approval, newest first.
    let mut edits = Vec::new();
    for (i, rev) in revs.iter().enumerate().take(a) {
        let (Some(now), Some(before)) = (
            versions.get(&entry.rel, rev.blob),
            versions.get(&entry.rel, rev.previous),
        ) else {
            continue;
        };
        if substantive(&now, &before) {
            edits.push(i);
        }
    }
    let Some(&first) = edits.last() else {
        return;
    };
    let approved = &revs[a];
    let edit = &revs[first];
    let text = std::fs::read_to_string(entry.path(root)).unwrap_or_default();
    let source = SourceFile::new(entry.rel.clone(), text);
    let at = versions
        .get(&entry.rel, approved.blob)
        .and_then(|v| {
            let yaml = Format::from_path(&entry.rel) != Some(Format::Markdown);
            first_new_line(source.text(), &v.text, yaml)
        })
        .map_or(span, |line| {
            super::at(source.first_line_of(source.line_span(line)))
        });
    let more = match edits.len() {
        1 => String::new(),
        n => format!(
            ", and {} commit{} after it",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    };
    push(
        at,
        format!(
            "changed in {} by {} on {}{more}, after the approval recorded in {} on {}; record a new approval",
            edit.short(),
            edit.author,
            edit.date(),
            approved.short(),
            approved.date()
        ),
        None,
    );
}

fn approver_is_author(
    cx: &Context<'_>,
    revs: &[Revision],
    entry: &Entry,
    by: &str,
    span: At,
    versions: &mut Versions<'_>,
    push: &mut impl FnMut(At, String, Option<&str>),
) {
    let Edits::At(i) = newest_change(revs, 0, &entry.rel, versions, substantive) else {
        return;
    };
    let author = &revs[i];
    let forms = super::name_forms(by);
    let person: Vec<String> = cx
        .corpus
        .of_kind("roles")
        .flat_map(|(_, r)| r.persons().iter())
        .find(|p| forms.iter().any(|f| p.contains(f)))
        .cloned()
        .unwrap_or_else(|| forms.clone());
    let email = normalise(&author.email);
    let name = normalise(&author.author);
    if person.contains(&email) || person.contains(&name) {
        push(
            span,
            format!(
                "approved by `{by}`, who made the last substantive change ({} on {}): someone else approves",
                author.short(),
                author.date()
            ),
            Some("/approved_by"),
        );
    }
}

/// For each AI system (normalised id), each record and model card of it, with its newest
/// substantive change if it has one.
type Latest<'c> = HashMap<String, Vec<(&'c Entry, Option<Revision>)>>;

fn latest_changes<'c>(cx: &Context<'c>, log: &Log<'_>, versions: &mut Versions<'_>) -> Latest<'c> {
    let mut latest: Latest<'c> = HashMap::new();
    for other in &cx.corpus.entries {
        if !matches!(other.kind.as_str(), "ai-system" | "model-card") {
            continue;
        }
        let (Some(system), Some(theirs)) =
            (other.system.as_deref(), log.files.get(other.rel.as_str()))
        else {
            continue;
        };
        let change = match newest_change(theirs, 0, &other.rel, versions, substantive) {
            Edits::At(i) => Some(theirs[i].clone()),
            Edits::OnlyAdded | Edits::Unknown => None,
        };
        latest
            .entry(normalise(system))
            .or_default()
            .push((other, change));
    }
    latest
}

fn stale_assessment(
    latest: &Latest<'_>,
    revs: &[Revision],
    entry: &Entry,
    push: &mut impl FnMut(At, String, Option<&str>),
) {
    let Some(system) = entry.system.as_deref().map(normalise) else {
        return;
    };
    let assessed = &revs[0];
    let Some(changes) = latest.get(&system) else {
        return;
    };
    // Where system ids repeat (several units with a system each), the nearest ones.
    let nearest = changes
        .iter()
        .map(|(e, _)| super::shared_folders(&entry.rel, &e.rel))
        .max()
        .unwrap_or(0);
    let newest = changes
        .iter()
        .filter(|(e, _)| super::shared_folders(&entry.rel, &e.rel) == nearest)
        .filter_map(|(e, c)| Some((e, c.as_ref()?)))
        .filter(|(_, c)| c.time > assessed.time)
        .max_by_key(|(_, c)| c.time);
    if let Some((other, change)) = newest {
        push(
            entry.anchor,
            format!(
                "`{}` changed in {} on {}, after this assessment's last change ({} on {}): re-assess, or record why the change does not affect it",
                other.shown(),
                change.short(),
                change.date(),
                assessed.short(),
                assessed.date()
            ),
            None,
        );
    }
}

/// In a shallow clone whose history does not reach the document: a finding of each history
/// rule that would judge it, saying so, rather than a pass.
fn shallow(rules: &[(usize, &Rule, Check)], e: usize, entry: &Entry) -> Vec<Pending> {
    let mut out = Vec::new();
    for (r, rule, check) in rules {
        let judged = match check {
            Check::ReviewWithinInterval => entry.reviewed.as_ref(),
            Check::UnchangedSinceApproval | Check::ApproverIsNotAuthor => {
                entry.approved_by.as_ref()
            }
            _ => None,
        };
        if let (true, Some((_, span))) = (applies(rule, entry), judged) {
            out.push(Pending {
                entry: e,
                rule: *r,
                span: *span,
                detail: needs_history(),
                pointer: None,
                value_at_span: false,
            });
        }
    }
    out
}

/// What a history rule says in a shallow clone.
#[must_use]
pub fn needs_history() -> String {
    "the history of this shallow clone ends before the document was added, so the rule cannot tell; check out with `fetch-depth: 0`".to_string()
}
