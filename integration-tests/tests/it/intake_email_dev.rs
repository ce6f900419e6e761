//! The e-mail channel inside `tekmerkez dev` (embedded bus, SQLite, the demo
//! organisation and rules) reading a folder of the project's dovecot
//! (`scripts/imap start`): the test corpus becomes cases in the pools the
//! demo rules name, replies become the citizen's notes on their case,
//! auto-replies and bounces open nothing; and a restart in the middle — with
//! the messages left unmarked, as a crash between the publish and the mark
//! leaves them — loses and doubles nothing.

use std::{collections::HashMap, path::Path, time::Duration};

use futures::TryStreamExt as _;
use secrecy::SecretString;
use tekmerkez::{dev::Dev, settings::Settings};
use tekmerkez_intake::email::settings::TlsMode;
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_integration_tests::web::dev_settings;
use tekmerkez_proto::{
    case_v1::{
        self as pb, case_service_client::CaseServiceClient,
        directory_service_client::DirectoryServiceClient,
    },
    common_v1 as common,
};
use tokio_util::sync::CancellationToken;
use tonic::transport::Channel;

/// How long a test waits for an effect.
const WAIT: Duration = Duration::from_secs(60);

pub(crate) const USER: &str = "intake@test.local";
pub(crate) const PASSWORD: &str = "secret";
const PROCESSED: &str = "$TekmerkezProcessed";

pub(crate) fn imap() -> (String, u16) {
    let a = std::env::var("TEKMERKEZ_TEST_IMAP").unwrap_or_else(|_| "127.0.0.1:10143".to_owned());
    let (h, p) = a.rsplit_once(':').unwrap();
    (h.to_owned(), p.parse().unwrap())
}

type Session = async_imap::Session<tokio::net::TcpStream>;

async fn session() -> Session {
    let (host, port) = imap();
    let tcp = tokio::net::TcpStream::connect((host.as_str(), port))
        .await
        .expect("the test IMAP server (scripts/imap start; scripts/test starts it)");
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap();
    client
        .login(USER, PASSWORD)
        .await
        .map_err(|(e, _)| e)
        .unwrap()
}

pub(crate) async fn new_folder() -> String {
    let name = format!("t-{}", uuid::Uuid::new_v4().simple());
    let mut s = session().await;
    s.create(&name).await.unwrap();
    s.logout().await.unwrap();
    name
}

pub(crate) async fn append(folder: &str, raw: &[u8]) {
    let mut s = session().await;
    s.append(folder, None, None, raw).await.unwrap();
    s.logout().await.unwrap();
}

/// (uid, keywords) of every message in `folder`; empty when it does not exist.
async fn messages(folder: &str) -> Vec<(u32, Vec<String>)> {
    let mut s = session().await;
    if s.select(folder).await.is_err() {
        return Vec::new();
    }
    let fetched: Vec<_> = match s.fetch("1:*", "(UID FLAGS)").await {
        Ok(stream) => stream.try_collect().await.unwrap_or_default(),
        Err(_) => Vec::new(),
    };
    let mut out: Vec<_> = fetched
        .iter()
        .map(|f| {
            let flags = f
                .flags()
                .filter_map(|fl| match fl {
                    async_imap::types::Flag::Custom(c) => Some(c.to_string()),
                    _ => None,
                })
                .collect();
            (f.uid.unwrap_or(0), flags)
        })
        .collect();
    out.sort();
    let _ = s.logout().await;
    out
}

/// Takes `$TekmerkezProcessed` off every message: what a crash between the
/// publish and the mark leaves behind.
async fn unmark_all(folder: &str) {
    let mut s = session().await;
    s.select(folder).await.unwrap();
    let _: Vec<_> = s
        .store("1:*", format!("-FLAGS.SILENT ({PROCESSED})"))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    s.logout().await.unwrap();
}

fn settings(data_dir: &Path, folder: &str, processed: &str) -> Settings {
    let mut s = dev_settings(data_dir, 0);
    let (host, port) = imap();
    let e = &mut s.intake.email;
    e.enabled = true;
    e.imap.host = host;
    e.imap.port = port;
    e.imap.tls = TlsMode::None;
    e.imap.username = USER.into();
    e.imap.password = SecretString::from(PASSWORD);
    e.imap.mailbox = folder.to_owned();
    e.imap.processed_mailbox = processed.to_owned();
    e.imap.max_backoff_ms = 1_000;
    e.province_code = 41;
    s
}

struct Running {
    grpc: std::net::SocketAddr,
    http: std::net::SocketAddr,
    admin_token: String,
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

async fn start(settings: Settings) -> Running {
    let mailbox = format!(
        "{USER}@{}:{}",
        settings.intake.email.imap.host, settings.intake.email.imap.port
    );
    let dev = Dev::build(settings).await.unwrap();
    // A person starting dev with the channel on is told which mailbox it reads.
    let banner = dev.banner(std::path::Path::new("."));
    assert!(
        banner.contains(&format!("e-mail IMAP {mailbox}")),
        "{banner}"
    );
    let admin_token = dev
        .users()
        .iter()
        .find(|u| u.username == "admin")
        .unwrap()
        .api_token
        .clone();
    let grpc = dev.grpc_addr();
    let http = dev.http_addr();
    let shutdown = CancellationToken::new();
    let task = tokio::spawn(dev.run_until_stopped(shutdown.clone()));
    Running {
        grpc,
        http,
        admin_token,
        shutdown,
        task,
    }
}

impl Running {
    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("dev stops within 30 s")
            .unwrap()
            .unwrap();
    }

    fn auth<T>(&self, msg: T) -> tonic::Request<T> {
        let mut r = tonic::Request::new(msg);
        r.metadata_mut().insert(
            "authorization",
            format!("Bearer {}", self.admin_token).parse().unwrap(),
        );
        r
    }

    async fn channel(&self) -> Channel {
        Channel::from_shared(format!("http://{}", self.grpc))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    async fn email_cases(&self) -> Vec<pb::Case> {
        let mut client = CaseServiceClient::new(self.channel().await);
        let req = pb::ListCasesRequest {
            view: pb::CaseView::All as i32,
            filter: Some(pb::CaseFilter {
                channels: vec![common::Channel::Email as i32],
                ..Default::default()
            }),
            page: Some(common::PageRequest {
                page_size: 200,
                page_token: String::new(),
            }),
            ..Default::default()
        };
        client
            .list_cases(self.auth(req))
            .await
            .unwrap()
            .into_inner()
            .cases
    }

    async fn case(&self, id: &str) -> pb::Case {
        let mut client = CaseServiceClient::new(self.channel().await);
        let req = pb::GetCaseRequest {
            case_id: id.to_owned(),
            tracking_number: String::new(),
        };
        client
            .get_case(self.auth(req))
            .await
            .unwrap()
            .into_inner()
            .case
            .unwrap()
    }

    async fn pools(&self) -> HashMap<String, pb::Pool> {
        let mut dir = DirectoryServiceClient::new(self.channel().await);
        dir.list_pools(self.auth(pb::ListPoolsRequest { province_code: 41 }))
            .await
            .unwrap()
            .into_inner()
            .pools
            .into_iter()
            .map(|p| (p.name.clone(), p))
            .collect()
    }

    /// An e-mail application recorded earlier, as routing would open it.
    async fn existing_case(&self, pool_id: &str) -> pb::Case {
        let mut client = CaseServiceClient::new(self.channel().await);
        let req = pb::CreateCaseRequest {
            application_id: uuid::Uuid::new_v4().to_string(),
            channel: common::Channel::WebForm as i32,
            category: "su_arizasi".into(),
            text: "İzmit'te su kesik.".into(),
            urgency: common::Urgency::Urgent as i32,
            location: Some(common::Location {
                province_code: 41,
                district: "İzmit".into(),
                coordinates: None,
                neighbourhood: String::new(),
            }),
            pool_id: pool_id.to_owned(),
            contact: Some(common::Contact {
                name: "Ayşe Yılmaz".into(),
                email: "ayse.yilmaz@ornek.com.tr".into(),
                ..Default::default()
            }),
            reply_channel: common::ReplyChannel::Email as i32,
            consent: Some(common::Consent {
                text_version: "kvkk-aydinlatma-v1".into(),
                accepted_at: Some(prost_types_now()),
                special_category: false,
            }),
            ..Default::default()
        };
        client
            .create_case(self.auth(req))
            .await
            .unwrap()
            .into_inner()
            .case
            .unwrap()
    }
}

fn prost_types_now() -> prost_types::Timestamp {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    prost_types::Timestamp {
        seconds: i64::try_from(now.as_secs()).unwrap(),
        nanos: 0,
    }
}

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../services/intake/tests/mail")
            .join(name),
    )
    .unwrap()
}

const CORPUS: [&str; 18] = [
    "utf8_quoted_printable.eml",
    "windows1254_quoted_printable.eml",
    "iso88599_base64.eml",
    "html_only.eml",
    "multipart_alternative.eml",
    "attachments.eml",
    "oversize_attachment.eml",
    "reply_in_reply_to.eml",
    "reply_subject.eml",
    "reply_mistyped_number.eml",
    "reply_outlook.eml",
    "reply_iphone.eml",
    "from_encoded_whole.eml",
    "auto_reply.eml",
    "auto_reply_precedence.eml",
    "bounce.eml",
    "malformed_mime.eml",
    "no_sender.eml",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_corpus_becomes_cases_in_their_pools_and_replies_become_the_citizens_notes() {
    let data = tempfile::tempdir().unwrap();
    let folder = new_folder().await;
    let done = format!("{folder}/islendi");
    let app = start(settings(data.path(), &folder, &done)).await;
    let pools = app.pools().await;
    let pool = |name: &str| {
        pools
            .get(name)
            .unwrap_or_else(|| panic!("no pool {name}: {:?}", pools.keys()))
            .id
            .clone()
    };
    let existing = app.existing_case(&pool("Kocaeli Su Arıza Birimi")).await;
    let number = existing.tracking_number.clone();
    for name in CORPUS {
        let raw = String::from_utf8_lossy(&corpus(name)).into_owned();
        // The corpus names 7K3QD-2M9XS; the replies here answer the real case.
        let raw = raw
            .replace("7K3QD-2M9XS", &number)
            .replace("7K3QD2M9XS", &number.replace('-', ""));
        let bytes = if name.starts_with("reply_") && name != "reply_mistyped_number.eml" {
            raw.into_bytes()
        } else {
            corpus(name)
        };
        append(&folder, &bytes).await;
    }
    // Ten new applications; four replies; three automated; one unusable.
    eventually(WAIT, "ten e-mail cases", || async {
        app.email_cases().await.len() == 10
    })
    .await;
    eventually(WAIT, "four notes on the replied case", || async {
        app.case(&existing.id).await.notes.len() == 4
    })
    .await;
    eventually(
        WAIT,
        "the folder holds only the unusable message",
        || async {
            let left = messages(&folder).await;
            left.len() == 1 && left[0].1.iter().any(|f| f == "$TekmerkezUnusable")
        },
    )
    .await;
    let moved = messages(&done).await;
    assert_eq!(moved.len(), 17);
    assert!(moved.iter().all(|(_, f)| f.iter().any(|x| x == PROCESSED)));
    assert_eq!(
        moved
            .iter()
            .filter(|(_, f)| f.iter().any(|x| x == "$TekmerkezAutomated"))
            .count(),
        3
    );

    let cases = app.email_cases().await;
    let by_text = |needle: &str| {
        cases
            .iter()
            .find(|c| c.text.contains(needle))
            .unwrap_or_else(|| panic!("no case with {needle:?}"))
            .clone()
    };
    let name_of = |id: &str| {
        pools
            .values()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap()
    };
    // Each case in the pool the demo rules name, with the category the
    // placing rule gives (the mailbox's default "diger" only in triage).
    for (needle, pool_name, district, category) in [
        (
            "Yahya Kaptan mahallesinde iki gündür su kesik",
            "Kocaeli Su Arıza Birimi",
            "İzmit",
            "su_arizasi",
        ),
        (
            "Gebze'de kaldırımdaki kanalizasyon kapağı kırık",
            "Kocaeli Su Arıza Birimi",
            "Gebze",
            "kanalizasyon",
        ),
        (
            "Darıca'daki evimizin sayacı ters dönüyor",
            "Kocaeli Abone İşleri Birimi",
            "Darıca",
            "sayac",
        ),
        (
            "Gölcük sahilinde denize atık su akıyor",
            "Kocaeli Su Arıza Birimi",
            "Gölcük",
            "kanalizasyon",
        ),
        (
            "yolda su birikintisi var",
            "Kocaeli Ön Değerlendirme (Triyaj)",
            "Kartepe",
            "diger",
        ),
        (
            "Faturamı ve sayacın fotoğrafını",
            "Kocaeli Abone İşleri Birimi",
            "Körfez",
            "sayac",
        ),
        (
            "Çayırova'da ana boru patladı",
            "Kocaeli Su Arıza Birimi",
            "Çayırova",
            "su_arizasi",
        ),
        (
            "Derince'de su kesintisi sürüyor",
            "Kocaeli Su Arıza Birimi",
            "Derince",
            "su_arizasi",
        ),
        (
            "Başiskele'de Yeniköy mahallesinde iki gündür su yok",
            "Kocaeli Su Arıza Birimi",
            "Başiskele",
            "su_arizasi",
        ),
    ] {
        let c = by_text(needle);
        assert_eq!(name_of(&c.pool_id), pool_name, "{needle}");
        assert_eq!(c.location.as_ref().unwrap().district, district, "{needle}");
        assert_eq!(c.reply_channel, common::ReplyChannel::Email as i32);
        assert_eq!(c.category, category, "{needle}");
    }
    // The From that was one encoded word gave the applicant and the address.
    let whole = app
        .case(&by_text("Başiskele'de Yeniköy mahallesinde").id)
        .await;
    let contact = whole.contact.unwrap();
    assert_eq!(
        (contact.name.as_str(), contact.email.as_str()),
        ("Ayşe Yılmaz", "ayse.yilmaz@ornek.com.tr")
    );
    assert!(
        !whole.text.contains("Samsung Galaxy"),
        "the phone's signature is not the citizen's text: {}",
        whole.text
    );
    assert!(
        by_text("Kırık kanalizasyon kapağı — acil")
            .text
            .starts_with("Konu: ")
    );
    let files = app
        .case(&by_text("Faturamı ve sayacın fotoğrafını").id)
        .await
        .attachments;
    let mut names: Vec<_> = files.iter().map(|a| a.file_name.as_str()).collect();
    names.sort_unstable();
    assert_eq!(names, ["fatura.pdf", "sayaç.png"]);
    assert!(
        by_text("Çayırova'da ana boru patladı")
            .text
            .contains("[Sistem notu:")
    );

    let notes = app.case(&existing.id).await.notes;
    let texts: Vec<_> = notes.iter().map(|n| n.text.as_str()).collect();
    assert!(
        texts.contains(&"Su hâlâ gelmedi, ekip ne zaman gelecek?"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"Adres tarifi: caminin karşısındaki sokak."),
        "{texts:?}"
    );
    // Outlook's and the iPhone's replies: the citizen's words only.
    assert!(
        texts.contains(
            &"Merhaba,\n\nSayacın fotoğrafını bu akşam çekip göndereceğim, hâlâ ters dönüyor.\n\n\
              Saygılarımla,\nGülşen Kılıç"
        ),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"Ekip hâlâ gelmedi, yarın sabah 9'dan sonra evdeyim."),
        "{texts:?}"
    );
    assert!(
        notes
            .iter()
            .all(|n| n.author == pb::NoteAuthor::Citizen as i32)
    );
    // The case is Ayşe's: Gülşen's Outlook reply joined it, not as hers.
    for n in &notes {
        assert_eq!(n.from_applicant, !n.text.contains("Gülşen"), "{:?}", n.text);
    }
    app.stop().await;
}

fn mail(n: usize) -> Vec<u8> {
    format!(
        "From: Vatandaş {n} <vatandas{n}@ornek.com.tr>\r\nTo: basvuru@tekmerkez.local\r\nSubject: Su kesintisi {n}\r\n\
         Message-ID: <restart-{n}-{}@ornek.com.tr>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n\
         Gebze'de {n}. sokakta su kesik.\r\n",
        uuid::Uuid::new_v4().simple()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_way_with_messages_left_unmarked_loses_and_doubles_nothing() {
    const N: usize = 12;
    let data = tempfile::tempdir().unwrap();
    let folder = new_folder().await;
    for n in 0..N {
        append(&folder, &mail(n)).await;
    }
    let app = start(settings(data.path(), &folder, "")).await;
    eventually(WAIT, "some cases", || async {
        app.email_cases().await.len() >= 3
    })
    .await;
    app.stop().await;
    // Whatever was published, nothing is marked: every message is read again.
    unmark_all(&folder).await;
    let app = start(settings(data.path(), &folder, "")).await;
    eventually(WAIT, "every message marked", || async {
        let m = messages(&folder).await;
        m.len() == N && m.iter().all(|(_, f)| f.iter().any(|x| x == PROCESSED))
    })
    .await;
    eventually(WAIT, "one case per message", || async {
        app.email_cases().await.len() == N
    })
    .await;
    let cases = app.email_cases().await;
    let mut texts: Vec<_> = cases.iter().map(|c| c.text.clone()).collect();
    texts.sort();
    texts.dedup();
    assert_eq!(texts.len(), N, "a message made two cases");
    app.stop().await;
}

/// A message appended to `folder`, from `from`, with `subject` and `body`.
fn mail_from(from: &str, subject: &str, body: &str) -> Vec<u8> {
    format!(
        "From: {from}\r\nTo: basvuru@tekmerkez.local\r\nSubject: {subject}\r\n\
         Message-ID: <{}@ornek.com.tr>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{body}\r\n",
        uuid::Uuid::new_v4().simple()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rule_an_admin_writes_gives_the_e_mail_case_it_places_its_category() {
    use tekmerkez_integration_tests::{
        page::Page,
        web::{Browser, hidden, sign_in},
    };
    let data = tempfile::tempdir().unwrap();
    let folder = new_folder().await;
    let app = start(settings(data.path(), &folder, "")).await;
    let pools = app.pools().await;
    let environment = pools.get("Kocaeli Çevre Denetim Birimi").unwrap().clone();
    // The admin writes it on the desk: e-mail about rubbish, to the
    // environment unit, as "Çevre kirliliği ve gürültü".
    let mut admin = Browser::new(app.http);
    sign_in(&mut admin, "admin").await;
    let (_, page, _, _) = admin.get("/yonetim").await;
    let csrf = hidden(&page, "csrf");
    let email = (common::Channel::Email as i32).to_string();
    let (status, body, _, location) = admin
        .post(
            "/yonetim/kural",
            &[
                ("csrf", &csrf),
                ("oncelik", "1"),
                ("konu", ""),
                ("kelimeler", "çöp"),
                ("il", "0"),
                ("ilce", ""),
                ("birim", &environment.unit_id),
                ("aciliyet", "0"),
                ("verilen_konu", "cevre_kirliligi"),
                ("aciklama", "e-posta, çöp → Çevre Denetim"),
                ("kanal", &email),
            ],
        )
        .await;
    assert_eq!(status, 303, "{body}");
    assert_eq!(
        location.as_deref(),
        Some("/yonetim?durum=kural-eklendi#kurallar")
    );
    let (_, page, _, _) = admin.get("/yonetim").await;
    let row = Page::parse(&page)
        .texts("#kurallar + table tbody tr")
        .into_iter()
        .find(|r| r.contains("e-posta, çöp"))
        .expect("the rule is listed");
    assert!(
        row.contains("Çevre kirliliği ve gürültü"),
        "the category it gives, by name: {row}"
    );
    append(
        &folder,
        &mail_from(
            "Can Demir <can.demir@ornek.com.tr>",
            "Sokağımız",
            "Kartepe'de sokağımızdaki ÇÖPLER üç gündür toplanmıyor.",
        ),
    )
    .await;
    let case = eventually(WAIT, "the e-mail's case", || async {
        app.email_cases().await.into_iter().next()
    })
    .await;
    assert_eq!(case.pool_id, environment.id, "the rule placed it");
    assert_eq!(
        case.category, "cevre_kirliligi",
        "and gave it its category, not the mailbox's Diğer"
    );
    assert_eq!(case.location.unwrap().district, "Kartepe");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_nobody_can_answer_is_listed_for_the_mailbox_keepers_in_both_languages() {
    use tekmerkez_integration_tests::{
        page::Page,
        web::{Browser, sign_in},
    };
    let data = tempfile::tempdir().unwrap();
    let folder = new_folder().await;
    append(&folder, &corpus("no_sender.eml")).await;
    append(
        &folder,
        b"From: vatandas@ornek.com.tr\r\nMessage-ID: <bos-1@ornek.com.tr>\r\n\r\n",
    )
    .await;
    let app = start(settings(data.path(), &folder, "")).await;
    eventually(WAIT, "both left for a person", || async {
        let m = messages(&folder).await;
        m.len() == 2
            && m.iter()
                .all(|(_, f)| f.iter().any(|x| x == "$TekmerkezUnusable"))
    })
    .await;

    let mut admin = Browser::new(app.http);
    sign_in(&mut admin, "admin").await;
    let (_, yonetim, _, _) = admin.get("/yonetim").await;
    assert!(
        Page::parse(&yonetim)
            .attrs("main nav a", "href")
            .contains(&"/eposta-sorunlari".to_owned()),
        "the admin pages link to it"
    );
    let (status, page, _, _) = admin.get("/eposta-sorunlari").await;
    assert_eq!(status, 200, "{page}");
    let rows = Page::parse(&page).texts("#eposta-sorunlari tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    let all = rows.join("\n");
    for shown in [
        "Gönderen adresi yok: yanıt verilecek kimse bulunamadı",
        "Konu, metin ve ek yok",
        "nosender-0015@ornek.com.tr",
        "bos-1@ornek.com.tr",
        folder.as_str(),
        "intake@test.local",
    ] {
        assert!(all.contains(shown), "{shown} in {all}");
    }
    assert!(
        !all.contains("no_sender"),
        "a code is never shown to people: {all}"
    );
    let (_, english, _, _) = admin.get("/eposta-sorunlari?lang=en").await;
    let rows = Page::parse(&english)
        .texts("#eposta-sorunlari tbody tr")
        .join("\n");
    assert!(
        rows.contains("No sender address: nobody to answer"),
        "{rows}"
    );
    assert!(rows.contains("No subject, text or file"), "{rows}");

    // Front-office staff look after the mailbox too; an expert does not.
    let mut front = Browser::new(app.http);
    sign_in(&mut front, "cagrimerkezi").await;
    let (status, page, _, _) = front.get("/eposta-sorunlari").await;
    assert_eq!(status, 200);
    assert!(
        Page::parse(&page)
            .attrs("nav.masa a", "href")
            .contains(&"/eposta-sorunlari".to_owned()),
        "in their menu"
    );
    let mut expert = Browser::new(app.http);
    sign_in(&mut expert, "uzman.ankara").await;
    let (status, _, _, _) = expert.get("/eposta-sorunlari").await;
    assert_eq!(status, 403);
    app.stop().await;
}
