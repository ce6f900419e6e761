//! The all-in-one binary's library, so tests can host what `main` hosts.
//!
//! - [`settings`]: the layered settings of every hosted service.
//! - [`dev`]: `tekmerkez dev`, the embedded product in one process.
//! - [`commands`]: `tekmerkez case` and `tekmerkez migrate` for production.
//! - [`shutdown`]: the process-wide cancellation token.

pub mod commands;
pub mod dev;
pub mod settings;
pub mod shutdown;
