//! Sections a rule requires, read as people write them.
//!
//! A required section is a [`Vocabulary`]: the names that count for it (each rule declares
//! them, with its reasons in its docs), matched after [`normalize`] (case, white space of any
//! kind, punctuation, numbering, `&`, `/`, `-`, articles and plural endings do not count), and
//! optionally the card's opening prose, phrases that state it anywhere in the body (`cues`),
//! or a metadata value that stands in for it (`field`). The opening prose and the phrases
//! count only where no section of the names is there: a section the template asked for and
//! nobody filled is unfilled, whatever else the text says.
//!
//! A section is judged on its own content: subsections that are sections of their own (their
//! heading is a name of another vocabulary of the document's rules) do not fill it, and
//! template placeholders, boilerplate, HTML comments and the markers of headings and labels are
//! not content. Of several headings that match, each is judged, the most specific first.

use serde_json::Value;

use crate::controls::levenshtein;
use crate::parse::Document;
use crate::parse::markdown::Heading;
use crate::placeholder::BOILERPLATE;
use crate::source::Span;

/// The names of a section, and what else stands in for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vocabulary {
    /// The names that count, as written; the first is the one the help uses.
    pub names: Vec<String>,
    normalized: Vec<String>,
    /// The prose before the first section heading counts (a card's description).
    pub opening: bool,
    /// Phrases that state this section's content wherever they stand in the prose (lower case).
    pub cues: Vec<String>,
    /// The section must report results: a table, or a number with a decimal point or a `%`.
    pub results: bool,
    /// A JSON pointer into the document's metadata whose non-empty value stands in for the
    /// section (`/model-index/0/results` for evaluation results).
    pub field: Option<String>,
}

impl Vocabulary {
    /// A vocabulary of `names` only.
    #[must_use]
    pub fn new(names: Vec<String>) -> Self {
        let normalized = names.iter().map(|n| normalize(n)).collect();
        Self {
            names,
            normalized,
            opening: false,
            cues: Vec::new(),
            results: false,
            field: None,
        }
    }

    /// Whether a heading's text is one of the names.
    #[must_use]
    pub fn names_heading(&self, text: &str) -> bool {
        let n = normalize(text);
        !n.is_empty() && self.normalized.contains(&n)
    }

    /// The normalised names, for near misses.
    fn normalized(&self) -> &[String] {
        &self.normalized
    }
}

/// What a document has of a required section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    /// A section of one of the names, filled; or what stands in for it.
    Filled,
    /// Sections of these names, none with content of its own: where to point (the first
    /// placeholder of the most specific one, else its heading) and that heading.
    Unfilled(Span, &'a Heading),
    /// Sections of these names, with nothing of their own (no placeholder either: their
    /// subsections, if any, are sections of their own): the most specific.
    Empty(&'a Heading),
    /// A filled section that was to report results and reports none.
    NoResults(&'a Heading),
    /// No section of the names, but a heading that nearly is one.
    Near(&'a Heading),
    /// Nothing.
    Missing,
}

/// Normalise a heading or a name for comparison: `2.1 Bias,\u{a0}Risks & Limitations:` and
/// `bias risks and limitations` are the same.
///
/// ```
/// use aims_lint::sections::normalize;
/// assert_eq!(normalize("2.1 Bias,\u{a0}Risks & Limitations:"), normalize("bias risks and limitation"));
/// assert_eq!(normalize("Out-of-Scope Uses"), normalize("out of scope use"));
/// assert_eq!(normalize("Preprocessing / Cleaning / Labeling"), normalize("Preprocessing/cleaning/labeling"));
/// ```
#[must_use]
pub fn normalize(text: &str) -> String {
    let lowered = text.to_lowercase();
    let mut spaced = String::with_capacity(lowered.len());
    for c in lowered.chars() {
        match c {
            '&' | '+' => spaced.push_str(" and "),
            c if c.is_alphanumeric() => spaced.push(c),
            // Apostrophes join (`user's`); everything else separates.
            '\'' | '’' => {}
            _ => spaced.push(' '),
        }
    }
    let mut words: Vec<&str> = spaced.split_whitespace().collect();
    // Numbering: `1`, `2 1` (from `2.1`), `a` (from `a.`), roman numerals.
    while words.len() > 1
        && (words[0].chars().all(|c| c.is_ascii_digit())
            || (words[0].len() == 1
                && words[0].chars().all(|c| c.is_ascii_lowercase())
                && words[0] != "a")
            || is_roman(words[0]))
    {
        words.remove(0);
    }
    words
        .into_iter()
        .filter(|w| !matches!(*w, "the" | "a" | "an"))
        .map(singular)
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_roman(word: &str) -> bool {
    matches!(
        word,
        "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix" | "x" | "xi" | "xii"
    )
}

/// `limitations` → `limitation`, `studies` → `study`; `process`, `bias`, `analysis` stay.
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies")
        && stem.len() >= 2
    {
        return format!("{stem}y");
    }
    if word.len() > 3
        && word.ends_with('s')
        && !word.ends_with("ss")
        && !word.ends_with("us")
        && !word.ends_with("is")
        && !word.ends_with("as")
    {
        return word[..word.len() - 1].to_string();
    }
    word.to_string()
}

/// Judge what `doc` has of `wanted`. `others` are the vocabularies of the document's other
/// required sections and fields: a subsection named by one of them is not content of `wanted`.
#[must_use]
pub fn judge<'a>(
    doc: &'a Document,
    wanted: &Vocabulary,
    others: &[&Vocabulary],
    data: Option<&Value>,
) -> Verdict<'a> {
    if let (Some(pointer), Some(data)) = (&wanted.field, data)
        && data.pointer(pointer).is_some_and(non_empty)
    {
        return Verdict::Filled;
    }
    let mut matching: Vec<&Heading> = doc
        .body
        .headings
        .iter()
        .filter(|h| wanted.names_heading(&h.text))
        .collect();
    // The most specific first: deeper levels, then document order.
    matching.sort_by_key(|h| (std::cmp::Reverse(h.level), h.span.start.byte));
    let mut without_results = None;
    for heading in &matching {
        if has_content(doc, heading.section, Some(heading), others) {
            if wanted.results && !has_results(doc, heading.section) {
                without_results.get_or_insert(*heading);
                continue;
            }
            return Verdict::Filled;
        }
    }
    if let Some(heading) = without_results {
        return Verdict::NoResults(heading);
    }
    // A section of the names that is there but unfilled is unfilled, whatever else the text
    // says: the template asked for it and nobody answered.
    if let Some(heading) = matching.first() {
        let (start, end) = heading.section;
        return match doc
            .body
            .placeholders
            .iter()
            .find(|(s, _)| *s >= start && *s < end)
        {
            Some((s, e)) => Verdict::Unfilled(doc.source.span_of_bytes(*s, *e), heading),
            None => Verdict::Empty(heading),
        };
    }
    if wanted.opening
        && let Some(range) = doc.body.opening
        && has_content(doc, range, None, others)
    {
        return Verdict::Filled;
    }
    if !wanted.cues.is_empty() && states(doc, &wanted.cues) {
        return Verdict::Filled;
    }
    near_miss(doc, wanted, others).map_or(Verdict::Missing, Verdict::Near)
}

/// Whether a JSON value holds something: not null, not an empty string, list or mapping.
fn non_empty(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// Whether the byte range `(start, end)` holds content of its own (see [`own_text`]).
fn has_content(
    doc: &Document,
    range: (usize, usize),
    skip: Option<&Heading>,
    others: &[&Vocabulary],
) -> bool {
    own_text(doc, range, skip, others)
        .chars()
        .any(char::is_alphanumeric)
}

/// The content of its own that the byte range `(start, end)` holds: prose, code and HTML text
/// (tags removed), without placeholders, boilerplate, the text of headings and labels, and
/// subsections that another vocabulary names (`skip` is the section's own heading).
#[must_use]
pub fn own_text(
    doc: &Document,
    (start, end): (usize, usize),
    skip: Option<&Heading>,
    others: &[&Vocabulary],
) -> String {
    let text = doc.source.text();
    // Ranges that are not content: other sections, heading and label markers, placeholders.
    let mut holes: Vec<(usize, usize)> = Vec::new();
    for h in &doc.body.headings {
        let inside = h.span.start.byte >= start && h.span.start.byte < end;
        if !inside || skip.is_some_and(|s| std::ptr::eq(s, h)) {
            continue;
        }
        holes.push((h.span.start.byte, h.span.end.byte));
        if others.iter().any(|v| v.names_heading(&h.text)) {
            holes.push(h.section);
        }
    }
    holes.extend(doc.body.placeholders.iter().copied());
    holes.extend(doc.body.anchors.iter().copied());
    holes.sort_unstable();
    let mut pieces: Vec<(usize, usize)> = doc
        .body
        .text
        .iter()
        .chain(&doc.body.other)
        .copied()
        .collect();
    pieces.sort_unstable();
    let mut own = String::new();
    for (s, e) in pieces {
        let (s, e) = (s.max(start), e.min(end));
        if s >= e {
            continue;
        }
        let mut pos = s;
        for (hs, he) in holes.iter().filter(|(hs, he)| *hs < e && *he > s) {
            if *hs > pos {
                own.push_str(&text[pos..*hs]);
            }
            pos = pos.max(*he);
        }
        if pos < e {
            own.push_str(&text[pos..e]);
        }
        // Pieces are separate words, and a line break keeps lines apart.
        own.push(if text[s..e.min(text.len())].ends_with('\n') {
            '\n'
        } else {
            ' '
        });
    }
    let mut own = strip_tags(&own);
    for sentence in BOILERPLATE {
        own = own.replace(sentence, " ");
    }
    own
}

/// Text without HTML tags.
fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether the range holds results: a table, an HTML table, or a number with a decimal point
/// or a percent sign in its prose.
fn has_results(doc: &Document, (start, end): (usize, usize)) -> bool {
    let text = doc.source.text();
    if doc.body.tables.iter().any(|(s, _)| *s >= start && *s < end)
        || doc
            .body
            .other
            .iter()
            .any(|(s, e)| *s >= start && *s < end && text[*s..*e].to_lowercase().contains("<table"))
    {
        return true;
    }
    doc.body.text.iter().any(|(s, e)| {
        let (s, e) = ((*s).max(start), (*e).min(end));
        s < e && holds_a_measure(&text[s..e])
    })
}

/// `0.91`, `91.2`, `91 %`, `91%`: a measured value (a plain integer could be a count or a year).
fn holds_a_measure(text: &str) -> bool {
    let bytes = text.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if !b.is_ascii_digit() {
            continue;
        }
        let next = bytes.get(i + 1).copied();
        let after = bytes.get(i + 2).copied();
        if next == Some(b'%') || (next == Some(b' ') && after == Some(b'%')) {
            return true;
        }
        if next == Some(b'.') && after.is_some_and(|c| c.is_ascii_digit()) {
            return true;
        }
    }
    false
}

/// Whether the prose states one of `cues` (lower case), as a phrase: in the text of the
/// document, not in its headings, labels, table of contents or placeholders.
fn states(doc: &Document, cues: &[String]) -> bool {
    let own = own_text(doc, (0, doc.source.text().len()), None, &[]).to_lowercase();
    cues.iter().any(|c| own.contains(c.as_str()))
}

/// A heading that is not one of `wanted`'s names but nearly is, and not a name of another
/// vocabulary: the closest, within a small edit distance of a name, or sharing most of its words.
fn near_miss<'a>(
    doc: &'a Document,
    wanted: &Vocabulary,
    others: &[&Vocabulary],
) -> Option<&'a Heading> {
    let mut best: Option<(usize, &Heading)> = None;
    for h in &doc.body.headings {
        let n = normalize(&h.text);
        if n.is_empty() || others.iter().any(|v| v.names_heading(&h.text)) {
            continue;
        }
        for name in wanted.normalized() {
            let distance = levenshtein(&n, name);
            let close = distance <= (name.chars().count() / 5).clamp(1, 3);
            let words: Vec<&str> = name.split(' ').collect();
            let shared = n.split(' ').filter(|w| words.contains(w)).count();
            let similar = words.len() >= 2
                && shared * 3 >= words.len() * 2
                && n.split(' ').count() <= words.len() + 1;
            if (close || similar) && best.is_none_or(|(d, _)| distance < d) {
                best = Some((distance, h));
            }
        }
    }
    best.map(|(_, h)| h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_people_use_are_the_same_name() {
        for (a, b) in [
            ("Evaluation", "Evaluations"),
            (
                "Bias, Risks, and Limitations",
                "Bias, Risks and Limitations",
            ),
            (
                "Bias,\u{a0}Risks\u{2009}and Limitations",
                "bias risks and limitations",
            ),
            ("Out-of-Scope Use", "Out of scope uses"),
            (
                "Intended Uses & Limitations",
                "intended use and limitations",
            ),
            (
                "Preprocessing/cleaning/labeling",
                "Preprocessing / Cleaning / Labeling",
            ),
            ("3.2 Training Data", "Training data"),
            ("IV. Uses", "Uses"),
            ("Model Card Contact:", "model card contact"),
            ("Users' Guide", "user guide"),
            ("Studies", "study"),
        ] {
            assert_eq!(normalize(a), normalize(b), "{a} ~ {b}");
        }
        for (a, b) in [
            ("Uses", "Misuse"),
            ("Process", "Proces"),
            ("Data", "Metadata"),
        ] {
            assert_ne!(normalize(a), normalize(b), "{a} !~ {b}");
        }
        assert_eq!(normalize("Bias"), "bias");
        assert_eq!(normalize("Analysis"), "analysis");
    }

    #[test]
    fn measures_are_decimals_and_percentages() {
        assert!(holds_a_measure("accuracy 0.91"));
        assert!(holds_a_measure("F1 of 88 %"));
        assert!(holds_a_measure("WER: 5.4"));
        assert!(!holds_a_measure("see the paper, section 4, from 2022"));
        assert!(!holds_a_measure("version 2."));
    }
}
