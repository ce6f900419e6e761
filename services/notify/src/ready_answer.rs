//! Ready answers (hazır cevaplar): texts an expert starts the official
//! answer from, and call-centre agents read out as a knowledge base. Each
//! belongs to a category (or none: general) and a language, and is
//! versioned like the message templates: a save adds a version, the
//! highest is in force, retiring is a version too, so the history says who
//! wrote what when.
//!
//! A text uses the templates' placeholder syntax ([`crate::template`]) with
//! its own names, Turkish like the words around them ([`PLACEHOLDERS`]);
//! a save naming any other is refused at its field. Filling them for a case
//! ([`fill`]) leaves a placeholder without a value as written, for the
//! expert to see and edit.
//!
//! [`preview`] renders what a citizen receives when a case is closed with
//! an answer: the rules that send the answer on the case's reply channel,
//! their templates, through [`crate::handler::render_message`], the code
//! that renders what is sent.

use jiff::Timestamp;
use tekmerkez_turkish::search::{index_terms, query_terms};
use uuid::Uuid;

use crate::{
    catalogue::{Channel, Facts, Snapshot, Trigger},
    gsm,
    handler::{self, HandlerSettings},
    template,
};

/// The placeholders a ready answer may use, and what they hold.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("takip_no", "the case's tracking number, XXXXX-XXXXX"),
    (
        "ad_soyad",
        "the applicant's name, or \"Başvuru Sahibi\" without one",
    ),
    (
        "basvuru_tarihi",
        "the day the application was made, \"8 Aralık 2026\"",
    ),
    ("bugun", "today, \"8 Aralık 2026\""),
];

/// One version of a ready answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyAnswer {
    /// The same for every version.
    pub id: Uuid,
    /// 1, 2, …; the highest is in force.
    pub version: i64,
    /// What it is about.
    pub title: String,
    /// The category code; empty for a general answer.
    pub category: String,
    /// `tr` or `en`.
    pub language: String,
    /// The text with placeholders.
    pub body: String,
    /// Taken out of use.
    pub retired: bool,
    /// Who saved the version (a user id, or `demo`).
    pub saved_by: String,
    /// When (µs).
    pub saved_at: i64,
}

/// A field refused, and the rule it broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// `ready_answer.title`, `ready_answer.body`, …
    pub field: &'static str,
    /// The rule, naming a placeholder at most (never the text).
    pub rule: String,
}

const MAX_TITLE: usize = 200;
const MAX_BODY: usize = 5_000;

/// Checks an answer being saved: every problem, one per field.
///
/// # Errors
/// The fields refused.
pub fn validate(a: &ReadyAnswer) -> Result<(), Vec<FieldError>> {
    let mut out = Vec::new();
    let mut refuse = |field, rule: &str| {
        out.push(FieldError {
            field,
            rule: rule.to_owned(),
        });
    };
    let title = a.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE || title.contains(['\r', '\n']) {
        refuse(
            "ready_answer.title",
            "must be 1 to 200 characters on one line",
        );
    }
    if !a.category.is_empty()
        && (a.category.len() > 64
            || !a
                .category
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    {
        refuse(
            "ready_answer.category",
            "must be a category code or empty (general)",
        );
    }
    if !matches!(a.language.as_str(), "tr" | "en") {
        refuse("ready_answer.language", "must be tr or en");
    }
    if a.body.trim().is_empty() || a.body.chars().count() > MAX_BODY {
        refuse("ready_answer.body", "must be 1 to 5 000 characters");
    } else {
        match template::placeholders(&a.body) {
            Err(_) => refuse("ready_answer.body", "has a placeholder that is not closed"),
            Ok(ps) => {
                if let Some(p) = ps
                    .iter()
                    .find(|p| !PLACEHOLDERS.iter().any(|(n, _)| *n == p.name))
                {
                    refuse(
                        "ready_answer.body",
                        &format!(
                            "names an unknown placeholder {{{{{}}}}}: use {}",
                            p.name.chars().take(40).collect::<String>(),
                            known_placeholders().join(", ")
                        ),
                    );
                }
            }
        }
    }
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// The placeholders as written in a text: `{{takip_no}}`, …
pub fn known_placeholders() -> Vec<String> {
    PLACEHOLDERS
        .iter()
        .map(|(n, _)| format!("{{{{{n}}}}}"))
        .collect()
}

/// What fills an answer for one case.
#[derive(Clone, Default)]
pub struct Context {
    /// The tracking number as given.
    pub tracking_number: String,
    /// The applicant's name (personal data).
    pub applicant_name: String,
    /// When the application was made.
    pub applied_at: Option<Timestamp>,
    /// The case's id (the signed status link).
    pub case_id: String,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("case_id", &self.case_id)
            .finish_non_exhaustive()
    }
}

impl Context {
    /// The tracking number as printed for citizens (XXXXX-XXXXX).
    fn tracking(&self) -> String {
        tekmerkez_tracking::TrackingNumber::parse(&self.tracking_number).map_or_else(
            |_| self.tracking_number.trim().to_owned(),
            |t| t.to_string(),
        )
    }
}

/// `body` with its placeholders filled for `ctx` in `language`, at `now`
/// (dates in Europe/Istanbul); one without a value stays as written.
pub fn fill(body: &str, language: &str, ctx: &Context, now: Timestamp) -> String {
    let english = language == "en";
    let day =
        |t: Timestamp| tekmerkez_workdays::long_date(tekmerkez_workdays::istanbul_date(t), english);
    let name = ctx.applicant_name.trim();
    let values = [
        ("takip_no", ctx.tracking()),
        (
            "ad_soyad",
            if name.is_empty() {
                template::nameless_applicant(language).to_owned()
            } else {
                name.to_owned()
            },
        ),
        (
            "basvuru_tarihi",
            ctx.applied_at.map(day).unwrap_or_default(),
        ),
        ("bugun", day(now)),
    ];
    // A text that does not parse was refused when saved; as typed, it is kept.
    template::fill(body, &values).unwrap_or_else(|_| body.to_owned())
}

/// The ready-answer placeholders left in `text`, each once, as written.
pub fn unfilled(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in template::placeholders(text).unwrap_or_default() {
        let written = format!("{{{{{}}}}}", p.name);
        if PLACEHOLDERS.iter().any(|(n, _)| *n == p.name) && !out.contains(&written) {
            out.push(written);
        }
    }
    out
}

/// How well `a` answers `query` (its roots, [`query_terms`]): `None` when
/// a root begins no word of its title or text; more for title words.
pub fn score(a: &ReadyAnswer, roots: &[String]) -> Option<usize> {
    if roots.is_empty() {
        return Some(0);
    }
    let title = index_terms(&a.title);
    let body = index_terms(&a.body);
    let mut total = 0;
    for r in roots {
        let in_title = title.iter().any(|t| t.starts_with(r.as_str()));
        let in_body = body.iter().any(|t| t.starts_with(r.as_str()));
        match (in_title, in_body) {
            (false, false) => return None,
            (true, _) => total += 2,
            (false, true) => total += 1,
        }
    }
    Some(total)
}

/// What the list is filtered by.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// One category's answers; empty: all.
    pub category: String,
    /// With a category, the general answers too.
    pub include_general: bool,
    /// One language; empty: both.
    pub language: String,
    /// Words to search for.
    pub query: String,
    /// Retired answers too.
    pub include_retired: bool,
}

/// `answers` (in force) that pass `f`, best match first, then general
/// after the category's, then by title in Turkish order.
pub fn select(answers: Vec<ReadyAnswer>, f: &Filter) -> Vec<ReadyAnswer> {
    let roots = query_terms(&f.query);
    let mut out: Vec<(usize, ReadyAnswer)> = answers
        .into_iter()
        .filter(|a| f.include_retired || !a.retired)
        .filter(|a| {
            f.category.is_empty()
                || a.category == f.category
                || (f.include_general && a.category.is_empty())
        })
        .filter(|a| f.language.is_empty() || a.language == f.language)
        .filter_map(|a| score(&a, &roots).map(|s| (s, a)))
        .collect();
    out.sort_by(|(sa, a), (sb, b)| {
        sb.cmp(sa)
            .then_with(|| a.category.is_empty().cmp(&b.category.is_empty()))
            .then_with(|| tekmerkez_turkish::compare(&a.title, &b.title))
    });
    out.into_iter().map(|(_, a)| a).collect()
}

/// One message of a preview.
pub struct PreviewMessage {
    /// The rule sending it.
    pub rule: String,
    /// How it travels.
    pub channel: Channel,
    /// Sent only with consent on record.
    pub requires_consent: bool,
    /// It carries the answer.
    pub carries_answer: bool,
    /// What the citizen receives.
    pub rendered: handler::Rendered,
}

/// What a citizen receives for an answer.
pub struct Preview {
    /// The messages, in the order their events come (closed, then resolved).
    pub messages: Vec<PreviewMessage>,
    /// Their language.
    pub locale: String,
    /// Ready-answer placeholders left in the answer.
    pub unfilled: Vec<String>,
    /// The answer text alone as an SMS.
    pub answer_cost: gsm::SmsCost,
}

/// Why a preview cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    /// The answer is empty.
    #[error("the answer is empty")]
    EmptyAnswer,
    /// A template in force cannot be rendered.
    #[error("template {0} cannot be rendered: {1}")]
    Template(String, template::TemplateError),
}

/// Renders what the citizen of `ctx` receives when the case is closed with
/// `answer` and reply channel `reply` (a `ReplyChannel` code): the rules
/// in force for an expert's closing and the resolution on that channel
/// (not the survey), rendered as the handler renders them.
///
/// # Errors
/// [`PreviewError`].
pub fn preview(
    snap: &Snapshot,
    settings: &HandlerSettings,
    reply: &str,
    answer: &str,
    ctx: &Context,
    now: Timestamp,
) -> Result<Preview, PreviewError> {
    if answer.trim().is_empty() {
        return Err(PreviewError::EmptyAnswer);
    }
    let tracking = ctx.tracking();
    let name = Some(ctx.applicant_name.trim()).filter(|n| !n.is_empty());
    let mut messages = Vec::new();
    for trigger in [Trigger::CaseClosedByExpert, Trigger::CaseResolved] {
        let facts = Facts {
            trigger,
            information_only: false,
            reply_channel: reply,
        };
        for rule in snap.rules.iter().filter(|r| r.matches(&facts)) {
            let Some(t) = snap.template(&rule.template, &settings.locale) else {
                continue;
            };
            let mut vars = handler::case_variables(
                settings,
                &t.locale,
                &tracking,
                &ctx.case_id,
                name,
                Some(answer),
                now,
                now,
            );
            // An outage notice belongs to the acknowledgement, not the answer.
            vars.set("outage_notice", String::new());
            let rendered = handler::render_message(t, rule.channel, &vars, &tracking)
                .map_err(|e| PreviewError::Template(t.key.clone(), e))?;
            let carries_answer = [&t.body, &t.subject, &t.html].iter().any(|text| {
                template::used_variables(text)
                    .is_ok_and(|v| v.iter().any(|n| n == "official_answer"))
            });
            messages.push(PreviewMessage {
                rule: rule.key.clone(),
                channel: rule.channel,
                requires_consent: rule.require_consent,
                carries_answer,
                rendered,
            });
        }
    }
    Ok(Preview {
        messages,
        locale: settings.locale.clone(),
        unfilled: unfilled(answer),
        answer_cost: gsm::cost(answer),
    })
}

/// The demo's ready answers for `tekmerkez dev`: (category, language,
/// title, text).
pub const DEMO: &[(&str, &str, &str, &str)] = &[
    (
        "su_arizasi",
        "tr",
        "Arıza giderildi",
        "Sayın {{ad_soyad}}, {{basvuru_tarihi}} tarihli {{takip_no}} numaralı başvurunuzda bildirdiğiniz arıza ekiplerimizce giderilmiştir. Suyunuz yeniden verilmektedir; bulanıklık birkaç dakika içinde geçecektir.",
    ),
    (
        "su_arizasi",
        "en",
        "Fault repaired",
        "Dear {{ad_soyad}}, the fault you reported on {{basvuru_tarihi}} (application {{takip_no}}) has been repaired by our crews. Water is back; any cloudiness clears within a few minutes.",
    ),
    (
        "su_arizasi",
        "tr",
        "Planlı kesinti bilgisi",
        "Bölgenizdeki su kesintisi şebeke yenileme çalışması nedeniyle planlıdır ve bugün ({{bugun}}) 17.00'ye kadar sürecektir. Güncel kesintiler web sitemizde ve 185 numaralı hattımızda duyurulmaktadır.",
    ),
    (
        "kanalizasyon",
        "tr",
        "Kanal tıkanıklığı açıldı",
        "Sayın {{ad_soyad}}, {{takip_no}} numaralı başvurunuzdaki kanal tıkanıklığı vidanjör ekibimizce açılmış ve hat yıkanmıştır. Sorun yinelerse aynı takip numarasıyla bize ulaşabilirsiniz.",
    ),
    (
        "fatura",
        "tr",
        "Fatura itirazı incelendi",
        "Sayın {{ad_soyad}}, {{basvuru_tarihi}} tarihli fatura itirazınız incelenmiş, sayaç okumasında hata bulunmamıştır. Tüketim ayrıntılarınızı abone numaranızla e-Belediye üzerinden görebilirsiniz.",
    ),
    (
        "fatura",
        "en",
        "Bill objection reviewed",
        "Dear {{ad_soyad}}, your objection of {{basvuru_tarihi}} to your bill has been reviewed; no error was found in the meter reading. You can see your consumption with your subscriber number on e-Belediye.",
    ),
    (
        "sayac",
        "tr",
        "Sayaç değişimi planlandı",
        "Sayın {{ad_soyad}}, {{takip_no}} numaralı başvurunuz üzerine sayacınızın değişimi planlanmıştır. Ekibimiz önümüzdeki beş iş günü içinde adresinize gelecektir.",
    ),
    (
        "cevre_kirliligi",
        "tr",
        "Sokak aydınlatması ve gürültü",
        "Sokak aydınlatması arızaları elektrik dağıtım şirketinin sorumluluğundadır; ışık arızalarını 186 numaralı hatta bildirebilirsiniz. Gürültü şikâyetleriniz zabıta ekiplerimize iletilmiştir.",
    ),
    (
        "genel_bilgi",
        "tr",
        "Abonelik için gereken belgeler",
        "Yeni su aboneliği için kimlik belgesi, tapu ya da kira sözleşmesi ve yapı kullanma izin belgesi ile abone merkezlerimize başvurabilirsiniz. Başvuru e-Devlet üzerinden de yapılabilir.",
    ),
    (
        "genel_bilgi",
        "en",
        "Documents for a subscription",
        "For a new water subscription, bring your identity card, the title deed or rental contract and the occupancy permit to one of our subscriber centres. You can also apply on e-Devlet.",
    ),
    (
        "",
        "tr",
        "Başvurunuz ilgili birime iletildi",
        "Sayın {{ad_soyad}}, {{takip_no}} numaralı başvurunuz incelenmek üzere ilgili birimimize iletilmiştir. Sonucu aynı takip numarasıyla izleyebilirsiniz.",
    ),
    (
        "",
        "en",
        "Passed to the unit concerned",
        "Dear {{ad_soyad}}, your application {{takip_no}} has been passed to the unit concerned. You can follow its outcome with the same tracking number.",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(title: &str, body: &str) -> ReadyAnswer {
        ReadyAnswer {
            id: Uuid::nil(),
            version: 1,
            title: title.into(),
            category: "su_arizasi".into(),
            language: "tr".into(),
            body: body.into(),
            retired: false,
            saved_by: String::new(),
            saved_at: 0,
        }
    }

    #[test]
    fn every_demo_answer_is_valid() {
        for (category, language, title, body) in DEMO {
            let a = ReadyAnswer {
                category: (*category).into(),
                language: (*language).into(),
                ..answer(title, body)
            };
            validate(&a).unwrap();
        }
    }

    #[test]
    fn an_unknown_placeholder_is_refused_at_the_body_naming_it() {
        let e = validate(&answer("Başlık", "Sayın {{isim}}, {{takip_no}}")).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "ready_answer.body");
        assert!(
            e[0].rule.contains("{{isim}}") && e[0].rule.contains("{{takip_no}}"),
            "{}",
            e[0].rule
        );
        let e = validate(&ReadyAnswer {
            language: "de".into(),
            category: "Su".into(),
            ..answer(" ", "{{takip_no")
        })
        .unwrap_err();
        let fields: Vec<_> = e.iter().map(|f| f.field).collect();
        assert_eq!(
            fields,
            [
                "ready_answer.title",
                "ready_answer.category",
                "ready_answer.language",
                "ready_answer.body"
            ]
        );
    }

    #[test]
    fn placeholders_are_filled_with_turkish_dates_in_istanbul() {
        let ctx = Context {
            tracking_number: "ABCDE-FGHJK".into(),
            applicant_name: "Ayşe Yılmaz".into(),
            // 23:30 UTC is already the next day in Istanbul.
            applied_at: Some("2026-12-07T23:30:00Z".parse().unwrap()),
            case_id: String::new(),
        };
        let now = "2026-12-10T09:00:00Z".parse().unwrap();
        let out = fill(
            "{{ad_soyad}} {{takip_no}} {{basvuru_tarihi}} {{bugun}}",
            "tr",
            &ctx,
            now,
        );
        assert_eq!(out, "Ayşe Yılmaz ABCDE-FGHJK 8 Aralık 2026 10 Aralık 2026");
        let nameless = Context {
            applicant_name: " ".into(),
            applied_at: None,
            ..ctx
        };
        assert_eq!(
            fill("{{ad_soyad}}: {{basvuru_tarihi}}", "en", &nameless, now),
            "Applicant: {{basvuru_tarihi}}"
        );
        assert_eq!(
            unfilled("{{basvuru_tarihi}} {{takip_no}} {{basvuru_tarihi}}").len(),
            2
        );
    }

    #[test]
    fn search_folds_turkish_case_and_ascii_spellings() {
        let a = answer(
            "Sokak aydınlatması",
            "Işık arızalarını 186 numaralı hatta bildirebilirsiniz.",
        );
        let found = |q: &str| score(&a, &query_terms(q)).is_some();
        assert!(found("IŞIK"));
        assert!(found("ışık"));
        assert!(found("sokak aydinlatmasi"));
        assert!(found("SOKAK AYDINLATMASI"));
        assert!(!found("fatura"));
        assert!(!found("sokak fatura"), "every word must match");
    }
}
