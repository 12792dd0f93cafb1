// What goes wrong: blocking a worker, in Rust.
use std::time::Duration;

fn copy_file_blocking(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms)); // or std::fs::copy(..)
}

async fn copy_file(ms: u64, fixed: bool) {
    if !fixed {
        // MISTAKE: blocks the worker thread inside the poll.
        // Nothing stops you: the compiler cannot see blocking calls.
        copy_file_blocking(ms);
    } else {
        // The fix: run it on the blocking pool; the closure must be
        // Send + 'static (checked by the compiler, not in C++).
        tokio::task::spawn_blocking(move || copy_file_blocking(ms))
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "current_thread")] // one worker
async fn copy_three() {
    let fixed = false;
    let started = tokio::time::Instant::now();
    tokio::join!(copy_file(100, fixed), copy_file(200, fixed), copy_file(300, fixed));
    // 600 ms with the mistake, 300 ms with spawn_blocking
    println!("{:?}", started.elapsed());
}
