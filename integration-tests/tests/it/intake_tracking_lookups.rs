//! Guessing a tracking number's phone digits in `tekmerkez dev`, over HTTP
//! as the outside probe did it: every one of the 10 000 values, spread over
//! 556 loopback addresses (127.0.x.y), on the app API; and 36 ways of typing
//! one number on `/takip`, each from another address behind the trusted
//! proxy (`X-Forwarded-For`). Wrong guesses are counted per parsed number by
//! the case service whatever the route or the address, so after 10 the right
//! digits are refused too (429 with `Retry-After`, the API's JSON error
//! format; on the page, in Turkish or English, a pointer to the SMS's link),
//! while the citizen's signed link keeps working. And intake's per-address
//! limit reads the client behind the trusted proxy as the gateway does.

use futures::StreamExt as _;
use serde_json::Value;
use tekmerkez_integration_tests::{page::Page, web::urlencode};

use crate::{
    channels::{Running, http, start},
    gateway_survey::{resolved_by_sms, token, wait_sms},
};

/// The wrong guesses one number allows per hour (`case.tracking`).
const BUDGET: usize = 10;
/// The client addresses the probe spread its guesses over.
const ADDRESSES: usize = 556;

/// Dev behind one trusted proxy on both HTTP edges, answers sent at once.
async fn dev() -> Running {
    start(|s| {
        s.notify.quiet_hours.enabled = false;
        s.intake.rate_limit.trusted_proxy_hops = 1;
        s.gateway.tracking.trusted_proxy_hops = 1;
    })
    .await
}

/// A client connecting from the `i`-th loopback address (127.0.1.1 on).
fn loopback(i: usize) -> reqwest::Client {
    let i = i % ADDRESSES;
    let at = [
        127,
        0,
        u8::try_from(1 + i / 250).unwrap(),
        u8::try_from(1 + i % 250).unwrap(),
    ];
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(at))
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The `i`-th client address, as the proxy records it.
fn client(i: usize) -> String {
    let i = u32::try_from(i % ADDRESSES).unwrap();
    std::net::Ipv4Addr::from(0xC633_6400 + i).to_string() // from 198.51.100.0
}

/// `GET /v1/applications/{tn}?phone_last4=` through `http`, from `client`
/// behind the proxy when given: status, `Retry-After`, body.
async fn status(
    app: &Running,
    http: &reqwest::Client,
    tn: &str,
    last4: &str,
    client: Option<&str>,
) -> (u16, Option<u64>, String) {
    let mut r = http.get(app.url(&format!("/v1/applications/{tn}?phone_last4={last4}")));
    if let Some(c) = client {
        // What the client wrote itself (left) is not believed.
        r = r.header("x-forwarded-for", format!("10.9.9.9, {c}"));
    }
    let r = r.send().await.unwrap();
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (r.status().as_u16(), retry, r.text().await.unwrap())
}

/// `POST /takip` from `client`, in `lang` (`tr`, `en`): status, `Retry-After`, page.
async fn takip(
    app: &Running,
    tn: &str,
    last4: &str,
    client: &str,
    lang: &str,
) -> (u16, Option<u64>, String) {
    let r = http()
        .post(app.url("/takip"))
        .header("x-forwarded-for", client)
        .header("cookie", format!("tmk_dil={lang}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("takip={}&son4={last4}", urlencode(tn)))
        .send()
        .await
        .unwrap();
    let retry = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().parse().unwrap());
    (r.status().as_u16(), retry, r.text().await.unwrap())
}

/// 36 ways of typing `tn` (`XXXXX-XXXXX`): a dash after any of the first
/// symbols, several dashes, lower case.
fn dash_variants(tn: &str) -> Vec<String> {
    let bare: String = tn.chars().filter(|c| *c != '-').collect();
    let mut out = Vec::new();
    for at in 1..bare.len() {
        let (a, b) = bare.split_at(at);
        out.push(format!("{a}-{b}"));
        out.push(format!("{a}-{b}").to_lowercase());
        out.push(format!("{a}--{b}"));
        out.push(format!("-{a}-{b}-"));
    }
    out.truncate(36);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_guesses_from_556_addresses_never_find_the_digits_and_the_signed_link_still_works()
 {
    let app = dev().await;
    // The citizen (0532 611 77 88) got an answer SMS with the signed link.
    let (tracking, _) = resolved_by_sms(&app, "0532 611 77 88").await;
    let sms = wait_sms(&app, "+905326117788", "/takip/d/").await;
    let link = token(&sms, "/takip/d/");

    let clients: Vec<reqwest::Client> = (0..ADDRESSES).map(loopback).collect();
    let started = std::time::Instant::now();
    let answers: Vec<(u16, Option<u64>)> = futures::stream::iter(0..10_000usize)
        .map(|d| {
            let (app, tracking, http) = (&app, &tracking, &clients[d % ADDRESSES]);
            async move {
                let (s, retry, _) = status(app, http, tracking, &format!("{d:04}"), None).await;
                (s, retry)
            }
        })
        .buffered(16)
        .collect()
        .await;
    let count = |code| answers.iter().filter(|(s, _)| *s == code).count();
    eprintln!(
        "10 000 guesses from {ADDRESSES} addresses in {:.1} s: {} answered 404, {} refused 429, {} found",
        started.elapsed().as_secs_f64(),
        count(404),
        count(429),
        count(200)
    );
    assert_eq!(count(200), 0, "the digits 7788 were found by walking");
    assert_eq!(count(404), BUDGET, "only the budget's guesses were checked");
    assert_eq!(count(429), 10_000 - BUDGET);
    assert!(
        answers[7788].1.is_some_and(|s| (1..=3600).contains(&s)),
        "Retry-After"
    );

    // The right digits, from an address never seen: refused in the API's format.
    let (s, retry, body) = status(&app, &http(), &tracking, "7788", Some("192.0.2.200")).await;
    assert_eq!(s, 429, "{body}");
    assert!(retry.is_some_and(|s| (1..=3600).contains(&s)));
    let v: Value = serde_json::from_str(&body).unwrap();
    assert!(
        v["message"].as_str().unwrap().contains("tracking number"),
        "{v}"
    );
    assert!(v["errors"].is_object(), "{v}");
    assert!(
        !body.contains("7788") && !body.contains(&tracking),
        "{body}"
    );

    // /takip shares the count: refused, in Turkish, pointing to the SMS's link.
    let (s, retry, page) = takip(&app, &tracking, "7788", "192.0.2.201", "tr").await;
    assert_eq!(s, 429);
    assert!(retry.is_some());
    let p = Page::parse(&page);
    assert!(
        p.text_in("#takip-hata")
            .contains("SMS veya e-postadaki bağlantıdan"),
        "{page}"
    );

    // The signed link needs no digits and is never counted.
    for _ in 0..5 {
        let r = http()
            .get(app.url(&format!("/takip/d/{link}")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200);
        let page = r.text().await.unwrap();
        assert_eq!(Page::parse(&page).text_in("#takip-durum"), "Sonuçlandı");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_six_dash_variants_on_takip_are_one_number() {
    let app = dev().await;
    let tracking = app
        .apply("Ankara", "Çankaya", "fatura", "0532 611 66 55")
        .await;
    app.case(&tracking).await;
    let variants = dash_variants(&tracking);
    assert_eq!(variants.len(), 36);
    let mut answers = Vec::new();
    for (i, v) in variants.iter().enumerate() {
        let (s, _, _) = takip(&app, v, &format!("{:04}", 1000 + i), &client(i), "tr").await;
        answers.push(s);
    }
    assert_eq!(
        answers.iter().filter(|s| **s == 404).count(),
        BUDGET,
        "{answers:?}"
    );
    assert!(answers[BUDGET..].iter().all(|s| *s == 429), "{answers:?}");
    // The right digits in yet another spelling, in English this time.
    let spelled = tracking.to_lowercase().replace('-', " ");
    let (s, retry, page) = takip(&app, &spelled, "6655", &client(99), "en").await;
    assert_eq!(s, 429, "walked past the lock");
    assert!(retry.is_some_and(|s| (1..=3600).contains(&s)));
    let text = Page::parse(&page).text_in("#takip-hata");
    assert!(text.contains("link in the SMS or e-mail"), "{text}");
    // ... and on the app API, with no dash at all.
    let (s, _, _) = status(
        &app,
        &http(),
        &tracking.replace('-', ""),
        "6655",
        Some(&client(100)),
    )
    .await;
    assert_eq!(s, 429);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn intakes_per_address_limit_reads_the_client_behind_the_trusted_proxy() {
    let app = start(|s| {
        s.intake.rate_limit.trusted_proxy_hops = 1;
        s.intake.rate_limit.per_minute = 3;
        s.intake.rate_limit.burst = 3;
    })
    .await;
    let form = |forwarded: &'static str| {
        let app = &app;
        async move {
            http()
                .get(app.url("/basvuru"))
                .header("x-forwarded-for", forwarded)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    for _ in 0..3 {
        assert_eq!(form("203.0.113.7").await, 200);
    }
    assert_eq!(
        form("203.0.113.7").await,
        429,
        "the client's own budget is spent"
    );
    assert_eq!(
        form("203.0.113.8").await,
        200,
        "another client behind the same proxy"
    );
    assert_eq!(
        form("203.0.113.8, 203.0.113.7").await,
        429,
        "what the client wrote itself does not move it to another bucket"
    );
    app.stop().await;
}
