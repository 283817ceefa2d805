//! `aims-lint.toml`: document globs, extra rule directories and limits.
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

use crate::kinds;
use crate::parse::yaml::Limits;

/// The name of the configuration file.
pub const FILE_NAME: &str = "aims-lint.toml";

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
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RulesTable {
    #[serde(default)]
    paths: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
#[allow(clippy::struct_field_names, reason = "the names are the TOML keys")]
struct LimitsTable {
    max_file_size: Option<u64>,
    max_depth: Option<usize>,
    max_alias_nodes: Option<usize>,
}

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

/// Resolved settings for a run.
#[derive(Debug)]
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
}

impl Settings {
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
        }
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
        if candidate.is_file() {
            return Some(candidate);
        }
        if d == stop {
            break;
        }
        dir = d.parent();
    }
    None
}

/// Read and check the configuration at `path`.
pub fn load(path: &Path) -> Result<Settings, Box<ConfigError>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::plain(format!("cannot read {}: {e}", path.display())))?;
    let file: ConfigFile = toml::from_str(&text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        ConfigError::at(
            path,
            &text,
            span,
            e.message().to_string(),
            Some("the keys are `[documents]`, `[rules] paths` and `[limits]` (`max-file-size`, `max-depth`, `max-alias-nodes`); see docs/configuration.md".to_string()),
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
            builder.add(compile_glob(glob.get_ref()).map_err(|e| {
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
    for p in file.rules.paths {
        let dir = base.join(p.get_ref());
        if !dir.is_dir() {
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
    if let Some(n) = file.limits.max_file_size {
        settings.max_file_size = n;
    }
    if let Some(n) = file.limits.max_depth {
        settings.limits.max_depth = n;
    }
    if let Some(n) = file.limits.max_alias_nodes {
        settings.limits.max_alias_nodes = n;
    }
    Ok(settings)
}

/// Compile a path glob the way every glob in aims-lint is compiled: `*` does not cross `/`,
/// matching ignores case (Windows and macOS users write `Model_Card.md`).
pub fn compile_glob(glob: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(glob)
        .literal_separator(true)
        .case_insensitive(true)
        .build()
}

fn is_kebab(s: &str) -> bool {
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
