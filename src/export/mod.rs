//! Writing a collection or bundle in other formats: CSV, and the import
//! formats of repositories (OCFL, DSpace, DataCite, InvenioRDM). Every
//! export from a bundle verifies it in full first and writes nothing for an
//! invalid one, nor for one whose records break a rule of
//! `collection.toml` ([`verified::open`]).

pub mod csv;
pub mod datacite;
pub mod dspace;
pub mod file_names;
pub mod invenio;
pub mod mapping;
pub mod ocfl;
pub mod records;
pub mod verified;
