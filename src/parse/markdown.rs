//! Markdown: the YAML front matter block and the headings of the body, with spans.
//!
//! Front matter is found as the Hugging Face Hub finds it (its card loader allows white space
//! before the opening `---`), rather than as strict `CommonMark` extensions do, so that a card the
//! Hub reads is a card we read. The body after the closing fence goes to pulldown-cmark, which
//! knows ATX and setext headings and ignores `#` inside code blocks.

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::source::{SourceFile, Span};

/// The front matter block of a Markdown file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrontMatter {
    /// The opening `---` line.
    pub open: Span,
    /// Byte range of the YAML between the fences.
    pub yaml: (usize, usize),
    /// 1-based line of the first YAML line.
    pub yaml_first_line: u32,
    /// Byte offset where the Markdown body starts.
    pub body_start: usize,
}

/// How the front matter of a file looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrontMatterState {
    /// The file does not start with `---`.
    Absent,
    /// A well-formed block.
    Present(FrontMatter),
    /// An opening `---` that no closing `---` follows.
    Unterminated {
        /// The opening line.
        open: Span,
    },
}

/// A heading with its section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6; [`LABEL_LEVEL`] for a paragraph that starts with a bold label.
    pub level: u8,
    /// The heading's text, inline markup removed.
    pub text: String,
    /// The heading line(s).
    pub span: Span,
    /// Byte range from the end of the heading to the next heading of the same or a higher
    /// level (or the end of the file): the section's content, subsections included.
    pub section: (usize, usize),
}

fn is_fence(line: &str) -> bool {
    line.trim_end() == "---"
}

/// Find the front matter of `source`.
#[must_use]
pub fn front_matter(source: &SourceFile) -> FrontMatterState {
    let text = source.text();
    let lines = source.line_count() as u32;
    let mut line = 1;
    while line <= lines && text[source.line_range(line)].trim().is_empty() {
        line += 1;
    }
    if line > lines || !is_fence(&text[source.line_range(line)]) {
        return FrontMatterState::Absent;
    }
    let open = source.line_span(line);
    for close in line + 1..=lines {
        if is_fence(&text[source.line_range(close)]) {
            let yaml_start = source.line_range(line + 1).start;
            let close_range = source.line_range(close);
            let body_start = if close < lines {
                source.line_range(close + 1).start
            } else {
                text.len()
            };
            return FrontMatterState::Present(FrontMatter {
                open,
                yaml: (yaml_start, close_range.start.max(yaml_start)),
                yaml_first_line: line + 1,
                body_start,
            });
        }
    }
    FrontMatterState::Unterminated { open }
}

/// The level given to a bold label that starts a paragraph (`**Out-of-scope use cases:** …`).
pub const LABEL_LEVEL: u8 = 7;

/// The headings of the Markdown that starts at byte `body_start` of `source`, and the bold
/// labels that start paragraphs.
#[must_use]
pub fn headings(source: &SourceFile, body_start: usize) -> Vec<Heading> {
    let body = &source.text()[body_start..];
    let mut out: Vec<Heading> = Vec::new();
    let mut current: Option<(u8, usize, String)> = None;
    // A paragraph that starts with bold text ending in a colon (`**License:** MIT`) is a
    // labelled field, as in the "Model Cards for Model Reporting" layout: a heading of level 7.
    let mut paragraph_starts = false;
    let mut label: Option<(usize, usize, String)> = None;
    let mut label_pending: Option<(usize, usize, String)> = None;
    for (event, range) in Parser::new(body).into_offset_iter() {
        let starts = std::mem::take(&mut paragraph_starts);
        if let Some((start, end, text)) = label_pending.take() {
            let colon_follows = matches!(&event, Event::Text(t) if t.starts_with(':'));
            if text.trim_end().ends_with(':') || colon_follows {
                out.push(Heading {
                    level: LABEL_LEVEL,
                    text: text.trim().trim_end_matches(':').trim_end().to_string(),
                    span: source.span_of_bytes(body_start + start, body_start + end),
                    section: (body_start + end, source.text().len()),
                });
            }
        }
        match &event {
            Event::Start(Tag::Paragraph) => paragraph_starts = true,
            Event::Start(Tag::Strong) if starts => {
                label = Some((range.start, range.end, String::new()));
            }
            Event::End(TagEnd::Strong) => {
                if let Some((start, _, text)) = label.take() {
                    label_pending = Some((start, range.end, text));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = label.as_mut() {
                    text.push_str(t);
                }
            }
            _ => {}
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                current = Some((level_number(level), range.start, String::new()));
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, text)) = current.as_mut() {
                    text.push(' ');
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, text)) = current.take() {
                    let end = body_start + range.end;
                    let heading_bytes = source.text()[body_start + start..end].trim_end();
                    out.push(Heading {
                        level,
                        text: text.trim().to_string(),
                        span: source.span_of_bytes(
                            body_start + start,
                            body_start + start + heading_bytes.len(),
                        ),
                        section: (end, source.text().len()),
                    });
                }
            }
            _ => {}
        }
    }
    // A section ends where the next heading of the same or a higher level starts.
    for i in 0..out.len() {
        let level = out[i].level;
        if let Some(next) = out[i + 1..].iter().find(|h| h.level <= level) {
            out[i].section.1 = next.span.start.byte;
        }
    }
    out
}

fn level_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Normalise heading text for comparison: case, white space, and a trailing colon do not count.
///
/// ```
/// use aims_lint::parse::markdown::normalize_heading;
/// assert_eq!(normalize_heading("Bias,  Risks, and Limitations:"), "bias, risks, and limitations");
/// ```
#[must_use]
pub fn normalize_heading(text: &str) -> String {
    let lowered = text.to_lowercase();
    let words: Vec<&str> = lowered.split_whitespace().collect();
    words.join(" ").trim_end_matches(':').trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_with_crlf_and_leading_blank_line() {
        let src = SourceFile::new(
            "a.md",
            "\r\n---\r\nlicense: mit\r\n---\r\n# T\r\n".to_string(),
        );
        let FrontMatterState::Present(fm) = front_matter(&src) else {
            panic!("no front matter")
        };
        assert_eq!(fm.open.start.line, 2);
        assert_eq!(fm.yaml_first_line, 3);
        assert_eq!(&src.text()[fm.yaml.0..fm.yaml.1], "license: mit\r\n");
        let hs = headings(&src, fm.body_start);
        assert_eq!(hs[0].text, "T");
        assert_eq!(hs[0].span.start.line, 5);
    }

    #[test]
    fn unterminated_and_absent() {
        let src = SourceFile::new("a.md", "---\ntitle: x\n# Body\n".to_string());
        assert!(matches!(
            front_matter(&src),
            FrontMatterState::Unterminated { .. }
        ));
        let src = SourceFile::new("a.md", "# Just a title\n---\n".to_string());
        assert_eq!(front_matter(&src), FrontMatterState::Absent);
    }

    #[test]
    fn sections_nest() {
        let text = "# A\n\n## B\nb\n\n```\n# not a heading\n```\n## C\nc\n# D\n";
        let src = SourceFile::new("a.md", text.to_string());
        let hs = headings(&src, 0);
        let names: Vec<_> = hs.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(names, ["A", "B", "C", "D"]);
        assert_eq!(
            &text[hs[1].section.0..hs[1].section.1],
            "b\n\n```\n# not a heading\n```\n"
        );
        assert!(text[hs[0].section.0..hs[0].section.1].contains("## C"));
    }

    #[test]
    fn bold_labels_that_start_a_paragraph_are_sections() {
        let text = "# Card\n\n**License:** MIT\n\n**Out-of-scope use cases**: medical advice.\nMore.\n\nSome **bold:** text.\n\n## Next\n";
        let src = SourceFile::new("a.md", text.to_string());
        let hs = headings(&src, 0);
        let names: Vec<_> = hs.iter().map(|h| (h.level, h.text.as_str())).collect();
        assert_eq!(
            names,
            [
                (1, "Card"),
                (7, "License"),
                (7, "Out-of-scope use cases"),
                (2, "Next")
            ]
        );
        assert_eq!(
            &text[hs[1].span.start.byte..hs[1].span.end.byte],
            "**License:**"
        );
        assert_eq!(&text[hs[1].section.0..hs[1].section.1], " MIT\n\n");
        assert!(text[hs[2].section.0..hs[2].section.1].contains("medical advice"));
    }
}
