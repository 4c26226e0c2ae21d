//! The agent's book in figures, for the dashboard.

use rusqlite::params;
use rust_decimal::Decimal;
use time::{Date, Duration, Weekday};

use super::quotes::{read_summary_row, SUMMARY_COLUMNS};
use super::{Store, StoreError};
use crate::dashboard::{BookStats, WeekStats};
use crate::quotes::QuoteSummary;

/// How far back conversion and the average premium look.
const RECENT_DAYS: i64 = 90;
/// How many weeks the chart shows.
const WEEKS: i64 = 8;
/// How soon an open quote's end counts as expiring.
const EXPIRING_DAYS: i64 = 7;
const EXPIRING_ROWS: u32 = 8;

impl Store {
    /// The book as of `today` (UTC): see [`BookStats`].
    pub fn book_stats(&self, today: Date, drafts: u32) -> Result<BookStats, StoreError> {
        let err = |e| self.err(e);
        let count =
            |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<u32, StoreError> { self.conn.query_row(sql, p, |r| r.get(0)).map_err(err) };
        let open = count("SELECT count(*) FROM quote WHERE status IN ('draft', 'rated', 'referred', 'approved', 'bind_requested')", &[])?;
        let referrals_waiting = count("SELECT count(*) FROM quote WHERE status = 'referred'", &[])?;
        let month_start = today.replace_day(1).unwrap_or(today).to_string();
        let bound_this_month =
            count("SELECT count(DISTINCT subject) FROM audit_event WHERE action = 'quote.bound' AND at >= ?1", &[&month_start])?;

        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM quote q JOIN customer c ON c.id = q.customer_id
             WHERE q.status IN ('rated', 'referred', 'approved') AND q.expires_on IS NOT NULL AND q.expires_on <= ?1
             ORDER BY q.expires_on, q.id LIMIT ?2"
        );
        let horizon = (today + Duration::days(EXPIRING_DAYS)).to_string();
        let mut stmt = self.conn.prepare_cached(&sql).map_err(err)?;
        let mut expiring: Vec<QuoteSummary> = Vec::new();
        for row in stmt.query_map(params![horizon, EXPIRING_ROWS], read_summary_row).map_err(err)? {
            expiring.push(row.map_err(err)??);
        }

        // Quotes started in the last 90 days: how many were rated, how many
        // bound, and their premiums, summed exactly.
        let since = (today - Duration::days(RECENT_DAYS)).to_string();
        let mut stmt = self
            .conn
            .prepare_cached("SELECT premium, status = 'bound' FROM quote WHERE created_at >= ?1 AND premium IS NOT NULL")
            .map_err(err)?;
        let (mut rated, mut bound, mut total) = (0u32, 0u32, Decimal::ZERO);
        for row in stmt.query_map([&since], |r| Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))).map_err(err)? {
            let (premium, is_bound) = row.map_err(err)?;
            let premium: Decimal = premium.parse().map_err(|e| StoreError::BadStoredValue {
                table: "quote",
                id: 0,
                field: "premium",
                problem: format!("`{premium}` is not an amount: {e}"),
            })?;
            rated += 1;
            bound += u32::from(is_bound);
            total += premium;
        }
        // Rounded half away from zero, then written with exactly that many places.
        let places = |value: Decimal, dp: u32| {
            let mut v = value.round_dp_with_strategy(dp, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            v.rescale(dp);
            v.to_string()
        };
        let conversion_percent = (rated > 0).then(|| places(Decimal::from(bound) * Decimal::ONE_HUNDRED / Decimal::from(rated), 1));
        let average_premium = (rated > 0).then(|| places(total / Decimal::from(rated), 2));

        // Weeks start on Monday; the last is this week.
        let this_week = today - Duration::days(i64::from(today.weekday().number_days_from_monday()));
        let mut weeks = Vec::new();
        for back in (0..WEEKS).rev() {
            let starts = this_week - Duration::weeks(back);
            let (from, to) = (starts.to_string(), (starts + Duration::weeks(1)).to_string());
            let quoted = count("SELECT count(*) FROM quote WHERE created_at >= ?1 AND created_at < ?2", &[&from, &to])?;
            let bound = count(
                "SELECT count(DISTINCT subject) FROM audit_event WHERE action = 'quote.bound' AND at >= ?1 AND at < ?2",
                &[&from, &to],
            )?;
            weeks.push(WeekStats { starts, quoted, bound });
        }
        debug_assert_eq!(this_week.weekday(), Weekday::Monday);
        Ok(BookStats {
            in_progress: open + drafts,
            expiring,
            referrals_waiting,
            bound_this_month,
            conversion_percent,
            average_premium,
            weeks,
        })
    }
}
