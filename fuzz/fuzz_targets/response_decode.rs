//! The decode the client runs on every answer, on any bytes: the streamed decode and the
//! liberal one behind it, and the error parsing of a refused call.
//!
//! What must hold: no panic; where the streamed decode accepts a body, the liberal decode
//! gives the same value; a decoded answer re-encodes to JSON that decodes to what it kept;
//! a body that does not decode fails with a decode error naming a JSON path.

#![no_main]

use std::time::SystemTime;

use elevenlabs_mcp::reqwest::StatusCode;
use elevenlabs_mcp::reqwest::header::HeaderMap;
use elevenlabs_mcp::{
    ApiError, Error, McpServer, McpServerList, ToolConfigOverride, ToolList, decode,
};
use libfuzzer_sys::fuzz_target;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn check<T: DeserializeOwned + Serialize>(body: &[u8]) {
    if let Ok(text) = std::str::from_utf8(body)
        && let Some(streamed) = elevenlabs_mcp::raw::stream::from_str::<T>(text)
    {
        let liberal: T = serde_json::from_str(text)
            .expect("the liberal decode takes what the streamed one took");
        assert_eq!(
            serde_json::to_value(&streamed).ok(),
            serde_json::to_value(&liberal).ok(),
            "the two decodes disagree"
        );
    }
    match decode::<T>(body) {
        Ok(value) => {
            let encoded = serde_json::to_vec(&value).expect("a decoded answer encodes");
            let again: T = decode(&encoded).expect("a decoded answer, encoded, decodes");
            assert_eq!(
                serde_json::to_value(&value).ok(),
                serde_json::to_value(&again).ok(),
                "the answer changed on its way through JSON"
            );
        }
        Err(Error::Decode(e)) => assert!(!e.path.is_empty(), "a decode error names its path"),
        Err(other) => panic!("decode failed with something other than a decode error: {other}"),
    }
}

fuzz_target!(|body: &[u8]| {
    check::<McpServerList>(body);
    check::<McpServer>(body);
    check::<ToolList>(body);
    check::<ToolConfigOverride>(body);
    for status in [400u16, 404, 422, 429, 503] {
        let status = StatusCode::from_u16(status).expect("a status");
        let error = ApiError::from_parts(status, &HeaderMap::new(), body, SystemTime::now());
        let _ = error.to_string();
        for issue in error.validation_errors() {
            let _ = elevenlabs_mcp::location(issue);
        }
    }
});
