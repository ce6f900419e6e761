//! The container image's shape, checked on every run (no container engine
//! runs here; `scripts/build-image-binary --check` builds the image root
//! and runs it in a chroot, a release build of minutes kept out of the
//! default test run):
//!
//! - the runtime stage is `FROM scratch` and takes files only from the
//!   build stage (nothing pulled for it, nothing run in it);
//! - it runs as a numeric non-root user, its entrypoint is the binary the
//!   build script stages, on the default `PATH` the charts' `command:
//!   tekmerkez` relies on, and its config directory is where the charts
//!   mount production.yaml;
//! - the build stage runs the same script a developer runs, which links
//!   statically (`+crt-static` with an explicit target) and stages the CA
//!   bundle and nsswitch.conf the binary needs.

use std::path::Path;

fn repo(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(path))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The Containerfile's instructions (comments and continuations folded),
/// split into stages at each `FROM`.
fn stages(text: &str) -> Vec<Vec<String>> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for raw in text.lines() {
        let line = raw.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        if let Some(body) = line.strip_suffix('\\') {
            current.push_str(body.trim());
            current.push(' ');
            continue;
        }
        current.push_str(line);
        lines.push(std::mem::take(&mut current));
    }
    let mut out: Vec<Vec<String>> = Vec::new();
    for l in lines {
        if l.to_ascii_uppercase().starts_with("FROM ") {
            out.push(Vec::new());
        }
        out.last_mut().expect("a FROM first").push(l);
    }
    out
}

#[test]
fn the_runtime_stage_is_scratch_with_only_the_builds_output_as_a_non_root_user() {
    let text = repo("infra/image/Containerfile");
    let stages = stages(&text);
    assert_eq!(stages.len(), 2, "a build stage and a runtime stage");
    let build = &stages[0];
    assert!(build[0].ends_with(" AS build"), "{}", build[0]);
    assert!(
        build.iter().any(|l| l.starts_with("RUN ")
            && l.contains("scripts/build-image-binary --root /image-root")),
        "the build stage runs the build script"
    );
    let runtime = &stages[1];
    assert_eq!(runtime[0], "FROM scratch");
    for line in &runtime[1..] {
        let word = line.split_whitespace().next().unwrap().to_ascii_uppercase();
        assert!(
            [
                "COPY",
                "USER",
                "ENV",
                "EXPOSE",
                "ENTRYPOINT",
                "CMD",
                "LABEL"
            ]
            .contains(&word.as_str()),
            "the runtime stage only copies and describes: {line}"
        );
        if word == "COPY" {
            assert!(
                line.starts_with("COPY --from=build /image-root/ /"),
                "files only from the build: {line}"
            );
        }
    }
    let user = runtime
        .iter()
        .find_map(|l| l.strip_prefix("USER "))
        .expect("a USER");
    let uid: u32 = user
        .split(':')
        .next()
        .unwrap()
        .parse()
        .expect("a numeric user");
    assert_ne!(uid, 0, "not root");
    assert!(runtime.contains(&r#"ENTRYPOINT ["/usr/local/bin/tekmerkez"]"#.to_owned()));
    assert!(
        runtime
            .iter()
            .any(|l| l.contains("TEKMERKEZ_CONFIG_DIR=/etc/tekmerkez")),
        "the config directory the charts mount"
    );
    let helpers = repo("charts/tekmerkez-lib/templates/_deployment.tpl");
    assert!(
        helpers.contains("value: /etc/tekmerkez") && helpers.contains("mountPath: /etc/tekmerkez")
    );
}

#[test]
fn the_build_script_links_statically_and_stages_what_the_binary_needs() {
    let script = repo("scripts/build-image-binary");
    assert!(script.contains("-C target-feature=+crt-static"));
    assert!(
        script.contains("--target \"$TARGET\"")
            && script.contains("TARGET=x86_64-unknown-linux-gnu")
    );
    for staged in [
        "$ROOT/usr/local/bin/tekmerkez",
        "$ROOT/etc/ssl/certs/ca-certificates.crt",
        "$ROOT/etc/nsswitch.conf",
        "$ROOT/etc/passwd",
        "$ROOT/tmp",
    ] {
        assert!(script.contains(staged), "the image root gets {staged}");
    }
    let check = repo("scripts/check-image-root");
    for proof in [
        "Requesting program interpreter",
        "(NEEDED)",
        "unshare",
        "chroot --userspec=65532:65532",
        "/metrics",
    ] {
        assert!(check.contains(proof), "the root check looks at {proof}");
    }
    // The workspace has no OpenSSL to link: TLS is rustls everywhere.
    let lock = repo("Cargo.lock");
    assert!(
        !lock.contains("name = \"openssl-sys\""),
        "openssl-sys would need a static OpenSSL"
    );
}
