//! The emulator's `--tools` file, on any bytes.
//!
//! What must hold: no panic; every tools listing the emulator would serve from an accepted
//! file decodes in the client (the emulator never serves what the API could not send).

#![no_main]

use elevenlabs_mcp::{ToolList, decode};
use elevenlabs_mcp_emulator::fuzzing::read_tools;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(answers) = read_tools(bytes) {
        for (url, answer) in answers {
            let body = serde_json::to_vec(&answer).expect("an answer encodes");
            if let Err(e) = decode::<ToolList>(&body) {
                panic!("the tools of `{url}` were accepted but do not decode: {e}");
            }
        }
    }
});
