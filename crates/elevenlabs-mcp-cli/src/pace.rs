//! Fetching at the service's pace: the service limits a workspace by calls in flight, and
//! the client learns that limit from its answers. Work that fans out over servers runs as
//! many at once as the limit allows, no more (a task waiting for a slot would only queue
//! behind the others), and its results come back in the order of its input.

use std::future::Future;

use elevenlabs_mcp::Client;
use futures_util::StreamExt;

/// At most this many tasks at once when the service states no limit.
const WITHOUT_LIMIT: usize = 32;

/// How many tasks to run at once now.
pub fn width(client: &Client) -> usize {
    client.concurrency_limit().unwrap_or(WITHOUT_LIMIT).max(1)
}

/// Runs `task` on each item, as many at once as the client's limit allows; the results are
/// in the items' order.
pub async fn each<T, R, Fut>(
    client: &Client,
    items: impl IntoIterator<Item = T>,
    task: impl FnMut(T) -> Fut,
) -> Vec<R>
where
    Fut: Future<Output = R>,
{
    futures_util::stream::iter(items)
        .map(task)
        .buffered(width(client))
        .collect()
        .await
}
