#pragma once
// LabelSpace: where the timeline's labels may still go. Each lane has two
// rows (above and below its waiting line); a label claims a span of a row
// and is drawn only if no other label holds any of it, so labels never
// overlap whatever order they are placed in (the first placed wins).

#include <utility>
#include <vector>

namespace pollscope::app {

class LabelSpace {
public:
    enum Row { kUpper = 0, kLower = 1 };

    /// Forgets every claim; lanes are numbered 0 .. lanes-1.
    void reset(int lanes);
    /// Claims [x0, x1) on `row` of `lane`: false (and nothing claimed) when
    /// any of it is taken or the lane is out of range.
    bool claim(int lane, Row row, int x0, int x1);

private:
    // Per lane and row: disjoint [begin, end) spans sorted by begin.
    std::vector<std::vector<std::pair<int, int>>> taken_;
};

} // namespace pollscope::app
