//! The live desk inside `tekmerkez dev` (issue 21): `GET /canli` streams a
//! signed-in person's notices as server-sent events, worded in Turkish; a
//! new record reaches the experts of its province and never another's; a
//! stream resumed with `Last-Event-ID` gets what it missed; the menu's
//! counts are read with `GET /canli/sayilar`; nobody signed out gets a
//! stream.

use std::time::Duration;

use crate::channels::start;
use tekmerkez_integration_tests::web::{Browser, EventStream, sign_in};

/// A bound that fails a broken stream instead of hanging the test; nothing
/// asserts how fast events arrive.
const PATIENCE: Duration = Duration::from_secs(30);

async fn desk(b: &Browser, last: Option<&str>) -> (EventStream, String) {
    let res = b.open_stream("/canli", last).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream")
    );
    let mut s = EventStream::new(res);
    let ready = s.next(PATIENCE).await.unwrap();
    assert_eq!(ready.event, "hazir", "a stream opens ready: {ready:?}");
    (s, ready.id)
}

fn notice(e: &tekmerkez_integration_tests::web::ServerEvent) -> serde_json::Value {
    serde_json::from_str(&e.data).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_records_reach_the_right_desks_live_and_a_dropped_stream_resumes() {
    let app = start(|_| {}).await;
    let mut ankara = Browser::new(app.http);
    sign_in(&mut ankara, "uzman.ankara").await;
    let mut kocaeli = Browser::new(app.http);
    sign_in(&mut kocaeli, "uzman.kocaeli").await;
    let (mut ankara_desk, _) = desk(&ankara, None).await;
    let (mut kocaeli_desk, _) = desk(&kocaeli, None).await;

    let in_ankara = app
        .apply_text(
            "Ankara",
            "Çankaya",
            "su_arizasi",
            "0532 111 22 33",
            "Ana boru patladı.",
        )
        .await;
    let e = ankara_desk.next_named("bildirim", PATIENCE).await;
    let last = e.id.clone();
    let n = notice(&e);
    let text = n["metin"].as_str().unwrap();
    assert!(text.contains(&in_ankara), "{text}");
    assert!(
        text.contains("Su Arızası") || text.contains("Su arızası"),
        "the category by name: {text}"
    );
    assert!(
        text.starts_with("Havuzunuza yeni kayıt") || text.starts_with("ACİL"),
        "worded in Turkish: {text}"
    );
    assert!(n["adres"].as_str().unwrap().starts_with("/kayit/"));
    assert!(
        !e.data.contains("0532"),
        "no contact on the wire: {}",
        e.data
    );
    assert!(
        !e.data.contains("Mehmet"),
        "no name on the wire: {}",
        e.data
    );

    // Kocaeli's first notice is Kocaeli's own record, filed after
    // Ankara's: Ankara's never reached it.
    let in_gebze = app
        .apply_text(
            "Kocaeli",
            "Gebze",
            "su_arizasi",
            "0532 111 22 44",
            "Sayaç akıtıyor.",
        )
        .await;
    let e = kocaeli_desk.next_named("bildirim", PATIENCE).await;
    let text = notice(&e)["metin"].as_str().unwrap().to_owned();
    assert!(text.contains(&in_gebze), "{text}");
    assert!(!text.contains(&in_ankara), "{text}");

    // The Ankara page drops its stream, a record arrives, the browser
    // reconnects with the last id it saw and gets it.
    drop(ankara_desk);
    let missed = app
        .apply_text(
            "Ankara",
            "Keçiören",
            "su_arizasi",
            "0532 111 22 55",
            "Su gelmiyor.",
        )
        .await;
    app.case(&missed).await;
    let (mut again, _) = desk(&ankara, Some(&last)).await;
    let e = again.next_named("bildirim", PATIENCE).await;
    assert!(
        notice(&e)["metin"].as_str().unwrap().contains(&missed),
        "{e:?}"
    );

    // The menu's counts, as the worker reads them after a change.
    let (status, body, _, headers) = ankara.get("/canli/sayilar").await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(headers["cache-control"], "no-store");
    let counts: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(counts["/cagri-havuzu"].as_str().is_some(), "{body}");

    // Nobody signed in: no stream, no counts.
    let stranger = Browser::new(app.http);
    assert_eq!(
        stranger.open_stream("/canli", None).await.status().as_u16(),
        401
    );
    app.stop().await;
}
