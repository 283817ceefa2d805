//! YAML (and JSON, a subset of it) into a tree where every key and every value keeps its span.
//!
//! saphyr's own `MarkedYaml` loader stops at the first duplicate key and has no depth limit,
//! so we receive saphyr's parser events ourselves: a duplicate key becomes a [`SyntaxIssue`]
//! pointing at both keys while parsing goes on, and nesting depth and alias expansion are
//! bounded (a hostile file must not cost more than a normal one by orders of magnitude).
//! Scalars resolve with saphyr's YAML 1.2 core schema, so `NO`, `yes` and `on` stay strings.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr::{Scalar, ScalarStyle};
use saphyr_parser::{Event, Parser, ScanError, SpannedEventReceiver, Tag};
use serde_json::Value;

use crate::source::{Pos, SourceFile, Span};

/// A YAML value with the span of its text.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the value is written (for a block collection: from its first item to the token
    /// after it).
    pub span: Span,
    /// The value.
    pub value: NodeValue,
}

/// The value of a [`Node`].
#[derive(Clone, Debug, PartialEq)]
pub enum NodeValue {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    String(String),
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in document order. Keys are strings: other scalars are written as text.
    Map(Vec<Entry>),
}

/// One key of a mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key as text.
    pub key: String,
    /// Where the key is written.
    pub key_span: Span,
    /// The value.
    pub value: Node,
}

/// Limits that bound what one file can cost.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Maximum nesting of collections.
    pub max_depth: usize,
    /// Maximum number of nodes that alias expansion may create in one file.
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 64,
            max_alias_nodes: 10_000,
        }
    }
}

/// A problem in the text that does not stop parsing (a duplicate key).
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxIssue {
    /// What is wrong, lower case.
    pub message: String,
    /// Where.
    pub span: Span,
    /// A second place that explains the first (the earlier key).
    pub related: Option<(Span, String)>,
}

/// The text cannot be parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// What the parser said, lower case.
    pub message: String,
    /// Where the parser stopped.
    pub pos: Pos,
}

/// The documents of a YAML stream and the non-fatal issues found in it.
#[derive(Debug, Default)]
pub struct Parsed {
    /// One node per document (`---` separated).
    pub docs: Vec<Node>,
    /// Duplicate keys and the like.
    pub issues: Vec<SyntaxIssue>,
}

/// Parse `text`, which starts at line `first_line` of `source` (front matter starts below the
/// opening `---`). Positions in the result are positions in `source`.
pub fn parse(
    source: &SourceFile,
    text: &str,
    first_line: u32,
    limits: Limits,
) -> Result<Parsed, SyntaxError> {
    let mut builder = Builder {
        source,
        line_offset: first_line - 1,
        limits,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_budget: limits.max_alias_nodes,
        out: Parsed::default(),
        error: None,
        doc_start: None,
    };
    // Events are pulled in a flat loop: `Parser::load` recurses once per nesting level, so a
    // file of 400,000 nested `- ` overflowed the stack before our depth limit could refuse it.
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        match event {
            Ok((ev, span)) => builder.on_event(ev, span),
            Err(e) => return Err(builder.scan_error(&e, text)),
        }
        if let Some(e) = builder.error.take() {
            return Err(e);
        }
    }
    Ok(builder.out)
}

enum Frame {
    Seq {
        start: Pos,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: Pos,
        anchor: usize,
        map: MapBuilder,
        key: Option<(String, Span)>,
    },
}

struct Builder<'s> {
    source: &'s SourceFile,
    line_offset: u32,
    limits: Limits,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_budget: usize,
    out: Parsed,
    error: Option<SyntaxError>,
    doc_start: Option<Pos>,
}

impl Builder<'_> {
    fn pos(&self, m: saphyr_parser::Marker) -> Pos {
        self.source
            .pos_at_line_col(m.line() as u32 + self.line_offset, m.col())
    }

    fn span(&self, s: saphyr_parser::Span) -> Span {
        Span {
            start: self.pos(s.start),
            end: self.pos(s.end),
        }
    }

    fn scan_error(&self, e: &ScanError, text: &str) -> SyntaxError {
        let mut pos = self.pos(*e.marker());
        // saphyr reports a tab at the start of the scalar or line it interrupts: point at the
        // tab itself, which is what the user has to delete.
        if e.info().contains("tab") {
            let from = e.marker().index();
            if let Some(i) = text.chars().skip(from).position(|c| c == '\t') {
                let line_base = self.line_offset;
                let before: String = text.chars().take(from + i).collect();
                let line = before.matches('\n').count() as u32 + 1;
                let col = before
                    .rsplit('\n')
                    .next()
                    .map_or(0, |l| l.trim_end_matches('\r').chars().count());
                pos = self.source.pos_at_line_col(line + line_base, col);
            }
        }
        SyntaxError {
            message: e.info().to_string(),
            pos,
        }
    }

    fn fail(&mut self, pos: Pos, message: String) {
        if self.error.is_none() {
            self.error = Some(SyntaxError { message, pos });
        }
    }

    fn push(&mut self, frame: Frame, pos: Pos) {
        if self.stack.len() >= self.limits.max_depth {
            self.fail(
                pos,
                format!(
                    "collections are nested more than {} levels deep",
                    self.limits.max_depth
                ),
            );
            return;
        }
        self.stack.push(frame);
    }

    /// Attach a finished node to its parent, or make it the document's root.
    fn insert(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => {
                self.doc_start = None;
                self.out.docs.push(node);
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                None => {
                    let text = key_text(&node);
                    *key = Some((text, node.span));
                }
                Some((key, key_span)) => map.insert(
                    Entry {
                        key,
                        key_span,
                        value: node,
                    },
                    &mut self.out.issues,
                ),
            },
        }
    }
}

/// A mapping being built, for YAML and JSON alike: entries in document order; a key written
/// twice is a [`SyntaxIssue`] at the second key pointing at the first, and the last value
/// wins in the first entry's place, as `PyYAML` (so the Hugging Face Hub) and `serde_json` read it.
#[derive(Default)]
pub(super) struct MapBuilder {
    entries: Vec<Entry>,
    /// Key → position, built once a mapping is large enough for a linear search to cost.
    index: Option<HashMap<String, usize>>,
}

impl MapBuilder {
    /// Add `entry`, reporting a duplicate key into `issues`.
    pub(super) fn insert(&mut self, entry: Entry, issues: &mut Vec<SyntaxIssue>) {
        let found = match &self.index {
            Some(index) => index.get(&entry.key).copied(),
            None => self.entries.iter().position(|e| e.key == entry.key),
        };
        if let Some(i) = found {
            issues.push(SyntaxIssue {
                message: format!("duplicate key `{}`", entry.key),
                span: entry.key_span,
                related: Some((self.entries[i].key_span, "defined before here".to_string())),
            });
            self.entries[i] = entry;
            return;
        }
        if let Some(index) = self.index.as_mut() {
            index.insert(entry.key.clone(), self.entries.len());
        }
        self.entries.push(entry);
        if self.index.is_none() && self.entries.len() >= 32 {
            self.index = Some(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.key.clone(), i))
                    .collect(),
            );
        }
    }

    /// The entries, in document order.
    pub(super) fn finish(self) -> Vec<Entry> {
        self.entries
    }
}

impl<'input> SpannedEventReceiver<'input> for Builder<'_> {
    fn on_event(&mut self, ev: Event<'input>, span: saphyr_parser::Span) {
        if self.error.is_some() {
            return;
        }
        let sp = self.span(span);
        match ev {
            Event::Nothing | Event::StreamStart | Event::StreamEnd => {}
            Event::DocumentStart(_) => {
                self.doc_start = Some(sp.start);
            }
            Event::DocumentEnd => {
                // A document with no node at all (`---` then `---`) is null.
                if let Some(at) = self.doc_start.take() {
                    self.out.docs.push(Node {
                        span: Span::point(at),
                        value: NodeValue::Null,
                    });
                }
            }
            Event::SequenceStart(anchor, _) => self.push(
                Frame::Seq {
                    start: sp.start,
                    anchor,
                    items: Vec::new(),
                },
                sp.start,
            ),
            Event::MappingStart(anchor, _) => self.push(
                Frame::Map {
                    start: sp.start,
                    anchor,
                    map: MapBuilder::default(),
                    key: None,
                },
                sp.start,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return;
                };
                let (start, anchor, value) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                    } => (start, anchor, NodeValue::Seq(items)),
                    Frame::Map {
                        start, anchor, map, ..
                    } => (start, anchor, NodeValue::Map(map.finish())),
                };
                let node = Node {
                    span: Span {
                        start,
                        end: sp.end.max(start),
                    },
                    value,
                };
                self.insert(node, anchor);
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(text, style, tag.as_ref());
                self.insert(Node { span: sp, value }, anchor);
            }
            Event::Alias(id) => {
                let Some(target) = self.anchors.get(&id) else {
                    self.fail(sp.start, "alias names an unknown anchor".to_string());
                    return;
                };
                let cost = target.count_nodes(self.alias_budget.saturating_add(1));
                if cost > self.alias_budget {
                    let limit = self.limits.max_alias_nodes;
                    self.fail(
                        sp.start,
                        format!(
                            "aliases expand to more than {limit} nodes (a \"billion laughs\" document?)"
                        ),
                    );
                    return;
                }
                self.alias_budget -= cost;
                let mut node = target.clone();
                // The alias is written here: point at the `*name`, not at the anchor.
                node.span = sp;
                self.insert(node, 0);
            }
        }
    }
}

fn resolve_scalar(text: Cow<'_, str>, style: ScalarStyle, tag: Option<&Cow<'_, Tag>>) -> NodeValue {
    match Scalar::parse_from_cow_and_metadata(text.clone(), style, tag) {
        Some(Scalar::Null) => NodeValue::Null,
        Some(Scalar::Boolean(b)) => NodeValue::Bool(b),
        Some(Scalar::Integer(i)) => NodeValue::Int(i),
        Some(Scalar::FloatingPoint(f)) => NodeValue::Float(f.into_inner()),
        Some(Scalar::String(s)) => NodeValue::String(s.into_owned()),
        // A core tag that does not fit its value (`!!int abc`): keep the text.
        None => NodeValue::String(text.into_owned()),
    }
}

fn key_text(node: &Node) -> String {
    match &node.value {
        NodeValue::String(s) => s.clone(),
        NodeValue::Null => "null".to_string(),
        NodeValue::Bool(b) => b.to_string(),
        NodeValue::Int(i) => i.to_string(),
        NodeValue::Float(f) => f.to_string(),
        NodeValue::Seq(_) | NodeValue::Map(_) => node.to_json().to_string(),
    }
}

/// What a JSON pointer resolves to in a [`Node`] tree.
#[derive(Clone, Copy, Debug)]
pub struct Located<'a> {
    /// The node at the pointer.
    pub node: &'a Node,
    /// The span of the mapping key that holds it, if its parent is a mapping.
    pub key_span: Option<Span>,
}

impl Node {
    /// The value as JSON, for schema validation. Non-finite floats become strings.
    #[must_use]
    pub fn to_json(&self) -> Value {
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Int(i) => Value::from(*i),
            NodeValue::Float(f) => serde_json::Number::from_f64(*f)
                .map_or_else(|| Value::String(f.to_string()), Value::Number),
            NodeValue::String(s) => Value::String(s.clone()),
            NodeValue::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeValue::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Count nodes, stopping once `cap` is passed (an alias's cost is measured, not paid).
    fn count_nodes(&self, cap: usize) -> usize {
        let mut count = 0;
        let mut todo = vec![self];
        while let Some(n) = todo.pop() {
            count += 1;
            if count > cap {
                return count;
            }
            match &n.value {
                NodeValue::Seq(items) => todo.extend(items),
                NodeValue::Map(entries) => todo.extend(entries.iter().map(|e| &e.value)),
                _ => {}
            }
        }
        count
    }

    /// The mapping entry `key`, if this is a mapping that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    /// The string value, if this is a string.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// Resolve an RFC 6901 JSON pointer (`/a/b/0`; `~1` is `/`, `~0` is `~`).
    ///
    /// ```
    /// use aims_lint::parse::yaml::{parse, Limits};
    /// use aims_lint::source::SourceFile;
    ///
    /// let text = "model:\n  datasets:\n    - name: c4\n";
    /// let source = SourceFile::new("card.yaml", text.to_string());
    /// let doc = &parse(&source, text, 1, Limits::default()).unwrap().docs[0];
    /// let found = doc.lookup("/model/datasets/0/name").unwrap();
    /// assert_eq!((found.node.span.start.line, found.node.span.start.column), (3, 13));
    /// assert_eq!(found.key_span.unwrap().start.column, 7);
    /// ```
    #[must_use]
    pub fn lookup(&self, pointer: &str) -> Option<Located<'_>> {
        let mut here = Located {
            node: self,
            key_span: None,
        };
        if pointer.is_empty() {
            return Some(here);
        }
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = unescape_token(token);
            here = match &here.node.value {
                NodeValue::Map(entries) => {
                    let e = entries.iter().find(|e| e.key == token)?;
                    Located {
                        node: &e.value,
                        key_span: Some(e.key_span),
                    }
                }
                NodeValue::Seq(items) => Located {
                    node: items.get(token.parse::<usize>().ok()?)?,
                    key_span: None,
                },
                _ => return None,
            };
        }
        Some(here)
    }
}

/// `key` as a token of a JSON pointer (RFC 6901): `~` written `~0`, `/` written `~1`; most
/// keys have neither, and are not copied.
#[must_use]
pub fn escape_token(key: &str) -> std::borrow::Cow<'_, str> {
    if key.contains(['~', '/']) {
        key.replace('~', "~0").replace('/', "~1").into()
    } else {
        key.into()
    }
}

/// A token of a JSON pointer as the key it names: the inverse of [`escape_token`].
#[must_use]
pub fn unescape_token(token: &str) -> std::borrow::Cow<'_, str> {
    if token.contains('~') {
        token.replace("~1", "/").replace("~0", "~").into()
    } else {
        token.into()
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn pointer_tokens_escape_tilde_and_slash_and_come_back() {
        for (key, token) in [
            ("plain", "plain"),
            ("a/b", "a~1b"),
            ("a~b", "a~0b"),
            ("~1", "~01"),
            ("/~", "~1~0"),
            ("", ""),
            ("é/ü", "é~1ü"),
        ] {
            assert_eq!(escape_token(key), token);
            assert_eq!(unescape_token(token), key);
        }
        assert!(matches!(
            escape_token("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert!(matches!(
            unescape_token("plain"),
            std::borrow::Cow::Borrowed(_)
        ));
        let doc = parse_str("a/b: {c~d: 1}\n").unwrap().docs.remove(0);
        assert!(doc.lookup("/a~1b/c~0d").is_some());
        assert!(doc.lookup("/a/b").is_none());
    }

    fn parse_str(text: &str) -> Result<Parsed, SyntaxError> {
        let src = SourceFile::new("t.yaml", text.to_string());
        parse(&src, text, 1, Limits::default())
    }

    #[test]
    fn spans_of_keys_and_values() {
        let p = parse_str("model:\n  datasets:\n    - name: c4\n    - {name: wiki, license: NO}\n")
            .unwrap();
        let doc = &p.docs[0];
        let l = doc.lookup("/model/datasets/1/license").unwrap();
        assert_eq!(l.node.as_str(), Some("NO"));
        assert_eq!((l.node.span.start.line, l.node.span.start.column), (4, 29));
        let k = l.key_span.unwrap();
        assert_eq!((k.start.line, k.start.column), (4, 20));
        let l = doc.lookup("/model/datasets/0/name").unwrap();
        assert_eq!((l.node.span.start.line, l.node.span.start.column), (3, 13));
    }

    #[test]
    fn duplicate_key_is_an_issue_and_last_value_wins() {
        let p = parse_str("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(p.docs[0].to_json(), serde_json::json!({"a": 3, "b": 2}));
        assert_eq!(p.issues.len(), 1);
        assert_eq!(p.issues[0].span.start.line, 3);
        assert_eq!(p.issues[0].related.as_ref().unwrap().0.start.line, 1);
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            let _ = writeln!(
                text,
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]"
            );
        }
        let e = parse_str(&text).unwrap_err();
        assert!(e.message.contains("billion laughs"), "{e:?}");
    }

    #[test]
    fn depth_is_bounded() {
        let text = "[".repeat(100) + &"]".repeat(100);
        let e = parse_str(&text).unwrap_err();
        assert!(e.message.contains("nested"), "{e:?}");
        let mut block = String::new();
        for i in 0..100 {
            block.push_str(&" ".repeat(i * 2));
            block.push_str("k:\n");
        }
        assert!(parse_str(&block).is_err());
        // Deep enough to overflow the stack of a recursive parser.
        let e = parse_str(&("- ".repeat(400_000) + "x\n")).unwrap_err();
        assert!(e.message.contains("nested"), "{e:?}");
    }

    #[test]
    fn yaml_1_2_core_schema_and_multi_documents() {
        let p = parse_str("country: NO\non: yes\nmode: 0755\n---\n---\nb: ~\n").unwrap();
        assert_eq!(p.docs.len(), 3);
        assert_eq!(
            p.docs[0].to_json(),
            serde_json::json!({"country": "NO", "on": "yes", "mode": 755})
        );
        assert_eq!(p.docs[1].value, NodeValue::Null);
        assert_eq!(p.docs[2].to_json(), serde_json::json!({"b": null}));
    }

    #[test]
    fn syntax_error_position() {
        let e = parse_str("a: 1\nb: [1, 2\nc: d\n").unwrap_err();
        assert_eq!(e.pos.line, 3);
    }
}
