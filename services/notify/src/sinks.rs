//! The development sinks' pages, for `tekmerkez dev`: `/dev/sms` and
//! `/dev/mail` show, newest first and in Turkish, what the development SMS
//! provider and mailer received; `/dev/sms.json` and `/dev/mail.json` give
//! the same as JSON; an e-mail's attachments are listed by name, type and
//! size. They show personal data and exist only in `tekmerkez
//! dev` (the production commands never mount them).

use axum::{
    Json, Router,
    extract::State,
    http::StatusCode,
    response::{Html, IntoResponse, Response},
    routing::get,
};

use crate::{
    store::{NotifyStore, SinkAttachment},
    template::html_escape,
};

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
            r#"<article><div class="meta">Alıcı <code>{}</code> · {}</div><h2>{}</h2><pre>{}</pre>{}<details><summary>Başlıklar</summary><pre>{}</pre></details><details><summary>HTML bölümü</summary><pre>{}</pre></details></article>"#,
            html_escape(&m.recipient),
            when(m.received_at),
            html_escape(&m.subject),
            html_escape(&m.body),
            attachments(&m.attachments),
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

/// The attachments' names, types and sizes (the files themselves are not kept).
fn attachments(list: &[SinkAttachment]) -> String {
    if list.is_empty() {
        return String::new();
    }
    let mut out = String::from(r#"<div class="ekler"><strong>Ekler</strong><ul>"#);
    for a in list {
        out.push_str(&format!(
            "<li><code>{}</code> ({}, {})</li>",
            html_escape(&a.filename),
            html_escape(&a.content_type),
            size(a.size)
        ));
    }
    out.push_str("</ul></div>");
    out
}

/// A size as people read it, Turkish style: "1,5 MB", "12,0 KB", "512 bayt".
fn size(bytes: i64) -> String {
    // Shown to one decimal: f64's precision is plenty.
    let b = bytes as f64;
    let one = |v: f64, unit: &str| format!("{v:.1} {unit}").replace('.', ",");
    if bytes >= 1024 * 1024 {
        one(b / (1024.0 * 1024.0), "MB")
    } else if bytes >= 1024 {
        one(b / 1024.0, "KB")
    } else {
        format!("{bytes} bayt")
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attachments_are_listed_by_escaped_name_type_and_size() {
        assert_eq!(attachments(&[]), "");
        let html = attachments(&[
            SinkAttachment {
                filename: "Aylık rapor — Kasım 2026.pdf".into(),
                content_type: "application/pdf".into(),
                size: 1_572_864,
            },
            SinkAttachment {
                filename: "<b>.xlsx".into(),
                content_type: "application/octet-stream".into(),
                size: 12_800,
            },
        ]);
        assert!(
            html.contains("<code>Aylık rapor — Kasım 2026.pdf</code> (application/pdf, 1,5 MB)"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;.xlsx"), "escaped: {html}");
        assert!(html.contains("12,5 KB"), "{html}");
        assert_eq!(size(512), "512 bayt");
    }
}
