//! Sending webhooks, safely: only `https://` to public addresses (checked after DNS
//! resolution, at connect time, so a name cannot be re-pointed at a private address between
//! the check and the request), plain `http://` to loopback only in sandbox mode, no redirects
//! followed, a short timeout, and the Standard Webhooks headers.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// The one reason given when a name leads nowhere a webhook may go.
pub const NOT_PUBLIC: &str = "The endpoint's name does not lead to a public internet address.";

/// How long one attempt may take.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Whether an address is one the public internet routes to (not loopback, private,
/// link-local, shared, multicast, documentation, reserved or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public_v4(v4);
            }
            // Only global unicast (2000::/3) is the internet; everything else (loopback,
            // unique and site local, link local, NAT64, IPv4-compatible, multicast…) is not.
            // Inside 2000::/3, the ranges that wrap or stand for something else are refused
            // too: 2001::/23 (IETF: Teredo 2001::/32 tunnels to any IPv4, benchmarking,
            // ORCHID), 2001:db8::/32 and 3fff::/20 (documentation), 2002::/16 (6to4, which
            // wraps an IPv4 address, private ones included).
            let s = v6.segments();
            let ietf_or_documentation = s[0] == 0x2001 && (s[1] < 0x0200 || s[1] == 0x0db8);
            (s[0] & 0xe000) == 0x2000
                && !(ietf_or_documentation || s[0] == 0x2002 || (s[0] & 0xfff0) == 0x3ff0)
        }
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_unspecified()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b)) // benchmarking
        || a >= 240)
}

/// A resolver that only hands out the addresses `allow` accepts.
struct Only {
    allow: fn(IpAddr) -> bool,
}

impl Resolve for Only {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            // One answer whether the name does not exist, or resolves only to addresses
            // that are not public: the delivery log must not map an internal DNS.
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await
                .map(|addrs| addrs.filter(|a| allow(a.ip())).collect())
                .unwrap_or_default();
            if found.is_empty() {
                return Err(NOT_PUBLIC.into());
            }
            Ok(Box::new(found.into_iter()) as Addrs)
        })
    }
}

fn client(allow: fn(IpAddr) -> bool) -> reqwest::Client {
    reqwest::Client::builder()
        .dns_resolver(Arc::new(Only { allow }))
        // Never through a proxy from the environment (HTTPS_PROXY…): the proxy would make
        // the connection, to wherever the name points, past the address check.
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .connect_timeout(Duration::from_secs(5))
        .user_agent("Latchkey-Webhooks/1")
        .build()
        .expect("an HTTP client")
}

fn loopback(ip: IpAddr) -> bool {
    ip.is_loopback()
}

/// What one attempt got.
#[derive(Debug, Clone)]
pub struct Attempt {
    /// The HTTP status, if an answer came.
    pub status: Option<u16>,
    /// Why it failed, in words ("" when the receiver took it).
    pub error: String,
    pub ms: i64,
}

impl Attempt {
    pub fn accepted(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

/// The webhook sender of a process.
#[derive(Clone)]
pub struct Sender {
    public: reqwest::Client,
    /// `http://` to loopback: only in sandbox mode (a local receiver while trying it out).
    loopback: Option<reqwest::Client>,
}

impl Sender {
    pub fn new(sandbox_mode: bool) -> Self {
        Self {
            public: client(is_public),
            loopback: sandbox_mode.then(|| client(loopback)),
        }
    }

    /// Whether an endpoint URL may be used, before any request: `https://` (or, in sandbox
    /// mode, `http://` to a loopback address), no credentials, and an IP literal must be
    /// public. Names are checked again after resolution, each time.
    pub fn check(&self, raw: &str) -> Result<Url, String> {
        let url = Url::parse(raw.trim())
            .map_err(|_| "Enter a full URL, like https://hooks.example.com/latchkey.".to_owned())?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(
                "Put no user name or password in the URL; verify the signature instead.".into(),
            );
        }
        let host = url.host().ok_or("The URL needs a host.")?;
        let literal = match host {
            Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
            Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
            Host::Domain(_) => None,
        };
        match url.scheme() {
            "https" => {
                if literal.is_some_and(|ip| !is_public(ip)) {
                    return Err("That address is not on the public internet.".into());
                }
            }
            "http" if self.loopback.is_some() => {
                let is_loop = match host {
                    Host::Domain(d) => d == "localhost",
                    _ => literal.is_some_and(|ip| ip.is_loopback()),
                };
                if !is_loop {
                    return Err("Only https:// endpoints are allowed (plain http:// only to this machine, in sandbox mode).".into());
                }
            }
            _ => return Err("Only https:// endpoints are allowed.".into()),
        }
        Ok(url)
    }

    /// One attempt: POST the body with the Standard Webhooks headers.
    pub async fn send(
        &self,
        url: &str,
        id: &str,
        timestamp: i64,
        signature: &str,
        body: String,
    ) -> Attempt {
        let started = Instant::now();
        let ms = |s: Instant| i64::try_from(s.elapsed().as_millis()).unwrap_or(i64::MAX);
        let url = match self.check(url) {
            Ok(u) => u,
            Err(why) => {
                return Attempt {
                    status: None,
                    error: why,
                    ms: 0,
                };
            }
        };
        let client = match (url.scheme(), &self.loopback) {
            ("http", Some(c)) => c,
            _ => &self.public,
        };
        let sent = client
            .post(url)
            .header("content-type", "application/json")
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let error = match status {
                    200..=299 => String::new(),
                    300..=399 => "The endpoint redirected; redirects are not followed.".into(),
                    _ => format!("The endpoint answered {status}."),
                };
                Attempt {
                    status: Some(status),
                    error,
                    ms: ms(started),
                }
            }
            Err(e) => Attempt {
                status: None,
                error: if e.is_timeout() {
                    "The endpoint did not answer in time.".into()
                } else {
                    // The resolver's refusal is in the source chain.
                    let mut why = e.to_string();
                    let mut src = std::error::Error::source(&e);
                    while let Some(s) = src {
                        why = s.to_string();
                        src = s.source();
                    }
                    format!("Could not connect: {why}")
                },
                ms: ms(started),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for bad in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "fe80::1",
            "fd00::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2001:db8::1",
            "fec0::1",
            "2002:0a00:0001::1",
            "2002:c0a8:0101::1",
            "2001:0:4136:e378:8000:63bf:3fff:fdd2",
            "2001:2::1",
            "3fff::1",
            "::a9fe:a9fe",
            "ff02::1",
        ] {
            assert!(!is_public(bad.parse().unwrap()), "{bad}");
        }
        for good in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(good.parse().unwrap()), "{good}");
        }
    }

    #[test]
    fn urls_are_https_to_public_hosts_and_http_only_to_loopback_in_sandbox_mode() {
        let real = Sender::new(false);
        let sandbox = Sender::new(true);
        assert!(real.check("https://hooks.example.com/x").is_ok());
        for bad in [
            "http://hooks.example.com/x",
            "https://127.0.0.1/x",
            "https://169.254.169.254/latest/meta-data",
            "https://[::1]/x",
            "https://user:pw@hooks.example.com/",
            "ftp://hooks.example.com/",
            "http://127.0.0.1:9000/x",
            "not a url",
        ] {
            assert!(real.check(bad).is_err(), "{bad}");
        }
        assert!(sandbox.check("http://127.0.0.1:9000/x").is_ok());
        assert!(sandbox.check("http://localhost:9000/x").is_ok());
        assert!(sandbox.check("http://10.0.0.1/x").is_err());
        assert!(sandbox.check("https://127.0.0.1/x").is_err());
    }
}
