//! Authorization: what each caller may see and do, decided inside the case
//! service for every call (hiding buttons in a UI is never the control).
//!
//! | who                | sees                                                        | may do                          |
//! |--------------------|-------------------------------------------------------------|---------------------------------|
//! | admin              | everything                                                  | everything                      |
//! | pool manager       | every case of the managed pools                             | assign, move, transfer, note, reopen |
//! | directorate manager| every case of the pools of the directorate's units (its scope, resolved by `app::auth::scope_pools`) | what a pool manager may there |
//! | expert             | unheld cases of own pools, cases held or closed by them     | claim, note, close (when holding) |
//! | callback agent     | callback-pool cases of own pools, the ones they hold, own pools' "not reached" cases | claim from callback pool, record outcome, note, act on "not reached" |
//! | call-centre agent  | the cases they recorded                                     | open cases                      |
//! | partner client     | the cases they submitted                                    | open cases (through intake)     |
//! | letters (posting)  | admin: all; callback agent, call-centre / front-office staff: own pools | list, print, mark posted; pool managers count their pools' queue |
//! | routing service    | —                                                           | open cases, add citizens' follow-up messages |
//! | intake service     | the public status; partner-channel cases (their outcome)   | track                           |
//! | notify service     | everything, to write to citizens                            | mark a citizen not reached      |
//! | gateway service    | a signed link's public status (with the official answer)   | record a survey link's answer   |
//! | intake service     |                                                             | record an IVR survey score      |
//!
//! A case the caller may not see is reported as not found, so that its
//! existence does not leak across provinces.

use super::{
    caller::{Caller, ServiceName, UserCaller},
    case::Case,
    enums::{CaseStatus, Channel, Role},
};

/// Whether `caller` may see `case` at all.
pub fn can_view(caller: &Caller, case: &Case) -> bool {
    match caller {
        // Intake answers a partner's GetApplicationStatus from the case of
        // the PARTNER channel (intake checks that the partner submitted it);
        // it sees no other case, and no contact details (`sees_contact`).
        Caller::Service(s) => {
            matches!(s, ServiceName::Notify)
                || (*s == ServiceName::Intake && case.channel == Channel::Partner)
        }
        Caller::User(u) => match u.role {
            Role::Admin => true,
            Role::PoolManager | Role::DirectorateManager => u.pools.contains(&case.pool_id),
            Role::Expert => {
                (u.pools.contains(&case.pool_id) && case.status == CaseStatus::InPool)
                    || (case.status == CaseStatus::Held && case.holder_id == Some(u.id))
                    || case.closed_by == Some(u.id)
            }
            Role::CallbackAgent => {
                (case.status == CaseStatus::AwaitingCallback
                    && (case.holder_id == Some(u.id)
                        || (case.holder_id.is_none() && u.pools.contains(&case.pool_id))))
                    || acts_on_not_reached(u, case)
            }
            Role::CallCentreAgent | Role::PartnerClient => case.created_by == Some(u.id),
            // The KVKK officer reads the audit trail and answers data
            // subjects through their own requests, never through the desk.
            Role::KvkkOfficer => false,
        },
    }
}

/// Whether `user` may act on `case`'s "citizen not reached" mark: the
/// callback unit of its pool, whoever manages the pool, an admin.
pub fn acts_on_not_reached(user: &UserCaller, case: &Case) -> bool {
    case.not_reached.is_some()
        && (manages(user, case)
            || (user.role == Role::CallbackAgent && user.pools.contains(&case.pool_id)))
}

/// Whether `caller` gets the applicant's contact details unmasked: the
/// people who must reach the citizen or who typed the data in.
pub fn sees_contact(caller: &Caller, case: &Case) -> bool {
    match caller {
        Caller::Service(s) => matches!(s, ServiceName::Notify),
        Caller::User(u) => match u.role {
            Role::Admin => true,
            Role::Expert => case.holder_id == Some(u.id),
            // The callback unit must see how to reach a citizen the answer
            // did not reach.
            Role::CallbackAgent => {
                case.holder_id == Some(u.id)
                    || (case.not_reached.is_some() && u.pools.contains(&case.pool_id))
            }
            Role::CallCentreAgent | Role::PartnerClient => case.created_by == Some(u.id),
            Role::PoolManager | Role::DirectorateManager | Role::KvkkOfficer => false,
        },
    }
}

/// Whether `caller` may open cases.
pub fn can_create(caller: &Caller) -> bool {
    match caller {
        Caller::Service(s) => matches!(s, ServiceName::Routing),
        Caller::User(u) => matches!(
            u.role,
            Role::Admin | Role::CallCentreAgent | Role::PartnerClient
        ),
    }
}

/// Whether `user` manages `case`'s pool (pool manager or directorate
/// manager in scope, or admin).
pub fn manages(user: &UserCaller, case: &Case) -> bool {
    match user.role {
        Role::Admin => true,
        Role::PoolManager | Role::DirectorateManager => user.pools.contains(&case.pool_id),
        _ => false,
    }
}

/// Whether `role` manages the pools in its scope: a pool manager the pools
/// named on the user, a directorate manager every pool of its directorate.
pub fn is_manager(role: Role) -> bool {
    matches!(role, Role::PoolManager | Role::DirectorateManager)
}

/// The pools whose cases `user` oversees as a manager (lists, the overdue
/// view, reports): `Some(None)` for all (an admin), `Some(Some(pools))` for
/// a pool or directorate manager, `None` for anyone else.
pub fn managed_pools(user: &UserCaller) -> Option<Option<Vec<uuid::Uuid>>> {
    match user.role {
        Role::Admin => Some(None),
        r if is_manager(r) => Some(Some(user.pools.iter().copied().collect())),
        _ => None,
    }
}

/// Whether `user` may transfer `case` to a pool of `target_province`,
/// correcting `fix` on the way: whoever manages its pool, within the
/// case's province; to another province, or correcting what was recorded,
/// only the institution's pool managers and admins (never an expert, whose
/// scope stays the province).
pub fn may_transfer(
    user: &UserCaller,
    case: &Case,
    target_province: u8,
    fix: &super::case::Correction,
) -> bool {
    let widens = target_province != case.province_code
        || fix.province_code.is_some()
        || fix.district.is_some()
        || fix.category.is_some();
    manages(user, case) && (!widens || is_manager(user.role) || user.role == Role::Admin)
}

/// Whether `user` may claim `case`: an expert from an own pool, or a
/// callback agent from an own callback pool.
pub fn can_claim(user: &UserCaller, case: &Case) -> bool {
    match user.role {
        Role::Expert | Role::CallbackAgent => user.pools.contains(&case.pool_id),
        _ => false,
    }
}

/// Whether `user` may add a note: the holder, or whoever manages the pool.
pub fn can_note(user: &UserCaller, case: &Case) -> bool {
    manages(user, case) || case.holder_id == Some(user.id)
}

/// Whether `user` may merge `duplicate` into `original`: one who sees both
/// and may act on either (its holder, or whoever manages its pool).
pub fn can_merge(caller: &Caller, duplicate: &Case, original: &Case) -> bool {
    caller.user().is_some_and(|user| {
        can_view(caller, duplicate)
            && can_view(caller, original)
            && (can_note(user, duplicate) || can_note(user, original))
    })
}

/// Whether `user` may change the application type: whoever may act on the
/// record (its holder, or whoever manages its pool).
pub fn can_reclassify(user: &UserCaller, case: &Case) -> bool {
    can_note(user, case)
}

/// Whether `user` may act on `case`'s due dates (the 4982 extension, the
/// wait for the citizen): whoever holds it or manages its pool.
pub fn acts_on_deadline(user: &UserCaller, case: &Case) -> bool {
    case.holder_id == Some(user.id) || manages(user, case)
}

/// Whether `caller` may use the public tracking call.
pub fn can_track(caller: &Caller) -> bool {
    match caller {
        Caller::Service(s) => matches!(s, ServiceName::Intake | ServiceName::Gateway),
        Caller::User(u) => u.role == Role::Admin,
    }
}

/// Whether `caller` may report a citizen the answer did not reach.
pub fn can_mark_not_reached(caller: &Caller) -> bool {
    caller.is_service(ServiceName::Notify)
}

/// Whether `caller` may record a satisfaction answer of `source`: the
/// gateway what a citizen gave on a signed survey link (the gateway checked
/// the link), intake what the IVR collected, an admin either. A callback
/// agent records a score with the callback outcome, not here.
pub fn can_record_survey(caller: &Caller, source: super::enums::SurveySource) -> bool {
    use super::enums::SurveySource;
    match (caller, source) {
        (Caller::Service(ServiceName::Gateway), SurveySource::Link)
        | (Caller::Service(ServiceName::Intake), SurveySource::Ivr) => true,
        (Caller::User(u), SurveySource::Link | SurveySource::Ivr) => u.role == Role::Admin,
        _ => false,
    }
}

/// Whether `caller` may read what a signed status link shows (the official
/// answer included): the gateway, which verified the link, and admins.
pub fn can_read_public_status(caller: &Caller) -> bool {
    match caller {
        Caller::Service(s) => *s == ServiceName::Gateway,
        Caller::User(u) => u.role == Role::Admin,
    }
}

/// Whether `caller` may add a citizen's follow-up message to a case: only
/// the routing service, which carries what the channels received (no
/// person types a citizen's words in as the citizen's own).
pub fn can_add_citizen_message(caller: &Caller) -> bool {
    caller.is_service(ServiceName::Routing)
}

/// Whose answer letters `user` may list, print and mark posted: `None`
/// when none; `Some(None)` for every pool (an admin); `Some(Some(pools))`
/// for the pools of a callback agent or of call-centre / front-office staff
/// (seed 001: the written channel's replies go out from the unit that
/// reaches citizens). A pool manager, who sees contacts masked, is not
/// given the letters' names and addresses: only their count.
pub fn letter_pools(user: &UserCaller) -> Option<Option<Vec<uuid::Uuid>>> {
    match user.role {
        Role::Admin => Some(None),
        Role::CallbackAgent | Role::CallCentreAgent => {
            Some(Some(user.pools.iter().copied().collect()))
        }
        Role::PoolManager
        | Role::DirectorateManager
        | Role::Expert
        | Role::PartnerClient
        | Role::KvkkOfficer => None,
    }
}

/// Whose waiting letters `user` may count: whoever posts them, and a pool
/// manager for the managed pools (the queue of their units).
pub fn letter_count_pools(user: &UserCaller) -> Option<Option<Vec<uuid::Uuid>>> {
    match user.role {
        Role::PoolManager | Role::DirectorateManager => {
            Some(Some(user.pools.iter().copied().collect()))
        }
        _ => letter_pools(user),
    }
}

/// Whether `user` may print or post a letter of a case in `pool`.
pub fn posts_letter_of(user: &UserCaller, pool: uuid::Uuid) -> bool {
    match letter_pools(user) {
        Some(None) => true,
        Some(Some(pools)) => pools.contains(&pool),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use uuid::Uuid;

    use super::*;
    use crate::domain::case::tests::sample;

    fn user(role: Role, pools: &[Uuid], directorate: Option<Uuid>) -> UserCaller {
        UserCaller {
            id: Uuid::new_v4(),
            role,
            pools: pools.iter().copied().collect::<HashSet<_>>(),
            directorate_id: directorate,
            username: "kisi".into(),
            access: Default::default(),
        }
    }

    #[test]
    fn a_directorate_manager_sees_and_manages_every_case_of_the_directorates_pools() {
        let mut case = sample(jiff::Timestamp::UNIX_EPOCH);
        let (water_ankara, water_izmir, other) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        // The scope as sign-in resolved it: every pool of the directorate's units.
        let director = user(
            Role::DirectorateManager,
            &[water_ankara, water_izmir],
            Some(Uuid::new_v4()),
        );
        for pool in [water_ankara, water_izmir] {
            case.pool_id = pool;
            for status in [CaseStatus::InPool, CaseStatus::Held, CaseStatus::Resolved] {
                case.status = status;
                let caller = Caller::User(director.clone());
                assert!(can_view(&caller, &case), "{status:?}");
                assert!(manages(&director, &case));
                assert!(can_note(&director, &case));
                assert!(may_transfer(&director, &case, 35, &Default::default()));
            }
        }
        case.pool_id = other;
        assert!(!can_view(&Caller::User(director.clone()), &case));
        assert!(!manages(&director, &case));
        assert!(!can_note(&director, &case));
    }

    #[test]
    fn a_directorate_manager_neither_claims_nor_sees_contacts_nor_opens_cases() {
        let mut case = sample(jiff::Timestamp::UNIX_EPOCH);
        let director = user(Role::DirectorateManager, &[case.pool_id], None);
        case.status = CaseStatus::InPool;
        assert!(
            !can_claim(&director, &case),
            "managers assign, they do not claim"
        );
        assert!(!sees_contact(&Caller::User(director.clone()), &case));
        assert!(!can_create(&Caller::User(director.clone())));
        assert_eq!(letter_pools(&director), None);
    }

    #[test]
    fn managed_pools_are_the_scope_of_managers_and_everything_for_admins() {
        let p = Uuid::new_v4();
        assert_eq!(
            managed_pools(&user(Role::DirectorateManager, &[p], Some(Uuid::new_v4()))),
            Some(Some(vec![p]))
        );
        assert_eq!(
            managed_pools(&user(Role::PoolManager, &[p], None)),
            Some(Some(vec![p]))
        );
        assert_eq!(managed_pools(&user(Role::Admin, &[], None)), Some(None));
        for r in [
            Role::Expert,
            Role::CallbackAgent,
            Role::CallCentreAgent,
            Role::PartnerClient,
        ] {
            assert_eq!(managed_pools(&user(r, &[p], None)), None, "{r:?}");
            assert!(!is_manager(r));
        }
    }
}
