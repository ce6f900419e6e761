//! `SearchCases` (issue 21) on both stores: Turkish folding (İ/ı, letters
//! typed without their marks), suffixes ("borusu", "borular" find "boru"),
//! names and notes, the exact look-ups (tracking number in any spelling,
//! phone in any format, e-mail, partner reference) first, scope exactly as
//! the lists (an Ankara expert never finds an İzmir record), and the
//! backfill of cases opened before the index.

use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

async fn search(
    app: &mut TestApp,
    who: &str,
    q: &str,
) -> Result<Vec<pb::SearchResult>, tonic::Status> {
    app.case
        .search_cases(as_user(
            who,
            pb::SearchCasesRequest {
                query: q.into(),
                limit: 0,
            },
        ))
        .await
        .map(|r| r.into_inner().results)
}

async fn found(app: &mut TestApp, who: &str, q: &str) -> Vec<String> {
    search(app, who, q)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.case.unwrap().id)
        .collect()
}

async fn with_text(
    app: &mut TestApp,
    pool: &str,
    province: u32,
    district: &str,
    text: &str,
) -> pb::Case {
    let mut req = app.application(pool, province, district);
    req.text = text.into();
    app.create(req).await
}

both_stores! {
    async fn turkish_words_are_found_however_they_are_typed(app) {
        let water = app.org.ankara_water.clone();
        let pipes = with_text(&mut app, &water, 6, "Çankaya", "Sokaktaki borular patladı, IŞIKLAR da yanmıyor.").await;
        let other = with_text(&mut app, &water, 6, "Çankaya", "Faturam çok yüksek geldi.").await;
        for q in ["boru", "BORUSU", "borular", "ışık", "isik", "IŞIK", "patladi", "sokak boru"] {
            assert_eq!(found(&mut app, "admin", q).await, vec![pipes.id.clone()], "{q}");
        }
        assert_eq!(found(&mut app, "admin", "faturalar").await, vec![other.id.clone()]);
        assert!(found(&mut app, "admin", "boru fatura").await.is_empty(), "every word must match");

        // Notes and the applicant's name are searched too.
        app.claim("expert_ankara", &[&other.id]).await.unwrap();
        app.note("expert_ankara", &other.id, "Sayaç değiştirildi, vana kapatıldı.").await.unwrap();
        assert_eq!(found(&mut app, "admin", "vanası").await, vec![other.id.clone()]);
        let both = found(&mut app, "admin", "ayse yilmaz").await;
        assert!(both.contains(&pipes.id) && both.contains(&other.id), "{both:?}");
    }

    async fn exact_lookups_come_first(app) {
        let water = app.org.ankara_water.clone();
        let c = with_text(&mut app, &water, 6, "Çankaya", "Su yok.").await;
        let bare: String = c.tracking_number.chars().filter(|x| *x != '-').collect::<String>().to_lowercase();
        let got = search(&mut app, "admin", &bare).await.unwrap();
        assert_eq!(got[0].case.as_ref().unwrap().id, c.id);
        assert_eq!(got[0].matched_by, pb::SearchMatch::TrackingNumber as i32);
        let got = search(&mut app, "admin", "+90 (532) 123-4567").await.unwrap();
        assert!(got.iter().any(|r| r.case.as_ref().unwrap().id == c.id && r.matched_by == pb::SearchMatch::Phone as i32));
        let got = search(&mut app, "admin", "AYSE.YILMAZ@ornek.com.tr").await.unwrap();
        assert!(got.iter().any(|r| r.matched_by == pb::SearchMatch::Email as i32), "{got:?}");
        let err = search(&mut app, "admin", "   ").await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
    }

    async fn the_scope_is_the_lists_scope(app) {
        let (ankara, izmir) = (app.org.ankara_water.clone(), app.org.izmir_water.clone());
        let a = with_text(&mut app, &ankara, 6, "Çankaya", "Ana boru patladı").await;
        let i = with_text(&mut app, &izmir, 35, "Karşıyaka", "Ana boru patladı").await;
        assert_eq!(found(&mut app, "expert_izmir", "boru").await, vec![i.id.clone()]);
        assert_eq!(found(&mut app, "expert_ankara", "boru").await, vec![a.id.clone()]);
        let all = found(&mut app, "admin", "boru").await;
        assert_eq!(all.len(), 2);
        // Nor by its number or the applicant's phone.
        assert!(found(&mut app, "expert_izmir", &a.tracking_number).await.is_empty());
        assert_eq!(found(&mut app, "expert_izmir", "0532 123 45 67").await, vec![i.id.clone()]);
    }

    async fn cases_opened_before_the_index_are_indexed_by_the_backfill(app) {
        let water = app.org.ankara_water.clone();
        let c = with_text(&mut app, &water, 6, "Çankaya", "Rögar kapağı kırık").await;
        app.execute_sql("DELETE FROM case_search").await;
        assert!(found(&mut app, "admin", "rögar").await.is_empty());
        // The escalation round (every 100 ms in these tests) indexes it.
        let back = tokio::time::timeout(std::time::Duration::from_secs(20), async {
            loop {
                if !found(&mut app, "admin", "rogar kapagi").await.is_empty() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        })
        .await;
        assert!(back.is_ok(), "indexed again");
        assert_eq!(found(&mut app, "admin", "kırık").await, vec![c.id.clone()]);
    }

    async fn a_misspelt_word_finds_what_it_is_close_to_after_what_matches_as_typed(app) {
        let (ankara, izmir) = (app.org.ankara_water.clone(), app.org.izmir_water.clone());
        let pipe = with_text(&mut app, &ankara, 6, "Çankaya", "Sokaktaki ana boru patladı.").await;
        let other = with_text(&mut app, &ankara, 6, "Çankaya", "Borrular diye bir şey yazdım.").await;
        let far = with_text(&mut app, &izmir, 35, "Konak", "Sokaktaki ana boru patladı.").await;
        let got = search(&mut app, "expert_ankara", "borru").await.unwrap();
        let ids: Vec<String> = got.iter().map(|r| r.case.clone().unwrap().id).collect();
        // "borrular" matches "borru" as typed and comes first; the record
        // with "boru", one letter off, follows as a similar spelling; the
        // İzmir record never, however it is spelt.
        assert_eq!(ids, vec![other.id.clone(), pipe.id.clone()], "{got:?}");
        assert_eq!(got[0].matched_by, pb::SearchMatch::Words as i32);
        assert_eq!(got[1].matched_by, pb::SearchMatch::SimilarWords as i32);
        assert!(!ids.contains(&far.id));
        // The applicant's name misspelt ("Yılmaz" typed "Yilmas"), with a
        // word spelt right.
        let got = found(&mut app, "expert_ankara", "Yilmas patladı").await;
        assert_eq!(got, vec![pipe.id.clone()]);
        // Unlike words stay unlike: nothing is found for them.
        assert!(found(&mut app, "expert_ankara", "fatura").await.is_empty());
        assert!(found(&mut app, "expert_ankara", "boruz faturası").await.is_empty());
    }
}
