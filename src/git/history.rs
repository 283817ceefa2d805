//! The history of documents: for each, the commits that changed it, newest first, found in one
//! walk of every commit reachable from `HEAD`, by commit time (a tree diff of each commit
//! against its parent: unchanged subtrees are skipped by id, so a commit costs what it
//! changed).
//!
//! Merge commits are not diffed: the commits of the merged branch carry the changes and their
//! real authors (a first-parent walk would credit every change of a pull request to whoever
//! merged it, and the approver who merges would look like its author). What a merge itself
//! changes (a conflict resolution) is not seen.
//!
//! Renames are not followed: a moved document's history starts at the move, which the history
//! rules read as the document being added (never as an edit after approval). In a shallow
//! clone the walk stops at the boundary and says so: the history rules then say they need more
//! history rather than guess.

use std::collections::{HashMap, HashSet};

use gix::ObjectId;
use gix::bstr::ByteSlice;

use super::blame::Mailmap;

/// One commit that changed a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The commit.
    pub commit: ObjectId,
    /// Its author time, seconds since the epoch.
    pub time: i64,
    /// Its author's name, after `.mailmap`; shared by every document the commit changed (a
    /// first commit of 100,000 documents made as many copies, 10 MB).
    pub author: std::sync::Arc<str>,
    /// Its author's e-mail, after `.mailmap`.
    pub email: std::sync::Arc<str>,
    /// The document's blob after the commit; `None` when the commit deleted it.
    pub blob: Option<ObjectId>,
    /// Its blob before the commit (in the parent); `None` when the commit added it.
    pub previous: Option<ObjectId>,
    /// Whether the commit added the document (it was not in the first parent).
    pub added: bool,
}

impl Revision {
    /// The commit id, abbreviated as git prints it.
    #[must_use]
    pub fn short(&self) -> String {
        self.commit.to_hex_with_len(7).to_string()
    }

    /// The author time as a date, `YYYY-MM-DD` (UTC).
    #[must_use]
    pub fn date(&self) -> String {
        jiff::Timestamp::from_second(self.time)
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_default()
    }
}

/// The history of the documents asked for.
#[derive(Debug, Default)]
pub struct Log {
    /// For each path (relative to the repository root), its revisions, newest first.
    pub files: HashMap<String, Vec<Revision>>,
    /// The walk reached a shallow clone's boundary: older changes are unknown.
    pub truncated: bool,
    /// Commits walked.
    pub commits: usize,
}

/// Walk the history from `tip` (`HEAD` when `None`) once, recording every commit that changed
/// one of `paths`.
#[must_use]
pub fn log<S: std::hash::BuildHasher>(
    repo: &gix::Repository,
    tip: Option<ObjectId>,
    paths: &HashSet<String, S>,
) -> Log {
    let mut out = Log::default();
    if paths.is_empty() {
        return out;
    }
    let Some(head) = tip.or_else(|| repo.head_id().ok().map(gix::Id::detach)) else {
        return out;
    };
    let boundary: HashSet<ObjectId> = match repo.shallow_commits() {
        Ok(Some(commits)) => commits.iter().copied().collect(),
        _ => HashSet::new(),
    };
    let mailmap = Mailmap::new(&repo.open_mailmap());
    let Ok(mut cache) = repo.diff_resource_cache(
        gix::diff::blob::pipeline::Mode::ToGit,
        gix::diff::blob::pipeline::WorktreeRoots::default(),
    ) else {
        return out;
    };
    let empty = repo.empty_tree();
    let Ok(walk) = repo
        .rev_walk([head])
        .sorting(gix::revision::walk::Sorting::ByCommitTime(
            gix::traverse::commit::simple::CommitTimeOrder::NewestFirst,
        ))
        .all()
    else {
        return out;
    };
    for info in walk {
        let Ok(info) = info else {
            out.truncated = true;
            break;
        };
        out.commits += 1;
        let commit_id = info.id;
        if boundary.contains(&commit_id) {
            // Its parents are not in this clone: what it changed cannot be told from what it
            // inherited.
            out.truncated = true;
            continue;
        }
        let parents: Vec<ObjectId> = info.parent_ids.iter().copied().collect();
        if parents.len() > 1 {
            continue;
        }
        let Ok(commit) = repo.find_commit(commit_id) else {
            out.truncated = true;
            continue;
        };
        let Some(changes) = changes_of(repo, &commit, parents.first(), &empty, &mut cache, paths)
        else {
            out.truncated = true;
            continue;
        };
        let (time, author, email): (i64, std::sync::Arc<str>, std::sync::Arc<str>) =
            match commit.author() {
                Ok(a) => {
                    let (name, email) = mailmap.resolve(a.name, a.email);
                    (
                        a.time().map_or(0, |t| t.seconds),
                        std::sync::Arc::from(name.to_string()),
                        std::sync::Arc::from(email.to_string()),
                    )
                }
                Err(_) => (0, std::sync::Arc::from(""), std::sync::Arc::from("")),
            };
        for (path, blob, previous) in changes {
            out.files.entry(path).or_default().push(Revision {
                commit: commit_id,
                time,
                author: author.clone(),
                email: email.clone(),
                blob,
                previous,
                added: previous.is_none(),
            });
        }
    }
    // Most documents have one or two revisions: no room to grow is kept for the whole run
    // (a vector's first push makes room for four).
    for revs in out.files.values_mut() {
        revs.shrink_to_fit();
    }
    out.files.shrink_to_fit();
    out
}

/// A file a commit touched: its path, its blob after and before the commit.
type Touched = (String, Option<ObjectId>, Option<ObjectId>);

/// What a commit changed in `paths` against its parent (or against nothing, for a root
/// commit): the path of each file, its blob after and before. `None` when an object is
/// missing. Only the paths asked for are kept (a first commit of 100,000 documents would
/// otherwise hold every path at once).
fn changes_of<S: std::hash::BuildHasher>(
    repo: &gix::Repository,
    commit: &gix::Commit<'_>,
    parent: Option<&ObjectId>,
    empty: &gix::Tree<'_>,
    cache: &mut gix::diff::blob::Platform,
    paths: &HashSet<String, S>,
) -> Option<Vec<Touched>> {
    use gix::object::tree::diff::Change as C;
    let tree = commit.tree().ok()?;
    let parent_tree = match parent {
        Some(p) => repo.find_commit(*p).and_then(|c| c.tree()).ok()?,
        None => empty.clone(),
    };
    let mut out = Vec::new();
    let mut changes = parent_tree.changes().ok()?;
    changes.options(|o| {
        o.track_path().track_rewrites(None);
    });
    let mut keep = |location: &gix::bstr::BStr, blob, previous| {
        if let Ok(path) = location.to_str()
            && paths.contains(path)
        {
            out.push((path.to_string(), blob, previous));
        }
    };
    changes
        .for_each_to_obtain_tree_with_cache(&tree, cache, |change| {
            match change {
                C::Addition {
                    location,
                    entry_mode,
                    id,
                    ..
                } if entry_mode.is_blob() => keep(location, Some(id.detach()), None),
                C::Modification {
                    location,
                    entry_mode,
                    id,
                    previous_id,
                    ..
                } if entry_mode.is_blob() => {
                    keep(location, Some(id.detach()), Some(previous_id.detach()));
                }
                C::Deletion { location, id, .. } => keep(location, None, Some(id.detach())),
                _ => {}
            }
            Ok(std::ops::ControlFlow::Continue(()))
        })
        .ok()?;
    cache.clear_resource_cache();
    Some(out)
}
