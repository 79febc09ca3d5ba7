//! Streamable HTTP: each message is `POST`ed to the URL, and a request is answered in the
//! response, as a JSON body or as an event stream carrying the response (possibly after
//! notifications). The `Mcp-Session-Id` the server gives on `initialize` and the negotiated
//! `MCP-Protocol-Version` go on every later request.
//!
//! Only the answer to each request is read; the optional `GET` stream for server-initiated
//! messages is not opened, and the session is left to expire on the server rather than
//! ended with a `DELETE` (one more request that a hung server could stretch).

use reqwest::Response;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderName, HeaderValue};
use serde_json::{Map, Value};

use crate::body::{self, EventReader};
use crate::error::{ListError, Problem, Step};
use crate::http;
use crate::json;
use crate::jsonrpc;
use crate::session::Conn;
use crate::transport::Transport;

const SESSION_ID: HeaderName = HeaderName::from_static("mcp-session-id");
const PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");

/// The session state: what later requests must carry.
#[derive(Debug, Default)]
pub(crate) struct StreamableChannel {
    session: Option<HeaderValue>,
    version: Option<HeaderValue>,
}

impl StreamableChannel {
    /// Records the protocol version the server chose, for the header of later requests.
    pub(crate) fn negotiated(&mut self, version: Option<&str>) -> Result<(), ListError> {
        self.version = version
            .map(|v| {
                HeaderValue::from_str(v).map_err(|_| {
                    ListError::malformed(
                        Step::Initialize,
                        "the protocolVersion cannot be sent back in a header",
                    )
                })
            })
            .transpose()?;
        Ok(())
    }

    pub(crate) async fn request(
        &mut self,
        conn: &mut Conn,
        id: u64,
        method: &str,
        params: Option<Value>,
        step: Step,
    ) -> Result<Map<String, Value>, ListError> {
        let mut response = self
            .post(conn, jsonrpc::request(id, method, params), step)
            .await?;
        if self.session.is_none() {
            self.session = session_id(&response, step)?;
        }
        let limits = conn.limits;
        let media = http::media_type(&response);
        let answer = match media.as_deref() {
            Some(m) if http::is_media(m, "text/event-stream") => Answer::Events,
            // A missing Content-Type is read as JSON: the parse then judges it.
            None => Answer::Json,
            Some(m)
                if http::is_media(m, "application/json")
                    || m.to_ascii_lowercase().ends_with("+json") =>
            {
                Answer::Json
            }
            Some(other) => Answer::Other(other.to_owned()),
        };
        match answer {
            Answer::Events => {
                let mut stream = EventReader::new(
                    response,
                    limits.max_sse_line_bytes,
                    limits.max_message_bytes,
                );
                while let Some(event) = stream.next(&mut conn.budget, step).await? {
                    if event.name != "message" {
                        continue;
                    }
                    let message = json::parse(&event.data, limits.max_depth, step)?;
                    if let Some(result) = jsonrpc::response_for(message, id, step, &conn.redactor)?
                    {
                        return Ok(result);
                    }
                }
                Err(ListError::Disconnected {
                    step,
                    reason: Some("the server's event stream ended before the response".into()),
                })
            }
            Answer::Json => {
                let bytes = body::read_all(
                    &mut response,
                    &mut conn.budget,
                    limits.max_message_bytes,
                    step,
                )
                .await?;
                if bytes.is_empty() {
                    return Err(ListError::protocol(step, Problem::NoResponse));
                }
                let message = json::parse(&bytes, limits.max_depth, step)?;
                jsonrpc::response_for(message, id, step, &conn.redactor)?
                    .ok_or(ListError::protocol(step, Problem::NoResponse))
            }
            Answer::Other(other) => Err(ListError::protocol(
                step,
                Problem::UnexpectedContentType {
                    content_type: Some(conn.redactor.server_text(&other)),
                    transport: Transport::StreamableHttp,
                },
            )),
        }
    }

    /// Posts a notification; the answer (202) has nothing to read.
    pub(crate) async fn notify(
        &mut self,
        conn: &mut Conn,
        method: &str,
        step: Step,
    ) -> Result<(), ListError> {
        self.post(conn, jsonrpc::notification(method), step).await?;
        Ok(())
    }

    async fn post(
        &self,
        conn: &mut Conn,
        body: Vec<u8>,
        step: Step,
    ) -> Result<Response, ListError> {
        let url = conn.route.first_url().clone();
        let mut request = conn
            .client
            .post(url.clone())
            .headers(conn.headers.clone())
            .header(ACCEPT, "application/json, text/event-stream")
            .header(CONTENT_TYPE, "application/json");
        if let Some(session) = &self.session {
            request = request.header(SESSION_ID, session.clone());
        }
        if let Some(version) = &self.version {
            request = request.header(PROTOCOL_VERSION, version.clone());
        }
        http::send(
            request.body(body),
            &url,
            step,
            &mut conn.budget,
            &conn.redactor,
        )
        .await
    }
}

/// How an answer carries its response.
enum Answer {
    Events,
    Json,
    Other(String),
}

/// The session id the server assigned, if any; the standard allows visible ASCII only.
fn session_id(response: &Response, step: Step) -> Result<Option<HeaderValue>, ListError> {
    let Some(value) = response.headers().get(SESSION_ID) else {
        return Ok(None);
    };
    if value.is_empty() || !value.as_bytes().iter().all(|b| (0x21..=0x7e).contains(b)) {
        return Err(ListError::malformed(
            step,
            "the Mcp-Session-Id header has characters other than visible ASCII",
        ));
    }
    let mut value = value.clone();
    value.set_sensitive(true);
    Ok(Some(value))
}
