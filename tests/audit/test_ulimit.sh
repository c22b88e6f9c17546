#!/usr/bin/env bash
# kpi-audit under a shell memory limit (ulimit -v) below the cap it gives
# LibreOffice (issue 27, item 7): it used to ask for more than the shell
# allowed, setrlimit failed between fork and exec, and every file came back
# "LibreOffice could not start (Exception occurred in preexec_fn.)". Now
# soffice runs under the lower limit, and kpi-audit says so.
# usage: test_ulimit.sh KPI_AUDIT WORKBOOK
set -u
launcher=$1 book=$2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
# 3 GB of address space: below the cap kpi-audit computes (memory cap + 2 GB), above what soffice needs.
( ulimit -v 3145728; "$launcher" "$book" >"$out" 2>"$err" )
status=$?
fail=0
grep -q "1 audited, 0 not audited" "$out" || { echo "FAIL: not audited under ulimit -v (exit $status)"; cat "$out" "$err"; fail=1; }
grep -q "shell's memory limit (ulimit -v: 3,072 MB)" "$err" || { echo "FAIL: no word of the lower limit"; cat "$err"; fail=1; }
[ $fail -eq 0 ] && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $fail
