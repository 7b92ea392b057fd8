#!/usr/bin/env python3
"""Validates DataCite 4.5 JSON records: every *.json file under each DIR.

    validate-datacite.py DIR...

Each record must pass the DataCite 4.5 JSON schema of the `datacite` package
(schema45, the schema DataCite's own libraries use) and convert to DataCite
XML with the same package (schema45.tostring). The schema does not
check date formats, so dates are checked here against the forms the DataCite
4.5 documentation gives for Date: YYYY, YYYY-MM, YYYY-MM-DD, or a range of
two of them (RKMS-ISO8601, "start/end"), each a real calendar date, a year
before 0000 with a minus sign ("-0054 to indicate 55 BC").

Prints one line per problem, "file: path: message", and the number of records
checked; exits 0 when all are valid, 1 otherwise, 2 on a usage error.
"""

import json
import pathlib
import re
import sys

from datacite import schema45

DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def days_in_month(year, month):
    """In the proleptic Gregorian calendar, astronomical years (0 is 1 BC)."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def date_ok(text):
    """A year, month or day, or a range start/end of them, start <= end."""
    bounds = text.split("/")
    if len(bounds) > 2:
        return False
    keys = []
    for bound in bounds:
        match = DATE.match(bound)
        if not match:
            return False
        year, month, day = (int(g) if g else None for g in match.groups())
        if bound.startswith("-0000"):
            return False
        if month is not None and not 1 <= month <= 12:
            return False
        if day is not None and not 1 <= day <= days_in_month(year, month):
            return False
        keys.append((year, month or 0, day or 0))
    return keys == sorted(keys)


def problems(record):
    for error in schema45.validator.iter_errors(record):
        path = "/".join(str(p) for p in error.absolute_path)
        yield f"{path}: {error.message}"
    try:
        schema45.tostring(record)
    except Exception as error:  # any failure to convert is a finding
        yield f"DataCite XML: cannot convert: {error!r}"
    for index, date in enumerate(record.get("dates", [])):
        value = date.get("date", "")
        if not date_ok(value):
            yield f"dates/{index}/date: {value!r} is not YYYY, YYYY-MM, YYYY-MM-DD or a range of them"


def main(dirs):
    if not dirs:
        print(__doc__, file=sys.stderr)
        return 2
    checked = 0
    found = 0
    for directory in dirs:
        for path in sorted(pathlib.Path(directory).rglob("*.json")):
            checked += 1
            record = json.loads(path.read_text(encoding="utf-8"))
            for problem in problems(record):
                found += 1
                print(f"{path}: {problem}")
    print(f"{checked} records checked, {found} problems")
    return 1 if found or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
