// Example 5 in Rust: an async stream, consumed one item at a time.
use futures::{Stream, StreamExt};
use std::pin::Pin;
use std::time::Duration;

// Pin<Box<..>>: the generator's state must not move once polled. C++
// coroutine frames live on the heap and never move, so no Pin is needed.
type PinnedInputStream = Pin<Box<dyn Stream<Item = String>>>;

fn gen_input_stream(delay: u64) -> PinnedInputStream {
    Box::pin(async_stream::stream! {
        for item in ["a", "b", "c", "d"] {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            yield item.to_string();
        }
    })
}

#[tokio::test]
async fn test_stream() {
    let mut count = 0;
    let mut it = gen_input_stream(0);
    while let Some(item) = it.next().await {
        assert_eq!(item, ["a", "b", "c", "d"][count]);
        count += 1;
    }
    assert_eq!(count, 4);
}
