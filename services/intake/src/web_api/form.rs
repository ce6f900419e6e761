//! `/basvuru`: the citizen's web form, in Turkish or, with `?lang=en`, in
//! English ([`super::texts`]). Works without JavaScript; a few lines narrow
//! the district list to the chosen province when scripts run.
//!
//! A refused form comes back with everything typed, every refused field
//! marked at once (each with its message, listed at the top with a link to
//! it) and the focus on the first. An accepted form is answered with a
//! redirect to the thank-you page (`/basvuru/alindi?takip=…`,
//! POST-redirect-GET), so reloading that page sends nothing. Each form
//! carries a one-time key (`form_id`) that intake's idempotency store keeps
//! with the application it made: a double click, a resubmitted POST or Back
//! and submit again makes the one application and leads to its number.

use std::{collections::HashMap, sync::Arc};

use askama::Template;
use axum::{
    Form,
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use sha2::{Digest as _, Sha256};
use tekmerkez_tracking::TrackingNumber;
use tekmerkez_types::institution::InstitutionSettings;
use uuid::Uuid;

use super::{
    api,
    state::WebState,
    texts::{FormTexts, LANG_COOKIE},
};
use crate::{
    application::{self, Applicant, ApplicationRequest, KvkkConsent},
    counters,
};

/// The form's fields as posted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(super) struct FormInput {
    #[serde(default)]
    form_id: String,
    #[serde(default)]
    kategori: String,
    /// The application type's code.
    #[serde(default)]
    tur: String,
    #[serde(default)]
    il: String,
    #[serde(default)]
    ilce: String,
    /// The neighbourhood, as typed or picked from the district's list.
    #[serde(default)]
    mahalle: String,
    /// The point the browser gave ("use my location"), WGS 84 degrees;
    /// hidden fields a script fills, empty without one.
    #[serde(default)]
    enlem: String,
    #[serde(default)]
    boylam: String,
    #[serde(default)]
    metin: String,
    #[serde(default)]
    ad: String,
    #[serde(default)]
    telefon: String,
    #[serde(default)]
    eposta: String,
    #[serde(default)]
    adres: String,
    #[serde(default)]
    yanit: String,
    #[serde(default)]
    kvkk: Option<String>,
}

impl FormInput {
    /// The key intake's store keeps for this form, when the form carries a
    /// well-formed one (a form without one is accepted without a key).
    fn key(&self) -> Option<String> {
        Uuid::try_parse(self.form_id.trim())
            .ok()
            .map(|u| format!("web_form:{u}"))
    }

    /// What the citizen filled in, hashed: the same key with other content
    /// is another application, which the store refuses.
    fn fingerprint(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            &self.kategori,
            &self.tur,
            &self.il,
            &self.ilce,
            &self.mahalle,
            &self.enlem,
            &self.boylam,
            &self.metin,
            &self.ad,
            &self.telefon,
            &self.eposta,
            &self.adres,
            &self.yanit,
        ] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update([u8::from(self.kvkk.is_some())]);
        hex::encode(h.finalize())
    }
}

/// `?lang=` on either page.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct LangQuery {
    #[serde(default)]
    lang: Option<String>,
}

/// The thank-you page's address: the number and the language.
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct ThanksQuery {
    #[serde(default)]
    takip: String,
    #[serde(default)]
    lang: Option<String>,
}

struct Choice {
    value: String,
    label: String,
}

struct ProvinceOption {
    code: String,
    name: String,
    districts: Vec<String>,
}

/// The form's fields in page order: the first refused one takes the focus.
const FIELDS: [&str; 13] = [
    "kategori", "tur", "il", "ilce", "mahalle", "konum", "metin", "ad", "telefon", "eposta",
    "adres", "yanit", "kvkk",
];

#[derive(Template)]
#[template(path = "basvuru.html")]
struct FormPage {
    t: &'static FormTexts,
    institution: Arc<InstitutionSettings>,
    input: FormInput,
    categories: Vec<Choice>,
    /// The application types: code and label.
    types: Vec<Choice>,
    provinces: Vec<ProvinceOption>,
    /// The chosen district's neighbourhoods (the list the neighbourhood
    /// field offers without a script; the script refills it on a change).
    neighbourhoods: Vec<String>,
    errors: HashMap<&'static str, &'static str>,
    /// (element id, field label, message) of each refused field, in page order.
    summary: Vec<(&'static str, &'static str, &'static str)>,
    failure: Option<&'static str>,
}

impl FormPage {
    /// The element that takes the focus: the first refused field's.
    fn focus(&self) -> &str {
        self.summary.first().map_or("", |s| s.0)
    }

    /// Whether the form carries a point (sent back as it came).
    fn has_point(&self) -> bool {
        !self.input.enlem.trim().is_empty() || !self.input.boylam.trim().is_empty()
    }

    /// What the page says about the point it carries.
    fn point_text(&self) -> String {
        self.t
            .location_taken
            .replace("{lat}", self.input.enlem.trim())
            .replace("{lon}", self.input.boylam.trim())
    }
}

/// A coordinate typed into (or filled in) the form: empty is none; what is
/// not a number is NaN, which the request's range rule refuses by field.
fn coordinate(raw: &str) -> Option<f64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    Some(raw.replace(',', ".").parse::<f64>().unwrap_or(f64::NAN))
}

#[derive(Template)]
#[template(path = "tesekkurler.html")]
struct ThanksPage {
    t: &'static FormTexts,
    institution: Arc<InstitutionSettings>,
    tracking_number: String,
}

/// Which form field shows the message of a request field.
fn form_field(field: &str) -> &'static str {
    match field {
        "category" => "kategori",
        "application_type" => "tur",
        "province" => "il",
        "district" => "ilce",
        "neighbourhood" => "mahalle",
        "latitude" | "longitude" => "konum",
        "text" => "metin",
        "applicant.name" => "ad",
        "applicant.phone" => "telefon",
        "applicant.email" => "eposta",
        "applicant.address" => "adres",
        "reply_channel" => "yanit",
        f if f.starts_with("kvkk_consent") => "kvkk",
        _ => "genel",
    }
}

/// The element a refused field's link and focus go to.
fn element_of(field: &'static str) -> &'static str {
    match field {
        "yanit" => "yanit-sms",
        "konum" => "konum-kullan",
        f => f,
    }
}

fn page(
    state: &WebState,
    t: &'static FormTexts,
    input: FormInput,
    errors: HashMap<&'static str, &'static str>,
    failure: Option<&'static str>,
) -> FormPage {
    let summary = FIELDS
        .iter()
        .filter_map(|f| errors.get(f).map(|m| (element_of(f), t.label(f), *m)))
        .collect();
    let mut categories: Vec<Choice> = state
        .categories
        .iter()
        .map(|c| Choice {
            value: c.code.clone(),
            label: if t.is_english() {
                c.name_en.clone()
            } else {
                c.name_tr.clone()
            },
        })
        .collect();
    // Turkish alphabetical order, "other" last.
    categories.sort_by(|a, b| {
        (a.value == "diger")
            .cmp(&(b.value == "diger"))
            .then_with(|| tekmerkez_turkish::compare(&a.label, &b.label))
    });
    let neighbourhoods = tekmerkez_geo::find_province(&input.il)
        .map(|p| p.neighbourhoods(&input.ilce).to_vec())
        .unwrap_or_default();
    FormPage {
        t,
        institution: state.institution.clone(),
        neighbourhoods,
        input,
        categories,
        types: tekmerkez_types::classification::ApplicationType::ALL
            .iter()
            .zip(t.types)
            .map(|(ty, label)| Choice {
                value: ty.code().to_owned(),
                label: label.to_owned(),
            })
            .collect(),
        provinces: tekmerkez_geo::provinces_by_name()
            .map(|p| ProvinceOption {
                code: p.code().to_string(),
                name: p.name().to_owned(),
                districts: p.districts().to_vec(),
            })
            .collect(),
        errors,
        summary,
        failure,
    }
}

fn render<T: Template>(t: &FormTexts, status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error.message = %e, "rendering a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, t.render_failed).into_response()
        }
    }
}

/// Keeps a language chosen with `?lang=` in the cookie the other public
/// pages read.
fn remember_language(mut r: Response, t: &FormTexts, chosen: bool) -> Response {
    if chosen
        && let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; SameSite=Lax; Max-Age=31536000",
            t.code
        ))
    {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// `GET /basvuru`.
pub(super) async fn show(
    State(state): State<WebState>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let (t, chosen) = FormTexts::of_request(q.lang.as_deref(), &headers);
    let input = FormInput {
        form_id: Uuid::new_v4().to_string(),
        yanit: "sms".into(),
        ..FormInput::default()
    };
    let mut r = render(
        t,
        StatusCode::OK,
        &page(&state, t, input, HashMap::new(), None),
    );
    // The blank form holds nothing personal, so it is not `no-store` like
    // every other page: `no-store` keeps a page out of the browser's
    // back/forward cache, and then Back from the thank-you page would lose
    // the district chosen (the list is narrowed by script) instead of
    // returning to the form as it was sent, one-time key and all.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    remember_language(r, t, chosen)
}

/// The request the form makes.
fn request(state: &WebState, input: &FormInput) -> ApplicationRequest {
    ApplicationRequest {
        channel: "web_form".into(),
        category: input.kategori.clone(),
        application_type: input.tur.clone(),
        text: input.metin.clone(),
        province: input.il.clone(),
        district: input.ilce.clone(),
        neighbourhood: input.mahalle.clone(),
        latitude: coordinate(&input.enlem),
        longitude: coordinate(&input.boylam),
        applicant: Applicant {
            name: input.ad.clone(),
            phone: input.telefon.clone(),
            email: input.eposta.clone(),
            address: input.adres.clone(),
        },
        reply_channel: input.yanit.clone(),
        kvkk_consent: input.kvkk.as_ref().map(|_| KvkkConsent {
            text_version: state.kvkk_text_version.to_string(),
            accepted: true,
        }),
        attachments: Vec::new(),
    }
}

/// What the form asks beyond the request's rules, so that one submit
/// names every field: the consent box is always required (every reply
/// needs a contact detail), and an empty district is named even when the
/// province is missing too.
fn form_rules(input: &FormInput) -> Vec<(&'static str, &'static str)> {
    let mut v = Vec::new();
    if input.kvkk.is_none() {
        v.push(("kvkk_consent.accepted", "is required"));
    }
    if input.ilce.trim().is_empty() {
        v.push(("district", "is required"));
    }
    // The citizen chooses the kind of application on the form (the app API
    // may leave it to the institution).
    if input.tur.trim().is_empty() {
        v.push(("application_type", "is required"));
    }
    v
}

/// `POST /basvuru`.
pub(super) async fn submit(
    State(state): State<WebState>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    Form(mut input): Form<FormInput>,
) -> Response {
    let (t, _) = FormTexts::of_request(q.lang.as_deref(), &headers);
    let req = request(&state, &input);
    let extra = form_rules(&input);
    let result = if extra.is_empty() {
        api::accept(&state, &req, input.key().as_deref(), input.fingerprint()).await
    } else {
        // Nothing is recorded: the request's own rules add their messages.
        let mut v = tekmerkez_types::fields::Violations::new();
        for (f, r) in extra {
            v.add(f, r);
        }
        if let Err(more) = application::parse(
            &req,
            &state.categories,
            Uuid::nil(),
            &TrackingNumber::generate(),
            jiff::Timestamp::now(),
            state.smtputf8,
        ) {
            for e in more.iter() {
                v.push(e.clone());
            }
        }
        Err(crate::api_error::ApiError::invalid(&v))
    };
    match result {
        Ok(a) => {
            let lang = if t.is_english() { "&lang=en" } else { "" };
            let to = format!("/basvuru/alindi?takip={}{lang}", a.tracking_number);
            match HeaderValue::from_str(&to) {
                Ok(location) => {
                    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
                }
                Err(_) => render(
                    t,
                    StatusCode::OK,
                    &ThanksPage {
                        t,
                        institution: state.institution.clone(),
                        tracking_number: a.tracking_number,
                    },
                ),
            }
        }
        Err(e) if e.status() == StatusCode::UNPROCESSABLE_ENTITY => {
            // The key made another application (Back, edit, send): these
            // details go as a new application only when sent again.
            counters::count_rejected("web_form", e.status());
            input.form_id = Uuid::new_v4().to_string();
            render(
                t,
                StatusCode::CONFLICT,
                &page(&state, t, input, HashMap::new(), Some(t.already_sent)),
            )
        }
        Err(e) => {
            let mut errors: HashMap<&'static str, &'static str> = HashMap::new();
            for (field, rules) in e.field_errors() {
                let f = form_field(field);
                let rule = rules.first().map(String::as_str).unwrap_or_default();
                let message = t.rule(field, rule);
                // The request's own rule is more precise than "required".
                if errors
                    .get(f)
                    .is_none_or(|m| *m == t.rule("text", "is required"))
                {
                    errors.insert(f, message);
                }
            }
            let failure = errors.is_empty().then_some(t.failure);
            let status = if failure.is_some() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::BAD_REQUEST
            };
            counters::count_rejected("web_form", status);
            // The same key stays: a refused form never claimed it, and a
            // retry after a failure cannot record twice.
            let mut resp = render(t, status, &page(&state, t, input, errors, failure));
            if status == StatusCode::SERVICE_UNAVAILABLE {
                // As the API's 503: when to try again.
                resp.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            resp
        }
    }
}

/// `GET /basvuru/alindi?takip=…`: the thank-you page, safe to reload.
pub(super) async fn thanks(
    State(state): State<WebState>,
    Query(q): Query<ThanksQuery>,
    headers: HeaderMap,
) -> Response {
    let (t, chosen) = FormTexts::of_request(q.lang.as_deref(), &headers);
    let Ok(tn) = TrackingNumber::parse(q.takip.trim()) else {
        let to = if t.is_english() {
            "/basvuru?lang=en"
        } else {
            "/basvuru"
        };
        return (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, HeaderValue::from_static(to))],
        )
            .into_response();
    };
    let r = render(
        t,
        StatusCode::OK,
        &ThanksPage {
            t,
            institution: state.institution.clone(),
            tracking_number: tn.to_string(),
        },
    );
    remember_language(r, t, chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_key_is_a_uuid_kept_apart_from_api_keys() {
        let mut f = FormInput {
            form_id: "0c6b3a52-6b0f-4f1e-9a57-3f2f8c1d2e4a".into(),
            ..FormInput::default()
        };
        assert_eq!(
            f.key().as_deref(),
            Some("web_form:0c6b3a52-6b0f-4f1e-9a57-3f2f8c1d2e4a")
        );
        f.form_id = "x'; DROP TABLE".into();
        assert_eq!(f.key(), None);
    }

    #[test]
    fn the_fingerprint_follows_what_was_typed() {
        let a = FormInput {
            metin: "Su yok".into(),
            kvkk: Some("1".into()),
            ..FormInput::default()
        };
        let mut b = a.clone();
        b.form_id = "another".into();
        assert_eq!(a.fingerprint(), b.fingerprint(), "the key is not content");
        b.metin = "Su var".into();
        assert_ne!(a.fingerprint(), b.fingerprint());
        let mut c = a.clone();
        c.kvkk = None;
        assert_ne!(a.fingerprint(), c.fingerprint());
    }

    #[test]
    fn an_empty_form_names_consent_district_and_type_too() {
        let fields: Vec<_> = form_rules(&FormInput::default())
            .into_iter()
            .map(|(f, _)| form_field(f))
            .collect();
        assert_eq!(fields, vec!["kvkk", "ilce", "tur"]);
    }

    #[test]
    fn the_place_fields_go_into_the_request_and_their_errors_to_the_form() {
        let f = FormInput {
            mahalle: "fevzi çakmak".into(),
            enlem: "40.7654".into(),
            boylam: "29,9408".into(),
            ..FormInput::default()
        };
        assert_eq!(coordinate(&f.enlem), Some(40.7654));
        assert_eq!(coordinate(&f.boylam), Some(29.9408), "a decimal comma too");
        assert_eq!(coordinate(" "), None);
        assert!(
            coordinate("kuzey").is_some_and(f64::is_nan),
            "refused by range"
        );
        assert_eq!(form_field("neighbourhood"), "mahalle");
        assert_eq!(form_field("latitude"), "konum");
        assert_eq!(form_field("longitude"), "konum");
        let mut g = f.clone();
        g.mahalle = "Yenişehir".into();
        assert_ne!(f.fingerprint(), g.fingerprint(), "the place is content");
    }
}
