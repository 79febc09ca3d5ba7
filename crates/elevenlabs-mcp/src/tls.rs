//! The HTTP client the builder makes when the caller does not bring one, and its TLS.
//!
//! Feature `rustls` (the default) turns on reqwest's own `rustls` feature: rustls with the
//! aws-lc-rs crypto provider and the platform's certificate verifier, reqwest's default
//! TLS. It is reqwest's own choice rather than a lighter provider because Cargo unifies
//! features across a binary: with a provider of ours, any other `reqwest::Client::new()` in
//! the same program would find none and panic (BENCHMARKS.md has the build-time cost).
//! Feature `native-tls` uses the system's TLS library instead; with neither, only plain
//! `http://` to loopback (an emulator) can be reached.

use std::time::Duration;

use crate::errors::Error;

/// A `reqwest` client with our TLS choice and connect timeout, that follows no redirect
/// and sends no `Referer`.
///
/// Why no redirect at all, rather than same-origin ones only: the API never redirects, so
/// a 3xx means something else answered in its place (a misconfigured proxy, a captive
/// portal, an attacker). The key travels in a custom header, which reqwest keeps on a
/// redirect to another host, port or scheme. Refusing every redirect keeps the rule simple
/// to state and to check: the key goes to the configured base URL and nowhere else, and the
/// 3xx surfaces as [`Error::Redirect`] naming where it pointed.
pub(crate) fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    with_tls(
        reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .referer(false),
    )
    .build()
    .map_err(|e| Error::Config(format!("the HTTP client could not be built: {e}")))
}

/// reqwest's default backend is rustls when its `rustls` feature is on (and `native-tls`
/// is not); the client speaks HTTP/1.1 only, as reqwest's `http2` feature is off.
#[cfg(feature = "rustls")]
fn with_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder.tls_backend_rustls()
}

#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
fn with_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder.tls_backend_native()
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn with_tls(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
}
