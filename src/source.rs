//! One document's text with a line index: positions in lines and character columns, and a
//! [`miette::SourceCode`] that renders a label without scanning the file from the start.
//!
//! Every position that leaves this crate (JSON, concise output, tests) is 1-based and counts
//! columns in characters, as editors do. miette wants byte offsets, so a [`Pos`] carries both.
//! A line ends at `\n`, `\r\n` or a lone `\r`, as YAML, `CommonMark` and miette all agree.

use std::fmt;
use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use serde::Serialize;

/// A position in a document: 1-based line, 1-based column in characters, and the byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Pos {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, counted in characters (Unicode scalar values).
    pub column: u32,
    /// Byte offset into the document text (not serialized: it is an implementation detail).
    #[serde(skip)]
    pub byte: usize,
}

/// A range of a document, `start` inclusive and `end` exclusive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    /// First character of the range.
    pub start: Pos,
    /// Position just past the last character of the range.
    pub end: Pos,
}

impl Span {
    /// An empty span at `pos`.
    #[must_use]
    pub fn point(pos: Pos) -> Self {
        Self {
            start: pos,
            end: pos,
        }
    }

    /// The byte range as a miette span.
    #[must_use]
    pub fn to_source_span(self) -> SourceSpan {
        SourceSpan::new(
            self.start.byte.into(),
            self.end.byte.saturating_sub(self.start.byte),
        )
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.start.line, self.start.column)
    }
}

/// A document's path (relative to the repository root, `/`-separated) and text, with a
/// precomputed table of line starts.
#[derive(Debug)]
pub struct SourceFile {
    name: String,
    text: String,
    /// Byte offset at which each line starts; `line_starts[0] == 0`.
    line_starts: Vec<usize>,
    /// Every character is one byte: columns are byte offsets.
    ascii: bool,
    /// For text that is not ASCII: the number of characters before each block of
    /// [`BLOCK`] bytes, so that a column is found in constant time (counting from the start
    /// of a long line made positions quadratic: 990 KB on one line with one `é` took minutes).
    chars_before: Vec<u32>,
    /// The text as diagnostics show it, if it differs (see [`crate::visible::same_length`]):
    /// made when a diagnostic first shows a line of it.
    shown: std::sync::OnceLock<Option<String>>,
    /// Length of the text in bytes, kept when the text is dropped ([`SourceFile::detached`]).
    len: usize,
    /// The text and line index were dropped: only the name, the length and the digest of the
    /// text are left.
    detached: bool,
    /// For a detached file, [`crate::corpus::digest`] of its text: to tell whether the file,
    /// read again, is still what was checked.
    digest: u64,
}

/// Read the text of `path`, which must be a regular file (not a symbolic link, a device or a
/// folder) of at most `max` bytes: for the files a pull request could replace by a link to
/// `/dev/zero` or out of the repository (configuration, rules, baseline).
///
/// # Errors
/// Why it cannot be read, as a clause ("it is not a regular file …").
pub fn read_regular(path: &std::path::Path, max: u64) -> Result<String, String> {
    String::from_utf8(read_regular_bytes(path, max)?).map_err(|e| e.to_string())
}

/// The document `name` (relative to `root`, or as given: a file named outside the repository
/// keeps the path it was given) read again, never through a link and no larger than it was,
/// without its byte-order mark, if it is still the text whose [`crate::corpus::digest`] is
/// `digest`: a file changed during the run is not shown or reported with stale spans.
#[must_use]
pub fn read_again(
    root: &std::path::Path,
    name: &str,
    digest: (usize, u64),
) -> Option<Arc<SourceFile>> {
    // Room for a byte-order mark, which the text checked no longer has.
    let max = digest.0 as u64 + 3;
    let text = read_regular(&root.join(name), max)
        .or_else(|_| read_regular(std::path::Path::new(name), max))
        .ok()?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    };
    (crate::corpus::digest(&text) == digest).then(|| SourceFile::new(name, text))
}

/// [`read_regular`], for a file of any bytes (evidence cited as a PDF, an image).
///
/// # Errors
/// As [`read_regular`].
pub fn read_regular_bytes(path: &std::path::Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let meta = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err("it is not a regular file (a symbolic link, a device or a folder)".to_string());
    }
    // Room for the size the file has, so that a file read whole is not held in twice its size.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len().min(max)).unwrap_or(0));
    std::fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(format!("it is larger than {max} bytes"));
    }
    Ok(bytes)
}

/// Byte offset at which each line of `bytes` starts: after `\n`, `\r\n` or a lone `\r`.
fn line_starts(bytes: &[u8]) -> Vec<usize> {
    let mut starts = vec![0];
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                starts.push(i + 2);
                i += 1;
            }
            b'\n' | b'\r' => starts.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    starts
}

/// Bytes per block of [`SourceFile::chars_before`].
const BLOCK: usize = 64;

/// Characters that start in `bytes` (UTF-8: every byte that is not a continuation byte).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xc0) != 0x80).count()
}

impl SourceFile {
    /// Index `text`. A leading byte-order mark must already have been removed.
    #[must_use]
    pub fn new(name: impl Into<String>, text: String) -> Arc<Self> {
        let bytes = text.as_bytes();
        let line_starts = if text.contains('\r') {
            line_starts(bytes)
        } else {
            // Most files end lines with `\n` alone: found by the standard library's `memchr`,
            // not byte by byte (3% of a large run).
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        };
        let ascii = text.is_ascii();
        let chars_before = if ascii {
            Vec::new()
        } else {
            let mut n = 0u32;
            bytes
                .chunks(BLOCK)
                .map(|block| {
                    let before = n;
                    n += count_chars(block) as u32;
                    before
                })
                .collect()
        };
        Arc::new(Self {
            name: name.into(),
            ascii,
            chars_before,
            len: text.len(),
            text,
            line_starts,
            shown: std::sync::OnceLock::new(),
            detached: false,
            digest: 0,
        })
    }

    /// This file without its text and line index: its name, length and digest only. A finding
    /// kept its file whole so that a report could show its lines, and a run with findings in
    /// many large documents held all of them until it ended; once its positions are known, the
    /// machine formats need none of it, and the human report reads each file again as it
    /// prints it ([`SourceFile::read_again`]). Nothing may ask a detached file for its text or
    /// a position (a debug build panics; a release build sees an empty file).
    #[must_use]
    pub fn detached(&self) -> Arc<Self> {
        Arc::new(Self {
            digest: crate::corpus::digest(self.kept()).1,
            name: self.name.clone(),
            text: String::new(),
            line_starts: vec![0],
            ascii: true,
            chars_before: Vec::new(),
            shown: std::sync::OnceLock::new(),
            len: self.len,
            detached: true,
        })
    }

    /// This detached file read again under `root` ([`read_again`]), if it is still the text
    /// that was checked.
    #[must_use]
    pub fn read_again(&self, root: &std::path::Path) -> Option<Arc<Self>> {
        read_again(root, &self.name, (self.len, self.digest))
    }

    /// Whether the text was dropped ([`SourceFile::detached`]).
    #[must_use]
    pub fn is_detached(&self) -> bool {
        self.detached
    }

    /// Length of the text in bytes (kept when the text is dropped).
    #[must_use]
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the text is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The text, which a detached file no longer has.
    fn kept(&self) -> &str {
        debug_assert!(
            !self.detached,
            "the text of {} was dropped (SourceFile::detached) and is read",
            self.name
        );
        &self.text
    }

    /// The path this file is reported under.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The whole text.
    #[must_use]
    pub fn text(&self) -> &str {
        self.kept()
    }

    /// Number of lines (a final line break does not start a new, empty line for this count
    /// unless text follows it).
    #[must_use]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte range of line `line` (1-based) without its line break.
    #[must_use]
    pub fn line_range(&self, line: u32) -> std::ops::Range<usize> {
        let idx = (line.max(1) as usize - 1).min(self.line_starts.len() - 1);
        let start = self.line_starts[idx];
        let mut end = self
            .line_starts
            .get(idx + 1)
            .copied()
            .unwrap_or(self.kept().len());
        let bytes = self.kept().as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    /// The position at 1-based `line` and 0-based character column `col0`, clamped to the
    /// line's end (parsers may point one past the last character).
    #[must_use]
    pub fn pos_at_line_col(&self, line: u32, col0: usize) -> Pos {
        let range = self.line_range(line);
        let line_text = &self.kept()[range.clone()];
        let (byte, column) = if self.ascii {
            let col = col0.min(line_text.len());
            (range.start + col, col)
        } else {
            let line_chars = self.chars_at(range.end) - self.chars_at(range.start);
            if col0 >= line_chars {
                (range.end, line_chars)
            } else {
                (self.byte_of_char(self.chars_at(range.start) + col0), col0)
            }
        };
        Pos {
            line: line.max(1).min(self.line_starts.len() as u32),
            column: column as u32 + 1,
            byte,
        }
    }

    /// The position of byte offset `byte` (clamped to the text and to a character boundary).
    #[must_use]
    pub fn pos_at_byte(&self, byte: usize) -> Pos {
        let mut byte = byte.min(self.kept().len());
        while !self.kept().is_char_boundary(byte) {
            byte -= 1;
        }
        let idx = match self.line_starts.binary_search(&byte) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[idx];
        let column = if self.ascii {
            byte - start
        } else {
            self.chars_at(byte) - self.chars_at(start)
        };
        Pos {
            line: idx as u32 + 1,
            column: column as u32 + 1,
            byte,
        }
    }

    /// Characters before byte `byte` (a character boundary), in constant time.
    fn chars_at(&self, byte: usize) -> usize {
        let block = byte / BLOCK;
        let Some(&before) = self.chars_before.get(block) else {
            return count_chars(self.kept().as_bytes());
        };
        before as usize + count_chars(&self.kept().as_bytes()[block * BLOCK..byte])
    }

    /// The byte at which character `n` (counted from the start of the text) starts.
    fn byte_of_char(&self, n: usize) -> usize {
        let block = self
            .chars_before
            .partition_point(|&c| (c as usize) <= n)
            .saturating_sub(1);
        let bytes = self.kept().as_bytes();
        let mut seen = self.chars_before.get(block).map_or(0, |&c| c as usize);
        for (i, b) in bytes.iter().enumerate().skip(block * BLOCK) {
            if (b & 0xc0) != 0x80 {
                if seen == n {
                    return i;
                }
                seen += 1;
            }
        }
        bytes.len()
    }

    /// A span covering bytes `start..end`.
    #[must_use]
    pub fn span_of_bytes(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.pos_at_byte(start),
            end: self.pos_at_byte(end.max(start)),
        }
    }

    /// The span of the whole of line `line` (without its line break).
    #[must_use]
    pub fn line_span(&self, line: u32) -> Span {
        let r = self.line_range(line);
        self.span_of_bytes(r.start, r.end)
    }

    /// `span`, cut at the end of its first line: block collections in YAML end at the token
    /// that follows them, and a label over many lines helps nobody.
    #[must_use]
    pub fn first_line_of(&self, span: Span) -> Span {
        if span.end.line == span.start.line {
            return span;
        }
        let r = self.line_range(span.start.line);
        let end = r.end.max(span.start.byte);
        let trimmed = self.kept()[span.start.byte..end].trim_end();
        self.span_of_bytes(span.start.byte, span.start.byte + trimmed.len())
    }
}

impl SourceCode for SourceFile {
    /// Reads only the lines around `span`: miette's implementation for `str` walks the file from
    /// byte 0 for every label, which made 2,000 findings in one 1.6 MB file take 12 s.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.kept().len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.pos_at_byte(start).line as usize - 1;
        let last = self.pos_at_byte(end.saturating_sub(1).max(start)).line as usize - 1;
        let win_first = first.saturating_sub(context_lines_before);
        let win_last = (last + context_lines_after).min(self.line_starts.len() - 1);
        let win_start = self.line_starts[win_first];
        let win_end = self
            .line_starts
            .get(win_last + 1)
            .copied()
            .unwrap_or(self.kept().len());
        // Never a control character from the file on the terminal: the same-length copy.
        let shown = self
            .shown
            .get_or_init(|| crate::visible::same_length(self.kept()))
            .as_deref()
            .unwrap_or(self.kept());
        let window = &shown.as_bytes()[win_start..win_end.max(win_start)];
        let local = SourceSpan::new((start - win_start).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            crate::visible::visible(&self.name).into_owned(),
            inner.data(),
            SourceSpan::new(
                (inner.span().offset() + win_start).into(),
                inner.span().len(),
            ),
            inner.line() + win_first,
            inner.column(),
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn a_detached_file_keeps_its_name_and_length_only() {
        let source = SourceFile::new("cards/é.md", "é\nline two\n".repeat(1000));
        let detached = source.detached();
        assert!(detached.is_detached() && !source.is_detached());
        assert_eq!(detached.name(), "cards/é.md");
        assert_eq!(detached.len(), source.text().len());
        assert!(!detached.is_empty() && SourceFile::new("e", String::new()).is_empty());
        // Nothing of the text is left, and nothing may read it.
        assert_eq!(detached.text.capacity(), 0);
        assert_eq!(
            (detached.line_starts.len(), detached.chars_before.len()),
            (1, 0)
        );
        if cfg!(debug_assertions) {
            let read =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| detached.text().len()));
            assert!(read.is_err());
            let pos =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| detached.pos_at_byte(3)));
            assert!(pos.is_err());
        }
    }

    #[test]
    fn lines_found_by_memchr_are_those_found_byte_by_byte() {
        for text in [
            "",
            "\n",
            "one",
            "one\n",
            "one\ntwo",
            "\n\nthree\n\n",
            "é\n😀\nend",
            "a\r\nb\rc\n\r\n",
        ] {
            let source = SourceFile::new("f", text.to_string());
            assert_eq!(source.line_starts, line_starts(text.as_bytes()), "{text:?}");
        }
        // With a `\r` the byte loop itself runs: `\r\n` is one break, a lone `\r` another.
        let source = SourceFile::new("f", "a\r\nb\rc\n".to_string());
        assert_eq!(source.line_starts, [0, 3, 5, 7]);
        assert_eq!(SourceFile::new("f", "a\nb\n".into()).line_starts, [0, 2, 4]);
    }

    #[test]
    fn positions_agree_with_counting_from_the_line_start() {
        // Long lines, blocks that end inside a character, several line breaks.
        let text: String = (0..4000)
            .map(|i| match i % 97 {
                0 => '\n',
                13 => 'é',
                29 => '😀',
                41 => '\r',
                _ => 'a',
            })
            .collect();
        let src = SourceFile::new("x", text.clone());
        for (byte, _) in text.char_indices().step_by(7) {
            let p = src.pos_at_byte(byte);
            let start = src.line_range(p.line).start;
            assert_eq!(
                p.column as usize - 1,
                text[start..byte].chars().count(),
                "{byte}"
            );
            let back = src.pos_at_line_col(p.line, p.column as usize - 1);
            assert_eq!(back.byte, byte);
        }
        let last = src.line_count() as u32;
        let end = src.pos_at_line_col(last, 100_000);
        assert_eq!(end.byte, src.line_range(last).end);
    }

    #[test]
    fn positions_count_characters_and_all_line_breaks() {
        let src = SourceFile::new("x", "a: é\r\nbb: 1\rc\n".to_string());
        assert_eq!(src.line_count(), 4);
        let p = src.pos_at_line_col(1, 3);
        assert_eq!((p.line, p.column, p.byte), (1, 4, 3));
        let p = src.pos_at_byte(8);
        assert_eq!((p.line, p.column), (2, 2));
        let p = src.pos_at_byte(13);
        assert_eq!((p.line, p.column), (3, 1));
        assert_eq!(src.line_range(2), 7..12);
    }

    fn render(
        handler: &miette::GraphicalReportHandler,
        diag: &miette::MietteDiagnostic,
        src: impl SourceCode + 'static,
    ) -> String {
        let report = miette::Report::new(diag.clone()).with_source_code(src);
        let mut out = String::new();
        handler.render_report(&mut out, report.as_ref()).unwrap();
        out
    }

    #[test]
    fn renders_exactly_like_mietttes_own_source() {
        use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};
        let text: String = (1..=50).fold(String::new(), |mut s, i| {
            let _ = write!(s, "key{i}: välue {i}\r\n");
            s
        });
        let ours = SourceFile::new("f.yaml", text.clone());
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(80)
            .with_context_lines(2);
        for (offset, len) in [(0, 4), (200, 7), (text.len() - 9, 7), (30, 60)] {
            let diag = MietteDiagnostic::new("m")
                .with_label(LabeledSpan::at(offset..offset + len, "here"));
            let a = render(
                &handler,
                &diag,
                miette::NamedSource::new("f.yaml", text.clone()),
            );
            let b = render(&handler, &diag, Arc::clone(&ours));
            assert!(b.contains("here"), "{b}");
            assert_eq!(a, b);
        }
    }
}
