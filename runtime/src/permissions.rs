//! The permissions an operation needs, as data a caller can check a token against.

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
