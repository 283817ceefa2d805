//! What a pull request's commits did, read from git: who changed each file since the merge
//! base, and the repository as the merge base had it (for `--fail-on-regression`, which checks
//! both and compares).

use std::collections::{BTreeSet, HashMap};
use std::io::Write as _;
use std::path::{Component, Path};

use gix::bstr::ByteSlice;

use super::blame::Mailmap;
use super::changes::Changes;

/// Who changed a file since the merge base.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Authors {
    /// `Name <email>` of each commit author (after `.mailmap`), sorted, once each.
    pub committed: BTreeSet<String>,
    /// The work tree differs from `HEAD` (changes not committed yet, whoever makes them).
    pub uncommitted: bool,
}

impl Changes {
    /// For each of `rels` (relative to the root, `/`-separated): the authors of the commits
    /// between the merge base and `HEAD` that changed it. Merge commits are skipped, as in the
    /// history rules: a merged branch is credited to its authors, not to whoever merged it.
    #[must_use]
    pub fn authors(&self, rels: &[&str]) -> HashMap<String, Authors> {
        let mut out: HashMap<String, Authors> = rels
            .iter()
            .map(|r| ((*r).to_string(), Authors::default()))
            .collect();
        let repo = &self.repo;
        let mailmap = Mailmap::new(&repo.open_mailmap());
        let blob_at = |tree: &gix::Tree<'_>, rel: &str| {
            tree.lookup_entry_by_path(rel)
                .ok()
                .flatten()
                .map(|e| e.object_id())
        };
        if let Ok(head) = repo.head_id() {
            let walk = repo
                .rev_walk([head.detach()])
                .with_hidden([self.base])
                .all();
            for info in walk.into_iter().flatten().flatten() {
                let parents: Vec<_> = info.parent_ids.iter().copied().collect();
                if parents.len() > 1 {
                    continue;
                }
                let Ok(commit) = repo.find_commit(info.id) else {
                    continue;
                };
                let Ok(tree) = commit.tree() else { continue };
                let parent_tree = parents
                    .first()
                    .and_then(|p| repo.find_commit(*p).ok())
                    .and_then(|c| c.tree().ok());
                let author = commit.author().ok().map(|a| {
                    let (name, email) = mailmap.resolve(a.name, a.email);
                    format!("{name} <{email}>")
                });
                for (rel, authors) in &mut out {
                    let before = parent_tree.as_ref().and_then(|t| blob_at(t, rel));
                    if blob_at(&tree, rel) != before
                        && let Some(a) = &author
                    {
                        authors.committed.insert(a.clone());
                    }
                }
            }
        }
        let head_tree = repo.head_tree().ok();
        for (rel, authors) in &mut out {
            let entry = head_tree
                .as_ref()
                .and_then(|t| t.lookup_entry_by_path(rel.as_str()).ok().flatten());
            // Compared within the bounds the gate reads anything in; a larger blob is not
            // inflated, and counts as changed.
            let too_large = entry.as_ref().is_some_and(|e| {
                repo.find_header(e.object_id())
                    .map_or(true, |h| h.size() > super::changes::MAX_COMPARED)
            });
            let at_head = entry
                .filter(|_| !too_large)
                .and_then(|e| e.object().ok())
                .map(|o| o.detach().data);
            let now = super::changes::read_compared(&self.root.join(rel.as_str()));
            authors.uncommitted = too_large || at_head != now;
        }
        out
    }

    /// Write every regular file of the merge base's tree below `dir`: see [`write_tree`].
    ///
    /// # Errors
    /// As [`write_tree`].
    pub fn write_base(&self, dir: &Path, max_file_size: u64) -> Result<Vec<String>, String> {
        write_tree(&self.repo, self.tree, dir, max_file_size)
            .map_err(|e| format!("the merge base: {e}"))
    }
}

/// Write every regular file of `tree` below `dir` (a new, empty folder outside the
/// repository), and return their paths relative to it, sorted. Symbolic links and submodules
/// are not written, nor any path that would leave `dir`. A file larger than `max_file_size`
/// is written as a sparse file of its size: it is reported as too large, as in a work tree,
/// without being read into memory.
///
/// # Errors
/// The tree cannot be read, or a file cannot be written.
pub fn write_tree(
    repo: &gix::Repository,
    tree: gix::ObjectId,
    dir: &Path,
    max_file_size: u64,
) -> Result<Vec<String>, String> {
    let err = |e: &dyn std::fmt::Display| format!("cannot read the tree: {e}");
    let tree = repo.find_tree(tree).map_err(|e| err(&e))?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse()
        .breadthfirst(&mut recorder)
        .map_err(|e| err(&e))?;
    let mut written = Vec::new();
    for entry in recorder.records {
        if !matches!(
            entry.mode.kind(),
            gix::object::tree::EntryKind::Blob | gix::object::tree::EntryKind::BlobExecutable
        ) {
            continue;
        }
        let Ok(rel) = entry.filepath.to_str() else {
            continue;
        };
        let rel_path = Path::new(rel);
        if !rel_path
            .components()
            .all(|c| matches!(c, Component::Normal(_)))
        {
            continue;
        }
        let path = dir.join(rel_path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let size = repo.find_header(entry.oid).map_err(|e| err(&e))?.size();
        if size > max_file_size {
            file.set_len(size)
        } else {
            let blob = repo.find_object(entry.oid).map_err(|e| err(&e))?;
            file.write_all(&blob.data)
        }
        .map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(rel.to_string());
    }
    written.sort();
    Ok(written)
}
