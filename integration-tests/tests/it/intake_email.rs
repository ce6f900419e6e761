//! The e-mail channel against a real IMAP server (the project's dovecot,
//! `scripts/imap start`), each test in a mailbox folder of its own: a
//! message is marked processed only after the bus acknowledged its
//! application; IDLE takes a new message at once; TLS with a private CA; a
//! 50 MB attachment keeps the text; nothing personal in the logs. The bus
//! is the real embedded bus behind a gate that can refuse publishes, as an
//! unreachable broker would.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use futures::TryStreamExt as _;
use prost::Message as _;
use secrecy::SecretString;
use tekmerkez_bus::{Bus, ConsumeError, EmbeddedBus, Envelope, PublishError, Subscription};
use tekmerkez_intake::{
    email::{
        EmailChannel, EmailSettings,
        problems::{ProblemReason, ProblemStore},
        settings::{ImapSettings, TlsMode},
    },
    publish::Publisher,
};
use tekmerkez_integration_tests::wait::eventually;
use tekmerkez_proto::intake_v1 as pb;
use tokio_util::sync::CancellationToken;

/// How long a test waits for an effect.
const WAIT: Duration = Duration::from_secs(30);

const USER: &str = "intake@test.local";
const PASSWORD: &str = "secret";

fn addr(var: &str, default: &str) -> (String, u16) {
    let a = std::env::var(var).unwrap_or_else(|_| default.to_owned());
    let (h, p) = a.rsplit_once(':').unwrap();
    (h.to_owned(), p.parse().unwrap())
}

fn plain_addr() -> (String, u16) {
    addr("TEKMERKEZ_TEST_IMAP", "127.0.0.1:10143")
}

/// The real embedded bus, behind a gate: while shut, every publish is
/// refused, as by a broker that cannot be reached.
#[derive(Debug)]
struct Gate {
    inner: EmbeddedBus,
    open: AtomicBool,
    refused: AtomicUsize,
    published: Mutex<Vec<Envelope>>,
}

#[async_trait::async_trait]
impl Bus for Gate {
    async fn publish(&self, envelope: Envelope) -> Result<(), PublishError> {
        if !self.open.load(Ordering::SeqCst) {
            self.refused.fetch_add(1, Ordering::SeqCst);
            return Err(PublishError::Timeout);
        }
        self.inner.publish(envelope.clone()).await?;
        self.published.lock().unwrap().push(envelope);
        Ok(())
    }

    async fn subscribe(
        &self,
        group: &str,
        topic: &str,
    ) -> Result<Box<dyn Subscription>, ConsumeError> {
        self.inner.subscribe(group, topic).await
    }
}

impl Gate {
    fn applications(&self) -> Vec<pb::ApplicationReceived> {
        self.published
            .lock()
            .unwrap()
            .iter()
            .map(|e| pb::ApplicationReceived::decode(e.payload.clone()).unwrap())
            .collect()
    }
}

/// One test's folder in the test user's mailbox.
struct Folder {
    name: String,
    _dir: tempfile::TempDir,
}

type Session = async_imap::Session<tokio::net::TcpStream>;

async fn session() -> Session {
    let (host, port) = plain_addr();
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

impl Folder {
    async fn new() -> Self {
        let name = format!("t-{}", uuid::Uuid::new_v4().simple());
        let mut s = session().await;
        s.create(&name).await.unwrap();
        s.logout().await.unwrap();
        Self {
            name,
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    async fn append(&self, raw: &[u8]) {
        let mut s = session().await;
        s.append(&self.name, None, None, raw).await.unwrap();
        s.logout().await.unwrap();
    }

    /// The keywords of each message, oldest first.
    async fn flags(&self) -> Vec<Vec<String>> {
        let mut s = session().await;
        s.select(&self.name).await.unwrap();
        let fetched: Vec<_> = s
            .fetch("1:*", "(UID FLAGS)")
            .await
            .unwrap()
            .try_collect()
            .await
            .unwrap_or_default();
        let mut out: Vec<(u32, Vec<String>)> = fetched
            .iter()
            .map(|f| {
                let flags = f
                    .flags()
                    .map(|fl| match fl {
                        async_imap::types::Flag::Custom(c) => c.to_string(),
                        other => format!("{other:?}"),
                    })
                    .collect();
                (f.uid.unwrap_or(0), flags)
            })
            .collect();
        out.sort();
        s.logout().await.unwrap();
        out.into_iter().map(|(_, f)| f).collect()
    }
}

fn settings(folder: &Folder, tls: TlsMode, port: u16, host: &str, ca_file: &str) -> EmailSettings {
    EmailSettings {
        enabled: true,
        imap: ImapSettings {
            host: host.to_owned(),
            port,
            tls,
            ca_file: ca_file.to_owned(),
            username: USER.to_owned(),
            password: SecretString::from(PASSWORD),
            mailbox: folder.name.clone(),
            processed_mailbox: String::new(),
            // Long: a test that passes quickly proves IDLE woke the channel.
            poll_interval_ms: 600_000,
            idle_renew_ms: 600_000,
            timeout_ms: 20_000,
            max_backoff_ms: 1_000,
        },
        own_addresses: vec!["basvuru@tekmerkez.local".into()],
        notification_domain: "tekmerkez.local".into(),
        province_code: 41,
        category: "diger".into(),
        kvkk_text_version: "kvkk-eposta-v1".into(),
        max_message_bytes: 10 * 1024 * 1024,
    }
}

async fn gate(open: bool) -> Arc<Gate> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bus.db").display());
    // The directory must outlive the bus: leak it for the test's life.
    std::mem::forget(dir);
    Arc::new(Gate {
        inner: EmbeddedBus::open(&url).await.unwrap(),
        open: AtomicBool::new(open),
        refused: AtomicUsize::new(0),
        published: Mutex::new(Vec::new()),
    })
}

/// A fresh intake database (SQLite, migrated) for the channel's problem
/// list; the directory lives as long as the test.
async fn problem_store() -> ProblemStore {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("intake.db").display());
    std::mem::forget(dir);
    tekmerkez_intake::idempotency::IdempotencyStore::connect(&url)
        .unwrap()
        .migrate()
        .await
        .unwrap();
    ProblemStore::connect(&url).unwrap()
}

async fn run(
    settings: EmailSettings,
    bus: Arc<Gate>,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    run_with(settings, bus, problem_store().await)
}

fn run_with(
    settings: EmailSettings,
    bus: Arc<Gate>,
    problems: ProblemStore,
) -> (CancellationToken, tokio::task::JoinHandle<()>) {
    let publisher = Publisher::new(bus, Duration::from_secs(5));
    let stop = CancellationToken::new();
    let task = tokio::spawn(EmailChannel::new(settings, publisher, problems).run(stop.clone()));
    (stop, task)
}

fn mail(n: usize, subject: &str) -> Vec<u8> {
    format!(
        "From: Ayşe Yılmaz <ayse.yilmaz@ornek.com.tr>\r\nTo: basvuru@tekmerkez.local\r\nSubject: {subject}\r\n\
         Message-ID: <m{n}-{}@ornek.com.tr>\r\nDate: Tue, 03 Mar 2026 09:15:00 +0300\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\
         İzmit'te {n} numaralı sokakta su kesik.\r\n",
        uuid::Uuid::new_v4().simple()
    )
    .into_bytes()
}

const PROCESSED: &str = "$TekmerkezProcessed";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_is_marked_processed_only_after_the_bus_acknowledged_its_application() {
    let folder = Folder::new().await;
    folder.append(&mail(1, "Su kesintisi")).await;
    let bus = gate(false).await;
    let (host, port) = plain_addr();
    let (stop, task) = run(
        settings(&folder, TlsMode::None, port, &host, ""),
        bus.clone(),
    )
    .await;
    // Two refused publishes: the channel tried, failed, reconnected, tried again.
    eventually(WAIT, "two refused publishes", || async {
        bus.refused.load(Ordering::SeqCst) >= 2
    })
    .await;
    assert!(
        folder.flags().await[0].iter().all(|f| f != PROCESSED),
        "marked although the bus never acknowledged"
    );
    assert!(bus.applications().is_empty());
    bus.open.store(true, Ordering::SeqCst);
    eventually(WAIT, "marked after the publish", || async {
        folder.flags().await[0].iter().any(|f| f == PROCESSED)
    })
    .await;
    let apps = bus.applications();
    assert_eq!(apps.len(), 1, "published once");
    let a = &apps[0];
    assert_eq!(a.channel, tekmerkez_proto::common_v1::Channel::Email as i32);
    assert_eq!(a.location.as_ref().unwrap().province_code, 41);
    assert_eq!(a.location.as_ref().unwrap().district, "İzmit");
    assert_eq!(
        a.contact.as_ref().unwrap().email,
        "ayse.yilmaz@ornek.com.tr"
    );
    assert_eq!(
        a.reply_channel,
        tekmerkez_proto::common_v1::ReplyChannel::Email as i32
    );
    assert!(
        a.text
            .starts_with("Konu: Su kesintisi\n\nİzmit'te 1 numaralı sokakta su kesik."),
        "{}",
        a.text
    );
    stop.cancel();
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_arriving_while_the_channel_idles_is_taken_at_once() {
    let folder = Folder::new().await;
    let bus = gate(true).await;
    let (host, port) = plain_addr();
    let (stop, task) = run(
        settings(&folder, TlsMode::None, port, &host, ""),
        bus.clone(),
    )
    .await;
    folder.append(&mail(1, "Birinci")).await;
    eventually(WAIT, "the first message", || async {
        bus.applications().len() == 1
    })
    .await;
    // The poll interval is ten minutes: only IDLE can bring this one in time.
    folder.append(&mail(2, "İkinci")).await;
    eventually(WAIT, "the second message, through IDLE", || async {
        bus.applications().len() == 2
    })
    .await;
    stop.cancel();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the channel stops at shutdown, even in IDLE")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mailbox_is_read_over_tls_trusting_a_private_ca() {
    let Ok(ca) = std::env::var("TEKMERKEZ_TEST_IMAP_CA") else {
        let home = std::env::var("HOME").unwrap();
        let ca = format!("{home}/.cache/tekmerkez/state/imap/tls/ca.pem");
        assert!(
            std::path::Path::new(&ca).exists(),
            "no CA file: run scripts/imap start"
        );
        return tls_with(&ca).await;
    };
    tls_with(&ca).await;
}

async fn tls_with(ca: &str) {
    // Implicit TLS on the TLS port, then STARTTLS on the plain one.
    let (tls_host, tls_port) = addr("TEKMERKEZ_TEST_IMAPS", "127.0.0.1:10993");
    let (host, port) = plain_addr();
    for (mode, host, port) in [
        (TlsMode::Implicit, tls_host, tls_port),
        (TlsMode::Starttls, host, port),
    ] {
        let folder = Folder::new().await;
        folder.append(&mail(1, "TLS")).await;
        let bus = gate(true).await;
        let (stop, task) = run(settings(&folder, mode, port, &host, ca), bus.clone()).await;
        eventually(WAIT, "the message over TLS", || async {
            bus.applications().len() == 1
        })
        .await;
        stop.cancel();
        task.await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fifty_megabyte_attachment_is_not_read_and_the_text_still_becomes_an_application() {
    use base64::Engine as _;
    let folder = Folder::new().await;
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(50 * 1024 * 1024, 0x5A);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&big);
    let mut raw = "From: Can Demir <can.demir@ornek.com.tr>\r\nTo: basvuru@tekmerkez.local\r\n\
        Subject: Boru patladi\r\nMessage-ID: <fifty@ornek.com.tr>\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n\
        Gebze'de ana boru patladı.\r\n--b\r\nContent-Type: image/jpeg; name=\"boru.jpg\"\r\n\
        Content-Disposition: attachment; filename=\"boru.jpg\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        .as_bytes()
        .to_vec();
    for line in encoded.as_bytes().chunks(76) {
        raw.extend_from_slice(line);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"--b--\r\n");
    folder.append(&raw).await;
    drop(raw);
    let bus = gate(true).await;
    let (host, port) = plain_addr();
    let (stop, task) = run(
        settings(&folder, TlsMode::None, port, &host, ""),
        bus.clone(),
    )
    .await;
    eventually(WAIT, "the application", || async {
        bus.applications().len() == 1
    })
    .await;
    let a = &bus.applications()[0];
    assert!(a.attachments.is_empty());
    assert!(a.text.contains("Gebze'de ana boru patladı."), "{}", a.text);
    assert!(
        a.text.contains("boyut sınırını"),
        "staff are told a file was left out: {}",
        a.text
    );
    assert_eq!(a.location.as_ref().unwrap().district, "Gebze");
    assert!(folder.flags().await[0].iter().any(|f| f == PROCESSED));
    stop.cancel();
    task.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_replies_bounces_and_senderless_mail_publish_nothing_and_are_marked_for_what_they_are()
{
    // Each test is a process of its own (nextest): this recorder is this test's.
    let metrics = tekmerkez_telemetry::metrics::install().expect("a recorder");
    let folder = Folder::new().await;
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/intake/tests/mail");
    for f in [
        "auto_reply.eml",
        "bounce.eml",
        "auto_reply_precedence.eml",
        "no_sender.eml",
        "html_only.eml",
        "from_encoded_whole.eml",
    ] {
        folder.append(&std::fs::read(corpus.join(f)).unwrap()).await;
    }
    // Nothing in it at all: no subject, no text, no file.
    folder.append(b"From: vatandas@ornek.com.tr\r\n\r\n").await;
    let bus = gate(true).await;
    let problems = problem_store().await;
    let (host, port) = plain_addr();
    let (stop, task) = run_with(
        settings(&folder, TlsMode::None, port, &host, ""),
        bus.clone(),
        problems.clone(),
    );
    eventually(WAIT, "every message marked", || async {
        folder
            .flags()
            .await
            .iter()
            .all(|f| f.iter().any(|x| x == PROCESSED))
    })
    .await;
    let flags = folder.flags().await;
    for (i, f) in flags.iter().enumerate().take(3) {
        assert!(
            f.iter().any(|x| x == "$TekmerkezAutomated"),
            "message {i}: {f:?}"
        );
    }
    for i in [3, 6] {
        assert!(
            flags[i].iter().any(|x| x == "$TekmerkezUnusable"),
            "{:?}",
            flags[i]
        );
    }
    let apps = bus.applications();
    assert_eq!(
        apps.len(),
        2,
        "the citizen's HTML mail and the one whose From is one encoded word"
    );
    assert!(
        apps[0]
            .text
            .contains("Gölcük sahilinde denize atık su akıyor")
    );
    let whole = apps[1].contact.as_ref().unwrap();
    assert_eq!(
        (whole.name.as_str(), whole.email.as_str()),
        ("Ayşe Yılmaz", "ayse.yilmaz@ornek.com.tr")
    );
    // Staff find the two unusable ones: where they are and why.
    let listed = problems.list(10, 0).await.unwrap();
    let mut seen: Vec<_> = listed
        .iter()
        .map(|p| (p.uid, p.reason, p.message_id.clone(), p.mailbox.clone()))
        .collect();
    seen.sort_by_key(|p| p.0);
    let uid = |i: usize| i as u32 + 1;
    assert_eq!(
        seen,
        [
            (
                uid(3),
                ProblemReason::NoSender,
                Some("nosender-0015@ornek.com.tr".to_owned()),
                folder.name.clone()
            ),
            (uid(6), ProblemReason::Empty, None, folder.name.clone()),
        ]
    );
    stop.cancel();
    task.await.unwrap();

    // Read again from the start (the marks lost, as after a crash before
    // them): the list and the count stay as they were.
    unmark(&folder).await;
    let (stop, task) = run_with(
        settings(&folder, TlsMode::None, port, &host, ""),
        bus.clone(),
        problems.clone(),
    );
    eventually(WAIT, "every message marked again", || async {
        folder
            .flags()
            .await
            .iter()
            .all(|f| f.iter().any(|x| x == PROCESSED))
    })
    .await;
    stop.cancel();
    task.await.unwrap();
    assert_eq!(problems.count().await.unwrap(), 2);
    let text = metrics.render();
    for (reason, n) in [("no_sender", 1), ("empty", 1)] {
        let line = format!("tekmerkez_intake_email_unusable_total{{reason=\"{reason}\"}} {n}");
        assert!(text.contains(&line), "{line} in:\n{text}");
    }
}

/// Takes `$TekmerkezProcessed` off every message of `folder`.
async fn unmark(folder: &Folder) {
    let mut s = session().await;
    s.select(&folder.name).await.unwrap();
    let _: Vec<_> = s
        .store("1:*", format!("-FLAGS.SILENT ({PROCESSED})"))
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    s.logout().await.unwrap();
}

/// The log lines written while `f` runs, at TRACE, from every thread.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_channels_logs_name_no_sender_subject_or_text() {
    let logs = Captured::default();
    let writer = logs.clone();
    // Each test runs in its own process (nextest): the global subscriber is this test's.
    tracing_subscriber::fmt()
        .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
        .with_writer(move || writer.clone())
        .json()
        .try_init()
        .unwrap();
    let folder = Folder::new().await;
    let corpus =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/intake/tests/mail");
    for f in [
        "utf8_quoted_printable.eml",
        "windows1254_quoted_printable.eml",
        "attachments.eml",
        "reply_in_reply_to.eml",
        "bounce.eml",
        "no_sender.eml",
    ] {
        folder.append(&std::fs::read(corpus.join(f)).unwrap()).await;
    }
    let bus = gate(false).await;
    let (host, port) = plain_addr();
    let (stop, task) = run(
        settings(&folder, TlsMode::None, port, &host, ""),
        bus.clone(),
    )
    .await;
    // The failure path logs too: a refused publish, then the rest once open.
    eventually(WAIT, "a refused publish", || async {
        bus.refused.load(Ordering::SeqCst) >= 1
    })
    .await;
    bus.open.store(true, Ordering::SeqCst);
    eventually(WAIT, "every message marked", || async {
        folder
            .flags()
            .await
            .iter()
            .all(|f| f.iter().any(|x| x == PROCESSED))
    })
    .await;
    stop.cancel();
    task.await.unwrap();
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("e-mail application published"),
        "the channel logged nothing?"
    );
    for personal in [
        "Ayşe",
        "Yılmaz",
        "ayse.yilmaz",
        "ornek.com.tr",
        "ornek.net.tr",
        "İbrahim",
        "Öztürk",
        "İzmit",
        "Gebze",
        "kanalizasyon",
        "Su kesintisi",
        "Kırık",
        "sayaç",
        "fatura.pdf",
        "Zeynep",
        "hâlâ",
        "utf8-qp-0001",
        "MAILER-DAEMON",
    ] {
        let line = text
            .lines()
            .find(|l| l.contains(personal))
            .unwrap_or_default();
        assert!(
            !text.contains(personal),
            "the logs name {personal:?}: {line}"
        );
    }
}
