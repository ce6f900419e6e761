//! *Süre Kuralları* in the admin pages: the seeded policies in words (never
//! a code); a refused form keeps what was typed with the error by its field;
//! an admin adds a policy, edits it, is told when editing an old version or
//! adding a key that exists, and deletes it; the general policy stays;
//! nobody else sees the page or may post to it.

use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, dev_settings, hidden, option, sign_in},
};
use tokio_util::sync::CancellationToken;

const PAGE: &str = "/yonetim/sure-kurallari";

/// The table's rows, each as its cells joined by " | ".
fn rows(page: &str) -> Vec<String> {
    let p = Page::parse(page);
    let n = p.texts("#sure-kurallari tbody tr").len();
    (1..=n)
        .map(|i| {
            p.texts(&format!("#sure-kurallari tbody tr:nth-child({i}) td"))
                .join(" | ")
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_edits_and_deletes_a_deadline_policy() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 0)).await.unwrap();
    let http = dev.http_addr();
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));

    let mut expert = Browser::new(http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (status, _, _, _) = expert.get(PAGE).await;
    assert_eq!(status, 403);
    let (_, home, _, _) = expert.get("/").await;
    let csrf = hidden(&home, "csrf");
    let (status, _, _, _) = expert
        .post(
            PAGE,
            &[("csrf", &csrf), ("yasal_gun", "1"), ("yasal_sayim", "1")],
        )
        .await;
    assert_eq!(status, 403);

    let mut admin = Browser::new(http);
    sign_in(&mut admin, "admin").await;
    let (_, page, _, _) = admin.get("/yonetim").await;
    assert!(
        Page::parse(&page).has(&format!("a[href=\"{PAGE}\"]")),
        "linked from Yönetim"
    );
    let (status, page, _, _) = admin.get(PAGE).await;
    assert_eq!(status, 200, "{page}");
    let seeded = rows(&page);
    assert!(
        seeded
            .iter()
            .any(|r| r.starts_with("Tümü | Bilgi edinme | Tümü | 15 iş günü | — | 15 | — | — | 1")),
        "{seeded:?}"
    );
    assert!(
        seeded
            .iter()
            .any(|r| r.starts_with("Tümü | Tümü | Su arızası") && r.contains("4 saat (7/24)")),
        "{seeded:?}"
    );
    assert!(!page.contains("bilgi_edinme |") && !seeded.iter().any(|r| r.contains("su_arizasi")));
    let csrf = hidden(&page, "csrf");
    let (cimer, sikayet, fatura) = (
        option(&page, "CİMER"),
        option(&page, "Şikâyet"),
        option(&page, "Fatura ve abonelik"),
    );
    let form = |legal: &'static str, count: &'static str, version: &'static str| {
        vec![
            ("kaynak", cimer.clone()),
            ("tur", sikayet.clone()),
            ("kategori", fatura.clone()),
            ("yasal_gun", legal.to_owned()),
            ("yasal_sayim", count.to_owned()),
            ("ic_hedef", "48".to_owned()),
            ("ic_birim", "1".to_owned()),
            ("surum", version.to_owned()),
            ("csrf", csrf.clone()),
        ]
    };
    let post = async |b: &mut Browser, f: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        b.post(PAGE, &pairs).await
    };

    // Refused by the field, with what was typed.
    let (status, refused, _, _) = post(&mut admin, form("yirmi", "2", "0")).await;
    assert_eq!(status, 422);
    let r = Page::parse(&refused);
    assert_eq!(
        r.texts("#yasal-gun-hata"),
        ["1 ile 365 arasında bir tam sayı yazın."]
    );
    assert_eq!(r.value("yasal_gun"), "yirmi");
    assert_eq!(r.value("ic_hedef"), "48");
    assert_eq!(
        r.attrs("#kategori option[selected]", "value"),
        std::slice::from_ref(&fatura)
    );
    let (status, refused, _, _) = post(&mut admin, form("20", "0", "0")).await;
    assert_eq!(status, 422);
    assert_eq!(
        Page::parse(&refused).texts("#yasal-sayim-hata"),
        ["Birimini seçin."]
    );

    // Added.
    let (status, _, _, location) = post(&mut admin, form("20", "2", "0")).await;
    assert_eq!(
        (status.as_u16(), location.as_deref()),
        (303, Some("/yonetim/sure-kurallari?durum=kaydedildi"))
    );
    let (_, page, _, _) = admin.get("/yonetim/sure-kurallari?durum=kaydedildi").await;
    assert_eq!(
        Page::parse(&page).texts("#durum"),
        ["Süre kuralı kaydedildi."]
    );
    let added = rows(&page)
        .into_iter()
        .find(|r| r.starts_with("CİMER | Şikâyet | Fatura ve abonelik"))
        .expect("the new row");
    assert!(
        added.contains("| 20 iş günü | 48 saat (7/24) | — | — | — | 1 |"),
        "{added}"
    );
    assert!(
        added.contains("Yönetici") || added.contains(','),
        "who and when: {added}"
    );

    // Adding the same key again is told to edit it.
    let (status, again, _, _) = post(&mut admin, form("21", "2", "0")).await;
    assert_eq!(status, 422);
    assert!(again.contains("zaten bir kural var"), "{again}");

    // Edited from its row's link; an old version is refused and keeps the typing.
    let edit = format!("{PAGE}?duzenle=1&kaynak={cimer}&tur={sikayet}&kategori={fatura}");
    let (_, editing, _, _) = admin.get(&edit).await;
    let e = Page::parse(&editing);
    assert_eq!(e.value("yasal_gun"), "20");
    assert_eq!(e.value("surum"), "1");
    let (status, _, _, _) = post(&mut admin, form("25", "2", "1")).await;
    assert_eq!(status, 303);
    let (status, stale, _, _) = post(&mut admin, form("30", "2", "1")).await;
    assert_eq!(status, 422);
    let s = Page::parse(&stale);
    assert!(
        s.texts("#kaynak-hata")
            .join("")
            .contains("başka biri tarafından değiştirildi")
    );
    assert_eq!(s.value("yasal_gun"), "30");
    let (_, page, _, _) = admin.get(PAGE).await;
    assert!(
        rows(&page).iter().any(|r| r
            .starts_with("CİMER | Şikâyet | Fatura ve abonelik | 25 iş günü")
            && r.contains("| 2 |")),
        "{:?}",
        rows(&page)
    );

    // Deleted; the general policy cannot be.
    let del = |k: &str, t: &str, c: &str, v: &str| {
        [
            ("csrf", csrf.clone()),
            ("kaynak", k.to_owned()),
            ("tur", t.to_owned()),
            ("kategori", c.to_owned()),
            ("surum", v.to_owned()),
        ]
    };
    let d = del(&cimer, &sikayet, &fatura, "2");
    let pairs: Vec<(&str, &str)> = d.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _, location) = admin.post(&format!("{PAGE}/sil"), &pairs).await;
    assert_eq!(
        (status.as_u16(), location.as_deref()),
        (303, Some("/yonetim/sure-kurallari?durum=silindi"))
    );
    let (_, page, _, _) = admin.get(PAGE).await;
    assert!(!rows(&page).iter().any(|r| r.starts_with("CİMER | Şikâyet")));
    let d = del("0", "0", "", "1");
    let pairs: Vec<(&str, &str)> = d.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, kept, _, _) = admin.post(&format!("{PAGE}/sil"), &pairs).await;
    assert_eq!(status, 422, "{kept}");
    assert!(kept.contains("Genel kural"), "{kept}");
    let (_, page, _, _) = admin.get(PAGE).await;
    let general = rows(&page)
        .into_iter()
        .find(|r| r.starts_with("Tümü | Tümü | Tümü | 30 takvim günü"))
        .expect("the general policy stays");
    // The closes no person makes take their reasons from it, in words.
    assert!(
        general.contains("Bilgi amaçlı kayıt: Bilgi verildi")
            && general.contains("Olay kapanınca: Çözüldü")
            && general.contains("Saha ekibi onayıyla: Çözüldü"),
        "{general}"
    );

    // Its reasons are chosen from the active closure reasons; the general
    // policy may not leave one to "a general policy".
    let (_, editing, _, _) = admin
        .get(&format!("{PAGE}?duzenle=1&kaynak=0&tur=0&kategori="))
        .await;
    let e = Page::parse(&editing);
    assert_eq!(
        e.attrs("#neden_bilgi option[selected]", "value"),
        ["bilgi_verildi"]
    );
    // The general policy as seeded: 30 calendar days, not extendable, the
    // note rule 3 calendar days.
    let mut f: Vec<(&str, String)> = [
        ("kaynak", "0"),
        ("tur", "0"),
        ("kategori", ""),
        ("yasal_gun", "30"),
        ("yasal_sayim", "1"),
        ("uzatma", "0"),
        ("not_gun", "3"),
        ("not_sayim", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_owned()))
    .collect();
    f.push(("surum", e.value("surum")));
    f.extend([
        ("csrf", csrf.clone()),
        ("neden_bilgi", "yetki_disi".to_owned()),
        ("neden_olay", "cozuldu".to_owned()),
        ("neden_saha", String::new()),
    ]);
    let (status, refused, _, _) = post(&mut admin, f.clone()).await;
    assert_eq!(status, 422, "{refused}");
    let r = Page::parse(&refused);
    assert_eq!(
        r.texts("#neden_saha-hata"),
        ["Etkin bir kapanış nedeni seçin (genel kuralda boş bırakılamaz)."]
    );
    assert_eq!(
        r.attrs("#neden_bilgi option[selected]", "value"),
        ["yetki_disi"],
        "the typing is kept"
    );
    f.retain(|(k, _)| *k != "neden_saha");
    f.push(("neden_saha", "is_programina_alindi".to_owned()));
    let (status, _, _, _) = post(&mut admin, f).await;
    assert_eq!(status, 303);
    let (_, page, _, _) = admin.get(PAGE).await;
    assert!(
        rows(&page)
            .iter()
            .any(|r| r.starts_with("Tümü | Tümü | Tümü")
                && r.contains("Bilgi amaçlı kayıt: Yetki dışı — başka kuruma yönlendirildi")
                && r.contains("Saha ekibi onayıyla: İş programına alındı")),
        "{:?}",
        rows(&page)
    );

    shutdown.cancel();
    run.await.unwrap().unwrap();
}
