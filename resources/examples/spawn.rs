// Example 4c in Rust: spawn runs tasks in parallel on worker threads.
use std::time::{Duration, Instant};
use tokio::time::sleep;

fn compute(ms: u64) {
    // CPU work: keeps this worker thread busy.
    let until = Instant::now() + Duration::from_millis(ms);
    while Instant::now() < until {
        std::hint::spin_loop();
    }
}

async fn task_1(time: u64) {
    compute(100);
    sleep(Duration::from_millis(time)).await;
    println!("task_1");
}
async fn task_2(time: u64) {
    compute(100);
    sleep(Duration::from_millis(time)).await;
    println!("task_2");
}
async fn task_3(time: u64) {
    compute(100);
    sleep(Duration::from_millis(time)).await;
    println!("task_3");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 5)]
async fn test_spawn() {
    // tokio::spawn needs F: Send + 'static. Send: the task may run on any
    // worker. 'static: it may outlive this function, so it cannot borrow
    // its locals. C++ checks neither: a coroutine may take a reference to a
    // local that dies first, and it compiles.
    let handle_1 = tokio::spawn(task_1(100));
    let handle_2 = tokio::spawn(task_2(100));
    let handle_3 = tokio::spawn(task_3(100));
    handle_1.await.unwrap();
    handle_2.await.unwrap();
    handle_3.await.unwrap();
    println!("all tasks done"); // ~200 ms on 5 workers, ~400 ms on 1
}
