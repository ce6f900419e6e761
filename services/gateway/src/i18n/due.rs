//! *Süresi Yaklaşan / Süresi Geçen* (`http::due`): the managers' lists of
//! records whose due dates are near or past, and the marks on the holder's
//! own list.

/// Every text of the page, in one language.
#[derive(Debug)]
pub struct DueTexts {
    /// What the near list holds.
    pub due_soon_intro: &'static str,
    /// What the overdue list holds.
    pub overdue_intro: &'static str,
    pub pool: &'static str,
    pub legal_due: &'static str,
    pub internal_due: &'static str,
    /// How late (or how much time is left).
    pub lateness: &'static str,
    pub stage: &'static str,
    /// Stage names.
    pub approaching: &'static str,
    /// The pool manager's warning before the due date.
    pub imminent: &'static str,
    pub stage_overdue: &'static str,
    pub escalated: &'static str,
    /// "3 iş günü gecikti".
    pub working_days_late: fn(i32) -> String,
    /// "2 iş günü kaldı" (the day under way counted).
    pub working_days_left: fn(i32) -> String,
    /// "5 sa 10 dk gecikti".
    pub time_late: fn(i64, i64) -> String,
    /// "1 sa 30 dk kaldı".
    pub time_left: fn(i64, i64) -> String,
    /// The task step of a due date passing, on the record page.
    pub step_overdue: &'static str,
    /// The task step of an escalation to the directorate manager.
    pub step_escalated: &'static str,
    /// The task step of a due date given to a case opened before due
    /// dates existed.
    pub step_backfilled: &'static str,
    /// Only the most urgent are listed when there are more.
    pub only_most_urgent: fn(usize) -> String,
}

impl DueTexts {
    /// A stage (`tekmerkez.case.v1.EscalationStage` number) in words;
    /// empty for none.
    pub fn stage_name(&self, stage: i32) -> &'static str {
        use tekmerkez_proto::case_v1::EscalationStage as S;
        match S::try_from(stage) {
            Ok(S::Approaching) => self.approaching,
            Ok(S::Imminent) => self.imminent,
            Ok(S::Overdue) => self.stage_overdue,
            Ok(S::Escalated) => self.escalated,
            Ok(S::Unspecified) | Err(_) => "",
        }
    }
}

pub const TR: DueTexts = DueTexts {
    due_soon_intro: "Yasal süresi veya kurum içi hedef süresi yaklaşan, henüz hiçbir süresi geçmemiş açık kayıtlar; en acil olan en üstte.",
    overdue_intro: "Yasal süresi veya kurum içi hedef süresi geçmiş açık kayıtlar; en çok geciken en üstte. Eşiği aşanlar müdürlük yöneticisine iletilir.",
    pool: "Havuz",
    legal_due: "Yasal son gün",
    internal_due: "Kurum içi hedef",
    lateness: "Gecikme",
    stage: "Durum",
    approaching: "Süresi yaklaşıyor",
    imminent: "Süresi doluyor (yöneticiye bildirildi)",
    stage_overdue: "Süresi geçti",
    escalated: "Müdürlüğe iletildi",
    working_days_late: |n| format!("{n} iş günü gecikti"),
    working_days_left: |n| format!("{n} iş günü kaldı"),
    time_late: |h, m| format!("{h} sa {m} dk gecikti"),
    time_left: |h, m| format!("{h} sa {m} dk kaldı"),
    step_overdue: "Süresi geçti",
    step_escalated: "Müdürlük yöneticisine iletildi",
    step_backfilled: "Yasal son gün belirlendi (bu kayıt süreler tanımlanmadan önce açılmıştı; açılış tarihinden hesaplandı)",
    only_most_urgent: |n| format!("En acil {n} kayıt gösteriliyor."),
};

pub const EN: DueTexts = DueTexts {
    due_soon_intro: "Open records whose legal due date or internal target is near and none has passed; the most urgent first.",
    overdue_intro: "Open records past their legal due date or internal target; the latest first. Those past the threshold go to the directorate manager.",
    pool: "Pool",
    legal_due: "Legal due date",
    internal_due: "Internal target",
    lateness: "Lateness",
    stage: "State",
    approaching: "Due soon",
    imminent: "Due now (manager warned)",
    stage_overdue: "Overdue",
    escalated: "Escalated to the directorate",
    working_days_late: |n| format!("{n} working days late"),
    working_days_left: |n| format!("{n} working days left"),
    time_late: |h, m| format!("{h} h {m} min late"),
    time_left: |h, m| format!("{h} h {m} min left"),
    step_overdue: "Due date passed",
    step_escalated: "Escalated to the directorate manager",
    step_backfilled: "Legal due date set (this record was opened before due dates existed; counted from when it was opened)",
    only_most_urgent: |n| format!("The {n} most urgent records are shown."),
};
