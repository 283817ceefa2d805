//! `aims-lint rules`: the catalogue, as a table or JSON.

use crate::ExitStatus;
use crate::cli::{ListFormat, RulesArgs};
use crate::controls;
use crate::run::Project;

use super::emit;

/// `aims-lint rules`.
pub fn rules(args: &RulesArgs) -> miette::Result<ExitStatus> {
    let project = Project::load(&[], &args.common)?;
    let rules = project.registry.rules();
    let n_covered = controls::CONTROLS
        .iter()
        .filter(|(id, _)| project.registry.for_control(id).next().is_some())
        .count();
    if args.format == ListFormat::Json {
        // A control or clause, and the rules that check it.
        let with_rules = |id: &str, title: &str| {
            serde_json::json!({
                "id": id,
                "title": title,
                "rules": project.registry
                    .for_control(id)
                    .map(|r| r.info.id.as_str())
                    .collect::<Vec<_>>(),
            })
        };
        let json = serde_json::json!({
            "version": 1,
            "rules": rules.iter().map(|r| serde_json::json!({
                "id": r.info.id,
                "control": r.info.control,
                "control_title": r.info.control.as_deref().and_then(controls::title),
                "title": r.title,
                "severity": r.info.severity.to_string(),
                "applies-to": r.applies_to,
                "message": r.info.message,
                "help": r.info.help,
                "origin": r.origin,
            })).collect::<Vec<_>>(),
            "controls": controls::CONTROLS.iter().map(|(id, title)| with_rules(id, title)).collect::<Vec<_>>(),
            // Clauses of the management system with rules (risk register, SoA).
            "clauses": controls::CLAUSES.iter().map(|(id, title, _)| with_rules(id, title)).collect::<Vec<_>>(),
            // Controls whose evidence cannot live in a repository; the catalog declares none.
            "out_of_scope": [],
        });
        emit(|out| {
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)
        })?;
        return Ok(ExitStatus::Success);
    }
    let builtin = rules.iter().filter(|r| r.info.control.is_none()).count();
    let clauses = controls::CLAUSES.map(|(id, _, _)| id);
    emit(|out| {
        writeln!(
            out,
            "{:<46} {:<8} {:<8} {:<28} TITLE",
            "RULE", "CONTROL", "SEVERITY", "APPLIES TO"
        )?;
        for r in rules {
            let applies = if r.applies_to.is_empty() {
                "(any)".to_string()
            } else {
                r.applies_to.join(",")
            };
            writeln!(
                out,
                "{:<46} {:<8} {:<8} {:<28} {}",
                r.info.id,
                r.info.control.as_deref().unwrap_or("-"),
                r.info.severity,
                applies,
                r.title
            )?;
        }
        writeln!(
            out,
            "\n{} rules and {} checks of aims-lint itself (control `-`); {n_covered} of {} Annex A controls have at least one rule, and so have clauses {} and {}. \
             `aims-lint explain <rule|control>` tells more.",
            rules.len() - builtin,
            builtin,
            controls::CONTROLS.len(),
            clauses[..clauses.len() - 1].join(", "),
            clauses[clauses.len() - 1]
        )
    })?;
    Ok(ExitStatus::Success)
}
