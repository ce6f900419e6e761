//! Generates the prost messages and tonic stubs for every `tekmerkez.*.v1`
//! package, plus one file descriptor set for gRPC reflection. protoc comes
//! from `protoc-bin-vendored`, so a build needs no system package.

use std::{env, path::PathBuf};

const PROTOS: &[&str] = &[
    "tekmerkez/common/v1/common.proto",
    "tekmerkez/case/v1/case.proto",
    "tekmerkez/case/v1/case_service.proto",
    "tekmerkez/case/v1/classification_service.proto",
    "tekmerkez/case/v1/deadline_service.proto",
    "tekmerkez/case/v1/directory_service.proto",
    "tekmerkez/case/v1/calendar_service.proto",
    "tekmerkez/case/v1/incident_service.proto",
    "tekmerkez/case/v1/assignment_service.proto",
    "tekmerkez/case/v1/desk_service.proto",
    "tekmerkez/case/v1/saved_view_service.proto",
    "tekmerkez/case/v1/audit_service.proto",
    "tekmerkez/case/v1/escalation.proto",
    "tekmerkez/case/v1/events.proto",
    "tekmerkez/intake/v1/application.proto",
    "tekmerkez/intake/v1/intake_service.proto",
    "tekmerkez/intake/v1/calls.proto",
    "tekmerkez/routing/v1/routing_service.proto",
    "tekmerkez/notify/v1/notification_service.proto",
    "tekmerkez/notify/v1/report_mail.proto",
    "tekmerkez/notify/v1/ready_answer_service.proto",
    "tekmerkez/reports/v1/report_service.proto",
    "tekmerkez/reports/v1/call_report_service.proto",
    "tekmerkez/reports/v1/periodic_report_service.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(env::var("OUT_DIR")?);
    let mut config = tonic_prost_build::Config::new();
    // Passing protoc explicitly avoids mutating the process environment.
    config.protoc_executable(protoc_bin_vendored::protoc_bin_path()?);
    tonic_prost_build::configure()
        // A request that does not decode is INVALID_ARGUMENT, not prost's
        // INTERNAL (src/codec.rs).
        .codec_path("crate::codec::ProtoCodec")
        .file_descriptor_set_path(out.join("tekmerkez_descriptor.bin"))
        .compile_with_config(
            config,
            PROTOS,
            &[".", &protoc_bin_vendored::include_path()?.to_string_lossy()],
        )?;
    for p in PROTOS {
        println!("cargo:rerun-if-changed={p}");
    }
    Ok(())
}
