//! Intake, as the entry screens call it over HTTP: recording an application
//! for the signed-in person (`POST /v1/staff/applications` with the
//! gateway's staff token, the acting user and the form's one-time id), and
//! the call-centre screen's lookup of the call offered to an agent
//! (`GET /v1/cti/agents/{user}/call` with the CTI lookup token). Bodies are
//! never logged: they hold the citizen's personal data.

use std::{collections::BTreeMap, time::Duration};

use secrecy::{ExposeSecret as _, SecretString};
use uuid::Uuid;

/// Intake's staff endpoint and caller lookup.
#[derive(Clone)]
pub struct IntakeClient {
    base: String,
    staff_token: SecretString,
    lookup_token: SecretString,
    http: reqwest::Client,
}

impl std::fmt::Debug for IntakeClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IntakeClient")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

/// What intake answered for a recorded application.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Recorded {
    /// `XXXXX-XXXXX`.
    pub tracking_number: String,
    /// When it was recorded (RFC 3339).
    pub received_at: String,
    /// When the consent was recorded (RFC 3339), if any.
    pub consent_accepted_at: Option<String>,
}

/// Why an application was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// Fields intake refused: field → rules.
    #[error("the application has invalid fields")]
    Invalid(BTreeMap<String, Vec<String>>),
    /// The same form was already sent with other content.
    #[error("the form was already sent with other content")]
    Conflict,
    /// Intake could not be reached or could not record it now.
    #[error("intake is unavailable")]
    Unavailable(#[source] Option<reqwest::Error>),
    /// Intake refused the gateway's token or answered unexpectedly.
    #[error("intake refused the request (status {0})")]
    Refused(u16),
}

/// One IVR menu step.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct IvrStep {
    pub menu: String,
    /// What the caller chose.
    pub choice: String,
}

/// An application the caller made before.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Earlier {
    /// `XXXXX-XXXXX`.
    pub tracking_number: String,
    /// Channel code (`phone`, `web_form`, …).
    pub channel: String,
    /// When it came in (RFC 3339).
    pub received_at: Option<String>,
    /// `received`, `in_pool`, `in_progress`, `awaiting_callback`, `resolved`.
    pub status: String,
}

/// The call offered to an agent, as the CTI reported it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct OfferedCall {
    /// The CTI's call id.
    pub call_id: String,
    /// `offered` or `ended`.
    pub state: String,
    /// The caller's number in E.164, when the network gave a Turkish one.
    pub caller_number: Option<String>,
    /// What the caller chose in the IVR before reaching the agent.
    #[serde(default)]
    pub ivr_selections: Vec<IvrStep>,
    /// The caller's earlier applications, newest first.
    #[serde(default)]
    pub earlier_applications: Vec<Earlier>,
}

impl IntakeClient {
    /// A client for intake at `base` (`http://host:port`).
    ///
    /// # Errors
    /// The HTTP client cannot be built.
    pub fn new(
        base: &str,
        staff_token: SecretString,
        lookup_token: SecretString,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            staff_token,
            lookup_token,
            http: reqwest::Client::builder()
                .timeout(timeout)
                .connect_timeout(timeout)
                .build()?,
        })
    }

    /// Records `body` (intake's staff JSON) for `user`, once per `form_id`.
    ///
    /// # Errors
    /// [`SubmitError`], with intake's field violations when it refused fields.
    pub async fn submit(
        &self,
        user: Uuid,
        form_id: &str,
        body: &serde_json::Value,
    ) -> Result<Recorded, SubmitError> {
        let res = self
            .http
            .post(format!("{}/v1/staff/applications", self.base))
            .bearer_auth(self.staff_token.expose_secret())
            .header("x-tekmerkez-acting-user", user.to_string())
            .header("idempotency-key", form_id)
            .headers(trace_headers())
            .json(body)
            .send()
            .await
            .map_err(|e| SubmitError::Unavailable(Some(e)))?;
        let status = res.status();
        match status.as_u16() {
            202 => res
                .json::<Recorded>()
                .await
                .map_err(|e| SubmitError::Unavailable(Some(e))),
            400 => {
                #[derive(serde::Deserialize)]
                struct Refusal {
                    #[serde(default)]
                    errors: BTreeMap<String, Vec<String>>,
                }
                let r: Refusal = res
                    .json()
                    .await
                    .map_err(|e| SubmitError::Unavailable(Some(e)))?;
                Err(SubmitError::Invalid(r.errors))
            }
            422 => Err(SubmitError::Conflict),
            429 | 500..=599 => Err(SubmitError::Unavailable(None)),
            other => Err(SubmitError::Refused(other)),
        }
    }

    /// The call currently offered to `username`, if the CTI reported one;
    /// `None` too when the lookup is not configured or intake cannot say
    /// (the screen then works without it).
    pub async fn offered_call(&self, username: &str) -> Option<OfferedCall> {
        if self.lookup_token.expose_secret().is_empty() {
            return None;
        }
        let name: String = form_urlencoded::byte_serialize(username.as_bytes()).collect();
        let res = self
            .http
            .get(format!("{}/v1/cti/agents/{name}/call", self.base))
            .bearer_auth(self.lookup_token.expose_secret())
            .headers(trace_headers())
            .send()
            .await;
        match res {
            Ok(r) if r.status().is_success() => r.json::<OfferedCall>().await.ok(),
            Ok(r) if r.status() == reqwest::StatusCode::NOT_FOUND => None,
            Ok(r) => {
                tracing::warn!(status = r.status().as_u16(), "the caller lookup failed");
                None
            }
            Err(e) => {
                tracing::warn!(error.message = %e, "the caller lookup could not reach intake");
                None
            }
        }
    }
}

/// One e-mail no case could be made of, as intake lists it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct EmailProblem {
    /// When it reached the mailbox (RFC 3339).
    pub received_at: String,
    /// Why (`no_sender`, `empty`, `unparseable`, `bad_sender`).
    pub reason: String,
    /// The mailbox account (`user@host`) and folder it stays in.
    pub account: String,
    pub mailbox: String,
    pub uid_validity: u32,
    pub uid: u32,
    /// Its `Message-ID`; empty when it had none.
    pub message_id: String,
}

/// A page of the e-mail problem list and the whole list's size.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct EmailProblemPage {
    pub problems: Vec<EmailProblem>,
    pub total: u64,
}

impl IntakeClient {
    /// Up to `limit` of the e-mail channel's unusable messages, newest
    /// first, after `offset` of them (the staff token).
    ///
    /// # Errors
    /// [`SubmitError::Unavailable`] when intake cannot answer now,
    /// [`SubmitError::Refused`] when it refused the token or the request.
    pub async fn email_problems(
        &self,
        limit: u32,
        offset: u32,
    ) -> Result<EmailProblemPage, SubmitError> {
        let res = self
            .http
            .get(format!(
                "{}/v1/staff/email-problems?limit={limit}&offset={offset}",
                self.base
            ))
            .bearer_auth(self.staff_token.expose_secret())
            .headers(trace_headers())
            .send()
            .await
            .map_err(|e| SubmitError::Unavailable(Some(e)))?;
        match res.status().as_u16() {
            200 => res
                .json::<EmailProblemPage>()
                .await
                .map_err(|e| SubmitError::Unavailable(Some(e))),
            429 | 500..=599 => Err(SubmitError::Unavailable(None)),
            other => Err(SubmitError::Refused(other)),
        }
    }
}

/// The page's trace context for intake (`traceparent`, `tracestate`), so a
/// staff entry's trace runs on from the gateway through intake to the case.
fn trace_headers() -> reqwest::header::HeaderMap {
    let mut h = reqwest::header::HeaderMap::new();
    tekmerkez_telemetry::propagation::inject_headers(&mut h);
    h
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use std::sync::{Arc, Mutex};

    use opentelemetry::trace::TracerProvider as _;
    use tracing::Instrument as _;
    use tracing_subscriber::layer::SubscriberExt as _;

    use super::*;

    #[tokio::test]
    async fn a_staff_entry_and_the_caller_lookup_carry_the_page_s_trace_to_intake() {
        opentelemetry::global::set_text_map_propagator(
            opentelemetry_sdk::propagation::TraceContextPropagator::new(),
        );
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
        let _guard = tracing::subscriber::set_default(subscriber);

        // A stand-in for intake that remembers each request's traceparent.
        let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
        let remember = |seen: Arc<Mutex<Vec<Option<String>>>>| {
            move |headers: axum::http::HeaderMap| async move {
                let tp = headers
                    .get("traceparent")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                seen.lock().unwrap().push(tp);
            }
        };
        let (s1, s2) = (seen.clone(), seen.clone());
        let app = axum::Router::new()
            .route(
                "/v1/staff/applications",
                axum::routing::post(move |h: axum::http::HeaderMap| async move {
                    remember(s1)(h).await;
                    (
                        axum::http::StatusCode::ACCEPTED,
                        axum::Json(serde_json::json!({
                            "tracking_number": "ABCDE-12345",
                            "received_at": "2026-12-01T10:00:00Z",
                            "consent_accepted_at": null
                        })),
                    )
                }),
            )
            .route(
                "/v1/cti/agents/{agent}/call",
                axum::routing::get(move |h: axum::http::HeaderMap| async move {
                    remember(s2)(h).await;
                    axum::http::StatusCode::NOT_FOUND
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });

        let client = IntakeClient::new(
            &format!("http://{addr}"),
            SecretString::from("staff-token-0123456789abcdef"),
            SecretString::from("lookup-token-0123456789abcdef"),
            Duration::from_secs(5),
        )
        .unwrap();
        let page = tracing::info_span!("gateway.page");
        let page_trace = page
            .in_scope(tekmerkez_telemetry::propagation::current_traceparent)
            .unwrap();
        async {
            client
                .submit(Uuid::now_v7(), "form-1", &serde_json::json!({}))
                .await
                .unwrap();
            assert!(client.offered_call("cagrimerkezi").await.is_none());
        }
        .instrument(page)
        .await;

        let trace_id = |tp: &str| tp.split('-').nth(1).unwrap().to_owned();
        let seen = seen.lock().unwrap().clone();
        assert_eq!(seen.len(), 2, "{seen:?}");
        for tp in seen {
            let tp = tp.expect("a traceparent on every call to intake");
            assert_eq!(trace_id(&tp), trace_id(&page_trace), "the page's trace");
        }
    }
}
