/*
 * write_fixtures.c -- writes the data files that test/loader/test_loader.sh
 * loads with survey_load, through libreadstat's writer: every mapping of
 * docs/loader.md has a variable here.  Usage: write_fixtures DIR
 */
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <readstat.h>

#include "savdict.h"

#define NA NAN					/* system missing */

static ssize_t
write_bytes(const void *data, size_t len, void *ctx)
{
	return write(*(int *) ctx, data, len);
}

static void
check(readstat_error_t err, const char *what)
{
	if (err != READSTAT_OK)
	{
		fprintf(stderr, "write_fixtures: %s: %s\n", what, readstat_error_message(err));
		exit(1);
	}
}

static readstat_writer_t *
open_writer(const char *dir, const char *file, int *fd)
{
	char		path[4096];
	readstat_writer_t *w = readstat_writer_init();

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	*fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (*fd < 0)
	{
		perror(path);
		exit(1);
	}
	readstat_set_data_writer(w, write_bytes);
	return w;
}

static void
close_writer(readstat_writer_t *w, int fd)
{
	check(readstat_end_writing(w), "end");
	readstat_writer_free(w);
	close(fd);
}

static void
put_num(readstat_writer_t *w, readstat_variable_t *v, double x)
{
	check(isnan(x) ? readstat_insert_missing_value(w, v) : readstat_insert_double_value(w, v, x), "value");
}

/*
 * SPSS: rating items (declared missing values 8, 9; a 0..10 scale with -1 for
 * --missing; a non-consecutive one), a nominal item with unicode labels, a
 * 0/1 group, strings that need escaping, a reserved word, a number with a
 * missing range.  Portable files want upper-case names of 8 characters and
 * have no declared missing values.
 */
static void
write_spss(const char *dir, const char *file, int zsav, int por)
{
	static const char *agree[] = {"Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"};
	static const double q1[] = {1, 5, 8, 9, 3, NA};
	static const double q2[] = {0, 10, -1, 7, 5, 3};
	static const double q3[] = {1, 2, 4, 5, 4, NA};
	static const double country[] = {1, 2, 3, 1, 2, 3};
	static const double tv[] = {1, 0, -2, NA, 1, 0};
	static const double radio[] = {0, 0, 0, NA, 1, 0};
	static const double web[] = {1, 0, 0, NA, 1, 0};
	static const double income[] = {1200, -2, 3400, -9, NA, 0};
	static const double weight[] = {1.5, 0.25, 2, 1, 1, 3.125};
	static const char *text[] = {"plain", "tab\there", "new\nline", "back\\slash", "it's \"quoted\"", ""};
	static const char *text_por[] = {"plain", "two", "three", "back\\slash", "it's \"quoted\"", ""};
	int			fd;
	readstat_writer_t *w = open_writer(dir, file, &fd);
	readstat_label_set_t *l_agree = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "agree");
	readstat_label_set_t *l_scale = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "scale");
	readstat_label_set_t *l_gap = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "gap");
	readstat_label_set_t *l_country = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "country");
	readstat_label_set_t *l_income = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "income");
	readstat_label_set_t *l_yes = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "yes");
	readstat_variable_t *v_id, *v_q1, *v_q2, *v_q3, *v_country, *v_tv, *v_radio, *v_web, *v_income, *v_weight, *v_text, *v_select;

	for (int i = 0; i < 5; i++)
		readstat_label_double_value(l_agree, i + 1, agree[i]);
	readstat_label_double_value(l_agree, 8, "Don't know");
	readstat_label_double_value(l_agree, 9, "Refused");
	for (int i = 0; i <= 10; i++)
	{
		char		buf[32];

		snprintf(buf, sizeof(buf), i == 0 ? "Not at all" : i == 10 ? "Completely" : "%d", i);
		readstat_label_double_value(l_scale, i, buf);
	}
	readstat_label_double_value(l_scale, -1, "Can't say");
	readstat_label_double_value(l_gap, 1, "Never");
	readstat_label_double_value(l_gap, 2, "Rarely");
	readstat_label_double_value(l_gap, 4, "Often");
	readstat_label_double_value(l_gap, 5, "Always");
	readstat_label_double_value(l_country, 1, "Deutschland");
	readstat_label_double_value(l_country, 2, "France");
	readstat_label_double_value(l_country, 3, por ? "Oesterreich" : "Österreich");
	readstat_label_double_value(l_income, -2, "Refused");
	readstat_label_double_value(l_yes, 0, "no");
	readstat_label_double_value(l_yes, 1, "yes");
	readstat_label_double_value(l_yes, -2, "Refused");

	v_id = readstat_add_variable(w, por ? "ID" : "id", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label(v_id, "Respondent");
	v_q1 = readstat_add_variable(w, por ? "Q1" : "Q1", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label(v_q1, "Trust in the \"parliament\"; it's a test");
	readstat_variable_set_label_set(v_q1, l_agree);
	readstat_variable_set_measure(v_q1, READSTAT_MEASURE_ORDINAL);
	if (!por)
	{
		readstat_variable_add_missing_double_value(v_q1, 8);
		readstat_variable_add_missing_double_value(v_q1, 9);
	}
	v_q2 = readstat_add_variable(w, por ? "Q2" : "q2", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label_set(v_q2, l_scale);
	readstat_variable_set_measure(v_q2, READSTAT_MEASURE_ORDINAL);
	v_q3 = readstat_add_variable(w, por ? "Q3" : "q3", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label_set(v_q3, l_gap);
	readstat_variable_set_measure(v_q3, READSTAT_MEASURE_ORDINAL);
	v_country = readstat_add_variable(w, por ? "COUNTRY" : "country", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label_set(v_country, l_country);
	readstat_variable_set_measure(v_country, READSTAT_MEASURE_NOMINAL);
	readstat_variable_set_label(v_country, por ? "Land" : "Land / país");
	v_tv = readstat_add_variable(w, por ? "MEDIATV" : "media_tv", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label(v_tv, "Television");
	readstat_variable_set_label_set(v_tv, l_yes);
	v_radio = readstat_add_variable(w, por ? "MEDIARAD" : "media_radio", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label(v_radio, "Radio");
	readstat_variable_set_label_set(v_radio, l_yes);
	v_web = readstat_add_variable(w, por ? "MEDIAWEB" : "media_web", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label(v_web, "Internet");
	readstat_variable_set_label_set(v_web, l_yes);
	v_income = readstat_add_variable(w, por ? "INCOME" : "income", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label_set(v_income, l_income);
	if (!por)
		readstat_variable_add_missing_double_range(v_income, -9, -1);
	v_weight = readstat_add_variable(w, por ? "WEIGHT" : "weight", READSTAT_TYPE_DOUBLE, 0);
	v_text = readstat_add_variable(w, por ? "REMARK" : "remark", READSTAT_TYPE_STRING, 20);
	readstat_variable_set_label(v_text, "Free text");
	v_select = readstat_add_variable(w, por ? "SELECT" : "Select", READSTAT_TYPE_DOUBLE, 0);

	readstat_writer_set_file_label(w, "Wave 1 (test)");
	if (zsav)
		readstat_writer_set_compression(w, READSTAT_COMPRESS_BINARY);
	check(por ? readstat_begin_writing_por(w, &fd, 6) : readstat_begin_writing_sav(w, &fd, 6), "begin");
	for (int r = 0; r < 6; r++)
	{
		check(readstat_begin_row(w), "row");
		put_num(w, v_id, r + 1);
		put_num(w, v_q1, q1[r]);
		put_num(w, v_q2, q2[r]);
		put_num(w, v_q3, q3[r]);
		put_num(w, v_country, country[r]);
		put_num(w, v_tv, tv[r]);
		put_num(w, v_radio, radio[r]);
		put_num(w, v_web, web[r]);
		put_num(w, v_income, income[r]);
		put_num(w, v_weight, weight[r]);
		check(readstat_insert_string_value(w, v_text, por ? text_por[r] : text[r]), "string");
		put_num(w, v_select, 10 * r);
		check(readstat_end_row(w), "end row");
	}
	close_writer(w, fd);
}

/*
 * Stata: extended missing values .a/.b labelled, names that collide after
 * lower-casing, a reserved word, an unlabelled-as-measure item, a 1/2 item
 * that Stata cannot mark nominal.
 */
static void
write_stata(const char *dir)
{
	static const double q1[] = {1, 4, -1, -2, 2};	/* -1 = .a, -2 = .b */
	static const double age[] = {34, 56, 23, NA, 41};
	static const double sex[] = {1, 2, 2, 1, 1};
	static const char *names[] = {"Anna", "Bjørn", "Chloé", "D'Arcy", "Eve"};
	int			fd;
	readstat_writer_t *w = open_writer(dir, "stata.dta", &fd);
	readstat_label_set_t *l_q = readstat_add_label_set(w, READSTAT_TYPE_INT32, "agree4");
	readstat_label_set_t *l_sex = readstat_add_label_set(w, READSTAT_TYPE_INT32, "sex");
	readstat_variable_t *v_q1, *v_age, *v_AGE, *v_group, *v_sex, *v_name;

	readstat_label_int32_value(l_q, 1, "No");
	readstat_label_int32_value(l_q, 2, "Rather no");
	readstat_label_int32_value(l_q, 3, "Rather yes");
	readstat_label_int32_value(l_q, 4, "Yes");
	readstat_label_tagged_value(l_q, 'a', "Don't know");
	readstat_label_tagged_value(l_q, 'b', "Refusal");
	readstat_label_int32_value(l_sex, 1, "male");
	readstat_label_int32_value(l_sex, 2, "female");

	v_q1 = readstat_add_variable(w, "q1", READSTAT_TYPE_INT8, 0);
	readstat_variable_set_label_set(v_q1, l_q);
	readstat_variable_set_label(v_q1, "Satisfied?");
	v_age = readstat_add_variable(w, "age", READSTAT_TYPE_INT16, 0);
	v_AGE = readstat_add_variable(w, "AGE", READSTAT_TYPE_INT16, 0);
	v_group = readstat_add_variable(w, "group", READSTAT_TYPE_DOUBLE, 0);
	v_sex = readstat_add_variable(w, "sex", READSTAT_TYPE_INT8, 0);
	readstat_variable_set_label_set(v_sex, l_sex);
	v_name = readstat_add_variable(w, "name", READSTAT_TYPE_STRING, 10);

	check(readstat_begin_writing_dta(w, &fd, 5), "begin dta");
	for (int r = 0; r < 5; r++)
	{
		check(readstat_begin_row(w), "row");
		if (q1[r] == -1)
			check(readstat_insert_tagged_missing_value(w, v_q1, 'a'), "tagged");
		else if (q1[r] == -2)
			check(readstat_insert_tagged_missing_value(w, v_q1, 'b'), "tagged");
		else
			check(readstat_insert_int8_value(w, v_q1, (int8_t) q1[r]), "int8");
		if (isnan(age[r]))
			check(readstat_insert_missing_value(w, v_age), "missing");
		else
			check(readstat_insert_int16_value(w, v_age, (int16_t) age[r]), "int16");
		check(readstat_insert_int16_value(w, v_AGE, (int16_t) (r + 100)), "int16");
		put_num(w, v_group, r % 2 ? 0.5 : 1e10);
		check(readstat_insert_int8_value(w, v_sex, (int8_t) sex[r]), "int8");
		check(readstat_insert_string_value(w, v_name, names[r]), "string");
		check(readstat_end_row(w), "end row");
	}
	close_writer(w, fd);
}

/* Stata: a value label longer than an enum value may be. */
static void
write_longlabel(const char *dir)
{
	int			fd;
	readstat_writer_t *w = open_writer(dir, "longlabel.dta", &fd);
	readstat_label_set_t *l = readstat_add_label_set(w, READSTAT_TYPE_INT32, "long");
	readstat_variable_t *v;

	readstat_label_int32_value(l, 1, "short");
	readstat_label_int32_value(l, 3, "a label that is much longer than sixty-three bytes, which enums do not allow");
	v = readstat_add_variable(w, "reason", READSTAT_TYPE_INT8, 0);
	readstat_variable_set_label_set(v, l);
	check(readstat_begin_writing_dta(w, &fd, 2), "begin dta");
	for (int r = 0; r < 2; r++)
	{
		check(readstat_begin_row(w), "row");
		check(readstat_insert_int8_value(w, v, r ? 3 : 1), "int8");
		check(readstat_end_row(w), "end row");
	}
	close_writer(w, fd);
}

/* A growing buffer that readstat writes a file into. */
typedef struct Buffer
{
	unsigned char *data;
	size_t		len;
} Buffer;

static ssize_t
write_buffer(const void *data, size_t len, void *ctx)
{
	Buffer	   *b = ctx;

	b->data = realloc(b->data, b->len + len);
	if (b->data == NULL)
		return -1;
	memcpy(b->data + b->len, data, len);
	b->len += len;
	return len;
}

static const char *
short_name(const SavDict *d, const char *name)
{
	for (int i = 0; i < d->nnames; i++)
		if (strcmp(d->long_names[i], name) == 0)
			return d->short_names[i];
	fprintf(stderr, "write_fixtures: no short name for %s\n", name);
	exit(1);
}

/*
 * SPSS with multiple-response sets, which readstat cannot write (bad: a
 * category variable holds 65, not an option number): the file is
 * written to memory, then a record 7/7 (and one 7/19) is put in front of the
 * dictionary's end (record 999), with the short names in lower case as SPSS
 * writes them.
 */
static void
write_mrsets(const char *dir, const char *file, int bad)
{
	static const double tv[] = {1, 0, 1, NA, 0};
	static const double radio[] = {0, 0, 1, NA, 0};
	static const double web_[] = {1, 0, 9, NA, 0};	/* 9: declared missing */
	static const double brand1[] = {2, 1, 4, NA, 9};
	static const double brand1_bad[] = {2, 1, 4, NA, 65};
	static const double brand2[] = {3, NA, 2, NA, NA};
	static const double app_a[] = {5, 0, 5, 0, 0};	/* counted value 5 */
	static const double app_b[] = {0, 5, 5, 0, 0};
	const double *cols[] = {tv, radio, web_, bad ? brand1_bad : brand1, brand2, app_a, app_b};
	const char *names[] = {"media_tv", "media_radio", "media_web", "brand_first", "brand_second", "app_a", "app_b"};
	const char *labels[] = {"Television", "Radio", "Internet", "", "", "App A", "App B"};
	Buffer		b = {0};
	readstat_writer_t *w = readstat_writer_init();
	readstat_label_set_t *l_brand = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "brand");
	readstat_variable_t *v[7];
	SavDict		d;
	char		text[2048];
	char		path[4096];
	FILE	   *f;
	int32_t		head[4];

	readstat_set_data_writer(w, write_buffer);
	readstat_label_double_value(l_brand, 1, "Acme");
	readstat_label_double_value(l_brand, 2, "Brandt");
	readstat_label_double_value(l_brand, 3, "Cosmo");
	readstat_label_double_value(l_brand, 4, "Dyna");
	readstat_label_double_value(l_brand, 9, "Don't know");
	for (int i = 0; i < 7; i++)
	{
		v[i] = readstat_add_variable(w, names[i], READSTAT_TYPE_DOUBLE, 0);
		if (*labels[i])
			readstat_variable_set_label(v[i], labels[i]);
		if (i == 2 || i == 3 || i == 4)
			readstat_variable_add_missing_double_value(v[i], 9);
		if (i == 3 || i == 4)
			readstat_variable_set_label_set(v[i], l_brand);
	}
	check(readstat_begin_writing_sav(w, &b, 5), "begin mrsets");
	for (int r = 0; r < 5; r++)
	{
		check(readstat_begin_row(w), "row");
		for (int i = 0; i < 7; i++)
			put_num(w, v[i], cols[i][r]);
		check(readstat_end_row(w), "end row");
	}
	check(readstat_end_writing(w), "end");
	readstat_writer_free(w);

	if (sav_read_dict(b.data, b.len, &d) != 0)
	{
		fprintf(stderr, "write_fixtures: cannot walk the dictionary readstat wrote\n");
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "wb");
	if (f == NULL)
	{
		perror(path);
		exit(1);
	}
	fwrite(b.data, 1, d.end_offset, f);
	/* subtype 7: a dichotomy set (counted value 1), a category set, a broken line */
	snprintf(text, sizeof(text), "$Media=D1 1 10 Media used %s %s %s\n$brands=C 13 Brands bought %s %s\n$broken=X\n$ghost=C 0  nothere\n",
			 short_name(&d, "media_tv"), short_name(&d, "media_radio"), short_name(&d, "media_web"),
			 short_name(&d, "brand_first"), short_name(&d, "brand_second"));
	head[0] = 7, head[1] = 7, head[2] = 1, head[3] = (int32_t) strlen(text);
	fwrite(head, sizeof(head), 1, f);
	fwrite(text, 1, strlen(text), f);
	/* subtype 19: a dichotomy set with counted value 5 and no label */
	snprintf(text, sizeof(text), "$apps=E 11 1 5 0  %s %s\n", short_name(&d, "app_a"), short_name(&d, "app_b"));
	head[1] = 19, head[3] = (int32_t) strlen(text);
	fwrite(head, sizeof(head), 1, f);
	fwrite(text, 1, strlen(text), f);
	fwrite(b.data + d.end_offset, 1, b.len - d.end_offset, f);
	fclose(f);
	sav_free_dict(&d);
	free(b.data);
}

/* SPSS without rows: the types come from the labels alone. */
static void
write_empty(const char *dir)
{
	int			fd;
	readstat_writer_t *w = open_writer(dir, "empty.sav", &fd);
	readstat_label_set_t *l = readstat_add_label_set(w, READSTAT_TYPE_DOUBLE, "scale");
	readstat_variable_t *q;

	for (int i = 1; i <= 4; i++)
		readstat_label_double_value(l, i, i == 1 ? "low" : i == 4 ? "high" : i == 2 ? "mid-low" : "mid-high");
	q = readstat_add_variable(w, "q", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_set_label_set(q, l);
	readstat_add_variable(w, "x", READSTAT_TYPE_DOUBLE, 0);
	readstat_add_variable(w, "s", READSTAT_TYPE_STRING, 4);
	check(readstat_begin_writing_sav(w, &fd, 0), "begin empty");
	close_writer(w, fd);
}

/* SPSS with a Latin-1 string in a file that declares UTF-8, as some old exports are. */
static void
write_latin1(const char *dir)
{
	int			fd;
	readstat_writer_t *w = open_writer(dir, "latin1.sav", &fd);
	readstat_variable_t *s = readstat_add_variable(w, "city", READSTAT_TYPE_STRING, 8);

	check(readstat_begin_writing_sav(w, &fd, 1), "begin latin1");
	check(readstat_begin_row(w), "row");
	check(readstat_insert_string_value(w, s, "Z\xfcrich"), "string");
	check(readstat_end_row(w), "end row");
	close_writer(w, fd);
}

/* SAS: numbers and strings (sas7bdat has no value labels). */
static void
write_sas(const char *dir)
{
	int			fd;
	readstat_writer_t *w = open_writer(dir, "sas.sas7bdat", &fd);
	readstat_variable_t *x = readstat_add_variable(w, "X", READSTAT_TYPE_DOUBLE, 0);
	readstat_variable_t *s = readstat_add_variable(w, "CITY", READSTAT_TYPE_STRING, 8);

	readstat_variable_set_label(x, "A number");
	check(readstat_begin_writing_sas7bdat(w, &fd, 3), "begin sas");
	for (int r = 0; r < 3; r++)
	{
		check(readstat_begin_row(w), "row");
		put_num(w, x, r == 1 ? NA : r * 2.5 + 0.5);
		check(readstat_insert_string_value(w, s, r == 2 ? "Zürich" : "Bern"), "string");
		check(readstat_end_row(w), "end row");
	}
	close_writer(w, fd);
}

int
main(int argc, char **argv)
{
	if (argc != 2)
	{
		fprintf(stderr, "usage: write_fixtures DIR\n");
		return 2;
	}
	write_spss(argv[1], "spss.sav", 0, 0);
	write_spss(argv[1], "spss.zsav", 1, 0);
	write_spss(argv[1], "spss.por", 0, 1);
	write_stata(argv[1]);
	write_longlabel(argv[1]);
	write_sas(argv[1]);
	write_empty(argv[1]);
	write_latin1(argv[1]);
	write_mrsets(argv[1], "mrsets.sav", 0);
	write_mrsets(argv[1], "mrsets_bad.sav", 1);	/* 65 is no option number */
	return 0;
}
