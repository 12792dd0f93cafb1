#pragma once
// DeltaSource: where a live view's events come from, a delta at a time: a
// recorder in this process (RecorderSource) or a program's stream over a
// socket (StreamClient). Standard C++.

#include "recorder.h"

#include <memory>
#include <utility>

namespace pollscope::trace {

class DeltaSource {
public:
    virtual ~DeltaSource() = default;
    /// Replaces `delta`'s contents with what is new since the last call (the
    /// first call: everything so far, tables included). Called by one thread.
    virtual void drain(TraceDelta& delta) = 0;
};

/// A recorder of this process, read with a cursor of its own.
class RecorderSource final : public DeltaSource {
public:
    explicit RecorderSource(std::shared_ptr<TraceRecorder> recorder)
        : recorder_(std::move(recorder)) {}
    void drain(TraceDelta& delta) override { recorder_->drain(cursor_, delta); }

private:
    std::shared_ptr<TraceRecorder> recorder_;
    ReadCursor cursor_;
};

} // namespace pollscope::trace
