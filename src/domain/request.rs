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
    /// The client said no (not for them, or not now).
    Declined,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 8] = [
        Self::Created,
        Self::Emailed,
        Self::Opened,
        Self::Completed,
        Self::PartiallyCompleted,
        Self::Expired,
        Self::Revoked,
        Self::Declined,
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
            Self::Declined => "declined",
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
            Self::Declined => "Declined by the client",
        }
    }

    /// The client can still use the link (and be reminded of it).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Created | Self::Emailed | Self::Opened)
    }
}

/// Why a client declined a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclineReason {
    NotForMe,
    NotNow,
    Other,
}

impl DeclineReason {
    pub const ALL: [DeclineReason; 3] = [Self::NotForMe, Self::NotNow, Self::Other];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotForMe => "not_for_me",
            Self::NotNow => "not_now",
            Self::Other => "other",
        }
    }

    /// The client's words.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotForMe => "This isn't for me",
            Self::NotNow => "Not now",
            Self::Other => "Something else",
        }
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
        assert!(!RequestStatus::Declined.is_open());
        assert_eq!(
            super::DeclineReason::parse("not_now"),
            Some(super::DeclineReason::NotNow)
        );
        assert_eq!(super::DeclineReason::parse("nope"), None);
    }
}

/// Why a link no longer takes an answer: each is said to its holder in their language,
/// on the agency's branded page, never as a bare "not found".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// The client said no.
    Declined,
    /// Past its expiry.
    Expired,
    /// A single-use link that did its job.
    Used,
    /// A reminder or a fresh link took its place.
    Replaced,
    /// The agency withdrew it.
    Revoked,
}

impl Closed {
    /// The stem of its message ids (`gone-<stem>-title`, `gone-<stem>-body`).
    pub fn message_stem(self) -> &'static str {
        match self {
            Closed::Declined => "gone-declined",
            Closed::Expired => "gone-expired",
            Closed::Used => "gone-used",
            Closed::Replaced => "gone-replaced",
            Closed::Revoked => "gone-revoked",
        }
    }
}

/// What happened to a request, as its timeline records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestEvent {
    Created,
    Emailed,
    Opened,
    /// The client signed in with Facebook (stored as `login`).
    SignedIn,
    /// The client chose their assets; the shares are under way.
    Approving,
    Approved,
    ApprovalFailed,
    Reminded,
    Regenerated,
    Revoked,
    Declined,
    /// The client's word on their move to managed accounts.
    Statement,
}

impl RequestEvent {
    pub const ALL: [RequestEvent; 12] = [
        Self::Created,
        Self::Emailed,
        Self::Opened,
        Self::SignedIn,
        Self::Approving,
        Self::Approved,
        Self::ApprovalFailed,
        Self::Reminded,
        Self::Regenerated,
        Self::Revoked,
        Self::Declined,
        Self::Statement,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Emailed => "emailed",
            Self::Opened => "opened",
            Self::SignedIn => "login",
            Self::Approving => "approving",
            Self::Approved => "approved",
            Self::ApprovalFailed => "approval_failed",
            Self::Reminded => "reminded",
            Self::Regenerated => "regenerated",
            Self::Revoked => "revoked",
            Self::Declined => "declined",
            Self::Statement => "statement",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// What staff read on the timeline.
    pub fn label(self) -> &'static str {
        match self {
            Self::Created => "Created",
            Self::Emailed => "E-mailed",
            Self::Opened => "Opened by the client",
            Self::SignedIn => "Client signed in with Facebook",
            Self::Approving => "Client chose assets",
            Self::Approved => "Approved",
            Self::ApprovalFailed => "Approval failed",
            Self::Reminded => "Reminder sent",
            Self::Regenerated => "New link made",
            Self::Revoked => "Revoked",
            Self::Declined => "Declined by the client",
            Self::Statement => "Client's word on the migration",
        }
    }
}
