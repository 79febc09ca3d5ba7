//! `approvals add`: the one compound operation command. The service hashes the tool's name,
//! description and input schema, so what is approved is the tool as the server lists it
//! now: it is listed, scanned, and approved as listed.

use std::process::ExitCode;

use elevenlabs_mcp::{Client, ToolApproval, ToolApprovalPolicy};

use super::Outcome;
use crate::audit;
use crate::cli::Approvals;
use crate::ops::show::server_table;
use crate::output::Out;
use crate::resolve;
use crate::scan;

pub(super) async fn approvals(client: &Client, cmd: Approvals, out: Out) -> Outcome {
    let Approvals::Add {
        server,
        tool,
        policy,
        allow_flagged,
    } = cmd;
    let found = resolve::server(client, &server).await?;
    let tools = audit::listed(client, &found).await?;
    let listed = tools.iter().find(|t| t.name == tool).ok_or_else(|| {
        let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
        let hint = crate::ops::nearest(&tool, names.iter().copied())
            .map(|n| format!(" Did you mean {n:?}?"))
            .unwrap_or_default();
        format!(
            "{} lists no tool {tool:?}.{hint} It lists: {}",
            found.config.name,
            names.join(", ")
        )
    })?;
    let scope = scan::scope_of(&tools);
    let findings = scan::scan_listed(&found.config.name, listed, &scope);
    let blocking = scan::blocking(&tool, &findings, &allow_flagged);
    if !blocking.is_empty() {
        return Err(scan::refusal(&found.config.name, &tool, &blocking).into());
    }
    crate::ask::confirm(
        &format!(
            "Approve tool {tool:?} on server {:?} ({}) as it is listed now?",
            found.config.name, found.id
        ),
        out.yes,
    )?;
    let mut approval = ToolApproval::from(listed);
    if let Some(policy) = policy {
        let known = crate::cli::policy_values();
        if !known.contains(&policy) {
            eprintln!(
                "warning: {policy:?} is not a policy this version knows ({}); sending it anyway",
                known.join(", ")
            );
        }
        approval = approval.approval_policy(ToolApprovalPolicy::from(policy.as_str()));
    }
    let updated = client
        .mcp_servers()
        .tool_approvals(&found.id)
        .create(approval)
        .await
        .map_err(|e| e.to_string())?;
    if !out.data(&updated) {
        print!("{}", server_table(&updated, out));
    }
    Ok(ExitCode::SUCCESS)
}
