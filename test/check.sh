# check.sh -- pass/fail counting for the shell tests test/dump and test/upgrade (sourced).
# check NAME A B: passes when A = B and A is not empty (an empty value is a query that failed);
# check_summary prints "N passed, N failed" and fails when a check failed.
passed=0
failed=0
check() {
    if [ "$2" = "$3" ] && [ -n "$2" ]; then
        passed=$((passed + 1)); echo "ok: $1"
    else
        failed=$((failed + 1)); echo "FAIL: $1: '$2' != '$3'"
    fi
}
check_summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
