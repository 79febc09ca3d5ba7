//! The HTTP client, sending a request, and what its failures and statuses mean.

use std::error::Error as StdError;

use reqwest::header::LOCATION;
use reqwest::{RequestBuilder, Response};
use url::Url;

use crate::body::{self, Budget};
use crate::error::{ListError, Step};
use crate::redact::{Redactor, url_for_display};

/// How much of an error answer's body is read for its excerpt.
const ERROR_EXCERPT_BYTES: usize = 1024;

/// A client with our TLS choice that follows no redirect and sends no `Referer`.
///
/// No redirect at all, rather than same-origin ones only: reqwest keeps custom headers
/// (and the token) on a redirect to another host, and an MCP endpoint that redirects is
/// misregistered or not what was registered. Refusing every one keeps the rule simple to
/// state and to check: the token goes to the registered origin and nowhere else.
/// No timeout either: the listing's one deadline covers connecting and everything after.
pub(crate) fn client() -> Result<reqwest::Client, ListError> {
    with_tls(
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .user_agent(concat!("mcp-tools-client/", env!("CARGO_PKG_VERSION"))),
    )
    .build()
    .map_err(|e| {
        let e = e.without_url();
        ListError::Connect {
            url: "(no connection made)".into(),
            reason: format!("the HTTP client could not be built: {}", root_cause(&e)),
            source: Box::new(e),
        }
    })
}

/// reqwest's default backend is rustls when its `rustls` feature is on.
#[cfg(feature = "rustls")]
fn with_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder.tls_backend_rustls()
}

#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
fn with_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder.tls_backend_native()
}

/// Without TLS, only plain `http://` (loopback, unless allowed) can be reached.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn with_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
}

/// Sends a request and accepts a 2xx answer; a 3xx is [`ListError::Redirect`], anything
/// else [`ListError::Status`] with the start of its body.
pub(crate) async fn send(
    request: RequestBuilder,
    url: &Url,
    step: Step,
    budget: &mut Budget,
    redactor: &Redactor,
) -> Result<Response, ListError> {
    let mut response = request.send().await.map_err(|e| {
        // reqwest's own message names the URL, query included: never kept.
        let e = e.without_url();
        if e.is_connect() {
            ListError::Connect {
                url: url_for_display(url),
                reason: root_cause(&e),
                source: Box::new(e),
            }
        } else {
            broken(e, step)
        }
    })?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    if status.is_redirection() {
        return Err(ListError::Redirect {
            step,
            status: status.as_u16(),
            location: response
                .headers()
                .get(LOCATION)
                .map(|l| redactor.server_bytes(l.as_bytes())),
        });
    }
    let excerpt = body::read_prefix(&mut response, budget, ERROR_EXCERPT_BYTES, step).await;
    let excerpt = redactor.server_bytes(&excerpt);
    Err(ListError::Status {
        step,
        status: status.as_u16(),
        body: (!excerpt.trim().is_empty()).then_some(excerpt),
    })
}

/// A connection that broke once made.
pub(crate) fn broken(e: reqwest::Error, step: Step) -> ListError {
    ListError::Disconnected {
        step,
        reason: Some(root_cause(&e.without_url())),
    }
}

/// The innermost cause, which says what the system saw ("Connection refused (os error
/// 111)"), where the outer layers only say that sending failed.
fn root_cause(e: &(dyn StdError + 'static)) -> String {
    let mut cause = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    crate::redact::sanitize(&cause.to_string())
}

/// The answer's media type without parameters, as the server wrote it: compare it with
/// [`is_media`], and show it only through the redactor (it is the server's text).
pub(crate) fn media_type(response: &Response) -> Option<String> {
    let value = response.headers().get(reqwest::header::CONTENT_TYPE)?;
    let value = String::from_utf8_lossy(value.as_bytes());
    Some(value.split(';').next().unwrap_or("").trim().to_owned())
}

/// Whether a media type is `expected`; media types are case-insensitive.
pub(crate) fn is_media(media: &str, expected: &str) -> bool {
    media.eq_ignore_ascii_case(expected)
}
