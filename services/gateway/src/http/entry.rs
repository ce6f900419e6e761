//! Staff entry: *Çağrı Kaydı* (the call-centre agent records the
//! application during the call, or an information-only call that is opened
//! and resolved at once; the caller of the offered call and their earlier
//! applications are shown), *Yazılı Başvuru* (a letter), *Gişe Başvurusu*
//! (a counter visit with its queue ticket) and *Görüntülü Görüşme* (an
//! online video meeting, its own channel); and *Aldığım Kayıtlar*, the
//! records the person took.
//!
//! Each form carries the session's CSRF token and a one-time form id, sent
//! to intake as the idempotency key: a form sent twice records one
//! application. Intake answers once the application is durable on the bus;
//! the receipt is kept then and shown at once (`/alindi/{tracking}`), while
//! routing opens the case in its pool a moment later. A refused form comes
//! back with what was typed and a Turkish message at each wrong field.

use std::{collections::HashSet, sync::Arc, time::Duration};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::case_v1 as pb;
use tekmerkez_types::{catalogue::name_of, limits};

use super::{
    AppState, Frame, form_pairs, refuse, render, see_other,
    signed_in::{Recorders, RequireRole, Roles as _},
};
use tekmerkez_pdf::Font;

use crate::{
    config::EntrySettings,
    i18n::entry::EntryTexts,
    intake::{IntakeClient, OfferedCall, SubmitError},
    receipt::{Receipt, ReceiptStore, local_time},
    session::{Session, random_token, tokens_match},
};

/// What the entry screens and receipts need.
#[derive(Debug, Clone)]
pub struct EntryState {
    /// Intake's staff endpoint and caller lookup.
    pub intake: IntakeClient,
    /// Kept receipts.
    pub receipts: ReceiptStore,
    /// The receipt PDF's font.
    pub font: Font,
    /// The KVKK notice version shown and recorded.
    pub kvkk_text_version: Arc<str>,
    /// Named at the top of the receipt.
    pub institution: Arc<str>,
    /// The public tracking page, printed on the receipt.
    pub tracking_url: Arc<str>,
}

impl EntryState {
    /// The entry state for `s`, or `None` when `intake_url` is empty.
    ///
    /// # Errors
    /// The font cannot be read (`gateway.entry.font_path`), or a URL is unusable.
    pub fn prepare(s: &EntrySettings, database_url: &str) -> anyhow::Result<Option<Self>> {
        use anyhow::Context as _;
        if s.intake_url.is_empty() {
            return Ok(None);
        }
        let font = Font::load(&s.font_path).with_context(|| {
            format!(
                "gateway.entry.font_path: {} (Debian's fonts-dejavu-core)",
                s.font_path
            )
        })?;
        Ok(Some(Self {
            intake: IntakeClient::new(
                &s.intake_url,
                s.staff_token.clone(),
                s.cti_lookup_token.clone(),
                Duration::from_millis(s.timeout_ms),
            )?,
            receipts: ReceiptStore::connect(database_url).context("gateway.database_url")?,
            font,
            kvkk_text_version: Arc::from(s.kvkk_text_version.trim()),
            institution: Arc::from(s.institution.trim()),
            tracking_url: Arc::from(s.tracking_url.trim()),
        }))
    }
}

/// Whether `role` may record applications for citizens (as the case
/// service's policy says).
pub(super) fn may_record(role: i32) -> bool {
    Recorders::allow(role)
}

/// The kinds of entry, by their path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Call,
    Letter,
    Counter,
    Video,
}

impl Kind {
    fn parse(s: &str) -> Option<Self> {
        match s {
            "cagri" => Some(Self::Call),
            "yazi" => Some(Self::Letter),
            "gise" => Some(Self::Counter),
            "goruntulu" => Some(Self::Video),
            _ => None,
        }
    }

    fn path(self) -> &'static str {
        match self {
            Self::Call => "cagri",
            Self::Letter => "yazi",
            Self::Counter => "gise",
            Self::Video => "goruntulu",
        }
    }

    /// Intake's channel code.
    fn channel(self) -> &'static str {
        match self {
            Self::Call => "phone",
            Self::Letter => "written",
            Self::Counter => "face_to_face",
            Self::Video => "video",
        }
    }

    fn title(self, t: &EntryTexts) -> &'static str {
        match self {
            Self::Call => t.menu_call,
            Self::Letter => t.menu_letter,
            Self::Counter => t.menu_counter,
            Self::Video => t.menu_video,
        }
    }

    fn intro(self, t: &EntryTexts) -> &'static str {
        match self {
            Self::Call => t.intro_call,
            Self::Letter => t.intro_letter,
            Self::Counter => t.intro_counter,
            Self::Video => t.intro_video,
        }
    }
}

/// The menu entries of a person who may record applications.
pub(super) fn menu(t: &EntryTexts) -> Vec<(&'static str, &'static str)> {
    vec![
        (t.menu_call, "/kayit-girisi/cagri"),
        (t.menu_letter, "/kayit-girisi/yazi"),
        (t.menu_counter, "/kayit-girisi/gise"),
        (t.menu_video, "/kayit-girisi/goruntulu"),
        (t.menu_taken, "/aldigim-kayitlar"),
    ]
}

/// What the form holds, as typed.
#[derive(Debug, Clone, Default)]
struct Values {
    form_id: String,
    csrf: String,
    category: String,
    /// The application type's code; empty leaves it to routing.
    application_type: String,
    text: String,
    province: String,
    district: String,
    name: String,
    phone: String,
    email: String,
    address: String,
    reply: String,
    queue: String,
    reference: String,
    info_only: bool,
    info_answer: String,
    kvkk: bool,
    special: bool,
    explicit: bool,
}

impl Values {
    fn parse(body: &[u8]) -> Self {
        let mut v = Self::default();
        for (k, x) in form_pairs(body) {
            match k.as_str() {
                "form_id" => v.form_id = x,
                "csrf" => v.csrf = x,
                "konu" => v.category = x,
                "tur" => v.application_type = x,
                "metin" => v.text = x,
                "il" => v.province = x,
                "ilce" => v.district = x,
                "ad" => v.name = x,
                "telefon" => v.phone = x,
                "eposta" => v.email = x,
                "adres" => v.address = x,
                "yanit" => v.reply = x,
                "sira" => v.queue = x,
                "referans" => v.reference = x,
                "bilgi" => v.info_only = x == "1",
                "verilen_bilgi" => v.info_answer = x,
                "kvkk" => v.kvkk = x == "1",
                "ozel" => v.special = x == "1",
                "acik_riza" => v.explicit = x == "1",
                _ => {}
            }
        }
        v
    }

    /// Intake's staff JSON.
    fn to_json(&self, kind: Kind, kvkk_version: &str) -> serde_json::Value {
        let personal = [&self.name, &self.phone, &self.email, &self.address]
            .iter()
            .any(|s| !s.trim().is_empty());
        let consent = (self.kvkk || self.explicit || personal).then(|| {
            serde_json::json!({
                "text_version": kvkk_version,
                "accepted": self.kvkk,
                "special_category": self.explicit,
            })
        });
        serde_json::json!({
            "channel": kind.channel(),
            "category": self.category,
            "application_type": self.application_type,
            "text": self.text,
            "province": self.province,
            "district": self.district,
            "applicant": {
                "name": self.name,
                "phone": self.phone,
                "email": self.email,
                "address": self.address,
            },
            "reply_channel": self.reply,
            "kvkk_consent": consent,
            "special_category_data": self.special,
            "information_only": self.info_only && kind != Kind::Letter,
            "information_answer": if self.info_only { self.info_answer.as_str() } else { "" },
            "queue_ticket": if kind == Kind::Counter { self.queue.as_str() } else { "" },
            "reference": self.reference,
        })
    }
}

/// The form element each of intake's fields is typed in.
fn element_of(field: &str) -> &'static str {
    match field {
        "category" | "channel" => "konu",
        "application_type" => "tur",
        "text" => "metin",
        "province" => "il",
        "district" => "ilce",
        "applicant.name" => "ad",
        "applicant.phone" => "telefon",
        "applicant.email" => "eposta",
        "applicant.address" => "adres",
        "reply_channel" => "yanit-sms",
        "kvkk_consent.special_category" => "acik_riza",
        f if f.starts_with("kvkk_consent") => "kvkk",
        "special_category_data" => "ozel",
        "queue_ticket" => "sira",
        "reference" => "referans",
        "information_only" => "bilgi",
        "information_answer" => "verilen_bilgi",
        _ => "metin",
    }
}

/// The form's elements in page order: the first refused one takes the focus.
const ELEMENTS: [&str; 17] = [
    "konu",
    "tur",
    "metin",
    "il",
    "ilce",
    "sira",
    "referans",
    "bilgi",
    "verilen_bilgi",
    "ad",
    "telefon",
    "eposta",
    "adres",
    "yanit-sms",
    "kvkk",
    "ozel",
    "acik_riza",
];

/// One province of the picker, with its districts, and what is chosen.
struct ProvincePick {
    code: u8,
    name: &'static str,
    districts: &'static [String],
    selected: bool,
}

/// The province and district pickers: every province in Turkish
/// alphabetical order, each one's districts grouped under it (the page's
/// script offers only the chosen province's). What was typed or chosen
/// before (a plate code or a name, in any case) stays chosen.
fn province_picks(v: &Values) -> (Vec<ProvincePick>, Option<&'static str>) {
    let chosen = tekmerkez_geo::find_province(&v.province);
    let district = chosen.and_then(|p| p.find_district(&v.district));
    let picks = tekmerkez_geo::provinces_by_name()
        .map(|p| ProvincePick {
            code: p.code(),
            name: p.name(),
            districts: p.districts(),
            selected: chosen.is_some_and(|c| c.code() == p.code()),
        })
        .collect();
    (picks, district)
}

/// The label of a form element, for the list of refused fields.
fn label_of(id: &str, t: &EntryTexts) -> &'static str {
    match id {
        "konu" => t.subject,
        "tur" => t.application_type,
        "metin" => t.text,
        "il" => t.province,
        "ilce" => t.district,
        "sira" => t.queue_ticket,
        "referans" => t.reference,
        "bilgi" => t.info_only,
        "verilen_bilgi" => t.info_answer,
        "ad" => t.name,
        "telefon" => t.phone,
        "eposta" => t.email,
        "adres" => t.address,
        "yanit-sms" => t.reply,
        "kvkk" | "ozel" | "acik_riza" => t.kvkk_title,
        _ => t.text,
    }
}

#[derive(askama::Template)]
#[template(path = "entry.html")]
struct EntryPage<'a> {
    frame: Frame,
    t: &'static EntryTexts,
    csrf: String,
    display_name: String,
    kind: &'static str,
    title: &'static str,
    intro: &'static str,
    is_letter: bool,
    is_counter: bool,
    is_video: bool,
    call: Option<CallView>,
    looked_up: bool,
    categories: Vec<(String, String)>,
    v: &'a Values,
    /// (element id, message), one per element, in page order.
    problems: Vec<(&'static str, String)>,
    message: Option<&'static str>,
    provinces: Vec<ProvincePick>,
    /// The chosen district's canonical name.
    district: Option<&'static str>,
}

impl EntryPage<'_> {
    /// The application types: code and label in the page's language.
    fn types(&self) -> Vec<(&'static str, &'static str)> {
        tekmerkez_types::classification::ApplicationType::ALL
            .iter()
            .map(|t| t.code())
            .zip(self.frame.texts().classify.types)
            .collect()
    }

    fn problem(&self, id: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, m)| m.as_str())
    }

    /// Whether `id` takes the focus: the first refused element does.
    fn focus(&self, id: &str) -> bool {
        self.problems.first().is_some_and(|(i, _)| *i == id)
    }

    fn label(&self, id: &str) -> &'static str {
        label_of(id, self.t)
    }

    fn province_selected(&self) -> bool {
        self.provinces.iter().any(|p| p.selected)
    }
}

/// The offered call as the screen shows it.
struct CallView {
    call_id: String,
    number: Option<String>,
    /// The caller number's last four digits: with a tracking number, what
    /// the public status page (`/takip`) asks, so that an earlier
    /// application opens there (the application was indexed by this number).
    last4: String,
    steps: Vec<String>,
    /// (tracking number, channel, date, status).
    earlier: Vec<(String, String, String, &'static str)>,
}

/// The `common.v1.Channel` number of intake's channel code (`web_form`).
fn channel_of_code(code: &str) -> i32 {
    use tekmerkez_proto::common_v1::Channel;
    match code {
        "web_form" => Channel::WebForm,
        "mobile_app" => Channel::MobileApp,
        "email" => Channel::Email,
        "social_media" => Channel::SocialMedia,
        "phone" => Channel::Phone,
        "written" => Channel::Written,
        "face_to_face" => Channel::FaceToFace,
        "video" => Channel::Video,
        "partner" => Channel::Partner,
        _ => Channel::Unspecified,
    }
    .into()
}

fn call_view(
    c: OfferedCall,
    t: &EntryTexts,
    common: &crate::i18n::common::CommonTexts,
) -> CallView {
    let digits: Vec<char> = c
        .caller_number
        .iter()
        .flat_map(|n| n.chars())
        .filter(char::is_ascii_digit)
        .collect();
    CallView {
        call_id: c.call_id,
        last4: digits[digits.len().saturating_sub(4)..].iter().collect(),
        number: c.caller_number,
        // The keys the caller pressed, in order: the IVR's menu ids are the
        // platform's codes, not words.
        steps: c
            .ivr_selections
            .into_iter()
            .map(|s| s.choice.trim().to_owned())
            .collect(),
        earlier: c
            .earlier_applications
            .into_iter()
            .map(|a| {
                let when = a
                    .received_at
                    .as_deref()
                    .and_then(|s| s.parse::<jiff::Timestamp>().ok())
                    .map(|t| local_time(t.as_microsecond()))
                    .unwrap_or_default();
                let channel = common.channel_name(channel_of_code(&a.channel));
                (
                    a.tracking_number,
                    channel.to_owned(),
                    when,
                    t.status_name(&a.status),
                )
            })
            .collect(),
    }
}

/// The categories in Turkish alphabetical order of their names, "other"
/// (`diger`) last, as the citizen's form lists them.
fn categories(state: &AppState, english: bool) -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = state
        .categories
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                name_of(&state.categories, &c.code, english).to_owned(),
            )
        })
        .collect();
    list.sort_by(|a, b| {
        (a.0 == "diger")
            .cmp(&(b.0 == "diger"))
            .then_with(|| tekmerkez_turkish::compare(&a.1, &b.1))
    });
    list
}

#[allow(clippy::too_many_arguments, reason = "one page's parts")]
fn page(
    state: &AppState,
    frame: Frame,
    s: &Session,
    kind: Kind,
    v: &Values,
    call: Option<OfferedCall>,
    problems: Vec<(&'static str, String)>,
    message: Option<&'static str>,
) -> Response {
    let e = &frame.texts().entry;
    let english = frame.english();
    let (provinces, district) = province_picks(v);
    let mut problems = problems;
    problems.sort_by_key(|(id, _)| ELEMENTS.iter().position(|e| e == id));
    render(&EntryPage {
        provinces,
        district,
        t: e,
        csrf: s.csrf_token.clone(),
        display_name: s.display_name.clone(),
        kind: kind.path(),
        title: kind.title(e),
        intro: kind.intro(e),
        is_letter: kind == Kind::Letter,
        is_counter: kind == Kind::Counter,
        is_video: kind == Kind::Video,
        looked_up: kind == Kind::Call,
        call: call.map(|c| call_view(c, e, frame.c)),
        categories: categories(state, english),
        v,
        problems,
        message,
        frame,
    })
}

/// What opens the call form filled: the knowledge base's *Bu bilgiyle
/// kaydet* (`?bilgi=1&hazir=<ready answer id>`).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub(super) struct Prefill {
    bilgi: String,
    hazir: String,
}

/// `GET /kayit-girisi/{kind}`.
pub(super) async fn form(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(kind): Path<String>,
    axum::extract::Query(prefill): axum::extract::Query<Prefill>,
    RequireRole(s, _): RequireRole<Recorders>,
) -> Response {
    // Staff entry not configured: nobody may record.
    let Some(entry) = state.entry.clone() else {
        return refuse(&frame);
    };
    let Some(kind) = Kind::parse(&kind) else {
        return super::message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let call = if kind == Kind::Call {
        entry.intake.offered_call(&s.username).await
    } else {
        None
    };
    let mut v = Values {
        form_id: random_token(),
        kvkk: false,
        reply: if kind == Kind::Letter {
            "letter"
        } else {
            "sms"
        }
        .to_owned(),
        ..Values::default()
    };
    if let Some(number) = call.as_ref().and_then(|c| c.caller_number.as_deref()) {
        // The caller's number: what an SMS or a callback would use.
        number.clone_into(&mut v.phone);
    }
    if kind == Kind::Call && prefill.bilgi == "1" {
        v.info_only = true;
        // The answer given, from the knowledge base: its subject, what was
        // asked (its title) and the text read out.
        if let Some((category, title, answer)) =
            super::ready_answers::for_information_call(&state, &s, prefill.hazir.trim()).await
        {
            if !category.is_empty() {
                v.category = category;
            }
            v.text = title;
            v.info_answer = answer;
        }
    }
    page(&state, frame, &s, kind, &v, call, Vec::new(), None)
}

/// `POST /kayit-girisi/{kind}`.
pub(super) async fn submit(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    Path(kind): Path<String>,
    RequireRole(s, _): RequireRole<Recorders>,
    body: Bytes,
) -> Response {
    // Staff entry not configured: nobody may record.
    let Some(entry) = state.entry.clone() else {
        return refuse(&frame);
    };
    let Some(kind) = Kind::parse(&kind) else {
        return super::message_page(&frame, StatusCode::NOT_FOUND, frame.c.not_found);
    };
    let e = &frame.texts().entry;
    let mut v = Values::parse(&body);
    if !tokens_match(&s.csrf_token, &v.csrf) {
        return super::message_page(&frame, StatusCode::FORBIDDEN, frame.c.form_expired);
    }
    if v.form_id.len() != 64 || !v.form_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        // A form without its id (tampered): a fresh id, nothing recorded.
        v.form_id = random_token();
        return status(
            page(
                &state,
                frame,
                &s,
                kind,
                &v,
                None,
                Vec::new(),
                Some(e.unavailable),
            ),
            StatusCode::BAD_REQUEST,
        );
    }
    let json = v.to_json(kind, &entry.kvkk_text_version);
    match entry.intake.submit(s.user_id, &v.form_id, &json).await {
        Ok(rec) => {
            let micros = |t: &str| {
                t.parse::<jiff::Timestamp>()
                    .ok()
                    .map(|t| t.as_microsecond())
            };
            let consent = json.get("kvkk_consent").filter(|c| !c.is_null());
            let receipt = Receipt {
                tracking_number: rec.tracking_number.clone(),
                recorded_by: s.user_id,
                channel: kind.channel().to_owned(),
                category: v.category.trim().to_owned(),
                reply_channel: v.reply.trim().to_owned(),
                queue_ticket: if kind == Kind::Counter {
                    v.queue.trim().to_owned()
                } else {
                    String::new()
                },
                reference: v.reference.trim().to_owned(),
                information_only: v.info_only && kind != Kind::Letter,
                consent_version: if consent.is_some() {
                    entry.kvkk_text_version.to_string()
                } else {
                    String::new()
                },
                consent_at: rec.consent_accepted_at.as_deref().and_then(micros),
                special_category: v.explicit,
                received_at: micros(&rec.received_at).unwrap_or_default(),
            };
            if let Err(err) = entry.receipts.save(&receipt).await {
                // The application is recorded; only the receipt's copy is
                // missing. Say so, with the number to read out or write down.
                tracing::error!(error.message = %err, "keeping a receipt failed");
                let text = format!("{}: {}", e.tracking_number, rec.tracking_number);
                return super::message_page(&frame, StatusCode::OK, &text);
            }
            tracing::info!(channel = kind.channel(), "staff entry recorded");
            see_other(&format!("/alindi/{}", rec.tracking_number))
        }
        Err(SubmitError::Invalid(fields)) => {
            let mut problems: Vec<(&'static str, String)> = Vec::new();
            for (f, rules) in &fields {
                let id = element_of(f);
                if !problems.iter().any(|(i, _)| *i == id) {
                    problems.push((id, e.field_rule_error(f, rules)));
                }
            }
            let call = offered_again(kind, &entry, &s).await;
            status(
                page(
                    &state,
                    frame,
                    &s,
                    kind,
                    &v,
                    call,
                    problems,
                    Some(e.errors_title),
                ),
                StatusCode::BAD_REQUEST,
            )
        }
        Err(SubmitError::Conflict) => {
            v.form_id = random_token();
            status(
                page(
                    &state,
                    frame,
                    &s,
                    kind,
                    &v,
                    None,
                    Vec::new(),
                    Some(e.conflict),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(err) => {
            // The same form id stays: sending again cannot record twice.
            tracing::warn!(error.message = %err, "staff entry not recorded");
            status(
                page(
                    &state,
                    frame,
                    &s,
                    kind,
                    &v,
                    None,
                    Vec::new(),
                    Some(e.unavailable),
                ),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

/// `GET /static/pickers.js`: the district list follows the province list.
pub(super) async fn picker_script() -> Response {
    use axum::response::IntoResponse as _;
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/javascript; charset=utf-8",
            ),
            (axum::http::header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/pickers.js"),
    )
        .into_response()
}

/// The call still offered to the agent, for a call form shown again.
async fn offered_again(kind: Kind, entry: &EntryState, s: &Session) -> Option<OfferedCall> {
    if kind == Kind::Call {
        entry.intake.offered_call(&s.username).await
    } else {
        None
    }
}

fn status(mut r: Response, code: StatusCode) -> Response {
    *r.status_mut() = code;
    r
}

#[derive(askama::Template)]
#[template(path = "entry_taken.html")]
struct TakenPage {
    frame: Frame,
    t: &'static EntryTexts,
    csrf: String,
    display_name: String,
    rows: Vec<TakenRow>,
}

struct TakenRow {
    id: String,
    tracking_number: String,
    channel: String,
    category: String,
    status: &'static str,
    when: String,
    has_receipt: bool,
}

fn channel_code(c: i32) -> &'static str {
    use tekmerkez_proto::common_v1::Channel;
    match Channel::try_from(c) {
        Ok(Channel::Phone) => "phone",
        Ok(Channel::Written) => "written",
        Ok(Channel::FaceToFace) => "face_to_face",
        _ => "video",
    }
}

/// `GET /aldigim-kayitlar`: the records the person took, newest first.
pub(super) async fn taken(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Recorders>,
) -> Response {
    // Staff entry not configured: nobody may record.
    let Some(entry) = state.entry.clone() else {
        return refuse(&frame);
    };
    let e = &frame.texts().entry;
    let req = pb::ListCasesRequest {
        view: pb::CaseView::All as i32,
        filter: None,
        sort: pb::CaseSort::NewestFirst as i32,
        page: Some(tekmerkez_proto::common_v1::PageRequest {
            page_size: 50,
            page_token: String::new(),
        }),
        with_total: false,
        partner_reference: String::new(),
    };
    let cases = match state
        .backend
        .cases()
        .list_cases(state.backend.as_user(s.user_id, req))
        .await
    {
        Ok(r) => r.into_inner().cases,
        Err(st) => {
            tracing::warn!(code = ?st.code(), "listing the records taken failed");
            return super::message_page(
                &frame,
                StatusCode::SERVICE_UNAVAILABLE,
                frame.c.unavailable,
            );
        }
    };
    let receipts: HashSet<String> = entry
        .receipts
        .by_recorder(s.user_id, 200)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.tracking_number)
        .collect();
    let rows = cases
        .into_iter()
        .map(|c| TakenRow {
            has_receipt: receipts.contains(&c.tracking_number),
            channel: e.channel_name(channel_code(c.channel)).to_owned(),
            category: name_of(&state.categories, &c.category, frame.english()).to_owned(),
            status: frame.c.status_name(c.status),
            when: super::record::when(c.created_at.as_ref()),
            id: c.id,
            tracking_number: c.tracking_number,
        })
        .collect();
    render(&TakenPage {
        t: e,
        csrf: s.csrf_token,
        display_name: s.display_name,
        rows,
        frame,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tekmerkez_proto::case_v1::Role;

    #[test]
    fn an_address_the_relay_cannot_reach_gets_its_own_words_at_the_field() {
        for (e, words) in [
            (&crate::i18n::TR.entry, "Bu e-posta adresinde Türkçe"),
            (&crate::i18n::EN.entry, "This e-mail address has Turkish"),
        ] {
            let rule = tekmerkez_types::contact::EMAIL_NEEDS_ASCII.to_owned();
            assert!(
                e.field_rule_error("applicant.email", &[rule])
                    .starts_with(words),
                "{words}"
            );
            assert_eq!(
                e.field_rule_error(
                    "applicant.email",
                    &["must be a valid e-mail address".into()]
                ),
                e.field_errors.email
            );
        }
    }

    #[test]
    fn the_form_becomes_intakes_staff_json() {
        let body = "form_id=ab&csrf=c&konu=fatura&metin=Fatura+y%C3%BCksek&il=Kocaeli&ilce=%C4%B0zmit\
                    &ad=Ay%C5%9Fe&telefon=05321234567&yanit=sms&sira=A-042&kvkk=1&bilgi=1&verilen_bilgi=x";
        let v = Values::parse(body.as_bytes());
        let j = v.to_json(Kind::Counter, "kvkk-v1");
        assert_eq!(j["channel"], "face_to_face");
        assert_eq!(j["text"], "Fatura yüksek");
        assert_eq!(j["district"], "İzmit");
        assert_eq!(j["queue_ticket"], "A-042");
        assert_eq!(j["kvkk_consent"]["accepted"], true);
        assert_eq!(j["kvkk_consent"]["text_version"], "kvkk-v1");
        assert_eq!(j["information_only"], true);
        // A letter never goes out as information only, and a ticket only
        // belongs to a counter visit.
        let j = v.to_json(Kind::Letter, "kvkk-v1");
        assert_eq!(j["information_only"], false);
        assert_eq!(j["queue_ticket"], "");
    }

    #[test]
    fn personal_data_without_the_consent_box_goes_out_as_refused_consent() {
        let v = Values::parse(b"ad=Ali&telefon=05321234567");
        let j = v.to_json(Kind::Call, "kvkk-v1");
        assert_eq!(
            j["kvkk_consent"]["accepted"], false,
            "intake names the field"
        );
        let v = Values::parse(b"konu=genel_bilgi");
        assert!(v.to_json(Kind::Call, "kvkk-v1")["kvkk_consent"].is_null());
    }

    #[test]
    fn every_refused_field_points_at_its_form_element() {
        for (field, id) in [
            ("applicant.phone", "telefon"),
            ("kvkk_consent.accepted", "kvkk"),
            ("kvkk_consent.special_category", "acik_riza"),
            ("queue_ticket", "sira"),
            ("information_answer", "verilen_bilgi"),
        ] {
            assert_eq!(element_of(field), id);
        }
    }

    #[test]
    fn only_call_centre_agents_and_admins_may_record() {
        assert!(may_record(Role::CallCentreAgent as i32));
        assert!(may_record(Role::Admin as i32));
        for r in [
            Role::Expert,
            Role::PoolManager,
            Role::CallbackAgent,
            Role::PartnerClient,
        ] {
            assert!(!may_record(r as i32));
        }
    }
}
