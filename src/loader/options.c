/*
 * options.c -- survey_load: command line and --help (the manual page).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader.h"

static const char *const help_text =
"NAME\n"
"    survey_load - load an SPSS, Stata or SAS data file into PostgreSQL\n"
"                  with the survey extension's likert and choices types\n"
"\n"
"SYNOPSIS\n"
"    survey_load [OPTION]... FILE | psql -v ON_ERROR_STOP=1 [DBNAME]\n"
"\n"
"DESCRIPTION\n"
"    Reads FILE (SPSS .sav, .zsav or .por, Stata .dta, SAS .sas7bdat, through\n"
"    libreadstat) and writes to standard output one SQL transaction that\n"
"    creates a table and loads it: BEGIN; CREATE TYPE/TABLE ...; COPY ... FROM\n"
"    STDIN; COMMENT ON ...; COMMIT.  Piped into psql with ON_ERROR_STOP it\n"
"    loads the file in one step, or not at all.  Notes on how variables were\n"
"    mapped go to standard error.  The whole file is read and checked before\n"
"    anything is written.  The survey extension must be installed in the\n"
"    target database when a likert or choices column is created.\n"
"\n"
"OPTIONS\n"
"    -t, --table=NAME      table name (default: the file name without its\n"
"                          extension, lower case)\n"
"    -s, --schema=NAME     schema of the table, labels table and enum types\n"
"                          (default: none, i.e. the first schema on the\n"
"                          search_path)\n"
"    -f, --format=FMT      sav, zsav, por, dta or sas7bdat (default: from the\n"
"                          file name's extension)\n"
"        --replace         drop the table, its labels table and its enum types\n"
"                          first (without CASCADE); without it an existing\n"
"                          table is an error\n"
"        --missing=[VARS:]MAP\n"
"                          codes that are missing reasons, in columns with value\n"
"                          labels: 'dk=-1,8;refused=-2,9;na=.a'.  Reasons: dk,\n"
"                          refused, na, skipped, no_answer.  A code is a number\n"
"                          or .a-.z (Stata extended / SAS special missing).\n"
"                          With 'q1,q2:' in front only for those variables\n"
"                          (and before the codes for all); repeatable.  Every\n"
"                          code must occur in a column it applies to.\n"
"        --sysmis=REASON   load system-missing (empty) answers of likert and\n"
"                          choices columns as REASON (default: SQL NULL)\n"
"        --choices=NAME=V1,V2,...\n"
"                          load the 0/1 variables V1, V2, ... as one choices\n"
"                          column NAME (option k is Vk; 1 chosen, 0 or empty\n"
"                          not); repeatable; takes the place of an MR set\n"
"        --likert=V1,V2,...\n"
"                          treat these labelled variables as rating items even\n"
"                          if the file declares them nominal\n"
"        --enum=V1,V2,...  never treat these variables as rating items\n"
"        --no-likert       no likert detection: labelled variables become enums\n"
"        --labels=enum|text\n"
"                          labelled variables that are not rating items become\n"
"                          an enum type (default) or text holding the label\n"
"        --type=VAR=TYPE   load VAR's raw values (codes, not labels) as TYPE:\n"
"                          text, varchar(N), smallint, integer, bigint,\n"
"                          double precision or numeric; repeatable\n"
"        --no-mrsets       ignore the multiple-response sets of a .sav file\n"
"        --no-labels-table do not create the <table>_labels table\n"
"        --encoding=ENC    character encoding of the file, when the file\n"
"                          does not say it or says it wrongly (e.g.\n"
"                          WINDOWS-1252)\n"
"    -q, --quiet           no notes on standard error (errors still)\n"
"    -h, --help            this text\n"
"    -V, --version         the version\n"
"\n"
"MAPPING\n"
"    A numeric variable with value labels whose answer codes (labelled codes\n"
"    that are not missing codes) are three or more consecutive integers\n"
"    lo..hi within -100..100, and whose values all lie in lo..hi, becomes\n"
"    likert(hi) when lo = 1, else likert(lo, hi), unless it is declared\n"
"    nominal (SPSS measure), listed in --enum, or --no-likert is given\n"
"    (--likert forces it).  Other labelled variables become an enum type\n"
"    <table>_<column> whose values are the labels in code order (or text,\n"
"    --labels=text); a rating item that is not consecutive falls back to an\n"
"    enum, with a note.\n"
"\n"
"    In likert and choices columns, declared user-missing values (SPSS\n"
"    missing values and ranges), Stata .a-.z and SAS special missing values\n"
"    and the --missing codes become missing reasons: the --missing reason,\n"
"    else one read from the code's label (\"Don't know\" dk, \"Refused\"\n"
"    refused, \"Not applicable\" na, \"Skipped\"/\"Not asked\" skipped, \"No\n"
"    answer\" no_answer), else no_answer; each such decision is noted.  In\n"
"    other columns they are NULL.\n"
"\n"
"    A multiple-response set of a .sav file becomes a choices column named\n"
"    after the set: in a dichotomy set option k is chosen when the k-th\n"
"    variable holds the counted value; a category set's variables hold\n"
"    option numbers 1..64.  Numbers without labels become integer, bigint or\n"
"    double precision (by their values), strings text.\n"
"\n"
"    Variable labels become COMMENT ON COLUMN, the file label COMMENT ON\n"
"    TABLE, and all value labels rows of <table>_labels(variable, code,\n"
"    label, reason).  Column names are the variable names in lower case,\n"
"    always quoted; SQL reserved words, names that need quotes, names longer\n"
"    than 63 bytes and names that collide after lower-casing (renamed\n"
"    name_2, ...) are noted.\n"
"\n"
"EXIT STATUS\n"
"    0  the SQL was written\n"
"    1  the file could not be read or its contents cannot be loaded as asked\n"
"       (nothing is written to standard output)\n"
"    2  wrong usage\n"
"\n"
"EXAMPLES\n"
"    survey_load wave1.sav | psql -v ON_ERROR_STOP=1 mydb\n"
"    survey_load -t wave1 -s survey_data --missing 'dk=8;refused=9' \\\n"
"        --choices 'media=media_tv,media_radio,media_web' wave1.dta \\\n"
"        | psql -v ON_ERROR_STOP=1 mydb\n"
"    survey_load --replace --labels=text file.sas7bdat > file.sql\n";

static int
usage_error(const char *msg, const char *arg)
{
	fprintf(stderr, PROGNAME ": error: %s%s%s%s\n", msg, arg ? " \"" : "", arg ? arg : "", arg ? "\"" : "");
	fprintf(stderr, "Try \"" PROGNAME " --help\" for more information.\n");
	return 2;
}

/* Appends the comma-separated names of s to *list. */
static int
add_names(const char *s, char ***list, int *n)
{
	char	   *copy = xstrdup(s);
	char	   *save = NULL;

	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
	{
		*list = xrealloc(*list, (*n + 1) * sizeof(char *));
		(*list)[(*n)++] = xstrdup(tok);
	}
	free(copy);
	return 0;
}

static int
parse_missing(const char *s, Options *opt)
{
	char	   *copy = xstrdup(s);
	char	   *save1 = NULL;
	char	   *colon = strchr(copy, ':');
	char	   *items = copy;
	char	   *vars = NULL;
	int			rc = 0;

	/* "q1,q2: dk=8;refused=9" applies to q1 and q2 only */
	if (colon && (strchr(copy, '=') == NULL || colon < strchr(copy, '=')))
	{
		*colon = '\0';
		vars = copy;
		while (*vars == ' ')
			vars++;
		for (char *end = colon - 1; end >= vars && *end == ' '; end--)
			*end = '\0';
		for (char *p = vars; *p; p++)
			if (*p == ' ')
				memmove(p, p + 1, strlen(p));
		if (*vars == '\0')
		{
			free(copy);
			return usage_error("--missing: no variables before \":\" in", s);
		}
		items = colon + 1;
	}
	for (char *item = strtok_r(items, ";", &save1); item && rc == 0; item = strtok_r(NULL, ";", &save1))
	{
		char	   *eq = strchr(item, '=');
		char	   *save2 = NULL;
		int			reason;

		while (*item == ' ')
			item++;
		if (eq == NULL)
		{
			rc = usage_error("--missing: expected reason=code,code,... in", item);
			break;
		}
		*eq = '\0';
		for (char *end = eq - 1; end >= item && *end == ' '; end--)
			*end = '\0';
		reason = reason_parse(item);
		if (reason == 0)
		{
			rc = usage_error("--missing: unknown missing reason (dk, refused, na, skipped, no_answer):", item);
			break;
		}
		for (char *code = strtok_r(eq + 1, ",", &save2); code; code = strtok_r(NULL, ",", &save2))
		{
			MissMap		m = {0};
			char	   *end;

			while (*code == ' ')
				code++;
			for (end = code + strlen(code); end > code && end[-1] == ' '; end--)
				end[-1] = '\0';
			m.reason = reason;
			m.text = xstrdup(code);
			m.vars = vars ? xstrdup(vars) : NULL;
			if (code[0] == '.' && code[1] && code[2] == '\0' &&
				((code[1] >= 'a' && code[1] <= 'z') || (code[1] >= 'A' && code[1] <= 'Z') || code[1] == '_'))
			{
				m.is_tag = 1;
				m.tag = code[1];
			}
			else
			{
				m.code = strtod(code, &end);
				if (*code == '\0' || *end != '\0')
				{
					free(m.text);
					free(m.vars);
					rc = usage_error("--missing: a code must be a number or .a-.z:", code);
					break;
				}
			}
			for (int i = 0; i < opt->nmiss; i++)
				if (opt->miss[i].is_tag == m.is_tag &&
					(m.is_tag ? opt->miss[i].tag == m.tag : opt->miss[i].code == m.code) &&
					(vars == NULL ? opt->miss[i].vars == NULL : opt->miss[i].vars && strcmp(opt->miss[i].vars, vars) == 0))
				{
					free(m.text);
					free(m.vars);
					rc = usage_error("--missing: code listed twice:", code);
					break;
				}
			if (rc)
				break;
			opt->miss = xrealloc(opt->miss, (opt->nmiss + 1) * sizeof(MissMap));
			opt->miss[opt->nmiss++] = m;
		}
	}
	free(copy);
	return rc;
}

static int
parse_choices(const char *s, Options *opt)
{
	const char *eq = strchr(s, '=');
	ChoiceGroup g = {0};

	if (eq == NULL || eq == s || eq[1] == '\0')
		return usage_error("--choices: expected NAME=VAR1,VAR2,... in", s);
	g.name = xstrdup(s);
	g.name[eq - s] = '\0';
	g.counted = 1;
	add_names(eq + 1, &g.members, &g.nmembers);
	opt->groups = xrealloc(opt->groups, (opt->ngroups + 1) * sizeof(ChoiceGroup));
	opt->groups[opt->ngroups++] = g;
	if (g.nmembers > 64)
		return usage_error("--choices: a choices column holds at most 64 options:", s);
	return 0;
}

static int
parse_type(const char *s, Options *opt)
{
	const char *eq = strchr(s, '=');
	TypeOverride t;

	if (eq == NULL || eq == s || eq[1] == '\0')
		return usage_error("--type: expected VAR=TYPE in", s);
	t.var = xstrdup(s);
	t.var[eq - s] = '\0';
	t.type = xstrdup(eq + 1);
	opt->types = xrealloc(opt->types, (opt->ntypes + 1) * sizeof(TypeOverride));
	opt->types[opt->ntypes++] = t;
	return 0;
}

int
parse_options(int argc, char **argv, Options *opt)
{
	enum
	{
		O_REPLACE = 256, O_MISSING, O_SYSMIS, O_CHOICES, O_LIKERT, O_ENUM,
		O_NOLIKERT, O_LABELS, O_TYPE, O_NOLABELSTABLE, O_ENCODING, O_NOMRSETS
	};
	static const struct option longopts[] = {
		{"table", required_argument, NULL, 't'},
		{"schema", required_argument, NULL, 's'},
		{"format", required_argument, NULL, 'f'},
		{"replace", no_argument, NULL, O_REPLACE},
		{"missing", required_argument, NULL, O_MISSING},
		{"sysmis", required_argument, NULL, O_SYSMIS},
		{"choices", required_argument, NULL, O_CHOICES},
		{"likert", required_argument, NULL, O_LIKERT},
		{"enum", required_argument, NULL, O_ENUM},
		{"no-likert", no_argument, NULL, O_NOLIKERT},
		{"labels", required_argument, NULL, O_LABELS},
		{"type", required_argument, NULL, O_TYPE},
		{"no-labels-table", no_argument, NULL, O_NOLABELSTABLE},
		{"no-mrsets", no_argument, NULL, O_NOMRSETS},
		{"encoding", required_argument, NULL, O_ENCODING},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	int			c;
	int			rc = 0;

	opterr = 0;
	while (rc == 0 && (c = getopt_long(argc, argv, ":t:s:f:qhV", longopts, NULL)) != -1)
	{
		switch (c)
		{
			case 't':
				opt->table = optarg;
				break;
			case 's':
				opt->schema = optarg;
				break;
			case 'f':
				opt->format = optarg;
				break;
			case O_REPLACE:
				opt->replace = 1;
				break;
			case O_MISSING:
				rc = parse_missing(optarg, opt);
				break;
			case O_SYSMIS:
				opt->sysmis = reason_parse(optarg);
				if (opt->sysmis == 0)
					rc = usage_error("--sysmis: unknown missing reason (dk, refused, na, skipped, no_answer):", optarg);
				break;
			case O_CHOICES:
				rc = parse_choices(optarg, opt);
				break;
			case O_LIKERT:
				add_names(optarg, &opt->likert_vars, &opt->nlikert_vars);
				break;
			case O_ENUM:
				add_names(optarg, &opt->enum_vars, &opt->nenum_vars);
				break;
			case O_NOLIKERT:
				opt->no_likert = 1;
				break;
			case O_LABELS:
				if (strcmp(optarg, "text") == 0)
					opt->labels_as_text = 1;
				else if (strcmp(optarg, "enum") == 0)
					opt->labels_as_text = 0;
				else
					rc = usage_error("--labels must be enum or text, not", optarg);
				break;
			case O_TYPE:
				rc = parse_type(optarg, opt);
				break;
			case O_NOLABELSTABLE:
				opt->no_labels_table = 1;
				break;
			case O_NOMRSETS:
				opt->no_mrsets = 1;
				break;
			case O_ENCODING:
				opt->encoding = optarg;
				break;
			case 'q':
				opt->quiet = 1;
				break;
			case 'h':
				fputs(help_text, stdout);
				return 0;
			case 'V':
				printf(PROGNAME " (survey) %s\n", SURVEY_VERSION);
				return 0;
			case ':':
				rc = usage_error("option needs a value:", argv[optind - 1]);
				break;
			default:
				rc = usage_error("unknown option:", argv[optind - 1]);
				break;
		}
	}
	if (rc)
		return rc;
	if (optind != argc - 1)
		return usage_error(optind >= argc ? "no input file given" : "more than one input file given", NULL);
	opt->file = argv[optind];
	return -1;
}

void
free_options(Options *opt)
{
	for (int i = 0; i < opt->nlikert_vars; i++)
		free(opt->likert_vars[i]);
	free(opt->likert_vars);
	for (int i = 0; i < opt->nenum_vars; i++)
		free(opt->enum_vars[i]);
	free(opt->enum_vars);
	for (int i = 0; i < opt->nmiss; i++)
	{
		free(opt->miss[i].text);
		free(opt->miss[i].vars);
	}
	free(opt->miss);
	for (int i = 0; i < opt->ngroups; i++)
	{
		for (int j = 0; j < opt->groups[i].nmembers; j++)
			free(opt->groups[i].members[j]);
		free(opt->groups[i].members);
		free(opt->groups[i].name);
		free(opt->groups[i].label);
	}
	free(opt->groups);
	for (int i = 0; i < opt->ntypes; i++)
	{
		free(opt->types[i].var);
		free(opt->types[i].type);
	}
	free(opt->types);
}
