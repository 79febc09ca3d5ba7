//! The HTTP client the builder makes when the caller does not bring one, and its TLS.
//!
//! Feature `rustls` (the default) turns on reqwest's own `rustls` feature: rustls with the
//! aws-lc-rs crypto provider and the platform's certificate verifier, reqwest's default
//! TLS. An earlier version used the *ring* provider through `reqwest/rustls-no-provider`,
//! which builds faster, but Cargo unifies features across a binary: any other
//! `reqwest::Client::new()` in the same program (another library's, the user's own) then
//! found no provider and panicked. A dependency's TLS choice must not break its neighbours,
//! so the build-time saving was given up (BENCHMARKS.md has the figures). Feature
//! `native-tls` uses the system's TLS library instead; with neither, only plain `http://`
//! to loopback (an emulator) can be reached.

use std::time::Duration;

use crate::errors::Error;

/// A `reqwest` client with our TLS choice and connect timeout.
pub(crate) fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    with_tls(reqwest::Client::builder().connect_timeout(connect_timeout))
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
