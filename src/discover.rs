//! Finding candidate files: directories are walked with the `ignore` crate (honouring
//! `.gitignore`, `.ignore` and `.git/info/exclude`, never entering `.git`, never following
//! symbolic links); files named on the command line are taken as they are, as pre-commit
//! passes them.

use std::path::{Component, Path, PathBuf};

use ignore::WalkBuilder;

use crate::parse::Format;

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

/// Candidates under `paths`, sorted and without duplicates, and problems with the paths.
#[must_use]
pub fn discover(paths: &[PathBuf], root: &Path) -> (Vec<Candidate>, Vec<Skipped>, Vec<String>) {
    let mut found = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    for given in paths {
        let meta = match std::fs::symlink_metadata(given) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!("{}: {e}", given.display()));
                continue;
            }
        };
        if meta.is_file() || meta.file_type().is_symlink() && given.is_file() {
            if meta.file_type().is_symlink() {
                // A link named on the command line is followed only if it stays inside the
                // repository.
                let real_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
                match given.canonicalize() {
                    Ok(real) if real.starts_with(&real_root) => {}
                    _ => {
                        skipped.push(Skipped {
                            rel: display(given, root),
                            reason: "symbolic link to a file outside the repository".into(),
                        });
                        continue;
                    }
                }
            }
            if Format::from_path(&given.to_string_lossy()).is_some() {
                found.push(Candidate {
                    rel: display(given, root),
                    path: given.clone(),
                    explicit: true,
                });
            }
            continue;
        }
        let walker = WalkBuilder::new(given)
            .follow_links(false)
            .filter_entry(|e| e.file_name() != ".git")
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    let Some(ft) = e.file_type() else { continue };
                    if ft.is_symlink() {
                        if Format::from_path(&e.path().to_string_lossy()).is_some() {
                            skipped.push(Skipped {
                                rel: display(e.path(), root),
                                reason: "symbolic link (not followed)".into(),
                            });
                        }
                        continue;
                    }
                    if ft.is_file() && Format::from_path(&e.path().to_string_lossy()).is_some() {
                        found.push(Candidate {
                            rel: display(e.path(), root),
                            path: e.path().to_path_buf(),
                            explicit: false,
                        });
                    }
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
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
