// Example 4b in Rust: select! races three futures inside ONE task.
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
async fn test_select() {
    tokio::select! {
        // Without `biased;` a RANDOM ready branch wins; ours tries in order.
        _ = task_1(100) => println!("task_1 done"),
        _ = task_2(200) => println!("task_2 done"),
        _ = task_3(300) => println!("task_3 done"),
    } // the two losing futures are dropped here, before the next line
    println!("one task done");
}

// The spawned variant: dropping a JoinHandle only DETACHES its task;
// to stop the losers, abort them.
#[tokio::test]
async fn test_select_spawned() {
    let mut h1 = tokio::spawn(task_1(100));
    let mut h2 = tokio::spawn(task_2(200));
    let mut h3 = tokio::spawn(task_3(300));
    tokio::select! {
        _ = &mut h1 => { h2.abort(); h3.abort(); }
        _ = &mut h2 => { h1.abort(); h3.abort(); }
        _ = &mut h3 => { h1.abort(); h2.abort(); }
    }
}
