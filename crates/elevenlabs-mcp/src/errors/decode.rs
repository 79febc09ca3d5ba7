//! Decoding a 2xx body the liberal way, fast, and naming the JSON path when it fails.

use std::fmt;

use super::{Error, excerpt};

/// A 2xx body that did not decode into the expected type.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// JSON path of the value that failed, such as `mcp_servers[3].config.name`.
    pub path: String,
    /// What serde reported.
    pub message: String,
    /// The start of the body (at most [`BODY_EXCERPT_LIMIT`](crate::BODY_EXCERPT_LIMIT) bytes), as text.
    pub body: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "could not decode the response at `{}`: {}; body starts: {}",
            self.path, self.message, self.body
        )
    }
}

/// Decodes a response body as the client does, naming the JSON path of a failure. Every
/// response the client reads goes through here; use it to read a body you kept, such as
/// one saved from [`RawResponse`](crate::RawResponse), with the same liberal types and the
/// same errors.
///
/// ```
/// use elevenlabs_mcp::{Error, McpServerList, decode};
///
/// let list: McpServerList = decode(br#"{"mcp_servers": []}"#)?;
/// assert!(list.mcp_servers.is_empty());
///
/// match decode::<McpServerList>(br#"{"mcp_servers": [{"id": 7}]}"#) {
///     Err(Error::Decode(e)) => assert_eq!(e.path, "mcp_servers[0].id"),
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Error>(())
/// ```
///
/// How it goes, fastest first (BENCHMARKS.md has the figures for a large `list`):
///
/// - the body's UTF-8 is checked once, whole, and the text decoded from there: serde_json
///   otherwise checks each string as it reads it;
/// - the text is decoded with every union read straight into its variant
///   ([`raw::stream::from_str`](crate::raw::stream::from_str)). A body where some union
///   needs its fallback (a malformed variant the service should not send) is then decoded
///   again the liberal way, which gives the same value wherever the first way succeeds;
/// - the JSON path is worked out only when decoding fails: tracking it costs about a third
///   of the decode, and a body that decodes has no use for it. A failed body is decoded once
///   more with tracking on, which finds the same first error.
pub fn decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    // All of these reject bytes after the document: not what the service sends.
    let decoded = match std::str::from_utf8(body) {
        Ok(text) => match crate::raw::stream::from_str(text) {
            Some(value) => return Ok(value),
            None => serde_json::from_str(text),
        },
        // Not UTF-8: serde_json's own reading finds where, and says so.
        Err(_) => serde_json::from_slice(body),
    };
    decoded.map_err(|first| locate::<T>(body, first))
}

/// The decode error for a body that failed to decode, with the JSON path of the failure.
#[cold]
fn locate<T: serde::de::DeserializeOwned>(body: &[u8], first: serde_json::Error) -> Error {
    let fail = |path: String, message: String| {
        Error::Decode(Box::new(DecodeError {
            path,
            message,
            body: excerpt(body),
        }))
    };
    let de = &mut serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize::<_, T>(&mut *de) {
        Err(e) => fail(path_text(e.path()), e.into_inner().to_string()),
        // The document decoded, so what failed was the check for trailing bytes.
        Ok(_) => fail(".".into(), first.to_string()),
    }
}

/// A JSON path as the errors write it: `mcp_servers[3].config.name`, `.` for the whole
/// body. A key that this notation would make ambiguous (empty, or holding `.`, `[`, `]`,
/// quotes or blanks: the server's keys are untrusted) is written quoted, `["a.b"]`, so a
/// path always names one place.
fn path_text(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                let plain = !key.is_empty()
                    && !key.contains(|c: char| {
                        matches!(c, '.' | '[' | ']' | '"' | '\\')
                            || c.is_whitespace()
                            || c.is_control()
                    });
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                } else {
                    out.push_str(&format!("[{}]", serde_json::Value::String(key.clone())));
                }
            }
            Segment::Unknown => out.push_str(if out.is_empty() { "?" } else { ".?" }),
        }
    }
    if out.is_empty() { ".".to_owned() } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `response_decode` fuzz target: a body failing under an empty key had
    /// the empty path, which names nothing.
    #[test]
    fn a_key_the_path_notation_cannot_hold_is_quoted() {
        let at = |body: &str| match decode::<crate::McpServerList>(body.as_bytes()) {
            Err(Error::Decode(e)) => e.path,
            other => panic!("{other:?}"),
        };
        assert_eq!(at(r#"{"": 1, "mcp_servers": 3}"#), "mcp_servers");
        assert_eq!(at(r#"{"mcp_servers": [{"id": 7}]}"#), "mcp_servers[0].id");
        assert_eq!(at(r#"{"mcp_servers": [], "x": tru}"#), "x");
        assert_eq!(at(r#"{"mcp_servers": [], "": tru}"#), r#"[""]"#);
        assert_eq!(at(r#"{"mcp_servers": [], "a.b": tru}"#), r#"["a.b"]"#);
        assert_eq!(at("[]"), ".");
    }

    #[test]
    fn decode_errors_name_the_json_path() {
        let body = br#"{"mcp_servers":[{"id":"a","config":{"url":"https://x","name":"A"},"metadata":{"created_at":1}},{"id":"b","config":{"url":"https://x"},"metadata":{"created_at":2}}]}"#;
        let err =
            decode::<elevenlabs_mcp_raw::types::McpServerList>(body).expect_err("name is missing");
        let Error::Decode(d) = &err else {
            panic!("not a decode error: {err}")
        };
        assert_eq!(d.path, "mcp_servers[1].config");
        assert!(d.message.contains("missing field `name`"), "{}", d.message);
        assert!(err.to_string().contains("mcp_servers[1].config"), "{err}");
        // Any bytes at all produce an error, never a panic.
        for junk in [
            &b""[..],
            b"\xff\xfe",
            b"[",
            b"null",
            b"{\"mcp_servers\": 3}",
        ] {
            assert!(decode::<elevenlabs_mcp_raw::types::McpServerList>(junk).is_err());
        }
    }
}
