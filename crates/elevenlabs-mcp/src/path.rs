//! Path segments built from caller input (server ids, tool names).
//!
//! An id is placed into a URL path, so a hostile or careless value could address another
//! route: `..` climbs a level once the URL is normalised, `a/b` adds one, `?x` starts a
//! query. Every segment is therefore percent-encoded (everything but RFC 3986's unreserved
//! characters), and the values that stay special after encoding — empty, `.` and `..` — are
//! refused before any request is made.

use elevenlabs_mcp_raw::operations::Operation;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Error;

/// Everything except `A–Z a–z 0–9 - . _ ~` is encoded. `%` is encoded too, so `%2e%2e`
/// arrives as the literal text it is rather than as a dot segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Checks `value` as a path segment and returns it percent-encoded.
///
/// `field` names the argument in the error (`mcp_server_id`, `tool_name`).
///
/// # Errors
///
/// [`Error::InvalidInput`] when `value` is empty, `.` or `..`.
pub(crate) fn segment(field: &str, value: &str) -> Result<String, Error> {
    let problem = match value {
        "" => Some("must not be empty"),
        "." | ".." => Some("must not be `.` or `..`, which would address a different route"),
        _ => None,
    };
    if let Some(reason) = problem {
        return Err(Error::invalid_input(field, reason));
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

/// The path of `operation` with its path parameters filled in from `args`, in the order
/// the operation table lists them, each checked and encoded by [`segment`].
///
/// # Errors
///
/// [`Error::InvalidInput`] naming the parameter whose value is refused, or when `args` do
/// not match the operation's parameters (a bug in the caller, reported rather than
/// panicking).
pub(crate) fn expand(operation: Operation, args: &[&str]) -> Result<String, Error> {
    let names = operation.path_params();
    if names.len() != args.len() {
        return Err(Error::invalid_input(
            "path",
            format!(
                "{operation} takes {} path parameter(s), {} given",
                names.len(),
                args.len()
            ),
        ));
    }
    let mut path = operation.path_template().to_owned();
    for (name, value) in names.iter().zip(args) {
        let encoded = segment(name, value)?;
        path = path.replacen(&format!("{{{name}}}"), &encoded, 1);
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_every_operation_from_the_table() {
        for op in Operation::ALL {
            let args: Vec<&str> = op.path_params().iter().map(|_| "a b").collect();
            let path = expand(op, &args).expect("expands");
            assert!(!path.contains('{'), "{op}: {path}");
            assert_eq!(path.matches("a%20b").count(), args.len(), "{op}: {path}");
        }
        let wrong = expand(Operation::McpServersGet, &[]).expect_err("missing id");
        assert!(wrong.is_invalid_input());
        let dots = expand(Operation::McpServersToolConfigsGet, &["s", ".."]).expect_err("..");
        assert!(dots.to_string().contains("tool_name"), "{dots}");
    }

    #[test]
    fn refuses_values_that_change_the_route() {
        for bad in ["", ".", ".."] {
            let err = segment("tool_name", bad).expect_err(bad);
            assert!(err.to_string().contains("tool_name"), "{err}");
            assert!(err.is_invalid_input());
        }
    }

    #[test]
    fn encodes_everything_that_is_not_unreserved() {
        assert_eq!(
            segment("id", "abc-DEF_1.2~x").as_deref().ok(),
            Some("abc-DEF_1.2~x")
        );
        assert_eq!(segment("id", "a/b").as_deref().ok(), Some("a%2Fb"));
        assert_eq!(segment("id", "../x").as_deref().ok(), Some("..%2Fx"));
        assert_eq!(segment("id", "%2e%2e").as_deref().ok(), Some("%252e%252e"));
        assert_eq!(
            segment("id", "q?x=1#f").as_deref().ok(),
            Some("q%3Fx%3D1%23f")
        );
        assert_eq!(segment("id", "a b\\c").as_deref().ok(), Some("a%20b%5Cc"));
        assert_eq!(segment("id", "é").as_deref().ok(), Some("%C3%A9"));
        assert_eq!(segment("id", "...").as_deref().ok(), Some("..."));
    }
}
