//! Where requests go: the registered URL, the optional `connect_to` target, the plain-HTTP
//! rule, and the origin rule for the SSE endpoint.
//!
//! With `connect_to`, the first request goes to the target URL, and every URL the server
//! names (the SSE endpoint) is read as the registered server would mean it: resolved against
//! the registered URL, checked against the registered origin, then sent to the same path on
//! the target's origin. The `Host` header is the target's, as for any request to it: servers
//! that guard against DNS rebinding (the Python SDK's does) check it against the address
//! they listen on.

use std::net::IpAddr;

use url::{Host, Origin, Url};

use crate::error::ListError;
use crate::redact::{Redactor, unparsed_url_for_display, url_for_display};

/// The checked URLs of one listing.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// The URL the server is registered at.
    registered: Url,
    /// Where connections really go, if elsewhere.
    target: Option<Url>,
}

impl Route {
    /// Checks both URLs. Plain `http` is taken only where bytes travel to a loopback host,
    /// unless `allow_plain_http`: the token would cross the network in the clear.
    pub(crate) fn new(
        registered: &str,
        target: Option<&str>,
        allow_plain_http: bool,
    ) -> Result<Self, ListError> {
        let registered = parse(registered)?;
        let target = target.map(parse).transpose()?;
        let wire = target.as_ref().unwrap_or(&registered);
        if wire.scheme() == "http" && !allow_plain_http && !is_loopback(wire) {
            return Err(ListError::InvalidUrl {
                url: url_for_display(wire),
                reason: "plain http is taken only for loopback hosts (127.0.0.1, ::1, \
                         localhost), since the token would cross the network unencrypted: use \
                         https, or allow plain http explicitly"
                    .into(),
            });
        }
        Ok(Self { registered, target })
    }

    /// The URL of the first request (the SSE `GET`, or every Streamable HTTP `POST`).
    pub(crate) fn first_url(&self) -> &Url {
        self.target.as_ref().unwrap_or(&self.registered)
    }

    /// The origin messages must go to, as errors show it.
    pub(crate) fn registered_origin(&self) -> String {
        self.registered.origin().ascii_serialization()
    }

    /// The URL to post messages to, from an SSE `endpoint` event's data.
    ///
    /// The data is resolved against the registered URL and must stay on its origin (or name
    /// the target's, where the server knows itself by the address it is reached at); it is
    /// then sent to the target's origin.
    /// The endpoint is the server's text: errors show it scrubbed by `redactor`.
    pub(crate) fn endpoint(&self, data: &str, redactor: &Redactor) -> Result<Url, ListError> {
        let data = data.trim();
        let resolved = self
            .registered
            .join(data)
            .map_err(|e| ListError::OriginMismatch {
                endpoint: format!(
                    "{} (not a URL: {e})",
                    redactor.server_text(data.split('?').next().unwrap_or(""))
                ),
                expected: self.registered_origin(),
            })?;
        if same_origin(&resolved.origin(), &self.registered.origin()) {
            return Ok(match &self.target {
                Some(target) => with_origin_of(&resolved, target),
                None => resolved,
            });
        }
        if let Some(target) = &self.target
            && same_origin(&resolved.origin(), &target.origin())
        {
            return Ok(resolved);
        }
        Err(ListError::OriginMismatch {
            endpoint: redactor.server_text(&url_for_display(&resolved)),
            expected: self.registered_origin(),
        })
    }
}

fn parse(text: &str) -> Result<Url, ListError> {
    let invalid = |reason: String| ListError::InvalidUrl {
        url: unparsed_url_for_display(text),
        reason,
    };
    let url = Url::parse(text.trim()).map_err(|e| invalid(format!("it does not parse ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "the scheme is {:?}; only http and https are taken",
            url.scheme()
        )));
    }
    if url.host().is_none() {
        return Err(invalid("it has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        // reqwest would turn them into Basic auth, and URLs end up in logs.
        return Err(invalid(
            "it carries a user name or password: pass credentials with bearer_token or header \
             instead"
                .into(),
        ));
    }
    Ok(url)
}

/// Whether the URL's host is a loopback address, or `localhost` (which resolves to one).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Tuple origins compare scheme, host and port (the default port filled in); an opaque
/// origin equals nothing.
fn same_origin(a: &Origin, b: &Origin) -> bool {
    a.is_tuple() && a == b
}

/// `url` with the scheme, host and port of `origin`.
fn with_origin_of(url: &Url, origin: &Url) -> Url {
    let mut moved = origin.clone();
    moved.set_path(url.path());
    moved.set_query(url.query());
    moved.set_fragment(None);
    moved
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(registered: &str, target: Option<&str>) -> Route {
        Route::new(registered, target, false).expect("valid route")
    }

    #[test]
    fn plain_http_only_to_loopback() {
        for ok in [
            "http://127.0.0.1:3001/sse",
            "http://127.5.0.1/sse",
            "http://[::1]:80/mcp",
            "http://localhost/mcp",
            "https://mcp.example.com/sse",
        ] {
            assert!(Route::new(ok, None, false).is_ok(), "{ok}");
        }
        for refused in ["http://mcp.example.com/sse", "http://10.0.0.1/sse"] {
            let err = Route::new(refused, None, false).expect_err(refused);
            assert!(matches!(err, ListError::InvalidUrl { .. }), "{err}");
            assert!(Route::new(refused, None, true).is_ok(), "{refused}");
        }
        // What counts is where the bytes go: the target.
        assert!(
            Route::new(
                "https://a.example/sse",
                Some("http://127.0.0.1:1/sse"),
                false
            )
            .is_ok()
        );
        assert!(Route::new("https://a.example/sse", Some("http://b.example/sse"), false).is_err());
    }

    #[test]
    fn refuses_other_schemes_user_info_and_garbage() {
        for bad in [
            "ftp://example.com/x",
            "file:///etc/passwd",
            "https://user:pw@example.com/sse",
            "not a url",
            "",
        ] {
            assert!(Route::new(bad, None, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn endpoint_resolves_against_the_stream() {
        let r = route("http://127.0.0.1:3001/sse", None);
        assert_eq!(
            r.endpoint("/messages?sessionId=1", &Redactor::default())
                .expect("same origin")
                .as_str(),
            "http://127.0.0.1:3001/messages?sessionId=1"
        );
        assert_eq!(
            r.endpoint("http://127.0.0.1:3001/m", &Redactor::default())
                .expect("same origin")
                .as_str(),
            "http://127.0.0.1:3001/m"
        );
    }

    #[test]
    fn endpoint_on_another_origin_is_refused() {
        let r = route("http://127.0.0.1:3001/sse", None);
        for other in [
            "http://127.0.0.1:3002/messages",
            "https://127.0.0.1:3001/messages",
            "http://localhost:3001/messages",
            "//evil.example/messages",
            "data:text/plain,hi",
        ] {
            let err = r.endpoint(other, &Redactor::default()).expect_err(other);
            assert!(
                matches!(err, ListError::OriginMismatch { .. }),
                "{other}: {err}"
            );
        }
    }

    #[test]
    fn connect_to_moves_the_endpoint_to_the_target() {
        let r = route(
            "https://mcp.example.com/sse",
            Some("http://127.0.0.1:3001/sse"),
        );
        assert_eq!(r.first_url().as_str(), "http://127.0.0.1:3001/sse");
        assert_eq!(
            r.endpoint("/messages?s=1", &Redactor::default())
                .expect("registered origin")
                .as_str(),
            "http://127.0.0.1:3001/messages?s=1"
        );
        assert_eq!(
            r.endpoint("https://mcp.example.com/m", &Redactor::default())
                .expect("registered origin")
                .as_str(),
            "http://127.0.0.1:3001/m"
        );
        assert_eq!(
            r.endpoint("http://127.0.0.1:3001/m", &Redactor::default())
                .expect("target origin")
                .as_str(),
            "http://127.0.0.1:3001/m"
        );
        assert!(
            r.endpoint("https://evil.example/m", &Redactor::default())
                .is_err()
        );
    }
}
