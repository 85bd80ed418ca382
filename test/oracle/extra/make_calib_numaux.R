## make_calib_numaux.R -- extra oracle cases: raking and logit calibration with numeric auxiliaries
## (SPEC §9, issue 10; kit README §7.14): calibrate(design, ~ cat + num, calfun = "raking" / "logit",
## bounds) with a numeric auxiliary of few distinct values next to a categorical margin, on a
## one-stage cluster sample (PSUs), on a stratified sample without PSUs, and on the kit's JK1 and
## make_calib_rep.R's bootstrap replicate designs of the cluster sample (every replicate calibrated; a
## domain's degf recomputed from its rows' calibrated replicate weights, as R's subset does).
##
## Run:  cd test/oracle/extra && Rscript make_calib_numaux.R   (R 4.2.2, survey 4.1.1, MASS)
##
## Sources calib_helpers.R and the case builders of make_calib_domain.R and make_calib_quantile.R; reads
## ../repweights/apiclus1_jk1.csv, repweights/apiclus1_boot_cal.csv and designs_calib_rep.csv; writes:
##   data/apiclus1_numaux.csv      apiclus1 + enr100 = round(enroll / 100)  (18 distinct values)
##   data/apistrat_numaux.csv      apistrat + api99c = round(api99 / 100)   (6 distinct values)
##   designs_calib_numaux.csv      calibrated designs KN_* (kit §7.15 calibration column)
##   cases_calib_numaux.csv        cases KN01.. (kinds calib_raking, calib_logit, calib_rep)
##   cases_glm_numaux.csv          svyglm cases KNG01.. (kind glm; glm_helpers.R's model())
##   populations_calib_numaux.csv  the margins (apipop; numeric totals: the rounded apipop columns)
##   calweights/<design>.csv       R's calibrated weights
## The statistics: mean, total, ciprop, ratio (suite), domains, svyby (by_mean, by_total), svymean(~factor)
## (svy_dist), svychisq (Rao-Scott) and svyquantile (Woodruff) on the calibrated designs.  The SQL keeps
## sums per distinct (levels, numeric values): R's g = F(x'lambda) of each row's own x.

source("calib_helpers.R")
## the case builders of make_calib_domain.R (case_by, case_levels, case_chisq) and
## make_calib_quantile.R (case_quantile), without running those scripts
use_defs("make_calib_domain.R", c("case_by", "case_levels", "case_chisq"))
use_defs("make_calib_quantile.R", "case_quantile")

## the api populations (survey's apipop): 6194 schools; totals of the rounded auxiliaries
add_pop("kn_stype_enr100", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type; total of round(enroll/100)")
add_pop("kn_stype_enr100", "enr100", NA, 38125, "apipop schools by type; total of round(enroll/100)")
add_pop("kn_schwide_api99c", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by sch.wide; total of round(api99/100)")
add_pop("kn_schwide_api99c", "api99c", NA, 39188, "apipop schools by sch.wide; total of round(api99/100)")

## the kit's rows as they are (text), plus the derived column
write_ds <- function(stem, name, col, values) {
  raw <- read.csv(file.path(KIT, paste0(stem, ".csv")), colClasses = "character", na.strings = NULL)
  raw[[col]] <- num15(values)
  write_rows(raw, file.path("data", paste0(name, ".csv")))
}

## ---- apiclus1 (one-stage cluster sample): raking and logit on stype + enr100
clus <- read_ds("apiclus1")
clus$enr100 <- round(clus$enroll / 100)
write_ds("apiclus1", "apiclus1_numaux", "enr100", clus$enr100)
clus_d <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus)
clus_spec <- c(weight = "pw", psu = "dnum", fpc = "fpc", fpc_type = "popsize")
pop_clus <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, enr100 = 38125)

d <- calibrate(clus_d, ~stype + enr100, population = pop_clus, calfun = "raking")
calibrated("KN_apiclus1_raking_enr100", "apiclus1_numaux", clus_spec, d,
           "method=raking;base=apiclus1_clus;pop=kn_stype_enr100;vars=stype+enr100;control=maxit=50;epsilon=1e-07",
           "calibrate(~stype + enr100, calfun = 'raking'): exp(x'lambda) with a numeric auxiliary, Newton")
suite("calib_raking", "KN_apiclus1_raking_enr100", "stype:E")
case_by("calib_raking", "KN_apiclus1_raking_enr100", "by_mean", "api00", "awards")
case_by("calib_raking", "KN_apiclus1_raking_enr100", "by_total", "enroll", "stype")
case_by("calib_raking", "KN_apiclus1_raking_enr100", "by_mean", "api00", "awards", domain = "sch_wide:Yes")
case_levels("calib_raking", "KN_apiclus1_raking_enr100", "mean", "awards")
case_levels("calib_raking", "KN_apiclus1_raking_enr100", "total", "sch_wide", domain = "stype:E")
case_chisq("calib_raking", "KN_apiclus1_raking_enr100", "sch_wide", "awards", "F")
case_chisq("calib_raking", "KN_apiclus1_raking_enr100", "sch_wide", "awards", "Chisq")
for (p in c(0.25, 0.5, 0.9)) case_quantile("calib_raking", "KN_apiclus1_raking_enr100", "api00", p)
case_quantile("calib_raking", "KN_apiclus1_raking_enr100", "api00", 0.5, domain = "sch_wide:Yes")

d <- calibrate(clus_d, ~stype + enr100, population = pop_clus, calfun = "logit", bounds = c(0.5, 2))
calibrated("KN_apiclus1_logit_enr100", "apiclus1_numaux", clus_spec, d,
           "method=logit;base=apiclus1_clus;pop=kn_stype_enr100;vars=stype+enr100;control=maxit=50;epsilon=1e-07;bounds=0.5,2",
           "calibrate(~stype + enr100, calfun = 'logit', bounds = c(0.5, 2)): g in 0.83..1.82")
suite("calib_logit", "KN_apiclus1_logit_enr100", "stype:E")
case_by("calib_logit", "KN_apiclus1_logit_enr100", "by_mean", "api00", "awards")
case_levels("calib_logit", "KN_apiclus1_logit_enr100", "mean", "awards")
case_chisq("calib_logit", "KN_apiclus1_logit_enr100", "stype", "awards", "F")
case_quantile("calib_logit", "KN_apiclus1_logit_enr100", "api00", 0.5)

## ---- apistrat (stratified by stype, no PSUs): raking on sch_wide + api99c
strat <- read_ds("apistrat")
strat$api99c <- round(strat$api99 / 100)
write_ds("apistrat", "apistrat_numaux", "api99c", strat$api99c)
strat_d <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
d <- calibrate(strat_d, ~sch_wide + api99c, population = c(`(Intercept)` = 6194, sch_wideYes = 5122, api99c = 39188),
               calfun = "raking")
calibrated("KN_apistrat_raking_api99c", "apistrat_numaux",
           c(weight = "pw", strata = "stype", fpc = "fpc", fpc_type = "popsize"), d,
           "method=raking;base=apistrat_strat;pop=kn_schwide_api99c;vars=sch_wide+api99c;control=maxit=50;epsilon=1e-07",
           "calibrate(~sch_wide + api99c, calfun = 'raking'), strata without PSUs")
suite("calib_raking", "KN_apistrat_raking_api99c", "stype:M")
case_by("calib_raking", "KN_apistrat_raking_api99c", "by_mean", "api00", "awards")
case_by("calib_raking", "KN_apistrat_raking_api99c", "by_total", "enroll", "stype")
case_levels("calib_raking", "KN_apistrat_raking_api99c", "mean", "awards")
case_chisq("calib_raking", "KN_apistrat_raking_api99c", "stype", "awards", "F")

## ---- replicate designs: the kit's JK1 multipliers of apiclus1 (15 replicates), every replicate calibrated
## (survey 4.1.1's calibrate() on a replicate design needs compress = FALSE)
jk_scale <- 0.91483927785116681
rw <- read.csv("../repweights/apiclus1_jk1.csv")
stopifnot(all(rw$id == clus$id))
jk <- svrepdesign(data = clus, repweights = as.matrix(rw[, -(1:2)]), weights = rw$base_weight, type = "JK1",
                  scale = jk_scale, rscales = 1, combined.weights = FALSE, mse = FALSE)
jk_spec <- c(weight = "base_weight", psu = "dnum", rep_file = "../repweights/apiclus1_jk1.csv", rep_type = "JK1",
             n_rep = "15", scale = num17(jk_scale), rscales = "1", mse = "FALSE")

d <- calibrate(jk, ~stype + enr100, population = pop_clus, calfun = "raking", compress = FALSE)
calibrated("KN_apiclus1_jk1_raking_enr100", "apiclus1_numaux", jk_spec, d,
           "method=raking;base=apiclus1_jk1;pop=kn_stype_enr100;vars=stype+enr100;control=maxit=50;epsilon=1e-07",
           "calibrate(~stype + enr100, calfun = 'raking') of the JK1 design: every replicate raked")
suite("calib_rep", "KN_apiclus1_jk1_raking_enr100", "stype:E")
case_by("calib_rep", "KN_apiclus1_jk1_raking_enr100", "by_mean", "api00", "awards")
case_levels("calib_rep", "KN_apiclus1_jk1_raking_enr100", "mean", "awards")

d <- calibrate(jk, ~stype + enr100, population = pop_clus, calfun = "logit", bounds = c(0.4, 2.5), compress = FALSE)
calibrated("KN_apiclus1_jk1_logit_enr100", "apiclus1_numaux", jk_spec, d,
           "method=logit;base=apiclus1_jk1;pop=kn_stype_enr100;vars=stype+enr100;control=maxit=50;epsilon=1e-07;bounds=0.4,2.5",
           "calibrate(~stype + enr100, calfun = 'logit', bounds = c(0.4, 2.5)) of the JK1 design")
suite("calib_rep", "KN_apiclus1_jk1_logit_enr100", "stype:E")

## the bootstrap multipliers of make_calib_rep.R (40 replicates): the full sample keeps the base's degf,
## a domain's is the rank of its rows' calibrated replicate weights - 1 (R's subset recomputes it)
rb <- read.csv("repweights/apiclus1_boot_cal.csv")
stopifnot(all(rb$id == clus$id))
kr <- read.csv("designs_calib_rep.csv", stringsAsFactors = FALSE)
boot_scale <- kr$scale[kr$design == "KR_apiclus1_boot_ps"]
bt <- svrepdesign(data = clus, repweights = as.matrix(rb[, -(1:2)]), weights = rb$base_weight, type = "bootstrap",
                  scale = boot_scale, rscales = 1, combined.weights = FALSE, mse = FALSE)
bt_spec <- c(weight = "base_weight", psu = "dnum", rep_file = "repweights/apiclus1_boot_cal.csv",
             rep_type = "bootstrap", n_rep = "40", scale = num17(boot_scale), rscales = "1", mse = "FALSE")
d <- calibrate(bt, ~stype + enr100, population = pop_clus, calfun = "raking", compress = FALSE)
calibrated("KN_apiclus1_boot_raking_enr100", "apiclus1_numaux", bt_spec, d,
           "method=raking;base=apiclus1_boot_cal;pop=kn_stype_enr100;vars=stype+enr100;control=maxit=50;epsilon=1e-07",
           "calibrate(~stype + enr100, calfun = 'raking') of a bootstrap design: the base's degf, a domain's up to 39")
suite("calib_rep", "KN_apiclus1_boot_raking_enr100", "stype:H|M")
case_by("calib_rep", "KN_apiclus1_boot_raking_enr100", "by_mean", "api00", "awards")

## ---- write
nd <- write_designs("designs_calib_numaux.csv")
nc <- write_cases("cases_calib_numaux.csv", "KN%02d")
write_pop(POP, "populations_calib_numaux.csv")
cat(sprintf("%d designs, %d cases\n", nd, nc))

## ---- svyglm on the same designs (kind glm): glm_helpers.R's model() in its own environment
G <- new.env()
sys.source("glm_helpers.R", G)
G$D <- D; G$DSET <- unlist(DS); G$LONELY <- c(none = "fail"); G$CASE_ID_FORMAT <- "KNG%02d"
SW <- list(sch_wide = c("No", "Yes")); ST <- list(stype = c("E", "H", "M"))
G$model("KN_apiclus1_raking_enr100", "gaussian", "api00", c("api99", "sch_wide"), SW,
        note = "raking with a numeric auxiliary: gaussian")
G$model("KN_apiclus1_raking_enr100", "quasibinomial", "awards", c("api00", "stype"), ST, event = "Yes",
        tests = "stype", domain = "sch_wide:Yes", note = "raking with a numeric auxiliary: logistic in a domain, Wald test")
G$model("KN_apiclus1_logit_enr100", "quasibinomial", "awards", c("api99"), event = "Yes",
        note = "logit calibration with a numeric auxiliary: logistic")
G$model("KN_apiclus1_jk1_raking_enr100", "gaussian", "api00", c("api99", "sch_wide"), SW,
        note = "raking with a numeric auxiliary of a JK1 design: every replicate refitted")
G$model("KN_apistrat_raking_api99c", "gaussian", "api00", c("enroll", "stype"), ST,
        note = "raking with a numeric auxiliary, strata without PSUs: gaussian")
G$write_rows(G$CASES, G$CCOLS, "cases_glm_numaux.csv")
cat(length(G$CASES), "glm cases\n")
