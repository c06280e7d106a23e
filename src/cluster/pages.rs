//! Long lists (every node, every pod) read page by page as raw JSON, with the next page on its way
//! while a blocking thread decodes this one: at 50,000 pods the wait for the API server and our
//! decoding then overlap instead of adding up.

use std::future::Future;
use std::time::{Duration, Instant};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ListMeta;
use kube::api::ListParams;
use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
use tokio::sync::mpsc;

use super::{describe, Cluster, Request, PAGE_SIZE};
use crate::error::Failure;

/// Pages held between the fetch and the decoding: one lets the next request go out while a page
/// is decoded; more would only hold more memory, since the server's time per page is the bound.
const AHEAD: usize = 1;

/// One list request: where, how a failure names it, and its selectors.
pub(super) struct List<'a> {
    pub path: String,
    pub request: Request<'a>,
    pub params: ListParams,
}

impl<'a> List<'a> {
    /// A cluster-wide list of `resource` (as RBAC names it) at `path`.
    pub fn cluster_wide(path: String, resource: &'a str, params: ListParams) -> Self {
        List {
            path,
            request: Request {
                verb: "list",
                resource,
                namespace: None,
            },
            params,
        }
    }
}

/// Objects of one page, ignoring the list's metadata.
#[derive(serde::Deserialize)]
struct Items<T> {
    items: Option<Vec<T>>,
}

/// The objects of one page of a list as `T` (a slim type: serde skips every field it lacks).
pub(super) fn items<T: serde::de::DeserializeOwned>(page: &[u8]) -> serde_json::Result<Vec<T>> {
    Ok(serde_json::from_slice::<Items<T>>(page)?
        .items
        .unwrap_or_default())
}

/// Where the time of one list went, for `-vv`: waiting for the server, reading the continue
/// token, and decoding.
#[derive(Debug, Default)]
struct Timings {
    pages: usize,
    waited: Duration,
    token: Duration,
}

impl Cluster {
    /// Lists `list` page by page (`PAGE_SIZE` objects a request) and folds each page's JSON into
    /// `state` with `fold` (which returns how many objects the page held) on a blocking thread.
    pub(super) async fn fold_pages<S, F>(
        &self,
        list: List<'_>,
        state: S,
        fold: F,
    ) -> Result<S, Failure>
    where
        S: Send + 'static,
        F: FnMut(&mut S, &[u8]) -> serde_json::Result<usize> + Send + 'static,
    {
        let fail = |e| describe(e, &list.request, &self.target());
        let params = list.params.clone().limit(PAGE_SIZE);
        let fetch = |token: Option<String>| {
            let mut params = params.clone();
            if let Some(token) = &token {
                params = params.continue_token(token);
            }
            self.fetch_page(&list.path, params)
        };
        let folded = fold_pipelined(fetch, state, fold).await;
        let (state, count) = folded.map_err(|e| match e {
            PageError::Fetch(e) => fail(e),
            PageError::Decode(e) => fail(kube::Error::SerdeError(e)),
        })?;
        tracing::info!(resource = list.request.resource, count, "listed");
        Ok(state)
    }

    async fn fetch_page(&self, path: &str, params: ListParams) -> kube::Result<String> {
        let mut request = kube::core::Request::new(path)
            .list(&params)
            .map_err(kube::Error::BuildRequest)?;
        request.extensions_mut().insert("list");
        self.client.request_text(request).await
    }
}

/// Why a pipelined list stopped.
#[derive(Debug)]
pub(super) enum PageError {
    Fetch(kube::Error),
    Decode(serde_json::Error),
}

/// Fetches pages with `fetch` (given the continue token, `None` for the first page) and folds
/// them on a blocking thread, at most `AHEAD` pages waiting between the two. Returns the state
/// and the number of objects.
pub(super) async fn fold_pipelined<S, F, Fut>(
    mut fetch: impl FnMut(Option<String>) -> Fut,
    state: S,
    fold: F,
) -> Result<(S, usize), PageError>
where
    S: Send + 'static,
    F: FnMut(&mut S, &[u8]) -> serde_json::Result<usize> + Send + 'static,
    Fut: Future<Output = kube::Result<String>>,
{
    let (pages, received) = mpsc::channel::<String>(AHEAD);
    let decoder = tokio::task::spawn_blocking(move || decode_pages(received, state, fold));
    let mut timings = Timings::default();
    let mut token = None;
    let fetched = loop {
        let started = Instant::now();
        let page = match fetch(token.take()).await {
            Ok(page) => page,
            Err(e) => break Err(PageError::Fetch(e)),
        };
        let read = Instant::now();
        timings.waited += read - started;
        timings.pages += 1;
        let next = match continue_token(page.as_bytes()) {
            Ok(next) => next,
            Err(e) => break Err(PageError::Decode(e)),
        };
        timings.token += read.elapsed();
        // A closed channel means the decoder stopped at a bad page: its error is reported below.
        if pages.send(page).await.is_err() || next.is_none() {
            break Ok(());
        }
        token = next;
    };
    drop(pages);
    let decoded = match decoder.await {
        Ok(decoded) => decoded,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(PageError::Fetch(kube::Error::Service(Box::new(e)))),
    };
    fetched?;
    let (state, count, decoding) = decoded?;
    tracing::debug!(
        pages = timings.pages,
        waited_ms = timings.waited.as_millis(),
        token_ms = timings.token.as_millis(),
        decoding_ms = decoding.as_millis(),
        "pages fetched and decoded"
    );
    Ok((state, count))
}

/// The blocking side: folds pages until the channel closes. Also returns the time spent folding.
fn decode_pages<S, F>(
    mut pages: mpsc::Receiver<String>,
    mut state: S,
    mut fold: F,
) -> Result<(S, usize, Duration), PageError>
where
    F: FnMut(&mut S, &[u8]) -> serde_json::Result<usize>,
{
    let mut count = 0;
    let mut busy = Duration::ZERO;
    while let Some(page) = pages.blocking_recv() {
        let started = Instant::now();
        count += fold(&mut state, page.as_bytes()).map_err(PageError::Decode)?;
        busy += started.elapsed();
    }
    Ok((state, count, busy))
}

/// The continue token of one page, read without decoding the items: the API server writes
/// `metadata` before `items`, so the next page can be asked for at once.
fn continue_token(page: &[u8]) -> serde_json::Result<Option<String>> {
    let mut meta = None;
    let read = serde_json::Deserializer::from_slice(page).deserialize_map(MetadataOnly(&mut meta));
    match (meta, read) {
        // Having stopped after the metadata, serde_json complains that the object goes on.
        (Some(meta), _) => Ok(meta.continue_.filter(|token| !token.is_empty())),
        (None, Err(e)) => Err(e),
        (None, Ok(())) => Ok(None),
    }
}

/// Reads a list's keys up to `metadata` into the option, skipping what comes before it.
struct MetadataOnly<'a>(&'a mut Option<ListMeta>);

impl<'de> Visitor<'de> for MetadataOnly<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a list object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "metadata" {
                *self.0 = Some(map.next_value()?);
                return Ok(());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn the_continue_token_is_read_from_the_metadata_wherever_it_stands() {
        let cases = [
            (
                r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7","continue":"abc","remainingItemCount":3},"items":[{"x":1}]}"#,
                Some("abc"),
            ),
            (
                r#"{"kind":"PodList","metadata":{"resourceVersion":"7"},"items":[]}"#,
                None,
            ),
            (r#"{"metadata":{"continue":""},"items":[]}"#, None),
            (
                r#"{"items":[{"a":[1,{"b":"c"}]}],"metadata":{"continue":"late"}}"#,
                Some("late"),
            ),
            (r#"{"items":[]}"#, None),
        ];
        for (page, want) in cases {
            assert_eq!(
                continue_token(page.as_bytes()).unwrap().as_deref(),
                want,
                "{page}"
            );
        }
    }

    #[test]
    fn a_page_that_is_not_a_list_is_an_error() {
        for page in [
            r#"not json"#,
            r#"[1,2]"#,
            r#"{"metadata":{"continue":5}}"#,
            r#"{"items":[1"#,
        ] {
            assert!(continue_token(page.as_bytes()).is_err(), "{page}");
        }
    }

    #[test]
    fn items_of_a_page_ignore_the_rest() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct Named {
            name: String,
        }
        let page =
            br#"{"metadata":{"continue":"x"},"items":[{"name":"a","big":[1,2,3]},{"name":"b"}]}"#;
        let got: Vec<Named> = items(page).unwrap();
        assert_eq!(
            got,
            [Named { name: "a".into() }, Named { name: "b".into() }]
        );
        assert!(items::<Named>(br#"{"items":null}"#).unwrap().is_empty());
    }

    fn page(names: &[&str], token: Option<&str>) -> String {
        let items: Vec<String> = names
            .iter()
            .map(|n| format!(r#"{{"name":"{n}"}}"#))
            .collect();
        let meta = token.map_or(String::new(), |t| format!(r#""continue":"{t}""#));
        format!(r#"{{"metadata":{{{meta}}},"items":[{}]}}"#, items.join(","))
    }

    fn collect_names(names: &mut Vec<String>, page: &[u8]) -> serde_json::Result<usize> {
        #[derive(serde::Deserialize)]
        struct Named {
            name: String,
        }
        let found: Vec<Named> = items(page)?;
        names.extend(found.iter().map(|n| n.name.clone()));
        Ok(found.len())
    }

    /// The continue tokens a fake server was asked for, in order.
    type Asked = Arc<Mutex<Vec<Option<String>>>>;

    /// A fake API: the pages by the token that asks for them; records the tokens asked for.
    fn server(
        pages: Vec<(Option<&'static str>, kube::Result<String>)>,
    ) -> (
        Asked,
        impl FnMut(Option<String>) -> std::future::Ready<kube::Result<String>>,
    ) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let mut pages: std::collections::HashMap<_, _> = pages
            .into_iter()
            .map(|(token, page)| (token.map(str::to_string), page))
            .collect();
        let fetch = move |token: Option<String>| {
            log.lock().unwrap().push(token.clone());
            std::future::ready(pages.remove(&token).unwrap_or_else(|| {
                Err(kube::Error::Service(
                    format!("unexpected token {token:?}").into(),
                ))
            }))
        };
        (asked, fetch)
    }

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn pages_are_followed_by_their_tokens_and_folded_in_order() {
        let (asked, fetch) = server(vec![
            (None, Ok(page(&["a", "b"], Some("t1")))),
            (Some("t1"), Ok(page(&["c"], Some("t2")))),
            (Some("t2"), Ok(page(&["d", "e"], None))),
        ]);
        let (names, count) = run(fold_pipelined(fetch, Vec::new(), collect_names)).unwrap();
        assert_eq!(names, ["a", "b", "c", "d", "e"]);
        assert_eq!(count, 5);
        assert_eq!(
            *asked.lock().unwrap(),
            [None, Some("t1".to_string()), Some("t2".to_string())]
        );
    }

    #[test]
    fn a_failed_fetch_or_a_bad_page_stops_the_list() {
        let (_, fetch) = server(vec![
            (None, Ok(page(&["a"], Some("t1")))),
            (
                Some("t1"),
                Err(kube::Error::Service("connection reset".into())),
            ),
        ]);
        let failed = run(fold_pipelined(fetch, Vec::new(), collect_names));
        assert!(matches!(failed, Err(PageError::Fetch(_))), "{failed:?}");

        let (asked, fetch) = server(vec![
            (
                None,
                Ok(r#"{"metadata":{"continue":"t1"},"items":[{"nom":1}]}"#.into()),
            ),
            (Some("t1"), Ok(page(&["b"], None))),
        ]);
        let failed = run(fold_pipelined(fetch, Vec::new(), collect_names));
        assert!(matches!(failed, Err(PageError::Decode(_))), "{failed:?}");
        assert!(asked.lock().unwrap().len() <= 2);

        let (_, fetch) = server(vec![(None, Ok("<html>".into()))]);
        let failed = run(fold_pipelined(fetch, Vec::new(), collect_names));
        assert!(matches!(failed, Err(PageError::Decode(_))), "{failed:?}");
    }
}
