//! The corpus cache of `check --cache`. A run on some files (as pre-commit makes it) reports on
//! those files, but the corpus rules need what the corpus keeps ([`Entry`]) of every other
//! document too, and reading and parsing them all was nearly the whole of such a run. With
//! `--cache`, each document's entry is kept in the git directory (`aims-lint/corpus`), with the
//! `lstat` of the file it was made from, and the next run reuses it while the file's size,
//! modification time, change time and inode are the same. The files named are always read and
//! checked in full: only what the corpus keeps of the others comes from the cache.
//!
//! What keeps it from deciding anything:
//! - It is written only where the user asked for it, into the git directory, which the files
//!   of a pull request do not write; the gate's own runs (`--changed-since`, a fresh clone)
//!   have none to read.
//! - A file is kept only once its change time (which nothing but the kernel sets) is older
//!   than the run's start by more than [`SETTLED`]: a file changed while it was read, or within
//!   the same tick of a coarse clock, is read again the next time (git's "racy" files). Its
//!   `lstat` is taken before it is read, so a change after that makes the next `lstat` differ.
//! - Made by another build of aims-lint, or under settings or rules that change what an entry
//!   holds, the whole cache is set aside ([`fingerprint`]); so is one that cannot be read or
//!   decoded, or that is not a regular file (a link in its place is not followed).
//! - It is written to a new file beside it (created, so never opened through a link) and
//!   renamed into place; a folder `aims-lint` that is not a folder (a link) is an error.

use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::corpus::Entry;
use crate::rules::Registry;

/// What a cache file starts with; the format's version is its last figure.
const MAGIC: &[u8] = b"aims-lint corpus cache 1\n";

/// How long a file must have been left alone before its entry is kept: more than a tick of the
/// coarsest file times in use (FAT's two seconds), and than the kernel's coarse clock lags.
pub const SETTLED: Duration = Duration::from_secs(3);

/// A cache file larger than this is set aside unread (a 100,000-document cache is about a
/// tenth of it).
const MAX_CACHE: u64 = 512 * 1024 * 1024;

/// What `lstat` says of a regular file: if any of it differs, the file may have changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    len: u64,
    /// Modification and change times, as nanoseconds since 1970.
    modified: i128,
    changed: i128,
    inode: u64,
}

impl Stat {
    /// The `lstat` of `path`, if it is a regular file. Only on Unix: elsewhere there is no
    /// change time (which nothing but the kernel sets) to tell a file put back with its old
    /// modification time, so nothing is kept and every document is read.
    #[must_use]
    pub fn of(path: &Path) -> Option<Self> {
        #[cfg(unix)]
        {
            let meta = std::fs::symlink_metadata(path).ok()?;
            meta.is_file().then(|| Self::from_metadata(&meta))
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }

    #[cfg(unix)]
    fn from_metadata(meta: &std::fs::Metadata) -> Self {
        use std::os::unix::fs::MetadataExt as _;
        let ns = |s: i64, n: i64| i128::from(s) * 1_000_000_000 + i128::from(n);
        Self {
            len: meta.len(),
            modified: ns(meta.mtime(), meta.mtime_nsec()),
            changed: ns(meta.ctime(), meta.ctime_nsec()),
            inode: meta.ino(),
        }
    }

    /// Whether the file was last changed more than [`SETTLED`] before `started`.
    fn settled(&self, started: SystemTime) -> bool {
        let Ok(started) = started.duration_since(SystemTime::UNIX_EPOCH) else {
            return false;
        };
        let before =
            i128::try_from(started.saturating_sub(SETTLED).as_nanos()).unwrap_or(i128::MAX);
        self.modified.max(self.changed) < before
    }
}

/// Everything that decides what an entry holds, besides the file: this build of aims-lint,
/// the settings that classify and read documents, and the rules whose values entries keep.
#[must_use]
pub fn fingerprint(settings: &Settings, registry: &Registry) -> String {
    let rules: Vec<_> = registry
        .rules()
        .iter()
        .filter(|r| r.reference.is_some())
        .map(|r| (&r.info.id, r.check, &r.applies_to, &r.reference))
        .collect();
    format!(
        "{} {} {} {rules:?}",
        env!("CARGO_PKG_VERSION"),
        env!("AIMS_LINT_SOURCE_DIGEST"),
        settings.corpus_key()
    )
}

/// The cache file as stored.
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    fingerprint: &'a str,
    /// Path, `lstat`, and the entry encoded (empty: the file is no document the corpus keeps).
    #[serde(borrow)]
    files: Vec<(&'a str, Stat, &'a [u8])>,
}

/// A cache file, read (or empty, when there was none to use).
pub struct Cache {
    path: PathBuf,
    fingerprint: String,
    bytes: Vec<u8>,
    started: SystemTime,
}

/// What the cache holds, by path.
pub struct Index<'a> {
    files: HashMap<&'a str, (Stat, &'a [u8])>,
    started: SystemTime,
    /// How many rules the run has: an entry that cites a rule past them is not used.
    rules: usize,
}

/// What a run keeps of one file for the next: its path, its `lstat`, its entry encoded.
pub struct Kept<'a> {
    rel: String,
    stat: Stat,
    entry: Encoded<'a>,
}

enum Encoded<'a> {
    /// As the cache had it.
    Old(&'a [u8]),
    New(Vec<u8>),
}

impl Cache {
    /// The cache at `path`, or an empty one when there is none that this run can use.
    #[must_use]
    pub fn open(path: &Path, fingerprint: String) -> Self {
        let started = SystemTime::now();
        // The fingerprint is the first field: it is compared before the rest is decoded.
        let bytes = read(path)
            .filter(|b| {
                b.strip_prefix(MAGIC)
                    .and_then(|rest| postcard::take_from_bytes::<&str>(rest).ok())
                    .is_some_and(|(theirs, _)| theirs == fingerprint)
            })
            .unwrap_or_default();
        Self {
            path: path.to_path_buf(),
            fingerprint,
            bytes,
            started,
        }
    }

    /// The cache's files by path, for a run with `rules` rules.
    #[must_use]
    pub fn index(&self, rules: usize) -> Index<'_> {
        let files = decode(&self.bytes)
            .map(|s| {
                s.files
                    .into_iter()
                    .map(|(rel, stat, entry)| (rel, (stat, entry)))
                    .collect()
            })
            .unwrap_or_default();
        Index {
            files,
            started: self.started,
            rules,
        }
    }

    /// Write what this run kept, unless it is what the cache already holds.
    ///
    /// # Errors
    /// The cache's folder is not a folder (a link), or the file cannot be written.
    pub fn store(&self, index: &Index<'_>, mut kept: Vec<Kept<'_>>) -> Result<(), String> {
        // Said on every run, not only when there is something to write.
        if let Some(dir) = self.path.parent()
            && std::fs::symlink_metadata(dir).is_ok_and(|m| !m.is_dir())
        {
            return Err(not_a_folder(dir));
        }
        let unchanged = kept.len() == index.files.len()
            && kept.iter().all(|k| {
                matches!(k.entry, Encoded::Old(_)) && index.files.contains_key(k.rel.as_str())
            });
        if unchanged {
            return Ok(());
        }
        kept.sort_by(|a, b| a.rel.cmp(&b.rel));
        let stored = Stored {
            fingerprint: &self.fingerprint,
            files: kept
                .iter()
                .map(|k| {
                    let entry = match &k.entry {
                        Encoded::Old(bytes) => bytes,
                        Encoded::New(bytes) => bytes.as_slice(),
                    };
                    (k.rel.as_str(), k.stat, entry)
                })
                .collect(),
        };
        let mut bytes = MAGIC.to_vec();
        let bytes = postcard::to_extend(&stored, std::mem::take(&mut bytes))
            .map_err(|e| format!("cannot encode the corpus cache: {e}"))?;
        write(&self.path, &bytes)
    }
}

impl<'a> Index<'a> {
    /// The entry the cache keeps of `rel`, if `stat` says the file is as it was then: `Some(None)`
    /// for a file that is no document the corpus keeps.
    #[allow(clippy::option_option, reason = "not cached, and cached as no entry")]
    #[must_use]
    pub fn reuse(&self, rel: &str, stat: Option<Stat>) -> Option<(Kept<'a>, Option<Box<Entry>>)> {
        let stat = stat?;
        let (old, bytes) = self.files.get(rel)?;
        if *old != stat {
            return None;
        }
        let entry = if bytes.is_empty() {
            None
        } else {
            // A file damaged in a way that still decodes must not index past the rules, nor
            // stand for another path.
            let entry: Entry = postcard::from_bytes(bytes).ok()?;
            if entry.rel != rel || entry.cited.iter().any(|c| c.rule >= self.rules) {
                return None;
            }
            Some(Box::new(entry))
        };
        let kept = Kept {
            rel: rel.to_string(),
            stat,
            entry: Encoded::Old(bytes),
        };
        Some((kept, entry))
    }

    /// What to keep of `rel`, read after `stat` was taken, whose corpus entry is `entry`: what
    /// the cache has when the file is as it was, else `entry` encoded once the file has settled.
    #[must_use]
    pub fn keep(&self, rel: &str, stat: Option<Stat>, entry: Option<&Entry>) -> Option<Kept<'a>> {
        let stat = stat?;
        if let Some((old, bytes)) = self.files.get(rel)
            && *old == stat
        {
            return Some(Kept {
                rel: rel.to_string(),
                stat,
                entry: Encoded::Old(bytes),
            });
        }
        if !stat.settled(self.started) {
            return None;
        }
        let bytes = match entry {
            Some(entry) => postcard::to_allocvec(entry).ok()?,
            None => Vec::new(),
        };
        Some(Kept {
            rel: rel.to_string(),
            stat,
            entry: Encoded::New(bytes),
        })
    }
}

fn not_a_folder(dir: &Path) -> String {
    format!(
        "{}: not a folder (a link?); the corpus cache is not read or written through it: remove it, or leave out `--cache`",
        crate::visible::visible(&dir.display().to_string())
    )
}

fn decode(bytes: &[u8]) -> Option<Stored<'_>> {
    postcard::from_bytes(bytes.strip_prefix(MAGIC)?).ok()
}

/// The bytes of the regular file `path`, bounded; `None` for anything else.
fn read(path: &Path) -> Option<Vec<u8>> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_CACHE {
        return None;
    }
    let file = std::fs::File::open(path).ok()?;
    // The file opened is the one looked at, not a link put in its place since.
    let opened = file.metadata().ok()?;
    if !opened.is_file() || !same_file(&meta, &opened) {
        return None;
    }
    let mut bytes = Vec::new();
    file.take(MAX_CACHE).read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len()
}

/// Write `bytes` to `path` through a new file beside it, renamed into place.
fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let shown = crate::visible::visible(&path.display().to_string()).into_owned();
    let dir = path
        .parent()
        .ok_or_else(|| format!("{shown}: the cache has no folder"))?;
    match std::fs::create_dir(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => {
            return Err(format!(
                "{}: cannot make the cache's folder: {e}",
                crate::visible::visible(&dir.display().to_string())
            ));
        }
    }
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return Err(not_a_folder(dir));
    }
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let temporary = dir.join(format!(".{name}.{}.new", std::process::id()));
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)
    };
    // One left by a run that was killed, whose process id this one has: removed (a link is
    // removed itself, not what it points at), then made anew.
    let written = create()
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                std::fs::remove_file(&temporary)?;
                create()
            } else {
                Err(e)
            }
        })
        .and_then(|mut f| f.write_all(bytes))
        .and_then(|()| std::fs::rename(&temporary, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("{shown}: cannot write the corpus cache: {e}")
    })
}

// Only on Unix: elsewhere nothing is kept (see `Stat::of`).
#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

    use super::*;

    fn entry(rel: &str) -> Entry {
        let source =
            crate::source::SourceFile::new(rel, "id: ticket-router\nowner: x\n".to_string());
        let (doc, _) = crate::parse::parse(
            &source,
            crate::parse::Format::Yaml,
            crate::parse::yaml::Limits::default(),
        );
        let registry = Registry::default();
        Entry::of(
            &doc,
            "ai-system",
            crate::corpus::Place {
                rel,
                rel_to_base: Some(rel),
            },
            &registry,
        )
    }

    /// Write the cache at `path` (fingerprint `one`) as a run that kept `files` writes it.
    fn store(path: &Path, files: &[(&str, Stat, Option<&Entry>)]) -> Result<(), String> {
        let cache = Cache::open(path, "one".into());
        let index = cache.index(0);
        let kept = files
            .iter()
            .map(|(rel, stat, entry)| index.keep(rel, Some(*stat), *entry).unwrap())
            .collect();
        cache.store(&index, kept)
    }

    /// A file of `dir` last changed long enough before a run that starts now.
    fn settled_file(dir: &Path, name: &str) -> (PathBuf, Stat) {
        let path = dir.join(name);
        std::fs::write(&path, "id: ticket-router\n").unwrap();
        let mut stat = Stat::of(&path).unwrap();
        // As if written a minute ago (a change time cannot be set back).
        stat.modified -= 60_000_000_000;
        stat.changed -= 60_000_000_000;
        (path, stat)
    }

    #[test]
    fn an_entry_kept_is_reused_while_the_file_is_as_it_was_and_only_then() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("git/aims-lint/corpus");
        std::fs::create_dir(dir.path().join("git")).unwrap();
        let (_, stat) = settled_file(dir.path(), "router.yaml");
        let empty = Cache::open(&path, "one".into());
        assert!(empty.index(0).reuse("router.yaml", Some(stat)).is_none());
        let e = entry("router.yaml");
        store(
            &path,
            &[("router.yaml", stat, Some(&e)), ("notes.md", stat, None)],
        )
        .unwrap();

        let cache = Cache::open(&path, "one".into());
        let index = cache.index(0);
        let (_, reused) = index.reuse("router.yaml", Some(stat)).unwrap();
        let reused = reused.unwrap();
        assert_eq!(
            (reused.rel.as_str(), reused.id.as_deref()),
            ("router.yaml", Some("ticket-router"))
        );
        assert_eq!(reused.digest, e.digest);
        // A file that is no document is kept as such.
        assert!(index.reuse("notes.md", Some(stat)).unwrap().1.is_none());
        // Any difference in what lstat says is a change.
        for changed in [
            Stat {
                len: stat.len + 1,
                ..stat
            },
            Stat {
                modified: stat.modified + 1,
                ..stat
            },
            Stat {
                changed: stat.changed + 1,
                ..stat
            },
            Stat {
                inode: stat.inode + 1,
                ..stat
            },
        ] {
            assert!(index.reuse("router.yaml", Some(changed)).is_none());
        }
        assert!(index.reuse("router.yaml", None).is_none());
        assert!(index.reuse("other.yaml", Some(stat)).is_none());
        // The same files as the cache has: it is not written again.
        let before = std::fs::read(&path).unwrap();
        let kept = vec![
            index.reuse("router.yaml", Some(stat)).unwrap().0,
            index.reuse("notes.md", Some(stat)).unwrap().0,
        ];
        std::fs::write(&path, [&before[..], b"x"].concat()).unwrap();
        let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
        cache.store(&index, kept).unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            modified
        );

        // Another build, other settings or rules: nothing is reused.
        let other = Cache::open(&path, "two".into());
        assert!(other.index(0).reuse("router.yaml", Some(stat)).is_none());
    }

    #[test]
    fn an_entry_for_another_path_or_past_the_rules_is_not_used() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aims-lint/corpus");
        let (_, stat) = settled_file(dir.path(), "router.yaml");
        let mut e = entry("router.yaml");
        e.cited.push(crate::corpus::Cited {
            rule: 4,
            value: "support-tickets".into(),
            span: (0, 1),
        });
        store(
            &path,
            &[
                ("router.yaml", stat, Some(&e)),
                ("other.yaml", stat, Some(&e)),
            ],
        )
        .unwrap();
        let cache = Cache::open(&path, "one".into());
        assert!(cache.index(5).reuse("router.yaml", Some(stat)).is_some());
        // The same bytes under another path, or with fewer rules: not used.
        assert!(cache.index(5).reuse("other.yaml", Some(stat)).is_none());
        assert!(cache.index(4).reuse("router.yaml", Some(stat)).is_none());
    }

    #[test]
    fn a_file_changed_just_before_the_run_is_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("router.yaml");
        std::fs::write(&path, "id: ticket-router\n").unwrap();
        let stat = Stat::of(&path).unwrap();
        let cache = Cache::open(&dir.path().join("aims-lint/corpus"), "one".into());
        let index = cache.index(0);
        assert!(index.keep("router.yaml", Some(stat), None).is_none());
        let (_, old) = settled_file(dir.path(), "old.yaml");
        assert!(index.keep("old.yaml", Some(old), None).is_some());
        // Not a regular file: no lstat to keep.
        assert!(Stat::of(dir.path()).is_none());
    }

    #[test]
    fn a_new_file_left_by_a_killed_run_with_this_process_id_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aims-lint/corpus");
        std::fs::create_dir(dir.path().join("aims-lint")).unwrap();
        let left = dir
            .path()
            .join(format!("aims-lint/.corpus.{}.new", std::process::id()));
        std::fs::write(&left, b"half a cache").unwrap();
        let (_, stat) = settled_file(dir.path(), "router.yaml");
        store(&path, &[("notes.md", stat, None)]).unwrap();
        assert!(!left.exists());
        let cache = Cache::open(&path, "one".into());
        assert!(cache.index(0).reuse("notes.md", Some(stat)).is_some());
    }

    #[test]
    fn a_cache_that_cannot_be_decoded_is_set_aside_and_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("aims-lint/corpus");
        std::fs::create_dir(dir.path().join("aims-lint")).unwrap();
        let (_, stat) = settled_file(dir.path(), "router.yaml");
        let e = entry("router.yaml");
        for garbage in [
            &b""[..],
            b"not a cache",
            MAGIC,
            &[MAGIC, &[0xff; 64][..]].concat(),
        ] {
            std::fs::write(&path, garbage).unwrap();
            let cache = Cache::open(&path, "one".into());
            assert!(cache.index(0).reuse("router.yaml", Some(stat)).is_none());
            store(&path, &[("router.yaml", stat, Some(&e))]).unwrap();
            let cache = Cache::open(&path, "one".into());
            assert!(cache.index(0).reuse("router.yaml", Some(stat)).is_some());
        }
    }

    #[test]
    fn the_cache_is_not_read_or_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let (_, stat) = settled_file(dir.path(), "router.yaml");
        let e = entry("router.yaml");
        // A good cache elsewhere, linked in the cache's place: not read; the link is replaced,
        // and what it pointed at is left as it was.
        let good = outside.path().join("corpus");
        store(&good, &[("router.yaml", stat, Some(&e))]).unwrap();
        let good_bytes = std::fs::read(&good).unwrap();
        std::fs::create_dir(dir.path().join("aims-lint")).unwrap();
        let path = dir.path().join("aims-lint/corpus");
        std::os::unix::fs::symlink(&good, &path).unwrap();
        let cache = Cache::open(&path, "one".into());
        assert!(cache.index(0).reuse("router.yaml", Some(stat)).is_none());
        store(&path, &[("notes.md", stat, None)]).unwrap();
        assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
        assert_eq!(std::fs::read(&good).unwrap(), good_bytes);
        // Its folder a link: an error, and nothing written where it points.
        let linked = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), linked.path().join("aims-lint")).unwrap();
        let path = linked.path().join("aims-lint/corpus");
        let err = store(&path, &[("notes.md", stat, None)]).unwrap_err();
        assert!(err.contains("not a folder"), "{err}");
        assert_eq!(std::fs::read(&good).unwrap(), good_bytes);
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    }
}
