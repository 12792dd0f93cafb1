// Example 6 in Rust: an event loop with a graceful, broadcast shutdown.
use std::sync::{Arc, Mutex};
use tokio::sync::{broadcast, mpsc};

#[tokio::test(flavor = "multi_thread", worker_threads = 5)]
async fn test_main_loop() {
    let (event_sender, mut event_receiver) = mpsc::channel::<String>(1_000);
    let shutdown_channel = broadcast::channel::<()>(1_000);
    // `_` binds nothing: the first Receiver stays inside shutdown_channel
    // until the end of the test, so receiver_count() is 1 at the end.
    let (shutdown_sender, _) = shutdown_channel;
    let mut shutdown_receiver = shutdown_sender.subscribe();

    let safe_count = Arc::new(Mutex::new(0usize)); // Arc + Mutex: Send + Sync
    let count = safe_count.clone();
    let join_handle = tokio::spawn(async move {
        loop {
            tokio::select! {
                biased; // events first, as ours always does; else random
                event = event_receiver.recv() => {
                    if event.is_none() { break; }
                    *count.lock().unwrap() += 1;
                }
                _ = shutdown_receiver.recv() => {
                    // the safety net: take what is still queued
                    while event_receiver.try_recv().is_ok() {
                        *count.lock().unwrap() += 1;
                    }
                    break;
                }
            }
        }
    });

    let mut handles = vec![];
    for i in 0..10 {
        let sender = event_sender.clone();
        handles.push(tokio::spawn(async move {
            let _ = sender.send(format!("event {i}")).await; // waits while full
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }));
    }
    futures::future::join_all(handles).await;

    shutdown_sender.send(()).unwrap();
    join_handle.await.unwrap();
    assert_eq!(shutdown_sender.receiver_count(), 1);
    assert_eq!(*safe_count.lock().unwrap(), 10);
}
