#include "rust_links.h"

#include <algorithm>
#include <utility>
#include <vector>

namespace pollscope::examples {

namespace {

using Anchors = std::vector<std::pair<const char*, const char*>>; // C++ piece, Rust piece

Anchors anchors_of(const QString& id) {
    if (id == QLatin1String("timer-future"))
        return {{"co_await timer_future;", "timer_future.await;"}};
    if (id == QLatin1String("executor"))
        return {{"co_await TimerFuture(duration, clock);", "TimerFuture::new(std::time"}};
    if (id == QLatin1String("local-set"))
        return {{"co_await local_set.run_until(std::move(join_handle_1));",
                 "local_set.run_until(join_handle_1).await"},
                {"co_await local_set.run_until(async_block_2", ".run_until(async move {"},
                {"co_await sleep(time);", "sleep(Duration::from_millis(100)).await;"},
                {"co_await local_set;", "local_set.await;"}};
    if (id == QLatin1String("join"))
        return {{"co_await sleep(time);", "sleep(Duration::from_millis(time)).await;"},
                {"co_await join(", "tokio::join!("}};
    if (id == QLatin1String("select"))
        return {{"co_await sleep(time);", "sleep(Duration::from_millis(time)).await;"},
                {"co_await select(task_1", "tokio::select! {"},
                {"co_await select(by_ref(handles[0])", "_ = &mut h1"}};
    if (id == QLatin1String("spawn"))
        return {{"co_await sleep(time);", "sleep(Duration::from_millis(time)).await;"},
                {"co_await handle_1;", "handle_1.await"},
                {"co_await handle_2;", "handle_2.await"},
                {"co_await handle_3;", "handle_3.await"}};
    if (id == QLatin1String("stream"))
        return {{"co_await sleep(delay);", "tokio::time::sleep(Duration::from_millis(delay))"},
                {"co_await it.next()", "it.next().await"}};
    if (id == QLatin1String("event-loop"))
        return {{"co_await select(event_receiver.recv(), shutdown_receiver.recv());",
                 "tokio::select! {"},
                {"co_await event_sender.send(", "sender.send(format!"},
                {"co_await sleep(milliseconds(10));", "tokio::time::sleep(std::time::Duration"},
                {"co_await join_all(std::move(handles));", "join_all(handles).await;"},
                {"co_await join_handle;", "join_handle.await.unwrap();"}};
    if (id == QLatin1String("blocking-worker"))
        return {{"co_await spawn_blocking(", "tokio::task::spawn_blocking("},
                {"co_await join(copy_file", "tokio::join!(copy_file"}};
    if (id == QLatin1String("mutex-across-await"))
        return {{"co_await shared->async_mutex.lock();", "m.lock().await;"},
                {"co_await sleep(hold);                             // held",
                 "held across .await: fine"},
                {"co_await sleep(hold); // MISTAKE", "MISTAKE: guard held across .await"},
                {"co_await a;", "a.await.unwrap();"},
                {"co_await b;", "b.await.unwrap();"}};
    if (id == QLatin1String("lost-waker"))
        return {{"co_await ForgetfulTimer(", "ForgetfulTimer { inner: TimerFuture::new"}};
    if (id == QLatin1String("cancel-unsafe-select"))
        return {{"auto m = co_await rx->recv();", "match rx.recv().await {"},
                {"co_await sleep(kStore);", "sleep(Duration::from_millis(8)).await;"},
                {"co_await select(sleep(kTick), rx->recv());", "m = rx.recv() =>"},
                {"co_await select(sleep(kTick), by_ref(branch));", "done = async {"}};
    if (id == QLatin1String("late-subscriber"))
        return {{"co_await select(shutdown.recv(), work->recv());", "tokio::select! {"},
                {"co_await work_loop(", "work_loop(\"loop_b\", rx, work_b).await"},
                {"co_await loop_a;", "loop_a.await.unwrap();"},
                {"co_await select(by_ref(loop_b), sleep(give_up));", "loop_b.await.unwrap();"}};
    if (id == QLatin1String("unbounded-spawn"))
        return {{"co_await db->connection.lock();", "db.lock().await;"},
                {"co_await sleep(kHandle);", "sleep(Duration::from_millis(4)).await;"},
                {"co_await sleep(kEvery);", "sleep(Duration::from_millis(1)).await;"},
                {"co_await tx.send(i);", "tx.send(i).await"},
                {"co_await join_all(std::move(handlers));", "join_all(handlers).await;"},
                {"co_await rx.recv()", "rx.recv().await"}};
    return {};
}

std::vector<int> lines_containing(const QStringList& lines, const char* piece) {
    std::vector<int> out;
    const QString p = QString::fromUtf8(piece);
    for (int i = 0; i < lines.size(); ++i)
        if (lines[i].contains(p))
            out.push_back(i + 1);
    return out;
}

} // namespace

std::map<int, int> rust_lines_for(const QString& id, const QString& code, const QString& rust,
                                  QStringList* unresolved) {
    const QStringList code_lines = code.split(QLatin1Char('\n'));
    const QStringList rust_lines = rust.split(QLatin1Char('\n'));
    std::map<int, int> out;
    for (const auto& [cpp_piece, rust_piece] : anchors_of(id)) {
        const auto from = lines_containing(code_lines, cpp_piece);
        const auto to = lines_containing(rust_lines, rust_piece);
        if (from.empty() || to.empty()) {
            if (unresolved)
                *unresolved << QStringLiteral("%1: '%2' -> '%3'")
                                   .arg(id, QString::fromUtf8(cpp_piece),
                                        QString::fromUtf8(rust_piece));
            continue;
        }
        for (std::size_t i = 0; i < from.size(); ++i)
            out.try_emplace(from[i], to[std::min(i, to.size() - 1)]);
    }
    return out;
}

} // namespace pollscope::examples
