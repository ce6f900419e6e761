//! The IVR asks about outages (`POST /v1/cti/outages`, signed like the CTI's
//! events) in `tekmerkez dev` with its demo outage in four neighbourhoods of
//! İzmit: by district and neighbourhood, by district alone, by a subscriber
//! number through the directory's stand-in (`DEV_SUBSCRIBERS`), in Turkish
//! and English; an unknown subscriber, a missing or wrong place and an
//! unsigned question are refused as documented.

use serde_json::{Value, json};
use tekmerkez::dev_channels::DEV_CTI_SIGNING_SECRET;

use crate::channels::{Running, hmac_sha256, http, now_seconds, start};

async fn ask(app: &Running, body: &Value, signed: bool) -> (u16, Value) {
    let body = body.to_string();
    let mut req = http()
        .post(app.url("/v1/cti/outages"))
        .header("content-type", "application/json");
    if signed {
        let ts = now_seconds();
        let sig = hex::encode(hmac_sha256(
            DEV_CTI_SIGNING_SECRET.as_bytes(),
            format!("{ts}.{body}").as_bytes(),
        ));
        req = req
            .header("x-tekmerkez-timestamp", ts.to_string())
            .header("x-tekmerkez-signature", format!("sha256={sig}"));
    }
    let r = req.body(body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ivr_tells_a_caller_about_the_outage_in_their_area_by_place_or_subscriber() {
    let app = start(|s| s.dev.demo_cases = 10).await;

    let (status, a) = ask(
        &app,
        &json!({"call_id": "c-1", "district": "izmit", "neighbourhood": "cedit"}),
        true,
    )
    .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["found"], true);
    assert_eq!(
        a["place"]["district"], "İzmit",
        "as the reference data spells it"
    );
    assert_eq!(a["place"]["neighbourhood"], "Cedit Mah");
    let speech = a["speech"].as_str().unwrap();
    assert!(
        speech.starts_with("Bölgenizde ") && speech.contains("kadar planlı çalışma var."),
        "{speech}"
    );
    assert_eq!(a["outages"][0]["kind"], "planned");

    let (_, whole) = ask(&app, &json!({"district": "İzmit"}), true).await;
    assert_eq!(whole["found"], true, "İzmit has an outage in some of it");
    let (_, other) = ask(
        &app,
        &json!({"district": "İzmit", "neighbourhood": "Yenidoğan"}),
        true,
    )
    .await;
    assert_eq!(other["found"], false, "{other}");
    let (_, gebze) = ask(&app, &json!({"district": "Gebze"}), true).await;
    assert_eq!(gebze["found"], false);
    assert_eq!(
        gebze["speech"],
        "Bölgenizde bildirilmiş bir kesinti bulunmuyor."
    );

    let (status, by_number) = ask(&app, &json!({"subscriber": "4100000001"}), true).await;
    assert_eq!(status, 200);
    assert_eq!(by_number["found"], true, "{by_number}");
    assert_eq!(by_number["place"]["district"], "İzmit");
    let (_, elsewhere) = ask(&app, &json!({"subscriber": "4100000002"}), true).await;
    assert_eq!(elsewhere["found"], false);
    let (status, unknown) = ask(&app, &json!({"subscriber": "999"}), true).await;
    assert_eq!(status, 404);
    assert_eq!(unknown["reason"], "SUBSCRIBER_UNKNOWN");

    let (_, en) = ask(
        &app,
        &json!({"subscriber": "4100000001", "lang": "en"}),
        true,
    )
    .await;
    assert!(
        en["speech"]
            .as_str()
            .unwrap()
            .starts_with("There is planned work in your area until"),
        "{en}"
    );

    let (status, _) = ask(&app, &json!({"district": "İzmit"}), false).await;
    assert_eq!(status, 401);
    let (status, missing) = ask(&app, &json!({"call_id": "c-2"}), true).await;
    assert_eq!(status, 400);
    assert!(missing["errors"]["district"].is_array(), "{missing}");
    let (status, wrong) = ask(&app, &json!({"district": "Karşıyaka"}), true).await;
    assert_eq!(status, 400);
    assert!(wrong["errors"]["district"].is_array(), "{wrong}");
    app.stop().await;
}
