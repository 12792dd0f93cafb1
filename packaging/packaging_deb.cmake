# The .deb (cpack -G DEB): name, version and description come from
# project() and the AppStream metainfo, Depends from the binary's shared
# libraries (dpkg-shlibdeps, from dpkg-dev).

# The summary and the description's paragraphs, as the metainfo has them.
file(READ ${CMAKE_CURRENT_SOURCE_DIR}/io.pollscope.Pollscope.metainfo.xml metainfo)
string(REGEX MATCH "<summary>([^<]*)</summary>" _ "${metainfo}")
set(summary "${CMAKE_MATCH_1}")
string(REGEX MATCH "<description>(.*)</description>" _ "${metainfo}")
# The component's own description is the first one (the releases' come after).
string(FIND "${CMAKE_MATCH_1}" "</description>" end)
string(SUBSTRING "${CMAKE_MATCH_1}" 0 ${end} description_xml)
string(REGEX MATCHALL "<p>[^<]*</p>" paragraphs "${description_xml}")
# Each paragraph's words, wrapped at 72 columns as Debian's descriptions are.
set(description)
foreach(p ${paragraphs})
    string(REGEX REPLACE "</?p>" "" p "${p}")
    string(STRIP "${p}" p)
    string(REGEX REPLACE "[ \t\r\n]+" ";" words "${p}")
    set(line)
    if(description)
        string(APPEND description "\n\n")
    endif()
    foreach(w ${words})
        string(LENGTH "${line} ${w}" n)
        if(line AND n GREATER 72)
            string(APPEND description "${line}\n")
            set(line "${w}")
        elseif(line)
            set(line "${line} ${w}")
        else()
            set(line "${w}")
        endif()
    endforeach()
    string(APPEND description "${line}")
endforeach()
if(NOT summary OR NOT description)
    message(FATAL_ERROR "packaging: no <summary> or <description> read from the metainfo")
endif()

set(POLLSCOPE_PACKAGE_MAINTAINER "The Pollscope authors <maintainers@pollscope.invalid>"
    CACHE STRING "The Maintainer field of the .deb")

set(CPACK_PACKAGE_NAME pollscope)
set(CPACK_PACKAGE_VENDOR "The Pollscope authors")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${summary}")
set(CPACK_PACKAGE_DESCRIPTION "${description}")
set(CPACK_PACKAGE_CONTACT "${POLLSCOPE_PACKAGE_MAINTAINER}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # pollscope_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${POLLSCOPE_PACKAGE_MAINTAINER}")
# Two packages: pollscope (the app, component "app") and pollscope-dev (the
# SDK of cmake/sdk.cmake, component "dev": static libraries, headers, CMake
# package); files named PACKAGE_VERSION_ARCH.deb.
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL app dev)
set(CPACK_DEBIAN_APP_PACKAGE_NAME pollscope)
set(CPACK_DEBIAN_APP_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_APP_DESCRIPTION "${description}") # the summary goes first by itself
set(CPACK_DEBIAN_DEV_PACKAGE_NAME pollscope-dev)
set(CPACK_DEBIAN_DEV_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_DEV_DESCRIPTION "Development files (the SDK): the executor and the trace recorder as\n\
static libraries with their headers and a CMake package:\n\
find_package(Pollscope) gives Pollscope::core and Pollscope::trace, and\n\
pollscope::trace::Recording records a program of one's own to a trace\n\
file that the pollscope app opens.")
# The desktop entry's and the MIME type's caches are refreshed by the
# desktop-file-utils and shared-mime-info triggers, where those are installed.
include(CPack)
