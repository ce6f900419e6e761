//! Saved list filters: a user saves a list's query under a name, lists
//! only their own, renames, replaces and deletes them; a bad name or query
//! is refused by its field, a name is unique per user by Turkish case
//! rules (saving it again replaces the filter: a double submit never makes
//! two), and a user keeps at most 20.

use tekmerkez_proto::case_v1::{self as pb, saved_view_service_client::SavedViewServiceClient};
use tonic::{Code, transport::Channel};

use crate::{both_stores, helpers::*};

async fn views(app: &TestApp) -> SavedViewServiceClient<Channel> {
    SavedViewServiceClient::connect(format!("http://{}", app.addr))
        .await
        .unwrap()
}

fn save(name: &str, view: pb::CaseView, query: &str) -> pb::SaveSavedViewRequest {
    pb::SaveSavedViewRequest {
        id: String::new(),
        name: name.to_owned(),
        view: view as i32,
        query: query.to_owned(),
    }
}

async fn list(c: &mut SavedViewServiceClient<Channel>, who: &str) -> Vec<pb::SavedView> {
    c.list_saved_views(as_user(who, pb::ListSavedViewsRequest {}))
        .await
        .unwrap()
        .into_inner()
        .views
}

both_stores! {
    async fn a_user_saves_lists_renames_and_deletes_only_their_own_views(app) {
        let mut c = views(&app).await;
        let acil = c
            .save_saved_view(as_user("expert_ankara", save("Acil Çankaya", pb::CaseView::Pool, "aciliyet=2&ilce=%C3%87ankaya")))
            .await
            .unwrap()
            .into_inner()
            .view
            .unwrap();
        assert_eq!(acil.name, "Acil Çankaya");
        assert_eq!(acil.view, pb::CaseView::Pool as i32);
        c.save_saved_view(as_user("expert_ankara", save("  bekleyen   işler ", pb::CaseView::Mine, "?gun=4")))
            .await
            .unwrap();
        c.save_saved_view(as_user("expert_izmir", save("İzmir'in", pb::CaseView::Pool, "")))
            .await
            .unwrap();

        let mine = list(&mut c, "expert_ankara").await;
        let names: Vec<&str> = mine.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(names, vec!["Acil Çankaya", "bekleyen işler"], "Turkish order, own only");
        assert_eq!(mine[1].query, "gun=4", "the leading ? dropped");
        assert_eq!(list(&mut c, "expert_izmir").await.len(), 1);

        // Another person can neither change nor delete it.
        let theirs = c
            .save_saved_view(as_user("expert_izmir", pb::SaveSavedViewRequest { id: acil.id.clone(), ..save("Benim", pb::CaseView::Pool, "") }))
            .await
            .unwrap_err();
        assert_eq!(theirs.code(), Code::NotFound);
        c.delete_saved_view(as_user("expert_izmir", pb::DeleteSavedViewRequest { id: acil.id.clone() }))
            .await
            .unwrap();
        assert_eq!(list(&mut c, "expert_ankara").await.len(), 2);

        // Renamed by its id: still one view.
        let renamed = c
            .save_saved_view(as_user("expert_ankara", pb::SaveSavedViewRequest { id: acil.id.clone(), ..save("Acil olanlar", pb::CaseView::Pool, "aciliyet=2") }))
            .await
            .unwrap()
            .into_inner()
            .view
            .unwrap();
        assert_eq!(renamed.id, acil.id);
        let mine = list(&mut c, "expert_ankara").await;
        assert_eq!(mine.len(), 2);
        assert!(mine.iter().any(|v| v.name == "Acil olanlar" && v.query == "aciliyet=2"));

        c.delete_saved_view(as_user("expert_ankara", pb::DeleteSavedViewRequest { id: acil.id.clone() }))
            .await
            .unwrap();
        // Deleting again (a double click) succeeds and changes nothing.
        c.delete_saved_view(as_user("expert_ankara", pb::DeleteSavedViewRequest { id: acil.id }))
            .await
            .unwrap();
        let names: Vec<String> = list(&mut c, "expert_ankara").await.into_iter().map(|v| v.name).collect();
        assert_eq!(names, vec!["bekleyen işler"]);
    }

    async fn saving_under_a_name_in_use_replaces_that_view_by_turkish_case_rules(app) {
        let mut c = views(&app).await;
        let first = c
            .save_saved_view(as_user("expert_ankara", save("İşler", pb::CaseView::Pool, "gun=4")))
            .await
            .unwrap()
            .into_inner()
            .view
            .unwrap();
        let again = c
            .save_saved_view(as_user("expert_ankara", save("işler", pb::CaseView::Mine, "aciliyet=2")))
            .await
            .unwrap()
            .into_inner()
            .view
            .unwrap();
        assert_eq!(again.id, first.id, "the same view, its filter replaced");
        let mine = list(&mut c, "expert_ankara").await;
        assert_eq!(mine.len(), 1);
        assert_eq!((mine[0].view, mine[0].query.as_str()), (pb::CaseView::Mine as i32, "aciliyet=2"));
        // "IŞLER" is another word in Turkish (ı, not i).
        c.save_saved_view(as_user("expert_ankara", save("IŞLER", pb::CaseView::Pool, "")))
            .await
            .unwrap();
        let other = c
            .save_saved_view(as_user("expert_ankara", save("Başka", pb::CaseView::Pool, "")))
            .await
            .unwrap()
            .into_inner()
            .view
            .unwrap();
        // Renaming one onto another's name is refused by the name field.
        let clash = c
            .save_saved_view(as_user("expert_ankara", pb::SaveSavedViewRequest { id: other.id, ..save("İŞLER", pb::CaseView::Pool, "") }))
            .await
            .unwrap_err();
        assert_eq!(clash.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&clash), vec!["name"]);
        assert_eq!(list(&mut c, "expert_ankara").await.len(), 3);
    }

    async fn a_bad_name_list_or_query_is_refused_by_its_field(app) {
        let mut c = views(&app).await;
        let long_query = format!("ilce={}", "a".repeat(1000));
        let cases: Vec<(pb::SaveSavedViewRequest, Vec<&str>)> = vec![
            (save("   ", pb::CaseView::Pool, ""), vec!["name"]),
            (save(&"ğ".repeat(61), pb::CaseView::Pool, ""), vec!["name"]),
            (save("Acil", pb::CaseView::DueSoon, ""), vec!["view"]),
            (save("Acil", pb::CaseView::Unspecified, ""), vec!["view"]),
            (save("Acil", pb::CaseView::Pool, "a=<script>"), vec!["query"]),
            (save("Acil", pb::CaseView::Pool, &long_query), vec!["query"]),
            (save("", pb::CaseView::All, "a b"), vec!["name", "view", "query"]),
            (pb::SaveSavedViewRequest { id: "not-an-id".into(), ..save("Acil", pb::CaseView::Pool, "") }, vec!["id"]),
        ];
        for (req, fields) in cases {
            let e = c.save_saved_view(as_user("expert_ankara", req)).await.unwrap_err();
            assert_eq!(e.code(), Code::InvalidArgument);
            assert_eq!(violated_fields(&e), fields);
            assert!(!e.message().contains("script"), "the value is not echoed");
        }
        let e = c
            .delete_saved_view(as_user("expert_ankara", pb::DeleteSavedViewRequest { id: "x".into() }))
            .await
            .unwrap_err();
        assert_eq!(violated_fields(&e), vec!["id"]);
        assert!(list(&mut c, "expert_ankara").await.is_empty());
    }

    async fn a_user_keeps_at_most_twenty_views(app) {
        let mut c = views(&app).await;
        for i in 0..20 {
            c.save_saved_view(as_user("expert_ankara", save(&format!("Görünüm {i}"), pb::CaseView::Pool, &format!("gun={i}"))))
                .await
                .unwrap();
        }
        let e = c
            .save_saved_view(as_user("expert_ankara", save("Yirmi birinci", pb::CaseView::Pool, "")))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&e), vec!["name"]);
        // At the limit an existing one can still be replaced, and others are not limited by it.
        c.save_saved_view(as_user("expert_ankara", save("Görünüm 3", pb::CaseView::Mine, "aciliyet=2")))
            .await
            .unwrap();
        c.save_saved_view(as_user("expert_izmir", save("Yirmi birinci", pb::CaseView::Pool, "")))
            .await
            .unwrap();
        assert_eq!(list(&mut c, "expert_ankara").await.len(), 20);
        let first = list(&mut c, "expert_ankara").await.remove(0);
        c.delete_saved_view(as_user("expert_ankara", pb::DeleteSavedViewRequest { id: first.id }))
            .await
            .unwrap();
        c.save_saved_view(as_user("expert_ankara", save("Yirmi birinci", pb::CaseView::Pool, "")))
            .await
            .unwrap();
    }

    async fn a_service_caller_has_no_saved_views(app) {
        let mut c = views(&app).await;
        let e = c
            .list_saved_views(with_token(ROUTING_TOKEN, pb::ListSavedViewsRequest {}))
            .await
            .unwrap_err();
        assert_eq!(e.code(), Code::PermissionDenied);
    }
}
