//! Listing a registered server's tools by connecting to it, as the service does: over the
//! server's transport, with its `secret_token` as the Authorization header and its
//! `request_headers`, answering `{success, tools, error_message}`; a server that cannot be
//! listed is `success: false` with the reason, never an HTTP error.
//!
//! Which servers are connected to: a server whose registered URL has a route (`--route
//! URL=TARGET`, the registered https address sent to a local one) is always; a server with
//! canned tools of its own URL (`--tools`) answers those; any other server is connected to
//! directly only with `--connect`, and answers the canned fallback otherwise, so that tests
//! stay hermetic unless they ask.

use std::collections::BTreeMap;
use std::time::Duration;

use mcp_tools_client::{Listing, Transport};
use serde_json::{Value, json};

/// Where the emulator's listings go, and the workspace secrets they may need.
#[derive(Debug, Clone, Default)]
pub struct Connections {
    /// Registered URL (without a trailing slash) → where it is reached.
    routes: BTreeMap<String, String>,
    /// Workspace secrets by id, for `{secret_id}` values.
    secrets: BTreeMap<String, String>,
    /// Connect to servers without a route.
    direct: bool,
    /// The deadline of one listing (the client's default when `None`).
    deadline: Option<Duration>,
}

/// How one server's tools are found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// Through the route to this address.
    Routed(String),
    /// At the registered address itself.
    Direct,
    /// From the canned tools.
    Canned,
}

fn key(url: &str) -> &str {
    url.trim_end_matches('/')
}

impl Connections {
    /// Sends the listing of servers registered at `url` to `target`.
    pub fn route(&mut self, url: impl Into<String>, target: impl Into<String>) {
        let url = url.into();
        self.routes.insert(key(&url).to_owned(), target.into());
    }

    /// A workspace secret that `{secret_id: id}` values resolve to.
    pub fn secret(&mut self, id: impl Into<String>, value: impl Into<String>) {
        self.secrets.insert(id.into(), value.into());
    }

    /// Whether servers without a route are connected to directly.
    pub fn connect_directly(&mut self, yes: bool) {
        self.direct = yes;
    }

    /// The deadline of one listing.
    pub fn deadline(&mut self, deadline: Duration) {
        self.deadline = Some(deadline);
    }

    /// How the tools of a server registered with `config` are found; `canned` says whether
    /// canned tools were given for its URL itself.
    pub(crate) fn source(&self, config: &Value, canned: bool) -> Source {
        let url = self.url(config).ok();
        if let Some(target) = url.as_deref().and_then(|u| self.routes.get(key(u))) {
            return Source::Routed(target.clone());
        }
        if canned || !self.direct {
            Source::Canned
        } else {
            Source::Direct
        }
    }

    /// The `ToolList` answer for the server registered with `config`, found at `source`.
    pub(crate) async fn list(&self, config: &Value, source: Source) -> Value {
        match self.listing(config, source) {
            Ok(listing) => match listing.list_tools().await {
                Ok(listed) => {
                    json!({"success": true, "tools": listed.tools, "error_message": null})
                }
                Err(e) => failed(format!("could not list the server's tools: {e}")),
            },
            Err(e) => failed(e),
        }
    }

    /// The listing of one server: its URL, transport, token and headers resolved.
    fn listing(&self, config: &Value, source: Source) -> Result<Listing, String> {
        let url = self.url(config)?;
        let transport = match config.get("transport").and_then(Value::as_str) {
            None => Transport::default(),
            Some(name) => name
                .parse()
                .map_err(|_| format!("the server's transport `{name}` is not one the emulator speaks (SSE, STREAMABLE_HTTP)"))?,
        };
        let mut listing = Listing::new(url).transport(transport);
        if let Source::Routed(target) = source {
            listing = listing.connect_to(target);
        }
        if let Some(deadline) = self.deadline {
            listing = listing.deadline(deadline);
        }
        match config.get("secret_token") {
            None | Some(Value::Null) => {}
            Some(token) => {
                let token = self
                    .resolve(token)
                    .map_err(|why| format!("the server's secret_token {why}"))?;
                listing = listing.bearer_token(token);
            }
        }
        if let Some(Value::Object(headers)) = config.get("request_headers") {
            for (name, value) in headers {
                let value = self
                    .resolve(value)
                    .map_err(|why| format!("request header `{name}` {why}"))?;
                listing = listing.header(name.clone(), value);
            }
        }
        listing.validate().map_err(|e| e.to_string())?;
        Ok(listing)
    }

    fn url(&self, config: &Value) -> Result<String, String> {
        match config.get("url") {
            Some(Value::String(url)) => Ok(url.clone()),
            Some(other) => self
                .resolve(other)
                .map_err(|why| format!("the server's url {why}")),
            None => Err("the server has no url".into()),
        }
    }

    /// A value as it is sent: a string as it is, a secret from the workspace's secrets; a
    /// dynamic or environment variable exists only in a conversation, so it cannot be.
    fn resolve(&self, value: &Value) -> Result<String, String> {
        let secret = |id: &str| {
            self.secrets.get(id).cloned().ok_or(format!(
                "is the workspace secret `{id}`, which the emulator was not given (start it with --secret {id}=VALUE)"
            ))
        };
        match value {
            Value::String(s) => Ok(s.clone()),
            Value::Object(o) => {
                if let Some(id) = o.get("secret_id").and_then(Value::as_str) {
                    secret(id)
                } else if let Some(name) = o.get("variable_name").and_then(Value::as_str) {
                    Err(format!(
                        "is the dynamic variable `{name}`, which only a conversation gives a value; the listing cannot resolve it"
                    ))
                } else if let Some(label) = o.get("env_var_label").and_then(Value::as_str) {
                    Err(format!(
                        "is the environment variable `{label}`, which the emulator does not have"
                    ))
                } else if let Some(id) = o.get("id").and_then(Value::as_str) {
                    // A secret stored in place: the emulator cannot decrypt it, but it may
                    // have been given its value by id.
                    secret(id)
                } else {
                    Err("is a value the emulator cannot resolve".into())
                }
            }
            _ => Err("is a value the emulator cannot resolve".into()),
        }
    }
}

fn failed(reason: String) -> Value {
    json!({"success": false, "tools": [], "error_message": reason})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_win_then_canned_then_direct() {
        let mut c = Connections::default();
        c.route("https://mcp.example.com/mcp/", "http://127.0.0.1:9/mcp");
        let routed = json!({"url": "https://mcp.example.com/mcp"});
        let other = json!({"url": "https://other.example.com/mcp"});
        assert_eq!(
            c.source(&routed, true),
            Source::Routed("http://127.0.0.1:9/mcp".into())
        );
        assert_eq!(c.source(&other, false), Source::Canned);
        c.connect_directly(true);
        assert_eq!(c.source(&other, false), Source::Direct);
        assert_eq!(c.source(&other, true), Source::Canned);
    }

    #[test]
    fn values_resolve_or_name_what_is_missing() {
        let mut c = Connections::default();
        c.secret("tok", "s3cret");
        let config = json!({
            "url": "https://mcp.example.com/mcp",
            "secret_token": {"secret_id": "tok"},
            "request_headers": {"X-Team": "voice"}
        });
        assert!(c.listing(&config, Source::Direct).is_ok());
        for (value, says) in [
            (json!({"secret_id": "nope"}), "--secret nope=VALUE"),
            (
                json!({"variable_name": "user_id"}),
                "dynamic variable `user_id`",
            ),
            (
                json!({"env_var_label": "REGION"}),
                "environment variable `REGION`",
            ),
        ] {
            let config = json!({
                "url": "https://mcp.example.com/mcp",
                "request_headers": {"X-Who": value}
            });
            let e = c
                .listing(&config, Source::Direct)
                .expect_err("unresolvable");
            assert!(
                e.contains("request header `X-Who`") && e.contains(says),
                "{e}"
            );
        }
    }
}
