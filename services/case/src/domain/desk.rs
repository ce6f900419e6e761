//! Who hears of what on the live desk. A case event becomes a
//! [`Happening`]; each signed-in person's stream asks [`notice_for`] whether
//! it concerns them, with the case as it stands now. The rule is the lists'
//! own ([`can_view`]): nobody hears of a record they could not open, and a
//! [`DeskKind::Changed`] signal (which carries no record) goes only to
//! people whose lists the record was or is on.

use uuid::Uuid;

use super::{
    caller::Caller,
    case::Case,
    enums::{CaseStatus, Role, Urgency},
    policy::can_view,
};

/// What a case event did, as far as desks are concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Happening {
    /// The case arrived in its pool's work list: opened, transferred in,
    /// reopened, or sent on to the callback pool.
    Arrived,
    /// The case was given to `holder` by `by` (a person or, when `None`, a
    /// service such as automatic assignment).
    HandedTo { holder: Uuid, by: Option<Uuid> },
    /// A callback the case waits for has come due.
    CallbackDue,
    /// Anything else that may change lists and counts.
    Other,
}

/// What a person is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeskKind {
    /// A record to claim arrived in one of their pools.
    NewInPool,
    /// Someone else gave them a record.
    AssignedToMe,
    /// A callback they may make came due.
    CallbackDue,
    /// Their lists or counts may have changed.
    Changed,
}

/// One notice for one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Notice {
    pub kind: DeskKind,
    /// An urgent record arrived where they work or manage: an alert, not a
    /// quiet notice.
    pub alert: bool,
}

impl Notice {
    fn quiet(kind: DeskKind) -> Option<Self> {
        Some(Self { kind, alert: false })
    }
}

/// What `caller` hears of `happening` to `case` (as it stands now);
/// `left_pools` are pools the case just left (a transfer's origin), whose
/// people's lists changed too.
pub fn notice_for(
    caller: &Caller,
    happening: &Happening,
    case: &Case,
    left_pools: &[Uuid],
) -> Option<Notice> {
    let user = caller.user()?;
    let in_my_pools = user.pools.contains(&case.pool_id);
    let visible = can_view(caller, case);
    match happening {
        Happening::Arrived if visible && in_my_pools => match user.role {
            Role::Expert | Role::PoolManager | Role::DirectorateManager
                if case.status == CaseStatus::InPool =>
            {
                Some(Notice {
                    kind: DeskKind::NewInPool,
                    alert: case.urgency == Urgency::Urgent,
                })
            }
            Role::CallbackAgent
                if case.status == CaseStatus::AwaitingCallback && case.holder_id.is_none() =>
            {
                Notice::quiet(DeskKind::NewInPool)
            }
            _ => changed(
                user.role,
                in_my_pools,
                case,
                user.id,
                left_pools,
                &user.pools,
            ),
        },
        Happening::HandedTo { holder, by }
            if *holder == user.id && *by != Some(user.id) && visible =>
        {
            Notice::quiet(DeskKind::AssignedToMe)
        }
        Happening::CallbackDue if visible && user.role == Role::CallbackAgent => {
            Notice::quiet(DeskKind::CallbackDue)
        }
        _ => changed(
            user.role,
            in_my_pools,
            case,
            user.id,
            left_pools,
            &user.pools,
        ),
    }
}

/// The silent signal: the record is, or just was, on one of this person's
/// lists.
fn changed(
    role: Role,
    in_my_pools: bool,
    case: &Case,
    me: Uuid,
    left_pools: &[Uuid],
    my_pools: &std::collections::HashSet<Uuid>,
) -> Option<Notice> {
    let mine = in_my_pools
        || case.holder_id == Some(me)
        || left_pools.iter().any(|p| my_pools.contains(p))
        || role == Role::Admin;
    if mine && !matches!(role, Role::CallCentreAgent | Role::PartnerClient) {
        Notice::quiet(DeskKind::Changed)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use jiff::Timestamp;

    use super::*;
    use crate::domain::{caller::UserCaller, case::tests::sample};

    fn person(role: Role, pools: &[Uuid]) -> Caller {
        Caller::User(UserCaller {
            id: Uuid::new_v4(),
            role,
            pools: pools.iter().copied().collect::<HashSet<_>>(),
            directorate_id: None,
            username: "uzman".into(),
            access: Default::default(),
        })
    }

    fn in_pool(pool: Uuid, urgency: Urgency) -> Case {
        let mut c = sample(Timestamp::now());
        c.pool_id = pool;
        c.status = CaseStatus::InPool;
        c.holder_id = None;
        c.urgency = urgency;
        c
    }

    #[test]
    fn a_new_record_reaches_its_pool_and_never_another_province() {
        let ankara = Uuid::new_v4();
        let izmir = Uuid::new_v4();
        let case = in_pool(ankara, Urgency::Normal);
        let arrived = |c: &Caller| notice_for(c, &Happening::Arrived, &case, &[]);
        for role in [Role::Expert, Role::PoolManager, Role::DirectorateManager] {
            assert_eq!(
                arrived(&person(role, &[ankara])).map(|n| n.kind),
                Some(DeskKind::NewInPool),
                "{role:?} of the pool"
            );
            assert_eq!(arrived(&person(role, &[izmir])), None, "{role:?} elsewhere");
        }
        assert_eq!(arrived(&person(Role::CallCentreAgent, &[ankara])), None);
        assert_eq!(arrived(&person(Role::PartnerClient, &[])), None);
        assert_eq!(
            arrived(&Caller::Service(crate::domain::caller::ServiceName::Notify)),
            None
        );
    }

    #[test]
    fn an_urgent_record_raises_an_alert_for_experts_and_managers() {
        let pool = Uuid::new_v4();
        let urgent = in_pool(pool, Urgency::Urgent);
        for role in [Role::Expert, Role::PoolManager] {
            let n = notice_for(&person(role, &[pool]), &Happening::Arrived, &urgent, &[]).unwrap();
            assert!(n.alert, "{role:?}");
        }
        let normal = in_pool(pool, Urgency::Normal);
        let n = notice_for(
            &person(Role::Expert, &[pool]),
            &Happening::Arrived,
            &normal,
            &[],
        );
        assert!(!n.unwrap().alert);
    }

    #[test]
    fn a_record_handed_over_is_announced_to_its_new_holder_only() {
        let pool = Uuid::new_v4();
        let expert = person(Role::Expert, &[pool]);
        let me = expert.user().unwrap().id;
        let mut case = in_pool(pool, Urgency::Normal);
        case.status = CaseStatus::Held;
        case.holder_id = Some(me);
        let by_manager = Happening::HandedTo {
            holder: me,
            by: Some(Uuid::new_v4()),
        };
        assert_eq!(
            notice_for(&expert, &by_manager, &case, &[]).map(|n| n.kind),
            Some(DeskKind::AssignedToMe)
        );
        let automatic = Happening::HandedTo {
            holder: me,
            by: None,
        };
        assert_eq!(
            notice_for(&expert, &automatic, &case, &[]).map(|n| n.kind),
            Some(DeskKind::AssignedToMe)
        );
        // Claiming it oneself is not news; the list still changed.
        let claimed = Happening::HandedTo {
            holder: me,
            by: Some(me),
        };
        assert_eq!(
            notice_for(&expert, &claimed, &case, &[]).map(|n| n.kind),
            Some(DeskKind::Changed)
        );
        // A colleague in the same pool: their pool list lost it.
        let colleague = person(Role::Expert, &[pool]);
        assert_eq!(
            notice_for(&colleague, &by_manager, &case, &[]).map(|n| n.kind),
            Some(DeskKind::Changed)
        );
        assert_eq!(
            notice_for(
                &person(Role::Expert, &[Uuid::new_v4()]),
                &by_manager,
                &case,
                &[]
            ),
            None
        );
    }

    #[test]
    fn a_transfer_tells_the_pool_it_left_that_its_list_changed() {
        let from = Uuid::new_v4();
        let to = Uuid::new_v4();
        let case = in_pool(to, Urgency::Normal);
        let old = person(Role::Expert, &[from]);
        assert_eq!(
            notice_for(&old, &Happening::Arrived, &case, &[from]).map(|n| n.kind),
            Some(DeskKind::Changed)
        );
        let new = person(Role::Expert, &[to]);
        assert_eq!(
            notice_for(&new, &Happening::Arrived, &case, &[from]).map(|n| n.kind),
            Some(DeskKind::NewInPool)
        );
    }

    #[test]
    fn callbacks_coming_due_reach_the_callback_agents_of_the_pool() {
        let pool = Uuid::new_v4();
        let mut case = in_pool(pool, Urgency::Normal);
        case.status = CaseStatus::AwaitingCallback;
        let agent = person(Role::CallbackAgent, &[pool]);
        assert_eq!(
            notice_for(&agent, &Happening::CallbackDue, &case, &[]).map(|n| n.kind),
            Some(DeskKind::CallbackDue)
        );
        assert_eq!(
            notice_for(
                &person(Role::CallbackAgent, &[Uuid::new_v4()]),
                &Happening::CallbackDue,
                &case,
                &[]
            ),
            None
        );
        // Another agent holds it: not theirs to call.
        case.holder_id = Some(Uuid::new_v4());
        assert_eq!(
            notice_for(&agent, &Happening::CallbackDue, &case, &[]).map(|n| n.kind),
            Some(DeskKind::Changed)
        );
    }
}
