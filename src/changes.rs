//! `--changed-since REF`: report only findings in files that differ from the merge base of
//! `HEAD` and `REF`, as a pull request's reviewers see them, and report the changes that alter
//! the gate itself: aims-lint.toml, custom rules and suppression comments.
//!
//! A file has changed when its bytes in the work tree differ from its blob at the merge base
//! (or it has none there): committed and uncommitted edits alike, as `git diff <merge-base>`
//! shows them. Every document is still checked; only the report is narrowed, so checks that
//! look across documents see the whole repository.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, LazyLock};

use gix::ObjectId;

use crate::discover::absolute;
use crate::finding::{Finding, RuleInfo, Severity};
use crate::parse::Format;
use crate::source::SourceFile;
use crate::suppress::{self, Suppression};

/// aims-lint.toml changed.
pub static CONFIG_CHANGED: LazyLock<Arc<RuleInfo>> = LazyLock::new(|| {
    RuleInfo::builtin(
        "config-changed",
        Severity::Warning,
        "aims-lint.toml changed: this change alters what the gate checks",
        "review the configuration change with the owners of the AI management system; it is reported in `--changed-since` mode whatever the configuration says",
    )
});

/// A file of a custom rule directory changed.
pub static CUSTOM_RULE_CHANGED: LazyLock<Arc<RuleInfo>> = LazyLock::new(|| {
    RuleInfo::builtin(
        "custom-rule-changed",
        Severity::Warning,
        "a custom rule changed: this change alters what the gate checks",
        "review the rule change with the owners of the AI management system; it is reported in `--changed-since` mode whatever the configuration says",
    )
});

/// A suppression comment was added or changed.
pub static SUPPRESSION_CHANGED: LazyLock<Arc<RuleInfo>> = LazyLock::new(|| {
    RuleInfo::builtin(
        "suppression-changed",
        Severity::Warning,
        "a suppression was added or changed: this change waives a finding",
        "check that the reason holds and that the expiry is reasonable; it is reported in `--changed-since` mode whatever the configuration says",
    )
});

/// The checks of `--changed-since`, for listings and SARIF. The configuration cannot ignore or
/// downgrade them: a change could otherwise hide itself.
#[must_use]
pub fn rules() -> [&'static Arc<RuleInfo>; 3] {
    [&CONFIG_CHANGED, &CUSTOM_RULE_CHANGED, &SUPPRESSION_CHANGED]
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
    repo: gix::Repository,
    reference: String,
    base: ObjectId,
    tree: ObjectId,
    root: std::path::PathBuf,
    cache: std::cell::RefCell<HashMap<String, bool>>,
}

impl Changes {
    /// Find the merge base of `HEAD` and `reference` in the repository at `root`.
    ///
    /// # Errors
    /// Not a git repository, no commit yet, `reference` unknown, or no merge base (a shallow
    /// clone), each with what to do.
    pub fn open(root: &Path, reference: &str) -> Result<Self, String> {
        let fetch =
            "in GitHub Actions, check out with `fetch-depth: 0`; elsewhere `git fetch` the branch";
        let repo = gix::open(root).map_err(|e| {
            format!(
                "--changed-since needs a git repository, and {} is not one: {e}",
                root.display()
            )
        })?;
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
        })
    }

    /// The merge base, and nothing counted yet.
    #[must_use]
    pub fn since(&self) -> Since {
        Since {
            reference: self.reference.clone(),
            merge_base: self.base.to_string(),
            unchanged: 0,
        }
    }

    /// The bytes of `rel` (relative to the root, `/`-separated) at the merge base, if it was
    /// a file there.
    fn base_bytes(&self, rel: &str) -> Option<Vec<u8>> {
        let tree = self.repo.find_tree(self.tree).ok()?;
        let entry = tree.lookup_entry_by_path(rel).ok()??;
        if !entry.mode().is_blob() {
            return None;
        }
        Some(entry.object().ok()?.detach().data)
    }

    /// The bytes of `rel` in the work tree and at the merge base, when they differ (a file
    /// that was not there has changed).
    fn versions(&self, rel: &str) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        let now = std::fs::read(self.root.join(rel)).ok()?;
        let base = self.base_bytes(rel);
        (base.as_ref() != Some(&now)).then_some((now, base))
    }

    /// Whether `rel` differs from the merge base; remembered, as many findings share a file.
    pub fn is_changed(&self, rel: &str) -> bool {
        if let Some(known) = self.cache.borrow().get(rel) {
            return *known;
        }
        let changed = self.versions(rel).is_some();
        self.cache.borrow_mut().insert(rel.to_string(), changed);
        changed
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
        for dir in dirs {
            let walk = ignore::WalkBuilder::new(dir).hidden(false).build();
            for entry in walk.filter_map(Result::ok) {
                if entry.file_type().is_some_and(|t| t.is_file()) {
                    files.insert(entry.into_path());
                }
            }
        }
        files
            .iter()
            .filter_map(|f| self.changed_file_finding(f, &CUSTOM_RULE_CHANGED))
            .collect()
    }

    fn changed_file_finding(&self, file: &Path, rule: &Arc<RuleInfo>) -> Option<Finding> {
        let root = absolute(&self.root);
        let rel = absolute(file)
            .strip_prefix(&root)
            .ok()?
            .to_string_lossy()
            .replace('\\', "/");
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
            let old: BTreeSet<String> = base
                .map(|b| {
                    let text = String::from_utf8_lossy(&b).into_owned();
                    let old = SourceFile::new(source.name(), text);
                    suppress::scan(&old, format)
                        .into_iter()
                        .map(|s| s.text)
                        .collect()
                })
                .unwrap_or_default();
            for s in suppressions.iter().filter(|s| !old.contains(&s.text)) {
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
}
