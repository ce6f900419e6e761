//! What the tests that send SMS through a separate notify process share:
//! notify's settings for Netgsm's stand-in, a pool with an expert, the
//! delivery log's states and the kind of each message sent.

use std::collections::HashMap;

use futures::StreamExt as _;
use sqlx::Connection as _;
use tekmerkez_integration_tests::cluster::Cluster;
use tekmerkez_proto::{
    case_v1::{
        self as pb, case_service_client::CaseServiceClient,
        directory_service_client::DirectoryServiceClient,
    },
    common_v1 as common,
};

use crate::netgsm_standin::{self, NetgsmStandIn};

/// Notify sending through Netgsm's stand-in `netgsm`, at once whatever the
/// hour, with short leases so that a killed notify's work comes back soon.
pub fn configure_notify(cluster: &mut Cluster, netgsm: &NetgsmStandIn) {
    for (k, v) in [
        ("TEKMERKEZ__NOTIFY__SMS__ORDER", "netgsm"),
        (
            "TEKMERKEZ__NOTIFY__SMS__NETGSM__BASE_URL",
            netgsm.url.as_str(),
        ),
        (
            "TEKMERKEZ__NOTIFY__SMS__NETGSM__USERNAME",
            netgsm_standin::USER,
        ),
        (
            "TEKMERKEZ__NOTIFY__SMS__NETGSM__PASSWORD",
            netgsm_standin::PASSWORD,
        ),
        (
            "TEKMERKEZ__NOTIFY__SMS__NETGSM__MSGHEADER",
            netgsm_standin::HEADER,
        ),
        ("TEKMERKEZ__NOTIFY__SMS__NETGSM__TIMEOUT_MS", "2000"),
        ("TEKMERKEZ__NOTIFY__SMS__NETGSM__REPORT_POLL_MS", "0"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__LEASE_MS", "4000"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__IN_DOUBT_RETRY_MS", "500"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__POLL_INTERVAL_MS", "100"),
        ("TEKMERKEZ__NOTIFY__DISPATCH__CONCURRENCY", "16"),
        ("TEKMERKEZ__NOTIFY__CONSUMER__CONCURRENCY", "32"),
        (
            "TEKMERKEZ__NOTIFY__CASE_SERVICE__UNKNOWN_CASE_ATTEMPTS",
            "2",
        ),
        (
            "TEKMERKEZ__NOTIFY__CASE_SERVICE__UNKNOWN_CASE_BACKOFF_MS",
            "100",
        ),
        // The answers and surveys go at once, whatever the hour.
        ("TEKMERKEZ__NOTIFY__QUIET_HOURS__ENABLED", "false"),
        (
            "TEKMERKEZ__SIGNED_LINKS__SECRET",
            "notify-kill-test-signed-link-secret-0123456789",
        ),
        (
            "TEKMERKEZ__NOTIFY__SURVEY__CONTACT_KEY",
            "notify-kill-test-survey-contact-key-0123456789",
        ),
    ] {
        cluster.set_env(k, v);
    }
}

/// A water pool in Ankara with the expert `uzman.olcum`, made over the
/// running case service's gRPC; its channel and the pool's id.
pub async fn water_pool(cluster: &Cluster) -> (tonic::transport::Channel, String) {
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", cluster.case_addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut dir = DirectoryServiceClient::new(channel.clone());
    let d = dir
        .create_directorate(cluster.as_admin(pb::CreateDirectorateRequest {
            name: "Su İşleri".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .directorate
        .unwrap();
    let u = dir
        .create_unit(cluster.as_admin(pb::CreateUnitRequest {
            directorate_id: d.id,
            name: "Arıza".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .unit
        .unwrap();
    let pool = dir
        .create_pool(cluster.as_admin(pb::CreatePoolRequest {
            unit_id: u.id,
            province_code: 6,
            name: String::new(),
            triage: true,
        }))
        .await
        .unwrap()
        .into_inner()
        .pool
        .unwrap();

    // An expert of the pool answers one case in ten.
    dir.create_user(cluster.as_admin(pb::CreateUserRequest {
        username: "uzman.olcum".into(),
        display_name: "Ölçüm Uzmanı".into(),
        role: pb::Role::Expert as i32,
        pool_ids: vec![pool.id.clone()],
        password: "uzman-olcum-parolasi".into(),
        email: String::new(),
        phone: String::new(),
        directorate_id: String::new(),
    }))
    .await
    .unwrap();

    (channel, pool.id)
}

/// How many deliveries notify holds in each state.
pub async fn notify_states(cluster: &Cluster) -> HashMap<String, i64> {
    let mut conn = sqlx::PgConnection::connect(&cluster.notify_db)
        .await
        .unwrap();
    sqlx::query_as::<_, (String, i64)>(
        "SELECT state, COUNT(*) FROM notify_deliveries GROUP BY state",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap_or_default()
    .into_iter()
    .collect()
}

/// A request as the expert `uzman.olcum`, through the gateway's credential.
pub fn as_expert<T>(cluster: &Cluster, msg: T) -> tonic::Request<T> {
    let mut r = cluster.as_admin(msg);
    r.metadata_mut()
        .insert("x-tekmerkez-acting-user", "uzman.olcum".parse().unwrap());
    r
}

/// Opens `n` water cases in Çankaya in pool `pool_id`, 32 at a time, the
/// `i`th from mobile number `05{first + i}` asking for `reply(i)`: each
/// case's number as the SMS gateway sees it (`5…`, no leading zero) and id.
pub async fn open_cases(
    cluster: &Cluster,
    cases: &CaseServiceClient<tonic::transport::Channel>,
    pool_id: &str,
    n: usize,
    first: usize,
    reply: impl Fn(usize) -> common::ReplyChannel,
) -> Vec<(String, String)> {
    futures::stream::iter(0..n)
        .map(|i| {
            let mut cases = cases.clone();
            let req = cluster.as_admin(pb::CreateCaseRequest {
                application_id: uuid::Uuid::new_v4().to_string(),
                channel: common::Channel::WebForm as i32,
                category: "su_arizasi".into(),
                text: format!("Başvuru {i}: sokakta su borusu patladı, sular yok."),
                urgency: common::Urgency::Normal as i32,
                location: Some(common::Location {
                    province_code: 6,
                    district: "Çankaya".into(),
                    coordinates: None,
                    neighbourhood: String::new(),
                }),
                pool_id: pool_id.to_owned(),
                contact: Some(common::Contact {
                    name: "Ayşe Yılmaz".into(),
                    phone: format!("05{:09}", first + i),
                    ..Default::default()
                }),
                reply_channel: reply(i) as i32,
                consent: Some(common::Consent {
                    text_version: "kvkk-v1".into(),
                    accepted_at: Some(prost_types::Timestamp {
                        seconds: jiff::Timestamp::now().as_second(),
                        nanos: 0,
                    }),
                    special_category: false,
                }),
                ..Default::default()
            });
            async move {
                let case = cases
                    .create_case(req)
                    .await
                    .unwrap()
                    .into_inner()
                    .case
                    .unwrap();
                (format!("5{:09}", first + i), case.id)
            }
        })
        .buffer_unordered(32)
        .collect()
        .await
}

/// What an SMS is, by its text: the acknowledgement, an answer, a survey.
pub fn sms_kind(msg: &str) -> &'static str {
    if msg.starts_with("Başvurunuz alındı.") {
        "acknowledgement"
    } else if msg.contains("numaralı başvurunuz sonuçlandı. Yanıtımız:") {
        "answer"
    } else if msg.contains("hizmetimizi 1-5 arası puanlar mısınız?") {
        "survey"
    } else {
        "other"
    }
}
