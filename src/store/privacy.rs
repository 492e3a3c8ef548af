//! Forgetting a Facebook user on Meta's request: their token, their name and their id,
//! wherever an approval or a statement left them.

use super::{Exec, Tx};

/// The names a Facebook user left with Latchkey (from approvals and statements).
pub async fn names_of<'c>(db: impl Exec<'c>, person_id: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT person_name FROM approval_flows WHERE person_id = $1 AND person_name IS NOT NULL
         UNION SELECT person_name FROM client_statements WHERE person_id = $1",
    )
    .bind(person_id)
    .fetch_all(db)
    .await
}

/// Removes a person's token, id and name (`names`: every name they used) from approvals,
/// statements, grants, request timelines and the audit log. Returns the rows changed.
pub async fn forget_person(
    tx: &mut Tx,
    person_id: &str,
    names: &[String],
) -> Result<u64, sqlx::Error> {
    const NAME: &str = "a client who asked Meta to delete their data";
    let mut changed = 0;
    // The person's names in free text ($1 the name, $2 the replacement, $3 the id).
    for name in names.iter().filter(|n| n.chars().count() >= 2) {
        for sql in [
            "UPDATE request_events SET detail = REPLACE(detail, $1, $2)
             WHERE request_id IN (SELECT request_id FROM approval_flows WHERE person_id = $3
                                  UNION SELECT request_id FROM client_statements WHERE person_id = $3)",
            "UPDATE audit_log SET target = REPLACE(target, $1, $2)
             WHERE actor LIKE '%Facebook id ' || $3 || ')'",
        ] {
            changed += sqlx::query(sql)
                .bind(name)
                .bind(NAME)
                .bind(person_id)
                .execute(&mut **tx)
                .await?
                .rows_affected();
        }
    }
    // Every statement below binds ($1 the replacement name, $2 the person's id).
    for sql in [
        "UPDATE audit_log SET actor = $1 WHERE actor LIKE '%Facebook id ' || $2 || ')'",
        "UPDATE approval_flows SET token_sealed = NULL, person_id = NULL, person_name = NULL
         WHERE person_id = $2 AND $1 <> ''",
        "UPDATE client_statements SET person_id = '', person_name = $1 WHERE person_id = $2",
        "UPDATE grants SET approved_by_name = $1, approved_by_id = '' WHERE approved_by_id = $2",
    ] {
        changed += sqlx::query(sql)
            .bind(NAME)
            .bind(person_id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(changed)
}

/// Forgets the Meta tokens a person's approvals still hold (Meta deauthorized the app).
pub async fn forget_tokens<'c>(db: impl Exec<'c>, person_id: &str) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE approval_flows SET token_sealed = NULL WHERE person_id = $1")
            .bind(person_id)
            .execute(db)
            .await?
            .rows_affected(),
    )
}
