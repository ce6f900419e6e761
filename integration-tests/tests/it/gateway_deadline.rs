//! The desk side of deadlines in `tekmerkez dev`: on a held 4982
//! information request (bilgi edinme) the record page offers *Süreyi
//! uzat*; a form without a reason is refused by its field, a stale or
//! forged one writes nothing and keeps the typed reason; the extension says
//! by how many working days and to which date, and is offered no more. The
//! wait for the citizen starts and ends from the page (a stale resend
//! writes nothing), and a request of another type offers no extension.

use std::time::Duration;

use serde_json::{Value, json};
use tekmerkez::dev::Dev;
use tekmerkez_integration_tests::{
    page::Page,
    wait::eventually,
    web::{Browser, dev_settings, hidden, sign_in},
};
use tekmerkez_proto::case_v1::{self as pb, case_service_client::CaseServiceClient};
use tokio_util::sync::CancellationToken;

const WAIT: Duration = Duration::from_secs(60);

/// Files a web-form application of `application_type` in Ankara and
/// returns its tracking number.
async fn apply(base: &str, key: &str, application_type: &str) -> String {
    let r = reqwest::Client::new()
        .post(format!("{base}/v1/applications"))
        .header("idempotency-key", key)
        .json(&json!({"channel":"web_form","category":"fatura","text":"Fatura tarifesinin dayanağı olan meclis kararını öğrenmek istiyorum.",
            "province":"Ankara","district":"Çankaya","application_type":application_type,
            "applicant":{"name":"Ayşe Yılmaz","email":"ayse.sure@ornek.com.tr","phone":"0532 765 43 21"},
            "reply_channel":"email","kvkk_consent":{"text_version":"kvkk-aydinlatma-v1","accepted":true}}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 202, "{:?}", r.text().await);
    r.json::<Value>().await.unwrap()["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The expert (API token `token`) claims the record `tracking`: its id.
async fn claim(grpc: std::net::SocketAddr, token: &str, tracking: &str) -> pb::Case {
    let channel = tonic::transport::Channel::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut cases = CaseServiceClient::new(channel);
    fn auth<T>(token: &str, msg: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(msg);
        r.metadata_mut()
            .insert("authorization", format!("Bearer {token}").parse().unwrap());
        r
    }
    let case = eventually(WAIT, &format!("{tracking} in the pool"), async || {
        let got = cases
            .get_case(auth(
                token,
                pb::GetCaseRequest {
                    case_id: String::new(),
                    tracking_number: tracking.to_owned(),
                },
            ))
            .await;
        got.ok().and_then(|r| r.into_inner().case)
    })
    .await;
    cases
        .claim_cases(auth(
            token,
            pb::ClaimCasesRequest {
                case_ids: vec![case.id.clone()],
            },
        ))
        .await
        .unwrap();
    case
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_extends_a_4982_request_once_with_a_reason_and_waits_for_the_citizen() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 0)).await.unwrap();
    let (http, grpc) = (dev.http_addr(), dev.grpc_addr());
    let token = dev
        .users()
        .iter()
        .find(|u| u.username == "uzman.ankara")
        .unwrap()
        .api_token
        .clone();
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let base = format!("http://{http}");

    let tracking = apply(&base, "sure-1", "bilgi_edinme").await;
    let case = claim(grpc, &token, &tracking).await;
    let mut b = Browser::new(http);
    sign_in(&mut b, "uzman.ankara").await;
    let path = format!("/kayit/{}", case.id);
    let (status, page, _, _) = b.get(&path).await;
    assert_eq!(status, 200);
    let p = Page::parse(&page);
    assert_eq!(p.texts("#sure-uzat legend"), ["Süreyi uzat"], "{page}");
    assert!(
        page.contains("yalnızca bir kez, son gün geçmeden 15 iş günü uzatılabilir"),
        "{page}"
    );
    let due_before = p.texts("#yasal-son-gun").join("");
    let csrf = hidden(&page, "csrf");
    let version = hidden(&page, "version");
    let extend = format!("{path}/sure-uzat");

    // No reason: refused by its field.
    let (status, refused, _, _) = b
        .post(
            &extend,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("gun", "15"),
                ("uzatma_gerekcesi", "  "),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        Page::parse(&refused).texts("#uzatma-gerekcesi-hata"),
        ["Süreyi uzatmak için bir gerekçe yazın."]
    );

    // A forged token or a stale version writes nothing; the reason is kept.
    let reason = "Talep edilen kararlar arşivde taranıyor; başka birimin görüşü gerekiyor.";
    let (status, _, _, _) = b
        .post(
            &extend,
            &[
                ("csrf", "forged"),
                ("version", &version),
                ("gun", "15"),
                ("uzatma_gerekcesi", reason),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let stale = (version.parse::<i64>().unwrap() - 1).to_string();
    let (status, kept, _, _) = b
        .post(
            &extend,
            &[
                ("csrf", &csrf),
                ("version", &stale),
                ("gun", "15"),
                ("uzatma_gerekcesi", reason),
            ],
        )
        .await;
    assert_eq!(status, 409, "{kept}");
    assert_eq!(
        Page::parse(&kept).texts("#uzatma-gerekcesi"),
        [reason],
        "the typed reason is kept"
    );
    let (_, unchanged, _, _) = b.get(&path).await;
    assert_eq!(
        Page::parse(&unchanged).texts("#yasal-son-gun").join(""),
        due_before,
        "nothing was extended"
    );

    // Extended: the message says by how much and to when, once only.
    let (status, _, _, location) = b
        .post(
            &extend,
            &[
                ("csrf", &csrf),
                ("version", &version),
                ("gun", "15"),
                ("uzatma_gerekcesi", reason),
            ],
        )
        .await;
    assert_eq!(status, 303);
    let location = location.unwrap();
    assert_eq!(location, format!("{path}?durum=sure-uzatildi&gun=15"));
    let (_, done, _, _) = b.get(&location).await;
    let d = Page::parse(&done);
    let due_after = d.texts("#yasal-son-gun").join("");
    assert!(due_after.ends_with("(uzatıldı)"), "{due_after}");
    let new_date = due_after.split(" — ").next().unwrap().to_owned();
    assert_eq!(
        d.texts("#durum"),
        [format!(
            "Yasal süre 15 iş günü uzatıldı: yeni son gün {new_date}; başvuru sahibine bildirildi."
        )]
    );
    assert!(d.texts("#sure-uzat legend").is_empty(), "offered once only");
    assert!(
        done.contains("Yasal cevap süresi uzatıldı"),
        "the task step"
    );
    // A resend is refused and says why.
    let (status, again, _, _) = b
        .post(
            &extend,
            &[
                ("csrf", &csrf),
                ("version", &hidden(&done, "version")),
                ("gun", "15"),
                ("uzatma_gerekcesi", reason),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(again.contains("Süre uzatılamadı"), "{again}");

    // The wait for the citizen: started, ended, a stale resend writes nothing.
    let form = |page: &str| Page::parse(page).attrs("#bilgi-bekleme", "action");
    assert_eq!(form(&done), [format!("{path}/bilgi-bekle")]);
    let v = hidden(&done, "version");
    let (status, _, _, location) = b
        .post(
            &format!("{path}/bilgi-bekle"),
            &[("csrf", &csrf), ("version", &v)],
        )
        .await;
    assert_eq!(
        (status.as_u16(), location.as_deref()),
        (303, Some(format!("{path}?durum=bilgi-bekleniyor").as_str()))
    );
    let (_, waiting, _, _) = b.get(&format!("{path}?durum=bilgi-bekleniyor")).await;
    let w = Page::parse(&waiting);
    assert!(
        w.texts("#durum")
            .join("")
            .contains("kurum içi hedef durduruldu")
    );
    assert_eq!(form(&waiting), [format!("{path}/bilgi-geldi")]);
    assert_eq!(w.texts("#bilgi-bekleme button"), ["Bilgi geldi, devam"]);
    let v2 = hidden(&waiting, "version");
    let (status, _, _, _) = b
        .post(
            &format!("{path}/bilgi-geldi"),
            &[("csrf", &csrf), ("version", &v2)],
        )
        .await;
    assert_eq!(status, 303);
    let (status, stale_page, _, _) = b
        .post(
            &format!("{path}/bilgi-geldi"),
            &[("csrf", &csrf), ("version", &v2)],
        )
        .await;
    assert_eq!(status, 409);
    assert!(
        stale_page.contains("Bekleme durumu değiştirilemedi"),
        "{stale_page}"
    );
    let (_, ended, _, _) = b.get(&path).await;
    assert_eq!(
        Page::parse(&ended).texts("#bilgi-bekleme button"),
        ["Vatandaştan bilgi bekleniyor"]
    );
    assert!(
        ended.contains("Vatandaştan beklenen bilgi geldi"),
        "the task step"
    );

    // Another type: no extension offered.
    let other = apply(&base, "sure-2", "talep").await;
    let other = claim(grpc, &token, &other).await;
    let (_, page, _, _) = b.get(&format!("/kayit/{}", other.id)).await;
    assert!(Page::parse(&page).texts("#sure-uzat legend").is_empty());

    shutdown.cancel();
    run.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pool_list_shows_the_legal_due_date_in_words_and_sorts_by_it() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(dev_settings(data.path(), 0)).await.unwrap();
    let (http, grpc) = (dev.http_addr(), dev.grpc_addr());
    let token = dev
        .users()
        .iter()
        .find(|u| u.username == "uzman.ankara")
        .unwrap()
        .api_token
        .clone();
    let shutdown = CancellationToken::new();
    let run = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    let base = format!("http://{http}");

    // A request (30 calendar days) first, then a 4982 request (15 working
    // days), each in the pool before the next is sent: two applications on
    // the bus at once may become cases in either order, and the list's
    // default order is the cases' arrival.
    let channel = tonic::transport::Channel::from_shared(format!("http://{grpc}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut cases = CaseServiceClient::new(channel);
    let mut filed = Vec::new();
    for (key, kind) in [("liste-1", "talep"), ("liste-2", "bilgi_edinme")] {
        let tn = apply(&base, key, kind).await;
        eventually(WAIT, &format!("{tn} in the pool"), async || {
            let mut r = tonic::Request::new(pb::GetCaseRequest {
                case_id: String::new(),
                tracking_number: tn.clone(),
            });
            r.metadata_mut()
                .insert("authorization", format!("Bearer {token}").parse().unwrap());
            cases
                .get_case(r)
                .await
                .ok()
                .and_then(|r| r.into_inner().case)
        })
        .await;
        filed.push(tn);
    }
    let (talep, bilgi) = (filed[0].clone(), filed[1].clone());

    let mut b = Browser::new(http);
    sign_in(&mut b, "uzman.ankara").await;
    let (status, page, _, _) = b.get("/cagri-havuzu").await;
    assert_eq!(status, 200);
    let p = Page::parse(&page);
    let head = p.attrs("th a.sirala", "href");
    assert!(head.iter().any(|h| h.ends_with("sira=4")), "{head:?}");
    assert!(p.texts("th").iter().any(|h| h.starts_with("Yasal son gün")));
    let cells = p.texts("td.son-gun");
    assert_eq!(cells.len(), 2, "{cells:?}");
    assert!(
        cells.iter().all(|c| c.contains("iş günü kaldı")),
        "{cells:?}"
    );
    let order = |page: &str| {
        let text = Page::parse(page).texts("a.satir").join(" ");
        (text.find(&talep).unwrap(), text.find(&bilgi).unwrap())
    };
    let (t, i) = order(&page);
    assert!(t < i, "arrival order by default");
    let (status, sorted, _, _) = b.get("/cagri-havuzu?sira=4").await;
    assert_eq!(status, 200);
    let (t, i) = order(&sorted);
    assert!(i < t, "the 4982 request is due first");
    assert_eq!(
        Page::parse(&sorted)
            .attrs("th[aria-sort=ascending] a.sirala", "href")
            .len(),
        1
    );
    assert!(sorted.contains("Son güne göre sırala"));

    shutdown.cancel();
    run.await.unwrap().unwrap();
}
