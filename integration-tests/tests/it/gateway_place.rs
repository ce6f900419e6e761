//! Where an application is about, from the app to the record page, in
//! `tekmerkez dev`: the app API takes a point and a neighbourhood (typed in
//! capitals with the word *mahallesi*), the case keeps them with the
//! neighbourhood as the reference data spells it, and the record page shows
//! "İl / İlçe / Mahalle, enlem, boylam" with a map — without a tile server
//! an inline SVG that needs no network, with one (here a local address
//! nobody listens on: nothing is fetched by the test) the tiles around the
//! point from that server, which the page's CSP then allows for images.
//! A location shared on WhatsApp reaches the case and the page the same way.

use tekmerkez_integration_tests::web::{Browser, sign_in};

use crate::{
    channels::{Running, http, now_seconds, start},
    intake_social::{post_meta, whatsapp},
};

/// Files the application as the mobile app would: its tracking number.
async fn apply_with_a_point(app: &Running) -> String {
    let r = http()
        .post(app.url("/v1/applications"))
        .json(&serde_json::json!({
            "channel": "mobile_app", "category": "su_arizasi",
            "text": "Sokakta su borusu patladı, yol su içinde.",
            "province": "Kocaeli", "district": "izmit",
            "neighbourhood": "FEVZİ ÇAKMAK MAHALLESİ",
            "latitude": 40.7654, "longitude": 29.9408,
            "applicant": { "name": "Ayşe Yılmaz", "phone": "0532 123 45 67" },
            "reply_channel": "sms",
            "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let v: serde_json::Value = r.json().await.unwrap();
    v["tracking_number"].as_str().unwrap().to_owned()
}

/// The record page of `tracking_number` as the admin sees it: the page and
/// its Content-Security-Policy.
async fn record_page(app: &Running, tracking_number: &str) -> (String, String) {
    let case = app.case(tracking_number).await;
    let location = case.location.clone().unwrap();
    assert_eq!(location.district, "İzmit");
    assert_eq!(
        location.neighbourhood, "Fevzi Çakmak Mah",
        "canonical on the case"
    );
    let c = location.coordinates.unwrap();
    assert_eq!((c.latitude, c.longitude), (40.7654, 29.9408));
    let mut admin = Browser::new(app.http);
    sign_in(&mut admin, "admin").await;
    let (status, page, _, headers) = admin.get(&format!("/kayit/{}", case.id)).await;
    assert_eq!(status, 200, "{page}");
    let csp = headers
        .get("content-security-policy")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    (page, csp)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apps_point_and_neighbourhood_reach_the_record_page_as_an_offline_map() {
    let app = start(|_| {}).await;
    let tn = apply_with_a_point(&app).await;
    let (page, csp) = record_page(&app, &tn).await;
    assert!(
        page.contains("Kocaeli / İzmit / Fevzi Çakmak Mah, 40.7654, 29.9408"),
        "the place in words"
    );
    let start = page.find(r#"id="yer-haritasi""#).expect("a map");
    let map = &page[start..start + page[start..].find("</figure>").unwrap()];
    assert!(
        map.contains("<svg") && map.contains("40.7654, 29.9408"),
        "{map}"
    );
    assert!(
        !map.contains("<image") && !map.contains("<img"),
        "no tiles: {map}"
    );
    assert!(
        !map.replace("http://www.w3.org/2000/svg", "")
            .contains("http"),
        "nothing from the network: {map}"
    );
    assert!(!csp.contains("img-src"), "{csp}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_tile_server_the_record_page_shows_its_tiles_around_the_point() {
    // Port 9 (discard): no server; the browser would fetch, the test does not.
    let app = start(|s| {
        s.gateway.map.tile_url = "http://127.0.0.1:9/karolar/{z}/{x}/{y}.png".into();
    })
    .await;
    let tn = apply_with_a_point(&app).await;
    let (page, csp) = record_page(&app, &tn).await;
    assert!(page.contains("Kocaeli / İzmit / Fevzi Çakmak Mah, 40.7654, 29.9408"));
    // Zoom 16: the point is on tile 38218/24627; the 3×3 around it.
    assert_eq!(page.matches("<image ").count(), 9, "{page}");
    for (x, y) in [(38217, 24626), (38218, 24627), (38219, 24628)] {
        assert!(
            page.contains(&format!(
                r#"href="http://127.0.0.1:9/karolar/16/{x}/{y}.png""#
            )),
            "tile {x}/{y}"
        );
    }
    assert!(page.contains("harita-igne"), "the pin");
    assert!(csp.contains("img-src 'self' http://127.0.0.1:9;"), "{csp}");
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "the rest kept: {csp}"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_location_shared_on_whatsapp_is_kept_on_the_case_and_shown_on_its_page() {
    let app = start(|_| {}).await;
    // Meta's location message: the text notification with the body swapped.
    let mut body: serde_json::Value = serde_json::from_str(&whatsapp(
        "wamid.konum.1",
        "905321234567",
        "",
        now_seconds(),
    ))
    .unwrap();
    let message = &mut body["entry"][0]["changes"][0]["value"]["messages"][0];
    message["type"] = "location".into();
    message.as_object_mut().unwrap().remove("text");
    message["location"] = serde_json::json!({
        "latitude": 40.7654, "longitude": 29.9408,
        "name": "Su borusu", "address": "İzmit, Kocaeli"
    });
    let body = body.to_string();
    let (status, answer) = post_meta(&app, "/webhooks/whatsapp", &body).await;
    assert_eq!(
        (status, answer["published"].as_u64()),
        (200, Some(1)),
        "{answer}"
    );
    let cases = app
        .wait_cases(tekmerkez_proto::common_v1::Channel::SocialMedia, 1)
        .await;
    let c = cases[0].location.clone().unwrap().coordinates.unwrap();
    assert_eq!(
        (c.latitude, c.longitude),
        (40.7654, 29.9408),
        "the point kept"
    );
    let mut admin = Browser::new(app.http);
    sign_in(&mut admin, "admin").await;
    let (status, page, _, _) = admin.get(&format!("/kayit/{}", cases[0].id)).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Kocaeli, 40.7654, 29.9408"),
        "the account's province and the point"
    );
    assert!(page.contains(r#"id="yer-haritasi""#), "with its map");
    app.stop().await;
}
