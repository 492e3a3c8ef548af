//! The one error type. Each variant is an outcome a person can understand; the web layer
//! renders it as a page (and logs the cause of an unexpected one), so internal text never
//! reaches a user. Use cases, jobs and handlers all return it.

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A link that existed but is no longer valid (expired or used).
    #[error("gone")]
    Gone {
        title: crate::i18n::Text,
        message: crate::i18n::Text,
    },
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The request's CSRF token or origin did not match.
    #[error("csrf check failed")]
    Csrf,
    #[error("too many requests")]
    TooManyRequests { retry_after: i64 },
    #[error("payload too large")]
    PayloadTooLarge,
    /// Busy (e.g. all password-hashing slots taken); try again shortly.
    #[error("busy")]
    Busy,
    /// The visitor must log in first; `next` is where to return.
    #[error("login required")]
    LoginRequired { next: String },
    /// This change needs the person to prove it is them again (password or app code).
    #[error("confirmation required")]
    ConfirmRequired { next: String },
    /// The agency requires two-factor sign-in and this person has not set it up yet.
    #[error("two-factor sign-in required")]
    SecondFactorRequired,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// The result of a use case or handler.
pub type AppResult<T> = Result<T, AppError>;

/// One broken rule of a form or an API body: the field it is about and what to do, in the
/// form's words. Pages show it beside its field; the API lists it in a problem's `errors`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }

    /// The message for `field` among `errors`, if any (for the page beside that field).
    pub fn for_field<'a>(errors: &'a [FieldError], field: &str) -> Option<&'a str> {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

impl std::fmt::Display for FieldError {
    /// The message alone: what a page's error list shows.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
