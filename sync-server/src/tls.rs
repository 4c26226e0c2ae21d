/*!
Transport security: the server's own TLS (OpenSSL, TLS 1.2 and newer, the
certificate reloaded on SIGHUP without dropping connections), and the client
address of a request that came through a trusted reverse proxy.

OpenSSL is the one C crypto library in the build: SQLCipher already compiles
it from source (`bundled-sqlcipher-vendored-openssl`), and the desktop's
HTTPS client (reqwest with native-tls) links the same build.
*/

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::http::HeaderMap;
use ipnet::IpNet;
use openssl::ssl::{SslAcceptor, SslFiletype, SslMethod, SslVersion};

/// The certificate chain and private key the server presents, as PEM files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The server certificate first, then any intermediates.
    pub certificate_chain: PathBuf,
    pub private_key: PathBuf,
}

/// Why the certificate or key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("TLS certificate {path}: {message}")]
    Certificate { path: PathBuf, message: String },
    #[error("TLS private key {path}: {message}")]
    PrivateKey { path: PathBuf, message: String },
    #[error("TLS: {0}")]
    Setup(String),
}

fn openssl_text(e: &openssl::error::ErrorStack) -> String {
    let reasons: Vec<String> = e.errors().iter().map(|e| e.reason().unwrap_or("unknown error").to_owned()).collect();
    if reasons.is_empty() {
        e.to_string()
    } else {
        reasons.join("; ")
    }
}

/// Builds the acceptor: Mozilla's "intermediate" profile (TLS 1.2 and 1.3,
/// forward-secret AEAD ciphers), never older than TLS 1.2.
pub fn acceptor(files: &TlsFiles) -> Result<SslAcceptor, TlsError> {
    let setup = |e: openssl::error::ErrorStack| TlsError::Setup(openssl_text(&e));
    let mut builder = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls_server()).map_err(setup)?;
    builder.set_min_proto_version(Some(SslVersion::TLS1_2)).map_err(setup)?;
    let cert = |e: openssl::error::ErrorStack| TlsError::Certificate {
        path: files.certificate_chain.clone(),
        message: format!("{}; expected a PEM certificate chain, the server's certificate first", openssl_text(&e)),
    };
    readable(&files.certificate_chain).map_err(|message| TlsError::Certificate { path: files.certificate_chain.clone(), message })?;
    builder.set_certificate_chain_file(&files.certificate_chain).map_err(cert)?;
    readable(&files.private_key).map_err(|message| TlsError::PrivateKey { path: files.private_key.clone(), message })?;
    builder.set_private_key_file(&files.private_key, SslFiletype::PEM).map_err(|e| TlsError::PrivateKey {
        path: files.private_key.clone(),
        message: format!("{}; expected an unencrypted PEM private key", openssl_text(&e)),
    })?;
    builder.check_private_key().map_err(|e| TlsError::PrivateKey {
        path: files.private_key.clone(),
        message: format!("does not match the certificate in {} ({})", files.certificate_chain.display(), openssl_text(&e)),
    })?;
    Ok(builder.build())
}

fn readable(path: &Path) -> Result<(), String> {
    std::fs::metadata(path).map(|_| ()).map_err(|e| format!("cannot read it: {e}"))
}

/// The acceptor in use, replaced on reload; connections already open keep
/// the one they started with.
pub fn config(files: &TlsFiles) -> Result<axum_server::tls_openssl::OpenSSLConfig, TlsError> {
    Ok(axum_server::tls_openssl::OpenSSLConfig::from_acceptor(Arc::new(acceptor(files)?)))
}

/// When the first certificate of the chain file expires (Unix seconds), for
/// the metrics; `None` if the file does not read.
pub fn certificate_not_after(files: &TlsFiles) -> Option<i64> {
    let pem = std::fs::read(&files.certificate_chain).ok()?;
    let certificate = openssl::x509::X509::from_pem(&pem).ok()?;
    let epoch = openssl::asn1::Asn1Time::from_unix(0).ok()?;
    let diff = epoch.diff(certificate.not_after()).ok()?;
    Some(i64::from(diff.days) * 86_400 + i64::from(diff.secs))
}

/// Reloads the certificate and key on every SIGHUP. A pair that does not
/// load is logged and the one in use stays; the metrics learn the new
/// certificate's expiry.
pub fn reload_on_sighup(files: TlsFiles, config: axum_server::tls_openssl::OpenSSLConfig, metrics: crate::metrics::Metrics) {
    if let Some(not_after) = certificate_not_after(&files) {
        metrics.set_certificate_expiry(not_after);
    }
    tokio::spawn(async move {
        let mut hangups = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!("cannot listen for SIGHUP; the TLS certificate will not reload: {e}");
                return;
            }
        };
        while hangups.recv().await.is_some() {
            match acceptor(&files) {
                Ok(acceptor) => {
                    config.reload_from_acceptor(Arc::new(acceptor));
                    if let Some(not_after) = certificate_not_after(&files) {
                        metrics.set_certificate_expiry(not_after);
                    }
                    tracing::info!(certificate = %files.certificate_chain.display(), "TLS certificate reloaded");
                }
                Err(e) => tracing::error!(error = %e, "TLS certificate not reloaded; the one in use stays"),
            }
        }
    });
}

/// Parses `--trusted-proxies` values: networks in CIDR form (`10.0.0.0/8`)
/// or single addresses.
pub fn parse_networks(values: &[String]) -> Result<Vec<IpNet>, String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(|v| {
            v.parse::<IpNet>()
                .or_else(|_| v.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("trusted proxy `{v}` is not a network (10.0.0.0/8) or an address"))
        })
        .collect()
}

/// The address of the client a request came from. It is the socket's peer,
/// unless that peer is a trusted proxy: then `X-Forwarded-For` is read from
/// its end (the hop the nearest proxy saw) back, skipping trusted proxies,
/// and the first address no trusted network holds is the client. Headers
/// from any other peer are ignored, so nobody can choose their own address.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer.to_canonical();
    if !is_trusted(&client) {
        return client;
    }
    let hops: Vec<&str> = headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
    for hop in hops.into_iter().rev() {
        let Some(ip) = parse_hop(hop.trim()) else {
            // A hop that is not an address ends what can be believed.
            return client;
        };
        client = ip.to_canonical();
        if !is_trusted(&client) {
            return client;
        }
    }
    client
}

/// One `X-Forwarded-For` element: an address, with an optional port
/// (`203.0.113.7:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Ok(socket) = hop.parse::<std::net::SocketAddr>() {
        return Some(socket.ip());
    }
    hop.strip_prefix('[').and_then(|h| h.strip_suffix(']')).and_then(|h| h.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append("x-forwarded-for", v.parse().expect("header value"));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let trusted = parse_networks(&["10.0.0.0/8".into()]).expect("networks");
        assert_eq!(client_address(ip("198.51.100.9"), &headers(&["203.0.113.1"]), &trusted), ip("198.51.100.9"));
        assert_eq!(client_address(ip("198.51.100.9"), &headers(&[]), &[]), ip("198.51.100.9"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_a_forged_prefix_is_skipped() {
        let trusted = parse_networks(&["10.0.0.0/8, 192.0.2.1".into()]).expect("networks");
        // The client forged the first element; the proxy appended what it saw.
        let forwarded = headers(&["6.6.6.6, 203.0.113.7"]);
        assert_eq!(client_address(ip("10.1.2.3"), &forwarded, &trusted), ip("203.0.113.7"));
        // Two trusted proxies in a row, across two header lines.
        let chained = headers(&["203.0.113.8", "192.0.2.1"]);
        assert_eq!(client_address(ip("10.1.2.3"), &chained, &trusted), ip("203.0.113.8"));
        // No header: the proxy itself.
        assert_eq!(client_address(ip("10.1.2.3"), &headers(&[]), &trusted), ip("10.1.2.3"));
        // Garbage ends the chain at the last address believed.
        assert_eq!(client_address(ip("10.1.2.3"), &headers(&["203.0.113.9, junk"]), &trusted), ip("10.1.2.3"));
        assert_eq!(client_address(ip("10.1.2.3"), &headers(&["[2001:db8::1]:4711"]), &trusted), ip("2001:db8::1"));
    }

    #[test]
    fn bad_networks_are_named() {
        let e = parse_networks(&["10.0.0.0/33".into()]).expect_err("refused");
        assert!(e.contains("10.0.0.0/33"), "{e}");
    }
}
