//! An outage absorbing the reports that follow it, through `tekmerkez dev`'s
//! whole pipeline (intake, routing, the case service, notify's SMS sink):
//! an expert declares a planned outage of the whole of İzmit; a citizen's
//! water report there joins it as it opens, and their acknowledgement says
//! until when the work lasts; a report of another district does not; one
//! close answers the joined report (the answer and the survey by SMS).

use serde_json::Value;
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_proto::case_v1::{
    self as pb, directory_service_client::DirectoryServiceClient,
    incident_service_client::IncidentServiceClient,
};

use crate::channels::{Running, WAIT, start};

/// The SMS texts dev's sink holds for `recipient` (E.164).
async fn texts_to(app: &Running, recipient: &str) -> Vec<String> {
    let list: Vec<Value> = reqwest::get(app.url("/dev/sms.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list.into_iter()
        .filter(|m| m["recipient"] == recipient)
        .filter_map(|m| m["body"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_gathers_the_reports_after_it_and_says_so_in_their_acknowledgement() {
    // The answer and the survey go at once, whatever the hour.
    let app = start(|s| s.notify.quiet_hours.enabled = false).await;
    let mut incidents = IncidentServiceClient::new(app.channel().await);
    let pools = DirectoryServiceClient::new(app.channel().await)
        .list_pools(app.as_user("admin", pb::ListPoolsRequest { province_code: 41 }))
        .await
        .unwrap()
        .into_inner()
        .pools;
    let water = pools
        .into_iter()
        .find(|p| p.name.contains("Su Arıza"))
        .unwrap()
        .id;
    let ends = jiff::Timestamp::now() + jiff::SignedDuration::from_hours(3);
    let declared = incidents
        .declare_incident(app.as_user(
            "uzman.kocaeli",
            pb::DeclareIncidentRequest {
                kind: pb::IncidentKind::PlannedOutage as i32,
                category: "su_arizasi".into(),
                title: "İzmit şebeke bakımı".into(),
                public_text: "Şebeke bakımı nedeniyle İzmit'te su kesintisi var.".into(),
                province_code: 41,
                areas: vec![pb::IncidentArea {
                    district: "İzmit".into(),
                    neighbourhoods: vec![],
                }],
                expected_end_at: Some(prost_types::Timestamp {
                    seconds: ends.as_second(),
                    nanos: 0,
                }),
                pool_id: water,
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .incident
        .unwrap();

    let joined = app
        .apply("Kocaeli", "İzmit", "su_arizasi", "0532 700 11 33")
        .await;
    let elsewhere = app
        .apply("Kocaeli", "Gebze", "su_arizasi", "0532 700 11 44")
        .await;
    let case = app.case(&joined).await;
    assert_eq!(case.incident_id, declared.id, "joined as it opened");
    assert_eq!(
        app.case(&elsewhere).await.incident_id,
        "",
        "Gebze has no outage"
    );

    let until = tekmerkez_workdays::until(ends, jiff::Timestamp::now(), false);
    let ack = eventually(WAIT, "the acknowledgement", || async {
        texts_to(&app, "+905327001133")
            .await
            .into_iter()
            .find(|t| t.starts_with("Başvurunuz alındı."))
    })
    .await;
    assert!(
        ack.contains(&format!("Bölgenizde {until} kadar planlı çalışma var.")),
        "{ack}"
    );
    let plain = eventually(WAIT, "the other acknowledgement", || async {
        texts_to(&app, "+905327001144").await.into_iter().next()
    })
    .await;
    assert!(!plain.contains("Bölgenizde"), "{plain}");

    let current = incidents
        .get_incident(app.as_user(
            "uzman.kocaeli",
            pb::GetIncidentRequest {
                id: declared.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .incident
        .unwrap();
    let closed = incidents
        .close_incident(app.as_user(
            "uzman.kocaeli",
            pb::CloseIncidentRequest {
                id: declared.id.clone(),
                answer: "Bakım bitti; su verildi.".into(),
                expected_version: current.version,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(closed.closed_cases, 1);
    let answered = eventually(WAIT, "the answer and the survey", || async {
        let texts = texts_to(&app, "+905327001133").await;
        (texts.len() >= 3).then_some(texts)
    })
    .await;
    assert!(
        answered
            .iter()
            .any(|t| t.contains("Yanıtımız: Bakım bitti; su verildi.")),
        "{answered:?}"
    );
    assert!(
        answered
            .iter()
            .any(|t| t.contains("1-5 arası puanlar mısınız?")),
        "{answered:?}"
    );
    app.stop().await;
}
