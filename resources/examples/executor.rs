// Example 2 in Rust: an executor of our own, fed by a bounded channel.
use futures::future::BoxFuture;
use futures::task::{waker_ref, ArcWake};
use futures::FutureExt;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::task::Context;

struct Task {
    future: Mutex<Option<BoxFuture<'static, ()>>>,
    task_sender: SyncSender<Arc<Task>>,
}

impl ArcWake for Task {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        // Every wake sends the task again: it can sit in the channel twice.
        // (Ours queues a task once.) A full channel BLOCKS here.
        arc_self.task_sender.send(arc_self.clone()).expect("receiver gone");
    }
}

struct Spawner { task_sender: SyncSender<Arc<Task>> }
struct Executor { task_receiver: Receiver<Arc<Task>> }

impl Spawner {
    // `+ Send`: the compiler proves the future may move to another thread.
    // C++ cannot: any Task<void> is accepted.
    fn spawn(&self, future: impl std::future::Future<Output = ()> + Send + 'static) {
        let task = Arc::new(Task {
            future: Mutex::new(Some(future.boxed())),
            task_sender: self.task_sender.clone(),
        });
        // Blocks while the channel is full (ours throws ChannelFull):
        // before run() nothing frees a slot, so this deadlocks.
        self.task_sender.send(task).expect("receiver gone");
    }
}

impl Executor {
    fn run(&self) {
        while let Ok(task) = self.task_receiver.recv() {
            let mut slot = task.future.lock().unwrap();
            if let Some(mut future) = slot.take() {
                let waker = waker_ref(&task);
                let cx = &mut Context::from_waker(&waker);
                if future.as_mut().poll(cx).is_pending() {
                    *slot = Some(future); // the waker will send it back
                }
            } // None: a second copy of a task already polled
        }
    }
}

#[test]
fn run_executor_and_spawner() {
    let (task_sender, task_receiver) = sync_channel(10_000);
    let (executor, spawner) = (Executor { task_receiver }, Spawner { task_sender });
    spawner.spawn(async {
        println!("hello, start timer!");
        TimerFuture::new(std::time::Duration::from_millis(10)).await;
        println!("bye, timer finished!");
    });
    drop(spawner); // run() ends once every sender is gone
    executor.run();
}
