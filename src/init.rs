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
    /// A folder on the way is a symbolic link.
    #[error("{} is a symbolic link: init writes only into real folders", .0.display())]
    #[diagnostic(
        code(aims_lint::init::symlink),
        help("replace the link with a folder, or run init somewhere else")
    )]
    Symlink(PathBuf),
    /// Writing failed; nothing written is left behind.
    #[error("cannot write {} (nothing was left written)", .0.display())]
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
    // No folder on the way may be a link (a symlinked subfolder would take the files out of
    // the target).
    for (rel, _) in &files {
        let mut at = dir.to_path_buf();
        for part in Path::new(rel)
            .parent()
            .into_iter()
            .flat_map(Path::components)
        {
            at.push(part);
            if at
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink())
            {
                return Err(InitError::Symlink(at));
            }
        }
    }
    if dir
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
    {
        return Err(InitError::Symlink(dir.to_path_buf()));
    }
    // All or nothing: what was made is removed again if a write fails.
    let mut made_dirs: Vec<PathBuf> = Vec::new();
    let mut made_files: Vec<PathBuf> = Vec::new();
    let undo = |files: &[PathBuf], dirs: &[PathBuf]| {
        for f in files.iter().rev() {
            let _ = fs::remove_file(f);
        }
        for d in dirs.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    };
    let mut written = Vec::with_capacity(files.len());
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            let missing: Vec<PathBuf> = parent
                .ancestors()
                .take_while(|a| a.symlink_metadata().is_err())
                .map(Path::to_path_buf)
                .collect();
            if let Err(e) = fs::create_dir_all(parent) {
                undo(&made_files, &made_dirs);
                return Err(InitError::Io(parent.to_path_buf(), e));
            }
            made_dirs.extend(missing.into_iter().rev());
        }
        // `create_new` fails rather than follow a symlink or replace a file made meanwhile.
        let result = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .and_then(|mut f| {
                made_files.push(path.clone());
                f.write_all(text.as_bytes())
            });
        if let Err(e) = result {
            undo(&made_files, &made_dirs);
            return Err(InitError::Io(path, e));
        }
        written.push(rel);
    }
    Ok(written)
}
