//! The start page: the signed-in person and what their role may do.

use axum::response::Response;
use tekmerkez_proto::case_v1::Role;

use super::{Frame, render, signed_in::SignedIn};
use crate::i18n::Texts;

#[derive(askama::Template)]
#[template(path = "home.html")]
struct HomePage {
    frame: Frame,
    csrf: String,
    display_name: String,
    role_name: &'static str,
    /// The role's screens, with their counts: on the start page the menu
    /// is the page itself, not a bar above it.
    menu: Vec<super::NavItem>,
    /// The quick views and the person's saved ones.
    views: super::views::Bar,
}

/// The menu of `role`: (label, path).
pub(super) fn menu(t: &'static Texts, role: Role) -> Vec<(&'static str, &'static str)> {
    let c = &t.common;
    let letters = (t.letters.menu, "/mektuplar");
    let mut m = match role {
        Role::Admin => vec![
            (c.admin, "/yonetim"),
            (t.admin_calendar.title, "/yonetim/takvim"),
            (c.pool_manager_pools, "/havuz"),
            (t.incidents.menu, "/olaylar"),
            (t.reports.title, "/raporlar"),
            (c.due_soon, "/sure-yaklasan"),
            (c.overdue, "/sure-gecen"),
            (c.not_reached, "/ulasilamayanlar"),
            letters,
            (c.email_problems, "/eposta-sorunlari"),
            (t.ready_answers.title, "/hazir-cevaplar"),
        ],
        Role::PoolManager | Role::DirectorateManager => vec![
            (c.pool_manager_pools, "/havuz"),
            (t.incidents.menu, "/olaylar"),
            (t.reports.title, "/raporlar"),
            (c.due_soon, "/sure-yaklasan"),
            (c.overdue, "/sure-gecen"),
            (c.not_reached, "/ulasilamayanlar"),
            (t.ready_answers.title, "/hazir-cevaplar"),
        ],
        Role::Expert => vec![
            (c.call_pool, "/cagri-havuzu"),
            (c.my_calls, "/uzerimdeki"),
            (t.incidents.menu, "/olaylar"),
        ],
        Role::CallbackAgent => vec![
            (c.callback_pool, "/geri-donus"),
            (c.my_calls, "/uzerimdeki"),
            (c.not_reached, "/ulasilamayanlar"),
            letters,
        ],
        // Call-centre agents and front-office staff record applications,
        // post the answer letters and read the mail that made no case.
        Role::CallCentreAgent => {
            let mut m = super::entry::menu(&t.entry);
            m.push(letters);
            m.push((c.email_problems, "/eposta-sorunlari"));
            m.push((t.ready_answers.kb_title, "/bilgi-bankasi"));
            m
        }
        Role::KvkkOfficer => vec![(t.audit.title, "/denetim-izi")],
        Role::PartnerClient | Role::Unspecified => Vec::new(),
    };
    m.push((c.my_details, "/kullanici"));
    m
}

/// `GET /`.
pub(super) async fn show(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<super::AppState>>,
    SignedIn { session: s, .. }: SignedIn,
    mut frame: Frame,
) -> Response {
    let role_name = frame.c.role_name(s.role);
    let views = super::views::bar(&state, &s, &frame, None, ("", "")).await;
    render(&HomePage {
        views,
        menu: std::mem::take(&mut frame.nav),
        frame,
        csrf: s.csrf_token,
        display_name: s.display_name,
        role_name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::TR;

    #[test]
    fn each_role_sees_only_its_own_screens() {
        let paths = |r| menu(&TR, r).into_iter().map(|(_, p)| p).collect::<Vec<_>>();
        assert_eq!(
            paths(Role::Expert),
            vec!["/cagri-havuzu", "/uzerimdeki", "/olaylar", "/kullanici"]
        );
        for manager in [Role::PoolManager, Role::DirectorateManager] {
            assert_eq!(
                paths(manager),
                vec![
                    "/havuz",
                    "/olaylar",
                    "/raporlar",
                    "/sure-yaklasan",
                    "/sure-gecen",
                    "/ulasilamayanlar",
                    "/hazir-cevaplar",
                    "/kullanici"
                ]
            );
        }
        assert_eq!(
            paths(Role::CallbackAgent),
            vec![
                "/geri-donus",
                "/uzerimdeki",
                "/ulasilamayanlar",
                "/mektuplar",
                "/kullanici"
            ]
        );
        assert!(!paths(Role::Expert).contains(&"/yonetim"));
        assert_eq!(
            paths(Role::CallCentreAgent),
            vec![
                "/kayit-girisi/cagri",
                "/kayit-girisi/yazi",
                "/kayit-girisi/gise",
                "/kayit-girisi/goruntulu",
                "/aldigim-kayitlar",
                "/mektuplar",
                "/eposta-sorunlari",
                "/bilgi-bankasi",
                "/kullanici"
            ]
        );
        assert_eq!(
            paths(Role::Admin),
            vec![
                "/yonetim",
                "/yonetim/takvim",
                "/havuz",
                "/olaylar",
                "/raporlar",
                "/sure-yaklasan",
                "/sure-gecen",
                "/ulasilamayanlar",
                "/mektuplar",
                "/eposta-sorunlari",
                "/hazir-cevaplar",
                "/kullanici"
            ]
        );
    }
}
