//! The canonical list of ISO/IEC 42001:2023 Annex A control ids and short titles.
//!
//! Ids and short titles are identifiers that public sources agree on; no text of the standard
//! is reproduced. A control id that is not in this list (`A.7.1`, `A.3.4`, …) is rejected with
//! the closest real ids, because public pages often invent or renumber controls.

/// `(id, short title)` for each of the 38 controls, in document order.
pub const CONTROLS: [(&str, &str); 38] = [
    ("A.2.2", "AI policy"),
    ("A.2.3", "Alignment with other organizational policies"),
    ("A.2.4", "Review of the AI policy"),
    ("A.3.2", "AI roles and responsibilities"),
    ("A.3.3", "Reporting of concerns"),
    ("A.4.2", "Resource documentation"),
    ("A.4.3", "Data resources"),
    ("A.4.4", "Tooling resources"),
    ("A.4.5", "System and computing resources"),
    ("A.4.6", "Human resources"),
    ("A.5.2", "AI system impact assessment process"),
    ("A.5.3", "Documentation of AI system impact assessments"),
    (
        "A.5.4",
        "Assessing AI system impact on individuals or groups of individuals",
    ),
    ("A.5.5", "Assessing societal impacts of AI systems"),
    (
        "A.6.1.2",
        "Objectives for responsible development of AI system",
    ),
    (
        "A.6.1.3",
        "Processes for responsible AI system design and development",
    ),
    ("A.6.2.2", "AI system requirements and specification"),
    (
        "A.6.2.3",
        "Documentation of AI system design and development",
    ),
    ("A.6.2.4", "AI system verification and validation"),
    ("A.6.2.5", "AI system deployment"),
    ("A.6.2.6", "AI system operation and monitoring"),
    ("A.6.2.7", "AI system technical documentation"),
    ("A.6.2.8", "AI system recording of event logs"),
    ("A.7.2", "Data for development and enhancement of AI system"),
    ("A.7.3", "Acquisition of data"),
    ("A.7.4", "Quality of data for AI systems"),
    ("A.7.5", "Data provenance"),
    ("A.7.6", "Data preparation"),
    ("A.8.2", "System documentation and information for users"),
    ("A.8.3", "External reporting"),
    ("A.8.4", "Communication of incidents"),
    ("A.8.5", "Information for interested parties"),
    ("A.9.2", "Processes for responsible use of AI systems"),
    ("A.9.3", "Objectives for responsible use of AI system"),
    ("A.9.4", "Intended use of the AI system"),
    ("A.10.2", "Allocating responsibilities"),
    ("A.10.3", "Suppliers"),
    ("A.10.4", "Customers"),
];

/// The short title of control `id`, or `None` if there is no such control.
///
/// ```
/// assert_eq!(aims_lint::controls::title("A.7.5"), Some("Data provenance"));
/// assert_eq!(aims_lint::controls::title("A.7.1"), None); // an objective, not a control
/// ```
#[must_use]
pub fn title(id: &str) -> Option<&'static str> {
    CONTROLS.iter().find(|(c, _)| *c == id).map(|(_, t)| *t)
}

/// Why `id` is not a control, and which controls were probably meant.
///
/// ```
/// let why = aims_lint::controls::explain_unknown("A.3.4");
/// assert!(why.starts_with("`A.3.4` is not an ISO/IEC 42001 Annex A control"));
/// assert!(why.contains("A.3.2 (AI roles and responsibilities)"));
/// ```
#[must_use]
pub fn explain_unknown(id: &str) -> String {
    let mut why = format!("`{id}` is not an ISO/IEC 42001 Annex A control");
    if id.ends_with(".1") && id.starts_with("A.") {
        why.push_str(" (the `.1` of each group is its objective; controls start at `.2`)");
    }
    let near = closest(id, CONTROLS.iter().map(|(c, _)| *c), 3);
    if !near.is_empty() {
        let list: Vec<String> = near
            .iter()
            .map(|c| format!("{c} ({})", title(c).unwrap_or_default()))
            .collect();
        why.push_str("; did you mean ");
        why.push_str(&list.join(", "));
        why.push('?');
    }
    why
}

/// Up to `n` candidates closest to `word`: same group first, then by edit distance.
#[must_use]
pub fn closest<'a>(
    word: &str,
    candidates: impl Iterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let group = |s: &str| s.rsplit_once('.').map(|(g, _)| g.to_string());
    let mut scored: Vec<(usize, &str)> = candidates
        .map(|c| {
            let same_group = group(c).is_some() && group(c) == group(word);
            (levenshtein(word, c) + if same_group { 0 } else { 2 }, c)
        })
        .filter(|(d, _)| *d <= 4)
        .collect();
    scored.sort_unstable();
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

/// Edit distance between two short strings.
#[must_use]
pub fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_38_unique_controls() {
        let mut ids: Vec<_> = CONTROLS.iter().map(|(c, _)| c).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 38);
    }

    #[test]
    fn unknown_controls_get_suggestions() {
        let why = explain_unknown("A.7.1");
        assert!(why.contains("objective"), "{why}");
        assert!(why.contains("A.7.2"), "{why}");
        assert!(explain_unknown("A.3.4").contains("A.3.2"));
        assert!(title("A.11.2").is_none());
    }
}
