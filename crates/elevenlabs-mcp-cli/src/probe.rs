//! Vetting an MCP server before it is registered: its tools listed by connecting to it, as
//! the service would (`tools list --url`, `tools scan --url`, `plan --probe`), with the
//! bounds of the `mcp-tools-client` crate. The token comes from an environment variable,
//! never the command line; `--route URL=TARGET` sends a connection for a registered-style
//! https URL to a local address, as the emulator's routes do.

use elevenlabs_mcp::Tool;
use mcp_tools_client::{Listing, Transport};
use serde_json::{Map, Value};

/// `--route URL=TARGET`, split at its first `=`.
pub fn parse_route(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((url, target)) if !url.trim().is_empty() && !target.trim().is_empty() => {
            Ok((url.trim().to_owned(), target.trim().to_owned()))
        }
        _ => Err(format!(
            "`{arg}` is not URL=TARGET (e.g. https://mcp.example.com/mcp=http://127.0.0.1:3001/mcp)"
        )),
    }
}

/// `--header NAME=VALUE`, split at its first `=`.
pub fn parse_header(arg: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("`{arg}` is not NAME=VALUE")),
    }
}

/// One server to connect to.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: String,
    /// The API's name of the transport (`SSE`, `STREAMABLE_HTTP`); the API's default when
    /// absent.
    pub transport: Option<String>,
    pub headers: Vec<(String, String)>,
    pub token: Option<String>,
    /// The most the listing may take (the client's default, 30 s, when `None`).
    pub deadline: Option<std::time::Duration>,
}

/// The registered URL's route, if one was given (a trailing `/` does not matter).
fn routed<'a>(routes: &'a [(String, String)], url: &str) -> Option<&'a str> {
    let key = url.trim_end_matches('/');
    routes
        .iter()
        .find(|(from, _)| from.trim_end_matches('/') == key)
        .map(|(_, to)| to.as_str())
}

/// Lists `target`'s tools; the error says why it could not, for a person.
pub async fn list(target: &Target, routes: &[(String, String)]) -> Result<Vec<Tool>, String> {
    let transport = match &target.transport {
        None => Transport::default(),
        Some(name) => name.parse().map_err(|_| {
            format!("the transport {name:?} is one this version cannot connect with (SSE, STREAMABLE_HTTP)")
        })?,
    };
    let mut listing = Listing::new(target.url.clone())
        .transport(transport)
        .client_info("elevenlabs-mcp", env!("CARGO_PKG_VERSION"));
    if let Some(to) = routed(routes, &target.url) {
        listing = listing.connect_to(to);
    }
    for (name, value) in &target.headers {
        listing = listing.header(name.clone(), value.clone());
    }
    if let Some(token) = &target.token {
        listing = listing.bearer_token(token.clone());
    }
    if let Some(deadline) = target.deadline {
        listing = listing.deadline(deadline);
    }
    let listed = listing.list_tools().await.map_err(|e| e.to_string())?;
    listed
        .tools
        .into_iter()
        .map(|tool| {
            let name = tool
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_owned();
            serde_json::from_value::<Tool>(Value::Object(tool))
                .map_err(|e| format!("the server's tool {name:?} is not an MCP tool: {e}"))
        })
        .collect()
}

/// What a manifest's server entry says about how to reach it, as far as this machine can
/// know: its URL when it is plain text, its transport, and its headers that are plain text.
/// A token or header kept as a workspace secret cannot be read here: the reason says so.
pub fn of_fields(fields: &Map<String, Value>) -> Result<Target, String> {
    let url = match fields.get("url") {
        Some(Value::String(url)) => url.clone(),
        _ => return Err("its url is a workspace secret, which the CLI cannot read".into()),
    };
    if fields
        .get("secret_token")
        .is_some_and(|token| !token.is_null())
    {
        return Err(
            "its secret_token is a workspace secret, which the CLI cannot read: vet it with `tools list --url URL --token-env VAR`"
                .into(),
        );
    }
    let mut headers = Vec::new();
    if let Some(Value::Object(map)) = fields.get("request_headers") {
        for (name, value) in map {
            match value {
                Value::String(v) => headers.push((name.clone(), v.clone())),
                _ => {
                    return Err(format!(
                        "its request header `{name}` is a secret or a variable, which the CLI cannot resolve"
                    ));
                }
            }
        }
    }
    Ok(Target {
        url,
        transport: fields
            .get("transport")
            .and_then(Value::as_str)
            .map(str::to_owned),
        headers,
        token: None,
        deadline: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn routes_and_headers_split_at_the_first_equals() {
        assert_eq!(
            parse_route("https://a.example.com/mcp=http://127.0.0.1:1/mcp?x=1").expect("route"),
            (
                "https://a.example.com/mcp".into(),
                "http://127.0.0.1:1/mcp?x=1".into()
            )
        );
        assert!(parse_route("https://a.example.com/mcp").is_err());
        assert_eq!(
            parse_header("X-Team=a=b").expect("header"),
            ("X-Team".into(), "a=b".into())
        );
        assert!(parse_header("=x").is_err());
        let routes = vec![("https://a.example.com/mcp/".to_owned(), "t".to_owned())];
        assert_eq!(routed(&routes, "https://a.example.com/mcp"), Some("t"));
    }

    #[test]
    fn a_manifest_entry_is_probed_with_what_can_be_read_here() {
        let fields = json!({"url": "https://a.example.com/mcp", "transport": "STREAMABLE_HTTP",
                            "request_headers": {"X-Team": "docs"}});
        let target = of_fields(fields.as_object().expect("map")).expect("target");
        assert_eq!(target.transport.as_deref(), Some("STREAMABLE_HTTP"));
        assert_eq!(target.headers, [("X-Team".to_owned(), "docs".to_owned())]);
        let secret =
            json!({"url": "https://a.example.com/mcp", "secret_token": {"secret_id": "t"}});
        let why = of_fields(secret.as_object().expect("map")).expect_err("secret");
        assert!(why.contains("secret_token"), "{why}");
    }
}
