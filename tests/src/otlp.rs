//! An OTLP/HTTP trace receiver for tests: it accepts `POST /v1/traces` with
//! protobuf bodies, decodes them with the OpenTelemetry project's own
//! message definitions (`opentelemetry-proto`) and keeps every span.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use prost::Message as _;

/// One span as received.
#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    pub service: String,
    pub trace_id: String,
    pub span_id: String,
    /// Empty for a root span.
    pub parent_span_id: String,
    pub name: String,
    /// The span's attributes, then its events' names and attributes, as text.
    pub attributes: Vec<(String, String)>,
}

/// A receiver listening on a loopback port until the test ends.
#[derive(Debug)]
pub struct OtlpReceiver {
    /// `http://127.0.0.1:PORT`, the collector's base URL.
    pub url: String,
    spans: Arc<Mutex<Vec<ReceivedSpan>>>,
}

fn text(value: Option<&AnyValue>) -> String {
    match value.and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::DoubleValue(d)) => format!("{d:?}"),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn pairs(attributes: &[KeyValue]) -> impl Iterator<Item = (String, String)> + '_ {
    attributes.iter().map(|kv| (kv.key.clone(), text(kv.value.as_ref())))
}

fn decode(body: &[u8], into: &Mutex<Vec<ReceivedSpan>>) -> Result<(), String> {
    let request = ExportTraceServiceRequest::decode(body).map_err(|e| e.to_string())?;
    let mut spans = into.lock().map_err(|e| e.to_string())?;
    for resource in request.resource_spans {
        let service = resource
            .resource
            .as_ref()
            .and_then(|r| r.attributes.iter().find(|kv| kv.key == "service.name"))
            .map(|kv| text(kv.value.as_ref()))
            .unwrap_or_default();
        for scope in resource.scope_spans {
            for span in scope.spans {
                let mut attributes: Vec<(String, String)> = pairs(&span.attributes).collect();
                for event in &span.events {
                    attributes.push(("event".into(), event.name.clone()));
                    attributes.extend(pairs(&event.attributes));
                }
                spans.push(ReceivedSpan {
                    service: service.clone(),
                    trace_id: hex::encode(&span.trace_id),
                    span_id: hex::encode(&span.span_id),
                    parent_span_id: hex::encode(&span.parent_span_id),
                    name: span.name,
                    attributes,
                });
            }
        }
    }
    Ok(())
}

/// Serves one connection: requests until the client closes it.
fn serve(stream: std::net::TcpStream, spans: &Mutex<Vec<ReceivedSpan>>) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header)?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let status = if line.starts_with("POST /v1/traces ") && decode(&body, spans).is_ok() { "200 OK" } else { "400 Bad Request" };
        write!(writer, "HTTP/1.1 {status}\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n")?;
        writer.flush()?;
    }
}

impl OtlpReceiver {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let spans = Arc::new(Mutex::new(Vec::new()));
        let shared = spans.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let shared = shared.clone();
                std::thread::spawn(move || serve(stream, &shared));
            }
        });
        Self { url, spans }
    }

    /// Every span received so far.
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        self.spans.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits (up to 20 s) until `done` holds of the spans received.
    pub fn wait_for(&self, done: impl Fn(&[ReceivedSpan]) -> bool) -> Vec<ReceivedSpan> {
        for _ in 0..200 {
            let spans = self.spans();
            if done(&spans) {
                return spans;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        self.spans()
    }
}
