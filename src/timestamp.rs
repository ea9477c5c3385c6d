//! A UTC instant with millisecond precision, shared by server and browser.
//!
//! It travels as Unix milliseconds and prints as ISO 8601 (`2022-03-31T22:59:56.000Z`), the
//! format of spec.md §2. The calendar arithmetic is done here rather than with a date crate so
//! that the browser bundle stays small.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    pub const fn from_unix_millis(ms: i64) -> Self {
        Self(ms)
    }

    pub const fn unix_millis(self) -> i64 {
        self.0
    }

    #[cfg(feature = "ssr")]
    pub fn now() -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Self(i64::try_from(now.as_millis()).unwrap_or(i64::MAX))
    }

    /// The first instant (00:00 UTC on the 1st) of this instant's month.
    pub fn month_start(self) -> Timestamp {
        let (y, m, _) = self.date();
        Timestamp(days_from_civil(y, m, 1) * 86_400_000)
    }

    /// (year, month 1-12, day 1-31)
    pub fn date(self) -> (i64, u32, u32) {
        civil_from_days(self.0.div_euclid(86_400_000))
    }

    /// `2026-11-29`
    pub fn date_string(self) -> String {
        let (y, m, d) = self.date();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `Nov 29, 2026`: for people, where the ISO form is for machines.
    pub fn human_date(self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let (y, m, d) = self.date();
        format!("{} {d}, {y}", MONTHS[(m - 1) as usize])
    }

    /// The first instant of a calendar month (UTC), for `year` 1970-9999 and `month` 1-12.
    pub fn from_month(year: i64, month: u32) -> Option<Timestamp> {
        ((1970..=9999).contains(&year) && (1..=12).contains(&month))
            .then(|| Timestamp(days_from_civil(year, month, 1) * 86_400_000))
    }

    /// The first instant of the month after this instant's.
    pub fn next_month_start(self) -> Timestamp {
        let (y, m, _) = self.date();
        let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        Timestamp(days_from_civil(y, m, 1) * 86_400_000)
    }

    /// Reads a date (`2027-01-31`, midnight UTC) or an ISO 8601 time in UTC
    /// (`2027-01-31T12:00:00.000Z`, `2027-01-31T12:00Z`, `2027-01-31 12:00:00+00:00`).
    pub fn parse_iso(raw: &str) -> Option<Timestamp> {
        let raw = raw.trim();
        let num = |s: &str| -> Option<i64> {
            (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
        };
        let (date, time) = match raw.split_once(['T', 't', ' ']) {
            Some((d, t)) => (d, Some(t)),
            None => (raw, None),
        };
        let mut parts = date.split('-');
        let (y, m, d) = (
            num(parts.next()?)?,
            num(parts.next()?)?,
            num(parts.next()?)?,
        );
        if parts.next().is_some() || !(1970..=9999).contains(&y) || !(1..=12).contains(&m) {
            return None;
        }
        let (m, d) = (m as u32, u32::try_from(d).ok()?);
        let days = days_from_civil(y, m, d);
        // 2027-02-30 is not a day: it would read as March 2nd.
        if d == 0 || civil_from_days(days) != (y, m, d) {
            return None;
        }
        let mut ms = days * 86_400_000;
        if let Some(time) = time {
            let time = time
                .strip_suffix(['Z', 'z'])
                .or_else(|| time.strip_suffix("+00:00"))
                .unwrap_or(time);
            let (hms, frac) = match time.split_once('.') {
                Some((hms, frac)) => (hms, Some(frac)),
                None => (time, None),
            };
            let mut fields = hms.split(':');
            let h = num(fields.next()?)?;
            let min = num(fields.next()?)?;
            let s = fields.next().map(num).unwrap_or(Some(0))?;
            if fields.next().is_some() || h > 23 || min > 59 || s > 59 {
                return None;
            }
            let millis = match frac {
                None => 0,
                Some(f)
                    if !f.is_empty() && f.len() <= 9 && f.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    format!("{f:0<3}")[..3].parse().ok()?
                }
                Some(_) => return None,
            };
            ms += h * 3_600_000 + min * 60_000 + s * 1000 + millis;
        }
        Some(Timestamp(ms))
    }

    /// `Nov 29, 2026 at 14:05 UTC`
    pub fn human_date_time(self) -> String {
        let ms_of_day = self.0.rem_euclid(86_400_000);
        let (h, min) = (ms_of_day / 3_600_000, (ms_of_day % 3_600_000) / 60_000);
        format!("{} at {h:02}:{min:02} UTC", self.human_date())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms_of_day = self.0.rem_euclid(86_400_000);
        let (h, rest) = (ms_of_day / 3_600_000, ms_of_day % 3_600_000);
        let (min, rest) = (rest / 60_000, rest % 60_000);
        let (s, ms) = (rest / 1000, rest % 1000);
        write!(f, "{}T{h:02}:{min:02}:{s:02}.{ms:03}Z", self.date_string())
    }
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A proleptic Gregorian date to days since 1970-01-01 (the inverse of `civil_from_days`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(feature = "ssr")]
mod sql {
    //! SQLite stores an INTEGER of Unix milliseconds (it compares and sorts correctly, unlike
    //! text with a varying number of fraction digits); PostgreSQL a real TIMESTAMPTZ.

    use sqlx::{
        Decode, Encode, Postgres, Sqlite, Type,
        encode::IsNull,
        error::BoxDynError,
        postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef},
        sqlite::{SqliteArgumentValue, SqliteTypeInfo, SqliteValueRef},
    };
    use time::OffsetDateTime;

    use super::Timestamp;

    impl Type<Sqlite> for Timestamp {
        fn type_info() -> SqliteTypeInfo {
            <i64 as Type<Sqlite>>::type_info()
        }
        fn compatible(ty: &SqliteTypeInfo) -> bool {
            <i64 as Type<Sqlite>>::compatible(ty)
        }
    }

    impl<'q> Encode<'q, Sqlite> for Timestamp {
        fn encode_by_ref(
            &self,
            buf: &mut Vec<SqliteArgumentValue<'q>>,
        ) -> Result<IsNull, BoxDynError> {
            <i64 as Encode<'q, Sqlite>>::encode_by_ref(&self.0, buf)
        }
    }

    impl<'r> Decode<'r, Sqlite> for Timestamp {
        fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
            Ok(Self(<i64 as Decode<'r, Sqlite>>::decode(value)?))
        }
    }

    impl Type<Postgres> for Timestamp {
        fn type_info() -> PgTypeInfo {
            <OffsetDateTime as Type<Postgres>>::type_info()
        }
    }

    impl Encode<'_, Postgres> for Timestamp {
        fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
            let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000_000)?;
            <OffsetDateTime as Encode<'_, Postgres>>::encode(at, buf)
        }
    }

    impl<'r> Decode<'r, Postgres> for Timestamp {
        fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
            let at = <OffsetDateTime as Decode<'r, Postgres>>::decode(value)?;
            Ok(Self(i64::try_from(at.unix_timestamp_nanos() / 1_000_000)?))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_iso_8601_with_milliseconds() {
        assert_eq!(Timestamp(0).to_string(), "1970-01-01T00:00:00.000Z");
        // 2022-03-31T22:59:56.000Z, the example of spec.md §2
        assert_eq!(
            Timestamp(1_648_767_596_000).to_string(),
            "2022-03-31T22:59:56.000Z"
        );
        assert_eq!(
            Timestamp(1_795_929_880_123).to_string(),
            "2026-11-29T05:24:40.123Z"
        );
        assert_eq!(Timestamp(-1).to_string(), "1969-12-31T23:59:59.999Z");
    }

    #[test]
    fn month_start_is_midnight_on_the_first() {
        // 2024-02-29T12:00:00Z -> 2024-02-01T00:00:00Z
        assert_eq!(
            Timestamp(1_709_208_000_000).month_start().to_string(),
            "2024-02-01T00:00:00.000Z"
        );
        assert_eq!(Timestamp(0).month_start(), Timestamp(0));
        for days in [-800_000, -1, 0, 59, 11_016, 20_000, 800_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }

    #[test]
    fn leap_days_and_human_dates() {
        // 2024-02-29T12:00:00Z
        assert_eq!(Timestamp(1_709_208_000_000).date(), (2024, 2, 29));
        assert_eq!(Timestamp(1_709_208_000_000).human_date(), "Feb 29, 2024");
        // 2000-03-01: the 400-year rule
        assert_eq!(Timestamp(951_868_800_000).date(), (2000, 3, 1));
    }

    #[test]
    fn reads_dates_and_utc_times() {
        let at = |raw: &str| Timestamp::parse_iso(raw).map(|t| t.to_string());
        assert_eq!(
            at("2027-01-31").as_deref(),
            Some("2027-01-31T00:00:00.000Z")
        );
        assert_eq!(
            at(" 2027-01-31T12:30:05.25Z ").as_deref(),
            Some("2027-01-31T12:30:05.250Z")
        );
        assert_eq!(
            at("2027-01-31T12:30Z").as_deref(),
            Some("2027-01-31T12:30:00.000Z")
        );
        assert_eq!(
            at("2027-01-31 12:30:00+00:00").as_deref(),
            Some("2027-01-31T12:30:00.000Z")
        );
        // What prints reads back.
        let t = Timestamp(1_795_929_880_123);
        assert_eq!(Timestamp::parse_iso(&t.to_string()), Some(t));
        for bad in [
            "",
            "2027",
            "2027-02-30",
            "2027-13-01",
            "2027-00-10",
            "27-01-01",
            "2027-01-01T24:00",
            "2027-01-01T10:00+02:00",
            "2027-01-01T10:00:00.",
            "tomorrow",
            "2027-01-01-01",
            "+2027-01-01",
            "2027-1-1T",
            "１２３４-01-01",
        ] {
            assert_eq!(Timestamp::parse_iso(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn months_are_counted_from_their_first_day() {
        let m = Timestamp::from_month(2026, 12).unwrap();
        assert_eq!(m.to_string(), "2026-12-01T00:00:00.000Z");
        assert_eq!(m.next_month_start().to_string(), "2027-01-01T00:00:00.000Z");
        assert_eq!(Timestamp::from_month(2026, 13), None);
        assert_eq!(Timestamp::from_month(1969, 1), None);
    }
}
