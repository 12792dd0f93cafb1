# The SDK as a user gets it (issue 15): installs the "dev" component of the
# build into a fresh prefix, configures and builds examples/own-program there
# with nothing but find_package(Pollscope), runs the crawler, and opens the
# trace it wrote with the project's importer (pollscope --summary), checking
# the crawler's tasks are in it with their polls.
#
#   cmake -DBUILD_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -DPOLLSCOPE=...
#         -DCXX=... [-DLAUNCHER=...] [-DCXX_FLAGS=...] [-DBUILD_TYPE=...]
#         [-DGENERATOR=...] -P own_program.cmake
foreach(v BUILD_DIR SOURCE_DIR WORK_DIR POLLSCOPE CXX)
    if(NOT DEFINED ${v})
        message(FATAL_ERROR "own_program.cmake: -D${v}=... missing")
    endif()
endforeach()

function(run what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (${rc}):\n${ARGN}\n${out}\n${err}")
    endif()
    set(out "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
set(prefix ${WORK_DIR}/prefix)
run("cmake --install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --component dev --prefix ${prefix})
if(EXISTS ${prefix}/bin OR EXISTS ${prefix}/share/applications)
    message(FATAL_ERROR "the dev component installed the app's files too")
endif()

set(configure ${CMAKE_COMMAND} -S ${SOURCE_DIR}/examples/own-program -B ${WORK_DIR}/build
    -DCMAKE_PREFIX_PATH=${prefix} -DCMAKE_CXX_COMPILER=${CXX}
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
if(GENERATOR)
    list(APPEND configure -G ${GENERATOR})
endif()
if(LAUNCHER)
    list(APPEND configure -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER})
endif()
run("configuring examples/own-program" ${configure})
run("building examples/own-program" ${CMAKE_COMMAND} --build ${WORK_DIR}/build)

set(trace ${WORK_DIR}/crawl.pollscope.json)
run("the crawler" ${WORK_DIR}/build/crawler ${trace})
if(NOT out MATCHES "crawled 13 pages with 13 fetch tasks")
    message(FATAL_ERROR "the crawler said:\n${out}")
endif()

run("pollscope --summary" ${POLLSCOPE} --summary ${trace})
message("${out}")
# 13 fetch tasks, the progress task and block_on's "crawl".
if(NOT out MATCHES ": ([0-9]+) events, 15 tasks")
    message(FATAL_ERROR "the trace does not hold the crawler's 15 tasks")
endif()
if(CMAKE_MATCH_1 LESS 100)
    message(FATAL_ERROR "only ${CMAKE_MATCH_1} events in the trace")
endif()
# Each fetch sleeps, then sends: done after at least two polls.
foreach(page RANGE 12)
    if(NOT out MATCHES "fetch /page/${page} +done +([0-9]+) ")
        message(FATAL_ERROR "no finished task 'fetch /page/${page}' in the summary")
    endif()
    if(CMAKE_MATCH_1 LESS 2)
        message(FATAL_ERROR "fetch /page/${page} was polled ${CMAKE_MATCH_1} time(s)")
    endif()
endforeach()
foreach(task progress crawl)
    if(NOT out MATCHES "  ${task} +done +[1-9][0-9]* ")
        message(FATAL_ERROR "no finished, polled task '${task}' in the summary")
    endif()
endforeach()
