//! Which rules report, and how severe their findings are: `select`, `ignore` and `severity` of
//! `[rules]` in aims-lint.toml, `[[overrides]]` for some paths, and `--select` / `--ignore`.
//!
//! A selector is a rule id (`model-card-missing-license`), an Annex A control (`A.7.5`) or a
//! control pattern (`A.7.*`, `A.6.2.*`, `A.*`). Checks without a control (syntax errors,
//! `unknown-document-kind`, `unknown-control`) always report unless ignored by id: a file that
//! cannot be read is never silently passed.

use globset::GlobSet;

use crate::controls;
use crate::finding::{RuleInfo, Severity};

/// One entry of `select`, `ignore` or `severity`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Selector {
    /// A rule id.
    Rule(String),
    /// One control, `A.7.5`.
    Control(String),
    /// Every control whose id starts with this, e.g. `A.7.` for `A.7.*`.
    Prefix(String),
}

impl Selector {
    /// Parse `text`, or say why it is no selector.
    ///
    /// # Errors
    /// A control id or pattern that names no Annex A control, or text that is neither a rule id
    /// nor a control.
    ///
    /// ```
    /// use aims_lint::selection::Selector;
    /// assert_eq!(Selector::parse("A.7.*"), Ok(Selector::Prefix("A.7.".into())));
    /// assert!(Selector::parse("A.7.1").unwrap_err().contains("A.7.2"));
    /// assert!(Selector::parse("A.11.*").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(prefix) = text.strip_suffix('*') {
            if prefix.starts_with("A.")
                && prefix.ends_with('.')
                && controls::CONTROLS
                    .iter()
                    .any(|(c, _)| c.starts_with(prefix))
            {
                return Ok(Self::Prefix(prefix.to_string()));
            }
            return Err(format!(
                "`{text}` matches no ISO/IEC 42001 Annex A control; patterns look like `A.7.*`, `A.6.2.*` or `A.*`"
            ));
        }
        let clause = text.starts_with(|c: char| c.is_ascii_digit()) && text.contains('.');
        if clause
            || text
                .strip_prefix("A.")
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        {
            return if controls::title(text).is_some() {
                Ok(Self::Control(text.to_string()))
            } else {
                Err(controls::explain_unknown(text))
            };
        }
        if crate::config::is_kebab(text) {
            Ok(Self::Rule(text.to_string()))
        } else {
            Err(format!(
                "`{text}` is neither a rule id, an Annex A control (`A.7.5`) nor a control pattern (`A.7.*`)"
            ))
        }
    }

    /// Whether this selects `rule`.
    #[must_use]
    pub fn matches(&self, rule: &RuleInfo) -> bool {
        match self {
            Self::Rule(id) => *id == rule.id,
            Self::Control(c) => rule.control.as_deref() == Some(c),
            Self::Prefix(p) => rule.control.as_deref().is_some_and(|c| c.starts_with(p)),
        }
    }

    /// More specific selectors win when several set a severity: a rule over its control over
    /// a longer pattern over a shorter one.
    fn specificity(&self) -> usize {
        match self {
            Self::Rule(_) => usize::MAX,
            Self::Control(_) => usize::MAX - 1,
            Self::Prefix(p) => p.len(),
        }
    }
}

/// `ignore` and `severity` for the paths that a `[[overrides]]` entry's globs match.
#[derive(Debug, Clone)]
pub struct Override {
    /// Globs, relative to the configuration file's folder.
    pub paths: GlobSet,
    /// Rules ignored there.
    pub ignore: Vec<Selector>,
    /// Severities there; they win over `[rules.severity]`.
    pub severity: Vec<(Selector, Severity)>,
}

/// The resolved selection and severities of a run.
#[derive(Debug, Default, Clone)]
pub struct Selection {
    /// `None`: every rule.
    pub select: Option<Vec<Selector>>,
    /// Rules that do not report.
    pub ignore: Vec<Selector>,
    /// Severity overrides.
    pub severity: Vec<(Selector, Severity)>,
    /// Per-path overrides, in file order; later ones win.
    pub overrides: Vec<Override>,
}

impl Selection {
    /// The severity a finding of `rule` in the file at `rel` (relative to the configuration
    /// file's folder, if it is below it) gets, or `None` if the rule does not report there.
    #[must_use]
    pub fn apply(&self, rel: Option<&str>, rule: &RuleInfo) -> Option<Severity> {
        let here: Vec<&Override> = rel.map_or_else(Vec::new, |rel| {
            self.overrides
                .iter()
                .filter(|o| o.paths.is_match(rel))
                .collect()
        });
        let selected = rule.control.is_none()
            || self
                .select
                .as_ref()
                .is_none_or(|s| s.iter().any(|s| s.matches(rule)));
        let ignored = self
            .ignore
            .iter()
            .chain(here.iter().flat_map(|o| o.ignore.iter()))
            .any(|s| s.matches(rule));
        if !selected || ignored {
            return None;
        }
        let most_specific = |entries: &mut dyn Iterator<Item = &(Selector, Severity)>| {
            entries
                .filter(|(s, _)| s.matches(rule))
                .max_by_key(|(s, _)| s.specificity())
                .map(|(_, sev)| *sev)
        };
        let from_overrides = here
            .iter()
            .rev()
            .find_map(|o| most_specific(&mut o.severity.iter()));
        Some(
            from_overrides
                .or_else(|| most_specific(&mut self.severity.iter()))
                .unwrap_or(rule.severity),
        )
    }

    /// Every rule id a selector names, for checking them against the loaded rules.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        let overrides = self
            .overrides
            .iter()
            .flat_map(|o| o.ignore.iter().chain(o.severity.iter().map(|(s, _)| s)));
        self.select
            .iter()
            .flatten()
            .chain(self.ignore.iter())
            .chain(self.severity.iter().map(|(s, _)| s))
            .chain(overrides)
            .filter_map(|s| match s {
                Selector::Rule(id) => Some(id.as_str()),
                _ => None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: &str, control: Option<&str>, severity: Severity) -> RuleInfo {
        RuleInfo {
            id: id.into(),
            control: control.map(Into::into),
            severity,
            message: String::new(),
            help: String::new(),
            url: None,
        }
    }

    fn sel(s: &str) -> Selector {
        Selector::parse(s).unwrap()
    }

    #[test]
    fn selection_ignoring_and_the_most_specific_severity() {
        let license = rule("model-card-missing-license", Some("A.8.2"), Severity::Error);
        let quality = rule(
            "dataset-sheet-missing-quality-criteria",
            Some("A.7.4"),
            Severity::Warning,
        );
        let syntax = rule("yaml-syntax-error", None, Severity::Error);
        let selection = Selection {
            select: Some(vec![sel("A.7.*")]),
            ..Selection::default()
        };
        assert_eq!(selection.apply(None, &license), None);
        assert_eq!(selection.apply(None, &quality), Some(Severity::Warning));
        assert_eq!(selection.apply(None, &syntax), Some(Severity::Error));

        let selection = Selection {
            ignore: vec![sel("yaml-syntax-error")],
            severity: vec![
                (sel("A.*"), Severity::Info),
                (sel("A.8.2"), Severity::Warning),
                (sel("A.8.*"), Severity::Error),
            ],
            ..Selection::default()
        };
        assert_eq!(selection.apply(None, &syntax), None);
        assert_eq!(selection.apply(None, &license), Some(Severity::Warning));
        assert_eq!(selection.apply(None, &quality), Some(Severity::Info));
    }

    #[test]
    fn selectors_are_checked() {
        assert_eq!(sel("A.6.2.*"), Selector::Prefix("A.6.2.".into()));
        assert_eq!(sel("A.*"), Selector::Prefix("A.".into()));
        assert_eq!(sel("A.10.4"), Selector::Control("A.10.4".into()));
        assert!(Selector::parse("A.3.4").unwrap_err().contains("A.3.2"));
        assert!(Selector::parse("A.7").is_err());
        assert!(Selector::parse("Model Card").is_err());
    }
}
