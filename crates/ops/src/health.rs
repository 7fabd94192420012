//! Asking Metabase's `/api/health`: `200 {"status":"ok"}` when ready, `503
//! {"status":"initializing","progress":0.42}` while its start-up migrations run.
//!
//! Plain `http://` is spoken over a `TcpStream` (no HTTP library for one GET); `https://` goes
//! through `curl`, which every supported system has and which brings the system's trust store.

use crate::api::HealthProbe;
use crate::facts::HealthAnswer;
use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// The probe used by the binary.
#[derive(Clone, Debug)]
pub struct HttpProbe {
    pub timeout: Duration,
}

impl Default for HttpProbe {
    fn default() -> Self {
        HttpProbe { timeout: Duration::from_secs(10) }
    }
}

/// `<base>/api/health`, unless `base` already names a path ending in `/api/health`.
pub fn health_url(base: &str) -> String {
    let base = base.trim().trim_end_matches('/');
    if base.ends_with("/api/health") {
        base.to_string()
    } else {
        format!("{base}/api/health")
    }
}

impl HealthProbe for HttpProbe {
    fn probe(&self, url: &str) -> HealthAnswer {
        let got = if let Some(rest) = url.strip_prefix("http://") {
            get_plain(rest, self.timeout)
        } else if url.starts_with("https://") {
            get_curl(url, self.timeout)
        } else {
            Err(format!("not an http(s) URL: {url}"))
        };
        match got {
            Ok((code, body)) => parse_answer(url, code, &body),
            Err(error) => HealthAnswer { url: url.to_string(), error: Some(error), ..Default::default() },
        }
    }
}

/// Reads the status and progress out of an answer's body.
pub fn parse_answer(url: &str, code: u16, body: &str) -> HealthAnswer {
    let json: Option<serde_json::Value> = serde_json::from_str(body.trim()).ok();
    let status = json.as_ref().and_then(|j| j.get("status")).and_then(|s| s.as_str()).map(str::to_string);
    let progress = json.as_ref().and_then(|j| j.get("progress")).and_then(|p| p.as_f64());
    HealthAnswer { url: url.to_string(), http_status: Some(code), status, progress, error: None }
}

fn get_plain(rest: &str, timeout: Duration) -> Result<(u16, String), String> {
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr_text = if authority.contains(':') { authority.to_string() } else { format!("{authority}:80") };
    let addr = addr_text
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {authority}: {e}"))?
        .next()
        .ok_or_else(|| format!("cannot resolve {authority}"))?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| format!("{e}"))?;
    stream.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    stream.set_write_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {authority}\r\nAccept: application/json\r\nUser-Agent: mbdeploy\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream.take(1 << 20).read_to_end(&mut raw).map_err(|e| format!("reading the answer: {e}"))?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let code = head
        .lines()
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| "not an HTTP answer".to_string())?;
    let chunked = head.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("transfer-encoding:") && l.contains("chunked")
    });
    Ok((code, if chunked { dechunk(body) } else { body.to_string() }))
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16) else { break };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

fn get_curl(url: &str, timeout: Duration) -> Result<(u16, String), String> {
    let out = std::process::Command::new("curl")
        .args(["-s", "-m", &timeout.as_secs().max(1).to_string(), "-w", "\n%{http_code}", url])
        .output()
        .map_err(|e| format!("cannot run curl for an https URL: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let (body, code) = text.rsplit_once('\n').unwrap_or(("", &text));
    match code.trim().parse::<u16>() {
        Ok(0) | Err(_) => Err(format!("no answer (curl exit {})", out.status.code().unwrap_or(-1))),
        Ok(c) => Ok((c, body.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_parsed() {
        let a = parse_answer("u", 503, r#"{"status":"initializing","progress":0.42}"#);
        assert_eq!(a.status.as_deref(), Some("initializing"));
        assert_eq!(a.summary(), "503 initializing (42%)");
        assert!(!a.is_ok());
        assert!(parse_answer("u", 200, r#"{"status":"ok"}"#).is_ok());
        assert_eq!(health_url("http://x/"), "http://x/api/health");
        assert_eq!(health_url("http://x/api/health"), "http://x/api/health");
        assert_eq!(dechunk("5\r\nhello\r\n0\r\n\r\n"), "hello");
    }

    #[test]
    fn plain_http_over_a_socket() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let body = r#"{"status":"ok"}"#;
            let _ = write!(s, "HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        });
        let a = HttpProbe::default().probe(&format!("http://127.0.0.1:{port}/api/health"));
        server.join().unwrap();
        assert!(a.is_ok(), "{a:?}");
        let closed =
            HttpProbe { timeout: Duration::from_secs(2) }.probe(&format!("http://127.0.0.1:{port}/api/health"));
        assert!(closed.error.is_some());
    }
}
