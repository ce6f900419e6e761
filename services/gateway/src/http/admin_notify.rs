//! *Bildirimler* (admins only, `/yonetim/bildirimler`): the notification
//! service's rules and templates — which case event sends what, and the words
//! of each message in Turkish and English. An edit makes a new version in
//! notify (the highest is in force, within `notify.catalogue_refresh_ms` on
//! every replica), so an admin changes what citizens are told without a
//! deploy. Notify checks that the caller is an admin and that a template
//! names only known variables; an edit made on an old version is refused.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use tekmerkez_proto::notify_v1 as npb;
use tonic::Code;

use super::{
    AppState, Frame,
    admin::{Durum, admin, admin_form, invalid_field_query, one},
    refuse, render, see_other,
};

/// The page's words (Turkish, or English with `?lang=en`).
struct Words {
    title: &'static str,
    rules: &'static str,
    templates: &'static str,
    key: &'static str,
    description: &'static str,
    channel: &'static str,
    template: &'static str,
    timing: &'static str,
    at_once: &'static str,
    after_quiet_hours: &'static str,
    state: &'static str,
    on: &'static str,
    off: &'static str,
    switch_on: &'static str,
    switch_off: &'static str,
    version: &'static str,
    subject: &'static str,
    body: &'static str,
    html: &'static str,
    html_hint: &'static str,
    variables: &'static str,
    save: &'static str,
    unavailable: &'static str,
    back: &'static str,
}

const TR: Words = Words {
    title: "Bildirimler",
    rules: "Bildirim kuralları",
    templates: "Şablonlar",
    key: "Anahtar",
    description: "Açıklama",
    channel: "Kanal",
    template: "Şablon",
    timing: "Gönderim",
    at_once: "hemen",
    after_quiet_hours: "sessiz saatler bitince",
    state: "Durum",
    on: "açık",
    off: "kapalı",
    switch_on: "Aç",
    switch_off: "Kapat",
    version: "Sürüm",
    subject: "Konu",
    body: "Metin",
    html: "HTML bölümü",
    html_hint: "Boş bırakılırsa metinden üretilir.",
    variables: "Kullanılabilecek değişkenler",
    save: "Kaydet (yeni sürüm)",
    unavailable: "Bildirim servisine ulaşılamadı; daha sonra yeniden deneyin.",
    back: "Yönetim",
};

const EN: Words = Words {
    title: "Notifications",
    rules: "Notification rules",
    templates: "Templates",
    key: "Key",
    description: "Description",
    channel: "Channel",
    template: "Template",
    timing: "Sending",
    at_once: "at once",
    after_quiet_hours: "after quiet hours",
    state: "State",
    on: "on",
    off: "off",
    switch_on: "Switch on",
    switch_off: "Switch off",
    version: "Version",
    subject: "Subject",
    body: "Text",
    html: "HTML part",
    html_hint: "Made from the text when left empty.",
    variables: "Variables you can use",
    save: "Save (new version)",
    unavailable: "The notification service cannot be reached; try again later.",
    back: "Administration",
};

struct RuleRow {
    key: String,
    description: String,
    channel: &'static str,
    template: String,
    immediate: bool,
    enabled: bool,
    version: i64,
}

struct TemplateRow {
    key: String,
    locale: String,
    channel_code: i32,
    channel: &'static str,
    is_email: bool,
    /// The language's name in the page's language.
    language: &'static str,
    /// The first template of its key on the page (the rules link to it).
    first_of_key: bool,
    version: i64,
    subject: String,
    body: String,
    html: String,
}

#[derive(askama::Template)]
#[template(path = "yonetim_bildirim.html")]
struct NotifyPage {
    frame: Frame,
    w: &'static Words,
    csrf: String,
    display_name: String,
    rules: Vec<RuleRow>,
    templates: Vec<TemplateRow>,
    variables: Vec<String>,
    message: Option<String>,
    is_error: bool,
}

fn channel_name(c: i32, en: bool) -> &'static str {
    if c == npb::MessageChannel::Email as i32 {
        if en { "E-mail" } else { "E-posta" }
    } else {
        "SMS"
    }
}

/// The outcome of the last write, from the redirect's query.
fn message(en: bool, q: &Durum) -> Option<(String, bool)> {
    let (tr, english, error) = match q.durum.as_str() {
        "sablon-kaydedildi" => (
            "Şablon kaydedildi; yeni sürüm yürürlükte.",
            "Template saved; the new version is in force.",
            false,
        ),
        "kural-guncellendi" => ("Kural güncellendi.", "Rule updated.", false),
        "degisti" => (
            "Siz düzenlerken başka biri değiştirdi: son hâli aşağıda, yeniden deneyin.",
            "Someone changed it while you were editing: the latest is below, try again.",
            true,
        ),
        "gecersiz" => {
            let field = match q.alan.as_str() {
                "template.subject" => ("konu", "subject"),
                "template.body" => ("metin", "text"),
                "template.html" => ("HTML bölümü", "HTML part"),
                _ => ("bir alan", "a field"),
            };
            return Some((
                if en {
                    format!(
                        "Not saved: the {} is empty, too long, names a variable that does not exist or leaves a placeholder open.",
                        field.1
                    )
                } else {
                    format!(
                        "Kaydedilmedi: {} boş, çok uzun, olmayan bir değişken kullanıyor ya da bir yer tutucu kapanmamış.",
                        field.0
                    )
                },
                true,
            ));
        }
        "yetki" => (
            "Bu işlem için yetkiniz yok.",
            "You are not allowed to do this.",
            true,
        ),
        "hata" => (TR.unavailable, EN.unavailable, true),
        _ => return None,
    };
    Some(((if en { english } else { tr }).to_owned(), error))
}

/// Where a write's outcome sends the admin.
fn after_write(r: Result<(), tonic::Status>, done: &str) -> Response {
    let q = match r {
        Ok(()) => format!("durum={done}"),
        Err(st) => match st.code() {
            Code::Aborted => "durum=degisti".to_owned(),
            Code::InvalidArgument => invalid_field_query(&st),
            Code::PermissionDenied | Code::Unauthenticated => "durum=yetki".to_owned(),
            other => {
                tracing::error!(code = ?other, "a notification catalogue write failed");
                "durum=hata".to_owned()
            }
        },
    };
    see_other(&format!("/yonetim/bildirimler?{q}"))
}

/// `GET /yonetim/bildirimler`.
pub(super) async fn show(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<Durum>,
) -> Response {
    let (_, s) = match admin(&state, &headers).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let frame = Frame::of(&headers);
    let en = frame.t.english;
    let b = &state.backend;
    let unavailable = |frame: &Frame| {
        let mut r = super::message_page(
            frame,
            StatusCode::SERVICE_UNAVAILABLE,
            if en { EN.unavailable } else { TR.unavailable },
        );
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        r
    };
    let (Some(mut rules_client), Some(mut templates_client)) = (b.notify(), b.notify()) else {
        return unavailable(&frame);
    };
    let (rules, templates) = tokio::join!(
        rules_client.list_rules(b.as_user(s.user_id, npb::ListRulesRequest {})),
        templates_client.list_templates(b.as_user(s.user_id, npb::ListTemplatesRequest {})),
    );
    let (rules, templates) = match (rules, templates) {
        (Ok(r), Ok(t)) => (r.into_inner(), t.into_inner()),
        (Err(e), _) | (_, Err(e)) => {
            if matches!(e.code(), Code::PermissionDenied | Code::Unauthenticated) {
                return refuse(&frame);
            }
            tracing::error!(code = ?e.code(), "reading the notification catalogue failed");
            return unavailable(&frame);
        }
    };
    let mut rules: Vec<RuleRow> = rules
        .rules
        .into_iter()
        .map(|r| RuleRow {
            channel: channel_name(r.channel, en),
            key: r.key,
            description: r.description,
            template: r.template,
            immediate: r.immediate,
            enabled: r.enabled,
            version: r.version,
        })
        .collect();
    rules.sort_by(|a, b| a.key.cmp(&b.key));
    let npb::ListTemplatesResponse {
        templates,
        variables,
    } = templates;
    let mut templates: Vec<TemplateRow> = templates
        .into_iter()
        .map(|t| TemplateRow {
            channel: channel_name(t.channel, en),
            is_email: t.channel == npb::MessageChannel::Email as i32,
            channel_code: t.channel,
            language: match (t.locale.as_str(), en) {
                ("tr", false) => "Türkçe",
                ("tr", true) => "Turkish",
                ("en", false) => "İngilizce",
                ("en", true) => "English",
                _ => "",
            },
            first_of_key: false,
            key: t.key,
            locale: t.locale,
            version: t.version,
            subject: t.subject,
            body: t.body,
            html: t.html,
        })
        .collect();
    // Turkish first: it is what citizens get unless they chose English.
    templates.sort_by(|a, b| (&a.key, a.locale != "tr").cmp(&(&b.key, b.locale != "tr")));
    let mut previous = String::new();
    for t in &mut templates {
        t.first_of_key = t.key != previous;
        previous.clone_from(&t.key);
    }
    let (message, is_error) = message(en, &q).map_or((None, false), |(m, e)| (Some(m), e));
    render(&NotifyPage {
        w: if en { &EN } else { &TR },
        frame,
        csrf: s.csrf_token,
        display_name: s.display_name,
        rules,
        templates,
        variables: variables
            .into_iter()
            .map(|v| format!("{{{{{v}}}}}"))
            .collect(),
        message,
        is_error,
    })
}

/// `POST /yonetim/bildirimler/sablon`: a new version of one template.
pub(super) async fn save_template(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (s, f) = match admin_form(&state, &headers, &body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let b = &state.backend;
    let Some(mut notify) = b.notify() else {
        return see_other("/yonetim/bildirimler?durum=hata");
    };
    // The text areas keep what the admin typed; only the line ends a
    // browser sends (CRLF) become the templates' LF.
    let text = |k: &str| {
        f.get(k)
            .and_then(|v| v.first())
            .map(|v| v.replace("\r\n", "\n"))
            .unwrap_or_default()
    };
    let template = npb::Template {
        key: one(&f, "anahtar"),
        locale: one(&f, "dil"),
        version: 0,
        channel: one(&f, "kanal").parse().unwrap_or_default(),
        subject: one(&f, "konu"),
        body: text("metin"),
        html: text("html"),
    };
    let r = notify
        .update_template(b.as_user(
            s.user_id,
            npb::UpdateTemplateRequest {
                template: Some(template),
                expected_version: one(&f, "surum").parse().unwrap_or_default(),
            },
        ))
        .await
        .map(|_| ());
    after_write(r, "sablon-kaydedildi")
}

/// `POST /yonetim/bildirimler/kural/{key}`: switches a rule on or off.
pub(super) async fn switch_rule(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(key): Path<String>,
    body: Bytes,
) -> Response {
    let (s, f) = match admin_form(&state, &headers, &body).await {
        Ok(v) => v,
        Err(r) => return r,
    };
    let b = &state.backend;
    let Some(mut notify) = b.notify() else {
        return see_other("/yonetim/bildirimler?durum=hata");
    };
    // The rule as it is now, so that only `enabled` changes.
    let current = match notify
        .list_rules(b.as_user(s.user_id, npb::ListRulesRequest {}))
        .await
    {
        Ok(r) => r.into_inner().rules.into_iter().find(|r| r.key == key),
        Err(e) => return after_write(Err(e), ""),
    };
    let Some(mut rule) = current else {
        return see_other("/yonetim/bildirimler?durum=degisti");
    };
    let expected = one(&f, "surum").parse().unwrap_or_default();
    if rule.version != expected {
        return see_other("/yonetim/bildirimler?durum=degisti");
    }
    rule.enabled = one(&f, "acik") == "1";
    let r = notify
        .update_rule(b.as_user(
            s.user_id,
            npb::UpdateRuleRequest {
                rule: Some(rule),
                expected_version: expected,
            },
        ))
        .await
        .map(|_| ());
    after_write(r, "kural-guncellendi")
}
