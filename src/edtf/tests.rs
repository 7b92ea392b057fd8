use super::interval::days_in_month;
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
        (
            "1985-04-12T25:00:00",
            "the hour 25 is out of range: hours are 00 to 23",
        ),
        (
            "1985-04-12T24:00:00",
            "the hour 24 is out of range: hours are 00 to 23, and midnight at the end of a day \
             is 00:00:00 of the next",
        ),
        (
            "1985-04-12T23:60:30Z",
            "the minute 60 is out of range: minutes are 00 to 59",
        ),
        (
            "1985-04-12T23:20:61+04:30",
            "the second 61 is out of range: seconds are 00 to 59, and 60 for a leap second",
        ),
        (
            "2016-12-31T12:59:60",
            "a leap second (:60) is 23:59:60 UTC, and a time of day with no offset is taken as \
             UTC: this one is 12:59:60",
        ),
        (
            "1985-04-12T23:20:30+24",
            "the offset +24 is out of range: its hours are 00 to 23",
        ),
        (
            "1985-04-12T23:20:30-04:60",
            "the offset -04:60 is out of range: its minutes are 00 to 59",
        ),
        (
            "2016-12-31T23:59:60+24",
            "the offset +24 is out of range: its hours are 00 to 23",
        ),
        ("Y1000000000000000000000", "beyond"),
        ("Y-99999999999999999999", "beyond"),
        ("2001-25", "level 2"),
        ("-0010-41~", "level 2"),
        ("2001-42", "the month 42 is out of range"),
        ("2001-13", "the month 13 is out of range"),
        ("2001-00~", "the month 00 is out of range"),
        ("2001-20/2002", "the month 20 is out of range"),
        ("2014-13-01", "the month 13 is out of range"),
        ("2014-99-01~", "the month 99 is out of range"),
        ("2014-06-11/2014-13-01", "the month 13 is out of range"),
        (
            "2004-02-30",
            "the day 30 is out of range: 2004-02 has 29 days",
        ),
        (
            "2003-02-29~",
            "the day 29 is out of range: 2003-02 has 28 days",
        ),
        (
            "1985-04-31/1986",
            "the day 31 is out of range: 1985-04 has 30 days",
        ),
        (
            "-0001-02-29",
            "the day 29 is out of range: -0001-02 has 28 days",
        ),
        (
            "2016-11-31T10:00:00",
            "the day 31 is out of range: 2016-11 has 30 days",
        ),
        (
            "2016-02-30T10:00:00Z/2016-03-01",
            "the day 30 is out of range: 2016-02 has 29 days",
        ),
        // Days no month has, and a day and time at the second a leap
        // second would be, are told so as the others are.
        (
            "2016-12-32",
            "the day 32 is out of range: 2016-12 has 31 days",
        ),
        (
            "2016-12-32T10:00:00",
            "the day 32 is out of range: 2016-12 has 31 days",
        ),
        (
            "2015-02-29T00:00:00Z",
            "the day 29 is out of range: 2015-02 has 28 days",
        ),
        (
            "2016-12-99T23:20:30+04:30",
            "the day 99 is out of range: 2016-12 has 31 days",
        ),
        (
            "2016-12-32T22:59:60-01:00",
            "the day 32 is out of range: 2016-12 has 31 days",
        ),
        (
            "2016-12-31/2017-01-32",
            "the day 32 is out of range: 2017-01 has 31 days",
        ),
        (
            "2016-12-4X",
            "the day 4X is out of range: 2016-12 has 31 days",
        ),
        (
            "2016-12-00",
            "the day 00 is out of range: days are counted from 01, and 2016-12 has 31 days",
        ),
        (
            "2016-02-00T10:00:00Z",
            "the day 00 is out of range: days are counted from 01, and 2016-02 has 29 days",
        ),
        ("{1960,2016-12-00}", "the day 00 is out of range"),
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
        "[Y17E7,2000]",
        "{Y17E7}",
        // The specification's sets.
        "[1667,1668,1670..1672]",
        "[..1760-12-03]",
        "[1760-01,1760-02,1760-12..]",
        "[1667,1760-12]",
        "[..1984]",
        "{1960,1961-12}",
        "{..1984}",
        // A member of a set is a date of any level, a grouping of level 2
        // among them.
        "[2001-21,2001-34]",
        // A day with an unspecified digit that can be one of its month's:
        // April has a 30th.
        "1985-04-3X",
        "2004-02-2X",
        "190X-02-2X",
        // A range of one date, or whose ends' spans overlap, is no range
        // that runs backwards.
        "[1670..1670]",
        "[1675..167X]",
        "{2001-21..2001-21}",
        // Groupings in order, or whose months overlap: a southern autumn
        // (31) runs from March, before its summer (30), and winter (32)
        // from June, before its spring (29).
        "[2004-25..2004-28]",
        "{2004-28..2005-25}",
        "[2004-31..2004-30]",
        "[2004-32..2004-29]",
        "[2004-33..2004-36]",
        "[2004-34..2004-37]",
        "[2004-28..2004-24]",
        "[2004-24..2004-28]",
        "[2004-12..2004-28]",
    ] {
        let error = level_2.parse::<EdtfDate>().unwrap_err();
        assert!(error.contains("level 2"), "{level_2:?}: {error}");
    }
}

// A day with an unspecified digit is one of the days it can be, so one
// that can be no day of its month is refused as a day out of range is,
// not called a date of level 2.
#[test]
fn an_unspecified_day_that_can_be_no_day_of_its_month_is_out_of_range() {
    for (bad, named) in [
        (
            "2004-02-3X",
            "the day 3X is out of range: 2004-02 has 29 days",
        ),
        ("2004-02-3X?", "the day 3X is out of range"),
        ("?2004-02-3X", "the day 3X is out of range"),
        (
            "156X-02-3X",
            "the day 3X is out of range: 156X-02 has at most 29 days",
        ),
        ("2004-02-3X/2005", "the day 3X is out of range"),
        ("[2004-02-3X,2005]", "the day 3X is out of range"),
        ("{1960,2004-02-30}", "the day 30 is out of range"),
    ] {
        let error = bad.parse::<EdtfDate>().unwrap_err();
        assert!(error.contains(named), "{bad}: {error}");
        assert!(!error.contains("level 2"), "{bad}: {error}");
    }
}

// A season stands in place of a month (level 1, Seasons), and the 2012
// draft the specification keeps whole gives level 1 intervals a date or a
// season at each end, qualified or not: a season ends an interval at
// level 1, beside an open, unknown or other end.
#[test]
fn a_season_ends_an_interval_at_level_1() {
    for (edtf, iso) in [
        ("2001-21/2002-22", "2001-03-01/2002-08-31"),
        ("2001-21/2001-21", "2001-03-01/2001-05-31"),
        ("2001-24~/2002-06", "2001-12-01/2002-06-30"),
        ("2001/2001-23?", "2001-01-01/2001-11-30"),
        ("2001-22%/2003-08-14", "2001-06-01/2003-08-14"),
        ("2001-21/..", "2001-03-01/.."),
        ("../2001-24", "../2002-02-28"),
        ("2001-23/", "2001-09-01/.."),
        ("/2001-21~", "../2001-05-31"),
        ("-0044-21/-0044-22", "-0044-03-01/-0044-08-31"),
    ] {
        assert_eq!(interval(edtf), iso, "{edtf}");
    }
}

// Level 2's sub-year groupings extend level 1's seasons ("Level 2 extends
// the season feature of Level 1"), so an interval with one at an end is
// level 2, as the grouping on its own is: it is told so, not that a month
// is out of range.
#[test]
fn a_level_2_grouping_at_an_interval_end_is_named() {
    for (bad, end) in [
        ("2001-25/2002", "2001-25"),
        ("2001-34/..", "2001-34"),
        ("../2001-34", "2001-34"),
        ("/2001-33", "2001-33"),
        ("2001-25~/2002", "2001-25~"),
        ("2002/2001-41", "2001-41"),
        ("2001-21/2001-32", "2001-32"),
        ("-0010-25/0001", "-0010-25"),
    ] {
        let error = bad.parse::<EdtfDate>().unwrap_err();
        assert!(
            error.contains(&format!(
                "the interval's end {end} is a sub-year grouping of level 2"
            )),
            "{bad}: {error}"
        );
        assert!(
            error.contains("at an interval's end as elsewhere"),
            "{bad}: {error}"
        );
    }
    // What is out of range is still said to be.
    for out_of_range in ["2001-42/2002", "2001-25/2001-13", "2001-20/2002"] {
        let error = out_of_range.parse::<EdtfDate>().unwrap_err();
        assert!(error.contains("out of range"), "{out_of_range}: {error}");
    }
}

// A set's range (`1670..1672`) is the dates from its first to its last,
// so one that runs backwards holds none: it is refused with the range
// named, as an interval that ends before it starts is.
#[test]
fn a_set_range_that_runs_backwards_is_named() {
    for (bad, range) in [
        ("[1672..1670]", "1672..1670"),
        ("{1667,1672..1670}", "1672..1670"),
        ("[1670..1672,1680..1675]", "1680..1675"),
        ("[2004-06-11..2004-06-10]", "2004-06-11..2004-06-10"),
        ("[2001-24..2001-21]", "2001-24..2001-21"),
        ("[-0010..-0020]", "-0010..-0020"),
        ("[167X..166X]", "167X..166X"),
        ("[1672~..1670]", "1672~..1670"),
        ("[2001-33..2000-41]", "2001-33..2000-41"),
        // Level 2's groupings within a year, read as whole months as the
        // seasons 21 to 24 are: a northern winter (28) runs from December,
        // after that year's spring (25); a southern summer (30) runs from
        // December, after that year's spring (29).
        ("[2004-28..2004-25]", "2004-28..2004-25"),
        ("{2004-28..2004-25}", "2004-28..2004-25"),
        ("[2004-26..2004-25~]", "2004-26..2004-25~"),
        ("[1667,2004-30..2004-29]", "2004-30..2004-29"),
        ("[2004-29..2004-32]", "2004-29..2004-32"),
        ("[2004-36..2004-33]", "2004-36..2004-33"),
        ("{2004-39..2004-38}", "2004-39..2004-38"),
        ("[2004-41..2004-40]", "2004-41..2004-40"),
        ("[2004-35..2004-37]", "2004-35..2004-37"),
        ("[2004-28..2004-06]", "2004-28..2004-06"),
        ("[-0044-27..-0044-26]", "-0044-27..-0044-26"),
    ] {
        let error = bad.parse::<EdtfDate>().unwrap_err();
        assert!(
            error.contains(&format!("the set's range {range} runs backwards")),
            "{bad}: {error}"
        );
        assert!(!error.contains("level 2"), "{bad}: {error}");
    }
    let error = "[1672..1670]".parse::<EdtfDate>().unwrap_err();
    assert!(error.ends_with("(1670..1672)"), "{error}");
}

// Level 0's Time Interval: "Time of day is excluded", and no later
// level adds it, so an interval with a date and time at an end is told
// that, with the day to give instead.
#[test]
fn a_time_of_day_at_an_interval_end_is_named() {
    for (bad, end) in [
        ("1985-04-12T23:20:30/1986", "1985-04-12T23:20:30"),
        ("1985-04-12/1985-04-12T23:20:30Z", "1985-04-12T23:20:30Z"),
        ("../1985-04-12T23:20:30-04", "1985-04-12T23:20:30-04"),
        ("1985-04-12T23:20:30+04:30/", "1985-04-12T23:20:30+04:30"),
        ("1985-04-12T10:00:00/2001-21~", "1985-04-12T10:00:00"),
    ] {
        let error = bad.parse::<EdtfDate>().unwrap_err();
        let named = format!("the interval's end {end} has a time of day");
        assert!(error.contains(&named), "{bad}: {error}");
        assert!(
            error.ends_with("give the day (1985-04-12)"),
            "{bad}: {error}"
        );
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

// A leap second is the last second of a month in UTC (ITU-R TF.460-6,
// 2.1; RFC 3339, 5.7): 23:59:60 UTC on a day within a month is no time.
#[test]
fn a_leap_second_ends_a_utc_month() {
    for month_end in [
        "2016-06-30T18:59:60-05:00",
        "2016-02-29T23:59:60Z",
        "2017-03-01T00:59:60+01:00",
        "2016-11-30T23:29:60-00:30",
        "2016-09-30T23:59:60",
    ] {
        let date = month_end
            .parse::<EdtfDate>()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(date.as_str(), month_end);
    }
    for within_a_month in [
        "1979-05-27T23:59:60Z",
        "2016-12-30T23:59:60+00:00",
        "2016-12-31T00:59:60+01:00",
        "2016-06-29T18:59:60-05:00",
        "2016-02-28T23:59:60Z",
        "2016-12-30T23:59:60",
    ] {
        let error = within_a_month.parse::<EdtfDate>().unwrap_err();
        assert!(
            error.contains("a leap second (:60) is 23:59:60 UTC on the last day of a month"),
            "{within_a_month:?}: {error}"
        );
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

// Level 1 has a negative year (`-1985`) and a year's last one or two
// digits unspecified (`201X`, `20XX`), so `-000X` and `-00XX` are level
// 1; the parser, which has no negative year zero, does not read them.
#[test]
fn negative_years_unspecified_after_zeros_are_level_1_but_not_read() {
    for near_zero in ["-000X", "-00XX", "-000X?", "-00XX%"] {
        let error = near_zero.parse::<EdtfDate>().unwrap_err();
        assert!(!error.contains("level 2"), "{near_zero:?}: {error}");
        assert!(error.contains("not read"), "{near_zero:?}: {error}");
    }
    assert!("-001X".parse::<EdtfDate>().is_ok());
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
        // An exponent is a positive integer, as the number of significant
        // digits is.
        "Y17E0",
        "Y-17E00",
        "Y17E0S2",
        // A set has no spaces, an open end (`..`) only at the start or
        // the end of its list, and a range's ends at one precision.
        "[1667, 1668]",
        "{1960 ,1961-12}",
        "[ ..1984]",
        "[1667,..1668]",
        "[1760-12..,1761]",
        "[1670..1672-05]",
        "{1760-12..1761}",
        // A set holds dates, not intervals: `..` makes its ranges.
        "[1667/1668]",
        "{1960/}",
        "[../1984]",
        "{1960,1961/1962}",
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

// Where readers of the specification differ (PyPI's `edtf-validate`, for
// one, refuses the first four and takes `24:00:00`), corpack reads as the
// `edtf` crate does: a qualifier applies to a date with unspecified digits
// or to a season, the whole of which it leaves as it is.
#[test]
fn qualified_unspecified_dates_and_seasons_are_level_1() {
    for (edtf, iso) in [
        ("193X?", "1930-01-01/1939-12-31"),
        ("1985-XX~", "1985-01-01/1985-12-31"),
        ("2004-06-XX%", "2004-06-01/2004-06-30"),
        ("2001-24~", "2001-12-01/2002-02-28"),
    ] {
        assert_eq!(interval(edtf), iso, "{edtf}");
    }
    let midnight = "1985-04-12T24:00:00".parse::<EdtfDate>().unwrap_err();
    assert!(midnight.contains("out of range"), "{midnight}");
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
        let day_date = (-2000i64..=9999, 1u8..=12, 1u8..=31, qualifier.clone()).prop_filter_map(
            "a real day",
            |(year, month, day, q)| {
                (day <= days_in_month(year, month)).then(|| {
                    let day = CalendarDay::new(year, month, day);
                    (format!("{day}{q}"), day, day)
                })
            },
        );
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

    /// The sub-year grouping `code` (25 to 41) of the year `y`, qualified by
    /// `q`, with the first and last days it is read as: meteorological
    /// seasons of each hemisphere, and quarters, quadrimesters and
    /// semesters from January.
    fn grouping_of(y: i64, code: u8, q: &str) -> (String, CalendarDay, CalendarDay) {
        let (first, months, next_year) = match code {
            25 | 31 => (3, 3, false),
            26 | 32 => (6, 3, false),
            27 | 29 => (9, 3, false),
            28 | 30 => (12, 3, true),
            33..=36 => (3 * (code - 33) + 1, 3, false),
            37..=39 => (4 * (code - 37) + 1, 4, false),
            _ => (6 * (code - 40) + 1, 6, false),
        };
        let last = (first + months - 2) % 12 + 1;
        let last_year = if next_year { y + 1 } else { y };
        let text = if y < 0 {
            format!("-{:04}-{code}{q}", -y)
        } else {
            format!("{y:04}-{code}{q}")
        };
        (
            text,
            CalendarDay::first_of_month(y, first),
            CalendarDay::last_of_month(last_year, last),
        )
    }

    /// A sub-year grouping of level 2, qualified or not, with the first
    /// and last days it is read as.
    fn grouping() -> impl Strategy<Value = (String, CalendarDay, CalendarDay)> {
        let qualifier = prop::sample::select(vec!["", "?", "~", "%"]);
        (-2000i64..=9998, 25u8..=41, qualifier).prop_map(|(y, code, q)| grouping_of(y, code, q))
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

        // A day known whole is a date when its month has it, with a time
        // of day or not; a day with an unspecified digit is level 2 when it
        // can be one of its month's days; either is otherwise out of range,
        // 00 and the days past 31 too, and the error says why.
        #[test]
        fn a_day_is_in_its_month_or_out_of_range(
            year in -2000i64..=9999,
            month in 1u8..=12,
            day in 0u8..=99,
            tens in 0u8..=9,
            time in prop::sample::select(vec![
                "", "T10:00:00", "T00:00:00Z", "T23:20:30+04:30", "T23:20:30-04", "T23:59:60Z",
            ]),
        ) {
            let days = days_in_month(year, month);
            let month_of = if year < 0 {
                format!("-{:04}-{month:02}", -year)
            } else {
                format!("{year:04}-{month:02}")
            };
            // A date and time with a negative year is refused for that (see
            // README), and a leap second only ends a month.
            let leap_within_a_month = time.ends_with(":60Z") && (1..days).contains(&day);
            let time = if year < 0 || leap_within_a_month { "" } else { time };
            let text = format!("{month_of}-{day:02}{time}");
            let known = text.parse::<EdtfDate>();
            if (1..=days).contains(&day) {
                prop_assert!(known.is_ok(), "{}: {:?}", text, known);
            } else {
                let error = known.unwrap_err();
                let named = if day == 0 {
                    format!(
                        "the day 00 is out of range: days are counted from 01, and {month_of} \
                         has {days} days"
                    )
                } else {
                    format!("the day {day:02} is out of range: {month_of} has {days} days")
                };
                prop_assert!(error.contains(&named), "{}: {}", text, error);
            }
            let error = format!("{month_of}-{tens}X").parse::<EdtfDate>().unwrap_err();
            if (tens * 10).max(1) <= days {
                prop_assert!(error.contains("level 2"), "{}", error);
            } else {
                let named = format!("the day {tens}X is out of range: {month_of} has {days} days");
                prop_assert!(error.contains(&named), "{}", error);
            }
        }

        // A date and time is one when its hour is 00 to 23, its minute
        // and second 00 to 59 and its offset's hours and minutes 00 to 23
        // and 00 to 59; otherwise the first of them out of range is named.
        #[test]
        fn a_time_of_day_is_in_range_or_its_field_is_named(
            day in 1u8..=28,
            hour in 0u8..=99,
            minute in 0u8..=99,
            second in (0u8..=99).prop_filter("no leap second", |s| *s != 60),
            zone in 0usize..4,
            east in any::<bool>(),
            zone_hours in 0u8..=99,
            zone_minutes in 0u8..=99,
        ) {
            // `-00` and `-00:00` are written `+00` and `+00:00`.
            let sign = if east || (zone_hours == 0 && (zone == 2 || zone_minutes == 0)) {
                '+'
            } else {
                '-'
            };
            let offset = match zone {
                0 => String::new(),
                1 => "Z".to_string(),
                2 => format!("{sign}{zone_hours:02}"),
                _ => format!("{sign}{zone_hours:02}:{zone_minutes:02}"),
            };
            let text = format!("1985-04-{day:02}T{hour:02}:{minute:02}:{second:02}{offset}");
            let zone_minutes = if zone == 3 { zone_minutes } else { 0 };
            let zone_hours = if zone >= 2 { zone_hours } else { 0 };
            let named = if hour == 24 {
                Some("the hour 24 is out of range: hours are 00 to 23".to_string())
            } else if hour > 23 {
                Some(format!("the hour {hour} is out of range"))
            } else if minute > 59 {
                Some(format!("the minute {minute} is out of range"))
            } else if second > 59 {
                Some(format!("the second {second} is out of range"))
            } else if zone_hours > 23 {
                Some(format!("the offset {offset} is out of range: its hours are 00 to 23"))
            } else if zone_minutes > 59 {
                Some(format!("the offset {offset} is out of range: its minutes are 00 to 59"))
            } else {
                None
            };
            let parsed = text.parse::<EdtfDate>();
            match named {
                None => prop_assert!(parsed.is_ok(), "{}: {:?}", text, parsed),
                Some(named) => {
                    let error = parsed.unwrap_err();
                    prop_assert!(error.contains(&named), "{}: {}", text, error);
                }
            }
        }

        // A date and time at either end of an interval is named, whatever
        // the other end.
        #[test]
        fn a_time_of_day_at_an_interval_end_is_named_whatever_the_other(
            year in 0i64..=9999,
            month in 1u8..=12,
            day in 1u8..=28,
            clock in (0u8..=23, 0u8..=59, 0u8..=59),
            offset in prop::sample::select(vec!["", "Z", "+04", "-04:30", "+00:00"]),
            other in prop_oneof![
                specified_date().prop_map(|(text, _, _)| text),
                Just(String::new()),
                Just("..".to_string()),
            ],
            first in any::<bool>(),
        ) {
            let (hour, minute, second) = clock;
            let end = format!(
                "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{offset}"
            );
            let text = if first { format!("{end}/{other}") } else { format!("{other}/{end}") };
            let error = text.parse::<EdtfDate>().unwrap_err();
            let named = format!("the interval's end {end} has a time of day");
            prop_assert!(error.contains(&named), "{}: {}", text, error);
        }

        // A year and month is a date when the month is 01 to 12 or a
        // season (21 to 24), level 2 when it is another grouping (25 to
        // 41), and otherwise out of range, qualified or not, on its own or
        // at an interval's end, as a month with a day is.
        #[test]
        fn a_month_is_a_month_a_season_a_grouping_or_out_of_range(
            year in -2000i64..=9999,
            month in 0u8..=99,
            qualifier in prop::sample::select(vec!["", "?", "~", "%"]),
            in_interval in any::<bool>(),
        ) {
            let date = if year < 0 {
                format!("-{:04}-{month:02}{qualifier}", -year)
            } else {
                format!("{year:04}-{month:02}{qualifier}")
            };
            let text = if in_interval { format!("../{date}") } else { date };
            let parsed = text.parse::<EdtfDate>();
            match month {
                1..=12 | 21..=24 => prop_assert!(parsed.is_ok(), "{}: {:?}", text, parsed),
                25..=41 => {
                    let error = parsed.unwrap_err();
                    prop_assert!(error.contains("level 2"), "{}: {}", text, error);
                }
                _ => {
                    let error = parsed.unwrap_err();
                    let named = format!(
                        "the month {month:02} is out of range: months are 01 to 12, and 21 to \
                         24 the seasons"
                    );
                    prop_assert!(error.contains(&named), "{}: {}", text, error);
                }
            }
        }

        // A set's range of two dates of one precision, sub-year groupings
        // among them, runs backwards when its first date starts after its
        // last ends; otherwise the set is level 2. A range between
        // precisions is no set.
        #[test]
        fn a_set_range_runs_backwards_or_is_level_2(
            a in prop_oneof![specified_date(), grouping()],
            b in prop_oneof![specified_date(), grouping()],
            braces in any::<bool>(),
        ) {
            let precision = |text: &str| text.trim_start_matches('-').split('-').count();
            let text = if braces {
                format!("{{{}..{}}}", a.0, b.0)
            } else {
                format!("[{}..{}]", a.0, b.0)
            };
            let error = text.parse::<EdtfDate>().unwrap_err();
            if precision(&a.0) != precision(&b.0) {
                prop_assert!(error.contains("expected EDTF level 0 or 1"), "{}", error);
            } else if a.1 > b.2 {
                let named = format!("the set's range {}..{} runs backwards", a.0, b.0);
                prop_assert!(error.contains(&named), "{}", error);
            } else {
                prop_assert!(error.contains("level 2, with a set"), "{}", error);
            }
        }

        // Two groupings of one year, or of a year and the next, make a
        // range that runs backwards exactly when the first starts after
        // the last ends, in a set of either kind.
        #[test]
        fn a_range_of_groupings_runs_backwards_when_its_months_do(
            year in -2000i64..=9997,
            first in 25u8..=41,
            last in 25u8..=41,
            next in 0i64..=1,
            braces in any::<bool>(),
        ) {
            let (from, start, _) = grouping_of(year, first, "");
            let (to, _, end) = grouping_of(year + next, last, "");
            let text = if braces {
                format!("{{{from}..{to}}}")
            } else {
                format!("[{from}..{to}]")
            };
            let error = text.parse::<EdtfDate>().unwrap_err();
            if start > end {
                let named = format!("the set's range {from}..{to} runs backwards");
                prop_assert!(error.contains(&named), "{}", error);
                let reversed = format!("({to}..{from})");
                prop_assert!(error.ends_with(&reversed), "{}", error);
            } else {
                prop_assert!(error.contains("level 2, with a set"), "{}", error);
            }
        }

        // A sub-year grouping of level 2 at either end of an interval is
        // named, whatever the other end.
        #[test]
        fn a_level_2_grouping_at_an_interval_end_is_named_whatever_the_other(
            year in 0i64..=9999,
            code in 25u8..=41,
            other in specified_date(),
            qualifier in prop::sample::select(vec!["", "?", "~", "%"]),
        ) {
            let grouping = format!("{year:04}-{code}{qualifier}");
            for text in [
                format!("{grouping}/{}", other.0),
                format!("{}/{grouping}", other.0),
                format!("{grouping}/.."),
                format!("/{grouping}"),
            ] {
                let error = text.parse::<EdtfDate>().unwrap_err();
                let named = format!("the interval's end {grouping} is a sub-year grouping of level 2");
                prop_assert!(error.contains(&named), "{}: {}", text, error);
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
