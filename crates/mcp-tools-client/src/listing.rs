//! The public builder of a listing, and what a listing returns.

use std::fmt;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::body::Budget;
use crate::deadline::Deadline;
use crate::error::ListError;
use crate::headers;
use crate::http;
use crate::limits::{DEFAULT_PROTOCOL_VERSION, Limits, MAX_DEPTH_CEILING};
use crate::redact::Secret;
use crate::route::Route;
use crate::session::{self, Conn, Hello};
use crate::transport::Transport;

/// The tools a server listed, with what it said of itself.
///
/// ```
/// # fn show(listed: mcp_tools_client::ToolList) {
/// for tool in &listed.tools {
///     // Every tool has a string name; the rest is as the server sent it.
///     println!("{} {:?}", tool["name"], tool.get("description"));
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolList {
    /// The tools, over all pages, in the server's order: each the object the server sent,
    /// unknown fields included, checked only to have a string `name`.
    pub tools: Vec<Map<String, Value>>,
    /// The `serverInfo` of the `initialize` result, as sent.
    pub server_info: Option<Value>,
    /// The protocol version the server chose in `initialize`, if it said one.
    pub protocol_version: Option<String>,
    /// How many `tools/list` pages it took.
    pub pages: usize,
}

/// One listing of an MCP server's tools: where, how, with which credentials, and within
/// which bounds. Build it, then call [`list_tools`](Self::list_tools).
///
/// Nothing is checked until [`list_tools`](Self::list_tools) (or [`validate`](Self::validate)):
/// the builder methods never fail, and a bad URL or header comes back as the listing's
/// error, naming it.
///
/// ```no_run
/// use std::time::Duration;
/// use mcp_tools_client::{Listing, Transport};
///
/// # async fn run() -> Result<(), mcp_tools_client::ListError> {
/// let listed = Listing::new("https://mcp.example.com/sse")
///     .transport(Transport::Sse)
///     .bearer_token("my-secret-token")
///     .deadline(Duration::from_secs(10))
///     .max_pages(20)
///     .list_tools()
///     .await?;
/// println!("{} tools over {} pages", listed.tools.len(), listed.pages);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Listing {
    url: String,
    connect_to: Option<String>,
    transport: Transport,
    headers: Vec<(String, Secret)>,
    token: Option<Secret>,
    allow_plain_http: bool,
    limits: Limits,
    hello: Hello,
}

impl fmt::Debug for Listing {
    /// Shows the header names, never their values or the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header_names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Listing")
            .field("url", &crate::redact::unparsed_url_for_display(&self.url))
            .field(
                "connect_to",
                &self
                    .connect_to
                    .as_deref()
                    .map(crate::redact::unparsed_url_for_display),
            )
            .field("transport", &self.transport)
            .field("headers", &header_names)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("allow_plain_http", &self.allow_plain_http)
            .field("limits", &self.limits)
            .field("hello", &self.hello)
            .finish()
    }
}

impl Listing {
    /// A listing of the server registered at `url`, over [`Transport::Sse`] (the service's
    /// default), with the default bounds.
    ///
    /// The URL must be `https`, or `http` to a loopback host (`127.0.0.0/8`, `::1`,
    /// `localhost`) unless [`allow_plain_http`](Self::allow_plain_http); it may not carry a
    /// user name or password.
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("http://127.0.0.1:3001/sse");
    /// assert!(listing.validate().is_ok());
    /// ```
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            connect_to: None,
            transport: Transport::default(),
            headers: Vec::new(),
            token: None,
            allow_plain_http: false,
            limits: Limits::default(),
            hello: Hello {
                protocol_version: DEFAULT_PROTOCOL_VERSION.to_owned(),
                client_name: env!("CARGO_PKG_NAME").to_owned(),
                client_version: env!("CARGO_PKG_VERSION").to_owned(),
            },
        }
    }

    /// The transport to speak.
    ///
    /// ```
    /// use mcp_tools_client::{Listing, Transport};
    /// let listing = Listing::new("https://mcp.example.com/mcp").transport(Transport::StreamableHttp);
    /// # let _ = listing;
    /// ```
    pub fn transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// A header to send on every request. Setting the same name again replaces the value.
    ///
    /// An invalid name or value is a [`ListError::InvalidHeader`] naming the header (never
    /// showing the value). The headers the transports set themselves (`Accept`,
    /// `Content-Type`, `Mcp-Session-Id`, `MCP-Protocol-Version`, `Host`, the framing ones)
    /// are refused. Values are treated as secrets: never shown, and scrubbed from what the
    /// server sends back into errors.
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse")
    ///     .header("X-Api-Key", "k-123")
    ///     .header("X-Team", "voice");
    /// # let _ = listing;
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let name = name.into();
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
        self.headers.push((name, Secret::new(value.into())));
        self
    }

    /// The bearer token, sent as `Authorization: Bearer <token>` on every request.
    ///
    /// The token is trimmed of surrounding whitespace, and a token that already starts with
    /// `Bearer ` is sent as it is rather than prefixed twice. It goes only to the registered
    /// origin (or the [`connect_to`](Self::connect_to) target): redirects are never followed
    /// and an SSE endpoint elsewhere is refused. It appears in no error, `Debug` output or
    /// log.
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse")
    ///     .bearer_token("my-secret-token");
    /// assert!(!format!("{listing:?}").contains("my-secret-token"));
    /// ```
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret::new(token.into()));
        self
    }

    /// Routes the connection to `target` while everything else behaves as for the
    /// registered URL.
    ///
    /// For a server registered at `https://mcp.example.com/sse` but reached at
    /// `http://127.0.0.1:3001/sse` (a tunnel, a test): the first request goes to the target
    /// URL, and the SSE endpoint the server names is resolved against the registered URL,
    /// checked against the registered origin (the target's own origin is taken too), and
    /// sent to the same path and query on the target's origin. Requests carry the target's
    /// `Host`. The plain-HTTP rule applies to the target, where the bytes travel.
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse")
    ///     .connect_to("http://127.0.0.1:3001/sse");
    /// assert!(listing.validate().is_ok());
    /// ```
    pub fn connect_to(mut self, target: impl Into<String>) -> Self {
        self.connect_to = Some(target.into());
        self
    }

    /// Allows plain `http` to hosts other than loopback. The token then crosses the
    /// network unencrypted: for closed test networks only.
    ///
    /// ```
    /// use mcp_tools_client::Listing;
    /// assert!(Listing::new("http://mcp.internal/sse").validate().is_err());
    /// assert!(Listing::new("http://mcp.internal/sse").allow_plain_http().validate().is_ok());
    /// ```
    pub fn allow_plain_http(mut self) -> Self {
        self.allow_plain_http = true;
        self
    }

    /// The deadline over the whole listing, connecting included
    /// (default [`DEFAULT_DEADLINE`](crate::DEFAULT_DEADLINE), 30 s).
    ///
    /// ```
    /// # use std::time::Duration;
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse")
    ///     .deadline(Duration::from_secs(5));
    /// # let _ = listing;
    /// ```
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.limits.deadline = deadline;
        self
    }

    /// Bytes read over the whole listing, every answer together
    /// (default [`DEFAULT_MAX_TOTAL_BYTES`](crate::DEFAULT_MAX_TOTAL_BYTES), 16 MiB).
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse")
    ///     .max_total_bytes(1 << 20);
    /// # let _ = listing;
    /// ```
    pub fn max_total_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_total_bytes = bytes;
        self
    }

    /// Bytes of one message: a JSON body, or one SSE event's data
    /// (default [`DEFAULT_MAX_MESSAGE_BYTES`](crate::DEFAULT_MAX_MESSAGE_BYTES), 4 MiB).
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse")
    ///     .max_message_bytes(256 * 1024);
    /// # let _ = listing;
    /// ```
    pub fn max_message_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_message_bytes = bytes;
        self
    }

    /// Bytes of one SSE line, comments included
    /// (default [`DEFAULT_MAX_SSE_LINE_BYTES`](crate::DEFAULT_MAX_SSE_LINE_BYTES)). A message
    /// usually travels as one `data:` line, so keep this a little above the message bound.
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse")
    ///     .max_message_bytes(256 * 1024)
    ///     .max_sse_line_bytes(256 * 1024 + 64);
    /// # let _ = listing;
    /// ```
    pub fn max_sse_line_bytes(mut self, bytes: usize) -> Self {
        self.limits.max_sse_line_bytes = bytes;
        self
    }

    /// `tools/list` pages (default [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES), 100).
    /// A server that still has a next page after this many fails with
    /// [`ListError::TooManyPages`].
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse").max_pages(10);
    /// # let _ = listing;
    /// ```
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.limits.max_pages = pages;
        self
    }

    /// Tools over all pages (default [`DEFAULT_MAX_TOOLS`](crate::DEFAULT_MAX_TOOLS), 10,000).
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse").max_tools(500);
    /// # let _ = listing;
    /// ```
    pub fn max_tools(mut self, tools: usize) -> Self {
        self.limits.max_tools = tools;
        self
    }

    /// JSON nesting of one message, counting every array and object, the JSON-RPC envelope
    /// included (default [`DEFAULT_MAX_DEPTH`](crate::DEFAULT_MAX_DEPTH), 64). Values above
    /// [`MAX_DEPTH_CEILING`](crate::MAX_DEPTH_CEILING) (128, serde_json's own limit) act as it.
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse").max_depth(32);
    /// # let _ = listing;
    /// ```
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.limits.max_depth = depth.min(MAX_DEPTH_CEILING);
        self
    }

    /// The `clientInfo` sent in `initialize` (default: this crate's name and version).
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse")
    ///     .client_info("my-host", "2.1.0");
    /// # let _ = listing;
    /// ```
    pub fn client_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.hello.client_name = name.into();
        self.hello.client_version = version.into();
        self
    }

    /// The protocol version offered in `initialize`
    /// (default [`DEFAULT_PROTOCOL_VERSION`](crate::DEFAULT_PROTOCOL_VERSION)). The server
    /// answers with the version it speaks, and that one is used from then on.
    ///
    /// ```
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/mcp")
    ///     .protocol_version("2025-03-26");
    /// # let _ = listing;
    /// ```
    pub fn protocol_version(mut self, version: impl Into<String>) -> Self {
        self.hello.protocol_version = version.into();
        self
    }

    /// Checks the URLs, headers and token without sending anything: the errors
    /// [`list_tools`](Self::list_tools) would give before connecting.
    ///
    /// ```
    /// use mcp_tools_client::{ListError, Listing};
    /// let err = Listing::new("https://mcp.example.com/sse")
    ///     .header("Bad Name", "x")
    ///     .validate()
    ///     .unwrap_err();
    /// assert!(matches!(err, ListError::InvalidHeader { .. }));
    /// ```
    pub fn validate(&self) -> Result<(), ListError> {
        self.route()?;
        headers::prepare(&self.headers, self.token.as_ref())?;
        Ok(())
    }

    /// Lists the server's tools: `initialize`, `notifications/initialized`, then
    /// `tools/list` page by page, all within the deadline and the bounds.
    ///
    /// Needs a Tokio runtime with timers. Each call makes its own HTTP client and closes
    /// its connections when it returns. Dropping the future stops the listing.
    ///
    /// ```no_run
    /// # async fn run() {
    /// let listing = mcp_tools_client::Listing::new("https://mcp.example.com/sse")
    ///     .bearer_token("my-secret-token");
    /// match listing.list_tools().await {
    ///     Ok(listed) => println!("{} tools", listed.tools.len()),
    ///     Err(err) => eprintln!("{err}"),
    /// }
    /// # }
    /// ```
    pub async fn list_tools(&self) -> Result<ToolList, ListError> {
        let deadline = Deadline::starting_now(self.limits.deadline);
        let route = self.route()?;
        let prepared = headers::prepare(&self.headers, self.token.as_ref())?;
        let conn = Conn {
            client: http::client()?,
            route,
            headers: prepared.map,
            redactor: prepared.redactor,
            limits: self.limits,
            budget: Budget::new(self.limits.max_total_bytes),
        };
        session::list(conn, self.transport, &deadline, &self.hello).await
    }

    fn route(&self) -> Result<Route, ListError> {
        Route::new(&self.url, self.connect_to.as_deref(), self.allow_plain_http)
    }
}
