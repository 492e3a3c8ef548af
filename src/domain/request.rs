//! Where an access request stands, as the agency sees it.

/// A request's status, derived from its timestamps and outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestStatus {
    Created,
    Emailed,
    Opened,
    Completed,
    PartiallyCompleted,
    Expired,
    Revoked,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 7] = [
        Self::Created,
        Self::Emailed,
        Self::Opened,
        Self::Completed,
        Self::PartiallyCompleted,
        Self::Expired,
        Self::Revoked,
    ];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Emailed => "emailed",
            Self::Opened => "opened",
            Self::Completed => "completed",
            Self::PartiallyCompleted => "partially_completed",
            Self::Expired => "expired",
            Self::Revoked => "revoked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Created => "Created",
            Self::Emailed => "E-mailed",
            Self::Opened => "Opened",
            Self::Completed => "Completed",
            Self::PartiallyCompleted => "Partially completed",
            Self::Expired => "Expired",
            Self::Revoked => "Revoked",
        }
    }

    /// The client can still use the link (and be reminded of it).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Created | Self::Emailed | Self::Opened)
    }
}

#[cfg(test)]
mod tests {
    use super::RequestStatus;

    #[test]
    fn statuses_round_trip() {
        for s in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(s.as_str()), Some(s));
        }
        assert!(RequestStatus::Opened.is_open() && !RequestStatus::Expired.is_open());
    }
}
