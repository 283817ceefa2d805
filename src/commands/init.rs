//! `aims-lint init`: write the starter repository.

use crate::ExitStatus;
use crate::cli::InitArgs;
use crate::init;

use super::emit;

/// `aims-lint init`.
pub fn init(args: &InitArgs) -> miette::Result<ExitStatus> {
    let written = init::init(&args.dir).map_err(miette::Report::new)?;
    let dir = args.dir.display();
    emit(|out| {
        writeln!(out, "wrote {} files to {dir}:", written.len())?;
        for rel in written.iter().filter(|r| !r.starts_with(init::SCHEMA_DIR)) {
            writeln!(out, "  {rel}")?;
        }
        writeln!(
            out,
            "  {}/ (JSON Schemas for editors)\n\nnext: aims-lint check {dir}",
            init::SCHEMA_DIR
        )
    })?;
    Ok(ExitStatus::Success)
}
