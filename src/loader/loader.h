/*
 * loader.h -- survey_load: SPSS/Stata/SAS files to SQL for PostgreSQL.
 *
 * The program reads the whole file into memory (read.c), decides one SQL
 * column per variable or per multiple-response group (plan.c, names.c) and
 * writes one transaction of SQL to stdout (emit.c).  It writes nothing until
 * the file has been read and every value checked, so that an error never
 * leaves a half-written script behind.
 *
 * Survey files are small (thousands of rows, hundreds of variables): holding
 * them in memory keeps the two passes (decide types, then write) simple.
 */
#ifndef SURVEY_LOADER_H
#define SURVEY_LOADER_H

#include <stddef.h>
#include <stdio.h>

#define PROGNAME "survey_load"
#define NAME_MAX_BYTES 63			/* PostgreSQL's NAMEDATALEN - 1 */

/* Missing reasons of the likert and choices types (src/response.h). */
enum
{
	REASON_NONE = 0, REASON_DK, REASON_REFUSED, REASON_NA, REASON_SKIPPED,
	REASON_NO_ANSWER
};
extern const char *reason_name(int reason);
extern int	reason_parse(const char *s);	/* 0 if unknown */

/* ---------- the file, as read ---------- */

typedef enum CellKind
{
	CELL_VALUE,					/* a value (number or string) */
	CELL_SYSMIS,				/* system missing (empty) */
	CELL_TAGGED,				/* Stata .a-.z, SAS .A-.Z/._ */
	CELL_USERMIS				/* declared user-missing value (num kept) */
} CellKind;

typedef struct Cell
{
	double		num;
	char	   *str;			/* string variables only */
	unsigned char kind;
	char		tag;
} Cell;

typedef struct LabelEntry
{
	int			is_string;
	int			is_tag;
	double		code;
	char		tag;
	char	   *skey;
	char	   *label;
} LabelEntry;

typedef struct LabelSet
{
	char	   *name;
	LabelEntry *e;
	int			n;
	int			cap;
} LabelSet;

typedef struct Var
{
	char	   *name;
	char	   *label;			/* "" when none */
	char	   *setname;		/* value label set, NULL when none */
	LabelSet   *labels;			/* resolved after reading */
	int			is_string;
	int			measure;		/* readstat_measure_t */
	int			nmiss;			/* declared numeric missing ranges */
	double		miss_lo[32];
	double		miss_hi[32];
} Var;

typedef struct Dataset
{
	Var		   *vars;
	int			nvars;
	LabelSet   *sets;
	int			nsets;
	int			setcap;
	Cell	   *cells;			/* nrows x nvars, row-major */
	long		nrows;
	long		rowcap;
	char	   *file_label;
	const char *format;			/* sav, zsav, por, dta, sas7bdat */
} Dataset;

static inline Cell *
cell_at(const Dataset *ds, long row, int var)
{
	return &ds->cells[row * ds->nvars + var];
}

/* ---------- options ---------- */

typedef struct MissMap
{
	int			reason;
	int			is_tag;
	double		code;
	char		tag;
	char	   *vars;			/* "q1,q2": only these variables; NULL: all */
	int			present;		/* seen in a labelled column or its labels */
	char	   *text;			/* as written, for messages */
} MissMap;

typedef struct ChoiceGroup
{
	char	   *name;
	char	  **members;
	int			nmembers;
	int			from_file;		/* an SPSS multiple-response set */
	int			category;		/* MR category set: values are option numbers */
	double		counted;		/* dichotomies: the value that means chosen */
	char	   *label;			/* MR set label, NULL when none */
} ChoiceGroup;

typedef struct TypeOverride
{
	char	   *var;
	char	   *type;
} TypeOverride;

typedef struct Options
{
	const char *file;
	const char *format;			/* sav, por, dta, sas7bdat */
	const char *table;
	const char *schema;
	const char *encoding;
	int			replace;
	int			labels_as_text;
	int			no_likert;
	int			no_labels_table;
	int			no_mrsets;
	int			quiet;
	int			sysmis;			/* reason for system missing, 0 = NULL */
	char	  **likert_vars;
	int			nlikert_vars;
	char	  **enum_vars;
	int			nenum_vars;
	MissMap    *miss;
	int			nmiss;
	ChoiceGroup *groups;
	int			ngroups;
	TypeOverride *types;
	int			ntypes;
} Options;

extern int	parse_options(int argc, char **argv, Options *opt);	/* exit code or -1 */
extern void free_options(Options *opt);

/* ---------- the plan: one SQL column each ---------- */

typedef enum ColKind
{
	COL_INTEGER, COL_BIGINT, COL_DOUBLE, COL_TEXT,
	COL_LIKERT, COL_ENUM, COL_LABEL, COL_CHOICES, COL_TYPED
} ColKind;

typedef enum TypedKind
{
	TYPED_TEXT, TYPED_VARCHAR, TYPED_SMALLINT, TYPED_INTEGER, TYPED_BIGINT,
	TYPED_DOUBLE, TYPED_NUMERIC
} TypedKind;

typedef struct Col
{
	char	   *name;			/* SQL column name */
	ColKind		kind;
	int			var;			/* the variable (first member for choices) */
	const ChoiceGroup *group;	/* choices: --choices or an MR set */
	int		   *members;		/* choices: variables of the options */
	int			nmembers;
	int			lo, hi;			/* likert scale */
	double	   *codes;			/* enum/label: codes of the levels */
	char	  **levels;			/* enum/label: text of the levels */
	int			nlevels;
	char	   *type_name;		/* enum: the type's name */
	TypedKind	typed;			/* COL_TYPED */
	int			typmod;			/* varchar(n) */
	char	   *comment;		/* NULL when none */
} Col;

typedef struct Plan
{
	Col		   *cols;
	int			ncols;
	char	   *schema;
	char	   *table;
	char	   *labels_table;
	int			uses_extension; /* likert or choices columns */
} Plan;

/* ---------- the steps ---------- */

extern int	read_file(const Options *opt, Dataset *ds);	/* 0 or exit code */
extern void free_dataset(Dataset *ds);
extern int	read_mrsets(Options *opt, const Dataset *ds);	/* 0 or exit code */
extern int	make_plan(Options *opt, const Dataset *ds, Plan *plan);	/* 0 or exit code */
extern void free_plan(Plan *plan);
extern int	cell_reason(const Options *opt, const Var *v, const Cell *c);
extern int	label_reason(const Options *opt, const Var *v, const LabelEntry *e);
extern const char *code_label(const Var *v, double code);
extern const char *tag_label(const Var *v, char tag);
extern void emit_sql(FILE *out, const Options *opt, const Dataset *ds, const Plan *plan);
extern void format_code(char *buf, size_t len, double code);

/* names.c */
extern char *column_name(const char *orig, int fold, char **taken, int ntaken, int quiet);
extern char *sized_name(const char *base, const char *suffix, char **taken, int ntaken);
extern int	is_reserved_word(const char *s);

/* util */
extern void *xmalloc(size_t n);
extern void *xrealloc(void *p, size_t n);
extern char *xstrdup(const char *s);
extern void note(const Options *opt, const char *fmt,...) __attribute__((format(printf, 2, 3)));
extern int	error(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern void hint(const char *fmt,...) __attribute__((format(printf, 1, 2)));
extern int	name_eq(const char *a, const char *b);	/* ASCII case-insensitive */
extern int	valid_utf8(const char *s);

#endif
