//! Every black-box test across services, in one test binary (so the
//! services link once): one module per area and scenario file, named
//! `<area>_<what>` (`backbone_kafka`, `browser_admin`, `gateway_entry`,
//! `intake_social`, `notify_dev`, `ops_metrics`, `chaos_kafka`, …), and two modules the
//! scenarios share: `channels` (`tekmerkez dev` in-process with every
//! channel on) and `entry_support` (reading receipts with poppler and zbar).
//! The harness itself is this crate's library (`src/`).
//!
//! nextest runs each test in a process of its own, so process-wide state
//! (a test's global tracing subscriber, the screenshot counters) stays the
//! test's own, as when each file was a binary. `.config/nextest.toml`
//! serialises by module path: `browser_*` one at a time, and the tests that
//! share or kill the Kafka broker (`*kafka*`, `ops_*`) one at a time.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; the house style allows it"
)]

mod channels;
mod entry_support;
/// Netgsm's SMS stand-in (notify's test support), for `notify_kafka` and `chaos_kafka`.
#[path = "../../../services/notify/tests/support/netgsm.rs"]
mod netgsm_standin;
mod notify_cluster;

mod backbone_embedded;
mod backbone_kafka;
mod browser_admin;
mod browser_auto_assignment;
mod browser_brand;
mod browser_calendar;
mod browser_callback;
mod browser_citizen;
mod browser_citizen_form;
mod browser_claim_race;
mod browser_closure_reasons;
mod browser_deadline_actions;
mod browser_deadline_policies;
mod browser_desk;
mod browser_due;
mod browser_entry;
mod browser_entry_forms;
mod browser_expert;
mod browser_forms;
mod browser_incidents;
mod browser_keyboard;
mod browser_letters;
mod browser_live_desk;
mod browser_manager;
mod browser_outages;
mod browser_ready_answers;
mod browser_record;
mod browser_report_recipients;
mod browser_reports;
mod browser_survey;
mod browser_transfer;
mod chaos_kafka;
mod dev_mode;
mod embedded_faults;
mod gateway_admin_notify;
mod gateway_audit;
mod gateway_auto_assignment;
mod gateway_bad_input;
mod gateway_calendar;
mod gateway_callback_public;
mod gateway_closure_reasons;
mod gateway_deadline;
mod gateway_deadline_policies;
mod gateway_duplicates;
mod gateway_entry;
mod gateway_expert;
mod gateway_incidents;
mod gateway_live_desk;
mod gateway_manager;
mod gateway_not_reached;
mod gateway_place;
mod gateway_quick_views;
mod gateway_ready_answers;
mod gateway_related;
mod gateway_reports;
mod gateway_search;
mod gateway_signin;
mod gateway_survey;
mod gateway_words;
mod incidents_dev;
mod incidents_kafka;
mod intake_channels_kafka;
mod intake_cti;
mod intake_cti_outages;
mod intake_cti_outages_kafka;
mod intake_email;
mod intake_email_dev;
mod intake_open311;
mod intake_partner;
mod intake_phone_kinds;
mod intake_smtputf8;
mod intake_social;
mod intake_tracking_lookups;
mod notify_dev;
mod notify_email_dev;
mod notify_kafka;
mod notify_social_dev;
mod notify_social_kafka;
mod ops_dev_metrics;
mod ops_image;
mod ops_metrics;
mod ops_shutdown;
mod ops_traces;
mod reports_api;
mod reports_dev;
mod reports_kafka;
mod reports_periodic;
