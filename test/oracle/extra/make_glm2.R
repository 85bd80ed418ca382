## make_glm2.R -- svyglm / regTermTest oracle cases (kind glm) on two-stage
## designs (R's multistage variance, survey.ultimate.cluster = FALSE) for
## the `survey` PostgreSQL extension: gaussian, quasibinomial, quasipoisson,
## a domain, Wald tests, and a two-stage design without fpc (no second-stage
## term, as R).
##
## Run:  cd test/oracle/extra && Rscript make_glm2.R
## Writes designs_glm2.csv and cases_glm2.csv (ids GG001...), in the kit's
## formats (../README.md §4, §6; glm rows §6.2).  The kit design
## apiclus2_2stage (../designs.csv) is reused by key.  The helpers and
## model() are glm_helpers.R's, shared with make_glm.R.

source("glm_helpers.R")

## ---- designs
c2 <- read_ds("apiclus2")
D <- list()
## the kit's apiclus2_2stage (../designs.csv)
D$apiclus2_2stage <- svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = c2)
## the same two stages without fpc: R adds no second-stage term
D$apiclus2_2stage_nofpc <- svydesign(ids = ~dnum + snum, weights = ~pw, data = c2)
DROWS <- list(drow(design = "apiclus2_2stage_nofpc", dataset = "apiclus2", type = "taylor", weight = "pw",
                   psu = "dnum", psu2 = "snum", nest = "FALSE", lonely_psu = "fail",
                   degf = as.character(degf(D$apiclus2_2stage_nofpc)),
                   note = "apiclus2_2stage without fpc and fpc2: the first-stage (ultimate cluster) variance only"))
write_rows(DROWS, DCOLS, "designs_glm2.csv")
DSET <- c(apiclus2_2stage = "apiclus2", apiclus2_2stage_nofpc = "apiclus2")
LONELY <- c(none = "fail")

CASE_ID_FORMAT <- "GG%03d"
ST <- list(stype = c("E", "H", "M"))
model("apiclus2_2stage", "gaussian", "api00", c("enroll", "stype"), ST, tests = "stype",
      note = "two-stage design: gaussian, Wald test")
model("apiclus2_2stage", "quasibinomial", "stype", c("api00", "enroll"), event = "E",
      note = "two-stage design: logistic (elementary school)")
model("apiclus2_2stage", "quasipoisson", "api_stu", c("api00", "stype"), ST, tests = "stype",
      note = "two-stage design: quasipoisson, Wald test")
model("apiclus2_2stage", "gaussian", "api00", c("api99"), domain = "stype:E|M",
      note = "two-stage design: domain (subset)")
model("apiclus2_2stage", "quasibinomial", "stype", c("api00"), event = "H", domain = "stype:H|M",
      note = "two-stage design: logistic in a domain")
model("apiclus2_2stage_nofpc", "gaussian", "api00", c("enroll", "stype"), ST, tests = "stype",
      note = "two stages without fpc: no second-stage term (R)")

write_rows(CASES, CCOLS, "cases_glm2.csv")
cat(length(CASES), "cases\n")
