//! Why a text is not an EDTF date corpack takes, in words that help: a
//! common slip (`2014-13-01`, `1937~?`), a level 2 feature named, a year
//! beyond what is read, a leap second at the wrong time of day.

use std::ops::RangeInclusive;

use edtf::level_1::Edtf;

use super::EdtfDate;
use super::interval::{Bound, DateInterval, days_in_month, sub_year_months};

/// Whether `text` is a `Y` year (level 1 allows any number of digits)
/// whose digits the `edtf` crate, holding years in an `i64`, cannot read.
pub(super) fn is_year_beyond_i64(text: &str) -> bool {
    let Some(digits) = text.strip_prefix('Y') else {
        return false;
    };
    let digits = digits.strip_prefix('-').unwrap_or(digits);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<i64>().is_err()
}

/// Whether `text` is a negative year of level 1 with unspecified digits
/// after zeros only, qualified or not (`-000X`, `-00XX~`): the `edtf`
/// crate reads no negative year whose known digits are all zero.
pub(super) fn is_negative_year_unspecified_after_zeros(text: &str) -> bool {
    let date = text.strip_suffix(['?', '~', '%']).unwrap_or(text);
    matches!(date, "-000X" | "-00XX")
}

/// Whether `text` is a year and a code of level 2's sub-year groupings
/// (25 to 41), qualified or not: `2001-33`, `-0010-25~`. The `edtf` crate
/// reads those codes as months out of range.
pub(super) fn is_level_2_grouping(text: &str) -> bool {
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

/// The end of the interval `text` that is a sub-year grouping of level 2
/// (`2001-25` of `2001-25/2002`), when each end is an end of some level.
/// Level 2's groupings extend level 1's seasons, which end intervals (see
/// the docs of `crate::edtf`), so such an interval is level 2, as the
/// grouping on its own is.
pub(super) fn level_2_grouping_end(text: &str) -> Option<&str> {
    interval_end_where(text, is_level_2_grouping)
}

/// The end of the interval `text` that is a date and time
/// (`1985-04-12T23:20:30` of `1985-04-12T23:20:30/1986`), when the other
/// end is an end of some level: EDTF's intervals have dates at their ends
/// (level 0, Time Interval: "Time of day is excluded"), at every level.
pub(super) fn time_of_day_end(text: &str) -> Option<&str> {
    interval_end_where(text, |side| {
        matches!(Edtf::parse(side), Ok(Edtf::DateTime(_)))
    })
}

/// The first end of the interval `text` that is `wanted`, when both ends
/// are ends of some level (open, unknown, a date, an exponential year or a
/// level 2 grouping).
fn interval_end_where(text: &str, wanted: impl Fn(&str) -> bool) -> Option<&str> {
    let sides: Vec<&str> = text.split('/').collect();
    let is_end = |side: &str| {
        matches!(side, "" | "..")
            || is_some_date(side)
            || is_exponential_year(side)
            || is_level_2_grouping(side)
    };
    if sides.len() != 2 || !sides.iter().all(|side| is_end(side)) {
        return None;
    }
    sides.into_iter().find(|side| wanted(side))
}

/// The feature of EDTF level 2 that `text` uses, if it is one of level
/// 2's forms: the `edtf` crate reads levels 0 and 1 only, so a date of
/// level 2 would otherwise be told it is no date at all.
pub(super) fn level_2_feature(text: &str) -> Option<&'static str> {
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
pub(super) fn slip(text: &str) -> Option<String> {
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
        // A year and month, qualified or not: the month may be a season
        // (21 to 24), and 25 to 41 are level 2's groupings, named before.
        let bare = unsigned.trim_end_matches(['?', '~', '%']).as_bytes();
        let month_alone = bare.len() == 7
            && (bare.iter().enumerate()).all(|(at, b)| (at == 4) == (*b == b'-'))
            && (bare.iter()).all(|b| *b == b'-' || b.is_ascii_digit());
        if month_alone {
            let month = &unsigned[5..7];
            let code = month.parse::<u8>().unwrap_or(0);
            if !(1..=12).contains(&code) && !(21..=41).contains(&code) {
                return Some(format!(
                    "the month {month} is out of range: months are 01 to 12, and 21 to 24 \
                     the seasons"
                ));
            }
        }
    }
    // Each date of the text (an interval's ends and a set's members),
    // without its time of day.
    text.split(['/', ',', '[', ']', '{', '}'])
        .flat_map(|date| date.split(".."))
        .find_map(|date| day_beyond_month(date.split('T').next().unwrap_or(date)))
}

/// What is out of range in the time of day of `text`, a date and time
/// whose date is a day (`1985-04-12T25:20:30`): the hour, the minute, the
/// second or the offset, the first of them that is, in the terms of ISO
/// 8601-1's extended format, which EDTF level 0 takes.
pub(super) fn time_out_of_range(text: &str) -> Option<String> {
    let (_, time) = text.split_once('T')?;
    let (clock, zone) = time.split_at(time.find(['Z', '+', '-']).unwrap_or(time.len()));
    let two_digits = |digits: &str| {
        (digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u8>().ok())
            .flatten()
    };
    let [hour, minute, second] = clock.split(':').collect::<Vec<_>>()[..] else {
        return None;
    };
    let (hours, minutes, seconds) = (two_digits(hour)?, two_digits(minute)?, two_digits(second)?);
    let (zone_hours, zone_minutes) = match zone {
        "" | "Z" => (0, 0),
        _ => {
            let (hours, minutes) = zone[1..].split_once(':').unwrap_or((&zone[1..], "00"));
            (two_digits(hours)?, two_digits(minutes)?)
        }
    };
    if hours == 24 {
        Some(
            "the hour 24 is out of range: hours are 00 to 23, and midnight at the end of a \
             day is 00:00:00 of the next"
                .to_string(),
        )
    } else if hours > 23 {
        Some(format!(
            "the hour {hour} is out of range: hours are 00 to 23"
        ))
    } else if minutes > 59 {
        Some(format!(
            "the minute {minute} is out of range: minutes are 00 to 59"
        ))
    } else if seconds > 60 {
        Some(format!(
            "the second {second} is out of range: seconds are 00 to 59, and 60 for a leap second"
        ))
    } else if seconds == 60 && zone.is_empty() {
        Some(format!(
            "a leap second (:60) is 23:59:60 UTC, and a time of day with no offset is taken as \
             UTC: this one is {hour}:{minute}:60"
        ))
    } else if zone_hours > 23 {
        Some(format!(
            "the offset {zone} is out of range: its hours are 00 to 23"
        ))
    } else if zone_minutes > 59 {
        Some(format!(
            "the offset {zone} is out of range: its minutes are 00 to 59"
        ))
    } else {
        None
    }
}

/// What is wrong with `date` when its month is known and its day is none
/// of that month's, as far as the day is known: `2004-02-30`, `2016-12-32`
/// and `2016-12-00`, and `2004-02-3X`, which can only be the 30th or the
/// 31st. A day with an unspecified digit (level 2) that can be one of the
/// month's days, as `1985-04-3X` can be the 30th, is left to be named
/// level 2.
fn day_beyond_month(date: &str) -> Option<String> {
    let parts = date_parts_with_days(date, 0..=99)?;
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let month_number = month.digits.parse::<u8>().ok()?;
    let first_day = day.digits.replace('X', "0").parse::<u8>().ok()?;
    let sign = if date.trim_start_matches(['?', '~', '%']).starts_with('-') {
        "-"
    } else {
        ""
    };
    let days = match year.digits.parse::<i64>() {
        Ok(number) if sign.is_empty() => days_in_month(number, month_number),
        Ok(number) => days_in_month(-number, month_number),
        // A year with unspecified digits can be a leap year (year 0 is).
        Err(_) => days_in_month(0, month_number),
    };
    let at_most = if year.digits.contains('X') && month_number == 2 {
        "at most "
    } else {
        ""
    };
    let month_has = format!(
        "{sign}{}-{} has {at_most}{days} days",
        year.digits, month.digits
    );
    if day.digits == "00" {
        return Some(format!(
            "the day 00 is out of range: days are counted from 01, and {month_has}"
        ));
    }
    (first_day > days).then(|| format!("the day {} is out of range: {month_has}", day.digits))
}

/// The ends of the first range of the set `text` that runs backwards, from
/// a later date to an earlier one (`1672..1670` of `[1672..1670]`): a range is
/// the dates from its first to its last, so one whose first date starts
/// after its last ends holds none. A range whose ends' spans overlap
/// (`[1675..167X]`) is not said to run backwards, as an interval's is not.
pub(super) fn backwards_range(text: &str) -> Option<(&str, &str)> {
    if !is_set(text) {
        return None;
    }
    let inner = &text[1..text.len() - 1];
    (inner
        .split(',')
        .filter_map(|member| member.split_once("..")))
    .find(|(from, to)| {
        matches!(
            (member_span(from), member_span(to)),
            (Some((first, _)), Some((_, last))) if first > last
        )
    })
}

/// A year, month and day, to compare the ends of a set's range; not
/// always a day of the calendar (`(1670, 19, 39)` is past `167X-1X-3X`).
type DayKey = (i64, u32, u32);

/// The earliest and latest day `member`, a date of a set, can be, as far
/// as corpack reads it: a date of level 0 or 1, a date with level 2's
/// qualifiers and unspecified digits, a sub-year grouping (its months, as
/// `sub_year_months` gives them); not a year with an exponent or
/// significant digits.
fn member_span(member: &str) -> Option<(DayKey, DayKey)> {
    if let Ok(parsed) = Edtf::parse(member) {
        let date = EdtfDate {
            text: member.to_string(),
            parsed,
        };
        let DateInterval {
            start: Bound::Day(first),
            end: Bound::Day(last),
        } = date.interval()
        else {
            return None;
        };
        let key = |day: super::CalendarDay| (day.year(), day.month(), day.day());
        return Some((key(first), key(last)));
    }
    let negative = member.trim_start_matches(['?', '~', '%']).starts_with('-');
    let year = |digits: &str, unspecified: char| -> Option<i64> {
        let number = digits
            .replace('X', &unspecified.to_string())
            .parse::<i64>()
            .ok()?;
        Some(if negative { -number } else { number })
    };
    if is_level_2_grouping(member) {
        let text = member.trim_end_matches(['?', '~', '%']);
        let (digits, code) = text.trim_start_matches('-').split_once('-')?;
        let year = year(digits, '0')?;
        // Whole months, as a season of level 1 is read: winter runs into
        // the next year.
        let (first, last, next_year) = sub_year_months(code.parse().ok()?)?;
        let last_year = if next_year { year + 1 } else { year };
        let last_day = days_in_month(last_year, last);
        return Some((
            (year, u32::from(first), 1),
            (last_year, u32::from(last), u32::from(last_day)),
        ));
    }
    let parts = date_parts(member)?;
    let (low, high) = if negative { ('9', '0') } else { ('0', '9') };
    let part = |at: usize, unspecified: char, whole: u32| {
        (parts.get(at)).map_or(Some(whole), |part| {
            part.digits
                .replace('X', &unspecified.to_string())
                .parse()
                .ok()
        })
    };
    let first = (
        year(parts[0].digits, low)?,
        part(1, '0', 1)?,
        part(2, '0', 1)?,
    );
    let last = (
        year(parts[0].digits, high)?,
        part(1, '9', 12)?,
        part(2, '9', 31)?,
    );
    Some((first, last))
}

/// `[1667,1668]`, `{1960,1961}`, `[..1760-12-03]`, `[1670..1672]`:
/// brackets around dates, each a date of some level (not an interval),
/// and ranges of them. The specification allows no spaces, an open end
/// (`..` with no date on one side) only at the start or the end of the
/// list, and a range only between dates of one precision.
fn is_set(text: &str) -> bool {
    let inner = (text.strip_prefix('[').and_then(|t| t.strip_suffix(']')))
        .or_else(|| text.strip_prefix('{').and_then(|t| t.strip_suffix('}')));
    let Some(inner) = inner else {
        return false;
    };
    let members: Vec<&str> = inner.split(',').collect();
    let last = members.len() - 1;
    // A member is a date, not an interval (`..` makes a set's ranges).
    let is_member = |date: &str| {
        !date.contains('/')
            && (is_some_date(date) || is_exponential_year(date) || is_level_2_grouping(date))
    };
    (members.iter().enumerate()).all(|(at, member)| {
        match member.split("..").collect::<Vec<_>>().as_slice() {
            [date] => is_member(date),
            ["", to] => at == 0 && is_member(to),
            [from, ""] => at == last && is_member(from),
            [from, to] => is_member(from) && is_member(to) && components(from) == components(to),
            _ => false,
        }
    })
}

/// How many of a year, a month (or season) and a day `date` gives: its
/// precision, as far as a range's ends must agree.
fn components(date: &str) -> usize {
    let date = date.trim_start_matches(['?', '~', '%']);
    let date = date.strip_prefix('Y').unwrap_or(date);
    let unsigned = date.strip_prefix('-').unwrap_or(date);
    unsigned.split('-').count()
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
    // The exponent and the number of significant digits are each "a
    // positive integer", as the specification has it: `Y17E0` is no year.
    let positive = |part: &str| digits(part) && part.bytes().any(|b| b != b'0');
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
    (exponent.is_some() || significant.is_some())
        && year_fits
        && digits(year)
        && exponent.is_none_or(positive)
        && significant.is_none_or(positive)
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
    date_parts_with_days(side, 1..=31)
}

/// The parts of `side`, as [`date_parts`] reads them, with a day in
/// `days` as far as it is known: `day_beyond_month` reads the two digits
/// of any day, to say why one is none of its month's.
fn date_parts_with_days(side: &str, days: RangeInclusive<u32>) -> Option<Vec<DatePart<'_>>> {
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
            // A month is 01 to 12, a day in `days`, as far as known.
            let (width, most) = match at {
                0 => (4, 9999),
                1 => (2, 12),
                _ => (2, *days.end()),
            };
            let least = trimmed.replace('X', "0").parse::<u32>().ok();
            // A month known whole is 1 or more, and so is a day unless
            // `days` has 0.
            let known_zero = trimmed == "00" && (at == 1 || (at == 2 && *days.start() > 0));
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

/// A date and time whose seconds are 60.
pub(super) struct LeapSecond {
    /// Whether it is 23:59:60 UTC, when leap seconds are inserted.
    pub(super) ends_a_utc_day: bool,
    /// Whether, at 23:59:60 UTC, it is on the last day of a month in UTC:
    /// a leap second is the last second of a month (ITU-R TF.460-6, 2.1).
    pub(super) ends_a_utc_month: bool,
    /// The offset as written (`Z`, `+01:00`), empty for a local time.
    pub(super) zone: String,
    /// The local time of 23:59 UTC at that offset, `HH:MM`.
    pub(super) local_end_of_day: String,
    /// The text with :59 for :60.
    pub(super) second_before: String,
}

impl LeapSecond {
    /// `text` as a leap second, if it is a date and time with seconds 60,
    /// with an offset (`Z`, `±HH:MM`, `±HH`) or not: a local time is taken
    /// as UTC, as the `edtf` crate takes a leap second at 23:59:60 local
    /// time only.
    pub(super) fn of(text: &str) -> Option<LeapSecond> {
        let (day, time) = text.split_once('T')?;
        let (clock, zone) = time.split_at(time.find(['Z', '+', '-']).unwrap_or(time.len()));
        let clock_before = clock.strip_suffix(":60")?;
        let two_digits = |digits: &str| {
            (digits.len() == 2 && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| digits.parse::<i32>().ok())
                .flatten()
        };
        let (hour, minute) = clock_before.split_once(':')?;
        let local = two_digits(hour)? * 60 + two_digits(minute)?;
        let offset = match zone {
            "" | "Z" => 0,
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
            ends_a_utc_month: is_utc_month_end(day, offset),
            zone: zone.to_string(),
            local_end_of_day: format!("{:02}:{:02}", end_of_day / 60, end_of_day % 60),
            second_before: format!("{day}T{clock_before}:59{zone}"),
        })
    }
}

/// Whether 23:59 UTC at `offset` minutes east of UTC, on the local `day`
/// (`YYYY-MM-DD`), is on the last day of a month in UTC. East of UTC it is
/// already the next day locally, so the local day is the 1st. A day that
/// is not one is left for the parser to refuse.
fn is_utc_month_end(day: &str, offset: i32) -> bool {
    let mut parts = day.splitn(3, '-').map(str::parse::<i64>);
    let (Some(Ok(year)), Some(Ok(month)), Some(Ok(day))) =
        (parts.next(), parts.next(), parts.next())
    else {
        return true;
    };
    let (Ok(month @ 1..=12), Ok(day)) = (u8::try_from(month), u8::try_from(day)) else {
        return true;
    };
    if offset > 0 {
        day == 1
    } else {
        day == days_in_month(year, month)
    }
}

/// Whether a date of `text`, or an end of its interval, is in the year
/// `-0000`, which ISO 8601 does not write: zero has no sign.
pub(super) fn has_negative_year_zero(text: &str) -> bool {
    text.split('/').any(|date| {
        (date.strip_prefix("-0000"))
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_digit()))
    })
}
