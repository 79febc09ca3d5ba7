//! A bounded parser for `text/event-stream`, fed bytes as they arrive.
//!
//! It follows the WHATWG rules (lines end in CRLF, LF or CR; `data` lines join with LF; a
//! blank line dispatches; comments and unknown fields are skipped; a leading BOM is
//! dropped; an event cut off by the end of the stream is discarded), and it holds at most
//! one line and one event's data at a time, each under its bound, so that a stream that
//! never ends a line or an event fails early instead of growing memory.

use std::collections::VecDeque;

use crate::error::Bound;

/// The byte order mark a stream may start with, dropped.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One dispatched event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    /// The `event` field; `message` when the event named none.
    pub(crate) name: String,
    /// The joined `data` lines, as bytes: the JSON parser judges their UTF-8.
    pub(crate) data: Vec<u8>,
}

/// A bound the stream went past.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Overflow {
    pub(crate) bound: Bound,
    pub(crate) limit: usize,
}

#[derive(Debug)]
pub(crate) struct Parser {
    max_line: usize,
    max_data: usize,
    /// The line read so far, without its terminator.
    line: Vec<u8>,
    /// The last chunk ended in CR: an LF starting the next one belongs to it.
    after_cr: bool,
    /// How much of a leading BOM has been read, while the stream may still start with one
    /// (it may be split across chunks); `None` past the start.
    bom: Option<usize>,
    name: Option<String>,
    data: Vec<u8>,
    /// Some `data` field was seen in this event (an empty one counts).
    has_data: bool,
    ready: VecDeque<Event>,
}

impl Parser {
    pub(crate) fn new(max_line: usize, max_data: usize) -> Self {
        Self {
            max_line,
            max_data,
            line: Vec::new(),
            after_cr: false,
            bom: Some(0),
            name: None,
            data: Vec::new(),
            has_data: false,
            ready: VecDeque::new(),
        }
    }

    /// Takes the next bytes of the stream; events they complete are queued for [`Self::next`].
    pub(crate) fn feed(&mut self, mut bytes: &[u8]) -> Result<(), Overflow> {
        if bytes.is_empty() {
            // Nothing to read, and nothing to forget: a CR that ended the last chunk still
            // waits for the LF that may start the next.
            return Ok(());
        }
        if let Some(matched) = self.bom {
            let n = bytes.len().min(BOM.len() - matched);
            if bytes[..n] == BOM[matched..matched + n] {
                bytes = &bytes[n..];
                if matched + n < BOM.len() {
                    self.bom = Some(matched + n);
                    return Ok(());
                }
                self.bom = None;
            } else {
                // Not a BOM after all: the bytes held back for one are the stream's.
                self.bom = None;
                self.feed(&BOM[..matched])?;
            }
        }
        if self.after_cr {
            self.after_cr = false;
            if let Some(rest) = bytes.strip_prefix(b"\n") {
                bytes = rest;
            }
        }
        while !bytes.is_empty() {
            match memchr::memchr2(b'\n', b'\r', bytes) {
                None => {
                    self.extend_line(bytes)?;
                    break;
                }
                Some(end) => {
                    let (segment, rest) = bytes.split_at(end);
                    self.extend_line(segment)?;
                    let line = std::mem::take(&mut self.line);
                    self.process_line(&line)?;
                    // Reuse the allocation for the next line.
                    self.line = line;
                    self.line.clear();
                    let (terminator, rest) = rest.split_at(1);
                    bytes = rest;
                    if terminator == b"\r" {
                        match bytes.first() {
                            Some(b'\n') => bytes = &bytes[1..],
                            Some(_) => {}
                            None => self.after_cr = true,
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// The next complete event, if any.
    pub(crate) fn next(&mut self) -> Option<Event> {
        self.ready.pop_front()
    }

    fn extend_line(&mut self, segment: &[u8]) -> Result<(), Overflow> {
        if self.line.len() + segment.len() > self.max_line {
            return Err(Overflow {
                bound: Bound::SseLine,
                limit: self.max_line,
            });
        }
        self.line.extend_from_slice(segment);
        Ok(())
    }

    fn process_line(&mut self, line: &[u8]) -> Result<(), Overflow> {
        if line.is_empty() {
            self.dispatch();
            return Ok(());
        }
        if line.first() == Some(&b':') {
            return Ok(()); // a comment, often a keep-alive
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                let added = value.len() + usize::from(self.has_data);
                if self.data.len() + added > self.max_data {
                    return Err(Overflow {
                        bound: Bound::MessageBytes,
                        limit: self.max_data,
                    });
                }
                if self.has_data {
                    self.data.push(b'\n');
                }
                self.data.extend_from_slice(value);
                self.has_data = true;
            }
            b"event" => self.name = Some(String::from_utf8_lossy(value).into_owned()),
            // `id` and `retry` serve reconnection, which a one-shot listing does not do.
            _ => {}
        }
        Ok(())
    }

    fn dispatch(&mut self) {
        let name = self.name.take();
        if !std::mem::take(&mut self.has_data) {
            return; // no data: per the standard, nothing is dispatched
        }
        let name = match name {
            Some(name) if !name.is_empty() => name,
            _ => "message".to_owned(),
        };
        self.ready.push_back(Event {
            name,
            data: std::mem::take(&mut self.data),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(chunks: &[&[u8]]) -> Vec<(String, String)> {
        let mut p = Parser::new(1024, 1024);
        let mut out = Vec::new();
        for chunk in chunks {
            p.feed(chunk).expect("within bounds");
            while let Some(e) = p.next() {
                out.push((e.name, String::from_utf8(e.data).expect("utf-8")));
            }
        }
        out
    }

    fn ev(name: &str, data: &str) -> (String, String) {
        (name.to_owned(), data.to_owned())
    }

    #[test]
    fn parses_named_and_default_events() {
        assert_eq!(
            events(&[b"event: endpoint\ndata: /messages?s=1\n\ndata: {\"a\":1}\n\n"]),
            vec![ev("endpoint", "/messages?s=1"), ev("message", "{\"a\":1}")]
        );
    }

    #[test]
    fn every_line_ending_and_split_point_gives_the_same_events() {
        let stream = b"\xEF\xBB\xBF: hi\r\nevent: endpoint\rdata: /m\r\n\r\ndata:a\ndata: b\n\n";
        let expected = vec![ev("endpoint", "/m"), ev("message", "a\nb")];
        for split in 0..=stream.len() {
            let (a, b) = stream.split_at(split);
            assert_eq!(events(&[a, b]), expected, "split at {split}");
        }
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(events(&bytes), expected);
    }

    /// Found by the `mcp_framing` fuzz target: an empty chunk between a CR and its LF made
    /// the LF a second line end, and so a blank line that dispatched a cut-off event.
    #[test]
    fn an_empty_chunk_between_cr_and_lf_changes_nothing() {
        assert_eq!(events(&[b"data: x\r", b"", b"\n"]), vec![]);
        assert_eq!(
            events(&[b"data: x\r", b"", b"\n\r", b"", b"\n"]),
            vec![ev("message", "x")]
        );
    }

    #[test]
    fn a_bom_split_across_chunks_is_dropped_and_a_false_start_kept() {
        let expected = vec![ev("message", "x")];
        assert_eq!(events(&[b"\xEF\xBB", b"\xBFdata: x\n\n"]), expected);
        assert_eq!(
            events(&[b"\xEF", b"", b"\xBB", b"\xBF", b"data: x\n\n"]),
            expected
        );
        // Bytes that begin like a BOM and then differ are the stream's: here a field name
        // no one reads, so the event has only the second line's data.
        assert_eq!(
            events(&[b"\xEF\xBB", b"data: y\ndata: x\n\n"]),
            vec![ev("message", "x")]
        );
    }

    #[test]
    fn comments_unknown_fields_and_dataless_events_dispatch_nothing() {
        assert_eq!(
            events(&[b": ping\n\nevent: x\n\nid: 3\nretry: 10\nfoo\n\n"]),
            vec![]
        );
        assert_eq!(events(&[b"data\n\n"]), vec![ev("message", "")]);
    }

    #[test]
    fn an_event_cut_off_by_the_end_is_not_dispatched() {
        assert_eq!(events(&[b"data: partial\n"]), vec![]);
    }

    #[test]
    fn a_line_that_never_ends_overflows_at_the_line_bound() {
        let mut p = Parser::new(100, 1000);
        let mut result = Ok(());
        for _ in 0..20 {
            result = p.feed(b": xxxxxxxxxx");
            if result.is_err() {
                break;
            }
        }
        assert_eq!(
            result,
            Err(Overflow {
                bound: Bound::SseLine,
                limit: 100
            })
        );
        assert!(p.line.len() <= 100);
    }

    #[test]
    fn an_event_that_never_ends_overflows_at_the_data_bound() {
        let mut p = Parser::new(100, 1000);
        let mut result = Ok(());
        for _ in 0..200 {
            result = p.feed(b"data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
            if result.is_err() {
                break;
            }
        }
        assert_eq!(
            result,
            Err(Overflow {
                bound: Bound::MessageBytes,
                limit: 1000
            })
        );
        assert!(p.data.len() <= 1000);
    }
}
