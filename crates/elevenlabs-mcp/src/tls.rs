//! The HTTP client the builder makes when the caller does not bring one, and its TLS.
//!
//! Feature `rustls` (the default) uses rustls with the *ring* crypto provider and the
//! platform's certificate verifier. reqwest's own `rustls` feature would pull in
//! aws-lc-rs, whose C build dominates a clean build on a small machine (see BENCHMARKS.md);
//! ring is a fraction of that, and handing reqwest a ready-made rustls config keeps us off
//! rustls's process-wide default provider, which is the application's to choose. Feature
//! `native-tls` uses the system's TLS library instead; with neither, only plain `http://`
//! to loopback (an emulator) can be reached.

use std::time::Duration;

use crate::errors::Error;

/// A `reqwest` client with our TLS choice and connect timeout.
pub(crate) fn http_client(connect_timeout: Duration) -> Result<reqwest::Client, Error> {
    let builder = reqwest::Client::builder().connect_timeout(connect_timeout);
    with_tls(builder)?
        .build()
        .map_err(|e| Error::Config(format!("the HTTP client could not be built: {e}")))
}

#[cfg(feature = "rustls")]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    use std::sync::Arc;

    let tls_error = |e: rustls::Error| Error::Config(format!("TLS could not be set up: {e}"));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new(provider.clone()).map_err(tls_error)?;
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        // "dangerous" only in name: this is the platform's full verification.
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // The client speaks HTTP/1.1 only (reqwest's `http2` feature is off).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(builder.tls_backend_preconfigured(config))
}

#[cfg(all(feature = "native-tls", not(feature = "rustls")))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder.tls_backend_native())
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn with_tls(builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
    Ok(builder)
}
