//! The chain's fields of a message (`id`, and each content block's `type`, `id` and
//! `tool_use_id`) read from the message's JSON text, which the line's parser has already
//! checked: no second validation, and the skipped values (tool results, text, inputs) are
//! passed over with a vectorised search for their string ends. A repeated key reads as its last
//! value, as in a parsed `Value`.

use super::ts_marks::may_start_marked;
use memchr::memchr2;
use std::borrow::Cow;

/// A content block's `type`, `id` and `tool_use_id`, each when it is a string.
pub(super) type Block<'a> = [Option<Cow<'a, str>>; 3];

/// What the chain reads of a message object.
#[derive(Debug, Default)]
pub(super) struct ScannedMessage<'a> {
    pub id: Option<Cow<'a, str>>,
    /// The object blocks, when `content` is a list.
    pub content: Option<Vec<Block<'a>>>,
    /// Whether a text (a string `content`, a block's `text` or string `content`) may start
    /// with one of the CLI's markers ([`may_start_marked`]): the TypeScript view then reads
    /// the entry whole.
    pub marked: bool,
}

/// Reads a message's JSON text (valid JSON); `None` when it is not an object.
pub(super) fn scan_message(text: &str) -> Option<ScannedMessage<'_>> {
    let mut s = Scanner {
        text,
        i: 0,
        marked: false,
    };
    s.ws();
    if s.peek() != Some(b'{') {
        return None;
    }
    let mut message = ScannedMessage::default();
    s.object(|s, key| {
        match &*key {
            "id" => message.id = s.string_value(),
            "content" if s.peek() == Some(b'[') => message.content = Some(s.blocks()),
            "content" => {
                message.content = None;
                s.note_start();
                s.skip_value();
            }
            _ => s.skip_value(),
        };
    })?;
    message.marked = s.marked;
    Some(message)
}

struct Scanner<'a> {
    text: &'a str,
    i: usize,
    marked: bool,
}

impl<'a> Scanner<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    /// At a `"`: moves past the string; its text between the quotes, and whether it has
    /// escapes.
    fn raw_string(&mut self) -> Option<(usize, usize, bool)> {
        let start = self.i + 1;
        let mut at = start;
        let mut escaped = false;
        loop {
            let found = memchr2(b'"', b'\\', self.bytes().get(at..)?)?;
            at += found;
            if self.bytes()[at] == b'"' {
                self.i = at + 1;
                return Some((start, at, escaped));
            }
            escaped = true;
            at += 2;
        }
    }

    /// At a `"`: the string's value.
    fn string(&mut self) -> Option<Cow<'a, str>> {
        let (start, end, escaped) = self.raw_string()?;
        if !escaped {
            return self.text.get(start..end).map(Cow::Borrowed);
        }
        serde_json::from_str::<String>(self.text.get(start - 1..=end)?)
            .ok()
            .map(Cow::Owned)
    }

    /// The value here when it is a string; any other value is skipped.
    fn string_value(&mut self) -> Option<Cow<'a, str>> {
        if self.peek() == Some(b'"') {
            self.string()
        } else {
            self.skip_value();
            None
        }
    }

    /// At a value: notes a string that may start with a marker ([`ScannedMessage::marked`]).
    fn note_start(&mut self) {
        let bytes = self.bytes();
        if bytes.get(self.i) == Some(&b'"') && may_start_marked(&bytes[self.i + 1..]) {
            self.marked = true;
        }
    }

    /// Moves past one value.
    fn skip_value(&mut self) {
        match self.peek() {
            Some(b'"') => {
                if self.raw_string().is_none() {
                    self.i = self.text.len();
                }
            }
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                while let Some(b) = self.peek() {
                    match b {
                        b'"' => {
                            self.skip_value();
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.i += 1;
                                return;
                            }
                        }
                        _ => {}
                    }
                    self.i += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.i += 1;
                }
            }
        }
    }

    /// At a `{`: calls `field` with each key, the scanner at its value (which `field` must
    /// read or skip). `None` when the text ends early.
    fn object(&mut self, mut field: impl FnMut(&mut Self, Cow<'a, str>)) -> Option<()> {
        self.i += 1;
        loop {
            self.ws();
            match self.peek()? {
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                b',' => {
                    self.i += 1;
                    continue;
                }
                _ => {}
            }
            let key = self.string()?;
            self.ws();
            if self.peek()? != b':' {
                return None;
            }
            self.i += 1;
            self.ws();
            field(self, key);
        }
    }

    /// At a `[`: the object items' block fields; other items are skipped.
    fn blocks(&mut self) -> Vec<Block<'a>> {
        let mut blocks = Vec::new();
        self.i += 1;
        loop {
            self.ws();
            match self.peek() {
                None => return blocks,
                Some(b']') => {
                    self.i += 1;
                    return blocks;
                }
                Some(b',') => self.i += 1,
                Some(b'{') => {
                    let mut block: Block<'a> = [None, None, None];
                    let read = self.object(|s, key| match &*key {
                        "type" => block[0] = s.string_value(),
                        "id" => block[1] = s.string_value(),
                        "tool_use_id" => block[2] = s.string_value(),
                        "text" | "content" => {
                            s.note_start();
                            s.skip_value();
                        }
                        _ => s.skip_value(),
                    });
                    if read.is_none() {
                        return blocks;
                    }
                    blocks.push(block);
                }
                Some(_) => self.skip_value(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Owned = (Option<String>, Option<Vec<[Option<String>; 3]>>);

    fn scan(text: &str) -> Option<Owned> {
        let m = scan_message(text)?;
        let own = |c: &Option<Cow<'_, str>>| c.as_deref().map(str::to_owned);
        Some((
            own(&m.id),
            m.content.map(|bs| {
                bs.iter()
                    .map(|b| [own(&b[0]), own(&b[1]), own(&b[2])])
                    .collect()
            }),
        ))
    }

    #[test]
    fn reads_what_a_parse_reads() {
        assert_eq!(scan("\"text\""), None);
        assert_eq!(scan("[1]"), None);
        assert_eq!(scan(" { } "), Some((None, None)));
        let text = r#"{"role":"user","id":"m\"1","usage":{"a":[1,{"b":"]}"}],"c":-1.5e3},
            "content" : [ "s", 7, null, [{"type":"x"}],
              {"type":"tool_result","tool_use_id":"t\u0031","content":[{"type":"text","text":"a \\\" ] }"}],"is_error":false},
              {"type":"tool_use","id":5,"input":{"id":"no"},"id":"t2"} ],
            "\u0069d":"m2","stop":true}"#;
        let (id, content) = scan(text).unwrap();
        assert_eq!(id.as_deref(), Some("m2"));
        let content = content.unwrap();
        assert_eq!(
            content,
            vec![
                [Some("x".into()), None, None],
                [Some("tool_result".into()), None, Some("t1".into())],
                [Some("tool_use".into()), Some("t2".into()), None],
            ]
            .into_iter()
            .skip(1)
            .collect::<Vec<_>>()
        );
        // A later `content` that is not a list replaces a list.
        let (_, content) = scan(r#"{"content":[{"type":"a"}],"content":"s"}"#).unwrap();
        assert_eq!(content, None);
    }
}
