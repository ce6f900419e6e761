//! The gateway's sign-in inside `tekmerkez dev`, over real HTTP: the
//! double-submit CSRF token on the sign-in form, one message for every
//! refusal, an HttpOnly SameSite=Strict session cookie, the role's menu,
//! sign-out with the session's CSRF token, Turkish by default and English
//! on request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; the house style allows it"
)]

use std::path::Path;

use reqwest::{StatusCode, header};
use tekmerkez::{dev::Dev, settings::Settings};
use tokio_util::sync::CancellationToken;

fn settings(data_dir: &Path) -> Settings {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../services/tekmerkez/config");
    let mut s = Settings::load(&dir, "test").unwrap();
    s.dev.data_dir = data_dir.to_owned();
    s.dev.demo_cases = 0;
    s.case.grpc.listen = "127.0.0.1:0".into();
    s.routing.grpc_listen = "127.0.0.1:0".into();
    s.dev.http_listen = "127.0.0.1:0".into();
    s
}

struct Browser {
    base: String,
    http: reqwest::Client,
    cookies: Vec<(String, String)>,
}

/// The value of `name="<field>" value="…"` in a page.
fn hidden(page: &str, field: &str) -> String {
    let at = page
        .find(&format!("name=\"{field}\" value=\""))
        .unwrap_or_else(|| panic!("no {field} in {page}"));
    let rest = &page[at + field.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

impl Browser {
    fn new(addr: std::net::SocketAddr) -> Self {
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

    async fn get(
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

    async fn post(
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

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expert_signs_in_sees_their_menu_and_signs_out() {
    let data = tempfile::tempdir().unwrap();
    let dev = Dev::build(settings(data.path())).await.unwrap();
    let mut b = Browser::new(dev.http_addr());
    let shutdown = CancellationToken::new();
    let server = tokio::spawn(dev.run_until_stopped(shutdown.clone()));

    let (status, _, _, headers) = b.get("/").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "signed out: to the sign-in page"
    );
    assert_eq!(headers.get(header::LOCATION).unwrap(), "/giris");

    let (status, page, set, headers) = b.get("/giris").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<html lang=\"tr\"")
            && page.contains("Kullanıcı adı")
            && page.contains("Parola"),
        "{page}"
    );
    assert!(
        set.iter().any(|c| c.starts_with("tmk_giris=")
            && c.contains("HttpOnly")
            && c.contains("SameSite=Strict")),
        "{set:?}"
    );
    for h in [
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
    ] {
        assert!(headers.contains_key(h), "{h}");
    }
    let csrf = hidden(&page, "csrf");

    // A forged token: refused before the password is even looked at.
    let (status, page, _, _) = b
        .post(
            "/giris",
            &[
                ("csrf", "forged"),
                ("username", "uzman.ankara"),
                ("password", "tekmerkez-demo"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("Formun süresi doldu"), "{page}");

    // Each refusal answers alike (every render issues a fresh form token).
    let mut messages = Vec::new();
    for (user, password) in [
        ("uzman.ankara", "yanlış-parola"),
        ("kimse", "tekmerkez-demo"),
    ] {
        let (_, page, _, _) = b.get("/giris").await;
        let csrf = hidden(&page, "csrf");
        let (status, page, set, _) = b
            .post(
                "/giris",
                &[("csrf", &csrf), ("username", user), ("password", password)],
            )
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            !set.iter().any(|c| c.starts_with("tmk_oturum=")),
            "no session"
        );
        assert!(!page.contains(password), "the password is never echoed");
        messages.push(
            page[page.find("giris-hata").unwrap()..]
                .split("</p>")
                .next()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(
        messages[0], messages[1],
        "the same message for a wrong password and an unknown user"
    );
    assert!(messages[0].contains("hatalı"), "{}", messages[0]);
    let _ = csrf;

    let (_, page, _, _) = b.get("/giris").await;
    let csrf = hidden(&page, "csrf");
    let (status, _, set, location) = b
        .post(
            "/giris",
            &[
                ("csrf", &csrf),
                ("username", "UZMAN.ANKARA"),
                ("password", "tekmerkez-demo"),
            ],
        )
        .await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/")),
        "Turkish case folding: UZMAN is uzman"
    );
    let session = set
        .iter()
        .find(|c| c.starts_with("tmk_oturum="))
        .expect("a session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );

    let (status, page, _, _) = b.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Kurum Uzmanı")
            && page.contains("Çağrı Havuzu")
            && page.contains("Üzerimdeki Çağrılar"),
        "{page}"
    );
    assert!(
        !page.contains("/yonetim"),
        "an expert's menu has no administration"
    );
    let (_, page, _, _) = b.get("/giris").await;
    assert!(
        !page.contains("name=\"password\""),
        "signed in: /giris goes home (got {page})"
    );

    let (_, english, _, _) = b.get("/?lang=en").await;
    assert!(
        english.contains("<html lang=\"en\"")
            && english.contains("Call pool")
            && english.contains("Sign out"),
        "{english}"
    );
    let (_, page, _, _) = b.get("/?lang=tr").await;
    let token = hidden(&page, "csrf");

    let signed_in = b.cookies.clone();
    let (status, _, _, _) = b.post("/cikis", &[("csrf", "forged")]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "sign-out needs the session's token"
    );
    let (status, _, _, location) = b.post("/cikis", &[("csrf", &token)]).await;
    assert_eq!(
        (status, location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/giris"))
    );
    b.cookies = signed_in;
    let (status, _, _, _) = b.get("/").await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "the old cookie no longer signs anyone in"
    );

    shutdown.cancel();
    server.await.unwrap().unwrap();
}
