//! Checks on what we send. A body that the service would refuse, or that would do
//! something other than the caller meant, is refused here with the field named, before any
//! request is made.

use crate::errors::Error;
use crate::types::{
    McpServerConfig, SecretLocator, ServerUrl, ToolApproval, ToolApprovalHash, ToolConfigOverride,
};
use crate::update::{McpServerUpdate, Patch, ToolConfigOverrideUpdate};

/// The service's bounds for `response_timeout_secs`, in seconds.
pub const RESPONSE_TIMEOUT_SECS: std::ops::RangeInclusive<i64> = 5..=300;

fn non_blank(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        Err(Error::invalid_input(field, "must not be empty"))
    } else {
        Ok(())
    }
}

fn timeout(field: &'static str, secs: Option<i64>) -> Result<(), Error> {
    match secs {
        Some(s) if !RESPONSE_TIMEOUT_SECS.contains(&s) => Err(Error::invalid_input(
            field,
            format!(
                "must be between {} and {} seconds, not {s}",
                RESPONSE_TIMEOUT_SECS.start(),
                RESPONSE_TIMEOUT_SECS.end()
            ),
        )),
        _ => Ok(()),
    }
}

fn secret(field: &'static str, locator: &SecretLocator) -> Result<(), Error> {
    non_blank(field, &locator.secret_id)
}

/// The server's URL: `https://` with a host, or a workspace secret that holds it.
fn server_url(url: &ServerUrl) -> Result<(), Error> {
    const FIELD: &str = "config.url";
    match url {
        ServerUrl::String(raw) => {
            non_blank(FIELD, raw)?;
            let parsed = url::Url::parse(raw.trim())
                .map_err(|e| Error::invalid_input(FIELD, format!("`{raw}` is not a URL: {e}")))?;
            if parsed.scheme() != "https" {
                return Err(Error::invalid_input(
                    FIELD,
                    format!("must start with `https://`, not `{}://`", parsed.scheme()),
                ));
            }
            if parsed.host_str().is_none_or(str::is_empty) {
                return Err(Error::invalid_input(FIELD, "has no host"));
            }
            Ok(())
        }
        ServerUrl::SecretLocator(locator) => secret("config.url.secret_id", locator),
        // A shape this version does not know, built on purpose by the caller: theirs to vouch for.
        ServerUrl::Unknown(_) => Ok(()),
    }
}

fn approval_hash(hash: &ToolApprovalHash) -> Result<(), Error> {
    non_blank("config.tool_approval_hashes.tool_name", &hash.tool_name)
}

/// A server configuration for `create`.
pub(crate) fn server_config(config: &McpServerConfig) -> Result<(), Error> {
    non_blank("config.name", &config.name)?;
    server_url(&config.url)?;
    timeout("config.response_timeout_secs", config.response_timeout_secs)?;
    for hash in config.tool_approval_hashes.iter().flatten() {
        approval_hash(hash)?;
    }
    for o in config.tool_config_overrides.iter().flatten() {
        non_blank("config.tool_config_overrides.tool_name", &o.tool_name)?;
        timeout(
            "config.tool_config_overrides.response_timeout_secs",
            o.response_timeout_secs,
        )?;
    }
    if let Some(headers) = &config.request_headers {
        for name in headers.keys() {
            non_blank("config.request_headers", name)?;
        }
    }
    Ok(())
}

/// A server update.
pub(crate) fn server_update(update: &McpServerUpdate) -> Result<(), Error> {
    timeout(
        "response_timeout_secs",
        update.response_timeout_secs.as_set().copied(),
    )?;
    if let Patch::Set(locator) = &update.secret_token {
        secret("secret_token.secret_id", locator)?;
    }
    if let Patch::Set(headers) = &update.request_headers {
        for name in headers.keys() {
            non_blank("request_headers", name)?;
        }
    }
    Ok(())
}

/// A tool approval.
pub(crate) fn tool_approval(approval: &ToolApproval) -> Result<(), Error> {
    non_blank("tool_name", &approval.tool_name)
}

/// A tool override for `create`.
pub(crate) fn tool_config(config: &ToolConfigOverride) -> Result<(), Error> {
    non_blank("tool_name", &config.tool_name)?;
    timeout("response_timeout_secs", config.response_timeout_secs)
}

/// A tool override update.
pub(crate) fn tool_config_update(update: &ToolConfigOverrideUpdate) -> Result<(), Error> {
    timeout(
        "response_timeout_secs",
        update.response_timeout_secs.as_set().copied(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(result: Result<(), Error>) -> &'static str {
        match result {
            Err(Error::InvalidInput { field, .. }) => field,
            other => panic!("expected invalid input, got {other:?}"),
        }
    }

    #[test]
    fn server_configs_are_checked_field_by_field() {
        let ok = McpServerConfig::new("Docs", "https://mcp.example.com/sse");
        assert!(server_config(&ok).is_ok());
        let cases = [
            (
                McpServerConfig::new(" ", "https://x.example"),
                "config.name",
            ),
            (McpServerConfig::new("n", ""), "config.url"),
            (
                McpServerConfig::new("n", "http://mcp.example.com"),
                "config.url",
            ),
            (McpServerConfig::new("n", "mcp.example.com"), "config.url"),
            (
                McpServerConfig::new("n", "wss://mcp.example.com"),
                "config.url",
            ),
            (
                McpServerConfig::new("n", "https://x.example").response_timeout_secs(4),
                "config.response_timeout_secs",
            ),
            (
                McpServerConfig::new("n", "https://x.example").response_timeout_secs(301),
                "config.response_timeout_secs",
            ),
            (
                McpServerConfig::new(
                    "n",
                    SecretLocator {
                        secret_id: String::new(),
                    },
                ),
                "config.url.secret_id",
            ),
            (
                McpServerConfig::new("n", "https://x.example")
                    .tool_config_overrides(vec![ToolConfigOverride::new("")]),
                "config.tool_config_overrides.tool_name",
            ),
        ];
        for (config, expected) in cases {
            assert_eq!(field(server_config(&config)), expected, "{config:?}");
        }
        for edge in [5, 300] {
            let c = McpServerConfig::new("n", "https://x.example").response_timeout_secs(edge);
            assert!(server_config(&c).is_ok(), "{edge}");
        }
    }

    #[test]
    fn tool_bodies_and_updates_are_checked() {
        assert_eq!(
            field(tool_approval(&ToolApproval::new("", "d"))),
            "tool_name"
        );
        assert_eq!(
            field(tool_config(&ToolConfigOverride::new("  "))),
            "tool_name"
        );
        assert_eq!(
            field(tool_config(
                &ToolConfigOverride::new("t").response_timeout_secs(0)
            )),
            "response_timeout_secs"
        );
        assert_eq!(
            field(server_update(
                &McpServerUpdate::new().response_timeout_secs(1000)
            )),
            "response_timeout_secs"
        );
        assert_eq!(
            field(tool_config_update(
                &ToolConfigOverrideUpdate::new().response_timeout_secs(-1)
            )),
            "response_timeout_secs"
        );
        // Clearing is always allowed.
        assert!(server_update(&McpServerUpdate::new().clear_response_timeout_secs()).is_ok());
    }
}
