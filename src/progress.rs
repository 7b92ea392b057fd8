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
