//! Retrying API calls that fail for a transient reason (server unreachable or restarting).

use std::future::Future;
use std::time::Duration;

use crate::error::Failure;
use crate::render::progress::{Event, Progress};

/// How long API calls are retried while the server is unreachable or restarting.
const RETRY_FOR: Duration = Duration::from_secs(300);

/// Runs `call` again while it fails for a transient reason (server unreachable or restarting),
/// for up to [`RETRY_FOR`], warning once.
pub async fn with_retry<T, F, Fut>(
    progress: &mut Progress,
    what: &str,
    call: F,
) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    retrying(call, |e| {
        progress.emit(Event::Warning {
            message: format!("{what}: {}; retrying", e.message),
        })
    })
    .await
}

/// The retries of [`with_retry`], telling `first_retry` of the first failure retried (once)
/// rather than reporting it, for calls made side by side that cannot each hold the progress.
pub async fn retrying<T, F, Fut>(
    mut call: F,
    mut first_retry: impl FnMut(&Failure),
) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let give_up = tokio::time::Instant::now() + RETRY_FOR;
    let mut delay = Duration::from_millis(200);
    let mut warned = false;
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(e) if e.retryable && tokio::time::Instant::now() < give_up => {
                if !warned {
                    first_retry(&e);
                    warned = true;
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}
