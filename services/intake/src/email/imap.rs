//! The IMAP connection: TCP, then TLS (implicit, or after `STARTTLS`)
//! through rustls with the system's roots (and a private CA when
//! configured), then LOGIN. Plain TCP is only for a server on this machine.

use std::{
    io,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use secrecy::ExposeSecret as _;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
};
use tokio_rustls::{
    TlsConnector,
    rustls::{self, pki_types::ServerName},
};

use super::settings::{ImapSettings, TlsMode};

/// A session over plain TCP or TLS.
pub type Session = async_imap::Session<MailStream>;

/// Why the mailbox could not be used; the cause chain says more (never
/// any message content: commands carry only UIDs and flags).
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// TCP or TLS failed.
    #[error("connecting to the IMAP server")]
    Connect(#[source] io::Error),
    /// The TLS settings cannot work.
    #[error("TLS settings: {0}")]
    Tls(&'static str),
    /// The server refused the login.
    #[error("the IMAP server refused the login")]
    Login(#[source] async_imap::error::Error),
    /// A command failed or the connection dropped.
    #[error("IMAP command failed")]
    Command(#[from] async_imap::error::Error),
    /// A command took longer than the bound.
    #[error("IMAP command timed out")]
    Timeout,
}

/// TCP or TLS over TCP.
#[derive(Debug)]
pub enum MailStream {
    Plain(TcpStream),
    Tls(Box<tokio_rustls::client::TlsStream<TcpStream>>),
}

impl AsyncRead for MailStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for MailStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_flush(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Self::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Self::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

/// Runs `f` within `limit`.
///
/// # Errors
/// [`ImapError::Timeout`], or what `f` failed with.
pub async fn bounded<T, E: Into<ImapError>>(
    limit: Duration,
    f: impl Future<Output = Result<T, E>>,
) -> Result<T, ImapError> {
    match tokio::time::timeout(limit, f).await {
        Ok(r) => r.map_err(Into::into),
        Err(_) => Err(ImapError::Timeout),
    }
}

fn tls_connector(settings: &ImapSettings) -> Result<TlsConnector, ImapError> {
    let mut roots = rustls::RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for cert in native.certs {
        // A system certificate rustls cannot read is skipped, as browsers do.
        let _ = roots.add(cert);
    }
    if !settings.ca_file.trim().is_empty() {
        use rustls::pki_types::{CertificateDer, pem::PemObject as _};
        let certs = CertificateDer::pem_file_iter(settings.ca_file.trim())
            .map_err(|_| ImapError::Tls("intake.channels.email.imap.ca_file cannot be read"))?;
        for cert in certs {
            let cert =
                cert.map_err(|_| ImapError::Tls("intake.channels.email.imap.ca_file is not PEM"))?;
            roots.add(cert).map_err(|_| {
                ImapError::Tls("intake.channels.email.imap.ca_file holds a bad certificate")
            })?;
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|_| ImapError::Tls("no TLS protocol version available"))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(TlsConnector::from(Arc::new(config)))
}

async fn tls(settings: &ImapSettings, tcp: TcpStream) -> Result<MailStream, ImapError> {
    let name = ServerName::try_from(settings.host.clone()).map_err(|_| {
        ImapError::Tls("intake.channels.email.imap.host is not a valid server name")
    })?;
    let stream = tls_connector(settings)?
        .connect(name, tcp)
        .await
        .map_err(ImapError::Connect)?;
    Ok(MailStream::Tls(Box::new(stream)))
}

/// Connects, protects and logs in.
///
/// # Errors
/// [`ImapError`] for whatever step failed.
pub async fn connect(settings: &ImapSettings, limit: Duration) -> Result<Session, ImapError> {
    let tcp = tokio::time::timeout(
        limit,
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await
    .map_err(|_| ImapError::Timeout)?
    .map_err(ImapError::Connect)?;
    let _ = tcp.set_nodelay(true);
    let client = match settings.tls {
        TlsMode::None => {
            let mut c = async_imap::Client::new(MailStream::Plain(tcp));
            bounded(limit, async {
                c.read_response()
                    .await
                    .map_err(async_imap::error::Error::Io)
            })
            .await?;
            c
        }
        TlsMode::Implicit => {
            let mut c = async_imap::Client::new(tls(settings, tcp).await?);
            bounded(limit, async {
                c.read_response()
                    .await
                    .map_err(async_imap::error::Error::Io)
            })
            .await?;
            c
        }
        TlsMode::Starttls => {
            let mut c = async_imap::Client::new(MailStream::Plain(tcp));
            bounded(limit, async {
                c.read_response()
                    .await
                    .map_err(async_imap::error::Error::Io)
            })
            .await?;
            bounded(limit, c.run_command_and_check_ok("STARTTLS", None)).await?;
            let MailStream::Plain(tcp) = c.into_inner() else {
                return Err(ImapError::Tls("STARTTLS on a stream that is not plain"));
            };
            async_imap::Client::new(tls(settings, tcp).await?)
        }
    };
    tokio::time::timeout(
        limit,
        client.login(&settings.username, settings.password.expose_secret()),
    )
    .await
    .map_err(|_| ImapError::Timeout)?
    .map_err(|(e, _)| ImapError::Login(e))
}
