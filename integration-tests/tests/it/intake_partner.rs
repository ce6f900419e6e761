//! Partners over gRPC in `tekmerkez dev`: a partner client (as CİMER's
//! integration would be) with valid, wrong and over-quota credentials, a
//! reference reused with the same and with other content, invalid requests,
//! the status and official answer after an expert closed the case, health
//! and reflection on the partner listener.

use crate::channels::{Running, WAIT, start};
use sha2::{Digest as _, Sha256};
use tekmerkez_intake::partner::settings::PartnerCredential;
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_proto::{
    case_v1::{self as pb, case_service_client::CaseServiceClient},
    common_v1 as common,
    intake_v1::{self as intake, intake_service_client::IntakeServiceClient},
};
use tonic::{Code, Request, transport::Channel};
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};
use tonic_reflection::pb::v1::{
    ServerReflectionRequest, server_reflection_client::ServerReflectionClient,
    server_reflection_request::MessageRequest, server_reflection_response::MessageResponse,
};
use tonic_types::StatusExt as _;

const CIMER_TOKEN: &str = "cimer-test-token-0123456789abcdef0123456789";
const BIMER_TOKEN: &str = "bimer-test-token-0123456789abcdef0123456789";

async fn app() -> Running {
    start(|s| {
        let p = &mut s.intake.partner;
        p.enabled = true;
        p.partners = vec![
            PartnerCredential {
                id: "cimer".into(),
                name: "CİMER".into(),
                token_sha256: hex::encode(Sha256::digest(CIMER_TOKEN)),
                per_minute: 600,
                burst: 100,
                source: tekmerkez_intake::partner::settings::PartnerSource::Cimer,
            },
            // A partner with a tiny quota, to run over it.
            PartnerCredential {
                id: "bimer".into(),
                name: "Başka kurum".into(),
                token_sha256: hex::encode(Sha256::digest(BIMER_TOKEN)),
                per_minute: 1,
                burst: 3,
                source: Default::default(),
            },
        ];
    })
    .await
}

async fn partner_channel(app: &Running) -> Channel {
    Channel::from_shared(format!(
        "http://{}",
        app.partner.expect("the partner API runs")
    ))
    .unwrap()
    .connect()
    .await
    .unwrap()
}

fn with_token<T>(token: &str, msg: T) -> Request<T> {
    let mut r = Request::new(msg);
    r.metadata_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    r
}

/// One consent time for the whole test run: a partner's retry resends the
/// same bytes, so two submissions built a second apart must not differ.
fn consent_seconds() -> i64 {
    static AT: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *AT.get_or_init(|| crate::channels::now_seconds() - 3600)
}

fn submission(reference: &str) -> intake::SubmitApplicationRequest {
    intake::SubmitApplicationRequest {
        partner_reference: reference.into(),
        category: "su_arizasi".into(),
        text: "CİMER başvurusu: Yahya Kaptan Mahallesi'nde iki gündür su yok.".into(),
        location: Some(common::Location {
            province_code: 41,
            district: "izmit".into(),
            coordinates: None,
            neighbourhood: String::new(),
        }),
        contact: Some(common::Contact {
            name: "Ayşe Yılmaz".into(),
            phone: "0532 123 45 67".into(),
            ..Default::default()
        }),
        reply_channel: common::ReplyChannel::Sms as i32,
        consent: Some(common::Consent {
            text_version: "cimer-kvkk-v3".into(),
            accepted_at: Some(prost_types::Timestamp {
                seconds: consent_seconds(),
                nanos: 0,
            }),
            special_category: false,
        }),
        attachments: vec![],
        submitted_at: None,
        application_type: common::ApplicationType::BilgiEdinme as i32,
    }
}

fn fields(s: &tonic::Status) -> Vec<String> {
    s.get_error_details()
        .bad_request()
        .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_hands_an_application_over_once_and_reads_its_outcome() {
    let app = app().await;
    let ch = partner_channel(&app).await;

    // Health (the database answers) and reflection, so grpcurl works.
    let status = eventually(WAIT, "the partner API SERVING", || async {
        let mut h = HealthClient::new(ch.clone());
        let r = h
            .check(HealthCheckRequest {
                service: "tekmerkez.intake.v1.IntakeService".into(),
            })
            .await
            .ok()?;
        (r.into_inner().status == ServingStatus::Serving as i32).then_some(())
    })
    .await;
    assert_eq!(status, ());
    let mut reflection = ServerReflectionClient::new(ch.clone());
    let req = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut stream = reflection
        .server_reflection_info(tokio_stream::iter(vec![req]))
        .await
        .unwrap()
        .into_inner();
    let listed: Vec<String> = match stream
        .message()
        .await
        .unwrap()
        .unwrap()
        .message_response
        .unwrap()
    {
        MessageResponse::ListServicesResponse(l) => l.service.into_iter().map(|s| s.name).collect(),
        other => panic!("{other:?}"),
    };
    assert!(
        listed.contains(&"tekmerkez.intake.v1.IntakeService".to_owned()),
        "{listed:?}"
    );

    let mut client = IntakeServiceClient::new(ch.clone());
    for (token, why) in [
        (None, "no token"),
        (Some("wrong-token-0123456789"), "a wrong token"),
    ] {
        let req = match token {
            Some(t) => with_token(t, submission("CIMER-1")),
            None => Request::new(submission("CIMER-1")),
        };
        let err = client.submit_application(req).await.unwrap_err();
        assert_eq!(err.code(), Code::Unauthenticated, "{why}");
    }

    let first = client
        .submit_application(with_token(CIMER_TOKEN, submission("CIMER-2026-000123")))
        .await
        .unwrap()
        .into_inner();
    assert!(first.created);
    let case = app.case(&first.tracking_number).await;
    assert_eq!(case.channel, common::Channel::Partner as i32);
    assert_eq!(
        app.pool_name(&case.pool_id).await,
        "Kocaeli Su Arıza Birimi"
    );
    assert_eq!(case.location.unwrap().district, "İzmit");
    // The partner, its source and its own number reach the case, with the
    // type the citizen filed (a 4982 request).
    assert_eq!(
        case.application_type,
        common::ApplicationType::BilgiEdinme as i32
    );
    assert_eq!(case.source, common::ApplicationSource::Cimer as i32);
    assert_eq!(
        (case.partner_id.as_str(), case.partner_reference.as_str()),
        ("cimer", "CIMER-2026-000123")
    );

    // The same reference with the same content: the same tracking number, one case.
    let again = client
        .submit_application(with_token(CIMER_TOKEN, submission("CIMER-2026-000123")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(again.tracking_number, first.tracking_number);
    assert!(!again.created);
    // With other content: refused, naming the reference.
    let mut other = submission("CIMER-2026-000123");
    other.text = "Başka bir konu.".into();
    let err = client
        .submit_application(with_token(CIMER_TOKEN, other))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::AlreadyExists);
    assert_eq!(fields(&err), vec!["partner_reference"]);
    assert_eq!(app.cases_of(common::Channel::Partner).await.len(), 1);

    // Invalid requests name every field, never the values.
    let mut bad = submission("CIMER-BAD");
    bad.category = "uzay".into();
    bad.contact.as_mut().unwrap().phone = "12".into();
    bad.location = Some(common::Location {
        province_code: 99,
        ..Default::default()
    });
    let err = client
        .submit_application(with_token(CIMER_TOKEN, bad))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::InvalidArgument);
    let f = fields(&err);
    for want in ["category", "contact.phone", "location.province_code"] {
        assert!(f.contains(&want.to_owned()), "{want} missing from {f:?}");
    }
    assert!(!err.message().contains("12"), "{}", err.message());

    // Status by reference and by tracking number; another partner sees nothing.
    let by_ref = |r: &str| intake::GetApplicationStatusRequest {
        application: Some(
            intake::get_application_status_request::Application::PartnerReference(r.into()),
        ),
    };
    let status = client
        .get_application_status(with_token(CIMER_TOKEN, by_ref("CIMER-2026-000123")))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.status, intake::ApplicationStatus::InPool as i32);
    assert_eq!(status.tracking_number, first.tracking_number);
    assert_eq!(status.partner_reference, "CIMER-2026-000123");
    assert_eq!(
        status.application_type,
        common::ApplicationType::BilgiEdinme as i32
    );
    let by_tn = intake::GetApplicationStatusRequest {
        application: Some(
            intake::get_application_status_request::Application::TrackingNumber(
                first.tracking_number.to_lowercase(),
            ),
        ),
    };
    let err = client
        .get_application_status(with_token(BIMER_TOKEN, by_tn.clone()))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "another partner's application");
    let err = client
        .get_application_status(with_token(CIMER_TOKEN, by_ref("CIMER-NONE")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound);

    // An expert of the pool takes it and answers: the partner reads the outcome.
    let mut cases = CaseServiceClient::new(app.channel().await);
    // The desk finds it by the partner's number.
    let found = cases
        .list_cases(app.as_user(
            "uzman.kocaeli",
            pb::ListCasesRequest {
                view: pb::CaseView::Pool as i32,
                partner_reference: " CIMER-2026-000123 ".into(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .cases;
    assert_eq!(
        found.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        [case.id.as_str()]
    );
    cases
        .claim_cases(app.as_user(
            "uzman.kocaeli",
            pb::ClaimCasesRequest {
                case_ids: vec![case.id.clone()],
            },
        ))
        .await
        .unwrap();
    cases
        .close_case(app.as_user(
            "uzman.kocaeli",
            pb::CloseCaseRequest {
                case_id: case.id.clone(),
                official_answer: "Arıza giderildi; şebeke suyu verildi.".into(),
                expected_version: None,
                closure_reason: "cozuldu".into(),
            },
        ))
        .await
        .unwrap();
    let done = client
        .get_application_status(with_token(CIMER_TOKEN, by_tn))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(done.status, intake::ApplicationStatus::Resolved as i32);
    assert_eq!(
        done.official_answer,
        "Arıza giderildi; şebeke suyu verildi."
    );
    assert_eq!(done.partner_reference, "CIMER-2026-000123");
    assert!(done.closed_at.is_some() && done.resolved_at.is_some());

    // The refusals are counted: two calls without a valid token, one reused
    // reference, one invalid submission.
    let metrics = reqwest::get(format!("http://{}/metrics", app.http))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for (reason, n) in [
        ("unauthenticated", 2),
        ("idempotency_conflict", 1),
        ("invalid", 1),
    ] {
        let got: u64 = metrics
            .lines()
            .filter(|l| l.starts_with("tekmerkez_intake_applications_rejected_total{"))
            .filter(|l| {
                l.contains("channel=\"partner\"") && l.contains(&format!("reason=\"{reason}\""))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        assert_eq!(got, n, "{reason}: {metrics}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_over_its_quota_is_told_when_to_retry_and_others_are_unaffected() {
    let app = app().await;
    let mut client = IntakeServiceClient::new(partner_channel(&app).await);
    let status = |r: &str| intake::GetApplicationStatusRequest {
        application: Some(
            intake::get_application_status_request::Application::PartnerReference(r.into()),
        ),
    };
    // The burst of 3 goes through (answered: no such application)...
    for _ in 0..3 {
        let err = client
            .get_application_status(with_token(BIMER_TOKEN, status("B-1")))
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
    }
    // ...the fourth is over the quota, with when to retry.
    let err = client
        .get_application_status(with_token(BIMER_TOKEN, status("B-1")))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::ResourceExhausted);
    let details = err.get_error_details();
    assert!(
        details.retry_info().and_then(|r| r.retry_delay).is_some(),
        "{err:?}"
    );
    assert!(details.quota_failure().is_some());
    // The other partner's bucket is its own.
    let ok = client
        .submit_application(with_token(CIMER_TOKEN, submission("CIMER-Q-1")))
        .await;
    assert!(ok.is_ok(), "{ok:?}");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_or_garbled_submission_is_invalid_argument_not_internal() {
    use prost::Message as _;
    let app = app().await;
    let ch = partner_channel(&app).await;
    // Without the type, the text is the last field: cutting 3 bytes cuts it.
    let whole = intake::SubmitApplicationRequest {
        application_type: 0,
        ..submission("bad-bytes-1")
    }
    .encode_to_vec();
    // Cut inside the text, a lone tag byte, a varint that never ends.
    for bytes in [
        whole[..whole.len() - 3].to_vec(),
        vec![0x0a],
        vec![0x08, 0xff, 0xff],
    ] {
        let status = tekmerkez_integration_tests::raw_grpc::call(
            ch.clone(),
            "/tekmerkez.intake.v1.IntakeService/SubmitApplication",
            with_token(CIMER_TOKEN, bytes.clone()),
        )
        .await
        .expect_err("bytes that are not a submission are refused");
        assert_eq!(
            status.code(),
            Code::InvalidArgument,
            "{} bytes: {status:?}",
            bytes.len()
        );
    }
}
