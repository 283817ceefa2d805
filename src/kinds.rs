//! Document kinds and how a file is given one.
//!
//! First match wins:
//! 1. a declaration in the document: the top-level key `aims-kind` (YAML, JSON, front matter);
//! 2. the globs of `[documents]` in `aims-lint.toml`;
//! 3. built-in path conventions ([`CONVENTIONS`]);
//! 4. Hugging Face card metadata in Markdown front matter ([`HF_MODEL_KEYS`], [`HF_DATASET_KEYS`]).
//!
//! Other files are not AIMS documents and are skipped.

use std::fmt::{self, Write as _};
use std::sync::{Arc, LazyLock};

use globset::{GlobSet, GlobSetBuilder};

use crate::config::Settings;
use crate::controls::closest;
use crate::finding::{Finding, RuleInfo, Severity};
use crate::parse::yaml::NodeValue;
use crate::parse::{Document, Format};
use crate::source::Span;

/// The key that declares a document's kind.
pub const DECLARATION_KEY: &str = "aims-kind";

/// Built-in document kinds and what each holds.
pub const BUILTIN: [(&str, &str); 21] = [
    ("ai-policy", "the organisation's AI policy"),
    ("ai-system", "an AI system's inventory record"),
    (
        "concern-reporting-procedure",
        "how people raise concerns about AI systems",
    ),
    ("customer", "a customer's requirements and responsibilities"),
    (
        "data-management-procedure",
        "data management for AI development",
    ),
    (
        "dataset-sheet",
        "a dataset sheet or Hugging Face dataset card",
    ),
    (
        "development-procedure",
        "the process for responsible design and development",
    ),
    (
        "event-logging-spec",
        "what an AI system logs and for how long",
    ),
    ("impact-assessment", "an AI system impact assessment"),
    (
        "impact-assessment-procedure",
        "the AI system impact assessment process",
    ),
    ("incident-plan", "how AI incidents are communicated"),
    ("model-card", "a model card (Hugging Face style or other)"),
    (
        "monitoring-plan",
        "how an AI system is operated and monitored",
    ),
    (
        "objectives",
        "AI objectives for responsible development and use",
    ),
    (
        "reporting-obligations",
        "information owed to interested parties",
    ),
    (
        "responsible-use-procedure",
        "the process for responsible use of AI systems",
    ),
    ("risk-register", "the AI risk register and treatment plan"),
    ("roles", "AI roles, responsibilities and people"),
    (
        "statement-of-applicability",
        "the Statement of Applicability",
    ),
    ("supplier", "a supplier or third-party record"),
    ("user-information", "what users of an AI system are told"),
];

/// Built-in path conventions, relative to the repository root. Matching ignores case.
pub const CONVENTIONS: [(&str, &[&str]); 21] = [
    (
        "concern-reporting-procedure",
        &["**/concern-reporting.*", "**/concern_reporting.*"],
    ),
    (
        "impact-assessment-procedure",
        &[
            "**/impact-assessment-procedure.*",
            "**/impact_assessment_procedure.*",
        ],
    ),
    (
        "development-procedure",
        &["**/development-procedure.*", "**/development_procedure.*"],
    ),
    (
        "data-management-procedure",
        &[
            "**/data-management-procedure.*",
            "**/data_management_procedure.*",
        ],
    ),
    (
        "responsible-use-procedure",
        &[
            "**/responsible-use-procedure.*",
            "**/responsible_use_procedure.*",
        ],
    ),
    (
        "monitoring-plan",
        &["**/*monitoring-plan.*", "**/*monitoring_plan.*"],
    ),
    (
        "event-logging-spec",
        &["**/*event-logging.*", "**/*event_logging.*"],
    ),
    (
        "incident-plan",
        &["**/incident-plan.*", "**/incident_plan.*"],
    ),
    (
        "user-information",
        &["**/user-information/**", "**/user_information/**"],
    ),
    ("objectives", &["**/objectives.yaml", "**/objectives.yml"]),
    (
        "reporting-obligations",
        &["**/reporting-obligations.*", "**/reporting_obligations.*"],
    ),
    ("customer", &["**/customers/**"]),
    (
        "model-card",
        &[
            "**/model_card.md",
            "**/model-card.md",
            "**/modelcard.md",
            "**/*_model_card.md",
            "**/model-cards/**",
            "**/model_cards/**",
        ],
    ),
    (
        "dataset-sheet",
        &[
            "**/datasheet*.md",
            "**/data_card.md",
            "**/data-card.md",
            "**/dataset_card.md",
            "**/dataset-card.md",
            "**/dataset-cards/**",
            "**/dataset_cards/**",
            "**/datasheets/**",
        ],
    ),
    (
        "ai-policy",
        &["**/policies/**", "**/ai_policy.md", "**/ai-policy.*"],
    ),
    ("ai-system", &["**/ai-systems/**", "**/ai_systems/**"]),
    (
        "impact-assessment",
        &["**/impact-assessments/**", "**/impact_assessments/**"],
    ),
    (
        "risk-register",
        &["**/risk-register.*", "**/risk_register.*"],
    ),
    (
        "roles",
        &[
            "**/roles.yaml",
            "**/roles.yml",
            "**/raci.yaml",
            "**/raci.yml",
        ],
    ),
    (
        "statement-of-applicability",
        &[
            "**/statement-of-applicability.*",
            "**/soa.yaml",
            "**/soa.yml",
        ],
    ),
    ("supplier", &["**/suppliers/**"]),
];

/// Front-matter keys that only Hugging Face model cards use (`widget` configures the Hub's
/// inference widget).
pub const HF_MODEL_KEYS: [&str; 5] = [
    "library_name",
    "pipeline_tag",
    "base_model",
    "model-index",
    "widget",
];
/// Front-matter keys that only Hugging Face dataset cards use.
pub const HF_DATASET_KEYS: [&str; 9] = [
    "task_categories",
    "size_categories",
    "annotations_creators",
    "source_datasets",
    "dataset_info",
    "task_ids",
    "multilinguality",
    "language_creators",
    "configs",
];

static CONVENTION_SET: LazyLock<(GlobSet, Vec<(&'static str, &'static str)>)> =
    LazyLock::new(|| {
        let mut builder = GlobSetBuilder::new();
        let mut index = Vec::new();
        for (kind, globs) in CONVENTIONS {
            for glob in globs {
                debug_assert_eq!(*glob, glob.to_lowercase(), "conventions are lower case");
                builder.add(
                    globset::GlobBuilder::new(glob)
                        .literal_separator(true)
                        .build()
                        .expect("built-in globs compile"),
                );
                index.push((kind, *glob));
            }
        }
        (builder.build().expect("built-in globs compile"), index)
    });

/// Reported when `aims-kind` names no known kind.
pub static UNKNOWN_KIND: LazyLock<Arc<RuleInfo>> = LazyLock::new(|| {
    RuleInfo::builtin(
        "unknown-document-kind",
        Severity::Error,
        "`aims-kind` names no known document kind",
        "use a built-in kind (run `aims-lint files --kinds`) or add the kind to `[documents]` in aims-lint.toml",
    )
});

/// Why a file has its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `aims-kind` in the document.
    Declared(Span),
    /// A glob of `[documents]`.
    Config(String),
    /// A built-in path convention.
    Convention(&'static str),
    /// Hugging Face card metadata.
    HuggingFace(&'static str),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Declared(span) => write!(
                f,
                "declared by `{DECLARATION_KEY}` at line {}",
                span.start.line
            ),
            Reason::Config(glob) => write!(f, "matches `{glob}` in aims-lint.toml"),
            Reason::Convention(glob) => write!(f, "path convention `{glob}`"),
            Reason::HuggingFace(key) => write!(f, "Hugging Face front-matter key `{key}`"),
        }
    }
}

/// The outcome of classification.
#[derive(Debug)]
pub enum Classified {
    /// An AIMS document of this kind.
    Kind(String, Reason),
    /// `aims-kind` names an unknown kind: a finding, and no rules run.
    Unknown(Finding),
    /// Not an AIMS document.
    None,
}

/// The kind that paths alone give `rel` (config globs, then conventions).
#[must_use]
pub fn by_path(
    settings: &Settings,
    rel_to_base: Option<&str>,
    rel: &str,
) -> Option<(String, Reason)> {
    if let Some((kind, glob)) = rel_to_base.and_then(|r| settings.kind_by_config(r)) {
        return Some((kind.to_string(), Reason::Config(glob.to_string())));
    }
    let (set, index) = &*CONVENTION_SET;
    // Conventions are lower case and matched against the lower-cased path: case-sensitive
    // globs compile to literal and suffix matchers, case-insensitive ones to regexes (4 ms).
    set.matches(rel.to_lowercase()).first().map(|i| {
        let (kind, glob) = index[*i];
        (kind.to_string(), Reason::Convention(glob))
    })
}

/// Give `doc` its kind.
#[must_use]
pub fn classify(doc: &Document, settings: &Settings, rel_to_base: Option<&str>) -> Classified {
    let known = settings.kinds();
    if let Some(entry) = doc.root().and_then(|r| r.get(DECLARATION_KEY)) {
        let value_span = doc.source.first_line_of(entry.value.span);
        return match &entry.value.value {
            NodeValue::String(kind) if known.contains(kind) => {
                Classified::Kind(kind.clone(), Reason::Declared(entry.key_span))
            }
            other => {
                let shown = match other {
                    NodeValue::String(s) => s.clone(),
                    _ => entry.value.to_json().to_string(),
                };
                let near = closest(&shown, known.iter().map(String::as_str), 2);
                let mut detail = format!("`{shown}` is not a document kind");
                if !near.is_empty() {
                    let _ = write!(detail, "; did you mean `{}`?", near.join("` or `"));
                }
                Classified::Unknown(
                    Finding::new(&UNKNOWN_KIND, &doc.source, value_span)
                        .with_detail(detail)
                        .with_pointer(format!("/{DECLARATION_KEY}")),
                )
            }
        };
    }
    // The data did not parse, but its top-level keys still say what it is: keep it, so that
    // its syntax findings are reported rather than lost.
    let fallback = if doc.data.is_empty() {
        top_level_keys(doc)
    } else {
        Vec::new()
    };
    if let Some((line, value)) = fallback
        .iter()
        .find(|(_, k, _)| k == DECLARATION_KEY)
        .map(|(line, _, v)| (*line, v.clone()))
        && known.contains(&value)
    {
        return Classified::Kind(value, Reason::Declared(doc.source.line_span(line)));
    }
    if let Some((kind, reason)) = by_path(settings, rel_to_base, doc.source.name()) {
        return Classified::Kind(kind, reason);
    }
    if doc.format == Format::Markdown {
        let has = |key: &str| match doc.root() {
            Some(root) => root.get(key).is_some(),
            None => fallback.iter().any(|(_, k, _)| k == key),
        };
        if let Some(key) = HF_MODEL_KEYS.iter().find(|k| has(k)) {
            return Classified::Kind("model-card".to_string(), Reason::HuggingFace(key));
        }
        if let Some(key) = HF_DATASET_KEYS.iter().find(|k| has(k)) {
            return Classified::Kind("dataset-sheet".to_string(), Reason::HuggingFace(key));
        }
    }
    Classified::None
}

/// `(line, key, value)` of each `key: value` line at column 0 of the document's data (for
/// Markdown, of its front matter block, closed or not): what a reader sees at a glance, for
/// documents whose YAML does not parse.
fn top_level_keys(doc: &Document) -> Vec<(u32, String, String)> {
    let text = doc.source.text();
    let mut lines =
        (1..=doc.source.line_count() as u32).map(|n| (n, &text[doc.source.line_range(n)]));
    let mut region: Vec<(u32, &str)> = Vec::new();
    if doc.format == Format::Markdown {
        let mut lines = lines.skip_while(|(_, l)| l.trim().is_empty());
        if lines.next().is_none_or(|(_, l)| l.trim_end() != "---") {
            return Vec::new();
        }
        region.extend(lines.take_while(|(_, l)| l.trim_end() != "---"));
    } else {
        region.extend(&mut lines);
    }
    region
        .into_iter()
        .filter_map(|(n, l)| {
            let (key, rest) = l.split_once(':')?;
            let plain = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            let value = rest.split(" #").next()?.trim().trim_matches(['"', '\'']);
            plain.then(|| (n, key.to_string(), value.to_string()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;
    use crate::source::SourceFile;

    fn kind_of(name: &str, text: &str) -> Classified {
        let (doc, _) = parse(
            &SourceFile::new(name, text.to_string()),
            Format::from_path(name).unwrap(),
            crate::parse::yaml::Limits::default(),
        );
        classify(&doc, &Settings::defaults(".".into()), Some(name))
    }

    #[test]
    fn declaration_beats_path() {
        let c = kind_of("model-cards/a.yaml", "aims-kind: ai-policy\n");
        assert!(matches!(c, Classified::Kind(k, Reason::Declared(_)) if k == "ai-policy"));
    }

    #[test]
    fn conventions_ignore_case() {
        let c = kind_of("docs/MODEL_CARD.md", "# x\n");
        assert!(matches!(c, Classified::Kind(k, Reason::Convention(_)) if k == "model-card"));
        let c = kind_of("Policies/ai.yaml", "a: 1\n");
        assert!(matches!(c, Classified::Kind(k, _) if k == "ai-policy"));
    }

    #[test]
    fn hugging_face_metadata() {
        let c = kind_of(
            "README.md",
            "---\nlicense: mit\npipeline_tag: text-generation\n---\n",
        );
        assert!(
            matches!(c, Classified::Kind(k, Reason::HuggingFace("pipeline_tag")) if k == "model-card")
        );
        let c = kind_of("README.md", "---\ntask_categories: [qa]\n---\n");
        assert!(matches!(c, Classified::Kind(k, _) if k == "dataset-sheet"));
        assert!(matches!(
            kind_of("README.md", "---\nlicense: mit\n---\n"),
            Classified::None
        ));
    }

    #[test]
    fn unknown_kind_suggests() {
        let Classified::Unknown(f) = kind_of("x.yaml", "aims-kind: model-crad\n") else {
            panic!()
        };
        assert!(f.detail.unwrap().contains("`model-card`"));
        assert_eq!((f.span.start.line, f.span.start.column), (1, 12));
    }

    #[test]
    fn broken_yaml_keeps_its_declaration() {
        let c = kind_of("x.yaml", "aims-kind: ai-policy\nowner: [a\n");
        assert!(matches!(c, Classified::Kind(k, _) if k == "ai-policy"));
        let c = kind_of("README.md", "---\npipeline_tag: x\nlicense: [a\n---\n# x\n");
        assert!(matches!(c, Classified::Kind(k, _) if k == "model-card"));
        let c = kind_of("README.md", "---\ntask_categories:\n\t- x\n");
        assert!(matches!(c, Classified::Kind(k, _) if k == "dataset-sheet"));
        assert!(matches!(
            kind_of("README.md", "# pipeline_tag: x\n"),
            Classified::None
        ));
    }
}
