//! `aims-lint.toml`: document globs, rule directories, rule selection and severities, per-path
//! overrides, and limits.
//!
//! The file is found by walking up from the first path checked, stopping at the repository
//! root, or given with `--config`. Unknown keys and bad values are errors that point at the
//! line in the file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use crate::finding::Severity;
use crate::kinds;
use crate::parse::yaml::Limits;
use crate::selection::{Override, Selection, Selector};

/// The name of the configuration file.
pub const FILE_NAME: &str = "aims-lint.toml";

/// Numbers that rules leave to the organisation (`{"$threshold": "<name>"}` in a rule's schema):
/// name, default, meaning. The defaults are ours, not the standard's.
pub const THRESHOLDS: &[(&str, u64, &str)] = &[
    (
        "max-review-interval-months",
        12,
        "longest planned interval between reviews of the AI policy, in months (A.2.4)",
    ),
    (
        "min-log-retention-days",
        1,
        "shortest retention of event logs, in days (A.6.2.8); the EU AI Act asks at least six months (183 days) for high-risk systems",
    ),
];

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    #[serde(default)]
    documents: BTreeMap<Spanned<String>, Vec<Spanned<String>>>,
    #[serde(default)]
    rules: RulesTable,
    #[serde(default)]
    limits: LimitsTable,
    #[serde(default)]
    overrides: Vec<OverrideTable>,
    #[serde(default)]
    suppressions: SuppressionsTable,
    #[serde(default)]
    thresholds: BTreeMap<Spanned<String>, Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct SuppressionsTable {
    inline: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct OverrideTable {
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Severity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RulesTable {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Severity>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(clippy::struct_field_names, reason = "the names are the TOML keys")]
struct LimitsTable {
    max_file_size: Option<Spanned<u64>>,
    max_depth: Option<Spanned<u64>>,
    max_alias_nodes: Option<Spanned<u64>>,
}

/// The largest value each limit may be set to: past these a hostile file could exhaust the
/// stack or the memory of the machine that gates the merge.
pub const LIMIT_CEILINGS: [(&str, u64); 3] = [
    ("max-file-size", 64 << 20),
    ("max-depth", 128),
    ("max-alias-nodes", 1_000_000),
];

/// An error in the configuration file, with the place it is at.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
#[diagnostic(code(aims_lint::config))]
pub struct ConfigError {
    message: String,
    #[source_code]
    src: Option<NamedSource<String>>,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
}

impl ConfigError {
    fn at(
        path: &Path,
        text: &str,
        span: std::ops::Range<usize>,
        message: String,
        help: Option<String>,
    ) -> Box<Self> {
        Box::new(Self {
            message: format!("invalid configuration in {}", path.display()),
            src: Some(NamedSource::new(
                path.display().to_string(),
                text.to_string(),
            )),
            span: Some(span.into()),
            label: message,
            help,
        })
    }

    /// An error with no position (the file cannot be read).
    #[must_use]
    pub fn plain(message: String) -> Box<Self> {
        Box::new(Self {
            message,
            src: None,
            span: None,
            label: String::new(),
            help: None,
        })
    }
}

/// Rule ids named by selectors of the file, with their spans.
type RuleIdSpans = Vec<(String, std::ops::Range<usize>)>;

/// Resolved settings for a run.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The configuration file, if one was found.
    pub file: Option<PathBuf>,
    /// Directory that document globs are relative to (the config file's, else the root).
    pub base: PathBuf,
    /// Globs per document kind, from `[documents]`, in kind order.
    pub documents: Vec<(String, Vec<String>, GlobSet)>,
    /// Every document kind: the built-in ones, then those `[documents]` adds. Computed once:
    /// classification consults it for every file.
    kinds: Vec<String>,
    /// Extra rule directories.
    pub rule_paths: Vec<PathBuf>,
    /// Files larger than this are not parsed.
    pub max_file_size: u64,
    /// Parser limits.
    pub limits: Limits,
    /// Which rules report, and how severely.
    pub selection: Selection,
    /// Whether inline suppression comments may waive findings (`[suppressions] inline`).
    pub inline_suppressions: bool,
    /// The date the run judges by, `YYYY-MM-DD`: today in UTC unless `--now` says otherwise.
    pub today: String,
    /// Every threshold of [`THRESHOLDS`], with the value the file gives or the default.
    pub thresholds: BTreeMap<String, u64>,
    /// With `--changed-since`: the repository's object hash, so that each document's blob id is
    /// computed from the bytes the per-file stage reads (the gate then reads no document a
    /// second time to tell whether it changed). `None` otherwise.
    pub blob_ids: Option<gix::hash::Kind>,
    /// With `check --cache`: the file that keeps what the corpus stage needs of each document,
    /// for the next run to reuse (see `run::cache`). `None` otherwise.
    pub cache: Option<PathBuf>,
    /// Whether findings keep their document's text once the stages that read it are done. Their
    /// text is most of what a large run holds when many documents have findings (the whole
    /// repository, on first adoption): `check` turns it off, and its human report reads each
    /// file again to show its lines. `true` unless the command sets it.
    pub findings_keep_text: bool,
    /// The file's text and the spans of the rule ids its selectors name, to check them once the
    /// rules are loaded.
    rule_ids: Option<(String, RuleIdSpans)>,
}

impl Settings {
    /// What of these settings decides what the corpus keeps of a document (its kind, the folder
    /// of aims-lint.toml it is under, what is read of it): a cached entry made under other
    /// settings is not reused.
    #[must_use]
    pub fn corpus_key(&self) -> String {
        let documents: Vec<(&str, &[String])> = self
            .documents
            .iter()
            .map(|(kind, globs, _)| (kind.as_str(), globs.as_slice()))
            .collect();
        format!(
            "{:?}",
            (
                &self.base,
                documents,
                &self.kinds,
                self.max_file_size,
                self.limits
            )
        )
    }

    /// These settings for a copy of the repository at `to` (a commit's tree written out): the
    /// folder documents are relative to moves with it. Paths may be relative to the working
    /// directory (`--config team/aims-lint.toml`); a folder outside the repository becomes `to`.
    #[must_use]
    pub fn moved(&self, from: &std::path::Path, to: &std::path::Path) -> Self {
        let mut moved = self.clone();
        // The cache is of the work tree's files, not of a commit's copy.
        moved.cache = None;
        moved.base = crate::discover::absolute(&self.base)
            .strip_prefix(crate::discover::absolute(from))
            .map_or_else(|_| to.to_path_buf(), |rel| to.join(rel));
        moved
    }

    /// Defaults, with no configuration file.
    #[must_use]
    pub fn defaults(base: PathBuf) -> Self {
        Self {
            file: None,
            base,
            documents: Vec::new(),
            kinds: kinds::BUILTIN
                .iter()
                .map(|(k, _)| (*k).to_string())
                .collect(),
            rule_paths: Vec::new(),
            max_file_size: 1024 * 1024,
            limits: Limits::default(),
            selection: Selection::default(),
            inline_suppressions: true,
            today: crate::suppress::today(),
            thresholds: THRESHOLDS
                .iter()
                .map(|(name, default, _)| ((*name).to_string(), *default))
                .collect(),
            blob_ids: None,
            cache: None,
            findings_keep_text: true,
            rule_ids: None,
        }
    }

    /// Check that the rule ids the configuration names exist, now that the rules are loaded.
    ///
    /// # Errors
    /// An unknown rule id, pointing at it in the file, with the closest ids.
    pub fn check_rule_ids(&self, known: &[&str]) -> Result<(), Box<ConfigError>> {
        let (Some(path), Some((text, ids))) = (&self.file, &self.rule_ids) else {
            return Ok(());
        };
        for (id, span) in ids {
            if !known.contains(&id.as_str()) {
                return Err(ConfigError::at(
                    path,
                    text,
                    span.clone(),
                    format!("no rule has the id `{id}`"),
                    Some(crate::rules::suggest_rule(id, known.iter().copied())),
                ));
            }
        }
        Ok(())
    }

    /// Every document kind: the built-in ones and those `[documents]` adds.
    #[must_use]
    pub fn kinds(&self) -> &[String] {
        &self.kinds
    }

    /// The kind `[documents]` gives `rel` (a path relative to [`Settings::base`]).
    #[must_use]
    pub fn kind_by_config(&self, rel: &str) -> Option<(&str, &str)> {
        for (kind, globs, set) in &self.documents {
            if let Some(i) = set.matches(rel).first() {
                return Some((kind, &globs[*i]));
            }
        }
        None
    }
}

/// Find `aims-lint.toml` in `start` or its parents, not above `stop`.
#[must_use]
pub fn find(start: &Path, stop: &Path) -> Option<PathBuf> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        // Whatever is there (a link to /dev/null, a folder) is the configuration, and an error
        // if it is not a regular file: never a silent fall back to the defaults.
        if std::fs::symlink_metadata(&candidate).is_ok() {
            return Some(candidate);
        }
        if d == stop {
            break;
        }
        dir = d.parent();
    }
    None
}

/// The largest configuration file read, in bytes.
const MAX_CONFIG_FILE: u64 = 1 << 20;

/// The text of the configuration: a regular file (not a link, a device or a folder) of at most
/// [`MAX_CONFIG_FILE`] bytes.
fn read_config(path: &Path) -> Result<String, Box<ConfigError>> {
    crate::source::read_regular(path, MAX_CONFIG_FILE)
        .map_err(|why| ConfigError::plain(format!("cannot read {}: {why}", path.display())))
}

/// Read and check the configuration at `path`.
pub fn load(path: &Path) -> Result<Settings, Box<ConfigError>> {
    let text = read_config(path)?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        ConfigError::at(
            path,
            &text,
            span,
            e.message().to_string(),
            Some("the tables are `[documents]`, `[rules]` (`paths`, `select`, `ignore`, `severity`), `[[overrides]]` (`paths`, `ignore`, `severity`), `[suppressions]` (`inline`), `[thresholds]` and `[limits]` (`max-file-size`, `max-depth`, `max-alias-nodes`); see docs/reference.md".to_string()),
        )
    })?;
    let base = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let mut settings = Settings::defaults(base.clone());
    settings.file = Some(path.to_path_buf());

    for (kind, globs) in file.documents {
        let name = kind.get_ref();
        if !is_kebab(name) {
            return Err(ConfigError::at(
                path,
                &text,
                kind.span(),
                format!("`{name}` is not a kebab-case document kind"),
                Some(format!(
                    "built-in kinds are {}",
                    kinds::BUILTIN.map(|(k, _)| k).join(", ")
                )),
            ));
        }
        let mut builder = GlobSetBuilder::new();
        let mut texts = Vec::new();
        for glob in &globs {
            let g = glob.get_ref();
            if g.starts_with('/') || g.split('/').any(|part| part == "..") {
                return Err(ConfigError::at(
                    path,
                    &text,
                    glob.span(),
                    format!(
                        "`{g}` can never match: globs are relative to the repository root, without `..` and without a leading `/`"
                    ),
                    Some(
                        "write the path from the repository root, e.g. `governance/cards/*.md`"
                            .to_string(),
                    ),
                ));
            }
            builder.add(compile_glob(g).map_err(|e| {
                ConfigError::at(path, &text, glob.span(), e.kind().to_string(), None)
            })?);
            texts.push(glob.get_ref().clone());
        }
        let set = builder
            .build()
            .map_err(|e| ConfigError::at(path, &text, kind.span(), e.to_string(), None))?;
        if !settings.kinds.contains(name) {
            settings.kinds.push(name.clone());
        }
        settings.documents.push((name.clone(), texts, set));
    }
    let real_base = base.canonicalize().unwrap_or_else(|_| base.clone());
    for p in &file.rules.paths {
        let rel = Path::new(p.get_ref());
        let escapes = rel.is_absolute()
            || rel
                .components()
                .any(|c| matches!(c, std::path::Component::ParentDir));
        let dir = base.join(rel);
        let outside = dir
            .canonicalize()
            .is_ok_and(|real| !real.starts_with(&real_base));
        if escapes || outside {
            return Err(ConfigError::at(
                path,
                &text,
                p.span(),
                format!("`{}` is outside the repository", p.get_ref()),
                Some("rule paths are folders inside the folder of aims-lint.toml, without `..` and not through a symbolic link out of it".to_string()),
            ));
        }
        if !std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
            return Err(ConfigError::at(
                path,
                &text,
                p.span(),
                format!("`{}` is not a directory", p.get_ref()),
                Some("rule paths are relative to the directory of aims-lint.toml".to_string()),
            ));
        }
        settings.rule_paths.push(dir);
    }
    let (selection, ids) = load_selection(path, &text, &file.rules, file.overrides)?;
    settings.selection = selection;
    settings.rule_ids = Some((text.clone(), ids));
    load_thresholds(path, &text, &file.thresholds, &mut settings.thresholds)?;
    if let Some(allow) = file.suppressions.inline {
        settings.inline_suppressions = allow;
    }
    let limits = [
        (LIMIT_CEILINGS[0], file.limits.max_file_size),
        (LIMIT_CEILINGS[1], file.limits.max_depth),
        (LIMIT_CEILINGS[2], file.limits.max_alias_nodes),
    ];
    let mut values = [None; 3];
    for (i, ((name, ceiling), value)) in limits.into_iter().enumerate() {
        let Some(value) = value else { continue };
        let n = *value.get_ref();
        if n == 0 || n > ceiling {
            return Err(ConfigError::at(
                path,
                &text,
                value.span(),
                format!("`{name}` = {n} is outside 1 to {ceiling}"),
                Some(format!(
                    "the limits protect the machine that runs the gate; `{name}` can be at most {ceiling}"
                )),
            ));
        }
        values[i] = Some(n);
    }
    if let Some(n) = values[0] {
        settings.max_file_size = n;
    }
    if let Some(n) = values[1] {
        settings.limits.max_depth = usize::try_from(n).unwrap_or(usize::MAX);
    }
    if let Some(n) = values[2] {
        settings.limits.max_alias_nodes = usize::try_from(n).unwrap_or(usize::MAX);
    }
    Ok(settings)
}

/// The thresholds, their defaults and meanings, for errors that name an unknown one.
#[must_use]
pub fn thresholds_help() -> String {
    let list: Vec<String> = THRESHOLDS
        .iter()
        .map(|(name, default, meaning)| format!("`{name}` (default {default}): {meaning}"))
        .collect();
    format!(
        "the thresholds, set in `[thresholds]` of aims-lint.toml, are {}",
        list.join("; ")
    )
}

/// `[thresholds]`: known names, whole numbers of at least 1.
fn load_thresholds(
    path: &Path,
    text: &str,
    table: &BTreeMap<Spanned<String>, Spanned<i64>>,
    thresholds: &mut BTreeMap<String, u64>,
) -> Result<(), Box<ConfigError>> {
    for (name, value) in table {
        if !thresholds.contains_key(name.get_ref()) {
            return Err(ConfigError::at(
                path,
                text,
                name.span(),
                format!("`{}` is not a threshold", name.get_ref()),
                Some(thresholds_help()),
            ));
        }
        let n = u64::try_from(*value.get_ref())
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| {
                ConfigError::at(
                    path,
                    text,
                    value.span(),
                    "a threshold is a whole number of at least 1".to_string(),
                    None,
                )
            })?;
        thresholds.insert(name.get_ref().clone(), n);
    }
    Ok(())
}

/// `select`, `ignore`, `severity` and `[[overrides]]`, and the rule ids they name.
fn load_selection(
    path: &Path,
    text: &str,
    rules: &RulesTable,
    overrides: Vec<OverrideTable>,
) -> Result<(Selection, RuleIdSpans), Box<ConfigError>> {
    let mut selection = Selection::default();
    let mut ids = Vec::new();
    let mut selectors = |list: &[Spanned<String>]| -> Result<Vec<Selector>, Box<ConfigError>> {
        list.iter()
            .map(|entry| selector(path, text, entry.get_ref(), entry.span(), &mut ids))
            .collect()
    };
    if rules.select.as_ref().is_some_and(Vec::is_empty) {
        // `select = []` would switch every rule off.
        let at = text.find("select").unwrap_or(0);
        return Err(ConfigError::at(
            path,
            text,
            at..at + "select".len(),
            "`select = []` selects no rule: every document would pass".to_string(),
            Some("remove `select` to run every rule, or name the rules or controls to run (`select = [\"A.6.*\"]`)".to_string()),
        ));
    }
    selection.select = rules.select.as_deref().map(&mut selectors).transpose()?;
    selection.ignore = selectors(&rules.ignore)?;
    let severities = |map: &BTreeMap<Spanned<String>, Severity>, ids: &mut Vec<_>| {
        map.iter()
            .map(|(k, sev)| Ok((selector(path, text, k.get_ref(), k.span(), ids)?, *sev)))
            .collect::<Result<Vec<_>, Box<ConfigError>>>()
    };
    selection.severity = severities(&rules.severity, &mut ids)?;
    for o in overrides {
        let mut builder = GlobSetBuilder::new();
        for glob in &o.paths {
            builder.add(compile_glob(glob.get_ref()).map_err(|e| {
                ConfigError::at(path, text, glob.span(), e.kind().to_string(), None)
            })?);
        }
        let paths = builder
            .build()
            .map_err(|e| ConfigError::plain(format!("{}: {e}", path.display())))?;
        let ignore = o
            .ignore
            .iter()
            .map(|e| selector(path, text, e.get_ref(), e.span(), &mut ids))
            .collect::<Result<_, _>>()?;
        let severity = severities(&o.severity, &mut ids)?;
        selection.overrides.push(Override {
            paths,
            ignore,
            severity,
        });
    }
    Ok((selection, ids))
}

/// Parse a selector of the file, noting rule ids with their span for [`Settings::check_rule_ids`].
fn selector(
    path: &Path,
    text: &str,
    entry: &str,
    span: std::ops::Range<usize>,
    ids: &mut Vec<(String, std::ops::Range<usize>)>,
) -> Result<Selector, Box<ConfigError>> {
    let s = Selector::parse(entry).map_err(|why| {
        ConfigError::at(
            path,
            text,
            span.clone(),
            why,
            Some(
                "a selector is a rule id, a control (`A.7.5`) or a control pattern (`A.7.*`)"
                    .to_string(),
            ),
        )
    })?;
    if let Selector::Rule(id) = &s {
        ids.push((id.clone(), span));
    }
    Ok(s)
}

/// Compile a path glob the way every glob in aims-lint is compiled: `*` does not cross `/`,
/// matching ignores case (Windows and macOS users write `Model_Card.md`).
pub fn compile_glob(glob: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(glob)
        .literal_separator(true)
        .case_insensitive(true)
        .build()
}

/// Whether `s` is kebab-case (lower-case ASCII letters, digits and `-`, not at either end), as
/// kinds and rule ids are.
pub(crate) fn is_kebab(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Settings, Box<ConfigError>> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, text).unwrap();
        load(&path)
    }

    #[test]
    fn unknown_key_points_at_its_line() {
        let e = load_text("[documents]\nmodel-card = [\"cards/*.md\"]\n\n[limits]\nmax-size = 3\n")
            .unwrap_err();
        let span = e.span.unwrap();
        assert_eq!(
            span.offset(),
            "[documents]\nmodel-card = [\"cards/*.md\"]\n\n[limits]\n".len()
        );
        assert!(e.label.contains("unknown field `max-size`"), "{}", e.label);
    }

    #[test]
    fn globs_are_relative_and_case_insensitive() {
        let s = load_text("[documents]\nmodel-card = [\"cards/*.md\"]\n").unwrap();
        assert_eq!(
            s.kind_by_config("Cards/A.MD"),
            Some(("model-card", "cards/*.md"))
        );
        assert_eq!(s.kind_by_config("cards/x/a.md"), None);
    }

    #[test]
    fn bad_kind_name() {
        let e = load_text("[documents]\nModelCard = [\"a\"]\n").unwrap_err();
        assert!(e.label.contains("kebab-case"));
    }
}
