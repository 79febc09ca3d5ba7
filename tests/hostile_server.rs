//! What a server in the API's place can do to the client, on loopback: point it elsewhere
//! with a redirect (the key must stay where it was configured to go), or answer with a body
//! that never ends (the process must not grow with it).

use elevenlabs_mcp::{DEFAULT_MAX_RESPONSE_BODY, ERROR_BODY_LIMIT, Error};
use workspace_tests::{Recorder, Reply, TEST_KEY, client, corpus_text, peak_rss};

const GET_PATH: &str = "/v1/convai/mcp-servers/mcp_1";

fn header<'a>(received: &'a workspace_tests::Received, name: &str) -> Option<&'a str> {
    received
        .headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

#[tokio::test]
async fn the_key_follows_no_redirect_to_another_origin_or_the_same_one() {
    for status in [301u16, 302, 303, 307, 308] {
        let elsewhere =
            Recorder::start(vec![Reply::json(200, corpus_text("mcp_server.full.json"))]).await;
        for target in [
            format!("{}{GET_PATH}", elsewhere.base_url),
            GET_PATH.to_owned(),
        ] {
            let first = Recorder::start(vec![Reply::with_headers(
                status,
                &[("location", &target)],
                "",
            )])
            .await;
            let err = client(&first.base_url)
                .mcp_servers()
                .get("mcp_1")
                .await
                .expect_err("a redirect is an error");
            match &err {
                Error::Redirect {
                    status: got,
                    location,
                } => {
                    assert_eq!(got.as_u16(), status);
                    assert_eq!(location.as_deref(), Some(target.as_str()));
                }
                other => panic!("{status} to {target}: {other:?}"),
            }
            assert!(err.to_string().contains(&target), "{err}");
            let arrived = first.received();
            assert_eq!(
                arrived.len(),
                1,
                "{status} to {target}: followed to the same origin"
            );
            assert_eq!(header(&arrived[0], "xi-api-key"), Some(TEST_KEY));
            assert_eq!(header(&arrived[0], "referer"), None);
        }
        assert!(
            elsewhere.received().is_empty(),
            "{status}: the other origin was reached: {:?}",
            elsewhere.received()
        );
    }
}

#[tokio::test]
async fn a_client_of_the_callers_keeps_its_own_redirect_policy() {
    // What the rustdoc of `http_client` warns about: reqwest's default policy follows a
    // redirect to another port with the key. The client the builder makes does not.
    let elsewhere =
        Recorder::start(vec![Reply::json(200, corpus_text("mcp_server.full.json"))]).await;
    let target = format!("{}{GET_PATH}", elsewhere.base_url);
    let first = Recorder::start(vec![Reply::with_headers(307, &[("location", &target)], "")]).await;
    let theirs = elevenlabs_mcp::Client::builder()
        .api_key(TEST_KEY)
        .base_url(&first.base_url)
        .http_client(elevenlabs_mcp::reqwest::Client::new())
        .build()
        .expect("client");
    theirs.mcp_servers().get("mcp_1").await.expect("followed");
    assert_eq!(elsewhere.received().len(), 1);
}

#[tokio::test]
async fn a_list_that_never_ends_stops_at_the_default_limit_and_is_not_retried() {
    let server = Recorder::start(vec![Reply::Endless]).await;
    let c = elevenlabs_mcp::Client::builder()
        .api_key(TEST_KEY)
        .base_url(&server.base_url)
        .build()
        .expect("client with the default retries");
    let err = c.mcp_servers().list().await.expect_err("too large");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == DEFAULT_MAX_RESPONSE_BODY),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains(&DEFAULT_MAX_RESPONSE_BODY.to_string()),
        "{err}"
    );
    assert_eq!(
        server.received().len(),
        1,
        "a body past the limit is not retried"
    );
    assert!(server.streamed() >= DEFAULT_MAX_RESPONSE_BODY as u64);
    // The body was read up to the limit and no further: the process holds at most about
    // the limit, never the (endless) body. Without the limit it grows by about a gigabyte a
    // second until the 60 s timeout.
    let peak = peak_rss().expect("Linux /proc");
    assert!(
        peak < (DEFAULT_MAX_RESPONSE_BODY as u64) * 3,
        "peak RSS {peak} bytes"
    );
}

#[tokio::test]
async fn the_limit_is_set_per_client_and_per_call() {
    let server = Recorder::start(vec![Reply::Endless]).await;
    let c = elevenlabs_mcp::Client::builder()
        .api_key(TEST_KEY)
        .base_url(&server.base_url)
        .max_response_body(1 << 20)
        .build()
        .expect("client");
    let err = c.mcp_servers().list().await.expect_err("too large");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == 1 << 20),
        "{err:?}"
    );

    let normal = Recorder::start(vec![Reply::json(200, corpus_text("mcp_server.full.json"))]).await;
    let c = client(&normal.base_url);
    let size = corpus_text("mcp_server.full.json").len();
    let err = c
        .mcp_servers()
        .get("mcp_1")
        .max_response_body(size - 1)
        .await
        .expect_err("one byte too many");
    assert!(
        matches!(err, Error::ResponseTooLarge { limit, .. } if limit == size - 1),
        "{err:?}"
    );
    c.mcp_servers()
        .get("mcp_1")
        .max_response_body(size)
        .await
        .expect("exactly at the limit");
}

#[tokio::test]
async fn a_declared_length_over_the_limit_is_refused_before_reading() {
    let server = Recorder::start(vec![Reply::Declared(u64::MAX / 2)]).await;
    let err = client(&server.base_url)
        .mcp_servers()
        .list()
        .await
        .expect_err("declared too large");
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
}

#[tokio::test]
async fn an_error_body_is_cut_at_its_own_bound() {
    let huge = format!("{{\"detail\": \"{}\"}}", "x".repeat(3 * ERROR_BODY_LIMIT));
    let server = Recorder::start(vec![Reply::json(500, huge)]).await;
    let c = client(&server.base_url);
    let raw = c.mcp_servers().get("mcp_1").raw().await.expect("raw");
    assert_eq!(raw.status().as_u16(), 500);
    assert_eq!(raw.body().len(), ERROR_BODY_LIMIT);
    let err = c.mcp_servers().get("mcp_1").await.expect_err("500");
    let api = err.api().expect("an API error");
    assert!(
        api.body.len() < 2 * elevenlabs_mcp::BODY_EXCERPT_LIMIT,
        "{}",
        api.body.len()
    );
}

#[tokio::test]
async fn the_emulator_refuses_a_request_body_over_its_limit() {
    let emulator = elevenlabs_mcp_emulator::Emulator::builder()
        .start()
        .await
        .expect("emulator");
    let http = elevenlabs_mcp::reqwest::Client::new();
    let url = format!("{}/v1/convai/mcp-servers", emulator.base_url());
    let send = |size: usize| {
        let body = format!(
            "{{\"config\": {{\"name\": \"n\", \"url\": \"https://x.example\", \"description\": \"{}\"}}}}",
            "x".repeat(size)
        );
        http.post(&url)
            .header("xi-api-key", TEST_KEY)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let over = send(3 << 20).await.expect("answered");
    assert_eq!(
        over.status().as_u16(),
        413,
        "3 MiB is over axum's 2 MB default"
    );
    let under = send(1 << 20).await.expect("answered");
    assert_ne!(under.status().as_u16(), 413);
    emulator.shutdown().await;
}
