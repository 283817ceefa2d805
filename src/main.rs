//! The `aims-lint` binary: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

use clap::Parser;

/// The system allocators are slow under many small allocations from several threads (musl's
/// four times, glibc's by a fifth of a large run): every build uses mimalloc (see Cargo.toml
/// for the measurements).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Errors name paths and quote files that a pull request's author wrote: they are printed
    // without colour, with every control character escaped (see `aims_lint::visible`).
    let _ = miette::set_hook(Box::new(|_| {
        Box::new(
            miette::MietteHandlerOpts::new()
                .color(false)
                .terminal_links(false)
                .build(),
        )
    }));
    let cli = aims_lint::cli::Cli::parse();
    match aims_lint::run(&cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(report) => {
            #[allow(clippy::print_stderr, reason = "the one place errors are printed")]
            {
                eprintln!(
                    "{}",
                    aims_lint::visible::visible_lines(&format!("{report:?}"))
                );
            }
            ExitCode::from(aims_lint::ExitStatus::Error as u8)
        }
    }
}
