//! From bytes to a [`Document`]: decoding, front matter, YAML/JSON with spans, headings.
//!
//! A document that cannot be parsed is not an error of the tool: parsing returns the
//! findings that say what is wrong and where, and the document with whatever could be read.

pub mod json;
pub mod markdown;
pub mod yaml;

use std::sync::{Arc, LazyLock};

use crate::finding::{Finding, RuleInfo};
use crate::source::{SourceFile, Span};
use markdown::{Body, FrontMatterState};
use yaml::{Limits, Node, NodeValue};

/// The syntax of a file, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `.yaml`, `.yml`
    Yaml,
    /// `.json`
    Json,
    /// `.md`, `.markdown`: Markdown with optional YAML front matter.
    Markdown,
}

impl Format {
    /// The format of a path, or `None` if aims-lint does not read such files.
    #[must_use]
    pub fn from_path(path: &str) -> Option<Self> {
        let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
        match ext.as_str() {
            "yaml" | "yml" => Some(Self::Yaml),
            "json" => Some(Self::Json),
            "md" | "markdown" => Some(Self::Markdown),
            _ => None,
        }
    }
}

/// One data instance of a document that schema rules validate: a YAML document of a stream,
/// the JSON value, or the front matter.
#[derive(Debug, Clone)]
pub struct Instance {
    /// The data.
    pub node: Node,
    /// Where a key missing from the top level is reported: the front matter's opening `---`,
    /// or the first line of the root mapping.
    pub root_anchor: Span,
    /// Said of the root anchor when a top-level key is missing, if the document has no data
    /// of its own there (no front matter, or an empty one).
    pub root_note: Option<&'static str>,
}

/// A parsed document.
#[derive(Debug, Clone)]
pub struct Document {
    /// The text.
    pub source: Arc<SourceFile>,
    /// Its syntax.
    pub format: Format,
    /// The data to validate; empty when the data could not be parsed (syntax findings say why).
    pub data: Vec<Instance>,
    /// What the Markdown body holds: headings, labels, opening prose, placeholders, tables
    /// (empty for YAML and JSON).
    pub body: Body,
}

impl Document {
    /// The top-level mapping of the first data instance, if there is one.
    #[must_use]
    pub fn root(&self) -> Option<&Node> {
        self.data
            .first()
            .map(|i| &i.node)
            .filter(|n| matches!(n.value, NodeValue::Map(_)))
    }
}

macro_rules! syntax_rule {
    ($name:ident, $id:literal) => {
        /// A built-in syntax rule: see its `rules/<id>/rule.yaml`.
        pub static $name: LazyLock<Arc<RuleInfo>> =
            LazyLock::new(|| crate::rules::builtin_check($id));
    };
}

syntax_rule!(YAML_SYNTAX, "yaml-syntax-error");
syntax_rule!(JSON_SYNTAX, "json-syntax-error");
syntax_rule!(DUPLICATE_KEY, "duplicate-key");
syntax_rule!(FRONT_MATTER_UNTERMINATED, "front-matter-unterminated");
syntax_rule!(FRONT_MATTER_NOT_MAPPING, "front-matter-not-mapping");
syntax_rule!(FILE_NOT_UTF8, "file-not-utf8");
syntax_rule!(FILE_TOO_LARGE, "file-too-large");
syntax_rule!(FILE_NOT_REGULAR, "file-not-regular");

/// All syntax rules, for `rules` listings and docs.
#[must_use]
pub fn syntax_rules() -> [&'static Arc<RuleInfo>; 8] {
    [
        &YAML_SYNTAX,
        &JSON_SYNTAX,
        &DUPLICATE_KEY,
        &FRONT_MATTER_UNTERMINATED,
        &FRONT_MATTER_NOT_MAPPING,
        &FILE_NOT_UTF8,
        &FILE_TOO_LARGE,
        &FILE_NOT_REGULAR,
    ]
}

/// Parse `source` as `format`. Returns the document and the syntax findings.
#[must_use]
pub fn parse(source: &Arc<SourceFile>, format: Format, limits: Limits) -> (Document, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut doc = Document {
        source: Arc::clone(source),
        format,
        data: Vec::new(),
        body: Body::default(),
    };
    match format {
        Format::Yaml => {
            doc.data = parse_yaml_stream(source, limits, &mut findings);
        }
        Format::Json => {
            if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(source.text()) {
                let line = e.line().max(1) as u32;
                let start = source.line_range(line).start;
                // serde_json counts the column in bytes.
                let pos = source.pos_at_byte(start + e.column().saturating_sub(1));
                let message = strip_position(&e.to_string());
                findings.push(
                    Finding::new(&JSON_SYNTAX, source, Span::point(pos)).with_detail(message),
                );
            } else {
                match json::parse(source, limits) {
                    Ok((node, issues)) => {
                        push_issues(source, issues, &mut findings);
                        doc.data.push(Instance {
                            root_anchor: source.first_line_of(node.span),
                            root_note: None,
                            node,
                        });
                    }
                    Err(e) => findings.push(
                        Finding::new(&JSON_SYNTAX, source, Span::point(e.pos))
                            .with_detail(e.message),
                    ),
                }
            }
        }
        Format::Markdown => parse_markdown(source, &mut doc, limits, &mut findings),
    }
    (doc, findings)
}

fn parse_yaml_stream(
    source: &Arc<SourceFile>,
    limits: Limits,
    findings: &mut Vec<Finding>,
) -> Vec<Instance> {
    match yaml::parse(source, source.text(), 1, limits) {
        Ok(parsed) => {
            push_issues(source, parsed.issues, findings);
            parsed
                .docs
                .into_iter()
                .map(|node| Instance {
                    root_anchor: source.first_line_of(node.span),
                    root_note: None,
                    node,
                })
                .collect()
        }
        Err(e) => {
            findings.push(
                Finding::new(&YAML_SYNTAX, source, Span::point(e.pos)).with_detail(e.message),
            );
            Vec::new()
        }
    }
}

fn push_issues(source: &Arc<SourceFile>, issues: Vec<yaml::SyntaxIssue>, out: &mut Vec<Finding>) {
    for issue in issues {
        let mut f = Finding::new(&DUPLICATE_KEY, source, issue.span).with_detail(issue.message);
        f.related.extend(issue.related);
        out.push(f);
    }
}

fn parse_markdown(
    source: &Arc<SourceFile>,
    doc: &mut Document,
    limits: Limits,
    findings: &mut Vec<Finding>,
) {
    let body_start = match markdown::front_matter(source) {
        FrontMatterState::Absent => {
            let at = Span::point(source.pos_at_byte(0));
            doc.data.push(Instance {
                node: Node {
                    span: at,
                    value: NodeValue::Map(Vec::new()),
                },
                root_anchor: at,
                root_note: Some("this document has no front matter"),
            });
            0
        }
        FrontMatterState::Unterminated { open } => {
            findings.push(
                Finding::new(&FRONT_MATTER_UNTERMINATED, source, open)
                    .with_detail("front matter opens here and no `---` line closes it"),
            );
            0
        }
        FrontMatterState::Present(fm) => {
            let yaml_text = &source.text()[fm.yaml.0..fm.yaml.1];
            match yaml::parse(source, yaml_text, fm.yaml_first_line, limits) {
                Err(e) => {
                    findings.push(
                        Finding::new(&YAML_SYNTAX, source, Span::point(e.pos))
                            .with_detail(e.message),
                    );
                }
                Ok(parsed) => {
                    push_issues(source, parsed.issues, findings);
                    let node = parsed.docs.into_iter().next();
                    match node {
                        None
                        | Some(Node {
                            value: NodeValue::Null,
                            ..
                        }) => doc.data.push(Instance {
                            node: Node {
                                span: fm.open,
                                value: NodeValue::Map(Vec::new()),
                            },
                            root_anchor: fm.open,
                            root_note: Some("the front matter is empty"),
                        }),
                        Some(
                            node @ Node {
                                value: NodeValue::Map(_),
                                ..
                            },
                        ) => doc.data.push(Instance {
                            node,
                            root_anchor: fm.open,
                            root_note: None,
                        }),
                        Some(node) => {
                            let what = match node.value {
                                NodeValue::Seq(_) => "a list",
                                NodeValue::String(_) => "a string",
                                _ => "a single value",
                            };
                            findings.push(
                                Finding::new(
                                    &FRONT_MATTER_NOT_MAPPING,
                                    source,
                                    source.first_line_of(node.span),
                                )
                                .with_detail(format!("the front matter is {what}")),
                            );
                        }
                    }
                }
            }
            fm.body_start
        }
    };
    doc.body = markdown::body(source, body_start);
}

/// `serde_json` appends " at line L column C" to its messages; we show the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(name: &str, text: &str) -> (Document, Vec<Finding>) {
        let format = Format::from_path(name).unwrap();
        parse(
            &SourceFile::new(name, text.to_string()),
            format,
            Limits::default(),
        )
    }

    #[test]
    fn json_error_position() {
        let (doc, f) = parse_str("a.json", "{\n  \"a\": [1, 2,],\n}\n");
        assert!(doc.data.is_empty());
        assert_eq!(f[0].rule.id, "json-syntax-error");
        assert_eq!((f[0].span.start.line, f[0].span.start.column), (2, 14));
    }

    #[test]
    fn front_matter_list_is_a_finding() {
        let (doc, f) = parse_str("a.md", "---\n- a\n- b\n---\n# x\n");
        assert!(doc.data.is_empty());
        assert_eq!(f[0].rule.id, "front-matter-not-mapping");
        assert_eq!(f[0].span.start.line, 2);
        assert_eq!(doc.body.headings.len(), 1);
    }

    #[test]
    fn front_matter_spans_are_file_positions() {
        let (doc, f) = parse_str("a.md", "---\nlicense: mit\ntags:\n  - a\n---\n# x\n");
        assert!(f.is_empty());
        let l = doc.data[0].node.lookup("/tags/0").unwrap();
        assert_eq!((l.node.span.start.line, l.node.span.start.column), (4, 5));
    }
}
