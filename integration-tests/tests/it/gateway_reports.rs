//! *Raporlar* through the gateway inside `tekmerkez dev`: only admins,
//! directorate managers and pool managers get it (on the menu and by URL);
//! each sees the figures of its own scope (a pool manager its pools'); the
//! page has its SVG charts with their tables; a custom period that ends
//! before it starts is refused naming the field and keeping what was
//! typed; every table downloads as CSV (BOM, comma or semicolon) and XLSX
//! with Turkish headers, English ones in the English locale.

use std::time::Duration;

use reqwest::StatusCode;
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::web::{Browser, dev_settings, sign_in};
use tekmerkez_integration_tests::{page::Page, wait::eventually};
use tokio_util::sync::CancellationToken;

/// The whole of the demo data, by month (the page's state is its URL).
const PERIOD: &str = "donem=ozel&baslangic=2020-01-01&bitis=2029-12-31&adim=ay";

/// The opened total of the breakdown (its footer's first figure).
fn opened_total(page: &str) -> Option<i64> {
    Page::parse(page)
        .texts("#kirilim-tablosu tfoot td")
        .first()
        .and_then(|t| t.replace('.', "").parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_are_for_managers_in_their_scope_with_charts_tables_and_downloads() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 60)).await.unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let (mut admin, mut pool_manager, mut director, mut expert) = (
        Browser::new(addr),
        Browser::new(addr),
        Browser::new(addr),
        Browser::new(addr),
    );
    sign_in(&mut admin, "admin").await;
    sign_in(&mut pool_manager, "yonetici.ankara").await;
    sign_in(&mut director, "mudur.su").await;
    sign_in(&mut expert, "uzman.ankara").await;

    // Role gating: on the menu of the three roles, refused to an expert.
    for b in [&mut admin, &mut pool_manager, &mut director] {
        let (_, home, _, _) = b.get("/").await;
        assert!(home.contains("href=\"/raporlar\""), "menu entry");
    }
    let (_, home, _, _) = expert.get("/").await;
    assert!(!home.contains("/raporlar"));
    let (status, _, _, _) = expert.get(&format!("/raporlar?{PERIOD}")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = expert
        .get_bytes(&format!("/raporlar/indir?{PERIOD}&tablo=kirilim&bicim=csv"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The admin sees every demo record once the reports have counted them.
    let by_channel = format!("/raporlar?{PERIOD}&kirilim=kanal");
    // Settled: the demo's 60 records and its letters, the same twice a
    // second apart (the consumer may still be counting the last ones).
    let mut last = None;
    let all = eventually(
        Duration::from_secs(30),
        "the reports count the demo records",
        async || {
            let (_, page, _, _) = admin.get(&by_channel).await;
            let now = opened_total(&page).filter(|n| *n >= 60);
            let settled = now.is_some() && now == last;
            last = now;
            if !settled {
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            now.filter(|_| settled)
        },
    )
    .await;
    let (status, page, _, _) = admin.get(&by_channel).await;
    assert_eq!(status, StatusCode::OK);
    let p = Page::parse(&page);
    for chart in ["#grafik-kirilim", "#grafik-egilim"] {
        assert!(p.has(&format!("svg{chart}[role=img]")), "{chart}");
    }
    assert!(page.contains("<title id=\"grafik-kirilim-baslik\">"));
    assert!(p.has("#egilim-tablosu") && p.has("#uyum-tablosu"));
    assert!(
        page.contains(">Telefon<") || page.contains(">Web formu<"),
        "channel names, not codes"
    );
    assert!(!page.contains(">web_form<"));
    // Every number links to the records it counts.
    assert!(p.has("#kirilim-tablosu tbody a[href^=\"/raporlar/kayitlar?\"]"));

    // Scope: a pool manager counts only its pools (Ankara's).
    let (status, mine, _, _) = pool_manager
        .get(&format!("/raporlar?{PERIOD}&kirilim=havuz"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let own = opened_total(&mine).unwrap();
    assert!(0 < own && own < all, "{own} of {all}");
    let names = Page::parse(&mine).texts("#kirilim-tablosu tbody th");
    assert!(!names.is_empty());
    for n in &names {
        assert!(n.contains("Ankara"), "only Ankara's pools: {n}");
    }
    // Its default breakdown is its pools.
    let (_, default, _, _) = pool_manager.get(&format!("/raporlar?{PERIOD}")).await;
    assert_eq!(opened_total(&default), Some(own));
    assert!(default.contains("<option value=\"havuz\" selected>"));
    // A directorate manager starts at its units.
    let (status, units, _, _) = director.get(&format!("/raporlar?{PERIOD}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(units.contains("<option value=\"birim\" selected>"));

    // A custom period ending before it starts: 400, the field named, the
    // values kept, nothing counted.
    let (status, bad, _, _) = admin
        .get("/raporlar?donem=ozel&baslangic=2026-03-10&bitis=2026-03-01")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let b = Page::parse(&bad);
    assert!(b.has("#bitis[aria-invalid=true]"));
    assert!(b.text_in("#bitis-hata").contains("başlangıç gününden önce"));
    assert_eq!(b.attrs("#baslangic", "value"), ["2026-03-10"]);
    assert_eq!(b.attrs("#bitis", "value"), ["2026-03-01"]);
    assert!(!b.has("#kirilim-tablosu"));

    // A period with nothing due or closed says so instead of a blank chart.
    let (status, quiet, _, _) = admin
        .get("/raporlar?donem=ozel&baslangic=2020-01-01&bitis=2020-01-31")
        .await;
    assert_eq!(status, StatusCode::OK);
    let q = Page::parse(&quiet);
    assert!(!q.has("svg#grafik-uyum"));
    assert!(
        q.text_in("#uyum-yok")
            .contains("süre uyumu henüz ölçülemiyor")
    );

    // Downloads: CSV with a BOM, the semicolon variant, XLSX.
    let csv_path = format!("/raporlar/indir?{PERIOD}&kirilim=kanal&tablo=kirilim&bicim=csv");
    let (status, csv, headers) = admin.get_bytes(&csv_path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment; filename=\"rapor-kirilim-2020-01-01_2029-12-31.csv\"")
    );
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(csv.contains("Kanal,Açılan,Çözülen,Dönem sonunda açık"));
    assert!(csv.contains(&format!("Toplam,{all},")));
    let (_, semi, _) = admin
        .get_bytes(&csv_path.replace("bicim=csv", "bicim=csv-tr"))
        .await;
    let semi = String::from_utf8(semi).unwrap();
    assert!(semi.starts_with('\u{feff}'));
    assert!(semi.contains("Kanal;Açılan;Çözülen"));
    let (status, xlsx, headers) = admin
        .get_bytes(&csv_path.replace("bicim=csv", "bicim=xlsx"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(xlsx.starts_with(b"PK"), "a zip (XLSX)");
    // The trend table too, English headers in the English locale.
    let (_, trend, _) = admin
        .get_bytes(&format!(
            "/raporlar/indir?{PERIOD}&kirilim=kanal&tablo=egilim&bicim=csv&lang=en"
        ))
        .await;
    let trend = String::from_utf8(trend).unwrap();
    assert!(trend.contains("Period,Opened,Resolved"), "{trend}");
    // The pool manager's download holds its own figures only.
    let (_, own_csv, _) = pool_manager
        .get_bytes(&format!(
            "/raporlar/indir?{PERIOD}&kirilim=havuz&tablo=kirilim&bicim=csv-tr"
        ))
        .await;
    let own_csv = String::from_utf8(own_csv).unwrap();
    assert!(own_csv.contains(&format!("Toplam;{own};")), "{own_csv}");

    shutdown.cancel();
    server.await.unwrap().unwrap();
}
