// What goes wrong: a mutex held across an await, in Rust.
use std::sync::Arc;
use std::time::Duration;
use tokio::time::sleep;

async fn update_std(m: Arc<std::sync::Mutex<i32>>) {
    let mut guard = m.lock().unwrap(); // blocks the worker if locked
    sleep(Duration::from_millis(50)).await; // MISTAKE: guard held across .await
    *guard += 1;
}
// Rust catches this one: std::sync::MutexGuard is !Send, so the future
// is !Send and tokio::spawn(update_std(m)) does NOT compile. (On a
// current-thread runtime with spawn_local it compiles, and deadlocks.)
// C++ compiles both and leaves it to you.

async fn update_async(m: Arc<tokio::sync::Mutex<i32>>) {
    let mut guard = m.lock().await; // Pending while another task holds it
    sleep(Duration::from_millis(50)).await; // held across .await: fine
    *guard += 1;
}

#[tokio::test(flavor = "current_thread")] // one worker
async fn two_updates() {
    let m = Arc::new(tokio::sync::Mutex::new(0));
    let a = tokio::spawn(update_async(m.clone()));
    let b = tokio::spawn(update_async(m.clone()));
    a.await.unwrap();
    b.await.unwrap();
    assert_eq!(*m.lock().await, 2); // after 100 ms
}
