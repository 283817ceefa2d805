//! Baselines: the findings a repository already has, recorded so that `check --baseline FILE`
//! reports only new ones. A finding is identified by its fingerprint (rule, path, and JSON
//! pointer or, without one, its detail), which does not change when lines move.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// The largest baseline read, in bytes.
const MAX_BASELINE: u64 = 64 << 20;

/// The baseline file.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version: 1.
    pub version: u32,
    /// The recorded findings, sorted.
    pub findings: Vec<Entry>,
}

/// One recorded finding: the fingerprint decides; the rest is for people reading the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// See [`Finding::fingerprint`].
    pub fingerprint: String,
    /// Rule id.
    pub rule: String,
    /// Path, relative to the repository root.
    pub path: String,
    /// JSON pointer, if the finding has one.
    pub pointer: Option<String>,
}

impl Baseline {
    /// The baseline of `findings`.
    #[must_use]
    pub fn of(findings: &[Finding]) -> Self {
        let mut entries: Vec<Entry> = findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint(),
                rule: f.rule.id.clone(),
                path: f.path().to_string(),
                pointer: f.pointer.clone(),
            })
            .collect();
        entries.sort();
        Self {
            version: 1,
            findings: entries,
        }
    }

    /// Read a baseline file.
    ///
    /// # Errors
    /// The file cannot be read, is not a baseline, or has another version.
    pub fn read(path: &Path) -> Result<Self, String> {
        // A regular file of bounded size: a link to /dev/zero must not exhaust memory.
        let text = crate::source::read_regular(path, MAX_BASELINE)
            .map_err(|why| format!("cannot read the baseline {}: {why}", path.display()))?;
        Self::parse(&text, path)
    }

    /// Read a baseline from its text (`path` is what errors name).
    ///
    /// # Errors
    /// Not a baseline, or one of another version.
    pub fn parse(text: &str, path: &Path) -> Result<Self, String> {
        let b: Self = serde_json::from_str(text).map_err(|e| {
            format!(
                "{} is not an aims-lint baseline: {e} (write one with `aims-lint baseline`)",
                path.display()
            )
        })?;
        if b.version != 1 {
            return Err(format!(
                "{} is a baseline of version {}; this aims-lint reads version 1",
                path.display(),
                b.version
            ));
        }
        Ok(b)
    }

    /// The entries both baselines have (as many times as both have them).
    #[must_use]
    pub fn common_with(&self, other: &Self) -> Self {
        let mut theirs: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &other.findings {
            *theirs.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        let findings = self
            .findings
            .iter()
            .filter(|e| match theirs.get_mut(e.fingerprint.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .cloned()
            .collect();
        Self {
            version: self.version,
            findings,
        }
    }

    /// Drop the findings the baseline records (each entry matches one finding), and return how
    /// many were dropped.
    pub fn filter(&self, findings: &mut Vec<Finding>) -> usize {
        let mut known: BTreeMap<&str, usize> = BTreeMap::new();
        for e in &self.findings {
            *known.entry(e.fingerprint.as_str()).or_default() += 1;
        }
        let before = findings.len();
        findings.retain(|f| {
            let print = f.fingerprint();
            match known.get_mut(print.as_str()) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        });
        before - findings.len()
    }
}
