//! Progress of long operations, reported by the library and drawn (or not)
//! by the front end.

/// Receives progress in bytes. Implementations must be cheap: `advance` is
/// called for every chunk read, from several threads.
pub trait Progress: Sync {
    /// The work ahead, in bytes, once it is known: until the first call,
    /// there is no total to show. Each phase of a command (verify, then
    /// copy) calls it again, from zero.
    fn start(&self, total_bytes: u64);
    /// Bytes done since the last call.
    fn advance(&self, bytes: u64);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _total_bytes: u64) {}
    fn advance(&self, _bytes: u64) {}
}

#[cfg(test)]
pub(crate) mod testutil {
    use std::sync::Mutex;

    use super::Progress;

    /// Records what a command reports: each start's total and the bytes
    /// advanced since.
    #[derive(Default)]
    pub(crate) struct Recorded(Mutex<Vec<(u64, u64)>>);

    impl Recorded {
        /// `(total, bytes advanced)` of each phase, in order.
        pub(crate) fn phases(self) -> Vec<(u64, u64)> {
            self.0.into_inner().unwrap()
        }
    }

    impl Progress for Recorded {
        fn start(&self, total_bytes: u64) {
            self.0.lock().unwrap().push((total_bytes, 0));
        }
        fn advance(&self, bytes: u64) {
            self.0.lock().unwrap().last_mut().unwrap().1 += bytes;
        }
    }
}
