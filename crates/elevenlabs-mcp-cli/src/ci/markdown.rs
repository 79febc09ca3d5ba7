//! `--output markdown`: a plan, an audit or a scan as a pull-request comment (GitHub's and
//! GitLab's Markdown): a summary line first, then a table a reviewer reads at a glance, and
//! long values folded in `<details>`.
//!
//! Every string a server or a manifest chose (names, descriptions, values, evidence) is
//! shown as a code span ([`code`]): inside one, Markdown and HTML are not interpreted, so a
//! hostile name cannot add emphasis, links, images, mentions or raw HTML, nor close the
//! table (its `|` is escaped, as GFM asks even inside code spans), and control characters
//! are shown as escapes (`\x1b`, `U+202E`), never sent as they are.

use std::fmt::Write;

use crate::audit::Verdict;
use crate::manifest::plan::{Action, Plan};
use crate::scan::Finding;

/// A cell's text longer than this goes in a `<details>` block below the table.
const FOLD: usize = 120;

/// `text` as an inline code span that shows it literally: hidden and control characters
/// made visible, line breaks shown as `⏎`, `|` escaped for tables, and a fence of one
/// backtick more than the longest run inside, padded when it starts or ends with one.
pub fn code(text: &str) -> String {
    let shown = crate::scan::chars::visible(text, usize::MAX)
        .replace("\r\n", "⏎")
        .replace(['\n', '\r'], "⏎")
        .replace('|', "\\|");
    if shown.is_empty() {
        return "` `".to_owned();
    }
    let longest = shown.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if shown.starts_with('`') || shown.ends_with('`') || shown.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{shown}{pad}{fence}")
}

/// `text` as a fenced block shown literally (a fence longer than any run of backticks in
/// it), for values too long for a cell.
fn block(text: &str, info: &str) -> String {
    let shown = crate::scan::chars::visible(text, usize::MAX);
    let longest = shown.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{info}\n{shown}\n{fence}\n")
}

/// A value for a cell: a code span, or a pointer to its `<details>` when it is long.
fn cell(text: &str, folded: &mut Vec<(String, String)>, label: String) -> String {
    if text.chars().count() <= FOLD {
        return code(text);
    }
    folded.push((label, text.to_owned()));
    format!("(long: see {})", folded.len())
}

/// The long values, each in a `<details>` block. The HTML carries no text of a server's:
/// inside an HTML block Markdown is not read, so a code span there would not protect a
/// hostile name. The label and the value come after a blank line, as Markdown.
fn fold_out(out: &mut String, folded: &[(String, String)]) {
    for (i, (label, text)) in folded.iter().enumerate() {
        let _ = write!(
            out,
            "\n<details><summary>Long value {}</summary>\n\n{}. {label}\n\n{}\n</details>\n",
            i + 1,
            i + 1,
            block(text, "")
        );
    }
}

fn json(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => "(unset)".to_owned(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The plan: `Plan: 2 to add, 1 to change, 0 to destroy.`, then a step per row.
pub fn plan(plan: &Plan) -> String {
    let mut out = format!("**{}**\n", plan.summary());
    if plan.is_empty() {
        return out;
    }
    let mut folded = Vec::new();
    out.push_str("\n| | step | server | what changes |\n|---|---|---|---|\n");
    for action in &plan.actions {
        let (mark, step) = match action {
            Action::CreateServer { .. } => ("➕", "create server"),
            Action::UpdateServer { .. } => ("✏️", "update server"),
            Action::ReplaceServer { .. } => ("♻️", "replace server (new id)"),
            Action::DeleteServer { .. } => ("❌", "delete server"),
            Action::Approve { .. } => ("➕", "approve tool"),
            Action::Unapprove { .. } => ("❌", "withdraw approval"),
            Action::CreateToolConfig { .. } => ("➕", "create tool config"),
            Action::UpdateToolConfig { .. } => ("✏️", "update tool config"),
            Action::DeleteToolConfig { .. } => ("❌", "delete tool config"),
        };
        let server = action.server();
        let mut what: Vec<String> = Vec::new();
        let mut field = |name: &str, text: String, folded: &mut Vec<(String, String)>| {
            let label = format!("{} of {}", code(name), code(server));
            what.push(format!("{}: {}", code(name), cell(&text, folded, label)));
        };
        match action {
            Action::CreateServer { fields, .. } | Action::CreateToolConfig { fields, .. } => {
                if let Action::CreateToolConfig { tool, .. } = action {
                    field("tool", tool.clone(), &mut folded);
                }
                for (k, v) in fields {
                    field(k, json(Some(v)), &mut folded);
                }
            }
            Action::UpdateServer { changes, .. }
            | Action::ReplaceServer { changes, .. }
            | Action::UpdateToolConfig { changes, .. } => {
                if let Action::UpdateToolConfig { tool, .. } = action {
                    field("tool", tool.clone(), &mut folded);
                }
                for c in changes {
                    let from = json(c.from.as_ref().or(c.default.as_ref()));
                    let to = json(c.to.as_ref().or(c.default.as_ref()));
                    let label = format!("{} of {}", code(&c.field), code(server));
                    let shown = format!(
                        "{} → {}",
                        cell(&from, &mut folded, format!("{label}, before")),
                        cell(&to, &mut folded, format!("{label}, after"))
                    );
                    what.push(format!("{}: {shown}", code(&c.field)));
                }
                if let Action::ReplaceServer {
                    dependent_agents, ..
                } = action
                    && !dependent_agents.is_empty()
                {
                    what.push(format!(
                        "⚠️ agents that use it lose it: {}",
                        dependent_agents
                            .iter()
                            .map(|a| code(a))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                }
            }
            Action::Approve {
                tool,
                policy,
                findings,
                ..
            } => {
                field("tool", tool.clone(), &mut folded);
                if let Some(p) = policy {
                    field("policy", p.clone(), &mut folded);
                }
                for f in findings {
                    what.push(format!(
                        "🚩 {} {} at {}",
                        f.severity,
                        code(f.rule.id()),
                        code(&f.pointer)
                    ));
                }
            }
            Action::Unapprove { tool, .. } | Action::DeleteToolConfig { tool, .. } => {
                field("tool", tool.clone(), &mut folded);
            }
            Action::DeleteServer { id, .. } => field("id", id.clone(), &mut folded),
        }
        let _ = writeln!(
            out,
            "| {mark} | {step} | {} | {} |",
            code(server),
            what.join("<br>")
        );
    }
    for warning in &plan.warnings {
        let _ = write!(out, "\n⚠️ {}\n", code(warning));
    }
    if !plan.unmanaged.is_empty() {
        let _ = write!(
            out,
            "\n{} server(s) of the workspace are not in the manifest and are left alone: {}\n",
            plan.unmanaged.len(),
            plan.unmanaged
                .iter()
                .map(|s| code(s))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    fold_out(&mut out, &folded);
    out
}

/// The findings of a scan: `Scan: 3 finding(s) in 12 tool(s) of 2 server(s).`, then a
/// finding per row.
pub fn scan(findings: &[Finding], tools: usize, servers: usize) -> String {
    let mut out = format!(
        "**Scan: {} finding(s) in {tools} tool(s) of {servers} server(s).**\n",
        findings.len()
    );
    findings_table(&mut out, findings);
    out
}

fn findings_table(out: &mut String, findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    let mut folded = Vec::new();
    out.push_str(
        "\n| server | tool | severity | rule | where | evidence |\n|---|---|---|---|---|---|\n",
    );
    for f in findings {
        let label = format!("evidence in {} of {}", code(&f.tool), code(&f.server));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            code(&f.server),
            code(&f.tool),
            f.severity,
            code(f.rule.id()),
            code(&f.pointer),
            cell(&f.evidence, &mut folded, label)
        );
    }
    fold_out(out, &folded);
}

/// An audit: `Audit: 1 changed, 0 new, 0 removed tool(s); 2 finding(s).`, then the tools
/// that drifted and the findings in new or changed ones.
pub fn audit(verdicts: &[Verdict], findings: &[Finding]) -> String {
    let count = |state: &str| verdicts.iter().filter(|v| v.state == state).count();
    let mut out = format!(
        "**Audit: {} changed, {} new, {} removed tool(s), {} server(s) not pinned; {} finding(s).**\n",
        count("changed"),
        count("new"),
        count("removed"),
        count("not_pinned"),
        findings.len()
    );
    let drifted: Vec<&Verdict> = verdicts.iter().filter(|v| v.state != "unchanged").collect();
    if !drifted.is_empty() {
        out.push_str("\n| server | tool | state | what changed |\n|---|---|---|---|\n");
        for v in drifted {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                code(&v.server),
                v.tool.as_deref().map(code).unwrap_or_default(),
                v.state,
                v.changes
                    .iter()
                    .map(|c| code(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    findings_table(&mut out, findings);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_stays_literal() {
        for hostile in [
            "![x](https://evil.example/p.png)",
            "[click](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
            "a | b | c",
            "`` code `` and ```fence```",
            "line\n# heading\n---",
            "\u{1b}[31mred\u{1b}[0m and \u{202e}reversed",
            "@everyone https://evil.example",
        ] {
            let shown = code(hostile);
            // One code span: opens and closes with the same fence, nothing outside it.
            let fence: String = shown.chars().take_while(|c| *c == '`').collect();
            assert!(shown.ends_with(&fence), "{shown}");
            let inner = &shown[fence.len()..shown.len() - fence.len()];
            assert!(
                !inner.contains(&fence),
                "the fence cannot close early: {shown}"
            );
            assert!(
                !inner.contains('\n') && !inner.contains('\u{1b}') && !inner.contains('\u{202e}')
            );
            assert!(!inner.replace("\\|", "").contains('|'), "{shown}");
        }
        assert_eq!(code("plain"), "`plain`");
    }
}
