//! What `cargo xtask site` leaves out of the scripts and style sheets it
//! lays out: comments, indentation and blank lines. About a third of the
//! page's JavaScript is prose for its readers (why a step is there, what a
//! value means); a browser downloads it on every first visit, on a phone
//! link of 1.6 Mbit/s too. The sources in `www/` keep every word; the site
//! carries the code.
//!
//! Nothing else changes: no name is shortened, no line joined to another
//! (a line break can end a statement in JavaScript), and every string,
//! template literal and regular expression is copied as it is. A comment is
//! replaced by nothing at the end of a line, by a line break when it spans
//! lines (JavaScript reads that as a line break), and by a space elsewhere
//! (`a/**/b` stays two words). Comments that start `/*!` are kept (licence
//! notices). What the lexer cannot read (an unterminated string, comment,
//! template or regular expression) is an error naming the line: the file is
//! then not laid out, rather than laid out broken.

use crate::sh::Result;

/// Words after which a `/` starts a regular expression, not a division.
const REGEX_AFTER_WORDS: [&str; 14] = [
    "return",
    "typeof",
    "case",
    "do",
    "else",
    "in",
    "of",
    "new",
    "delete",
    "void",
    "throw",
    "instanceof",
    "yield",
    "await",
];

/// The 1-based line of a byte offset, for messages (also hashed.rs's and bundle.rs's).
pub(crate) fn line_of(text: &str, at: usize) -> usize {
    text[..at.min(text.len())].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Appends `s` to `out`, line by line, dropping each line's indentation and
/// trailing blanks and the lines left empty (code outside any literal).
fn push_code(out: &mut String, s: &str) {
    for (i, piece) in s.split('\n').enumerate() {
        if i > 0 {
            end_line(out);
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
        }
        let at_line_start = out.is_empty() || out.ends_with('\n');
        out.push_str(if at_line_start { piece.trim_start() } else { piece });
    }
}

/// Drops the blanks at the end of the output's last line.
fn end_line(out: &mut String) {
    while out.ends_with(' ') || out.ends_with('\t') || out.ends_with('\r') {
        out.pop();
    }
}

/// What a span of JavaScript is, for [`lex`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// `// …` up to (not including) its line terminator.
    LineComment,
    /// `/* … */`.
    BlockComment,
    /// A quoted string, quotes included.
    Str,
    /// A template literal's text: from its '`' (or a substitution's '}') to
    /// its closing '`' (or the next "${"); `whole`: '`' at both ends.
    Template { whole: bool },
    /// A regular expression literal, flags included.
    Regex,
}

/// The comments and literals of a JavaScript text, in order, as
/// `(piece, start, end)` byte spans; what lies between them is code. A `/`
/// is a regular expression where an expression may begin (after an
/// operator, `(`, `,`, `;`, a keyword like `return`, or an `if`, `while`,
/// `for` or `with` condition's `)`), else a division. Also how hashed.rs
/// finds the strings that name files.
pub(crate) fn lex(text: &str) -> Result<Vec<(Piece, usize, usize)>> {
    let b = text.as_bytes();
    let n = b.len();
    let mut out = Vec::new();
    let mut i = 0;
    // The last significant byte (`a` for a word), and the last word.
    let mut last = b'(';
    let mut last_word = String::new();
    // `true`: the `{` of a template substitution.
    let mut braces: Vec<bool> = Vec::new();
    // `true`: the `(` of an `if`, `while`, `for` or `with` condition, after
    // whose `)` a `/` starts a regular expression (`if (x) /re/.test(s)`).
    let mut parens: Vec<bool> = Vec::new();
    let unterminated = |what: &str, at: usize| format!("line {}: an unterminated {what}", line_of(text, at));
    // From `i` (after '`' or a substitution's '}'): the index after the
    // template's closing '`' or after the next "${", and which.
    let template = |mut i: usize| -> Result<(usize, bool)> {
        let start = i;
        while i < n {
            match b[i] {
                b'\\' => i += 2,
                b'`' => return Ok((i + 1, false)),
                b'$' if b.get(i + 1) == Some(&b'{') => return Ok((i + 2, true)),
                _ => i += 1,
            }
        }
        Err(unterminated("template literal", start))
    };
    while i < n {
        let c = b[i];
        if c == b'/' && b.get(i + 1) == Some(&b'/') {
            // A line comment ends at any line terminator: LF, CR, U+2028, U+2029.
            let end = text[i..].find(['\n', '\r', '\u{2028}', '\u{2029}']).map_or(n, |e| i + e);
            out.push((Piece::LineComment, i, end));
            i = end;
        } else if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let end = text[i + 2..].find("*/").map(|e| i + 2 + e + 2).ok_or_else(|| unterminated("comment", i))?;
            out.push((Piece::BlockComment, i, end));
            i = end;
        } else if c == b'\'' || c == b'"' {
            let start = i;
            i += 1;
            loop {
                match b.get(i) {
                    None | Some(b'\n') => return Err(unterminated("string", start)),
                    Some(b'\\') => i += 2,
                    Some(&q) if q == c => break,
                    _ => i += 1,
                }
            }
            i += 1;
            out.push((Piece::Str, start, i));
            last = c;
        } else if c == b'`' || (c == b'}' && braces.last() == Some(&true)) {
            if c == b'}' {
                braces.pop();
            }
            let (end, subst) = template(i + 1)?;
            if subst {
                braces.push(true);
            }
            out.push((Piece::Template { whole: c == b'`' && !subst }, i, end));
            i = end;
            last = b'`';
        } else if c == b'/' {
            let regex = b"(,=:[!&|?{};+-*%<>~^".contains(&last)
                || (last == b'a' && REGEX_AFTER_WORDS.contains(&last_word.as_str()));
            if regex {
                let start = i;
                i += 1;
                let mut class = false;
                loop {
                    match b.get(i) {
                        None | Some(b'\n') => return Err(unterminated("regular expression", start)),
                        Some(b'\\') => i += 2,
                        Some(b'[') => {
                            class = true;
                            i += 1
                        }
                        Some(b']') => {
                            class = false;
                            i += 1
                        }
                        Some(b'/') if !class => break,
                        _ => i += 1,
                    }
                }
                i += 1;
                while i < n && b[i].is_ascii_alphabetic() {
                    i += 1;
                }
                out.push((Piece::Regex, start, i));
                last = b')';
            } else {
                i += 1;
                last = b'/';
            }
        } else if c == b'(' {
            parens.push(last == b'a' && matches!(last_word.as_str(), "if" | "while" | "for" | "with"));
            last = c;
            i += 1;
        } else if c == b')' {
            // After a condition's `)`, a statement begins: a `/` there starts a regular expression.
            last = if parens.pop() == Some(true) { b';' } else { c };
            i += 1;
        } else if c == b'{' {
            braces.push(false);
            last = c;
            i += 1;
        } else if c == b'}' {
            braces.pop();
            last = c;
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 {
            let start = i;
            while i < n && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$' || b[i] >= 0x80) {
                i += 1;
            }
            last_word = text[start..i].to_owned();
            last = b'a';
        } else if c.is_ascii_whitespace() {
            i += 1;
        } else {
            last = c;
            i += 1;
        }
    }
    Ok(out)
}

/// The JavaScript `text` without its comments, indentation and blank lines.
pub fn js(text: &str) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut code_from = 0;
    for (piece, start, end) in lex(text)? {
        push_code(&mut out, &text[code_from..start]);
        let span = &text[start..end];
        match piece {
            Piece::LineComment => end_line(&mut out),
            Piece::BlockComment if span.starts_with("/*!") => out.push_str(span),
            Piece::BlockComment if span.contains('\n') => {
                // A comment across lines is a line break (automatic semicolons).
                end_line(&mut out);
                if !out.is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            Piece::BlockComment => {
                if !out.is_empty() && !out.ends_with([' ', '\n']) {
                    out.push(' ');
                }
            }
            Piece::Str | Piece::Template { .. } | Piece::Regex => out.push_str(span),
        }
        code_from = end;
    }
    push_code(&mut out, &text[code_from..]);
    end_line(&mut out);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// The CSS `text` without its comments, indentation and blank lines.
pub fn css(text: &str) -> Result<String> {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut i, mut code_from) = (0, 0);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let end = text[i + 2..]
                    .find("*/")
                    .map(|e| i + 2 + e + 2)
                    .ok_or_else(|| format!("line {}: an unterminated comment", line_of(text, i)))?;
                push_code(&mut out, &text[code_from..i]);
                let name = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_');
                if text[i..end].starts_with("/*!") {
                    out.push_str(&text[i..end]);
                } else if name(out.chars().last()) && name(text[end..].chars().next()) {
                    // Not `.a/**/.b` -> `.a .b` (a comment is no descendant combinator), but never two words made one.
                    out.push(' ');
                }
                i = end;
                code_from = i;
            }
            b'u' if text[i..].starts_with("url(") && !text[i + 4..].trim_start().starts_with(['\'', '"']) => {
                // An unquoted URL is copied as it is, `/*` and all.
                let end = text[i..]
                    .find(')')
                    .map(|e| i + e + 1)
                    .ok_or_else(|| format!("line {}: an unterminated url(", line_of(text, i)))?;
                push_code(&mut out, &text[code_from..i]);
                out.push_str(&text[i..end]);
                i = end;
                code_from = i;
            }
            q @ (b'\'' | b'"') => {
                let start = i;
                i += 1;
                loop {
                    match b.get(i) {
                        None | Some(b'\n') => {
                            return Err(format!("line {}: an unterminated string", line_of(text, start)))
                        }
                        Some(b'\\') => i += 2,
                        Some(&c) if c == q => break,
                        _ => i += 1,
                    }
                }
                i += 1;
                push_code(&mut out, &text[code_from..start]);
                out.push_str(&text[start..i]);
                code_from = i;
            }
            _ => i += 1,
        }
    }
    push_code(&mut out, &text[code_from..]);
    end_line(&mut out);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Strips, in place, every `.js`, `.mjs` and `.css` file under `dir`
/// (the laid-out site); returns the bytes before and after.
pub fn strip_site(dir: &std::path::Path) -> Result<(usize, usize)> {
    let (mut before, mut after) = (0, 0);
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", d.display()))?.path();
            if path.is_dir() {
                todo.push(path);
                continue;
            }
            let strip: fn(&str) -> Result<String> = match path.extension().and_then(|e| e.to_str()) {
                Some("js" | "mjs") => js,
                Some("css") => css,
                _ => continue,
            };
            let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let stripped = strip(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            before += text.len();
            after += stripped.len();
            crate::sh::write(&path, stripped)?;
        }
    }
    Ok((before, after))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_indentation_and_blank_lines_go() {
        let src = "// The module.\n\nimport { a } from './a.js'; // why\n\n/**\n * Doc.\n */\nexport function f(x) {\n    return x + 1; /* one */\n}\n";
        assert_eq!(js(src).unwrap(), "import { a } from './a.js';\nexport function f(x) {\nreturn x + 1;\n}\n");
    }

    #[test]
    fn strings_templates_and_regular_expressions_are_copied_as_they_are() {
        let src = "const s = '// not a comment';\nconst t = `line one\n    // kept, indented\n  ${a /* gone */ + `in ${b}`}   end`;\nconst r = /\\/\\/ [/*]/g; // gone\nconst d = a / b / c; // gone\n";
        assert_eq!(
            js(src).unwrap(),
            "const s = '// not a comment';\nconst t = `line one\n    // kept, indented\n  ${a  + `in ${b}`}   end`;\nconst r = /\\/\\/ [/*]/g;\nconst d = a / b / c;\n"
        );
        assert_eq!(js("x = typeof /re/.source;\n").unwrap(), "x = typeof /re/.source;\n");
        assert_eq!(js("if (a) return /'/.test(s);\n").unwrap(), "if (a) return /'/.test(s);\n");
    }

    #[test]
    fn a_comment_never_joins_two_words_or_two_lines() {
        assert_eq!(js("a/**/b\n").unwrap(), "a b\n");
        // A comment spanning lines is a line break (automatic semicolons).
        assert_eq!(js("return/*\n*/x\n").unwrap(), "return\nx\n");
        assert_eq!(js("a = b\n// c\n(d)\n").unwrap(), "a = b\n(d)\n");
        assert_eq!(js("/*! licence */\nx\n").unwrap(), "/*! licence */\nx\n");
    }

    #[test]
    fn a_regular_expression_after_a_condition_is_one() {
        // Found by review: read as divisions, these lost code or template text.
        let src = "if (x) /`/.test(s);\nconst t = `line1\n   // inside\n`;\n";
        assert_eq!(js(src).unwrap(), src);
        assert_eq!(js("while (0) /\\/\\//.exec(s) // gone\n").unwrap(), "while (0) /\\/\\//.exec(s)\n");
        assert_eq!(js("if (s) /['\"]/g.test(s);\n").unwrap(), "if (s) /['\"]/g.test(s);\n");
        assert_eq!(js("x = (a) / b / c; // gone\n").unwrap(), "x = (a) / b / c;\n");
        // A line comment ends at U+2028 too.
        assert_eq!(js("// c\u{2028}x = 2;\n").unwrap(), "x = 2;\n");
        assert_eq!(js("a = 1 // c\u{2028}b = 2\n").unwrap(), "a = 1\u{2028}b = 2\n");
    }

    #[test]
    fn what_cannot_be_read_is_refused_with_its_line() {
        for (src, what) in [
            ("x\n'open\n", "line 2: an unterminated string"),
            ("x\n/* open\n", "line 2: an unterminated comment"),
            ("`open ${a}\n", "line 1: an unterminated template literal"),
            ("x = /open\n", "line 1: an unterminated regular expression"),
        ] {
            assert_eq!(js(src).unwrap_err(), what, "{src:?}");
        }
        assert_eq!(css("a { content: 'x }\n").unwrap_err(), "line 1: an unterminated string");
    }

    #[test]
    fn style_sheets_keep_their_strings() {
        assert_eq!(
            css("/* The page. */\n.a {\n  content: '/* x */';\n  color: red; /* why */\n}\n").unwrap(),
            ".a {\ncontent: '/* x */';\ncolor: red;\n}\n"
        );
        assert_eq!(css(".a/**/.b, c/**/d { }\n").unwrap(), ".a.b, c d { }\n");
        assert_eq!(css("a { background: url(x/*y*/z.png); }\n").unwrap(), "a { background: url(x/*y*/z.png); }\n");
    }

    /// Every script and style sheet of the page, stripped: read again, the
    /// stripped text is unchanged (nothing half-stripped), no line starts a
    /// comment, and it is at least a fifth smaller. (That the code is the
    /// same was checked outside this test: acorn's syntax tree and tokens of
    /// each www/ and pkg/ script, and css-tree's of each style sheet, the
    /// same before and after, on 2026-12-07.)
    #[test]
    fn the_pages_own_files_keep_their_code() {
        let www = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../www");
        let mut files = vec![www.clone()];
        let (mut before, mut after) = (0, 0);
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            let stripped = match p.extension().and_then(|e| e.to_str()) {
                Some("js") => js(&text).unwrap(),
                Some("css") => css(&text).unwrap(),
                _ => continue,
            };
            // Stripping again changes nothing, and no comment is left outside literals.
            let again = if p.extension().is_some_and(|e| e == "js") { js(&stripped) } else { css(&stripped) };
            assert_eq!(again.unwrap(), stripped, "{}", p.display());
            assert!(!stripped.lines().any(|l| l.starts_with("// ") || l.starts_with("/**")), "{}", p.display());
            before += text.len();
            after += stripped.len();
        }
        assert!(after * 10 < before * 8, "{before} -> {after} bytes: less than a fifth stripped");
    }
}
