//! Notify's black-box tests: the real application on the embedded bus and
//! SQLite or PostgreSQL, its SMS providers' local stand-ins (Netgsm's
//! documented wire format, the webhook contract), the social platforms'
//! stand-in (`tekmerkez-standin`) and a real SMTP server
//! (`scripts/smtp`, aiosmtpd with STARTTLS and AUTH).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests"
)]

#[path = "../support/netgsm.rs"]
mod netgsm_standin;
#[path = "../support/webhook.rs"]
mod webhook_standin;

mod deadline;
mod fencing;
mod helpers;
mod pipeline;
mod providers;
mod ready_answers;
mod report_mail;
mod smtp;
mod social;
mod survey;
