//! The letter calls of `CaseService` (ListLetters, GetLetter,
//! MarkLettersPosted, CountLetters) and the letter fields of a case: thin
//! handlers over [`crate::app::letters`], kept apart from the case calls.

use tekmerkez_proto::case_v1 as pb;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::{CallerResolver, convert};
use crate::{
    app::{
        CaseApp,
        cases::Names,
        error::CaseError,
        events::to_proto_ts,
        letters::{MAX_MARK, Marked},
    },
    domain::{
        fields::{FieldError, Violations},
        letter::Letter,
    },
};

/// The menu's and the manager page's count of waiting letters stops here.
const COUNT_CAP: u32 = 100;

/// The list's total stops here ("1 000+").
const TOTAL_CAP: u32 = 1000;

/// A letter on the wire; the answer only when `with_answer` (GetLetter).
pub fn letter_to_proto(l: &Letter, names: &Names, with_answer: bool) -> pb::Letter {
    pb::Letter {
        id: l.id.to_string(),
        case_id: l.case_id.to_string(),
        // As printed (`XXXXX-XXXXX`), as a case's.
        tracking_number: tekmerkez_tracking::TrackingNumber::parse(&l.tracking_number)
            .map_or_else(|_| l.tracking_number.clone(), |t| t.to_string()),
        number: l.number.clone(),
        created_at: Some(to_proto_ts(l.created_at)),
        status: if l.posted_at.is_some() {
            pb::LetterStatus::Posted
        } else {
            pb::LetterStatus::ToBePosted
        } as i32,
        posted_at: l.posted_at.map(to_proto_ts),
        posted_by: l.posted_by.map(|u| u.to_string()).unwrap_or_default(),
        posted_by_display_name: names.user(l.posted_by),
        pool_id: l.pool_id.to_string(),
        pool_name: names.pool(Some(l.pool_id)),
        recipient_name: l
            .recipient_name
            .as_ref()
            .map(|n| n.expose().to_owned())
            .unwrap_or_default(),
        postal_address: l
            .postal_address
            .as_ref()
            .map(|a| a.expose().to_owned())
            .unwrap_or_default(),
        official_answer: if with_answer {
            l.official_answer.clone()
        } else {
            String::new()
        },
        province_code: u32::from(l.province_code),
        district: l.district.clone().unwrap_or_default(),
        category: l.category.clone(),
    }
}

/// A letter list's page token: how many letters the pages before held.
fn parse_offset(raw: &str) -> Result<u32, FieldError> {
    if raw.is_empty() {
        return Ok(0);
    }
    raw.strip_prefix('o')
        .and_then(|n| n.parse().ok())
        .ok_or(FieldError::new(
            "page.page_token",
            "is not a token this list gave",
        ))
}

/// Whether a list asks for the posted letters (else the queue).
fn posted(status: i32) -> Result<bool, FieldError> {
    match pb::LetterStatus::try_from(status) {
        Ok(pb::LetterStatus::Unspecified | pb::LetterStatus::ToBePosted) => Ok(false),
        Ok(pb::LetterStatus::Posted) => Ok(true),
        Err(_) => Err(FieldError::new("status", "must be TO_BE_POSTED or POSTED")),
    }
}

/// Parses the letter ids of MarkLettersPosted.
fn letter_ids(raw: &[String], v: &mut Violations) -> Vec<Uuid> {
    if raw.is_empty() || raw.len() > MAX_MARK {
        v.add("letter_ids", "must hold 1 to 100 ids");
    }
    let mut ids = Vec::with_capacity(raw.len());
    for r in raw {
        match Uuid::parse_str(r.trim()) {
            Ok(id) if !ids.contains(&id) => ids.push(id),
            Ok(_) => v.add("letter_ids", "must not repeat an id"),
            Err(_) => v.add("letter_ids", "must be UUIDs"),
        }
    }
    ids
}

/// ListLetters.
pub async fn list(
    app: &CaseApp,
    callers: &CallerResolver,
    max_page: u32,
    default_page: u32,
    req: Request<pb::ListLettersRequest>,
) -> Result<Response<pb::ListLettersResponse>, Status> {
    let caller = callers.resolve(&req).await?;
    let r = req.get_ref();
    let mut v = Violations::new();
    let posted = v.check(posted(r.status)).unwrap_or(false);
    let page = r.page.clone().unwrap_or_default();
    let offset = v.check(parse_offset(&page.page_token)).unwrap_or(0);
    if page.page_size > max_page {
        v.add("page.page_size", "is larger than the maximum page size");
    }
    convert::finish(v)?;
    let size = if page.page_size == 0 {
        default_page
    } else {
        page.page_size
    };
    let (letters, more) = app.list_letters(&caller, posted, offset, size).await?;
    let (total, total_capped) = app.count_letters(&caller, posted, TOTAL_CAP).await?;
    let names = app
        .letter_names(&letters.iter().collect::<Vec<_>>())
        .await?;
    tracing::Span::current().record("count", letters.len());
    Ok(Response::new(pb::ListLettersResponse {
        letters: letters
            .iter()
            .map(|l| letter_to_proto(l, &names, false))
            .collect(),
        next_page_token: if more {
            format!("o{}", offset.saturating_add(size))
        } else {
            String::new()
        },
        total,
        total_capped,
    }))
}

/// GetLetter.
pub async fn get(
    app: &CaseApp,
    callers: &CallerResolver,
    req: Request<pb::GetLetterRequest>,
) -> Result<Response<pb::GetLetterResponse>, Status> {
    let caller = callers.resolve(&req).await?;
    let id = convert::one_id("letter_id", &req.get_ref().letter_id)?;
    let letter = app.get_letter(&caller, id).await?;
    let names = app.letter_names(&[&letter]).await?;
    Ok(Response::new(pb::GetLetterResponse {
        letter: Some(letter_to_proto(&letter, &names, true)),
    }))
}

/// MarkLettersPosted.
pub async fn mark_posted(
    app: &CaseApp,
    callers: &CallerResolver,
    req: Request<pb::MarkLettersPostedRequest>,
) -> Result<Response<pb::MarkLettersPostedResponse>, Status> {
    let caller = callers.resolve(&req).await?;
    let mut v = Violations::new();
    let ids = letter_ids(&req.get_ref().letter_ids, &mut v);
    convert::finish(v)?;
    let marked = app.mark_letters_posted(&caller, &ids).await?;
    let names = app
        .letter_names(&marked.iter().map(|m| &m.letter).collect::<Vec<_>>())
        .await?;
    let newly = marked.iter().filter(|m| m.newly_posted).count();
    tracing::Span::current().record("count", newly);
    Ok(Response::new(pb::MarkLettersPostedResponse {
        letters: marked
            .iter()
            .map(
                |Marked {
                     letter,
                     newly_posted,
                 }| pb::PostedLetter {
                    letter: Some(letter_to_proto(letter, &names, false)),
                    newly_posted: *newly_posted,
                },
            )
            .collect(),
    }))
}

/// CountLetters.
pub async fn count(
    app: &CaseApp,
    callers: &CallerResolver,
    req: Request<pb::CountLettersRequest>,
) -> Result<Response<pb::CountLettersResponse>, Status> {
    let caller = callers.resolve(&req).await?;
    let (count, capped) = app.count_letters(&caller, false, COUNT_CAP).await?;
    Ok(Response::new(pb::CountLettersResponse { count, capped }))
}

/// Fills `case`'s letter fields from its newest letter, if it has one.
///
/// # Errors
/// Store failures.
pub async fn fill_case(app: &CaseApp, case: &mut pb::Case, id: Uuid) -> Result<(), CaseError> {
    if case.reply_channel != tekmerkez_proto::common_v1::ReplyChannel::Letter as i32 {
        return Ok(());
    }
    if let Some(l) = app.latest_letter(id).await? {
        case.letter_id = l.id.to_string();
        case.letter_number = l.number;
        case.letter_posted_at = l.posted_at.map(to_proto_ts);
    }
    Ok(())
}
