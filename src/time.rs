//! Civil dates and instants, without a clock.
//!
//! Instants are Unix seconds (`i64`, UTC). The verifier is given `now`; nothing
//! here reads a clock. Dates of the school calendar are civil dates in the
//! proleptic Gregorian calendar. A school day starts at midnight in Paris
//! (CET, UTC+1, or CEST, UTC+2, from the last Sunday of March to the last
//! Sunday of October), which is how a date becomes an instant (FORMAT.md).

use serde::{Serialize, Serializer};
use std::fmt;

/// Unix time in seconds, UTC.
pub type Timestamp = i64;

const DAY: i64 = 86_400;

/// A civil date (`YYYY-MM-DD`), years 1900 to 2199.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// 1970-01-01.
    pub const EPOCH: Date = Date { year: 1970, month: 1, day: 1 };
    /// Earliest year accepted anywhere in Cachet.
    pub const MIN_YEAR: i32 = 1900;
    /// Latest year accepted anywhere in Cachet.
    pub const MAX_YEAR: i32 = 2199;

    /// A date from its parts, if it exists in the calendar and the range.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(Self::MIN_YEAR..=Self::MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let year = digits(s.get(0..4)?)?;
        let month = digits(s.get(5..7)?)?;
        let day = digits(s.get(8..10)?)?;
        Date::new(year as i32, month as u8, day as u8)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }
    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }
    /// The day of the month, 1 to 31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date that is `days` after 1970-01-01, if within range.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, month as u8, day as u8)
    }

    /// The UTC date of an instant.
    pub fn of_instant(t: Timestamp) -> Option<Date> {
        Date::from_days_since_epoch(t.div_euclid(DAY))
    }

    /// The instant of midnight at the start of this date in Paris.
    pub fn paris_midnight(self) -> Timestamp {
        self.days_since_epoch() * DAY - paris_offset_at_midnight(self)
    }

    /// The date in Paris at instant `t`.
    pub fn in_paris_at(t: Timestamp) -> Option<Date> {
        let d = Date::of_instant(t.checked_add(2 * 3600)?)?;
        if t >= d.paris_midnight() {
            Some(d)
        } else {
            Date::from_days_since_epoch(d.days_since_epoch() - 1)
        }
    }

    /// The date whose Paris midnight is exactly `t`, if any.
    pub fn from_paris_midnight(t: Timestamp) -> Option<Date> {
        // Midnight in Paris is 22:00 or 23:00 UTC the day before. `t` comes
        // from a payload: near i64::MAX it has no date (and must not overflow).
        let d = Date::from_days_since_epoch(t.checked_add(2 * 3600)?.div_euclid(DAY))?;
        (d.paris_midnight() == t).then_some(d)
    }

    /// The Sunday on or before the last day of `month` of `year`.
    fn last_sunday(year: i32, month: u8) -> Date {
        let last = Date { year, month, day: days_in_month(year, month) };
        // 1970-01-01 was a Thursday: weekday 0 = Sunday.
        let weekday = (last.days_since_epoch() + 4).rem_euclid(7) as u8;
        Date { year, month, day: last.day - weekday }
    }
}

/// Paris's offset from UTC, in seconds, at 00:00 local time on `d`. At that
/// hour the spring change (02:00) and the autumn change (03:00) have not yet
/// happened on their Sundays.
fn paris_offset_at_midnight(d: Date) -> i64 {
    let start = Date::last_sunday(d.year, 3);
    let end = Date::last_sunday(d.year, 10);
    if d > start && d <= end {
        2 * 3600
    } else {
        3600
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// ASCII digits only (no sign, no space), as a number.
fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parses an RFC 3339 date-time (`2026-09-01T08:00:00Z`, fractional seconds
/// ignored, `Z` or a `±HH:MM` offset) into Unix seconds.
pub fn parse_rfc3339(s: &str) -> Option<Timestamp> {
    let date = Date::parse(s.get(0..10)?)?;
    let rest = s.get(10..)?;
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix('t'))?;
    let b = rest.as_bytes();
    if b.len() < 9 || b.get(2) != Some(&b':') || b.get(5) != Some(&b':') {
        return None;
    }
    let h = i64::from(digits(rest.get(0..2)?)?);
    let m = i64::from(digits(rest.get(3..5)?)?);
    let sec = i64::from(digits(rest.get(6..8)?)?);
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let mut tz = rest.get(8..)?;
    if let Some(frac) = tz.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        tz = frac.get(n..)?;
    }
    let offset = match tz {
        "Z" | "z" => 0,
        _ => {
            let tb = tz.as_bytes();
            if tb.len() != 6 || tb.get(3) != Some(&b':') {
                return None;
            }
            let sign = match tb.first() {
                Some(b'+') => 1,
                Some(b'-') => -1,
                _ => return None,
            };
            let oh = i64::from(digits(tz.get(1..3)?)?);
            let om = i64::from(digits(tz.get(4..6)?)?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(date.days_since_epoch() * DAY + h * 3600 + m * 60 + sec.min(59) - offset)
}

/// Formats Unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_rfc3339(t: Timestamp) -> String {
    match Date::of_instant(t) {
        Some(d) => {
            let s = t.rem_euclid(DAY);
            format!("{d}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
        }
        None => format!("@{t}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        for (s, days) in [("1970-01-01", 0), ("2000-02-29", 11_016), ("1969-12-31", -1), ("2026-09-01", 20_697)] {
            let d = Date::parse(s).unwrap();
            assert_eq!(d.days_since_epoch(), days, "{s}");
            assert_eq!(Date::from_days_since_epoch(days), Some(d));
            assert_eq!(d.to_string(), s);
        }
    }

    #[test]
    fn impossible_dates_are_refused() {
        for s in [
            "2025-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-04-31",
            "25-01-01",
            "2025-1-01",
            "+025-01-01",
            "2025-01-01 ",
            "1899-12-31",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn paris_midnight_follows_summer_time() {
        // 1 September is always summer time: 22:00 UTC the day before.
        let d = Date::parse("2025-09-01").unwrap();
        assert_eq!(format_rfc3339(d.paris_midnight()), "2025-08-31T22:00:00Z");
        // 1 January is winter time.
        let d = Date::parse("2026-01-01").unwrap();
        assert_eq!(format_rfc3339(d.paris_midnight()), "2025-12-31T23:00:00Z");
        // The Sundays of the changes (2026-03-29 and 2026-10-25) begin in the old offset.
        assert_eq!(format_rfc3339(Date::parse("2026-03-29").unwrap().paris_midnight()), "2026-03-28T23:00:00Z");
        assert_eq!(format_rfc3339(Date::parse("2026-03-30").unwrap().paris_midnight()), "2026-03-29T22:00:00Z");
        assert_eq!(format_rfc3339(Date::parse("2026-10-25").unwrap().paris_midnight()), "2026-10-24T22:00:00Z");
        assert_eq!(format_rfc3339(Date::parse("2026-10-26").unwrap().paris_midnight()), "2026-10-25T23:00:00Z");
        for s in ["2025-09-01", "2026-01-01", "2026-03-29", "2026-10-25"] {
            let d = Date::parse(s).unwrap();
            assert_eq!(Date::from_paris_midnight(d.paris_midnight()), Some(d));
            assert_eq!(Date::from_paris_midnight(d.paris_midnight() + 1), None);
        }
    }

    #[test]
    fn dates_in_paris() {
        let at = |s| Date::in_paris_at(parse_rfc3339(s).unwrap()).unwrap().to_string();
        assert_eq!(at("2025-08-31T21:59:59Z"), "2025-08-31");
        assert_eq!(at("2025-08-31T22:00:00Z"), "2025-09-01");
        assert_eq!(at("2025-12-31T22:59:59Z"), "2025-12-31");
        assert_eq!(at("2025-12-31T23:00:00Z"), "2026-01-01");
    }

    #[test]
    fn instants_without_a_date_do_not_overflow() {
        // A signed payload may carry any i64 (tests/vectors/structure-iat-huge.json).
        for t in [i64::MAX, i64::MAX - 3600, i64::MIN] {
            assert_eq!(Date::from_paris_midnight(t), None);
            assert_eq!(Date::in_paris_at(t), None);
        }
    }

    #[test]
    fn rfc3339_parses_offsets_and_fractions() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T01:00:00+01:00"), Some(0));
        assert_eq!(parse_rfc3339("1970-01-01T00:00:01.250Z"), Some(1));
        assert_eq!(parse_rfc3339("2026-09-01T08:00:00Z").map(format_rfc3339).as_deref(), Some("2026-09-01T08:00:00Z"));
        for bad in [
            "2026-09-01",
            "2026-09-01T08:00:00",
            "2026-09-01T24:00:00Z",
            "2026-09-01T08:00:00+1:00",
            "2026-09-01T08:00:00.Z",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
    }
}
