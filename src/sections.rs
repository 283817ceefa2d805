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
        let normalized = names
            .iter()
            .map(|n| match n.strip_prefix('~') {
                Some(phrase) => format!("~{}", normalize(phrase)),
                None => normalize(n),
            })
            .collect();
        Self {
            names,
            normalized,
            opening: false,
            cues: Vec::new(),
            results: false,
            field: None,
        }
    }

    /// Whether a heading is one of the names. A name that starts with `~` is a phrase that
    /// the heading contains (Datasheets for Datasets asks its questions as headings: `~
    /// retention` matches "Are there applicable limits on the retention of the data?").
    #[must_use]
    pub fn names_heading(&self, heading: &Heading) -> bool {
        self.names_key(&heading.key)
    }

    /// Whether a heading whose text normalises to `key` (see [`normalize`]) is one of the names.
    #[must_use]
    pub fn names_key(&self, key: &str) -> bool {
        if key.is_empty() {
            return false;
        }
        self.normalized
            .iter()
            .any(|name| match name.strip_prefix('~') {
                Some(phrase) => contains_words(key, phrase.trim()),
                None => name == key,
            })
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

/// Whether `words` contains `phrase` as whole words (both normalised: single spaces).
fn contains_words(words: &str, phrase: &str) -> bool {
    !phrase.is_empty()
        && words.match_indices(phrase).any(|(at, _)| {
            let end = at + phrase.len();
            (at == 0 || words.as_bytes()[at - 1] == b' ')
                && (end == words.len() || words.as_bytes()[end] == b' ')
        })
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
        .filter(|h| wanted.names_heading(h))
        .collect();
    // The most specific first: deeper levels, then document order.
    matching.sort_by_key(|h| (std::cmp::Reverse(h.level), h.span.start.byte));
    let mut without_results = None;
    for heading in &matching {
        if has_content(doc, heading.section, Some(heading), others) {
            if wanted.results && !has_results(doc, heading, others) {
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
    // Results reported in a table elsewhere (under "Overview") are results.
    if wanted.results && results_table_anywhere(doc) {
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
    range: (usize, usize),
    skip: Option<&Heading>,
    others: &[&Vocabulary],
) -> String {
    let text = doc.source.text();
    let mut own = String::new();
    for (s, e) in own_pieces(doc, range, skip, others) {
        own.push_str(&text[s..e]);
        // Pieces are separate words, and a line break keeps lines apart.
        own.push(if text[s..e].ends_with('\n') {
            '\n'
        } else {
            ' '
        });
    }
    let mut own = strip_tags(&own);
    for sentence in BOILERPLATE {
        if own.contains(sentence) {
            own = own.replace(sentence, " ");
        }
    }
    own
}

/// The byte ranges of [`own_text`], in order.
fn own_pieces(
    doc: &Document,
    (start, end): (usize, usize),
    skip: Option<&Heading>,
    others: &[&Vocabulary],
) -> Vec<(usize, usize)> {
    // Ranges that are not content: other sections, heading and label markers, placeholders.
    let mut holes: Vec<(usize, usize)> = Vec::new();
    for h in &doc.body.headings {
        let inside = h.span.start.byte >= start && h.span.start.byte < end;
        if !inside || skip.is_some_and(|s| std::ptr::eq(s, h)) {
            continue;
        }
        holes.push((h.span.start.byte, h.span.end.byte));
        if others.iter().any(|v| v.names_heading(h)) {
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
    let mut out = Vec::new();
    for (s, e) in pieces {
        let (s, e) = (s.max(start), e.min(end));
        if s >= e {
            continue;
        }
        let mut pos = s;
        for (hs, he) in holes.iter().filter(|(hs, he)| *hs < e && *he > s) {
            if *hs > pos {
                out.push((pos, *hs));
            }
            pos = pos.max(*he);
        }
        if pos < e {
            out.push((pos, e));
        }
    }
    out
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

/// Whether the section under `heading` holds results of its own: a table, an HTML table, or
/// a number with a decimal point or a percent sign, outside the subsections that are sections
/// of their own.
fn has_results(doc: &Document, heading: &Heading, others: &[&Vocabulary]) -> bool {
    let text = doc.source.text();
    let pieces = own_pieces(doc, heading.section, Some(heading), others);
    let kept = |(s, e): (usize, usize)| pieces.iter().any(|(ps, pe)| *ps < e && *pe > s);
    doc.body.tables.iter().any(|t| kept(t.range))
        || pieces.iter().any(|(s, e)| {
            let piece = &text[*s..*e];
            piece.to_lowercase().contains("<table") || holds_a_measure(piece)
        })
}

/// Words that name a measured result in a table's header: a table of results, wherever it is.
const METRICS: [&str; 26] = [
    "acc",
    "accuracy",
    "top1",
    "top-1",
    "top 1",
    "f1",
    "bleu",
    "rouge",
    "wer",
    "cer",
    "precision",
    "recall",
    "auc",
    "map",
    "mae",
    "rmse",
    "mse",
    "exact match",
    "perplexity",
    "win rate",
    "pass@1",
    "score",
    "error",
    "iou",
    "mmlu",
    "result",
];

/// A table whose header names a metric, with a measured value in it (`| Model | Top1 Acc. |`).
fn results_table_anywhere(doc: &Document) -> bool {
    let text = doc.source.text();
    doc.body.tables.iter().any(|t| {
        let names_a_metric = t.header.iter().any(|cell| {
            let cell = cell.to_lowercase();
            cell.split(|c: char| !c.is_alphanumeric() && c != '@' && c != '-')
                .any(|w| METRICS.contains(&w))
                || METRICS.iter().any(|m| m.contains(' ') && cell.contains(m))
        });
        names_a_metric && holds_a_measure(&text[t.range.0..t.range.1])
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
    let own = doc
        .body
        .prose
        .get_or_init(|| own_text(doc, (0, doc.source.text().len()), None, &[]).to_lowercase());
    cues.iter().any(|c| {
        own.match_indices(c.as_str())
            .any(|(i, _)| cue_counts(own, i, c))
    })
}

/// Words that make a cue's sentence about the machine or a file format, not the model's data
/// or use: "trained on NVIDIA GB200", "trained on our harmony response format".
const NOT_ABOUT_DATA_OR_USE: [&str; 14] = [
    "gpu", "gpus", "tpu", "tpus", "nvidia", "cuda", "a100", "h100", "v100", "gb200", "hardware",
    "cluster", "vram", "format",
];

/// Whether cue `cue` at byte `i` of the lower-case prose `own` states what it cues: not after
/// "not" (`intended for` in `not intended for`), and not about hardware or a format in the
/// few words that follow it.
fn cue_counts(own: &str, i: usize, cue: &str) -> bool {
    if !cue.starts_with("not ") && own[..i].ends_with("not ") {
        return false;
    }
    let rest = &own[i + cue.len()..];
    let sentence = rest.split(['.', '\n', ';']).next().unwrap_or_default();
    !sentence
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .any(|w| NOT_ABOUT_DATA_OR_USE.contains(&w))
}

/// The first place the prose states one of `cues` (lower case), as a byte range of the text
/// it stands in; not in headings, labels, a table of contents or placeholders, and not after
/// "not".
#[must_use]
pub fn find_cue(doc: &Document, cues: &[String]) -> Option<(usize, usize)> {
    // Most documents state none of the cues: ask the whole prose first, then find where.
    if cues.is_empty() || !states(doc, cues) {
        return None;
    }
    let text = doc.source.text();
    for (s, e) in own_pieces(doc, (0, text.len()), None, &[]) {
        let piece = text[s..e].to_lowercase();
        for cue in cues {
            if let Some(i) = piece
                .match_indices(cue.as_str())
                .map(|(i, _)| i)
                .find(|i| cue_counts(&piece, *i, cue))
            {
                // Lower-casing keeps byte offsets for the text we write; fall back to the piece.
                return Some(if piece.len() == e - s {
                    (s + i, s + i + cue.len())
                } else {
                    (s, e)
                });
            }
        }
    }
    None
}

/// A heading that is not one of `wanted`'s names but nearly is, and not a name of another
/// vocabulary or the title: the closest within a small edit distance of a name (a fifth of its
/// length, one to three), or one with the same words but one that is itself a near spelling
/// (`Out of scope usage` for `Out-of-Scope Use`).
fn near_miss<'a>(
    doc: &'a Document,
    wanted: &Vocabulary,
    others: &[&Vocabulary],
) -> Option<&'a Heading> {
    let mut best: Option<(usize, &Heading)> = None;
    for h in doc.body.headings.iter().filter(|h| h.level > 1) {
        let n = &h.key;
        if n.is_empty() || others.iter().any(|v| v.names_heading(h)) {
            continue;
        }
        for name in wanted.normalized().iter().filter(|n| !n.starts_with('~')) {
            let distance = levenshtein(n, name);
            let close = distance <= (name.chars().count() / 5).clamp(1, 3);
            let (ours, theirs): (Vec<&str>, Vec<&str>) =
                (n.split(' ').collect(), name.split(' ').collect());
            let one_word_apart = ours.len() == theirs.len()
                && theirs.len() >= 2
                && ours
                    .iter()
                    .zip(&theirs)
                    .filter(|(a, b)| a != b)
                    .all(|(a, b)| levenshtein(a, b) <= 2)
                && ours.iter().zip(&theirs).filter(|(a, b)| a != b).count() == 1;
            if (close || one_word_apart) && best.is_none_or(|(d, _)| distance < d) {
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

    fn doc(text: &str) -> Document {
        let source = crate::source::SourceFile::new("card.md", text.to_string());
        crate::parse::parse(
            &source,
            crate::parse::Format::Markdown,
            crate::parse::yaml::Limits::default(),
        )
        .0
    }

    fn vocabulary(names: &[&str]) -> Vocabulary {
        Vocabulary::new(names.iter().map(|n| (*n).to_string()).collect())
    }

    fn verdict(text: &str, wanted: &Vocabulary, others: &[&Vocabulary]) -> String {
        let d = doc(text);
        let data = d.data.first().map(|i| i.node.to_json());
        match judge(&d, wanted, others, data.as_ref()) {
            Verdict::Filled => "filled".to_string(),
            Verdict::Missing => "missing".to_string(),
            Verdict::Near(h) => format!("near {}", h.text),
            Verdict::Unfilled(span, h) => {
                format!("unfilled {} at line {}", h.text, span.start.line)
            }
            Verdict::Empty(h) => format!("empty {}", h.text),
            Verdict::NoResults(h) => format!("no results in {}", h.text),
        }
    }

    #[test]
    fn the_section_that_matches_is_judged_not_its_parent() {
        let uses = vocabulary(&["Uses", "Direct Use"]);
        let out_of_scope = vocabulary(&["Out-of-Scope Use"]);
        let card = "# M\n\n## Uses\n\n### Direct Use\n\n[More Information Needed]\n\n### Out-of-Scope Use\n\nNot for pricing.\n";
        // The out-of-scope text does not fill "Uses"; the direct use is what is unfilled.
        assert_eq!(
            verdict(card, &uses, &[&out_of_scope]),
            "unfilled Direct Use at line 7"
        );
        assert_eq!(verdict(card, &out_of_scope, &[&uses]), "filled");
        // A subsection that no rule names is the parent's own content.
        let evaluation = vocabulary(&["Evaluation"]);
        assert_eq!(
            verdict(
                "# M\n\n## Evaluation\n\n### Testing Data\n\nThe 2025 tickets, F1 0.91.\n",
                &evaluation,
                &[]
            ),
            "filled"
        );
        // Headings that nobody filled, and no placeholder either: empty.
        assert_eq!(
            verdict(
                "# M\n\n## Uses\n\n### Out-of-Scope Use\n\nNot for pricing.\n",
                &uses,
                &[&out_of_scope]
            ),
            "empty Uses"
        );
    }

    #[test]
    fn results_cues_opening_and_metadata_stand_in_as_declared() {
        let mut evaluation = vocabulary(&["Evaluation"]);
        evaluation.results = true;
        evaluation.field = Some("/model-index/0/results".to_string());
        assert_eq!(
            verdict("# M\n\n## Evaluation\n\nSee the paper.\n", &evaluation, &[]),
            "no results in Evaluation"
        );
        assert_eq!(
            verdict(
                "# M\n\n## Evaluation\n\n| metric | value |\n|---|---|\n| F1 | high |\n",
                &evaluation,
                &[]
            ),
            "filled"
        );
        assert_eq!(
            verdict(
                "# M\n\n## Evaluation\n\nAccuracy 91.2 % on the test split.\n",
                &evaluation,
                &[]
            ),
            "filled"
        );
        assert_eq!(
            verdict(
                "---\nmodel-index:\n  - name: m\n    results: [{task: {type: x}}]\n---\n# M\n",
                &evaluation,
                &[]
            ),
            "filled"
        );

        let mut out_of_scope = vocabulary(&["Out-of-Scope Use"]);
        out_of_scope.cues = vec!["should not be used".to_string()];
        assert_eq!(
            verdict(
                "# M\n\nIt should not be used for pricing.\n",
                &out_of_scope,
                &[]
            ),
            "filled"
        );
        // Not in a heading or a table of contents: that names the topic, it does not state it.
        assert_eq!(
            verdict("# M\n\n## It should not be used\n", &out_of_scope, &[]),
            "missing"
        );
        // An unfilled section is unfilled, whatever the text says elsewhere.
        assert_eq!(
            verdict(
                "# M\n\nIt should not be used for pricing.\n\n## Out-of-Scope Use\n\nTBD\n",
                &out_of_scope,
                &[]
            ),
            "unfilled Out-of-Scope Use at line 7"
        );

        let mut description = vocabulary(&["Model Description"]);
        description.opening = true;
        assert_eq!(
            verdict(
                "# Router\n\nRoutes support tickets.\n\n## Uses\n\nx\n",
                &description,
                &[]
            ),
            "filled"
        );
        assert_eq!(
            verdict(
                "# Router\n\n<!-- summary -->\n[More Information Needed]\n\n## Uses\n",
                &description,
                &[]
            ),
            "missing"
        );
    }

    #[test]
    fn a_heading_that_nearly_matches_is_named() {
        let out_of_scope = vocabulary(&["Out-of-Scope Use"]);
        assert_eq!(
            verdict("# M\n\n## Out of scope usage\n\nx\n", &out_of_scope, &[]),
            "near Out of scope usage"
        );
        assert_eq!(
            verdict("# M\n\n## Installation\n\nx\n", &out_of_scope, &[]),
            "missing"
        );
    }
}
