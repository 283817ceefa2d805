//! Blame of many files in one walk of the history.
//!
//! `git blame` (and gix-blame, which follows it) blames one file at a time: each file walks
//! the commits from `HEAD` back to where its lines were written, and looks its path up in the
//! tree of every commit on the way. A check with findings in 700 files of a 1,000-commit
//! history walked the same commits 700 times (5 to 10 s on `../shared/histories`). gix-blame
//! 0.21 cannot be given several files, so this walk is written on gix's primitives: commits
//! (parents and commit times), tree diffs (one per commit and parent, for every open file at
//! once; unchanged subtrees are skipped by id) and line diffs of the changed blobs
//! (`imara-diff` through `gix::diff::blob`, the algorithm and slider heuristic gix-blame uses).
//!
//! The walk follows git's rules, so that a line is attributed to the commit `git blame` names:
//! - commits are taken newest first by commit time (ties in the order they were reached), and
//!   the lines that reach a commit from several children are blamed together;
//! - if a parent has the file's blob unchanged (at its path, or as the source of a rename),
//!   every line passes to the first such parent;
//! - otherwise the lines a line diff shows unchanged against the first parent pass to it, of
//!   the rest those unchanged against the second pass to the second, and so on; what is left
//!   was written by the commit;
//! - a file missing from a parent is looked for as the destination of a rename (git's default
//!   similarity, 50 %), and only when that parent's diff deleted a file;
//! - a commit without parents, or at the boundary of a shallow clone, wrote every line left.
//!
//! A line's attribution depends only on the commit, the file's path and blob there, and the
//! line's position in that blob, so the order of the walk changes the work done, never the
//! answer. Lines are tracked one by one (the lines of findings, a few per file), not as ranges.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::rc::Rc;

use gix::ObjectId;
use gix::bstr::{BStr, BString};
use gix::diff::blob::{Algorithm, Diff, InternedInput, sources::byte_lines};

/// Where a line of a blamed file comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Origin {
    /// Not in `HEAD`'s version of the file: changed in the working tree.
    Uncommitted,
    /// The file is not in `HEAD`.
    Untracked,
    /// The commit that last changed the line.
    Commit(ObjectId),
}

/// A file to blame.
#[cfg(test)]
pub(crate) struct File {
    /// Its path in the repository, `/`-separated.
    pub path: BString,
    /// The contents whose lines are blamed (the working tree's).
    pub contents: Vec<u8>,
    /// The lines to blame, 1-based, each within the contents.
    pub lines: Vec<u32>,
}

/// A line followed back: its 0-based position in the suspect's blob, and its 1-based line in
/// the blamed file.
type Line = (u32, u32);

/// Lines of one file that a commit is suspected of having written.
struct Suspect {
    file: usize,
    path: BString,
    blob: ObjectId,
    /// The blob's bytes, once read: the suspects of a whole repository's findings wait at
    /// `HEAD` at once, and most are never changed by a commit on the way.
    data: Option<Rc<Vec<u8>>>,
    /// Sorted by position in the blob.
    lines: Vec<Line>,
}

/// The suspects waiting at one commit, by path (two files may have come from one).
type Group = HashMap<BString, Vec<Suspect>>;

/// What a commit needs of itself for the walk.
#[derive(Clone)]
struct Commit {
    tree: ObjectId,
    parents: Vec<ObjectId>,
    time: i64,
}

/// How an open file differs between a parent and the commit.
#[derive(Clone, Copy)]
enum Change {
    /// A blob at the same path, with another id.
    Modified(ObjectId),
    /// Not a blob at that path in the parent.
    Added,
}

/// One parent's tree diff, for the open paths only.
#[derive(Default)]
struct ParentDiff {
    changes: HashMap<BString, Change>,
    /// The diff deleted a blob, so an added path may be a rename.
    deletes: bool,
    /// Renamed paths: destination → (source, source blob); computed when first needed.
    renames: Option<HashMap<BString, (BString, ObjectId)>>,
}

/// Blame `files` from the working tree and `head`. `boundary` holds the commits whose
/// parents are not in the repository (a shallow clone). For each file, its lines' origins;
/// a line whose history cannot be read (a missing object) is left out.
#[cfg(test)]
pub(crate) fn blame(
    repo: &gix::Repository,
    head: ObjectId,
    boundary: &HashSet<ObjectId>,
    files: &[File],
) -> Vec<HashMap<u32, Origin>> {
    let mut walk = Walk::new(repo, head, boundary);
    for file in files {
        walk.add(file.path.as_ref(), &file.contents, &file.lines);
    }
    walk.finish()
}

/// One walk of the history for many files: [`Walk::add`] each, then [`Walk::finish`].
pub(crate) struct Walk<'r> {
    repo: &'r gix::Repository,
    head: ObjectId,
    /// `head`'s tree; `None` when it cannot be read (no line is attributed then).
    tree: Option<gix::Tree<'r>>,
    /// Made when a rename is first looked for (once: making one reads the attributes and
    /// configuration, and the whole index, again).
    cache: Option<gix::diff::blob::Platform>,
    state: gix::diff::tree::State,
    boundary: &'r HashSet<ObjectId>,
    algorithm: Algorithm,
    commits: HashMap<ObjectId, Commit>,
    /// The suspects waiting at each commit in the queue.
    pending: HashMap<ObjectId, Group>,
    /// Newest commit time first; then the commit reached first, as git's queue does.
    queue: BinaryHeap<(i64, Reverse<u64>, ObjectId)>,
    reached: u64,
    out: Vec<HashMap<u32, Origin>>,
}

impl<'r> Walk<'r> {
    pub(crate) fn new(
        repo: &'r gix::Repository,
        head: ObjectId,
        boundary: &'r HashSet<ObjectId>,
    ) -> Self {
        Walk {
            repo,
            head,
            tree: repo.find_commit(head).ok().and_then(|c| c.tree().ok()),
            cache: None,
            state: gix::diff::tree::State::default(),
            boundary,
            algorithm: repo.diff_algorithm().unwrap_or_default(),
            commits: HashMap::new(),
            pending: HashMap::new(),
            queue: BinaryHeap::new(),
            reached: 0,
            out: Vec::new(),
        }
    }

    /// Add the file at `path` whose working tree has `contents`, to blame its `lines`
    /// (1-based, each within the contents, sorted). Its results come in the order files were
    /// added. The contents are not kept: of each file only its lines wait for the walk, and
    /// the blob a commit has is read when the walk needs it.
    pub(crate) fn add(&mut self, path: &BStr, contents: &[u8], lines: &[u32]) {
        let index = self.out.len();
        self.out.push(HashMap::new());
        let Some(tree) = &self.tree else {
            return;
        };
        let entry = std::str::from_utf8(path)
            .ok()
            .and_then(|p| tree.lookup_entry_by_path(p).ok().flatten())
            .filter(|e| e.mode().is_blob());
        let Some(blob) = entry.map(|e| e.object_id()) else {
            for &line in lines {
                self.attribute(index, line, Origin::Untracked);
            }
            return;
        };
        let Some(data) = read(self.repo, blob) else {
            return;
        };
        let lines: Vec<Line> = lines.iter().map(|&l| (l - 1, l)).collect();
        let (carried, kept) = carry(self.algorithm, &data, contents, lines);
        for (_, line) in kept {
            self.attribute(index, line, Origin::Uncommitted);
        }
        self.offer(
            self.head,
            Suspect {
                file: index,
                path: path.to_owned(),
                blob,
                data: None,
                lines: carried,
            },
        );
    }

    /// Walk the history until every line is attributed; for each file added, its lines'
    /// origins.
    pub(crate) fn finish(mut self) -> Vec<HashMap<u32, Origin>> {
        while let Some((_, _, id)) = self.queue.pop() {
            if let Some(group) = self.pending.remove(&id) {
                self.process(id, group);
            }
        }
        self.out
    }

    fn attribute(&mut self, file: usize, line: u32, origin: Origin) {
        self.out[file].insert(line, origin);
        crate::progress::advance(1);
    }

    fn commit(&mut self, id: ObjectId) -> Option<Commit> {
        if let Some(c) = self.commits.get(&id) {
            return Some(c.clone());
        }
        let commit = self.repo.find_commit(id).ok()?;
        let parents = if self.boundary.contains(&id) {
            Vec::new()
        } else {
            commit.parent_ids().map(gix::Id::detach).collect()
        };
        let found = Commit {
            tree: commit.tree_id().ok()?.detach(),
            parents,
            time: commit.time().ok()?.seconds,
        };
        self.commits.insert(id, found.clone());
        Some(found)
    }

    fn read(&self, blob: ObjectId) -> Option<Rc<Vec<u8>>> {
        read(self.repo, blob).map(Rc::new)
    }

    /// Give `suspect`'s lines to `commit`, to be blamed when the walk reaches it.
    fn offer(&mut self, commit: ObjectId, suspect: Suspect) {
        if suspect.lines.is_empty() {
            return;
        }
        let mut group = Group::new();
        group.insert(suspect.path.clone(), vec![suspect]);
        self.offer_group(commit, group);
    }

    /// Give every suspect of `group` to `commit`.
    fn offer_group(&mut self, commit: ObjectId, mut group: Group) {
        let Some(waiting) = self.pending.get_mut(&commit) else {
            let Some(info) = self.commit(commit) else {
                return;
            };
            self.reached += 1;
            self.queue.push((info.time, Reverse(self.reached), commit));
            self.pending.insert(commit, group);
            return;
        };
        if waiting.len() < group.len() {
            std::mem::swap(waiting, &mut group);
        }
        for (path, suspects) in group {
            let at = waiting.entry(path).or_default();
            for suspect in suspects {
                match at.iter_mut().find(|s| s.file == suspect.file) {
                    Some(same) => {
                        same.lines.extend(suspect.lines);
                        same.lines.sort_unstable();
                        same.lines.dedup();
                    }
                    None => at.push(suspect),
                }
            }
        }
    }

    fn process(&mut self, id: ObjectId, mut group: Group) {
        let Some(commit) = self.commit(id) else {
            return;
        };
        let mut diffs: Vec<Option<ParentDiff>> = commit
            .parents
            .iter()
            .map(|p| self.diff(*p, commit.tree, &group))
            .collect();
        // The common case, a commit with one parent: what it did not change passes to the
        // parent as one group, without looking at each file.
        if let ([parent], [Some(diff)]) = (commit.parents.as_slice(), diffs.as_slice()) {
            let changed: Vec<Suspect> = diff
                .changes
                .keys()
                .filter_map(|path| group.remove(path))
                .flatten()
                .collect();
            self.offer_group(*parent, group);
            for suspect in changed {
                self.pass(id, &commit, &mut diffs, suspect);
            }
            return;
        }
        for suspect in group.into_values().flatten() {
            self.pass(id, &commit, &mut diffs, suspect);
        }
    }

    /// Pass what of `suspect` its parents had on to them; the rest was written by `id`.
    fn pass(
        &mut self,
        id: ObjectId,
        commit: &Commit,
        diffs: &mut [Option<ParentDiff>],
        suspect: Suspect,
    ) {
        // The file in each parent: its path and blob there.
        let origins: Vec<Option<(BString, ObjectId)>> = diffs
            .iter_mut()
            .zip(&commit.parents)
            .map(|(diff, parent)| {
                let diff = diff.as_mut()?;
                match diff.changes.get(&suspect.path) {
                    None => Some((suspect.path.clone(), suspect.blob)),
                    Some(Change::Modified(blob)) => Some((suspect.path.clone(), *blob)),
                    Some(Change::Added) => {
                        self.renamed_from(*parent, commit.tree, diff, &suspect.path)
                    }
                }
            })
            .collect();
        if let Some(parent) = origins
            .iter()
            .position(|o| o.as_ref().is_some_and(|(_, blob)| *blob == suspect.blob))
            && let Some((path, _)) = origins[parent].clone()
        {
            self.offer(commit.parents[parent], Suspect { path, ..suspect });
            return;
        }
        let Some(after) = suspect.data.or_else(|| self.read(suspect.blob)) else {
            return;
        };
        let mut left = suspect.lines;
        for (parent, origin) in commit.parents.iter().zip(origins) {
            let Some((path, blob)) = origin else { continue };
            let Some(data) = self.read(blob) else {
                continue;
            };
            let (carried, kept) = carry(self.algorithm, &data, &after, left);
            left = kept;
            self.offer(
                *parent,
                Suspect {
                    file: suspect.file,
                    path,
                    blob,
                    data: Some(data),
                    lines: carried,
                },
            );
            if left.is_empty() {
                return;
            }
        }
        for (_, line) in left {
            self.attribute(suspect.file, line, Origin::Commit(id));
        }
    }

    /// The changes from `parent` to `tree` at `paths`; `None` when an object is missing.
    fn diff(&mut self, parent: ObjectId, tree: ObjectId, paths: &Group) -> Option<ParentDiff> {
        use gix::diff::tree::visit::Change as C;
        let parent_tree = self.commit(parent)?.tree;
        let (old, new) = trees(self.repo, parent_tree, tree)?;
        let mut out = ParentDiff::default();
        super::diff_trees(
            self.repo,
            Some(&old),
            &new,
            &mut self.state,
            |location, change| match change {
                C::Deletion { entry_mode, .. } if entry_mode.is_blob() => out.deletes = true,
                C::Addition { .. } if paths.contains_key(location) => {
                    out.changes.insert(location.to_owned(), Change::Added);
                }
                C::Modification {
                    previous_entry_mode,
                    previous_oid,
                    ..
                } => {
                    if previous_entry_mode.is_blob() {
                        if paths.contains_key(location) {
                            out.changes
                                .insert(location.to_owned(), Change::Modified(previous_oid));
                        }
                    } else {
                        // A link or a folder became a file: nothing to follow at this path.
                        out.deletes |= previous_entry_mode.is_blob_or_symlink();
                        if paths.contains_key(location) {
                            out.changes.insert(location.to_owned(), Change::Added);
                        }
                    }
                }
                _ => {}
            },
        )?;
        Some(out)
    }

    /// Where `path`, added between `parent` and `tree`, was renamed from.
    fn renamed_from(
        &mut self,
        parent: ObjectId,
        tree: ObjectId,
        diff: &mut ParentDiff,
        path: &BString,
    ) -> Option<(BString, ObjectId)> {
        if !diff.deletes {
            return None;
        }
        if diff.renames.is_none() {
            diff.renames = Some(self.renames(parent, tree).unwrap_or_default());
        }
        diff.renames.as_ref()?.get(path).cloned()
    }

    /// Every rename from `parent`'s tree to `tree`: destination → (source, source blob).
    fn renames(
        &mut self,
        parent: ObjectId,
        tree: ObjectId,
    ) -> Option<HashMap<BString, (BString, ObjectId)>> {
        use gix::object::tree::diff::Change as C;
        let parent_tree = self.commits.get(&parent)?.tree;
        let (old, new) = trees(self.repo, parent_tree, tree)?;
        let mut out = HashMap::new();
        let cache = match &mut self.cache {
            Some(cache) => cache,
            None => self
                .cache
                .insert(self.repo.diff_resource_cache_for_tree_diff().ok()?),
        };
        let mut changes = old.changes().ok()?;
        changes.options(|o| {
            o.track_path()
                .track_rewrites(Some(gix::diff::Rewrites::default()));
        });
        changes
            .for_each_to_obtain_tree_with_cache(&new, cache, |change| {
                if let C::Rewrite {
                    source_location,
                    source_id,
                    location,
                    copy: false,
                    ..
                } = change
                {
                    out.insert(
                        location.to_owned(),
                        (source_location.to_owned(), source_id.detach()),
                    );
                }
                Ok(std::ops::ControlFlow::Continue(()))
            })
            .ok()?;
        cache.clear_resource_cache();
        Some(out)
    }
}

/// The bytes of `blob`, in a buffer of their size: a blob decoded from a pack's delta chain
/// comes in the buffer the whole chain was decoded in (several times the blob), and the walk
/// holds one blob for each file it blames (2.4 GB for 10,000 files before this).
fn read(repo: &gix::Repository, blob: ObjectId) -> Option<Vec<u8>> {
    let mut data = repo.find_blob(blob).ok()?.detach().data;
    data.shrink_to_fit();
    Some(data)
}

/// The trees `old` and `new` of `repo`.
fn trees(
    repo: &gix::Repository,
    old: ObjectId,
    new: ObjectId,
) -> Option<(gix::Tree<'_>, gix::Tree<'_>)> {
    Some((repo.find_tree(old).ok()?, repo.find_tree(new).ok()?))
}

/// Split `lines` of `after` into those a line diff shows unchanged from `before` (with their
/// position there) and those `after` changed or added.
fn carry(
    algorithm: Algorithm,
    before: &[u8],
    after: &[u8],
    lines: Vec<Line>,
) -> (Vec<Line>, Vec<Line>) {
    if before == after {
        return (lines, Vec::new());
    }
    let input = InternedInput::new(byte_lines(before), byte_lines(after));
    let mut diff = Diff::compute(algorithm, &input);
    diff.postprocess_lines(&input);
    let mut hunks = diff.hunks().peekable();
    let (mut carried, mut kept) = (Vec::new(), Vec::new());
    // A line's position before the change is its position after it plus `shift`.
    let mut shift: i64 = 0;
    for (at, line) in lines {
        while let Some(h) = hunks.next_if(|h| h.after.end <= at) {
            shift = i64::from(h.before.end) - i64::from(h.after.end);
        }
        if hunks.peek().is_some_and(|h| h.after.start <= at) {
            kept.push((at, line));
        } else {
            let before_at = u32::try_from(i64::from(at) + shift).unwrap_or(at);
            carried.push((before_at, line));
        }
    }
    (carried, kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(before: &str, after: &str, lines: &[u32]) -> (Vec<Line>, Vec<Line>) {
        let lines = lines.iter().map(|&l| (l, l + 1)).collect();
        carry(Algorithm::Myers, before.as_bytes(), after.as_bytes(), lines)
    }

    #[test]
    fn unchanged_lines_move_to_their_place_before_the_change() {
        // b replaced by B, a line inserted after it, d removed.
        let (carried, kept) = split("a\nb\nc\nd\ne\n", "a\nB\nnew\nc\ne\n", &[0, 1, 2, 3, 4]);
        assert_eq!(carried, vec![(0, 1), (2, 4), (4, 5)]);
        assert_eq!(kept, vec![(1, 2), (2, 3)]);
    }

    #[test]
    fn a_removal_shifts_the_lines_after_it() {
        let (carried, kept) = split("a\nb\nc\n", "a\nc\n", &[0, 1]);
        assert_eq!(carried, vec![(0, 1), (2, 2)]);
        assert!(kept.is_empty());
    }

    #[test]
    fn a_missing_final_line_break_is_a_change_as_in_git() {
        let (carried, kept) = split("a\nb\n", "a\nb", &[0, 1]);
        assert_eq!(carried, vec![(0, 1)]);
        assert_eq!(kept, vec![(1, 2)]);
    }
}

/// Every line of every file of a generated history, blamed in one walk, against
/// `git blame --porcelain`.
#[cfg(test)]
mod agreement {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

    use std::fmt::Write as _;
    use std::path::Path;
    use std::process::Command;

    use gix::bstr::ByteSlice;

    use super::*;

    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 33) % n as u64) as usize
        }
    }

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

    /// Lines that repeat within and across files, as braces, blank lines and boilerplate do:
    /// where git could match a line to several, the walk must pick the one git picks.
    const COMMON: [&str; 6] = ["", "}", "{", "- item", "same line", "end"];

    /// Apply one random edit to `lines`.
    fn edit(rng: &mut Lcg, lines: &mut Vec<String>, step: usize) {
        let at = rng.below(lines.len() + 1);
        match rng.below(6) {
            0 if !lines.is_empty() => {
                lines.remove(at.min(lines.len() - 1));
            }
            1 if lines.len() > 4 => {
                // Move a block of lines elsewhere.
                let from = rng.below(lines.len() - 3);
                let block: Vec<String> = lines.drain(from..from + 3).collect();
                let to = rng.below(lines.len() + 1);
                for (i, l) in block.into_iter().enumerate() {
                    lines.insert(to + i, l);
                }
            }
            2 | 3 => lines.insert(at, COMMON[rng.below(COMMON.len())].to_string()),
            _ if at < lines.len() => lines[at] = format!("line {step}"),
            _ => lines.insert(at, format!("line {step}")),
        }
    }

    fn text(lines: &[String]) -> String {
        lines.iter().fold(String::new(), |mut s, l| {
            s.push_str(l);
            s.push('\n');
            s
        })
    }

    /// final line → commit, as `git blame --porcelain` reports every line of `path`.
    fn git_blame(dir: &Path, path: &str) -> HashMap<u32, String> {
        let out = git(dir, &["blame", "--porcelain", "--root", "--", path], 0);
        let mut map = HashMap::new();
        for l in out.lines() {
            let parts: Vec<&str> = l.split(' ').collect();
            if parts.len() >= 3
                && parts[0].len() == 40
                && parts[0].bytes().all(|b| b.is_ascii_hexdigit())
            {
                map.insert(parts[2].parse().unwrap(), parts[0].to_string());
            }
        }
        map
    }

    /// A history of 80 steps on four files in `root`; the files' names at the end.
    fn generate(root: &Path, seed: u64) -> Vec<String> {
        let mut rng = Lcg(seed);
        let mut date = 1_700_000_000;
        git(root, &["init", "-q", "-b", "main"], date);
        let mut names: Vec<String> = (0..4).map(|i| format!("doc-{i}.md")).collect();
        let mut files: Vec<Vec<String>> = (0..4)
            .map(|i| {
                (0..12)
                    .map(|j| {
                        if j % 3 == 0 {
                            COMMON[j % 6].to_string()
                        } else {
                            format!("f{i} l{j}")
                        }
                    })
                    .collect()
            })
            .collect();
        let write = |names: &[String], files: &[Vec<String>]| {
            for (n, f) in names.iter().zip(files) {
                std::fs::write(root.join(n), text(f)).unwrap();
            }
        };
        write(&names, &files);
        git(root, &["add", "-A"], date);
        git(root, &["commit", "-q", "-m", "start"], date);
        git(root, &["branch", "side"], date);
        let mut side = files.clone();
        for step in 0..80 {
            date += 600;
            if step % 10 == 9 {
                // Merge side into main; where both changed a file, main's side wins conflicts.
                git(
                    root,
                    &[
                        "merge", "-q", "--no-ff", "-X", "ours", "-m", "merge", "side",
                    ],
                    date,
                );
                git(root, &["branch", "-f", "side", "main"], date);
                files = names
                    .iter()
                    .map(|n| {
                        std::fs::read_to_string(root.join(n))
                            .unwrap()
                            .lines()
                            .map(str::to_string)
                            .collect()
                    })
                    .collect();
                side = files.clone();
                continue;
            }
            let on_side = rng.below(3) == 0;
            if on_side {
                git(root, &["checkout", "-q", "side"], date);
            }
            let current = if on_side { &mut side } else { &mut files };
            let f = rng.below(current.len());
            for _ in 0..=rng.below(3) {
                edit(&mut rng, &mut current[f], step);
            }
            let current = current.clone();
            write(&names, &current);
            if !on_side && step % 10 == 3 {
                // A rename with an edit, while side has no changes of its own.
                let to = format!("moved-{step}.md");
                git(root, &["mv", &names[f], &to], date);
                names[f] = to;
                git(root, &["branch", "-f", "side", "main"], date);
                side = current.clone();
            }
            git(root, &["add", "-A"], date);
            git(
                root,
                &[
                    "commit",
                    "-q",
                    "--allow-empty",
                    "-m",
                    &format!("step {step}"),
                ],
                date,
            );
            if on_side {
                git(root, &["checkout", "-q", "main"], date);
            }
        }
        names
    }

    fn check_history(seed: u64) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let names = generate(root, seed);
        // Uncommitted changes in the working tree.
        let mut last = std::fs::read_to_string(root.join(&names[0])).unwrap();
        last.insert_str(0, "uncommitted\n");
        std::fs::write(root.join(&names[0]), &last).unwrap();

        let repo = gix::open(root).unwrap();
        let head = repo.head_id().unwrap().detach();
        let wanted: Vec<File> = names
            .iter()
            .map(|n| {
                let contents = std::fs::read(root.join(n)).unwrap();
                let count = contents.lines_with_terminator().count() as u32;
                File {
                    path: n.as_str().into(),
                    contents,
                    lines: (1..=count).collect(),
                }
            })
            .collect();
        let ours = blame(&repo, head, &HashSet::new(), &wanted);
        let mut lines = 0;
        for (file, ours) in wanted.iter().zip(&ours) {
            let path = std::str::from_utf8(&file.path).unwrap();
            let theirs = git_blame(root, path);
            assert_eq!(theirs.len(), file.lines.len(), "{path}");
            for (line, commit) in theirs {
                let expected = if commit.bytes().all(|b| b == b'0') {
                    Origin::Uncommitted
                } else {
                    Origin::Commit(ObjectId::from_hex(commit.as_bytes()).unwrap())
                };
                assert_eq!(
                    ours.get(&line),
                    Some(&expected),
                    "seed {seed}, {path}:{line}"
                );
                lines += 1;
            }
        }
        assert!(lines > 40, "{lines} lines compared");
    }

    #[test]
    fn a_blob_from_a_delta_chain_is_held_in_a_buffer_of_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q"], 0);
        let mut text = String::new();
        for i in 0..2000 {
            writeln!(text, "line {i} of the card").unwrap();
        }
        for step in 0..20 {
            writeln!(text, "step {step}").unwrap();
            std::fs::write(root.join("card.md"), &text).unwrap();
            git(root, &["add", "card.md"], 1_700_000_000 + step);
            git(root, &["commit", "-q", "-m", "step"], 1_700_000_000 + step);
        }
        git(root, &["gc", "-q", "--aggressive"], 0);
        let repo = gix::open(root).unwrap();
        for rev in 0..20 {
            let spec = format!("HEAD~{rev}:card.md");
            let id = repo.rev_parse_single(spec.as_str()).unwrap().detach();
            let data = read(&repo, id).unwrap();
            assert_eq!(data.capacity(), data.len(), "{spec}");
        }
    }

    #[test]
    fn every_line_agrees_with_git_blame_through_merges_renames_and_repeated_lines() {
        for seed in [1, 2, 3] {
            check_history(seed);
        }
    }
}
