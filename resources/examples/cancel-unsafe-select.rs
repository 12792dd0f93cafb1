// What goes wrong: a cancel-unsafe select, in Rust.
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::sleep;

async fn store(m: i32) {
    sleep(Duration::from_millis(8)).await; // writing it somewhere
    println!("stored {m}");
}

async fn consumer(mut rx: mpsc::Receiver<i32>, fixed: bool) {
    loop {
        if !fixed {
            tokio::select! {
                _ = sleep(Duration::from_millis(15)) => println!("tick"),
                // MISTAKE: when the tick wins during store(), this whole
                // future is dropped, and the message it took with it.
                done = async {
                    match rx.recv().await {
                        Some(m) => { store(m).await; false }
                        None => true,
                    }
                } => if done { break },
            }
        } else {
            tokio::select! {
                _ = sleep(Duration::from_millis(15)) => println!("tick"),
                m = rx.recv() => match m { // recv() is cancel-safe
                    Some(m) => store(m).await, // outside the race
                    None => break,
                },
            }
        }
    }
}
// The compiler checks neither: cancel safety is in the docs
// ("This method is cancel safe"), not in the types.
