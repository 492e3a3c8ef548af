//! Staff roles.

use std::fmt;

/// What a staff user may do. Owners and admins manage the team and settings; members do the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Owner,
    Admin,
    Member,
}

impl TryFrom<String> for Role {
    type Error = super::UnknownValue;

    fn try_from(s: String) -> Result<Self, super::UnknownValue> {
        Self::parse(&s).ok_or(super::UnknownValue("role", s))
    }
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Owner, Role::Admin, Role::Member];

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "owner" => Some(Self::Owner),
            "admin" => Some(Self::Admin),
            "member" => Some(Self::Member),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Member => "Member",
        }
    }

    /// May manage the team and the agency's settings.
    pub fn can_manage(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }

    /// The lesser of two roles: what someone holding both may do.
    pub fn at_most(self, other: Role) -> Role {
        let rank = |r: Role| match r {
            Self::Owner => 2,
            Self::Admin => 1,
            Self::Member => 0,
        };
        if rank(other) < rank(self) {
            other
        } else {
            self
        }
    }

    /// Only owners may create or change owners.
    pub fn may_assign(self, target: Role) -> bool {
        match self {
            Self::Owner => true,
            Self::Admin => target != Self::Owner,
            Self::Member => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_rights() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert!(!Role::Member.can_manage());
        assert!(!Role::Admin.may_assign(Role::Owner));
        assert!(Role::Owner.may_assign(Role::Owner));
        assert_eq!(Role::parse("root"), None);
    }
}
