//! Two experts of one province, each in a browser of their own, open
//! *Çağrı Havuzu*, tick the same record and press *Seçilenleri Üzerime Al*
//! at the same moment: exactly one gets it; the other is told in Turkish
//! that another expert was first, holds nothing new, and the refreshed pool
//! no longer offers it. Screens under
//! `test-artifacts/screens/browser_claim_race/`.

use tekmerkez::dev::Dev;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::Chrome;
use tekmerkez_integration_tests::web::dev_settings;
use tokio_util::sync::CancellationToken;

const TEST: &str = "browser_claim_race";
const CLAIM: &str = "Seçilenleri Üzerime Al";
const TOLD: &str = "Seçtiğiniz kayıtlardan en az biri başka bir uzman tarafından alınmış; hiçbiri üzerinize alınmadı. Liste yenilendi.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_experts_in_two_browsers_claim_the_same_record_one_wins_the_other_is_told() {
    let chrome = Chrome::start().await.unwrap();
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 120)).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));

    // Two browsers: separate Chromium processes and profiles, so separate cookies.
    let (a, b) = tokio::join!(chrome.session(addr, TEST), chrome.session(addr, TEST));
    let (a, b) = (a.unwrap(), b.unwrap());
    a.sign_in("uzman.ankara", DEMO_PASSWORD).await.unwrap();
    b.sign_in("uzman2.ankara", DEMO_PASSWORD).await.unwrap();
    assert!(a.text().await.unwrap().contains("Mehmet Öztürk"));
    assert!(b.text().await.unwrap().contains("Zeynep Çelik"));

    for s in [&a, &b] {
        s.click_link("Çağrı Havuzu").await.unwrap();
        assert_eq!(s.path().await.unwrap(), "/cagri-havuzu");
    }
    let target = a
        .offered()
        .await
        .unwrap()
        .first()
        .cloned()
        .expect("an unheld record");
    assert!(
        b.offered().await.unwrap().contains(&target),
        "both see {target}"
    );
    a.tick(&format!("Seç {target}")).await.unwrap();
    b.tick(&format!("Seç {target}")).await.unwrap();
    a.screenshot("a-uzman-secti").await.unwrap();
    b.screenshot("b-uzman2-secti").await.unwrap();

    // Both press the button at once.
    let (ra, rb) = tokio::join!(a.click_button(CLAIM), b.click_button(CLAIM));
    ra.unwrap();
    rb.unwrap();
    let (pa, pb) = (a.path().await.unwrap(), b.path().await.unwrap());
    let (winner, loser, winner_name) = match (pa.as_str(), pb.as_str()) {
        ("/uzerimdeki?durum=alindi", "/cagri-havuzu?durum=alinamadi") => (&a, &b, "a"),
        ("/cagri-havuzu?durum=alinamadi", "/uzerimdeki?durum=alindi") => (&b, &a, "b"),
        other => panic!("exactly one claim must win: {other:?}"),
    };
    let (wins, told) = (winner.text().await.unwrap(), loser.text().await.unwrap());
    assert!(
        wins.contains("Seçtiğiniz kayıtlar üzerinize alındı.") && wins.contains(&target),
        "{wins}"
    );
    assert!(
        told.contains(TOLD),
        "the other is told, in Turkish:\n{told}"
    );
    let message = loser.one("#durum").await.unwrap();
    assert_eq!(
        message.attr("role").await.unwrap().as_deref(),
        Some("status")
    );
    assert!(
        !loser.offered().await.unwrap().contains(&target),
        "the refreshed pool no longer offers {target}"
    );
    winner
        .screenshot(&format!("{winner_name}-kazandi"))
        .await
        .unwrap();
    loser
        .screenshot(&format!(
            "{}-uyarildi",
            if winner_name == "a" { "b" } else { "a" }
        ))
        .await
        .unwrap();

    // The loser holds nothing of it.
    loser.click_link("Menü").await.unwrap();
    loser.click_link("Üzerimdeki Çağrılar").await.unwrap();
    assert!(!loser.text().await.unwrap().contains(&target));

    a.close().await.unwrap();
    b.close().await.unwrap();
    drop(chrome);
    shutdown.cancel();
    server.await.unwrap().unwrap();
}
