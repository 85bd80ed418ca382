#!/bin/sh
# runs every script of this directory through diff.sh (both servers must be up)
cd "$(dirname "$0")"
for f in t*.sql; do timeout 600 ./diff.sh $f 2>&1 | tail -8; done
