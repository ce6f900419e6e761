//! A real Chromium for the gateway's screens: [`Chrome::start`] runs Debian's
//! `chromedriver` on a free 127.0.0.1 port (killed, with every browser it
//! started, when the [`Chrome`] is dropped); [`Chrome::session`] opens one
//! headless browser with a profile of its own, 1280×900, driven through
//! WebDriver ([`fantoccini`], over plain HTTP: no TLS stack is built).
//!
//! The helpers act as a person does: fields are found by their name or by
//! their visible label, buttons and links by their visible text, and every
//! action that leaves the page waits until the next page has loaded (not a
//! fixed time). [`Session::screenshot`] saves what the screen shows under
//! `<workspace>/test-artifacts/screens/<test>/NN-<name>.png`, so a person can
//! look at every screen a test went through.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver`
//! (`scripts/install-deps` installs them); `TEKMERKEZ_CHROMIUM` and
//! `TEKMERKEZ_CHROMEDRIVER` point elsewhere.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use anyhow::{Context as _, Result, anyhow, bail};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::{page::Page, wait::within};

/// Asserts that a page's `text` holds every one of `wanted`, showing the
/// page if not, and that its Turkish letters arrived whole: no replacement
/// characters, no UTF-8 read as Latin-1 (Ã§ for ç, Ä± for ı, Å for ş).
pub fn shows(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "'{w}' is not on the page:\n{text}");
    }
    for broken in ['\u{FFFD}', 'Ã', 'Ä', 'Å'] {
        assert!(!text.contains(broken), "broken text ({broken}):\n{text}");
    }
}

/// Clears `field` and types `value` into it; `what` names it in errors.
async fn replace_text(field: &Element, what: &str, value: &str) -> Result<()> {
    field
        .clear()
        .await
        .with_context(|| format!("clearing {what}"))?;
    field
        .send_keys(value)
        .await
        .with_context(|| format!("typing into {what}"))
}

/// The size of the page (the viewport) every session shows.
pub const WINDOW: (u32, u32) = (1280, 900);

/// The width of a phone's page, for [`Session::screenshot_phone`].
pub const PHONE_WIDTH: u32 = 412;

/// How long an action may take to show its result before the test fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// Chromium's flags: headless as root, and no traffic of its own (this
/// network is closed; Chromium would otherwise keep trying to reach Google).
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
    "--password-store=basic",
    "--lang=tr-TR",
];

fn program(var: &str, default: &str) -> PathBuf {
    std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from)
}

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.parent().unwrap_or(here).to_owned()
}

/// A running `chromedriver`; every browser it starts ends with it.
pub struct Chrome {
    driver: Child,
    url: String,
    chromium: PathBuf,
    /// chromedriver's own log (kept in a temporary directory; quoted in errors).
    log_dir: tempfile::TempDir,
}

impl Chrome {
    /// Starts chromedriver on a free 127.0.0.1 port and waits until it answers.
    pub async fn start() -> Result<Self> {
        let chromium = program("TEKMERKEZ_CHROMIUM", "/usr/bin/chromium");
        let driver = program("TEKMERKEZ_CHROMEDRIVER", "/usr/bin/chromedriver");
        for p in [&chromium, &driver] {
            if !p.is_file() {
                bail!(
                    "{} is missing: the browser tests need Debian's chromium and chromium-driver; \
                     run scripts/install-deps (or scripts/install-deps --browser-only)",
                    p.display()
                );
            }
        }
        let log_dir =
            tempfile::tempdir().context("a temporary directory for chromedriver's log")?;
        let mut last_error = anyhow!("chromedriver did not start");
        // A free port can be taken by someone else before chromedriver binds
        // it: then try another (chosen outside the ephemeral range, see
        // `cluster::free_port`).
        for _ in 0..3 {
            let port = crate::cluster::free_port();
            let log = log_dir.path().join(format!("chromedriver-{port}.log"));
            let mut child = Command::new(&driver)
                .arg(format!("--port={port}"))
                .arg("--allowed-ips=127.0.0.1")
                .arg(format!("--log-path={}", log.display()))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Its own process group, so that dropping the harness ends
                // chromedriver and every Chromium process it started.
                .process_group(0)
                .spawn()
                .with_context(|| format!("starting {}", driver.display()))?;
            let url = format!("http://127.0.0.1:{port}");
            match wait_until_ready(&mut child, &url, log_dir.path()).await {
                Ok(()) => {
                    return Ok(Self {
                        driver: child,
                        url,
                        chromium,
                        log_dir,
                    });
                }
                Err(e) => {
                    last_error = e;
                    kill_group(&mut child);
                }
            }
        }
        Err(last_error)
    }

    /// The last lines of chromedriver's log.
    fn log_tail(&self) -> String {
        log_tail(self.log_dir.path())
    }

    /// A new headless browser (its own temporary profile) on the server at
    /// `server`; its screenshots go to `test-artifacts/screens/<test>/`.
    pub async fn session(&self, server: SocketAddr, test: &str) -> Result<Session> {
        let profile = tempfile::tempdir().context("a temporary Chromium profile directory")?;
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| (*a).to_owned()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!("--window-size={},{}", WINDOW.0, WINDOW.1));
        let options = serde_json::json!({
            "binary": self.chromium.display().to_string(),
            "args": args,
            "prefs": { "intl.accept_languages": "tr-TR,tr" },
        });
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "chrome".into());
        caps.insert("goog:chromeOptions".into(), options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&self.url)
            .await
            .map_err(|e| {
                anyhow!(
                    "opening a Chromium session through chromedriver at {}: {e}; chromedriver's log: {}",
                    self.url,
                    self.log_tail()
                )
            })?;
        let shots = workspace_root()
            .join("test-artifacts")
            .join("screens")
            .join(test);
        let session = Session {
            client,
            base: format!("http://{server}"),
            shots,
            frame: (0, 0),
            _profile: profile,
        };
        session.with_frame().await
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        kill_group(&mut self.driver);
    }
}

/// Waits until the chromedriver `child` answers on `url`.
async fn wait_until_ready(child: &mut Child, url: &str, log_dir: &Path) -> Result<()> {
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .build()
        .context("an HTTP client for chromedriver's /status")?;
    let mut exited = None;
    let ready = within(PATIENCE, async || {
        if let Ok(Some(status)) = child.try_wait() {
            exited = Some(status);
            return Some(false);
        }
        let res = http.get(format!("{url}/status")).send().await;
        res.is_ok_and(|r| r.status().is_success()).then_some(true)
    })
    .await;
    match (ready, exited) {
        (Some(true), _) => Ok(()),
        (_, Some(status)) => bail!(
            "chromedriver exited ({status}) before answering on {url}: {}",
            log_tail(log_dir)
        ),
        _ => bail!(
            "chromedriver did not answer on {url} within {PATIENCE:?}: {}",
            log_tail(log_dir)
        ),
    }
}

/// The last lines of the chromedriver logs in `dir`.
fn log_tail(dir: &Path) -> String {
    let mut text = String::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

/// Ends `child` and its whole process group (chromedriver and the browsers
/// it started).
fn kill_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// Which screenshot number comes next in each directory, for this process
/// (two sessions of one test number their screens in one sequence). The
/// first use of a directory clears the screens an earlier run left there.
fn next_shot(dir: &Path) -> Result<usize> {
    static COUNTERS: OnceLock<Mutex<HashMap<PathBuf, usize>>> = OnceLock::new();
    let mut counters = COUNTERS
        .get_or_init(Mutex::default)
        .lock()
        .map_err(|_| anyhow!("the screenshot counter's lock is poisoned"))?;
    let n = counters.entry(dir.to_owned()).or_insert(0);
    if *n == 0 {
        if dir.exists() {
            for entry in
                std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?
            {
                let path = entry?.path();
                if path.extension().is_some_and(|e| e == "png") {
                    std::fs::remove_file(&path)
                        .with_context(|| format!("removing the old screen {}", path.display()))?;
                }
            }
        }
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    *n += 1;
    Ok(*n)
}

/// XPath string literal for `s` (which may hold either kind of quote).
fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// Clicks the option of `list` reading `option` (exactly, or else the only
/// one starting so) and checks it got selected; `what` names the list in errors.
async fn pick(list: Element, option: &str, what: &str) -> Result<()> {
    let lit = xpath_literal(option);
    let mut found = list
        .find_all(Locator::XPath(&format!(
            ".//option[normalize-space()={lit}]"
        )))
        .await
        .with_context(|| format!("looking in the list {what}"))?;
    if found.is_empty() {
        found = list
            .find_all(Locator::XPath(&format!(
                ".//option[starts-with(normalize-space(), {lit})]"
            )))
            .await
            .with_context(|| format!("looking in the list {what}"))?;
    }
    let chosen = match found.len() {
        1 => found.remove(0),
        0 => bail!(
            "the list {what} has no option '{option}'; it offers:\n{}",
            list.text().await.unwrap_or_default()
        ),
        n => bail!("{n} options of the list {what} read '{option}': ambiguous"),
    };
    chosen
        .click()
        .await
        .with_context(|| format!("choosing '{option}' in {what}"))?;
    if !chosen.is_selected().await.context("reading the option")? {
        bail!("'{option}' did not get chosen in the list {what}");
    }
    Ok(())
}

/// One browser window of one person.
pub struct Session {
    client: Client,
    base: String,
    shots: PathBuf,
    /// What the window adds around the page (its outer size less the
    /// viewport's), so that the page itself gets [`WINDOW`].
    frame: (u32, u32),
    _profile: tempfile::TempDir,
}

impl Session {
    /// Measures the window's frame and sizes the window so that the page
    /// (the viewport) is [`WINDOW`].
    async fn with_frame(mut self) -> Result<Self> {
        self.client
            .set_window_size(WINDOW.0, WINDOW.1)
            .await
            .context("setting the window size")?;
        let sizes = self
            .client
            .execute(
                "return [window.outerWidth - window.innerWidth, \
                         window.outerHeight - window.innerHeight];",
                vec![],
            )
            .await
            .context("measuring the window's frame")?;
        let side = |i: usize| {
            sizes
                .get(i)
                .and_then(serde_json::Value::as_u64)
                .and_then(|v| u32::try_from(v).ok())
                .unwrap_or(0)
        };
        self.frame = (side(0), side(1));
        self.set_viewport(WINDOW.1).await?;
        Ok(self)
    }

    /// Sizes the window so that the page shows `height` pixels, [`WINDOW`] wide.
    async fn set_viewport(&self, height: u32) -> Result<()> {
        self.client
            .set_window_size(WINDOW.0 + self.frame.0, height + self.frame.1)
            .await
            .context("setting the window size")
    }

    /// The WebDriver client, for what the helpers do not cover.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Opens `path` (such as `/giris`) on the server and waits for it to load.
    pub async fn goto(&self, path: &str) -> Result<()> {
        let url = format!("{}{path}", self.base);
        self.client
            .goto(&url)
            .await
            .with_context(|| format!("opening {url}"))?;
        self.wait_loaded().await
    }

    /// The path and query of the page shown now (`/kayit/…?durum=…`).
    pub async fn path(&self) -> Result<String> {
        let url = self
            .client
            .current_url()
            .await
            .context("reading the address bar")?;
        Ok(match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        })
    }

    /// The page's text as a person sees it (hidden parts left out).
    pub async fn text(&self) -> Result<String> {
        self.client
            .find(Locator::Css("body"))
            .await
            .context("finding the page's body")?
            .text()
            .await
            .context("reading the page's text")
    }

    /// The page shown now as a [`Page`] (title, headings, error messages,
    /// fields), its `text` what a person sees.
    pub async fn page(&self) -> Result<Page> {
        let html = self
            .client
            .source()
            .await
            .context("reading the page's markup")?;
        let mut page = Page::parse(&html);
        page.text = self.text().await?;
        Ok(page)
    }

    /// The page's title.
    pub async fn title(&self) -> Result<String> {
        self.client.title().await.context("reading the title")
    }

    /// The one element matching the CSS `selector`; an error if none or several.
    pub async fn one(&self, selector: &str) -> Result<Element> {
        let mut found = self
            .client
            .find_all(Locator::Css(selector))
            .await
            .with_context(|| format!("looking for {selector}"))?;
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => bail!(
                "no element {selector} on {}",
                self.path().await.unwrap_or_default()
            ),
            n => bail!(
                "{n} elements {selector} on {}: ambiguous",
                self.path().await.unwrap_or_default()
            ),
        }
    }

    async fn one_xpath(&self, xpath: &str, what: &str) -> Result<Element> {
        let mut found = self
            .client
            .find_all(Locator::XPath(xpath))
            .await
            .with_context(|| format!("looking for {what}"))?;
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => bail!(
                "no {what} on {}; the page reads:\n{}",
                self.path().await.unwrap_or_default(),
                self.text().await.unwrap_or_default()
            ),
            n => bail!(
                "{n} of {what} on {}: ambiguous",
                self.path().await.unwrap_or_default()
            ),
        }
    }

    /// Types `value` into the one field named `name` (cleared first).
    pub async fn fill(&self, name: &str, value: &str) -> Result<()> {
        let field = self.one(&format!("[name=\"{name}\"]")).await?;
        replace_text(&field, name, value).await
    }

    /// Types `value` into the field whose visible `<label>` reads `label`.
    pub async fn fill_label(&self, label: &str, value: &str) -> Result<()> {
        let field = self.labelled(label).await?;
        replace_text(&field, &format!("the field {label}"), value).await
    }

    /// The field a `<label for=…>` reading `label` points at.
    pub async fn labelled(&self, label: &str) -> Result<Element> {
        let l = self
            .one_xpath(
                &format!("//label[normalize-space()={}]", xpath_literal(label)),
                &format!("label '{label}'"),
            )
            .await?;
        let id = l
            .attr("for")
            .await
            .context("reading the label's for")?
            .ok_or_else(|| anyhow!("the label '{label}' has no for attribute"))?;
        self.one(&format!("[id=\"{id}\"]")).await
    }

    /// Types `value` into the one field matching the CSS `selector` (cleared
    /// first), for a page where two fields share a label or a name.
    pub async fn fill_in(&self, selector: &str, value: &str) -> Result<()> {
        let field = self.one(selector).await?;
        replace_text(&field, selector, value).await
    }

    /// Types the date and time `value` (`YYYY-MM-DDTHH:MM`) into the
    /// `datetime-local` field whose visible `<label>` reads `label`, part by
    /// part in the order the browser's locale shows them (dd.mm.yyyy for
    /// Turkish, mm/dd/yyyy and AM/PM for the en-US a bare Chromium falls back
    /// to), as a person types; checks the field then holds `value`.
    pub async fn fill_datetime(&self, label: &str, value: &str) -> Result<()> {
        let parse = |range: std::ops::Range<usize>| -> Result<u32> {
            value
                .get(range)
                .and_then(|v| v.parse().ok())
                .ok_or_else(|| anyhow!("'{value}' is not YYYY-MM-DDTHH:MM"))
        };
        let (year, month, day) = (parse(0..4)?, parse(5..7)?, parse(8..10)?);
        let (hour, minute) = (parse(11..13)?, parse(14..16)?);
        // The order and the clock (12 or 24 hours) of the field's parts.
        let order = self
            .client
            .execute(
                "return new Intl.DateTimeFormat(undefined, {year: 'numeric', month: '2-digit', \
                 day: '2-digit', hour: '2-digit', minute: '2-digit'}).formatToParts(new Date()) \
                 .map(p => p.type).filter(t => t !== 'literal');",
                vec![],
            )
            .await
            .context("reading the locale's date order")?;
        let parts: Vec<String> = serde_json::from_value(order).context("the date order")?;
        let twelve = parts.iter().any(|p| p == "dayPeriod");
        let right = char::from(Key::Right).to_string();
        let mut keys = String::new();
        for part in &parts {
            match part.as_str() {
                "day" => keys.push_str(&format!("{day:02}")),
                "month" => keys.push_str(&format!("{month:02}")),
                // A year may have six digits: the field moves on only when told.
                "year" => keys.push_str(&format!("{year:04}{right}")),
                "hour" if twelve => keys.push_str(&format!("{:02}", (hour + 11) % 12 + 1)),
                "hour" => keys.push_str(&format!("{hour:02}")),
                "minute" => keys.push_str(&format!("{minute:02}")),
                "dayPeriod" => keys.push(if hour < 12 { 'A' } else { 'P' }),
                _ => {}
            }
        }
        let field = self.labelled(label).await?;
        field
            .send_keys(&keys)
            .await
            .with_context(|| format!("typing into the field {label}"))?;
        let held = field.prop("value").await.context("reading the field")?;
        if held.as_deref() != Some(value) {
            bail!("the field {label} holds {held:?} after typing {value} ({parts:?})");
        }
        Ok(())
    }

    /// Picks, in the list whose visible `<label>` reads `label`, the option
    /// reading `option` (or the one option starting so).
    pub async fn choose(&self, label: &str, option: &str) -> Result<()> {
        let list = self.labelled(label).await?;
        pick(list, option, label).await
    }

    /// Picks the option reading `option` (or the one starting so) in the one
    /// list matching the CSS `selector`.
    pub async fn choose_in(&self, selector: &str, option: &str) -> Result<()> {
        let list = self.one(selector).await?;
        pick(list, option, selector).await
    }

    /// The current value of the one form field matching the CSS `selector`
    /// (what is typed in it, not its `value` attribute); empty when none.
    pub async fn value(&self, selector: &str) -> Result<String> {
        Ok(self
            .one(selector)
            .await?
            .prop("value")
            .await
            .with_context(|| format!("reading the value of {selector}"))?
            .unwrap_or_default())
    }

    /// The visible text of every element matching the CSS `selector`, in
    /// page order (such as each row of a list: `tbody tr`).
    pub async fn texts(&self, selector: &str) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for e in self
            .client
            .find_all(Locator::Css(selector))
            .await
            .with_context(|| format!("looking for {selector}"))?
        {
            out.push(e.text().await.context("reading an element's text")?);
        }
        Ok(out)
    }

    /// The tracking numbers a list page offers for selection or claiming,
    /// in page order (each checkbox is named "Seç <takip numarası>").
    pub async fn offered(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for b in self
            .client
            .find_all(Locator::Css("input[type=checkbox][name=case_id]"))
            .await
            .context("looking for the list's checkboxes")?
        {
            let label = b
                .attr("aria-label")
                .await
                .context("reading a checkbox's name")?
                .unwrap_or_default();
            let Some(tn) = label.strip_prefix("Seç ") else {
                bail!("a list checkbox named '{label}', not 'Seç <tracking number>'");
            };
            out.push(tn.to_owned());
        }
        Ok(out)
    }

    /// Ticks the checkbox whose accessible name (aria-label) is `label`.
    pub async fn tick(&self, label: &str) -> Result<()> {
        let boxed = self
            .one_xpath(
                &format!(
                    "//input[@type='checkbox'][@aria-label={}]",
                    xpath_literal(label)
                ),
                &format!("checkbox '{label}'"),
            )
            .await?;
        if !boxed.is_selected().await.context("reading the checkbox")? {
            self.reveal(&boxed).await?;
            boxed
                .click()
                .await
                .with_context(|| format!("ticking {label}"))?;
        }
        if !boxed.is_selected().await.context("reading the checkbox")? {
            bail!("the checkbox '{label}' did not get ticked");
        }
        Ok(())
    }

    /// Presses the one button reading `text` (or named so by aria-label)
    /// and waits for the page it leads to.
    pub async fn click_button(&self, text: &str) -> Result<()> {
        let t = xpath_literal(text);
        let button = self
            .one_xpath(
                &format!("//button[normalize-space()={t} or @aria-label={t}]"),
                &format!("button '{text}'"),
            )
            .await?;
        self.reveal(&button).await?;
        self.navigating(|| async {
            button
                .click()
                .await
                .with_context(|| format!("pressing '{text}'"))
        })
        .await
    }

    /// Presses the button reading `text` inside the box (fieldset) whose
    /// legend reads `legend`, for pages with one such button per box (the
    /// admin's several *Ekle*), and waits for the page it leads to.
    pub async fn click_button_in(&self, legend: &str, text: &str) -> Result<()> {
        let (l, t) = (xpath_literal(legend), xpath_literal(text));
        let button = self
            .one_xpath(
                &format!(
                    "//fieldset[legend[normalize-space()={l}]]//button[normalize-space()={t}]"
                ),
                &format!("button '{text}' in '{legend}'"),
            )
            .await?;
        self.reveal(&button).await?;
        self.navigating(|| async {
            button
                .click()
                .await
                .with_context(|| format!("pressing '{text}' in '{legend}'"))
        })
        .await
    }

    /// Follows the one link reading `text` (or named so by aria-label, as
    /// the lists' "Aç <takip numarası>") and waits for the page it leads to.
    pub async fn click_link(&self, text: &str) -> Result<()> {
        self.follow(String::new(), text).await
    }

    /// Follows the one link reading `text` inside the element with id `id`
    /// (a page may link one record from two sections).
    pub async fn click_link_in(&self, id: &str, text: &str) -> Result<()> {
        self.follow(format!("//*[@id={}]", xpath_literal(id)), text)
            .await
    }

    /// Follows the one link reading `text` under the XPath `within`.
    async fn follow(&self, within: String, text: &str) -> Result<()> {
        let t = xpath_literal(text);
        let link = self
            .one_xpath(
                &format!("{within}//a[normalize-space()={t} or @aria-label={t}]"),
                &format!("link '{text}'"),
            )
            .await?;
        self.reveal(&link).await?;
        self.navigating(|| async {
            link.click()
                .await
                .with_context(|| format!("following '{text}'"))
        })
        .await
    }

    /// Clicks the one element reading `text` of the CSS type `tag` (such as
    /// `summary`); for clicks that stay on the page.
    pub async fn click_text(&self, tag: &str, text: &str) -> Result<()> {
        let element = self
            .one_xpath(
                &format!("//{tag}[normalize-space()={}]", xpath_literal(text)),
                &format!("{tag} '{text}'"),
            )
            .await?;
        self.reveal(&element).await?;
        element
            .click()
            .await
            .with_context(|| format!("clicking '{text}'"))
    }

    /// Scrolls `element` to the middle of the window, as a person brings
    /// into clear view what they mean to click: near the bottom it would
    /// lie under a list's sticky claim or assignment bar, and WebDriver
    /// scrolls only what is outside the window.
    async fn reveal(&self, element: &Element) -> Result<()> {
        let arg = serde_json::to_value(element).context("passing the element to a script")?;
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                vec![arg],
            )
            .await
            .context("scrolling to the element")?;
        Ok(())
    }

    /// Submits the form that holds the field named `name`, as Enter in it does.
    pub async fn submit(&self, name: &str) -> Result<()> {
        let field = self.one(&format!("[name=\"{name}\"]")).await?;
        self.navigating(|| async {
            field
                .send_keys(&char::from(Key::Enter).to_string())
                .await
                .context("pressing Enter")
        })
        .await
    }

    /// Signs in on `/giris` as a person does: both fields by their labels,
    /// then the button (Turkish or English labels, whichever the page shows).
    pub async fn sign_in(&self, username: &str, password: &str) -> Result<()> {
        self.goto("/giris").await?;
        let english = self.text().await?.contains("Sign in");
        let (user, pass, button) = if english {
            ("User name", "Password", "Sign in")
        } else {
            ("Kullanıcı adı", "Parola", "Giriş yap")
        };
        self.fill_label(user, username).await?;
        self.fill_label(pass, password).await?;
        self.click_button(button).await?;
        let at = self.path().await?;
        if at != "/" {
            bail!(
                "signing in as {username} led to {at}, not the home page:\n{}",
                self.text().await.unwrap_or_default()
            );
        }
        Ok(())
    }

    /// The element that has the keyboard focus.
    pub async fn focused(&self) -> Result<Element> {
        self.client
            .active_element()
            .await
            .context("finding the focused element")
    }

    /// Types `keys` (text or [`Key`]s as chars) into the focused element.
    pub async fn keys(&self, keys: &str) -> Result<()> {
        self.focused()
            .await?
            .send_keys(keys)
            .await
            .context("typing on the keyboard")
    }

    /// Types `keys` into the focused element, which makes the page go to
    /// another (Enter in a form), and waits for that page.
    pub async fn keys_navigating(&self, keys: &str) -> Result<()> {
        let focused = self.focused().await?;
        self.navigating(|| async {
            focused
                .send_keys(keys)
                .await
                .context("typing on the keyboard")
        })
        .await
    }

    /// Runs `act`, which leaves the page, then waits until another page has
    /// loaded: the old document is marked first, so the wait ends on the new
    /// one's load and not on a time.
    async fn navigating<F, Fut>(&self, act: F) -> Result<()>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<()>>,
    {
        self.client
            .execute("document.documentElement.dataset.tmkEski = '1';", vec![])
            .await
            .context("marking the page before leaving it")?;
        act().await?;
        // During the navigation the script may fail: that is "not yet".
        let arrived = within(PATIENCE, async || {
            self.script_says(
                "return document.readyState === 'complete' \
                 && !document.documentElement.dataset.tmkEski;",
            )
            .await
        })
        .await;
        if arrived.is_none() {
            bail!(
                "no new page within {PATIENCE:?}; still on {}",
                self.path().await.unwrap_or_default()
            );
        }
        Ok(())
    }

    /// Whether `script` returns `true` (a failing script is `false`).
    async fn script_says(&self, script: &str) -> bool {
        self.client
            .execute(script, vec![])
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    async fn wait_loaded(&self) -> Result<()> {
        let loaded = within(PATIENCE, async || {
            self.script_says("return document.readyState === 'complete';")
                .await
        })
        .await;
        loaded.ok_or_else(|| anyhow!("the page did not finish loading within {PATIENCE:?}"))
    }

    /// Saves the whole page (the window grown to its height, then put back to
    /// 1280×900) as `test-artifacts/screens/<test>/NN-<name>.png`; returns
    /// the file's path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let n = next_shot(&self.shots)?;
        let path = self.shots.join(format!("{n:02}-{name}.png"));
        let height = self
            .client
            .execute(
                "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);",
                vec![],
            )
            .await
            .context("measuring the page")?
            .as_u64()
            .and_then(|h| u32::try_from(h).ok())
            .unwrap_or(WINDOW.1);
        let tall = height > WINDOW.1;
        if tall {
            self.set_viewport(height.min(8000)).await?;
        }
        let png = self
            .client
            .screenshot()
            .await
            .context("taking a screenshot");
        if tall {
            self.set_viewport(WINDOW.1).await?;
        }
        std::fs::write(&path, png?).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    /// As [`Self::screenshot`], on a phone's width ([`PHONE_WIDTH`]): the
    /// whole page as a citizen's phone shows it (citizens' pages are read
    /// on phones); the window is put back to [`WINDOW`] after.
    pub async fn screenshot_phone(&self, name: &str) -> Result<PathBuf> {
        let n = next_shot(&self.shots)?;
        let path = self.shots.join(format!("{n:02}-{name}.png"));
        let size = |w: u32, h: u32| {
            self.client
                .set_window_size(w + self.frame.0, h + self.frame.1)
        };
        size(PHONE_WIDTH, WINDOW.1)
            .await
            .context("setting a phone's width")?;
        let height = self
            .client
            .execute(
                "return Math.max(document.documentElement.scrollHeight, document.body.scrollHeight);",
                vec![],
            )
            .await
            .context("measuring the page")?
            .as_u64()
            .and_then(|h| u32::try_from(h).ok())
            .unwrap_or(WINDOW.1);
        size(PHONE_WIDTH, height.clamp(WINDOW.1, 8000))
            .await
            .context("growing the window to the page")?;
        let png = self
            .client
            .screenshot()
            .await
            .context("taking a screenshot");
        self.set_viewport(WINDOW.1).await?;
        std::fs::write(&path, png?).with_context(|| format!("writing {}", path.display()))?;
        Ok(path)
    }

    /// Ends the browser (its Chromium process and profile).
    pub async fn close(self) -> Result<()> {
        self.client.close().await.context("closing the browser")
    }
}
