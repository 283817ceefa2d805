//! Rules as data: loading `rule.yaml` files, checking them against the rule meta-schema, and
//! compiling each rule's JSON Schema once for all worker threads.
//!
//! Built-in rules are compiled into the binary (see `build.rs`). Organisations add their own
//! with `[rules] paths` in aims-lint.toml: the same format, the same checks, and a broken rule
//! file is an error that names the file and points at the line.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use jsonschema::{Draft, Validator};
use miette::{Diagnostic, NamedSource, SourceSpan};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::Value;

use crate::check::locate_error;
use crate::config::Settings;
use crate::controls;
use crate::finding::{RuleInfo, Severity};
use crate::parse::yaml::{self, Node};
use crate::parse::{Format, Instance};
use crate::sections::Vocabulary;
use crate::source::{SourceFile, Span};

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The meta-schema every rule file must satisfy.
pub const META_SCHEMA: &str = include_str!("../rules/rule.schema.json");

static META: LazyLock<Validator> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(META_SCHEMA).expect("meta-schema is JSON");
    compile(&schema).expect("meta-schema compiles")
});

/// Help for a rule id that is not among `known`: the closest ids, or where to find them.
#[must_use]
pub fn suggest_rule<'a>(id: &str, known: impl Iterator<Item = &'a str>) -> String {
    let near = controls::closest(id, known, 3);
    if near.is_empty() {
        "run `aims-lint rules` to list the rules".to_string()
    } else {
        format!("did you mean {}?", near.join(", "))
    }
}

/// The metadata of a built-in check, read from its embedded `rules/<id>/rule.yaml`: the one
/// place its message, help and severity are written. The checks of aims-lint itself (syntax,
/// document kinds, suppressions, changes to the gate) report with it.
///
/// # Panics
/// If the binary has no valid rule file for `id`: a test loads every built-in check.
#[must_use]
pub fn builtin_check(id: &str) -> Arc<RuleInfo> {
    let path = format!("rules/{id}/rule.yaml");
    let text = BUILTIN_RULES.iter().find(|(p, _)| *p == path).map_or_else(
        || panic!("built-in check `{id}` has no {path}"),
        |(_, text)| *text,
    );
    let source = SourceFile::new(path.clone(), text.to_string());
    let file: RuleFile = parse_rule(&source)
        .ok()
        .and_then(|i| serde_json::from_value(i.node.to_json()).ok())
        .unwrap_or_else(|| panic!("{path} is a valid rule file"));
    Arc::new(RuleInfo {
        id: file.id,
        control: None,
        severity: file.severity,
        message: file.message,
        help: file.help,
        url: None,
    })
}

/// Compile a rule's schema the one way all schemas are compiled here.
pub fn compile(schema: &Value) -> Result<Validator, jsonschema::ValidationError<'static>> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(schema)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RuleFile {
    id: String,
    control: Option<String>,
    title: String,
    severity: Severity,
    #[serde(default)]
    applies_to: Vec<String>,
    message: String,
    help: String,
    docs: String,
    schema: Option<Value>,
    sections: Option<Vec<SectionSpec>>,
    or_sections: Option<Vec<SectionSpec>>,
    check: Option<Check>,
    reference: Option<Reference>,
}

/// A check written in Rust that a rule runs by name (`check:` in its rule file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The licence in the metadata agrees with what the document's licence section names.
    LicenseAgreesWithText,
    /// Across the repository: the values at `reference.at` name a document of
    /// `reference.to` (or a person of the roles file, or a file).
    Reference,
    /// The Statement of Applicability lists each Annex A control once, and gives evidence
    /// for each applicable one.
    StatementOfApplicabilityControls,
    /// A control the Statement of Applicability marks implemented has no error findings.
    ImplementedControlHasNoErrors,
    /// Some model card or AI system record cites the dataset sheet.
    DatasetSheetUsed,
    /// Some impact assessment covers the AI system.
    SystemHasImpactAssessment,
    /// From git history: the declared review date is within the review interval, not in the
    /// future, and not later than the commit that recorded it.
    ReviewWithinInterval,
    /// From git history: no substantive change after the commit that recorded the approval.
    UnchangedSinceApproval,
    /// From git history: the approver is not the author of the last substantive change.
    ApproverIsNotAuthor,
    /// From git history: the impact assessment changed after the AI system it covers.
    AssessmentNewerThanSystem,
    /// aims-lint itself, while reading a file: it is UTF-8, within the size limit, and its
    /// YAML, JSON or front matter parses.
    Syntax,
    /// aims-lint itself, while telling a document's kind: `aims-kind` names a kind, and the
    /// kind the path gives.
    DocumentKind,
    /// aims-lint itself: a control id a document names exists.
    ControlIds,
    /// aims-lint itself: no template placeholder where the document's own content belongs.
    TemplatePlaceholders,
    /// aims-lint itself: a top-level metadata key is not written inside another key.
    MetadataPlacement,
    /// aims-lint itself: suppression comments are well-formed, reasoned, current and used.
    Suppressions,
    /// aims-lint itself, with `--changed-since`: what the change does to the gate.
    GateChanges,
}

/// When a check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// On each document, in parallel.
    Document,
    /// Across the repository, after every document was read.
    Corpus,
    /// On the git history.
    History,
    /// Inside aims-lint's own reading, waiving and comparing: the rule file documents it, and
    /// its findings carry the rule file's message, help and severity.
    Builtin,
}

impl Check {
    /// The checks of aims-lint itself: each reports the findings of some built-in rules.
    pub const BUILTIN: [Check; 7] = [
        Self::Syntax,
        Self::DocumentKind,
        Self::ControlIds,
        Self::TemplatePlaceholders,
        Self::MetadataPlacement,
        Self::Suppressions,
        Self::GateChanges,
    ];

    /// The name a rule file gives it.
    #[must_use]
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// When the check runs.
    #[must_use]
    pub fn stage(self) -> Stage {
        match self {
            Self::LicenseAgreesWithText => Stage::Document,
            Self::Reference
            | Self::StatementOfApplicabilityControls
            | Self::ImplementedControlHasNoErrors
            | Self::DatasetSheetUsed
            | Self::SystemHasImpactAssessment => Stage::Corpus,
            Self::ReviewWithinInterval
            | Self::UnchangedSinceApproval
            | Self::ApproverIsNotAuthor
            | Self::AssessmentNewerThanSystem => Stage::History,
            Self::Syntax
            | Self::DocumentKind
            | Self::ControlIds
            | Self::TemplatePlaceholders
            | Self::MetadataPlacement
            | Self::Suppressions
            | Self::GateChanges => Stage::Builtin,
        }
    }

    /// Whether the check looks across the repository (the corpus stage runs it) rather than
    /// at one document.
    #[must_use]
    pub fn is_corpus(self) -> bool {
        self.stage() == Stage::Corpus
    }

    /// Whether the check reads the git history (the history stage runs it).
    #[must_use]
    pub fn is_history(self) -> bool {
        self.stage() == Stage::History
    }

    /// Whether aims-lint itself reports the check's findings (no control, every file).
    #[must_use]
    pub fn is_builtin(self) -> bool {
        self.stage() == Stage::Builtin
    }

    /// The findings a built-in check reports: the Rust code that reports them, tied to the
    /// rule files by id (a rule file of a built-in check must be one of these, and a test
    /// checks that each of these has one).
    #[must_use]
    pub fn reports(self) -> Vec<&'static Arc<RuleInfo>> {
        match self {
            Self::Syntax => crate::parse::syntax_rules().to_vec(),
            Self::DocumentKind => vec![
                &crate::kinds::UNKNOWN_KIND,
                &crate::kinds::KIND_CONTRADICTS_PATH,
            ],
            Self::ControlIds => vec![&crate::check::UNKNOWN_CONTROL],
            Self::TemplatePlaceholders => vec![&crate::check::TEMPLATE_PLACEHOLDER],
            Self::MetadataPlacement => vec![&crate::check::METADATA_KEY_MISPLACED],
            Self::Suppressions => crate::suppress::rules().to_vec(),
            Self::GateChanges => crate::changes::rules().to_vec(),
            _ => Vec::new(),
        }
    }
}

/// What a `check: reference` rule resolves (`reference:` in its rule file).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Reference {
    /// What the values must name: a document kind, `people` (a role or person of the roles
    /// file) or `file` (a file of the repository).
    pub to: String,
    /// JSON pointers to the values; `*` stands for every item of a list.
    pub at: Vec<String>,
    /// Only documents that have this key are checked (a card linked to an AI system is the
    /// organisation's own).
    #[serde(default)]
    pub only_if: Option<String>,
    /// The target must be about the same AI system as the referencing document.
    #[serde(default)]
    pub covers: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum SectionSpec {
    One(String),
    AnyOf(Vec<String>),
    Full(FullSection),
}

/// A section with more than names: see [`crate::sections::Vocabulary`].
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FullSection {
    names: Vec<String>,
    #[serde(default)]
    opening: bool,
    #[serde(default)]
    cues: Vec<String>,
    #[serde(default)]
    results: bool,
    field: Option<String>,
}

impl From<SectionSpec> for Vocabulary {
    fn from(spec: SectionSpec) -> Self {
        match spec {
            SectionSpec::One(name) => Vocabulary::new(vec![name]),
            SectionSpec::AnyOf(names) => Vocabulary::new(names),
            SectionSpec::Full(full) => {
                let mut v = Vocabulary::new(full.names);
                v.opening = full.opening;
                v.cues = full.cues.iter().map(|c| c.to_lowercase()).collect();
                v.results = full.results;
                v.field = full.field;
                v
            }
        }
    }
}

/// A loaded rule.
pub struct Rule {
    /// Metadata shared with its findings.
    pub info: Arc<RuleInfo>,
    /// Short title.
    pub title: String,
    /// Markdown documentation.
    pub docs: String,
    /// Document kinds it checks.
    pub applies_to: Vec<String>,
    /// The compiled schema, if it has one.
    pub schema: Option<Validator>,
    /// The schema as written (thresholds substituted).
    pub schema_json: Option<Value>,
    /// Required sections, each with the names that count for it.
    pub sections: Vec<Vocabulary>,
    /// Sections that, all present and filled in a Markdown document, stand in for the schema:
    /// prose in a Hugging Face card is evidence too.
    pub or_sections: Vec<Vocabulary>,
    /// A check written in Rust, if the rule names one.
    pub check: Option<Check>,
    /// What a `check: reference` rule resolves.
    pub reference: Option<Reference>,
    /// Where it was loaded from.
    pub origin: String,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule")
            .field("id", &self.info.id)
            .finish_non_exhaustive()
    }
}

/// A rule file that cannot be used.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("invalid rule file {path}")]
#[diagnostic(code(aims_lint::rule))]
pub struct RuleLoadError {
    path: String,
    #[source_code]
    src: NamedSource<String>,
    #[label("{label}")]
    span: SourceSpan,
    label: String,
    #[help]
    help: Option<String>,
}

impl RuleLoadError {
    fn new(source: &SourceFile, span: Span, label: String, help: Option<String>) -> Self {
        Self {
            path: source.name().to_string(),
            src: NamedSource::new(source.name(), source.text().to_string()),
            span: span.to_source_span(),
            label,
            help,
        }
    }

    /// What is wrong, without the source snippet.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }
}

/// All rules of a run, sorted by id.
#[derive(Debug, Default)]
pub struct Registry {
    rules: Vec<Rule>,
}

impl Registry {
    /// The built-in rules and those of `settings.rule_paths`.
    pub fn load(settings: &Settings) -> Result<Self, Box<RuleLoadError>> {
        // Parsing, checking and compiling every rule is most of a one-file run's start-up:
        // spread it over the cores.
        let mut rules = BUILTIN_RULES
            .par_iter()
            .map(|(path, text)| load_rule(path, text, settings))
            .collect::<Result<Vec<_>, _>>()?;
        for dir in &settings.rule_paths {
            let files = rule_files(dir).map_err(|(path, why)| {
                let source = SourceFile::new(path.display().to_string(), String::new());
                let at = Span::point(source.pos_at_byte(0));
                RuleLoadError::new(&source, at, why.clone(), Some(format!("this entry {why}")))
            })?;
            for path in files {
                let text = read_bounded(&path).map_err(|e| {
                    let source = SourceFile::new(path.display().to_string(), String::new());
                    let at = Span::point(source.pos_at_byte(0));
                    RuleLoadError::new(
                        &source,
                        at,
                        format!("cannot read: {e}"),
                        Some(format!("cannot read this rule file: {e}")),
                    )
                })?;
                rules.push(load_rule(&path.display().to_string(), &text, settings)?);
            }
        }
        // A custom rule may not take the id of a built-in check: its findings would carry the
        // built-in's id (a `config-changed` relabelled in SARIF). One that names a check of
        // aims-lint itself under another id is refused by `load_rule`.
        let builtin: Vec<&str> = rules[..BUILTIN_RULES.len()]
            .iter()
            .filter(|r| r.check.is_some_and(Check::is_builtin))
            .map(|r| r.info.id.as_str())
            .collect();
        if let Some(r) = rules[BUILTIN_RULES.len()..]
            .iter()
            .find(|r| builtin.contains(&r.info.id.as_str()))
        {
            let text = read_bounded(Path::new(&r.origin)).unwrap_or_default();
            let source = SourceFile::new(r.origin.clone(), text);
            return Err(Box::new(RuleLoadError::new(
                &source,
                Span::point(source.pos_at_byte(0)),
                format!("rule id `{}` is the id of a built-in check", r.info.id),
                Some("rename the rule: `aims-lint rules` lists the ids that are taken".to_string()),
            )));
        }
        rules.sort_by(|a, b| a.info.id.cmp(&b.info.id));
        if let Some(w) = rules.windows(2).find(|w| w[0].info.id == w[1].info.id) {
            let text = read_bounded(Path::new(&w[1].origin)).unwrap_or_default();
            let source = SourceFile::new(w[1].origin.clone(), text);
            return Err(Box::new(RuleLoadError::new(
                &source,
                Span::point(source.pos_at_byte(0)),
                format!(
                    "rule id `{}` is already used by {}",
                    w[1].info.id, w[0].origin
                ),
                Some("rule ids are unique: rename one of the rules".to_string()),
            )));
        }
        Ok(Self { rules })
    }

    /// Every rule, sorted by id.
    #[must_use]
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether a rule has the id `id`.
    #[must_use]
    pub fn knows(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.info.id == id)
    }

    /// The rule with the id `id`.
    #[must_use]
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.info.id == id)
    }

    /// The rules that gather evidence for control `id`.
    pub fn for_control<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules
            .iter()
            .filter(move |r| r.info.control.as_deref() == Some(id))
    }

    /// The rules that check documents of `kind`.
    pub fn for_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Rule> + 'a {
        self.rules
            .iter()
            .filter(move |r| r.applies_to.iter().any(|k| k == kind))
    }
}

/// Rule files in `dir`: each `<sub>/rule.yaml`, and each `*.yaml`/`*.yml` directly in it.
/// The rule files of a rule folder: `<id>/rule.yaml` and `<id>.yaml`, regular files only.
/// An entry that is a symbolic link (or anything but a file or folder) is an error: a rule
/// is read from the repository, never through a link out of it.
fn rule_files(dir: &Path) -> Result<Vec<std::path::PathBuf>, (std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let entries = std::fs::read_dir(dir).map_err(|e| (dir.to_path_buf(), e.to_string()))?;
    let not_regular = |p: &Path| {
        (
            p.to_path_buf(),
            "is not a regular file or folder (a symbolic link, a device): rules are read only from regular files in the repository".to_string(),
        )
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let yaml = Format::from_path(&path.to_string_lossy()) == Some(Format::Yaml);
        if meta.is_dir() {
            let rule = path.join("rule.yaml");
            match std::fs::symlink_metadata(&rule) {
                Ok(m) if m.is_file() => out.push(rule),
                Ok(_) => return Err(not_regular(&rule)),
                Err(_) => {}
            }
        } else if meta.is_file() {
            if yaml {
                out.push(path);
            }
        } else if yaml || meta.file_type().is_symlink() {
            return Err(not_regular(&path));
        }
    }
    out.sort();
    Ok(out)
}

/// The largest rule file read, in bytes.
const MAX_RULE_FILE: u64 = 1 << 20;

/// Read a rule file: a regular file (not through a link) of at most [`MAX_RULE_FILE`] bytes.
fn read_bounded(path: &Path) -> Result<String, String> {
    crate::source::read_regular(path, MAX_RULE_FILE)
}

/// Load one rule file (`path` is what errors name).
pub fn load_rule(path: &str, text: &str, settings: &Settings) -> Result<Rule, Box<RuleLoadError>> {
    let kinds = settings.kinds();
    let source = SourceFile::new(path, text.to_string());
    let instance = parse_rule(&source)?;
    let mut file = validate_shape(&source, &instance)?;
    let span_of = |ptr: &str| {
        instance
            .node
            .lookup(ptr)
            .map_or(instance.root_anchor, |l| source.first_line_of(l.node.span))
    };
    let err = |ptr: &str, label: String, help: Option<String>| {
        Box::new(RuleLoadError::new(&source, span_of(ptr), label, help))
    };
    validate_references(path, &file, kinds, err)?;
    // Start-up loads every built-in rule: only schemas that name a threshold are walked.
    if let Some(schema) = file.schema.as_mut().filter(|_| text.contains("$threshold")) {
        substitute_thresholds(schema, &settings.thresholds, "/schema")
            .map_err(|(ptr, label)| err(&ptr, label, Some(crate::config::thresholds_help())))?;
    }
    let schema = match &file.schema {
        None => None,
        Some(s) => Some(compile(s).map_err(|e| {
            err(
                &format!("/schema{}", e.instance_path().as_str()),
                format!("the schema does not compile: {e}"),
                None,
            )
        })?),
    };
    let flatten = |specs: Option<Vec<SectionSpec>>| -> Vec<Vocabulary> {
        specs
            .unwrap_or_default()
            .into_iter()
            .map(Vocabulary::from)
            .collect()
    };
    let sections = flatten(file.sections);
    let or_sections = flatten(file.or_sections);
    // A built-in check's findings are made by the Rust code that reports them, with the
    // metadata it read from this same file: the rule shares it.
    let builtin = file.check.filter(|c| c.is_builtin()).and_then(|c| {
        c.reports()
            .into_iter()
            .find(|r| r.id == file.id)
            .map(Arc::clone)
    });
    if let Some(check) = file.check.filter(|c| c.is_builtin() && builtin.is_none()) {
        let ids: Vec<String> = check
            .reports()
            .iter()
            .map(|r| format!("`{}`", r.id))
            .collect();
        return Err(err(
            "/check",
            format!(
                "`check: {}` reports {}, not `{}`",
                check.name(),
                ids.join(", "),
                file.id
            ),
            Some("the checks of aims-lint itself report only their built-in rules; a custom rule checks with `schema`, `sections` or a check across documents".to_string()),
        ));
    }
    Ok(Rule {
        info: builtin.unwrap_or_else(|| {
            Arc::new(RuleInfo {
                id: file.id,
                control: file.control,
                severity: file.severity,
                message: file.message,
                help: file.help,
                url: None,
            })
        }),
        title: file.title,
        docs: file.docs,
        applies_to: file.applies_to,
        schema,
        schema_json: file.schema,
        sections,
        or_sections,
        check: file.check,
        reference: file.reference,
        origin: path.to_string(),
    })
}

/// Replace each `{"$threshold": "<name>"}` in a rule's schema with the threshold's value, so
/// that rules can leave numbers such as the longest review interval to the configuration.
fn substitute_thresholds(
    value: &mut Value,
    thresholds: &std::collections::BTreeMap<String, u64>,
    ptr: &str,
) -> Result<(), (String, String)> {
    match value {
        Value::Object(map) => {
            if let Some(name) = map.get("$threshold") {
                let found = name
                    .as_str()
                    .filter(|_| map.len() == 1)
                    .and_then(|n| thresholds.get(n));
                *value = match found {
                    Some(n) => Value::from(*n),
                    None => return Err((ptr.to_string(), format!("{name} is not a threshold"))),
                };
                return Ok(());
            }
            for (k, v) in map.iter_mut() {
                let key = crate::parse::yaml::escape_token(k);
                substitute_thresholds(v, thresholds, &format!("{ptr}/{key}"))?;
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter_mut().enumerate() {
                substitute_thresholds(v, thresholds, &format!("{ptr}/{i}"))?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The rule file's YAML, as one document without duplicate keys.
fn parse_rule(source: &SourceFile) -> Result<Instance, Box<RuleLoadError>> {
    let err = |span, label| Box::new(RuleLoadError::new(source, span, label, None));
    let parsed = yaml::parse(source, source.text(), 1, yaml::Limits::default())
        .map_err(|e| err(Span::point(e.pos), e.message))?;
    if let Some(issue) = parsed.issues.first() {
        return Err(err(issue.span, issue.message.clone()));
    }
    let Some(node) = parsed.docs.into_iter().next() else {
        return Err(err(
            Span::point(source.pos_at_byte(0)),
            "empty rule file".into(),
        ));
    };
    Ok(Instance {
        root_anchor: source.first_line_of(node.span),
        root_note: None,
        node,
    })
}

/// Check the rule against the meta-schema, reporting the first error in the file.
fn validate_shape(
    source: &SourceFile,
    instance: &Instance,
) -> Result<RuleFile, Box<RuleLoadError>> {
    let data = instance.node.to_json();
    let mut errors: Vec<_> = META
        .iter_errors(&data)
        .flat_map(|e| locate_error(instance, source, &e))
        .collect();
    errors.sort_by_key(|l| l.span);
    if let Some(first) = errors.into_iter().next() {
        return Err(Box::new(RuleLoadError::new(
            source,
            first.span,
            first.detail,
            Some("rule files follow rules/rule.schema.json; see docs/rules.md".to_string()),
        )));
    }
    serde_json::from_value(data).map_err(|e| {
        Box::new(RuleLoadError::new(
            source,
            instance.root_anchor,
            e.to_string(),
            None,
        ))
    })
}

/// What the meta-schema cannot check: the id matches the file's place, the control exists,
/// the document kinds are known.
fn validate_references(
    path: &str,
    file: &RuleFile,
    kinds: &[String],
    err: impl Fn(&str, String, Option<String>) -> Box<RuleLoadError>,
) -> Result<(), Box<RuleLoadError>> {
    let expected_id = Path::new(path)
        .file_name()
        .filter(|n| *n != "rule.yaml")
        .and_then(|n| Path::new(n).file_stem())
        .or_else(|| Path::new(path).parent().and_then(Path::file_name))
        .map(|n| n.to_string_lossy().to_string());
    if let Some(expected) = expected_id
        && expected != file.id
    {
        return Err(err(
            "/id",
            format!("the id is `{}` but the rule lives in `{expected}`", file.id),
            Some("name the rule's directory (or file) after its id".to_string()),
        ));
    }
    if let Some(control) = file.control.as_deref()
        && controls::title(control).is_none()
    {
        return Err(err("/control", controls::explain_unknown(control), None));
    }
    for (i, kind) in file.applies_to.iter().enumerate() {
        if !kinds.contains(kind) {
            let near = controls::closest(kind, kinds.iter().map(String::as_str), 2);
            return Err(err(
                &format!("/applies-to/{i}"),
                format!("`{kind}` is not a document kind"),
                Some(if near.is_empty() {
                    format!("document kinds are {}", kinds.join(", "))
                } else {
                    format!("did you mean `{}`?", near.join("` or `"))
                }),
            ));
        }
    }
    match (&file.check, &file.reference) {
        (Some(Check::Reference), None) => {
            return Err(err(
                "/check",
                "`check: reference` needs a `reference:` block".to_string(),
                Some("add `reference: {to: KIND, at: [/pointer]}`".to_string()),
            ));
        }
        (Some(Check::Reference), Some(r))
            if r.to != "people" && r.to != "file" && !kinds.contains(&r.to) =>
        {
            return Err(err(
                "/reference/to",
                format!("`{}` is not a document kind, `people` or `file`", r.to),
                None,
            ));
        }
        (Some(Check::Reference), Some(_)) => {}
        (_, Some(_)) => {
            return Err(err(
                "/reference",
                "`reference:` is read only by `check: reference`".to_string(),
                None,
            ));
        }
        _ => {}
    }
    Ok(())
}

/// Root of a rule's data, for tests and tools that read rule files.
#[must_use]
pub fn node_of(rule_text: &str) -> Option<Node> {
    let source = SourceFile::new("rule.yaml", rule_text.to_string());
    yaml::parse(&source, rule_text, 1, yaml::Limits::default())
        .ok()?
        .docs
        .into_iter()
        .next()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds() -> Settings {
        Settings::defaults(".".into())
    }

    const GOOD: &str = "id: x-missing-owner\ncontrol: A.3.2\ntitle: T\nseverity: error\napplies-to: [ai-policy]\nmessage: no owner\nhelp: add `owner`\ndocs: d\nschema: {required: [owner]}\n";

    #[test]
    fn a_good_rule_loads() {
        let r = load_rule("rules/x-missing-owner/rule.yaml", GOOD, &kinds()).unwrap();
        assert_eq!(r.info.control.as_deref(), Some("A.3.2"));
    }

    #[test]
    fn errors_point_at_the_line() {
        let bad = GOOD.replace("A.3.2", "A.3.4");
        let e = load_rule("x-missing-owner.yaml", &bad, &kinds()).unwrap_err();
        assert!(e.label.contains("A.3.2"), "{}", e.label);
        assert_eq!(e.span.offset(), GOOD.find("A.3.2").unwrap());

        let bad = GOOD.replace("severity: error", "severity: fatal");
        let e = load_rule("x-missing-owner.yaml", &bad, &kinds()).unwrap_err();
        assert_eq!(e.span.offset(), GOOD.find("error").unwrap());

        let bad = GOOD.replace("ai-policy", "ai-polcy");
        let e = load_rule("x-missing-owner.yaml", &bad, &kinds()).unwrap_err();
        assert!(e.help.unwrap().contains("ai-policy"));

        let bad = GOOD.replace("message: no owner", "message: No owner.");
        assert!(load_rule("x-missing-owner.yaml", &bad, &kinds()).is_err());

        let e = load_rule("other.yaml", GOOD, &kinds()).unwrap_err();
        assert!(e.label.contains("lives in `other`"), "{}", e.label);

        let bad = GOOD.replace("{required: [owner]}", "{type: 12}");
        let e = load_rule("x-missing-owner.yaml", &bad, &kinds()).unwrap_err();
        assert!(e.label.contains("does not compile"), "{}", e.label);
    }

    #[test]
    fn or_sections_need_a_schema() {
        let with = format!("{GOOD}or-sections: [Owner]\n");
        let r = load_rule("x-missing-owner.yaml", &with, &kinds()).unwrap();
        assert_eq!(
            r.or_sections,
            vec![Vocabulary::new(vec!["Owner".to_string()])]
        );
        let without = with.replace("schema: {required: [owner]}\n", "sections: [Owner]\n");
        assert!(load_rule("x-missing-owner.yaml", &without, &kinds()).is_err());
    }
}
