#!/bin/sh
# runs review6's scripts and this directory's through diff.sh (both servers must be up)
cd "$(dirname "$0")"
# review6's scripts (query shapes, on review6/setup.sql), then this directory's
for f in ../review6/t*.sql t*.sql; do timeout 600 ./diff.sh $f 2>&1 | tail -8; done
