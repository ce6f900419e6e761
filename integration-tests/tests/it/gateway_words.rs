//! No internal code reaches a person: every page each demo role can reach
//! from its start page (and the public pages) is read in Turkish and in
//! English, and its text — with the titles, labels, option texts and
//! accessible names people read — must hold no enum value, configuration
//! code or id: no `snake_case` word (`not_reached`, `web_form`,
//! `in_pool`), no versioned code (`kvkk-aydinlatma-v1`), no UUID, and on
//! Turkish pages no English code word (`phone`, `email`, `resolved`).
//! Text set as `<code>` is an identifier shown on purpose (a notification
//! rule's key, a variable the admin may type) and what a `<textarea>` holds
//! is what a person wrote (a template's `{{tracking_number}}`): both are
//! left out; so is `/gelistirme`, the developers' page of `tekmerkez dev`.

use std::collections::{BTreeSet, VecDeque};

use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::page::Page;
use tekmerkez_integration_tests::web::{Browser, dev_settings, sign_in};
use tokio_util::sync::CancellationToken;

/// Pages read per role: the start page, what it links to, and what those
/// link to (a record page from each list).
const MAX_PAGES_PER_ROLE: usize = 40;

/// The demo users who work in the UI, one per role (and a second call
/// centre agent, whose start page differs).
const PEOPLE: [&str; 6] = [
    "admin",
    "yonetici.ankara",
    "uzman.ankara",
    "geridonus",
    "cagrimerkezi",
    "danisma",
];

/// Codes whose value is an English word: on a Turkish page they can only be
/// a code shown untranslated.
/// (Not `admin`: that is a demo user's name.)
const ENGLISH_CODE_WORDS: [&str; 15] = [
    "phone", "email", "sms", "letter", "written", "partner", "social", "mobile", "held",
    "resolved", "closed", "reached", "urgent", "normal", "expert",
];

/// Why `token` reads as an internal code, or `None`.
fn code_kind(token: &str, turkish: bool) -> Option<&'static str> {
    let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    if let Some((a, b)) = token.split_once('_')
        && !a.is_empty()
        && !b.is_empty()
        && token.chars().all(|c| lower(c) || c == '_')
    {
        return Some("snake_case code");
    }
    if let Some(at) = token.rfind("-v")
        && at > 0
        && token[at + 2..].chars().all(|c| c.is_ascii_digit())
        && token.len() > at + 2
        && token[..at].chars().all(|c| lower(c) || c == '-')
    {
        return Some("versioned configuration code");
    }
    let hex = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_hexdigit());
    let parts: Vec<&str> = token.split('-').collect();
    if parts.len() == 5
        && parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12])
        && parts.iter().all(|p| hex(p))
    {
        return Some("id");
    }
    if turkish && ENGLISH_CODE_WORDS.contains(&token) {
        return Some("English code word");
    }
    None
}

/// Every internal code in `text`, with why it reads as one.
fn codes_in(text: &str, turkish: bool) -> Vec<(String, &'static str)> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .map(|t| t.trim_matches('-'))
        .filter_map(|t| code_kind(t, turkish).map(|k| (t.to_owned(), k)))
        .collect()
}

/// What a person reads on `html`: the body's text, the title, and the
/// attributes that label things (`aria-label`, `title`, `placeholder`, a
/// button's `value`).
fn readable(html: &str) -> String {
    let without_code = strip_code(html);
    let page = Page::parse(&without_code);
    let mut out = vec![page.title.clone(), page.text.clone()];
    for (css, attr) in [
        ("[aria-label]", "aria-label"),
        ("[title]", "title"),
        ("[placeholder]", "placeholder"),
        ("input[type=submit], input[type=button]", "value"),
    ] {
        out.extend(page.attrs(css, attr));
    }
    out.join("\n")
}

/// `html` without its `<code>` and `<textarea>` elements.
fn strip_code(html: &str) -> String {
    ["code", "textarea"]
        .iter()
        .fold(html.to_owned(), |html, tag| {
            let (open, close) = (format!("<{tag}"), format!("</{tag}>"));
            let mut out = String::with_capacity(html.len());
            let mut rest = html.as_str();
            while let Some(start) = rest.find(&open) {
                out.push_str(&rest[..start]);
                match rest[start..].find(&close) {
                    Some(end) => rest = &rest[start + end + close.len()..],
                    None => rest = "",
                }
            }
            out.push_str(rest);
            out
        })
}

/// Same-site pages `html` links to, to be read.
fn links(html: &str) -> Vec<String> {
    Page::parse(html)
        .attrs("a[href]", "href")
        .into_iter()
        .filter(|h| h.starts_with('/') && !h.starts_with("//"))
        .filter(|h| {
            !(h.starts_with("/static/")
                || h.starts_with("/cikis")
                || h.starts_with("/gelistirme")
                || h.contains("/ek/")
                || h.ends_with("/pdf")
                || h.contains("lang="))
        })
        .collect()
}

/// Reads `start` and what it leads to, in `lang`; the codes found, as
/// "path: token (why)".
async fn walk(b: &mut Browser, start: &[&str], lang: &str) -> (usize, Vec<String>) {
    b.cookies.retain(|(n, _)| n != "tmk_dil");
    b.cookies.push(("tmk_dil".into(), lang.into()));
    let turkish = lang == "tr";
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<(String, usize)> = start.iter().map(|p| (p.to_string(), 0)).collect();
    let mut found = Vec::new();
    while let Some((path, depth)) = queue.pop_front() {
        if seen.len() >= MAX_PAGES_PER_ROLE || !seen.insert(path.clone()) {
            continue;
        }
        let (status, body, _, headers) = b.get(&path).await;
        let html = headers
            .get(reqwest::header::CONTENT_TYPE)
            .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
        if !status.is_success() || !html {
            continue;
        }
        for (token, why) in codes_in(&readable(&body), turkish) {
            found.push(format!("{lang} {path}: {token} ({why})"));
        }
        if depth < 2 {
            // One page of each kind is enough: a list's other rows and
            // pages show the same words.
            let mut kinds = BTreeSet::new();
            for next in links(&body) {
                let kind: String = next
                    .split(['?', '/'])
                    .filter(|s| !s.is_empty())
                    .take(1)
                    .collect();
                if next.contains('?') && !kinds.insert(format!("{kind}?")) {
                    continue;
                }
                if next.starts_with("/kayit/") && !kinds.insert("kayit".to_owned()) {
                    continue;
                }
                queue.push_back((next, depth + 1));
            }
        }
    }
    (seen.len(), found)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_page_shows_an_internal_code_in_turkish_or_english() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 120)).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));

    let mut found = Vec::new();
    let mut read = 0;
    for lang in ["tr", "en"] {
        let mut citizen = Browser::new(addr);
        let (n, codes) = walk(&mut citizen, &["/giris", "/basvuru", "/takip"], lang).await;
        read += n;
        found.extend(codes.into_iter().map(|c| format!("citizen {c}")));
        for who in PEOPLE {
            let mut b = Browser::new(addr);
            sign_in(&mut b, who).await;
            let (n, codes) = walk(&mut b, &["/"], lang).await;
            assert!(n > 2, "{who} reached only {n} pages in {lang}");
            read += n;
            found.extend(codes.into_iter().map(|c| format!("{who} {c}")));
        }
    }
    assert!(read > 40, "the walk read only {read} pages");
    found.sort();
    found.dedup();
    assert!(
        found.is_empty(),
        "internal codes shown to people:\n{}",
        found.join("\n")
    );

    shutdown.cancel();
    server.await.unwrap().unwrap();
}

#[test]
fn codes_are_told_from_words() {
    let t = |s: &str, tr: bool| {
        codes_in(s, tr)
            .into_iter()
            .map(|(c, _)| c)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        t("Sonuç: not_reached — kanal web_form", true),
        ["not_reached", "web_form"]
    );
    assert_eq!(
        t("Onay metni kvkk-aydinlatma-v1", true),
        ["kvkk-aydinlatma-v1"]
    );
    assert_eq!(
        t("Kayıt 0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b açıldı", true),
        ["0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"]
    );
    assert_eq!(t("Yanıt kanalı: phone", true), ["phone"]);
    assert!(t("Reply by phone or e-mail", false).is_empty());
    assert_eq!(
        strip_code("<p>Anahtar <code>basvuru_alindi</code>: {{x}}</p>"),
        "<p>Anahtar : {{x}}</p>"
    );
    assert!(
        t(
            "Takip numarası AB12C-3D4E5, 05.12.2026 14:05, İl: İzmir, e-posta, SMS",
            true
        )
        .is_empty()
    );
}
