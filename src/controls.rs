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

/// `(id, paraphrase)` for each control: our own plain-language reading, not the standard's text.
pub const PARAPHRASES: [(&str, &str); 38] = [
    (
        "A.2.2",
        "Keep a written AI policy, approved by top management, that says how the organisation develops, provides or uses AI systems.",
    ),
    (
        "A.2.3",
        "Find the other policies (security, privacy, quality, procurement, …) that touch AI work and make them agree with the AI policy.",
    ),
    (
        "A.2.4",
        "Review the AI policy at planned intervals, and after significant change, so that it stays suitable and effective.",
    ),
    (
        "A.3.2",
        "Define the roles and responsibilities for AI and assign them to people.",
    ),
    (
        "A.3.3",
        "Give people a way to raise concerns about the organisation's AI systems, with confidentiality, protection from reprisal and escalation.",
    ),
    (
        "A.4.2",
        "List the resources each AI system needs through its life cycle: components, data, tools, compute and people.",
    ),
    (
        "A.4.3",
        "Document the data an AI system uses: origin, categories, splits, intended use, known biases, currency and retention.",
    ),
    (
        "A.4.4",
        "Document the tools behind an AI system: frameworks, libraries, evaluation and MLOps tooling, with versions.",
    ),
    (
        "A.4.5",
        "Document the compute, storage and hosting an AI system uses, where it runs, and resource effects such as energy use.",
    ),
    (
        "A.4.6",
        "Document the people and competences an AI system needs in development, deployment, operation and maintenance.",
    ),
    (
        "A.5.2",
        "Have a defined process for assessing the consequences of AI systems for people and society, and for when to reassess.",
    ),
    (
        "A.5.3",
        "Record the results of impact assessments and keep them for a defined period.",
    ),
    (
        "A.5.4",
        "Assess what an AI system could do to individuals and groups (fairness, privacy, safety, autonomy, access) over its life.",
    ),
    (
        "A.5.5",
        "Assess the wider effects of an AI system on society: environment, economy, public services, information and democracy.",
    ),
    (
        "A.6.1.2",
        "Set objectives that steer responsible development, and build ways to meet them into the development life cycle.",
    ),
    (
        "A.6.1.3",
        "Define the process for designing and developing AI systems responsibly: stages, gates, testing, approvals and change control.",
    ),
    (
        "A.6.2.2",
        "Specify the requirements of a new AI system, or of a significant change, before building it.",
    ),
    (
        "A.6.2.3",
        "Record design and development decisions (architecture, training approach, data choices, trade-offs).",
    ),
    (
        "A.6.2.4",
        "Define how an AI system is verified and validated and against which criteria, and record the results.",
    ),
    (
        "A.6.2.5",
        "Plan deployment, and confirm that the conditions for release are met before releasing.",
    ),
    (
        "A.6.2.6",
        "Define what keeps an AI system healthy after release: monitoring, repairs, updates and support.",
    ),
    (
        "A.6.2.7",
        "Decide what technical documentation each audience needs (users, partners, authorities, internal) and provide it.",
    ),
    (
        "A.6.2.8",
        "Decide in which life-cycle phases an AI system records event logs, at least while in use, and what they hold.",
    ),
    (
        "A.7.2",
        "Define and run data management for the data used to develop and improve AI systems.",
    ),
    (
        "A.7.3",
        "Record how data was obtained and selected: sources, amounts, rights, consent and selection criteria.",
    ),
    (
        "A.7.4",
        "Set data quality requirements and check that the data meets them, including effects on bias.",
    ),
    (
        "A.7.5",
        "Keep a record of where data came from and what has been done to it over its life and the system's.",
    ),
    (
        "A.7.6",
        "Record how data is selected and prepared (cleaning, labelling, transformation) and why those methods were chosen.",
    ),
    (
        "A.8.2",
        "Work out what users need to know about an AI system (purpose, limits, correct use, oversight, contact) and give it to them.",
    ),
    (
        "A.8.3",
        "Give interested parties outside the organisation a way to report adverse impacts of an AI system.",
    ),
    (
        "A.8.4",
        "Plan how incidents with AI systems are communicated to users and other affected parties.",
    ),
    (
        "A.8.5",
        "Determine and record what must be reported about AI systems to interested parties, and report it.",
    ),
    (
        "A.9.2",
        "Define how the organisation governs responsible use of AI systems: approval of new uses, prohibited uses, oversight, review.",
    ),
    (
        "A.9.3",
        "Set objectives that steer how AI systems are used responsibly.",
    ),
    (
        "A.9.4",
        "Make sure an AI system is used as intended and as its documentation describes.",
    ),
    (
        "A.10.2",
        "Divide and record responsibilities along the life cycle between the organisation and its suppliers, partners and customers.",
    ),
    (
        "A.10.3",
        "Make sure what suppliers provide (models, data, tools, services) fits the organisation's approach to responsible AI.",
    ),
    (
        "A.10.4",
        "Take customers' needs and expectations into account when providing AI products or services.",
    ),
];

/// Clauses of the management system (not Annex A controls) whose documents aims-lint checks:
/// the risk register, the Statement of Applicability, and the approval of documents, with our
/// short titles and paraphrases. Rules may name one of them as their control.
pub const CLAUSES: [(&str, &str, &str); 3] = [
    (
        "6.1.2",
        "AI risk assessment",
        "Identify the risks of the AI systems, analyse their likelihood and consequences, and record them with their level.",
    ),
    (
        "6.1.3",
        "AI risk treatment",
        "Choose how each risk is treated and which controls it needs, and state in a Statement of Applicability which Annex A controls apply, why, and whether they are in place.",
    ),
    (
        "7.5.2",
        "Creating and updating documented information",
        "When a document of the management system is created or changed, identify it, give it a suitable form, and have it reviewed and approved as fit for its purpose.",
    ),
];

/// The clause `id` of [`CLAUSES`]: id, title, paraphrase.
fn clause(id: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    CLAUSES.iter().find(|(c, _, _)| *c == id)
}

/// Our plain-language paraphrase of control `id` (or clause, see [`CLAUSES`]).
#[must_use]
pub fn paraphrase(id: &str) -> Option<&'static str> {
    PARAPHRASES
        .iter()
        .find(|(c, _)| *c == id)
        .map(|(_, t)| *t)
        .or_else(|| clause(id).map(|(_, _, p)| *p))
}

/// The short title of control `id` (or of a clause of [`CLAUSES`]), or `None` if there is no
/// such control.
///
/// ```
/// assert_eq!(aims_lint::controls::title("A.7.5"), Some("Data provenance"));
/// assert_eq!(aims_lint::controls::title("A.7.1"), None); // an objective, not a control
/// ```
#[must_use]
pub fn title(id: &str) -> Option<&'static str> {
    CONTROLS
        .iter()
        .find(|(c, _)| *c == id)
        .map(|(_, t)| *t)
        .or_else(|| clause(id).map(|(_, t, _)| *t))
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

/// Edit distance between two short strings. Strings are compared only when both are short
/// (at most 256 characters) and their lengths differ by at most 16: otherwise the result is
/// the larger length or the difference, which callers read as "far" (a 70 KB heading compared
/// with every section name took seconds).
#[must_use]
pub fn levenshtein(a: &str, b: &str) -> usize {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la > 256 || lb > 256 {
        return la.max(lb);
    }
    if la.abs_diff(lb) > 16 {
        return la.abs_diff(lb);
    }
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur: Vec<usize> = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
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
        for (id, _) in CONTROLS {
            assert!(paraphrase(id).is_some(), "{id} has no paraphrase");
        }
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
