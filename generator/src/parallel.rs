//! Work shared between cores: every thread takes the next job until none is left.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work(index)` for every index below `count`, on `threads` threads; the
/// results in index order, or `None` when a thread panicked.
pub fn map<T: Send>(count: usize, threads: usize, work: impl Fn(usize) -> T + Sync) -> Option<Vec<T>> {
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.clamp(1, count.max(1)))
            .map(|_| {
                scope.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= count {
                            break out;
                        }
                        out.push((index, work(index)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_default())
            .collect()
    });
    if done.len() != count {
        return None;
    }
    done.sort_by_key(|(index, _)| *index);
    Some(done.into_iter().map(|(_, result)| result).collect())
}

/// The threads to use: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |threads| threads.get())
}
