//! Servers as code: the manifest, what it means, and how it is checked before anything is
//! sent. Its fields are the API's own configuration field names and wire values; a server
//! is known by its name, which must be unique in the manifest.
//!
//! ```yaml
//! servers:
//!   - name: Docs search
//!     url: https://mcp.example.com/mcp
//!     approval_policy: require_approval_per_tool
//!     tool_approvals:
//!       - {tool: search, policy: auto_approved}
//!     tool_configs:
//!       - {tool: search, response_timeout_secs: 60}
//! ```

pub mod apply;
pub mod budget;
pub mod entry;
mod locate;
pub mod plan;
pub mod pull;
pub mod report;
pub mod schema;

use std::collections::BTreeMap;
use std::fmt;

use elevenlabs_mcp::raw::check::{Check, FieldPath};
use elevenlabs_mcp::{McpServerConfig, McpServerCreateRequest, ToolConfigOverride};
use serde_json::{Map, Value};

use entry::{APPROVALS, POLICY, Server, TOOL, TOOL_CONFIGS};
use locate::Locations;

/// The whole manifest.
#[derive(Debug, Clone, Default)]
pub struct Manifest {
    /// The servers, in the order written.
    pub servers: Vec<Server>,
}

/// Something wrong at one place of the manifest file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as named on the command line.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

/// What reading a manifest found: the problems (any one refuses the manifest) and the
/// warnings (values this version does not know, which are sent as written).
#[derive(Debug, Default)]
pub struct Findings {
    /// Refuse the manifest.
    pub problems: Vec<Problem>,
    /// Reported, and sent anyway.
    pub warnings: Vec<Problem>,
}

struct Reader<'a> {
    file: &'a str,
    at: Locations,
    findings: Findings,
}

impl Reader<'_> {
    fn problem(&mut self, path: &str, message: String) {
        let (line, column) = self.at.get(path);
        self.findings.problems.push(Problem {
            file: self.file.to_owned(),
            line,
            column,
            message,
        });
    }

    fn warning(&mut self, path: &str, message: String) {
        let (line, column) = self.at.get(path);
        self.findings.warnings.push(Problem {
            file: self.file.to_owned(),
            line,
            column,
            message,
        });
    }

    /// Reports the keys of `object` (at `path`) that are not in `allowed`.
    fn known_keys(&mut self, object: &Map<String, Value>, path: &str, allowed: &[String]) {
        for key in object.keys().filter(|k| !allowed.contains(k)) {
            let hint = match entry::MANAGED.iter().position(|m| m == key) {
                Some(0) => format!("; list approvals under `{APPROVALS}`"),
                Some(_) => format!("; list overrides under `{TOOL_CONFIGS}`"),
                None => format!("; expected one of: {}", allowed.join(", ")),
            };
            self.problem(&join(path, key), format!("unknown field `{key}`{hint}"));
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Reads a manifest (YAML, or JSON) from `text`; `file` names it in messages. Nothing is
/// sent: every check runs here, and any problem refuses the whole manifest.
pub fn parse(file: &str, text: &str) -> (Option<Manifest>, Findings) {
    let (manifest, mut findings) = read(file, text);
    // Every place a report points at exists in the text.
    for p in findings.problems.iter_mut().chain(&mut findings.warnings) {
        (p.line, p.column) = locate::clamp(text, (p.line, p.column));
    }
    (manifest, findings)
}

fn read(file: &str, text: &str) -> (Option<Manifest>, Findings) {
    // Before anything that expands aliases or builds the document.
    if let Err(over) = budget::check(text) {
        let findings = Findings {
            problems: vec![Problem {
                file: file.to_owned(),
                line: over.line,
                column: over.column,
                message: over.message,
            }],
            warnings: Vec::new(),
        };
        return (None, findings);
    }
    let mut reader = Reader {
        file,
        at: Locations::of(text),
        findings: Findings::default(),
    };
    let doc: Value = match serde_norway::from_str(text) {
        Ok(doc) => doc,
        Err(e) => {
            // libyaml's own line count also breaks at U+0085, U+2028 and U+2029; the
            // character index is recounted as every other problem counts lines.
            let (line, column) = e
                .location()
                .map_or((1, 1), |l| locate::at_char(text, l.index()));
            reader.findings.problems.push(Problem {
                file: file.to_owned(),
                line,
                column,
                message: format!("not valid YAML: {e}"),
            });
            return (None, reader.findings);
        }
    };
    let manifest = read_manifest(&mut reader, &doc);
    let findings = reader.findings;
    if findings.problems.is_empty() {
        (Some(manifest), findings)
    } else {
        (None, findings)
    }
}

fn read_manifest(r: &mut Reader<'_>, doc: &Value) -> Manifest {
    let mut manifest = Manifest::default();
    let Some(root) = doc.as_object() else {
        r.problem(
            "",
            "the manifest must be a mapping with a `servers` list".into(),
        );
        return manifest;
    };
    r.known_keys(root, "", &["servers".to_owned()]);
    let Some(servers) = root.get("servers") else {
        r.problem("", "missing field `servers`".into());
        return manifest;
    };
    let Some(servers) = servers.as_array() else {
        r.problem("servers", "`servers` must be a list".into());
        return manifest;
    };
    let config_schema = schema::of::<McpServerConfig>();
    let override_schema = schema::of::<ToolConfigOverride>();
    let keys = entry::keys();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for (i, item) in servers.iter().enumerate() {
        let path = format!("servers[{i}]");
        if let Some(server) = read_server(r, item, &path, &keys, &config_schema, &override_schema) {
            if let Some(first) = names.get(&server.name) {
                let (line, _) = r.at.get(&format!("servers[{first}].name"));
                r.problem(
                    &format!("{path}.name"),
                    format!(
                        "duplicate server name `{}` (also at line {line}): names identify servers and must be unique",
                        server.name
                    ),
                );
                continue;
            }
            names.insert(server.name.clone(), i);
            manifest.servers.push(server);
        }
    }
    manifest
}

/// The keys an entry takes and the keys its tool configs take ([`entry::keys`]).
type Keys = (Vec<String>, Vec<String>);

fn read_server(
    r: &mut Reader<'_>,
    item: &Value,
    path: &str,
    keys: &Keys,
    config_schema: &Value,
    override_schema: &Value,
) -> Option<Server> {
    let Some(object) = item.as_object() else {
        r.problem(path, "a server must be a mapping of fields".into());
        return None;
    };
    r.known_keys(object, path, &keys.0);

    let mut fields = object.clone();
    let approvals_value = fields.remove(APPROVALS);
    let configs_value = fields.remove(TOOL_CONFIGS);
    for managed in entry::MANAGED {
        fields.remove(managed);
    }

    // Types, through the generated type; a failure names its path.
    let config: McpServerConfig =
        match serde_path_to_error::deserialize(Value::Object(fields.clone())) {
            Ok(config) => config,
            Err(e) => {
                let inner = e.path().to_string();
                let at = if inner == "." {
                    path.to_owned()
                } else {
                    join(path, &inner)
                };
                r.problem(
                    &at,
                    crate::fields::explain_type(&e.into_inner().to_string()),
                );
                return None;
            }
        };
    // The spec's rules (bounds, patterns), as the client would check before sending.
    if let Err(invalid) = McpServerCreateRequest::new(config.clone()).check(&mut FieldPath::root())
    {
        let field = invalid
            .field
            .strip_prefix("config.")
            .unwrap_or(&invalid.field);
        r.problem(
            &join(path, field),
            crate::fields::explain_rule(&invalid.reason),
        );
    }
    let mut unknown = Vec::new();
    schema::unknown_enum_values(
        config_schema,
        config_schema,
        &Value::Object(fields.clone()),
        path,
        &mut unknown,
    );

    let approvals = read_approvals(
        r,
        approvals_value.as_ref(),
        &join(path, APPROVALS),
        &mut unknown,
    );
    let tool_configs = read_tool_configs(
        r,
        configs_value.as_ref(),
        &join(path, TOOL_CONFIGS),
        &keys.1,
        override_schema,
        &mut unknown,
    );
    for (at, value, known) in unknown {
        r.warning(
            &at,
            format!(
                "`{value}` is not a value this version knows ({}); it is sent as written, for the service to judge",
                known.join(", ")
            ),
        );
    }
    Some(Server {
        name: config.name.clone(),
        fields,
        approvals: approvals?,
        tool_configs: tool_configs?,
    })
}

fn read_approvals(
    r: &mut Reader<'_>,
    value: Option<&Value>,
    path: &str,
    unknown: &mut Vec<(String, String, Vec<String>)>,
) -> Option<BTreeMap<String, Option<String>>> {
    let mut out = BTreeMap::new();
    let Some(value) = value else { return Some(out) };
    let Some(items) = value.as_array() else {
        r.problem(
            path,
            "`tool_approvals` must be a list of {tool, policy}".into(),
        );
        return None;
    };
    let policy_schema = schema::of::<elevenlabs_mcp::ToolApprovalPolicy>();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Some(object) = item.as_object() else {
            r.problem(&at, "an approval must be a mapping: {tool, policy}".into());
            ok = false;
            continue;
        };
        r.known_keys(object, &at, &[TOOL.to_owned(), POLICY.to_owned()]);
        let Some(tool) = object
            .get(TOOL)
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
        else {
            r.problem(&at, format!("an approval needs `{TOOL}`, the tool's name"));
            ok = false;
            continue;
        };
        let policy = match object.get(POLICY) {
            None | Some(Value::Null) => None,
            Some(Value::String(p)) => {
                schema::unknown_enum_values(
                    &policy_schema,
                    &policy_schema,
                    &Value::String(p.clone()),
                    &join(&at, POLICY),
                    unknown,
                );
                Some(p.clone())
            }
            Some(_) => {
                r.problem(&join(&at, POLICY), format!("`{POLICY}` must be a string"));
                ok = false;
                continue;
            }
        };
        if out.insert(tool.to_owned(), policy).is_some() {
            r.problem(&join(&at, TOOL), format!("tool `{tool}` is approved twice"));
            ok = false;
        }
    }
    ok.then_some(out)
}

fn read_tool_configs(
    r: &mut Reader<'_>,
    value: Option<&Value>,
    path: &str,
    allowed: &[String],
    override_schema: &Value,
    unknown: &mut Vec<(String, String, Vec<String>)>,
) -> Option<BTreeMap<String, Map<String, Value>>> {
    let mut out = BTreeMap::new();
    let Some(value) = value else { return Some(out) };
    let Some(items) = value.as_array() else {
        r.problem(path, "`tool_configs` must be a list".into());
        return None;
    };
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Some(object) = item.as_object() else {
            r.problem(&at, "a tool config must be a mapping of fields".into());
            ok = false;
            continue;
        };
        r.known_keys(object, &at, allowed);
        let mut fields = object.clone();
        let Some(tool) = fields.remove(TOOL) else {
            r.problem(
                &at,
                format!("a tool config needs `{TOOL}`, the tool's name"),
            );
            ok = false;
            continue;
        };
        let wire = entry::wire(tool, &fields);
        let typed: ToolConfigOverride = match serde_path_to_error::deserialize(Value::Object(wire))
        {
            Ok(typed) => typed,
            Err(e) => {
                let inner = entry::manifest_path(&e.path().to_string());
                let spot = if inner == "." {
                    at.clone()
                } else {
                    join(&at, &inner)
                };
                r.problem(
                    &spot,
                    crate::fields::explain_type(&e.into_inner().to_string()),
                );
                ok = false;
                continue;
            }
        };
        if let Err(invalid) = typed.check(&mut FieldPath::root()) {
            r.problem(
                &join(&at, &entry::manifest_path(&invalid.field)),
                crate::fields::explain_rule(&invalid.reason),
            );
            ok = false;
            continue;
        }
        schema::unknown_enum_values(
            override_schema,
            override_schema,
            &Value::Object(fields.clone()),
            &at,
            unknown,
        );
        if out.insert(typed.tool_name.clone(), fields).is_some() {
            r.problem(
                &join(&at, TOOL),
                format!("tool `{}` has two configs", typed.tool_name),
            );
            ok = false;
        }
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        let (manifest, findings) = parse("m.yaml", text);
        assert!(manifest.is_none() || findings.problems.is_empty());
        findings.problems.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_good_manifest_reads_into_servers() {
        let (manifest, findings) = parse(
            "m.yaml",
            "servers:\n  - name: Docs\n    url: https://mcp.example.com/mcp\n    transport: STREAMABLE_HTTP\n    tool_approvals:\n      - {tool: search, policy: auto_approved}\n    tool_configs:\n      - {tool: search, response_timeout_secs: 60}\n",
        );
        assert!(findings.problems.is_empty(), "{:?}", findings.problems);
        assert!(findings.warnings.is_empty(), "{:?}", findings.warnings);
        let manifest = manifest.expect("manifest");
        let server = &manifest.servers[0];
        assert_eq!(server.name, "Docs");
        assert_eq!(server.fields["transport"], "STREAMABLE_HTTP");
        assert_eq!(server.approvals["search"].as_deref(), Some("auto_approved"));
        assert_eq!(server.tool_configs["search"]["response_timeout_secs"], 60);
    }

    #[test]
    fn each_kind_of_mistake_is_refused_with_its_place() {
        let syntax = problems("servers:\n  - name: [unclosed\n");
        assert!(syntax[0].starts_with("m.yaml:"), "{syntax:?}");
        assert!(syntax[0].contains("not valid YAML"), "{syntax:?}");
        let unknown =
            problems("servers:\n  - name: A\n    url: https://x.example\n    colour: red\n");
        assert!(
            unknown[0].starts_with("m.yaml:4:5: unknown field `colour`"),
            "{unknown:?}"
        );
        let wrong = problems(
            "servers:\n  - name: A\n    url: https://x.example\n    response_timeout_secs: soon\n",
        );
        assert!(wrong[0].starts_with("m.yaml:4:5: "), "{wrong:?}");
        let bounds = problems(
            "servers:\n  - name: A\n    url: https://x.example\n    response_timeout_secs: 301\n",
        );
        assert!(
            bounds[0].starts_with("m.yaml:4:5: must be between 5 and 300"),
            "{bounds:?}"
        );
        let twice = problems(
            "servers:\n  - {name: A, url: https://x.example}\n  - {name: A, url: https://y.example}\n",
        );
        assert!(
            twice[0].starts_with("m.yaml:3:6: duplicate server name `A` (also at line 2)"),
            "{twice:?}"
        );
        let http = problems("servers:\n  - name: A\n    url: http://x.example\n");
        assert!(http[0].starts_with("m.yaml:3:5: "), "{http:?}");
    }

    /// Found by the `manifest` fuzz target: a flow mapping left open at the end of a text
    /// without a last line break was reported at a line after the last.
    #[test]
    fn a_problem_at_the_end_points_at_the_text() {
        assert_eq!(
            problems("seers:rs: {coc")
                .iter()
                .map(|p| p.split(": not valid YAML").next().unwrap_or_default())
                .collect::<Vec<_>>(),
            ["m.yaml:1:15"]
        );
    }

    /// A lone CR ends a line for YAML, and for the report: the line a problem names is the
    /// line the report shows.
    #[test]
    fn lines_ended_by_a_lone_cr_are_counted_as_yaml_counts_them() {
        let text = "servers:\r  - name: Docs\r    url: https://x.example\r    colour: red\r";
        let (_, findings) = parse("m.yaml", text);
        assert_eq!(findings.problems.len(), 1, "{:?}", findings.problems);
        assert_eq!(
            (findings.problems[0].line, findings.problems[0].column),
            (4, 5)
        );
        let report = report::render(&findings.problems, text);
        assert!(report.contains("colour: red"), "{report}");
        // libyaml also breaks lines at U+2028; the problem is still placed by LF and CR.
        let (_, findings) = parse("m.yaml", "servers: [\u{2028}\n  {name: x");
        assert_eq!(findings.problems[0].line, 2, "{:?}", findings.problems);
    }

    #[test]
    fn unknown_enum_values_are_warnings() {
        let (manifest, findings) = parse(
            "m.yaml",
            "servers:\n  - name: A\n    url: https://x.example\n    approval_policy: approve_on_tuesdays\n",
        );
        assert!(manifest.is_some());
        assert!(
            findings.warnings[0]
                .to_string()
                .starts_with("m.yaml:4:5: `approve_on_tuesdays`"),
            "{:?}",
            findings.warnings
        );
    }
}
