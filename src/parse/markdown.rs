//! Markdown: the YAML front matter block and the headings of the body, with spans.
//!
//! Front matter is found as the Hugging Face Hub finds it (its card loader allows white space
//! before the opening `---`), rather than as strict `CommonMark` extensions do, so that a card the
//! Hub reads is a card we read. The body after the closing fence goes to pulldown-cmark, which
//! knows ATX and setext headings and ignores `#` inside code blocks.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

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

/// A heading or a label, with its section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6 for headings; [`LABEL_LEVEL`] for a label that opens a paragraph and may run on
    /// over the next ones; [`ITEM_LABEL_LEVEL`] for a label bounded by its list item, table row
    /// or line.
    pub level: u8,
    /// The heading's text, inline markup removed (for a label, without the colon).
    pub text: String,
    /// The text as names are compared ([`crate::sections::normalize`]), computed once.
    pub key: String,
    /// The heading line(s), or the label.
    pub span: Span,
    /// Byte range of the section's content: for a heading, from its end to the next heading of
    /// the same or a higher level (subsections included); for a label, what follows it up to
    /// the next heading or paragraph label, or the end of its item, row or line.
    pub section: (usize, usize),
}

impl Heading {
    /// A label rather than a heading.
    #[must_use]
    pub fn is_label(&self) -> bool {
        self.level >= LABEL_LEVEL
    }
}

/// A table of the body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableInfo {
    /// Its byte range.
    pub range: (usize, usize),
    /// The text of its header cells.
    pub header: Vec<String>,
}

/// What the Markdown body holds besides its headings: where its opening prose, placeholders,
/// tables and prose text are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Body {
    /// The headings and labels, in document order.
    pub headings: Vec<Heading>,
    /// Byte range of the prose before the first section heading (after the title, if the body
    /// starts with one): in many cards, the description of the model.
    pub opening: Option<(usize, usize)>,
    /// Byte ranges of template placeholders (see [`crate::placeholder`]) in the prose.
    pub placeholders: Vec<(usize, usize)>,
    /// The tables.
    pub tables: Vec<TableInfo>,
    /// Byte ranges of prose text (no code, HTML, link destinations or markup), adjacent pieces
    /// joined.
    pub text: Vec<(usize, usize)>,
    /// Byte ranges of code (spans and blocks) and of HTML that is not a comment: content too,
    /// but not prose.
    pub other: Vec<(usize, usize)>,
    /// Byte ranges of links to places in the document itself (a table of contents): not content.
    pub anchors: Vec<(usize, usize)>,
    /// The whole document's own text in lower case, where cues are looked for (made on first
    /// use, once per document).
    pub prose: std::sync::OnceLock<String>,
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

/// The level of a label that opens a paragraph (`**Out-of-scope use cases:** …`, or a bold
/// paragraph of its own, `**Training Data**`): its section runs on to the next heading or
/// paragraph label.
pub const LABEL_LEVEL: u8 = 7;

/// The level of a label bounded by its list item (`- **License:** MIT`, `- Contact: …`), its
/// table row (`| **License** | MIT |`) or its line in a block of `Label: value` lines.
pub const ITEM_LABEL_LEVEL: u8 = 8;

/// The longest label, in characters: a longer bold phrase is emphasis, not a label.
const MAX_LABEL_CHARS: usize = 80;

/// The longest question in bold that opens its answer (`**Who funded the creation of the
/// dataset?**`).
const MAX_QUESTION_CHARS: usize = 320;

/// One paragraph, list item or table cell being read: where it started, and its first inline
/// elements, enough to tell whether it opens with a label.
#[derive(Debug)]
struct Block {
    /// `Paragraph`, `Item` or `TableCell`.
    kind: BlockKind,
    /// Byte range of the block in the body.
    range: (usize, usize),
    /// Inline events seen so far: whether the block opened with bold text, and that text.
    bold: Option<BoldStart>,
    /// Nothing but white space has been seen yet (the next inline element starts the block).
    at_start: bool,
    /// A nested block (a paragraph inside a loose list item) already took the label.
    taken: bool,
    /// The first paragraph of a loose list item: its labels are the item's.
    in_item: bool,
    /// For an item: the labels its first paragraph opened with, bounded by the item.
    pending: Vec<Heading>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockKind {
    Paragraph,
    Item,
    Cell,
}

#[derive(Debug)]
struct BoldStart {
    /// Byte range of the `**…**`.
    range: (usize, usize),
    text: String,
    /// The bold text is closed.
    closed: bool,
    /// What follows the closing `**` starts with a colon.
    colon_follows: Option<bool>,
}

/// The headings of the Markdown that starts at byte `body_start` of `source`, and its labels.
#[must_use]
pub fn headings(source: &SourceFile, body_start: usize) -> Vec<Heading> {
    body(source, body_start).headings
}

/// Read the Markdown body that starts at byte `body_start` of `source`: headings, labels,
/// opening prose, placeholders, tables and prose text.
///
/// Labels are what people write instead of headings, read the same way wherever they stand:
/// bold text that opens a paragraph, a list item (tight or loose) or a line, ending in a colon
/// or standing alone (`**License:** MIT`, `- **Training Data**`); `Label: value` list items
/// (`- Contact: ml@example.org`); a paragraph whose every line is `Label: value` (a document
/// control block: `Owner: CTO` / `Version: 1.1`); and the first cell of a two-column table
/// row (`| **License** | MIT |`).
#[must_use]
pub fn body(source: &SourceFile, body_start: usize) -> Body {
    let md = &source.text()[body_start..];
    let options = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    let mut reader = Reader {
        source,
        out: Body::default(),
        heading: None,
        blocks: Vec::new(),
        labels: Vec::new(),
        table: None,
        in_code: false,
        in_comment: false,
        html: Vec::new(),
    };
    for (event, range) in Parser::new_ext(md, options).into_offset_iter() {
        reader.event(&event, body_start + range.start, body_start + range.end);
    }
    reader.finish(body_start)
}

/// A table being read: where it starts, and the byte ranges of each row's cells.
struct Table {
    start: usize,
    rows: Vec<Vec<(usize, usize)>>,
}

/// The state of one pass of pulldown-cmark over a body.
struct Reader<'s> {
    source: &'s SourceFile,
    out: Body,
    /// The heading being read: level, start, text.
    heading: Option<(u8, usize, String)>,
    /// Paragraphs, items and cells open around the current event, innermost last.
    blocks: Vec<Block>,
    labels: Vec<Heading>,
    table: Option<Table>,
    in_code: bool,
    in_comment: bool,
    /// Inline and block HTML outside comments: `<insert owner>` is HTML to Markdown.
    html: Vec<(usize, usize)>,
}

impl Reader<'_> {
    fn event(&mut self, event: &Event<'_>, start: usize, end: usize) {
        // A bold start waits to see whether a colon follows its closing `**`.
        if let Some(bold) = self.blocks.last_mut().and_then(|b| b.bold.as_mut())
            && bold.closed
            && bold.colon_follows.is_none()
        {
            bold.colon_follows = Some(matches!(event, Event::Text(t) if t.starts_with(':')));
        }
        match event {
            Event::Start(tag) => self.start(tag, start, end),
            Event::End(tag) => self.end(*tag, end),
            Event::Text(t) | Event::Code(t) => {
                if matches!(event, Event::Text(_)) && !self.in_code {
                    push_text(&mut self.out.text, start, end);
                } else {
                    self.out.other.push((start, end));
                }
                if let Some((_, _, heading)) = self.heading.as_mut() {
                    heading.push_str(t);
                }
                if let Some(block) = self.blocks.last_mut() {
                    if let Some(bold) = block.bold.as_mut().filter(|b| !b.closed) {
                        bold.text.push_str(t);
                    }
                    if block.at_start && !t.trim().is_empty() {
                        block.at_start = false;
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, _, heading)) = self.heading.as_mut() {
                    heading.push(' ');
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                // Comments (the template's guidance) are not content, over several lines too.
                let opens = h.contains("<!--");
                if !self.in_comment && !opens {
                    self.out.other.push((start, end));
                    self.html.push((start, end));
                }
                if opens || self.in_comment {
                    self.in_comment = !h[h.rfind("<!--").unwrap_or(0)..].contains("-->");
                }
                if let Some(block) = self.blocks.last_mut() {
                    block.at_start = false;
                }
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag<'_>, start: usize, end: usize) {
        match tag {
            Tag::Heading { level, .. } => {
                self.heading = Some((level_number(*level), start, String::new()));
            }
            Tag::Paragraph => {
                let mut block = Block::new(BlockKind::Paragraph, (start, end));
                if let Some(parent) = self.blocks.last_mut()
                    && parent.kind == BlockKind::Item
                    && parent.at_start
                {
                    // The first paragraph of a loose item: the item's label is the
                    // paragraph's, read once, and bounded by the item as in a tight list.
                    parent.taken = true;
                    parent.at_start = false;
                    block.in_item = true;
                }
                self.blocks.push(block);
            }
            Tag::Item => self.blocks.push(Block::new(BlockKind::Item, (start, end))),
            Tag::TableCell => {
                self.blocks.push(Block::new(BlockKind::Cell, (start, end)));
                if let Some(row) = self.table.as_mut().and_then(|t| t.rows.last_mut()) {
                    row.push((start, end));
                }
            }
            Tag::Table(_) => {
                self.table = Some(Table {
                    start,
                    rows: Vec::new(),
                });
            }
            Tag::TableRow | Tag::TableHead => {
                if let Some(table) = self.table.as_mut() {
                    table.rows.push(Vec::new());
                }
            }
            Tag::Strong => {
                if let Some(block) = self.blocks.last_mut().filter(|b| b.at_start) {
                    block.at_start = false;
                    block.bold = Some(BoldStart {
                        range: (start, end),
                        text: String::new(),
                        closed: false,
                        colon_follows: None,
                    });
                }
            }
            Tag::Link { dest_url, .. } if dest_url.starts_with('#') => {
                self.out.anchors.push((start, end));
            }
            Tag::CodeBlock(_) => self.in_code = true,
            Tag::HtmlBlock => {
                if let Some(block) = self.blocks.last_mut() {
                    block.at_start = false;
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, end: usize) {
        match tag {
            TagEnd::Heading(_) => {
                if let Some((level, start, heading)) = self.heading.take() {
                    let text = self.source.text();
                    let bytes = text[start..end].trim_end();
                    self.out.headings.push(Heading {
                        level,
                        text: heading.trim().to_string(),
                        key: String::new(),
                        span: self.source.span_of_bytes(start, start + bytes.len()),
                        section: (end, text.len()),
                    });
                }
            }
            TagEnd::Strong => {
                if let Some(bold) = self.blocks.last_mut().and_then(|b| b.bold.as_mut())
                    && !bold.closed
                {
                    bold.closed = true;
                    bold.range.1 = end;
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    let text = self.source.text();
                    let header = table.rows.first().map_or_else(Vec::new, |row| {
                        row.iter()
                            .map(|(s, e)| text[*s..*e].trim().trim_matches('*').trim().to_string())
                            .collect()
                    });
                    self.out.tables.push(TableInfo {
                        range: (table.start, end),
                        header,
                    });
                    table_row_labels(self.source, &table.rows, &mut self.labels);
                }
            }
            TagEnd::CodeBlock => self.in_code = false,
            TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell => {
                let Some(mut block) = self.blocks.pop() else {
                    return;
                };
                if block.kind == BlockKind::Item && !block.pending.is_empty() {
                    for mut label in std::mem::take(&mut block.pending) {
                        if label.level == LABEL_LEVEL {
                            label.level = ITEM_LABEL_LEVEL;
                            label.section.1 = end;
                        }
                        self.labels.push(label);
                    }
                    return;
                }
                let in_item = block.in_item;
                let mut found = Vec::new();
                block_labels(self.source, block, end, &mut found);
                match self.blocks.last_mut() {
                    Some(item) if in_item => item.pending.extend(found),
                    _ => self.labels.extend(found),
                }
            }
            _ => {}
        }
    }

    /// Headings and labels in order, their sections' ends, the opening prose, placeholders.
    fn finish(mut self, body_start: usize) -> Body {
        let mut out = self.out;
        out.headings.append(&mut self.labels);
        out.headings.sort_by_key(|h| (h.span.start.byte, h.level));
        // A heading's section ends where the next heading of the same or a higher level
        // starts; a paragraph label's at the next heading or paragraph label. Bounded labels
        // keep theirs.
        for i in 0..out.headings.len() {
            let level = out.headings[i].level;
            if level == ITEM_LABEL_LEVEL {
                continue;
            }
            let from = out.headings[i].section.0;
            if let Some(next) = out.headings[i + 1..]
                .iter()
                .find(|h| h.level <= level && h.span.start.byte >= from)
            {
                out.headings[i].section.1 = next.span.start.byte;
            }
        }
        for h in &mut out.headings {
            h.key = crate::sections::normalize(&h.text);
        }
        out.opening = opening(self.source, body_start, &out.headings);
        out.placeholders = crate::placeholder::find(self.source.text(), &out.text);
        out.placeholders
            .extend(crate::placeholder::find(self.source.text(), &self.html));
        out.placeholders.sort_unstable();
        out
    }
}

impl Block {
    fn new(kind: BlockKind, range: (usize, usize)) -> Self {
        Self {
            kind,
            range,
            bold: None,
            at_start: true,
            taken: false,
            in_item: false,
            pending: Vec::new(),
        }
    }
}

/// Join a piece of prose text to the previous one when they touch.
fn push_text(text: &mut Vec<(usize, usize)>, start: usize, end: usize) {
    match text.last_mut() {
        Some(last) if last.1 == start => last.1 = end,
        _ => text.push((start, end)),
    }
}

/// The labels a finished paragraph or list item opens with.
fn block_labels(source: &SourceFile, block: Block, end: usize, out: &mut Vec<Heading>) {
    if block.taken || block.kind == BlockKind::Cell {
        return;
    }
    let text = source.text();
    let bounded = block.kind == BlockKind::Item;
    let (block_start, _) = block.range;
    let raw = &text[block_start..end];
    // Several lines, each `Label: value` or `**Label:** value`: a block of fields, one label a
    // line (a document control block).
    let lines: Vec<(usize, &str)> = line_offsets(raw)
        .into_iter()
        .map(|(o, l)| {
            // Inside a block quote, each line starts with `>`.
            let quoted = l.trim_start().trim_start_matches('>');
            let shift = l.len() - quoted.len();
            (block_start + o + shift, quoted)
        })
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    if block.kind == BlockKind::Paragraph && lines.len() >= 2 {
        let fields: Vec<_> = lines.iter().map(|(o, l)| field_line(*o, l)).collect();
        if fields.iter().all(Option::is_some) {
            for (i, (label, label_range, value_start)) in fields.into_iter().flatten().enumerate() {
                let line_end = lines[i].0 + lines[i].1.len();
                out.push(Heading {
                    level: ITEM_LABEL_LEVEL,
                    text: label,
                    key: String::new(),
                    span: source.span_of_bytes(label_range.0, label_range.1),
                    section: (value_start, line_end),
                });
            }
            return;
        }
    }
    // `Approved By:` alone in its paragraph: a label for what follows, as a bold one would be.
    if block.kind == BlockKind::Paragraph
        && block.bold.is_none()
        && let [(offset, line)] = lines.as_slice()
        && let Some(label) = line.trim().strip_suffix(':')
        && plain_label(label)
    {
        let lead = line.len() - line.trim_start().len();
        out.push(Heading {
            level: LABEL_LEVEL,
            text: label.trim().to_string(),
            key: String::new(),
            span: source.span_of_bytes(offset + lead, offset + line.trim_end().len()),
            section: (offset + line.len(), text.len()),
        });
        return;
    }
    if let Some(bold) = block.bold.filter(|b| b.closed) {
        let label = bold.text.trim();
        let after = &text[bold.range.1..end];
        let alone = after
            .split('\n')
            .next()
            .is_some_and(|rest| rest.trim().is_empty());
        let colon = label.ends_with(':') || bold.colon_follows == Some(true);
        // A question in bold opens its answer, as in Datasheets for Datasets questionnaires.
        let question = label.ends_with('?') && label.chars().count() <= MAX_QUESTION_CHARS;
        // `- **Chat assistants**` with nothing else in the item is emphasis, not a label.
        let emphasis = bounded && !colon && !question && after.trim().is_empty();
        if question
            || ((colon || alone)
                && !emphasis
                && !label.is_empty()
                && label.chars().count() <= MAX_LABEL_CHARS)
        {
            let mut value_start = bold.range.1;
            if bold.colon_follows == Some(true) {
                value_start += 1;
            }
            out.push(Heading {
                level: if bounded {
                    ITEM_LABEL_LEVEL
                } else {
                    LABEL_LEVEL
                },
                text: label.trim_end_matches(':').trim_end().to_string(),
                key: String::new(),
                span: source.span_of_bytes(bold.range.0, bold.range.1),
                section: (value_start, if bounded { end } else { text.len() }),
            });
        }
        return;
    }
    // `- Contact: ml@example.org`: a plain label opening a list item.
    if bounded
        && let Some((offset, line)) = lines.first()
        && let Some((label, label_range, value_start)) = field_line(*offset, item_text(line))
    {
        let shift = line.len() - item_text(line).len();
        out.push(Heading {
            level: ITEM_LABEL_LEVEL,
            text: label,
            key: String::new(),
            span: source.span_of_bytes(label_range.0 + shift, label_range.1 + shift),
            section: (value_start + shift, end),
        });
    }
}

/// A list item's line without its marker (`- `, `* `, `1. `, and a task box).
fn item_text(line: &str) -> &str {
    let trimmed = line.trim_start();
    let rest = trimmed
        .strip_prefix("- ")
        .or_else(|| trimmed.strip_prefix("* "))
        .or_else(|| trimmed.strip_prefix("+ "))
        .or_else(|| {
            let digits = trimmed.find(|c: char| !c.is_ascii_digit())?;
            (digits > 0)
                .then(|| {
                    trimmed[digits..]
                        .strip_prefix(". ")
                        .or_else(|| trimmed[digits..].strip_prefix(") "))
                })
                .flatten()
        })
        .unwrap_or(trimmed);
    rest.strip_prefix("[ ] ")
        .or_else(|| rest.strip_prefix("[x] "))
        .or_else(|| rest.strip_prefix("[X] "))
        .unwrap_or(rest)
}

/// `Label: value` (or `**Label:** value`) at byte `offset`: the label, its byte range, and
/// where the value starts. A label is short, starts with a letter, and holds no sentence
/// punctuation; the value is not empty.
fn field_line(offset: usize, line: &str) -> Option<(String, (usize, usize), usize)> {
    let lead = line.len() - line.trim_start().len();
    let line = line.trim_start();
    let (label, label_len, rest) = if let Some(inner) = line.strip_prefix("**") {
        let close = inner.find("**")?;
        let label = &inner[..close];
        let rest = &inner[close + 2..];
        let (label, rest) = match label.strip_suffix(':') {
            Some(l) => (l, rest),
            None => (label, rest.strip_prefix(':')?),
        };
        (label, close + 4, rest)
    } else {
        let colon = line.find(':')?;
        (&line[..colon], colon, &line[colon + 1..])
    };
    let label = label.trim();
    let value = rest.trim();
    if !plain_label(label) || value.is_empty() || rest.starts_with("//") {
        return None;
    }
    let value_start =
        offset + lead + (line.len() - rest.len()) + (rest.len() - rest.trim_start().len());
    Some((
        label.to_string(),
        (offset + lead, offset + lead + label_len),
        value_start,
    ))
}

/// Whether plain text before a colon reads as a label: short, starting with a letter, without
/// sentence punctuation, commas, markup or a URL (`Owner`, `Review Frequency`, not `Note, the
/// board approves`).
fn plain_label(label: &str) -> bool {
    let label = label.trim();
    label.chars().next().is_some_and(char::is_alphabetic)
        && label.chars().count() <= 48
        && label.split_whitespace().count() <= 6
        && !label.contains([
            '.', ',', ';', '?', '!', '`', '[', ']', '<', '>', '=', '*', '_',
        ])
        && !label.contains("://")
        && !label
            .split_whitespace()
            .any(|w| SENTENCE_WORDS.contains(&w.to_lowercase().as_str()))
}

/// Words that make text before a colon a sentence leading into a list (`The model is designed
/// for:`, `We use it to:`), not a label.
const SENTENCE_WORDS: [&str; 24] = [
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "can",
    "could",
    "will",
    "would",
    "should",
    "may",
    "might",
    "must",
    "has",
    "have",
    "had",
    "we",
    "you",
    "it",
    "this",
    "these",
    "following",
    "include",
];

/// Lines of `raw` with their byte offsets.
fn line_offsets(raw: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in raw.split_inclusive('\n') {
        out.push((offset, line.trim_end_matches(['\n', '\r'])));
        offset += line.len();
    }
    out
}

/// Rows of two-column tables whose first cell names what the second holds.
fn table_row_labels(source: &SourceFile, rows: &[Vec<(usize, usize)>], out: &mut Vec<Heading>) {
    if rows.iter().any(|r| r.len() != 2) {
        return;
    }
    let text = source.text();
    for row in rows.iter().skip(1) {
        let (name, value) = (row[0], row[1]);
        let cell = text[name.0..name.1]
            .trim()
            .trim_matches('*')
            .trim()
            .trim_end_matches(':');
        let plain = cell.chars().next().is_some_and(char::is_alphabetic)
            && cell.chars().count() <= 48
            && !text[value.0..value.1].trim().is_empty();
        if plain {
            out.push(Heading {
                level: ITEM_LABEL_LEVEL,
                text: cell.trim().to_string(),
                key: String::new(),
                span: source.span_of_bytes(name.0, name.1),
                section: value,
            });
        }
    }
}

/// The prose between the title (a first heading of level 1) or the start of the body, and the
/// first heading after it.
fn opening(source: &SourceFile, body_start: usize, headings: &[Heading]) -> Option<(usize, usize)> {
    let mut marks = headings.iter().filter(|h| !h.is_label());
    let first = marks.next();
    let (start, next) = match first {
        Some(h) if h.level == 1 => (h.section.0.max(h.span.end.byte), marks.next()),
        _ => (body_start, first),
    };
    let end = next.map_or(source.text().len(), |h| h.span.start.byte);
    (start < end).then_some((start, end))
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

    /// `(level, name, section text)` of each label of `text`.
    fn labels(text: &str) -> Vec<(u8, String, String)> {
        let src = SourceFile::new("a.md", text.to_string());
        body(&src, 0)
            .headings
            .into_iter()
            .filter(Heading::is_label)
            .map(|h| {
                (
                    h.level,
                    h.text,
                    text[h.section.0..h.section.1].trim().to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn a_label_reads_the_same_in_tight_and_loose_lists() {
        let tight = "- **License:** MIT\n- **Contact:** ml@example.org\n";
        let loose = "- **License:** MIT\n\n- **Contact:** ml@example.org\n";
        let expected = vec![
            (ITEM_LABEL_LEVEL, "License".to_string(), "MIT".to_string()),
            (
                ITEM_LABEL_LEVEL,
                "Contact".to_string(),
                "ml@example.org".to_string(),
            ),
        ];
        assert_eq!(labels(tight), expected);
        assert_eq!(labels(loose), expected);
        // Without a colon, a bold item with content under it is a label too, and the colon
        // may follow.
        let l = labels("- **Training Data**\n  - CommonCrawl\n- **Uses**: routing\n");
        assert_eq!(l[0].1, "Training Data");
        assert_eq!((l[1].1.as_str(), l[1].2.as_str()), ("Uses", "routing"));
    }

    #[test]
    fn plain_labels_in_items_and_document_control_blocks() {
        assert_eq!(
            labels("- Contact: ml@example.org\n- a plain item\n"),
            [(
                ITEM_LABEL_LEVEL,
                "Contact".to_string(),
                "ml@example.org".to_string()
            )]
        );
        let block = "Organization: ACME  \nVersion: 1.1  \nOwner: Chief Technology Officer\n";
        let names: Vec<String> = labels(block)
            .into_iter()
            .map(|l| format!("{}={}", l.1, l.2))
            .collect();
        assert_eq!(
            names,
            [
                "Organization=ACME",
                "Version=1.1",
                "Owner=Chief Technology Officer"
            ]
        );
        // In a block quote too.
        let quoted: Vec<String> = labels("> **Version:** 3.0  \n> **Owner:** CTO\n")
            .into_iter()
            .map(|l| l.1)
            .collect();
        assert_eq!(quoted, ["Version", "Owner"]);
        // A paragraph of prose that has a colon is not a block of fields.
        assert!(labels("Note: the board approves.\nIt meets monthly.\n").is_empty());
        // A sentence leading into a list is not a label, and an item that is only bold is
        // emphasis.
        assert!(
            labels("SmolLM2 is designed for:\n\n- **Chat assistants**\n- **Rewriting**\n")
                .is_empty()
        );
        assert!(labels("We use it to:\n\n- route tickets\n").is_empty());
        // Sentence punctuation, commas or URLs before the colon: not labels.
        assert!(labels("- See https://example.org: x\n- Step one, then two: x\n").is_empty());
    }

    #[test]
    fn a_label_alone_in_its_paragraph_opens_a_section() {
        let l = labels("Approved By:\n\n- Chief Technology Officer, Date: 2025-10-26\n\n## Next\n");
        assert_eq!(l[0].0, LABEL_LEVEL);
        assert_eq!(l[0].1, "Approved By");
        assert!(
            l[0].2
                .contains("Chief Technology Officer, Date: 2025-10-26"),
            "{l:?}"
        );
    }

    #[test]
    fn the_first_cell_of_a_two_column_row_is_a_label() {
        let table = "| Attribute | Details |\n|---|---|\n| **License** | [Gemma Terms](https://ai.google.dev/gemma/terms) |\n| Provider | Google |\n";
        let l = labels(table);
        assert_eq!(
            l.iter().map(|l| l.1.as_str()).collect::<Vec<_>>(),
            ["License", "Provider"]
        );
        assert!(l[0].2.contains("Gemma Terms"));
        // Wider tables are data, not fields.
        assert!(labels("| a | b | c |\n|---|---|---|\n| License | MIT | x |\n").is_empty());
    }

    #[test]
    fn the_opening_prose_placeholders_tables_and_anchors() {
        let text = "# Router\n\nRoutes tickets to [teams](#teams).\n\n## Uses\n\n[More Information Needed]\n\n| m | v |\n|---|---|\n| f1 | 0.9 |\n\n```\nTODO in code\n```\n";
        let src = SourceFile::new("a.md", text.to_string());
        let b = body(&src, 0);
        let (s, e) = b.opening.unwrap();
        assert_eq!(text[s..e].trim(), "Routes tickets to [teams](#teams).");
        assert_eq!(b.placeholders.len(), 1, "the TODO in code is not prose");
        assert_eq!(
            &text[b.placeholders[0].0..b.placeholders[0].1],
            "[More Information Needed]"
        );
        assert_eq!(b.tables.len(), 1);
        assert_eq!(b.tables[0].header, ["m", "v"]);
        assert_eq!(&text[b.anchors[0].0..b.anchors[0].1], "[teams](#teams)");
        // No title: the opening runs from the start of the body.
        let src = SourceFile::new("b.md", "Intro.\n\n## A\n".to_string());
        assert_eq!(body(&src, 0).opening, Some((0, 8)));
    }

    #[test]
    fn html_comments_are_not_content_over_several_lines() {
        let text = "## Uses\n\n<!--\nguidance\nmore guidance\n-->\n\n<p>Routing.</p>\n";
        let src = SourceFile::new("a.md", text.to_string());
        let b = body(&src, 0);
        let other: Vec<&str> = b.other.iter().map(|(s, e)| text[*s..*e].trim()).collect();
        assert!(other.iter().all(|o| !o.contains("guidance")), "{other:?}");
        assert!(other.iter().any(|o| o.contains("Routing")), "{other:?}");
    }
}
