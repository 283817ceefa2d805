//! Licences named in prose: which of the common ones a text names, as Hugging Face licence
//! identifiers, so that a card's `license:` metadata can be compared with its licence section.

/// Common licences: the Hugging Face (mostly SPDX) identifier, and how people write it.
/// Spellings are compared after [`normalize`]; the identifier itself always counts.
const KNOWN: &[(&str, &[&str])] = &[
    (
        "apache-2.0",
        &[
            "apache 2.0",
            "apache license 2.0",
            "apache license version 2.0",
            "apache v2",
            "apache v2.0",
            "apache2",
            "apache license v2.0",
        ],
    ),
    ("mit", &["mit license", "the mit license"]),
    ("bsd-3-clause", &["bsd 3 clause", "3 clause bsd", "bsd 3"]),
    ("bsd-2-clause", &["bsd 2 clause", "2 clause bsd"]),
    (
        "gpl-3.0",
        &[
            "gplv3",
            "gpl v3",
            "gnu general public license v3",
            "gnu gpl v3",
            "gpl 3",
        ],
    ),
    (
        "gpl-2.0",
        &["gplv2", "gpl v2", "gnu general public license v2", "gpl 2"],
    ),
    (
        "agpl-3.0",
        &["agplv3", "agpl v3", "gnu affero general public license"],
    ),
    ("lgpl-3.0", &["lgplv3", "lgpl v3"]),
    ("mpl-2.0", &["mozilla public license 2.0", "mpl 2"]),
    (
        "cc-by-4.0",
        &["cc by 4.0", "creative commons attribution 4.0"],
    ),
    (
        "cc-by-3.0",
        &["cc by 3.0", "creative commons attribution 3.0"],
    ),
    (
        "cc-by-sa-4.0",
        &[
            "cc by sa 4.0",
            "creative commons attribution sharealike 4.0",
        ],
    ),
    ("cc-by-sa-3.0", &["cc by sa 3.0"]),
    (
        "cc-by-nc-4.0",
        &[
            "cc by nc 4.0",
            "creative commons attribution noncommercial 4.0",
            "creative commons attribution non commercial 4.0",
        ],
    ),
    ("cc-by-nc-sa-4.0", &["cc by nc sa 4.0"]),
    ("cc-by-nc-nd-4.0", &["cc by nc nd 4.0"]),
    ("cc-by-nd-4.0", &["cc by nd 4.0"]),
    ("cc0-1.0", &["cc0", "cc0 1.0", "cc zero"]),
    ("openrail", &[]),
    ("creativeml-openrail-m", &["creativeml openrail m"]),
    ("bigscience-openrail-m", &["bigscience openrail m"]),
    (
        "bigscience-bloom-rail-1.0",
        &["bigscience bloom rail 1.0", "bloom rail"],
    ),
    ("llama2", &["llama 2 community license"]),
    ("llama3", &["llama 3 community license"]),
    ("llama3.1", &["llama 3.1 community license"]),
    ("gemma", &["gemma terms of use", "gemma terms"]),
    ("odc-by", &["odc by", "open data commons attribution"]),
    ("odbl", &["open database license"]),
    ("unlicense", &["the unlicense"]),
    ("wtfpl", &[]),
];

/// Lower case, words of letters, digits and inner dots (`4.0`), single spaces, padded with a
/// space on each side.
fn normalize(text: &str) -> String {
    let lower: String = text
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '.' {
                c
            } else {
                ' '
            }
        })
        .collect();
    let words: Vec<&str> = lower
        .split_whitespace()
        .map(|w| w.trim_matches('.'))
        .filter(|w| !w.is_empty())
        .collect();
    format!(" {} ", words.join(" "))
}

/// Whether `id` is one of the identifiers this module knows.
#[must_use]
pub fn is_known(id: &str) -> bool {
    KNOWN.iter().any(|(k, _)| k.eq_ignore_ascii_case(id))
}

/// The identifiers of the licences `text` names, in the order of [`KNOWN`].
#[must_use]
pub fn named_in(text: &str) -> Vec<&'static str> {
    let text = normalize(text);
    let mut out = Vec::new();
    for (id, spellings) in KNOWN {
        let id_spelling = normalize(id);
        let hit = std::iter::once(id_spelling.as_str())
            .chain(spellings.iter().map(|s| s.trim()))
            .any(|s| {
                let s = normalize(s);
                text.contains(&s)
            });
        if hit {
            out.push(*id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn licences_are_recognised_as_people_write_them() {
        assert_eq!(
            named_in("Released under the Apache License, Version 2.0."),
            ["apache-2.0"]
        );
        assert_eq!(
            named_in("Code is MIT, weights are CC-BY-NC 4.0"),
            ["mit", "cc-by-nc-4.0"]
        );
        assert_eq!(named_in("licensed CC BY-SA 4.0"), ["cc-by-sa-4.0"]);
        assert_eq!(named_in("under the Llama 2 Community License"), ["llama2"]);
        assert_eq!(
            named_in("see [Gemma Terms](https://ai.google.dev/gemma/terms)"),
            ["gemma"]
        );
        assert!(named_in("please submit feedback; the admit flow").is_empty());
        assert!(named_in("a GPL-compatible agplv3 project").contains(&"agpl-3.0"));
        assert!(!named_in("cc by nc 4.0").contains(&"cc-by-4.0"));
        assert_eq!(
            named_in("shared under CC BY-NC-SA 4.0."),
            ["cc-by-nc-sa-4.0"]
        );
    }
}
