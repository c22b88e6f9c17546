# Linux aarch64 (arm64) with Debian's cross compiler (g++-aarch64-linux-gnu).
# The C and C++ runtimes come with the compiler (/usr/aarch64-linux-gnu);
# LibreOffice's headers and libraries come from the arm64 tree that
# scripts/sysroot-arm64.sh extracts (KPI_LO_INCLUDE, KPI_LO_LINK_DIR).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
