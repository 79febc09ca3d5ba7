//! The listing itself, the same over both transports: `initialize`,
//! `notifications/initialized`, then `tools/list` until the last page, every step under
//! the deadline and every page under the page and tool bounds.

use reqwest::header::HeaderMap;
use serde_json::{Map, Value, json};

use crate::body::Budget;
use crate::deadline::Deadline;
use crate::error::{ListError, Step};
use crate::limits::Limits;
use crate::listing::ToolList;
use crate::redact::{Redactor, url_for_display};
use crate::route::Route;
use crate::sse_channel::SseChannel;
use crate::streamable_channel::StreamableChannel;
use crate::transport::Transport;

/// What every transport needs to send a request and read its answer.
#[derive(Debug)]
pub(crate) struct Conn {
    pub(crate) client: reqwest::Client,
    pub(crate) route: Route,
    /// The caller's headers and the token, sent on every request.
    pub(crate) headers: HeaderMap,
    pub(crate) redactor: Redactor,
    pub(crate) limits: Limits,
    pub(crate) budget: Budget,
}

/// What the client says of itself in `initialize`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Hello {
    pub(crate) protocol_version: String,
    pub(crate) client_name: String,
    pub(crate) client_version: String,
}

/// One transport's way of exchanging messages, over the listing's [`Conn`].
#[derive(Debug)]
enum Channel {
    // Boxed: it holds the response stream, far larger than the other's two headers.
    Sse(Box<SseChannel>),
    Streamable(StreamableChannel),
}

impl Channel {
    async fn request(
        &mut self,
        conn: &mut Conn,
        id: u64,
        method: &str,
        params: Option<Value>,
        step: Step,
    ) -> Result<Map<String, Value>, ListError> {
        match self {
            Self::Sse(c) => c.request(conn, id, method, params, step).await,
            Self::Streamable(c) => c.request(conn, id, method, params, step).await,
        }
    }

    async fn notify(&mut self, conn: &mut Conn, method: &str, step: Step) -> Result<(), ListError> {
        match self {
            Self::Sse(c) => c.notify(conn, method, step).await,
            Self::Streamable(c) => c.notify(conn, method, step).await,
        }
    }

    fn negotiated(&mut self, version: Option<&str>) -> Result<(), ListError> {
        match self {
            // The legacy transport has no version header.
            Self::Sse(_) => Ok(()),
            Self::Streamable(c) => c.negotiated(version),
        }
    }
}

pub(crate) async fn list(
    mut conn: Conn,
    transport: Transport,
    deadline: &Deadline,
    hello: &Hello,
) -> Result<ToolList, ListError> {
    let limits = conn.limits;
    tracing::debug!(
        url = %url_for_display(conn.route.first_url()),
        %transport,
        "listing the tools of an MCP server"
    );
    let mut channel = match transport {
        Transport::Sse => Channel::Sse(Box::new(SseChannel::open(&mut conn, deadline).await?)),
        Transport::StreamableHttp => Channel::Streamable(StreamableChannel::default()),
    };

    let step = Step::Initialize;
    let params = json!({
        "protocolVersion": hello.protocol_version,
        "capabilities": {},
        "clientInfo": { "name": hello.client_name, "version": hello.client_version },
    });
    let init = deadline
        .run(
            step,
            channel.request(&mut conn, 1, "initialize", Some(params), step),
        )
        .await?;
    let protocol_version = init
        .get("protocolVersion")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let server_info = init.get("serverInfo").cloned();
    channel.negotiated(protocol_version.as_deref())?;
    tracing::debug!(
        protocol_version = ?protocol_version.as_deref().map(|v| conn.redactor.server_text(v)),
        "initialized"
    );

    let step = Step::Initialized;
    deadline
        .run(
            step,
            channel.notify(&mut conn, "notifications/initialized", step),
        )
        .await?;

    let mut tools = Vec::new();
    let mut cursor: Option<String> = None;
    let mut page = 0;
    loop {
        page += 1;
        if page > limits.max_pages {
            return Err(ListError::TooManyPages {
                limit: limits.max_pages,
            });
        }
        let step = Step::ListTools { page };
        let params = cursor.take().map(|c| json!({ "cursor": c }));
        let id = u64::try_from(page).unwrap_or(u64::MAX).saturating_add(1);
        let result = deadline
            .run(
                step,
                channel.request(&mut conn, id, "tools/list", params, step),
            )
            .await?;
        cursor = take_page(result, &mut tools, limits.max_tools, step)?;
        tracing::debug!(
            page,
            tools = tools.len(),
            more = cursor.is_some(),
            "listed a page of tools"
        );
        if cursor.is_none() {
            break;
        }
    }
    Ok(ToolList {
        tools,
        server_info,
        protocol_version,
        pages: page,
    })
}

/// Adds a page's tools to `tools` and returns its next cursor.
///
/// A missing, null or empty `nextCursor` ends the listing: an empty cursor is a common way
/// for servers to say there is no next page.
pub(crate) fn take_page(
    mut result: Map<String, Value>,
    tools: &mut Vec<Map<String, Value>>,
    max_tools: usize,
    step: Step,
) -> Result<Option<String>, ListError> {
    let Some(Value::Array(page)) = result.remove("tools") else {
        return Err(ListError::malformed(
            step,
            "the tools/list result has no tools array",
        ));
    };
    if tools.len().saturating_add(page.len()) > max_tools {
        return Err(ListError::TooManyTools { limit: max_tools });
    }
    // The whole page is checked before any of it is taken: a refused page adds nothing.
    if let Some(i) = page
        .iter()
        .position(|tool| !tool.get("name").is_some_and(Value::is_string))
    {
        return Err(ListError::malformed(
            step,
            format!(
                "tool {} of the page is not an object with a string name",
                i + 1
            ),
        ));
    }
    tools.extend(page.into_iter().filter_map(|tool| match tool {
        Value::Object(tool) => Some(tool),
        _ => None,
    }));
    match result.remove("nextCursor") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(c)) if c.is_empty() => Ok(None),
        Some(Value::String(c)) => Ok(Some(c)),
        Some(_) => Err(ListError::malformed(step, "nextCursor is not a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STEP: Step = Step::ListTools { page: 1 };

    fn page(v: Value) -> Map<String, Value> {
        v.as_object().cloned().expect("object")
    }

    #[test]
    fn keeps_tools_as_sent() {
        let mut tools = Vec::new();
        let tool = json!({"name":"a","x-extra":{"deep":[1,2]},"inputSchema":{"type":"object"}});
        let next = take_page(
            page(json!({"tools":[tool.clone()],"nextCursor":"c2"})),
            &mut tools,
            10,
            STEP,
        );
        assert_eq!(next.expect("ok"), Some("c2".into()));
        assert_eq!(Value::Object(tools[0].clone()), tool);
    }

    #[test]
    fn ends_on_missing_null_or_empty_cursor() {
        for result in [
            json!({"tools":[]}),
            json!({"tools":[],"nextCursor":null}),
            json!({"tools":[],"nextCursor":""}),
        ] {
            assert_eq!(
                take_page(page(result), &mut Vec::new(), 10, STEP).expect("ok"),
                None
            );
        }
    }

    #[test]
    fn refuses_nameless_tools_and_bad_shapes() {
        for result in [
            json!({}),
            json!({"tools":{}}),
            json!({"tools":[{"name":1}]}),
            json!({"tools":["a"]}),
            json!({"tools":[{"title":"x"}]}),
            json!({"tools":[],"nextCursor":5}),
        ] {
            assert!(matches!(
                take_page(page(result), &mut Vec::new(), 10, STEP),
                Err(ListError::Protocol { .. })
            ));
        }
    }

    #[test]
    fn counts_tools_over_pages() {
        let mut tools = Vec::new();
        let two = json!({"tools":[{"name":"a"},{"name":"b"}],"nextCursor":"n"});
        assert!(take_page(page(two.clone()), &mut tools, 3, STEP).is_ok());
        assert!(matches!(
            take_page(page(two), &mut tools, 3, STEP),
            Err(ListError::TooManyTools { limit: 3 })
        ));
    }
}
