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
//! A season (`2001-21`) ends an interval at level 1 (`2001-21/2002-22`,
//! `2001-24~/..`): the specification puts the season codes "in place of a
//! month value" of a year-and-month, which a level 0 interval's ends can
//! be, and it keeps the whole of its 2012 draft, whose grammar gives
//! level 1 intervals a date or season at each end, qualified or not
//! (`L1Start = (dateOrSeason UASymbol?) | "unknown"`). Level 2's
//! sub-year groupings (25 to 41) extend the seasons, so an interval
//! ending in one is level 2, as the grouping is on its own. A `Y` year in
//! an interval is refused: the draft's grammar has none there, and the
//! specification gives no example of one.
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

mod interval;
mod refusal;
#[cfg(test)]
mod tests;

use std::fmt;
use std::str::FromStr;

use edtf::TzOffset;
use edtf::level_1::{Date, Edtf, Precision};

pub use self::interval::{Bound, CalendarDay, DateInterval};
use self::interval::{date_days, terminal_bound};
use self::refusal::{
    LeapSecond, backwards_range, has_negative_year_zero, is_level_2_grouping,
    is_negative_year_unspecified_after_zeros, is_year_beyond_i64, level_2_feature,
    level_2_grouping_end, slip, time_of_day_end, time_out_of_range,
};
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
        // A local time at another minute is the parser's to refuse.
        if let Some(leap) = (leap.as_ref()).filter(|leap| {
            !leap.zone.is_empty() && !leap.ends_a_utc_day && reads(&leap.second_before)
        }) {
            return Err(format!(
                "invalid EDTF date {text:?}: a leap second (:60) is 23:59:60 UTC, which at the \
                 offset {} is {}:60",
                leap.zone, leap.local_end_of_day
            ));
        }
        if (leap.as_ref()).is_some_and(|leap| {
            leap.ends_a_utc_day && !leap.ends_a_utc_month && reads(&leap.second_before)
        }) {
            return Err(format!(
                "invalid EDTF date {text:?}: a leap second (:60) is 23:59:60 UTC on the last day \
                 of a month, and this one is within a month"
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
            Err(_) if level_2_grouping_end(text).is_some() => {
                let end = level_2_grouping_end(text).unwrap_or_default();
                return Err(format!(
                    "invalid EDTF date {text:?}: the interval's end {end} is a sub-year grouping \
                     of level 2 (25 to 41: quarters, halves, seasons of a hemisphere), which \
                     level 2 adds to level 1's seasons, at an interval's end as elsewhere; \
                     corpack takes levels 0 and 1, and so the seasons 21 to 24 at an \
                     interval's end (2001-21/2002-22)"
                ));
            }
            Err(edtf::ParseError::OutOfRange) => {
                let why = (slip(text).or_else(|| time_out_of_range(text))).unwrap_or_else(|| {
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
            Err(_) if is_negative_year_unspecified_after_zeros(text) => {
                return Err(format!(
                    "EDTF date {text:?}: unspecified digits in a negative year whose other \
                     digits are zeros are not read by corpack; give the years as an interval \
                     (-0099/-0001 for -00XX)"
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
                if let Some((from, to)) = backwards_range(text) {
                    return Err(format!(
                        "invalid EDTF date {text:?}: the set's range {from}..{to} runs \
                         backwards, from a later date to an earlier one, and so holds no date; \
                         a range runs from its earlier date to its later ({to}..{from})"
                    ));
                }
                if let Some(end) = time_of_day_end(text) {
                    let day = end.split('T').next().unwrap_or(end);
                    return Err(format!(
                        "invalid EDTF date {text:?}: the interval's end {end} has a time of \
                         day, and EDTF intervals run between dates (level 0, Time Interval: \
                         time of day is excluded); give the day ({day})"
                    ));
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
