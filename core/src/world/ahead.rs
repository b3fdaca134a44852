//! Epochs ahead of their block, on other threads (native builds with `std`; not on wasm).
//!
//! A chain epoch reads only its own subnet: the stake of its uids, its stored weights and
//! bonds, its permits and hyperparameters, and the block. Nothing else in the world writes
//! those between two of the subnet's epochs except a stake flow or a registration on that
//! subnet. Those are known in advance (`core/src/world/forecast.rs`), so once the last one
//! before a subnet's epoch has happened (at most [`HORIZON`] blocks before it), the world
//! builds the input the epoch will read and a worker thread computes it, the job due first
//! taken first. When the block comes, the world builds the real input as usual and compares
//! the two in full: if they are equal (the emission aside, which only the final rao split
//! reads), it takes the worker's epoch and pays it with this block's emission; otherwise it
//! computes the epoch itself. An epoch is a pure function of its input, so the world's
//! results are bit-identical whatever the number of threads; only the time changes.
//!
//! Without the forecast (a test switch), epochs start [`LEAD`] blocks ahead (twice that when
//! the workers are idle), and a flow or a registration on a subnet whose epoch is under way
//! restarts that epoch from the new state while there is time.

use super::epoch::ChainJob;
use crate::yuma::chain::Workspace;
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU8, Ordering};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How many blocks before its predicted block an epoch is started. Longer gives a worker
/// more time; shorter leaves fewer blocks in which a stake flow or a registration on the
/// subnet can void it (the default network has about 0.05 such events per subnet per block).
pub const LEAD: u64 = 8;

/// How far ahead the world forecasts its flows and registrations (see
/// `world::forecast`), and so how many blocks before its block an epoch whose input
/// is known to be final may start.
pub const HORIZON: u64 = 32;

/// An epoch voided by a flow or a registration is restarted only if at least this many
/// blocks remain before it.
const MIN_RESTART: u64 = 3;

/// Hits and misses of epochs computed ahead.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AheadStats {
    /// Epochs computed ahead and taken.
    pub hits: u64,
    /// Epochs computed ahead whose input had changed by their block (recomputed).
    pub misses: u64,
    /// Epochs started ahead and not used: restarted after a flow or a registration,
    /// cancelled before a worker got to them, or predicted for a block at which the subnet
    /// ran no epoch.
    pub unused: u64,
}

/// A job waiting in the queue.
const QUEUED: u8 = 0;
/// A job a worker has started.
const RUNNING: u8 = 1;
/// A job the world no longer wants: a worker skips it.
const CANCELLED: u8 = 2;

/// A job on its way through the workers, with the state the world and the worker share (the
/// `Arc` also identifies the job).
pub(crate) struct Sent {
    job: Box<ChainJob>,
    state: Arc<AtomicU8>,
    /// How long the worker took to compute it.
    took: Duration,
}

/// A job the workers hold.
struct InFlight {
    netuid: u16,
    block: u64,
    touches: u64,
    state: Arc<AtomicU8>,
}

/// The jobs waiting for a worker (the one due first is taken first), and whether the world
/// has closed.
#[derive(Default)]
struct Queue {
    jobs: Mutex<(Vec<Sent>, bool)>,
    ready: Condvar,
}

/// The world's end of the worker threads: jobs out, finished jobs back. Jobs stay boxed
/// (a job holds dozens of buffers) so that they move between threads as one pointer.
#[allow(clippy::vec_box)]
pub(crate) struct Ahead {
    queue: Arc<Queue>,
    done: Receiver<Sent>,
    in_flight: Vec<InFlight>,
    /// Finished jobs not yet taken.
    ready: Vec<Box<ChainJob>>,
    /// Jobs to reuse (their buffers have grown).
    spare: Vec<Box<ChainJob>>,
    cap: usize,
    /// Wait for every job rather than cancel queued ones, start every predicted epoch, and
    /// never look further ahead: the hits and misses then depend on the scenario alone, not
    /// on timing (for tests).
    patient: bool,
    /// The longest a worker took for one of the recent epochs (decaying): how long the
    /// world waits for a job a worker has started before computing the epoch itself.
    slowest: Duration,
    pub(crate) stats: AheadStats,
}

impl Ahead {
    /// The world's end, and the shared end the workers take jobs from.
    pub(crate) fn new(workers: usize, patient: bool) -> (Ahead, Worker) {
        let queue = Arc::new(Queue::default());
        let (done_tx, done) = channel();
        (
            Ahead {
                queue: queue.clone(),
                done,
                in_flight: Vec::new(),
                ready: Vec::new(),
                spare: Vec::new(),
                cap: 8 * workers.max(1),
                patient,
                slowest: Duration::from_millis(1),
                stats: AheadStats::default(),
            },
            Worker {
                queue,
                done: done_tx,
            },
        )
    }

    /// How far ahead epochs are started now: twice [`LEAD`] when the workers are idle.
    pub(crate) fn lead(&self) -> u64 {
        if self.in_flight.is_empty() && !self.patient {
            2 * LEAD
        } else {
            LEAD
        }
    }

    /// Whether another job may start.
    pub(crate) fn has_room(&self) -> bool {
        self.patient || self.in_flight.len() < self.cap
    }

    /// The subnet's touch count when the job for this epoch was started, if one was.
    pub(crate) fn started_at(&self, netuid: u16, block: u64) -> Option<u64> {
        self.in_flight
            .iter()
            .find(|k| k.netuid == netuid && k.block == block)
            .map(|k| k.touches)
            .or_else(|| {
                self.ready
                    .iter()
                    .find(|j| j.netuid == netuid && j.block == block)
                    .map(|j| j.touches)
            })
    }

    /// Whether the epoch started from an older state should be restarted, `blocks` blocks
    /// before it is due.
    pub(crate) fn restarts(&self, blocks: u64) -> bool {
        !self.patient && blocks >= MIN_RESTART
    }

    /// A job to fill.
    pub(crate) fn spare(&mut self) -> Box<ChainJob> {
        self.spare.pop().unwrap_or_default()
    }

    /// Hands a filled job to the workers (kept for reuse if they are gone).
    pub(crate) fn submit(&mut self, job: Box<ChainJob>) {
        let (netuid, block, touches) = (job.netuid, job.block, job.touches);
        let state = Arc::new(AtomicU8::new(QUEUED));
        let sent = Sent {
            job,
            state: state.clone(),
            took: Duration::ZERO,
        };
        let Ok(mut q) = self.queue.jobs.lock() else {
            self.spare.push(sent.job);
            return;
        };
        if q.1 {
            self.spare.push(sent.job);
            return;
        }
        q.0.push(sent);
        drop(q);
        self.queue.ready.notify_one();
        self.in_flight.push(InFlight {
            netuid,
            block,
            touches,
            state,
        });
    }

    fn receive(&mut self, sent: Sent) {
        if sent.took > Duration::ZERO {
            self.slowest = (self.slowest * 7 / 8).max(sent.took);
        }
        let p = self
            .in_flight
            .iter()
            .position(|k| Arc::ptr_eq(&k.state, &sent.state));
        let wanted = p.is_some_and(|p| {
            let k = self.in_flight.swap_remove(p);
            k.state.load(Ordering::Acquire) != CANCELLED
        });
        if wanted {
            self.ready.push(sent.job);
        } else {
            self.stats.unused += 1;
            self.spare.push(sent.job);
        }
    }

    fn drain(&mut self) {
        while let Ok(sent) = self.done.try_recv() {
            self.receive(sent);
        }
    }

    /// Forgets the job for this epoch (a worker skips it if it has not started it).
    pub(crate) fn forget(&mut self, netuid: u16, block: u64) {
        if let Some(p) = self
            .in_flight
            .iter()
            .position(|k| k.netuid == netuid && k.block == block)
        {
            let k = self.in_flight.swap_remove(p);
            k.state.store(CANCELLED, Ordering::Release);
        }
        if let Some(p) = self
            .ready
            .iter()
            .position(|j| j.netuid == netuid && j.block == block)
        {
            let job = self.ready.swap_remove(p);
            self.stats.unused += 1;
            self.spare.push(job);
        }
    }

    /// The job computed for this epoch, waiting for it if a worker is computing it; a job
    /// still queued is cancelled instead (the world computes the epoch itself rather than
    /// wait), which keeps the world and the workers in balance. A started job is waited for
    /// about twice as long as recent epochs took a worker; then (the worker's core is busy
    /// with something else) it is cancelled too.
    pub(crate) fn take(&mut self, netuid: u16, block: u64) -> Option<Box<ChainJob>> {
        self.drain();
        let deadline = Instant::now() + 2 * self.slowest + Duration::from_micros(50);
        loop {
            if let Some(p) = self
                .ready
                .iter()
                .position(|j| j.netuid == netuid && j.block == block)
            {
                return Some(self.ready.swap_remove(p));
            }
            let p = self
                .in_flight
                .iter()
                .position(|k| k.netuid == netuid && k.block == block)?;
            if !self.patient
                && self.in_flight[p]
                    .state
                    .compare_exchange(QUEUED, CANCELLED, Ordering::AcqRel, Ordering::Acquire)
                    .is_ok()
            {
                return None;
            }
            if self.patient {
                match self.done.recv() {
                    Ok(sent) => self.receive(sent),
                    Err(_) => return None,
                }
                continue;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.done.recv_timeout(left) {
                Ok(sent) => self.receive(sent),
                Err(RecvTimeoutError::Timeout) => {
                    self.in_flight[p].state.store(CANCELLED, Ordering::Release);
                    return None;
                }
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
    }

    /// Returns a job for reuse, counting whether its epoch was taken.
    pub(crate) fn recycle(&mut self, job: Box<ChainJob>, hit: bool) {
        if hit {
            self.stats.hits += 1;
        } else {
            self.stats.misses += 1;
        }
        self.spare.push(job);
    }

    /// Drops finished jobs for blocks before `block` (their subnet ran no epoch then).
    pub(crate) fn expire(&mut self, block: u64) {
        self.drain();
        let mut k = 0;
        while k < self.ready.len() {
            if self.ready[k].block < block {
                let job = self.ready.swap_remove(k);
                self.stats.unused += 1;
                self.spare.push(job);
            } else {
                k += 1;
            }
        }
    }

    /// Stops the workers (they finish the jobs they hold) and waits for those jobs.
    pub(crate) fn close(&mut self) {
        if let Ok(mut q) = self.queue.jobs.lock() {
            q.1 = true;
        }
        self.queue.ready.notify_all();
        for k in &self.in_flight {
            k.state.store(CANCELLED, Ordering::Release);
        }
        while !self.in_flight.is_empty() {
            match self.done.recv() {
                Ok(sent) => self.receive(sent),
                Err(_) => break,
            }
        }
        self.stats.unused += self.ready.len() as u64;
        self.ready.clear();
    }
}

/// The workers' shared end.
pub(crate) struct Worker {
    queue: Arc<Queue>,
    done: Sender<Sent>,
}

impl Worker {
    /// The queued job due first, waiting for one; None once the world has closed and the
    /// queue is empty.
    fn next(&self) -> Option<Sent> {
        let mut q = self.queue.jobs.lock().ok()?;
        loop {
            let first = (0..q.0.len()).min_by_key(|&k| q.0[k].job.block);
            if let Some(k) = first {
                return Some(q.0.swap_remove(k));
            }
            if q.1 {
                return None;
            }
            q = self.queue.ready.wait(q).ok()?;
        }
    }

    /// A worker thread's loop: compute jobs until the world closes.
    pub(crate) fn run(&self) {
        let done = self.done.clone();
        // One workspace for every epoch this thread computes: it stays in this core's cache.
        let mut ws = Workspace::default();
        loop {
            let Some(mut sent) = self.next() else {
                return;
            };
            if sent
                .state
                .compare_exchange(QUEUED, RUNNING, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
            {
                // An epoch does not panic on a valid input; should one, the job comes back
                // cancelled (the world computes that epoch itself) instead of never.
                let job = &mut sent.job;
                let start = Instant::now();
                if std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| job.run(&mut ws)))
                    .is_err()
                {
                    sent.state.store(CANCELLED, Ordering::Release);
                }
                sent.took = start.elapsed();
            }
            if done.send(sent).is_err() {
                return;
            }
        }
    }
}
