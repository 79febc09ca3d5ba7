//! A call that has been described but not yet sent: awaiting it sends it, and the methods
//! before the `.await` change how.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::client::Client;
use crate::errors::Error;
use crate::pipeline::{Call, CallOptions, RawResponse};

/// Marks the calls that take the `environment` query parameter
/// ([`Pending::environment`]).
#[derive(Debug, Clone, Copy)]
pub struct WithEnvironment;

/// Turns a 2xx body into the call's result.
type Decoder<T> = fn(&[u8]) -> Result<T, Error>;

/// What a `DELETE` answered `404` means when an earlier attempt of the same call may have
/// reached the service: most likely that attempt deleted, and its answer was lost.
#[derive(Debug)]
pub(crate) enum AfterGone {
    /// Not a delete: a 404 is the caller's error.
    Report,
    /// The delete is done; the result carries nothing.
    Done,
    /// The delete is done; the result is what this call (a `GET` of the server) answers.
    Refetch(Result<Call, Error>),
}

/// The status, headers and request id of a response, for
/// [`Pending::with_response`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The service's request id, for support tickets.
    pub request_id: Option<String>,
}

/// One API call, sent when awaited.
///
/// ```no_run
/// # async fn run(client: elevenlabs_mcp::Client) -> Result<(), elevenlabs_mcp::Error> {
/// use std::time::Duration;
///
/// let server = client
///     .mcp_servers()
///     .get("mcp_123")
///     .timeout(Duration::from_secs(5))
///     .max_retries(0)
///     .await?;
///
/// // The same call, with the response as it arrived.
/// let raw = client.mcp_servers().get("mcp_123").raw().await?;
/// println!("{} {}", raw.status(), raw.text());
/// # let _ = server; Ok(()) }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Pending<T, M = ()> {
    client: Client,
    /// `Err` when the caller's input was refused: reported at `.await`, before any request.
    call: Result<Call, Error>,
    options: CallOptions,
    decode: Decoder<T>,
    after_gone: AfterGone,
    marker: PhantomData<fn() -> M>,
}

impl<T, M> std::fmt::Debug for Pending<T, M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("call", &self.call)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl<T: Send + 'static, M> Pending<T, M> {
    pub(crate) fn new(client: &Client, call: Result<Call, Error>, decode: Decoder<T>) -> Self {
        Self {
            client: client.clone(),
            call,
            options: CallOptions::default(),
            decode,
            after_gone: AfterGone::Report,
            marker: PhantomData,
        }
    }

    /// Marks a `DELETE`: see [`AfterGone`].
    pub(crate) fn after_gone(mut self, after: AfterGone) -> Self {
        self.after_gone = after;
        self
    }

    /// The longest each attempt of this call may take, instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// How many times this call may be retried, instead of the client's policy's count.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.options.max_retries = Some(retries);
        self
    }

    /// The largest successful response body this call reads, in bytes, instead of the
    /// client's ([`ClientBuilder::max_response_body`](crate::ClientBuilder::max_response_body)).
    pub fn max_response_body(mut self, bytes: usize) -> Self {
        self.options.max_response_body = Some(bytes);
        self
    }

    /// Adds a header to this call. The `xi-api-key` and `user-agent` headers are the
    /// client's and cannot be replaced here.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.options.headers.append(name, value);
        self
    }

    /// Declares that sending this call twice does no harm, so that it may be retried after a
    /// timeout or a 5xx even when it is a `POST` (by default a `POST` that may have reached
    /// the server is never repeated, as it could create a second resource).
    pub fn assume_idempotent(mut self) -> Self {
        self.options.assume_idempotent = true;
        self
    }

    /// Sends the call and returns the response as it arrived, whatever its status, for
    /// debugging. Retries still apply.
    ///
    /// # Errors
    ///
    /// Invalid input, timeouts and connection failures; never an API error.
    pub async fn raw(self) -> Result<RawResponse, Error> {
        let call = self.call?;
        self.client.inner.execute(&call, &self.options).await
    }

    /// Sends the call and decodes its result; the same as awaiting it.
    ///
    /// # Errors
    ///
    /// Any [`Error`]: see its variants.
    pub async fn send(self) -> Result<T, Error> {
        self.with_response().await.map(|(value, _)| value)
    }

    /// Sends the call and returns the decoded result together with the response's status,
    /// headers and request id (of the response the result was decoded from).
    ///
    /// ```no_run
    /// # async fn run(client: elevenlabs_mcp::Client) -> Result<(), elevenlabs_mcp::Error> {
    /// let (server, meta) = client.mcp_servers().get("mcp_123").with_response().await?;
    /// println!("{} ({}, request {:?})", server.id, meta.status, meta.request_id);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// Any [`Error`], as for awaiting the call.
    pub async fn with_response(self) -> Result<(T, ResponseMeta), Error> {
        let Self {
            client,
            call,
            options,
            decode,
            after_gone,
            ..
        } = self;
        let call = call?;
        let response = client.inner.execute(&call, &options).await?;
        let gone = response.status() == StatusCode::NOT_FOUND
            && response.retried_after_possible_delivery();
        let response = match after_gone {
            // A retried delete answered 404: the earlier attempt deleted.
            AfterGone::Done if gone => {
                tracing::debug!(
                    operation = call.operation.id(),
                    "404 after an attempt that may have been applied: the delete is done"
                );
                return Ok((decode(b"{}")?, meta(&response)));
            }
            AfterGone::Refetch(follow) if gone => {
                tracing::debug!(
                    operation = call.operation.id(),
                    "404 after an attempt that may have been applied: the delete is done; reading the server"
                );
                client.inner.execute(&follow?, &options).await?
            }
            _ => response,
        };
        let response = response.into_result()?;
        Ok((decode(response.body())?, meta(&response)))
    }
}

fn meta(response: &RawResponse) -> ResponseMeta {
    ResponseMeta {
        status: response.status(),
        headers: response.headers().clone(),
        request_id: response.request_id(),
    }
}

impl<T: Send + 'static> Pending<T, WithEnvironment> {
    /// Runs the call against one of the agent environments of the workspace (the
    /// `environment` query parameter); without it the service uses its default.
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        let environment = environment.into();
        self.call = self.call.and_then(|mut call| {
            call.set_query("environment", environment)?;
            Ok(call)
        });
        self
    }
}

impl<T: Send + 'static, M: 'static> IntoFuture for Pending<T, M> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
