//! The local AWS emulator (`moto_server`) for `up --local` / `down --local`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running emulator: ours to stop (unless kept), or one the user pointed us at.
pub struct Emulator {
    pub endpoint: String,
    child: Option<Child>,
}

impl Emulator {
    /// Uses `--endpoint-url` if given (a loopback URL), else starts `moto_server` on a free
    /// loopback port, logging to `log_dir/moto.log`.
    pub fn start(endpoint_url: Option<&str>, log_dir: &Path) -> Result<Emulator, String> {
        if let Some(url) = endpoint_url {
            check_loopback(url)?;
            return Ok(Emulator { endpoint: url.trim_end_matches('/').to_string(), child: None });
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free loopback port: {e}"))?
            .port();
        std::fs::create_dir_all(log_dir).map_err(|e| format!("{}: {e}", log_dir.display()))?;
        let log = std::fs::File::create(log_dir.join("moto.log")).map_err(|e| e.to_string())?;
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|e| e.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot start moto_server: {e} (install it with `pip install 'moto[server]'`, or pass --endpoint-url)"))?;
        let mut emulator = Emulator { endpoint: format!("http://127.0.0.1:{port}"), child: Some(child) };
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if let Some(Ok(Some(status))) = emulator.child.as_mut().map(|c| c.try_wait()) {
                return Err(format!(
                    "moto_server exited ({status}) before it listened; see {}",
                    log_dir.join("moto.log").display()
                ));
            }
            if Instant::now() > deadline {
                emulator.stop();
                return Err("moto_server did not listen within 30 s".into());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(emulator)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// Stops the emulator if we started it.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Leaves the emulator running after we exit (`--keep`).
    pub fn detach(mut self) {
        self.child.take();
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The local example must never talk to anything but this machine.
pub fn check_loopback(url: &str) -> Result<(), String> {
    let rest =
        url.strip_prefix("http://").ok_or_else(|| format!("--endpoint-url {url}: expected http://127.0.0.1:PORT"))?;
    let host = rest.split(['/', ':']).next().unwrap_or("");
    if host == "localhost" || host.starts_with("127.") {
        Ok(())
    } else {
        Err(format!("--endpoint-url {url}: the local flow only talks to a loopback address (127.0.0.1 or localhost)"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_loopback_endpoints() {
        assert!(super::check_loopback("http://127.0.0.1:5000").is_ok());
        assert!(super::check_loopback("http://localhost:5000/").is_ok());
        assert!(super::check_loopback("http://10.0.0.5:5000").is_err());
        assert!(super::check_loopback("https://example.com").is_err());
    }
}
