//! From the operation table to clap, and from clap back to a request.

use clap::{Arg, ArgAction, ArgMatches};
use elevenlabs_mcp::{Client, McpServer, Operation};
use serde_json::{Map, Value};

use super::{Place, Request, Runner, place};
use crate::error::CliError;
use crate::manifest::schema;

/// The flag of `servers create` that allows a name the workspace already has.
pub const ALLOW_DUPLICATE_NAME: &str = "allow-duplicate-name";

/// What a parameter is called on the command line and what its help says. The names are
/// the spec's; the words are ours. A parameter this table does not know still gets an
/// argument, named after it.
fn parameter(name: &str) -> (String, String) {
    match name {
        "mcp_server_id" => (
            "SERVER".into(),
            "The server (`mcp_server_id`): its id, or its exact name.".into(),
        ),
        "tool_name" => (
            "TOOL".into(),
            "The tool's name (`tool_name`), as the server lists it.".into(),
        ),
        "environment" => (
            "ENVIRONMENT".into(),
            "The agent environment whose variables resolve the server's URL and headers (the `environment` query parameter; the service's default when absent).".into(),
        ),
        other => (other.to_uppercase(), format!("`{other}`, as the API names it.")),
    }
}

/// What the command groups are for.
fn group_about(group: &str) -> &'static str {
    match group {
        "servers" => "The workspace's MCP servers",
        "tool-configs" => "Per-tool overrides of a server's settings",
        "approvals" => "Approvals of single tools",
        "tools" => "The tools a server exposes, and the drift audit",
        _ => "Operations of the API",
    }
}

/// One field of a body, as the spec describes it.
#[derive(Debug, Clone)]
struct Field {
    name: String,
    required: bool,
    /// A string, number or boolean (an object or array is only given with `--set`).
    scalar: bool,
    /// `string`, `integer (5 to 300)`, `one of: a, b`, …
    kind: String,
    values: Vec<String>,
    description: String,
}

/// A body type's fields; a body that only wraps one object (`{"config": {…}}`) is edited
/// by that object's fields.
#[derive(Debug)]
struct Shape {
    root: Value,
    /// The object whose fields are set, within `root`.
    object: Value,
    wrap: Option<String>,
    fields: Vec<Field>,
}

fn kind(root: &Value, schema: &Value) -> (String, Vec<String>, bool) {
    let schema = schema::resolve(root, schema);
    if schema["enum"].is_array() {
        let values = schema::strings(&schema["enum"]);
        return (format!("one of: {}", values.join(", ")), values, true);
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("any")
            .to_owned(),
        _ if schema.get("oneOf").is_some() || schema.get("anyOf").is_some() => "object".into(),
        _ => "any".into(),
    };
    // One value on the command line: anything but a list or a record of named fields (a
    // union such as "a URL, or a stored secret" is given as its simplest form).
    let record = schema["properties"].is_object() || schema["additionalProperties"].is_object();
    let scalar = ty != "array" && !(ty == "object" && record);
    let bounds = match (schema.get("minimum"), schema.get("maximum")) {
        (Some(lo), Some(hi)) => format!(" ({lo} to {hi})"),
        _ => String::new(),
    };
    (format!("{ty}{bounds}"), Vec::new(), scalar)
}

impl Shape {
    fn of(root: Value) -> Self {
        let top = schema::resolve(&root, &root).clone();
        let props = top["properties"].as_object().cloned().unwrap_or_default();
        let required = schema::strings(&top["required"]);
        let (object, wrap) = match props.iter().next() {
            Some((only, schema)) if props.len() == 1 && required.contains(only) => {
                let inner = schema::resolve(&root, schema).clone();
                if inner["properties"].is_object() {
                    (inner, Some(only.clone()))
                } else {
                    (top.clone(), None)
                }
            }
            _ => (top.clone(), None),
        };
        let required = schema::strings(&object["required"]);
        let fields = object["properties"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, schema)| {
                let (kind, values, scalar) = kind(&root, schema);
                let description = schema["description"]
                    .as_str()
                    .or_else(|| schema::resolve(&root, schema)["description"].as_str())
                    .unwrap_or_default()
                    .to_owned();
                Field {
                    name: name.clone(),
                    required: required.contains(name),
                    scalar,
                    kind,
                    values,
                    description,
                }
            })
            .collect();
        Self {
            root,
            object,
            wrap,
            fields,
        }
    }

    /// The required scalar fields, given as positional arguments (not `path` ones).
    fn positional(&self, path: &[&str]) -> Vec<&Field> {
        self.fields
            .iter()
            .filter(|f| f.required && f.scalar && !path.contains(&f.name.as_str()))
            .collect()
    }

    /// What `--help` lists under the command: every field, its type and values.
    fn listing(&self, type_name: &str, positional: &[&Field]) -> String {
        let width = self.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
        let mut out =
            format!("Fields of the body ({type_name}), for --set FIELD=VALUE (values as YAML):\n");
        for f in &self.fields {
            if positional.iter().any(|p| p.name == f.name) {
                continue;
            }
            let mut line = format!("  {:width$}  {}", f.name, f.kind);
            if !f.description.is_empty() {
                line.push_str(&format!(". {}", f.description.trim_end_matches('.')));
            }
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    /// An example `--set` from the body's own first optional scalar field.
    fn example(&self, positional: &[&Field]) -> Option<String> {
        let field = self
            .fields
            .iter()
            .find(|f| f.scalar && !positional.iter().any(|p| p.name == f.name))?;
        let value = match (field.values.first(), field.kind.as_str()) {
            (Some(v), _) => v.clone(),
            (None, k) if k.starts_with("integer") || k.starts_with("number") => {
                let schema = schema::resolve(&self.root, &self.object["properties"][&field.name]);
                schema["minimum"]
                    .as_i64()
                    .map_or_else(|| "1".to_owned(), |m| m.to_string())
            }
            (None, "boolean") => "true".into(),
            _ => "…".into(),
        };
        Some(format!("--set {}={value}", field.name))
    }
}

fn positional_help(field: &Field) -> String {
    let mut help = format!("body field `{}`", field.name);
    if !field.description.is_empty() {
        help = format!("{} ({help})", field.description.trim_end_matches('.'));
    }
    if !field.values.is_empty() {
        help.push_str(&format!(". One of: {}", field.values.join(", ")));
    }
    help
}

/// The command of one derived operation.
fn command(operation: Operation, place: &Place, body: Option<fn() -> Value>) -> clap::Command {
    let mut cmd = clap::Command::new(place.verb)
        .about(place.about)
        .long_about(format!(
            "{}\n\nThe API's `{}`: {} {}",
            place.about,
            operation.id(),
            operation.method(),
            operation.path_template()
        ));
    if operation.deprecated() {
        cmd = cmd.before_help("Deprecated by the service.");
    }
    let path = operation.path_params();
    for name in path {
        let (value_name, help) = parameter(name);
        cmd = cmd.arg(
            Arg::new(*name)
                .value_name(value_name)
                .help(help)
                .required(true),
        );
    }
    if let Some(schema) = body {
        let shape = Shape::of(schema());
        let positional = shape.positional(path);
        for field in &positional {
            cmd = cmd.arg(
                Arg::new(field.name.clone())
                    .value_name(field.name.to_uppercase())
                    .help(positional_help(field))
                    .required(true),
            );
        }
        let settable = shape.fields.len() > positional.len();
        let type_name = operation.request_type().unwrap_or("body");
        let example = shape
            .example(&positional)
            .map(|e| format!(" (`{e}`)"))
            .unwrap_or_default();
        if settable {
            cmd = cmd.arg(
                Arg::new("set")
                    .long("set")
                    .value_name("FIELD=VALUE")
                    .action(ArgAction::Append)
                    .help(format!(
                        "Set a field of the body{example}; repeatable. The fields are listed below."
                    )),
            );
            if operation.method() == "PATCH" {
                cmd = cmd.arg(
                    Arg::new("clear")
                        .long("clear")
                        .value_name("FIELD")
                        .action(ArgAction::Append)
                        .help("Clear a field (back to its default); repeatable."),
                );
            }
            cmd = cmd.after_help(shape.listing(type_name, &positional));
        }
    }
    if operation == Operation::McpServersCreate {
        cmd = cmd.arg(
            Arg::new(ALLOW_DUPLICATE_NAME)
                .long(ALLOW_DUPLICATE_NAME)
                .action(ArgAction::SetTrue)
                .help("Create the server even if the workspace has one of that name."),
        );
    }
    for name in operation.query_params() {
        let (value_name, help) = parameter(name);
        cmd = cmd.arg(
            Arg::new(*name)
                .long(name.replace('_', "-"))
                .value_name(value_name)
                .help(help),
        );
    }
    cmd
}

/// Adds every derived operation's command to `app`, in its group.
pub fn attach(mut app: clap::Command) -> clap::Command {
    for operation in Operation::ALL {
        let place = place(operation);
        let Runner::Derived { body, .. } = place.runner else {
            continue;
        };
        let mut cmd = command(operation, &place, body);
        if operation == Operation::McpServersToolsList {
            // Or a server that is not registered, by connecting to it (`--url`).
            cmd = <crate::cli::ProbeArgs as clap::Args>::augment_args(cmd);
            for name in operation.path_params() {
                cmd = cmd.mut_arg(*name, |a| {
                    a.required(false)
                        .required_unless_present("url")
                        .conflicts_with("url")
                });
            }
            for name in operation.query_params() {
                cmd = cmd.mut_arg(*name, |a| a.conflicts_with("url"));
            }
        }
        if app.find_subcommand(place.group).is_none() {
            app = app.subcommand(
                clap::Command::new(place.group)
                    .about(group_about(place.group))
                    .subcommand_required(true)
                    .arg_required_else_help(true),
            );
        }
        app = app.mut_subcommand(place.group, |group| group.subcommand(cmd));
    }
    app
}

/// What the answer is shown against: the server the command named, and the tool.
#[derive(Debug, Default)]
pub struct Context {
    pub server: Option<McpServer>,
    pub tool: Option<String>,
}

/// A request and its context.
#[derive(Debug)]
pub struct Built {
    pub request: Request,
    pub context: Context,
}

/// The nearest of `known` to `name`, if it is near enough to be a likely typo.
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    known
        .into_iter()
        .map(|k| (strsim::jaro_winkler(name, k), k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

fn unknown_field(field: &str, allowed: &[&str], operation: Operation) -> String {
    let hint = nearest(field, allowed.iter().copied())
        .map(|n| format!(" Did you mean `{n}`?"))
        .unwrap_or_default();
    let immutable = operation == Operation::McpServersUpdate
        && Shape::of(crate::manifest::schema::of::<elevenlabs_mcp::McpServerConfig>())
            .fields
            .iter()
            .any(|f| f.name == field);
    if immutable {
        return format!(
            "`{field}` cannot be changed in place (the API's update has no such field): delete and create the server again, or let `apply` replace it"
        );
    }
    format!(
        "unknown field `{field}`.{hint} The fields are: {}",
        allowed.join(", ")
    )
}

/// The body from the positional fields, `--set` and `--clear`, checked before any request.
fn body(operation: Operation, shape: &Shape, matches: &ArgMatches) -> Result<Value, String> {
    let path = operation.path_params();
    let positional = shape.positional(path);
    let settable: Vec<&str> = shape
        .fields
        .iter()
        .filter(|f| !positional.iter().any(|p| p.name == f.name))
        .map(|f| f.name.as_str())
        .collect();
    let mut map = Map::new();
    for field in &positional {
        let raw = matches
            .get_one::<String>(&field.name)
            .cloned()
            .unwrap_or_default();
        let value = if field.kind == "string" || !field.values.is_empty() {
            Value::String(raw)
        } else {
            serde_norway::from_str(&raw).map_err(|e| format!("{}: {e}", field.name))?
        };
        map.insert(field.name.clone(), value);
    }
    // `try_get_many`: a body whose fields are all positional has no --set or --clear.
    let many = |id: &str| -> Vec<String> {
        matches
            .try_get_many::<String>(id)
            .ok()
            .flatten()
            .into_iter()
            .flatten()
            .cloned()
            .collect()
    };
    for text in &many("set") {
        let (field, value) = crate::fields::setting(text)?;
        if positional.iter().any(|p| p.name == field) {
            return Err(format!(
                "`{field}` is the {} argument; give it there, not with --set",
                field.to_uppercase()
            ));
        }
        if !settable.contains(&field.as_str()) {
            return Err(unknown_field(&field, &settable, operation));
        }
        map.insert(field, value);
    }
    for field in &many("clear") {
        if !settable.contains(&field.as_str()) {
            return Err(unknown_field(field, &settable, operation));
        }
        if map.contains_key(field) {
            return Err(format!("`{field}` is both set and cleared"));
        }
        map.insert(field.clone(), Value::Null);
    }
    if operation.method() == "PATCH" && map.is_empty() && positional.is_empty() {
        return Err("nothing to change: give --set FIELD=VALUE or --clear FIELD".into());
    }
    let mut unknown = Vec::new();
    schema::unknown_enum_values(
        &shape.root,
        &shape.object,
        &Value::Object(map.clone()),
        "",
        &mut unknown,
    );
    for (path, value, known) in unknown {
        eprintln!(
            "warning: {path}: {value:?} is not a value this version knows ({}); sending it anyway",
            known.join(", ")
        );
    }
    Ok(match &shape.wrap {
        Some(key) => Value::Object(Map::from_iter([(key.clone(), Value::Object(map))])),
        None => Value::Object(map),
    })
}

/// The request a derived command's arguments describe. The body is checked first, so that
/// a mistake is refused before any call (even the one that resolves a server's name).
pub async fn request(
    client: &Client,
    operation: Operation,
    body_schema: Option<fn() -> Value>,
    check: fn(&Value) -> Result<(), CliError>,
    matches: &ArgMatches,
) -> Result<Built, CliError> {
    let mut request = Request::default();
    let mut context = Context::default();
    if let Some(schema) = body_schema {
        let shape = Shape::of(schema());
        let value = body(operation, &shape, matches)?;
        check(&value)?;
        context.tool = value
            .get("tool_name")
            .and_then(Value::as_str)
            .map(str::to_owned);
        request.body = Some(value);
    }
    for name in operation.query_params() {
        if let Some(value) = matches.get_one::<String>(name) {
            request.query.push(((*name).to_owned(), value.clone()));
        }
    }
    for name in operation.path_params() {
        let value = matches.get_one::<String>(name).cloned().unwrap_or_default();
        if *name == "mcp_server_id" {
            let server = crate::resolve::server(client, &value).await?;
            request.path.push(server.id.clone());
            context.server = Some(server);
        } else {
            if *name == "tool_name" {
                context.tool = Some(value.clone());
            }
            request.path.push(value);
        }
    }
    Ok(Built { request, context })
}
