//! The connection: the key from the environment (never from the command line), the host
//! from `--host` or `--base-url` / `ELEVENLABS_BASE_URL`. The variables, the hosts and the
//! loopback rule are the SDK's.

use std::time::Duration;

use elevenlabs_mcp::{
    API_KEY_FALLBACK_VAR, API_KEY_VAR, ApiKey, BASE_URL_VAR, Client, RetryPolicy, is_loopback_http,
};

use crate::cli::Globals;

/// The key used against a local emulator when none is set: the emulator takes any key.
const EMULATOR_KEY: &str = "local-emulator";

/// Retries of a call that failed in a way that can be retried (a connection not made, a
/// 5xx on a call that may be repeated, `system_busy`). Refusals for the workspace's shared
/// limit are not counted here: they are waited out within `--limit-wait`, because runs
/// that overlap (two CI jobs, production traffic) share that limit, and a command behind
/// them should take longer, not fail.
const RETRIES: u32 = 4;

/// A client for the host the global flags choose, paced as they say.
///
/// # Errors
///
/// No key is set (the message says how to set one, or how to try everything against a
/// local emulator), or the base URL is refused.
pub fn client(globals: &Globals) -> Result<Client, String> {
    let host = globals.environment();
    let base_url = globals.base_url.clone().or_else(|| {
        std::env::var(BASE_URL_VAR)
            .ok()
            .filter(|u| !u.trim().is_empty())
    });
    if let Some(url) = &base_url
        && !url.contains("://")
    {
        return Err(format!(
            "--base-url {url:?} has no scheme: write it as http://{url} (a local emulator) or https://{url}"
        ));
    }
    let local = base_url.as_deref().is_some_and(is_loopback_http);
    let key = match ApiKey::from_env() {
        Some(key) => key,
        // Trying things against the emulator needs no account.
        None if local => ApiKey::new(EMULATOR_KEY),
        None => {
            return Err(format!(
                "no API key: set {API_KEY_VAR} (or {API_KEY_FALLBACK_VAR}) to your ElevenLabs API key; \
                 the key is never taken from the command line.\n\
                 To try every command without an account, run `elevenlabs-mcp emulator` in another \
                 terminal and pass the --base-url it prints (no key needed there)."
            ));
        }
    };
    let mut builder = Client::builder().api_key(key).retry_policy(
        RetryPolicy::default()
            .max_retries(RETRIES)
            .max_limit_wait(Duration::from_secs(globals.limit_wait)),
    );
    if let Some(n) = globals.max_concurrency {
        builder = builder.max_concurrency(Some(usize::from(n)));
    }
    if let Some(host) = host {
        builder = builder.environment(host);
    }
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    builder.build().map_err(|e| e.to_string())
}
