/*!
A real reverse proxy for the system tests: Debian's nginx, started by the
test with its own configuration in a temporary directory (no master
process, no daemon, nothing under /etc or /var), terminating TLS and
forwarding to the sync server the way an operator's nginx would.
*/

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::tls::ServerCertificate;
use crate::{collect, free_port};

/// A running nginx, stopped on drop.
#[derive(Debug)]
pub struct Nginx {
    child: Child,
    /// `https://127.0.0.1:PORT`.
    pub base_url: String,
    stderr: std::sync::mpsc::Receiver<String>,
    _dir: tempfile::TempDir,
}

impl Nginx {
    /// Proxies HTTPS on a free loopback port to `upstream` (`127.0.0.1:PORT`),
    /// connecting from `bind_from` (a loopback address the server trusts as
    /// its proxy) and appending the client to `X-Forwarded-For`.
    pub fn start(certificate: &ServerCertificate, upstream: &str, bind_from: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let port = free_port();
        let root = dir.path();
        for sub in ["body", "proxy", "fastcgi", "uwsgi", "scgi", "logs"] {
            std::fs::create_dir_all(root.join(sub)).expect("mkdir");
        }
        let config = format!(
            r#"daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx.pid;
error_log stderr notice;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {cert};
        ssl_certificate_key {key};
        ssl_protocols TLSv1.2 TLSv1.3;
        client_max_body_size 8m;
        location / {{
            proxy_pass http://{upstream};
            proxy_bind {bind_from};
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_read_timeout 60s;
        }}
    }}
}}
"#,
            root = root.display(),
            cert = certificate.certificate_chain.display(),
            key = certificate.private_key.display(),
        );
        let conf = root.join("nginx.conf");
        std::fs::write(&conf, config).expect("write nginx.conf");
        let bin = ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().find(|p| Path::new(p).exists()).unwrap_or("nginx");
        let mut child = Command::new(bin)
            .args(["-e", "stderr", "-p"])
            .arg(root)
            .arg("-c")
            .arg(&conf)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start nginx (apt-get install nginx): {e}"));
        let stderr = collect(child.stderr.take().expect("piped stderr"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                let log: String = stderr.try_iter().collect();
                panic!("nginx exited with {status}:\n{log}");
            }
            assert!(Instant::now() < deadline, "nginx did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, base_url: format!("https://127.0.0.1:{port}"), stderr, _dir: dir }
    }

    /// What nginx logged so far.
    pub fn log(&self) -> String {
        self.stderr.try_iter().collect()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
