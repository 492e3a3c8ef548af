//! A grant's status and how it changes: one function says what each event does to it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::UnknownValue;

/// Where a grant stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantStatus {
    /// Shared, waiting for someone at Meta's side to accept (Instagram, partner requests).
    Pending,
    /// Shared and working.
    Active,
    /// The share did not happen.
    Failed,
    /// User-based access that will stop at the client's migration deadline.
    NeedsReauth,
    /// Flagged, and the deadline passed without a fix: presumed lost.
    Lapsed,
    /// Meta no longer lists it.
    Lost,
    /// Removed on purpose (offboarding).
    Revoked,
    /// A user grant covered by a partner grant on the same asset.
    Replaced,
}

/// Something that happens to a grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantChange {
    /// Meta lists it (`pending`: not yet accepted).
    Seen { pending: bool },
    /// Meta no longer lists it.
    Missing,
    /// The agency removed it (offboarding).
    Removed,
    /// The client's organisation migrates: user-based access must be re-authorised.
    Flagged,
    /// The migration was cleared.
    Unflagged,
    /// The deadline passed while still flagged.
    DeadlinePassed,
    /// A partner grant on the same asset covers it.
    Covered,
}

impl GrantStatus {
    pub const ALL: [GrantStatus; 8] = [
        Self::Active,
        Self::Pending,
        Self::Failed,
        Self::NeedsReauth,
        Self::Lapsed,
        Self::Lost,
        Self::Revoked,
        Self::Replaced,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Failed => "failed",
            Self::NeedsReauth => "needs_reauth",
            Self::Lapsed => "lapsed",
            Self::Lost => "lost",
            Self::Revoked => "revoked",
            Self::Replaced => "replaced",
        }
    }

    /// What people read: "Needs re-authorisation", "Replaced by partner access".
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting for confirmation",
            Self::Active => "Active",
            Self::Failed => "Failed",
            Self::NeedsReauth => "Needs re-authorisation",
            Self::Lapsed => "Lapsed (presumed lost)",
            Self::Lost => "Lost",
            Self::Revoked => "Removed",
            Self::Replaced => "Replaced by partner access",
        }
    }

    /// Access the agency holds or is about to (counted, offboarded, flagged).
    pub fn is_live(self) -> bool {
        matches!(self, Self::Active | Self::Pending | Self::NeedsReauth)
    }

    /// The status after `change`, or None when the change does not apply to this status
    /// (the grant keeps its status).
    pub fn after(self, change: GrantChange) -> Option<Self> {
        use GrantChange::*;
        let next = match (self, change) {
            (_, Seen { pending: true }) => Self::Pending,
            // Meta listing a flagged grant does not unflag it: the deadline still stands.
            (Self::NeedsReauth, Seen { .. }) => return None,
            (_, Seen { pending: false }) => Self::Active,
            (Self::Lost | Self::Revoked | Self::Failed | Self::Replaced, Missing) => return None,
            (_, Missing) => Self::Lost,
            (s, Removed) if s.is_live() => Self::Revoked,
            (s, Flagged | Covered) if s.is_live() => {
                if change == Flagged {
                    Self::NeedsReauth
                } else {
                    Self::Replaced
                }
            }
            (Self::NeedsReauth | Self::Lapsed, Unflagged) => Self::Active,
            (Self::NeedsReauth, DeadlinePassed) => Self::Lapsed,
            _ => return None,
        };
        Some(next)
    }
}

impl fmt::Display for GrantStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl TryFrom<String> for GrantStatus {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, UnknownValue> {
        Self::parse(&s).ok_or(UnknownValue("grant status", s))
    }
}

/// How one approval's shares came out, counted one way on every page, in every e-mail and
/// in the request's timeline: granted (working), waiting (shared, to be accepted at Meta by
/// the agency) and failed. Other statuses are not an approval's outcome and are not counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub granted: usize,
    pub waiting: usize,
    pub failed: usize,
}

impl Tally {
    pub fn of(statuses: impl IntoIterator<Item = GrantStatus>) -> Self {
        let mut t = Self::default();
        for s in statuses {
            match s {
                GrantStatus::Active => t.granted += 1,
                GrantStatus::Pending => t.waiting += 1,
                GrantStatus::Failed => t.failed += 1,
                _ => {}
            }
        }
        t
    }

    pub fn total(self) -> usize {
        self.granted + self.waiting + self.failed
    }

    /// Shared at Meta, working or waiting to be accepted.
    pub fn shared(self) -> usize {
        self.granted + self.waiting
    }

    /// "2 of 3 granted, 1 waiting for your agency to accept" — staff's words.
    pub fn summary(self) -> String {
        let mut s = format!("{} of {} granted", self.granted, self.total());
        if self.waiting > 0 {
            s.push_str(&format!(
                ", {} waiting for your agency to accept",
                self.waiting
            ));
        }
        if self.failed > 0 {
            s.push_str(&format!(", {} failed", self.failed));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::GrantChange::*;
    use super::GrantStatus::*;
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in GrantStatus::ALL {
            assert_eq!(GrantStatus::parse(s.as_str()), Some(s));
        }
        assert!(GrantStatus::try_from("granted".to_owned()).is_err());
    }

    #[test]
    fn changes_follow_the_rules() {
        assert_eq!(Active.after(Flagged), Some(NeedsReauth));
        assert_eq!(NeedsReauth.after(Unflagged), Some(Active));
        assert_eq!(NeedsReauth.after(DeadlinePassed), Some(Lapsed));
        assert_eq!(Active.after(DeadlinePassed), None);
        assert_eq!(Lapsed.after(Unflagged), Some(Active));
        assert_eq!(Active.after(Unflagged), None);
        assert_eq!(NeedsReauth.after(Covered), Some(Replaced));
        assert_eq!(Lost.after(Flagged), None, "lost access is not flagged");
        assert_eq!(Active.after(Missing), Some(Lost));
        assert_eq!(Lost.after(Missing), None);
        assert_eq!(Lost.after(Seen { pending: false }), Some(Active));
        assert_eq!(Active.after(Seen { pending: true }), Some(Pending));
        assert_eq!(NeedsReauth.after(Seen { pending: false }), None);
        assert_eq!(Pending.after(Removed), Some(Revoked));
        assert_eq!(Failed.after(Removed), None);
    }

    #[test]
    fn an_approval_is_counted_one_way() {
        use GrantStatus::*;
        let t = Tally::of([Active, Active, Pending, Failed, Revoked]);
        assert_eq!(
            t,
            Tally {
                granted: 2,
                waiting: 1,
                failed: 1
            }
        );
        assert_eq!((t.total(), t.shared()), (4, 3));
        assert_eq!(
            t.summary(),
            "2 of 4 granted, 1 waiting for your agency to accept, 1 failed"
        );
        assert_eq!(Tally::of([Active]).summary(), "1 of 1 granted");
    }
}
