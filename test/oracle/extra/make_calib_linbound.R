## make_calib_linbound.R -- extra oracle cases: bounded linear calibration (SPEC §9, issue 10; kit README
## §7.14): calibrate(design, formula, population, calfun = "linear", bounds = c(L, U)).  With finite bounds
## R does not take regcalibrate's closed form but grake's Newton iterations with the truncated linear calfun
## g = pmin(pmax(1 + x'lambda, L), U) (cal.linear), from the same Newton solve as raking and logit; the
## variance is the residual of the regression on the auxiliaries with the base weights, as for raking.
## Cases: a categorical and a numeric auxiliary on a one-stage cluster sample (bounds that bind, on both
## sides and one side only, and bounds that do not bind), a stratified sample without PSUs, categorical
## margins only, and the kit's JK1 replicate design (every replicate calibrated with the same bounds);
## and calfun = "raking" with bounds (R clips exp(x'lambda) to [L, U] too).
## Bounds R cannot meet: grake's "Failed to converge", then calibrate's "Calibration failed" unless
## force = TRUE, whose weights the SQL reproduces (with a WARNING).
##
## Run:  cd test/oracle/extra && Rscript make_calib_linbound.R   (R 4.2.2, survey 4.1.1, MASS)
##
## Reads data/apiclus1_numaux.csv and data/apistrat_numaux.csv (make_calib_numaux.R), data/apiclus2_cal2.csv
## (make_calib_twostage.R), the populations kn_stype_enr100, kn_schwide_api99c (populations_calib_numaux.csv),
## calib_stype_schwide (populations_calib.csv) and kt_stype_hi99 (populations_calib_twostage.csv),
## ../repweights/apiclus1_jk1.csv; writes:
##   designs_calib_linbound.csv    calibrated designs KLB_* (kit §7.15 calibration column, bounds=L,U)
##   cases_calib_linbound.csv      cases KLB01.. (kinds calib_linear, calib_rep, calib_raking)
##   cases_glm_linbound.csv        svyglm cases KLBG01.. (kind glm; glm_helpers.R's model())
##   calweights/<design>.csv       R's calibrated weights

source("calib_helpers.R")
use_defs("make_calib_domain.R", c("case_by", "case_levels", "case_chisq"))
use_defs("make_calib_quantile.R", "case_quantile")
KIT <- "data"     # the numaux data sets (kit columns + enr100 / api99c)

clus <- read_ds("apiclus1_numaux")
clus_d <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus)
clus_spec <- c(weight = "pw", psu = "dnum", fpc = "fpc", fpc_type = "popsize")
pop_clus <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, enr100 = 38125)
ctl <- "control=maxit=50;epsilon=1e-07"
## L,U as the driver pastes them into ARRAY[...]::float8[]: an infinity quoted ('Infinity')
bstr <- function(b) paste(ifelse(is.infinite(b), ifelse(b > 0, "'Infinity'", "'-Infinity'"), num15(b)), collapse = ",")
grange <- function(d, base) paste(sprintf("%.4g", range(weights(d) / weights(base))), collapse = "..")

## ---- apiclus1 (one-stage cluster sample), stype + enr100: closed-form g in 0.825..1.853
for (b in list(c(0.85, 1.6), c(0.9, Inf), c(0.5, 2))) {
  key <- sprintf("KLB_apiclus1_%s", gsub("[^0-9A-Za-z]+", "_", gsub("'", "", bstr(b))))
  d <- calibrate(clus_d, ~stype + enr100, population = pop_clus, calfun = "linear", bounds = b)
  calibrated(key, "apiclus1_numaux", clus_spec, d,
             paste0("method=linear;base=apiclus1_clus;pop=kn_stype_enr100;vars=stype+enr100;", ctl, ";bounds=", bstr(b)),
             sprintf("calibrate(~stype + enr100, calfun = 'linear', bounds = c(%s)): g in %s", paste(b, collapse = ", "), grange(d, clus_d)))
  suite("calib_linear", key, "stype:E")
}
key <- "KLB_apiclus1_0_85_1_6"
case_by("calib_linear", key, "by_mean", "api00", "awards")
case_by("calib_linear", key, "by_total", "enroll", "stype")
case_by("calib_linear", key, "by_mean", "api00", "awards", domain = "sch_wide:Yes")
case_levels("calib_linear", key, "mean", "awards")
case_levels("calib_linear", key, "total", "sch_wide", domain = "stype:E")
case_chisq("calib_linear", key, "sch_wide", "awards", "F")
case_chisq("calib_linear", key, "sch_wide", "awards", "Chisq")
for (p in c(0.25, 0.5, 0.9)) case_quantile("calib_linear", key, "api00", p)
case_quantile("calib_linear", key, "api00", 0.5, domain = "sch_wide:Yes")

## bounds the weights cannot meet (c(0.8, 1.25)): grake warns after maxit = 50 steps and calibrate() stops
## unless force = TRUE; the SQL warns and, as force = TRUE, uses the last step's weights (R's pseudo-inverse
## steps, MASS::ginv, in R's basis of the auxiliaries)
b <- c(0.8, 1.25)
d <- suppressWarnings(calibrate(clus_d, ~stype + enr100, population = pop_clus, calfun = "linear", bounds = b,
                                force = TRUE))
calibrated("KLB_apiclus1_unmet", "apiclus1_numaux", clus_spec, d,
           paste0("method=linear;base=apiclus1_clus;pop=kn_stype_enr100;vars=stype+enr100;", ctl, ";bounds=", bstr(b)),
           sprintf("calibrate(~stype + enr100, calfun = 'linear', bounds = c(0.8, 1.25), force = TRUE): not converged, g in %s",
                   grange(d, clus_d)))
case_mt("calib_linear", "KLB_apiclus1_unmet", "mean", "api00")
case_mt("calib_linear", "KLB_apiclus1_unmet", "total", "enroll")

## ---- categorical margins only (stype + sch_wide): a g per joint cell, bounds pin some cells
pc <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch_wideYes = 5122)
b <- c(0.85, 1.7)
d <- calibrate(clus_d, ~stype + sch_wide, population = pc, calfun = "linear", bounds = b)
calibrated("KLB_apiclus1_cat", "apiclus1_numaux", clus_spec, d,
           paste0("method=linear;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;", ctl, ";bounds=", bstr(b)),
           sprintf("calibrate(~stype + sch_wide, calfun = 'linear', bounds = c(0.85, 1.7)): g in %s", grange(d, clus_d)))
suite("calib_linear", "KLB_apiclus1_cat", "sch_wide:Yes")
case_by("calib_linear", "KLB_apiclus1_cat", "by_mean", "api00", "awards")

## ---- apistrat (strata without PSUs), sch_wide + api99c: closed-form g in 0.975..1.027
strat <- read_ds("apistrat_numaux")
strat_d <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
b <- c(0.98, 1.02)
d <- calibrate(strat_d, ~sch_wide + api99c, population = c(`(Intercept)` = 6194, sch_wideYes = 5122, api99c = 39188),
               calfun = "linear", bounds = b)
calibrated("KLB_apistrat", "apistrat_numaux", c(weight = "pw", strata = "stype", fpc = "fpc", fpc_type = "popsize"), d,
           paste0("method=linear;base=apistrat_strat;pop=kn_schwide_api99c;vars=sch_wide+api99c;", ctl, ";bounds=", bstr(b)),
           sprintf("calibrate(~sch_wide + api99c, calfun = 'linear', bounds = c(0.98, 1.02)), strata without PSUs: g in %s",
                   grange(d, strat_d)))
suite("calib_linear", "KLB_apistrat", "stype:M")
case_by("calib_linear", "KLB_apistrat", "by_mean", "api00", "awards")
case_levels("calib_linear", "KLB_apistrat", "mean", "awards")

## ---- the kit's JK1 multipliers of apiclus1 (15 replicates), every replicate calibrated with the bounds
jk_scale <- 0.91483927785116681
rw <- read.csv("../repweights/apiclus1_jk1.csv")
stopifnot(all(rw$id == clus$id))
jk <- svrepdesign(data = clus, repweights = as.matrix(rw[, -(1:2)]), weights = rw$base_weight, type = "JK1",
                  scale = jk_scale, rscales = 1, combined.weights = FALSE, mse = FALSE)
jk_spec <- c(weight = "base_weight", psu = "dnum", rep_file = "../repweights/apiclus1_jk1.csv", rep_type = "JK1",
             n_rep = "15", scale = num17(jk_scale), rscales = "1", mse = "FALSE")
b <- c(0.85, Inf)
d <- calibrate(jk, ~stype + enr100, population = pop_clus, calfun = "linear", bounds = b, compress = FALSE)
calibrated("KLB_apiclus1_jk1", "apiclus1_numaux", jk_spec, d,
           paste0("method=linear;base=apiclus1_jk1;pop=kn_stype_enr100;vars=stype+enr100;", ctl, ";bounds=", bstr(b)),
           "calibrate(~stype + enr100, calfun = 'linear', bounds = c(0.85, Inf)) of the JK1 design: every replicate calibrated (g pinned at 0.85 in the full sample and replicates)")
suite("calib_rep", "KLB_apiclus1_jk1", "stype:E")
case_by("calib_rep", "KLB_apiclus1_jk1", "by_mean", "api00", "awards")
## quantiles with every replicate calibrated: make_calib_quantile_rep.R's case builder for a while
taylor_quantile <- case_quantile
use_defs("make_calib_quantile_rep.R", "case_quantile")
case_quantile("KLB_apiclus1_jk1", "api00", 0.5)
case_quantile("KLB_apiclus1_jk1", "api00", 0.5, interval_type = "quantile", domain = "sch_wide:Yes")
case_quantile <- taylor_quantile

## ---- raking with bounds: R's cal.raking clips exp(x'lambda) to [L, U] (its derivative is exp(u) where
## L - 1 < u < U - 1, as R has it), the same Newton solve
b <- c(0.85, 1.6)
d <- calibrate(clus_d, ~stype + enr100, population = pop_clus, calfun = "raking", bounds = b)
calibrated("KLB_apiclus1_raking", "apiclus1_numaux", clus_spec, d,
           paste0("method=raking;base=apiclus1_clus;pop=kn_stype_enr100;vars=stype+enr100;", ctl, ";bounds=", bstr(b)),
           sprintf("calibrate(~stype + enr100, calfun = 'raking', bounds = c(0.85, 1.6)): g in %s", grange(d, clus_d)))
suite("calib_raking", "KLB_apiclus1_raking", "stype:E")
case_by("calib_raking", "KLB_apiclus1_raking", "by_mean", "api00", "awards")
b <- c(0.85, 1.7)
d <- calibrate(clus_d, ~stype + sch_wide, population = pc, calfun = "raking", bounds = b)
calibrated("KLB_apiclus1_raking_cat", "apiclus1_numaux", clus_spec, d,
           paste0("method=raking;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;", ctl, ";bounds=", bstr(b)),
           sprintf("calibrate(~stype + sch_wide, calfun = 'raking', bounds = c(0.85, 1.7)): g in %s", grange(d, clus_d)))
suite("calib_raking", "KLB_apiclus1_raking_cat", "sch_wide:Yes")

## ---- two-stage apiclus2 (make_calib_twostage.R's data, population and design; survey.ultimate.cluster FALSE):
## stype + hi99 with the bounds binding at the top
options(survey.ultimate.cluster = FALSE)
c2 <- read_ds("apiclus2_cal2")
c2_d <- svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = c2)
b <- c(0.5, 1.35)
d <- calibrate(c2_d, ~stype + hi99, population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, hi99yes = 2033),
               calfun = "linear", bounds = b)
calibrated("KLB_apiclus2_2stage", "apiclus2_cal2",
           c(weight = "pw", psu = "dnum", fpc = "fpc1", fpc_type = "popsize", psu2 = "snum", fpc2 = "fpc2"), d,
           paste0("method=linear;base=apiclus2_2stage;pop=kt_stype_hi99;vars=stype+hi99;", ctl, ";bounds=", bstr(b)),
           sprintf("calibrate(~stype + hi99, calfun = 'linear', bounds = c(0.5, 1.35)) of the two-stage apiclus2 design: g in %s",
                   grange(d, c2_d)))
case_mt("calib_linear", "KLB_apiclus2_2stage", "mean", "api00")
case_mt("calib_linear", "KLB_apiclus2_2stage", "total", "api_stu")
case_ratio("calib_linear", "KLB_apiclus2_2stage", "api00", "api99")
case_mt("calib_linear", "KLB_apiclus2_2stage", "mean", "api00", domain = "stype:E")
options(survey.ultimate.cluster = NULL)

## ---- write
nd <- write_designs("designs_calib_linbound.csv")
nc <- write_cases("cases_calib_linbound.csv", "KLB%02d")
cat(sprintf("%d designs, %d cases\n", nd, nc))

## ---- svyglm on the same designs (kind glm): glm_helpers.R's model() in its own environment
G <- new.env()
sys.source("glm_helpers.R", G)
G$D <- D; G$DSET <- unlist(DS); G$LONELY <- c(none = "fail"); G$CASE_ID_FORMAT <- "KLBG%02d"
SW <- list(sch_wide = c("No", "Yes")); ST <- list(stype = c("E", "H", "M"))
G$model("KLB_apiclus1_0_85_1_6", "gaussian", "api00", c("api99", "sch_wide"), SW,
        note = "bounded linear calibration with a numeric auxiliary: gaussian")
G$model("KLB_apiclus1_0_85_1_6", "quasibinomial", "awards", c("api00", "stype"), ST, event = "Yes",
        tests = "stype", domain = "sch_wide:Yes", note = "bounded linear calibration: logistic in a domain, Wald test")
G$model("KLB_apistrat", "gaussian", "api00", c("enroll", "stype"), ST,
        note = "bounded linear calibration, strata without PSUs: gaussian")
G$model("KLB_apiclus1_jk1", "gaussian", "api00", c("api99", "sch_wide"), SW,
        note = "bounded linear calibration of a JK1 design: every replicate refitted")
G$write_rows(G$CASES, G$CCOLS, "cases_glm_linbound.csv")
cat(length(G$CASES), "glm cases\n")
