//! `elevenlabs-mcp-emulator [--port PORT] [--state FILE] [--tools FILE] [--fault RULE]…`
//!
//! Serves the emulated API on 127.0.0.1 until interrupted, and prints its address first.

use std::process::ExitCode;

use elevenlabs_mcp_emulator::{Emulator, FaultRule};

const USAGE: &str = "\
usage: elevenlabs-mcp-emulator [--port PORT] [--state FILE] [--tools FILE] [--concurrency-limit N] [--fault RULE]...
                               [--route URL=TARGET]... [--secret ID=VALUE]... [--connect]

  --port PORT    loopback port (default 0: pick a free one; the address is printed)
  --state FILE   keep the workspace in FILE across restarts (written atomically)
  --tools FILE   JSON object: server URL -> array of MCP tools; key \"*\" for every other URL
  --concurrency-limit N
                 at most N requests in flight; more are answered 429 too_many_concurrent_requests
  --fault RULE   [OPERATION=]KIND[:ARG][*TIMES], KIND one of latency:MS, rate-limit:SECS,
                 server-error:STATUS, store-then-fail:STATUS, drop, system-busy; repeatable.
                 e.g. --fault mcp_servers_create=store-then-fail:502*1 --fault latency:50
  --route URL=TARGET
                 list the tools of servers registered at URL by connecting to TARGET instead
                 (e.g. https://mcp.example.com/mcp=http://127.0.0.1:3001/mcp); repeatable
  --secret ID=VALUE
                 a workspace secret that {secret_id: ID} tokens and headers resolve to; repeatable
  --connect      connect to every other registered server at its own URL (off: canned tools)";

fn parse(args: Vec<String>) -> Result<elevenlabs_mcp_emulator::EmulatorBuilder, String> {
    let mut builder = Emulator::builder();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        builder = match flag.as_str() {
            "--port" => {
                let port = value("--port")?;
                builder.port(port.parse().map_err(|_| format!("bad port `{port}`"))?)
            }
            "--state" => builder.state_file(value("--state")?),
            "--tools" => {
                let path = value("--tools")?;
                let text = std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?;
                builder
                    .tools_json(&text)
                    .map_err(|e| format!("{path}: {e}"))?
            }
            "--concurrency-limit" => {
                let n = value("--concurrency-limit")?;
                let n: usize = n
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or(format!("bad limit `{n}`: a whole number above 0"))?;
                builder.concurrency_limit(n)
            }
            "--fault" => {
                let rule: FaultRule = value("--fault")?.parse().map_err(|e| format!("{e}"))?;
                builder.fault(rule)
            }
            "--route" => {
                let (url, target) = pair(&value("--route")?, "--route", "URL=TARGET")?;
                builder.route(url, target)
            }
            "--secret" => {
                let (id, secret) = pair(&value("--secret")?, "--secret", "ID=VALUE")?;
                builder.secret(id, secret)
            }
            "--connect" => builder.connect(true),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        };
    }
    Ok(builder)
}

/// `NAME=VALUE`, split at the first `=` (a URL's query may hold more). The first `=` of a
/// route follows its https URL, so a URL with `=` in it is not supported.
fn pair(arg: &str, flag: &str, form: &str) -> Result<(String, String), String> {
    match arg.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() && !value.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.trim().to_owned()))
        }
        _ => Err(format!("{flag} takes {form}")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let builder = match parse(std::env::args().skip(1).collect()) {
        Ok(b) => b,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let emulator = match builder.start().await {
        Ok(e) => e,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "elevenlabs-mcp emulator listening on {}",
        emulator.base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    emulator.shutdown().await;
    ExitCode::SUCCESS
}
