//! Writing a bundle in the import formats of repositories.

pub mod datacite;
pub mod dspace;
pub mod invenio;
pub mod mapping;
pub mod verified;
