/*!
Traces for operations: OpenTelemetry spans exported over OTLP (HTTP with
protobuf bodies) when an endpoint is configured, and W3C trace context
(`traceparent`) carried from the desktop's sync to the server, so one trace
runs from the laptop through the server's handler, group commit, audit
append and database statements.

Off by default: nothing here runs unless [`Telemetry::start`] is given a
[`TraceConfig`]. Sampling is parent-based with a ratio at the root: the
desktop decides for a sync, and the server follows the desktop's decision.

**What spans carry.** Names of operations, routes, request ids, statement
names (`SELECT audit_entry`, never values), counts and outcomes. Code that
adds a field to a span must not add personal data; the system test
`tracing_spans_the_desktop_the_server_and_the_database` fails if a seeded
customer's name, address, licence number or VIN appears in any attribute.
*/

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use opentelemetry::propagation::TextMapPropagator as _;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{WithExportConfig as _, WithHttpConfig as _};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

/// Where traces go and how many are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceConfig {
    /// The OTLP/HTTP endpoint: a collector's base URL (`https://otel:4318`),
    /// to which `/v1/traces` is added, or the full traces URL.
    pub endpoint: String,
    /// The share of traces started here that are kept, 0 to 1.
    pub sampling: f64,
    /// `service.name`: `uw-desktop` or `uw-sync-server`.
    pub service: &'static str,
    /// The server decides at its edge ([`should_trace`]) which requests
    /// to trace and makes no span at all for the others; its own roots
    /// are then always kept. The desktop samples its syncs in the SDK.
    pub decide_at_edge: bool,
}

/// Tracing is on in this process, and the share of requests traced at the edge.
static ON: AtomicBool = AtomicBool::new(false);
static EDGE_SHARE: AtomicU64 = AtomicU64::new(0);
static NEXT: AtomicU64 = AtomicU64::new(0);

/// Whether the server should trace a request with these headers: the
/// caller's `traceparent` decides when it sends one (its sampled flag),
/// otherwise the configured share. Always false with tracing off, so
/// untraced requests make no OpenTelemetry span at all.
pub fn should_trace(headers: &reqwest::header::HeaderMap) -> bool {
    if !ON.load(Ordering::Relaxed) {
        return false;
    }
    if let Some(parent) = headers.get("traceparent").and_then(|v| v.to_str().ok()) {
        // `00-<trace id>-<parent id>-<flags>`: bit 0 of the flags is "sampled".
        return parent.rsplit('-').next().and_then(|f| u8::from_str_radix(f, 16).ok()).is_some_and(|flags| flags & 1 == 1);
    }
    let share = EDGE_SHARE.load(Ordering::Relaxed);
    // A Weyl sequence through the golden ratio: evenly spread, no lock, no syscall.
    let draw = NEXT.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
    draw < share
}

/// Why tracing cannot start.
#[derive(Debug, thiserror::Error)]
pub enum TelemetryError {
    #[error("traces endpoint `{0}`: not an http:// or https:// URL")]
    Endpoint(String),
    #[error("trace sampling `{0}`: a share between 0 and 1, such as 0.1")]
    Sampling(String),
    #[error("cannot build the OTLP exporter: {0}")]
    Exporter(String),
}

impl TraceConfig {
    /// A configuration from an endpoint and a sampling text (`None` is 1).
    pub fn new(endpoint: &str, sampling: Option<&str>, service: &'static str) -> Result<Self, TelemetryError> {
        let endpoint = endpoint.trim();
        let url = reqwest::Url::parse(endpoint).map_err(|_| TelemetryError::Endpoint(endpoint.to_owned()))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(TelemetryError::Endpoint(endpoint.to_owned()));
        }
        let sampling = match sampling.map(str::trim) {
            None | Some("") => 1.0,
            Some(text) => {
                text.parse::<f64>().ok().filter(|s| (0.0..=1.0).contains(s)).ok_or_else(|| TelemetryError::Sampling(text.to_owned()))?
            }
        };
        Ok(Self { endpoint: endpoint.trim_end_matches('/').to_owned(), sampling, service, decide_at_edge: false })
    }

    fn traces_url(&self) -> String {
        if self.endpoint.ends_with("/v1/traces") {
            self.endpoint.clone()
        } else {
            format!("{}/v1/traces", self.endpoint)
        }
    }
}

/// The OTLP exporter's HTTP client: the blocking reqwest the desktop and
/// the server already link. The batch processor exports from a thread of
/// its own, so blocking there holds up no request.
#[derive(Debug)]
struct Client(reqwest::blocking::Client);

#[async_trait::async_trait]
impl HttpClient for Client {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let url = parts.uri.to_string();
        let response = self.0.request(parts.method, url).headers(parts.headers).body(body.to_vec()).send()?;
        let mut answer = Response::builder().status(response.status());
        for (name, value) in response.headers() {
            answer = answer.header(name, value);
        }
        Ok(answer.body(Bytes::from(response.bytes()?.to_vec()))?)
    }
}

/// `share` of the `u64` range (0 to 1 maps to 0 to `u64::MAX`).
#[expect(
    clippy::float_arithmetic,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a sampling share, never money; clamped"
)]
fn share_of_u64(share: f64) -> u64 {
    if share >= 1.0 {
        u64::MAX
    } else {
        (share.max(0.0) * 18_446_744_073_709_551_616.0) as u64
    }
}

/// Tracing, started: its layer is in the subscriber, and dropping it sends
/// what is left.
#[derive(Debug)]
pub struct Telemetry {
    provider: SdkTracerProvider,
}

impl Telemetry {
    /// Builds the exporter and the `tracing` layer that feeds it.
    pub fn start<S>(config: &TraceConfig) -> Result<(Self, impl tracing_subscriber::Layer<S>), TelemetryError>
    where
        S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    {
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_http_client(Client(http))
            .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
            .with_endpoint(config.traces_url())
            .with_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| TelemetryError::Exporter(e.to_string()))?;
        let root = if config.decide_at_edge { Sampler::AlwaysOn } else { Sampler::TraceIdRatioBased(config.sampling) };
        if config.decide_at_edge {
            EDGE_SHARE.store(share_of_u64(config.sampling), Ordering::Relaxed);
        }
        ON.store(true, Ordering::Relaxed);
        let provider = SdkTracerProvider::builder()
            .with_batch_exporter(exporter)
            .with_sampler(Sampler::ParentBased(Box::new(root)))
            .with_resource(
                opentelemetry_sdk::Resource::builder()
                    .with_service_name(config.service)
                    .with_attribute(opentelemetry::KeyValue::new("service.version", env!("CARGO_PKG_VERSION")))
                    .build(),
            )
            .build();
        let layer = tracing_opentelemetry::layer().with_tracer(provider.tracer(config.service)).with_threads(false);
        Ok((Self { provider }, layer))
    }

    /// Sends the spans finished so far (tests, and before the process exits).
    pub fn flush(&self) {
        if let Err(e) = self.provider.force_flush() {
            tracing::warn!("traces not all sent: {e}");
        }
    }
}

impl Drop for Telemetry {
    fn drop(&mut self) {
        let _ = self.provider.shutdown();
    }
}

/// Whether the current span belongs to a trace being recorded: fine-grained
/// spans (one per database statement) are made only then, so the traces
/// not sampled cost next to nothing.
pub fn recording() -> bool {
    use opentelemetry::trace::TraceContextExt as _;
    // Tracing off: no span lookup at all (this runs for every statement).
    if !ON.load(Ordering::Relaxed) {
        return false;
    }
    let current = tracing::Span::current();
    !current.is_none() && current.context().span().span_context().is_sampled()
}

/// Adds the current span's trace context (`traceparent`) to an outgoing
/// request's headers; nothing when no trace is being recorded.
pub fn inject(headers: &mut reqwest::header::HeaderMap) {
    if !ON.load(Ordering::Relaxed) {
        return;
    }
    let context = tracing::Span::current().context();
    TraceContextPropagator::new().inject_context(&context, &mut opentelemetry_http::HeaderInjector(headers));
}

/// Makes `span` continue the trace an incoming request's `traceparent`
/// names, if it names one.
pub fn continue_trace(span: &tracing::Span, headers: &reqwest::header::HeaderMap) {
    if headers.contains_key("traceparent") {
        let context = TraceContextPropagator::new().extract(&opentelemetry_http::HeaderExtractor(headers));
        // Without the OpenTelemetry layer (tracing off) there is nothing to continue.
        let _ = span.set_parent(context);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_configuration_names_what_is_wrong() {
        let c = TraceConfig::new("https://otel.example.com:4318/", Some("0.1"), "uw-sync-server").expect("valid");
        assert_eq!(c.traces_url(), "https://otel.example.com:4318/v1/traces");
        assert_eq!(TraceConfig::new("http://c:4318/v1/traces", None, "x").expect("valid").traces_url(), "http://c:4318/v1/traces");
        assert!(matches!(TraceConfig::new("otel:4318", None, "x"), Err(TelemetryError::Endpoint(_))));
        assert_eq!(share_of_u64(1.0), u64::MAX);
        assert_eq!(share_of_u64(0.0), 0);
        assert_eq!(share_of_u64(0.5), 1 << 63);
        assert!(matches!(TraceConfig::new("ftp://otel", None, "x"), Err(TelemetryError::Endpoint(_))));
        for bad in ["1.5", "-0.1", "ten percent"] {
            let e = TraceConfig::new("http://c:4318", Some(bad), "x").expect_err(bad);
            assert!(e.to_string().contains("between 0 and 1"), "{e}");
        }
    }
}
