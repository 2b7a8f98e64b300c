//! The input readers' limits, in one place: the image reader's
//! ([`crate::scan`]) and the PDF reader's ([`crate::pdf_read`]). Chosen so
//! that any input file, whatever it claims, is read in ≤ 2 s and ≤ 256 MB on
//! two cores; docs/SECURITY.md "Parser attacks" lists them.
//!
//! Also the two reads that must hold these limits before any work is done:
//! a file's size from its metadata, then a bounded read; an image's size
//! from its header, then a decoder that may not allocate more.

use image::{DynamicImage, ImageFormat, ImageReader};
use std::fs::File;
use std::io::{self, Cursor, Read};
use std::path::Path;

/// Input files (image or PDF) larger than this are refused, before they are read.
pub const MAX_FILE: usize = 64 << 20;
/// Pixels of one image (its header's width × height), checked before it is
/// decoded: 32 million is a 6,900 × 4,600 photo (a 24-megapixel camera's is
/// 6,000 × 4,000).
pub const MAX_PIXELS: u64 = 32_000_000;
/// Bytes an image decoder may allocate: a 32-megapixel RGBA image.
pub const MAX_IMAGE_ALLOC: u64 = 4 * MAX_PIXELS;
/// Objects of a PDF read at most (top level and in object streams).
pub const MAX_OBJECTS: usize = 200_000;
/// Nesting of a PDF's arrays and dictionaries.
pub const MAX_DEPTH: usize = 32;
/// Bytes the PDF parser may step through, as a multiple of the file's size
/// (searches for a stream's end included).
pub const WORK_FACTOR: usize = 16;
/// Bytes inflated from one PDF stream.
pub const MAX_INFLATED: usize = 96 << 20;
/// Bytes inflated from all the streams of a PDF (a stream refused for its
/// size counts what it inflated).
pub const MAX_INFLATED_TOTAL: usize = 128 << 20;
/// Images of a PDF decoded at most (each is read, then freed).
pub const MAX_IMAGES: usize = 32;
/// Pixels of all the images of a PDF together: one page scanned at the most, and small images beside it.
pub const MAX_PIXELS_TOTAL: u64 = 48_000_000;
/// Distinct certificate texts kept from one PDF.
pub const MAX_TEXTS: usize = 1_000;

/// Why a file was not read: too large, or the I/O error.
#[derive(Debug)]
pub enum ReadError {
    /// Larger than [`MAX_FILE`] (its size in bytes, as far as known).
    TooLarge(u64),
    Io(io::Error),
}

/// The bytes of the file at `path`, refused when larger than [`MAX_FILE`]:
/// its size is asked first, then at most one byte more than the limit is
/// read (a file that grows meanwhile, or a pipe, is still bounded).
pub fn read_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    let file = File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > MAX_FILE as u64 {
        return Err(ReadError::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE as u64 + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() > MAX_FILE {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The image in `bytes` (of `format`, else told by its content), when its
/// header's width × height is at most `max_pixels`: the size is read before
/// any pixel buffer is made, and the decoder may not allocate more than
/// [`MAX_IMAGE_ALLOC`]. The error is the English detail.
pub fn decode_image(bytes: &[u8], format: Option<ImageFormat>, max_pixels: u64) -> Result<DynamicImage, String> {
    let reader = || -> Result<ImageReader<Cursor<&[u8]>>, String> {
        let reader = ImageReader::new(Cursor::new(bytes));
        let mut reader = match format {
            Some(format) => {
                let mut reader = reader;
                reader.set_format(format);
                reader
            }
            None => reader.with_guessed_format().map_err(|e| e.to_string())?,
        };
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_IMAGE_ALLOC);
        reader.limits(limits);
        Ok(reader)
    };
    let (width, height) = reader()?.into_dimensions().map_err(|e| e.to_string())?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(format!("{width} × {height} pixels, more than the {max_pixels} read"));
    }
    reader()?.decode().map_err(|e| e.to_string())
}
