//! Writing a collection or bundle in other formats: CSV, and the import
//! formats of repositories.

pub mod csv;
pub mod datacite;
pub mod dspace;
pub mod invenio;
pub mod mapping;
pub mod verified;
