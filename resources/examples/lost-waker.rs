// What goes wrong: a lost waker, in Rust.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

struct ForgetfulTimer {
    inner: TimerFuture, // the article's TimerFuture
    fixed: bool,
}

impl Future for ForgetfulTimer {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.fixed {
            return Pin::new(&mut self.inner).poll(cx); // task's waker stored
        }
        // MISTAKE: a waker that wakes nobody (Waker::noop, Rust 1.85).
        let mut own = Context::from_waker(Waker::noop());
        Pin::new(&mut self.inner).poll(&mut own) // Pending; no one will wake us
    }
}
// Neither language can check this: the type system does not know that
// Pending promises a stored waker. The article's executor drops the task;
// Tokio keeps it Pending for ever.

fn main() {
    let (executor, spawner) = new_executor_and_spawner();
    spawner.spawn(async {
        println!("hello, start timer!");
        ForgetfulTimer { inner: TimerFuture::new(10ms), fixed: false }.await;
        println!("bye, timer finished!"); // never, with the mistake
    });
    drop(spawner);
    executor.run();
}
