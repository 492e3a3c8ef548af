//! The integration suite: one binary, every test against the real app over HTTP.
//! The database is SQLite unless `LATCHKEY_TEST_DATABASE_URL` names a PostgreSQL server,
//! in which case each test gets its own fresh database there.

mod helpers;

mod grants;
mod json_api;
mod layers;
mod leaving;
mod matrix;

mod approve;
mod auth;
mod clients;
mod crash;
mod exposure;
mod language;
mod mail;
mod managed;
mod meta;
mod migration;
mod platforms;
mod privacy;
mod processes;
mod real_app;
mod records;
mod requests;
mod schema;
mod team;
mod verify;
mod web;
mod webhooks;
