//! Cases by status for /metrics come from maintained totals, not from a
//! count of the cases table: they must agree with one at every step, before
//! and after the deltas are folded, and the gauges must show them.

use crate::{both_stores, helpers::*};

async fn exact(app: &TestApp) -> Vec<(String, i64)> {
    use sqlx::Connection as _;
    let sql = "SELECT status, COUNT(*) AS n FROM cases GROUP BY status ORDER BY status";
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.db_url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&app.db_url).await.unwrap();
            sqlx::query_as(sql).fetch_all(&mut conn).await.unwrap()
        }
    }
}

async fn maintained(app: &TestApp) -> Vec<(String, i64)> {
    app.app
        .store()
        .count_cases_by_status()
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, n)| *n != 0)
        .collect()
}

both_stores! {
    async fn the_status_totals_follow_every_change_before_and_after_folding(app) {
        let a = app.open_case().await;
        let b = app.open_case().await;
        let c = app.open_case().await;
        assert_eq!(maintained(&app).await, exact(&app).await);
        app.claim("expert_ankara", &[&a.id, &b.id]).await.unwrap();
        app.close("expert_ankara", &a.id, "cevap").await.unwrap();
        assert_eq!(maintained(&app).await, exact(&app).await);
        let folded = app.app.store().fold_case_status_deltas(2).await.unwrap();
        assert!(folded <= 2, "a bounded batch");
        assert_eq!(maintained(&app).await, exact(&app).await, "half folded");
        while app.app.store().fold_case_status_deltas(1000).await.unwrap() > 0 {}
        assert_eq!(maintained(&app).await, exact(&app).await, "all folded");
        // Creating a case again with the same application id changes nothing.
        let again = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        let _ = app.create(again).await;
        assert_eq!(maintained(&app).await, exact(&app).await);
        let _ = c;
    }

    async fn the_scrape_reads_the_outbox_and_cases_by_status(app) {
        tekmerkez_telemetry::metrics::install();
        let _ = app.open_case().await;
        let collector = tekmerkez_case::metrics::CaseCollector::new(app.app.store().clone(), app.app.clock().clone());
        let text = tekmerkez_telemetry::metrics::Scrape::new(vec![std::sync::Arc::new(collector)]).run().await;
        let samples = tekmerkez_telemetry::metrics::parse(&text).unwrap();
        for status in ["in_pool", "held", "awaiting_callback", "resolved"] {
            assert!(
                samples.iter().any(|s| s.name == "tekmerkez_case_cases" && s.label("status") == Some(status)),
                "every status is reported, {status} too"
            );
        }
        assert!(samples.iter().any(|s| s.name == "tekmerkez_case_outbox_backlog"));
        assert!(samples.iter().any(|s| s.name == "tekmerkez_case_outbox_oldest_age_seconds"));
    }
}
