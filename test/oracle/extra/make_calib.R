## make_calib.R -- extra oracle cases for calibrated designs (SPEC §9, kit README §7.14).
##
## Run:  cd test/oracle/extra && Rscript make_calib.R      (R 4.2.2, survey 4.1.1, MASS)
##
## Reads the kit data sets (../data/*.csv) and writes, in the kit's formats:
##   designs_calib.csv      calibrated designs K_* (type calibrated, calibration column as kit §7.15)
##   cases_calib.csv        cases K0001.. (kinds calib_rake, calib_raking, calib_linear, calib_poststratify)
##   populations_calib.csv  population margins (apipop counts; loaded by the driver next to the kit's)
##   calweights/<design>.csv  the calibrated weights (id, weight)
## Cases: rake with R's default control (maxit 10, epsilon 1) and converged (epsilon 1e-10 relative),
## raking calfun, logit calfun with bounds, linear with a numeric auxiliary on a design without PSUs,
## poststratify with domains.  The calibration column's control may add bounds=<L>,<U> (logit).

source("calib_helpers.R")

add_pop("calib_stype_schwide", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type and by sch.wide")
add_pop("calib_stype_schwide", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by type and by sch.wide")
add_pop("calib_schwide_api99", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by sch.wide and total api99")
add_pop("calib_schwide_api99", "api99", NA, 3914069, "apipop schools by sch.wide and total api99")
add_pop("calib_stype", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type")

## ---- apiclus1 (one-stage cluster sample of districts): rake and raking to stype and sch_wide
clus <- read_ds("apiclus1")
clus_d <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus)
clus_spec <- c(weight = "pw", psu = "dnum", fpc = "fpc", fpc_type = "popsize")
margins <- list(~stype, ~sch_wide)
popm <- list(pm("calib_stype_schwide", "stype"), pm("calib_stype_schwide", "sch_wide"))

d <- withCallingHandlers(rake(clus_d, margins, popm), warning = function(w) stop("rake did not converge"))
calibrated("K_apiclus1_rake", "apiclus1", clus_spec, d,
           "method=rake;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=10;epsilon=1",
           "rake with R's default control (stops when the joint table moves by < 1)")
suite("calib_rake", "K_apiclus1_rake", "stype:H|M")

d <- rake(clus_d, margins, popm, control = list(maxit = 100, epsilon = 1e-10))
calibrated("K_apiclus1_rake_tight", "apiclus1", clus_spec, d,
           "method=rake;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=100;epsilon=1e-10",
           "rake converged (epsilon 1e-10 relative to the sum of weights)")
suite("calib_rake", "K_apiclus1_rake_tight", "sch_wide:Yes")

d <- calibrate(clus_d, ~stype + sch_wide, population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch_wideYes = 5122),
               calfun = "raking")
calibrated("K_apiclus1_raking", "apiclus1", clus_spec, d,
           "method=raking;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=50;epsilon=1e-07",
           "calibrate(calfun = 'raking'): exp(x'lambda), Newton")
suite("calib_raking", "K_apiclus1_raking", "stype:E")

d <- calibrate(clus_d, ~stype + sch_wide, population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch_wideYes = 5122),
               calfun = "logit", bounds = c(0.7, 1.7))
calibrated("K_apiclus1_logit", "apiclus1", clus_spec, d,
           "method=logit;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=50;epsilon=1e-07;bounds=0.7,1.7",
           "calibrate(calfun = 'logit', bounds = c(0.7, 1.7)): the upper bound binds (raking reaches g = 1.98)")
suite("calib_logit", "K_apiclus1_logit", "stype:E")

## ---- apistrat (stratified by stype, no PSUs): linear with a numeric auxiliary (api99)
strat <- read_ds("apistrat")
strat_d <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
d <- calibrate(strat_d, ~sch_wide + api99, population = c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069))
calibrated("K_apistrat_linear_api99", "apistrat",
           c(weight = "pw", strata = "stype", fpc = "fpc", fpc_type = "popsize"), d,
           "method=linear;base=apistrat_strat;pop=calib_schwide_api99;vars=sch_wide+api99;control=closed form",
           "GREG on sch_wide and the numeric api99, strata without PSUs")
suite("calib_linear", "K_apistrat_linear_api99", "stype:M")

## ---- apisrs: poststratify on stype, with domains
srs <- read_ds("apisrs")
srs_d <- svydesign(ids = ~1, weights = ~pw, fpc = ~fpc, data = srs)
d <- postStratify(srs_d, ~stype, pm("calib_stype", "stype"))
calibrated("K_apisrs_ps_stype", "apisrs", c(weight = "pw", fpc = "fpc", fpc_type = "popsize"), d,
           "method=poststratify;base=apisrs_fpc;pop=calib_stype;vars=stype",
           "postStratify on stype of a simple random sample; domains keep every row in the calibration")
suite("calib_poststratify", "K_apisrs_ps_stype", "awards:Yes")
case_mt("calib_poststratify", "K_apisrs_ps_stype", "mean", "enroll", domain = "stype:H")

## ---- write
nd <- write_designs("designs_calib.csv")
nc <- write_cases("cases_calib.csv", "K%04d")
write_pop(POP, "populations_calib.csv")
cat(sprintf("%d designs, %d cases\n", nd, nc))
