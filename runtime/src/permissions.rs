//! The permissions an operation needs, as data a caller can check a token against.
//!
//! # Checking a token before a call
//!
//! `TokenPermissions::from_access_token(jwt)` reads the `scp`, `roles`
//! and `tid` claims of an access token - **without verifying it**: use it to tell a user early what
//! is missing, never to decide what anyone may do. `permissions::X.check(&token)` then answers
//! `Allowed { permission }`, `Missing { kind, least }` (the least privileged permission to ask
//! for) or `NotSupported { kind }` (for example a personal Microsoft account). A token that cannot
//! be read gives an error that does not repeat the token.

/// One of Microsoft's permission types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PermissionType {
    /// Delegated, signed in with a work or school account.
    DelegatedWork,
    /// Delegated, signed in with a personal Microsoft account.
    DelegatedPersonal,
    /// Application (app-only, no signed-in user).
    Application,
}

/// The permissions of one permission type, least privileged first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scopes {
    /// The least privileged permissions: ask for one of these.
    pub least: &'static [&'static str],
    /// Higher privileged permissions that also allow the operation.
    pub higher: &'static [&'static str],
}

impl Scopes {
    /// Whether `permission` (a delegated scope or an application role) allows the operation.
    pub fn contains(&self, permission: &str) -> bool {
        self.least
            .iter()
            .chain(self.higher)
            .any(|known| known.eq_ignore_ascii_case(permission))
    }
}

/// Everything Microsoft documents about who may call an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationPermissions {
    /// Delegated (work or school account); `None` when not supported.
    pub delegated_work: Option<Scopes>,
    /// Delegated (personal Microsoft account); `None` when not supported.
    pub delegated_personal: Option<Scopes>,
    /// Application; `None` when not supported.
    pub application: Option<Scopes>,
    /// Microsoft Entra roles, one of which a signed-in user needs to act on
    /// another user, least privileged first.
    pub roles_for_other_users: &'static [&'static str],
}

impl OperationPermissions {
    /// The permissions of one permission type; `None` when it is not supported.
    pub fn for_type(&self, kind: PermissionType) -> Option<&Scopes> {
        match kind {
            PermissionType::DelegatedWork => self.delegated_work.as_ref(),
            PermissionType::DelegatedPersonal => self.delegated_personal.as_ref(),
            PermissionType::Application => self.application.as_ref(),
        }
    }

    /// Whether any of `granted` allows the operation for permission type `kind`.
    pub fn allows<'a>(&self, kind: PermissionType, granted: impl IntoIterator<Item = &'a str>) -> bool {
        self.for_type(kind)
            .is_some_and(|scopes| granted.into_iter().any(|permission| scopes.contains(permission)))
    }
}

/// Microsoft's tenant of personal accounts: a delegated token from it is a
/// personal Microsoft account's.
const PERSONAL_ACCOUNTS_TENANT: &str = "9188040d-6c67-4c5b-b112-36a304b66dad";

/// The permissions an access token carries, read from its claims.
///
/// **The token is not verified**: its signature, issuer, audience and expiry
/// are not checked, and cannot be by a client (Graph tokens are meant for
/// Graph alone). Use this to tell a user early which permission is missing,
/// never to decide what anyone may do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenPermissions {
    /// Delegated (work or school, or personal account) or application.
    pub kind: PermissionType,
    /// The delegated scopes (`scp`) or the application roles (`roles`).
    pub permissions: Vec<String>,
    /// The tenant the token was issued in (`tid`).
    pub tenant_id: Option<String>,
}

/// Why a token's permissions could not be read. It never contains the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadableToken(&'static str);

impl std::fmt::Display for UnreadableToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot read the access token's permissions: {}", self.0)
    }
}

impl std::error::Error for UnreadableToken {}

impl TokenPermissions {
    /// Reads the `scp`, `roles` and `tid` claims of a JWT access token,
    /// without verifying it (see the type's documentation).
    pub fn from_access_token(token: &str) -> Result<Self, UnreadableToken> {
        let mut parts = token.split('.');
        let payload = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(_), Some(payload), Some(_), None) => payload,
            _ => return Err(UnreadableToken("it is not a JWT (three dot-separated parts)")),
        };
        let payload =
            super::bytes::Base64Bytes::decode(payload).ok_or(UnreadableToken("its payload is not base64url"))?;
        let claims: serde_json::Value =
            serde_json::from_slice(&payload.0).map_err(|_| UnreadableToken("its payload is not JSON"))?;
        let tenant_id = claims.get("tid").and_then(|tid| tid.as_str()).map(str::to_owned);
        if let Some(scopes) = claims.get("scp") {
            let scopes = scopes
                .as_str()
                .ok_or(UnreadableToken("its scp claim is not a string"))?;
            let kind = if tenant_id.as_deref() == Some(PERSONAL_ACCOUNTS_TENANT) {
                PermissionType::DelegatedPersonal
            } else {
                PermissionType::DelegatedWork
            };
            return Ok(Self {
                kind,
                permissions: scopes.split_whitespace().map(str::to_owned).collect(),
                tenant_id,
            });
        }
        let roles = claims
            .get("roles")
            .and_then(|roles| roles.as_array())
            .ok_or(UnreadableToken("it has neither an scp nor a roles claim"))?;
        Ok(Self {
            kind: PermissionType::Application,
            permissions: roles
                .iter()
                .filter_map(|role| role.as_str().map(str::to_owned))
                .collect(),
            tenant_id,
        })
    }
}

/// Whether a token's permissions allow an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Preflight {
    /// The token carries `permission`, which allows the operation.
    Allowed {
        /// The first permission of the token that allows the operation.
        permission: String,
    },
    /// The token carries none of the operation's permissions of its type.
    Missing {
        /// The token's permission type.
        kind: PermissionType,
        /// The least privileged permissions to ask for.
        least: &'static [&'static str],
    },
    /// The operation cannot be called with this permission type at all.
    NotSupported {
        /// The token's permission type.
        kind: PermissionType,
    },
}

impl OperationPermissions {
    /// Checks a token's permissions before calling. Delegated calls on
    /// another user may also need an Entra role, which tokens do not show:
    /// see [`OperationPermissions::roles_for_other_users`].
    pub fn check(&self, token: &TokenPermissions) -> Preflight {
        let Some(scopes) = self.for_type(token.kind) else {
            return Preflight::NotSupported { kind: token.kind };
        };
        match token.permissions.iter().find(|permission| scopes.contains(permission)) {
            Some(permission) => Preflight::Allowed {
                permission: permission.clone(),
            },
            None => Preflight::Missing {
                kind: token.kind,
                least: scopes.least,
            },
        }
    }
}
