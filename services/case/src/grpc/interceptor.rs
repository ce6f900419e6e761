//! The authentication interceptor: it reads the bearer token (and the
//! gateway's acting-user and request headers, and the peer's address) into
//! request extensions, and refuses a
//! request without them with a bare `unauthenticated`. Resolving the token
//! to a caller needs the database, so the async handlers do that through
//! [`crate::app::auth::Authenticator`].

use secrecy::SecretString;
use tonic::{Request, Status};

use crate::{
    app::auth::{
        ACTING_USER_HEADER, CLIENT_ADDRESS_HEADER, Credentials, REQUEST_ID_HEADER, SESSION_HEADER,
    },
    domain::audit::{Access, MAX_CLIENT, MAX_SESSION, bounded},
};

/// Extracts [`Credentials`] from the `authorization` metadata.
///
/// # Errors
/// `Unauthenticated` when the header is missing or not a bearer token.
pub fn authenticate(mut req: Request<()>) -> Result<Request<()>, Status> {
    let bearer = req
        .metadata()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 512)
        .map(|t| SecretString::from(t.to_owned()))
        .ok_or_else(|| Status::unauthenticated("unauthenticated"))?;
    let acting_user = req
        .metadata()
        .get(ACTING_USER_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty());
    let header = |name: &str, max: usize| {
        req.metadata()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| bounded(s, max))
    };
    let forwarded = Access {
        request: header(REQUEST_ID_HEADER, 36).and_then(|s| uuid::Uuid::parse_str(&s).ok()),
        client: header(CLIENT_ADDRESS_HEADER, MAX_CLIENT),
        session: header(SESSION_HEADER, MAX_SESSION),
    };
    let peer = req.remote_addr().map(|a| a.ip().to_string());
    req.extensions_mut().insert(Credentials {
        bearer,
        acting_user,
        forwarded,
        peer,
    });
    Ok(req)
}
