//! Calls to the case service: the gateway's service token, and the
//! signed-in person named in `x-tekmerkez-acting-user`.

use std::time::Duration;

use secrecy::{ExposeSecret as _, SecretString};
use tekmerkez_proto::case_v1::{
    case_service_client::CaseServiceClient, directory_service_client::DirectoryServiceClient,
};
use tekmerkez_proto::routing_v1::routing_rules_service_client::RoutingRulesServiceClient;
use tonic::{metadata::MetadataValue, transport::Channel};
use uuid::Uuid;

/// The case service, as the gateway calls it.
#[derive(Clone)]
pub struct Backend {
    channel: Channel,
    routing: Option<Channel>,
    /// Notify's API, for the record page's delivery log.
    notify: Option<Channel>,
    bearer: MetadataValue<tonic::metadata::Ascii>,
    timeout: Duration,
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend").finish_non_exhaustive()
    }
}

impl Backend {
    /// A backend over `channel` (connected lazily).
    ///
    /// # Errors
    /// A token that is not visible ASCII.
    pub fn new(
        channel: Channel,
        routing: Option<Channel>,
        token: &SecretString,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        let bearer = format!("Bearer {}", token.expose_secret())
            .parse()
            .map_err(|_| anyhow::anyhow!("gateway.case_service.token must be visible ASCII"))?;
        Ok(Self {
            channel,
            routing,
            notify: None,
            bearer,
            timeout,
        })
    }

    /// The same backend, reading delivery logs from notify's `channel`.
    #[must_use]
    pub fn with_notify(mut self, channel: Option<Channel>) -> Self {
        self.notify = channel;
        self
    }

    /// Notify's API, when configured (called with [`Self::as_gateway`]).
    pub fn notify(
        &self,
    ) -> Option<
        tekmerkez_proto::notify_v1::notification_service_client::NotificationServiceClient<Channel>,
    > {
        self.notify.clone().map(
            tekmerkez_proto::notify_v1::notification_service_client::NotificationServiceClient::new,
        )
    }

    /// A request as the gateway itself (sign-in).
    pub fn as_gateway<T>(&self, msg: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(msg);
        r.metadata_mut()
            .insert("authorization", self.bearer.clone());
        r.set_timeout(self.timeout);
        // Built inside the page's span: the call joins its trace.
        tekmerkez_telemetry::propagation::inject_grpc(r.metadata_mut());
        r
    }

    /// A request on behalf of the signed-in user `user`.
    pub fn as_user<T>(&self, user: Uuid, msg: T) -> tonic::Request<T> {
        let mut r = self.as_gateway(msg);
        if let Ok(v) = user.to_string().parse() {
            r.metadata_mut().insert("x-tekmerkez-acting-user", v);
        }
        r
    }

    /// The directory client.
    pub fn directory(&self) -> DirectoryServiceClient<Channel> {
        DirectoryServiceClient::new(self.channel.clone())
    }

    /// The routing rules' client, when the routing service is configured.
    /// It forwards the gateway's token and the acting user to the case
    /// service's directory, which says whether they are an admin.
    pub fn rules(&self) -> Option<RoutingRulesServiceClient<Channel>> {
        self.routing.clone().map(RoutingRulesServiceClient::new)
    }

    /// The case client.
    pub fn cases(&self) -> CaseServiceClient<Channel> {
        CaseServiceClient::new(self.channel.clone())
    }
}
