//! The SDK's TLS choice stays inside the SDK: a program that depends on elevenlabs-mcp and
//! on reqwest with no features of its own can still build a default `reqwest::Client`.
//! (With `reqwest/rustls-no-provider`, which the SDK used to turn on for the whole binary,
//! `reqwest::Client::new()` panicked: "No rustls crypto provider is configured".)
//!
//! Builds a scratch program outside the workspace, sharing `target/scratch-maintainer` with
//! the maintainer test so that dependencies are compiled once.

mod support;

use support::{scratch_cargo, text, workspace};

const MAIN: &str = r#"
fn main() {
    // Another library's (or the program's own) default client, built first...
    let other = reqwest::Client::new();
    // ...and the SDK's, in the same binary.
    let sdk = elevenlabs_mcp::Client::builder()
        .api_key("sk_consumer_test")
        .build()
        .expect("the SDK's client");
    let again = reqwest::Client::builder().build().expect("a default client after the SDK's");
    let _ = (other, sdk, again);
    println!("both clients built");
}
"#;

#[test]
fn a_consumer_with_bare_reqwest_builds_default_clients() {
    let dir = tempfile::tempdir().expect("tempdir");
    let app = dir.path().join("consumer");
    std::fs::create_dir_all(app.join("src")).expect("mkdir");
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"tls-consumer\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n\
             [workspace]\n\n[dependencies]\n\
             elevenlabs-mcp = {{ path = {:?} }}\n\
             reqwest = {{ version = \"0.13\", default-features = false }}\n",
            workspace().join("crates/elevenlabs-mcp").display().to_string()
        ),
    )
    .expect("manifest");
    std::fs::copy(workspace().join("Cargo.lock"), app.join("Cargo.lock")).expect("lock");
    std::fs::write(app.join("src/main.rs"), MAIN).expect("main");
    let run = scratch_cargo(&app, &["run", "--offline", "--quiet"]);
    assert!(run.status.success(), "the consumer failed:\n{}", text(&run));
    assert!(text(&run).contains("both clients built"), "{}", text(&run));
}
