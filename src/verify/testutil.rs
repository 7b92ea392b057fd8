//! Test helpers: a bag held in memory, and its manifests as verify reads
//! them.

use std::io;
use std::path::Path;

use super::findings::Findings;
use super::manifests::{self, Manifests};
use super::names::Resolver;
use crate::bagit::{BAGIT_TXT, declaration};
use crate::bundle::reader::{BagStore, StoredFile, StoredFiles, UnusableFile};
use crate::finding::Finding;

/// A bag held in memory: its files, sorted by path, and their bytes.
pub struct Memory {
    files: StoredFiles,
    bytes: Vec<Vec<u8>>,
    unusable: Vec<UnusableFile>,
}

impl Memory {
    /// A bag of `files`: `(path, bytes)`, in any order.
    pub fn new(files: &[(&str, &[u8])]) -> Memory {
        let mut files = files.to_vec();
        files.sort();
        Memory {
            files: (files.iter())
                .map(|(path, bytes)| StoredFile {
                    path,
                    size: bytes.len() as u64,
                    readable: true,
                })
                .collect(),
            bytes: files.iter().map(|(_, bytes)| bytes.to_vec()).collect(),
            unusable: Vec::new(),
        }
    }

    /// The same bag, with files left out for their names.
    pub fn with_unusable(self, unusable: &[UnusableFile]) -> Memory {
        let unusable = unusable.to_vec();
        Memory { unusable, ..self }
    }
}

impl BagStore for Memory {
    fn location(&self) -> &Path {
        Path::new("bag")
    }

    fn unusable_files(&self) -> &[UnusableFile] {
        &self.unusable
    }
    fn files(&self) -> &StoredFiles {
        &self.files
    }
    fn findings(&self) -> &[Finding] {
        &[]
    }
    fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.files.iter().any(|f| f.path.starts_with(&prefix))
    }
    fn read_with(
        &self,
        path: &str,
        read: &mut dyn FnMut(&mut dyn io::Read) -> io::Result<()>,
    ) -> io::Result<()> {
        let at = self.position(path).ok_or(io::ErrorKind::NotFound)?;
        read(&mut self.bytes[at].as_slice())
    }
    fn stream(&self, path: &str) -> io::Result<Box<dyn io::Read + Send + '_>> {
        let at = self.position(path).ok_or(io::ErrorKind::NotFound)?;
        Ok(Box::new(self.bytes[at].as_slice()))
    }
}

/// Reads the manifests of `store`, a BagIt 1.0 bag.
pub fn read_manifests(store: &Memory) -> (Manifests, Vec<Finding>) {
    let declaration = declaration::parse(BAGIT_TXT.as_bytes()).unwrap();
    let mut findings = Findings::default();
    let resolver = Resolver::new(store);
    let manifests = manifests::read(store, &declaration, &resolver, &mut findings);
    (manifests, findings.into_vec())
}
