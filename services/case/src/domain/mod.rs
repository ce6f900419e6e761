//! The case domain: values parsed at the edge, the case aggregate and its
//! transitions, the organisation, callers, the person index's keys and the
//! authorization policy.
//! Nothing here does I/O.

pub mod assignment;
pub mod audit;
pub mod calendar;
pub mod caller;
pub mod case;
pub mod classification;
pub mod deadline;
pub mod desk;
pub mod directory;
pub mod duplicate;
pub mod enums;
pub mod escalation;
pub mod incident;
pub mod letter;
pub mod not_reached;
pub mod person;
pub mod policy;
pub mod saved_view;
pub mod survey;
pub mod working_calendar;

pub use tekmerkez_types::{contact, fields, text};
