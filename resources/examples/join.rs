// Example 4a in Rust: join! polls three futures inside ONE task.
use std::time::Duration;
use tokio::time::sleep;

async fn task_1(time: u64) {
    sleep(Duration::from_millis(time)).await;
    println!("task_1");
}
async fn task_2(time: u64) {
    sleep(Duration::from_millis(time)).await;
    println!("task_2");
}
async fn task_3(time: u64) {
    sleep(Duration::from_millis(time)).await;
    println!("task_3");
}

#[tokio::test]
async fn test_join() {
    // Concurrent, not parallel: 300 ms in all, not 600.
    tokio::join!(task_1(100), task_2(200), task_3(300));
    println!("all tasks done");
}
