//! What the staff-entry tests share: reading a receipt as a person and a
//! scanner would, with tools independent of the code under test —
//! poppler's `pdftoppm` (the PDF as a picture) and `pdftotext` (its text),
//! `pdfimages` (the images it embeds), and zbar's `zbarimg` (a barcode
//! reader). `scripts/install-deps` installs them (Debian's poppler-utils
//! and zbar-tools). And a logo to brand with: a real PNG file.

use std::{io::Write as _, path::Path, process::Command};

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
/// The images a PDF embeds, as `pdfimages -list` prints them: (width,
/// height, colour space) of each.
pub fn pdf_images(pdf: &[u8], dir: &Path) -> Vec<(u32, u32, String)> {
    let input = dir.join("resimler.pdf");
    std::fs::write(&input, pdf).unwrap();
    run("pdfimages", &["-list", input.to_str().unwrap()])
        .lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
                f[5].to_owned(),
            )
        })
        .collect()
}

/// Writes a `w`×`h` RGB PNG (a blue band over white) to `path`.
pub fn write_logo_png(path: &Path, w: u32, h: u32) {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut c = 0xFFFF_FFFFu32;
        for b in bytes {
            c ^= u32::from(*b);
            for _ in 0..8 {
                c = if c & 1 == 1 {
                    (c >> 1) ^ 0xEDB8_8320
                } else {
                    c >> 1
                };
            }
        }
        !c
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], body: &[u8]) {
        out.extend_from_slice(&u32::try_from(body.len()).unwrap().to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(body);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
    }
    let mut rows = Vec::new();
    for y in 0..h {
        rows.push(0); // filter: none
        for _ in 0..w {
            rows.extend_from_slice(if y < h / 2 {
                &[11, 83, 148]
            } else {
                &[255, 255, 255]
            });
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&rows).unwrap();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &z.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    std::fs::write(path, png).unwrap();
}

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
