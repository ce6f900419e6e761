//! `/basvuru`: the Turkish web form. Server-side validation re-renders the
//! form with the citizen's input and a message under each bad field; a valid
//! application is published before the thank-you page shows its tracking
//! number. Works without JavaScript; a few lines narrow the district list to
//! the chosen province when scripts run.

use std::collections::HashMap;

use askama::Template;
use axum::{
    Form,
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};

use super::{api, state::WebState};
use crate::{
    application::{Applicant, ApplicationRequest, KvkkConsent},
    counters,
};

/// The form's fields as posted.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub(super) struct FormInput {
    #[serde(default)]
    kategori: String,
    #[serde(default)]
    il: String,
    #[serde(default)]
    ilce: String,
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

struct Option_ {
    value: String,
    label: String,
}

struct ProvinceOption {
    code: String,
    name: String,
    districts: Vec<String>,
}

#[derive(Template)]
#[template(path = "basvuru.html")]
struct FormPage {
    input: FormInput,
    categories: Vec<Option_>,
    provinces: Vec<ProvinceOption>,
    errors: HashMap<&'static str, String>,
    kvkk_text_version: String,
    failure: Option<String>,
}

#[derive(Template)]
#[template(path = "tesekkurler.html")]
struct ThanksPage {
    tracking_number: String,
}

/// The Turkish text of a rule, for the form's messages.
fn rule_tr(field: &str, rule: &str) -> String {
    let t = match (field, rule) {
        (_, "must not be empty") | (_, "is required") => "Bu alan zorunludur.",
        ("category", _) => "Lütfen bir başvuru konusu seçin.",
        ("province", _) => "Lütfen bir il seçin.",
        ("district", _) => "Lütfen seçtiğiniz ile ait bir ilçe seçin.",
        ("text", "is too long") => "Başvuru metni en fazla 10.000 karakter olabilir.",
        ("applicant.phone", "is required for an SMS or phone reply") => {
            "SMS ya da telefonla dönüş için telefon numarası gereklidir."
        }
        ("applicant.phone", _) => {
            "Geçerli bir Türkiye telefon numarası girin (ör. 0532 123 45 67)."
        }
        ("applicant.email", "is required for an e-mail reply") => {
            "E-posta ile dönüş için e-posta adresi gereklidir."
        }
        ("applicant.email", _) => "Geçerli bir e-posta adresi girin.",
        ("applicant.address", _) => "Mektupla dönüş için posta adresi gereklidir.",
        ("reply_channel", _) => "Lütfen size nasıl dönüş yapılacağını seçin.",
        ("kvkk_consent", _) | ("kvkk_consent.accepted", _) => {
            "Başvurunuzu işleyebilmemiz için aydınlatma metnini onaylamanız gerekir."
        }
        (_, "is too long") => "Bu alan çok uzun.",
        _ => "Bu alanı kontrol edin.",
    };
    t.to_owned()
}

/// Which form field shows the message of a request field.
fn form_field(field: &str) -> &'static str {
    match field {
        "category" => "kategori",
        "province" => "il",
        "district" => "ilce",
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

fn page(
    state: &WebState,
    input: FormInput,
    errors: HashMap<&'static str, String>,
    failure: Option<String>,
) -> FormPage {
    FormPage {
        input,
        categories: state
            .categories
            .iter()
            .map(|c| Option_ {
                value: c.code.clone(),
                label: c.name_tr.clone(),
            })
            .collect(),
        provinces: tekmerkez_geo::provinces()
            .iter()
            .map(|p| ProvinceOption {
                code: p.code().to_string(),
                name: p.name().to_owned(),
                districts: p.districts().to_vec(),
            })
            .collect(),
        errors,
        kvkk_text_version: state.kvkk_text_version.to_string(),
        failure,
    }
}

fn render<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error.message = %e, "rendering a page failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "Sayfa oluşturulamadı.").into_response()
        }
    }
}

/// `GET /basvuru`.
pub(super) async fn show(State(state): State<WebState>) -> Response {
    let input = FormInput {
        yanit: "sms".into(),
        ..FormInput::default()
    };
    render(StatusCode::OK, &page(&state, input, HashMap::new(), None))
}

/// `POST /basvuru`.
pub(super) async fn submit(
    State(state): State<WebState>,
    Form(input): Form<FormInput>,
) -> Response {
    let req = ApplicationRequest {
        channel: "web_form".into(),
        category: input.kategori.clone(),
        text: input.metin.clone(),
        province: input.il.clone(),
        district: input.ilce.clone(),
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
    };
    // The form carries no idempotency key: each accepted submission is its own application.
    match api::accept(&state, &req, None, String::new()).await {
        Ok(a) => render(
            StatusCode::OK,
            &ThanksPage {
                tracking_number: a.tracking_number,
            },
        ),
        Err(e) => {
            let mut errors: HashMap<&'static str, String> = HashMap::new();
            for (field, rules) in e.field_errors() {
                let f = form_field(field);
                errors.entry(f).or_insert_with(|| {
                    rule_tr(field, rules.first().map(String::as_str).unwrap_or_default())
                });
            }
            let failure = errors.is_empty().then(|| {
                "Başvurunuz şu anda kaydedilemedi. Lütfen biraz sonra yeniden deneyin.".to_owned()
            });
            let status = if failure.is_some() {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::BAD_REQUEST
            };
            counters::count_rejected("web_form", status);
            render(status, &page(&state, input, errors, failure))
        }
    }
}
