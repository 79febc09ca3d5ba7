//! The connection: the key from the environment (never from the command line), the host
//! from `--environment` or `--base-url` / `ELEVENLABS_BASE_URL`.

use elevenlabs_mcp::{API_KEY_FALLBACK_VAR, API_KEY_VAR, BASE_URL_VAR, Client, Environment};

/// The key used against a local emulator when none is set: the emulator takes any key.
const EMULATOR_KEY: &str = "local-emulator";

/// A client for the chosen host.
///
/// # Errors
///
/// No key is set (the message says how to set one, or how to try everything against a
/// local emulator), or the base URL is refused.
pub fn client(environment: Option<Environment>, base_url: Option<&str>) -> Result<Client, String> {
    let key = std::env::var(API_KEY_VAR)
        .ok()
        .or_else(|| std::env::var(API_KEY_FALLBACK_VAR).ok())
        .filter(|k| !k.trim().is_empty());
    let base_url = base_url.map(str::to_owned).or_else(|| {
        std::env::var(BASE_URL_VAR)
            .ok()
            .filter(|u| !u.trim().is_empty())
    });
    let local = base_url.as_deref().is_some_and(is_loopback);
    let key = match key {
        Some(key) => key,
        // Trying things against the emulator needs no account.
        None if local => EMULATOR_KEY.to_owned(),
        None => {
            return Err(format!(
                "no API key: set {API_KEY_VAR} (or {API_KEY_FALLBACK_VAR}) to your ElevenLabs API key; \
                 the key is never taken from the command line.\n\
                 To try every command without an account, run `elevenlabs-mcp emulator` in another \
                 terminal and pass the --base-url it prints (no key needed there)."
            ));
        }
    };
    let mut builder = Client::builder().api_key(key);
    if let Some(environment) = environment {
        builder = builder.environment(environment);
    }
    if let Some(url) = base_url {
        builder = builder.base_url(url);
    }
    builder.build().map_err(|e| e.to_string())
}

fn is_loopback(url: &str) -> bool {
    let rest = url.trim().strip_prefix("http://").unwrap_or("");
    ["127.0.0.1", "localhost", "[::1]"].iter().any(|h| {
        rest.starts_with(h) && matches!(rest[h.len()..].chars().next(), None | Some(':' | '/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("http://127.0.0.1:8787"));
        assert!(is_loopback("http://localhost/"));
        assert!(!is_loopback("http://127.0.0.1.evil.example"));
        assert!(!is_loopback("https://api.elevenlabs.io"));
    }
}
