//! *Bildirimler* (admins only, `/yonetim/bildirimler`): the notification
//! service's rules and templates — which case event sends what, and the words
//! of each message in Turkish and English. An edit makes a new version in
//! notify (the highest is in force, within `notify.catalogue_refresh_ms` on
//! every replica), so an admin changes what citizens are told without a
//! deploy. Notify checks that the caller is an admin and that a template
//! names only known variables; an edit made on an old version is refused.
//! A refused edit shows the page again with the template as typed, the
//! error by the refused field and the focus on it.

use std::sync::Arc;

use axum::{
    body::Bytes,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use tekmerkez_proto::notify_v1 as npb;
use tonic::Code;

use super::{
    AppState, Frame,
    admin::{Durum, checked_form, form_refused, invalid_field_query, one},
    refuse, render, see_other,
    signed_in::{Admins, RequireRole},
};
use crate::{
    i18n::{admin_notify::AdminNotifyTexts, common::CommonTexts},
    session::Session,
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
    /// A refused edit of this template: the field (`konu`, `metin`, `html`)
    /// and what to say by it.
    error: Option<(&'static str, String)>,
}

impl TemplateRow {
    /// The error by field `field`, if the refused edit was about it.
    fn error_on(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| *f == field)
            .map(|(_, e)| e.as_str())
    }
}

/// An edit notify refused, to show again as typed.
struct Refused {
    key: String,
    locale: String,
    subject: String,
    body: String,
    html: String,
    /// The form field refused (`konu`, `metin`, `html`).
    field: &'static str,
    error: String,
}

#[derive(askama::Template)]
#[template(path = "admin_notify.html")]
struct NotifyPage {
    frame: Frame,
    t: &'static AdminNotifyTexts,
    csrf: String,
    display_name: String,
    rules: Vec<RuleRow>,
    templates: Vec<TemplateRow>,
    variables: Vec<String>,
    message: Option<String>,
    is_error: bool,
}

fn channel_name(c: &CommonTexts, channel: i32) -> &'static str {
    if channel == npb::MessageChannel::Email as i32 {
        c.email_channel
    } else if channel == npb::MessageChannel::Social as i32 {
        c.channel_name(tekmerkez_proto::common_v1::Channel::SocialMedia as i32)
    } else {
        "SMS"
    }
}

/// The outcome of the last write, from the redirect's query.
fn message(t: &AdminNotifyTexts, q: &Durum) -> Option<(String, bool)> {
    let (text, error) = match q.durum.as_str() {
        "sablon-kaydedildi" => (t.template_saved, false),
        "kural-guncellendi" => (t.rule_updated, false),
        "degisti" => (t.changed, true),
        "gecersiz" => return Some(((t.invalid)(t.field(&q.alan)), true)),
        "yetki" => (t.not_allowed, true),
        "hata" => (t.unavailable, true),
        _ => return None,
    };
    Some((text.to_owned(), error))
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
    frame: Frame,
    Query(q): Query<Durum>,
    RequireRole(s, _): RequireRole<Admins>,
) -> Response {
    let t = &frame.texts().admin_notify;
    let message = message(t, &q);
    notify_page(&state, frame, s, message, None).await
}

/// The page, with `message` on top and a refused edit shown as typed.
async fn notify_page(
    state: &AppState,
    frame: Frame,
    s: Session,
    message: Option<(String, bool)>,
    refused: Option<Refused>,
) -> Response {
    let (c, t) = (frame.c, &frame.texts().admin_notify);
    let b = &state.backend;
    let unavailable = |frame: &Frame| {
        let mut r = super::message_page(frame, StatusCode::SERVICE_UNAVAILABLE, t.unavailable);
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
            channel: channel_name(c, r.channel),
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
        .map(|tpl| TemplateRow {
            channel: channel_name(c, tpl.channel),
            is_email: tpl.channel == npb::MessageChannel::Email as i32,
            channel_code: tpl.channel,
            language: t.language(&tpl.locale),
            first_of_key: false,
            key: tpl.key,
            locale: tpl.locale,
            version: tpl.version,
            subject: tpl.subject,
            body: tpl.body,
            html: tpl.html,
            error: None,
        })
        .collect();
    if let Some(r) = refused
        && let Some(tpl) = templates
            .iter_mut()
            .find(|tpl| tpl.key == r.key && tpl.locale == r.locale)
    {
        tpl.subject = r.subject;
        tpl.body = r.body;
        tpl.html = r.html;
        tpl.error = Some((r.field, r.error));
    }
    // Turkish first: it is what citizens get unless they chose English.
    templates.sort_by(|a, b| (&a.key, a.locale != "tr").cmp(&(&b.key, b.locale != "tr")));
    let mut previous = String::new();
    for tpl in &mut templates {
        tpl.first_of_key = tpl.key != previous;
        previous.clone_from(&tpl.key);
    }
    let refused_edit = templates.iter().any(|tpl| tpl.error.is_some());
    let (message, is_error) = message.map_or((None, false), |(m, e)| (Some(m), e));
    let mut r = render(&NotifyPage {
        t,
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
    });
    if refused_edit {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// `POST /yonetim/bildirimler/sablon`: a new version of one template.
pub(super) async fn save_template(
    State(state): State<Arc<AppState>>,
    frame: Frame,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
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
                template: Some(template.clone()),
                expected_version: one(&f, "surum").parse().unwrap_or_default(),
            },
        ))
        .await
        .map(|_| ());
    let st = match r {
        Ok(()) => return see_other("/yonetim/bildirimler?durum=sablon-kaydedildi"),
        Err(st) if matches!(st.code(), Code::InvalidArgument | Code::Aborted) => st,
        Err(st) => return after_write(Err(st), "sablon-kaydedildi"),
    };
    // Refused: the page again, the template as typed, the error by its field.
    let t = &frame.texts().admin_notify;
    let (field, error) = if st.code() == Code::Aborted {
        ("metin", t.changed.to_owned())
    } else {
        use tonic_types::StatusExt as _;
        let refused = st
            .get_details_bad_request()
            .and_then(|b| b.field_violations.first().map(|v| v.field.clone()))
            .unwrap_or_default();
        let field = match refused.as_str() {
            "template.subject" => "konu",
            "template.html" => "html",
            _ => "metin",
        };
        // The template check names the variable and the rule in an ErrorInfo.
        let info = st.get_details_error_info();
        let meta = |k: &str| {
            info.as_ref()
                .and_then(|i| i.metadata.get(k).cloned())
                .unwrap_or_default()
        };
        let name = t.field(&refused);
        let message = match info.as_ref().map(|i| i.reason.as_str()) {
            Some("TEMPLATE_NEEDS_FALLBACK") => {
                (t.needs_fallback)(name, &meta("variable"), &meta("rule"))
            }
            Some("TEMPLATE_VARIABLE_UNAVAILABLE") => {
                (t.unavailable_variable)(name, &meta("variable"), &meta("rule"))
            }
            _ => (t.invalid)(name),
        };
        (field, message)
    };
    let refused = Refused {
        key: template.key,
        locale: template.locale,
        subject: template.subject,
        body: template.body,
        html: template.html,
        field,
        error: error.clone(),
    };
    notify_page(&state, frame, s, Some((error, true)), Some(refused)).await
}

/// `POST /yonetim/bildirimler/kural/{key}`: switches a rule on or off.
pub(super) async fn switch_rule(
    State(state): State<Arc<AppState>>,
    Path(key): Path<String>,
    RequireRole(s, _): RequireRole<Admins>,
    body: Bytes,
) -> Response {
    let Some(f) = checked_form(&s, &body) else {
        return form_refused();
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
