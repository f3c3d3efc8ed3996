//! Read buffers for the CLI's stdout, recycled.
//!
//! Lines are handed over as slices of the buffer they were read into, and are dropped on the
//! consumer's thread, often long after the reader moved on. A buffer freed there and allocated
//! again here was fresh memory every time: with an allocator that gives large blocks back to
//! the kernel (mimalloc, with transparent huge pages), zeroing new pages took a quarter of a
//! flood. Here a buffer comes back to its pool when its last line is dropped; a small read is
//! copied out instead, so the reader keeps its buffer, and the pool is emptied then: the flood
//! is over, and an idle session keeps one buffer, not several.

use bytes::Bytes;
use std::sync::{Arc, Mutex};

/// Capacity of one buffer: a pipe holds 64 KiB, so one read rarely returns more.
pub(super) const CHUNK: usize = 64 * 1024;
/// A read up to this size is copied out and the buffer kept.
const SMALL_READ: usize = 8 * 1024;
/// Buffers kept for reuse (beyond the one being read into).
const KEEP: usize = 3;

/// The buffers of one reader.
#[derive(Default)]
pub(super) struct ChunkPool {
    free: Mutex<Vec<Vec<u8>>>,
}

impl ChunkPool {
    /// An empty buffer of [`CHUNK`] bytes' capacity.
    pub(super) fn take(&self) -> Vec<u8> {
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop()
            .unwrap_or_else(|| Vec::with_capacity(CHUNK))
    }

    fn give_back(&self, mut buf: Vec<u8>) {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.len() < KEEP && buf.capacity() == CHUNK {
            buf.clear();
            free.push(buf);
        }
    }

    /// The bytes read into `buf`, shared; `buf` is then ready for the next read (the same
    /// buffer after a small read, else another one).
    pub(super) fn share(self: &Arc<Self>, buf: &mut Vec<u8>) -> Bytes {
        if buf.len() <= SMALL_READ {
            let bytes = Bytes::copy_from_slice(buf);
            buf.clear();
            self.free.lock().unwrap_or_else(|e| e.into_inner()).clear();
            return bytes;
        }
        let full = std::mem::replace(buf, self.take());
        Bytes::from_owner(Pooled {
            buf: full,
            pool: self.clone(),
        })
    }
}

/// A buffer that returns to its pool when the last slice of it is dropped.
struct Pooled {
    buf: Vec<u8>,
    pool: Arc<ChunkPool>,
}

impl AsRef<[u8]> for Pooled {
    fn as_ref(&self) -> &[u8] {
        &self.buf
    }
}

impl Drop for Pooled {
    fn drop(&mut self) {
        self.pool.give_back(std::mem::take(&mut self.buf));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_reads_come_back_small_ones_are_copied() {
        let pool = Arc::new(ChunkPool::default());
        let mut buf = pool.take();
        buf.extend_from_slice(&[b'x'; SMALL_READ + 1]);
        let first_ptr = buf.as_ptr();
        let shared = pool.share(&mut buf);
        assert_eq!(shared.as_ptr(), first_ptr, "no copy");
        assert!(buf.is_empty() && buf.capacity() == CHUNK);
        let line = shared.slice(1..10);
        drop(shared);
        assert!(
            pool.free.lock().unwrap().is_empty(),
            "a slice still holds it"
        );
        drop(line);
        let again = pool.take();
        assert_eq!(again.as_ptr(), first_ptr, "back in the pool");

        pool.give_back(again);
        buf.extend_from_slice(b"{\"a\":1}\n");
        let kept = buf.as_ptr();
        let small = pool.share(&mut buf);
        assert_eq!(&small[..], b"{\"a\":1}\n");
        assert_eq!(buf.as_ptr(), kept, "the reader keeps its buffer");
        assert!(
            pool.free.lock().unwrap().is_empty(),
            "a calm stream empties the pool"
        );
    }
}
