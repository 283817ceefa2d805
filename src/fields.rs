//! Metadata that a Markdown document writes in its body.
//!
//! Rules ask for metadata fields (`owner`, `license`, `last_reviewed`); a Markdown document
//! often answers them in its text instead: a label (`**License:** MIT`, `Owner: CTO` in a
//! document control block, a row `| License | MIT |`) or a section (`## Scope`). The kind's
//! schema names, for each field, the labels and headings that answer it
//! (`x-aims-labels`); what they hold is read as the field's value, converted to its type
//! (dates to `YYYY-MM-DD`, review frequencies to months with `x-aims-unit: months`), and the
//! rules then validate it as if it were metadata, pointing at the text.
//!
//! Only fields the metadata does not have are read from the text: the front matter wins.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use serde_json::{Map, Value};

use crate::parse::Document;
use crate::parse::markdown::Heading;
use crate::parse::yaml::{Node, NodeValue};
use crate::sections::{Vocabulary, own_text};
use crate::source::Span;

/// A field that the body of a Markdown document can answer.
#[derive(Debug, Clone)]
pub struct Field {
    /// The property name.
    pub name: String,
    /// The labels and headings that answer it.
    pub vocabulary: Vocabulary,
    /// Phrases that answer it wherever they stand in the text (`x-aims-cues`), when no label
    /// or heading does: a policy that says "we are committed to …" has commitments.
    pub cues: Vec<String>,
    shape: Shape,
}

/// What a field's value is, to convert the text into it.
#[derive(Debug, Clone)]
enum Shape {
    Text,
    Date,
    Months,
    Integer,
    List,
    Map(Vec<Field>),
}

/// The fields of a document kind that its Markdown body can answer, from the kind's schema.
#[must_use]
pub fn of_kind(kind: &str) -> &'static [Field] {
    static BY_KIND: LazyLock<HashMap<String, Vec<Field>>> = LazyLock::new(|| {
        crate::init::SCHEMAS
            .iter()
            .filter_map(|(path, text)| {
                let kind = path.strip_suffix(".schema.json")?;
                let schema: Value = serde_json::from_str(text).ok()?;
                Some((kind.to_string(), fields_of(&schema)))
            })
            .collect()
    });
    BY_KIND.get(kind).map_or(&[], Vec::as_slice)
}

fn fields_of(schema: &Value) -> Vec<Field> {
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    properties
        .iter()
        .filter_map(|(name, p)| {
            let names: Vec<String> = p
                .get("x-aims-labels")?
                .as_array()?
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect();
            let types: Vec<&str> = match p.get("type") {
                Some(Value::String(t)) => vec![t.as_str()],
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
                _ => Vec::new(),
            };
            let shape = if types.contains(&"object") {
                Shape::Map(fields_of(p))
            } else if types.contains(&"array") && !types.contains(&"string") {
                Shape::List
            } else if types.contains(&"integer") {
                if p.get("x-aims-unit").and_then(Value::as_str) == Some("months") {
                    Shape::Months
                } else {
                    Shape::Integer
                }
            } else if p.get("format").and_then(Value::as_str) == Some("date") {
                Shape::Date
            } else {
                Shape::Text
            };
            let cues = p
                .get("x-aims-cues")
                .and_then(Value::as_array)
                .map(|c| {
                    c.iter()
                        .filter_map(|v| v.as_str().map(str::to_lowercase))
                        .collect()
                })
                .unwrap_or_default();
            Some(Field {
                name: name.clone(),
                vocabulary: Vocabulary::new(names),
                cues,
                shape,
            })
        })
        .collect()
}

/// A top-level key of a kind's schema written inside another key's value, where the schema
/// does not put it (`license` indented under `tags`): tools that read the metadata do not see
/// it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misplaced {
    /// The key.
    pub key: String,
    /// Where it is written.
    pub span: Span,
    /// The top-level key it is under.
    pub under: String,
    /// Whether the mapping it is in is one the schema describes: there, a key of the top level
    /// is misplaced. Elsewhere (`distribution.license` in a sheet of another format) it only
    /// tells where a missing key was written.
    pub in_known: bool,
}

/// The top-level keys of `kind` written deeper in `root`, in document order. A key that is also
/// at the top level, or that the schema allows where it is, is not misplaced.
#[must_use]
pub fn misplaced(kind: &str, root: &Node) -> Vec<Misplaced> {
    static SCHEMAS: LazyLock<HashMap<String, Value>> = LazyLock::new(|| {
        crate::init::SCHEMAS
            .iter()
            .filter_map(|(path, text)| {
                let kind = path.strip_suffix(".schema.json")?;
                Some((kind.to_string(), serde_json::from_str(text).ok()?))
            })
            .collect()
    });
    let Some(schema) = SCHEMAS.get(kind) else {
        return Vec::new();
    };
    let Some(top) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let NodeValue::Map(entries) = &root.value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Inside keys the schema knows, a misplaced key is a finding; the structure of others
    // (`train-eval-index`) is not ours to judge, but a missing key found there is pointed at.
    for e in entries {
        walk(&e.value, top.get(&e.key), top, root, &e.key, &mut out);
    }
    out
}

fn walk(
    node: &Node,
    schema: Option<&Value>,
    top: &Map<String, Value>,
    root: &Node,
    under: &str,
    out: &mut Vec<Misplaced>,
) {
    match &node.value {
        NodeValue::Map(entries) => {
            let props = schema
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object);
            for e in entries {
                let declared = props.and_then(|p| p.get(&e.key));
                if declared.is_none() && top.contains_key(&e.key) && root.get(&e.key).is_none() {
                    out.push(Misplaced {
                        key: e.key.clone(),
                        span: e.key_span,
                        under: under.to_string(),
                        in_known: props.is_some(),
                    });
                }
                walk(&e.value, declared, top, root, under, out);
            }
        }
        NodeValue::Seq(items) => {
            let items_schema = schema.and_then(|s| s.get("items"));
            for item in items {
                walk(item, items_schema, top, root, under, out);
            }
        }
        _ => {}
    }
}

/// The metadata with what the body answers added, and where each answer is.
#[derive(Debug, Clone, Default)]
pub struct Answered {
    /// The metadata, with the fields the body answers.
    pub data: Value,
    /// JSON pointer → the text that answered it (a value; for a mapping, its heading).
    pub spans: HashMap<String, Span>,
    /// JSON pointer → a placeholder where the body has the field's label or section but
    /// nothing in it, and that label's or section's text.
    pub placeholders: HashMap<String, (Span, String)>,
}

/// Answer the `fields` that `data` lacks from the body of `doc`. `None` when nothing was added.
#[must_use]
pub fn answer(doc: &Document, fields: &[Field], data: Option<&Value>) -> Option<Answered> {
    if fields.is_empty() || doc.body.headings.is_empty() {
        return None;
    }
    let mut out = Answered {
        data: data.cloned().unwrap_or_else(|| Value::Object(Map::new())),
        ..Answered::default()
    };
    let all: Vec<&Vocabulary> = fields.iter().map(|f| &f.vocabulary).collect();
    let whole = (0, doc.source.text().len());
    let Value::Object(root) = &mut out.data else {
        return None;
    };
    let mut added = false;
    for field in fields {
        if root.contains_key(&field.name) {
            continue;
        }
        let pointer = format!("/{}", field.name);
        if let Some(value) = answer_one(
            doc,
            field,
            whole,
            &all,
            &pointer,
            &mut out.spans,
            &mut out.placeholders,
        ) {
            root.insert(field.name.clone(), value);
            added = true;
        }
    }
    (added || !out.placeholders.is_empty()).then_some(out)
}

/// A mapping whose parts hold only placeholders is itself unfilled, at the first of them
/// (`## Maintenance` / `### Retention` / `[More Information Needed]`).
fn unfilled_by_parts(pointer: &str, placeholders: &mut HashMap<String, (Span, String)>) {
    let prefix = format!("{pointer}/");
    let first = placeholders
        .iter()
        .filter(|(p, _)| p.starts_with(&prefix))
        .min_by_key(|(_, (span, _))| span.start.byte)
        .map(|(_, found)| found.clone());
    if let Some(found) = first {
        placeholders.entry(pointer.to_string()).or_insert(found);
    }
}

fn answer_one(
    doc: &Document,
    field: &Field,
    within: (usize, usize),
    all: &[&Vocabulary],
    pointer: &str,
    spans: &mut HashMap<String, Span>,
    placeholders: &mut HashMap<String, (Span, String)>,
) -> Option<Value> {
    let others: Vec<&Vocabulary> = all
        .iter()
        .copied()
        .filter(|v| !std::ptr::eq(*v, &raw const field.vocabulary))
        .collect();
    let mut candidates: Vec<&Heading> = doc
        .body
        .headings
        .iter()
        .filter(|h| h.span.start.byte >= within.0 && h.span.start.byte < within.1)
        .filter(|h| field.vocabulary.names_heading(h))
        .collect();
    // Labels first (they hold a value), then the most specific heading.
    candidates.sort_by_key(|h| (std::cmp::Reverse(h.level), h.span.start.byte));
    let mut fallback: Option<(Value, Span)> = None;
    for heading in candidates {
        if let Shape::Map(children) = &field.shape {
            let child_all: Vec<&Vocabulary> = children.iter().map(|f| &f.vocabulary).collect();
            let mut map = Map::new();
            for child in children {
                let child_pointer = format!("{pointer}/{}", child.name);
                if let Some(v) = answer_one(
                    doc,
                    child,
                    heading.section,
                    &child_all,
                    &child_pointer,
                    spans,
                    placeholders,
                ) {
                    map.insert(child.name.clone(), v);
                }
            }
            if map.is_empty()
                && own_text(doc, heading.section, Some(heading), &others)
                    .trim()
                    .is_empty()
            {
                unfilled_by_parts(pointer, placeholders);
                continue;
            }
            spans.insert(pointer.to_string(), heading.span);
            return Some(Value::Object(map));
        }
        let text = own_text(doc, heading.section, Some(heading), &others);
        let text = text.trim();
        if text.is_empty() {
            let (start, end) = heading.section;
            if let Some((s, e)) = doc
                .body
                .placeholders
                .iter()
                .find(|(s, _)| *s >= start && *s < end)
            {
                placeholders
                    .entry(pointer.to_string())
                    .or_insert_with(|| (doc.source.span_of_bytes(*s, *e), heading.text.clone()));
            }
            continue;
        }
        let first_line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or(text);
        let raw = || Value::String(first_line.chars().take(200).collect());
        // A typed field takes the first text that converts; text that does not (`Approved by:
        // Board` for a date) is kept in case nothing else answers, so that the finding shows it.
        let converted = match &field.shape {
            Shape::Text => Some(raw()),
            Shape::Date => date(text).map(Value::String),
            Shape::Months => months(text).map(Value::from),
            Shape::Integer => first_line
                .split(|c: char| !c.is_ascii_digit())
                .find(|w| !w.is_empty())
                .and_then(|n| n.parse::<u64>().ok())
                .map(Value::from),
            Shape::List => Some(Value::Array(vec![raw()])),
            Shape::Map(_) => unreachable!("handled above"),
        };
        match converted {
            Some(value) => {
                spans.insert(pointer.to_string(), value_span(doc, heading));
                return Some(value);
            }
            None => {
                fallback.get_or_insert((raw(), value_span(doc, heading)));
            }
        }
    }
    if let Some((value, span)) = fallback {
        spans.insert(pointer.to_string(), span);
        return Some(value);
    }
    // A phrase of the field's cues, anywhere in the text: the sentence is the value.
    let (s, e) = crate::sections::find_cue(doc, &field.cues)?;
    let sentence = doc.source.text()[s..e].trim().to_string();
    spans.insert(pointer.to_string(), doc.source.span_of_bytes(s, e));
    Some(match &field.shape {
        Shape::Map(_) => Value::Object(Map::new()),
        Shape::List => Value::Array(vec![Value::String(sentence)]),
        _ => Value::String(sentence),
    })
}

/// Where a label's value is: the rest of its line; for a heading, the heading.
fn value_span(doc: &Document, heading: &Heading) -> Span {
    if !heading.is_label() {
        return heading.span;
    }
    let text = doc.source.text();
    let (start, end) = heading.section;
    let start = start + text[start..end].len() - text[start..end].trim_start().len();
    let line_end = text[start..end].find('\n').map_or(end, |i| start + i);
    let end = start + text[start..line_end].trim_end().len();
    if start < end {
        doc.source.span_of_bytes(start, end)
    } else {
        heading.span
    }
}

static ISO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})[-/](\d{1,2})[-/](\d{1,2})\b").expect("dates compile"));
static DAY_MONTH_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})\b")
        .expect("dates compile")
});
static MONTH_DAY_YEAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
        .expect("dates compile")
});

/// The first date in `text` as `YYYY-MM-DD`: `2025-10-26`, `2025/10/26`, `26 October 2025`,
/// `October 26, 2025`.
#[must_use]
pub fn date(text: &str) -> Option<String> {
    let iso = |y: &str, m: u32, d: &str| -> Option<String> {
        let (y, d): (i16, i8) = (y.parse().ok()?, d.parse().ok()?);
        let date = jiff::civil::Date::new(y, i8::try_from(m).ok()?, d).ok()?;
        Some(date.to_string())
    };
    if let Some(c) = ISO.captures(text) {
        return iso(&c[1], c[2].parse().ok()?, &c[3]);
    }
    if let Some(c) = DAY_MONTH_YEAR.captures(text)
        && let Some(m) = month(&c[2])
    {
        return iso(&c[3], m, &c[1]);
    }
    if let Some(c) = MONTH_DAY_YEAR.captures(text)
        && let Some(m) = month(&c[1])
    {
        return iso(&c[3], m, &c[2]);
    }
    None
}

fn month(name: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let lower = name.to_lowercase();
    let position = MONTHS.iter().position(|m| lower.starts_with(m))?;
    u32::try_from(position + 1).ok()
}

/// How many months a review frequency is: `quarterly` 3, `every six months` 6, `annually` 12,
/// `every two years` 24, `18 months` 18.
#[must_use]
pub fn months(text: &str) -> Option<u64> {
    static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(\d+|one|two|three|four|five|six|nine|twelve|eighteen|twenty-four)\s*(month|year)s?\b")
            .expect("durations compile")
    });
    let lower = text.to_lowercase();
    if let Some(c) = NUMBER.captures(&lower) {
        let n: u64 = match &c[1] {
            "one" => 1,
            "two" => 2,
            "three" => 3,
            "four" => 4,
            "five" => 5,
            "six" => 6,
            "nine" => 9,
            "twelve" => 12,
            "eighteen" => 18,
            "twenty-four" => 24,
            digits => digits.parse().ok()?,
        };
        return Some(if &c[2] == "year" { n * 12 } else { n });
    }
    let has = |w: &str| lower.contains(w);
    if has("quarter") {
        Some(3)
    } else if has("semi-annual")
        || has("semiannual")
        || has("biannual")
        || has("twice a year")
        || has("half-year")
        || has("half year")
    {
        Some(6)
    } else if has("biennial") || has("every other year") {
        Some(24)
    } else if has("annual")
        || has("yearly")
        || has("every year")
        || has("each year")
        || has("once a year")
    {
        Some(12)
    } else if has("monthly") || has("every month") || has("each month") {
        Some(1)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_people_write() {
        assert_eq!(date("2025-10-26").as_deref(), Some("2025-10-26"));
        assert_eq!(
            date("approved 2025/3/7 by the board").as_deref(),
            Some("2025-03-07")
        );
        assert_eq!(date("26 October 2025").as_deref(), Some("2025-10-26"));
        assert_eq!(date("October 26, 2025").as_deref(), Some("2025-10-26"));
        assert_eq!(date("1st Feb. 2024").as_deref(), Some("2024-02-01"));
        assert_eq!(date("2025-13-40"), None);
        assert_eq!(date("soon"), None);
    }

    #[test]
    fn review_frequencies_in_months() {
        for (text, m) in [
            ("Quarterly", 3),
            ("Semi-annually", 6),
            ("every six months", 6),
            ("Annually, or after an incident", 12),
            ("Every two years", 24),
            ("18 months", 18),
            ("Monthly", 1),
            ("Biennial", 24),
        ] {
            assert_eq!(months(text), Some(m), "{text}");
        }
        assert_eq!(months("as needed"), None);
    }

    fn answered(kind: &str, text: &str) -> Answered {
        let source = crate::source::SourceFile::new("doc.md", text.to_string());
        let (doc, _) = crate::parse::parse(
            &source,
            crate::parse::Format::Markdown,
            crate::parse::yaml::Limits::default(),
        );
        let data = doc.data.first().map(|i| i.node.to_json());
        answer(&doc, of_kind(kind), data.as_ref()).expect("something answered")
    }

    #[test]
    fn a_policy_answers_its_metadata_in_its_text() {
        let a = answered(
            "ai-policy",
            "# AI Governance Policy\n\nOrganization: ACME  \nEffective Date: 26 October 2025  \nVersion: 1.1  \nOwner: Chief Technology Officer  \nReview Frequency: Quarterly\n\n## 1.2 Scope of Application\n\nEvery AI system ACME builds or buys.\n\nApproved By:\n\n- Chief Technology Officer, Date: 2025-10-26\n",
        );
        let d = &a.data;
        assert_eq!(d["owner"], "Chief Technology Officer");
        assert_eq!(d["version"], "1.1");
        assert_eq!(d["review_interval_months"], 3);
        assert_eq!(d["last_reviewed"], "2025-10-26");
        assert_eq!(d["approval_date"], "2025-10-26");
        assert_eq!(
            d["approved_by"],
            "Chief Technology Officer, Date: 2025-10-26"
        );
        assert_eq!(d["scope"], "Every AI system ACME builds or buys.");
        // Each answer points at its text: the owner at its value.
        let owner = a.spans["/owner"];
        assert_eq!((owner.start.line, owner.start.column), (6, 8));
    }

    #[test]
    fn front_matter_wins_and_placeholders_answer_nothing() {
        let a = answered(
            "ai-policy",
            "---\nversion: 2.0\n---\n# AI Policy\n\n**Version:** 1.0  \n**Policy Owner:** [Role - e.g., CTO]\n",
        );
        assert_eq!(a.data["version"], 2.0);
        assert!(a.data.get("owner").is_none());
        let (span, label) = &a.placeholders["/owner"];
        assert_eq!((span.start.line, label.as_str()), (7, "Policy Owner"));
    }

    #[test]
    fn a_section_answers_a_mapping_and_its_labels_the_fields_inside() {
        let a = answered(
            "dataset-sheet",
            "# Sheet\n\n## Maintenance\n\n- **Retention:** deleted after 24 months\n\n## Licensing Information\n\nCC BY 4.0\n",
        );
        assert_eq!(
            a.data["maintenance"]["retention"],
            "deleted after 24 months"
        );
        assert_eq!(a.data["license"], "CC BY 4.0");
        let a = answered(
            "dataset-sheet",
            "# Sheet\n\n## Maintenance\n\nThe data team maintains it.\n",
        );
        assert_eq!(a.data["maintenance"], serde_json::json!({}));
        assert_eq!(a.spans["/maintenance"].start.line, 3);
    }
}
