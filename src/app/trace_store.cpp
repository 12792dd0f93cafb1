#include "trace_store.h"

namespace pollscope::app {

QString TraceStore::task_label(std::uint32_t task) const {
    return QString::fromStdString(TimelineModel::task_label(task));
}

QString TraceStore::task_title(std::uint32_t task) const {
    return QString::fromStdString(TimelineModel::task_title(task));
}

QString TraceStore::thread_label(std::uint16_t thread) const {
    return QString::fromStdString(TimelineModel::thread_label(thread));
}

} // namespace pollscope::app
