//! The gRPC edge: the authentication interceptor, request/response
//! conversion, and the two services. Handlers stay thin; every rule lives in
//! [`crate::app`] and [`crate::domain`].

pub mod assignment_service;
pub mod audit_service;
pub mod calendar_service;
pub mod case_service;
pub mod classification_service;
pub mod convert;
pub mod deadline_service;
pub mod desk_service;
pub mod directory_service;
pub mod incident_service;
pub mod interceptor;
pub mod letters;
pub mod saved_view_service;

use tonic::{Request, Status};

use crate::{
    app::auth::{Authenticator, Credentials},
    domain::caller::Caller,
};

/// Turns the credentials the interceptor stored into a caller.
#[derive(Debug, Clone)]
pub struct CallerResolver {
    auth: Authenticator,
}

impl CallerResolver {
    /// Resolves through `auth`.
    pub fn new(auth: Authenticator) -> Self {
        Self { auth }
    }

    /// The caller of `req`.
    ///
    /// # Errors
    /// `Unauthenticated` without valid credentials.
    pub async fn resolve<T>(&self, req: &Request<T>) -> Result<Caller, Status> {
        let creds = req
            .extensions()
            .get::<Credentials>()
            .ok_or_else(|| Status::unauthenticated("unauthenticated"))?;
        Ok(self.auth.resolve(creds).await?)
    }
}
