//! Finding candidate files. Directories are walked without following symbolic links and
//! without entering `.git`; what a pull request's author can use to hide a document is read
//! the way git reads it, or not at all:
//!
//! - files git tracks are always candidates (an ignore file does not untrack them: git still
//!   ships them), hidden folders included; the index is read with gix;
//! - untracked files are candidates unless `.gitignore`, `.ignore` (which wins over
//!   `.gitignore` in its folder) or `.git/info/exclude` ignores them, or they are hidden;
//!   nothing outside the repository is read (no global excludes file);
//! - an ignore file is read only if it is a regular file of at most [`MAX_IGNORE_FILE`] bytes:
//!   a link, a device, a folder or a huge file in its place is an error, and the run fails
//!   (in doubt, closed);
//! - a folder `.aims-lint/` (the schemas `init` writes) never holds a document, also when a
//!   file in it is named on the command line.
//!
//! Files named on the command line are taken as they are, as pre-commit passes them.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::parse::Format;

/// The largest ignore file read, in bytes.
pub const MAX_IGNORE_FILE: u64 = 1 << 20;

/// A file to look at.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Path relative to the repository root, `/`-separated (or as given, if outside it).
    pub rel: String,
    /// Path to open.
    pub path: PathBuf,
    /// Named on the command line (not found by walking).
    pub explicit: bool,
}

/// A path that was not looked at, and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// The path, as reported.
    pub rel: String,
    /// Why.
    pub reason: String,
}

/// Why a link found by the walk is not read.
pub const LINK: &str = "symbolic link (not followed)";
/// Why a link named on the command line is not read.
pub const LINK_OUT: &str = "symbolic link to a file outside the repository";
/// Why a device, socket or pipe is not read.
pub const SPECIAL: &str = "not a regular file (a device, socket or pipe)";

/// Each reason a file is not read for not being a regular one, with what a finding calls it.
const NOT_REGULAR: [(&str, &str); 3] = [
    (LINK, "a symbolic link, which aims-lint does not follow"),
    (LINK_OUT, "a symbolic link to a file outside the repository"),
    (SPECIAL, "a device, a socket or a pipe"),
];

impl Skipped {
    /// What it is, when it was not read for being a link or a special file rather than a
    /// regular one: where a document would be, that is a finding (`file-not-regular`), not a
    /// skip.
    #[must_use]
    pub fn not_regular(&self) -> Option<&'static str> {
        NOT_REGULAR
            .iter()
            .find(|(reason, _)| *reason == self.reason)
            .map(|(_, what)| *what)
    }
}

/// The tracked files: each absolute path as [`key`] writes it. Compared as bytes: paths compare
/// component by component, which was a tenth of the walk of 10,000 documents.
type Tracked = BTreeSet<Vec<u8>>;

/// `path` as the bytes [`Tracked`] holds: its components joined by `/` (on Unix, the bytes it
/// already is: the walk joins names to folders that [`absolute`] wrote, as the index's paths
/// are joined to the root).
fn key(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    if cfg!(unix) {
        std::borrow::Cow::Borrowed(path.as_os_str().as_encoded_bytes())
    } else {
        let mut out = Vec::new();
        for c in path.components() {
            match c {
                Component::RootDir => out.push(b'/'),
                c => {
                    if !out.is_empty() && out.last() != Some(&b'/') {
                        out.push(b'/');
                    }
                    out.extend_from_slice(c.as_os_str().as_encoded_bytes());
                }
            }
        }
        std::borrow::Cow::Owned(out)
    }
}

/// The paths git tracks in the repository at `root`, absolute; empty outside a repository.
fn tracked(root: &Path, repo: Option<&gix::Repository>) -> Tracked {
    let opened;
    let repo = match repo {
        Some(r) => r,
        None => match gix::open(root) {
            Ok(r) => {
                opened = r;
                &opened
            }
            Err(_) => return Tracked::new(),
        },
    };
    // Read here and dropped after, not through the repository's index cache, which would
    // keep it for the whole run (20 MB at 100,000 files).
    let Ok(index) = gix::index::File::at(
        repo.index_path(),
        repo.object_hash(),
        false,
        gix::index::decode::Options::default(),
    ) else {
        return Tracked::new();
    };
    index
        .entries()
        .iter()
        .filter_map(|e| {
            let path = root.join(gix::path::from_bstr(e.path(&index)).ok()?);
            Some(key(&path).into_owned())
        })
        .collect()
}

/// Whether a tracked path lies under `dir`.
fn tracks_under(tracked: &Tracked, dir: &Path) -> bool {
    // Every path under `dir` starts with `dir/`, and they sort together from there (`dir-x`
    // and `dir.x` sort before it, which is why the range does not start at `dir`).
    let mut under = key(dir).into_owned();
    under.push(b'/');
    tracked
        .range::<[u8], _>((
            std::ops::Bound::Included(&under[..]),
            std::ops::Bound::Unbounded,
        ))
        .next()
        .is_some_and(|p| p.starts_with(&under))
}

/// Read an ignore file the safe way: a regular file, bounded in size.
fn read_ignore_file(path: &Path, root: &Path, errors: &mut Vec<String>) -> Option<String> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    let shown = display(path, root);
    if !meta.is_file() {
        errors.push(format!(
            "{shown}: an ignore file that is not a regular file (a symbolic link, a device or a folder) is not read, and the walk is not trusted without it: make it a regular file or remove it"
        ));
        return None;
    }
    if meta.len() > MAX_IGNORE_FILE {
        errors.push(format!(
            "{shown}: an ignore file of {} bytes is more than the {MAX_IGNORE_FILE} aims-lint reads: shorten it",
            meta.len()
        ));
        return None;
    }
    match std::fs::read(path) {
        Ok(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) => {
            errors.push(format!("{shown}: {e}"));
            None
        }
    }
}

fn matcher(dir: &Path, file: &Path, text: &str) -> Option<Gitignore> {
    let mut builder = GitignoreBuilder::new(dir);
    for line in text.lines() {
        // A line git cannot read is one git ignores too.
        let _ = builder.add_line(Some(file.to_path_buf()), line);
    }
    builder.build().ok().filter(|g| !g.is_empty())
}

/// The ignore rules in force in one folder, most specific first.
#[derive(Clone, Default)]
struct Rules(Vec<Gitignore>);

impl Rules {
    fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        for g in &self.0 {
            match g.matched(path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
        false
    }
}

struct Walk<'a> {
    root: &'a Path,
    tracked: Tracked,
}

/// What the walk of one folder found.
#[derive(Default)]
struct Walked {
    found: Vec<Candidate>,
    skipped: Vec<Skipped>,
    errors: Vec<String>,
}

/// The folders walked so far, each with what it found.
type Chunks = Mutex<Vec<(PathBuf, Walked)>>;

impl Walk<'_> {
    /// Walk `dir` and the folders under it, one task per folder on the run's threads. The
    /// folders are put back in path order, which is the order of a depth-first walk of
    /// sorted entries: the errors come out in that order whatever the threads did.
    fn walk(&self, dir: &Path, rules: &Rules, into: &mut Walked) {
        let chunks: Chunks = Mutex::new(Vec::new());
        rayon::scope(|scope| self.dir(scope, dir.to_path_buf(), rules, &chunks));
        let mut chunks = chunks
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        chunks.sort_by(|a, b| a.0.cmp(&b.0));
        for (_, found) in chunks {
            into.found.extend(found.found);
            into.skipped.extend(found.skipped);
            into.errors.extend(found.errors);
        }
    }

    fn dir<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        dir: PathBuf,
        inherited: &Rules,
        chunks: &'s Chunks,
    ) {
        let mut out = Walked::default();
        self.entries(scope, &dir, inherited, chunks, &mut out);
        chunks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((dir, out));
    }

    fn entries<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        dir: &Path,
        inherited: &Rules,
        chunks: &'s Chunks,
        out: &mut Walked,
    ) {
        let entries = match std::fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) => {
                out.errors.push(format!("{}: {e}", display(dir, self.root)));
                return;
            }
        };
        let mut entries: Vec<(PathBuf, std::fs::FileType)> = entries
            .filter_map(|e| match e.and_then(|e| Ok((e.path(), e.file_type()?))) {
                Ok(pair) => Some(pair),
                Err(e) => {
                    out.errors.push(format!("{}: {e}", display(dir, self.root)));
                    None
                }
            })
            .collect();
        // All in one folder: their bytes sort as their names do, and compare faster than paths.
        entries.sort_unstable_by(|a, b| a.0.as_os_str().cmp(b.0.as_os_str()));
        // This folder's rules come first: `.ignore` over `.gitignore`.
        let mut rules = Rules::default();
        for name in [".ignore", ".gitignore"] {
            let file = dir.join(name);
            if entries.iter().any(|(p, _)| *p == file)
                && let Some(text) = read_ignore_file(&file, self.root, &mut out.errors)
                && let Some(g) = matcher(dir, &file, &text)
            {
                rules.0.push(g);
            }
        }
        rules.0.extend(inherited.0.iter().cloned());
        let rules = Arc::new(rules);
        for (path, ft) in entries {
            let name = path.file_name().unwrap_or_default();
            if name == ".git" || name == ".aims-lint" {
                continue;
            }
            let hidden = name.as_encoded_bytes().first() == Some(&b'.');
            if ft.is_dir() {
                let ignored = hidden || rules.ignores(&path, true);
                if !ignored || tracks_under(&self.tracked, &path) {
                    let rules = Arc::clone(&rules);
                    scope.spawn(move |scope| self.dir(scope, path, &rules, chunks));
                }
                continue;
            }
            let Some(_) = Format::from_path(&path.to_string_lossy()) else {
                continue;
            };
            let is_tracked = self.tracked.contains(key(&path).as_ref());
            if !is_tracked && (hidden || rules.ignores(&path, false)) {
                continue;
            }
            if ft.is_symlink() {
                out.skipped.push(Skipped {
                    rel: display(&path, self.root),
                    reason: LINK.into(),
                });
            } else if ft.is_file() {
                out.found.push(Candidate {
                    rel: display(&path, self.root),
                    path,
                    explicit: false,
                });
            } else {
                out.skipped.push(Skipped {
                    rel: display(&path, self.root),
                    reason: SPECIAL.into(),
                });
            }
        }
    }
}

/// Candidates under `paths`, sorted and without duplicates, and problems with the paths.
#[must_use]
pub fn discover(paths: &[PathBuf], root: &Path) -> (Vec<Candidate>, Vec<Skipped>, Vec<String>) {
    discover_in(paths, root, None)
}

/// A path named on the command line that is not a folder: a candidate (a regular file, or a
/// link to one inside the repository) or a skip; `false` for a folder, which is walked.
fn named_file(given: &Path, meta: &std::fs::Metadata, root: &Path, out: &mut Walked) -> bool {
    if given.is_dir() {
        return false;
    }
    let link = meta.file_type().is_symlink();
    let mut skip = |reason: &str| {
        out.skipped.push(Skipped {
            rel: display(given, root),
            reason: reason.into(),
        });
    };
    // A link named on the command line is followed only if it stays inside the repository.
    if link && given.is_file() {
        let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        if !given
            .canonicalize()
            .is_ok_and(|real| real.starts_with(&real_root))
        {
            skip(LINK_OUT);
            return true;
        }
    }
    if given.components().any(|c| c.as_os_str() == ".aims-lint")
        || Format::from_path(&given.to_string_lossy()).is_none()
    {
        return true;
    }
    if given.is_file() {
        out.found.push(Candidate {
            rel: display(given, root),
            path: given.to_path_buf(),
            explicit: true,
        });
    } else {
        // A device or a pipe, or a link to one or to nothing: not opened, and skipped as the
        // walk skips one (a `file-not-regular` finding where its path makes a document),
        // rather than walked as a folder.
        skip(if link { LINK } else { SPECIAL });
    }
    true
}

/// [`discover`], reading the tracked files with `repo` (the run's repository handle) rather
/// than opening the repository again.
#[must_use]
pub fn discover_in(
    paths: &[PathBuf],
    root: &Path,
    repo: Option<&gix::Repository>,
) -> (Vec<Candidate>, Vec<Skipped>, Vec<String>) {
    let root_abs = absolute(root);
    let mut walk = Walk {
        root,
        tracked: Tracked::new(),
    };
    let mut out = Walked::default();
    let mut tracked_read = false;
    for given in paths {
        let meta = match std::fs::symlink_metadata(given) {
            Ok(m) => m,
            Err(e) => {
                out.errors.push(format!("{}: {e}", given.display()));
                continue;
            }
        };
        if named_file(given, &meta, root, &mut out) {
            continue;
        }
        if !tracked_read {
            walk.tracked = tracked(&root_abs, repo);
            tracked_read = true;
        }
        // The rules of the folders above the one given, from the repository root down.
        let start = absolute(given);
        let mut rules = Rules::default();
        if start.starts_with(&root_abs) {
            let exclude = root_abs.join(".git/info/exclude");
            if exclude.exists()
                && let Some(text) = read_ignore_file(&exclude, root, &mut out.errors)
                && let Some(g) = matcher(&root_abs, &exclude, &text)
            {
                rules.0.push(g);
            }
            let mut above: Vec<&Path> = start
                .ancestors()
                .skip(1)
                .take_while(|a| a.starts_with(&root_abs))
                .collect();
            above.reverse();
            for dir in above {
                let mut here = Rules::default();
                for name in [".ignore", ".gitignore"] {
                    let file = dir.join(name);
                    if std::fs::symlink_metadata(&file).is_ok()
                        && let Some(text) = read_ignore_file(&file, root, &mut out.errors)
                        && let Some(g) = matcher(dir, &file, &text)
                    {
                        here.0.push(g);
                    }
                }
                here.0.extend(rules.0);
                rules = here;
            }
        }
        walk.walk(&start, &rules, &mut out);
    }
    let Walked {
        mut found,
        mut skipped,
        errors,
    } = out;
    found.sort();
    found.dedup_by(|a, b| a.rel == b.rel);
    skipped.sort();
    (found, skipped, errors)
}

/// `path` relative to `root` with `/` separators, or as given (normalised) if outside it.
#[must_use]
pub fn display(path: &Path, root: &Path) -> String {
    let abs = absolute(path);
    let rel = abs.strip_prefix(root).unwrap_or(&abs);
    let parts: Vec<String> = rel
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::RootDir => Some(String::new()),
            _ => None,
        })
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `path` made absolute against the current directory, with `.` and `..` resolved lexically
/// (a symbolic link in the path is not resolved: the path is reported as the user wrote it).
#[must_use]
pub fn absolute(path: &Path) -> PathBuf {
    let joined = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The repository root for `start`: the nearest ancestor holding `.git`, else `start` itself
/// (a directory) or its parent (a file).
#[must_use]
pub fn find_root(start: &Path) -> PathBuf {
    let start = absolute(start);
    let dir = if start.is_dir() {
        start.clone()
    } else {
        start
            .parent()
            .map_or_else(|| start.clone(), Path::to_path_buf)
    };
    let mut d = Some(dir.as_path());
    while let Some(p) = d {
        if p.join(".git").exists() {
            return p.to_path_buf();
        }
        d = p.parent();
    }
    dir
}

/// The documents of a git tree written below `dir` (`files`: their paths relative to it, as
/// [`crate::git::since::write_tree`] gives them). Every file of a tree is tracked: ignore files
/// do not apply, as in a work tree; `.aims-lint/` is never a document.
#[must_use]
pub fn tree_candidates(dir: &Path, files: Vec<String>) -> Vec<Candidate> {
    files
        .into_iter()
        .filter(|rel| {
            Format::from_path(rel).is_some() && !rel.split('/').any(|c| c == ".aims-lint")
        })
        .map(|rel| Candidate {
            path: dir.join(&rel),
            rel,
            explicit: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_tracks_what_lies_under_it_and_not_its_namesakes() {
        let set = |paths: &[&str]| -> Tracked {
            paths
                .iter()
                .map(|p| key(Path::new(p)).into_owned())
                .collect()
        };
        let dir = Path::new("/r/a");
        // `a-b` and `a.b` sort between `a` and `a/`: the lookup must not stop at them.
        assert!(tracks_under(
            &set(&["/r/a-b/x.yaml", "/r/a.b", "/r/a/y.yaml"]),
            dir
        ));
        assert!(!tracks_under(
            &set(&["/r/a-b/x.yaml", "/r/a.b", "/r/ab/y.yaml"]),
            dir
        ));
        // A file of that name is not under it.
        assert!(!tracks_under(&set(&["/r/a"]), dir));
        assert!(tracks_under(&set(&["/r/a/b/c/d.md"]), dir));
        let tracked = set(&["/r/a/y.yaml"]);
        assert!(tracked.contains(key(&Path::new("/r/a").join("y.yaml")).as_ref()));
        assert!(!tracked.contains(key(Path::new("/r/a/y.yam")).as_ref()));
    }

    /// Folders nested three deep, each with documents, a link and, in some, an ignore file
    /// that is a link (an error each), walked on pools of 1 to 4 threads.
    #[cfg(unix)]
    #[test]
    fn the_walk_finds_the_same_files_and_errors_in_the_same_order_on_any_number_of_threads() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let mut expected_docs = Vec::new();
        let mut expected_errors = Vec::new();
        for a in 0..6 {
            for b in 0..5 {
                for c in 0..3 {
                    let folder = format!("u{a}/s{b}/t{c}");
                    std::fs::create_dir_all(root.join(&folder)).unwrap();
                    for f in 0..3 {
                        let rel = format!("{folder}/doc-{f}.yaml");
                        std::fs::write(root.join(&rel), "id: x\n").unwrap();
                        expected_docs.push(rel);
                    }
                    std::os::unix::fs::symlink("doc-0.yaml", root.join(&folder).join("l.yaml"))
                        .unwrap();
                }
                if (a + b) % 3 == 0 {
                    let file = format!("u{a}/s{b}/.gitignore");
                    std::os::unix::fs::symlink("/dev/null", root.join(&file)).unwrap();
                    expected_errors.push(file);
                }
            }
        }
        expected_docs.sort();
        // Path order of the folders, as a walk of sorted entries meets them.
        expected_errors.sort();
        let runs: Vec<_> = [1, 2, 3, 4, 4, 2]
            .into_iter()
            .map(|threads| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .build()
                    .unwrap()
                    .install(|| discover(&[root.to_path_buf()], root))
            })
            .collect();
        let (found, skipped, errors) = &runs[0];
        let rels: Vec<&str> = found.iter().map(|c| c.rel.as_str()).collect();
        assert_eq!(rels, expected_docs);
        assert_eq!(skipped.len(), 6 * 5 * 3, "{skipped:?}");
        let errored: Vec<&str> = errors
            .iter()
            .map(|e| e.split_once(':').unwrap().0)
            .collect();
        assert_eq!(errored, expected_errors);
        for run in &runs[1..] {
            assert_eq!(run, &runs[0]);
        }
    }
}
