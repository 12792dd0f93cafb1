#pragma once
// TimelineView: the centre of the window. One lane per task (or per worker
// thread), a bar per poll coloured by outcome, a thin line while a task
// waits, arrows from wakes to the polls they caused, markers (spawn, cancel,
// yield, shutdown, marks), and a time ruler. Painted with QPainter from the
// TraceStore's per-lane sorted poll arrays: only the visible time range is
// visited (binary search), polls that share a pixel column are merged into
// one rectangle, rectangles are batched per colour, no antialiasing.
//
// Wheel zooms about the cursor (Shift+wheel scrolls lanes), drag pans,
// follow-live keeps the newest time in view, fit() shows everything.

#include "background_job.h"
#include "lane_rows.h"
#include "time_mapping.h"
#include "timeline_palette.h"
#include "timeline_scene.h"

#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

class QFontMetrics;
class QScrollBar;

namespace pollscope::trace {
struct Lane;
class StepAxis;
struct ResourceTimeline;
struct ResourceKey;
} // namespace pollscope::trace

namespace pollscope::app {

class TraceStore;
using trace::Lane;
struct LaneRects;
struct LabelRequest;
class LabelSpace;
class ResourceWakeIndex;

class TimelineView : public QWidget {
    Q_OBJECT
public:
    enum class LaneMode { Tasks, Workers };

    explicit TimelineView(QWidget* parent = nullptr);

    void set_store(const TraceStore* store);
    /// Steps mode: `steps` is the model built on `axis` (StepAxis::build of
    /// `real`'s trace); it is what is drawn, while tooltips, the ruler and
    /// clicks speak of `real`. (nullptr, nullptr, real): real time again.
    void set_step_axis(const TraceStore* steps, const trace::StepAxis* axis,
                       const TraceStore* real);
    bool steps_mode() const noexcept { return axis_ != nullptr; }
    void set_lane_mode(LaneMode mode);
    LaneMode lane_mode() const noexcept { return mode_; }
    /// Task lanes grouped by parent (LaneRows), or in the store's order.
    void set_group_by_parent(bool on);
    bool group_by_parent() const noexcept { return rows_.grouped(); }
    /// The task drawn in lane row `row` (0: none; task lanes only).
    std::uint32_t task_in_row(int row) const;
    void set_follow_live(bool on);
    bool follow_live() const noexcept { return follow_; }
    void set_selected_task(std::uint32_t task);
    std::uint32_t selected_task() const noexcept { return selected_; }
    /// The task a stepped run waits to poll (drawn as a "next" marker).
    void set_waiting_task(std::uint32_t task);
    /// The present of a live run (trace ns; -1: not live): alive tasks'
    /// lines and the live edge reach it even when no event came lately.
    void set_live_now(std::int64_t now);
    std::int64_t live_now() const noexcept { return live_now_; }

    /// The rewind cursor (timeline_view_cursor.cpp): a vertical line between
    /// events c - 1 and c of the drawn store (its trace's order, the same on
    /// either axis); -1: none.
    void set_rewind_cursor(std::int64_t c);
    std::int64_t rewind_cursor() const noexcept { return cursor_; }
    /// The cursor line's time on the drawn axis (-1: no cursor).
    std::int64_t cursor_time() const;
    /// Whether a press on the ruler, or a drag of the cursor line, scrubs.
    void set_scrub_enabled(bool on) { scrub_enabled_ = on; }

    /// The resource lanes (timeline_view_resources.cpp): the drawn store's
    /// resources (trace::resource_timelines), recomputed when it changed. A
    /// big store's (more than kBigStore events, either axis) are computed by a
    /// background job: until it hands them over (resource_lanes_changed),
    /// this is what the last one computed (none for a new store).
    const std::vector<trace::ResourceTimeline>& resource_timelines() const;
    /// A background job is computing the resource lanes.
    bool resource_lanes_pending() const;
    /// Stops that job and forgets the lanes: call before the drawn store is
    /// changed by anyone but the TimelineFeed (the job reads it under its
    /// shared lock, which an exclusive change would wait for).
    void stop_resource_lanes();
    /// Above this many events, a store's resource lanes are
    /// computed off the GUI thread (~0.15-0.2 s per million events).
    static constexpr std::size_t kBigStore = kBackgroundEvents;
    /// Selects resource lane `index` (-1: none): the tasks that waited on
    /// it or used it are highlighted, the others dimmed.
    void set_selected_resource(int index);
    /// Selects the lane of this resource (none when it has no lane).
    void select_resource(const trace::ResourceKey& key);
    /// The resource of lane `index` (in resource_timelines()).
    trace::ResourceKey resource_key(int index) const;
    /// The selected resource lane (index in resource_timelines(); -1: none).
    int selected_resource() const;
    /// Whether resource lane `index`'s label is marked: it is the selected
    /// resource, or the selected task waited on it or used it.
    bool resource_marked(int index) const;
    /// Resource lane `index`'s label: its name and its state at the rewind
    /// cursor (a channel's events queued then), else at the end.
    QString resource_lane_label(int index) const;
    /// Whether `task` is dimmed: a resource is selected and it neither
    /// waited on it nor used it.
    bool task_dimmed(std::uint32_t task) const;

    const TimeMapping& mapping() const noexcept { return map_; }
    void set_mapping_range(std::int64_t start, std::int64_t end);

    /// The store changed: update lanes and (when following) the range.
    void store_changed();
    /// Shows the whole trace.
    void fit();
    /// Draws the timeline as shown into `painter` (size() of this widget).
    void render_to(QPainter& painter);

    /// Lanes in the current mode.
    int lane_count() const;
    /// Poll index (TraceStore::polls) under a widget position, or -1.
    int poll_at(QPoint pos) const;
    /// The tooltip at a widget position (HTML; empty: none): a poll's task,
    /// outcome, duration, site, thread, waker and what a Pending one waits on.
    QString tooltip_at(QPoint pos) const;
    /// Time (ms) the last paint took.
    double last_paint_ms() const noexcept { return last_paint_ms_; }
    /// A tick of the time axis: where it is and what the ruler says there
    /// (ns since the trace's start, in real time also on the steps axis).
    struct Tick {
        int x;
        std::int64_t label_ns;
    };
    /// The ticks in view, about every ~100 px: the ruler's labels and the
    /// grid's lines are the same ones, on either axis.
    std::vector<Tick> ticks() const;
    /// Rectangles drawn by the last paint (level-of-detail checks).
    int last_rect_count() const noexcept { return last_rects_; }
    /// Record what each paint draws where (off by default: it costs).
    void set_record_scene(bool on) { record_scene_ = on; }
    /// The glyphs, wake arrows and labels of the last paint (when recorded).
    const TimelineScene& last_scene() const noexcept { return scene_; }

    /// How often a live run's timeline is refreshed: 40 a second asked, so
    /// that at least 30 arrive when the timer fires late on busy cores.
    static constexpr int kLiveRefreshMs = 25;
    static constexpr int kRulerHeight = 26;
    static constexpr int kLaneHeight = 22;
    static constexpr int kLabelWidth = 180;

signals:
    /// A poll was clicked: its task (and the poll's index in the store).
    void task_clicked(quint64 task, int poll);
    /// Zoom, pan or follow changed by the user.
    void view_changed();
    void follow_live_changed(bool on);
    /// The ruler was pressed, or the cursor dragged, at `ts` (drawn time).
    void scrubbed(qint64 ts);
    /// A resource lane was clicked: its index in resource_timelines() (-1: none now).
    void resource_clicked(int index);
    /// The resource lanes a background job computed are shown now.
    void resource_lanes_changed();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    bool event(QEvent* event) override;

private:
    LaneList lanes() const;
    int first_lane() const;
    int lane_at_y(int y) const;
    int lane_y(int lane) const;
    int lane_of_task(std::uint32_t task, std::uint16_t thread) const;
    int visible_lanes() const;
    void update_geometry();
    /// A lane's label elided to `width` (task names keep their "#id").
    QString lane_label(const QFontMetrics& fm, std::uint32_t key, int width) const;
    void paint_ruler(QPainter& p, const QRect& area) const;
    /// A lane's polls from its level of detail (zoomed out) or one by one.
    void paint_lane_lod(const Lane& lane, LaneRects& rects) const;
    void paint_lane_polls(const Lane& lane, LaneRects& rects) const;
    void paint_wakes(QPainter& p, int first, int last, TimelineScene* scene) const;
    void paint_markers(QPainter& p, int first, int last, LabelSpace& space,
                       TimelineScene* scene) const;
    /// The lanes' waiting and count labels, where no Mark label is.
    void paint_labels(QPainter& p, int first, std::vector<LabelRequest>& requests,
                      LabelSpace& space, TimelineScene* scene) const;

    /// Wakes in view: up to kMaxArrowScan are considered for arrows (at most
    /// kMaxArrows drawn), beyond that they are ticks (worker lanes: not drawn
    /// above kMaxWakeScan). Markers in view: none drawn above kMaxMarkerScan;
    /// above kMaxFineMarkers (after merging per 3 px) no antialiasing, no labels.
    static constexpr int kMaxArrowScan = 2000;
    static constexpr int kMaxWakeScan = 40000;
    static constexpr int kMaxArrows = 600;
    static constexpr int kMaxMarkerScan = 8000;
    static constexpr int kMaxFineMarkers = 1500;
    /// Longest merged Mark label built (the label is at most 220 px anyway).
    static constexpr int kMaxLabelChars = 80;
    /// A Mark's label is drawn where at least this many pixels are free
    /// (or the whole label fits); the room is checked before any text is shaped.
    static constexpr double kMinLabelWidth = 60;

    void paint_cursor(QPainter& p, int height) const;
    /// A press that starts scrubbing (on the ruler or the cursor line).
    bool scrub_press(QPoint pos);
    /// Scrubbing goes on at pos (true while it does).
    bool scrub_move(QPoint pos);

    /// Real time at a drawn position (the identity in real-time mode).
    std::int64_t real_time(std::int64_t t) const;
    /// Index in real_'s polls of poll `pi` of the drawn store.
    int real_poll(int pi) const;
    void paint_breaks(QPainter& p, int top, int bottom) const;

    // Resource lanes (timeline_view_resources.cpp): in task-lane mode, below
    // the task lanes, a "Resources" heading row and one lane per resource.
    /// Rows they take (0: none, or worker lanes).
    int resource_rows() const;
    /// The channel (index in resource_lanes().channels()) drawn at y, or -1.
    int channel_at_y(int y) const;
    /// The resource lane (index in resource_timelines()) at y, or -1.
    int resource_at_y(int y) const;
    /// Whether a press at pos was on the resource lanes (it selects one).
    bool resource_click(QPoint pos);
    void paint_resource_lanes(QPainter& p, TimelineScene* scene) const;
    /// A non-channel lane's waiters over time, a sleep's deadline.
    void paint_waiting(QPainter& p, const trace::ResourceTimeline& r, int y) const;
    /// Arrows from the resources' wakes to the tasks they woke.
    void paint_resource_wakes(QPainter& p, TimelineScene* scene) const;
    /// The selected resource's tasks highlighted, the rest dimmed; after
    /// the rewind cursor the resource lanes greyed.
    void paint_resource_selection(QPainter& p, int first, int last, TimelineScene* scene) const;
    void paint_resource_labels(QPainter& p) const;
    /// A resource lane's label: its name and its state at the cursor (or the end).
    QString resource_label(const trace::ResourceTimeline& r) const;
    /// A channel's level after the events before the rewind cursor.
    std::int32_t channel_level_at_cursor(int channel) const;
    /// A resource lane's tooltip at pos (empty: none there).
    QString resource_tooltip_at(QPoint pos) const;
    QString waiting_tooltip(const trace::ResourceTimeline& r, QPoint pos) const;
    struct ResourceCache;
    /// The resource timelines and the selected one (made on first use).
    ResourceCache& resource_cache() const;
    /// Takes `lanes` (computed from the drawn store when it had `events`
    /// events, ended at `end` and was of `generation`) as the resource lanes.
    void set_resource_lanes(std::vector<trace::ResourceTimeline> lanes,
                            std::vector<ResourceWakeIndex> wake_index, std::uint64_t generation,
                            std::size_t events, std::int64_t end) const;
    /// The task lanes in view (partly, at least): (lane, task), top down.
    std::vector<std::pair<int, std::uint32_t>> lanes_in_view() const;
    /// Starts the background job computing the lanes observed until `now`.
    void start_resource_job(std::int64_t now) const;
    mutable std::shared_ptr<ResourceCache> resources_;

    const TraceStore* store_ = nullptr; // what is drawn
    const TraceStore* real_ = nullptr;  // steps mode: the real-time model
    const trace::StepAxis* axis_ = nullptr;
    LaneMode mode_ = LaneMode::Tasks;
    LaneRows rows_;
    TimeMapping map_;
    QScrollBar* vbar_ = nullptr;
    bool follow_ = true;
    bool has_range_ = false;
    std::uint32_t selected_ = 0;
    std::uint32_t waiting_ = 0;
    std::int64_t live_now_ = -1;
    std::int64_t cursor_ = -1; // rewind cursor: events before it
    bool scrub_enabled_ = false;
    bool scrubbing_ = false;
    QPoint press_pos_;
    QPoint last_drag_;
    bool dragging_ = false;
    double last_paint_ms_ = 0;
    palette::Surfaces surfaces_; // of the palette at the last paint
    int last_rects_ = 0;
    bool record_scene_ = false;
    TimelineScene scene_;
};

} // namespace pollscope::app
