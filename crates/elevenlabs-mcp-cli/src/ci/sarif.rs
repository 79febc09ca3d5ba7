//! `--output sarif`: SARIF 2.1.0, which GitHub code scanning, GitLab and Azure DevOps turn
//! into alerts. One rule per scan rule and one for drift; one result per finding or drifted
//! tool, located by a logical location naming the server and tool (and the manifest's
//! line that declares the server, when `--manifest` names one), with a fingerprint that
//! stays the same from run to run, so an alert is not reopened every night.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Manifest;
use crate::audit::Verdict;
use crate::scan::{Finding, Rule, Severity};

/// The rule id of a drifted tool.
const DRIFT: &str = "tool-drift";

/// The key of our fingerprints (versioned: a change of what goes into it is a new key).
const FINGERPRINT: &str = "elevenlabsMcpTool/v1";

/// Every scan rule, in the order of `Rule`.
const RULES: [Rule; 9] = [
    Rule::HiddenCharacters,
    Rule::TerminalEscape,
    Rule::HiddenText,
    Rule::InstructionBlock,
    Rule::OverrideInstructions,
    Rule::ConcealFromUser,
    Rule::SecretRequest,
    Rule::Shadowing,
    Rule::BehaviourHijack,
];

/// What each rule looks for, and what to do about it.
fn describe(rule: Rule) -> (&'static str, &'static str) {
    match rule {
        Rule::HiddenCharacters => (
            "Characters a reader does not see (tag characters, zero-width and format characters, bidi controls) in a tool definition.",
            "A model reads text a person reviewing the tool cannot see. Look at the evidence (shown escaped): if the characters carry words, do not approve the tool.",
        ),
        Rule::TerminalEscape => (
            "A terminal escape sequence in a tool definition.",
            "Escape sequences can hide or rewrite text on a terminal that shows the tool. A tool definition has no use for one: do not approve it until the server removes it.",
        ),
        Rule::HiddenText => (
            "Text pushed out of sight by a long run of blank lines or spaces.",
            "Text after a long blank run is read by the model and missed by a reviewer. Read the text after the run.",
        ),
        Rule::InstructionBlock => (
            "Markup addressed to the model (<IMPORTANT>, system-prompt markers, chat-template tokens) in a tool definition.",
            "A tool description addressing the assistant with system markup is the classic form of tool poisoning. Read the block; approve only if it documents the tool itself.",
        ),
        Rule::OverrideInstructions => (
            "A request to ignore or replace the model's own instructions.",
            "No tool needs to override the assistant's instructions. Do not approve the tool.",
        ),
        Rule::ConcealFromUser => (
            "A request to keep something from the user.",
            "A tool that asks the assistant to hide what it does from the person is poisoned. Do not approve it.",
        ),
        Rule::SecretRequest => (
            "A request to read or pass on secrets, keys or private files.",
            "The tool asks the assistant for credentials, keys or files it has no reason to handle. Do not approve it unless that is the tool's documented purpose.",
        ),
        Rule::Shadowing => (
            "Rules for how another tool must behave.",
            "A tool that changes another tool's arguments or recipients (a BCC, a payee, a command prefix) hijacks that tool. Do not approve it.",
        ),
        Rule::BehaviourHijack => (
            "Rules for how the model behaves beyond this tool (line jumping).",
            "Standing orders for every answer or conversation act before the tool is ever called. Do not approve the tool.",
        ),
    }
}

fn rule_object(id: &str, name: &str, short: &str, help: &str, level: &str) -> Value {
    json!({
        "id": id,
        "name": name,
        "shortDescription": {"text": short},
        "fullDescription": {"text": short},
        "help": {"text": help, "markdown": help},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["security", "mcp", "tool-poisoning"]}
    })
}

/// The rules of the run: every scan rule, then drift.
fn rules() -> Vec<Value> {
    let mut rules: Vec<Value> = RULES
        .iter()
        .map(|rule| {
            let (short, help) = describe(*rule);
            rule_object(rule.id(), &camel(rule.id()), short, help, "error")
        })
        .collect();
    rules.push(rule_object(
        DRIFT,
        "ToolDrift",
        "A tool's definition is not what the lock file pinned (changed, new or removed).",
        "The server changed what its tool says since it was pinned (`elevenlabs-mcp tools pin`). Read the change (`elevenlabs-mcp tools audit`); if it is expected, pin again, else withdraw the tool's approval.",
        "warning",
    ));
    rules
}

/// `hidden-characters` → `HiddenCharacters`.
fn camel(id: &str) -> String {
    id.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn fingerprint(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        // A separator no name contains, so that ("ab", "c") and ("a", "bc") differ.
        hash.update([0u8]);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a result is: the server and tool as a logical location, and the manifest's line
/// declaring the server when a manifest was given and declares it.
fn locations(server: &str, tool: Option<&str>, manifest: Option<&Manifest>) -> Value {
    let mut location = json!({
        "logicalLocations": [{
            "name": tool.unwrap_or(server),
            "fullyQualifiedName": match tool {
                Some(tool) => format!("{server}/{tool}"),
                None => server.to_owned(),
            },
            "kind": if tool.is_some() { "function" } else { "module" }
        }]
    });
    if let Some(manifest) = manifest {
        // Code scanning shows a result only at a place in a file: the line declaring the
        // server, or the manifest's first line for a server it does not declare.
        let line = super::declared_at(&manifest.text, server).unwrap_or(1);
        location["physicalLocation"] = json!({
            "artifactLocation": {"uri": manifest.path.replace('\\', "/")},
            "region": {"startLine": line}
        });
    }
    json!([location])
}

/// The most characters of a message: GitLab skips a result whose message is longer.
const MESSAGE: usize = 1_000;

fn bounded(text: String) -> String {
    if text.chars().count() <= MESSAGE {
        return text;
    }
    let mut cut: String = text.chars().take(MESSAGE - 1).collect();
    cut.push('…');
    cut
}

fn index_of(id: &str) -> usize {
    RULES
        .iter()
        .position(|r| r.id() == id)
        .unwrap_or(RULES.len())
}

fn finding_result(f: &Finding, manifest: Option<&Manifest>) -> Value {
    let level = match f.severity {
        Severity::High => "error",
        Severity::Medium => "warning",
    };
    json!({
        "ruleId": f.rule.id(),
        "ruleIndex": index_of(f.rule.id()),
        "level": level,
        // Not starting with the rule's id (consumers show it beside the message anyway),
        // and within the 1,024 characters GitLab keeps.
        "message": {"text": bounded(format!(
            "Tool `{}` of server `{}`, at {}: {}",
            f.tool, f.server, f.pointer, f.evidence
        ))},
        "locations": locations(&f.server, Some(&f.tool), manifest),
        "partialFingerprints": {FINGERPRINT: fingerprint(&[f.rule.id(), &f.server, &f.tool, &f.pointer])},
        "properties": {"server": f.server, "tool": f.tool, "pointer": f.pointer, "severity": f.severity.to_string()}
    })
}

fn drift_result(v: &Verdict, manifest: Option<&Manifest>) -> Value {
    let what = match (&v.tool, v.state) {
        (None, _) => format!("server `{}` is not pinned", v.server),
        (Some(tool), "changed") => format!(
            "tool `{tool}` of server `{}` changed since it was pinned: {}",
            v.server,
            v.changes.join(", ")
        ),
        (Some(tool), state) => format!("tool `{tool}` of server `{}` is {state}", v.server),
    };
    json!({
        "ruleId": DRIFT,
        "ruleIndex": RULES.len(),
        "level": "warning",
        "message": {"text": bounded(what)},
        "locations": locations(&v.server, v.tool.as_deref(), manifest),
        "partialFingerprints": {FINGERPRINT: fingerprint(&[DRIFT, &v.server, v.tool.as_deref().unwrap_or(""), v.state])},
        "properties": {"server": v.server, "tool": v.tool, "state": v.state, "changes": v.changes}
    })
}

/// The SARIF log of a scan's findings, or an audit's drifted tools and findings;
/// `command` names the run (`tools scan`, `tools audit`) for consumers that group runs.
pub fn log(
    command: &str,
    findings: &[Finding],
    drift: &[Verdict],
    manifest: Option<&Manifest>,
) -> Value {
    let mut results: Vec<Value> = drift
        .iter()
        .filter(|v| v.state != "unchanged")
        .map(|v| drift_result(v, manifest))
        .collect();
    results.extend(findings.iter().map(|f| finding_result(f, manifest)));
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "automationDetails": {"id": format!("elevenlabs-mcp/{}/", command.replace(' ', "-"))},
            "tool": {"driver": {
                "name": "elevenlabs-mcp",
                "fullName": format!("elevenlabs-mcp {command}"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": rules()
            }},
            "results": results
        }]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(tool: &str) -> Finding {
        Finding {
            server: "Docs".into(),
            tool: tool.into(),
            rule: Rule::SecretRequest,
            severity: Severity::High,
            pointer: "/description".into(),
            evidence: "read ~/.ssh/id_rsa".into(),
        }
    }

    #[test]
    fn a_finding_is_a_result_of_its_rule_at_its_server_and_tool() {
        let manifest = Manifest {
            path: "servers.yaml".into(),
            text: "servers:\n  - name: Docs\n".into(),
        };
        let log = log("tools scan", &[finding("search")], &[], Some(&manifest));
        let run = &log["runs"][0];
        let result = &run["results"][0];
        let rule =
            &run["tool"]["driver"]["rules"][result["ruleIndex"].as_u64().unwrap_or(99) as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert_eq!(result["level"], "error");
        let at = &result["locations"][0];
        assert_eq!(
            at["logicalLocations"][0]["fullyQualifiedName"],
            "Docs/search"
        );
        assert_eq!(
            at["physicalLocation"]["artifactLocation"]["uri"],
            "servers.yaml"
        );
        assert_eq!(at["physicalLocation"]["region"]["startLine"], 2);
        // The same finding next run has the same fingerprint; another tool another.
        let again = super::log("tools scan", &[finding("search")], &[], None);
        let other = super::log("tools scan", &[finding("fetch")], &[], None);
        let print =
            |l: &Value| l["runs"][0]["results"][0]["partialFingerprints"][FINGERPRINT].clone();
        assert_eq!(print(&log), print(&again));
        assert_ne!(print(&log), print(&other));
    }
}
