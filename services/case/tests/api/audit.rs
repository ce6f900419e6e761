//! The KVKK audit trail (issue 22, part 1): every access path writes
//! exactly one entry per request (a page's repeated reads one), with who,
//! from where and which record; administrative changes are entries too; an
//! entry cannot be changed or deleted; only the KVKK officer reads the
//! trail, and each reading is itself recorded.

use tekmerkez_proto::case_v1::{self as pb, audit_service_client::AuditServiceClient};
use tonic::{Code, Request, transport::Channel};

use crate::{
    both_stores,
    helpers::{Backend, TestApp, as_user, violated_fields, with_token},
};

/// `who`'s call as part of the gateway's HTTP request `request`, from
/// `client` with session mark `session`.
fn in_request<T>(who: &str, request: &str, msg: T) -> Request<T> {
    let mut r = as_user(who, msg);
    let m = r.metadata_mut();
    m.insert("x-tekmerkez-request-id", request.parse().unwrap());
    m.insert("x-tekmerkez-client-address", "203.0.113.7".parse().unwrap());
    m.insert("x-tekmerkez-session", "a1b2c3d4e5f60718".parse().unwrap());
    r
}

async fn audit_client(app: &TestApp) -> AuditServiceClient<Channel> {
    let channel = Channel::from_shared(format!("http://{}", app.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    AuditServiceClient::new(channel)
}

async fn entries(app: &mut TestApp, req: pb::ListAuditEntriesRequest) -> Vec<pb::AuditEntry> {
    audit_client(app)
        .await
        .list_audit_entries(as_user("kvkk", req))
        .await
        .unwrap()
        .into_inner()
        .entries
}

fn of_case(case: &str, action: pb::AuditAction) -> pb::ListAuditEntriesRequest {
    pb::ListAuditEntriesRequest {
        case: case.to_owned(),
        action: action as i32,
        ..Default::default()
    }
}

both_stores! {
    async fn a_page_reading_a_record_twice_writes_one_entry_and_a_call_of_its_own_another(app) {
        let case = app.open_case().await;
        app.claim("expert_ankara", &[&case.id]).await.unwrap();
        let request = "0193f0a0-0000-7000-8000-000000000001";
        for _ in 0..2 {
            let get = pb::GetCaseRequest { case_id: case.id.clone(), ..Default::default() };
            app.case.get_case(in_request("expert_ankara", request, get)).await.unwrap();
        }
        app.get("manager_ankara", &case.id).await.unwrap();
        let seen = entries(&mut app, of_case(&case.tracking_number, pb::AuditAction::RecordViewed)).await;
        assert_eq!(seen.len(), 2, "{seen:#?}");
        // Newest first: the manager's own call, then the expert's page.
        let (manager, page) = (&seen[0], &seen[1]);
        assert_eq!((manager.actor.as_str(), manager.actor_role), ("manager_ankara", pb::Role::PoolManager as i32));
        assert_eq!(manager.detail, "contact:masked", "a manager does not need the contact");
        assert_eq!(manager.request_id, "");
        assert_eq!(page.actor, "expert_ankara");
        assert_eq!(page.actor_user_id, app.org.users["expert_ankara"]);
        assert_eq!(page.detail, "contact:shown", "the holder sees it");
        assert_eq!((page.client_address.as_str(), page.session.as_str(), page.request_id.as_str()), ("203.0.113.7", "a1b2c3d4e5f60718", request));
        assert_eq!((page.case_id.as_str(), page.tracking_number.as_str()), (case.id.as_str(), case.tracking_number.as_str()));
    }

    async fn an_entry_cannot_be_changed_or_deleted(app) {
        let case = app.open_case().await;
        app.get("manager_ankara", &case.id).await.unwrap();
        for sql in [
            "UPDATE audit_entries SET actor = 'someone else'",
            "DELETE FROM audit_entries",
        ] {
            assert!(app.try_execute_sql(sql).await.is_err(), "{sql} was allowed");
        }
        let seen = entries(&mut app, of_case(&case.id, pb::AuditAction::RecordViewed)).await;
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].actor, "manager_ankara");
    }

    async fn only_the_kvkk_officer_reads_the_trail_and_each_reading_is_recorded(app) {
        let mut client = audit_client(&app).await;
        for who in ["admin", "manager_ankara", "expert_ankara"] {
            let err = client.list_audit_entries(as_user(who, pb::ListAuditEntriesRequest::default())).await.unwrap_err();
            assert_eq!(err.code(), Code::PermissionDenied, "{who}");
        }
        let refused = entries(&mut app, pb::ListAuditEntriesRequest { action: pb::AuditAction::AuditRead as i32, ..Default::default() }).await;
        let who: Vec<&str> = refused.iter().map(|e| e.actor.as_str()).collect();
        assert!(who.contains(&"admin") && who.contains(&"expert_ankara"), "refused readings are recorded: {who:?}");
        let mine = entries(&mut app, pb::ListAuditEntriesRequest { actor: "kvkk".into(), action: pb::AuditAction::AuditRead as i32, ..Default::default() }).await;
        // The reading before this one (this one is recorded as it answers).
        assert_eq!(mine.len(), 1, "the officer's own reading: {mine:#?}");
        assert!(mine[0].detail.starts_with("action:audit_read"), "{}", mine[0].detail);
        assert!(refused.iter().filter(|e| e.actor != "kvkk").all(|e| e.detail == "refused"));
    }

    async fn searches_attachments_letters_and_admin_changes_are_recorded(app) {
        let case = app.open_case().await;
        app.claim("expert_ankara", &[&case.id]).await.unwrap();
        let found = app.case.search_cases(as_user("expert_ankara", pb::SearchCasesRequest { query: "0532 123 45 67".into(), limit: 10 })).await.unwrap().into_inner();
        let user = app.dir.create_user(as_user("admin", pb::CreateUserRequest {
            username: "yeni.uzman".into(), display_name: "Yeni Uzman".into(), role: pb::Role::Expert as i32,
            pool_ids: vec![app.org.ankara_water.clone()], ..Default::default()
        })).await.unwrap().into_inner().user.unwrap();
        app.dir.update_user(as_user("admin", pb::UpdateUserRequest {
            user_id: user.id.clone(), role: pb::Role::PoolManager as i32, ..Default::default()
        })).await.unwrap();
        let searched = entries(&mut app, pb::ListAuditEntriesRequest { actor: "expert_ankara".into(), action: pb::AuditAction::PeopleSearched as i32, ..Default::default() }).await;
        assert!(!found.results.is_empty());
        assert_eq!(searched.len(), 1);
        assert_eq!(searched[0].detail, format!("results:{}", found.results.len()));
        let nobody = app.case.search_cases(as_user("expert_ankara", pb::SearchCasesRequest { query: "0532 999 99 99".into(), limit: 10 })).await.unwrap().into_inner();
        assert!(nobody.results.is_empty());
        let searched = entries(&mut app, pb::ListAuditEntriesRequest { actor: "expert_ankara".into(), action: pb::AuditAction::PeopleSearched as i32, ..Default::default() }).await;
        assert_eq!(searched.len(), 1, "a search that named nobody is not an access");
        let changes = entries(&mut app, pb::ListAuditEntriesRequest { actor: "admin".into(), action: pb::AuditAction::AdminChanged as i32, ..Default::default() }).await;
        let object = format!("user:{}", user.id);
        let about: Vec<(&str, &str)> = changes.iter().filter(|e| e.object == object).map(|e| (e.object.as_str(), e.detail.as_str())).collect();
        assert_eq!(about, [(object.as_str(), "role:expert→pool_manager"), (object.as_str(), "created role:expert pools:1")]);
        assert!(changes.iter().all(|e| e.case_id.is_empty()));
    }

    async fn a_bad_filter_is_refused_by_its_field(app) {
        let mut client = audit_client(&app).await;
        for (req, field) in [
            (pb::ListAuditEntriesRequest { actor: "nobody.here".into(), ..Default::default() }, "actor"),
            (pb::ListAuditEntriesRequest { case: "2026-ZZZZZZZ".into(), ..Default::default() }, "case"),
            (pb::ListAuditEntriesRequest { action: 99, ..Default::default() }, "action"),
            (pb::ListAuditEntriesRequest {
                from: Some(prost_types::Timestamp { seconds: 2_000_000_000, nanos: 0 }),
                to: Some(prost_types::Timestamp { seconds: 1_000_000_000, nanos: 0 }),
                ..Default::default()
            }, "to"),
        ] {
            let err = client.list_audit_entries(as_user("kvkk", req)).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument);
            assert_eq!(violated_fields(&err), [field]);
        }
    }

    async fn the_gateways_request_headers_count_only_from_the_gateway(app) {
        let case = app.open_case().await;
        app.claim("expert_ankara", &[&case.id]).await.unwrap();
        let token = app.dir.issue_api_token(as_user("admin", pb::IssueApiTokenRequest {
            user_id: app.org.users["expert_ankara"].clone(), label: "betik".into(),
        })).await.unwrap().into_inner().token;
        let mut req = with_token(&token, pb::GetCaseRequest { case_id: case.id.clone(), ..Default::default() });
        req.metadata_mut().insert("x-tekmerkez-client-address", "198.51.100.1".parse().unwrap());
        req.metadata_mut().insert("x-tekmerkez-request-id", "0193f0a0-0000-7000-8000-000000000002".parse().unwrap());
        app.case.get_case(req).await.unwrap();
        let seen = entries(&mut app, of_case(&case.id, pb::AuditAction::RecordViewed)).await;
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].client_address, "127.0.0.1", "the peer, not what the caller claims");
        assert_eq!(seen[0].request_id, "");
    }
}

/// Pages of the trail follow one another without a gap or a repeat.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_of_the_trail_follow_one_another() {
    let mut app = crate::helpers::spawn_app(Backend::Sqlite).await;
    let case = app.open_case().await;
    for _ in 0..5 {
        app.get("manager_ankara", &case.id).await.unwrap();
    }
    let mut client = audit_client(&app).await;
    let mut seqs = Vec::new();
    let mut before = None;
    loop {
        let page = client
            .list_audit_entries(as_user(
                "kvkk",
                pb::ListAuditEntriesRequest {
                    case: case.id.clone(),
                    action: pb::AuditAction::RecordViewed as i32,
                    before,
                    limit: 2,
                    ..Default::default()
                },
            ))
            .await
            .unwrap()
            .into_inner();
        seqs.extend(page.entries.iter().map(|e| e.seq));
        match page.next_before {
            Some(n) => before = Some(n),
            None => break,
        }
    }
    assert_eq!(seqs.len(), 5);
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
}
