//! The organisation, routing rules and applications the backbone tests and
//! the benchmark share: two provinces (Ankara, İzmir), a water fault unit and
//! a subscriber unit with rules, a triage pool, and applications cycling over
//! three categories so every route is taken.

use std::collections::HashMap;

use serde_json::json;
use tekmerkez_proto::{
    case_v1::{self as pb, directory_service_client::DirectoryServiceClient},
    routing_v1::{self as rpb, routing_rules_service_client::RoutingRulesServiceClient},
};

use crate::cluster::Cluster;

pub const CATEGORIES: [&str; 3] = ["su_arizasi", "fatura", "diger"];
pub const PROVINCES: [(u32, &str); 2] = [(6, "Çankaya"), (35, "Karşıyaka")];

/// Which pool each (category, province) must land in.
pub type Expected = HashMap<(&'static str, u32), String>;

pub async fn setup(cluster: &mut Cluster) -> Expected {
    cluster.start("case").await;
    cluster.start("routing").await;
    cluster.start("intake").await;
    let channel = tonic::transport::Channel::from_shared(format!("http://{}", cluster.case_addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut dir = DirectoryServiceClient::new(channel);
    let d = dir
        .create_directorate(cluster.as_admin(pb::CreateDirectorateRequest {
            name: "Su ve Kanalizasyon".into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .directorate
        .unwrap();
    let mut units = HashMap::new();
    for (name, triage) in [
        ("Su Arıza", false),
        ("Abone İşleri", false),
        ("Triyaj", true),
    ] {
        let u = dir
            .create_unit(cluster.as_admin(pb::CreateUnitRequest {
                directorate_id: d.id.clone(),
                name: name.into(),
            }))
            .await
            .unwrap()
            .into_inner()
            .unit
            .unwrap();
        units.insert(name, (u.id, triage));
    }
    let mut pools: HashMap<(&str, u32), String> = HashMap::new();
    for (province, _) in PROVINCES {
        for (name, (unit, triage)) in &units {
            let req = pb::CreatePoolRequest {
                unit_id: unit.clone(),
                province_code: province,
                name: String::new(),
                triage: *triage,
            };
            let p = dir
                .create_pool(cluster.as_admin(req))
                .await
                .unwrap()
                .into_inner()
                .pool
                .unwrap();
            pools.insert((name, province), p.id);
        }
    }
    let routing =
        tonic::transport::Channel::from_shared(format!("http://{}", cluster.routing_addr))
            .unwrap()
            .connect()
            .await
            .unwrap();
    let mut rules = RoutingRulesServiceClient::new(routing);
    for (priority, category, unit) in [(1, "su_arizasi", "Su Arıza"), (2, "fatura", "Abone İşleri")]
    {
        let rule = rpb::Rule {
            priority,
            category: category.into(),
            target_unit_id: units[unit].0.clone(),
            ..Default::default()
        };
        rules
            .create_rule(cluster.as_admin(rpb::CreateRuleRequest { rule: Some(rule) }))
            .await
            .unwrap();
    }
    let mut expected = Expected::new();
    for (province, _) in PROVINCES {
        expected.insert(
            ("su_arizasi", province),
            pools[&("Su Arıza", province)].clone(),
        );
        expected.insert(
            ("fatura", province),
            pools[&("Abone İşleri", province)].clone(),
        );
        expected.insert(("diger", province), pools[&("Triyaj", province)].clone());
    }
    expected
}

pub fn application(i: usize) -> (serde_json::Value, &'static str, u32) {
    let category = CATEGORIES[i % 3];
    let (province, district) = PROVINCES[(i / 3) % 2];
    let body = json!({
        "channel": if i.is_multiple_of(2) { "web_form" } else { "mobile_app" },
        "category": category,
        "text": format!("Başvuru {i}: mahallede sorun var, ilgilenilmesini rica ederim."),
        "province": province.to_string(),
        "district": district,
        "applicant": { "name": "Ayşe Yılmaz", "phone": format!("05{:09}", 320_000_000 + i) },
        "reply_channel": "sms",
        "kvkk_consent": { "text_version": "kvkk-v1", "accepted": true }
    });
    (body, category, province)
}
