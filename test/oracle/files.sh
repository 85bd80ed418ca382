#!/bin/sh
# Test data for psql's \copy ... FROM PROGRAM, read on the client side, so
# that the suite works wherever the repository lives (a server running as
# another user cannot read a clone in a private home directory).
#
#   files.sh lines BASE DIR...   every *.csv of the folders BASE/DIR (absent
#                                folders are empty), one COPY text row per
#                                non-empty line: file (relative to BASE),
#                                line number, line (without a trailing CR)
#   files.sh cat BASE PATTERN    the files BASE/PATTERN (name order) as one
#                                CSV: the first header, then the rows of
#                                each; fails when no file matches or the
#                                headers differ
set -eu
mode=$1 base=$2
shift 2
cd "$base"
case $mode in
lines)
    for d in "$@"; do
        [ -d "$d" ] || continue
        for f in "$d"/*.csv; do
            [ -f "$f" ] || continue
            awk -v file="$f" '{
                sub(/\r$/, "")
                if ($0 == "") next
                gsub(/\\/, "\\\\"); gsub(/\t/, "\\t")
                print file "\t" FNR "\t" $0
            }' "$f"
        done
    done
    ;;
cat)
    header=
    for f in $1; do
        [ -f "$f" ] || { echo "files.sh: no file $base/$1" >&2; exit 1; }
        h=$(head -n 1 "$f" | tr -d '\r')
        if [ -z "$header" ]; then
            header=$h
            printf '%s\n' "$header"
        elif [ "$h" != "$header" ]; then
            echo "files.sh: $f: header differs from the first file's" >&2
            exit 1
        fi
        tail -n +2 "$f" | tr -d '\r'
    done
    ;;
*)
    echo "usage: files.sh lines BASE DIR... | files.sh cat BASE PATTERN" >&2
    exit 2
    ;;
esac
