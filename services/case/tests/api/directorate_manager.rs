//! The directorate manager (müdürlük yöneticisi): created and edited over
//! the directory API with a directorate, sees every case of that
//! directorate's pools (in every province), acts there as a pool manager,
//! and sees nothing of another directorate.

use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

fn director_request(name: &str, directorate: &str) -> pb::CreateUserRequest {
    pb::CreateUserRequest {
        username: name.into(),
        display_name: "Hülya Karaca".into(),
        role: pb::Role::DirectorateManager as i32,
        directorate_id: directorate.into(),
        ..Default::default()
    }
}

/// A second directorate with one pool in Ankara; its pool id.
async fn other_directorate_pool(app: &mut TestApp) -> String {
    let d = app
        .dir
        .create_directorate(as_user(
            "admin",
            pb::CreateDirectorateRequest {
                name: "Çevre Koruma ve Kontrol Dairesi Başkanlığı".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .directorate
        .unwrap();
    let u = app
        .dir
        .create_unit(as_user(
            "admin",
            pb::CreateUnitRequest {
                directorate_id: d.id,
                name: "Çevre Denetim Birimi".into(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .unit
        .unwrap();
    app.dir
        .create_pool(as_user(
            "admin",
            pb::CreatePoolRequest {
                unit_id: u.id,
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
        .id
}

both_stores! {
    async fn a_directorate_manager_needs_an_existing_directorate_and_no_one_else_has_one(app) {
        let directorate = app.org.directorate.clone();
        let err = app.dir.create_user(as_user("admin", director_request("mudur.bos", ""))).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), ["directorate_id"]);
        let err = app
            .dir
            .create_user(as_user("admin", director_request("mudur.yok", &uuid::Uuid::new_v4().to_string())))
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&err), ["directorate_id"]);
        let mut expert = director_request("uzman.mudurluklu", &directorate);
        expert.role = pb::Role::Expert as i32;
        let err = app.dir.create_user(as_user("admin", expert)).await.unwrap_err();
        assert_eq!(violated_fields(&err), ["directorate_id"]);
        // Only an admin creates one.
        let err = app.dir.create_user(as_user("manager_ankara", director_request("mudur.x", &directorate))).await.unwrap_err();
        assert_eq!(err.code(), Code::PermissionDenied);

        let u = app.dir.create_user(as_user("admin", director_request("mudur.su", &directorate))).await.unwrap().into_inner().user.unwrap();
        assert_eq!(u.role, pb::Role::DirectorateManager as i32);
        assert_eq!(u.directorate_id, directorate);
        // Turning them into an expert without taking the directorate away is refused;
        // with it taken away it is done.
        let change = |role: pb::Role, directorate: Option<String>| pb::UpdateUserRequest {
            user_id: u.id.clone(),
            role: role as i32,
            directorate_id: directorate,
            ..Default::default()
        };
        let err = app.dir.update_user(as_user("admin", change(pb::Role::Expert, None))).await.unwrap_err();
        assert_eq!(violated_fields(&err), ["directorate_id"]);
        let expert = app.dir.update_user(as_user("admin", change(pb::Role::Expert, Some(String::new())))).await.unwrap().into_inner().user.unwrap();
        assert_eq!((expert.role, expert.directorate_id.as_str()), (pb::Role::Expert as i32, ""));
        let back = app.dir.update_user(as_user("admin", change(pb::Role::DirectorateManager, Some(directorate.clone())))).await.unwrap().into_inner().user.unwrap();
        assert_eq!(back.directorate_id, directorate);
    }

    async fn a_directorate_manager_sees_and_manages_every_pool_of_the_directorate_only(app) {
        let other_pool = other_directorate_pool(&mut app).await;
        let ankara = app.open_case().await;
        let izmir_req = app.application(&app.org.izmir_water.clone(), 35, "Konak");
        let izmir = app.create(izmir_req).await;
        let elsewhere_req = app.application(&other_pool, 6, "Çankaya");
        let elsewhere = app.create(elsewhere_req).await;

        // Every province's pools of the directorate, as a pool manager's view.
        let listed: Vec<String> = app.list("director", pb::CaseView::Pool, 50, "").await.unwrap().cases.into_iter().map(|c| c.id).collect();
        assert!(listed.contains(&ankara.id) && listed.contains(&izmir.id), "{listed:?}");
        assert!(!listed.contains(&elsewhere.id));
        app.get("director", &izmir.id).await.unwrap();
        let err = app.get("director", &elsewhere.id).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "another directorate's case does not exist for them");

        // What a pool manager may do: assign, note.
        let expert = app.user_id("expert_ankara");
        let assigned = app
            .case
            .assign_cases(as_user("director", pb::AssignCasesRequest { case_ids: vec![ankara.id.clone()], assignee_user_id: expert.clone() }))
            .await
            .unwrap()
            .into_inner()
            .cases;
        assert_eq!(assigned[0].holder_id, expert);
        app.note("director", &ankara.id, "Müdürlük takibinde.").await.unwrap();
        let err = app.note("director", &elsewhere.id, "x").await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound);
        // Contacts stay masked, as for a pool manager.
        let seen = app.get("director", &ankara.id).await.unwrap();
        assert!(seen.contact.as_ref().is_none_or(|c| !c.phone.contains("1234567")), "{:?}", seen.contact);

        // A pool added to the directorate later is in scope at once.
        let units = app.dir.list_units(as_user("admin", pb::ListUnitsRequest { directorate_id: app.org.directorate.clone() })).await.unwrap().into_inner().units;
        let water = units.iter().find(|u| u.name == "Su Arıza Birimi").unwrap();
        let kocaeli = app.dir.create_pool(as_user("admin", pb::CreatePoolRequest { unit_id: water.id.clone(), province_code: 41, name: String::new(), triage: false })).await.unwrap().into_inner().pool.unwrap();
        let req = app.application(&kocaeli.id, 41, "İzmit");
        let k = app.create(req).await;
        app.get("director", &k.id).await.unwrap();
    }
}
