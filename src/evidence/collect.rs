//! Gather what the report needs: run the check on the work tree or, with `--at REV`, on the
//! commit's tree written from git objects to a private temporary folder; then each evidence
//! file's blob id, last change and recorded approval, and what the Statement of Applicability
//! says of each control.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::config;
use crate::corpus::rules::{lexical, repository_path};
use crate::discover::Candidate;
use crate::discover::absolute;
use crate::git::history;
use crate::parse::{self, Format};
use crate::rules::{BUILTIN_RULES, Registry};
use crate::run::{self, Project};
use crate::source::SourceFile;

use super::{Applicability, Approval, Change, Context, DocumentFacts, Inputs, Report, SoaEntry};

/// The git blob id of `bytes`.
fn blob_id(bytes: &[u8]) -> String {
    gix::objs::compute_hash(gix::hash::Kind::Sha1, gix::objs::Kind::Blob, bytes)
        .map(|id| id.to_string())
        .unwrap_or_default()
}

/// Build the report of `project` (its work tree), or of the commit `at`.
///
/// # Errors
/// `--at` outside a git repository or naming no commit; a configuration or rule file at that
/// commit that cannot be used; the tree cannot be written out.
pub fn report(
    project: &Project,
    at: Option<&str>,
    now: Option<&str>,
    threads: Option<usize>,
) -> miette::Result<Report> {
    let Some(rev) = at else {
        // The repository under the configuration: its folder (the root without one).
        let outcome = project.lint(std::slice::from_ref(&project.settings.base), threads)?;
        let head = project
            .git
            .as_ref()
            .and_then(|r| r.to_thread_local().head_id().ok().map(gix::Id::detach));
        return Ok(assemble(
            &project.root,
            &project.settings,
            &project.registry,
            &outcome,
            project.git.as_ref(),
            None,
            Context {
                commit: head.map(|h| h.to_string()),
                source: "work-tree",
                judged_on: now.map(str::to_string),
                version: env!("CARGO_PKG_VERSION"),
                configuration: None,
                rules: String::new(),
            },
        ));
    };
    at_commit(project, rev, now)
}

/// The report of commit `rev`, from its tree written out of git objects.
fn at_commit(project: &Project, rev: &str, now: Option<&str>) -> miette::Result<Report> {
    let Some(sync) = project.git.as_ref() else {
        return Err(miette::miette!(
            help = "run `aims-lint report` inside the git repository, or leave out `--at`",
            "--at needs a git repository, and {} is not in one",
            crate::visible::visible(&project.root.display().to_string())
        ));
    };
    let repo = crate::git::handle(sync);
    let commit = repo
        .rev_parse_single(rev)
        .map_err(|e| miette::miette!("--at: `{rev}` is not a commit here ({e})"))?
        .object()
        .and_then(gix::Object::peel_to_commit)
        .map_err(|e| miette::miette!("--at: `{rev}` is not a commit: {e}"))?;
    let tree = commit
        .tree_id()
        .map_err(|e| miette::miette!("--at: cannot read `{rev}`: {e}"))?
        .detach();
    let date = commit
        .time()
        .ok()
        .and_then(|t| jiff::Timestamp::from_second(t.seconds).ok())
        .map(|t| t.strftime("%Y-%m-%d").to_string());
    let dir = tempfile::Builder::new()
        .prefix("aims-lint-at-")
        .tempdir()
        .map_err(|e| miette::miette!("--at: cannot create a temporary folder: {e}"))?;
    let files =
        crate::git::since::write_tree(&repo, tree, dir.path(), project.settings.max_file_size)
            .map_err(|e| miette::miette!("--at {rev}: {e}"))?;
    // The configuration in the same place as the work tree's, as the commit has it (none if
    // the commit has none there); one from outside the repository (`--config`) as it is.
    let root = absolute(&project.root);
    let mut settings = match project.settings.file.as_deref().map(absolute) {
        Some(file) => match file.strip_prefix(&root) {
            Ok(rel) if dir.path().join(rel).is_file() => {
                config::load(&dir.path().join(rel)).map_err(|e| miette::Report::new(*e))?
            }
            Ok(_) => config::Settings::defaults(dir.path().to_path_buf()),
            Err(_) => project.settings.moved(&project.root, dir.path()),
        },
        None => config::Settings::defaults(dir.path().to_path_buf()),
    };
    settings.today = now
        .map(str::to_string)
        .or(date.clone())
        .unwrap_or(settings.today);
    let registry = Registry::load(&settings).map_err(|e| miette::Report::new(*e))?;
    // The documents under the configuration's folder, as in the work tree.
    let scope = settings.base.clone();
    let candidates: Vec<Candidate> = crate::discover::tree_candidates(dir.path(), files)
        .into_iter()
        .filter(|c| c.path.starts_with(&scope))
        .collect();
    let outcome = run::lint_at(
        candidates,
        Vec::new(),
        &settings,
        &registry,
        dir.path(),
        Some(sync),
        Some(commit.id),
    );
    Ok(assemble(
        dir.path(),
        &settings,
        &registry,
        &outcome,
        Some(sync),
        Some(commit.id),
        Context {
            commit: Some(commit.id.to_string()),
            source: "commit",
            judged_on: Some(settings.today.clone()),
            version: env!("CARGO_PKG_VERSION"),
            configuration: None,
            rules: String::new(),
        },
    ))
}

/// The bytes of `rel` under `root`: a regular file, bounded.
fn read(root: &Path, rel: &str, max: u64) -> Option<Vec<u8>> {
    crate::source::read_regular_bytes(&root.join(rel), max).ok()
}

/// Whether `rel` is a file of the repository at `root` (`real_root`: its links resolved):
/// written lexically (no `..`, no leading `/`), and not reached through a link out of it.
fn in_repository(root: &Path, real_root: &Path, rel: &str) -> bool {
    lexical(rel).as_deref() == Some(rel)
        && repository_path(root, real_root, rel) == Some(true)
        && std::fs::symlink_metadata(root.join(rel)).is_ok_and(|m| m.is_file())
}

/// The first data instance of a document, as JSON.
fn data_of(rel: &str, text: &str, limits: crate::parse::yaml::Limits) -> Option<Value> {
    let format = Format::from_path(rel)?;
    let source = SourceFile::new(rel, text.to_string());
    let (doc, _) = parse::parse(&source, format, limits);
    doc.data.first().map(|i| i.node.to_json())
}

fn assemble(
    root: &Path,
    settings: &config::Settings,
    registry: &Registry,
    outcome: &run::Outcome,
    git: Option<&gix::ThreadSafeRepository>,
    tip: Option<gix::ObjectId>,
    mut context: Context,
) -> Report {
    let max = settings.max_file_size;
    let soa = statement_of_applicability(root, outcome, settings);
    let mut paths: Vec<String> = outcome.documents.iter().map(|d| d.rel.clone()).collect();
    paths.extend(soa.values().flat_map(|e| e.evidence.iter().cloned()));
    paths.sort();
    paths.dedup();
    let wanted: HashSet<&str> = paths.iter().map(String::as_str).collect();
    let log = git.map(|sync| {
        let repo = crate::git::handle(sync);
        let log = history::log(&repo, tip, &wanted);
        let changes =
            crate::corpus::history::substantive_changes(&repo, &log, settings.limits, max);
        (log, changes)
    });
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let exists = |rel: &str| in_repository(root, &real_root, rel);
    let mut facts = BTreeMap::new();
    for rel in paths.iter().filter(|rel| exists(rel)) {
        let Some(bytes) = read(root, rel, max) else {
            continue;
        };
        let text = String::from_utf8_lossy(&bytes);
        let data = data_of(rel, &text, settings.limits);
        let field = |keys: [&str; 2]| {
            data.as_ref().and_then(|d| {
                keys.iter()
                    .find_map(|k| d.pointer(k).and_then(Value::as_str).map(str::to_string))
            })
        };
        let approval = field(["/approved_by", "/aims/approved_by"]).map(|by| Approval {
            by: crate::visible::visible(&by).into_owned(),
            date: field(["/approval_date", "/aims/approval_date"]),
        });
        let last_change = log
            .as_ref()
            .and_then(|(_, changes)| changes.get(rel))
            .map(|r| Change {
                commit: r.commit.to_string(),
                author: crate::visible::visible(&format!("{} <{}>", r.author, r.email))
                    .into_owned(),
                date: r.date(),
            });
        let keys = data
            .as_ref()
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        facts.insert(
            rel.clone(),
            DocumentFacts {
                blob: Some(blob_id(&bytes)),
                last_change,
                approval,
                keys,
            },
        );
    }
    context.configuration = settings
        .file
        .as_deref()
        .and_then(|f| crate::source::read_regular(f, max).ok())
        .map(|t| blob_id(t.as_bytes()));
    let mut all_rules = String::new();
    for r in registry.rules() {
        let text = BUILTIN_RULES
            .iter()
            .find(|(p, _)| *p == r.origin)
            .map(|(_, t)| (*t).to_string())
            .or_else(|| crate::source::read_regular(Path::new(&r.origin), max).ok())
            .unwrap_or_default();
        all_rules.push_str(&r.info.id);
        all_rules.push('\n');
        all_rules.push_str(&text);
    }
    context.rules = blob_id(all_rules.as_bytes());
    let mut report = super::build(&Inputs {
        outcome,
        registry,
        facts: &facts,
        soa: &soa,
        history: log.as_ref().is_some_and(|(l, _)| !l.truncated),
        exists: &exists,
        context,
    });
    report.selected_controls = settings
        .selection
        .select
        .iter()
        .flatten()
        .filter_map(|s| match s {
            crate::selection::Selector::Control(c) => Some(c.clone()),
            _ => None,
        })
        .collect();
    report
}

/// What the first Statement of Applicability (by path) says of each control. Evidence paths
/// are resolved as its rules resolve them: from the repository root, the Statement's folder or
/// the configuration's folder; a `#/pointer` is dropped.
fn statement_of_applicability(
    root: &Path,
    outcome: &run::Outcome,
    settings: &config::Settings,
) -> BTreeMap<String, SoaEntry> {
    let mut out = BTreeMap::new();
    let Some(doc) = outcome
        .documents
        .iter()
        .find(|d| d.kind == "statement-of-applicability")
    else {
        return out;
    };
    let Some(text) = read(root, &doc.rel, settings.max_file_size) else {
        return out;
    };
    let Some(data) = data_of(&doc.rel, &String::from_utf8_lossy(&text), settings.limits) else {
        return out;
    };
    // Resolved as the corpus rules resolve evidence: from the Statement's folder, from the
    // folder of aims-lint.toml, from the root; lexically inside the repository, and not through
    // a link out of it. What resolves to nothing is kept as written, and never looked up.
    let folder = doc.rel.rsplit_once('/').map_or("", |(f, _)| f);
    let base = absolute(&settings.base)
        .strip_prefix(absolute(root))
        .map(|b| b.to_string_lossy().replace('\\', "/"))
        .unwrap_or_default();
    let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let resolve = |cited: &str| -> String {
        let cited = cited.split('#').next().unwrap_or(cited);
        [
            format!("{folder}/{cited}"),
            format!("{base}/{cited}"),
            cited.to_string(),
        ]
        .iter()
        .filter_map(|c| lexical(c))
        .find(|rel| in_repository(root, &real_root, rel))
        .unwrap_or_else(|| crate::visible::visible(cited).into_owned())
    };
    let text = |v: &Value, k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .map(|s| crate::visible::visible(s).into_owned())
    };
    for c in data
        .get("controls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(id) = c.get("id").and_then(Value::as_str) else {
            continue;
        };
        if out.contains_key(id) {
            continue;
        }
        let evidence = match c.get("evidence") {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .filter(|s| !s.contains("://"))
                .map(resolve)
                .collect(),
            Some(Value::String(s)) if !s.contains("://") => vec![resolve(s)],
            _ => Vec::new(),
        };
        out.insert(
            id.to_string(),
            SoaEntry {
                applicability: Applicability {
                    applicable: c.get("applicable").and_then(Value::as_bool),
                    justification: text(c, "justification"),
                    status: text(c, "status"),
                    source: Some(doc.rel.clone()),
                },
                evidence,
            },
        );
    }
    out
}
