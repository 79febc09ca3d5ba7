//! The headers sent on every request: the caller's own, and the token.
//!
//! [`authorization`] is the one place that decides how the token is sent. Values are
//! marked sensitive (HTTP libraries then leave them out of their own logs), and every
//! caller-given value is registered with the [`Redactor`] so that a server echoing it back
//! cannot get it into an error.

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

use crate::error::ListError;
use crate::redact::{Redactor, Secret, sanitize};

/// Headers the transports set themselves, or that would break the HTTP framing: a caller's
/// value for one of them is refused rather than silently overridden.
const RESERVED: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
    "trailer",
    "keep-alive",
    "content-type",
    "accept",
    "mcp-session-id",
    "mcp-protocol-version",
    "last-event-id",
];

/// The checked headers of a listing, and the redactor that knows their values.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) map: HeaderMap,
    pub(crate) redactor: Redactor,
}

/// Checks the caller's headers and the token, naming the header at fault.
pub(crate) fn prepare(
    custom: &[(String, Secret)],
    token: Option<&Secret>,
) -> Result<Prepared, ListError> {
    let mut map = HeaderMap::new();
    let mut redactor = Redactor::default();
    for (name, value) in custom {
        let invalid = |reason: &str| ListError::InvalidHeader {
            name: sanitize(name),
            reason: reason.to_owned(),
        };
        let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            invalid(
                "not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only, no spaces \
                 or colons)",
            )
        })?;
        if RESERVED.contains(&header.as_str()) {
            return Err(invalid(
                "the client sets this header itself: leave it out (the transport decides it)",
            ));
        }
        let mut value = HeaderValue::from_str(value.expose()).map_err(|_| {
            invalid("its value has a character a header cannot carry (a line break or another control character)")
        })?;
        value.set_sensitive(true);
        redactor.add(value.to_str().unwrap_or_default());
        map.insert(header, value);
    }
    if let Some(token) = token {
        if map.contains_key(AUTHORIZATION) {
            return Err(ListError::InvalidHeader {
                name: "Authorization".into(),
                reason: "set both by header() and by bearer_token(): keep one".into(),
            });
        }
        let (value, bare) = authorization(token.expose())?;
        redactor.add(bare);
        redactor.add(value.to_str().unwrap_or_default());
        map.insert(AUTHORIZATION, value);
    }
    Ok(Prepared { map, redactor })
}

/// The `Authorization` header for a bearer token: `Bearer <token>`.
///
/// The token is trimmed of surrounding whitespace (a pasted token often ends in a
/// newline). A token that already starts with the scheme (`Bearer `, in any case, as the
/// scheme is case-insensitive) is not prefixed again; the scheme is then written as
/// `Bearer`. Returns the header and the bare token, for the redactor.
pub(crate) fn authorization(token: &str) -> Result<(HeaderValue, &str), ListError> {
    let invalid = |reason: &str| ListError::InvalidHeader {
        name: "Authorization".into(),
        reason: reason.to_owned(),
    };
    let token = token.trim();
    let bare = match token.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("bearer ") => token[7..].trim_start(),
        // "Bearer " trimmed: the scheme alone, no token.
        _ if token.eq_ignore_ascii_case("bearer") => "",
        _ => token,
    };
    if bare.is_empty() {
        return Err(invalid("the bearer token is empty"));
    }
    let mut value = HeaderValue::from_str(&format!("Bearer {bare}")).map_err(|_| {
        invalid("the bearer token has a character a header cannot carry (a line break or another control character)")
    })?;
    value.set_sensitive(true);
    Ok((value, bare))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(token: &str) -> String {
        let (v, _) = authorization(token).expect("valid token");
        v.to_str().expect("ascii").to_owned()
    }

    #[test]
    fn bearer_is_added_once() {
        assert_eq!(value("abc123"), "Bearer abc123");
        assert_eq!(value("Bearer abc123"), "Bearer abc123");
        assert_eq!(value("bearer abc123"), "Bearer abc123");
        assert_eq!(value("  abc123\n"), "Bearer abc123");
        // Only the scheme followed by a space counts as already prefixed.
        assert_eq!(value("Bearerabc"), "Bearer Bearerabc");
    }

    #[test]
    fn bad_tokens_are_refused_without_showing_them() {
        for token in ["", "Bearer ", "abc\ndef-secret", "a\u{0}secret"] {
            let err = authorization(token).expect_err(token);
            let shown = format!("{err} {err:?}");
            assert!(shown.contains("Authorization"), "{shown}");
            assert!(!shown.contains("secret"), "{shown}");
        }
    }

    #[test]
    fn header_errors_name_the_header() {
        let bad = |name: &str, value: &str| {
            prepare(&[(name.into(), Secret::new(value.into()))], None)
                .expect_err("refused")
                .to_string()
        };
        assert!(bad("X Bad", "v").contains("\"X Bad\""));
        assert!(bad("X-Ok", "line\nbreak-secret").contains("X-Ok"));
        assert!(!bad("X-Ok", "line\nbreak-secret").contains("secret"));
        assert!(bad("Content-Type", "text/plain").contains("Content-Type"));
        assert!(bad("mcp-session-id", "x").contains("mcp-session-id"));
    }

    #[test]
    fn authorization_twice_is_refused() {
        let token = Secret::new("tok".into());
        let custom = [("authorization".into(), Secret::new("Basic x".into()))];
        assert!(prepare(&custom, Some(&token)).is_err());
        assert!(prepare(&custom, None).is_ok());
    }
}
