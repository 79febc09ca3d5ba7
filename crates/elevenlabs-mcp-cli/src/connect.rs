//! The connection: the key from the environment (never from the command line), the host
//! from `--host` or `--base-url` / `ELEVENLABS_BASE_URL`. The variables, the hosts and the
//! loopback rule are the SDK's.

use elevenlabs_mcp::{
    API_KEY_FALLBACK_VAR, API_KEY_VAR, ApiKey, BASE_URL_VAR, Client, Environment, is_loopback_http,
};

/// The key used against a local emulator when none is set: the emulator takes any key.
const EMULATOR_KEY: &str = "local-emulator";

/// Retries of a call refused for being over the workspace's limit, or failed in a way that
/// cannot have applied. Many more than the SDK's default: runs that overlap (two CI jobs)
/// share the workspace's limit, each keeping as many calls in flight as the limit allows, so
/// a call is refused (429, which the service did not carry out) until one of the other
/// run's calls ends. The SDK's 60 s budget of waiting still bounds the whole.
const RETRIES: u32 = 40;

/// A client for the chosen host.
///
/// # Errors
///
/// No key is set (the message says how to set one, or how to try everything against a
/// local emulator), or the base URL is refused.
pub fn client(host: Option<Environment>, base_url: Option<&str>) -> Result<Client, String> {
    let base_url = base_url.map(str::to_owned).or_else(|| {
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
    let mut builder = Client::builder().api_key(key).max_retries(RETRIES);
    if let Some(host) = host {
        builder = builder.environment(host);
    }
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    builder.build().map_err(|e| e.to_string())
}
