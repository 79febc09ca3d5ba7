//! The lock file that `tools audit` reads, on any bytes.
//!
//! What must hold: no panic; a lock that is read, written back as `tools pin` writes it,
//! reads back to the same text.

#![no_main]

use elevenlabs_mcp_cli::fuzzing::read_lock;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(written) = read_lock(bytes) {
        assert_eq!(
            read_lock(written.as_bytes()).as_ref(),
            Ok(&written),
            "a lock file written back reads differently"
        );
    }
});
