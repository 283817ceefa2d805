//! Text from the repository made safe to print: a pull request's author writes the file names,
//! the content, the custom rules and the commit authors, and none of it may reach a terminal or
//! a CI log as a control character (a line break that starts `::error` or `::add-mask::` in a
//! GitHub Actions log, an escape sequence that clears the screen or retitles the terminal, a
//! direction override that makes the text read differently from what it is).
//!
//! Every text format passes what it prints from the repository through [`visible`] (or, for
//! the source lines under a diagnostic, [`SourceFile`](crate::source::SourceFile)'s
//! same-length copy from [`same_length`]). JSON and SARIF escape control characters by
//! their own syntax.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters that are not printed as they are: C0 and C1 controls and DEL (`char::is_control`),
/// and the formatting characters that reorder or break text (bidirectional embeddings,
/// overrides and isolates, the Arabic letter mark, line and paragraph separators).
#[must_use]
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}' | '\u{202a}'
                ..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `s` on one line with every unsafe character written as an escape: `\n`, `\r`, `\t`, `\x1b`,
/// `\u{202e}`; a backslash stays a backslash.
///
/// ```
/// use aims_lint::visible::visible;
/// assert_eq!(visible("a\n::error::x"), "a\\n::error::x");
/// assert_eq!(visible("\u{1b}]0;pwned\u{7}"), "\\x1b]0;pwned\\x07");
/// assert_eq!(visible("plain café"), "plain café");
/// ```
#[must_use]
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) && (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`visible`], but line breaks stay line breaks and every line after the first is
/// indented by two spaces, so that no line of `s` starts where a CI runner looks for a
/// command. For messages of several lines (errors).
#[must_use]
pub fn visible_lines(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            if !line.is_empty() && !line.starts_with(' ') {
                out.push_str("  ");
            }
        }
        out.push_str(&visible(line.strip_suffix('\r').unwrap_or(line)));
    }
    out
}

/// A copy of `text` of the same length in bytes, with the same line breaks, in which every
/// unsafe character is replaced by a printable one of its length (`?`, `¿` or `\u{fffd}`), or
/// `None` if there is nothing to replace. A lone CR is a line break to the line index, so it
/// becomes LF; CR LF and tabs stay. The source lines under a diagnostic are read from it, so
/// byte offsets, lines and columns stay those of the file.
#[must_use]
pub fn same_length(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let needs = text.char_indices().any(|(i, c)| {
        is_unsafe(c) && !(c == '\n' || c == '\t' || (c == '\r' && bytes.get(i + 1) == Some(&b'\n')))
    });
    if !needs {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '\n' | '\t' => out.push(c),
            '\r' if bytes.get(i + 1) == Some(&b'\n') => out.push(c),
            '\r' => out.push('\n'),
            c if is_unsafe(c) => out.push(match c.len_utf8() {
                1 => '?',
                2 => '¿',
                _ => '\u{fffd}',
            }),
            c => out.push(c),
        }
    }
    debug_assert_eq!(out.len(), text.len());
    Some(out)
}

/// Whether `s` holds a character other than LF that must not be printed raw (what tests
/// assert of output).
#[must_use]
pub fn has_unsafe(s: &str) -> bool {
    s.chars().any(|c| is_unsafe(c) && c != '\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_control_and_reordering_character() {
        assert_eq!(visible("a\u{85}b"), "a\\x85b");
        assert_eq!(visible("x\u{202e}y\u{2066}"), "x\\u{202e}y\\u{2066}");
        assert_eq!(visible("\x7f\x00"), "\\x7f\\x00");
        assert_eq!(visible("back\\slash"), "back\\slash");
    }

    #[test]
    fn lines_stay_but_never_start_a_command() {
        assert_eq!(
            visible_lines("cannot read a\n::error::pwned\r\n  │ b"),
            "cannot read a\n  ::error::pwned\n  │ b"
        );
    }

    #[test]
    fn same_length_keeps_offsets_and_line_breaks() {
        let text = "a: \u{1b}[2J\r\nb: \u{85}x\rc\t\u{202e}d\n";
        let safe = same_length(text).unwrap();
        assert_eq!(safe.len(), text.len());
        assert_eq!(safe, "a: ?[2J\r\nb: ¿x\nc\t\u{fffd}d\n");
        assert!(same_length("plain\r\ntext\twith tabs\n").is_none());
    }
}
