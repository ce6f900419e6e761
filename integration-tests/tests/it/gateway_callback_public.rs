//! Through the gateway inside `tekmerkez dev`: the callback agent's *Geri
//! Dönüş Havuzu* (claim, "not reached" needs a time, "reached" resolves);
//! the citizen's public `/takip` (timeline without personal data, one answer
//! for every miss, rate-limited); *Kullanıcı Bilgileri* (own details, a
//! password change that needs the current one and ends other sessions); and
//! the admin's users and routing rules, refused to everyone else.

use std::time::Duration;

use reqwest::StatusCode;
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    wait::eventually,
    web::{Browser, dev_settings, hidden, offered, option, sign_in},
};
use tokio_util::sync::CancellationToken;

/// Runs `body` against a fresh `tekmerkez dev` with `demo_cases` records.
async fn with_dev<F, Fut>(demo_cases: usize, body: F)
where
    F: FnOnce(std::net::SocketAddr) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), demo_cases))
        .await
        .unwrap();
    let addr = dev.http_addr();
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    body(addr).await;
    shutdown.cancel();
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_agent_claims_a_record_tries_again_later_and_resolves_it() {
    with_dev(150, |addr| async move {
        let mut cb = Browser::new(addr);
        sign_in(&mut cb, "geridonus").await;
        let (status, pool, _, _) = cb.get("/geri-donus").await;
        assert_eq!(status, StatusCode::OK);
        assert!(pool.contains("Geri Dönüş Havuzu"));
        let id = offered(&pool)
            .into_iter()
            .next()
            .expect("the demo data has records awaiting a callback");
        let csrf = hidden(&pool, "csrf");
        let (_, _, _, location) = cb
            .post("/geri-donus/al", &[("csrf", &csrf), ("case_id", &id)])
            .await;
        assert_eq!(location.as_deref(), Some("/uzerimdeki?durum=alindi"));

        let (_, record, _, _) = cb.get(&format!("/kayit/{id}")).await;
        assert!(record.contains("Geri Dönüş Sonucu"));
        assert!(
            Page::parse(&record).has("#yetkili-aciklamasi"),
            "the agent reads the official answer to the citizen"
        );
        assert!(
            !record.contains("(iletişim bilgileri gizli)"),
            "the holder sees the phone number to call"
        );
        let path = format!("/kayit/{id}/geri-donus");
        let version = hidden(&record, "version");
        let (status, page, _, _) = cb
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    ("sonuc", "2"),
                    ("text", "Telefonu açmadı."),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            page.contains("yeniden aranacağı ileri bir tarih ve saat giriniz"),
            "not reached needs a time to call again: {page}"
        );
        assert!(page.contains("Telefonu açmadı."), "the note is kept");
        // A time that has passed is named as such, not as an empty text.
        let (status, page, _, _) = cb
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    ("sonuc", "2"),
                    ("zaman", "2020-01-02T10:30"),
                    ("text", "Telefonu açmadı."),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("geçmişte kalıyor"), "{page}");
        assert!(!page.contains("Metin boş olamaz"), "{page}");
        assert!(
            page.contains("value=\"2020-01-02T10:30\""),
            "the time is kept"
        );
        let (_, _, _, location) = cb
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    ("sonuc", "2"),
                    ("zaman", "2099-01-02T10:30"),
                    ("text", "Telefonu açmadı."),
                ],
            )
            .await;
        assert_eq!(
            location.as_deref(),
            Some(format!("/kayit/{id}?durum=geri-donus-kaydedildi").as_str())
        );
        let (_, record, _, _) = cb.get(&format!("/kayit/{id}")).await;
        assert!(
            record.contains("02.01.2099 10:30"),
            "retry time in Istanbul time"
        );
        let version = hidden(&record, "version");
        let (_, _, _, location) = cb
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    ("sonuc", "1"),
                    ("text", "Vatandaşa bilgi verildi, arıza giderilmiş."),
                ],
            )
            .await;
        assert_eq!(location.as_deref(), Some("/geri-donus?durum=sonuclandi"));
        let (_, pool, _, _) = cb.get("/geri-donus?durum=sonuclandi").await;
        assert!(pool.contains("kayıt sonuçlandırıldı"));
        assert!(!offered(&pool).contains(&id));

        // The same outcome form sent again writes nothing.
        let (_, _, _, location) = cb
            .post(
                &path,
                &[
                    ("csrf", &csrf),
                    ("version", &version),
                    ("sonuc", "1"),
                    ("text", "x"),
                ],
            )
            .await;
        assert_ne!(location.as_deref(), Some("/geri-donus?durum=sonuclandi"));
    })
    .await;
}

/// The message paragraph of a tracking page.
fn track_message(page: &str) -> String {
    Page::parse(page).text_in("#takip-hata")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_citizen_tracks_an_application_and_every_miss_looks_the_same() {
    with_dev(0, |addr| async move {
        let http = reqwest::Client::new();
        let res = http
            .post(format!("http://{addr}/v1/applications"))
            .json(&serde_json::json!({
                "channel": "web_form",
                "category": "su_arizasi",
                "text": "Sokağımızda su borusu patladı.",
                "province": "Ankara",
                "district": "Çankaya",
                "applicant": { "name": "Şükrü Öztürk", "phone": "0532 765 43 21" },
                "reply_channel": "sms",
                "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::ACCEPTED);
        let body: serde_json::Value = res.json().await.unwrap();
        let tn = body["tracking_number"].as_str().unwrap().to_owned();

        let mut citizen = Browser::new(addr);
        let (status, form, _, _) = citizen.get("/takip").await;
        assert_eq!(status, StatusCode::OK);
        assert!(form.contains("Başvuru Takibi") && form.contains("son 4 hanesi"));
        // Routing is asynchronous: the case appears within moments.
        let page = eventually(Duration::from_secs(10), "the tracked case", async || {
            let (status, p, _, _) = citizen
                .post("/takip", &[("takip", &tn), ("son4", "4321")])
                .await;
            (status == StatusCode::OK).then_some(p)
        })
        .await;
        assert_eq!(
            Page::parse(&page).text_in("#takip-durum"),
            "Alındı, ilgili birimde sırada",
            "{page}"
        );
        for personal in ["Şükrü", "Öztürk", "0532", "765", "borusu"] {
            assert!(!page.contains(personal), "{personal} leaked");
        }

        // Wrong digits, unknown number, malformed number: the same answer.
        let mut misses = Vec::new();
        for (number, digits) in [
            (tn.as_str(), "0000"),
            ("ZZZZZ-99999", "4321"),
            ("<script>", "4321"),
            (tn.as_str(), "43a1"),
        ] {
            let mut fresh = Browser::new(addr);
            let (status, p, _, _) = fresh
                .post("/takip", &[("takip", number), ("son4", digits)])
                .await;
            misses.push((status, track_message(&p)));
        }
        assert!(misses.iter().all(|m| m == &misses[0]), "{misses:?}");
        assert_eq!(misses[0].0, StatusCode::NOT_FOUND);

        // One number cannot be tried for ever, from any client.
        let mut limited = false;
        for _ in 0..12 {
            let mut fresh = Browser::new(addr);
            let (status, p, _, _) = fresh
                .post("/takip", &[("takip", &tn), ("son4", "1111")])
                .await;
            if status == StatusCode::TOO_MANY_REQUESTS {
                // Locked per number (the case service counts wrong
                // guesses), and the page points to the signed link.
                let said = track_message(&p);
                assert!(said.contains("çok fazla hatalı sorgu"), "{said}");
                assert!(said.contains("bağlantıdan"), "{said}");
                limited = true;
                break;
            }
        }
        assert!(limited, "lookups of one number are limited");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_edits_their_details_and_a_new_password_ends_their_other_sessions() {
    with_dev(0, |addr| async move {
        let (mut here, mut there) = (Browser::new(addr), Browser::new(addr));
        sign_in(&mut here, "uzman.izmir").await;
        sign_in(&mut there, "uzman.izmir").await;
        let (_, page, _, _) = here.get("/kullanici").await;
        assert!(page.contains("Kullanıcı Bilgileri") && page.contains("Işıl Güneş"));
        let csrf = hidden(&page, "csrf");

        let (_, _, _, location) = here
            .post(
                "/kullanici",
                &[
                    ("csrf", &csrf),
                    ("ad", "Işıl Güneş Yılmaz"),
                    ("eposta", "isil@izmir.example"),
                    ("telefon", "0232 555 12 34"),
                ],
            )
            .await;
        assert_eq!(location.as_deref(), Some("/kullanici?durum=kaydedildi"));
        let (_, page, _, _) = there.get("/").await;
        assert!(
            page.contains("Işıl Güneş Yılmaz"),
            "the new name everywhere"
        );

        let (status, page, _, _) = here
            .post(
                "/kullanici",
                &[("csrf", &csrf), ("eposta", "not-an-address")],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Geçerli bir e-posta adresi giriniz."));

        let (status, page, _, _) = here
            .post(
                "/kullanici",
                &[
                    ("csrf", &csrf),
                    ("mevcut", "yanlış-parola"),
                    ("yeni", "yepyeni-parola-123"),
                    ("yeni_tekrar", "yepyeni-parola-123"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Mevcut parola doğru değil."));

        let (_, _, _, location) = here
            .post(
                "/kullanici",
                &[
                    ("csrf", &csrf),
                    ("mevcut", "tekmerkez-demo"),
                    ("yeni", "yepyeni-parola-123"),
                    ("yeni_tekrar", "yepyeni-parola-123"),
                ],
            )
            .await;
        assert_eq!(location.as_deref(), Some("/kullanici?durum=parola"));
        let (status, _, _, _) = here.get("/kullanici").await;
        assert_eq!(status, StatusCode::OK, "this session goes on");
        let (status, _, _, headers) = there.get("/").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "the other session ended");
        assert_eq!(
            headers.get("location").unwrap(),
            "/giris?durum=sure-doldu",
            "told why"
        );
    })
    .await;
}

/// Posts `form` to `path`: the status and the page.
async fn post(b: &mut Browser, path: &str, form: [(&str, String); 4]) -> (StatusCode, String) {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, page, _, _) = b.post(path, &form).await;
    (status, page)
}

/// Issue 17, finding 3: wrong current passwords on *Kullanıcı Bilgileri*
/// count toward the sign-in lockout; once locked, the page refuses even the
/// right one in the sign-in page's words (Turkish, then English), and
/// sign-in is locked too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_current_passwords_on_the_profile_lock_the_account_like_sign_in() {
    with_dev(0, |addr| async move {
        let mut here = Browser::new(addr);
        sign_in(&mut here, "uzman.izmir").await;
        let (_, page, _, _) = here.get("/kullanici").await;
        let csrf = hidden(&page, "csrf");
        let change = |current: &'static str| {
            [
                ("csrf", csrf.clone()),
                ("mevcut", current.to_owned()),
                ("yeni", "yepyeni-parola-123".to_owned()),
                ("yeni_tekrar", "yepyeni-parola-123".to_owned()),
            ]
        };
        for i in 1..5 {
            let (status, page) = post(&mut here, "/kullanici", change("yanlış-parola")).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "guess {i}");
            assert!(page.contains("Mevcut parola doğru değil."), "guess {i}");
        }
        let locked_tr = "Kullanıcı adı veya parola hatalı ya da hesap geçici olarak kilitli. Beş hatalı denemeden sonra hesap 15 dakika kilitlenir.";
        let (status, page) = post(&mut here, "/kullanici", change("yanlış-parola")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the fifth guess locks");
        assert!(page.contains(locked_tr), "{page}");
        let (status, page) = post(&mut here, "/kullanici?lang=en", change("tekmerkez-demo")).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "the right password is refused while locked");
        assert!(
            page.contains("Wrong user name or password, or the account is locked for a while. After five failed attempts an account is locked for 15 minutes."),
            "{page}"
        );

        let mut other = Browser::new(addr);
        let (_, page, _, _) = other.get("/giris").await;
        let csrf = hidden(&page, "csrf");
        let (status, page, _, _) = other
            .post(
                "/giris",
                &[("csrf", &csrf), ("username", "uzman.izmir"), ("password", "tekmerkez-demo")],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "sign-in is locked as well");
        assert!(page.contains(locked_tr));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_user_and_a_routing_rule_and_nobody_else_may() {
    with_dev(0, |addr| async move {
        let (mut admin, mut manager) = (Browser::new(addr), Browser::new(addr));
        sign_in(&mut admin, "admin").await;
        sign_in(&mut manager, "yonetici.ankara").await;
        let (status, page, _, _) = admin.get("/yonetim").await;
        assert_eq!(status, StatusCode::OK);
        for section in ["Kullanıcılar", "Teşkilat", "Yönlendirme Kuralları"] {
            assert!(page.contains(section), "{section}");
        }
        let csrf = hidden(&page, "csrf");
        let pool = &option(&page, "Ankara Su Arıza Birimi");

        let user = [
            ("csrf", csrf.as_str()),
            ("kullanici_adi", "uzman3.ankara"),
            ("ad", "Çiğdem Işık"),
            ("rol", "3"),
            ("parola", "ilk-parola-2026"),
            ("havuz", pool),
        ];
        let (_, _, _, location) = admin.post("/yonetim/kullanici", &user).await;
        assert_eq!(
            location.as_deref(),
            Some("/yonetim?durum=kullanici-eklendi#kullanicilar")
        );
        let (_, _, _, location) = admin.post("/yonetim/kullanici", &user).await;
        assert_eq!(location.as_deref(), Some("/yonetim?durum=var#kullanicilar"));
        let (_, _, _, location) = admin
            .post(
                "/yonetim/kullanici",
                &[
                    ("csrf", &csrf),
                    ("kullanici_adi", "kisa.parola"),
                    ("ad", "K"),
                    ("rol", "3"),
                    ("parola", "kısa"),
                ],
            )
            .await;
        let location = location.unwrap();
        assert!(location.contains("alan=password"), "{location}");
        let (_, told, _, _) = admin.get(&location).await;
        assert!(told.contains("şu alan geçersiz: Parola"));

        let mut newcomer = Browser::new(addr);
        let (_, login, _, _) = newcomer.get("/giris").await;
        let (status, _, _, _) = newcomer
            .post(
                "/giris",
                &[
                    ("csrf", &hidden(&login, "csrf")),
                    ("username", "UZMAN3.ANKARA"),
                    ("password", "ilk-parola-2026"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (status, _, _, _) = newcomer.get("/cagri-havuzu").await;
        assert_eq!(status, StatusCode::OK, "the new expert works at once");

        let unit = &option(&page, "Abone İşleri Birimi — ");
        let (_, _, _, location) = admin
            .post(
                "/yonetim/kural",
                &[
                    ("csrf", &csrf),
                    ("oncelik", "5"),
                    ("konu", "sayac"),
                    ("kelimeler", "sayaç, endeks"),
                    ("il", "6"),
                    ("birim", unit),
                    ("aciliyet", "0"),
                    ("aciklama", "Sayaç şikâyetleri abone işlerine"),
                    ("kanal", "1"),
                    ("kanal", "5"),
                ],
            )
            .await;
        assert_eq!(
            location.as_deref(),
            Some("/yonetim?durum=kural-eklendi#kurallar")
        );
        let (_, page, _, _) = admin.get("/yonetim").await;
        assert!(page.contains("Sayaç şikâyetleri abone işlerine"));
        assert!(page.contains("Web formu, Telefon"));

        // Deleting it asks first; only the confirmation's form deletes.
        let confirm = &Page::parse(&page)
            .target("a[aria-label=\"Sil: Sayaç şikâyetleri abone işlerine\"][href$=\"/sil\"]");
        let (status, asked, _, _) = admin.get(confirm).await;
        assert_eq!(status, StatusCode::OK);
        for shown in [
            "Bu kural silinsin mi?",
            "Sayaç şikâyetleri abone işlerine",
            "sayaç, endeks",
            "Abone İşleri Birimi",
            "Evet, kuralı sil",
        ] {
            assert!(asked.contains(shown), "{shown}");
        }
        let (_, still, _, _) = admin.get("/yonetim").await;
        assert!(
            still.contains("Sayaç şikâyetleri abone işlerine"),
            "asking deletes nothing"
        );
        let (status, _, _, _) = manager.get(confirm).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _, _) = admin.post(confirm, &[("csrf", "forged")]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let confirm_csrf = hidden(&asked, "csrf");
        let (_, _, _, location) = admin.post(confirm, &[("csrf", &confirm_csrf)]).await;
        assert_eq!(
            location.as_deref(),
            Some("/yonetim?durum=kural-silindi#kurallar")
        );
        let (_, page, _, _) = admin.get("/yonetim?durum=kural-silindi").await;
        assert!(page.contains("Yönlendirme kuralı silindi."));
        assert!(!page.contains("Sayaç şikâyetleri abone işlerine"));
        // The same form again (a second tab, a resend): told it is gone.
        let (_, _, _, location) = admin.post(confirm, &[("csrf", &confirm_csrf)]).await;
        assert_eq!(
            location.as_deref(),
            Some("/yonetim?durum=kural-yok#kurallar")
        );
        let (_, page, _, _) = admin.get("/yonetim?durum=kural-yok").await;
        assert!(page.contains("Bu yönlendirme kuralı artık yok"));
        let (status, _, _, headers) = admin.get(confirm).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(
            headers.get("location").and_then(|l| l.to_str().ok()),
            Some("/yonetim?durum=kural-yok#kurallar")
        );

        // Every other role is refused, by the page and by the services.
        let (status, _, _, _) = manager.get("/yonetim").await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (_, own, _, _) = manager.get("/").await;
        let (status, _, _, _) = manager
            .post(
                "/yonetim/kullanici",
                &[
                    ("csrf", &hidden(&own, "csrf")),
                    ("kullanici_adi", "sizinti"),
                    ("ad", "S"),
                    ("rol", "1"),
                    ("parola", "ilk-parola-2026"),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _, _, _) = admin
            .post("/yonetim/kural", &[("csrf", "forged"), ("oncelik", "1")])
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    })
    .await;
}
