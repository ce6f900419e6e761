//! What the staff-entry tests share: reading a receipt as a person and a
//! scanner would, with tools independent of the code under test —
//! poppler's `pdftoppm` (the PDF as a picture) and `pdftotext` (its text),
//! and zbar's `zbarimg` (a barcode reader). `scripts/install-deps` installs
//! them (Debian's poppler-utils and zbar-tools).

use std::{path::Path, process::Command};

fn run(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{program} cannot run ({e}); run scripts/install-deps (poppler-utils, zbar-tools)"
            )
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every Code 128 barcode zbar reads in the picture at `png`.
pub fn read_barcodes(png: &Path) -> Vec<String> {
    let out = run(
        "zbarimg",
        &[
            "--quiet",
            "--raw",
            "-Sdisable",
            "-Scode128.enable",
            png.to_str().unwrap(),
        ],
    );
    out.lines().map(str::to_owned).collect()
}

/// The PDF's first page as a PNG at `dpi`, in `dir`.
pub fn render_pdf(pdf: &[u8], dir: &Path, dpi: u32) -> std::path::PathBuf {
    let input = dir.join("alindi.pdf");
    std::fs::write(&input, pdf).unwrap();
    let stem = dir.join("alindi");
    run(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-png",
            "-singlefile",
            input.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    );
    dir.join("alindi.png")
}

/// The PDF's text as poppler extracts it (through the font's ToUnicode map).
pub fn pdf_text(pdf: &[u8], dir: &Path) -> String {
    let input = dir.join("metin.pdf");
    std::fs::write(&input, pdf).unwrap();
    run("pdftotext", &[input.to_str().unwrap(), "-"])
}

/// The path of the 303 answer's `Location`, and the tracking number in a
/// receipt's path.
pub fn receipt_tracking_number(location: &str) -> String {
    location
        .strip_prefix("/alindi/")
        .unwrap_or_else(|| panic!("not a receipt: {location}"))
        .to_owned()
}
