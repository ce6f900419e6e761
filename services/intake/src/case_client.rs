//! The case service, as intake calls it: a client whose every call carries
//! intake's bearer token and joins the caller's trace.

use tekmerkez_proto::case_v1::case_service_client::CaseServiceClient;
use tonic::{service::interceptor::InterceptedService, transport::Channel};

/// Adds intake's bearer token to case-service calls.
#[derive(Clone)]
pub struct BearerToken(pub tonic::metadata::MetadataValue<tonic::metadata::Ascii>);

impl tonic::service::Interceptor for BearerToken {
    fn call(&mut self, mut req: tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> {
        req.metadata_mut().insert("authorization", self.0.clone());
        // The interceptor runs inside the caller's span: the call joins its trace.
        tekmerkez_telemetry::propagation::inject_grpc(req.metadata_mut());
        Ok(req)
    }
}

/// The case service, as intake calls it.
pub type CaseClient = CaseServiceClient<InterceptedService<Channel, BearerToken>>;
