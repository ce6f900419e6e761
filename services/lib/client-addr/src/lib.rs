//! Who the client is, for per-client limits: the connection's address, or,
//! behind proxies, the address the nearest trusted proxy recorded.
//!
//! Every proxy appends the address it received the request from to
//! `X-Forwarded-For`, so the right-most entries are written by proxies we
//! run and everything further left by whoever sent the request. With
//! `trusted_proxy_hops` = N the client is the entry N places from the
//! right; entries further left are the client's own words and are never
//! believed (a client cannot choose its bucket by writing addresses). With
//! 0 — nothing in front, or a deployment that does not say — the header is
//! ignored and the connection's address is the client's. When the chain is
//! shorter than N (a request that bypassed a proxy) or the entry is not an
//! address, the connection's address is used.
//!
//! The gateway (`/takip`) and intake (the app API and the web form) both
//! use [`ClientAddr`], each with its own `trusted_proxy_hops` setting.

#![warn(missing_docs)]

use std::net::IpAddr;

use http::HeaderMap;

/// Reads the client's address behind a fixed number of trusted proxies.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ClientAddr {
    trusted_proxy_hops: u8,
}

impl ClientAddr {
    /// With `trusted_proxy_hops` proxies in front that each append to
    /// `X-Forwarded-For` (0: trust no header).
    pub const fn new(trusted_proxy_hops: u8) -> Self {
        Self { trusted_proxy_hops }
    }

    /// The client of a request that arrived from `connection` with `headers`.
    pub fn client(&self, connection: IpAddr, headers: &HeaderMap) -> IpAddr {
        if self.trusted_proxy_hops == 0 {
            return connection;
        }
        // Several headers are one list in order (RFC 9110 §5.3).
        let chain: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        chain
            .len()
            .checked_sub(usize::from(self.trusted_proxy_hops))
            .and_then(|i| chain.get(i))
            .and_then(|a| a.parse().ok())
            .unwrap_or(connection)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", v.parse().unwrap());
        }
        h
    }

    const PROXY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 9));

    #[test]
    fn behind_one_proxy_the_client_is_the_last_forwarded_address() {
        let h = forwarded(&["6.6.6.6, 203.0.113.7"]);
        assert_eq!(
            ClientAddr::new(1).client(PROXY, &h),
            IpAddr::from([203, 0, 113, 7])
        );
        assert_eq!(
            ClientAddr::new(2).client(PROXY, &h),
            IpAddr::from([6, 6, 6, 6])
        );
        assert_eq!(
            ClientAddr::new(0).client(PROXY, &h),
            PROXY,
            "not trusted unless configured"
        );
        assert_eq!(
            ClientAddr::new(3).client(PROXY, &h),
            PROXY,
            "fewer entries than proxies"
        );
        assert_eq!(ClientAddr::new(1).client(PROXY, &HeaderMap::new()), PROXY);
    }

    #[test]
    fn several_headers_are_one_chain_and_ipv6_is_read() {
        let h = forwarded(&["6.6.6.6", "2001:db8::7"]);
        assert_eq!(
            ClientAddr::new(1).client(PROXY, &h),
            "2001:db8::7".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            ClientAddr::new(2).client(PROXY, &h),
            IpAddr::from([6, 6, 6, 6])
        );
    }

    #[test]
    fn an_entry_that_is_not_an_address_falls_back_to_the_connection() {
        let h = forwarded(&["unknown"]);
        assert_eq!(ClientAddr::new(1).client(PROXY, &h), PROXY);
    }

    proptest::proptest! {
        /// Whatever a client writes in front, it cannot move its bucket:
        /// with one trusted proxy the answer is the proxy's entry.
        #[test]
        fn what_the_client_writes_further_left_is_never_believed(
            forged in proptest::collection::vec(proptest::prelude::any::<[u8; 4]>(), 0..8),
            real in proptest::prelude::any::<[u8; 4]>(),
        ) {
            let mut chain: Vec<String> = forged.iter().map(|a| IpAddr::from(*a).to_string()).collect();
            chain.push(IpAddr::from(real).to_string());
            let h = forwarded(&[chain.join(", ").as_str()]);
            proptest::prop_assert_eq!(ClientAddr::new(1).client(PROXY, &h), IpAddr::from(real));
        }
    }
}
