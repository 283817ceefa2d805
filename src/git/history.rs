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
pub struct Log<'p> {
    /// For each path (relative to the repository root), its revisions, newest first; the
    /// paths are those asked for, borrowed.
    pub files: HashMap<&'p str, Vec<Revision>>,
    /// The walk reached a shallow clone's boundary: older changes are unknown.
    pub truncated: bool,
    /// Commits walked.
    pub commits: usize,
}

/// Walk the history from `tip` (`HEAD` when `None`) once, recording every commit that changed
/// one of `paths`.
#[must_use]
pub fn log<'p, S: std::hash::BuildHasher>(
    repo: &gix::Repository,
    tip: Option<ObjectId>,
    paths: &HashSet<&'p str, S>,
) -> Log<'p> {
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
    let mut state = gix::diff::tree::State::default();
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
        let Some(changes) = changes_of(repo, &commit, parents.first(), &mut state, paths) else {
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
type Touched<'p> = (&'p str, Option<ObjectId>, Option<ObjectId>);

/// What a commit changed in `paths` against its parent (or against nothing, for a root
/// commit): the path of each file, its blob after and before. `None` when an object is
/// missing. Only the paths asked for are kept: a first commit of 100,000 documents would
/// otherwise hold every path at once.
fn changes_of<'p, S: std::hash::BuildHasher>(
    repo: &gix::Repository,
    commit: &gix::Commit<'_>,
    parent: Option<&ObjectId>,
    state: &mut gix::diff::tree::State,
    paths: &HashSet<&'p str, S>,
) -> Option<Vec<Touched<'p>>> {
    use gix::diff::tree::visit::Change as C;
    let tree = repo.find_tree(commit.tree_id().ok()?).ok()?;
    let parent_tree = match parent {
        Some(p) => Some(
            repo.find_tree(repo.find_commit(*p).ok()?.tree_id().ok()?)
                .ok()?,
        ),
        None => None,
    };
    let mut out = Vec::new();
    super::diff_trees(repo, parent_tree.as_ref(), &tree, state, |path, change| {
        let (blob, previous) = match change {
            C::Addition {
                entry_mode, oid, ..
            } if entry_mode.is_blob() => (Some(oid), None),
            C::Modification {
                entry_mode,
                oid,
                previous_oid,
                ..
            } if entry_mode.is_blob() => (Some(oid), Some(previous_oid)),
            // A folder's deletion is no document's: its files come as deletions of their own
            // (a folder that a file of the same name later replaced had its deletion taken for
            // that file's, with the folder's tree as its "blob").
            C::Deletion {
                entry_mode, oid, ..
            } if entry_mode.is_blob() => (None, Some(oid)),
            _ => return,
        };
        if let Some(&path) = path.to_str().ok().and_then(|p| paths.get(p)) {
            out.push((path, blob, previous));
        }
    })?;
    Some(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

    use std::path::Path;
    use std::process::Command;

    use super::*;

    fn git(dir: &Path, args: &[&str], date: u64) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_AUTHOR_DATE", format!("{date} +0000"))
            .env("GIT_COMMITTER_DATE", format!("{date} +0000"))
            .env("GIT_AUTHOR_NAME", "a")
            .env("GIT_AUTHOR_EMAIL", "a@example.org")
            .env("GIT_COMMITTER_NAME", "a")
            .env("GIT_COMMITTER_EMAIL", "a@example.org")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// The blob of `path` at `rev`, as git resolves it; `None` where it is no file.
    fn blob(dir: &Path, rev: &str, path: &str) -> Option<ObjectId> {
        let out = Command::new("git")
            .args(["rev-parse", "--verify", "--quiet", &format!("{rev}:{path}")])
            .current_dir(dir)
            .output()
            .unwrap();
        let id = String::from_utf8(out.stdout).unwrap();
        let id = ObjectId::from_hex(id.trim().as_bytes()).ok()?;
        let kind = git(dir, &["cat-file", "-t", &id.to_string()], 0);
        (kind.trim() == "blob").then_some(id)
    }

    /// Seven commits and a merge in `dir`: nested files added, edited and deleted, a folder
    /// deleted, a file that becomes a folder and a folder that becomes a file, a side branch.
    fn generate(dir: &Path) {
        let write = |rel: &str, text: &str| {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        let mut date = 1_700_000_000;
        let mut commit = |message: &str| {
            date += 60;
            git(dir, &["add", "-A"], date);
            git(dir, &["commit", "-q", "--allow-empty", "-m", message], date);
        };
        git(dir, &["init", "-q", "-b", "main"], 0);
        write("a.yaml", "one\n");
        write("d/b.yaml", "one\n");
        write("d/e/c.yaml", "one\n");
        write("d/e/g/h.yaml", "one\n");
        write("x/y.yaml", "not wanted\n");
        commit("add");
        write("d/e/c.yaml", "two\n");
        write("d/f.yaml", "one\n");
        write("x/y.yaml", "still not wanted\n");
        commit("edit nested, add beside");
        std::fs::remove_file(dir.join("d/b.yaml")).unwrap();
        write("a.yaml", "two\n");
        commit("delete one, edit the top");
        std::fs::remove_dir_all(dir.join("d/e")).unwrap();
        commit("delete a folder");
        // A file that becomes a folder, and a folder that becomes a file.
        std::fs::remove_file(dir.join("a.yaml")).unwrap();
        write("a.yaml/inner.yaml", "one\n");
        write("d/e", "a file now\n");
        commit("swap kinds");
        // A branch merged back: the merge itself is not diffed, its branch's commit is.
        git(dir, &["checkout", "-q", "-b", "side"], 1_700_000_000);
        write("d/f.yaml", "from the side\n");
        commit("on the side");
        git(dir, &["checkout", "-q", "main"], 1_700_000_000);
        write("a.yaml/inner.yaml", "two\n");
        commit("on main");
        date += 60;
        git(
            dir,
            &["merge", "-q", "--no-ff", "-m", "merge", "side"],
            date,
        );
    }

    #[test]
    fn every_commit_that_changed_a_wanted_path_is_found_as_git_log_finds_it() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        generate(dir);

        let wanted: HashSet<&str> = [
            "a.yaml",
            "a.yaml/inner.yaml",
            "d/b.yaml",
            "d/e/c.yaml",
            "d/e/g/h.yaml",
            "d/e",
            "d/f.yaml",
            "never.yaml",
        ]
        .into_iter()
        .collect();
        let repo = gix::open(dir).unwrap();
        let log = log(&repo, None, &wanted);
        assert!(!log.truncated);
        assert!(!log.files.contains_key("x/y.yaml"), "a path not asked for");
        // Every commit but merges, newest first, with the files it changed (exactly: a pathspec
        // would also match the files under a folder of that name).
        let listed = git(
            dir,
            &[
                "log",
                "--format=>%H",
                "--no-merges",
                "--no-renames",
                "--name-only",
            ],
            0,
        );
        let mut changed: Vec<(String, Vec<String>)> = Vec::new();
        for line in listed.lines().filter(|l| !l.is_empty()) {
            match line.strip_prefix('>') {
                Some(id) => changed.push((id.to_string(), Vec::new())),
                None => changed.last_mut().unwrap().1.push(line.to_string()),
            }
        }
        assert_eq!(changed.len(), 7, "{listed}");
        for &path in &wanted {
            let expected: Vec<String> = changed
                .iter()
                .filter(|(_, files)| files.iter().any(|f| f == path))
                .map(|(id, _)| id.clone())
                .collect();
            let revs = log.files.get(path).map_or(&[][..], Vec::as_slice);
            let found: Vec<String> = revs.iter().map(|r| r.commit.to_string()).collect();
            assert_eq!(found, expected, "{path}");
            for r in revs {
                let c = r.commit.to_string();
                assert_eq!(r.blob, blob(dir, &c, path), "{path} at {c}");
                assert_eq!(
                    r.previous,
                    blob(dir, &format!("{c}^"), path),
                    "{path} before {c}"
                );
                assert_eq!(r.added, r.previous.is_none(), "{path} at {c}");
            }
        }
        // The history covers what was asked for: nested files, deletions of a folder's files.
        assert_eq!(log.files["d/e/g/h.yaml"].len(), 2);
        assert_eq!(log.files["a.yaml"].len(), 3);
    }
}
