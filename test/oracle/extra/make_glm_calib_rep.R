## make_glm_calib_rep.R -- svyglm / regTermTest oracle cases (kind glm) on calibrated REPLICATE designs
## (SPEC §9 + §10; kit README §7.14 calib_rep, §7.16) for the `survey` PostgreSQL extension: R's
## svyglm.svyrep.design refits the model on every calibrated replicate.
##
## Run:  cd test/oracle/extra && Rscript make_glm_calib_rep.R      (R 4.2.2, survey 4.1.1)
## Writes cases_glm_calib_rep.csv (ids GR001...).  The designs are make_calib_rep.R's KR_* (defined in
## designs_calib_rep.csv, with their multipliers and calibrated weights), rebuilt from the same files by
## calib_rep_designs.R, so this generator writes no designs.  model() is glm_helpers.R's.

source("glm_helpers.R")
source("calib_rep_designs.R")

clus <- read_ds("apiclus1")
for (v in c("stype", "sch_wide", "awards")) clus[[v]] <- factor(clus[[v]])
D <- kr_designs(clus)

DSET <- c(KR_apiclus1_jk1_ps = "apiclus1", KR_apiclus1_jk1_linear = "apiclus1", KR_apiclus1_boot_rake_tight = "apiclus1")
LONELY <- c(none = "fail")
CASE_ID_FORMAT <- "GR%03d"
ST <- list(stype = c("E", "H", "M"))

model("KR_apiclus1_jk1_ps", "gaussian", "api00", c("enroll", "stype"), ST, tests = "stype",
      note = "post-stratified JK1 design: gaussian, each replicate post-stratified and refitted, Wald test")
model("KR_apiclus1_jk1_ps", "quasibinomial", "awards", c("api00"), event = "Yes", domain = "stype:E|M",
      note = "post-stratified JK1 design: logistic in a domain")
model("KR_apiclus1_jk1_linear", "gaussian", "api00", c("api99", "stype"), ST, tests = "stype",
      note = "JK1 design calibrated linearly on sch_wide and api99 (g varies within a cell): gaussian, Wald test")
model("KR_apiclus1_jk1_linear", "quasibinomial", "awards", c("api00", "stype"), ST, event = "Yes",
      note = "JK1 design calibrated linearly on sch_wide and api99: logistic")
model("KR_apiclus1_boot_rake_tight", "quasibinomial", "awards", c("api00", "stype"), ST, event = "Yes", tests = "stype",
      note = "raked bootstrap design: logistic, Wald test")
model("KR_apiclus1_boot_rake_tight", "gaussian", "api00", c("enroll"), domain = "sch_wide:Yes",
      note = "raked bootstrap design: gaussian in a domain")

write_rows(CASES, CCOLS, "cases_glm_calib_rep.csv")
cat(sprintf("%d cases\n", length(CASES)))
