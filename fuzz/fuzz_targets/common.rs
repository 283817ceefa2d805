//! What every target asserts: the input gives a result or findings, never a panic; every
//! span and every pointer lookup stays inside the input; printed text holds no raw control
//! character.

#![allow(dead_code, reason = "each target uses a part of the helpers")]

use std::sync::{Arc, LazyLock};

use aims_lint::config::Settings;
use aims_lint::finding::Finding;
use aims_lint::parse::{self, Format};
use aims_lint::rules::Registry;
use aims_lint::source::{SourceFile, Span};

pub static SETTINGS: LazyLock<Settings> =
    LazyLock::new(|| Settings::defaults(std::env::temp_dir()));
pub static REGISTRY: LazyLock<Registry> =
    LazyLock::new(|| Registry::load(&SETTINGS).expect("built-in rules load"));

pub fn source(name: &str, data: &[u8]) -> Option<Arc<SourceFile>> {
    let text = std::str::from_utf8(data).ok()?;
    Some(SourceFile::new(name, text.strip_prefix('\u{feff}').unwrap_or(text).to_string()))
}

pub fn assert_span(source: &SourceFile, span: Span) {
    let len = source.text().len();
    assert!(span.start.byte <= span.end.byte.max(span.start.byte));
    assert!(span.end.byte <= len, "span {span:?} past {len}");
    assert!(source.text().is_char_boundary(span.start.byte));
    assert!(span.start.line >= 1 && span.start.line as usize <= source.line_count());
    assert!(span.start.column >= 1);
    let back = source.pos_at_byte(span.start.byte);
    assert_eq!((back.line, back.column), (span.start.line, span.start.column));
}

pub fn assert_findings(source: &SourceFile, findings: &[Finding]) {
    for f in findings {
        assert_span(source, f.span);
        for (span, label) in &f.related {
            assert_span(source, *span);
            assert!(!aims_lint::visible::has_unsafe(&aims_lint::visible::visible(label)));
        }
        if let Some(d) = &f.detail {
            assert!(!aims_lint::visible::has_unsafe(&aims_lint::visible::visible(d)));
        }
    }
}

/// Parse as `format`, check as `kind`, and look up every pointer of the data.
pub fn run(name: &str, data: &[u8], format: Format, kind: &str) {
    let Some(source) = source(name, data) else { return };
    let (doc, mut findings) = parse::parse(&source, format, SETTINGS.limits);
    findings.extend(aims_lint::check::check(&doc, kind, &REGISTRY));
    assert_findings(&source, &findings);
    for instance in &doc.data {
        assert_span(&source, instance.root_anchor);
        let json = instance.node.to_json();
        let mut pointers = Vec::new();
        collect(&json, String::new(), &mut pointers);
        for p in pointers.iter().take(2000) {
            let found = instance.node.lookup(p);
            assert!(found.is_some(), "pointer {p} of the data does not resolve");
            let found = found.unwrap();
            assert_span(&source, found.node.span);
            if let Some(k) = found.key_span {
                assert_span(&source, k);
            }
        }
    }
    let _ = aims_lint::suppress::scan(&source, format);
}

fn collect(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                collect(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                collect(v, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
