//! The JSON-RPC 2.0 messages of a listing, and picking a request's response out of what
//! the server sends.
//!
//! Messages are built and read as plain `serde_json` values rather than typed models: the
//! listing needs four fields of them, and a typed model would drop what it does not know
//! of the tools it carries.

use serde_json::{Map, Value, json};

use crate::error::{ListError, Problem, Step};
use crate::redact::Redactor;

/// A request, serialized.
pub(crate) fn request(id: u64, method: &str, params: Option<Value>) -> Vec<u8> {
    let mut message = json!({ "jsonrpc": "2.0", "id": id, "method": method });
    if let (Some(params), Some(object)) = (params, message.as_object_mut()) {
        object.insert("params".into(), params);
    }
    message.to_string().into_bytes()
}

/// A notification (no id, no answer), serialized.
pub(crate) fn notification(method: &str) -> Vec<u8> {
    json!({ "jsonrpc": "2.0", "method": method })
        .to_string()
        .into_bytes()
}

/// The `result` of the response to request `id` in `message`, if it holds one.
///
/// `message` may be one message or a batch. Requests and notifications from the server,
/// and responses to other ids, are not ours: `Ok(None)`. An error response is
/// [`Problem::RpcError`], also when its id is null (the server could not read our request
/// well enough to know its id; only one is ever in flight).
pub(crate) fn response_for(
    message: Value,
    id: u64,
    step: Step,
    redactor: &Redactor,
) -> Result<Option<Map<String, Value>>, ListError> {
    match message {
        Value::Array(batch) => {
            for message in batch {
                if let Some(result) = response_for(message, id, step, redactor)? {
                    return Ok(Some(result));
                }
            }
            Ok(None)
        }
        Value::Object(mut message) => {
            if message.contains_key("method") {
                return Ok(None); // a request or notification from the server
            }
            let error = message.remove("error");
            let ours = match message.get("id") {
                Some(Value::Number(n)) => n.as_u64() == Some(id),
                Some(Value::String(s)) => s.parse::<u64>().ok() == Some(id),
                Some(Value::Null) | None => error.is_some(),
                Some(_) => false,
            };
            if !ours {
                return Ok(None);
            }
            if let Some(error) = error {
                return Err(rpc_error(&error, step, redactor));
            }
            match message.remove("result") {
                Some(Value::Object(result)) => Ok(Some(result)),
                Some(_) => Err(ListError::malformed(
                    step,
                    "the response's result is not an object",
                )),
                None => Err(ListError::malformed(
                    step,
                    "the response has neither result nor error",
                )),
            }
        }
        _ => Err(ListError::malformed(
            step,
            "the message is neither an object nor a batch",
        )),
    }
}

fn rpc_error(error: &Value, step: Step, redactor: &Redactor) -> ListError {
    let code = error.get("code").and_then(Value::as_i64);
    let message = match error.get("message") {
        Some(Value::String(m)) => redactor.server_text(m),
        Some(other) => redactor.server_text(&other.to_string()),
        None => String::new(),
    };
    ListError::protocol(step, Problem::RpcError { code, message })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(message: Value) -> Result<Option<Map<String, Value>>, ListError> {
        response_for(message, 7, Step::Initialize, &Redactor::default())
    }

    #[test]
    fn finds_the_result_for_its_id() {
        let found = pick(json!({"jsonrpc":"2.0","id":7,"result":{"a":1}})).expect("ok");
        assert_eq!(found, json!({"a":1}).as_object().cloned());
        let in_batch = pick(json!([{"id":6,"result":{}}, {"id":"7","result":{"b":2}}]));
        assert_eq!(in_batch.expect("ok"), json!({"b":2}).as_object().cloned());
    }

    #[test]
    fn skips_what_is_not_ours() {
        for other in [
            json!({"jsonrpc":"2.0","method":"notifications/message","params":{}}),
            json!({"jsonrpc":"2.0","id":1,"method":"ping"}),
            json!({"jsonrpc":"2.0","id":8,"result":{}}),
            json!({"jsonrpc":"2.0","id":8,"error":{"code":1,"message":"x"}}),
        ] {
            assert_eq!(pick(other).expect("not an error"), None);
        }
    }

    #[test]
    fn error_objects_keep_code_and_message() {
        for id in [json!(7), Value::Null] {
            let err = pick(json!({"id": id, "error":{"code":-32601,"message":"Method not found"}}))
                .expect_err("rpc error");
            match err {
                ListError::Protocol {
                    problem: Problem::RpcError { code, message },
                    ..
                } => {
                    assert_eq!(code, Some(-32601));
                    assert_eq!(message, "Method not found");
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn malformed_responses_are_protocol_errors() {
        for bad in [
            json!({"id":7}),
            json!({"id":7,"result":[1]}),
            json!("text"),
            json!(3),
        ] {
            assert!(matches!(pick(bad), Err(ListError::Protocol { .. })));
        }
    }
}
