//! The client and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, USER_AGENT};

use crate::config::{self, ApiKey, BASE_URL_VAR, Environment};
use crate::errors::Error;
use crate::resources::McpServers;
use crate::retry::RetryPolicy;

/// The header that carries the API key.
const API_KEY_HEADER: HeaderName = HeaderName::from_static("xi-api-key");

/// The `User-Agent` sent unless [`ClientBuilder::user_agent`] replaces it.
pub const DEFAULT_USER_AGENT: &str = concat!("elevenlabs-mcp-rust/", env!("CARGO_PKG_VERSION"));

/// The whole-request timeout unless [`ClientBuilder::timeout`] changes it.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The connect timeout unless [`ClientBuilder::connect_timeout`] changes it.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client of the MCP servers API.
///
/// Cheap to clone: clones share one connection pool and configuration, so build one and pass
/// it around.
///
/// ```no_run
/// # async fn run() -> Result<(), elevenlabs_mcp::Error> {
/// use elevenlabs_mcp::Client;
///
/// let client = Client::from_env()?;
/// for server in client.mcp_servers().list().await? {
///     println!("{} {}", server.id, server.config.name);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// What every call shares.
pub(crate) struct Inner {
    pub http: reqwest::Client,
    /// Without a trailing slash; operation paths start with one.
    pub base_url: String,
    /// `xi-api-key` (marked sensitive) and `user-agent`: sent last, so nothing replaces them.
    pub headers: HeaderMap,
    /// Headers sent with every call unless the call sets its own of the same name.
    pub default_headers: HeaderMap,
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// Calls in flight, kept under the workspace's limit; `None` when turned off.
    pub limiter: Option<crate::limit::Limiter>,
    /// The key's bytes, to scrub from response bodies (see `pipeline::scrub`).
    pub secret: Vec<u8>,
    /// The largest 2xx body a call reads unless the call says otherwise.
    pub max_response_body: usize,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key lives in `headers`; only the harmless settings are shown.
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder with the documented defaults.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the environment: the key from `ELEVENLABS_API_KEY` (then
    /// `ELEVEN_API_KEY`), and the base URL from `ELEVENLABS_BASE_URL` when it is set.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the variables when no key is set, or when the base URL
    /// breaks the rules of [`ClientBuilder::base_url`].
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The MCP servers of the workspace, and everything below them.
    pub fn mcp_servers(&self) -> McpServers<'_> {
        McpServers::new(self)
    }

    /// The base URL calls go to, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The most calls this client keeps in flight at once: the workspace's limit as learned
    /// from the service (1 until an answer states it), lowered to the cap given to
    /// [`ClientBuilder::max_concurrency`], or `None` when the limiter is off or the service
    /// states no limit. The client's own share, [`concurrency_window`](Self::concurrency_window),
    /// adapts below it. Work that fans out (one task per server) can size itself by it, so
    /// that there is always work queued for the window to take.
    ///
    /// ```
    /// use elevenlabs_mcp::Client;
    /// let client = Client::builder().api_key("sk_example").max_concurrency(Some(4)).build()?;
    /// assert_eq!(client.concurrency_limit(), Some(4));
    /// # Ok::<(), elevenlabs_mcp::Error>(())
    /// ```
    pub fn concurrency_limit(&self) -> Option<usize> {
        self.inner
            .limiter
            .as_ref()
            .map(crate::limit::Limiter::ceiling)
            .filter(|&n| n < crate::limit::UNLIMITED)
    }

    /// How many calls this client allows itself in flight now: its share of the workspace's
    /// limit, which grows while the service's answers show room and shrinks when others'
    /// calls fill the workspace or a call is refused for the limit (the rule is in
    /// [`ClientBuilder::max_concurrency`]). `None` when the limiter is off or the service
    /// states no limit.
    ///
    /// ```
    /// use elevenlabs_mcp::Client;
    /// let client = Client::builder().api_key("sk_example").build()?;
    /// assert_eq!(client.concurrency_window(), Some(1), "the first call goes alone");
    /// # Ok::<(), elevenlabs_mcp::Error>(())
    /// ```
    pub fn concurrency_window(&self) -> Option<usize> {
        self.inner
            .limiter
            .as_ref()
            .map(crate::limit::Limiter::window)
            .filter(|&n| n < crate::limit::UNLIMITED)
    }
}

/// Configures a [`Client`].
///
/// Defaults: production host ([`Environment::Production`]), a 60 s timeout per attempt
/// ([`DEFAULT_TIMEOUT`]), a 10 s connect timeout ([`DEFAULT_CONNECT_TIMEOUT`]), the default
/// [`RetryPolicy`] (2 retries), and `User-Agent: elevenlabs-mcp-rust/<version>`.
///
/// ```
/// use std::time::Duration;
/// use elevenlabs_mcp::{Client, Environment};
///
/// let client = Client::builder()
///     .api_key("sk_example")
///     .environment(Environment::Eu)
///     .timeout(Duration::from_secs(30))
///     .max_retries(3)
///     .build()?;
/// assert_eq!(client.base_url(), "https://api.eu.residency.elevenlabs.io");
/// # Ok::<(), elevenlabs_mcp::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    environment: Environment,
    base_url: Option<String>,
    allow_http: bool,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent: Option<String>,
    http_client: Option<reqwest::Client>,
    default_headers: HeaderMap,
    /// `None`: learn the limit (the default); `Some(None)`: no limit; `Some(Some(n))`: n.
    max_concurrency: Option<Option<usize>>,
    max_response_body: Option<usize>,
}

impl ClientBuilder {
    /// A builder with the key (and, when set, the base URL) taken from the environment, as
    /// [`Client::from_env`] does, for further settings.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] naming the variables when no key is set.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read through `lookup`.
    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let mut builder = Self::default().api_key(config::api_key_from(&lookup)?);
        if let Some(url) = lookup(BASE_URL_VAR).filter(|u| !u.trim().is_empty()) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// The API key, sent in the `xi-api-key` header.
    #[must_use]
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// One of the service's hosts. A [`base_url`](Self::base_url) takes precedence.
    #[must_use]
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = environment;
        self
    }

    /// Any other base URL, such as a proxy or a local emulator. It must be `https://`, or
    /// plain `http://` to a loopback host (`127.0.0.1`, `[::1]`, `localhost`), unless
    /// [`allow_http`](Self::allow_http) says otherwise; credentials, a query or a fragment
    /// are refused. A path (`https://proxy.example.com/eleven`) is kept as a prefix.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows a plain `http://` base URL to a host that is not loopback. The API key then
    /// crosses the network unencrypted; off by default.
    #[must_use]
    pub fn allow_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// The longest one attempt may take, from sending the request to the end of the body.
    /// Calls can change it with [`Pending::timeout`](crate::Pending::timeout).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The longest the client waits for a connection to be made. Not applied to a client
    /// given with [`http_client`](Self::http_client), which keeps its own.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How many times a failed attempt may be retried (0 turns retries off); shorthand for
    /// changing [`retry_policy`](Self::retry_policy)'s count.
    #[must_use]
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry = self.retry.max_retries(retries);
        self
    }

    /// The whole retry policy.
    #[must_use]
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces the `User-Agent` header.
    #[must_use]
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Adds a header sent with every call (a call's own [`header`](crate::Pending::header)
    /// of the same name takes its place). The API key's header cannot be set this way: use
    /// [`api_key`](Self::api_key); `User-Agent` is [`user_agent`](Self::user_agent)'s.
    ///
    /// ```
    /// use elevenlabs_mcp::Client;
    /// use elevenlabs_mcp::reqwest::header::{HeaderName, HeaderValue};
    ///
    /// let client = Client::builder()
    ///     .api_key("sk_example")
    ///     .default_header(HeaderName::from_static("x-team"), HeaderValue::from_static("docs"))
    ///     .build()?;
    /// # Ok::<(), elevenlabs_mcp::Error>(())
    /// ```
    #[must_use]
    pub fn default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.default_headers.append(name, value);
        self
    }

    /// How many calls this client (and its clones) keeps in flight at once.
    ///
    /// The service limits the whole workspace by requests in flight, and every process with
    /// the key shares that limit: other CI jobs, other runs, the team's production traffic.
    /// So by default the client learns the limit from `maximum-concurrent-requests` (its
    /// first call goes alone; an answer without the header lifts the limit) and treats it
    /// as a ceiling, not an allowance: it keeps a window of its own below it, which grows
    /// while the answers' `current-concurrent-requests` leave room beyond its own calls, and
    /// shrinks when others fill the workspace or a call is refused for the limit. Several
    /// clients settle on shares of the limit, and a foreign load keeps a slot of margin.
    /// The rule (additive increase, multiplicative decrease on the stated occupancy) and
    /// why it was chosen over latency-based limiters are in the crate's `limit` module.
    /// Calls over the window wait, in order, for one of this client's own to finish; a call
    /// refused for the limit waits for room within
    /// [`RetryPolicy::max_limit_wait`](crate::RetryPolicy::max_limit_wait).
    ///
    /// `Some(n)` is a hard cap: never more than `n` (at least 1) in flight, starting with
    /// `n`, and the window still gives way below it. `None` turns the limiter off, so that
    /// every call is sent at once and a 429 `too_many_concurrent_requests` is retried as
    /// any other 429.
    ///
    /// ```
    /// use elevenlabs_mcp::Client;
    ///
    /// let client = Client::builder().api_key("sk_example").max_concurrency(Some(4)).build()?;
    /// # Ok::<(), elevenlabs_mcp::Error>(())
    /// ```
    #[must_use]
    pub fn max_concurrency(mut self, limit: Option<usize>) -> Self {
        self.max_concurrency = Some(limit);
        self
    }

    /// The largest successful response body a call reads, in bytes
    /// ([`DEFAULT_MAX_RESPONSE_BODY`](crate::DEFAULT_MAX_RESPONSE_BODY), 64 MiB, unless set).
    /// A body past it ends the call with [`Error::ResponseTooLarge`], which is not retried;
    /// what was read is freed. A `Content-Length` over it is refused before reading.
    /// Calls can change it with [`Pending::max_response_body`](crate::Pending::max_response_body).
    /// Error answers are read up to [`ERROR_BODY_LIMIT`](crate::ERROR_BODY_LIMIT) and cut there.
    ///
    /// ```
    /// use elevenlabs_mcp::Client;
    ///
    /// let client = Client::builder().api_key("sk_example").max_response_body(8 << 20).build()?;
    /// # Ok::<(), elevenlabs_mcp::Error>(())
    /// ```
    #[must_use]
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.max_response_body = Some(bytes);
        self
    }

    /// Sends through this `reqwest` client (its pool, proxy and TLS settings) instead of one
    /// built here. The per-attempt timeout still applies; the connect timeout does not.
    ///
    /// That client also keeps its own redirect and `Referer` policy. The client built here
    /// follows no redirect and sends no `Referer` (see [`Error::Redirect`]); reqwest's
    /// default follows up to ten, to any origin, and strips only `Authorization`, `Cookie`
    /// and proxy headers when the origin changes, so the `xi-api-key` header would travel
    /// with it. Build yours with `redirect(reqwest::redirect::Policy::none())` and
    /// `referer(false)` unless you trust every place the base URL may point to.
    #[must_use]
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when no key was given, the key or user agent cannot be sent in a
    /// header, the base URL breaks the rules of [`base_url`](Self::base_url), or the HTTP
    /// client cannot be built.
    pub fn build(self) -> Result<Client, Error> {
        let key = self.api_key.filter(|k| !k.is_blank()).ok_or_else(|| {
            Error::Config(format!(
                "no API key: pass one to .api_key(…), or use Client::from_env() with {} (or {}) set",
                config::API_KEY_VAR,
                config::API_KEY_FALLBACK_VAR
            ))
        })?;
        let base_url = match &self.base_url {
            Some(raw) => config::base_url(raw, self.allow_http)?,
            None => config::base_url(self.environment.base_url(), false)?,
        };
        let user_agent = self.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
        let user_agent = HeaderValue::from_str(user_agent).map_err(|_| {
            Error::Config(format!(
                "user agent `{user_agent}` cannot be sent in a header"
            ))
        })?;
        for reserved in [&API_KEY_HEADER, &USER_AGENT] {
            if self.default_headers.contains_key(reserved) {
                return Err(Error::Config(format!(
                    "`{reserved}` cannot be a default header: set it with .api_key(…) or .user_agent(…)"
                )));
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert(API_KEY_HEADER, key.header_value()?);
        headers.insert(USER_AGENT, user_agent);
        let http = match self.http_client {
            Some(http) => http,
            None => {
                crate::tls::http_client(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: base_url.as_str().trim_end_matches('/').to_owned(),
                headers,
                default_headers: self.default_headers,
                timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                retry: self.retry,
                limiter: match self.max_concurrency {
                    None => Some(crate::limit::Limiter::new(crate::limit::Mode::Learn)),
                    Some(Some(n)) => Some(crate::limit::Limiter::new(crate::limit::Mode::Cap(n))),
                    Some(None) => None,
                },
                secret: key.expose().trim().as_bytes().to_vec(),
                max_response_body: self
                    .max_response_body
                    .unwrap_or(crate::errors::DEFAULT_MAX_RESPONSE_BODY),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::fake_env;

    #[test]
    fn a_missing_key_names_the_variables() {
        let err = Client::builder().build().expect_err("no key").to_string();
        assert!(
            err.contains("ELEVENLABS_API_KEY") && err.contains("ELEVEN_API_KEY"),
            "{err}"
        );
        let err = Client::builder().api_key("  ").build().expect_err("blank");
        assert!(matches!(err, Error::Config(_)));
    }

    #[test]
    fn the_environment_gives_the_key_and_the_base_url() {
        let c = ClientBuilder::from_lookup(fake_env(&[
            ("ELEVEN_API_KEY", "k"),
            ("ELEVENLABS_BASE_URL", "http://127.0.0.1:4010/"),
        ]))
        .and_then(ClientBuilder::build)
        .expect("client");
        assert_eq!(c.base_url(), "http://127.0.0.1:4010");
        let c = ClientBuilder::from_lookup(fake_env(&[("ELEVENLABS_API_KEY", "k")]))
            .and_then(ClientBuilder::build)
            .expect("client");
        assert_eq!(c.base_url(), "https://api.elevenlabs.io");
        let err =
            ClientBuilder::from_lookup(fake_env(&[("ELEVENLABS_BASE_URL", "http://127.0.0.1:1")]))
                .expect_err("no key");
        assert!(err.to_string().contains("ELEVENLABS_API_KEY"), "{err}");
    }

    #[test]
    fn hosts_and_base_urls() {
        let c = Client::builder().api_key("k").build().expect("defaults");
        assert_eq!(c.base_url(), "https://api.elevenlabs.io");
        let c = Client::builder()
            .api_key("k")
            .environment(Environment::Singapore)
            .base_url("http://127.0.0.1:9/prefix/")
            .build()
            .expect("base url wins");
        assert_eq!(c.base_url(), "http://127.0.0.1:9/prefix");
        let err = Client::builder()
            .api_key("k")
            .base_url("http://api.example.com")
            .build()
            .expect_err("plain http");
        assert!(err.to_string().contains("plain http"), "{err}");
        Client::builder()
            .api_key("k")
            .base_url("http://api.example.com")
            .allow_http(true)
            .build()
            .expect("allowed explicitly");
    }

    #[test]
    fn default_headers_cannot_replace_the_key() {
        let err = Client::builder()
            .api_key("k")
            .default_header(API_KEY_HEADER, HeaderValue::from_static("other"))
            .build()
            .expect_err("reserved");
        assert!(err.to_string().contains("xi-api-key"), "{err}");
    }

    #[test]
    fn the_key_stays_out_of_debug_output() {
        let c = Client::builder()
            .api_key("sk_very_secret")
            .build()
            .expect("client");
        let shown = format!("{c:?} {:?}", Client::builder().api_key("sk_very_secret"));
        assert!(!shown.contains("sk_very_secret"), "{shown}");
    }
}
