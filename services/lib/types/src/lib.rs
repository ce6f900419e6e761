//! Values every service parses at its edge, shared so that a phone number or
//! a field error means the same thing in intake and in the case service.
//!
//! - [`fields`]: field-level violations, collected for a whole request.
//! - [`text`]: free text (trimmed, NFC, bounded), codes and UUIDs.
//! - [`catalogue`]: the category codes and their names.
//! - [`contact`]: the applicant's personal data (KVKK) as newtypes whose
//!   `Debug` masks the value and which have no `Display`.
//! - [`classification`]: application types and sources (deadline and report keys).
//! - [`names`]: Turkish and English names of channels, types and sources.
//! - [`format`]: numbers, shares and month names written the reader's way.
//! - [`institution`]: the deployment's institution (name, short name, logo).
//! - [`place`]: a location checked against the reference data.

#![warn(missing_docs)]

pub mod catalogue;
pub mod classification;
pub mod contact;
pub mod fields;
pub mod format;
pub mod identity;
pub mod institution;
pub mod limits;
pub mod names;
pub mod place;
pub mod text;
