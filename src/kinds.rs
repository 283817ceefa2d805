//! Document kinds and how a file is given one.
//!
//! First match wins:
//! 1. a declaration in the document: the top-level key `aims-kind` (YAML, JSON, front matter);
//! 2. the globs of `[documents]` in `aims-lint.toml`;
//! 3. built-in path conventions ([`CONVENTIONS`]); a file under `policies/` is the AI policy
//!    only when its title or file name says so (a security policy or code of conduct is not);
//! 4. Hugging Face card metadata in Markdown front matter ([`HF_MODEL_KEYS`], [`HF_DATASET_KEYS`]);
//! 5. under a `models/` or `datasets/` folder, Markdown with card front matter (`license`,
//!    `tags`, …) or laid out as a card ([`MODEL_CARD_HEADINGS`], [`DATASET_SHEET_HEADINGS`]).
//!
//! Other files are not AIMS documents and are skipped, with the reason; one that looks like a
//! card gets a hint how to make it one.

use std::fmt::{self, Write as _};
use std::sync::{Arc, LazyLock};

use globset::{GlobSet, GlobSetBuilder};

use crate::config::Settings;
use crate::controls::closest;
use crate::finding::{Finding, RuleInfo};
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

/// Reported when `aims-kind` declares another kind than the path gives.
pub static KIND_CONTRADICTS_PATH: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("kind-contradicts-path"));

/// The built-in check for an unknown declared kind.
pub static UNKNOWN_KIND: LazyLock<Arc<RuleInfo>> =
    LazyLock::new(|| crate::rules::builtin_check("unknown-document-kind"));

/// Front-matter keys of any Hugging Face card, model or dataset.
pub const HF_CARD_KEYS: [&str; 8] = [
    "license",
    "tags",
    "datasets",
    "thumbnail",
    "language",
    "metrics",
    "pretty_name",
    "license_name",
];

/// Headings of model cards (the Hugging Face template, Model Cards for Model Reporting).
pub const MODEL_CARD_HEADINGS: [&str; 16] = [
    "Model Details",
    "Model Description",
    "Intended Use",
    "Uses",
    "Out-of-Scope Use",
    "Training Data",
    "Training Procedure",
    "Training Details",
    "Evaluation",
    "Evaluation Results",
    "Limitations",
    "Bias, Risks, and Limitations",
    "Ethical Considerations",
    "Model Card Contact",
    "How to Get Started with the Model",
    "Environmental Impact",
];

/// Headings of dataset sheets (Datasheets for Datasets, the Hugging Face dataset card).
pub const DATASET_SHEET_HEADINGS: [&str; 16] = [
    "Motivation",
    "Composition",
    "Collection Process",
    "Preprocessing/Cleaning/Labeling",
    "Distribution",
    "Maintenance",
    "Dataset Description",
    "Dataset Summary",
    "Dataset Structure",
    "Data Fields",
    "Data Splits",
    "Dataset Creation",
    "Source Data",
    "Annotations",
    "Personal and Sensitive Information",
    "Considerations for Using the Data",
];

/// How many of `names` the document's headings are (each counted once).
fn layout_score(doc: &Document, names: &[&str]) -> usize {
    names
        .iter()
        .filter(|n| {
            let wanted = crate::sections::normalize(n);
            doc.body
                .headings
                .iter()
                .any(|h| !h.is_label() && h.key == wanted)
        })
        .count()
}

/// The card kind a Markdown document's layout says it is: three or more of its headings are
/// a model card's, or a dataset sheet's.
fn layout_kind(doc: &Document) -> Option<(&'static str, usize)> {
    let model = layout_score(doc, &MODEL_CARD_HEADINGS);
    let dataset = layout_score(doc, &DATASET_SHEET_HEADINGS);
    match (model, dataset) {
        (m, d) if m >= 3 && m >= d => Some(("model-card", m)),
        (_, d) if d >= 3 => Some(("dataset-sheet", d)),
        _ => None,
    }
}

/// Whether the file name or the title says the document is an AI policy: `ai` and `polic…`
/// among the words (`AI_POLICY.md`, `# AI Usage Policy`, `title: AI governance policy`).
fn says_ai_policy(doc: &Document) -> bool {
    let says = |text: &str| {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let ai = words.contains(&"ai") || lower.contains("artificial intelligence");
        ai && words.iter().any(|w| w.starts_with("polic"))
    };
    let name = doc.source.name().rsplit('/').next().unwrap_or("");
    let title = doc
        .body
        .headings
        .iter()
        .find(|h| h.level == 1)
        .map(|h| h.text.clone())
        .or_else(|| {
            match doc
                .root()
                .and_then(|r| r.get("title"))
                .map(|e| &e.value.value)
            {
                Some(NodeValue::String(t)) => Some(t.clone()),
                _ => None,
            }
        });
    says(name) || title.is_some_and(|t| says(&t))
}

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
    /// A card by its folder and its front matter or headings.
    Folder(String),
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
            Reason::Folder(why) => f.write_str(why),
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
    /// Not an AIMS document, and why (with a hint when it looks like one).
    None(String),
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
    let mut skip = "not an AIMS document".to_string();
    if let Some((kind, reason)) = by_path(settings, rel_to_base, doc.source.name()) {
        // `policies/` holds more than the AI policy: a contributor or security policy is not
        // checked as the AI policy.
        let folder_only = matches!(reason, Reason::Convention("**/policies/**"));
        if !folder_only || says_ai_policy(doc) {
            return Classified::Kind(kind, reason);
        }
        skip = format!(
            "under `policies/`, but neither its title nor its file name says it is the AI policy (`{DECLARATION_KEY}: ai-policy` declares one)"
        );
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
        // Under `models/` or `datasets/`: card front matter, or a card's layout.
        let folders: Vec<String> = doc
            .source
            .name()
            .to_lowercase()
            .split('/')
            .rev()
            .skip(1)
            .map(str::to_string)
            .collect();
        let under = |names: &[&str]| {
            folders
                .iter()
                .find(|f| names.contains(&f.as_str()))
                .cloned()
        };
        let layout = layout_kind(doc);
        for (kind, names) in [
            ("model-card", &["models", "model"][..]),
            ("dataset-sheet", &["datasets", "dataset", "data"][..]),
        ] {
            let Some(folder) = under(names) else { continue };
            if let Some(key) = HF_CARD_KEYS.iter().find(|k| has(k)) {
                return Classified::Kind(
                    kind.to_string(),
                    Reason::Folder(format!(
                        "under `{folder}/`, with card front-matter key `{key}`"
                    )),
                );
            }
            if let Some((k, n)) = layout.filter(|(k, _)| *k == kind) {
                return Classified::Kind(
                    k.to_string(),
                    Reason::Folder(format!(
                        "under `{folder}/`, laid out as a {} ({n} of its headings)",
                        k.replace('-', " ")
                    )),
                );
            }
        }
        if let Some((kind, n)) = layout {
            skip = format!(
                "not an AIMS document by its path or metadata, though laid out as a {} ({n} of its headings): `{DECLARATION_KEY}: {kind}` in its front matter, or a glob under `[documents]`, makes it one",
                kind.replace('-', " ")
            );
        }
    }
    Classified::None(skip)
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
        let c = kind_of("Policies/AI-Policy.yaml", "a: 1\n");
        assert!(matches!(c, Classified::Kind(k, _) if k == "ai-policy"));
    }

    #[test]
    fn only_the_ai_policy_under_policies_is_the_ai_policy() {
        for (name, text) in [
            ("policies/AI_POLICY.md", "# Contributing with AI\n"),
            ("policies/usage.md", "# AI Usage Policy\n"),
            ("policies/governance.yaml", "title: AI governance policy\n"),
            ("policies/x.md", "# Artificial Intelligence Policy\n"),
        ] {
            assert!(
                matches!(kind_of(name, text), Classified::Kind(k, _) if k == "ai-policy"),
                "{name}"
            );
        }
        for (name, text) in [
            ("policies/SECURITY.md", "# Security Policy\n"),
            ("policies/contributing.md", "# Contribution policy\n"),
            (
                "policies/ai-transparency-standard.md",
                "# AI Transparency Standard\n",
            ),
        ] {
            let Classified::None(why) = kind_of(name, text) else {
                panic!("{name} was given a kind")
            };
            assert!(
                why.contains("neither its title nor its file name says it is the AI policy"),
                "{why}"
            );
        }
        // A declaration or a specific name needs no more.
        assert!(matches!(
            kind_of(
                "policies/SECURITY.md",
                "---\naims-kind: ai-policy\n---\n# Security\n"
            ),
            Classified::Kind(..)
        ));
        assert!(matches!(
            kind_of("governance/ai-policy.md", "# Rules\n"),
            Classified::Kind(..)
        ));
    }

    #[test]
    fn cards_in_model_and_dataset_folders_are_found_by_metadata_or_layout() {
        let c = kind_of(
            "models/router/README.md",
            "---\nlicense: mit\ntags: [x]\n---\n# Router\n",
        );
        assert!(matches!(c, Classified::Kind(k, Reason::Folder(_)) if k == "model-card"));
        let c = kind_of(
            "datasets/tickets/README.md",
            "---\nlicense: cc-by-4.0\n---\n# Tickets\n",
        );
        assert!(matches!(c, Classified::Kind(k, Reason::Folder(_)) if k == "dataset-sheet"));
        let layout = "# Tickets\n\n## Motivation\n\nx\n\n## Composition\n\nx\n\n## Collection Process\n\nx\n";
        let c = kind_of("data/tickets.md", layout);
        assert!(matches!(c, Classified::Kind(k, _) if k == "dataset-sheet"));
        // Elsewhere the layout is a hint, not a kind.
        let Classified::None(why) = kind_of("docs/tickets.md", layout) else {
            panic!("a document elsewhere was given a kind")
        };
        assert!(
            why.contains("laid out as a dataset sheet") && why.contains("aims-kind: dataset-sheet"),
            "{why}"
        );
        // A README with no card metadata or layout stays a README.
        assert!(matches!(
            kind_of("models/README.md", "# Our models\n"),
            Classified::None(_)
        ));
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
            Classified::None(_)
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
            Classified::None(_)
        ));
    }
}
