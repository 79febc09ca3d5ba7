//! `SERVER` on the command line: an id, or a server's exact name.

use elevenlabs_mcp::{Client, McpServer};

/// The id of the server `reference` names: a server with that id, else the one server of
/// that exact name.
///
/// # Errors
///
/// No server has that id or name, or several have that name (the message lists them).
pub async fn server(client: &Client, reference: &str) -> Result<McpServer, String> {
    let servers = client
        .mcp_servers()
        .list()
        .await
        .map_err(|e| e.to_string())?;
    among(&servers, reference)
}

/// The servers `references` name, from one list of the workspace.
///
/// # Errors
///
/// As [`server`], for the first reference that names no server or several.
pub async fn servers(client: &Client, references: &[String]) -> Result<Vec<McpServer>, String> {
    let servers = client
        .mcp_servers()
        .list()
        .await
        .map_err(|e| e.to_string())?;
    references.iter().map(|r| among(&servers, r)).collect()
}

/// The server `reference` names among `servers`.
///
/// # Errors
///
/// As [`server`].
pub fn among(servers: &[McpServer], reference: &str) -> Result<McpServer, String> {
    if let Some(s) = servers.iter().find(|s| s.id == reference) {
        return Ok(s.clone());
    }
    let named: Vec<&McpServer> = servers
        .iter()
        .filter(|s| s.config.name == reference)
        .collect();
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => {
            let hint =
                crate::ops::nearest(reference, servers.iter().map(|s| s.config.name.as_str()))
                    .map(|n| format!("; did you mean {n:?}?"))
                    .unwrap_or_default();
            Err(format!("no server has the id or name {reference:?}{hint}"))
        }
        many => {
            let list: Vec<String> = many
                .iter()
                .map(|s| format!("  {} ({})", s.id, s.config.name))
                .collect();
            Err(format!(
                "{} servers are named {reference:?}; give the id of one:\n{}",
                many.len(),
                list.join("\n")
            ))
        }
    }
}
