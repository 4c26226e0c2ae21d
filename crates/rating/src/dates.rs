//! The calendar helpers the workspace shares: month arithmetic for terms and
//! installments, and the one date format of quotes, packs and the wire
//! (`YYYY-MM-DD`).

use time::{Date, Month};

/// `date` plus `months` calendar months, the day clamped to the end of a
/// shorter month (a year from 29 February is 28 February; a month from 31
/// January is the last day of February); `None` beyond the calendar.
pub fn add_months(date: Date, months: u32) -> Option<Date> {
    let index = i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1 + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).ok()
}

/// A date written `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Result<Date, time::error::Parse> {
    Date::parse(text, time::macros::format_description!("[year]-[month]-[day]"))
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn add_months_clamps_to_the_end_of_a_shorter_month() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), Some(date!(2026 - 02 - 28)));
        assert_eq!(add_months(date!(2024 - 02 - 29), 12), Some(date!(2025 - 02 - 28)));
        assert_eq!(add_months(date!(2026 - 11 - 30), 3), Some(date!(2027 - 02 - 28)));
        assert_eq!(add_months(date!(9999 - 12 - 01), 1), None);
    }

    #[test]
    fn dates_read_as_year_month_day() {
        assert_eq!(parse_date("2026-12-06").ok(), Some(date!(2026 - 12 - 06)));
        assert!(matches!(parse_date("12/06/2026"), Err(time::error::Parse::ParseFromDescription(_))), "not the YYYY-MM-DD form");
        assert!(matches!(parse_date("2026-02-30"), Err(time::error::Parse::TryFromParsed(_))), "no such day");
    }
}
