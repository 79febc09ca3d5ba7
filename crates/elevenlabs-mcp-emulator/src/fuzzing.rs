//! The emulator's file readers, opened to the fuzz targets in `fuzz/`. Built only with
//! `--cfg fuzzing` (cargo-fuzz sets it).

use serde_json::Value;

/// The servers (by id, in order) and id counter of a `--state` file's bytes.
///
/// # Errors
///
/// They are not a state file: which line, and why.
pub fn read_state(bytes: &[u8]) -> Result<(Vec<(String, Value)>, u64), String> {
    crate::store::parse(bytes).map(|(servers, next_id)| (servers.into_iter().collect(), next_id))
}

/// The bytes the emulator compacts a state file to.
pub fn compacted(servers: &[(String, Value)], next_id: u64) -> Vec<u8> {
    crate::store::compacted(&servers.iter().cloned().collect(), next_id)
}

/// The tools a `--tools` file gives each URL, as the emulator would serve them: the body of
/// the tools listing of a server registered there.
///
/// # Errors
///
/// The file is refused: the message.
pub fn read_tools(text: &[u8]) -> Result<Vec<(String, Value)>, String> {
    let fixtures = crate::Emulator::builder().tools_json(text)?.tools;
    let mut out: Vec<(String, Value)> = fixtures
        .urls()
        .map(|url| {
            (
                url.to_owned(),
                crate::api::tools_answer(fixtures.for_url(&url.into())),
            )
        })
        .collect();
    out.push((
        "*".to_owned(),
        crate::api::tools_answer(fixtures.for_url(&Value::Null)),
    ));
    Ok(out)
}
