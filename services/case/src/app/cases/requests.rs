//! What the case operations take besides the caller: the citizen's
//! follow-up message and the list request. (A new case is the domain's
//! [`crate::domain::case::NewCase`].)

use uuid::Uuid;

use crate::{
    domain::{
        case::NewAttachment,
        enums::{CaseStatus, Channel, Urgency},
    },
    store::{Cursor, Sort},
};

/// A citizen's follow-up message to join an existing case, validated at the edge.
#[derive(Debug, Clone)]
pub struct CitizenMessage {
    /// Idempotency key.
    pub application_id: Uuid,
    /// The case it follows up.
    pub tracking_number: tekmerkez_tracking::TrackingNumber,
    /// Where it came in.
    pub channel: Channel,
    /// Text (personal data: never logged).
    pub text: String,
    /// The sender's e-mail address, if the channel knows it.
    pub sender_email: Option<crate::domain::contact::EmailAddress>,
    /// The sender's phone number, if the channel knows it.
    pub sender_phone: Option<crate::domain::contact::PhoneNumber>,
    /// Hash of the request, to refuse a replay with other content.
    pub fingerprint: String,
    /// Files that came with it, checked at the edge.
    pub attachments: Vec<NewAttachment>,
}

/// Which list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    /// Pool view.
    Pool,
    /// My records.
    Mine,
    /// Callback pool.
    CallbackPool,
    /// Everything visible.
    All,
    /// Ulaşılamayanlar: an open "citizen not reached" mark.
    NotReached,
    /// Süresi Yaklaşan: a due date near, none passed (managers).
    DueSoon,
    /// Süresi Geçen: a due date passed (managers).
    Overdue,
}

/// Narrowing asked for by the caller.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only these statuses (empty: any).
    pub statuses: Vec<CaseStatus>,
    /// Only these channels (empty: any).
    pub channels: Vec<Channel>,
    /// Only this category code.
    pub category: Option<String>,
    /// Canonical district.
    pub district: Option<String>,
    /// Only cases in their pool for at least this many calendar days (0: no minimum).
    pub min_days_in_pool: u32,
    pub urgency: Option<Urgency>,
    /// Only this pool (within the caller's scope).
    pub pool_id: Option<Uuid>,
    /// Only cases held by this user.
    pub holder_id: Option<Uuid>,
    /// Tracking number, canonical.
    pub tracking_number: Option<String>,
    /// A partner's reference, trimmed (exact match).
    pub partner_reference: Option<String>,
    /// Only cases whose due dates are near or past.
    pub due_near_or_passed: bool,
    /// Only callbacks to make by the end of today (Istanbul).
    pub callback_due_today: bool,
}

/// One page request.
#[derive(Debug, Clone)]
pub struct ListRequest {
    pub view: View,
    pub filter: Filter,
    pub sort: Sort,
    /// Page size, already capped.
    pub page_size: u32,
    /// Resume point.
    pub after: Option<Cursor>,
}
