//! A cookie-keeping HTTP client for the gateway's pages (no redirects
//! followed, so each answer can be checked), and form helpers.

use reqwest::{StatusCode, header};

use crate::page::Page;

/// One person's browser session, over plain HTTP.
pub struct Browser {
    base: String,
    http: reqwest::Client,
    /// The cookies it holds, name and value.
    pub cookies: Vec<(String, String)>,
}

/// The value of the form field `field` (such as the hidden `csrf`) in a page.
pub fn hidden(page: &str, field: &str) -> String {
    Page::parse(page).value(field)
}

/// The case ids offered for selection on a list page.
pub fn offered(page: &str) -> Vec<String> {
    Page::parse(page).attrs("input[name=case_id]", "value")
}

/// The tracking number shown for case `id` on a list page (the link of
/// its row).
pub fn tracking_number(page: &str, id: &str) -> String {
    Page::parse(page)
        // Record links may carry the list they are on (`?from=`).
        .texts(&format!("a[href^=\"/kayit/{id}\"]"))
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no record {id} listed"))
}

/// The value of the `<option>` whose label starts with `label`.
pub fn option(page: &str, label: &str) -> String {
    Page::parse(page).option(label)
}

impl Browser {
    /// A browser for the server at `addr`.
    pub fn new(addr: std::net::SocketAddr) -> Self {
        Self {
            base: format!("http://{addr}"),
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            cookies: Vec::new(),
        }
    }

    fn keep(&mut self, res: &reqwest::Response) -> Vec<String> {
        let set: Vec<String> = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for c in &set {
            let (pair, attrs) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = pair.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !attrs.contains("Max-Age=0") {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        set
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// GET: status, body, Set-Cookie values, headers.
    pub async fn get(
        &mut self,
        path: &str,
    ) -> (StatusCode, String, Vec<String>, reqwest::header::HeaderMap) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        let set = self.keep(&res);
        let (status, headers) = (res.status(), res.headers().clone());
        (status, res.text().await.unwrap(), set, headers)
    }

    /// GET a long-lived response (a server-sent event stream), with
    /// `Last-Event-ID` when resuming; read it with [`EventStream`].
    pub async fn open_stream(&self, path: &str, last_event_id: Option<&str>) -> reqwest::Response {
        let mut req = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .header(header::ACCEPT, "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("last-event-id", id);
        }
        req.send().await.unwrap()
    }

    /// GET a file: status, its bytes as sent, headers.
    pub async fn get_bytes(
        &mut self,
        path: &str,
    ) -> (StatusCode, Vec<u8>, reqwest::header::HeaderMap) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        (status, res.bytes().await.unwrap().to_vec(), headers)
    }

    /// POST a form: status, body, Set-Cookie values, Location.
    pub async fn post(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
    ) -> (StatusCode, String, Vec<String>, Option<String>) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(
                form.iter()
                    .map(|(k, v)| format!("{k}={}", urlencode(v)))
                    .collect::<Vec<_>>()
                    .join("&"),
            )
            .send()
            .await
            .unwrap();
        let set = self.keep(&res);
        let location = res
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        (res.status(), res.text().await.unwrap(), set, location)
    }
}

/// Percent-encodes a form value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `tekmerkez dev` settings for a test: data in `data_dir`, `demo_cases`
/// demo records, every listener on a free port.
pub fn dev_settings(
    data_dir: &std::path::Path,
    demo_cases: usize,
) -> tekmerkez::settings::Settings {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config");
    let mut s = tekmerkez::settings::Settings::load(&dir, "test").unwrap();
    s.dev.data_dir = data_dir.to_owned();
    s.dev.demo_cases = demo_cases;
    // The year of history is for people; tests count the cases they make.
    s.dev.demo_history_days = 0;
    s.case.grpc.listen = "127.0.0.1:0".into();
    s.routing.grpc_listen = "127.0.0.1:0".into();
    s.dev.http_listen = "127.0.0.1:0".into();
    s
}

/// Signs `b` in as `username` with the demo password; panics unless it works.
pub async fn sign_in(b: &mut Browser, username: &str) {
    let (_, page, _, _) = b.get("/giris").await;
    let csrf = hidden(&page, "csrf");
    let (status, body, _, _) = b
        .post(
            "/giris",
            &[
                ("csrf", &csrf),
                ("username", username),
                ("password", "tekmerkez-demo"),
            ],
        )
        .await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "sign-in as {username}: {body}"
    );
}

/// One server-sent event.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerEvent {
    pub id: String,
    pub event: String,
    pub data: String,
}

/// Reads server-sent events from a response as they arrive.
pub struct EventStream {
    res: reqwest::Response,
    buf: String,
}

impl EventStream {
    pub fn new(res: reqwest::Response) -> Self {
        Self {
            res,
            buf: String::new(),
        }
    }

    /// The next event (comments and keep-alives skipped); `None` when the
    /// stream ended. Waits at most `patience`, then panics: a broken
    /// stream fails the test rather than hanging it.
    pub async fn next(&mut self, patience: std::time::Duration) -> Option<ServerEvent> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut e = ServerEvent::default();
                for line in block.lines() {
                    let (field, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value);
                    match field {
                        "id" => e.id = value.to_owned(),
                        "event" => e.event = value.to_owned(),
                        "data" => e.data.push_str(value),
                        _ => {}
                    }
                }
                if e.event.is_empty() && e.data.is_empty() {
                    continue;
                }
                return Some(e);
            }
            let chunk = tokio::time::timeout(patience, self.res.chunk())
                .await
                .expect("the event stream went quiet")
                .unwrap()?;
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// The next event named `name`, others skipped.
    pub async fn next_named(&mut self, name: &str, patience: std::time::Duration) -> ServerEvent {
        loop {
            let e = self.next(patience).await.expect("the event stream ended");
            if e.event == name {
                return e;
            }
        }
    }
}
