//! No personal data in logs or error texts: the service's own log output is
//! captured at the most verbose level while personal data flows through it.

use std::sync::{Arc, Mutex};

use tekmerkez_proto::case_v1 as pb;

use crate::helpers::*;

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn personal_data_never_reaches_the_logs() {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut app = spawn_app(Backend::Sqlite).await;
    let c = app.open_case().await;
    app.claim("expert_ankara", &[&c.id]).await.unwrap();
    app.note("expert_ankara", &c.id, "Vatandaş Ayşe Hanım ile görüşüldü")
        .await
        .unwrap();
    let mut bad = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
    bad.contact.as_mut().unwrap().phone = "0999 888 77 66".into();
    let _ = app
        .case
        .create_case(with_token(ROUTING_TOKEN, bad))
        .await
        .unwrap_err();
    let _ = app
        .case
        .get_case(as_user(
            "expert_ankara",
            pb::GetCaseRequest {
                case_id: c.id.clone(),
                tracking_number: String::new(),
            },
        ))
        .await
        .unwrap();
    app.shutdown_now().await;
    let logs = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("case opened"), "the capture works: {logs}");
    // Whole values only: short digit runs also occur inside ids and timestamps.
    for pii in [
        "Ayşe",
        "Yılmaz",
        "5321234567",
        "532 123 45 67",
        "ayse.yilmaz",
        "ornek.com.tr",
        "9998887766",
        "999 888 77 66",
        "patladı",
        "görüşüldü",
    ] {
        if let Some(at) = logs.find(pii) {
            let context = &logs[at.saturating_sub(200)..(at + 200).min(logs.len())];
            panic!("{pii} leaked into logs: …{context}…");
        }
    }
}
