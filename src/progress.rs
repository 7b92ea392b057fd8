//! Progress of long operations, reported by the library and drawn (or not)
//! by the front end.

/// What a command is doing to the bytes it counts. A command may go
/// through several: `pack` packs, then reads its bundle back; `import bag`
/// verifies, then copies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Reading documents into a bundle.
    Packing,
    /// Reading a bundle just written back before it is put in place.
    ReadingBack,
    /// Checking a bag's or an OCFL object's files against their checksums.
    Verifying,
    /// Computing checksums of files to be exported.
    Hashing,
    /// Copying files out of a bundle or bag.
    Copying,
}

impl Phase {
    /// The phase in words, to show beside the bar.
    pub fn verb(self) -> &'static str {
        match self {
            Phase::Packing => "packing",
            Phase::ReadingBack => "reading back",
            Phase::Verifying => "verifying",
            Phase::Hashing => "hashing",
            Phase::Copying => "copying",
        }
    }
}

/// Receives progress in bytes. Implementations must be cheap: `advance` is
/// called for every chunk read, from several threads.
pub trait Progress: Sync {
    /// The work ahead in `phase`, in bytes, once it is known: until the
    /// first call, there is no total to show. Each phase of a command
    /// (verify, then copy) calls it again, from zero.
    fn start(&self, phase: Phase, total_bytes: u64);
    /// Bytes done since the last call.
    fn advance(&self, bytes: u64);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _phase: Phase, _total_bytes: u64) {}
    fn advance(&self, _bytes: u64) {}
}

#[cfg(test)]
pub(crate) mod testutil {
    use std::sync::Mutex;

    use super::{Phase, Progress};

    /// Records what a command reports: each phase, its total and the bytes
    /// advanced since it started.
    #[derive(Default)]
    pub(crate) struct Recorded(Mutex<Vec<(Phase, u64, u64)>>);

    impl Recorded {
        /// `(phase, total, bytes advanced)` of each phase, in order.
        pub(crate) fn phases(self) -> Vec<(Phase, u64, u64)> {
            self.0.into_inner().unwrap()
        }
    }

    impl Progress for Recorded {
        fn start(&self, phase: Phase, total_bytes: u64) {
            self.0.lock().unwrap().push((phase, total_bytes, 0));
        }
        fn advance(&self, bytes: u64) {
            self.0.lock().unwrap().last_mut().unwrap().2 += bytes;
        }
    }
}
