//! An image the receipt PDF embeds without decoding it: a JPEG as it is
//! (`DCTDecode`), or a PNG's compressed rows as they are (`FlateDecode`
//! with the PNG predictors, which PDF readers undo themselves), so no image
//! library is linked for a logo. Only what needs no decoding is taken —
//! 8-bit grey or RGB PNGs that are not interlaced, and grey or RGB JPEGs;
//! anything else (an SVG, a PNG with an alpha channel or a palette, a CMYK
//! JPEG) is `None`, and the receipt carries the institution's name alone.

/// How the pixel data is compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// A whole JPEG file.
    Jpeg,
    /// A PNG's zlib stream of filtered rows (its IDAT chunks joined).
    PngRows,
}

/// An image ready to embed.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    pub width: u32,
    pub height: u32,
    /// 1 (grey) or 3 (RGB).
    pub colors: u8,
    pub encoding: Encoding,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("colors", &self.colors)
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

impl Image {
    /// The image in `bytes` of `media_type`, if it can be embedded as it is.
    pub fn of(bytes: &[u8], media_type: &str) -> Option<Self> {
        match media_type {
            "image/jpeg" => Self::jpeg(bytes),
            "image/png" => Self::png(bytes),
            _ => None,
        }
    }

    /// Width over height.
    pub fn aspect(&self) -> f32 {
        self.width as f32 / self.height.max(1) as f32
    }

    /// A JPEG: its size and components from the first start-of-frame marker.
    fn jpeg(b: &[u8]) -> Option<Self> {
        if b.get(..2)? != [0xFF, 0xD8] {
            return None;
        }
        let mut i = 2;
        loop {
            // Fill bytes (0xFF) may precede a marker.
            while *b.get(i)? == 0xFF && *b.get(i + 1)? == 0xFF {
                i += 1;
            }
            if *b.get(i)? != 0xFF {
                return None;
            }
            let marker = *b.get(i + 1)?;
            let len = usize::from(u16::from_be_bytes([*b.get(i + 2)?, *b.get(i + 3)?]));
            let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
            if is_frame {
                let seg = b.get(i + 4..i + 2 + len)?;
                let (height, width, colors) = (
                    u16::from_be_bytes([*seg.get(1)?, *seg.get(2)?]),
                    u16::from_be_bytes([*seg.get(3)?, *seg.get(4)?]),
                    *seg.get(5)?,
                );
                return (*seg.first()? == 8 && matches!(colors, 1 | 3) && width > 0 && height > 0)
                    .then(|| Self {
                        width: u32::from(width),
                        height: u32::from(height),
                        colors,
                        encoding: Encoding::Jpeg,
                        data: b.to_vec(),
                    });
            }
            // Start of scan or end of image before any frame: not a picture.
            if matches!(marker, 0xDA | 0xD9) || len < 2 {
                return None;
            }
            i += 2 + len;
        }
    }

    /// A PNG: the header's size and colour type, the IDAT chunks joined.
    fn png(b: &[u8]) -> Option<Self> {
        const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        if b.get(..8)? != SIGNATURE {
            return None;
        }
        let (mut i, mut header, mut data) = (8, None, Vec::new());
        loop {
            let len =
                usize::try_from(u32::from_be_bytes(b.get(i..i + 4)?.try_into().ok()?)).ok()?;
            let kind = b.get(i + 4..i + 8)?;
            let body = b.get(i + 8..i.checked_add(8 + len)?)?;
            match kind {
                b"IHDR" => header = Some(body.to_vec()),
                b"IDAT" => data.extend_from_slice(body),
                b"IEND" => break,
                _ => {}
            }
            i += 12 + len;
        }
        let h = header?;
        let width = u32::from_be_bytes(h.get(0..4)?.try_into().ok()?);
        let height = u32::from_be_bytes(h.get(4..8)?.try_into().ok()?);
        let (depth, colour, interlace) = (*h.get(8)?, *h.get(9)?, *h.get(12)?);
        let colors = match colour {
            0 => 1,
            2 => 3,
            _ => return None,
        };
        (depth == 8 && interlace == 0 && width > 0 && height > 0 && !data.is_empty()).then_some(
            Self {
                width,
                height,
                colors,
                encoding: Encoding::PngRows,
                data,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn chunk(kind: &[u8], body: &[u8]) -> Vec<u8> {
        let mut c = u32::try_from(body.len()).unwrap().to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(body);
        c.extend_from_slice(&[0; 4]); // the CRC, which nothing here reads
        c
    }

    /// A `w`×`h` PNG of colour type `colour`, every row filter 0.
    fn png(w: u32, h: u32, colour: u8) -> Vec<u8> {
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, colour, 0, 0, 0]);
        let row = 1 + w as usize * 3;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&vec![0; row * h as usize]).unwrap();
        let idat = z.finish().unwrap();
        let mut b = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        b.extend(chunk(b"IHDR", &ihdr));
        b.extend(chunk(b"IDAT", &idat[..idat.len() / 2]));
        b.extend(chunk(b"IDAT", &idat[idat.len() / 2..]));
        b.extend(chunk(b"IEND", &[]));
        b
    }

    /// The smallest JPEG shape: SOI, an APP0 segment, then a frame header.
    fn jpeg(w: u16, h: u16, components: u8) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 4, 0, 0];
        b.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8]);
        b.extend_from_slice(&h.to_be_bytes());
        b.extend_from_slice(&w.to_be_bytes());
        b.extend_from_slice(&[components, 1, 0x11, 0]);
        b.extend_from_slice(&[0xFF, 0xD9]);
        b
    }

    #[test]
    fn a_png_keeps_its_compressed_rows_joined_from_every_idat() {
        let bytes = png(120, 40, 2);
        let img = Image::of(&bytes, "image/png").unwrap();
        assert_eq!((img.width, img.height, img.colors), (120, 40, 3));
        assert_eq!(img.encoding, Encoding::PngRows);
        let mut rows = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::ZlibDecoder::new(img.data.as_slice()),
            &mut rows,
        )
        .unwrap();
        assert_eq!(rows.len(), (1 + 120 * 3) * 40);
        assert!((img.aspect() - 3.0).abs() < f32::EPSILON);
    }

    #[test]
    fn a_jpeg_is_read_from_its_frame_header() {
        let img = Image::of(&jpeg(300, 100, 3), "image/jpeg").unwrap();
        assert_eq!((img.width, img.height, img.colors), (300, 100, 3));
        assert_eq!(img.encoding, Encoding::Jpeg);
        assert_eq!(img.data, jpeg(300, 100, 3));
    }

    #[test]
    fn what_would_need_decoding_is_left_out() {
        assert_eq!(Image::of(&png(10, 10, 6), "image/png"), None, "alpha");
        assert_eq!(Image::of(&png(10, 10, 3), "image/png"), None, "palette");
        assert_eq!(Image::of(&jpeg(10, 10, 4), "image/jpeg"), None, "CMYK");
        assert_eq!(Image::of(b"<svg/>", "image/svg+xml"), None);
        assert_eq!(Image::of(b"\x89PNG", "image/png"), None, "truncated");
        assert_eq!(Image::of(&[0xFF, 0xD8, 0xFF], "image/jpeg"), None);
    }
}
