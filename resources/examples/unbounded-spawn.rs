// What goes wrong: a task per event, with nothing bounding them.
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, Mutex};
use tokio::time::sleep;

async fn handle(db: Arc<Mutex<i32>>) {
    let mut conn = db.lock().await; // one connection for everyone
    sleep(Duration::from_millis(4)).await;
    *conn += 1;
}

async fn spawn_per_event(db: Arc<Mutex<i32>>, events: usize) {
    let mut handlers = Vec::new();
    for _ in 0..events {
        sleep(Duration::from_millis(1)).await; // the next event arrives
        handlers.push(tokio::spawn(handle(db.clone()))); // MISTAKE: unbounded
    }
    futures::future::join_all(handlers).await;
}

async fn send_bounded(db: Arc<Mutex<i32>>, events: usize) {
    let (tx, mut rx) = mpsc::channel::<usize>(8); // the fix: 8 slots
    let consumer = tokio::spawn(async move {
        while let Some(_event) = rx.recv().await {
            handle(db.clone()).await;
        }
    });
    for i in 0..events {
        sleep(Duration::from_millis(1)).await;
        tx.send(i).await.unwrap(); // waits while full: backpressure
    }
    drop(tx);
    consumer.await.unwrap();
}
// Rust does not bound tasks either: an unbounded_channel or a spawn per
// event compiles as happily as in C++.
