//! Calling the case service as a service (routing, intake, notify, the
//! gateway): one place that knows how.
//!
//! - [`Connection`]: a channel connected lazily (start-up never waits for
//!   the case service; the first call does), and the [`CallCredentials`]
//!   every call carries.
//! - [`CallCredentials`]: the one interceptor. It adds the caller's bearer
//!   token, the W3C trace context of the span the call is made in (so a call
//!   joins the trace of the message or page that caused it), and a default
//!   deadline when the call did not set its own (`grpc-timeout`: the channel
//!   enforces it and the server sees it).
//! - [`CaseClient`], [`DirectoryClient`] and [`IncidentClient`]: the generated clients behind
//!   that interceptor.
//!
//! The gateway calls the routing and notify services with the same token
//! and the same interceptor: [`Connection::to`] builds those.

#![warn(missing_docs)]

use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};
use tekmerkez_proto::case_v1::{
    case_service_client::CaseServiceClient, directory_service_client::DirectoryServiceClient,
    incident_service_client::IncidentServiceClient,
};
use tonic::{
    metadata::{Ascii, MetadataValue},
    service::{Interceptor, interceptor::InterceptedService},
    transport::{Channel, Endpoint},
};

/// The case service's cases, as a service calls them.
pub type CaseClient = CaseServiceClient<InterceptedService<Channel, CallCredentials>>;

/// What names a person to the case service when a service passes their
/// call on: their credentials, the user the gateway acts for, and the
/// gateway's request headers the audit trail records (the request, the
/// client's address, the session mark).
pub const CALLER_HEADERS: [&str; 5] = [
    "authorization",
    "x-tekmerkez-acting-user",
    "x-tekmerkez-request-id",
    "x-tekmerkez-client-address",
    "x-tekmerkez-session",
];

/// `msg` as a call to the case service for the person whose call carried
/// `from` ([`CALLER_HEADERS`]).
pub fn on_behalf_of<M>(from: &tonic::metadata::MetadataMap, msg: M) -> tonic::Request<M> {
    let mut ask = tonic::Request::new(msg);
    for key in CALLER_HEADERS {
        if let Some(v) = from.get(key) {
            ask.metadata_mut().insert(key, v.clone());
        }
    }
    ask
}

/// The case service's directory (pools, units, users), as a service calls it.
pub type DirectoryClient = DirectoryServiceClient<InterceptedService<Channel, CallCredentials>>;

/// The case service's incidents and outages, as a service calls them.
pub type IncidentClient = IncidentServiceClient<InterceptedService<Channel, CallCredentials>>;

/// How long a connection attempt may take before the call fails as
/// `UNAVAILABLE` (the call's own deadline bounds the whole call).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a connection could not be set up. The messages name the setting's
/// part, never the token.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The URL is not a URI tonic can connect to.
    #[error("the service URL is not a valid URI (http://host:port)")]
    InvalidUrl(#[source] tonic::transport::Error),
    /// The token cannot be sent as an HTTP/2 header.
    #[error("the service token must be visible ASCII")]
    TokenNotAscii,
}

/// Adds what every call to a tekmerkez service carries: the bearer token,
/// the trace context, and a deadline when the caller set none.
#[derive(Clone)]
pub struct CallCredentials {
    bearer: MetadataValue<Ascii>,
    deadline: Duration,
}

impl std::fmt::Debug for CallCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bearer is a secret.
        f.debug_struct("CallCredentials")
            .field("deadline", &self.deadline)
            .finish_non_exhaustive()
    }
}

impl CallCredentials {
    /// Credentials for `token`, with `deadline` for calls that set none.
    ///
    /// # Errors
    /// [`ConnectError::TokenNotAscii`] when the token cannot be a header.
    pub fn new(token: &SecretString, deadline: Duration) -> Result<Self, ConnectError> {
        let mut bearer: MetadataValue<Ascii> = format!("Bearer {}", token.expose_secret())
            .parse()
            .map_err(|_| ConnectError::TokenNotAscii)?;
        // Kept out of HPACK's dynamic table and out of any header dump.
        bearer.set_sensitive(true);
        Ok(Self { bearer, deadline })
    }

    /// The deadline a call gets when it sets none.
    #[must_use]
    pub fn deadline(&self) -> Duration {
        self.deadline
    }
}

impl Interceptor for CallCredentials {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        req.metadata_mut()
            .insert("authorization", self.bearer.clone());
        // A call that chose its own deadline keeps it.
        if req.metadata().get("grpc-timeout").is_none() {
            req.set_timeout(self.deadline);
        }
        // The interceptor runs inside the caller's span: the call joins its trace.
        tekmerkez_telemetry::propagation::inject_grpc(req.metadata_mut());
        Ok(req)
    }
}

/// A lazily connected channel to one service and the credentials its calls
/// carry. Cheap to clone: clones share the channel's connections.
#[derive(Clone, Debug)]
pub struct Connection {
    channel: Channel,
    credentials: CallCredentials,
}

impl Connection {
    /// A connection to `url` (`http://host:port`) calling with `token`;
    /// calls that set no deadline get `deadline`. Nothing is dialled until
    /// the first call.
    ///
    /// # Errors
    /// An invalid URL or a token that cannot be a header.
    pub fn connect_lazy(
        url: &str,
        token: &SecretString,
        deadline: Duration,
    ) -> Result<Self, ConnectError> {
        let credentials = CallCredentials::new(token, deadline)?;
        Ok(Self {
            channel: endpoint(url)?.connect_lazy(),
            credentials,
        })
    }

    /// Another service (`url`) called with this connection's credentials:
    /// the gateway's token is accepted by routing and notify too.
    ///
    /// # Errors
    /// An invalid URL.
    pub fn to(&self, url: &str) -> Result<Self, ConnectError> {
        Ok(Self {
            channel: endpoint(url)?.connect_lazy(),
            credentials: self.credentials.clone(),
        })
    }

    /// The case service's cases.
    #[must_use]
    pub fn cases(&self) -> CaseClient {
        CaseServiceClient::with_interceptor(self.channel.clone(), self.credentials.clone())
    }

    /// The case service's directory.
    #[must_use]
    pub fn directory(&self) -> DirectoryClient {
        DirectoryServiceClient::with_interceptor(self.channel.clone(), self.credentials.clone())
    }

    /// The case service's incidents and outages.
    #[must_use]
    pub fn incidents(&self) -> IncidentClient {
        IncidentServiceClient::with_interceptor(self.channel.clone(), self.credentials.clone())
    }

    /// The channel, for a generated client of another service:
    /// `XClient::with_interceptor(c.channel(), c.credentials())`.
    #[must_use]
    pub fn channel(&self) -> Channel {
        self.channel.clone()
    }

    /// The credentials every call carries.
    #[must_use]
    pub fn credentials(&self) -> CallCredentials {
        self.credentials.clone()
    }

    /// The deadline a call gets when it sets none.
    #[must_use]
    pub fn deadline(&self) -> Duration {
        self.credentials.deadline
    }
}

fn endpoint(url: &str) -> Result<Endpoint, ConnectError> {
    Ok(Endpoint::from_shared(url.to_owned())
        .map_err(ConnectError::InvalidUrl)?
        .connect_timeout(CONNECT_TIMEOUT)
        .tcp_nodelay(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[test]
    fn every_call_carries_the_bearer_token_and_the_default_deadline() {
        let mut creds = CallCredentials::new(&secret("t0ken"), Duration::from_millis(1500))
            .expect("ascii token");
        let req = creds.call(tonic::Request::new(())).expect("intercepted");
        assert_eq!(
            req.metadata().get("authorization").map(|v| v.to_str().ok()),
            Some(Some("Bearer t0ken"))
        );
        assert_eq!(
            req.metadata()
                .get("grpc-timeout")
                .and_then(|v| v.to_str().ok()),
            Some("1500000u")
        );
    }

    #[test]
    fn a_call_that_set_its_own_deadline_keeps_it() {
        let mut creds =
            CallCredentials::new(&secret("t0ken"), Duration::from_secs(5)).expect("ascii token");
        let mut req = tonic::Request::new(());
        req.set_timeout(Duration::from_millis(250));
        let req = creds.call(req).expect("intercepted");
        assert_eq!(
            req.metadata()
                .get("grpc-timeout")
                .and_then(|v| v.to_str().ok()),
            Some("250000u")
        );
    }

    #[test]
    fn a_token_that_cannot_be_a_header_is_refused_without_echoing_it() {
        let err = CallCredentials::new(&secret("şifre\n"), Duration::from_secs(1))
            .expect_err("not ascii");
        assert!(matches!(err, ConnectError::TokenNotAscii));
        assert!(!err.to_string().contains("şifre"));
    }

    #[test]
    fn debug_output_never_shows_the_token() {
        let creds =
            CallCredentials::new(&secret("very-secret-token"), Duration::from_secs(1)).expect("ok");
        assert!(!format!("{creds:?}").contains("very-secret"));
    }

    #[test]
    fn an_invalid_url_is_refused() {
        let err = Connection::connect_lazy("not a url", &secret("t"), Duration::from_secs(1))
            .expect_err("invalid");
        assert!(matches!(err, ConnectError::InvalidUrl(_)));
    }
}
