//! Notify as its own `tekmerkez notify` process on PostgreSQL and the Kafka
//! broker, with the case service as another process and Netgsm's stand-in
//! in the test: 5 000 cases are opened and one in ten answered by an
//! expert, notify is SIGKILLed while their messages are going out and
//! restarted, and every citizen gets exactly one acknowledgement, and each
//! answered one exactly one answer and one satisfaction survey, counted at
//! the stand-in. The same run checks that
//! notify reads cases with its own token (the case service's real
//! `GetCase`), and that an event for a case the case service does not know
//! is marked failed.

use crate::{
    netgsm_standin,
    notify_cluster::{self, as_expert, notify_states},
};

use std::{collections::HashMap, time::Duration};

use tekmerkez_integration_tests::{cluster::Cluster, wait::within};
use tekmerkez_proto::{
    case_v1::{self as pb, case_service_client::CaseServiceClient},
    common_v1 as common,
};

fn count() -> usize {
    std::env::var("TEKMERKEZ_NOTIFY_N")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notify_killed_midway_sends_each_acknowledgement_answer_and_survey_exactly_once() {
    let n = count();
    let netgsm = netgsm_standin::NetgsmStandIn::start().await;
    let mut cluster = Cluster::new().await;
    notify_cluster::configure_notify(&mut cluster, &netgsm);
    cluster.start("case").await;
    let (channel, pool_id) = notify_cluster::water_pool(&cluster).await;
    // Open n cases, each with its own phone, before notify runs.
    let cases = CaseServiceClient::new(channel);
    let started = std::time::Instant::now();
    let opened = notify_cluster::open_cases(&cluster, &cases, &pool_id, n, 330_000_000, |_| {
        common::ReplyChannel::Sms
    })
    .await;
    eprintln!("{n} cases opened in {:?}", started.elapsed());
    let numbers: Vec<String> = opened.iter().map(|(n, _)| n.clone()).collect();
    let answered: Vec<String> = opened
        .iter()
        .step_by(10)
        .map(|(number, _)| number.clone())
        .collect();
    let mut cases = cases;
    for (_, id) in opened.iter().step_by(10) {
        cases
            .claim_cases(as_expert(
                &cluster,
                pb::ClaimCasesRequest {
                    case_ids: vec![id.clone()],
                },
            ))
            .await
            .unwrap();
        cases
            .close_case(as_expert(
                &cluster,
                pb::CloseCaseRequest {
                    case_id: id.clone(),
                    official_answer: "Arıza giderildi; suyunuz açıldı.".into(),
                    expected_version: None,
                    closure_reason: "cozuldu".into(),
                },
            ))
            .await
            .unwrap();
    }
    let m = answered.len();
    let total = n + 2 * m;
    eprintln!("{m} of them answered by the expert: {total} messages to send");

    // Notify starts with every acknowledgement pending; kill it midway.
    let started = std::time::Instant::now();
    cluster.start("notify").await;
    let midway = within(Duration::from_secs(240), async || {
        netgsm.sent().len() >= total * 3 / 10
    })
    .await;
    assert!(
        midway.is_some(),
        "notify sent too little: {}",
        cluster.log("notify")
    );
    cluster.kill("notify").await;
    let at_kill = netgsm.sent().len();
    let states = notify_states(&cluster).await;
    eprintln!("SIGKILL after {at_kill} SMS; delivery log then: {states:?}");
    assert!(at_kill < total, "killed before the end");
    cluster.start("notify").await;
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
    let sent = netgsm.sent();
    // Each message by its kind: the acknowledgement, the answer, the survey.
    let kind = |msg: &str| match notify_cluster::sms_kind(msg) {
        "answer" if !msg.contains("Yanıtımız: Arıza giderildi") => "other",
        k => k,
    };
    let mut per_message: HashMap<(&str, &str), usize> = HashMap::new();
    for s in &sent {
        *per_message
            .entry((s.number.as_str(), kind(&s.msg)))
            .or_default() += 1;
    }
    let doubled = per_message.values().filter(|&&c| c > 1).count();
    let count = |k: &str| per_message.keys().filter(|(_, kk)| *kk == k).count();
    eprintln!(
        "{} SMS at the stand-in for {n} citizens: {} acknowledgements, {} answers, {} surveys ({} distinct messages, {doubled} doubled), {} send requests, {:.0} SMS/s overall",
        sent.len(),
        count("acknowledgement"),
        count("answer"),
        count("survey"),
        per_message.len(),
        netgsm.requests(),
        total as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(doubled, 0, "no message twice");
    assert_eq!(count("other"), 0, "nothing else");
    assert_eq!(sent.len(), total);
    for number in &numbers {
        assert_eq!(
            per_message.get(&(number.as_str(), "acknowledgement")),
            Some(&1),
            "{number}"
        );
    }
    for number in &answered {
        assert_eq!(
            per_message.get(&(number.as_str(), "answer")),
            Some(&1),
            "{number}"
        );
        assert_eq!(
            per_message.get(&(number.as_str(), "survey")),
            Some(&1),
            "{number}"
        );
    }
    assert!(sent.iter().all(|s| s.encoding.as_deref() == Some("TR")));
    let states = notify_states(&cluster).await;
    assert_eq!(
        states.len(),
        1,
        "nothing pending, sending or failed: {states:?}"
    );
}
