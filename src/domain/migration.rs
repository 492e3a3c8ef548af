//! The migration rule (DESIGN.md §1): when a client's organisation moves to managed Meta
//! accounts on day D, every user-based grant needs re-authorisation by D + grace days;
//! partner grants are untouched.

/// What the agency knows about a client's move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MigrationStatus {
    NotStarted,
    /// Announced (the organisation invited its people to managed accounts) but not begun.
    Planned,
    Migrating,
    Migrated,
}

impl TryFrom<String> for MigrationStatus {
    type Error = super::UnknownValue;

    fn try_from(s: String) -> Result<Self, super::UnknownValue> {
        Self::parse(&s).ok_or(super::UnknownValue("migration status", s))
    }
}

impl MigrationStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "not_started" => Some(Self::NotStarted),
            "planned" => Some(Self::Planned),
            "migrating" => Some(Self::Migrating),
            "migrated" => Some(Self::Migrated),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Planned => "planned",
            Self::Migrating => "migrating",
            Self::Migrated => "migrated",
        }
    }

    /// "Migrating since 1 December 2026", for the agency's record (`when`: the formatted
    /// day, or empty).
    pub fn describe(self, when: &str) -> String {
        match (self, when.is_empty()) {
            (Self::Planned, true) => "Planned".to_owned(),
            (Self::Planned, false) => format!("Planned for {when}"),
            (Self::Migrating, _) => format!("Migrating since {when}"),
            (Self::Migrated, _) => format!("Migrated on {when}"),
            (Self::NotStarted, _) => "Not started".to_owned(),
        }
    }

    /// Whether user-based grants are now on the clock.
    pub fn starts_clock(self) -> bool {
        matches!(self, Self::Migrating | Self::Migrated)
    }
}

/// The re-authorisation deadline for a move on `day` with `grace_days`.
pub fn due_at(day: i64, grace_days: i64) -> i64 {
    day + grace_days.clamp(0, 365) * 86_400
}

/// Decodes a "latest stage sent" column: `""` is none yet, a known stage is `Some`, any
/// other value is an error (never a guess).
fn decode_stage<T: Copy>(
    s: &str,
    all: &[T],
    as_str: fn(T) -> &'static str,
    what: &'static str,
) -> Result<Option<T>, super::UnknownValue> {
    if s.is_empty() {
        return Ok(None);
    }
    all.iter()
        .copied()
        .find(|k| as_str(*k) == s)
        .map(Some)
        .ok_or_else(|| super::UnknownValue(what, s.to_owned()))
}

/// Which deadline reminder: 7 days before, 1 day before, overdue; in the order sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReminderStage {
    SevenDays,
    OneDay,
    Overdue,
}

impl ReminderStage {
    pub const ALL: [ReminderStage; 3] = [Self::SevenDays, Self::OneDay, Self::Overdue];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SevenDays => "7d",
            Self::OneDay => "1d",
            Self::Overdue => "overdue",
        }
    }

    /// The stored value; `""` is "none sent yet" (None). Anything else is an error.
    pub fn decode(s: &str) -> Result<Option<Self>, super::UnknownValue> {
        decode_stage(s, &Self::ALL, Self::as_str, "reminder stage")
    }

    /// Which reminder is due at `now` for a deadline `due`.
    pub fn due(due: i64, now: i64) -> Option<Self> {
        let left = due - now;
        if left < 0 {
            Some(Self::Overdue)
        } else if left <= 86_400 {
            Some(Self::OneDay)
        } else if left <= 7 * 86_400 {
            Some(Self::SevenDays)
        } else {
            None
        }
    }
}

/// A warning about the agency's own Meta connection, in the order they are sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConnectionWarning {
    /// The token expires within 14 days.
    FourteenDays,
    /// … within 3 days.
    ThreeDays,
    /// It expired, or Meta refused it (code 190).
    Lost,
}

impl ConnectionWarning {
    pub const ALL: [ConnectionWarning; 3] = [Self::FourteenDays, Self::ThreeDays, Self::Lost];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::FourteenDays => "14d",
            Self::ThreeDays => "3d",
            Self::Lost => "lost",
        }
    }

    /// The stored value; `""` is "none sent" (None). Anything else is an error.
    pub fn decode(s: &str) -> Result<Option<Self>, super::UnknownValue> {
        decode_stage(s, &Self::ALL, Self::as_str, "connection warning")
    }

    /// Which warning is due at `now` for a token expiring at `expires_at` (0: never).
    pub fn due(expires_at: i64, now: i64) -> Option<Self> {
        let left = expires_at - now;
        match expires_at {
            0 => None,
            _ if left <= 0 => Some(Self::Lost),
            _ if left <= 3 * 86_400 => Some(Self::ThreeDays),
            _ if left <= 14 * 86_400 => Some(Self::FourteenDays),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_warnings_come_in_order() {
        use ConnectionWarning::*;
        let day = 86_400;
        assert_eq!(ConnectionWarning::due(0, 5), None, "never expires");
        assert_eq!(ConnectionWarning::due(100 * day, 80 * day), None);
        assert_eq!(
            ConnectionWarning::due(100 * day, 87 * day),
            Some(FourteenDays)
        );
        assert_eq!(ConnectionWarning::due(100 * day, 98 * day), Some(ThreeDays));
        assert_eq!(ConnectionWarning::due(100 * day, 100 * day), Some(Lost));
        assert!(Lost > ThreeDays && ThreeDays > FourteenDays);
        assert!(ConnectionWarning::decode("1d").is_err());
    }

    #[test]
    fn rule_and_stages() {
        assert_eq!(due_at(1_000_000, 30), 1_000_000 + 30 * 86_400);
        assert!(MigrationStatus::Migrated.starts_clock());
        assert!(!MigrationStatus::Planned.starts_clock());
        use ReminderStage::*;
        assert_eq!(ReminderStage::due(100 * 86_400, 90 * 86_400), None);
        assert_eq!(
            ReminderStage::due(100 * 86_400, 94 * 86_400),
            Some(SevenDays)
        );
        assert_eq!(
            ReminderStage::due(100 * 86_400, 99 * 86_400 + 10),
            Some(OneDay)
        );
        assert_eq!(
            ReminderStage::due(100 * 86_400, 100 * 86_400 + 1),
            Some(Overdue)
        );
        assert!(Overdue > OneDay && OneDay > SevenDays);
        assert_eq!(ReminderStage::decode(""), Ok(None));
        assert_eq!(ReminderStage::decode("1d"), Ok(Some(OneDay)));
        assert!(ReminderStage::decode("2d").is_err());
    }
}
