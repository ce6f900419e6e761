use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

both_stores! {
    async fn names_are_unique_under_turkish_case_folding(app) {
        let d = app.dir.create_directorate(as_user("admin", pb::CreateDirectorateRequest { name: "İmar İşleri".into() })).await.unwrap();
        assert_eq!(d.into_inner().directorate.unwrap().name, "İmar İşleri");
        let err = app.dir.create_directorate(as_user("admin", pb::CreateDirectorateRequest { name: "imar işleri".into() })).await.unwrap_err();
        assert_eq!(err.code(), Code::AlreadyExists, "İ/i fold together in Turkish");
        let ok = app.dir.create_directorate(as_user("admin", pb::CreateDirectorateRequest { name: "ımar ışleri".into() })).await;
        assert!(ok.is_ok(), "ı is a different letter from i");
        let mk = |u: &str| pb::CreateUserRequest { username: u.into(), display_name: "X".into(), role: pb::Role::Expert as i32, ..Default::default() };
        app.dir.create_user(as_user("admin", mk("IŞIK"))).await.unwrap();
        assert_eq!(app.dir.create_user(as_user("admin", mk("ışık"))).await.unwrap_err().code(), Code::AlreadyExists);
    }

    async fn only_admins_change_the_directory(app) {
        for who in ["manager_ankara", "expert_ankara", "partner"] {
            let err = app.dir.create_directorate(as_user(who, pb::CreateDirectorateRequest { name: "Yeni".into() })).await.unwrap_err();
            assert_eq!(err.code(), Code::PermissionDenied, "{who}");
        }
        let err = app.dir.create_directorate(with_token(ROUTING_TOKEN, pb::CreateDirectorateRequest { name: "Yeni".into() })).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);
    }

    async fn users_are_validated_and_listed_in_turkish_order_within_scope(app) {
        let bad = pb::CreateUserRequest { username: "a b".into(), display_name: "".into(), role: 0, password: "short".into(), pool_ids: vec!["x".into()], ..Default::default() };
        let err = app.dir.create_user(as_user("admin", bad)).await.unwrap_err();
        let fields = violated_fields(&err);
        for f in ["username", "display_name", "role", "password", "pool_ids"] {
            assert!(fields.iter().any(|x| x == f), "{f} missing in {fields:?}");
        }
        for name in ["Çiğdem", "Cem", "Şahin", "Sevgi"] {
            let req = pb::CreateUserRequest {
                username: format!("u{}", tekmerkez_turkish::loose_key(name)),
                display_name: name.into(),
                role: pb::Role::Expert as i32,
                pool_ids: vec![app.org.ankara_water.clone()],
                ..Default::default()
            };
            app.dir.create_user(as_user("admin", req)).await.unwrap();
        }
        let listed = app.dir.list_users(as_user("manager_ankara", pb::ListUsersRequest { pool_id: app.org.ankara_water.clone(), role: pb::Role::Expert as i32 })).await.unwrap().into_inner().users;
        let names: Vec<String> = listed.iter().map(|u| u.display_name.clone()).filter(|n| !n.contains('_')).collect();
        assert_eq!(names, vec!["Cem", "Çiğdem", "Sevgi", "Şahin"]);
        assert!(listed.iter().all(|u| u.email.is_empty()), "work contact details are for admins");
        let izmir = app.dir.list_users(as_user("manager_ankara", pb::ListUsersRequest { pool_id: app.org.izmir_water.clone(), role: 0 })).await.unwrap().into_inner().users;
        assert!(izmir.is_empty(), "a manager lists only the members of the managed pools");
        assert_eq!(app.dir.list_users(as_user("expert_ankara", pb::ListUsersRequest::default())).await.unwrap_err().code(), Code::PermissionDenied);
    }

    async fn a_user_changes_their_own_details_and_password(app) {
        let req = pb::CreateUserRequest { username: "ozlem".into(), display_name: "Özlem".into(), role: pb::Role::Expert as i32, password: "ilk-parola-123".into(), ..Default::default() };
        app.dir.create_user(as_user("admin", req)).await.unwrap();
        let wrong = pb::UpdateCurrentUserRequest { current_password: "yanlış-parola".into(), new_password: "yeni-parola-456".into(), ..Default::default() };
        let err = app.dir.update_current_user(as_user("ozlem", wrong)).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["current_password"]);
        let ok = pb::UpdateCurrentUserRequest { display_name: "Özlem Güneş".into(), phone: "0555 111 22 33".into(), current_password: "ilk-parola-123".into(), new_password: "yeni-parola-456".into(), ..Default::default() };
        let me = app.dir.update_current_user(as_user("ozlem", ok)).await.unwrap().into_inner().user.unwrap();
        assert_eq!((me.display_name.as_str(), me.phone.as_str()), ("Özlem Güneş", "+905551112233"));
        let hash = app.app.store().password_hash(me.id.parse().unwrap()).await.unwrap().unwrap();
        assert!(tekmerkez_case::app::auth::verify_password("yeni-parola-456", &hash));
    }

    async fn pools_need_a_real_province_and_one_triage_pool_each(app) {
        let units = app.dir.list_units(as_user("admin", pb::ListUnitsRequest::default())).await.unwrap().into_inner().units;
        let unit = units[0].id.clone();
        let err = app.dir.create_pool(as_user("admin", pb::CreatePoolRequest { unit_id: unit.clone(), province_code: 82, name: String::new(), triage: false })).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["province_code"]);
        let triage_unit = units.iter().find(|u| u.name == "Triyaj").unwrap().id.clone();
        let _ = triage_unit;
        let err = app.dir.create_pool(as_user("admin", pb::CreatePoolRequest { unit_id: unit, province_code: 6, name: String::new(), triage: true })).await.unwrap_err();
        assert_eq!(err.code(), Code::AlreadyExists);
        let pools = app.dir.list_pools(as_user("expert_ankara", pb::ListPoolsRequest { province_code: 6 })).await.unwrap().into_inner().pools;
        assert_eq!(pools.len(), 3);
        assert!(pools.iter().any(|p| p.name == "Ankara Su Arıza Birimi"));
        let provinces = app.dir.list_provinces(as_user("expert_ankara", pb::ListProvincesRequest {})).await.unwrap().into_inner().provinces;
        assert_eq!(provinces.len(), 81);
    }
}
