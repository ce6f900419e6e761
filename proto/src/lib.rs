//! Generated code for every tekmerkez contract, one module per protobuf
//! package. Nothing but generated code lives here, and [`codec`], the codec
//! that code is generated to use: services depend on this crate and on
//! shared crates, never on each other.
//!
//! - [`common_v1`]: channels, contact, location, reply channels, paging.
//! - [`case_v1`]: the case service, the directory service, and the events on
//!   `case.events.v1`.
//! - [`intake_v1`]: `ApplicationReceived`, what `intake.applications.v1` carries,
//!   and `IntakeService`, the partners' gRPC door.
//! - [`routing_v1`]: the routing rules' admin service.
//! - [`notify_v1`]: the notification service's delivery log and catalogue API,
//!   and `ReportMailRequested`, what `reports.mail.v1` carries.
//! - [`reports_v1`]: the reports service's summary queries.

pub mod codec;

/// The package tree as protoc names it; generated code refers to sibling
/// packages by relative paths, so the nesting must match.
pub mod tekmerkez {
    /// `tekmerkez.common.*`.
    pub mod common {
        /// `tekmerkez.common.v1`.
        pub mod v1 {
            tonic::include_proto!("tekmerkez.common.v1");
        }
    }
    /// `tekmerkez.intake.*`.
    pub mod intake {
        /// `tekmerkez.intake.v1`.
        pub mod v1 {
            tonic::include_proto!("tekmerkez.intake.v1");
        }
    }
    /// `tekmerkez.routing.*`.
    pub mod routing {
        /// `tekmerkez.routing.v1`.
        pub mod v1 {
            tonic::include_proto!("tekmerkez.routing.v1");
        }
    }
    /// `tekmerkez.notify.*`.
    pub mod notify {
        /// `tekmerkez.notify.v1`.
        pub mod v1 {
            tonic::include_proto!("tekmerkez.notify.v1");
        }
    }
    /// `tekmerkez.reports.*`.
    pub mod reports {
        /// `tekmerkez.reports.v1`.
        pub mod v1 {
            tonic::include_proto!("tekmerkez.reports.v1");
        }
    }
    /// `tekmerkez.case.*`.
    pub mod case {
        /// `tekmerkez.case.v1`.
        pub mod v1 {
            tonic::include_proto!("tekmerkez.case.v1");
        }
    }
}

pub use tekmerkez::notify::v1 as notify_v1;
pub use tekmerkez::reports::v1 as reports_v1;
pub use tekmerkez::{
    case::v1 as case_v1, common::v1 as common_v1, intake::v1 as intake_v1,
    routing::v1 as routing_v1,
};

/// The encoded file descriptor set of every package, for gRPC reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("tekmerkez_descriptor");
