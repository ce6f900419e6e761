//! The start page: the signed-in person and what their role may do.

use std::sync::Arc;

use axum::{extract::State, http::HeaderMap, response::Response};
use tekmerkez_proto::case_v1::Role;

use super::{AppState, Frame, current, render};
use crate::i18n::Texts;

#[derive(askama::Template)]
#[template(path = "ana.html")]
struct HomePage {
    frame: Frame,
    csrf: String,
    display_name: String,
    role_name: &'static str,
    menu: Vec<(&'static str, &'static str)>,
}

/// The menu of `role`: (label, path).
pub(super) fn menu(t: &'static Texts, role: Role) -> Vec<(&'static str, &'static str)> {
    let mut m = match role {
        Role::Admin => vec![(t.admin, "/yonetim"), (t.pool_manager_pools, "/havuz")],
        Role::PoolManager => vec![(t.pool_manager_pools, "/havuz")],
        Role::Expert => vec![(t.call_pool, "/cagri-havuzu"), (t.my_calls, "/uzerimdeki")],
        Role::CallbackAgent => vec![
            (t.callback_pool, "/geri-donus"),
            (t.my_calls, "/uzerimdeki"),
        ],
        // Call-centre agents and front-office staff record applications.
        Role::CallCentreAgent => super::entry::menu(t.entry),
        Role::PartnerClient | Role::Unspecified => Vec::new(),
    };
    m.push((t.my_details, "/kullanici"));
    m
}

/// `GET /`.
pub(super) async fn show(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let Some((_, s)) = current(&state, &headers).await else {
        return super::sign_in_again(&headers);
    };
    let frame = Frame::of(&headers);
    let role = Role::try_from(s.role).unwrap_or(Role::Unspecified);
    let role_name = usize::try_from(s.role)
        .ok()
        .and_then(|i| frame.t.role_names.get(i).copied())
        .unwrap_or_default();
    render(&HomePage {
        menu: menu(frame.t, role),
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
            vec!["/cagri-havuzu", "/uzerimdeki", "/kullanici"]
        );
        assert_eq!(paths(Role::PoolManager), vec!["/havuz", "/kullanici"]);
        assert_eq!(
            paths(Role::CallbackAgent),
            vec!["/geri-donus", "/uzerimdeki", "/kullanici"]
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
                "/kullanici"
            ]
        );
    }
}
