// Example 1 in Rust: a future written by hand.
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

#[derive(Default)]
struct SharedState {
    completed: bool,
    waker: Option<Waker>,
}

struct TimerFuture {
    shared_state: Arc<Mutex<SharedState>>,
}

impl Future for TimerFuture {
    type Output = ();
    // `self: Pin<&mut Self>`: the future promises not to move once polled.
    // C++ has no Pin: a coroutine frame simply never moves.
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.shared_state.lock().unwrap();
        if state.completed {
            Poll::Ready(())
        } else {
            state.waker = Some(cx.waker().clone()); // store it on EVERY poll
            Poll::Pending
        }
    }
}

impl TimerFuture {
    fn new(duration: Duration) -> Self {
        let shared_state = Arc::new(Mutex::new(SharedState::default()));
        let thread_state = shared_state.clone(); // Arc: the thread needs Send
        std::thread::spawn(move || {
            std::thread::sleep(duration);
            let mut state = thread_state.lock().unwrap();
            state.completed = true;
            if let Some(waker) = state.waker.take() {
                waker.wake(); // "woken by a thread"
            }
        });
        TimerFuture { shared_state }
    }
}

#[tokio::test]
async fn run_timer_future() {
    let timer_future = TimerFuture::new(Duration::from_millis(10));
    let shared_state = timer_future.shared_state.clone();
    assert!(!shared_state.lock().unwrap().completed);
    timer_future.await; // Pending until the timer thread calls wake()
    assert!(shared_state.lock().unwrap().completed);
}
