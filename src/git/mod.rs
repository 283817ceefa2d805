//! Everything aims-lint reads from git, through one repository handle opened once per run:
//! the tracked files (discovery), who last changed a line ([`blame`]), what changed since a
//! merge base ([`changes`]), who made those changes and the repository as the merge base had
//! it ([`since`]), and the history of each document ([`history`]).
//!
//! The repository is opened once, as a [`gix::ThreadSafeRepository`]; each user takes a
//! [`handle`] of it, which shares its object store.

pub mod blame;
pub mod changes;
pub mod history;
pub mod since;
mod walk;

use std::collections::VecDeque;
use std::path::Path;

use gix::bstr::{BStr, BString, ByteSlice};

/// Upper bound on the cache of decoded objects. Blame once walked the history once per file and
/// needed 256 MiB here; one walk for every file reads each commit once and each tree about
/// twice, and a larger cache only holds what is not read again: at 4 MiB a check of the
/// dataset cards history (`../shared/histories`) peaked at 124 MB instead of 187 MB, a generated
/// history of 10,000 commits at 140 MB instead of 248 MB, in the same time (`hyperfine`, within
/// its noise).
const OBJECT_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// Upper bound on the cache of delta bases, git's default `core.deltaBaseCacheLimit`. gix's
/// default keeps 64 entries: a walk of 2,500 commits of a `git fast-import` history (trees and
/// blobs stored as deltas of their previous versions) then spent half its time inflating the
/// same bases again.
const PACK_CACHE_BYTES: usize = 96 * 1024 * 1024;

/// The repository whose work tree is `root`; `None` outside a git repository (or in a bare
/// one).
#[must_use]
pub fn open(root: &Path) -> Option<gix::ThreadSafeRepository> {
    let repo = gix::open(root).ok()?;
    repo.workdir()?;
    Some(repo.into_sync())
}

/// A handle of `repo` for this thread, with the object cache the walks need.
#[must_use]
pub fn handle(repo: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut handle = repo.to_thread_local();
    handle.object_cache_size_if_unset(OBJECT_CACHE_BYTES);
    handle.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            PACK_CACHE_BYTES,
        ))
    });
    handle
}

/// Diff the tree `old` (nothing, for a root commit) against `new`, giving every change and the
/// full path of its entry to `f`; `None` when an object is missing.
///
/// gix's plain tree diff: its `Tree::changes` wants a blob resource cache, made from the whole
/// index (20 MB at 100,000 documents), that a tree diff without rename tracking never uses.
pub(crate) fn diff_trees(
    repo: &gix::Repository,
    old: Option<&gix::Tree<'_>>,
    new: &gix::Tree<'_>,
    state: &mut gix::diff::tree::State,
    f: impl FnMut(&BStr, gix::diff::tree::visit::Change),
) -> Option<()> {
    let hash = repo.object_hash();
    let mut visit = Tracked {
        path: BString::default(),
        queued: VecDeque::new(),
        f,
    };
    gix::diff::tree(
        gix::objs::TreeRefIter::from_bytes(old.map_or(&[], |t| &t.data), hash),
        gix::objs::TreeRefIter::from_bytes(&new.data, hash),
        state,
        &repo.objects,
        &mut visit,
    )
    .ok()
}

/// A tree diff's visitor that tracks each entry's full path as gix's own `Recorder` does, and
/// hands each change on instead of recording it: a root commit's diff records every path.
struct Tracked<F> {
    /// The path of the entry being visited.
    path: BString,
    /// The paths of the trees queued for later, in the diff's order.
    queued: VecDeque<BString>,
    f: F,
}

impl<F> Tracked<F> {
    fn push(&mut self, name: &BStr) {
        if name.is_empty() {
            return;
        }
        if !self.path.is_empty() {
            self.path.push(b'/');
        }
        self.path.extend_from_slice(name);
    }
}

impl<F: FnMut(&BStr, gix::diff::tree::visit::Change)> gix::diff::tree::Visit for Tracked<F> {
    fn pop_front_tracked_path_and_set_current(&mut self) {
        self.path = self.queued.pop_front().unwrap_or_default();
    }

    fn push_back_tracked_path_component(&mut self, component: &BStr) {
        self.push(component);
        self.queued.push_back(self.path.clone());
    }

    fn push_path_component(&mut self, component: &BStr) {
        self.push(component);
    }

    fn pop_path_component(&mut self) {
        match self.path.rfind_byte(b'/') {
            Some(at) => self.path.truncate(at),
            None => self.path.clear(),
        }
    }

    fn visit(&mut self, change: gix::diff::tree::visit::Change) -> gix::diff::tree::visit::Action {
        (self.f)(self.path.as_ref(), change);
        std::ops::ControlFlow::Continue(())
    }
}
