//! The satisfaction survey's words: the citizen's page (`/anket/…`, no
//! sign-in), the signed status link's page (`/takip/d/…`), and what the
//! desk reads of an answer (the record page, the callback outcome form, the
//! task step).

use tekmerkez_types::limits;

use super::Formatted;

/// Every survey text, in one language.
#[derive(Debug)]
pub struct SurveyTexts {
    /// The page's title.
    pub title: &'static str,
    /// Above the form: what is asked (the application's number follows).
    pub intro: &'static str,
    /// The score's question (the fieldset's legend).
    pub question: &'static str,
    /// Each score's label, 1 to 5.
    pub scores: [&'static str; 5],
    pub comment: &'static str,
    pub comment_hint: Formatted,
    pub send: &'static str,
    /// No score chosen.
    pub choose_score: &'static str,
    pub comment_too_long: Formatted,
    pub thanks: &'static str,
    pub thanks_detail: &'static str,
    /// A second answer, or the page opened again after answering.
    pub already_answered: &'static str,
    /// A link that was not made by us, was cut, or is for something else.
    pub invalid_link: &'static str,
    pub expired_link: &'static str,
    /// The opt-out button and what it says once done.
    pub opt_out: &'static str,
    pub opt_out_hint: &'static str,
    pub opted_out: &'static str,
    /// The answer could not be saved now; the form keeps it.
    pub unavailable: &'static str,
    /// The signed status page: the official answer's heading and when.
    pub answer_title: &'static str,
    /// A status link that is not valid, or has expired.
    pub status_link_invalid: &'static str,
    pub status_link_expired: &'static str,
    pub resolved_on: &'static str,
    /// The record page: the answer's heading and labels.
    pub record_title: &'static str,
    pub record_score: &'static str,
    pub record_comment: &'static str,
    pub not_answered: &'static str,
    /// How the score came: by `SurveySource` number (link, callback, IVR).
    pub sources: [&'static str; 4],
    /// The task step.
    pub step: &'static str,
    pub step_score: &'static str,
    /// The callback outcome form's survey fields.
    pub callback_score: &'static str,
    pub callback_not_asked: &'static str,
    pub callback_comment: &'static str,
    pub callback_score_needs_reached: &'static str,
    pub callback_already_answered: &'static str,
}

pub const TR: SurveyTexts = SurveyTexts {
    title: "Memnuniyet Anketi",
    intro: "Başvurunuz sonuçlandı. Hizmetimizden ne kadar memnun kaldığınızı öğrenmek istiyoruz.",
    question: "Hizmetimizden ne kadar memnun kaldınız?",
    scores: [
        "1 — Hiç memnun kalmadım",
        "2 — Memnun kalmadım",
        "3 — Kararsızım",
        "4 — Memnun kaldım",
        "5 — Çok memnun kaldım",
    ],
    comment: "Görüşünüz (isteğe bağlı)",
    comment_hint: Formatted(|f| write!(f, "En çok {} karakter.", limits::SURVEY_COMMENT)),
    send: "Gönder",
    choose_score: "Lütfen 1 ile 5 arasında bir puan seçiniz.",
    comment_too_long: Formatted(|f| {
        write!(
            f,
            "Görüşünüz en çok {} karakter olabilir.",
            limits::SURVEY_COMMENT
        )
    }),
    thanks: "Teşekkür ederiz",
    thanks_detail: "Yanıtınız kaydedildi. Görüşleriniz hizmetimizi iyileştirmemize yardımcı olur.",
    already_answered: "Bu anket zaten yanıtlandı. Teşekkür ederiz.",
    invalid_link: "Bu anket bağlantısı geçerli değil. Size gönderilen bağlantıyı eksiksiz açtığınızdan emin olunuz.",
    expired_link: "Bu anket bağlantısının süresi dolmuş.",
    opt_out: "Bana bir daha anket gönderilmesin",
    opt_out_hint: "Anket almak istemiyorsanız bildirebilirsiniz; başvurularınızın yanıtları yine gönderilir.",
    opted_out: "Tercihiniz kaydedildi: size bundan sonra memnuniyet anketi gönderilmeyecek.",
    unavailable: "Yanıtınız şu an kaydedilemedi; lütfen biraz sonra yeniden gönderiniz.",
    answer_title: "Yetkili Açıklaması",
    status_link_invalid: "Bu bağlantı geçerli değil. Başvurunuzu takip numaranız ve telefonunuzun son 4 hanesiyle sorgulayabilirsiniz.",
    status_link_expired: "Bu bağlantının süresi dolmuş. Başvurunuzu takip numaranız ve telefonunuzun son 4 hanesiyle sorgulayabilirsiniz.",
    resolved_on: "Sonuçlandığı tarih",
    record_title: "Memnuniyet Anketi",
    record_score: "Puan",
    record_comment: "Vatandaşın görüşü",
    not_answered: "Henüz yanıtlanmadı.",
    sources: [
        "",
        "anket bağlantısıyla",
        "geri dönüş aramasında",
        "sesli yanıt sisteminde (IVR)",
    ],
    step: "Memnuniyet anketi yanıtlandı",
    step_score: "puan",
    callback_score: "Vatandaşın memnuniyet puanı (sorulduysa)",
    callback_not_asked: "Sorulmadı / yanıt vermedi",
    callback_comment: "Vatandaşın görüşü (isteğe bağlı)",
    callback_score_needs_reached: "Memnuniyet puanı yalnızca vatandaşa ulaşıldığında kaydedilir.",
    callback_already_answered: "Bu kaydın memnuniyet anketi zaten yanıtlanmış.",
};

pub const EN: SurveyTexts = SurveyTexts {
    title: "Satisfaction survey",
    intro: "Your application has been resolved. We would like to know how satisfied you are with our service.",
    question: "How satisfied are you with our service?",
    scores: [
        "1 — Very dissatisfied",
        "2 — Dissatisfied",
        "3 — Neither",
        "4 — Satisfied",
        "5 — Very satisfied",
    ],
    comment: "Your comment (optional)",
    comment_hint: Formatted(|f| write!(f, "At most {} characters.", limits::SURVEY_COMMENT)),
    send: "Send",
    choose_score: "Please choose a score from 1 to 5.",
    comment_too_long: Formatted(|f| {
        write!(
            f,
            "Your comment may be at most {} characters.",
            limits::SURVEY_COMMENT
        )
    }),
    thanks: "Thank you",
    thanks_detail: "Your answer has been recorded. Your views help us improve our service.",
    already_answered: "This survey has already been answered. Thank you.",
    invalid_link: "This survey link is not valid. Make sure you opened the whole link you were sent.",
    expired_link: "This survey link has expired.",
    opt_out: "Send me no more surveys",
    opt_out_hint: "If you want no surveys, you can say so; the answers to your applications are still sent.",
    opted_out: "Your choice is recorded: you will be sent no more satisfaction surveys.",
    unavailable: "Your answer could not be saved just now; please send it again in a moment.",
    answer_title: "Official answer",
    status_link_invalid: "This link is not valid. You can look your application up with its tracking number and the last 4 digits of your phone.",
    status_link_expired: "This link has expired. You can look your application up with its tracking number and the last 4 digits of your phone.",
    resolved_on: "Resolved on",
    record_title: "Satisfaction survey",
    record_score: "Score",
    record_comment: "The citizen's comment",
    not_answered: "Not answered yet.",
    sources: ["", "on the survey link", "on the callback", "in the IVR"],
    step: "Satisfaction survey answered",
    step_score: "score",
    callback_score: "The citizen's satisfaction score (if asked)",
    callback_not_asked: "Not asked / no answer",
    callback_comment: "The citizen's comment (optional)",
    callback_score_needs_reached: "A satisfaction score is recorded only when the citizen was reached.",
    callback_already_answered: "This record's satisfaction survey was already answered.",
};

impl SurveyTexts {
    /// The words of `SurveySource` number `source` (empty when unknown).
    pub fn source(&self, source: i32) -> &'static str {
        usize::try_from(source)
            .ok()
            .and_then(|i| self.sources.get(i).copied())
            .unwrap_or("")
    }

    /// A task step's detail `"<score>:<source code>"` in words.
    pub fn step_detail(&self, detail: &str) -> Option<String> {
        let (score, source) = detail.split_once(':')?;
        let score: u32 = score.parse().ok().filter(|s| (1..=5).contains(s))?;
        let source = tekmerkez_proto::case_v1::SurveySource::from_str_name(&format!(
            "SURVEY_SOURCE_{}",
            source.to_ascii_uppercase()
        ))?;
        Some(format!(
            "{} {score}/5, {}",
            self.step_score,
            self.source(source as i32)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_survey_step_reads_in_words_in_both_languages() {
        assert_eq!(
            TR.step_detail("4:link").as_deref(),
            Some("puan 4/5, anket bağlantısıyla")
        );
        assert_eq!(
            EN.step_detail("2:ivr").as_deref(),
            Some("score 2/5, in the IVR")
        );
        assert_eq!(
            TR.step_detail("5:phone_callback").as_deref(),
            Some("puan 5/5, geri dönüş aramasında")
        );
        assert_eq!(TR.step_detail("9:link"), None);
        assert_eq!(TR.step_detail("garbage"), None);
    }
}
