//! Clients measured in turns. The clients of a round run at once, each on its own thread on
//! the client's CPU, but only one of them is timed at a time: after its warm-up each waits for
//! its turn, handles [`TURN`] events and passes the turn on, round and round until each has
//! handled its events.
//!
//! This machine speeds up and slows down by up to 1.5× within a second. Measured one after
//! another, two clients see different machines; taking turns of a few tens of milliseconds,
//! every client of a round sees the same one, so their ratios hold round by round. A client
//! waiting for its turn blocks its thread, and its flood's writes stop once its socket's
//! buffers are full, so the one whose turn it is runs alone.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use crate::measure::{Mark, Throughput};

/// Events a client handles in one turn: about 30 ms of the floor's work.
pub(crate) const TURN: u64 = 20_000;
/// Longer than any round; a client still waiting then waits on one that is stuck.
const WAIT_LIMIT: Duration = Duration::from_secs(300);

/// Which events a client counts and where its turns end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Schedule {
    /// Untimed events first, handled by every client at once.
    pub(crate) warmup: u64,
    /// Every event of the run, warm-up included.
    pub(crate) events: u64,
}

impl Schedule {
    /// Whether the `counted`th event ends the warm-up or a turn: the moments the client must
    /// tell its [`Seat`].
    pub(crate) fn is_mark(self, counted: u64) -> bool {
        counted >= self.warmup
            && ((counted - self.warmup).is_multiple_of(TURN) || counted == self.events)
    }
}

/// A client to measure: it handles the flood's events, telling its seat as it goes, and returns
/// what the seat timed.
pub(crate) type Client<'a> = Box<dyn FnOnce(Seat) -> Throughput + Send + 'a>;

/// Runs each client on its own thread, in turns, and returns what each measured, in order.
pub(crate) fn take_turns<const N: usize>(
    schedule: Schedule,
    clients: [Client<'_>; N],
) -> [Throughput; N] {
    let table = Arc::new(Table {
        state: Mutex::new(State {
            turn: 0,
            seats: vec![Place::WarmingUp; N],
        }),
        changed: Condvar::new(),
    });
    std::thread::scope(|scope| {
        let mut index = 0;
        let running = clients.map(|client| {
            let seat = Seat {
                table: Arc::clone(&table),
                index,
                schedule,
                turn: None,
                timed: Throughput::default(),
            };
            index += 1;
            scope.spawn(move || client(seat))
        });
        running.map(|client| client.join().expect("a measured client"))
    })
}

/// The clients of a round and whose turn it is.
struct Table {
    state: Mutex<State>,
    changed: Condvar,
}

struct State {
    turn: usize,
    seats: Vec<Place>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    WarmingUp,
    Waiting,
    Done,
}

impl Table {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl State {
    /// Gives the turn to the next client after `from` that is not done.
    fn pass(&mut self, from: usize) {
        let count = self.seats.len();
        if let Some(next) = (1..=count)
            .map(|step| (from + step) % count)
            .find(|&seat| self.seats[seat] != Place::Done)
        {
            self.turn = next;
        }
    }
}

/// One client's place at the table.
pub(crate) struct Seat {
    table: Arc<Table>,
    index: usize,
    schedule: Schedule,
    /// When the current turn began, and the count of events then.
    turn: Option<(Mark, u64)>,
    timed: Throughput,
}

impl Seat {
    pub(crate) fn schedule(&self) -> Schedule {
        self.schedule
    }

    /// The client has handled `counted` events, a count for which [`Schedule::is_mark`] is
    /// true: ends its turn and waits for the next. True once it has handled them all.
    pub(crate) fn counted(&mut self, counted: u64) -> bool {
        if let Some((started, before)) = self.turn.take() {
            let turn = Throughput::between(started, Mark::now(), counted - before);
            self.timed = self.timed.and(turn);
        }
        if counted == self.schedule.events {
            self.leave();
            return true;
        }
        let mut state = self.table.state();
        if state.seats[self.index] == Place::WarmingUp {
            state.seats[self.index] = Place::Waiting;
        } else {
            state.pass(self.index);
        }
        self.table.changed.notify_all();
        let not_mine =
            |state: &mut State| state.turn != self.index || state.seats.contains(&Place::WarmingUp);
        let (state, waited) = self
            .table
            .changed
            .wait_timeout_while(state, WAIT_LIMIT, not_mine)
            .unwrap_or_else(PoisonError::into_inner);
        assert!(!waited.timed_out(), "a client never passed the turn on");
        drop(state);
        self.turn = Some((Mark::now(), counted));
        false
    }

    /// What the client's turns measured.
    pub(crate) fn timed(&self) -> Throughput {
        self.timed
    }

    /// Done, or gone with a panic: the others go on without this client.
    fn leave(&mut self) {
        let mut state = self.table.state();
        if state.seats[self.index] != Place::Done {
            state.seats[self.index] = Place::Done;
            if state.turn == self.index {
                state.pass(self.index);
            }
            self.table.changed.notify_all();
        }
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        self.leave();
    }
}
