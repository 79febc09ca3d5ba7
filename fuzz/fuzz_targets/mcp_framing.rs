//! The MCP client's framing, on what a hostile server can send: an SSE stream cut into any
//! chunks, its `endpoint` event, the JSON-RPC messages in its events (batches, other ids,
//! errors, requests from the server), and `tools/list` pages with their cursors.
//!
//! What must hold: no panic; the events of a stream do not depend on how it was cut into
//! chunks (a bound trips the same way too); no event is longer than its bound; an accepted
//! endpoint is on the origin connections go to; a page taken has only named tools, no more
//! than the bound in all, and a cursor that is not empty; no error shows the bearer token.

#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use mcp_tools_client::fuzzing::{Redactor, SseParser, endpoint, message, response_for, take_page};
use serde_json::{Map, Value, json};

/// The caller's secret, which the generated server echoes here and there.
const TOKEN: &str = "tok-9F2c61d0e4b8a7Qx";
/// Our request's id.
const ID: u64 = 7;

#[derive(Debug, Arbitrary)]
enum Line {
    /// `data:` with a JSON-RPC message of the shapes below.
    Message(Shape),
    Data(Vec<u8>),
    Event(String),
    Endpoint(String, bool),
    Comment,
    Blank,
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
enum Shape {
    /// A `tools/list` result for `id`, its tools generated, with a cursor.
    Page {
        id: Id,
        tools: u8,
        cursor: Option<String>,
    },
    Error {
        id: Id,
        code: i32,
        echo_token: bool,
    },
    FromServer,
    Batch(u8),
    Any,
}

#[derive(Debug, Arbitrary)]
enum Id {
    Ours,
    OursAsText,
    Other(u64),
    Null,
    Missing,
}

#[derive(Debug, Arbitrary)]
struct Input {
    lines: Vec<(Line, u8)>,
    /// Where the stream is cut, as offsets.
    cuts: Vec<u16>,
    max_line: u16,
    max_data: u16,
    max_tools: u8,
    target: bool,
    seed: Vec<u8>,
}

fn id(id: &Id) -> Option<Value> {
    match id {
        Id::Ours => Some(json!(ID)),
        Id::OursAsText => Some(json!(ID.to_string())),
        Id::Other(n) => Some(json!(n)),
        Id::Null => Some(Value::Null),
        Id::Missing => None,
    }
}

fn shape(u: &mut Unstructured<'_>, s: &Shape) -> Value {
    let mut m = Map::new();
    m.insert("jsonrpc".into(), json!("2.0"));
    match s {
        Shape::Page {
            id: i,
            tools,
            cursor,
        } => {
            if let Some(i) = id(i) {
                m.insert("id".into(), i);
            }
            let tools: Vec<Value> = (0..*tools % 6)
                .map(|_| {
                    if u.ratio(1, 5).unwrap_or(false) {
                        elevenlabs_mcp_fuzz::json_value(u, 2).unwrap_or(Value::Null)
                    } else {
                        elevenlabs_mcp_fuzz::tool(u).unwrap_or(Value::Null)
                    }
                })
                .collect();
            let mut result = json!({"tools": tools});
            if let Some(c) = cursor {
                result["nextCursor"] = json!(c);
            }
            m.insert("result".into(), result);
        }
        Shape::Error {
            id: i,
            code,
            echo_token,
        } => {
            if let Some(i) = id(i) {
                m.insert("id".into(), i);
            }
            let text = if *echo_token {
                format!(
                    "bad token {} for Bearer {TOKEN}",
                    TOKEN.to_ascii_uppercase()
                )
            } else {
                elevenlabs_mcp_fuzz::text(u).unwrap_or_default()
            };
            m.insert("error".into(), json!({"code": code, "message": text}));
        }
        Shape::FromServer => {
            m.insert("method".into(), json!("notifications/message"));
            m.insert("id".into(), json!(ID));
        }
        Shape::Batch(n) => {
            let items: Vec<Value> = (0..*n % 4)
                .map(|k| {
                    shape(
                        u,
                        &Shape::Page {
                            id: if k % 2 == 0 { Id::Other(1) } else { Id::Ours },
                            tools: 2,
                            cursor: None,
                        },
                    )
                })
                .collect();
            return Value::Array(items);
        }
        Shape::Any => return elevenlabs_mcp_fuzz::json_value(u, 4).unwrap_or(Value::Null),
    }
    Value::Object(m)
}

fn stream(input: &Input) -> Vec<u8> {
    let mut u = Unstructured::new(&input.seed);
    let mut out = Vec::new();
    for (line, ending) in &input.lines {
        match line {
            Line::Message(s) => {
                out.extend_from_slice(b"data: ");
                out.extend(shape(&mut u, s).to_string().into_bytes());
            }
            Line::Data(bytes) => {
                out.extend_from_slice(b"data:");
                out.extend_from_slice(bytes);
            }
            Line::Event(name) => out.extend(format!("event: {name}").into_bytes()),
            Line::Endpoint(path, with_token) => {
                let query = if *with_token {
                    format!("?token={TOKEN}")
                } else {
                    String::new()
                };
                out.extend(format!("event: endpoint\ndata: {path}{query}\n").into_bytes());
            }
            Line::Comment => out.extend_from_slice(b": keep-alive"),
            Line::Blank => {}
            Line::Raw(bytes) => out.extend_from_slice(bytes),
        }
        out.extend_from_slice(match ending % 4 {
            0 => b"\n",
            1 => b"\r\n",
            2 => b"\r",
            _ => b"\n\n",
        });
    }
    out
}

type Events = (
    Vec<(String, Vec<u8>)>,
    Option<(mcp_tools_client::Bound, usize)>,
);

fn events(chunks: &[&[u8]], max_line: usize, max_data: usize) -> Events {
    let mut parser = SseParser::new(max_line, max_data);
    let mut out = Vec::new();
    for chunk in chunks {
        let fed = parser.feed(chunk);
        while let Some(event) = parser.next_event() {
            out.push(event);
        }
        if let Err(overflow) = fed {
            return (out, Some(overflow));
        }
    }
    (out, None)
}

fn no_token(text: &str) {
    assert!(
        !text
            .to_ascii_lowercase()
            .contains(&TOKEN.to_ascii_lowercase()),
        "the token shows in: {text}"
    );
}

fuzz_target!(|input: Input| {
    let bytes = stream(&input);
    let max_line = usize::from(input.max_line).max(1);
    let max_data = usize::from(input.max_data).max(1);
    let max_tools = usize::from(input.max_tools);

    let mut cuts: Vec<usize> = input
        .cuts
        .iter()
        .map(|&c| usize::from(c) % (bytes.len() + 1))
        .collect();
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut from = 0;
    for cut in cuts {
        chunks.push(&bytes[from..cut]);
        from = cut;
    }
    chunks.push(&bytes[from..]);
    let whole = events(&[&bytes], max_line, max_data);
    let cut = events(&chunks, max_line, max_data);
    assert_eq!(whole, cut, "the events depend on where the stream was cut");

    let redactor = Redactor::of(TOKEN);
    let registered = "https://mcp.example.com/sse";
    let target = input.target.then_some("http://127.0.0.1:3001/sse");
    let mut tools = Vec::new();
    for (name, data) in whole.0 {
        assert!(
            data.len() <= max_data,
            "an event of {} bytes passed a bound of {max_data}",
            data.len()
        );
        assert!(
            !name.contains(['\n', '\r']),
            "an event name holds a line break"
        );
        if name == "endpoint" {
            match endpoint(
                registered,
                target,
                &String::from_utf8_lossy(&data),
                &redactor,
            ) {
                Ok(url) => {
                    let expected = target.unwrap_or(registered);
                    let expected = url::Url::parse(expected).expect("a URL").origin();
                    assert_eq!(url.origin(), expected, "the endpoint leaves the origin");
                }
                Err(e) => no_token(&e),
            }
            continue;
        }
        let parsed = match message(&data, 32) {
            Ok(parsed) => parsed,
            Err(e) => {
                no_token(&e);
                continue;
            }
        };
        match response_for(parsed, ID, &redactor) {
            Ok(Some(result)) => {
                let before = tools.len();
                match take_page(result, &mut tools, max_tools) {
                    Ok(cursor) => {
                        assert!(
                            tools.len() <= max_tools,
                            "{} tools past a bound of {max_tools}",
                            tools.len()
                        );
                        assert!(
                            tools[before..].iter().all(|t: &Map<String, Value>| t
                                .get("name")
                                .is_some_and(Value::is_string)),
                            "a tool without a string name was taken"
                        );
                        assert!(
                            cursor.is_none_or(|c| !c.is_empty()),
                            "an empty cursor goes on"
                        );
                    }
                    Err(e) => {
                        assert_eq!(tools.len(), before, "a refused page left tools behind");
                        no_token(&e);
                    }
                }
            }
            Ok(None) => {}
            Err(e) => no_token(&e),
        }
    }
});
