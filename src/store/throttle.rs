//! Failed-login counters with growing delays, shared through the database so several
//! processes throttle as one.

use super::Exec;

/// How a counter turns failures into waiting time.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Failures allowed before any delay.
    pub free: i64,
    /// Longest delay between attempts, in seconds.
    pub max_delay: i64,
    /// Failures after which the key is locked for `lock_secs` (ASVS: at most 100).
    pub lock_after: i64,
    pub lock_secs: i64,
    /// Quiet time after which the count starts again.
    pub forget_after: i64,
}

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Per (account, address): 5 free tries, then 1 s, 2 s, 4 s … up to 15 min; locked for an
/// hour at 100.
pub const ACCOUNT: Policy = Policy::growing(5, 100, HOUR, DAY);

/// Per account from every address together (a distributed guess): 20 free tries, then
/// growing delays, locked for an hour at 100. A browser that signed in before is exempt.
pub const ACCOUNT_WIDE: Policy = Policy::growing(20, 100, HOUR, DAY);

/// Per IP: more room, since offices share addresses.
pub const IP: Policy = Policy::growing(20, 1000, HOUR, DAY);

/// Wrong second-factor codes per person: five, then locked for 15 minutes.
pub const SECOND_FACTOR: Policy = Policy::growing(5, 5, 15 * MINUTE, HOUR);

/// Password-reset requests per typed address: 3, then none for an hour.
pub const RESET_ACCOUNT: Policy = Policy::capped(3);

/// Password-reset requests per client address: 10, then none for an hour.
pub const RESET_IP: Policy = Policy::capped(10);

impl Policy {
    /// Free tries, then delays doubling up to 15 minutes, locked at `lock_after`.
    const fn growing(free: i64, lock_after: i64, lock_secs: i64, forget_after: i64) -> Self {
        Self {
            free,
            max_delay: 15 * MINUTE,
            lock_after,
            lock_secs,
            forget_after,
        }
    }

    /// `n` in an hour, then none until the hour is over.
    const fn capped(n: i64) -> Self {
        Self {
            free: n,
            max_delay: HOUR,
            lock_after: n,
            lock_secs: HOUR,
            forget_after: HOUR,
        }
    }

    /// Seconds the key must wait after its `failures`-th failure.
    pub fn delay_after(&self, failures: i64) -> i64 {
        if failures >= self.lock_after {
            return self.lock_secs;
        }
        let over = failures - self.free;
        if over <= 0 {
            return 0;
        }
        // 2^(over-1), without overflowing for large counts.
        let exp = (over - 1).min(30) as u32;
        (1i64 << exp).min(self.max_delay)
    }
}

/// Seconds until `key` may try again (0 when it may try now).
pub async fn wait_secs<'c>(db: impl Exec<'c>, key: &str, now: i64) -> Result<i64, sqlx::Error> {
    let until: Option<i64> =
        sqlx::query_scalar("SELECT blocked_until FROM login_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await?;
    Ok(until.map_or(0, |u| (u - now).max(0)))
}

/// Counts one failure and returns the new count.
pub async fn record_failure(
    conn: &mut sqlx::AnyConnection,
    key: &str,
    policy: Policy,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO login_throttle (key, failures, last_failure_at, blocked_until)
         VALUES ($1, 1, $2, 0)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN login_throttle.last_failure_at < $3 THEN 1
                           ELSE login_throttle.failures + 1 END,
           last_failure_at = $2
         RETURNING failures",
    )
    .bind(key)
    .bind(now)
    .bind(now - policy.forget_after)
    .fetch_one(&mut *conn)
    .await?;
    let blocked_until = now + policy.delay_after(failures);
    sqlx::query("UPDATE login_throttle SET blocked_until = $1 WHERE key = $2")
        .bind(blocked_until)
        .bind(key)
        .execute(&mut *conn)
        .await?;
    Ok(failures)
}

/// Forgets a key's failures (after a successful login).
pub async fn clear<'c>(db: impl Exec<'c>, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE key = $1")
        .bind(key)
        .execute(db)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_then_lock() {
        assert_eq!(ACCOUNT.delay_after(5), 0);
        assert_eq!(ACCOUNT.delay_after(6), 1);
        assert_eq!(ACCOUNT.delay_after(7), 2);
        assert_eq!(ACCOUNT.delay_after(10), 16);
        assert_eq!(ACCOUNT.delay_after(40), 15 * 60);
        assert_eq!(ACCOUNT.delay_after(100), 3600);
        assert_eq!(ACCOUNT.delay_after(i64::MAX), 3600);
    }
}
