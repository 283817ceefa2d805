//! `aims-lint init`: writes a starter governance repository, one document of each kind, that
//! checks clean. Never overwrites: if any file it would write exists, it writes nothing.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// Where the starter repository keeps the document schemas that its YAML files name.
pub const SCHEMA_DIR: &str = ".aims-lint/schemas";

/// Every file `init` writes, as `(path relative to the target, text)`: the starter documents,
/// then the document schemas (not the report schema).
#[must_use]
pub fn files() -> Vec<(String, &'static str)> {
    STARTER
        .iter()
        .map(|(p, t)| ((*p).to_string(), *t))
        .chain(
            SCHEMAS
                .iter()
                .filter(|(p, _)| *p != "report.schema.json")
                .map(|(p, t)| (format!("{SCHEMA_DIR}/{p}"), *t)),
        )
        .collect()
}

/// Why `init` did not write the starter repository.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum InitError {
    /// Some files exist already.
    #[error("{} would be overwritten: {}", if .0.len() == 1 { "a file" } else { "files" }, list(.0))]
    #[diagnostic(
        code(aims_lint::init::exists),
        help(
            "aims-lint init never overwrites; run it in an empty directory, or move these files away"
        )
    )]
    Exists(Vec<PathBuf>),
    /// The target exists and is not a directory.
    #[error("{} is not a directory", .0.display())]
    #[diagnostic(
        code(aims_lint::init::not_a_directory),
        help("name a directory, or one to create")
    )]
    NotADirectory(PathBuf),
    /// Writing failed.
    #[error("cannot write {}", .0.display())]
    #[diagnostic(code(aims_lint::init::io))]
    Io(PathBuf, #[source] std::io::Error),
}

fn list(paths: &[PathBuf]) -> String {
    const SHOWN: usize = 5;
    let mut s: Vec<String> = paths
        .iter()
        .take(SHOWN)
        .map(|p| p.display().to_string())
        .collect();
    if paths.len() > SHOWN {
        s.push(format!("and {} more", paths.len() - SHOWN));
    }
    s.join(", ")
}

/// Write the starter repository into `dir` (created if needed). Returns the relative paths
/// written, in order.
///
/// # Errors
/// [`InitError::NotADirectory`] if `dir` is a file; [`InitError::Exists`] if any file (or a
/// symlink) is already where one would be written, before anything is written;
/// [`InitError::Io`] if writing fails.
pub fn init(dir: &Path) -> Result<Vec<String>, InitError> {
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotADirectory(dir.to_path_buf()));
    }
    let files = files();
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(p, _)| dir.join(p))
        .filter(|p| p.symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() {
        return Err(InitError::Exists(existing));
    }
    let mut written = Vec::with_capacity(files.len());
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| InitError::Io(parent.to_path_buf(), e))?;
        }
        // `create_new` fails rather than follow a symlink or replace a file made meanwhile.
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| InitError::Io(path.clone(), e))?;
        written.push(rel);
    }
    Ok(written)
}
