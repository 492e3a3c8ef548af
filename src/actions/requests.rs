//! Access requests: create and send a link, regenerate, revoke, and the list. Reminders are
//! `reminders`. The re-authorisation link (`actions::migration`) issues its request through
//! the same `issue`.

use super::platforms::Platforms;
use super::{Actor, Ctx, audit, webhooks};
use crate::domain::access::{self, AccessLevel, Ask, AssetKind, GrantMode};
use crate::domain::request::RequestEvent;
use crate::domain::token::LINK_PREFIX;
use crate::domain::webhook::EventType;
use crate::domain::{BoundedText, Platform, SecretToken};
use crate::error::{AppError, AppResult, FieldError};
use crate::i18n::{Lang, Text, Tr};
use crate::mail::templates;
// The read models this module returns, for the web layer to name.
pub use crate::store::links::LinkView;
/// One line of a request's timeline, as stored (its kind parsed by the reader).
pub use crate::store::requests::RequestEvent as TimelineRow;
pub use crate::store::requests::{AccessRequest, RequestQuery};
use crate::store::{Tx, agencies, clients, requests, users};

/// Longest message to the client.
pub const MAX_MESSAGE: usize = 1000;

/// A fresh link token and its display prefix.
pub(super) fn new_token() -> (SecretToken, String) {
    let token = SecretToken::generate(LINK_PREFIX);
    let prefix = format!("{}…", &token.expose()[..8]);
    (token, prefix)
}

/// The request form as typed by staff (strings where the form may be wrong, so it can be
/// shown again with its errors).
#[derive(Debug, Default, Clone)]
pub struct Draft {
    pub client_id: Option<i64>,
    /// (kind, level) as ticked.
    pub kinds: Vec<(String, String)>,
    pub mode: String,
    pub people: Vec<String>,
    pub expiry_days: String,
    pub single_use: bool,
    pub message: String,
    /// "email" or "link".
    pub delivery: String,
    /// The client's language, as a code; empty: their browser decides.
    pub language: String,
}

/// A link that was issued: shown to staff this once.
#[derive(Debug)]
pub struct Issued {
    pub id: i64,
    pub client_name: String,
    pub link: String,
    pub emailed_to: Option<String>,
    pub expires_at: i64,
}

/// What a new request is made of, once valid.
pub(crate) struct Spec<'a> {
    pub client: &'a clients::Client,
    pub mode: GrantMode,
    pub asks: &'a [Ask],
    pub people: &'a [String],
    pub message: &'a str,
    pub single_use: bool,
    pub expires_at: i64,
    /// Asset ids a re-authorisation request is limited to.
    pub scope: &'a [&'a str],
    pub purpose: &'a str,
    /// The lines the e-mail lists (None: show the link only, no e-mail).
    pub email_lines: Option<Vec<Text>>,
    /// The language the agency chose for the client (None: their browser decides).
    pub language: Option<Lang>,
    /// The timeline's "created" detail and the audit action.
    pub created_detail: String,
    pub action: &'static str,
}

/// E-mails a new link to the client, on behalf of the agency and with the sender's
/// Reply-To, and notes it on the request. Returns the address it went to.
// The request's parts as `issue` holds them.
#[allow(clippy::too_many_arguments)]
async fn email_link(
    ctx: &Ctx,
    tx: &mut Tx,
    actor: &Actor,
    agency: &agencies::Agency,
    spec: &Spec<'_>,
    id: i64,
    lines: &[Text],
    link: &str,
    now: i64,
) -> AppResult<String> {
    let client = spec.client;
    let ask = templates::AccessAsk {
        client_name: client.name.clone(),
        // A person speaks for themselves; a key that named nobody speaks as the agency.
        sender_name: actor.user_id.map(|_| actor.name.clone()),
        asks: lines.to_vec(),
        message: (!spec.message.is_empty()).then(|| spec.message.to_owned()),
        link: link.to_owned(),
        expires_at: spec.expires_at,
        reauth: spec.purpose == "reauth",
    };
    let brand = templates::Brand::from(agency);
    let reply_to = sender_address(&mut **tx, agency.id, actor.user_id).await?;
    let tr = Tr::new(spec.language.or(client.lang()).unwrap_or_default());
    let email = templates::access_link(tr, &brand, &client.contact_email, &ask)?
        .on_behalf_of(&brand.agency_name, reply_to);
    ctx.queue_mail(tx, Some(agency.id), &email, now).await?;
    requests::mark_emailed(&mut **tx, id, now).await?;
    let to = format!("to {}", client.contact_email);
    requests::add_event(&mut **tx, id, RequestEvent::Emailed, &to, now).await?;
    Ok(client.contact_email.clone())
}

/// Inserts a request and its events, e-mails the link when asked, and audits: the one way
/// a link comes into being. Runs in the caller's transaction.
pub(crate) async fn issue(
    ctx: &Ctx,
    tx: &mut Tx,
    actor: &Actor,
    agency: &agencies::Agency,
    spec: Spec<'_>,
    now: i64,
) -> AppResult<Issued> {
    let (token, prefix) = new_token();
    let id = requests::insert(
        &mut **tx,
        &requests::NewRequest {
            agency_id: agency.id,
            client_id: spec.client.id,
            token_hash: &token.hash(),
            token_prefix: &prefix,
            mode: spec.mode,
            asks: &Ask::encode(spec.asks),
            platforms: &Platform::encode(&Platform::of_kinds(spec.asks.iter().map(|a| a.kind))),
            user_people: &spec.people.join(","),
            message: spec.message,
            single_use: spec.single_use,
            expires_at: spec.expires_at,
            created_by: actor.user_id,
            scope_assets: &spec.scope.join(","),
            purpose: spec.purpose,
            language: spec.language,
        },
        now,
    )
    .await?;
    if spec.language.is_some() {
        clients::set_language(&mut **tx, spec.client.id, spec.language).await?;
    }
    requests::add_event(
        &mut **tx,
        id,
        RequestEvent::Created,
        &spec.created_detail,
        now,
    )
    .await?;
    let data = serde_json::json!({
        "request_id": id, "client_id": spec.client.id, "purpose": spec.purpose,
        "mode": spec.mode.as_str(),
    });
    webhooks::emit(tx, agency.id, EventType::RequestCreated, data, now).await?;
    let link = ctx.link_url(&token);
    let emailed_to = match &spec.email_lines {
        Some(lines) => {
            Some(email_link(ctx, tx, actor, agency, &spec, id, lines, &link, now).await?)
        }
        None => None,
    };
    let target = format!("{} ({prefix})", spec.client.name);
    audit(tx, actor, spec.action, &target, now).await?;
    Ok(Issued {
        id,
        client_name: spec.client.name.clone(),
        link,
        emailed_to,
        expires_at: spec.expires_at,
    })
}

/// The draft's client: a foreign or unknown id is a 404, not a form error; none, or an
/// archived one, is.
async fn draft_client(
    ctx: &Ctx,
    actor: &Actor,
    draft: &Draft,
    errors: &mut Vec<FieldError>,
) -> AppResult<Option<clients::Client>> {
    let Some(id) = draft.client_id else {
        errors.push(FieldError::new(
            "client_id",
            "Choose the client this request is for.",
        ));
        return Ok(None);
    };
    let client = clients::get(&ctx.db.pool, actor.agency_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if client.archived_at.is_some() {
        errors.push(FieldError::new(
            "client_id",
            "That client is archived. Restore it first.",
        ));
    }
    Ok(Some(client))
}

/// User access goes to the people named; partner access is assigned to them inside the
/// agency's portfolio once shared. Only the agency's own people can be named.
async fn check_people(
    ctx: &Ctx,
    actor: &Actor,
    draft: &Draft,
    mode: Option<GrantMode>,
    errors: &mut Vec<FieldError>,
) -> AppResult<()> {
    if mode == Some(GrantMode::User) && draft.people.is_empty() {
        errors.push(FieldError::new(
            "people",
            "For user access, tick the agency people who should get access.",
        ));
    }
    if !draft.people.is_empty() {
        let team: Vec<String> = users::list(&ctx.db.pool, actor.agency_id)
            .await?
            .into_iter()
            .map(|u| u.email)
            .collect();
        if draft.people.iter().any(|p| !team.contains(p)) {
            errors.push(FieldError::new(
                "people",
                "Only people on your team can be named.",
            ));
        }
    }
    Ok(())
}

/// Creates a request from staff's form and sends or shows its link. `Err(errors)` lists
/// what to correct, in plain words; nothing is stored then.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id))]
pub async fn create(
    ctx: &Ctx,
    actor: &Actor,
    draft: &Draft,
) -> AppResult<Result<Issued, Vec<FieldError>>> {
    let agency = agencies::get(&ctx.db.pool, actor.agency_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = Vec::new();
    let client = draft_client(ctx, actor, draft, &mut errors).await?;
    let Choices {
        asks,
        mode,
        days,
        message,
        language,
    } = parse_choices(draft, &mut errors, &ctx.platforms);
    if mode == Some(GrantMode::Partner) && agency.portfolio_id.is_none() {
        errors.push(FieldError::new(
            "mode",
            "Partner access needs your agency's Meta business portfolio ID. Add it in Settings, or choose user access.",
        ));
    }
    check_people(ctx, actor, draft, mode, &mut errors).await?;
    let by_email = match draft.delivery.as_str() {
        "email" => true,
        "link" => false,
        _ => {
            errors.push(FieldError::new(
                "delivery",
                "Choose whether to e-mail the link or only show it.",
            ));
            false
        }
    };
    let (Some(client), Some(mode), Some(days), Some(message), true) =
        (client, mode, days, message, errors.is_empty())
    else {
        return Ok(Err(errors));
    };

    let now = ctx.clock.now();
    let people = draft.people.clone();
    let mut tx = ctx.db.begin().await?;
    let issued = issue(
        ctx,
        &mut tx,
        actor,
        &agency,
        Spec {
            client: &client,
            mode,
            asks: &asks,
            people: &people,
            message: message.as_str(),
            single_use: draft.single_use,
            expires_at: now + days * 86_400,
            scope: &[],
            purpose: "access",
            email_lines: by_email.then(|| {
                asks.iter()
                    .map(|a| access::ask_words(a.kind, a.level))
                    .collect()
            }),
            language,
            created_detail: format!("by {}", actor.name),
            action: "request.created",
        },
        now,
    )
    .await?;
    tx.commit().await?;
    ctx.mailer.wake();
    ctx.webhook_bell.notify_one();
    Ok(Ok(issued))
}

/// The ticked kinds with their levels, one per kind; unknown values become errors.
/// What a request (or a template) chooses besides the client and delivery, once read.
pub(crate) struct Choices {
    pub asks: Vec<Ask>,
    pub mode: Option<GrantMode>,
    pub days: Option<i64>,
    pub message: Option<BoundedText>,
    /// None: the client's browser decides.
    pub language: Option<Lang>,
}

/// Reads the choices a request form and a template form share, listing what is wrong.
pub(crate) fn parse_choices(
    draft: &Draft,
    errors: &mut Vec<FieldError>,
    platforms: &Platforms,
) -> Choices {
    let asks = parse_asks(&draft.kinds, errors, platforms);
    let mode = GrantMode::parse(&draft.mode);
    if mode.is_none() {
        errors.push(FieldError::new("mode", "Choose partner or user access."));
    }
    let days = draft
        .expiry_days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=90).contains(d));
    if days.is_none() {
        errors.push(FieldError::new(
            "expiry_days",
            "The link must expire after 1 to 90 days.",
        ));
    }
    let message = BoundedText::parse(&draft.message, "The message", MAX_MESSAGE, false)
        .map_err(|e| errors.push(FieldError::new("message", e)))
        .ok();
    let language = match draft.language.trim() {
        "" => None,
        code => {
            let lang = Lang::parse(code);
            if lang.is_none() {
                errors.push(FieldError::new(
                    "language",
                    "Choose the client's language from the list.",
                ));
            }
            lang
        }
    };
    Choices {
        asks,
        mode,
        days,
        message,
        language,
    }
}

fn parse_asks(
    kinds: &[(String, String)],
    errors: &mut Vec<FieldError>,
    platforms: &Platforms,
) -> Vec<Ask> {
    let mut asks: Vec<Ask> = Vec::new();
    for (k, l) in kinds {
        match (AssetKind::parse(k), AccessLevel::parse(l)) {
            (Some(kind), _) if !platforms.has(kind.platform()) => errors.push(FieldError::new(
                "asks",
                format!(
                    "{} is not set up on this installation, so {} cannot be asked for.",
                    kind.platform(),
                    kind.plural_label()
                ),
            )),
            (Some(kind), Some(level)) if !asks.iter().any(|a| a.kind == kind) => {
                asks.push(Ask { kind, level })
            }
            (Some(_), Some(_)) => {}
            (None, _) => errors.push(FieldError::new(
                "asks",
                "One of the asset kinds is not one Latchkey knows.",
            )),
            (_, None) => errors.push(FieldError::new(
                "asks",
                "Choose manage, advertise or view for each asset kind.",
            )),
        }
    }
    if kinds.is_empty() {
        errors.push(FieldError::new(
            "asks",
            "Tick at least one kind of asset to ask for.",
        ));
    }
    asks
}

/// What the request form offers: the agency's defaults, its active clients and its team.
pub struct FormContext {
    pub agency: agencies::Agency,
    pub clients: Vec<clients::Client>,
    pub team: Vec<users::User>,
    /// The kinds this installation's platforms offer.
    pub kinds: Vec<AssetKind>,
    /// What the agency still has to set up before a kind can be shared: (kind, what).
    pub unready: Vec<(AssetKind, &'static str)>,
}

/// The request form's choices.
#[tracing::instrument(skip_all, fields(agency = agency_id))]
pub async fn form_context(ctx: &Ctx, agency_id: i64) -> AppResult<FormContext> {
    let db = &ctx.db.pool;
    let active = clients::ClientQuery {
        search: String::new(),
        archived: false,
        page: 1,
    };
    let (agency, active, team) = tokio::try_join!(
        agencies::get(db, agency_id),
        clients::list(db, agency_id, &active, 1000),
        users::list(db, agency_id),
    )?;
    let kinds = ctx.platforms.kinds();
    let mut unready = Vec::new();
    if kinds
        .iter()
        .any(|k| k.platform() == crate::domain::Platform::Google)
    {
        let google = agencies::google_connection(db, agency_id).await?;
        for k in kinds
            .iter()
            .filter(|k| k.platform() == crate::domain::Platform::Google)
        {
            if google.email.is_none() {
                unready.push((
                    *k,
                    "Needs your agency's Google account: connect it in Settings.",
                ));
            } else if *k == AssetKind::GoogleAds && google.ads_manager.is_none() {
                unready.push((
                    *k,
                    "Needs your Google Ads manager account: enter it in Settings.",
                ));
            }
        }
    }
    Ok(FormContext {
        agency: agency.ok_or(AppError::NotFound)?,
        clients: active.items,
        team,
        kinds,
        unready,
    })
}

/// A request with its timeline and the grants it led to.
pub struct Detail {
    pub request: AccessRequest,
    pub events: Vec<requests::RequestEvent>,
    pub grants: Vec<crate::store::grants::Grant>,
}

/// One of the agency's requests for its page, or 404.
#[tracing::instrument(skip_all, fields(agency = agency_id, request = id))]
pub async fn detail(ctx: &Ctx, agency_id: i64, id: i64) -> AppResult<Detail> {
    let request = get(ctx, agency_id, id).await?;
    let (events, grants) = tokio::try_join!(
        requests::events(&ctx.db.pool, id),
        crate::store::grants::for_request(&ctx.db.pool, agency_id, id),
    )?;
    Ok(Detail {
        request,
        events,
        grants,
    })
}

/// One of the agency's requests, or 404.
#[tracing::instrument(skip_all, fields(agency = agency_id, request = id))]
pub async fn get(ctx: &Ctx, agency_id: i64, id: i64) -> AppResult<AccessRequest> {
    requests::get(&ctx.db.pool, agency_id, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A new link for the request; the old one stops working. Returns the new link.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, request = id))]
pub async fn regenerate(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<Issued> {
    let r = get(ctx, actor.agency_id, id).await?;
    let now = ctx.clock.now();
    let (token, prefix) = new_token();
    let mut tx = ctx.db.begin().await?;
    if !requests::replace_token(&mut tx, actor.agency_id, id, &token.hash(), &prefix, now).await? {
        return Err(AppError::BadRequest(
            "A revoked request cannot get a new link. Create a new request instead.".into(),
        ));
    }
    let detail = format!("by {}; the old link no longer works", actor.name);
    requests::add_event(&mut *tx, id, RequestEvent::Regenerated, &detail, now).await?;
    let target = format!("{} ({prefix})", r.client_name);
    audit(&mut tx, actor, "request.regenerated", &target, now).await?;
    tx.commit().await?;
    Ok(Issued {
        id,
        client_name: r.client_name,
        link: ctx.link_url(&token),
        emailed_to: None,
        expires_at: r.expires_at,
    })
}

/// The link stops working for good.
#[tracing::instrument(skip_all, fields(agency = actor.agency_id, request = id))]
pub async fn revoke(ctx: &Ctx, actor: &Actor, id: i64) -> AppResult<()> {
    let r = get(ctx, actor.agency_id, id).await?;
    let now = ctx.clock.now();
    let mut tx = ctx.db.begin().await?;
    if requests::revoke(&mut *tx, actor.agency_id, id, now).await? {
        requests::add_event(
            &mut *tx,
            id,
            RequestEvent::Revoked,
            &format!("by {}", actor.name),
            now,
        )
        .await?;
        let target = format!("{} ({})", r.client_name, r.token_prefix);
        audit(&mut tx, actor, "request.revoked", &target, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Where a client's reply to the agency's mail should go: the staff member who sent the
/// request (None: the installation's default Reply-To).
pub async fn sender_address<'c>(
    db: impl crate::store::Exec<'c>,
    agency_id: i64,
    user_id: Option<i64>,
) -> AppResult<Option<String>> {
    let Some(id) = user_id else {
        return Ok(None);
    };
    Ok(users::get(db, agency_id, id).await?.map(|u| u.email))
}

/// A page of the agency's requests, newest first, after `q.before_id`.
pub async fn list(
    ctx: &Ctx,
    agency_id: i64,
    q: &requests::RequestQuery,
    per_page: i64,
) -> AppResult<crate::store::Page<AccessRequest>> {
    if let Some(c) = q.client_id {
        clients::get(&ctx.db.pool, agency_id, c)
            .await?
            .ok_or(AppError::NotFound)?;
    }
    Ok(requests::list(&ctx.db.pool, agency_id, q, ctx.clock.now(), per_page).await?)
}
