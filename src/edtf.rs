//! Dates in the Extended Date/Time Format (EDTF, ISO 8601-2), levels 0 and 1.
//!
//! Parsing is done by the `edtf` crate; this module keeps the text as written
//! (the record is the archivist's statement, so it is never rewritten) next
//! to the parsed value.
//!
//! Normalized means: the text must be the date's canonical form, the one
//! the parser writes back (`1985-04-12T23:20:30+00`, not `…-00`), and an
//! interval must not end before it starts. A date written another way is an
//! error that gives the canonical form, so the record, the crate's
//! `dateCreated` and any export all carry the same spelling of each date,
//! and a date is never rewritten behind the archivist's back. Offsets keep
//! the form written (`Z`, `+00`, `+00:00`), as the parser does.
//!
//! Unspecified digits go in a single date only (`193X`, `2004-06-XX`): in
//! an interval's ends (`2004-06-XX/2004-07-03`) they are level 2, which the
//! specification says, though the parser reads them.
//!
//! Generic tools do not read EDTF, so [`EdtfDate::interval`] also gives the
//! widest span of calendar days a date can mean, which prints as a plain
//! ISO 8601 interval (`1930-01-01/1939-12-31` for `193X`). The rules:
//!
//! | EDTF | days |
//! |---|---|
//! | `2014-06-20`, `2014-06-20?` | that day (qualifiers do not widen) |
//! | `2014-06`, `2004-06-XX` | the whole month, leap years counted |
//! | `1937`, `1937~`, `2004-XX`, `2004-XX-XX` | the whole year |
//! | `193X`, `19XX` | the whole decade or century |
//! | `2001-21` … `2001-24` | a season: see below |
//! | `1985-04-12T23:20:30Z` | its day, as written (not moved to UTC) |
//! | `Y170000002` | the whole year, in ISO 8601's expanded (signed) form |
//! | `1936/1938` | from the first day of the start to the last day of the end |
//! | `../1938`, `1938/` | an open (`..`) or unknown end |
//!
//! Seasons (codes 21–24) are taken as northern hemisphere meteorological
//! seasons, so that a season is whole months: spring (21) is March
//! to May, summer (22) June to August, autumn (23) September to November,
//! and winter (24) December to February, so `2001-24` runs from 2001-12-01
//! to 2002-02-28.
//!
//! `?`, `~` and `%` say how sure the archivist is of the date, not how long
//! it lasted, so they do not widen the span: the span is what the date *says*.
//! Years use astronomical numbering, as ISO 8601 does: `0000` is 1 BC and
//! `-0043` is 44 BC; `-193X` is the years -1939 to -1930.

use std::fmt;
use std::str::FromStr;

use edtf::TzOffset;
use edtf::level_1::{Date, Edtf, Precision, Season, Terminal};

use crate::collection::values::string_value;

/// An EDTF level 0 or 1 date: `2014-06-20?`, `1937~`, `193X`, `1936/1938`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EdtfDate {
    text: String,
    parsed: Edtf,
}

impl EdtfDate {
    /// The date as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The parsed value.
    pub fn value(&self) -> &Edtf {
        &self.parsed
    }

    /// The widest span of days the date can mean (see the module docs).
    pub fn interval(&self) -> DateInterval {
        let (start, end) = match self.parsed {
            Edtf::Date(date) => {
                let (first, last) = date_days(date);
                (Bound::Day(first), Bound::Day(last))
            }
            Edtf::DateTime(date_time) => {
                let date = date_time.date();
                let day =
                    CalendarDay::new(i64::from(date.year()), date.month() as u8, date.day() as u8);
                (Bound::Day(day), Bound::Day(day))
            }
            Edtf::YYear(year) => (
                Bound::Day(CalendarDay::new(year.value(), 1, 1)),
                Bound::Day(CalendarDay::new(year.value(), 12, 31)),
            ),
            Edtf::Interval(from, to) => {
                (Bound::Day(date_days(from).0), Bound::Day(date_days(to).1))
            }
            Edtf::IntervalFrom(from, terminal) => {
                (Bound::Day(date_days(from).0), terminal_bound(terminal))
            }
            Edtf::IntervalTo(terminal, to) => {
                (terminal_bound(terminal), Bound::Day(date_days(to).1))
            }
        };
        DateInterval { start, end }
    }
}

/// A day of the proleptic Gregorian calendar, with astronomical year
/// numbering (year 0 is 1 BC), as ISO 8601 counts.
///
/// Its own type rather than `chrono::NaiveDate` because EDTF years
/// (`Y170000002`) go far beyond chrono's range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarDay {
    year: i64,
    month: u8,
    day: u8,
}

impl CalendarDay {
    /// Callers pass a valid month and day; the `edtf` parser checked them.
    fn new(year: i64, month: u8, day: u8) -> CalendarDay {
        debug_assert!((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day));
        CalendarDay { year, month, day }
    }

    fn first_of_month(year: i64, month: u8) -> CalendarDay {
        CalendarDay::new(year, month, 1)
    }

    fn last_of_month(year: i64, month: u8) -> CalendarDay {
        CalendarDay::new(year, month, days_in_month(year, month))
    }

    /// The year (astronomical: 0 is 1 BC).
    pub fn year(&self) -> i64 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(&self) -> u32 {
        u32::from(self.month)
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u32 {
        u32::from(self.day)
    }
}

/// `YYYY-MM-DD`; years outside 0–9999 in ISO 8601's expanded form, with a
/// sign and at least four digits (`-0043-03-15`, `+170000002-01-01`).
impl fmt::Display for CalendarDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = match self.year {
            ..0 => "-",
            0..=9999 => "",
            _ => "+",
        };
        write!(
            f,
            "{sign}{:04}-{:02}-{:02}",
            self.year.unsigned_abs(),
            self.month,
            self.day
        )
    }
}

/// One end of a [`DateInterval`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Bound {
    /// A known day, included in the interval.
    Day(CalendarDay),
    /// No limit: EDTF `..` (`../1938`, `1938/..`).
    Open,
    /// A limit nobody knows: EDTF's empty end (`1938/`, `/1938`).
    Unknown,
}

/// The widest span of days an EDTF date can mean; both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateInterval {
    /// The first day it can mean.
    pub start: Bound,
    /// The last day it can mean.
    pub end: Bound,
}

impl DateInterval {
    /// Whether the two intervals share a day. An open or unknown end has no
    /// limit.
    pub fn overlaps(&self, other: &DateInterval) -> bool {
        let starts_before_other_ends = match (self.start, other.end) {
            (Bound::Day(start), Bound::Day(end)) => start <= end,
            _ => true,
        };
        let ends_after_other_starts = match (self.end, other.start) {
            (Bound::Day(end), Bound::Day(start)) => end >= start,
            _ => true,
        };
        starts_before_other_ends && ends_after_other_starts
    }
}

/// `YYYY-MM-DD/YYYY-MM-DD`. An open or unknown end is written `..`, as
/// ISO 8601-2 writes an open one: either way a reader can assume no limit,
/// and a plain ISO 8601 reader does not know EDTF's empty end.
impl fmt::Display for DateInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let write_bound = |f: &mut fmt::Formatter<'_>, bound: Bound| match bound {
            Bound::Day(day) => write!(f, "{day}"),
            Bound::Open | Bound::Unknown => f.write_str(".."),
        };
        write_bound(f, self.start)?;
        f.write_str("/")?;
        write_bound(f, self.end)
    }
}

/// The first and last months of a season (see the module docs), and
/// whether the last one is in the next year.
fn season_months(season: Season) -> (u8, u8, bool) {
    match season {
        Season::Spring => (3, 5, false),
        Season::Summer => (6, 8, false),
        Season::Autumn => (9, 11, false),
        Season::Winter => (12, 2, true),
    }
}

/// The first and last days a single EDTF date (no interval) can mean.
fn date_days(date: Date) -> (CalendarDay, CalendarDay) {
    let years = |first: i64, last: i64| {
        (
            CalendarDay::new(first, 1, 1),
            CalendarDay::new(last, 12, 31),
        )
    };
    match date.precision() {
        // The crate reports the masked year with its X digits as 0 (`-193X`
        // is -1930), so the unknown digits count away from zero.
        Precision::Century(year) => masked_years(i64::from(year), 99, years),
        Precision::Decade(year) => masked_years(i64::from(year), 9, years),
        Precision::Year(year) | Precision::MonthOfYear(year) | Precision::DayOfYear(year) => {
            years(i64::from(year), i64::from(year))
        }
        Precision::Season(year, season) => {
            let year = i64::from(year);
            let (first, last, next_year) = season_months(season);
            let last_year = if next_year { year + 1 } else { year };
            (
                CalendarDay::first_of_month(year, first),
                CalendarDay::last_of_month(last_year, last),
            )
        }
        Precision::Month(year, month) | Precision::DayOfMonth(year, month) => (
            CalendarDay::first_of_month(i64::from(year), month as u8),
            CalendarDay::last_of_month(i64::from(year), month as u8),
        ),
        Precision::Day(year, month, day) => {
            let day = CalendarDay::new(i64::from(year), month as u8, day as u8);
            (day, day)
        }
    }
}

/// The years of `193X` or `-193X`: `width` more years away from zero.
fn masked_years(
    year: i64,
    width: i64,
    years: impl Fn(i64, i64) -> (CalendarDay, CalendarDay),
) -> (CalendarDay, CalendarDay) {
    if year < 0 {
        years(year - width, year)
    } else {
        years(year, year + width)
    }
}

/// Whether the date has an `X`: `193X`, `19XX`, `2004-XX`, `2004-XX-XX`,
/// `2004-06-XX`.
fn has_unspecified_digits(date: Date) -> bool {
    matches!(
        date.precision(),
        Precision::Century(_)
            | Precision::Decade(_)
            | Precision::MonthOfYear(_)
            | Precision::DayOfYear(_)
            | Precision::DayOfMonth(..)
    )
}

fn terminal_bound(terminal: Terminal) -> Bound {
    match terminal {
        Terminal::Open => Bound::Open,
        Terminal::Unknown => Bound::Unknown,
    }
}

fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The text the parser writes for `parsed`, except that an offset of less
/// than an hour west of UTC keeps its minus sign: `edtf` 0.2 takes the sign
/// from the hours, so it writes `-00:30` as `+00:30`, another time.
pub(crate) fn canonical_text(parsed: &Edtf) -> String {
    let mut text = parsed.to_string();
    if let Edtf::DateTime(date_time) = parsed
        && let TzOffset::Minutes(minutes) = date_time.offset()
        && (-59..0).contains(&minutes)
    {
        let sign = text.len() - "+00:00".len();
        text.replace_range(sign..=sign, "-");
    }
    text
}

/// Whether `text` is a `Y` year (level 1 allows any number of digits)
/// whose digits the `edtf` crate, holding years in an `i64`, cannot read.
fn is_year_beyond_i64(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('Y') else {
        return false;
    };
    let digits = digits.strip_prefix('-').unwrap_or(digits);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<i64>().is_err()
}

/// Whether `text` is a year and a code of level 2's sub-year groupings
/// (25 to 41), qualified or not: `2001-33`, `-0010-25~`. The `edtf` crate
/// reads those codes as months out of range.
fn is_level_2_grouping(text: &str) -> bool {
    let text = text.trim_end_matches(['?', '~', '%']);
    let text = text.strip_prefix('-').unwrap_or(text);
    let Some((year, code)) = text.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && code.len() == 2
        && code
            .parse::<u8>()
            .is_ok_and(|code| (25..=41).contains(&code))
}

/// The feature of EDTF level 2 that `text` uses, if it is one of level
/// 2's forms: the `edtf` crate reads levels 0 and 1 only, so a date of
/// level 2 would otherwise be told it is no date at all.
fn level_2_feature(text: &str) -> Option<&'static str> {
    if is_set(text) {
        return Some("a set of dates ([…] one of them, {…} all of them)");
    }
    if is_exponential_year(text) {
        return Some("a year with an exponent (E) or significant digits (S)");
    }
    // Each end of an interval must be a date of some level: otherwise the
    // text is no date, whatever one end of it is.
    let sides: Vec<&str> = text.split('/').collect();
    let is_end =
        |side: &str| matches!(side, "" | "..") || is_some_date(side) || is_exponential_year(side);
    if sides.len() > 2 || !sides.iter().all(|side| is_end(side)) {
        return None;
    }
    if sides.iter().any(|side| is_exponential_year(side)) {
        return Some("a year with an exponent (E) or significant digits (S)");
    }
    for parts in sides.iter().filter_map(|side| date_parts(side)) {
        let last = parts.len() - 1;
        let inner_qualifier = (parts.iter().enumerate())
            .any(|(at, part)| part.qualified_before || (part.qualified_after && at < last));
        if inner_qualifier {
            return Some(
                "a qualifier (?, ~, %) on one part of a date (level 1 qualifies a whole date, \
                 at its end)",
            );
        }
        if parts.iter().any(|part| part.digits.contains('X')) {
            return Some(
                "unspecified digits (X) in a place level 1 has none (it has them as a year's \
                 last one or two digits, a whole month or a whole day)",
            );
        }
    }
    None
}

/// What is wrong with `text`, which no level reads, when it is a common
/// slip in writing a date of level 0 or 1.
fn slip(text: &str) -> Option<String> {
    let qualified = |date: &str| date.ends_with(['?', '~', '%']);
    for date in text.split('/') {
        if !text.contains('/') && date.contains('T') && qualified(date) {
            return Some(
                "a date and time takes no qualifier (?, ~, %): EDTF qualifies dates only"
                    .to_string(),
            );
        }
        // A date and time takes no qualifier at all, nor ends an interval:
        // no `%` makes either a date.
        if (date.ends_with("?~") || date.ends_with("~?")) && !text.contains(['T', 't', ' ']) {
            let bare = date.trim_end_matches(['?', '~']);
            return Some(format!(
                "a date both uncertain and approximate takes one qualifier, %: {bare}%"
            ));
        }
        let unsigned = date.strip_prefix('-').unwrap_or(date);
        let bytes = unsigned.as_bytes();
        let month_with_day = bytes.len() >= 10
            && bytes[..10].iter().enumerate().all(|(at, b)| {
                matches!(at, 4 | 7) == (*b == b'-') && (at == 4 || at == 7 || b.is_ascii_digit())
            });
        if month_with_day {
            let month = &unsigned[5..7];
            if !(1..=12).contains(&month.parse::<u8>().unwrap_or(0)) {
                return Some(format!(
                    "the month {month} is out of range: months are 01 to 12 (21 to 24, the \
                     seasons, have no days)"
                ));
            }
        }
    }
    None
}

/// `[1667, 1668]`, `{1960,1961}`, `[..1760-12-03]`, `[1670..1672]`:
/// brackets around dates, each a date of some level, and ranges of them.
fn is_set(text: &str) -> bool {
    let inner = (text.strip_prefix('[').and_then(|t| t.strip_suffix(']')))
        .or_else(|| text.strip_prefix('{').and_then(|t| t.strip_suffix('}')));
    inner.is_some_and(|inner| {
        inner.split(',').map(str::trim).all(|member| {
            // An open end is a `..` at the set's first or last member.
            let ends: Vec<&str> = member.split("..").collect();
            let is_member = |date: &str| is_some_date(date) || is_exponential_year(date);
            match ends.as_slice() {
                [date] => is_member(date),
                [from, to] => {
                    (from.is_empty() || is_member(from))
                        && (to.is_empty() || is_member(to))
                        && !(from.is_empty() && to.is_empty())
                }
                _ => false,
            }
        })
    })
}

/// Whether `text` is a date of some level, or one with level 2's
/// qualifiers and unspecified digits.
fn is_some_date(text: &str) -> bool {
    date_parts(text).is_some() || Edtf::parse(text).is_ok()
}

/// `Y17E7`, `Y-17E7`, `1950S2`, `Y3388E2S3`: a year, then an exponent,
/// significant digits or both.
fn is_exponential_year(text: &str) -> bool {
    let (prefixed, text) = match text.strip_prefix('Y') {
        Some(text) => (true, text),
        None => (false, text),
    };
    let text = text.strip_prefix('-').unwrap_or(text);
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let (rest, significant) = match text.split_once('S') {
        Some((rest, significant)) => (rest, Some(significant)),
        None => (text, None),
    };
    let (year, exponent) = match rest.split_once('E') {
        Some((year, exponent)) => (year, Some(exponent)),
        None => (rest, None),
    };
    // An exponent needs the `Y` of a long year; significant digits go on
    // one (`Y171010000S3`) or on a year of four digits (`1950S2`).
    let year_fits = prefixed || (exponent.is_none() && year.len() == 4);
    // At least one digit is significant.
    let significant_fits = significant.is_none_or(|s| digits(s) && s.bytes().any(|b| b != b'0'));
    (exponent.is_some() || significant.is_some())
        && year_fits
        && digits(year)
        && exponent.is_none_or(digits)
        && significant_fits
}

/// A year, month or day of a date written with level 2's qualifiers.
struct DatePart<'t> {
    qualified_before: bool,
    digits: &'t str,
    qualified_after: bool,
}

/// The parts of `side`, a date or an interval's end, if it is a year of
/// four digits or `X`, then a month and a day of two, each qualified
/// before or after or not (`?2004-06-~11`, `156X-12-25`).
fn date_parts(side: &str) -> Option<Vec<DatePart<'_>>> {
    let qualifiers: &[char] = &['?', '~', '%'];
    // A qualifier of the year can come before its sign: `%-2011-06-13`.
    let unqualified = side.strip_prefix(qualifiers).unwrap_or(side);
    let year_qualified = unqualified.len() < side.len();
    let unsigned = unqualified.strip_prefix('-').unwrap_or(unqualified);
    let parts: Vec<&str> = unsigned.split('-').collect();
    if parts.len() > 3 {
        return None;
    }
    (parts.iter().enumerate())
        .map(|(at, part)| {
            let digits = part.strip_prefix(qualifiers).unwrap_or(part);
            let qualified_before = digits.len() < part.len() || (at == 0 && year_qualified);
            let trimmed = digits.strip_suffix(qualifiers).unwrap_or(digits);
            // The 2012 draft's grouping, `2004-(06)?-11`.
            let trimmed =
                (trimmed.strip_prefix('(').and_then(|t| t.strip_suffix(')'))).unwrap_or(trimmed);
            // A month is 01 to 12, a day 01 to 31, as far as known.
            let (width, most) = match at {
                0 => (4, 9999),
                1 => (2, 12),
                _ => (2, 31),
            };
            let least = trimmed.replace('X', "0").parse::<u32>().ok();
            // A month or day known whole is 1 or more.
            let known_zero = at > 0 && trimmed == "00";
            let well_formed = trimmed.len() == width
                && trimmed.bytes().all(|b| b.is_ascii_digit() || b == b'X')
                && least.is_some_and(|least| least <= most)
                && !known_zero;
            well_formed.then_some(DatePart {
                qualified_before,
                digits: trimmed,
                qualified_after: digits.ends_with(qualifiers),
            })
        })
        .collect()
}

/// A date and time whose seconds are 60, with an offset from UTC.
struct LeapSecond {
    /// Whether it is 23:59:60 UTC, when leap seconds are inserted.
    ends_a_utc_day: bool,
    /// The offset as written (`Z`, `+01:00`).
    zone: String,
    /// The local time of 23:59 UTC at that offset, `HH:MM`.
    local_end_of_day: String,
    /// The text with :59 for :60.
    second_before: String,
}

impl LeapSecond {
    /// `text` as a leap second, if it is a date and time with seconds 60
    /// and an offset (`Z`, `±HH:MM`, `±HH`): without one, the time is
    /// local and only 23:59:60 is taken, as the `edtf` crate has it.
    fn of(text: &str) -> Option<LeapSecond> {
        let (day, time) = text.split_once('T')?;
        let (clock, zone) = time.split_at(time.find(['Z', '+', '-'])?);
        let clock_before = clock.strip_suffix(":60")?;
        let two_digits = |digits: &str| {
            (digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse::<i32>().ok())
                .flatten()
        };
        let (hour, minute) = clock_before.split_once(':')?;
        let local = two_digits(hour)? * 60 + two_digits(minute)?;
        let offset = match zone {
            "Z" => 0,
            _ => {
                let (hours, minutes) = zone[1..].split_once(':').unwrap_or((&zone[1..], "00"));
                let offset = two_digits(hours)? * 60 + two_digits(minutes)?;
                if zone.starts_with('-') {
                    -offset
                } else {
                    offset
                }
            }
        };
        let end_of_day = (23 * 60 + 59 + offset).rem_euclid(24 * 60);
        Some(LeapSecond {
            ends_a_utc_day: local == end_of_day,
            zone: zone.to_string(),
            local_end_of_day: format!("{:02}:{:02}", end_of_day / 60, end_of_day % 60),
            second_before: format!("{day}T{clock_before}:59{zone}"),
        })
    }
}

/// Whether a date of `text`, or an end of its interval, is in the year
/// `-0000`, which ISO 8601 does not write: zero has no sign.
fn has_negative_year_zero(text: &str) -> bool {
    text.split('/').any(|date| {
        (date.strip_prefix("-0000"))
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
    })
}

impl FromStr for EdtfDate {
    type Err = String;

    fn from_str(text: &str) -> Result<EdtfDate, String> {
        let leap = LeapSecond::of(text);
        // Said only of what would be a date and time but for its second
        // (written in canonical form or not: that is said once it is one).
        let reads = |text: &str| match text.parse::<EdtfDate>() {
            Ok(_) => true,
            Err(error) => error.contains("is not in canonical form"),
        };
        if let Some(leap) =
            (leap.as_ref()).filter(|leap| !leap.ends_a_utc_day && reads(&leap.second_before))
        {
            return Err(format!(
                "invalid EDTF date {text:?}: a leap second (:60) is 23:59:60 UTC, which at the \
                 offset {} is {}:60",
                leap.zone, leap.local_end_of_day
            ));
        }
        let parsed = match Edtf::parse(text) {
            Ok(parsed) => parsed,
            // The `edtf` crate takes a leap second at 23:59 local time
            // only: one at another offset is read as the second before.
            Err(edtf::ParseError::OutOfRange)
                if leap.as_ref().is_some_and(|l| l.ends_a_utc_day) =>
            {
                let second_before = leap.map(|leap| leap.second_before).unwrap_or_default();
                let date: EdtfDate = (second_before.parse())
                    .map_err(|error: String| error.replace(&second_before, text))?;
                return Ok(EdtfDate {
                    text: text.to_string(),
                    parsed: date.parsed,
                });
            }
            Err(edtf::ParseError::OutOfRange) if is_level_2_grouping(text) => {
                return Err(format!(
                    "invalid EDTF date {text:?}: sub-year groupings 25 to 41 (quarters, \
                     halves, seasons of a hemisphere) are EDTF level 2; corpack takes the \
                     seasons 21 to 24"
                ));
            }
            Err(edtf::ParseError::OutOfRange) => {
                let why = slip(text).unwrap_or_else(|| {
                    "a month, day, year, time of day or time zone offset is out of range".into()
                });
                return Err(format!("invalid EDTF date {text:?}: {why}"));
            }
            Err(_) if is_year_beyond_i64(text) => {
                return Err(format!(
                    "EDTF date {text:?}: a year beyond ±{} is not supported",
                    i64::MAX
                ));
            }
            Err(_) if has_negative_year_zero(text) => {
                return Err(format!(
                    "invalid EDTF date {text:?}: year zero is written 0000, without a sign"
                ));
            }
            Err(_) if matches!(text, "../.." | "../" | "/.." | "/" | "..") => {
                return Err(format!(
                    "invalid EDTF date {text:?}: an interval with no end known says nothing of \
                     when; give at least one end (1938/.., ../1938, 1938/)"
                ));
            }
            Err(_) => {
                if let Some(slip) = slip(text) {
                    return Err(format!("invalid EDTF date {text:?}: {slip}"));
                }
                if let Some(feature) = level_2_feature(text) {
                    return Err(format!(
                        "invalid EDTF date {text:?}: it is EDTF level 2, with {feature}; corpack \
                         takes levels 0 and 1 (2014-06-20, 2014-06-20?, 1937~, 193X, 1936/1938)"
                    ));
                }
                return Err(format!(
                    "invalid EDTF date {text:?}: expected EDTF level 0 or 1, \
                     e.g. 2014-06-20, 2014-06-20?, 1937~, 193X, 1936/1938"
                ));
            }
        };
        let (dates, is_interval) = match parsed {
            Edtf::Date(date) => ([Some(date), None], false),
            Edtf::Interval(from, to) => ([Some(from), Some(to)], true),
            Edtf::IntervalFrom(date, _) | Edtf::IntervalTo(_, date) => ([Some(date), None], true),
            Edtf::DateTime(_) | Edtf::YYear(_) => ([None, None], false),
        };
        let mut dates = dates.into_iter().flatten();
        // `edtf` 0.2 reads a season with an unspecified day (`2004-23-XX`),
        // which no level has: a season has no days.
        if dates
            .clone()
            .any(|date| matches!(date.precision(), Precision::DayOfMonth(_, month) if month > 12))
        {
            return Err(format!(
                "invalid EDTF date {text:?}: a season (21 to 24) has no days, known or not"
            ));
        }
        // `edtf` 0.2 also reads unspecified digits in an interval's ends,
        // which the specification puts at level 2 (its example is
        // `2004-06-XX/2004-07-03`).
        if is_interval && dates.any(has_unspecified_digits) {
            return Err(format!(
                "invalid EDTF date {text:?}: unspecified digits (X) in an interval \
                 are EDTF level 2; write the interval's ends in full (2004-06/2004-07-03)"
            ));
        }
        let canonical = canonical_text(&parsed);
        if canonical != text {
            return Err(format!(
                "EDTF date {text:?} is not in canonical form: write {canonical:?}"
            ));
        }
        let date = EdtfDate {
            text: canonical,
            parsed,
        };
        if let DateInterval {
            start: Bound::Day(start),
            end: Bound::Day(end),
        } = date.interval()
            && start > end
        {
            return Err(format!(
                "invalid EDTF date {text:?}: the interval ends ({end}) before it starts ({start})"
            ));
        }
        Ok(date)
    }
}

string_value!(
    EdtfDate,
    "A date in the Extended Date/Time Format (ISO 8601-2), level 0 or 1: 2014-06-20, 2014-06-20? (uncertain), 1937~ (approximate), 193X (unspecified digit), 1936/1938 (interval), ../1938 (open start).",
    { "minLength": 1 }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_level_0_and_1() {
        for good in [
            "2014-06-20",
            "2014-06-20?",
            "1937~",
            "1937%",
            "193X",
            "19XX",
            "1936/1938",
            "../1938",
            "1938/..",
            "2001-21",
            "1985-04-12T23:20:30Z",
        ] {
            let date: EdtfDate = good.parse().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(date.as_str(), good);
        }
    }

    #[test]
    fn rejects_invalid_dates() {
        for bad in [
            "",
            "2014-13-01",
            "2019-02-29",
            "June 2014",
            "2014/06/20",
            "14-06-20",
            " 2014",
            "2014 ",
            "201x",
            "2014-06-20?~",
            "../..",
            "/",
            "2014-XX-20",
            "2004-23-XX",
            "2004-21-XX/2005",
        ] {
            assert!(bad.parse::<EdtfDate>().is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn an_error_out_of_range_names_the_time_too() {
        for (bad, named) in [
            ("2003-02-29", "day"),
            ("1985-04-12T25:00:00", "time of day"),
            ("1985-04-12T24:00:00", "time of day"),
            ("1985-04-12T23:20:30+24", "offset"),
            ("Y1000000000000000000000", "beyond"),
            ("Y-99999999999999999999", "beyond"),
            ("2001-25", "level 2"),
            ("-0010-41~", "level 2"),
            ("2001-42", "out of range"),
            ("2001-13", "out of range"),
            ("2014-13-01", "the month 13 is out of range"),
            ("2014-99-01~", "the month 99 is out of range"),
            ("2014-06-11/2014-13-01", "the month 13 is out of range"),
        ] {
            let error = bad.parse::<EdtfDate>().unwrap_err();
            assert!(error.contains(named), "{bad}: {error}");
        }
    }

    #[test]
    fn common_slips_are_named() {
        for (bad, named) in [
            ("1937~?", "one qualifier, %: 1937%"),
            ("2014-06-20?~", "one qualifier, %: 2014-06-20%"),
            ("1936/1938~?", "one qualifier, %: 1938%"),
            (
                "2014-06-20T12:00:00Z?",
                "a date and time takes no qualifier",
            ),
            ("2014-06-20T12:00:00%", "a date and time takes no qualifier"),
            (
                "2014-06-20T10:00:00~?",
                "a date and time takes no qualifier",
            ),
        ] {
            let error = bad.parse::<EdtfDate>().unwrap_err();
            assert!(error.contains(named), "{bad}: {error}");
        }
        // An interval does not end in a date and time, qualified or not.
        for bad in [
            "1985/2014-06-20T10:00:00?",
            "2014-06-20T10:00:00~?/2015",
            "2004?~/2014-06-20T10:00:00",
            "2014-06-20t10:00:00?~",
            "2014-06-20 10:00:00?~",
        ] {
            let error = bad.parse::<EdtfDate>().unwrap_err();
            assert!(!error.contains("qualifier"), "{error}");
        }
    }

    // Level 2 examples of the specification: corpack accepts levels 0 and
    // 1 only, as the issue asks.
    #[test]
    fn rejects_level_2() {
        for level_2 in [
            "Y17E7",
            "1950S2",
            "2001-25",
            "2001-41",
            "{1667,1668,1670..1672}",
            "[1760-12..]",
            "2004?-06-11",
            "?2004-06-~11",
            "2004-(06)?-11",
            "156X-12-25",
            "15XX-12-XX",
            "1XXX-XX",
            "XXXX-12-XX",
            "1984-1X",
            // Unspecified digits in an interval are level 2 ("portions of a
            // date within an interval may be designated as ... unspecified").
            "2004-06-XX/2004-07-03",
            "193X/1945",
            "1936/194X",
            "2004-XX/2005",
            "2004-XX-XX/..",
            "../19XX",
            "/2004-06-XX",
            "2004-06-XX?/2004-07-03",
            "%-2011-06-13",
            "Y17E7/2000",
            "../Y-17E7",
            "1950S2/1960",
            "[Y17E7, 2000]",
            "{Y17E7}",
        ] {
            let error = level_2.parse::<EdtfDate>().unwrap_err();
            assert!(error.contains("level 2"), "{level_2:?}: {error}");
        }
    }

    #[test]
    fn an_interval_needs_an_end() {
        for endless in ["../..", "../", "/..", "/", ".."] {
            let error = endless.parse::<EdtfDate>().unwrap_err();
            assert!(error.contains("no end known"), "{endless:?}: {error}");
        }
    }

    #[test]
    fn a_leap_second_is_the_last_of_a_utc_day() {
        for leap in [
            "2016-12-31T23:59:60Z",
            "2016-12-31T23:59:60+00:00",
            "2016-12-31T22:59:60-01:00",
            "2017-01-01T00:59:60+01:00",
            "2017-01-01T05:29:60+05:30",
            "2017-01-01T00:59:60+01",
            "2016-12-31T23:59:60",
        ] {
            let date = leap.parse::<EdtfDate>().unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(date.as_str(), leap);
        }
        for (not_leap, local) in [
            ("2016-12-31T23:59:60+01:00", "00:59:60"),
            ("2016-12-31T23:59:60-01:00", "22:59:60"),
            ("1979-05-27T07:32:60Z", "23:59:60"),
            ("2016-12-31T23:59:60+01", "00:59:60"),
            ("2016-12-31T12:59:60-00:00", "23:59:60"),
        ] {
            let error = not_leap.parse::<EdtfDate>().unwrap_err();
            assert!(
                error.contains("a leap second (:60) is 23:59:60 UTC"),
                "{error}"
            );
            assert!(error.ends_with(&format!(" is {local}")), "{error}");
        }
        // Whatever else is wrong is said of the text as written.
        let error = "2016-12-31T22:59:60-01:00".replace("12-31", "12-32");
        let error = error.parse::<EdtfDate>().unwrap_err();
        assert!(error.contains("\"2016-12-32T22:59:60-01:00\""), "{error}");
        assert!("2016-12-31T12:59:60".parse::<EdtfDate>().is_err());
        // What is no date and time but for its second is not told of it.
        for no_date in [
            "2016/2016-12-31T23:59:60+01:00",
            "T23:59:60+01:00",
            "2016-13-45T23:59:60+01:00",
            "2016-12-31T24:00:60Z",
            "2016-12-31T23:59:60+99:99",
        ] {
            let error = no_date.parse::<EdtfDate>().unwrap_err();
            assert!(!error.contains("leap second"), "{no_date:?}: {error}");
        }
    }

    #[test]
    fn year_zero_has_no_sign() {
        for signed in [
            "-0000",
            "-0000-06",
            "-0000-06-20",
            "-0000~",
            "-0000/0001",
            "0001/-0000",
        ] {
            let error = signed.parse::<EdtfDate>().unwrap_err();
            assert!(
                error.contains("year zero is written 0000"),
                "{signed:?}: {error}"
            );
        }
        for date in ["0000", "-0001", "-0010-06", "0000/0001"] {
            assert!(date.parse::<EdtfDate>().is_ok(), "{date:?}");
        }
    }

    #[test]
    fn a_date_that_is_no_level_is_not_called_level_2() {
        for malformed in [
            "June 2014",
            "2014-6-1",
            "20?4",
            "2004-06-11-01",
            "Y17E",
            "E7",
            "2004-06-11??",
            "x",
            "19x5",
            "2001-2X",
            "[1667,1668",
            "{1960",
            "[]",
            "[June 2014]",
            "{junk}",
            "17E7",
            "1E1",
            "12S3",
            "2004-19-1X",
            "foo/2004?-06",
            "[1]",
            "[99999]",
            "[1:2]",
            "{1%%%}",
            "[1,,2]",
            "[1..]",
            "{2004-99-99}",
            "2004-1X-00",
            "1950S0",
        ] {
            let error = malformed.parse::<EdtfDate>().unwrap_err();
            assert!(!error.contains("level 2"), "{malformed:?}: {error}");
            assert!(
                error.contains("expected EDTF level 0 or 1"),
                "{malformed:?}: {error}"
            );
        }
    }

    #[test]
    fn only_the_canonical_form_is_accepted() {
        let error = "1985-04-12T23:20:30-00".parse::<EdtfDate>().unwrap_err();
        assert!(
            error.contains("write \"1985-04-12T23:20:30+00\""),
            "{error}"
        );
        // The parser's canonical forms are accepted as they are.
        for canonical in [
            "1985-04-12T23:20:30+00",
            "1985-04-12T23:20:30+04:30",
            "1985-04-12T23:20:30-04:30",
            "1985-04-12T23:20:30-00:30",
            "1985-04-12T23:20:30+00:30",
            "Y-170000002",
        ] {
            assert_eq!(canonical.parse::<EdtfDate>().unwrap().as_str(), canonical);
        }
    }

    #[test]
    fn an_interval_cannot_end_before_it_starts() {
        for bad in ["2008/1964", "2004-06-11/2004-06-10", "2001-24/2001-21"] {
            let error = bad.parse::<EdtfDate>().unwrap_err();
            assert!(error.contains("ends"), "{bad}: {error}");
        }
        // The widest readings may overlap: 2004-06 can be the 3rd.
        for good in ["2004-06/2004-06-03", "2004-06-03/2004-06", "1964/1964"] {
            assert!(good.parse::<EdtfDate>().is_ok(), "{good}");
        }
    }

    #[test]
    fn overlapping_intervals() {
        let interval = |text: &str| text.parse::<EdtfDate>().unwrap().interval();
        let thirties = interval("193X");
        assert!(thirties.overlaps(&interval("1937~")));
        assert!(thirties.overlaps(&interval("1939-12-31/1950")));
        assert!(thirties.overlaps(&interval("../1930-01-01")));
        assert!(thirties.overlaps(&interval("1935/")));
        assert!(!thirties.overlaps(&interval("1940/..")));
        assert!(!thirties.overlaps(&interval("/1929")));
        assert!(!thirties.overlaps(&interval("2014-06-20?")));
        assert!(interval("../1938").overlaps(&interval("1900/..")));
    }

    fn interval(text: &str) -> String {
        let date: EdtfDate = text.parse().unwrap_or_else(|e| panic!("{e}"));
        date.interval().to_string()
    }

    #[test]
    fn intervals_of_the_cases_corpack_meets() {
        for (edtf, iso) in [
            ("2014-06-20?", "2014-06-20/2014-06-20"),
            ("2014-06", "2014-06-01/2014-06-30"),
            ("1937~", "1937-01-01/1937-12-31"),
            ("193X", "1930-01-01/1939-12-31"),
            ("19XX", "1900-01-01/1999-12-31"),
            ("2004-XX", "2004-01-01/2004-12-31"),
            ("2004-06-XX", "2004-06-01/2004-06-30"),
            ("1936/1938", "1936-01-01/1938-12-31"),
            ("../1938", "../1938-12-31"),
            ("1938/", "1938-01-01/.."),
        ] {
            assert_eq!(interval(edtf), iso, "{edtf}");
        }
    }

    // Every example of levels 0 and 1 in the EDTF specification
    // (https://www.loc.gov/standards/datetime/, 2019).
    #[test]
    fn intervals_of_the_specification_examples() {
        for (edtf, iso) in [
            // Level 0.
            ("1985-04-12", "1985-04-12/1985-04-12"),
            ("1985-04", "1985-04-01/1985-04-30"),
            ("1985", "1985-01-01/1985-12-31"),
            ("1985-04-12T23:20:30", "1985-04-12/1985-04-12"),
            ("1985-04-12T23:20:30Z", "1985-04-12/1985-04-12"),
            ("1985-04-12T23:20:30-04", "1985-04-12/1985-04-12"),
            ("1985-04-12T23:20:30+04:30", "1985-04-12/1985-04-12"),
            ("1964/2008", "1964-01-01/2008-12-31"),
            ("2004-06/2006-08", "2004-06-01/2006-08-31"),
            ("2004-02-01/2005-02-08", "2004-02-01/2005-02-08"),
            ("2004-02-01/2005-02", "2004-02-01/2005-02-28"),
            ("2004-02-01/2005", "2004-02-01/2005-12-31"),
            ("2005/2006-02", "2005-01-01/2006-02-28"),
            // Level 1: letter-prefixed years, seasons, qualifiers.
            ("Y170000002", "+170000002-01-01/+170000002-12-31"),
            ("Y-170000002", "-170000002-01-01/-170000002-12-31"),
            ("2001-21", "2001-03-01/2001-05-31"),
            ("2001-22", "2001-06-01/2001-08-31"),
            ("2001-23", "2001-09-01/2001-11-30"),
            ("2001-24", "2001-12-01/2002-02-28"),
            ("2003-24", "2003-12-01/2004-02-29"),
            ("1984?", "1984-01-01/1984-12-31"),
            ("2004-06~", "2004-06-01/2004-06-30"),
            ("2004-06-11%", "2004-06-11/2004-06-11"),
            // Level 1: unspecified digits.
            ("201X", "2010-01-01/2019-12-31"),
            ("20XX", "2000-01-01/2099-12-31"),
            ("2004-XX", "2004-01-01/2004-12-31"),
            ("1985-04-XX", "1985-04-01/1985-04-30"),
            ("1985-XX-XX", "1985-01-01/1985-12-31"),
            // Level 1: extended intervals.
            ("1985-04-12/..", "1985-04-12/.."),
            ("1985-04/..", "1985-04-01/.."),
            ("1985/..", "1985-01-01/.."),
            ("../1985-04-12", "../1985-04-12"),
            ("../1985-04", "../1985-04-30"),
            ("../1985", "../1985-12-31"),
            ("1985-04-12/", "1985-04-12/.."),
            ("1985-04/", "1985-04-01/.."),
            ("1985/", "1985-01-01/.."),
            ("/1985-04-12", "../1985-04-12"),
            ("/1985-04", "../1985-04-30"),
            ("/1985", "../1985-12-31"),
            ("1984~/2004-06", "1984-01-01/2004-06-30"),
            ("1984/2004-06~", "1984-01-01/2004-06-30"),
            ("1984~/2004~", "1984-01-01/2004-12-31"),
            ("1984?/2004%", "1984-01-01/2004-12-31"),
            ("1984-06?/2004-08?", "1984-06-01/2004-08-31"),
            ("1984-06-02?/2004-08-08~", "1984-06-02/2004-08-08"),
            ("1984-06-02?/", "1984-06-02/.."),
            // Level 1: negative calendar year.
            ("-1985", "-1985-01-01/-1985-12-31"),
        ] {
            assert_eq!(interval(edtf), iso, "{edtf}");
        }
    }

    #[test]
    fn negative_and_small_years() {
        for (edtf, iso) in [
            ("-193X", "-1939-01-01/-1930-12-31"),
            ("-19XX", "-1999-01-01/-1900-12-31"),
            ("0000", "0000-01-01/0000-12-31"),
            ("0000-02", "0000-02-01/0000-02-29"),
            ("-0001-02", "-0001-02-01/-0001-02-28"),
            ("-0004-02", "-0004-02-01/-0004-02-29"),
            ("0043-03-15", "0043-03-15/0043-03-15"),
        ] {
            assert_eq!(interval(edtf), iso, "{edtf}");
        }
    }

    #[test]
    fn open_and_unknown_ends_stay_distinct() {
        let open: EdtfDate = "1938/..".parse().unwrap();
        let unknown: EdtfDate = "1938/".parse().unwrap();
        assert_eq!(open.interval().end, Bound::Open);
        assert_eq!(unknown.interval().end, Bound::Unknown);
        assert_eq!(open.interval().to_string(), unknown.interval().to_string());
    }

    // Month lengths, leap years included, agree with chrono over four
    // centuries and the edge years 1600 to 2400.
    #[test]
    fn month_ends_match_chrono() {
        let years = (1896..=2104).chain([1600, 1700, 1800, 2400]);
        for year in years {
            for month in 1..=12u32 {
                let next = if month == 12 {
                    chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
                } else {
                    chrono::NaiveDate::from_ymd_opt(year, month + 1, 1)
                };
                let last = next.unwrap().pred_opt().unwrap();
                let expected = format!("{year:04}-{month:02}-01/{}", last.format("%Y-%m-%d"));
                assert_eq!(interval(&format!("{year:04}-{month:02}")), expected);
            }
        }
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        /// A level 0 or 1 date with no unspecified digits, which can end an
        /// interval, in canonical form, with the first and last days it can
        /// mean.
        fn specified_date() -> impl Strategy<Value = (String, CalendarDay, CalendarDay)> {
            let qualifier = prop::sample::select(vec!["", "?", "~", "%"]);
            let day_date = (-2000i64..=9999, 1u8..=12, 1u8..=31, qualifier.clone())
                .prop_filter_map("a real day", |(year, month, day, q)| {
                    (day <= days_in_month(year, month)).then(|| {
                        let day = CalendarDay::new(year, month, day);
                        (format!("{day}{q}"), day, day)
                    })
                });
            let month_date = (0i64..=9999, 1u8..=12, qualifier.clone()).prop_map(|(y, m, q)| {
                (
                    format!("{y:04}-{m:02}{q}"),
                    CalendarDay::first_of_month(y, m),
                    CalendarDay::last_of_month(y, m),
                )
            });
            let year_date = (0i64..=9999, qualifier.clone()).prop_map(|(y, q)| {
                (
                    format!("{y:04}{q}"),
                    CalendarDay::new(y, 1, 1),
                    CalendarDay::new(y, 12, 31),
                )
            });
            let season = (0i64..=9998, 21u8..=24, qualifier).prop_map(|(y, s, q)| {
                let (first, last) = match s {
                    21 => (
                        CalendarDay::first_of_month(y, 3),
                        CalendarDay::last_of_month(y, 5),
                    ),
                    22 => (
                        CalendarDay::first_of_month(y, 6),
                        CalendarDay::last_of_month(y, 8),
                    ),
                    23 => (
                        CalendarDay::first_of_month(y, 9),
                        CalendarDay::last_of_month(y, 11),
                    ),
                    _ => (
                        CalendarDay::first_of_month(y, 12),
                        CalendarDay::last_of_month(y + 1, 2),
                    ),
                };
                (format!("{y:04}-{s}{q}"), first, last)
            });
            prop_oneof![day_date, month_date, year_date, season]
        }

        /// A level 0 or 1 date (no interval), in canonical form, with the
        /// first and last days it can mean.
        fn single_date() -> impl Strategy<Value = (String, CalendarDay, CalendarDay)> {
            let decade = (0i64..=999).prop_map(|d| {
                (
                    format!("{d:03}X"),
                    CalendarDay::new(d * 10, 1, 1),
                    CalendarDay::new(d * 10 + 9, 12, 31),
                )
            });
            let unspecified_day = (0i64..=9999, 1u8..=12).prop_map(|(y, m)| {
                (
                    format!("{y:04}-{m:02}-XX"),
                    CalendarDay::first_of_month(y, m),
                    CalendarDay::last_of_month(y, m),
                )
            });
            prop_oneof![specified_date(), decade, unspecified_day]
        }

        proptest! {
            #[test]
            fn any_date_parses_in_canonical_form_with_its_days((text, first, last) in single_date()) {
                let date: EdtfDate = text.parse().map_err(TestCaseError::fail)?;
                prop_assert_eq!(date.as_str(), text.as_str());
                prop_assert_eq!(date.interval(), DateInterval { start: Bound::Day(first), end: Bound::Day(last) });
            }

            #[test]
            fn an_interval_spans_its_ends(a in specified_date(), b in specified_date()) {
                let (start, end) = if a.1 <= b.1 { (a, b) } else { (b, a) };
                let text = format!("{}/{}", start.0, end.0);
                let parsed = text.parse::<EdtfDate>();
                if start.1 > end.2 {
                    prop_assert!(parsed.is_err(), "{} accepted", text);
                } else {
                    let date = parsed.map_err(TestCaseError::fail)?;
                    prop_assert_eq!(date.interval(), DateInterval { start: Bound::Day(start.1), end: Bound::Day(end.2) });
                    let open = format!("../{}", end.0).parse::<EdtfDate>().map_err(TestCaseError::fail)?;
                    prop_assert_eq!(open.interval().start, Bound::Open);
                    let unknown = format!("{}/", start.0).parse::<EdtfDate>().map_err(TestCaseError::fail)?;
                    prop_assert_eq!(unknown.interval().end, Bound::Unknown);
                }
            }

            #[test]
            fn any_text_is_a_date_or_an_error(text in "[0-9X?~%/.Y-]{0,12}") {
                if let Ok(date) = text.parse::<EdtfDate>() {
                    prop_assert_eq!(date.as_str(), text.as_str());
                }
            }
        }
    }
}
