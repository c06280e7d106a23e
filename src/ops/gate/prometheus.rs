//! Instant queries against Prometheus's HTTP API (`GET /api/v1/query`) over HTTP or HTTPS: the
//! platform's trust roots plus an optional CA file, and an optional bearer token file read at
//! every query because mounted tokens rotate. What an answer means is the core's business
//! (`crate::rollout::gate::judge`); this reads it into an `Answer`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use http::{header, HeaderValue, Request, StatusCode, Uri};
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use serde::de::IgnoredAny;
use serde::Deserialize;

use crate::error::{one_line, Failure};
use crate::rollout::analysis::Prometheus;
use crate::rollout::gate::Answer;

/// The longest a query may take by default (the preflight's): long enough for a loaded
/// Prometheus, short enough that an unreachable one fails the preflight quickly.
pub const DEFAULT_QUERY_TIMEOUT: Duration = Duration::from_secs(10);

/// An answer larger than this is not a gate's query (thousands of series); reading it all
/// would only cost memory.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// The timeout of each query while sampling every `interval`: 10 s, but never longer than the
/// interval (a sample must not still be running when the next one is due) and never under 1 s
/// (a sub-second interval would leave a remote Prometheus no chance to answer).
pub fn query_timeout(interval: Duration) -> Duration {
    DEFAULT_QUERY_TIMEOUT
        .min(interval)
        .max(Duration::from_secs(1))
}

/// A Prometheus HTTP API client for instant queries.
pub struct PrometheusClient {
    /// The URL as given, for messages.
    url: String,
    /// The URL without a trailing `/`, to which `/api/v1/query` is appended.
    base: String,
    bearer_token_file: Option<String>,
    timeout: Duration,
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
}

/// Why a query has no answer. The preflight tells these apart (a rejected query is bad input, an
/// unreachable server a connection failure); while sampling they are all one bad sample.
#[derive(Debug, Clone, PartialEq)]
pub enum QueryError {
    /// No HTTP answer: connection refused, DNS, TLS, timeout.
    Unreachable(String),
    /// The bearer token file could not be read.
    Token(String),
    /// An error status, or `"status": "error"`: Prometheus's `errorType` and `error` when the
    /// body has them, else the start of the body.
    Status {
        status: StatusCode,
        error_type: Option<String>,
        error: String,
    },
    /// A success status whose body is not a Prometheus answer.
    Malformed(String),
    /// A well-formed answer a gate cannot judge: a range vector or a string.
    Unsupported(String),
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            QueryError::Unreachable(why) => write!(f, "cannot reach Prometheus: {why}"),
            QueryError::Token(why) | QueryError::Unsupported(why) => f.write_str(why),
            QueryError::Status {
                status,
                error_type,
                error,
            } => {
                write!(f, "HTTP {}", status_text(*status))?;
                match (error_type, error.is_empty()) {
                    (Some(kind), _) => write!(f, ": {kind}: {error}"),
                    (None, false) => write!(f, ": {error}"),
                    (None, true) => Ok(()),
                }
            }
            QueryError::Malformed(why) => write!(f, "not a Prometheus answer: {why}"),
        }
    }
}

impl PrometheusClient {
    /// Reads the CA file and checks that the token file can be read (either unreadable is a usage
    /// failure naming the file); a URL that is not `http(s)://HOST...` is one too.
    pub fn new(prometheus: &Prometheus) -> Result<Self, Failure> {
        let url = prometheus.url.trim().to_string();
        let base = url.trim_end_matches('/').to_string();
        let https = check_url(&url, &base)?;
        if let Some(file) = &prometheus.bearer_token_file {
            read_token(file)
                .map_err(|why| Failure::usage(format!("{why}; check bearerTokenFile")))?;
        }
        let tls = tls_config(https, prometheus.ca_file.as_deref())?;
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .build();
        Ok(PrometheusClient {
            url,
            base,
            bearer_token_file: prometheus.bearer_token_file.clone(),
            timeout: DEFAULT_QUERY_TIMEOUT,
            client: Client::builder(TokioExecutor::new()).build(connector),
        })
    }

    /// The same client with another time limit per query (see `query_timeout`).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The URL as configured, for messages.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// One instant query; a transport or query error is an `Answer::Error`.
    pub async fn query(&self, query: &str) -> Answer {
        self.fetch(query)
            .await
            .unwrap_or_else(|e| Answer::Error(one_line(&e.to_string())))
    }

    /// One instant query, its failure kept apart by kind.
    pub async fn fetch(&self, query: &str) -> Result<Answer, QueryError> {
        tracing::debug!(url = %self.url, query, "querying Prometheus");
        let request = self.request(query)?;
        let (status, body) = tokio::time::timeout(self.timeout, self.send(request))
            .await
            .map_err(|_| {
                QueryError::Unreachable(format!(
                    "no answer within {}",
                    crate::clock::format_duration(self.timeout)
                ))
            })??;
        parse_answer(status, &body)
    }

    fn request(&self, query: &str) -> Result<Request<Empty<Bytes>>, QueryError> {
        let encoded = utf8_percent_encode(query, NON_ALPHANUMERIC);
        let uri: Uri = format!("{}/api/v1/query?query={encoded}", self.base)
            .parse()
            .map_err(|e| QueryError::Unreachable(format!("invalid URL {}: {e}", self.url)))?;
        let mut request = Request::get(uri).header(header::ACCEPT, "application/json");
        if let Some(file) = &self.bearer_token_file {
            let token = read_token(file).map_err(QueryError::Token)?;
            let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                QueryError::Token(format!(
                    "the bearer token in {file} is not a valid header value"
                ))
            })?;
            value.set_sensitive(true);
            request = request.header(header::AUTHORIZATION, value);
        }
        request
            .body(Empty::new())
            .map_err(|e| QueryError::Unreachable(e.to_string()))
    }

    async fn send(
        &self,
        request: Request<Empty<Bytes>>,
    ) -> Result<(StatusCode, Bytes), QueryError> {
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| QueryError::Unreachable(error_chain(&e)))?;
        let status = response.status();
        let body = Limited::new(response.into_body(), MAX_BODY_BYTES)
            .collect()
            .await
            .map_err(|e| QueryError::Unreachable(format!("reading the answer: {e}")))?;
        Ok((status, body.to_bytes()))
    }
}

/// What the preflight asks of Prometheus.
impl PrometheusClient {
    /// Prometheus answers a trivial query; a connection failure (exit 3) when it cannot be
    /// reached, refuses the credentials or does not answer like Prometheus.
    pub async fn ping(&self) -> Result<(), Failure> {
        match self.fetch("1").await {
            Ok(_) => Ok(()),
            Err(error) => Err(self.failure(&error)),
        }
    }

    /// Prometheus accepts the metric's query (rendered for an example wave): a syntax error or a
    /// result a gate cannot judge is bad input (exit 2). Errors that depend on the data
    /// (execution errors, a slow query) are left to the samples, which judge the real wave.
    pub async fn accepts(&self, name: &str, query: &str) -> Result<(), Failure> {
        let error = match self.fetch(query).await {
            Ok(_) => return Ok(()),
            Err(error) => error,
        };
        match &error {
            QueryError::Status {
                error_type: Some(kind),
                error: why,
                ..
            } if kind == "bad_data" => Err(Failure::usage(format!(
                "metric {name}: Prometheus rejects the query: {why}"
            ))),
            QueryError::Unsupported(why) => Err(Failure::usage(format!("metric {name}: {why}"))),
            QueryError::Status { status, .. }
                if status.is_server_error() || status.as_u16() == 422 =>
            {
                tracing::debug!(metric = name, %error, "the preflight query failed; left to the samples");
                Ok(())
            }
            _ => Err(self.failure(&error)),
        }
    }

    /// A query error as the failure of a preflight that could not talk to Prometheus.
    fn failure(&self, error: &QueryError) -> Failure {
        let url = &self.url;
        match error {
            QueryError::Token(why) => Failure::usage(format!("{why}; check bearerTokenFile")),
            QueryError::Unreachable(why) if why.contains("certificate") => {
                Failure::connection(format!(
                    "cannot reach Prometheus at {url}: {why}; set caFile to the CA that signed its certificate"
                ))
            }
            QueryError::Unreachable(why) => Failure::connection(format!(
                "cannot reach Prometheus at {url}: {why}; check --prometheus (or prometheus.url)"
            )),
            QueryError::Status { status, .. }
                if matches!(status.as_u16(), 401 | 403) =>
            {
                Failure::connection(format!(
                    "Prometheus at {url} refused the query ({error}); check the bearer token (bearerTokenFile) and its permissions"
                ))
            }
            QueryError::Status { .. } => Failure::connection(format!(
                "Prometheus at {url} failed a query ({error}); check --prometheus (the URL and its path prefix)"
            )),
            QueryError::Malformed(_) | QueryError::Unsupported(_) => Failure::connection(format!(
                "{url} does not answer like Prometheus ({error}); check --prometheus (the URL and its path prefix)"
            )),
        }
    }
}

/// `Ok(true)` for an https URL; the URL must name a scheme and a host.
fn check_url(url: &str, base: &str) -> Result<bool, Failure> {
    let invalid = |why: &str| {
        Failure::usage(format!(
            "invalid Prometheus URL {url:?}: {why}; use http://HOST:PORT or https://HOST:PORT (with a path prefix if it has one)"
        ))
    };
    let uri: Uri = base.parse().map_err(|e| invalid(&format!("{e}")))?;
    if uri.host().is_none_or(str::is_empty) {
        return Err(invalid("no host"));
    }
    if uri.query().is_some() {
        return Err(invalid("it has a query string"));
    }
    match uri.scheme_str() {
        Some("https") => Ok(true),
        Some("http") => Ok(false),
        _ => Err(invalid("the scheme must be http or https")),
    }
}

/// The token in `file`, trimmed (files usually end in a newline).
fn read_token(file: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read the bearer token file {file}: {e}"))?;
    match text.trim() {
        "" => Err(format!("the bearer token file {file} is empty")),
        token => Ok(token.to_string()),
    }
}

/// TLS with the platform's roots plus the CA file's certificates. A plain http URL needs no
/// roots, so a machine without a trust store can still reach an http Prometheus.
fn tls_config(https: bool, ca_file: Option<&str>) -> Result<rustls::ClientConfig, Failure> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra_roots = match ca_file {
        Some(file) => read_ca_file(file)?,
        None => Vec::new(),
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| Failure::connection(format!("cannot set up TLS for Prometheus: {e}")))?;
    if !https {
        return Ok(builder
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth());
    }
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra_roots, provider).map_err(
            |e| {
                Failure::connection(format!(
                    "cannot set up TLS for Prometheus: {e}; set caFile to the CA that signed its certificate"
                ))
            },
        )?;
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

/// The certificates of a PEM file, each one checked to be usable as a trust root.
fn read_ca_file(file: &str) -> Result<Vec<CertificateDer<'static>>, Failure> {
    let bad = |why: String| Failure::usage(format!("{why}; check caFile"));
    let pem =
        std::fs::read(file).map_err(|e| bad(format!("cannot read the CA file {file}: {e}")))?;
    let certificates = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| bad(format!("the CA file {file} is not valid PEM: {e}")))?;
    if certificates.is_empty() {
        return Err(bad(format!("the CA file {file} has no PEM certificate")));
    }
    let mut roots = rustls::RootCertStore::empty();
    for certificate in &certificates {
        roots.add(certificate.clone()).map_err(|e| {
            bad(format!(
                "the CA file {file} has an unusable certificate: {e}"
            ))
        })?;
    }
    Ok(certificates)
}

/// What a client error says: its causes on one line ("tcp connect error: Connection refused"),
/// without hyper's own words ("client error (Connect)"), which say little.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = error.source();
    while let Some(cause) = next {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = cause.source();
    }
    if parts.is_empty() {
        parts.push(error.to_string());
    }
    one_line(&parts.join(": "))
}

/// `404 Not Found`.
fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    status: String,
    data: Option<Data>,
    error_type: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "resultType", content = "result", rename_all = "lowercase")]
enum Data {
    Vector(Vec<VectorSample>),
    Scalar(Point),
    Matrix(IgnoredAny),
    String(IgnoredAny),
}

#[derive(Debug, Deserialize)]
struct VectorSample {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    /// Absent for a native histogram sample (which has `histogram` instead).
    value: Option<Point>,
}

/// `[timestamp, "value"]`: Prometheus writes values as strings ("NaN", "+Inf").
#[derive(Debug, Deserialize)]
struct Point(IgnoredAny, String);

/// The answer in a response: its status and body.
pub(crate) fn parse_answer(status: StatusCode, body: &[u8]) -> Result<Answer, QueryError> {
    let envelope = serde_json::from_slice::<Envelope>(body);
    let failed = !status.is_success() || matches!(&envelope, Ok(e) if e.status != "success");
    if failed {
        return Err(status_error(status, envelope.ok(), body));
    }
    let envelope = envelope
        .map_err(|e| QueryError::Malformed(format!("{e}; the body starts {}", start_of(body))))?;
    match envelope.data {
        Some(Data::Vector(samples)) => samples
            .into_iter()
            .map(|s| {
                let labels = render_labels(&s.metric);
                let point = s.value.ok_or_else(|| {
                    QueryError::Unsupported(format!(
                        "series {labels} is a histogram, not a number: query a number from it (e.g. histogram_quantile)"
                    ))
                })?;
                Ok((labels, parse_value(&point.1)?))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Answer::Series),
        Some(Data::Scalar(point)) => parse_value(&point.1).map(Answer::Scalar),
        Some(Data::Matrix(_)) => Err(QueryError::Unsupported(
            "the query returns a range vector: use an instant vector (e.g. wrap the range in rate() or max_over_time())".into(),
        )),
        Some(Data::String(_)) => Err(QueryError::Unsupported(
            "the query returns a string: use a query that returns a number".into(),
        )),
        None => Err(QueryError::Malformed("no data in a success answer".into())),
    }
}

fn status_error(status: StatusCode, envelope: Option<Envelope>, body: &[u8]) -> QueryError {
    match envelope {
        Some(Envelope {
            error: Some(error),
            error_type,
            ..
        }) => QueryError::Status {
            status,
            error_type,
            error: one_line(&error),
        },
        _ => QueryError::Status {
            status,
            error_type: None,
            error: start_of(body),
        },
    }
}

/// The first 200 characters of a body, on one line, for messages.
fn start_of(body: &[u8]) -> String {
    let text = one_line(&String::from_utf8_lossy(body));
    match text.char_indices().nth(200) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text,
    }
}

/// A sample value as Prometheus writes it: a decimal, `NaN`, `+Inf` or `-Inf`.
fn parse_value(text: &str) -> Result<f64, QueryError> {
    text.parse()
        .map_err(|_| QueryError::Malformed(format!("the value {text:?} is not a number")))
}

/// Labels as Prometheus prints a metric: `name{a="1", b="2"}`, sorted by name, values quoted
/// like Go's `%q`; `{}` for no labels at all.
pub fn render_labels(metric: &BTreeMap<String, String>) -> String {
    let name = metric.get("__name__").map_or("", String::as_str);
    let labels: Vec<String> = metric
        .iter()
        .filter(|(key, _)| *key != "__name__")
        .map(|(key, value)| format!("{key}={}", go_quote(value)))
        .collect();
    match (name, labels.is_empty()) {
        ("", true) => "{}".into(),
        (name, true) => name.to_string(),
        (name, false) => format!("{name}{{{}}}", labels.join(", ")),
    }
}

/// A string quoted like Go's `strconv.Quote` for the characters labels hold.
fn go_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FailureKind;
    use crate::ops::gate::testing::{free_port, FakePrometheus, RealPrometheus};

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn prometheus(url: &str) -> Prometheus {
        Prometheus {
            url: url.into(),
            bearer_token_file: None,
            ca_file: None,
        }
    }

    #[test]
    fn labels_read_as_prometheus_prints_them() {
        let cases = [
            (vec![], "{}"),
            (vec![("__name__", "up")], "up"),
            (vec![("node", "a"), ("job", "x")], r#"{job="x", node="a"}"#),
            (
                vec![("node", "a"), ("__name__", "agent_errors_total")],
                r#"agent_errors_total{node="a"}"#,
            ),
            (
                vec![("path", "C:\\x \"q\"\nnext\u{1}"), ("é", "ünï")],
                r#"{path="C:\\x \"q\"\nnext\x01", é="ünï"}"#,
            ),
        ];
        for (pairs, want) in cases {
            assert_eq!(render_labels(&labels(&pairs)), want, "{pairs:?}");
        }
    }

    #[test]
    fn answers_read_into_series_or_scalars() {
        let ok = StatusCode::OK;
        let cases: Vec<(StatusCode, &str, Result<Answer, &str>)> = vec![
            (
                ok,
                r#"{"status":"success","data":{"resultType":"vector","result":[
                    {"metric":{"__name__":"errs","node":"a"},"value":[1700000000.5,"0.25"]},
                    {"metric":{},"value":[1700000000.5,"3"]}]}}"#,
                Ok(Answer::Series(vec![
                    (r#"errs{node="a"}"#.into(), 0.25),
                    ("{}".into(), 3.0),
                ])),
            ),
            (
                ok,
                r#"{"status":"success","data":{"resultType":"scalar","result":[1700000000,"1"]}}"#,
                Ok(Answer::Scalar(1.0)),
            ),
            (
                ok,
                r#"{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["x"]}"#,
                Ok(Answer::Series(vec![])),
            ),
            (
                ok,
                r#"{"status":"success","data":{"resultType":"vector","result":[
                    {"metric":{"n":"a"},"value":[1,"+Inf"]},{"metric":{"n":"b"},"value":[1,"-Inf"]}]}}"#,
                Ok(Answer::Series(vec![
                    (r#"{n="a"}"#.into(), f64::INFINITY),
                    (r#"{n="b"}"#.into(), f64::NEG_INFINITY),
                ])),
            ),
        ];
        assert_answers(cases);
        let nan = r#"{"status":"success","data":{"resultType":"scalar","result":[1,"NaN"]}}"#;
        match parse_answer(StatusCode::OK, nan.as_bytes()) {
            Ok(Answer::Scalar(value)) => assert!(value.is_nan()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn failed_or_unjudgeable_answers_are_errors() {
        let ok = StatusCode::OK;
        let cases: Vec<(StatusCode, &str, Result<Answer, &str>)> = vec![
            (
                StatusCode::BAD_REQUEST,
                r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error: unclosed left parenthesis"}"#,
                Err(r#"HTTP 400 Bad Request: bad_data: invalid parameter "query": 1:5: parse error: unclosed left parenthesis"#),
            ),
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "upstream\nconnect error",
                Err("HTTP 503 Service Unavailable: upstream connect error"),
            ),
            (
                ok,
                r#"{"status":"error","errorType":"timeout","error":"query timed out"}"#,
                Err("HTTP 200 OK: timeout: query timed out"),
            ),
            (ok, "<html>Grafana</html>", Err("not a Prometheus answer: expected value at line 1 column 1; the body starts <html>Grafana</html>")),
            (
                ok,
                r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"lots"]}]}}"#,
                Err(r#"not a Prometheus answer: the value "lots" is not a number"#),
            ),
            (
                ok,
                r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
                Err("the query returns a range vector"),
            ),
            (
                ok,
                r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"n":"a"},"histogram":[1,{}]}]}}"#,
                Err(r#"series {n="a"} is a histogram"#),
            ),
            (
                ok,
                r#"{"status":"success"}"#,
                Err("not a Prometheus answer: no data in a success answer"),
            ),
        ];
        assert_answers(cases);
    }

    fn assert_answers(cases: Vec<(StatusCode, &str, Result<Answer, &str>)>) {
        for (status, body, want) in cases {
            let got = parse_answer(status, body.as_bytes());
            match (&got, want) {
                (Ok(answer), Ok(want)) => assert_eq!(answer, &want, "{body}"),
                (Err(error), Err(fragment)) => {
                    assert!(error.to_string().starts_with(fragment), "{body}: {error}")
                }
                _ => panic!("{body}: got {got:?}"),
            }
        }
    }

    #[test]
    fn query_timeouts_follow_the_interval_within_bounds() {
        let cases = [(30, 10_000), (10, 10_000), (5, 5_000), (0, 1_000)];
        for (interval, millis) in cases {
            let got = query_timeout(Duration::from_secs(interval));
            assert_eq!(got, Duration::from_millis(millis), "{interval}s");
        }
        assert_eq!(
            query_timeout(Duration::from_millis(300)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn unusable_urls_and_files_are_usage_failures_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let not_pem = dir.path().join("not-pem");
        std::fs::write(&not_pem, "hello").unwrap();
        let (empty, not_pem) = (empty.to_str().unwrap(), not_pem.to_str().unwrap());
        let with = |token: Option<&str>, ca: Option<&str>| Prometheus {
            url: "https://prometheus.monitoring:9090".into(),
            bearer_token_file: token.map(str::to_string),
            ca_file: ca.map(str::to_string),
        };
        let cases = [
            (prometheus("ftp://p:21"), "the scheme must be http or https"),
            (prometheus("http://"), "invalid Prometheus URL \"http://\""),
            (prometheus("http://p:9090?x=1"), "it has a query string"),
            (
                with(Some("/nonexistent/token"), None),
                "cannot read the bearer token file /nonexistent/token: ",
            ),
            (with(Some(empty), None), "is empty; check bearerTokenFile"),
            (
                with(None, Some("/nonexistent/ca.crt")),
                "cannot read the CA file /nonexistent/ca.crt: ",
            ),
            (
                with(None, Some(not_pem)),
                "has no PEM certificate; check caFile",
            ),
        ];
        for (config, fragment) in cases {
            let Err(failure) = PrometheusClient::new(&config) else {
                panic!("{config:?} was accepted");
            };
            assert_eq!(failure.kind, FailureKind::Usage, "{config:?}");
            assert!(failure.message.contains(fragment), "{config:?}: {failure}");
        }
    }

    const VECTOR_ONE: &str = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}}"#;

    #[tokio::test]
    async fn a_query_is_url_encoded_under_the_path_prefix_with_the_current_token() {
        let mut server = FakePrometheus::start(vec![(200, VECTOR_ONE)]).await;
        let dir = tempfile::tempdir().unwrap();
        let token = dir.path().join("token");
        std::fs::write(&token, "first-token\n").unwrap();
        let config = Prometheus {
            url: format!("{}/prometheus/", server.url),
            bearer_token_file: Some(token.to_string_lossy().into_owned()),
            ca_file: None,
        };
        let client = PrometheusClient::new(&config).unwrap();
        let query = r#"sum(rate(errs{node=~"a|b\\.c"}[1m])) > 0.5 & x"#;
        assert_eq!(
            client.query(query).await,
            Answer::Series(vec![("{}".into(), 1.0)])
        );
        let seen = server.next().await;
        assert_eq!(
            seen.line,
            "GET /prometheus/api/v1/query?query=sum%28rate%28errs%7Bnode%3D%7E%22a%7Cb%5C%5C%2Ec%22%7D%5B1m%5D%29%29%20%3E%200%2E5%20%26%20x HTTP/1.1"
        );
        assert_eq!(seen.authorization.as_deref(), Some("Bearer first-token"));
        // Tokens rotate: the file is read again for every query.
        std::fs::write(&token, "second-token").unwrap();
        client.query("up").await;
        let seen = server.next().await;
        assert_eq!(seen.line, "GET /prometheus/api/v1/query?query=up HTTP/1.1");
        assert_eq!(seen.authorization.as_deref(), Some("Bearer second-token"));
        std::fs::remove_file(&token).unwrap();
        match client.query("up").await {
            Answer::Error(why) => assert!(
                why.starts_with("cannot read the bearer token file"),
                "{why}"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn transport_and_http_failures_are_error_answers() {
        let refused =
            PrometheusClient::new(&prometheus(&format!("http://127.0.0.1:{}", free_port())))
                .unwrap();
        match refused.query("up").await {
            Answer::Error(why) => {
                assert!(
                    why.starts_with("cannot reach Prometheus: tcp connect error: "),
                    "{why}"
                );
                assert!(why.contains("onnection refused"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        let rejected = r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#;
        let server = FakePrometheus::start(vec![(400, rejected)]).await;
        let client = PrometheusClient::new(&prometheus(&server.url)).unwrap();
        assert_eq!(
            client.query("sum(").await,
            Answer::Error("HTTP 400 Bad Request: bad_data: parse error".into())
        );
    }

    #[tokio::test]
    async fn a_query_without_an_answer_times_out() {
        // Accepts the connection and never answers.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let client = PrometheusClient::new(&prometheus(&url))
            .unwrap()
            .with_timeout(Duration::from_millis(200));
        let (answer, _) = tokio::join!(client.query("up"), listener.accept());
        assert_eq!(
            answer,
            Answer::Error("cannot reach Prometheus: no answer within 200ms".into())
        );
    }

    #[tokio::test]
    async fn the_preflight_tells_unreachable_refused_and_rejected_apart() {
        let unreachable = format!("http://127.0.0.1:{}", free_port());
        let failure = PrometheusClient::new(&prometheus(&unreachable))
            .unwrap()
            .ping()
            .await
            .unwrap_err();
        assert_eq!(failure.kind, FailureKind::Connection);
        assert!(
            failure
                .message
                .starts_with(&format!("cannot reach Prometheus at {unreachable}: ")),
            "{failure}"
        );
        assert!(failure
            .message
            .ends_with("; check --prometheus (or prometheus.url)"));

        let denied = FakePrometheus::start(vec![(401, "Unauthorized")]).await;
        let failure = PrometheusClient::new(&prometheus(&denied.url))
            .unwrap()
            .ping()
            .await
            .unwrap_err();
        assert_eq!(failure.kind, FailureKind::Connection);
        assert!(
            failure
                .message
                .contains("refused the query (HTTP 401 Unauthorized"),
            "{failure}"
        );

        let not_prometheus = FakePrometheus::start(vec![(404, "404 page not found")]).await;
        let failure = PrometheusClient::new(&prometheus(&not_prometheus.url))
            .unwrap()
            .ping()
            .await
            .unwrap_err();
        assert_eq!(failure.kind, FailureKind::Connection);
        assert!(failure.message.contains("(HTTP 404 Not Found: 404 page not found); check --prometheus (the URL and its path prefix)"), "{failure}");

        let rejected = r#"{"status":"error","errorType":"bad_data","error":"1:5: parse error"}"#;
        let failing = r#"{"status":"error","errorType":"execution","error":"many-to-many matching not allowed"}"#;
        let matrix = r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#;
        let server =
            FakePrometheus::start(vec![(400, rejected), (422, failing), (200, matrix)]).await;
        let client = PrometheusClient::new(&prometheus(&server.url)).unwrap();
        let failure = client.accepts("errors", "sum(").await.unwrap_err();
        assert_eq!(
            failure,
            Failure::usage("metric errors: Prometheus rejects the query: 1:5: parse error")
        );
        // An execution error depends on the data: the samples judge it.
        assert_eq!(client.accepts("errors", "a * on() b").await, Ok(()));
        let failure = client.accepts("errors", "x[5m]").await.unwrap_err();
        assert_eq!(failure.kind, FailureKind::Usage);
        assert!(failure
            .message
            .starts_with("metric errors: the query returns a range vector"));
    }

    #[tokio::test]
    async fn a_real_prometheus_answers_and_rejects_bad_queries() {
        let Some(server) = RealPrometheus::start(None, false).await else {
            return;
        };
        let client = PrometheusClient::new(&prometheus(&server.url)).unwrap();
        RealPrometheus::ready(&client).await;
        assert_eq!(
            client.query("vector(1)").await,
            Answer::Series(vec![("{}".into(), 1.0)])
        );
        assert_eq!(
            client
                .query(r#"label_replace(vector(+Inf), "__name__", "x", "", "")"#)
                .await,
            Answer::Series(vec![("x".into(), f64::INFINITY)])
        );
        assert_eq!(client.query("scalar(vector(2))").await, Answer::Scalar(2.0));
        let failure = client
            .accepts("errors", "sum(rate(x[1m])")
            .await
            .unwrap_err();
        assert_eq!(failure.kind, FailureKind::Usage);
        assert!(
            failure
                .message
                .starts_with("metric errors: Prometheus rejects the query: invalid parameter"),
            "{failure}"
        );
    }

    /// A CA and a server certificate for 127.0.0.1 it signed, made with openssl.
    fn make_certificates(dir: &str) -> bool {
        let script = r#"set -e
cd "$1"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=kds-test-ca
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=127.0.0.1
printf 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext
"#;
        std::process::Command::new("sh")
            .args(["-c", script, "sh", dir])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    #[tokio::test]
    async fn https_trusts_the_ca_file_and_nothing_unknown() {
        let certificates = tempfile::tempdir().unwrap();
        let dir = certificates.path().to_string_lossy().into_owned();
        if !make_certificates(&dir) {
            eprintln!("skipping: openssl could not make test certificates");
            return;
        }
        let web = format!(
            "tls_server_config:\n  cert_file: {dir}/server.crt\n  key_file: {dir}/server.key\n"
        );
        let Some(server) = RealPrometheus::start(Some(&web), true).await else {
            return;
        };
        let trusted = Prometheus {
            url: server.url.clone(),
            bearer_token_file: None,
            ca_file: Some(format!("{dir}/ca.crt")),
        };
        let client = PrometheusClient::new(&trusted).unwrap();
        RealPrometheus::ready(&client).await;
        assert_eq!(
            client.query("vector(1)").await,
            Answer::Series(vec![("{}".into(), 1.0)])
        );
        let failure = PrometheusClient::new(&prometheus(&server.url))
            .unwrap()
            .ping()
            .await
            .unwrap_err();
        assert_eq!(failure.kind, FailureKind::Connection);
        assert!(
            failure
                .message
                .contains("invalid peer certificate: UnknownIssuer; set caFile"),
            "{failure}"
        );
    }
}
