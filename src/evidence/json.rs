//! The report as JSON, following `schemas/evidence-report.schema.json`.

use std::io::{self, Write};

use super::Report;

/// Write `report` as pretty JSON.
///
/// # Errors
/// Writing fails.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}
