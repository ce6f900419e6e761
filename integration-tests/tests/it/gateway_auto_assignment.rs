//! *Otomatik Atama* through the gateway inside `tekmerkez dev` (issue 21,
//! part 4): Ankara's pool manager finds the page from *Havuz Yönetimi*,
//! a capacity out of range comes back as typed with the error by its
//! field, then sets capacities and switches the water pool on; applications
//! filed through intake's API go to the experts by themselves, each record
//! showing the step "Atandı (otomatik)"; an expert who says "Müsait değil"
//! in the header gets nothing more, and one at capacity neither; an expert
//! lists absence days on their profile (a wrong date back as typed) and
//! cannot open the manager's page.

use std::time::Duration;

use crate::channels::{Running, start};
use tekmerkez_integration_tests::{
    page::Page,
    wait::eventually,
    web::{Browser, hidden, sign_in},
};

const WATER_POOL: &str = "Ankara Su Arıza Birimi";

/// Files a water-fault application in Ankara/Çankaya and waits until the
/// case service holds it: its tracking number and case.
async fn arrive(app: &Running, n: u32) -> (String, tekmerkez_proto::case_v1::Case) {
    let tn = app
        .apply_text(
            "Ankara",
            "Çankaya",
            "su_arizasi",
            &format!("0532 111 22 {n:02}"),
            "Sokağımızda su borusu patladı, su akıyor.",
        )
        .await;
    let case = app.case(&tn).await;
    (tn, case)
}

/// Who holds the case of `tn` once it is assigned.
async fn holder_of(app: &Running, tn: &str) -> String {
    eventually(
        Duration::from_secs(20),
        "the record assigned automatically",
        || async {
            let c = app.case(tn).await;
            (!c.holder_id.is_empty()).then_some(c.holder_id)
        },
    )
    .await
}

/// The expert rows' ids and "held / capacity" on the manager's page.
fn loads(page: &str) -> Vec<(String, String)> {
    let p = Page::parse(page);
    p.attrs("#uzmanlar tr[data-uzman]", "data-uzman")
        .into_iter()
        .map(|id| {
            let load = p.text_in(&format!("tr[data-uzman=\"{id}\"] td.yuk"));
            (id, load)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_switches_it_on_and_arrivals_go_to_present_experts_within_capacity() {
    let app = start(|_| {}).await;
    let mut manager = Browser::new(app.http);
    sign_in(&mut manager, "yonetici.ankara").await;
    let (mut e1, mut e2) = (Browser::new(app.http), Browser::new(app.http));
    sign_in(&mut e1, "uzman.ankara").await;
    sign_in(&mut e2, "uzman2.ankara").await;

    let (status, list, _, _) = manager.get("/havuz").await;
    assert_eq!(status, 200);
    let links = Page::parse(&list);
    let names = links.texts("#otomatik-atama a");
    let hrefs = links.attrs("#otomatik-atama a", "href");
    let at = names
        .iter()
        .position(|n| n == WATER_POOL)
        .unwrap_or_else(|| panic!("a link per managed pool: {names:?}"));
    let page_url = hrefs[at].clone();
    assert!(
        !names.iter().any(|n| n.contains("İzmir")),
        "only the managed pools: {names:?}"
    );

    // An expert has no manager's page.
    let (status, _, _, _) = e1.get(&page_url).await;
    assert_eq!(status, 403);

    let (status, page, _, _) = manager.get(&page_url).await;
    assert_eq!(status, 200, "{page}");
    let p = Page::parse(&page);
    assert_eq!(p.text_in("h1 .toplam"), format!("— {WATER_POOL}"));
    assert!(!p.has("#acik[checked]"), "off until switched on");
    let experts = p.attrs("#uzmanlar tr[data-uzman]", "data-uzman");
    assert_eq!(experts.len(), 2, "Ankara's two experts");
    let row = |id: &str| p.text_in(&format!("tr[data-uzman=\"{id}\"]"));
    let by_name = |name: &str| {
        experts
            .iter()
            .find(|id| row(id).contains(name))
            .unwrap_or_else(|| panic!("{name} listed"))
            .clone()
    };
    let (mehmet, zeynep) = (by_name("Mehmet Öztürk"), by_name("Zeynep Çelik"));
    assert!(row(&mehmet).contains("Müsait"), "{}", row(&mehmet));
    assert!(row(&mehmet).contains("Her konu"), "no skills: any category");
    let csrf = hidden(&page, "csrf");
    let expert_url = format!("{page_url}/uzman");

    // Out of range: refused by the field, the typed values kept.
    for bad in ["-1", "1001"] {
        let (status, refused, _, _) = manager
            .post(
                &expert_url,
                &[
                    ("csrf", csrf.as_str()),
                    ("uzman", mehmet.as_str()),
                    ("kapasite", bad),
                    ("konu", "su_arizasi"),
                ],
            )
            .await;
        assert_eq!(status, 422);
        let r = Page::parse(&refused);
        assert_eq!(
            r.text_in(&format!("#kapasite-{mehmet}-hata")),
            "Kapasite 0 ile 1000 arasında bir sayı olmalı."
        );
        assert_eq!(
            r.attrs(&format!("#kapasite-{mehmet}"), "value"),
            [bad],
            "kept as typed"
        );
        assert_eq!(
            r.attrs(&format!("#konu-{mehmet} option[selected]"), "value"),
            ["su_arizasi"],
            "the chosen category kept"
        );
        assert!(r.has(&format!("#kapasite-{mehmet}[autofocus]")));
    }
    let (status, refused, _, _) = manager
        .post(
            &expert_url,
            &[
                ("csrf", csrf.as_str()),
                ("uzman", mehmet.as_str()),
                ("kapasite", "2"),
                ("konu", "yok_boyle_konu"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        Page::parse(&refused).text_in(&format!("#konu-{mehmet}-hata")),
        "Konular listeden seçilmeli."
    );

    // Capacities of two, then switched on (least loaded).
    for id in [&mehmet, &zeynep] {
        let (status, _, _, to) = manager
            .post(
                &expert_url,
                &[
                    ("csrf", csrf.as_str()),
                    ("uzman", id.as_str()),
                    ("kapasite", "2"),
                ],
            )
            .await;
        assert_eq!(status, 303);
        assert_eq!(
            to.as_deref(),
            Some(format!("{page_url}?durum=kaydedildi#uzman-{id}").as_str())
        );
    }
    let (status, _, _, to) = manager
        .post(
            &page_url,
            &[("csrf", csrf.as_str()), ("acik", "1"), ("yontem", "2")],
        )
        .await;
    assert_eq!(status, 303);
    let (_, page, _, _) = manager.get(&to.unwrap()).await;
    let p = Page::parse(&page);
    assert_eq!(p.text_in("#durum"), "Kaydedildi.");
    assert!(p.has("#acik[checked]"));
    assert_eq!(p.attrs("#yontem option[selected]", "value"), ["2"]);
    let mut shown = loads(&page);
    shown.sort();
    let mut want = vec![
        (mehmet.clone(), "0 / 2".to_owned()),
        (zeynep.clone(), "0 / 2".to_owned()),
    ];
    want.sort();
    assert_eq!(shown, want);

    // Two arrivals: one each (least loaded), each a step "Atandı (otomatik)".
    let (first, case) = arrive(&app, 1).await;
    assert_eq!(
        app.pool_name(&case.pool_id).await,
        WATER_POOL,
        "routed to the water pool"
    );
    let (second, _) = arrive(&app, 2).await;
    let mut given = vec![
        holder_of(&app, &first).await,
        holder_of(&app, &second).await,
    ];
    given.sort();
    let mut both = vec![mehmet.clone(), zeynep.clone()];
    both.sort();
    assert_eq!(given, both, "one each");
    let (_, record, _, _) = manager.get(&format!("/kayit/{}", case.id)).await;
    let steps = Page::parse(&record).texts("ol.adimlar li");
    assert!(
        steps.iter().any(|s| s.contains("Atandı (otomatik)")),
        "{steps:?}"
    );

    // Zeynep leaves the desk from the header of her call pool page.
    let (_, pool_page, _, _) = e2.get("/cagri-havuzu").await;
    let header = Page::parse(&pool_page);
    assert_eq!(header.text_in("#musaitlik-durumu"), "Müsait");
    assert_eq!(header.text_in("#musaitlik-degistir"), "Müsait değilim");
    let (status, _, _, back) = e2
        .post(
            "/musaitlik",
            &[
                ("csrf", hidden(&pool_page, "csrf").as_str()),
                ("musait", "0"),
                ("geri", "/cagri-havuzu"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(back.as_deref(), Some("/cagri-havuzu"));
    let (_, pool_page, _, _) = e2.get("/cagri-havuzu").await;
    assert_eq!(
        Page::parse(&pool_page).text_in("#musaitlik-durumu"),
        "Müsait değil"
    );
    let (status, _, _, _) = e2
        .post(
            "/musaitlik",
            &[("csrf", "forged"), ("musait", "1"), ("geri", "/")],
        )
        .await;
    assert_eq!(status, 403, "a forged toggle changes nothing");

    // The next goes to Mehmet; the one after waits (he is at capacity,
    // Zeynep is away from the desk).
    let (third, _) = arrive(&app, 3).await;
    assert_eq!(holder_of(&app, &third).await, mehmet);
    let (fourth, _) = arrive(&app, 4).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.case(&fourth).await.holder_id, "", "nobody may take it");
    let (_, page, _, _) = manager.get(&page_url).await;
    let mut shown = loads(&page);
    shown.sort();
    let mut want = vec![
        (mehmet.clone(), "2 / 2".to_owned()),
        (zeynep.clone(), "1 / 2".to_owned()),
    ];
    want.sort();
    assert_eq!(shown, want);
    assert!(
        Page::parse(&page)
            .text_in(&format!("tr[data-uzman=\"{zeynep}\"]"))
            .contains("Müsait değil")
    );

    // Back at the desk, Zeynep takes the waiting one at once.
    let (_, home, _, _) = e2.get("/").await;
    let (status, _, _, _) = e2
        .post(
            "/musaitlik",
            &[
                ("csrf", hidden(&home, "csrf").as_str()),
                ("musait", "1"),
                ("geri", "/"),
            ],
        )
        .await;
    assert_eq!(status, 303);
    assert_eq!(holder_of(&app, &fourth).await, zeynep);

    // Absence days on the profile: a wrong date back as typed.
    let (_, profile, _, _) = e1.get("/kullanici").await;
    let form = [
        ("csrf", hidden(&profile, "csrf")),
        ("gunler", "31.12.2099\nyarın".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, refused, _, _) = e1.post("/kullanici/izin-gunleri", &form).await;
    assert_eq!(status, 422);
    let r = Page::parse(&refused);
    assert_eq!(
        r.text_in("#gunler-hata"),
        "Her satır bir tarih olmalı (GG.AA.YYYY ya da YYYY-AA-GG)."
    );
    assert_eq!(r.value("gunler"), "31.12.2099\nyarın");
    let form = [("csrf", form[0].1), ("gunler", "2099-12-31\n30.12.2099")];
    let (status, _, _, to) = e1.post("/kullanici/izin-gunleri", &form).await;
    assert_eq!(status, 303);
    let (_, profile, _, _) = e1.get(&to.unwrap()).await;
    let p = Page::parse(&profile);
    assert_eq!(p.text_in("#durum"), "İzin günleriniz kaydedildi.");
    assert_eq!(p.value("gunler"), "30.12.2099\n31.12.2099", "in order");
    let (_, manager_profile, _, _) = manager.get("/kullanici").await;
    assert!(
        !Page::parse(&manager_profile).has("#gunler"),
        "only experts list absence days"
    );

    // In English, every state is worded.
    let (_, page, _, _) = manager.get(&format!("{page_url}?lang=en")).await;
    let p = Page::parse(&page);
    assert_eq!(p.text_in("label.secenek"), "Automatic assignment on");
    assert!(p.text_in("#uzmanlar").contains("Available"));

    app.stop().await;
}
