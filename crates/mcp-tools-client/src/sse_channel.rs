//! The legacy HTTP+SSE transport: one `GET` event stream carries every answer, and each
//! message is `POST`ed to the URL its first `endpoint` event names.
//!
//! One request is in flight at a time, so the listing is a plain sequence: post, then read
//! the stream until the response with that id. What the server sends meanwhile (log
//! notifications, pings) is skipped; the server's own requests go unanswered, which a
//! listing that declares no capabilities can afford.

use reqwest::header::{ACCEPT, CACHE_CONTROL, CONTENT_TYPE};
use serde_json::{Map, Value};
use url::Url;

use crate::body::EventReader;
use crate::deadline::Deadline;
use crate::error::{ListError, Problem, Step};
use crate::http;
use crate::json;
use crate::jsonrpc;
use crate::redact::url_for_display;
use crate::session::Conn;
use crate::transport::Transport;

#[derive(Debug)]
pub(crate) struct SseChannel {
    stream: EventReader,
    endpoint: Url,
}

impl SseChannel {
    /// Opens the stream and waits for its endpoint, each under the deadline.
    pub(crate) async fn open(conn: &mut Conn, deadline: &Deadline) -> Result<Self, ListError> {
        let step = Step::OpenStream;
        let mut stream = deadline.run(step, open_stream(conn, step)).await?;
        let step = Step::Endpoint;
        let endpoint = deadline
            .run(step, wait_endpoint(&mut stream, conn, step))
            .await?;
        // The path is the server's choice: scrubbed like any server text.
        tracing::debug!(
            endpoint = %conn.redactor.server_text(&url_for_display(&endpoint)),
            "SSE endpoint received"
        );
        Ok(Self { stream, endpoint })
    }

    pub(crate) async fn request(
        &mut self,
        conn: &mut Conn,
        id: u64,
        method: &str,
        params: Option<Value>,
        step: Step,
    ) -> Result<Map<String, Value>, ListError> {
        self.post(conn, jsonrpc::request(id, method, params), step)
            .await?;
        loop {
            let Some(event) = self.stream.next(&mut conn.budget, step).await? else {
                return Err(ListError::Disconnected {
                    step,
                    reason: Some("the SSE stream ended".into()),
                });
            };
            if event.name != "message" {
                continue;
            }
            let message = json::parse(&event.data, conn.limits.max_depth, step)?;
            if let Some(result) = jsonrpc::response_for(message, id, step, &conn.redactor)? {
                return Ok(result);
            }
        }
    }

    pub(crate) async fn notify(
        &mut self,
        conn: &mut Conn,
        method: &str,
        step: Step,
    ) -> Result<(), ListError> {
        self.post(conn, jsonrpc::notification(method), step).await
    }

    /// Posts a message. The answer (202 or 200) carries nothing the listing needs, so its
    /// body is not read: a hostile one cannot grow, and dropping it unread costs at most
    /// its connection.
    async fn post(&self, conn: &mut Conn, body: Vec<u8>, step: Step) -> Result<(), ListError> {
        let request = conn
            .client
            .post(self.endpoint.clone())
            .headers(conn.headers.clone())
            .header(CONTENT_TYPE, "application/json")
            .body(body);
        http::send(
            request,
            &self.endpoint,
            step,
            &mut conn.budget,
            &conn.redactor,
        )
        .await?;
        Ok(())
    }
}

/// The URL to post to, from the first `endpoint` event; other events before it are skipped.
async fn wait_endpoint(
    stream: &mut EventReader,
    conn: &mut Conn,
    step: Step,
) -> Result<Url, ListError> {
    loop {
        let Some(event) = stream.next(&mut conn.budget, step).await? else {
            return Err(ListError::protocol(step, Problem::MissingEndpoint));
        };
        if event.name != "endpoint" {
            continue;
        }
        let data = String::from_utf8(event.data)
            .map_err(|_| ListError::malformed(step, "the endpoint event's data is not UTF-8"))?;
        return conn.route.endpoint(&data, &conn.redactor);
    }
}

async fn open_stream(conn: &mut Conn, step: Step) -> Result<EventReader, ListError> {
    let url = conn.route.first_url().clone();
    let request = conn
        .client
        .get(url.clone())
        .headers(conn.headers.clone())
        .header(ACCEPT, "text/event-stream")
        .header(CACHE_CONTROL, "no-cache");
    let response = http::send(request, &url, step, &mut conn.budget, &conn.redactor).await?;
    let media = http::media_type(&response);
    if !media
        .as_deref()
        .is_some_and(|m| http::is_media(m, "text/event-stream"))
    {
        return Err(ListError::protocol(
            step,
            Problem::UnexpectedContentType {
                content_type: media.map(|m| conn.redactor.server_text(&m)),
                transport: Transport::Sse,
            },
        ));
    }
    Ok(EventReader::new(
        response,
        conn.limits.max_sse_line_bytes,
        conn.limits.max_message_bytes,
    ))
}
