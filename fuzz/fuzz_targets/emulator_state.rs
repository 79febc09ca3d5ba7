//! The emulator's `--state` file, on any bytes.
//!
//! What must hold: no panic; a state that is read, compacted as the emulator compacts it,
//! reads back to the same servers, in the same order, with the same id counter.

#![no_main]

use elevenlabs_mcp_emulator::fuzzing::{compacted, read_state};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    match read_state(bytes) {
        Ok((servers, next_id)) => {
            let again = read_state(&compacted(&servers, next_id));
            assert_eq!(
                again,
                Ok((servers, next_id)),
                "compaction changed the workspace"
            );
        }
        Err(message) => assert!(message.starts_with("line "), "{message}"),
    }
});
