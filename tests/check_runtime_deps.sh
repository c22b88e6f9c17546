#!/bin/sh
# The add-in may need at run time only what every LibreOffice on Linux has:
# the UNO runtime and the C/C++ runtime. Libraries used to build it (dlib for
# the model fits, Boost) must be header-only or static: a user's machine has
# no libdlib, libblas or libnlopt. Checks the NEEDED entries of the .so.
set -eu
so="$1"
# ld-linux: the dynamic loader itself (every glibc system has it), needed for
# __tls_get_addr since the core's per-call stop hook is thread_local.
allowed="libuno_cppuhelpergcc3.so.3 libuno_cppu.so.3 libuno_sal.so.3 libuno_salhelpergcc3.so.3 libstdc++.so.6 libm.so.6 libgcc_s.so.1 libc.so.6 ld-linux-x86-64.so.2"
status=0
for lib in $(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
  case " $allowed " in
    *" $lib "*) echo "ok: $lib" ;;
    *) echo "NOT ALLOWED at run time: $lib"; status=1 ;;
  esac
done
# And no unresolved BLAS/LAPACK symbol (dlib's BLAS bindings are compiled out).
if nm -D --undefined-only "$so" | grep -E -i 'cblas_|lapack|dgesv|dlib' ; then status=1; fi
exit $status
