//! Prometheus metrics, served on their own listener: requests by route and
//! status with latency histograms, sync operations by outcome, binds by
//! outcome, the push queue, the audit log's size and newest checkpoint, the
//! certificate's expiry, sign-ins refused by the throttle and the SQLite
//! file's disk. The alerting rules over them are `deploy/prometheus/`, the
//! runbook `docs/operations.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Latency histogram bucket bounds, in seconds.
const BUCKETS: [f64; 11] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    /// Sum of observations in microseconds (integer, so no float accumulates).
    sum_micros: u64,
}

#[derive(Debug, Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<(String, String), Histogram>,
    sync_ops: BTreeMap<&'static str, u64>,
    binds: BTreeMap<&'static str, u64>,
    /// Group commits of pushes, and the pushes they applied.
    push_groups: u64,
    grouped_pushes: u64,
}

/// The server's metrics.
#[derive(Debug, Clone, Default)]
pub struct Metrics {
    inner: Arc<Mutex<Inner>>,
    log_size: Arc<AtomicU64>,
    login_throttled: Arc<AtomicU64>,
    /// The served certificate's notAfter (Unix seconds); 0 on plain HTTP.
    certificate_expiry: Arc<AtomicI64>,
}

/// Gauges read from the database and the process when Prometheus scrapes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scrape {
    /// Pushes waiting for their group commit.
    pub push_queue: usize,
    /// When the newest checkpoint was signed (Unix seconds), if one was.
    pub checkpoint_signed_at: Option<i64>,
    /// The SQLite file's size with its WAL, and the bytes free on its
    /// filesystem; `None` on PostgreSQL.
    pub storage: Option<crate::storage::FileUsage>,
}

impl Metrics {
    pub fn request(&self, method: &str, route: &str, status: u16, micros: u64) {
        let Ok(mut inner) = self.inner.lock() else { return };
        *inner.requests.entry((method.to_owned(), route.to_owned(), status)).or_default() += 1;
        let h = inner.latency.entry((method.to_owned(), route.to_owned())).or_default();
        h.count += 1;
        h.sum_micros += micros;
        for (i, bound_s) in BUCKETS.iter().enumerate() {
            if micros <= bucket_micros(*bound_s) {
                h.counts[i] += 1;
            }
        }
    }

    pub fn sync_operation(&self, outcome: &'static str) {
        if let Ok(mut inner) = self.inner.lock() {
            *inner.sync_ops.entry(outcome).or_default() += 1;
        }
    }

    pub fn bind(&self, outcome: &'static str) {
        if let Ok(mut inner) = self.inner.lock() {
            *inner.binds.entry(outcome).or_default() += 1;
        }
    }

    /// One group commit that applied `pushes` pushes.
    pub fn push_group(&self, pushes: usize) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.push_groups += 1;
            inner.grouped_pushes += u64::try_from(pushes).unwrap_or(u64::MAX);
        }
    }

    pub fn set_log_size(&self, size: u64) {
        self.log_size.store(size, Ordering::Relaxed);
    }

    /// A sign-in refused because the throttle asked it to wait.
    pub fn login_throttled(&self) {
        self.login_throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// The certificate now served expires at `not_after` (Unix seconds).
    pub fn set_certificate_expiry(&self, not_after: i64) {
        self.certificate_expiry.store(not_after, Ordering::Relaxed);
    }

    /// The exposition text format, without the gauges read at scrape time
    /// (tests that only count requests).
    pub fn render(&self) -> String {
        self.render_with(&Scrape::default())
    }

    /// The exposition text format.
    pub fn render_with(&self, scrape: &Scrape) -> String {
        let mut out = String::new();
        let Ok(inner) = self.inner.lock() else { return out };
        out.push_str("# HELP uw_http_requests_total HTTP requests by method, route and status.\n# TYPE uw_http_requests_total counter\n");
        for ((method, route, status), n) in &inner.requests {
            let _ = writeln!(out, "uw_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}", escape(route));
        }
        out.push_str("# HELP uw_http_request_duration_seconds HTTP request latency by method and route.\n# TYPE uw_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &inner.latency {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            for (i, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(out, "uw_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}", h.counts[i]);
            }
            let _ = writeln!(out, "uw_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(
                out,
                "uw_http_request_duration_seconds_sum{{{labels}}} {}.{:06}",
                h.sum_micros / 1_000_000,
                h.sum_micros % 1_000_000
            );
            let _ = writeln!(out, "uw_http_request_duration_seconds_count{{{labels}}} {}", h.count);
        }
        out.push_str("# HELP uw_sync_operations_total Pushed operations by outcome.\n# TYPE uw_sync_operations_total counter\n");
        for outcome in ["accepted", "duplicate", "rejected", "conflict"] {
            let _ =
                writeln!(out, "uw_sync_operations_total{{outcome=\"{outcome}\"}} {}", inner.sync_ops.get(outcome).copied().unwrap_or(0));
        }
        out.push_str("# HELP uw_binds_total Bind requests by outcome.\n# TYPE uw_binds_total counter\n");
        for outcome in ["issued", "rejected", "conflict"] {
            let _ = writeln!(out, "uw_binds_total{{outcome=\"{outcome}\"}} {}", inner.binds.get(outcome).copied().unwrap_or(0));
        }
        out.push_str("# HELP uw_sync_push_groups_total Transactions that applied pushes (group commits).\n# TYPE uw_sync_push_groups_total counter\n");
        let _ = writeln!(out, "uw_sync_push_groups_total {}", inner.push_groups);
        out.push_str("# HELP uw_sync_grouped_pushes_total Pushes applied by group commits; divided by the groups, the mean group size.\n# TYPE uw_sync_grouped_pushes_total counter\n");
        let _ = writeln!(out, "uw_sync_grouped_pushes_total {}", inner.grouped_pushes);
        out.push_str("# HELP uw_audit_log_entries Entries in the audit log.\n# TYPE uw_audit_log_entries gauge\n");
        let _ = writeln!(out, "uw_audit_log_entries {}", self.log_size.load(Ordering::Relaxed));
        out.push_str("# HELP uw_sync_push_queue_depth Pushes waiting for their group commit.\n# TYPE uw_sync_push_queue_depth gauge\n");
        let _ = writeln!(out, "uw_sync_push_queue_depth {}", scrape.push_queue);
        out.push_str(
            "# HELP uw_audit_checkpoint_timestamp_seconds When the newest signed checkpoint of the audit log was signed; 0 when none was.\n# TYPE uw_audit_checkpoint_timestamp_seconds gauge\n",
        );
        let _ = writeln!(out, "uw_audit_checkpoint_timestamp_seconds {}", scrape.checkpoint_signed_at.unwrap_or(0));
        out.push_str("# HELP uw_login_throttled_total Sign-ins refused because the password-guessing throttle asked them to wait.\n# TYPE uw_login_throttled_total counter\n");
        let _ = writeln!(out, "uw_login_throttled_total {}", self.login_throttled.load(Ordering::Relaxed));
        let expiry = self.certificate_expiry.load(Ordering::Relaxed);
        if expiry != 0 {
            out.push_str("# HELP uw_tls_certificate_expiry_timestamp_seconds When the certificate this server presents expires.\n# TYPE uw_tls_certificate_expiry_timestamp_seconds gauge\n");
            let _ = writeln!(out, "uw_tls_certificate_expiry_timestamp_seconds {expiry}");
        }
        if let Some(usage) = scrape.storage {
            out.push_str(
                "# HELP uw_storage_size_bytes The SQLite database's size with its write-ahead log.\n# TYPE uw_storage_size_bytes gauge\n",
            );
            let _ = writeln!(out, "uw_storage_size_bytes {}", usage.size_bytes);
            out.push_str("# HELP uw_storage_available_bytes Bytes free on the filesystem that holds the SQLite database.\n# TYPE uw_storage_available_bytes gauge\n");
            let _ = writeln!(out, "uw_storage_available_bytes {}", usage.available_bytes);
        }
        out.push_str("# HELP uw_build_info The server's version.\n# TYPE uw_build_info gauge\n");
        let _ = writeln!(out, "uw_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"));
        out
    }
}

#[allow(clippy::float_arithmetic, reason = "bucket bounds are configuration constants, never money")]
fn bucket_micros(bound_seconds: f64) -> u64 {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "the bounds are small positive constants")]
    let micros = (bound_seconds * 1_000_000.0).round() as u64;
    micros
}

fn escape(label: &str) -> String {
    label.replace('\\', "\\\\").replace('"', "\\\"")
}
