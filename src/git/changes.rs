//! `--changed-since REF`: report only findings in files that differ from the merge base of
//! `HEAD` and `REF`, as a pull request's reviewers see them, and report the changes that alter
//! the gate itself: aims-lint.toml, custom rules and suppression comments.
//!
//! A file has changed when its bytes in the work tree differ from its blob at the merge base
//! (or it has none there): committed and uncommitted edits alike, as `git diff <merge-base>`
//! shows them. Every document is still checked; only the report is narrowed, so checks that
//! look across documents see the whole repository.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, LazyLock};

use gix::ObjectId;

use crate::discover::absolute;
use crate::finding::{Finding, RuleInfo};
use crate::parse::Format;
use crate::source::SourceFile;
use crate::suppress::{self, Suppression};

/// aims-lint.toml changed.
pub static CONFIG_CHANGED: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("config-changed"));

/// A file of a custom rule directory changed.
pub static CUSTOM_RULE_CHANGED: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("custom-rule-changed"));

/// A suppression comment was added or changed.
pub static SUPPRESSION_CHANGED: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("suppression-changed"));

/// The committed baseline changed.
pub static BASELINE_CHANGED: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("baseline-changed"));

/// An AIMS document of the merge base is gone from the work tree.
pub static DOCUMENT_REMOVED: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("document-removed"));

/// A document's kind changed in the change.
pub static KIND_CHANGED: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("kind-changed"));

/// The checks of `--changed-since`, for listings and SARIF. The configuration cannot ignore or
/// downgrade them: a change could otherwise hide itself. They are errors, so that a pull
/// request that weakens its own gate fails it; `--allow-gate-changes` (which the workflow sets,
/// not the pull request) makes them warnings.
#[must_use]
pub fn rules() -> [&'static Arc<RuleInfo>; 6] {
    [
        &CONFIG_CHANGED,
        &CUSTOM_RULE_CHANGED,
        &SUPPRESSION_CHANGED,
        &BASELINE_CHANGED,
        &DOCUMENT_REMOVED,
        &KIND_CHANGED,
    ]
}

/// What `--changed-since` compared against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Since {
    /// `REF` as given.
    pub reference: String,
    /// The merge base of `HEAD` and `REF`.
    pub merge_base: String,
    /// Findings left out because their files did not change.
    pub unchanged: usize,
    /// The controls whose evidence the change touched, or whose findings grew.
    pub controls: Vec<crate::touched::Control>,
    /// `--fail-on-regression`: the run fails on controls that got worse, not on old findings.
    pub fail_on_regression: bool,
}

impl Since {
    /// The merge base's abbreviated id, as people read it.
    #[must_use]
    pub fn short_base(&self) -> &str {
        &self.merge_base[..self.merge_base.len().min(7)]
    }
}

/// The merge base's tree, to compare files with.
pub struct Changes {
    pub(super) repo: gix::Repository,
    reference: String,
    pub(super) base: ObjectId,
    pub(super) tree: ObjectId,
    pub(super) root: std::path::PathBuf,
    cache: std::cell::RefCell<HashMap<String, bool>>,
    /// Every file of the merge base's tree by path, with its blob (`None` for a link or a
    /// submodule): one walk of the tree, on first use.
    base_files: std::cell::OnceCell<BTreeMap<String, Option<ObjectId>>>,
}

/// The most the gate reads of one file, now or at the merge base, to compare its versions: the
/// ceiling of `max-file-size`. A larger file counts as changed without being read.
pub(crate) const MAX_COMPARED: u64 = 64 << 20;

/// The bytes of the regular file at `path`, if it is one of at most [`MAX_COMPARED`] bytes: a
/// link is not followed (it may lead to `/dev/zero`), and a device or pipe is not opened.
pub(crate) fn read_compared(path: &Path) -> Option<Vec<u8>> {
    crate::source::read_regular_bytes(path, MAX_COMPARED).ok()
}

/// Whether the bytes of `rel` in the work tree under `root` differ from its blob at the merge
/// base (`base`), by the blob's id: the file streamed through git's blob hash, so that a file
/// of any size costs bounded memory. A file that was not a blob there, is not a regular file
/// now (a link is not followed), cannot be read back by its reported name (one whose name is
/// not UTF-8) or cannot be hashed has changed, so that its findings are kept.
fn changed(
    root: &Path,
    base: &BTreeMap<String, Option<ObjectId>>,
    hash: gix::hash::Kind,
    rel: &str,
) -> bool {
    let Some(Some(id)) = base.get(rel) else {
        return true;
    };
    let path = root.join(rel);
    let Ok(meta) = std::fs::symlink_metadata(&path) else {
        return true;
    };
    if !meta.is_file() {
        return true;
    }
    let Ok(mut file) = std::fs::File::open(&path) else {
        return true;
    };
    gix::objs::compute_stream_hash(
        hash,
        gix::objs::Kind::Blob,
        &mut file,
        meta.len(),
        &mut gix::progress::Discard,
        &std::sync::atomic::AtomicBool::new(false),
    )
    .map_or(true, |now| now != *id)
}

impl Changes {
    /// Find the merge base of `HEAD` and `reference` in the repository at `root`.
    ///
    /// # Errors
    /// Not a git repository, no commit yet, `reference` unknown, or no merge base (a shallow
    /// clone), each with what to do.
    pub fn open(root: &Path, reference: &str) -> Result<Self, String> {
        let repo = gix::open(root).map_err(|e| {
            format!(
                "--changed-since needs a git repository, and {} is not one: {e}",
                root.display()
            )
        })?;
        Self::new(repo, root, reference)
    }

    /// Find the merge base of `HEAD` and `reference` with `repo` (a handle of the run's
    /// repository, whose work tree is `root`).
    ///
    /// # Errors
    /// As [`Changes::open`].
    pub fn new(repo: gix::Repository, root: &Path, reference: &str) -> Result<Self, String> {
        let fetch =
            "in GitHub Actions, check out with `fetch-depth: 0`; elsewhere `git fetch` the branch";
        let head = repo
            .head_id()
            .map_err(|e| format!("--changed-since: HEAD has no commit: {e}"))?;
        let other = repo
            .rev_parse_single(reference)
            .map_err(|e| {
                format!("--changed-since: `{reference}` is not a commit here ({e}); {fetch}")
            })?
            .object()
            .and_then(|o| Ok(o.peel_to_commit()?.id))
            .map_err(|e| format!("--changed-since: `{reference}` is not a commit: {e}"))?;
        let shallow = repo.is_shallow().unwrap_or(false);
        let base = repo
            .merge_base(head.detach(), other)
            .map_err(|e| format!("--changed-since: cannot find the merge base of HEAD and `{reference}`: {e}"))?
            .ok_or_else(|| {
                if shallow {
                    format!("--changed-since: HEAD and `{reference}` have no common commit in this shallow clone; {fetch}")
                } else {
                    format!("--changed-since: HEAD and `{reference}` have no common history")
                }
            })?
            .detach();
        let tree = repo
            .find_commit(base)
            .and_then(|c| c.tree_id())
            .map_err(|e| format!("--changed-since: cannot read the merge base {base}: {e}"))?
            .detach();
        Ok(Self {
            repo,
            reference: reference.to_string(),
            base,
            tree,
            root: root.to_path_buf(),
            cache: std::cell::RefCell::default(),
            base_files: std::cell::OnceCell::new(),
        })
    }

    /// The merge base, and nothing counted yet.
    #[must_use]
    pub fn since(&self) -> Since {
        Since {
            reference: self.reference.clone(),
            merge_base: self.base.to_string(),
            unchanged: 0,
            controls: Vec::new(),
            fail_on_regression: false,
        }
    }

    /// The bytes of `rel` (relative to the root, `/`-separated) at the merge base, if it was
    /// a file there.
    fn base_bytes(&self, rel: &str) -> Option<Vec<u8>> {
        let id = (*self.base_files().get(rel)?)?;
        // Bounded as the work tree's side is: a huge blob is not inflated to be compared.
        if self.repo.find_header(id).ok()?.size() > MAX_COMPARED {
            return None;
        }
        Some(self.repo.find_object(id).ok()?.detach().data)
    }

    /// Every file of the merge base's tree by its path (`/`-separated), with its blob.
    fn base_files(&self) -> &BTreeMap<String, Option<ObjectId>> {
        self.base_files.get_or_init(|| {
            let mut out = BTreeMap::new();
            let mut stack = vec![(String::new(), self.tree)];
            while let Some((path, id)) = stack.pop() {
                let Ok(tree) = self.repo.find_tree(id) else {
                    continue;
                };
                for e in tree.iter().filter_map(Result::ok) {
                    let child = if path.is_empty() {
                        e.filename().to_string()
                    } else {
                        format!("{path}/{}", e.filename())
                    };
                    if e.mode().is_tree() {
                        stack.push((child, e.object_id()));
                    } else {
                        out.insert(child, e.mode().is_blob().then(|| e.object_id()));
                    }
                }
            }
            out
        })
    }

    /// The bytes of `rel` in the work tree and at the merge base, when they differ (a file
    /// that was not there has changed).
    fn versions(&self, rel: &str) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        if !self.is_changed(rel) {
            return None;
        }
        let base = self.base_bytes(rel);
        // A file that cannot be read back by its reported name (one whose name is not UTF-8),
        // a link, a special file or a huge one is not compared: it counts as changed, so that
        // its findings are kept.
        let Some(now) = read_compared(&self.root.join(rel)) else {
            return Some((Vec::new(), base));
        };
        (base.as_ref() != Some(&now)).then_some((now, base))
    }

    /// The bytes of `file` at the merge base, if it was a file there.
    #[must_use]
    pub fn at_base(&self, file: &Path) -> Option<Vec<u8>> {
        self.base_bytes(&self.rel(file)?)
    }

    /// `file` relative to the root, `/`-separated.
    fn rel(&self, file: &Path) -> Option<String> {
        let root = absolute(&self.root);
        Some(
            absolute(file)
                .strip_prefix(&root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/"),
        )
    }

    /// `baseline-changed` for the baseline `file` if it differs from the merge base.
    #[must_use]
    pub fn baseline_finding(&self, file: &Path) -> Option<Finding> {
        self.changed_file_finding(file, &BASELINE_CHANGED)
    }

    /// `config-changed` when the repository had `aims-lint.toml` at the merge base and the run
    /// does not use it (deleted, moved, or another `--config`): at the configuration used, or
    /// at the place it was.
    #[must_use]
    pub fn config_gone_finding(&self, used: Option<&Path>) -> Option<Finding> {
        let name = crate::config::FILE_NAME;
        self.base_bytes(name)?;
        let root_file = self.root.join(name);
        if used.is_some_and(|u| absolute(u) == absolute(&root_file)) {
            return None;
        }
        let source = SourceFile::new(name.to_string(), String::new());
        let span = source.line_span(1);
        let detail = match used {
            Some(u) => format!(
                "the merge base {} has `{name}`, but this run uses {}",
                self.describe(),
                self.rel(u).unwrap_or_else(|| u.display().to_string())
            ),
            None => format!(
                "`{name}` was deleted or moved since {}: its rules, thresholds and selection no longer apply",
                self.describe()
            ),
        };
        Some(Finding::new(&CONFIG_CHANGED, &source, span).with_detail(detail))
    }

    /// Whether `rel` differs from the merge base; remembered, as many findings share a file.
    pub fn is_changed(&self, rel: &str) -> bool {
        if let Some(known) = self.cache.borrow().get(rel) {
            return *known;
        }
        let changed = changed(&self.root, self.base_files(), self.repo.object_hash(), rel);
        self.cache.borrow_mut().insert(rel.to_string(), changed);
        changed
    }

    /// The hash of the repository's objects (SHA-1, or SHA-256).
    #[must_use]
    pub fn object_hash(&self) -> gix::hash::Kind {
        self.repo.object_hash()
    }

    /// Remember whether each of `files` changed from its blob id now, computed from the bytes
    /// that were checked: [`Changes::is_changed`] then answers without reading it again. A path
    /// the merge base did not have as a blob has changed.
    pub fn prime_with_blobs<'r>(&self, files: impl IntoIterator<Item = (&'r str, ObjectId)>) {
        let base = self.base_files();
        let mut cache = self.cache.borrow_mut();
        for (rel, now) in files {
            let changed = base.get(rel) != Some(&Some(now));
            cache.insert(rel.to_string(), changed);
        }
    }

    /// Find out which of `rels` changed, in parallel: [`Changes::is_changed`] then answers
    /// from memory. Each file is read once and hashed as git hashes a blob; no blob of the
    /// merge base is read.
    pub fn prime<'r>(&self, rels: impl IntoIterator<Item = &'r str>) {
        use rayon::prelude::*;
        let todo: Vec<&str> = {
            let cache = self.cache.borrow();
            let mut todo: Vec<&str> = rels
                .into_iter()
                .filter(|r| !cache.contains_key(*r))
                .collect();
            todo.sort_unstable();
            todo.dedup();
            todo
        };
        let (root, base, hash) = (&self.root, self.base_files(), self.repo.object_hash());
        let found: Vec<(String, bool)> = todo
            .par_iter()
            .map(|rel| ((*rel).to_string(), changed(root, base, hash, rel)))
            .collect();
        self.cache.borrow_mut().extend(found);
    }

    /// What the change took away that a document may cite: for every document file of the
    /// merge base that is now gone or changed, its path and its names then (file or folder
    /// name, and the `id:` it declared), normalised. A cross-document finding on an unchanged
    /// document whose value is one of these was made by the change (a deleted dataset sheet
    /// breaks the cards that cite it).
    #[must_use]
    pub fn names_gone(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for path in self.base_files_under("") {
            if Format::from_path(&path).is_none() || !self.is_changed(&path) {
                continue;
            }
            out.insert(path.clone());
            out.extend(crate::corpus::names_of_path(&path));
            if let Some(bytes) = self.base_bytes(&path) {
                let text = String::from_utf8_lossy(&bytes);
                let id = text.lines().find_map(|l| {
                    l.strip_prefix("id:")
                        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
                });
                out.extend(id.map(|i| crate::corpus::normalise(&i)));
            }
        }
        out
    }

    /// Keep the findings of changed files, and the cross-document findings (`cites`) on
    /// unchanged files whose cited value names something the change took away
    /// ([`Changes::names_gone`]); return how many were left out.
    pub fn retain_changed_or_broken(
        &self,
        findings: &mut Vec<Finding>,
        cites: impl Fn(&Finding) -> bool,
    ) -> usize {
        let (broken, rest): (Vec<Finding>, Vec<Finding>) = std::mem::take(findings)
            .into_iter()
            .partition(|f| !self.is_changed(f.path()) && cites(f));
        *findings = rest;
        let mut left_out = self.retain_changed(findings);
        if broken.is_empty() {
            return left_out;
        }
        let gone = self.names_gone();
        for f in broken {
            if crate::corpus::cited_value(&f).is_some_and(|v| crate::corpus::names_any(&v, &gone)) {
                findings.push(f);
            } else {
                left_out += 1;
            }
        }
        left_out
    }

    /// Keep the findings of changed files; return how many were left out.
    pub fn retain_changed(&self, findings: &mut Vec<Finding>) -> usize {
        let before = findings.len();
        findings.retain(|f| self.is_changed(f.path()));
        before - findings.len()
    }

    /// `config-changed` for `file` if it differs from the merge base, at its first changed
    /// line.
    #[must_use]
    pub fn config_finding(&self, file: &Path) -> Option<Finding> {
        self.changed_file_finding(file, &CONFIG_CHANGED)
    }

    /// `custom-rule-changed` for each changed file under the rule directories.
    #[must_use]
    pub fn rule_findings(&self, dirs: &[std::path::PathBuf]) -> Vec<Finding> {
        let mut files = BTreeSet::new();
        let mut out = Vec::new();
        for dir in dirs {
            // Every entry, whatever an ignore file says: an ignore file must not hide an edit.
            let walk = ignore::WalkBuilder::new(dir)
                .standard_filters(false)
                .build();
            for entry in walk.filter_map(Result::ok) {
                if entry.file_type().is_some_and(|t| !t.is_dir()) {
                    files.insert(entry.into_path());
                }
            }
            // What the merge base had there and the work tree has not: deleted rules.
            if let Some(rel) = self.rel(dir) {
                for gone in self.base_files_under(&rel) {
                    if std::fs::symlink_metadata(self.root.join(&gone)).is_err() {
                        let source = SourceFile::new(gone.clone(), String::new());
                        let span = source.line_span(1);
                        out.push(
                            Finding::new(&CUSTOM_RULE_CHANGED, &source, span)
                                .with_detail(format!("deleted since {}", self.describe())),
                        );
                    }
                }
            }
        }
        out.extend(
            files
                .iter()
                .filter_map(|f| self.changed_file_finding(f, &CUSTOM_RULE_CHANGED)),
        );
        out
    }

    /// `kind-changed` for each checked document (`(path, kind)`) that changed and whose version
    /// at the merge base had another kind (an `aims-kind` added, edited or removed).
    #[must_use]
    pub fn kind_changes(
        &self,
        settings: &crate::config::Settings,
        checked: &[(&str, &str)],
    ) -> Vec<Finding> {
        let base_dir = absolute(&settings.base);
        let mut out = Vec::new();
        for (rel, kind) in checked {
            let Some((current, Some(old))) = self.versions(rel) else {
                continue;
            };
            let Some(format) = Format::from_path(rel) else {
                continue;
            };
            let text = String::from_utf8_lossy(&old);
            let source = SourceFile::new(*rel, text.trim_start_matches('\u{feff}').to_string());
            let (doc, _) = crate::parse::parse(&source, format, settings.limits);
            let rel_to_base = absolute(&self.root.join(rel))
                .strip_prefix(&base_dir)
                .ok()
                .map(|r| r.to_string_lossy().replace('\\', "/"));
            let crate::kinds::Classified::Kind(before, _) =
                crate::kinds::classify(&doc, settings, rel_to_base.as_deref())
            else {
                continue;
            };
            if before != *kind {
                // At the `aims-kind` that changed it, where the document has one.
                let text = String::from_utf8_lossy(&current).into_owned();
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with(crate::kinds::DECLARATION_KEY))
                    .map_or(1, |i| i + 1);
                let now = SourceFile::new(*rel, text);
                let span = now.line_span(u32::try_from(line).unwrap_or(1));
                out.push(Finding::new(&KIND_CHANGED, &now, span).with_detail(format!(
                    "a `{before}` at {}, a `{kind}` now",
                    self.describe()
                )));
            }
        }
        out
    }

    /// `document-removed` for each of `removed` ([`Changes::removed`]).
    #[must_use]
    pub fn removed_documents(&self, removed: &[(String, String)]) -> Vec<Finding> {
        removed
            .iter()
            .map(|(path, kind)| {
                let source = SourceFile::new(path.clone(), String::new());
                let span = source.line_span(1);
                let what = if kind == "declared" {
                    "an AIMS document (by its `aims-kind`)".to_string()
                } else {
                    format!("a `{kind}`")
                };
                Finding::new(&DOCUMENT_REMOVED, &source, span).with_detail(format!(
                    "{what} at {}, deleted or moved since",
                    self.describe()
                ))
            })
            .collect()
    }

    /// Each file of the merge base that was an AIMS document (by its path, or by an
    /// `aims-kind` declaration) and is not in the work tree: deleted, or moved where nothing
    /// finds it; with its kind at the merge base (`declared` for one found by its `aims-kind`).
    /// A document that moved and is still checked (`checked`: the paths of the documents this
    /// run checked) is not removed: one of them has its file name or its bytes.
    #[must_use]
    pub fn removed(
        &self,
        settings: &crate::config::Settings,
        checked: &[&str],
    ) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let file_name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
        let checked_names: BTreeSet<String> = checked.iter().map(|p| file_name(p)).collect();
        let base_dir = absolute(&settings.base);
        for path in self.base_files_under("") {
            if Format::from_path(&path).is_none()
                || std::fs::symlink_metadata(self.root.join(&path)).is_ok()
            {
                continue;
            }
            let rel_to_base = absolute(&self.root.join(&path))
                .strip_prefix(&base_dir)
                .ok()
                .map(|r| r.to_string_lossy().replace('\\', "/"));
            let by_path =
                crate::kinds::by_path(settings, rel_to_base.as_deref(), &path).map(|(k, _)| k);
            let declared = || {
                self.base_bytes(&path).is_some_and(|b| {
                    String::from_utf8_lossy(&b)
                        .lines()
                        .any(|l| l.trim_start().starts_with(crate::kinds::DECLARATION_KEY))
                })
            };
            let Some(kind) = by_path.or_else(|| declared().then(|| "declared".to_string())) else {
                continue;
            };
            let moved = checked_names.contains(&file_name(&path))
                || self.base_bytes(&path).is_some_and(|old| {
                    // Only files of the same size are read and compared.
                    checked.iter().any(|c| {
                        let file = self.root.join(c);
                        std::fs::symlink_metadata(&file)
                            .is_ok_and(|m| m.is_file() && m.len() == old.len() as u64)
                            && read_compared(&file).is_some_and(|now| now == old)
                    })
                });
            if !moved {
                out.push((path, kind));
            }
        }
        out
    }

    /// The paths of the files under folder `rel` (`""`: the whole tree) in the merge base's
    /// tree.
    fn base_files_under(&self, rel: &str) -> Vec<String> {
        let files = self.base_files();
        let rel = rel.trim_end_matches('/');
        if rel.is_empty() {
            return files.keys().cloned().collect();
        }
        let under = format!("{rel}/");
        files
            .range(under.clone()..)
            .take_while(|(path, _)| path.starts_with(&under))
            .map(|(path, _)| path.clone())
            .collect()
    }

    fn changed_file_finding(&self, file: &Path, rule: &Arc<RuleInfo>) -> Option<Finding> {
        let rel = self.rel(file)?;
        let (now, old) = self.versions(&rel)?;
        let old = old.map(|b| String::from_utf8_lossy(&b).into_owned());
        let source = SourceFile::new(rel, String::from_utf8_lossy(&now).into_owned());
        let (line, detail) = match &old {
            Some(old) => {
                let line = first_changed_line(old, source.text());
                (
                    line,
                    format!("changed since {} from line {line}", self.describe()),
                )
            }
            None => (1, format!("new since {}", self.describe())),
        };
        let span = source.line_span(line.min(source.line_count() as u32));
        Some(Finding::new(rule, &source, span).with_detail(detail))
    }

    /// `suppression-changed` for each suppression of a changed file that the file at the merge
    /// base does not have, word for word.
    #[must_use]
    pub fn suppression_findings(
        &self,
        files: &[(Arc<SourceFile>, Vec<Arc<Suppression>>)],
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        for (source, suppressions) in files {
            let Some((_, base)) = self.versions(source.name()) else {
                continue;
            };
            let format = Format::from_path(source.name()).unwrap_or(Format::Yaml);
            // As a multiset: a comment copied word for word to a second place is new there.
            let mut old: HashMap<String, usize> = HashMap::new();
            if let Some(b) = base {
                let text = String::from_utf8_lossy(&b).into_owned();
                let old_source = SourceFile::new(source.name(), text);
                for s in suppress::scan(&old_source, format) {
                    *old.entry(s.text).or_default() += 1;
                }
            }
            let mut ordered: Vec<&Arc<Suppression>> = suppressions.iter().collect();
            ordered.sort_by_key(|s| s.span.start.byte);
            let new = ordered.into_iter().filter(|s| match old.get_mut(&s.text) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            });
            for s in new {
                out.push(
                    Finding::new(&SUPPRESSION_CHANGED, source, s.span).with_detail(format!(
                        "not at {}: waives {}{}",
                        self.describe(),
                        s.names.join(", "),
                        s.reason
                            .as_deref()
                            .map(|r| format!(" because “{r}”"))
                            .unwrap_or_default()
                    )),
                );
            }
        }
        out
    }

    /// `origin/main (merge base 1a2b3c4)`.
    fn describe(&self) -> String {
        format!(
            "{} (merge base {})",
            self.reference,
            self.since().short_base()
        )
    }
}

/// The first 1-based line at which `new` differs from `old`.
fn first_changed_line(old: &str, new: &str) -> u32 {
    let same = old
        .lines()
        .zip(new.lines())
        .take_while(|(a, b)| a == b)
        .count();
    same as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::first_changed_line;

    #[test]
    fn first_changed_lines() {
        assert_eq!(first_changed_line("a\nb\nc\n", "a\nB\nc\n"), 2);
        assert_eq!(first_changed_line("a\n", "a\nb\n"), 2);
        assert_eq!(first_changed_line("", "x"), 1);
    }

    /// A change is in the bytes, whatever the file's times say; a link in a document's place
    /// is a change, even to the same bytes; and a file of several megabytes is hashed as well.
    #[cfg(unix)]
    #[test]
    fn a_file_changed_when_its_bytes_differ_from_the_merge_base_or_it_is_no_longer_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let git = |args: &[&str]| {
            let out = std::process::Command::new("git")
                .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
                .args(args)
                .current_dir(root)
                .output()
                .unwrap();
            assert!(out.status.success(), "{out:?}");
        };
        let big = "line of a long card\n".repeat(300_000);
        git(&["init", "-q"]);
        for (name, text) in [
            ("same.md", "a\n"),
            ("rewritten.md", "a\n"),
            ("edited.md", "a\n"),
            ("linked.md", "a\n"),
            ("big.md", big.as_str()),
            ("big-edited.md", big.as_str()),
        ] {
            std::fs::write(root.join(name), text).unwrap();
        }
        git(&["add", "."]);
        git(&["commit", "-q", "-m", "base"]);
        std::fs::write(root.join("rewritten.md"), "a\n").unwrap();
        std::fs::write(root.join("edited.md"), "b\n").unwrap();
        std::fs::write(root.join("copy.md"), "a\n").unwrap();
        std::fs::remove_file(root.join("linked.md")).unwrap();
        std::os::unix::fs::symlink("copy.md", root.join("linked.md")).unwrap();
        std::fs::write(root.join("big-edited.md"), format!("{big}x")).unwrap();
        let changes = super::Changes::open(root, "HEAD").unwrap();
        let judged = |rel: &str| changes.is_changed(rel);
        assert!(!judged("same.md"));
        assert!(!judged("rewritten.md"));
        assert!(!judged("big.md"));
        assert!(judged("edited.md"));
        assert!(judged("linked.md"));
        assert!(judged("big-edited.md"));
        assert!(judged("copy.md"), "not at the merge base");
        assert!(judged("missing.md"));
        // Primed in parallel, the same answers.
        let primed = super::Changes::open(root, "HEAD").unwrap();
        let all = [
            "same.md",
            "rewritten.md",
            "big.md",
            "edited.md",
            "linked.md",
            "big-edited.md",
            "copy.md",
            "missing.md",
        ];
        primed.prime(all);
        for rel in all {
            assert_eq!(primed.is_changed(rel), judged(rel), "{rel}");
        }
        assert_eq!(primed.cache.borrow().len(), all.len());
    }
}
