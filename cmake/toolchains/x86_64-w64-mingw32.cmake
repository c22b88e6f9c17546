# Cross-compiling for Windows x86-64 with Debian's mingw-w64 (issue 22):
#   cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/x86_64-w64-mingw32.cmake ...
# Packages: g++-mingw-w64-x86-64-posix, binutils-mingw-w64-x86-64 (scripts/setup.sh).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR AMD64)

set(KPI_MINGW_TRIPLET x86_64-w64-mingw32)
# The -posix compilers, not -win32: the core's std::thread and std::mutex need
# the posix thread model (winpthread); Debian's win32 variant has no std::thread
# in GCC 12.
set(CMAKE_C_COMPILER ${KPI_MINGW_TRIPLET}-gcc-posix)
set(CMAKE_CXX_COMPILER ${KPI_MINGW_TRIPLET}-g++-posix)
set(CMAKE_RC_COMPILER ${KPI_MINGW_TRIPLET}-windres)
set(CMAKE_AR ${KPI_MINGW_TRIPLET}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${KPI_MINGW_TRIPLET}-ranlib CACHE FILEPATH "")

# Headers and libraries of the target only; programs (python3, the host's
# tools) from the host.
set(CMAKE_FIND_ROOT_PATH /usr/${KPI_MINGW_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Same numbers on every platform: no fused multiply-add contraction of a*b+c
# (GCC contracts by default wherever the target has FMA: in issue 22 aarch64
# Calc differed from x86-64 in the 13th digit until both were built with this).
set(CMAKE_C_FLAGS_INIT "-ffp-contract=off")
set(CMAKE_CXX_FLAGS_INIT "-ffp-contract=off")

# A user's Windows has none of mingw's runtime DLLs (libgcc_s_seh-1,
# libstdc++-6, libwinpthread-1), and LibreOffice does not ship them: link them
# in. -static-libgcc and -static-libstdc++ alone are not enough, since the
# driver adds -lpthread, which would still take libwinpthread-1.dll through its
# import library; -static makes ld take every -l from a plain archive, and the
# Windows system libraries (kernel32, msvcrt, ...) are plain archives of import
# stubs, so the DLL or EXE still imports them, and only them. Import libraries
# of our own (sal3, cppu3) must therefore be named libX.a, not libX.dll.a.
set(KPI_MINGW_STATIC_RUNTIME "-static-libgcc -static-libstdc++ -static")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${KPI_MINGW_STATIC_RUNTIME}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "${KPI_MINGW_STATIC_RUNTIME}")
set(CMAKE_MODULE_LINKER_FLAGS_INIT "${KPI_MINGW_STATIC_RUNTIME}")
