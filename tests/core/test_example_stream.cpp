// The seed's Example 5: an async stream of "a", "b", "c", "d" consumed with
// next() until it ends.
#include "runtime.h"
#include "stream.h"
#include "yield_now.h"

#include <QtTest>

using namespace pollscope;

namespace {
std::vector<std::string> get_input_vec() {
    return {"a", "b", "c", "d"};
}

Stream<std::string> gen_input_stream() {
    for (auto& event : get_input_vec()) {
        co_await yield_now(); // values are produced asynchronously, one per poll
        co_yield event;
    }
}
} // namespace

class TestExampleStream : public QObject {
    Q_OBJECT
private slots:
    void stream_yields_each_value_then_ends() {
        Runtime rt({.workers = 1});
        auto got = rt.block_on([]() -> Task<std::vector<std::string>> {
            std::vector<std::string> out;
            auto it = gen_input_stream();
            std::size_t count = 0;
            while (auto event = co_await it.next()) {
                if (*event != get_input_vec()[count]) // the seed's assert_eq
                    throw std::runtime_error("stream out of order");
                out.push_back(*event);
                ++count;
            }
            // an ended stream stays ended
            if (co_await it.next())
                throw std::runtime_error("stream yielded after its end");
            co_return out;
        }());
        QCOMPARE(got, get_input_vec());
    }
};

QTEST_APPLESS_MAIN(TestExampleStream)
#include "test_example_stream.moc"
