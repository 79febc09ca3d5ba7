//! The benchmark of BENCHMARKS.md. One run measures, against one loopback server:
//!
//! - sequential `get` through the client against bare `reqwest` fetching the same bytes;
//! - `list` of a 2,000-server workspace, time and peak heap, against `reqwest` plus
//!   `serde_json::Value`;
//! - 64 calls in flight through the client against bare `reqwest`;
//! - with `--python`/`--node-modules`, the same `get` and `list` through the vendor's SDKs;
//! - with `--build`, a clean release build of a minimal consumer against a reqwest-only one;
//! - with `--emulator PATH`, creates per second against that emulator binary with `--state`
//!   as the workspace grows;
//! - with `--cli PATH`, that `elevenlabs-mcp` binary's `apply` of 100 servers and `tools
//!   audit` of 100 against an emulator limited to 8 calls in flight, 50 ms a call.
//!
//! `elevenlabs-mcp-bench scan` measures the tool scanner alone (tools per second).
//!
//! `--quick` does a token amount of each Rust measurement, for CI to keep this compiling and
//! running; its figures mean nothing. Run `scripts/bench` for the real thing.

mod alloc;
mod bodies;
mod burst;
mod cli;
mod consumer;
mod decode;
mod mcp;
mod measure;
mod report;
mod scan;
mod server;
mod store;
mod vendor;

use std::future::IntoFuture;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use elevenlabs_mcp::{Client, Operation};

use crate::bodies::{Bodies, SERVER_ID};
use crate::measure::{Effort, Pair};
use crate::report::{Row, Target, mib, time};
use crate::server::Server;
use crate::vendor::{VendorResult, VendorSdk};

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

/// The workspace size the issue names: about 4 MB of JSON.
const SERVERS: usize = 2_000;
/// Calls kept in flight at once in the concurrency measurement.
const IN_FLIGHT: usize = 64;
/// Any key: the loopback server does not check it.
const KEY: &str = "sk_bench_0000000000000000";

const FULL: Effort = Effort {
    rounds: 7,
    gets: 1_000,
    lists: 20,
    decodes: 200,
    in_flight_calls: 6_400,
};
const QUICK: Effort = Effort {
    rounds: 1,
    gets: 20,
    lists: 2,
    decodes: 3,
    in_flight_calls: 128,
};

#[derive(Debug, Default)]
struct Options {
    quick: bool,
    python: Option<PathBuf>,
    node_modules: Option<PathBuf>,
    build: bool,
    emulator: Option<PathBuf>,
    cli: Option<PathBuf>,
}

impl Options {
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Self> {
        let mut options = Self::default();
        while let Some(arg) = args.next() {
            let mut path = || {
                args.next()
                    .map(PathBuf::from)
                    .context(format!("{arg} needs a path"))
            };
            match arg.as_str() {
                "--quick" => options.quick = true,
                "--python" => options.python = Some(path()?),
                "--node-modules" => options.node_modules = Some(path()?),
                "--build" => options.build = true,
                "--emulator" => options.emulator = Some(path()?),
                "--cli" => options.cli = Some(path()?),
                other => bail!(
                    "unknown argument {other:?}; expected --quick, --python PATH, --node-modules DIR, --build, --emulator PATH, --cli PATH"
                ),
            }
        }
        Ok(options)
    }
}

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("serve") {
        let servers = args.nth(1).context("serve needs a server count")?.parse()?;
        return server::run(servers);
    }
    if args.peek().map(String::as_str) == Some("decode") {
        // The decode rows alone, repeated: what `perf record` runs against.
        let rounds = args.nth(1).map_or(Ok(200), |n| n.parse())?;
        let bodies = Bodies::new(SERVERS)?;
        print!("{}", report::table(&decode_rows(&bodies, rounds)?));
        return Ok(());
    }
    if args.peek().map(String::as_str) == Some("mcp") {
        // The MCP listing rows alone: `elevenlabs-mcp-bench mcp PYTHON [--quick]`, PYTHON
        // a venv's interpreter with the `mcp` SDK (`scripts/mcp-peers` installs one).
        let python = args
            .nth(1)
            .context("mcp needs the path of a Python with the mcp SDK")?;
        let quick = args.any(|a| a == "--quick");
        let rows = mcp::rows(Path::new(&python), quick)?;
        print!("{}", report::table(&rows));
        return Ok(());
    }
    if args.peek().map(String::as_str) == Some("scan") {
        // The scanner's rows alone: `elevenlabs-mcp-bench scan [--quick]`.
        let quick = args.any(|a| a == "--quick");
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../mcp-tool-scan/tests/corpus");
        print!("{}", report::table(&scan::rows(&corpus, quick)?));
        return Ok(());
    }
    if args.peek().map(String::as_str) == Some("cli") {
        // The command's rows alone: `elevenlabs-mcp-bench cli PATH [--quick]`.
        let cli = args
            .nth(1)
            .context("cli needs the path of the elevenlabs-mcp binary")?;
        let quick = args.any(|a| a == "--quick");
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let rows = cli::rows(Path::new(&cli), &workspace.join("target/bench-cli"), quick)?;
        print!("{}", report::table(&rows));
        return Ok(());
    }
    let options = Options::parse(args)?;
    let effort = if options.quick { QUICK } else { FULL };

    let bodies = Bodies::new(SERVERS)?;
    let server = Server::spawn(SERVERS)?;
    eprintln!(
        "loopback server at {}; get body {} bytes, list body {} bytes ({} servers)",
        server.base_url,
        bodies.server.len(),
        bodies.list.len(),
        SERVERS
    );
    // One thread for every Rust subject: the server's polling owns one of the machine's two
    // cores, and the vendor SDKs' event loops run on one thread too. With tokio's
    // multi-threaded runtime, the workers, the thread blocked on the result and the server
    // contended for two cores, and every call paid for waking a parked worker.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&server.base_url)
        .build()?;
    let http = reqwest::Client::new();
    let urls = Urls::new(&server.base_url);

    let mut rows = Vec::new();
    let (get_row, get) = runtime.block_on(sequential_get(&client, &http, &urls, effort))?;
    rows.push(get_row);
    rows.extend(runtime.block_on(get_floors(&http, &urls, effort))?);
    let (list_rows, list) = list(&runtime, &client, &http, &urls, &bodies, effort)?;
    rows.extend(list_rows);
    rows.extend(decode_rows(&bodies, effort.decodes)?);
    rows.extend(runtime.block_on(in_flight(&client, &http, &urls, effort))?);

    let vendors = [
        options.python.clone().map(VendorSdk::python),
        options.node_modules.clone().map(VendorSdk::node),
    ];
    let vendors: Vec<VendorSdk> = vendors.into_iter().flatten().collect();
    for sdk in &vendors {
        eprintln!("running the vendor SDK: {sdk:?}");
        let result = sdk.run(&server.base_url, KEY, SERVERS, effort)?;
        rows.extend(vendor_rows(&result, get.ours, list.ours));
    }
    drop(server);
    drop(runtime);

    eprintln!("calls started at once against a workspace limit");
    let counts = if options.quick {
        burst::Counts {
            gets: 40,
            creates: 8,
        }
    } else {
        burst::Counts {
            gets: 1_000,
            creates: 200,
        }
    };
    rows.extend(burst::rows(counts, &vendors)?);

    if let Some(emulator) = &options.emulator {
        eprintln!("the emulator's state file under concurrent writers");
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        rows.extend(store::rows(
            emulator,
            &workspace.join("target/bench-store"),
            options.quick,
        )?);
    }

    if let Some(cli) = &options.cli {
        eprintln!("the elevenlabs-mcp command: apply and tools audit at the service's pace");
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        rows.extend(cli::rows(
            cli,
            &workspace.join("target/bench-cli"),
            options.quick,
        )?);
    }

    if options.build {
        eprintln!("clean release builds of the two consumers (minutes)");
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let built = consumer::measure(&workspace, &workspace.join("target/bench-build"))?;
        let ratio = built.sdk.as_secs_f64() / built.reqwest_only.as_secs_f64();
        rows.push(Row {
            figure: "clean release build of a minimal consumer".into(),
            ours: format!("{:.1} s", built.sdk.as_secs_f64()),
            baseline: format!(
                "reqwest alone, same TLS: {:.1} s",
                built.reqwest_only.as_secs_f64()
            ),
            ratio,
            target: Some(Target::AtMost(1.3)),
        });
    }
    print!("{}", report::table(&rows));
    Ok(())
}

/// The two URLs the subjects fetch.
#[derive(Debug, Clone)]
struct Urls {
    server: String,
    list: String,
}

impl Urls {
    fn new(base: &str) -> Self {
        Self {
            server: format!(
                "{base}{}",
                Operation::McpServersGet
                    .path_template()
                    .replace("{mcp_server_id}", SERVER_ID)
            ),
            list: format!("{base}{}", Operation::McpServersList.path_template()),
        }
    }
}

/// What bare reqwest does for one call: send, check the status, read the whole body.
async fn fetch(http: &reqwest::Client, url: &str) -> Result<bytes::Bytes> {
    Ok(http
        .get(url)
        .header("xi-api-key", KEY)
        .send()
        .await?
        .error_for_status()?
        .bytes()
        .await?)
}

/// Bare reqwest, then the body decoded into `T`: `serde_json::Value` is the baseline of `list`.
async fn fetch_decoded<T: serde::de::DeserializeOwned>(
    http: &reqwest::Client,
    url: &str,
) -> Result<T> {
    Ok(serde_json::from_slice(&fetch(http, url).await?)?)
}

/// Checks that the baseline decoded the whole workspace, as the client's `list` is checked.
fn check_value(value: serde_json::Value) -> Result<()> {
    ensure!(value["mcp_servers"].as_array().map(Vec::len) == Some(SERVERS));
    Ok(())
}

/// The client's `get`, checked to have decoded the record asked for.
async fn our_get(client: &Client) -> Result<()> {
    ensure!(client.mcp_servers().get(SERVER_ID).await?.id == SERVER_ID);
    Ok(())
}

async fn sequential_get(
    client: &Client,
    http: &reqwest::Client,
    urls: &Urls,
    effort: Effort,
) -> Result<(Row, Pair)> {
    let pair = measure::sequential(
        effort.rounds,
        effort.gets,
        async || our_get(client).await,
        async || fetch(http, &urls.server).await.map(drop),
    )
    .await?;
    let row = Row {
        figure: "sequential `get`, per call".into(),
        ours: time(pair.ours),
        baseline: format!("bare reqwest, same bytes: {}", time(pair.baseline)),
        ratio: pair.ratio(),
        target: Some(Target::AtMost(1.10)),
    };
    Ok((row, pair))
}

/// What any client that reads the body pays on top of bare reqwest, for scale: parsing the
/// record without keeping it (`IgnoredAny`), and building an untyped `serde_json::Value`.
async fn get_floors(http: &reqwest::Client, urls: &Urls, effort: Effort) -> Result<[Row; 2]> {
    let parse_only = measure::sequential(
        effort.rounds,
        effort.gets,
        async || {
            fetch_decoded::<serde::de::IgnoredAny>(http, &urls.server)
                .await
                .map(drop)
        },
        async || fetch(http, &urls.server).await.map(drop),
    )
    .await?;
    let value = measure::sequential(
        effort.rounds,
        effort.gets,
        async || {
            fetch_decoded::<serde_json::Value>(http, &urls.server)
                .await
                .map(drop)
        },
        async || fetch(http, &urls.server).await.map(drop),
    )
    .await?;
    let row = |figure: &str, pair: Pair| Row {
        figure: figure.into(),
        ours: time(pair.ours),
        baseline: format!("bare reqwest, same bytes: {}", time(pair.baseline)),
        ratio: pair.ratio(),
        target: None,
    };
    Ok([
        row(
            "for scale: bare reqwest + parsing the record, keeping nothing",
            parse_only,
        ),
        row("for scale: bare reqwest + `serde_json::Value`", value),
    ])
}

fn list(
    runtime: &tokio::runtime::Runtime,
    client: &Client,
    http: &reqwest::Client,
    urls: &Urls,
    bodies: &Bodies,
    effort: Effort,
) -> Result<([Row; 2], Pair)> {
    let pair = runtime.block_on(measure::sequential(
        effort.rounds,
        effort.lists,
        async || {
            ensure!(client.mcp_servers().list().await?.len() == SERVERS);
            Ok(())
        },
        async || fetch_decoded(http, &urls.list).await.and_then(check_value),
    ))?;
    // Peak heap of one call each, the result still held at the end as a caller would.
    let (servers, ours) =
        alloc::peak_during(|| runtime.block_on(client.mcp_servers().list().into_future()));
    ensure!(servers?.len() == SERVERS);
    let (value, baseline) =
        alloc::peak_during(|| runtime.block_on(fetch_decoded(http, &urls.list)));
    check_value(value?)?;
    let body = bodies.list.len() as f64;
    let rows = [
        Row {
            figure: format!(
                "`list` of {SERVERS} servers ({}), per call",
                mib(bodies.list.len())
            ),
            ours: time(pair.ours),
            baseline: format!("reqwest + `serde_json::Value`: {}", time(pair.baseline)),
            ratio: pair.ratio(),
            target: None,
        },
        Row {
            figure: "`list` peak heap, as a multiple of the body".into(),
            ours: format!("{} ({:.2}× body)", mib(ours), ours as f64 / body),
            baseline: format!(
                "reqwest + `serde_json::Value`: {} ({:.2}× body)",
                mib(baseline),
                baseline as f64 / body
            ),
            ratio: ours as f64 / body,
            target: Some(Target::Below(4.0)),
        },
    ];
    Ok((rows, pair))
}

async fn in_flight(
    client: &Client,
    http: &reqwest::Client,
    urls: &Urls,
    effort: Effort,
) -> Result<[Row; 2]> {
    let ours = {
        let client = client.clone();
        Arc::new(move || {
            let client = client.clone();
            async move { our_get(&client).await }
        })
    };
    let bare = |decode: bool| {
        let http = http.clone();
        let url: Arc<str> = urls.server.as_str().into();
        Arc::new(move || {
            let (http, url) = (http.clone(), url.clone());
            async move {
                if decode {
                    fetch_decoded::<serde_json::Value>(&http, &url)
                        .await
                        .map(drop)
                } else {
                    fetch(&http, &url).await.map(drop)
                }
            }
        })
    };
    let pair = measure::concurrent(
        effort.rounds,
        effort.in_flight_calls,
        IN_FLIGHT,
        ours,
        bare(false),
    )
    .await?;
    let value = measure::concurrent(
        effort.rounds,
        effort.in_flight_calls,
        IN_FLIGHT,
        bare(true),
        bare(false),
    )
    .await?;
    let per_second = |d: Duration| 1.0 / d.as_secs_f64();
    let row = |figure: String, ours: String, pair: Pair, target| Row {
        figure,
        ours,
        baseline: format!("bare reqwest: {:.0} calls/s", per_second(pair.baseline)),
        // Time per call, ours over baseline: the baseline's throughput over ours.
        ratio: pair.ratio(),
        target,
    };
    Ok([
        row(
            format!("{IN_FLIGHT} `get`s in flight, throughput"),
            format!("{:.0} calls/s", per_second(pair.ours)),
            pair,
            Some(Target::AtMost(1.2)),
        ),
        row(
            format!("for scale: {IN_FLIGHT} in flight, bare reqwest + `serde_json::Value`"),
            format!("{:.0} calls/s", per_second(value.ours)),
            value,
            None,
        ),
    ])
}

/// The `list` body decoded in process: the typed decode against `serde_json::Value`, with
/// the keys in the service's order and sorted, and parsing alone for scale.
fn decode_rows(bodies: &Bodies, rounds: usize) -> Result<Vec<Row>> {
    let [service, sorted] = decode::measure([&bodies.list, &bodies.list_sorted], SERVERS, rounds)?;
    let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64();
    let typed = |figure: String, decodes: decode::Decodes| Row {
        figure,
        ours: time(decodes.typed),
        baseline: format!("`serde_json::Value`: {}", time(decodes.value)),
        ratio: ratio(decodes.typed, decodes.value),
        target: None,
    };
    #[allow(unused_mut)]
    let mut rows = vec![
        typed(
            format!("decoding the `list` body of {SERVERS} servers in process, typed"),
            service,
        ),
        typed(
            "the same, every object's keys sorted (as the emulator writes them)".into(),
            sorted,
        ),
        Row {
            figure: "for scale: the typed decode against parsing alone (`IgnoredAny`)".into(),
            ours: time(service.typed),
            baseline: format!("parsing, keeping nothing: {}", time(service.parse_only)),
            ratio: ratio(service.typed, service.parse_only),
            target: None,
        },
    ];
    // The SIMD parsers, with `--features simd-parsers`: each runs the types' liberal decode
    // (the streamed one is serde_json's), so the baseline is serde_json's liberal decode.
    #[cfg(feature = "simd-parsers")]
    {
        let parsers = decode::parsers(&bodies.list, SERVERS, rounds)?;
        for (name, took) in [
            ("sonic-rs", parsers.sonic_rs),
            ("simd-json (on a copy)", parsers.simd_json),
        ] {
            rows.push(Row {
                figure: format!("the liberal typed decode through {name}"),
                ours: time(took),
                baseline: format!("through serde_json: {}", time(parsers.serde_json)),
                ratio: ratio(took, parsers.serde_json),
                target: None,
            });
        }
    }
    Ok(rows)
}

/// The vendor's `get` and `list` against ours from the same run.
fn vendor_rows(vendor: &VendorResult, get: Duration, list: Duration) -> [Row; 2] {
    let row = |call: &str, ours: Duration, theirs: Duration, target| Row {
        figure: format!(
            "{call} through {}, how many times slower than ours",
            vendor.sdk
        ),
        ours: time(ours),
        baseline: time(theirs),
        ratio: theirs.as_secs_f64() / ours.as_secs_f64(),
        target,
    };
    let target = if vendor.sdk.contains("Python") {
        Target::AtLeast(100.0)
    } else {
        Target::AtLeast(10.0)
    };
    [
        row("`get`", get, vendor.get, None),
        row("`list`", list, vendor.list, Some(target)),
    ]
}
