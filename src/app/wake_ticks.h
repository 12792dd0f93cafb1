#pragma once
// WakeTicks: the timeline's wake ticks (where too many wakes are in view for
// arrows, a 1-pixel column 4 pixels high at the top of a lane per column
// with a wake), the adjacent columns of one lane merged into one rectangle.
// A dense lane of a live run has a wake in nearly every column: as lines,
// ~30,000 of them cost a live paint ~40% of its time; as runs, a few dozen
// rectangles draw the same pixels.

#include <QRect>
#include <QVector>

#include <vector>

namespace pollscope::app {

class WakeTicks {
public:
    /// Lanes are numbered 0 .. lanes-1.
    explicit WakeTicks(int lanes);
    /// A tick at column `x` of `lane`, whose tick row starts at `top`.
    /// Columns may come in any order; runs in order merge.
    void add(int lane, int top, int x);
    /// The ticks as rectangles (each lane's run still open included).
    QVector<QRect> rects() const;
    bool empty() const noexcept;

    static constexpr int kHeight = 4;

private:
    struct Run {
        int top = 0, x0 = 0, x1 = -1; // x1 < x0: none
    };
    std::vector<Run> open_; // per lane, the run being extended
    QVector<QRect> done_;
};

} // namespace pollscope::app
