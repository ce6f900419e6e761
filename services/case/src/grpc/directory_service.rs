//! `tekmerkez.case.v1.DirectoryService`: directorates, units, pools, users.

use secrecy::SecretString;
use tekmerkez_proto::case_v1::{self as pb, directory_service_server::DirectoryService};
use tonic::{Request, Response, Status};

use super::{CallerResolver, convert};
use crate::{
    app::{
        CaseApp,
        directory::{NewUser, ProfileUpdate, UserUpdate, check_password, parse_username},
        error::CaseError,
    },
    domain::{
        contact::{EmailAddress, PhoneNumber},
        enums::Role,
        fields::Violations,
        text::parse_text,
    },
};

/// The gRPC face of the directory operations.
#[derive(Debug, Clone)]
pub struct DirectoryGrpc {
    app: CaseApp,
    callers: CallerResolver,
}

impl DirectoryGrpc {
    /// Handlers over `app`.
    pub fn new(app: CaseApp, callers: CallerResolver) -> Self {
        Self { app, callers }
    }
}

type R<T> = Result<Response<T>, Status>;

fn role_field(v: &mut Violations, n: i32) -> Option<Role> {
    let r = Role::from_proto(n);
    if r.is_none() {
        v.add("role", "must be a known role");
    }
    r
}

/// A user's work e-mail and phone: optional, parsed with the applicant rules
/// but reported under the user's own field names.
fn work_contact(
    v: &mut Violations,
    email: &str,
    phone: &str,
) -> (Option<EmailAddress>, Option<PhoneNumber>) {
    fn named<T>(
        field: &str,
        r: Result<T, crate::domain::fields::FieldError>,
    ) -> Result<T, crate::domain::fields::FieldError> {
        r.map_err(|mut e| {
            e.field = field.to_owned();
            e
        })
    }
    let email = (!email.is_empty())
        .then(|| v.check(named("email", EmailAddress::parse(email))))
        .flatten();
    let phone = (!phone.is_empty())
        .then(|| v.check(named("phone", PhoneNumber::parse(phone))))
        .flatten();
    (email, phone)
}

fn pool_ids(v: &mut Violations, raw: &[String]) -> Vec<uuid::Uuid> {
    raw.iter()
        .filter_map(|p| convert::id_field(v, "pool_ids", p))
        .collect()
}

#[tonic::async_trait]
impl DirectoryService for DirectoryGrpc {
    async fn create_directorate(
        &self,
        req: Request<pb::CreateDirectorateRequest>,
    ) -> R<pb::CreateDirectorateResponse> {
        let caller = self.callers.resolve(&req).await?;
        let d = self
            .app
            .create_directorate(&caller, &req.get_ref().name)
            .await?;
        Ok(Response::new(pb::CreateDirectorateResponse {
            directorate: Some(convert::directorate_to_proto(&d)),
        }))
    }

    async fn list_directorates(
        &self,
        req: Request<pb::ListDirectoratesRequest>,
    ) -> R<pb::ListDirectoratesResponse> {
        self.callers.resolve(&req).await?;
        let all = self.app.list_directorates().await?;
        Ok(Response::new(pb::ListDirectoratesResponse {
            directorates: all.iter().map(convert::directorate_to_proto).collect(),
        }))
    }

    async fn create_unit(&self, req: Request<pb::CreateUnitRequest>) -> R<pb::CreateUnitResponse> {
        let caller = self.callers.resolve(&req).await?;
        let dir = convert::one_id("directorate_id", &req.get_ref().directorate_id)?;
        let u = self
            .app
            .create_unit(&caller, dir, &req.get_ref().name)
            .await?;
        Ok(Response::new(pb::CreateUnitResponse {
            unit: Some(convert::unit_to_proto(&u)),
        }))
    }

    async fn list_units(&self, req: Request<pb::ListUnitsRequest>) -> R<pb::ListUnitsResponse> {
        self.callers.resolve(&req).await?;
        let mut v = Violations::new();
        let raw = &req.get_ref().directorate_id;
        let dir = if raw.is_empty() {
            None
        } else {
            convert::id_field(&mut v, "directorate_id", raw)
        };
        convert::finish(v)?;
        let all = self.app.list_units(dir).await?;
        Ok(Response::new(pb::ListUnitsResponse {
            units: all.iter().map(convert::unit_to_proto).collect(),
        }))
    }

    async fn create_pool(&self, req: Request<pb::CreatePoolRequest>) -> R<pb::CreatePoolResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let unit = convert::one_id("unit_id", &r.unit_id)?;
        let p = self
            .app
            .create_pool(&caller, unit, r.province_code, &r.name, r.triage)
            .await?;
        Ok(Response::new(pb::CreatePoolResponse {
            pool: Some(convert::pool_to_proto(&p)),
        }))
    }

    async fn list_pools(&self, req: Request<pb::ListPoolsRequest>) -> R<pb::ListPoolsResponse> {
        self.callers.resolve(&req).await?;
        let code = req.get_ref().province_code;
        let province = if code == 0 {
            None
        } else {
            Some(
                u8::try_from(code)
                    .ok()
                    .filter(|c| tekmerkez_geo::province_by_code(*c).is_some())
                    .ok_or_else(|| {
                        CaseError::Invalid(Violations::from(
                            crate::domain::fields::FieldError::new(
                                "province_code",
                                "must be a plate code from 1 to 81",
                            ),
                        ))
                    })?,
            )
        };
        let all = self.app.list_pools(province).await?;
        Ok(Response::new(pb::ListPoolsResponse {
            pools: all.iter().map(convert::pool_to_proto).collect(),
        }))
    }

    async fn create_user(&self, req: Request<pb::CreateUserRequest>) -> R<pb::CreateUserResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let username = v.check(parse_username(&r.username));
        let display_name = v.check(parse_text("display_name", &r.display_name, 200));
        let role = role_field(&mut v, r.role);
        let pools = pool_ids(&mut v, &r.pool_ids);
        let password = if r.password.is_empty() {
            None
        } else {
            v.check(check_password("password", &r.password))
                .map(|()| SecretString::from(r.password.clone()))
        };
        let (email, phone) = work_contact(&mut v, &r.email, &r.phone);
        let directorate_id = if r.directorate_id.is_empty() {
            None
        } else {
            convert::id_field(&mut v, "directorate_id", &r.directorate_id)
        };
        convert::finish(v)?;
        let (Some(username), Some(display_name), Some(role)) = (username, display_name, role)
        else {
            return Err(Status::invalid_argument("request"));
        };
        let u = self
            .app
            .create_user(
                &caller,
                NewUser {
                    username,
                    display_name,
                    role,
                    pool_ids: pools,
                    password,
                    email,
                    phone,
                    directorate_id,
                },
            )
            .await?;
        Ok(Response::new(pb::CreateUserResponse {
            user: Some(convert::user_to_proto(&u, true)),
        }))
    }

    async fn update_user(&self, req: Request<pb::UpdateUserRequest>) -> R<pb::UpdateUserResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let id = convert::id_field(&mut v, "user_id", &r.user_id);
        let role = if r.role == 0 {
            None
        } else {
            role_field(&mut v, r.role)
        };
        let pools = r.update_pools.then(|| pool_ids(&mut v, &r.pool_ids));
        let display_name = convert::optional_text(&mut v, "display_name", &r.display_name, 200);
        // Set and empty takes the directorate away; unset keeps it.
        let directorate_id = r.directorate_id.as_deref().map(|d| {
            if d.is_empty() {
                None
            } else {
                convert::id_field(&mut v, "directorate_id", d)
            }
        });
        convert::finish(v)?;
        let Some(id) = id else {
            return Err(Status::invalid_argument("user_id"));
        };
        let u = self
            .app
            .update_user(
                &caller,
                id,
                UserUpdate {
                    role,
                    pool_ids: pools,
                    active: r.active,
                    display_name,
                    directorate_id,
                },
            )
            .await?;
        Ok(Response::new(pb::UpdateUserResponse {
            user: Some(convert::user_to_proto(&u, true)),
        }))
    }

    async fn list_users(&self, req: Request<pb::ListUsersRequest>) -> R<pb::ListUsersResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let pool = if r.pool_id.is_empty() {
            None
        } else {
            convert::id_field(&mut v, "pool_id", &r.pool_id)
        };
        let role = if r.role == 0 {
            None
        } else {
            role_field(&mut v, r.role)
        };
        convert::finish(v)?;
        let admin = caller.role() == Some(Role::Admin);
        let users = self.app.list_users(&caller, pool, role).await?;
        Ok(Response::new(pb::ListUsersResponse {
            users: users
                .iter()
                .map(|u| convert::user_to_proto(u, admin))
                .collect(),
        }))
    }

    async fn issue_api_token(
        &self,
        req: Request<pb::IssueApiTokenRequest>,
    ) -> R<pb::IssueApiTokenResponse> {
        let caller = self.callers.resolve(&req).await?;
        let id = convert::one_id("user_id", &req.get_ref().user_id)?;
        let token = self
            .app
            .issue_api_token(&caller, id, &req.get_ref().label)
            .await?;
        Ok(Response::new(pb::IssueApiTokenResponse { token }))
    }

    async fn authenticate_user(
        &self,
        req: Request<pb::AuthenticateUserRequest>,
    ) -> R<pb::AuthenticateUserResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        if r.username.trim().is_empty() || r.username.chars().count() > 100 {
            v.add("username", "must be 1 to 100 characters");
        }
        if r.password.is_empty() || r.password.chars().count() > 128 {
            v.add("password", "must be 1 to 128 characters");
        }
        convert::finish(v)?;
        let password = SecretString::from(r.password.clone());
        let u = self
            .app
            .authenticate_user(&caller, r.username.trim(), &password)
            .await?;
        Ok(Response::new(pb::AuthenticateUserResponse {
            user: Some(convert::user_to_proto(&u, true)),
        }))
    }

    async fn get_current_user(
        &self,
        req: Request<pb::GetCurrentUserRequest>,
    ) -> R<pb::GetCurrentUserResponse> {
        let caller = self.callers.resolve(&req).await?;
        let u = self.app.current_user(&caller).await?;
        Ok(Response::new(pb::GetCurrentUserResponse {
            user: Some(convert::user_to_proto(&u, true)),
        }))
    }

    async fn update_current_user(
        &self,
        req: Request<pb::UpdateCurrentUserRequest>,
    ) -> R<pb::UpdateCurrentUserResponse> {
        let caller = self.callers.resolve(&req).await?;
        let r = req.get_ref();
        let mut v = Violations::new();
        let display_name = convert::optional_text(&mut v, "display_name", &r.display_name, 200);
        let (email, phone) = work_contact(&mut v, &r.email, &r.phone);
        let password = if r.new_password.is_empty() {
            None
        } else {
            if r.current_password.is_empty() {
                v.add("current_password", "is required to set a new password");
            }
            v.check(check_password("new_password", &r.new_password))
                .map(|()| {
                    (
                        SecretString::from(r.current_password.clone()),
                        SecretString::from(r.new_password.clone()),
                    )
                })
        };
        convert::finish(v)?;
        let u = self
            .app
            .update_current_user(
                &caller,
                ProfileUpdate {
                    display_name,
                    email,
                    phone,
                    password,
                },
            )
            .await?;
        Ok(Response::new(pb::UpdateCurrentUserResponse {
            user: Some(convert::user_to_proto(&u, true)),
        }))
    }

    async fn list_provinces(
        &self,
        req: Request<pb::ListProvincesRequest>,
    ) -> R<pb::ListProvincesResponse> {
        self.callers.resolve(&req).await?;
        Ok(Response::new(pb::ListProvincesResponse {
            provinces: tekmerkez_geo::provinces()
                .iter()
                .map(|p| pb::Province {
                    code: u32::from(p.code()),
                    name: p.name().to_owned(),
                    districts: p.districts().to_vec(),
                })
                .collect(),
        }))
    }
}
