//! Reading the files the user names (a manifest, a lock file, a tools file) within a size
//! bound: each is untrusted input, and a path such as `/dev/zero` or a fifo that never ends
//! must be refused, not read until memory runs out.

use std::io::Read;
use std::path::Path;

/// The largest manifest read: a 2,000-server manifest is well under a megabyte.
pub const MANIFEST_LIMIT: u64 = 16 * 1024 * 1024;

/// The largest lock file or tools file read.
pub const DATA_FILE_LIMIT: u64 = 64 * 1024 * 1024;

/// Reads `path` whole if it holds at most `limit` bytes.
///
/// # Errors
///
/// The file cannot be read, or it is larger than `limit` (`ErrorKind::FileTooLarge`, with
/// a message naming the limit).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, std::io::Error> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    // One byte more than allowed tells "exactly at the limit" from "over it".
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("larger than the limit of {limit} bytes; nothing was read"),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_past_the_limit_is_refused_and_one_at_it_is_read() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345").expect("write");
        assert_eq!(read_bounded(&path, 5).expect("at the limit"), b"12345");
        let err = read_bounded(&path, 4).expect_err("over");
        assert!(err.to_string().contains("limit of 4 bytes"), "{err}");
    }

    #[test]
    fn an_endless_file_is_refused() {
        let err = read_bounded(Path::new("/dev/zero"), 1024).expect_err("endless");
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
    }
}
