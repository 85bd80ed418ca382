## make_glm_calib_rep.R -- svyglm / regTermTest oracle cases (kind glm) on calibrated REPLICATE designs
## (SPEC §9 + §10; kit README §7.14 calib_rep, §7.16) for the `survey` PostgreSQL extension: R's
## svyglm.svyrep.design refits the model on every calibrated replicate.
##
## Run:  cd test/oracle/extra && Rscript make_glm_calib_rep.R      (R 4.2.2, survey 4.1.1)
## Writes cases_glm_calib_rep.csv (ids GR001...).  The designs are make_calib_rep.R's KR_* (defined in
## designs_calib_rep.csv, with their multipliers and calibrated weights), rebuilt here the same way from
## the same files, so this generator writes no designs.  model() is glm_helpers.R's.

suppressPackageStartupMessages({ library(stats); library(utils); library(survey) })
options(survey.lonely.psu = "fail", warn = 1, stringsAsFactors = FALSE)

source("glm_helpers.R")

clus <- read_ds("apiclus1")
for (v in c("stype", "sch_wide", "awards")) clus[[v]] <- factor(clus[[v]])
kr <- read.csv("designs_calib_rep.csv", stringsAsFactors = FALSE)
rep_of <- function(key) {
  s <- kr[kr$design == key, ]
  rw <- read.csv(s$rep_file)
  stopifnot(nrow(s) == 1, all(rw$id == clus$id))
  svrepdesign(data = clus, repweights = as.matrix(rw[, -(1:2)]), weights = rw$base_weight, type = s$rep_type,
              scale = s$scale, rscales = 1, combined.weights = FALSE, mse = FALSE)
}
pop_sw <- data.frame(sch_wide = factor(c("No", "Yes")), Freq = c(1072, 5122))
pop_st <- data.frame(stype = factor(c("E", "H", "M")), Freq = c(4421, 755, 1018))
pop_lin <- c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069)

D <- list()
D$KR_apiclus1_jk1_ps <- postStratify(rep_of("KR_apiclus1_jk1_ps"), ~sch_wide, pop_sw)
D$KR_apiclus1_jk1_linear <- calibrate(rep_of("KR_apiclus1_jk1_linear"), ~sch_wide + api99, population = pop_lin,
                                      compress = FALSE)
D$KR_apiclus1_boot_rake_tight <- rake(rep_of("KR_apiclus1_boot_rake_tight"), list(~stype, ~sch_wide),
                                      list(pop_st, pop_sw), control = list(maxit = 100, epsilon = 1e-10))
## the rebuilt designs give make_calib_rep.R's calibrated weights and degf
for (k in names(D)) {
  cw <- read.csv(kr$calib_file[kr$design == k])
  stopifnot(max(abs(cw$weight - weights(D[[k]], "sampling"))) < 1e-9 * max(cw$weight),
            degf(D[[k]]) == as.numeric(kr$degf[kr$design == k]))
}

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
