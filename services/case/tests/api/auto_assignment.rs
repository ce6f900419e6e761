//! Automatic assignment (issue 21, part 4): a pool's manager switches it
//! on; arrivals and experts freeing up or coming to the desk hand waiting
//! cases out, within capacity, by skill, urgent first, fairly under
//! concurrency; each one is a task step "assigned (automatic)".

use std::collections::HashMap;

use tekmerkez_proto::{
    case_v1::{self as pb, assignment_service_client::AssignmentServiceClient},
    common_v1 as common,
};
use tonic::{Code, transport::Channel};

use crate::{
    both_stores,
    helpers::{Backend, ROUTING_TOKEN, TestApp, as_user, spawn_app, violated_fields, with_token},
};

/// A pool of its own with its manager and experts (usernames `aa_e0`…).
struct Desk {
    pool: String,
    manager: &'static str,
    /// (username, user id), in creation order.
    experts: Vec<(&'static str, String)>,
    client: AssignmentServiceClient<Channel>,
}

const EXPERTS: [&str; 5] = ["aa_e0", "aa_e1", "aa_e2", "aa_e3", "aa_e4"];

async fn desk(app: &mut TestApp, experts: usize) -> Desk {
    let unit = app
        .dir
        .create_unit(as_user(
            "admin",
            pb::CreateUnitRequest {
                directorate_id: app.org.directorate.clone(),
                name: "Otomatik Atama Birimi".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .unit
        .unwrap();
    let pool = app
        .dir
        .create_pool(as_user(
            "admin",
            pb::CreatePoolRequest {
                unit_id: unit.id,
                province_code: 6,
                name: String::new(),
                triage: false,
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .pool
        .unwrap()
        .id;
    let mut people = Vec::new();
    for (name, role) in std::iter::once(("aa_manager", pb::Role::PoolManager))
        .chain(EXPERTS[..experts].iter().map(|n| (*n, pb::Role::Expert)))
    {
        let u = app
            .dir
            .create_user(as_user(
                "admin",
                pb::CreateUserRequest {
                    username: name.into(),
                    display_name: name.into(),
                    role: role as i32,
                    pool_ids: vec![pool.clone()],
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner()
            .user
            .unwrap();
        people.push((name, u.id));
    }
    let channel = Channel::from_shared(format!("http://{}", app.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    Desk {
        pool,
        manager: "aa_manager",
        experts: people.split_off(1),
        client: AssignmentServiceClient::new(channel),
    }
}

impl Desk {
    fn id(&self, i: usize) -> String {
        self.experts[i].1.clone()
    }

    async fn switch(&mut self, enabled: bool, mode: pb::AssignmentMode) {
        self.client
            .update_pool_assignment(as_user(
                self.manager,
                pb::UpdatePoolAssignmentRequest {
                    settings: Some(pb::PoolAssignmentSettings {
                        pool_id: self.pool.clone(),
                        enabled,
                        mode: mode as i32,
                    }),
                },
            ))
            .await
            .unwrap();
    }

    async fn set(&mut self, i: usize, capacity: Option<u32>, categories: &[&str]) {
        self.client
            .set_expert_assignment(as_user(
                self.manager,
                pb::SetExpertAssignmentRequest {
                    pool_id: self.pool.clone(),
                    user_id: self.id(i),
                    capacity,
                    categories: categories.iter().map(|c| (*c).to_owned()).collect(),
                },
            ))
            .await
            .unwrap();
    }

    async fn presence(&mut self, i: usize, present: bool) {
        self.client
            .set_my_presence(as_user(
                self.experts[i].0,
                pb::SetMyPresenceRequest { present },
            ))
            .await
            .unwrap();
    }

    /// Held cases per expert index, as the manager's page shows them.
    async fn held(&mut self) -> Vec<u32> {
        let r = self
            .client
            .get_pool_assignment(as_user(
                self.manager,
                pb::GetPoolAssignmentRequest {
                    pool_id: self.pool.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        let by_id: HashMap<String, u32> =
            r.experts.into_iter().map(|e| (e.user_id, e.held)).collect();
        self.experts.iter().map(|(_, id)| by_id[id]).collect()
    }

    fn application(&self, app: &TestApp, category: &str, urgent: bool) -> pb::CreateCaseRequest {
        let mut req = app.application(&self.pool, 6, "Çankaya");
        req.category = category.to_owned();
        req.urgency = if urgent {
            common::Urgency::Urgent
        } else {
            common::Urgency::Normal
        } as i32;
        req
    }
}

/// `n` arrivals in parallel, each its own CreateCase call.
async fn arrive_in_parallel(app: &TestApp, desk: &Desk, n: usize) -> Vec<pb::Case> {
    let mut tasks = Vec::new();
    for _ in 0..n {
        let mut client = app.case.clone();
        let req = desk.application(app, "su_arizasi", false);
        tasks.push(tokio::spawn(async move {
            client
                .create_case(with_token(ROUTING_TOKEN, req))
                .await
                .unwrap()
                .into_inner()
                .case
                .unwrap()
        }));
    }
    let mut cases = Vec::new();
    for t in tasks {
        cases.push(t.await.unwrap());
    }
    cases
}

fn auto_steps(steps: &[pb::HistoryStep]) -> Vec<&pb::HistoryStep> {
    steps
        .iter()
        .filter(|s| s.action == pb::HistoryAction::AutoAssigned as i32)
        .collect()
}

both_stores! {
    async fn fifty_concurrent_arrivals_stay_within_capacity_evenly_each_a_task_step(app) {
        let mut d = desk(&mut app, 5).await;
        for i in 0..5 {
            d.set(i, Some(12), &[]).await;
        }
        d.switch(true, pb::AssignmentMode::LeastLoaded).await;
        let cases = arrive_in_parallel(&app, &d, 50).await;
        let held = d.held().await;
        assert_eq!(held.iter().sum::<u32>(), 50, "{held:?}");
        assert!(held.iter().all(|h| *h <= 12), "{held:?}");
        let (lo, hi) = (held.iter().min().unwrap(), held.iter().max().unwrap());
        assert!(hi - lo <= 1, "equal capacities: the spread is within one case, {held:?}");
        for c in &cases {
            let now = app.get(d.manager, &c.id).await.unwrap();
            assert_eq!(now.status, pb::CaseStatus::Held as i32);
            let steps = app.history(d.manager, &c.id).await;
            let auto = auto_steps(&steps);
            assert_eq!(auto.len(), 1, "one automatic step per case");
            assert_eq!(auto[0].to_holder_id, now.holder_id);
            assert_eq!((auto[0].actor_user_id.as_str(), auto[0].actor_service.as_str()), ("", "system"));
        }
    }

    async fn fifty_concurrent_arrivals_never_put_an_expert_over_unequal_capacities(app) {
        let mut d = desk(&mut app, 5).await;
        let capacities = [1, 2, 3, 4, 5];
        for (i, c) in capacities.iter().enumerate() {
            d.set(i, Some(*c), &[]).await;
        }
        d.switch(true, pb::AssignmentMode::RoundRobin).await;
        let cases = arrive_in_parallel(&app, &d, 50).await;
        assert_eq!(d.held().await, capacities, "everyone full, nobody over, nobody skipped");
        let waiting = cases.len() - capacities.iter().sum::<u32>() as usize;
        let mut still = 0;
        for c in &cases {
            if app.get(d.manager, &c.id).await.unwrap().status == pb::CaseStatus::InPool as i32 {
                still += 1;
            }
        }
        assert_eq!(still, waiting);
    }

    async fn round_robin_hands_out_in_turn(app) {
        let mut d = desk(&mut app, 3).await;
        d.switch(true, pb::AssignmentMode::RoundRobin).await;
        let mut order = Vec::new();
        for _ in 0..7 {
            let req = d.application(&app, "su_arizasi", false);
            order.push(app.create(req).await.holder_id);
        }
        let mut ring: Vec<String> = (0..3).map(|i| d.id(i)).collect();
        ring.sort();
        let expected: Vec<String> = (0..7).map(|k| ring[k % 3].clone()).collect();
        assert_eq!(order, expected, "each arrival to the next expert in turn");
    }

    async fn least_loaded_gives_to_whoever_holds_fewest(app) {
        let mut d = desk(&mut app, 3).await;
        // By hand while it is off: the first expert holds 3, the second 1.
        for (i, n) in [(0, 3), (1, 1)] {
            for _ in 0..n {
                let req = d.application(&app, "su_arizasi", false);
                let c = app.create(req).await;
                app.case.assign_cases(as_user(d.manager, pb::AssignCasesRequest {
                    case_ids: vec![c.id], assignee_user_id: d.id(i),
                })).await.unwrap();
            }
        }
        d.switch(true, pb::AssignmentMode::LeastLoaded).await;
        let req = d.application(&app, "su_arizasi", false);
        assert_eq!(app.create(req).await.holder_id, d.id(2), "the one holding none");
        for _ in 0..3 {
            let req = d.application(&app, "su_arizasi", false);
            app.create(req).await;
        }
        let held = d.held().await;
        assert_eq!(held[0], 3, "the busiest got nothing: {held:?}");
        assert!(held[1].abs_diff(held[2]) <= 1 && held[1] + held[2] == 5, "{held:?}");
    }

    async fn an_expert_with_skills_gets_only_those_categories(app) {
        let mut d = desk(&mut app, 2).await;
        d.set(0, None, &["su_arizasi"]).await;
        d.set(1, None, &["abone_islemleri"]).await;
        d.switch(true, pb::AssignmentMode::RoundRobin).await;
        for _ in 0..3 {
            let req = d.application(&app, "abone_islemleri", false);
            assert_eq!(app.create(req).await.holder_id, d.id(1));
        }
        let req = d.application(&app, "su_arizasi", false);
        assert_eq!(app.create(req).await.holder_id, d.id(0));
        let req = d.application(&app, "park_bahce", false);
        let park = app.create(req).await;
        assert_eq!((park.status, park.holder_id.as_str()), (pb::CaseStatus::InPool as i32, ""), "nobody skilled: it waits");
        d.set(1, None, &[]).await;
        assert_eq!(app.get(d.manager, &park.id).await.unwrap().holder_id, d.id(1), "no skills: any category, taken at once");
    }

    async fn cases_nobody_takes_never_hide_one_an_expert_is_free_for(app) {
        let mut d = desk(&mut app, 1).await;
        d.set(0, Some(20), &["su_arizasi"]).await;
        d.switch(true, pb::AssignmentMode::RoundRobin).await;
        // More than a round reads (the tests' limit is 4), urgent and
        // older than the case the expert takes: none of them is theirs.
        for _ in 0..6 {
            let req = d.application(&app, "park_bahce", true);
            assert_eq!(app.create(req).await.holder_id, "");
        }
        let req = d.application(&app, "su_arizasi", false);
        assert_eq!(app.create(req).await.holder_id, d.id(0));
    }

    async fn a_backlog_larger_than_a_round_is_handed_out_at_once(app) {
        let mut d = desk(&mut app, 2).await;
        for i in 0..2 {
            d.set(i, Some(6), &[]).await;
        }
        let mut waiting = Vec::new();
        for _ in 0..11 {
            let req = d.application(&app, "su_arizasi", false);
            waiting.push(app.create(req).await.id);
        }
        d.switch(true, pb::AssignmentMode::LeastLoaded).await;
        assert_eq!(d.held().await, [6, 5], "eleven waiting, rounds of four: all given when switched on");
    }

    async fn the_loads_follow_every_change_of_who_holds_what(app) {
        let mut d = desk(&mut app, 2).await;
        let mut ids = Vec::new();
        for _ in 0..4 {
            let req = d.application(&app, "su_arizasi", false);
            ids.push(app.create(req).await.id);
        }
        let (e0, e1) = (d.experts[0].0, d.experts[1].0);
        app.claim(e0, &[&ids[0], &ids[1], &ids[2]]).await.unwrap();
        let assign = |id: &str, to: String| pb::AssignCasesRequest {
            case_ids: vec![id.to_owned()],
            assignee_user_id: to,
        };
        app.case.assign_cases(as_user(d.manager, assign(&ids[3], d.id(1)))).await.unwrap();
        assert_eq!(d.held().await, [3, 1], "claimed and assigned by hand");
        app.case.assign_cases(as_user(d.manager, assign(&ids[2], d.id(1)))).await.unwrap();
        assert_eq!(d.held().await, [2, 2], "moved from one expert to another");
        app.case
            .transfer_case(as_user("admin", pb::TransferCaseRequest {
                case_id: ids[1].clone(),
                target_pool_id: app.org.izmir_water.clone(),
                reason: "İzmir'in işi.".into(),
                ..Default::default()
            }))
            .await
            .unwrap();
        assert_eq!(d.held().await, [1, 2], "transferred away");
        app.close(e1, &ids[3], "Arıza giderildi.").await.unwrap();
        assert_eq!(d.held().await, [1, 1], "closed");
    }

    async fn absent_and_away_experts_are_skipped_and_coming_back_brings_work(app) {
        let mut d = desk(&mut app, 3).await;
        for i in 0..3 {
            d.set(i, Some(1), &[]).await;
        }
        d.presence(0, false).await;
        // Today in Istanbul as the test clock shows it (helpers::start_time).
        let today = "2026-03-02".to_owned();
        let absent = d.experts[1].0;
        d.client.set_my_absence_days(as_user(absent, pb::SetMyAbsenceDaysRequest { absence_days: vec![today.clone()] })).await.unwrap();
        let mine = d.client.get_my_availability(as_user(absent, pb::GetMyAvailabilityRequest {})).await.unwrap().into_inner();
        assert_eq!(mine.availability.unwrap().absence_days, [today]);
        d.switch(true, pb::AssignmentMode::RoundRobin).await;
        let mut got = Vec::new();
        for _ in 0..3 {
            let req = d.application(&app, "su_arizasi", false);
            got.push(app.create(req).await.holder_id);
        }
        assert_eq!(got, [d.id(2), String::new(), String::new()], "only the present one, up to capacity");
        d.presence(0, true).await;
        assert_eq!(d.held().await, [1, 0, 1], "back at the desk: the waiting case at once");
    }

    async fn urgent_waiting_cases_go_first_when_an_expert_frees_up(app) {
        let mut d = desk(&mut app, 1).await;
        d.set(0, Some(1), &[]).await;
        d.switch(true, pb::AssignmentMode::RoundRobin).await;
        let req = d.application(&app, "su_arizasi", false);
        let first = app.create(req).await;
        assert_eq!(first.holder_id, d.id(0));
        let req = d.application(&app, "su_arizasi", false);
        let older = app.create(req).await;
        let req = d.application(&app, "su_arizasi", true);
        let urgent = app.create(req).await;
        assert_eq!((older.holder_id.as_str(), urgent.holder_id.as_str()), ("", ""), "at capacity: both wait");
        app.close(d.experts[0].0, &first.id, "Arıza giderildi.").await.unwrap();
        assert_eq!(app.get(d.manager, &urgent.id).await.unwrap().holder_id, d.id(0), "freed: the urgent one first");
        assert_eq!(app.get(d.manager, &older.id).await.unwrap().holder_id, "");
        app.close(d.experts[0].0, &urgent.id, "Arıza giderildi.").await.unwrap();
        assert_eq!(app.get(d.manager, &older.id).await.unwrap().holder_id, d.id(0), "then the next waiting one");
    }

    async fn switched_off_nothing_goes_automatically_and_hand_assignment_still_counts(app) {
        let mut d = desk(&mut app, 2).await;
        d.set(0, Some(1), &[]).await;
        d.set(1, Some(1), &[]).await;
        let req = d.application(&app, "su_arizasi", false);
        let off = app.create(req).await;
        assert_eq!(off.holder_id, "", "off: it waits for a person");
        d.switch(true, pb::AssignmentMode::RoundRobin).await;
        assert_ne!(app.get(d.manager, &off.id).await.unwrap().holder_id, "", "switched on: the waiting one at once");
        // Over capacity by hand: allowed, and it counts.
        let holder = app.get(d.manager, &off.id).await.unwrap().holder_id;
        let other = if holder == d.id(0) { 1 } else { 0 };
        let req = d.application(&app, "su_arizasi", false);
        let next = app.create(req).await;
        assert_eq!(next.holder_id, d.id(other));
        let req = d.application(&app, "su_arizasi", false);
        let extra = app.create(req).await;
        assert_eq!(extra.holder_id, "", "both full");
        app.case.assign_cases(as_user(d.manager, pb::AssignCasesRequest {
            case_ids: vec![extra.id.clone()], assignee_user_id: holder.clone(),
        })).await.unwrap();
        let steps = app.history(d.manager, &extra.id).await;
        assert!(auto_steps(&steps).is_empty() && steps.iter().any(|s| s.action == pb::HistoryAction::Assigned as i32));
        assert_eq!(d.held().await.iter().sum::<u32>(), 3);
        d.switch(false, pb::AssignmentMode::RoundRobin).await;
        app.close(d.experts[other].0, &next.id, "Tamam.").await.unwrap();
        let req = d.application(&app, "su_arizasi", false);
        assert_eq!(app.create(req).await.holder_id, "", "off again: nothing automatic");
    }

    async fn only_the_pools_manager_sets_it_and_bad_values_name_their_field(app) {
        let mut d = desk(&mut app, 1).await;
        let err = d.client.update_pool_assignment(as_user(d.experts[0].0, pb::UpdatePoolAssignmentRequest {
            settings: Some(pb::PoolAssignmentSettings { pool_id: d.pool.clone(), enabled: true, mode: pb::AssignmentMode::RoundRobin as i32 }),
        })).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
        let err = d.client.get_pool_assignment(as_user("manager_izmir", pb::GetPoolAssignmentRequest { pool_id: d.pool.clone() })).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "another pool's manager");
        let err = d.client.update_pool_assignment(as_user(d.manager, pb::UpdatePoolAssignmentRequest {
            settings: Some(pb::PoolAssignmentSettings { pool_id: d.pool.clone(), enabled: true, mode: 0 }),
        })).await.unwrap_err();
        assert_eq!(violated_fields(&err), ["settings.mode"]);
        let err = d.client.set_expert_assignment(as_user(d.manager, pb::SetExpertAssignmentRequest {
            pool_id: d.pool.clone(), user_id: d.id(0), capacity: Some(5000), categories: vec!["Su Arızası".into()],
        })).await.unwrap_err();
        assert_eq!(violated_fields(&err), ["capacity", "categories"]);
        let err = d.client.set_my_absence_days(as_user(d.experts[0].0, pb::SetMyAbsenceDaysRequest { absence_days: vec!["2026-13-01".into()] })).await.unwrap_err();
        assert_eq!(violated_fields(&err), ["absence_days"]);
        let err = d.client.set_my_presence(as_user(d.manager, pb::SetMyPresenceRequest { present: true })).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied, "presence is an expert's own");
    }
}

/// A thousand arrivals into a switched-on pool, fifty at a time, on the
/// in-process store: handed out fairly, every one a task step.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_arrivals_are_handed_out_fairly() {
    let mut app = spawn_app(Backend::Sqlite).await;
    let mut d = desk(&mut app, 5).await;
    for i in 0..5 {
        d.set(i, Some(200), &[]).await;
    }
    d.switch(true, pb::AssignmentMode::RoundRobin).await;
    let mut cases = Vec::new();
    for _ in 0..20 {
        cases.extend(arrive_in_parallel(&app, &d, 50).await);
    }
    assert_eq!(d.held().await, [200; 5]);
    let mut automatic = 0;
    for c in cases.iter().step_by(10) {
        automatic += auto_steps(&app.history(d.manager, &c.id).await).len();
    }
    assert_eq!(
        automatic, 100,
        "every sampled arrival has its automatic step"
    );
}

/// Every round is timed on `/metrics` by its outcome, so operators (and
/// `scripts/bench-assign`) see how long a pool's lock is held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_round_is_timed_by_its_outcome() {
    tekmerkez_telemetry::metrics::install();
    let mut app = spawn_app(Backend::Sqlite).await;
    let mut d = desk(&mut app, 1).await;
    d.set(0, Some(1), &[]).await;
    d.switch(true, pb::AssignmentMode::LeastLoaded).await;
    for _ in 0..2 {
        let req = d.application(&app, "su_arizasi", false);
        app.create(req).await;
    }
    let text = tekmerkez_telemetry::metrics::Scrape::new(Vec::new())
        .run()
        .await;
    let samples = tekmerkez_telemetry::metrics::parse(&text).unwrap();
    let count = |outcome: &str| {
        samples
            .iter()
            .find(|s| {
                s.name == "tekmerkez_case_assignment_round_duration_seconds_count"
                    && s.label("outcome") == Some(outcome)
            })
            .map_or(0.0, |s| s.value)
    };
    assert!(count("assigned") >= 1.0, "{text}");
    assert!(
        count("none") >= 1.0,
        "the second arrival found nobody free: {text}"
    );
}
