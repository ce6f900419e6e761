use std::collections::HashSet;

use tekmerkez_proto::{case_v1 as pb, common_v1 as common};
use tonic::Code;

use crate::{both_stores, helpers::*};

both_stores! {
    async fn keyset_pages_cover_every_record_once_in_order(app) {
        let mut ids = Vec::new();
        for _ in 0..25 {
            ids.push(app.open_case().await.id);
        }
        let (mut seen, mut token, mut pages) = (Vec::new(), String::new(), 0);
        loop {
            let page = app.list("manager_ankara", pb::CaseView::Pool, 10, &token).await.unwrap();
            pages += 1;
            seen.extend(page.cases.into_iter().map(|c| c.id));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        assert_eq!(pages, 3);
        assert_eq!(seen, ids);
        assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 25);
    }

    async fn urgent_first_sorting_pages_correctly(app) {
        for i in 0..6 {
            let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
            req.urgency = if i % 2 == 0 { common::Urgency::Normal as i32 } else { common::Urgency::Urgent as i32 };
            app.create(req).await;
        }
        let mut all = Vec::new();
        let mut token = String::new();
        loop {
            let req = pb::ListCasesRequest {
                view: pb::CaseView::Pool as i32,
                filter: None,
                sort: pb::CaseSort::UrgentFirst as i32,
                page: Some(common::PageRequest { page_size: 4, page_token: token }),
                with_total: false,
                partner_reference: String::new(),
            };
            let page = app.case.list_cases(as_user("manager_ankara", req)).await.unwrap().into_inner();
            all.extend(page.cases.into_iter().map(|c| c.urgency));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let urgent = common::Urgency::Urgent as i32;
        assert_eq!(all, vec![urgent, urgent, urgent, common::Urgency::Normal as i32, common::Urgency::Normal as i32, common::Urgency::Normal as i32]);
    }

    async fn legal_due_first_sorting_pages_correctly_on_the_due_date_then_arrival(app) {
        // A 4982 request is due in 15 working days, the others in 30
        // calendar days: alternating, the requests come first.
        let mut ids = Vec::new();
        for i in 0..7 {
            let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
            req.application_type = if i % 2 == 0 { common::ApplicationType::Talep } else { common::ApplicationType::BilgiEdinme } as i32;
            ids.push(app.create(req).await.id);
        }
        let mut all = Vec::new();
        let mut token = String::new();
        loop {
            let req = pb::ListCasesRequest {
                view: pb::CaseView::Pool as i32,
                filter: None,
                sort: pb::CaseSort::LegalDueFirst as i32,
                page: Some(common::PageRequest { page_size: 2, page_token: token }),
                with_total: false,
                partner_reference: String::new(),
            };
            let page = app.case.list_cases(as_user("manager_ankara", req)).await.unwrap().into_inner();
            all.extend(page.cases.into_iter().map(|c| (c.id, c.legal_due_date)));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let order: Vec<_> = all.iter().map(|(id, _)| id.clone()).collect();
        let want: Vec<_> = [1, 3, 5, 0, 2, 4, 6].iter().map(|i| ids[*i].clone()).collect();
        assert_eq!(order, want, "due date first, then arrival; every record once across pages");
        let dates: Vec<_> = all.iter().map(|(_, d)| d.clone()).collect();
        assert!(dates.windows(2).all(|w| w[0] <= w[1]) && dates[0] < dates[6], "{dates:?}");
        // A token of another order is refused.
        let req = pb::ListCasesRequest {
            view: pb::CaseView::Pool as i32,
            sort: pb::CaseSort::UrgentFirst as i32,
            page: Some(common::PageRequest { page_size: 2, page_token: hex_token_of_due_sort() }),
            ..Default::default()
        };
        let err = app.case.list_cases(as_user("manager_ankara", req)).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
    }

    async fn filters_narrow_the_pool_view(app) {
        let a = app.open_case().await;
        let mut req = app.application(&app.org.ankara_billing.clone(), 6, "Keçiören");
        req.category = "fatura".into();
        req.channel = common::Channel::MobileApp as i32;
        let b = app.create(req).await;
        let list = |filter: pb::CaseFilter| pb::ListCasesRequest { view: pb::CaseView::Pool as i32, filter: Some(filter), sort: 0, page: None, with_total: false, partner_reference: String::new() };
        let got = app.case.list_cases(as_user("manager_ankara", list(pb::CaseFilter { district: "KEÇİÖREN".into(), ..Default::default() }))).await.unwrap().into_inner();
        assert_eq!(got.cases.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), vec![b.id.clone()]);
        let got = app.case.list_cases(as_user("manager_ankara", list(pb::CaseFilter { channels: vec![common::Channel::WebForm as i32], ..Default::default() }))).await.unwrap().into_inner();
        assert_eq!(got.cases.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), vec![a.id.clone()]);
        let got = app.case.list_cases(as_user("manager_ankara", list(pb::CaseFilter { tracking_number: b.tracking_number.to_lowercase(), ..Default::default() }))).await.unwrap().into_inner();
        assert_eq!(got.cases.len(), 1);
        app.clock.advance(jiff::SignedDuration::from_hours(24 * 2));
        let got = app.case.list_cases(as_user("manager_ankara", list(pb::CaseFilter { min_days_in_pool: 2, ..Default::default() }))).await.unwrap().into_inner();
        assert_eq!(got.cases.len(), 2);
        let got = app.case.list_cases(as_user("manager_ankara", list(pb::CaseFilter { min_days_in_pool: 3, ..Default::default() }))).await.unwrap().into_inner();
        assert!(got.cases.is_empty());
    }

    async fn a_forged_page_token_or_an_unknown_view_is_invalid(app) {
        let err = app.list("manager_ankara", pb::CaseView::Pool, 10, "zz-not-hex").await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["page.page_token"]);
        let err = app.list("manager_ankara", pb::CaseView::Unspecified, 10, "").await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), vec!["view"]);
        let err = app.list("manager_ankara", pb::CaseView::Pool, 100_000, "").await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["page.page_size"]);
    }

    async fn a_list_counts_its_whole_view_and_the_menu_counts_the_roles_views(app) {
        for _ in 0..12 {
            app.open_case().await;
        }
        let req = pb::ListCasesRequest {
            view: pb::CaseView::Pool as i32,
            page: Some(common::PageRequest { page_size: 5, page_token: String::new() }),
            with_total: true,
            ..Default::default()
        };
        let page = app.case.list_cases(as_user("manager_ankara", req)).await.unwrap().into_inner();
        assert_eq!(page.cases.len(), 5);
        assert_eq!((page.total, page.total_capped), (12, false), "the whole list, not the page");
        let filtered = pb::ListCasesRequest {
            view: pb::CaseView::Pool as i32,
            filter: Some(pb::CaseFilter { district: "Keçiören".into(), ..Default::default() }),
            with_total: true,
            ..Default::default()
        };
        let none = app.case.list_cases(as_user("manager_ankara", filtered)).await.unwrap().into_inner();
        assert_eq!((none.total, none.total_capped), (0, false), "the filters narrow the total too");

        let count = |who: &'static str, views: Vec<pb::CaseView>| {
            let mut client = app.case.clone();
            async move {
                client
                    .count_cases(as_user(who, pb::CountCasesRequest { views: views.into_iter().map(|v| v as i32).collect() }))
                    .await
                    .map(|r| r.into_inner().counts.into_iter().map(|c| (c.view, c.count, c.capped)).collect::<Vec<_>>())
            }
        };
        let pool = pb::CaseView::Pool as i32;
        let mine = pb::CaseView::Mine as i32;
        assert_eq!(count("expert_ankara", vec![pb::CaseView::Pool, pb::CaseView::Mine]).await.unwrap(), vec![(pool, 12, false), (mine, 0, false)]);
        // A view the role may not list is left out, not an error.
        assert_eq!(count("expert_ankara", vec![pb::CaseView::CallbackPool]).await.unwrap(), vec![]);
        let err = count("expert_ankara", vec![pb::CaseView::Unspecified]).await.unwrap_err();
        assert_eq!(violated_fields(&err), vec!["view"]);
    }
}

/// A due-sort page token as the case service writes it.
fn hex_token_of_due_sort() -> String {
    tekmerkez_case::grpc::convert::page_token(
        Some(tekmerkez_case::store::Cursor {
            urgency: 0,
            seq: 1,
            legal_due: "2026-04-01".parse().ok(),
        }),
        tekmerkez_case::store::Sort::LegalDueFirst,
    )
}
