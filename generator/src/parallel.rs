//! Work shared between cores: every thread takes the next job until none is left.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};

/// `work(index)` for every index below `count`, on `threads` threads (the
/// calling one among them); the results in index order, or `None` when a
/// job panicked.
///
/// The calling thread works too rather than waiting: every thread that runs
/// at once gets an allocator arena of its own, which keeps what it once held
/// for the rest of the run, so one thread fewer is about half a megabyte less
/// at the peak on an official module (BENCHMARKS.md).
pub fn map<T: Send>(count: usize, threads: usize, work: impl Fn(usize) -> T + Sync) -> Option<Vec<T>> {
    let next = AtomicUsize::new(0);
    let take_all = || {
        let mut out = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count {
                break out;
            }
            out.push((index, work(index)));
        }
    };
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads.clamp(1, count.max(1)))
            .map(|_| scope.spawn(take_all))
            .collect();
        let own = std::panic::catch_unwind(std::panic::AssertUnwindSafe(take_all)).unwrap_or_else(|_| {
            // The other threads stop at the next job.
            next.store(count, Ordering::Relaxed);
            Vec::new()
        });
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap_or_default())
            .chain(own)
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

/// `work(index)` for every index below `count`, on `threads` threads (the
/// calling one among them: it does the next job whenever the result it is to
/// take next is not ready, see [`map`]), each result handed to `take` on the
/// calling thread in index order as soon as it and those before it are done.
/// At most `ahead` results wait to be taken, so what the jobs make is never
/// all held at once. `take` returning `false` stops the work. `None` when a
/// job panicked.
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
    impl<T> State<T> {
        /// The next job, taken, if one may start now: the work goes on,
        /// jobs are left, and fewer than `ahead` results wait to be taken.
        fn claim(&mut self, count: usize, ahead: usize) -> Option<usize> {
            let may = !self.stop && self.next < count && self.next < self.taken + ahead;
            may.then(|| {
                self.next += 1;
                self.next - 1
            })
        }
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
    let workers = threads.clamp(1, count.max(1)) - 1;
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
                        let index = loop {
                            if let Some(index) = guard.claim(count, ahead) {
                                break index;
                            }
                            if guard.stop || guard.next >= count {
                                return;
                            }
                            guard = room.wait(guard).unwrap_or_else(PoisonError::into_inner);
                        };
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
            let result = {
                let mut guard = lock(&state);
                loop {
                    if let Some(result) = guard.ready.remove(&index) {
                        break Some(result);
                    }
                    if let Some(job) = guard.claim(count, ahead) {
                        drop(guard);
                        let Ok(result) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(job))) else {
                            break None;
                        };
                        if job == index {
                            break Some(result);
                        }
                        guard = lock(&state);
                        guard.ready.insert(job, result);
                        continue;
                    }
                    if guard.working == 0 {
                        break None;
                    }
                    guard = done.wait(guard).unwrap_or_else(PoisonError::into_inner);
                }
            };
            let Some(result) = result else {
                finished = false;
                break;
            };
            lock(&state).taken += 1;
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

    #[test]
    fn one_thread_is_the_calling_one() {
        let caller = std::thread::current().id();
        let on_caller = |index| (std::thread::current().id() == caller).then_some(index);
        assert_eq!(map(5, 1, on_caller), Some((0..5).map(Some).collect()));
        let mut taken = Vec::new();
        let done = ordered(5, 1, 2, on_caller, |index| {
            taken.push(index);
            true
        });
        assert_eq!(done, Some(()));
        assert_eq!(taken, (0..5).map(Some).collect::<Vec<_>>());
    }

    #[test]
    fn a_job_panicking_on_any_thread_gives_none() {
        for threads in [1, 2, 3] {
            for failing in [0, 7, 19] {
                let work = |index: usize| assert!(index != failing, "job {failing} fails");
                assert_eq!(map(20, threads, work), None, "{threads} threads, job {failing}");
                assert_eq!(
                    ordered(20, threads, 3, work, |_| true),
                    None,
                    "{threads} threads, job {failing}"
                );
            }
            assert_eq!(map(20, threads, |index| index).map(|all| all.len()), Some(20));
        }
    }
}
