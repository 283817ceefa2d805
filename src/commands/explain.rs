//! `aims-lint explain`: a rule's documentation, or a control's title, paraphrase and rules.

use crate::ExitStatus;
use crate::cli::ExplainArgs;
use crate::controls;
use crate::explain;
use crate::rules::suggest_rule;
use crate::run::Project;

use super::emit;

/// `aims-lint explain`.
pub fn explain(args: &ExplainArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&[], &args.common)?;
    // Control ids are written `A.7.5`; accept `a.7.5` too.
    let name = args.name.trim();
    let upper;
    let name = match name.strip_prefix("a.") {
        Some(rest) => {
            upper = format!("A.{rest}");
            upper.as_str()
        }
        None => name,
    };
    let text = if let Some(rule) = project.registry.rules().iter().find(|r| r.info.id == name) {
        explain::rule_markdown(rule)
    } else if let Some(text) = explain::control_markdown(name, &project.registry) {
        text
    } else if name.starts_with("A.") || name.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(miette::miette!(
            help = "run `aims-lint rules` to see every control and its rules",
            "{}",
            controls::explain_unknown(name)
        ));
    } else {
        return Err(miette::miette!(
            help = suggest_rule(name, project.known_ids.iter().map(String::as_str)),
            "`{name}` is neither a rule nor an Annex A control"
        ));
    };
    emit(|out| out.write_all(text.as_bytes()))?;
    Ok(ExitStatus::Success)
}
