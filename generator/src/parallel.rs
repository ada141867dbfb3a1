//! Work shared between cores: every thread takes the next job until none is left.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

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

/// `work(index)` for every index below `count`, on `threads` threads, each
/// result handed to `take` on the calling thread in index order as soon as it
/// and those before it are done. At most `ahead` results wait to be taken, so
/// what the jobs make is never all held at once. `take` returning `false`
/// stops the work. `None` when a thread panicked.
pub fn ordered<T: Send>(
    count: usize,
    threads: usize,
    ahead: usize,
    work: impl Fn(usize) -> T + Sync,
    mut take: impl FnMut(T) -> bool,
) -> Option<()> {
    struct State<T> {
        next: usize,
        taken: usize,
        stop: bool,
        working: usize,
        ready: std::collections::BTreeMap<usize, T>,
    }
    /// Wakes every waiting thread however its owner leaves: a worker is
    /// counted out (a panicking one stops the others), the taking thread
    /// stops the workers (a panic in `take` included).
    struct Leave<'s, T> {
        state: &'s Mutex<State<T>>,
        wake: [&'s Condvar; 2],
        worker: bool,
    }
    impl<T> Drop for Leave<'_, T> {
        fn drop(&mut self) {
            let mut state = lock(self.state);
            if self.worker {
                state.working -= 1;
                state.stop |= std::thread::panicking();
            } else {
                state.stop = true;
            }
            drop(state);
            self.wake.iter().for_each(|condvar| condvar.notify_all());
        }
    }
    let workers = threads.clamp(1, count.max(1));
    let state = Mutex::new(State {
        next: 0,
        taken: 0,
        stop: false,
        working: workers,
        ready: std::collections::BTreeMap::new(),
    });
    let (done, room) = (Condvar::new(), Condvar::new());
    let leave = |worker| Leave {
        state: &state,
        wake: [&done, &room],
        worker,
    };
    let ahead = ahead.max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let _leave = leave(true);
                    loop {
                        let mut guard = lock(&state);
                        while !guard.stop && guard.next < count && guard.next >= guard.taken + ahead {
                            guard = room.wait(guard).unwrap_or_else(PoisonError::into_inner);
                        }
                        if guard.stop || guard.next >= count {
                            return;
                        }
                        let index = guard.next;
                        guard.next += 1;
                        drop(guard);
                        let result = work(index);
                        lock(&state).ready.insert(index, result);
                        done.notify_all();
                    }
                })
            })
            .collect();
        let stop = leave(false);
        let mut finished = true;
        for index in 0..count {
            let mut guard = lock(&state);
            let result = loop {
                if let Some(result) = guard.ready.remove(&index) {
                    break Some(result);
                }
                if guard.working == 0 {
                    break None;
                }
                guard = done.wait(guard).unwrap_or_else(PoisonError::into_inner);
            };
            let Some(result) = result else {
                finished = false;
                break;
            };
            guard.taken += 1;
            drop(guard);
            room.notify_all();
            if !take(result) {
                break;
            }
        }
        drop(stop);
        let mut panicked = false;
        for handle in handles {
            panicked |= handle.join().is_err();
        }
        (finished && !panicked).then_some(())
    })
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordered_hands_results_over_in_order_with_few_waiting() {
        let started = AtomicUsize::new(0);
        let mut taken = Vec::new();
        let ahead = 2;
        let done = ordered(
            50,
            3,
            ahead,
            |index| {
                started.fetch_add(1, Ordering::SeqCst);
                // Later jobs finish first, so results must wait to be put in order.
                std::thread::sleep(std::time::Duration::from_micros(((50 - index) % 7) as u64 * 100));
                index
            },
            |index| {
                // No job starts more than `ahead` beyond the ones taken, plus those running.
                assert!(started.load(Ordering::SeqCst) <= taken.len() + 1 + ahead + 3);
                taken.push(index);
                true
            },
        );
        assert_eq!(done, Some(()));
        assert_eq!(taken, (0..50).collect::<Vec<_>>());
    }

    #[test]
    fn ordered_stops_when_asked_and_reports_a_panic() {
        let mut taken = 0;
        assert_eq!(
            ordered(
                100,
                2,
                2,
                |index| index,
                |_| {
                    taken += 1;
                    taken < 5
                }
            ),
            Some(())
        );
        assert_eq!(taken, 5);
        let result = ordered(10, 2, 2, |index| assert!(index != 3, "job 3 fails"), |_| true);
        assert_eq!(result, None);
    }
}
