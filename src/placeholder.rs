//! Template placeholders: what a template leaves for someone to fill in, and what is left when
//! nobody did.
//!
//! A section that holds only placeholders is unfilled; in a governance document, any
//! placeholder is a finding where it stands. What counts, exactly:
//!
//! - the Hugging Face templates' phrase, bracketed or not, linked or not: `[More Information
//!   Needed]`, `More information needed`, `[Needs More Information]`;
//! - `TODO`, `TBD`, `TBC`, `TBA`, `FIXME`, in capitals, as words;
//! - template expressions `{{ … }}` and `{% … %}`, and elisions `[...]`, `{...}`, `[…]`;
//! - template fields in brackets: `[Company Name]`, `[AI System Name]`, `[Who approves]`
//!   (several words starting with a capital, or one generic field noun such as `[Date]`), and
//!   instructions in brackets (`[insert the scope]`, `[your organisation]`).
//!
//! Not placeholders: links and link references (`[text](url)`, `[text][ref]`, `[ref]: url`),
//! task boxes (`[x]`), citations (`[1]`, `[Smith et al., 2020]`, anything with a digit),
//! tokens in capitals (`[MASK]`, `[CLS]`), bracketed text with inner spacing (`[NP the
//! deficit ]`, linguistic annotation), and anything in code or HTML comments (the caller
//! passes prose only).

use std::sync::LazyLock;

use regex::Regex;

/// What is a placeholder wherever it stands, in one pattern (one scan of each piece of prose):
/// the phrase of the Hugging Face card templates and the sentence it closes in their
/// recommendations section; markers of unfinished text; template expressions and elisions.
static UNFILLED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i:\[\s*(?:more information needed|needs more information)\s*\]",
        r"|more information needed(?: for further recommendations\.?)?|needs more information)",
        r"|(?-u:\b)(?:TODO|TBD|TBC|TBA|FIXME)(?-u:\b):?",
        r"|\{\{[^{}\n]*\}\}|\{%[^%\n]*%\}|[\[{]\s*(?:\.\.\.|…)\s*[\]}]",
    ))
    .expect("placeholder patterns compile")
});

/// Bracketed text, to be judged by [`is_field`].
static BRACKETED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\[\]\n]+)\]").expect("brackets compile"));

/// A field in angle brackets, `<insert owner>`, `<Model Name>`, `<YYYY-MM-DD>`: Markdown reads it
/// as HTML, a reader as a blank. Tags with attributes or end tags are not fields (see
/// [`is_field`]).
static ANGLED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<([^<>\n]+)>").expect("angle brackets compile"));

/// Formats a template asks for: `YYYY-MM-DD`, `x.x`, `N`, `###`.
static FORMAT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:YYYY|YY|MM|DD|HH|X+|x+|N+|#+)(?:[-/.: ](?:YYYY|YY|MM|DD|HH|X+|x+|N+|#+))*$")
        .expect("formats compile")
});

/// Guidance a template addresses to its user: `[GUIDANCE: …]`, `[NOTE: …]`.
static GUIDANCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:GUIDANCE|INSTRUCTIONS?|TEMPLATE|EXAMPLE|NOTE|TIP|HINT|PLACEHOLDER|OPTIONAL|REQUIRED)\b")
        .expect("guidance compiles")
});

/// Generic nouns that a template puts in brackets on their own (`[Date]`, `[Owner]`).
const FIELD_NOUNS: [&str; 30] = [
    "name",
    "date",
    "organization",
    "organisation",
    "company",
    "owner",
    "title",
    "version",
    "tool",
    "department",
    "email",
    "address",
    "phone",
    "team",
    "role",
    "product",
    "system",
    "model",
    "dataset",
    "description",
    "value",
    "number",
    "link",
    "url",
    "year",
    "location",
    "country",
    "signature",
    "approver",
    "contact",
];

/// Words that open an instruction to the template's user.
const INSTRUCTIONS: [&str; 11] = [
    "insert", "add", "describe", "enter", "your", "provide", "specify", "fill", "list", "state",
    "e.g.",
];

/// Sentences the Hugging Face model card template writes when its user gives nothing: they say
/// nothing about the model. (`modelcard_template.md`, section "Recommendations".)
pub const BOILERPLATE: [&str; 1] = [
    "Users (both direct and downstream) should be made aware of the risks, biases and limitations of the model.",
];

/// Byte ranges of the placeholders in the prose `ranges` of `text`, in order.
#[must_use]
pub fn find(text: &str, ranges: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for &(start, end) in ranges {
        let piece = &text[start..end];
        let mut found: Vec<(usize, usize)> = Vec::new();
        for m in UNFILLED.find_iter(piece) {
            found.push((m.start(), m.end()));
        }
        let bytes = piece.as_bytes();
        let captures = |re: &'static Regex, open: u8| {
            bytes
                .contains(&open)
                .then(|| re.captures_iter(piece))
                .into_iter()
                .flatten()
        };
        for c in captures(&BRACKETED, b'[') {
            let Some(whole) = c.get(0) else { continue };
            let before = piece[..whole.start()].chars().next_back();
            let after = piece[whole.end()..].chars().next();
            // `[text](url)`, `[text][ref]`, `[ref]: url`, `![image]`, `\[`, and the second
            // half of `[a][b]` are links or escapes, not fields.
            let linked =
                matches!(after, Some('(' | '[' | ':')) || matches!(before, Some(']' | '!' | '\\'));
            if !linked && c[1].len() <= 600 && is_field(&c[1]) {
                found.push((whole.start(), whole.end()));
            }
        }
        for c in captures(&ANGLED, b'<') {
            let Some(whole) = c.get(0) else { continue };
            // `<!-- … -->`, `</b>`, `<a href="…">`, `<https://…>`, `<me@example.org>`.
            let markup = c[1].contains(['=', '"', '!', '@', ':']) || c[1].starts_with('/');
            if !markup && (2..=200).contains(&c[1].len()) && is_field(&c[1]) {
                found.push((whole.start(), whole.end()));
            }
        }
        found.sort_unstable();
        // Overlaps (a phrase inside brackets) count once.
        let mut last_end = 0;
        for (s, e) in found {
            if s >= last_end {
                out.push((start + s, start + e));
                last_end = e;
            }
        }
    }
    out
}

/// Whether the text inside brackets is a template field or an instruction.
#[must_use]
pub fn is_field(inner: &str) -> bool {
    // `[x]`, `[ ]`: task boxes; one character is never a field.
    if inner.trim() != inner || inner.chars().count() < 2 {
        return false;
    }
    if FORMAT.is_match(inner) || GUIDANCE.is_match(inner) {
        return true;
    }
    let lower = inner.to_lowercase();
    let words: Vec<&str> = inner.split_whitespace().collect();
    let first = words[0].to_lowercase();
    // `[your organisation]`, `[insert the scope]`, `[Role - e.g., CTO]`, `[Annual, Semi-Annual, etc.]`.
    if INSTRUCTIONS.contains(&first.as_str())
        || lower.contains("e.g.")
        || lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "etc")
    {
        return words.len() <= 24 && !lower.contains("et al");
    }
    if inner.chars().any(|c| c.is_ascii_digit())
        || !inner.chars().any(char::is_lowercase)
        || lower.contains("et al")
    {
        return false;
    }
    let capital = words[0].chars().next().is_some_and(char::is_uppercase);
    let plain = inner.chars().all(|c| {
        c.is_alphanumeric() || matches!(c, ' ' | '-' | '/' | '&' | '\'' | '’' | '(' | ')')
    });
    match words.len() {
        1 => capital && FIELD_NOUNS.contains(&first.as_str()),
        2..=8 => capital && plain,
        _ => false,
    }
}

/// Whether a whole value (a YAML or JSON string) is a placeholder: `TBD`, `[Owner Name]`,
/// `{{ owner }}`, `More information needed`, `...`.
#[must_use]
pub fn is_placeholder_value(value: &str) -> bool {
    let v = value.trim();
    // A placeholder must cover the value, so it starts at its first or second character: most
    // values are ruled out here, before any pattern runs (a value of prose that starts with
    // `The` or `No` is not scanned).
    let second = v.char_indices().nth(1).map_or("", |(i, _)| &v[i..]);
    if !may_start_placeholder(v) && !may_start_placeholder(second) {
        return matches!(v, "..." | "…" | "?" | "???");
    }
    let ranges = [(0, v.len())];
    let found = find(v, &ranges);
    let covered: usize = found.iter().map(|(s, e)| e - s).sum();
    (found.len() == 1 && covered + 1 >= v.trim_end_matches(['.', ':']).len())
        || matches!(v, "..." | "…" | "?" | "???")
}

/// Whether a match of [`UNFILLED`], [`BRACKETED`] or [`ANGLED`] can start where `s` starts:
/// a bracket, or the first letters of a phrase or a marker of [`UNFILLED`].
fn may_start_placeholder(s: &str) -> bool {
    let b = s.as_bytes();
    let starts_ignoring_case =
        |p: &str| b.len() >= p.len() && b[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    matches!(b.first(), Some(b'[' | b'{' | b'<'))
        || starts_ignoring_case("more information needed")
        || starts_ignoring_case("needs more information")
        || ["TODO", "TBD", "TBC", "TBA", "FIXME"]
            .iter()
            .any(|m| s.starts_with(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Before the start test: every value whose first two characters could begin a
    /// placeholder was scanned.
    fn scanned(value: &str) -> bool {
        let v = value.trim();
        let found = find(v, &[(0, v.len())]);
        let covered: usize = found.iter().map(|(s, e)| e - s).sum();
        (found.len() == 1 && covered + 1 >= v.trim_end_matches(['.', ':']).len())
            || matches!(v, "..." | "…" | "?" | "???")
    }

    #[test]
    fn values_ruled_out_by_their_start_are_those_a_scan_rules_out() {
        let cores = [
            "[More Information Needed]",
            "more information needed",
            "More Information Needed for further recommendations.",
            "Needs more information",
            "NEEDS MORE INFORMATION",
            "TODO",
            "TODO:",
            "TBD",
            "TBC.",
            "TBA",
            "FIXME",
            "{{ name }}",
            "{% if x %}",
            "[...]",
            "{…}",
            "[ … ]",
            "[Company Name]",
            "[insert the scope]",
            "<Model Name>",
            "<YYYY-MM-DD>",
            "...",
            "…",
            "?",
            "???",
            "The model is trained on claims.",
            "No personal data",
            "Mistral",
            "todo",
            "Tbd",
            "Fine-tuned",
            "[1]",
            "[x]",
            "<b>",
            "N/A",
            "ТODO",
        ];
        let mut checked = 0;
        for before in ["", " ", "(", "*", "\"", "T", "N", "é", "“"] {
            for core in cores {
                for after in ["", ".", ":", " ", ")", "*", " and more", "x"] {
                    let value = format!("{before}{core}{after}");
                    assert_eq!(is_placeholder_value(&value), scanned(&value), "{value:?}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 9 * cores.len() * 8);
        assert!(is_placeholder_value("(TODO"));
        assert!(is_placeholder_value("*[Company Name]"));
        assert!(!is_placeholder_value("The [Company Name]"));
    }

    fn placeholders(text: &str) -> Vec<&str> {
        find(text, &[(0, text.len())])
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn what_templates_leave_is_found() {
        assert_eq!(
            placeholders("[More Information Needed] and More information needed."),
            ["[More Information Needed]", "More information needed"]
        );
        assert_eq!(
            placeholders("[Needs More Information]"),
            ["[Needs More Information]"]
        );
        assert_eq!(
            placeholders("Owner: TBD. TODO: fill in. FIXME"),
            ["TBD", "TODO:", "FIXME"]
        );
        assert_eq!(
            placeholders("{{ card_data }} and {% if x %} and {...} and [...]"),
            ["{{ card_data }}", "{% if x %}", "{...}", "[...]"]
        );
        assert_eq!(
            placeholders("[Company Name] uses [AI System Name] for [Who approves]; see [Date]."),
            [
                "[Company Name]",
                "[AI System Name]",
                "[Who approves]",
                "[Date]"
            ]
        );
        assert_eq!(
            placeholders("[insert the scope here] and [your organisation]"),
            ["[insert the scope here]", "[your organisation]"]
        );
        assert_eq!(
            placeholders("More information needed for further recommendations."),
            ["More information needed for further recommendations."]
        );
        assert_eq!(
            placeholders(
                "**Version:** [x.x] **Date:** [YYYY-MM-DD] [Role - e.g., CTO, AI Risk Officer] [Annual, Semi-Annual, etc.]"
            ),
            [
                "[x.x]",
                "[YYYY-MM-DD]",
                "[Role - e.g., CTO, AI Risk Officer]",
                "[Annual, Semi-Annual, etc.]"
            ]
        );
        assert_eq!(
            placeholders(
                "[GUIDANCE: This policy defines HOW your organization uses AI.] [Your document ID - e.g., POL-AI-001]"
            ),
            [
                "[GUIDANCE: This policy defines HOW your organization uses AI.]",
                "[Your document ID - e.g., POL-AI-001]"
            ]
        );
        assert_eq!(
            placeholders("Owner: <insert owner>, <Model Name>, on <YYYY-MM-DD>"),
            ["<insert owner>", "<Model Name>", "<YYYY-MM-DD>"]
        );
    }

    #[test]
    fn links_boxes_citations_and_tokens_are_not_placeholders() {
        for text in [
            "[Dataset Summary](#dataset-summary)",
            "[Model Card][card] and [card]: https://example.org",
            "![Model Diagram](arch.png)",
            "- [x] done, - [ ] open",
            "see [1], [12, 13] and [Smith et al., 2020]",
            "the [MASK] token and [CLS]",
            "[NP the current account deficit ] [VP will narrow ]",
            "todo and tbd in lower case, TODOS",
            "[WinoBias] and [Paper]",
            "\\[Company Name\\]",
            "[SEP] and [UNK]",
            "(see [Smith et al., e.g. 2020])",
            "<details> <summary>More</summary> </details> <br> <sup>1</sup>",
            "<a href=\"https://x.org\">x</a> <img src=\"a.png\" alt=\"Model Diagram\">",
            "<https://example.org> and <ml-team@example.org>",
            "<p align=\"center\"> <Details>",
            "2 < 3 and 5 > 4",
        ] {
            assert!(
                placeholders(text).is_empty(),
                "{text}: {:?}",
                placeholders(text)
            );
        }
    }

    #[test]
    fn whole_values() {
        for v in [
            "TBD",
            "TODO",
            "[Owner Name]",
            "{{ owner }}",
            "More information needed",
            "...",
            "[More Information Needed]",
            "<insert scope>",
        ] {
            assert!(is_placeholder_value(v), "{v}");
        }
        for v in [
            "ai-governance-lead",
            "TBD by the board in 2026",
            "Grace Hopper",
            "N/A",
            "none",
        ] {
            assert!(!is_placeholder_value(v), "{v}");
        }
    }
}
