# survey: design-based survey statistics for PostgreSQL (PGXS build)

EXTENSION  = survey
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" survey.control)

MODULE_big = survey
# src/stats is the PostgreSQL-free statistics library; src/ is the PostgreSQL layer.
STATS_SRCS = $(sort $(wildcard src/stats/*.c))
PG_SRCS    = $(sort $(wildcard src/*.c))
OBJS       = $(STATS_SRCS:.c=.o) $(PG_SRCS:.c=.o)

# The install script is assembled from one SQL file per concern, in name order;
# so is the upgrade script from the previous release.  Released install
# scripts are kept so that the upgrade path can be installed and tested.
SQL_PARTS    = $(sort $(wildcard src/sql/*.sql))
UPDATE_PARTS = $(sort $(wildcard src/sql/update/*.sql))
DATA_built   = survey--$(EXTVERSION).sql survey--0.1.0--$(EXTVERSION).sql
DATA         = $(wildcard src/sql/released/survey--*.sql)

REGRESS      = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --load-extension=survey

PG_CPPFLAGS = -I$(srcdir)/src -I$(srcdir)/src/stats -DMATHLIB_STANDALONE
PG_CFLAGS   = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare
SHLIB_LINK  = -lRmath -lm

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies: rebuild every object when a header changes.
$(OBJS): $(wildcard src/*.h src/stats/*.h)

survey--$(EXTVERSION).sql: $(SQL_PARTS) survey.control
	cat $(SQL_PARTS) > $@

survey--0.1.0--$(EXTVERSION).sql: $(UPDATE_PARTS) survey.control
	cat $(UPDATE_PARTS) > $@

# Unit tests of the statistics library alone (no PostgreSQL).
.PHONY: unitcheck
unitcheck:
	$(MAKE) -C test/unit check

# survey_load: the SPSS/Stata/SAS file loader (docs/loader.md), a program on
# libreadstat installed into bindir next to the extension, as PostGIS ships
# shp2pgsql.  PGXS builds one MODULE_big or PROGRAM per Makefile, so its rules
# are explicit; its sources stay out of src/*.c (the shared library).
LOADER        = src/loader/survey_load
LOADER_OBJS   = $(patsubst %.c,%.o,$(sort $(wildcard src/loader/*.c)))
LOADER_CFLAGS = $(filter-out $(PG_CFLAGS) -fPIC,$(CFLAGS)) -Wall -Wextra -DSURVEY_VERSION='"$(EXTVERSION)"'

all: $(LOADER)

src/loader/%.o: src/loader/%.c src/loader/loader.h
	$(CC) $(LOADER_CFLAGS) -c -o $@ $<

$(LOADER): $(LOADER_OBJS)
	$(CC) $(LOADER_CFLAGS) $(LDFLAGS) -o $@ $(LOADER_OBJS) -lreadstat -lm

.PHONY: install-loader uninstall-loader clean-loader loadercheck
install: install-loader
install-loader: $(LOADER)
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) $(LOADER) '$(DESTDIR)$(bindir)/survey_load'

uninstall: uninstall-loader
uninstall-loader:
	rm -f '$(DESTDIR)$(bindir)/survey_load'

clean: clean-loader
clean-loader:
	rm -f $(LOADER) $(LOADER_OBJS)
	rm -rf test/loader/tmp

# Needs a server (PG* variables) and the installed extension and loader.
loadercheck:
	sh test/loader/test_loader.sh
