// What goes wrong: subscribing to the shutdown broadcast too late.
use tokio::sync::{broadcast, mpsc};

async fn work_loop(name: &str, mut shutdown: broadcast::Receiver<()>, mut work: mpsc::Receiver<i32>) {
    loop {
        tokio::select! {
            _ = shutdown.recv() => break,
            _ = work.recv() => println!("{name} did some work"),
        }
    }
    println!("{name} got the shutdown signal");
}

#[tokio::test(flavor = "current_thread")]
async fn two_loops() {
    let (shutdown_tx, _) = broadcast::channel::<()>(16);
    let (_work_a_tx, work_a) = mpsc::channel(16);
    let (_work_b_tx, work_b) = mpsc::channel(16);
    let loop_a = tokio::spawn(work_loop("loop_a", shutdown_tx.subscribe(), work_a));

    let tx = shutdown_tx.clone();
    let loop_b = tokio::spawn(async move {
        let rx = tx.subscribe(); // MISTAKE: runs after the send below
        work_loop("loop_b", rx, work_b).await
    });
    // The fix: tokio::spawn(work_loop("loop_b", shutdown_tx.subscribe(), work_b))

    shutdown_tx.send(()).unwrap(); // loop_b has not run yet
    loop_a.await.unwrap();
    loop_b.await.unwrap(); // hangs for ever with the mistake
}
// No compiler can see this: it is an ordering bug, not a type error.
