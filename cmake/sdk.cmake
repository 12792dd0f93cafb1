# The SDK (component "dev"): the core and trace libraries with their public
# headers in include/pollscope/, and a CMake package, so that a program of
# one's own does
#     find_package(Pollscope 0.1 REQUIRED)
#     target_link_libraries(app PRIVATE Pollscope::trace)   # Pollscope::core with it
# Both libraries are standard C++ (no Qt): Pollscope::trace is pollscope_trace
# (recorder, Recording, Chrome JSON export and import, statistics), not
# pollscope_trace_io, whose Qt file layer only the app and CLI need.
include(CMakePackageConfigHelpers)

set_target_properties(pollscope_core PROPERTIES EXPORT_NAME core)
set_target_properties(pollscope_trace PROPERTIES EXPORT_NAME trace)

# Public headers: every header a public one includes (the channels, select and
# join are templates, so their internals come along). Implementation details
# that stay private: core's local_queue.h (the workers' run queues, used by
# runtime.cpp only); trace's json_writer.h (the exporters' JSON escaping),
# atomic_file.h (the save helper), stats_accumulator.h and stats_scan.h (the
# statistics' incremental and parallel internals), step_axis.h,
# duration_text.h, resource_text.h (the app's display helpers), synthetic.h
# (test data), timeline_model.h and timeline_lod.h (the app's view model) and
# trace_file.h (Qt, not in this library).
set(POLLSCOPE_CORE_PUBLIC_HEADERS
    async_mutex.h block_on.h blocking_pool.h broadcast.h channel_executor.h channel_trace.h
    clock.h context.h coop.h cpu_work.h default_hooks.h hooks.h join.h join_handle.h
    local_set.h mpsc.h oneshot.h poll.h raw_task.h resource.h ring_buffer.h runtime.h
    select.h spin_mutex.h stream.h task.h task_lists.h task_state.h time_driver.h
    timer_future.h unit.h waker.h yield_now.h)
set(POLLSCOPE_TRACE_PUBLIC_HEADERS
    chrome_json.h csv_export.h delta_source.h event.h json_import.h recorder.h recording.h
    stats.h stream_client.h trace_server.h trace_stream.h)
list(TRANSFORM POLLSCOPE_CORE_PUBLIC_HEADERS PREPEND ${PROJECT_SOURCE_DIR}/src/core/)
list(TRANSFORM POLLSCOPE_TRACE_PUBLIC_HEADERS PREPEND ${PROJECT_SOURCE_DIR}/src/trace/)

set(POLLSCOPE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Pollscope)
install(TARGETS pollscope_core pollscope_trace EXPORT PollscopeTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT dev
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES ${POLLSCOPE_CORE_PUBLIC_HEADERS} ${POLLSCOPE_TRACE_PUBLIC_HEADERS}
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/pollscope COMPONENT dev)
install(EXPORT PollscopeTargets NAMESPACE Pollscope:: DESTINATION ${POLLSCOPE_CMAKE_DIR}
        COMPONENT dev)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/PollscopeConfig.cmake.in
    ${CMAKE_CURRENT_BINARY_DIR}/PollscopeConfig.cmake INSTALL_DESTINATION ${POLLSCOPE_CMAKE_DIR})
# 0.x: a minor release may change the API, so only the same minor version matches.
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/PollscopeConfigVersion.cmake
    VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/PollscopeConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/PollscopeConfigVersion.cmake
        DESTINATION ${POLLSCOPE_CMAKE_DIR} COMPONENT dev)
