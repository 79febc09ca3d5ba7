//! What the service's headers say about a call: its request id and how long to wait.

use std::time::{Duration, SystemTime};

use reqwest::header::HeaderMap;

/// Headers that carry the service's request or trace id, in order of preference: the
/// service's own `request-id` first.
const REQUEST_ID_HEADERS: &[&str] = &[
    "request-id",
    "x-request-id",
    "x-trace-id",
    "x-amzn-trace-id",
];

/// The service's request or trace id, from the first of [`REQUEST_ID_HEADERS`] present.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(str::to_owned)
}

/// `retry-after-ms` (milliseconds), else `Retry-After` in seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// A header value from the server, fit for a message: control characters escaped (so that
/// it cannot move the cursor or recolour a terminal) and cut after 256 characters.
pub(crate) fn visible(value: &[u8]) -> String {
    const MAX_CHARS: usize = 256;
    let text = String::from_utf8_lossy(value);
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == MAX_CHARS {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use crate::errors::api::tests::api;
    use reqwest::StatusCode;

    #[test]
    fn retry_hints_in_every_form() {
        assert_eq!(
            api(429, &[("retry-after", "3")], "").retry_after,
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            api(429, &[("retry-after-ms", "250")], "").retry_after,
            Some(Duration::from_millis(250))
        );
        assert_eq!(
            api(429, &[("retry-after", "Thu, 01 Jan 1970 00:00:10 GMT")], "").retry_after,
            Some(Duration::from_secs(10))
        );
        assert_eq!(api(429, &[("retry-after", "soon")], "").retry_after, None);
        assert_eq!(api(429, &[("retry-after", "-1")], "").retry_after, None);
    }

    #[test]
    fn a_redirect_target_is_shown_escaped_and_cut() {
        let shown = visible(b"http://127.0.0.1:9/\x1b[2Jx\r\n");
        assert_eq!(shown, "http://127.0.0.1:9/\\u{1b}[2Jx\\r\\n");
        let long = visible("é".repeat(1000).as_bytes());
        assert_eq!(long.chars().count(), 257);
        let e = Error::Redirect {
            status: StatusCode::TEMPORARY_REDIRECT,
            location: Some(shown),
        };
        let text = e.to_string();
        assert!(
            text.contains("307") && text.contains("\\u{1b}[2J"),
            "{text}"
        );
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
