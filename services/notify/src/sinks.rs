//! The development sinks' pages, for `tekmerkez dev`: `/dev/sms` and
//! `/dev/mail` show, newest first and in Turkish, what the development SMS
//! provider and mailer received; `/dev/sms.json` and `/dev/mail.json` give
//! the same as JSON. They show personal data and exist only in `tekmerkez
//! dev` (the production commands never mount them).

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
    routing::get,
};

use crate::{store::NotifyStore, template::html_escape};

const LIMIT: u32 = 200;

/// The sink pages over `store`.
pub fn router(store: NotifyStore) -> Router {
    Router::new()
        .route("/dev/sms", get(sms_page))
        .route("/dev/sms.json", get(sms_json))
        .route("/dev/mail", get(mail_page))
        .route("/dev/mail.json", get(mail_json))
        .with_state(store)
}

fn unavailable() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "Geliştirme kutusu okunamadı.",
    )
        .into_response()
}

fn when(micros: i64) -> String {
    jiff::Timestamp::from_microsecond(micros)
        .ok()
        .and_then(|t| {
            jiff::tz::TimeZone::get("Europe/Istanbul")
                .ok()
                .map(|tz| t.to_zoned(tz))
        })
        .map(|z| z.strftime("%d.%m.%Y %H:%M:%S").to_string())
        .unwrap_or_default()
}

fn page(title: &str, intro: &str, items: &str) -> Html<String> {
    Html(format!(
        r#"<!doctype html><html lang="tr"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>{title} — tekmerkez geliştirme</title>
<style>body{{font-family:system-ui,sans-serif;max-width:56rem;margin:2rem auto;color:#1a1a1a}}article{{border:1px solid #ccc;border-radius:.4rem;padding:.75rem 1rem;margin:.75rem 0}}
.meta{{color:#444;font-size:.9rem}}pre{{white-space:pre-wrap;font-family:inherit;margin:.5rem 0}}code{{background:#f1f1f1;padding:0 .25rem}}</style></head>
<body><h1>{title}</h1><p>{intro}</p><p><a href="/gelistirme">Geliştirme sayfası</a> · <a href="/dev/sms">SMS kutusu</a> · <a href="/dev/mail">E-posta kutusu</a> · <a href="/dev/social">Sosyal medya kutusu</a></p>{items}</body></html>"#
    ))
}

async fn sms_page(State(store): State<NotifyStore>) -> Response {
    let Ok(list) = store.sink_list("sms", LIMIT).await else {
        return unavailable();
    };
    let mut items = String::new();
    for m in &list {
        items.push_str(&format!(
            r#"<article><div class="meta">Alıcı <code>{}</code> · {} · kodlama <code>{}</code> · {} parça</div><pre>{}</pre></article>"#,
            html_escape(&m.recipient),
            when(m.received_at),
            html_escape(&m.encoding),
            m.segments,
            html_escape(&m.body)
        ));
    }
    if list.is_empty() {
        items.push_str("<p>Henüz SMS yok. <a href=\"/basvuru\">Başvuru formundan</a> telefon numarasıyla bir başvuru yapın.</p>");
    }
    page(
        "SMS kutusu",
        "Bildirim servisinin bu çalıştırmada gönderdiği SMS'ler (geliştirme kipi: gerçek bir sağlayıcıya gitmez). En yenisi üstte.",
        &items,
    )
    .into_response()
}

async fn mail_page(State(store): State<NotifyStore>) -> Response {
    let Ok(list) = store.sink_list("email", LIMIT).await else {
        return unavailable();
    };
    let mut items = String::new();
    for m in &list {
        items.push_str(&format!(
            r#"<article><div class="meta">Alıcı <code>{}</code> · {}</div><h2>{}</h2><pre>{}</pre><details><summary>Başlıklar</summary><pre>{}</pre></details><details><summary>HTML bölümü</summary><pre>{}</pre></details></article>"#,
            html_escape(&m.recipient),
            when(m.received_at),
            html_escape(&m.subject),
            html_escape(&m.body),
            html_escape(&m.headers),
            html_escape(&m.html)
        ));
    }
    if list.is_empty() {
        items.push_str(
            "<p>Henüz e-posta yok. Yanıtı e-postayla istenen bir kaydı uzman olarak kapatın.</p>",
        );
    }
    page(
        "E-posta kutusu",
        "Bildirim servisinin bu çalıştırmada gönderdiği e-postalar (geliştirme kipi: gerçek bir sunucuya gitmez). En yenisi üstte.",
        &items,
    )
    .into_response()
}

async fn sms_json(State(store): State<NotifyStore>) -> Response {
    match store.sink_list("sms", LIMIT).await {
        Ok(list) => Json(list).into_response(),
        Err(_) => unavailable(),
    }
}

async fn mail_json(State(store): State<NotifyStore>) -> Response {
    match store.sink_list("email", LIMIT).await {
        Ok(list) => Json(list).into_response(),
        Err(_) => unavailable(),
    }
}
