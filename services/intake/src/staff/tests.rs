//! The staff entry's rules, on top of the web form's.
#![allow(clippy::unwrap_used, reason = "tests")]

use super::*;

fn cats() -> Vec<Category> {
    ["su_arizasi", "genel_bilgi", "fatura"]
        .into_iter()
        .map(|c| Category {
            code: c.into(),
            name_tr: c.into(),
            name_en: c.into(),
        })
        .collect()
}

fn call() -> StaffApplication {
    StaffApplication {
        channel: "phone".into(),
        category: "su_arizasi".into(),
        text: "Sokakta su borusu patladı, su akıyor.".into(),
        province: "Kocaeli".into(),
        district: "İzmit".into(),
        applicant: Applicant {
            name: "Ayşe Yılmaz".into(),
            phone: "0532 123 45 67".into(),
            ..Applicant::default()
        },
        reply_channel: "sms".into(),
        kvkk_consent: Some(StaffConsent {
            text_version: "kvkk-aydinlatma-v1".into(),
            accepted: true,
            special_category: false,
        }),
        ..StaffApplication::default()
    }
}

const AGENT: Uuid = Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001);

fn run(r: &StaffApplication) -> Result<pb::ApplicationReceived, Violations> {
    parse(
        r,
        &cats(),
        AGENT,
        Uuid::nil(),
        &TrackingNumber::generate(),
        jiff::Timestamp::UNIX_EPOCH,
        false,
    )
    .map(pb::ApplicationReceived::from)
}

fn fields(r: &StaffApplication) -> Vec<String> {
    run(r)
        .unwrap_err()
        .iter()
        .map(|e| e.field.clone())
        .collect()
}

#[test]
fn a_call_becomes_a_phone_application_recorded_by_the_agent() {
    let mut r = call();
    r.reference = "CALL-991".into();
    let m = run(&r).unwrap();
    assert_eq!(m.channel, common::Channel::Phone as i32);
    assert_eq!(m.recorded_by, AGENT.to_string());
    assert_eq!(m.contact.unwrap().phone, "+905321234567");
    assert!(m.text.ends_with("\nÇağrı no: CALL-991"), "{}", m.text);
    assert_eq!(m.source_reference, "staff:phone:CALL-991");
    assert!(!m.information_only);
    let c = m.consent.unwrap();
    assert_eq!(c.text_version, "kvkk-aydinlatma-v1");
    assert!(!c.special_category);
}

#[test]
fn an_information_only_call_carries_what_the_citizen_was_told() {
    let mut r = call();
    r.category = "genel_bilgi".into();
    r.information_only = true;
    r.information_answer = "Planlı kesinti yarın 14.00'te bitecek.".into();
    let m = run(&r).unwrap();
    assert!(m.information_only);
    assert_eq!(
        m.information_answer,
        "Planlı kesinti yarın 14.00'te bitecek."
    );
    r.information_answer = "  ".into();
    assert_eq!(fields(&r), vec!["information_answer"]);
    let mut r = call();
    r.information_answer = "Bilgi verildi.".into();
    assert_eq!(
        fields(&r),
        vec!["information_answer"],
        "an answer without information-only"
    );
}

#[test]
fn a_letter_is_always_answered_and_keeps_its_document_number() {
    let mut r = call();
    r.channel = "written".into();
    r.reply_channel = "letter".into();
    r.applicant.address = "Atatürk Cad. No: 5, İzmit".into();
    r.reference = "2025/1187".into();
    let m = run(&r).unwrap();
    assert_eq!(m.channel, common::Channel::Written as i32);
    assert_eq!(m.reply_channel, common::ReplyChannel::Letter as i32);
    assert!(m.text.ends_with("\nGelen evrak no: 2025/1187"));
    r.information_only = true;
    r.information_answer = "Bilgi verildi.".into();
    assert_eq!(fields(&r), vec!["information_only"]);
}

#[test]
fn a_counter_visit_needs_its_queue_ticket_and_only_a_counter_visit_has_one() {
    let mut r = call();
    r.channel = "face_to_face".into();
    assert_eq!(fields(&r), vec!["queue_ticket"]);
    r.queue_ticket = "A-042".into();
    let m = run(&r).unwrap();
    assert_eq!(m.channel, common::Channel::FaceToFace as i32);
    assert!(m.text.ends_with("\nSıra numarası: A-042"), "{}", m.text);
    assert_eq!(m.source_reference, "staff:queue:A-042");
    r.queue_ticket = "A\n042".into();
    assert_eq!(fields(&r), vec!["queue_ticket"]);
    r.queue_ticket = "x".repeat(65);
    assert_eq!(fields(&r), vec!["queue_ticket"]);
    let mut r = call();
    r.queue_ticket = "A-042".into();
    assert_eq!(fields(&r), vec!["queue_ticket"]);
}

#[test]
fn a_video_meeting_is_its_own_channel() {
    let mut r = call();
    r.channel = "video".into();
    r.reference = "GRS-2025-0042".into();
    let m = run(&r).unwrap();
    assert_eq!(m.channel, common::Channel::Video as i32);
    assert!(m.text.ends_with("\nGörüntülü görüşme no: GRS-2025-0042"));
}

#[test]
fn special_category_data_needs_explicit_consent() {
    let mut r = call();
    r.special_category_data = true;
    assert_eq!(fields(&r), vec!["kvkk_consent.special_category"]);
    r.kvkk_consent.as_mut().unwrap().special_category = true;
    let m = run(&r).unwrap();
    assert!(m.consent.unwrap().special_category);
    // No consent at all, special-category data: both rules speak.
    r.kvkk_consent = None;
    let f = fields(&r);
    assert!(
        f.contains(&"kvkk_consent.special_category".to_owned()),
        "{f:?}"
    );
    assert!(f.contains(&"kvkk_consent".to_owned()), "{f:?}");
    // Explicit consent recorded for data that is not special: a mistake.
    let mut r = call();
    r.kvkk_consent.as_mut().unwrap().special_category = true;
    assert_eq!(fields(&r), vec!["special_category_data"]);
}

#[test]
fn the_web_forms_rules_apply_and_every_bad_field_is_named_at_once() {
    let mut r = call();
    r.channel = "fax".into();
    r.category = "yok".into();
    r.text = " ".into();
    r.province = "Atlantis".into();
    r.applicant.phone = String::new();
    r.kvkk_consent.as_mut().unwrap().accepted = false;
    let f = fields(&r);
    for want in [
        "channel",
        "category",
        "text",
        "province",
        "applicant.phone",
        "kvkk_consent.accepted",
    ] {
        assert!(f.iter().any(|x| x == want), "{want} missing in {f:?}");
    }
}

#[test]
fn errors_never_contain_the_submitted_values() {
    let mut r = call();
    r.applicant.phone = "0999 888 77 66".into();
    r.queue_ticket = "GİZLİ-42".into();
    let msg = run(&r).unwrap_err().to_string();
    assert!(!msg.contains("999") && !msg.contains("GİZLİ"), "{msg}");
}

#[test]
fn the_type_staff_chose_with_the_citizen_goes_with_the_application() {
    let mut r = call();
    r.application_type = "ihbar".into();
    assert_eq!(
        run(&r).unwrap().application_type,
        common::ApplicationType::Ihbar as i32
    );
    r.application_type = String::new();
    assert_eq!(
        run(&r).unwrap().application_type,
        common::ApplicationType::Unspecified as i32,
        "left to routing"
    );
    r.application_type = "dilekce".into();
    assert_eq!(fields(&r), ["application_type"]);
}
