//! The widest span of calendar days an EDTF date can mean, for systems
//! that do not read EDTF: the rules are in the docs of [`crate::edtf`].

use std::fmt;

use edtf::level_1::{Date, Precision, Season, Terminal};

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
    pub(super) fn new(year: i64, month: u8, day: u8) -> CalendarDay {
        debug_assert!((1..=12).contains(&month) && (1..=days_in_month(year, month)).contains(&day));
        CalendarDay { year, month, day }
    }

    pub(super) fn first_of_month(year: i64, month: u8) -> CalendarDay {
        CalendarDay::new(year, month, 1)
    }

    pub(super) fn last_of_month(year: i64, month: u8) -> CalendarDay {
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

/// The first and last months of a season (see the docs of `crate::edtf`), and
/// whether the last one is in the next year.
fn season_months(season: Season) -> (u8, u8, bool) {
    let code = match season {
        Season::Spring => 21,
        Season::Summer => 22,
        Season::Autumn => 23,
        Season::Winter => 24,
    };
    sub_year_months(code).expect("21 to 24 are seasons")
}

/// The first and last months of a sub-year grouping, 21 to 41, and whether
/// the last one is in the next year; `None` for another code.
///
/// Seasons are meteorological, whole months: 21 to 24 and the northern
/// hemisphere's 25 to 28 run spring, summer, autumn, winter from March,
/// and the southern hemisphere's 29 to 32 (spring, summer, autumn,
/// winter) from September, so that winter (24, 28) and the southern
/// summer (30) run from December into the next year. Quarters (33 to 36),
/// quadrimesters (37 to 39) and semesters (40, 41) divide the year from
/// January. Level 2's groupings (25 to 41) are read only to compare the
/// ends of a set's range.
pub(super) fn sub_year_months(code: u8) -> Option<(u8, u8, bool)> {
    let months = match code {
        21 | 25 | 31 => (3, 5, false),
        22 | 26 | 32 => (6, 8, false),
        23 | 27 | 29 => (9, 11, false),
        24 | 28 | 30 => (12, 2, true),
        33..=36 => {
            let first = 1 + 3 * (code - 33);
            (first, first + 2, false)
        }
        37..=39 => {
            let first = 1 + 4 * (code - 37);
            (first, first + 3, false)
        }
        40 | 41 => {
            let first = 1 + 6 * (code - 40);
            (first, first + 5, false)
        }
        _ => return None,
    };
    Some(months)
}

/// The first and last days a single EDTF date (no interval) can mean.
pub(super) fn date_days(date: Date) -> (CalendarDay, CalendarDay) {
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

pub(super) fn terminal_bound(terminal: Terminal) -> Bound {
    match terminal {
        Terminal::Open => Bound::Open,
        Terminal::Unknown => Bound::Unknown,
    }
}

fn is_leap_year(year: i64) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

pub(super) fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}
