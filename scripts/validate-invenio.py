#!/usr/bin/env python3
"""Validates InvenioRDM record JSON: every *.json file under each DIR.

    validate-invenio.py SCHEMAS VOCABULARIES DIR...

SCHEMAS is the jsonschemas folder and VOCABULARIES the vocabularies folder
that scripts/setup-validators extracts from the invenio-rdm-records,
invenio-records-resources and invenio-requests wheels. Each record is
checked:

- against InvenioRDM's record schema, records/record-v6.0.0.json, with its
  local:// references resolved in SCHEMAS;
- for what the JSON schema leaves open but InvenioRDM's REST API requires
  of a draft to publish (its marshmallow schemas): resource_type, title,
  publication_date, at least one creator, a family_name for a personal
  creator or contributor and a name for an organizational one, a role for
  every contributor, titles and descriptions of three characters or more,
  rights with an id or a title (in the locale en), and wikidata or geonames
  identifiers for locations;
- that every vocabulary id (resource type, roles, date, description and
  relation types, languages) is in InvenioRDM's default vocabularies;
- that publication_date and dates[].date are EDTF level 0 (a date or an
  interval of two), as InvenioRDM parses them;
- that each identifier's scheme is one idutils (which InvenioRDM uses)
  detects for it.

Prints one line per problem and the number of records checked; exits 0 when
all are valid, 1 otherwise, 2 on a usage error.
"""

import datetime
import json
import pathlib
import re
import sys

import idutils
import jsonschema
import referencing
import yaml

RECORD_SCHEMA = "local://records/record-v6.0.0.json"
LEVEL0 = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def registry(schemas):
    def retrieve(uri):
        relative = uri.removeprefix("local://")
        text = (schemas / relative).read_text(encoding="utf-8")
        # Not from_contents: InvenioRDM's definition files have a "$schema"
        # definition that is not a dialect URI.
        return referencing.jsonschema.DRAFT7.create_resource(json.loads(text))

    return referencing.Registry(retrieve=retrieve)


def vocabulary(vocabularies, name):
    entries = yaml.safe_load((vocabularies / name).read_text(encoding="utf-8"))
    return {entry["id"] for entry in entries}


def level0_ok(text):
    bounds = text.split("/")
    if len(bounds) > 2:
        return False
    for bound in bounds:
        match = LEVEL0.match(bound)
        if not match:
            return False
        year, month, day = (int(g) if g else None for g in match.groups())
        try:
            datetime.date(year, month or 1, day or 1)
        except ValueError:
            return False
    return True


def person_problems(where, person_or_org):
    kind = person_or_org.get("type")
    if kind == "personal" and not person_or_org.get("family_name"):
        yield f"{where}: a personal name needs family_name"
    elif kind == "organizational" and not person_or_org.get("name"):
        yield f"{where}: an organizational name needs name"
    elif kind not in ("personal", "organizational"):
        yield f"{where}: type must be personal or organizational, not {kind!r}"
    for identifier in person_or_org.get("identifiers", []):
        yield from scheme_problems(where, identifier)


def scheme_problems(where, identifier):
    value, scheme = identifier.get("identifier"), identifier.get("scheme")
    if scheme not in idutils.detect_identifier_schemes(value or ""):
        yield f"{where}: {value!r} is not a {scheme} identifier (idutils)"


def problems(record, validator, vocab):
    for error in validator.iter_errors(record):
        path = "/".join(str(p) for p in error.absolute_path)
        yield f"{path}: {error.message}"
    metadata = record.get("metadata", {})
    for field in ("resource_type", "title", "publication_date"):
        if not metadata.get(field):
            yield f"metadata/{field}: required"
    if not metadata.get("creators"):
        yield "metadata/creators: at least one is required"
    for field in ("title", "description"):
        if field in metadata and len(metadata[field]) < 3:
            yield f"metadata/{field}: shorter than 3 characters"
    for index, description in enumerate(metadata.get("additional_descriptions", [])):
        if len(description.get("description", "")) < 3:
            yield f"metadata/additional_descriptions/{index}/description: shorter than 3 characters"
    for index, rights in enumerate(metadata.get("rights", [])):
        where = f"metadata/rights/{index}"
        if bool(rights.get("id")) == bool(rights.get("title")):
            yield f"{where}: needs an id or a title, not both"
        for field in ("title", "description"):
            if field in rights and list(rights[field]) != ["en"]:
                yield f"{where}/{field}: one value, in a locale the instance has (en)"
    for index, feature in enumerate(metadata.get("locations", {}).get("features", [])):
        for identifier in feature.get("identifiers", []):
            if identifier.get("scheme") not in ("wikidata", "geonames"):
                yield f"metadata/locations/features/{index}: scheme {identifier.get('scheme')!r}"
    if not level0_ok(metadata.get("publication_date", "")):
        yield "metadata/publication_date: not EDTF level 0"

    def check(where, value, name):
        if value not in vocab[name]:
            return [f"{where}: {value!r} is not in the {name} vocabulary"]
        return []

    yield from check("metadata/resource_type/id", metadata.get("resource_type", {}).get("id"), "resource_types.yaml")
    for index, creator in enumerate(metadata.get("creators", [])):
        yield from person_problems(f"metadata/creators/{index}", creator.get("person_or_org", {}))
        if "role" in creator:
            yield from check(f"metadata/creators/{index}/role/id", creator["role"].get("id"), "roles.yaml")
    for index, contributor in enumerate(metadata.get("contributors", [])):
        yield from person_problems(f"metadata/contributors/{index}", contributor.get("person_or_org", {}))
        yield from check(f"metadata/contributors/{index}/role/id", contributor.get("role", {}).get("id"), "roles.yaml")
    for index, date in enumerate(metadata.get("dates", [])):
        if not level0_ok(date.get("date", "")):
            yield f"metadata/dates/{index}/date: {date.get('date')!r} is not EDTF level 0"
        yield from check(f"metadata/dates/{index}/type/id", date.get("type", {}).get("id"), "date_types.yaml")
    for index, language in enumerate(metadata.get("languages", [])):
        yield from check(f"metadata/languages/{index}/id", language.get("id"), "languages.yaml")
    for index, description in enumerate(metadata.get("additional_descriptions", [])):
        yield from check(f"metadata/additional_descriptions/{index}/type/id", description.get("type", {}).get("id"), "description_types.yaml")
    for index, related in enumerate(metadata.get("related_identifiers", [])):
        where = f"metadata/related_identifiers/{index}"
        yield from check(f"{where}/relation_type/id", related.get("relation_type", {}).get("id"), "relation_types.yaml")
        if "resource_type" in related:
            yield from check(f"{where}/resource_type/id", related["resource_type"].get("id"), "resource_types.yaml")
        yield from scheme_problems(where, related)
    for index, identifier in enumerate(metadata.get("identifiers", [])):
        yield from scheme_problems(f"metadata/identifiers/{index}", identifier)


def main(args):
    if len(args) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    schemas, vocabularies = pathlib.Path(args[0]), pathlib.Path(args[1])
    schema_registry = registry(schemas)
    schema = schema_registry.get_or_retrieve(RECORD_SCHEMA).value.contents
    validator = jsonschema.Draft7Validator(schema, registry=schema_registry)
    vocab = {
        name: vocabulary(vocabularies, name)
        for name in (
            "resource_types.yaml",
            "roles.yaml",
            "date_types.yaml",
            "languages.yaml",
            "description_types.yaml",
            "relation_types.yaml",
        )
    }
    checked = 0
    found = 0
    for directory in args[2:]:
        for path in sorted(pathlib.Path(directory).rglob("*.json")):
            checked += 1
            record = json.loads(path.read_text(encoding="utf-8"))
            for problem in problems(record, validator, vocab):
                found += 1
                print(f"{path}: {problem}")
    print(f"{checked} records checked, {found} problems")
    return 1 if found or not checked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
