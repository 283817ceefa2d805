//! The subcommands, one file each: `check`, `files`, `rules`, `explain`, `baseline`, `init`;
//! and what they share (colour, writing to a closed pipe, replacing a file whole). The order of
//! a check is [`crate::run`]'s; a command parses its arguments, runs, and writes.

mod baseline;
mod check;
mod explain;
mod files;
mod init;
mod report;
mod rules;

pub use baseline::baseline;
pub use check::check;
pub use explain::explain;
pub use files::files;
pub use init::init;
pub use report::report;
pub use rules::rules;

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use miette::IntoDiagnostic;

use crate::cli::ColorChoice;
use crate::visible::visible;

/// Whether to colour a stream.
fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    let env_set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if env_set("NO_COLOR") {
                false
            } else if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| v != "0" && !v.is_empty())
            {
                true
            } else {
                is_terminal && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// Report per-file errors on stderr; they make the run exit with 2.
fn print_errors(errors: &[String]) {
    for e in errors {
        #[allow(clippy::print_stderr, reason = "errors about paths go to stderr")]
        {
            eprintln!("aims-lint: error: {}", crate::visible::visible_lines(e));
        }
    }
}

/// Write with `f`; a closed pipe (`aims-lint | head`) ends the run quietly.
fn emit(f: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> miette::Result<bool> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match f(&mut out).and_then(|()| out.flush()) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(e).into_diagnostic(),
    }
}

/// `https://github.com/<owner>/<repo>/blob/<sha>` inside GitHub Actions.
fn github_link_base() -> Option<String> {
    let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    Some(format!(
        "{}/{}/blob/{}",
        var("GITHUB_SERVER_URL")?,
        var("GITHUB_REPOSITORY")?,
        var("GITHUB_SHA")?
    ))
}

/// Replace `path` with `bytes` whole: written to a new file beside it, then renamed over it,
/// so that a reader never sees half a file and a link in its place is replaced, not written
/// through. Unless the user named the path (`explicit`), a path that is or passes through a
/// symbolic link is refused: a link shipped in a repository must not redirect the write.
fn write_replacing(path: &Path, bytes: &[u8], explicit: bool) -> miette::Result<()> {
    write_replacing_with(path, explicit, |out| out.write_all(bytes))
}

/// [`write_replacing`], with what `write` writes (through a buffer, so that a large report is
/// not held in memory whole).
fn write_replacing_with(
    path: &Path,
    explicit: bool,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> miette::Result<()> {
    let shown = || visible(&path.display().to_string()).into_owned();
    let mut target = path.to_path_buf();
    let mut prefix = PathBuf::new();
    for part in path.components() {
        prefix.push(part);
        if std::fs::symlink_metadata(&prefix).is_ok_and(|m| m.file_type().is_symlink()) {
            if !explicit {
                return Err(miette::miette!(
                    help = "remove the link, or name the file with `--output` to write through it",
                    "{} is or passes through a symbolic link ({}): not written",
                    shown(),
                    visible(&prefix.display().to_string())
                ));
            }
            target = path
                .canonicalize()
                .or_else(|_| {
                    path.parent()
                        .unwrap_or(Path::new("."))
                        .canonicalize()
                        .map(|d| d.join(path.file_name().unwrap_or_default()))
                })
                .into_diagnostic()?;
            break;
        }
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|f| {
            let mut out = io::BufWriter::new(f);
            write(&mut out)?;
            out.into_inner()
                .map_err(io::IntoInnerError::into_error)?
                .sync_all()
        })
        .and_then(|()| std::fs::rename(&temp, &target));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(miette::miette!("cannot write {}: {e}", shown()));
    }
    Ok(())
}
