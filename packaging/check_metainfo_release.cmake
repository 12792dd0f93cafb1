# cmake -DMETAINFO=... -DVERSION=... -P check_metainfo_release.cmake
# The metainfo's newest release (the first <release>) must be project(VERSION),
# with a real date (YYYY-MM-DD), so the version is written in one place only.
file(READ "${METAINFO}" xml)
string(REGEX MATCH "<release[ \t\r\n]+version=\"([^\"]*)\"[ \t\r\n]+date=\"([^\"]*)\"" found "${xml}")
if(NOT found)
    message(FATAL_ERROR "${METAINFO}: no <release version=\"...\" date=\"...\">")
endif()
set(version "${CMAKE_MATCH_1}")
set(date "${CMAKE_MATCH_2}")
if(NOT version STREQUAL VERSION)
    message(FATAL_ERROR "${METAINFO}: newest release ${version}, but project(VERSION) is "
                        "${VERSION}: add a <release> entry for ${VERSION} first in <releases>")
endif()
if(NOT date MATCHES "^20[0-9][0-9]-[01][0-9]-[0-3][0-9]$")
    message(FATAL_ERROR "${METAINFO}: release ${version} has no YYYY-MM-DD date: '${date}'")
endif()
message(STATUS "metainfo release ${version} (${date}) is project(VERSION)")
