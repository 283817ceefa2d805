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

use std::path::Path;

/// Upper bound on the cache of decoded objects. A blame walk reads every commit and tree of
/// the history once per file; at 64 MiB, 10,000 commits no longer fitted and each of 200 files
/// paid the whole walk again (about 0.8 s each). The cap is rarely reached: peak RSS was
/// 119 MB there.
const OBJECT_CACHE_BYTES: usize = 256 * 1024 * 1024;

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
