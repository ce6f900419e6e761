//! *Takvim* over HTTP against `tekmerkez dev`: only an admin sees the page
//! or may post to it (and only with the form's CSRF token); a refused day
//! comes back with what was typed and the error by each refused field,
//! storing nothing; an edit on a stale version is refused with the form as
//! typed; confirming an estimated year clears its *tahmini* badges.

use reqwest::StatusCode;
use tekmerkez_integration_tests::{
    page::Page,
    web::{Browser, hidden, sign_in},
};

use crate::channels::start;

/// Posts the day form `form`.
async fn post(
    b: &mut Browser,
    form: Vec<(&'static str, String)>,
) -> (StatusCode, String, Vec<String>, Option<String>) {
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    b.post("/yonetim/takvim/gun", &refs).await
}

fn version(page: &str) -> String {
    Page::parse(page)
        .attrs("#gun-formu-form input[name=surum]", "value")
        .pop()
        .expect("the day form carries the version")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_calendar_page_is_an_admins_and_refuses_bad_or_stale_forms_as_typed() {
    let app = start(|_| {}).await;

    // Only an admin.
    let mut expert = Browser::new(app.http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (status, _, _, _) = expert.get("/yonetim/takvim?yil=2026").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, home, _, _) = expert.get("/").await;
    let csrf = hidden(&home, "csrf");
    let (status, _, _, _) = expert
        .post(
            "/yonetim/takvim/gun",
            &[
                ("csrf", &csrf),
                ("tarih", "2026-06-01"),
                ("tur", "holiday"),
                ("ad_tr", "Ele geçirildi"),
                ("ad_en", "Taken"),
                ("surum", "0"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let mut admin = Browser::new(app.http);
    sign_in(&mut admin, "admin").await;
    let (status, page, _, _) = admin.get("/yonetim/takvim?yil=2026").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = hidden(&page, "csrf");
    let v = version(&page);
    // Without the form's CSRF token: refused.
    let (status, _, _, _) = admin
        .post(
            "/yonetim/takvim/gun",
            &[
                ("csrf", "forged"),
                ("tarih", "2026-06-01"),
                ("tur", "holiday"),
                ("ad_tr", "Sahte"),
                ("ad_en", "Forged"),
                ("surum", &v),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A bad date and an empty English name: both fields marked, the rest as typed.
    let (status, page, _, _) = admin
        .post(
            "/yonetim/takvim/gun",
            &[
                ("csrf", &csrf),
                ("yil", "2026"),
                ("tarih", "2101-01-01"),
                ("tur", "administrative_leave"),
                ("ad_tr", "Şükrü'nün İdari İzni"),
                ("ad_en", " "),
                ("gerekce", "Genelge"),
                ("surum", &v),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    let p = Page::parse(&page);
    assert_eq!(p.attrs("#ad_tr", "value"), ["Şükrü'nün İdari İzni"]);
    assert_eq!(p.attrs("#tarih", "value"), ["2101-01-01"]);
    assert_eq!(p.attrs("#gerekce", "value"), ["Genelge"]);
    assert_eq!(
        p.attrs("#tur option[selected]", "value"),
        ["administrative_leave"]
    );
    assert_eq!(
        p.texts("#tarih-hata"),
        ["2000–2100 arasında geçerli bir tarih girin."]
    );
    assert_eq!(p.texts("#ad_en-hata"), ["Boş olamaz; en çok 100 karakter."]);
    assert!(!p.has("#ad_tr-hata"));
    assert_eq!(p.attrs("#tarih", "aria-invalid"), ["true"]);
    assert_eq!(version(&page), v, "nothing was stored");

    // Saved; then the same form again on the old version: refused as typed.
    let day = |name: &'static str, date: &'static str, surum: String| {
        vec![
            ("csrf", csrf.clone()),
            ("yil", "2026".to_owned()),
            ("tarih", date.to_owned()),
            ("tur", "administrative_leave".to_owned()),
            ("ad_tr", name.to_owned()),
            ("ad_en", "Leave".to_owned()),
            ("gerekce", String::new()),
            ("surum", surum),
        ]
    };
    let (status, _, _, location) =
        post(&mut admin, day("Birinci izin", "2026-06-01", v.clone())).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/yonetim/takvim?yil=2026&durum=kaydedildi#durum")
    );
    let (status, page, _, _) = post(&mut admin, day("İkinci izin", "2026-06-02", v.clone())).await;
    assert_eq!(status, StatusCode::CONFLICT, "{page}");
    let p = Page::parse(&page);
    assert!(p.texts("#durum")[0].starts_with("Takvim siz düzenlerken değişti"));
    assert_eq!(p.attrs("#ad_tr", "value"), ["İkinci izin"]);
    assert_ne!(version(&page), v, "the page now carries the latest version");
    assert!(
        page.contains("Birinci izin") && !p.texts("#gun-tablosu").concat().contains("İkinci izin")
    );

    // 2027's religious days are estimated until confirmed.
    let (_, page, _, _) = admin.get("/yonetim/takvim?yil=2027").await;
    assert!(
        Page::parse(&page)
            .texts("#gun-tablosu .rozet")
            .iter()
            .any(|b| b == "tahmini")
    );
    let (status, _, _, location) = admin
        .post(
            "/yonetim/takvim/onayla",
            &[
                ("csrf", &csrf),
                ("yil", "2027"),
                ("gerekce", "Diyanet takvimi"),
                ("surum", &version(&page)),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location.as_deref(),
        Some("/yonetim/takvim?yil=2027&durum=onaylandi#durum")
    );
    let (_, page, _, _) = admin.get("/yonetim/takvim?yil=2027&durum=onaylandi").await;
    let p = Page::parse(&page);
    assert!(!p.has("#gun-tablosu .rozet"), "no estimated day left");
    assert!(!p.has("#yil-onay"), "nothing left to confirm");
    assert!(p.texts("#gecmis-tablosu tbody tr")[0].contains("Yıl onaylandı"));
    app.stop().await;
}
