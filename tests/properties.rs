//! Properties that hold for any input: a result or findings, never a panic; every span inside
//! its document and at a character boundary; no text output with a raw control character.
//! Inputs are generated from fragments of real documents and hostile pieces with a fixed seed
//! (deterministic), as model cards, policies, YAML and JSON sheets, in every output format.
//! `fuzz/` explores the same properties without bounds.

#![allow(clippy::unwrap_used, reason = "a test fails by panicking")]

mod common;

use std::path::PathBuf;

use aims_lint::config::Settings;
use aims_lint::discover::Candidate;
use aims_lint::report::{self, Format, Options};
use aims_lint::rules::Registry;

/// Pieces that documents are made of, hostile ones included.
const FRAGMENTS: &[&str] = &[
    "---\n",
    "license: mit\n",
    "aims-kind: risk-register\n",
    "aims-kind: \"model-card\"\n",
    "datasets: [a, b]\n",
    "model-index:\n  - name: x\n    results:\n      - task: {type: t}\n        metrics: [{type: acc, value: 0.9}]\n",
    "# Title\n",
    "## Uses\n",
    "## Out-of-Scope Use\n",
    "### Training Data\n",
    "[More Information Needed]\n",
    "**License:** Apache 2.0\n",
    "- Contact: ml@example.org\n",
    "| a | b |\n|---|---|\n| 1 | 0.91 |\n",
    "<!-- aims-lint: disable-file A.9.4 reason=\"x\" -->\n",
    "# aims-lint: disable A.7.5 reason=\"y\" until=2001-01-01\n",
    "description: |\n  # aims-lint: disable-file A.7.5 reason=\"data\"\n",
    "{\"a\": [1, {\"b\": \"c\"}]}\n",
    "&anchor [1, 2]\n",
    "*anchor\n",
    "key: 'unterminated\n",
    "[Company Name] TODO {{ name }} <insert owner>\n",
    "\u{1b}[2J\u{1b}]0;title\u{7}",
    "\r::error::injected\r\n",
    "\u{202e}reversed\u{2066}",
    "\u{85}\u{9b}31m",
    "é😀\u{a0}",
    "\t- item\n",
    "```\ncode # aims-lint: disable-file A.2.2 reason=\"in code\"\n```\n",
    "\0\u{1}\u{7f}",
    "\n",
    "    indented: [x, {y: z}]\n",
    "owner: \"Policy Owner\"\nversion: \"[Version]\"\n",
];

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }
}

/// 400 documents made of [`FRAGMENTS`] with a fixed seed, written under `dir`, as candidates
/// of a run, with their texts by path.
fn inputs(dir: &std::path::Path) -> (Vec<Candidate>, std::collections::HashMap<String, String>) {
    let mut rng = Lcg(0x5eed);
    let names = [
        "model-cards/{i}.md",
        "policies/ai-policy-{i}.md",
        "datasets/{i}.yaml",
        "risk/{i}.json",
        "suppliers/{i}\n::warning::x.yaml",
    ];
    let mut candidates = Vec::new();
    let mut texts = std::collections::HashMap::new();
    for i in 0..400 {
        let rel = names[i % names.len()].replace("{i}", &i.to_string());
        let mut text = String::new();
        for _ in 0..=(rng.next() % 12) {
            text.push_str(FRAGMENTS[rng.next() % FRAGMENTS.len()]);
        }
        let path = dir.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        texts.insert(rel.clone(), text);
        candidates.push(Candidate {
            rel,
            path: PathBuf::from(&path),
            explicit: true,
        });
    }
    (candidates, texts)
}

/// Report options without colour, with links to files, reading files again under `root`.
fn options(root: Option<&std::path::Path>) -> Options {
    Options {
        link_base: Some("https://github.com/o/r/blob/abc".to_string()),
        root: root.map(std::path::Path::to_path_buf),
        ..Options::default()
    }
}

#[test]
fn any_input_gives_findings_inside_it_and_safe_text_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let settings = Settings::defaults(dir.path().to_path_buf());
    let registry = Registry::load(&settings).unwrap();
    let (candidates, texts) = inputs(dir.path());
    let outcome = aims_lint::run::lint(
        candidates,
        Vec::new(),
        &settings,
        &registry,
        dir.path(),
        None,
    );
    assert!(!outcome.findings.is_empty());
    for f in &outcome.findings {
        let source = &f.source;
        let text = source.text();
        for span in std::iter::once(f.span).chain(f.related.iter().map(|(s, _)| *s)) {
            assert!(span.start.byte <= span.end.byte, "{f:?}");
            assert!(span.end.byte <= text.len(), "{f:?}");
            assert!(text.is_char_boundary(span.start.byte) && text.is_char_boundary(span.end.byte));
            let p = source.pos_at_byte(span.start.byte);
            assert_eq!(
                (p.line, p.column),
                (span.start.line, span.start.column),
                "{f:?}"
            );
        }
        // The document is the one on disk (a BOM aside).
        if let Some(t) = texts.get(f.path()) {
            assert_eq!(t.trim_start_matches('\u{feff}'), text);
        }
    }
    for format in [
        Format::Human,
        Format::Concise,
        Format::Github,
        Format::Markdown,
        Format::Json,
        Format::Sarif,
    ] {
        let mut out = Vec::new();
        let options = options(None);
        report::write(&mut out, &outcome, format, &options, &registry).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            common::raw_controls(&text),
            Vec::<char>::new(),
            "{format:?}"
        );
        for line in text.lines() {
            if format == Format::Github {
                assert!(
                    line.starts_with("::error ")
                        || line.starts_with("::warning ")
                        || line.starts_with("::notice "),
                    "{line}"
                );
            } else {
                assert!(!line.starts_with("::"), "{format:?}: {line}");
            }
        }
        if matches!(format, Format::Json | Format::Sarif) {
            let _: serde_json::Value = serde_json::from_str(&text).unwrap();
        }
    }
}

/// A check drops each finding's text once its positions are known
/// (`Settings::findings_keep_text`), and the human report reads each file again to show its
/// lines: what every format prints must not change for it, on any input.
#[test]
fn findings_that_drop_their_text_print_the_same_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::defaults(dir.path().to_path_buf());
    let registry = Registry::load(&settings).unwrap();
    let (candidates, _) = inputs(dir.path());
    let run = |settings: &Settings| {
        aims_lint::run::lint(
            candidates.clone(),
            Vec::new(),
            settings,
            &registry,
            dir.path(),
            None,
        )
    };
    assert!(settings.findings_keep_text, "the default keeps the text");
    let kept = run(&settings);
    settings.findings_keep_text = false;
    let dropped = run(&settings);
    assert!(kept.findings.len() > 100, "{}", kept.findings.len());
    assert!(kept.findings.iter().all(|f| !f.source.is_detached()));
    for f in &dropped.findings {
        assert!(f.source.is_detached(), "{f:?}");
        // The length stays: blame reads the file again no larger than it was.
        let on_disk = std::fs::read_to_string(dir.path().join(f.path())).unwrap_or_default();
        assert_eq!(
            f.source.len(),
            on_disk.trim_start_matches('\u{feff}').len(),
            "{f:?}"
        );
    }
    for format in [
        Format::Human,
        Format::Concise,
        Format::Github,
        Format::Markdown,
        Format::Json,
        Format::Sarif,
    ] {
        let options = options(Some(dir.path()));
        let print = |outcome| {
            let mut out = Vec::new();
            report::write(&mut out, outcome, format, &options, &registry).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(print(&kept), print(&dropped), "{format:?}");
    }
}
