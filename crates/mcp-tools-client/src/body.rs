//! Reading response bodies under the byte bounds.
//!
//! Every byte of every response passes through one [`Budget`], so the total bound holds
//! over the whole listing, and each body is read chunk by chunk against its own bound: at
//! most one chunk (what one socket read returns) is ever held past a bound before the read
//! stops and the response, and with it the connection, is dropped.

use bytes::Bytes;
use reqwest::Response;

use crate::error::{Bound, ListError, Step};
use crate::http;
use crate::sse::{Event, Parser};

/// The bytes the listing may still read.
#[derive(Debug)]
pub(crate) struct Budget {
    used: usize,
    limit: usize,
}

impl Budget {
    pub(crate) fn new(limit: usize) -> Self {
        Self { used: 0, limit }
    }

    /// Counts `n` bytes read, failing once the total passes the bound.
    fn take(&mut self, n: usize, step: Step) -> Result<(), ListError> {
        self.used = self.used.saturating_add(n);
        if self.used > self.limit {
            return Err(ListError::TooLarge {
                step,
                bound: Bound::TotalBytes,
                limit: self.limit,
            });
        }
        Ok(())
    }

    fn remaining(&self) -> usize {
        self.limit.saturating_sub(self.used)
    }
}

/// The next chunk of a body, counted against the budget; `None` at its end.
async fn next_chunk(
    response: &mut Response,
    budget: &mut Budget,
    step: Step,
) -> Result<Option<Bytes>, ListError> {
    let chunk = response.chunk().await.map_err(|e| http::broken(e, step))?;
    if let Some(chunk) = &chunk {
        budget.take(chunk.len(), step)?;
    }
    Ok(chunk)
}

/// A whole body, refused as soon as it passes `limit` (or the budget). A `Content-Length`
/// over either is refused before a byte is read.
pub(crate) async fn read_all(
    response: &mut Response,
    budget: &mut Budget,
    limit: usize,
    step: Step,
) -> Result<Vec<u8>, ListError> {
    let too_large = |bound, limit| ListError::TooLarge { step, bound, limit };
    if let Some(declared) = response.content_length() {
        let declared = usize::try_from(declared).unwrap_or(usize::MAX);
        if declared > limit {
            return Err(too_large(Bound::MessageBytes, limit));
        }
        if declared > budget.remaining() {
            return Err(too_large(Bound::TotalBytes, budget.limit));
        }
    }
    let mut body = Vec::new();
    while let Some(chunk) = next_chunk(response, budget, step).await? {
        if body.len() + chunk.len() > limit {
            return Err(too_large(Bound::MessageBytes, limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// At most `limit` bytes of a body, for an error's excerpt; the rest is left unread.
pub(crate) async fn read_prefix(
    response: &mut Response,
    budget: &mut Budget,
    limit: usize,
    step: Step,
) -> Vec<u8> {
    let mut body = Vec::new();
    while body.len() < limit {
        match next_chunk(response, budget, step).await {
            Ok(Some(chunk)) => {
                let room = limit - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            // An excerpt is a courtesy: whatever stops it, what was read is shown.
            Ok(None) | Err(_) => break,
        }
    }
    body
}

/// The events of an SSE response body, parsed as they arrive.
#[derive(Debug)]
pub(crate) struct EventReader {
    response: Response,
    parser: Parser,
}

impl EventReader {
    pub(crate) fn new(response: Response, max_line: usize, max_data: usize) -> Self {
        Self {
            response,
            parser: Parser::new(max_line, max_data),
        }
    }

    /// The next event; `None` when the stream ends.
    pub(crate) async fn next(
        &mut self,
        budget: &mut Budget,
        step: Step,
    ) -> Result<Option<Event>, ListError> {
        loop {
            if let Some(event) = self.parser.next() {
                return Ok(Some(event));
            }
            let Some(chunk) = next_chunk(&mut self.response, budget, step).await? else {
                return Ok(None);
            };
            self.parser
                .feed(&chunk)
                .map_err(|overflow| ListError::TooLarge {
                    step,
                    bound: overflow.bound,
                    limit: overflow.limit,
                })?;
        }
    }
}
