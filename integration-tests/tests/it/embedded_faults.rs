//! The fault suite in the embedded mode: `tekmerkez dev` (SQLite, embedded
//! bus) as a real process of the binary.
//!
//! - SIGKILLed twice at random moments (the seed is printed; set
//!   `TEKMERKEZ_FAULT_SEED` to repeat a run) during a burst across the web
//!   form and the app API, clients retrying with the same key until
//!   acknowledged, and started again on the same data: every acknowledged
//!   application has exactly one case, every case one acknowledgement SMS,
//!   and nothing is left in the bus, the outbox or notify's queue.
//! - Its data directory on a small tmpfs filled up during a burst: intake
//!   answers 503 with `Retry-After` (the JSON error shape; the form a
//!   Turkish page keeping what was typed), never 500; the process and its
//!   background loops live through it without spinning; once the filler is
//!   deleted, service resumes by itself and everything acknowledged becomes
//!   exactly one case with one SMS, nothing dead-lettered.
//!
//! `TEKMERKEZ_EMBEDDED_N` sets the crash burst's size (2 000 by default).

use std::{
    collections::{HashMap, HashSet},
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use futures::StreamExt as _;
use serde_json::{Value, json};
use tekmerkez_integration_tests::{
    dev_process::{DevProcess, Holdings},
    wait::eventually,
    web::urlencode,
};

fn burst_size() -> usize {
    std::env::var("TEKMERKEZ_EMBEDDED_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// A small deterministic generator (splitmix64), so a printed seed repeats a run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A fraction in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn seed() -> u64 {
    std::env::var("TEKMERKEZ_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

/// One citizen's application of the burst: even numbers through the app
/// API, odd through the web form; each its own mobile number and text, so
/// cases and SMS map back to it.
#[derive(Debug, Clone)]
struct Citizen {
    i: usize,
    run: String,
    /// The text's length beyond its marker (the disk-full test writes big ones).
    padding: usize,
}

impl Citizen {
    fn via_form(&self) -> bool {
        self.i % 2 == 1
    }

    fn marker(&self) -> String {
        format!("{}-{:06}", self.run, self.i)
    }

    fn text(&self) -> String {
        format!(
            "Başvuru {}: faturam çok yüksek geldi, sayacın kontrol edilmesini rica ederim. {}",
            self.marker(),
            "ş".repeat(self.padding)
        )
    }

    /// The mobile number, `05321xxxxxx`.
    fn phone(&self) -> String {
        format!("05321{:06}", self.i)
    }

    /// The idempotency key (the API's header, the form's one-time id).
    fn key(&self) -> String {
        if self.via_form() {
            // The form's key is a UUID; derive it from the run and number.
            let n = self.i as u128;
            let run = u128::from(u64::from_str_radix(&self.run[..8], 16).unwrap_or(0));
            uuid::Uuid::from_u128((run << 64) | n).to_string()
        } else {
            self.marker()
        }
    }
}

/// What one attempt got.
#[derive(Debug)]
enum Answer {
    /// Acknowledged with this tracking number (dashes removed).
    Acked(String),
    /// 503 with its `Retry-After` seconds.
    Unavailable(u64),
    /// No answer (the process is down or was killed mid-request).
    Silence,
}

/// Sends `c` once. `keyed`: with its idempotency key (the API's header,
/// the form's id). Panics on any answer but an acknowledgement, a 503 in
/// the documented shape, or no answer — a 500 or a 4xx fails the test.
async fn submit(http: &reqwest::Client, base: &str, c: &Citizen, keyed: bool) -> Answer {
    let sent = if c.via_form() {
        let key = if keyed { c.key() } else { String::new() };
        let form = [
            ("form_id", key.as_str()),
            ("kategori", "fatura"),
            ("tur", "sikayet"),
            ("il", "Ankara"),
            ("ilce", "Çankaya"),
            ("metin", &c.text()),
            ("ad", "Ayşe Yılmaz"),
            ("telefon", &c.phone()),
            ("yanit", "sms"),
            ("kvkk", "1"),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&");
        http.post(format!("{base}/basvuru"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
    } else {
        let body = json!({
            "channel": "mobile_app",
            "category": "fatura",
            "text": c.text(),
            "province": "Ankara",
            "district": "Çankaya",
            "applicant": { "name": "Ayşe Yılmaz", "phone": c.phone() },
            "reply_channel": "sms",
            "kvkk_consent": { "text_version": "kvkk-aydinlatma-v1", "accepted": true }
        });
        let mut req = http.post(format!("{base}/v1/applications")).json(&body);
        if keyed {
            req = req.header("Idempotency-Key", c.key());
        }
        req.send().await
    };
    let Ok(resp) = sent else {
        return Answer::Silence;
    };
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let location = resp
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let Ok(body) = resp.text().await else {
        return Answer::Silence;
    };
    match (status, c.via_form()) {
        (202, false) => {
            let v: Value = serde_json::from_str(&body).unwrap();
            Answer::Acked(v["tracking_number"].as_str().unwrap().replace('-', ""))
        }
        (303, true) => {
            let to = location.expect("a redirect names where");
            let tn = to
                .split("takip=")
                .nth(1)
                .and_then(|s| s.split('&').next())
                .unwrap_or_else(|| panic!("no tracking number in {to}"));
            Answer::Acked(tn.replace('-', ""))
        }
        (503, false) => {
            let v: Value = serde_json::from_str(&body)
                .unwrap_or_else(|_| panic!("a 503 of the API is JSON: {body}"));
            assert!(
                v["message"].is_string() && v["errors"].is_object(),
                "the API's error shape: {body}"
            );
            Answer::Unavailable(retry_after.expect("a 503 of the API carries Retry-After"))
        }
        (503, true) => {
            assert!(
                body.contains(
                    "Başvurunuz şu anda kaydedilemedi. Lütfen biraz sonra yeniden deneyin."
                ),
                "the form's Turkish try-again message: {body}"
            );
            assert!(body.contains(&c.marker()), "the form keeps the typed text");
            if keyed {
                assert!(body.contains(&c.key()), "the form keeps its one-time key");
            }
            Answer::Unavailable(retry_after.expect("a 503 of the form carries Retry-After"))
        }
        _ => panic!(
            "application {} ({}): unexpected {status}: {body}",
            c.i,
            if c.via_form() { "form" } else { "API" }
        ),
    }
}

/// Sends `c` with its key until acknowledged; its tracking number.
async fn submit_until_acked(
    http: &reqwest::Client,
    base: &str,
    c: &Citizen,
    unavailable: &AtomicUsize,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        match submit(http, base, c, true).await {
            Answer::Acked(tn) => return tn,
            Answer::Unavailable(secs) => {
                unavailable.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_secs(secs.min(2))).await;
            }
            // The process is down: retry soon, as an app would.
            Answer::Silence => tokio::time::sleep(Duration::from_millis(100)).await,
        }
        assert!(
            Instant::now() < deadline,
            "application {} never acknowledged",
            c.i
        );
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Waits until everything acknowledged is a case, the outbox, the bus and
/// notify's queue are empty and every case got its SMS; fails with the
/// holdings and the log's end when it does not settle.
async fn settled(dev: &DevProcess, acked: i64) -> Holdings {
    let mut last = Holdings::default();
    let done = tekmerkez_integration_tests::wait::within(Duration::from_secs(180), async || {
        last = dev.holdings().await;
        (last.cases >= acked
            && last.outbox_pending == 0
            && last.bus_unconsumed == 0
            && last.deliveries_open == 0
            && last.sms >= acked)
            .then(|| last.clone())
    })
    .await;
    done.unwrap_or_else(|| {
        panic!(
            "did not settle: {last:?} for {acked} acknowledged\n{}",
            dev.log_tail(80)
        )
    })
}

/// The figures of a finished run, from the stopped process's databases.
#[derive(Debug)]
struct Figures {
    cases: usize,
    lost: usize,
    doubled: usize,
    /// Cases no client was told about.
    unacknowledged: usize,
    sms: usize,
    /// Phone numbers with more than one SMS, and cases without one.
    sms_doubled: usize,
    sms_missing: usize,
    dead_letters: i64,
}

/// Reads the figures: `acked` tracking numbers against the cases (by
/// tracking number, and by each citizen's marker in the text) and the SMS
/// (by phone number).
async fn figures(dev: &DevProcess, acked: &HashSet<String>) -> Figures {
    let case = dev.db("case.db").await;
    let rows: Vec<(String, String, Option<String>)> =
        sqlx::query_as("SELECT tracking_number, text, contact_phone FROM cases")
            .fetch_all(&case)
            .await
            .unwrap();
    let tns: HashSet<String> = rows.iter().map(|r| r.0.replace('-', "")).collect();
    let mut by_marker: HashMap<String, usize> = HashMap::new();
    for (_, text, _) in &rows {
        let marker = text
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .trim_end_matches(':')
            .to_owned();
        *by_marker.entry(marker).or_default() += 1;
    }
    let digits = |s: &str| -> String {
        let d: String = s.chars().filter(char::is_ascii_digit).collect();
        d[d.len().saturating_sub(10)..].to_owned()
    };
    let phones: HashSet<String> = rows
        .iter()
        .filter_map(|r| r.2.as_deref())
        .map(digits)
        .collect();
    let notify = dev.db("notify.db").await;
    let sent: Vec<(String,)> =
        sqlx::query_as("SELECT recipient FROM notify_dev_sink WHERE channel = 'sms'")
            .fetch_all(&notify)
            .await
            .unwrap();
    let mut per_phone: HashMap<String, usize> = HashMap::new();
    for (to,) in &sent {
        *per_phone.entry(digits(to)).or_default() += 1;
    }
    let bus = dev.db("bus.db").await;
    let dead_letters: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM bus_messages WHERE topic LIKE '%.dlq'")
            .fetch_one(&bus)
            .await
            .unwrap();
    Figures {
        cases: rows.len(),
        lost: acked.iter().filter(|tn| !tns.contains(*tn)).count(),
        doubled: by_marker.values().map(|n| n.saturating_sub(1)).sum(),
        unacknowledged: tns.iter().filter(|tn| !acked.contains(*tn)).count(),
        sms: sent.len(),
        sms_doubled: per_phone.values().map(|n| n.saturating_sub(1)).sum(),
        sms_missing: phones
            .iter()
            .filter(|p| !per_phone.contains_key(*p))
            .count(),
        dead_letters,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn dev_sigkilled_twice_mid_burst_loses_and_doubles_nothing() {
    let n = burst_size();
    let seed = seed();
    let mut rng = Rng(seed);
    let kill_at = [
        (n as f64 * (0.15 + 0.3 * rng.unit())) as usize,
        (n as f64 * (0.55 + 0.3 * rng.unit())) as usize,
    ];
    eprintln!(
        "embedded crash: seed {seed} (TEKMERKEZ_FAULT_SEED), {n} applications, SIGKILL after {} and {} acknowledged",
        kill_at[0], kill_at[1]
    );
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let mut dev = DevProcess::start(&data, &tmp.path().join("dev.log"), &[]).await;
    let base = format!("http://{}", dev.http);
    let run = format!("{:016x}", rng.next());

    let progress = Arc::new(AtomicUsize::new(0));
    let unavailable = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let burst = {
        let (base, run, progress, unavailable) = (
            base.clone(),
            run.clone(),
            progress.clone(),
            unavailable.clone(),
        );
        tokio::spawn(async move {
            let http = client();
            futures::stream::iter(0..n)
                .map(|i| {
                    let (http, base, progress, unavailable) = (
                        http.clone(),
                        base.clone(),
                        progress.clone(),
                        unavailable.clone(),
                    );
                    let c = Citizen {
                        i,
                        run: run.clone(),
                        padding: 0,
                    };
                    async move {
                        let tn = submit_until_acked(&http, &base, &c, &unavailable).await;
                        progress.fetch_add(1, Ordering::Relaxed);
                        tn
                    }
                })
                .buffer_unordered(24)
                .collect::<Vec<String>>()
                .await
        })
    };

    let mut recovered = Vec::new();
    for at in kill_at {
        eventually(Duration::from_secs(240), "the burst's progress", || async {
            progress.load(Ordering::Relaxed) >= at
        })
        .await;
        let before = progress.load(Ordering::Relaxed);
        let killed = Instant::now();
        dev.kill().await;
        dev.restart().await;
        eventually(
            Duration::from_secs(120),
            "an acknowledgement after the restart",
            || async { progress.load(Ordering::Relaxed) > before },
        )
        .await;
        recovered.push(killed.elapsed());
    }
    let tracking = burst.await.unwrap();
    let took = started.elapsed();
    let acked: HashSet<String> = tracking.iter().cloned().collect();
    assert_eq!(acked.len(), n, "one tracking number per application");

    let held = settled(&dev, n as i64).await;
    let status = dev.terminate().await.expect("it ran");
    assert!(status.success(), "a SIGTERM ends dev cleanly: {status}");
    let f = figures(&dev, &acked).await;
    eprintln!(
        "embedded crash: seed {seed}; acknowledged {n}; cases {}; SMS {}; lost {}; doubled {}; \
         cases never acknowledged {}; SMS doubled {}, missing {}; dead letters {}; 503s {}; \
         recovered after the kills in {:.1} s and {:.1} s; burst {:.1} s ({:.0}/s); settled {held:?}",
        f.cases,
        f.sms,
        f.lost,
        f.doubled,
        f.unacknowledged,
        f.sms_doubled,
        f.sms_missing,
        f.dead_letters,
        unavailable.load(Ordering::Relaxed),
        recovered[0].as_secs_f64(),
        recovered[1].as_secs_f64(),
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64(),
    );
    assert_eq!(dev.starts, 3, "started, and twice again after a SIGKILL");
    assert_eq!((f.lost, f.doubled, f.unacknowledged), (0, 0, 0));
    assert_eq!(f.cases, n);
    assert_eq!((f.sms, f.sms_doubled, f.sms_missing), (n, 0, 0));
    assert_eq!(f.dead_letters, 0, "nothing dead-lettered");
}

/// A tmpfs mounted for the test, unmounted when dropped (also when the test
/// fails), so no mount outlives it.
struct Tmpfs {
    at: PathBuf,
}

impl Tmpfs {
    /// Mounts a tmpfs of `megabytes` at `at`; `None` where mounting is not
    /// allowed (not root, no CAP_SYS_ADMIN).
    fn mount(at: &Path, megabytes: u32) -> Option<Self> {
        std::fs::create_dir_all(at).unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m,mode=0700")])
            .arg("tmpfs")
            .arg(at)
            .output()
            .ok()?;
        if !out.status.success() {
            eprintln!(
                "mounting a tmpfs is not allowed here: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        Some(Self { at: at.to_owned() })
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy: a process still holding a file open does not keep it mounted.
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.at)
            .status();
    }
}

/// Fills the filesystem of `dir` with a file until it is full; its path.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write as _;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    loop {
        match f.write(&chunk) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if e.raw_os_error() == Some(28) => break,
            Err(e) => panic!("filling the disk: {e}"),
        }
    }
    // The last partial pages too.
    let mut small = [0u8; 512];
    while f.write(&small).is_ok_and(|n| n > 0) {
        small[0] = small[0].wrapping_add(1);
    }
    let _ = f.sync_all();
    path
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_disk_answers_503_loses_nothing_and_service_resumes_when_space_returns() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let Some(_mount) = Tmpfs::mount(&data, 64) else {
        eprintln!("SKIPPED: the disk-full test needs to mount a tmpfs (run as root)");
        return;
    };
    let log = tmp.path().join("dev.log");
    let mut dev = DevProcess::start(
        &data,
        &log,
        &[
            // Short backoffs, so the consumers' retries run out within the
            // test's full-disk window if a full disk is treated as an error
            // worth only a few attempts.
            ("TEKMERKEZ__ROUTING__CONSUMER__MAX_BACKOFF_MS", "1000"),
            ("TEKMERKEZ__NOTIFY__CONSUMER__MAX_BACKOFF_MS", "1000"),
        ],
    )
    .await;
    let base = format!("http://{}", dev.http);
    let run = format!("{:016x}", Rng(seed()).next());
    let http = client();
    let unavailable = Arc::new(AtomicUsize::new(0));
    let citizen = |i: usize| Citizen {
        i,
        run: run.clone(),
        padding: 2_000,
    };

    // A burst, clients retrying with their keys; the disk fills in its
    // middle, while routing, the case store and notify still have a
    // backlog to write.
    let progress = Arc::new(AtomicUsize::new(0));
    let burst = {
        let (base, http, unavailable, progress) = (
            base.clone(),
            http.clone(),
            unavailable.clone(),
            progress.clone(),
        );
        let cs: Vec<Citizen> = (0..400).map(citizen).collect();
        tokio::spawn(async move {
            futures::stream::iter(cs)
                .map(|c| {
                    let (base, http, unavailable, progress) = (
                        base.clone(),
                        http.clone(),
                        unavailable.clone(),
                        progress.clone(),
                    );
                    async move {
                        let tn = submit_until_acked(&http, &base, &c, &unavailable).await;
                        progress.fetch_add(1, Ordering::Relaxed);
                        tn
                    }
                })
                .buffer_unordered(16)
                .collect::<Vec<String>>()
                .await
        })
    };
    eventually(
        Duration::from_secs(120),
        "the burst's first 150",
        || async { progress.load(Ordering::Relaxed) >= 150 },
    )
    .await;
    let filler = fill(&data);
    let full_since = Instant::now();
    let acked_before = progress.load(Ordering::Relaxed);
    let backlog = dev.holdings().await;
    let log_lines_at_full = dev.log().lines().count();
    // Keyless API posts and forms refused while full: they must leave nothing behind.
    let refused_markers = Arc::new(Mutex::new(Vec::new()));
    let mut keyless_acked = Vec::new();
    let mut i = 5_000;
    while full_since.elapsed() < Duration::from_secs(10) {
        let c = citizen(i);
        match submit(&http, &base, &c, false).await {
            Answer::Acked(tn) => keyless_acked.push(tn),
            Answer::Unavailable(_) => refused_markers.lock().unwrap().push(c.marker()),
            Answer::Silence => panic!(
                "dev stopped answering on a full disk:\n{}",
                dev.log_tail(60)
            ),
        }
        assert!(
            dev.exited().is_none(),
            "dev exited on a full disk:\n{}",
            dev.log_tail(60)
        );
        i += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let full_for = full_since.elapsed();
    let refused = refused_markers.lock().unwrap().clone();
    let lines = dev.log().lines().count() - log_lines_at_full;
    let rate = lines as f64 / full_for.as_secs_f64();
    eprintln!(
        "disk full for {:.1} s: {} keyless posts refused with 503, {} accepted; {} 503s to keyed clients; {lines} log lines ({rate:.0}/s)",
        full_for.as_secs_f64(),
        refused.len(),
        keyless_acked.len(),
        unavailable.load(Ordering::Relaxed),
    );
    assert!(
        !refused.is_empty(),
        "the full disk was met with 503s (else the test did not fill it)"
    );
    assert!(
        rate < 500.0,
        "background loops back off on a full disk, not spin: {rate:.0} log lines a second\n{}",
        dev.log_tail(40)
    );
    assert!(dev.exited().is_none(), "dev lives through a full disk");

    // Space returns: service resumes by itself.
    std::fs::remove_file(&filler).unwrap();
    let mut acked: HashSet<String> = burst.await.unwrap().into_iter().collect();
    acked.extend(keyless_acked);
    for i in 2_000..2_040 {
        acked.insert(submit_until_acked(&http, &base, &citizen(i), &unavailable).await);
    }
    let held = settled(&dev, acked.len() as i64).await;
    let status = dev.terminate().await.expect("it ran");
    assert!(status.success(), "a SIGTERM ends dev cleanly: {status}");
    let f = figures(&dev, &acked).await;
    eprintln!(
        "disk full: acknowledged {} ({acked_before} before the disk filled, when {} were cases and {} SMS sent); cases {}; SMS {}; lost {}; doubled {}; \
         cases never acknowledged {}; SMS doubled {}, missing {}; dead letters {}; settled {held:?}",
        acked.len(),
        backlog.cases,
        backlog.sms,
        f.cases,
        f.sms,
        f.lost,
        f.doubled,
        f.unacknowledged,
        f.sms_doubled,
        f.sms_missing,
        f.dead_letters,
    );
    assert_eq!(
        (f.lost, f.doubled, f.unacknowledged),
        (0, 0, 0),
        "every acknowledged application is exactly one case, and a refused one none"
    );
    assert_eq!(f.cases, acked.len());
    assert_eq!((f.sms, f.sms_doubled, f.sms_missing), (acked.len(), 0, 0));
    assert_eq!(f.dead_letters, 0, "nothing dead-lettered");
    let case = dev.db("case.db").await;
    for m in &refused {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE text LIKE $1")
            .bind(format!("%{m}%"))
            .fetch_one(&case)
            .await
            .unwrap();
        assert_eq!(n, 0, "an application refused with 503 left no case");
    }
}
