//! Places, and other named things with optional identifiers: venues, and
//! where copies come from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::name_or_table::{
    NameOrTable, deserialize_name_or_table, name_or_table_schema, serialize_name_or_table,
};
use crate::collection::values::{GeonamesId, WebUrl, WikidataId};

/// A place, or any named thing with optional identifiers: a venue, or the
/// origin of a copy (an archive, a periodical, a donor).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Place {
    /// What it is called.
    pub name: String,
    /// A web page about it.
    pub url: Option<WebUrl>,
    /// Its Wikidata item.
    pub wikidata: Option<WikidataId>,
    /// Its GeoNames feature.
    pub geonames: Option<GeonamesId>,
}

impl Place {
    /// Whether any identifier is given.
    pub fn is_identified(&self) -> bool {
        self.url.is_some() || self.wikidata.is_some() || self.geonames.is_some()
    }
}

/// A place written as a table.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "PlaceTable")]
pub struct PlaceTable {
    /// What it is called.
    pub name: String,
    /// A web page about it (http or https).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<WebUrl>,
    /// Wikidata item (`Q84` or its `https://www.wikidata.org/wiki/` URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wikidata: Option<WikidataId>,
    /// GeoNames feature (`2643743` or its `https://www.geonames.org/` URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geonames: Option<GeonamesId>,
}

impl NameOrTable for Place {
    type Table = PlaceTable;
    const EXPECTING: &'static str = "a name or a table { name, url, wikidata, geonames }";

    fn from_name(name: String) -> Place {
        Place {
            name,
            url: None,
            wikidata: None,
            geonames: None,
        }
    }

    fn from_table(table: PlaceTable) -> Result<Place, String> {
        Ok(Place {
            name: table.name,
            url: table.url,
            wikidata: table.wikidata,
            geonames: table.geonames,
        })
    }

    fn as_name(&self) -> Option<&str> {
        (!self.is_identified()).then_some(&self.name)
    }

    fn to_table(&self) -> PlaceTable {
        PlaceTable {
            name: self.name.clone(),
            url: self.url.clone(),
            wikidata: self.wikidata.clone(),
            geonames: self.geonames.clone(),
        }
    }
}

name_or_table!(
    Place,
    "A name, or a table { name, url, wikidata, geonames }."
);
