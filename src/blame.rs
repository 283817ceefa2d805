//! Who last changed the line of each finding: git blame with gix, in-process.
//!
//! Only files that have findings are blamed, and only the lines of their findings (a range
//! costs a fraction of a whole file), one file after another with one cache of decoded objects
//! (see [`Blamer::annotate`] for why not in parallel). Blame starts from the
//! working tree, as `git blame <file>` does, so a line changed but not committed is reported
//! as such. Renames are followed and `.mailmap` is honoured, as git does by default.
//!
//! Shallow clones (CI checkouts with `fetch-depth: 1`) have no history past their boundary
//! commits, where gix-blame 0.20 fails. The walk is bounded in time at the oldest boundary
//! commit, so that lines older than the clone are attributed to the boundary commit, as git
//! does, and marked `boundary`. This relies on commit dates: a commit dated earlier than the
//! boundary (clock skew) would end the walk early; `git blame` has no such limit.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use gix::ObjectId;
use gix::bstr::ByteSlice;
use serde::Serialize;

use crate::finding::Finding;

/// Upper bound on the cache of decoded objects. A walk reads every commit and tree of the
/// history once per file; at 64 MiB, 10,000 commits no longer fitted and each of 200 files paid
/// the whole walk again (about 0.8 s each). The cap is rarely reached: peak RSS was 119 MB there.
const OBJECT_CACHE_BYTES: usize = 256 * 1024 * 1024;

/// How a line relates to the history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Last changed by the commit named.
    Committed,
    /// Changed in the working tree and not committed.
    Uncommitted,
    /// The file is not in `HEAD`.
    Untracked,
    /// Older than a shallow clone's history: attributed to its boundary commit.
    Boundary,
}

/// Who last changed a line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Blame {
    /// See [`Status`].
    pub status: Status,
    /// Full commit id (committed and boundary lines).
    pub commit: Option<String>,
    /// Author name, after `.mailmap`.
    pub author_name: Option<String>,
    /// Author e-mail, after `.mailmap`.
    pub author_email: Option<String>,
    /// Author time, RFC 3339 with the author's offset.
    pub author_time: Option<String>,
    /// First line of the commit message.
    pub summary: Option<String>,
}

impl Blame {
    fn without_commit(status: Status) -> Self {
        Self {
            status,
            commit: None,
            author_name: None,
            author_email: None,
            author_time: None,
            summary: None,
        }
    }

    /// One line for people, e.g. `last changed by Ada <ada@example.org> in 1a2b3c4 on
    /// 2026-03-02: tighten provenance`.
    #[must_use]
    pub fn describe(&self) -> String {
        let short = self.commit.as_deref().map_or("", |c| &c[..c.len().min(7)]);
        let who = format!(
            "{} <{}>",
            self.author_name.as_deref().unwrap_or("?"),
            self.author_email.as_deref().unwrap_or("?")
        );
        let date = self
            .author_time
            .as_deref()
            .map_or("", |t| &t[..t.len().min(10)]);
        let summary = self.summary.as_deref().unwrap_or("");
        match self.status {
            Status::Committed => format!("last changed by {who} in {short} on {date}: {summary}"),
            Status::Boundary => format!(
                "last changed in or before {short} by {who} on {date}: {summary} (shallow clone: older history is not here)"
            ),
            Status::Uncommitted => "changed in the working tree, not committed yet".to_string(),
            Status::Untracked => "the file is not committed yet".to_string(),
        }
    }
}

/// A repository ready to blame.
pub struct Blamer {
    repo: gix::Repository,
    head: Option<ObjectId>,
    shallow: Option<Shallow>,
}

struct Shallow {
    since: gix::date::Time,
    boundary: HashSet<ObjectId>,
}

impl Blamer {
    /// Open the repository whose work tree is `root`; `None` outside a git repository.
    #[must_use]
    pub fn open(root: &Path) -> Option<Self> {
        let mut repo = gix::open(root).ok()?;
        repo.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
        repo.workdir()?;
        let head = repo.head_id().ok().map(gix::Id::detach);
        let shallow = match repo.shallow_commits() {
            Ok(Some(commits)) => {
                let boundary: HashSet<ObjectId> = commits.iter().copied().collect();
                let oldest = boundary
                    .iter()
                    .filter_map(|id| repo.find_commit(*id).ok()?.time().ok())
                    .map(|t| t.seconds)
                    .min();
                oldest.map(|seconds| Shallow {
                    since: gix::date::Time::new(seconds + 1, 0),
                    boundary,
                })
            }
            _ => None,
        };
        Some(Self {
            repo,
            head,
            shallow,
        })
    }

    /// True in a shallow clone.
    #[must_use]
    pub fn is_shallow(&self) -> bool {
        self.shallow.is_some()
    }

    /// Set the blame of every finding in `findings` whose file is in the work tree.
    pub fn annotate(&self, root: &Path, findings: &mut [Finding]) {
        let mut by_path: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for f in findings.iter() {
            if !f.path().starts_with('/') {
                by_path.entry(f.path()).or_default().push(f.span.start.line);
            }
        }
        // One worker with one warm object cache: files of a repository share most of their
        // history, and gix caches decoded objects per `Repository`, so parallel workers each
        // decode the same commits and trees again. Measured on 2,500 commits and 50 files
        // (benches/blame.rs): 655 ms on one worker, 872 ms on two.
        let results: HashMap<String, HashMap<u32, Arc<Blame>>> = by_path
            .into_iter()
            .map(|(path, lines)| (path.to_string(), self.blame_lines(root, path, lines)))
            .collect();
        for f in findings.iter_mut() {
            f.blame = results
                .get(f.path())
                .and_then(|lines| lines.get(&f.span.start.line))
                .cloned();
        }
    }

    fn blame_lines(&self, root: &Path, path: &str, lines: Vec<u32>) -> HashMap<u32, Arc<Blame>> {
        let repo = &self.repo;
        let mut out = HashMap::new();
        let Ok(contents) = std::fs::read(root.join(path)) else {
            return out;
        };
        let in_head = self.head.is_some_and(|head| {
            repo.find_commit(head)
                .ok()
                .and_then(|c| c.tree().ok())
                .and_then(|t| t.lookup_entry_by_path(path).ok().flatten())
                .is_some()
        });
        let Some(head) = self.head.filter(|_| in_head) else {
            let untracked = Arc::new(Blame::without_commit(Status::Untracked));
            return lines
                .into_iter()
                .map(|l| (l, Arc::clone(&untracked)))
                .collect();
        };
        // gix counts a last line without a line break; a finding just past the end is
        // attributed to the last line.
        let count = contents.lines_with_terminator().count().max(1) as u32;
        let mut blamed: Vec<u32> = lines.iter().map(|l| (*l).clamp(1, count)).collect();
        blamed.sort_unstable();
        blamed.dedup();
        let Ok(ranges) =
            gix::blame::BlameRanges::from_one_based_inclusive_ranges(coalesce(&blamed))
        else {
            return out;
        };
        let Ok(mut resources) = repo.diff_resource_cache_for_tree_diff() else {
            return out;
        };
        let options = gix::blame::Options {
            diff_algorithm: repo.diff_algorithm().unwrap_or_default(),
            ranges,
            since: self.shallow.as_ref().map(|s| s.since),
            rewrites: Some(gix::diff::Rewrites::default()),
            debug_track_path: false,
        };
        let outcome = gix::blame::file(
            &repo.objects,
            gix::blame::Start::Contents {
                first_suspect: head,
                contents: contents.into(),
            },
            repo.commit_graph_if_enabled().ok().flatten(),
            &mut resources,
            path.as_bytes().as_bstr(),
            options,
        );
        let Ok(outcome) = outcome else {
            return out;
        };
        let mailmap = repo.open_mailmap();
        let mut commits: HashMap<ObjectId, Arc<Blame>> = HashMap::new();
        // Keyed by the finding's own line, blamed at that line clamped to the file.
        for line in lines {
            let zero_based = line.clamp(1, count) - 1;
            let Some(entry) = outcome.entries.iter().find(|e| {
                e.start_in_blamed_file <= zero_based
                    && zero_based < e.start_in_blamed_file + e.len.get()
            }) else {
                continue;
            };
            let blame = commits
                .entry(entry.commit_id)
                .or_insert_with(|| Arc::new(self.describe_commit(&mailmap, entry.commit_id)));
            out.insert(line, Arc::clone(blame));
        }
        out
    }

    fn describe_commit(&self, mailmap: &gix::mailmap::Snapshot, id: ObjectId) -> Blame {
        let repo = &self.repo;
        if id.is_null() {
            return Blame::without_commit(Status::Uncommitted);
        }
        let status = if self
            .shallow
            .as_ref()
            .is_some_and(|s| s.boundary.contains(&id))
        {
            Status::Boundary
        } else {
            Status::Committed
        };
        let mut blame = Blame::without_commit(status);
        blame.commit = Some(id.to_string());
        if let Ok(commit) = repo.find_commit(id) {
            if let Ok(author) = commit.author() {
                let author = mailmap.resolve(author);
                blame.author_name = Some(author.name.to_string());
                blame.author_email = Some(author.email.to_string());
                blame.author_time = author
                    .time
                    .format(gix::date::time::format::ISO8601_STRICT)
                    .ok();
            }
            blame.summary = commit.message().ok().map(|m| m.summary().to_string());
        }
        blame
    }
}

/// `[1, 2, 3, 7]` → `[1..=3, 7..=7]`.
fn coalesce(lines: &[u32]) -> Vec<std::ops::RangeInclusive<u32>> {
    let mut out: Vec<std::ops::RangeInclusive<u32>> = Vec::new();
    for &l in lines {
        match out.last_mut() {
            Some(r) if *r.end() + 1 == l => *r = *r.start()..=l,
            _ => out.push(l..=l),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_coalesce() {
        assert_eq!(coalesce(&[1, 2, 3, 7, 9, 10]), vec![1..=3, 7..=7, 9..=10]);
        assert!(coalesce(&[]).is_empty());
    }
}
