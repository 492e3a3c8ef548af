//! What several benchmarks share.

/// A fresh database on the PostgreSQL server named by `LATCHKEY_BENCH_DATABASE_URL`, so a
/// run never meets an earlier one's rows; None means SQLite.
pub async fn bench_database() -> anyhow::Result<Option<String>> {
    let Ok(admin) = std::env::var("LATCHKEY_BENCH_DATABASE_URL") else {
        return Ok(None);
    };
    sqlx::any::install_default_drivers();
    let name = format!("lk_bench_{}", std::process::id());
    let pool = sqlx::AnyPool::connect(&admin).await?;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&pool)
        .await?;
    pool.close().await;
    let mut url = url::Url::parse(&admin)?;
    url.set_path(&format!("/{name}"));
    Ok(Some(url.to_string()))
}
