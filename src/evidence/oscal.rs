//! The report as OSCAL 1.1 assessment results (JSON), and the minimal assessment plan they
//! import. One observation per rule evaluation (a rule on one evidence document: the file, its
//! blob id, the commit, the findings with their spans), one finding per control. Every UUID is
//! a `UUIDv5` of the commit and the thing it names, so the same commit gives the same document.

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;
use uuid::Uuid;

use super::{Control, Report, Status};

/// The OSCAL version written.
pub const OSCAL_VERSION: &str = "1.1.2";

/// The namespace of aims-lint's property names (an invalid domain: it names, it does not
/// resolve).
const NS: &str = "https://aims-lint.invalid/ns/oscal";

/// The file name the assessment results import the plan from.
pub const PLAN_FILE: &str = "aims-lint-assessment-plan.json";

/// `uuid5(NAMESPACE_URL, "https://aims-lint.invalid/oscal")`.
const NAMESPACE: Uuid = Uuid::from_u128(0x7f34_369a_a536_5a1c_a2ba_c5b4_30fe_13be);

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Metadata {
    title: String,
    last_modified: String,
    version: String,
    oscal_version: &'static str,
    props: Vec<Prop>,
}

#[derive(Serialize)]
struct Prop {
    name: String,
    value: String,
    ns: &'static str,
}

fn prop(name: &str, value: impl Into<String>) -> Prop {
    Prop {
        name: name.to_string(),
        value: value.into(),
        ns: NS,
    }
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ControlSelection {
    #[serde(skip_serializing_if = "Option::is_none")]
    include_all: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    include_controls: Vec<ControlId>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ControlId {
    control_id: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ReviewedControls {
    control_selections: Vec<ControlSelection>,
}

#[derive(Serialize)]
struct Href {
    href: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Evidence {
    href: String,
    description: String,
    props: Vec<Prop>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Observation {
    uuid: String,
    title: String,
    description: String,
    props: Vec<Prop>,
    methods: Vec<&'static str>,
    types: Vec<&'static str>,
    relevant_evidence: Vec<Evidence>,
    collected: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ObjectiveStatus {
    state: &'static str,
    reason: &'static str,
    remarks: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
#[allow(
    clippy::struct_field_names,
    reason = "OSCAL names the field `target-id`"
)]
struct Target {
    #[serde(rename = "type")]
    kind: &'static str,
    target_id: String,
    status: ObjectiveStatus,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct RelatedObservation {
    observation_uuid: String,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Finding {
    uuid: String,
    title: String,
    description: String,
    props: Vec<Prop>,
    target: Target,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_observations: Vec<RelatedObservation>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct OscalResult<'a> {
    uuid: String,
    title: String,
    description: String,
    start: String,
    reviewed_controls: ReviewedControls,
    observations: Observations<'a>,
    findings: Vec<Finding>,
}

/// The observations of every control, made while they are written: a report of many documents
/// has many more observations than controls, and they are not held in memory together.
struct Observations<'a>(&'a Report);

impl Serialize for Observations<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.controls.iter().flat_map(|c| observations(self.0, c)))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct AssessmentResults<'a> {
    uuid: String,
    metadata: Metadata,
    import_ap: Href,
    results: Vec<OscalResult<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct ResultsDocument<'a> {
    assessment_results: AssessmentResults<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct AssessmentPlan {
    uuid: String,
    metadata: Metadata,
    import_ssp: Href,
    reviewed_controls: ReviewedControls,
}

#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct PlanDocument {
    assessment_plan: AssessmentPlan,
}

/// The id that names `what` in the report of `report`'s commit.
fn id(report: &Report, what: &str) -> String {
    let base = report.context.commit.as_deref().unwrap_or("work-tree");
    Uuid::new_v5(&NAMESPACE, format!("{base}/{what}").as_bytes()).to_string()
}

/// When the assessment happened, as OSCAL dates it: the day the rules judged by, at midnight
/// UTC (no wall-clock time, so that a commit's report is reproducible).
fn timestamp(report: &Report) -> String {
    format!(
        "{}T00:00:00Z",
        report.context.judged_on.as_deref().unwrap_or("1970-01-01")
    )
}

/// OSCAL control ids are lower case: `a.7.5`; a clause is `clause-6.1.3`.
fn control_id(id: &str) -> String {
    if id.starts_with("A.") {
        id.to_lowercase()
    } else {
        format!("clause-{id}")
    }
}

fn metadata(report: &Report, title: &str) -> Metadata {
    let c = &report.context;
    let mut props = vec![
        prop("tool", format!("aims-lint {}", c.version)),
        prop("rules-blob", c.rules.clone()),
    ];
    if let Some(commit) = &c.commit {
        props.push(prop("commit", commit.clone()));
    }
    if let Some(config) = &c.configuration {
        props.push(prop("configuration-blob", config.clone()));
    }
    Metadata {
        title: title.to_string(),
        last_modified: timestamp(report),
        version: c.commit.clone().unwrap_or_else(|| "work-tree".to_string()),
        oscal_version: OSCAL_VERSION,
        props,
    }
}

/// The rule evaluations of a control: each rule that ran, on each evidence document of a kind
/// (the rules of a control check the kinds its evidence has).
fn evaluations(c: &Control) -> impl Iterator<Item = (&super::RuleResult, &super::Evidence)> {
    c.rules.iter().filter(|r| r.ran).flat_map(move |rule| {
        c.evidence
            .iter()
            .filter(|e| e.counts() && e.kind.is_some())
            .map(move |e| (rule, e))
    })
}

fn observation_id(report: &Report, c: &Control, rule: &str, path: &str) -> String {
    id(report, &format!("observation/{}/{rule}/{path}", c.id))
}

/// The observations of one control: one per rule and evidence document it ran on.
fn observations(report: &Report, c: &Control) -> Vec<Observation> {
    let mut out = Vec::new();
    for (rule, e) in evaluations(c) {
        let findings: Vec<_> = c
            .findings
            .iter()
            .filter(|f| f.rule == rule.id && f.path == e.path)
            .collect();
        let mut props = vec![
            prop("rule", rule.id.clone()),
            prop("result", if findings.is_empty() { "pass" } else { "fail" }),
        ];
        let mut evidence_props = Vec::new();
        if let Some(blob) = &e.blob {
            evidence_props.push(prop("blob", blob.clone()));
        }
        if let Some(commit) = &report.context.commit {
            evidence_props.push(prop("commit", commit.clone()));
        }
        for f in &findings {
            props.push(prop("finding-line", f.line.to_string()));
        }
        let description = if findings.is_empty() {
            format!("`{}` found nothing in {}.", rule.id, e.path)
        } else {
            findings
                .iter()
                .map(|f| format!("{}:{}: {} {}", f.path, f.line, f.severity, f.message))
                .collect::<Vec<_>>()
                .join("\n")
        };
        out.push(Observation {
            uuid: id(
                report,
                &format!("observation/{}/{}/{}", c.id, rule.id, e.path),
            ),
            title: format!("{} on {}", rule.id, e.path),
            description,
            props,
            methods: vec!["TEST"],
            types: vec![if findings.is_empty() {
                "control-objective"
            } else {
                "finding"
            }],
            relevant_evidence: vec![Evidence {
                href: e.path.clone(),
                description: format!("{} ({})", e.path, e.kind.as_deref().unwrap_or("file")),
                props: evidence_props,
            }],
            collected: timestamp(report),
        });
    }
    out
}

fn finding(report: &Report, c: &Control, related: &[String]) -> Finding {
    let (state, reason) = match c.status {
        Status::Satisfied => ("satisfied", "pass"),
        Status::Findings | Status::NoEvidence => ("not-satisfied", "fail"),
        Status::Excluded | Status::OutOfScope => ("not-satisfied", "other"),
    };
    let mut remarks = format!(
        "{} ({})",
        c.status.label(),
        c.established
            .iter()
            .map(|m| m.label())
            .collect::<Vec<_>>()
            .join("; ")
    );
    if let Some(j) = &c.applicability.justification {
        let _ = write!(remarks, ". Statement of Applicability: {j}");
    }
    Finding {
        uuid: id(report, &format!("finding/{}", c.id)),
        title: format!("{} {}", c.id, c.title),
        description: format!(
            "{} evidence document(s), {} finding(s) of its rules.",
            c.evidence.iter().filter(|e| e.counts()).count(),
            c.findings.len()
        ),
        props: vec![prop("status", c.status.label())],
        target: Target {
            kind: "objective-id",
            target_id: control_id(&c.id),
            status: ObjectiveStatus {
                state,
                reason,
                remarks,
            },
        },
        related_observations: related
            .iter()
            .map(|u| RelatedObservation {
                observation_uuid: u.clone(),
            })
            .collect(),
    }
}

/// Write `report` as OSCAL assessment results.
///
/// # Errors
/// Writing fails.
pub fn write(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let findings = report
        .controls
        .iter()
        .map(|c| {
            let related: Vec<String> = evaluations(c)
                .map(|(rule, e)| observation_id(report, c, &rule.id, &e.path))
                .collect();
            finding(report, c, &related)
        })
        .collect();
    let doc = ResultsDocument {
        assessment_results: AssessmentResults {
            uuid: id(report, "assessment-results"),
            metadata: metadata(report, "aims-lint: ISO/IEC 42001 Annex A assessment results"),
            import_ap: Href {
                href: PLAN_FILE.to_string(),
            },
            results: vec![OscalResult {
                uuid: id(report, "result"),
                title: "ISO/IEC 42001 Annex A controls, checked by aims-lint".to_string(),
                description: "Each control's evidence in the repository, checked by the rules of aims-lint: one observation per rule and evidence document, one finding per control.".to_string(),
                start: timestamp(report),
                reviewed_controls: all_controls(),
                observations: Observations(report),
                findings,
            }],
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn all_controls() -> ReviewedControls {
    ReviewedControls {
        control_selections: vec![ControlSelection {
            include_all: Some(serde_json::Map::new()),
            include_controls: Vec::new(),
        }],
    }
}

/// Write the assessment plan the results import: the controls the configuration selects
/// (every one, unless `[rules] select` names controls).
///
/// # Errors
/// Writing fails.
pub fn write_plan(out: &mut dyn Write, report: &Report) -> io::Result<()> {
    let selected: Vec<ControlId> = report
        .selected_controls
        .iter()
        .map(|c| ControlId {
            control_id: control_id(c),
        })
        .collect();
    let reviewed_controls = if selected.is_empty() {
        all_controls()
    } else {
        ReviewedControls {
            control_selections: vec![ControlSelection {
                include_all: None,
                include_controls: selected,
            }],
        }
    };
    let doc = PlanDocument {
        assessment_plan: AssessmentPlan {
            uuid: id(report, "assessment-plan"),
            metadata: metadata(report, "aims-lint: ISO/IEC 42001 Annex A assessment plan"),
            import_ssp: Href {
                href: "#aims-lint-repository".to_string(),
            },
            reviewed_controls,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
