//! JSON into the same span tree as YAML.
//!
//! JSON is nearly a subset of YAML, but not quite: YAML rejects JSON's UTF-16 surrogate-pair
//! escapes (`"\ud83d\ude00"`), so a valid JSON file could fail to parse as YAML. This scanner
//! finds the tokens and their spans; `serde_json` decodes each string and number, so values are
//! exactly what `serde_json` reads. The caller has already checked the text with `serde_json`, so
//! errors here only guard against a disagreement.

use super::yaml::{Entry, Limits, MapBuilder, Node, NodeValue, SyntaxError, SyntaxIssue};
use crate::source::SourceFile;

/// Parse `source` (all of it) as one JSON value.
pub fn parse(source: &SourceFile, limits: Limits) -> Result<(Node, Vec<SyntaxIssue>), SyntaxError> {
    let mut p = Scanner {
        source,
        bytes: source.text().as_bytes(),
        at: 0,
        limits,
        issues: Vec::new(),
    };
    p.ws();
    let node = p.value(0)?;
    p.ws();
    if p.at < p.bytes.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok((node, p.issues))
}

struct Scanner<'a> {
    source: &'a SourceFile,
    bytes: &'a [u8],
    at: usize,
    limits: Limits,
    issues: Vec<SyntaxIssue>,
}

impl Scanner<'_> {
    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            message: message.to_string(),
            pos: self.source.pos_at_byte(self.at),
        }
    }

    fn ws(&mut self) {
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.at += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.bytes.get(self.at) == Some(&b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        if depth >= self.limits.max_depth {
            return Err(self.error(&format!(
                "collections are nested more than {} levels deep",
                self.limits.max_depth
            )));
        }
        let start = self.at;
        let value = match self.bytes.get(self.at) {
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => NodeValue::String(self.string()?),
            Some(b't') if self.bytes[self.at..].starts_with(b"true") => {
                self.at += 4;
                NodeValue::Bool(true)
            }
            Some(b'f') if self.bytes[self.at..].starts_with(b"false") => {
                self.at += 5;
                NodeValue::Bool(false)
            }
            Some(b'n') if self.bytes[self.at..].starts_with(b"null") => {
                self.at += 4;
                NodeValue::Null
            }
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.error("expected a JSON value")),
        };
        Ok(Node {
            span: self.source.span_of_bytes(start, self.at),
            value,
        })
    }

    fn object(&mut self, depth: usize) -> Result<NodeValue, SyntaxError> {
        self.at += 1;
        let mut map = MapBuilder::default();
        self.ws();
        if self.eat(b'}') {
            return Ok(NodeValue::Map(map.finish()));
        }
        loop {
            self.ws();
            let key_start = self.at;
            if self.bytes.get(self.at) != Some(&b'"') {
                return Err(self.error("expected a string key"));
            }
            let key = self.string()?;
            let key_span = self.source.span_of_bytes(key_start, self.at);
            self.ws();
            if !self.eat(b':') {
                return Err(self.error("expected `:`"));
            }
            self.ws();
            let value = self.value(depth + 1)?;
            map.insert(
                Entry {
                    key,
                    key_span,
                    value,
                },
                &mut self.issues,
            );
            self.ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b'}') {
                return Ok(NodeValue::Map(map.finish()));
            }
            return Err(self.error("expected `,` or `}`"));
        }
    }

    fn array(&mut self, depth: usize) -> Result<NodeValue, SyntaxError> {
        self.at += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']') {
            return Ok(NodeValue::Seq(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b']') {
                return Ok(NodeValue::Seq(items));
            }
            return Err(self.error("expected `,` or `]`"));
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.at;
        self.at += 1;
        while let Some(&b) = self.bytes.get(self.at) {
            match b {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    let literal = &self.source.text()[start..self.at];
                    return serde_json::from_str(literal).map_err(|e| SyntaxError {
                        message: e.to_string(),
                        pos: self.source.pos_at_byte(start),
                    });
                }
                _ => self.at += 1,
            }
        }
        Err(self.error("unterminated string"))
    }

    fn number(&mut self) -> Result<NodeValue, SyntaxError> {
        let start = self.at;
        while self
            .bytes
            .get(self.at)
            .is_some_and(|b| matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'))
        {
            self.at += 1;
        }
        let literal = &self.source.text()[start..self.at];
        match serde_json::from_str::<serde_json::Number>(literal) {
            Ok(n) => Ok(match n.as_i64() {
                Some(i) => NodeValue::Int(i),
                None => NodeValue::Float(n.as_f64().unwrap_or(f64::NAN)),
            }),
            Err(_) => Err(SyntaxError {
                message: format!("`{literal}` is not a JSON number"),
                pos: self.source.pos_at_byte(start),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<(Node, Vec<SyntaxIssue>), SyntaxError> {
        parse(
            &SourceFile::new("a.json", text.to_string()),
            Limits::default(),
        )
    }

    #[test]
    fn values_and_spans() {
        let text =
            "{\n  \"a\": [1, -2.5e3, \"\\ud83d\\ude00\", true, null],\n  \"b\": {\"c\": \"x\"}\n}";
        let (node, issues) = parse_str(text).unwrap();
        assert!(issues.is_empty());
        assert_eq!(
            node.to_json(),
            serde_json::json!({"a": [1, -2500.0, "😀", true, null], "b": {"c": "x"}})
        );
        let l = node.lookup("/b/c").unwrap();
        assert_eq!((l.node.span.start.line, l.node.span.start.column), (3, 14));
        assert_eq!(
            (
                l.key_span.unwrap().start.line,
                l.key_span.unwrap().start.column
            ),
            (3, 9)
        );
        let l = node.lookup("/a/2").unwrap();
        assert_eq!((l.node.span.start.column, l.node.span.end.column), (20, 34));
    }

    #[test]
    fn duplicates_and_depth() {
        let (node, issues) = parse_str("{\"a\": 1, \"a\": 2}").unwrap();
        assert_eq!(node.to_json(), serde_json::json!({"a": 2}));
        assert_eq!(issues[0].span.start.column, 10);
        let deep = "[".repeat(70) + &"]".repeat(70);
        assert!(parse_str(&deep).unwrap_err().message.contains("nested"));
    }
}
