//! The all-in-one binary's library, so tests can host what `main` hosts.
//!
//! - [`settings`]: the layered settings of every hosted service.
//! - [`dev`]: `tekmerkez dev`, the embedded product in one process.
//! - [`dev_channels`]: the social, partner and CTI channels' development credentials.
//! - [`commands`]: `tekmerkez case` and `tekmerkez migrate` for production.
//! - [`shutdown`]: the process-wide cancellation token.

pub mod commands;
pub mod dev;
pub mod dev_channels;
pub mod settings;
pub mod shutdown;
