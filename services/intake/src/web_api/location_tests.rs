//! The place of an application through the real router: the app API takes
//! coordinates and a neighbourhood (refusing a wrong one by its field, in
//! the API's error shape), lists a district's neighbourhoods, and the web
//! form offers them and comes back as typed when it refuses one.

use serde_json::{Value, json};
use tower::ServiceExt as _;

use super::openapi::tests::app;

/// One request: status and body.
async fn send(
    app: &axum::Router,
    method: &str,
    uri: &str,
    content_type: &str,
    body: String,
) -> (u16, String) {
    let mut req = axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", content_type)
        .body(axum::body::Body::from(body))
        .unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            40000,
        ))));
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status().as_u16();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 22)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn application(extra: Value) -> String {
    let mut body = json!({
        "channel": "mobile_app",
        "category": "su_arizasi",
        "text": "Sokakta su borusu patladı.",
        "province": "41",
        "district": "izmit",
        "applicant": { "name": "Ayşe Yılmaz", "phone": "0532 123 45 67" },
        "reply_channel": "sms",
        "kvkk_consent": { "text_version": "kvkk-v1", "accepted": true }
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body.to_string()
}

async fn post_json(app: &axum::Router, body: String) -> (u16, Value) {
    let (status, text) = send(app, "POST", "/v1/applications", "application/json", body).await;
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_app_api_takes_coordinates_and_a_neighbourhood() {
    let (app, _dir) = app().await;
    let (status, body) = post_json(
        &app,
        application(json!({"neighbourhood": "FEVZİ ÇAKMAK MAHALLESİ", "latitude": 40.7654, "longitude": 29.9408})),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "received");
}

#[tokio::test]
async fn coordinates_out_of_range_or_alone_are_a_400_by_field() {
    let (app, _dir) = app().await;
    for (extra, field, rule) in [
        (
            json!({"latitude": 91.0, "longitude": 29.0}),
            "latitude",
            crate::application::request::LATITUDE_RULE,
        ),
        (
            json!({"latitude": 40.0, "longitude": 181.0}),
            "longitude",
            crate::application::request::LONGITUDE_RULE,
        ),
        (
            json!({"latitude": 40.0}),
            "longitude",
            crate::application::request::COORDINATES_PAIR_RULE,
        ),
    ] {
        let (status, body) = post_json(&app, application(extra.clone())).await;
        assert_eq!(status, 400, "{extra}: {body}");
        assert_eq!(body["errors"][field], json!([rule]), "{extra}: {body}");
        assert_eq!(body["errors"].as_object().unwrap().len(), 1, "{body}");
    }
    let (status, body) = post_json(&app, application(json!({"latitude": "kırk"}))).await;
    assert_eq!(
        (status, &body["errors"]["body"][0]),
        (
            400,
            &json!("has a field of the wrong type or an unknown field")
        )
    );
}

#[tokio::test]
async fn a_neighbourhood_the_district_lacks_is_a_400_on_that_field() {
    let (app, _dir) = app().await;
    let (status, body) = post_json(&app, application(json!({"neighbourhood": "Kızılay"}))).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["errors"],
        json!({"neighbourhood": [crate::application::request::NEIGHBOURHOOD_RULE]})
    );
    assert!(
        !body.to_string().contains("Kızılay"),
        "never the value: {body}"
    );
}

#[tokio::test]
async fn a_districts_neighbourhoods_are_listed_for_the_app_and_the_form() {
    let (app, _dir) = app().await;
    let (status, text) = send(
        &app,
        "GET",
        "/v1/neighbourhoods?province=Kocaeli&district=IZMIT",
        "",
        String::new(),
    )
    .await;
    assert_eq!(status, 200, "{text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["district"], "İzmit");
    assert!(
        body["neighbourhoods"]
            .as_array()
            .unwrap()
            .contains(&json!("Fevzi Çakmak Mah"))
    );
    let (status, text) = send(
        &app,
        "GET",
        "/v1/neighbourhoods?province=41&district=Çankaya",
        "",
        String::new(),
    )
    .await;
    assert_eq!(status, 400);
    let body: Value = serde_json::from_str(&text).unwrap();
    assert!(body["errors"]["district"].is_array(), "{body}");
}

/// A urlencoded form body, every byte but letters and digits escaped.
fn form(pairs: &[(&str, &str)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn a_refused_form_keeps_the_place_typed_and_names_the_neighbourhood() {
    let (app, _dir) = app().await;
    let (status, page) = send(&app, "GET", "/basvuru", "", String::new()).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(r#"id="mahalle" name="mahalle""#),
        "the field is there"
    );
    assert!(
        page.contains(r#"id="konum-kullan" hidden"#),
        "without a script the button stays hidden"
    );
    let fields = [
        ("form_id", "0c6b3a52-6b0f-4f1e-9a57-3f2f8c1d2e4a"),
        ("kategori", "su_arizasi"),
        ("tur", "sikayet"),
        ("il", "41"),
        ("ilce", "İzmit"),
        ("mahalle", "Kızılay"),
        ("enlem", "40.7654"),
        ("boylam", "29.9408"),
        ("metin", "Sokakta su borusu patladı."),
        ("ad", "Ayşe Yılmaz"),
        ("telefon", "0532 123 45 67"),
        ("yanit", "sms"),
        ("kvkk", "1"),
    ];
    let (status, page) = send(
        &app,
        "POST",
        "/basvuru",
        "application/x-www-form-urlencoded",
        form(&fields),
    )
    .await;
    assert_eq!(status, 400, "{page}");
    assert!(
        page.contains(r#"value="Kızılay""#),
        "the neighbourhood as typed"
    );
    assert!(
        page.contains(r#"<p class="hata" id="mahalle-hata">"#),
        "the error by its field"
    );
    assert!(
        page.contains(r##"<a href="#mahalle">"##),
        "listed at the top"
    );
    assert!(page.contains(r#"id="mahalle" name="mahalle""#) && page.contains("autofocus"));
    assert!(
        page.contains(r#"name="enlem" value="40.7654""#)
            && page.contains(r#"name="boylam" value="29.9408""#),
        "the point kept"
    );
    assert!(page.contains("Konumunuz eklendi: 40.7654, 29.9408"));
    assert!(
        page.contains(r#"<option value="Fevzi Çakmak Mah">"#),
        "the district's neighbourhoods offered without a script"
    );
    assert!(page.contains("Sokakta su borusu patladı.") && page.contains(r#"value="Ayşe Yılmaz""#));
    // A point out of range is named at the location, in English too.
    let mut bad = fields.to_vec();
    bad[5] = ("mahalle", "fevzi çakmak");
    bad[6] = ("enlem", "95");
    let (status, page) = send(
        &app,
        "POST",
        "/basvuru?lang=en",
        "application/x-www-form-urlencoded",
        form(&bad),
    )
    .await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains(r#"id="konum-hata""#), "{page}");
    assert!(page.contains("The location is not valid"));
    assert!(
        !page.contains(r#"id="mahalle-hata""#),
        "a neighbourhood in any spelling is fine"
    );
    // Corrected, it is accepted.
    let mut good = fields.to_vec();
    good[5] = ("mahalle", "fevzi çakmak");
    let (status, _) = send(
        &app,
        "POST",
        "/basvuru",
        "application/x-www-form-urlencoded",
        form(&good),
    )
    .await;
    assert_eq!(status, 303);
}
