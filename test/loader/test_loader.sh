#!/bin/sh
# test/loader/test_loader.sh -- survey_load (docs/loader.md) end to end.
#
# Writes its own SPSS (.sav, .zsav, .por), Stata (.dta) and SAS (.sas7bdat)
# files (write_fixtures.c, libreadstat's writer), loads them with the
# installed survey_load piped into psql, and checks the tables value by value;
# then every bad input: exit status, message, and that nothing was written or
# loaded.  Needs a server through the PG* variables, the survey extension
# installed, and a C compiler with libreadstat-dev.  Creates and drops the
# databases survey_loader_test and survey_loader_noext.
set -u
cd "$(dirname "$0")/../.."
PG_CONFIG=${PG_CONFIG:-pg_config}
LOADER=${SURVEY_LOAD:-$("$PG_CONFIG" --bindir)/survey_load}
T=test/loader/tmp
DB=survey_loader_test
pass=0
fail=0

rm -rf "$T" && mkdir -p "$T"
${CC:-cc} -Wall -Wextra -Werror -I src/loader -o "$T/write_fixtures" test/loader/write_fixtures.c src/loader/savdict.c -lreadstat -lm || exit 1
"$T/write_fixtures" "$T" || exit 1
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "DROP DATABASE IF EXISTS survey_loader_noext" \
    -c "CREATE DATABASE $DB" -c "CREATE DATABASE survey_loader_noext" 2>&1 | grep -v NOTICE
psql -X -q -d $DB -c "CREATE EXTENSION survey" || exit 1

check() {	# name expected actual
    if [ "$2" = "$3" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        printf 'FAIL: %s\n  expected: %s\n  actual:   %s\n' "$1" "$2" "$3"
    fi
}
q() {	# one value
    psql -X -At -v ON_ERROR_STOP=1 -d $DB -c "$1" 2>&1
}
# load FILE OPTIONS...: runs the loader into psql; sets out (SQL), err (loader's
# stderr), rc (loader's exit status), prc (psql's), perr (psql's stderr)
load() {
    "$LOADER" "$@" > "$T/out.sql" 2> "$T/err.txt"
    rc=$?
    err=$(cat "$T/err.txt")
    prc=-
    perr=
    if [ $rc -eq 0 ]; then
        psql -X -q -v ON_ERROR_STOP=1 -d "${LOADDB:-$DB}" -f "$T/out.sql" > /dev/null 2> "$T/perr.txt"
        prc=$?
        perr=$(cat "$T/perr.txt")
    fi
}
contains() {	# name haystack needle
    case "$2" in
        *"$3"*) pass=$((pass + 1)) ;;
        *) fail=$((fail + 1)); printf 'FAIL: %s\n  expected to contain: %s\n  actual: %s\n' "$1" "$3" "$2" ;;
    esac
}
# bad NAME STATUS MESSAGE -- OPTIONS FILE: must fail with STATUS, MESSAGE on
# stderr and nothing on stdout
bad() {
    name=$1 status=$2 msg=$3
    shift 4
    "$LOADER" "$@" > "$T/out.sql" 2> "$T/err.txt"
    check "$name: exit status" "$status" "$?"
    contains "$name: message" "$(cat "$T/err.txt")" "$msg"
    check "$name: nothing on stdout" 0 "$(wc -c < "$T/out.sql" | tr -d ' ')"
}
types() {	# the columns of a table and their types
    q "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum)
       FROM pg_attribute WHERE attrelid = '$1'::regclass AND attnum > 0 AND NOT attisdropped"
}
SPSS_OPTS="--missing dk=-1;refused=-2 --choices media=media_tv,media_radio,media_web"

echo "== SPSS .sav: likert, enums, choices, missing reasons, comments, labels"
load $SPSS_OPTS "$T/spss.sav"
check "sav: loader exit" 0 "$rc"
check "sav: psql exit" 0 "$prc"
check "sav: types" 'id integer, q1 likert(5), q2 likert(0,10), q3 spss_q3, country spss_country, media choices, income integer, weight double precision, remark text, select integer' "$(types spss)"
check "sav: q1 (declared missing 8, 9 -> dk, refused from labels; system missing -> NULL)" \
    '1/5,5/5,dk/5,refused/5,3/5,NULL' "$(q "SELECT string_agg(coalesce(q1::text, 'NULL'), ',' ORDER BY id) FROM spss")"
check "sav: q2 0..10 (-1 -> dk by --missing)" \
    '0/0..10,10/0..10,dk/0..10,7/0..10,5/0..10,3/0..10' "$(q "SELECT string_agg(coalesce(q2::text, 'NULL'), ',' ORDER BY id) FROM spss")"
check "sav: likert functions work on loaded values" '1|true|dk' \
    "$(q "SELECT count(*) FILTER (WHERE top_box(q1)) || '|' || bool_and(likert_points(q1) = 5) || '|' || min(missing_reason(q1)) FROM spss")"
check "sav: q3 not consecutive -> enum in code order" '{Never,Rarely,Often,Always}' "$(q "SELECT enum_range(NULL::spss_q3)")"
check "sav: q3 values" 'Never,Rarely,Often,Always,Often,NULL' "$(q "SELECT string_agg(coalesce(q3::text, 'NULL'), ',' ORDER BY id) FROM spss")"
contains "sav: q3 note on stderr" "$err" 'column "q3": codes 1, 2, 4, 5 are not consecutive, so it is not loaded as likert but as an enum'
check "sav: nominal country -> enum with unicode labels" '{Deutschland,France,Österreich}' "$(q "SELECT enum_range(NULL::spss_country)")"
check "sav: choices from 0/1 columns (-2 -> refused, all empty -> NULL)" \
    '{1,3};{};refused;NULL;{1,2,3};{}' "$(q "SELECT string_agg(coalesce(media::text, 'NULL'), ';' ORDER BY id) FROM spss")"
check "sav: has_choice on loaded choices" '2' "$(q "SELECT count(*) FROM spss WHERE has_choice(media, 3)")"
check "sav: income (declared missing range -9..-1 -> NULL)" '1200,NULL,3400,NULL,NULL,0' \
    "$(q "SELECT string_agg(coalesce(income::text, 'NULL'), ',' ORDER BY id) FROM spss")"
check "sav: weight" '1.5,0.25,2,1,1,3.125' "$(q "SELECT string_agg(weight::text, ',' ORDER BY id) FROM spss")"
check "sav: strings with tab, newline, backslash, quotes" 'true|true|true|true|true' \
    "$(q "SELECT ((SELECT remark FROM spss WHERE id = 2) = E'tab\\there') || '|' || ((SELECT remark FROM spss WHERE id = 3) = E'new\\nline')
          || '|' || ((SELECT remark FROM spss WHERE id = 4) = E'back\\\\slash') || '|' || ((SELECT remark FROM spss WHERE id = 5) = 'it''s \"quoted\"')
          || '|' || ((SELECT remark FROM spss WHERE id = 6) = '')")"
check "sav: reserved word column" '0,10,20,30,40,50' "$(q "SELECT string_agg(\"select\"::text, ',' ORDER BY id) FROM spss")"
contains "sav: reserved word note" "$err" 'column "select" is an SQL reserved word'
contains "sav: note on a missing reason read from a label" "$err" 'missing code 8 "Don'"'"'t know" loaded as dk (from its label'
contains "sav: note on a --missing code whose label is no reason" "$err" 'column "q2": --missing loads code -1 (label "Can'"'"'t say") as dk'
check "sav: table comment" 'Wave 1 (test)' "$(q "SELECT obj_description('spss'::regclass, 'pg_class')")"
check "sav: column comments" 'id=Respondent|q1=Trust in the "parliament"; it'"'"'s a test|country=Land / país|media=options: media_tv, media_radio, media_web|remark=Free text' \
    "$(q "SELECT string_agg(attname || '=' || col_description(attrelid, attnum), '|' ORDER BY attnum) FROM pg_attribute
          WHERE attrelid = 'spss'::regclass AND attnum > 0 AND col_description(attrelid, attnum) IS NOT NULL")"
check "sav: labels table" '30|7|dk,refused|Television,Radio,Internet' \
    "$(q "SELECT count(*) || '|' || count(*) FILTER (WHERE variable = 'q1') || '|'
          || (SELECT string_agg(reason, ',' ORDER BY code) FROM spss_labels WHERE variable = 'q1' AND reason IS NOT NULL) || '|'
          || (SELECT string_agg(label, ',' ORDER BY code) FROM spss_labels WHERE variable = 'media') FROM spss_labels")"
check "sav: labels table of q2 says -1 is dk" 'Can'"'"'t say|dk' "$(q "SELECT label || '|' || reason FROM spss_labels WHERE variable = 'q2' AND code = '-1'")"

echo "== the table exists: refused without --replace, nothing changed; replaced with it"
q "UPDATE spss SET weight = 99 WHERE id = 1" > /dev/null
load $SPSS_OPTS "$T/spss.sav"
check "exists: psql fails" 3 "$prc"
contains "exists: message" "$perr" 'table "spss" already exists'
contains "exists: hint" "$perr" 'Run survey_load with --replace to replace it'
check "exists: old table untouched" '99' "$(q "SELECT weight FROM spss WHERE id = 1")"
load --replace $SPSS_OPTS "$T/spss.sav"
check "replace: psql exit" 0 "$prc"
check "replace: reloaded" '1.5|30' "$(q "SELECT weight || '|' || (SELECT count(*) FROM spss_labels) FROM spss WHERE id = 1")"
load --no-labels-table $SPSS_OPTS -t spss "$T/spss.sav"
contains "exists: enum type or table also checked with --no-labels-table" "$perr" 'already exists'

echo "== piped into psql; a table name that holds the checks' dollar quote"
"$LOADER" -q -t "a\$survey_load\$'b" "$T/empty.sav" | psql -X -q -v ON_ERROR_STOP=1 -d $DB 2> "$T/perr.txt"
check "pipe: psql exit" 0 "$?"
check "pipe: loaded" '0|4' "$(q "SELECT (SELECT count(*) FROM \"a\$survey_load\$'b\") || '|' || (SELECT count(*) FROM \"a\$survey_load\$'b_labels\")")"
"$LOADER" -q -t "a\$survey_load\$'b" "$T/empty.sav" | psql -X -q -v ON_ERROR_STOP=1 -d $DB 2> "$T/perr.txt"
check "pipe: second load fails" 3 "$?"
contains "pipe: second load message" "$(cat "$T/perr.txt")" "table \"a\$survey_load\$'b\" already exists"

echo "== SPSS .zsav into a schema, with names that need quoting"
q 'CREATE SCHEMA "Load ""here"""' > /dev/null
load -s 'Load "here"' -t 'Wave "1" ö' --choices 'Media used=media_tv,media_radio' --missing 'dk=-1;refused=-2' "$T/spss.zsav"
check "zsav: loader exit" 0 "$rc"
check "zsav: psql exit" 0 "$prc"
check "zsav: choices column with a quoted name" '{1};{};refused;NULL;{1,2};{}' \
    "$(q "SELECT string_agg(coalesce(\"Media used\"::text, 'NULL'), ';' ORDER BY id) FROM \"Load \"\"here\"\"\".\"Wave \"\"1\"\" ö\"")"
check "zsav: same values as the .sav" '' \
    "$(q "SELECT id FROM spss s JOIN \"Load \"\"here\"\"\".\"Wave \"\"1\"\" ö\" z USING (id)
          WHERE (s.q1, s.q2, s.q3::text, s.country::text, s.income, s.weight, s.remark, s.\"select\")
                IS DISTINCT FROM (z.q1, z.q2, z.q3::text, z.country::text, z.income, z.weight, z.remark, z.\"select\")")"
check "zsav: enum types and labels table in the schema" '3|true' \
    "$(q "SELECT count(*) || '|' || (to_regclass('\"Load \"\"here\"\"\".\"Wave \"\"1\"\" ö_labels\"') IS NOT NULL)
          FROM pg_type WHERE typnamespace = '\"Load \"\"here\"\"\"'::regnamespace AND typtype = 'e'")"

echo "== SPSS .por: no declared missing values, --missing for some variables only"
load --missing 'Q1: dk=8;refused=9' --missing 'dk=-1;refused=-2' --enum country -t por \
    --choices 'media=mediatv,mediarad,mediaweb' "$T/spss.por"
check "por: psql exit" 0 "$prc"
check "por: types" 'id integer, q1 likert(5), q2 likert(0,10), q3 por_q3, country por_country, media choices, income integer, weight double precision, remark text, select integer' "$(types por)"
check "por: q1 (8, 9 -> dk, refused for q1 only)" '1/5,5/5,dk/5,refused/5,3/5,NULL' \
    "$(q "SELECT string_agg(coalesce(q1::text, 'NULL'), ',' ORDER BY id) FROM por")"
check "por: income -9 is a number without a declared range" '1200,NULL,3400,-9,NULL,0' \
    "$(q "SELECT string_agg(coalesce(income::text, 'NULL'), ',' ORDER BY id) FROM por")"

echo "== options: --labels=text, --no-likert, --type, --sysmis, --likert"
load $SPSS_OPTS --labels=text --no-likert -t spss_text --type id=smallint --type remark='varchar(20)' "$T/spss.sav"
check "text: psql exit" 0 "$prc"
check "text: types" 'id smallint, q1 text, q2 text, q3 text, country text, media choices, income integer, weight double precision, remark character varying(20), select integer' "$(types spss_text)"
check "text: labels as text (missing codes NULL)" 'Strongly disagree|Not at all|Often|Österreich|NULL' \
    "$(q "SELECT (SELECT q1 FROM spss_text WHERE id = 1) || '|' || (SELECT q2 FROM spss_text WHERE id = 1) || '|' || (SELECT q3 FROM spss_text WHERE id = 3)
          || '|' || (SELECT country FROM spss_text WHERE id = 3) || '|' || coalesce((SELECT q1 FROM spss_text WHERE id = 3), 'NULL')")"
load $SPSS_OPTS --sysmis skipped --likert country -t spss_sysmis "$T/spss.sav"
check "sysmis: psql exit" 0 "$prc"
check "sysmis: system missing -> skipped" 'skipped/5|skipped' \
    "$(q "SELECT (SELECT q1::text FROM spss_sysmis WHERE id = 6) || '|' || (SELECT media::text FROM spss_sysmis WHERE id = 4)")"
check "likert: nominal variable forced with --likert" 'likert(3)' "$(q "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'spss_sysmis'::regclass AND attname = 'country'")"

echo "== Stata .dta: extended missing values, name collisions, reserved words"
load "$T/stata.dta"
check "dta: psql exit" 0 "$prc"
check "dta: types" 'q1 likert(4), age integer, age_2 integer, group double precision, sex stata_sex, name text' "$(types stata)"
check "dta: .a/.b -> dk/refused from their labels" '1/4,4/4,dk/4,refused/4,2/4' \
    "$(q "SELECT string_agg(q1::text, ',' ORDER BY age_2) FROM stata")"
contains "dta: collision note" "$err" 'variable "AGE" loaded as column "age_2" (another column has that name after lower-casing)'
contains "dta: reserved word note" "$err" 'column "group" is an SQL reserved word'
contains "dta: tag note" "$err" 'missing code .b "Refusal" loaded as refused (from its label'
check "dta: values" '34|100|10000000000|male|Anna;56|101|0.5|female|Bjørn;23|102|10000000000|female|Chloé;NULL|103|0.5|male|D'"'"'Arcy;41|104|10000000000|male|Eve' \
    "$(q "SELECT string_agg(concat_ws('|', coalesce(age::text, 'NULL'), age_2, \"group\", sex, name), ';' ORDER BY age_2) FROM stata")"
check "dta: labels of tags" '.a|Don'"'"'t know|dk;.b|Refusal|refused' \
    "$(q "SELECT string_agg(concat_ws('|', code, label, reason), ';' ORDER BY code) FROM stata_labels WHERE code LIKE '.%'")"
load --missing 'na=.b' -t stata_na "$T/stata.dta"
check "dta: --missing na=.b" 'na/4' "$(q "SELECT q1::text FROM stata_na WHERE age_2 = 103")"
load --labels=text -t longlabel "$T/longlabel.dta"
check "dta: a long label loads as text" 'a label that is much longer than sixty-three bytes, which enums do not allow' \
    "$(q "SELECT reason FROM longlabel WHERE reason <> 'short'")"

echo "== SPSS multiple-response sets (records 7/7 and 7/19) -> choices"
load "$T/mrsets.sav"
check "mrsets: psql exit" 0 "$prc"
check "mrsets: types" 'media choices, brands choices, apps choices' "$(types mrsets)"
check "mrsets: dichotomy set (counted 1; declared missing 9 -> no_answer; all empty -> NULL)" \
    '{1,3};{};no_answer;NULL;{}' "$(q "SELECT string_agg(coalesce(media::text, 'NULL'), ';' ORDER BY ctid) FROM mrsets")"
check "mrsets: category set (codes are options; 9 Don't know -> dk)" \
    '{2,3};{1};{2,4};NULL;dk' "$(q "SELECT string_agg(coalesce(brands::text, 'NULL'), ';' ORDER BY ctid) FROM mrsets")"
check "mrsets: dichotomy set of record 7/19 (counted value 5)" \
    '{1};{2};{1,2};{};{}' "$(q "SELECT string_agg(coalesce(apps::text, 'NULL'), ';' ORDER BY ctid) FROM mrsets")"
check "mrsets: set labels as comments" 'Media used|Brands bought|options: app_a, app_b' \
    "$(q "SELECT string_agg(col_description('mrsets'::regclass, attnum), '|' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'mrsets'::regclass AND attnum > 0")"
check "mrsets: option labels" 'apps:App A,App B|brands:Acme,Brandt,Cosmo,Dyna|media:Television,Radio,Internet' \
    "$(q "SELECT string_agg(variable || ':' || labels, '|' ORDER BY variable) FROM (SELECT variable, string_agg(label, ',' ORDER BY code::int) AS labels FROM mrsets_labels GROUP BY variable) s")"
contains "mrsets: malformed set noted" "$err" 'multiple-response set "broken" is not loaded as a choices column: the record is malformed'
contains "mrsets: set with an unknown variable noted" "$err" 'multiple-response set "ghost" is not loaded as a choices column: it names a variable that is not in the file'
load --no-mrsets --enum brand_first,brand_second -t mrsets_plain "$T/mrsets.sav"
check "mrsets: --no-mrsets keeps the variables" 'media_tv integer, media_radio integer, media_web integer, brand_first mrsets_plain_brand_first, brand_second mrsets_plain_brand_second, app_a integer, app_b integer' "$(types mrsets_plain)"
load --choices 'tv_radio=media_tv,media_radio' -t mrsets_user "$T/mrsets.sav"
contains "mrsets: --choices takes the set's variables" "$err" 'multiple-response set "Media" is replaced by --choices'
check "mrsets: --choices instead of the set" 'tv_radio choices, media_web integer, brands choices, apps choices' "$(types mrsets_user)"

echo "== SAS .sas7bdat"
load "$T/sas.sas7bdat"
check "sas: psql exit" 0 "$prc"
check "sas: types" 'x double precision, city text' "$(types sas)"
check "sas: values" '0.5|Bern;NULL|Bern;5.5|Zürich' "$(q "SELECT string_agg(coalesce(x::text, 'NULL') || '|' || city, ';' ORDER BY ctid) FROM sas")"
check "sas: comment" 'A number' "$(q "SELECT col_description('sas'::regclass, 1)")"

echo "== a file without rows"
load "$T/empty.sav"
check "empty: psql exit" 0 "$prc"
check "empty: types from the labels" 'q likert(4), x double precision, s text' "$(types empty)"
check "empty: no rows, labels kept" '0|4' "$(q "SELECT (SELECT count(*) FROM empty) || '|' || (SELECT count(*) FROM empty_labels)")"

echo "== character encodings"
bad "text not in the declared encoding" 1 'Unable to convert string to the requested encoding' -- "$T/latin1.sav"
contains "text not in the declared encoding: hint" "$(cat "$T/err.txt")" 'give the right one with --encoding'
load --encoding=WINDOWS-1252 "$T/latin1.sav"
check "--encoding: converted to UTF-8" 'Zürich' "$(q "SELECT city FROM latin1")"

echo "== the survey extension is missing"
LOADDB=survey_loader_noext load $SPSS_OPTS "$T/spss.sav"
check "noext: psql fails" 3 "$prc"
contains "noext: message" "$perr" 'types likert and choices not found'
check "noext: nothing created" '0' "$(psql -X -At -d survey_loader_noext -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'spss%'")"

echo "== bad input"
bad "missing file" 1 'could not open file "'$T'/nonexistent.sav": No such file or directory' -- "$T/nonexistent.sav"
mkdir "$T/dir.sav"
bad "directory" 1 'it is a directory' -- "$T/dir.sav"
if [ "$(id -u)" != 0 ]; then
    cp "$T/spss.sav" "$T/noread.sav" && chmod 000 "$T/noread.sav"
    bad "unreadable file" 1 'Permission denied' -- "$T/noread.sav"
fi
head -c 1000 "$T/spss.sav" > "$T/trunc.sav"
bad "truncated .sav (dictionary)" 1 'could not read "'$T'/trunc.sav" as a sav file: Unable to read from file' -- "$T/trunc.sav"
head -c 2300 "$T/spss.sav" > "$T/trunc2.sav"
bad "truncated .sav (data)" 1 'as a sav file: File did not contain the expected number of rows' -- "$T/trunc2.sav"
head -c 3000 "$T/stata.dta" > "$T/trunc.dta"
bad "truncated .dta" 1 'could not read "'$T'/trunc.dta" as a dta file' -- "$T/trunc.dta"
printf 'this is not an SPSS file, only some text that is long enough to be read.%0200d' 0 > "$T/text.sav"
bad "corrupt .sav" 1 'as a sav file: Invalid file, or file has unsupported features' -- "$T/text.sav"
cp "$T/spss.sav" "$T/spss.xyz"
bad "unknown extension" 1 'unknown file format of "'$T'/spss.xyz"' -- "$T/spss.xyz"
bad "unknown --format" 2 'unknown file format "xls"' -- --format xls "$T/spss.sav"
bad "--format that does not match the file" 1 'as a dta file' -- --format dta "$T/spss.sav"
bad "--missing code not present" 1 '--missing: code 77 (dk) does not occur in any labelled column' -- --missing 'dk=77' "$T/spss.sav"
bad "--missing code not present for its variables" 1 '--missing: code -1 (dk) does not occur' -- --missing 'q1: dk=-1' "$T/spss.sav"
bad "--missing syntax" 2 '--missing: unknown missing reason' -- --missing 'dontknow=8' "$T/spss.sav"
bad "--missing code syntax" 2 '--missing: a code must be a number or .a-.z' -- --missing 'dk=eight' "$T/spss.sav"
bad "value too long for varchar" 1 'value too long for type varchar(5) in column "remark", row 2: "tab' -- --type 'remark=varchar(5)' "$T/spss.sav"
bad "value out of range for integer" 1 'value 10000000000 in column "group", row 1 does not fit type integer' -- --type group=integer "$T/stata.dta"
bad "unknown --type" 2 'unknown type' -- --type id=money "$T/spss.sav"
bad "label too long for an enum" 1 'too long for an enum value' -- "$T/longlabel.dta"
bad "category set with a code that is no option number" 1 'multiple-response set brands: value 65 of "brand_first" in row 5 is not an option number 1..64' -- "$T/mrsets_bad.sav"
bad "choices of a rating item" 1 '--choices m: value 5 of "Q1" in row 2 is neither 0 nor 1' -- --choices 'm=q1,media_tv' "$T/spss.sav"
bad "choices: an option in --type" 1 'variable "media_tv" is an option of choices column "m"; it cannot be in --type' -- --choices 'm=media_tv,media_web' --type media_tv=integer "$T/spss.sav"
bad "choices: unknown variable" 1 '--choices m: no variable "nope" in the file' -- --choices 'm=media_tv,nope' "$T/spss.sav"
bad "--enum: unknown variable" 1 '--enum: no variable "nope"' -- --enum nope "$T/spss.sav"
bad "no file" 2 'no input file given' --
bad "unknown option" 2 'unknown option' -- --bogus "$T/spss.sav"
check "help" 0 "$("$LOADER" --help | grep -c '^\(NAME\|SYNOPSIS\|DESCRIPTION\|OPTIONS\|MAPPING\|EXIT STATUS\|EXAMPLES\)$' | sed 's/^7$/0/')"

psql -X -q -d postgres -c "DROP DATABASE $DB" -c "DROP DATABASE survey_loader_noext"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
