//! The gateway: the agents' web UI in front of the case service.
//!
//! - [`http`]: server-rendered HTML (askama), one module and template per
//!   page; sign-in, sign-out, the signed-in person and the role guards.
//! - [`i18n`]: every text, Turkish by default with an English locale, one
//!   module per page; a missing translation does not compile.
//! - [`session`]: signed-in sessions in the gateway's own database (only the
//!   SHA-256 of the cookie's random id is stored), each with its CSRF token.
//! - [`backend`]: calls to the case service with the gateway's service token,
//!   naming the signed-in person; the case service decides every permission
//!   (ADR 0001), so the UI can only hide what is refused anyway.
//! - [`intake`]: staff entry and the call-centre caller lookup at intake.
//! - [`receipt`], [`barcode`]: the receipt handed to the citizen (its PDF
//!   drawn with `tekmerkez-pdf`) —
//!   the tracking number as a Code 128 barcode, a printable page and a PDF.
//! - [`period`], [`charts`], [`report_jobs`]: *Raporlar* — the period a
//!   report covers, its SVG charts, and the large exports prepared in the
//!   background.
//! - [`letter`]: the answer letter posted to a citizen who asked for a letter
//!   reply, as a PDF of as many A4 pages as its answer takes.

pub mod backend;
pub mod barcode;
pub mod charts;
pub mod config;
pub mod http;
pub mod i18n;
pub mod intake;
pub mod letter;
pub mod period;
pub mod receipt;
pub mod report_jobs;
pub mod session;
pub mod startup;
