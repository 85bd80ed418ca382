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

survey--$(EXTVERSION).sql: $(SQL_PARTS) survey.control
	cat $(SQL_PARTS) > $@

survey--0.1.0--$(EXTVERSION).sql: $(UPDATE_PARTS) survey.control
	cat $(UPDATE_PARTS) > $@

# Unit tests of the statistics library alone (no PostgreSQL).
.PHONY: unitcheck
unitcheck:
	$(MAKE) -C test/unit check
