//! Findings: what a rule reports about a document. Findings are data, never `Err`.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::source::{SourceFile, Span};

/// How serious a finding is. Ordered: `Info < Warning < Error`.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run unless `--fail-on info`.
    Info,
    /// Should be fixed.
    Warning,
    /// Must be fixed: evidence is missing or wrong.
    Error,
}

impl Severity {
    /// The lower-case name, as written in rule files and output.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// The metadata of the rule that made a finding: shared by all its findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable kebab-case id.
    pub id: String,
    /// Annex A control, if the rule checks one (syntax rules do not).
    pub control: Option<String>,
    /// Default severity.
    pub severity: Severity,
    /// One line, lower case, no final period.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Where the rule is documented.
    pub url: Option<String>,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule that reported it.
    pub rule: Arc<RuleInfo>,
    /// Severity of this finding (the rule's, unless configuration changes it).
    pub severity: Severity,
    /// The message (usually the rule's).
    pub message: String,
    /// What exactly is wrong here (e.g. "missing `license`"), shown as the label.
    pub detail: Option<String>,
    /// The document.
    pub source: Arc<SourceFile>,
    /// Where.
    pub span: Span,
    /// JSON pointer into the document's data, when the finding is about a value.
    pub pointer: Option<String>,
    /// Other places that explain this one (the first of two duplicate keys).
    pub related: Vec<(Span, String)>,
    /// Who last changed the line, inside a git repository (unless `--no-blame`).
    pub blame: Option<Arc<crate::blame::Blame>>,
}

impl Finding {
    /// An identity that does not move with line numbers: rule, path, and the JSON pointer of the
    /// value (or, for section and syntax findings, the detail). FNV-1a, 64 bits, in hex. SARIF
    /// `partialFingerprints` and baselines use it.
    #[must_use]
    pub fn fingerprint(&self) -> String {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let place = self
            .pointer
            .as_deref()
            .or(self.detail.as_deref())
            .unwrap_or("");
        for part in [self.rule.id.as_str(), self.path(), place] {
            for byte in part.bytes().chain([0]) {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        }
        format!("{hash:016x}")
    }

    /// A finding of `rule` at `span` with the rule's own message and severity.
    #[must_use]
    pub fn new(rule: &Arc<RuleInfo>, source: &Arc<SourceFile>, span: Span) -> Self {
        Self {
            rule: Arc::clone(rule),
            severity: rule.severity,
            message: rule.message.clone(),
            detail: None,
            source: Arc::clone(source),
            span,
            pointer: None,
            related: Vec::new(),
            blame: None,
        }
    }

    /// Set the label text.
    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Set the message.
    #[must_use]
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    /// Set the JSON pointer.
    #[must_use]
    pub fn with_pointer(mut self, pointer: impl Into<String>) -> Self {
        self.pointer = Some(pointer.into());
        self
    }

    /// The document's path, relative to the repository root.
    #[must_use]
    pub fn path(&self) -> &str {
        self.source.name()
    }

    /// The order in which findings are reported: by file, position, rule, then text, so that
    /// output is the same whatever the number of threads.
    #[must_use]
    pub fn sort_key(&self) -> (&str, u32, u32, u32, u32, &str, &str, Option<&str>) {
        (
            self.path(),
            self.span.start.line,
            self.span.start.column,
            self.span.end.line,
            self.span.end.column,
            &self.rule.id,
            &self.message,
            self.detail.as_deref(),
        )
    }
}

/// Give the findings of `findings` that hold `source` the `detached` copy of it instead (see
/// [`SourceFile::detached`]).
pub fn detach(findings: &mut [Finding], source: &Arc<SourceFile>, detached: &Arc<SourceFile>) {
    for f in findings {
        if Arc::ptr_eq(&f.source, source) {
            f.source = Arc::clone(detached);
        }
    }
}
