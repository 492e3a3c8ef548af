//! A small SMTP server for loopback use: the test suite and the e-mail benchmark talk real
//! SMTP to it. It speaks enough of RFC 5321 for lettre (EHLO, MAIL, RCPT, DATA, RSET, NOOP,
//! QUIT), keeps what it receives, and can refuse chosen recipients with a 550.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// One message as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The raw message (headers and body, dot-unstuffed).
    pub data: String,
}

impl Received {
    /// A header's value (first occurrence, unfolded).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next()?;
        let mut value: Option<String> = None;
        for line in head.split("\r\n") {
            if let Some(v) = value.as_mut() {
                if line.starts_with([' ', '\t']) {
                    v.push_str(line.trim_start());
                    continue;
                }
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case(name)
            {
                value = Some(v.trim().to_owned());
            }
        }
        value
    }
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    refuse: Mutex<HashSet<String>>,
    arrived: Notify,
}

/// A running SMTP sink.
pub struct SmtpSink {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl SmtpSink {
    /// Starts on a free loopback port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0".parse().map_err(std::io::Error::other)?).await
    }

    /// Starts on a given address (to bring a "down" server back on the same port).
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                // Replies are small writes; without this, delayed ACKs add ~40 ms to each.
                let _ = stream.set_nodelay(true);
                tokio::spawn(session(stream, s.clone()));
            }
        });
        Ok(Self { addr, shared, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `smtp://127.0.0.1:PORT?tls=none`, for `LATCHKEY_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}?tls=none", self.addr)
    }

    /// Answers 550 to RCPT TO for this address from now on.
    pub fn refuse(&self, rcpt: &str) {
        if let Ok(mut r) = self.shared.refuse.lock() {
            r.insert(rcpt.to_ascii_lowercase());
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared
            .received
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }

    /// How many messages have arrived.
    pub fn count(&self) -> usize {
        self.shared.received.lock().map(|r| r.len()).unwrap_or(0)
    }

    /// Waits until at least `n` messages have arrived (or `timeout` passes); returns them.
    /// Counts at each arrival and copies once, so waiting for many messages stays cheap.
    pub async fn wait_for(&self, n: usize, timeout: std::time::Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.arrived.notified();
            if self.count() >= n || tokio::time::timeout_at(deadline, notified).await.is_err() {
                return self.received();
            }
        }
    }

    /// Stops listening (open connections are dropped with the task's children).
    pub fn stop(self) {
        self.task.abort();
    }
}

/// One SMTP conversation: the envelope of each message, then its body after DATA.
async fn session(stream: TcpStream, shared: Arc<Shared>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    let mut line = String::new();
    let mut from = String::new();
    let mut rcpts: Vec<String> = Vec::new();
    if write
        .write_all(b"220 latchkey-sink ESMTP ready\r\n")
        .await
        .is_err()
    {
        return;
    }
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        let cmd = line.trim_end().to_owned();
        let upper = cmd.to_ascii_uppercase();
        let reply: &[u8] = if upper == "DATA" && !rcpts.is_empty() {
            if write
                .write_all(b"354 end with <CRLF>.<CRLF>\r\n")
                .await
                .is_err()
            {
                return;
            }
            let Some(data) = read_data(&mut lines).await else {
                return;
            };
            if let Ok(mut r) = shared.received.lock() {
                r.push(Received {
                    mail_from: from.clone(),
                    rcpt_to: std::mem::take(&mut rcpts),
                    data,
                });
            }
            shared.arrived.notify_waiters();
            b"250 OK queued\r\n"
        } else if upper == "QUIT" {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            envelope(&shared, &cmd, &upper, &mut from, &mut rcpts)
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// The answer to a command outside DATA, keeping the envelope (sender, recipients).
fn envelope(
    shared: &Shared,
    cmd: &str,
    upper: &str,
    from: &mut String,
    rcpts: &mut Vec<String>,
) -> &'static [u8] {
    if upper.starts_with("EHLO") {
        b"250-latchkey-sink\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 PIPELINING\r\n"
    } else if upper.starts_with("HELO") {
        b"250 latchkey-sink\r\n"
    } else if upper.starts_with("MAIL FROM:") {
        *from = angle(&cmd[10..]);
        rcpts.clear();
        b"250 OK\r\n"
    } else if upper.starts_with("RCPT TO:") {
        let rcpt = angle(&cmd[8..]);
        let refused = shared
            .refuse
            .lock()
            .map(|r| r.contains(&rcpt.to_ascii_lowercase()))
            .unwrap_or(false);
        if refused {
            b"550 5.1.1 mailbox unavailable\r\n"
        } else {
            rcpts.push(rcpt);
            b"250 OK\r\n"
        }
    } else if upper == "DATA" {
        b"554 no valid recipients\r\n"
    } else if upper == "RSET" {
        rcpts.clear();
        b"250 OK\r\n"
    } else if upper == "NOOP" {
        b"250 OK\r\n"
    } else {
        b"502 command not implemented\r\n"
    }
}

/// The message after DATA, up to the lone dot, with dot-stuffing undone; None when the
/// connection ends first.
async fn read_data(lines: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<String> {
    let mut data = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        match lines.read_line(&mut line).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        if line == ".\r\n" || line == ".\n" {
            return Some(data);
        }
        data.push_str(line.strip_prefix('.').unwrap_or(&line));
    }
}

fn angle(s: &str) -> String {
    let s = s.trim();
    let inner = s
        .split_once('<')
        .and_then(|(_, r)| r.split_once('>'))
        .map_or(s, |(a, _)| a);
    inner.to_owned()
}
