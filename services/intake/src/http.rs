//! Intake's HTTP listener, wired: the web form and the app API, the
//! social-media webhooks, the CTI, staff entry, Open311 and the e-mail
//! channel's problem list, each with its own state,
//! merged into one router with `/healthz`. Only this module knows all the
//! channels; none of them imports it.

use axum::{Router, routing::get};

use tekmerkez_case_client::CaseClient;

use crate::{
    counters, cti::CtiState, publish::Publisher, social::SocialState, staff::StaffState,
    web_api::WebState,
};

/// Every channel's state.
#[derive(Clone)]
pub struct AppState {
    /// The web form and the app API.
    pub web: WebState,
    /// The social-media webhooks (routes only for the enabled ones).
    pub social: SocialState,
    /// The CTI/IVR endpoint (routes only when enabled).
    pub cti: CtiState,
    /// Staff entry (routes only when enabled).
    pub staff: StaffState,
    /// The e-mail channel's unusable messages, for staff (with staff entry).
    pub email_problems: crate::email::problems::ProblemsState,
    /// Where the e-mail channel records them.
    pub problems: crate::email::problems::ProblemStore,
    /// Puts applications on the bus (the partner and e-mail channels too).
    pub publisher: Publisher,
    /// Open311 GeoReport v2 (routes only when enabled).
    pub open311: crate::open311::Open311State,
    /// The case service (the partner channel too).
    pub cases: CaseClient,
}

pub fn router(state: AppState, body_limit: usize) -> Router {
    // The platforms' webhooks and the CTI come from a few addresses at a
    // high rate: they authenticate every request instead of being limited
    // per client address.
    let social = counting_refusals(crate::social::router(&state.social), "social_media");
    let cti = counting_refusals(crate::cti::router(&state.cti), "phone");
    // Staff entry comes from the gateway alone, which authenticates. Its
    // applications are calls, letters, visits and meetings: one label.
    let staff = counting_refusals(crate::staff::router(&state.staff), "staff_entry");
    // The channels' own routes answer the API's JSON error shape too, even
    // where axum refuses before a handler runs.
    let json_errors = axum::middleware::from_fn(crate::api_error::json_errors);
    Router::new()
        .merge(crate::web_api::router(&state.web, body_limit))
        .route("/healthz", get(|| async { "ok" }))
        .merge(social.layer(json_errors.clone()))
        .merge(cti.layer(json_errors.clone()))
        .merge(staff.layer(json_errors.clone()))
        .merge(crate::email::problems::router(&state.email_problems).layer(json_errors))
        // Open311 answers in the specification's own error format.
        .merge(crate::open311::router(&state.open311))
}

/// The answer of intake's own listener to a path no route has, in the API's
/// JSON error shape. Not part of [`router`]: `tekmerkez dev` merges intake's
/// routes with the gateway's, whose fallback is its Turkish page, and axum
/// refuses to merge two routers that both have one.
pub async fn not_found() -> crate::api_error::ApiError {
    crate::api_error::ApiError::new(axum::http::StatusCode::NOT_FOUND, "no such route")
}

/// `router` with every refused POST counted as a rejection of `channel`:
/// the webhooks, the CTI and staff entry answer in many places (a bad
/// signature, a body that is not JSON, an unknown account, the bus down),
/// and the status they answer with is what the platform or caller saw.
fn counting_refusals(router: Router, channel: &'static str) -> Router {
    router.layer(axum::middleware::from_fn(
        move |req: axum::extract::Request, next: axum::middleware::Next| async move {
            let post = req.method() == axum::http::Method::POST;
            let res = next.run(req).await;
            let status = res.status();
            if post && (status.is_client_error() || status.is_server_error()) {
                counters::count_rejected_because(channel, counters::refusal_reason(status));
            }
            res
        },
    ))
}
