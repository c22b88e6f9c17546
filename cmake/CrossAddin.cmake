# The add-in's library for the other platforms, built from the same sources
# as the one the Calc tests load: each is a sub-build of this tree
# (KPI_ADDIN_ONLY: the core and the glue, nothing that must run at build
# time) with a cross compiler's toolchain file. The .oxt carries every
# library built (extension/CMakeLists.txt), each restricted to its platform.
#
# KPI_CROSS_PLATFORMS lists what was configured, with for each platform
# KPI_CROSS_LIB_<platform> (the library file) and its target addin_<platform>.
include(ExternalProject)
set(KPI_CROSS_PLATFORMS "")

# kpi_cross_addin(<platform> <toolchain file> <library file name> [cmake args...])
function(kpi_cross_addin platform toolchain libname)
  set(dir ${CMAKE_BINARY_DIR}/cross-${platform})
  ExternalProject_Add(addin_${platform}
    SOURCE_DIR ${CMAKE_SOURCE_DIR}
    BINARY_DIR ${dir}
    CMAKE_ARGS -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/toolchains/${toolchain}
               -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE} -DKPI_ADDIN_ONLY=ON ${ARGN}
    BUILD_COMMAND ${CMAKE_COMMAND} --build ${dir} --target kpi_addin
    INSTALL_COMMAND ""
    # Always asked: the sub-build is incremental, and a change to the core or
    # the glue must reach every platform's library.
    BUILD_ALWAYS ON
    BUILD_BYPRODUCTS ${dir}/addin/${libname}
    USES_TERMINAL_BUILD OFF)
  set(KPI_CROSS_LIB_${platform} ${dir}/addin/${libname} PARENT_SCOPE)
  set(KPI_CROSS_PLATFORMS ${KPI_CROSS_PLATFORMS} ${platform} PARENT_SCOPE)
endfunction()

# Linux aarch64: Debian's cross compiler and an arm64 LibreOffice tree for
# the SDK's headers and libraries (scripts/sysroot-arm64.sh, extracted once
# and cached outside the build tree).
find_program(KPI_AARCH64_CXX aarch64-linux-gnu-g++)
option(KPI_CROSS_AARCH64 "Build the add-in for Linux aarch64 too (needs g++-aarch64-linux-gnu, mmdebstrap)" ON)
if(KPI_CROSS_AARCH64 AND KPI_AARCH64_CXX)
  set(KPI_CACHE $ENV{KPI_CACHE})
  if(NOT KPI_CACHE)
    set(KPI_CACHE /var/cache/kpi-functions)
  endif()
  set(KPI_ARM64_TREE ${KPI_CACHE}/arm64-bookworm CACHE PATH "The arm64 LibreOffice tree (scripts/sysroot-arm64.sh)")
  add_custom_command(
    OUTPUT ${CMAKE_BINARY_DIR}/arm64-tree.stamp
    COMMAND ${CMAKE_SOURCE_DIR}/scripts/sysroot-arm64.sh
    COMMAND ${CMAKE_COMMAND} -E touch ${CMAKE_BINARY_DIR}/arm64-tree.stamp
    COMMENT "The arm64 LibreOffice tree (extracted once into ${KPI_CACHE})")
  add_custom_target(arm64_tree DEPENDS ${CMAKE_BINARY_DIR}/arm64-tree.stamp)
  kpi_cross_addin(linux_aarch64 aarch64-linux-gnu.cmake libkpi_addin.so
    -DKPI_LO_INCLUDE=${KPI_ARM64_TREE}/usr/include/libreoffice
    -DKPI_LO_LINK_DIR=${KPI_ARM64_TREE}/usr/lib/libreoffice/sdk/lib
    -DKPI_LO_PROGRAM_DIR=${KPI_ARM64_TREE}/usr/lib/libreoffice/program)
  add_dependencies(addin_linux_aarch64 arm64_tree)
elseif(KPI_CROSS_AARCH64)
  message(WARNING "aarch64-linux-gnu-g++ not found: the .oxt will not carry the Linux aarch64 library "
                  "(scripts/setup.sh installs g++-aarch64-linux-gnu)")
endif()

# Windows x86-64: Debian's mingw-w64 (posix threads), the runtimes linked in;
# LibreOffice's C headers are the same on every platform (addin/win adds the
# Windows type sizes), and the import libraries are written from the glue's
# own calls (addin/win/import_libs.py), so no Windows SDK of LibreOffice is needed.
find_program(KPI_MINGW_CXX x86_64-w64-mingw32-g++-posix)
option(KPI_CROSS_WINDOWS "Build the add-in for Windows x86-64 too (needs g++-mingw-w64-x86-64-posix)" ON)
if(KPI_CROSS_WINDOWS AND KPI_MINGW_CXX)
  kpi_cross_addin(windows_x86_64 x86_64-w64-mingw32.cmake kpi_addin.dll
    -DKPI_LO_INCLUDE=/usr/include/libreoffice)
elseif(KPI_CROSS_WINDOWS)
  message(WARNING "x86_64-w64-mingw32-g++-posix not found: the .oxt will not carry the Windows library "
                  "(scripts/setup.sh installs g++-mingw-w64-x86-64-posix)")
endif()
