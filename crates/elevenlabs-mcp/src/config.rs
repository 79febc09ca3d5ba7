//! Where the client talks to and with which key: hosts, the secret key, base-URL rules and
//! the environment variables `Client::from_env` reads.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;
use reqwest::header::HeaderValue;

use crate::Error;

/// Variable holding the API key; read first.
pub const API_KEY_VAR: &str = "ELEVENLABS_API_KEY";
/// Variable holding the API key; read when [`API_KEY_VAR`] is unset, as the vendor's SDKs do.
pub const API_KEY_FALLBACK_VAR: &str = "ELEVEN_API_KEY";
/// Variable overriding the base URL.
pub const BASE_URL_VAR: &str = "ELEVENLABS_BASE_URL";

/// The service's regional hosts.
///
/// ```
/// use elevenlabs_mcp::Environment;
/// assert_eq!(Environment::default().base_url(), "https://api.elevenlabs.io");
/// assert_eq!(Environment::Eu.base_url(), "https://api.eu.residency.elevenlabs.io");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Environment {
    /// `https://api.elevenlabs.io`, the default.
    #[default]
    Production,
    /// `https://api.us.elevenlabs.io`.
    Us,
    /// `https://api.eu.residency.elevenlabs.io` (EU data residency).
    Eu,
    /// `https://api.in.residency.elevenlabs.io` (India data residency).
    India,
    /// `https://api.sg.residency.elevenlabs.io` (Singapore data residency).
    Singapore,
}

impl Environment {
    /// Every host, the default first.
    pub const ALL: [Environment; 5] = [
        Self::Production,
        Self::Us,
        Self::Eu,
        Self::India,
        Self::Singapore,
    ];

    /// The host's short name, as [`FromStr`](std::str::FromStr) reads it: `production`,
    /// `us`, `eu`, `india`, `singapore`.
    ///
    /// ```
    /// use elevenlabs_mcp::Environment;
    /// for env in Environment::ALL {
    ///     assert_eq!(env.name().parse::<Environment>(), Ok(env));
    /// }
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Us => "us",
            Self::Eu => "eu",
            Self::India => "india",
            Self::Singapore => "singapore",
        }
    }

    /// The host's base URL, without a trailing slash.
    pub fn base_url(self) -> &'static str {
        match self {
            Self::Production => "https://api.elevenlabs.io",
            Self::Us => "https://api.us.elevenlabs.io",
            Self::Eu => "https://api.eu.residency.elevenlabs.io",
            Self::India => "https://api.in.residency.elevenlabs.io",
            Self::Singapore => "https://api.sg.residency.elevenlabs.io",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of [`Environment::ALL`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownEnvironment(pub String);

impl fmt::Display for UnknownEnvironment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a host; the hosts are:", self.0)?;
        for env in Environment::ALL {
            write!(f, " {}", env.name())?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownEnvironment {}

impl std::str::FromStr for Environment {
    type Err = UnknownEnvironment;
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|env| env.name().eq_ignore_ascii_case(name.trim()))
            .ok_or_else(|| UnknownEnvironment(name.to_owned()))
    }
}

/// An API key. It never appears in `Debug` output, and the header built from it is marked
/// sensitive so HTTP-level logging redacts it too.
///
/// ```
/// use elevenlabs_mcp::ApiKey;
/// let key = ApiKey::new("sk_live_123");
/// assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into())
    }

    /// The `xi-api-key` header value, marked sensitive.
    pub(crate) fn header_value(&self) -> Result<HeaderValue, Error> {
        let mut value = HeaderValue::from_str(self.0.trim()).map_err(|_| {
            // Never echo the key itself in the error.
            Error::Config("the API key contains characters that cannot be sent in a header".into())
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// The key itself; crate-internal so that it is only ever read on purpose.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the key is empty or only whitespace.
    pub(crate) fn is_blank(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        Self(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        Self(key.to_owned())
    }
}

impl ApiKey {
    /// The key from the environment: [`API_KEY_VAR`], then [`API_KEY_FALLBACK_VAR`]; a
    /// blank value counts as unset. `None` when neither holds a key.
    ///
    /// ```
    /// use elevenlabs_mcp::ApiKey;
    /// let key: Option<ApiKey> = ApiKey::from_env();
    /// # let _ = key;
    /// ```
    pub fn from_env() -> Option<Self> {
        api_key_from(|name| std::env::var(name).ok()).ok()
    }
}

/// Reads the key from the environment through `lookup`: [`API_KEY_VAR`], then
/// [`API_KEY_FALLBACK_VAR`]; blank values count as unset.
pub(crate) fn api_key_from(lookup: impl Fn(&str) -> Option<String>) -> Result<ApiKey, Error> {
    [API_KEY_VAR, API_KEY_FALLBACK_VAR]
        .into_iter()
        .filter_map(lookup)
        .map(ApiKey::from)
        .find(|key| !key.is_blank())
        .ok_or_else(|| {
            Error::Config(format!("no API key: set {API_KEY_VAR} (or {API_KEY_FALLBACK_VAR}), or pass one to Client::builder().api_key(…)"))
        })
}

/// Checks a base URL: `https`, or plain `http` only to a loopback host unless
/// `allow_insecure` says otherwise; no credentials, query or fragment. Returns it without a
/// trailing slash.
pub(crate) fn base_url(raw: &str, allow_insecure: bool) -> Result<Url, Error> {
    let bad = |why: String| Error::Config(format!("base URL `{raw}` {why}"));
    let url = Url::parse(raw.trim()).map_err(|e| bad(format!("is not a URL: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure || is_loopback(&url) => {}
        "http" => {
            return Err(bad(
                "uses plain http to a host that is not loopback; the API key would travel in clear text (use https, or allow it explicitly)"
                    .into(),
            ));
        }
        other => return Err(bad(format!("has scheme `{other}`; use https"))),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(bad(
            "contains credentials; pass the key with .api_key(…)".into()
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(bad("has a query or fragment".into()));
    }
    if url.host().is_none() {
        return Err(bad("has no host".into()));
    }
    let mut url = url;
    let trimmed = url.path().trim_end_matches('/').to_owned();
    url.set_path(&trimmed);
    Ok(url)
}

/// Whether `base_url` is plain `http://` to a loopback host (`localhost`, `127.0.0.0/8`,
/// `[::1]`): the only plain-http URL the client takes without
/// [`allow_http`](crate::ClientBuilder::allow_http), and the kind of URL a local emulator
/// listens on.
///
/// ```
/// use elevenlabs_mcp::is_loopback_http;
/// assert!(is_loopback_http("http://127.0.0.1:8787"));
/// assert!(is_loopback_http("http://localhost/"));
/// assert!(!is_loopback_http("http://127.0.0.1.example.com"));
/// assert!(!is_loopback_http("https://api.elevenlabs.io"));
/// ```
pub fn is_loopback_http(base_url: &str) -> bool {
    Url::parse(base_url.trim()).is_ok_and(|url| url.scheme() == "http" && is_loopback(&url))
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// A stand-in for the process environment in tests: looks names up in `pairs`.
#[cfg(test)]
pub(crate) fn fake_env(
    pairs: &'static [(&'static str, &'static str)],
) -> impl Fn(&str) -> Option<String> {
    move |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| (*v).to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_comes_from_the_first_non_blank_variable() {
        let key = api_key_from(fake_env(&[(API_KEY_FALLBACK_VAR, "b")])).expect("fallback");
        assert_eq!(key, ApiKey::new("b"));
        let key = api_key_from(fake_env(&[(API_KEY_VAR, "a"), (API_KEY_FALLBACK_VAR, "b")]))
            .expect("primary");
        assert_eq!(key, ApiKey::new("a"));
        let err = api_key_from(fake_env(&[(API_KEY_VAR, "  ")])).expect_err("blank");
        let shown = err.to_string();
        assert!(
            shown.contains(API_KEY_VAR) && shown.contains(API_KEY_FALLBACK_VAR),
            "{shown}"
        );
    }

    #[test]
    fn key_never_shows_and_its_header_is_sensitive() {
        let key = ApiKey::new("sk_secret_value");
        assert!(!format!("{key:?}").contains("sk_secret"));
        assert!(key.header_value().expect("valid").is_sensitive());
        let err = ApiKey::new("bad\nkey_secret")
            .header_value()
            .expect_err("newline");
        assert!(!err.to_string().contains("key_secret"), "{err}");
    }

    #[test]
    fn base_urls_follow_the_rules() {
        let ok = |u: &str, insecure| base_url(u, insecure).map(|u| u.to_string()).expect(u);
        assert_eq!(
            ok("https://api.elevenlabs.io/", false),
            "https://api.elevenlabs.io/"
        );
        assert_eq!(
            ok("https://proxy.example.com/eleven/", false),
            "https://proxy.example.com/eleven"
        );
        assert_eq!(ok("http://127.0.0.1:8787", false), "http://127.0.0.1:8787/");
        assert_eq!(ok("http://[::1]:1", false), "http://[::1]:1/");
        assert_eq!(ok("http://localhost:9", false), "http://localhost:9/");
        assert_eq!(ok("http://10.0.0.5:80", true), "http://10.0.0.5/");
        for (bad, why) in [
            ("http://api.example.com", "plain http"),
            ("http://127.0.0.1.example.com", "plain http"),
            ("ftp://api.example.com", "scheme `ftp`"),
            ("https://user:pw@api.example.com", "credentials"),
            ("https://api.example.com/?x=1", "query"),
            ("not a url", "is not a URL"),
        ] {
            let err = base_url(bad, false).expect_err(bad).to_string();
            assert!(err.contains(why), "{bad}: {err}");
        }
    }
}
