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

    /// Whether user-based grants are now on the clock.
    pub fn starts_clock(self) -> bool {
        matches!(self, Self::Migrating | Self::Migrated)
    }
}

/// The re-authorisation deadline for a move on `day` with `grace_days`.
pub fn due_at(day: i64, grace_days: i64) -> i64 {
    day + grace_days.clamp(0, 365) * 86_400
}

/// Which deadline reminder is due at `now` for a deadline `due`.
pub fn reminder_stage(due: i64, now: i64) -> Option<&'static str> {
    let left = due - now;
    if left < 0 {
        Some("overdue")
    } else if left <= 86_400 {
        Some("1d")
    } else if left <= 7 * 86_400 {
        Some("7d")
    } else {
        None
    }
}

/// Stages in order, to send each at most once.
pub fn stage_rank(stage: &str) -> u8 {
    match stage {
        "7d" => 1,
        "1d" => 2,
        "overdue" => 3,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_and_stages() {
        assert_eq!(due_at(1_000_000, 30), 1_000_000 + 30 * 86_400);
        assert!(MigrationStatus::Migrated.starts_clock());
        assert!(!MigrationStatus::Planned.starts_clock());
        assert_eq!(reminder_stage(100 * 86_400, 90 * 86_400), None);
        assert_eq!(reminder_stage(100 * 86_400, 94 * 86_400), Some("7d"));
        assert_eq!(reminder_stage(100 * 86_400, 99 * 86_400 + 10), Some("1d"));
        assert_eq!(
            reminder_stage(100 * 86_400, 100 * 86_400 + 1),
            Some("overdue")
        );
        assert!(stage_rank("overdue") > stage_rank("1d"));
    }
}
