//! Grants recorded by hand and their CSV import, agency side.

use crate::actions::Ctx;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::actions::records::{self, Typed};
use crate::domain::access::AssetKind;
use crate::web::AppError;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, render, render_status};
use crate::web::session::{ClientIp, Staff};

#[derive(Template)]
#[template(path = "clients/record.html")]
struct RecordPage {
    layout: Layout,
    client_id: i64,
    client_name: String,
    kinds: Vec<(&'static str, &'static str)>,
    form: RecordForm,
    errors: Vec<String>,
    imported: Option<usize>,
    row_errors: Vec<(usize, String)>,
}

#[derive(Debug, Deserialize, Default, Clone)]
pub struct RecordForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    asset_id: String,
    #[serde(default)]
    asset_name: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    person: String,
}

async fn page(
    st: &Ctx,
    staff: &Staff,
    id: i64,
    form: RecordForm,
    errors: Vec<String>,
    imported: Option<usize>,
    row_errors: Vec<(usize, String)>,
) -> AppResult<RecordPage> {
    let client = crate::actions::clients::get(st, staff.agency_id, id).await?;
    Ok(RecordPage {
        layout: Layout::staff(staff, "Record existing access", "clients"),
        client_id: id,
        client_name: client.name,
        kinds: AssetKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect(),
        form,
        errors,
        imported,
        row_errors,
    })
}

pub async fn form(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render(
        &page(
            &st,
            &staff,
            id,
            RecordForm {
                mode: "user".into(),
                ..RecordForm::default()
            },
            vec![],
            None,
            vec![],
        )
        .await?,
    )
}

pub async fn create(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Form(f): Form<RecordForm>,
) -> AppResult<Response> {
    let typed = Typed {
        kind: f.kind.clone(),
        asset_id: f.asset_id.clone(),
        asset_name: f.asset_name.clone(),
        mode: f.mode.clone(),
        person: f.person.clone(),
    };
    match records::record(&st, &staff.acting(&ip), id, &typed).await? {
        Ok(()) => Ok(Redirect::to(&format!("/clients/{id}?notice=saved")).into_response()),
        Err(errors) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(&st, &staff, id, f, errors, None, vec![]).await?,
        ),
    }
}

/// The uploaded file's bytes (field `file`).
async fn uploaded_file(request: axum::extract::Request) -> AppResult<Vec<u8>> {
    let mut multipart = <Multipart as axum::extract::FromRequest<()>>::from_request(request, &())
        .await
        .map_err(|_| AppError::BadRequest("Choose a CSV file to upload.".into()))?;
    let mut data = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest("The upload could not be read.".into()))?
    {
        if field.name() == Some("file") {
            data = field
                .bytes()
                .await
                .map_err(|_| AppError::PayloadTooLarge)?
                .to_vec();
        }
    }
    Ok(data)
}

/// CSV import: good rows are imported; each bad row is reported with its line and reason.
pub async fn import(
    State(st): State<Arc<Ctx>>,
    staff: Staff,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> AppResult<Response> {
    // Another agency's client is a 404 whatever the body: look it up before reading it.
    crate::actions::clients::get(&st, staff.agency_id, id).await?;
    let data = uploaded_file(request).await?;
    let done = records::import(&st, &staff.acting(&ip), id, &data).await?;
    let status = if done.refused.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let form = RecordForm {
        mode: "user".into(),
        ..RecordForm::default()
    };
    let page = page(
        &st,
        &staff,
        id,
        form,
        vec![],
        Some(done.imported),
        done.refused,
    )
    .await?;
    render_status(status, &page)
}
