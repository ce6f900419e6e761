//! *Raporlar* in a real Chromium against `tekmerkez dev`: the water
//! directorate's manager signs in, opens Raporlar from the menu, sees the
//! breakdown of its units, the trend and deadline compliance as SVG charts
//! (each named for screen readers, each followed by its table), drills into
//! a unit (its pools, with the way back up), and downloads the breakdown
//! as XLSX. Screens under `test-artifacts/screens/browser_reports/`; with
//! `TEKMERKEZ_SCREENSHOT_DIR` set, the report page is also saved there as
//! `reports-page.png`.

use std::time::Duration;

use crate::channels::start;
use tekmerkez_case::demo::DEMO_PASSWORD;
use tekmerkez_integration_tests::browser::{Chrome, shows};
use tekmerkez_integration_tests::wait::eventually;

const PERIOD: &str = "/raporlar?donem=ozel&baslangic=2020-01-01&bitis=2029-12-31&adim=ay";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_directorate_manager_sees_its_figures_in_charts_drills_down_and_downloads_the_xlsx() {
    let chrome = Chrome::start().await.unwrap();
    let app = start(|s| s.dev.demo_cases = 150).await;
    let s = chrome.session(app.http, "browser_reports").await.unwrap();

    s.sign_in("mudur.su", DEMO_PASSWORD).await.unwrap();
    s.click_link("Raporlar").await.unwrap();
    assert!(s.path().await.unwrap().starts_with("/raporlar"));
    shows(
        &s.text().await.unwrap(),
        &["Raporlar", "Dönem", "Bu ay", "Kırılım", "Müdürlüğüm"],
    );

    // The whole of the demo data, once the reports have counted it.
    eventually(
        Duration::from_secs(30),
        "the reports count the demo records",
        async || {
            s.goto(PERIOD).await.ok()?;
            // The reports count events as they come: the opened figures
            // can show before the first close or due date is counted.
            let sum = |cells: Vec<String>, n: usize| {
                cells
                    .iter()
                    .take(n)
                    .map(|c| c.replace('.', "").parse::<i64>().unwrap_or(0))
                    .sum::<i64>()
            };
            let opened = sum(s.texts("#kirilim-tablosu tfoot td").await.ok()?, 1);
            let judged = sum(s.texts("#uyum-tablosu tfoot td").await.ok()?, 2);
            (opened > 0 && judged > 0).then_some(opened)
        },
    )
    .await;
    for chart in ["grafik-kirilim", "grafik-egilim", "grafik-uyum"] {
        let svg = s.one(&format!("svg#{chart}")).await.unwrap();
        assert_eq!(svg.attr("role").await.unwrap().as_deref(), Some("img"));
        assert_eq!(
            svg.attr("aria-labelledby").await.unwrap(),
            Some(format!("{chart}-baslik"))
        );
    }
    let text = s.text().await.unwrap();
    shows(
        &text,
        &[
            "Birim kırılımı",
            "Açılan",
            "Çözülen",
            "Dönem sonunda açık",
            "Zamanında oranı",
            "Eğilim: açılan ve çözülen kayıtlar",
            "Süre uyumu",
            "Toplam",
        ],
    );
    let page_shot = s.screenshot("raporlar").await.unwrap();
    if let Ok(dir) = std::env::var("TEKMERKEZ_SCREENSHOT_DIR") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(
            &page_shot,
            std::path::Path::new(&dir).join("reports-page.png"),
        )
        .unwrap();
    }

    // The XLSX of the breakdown, fetched with the browser's session.
    let href = s
        .one("#kirilim-xlsx")
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let cookies = s
        .client()
        .get_all_cookies()
        .await
        .unwrap()
        .into_iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    let url = if href.starts_with("http") {
        href
    } else {
        format!("http://{}{href}", app.http)
    };
    let res = reqwest::Client::new()
        .get(url)
        .header(reqwest::header::COOKIE, cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let xlsx = res.bytes().await.unwrap();
    assert!(xlsx.starts_with(b"PK"), "an XLSX (a zip)");

    // Drill into the first unit: its pools, and the way back up.
    let first = s
        .one("#kirilim-tablosu tbody tr:first-child a.in")
        .await
        .unwrap();
    let unit = first.text().await.unwrap();
    let label = first.attr("aria-label").await.unwrap().unwrap();
    s.click_link(&label).await.unwrap();
    let path = s.path().await.unwrap();
    assert!(
        path.contains("birim=") && path.contains("kirilim=havuz"),
        "{path}"
    );
    shows(&s.text().await.unwrap(), &["Havuz kırılımı", &unit]);
    s.one("svg#grafik-kirilim").await.unwrap();
    s.screenshot("birim").await.unwrap();
    s.click_link("Müdürlüğüm").await.unwrap();
    assert!(!s.path().await.unwrap().contains("birim="));
    shows(&s.text().await.unwrap(), &["Birim kırılımı"]);

    s.close().await.unwrap();
}
