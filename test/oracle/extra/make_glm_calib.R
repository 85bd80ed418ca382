## make_glm_calib.R -- svyglm / regTermTest oracle cases (kind glm) on calibrated
## designs (SPEC §9 + §10; kit README §7.14, §7.16) for the `survey` PostgreSQL
## extension: R's svyglm on designs made by postStratify, rake and calibrate
## (raking, logit, linear with a numeric auxiliary), with domains (subset),
## NULL outcomes and predictors (rows that stay in the calibration), and the
## families gaussian, binomial, quasibinomial, poisson and quasipoisson.
##
## Run:  cd test/oracle/extra && Rscript make_glm_calib.R      (R 4.2.2, survey 4.1.1)
## Writes designs_glm_calib.csv, cases_glm_calib.csv (ids GC001...) and
## calweights/<design>.csv for its own designs, in the kit's formats.  The
## designs K_* are make_calib.R's (designs_calib.csv), rebuilt here the same
## way; the populations are the kit's (../populations.csv) and
## make_calib.R's (populations_calib.csv).  model() is glm_helpers.R's.

source("glm_helpers.R")

D <- list(); DROWS <- list()
own <- function(key, des, ...) {
  D[[key]] <<- des
  DROWS[[length(DROWS) + 1]] <<- drow(design = key, type = "calibrated", nest = "FALSE", lonely_psu = "fail",
                                      degf = as.character(degf(des)),
                                      calib_file = paste0("calweights/", key, ".csv"), ...)
  w <- c("id,weight", paste0(des$variables$id, ",", sprintf("%.17g", weights(des))))
  con <- file(file.path("calweights", paste0(key, ".csv")), "wb"); writeLines(w, con, sep = "\n"); close(con)
}

## ---- apiclus1 raked to stype and sch_wide (make_calib.R's K_* designs)
c1 <- read_ds("apiclus1")
for (v in c("stype", "sch_wide", "awards")) c1[[v]] <- factor(c1[[v]])
clus_d <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = c1)
margins <- list(~stype, ~sch_wide)
popm <- list(data.frame(stype = factor(c("E", "H", "M")), Freq = c(4421, 755, 1018)),
             data.frame(sch_wide = factor(c("No", "Yes")), Freq = c(1072, 5122)))
D$K_apiclus1_rake <- rake(clus_d, margins, popm)
D$K_apiclus1_raking <- calibrate(clus_d, ~stype + sch_wide, calfun = "raking",
                                 population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch_wideYes = 5122))
D$K_apiclus1_logit <- calibrate(clus_d, ~stype + sch_wide, calfun = "logit", bounds = c(0.7, 1.7),
                                population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch_wideYes = 5122))

## ---- apiclus2's districts as one-stage clusters (6 rows lack enroll): poststratified, and linear with api99
c2 <- read_ds("apiclus2")
c2$stype <- factor(c2$stype)
c2_d <- svydesign(ids = ~dnum, weights = ~pw, data = c2)
own("GC_apiclus2_ps_stype", postStratify(c2_d, ~stype, data.frame(stype = factor(c("E", "H", "M")), Freq = c(4421, 755, 1018))),
    dataset = "apiclus2", weight = "pw", psu = "dnum",
    calibration = "method=poststratify;base=none;pop=api_stype;vars=stype",
    note = "apiclus2's districts as one-stage clusters (no fpc), post-stratified on stype")
own("GC_apiclus2_lin", calibrate(c2_d, ~stype + api99, population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)),
    dataset = "apiclus2", weight = "pw", psu = "dnum",
    calibration = "method=linear;base=none;pop=api_stype_api99;vars=stype+api99;control=closed form",
    note = "apiclus2's districts as one-stage clusters, linear calibration to stype and total api99 (all weights positive)")
stopifnot(all(weights(D$GC_apiclus2_lin) > 0))
write_rows(DROWS, DCOLS, "designs_glm_calib.csv")

## ---- designs without PSUs (each row its own PSU): make_calib.R's and the kit's
st <- read_ds("apistrat")
for (v in c("stype", "sch_wide", "awards")) st[[v]] <- factor(st[[v]])
strat_d <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = st)
D$K_apistrat_linear_api99 <- calibrate(strat_d, ~sch_wide + api99,
                                       population = c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069))
sr <- read_ds("apisrs")
for (v in c("stype", "awards")) sr[[v]] <- factor(sr[[v]])
D$K_apisrs_ps_stype <- postStratify(svydesign(ids = ~1, weights = ~pw, fpc = ~fpc, data = sr), ~stype,
                                    data.frame(stype = factor(c("E", "H", "M")), Freq = c(4421, 755, 1018)))

DSET <- c(K_apistrat_linear_api99 = "apistrat", K_apisrs_ps_stype = "apisrs", K_apiclus1_rake = "apiclus1", K_apiclus1_raking = "apiclus1", K_apiclus1_logit = "apiclus1",
          GC_apiclus2_ps_stype = "apiclus2", GC_apiclus2_lin = "apiclus2")
LONELY <- c(none = "fail")
CASE_ID_FORMAT <- "GC%03d"
ST <- list(stype = c("E", "H", "M"))

## rake (R's default control: not converged, per-margin residualisation weights)
model("K_apiclus1_rake", "quasibinomial", "awards", c("api00", "stype"), ST, event = "Yes", tests = "stype",
      note = "raked design: logistic, Wald test")
model("K_apiclus1_rake", "binomial", "awards", c("api00"), event = "Yes",
      note = "raked design: family binomial (same numbers as quasibinomial)")
model("K_apiclus1_rake", "quasipoisson", "api_stu", c("api00", "stype"), ST, tests = "stype",
      note = "raked design: quasipoisson, Wald test")
model("K_apiclus1_rake", "gaussian", "api00", c("enroll", "stype"), ST, domain = "sch_wide:Yes",
      note = "raked design: domain (subset keeps every row in the calibration)")
model("K_apiclus1_rake", "quasibinomial", "awards", c("api00"), event = "Yes", domain = "stype:E|M",
      note = "raked design: logistic in a domain")
## calibrate: raking and logit calfuns
model("K_apiclus1_raking", "quasibinomial", "awards", c("enroll", "stype"), ST, event = "Yes",
      note = "calfun raking: logistic")
model("K_apiclus1_raking", "poisson", "api_stu", c("api00"), domain = "stype:E",
      note = "calfun raking: poisson in a domain")
model("K_apiclus1_logit", "gaussian", "api00", c("api99", "stype"), ST, tests = "stype",
      note = "calfun logit with bounds: gaussian, Wald test")
## post-stratified, with NULL predictors (enroll) and NULL outcomes (valid)
model("GC_apiclus2_ps_stype", "gaussian", "api00", c("enroll", "stype"), ST, tests = "stype",
      note = "post-stratified: 6 rows without enroll stay in the calibration and in R's rescaling")
model("GC_apiclus2_ps_stype", "quasipoisson", "api_stu", c("api00", "stype"), ST, valid = "0..700",
      note = "post-stratified: NULL outcomes (api_stu > 700)")
model("GC_apiclus2_ps_stype", "poisson", "api_stu", c("api00"), domain = "stype:E|H",
      note = "post-stratified: poisson in a domain")
## linear with a numeric auxiliary: g varies within a cell
model("GC_apiclus2_lin", "quasipoisson", "api_stu", c("enroll", "stype"), ST, tests = "stype",
      note = "linear calibration with api99: quasipoisson, NULL predictors")
model("GC_apiclus2_lin", "gaussian", "api00", c("api99"), domain = "stype:E|M", valid = "0..850",
      note = "linear calibration with api99: domain and NULL outcomes")

## designs without PSUs
model("K_apisrs_ps_stype", "quasibinomial", "awards", c("api00", "stype"), ST, event = "Yes", tests = "stype",
      note = "post-stratified simple random sample (rows are the PSUs): logistic, Wald test")
model("K_apisrs_ps_stype", "quasipoisson", "enroll", c("api00"), domain = "stype:E|M",
      note = "post-stratified simple random sample: quasipoisson in a domain")
model("K_apistrat_linear_api99", "gaussian", "api00", c("enroll", "stype"), ST,
      note = "linear calibration with api99, strata without PSUs: gaussian")
model("K_apistrat_linear_api99", "quasibinomial", "awards", c("api00"), event = "Yes", domain = "stype:E|H",
      note = "linear calibration with api99, strata without PSUs: logistic in a domain")

write_rows(CASES, CCOLS, "cases_glm_calib.csv")
cat(length(CASES), "cases\n")
