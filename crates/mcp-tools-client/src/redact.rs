//! Keeping secrets out of errors, `Debug` output and logs.
//!
//! Three rules, applied wherever text leaves the crate:
//! - the token and header values are held in [`Secret`], whose `Debug` prints nothing of them;
//! - URLs are shown without user info, query or fragment ([`url_for_display`]): a query
//!   often carries a key or session id;
//! - text that came from the server (an error message, a body excerpt, a `Location`) is
//!   scrubbed of every secret the caller gave us ([`Redactor`]) before anything else, since a
//!   server that echoes the `Authorization` header back in an error is common, and then
//!   cut short and stripped of control characters ([`sanitize`]) so it cannot flood or
//!   forge log lines.

use std::fmt;

use url::Url;

/// How much server-sent text an error keeps, in characters.
const EXCERPT_CHARS: usize = 200;

/// Header values shorter than this are not scrubbed from server text: they are not secrets
/// worth mangling a message for ("1", "yes", "blue").
const MIN_SCRUBBED_LEN: usize = 8;

/// A value that must never be printed.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Self(value)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Removes the caller's secrets from text the server sent.
#[derive(Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Redactor {
    /// Scrubs `value` from server text, when it is long enough to be a secret.
    pub(crate) fn add(&mut self, value: &str) {
        if value.len() >= MIN_SCRUBBED_LEN && !self.secrets.iter().any(|s| s == value) {
            self.secrets.push(value.to_owned());
            // Longest first: a secret that contains another is replaced whole.
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// Server text, scrubbed, then cut and cleaned for an error message.
    ///
    /// Secrets are matched without regard to ASCII case: a server (or a layer such as a
    /// media-type parser) that changes the case of what it echoes must not slip one through.
    pub(crate) fn server_text(&self, text: &str) -> String {
        let lower = text.to_ascii_lowercase();
        // ASCII lowercasing keeps every byte offset, so ranges in `lower` are ranges in `text`.
        let mut hidden = vec![false; text.len()];
        for secret in &self.secrets {
            let secret = secret.to_ascii_lowercase();
            let mut from = 0;
            while let Some(at) = lower.get(from..).and_then(|rest| rest.find(&secret)) {
                let start = from + at;
                hidden[start..start + secret.len()].fill(true);
                // On to the next character: matches may overlap, and `from` stays on a
                // character boundary.
                from = start + secret.chars().next().map_or(1, char::len_utf8);
            }
        }
        let mut scrubbed = String::with_capacity(text.len());
        let mut in_secret = false;
        for (i, c) in text.char_indices() {
            if hidden[i] {
                if !in_secret {
                    scrubbed.push_str("<redacted>");
                }
                in_secret = true;
            } else {
                in_secret = false;
                scrubbed.push(c);
            }
        }
        sanitize(&scrubbed)
    }

    /// Server bytes (a body excerpt), read as UTF-8 where they are, then as [`Self::server_text`].
    pub(crate) fn server_bytes(&self, bytes: &[u8]) -> String {
        self.server_text(&String::from_utf8_lossy(bytes))
    }
}

/// Cuts text to a readable length and escapes control characters, so that one line of an
/// error stays one line.
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = String::new();
    for (i, c) in text.chars().enumerate() {
        if i == EXCERPT_CHARS {
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

/// A URL as errors and logs show it: scheme, host, port and path only.
pub(crate) fn url_for_display(url: &Url) -> String {
    let mut shown = url.clone();
    // Neither can fail on a URL with a host, and every URL here has one; should one ever
    // fail, the fallback below still shows no user info or query.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.set_query(None);
    shown.set_fragment(None);
    if shown.username().is_empty() && shown.password().is_none() {
        shown.to_string()
    } else {
        format!("{}://{}", url.scheme(), url.host_str().unwrap_or(""))
    }
}

/// Text the caller gave as a URL that did not parse: shown up to any query, cut and cleaned.
pub(crate) fn unparsed_url_for_display(text: &str) -> String {
    let before_query = text.split(['?', '#']).next().unwrap_or("");
    // User info may hold a password: drop everything up to the last '@' of the authority.
    let shown = match before_query.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority.rsplit('@').next().unwrap_or("");
            format!("{scheme}://{host}{path}")
        }
        None => before_query.to_owned(),
    };
    sanitize(&shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_shows_nothing() {
        let s = Secret::new("hunter2-hunter2".into());
        assert_eq!(format!("{s:?}"), "<redacted>");
    }

    #[test]
    fn scrubs_secrets_before_cutting() {
        let mut r = Redactor::default();
        r.add("tok-123456789");
        r.add("short");
        // The secret straddles the cut: scrubbing first leaves no part of it.
        let text = format!(
            "{}Bearer tok-123456789 short",
            "x".repeat(EXCERPT_CHARS - 10)
        );
        let shown = r.server_text(&text);
        assert!(!shown.contains("tok-1"), "{shown}");
        assert!(shown.ends_with('…'));
        assert!(r.server_text("short").contains("short"));
        assert_eq!(r.server_text("a TOK-123456789 b"), "a <redacted> b");
        assert_eq!(r.server_text("tok-123456789tok-123456789"), "<redacted>");
    }

    #[test]
    fn escapes_control_characters() {
        assert_eq!(sanitize("a\nb\u{1b}[31m"), "a\\nb\\u{1b}[31m");
    }

    #[test]
    fn urls_lose_user_info_and_query() {
        let url = Url::parse("https://user:pw@example.com:8443/sse?key=abc#x").expect("url");
        assert_eq!(url_for_display(&url), "https://example.com:8443/sse");
        assert_eq!(
            unparsed_url_for_display("https://user:pw@exa mple.com/p?key=abc"),
            "https://exa mple.com/p"
        );
    }
}
