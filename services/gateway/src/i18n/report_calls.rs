//! *Raporlar*'s call-centre section (`http::report_calls`).

/// Every text of the section, in one language.
#[derive(Debug)]
pub struct ReportCallsTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub queue: &'static str,
    /// A call without a queue or a number dialled.
    pub no_queue: &'static str,
    pub offered: &'static str,
    pub answered: &'static str,
    pub ivr: &'static str,
    pub abandoned: &'static str,
    pub transferred: &'static str,
    /// Outage questions the IVR answered by itself.
    pub self_service: &'static str,
    pub answered_share: &'static str,
    pub average_talk: &'static str,
    pub minutes: &'static str,
    pub total: &'static str,
    pub by_hour: &'static str,
    pub hour: &'static str,
    pub none: &'static str,
}

pub const TR: ReportCallsTexts = ReportCallsTexts {
    title: "Çağrı merkezi",
    intro: "Kurumun bütün çağrıları, santralin bildirdiği biçimde: dönem içinde biten her çağrı bir kez sayılır. Sesli yanıt sisteminin temsilciye bağlanmadan verdiği kesinti bilgileri çağrı başına bir kez ayrıca sayılır. Arayanın numarası tutulmaz.",
    queue: "Kuyruk",
    no_queue: "Belirtilmemiş",
    offered: "Gelen çağrı",
    answered: "Temsilcinin cevapladığı",
    ivr: "Sesli yanıtla hizmet alan",
    abandoned: "Beklerken kapatılan",
    transferred: "Aktarılan",
    self_service: "Sesli yanıttan kesinti bilgisi",
    answered_share: "Cevaplanma oranı",
    average_talk: "Ortalama görüşme",
    minutes: "dk",
    total: "Toplam",
    by_hour: "Saatlere göre çağrılar",
    hour: "Saat",
    none: "Bu dönemde çağrı yok.",
};

pub const EN: ReportCallsTexts = ReportCallsTexts {
    title: "Call centre",
    intro: "Every call of the institution, as the telephone system reports it: each call that ended in the period counts once. The outage answers the voice response system gave without an agent are counted apart, once per call. Callers' numbers are not kept.",
    queue: "Queue",
    no_queue: "Not given",
    offered: "Calls",
    answered: "Answered by an agent",
    ivr: "Served by the voice response system",
    abandoned: "Abandoned while waiting",
    transferred: "Transferred",
    self_service: "Outage answers by the voice response system",
    answered_share: "Answered share",
    average_talk: "Average talk",
    minutes: "min",
    total: "Total",
    by_hour: "Calls by hour",
    hour: "Hour",
    none: "No calls in this period.",
};
