//! One outage, five hundred reports: the case service and notify as their
//! own processes on PostgreSQL and the Kafka broker, Netgsm's stand-in in
//! the test. 500 citizens report the same burst main (four in five asking
//! for an SMS reply, one in five for a phone call from a mobile number);
//! an expert declares the incident, links the reports in bulk and closes
//! it once. Notify is SIGKILLed while the answers are going out and
//! restarted: every citizen gets exactly one answer (the incident's) and
//! one survey, counted at the stand-in.

use std::{collections::HashMap, time::Duration};

use tekmerkez_integration_tests::{cluster::Cluster, wait::within};
use tekmerkez_proto::{
    case_v1::{
        self as pb, case_service_client::CaseServiceClient,
        incident_service_client::IncidentServiceClient,
    },
    common_v1 as common,
};

use crate::{
    netgsm_standin,
    notify_cluster::{self, as_expert, notify_states},
};

const ANSWER: &str = "Çankaya'daki ana boru arızası giderildi; suyunuz verildi.";

fn count() -> usize {
    std::env::var("TEKMERKEZ_INCIDENT_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(500)
}

/// The SMS the stand-in received, by (number, kind).
fn per_message(netgsm: &netgsm_standin::NetgsmStandIn) -> HashMap<(String, &'static str), usize> {
    let mut out = HashMap::new();
    for s in netgsm.sent() {
        let kind = notify_cluster::sms_kind(&s.msg);
        *out.entry((s.number.clone(), kind)).or_default() += 1;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_incident_with_500_reports_answers_each_citizen_once_with_notify_killed_midway() {
    let n = count();
    let netgsm = netgsm_standin::NetgsmStandIn::start().await;
    let mut cluster = Cluster::new().await;
    notify_cluster::configure_notify(&mut cluster, &netgsm);
    cluster.start("case").await;
    let (channel, pool_id) = notify_cluster::water_pool(&cluster).await;
    cluster.start("notify").await;

    let cases = CaseServiceClient::new(channel.clone());
    // Four in five ask for an SMS, one in five for a call (to a mobile).
    let opened = notify_cluster::open_cases(&cluster, &cases, &pool_id, n, 340_000_000, |i| {
        if i % 5 == 4 {
            common::ReplyChannel::PhoneCallback
        } else {
            common::ReplyChannel::Sms
        }
    })
    .await;

    let mut incidents = IncidentServiceClient::new(channel);
    let declared = incidents
        .declare_incident(as_expert(
            &cluster,
            pb::DeclareIncidentRequest {
                kind: pb::IncidentKind::UnplannedOutage as i32,
                category: "su_arizasi".into(),
                title: "Çankaya ana boru arızası".into(),
                public_text: "Ana boru arızası nedeniyle Çankaya'da su kesintisi var.".into(),
                province_code: 6,
                areas: vec![pb::IncidentArea {
                    district: "Çankaya".into(),
                    neighbourhoods: vec![],
                }],
                pool_id: pool_id.clone(),
                request_id: uuid::Uuid::new_v4().to_string(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .incident
        .unwrap();
    let ids: Vec<String> = opened.iter().map(|(_, id)| id.clone()).collect();
    let started = std::time::Instant::now();
    let mut incident = declared;
    for chunk in ids.chunks(100) {
        incident = incidents
            .link_cases(as_expert(
                &cluster,
                pb::LinkCasesRequest {
                    incident_id: incident.id.clone(),
                    case_ids: chunk.to_vec(),
                    method: pb::IncidentLinkMethod::Bulk as i32,
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .incident
            .unwrap();
    }
    eprintln!("{n} reports linked in {:?}", started.elapsed());
    assert_eq!(incident.open_linked_count as usize, n);

    // Every acknowledgement out before the answers, so that the kill
    // lands among the answers.
    let acknowledged = within(Duration::from_secs(240), async || {
        per_message(&netgsm)
            .keys()
            .filter(|(_, k)| *k == "acknowledgement")
            .count()
            == n
    })
    .await;
    assert!(acknowledged.is_some(), "{}", cluster.log("notify"));
    let before = netgsm.sent().len();

    let started = std::time::Instant::now();
    let closed = incidents
        .close_incident(as_expert(
            &cluster,
            pb::CloseIncidentRequest {
                id: incident.id.clone(),
                answer: ANSWER.into(),
                expected_version: incident.version,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let close_took = started.elapsed();
    assert_eq!(closed.closed_cases as usize, n);
    eprintln!("the incident's close answered {n} reports in one call: {close_took:?}");

    let midway = within(Duration::from_secs(240), async || {
        netgsm.sent().len() >= before + n / 3
    })
    .await;
    assert!(midway.is_some(), "{}", cluster.log("notify"));
    cluster.kill("notify").await;
    let at_kill = netgsm.sent().len() - before;
    eprintln!(
        "SIGKILL after {at_kill} of {} answers and surveys; delivery log then: {:?}",
        2 * n,
        notify_states(&cluster).await
    );
    assert!(at_kill < 2 * n, "killed before the end");
    cluster.start("notify").await;
    let total = 3 * n;
    let mut states = HashMap::new();
    let all_sent = within(Duration::from_secs(300), async || {
        states = notify_states(&cluster).await;
        states.get("sent").copied().unwrap_or(0) as usize == total
    })
    .await;
    assert!(
        all_sent.is_some(),
        "not all sent: {states:?}\n{}",
        cluster.log("notify")
    );
    let elapsed = started.elapsed();
    let messages = per_message(&netgsm);
    let doubled = messages.values().filter(|&&c| c > 1).count();
    eprintln!(
        "{n} reports answered through one incident: {} SMS at the stand-in, {doubled} doubled, {:.1} s from the close to the last survey",
        netgsm.sent().len() - before,
        elapsed.as_secs_f64()
    );
    assert_eq!(doubled, 0, "no message twice");
    for (number, _) in &opened {
        for kind in ["acknowledgement", "answer", "survey"] {
            assert_eq!(
                messages.get(&(number.clone(), kind)),
                Some(&1),
                "{number} {kind}"
            );
        }
    }
    assert!(
        netgsm
            .sent()
            .iter()
            .filter(|s| notify_cluster::sms_kind(&s.msg) == "answer")
            .all(|s| s.msg.contains(ANSWER)),
        "every answer is the incident's"
    );
    assert_eq!(netgsm.sent().len(), total, "nothing else was sent");
}
