## make_calib_rep.R -- extra oracle cases for calibrated replicate designs (SPEC §9, kit README §7.14,
## kind calib_rep): the full sample and every replicate calibrated to the same population, the variance
## from the calibrated replicates.
##
## Run:  cd test/oracle/extra && Rscript make_calib_rep.R      (R 4.2.2, survey 4.1.1, MASS)
##
## Reads the kit data (../data/apiclus1.csv), the kit's JK1 multipliers (../repweights/apiclus1_jk1.csv)
## and the margins of make_calib.R (populations_calib.csv, which the driver loads too), and writes:
##   repweights/apiclus1_boot_cal.csv  bootstrap multipliers of apiclus1_clus (set.seed(20261204),
##                                     as.svrepdesign(type = "bootstrap", replicates = 40)), read back
##   designs_calib_rep.csv             calibrated replicate designs KR_* (type calibrated, rep columns)
##   cases_calib_rep.csv               cases KR001.. (kind calib_rep)
##   populations_calib_rep.csv         the margin calib_schwide (the others are make_calib.R's)
##   calweights/<design>.csv           R's calibrated full-sample weights (id, weight)
## Calibrations: poststratify, rake with R's default control and converged, raking calfun, logit calfun
## with bounds, linear with the numeric api99 (also with mse = TRUE); survey 4.1.1's calibrate() on a replicate design needs compress = FALSE.

source("calib_helpers.R")
POP <- read.csv("populations_calib.csv", na.strings = "", stringsAsFactors = FALSE)
add_pop("calib_schwide", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by sch.wide")

clus <- read_ds("apiclus1")
margins <- list(~stype, ~sch_wide)
popm <- list(pm("calib_stype_schwide", "stype"), pm("calib_stype_schwide", "sch_wide"))
pop_lin <- c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069)
pop_rk <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch_wideYes = 5122)

## a replicate design of apiclus1 from a multiplier file (id, base_weight, rw1..rwR)
rep_of <- function(file, type, scale) {
  rw <- read.csv(file)
  stopifnot(all(rw$id == clus$id))
  svrepdesign(data = clus, repweights = as.matrix(rw[, -(1:2)]), weights = rw$base_weight, type = type,
              scale = scale, rscales = 1, combined.weights = FALSE, mse = FALSE)
}
rep_spec <- function(file, type, nrep, scale)
  c(weight = "base_weight", psu = "dnum", rep_file = file, rep_type = type, n_rep = as.character(nrep),
    scale = num17(scale), rscales = "1", mse = "FALSE")
no_warning <- function(expr) withCallingHandlers(expr, warning = function(w) stop(conditionMessage(w)))

## ---- JK1 of apiclus1 (the kit's multipliers, 15 replicates)
jk_scale <- 0.91483927785116681
jk <- rep_of("../repweights/apiclus1_jk1.csv", "JK1", jk_scale)
jk_spec <- rep_spec("../repweights/apiclus1_jk1.csv", "JK1", 15, jk_scale)

d <- postStratify(jk, ~sch_wide, pm("calib_schwide", "sch_wide"))
calibrated("KR_apiclus1_jk1_ps", "apiclus1", jk_spec, d,
           "method=poststratify;base=apiclus1_jk1;pop=calib_schwide;vars=sch_wide",
           "postStratify of the JK1 design on sch_wide: each replicate post-stratified too")
suite("calib_rep", "KR_apiclus1_jk1_ps", "stype:H|M")

d <- no_warning(rake(jk, margins, popm))
calibrated("KR_apiclus1_jk1_rake", "apiclus1", jk_spec, d,
           "method=rake;base=apiclus1_jk1;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=10;epsilon=1",
           "rake of the JK1 design, R's default control: the replicates get the full sample's sweeps")
suite("calib_rep", "KR_apiclus1_jk1_rake", "sch_wide:Yes")

d <- rake(jk, margins, popm, control = list(maxit = 100, epsilon = 1e-10))
calibrated("KR_apiclus1_jk1_rake_tight", "apiclus1", jk_spec, d,
           "method=rake;base=apiclus1_jk1;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=100;epsilon=1e-10",
           "rake of the JK1 design, converged")
suite("calib_rep", "KR_apiclus1_jk1_rake_tight", "stype:E")

d <- calibrate(jk, ~sch_wide + api99, population = pop_lin, compress = FALSE)
calibrated("KR_apiclus1_jk1_linear", "apiclus1", jk_spec, d,
           "method=linear;base=apiclus1_jk1;pop=calib_schwide_api99;vars=sch_wide+api99;control=closed form",
           "linear calibration of the JK1 design on sch_wide and the numeric api99")
suite("calib_rep", "KR_apiclus1_jk1_linear", "stype:M")

d <- calibrate(jk, ~stype + sch_wide, population = pop_rk, calfun = "raking", compress = FALSE)
calibrated("KR_apiclus1_jk1_raking", "apiclus1", jk_spec, d,
           "method=raking;base=apiclus1_jk1;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=50;epsilon=1e-07",
           "calibrate(calfun = 'raking') of the JK1 design: degf stays the base's (R does not recompute it)")
suite("calib_rep", "KR_apiclus1_jk1_raking", "stype:E")

d <- calibrate(jk, ~stype + sch_wide, population = pop_rk, calfun = "logit", bounds = c(0.5, 2.5),
               compress = FALSE)
calibrated("KR_apiclus1_jk1_logit", "apiclus1", jk_spec, d,
           "method=logit;base=apiclus1_jk1;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=50;epsilon=1e-07;bounds=0.5,2.5",
           "calibrate(calfun = 'logit', bounds = c(0.5, 2.5)) of the JK1 design (with c(0.7, 1.7) some replicates fail to converge)")
suite("calib_rep", "KR_apiclus1_jk1_logit", "stype:E")

## the same linear calibration with mse = TRUE (deviations from the full-sample estimate)
jkm <- svrepdesign(data = clus, repweights = as.matrix(read.csv("../repweights/apiclus1_jk1.csv")[, -(1:2)]),
                   weights = jk$pweights, type = "JK1", scale = jk_scale, rscales = 1,
                   combined.weights = FALSE, mse = TRUE)
d <- calibrate(jkm, ~sch_wide + api99, population = pop_lin, compress = FALSE)
jkm_spec <- jk_spec
jkm_spec["mse"] <- "TRUE"
calibrated("KR_apiclus1_jk1_mse_linear", "apiclus1", jkm_spec, d,
           "method=linear;base=apiclus1_jk1_mse;pop=calib_schwide_api99;vars=sch_wide+api99;control=closed form",
           "linear calibration of the JK1 design with mse = TRUE")
suite("calib_rep", "KR_apiclus1_jk1_mse_linear", "stype:H")

## ---- bootstrap of apiclus1 (40 replicates), multipliers written and read back
set.seed(20261204)
local({
  b <- as.svrepdesign(svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus), type = "bootstrap",
                      replicates = 40, compress = FALSE)
  m <- as.matrix(b$repweights)
  out <- data.frame(id = clus$id, base_weight = num17(b$pweights))
  for (r in seq_len(ncol(m))) out[[paste0("rw", r)]] <- num17(m[, r])
  write_rows(out, "repweights/apiclus1_boot_cal.csv")
  boot_scale <<- b$scale
})
bt <- rep_of("repweights/apiclus1_boot_cal.csv", "bootstrap", boot_scale)
bt_spec <- rep_spec("repweights/apiclus1_boot_cal.csv", "bootstrap", 40, boot_scale)

d <- postStratify(bt, ~sch_wide, pm("calib_schwide", "sch_wide"))
calibrated("KR_apiclus1_boot_ps", "apiclus1", bt_spec, d,
           "method=poststratify;base=apiclus1_boot_cal;pop=calib_schwide;vars=sch_wide",
           "postStratify of a bootstrap design on sch_wide")
suite("calib_rep", "KR_apiclus1_boot_ps", "stype:H|M")

d <- rake(bt, margins, popm, control = list(maxit = 100, epsilon = 1e-10))
calibrated("KR_apiclus1_boot_rake_tight", "apiclus1", bt_spec, d,
           "method=rake;base=apiclus1_boot_cal;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=100;epsilon=1e-10",
           "rake of a bootstrap design, converged")
suite("calib_rep", "KR_apiclus1_boot_rake_tight", "sch_wide:Yes")

d <- calibrate(bt, ~sch_wide + api99, population = pop_lin, compress = FALSE)
calibrated("KR_apiclus1_boot_linear", "apiclus1", bt_spec, d,
           "method=linear;base=apiclus1_boot_cal;pop=calib_schwide_api99;vars=sch_wide+api99;control=closed form",
           "linear calibration of a bootstrap design on sch_wide and the numeric api99")
suite("calib_rep", "KR_apiclus1_boot_linear", "stype:E")

## ---- write
nd <- write_designs("designs_calib_rep.csv")
nc <- write_cases("cases_calib_rep.csv", "KR%03d")
write_pop(POP[POP$pop_key == "calib_schwide", ], "populations_calib_rep.csv")
cat(sprintf("%d designs, %d cases\n", nd, nc))
