//! The managed-accounts rule (META_GRAPH.md, "Managed Meta accounts"). When a client's
//! organisation moves to managed Meta accounts, people must have activated their work
//! accounts by **the deadline the organisation sets**; people outside it (an agency's staff
//! added to the client's portfolio) lose access then, so user-based grants are due at that
//! deadline. Meta's 30-day grace period is for *integrations* (anything authorised through a
//! person's own login), counted from the day the person activated. Partner grants are not
//! affected. When the organisation's deadline is unknown, the due date is an estimate and is
//! always shown as one.

/// Meta's grace period for reconnecting integrations after a person activates.
pub const INTEGRATION_GRACE_DAYS: i64 = 30;
const DAY: i64 = 86_400;

/// Where the client's organisation is in its move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MigrationStatus {
    NotStarted,
    /// The organisation invited its people to managed accounts.
    Invited,
    /// Preparing: work accounts are being created (by hand or from an identity provider).
    Preparing,
    /// People are activating their work accounts.
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
    pub const ALL: [MigrationStatus; 5] = [
        Self::NotStarted,
        Self::Invited,
        Self::Preparing,
        Self::Migrating,
        Self::Migrated,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotStarted => "not_started",
            Self::Invited => "invited",
            Self::Preparing => "preparing",
            Self::Migrating => "migrating",
            Self::Migrated => "migrated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotStarted => "Not started",
            Self::Invited => "Invited",
            Self::Preparing => "Preparing",
            Self::Migrating => "Migrating",
            Self::Migrated => "Migrated",
        }
    }

    /// "Migrating since 1 December 2026", for the agency's record (`when`: the formatted
    /// day, or empty).
    pub fn describe(self, when: &str) -> String {
        match (self, when.is_empty()) {
            (Self::NotStarted, _) => "Not started".to_owned(),
            (s, true) => s.label().to_owned(),
            (Self::Invited, false) => format!("Invited on {when}"),
            (Self::Preparing, false) => format!("Preparing since {when}"),
            (Self::Migrating, false) => format!("Migrating since {when}"),
            (Self::Migrated, false) => format!("Migrated on {when}"),
        }
    }

    /// Whether the organisation has started: user-based access is at risk.
    pub fn at_risk(self) -> bool {
        self != Self::NotStarted
    }

    /// Whether people are moving already, so the record needs the day it began.
    pub fn needs_day(self) -> bool {
        matches!(self, Self::Migrating | Self::Migrated)
    }
}

/// Who a fact in the migration record comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordSource {
    /// Staff's own knowledge.
    Staff,
    /// What the client told staff (copied by staff: a client never edits the record).
    Client,
    /// A signal read from Meta during an approval, accepted by staff.
    Meta,
}

impl TryFrom<String> for RecordSource {
    type Error = super::UnknownValue;

    fn try_from(s: String) -> Result<Self, super::UnknownValue> {
        Self::parse(&s).ok_or(super::UnknownValue("record source", s))
    }
}

impl RecordSource {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "staff" => Some(Self::Staff),
            "client" => Some(Self::Client),
            "meta" => Some(Self::Meta),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Client => "client",
            Self::Meta => "meta",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Staff => "staff",
            Self::Client => "the client, as told to staff",
            Self::Meta => "a signal from Meta, accepted by staff",
        }
    }
}

/// How a due date was arrived at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueBasis {
    /// The organisation's own deadline for people.
    Organisation,
    /// Unknown deadline: 30 days after people activated (Meta's integration grace).
    EstimateFromActivation,
    /// Unknown deadline and activation: 30 days after the move began.
    EstimateFromMove,
}

impl DueBasis {
    /// The API's name for it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organisation => "organisation",
            Self::EstimateFromActivation => "estimate_from_activation",
            Self::EstimateFromMove => "estimate_from_move",
        }
    }

    pub fn is_estimate(self) -> bool {
        self != Self::Organisation
    }

    /// What the due date rests on, in plain words.
    pub fn explain(self) -> &'static str {
        match self {
            Self::Organisation => "the deadline the client's organisation set for people",
            Self::EstimateFromActivation => {
                "an estimate: 30 days after people activated their managed accounts (Meta's grace for integrations). Ask the client for the deadline their organisation set for people."
            }
            Self::EstimateFromMove => {
                "an estimate: 30 days after the move began. Ask the client for the deadline their organisation set for people to activate managed accounts."
            }
        }
    }
}

/// What the agency knows about a client's move. Only staff change it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MigrationRecord {
    pub status: MigrationStatus,
    /// The day the current status began.
    pub day: Option<i64>,
    /// The organisation's deadline for people to activate managed accounts.
    pub people_deadline: Option<i64>,
    /// The day people activated (starts Meta's 30-day grace for integrations).
    pub activated_on: Option<i64>,
}

impl MigrationRecord {
    /// When user-based grants of people are due, and on what basis; None when nothing is
    /// at risk or no date is known yet.
    pub fn people_due(&self) -> Option<(i64, DueBasis)> {
        if !self.status.at_risk() {
            return None;
        }
        if let Some(d) = self.people_deadline {
            return Some((d, DueBasis::Organisation));
        }
        if let Some(a) = self.activated_on {
            return Some((
                a + INTEGRATION_GRACE_DAYS * DAY,
                DueBasis::EstimateFromActivation,
            ));
        }
        self.day
            .filter(|_| self.status.needs_day())
            .map(|d| (d + INTEGRATION_GRACE_DAYS * DAY, DueBasis::EstimateFromMove))
    }

    /// When integrations (anything authorised through a person's own login) stop: 30 days
    /// after activation.
    pub fn integrations_due(&self) -> Option<i64> {
        self.activated_on.map(|a| a + INTEGRATION_GRACE_DAYS * DAY)
    }
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
    fn people_are_due_at_the_organisation_s_deadline_and_estimates_say_so() {
        let day = 86_400;
        let mut r = MigrationRecord {
            status: MigrationStatus::NotStarted,
            day: Some(10 * day),
            people_deadline: Some(60 * day),
            activated_on: Some(20 * day),
        };
        assert_eq!(r.people_due(), None, "nothing at risk before the move");
        r.status = MigrationStatus::Invited;
        assert_eq!(r.people_due(), Some((60 * day, DueBasis::Organisation)));
        assert_eq!(r.integrations_due(), Some(50 * day));
        r.people_deadline = None;
        assert_eq!(
            r.people_due(),
            Some((50 * day, DueBasis::EstimateFromActivation))
        );
        r.activated_on = None;
        assert_eq!(
            r.people_due(),
            None,
            "invited, no date: nothing to estimate from"
        );
        r.status = MigrationStatus::Migrating;
        let (due, basis) = r.people_due().unwrap();
        assert_eq!(due, 40 * day);
        assert!(basis.is_estimate() && basis.explain().contains("Ask the client"));
    }

    #[test]
    fn rule_and_stages() {
        assert!(MigrationStatus::Invited.at_risk() && !MigrationStatus::NotStarted.at_risk());
        assert_eq!(MigrationStatus::parse("planned"), None);
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
