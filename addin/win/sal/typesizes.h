/* sal/typesizes.h for building binary-UNO code for Windows x86-64 with
 * mingw-w64 (issue 22). Put this directory before the LibreOffice SDK's
 * include directory: sal/types.h includes "sal/typesizes.h", which then
 * resolves here instead of to the SDK's copy.
 *
 * Why an override: Debian's SDK headers carry the typesizes.h that configure
 * generated for Linux x86-64 (LP64: long is 8 bytes). Windows x64 is LLP64:
 * long is 4 bytes. With the Linux values sal/types.h would make sal_Int64 a
 * `long`, i.e. 4 bytes under mingw, and every sal_Int64, hyper and
 * 64-bit field of a UNO struct would silently have the wrong size.
 *
 * What sal/types.h (LibreOffice 7.4) does with each value on this target:
 */

#ifndef KPI_WIN_SAL_TYPESIZES_H
#define KPI_WIN_SAL_TYPESIZES_H

/* sal_Int16 = short; 2 bytes everywhere LibreOffice runs. */
#define SAL_TYPES_SIZEOFSHORT 2
/* sal_Int32 = int only if long is not 4 bytes: with long = 4 (below)
 * sal/types.h picks `long`, as MSVC's build of LibreOffice does. Same size
 * and alignment, so the C ABI is unchanged; only C++ mangling would differ,
 * and binary UNO is C. */
#define SAL_TYPES_SIZEOFINT 4
/* Windows x64 is LLP64: long stays 4 bytes (MSVC and mingw-w64 agree). */
#define SAL_TYPES_SIZEOFLONG 4
/* sal_Int64: sal/types.h takes `long` if it is 8 bytes, else `long long`
 * (its __int64 branch is MSVC only); here `long long`, 8 bytes, the same
 * type as MSVC's __int64, with the ll/ull constant suffixes. */
#define SAL_TYPES_SIZEOFLONGLONG 8
/* sal_Size, sal_sSize and sal_IntPtr are 64-bit: pointers are 8 bytes. */
#define SAL_TYPES_SIZEOFPOINTER 8
/* The alignments of 2-, 4- and 8-byte types: no SDK header reads them
 * (LibreOffice's own code does); given as MSVC x64 has them, which mingw-w64
 * matches (a double or a 64-bit integer is 8-aligned, also in structs,
 * unlike i386 Linux), and which the SDK's #pragma pack(push, 8) on _WIN32
 * assumes. */
#define SAL_TYPES_ALIGNMENT2 2
#define SAL_TYPES_ALIGNMENT4 4
#define SAL_TYPES_ALIGNMENT8 8

/* The values above hold for Windows x64 only: stop if used elsewhere. */
#if defined __SIZEOF_LONG__ && (__SIZEOF_SHORT__ != SAL_TYPES_SIZEOFSHORT || __SIZEOF_INT__ != SAL_TYPES_SIZEOFINT \
    || __SIZEOF_LONG__ != SAL_TYPES_SIZEOFLONG || __SIZEOF_LONG_LONG__ != SAL_TYPES_SIZEOFLONGLONG \
    || __SIZEOF_POINTER__ != SAL_TYPES_SIZEOFPOINTER)
#error "addin/win/sal/typesizes.h is for Windows x86-64 (LLP64) only"
#endif

/* sal/types.h knows only MSVC on Windows: for any other compiler it needs
 * SAL_UNX, or it stops with "unknown platform". With mingw, SAL_UNX only
 * chooses SAL_CALL = nothing (x64 has one calling convention, so the same as
 * MSVC's __cdecl) and visibility attributes for SAL_DLLPUBLIC_* (no effect
 * on PE: exports are declared with __declspec(dllexport) or a .def file).
 * sal/config.h still defines SAL_W32 from _WIN32, and _WIN32 alone chooses
 * sal_Unicode = wchar_t (2 bytes on Windows) and the SDK's #pragma pack(8). */
#if defined _WIN32 && !defined _MSC_VER && !defined SAL_UNX
#error "compile binary-UNO code for Windows with mingw with -DSAL_UNX (see addin/win/sal/typesizes.h)"
#endif

#endif
