// Example 3 in Rust: tasks that share !Send data on one thread.
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use tokio::task::LocalSet;
use tokio::time::sleep;

#[tokio::test]
async fn run_local_set_and_spawn_local() {
    // Rc: a plain, non-atomic count. Rc is !Send, so
    // tokio::spawn(async move { data.len() }) does NOT compile;
    // spawn_local has no Send bound. C++ checks nothing of this.
    let non_send_data = Rc::new("!SEND DATA");
    let log = Rc::new(RefCell::new(Vec::new()));
    let local_set = LocalSet::new();

    let (data, out) = (non_send_data.clone(), log.clone());
    let join_handle_1 = local_set.spawn_local(async move {
        out.borrow_mut().push(format!("start {data}"));
    }); // runs nothing yet
    local_set.run_until(join_handle_1).await.unwrap();

    let (data, out) = (non_send_data.clone(), log.clone());
    local_set
        .run_until(async move {
            sleep(Duration::from_millis(100)).await;
            out.borrow_mut().push(format!("middle {data}"));
        })
        .await;

    let (data, out) = (non_send_data.clone(), log.clone());
    let _join_handle_3 = local_set.spawn_local(async move {
        sleep(Duration::from_millis(100)).await;
        out.borrow_mut().push(format!("end {data}"));
    });
    local_set.await; // runs every local task to the end

    assert_eq!(Rc::strong_count(&non_send_data), 1);
}
