//! The canned response bodies: one realistic server (the corpus's fullest record) for `get`,
//! and a workspace of many such servers for `list`. Both the server process and the measuring
//! process make them the same way, so the sizes reported match the bytes served.

use anyhow::{Context, Result};
use bytes::Bytes;
use serde_json::Value;

/// The record every canned server is made from: every field of the API filled in.
const TEMPLATE: &str = include_str!("../../../tests/corpus/mcp_server.full.json");

/// The id `get` asks for.
pub const SERVER_ID: &str = "mcp_bench_000000";

/// The bodies the loopback server answers with.
#[derive(Debug, Clone)]
pub struct Bodies {
    /// `GET /v1/convai/mcp-servers/{id}`.
    pub server: Bytes,
    /// `GET /v1/convai/mcp-servers`.
    pub list: Bytes,
}

impl Bodies {
    /// Bodies for a workspace of `servers` servers.
    pub fn new(servers: usize) -> Result<Self> {
        let template: Value = serde_json::from_str(TEMPLATE).context("the corpus record")?;
        let list: Vec<Value> = (0..servers)
            .map(|i| server(&template, i))
            .collect::<Result<_>>()?;
        Ok(Self {
            server: serde_json::to_vec(&server(&template, 0)?)?.into(),
            list: serde_json::to_vec(&serde_json::json!({ "mcp_servers": list }))?.into(),
        })
    }
}

/// Server number `i`: the template with its own id and name, so no two records are equal.
fn server(template: &Value, i: usize) -> Result<Value> {
    let mut record = template.clone();
    let fields = record
        .as_object_mut()
        .context("the template is an object")?;
    fields.insert("id".into(), format!("mcp_bench_{i:06}").into());
    let config = fields
        .get_mut("config")
        .and_then(Value::as_object_mut)
        .context("the template has a config")?;
    config.insert("name".into(), format!("Bench server {i}").into());
    Ok(record)
}
