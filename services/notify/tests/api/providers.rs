//! Each SMS provider against its local stand-in: the documented request,
//! success, error codes, 500s, garbage, slow answers and timeouts.

use std::time::Duration;

use tekmerkez_notify::{
    config::{NetgsmSettings, WebhookSettings},
    gsm::{self, SmsEncoding},
    sms::{Lookup, OutgoingSms, SendOutcome, SmsProvider as _, netgsm::Netgsm, webhook::Webhook},
};

use crate::{
    netgsm_standin::{self, Mode, NetgsmStandIn},
    webhook_standin::{self, WebhookStandIn},
};

fn netgsm_client(url: &str, password: &str, timeout_ms: u64) -> Netgsm {
    Netgsm::new(&NetgsmSettings {
        base_url: url.to_owned(),
        username: netgsm_standin::USER.to_owned().into(),
        password: password.to_owned().into(),
        msgheader: netgsm_standin::HEADER.into(),
        appname: "tekmerkez-test".into(),
        iys_filter: "0".into(),
        timeout_ms,
        report_poll_ms: 0,
    })
    .unwrap()
}

fn sms(to: &str, text: &str) -> OutgoingSms {
    let c = gsm::cost(text);
    OutgoingSms {
        id: uuid::Uuid::now_v7(),
        to: to.into(),
        text: text.into(),
        encoding: c.encoding,
        segments: c.segments as u32,
    }
}

const TURKISH: &str =
    "Başvurunuz alındı. Takip numaranız: 7K3MQ-2ZX9D. Çağrı İletişim Merkezi, Şişli, Ödeme, Ünye";

#[tokio::test]
async fn netgsm_takes_a_turkish_sms_with_the_documented_request_and_its_letters_intact() {
    let s = NetgsmStandIn::start().await;
    let n = netgsm_client(&s.url, netgsm_standin::PASSWORD, 2000);
    let m = sms("+905321234567", TURKISH);
    assert_eq!(m.encoding, SmsEncoding::Gsm7Turkish);
    let out = n.send(&m).await;
    let SendOutcome::Accepted(jobid) = out else {
        panic!("{out:?}")
    };
    let sent = s.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].jobid, jobid);
    assert_eq!(sent[0].number, "5321234567", "the national 10 digits");
    assert_eq!(sent[0].msg, TURKISH, "every Turkish letter as typed");
    assert_eq!(sent[0].encoding.as_deref(), Some("TR"));
    assert_eq!(sent[0].msgheader, netgsm_standin::HEADER);
    assert_eq!(
        sent[0].iysfilter.as_deref(),
        Some("0"),
        "informational, not commercial"
    );
    // Plain text goes without the Turkish encoding flag.
    n.send(&sms("+905321234567", "Basvurunuz alindi.")).await;
    assert_eq!(s.sent()[1].encoding, None);
}

#[tokio::test]
async fn netgsm_error_codes_tell_a_refused_message_from_a_provider_that_failed() {
    let s = NetgsmStandIn::start().await;
    let n = netgsm_client(&s.url, netgsm_standin::PASSWORD, 2000);
    let m = sms("+905321234567", "Deneme");
    for (code, want) in [
        ("20", SendOutcome::Rejected("rejected_text")),
        ("40", SendOutcome::NotAccepted("provider_sender_header")),
        ("80", SendOutcome::NotAccepted("provider_rate_limited")),
        ("85", SendOutcome::NotAccepted("provider_rate_limited")),
        ("100", SendOutcome::NotAccepted("provider_system_error")),
    ] {
        s.set_mode(Mode::Code(code), Some(1));
        assert_eq!(n.send(&m).await, want, "code {code}");
    }
    let wrong = netgsm_client(&s.url, "wrong-password", 2000);
    assert_eq!(
        wrong.send(&m).await,
        SendOutcome::NotAccepted("provider_auth")
    );
    s.refuse_number("5329999999");
    assert_eq!(
        n.send(&sms("+905329999999", "Deneme")).await,
        SendOutcome::Rejected("rejected_request")
    );
    assert_eq!(
        n.send(&sms("+4915112345678", "Deneme")).await,
        SendOutcome::Rejected("rejected_number")
    );
    assert!(s.sent().is_empty(), "nothing was taken");
}

#[tokio::test]
async fn netgsm_500s_garbage_and_timeouts_leave_the_outcome_unknown_and_the_report_api_settles_it()
{
    let s = NetgsmStandIn::start().await;
    let n = netgsm_client(&s.url, netgsm_standin::PASSWORD, 300);
    let started = jiff::Timestamp::now();
    let m = sms("+905321111111", "Deneme bir");
    s.set_mode(Mode::ServerError, Some(1));
    assert_eq!(
        n.send(&m).await,
        SendOutcome::Unknown("provider_server_error")
    );
    s.set_mode(Mode::Garbage, Some(1));
    assert_eq!(
        n.send(&m).await,
        SendOutcome::Unknown("provider_garbled_answer")
    );
    s.set_mode(Mode::Unavailable, Some(1));
    assert_eq!(
        n.send(&m).await,
        SendOutcome::NotAccepted("provider_unavailable")
    );
    // None of these took it: the report API says so.
    assert_eq!(n.lookup(&m, started).await, Lookup::NotFound);
    // A slow answer beyond the timeout: the message WAS taken.
    s.set_mode(Mode::Slow(Duration::from_millis(800)), Some(1));
    assert_eq!(n.send(&m).await, SendOutcome::Unknown("provider_timeout"));
    let Lookup::Found(jobid) = n.lookup(&m, started).await else {
        panic!("the report lists the job")
    };
    assert_eq!(s.sent()[0].jobid, jobid);
    // A slow answer within the timeout is just slow.
    s.set_mode(Mode::Slow(Duration::from_millis(100)), Some(1));
    assert!(matches!(
        n.send(&sms("+905322222222", "Deneme iki")).await,
        SendOutcome::Accepted(_)
    ));
    // Nobody listening: certainly not taken.
    let dead = netgsm_client("http://127.0.0.1:1", netgsm_standin::PASSWORD, 300);
    assert_eq!(
        dead.send(&m).await,
        SendOutcome::NotAccepted("provider_unreachable")
    );
}

#[tokio::test]
async fn netgsm_reports_say_delivered_or_which_failure() {
    let s = NetgsmStandIn::start().await;
    let n = netgsm_client(&s.url, netgsm_standin::PASSWORD, 2000);
    s.undeliverable_number("5323333333");
    let SendOutcome::Accepted(ok) = n.send(&sms("+905324444444", "Bir")).await else {
        panic!()
    };
    let SendOutcome::Accepted(bad) = n.send(&sms("+905323333333", "İki")).await else {
        panic!()
    };
    let since = jiff::Timestamp::now() - jiff::SignedDuration::from_hours(1);
    let st = n.statuses(&[ok.clone(), bad.clone()], since).await.unwrap();
    let of = |j: &str| st.iter().find(|s| s.jobid == j).unwrap().outcome();
    assert_eq!(of(&ok), Some(None));
    assert_eq!(of(&bad), Some(Some("rejected_number")));
}

fn webhook_client(url: &str, timeout_ms: u64) -> Webhook {
    Webhook::new(&WebhookSettings {
        url: url.to_owned(),
        token: webhook_standin::TOKEN.to_owned().into(),
        sender: "TEKMERKEZ".into(),
        timeout_ms,
    })
    .unwrap()
}

#[tokio::test]
async fn the_webhook_takes_each_message_id_once_and_carries_ucs2() {
    let s = WebhookStandIn::start().await;
    let w = webhook_client(&s.url, 2000);
    let m = sms("+905321234567", "Yanıtımız: “tamam” 😊");
    assert_eq!(m.encoding, SmsEncoding::Ucs2);
    let SendOutcome::Accepted(a) = w.send(&m).await else {
        panic!()
    };
    let SendOutcome::Accepted(b) = w.send(&m).await else {
        panic!()
    };
    assert_eq!(a, b, "a resend answers the same reference");
    assert_eq!(s.requests(), 2);
    let taken = s.taken();
    assert_eq!(taken.len(), 1, "one message reaches the handset");
    assert_eq!(taken[0].text, m.text);
    assert_eq!(taken[0].encoding, "ucs2");
    assert_eq!(taken[0].message_id, m.id.to_string());
    assert_eq!(
        w.lookup(&m, jiff::Timestamp::now()).await,
        Lookup::ResendIsSafe
    );
}

#[tokio::test]
async fn webhook_refusals_faults_and_timeouts_are_told_apart() {
    let s = WebhookStandIn::start().await;
    let w = webhook_client(&s.url, 300);
    let m = sms("+905321234567", "Deneme");
    s.refuse("+905320000000");
    assert_eq!(
        w.send(&sms("+905320000000", "Deneme")).await,
        SendOutcome::Rejected("rejected_number")
    );
    for (status, want) in [
        (401, SendOutcome::NotAccepted("provider_auth")),
        (429, SendOutcome::NotAccepted("provider_rate_limited")),
        (503, SendOutcome::NotAccepted("provider_unavailable")),
        (500, SendOutcome::Unknown("provider_server_error")),
    ] {
        s.set_mode(webhook_standin::Mode::Status(status), Some(1));
        assert_eq!(w.send(&m).await, want, "HTTP {status}");
    }
    s.set_mode(webhook_standin::Mode::Garbage, Some(1));
    assert_eq!(
        w.send(&m).await,
        SendOutcome::Unknown("provider_garbled_answer")
    );
    s.set_mode(
        webhook_standin::Mode::Slow(Duration::from_millis(800)),
        Some(1),
    );
    assert_eq!(w.send(&m).await, SendOutcome::Unknown("provider_timeout"));
    // The resend after the timeout is harmless: still one message.
    assert!(matches!(w.send(&m).await, SendOutcome::Accepted(_)));
    assert_eq!(s.taken().len(), 1);
}
