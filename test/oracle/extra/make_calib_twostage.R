## make_calib_twostage.R -- extra oracle cases: calibration of two-stage designs (SPEC §9 + §12, issue 10):
## postStratify / rake / calibrate on svydesign(ids = ~psu + ssu, fpc = ~N1 + N2), survey.ultimate.cluster
## FALSE.  R computes the g-weights from the full weights as for one stage and residualises the influence
## values against the calibration before svyrecvar's multistage recursion (first-stage term with fpc1, second
## stage within PSUs with fpc2, scaled by the first-stage sampling fraction).
##
## Run:  cd test/oracle/extra && Rscript make_calib_twostage.R   (R 4.2.2, survey 4.1.1)
##
## Sources calib_helpers.R; reads the kit's apiclus2 and data/twostage_gen.csv (make_twostage.R); writes:
##   data/apiclus2_cal2.csv          the kit's apiclus2 + hi99 = yes/no (api99 >= 700)
##   designs_calib_twostage.csv      calibrated two-stage designs KT_*
##   cases_calib_twostage.csv        cases KT01.. (kinds calib_poststratify, calib_rake, calib_raking, calib_linear)
##   populations_calib_twostage.csv  the margins (apipop; for twostage_gen: 1.1 x the sample's estimate, rounded)
##   calweights/<design>.csv         R's calibrated weights

source("calib_helpers.R")
options(survey.ultimate.cluster = FALSE)

add_pop("kt_stype", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type")
add_pop("kt_stype_hi99", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type and api99 >= 700")
add_pop("kt_stype_hi99", "hi99", c("no", "yes"), c(4161, 2033), "apipop schools by type and api99 >= 700")
add_pop("kt_stype_api99", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type; total api99")
add_pop("kt_stype_api99", "api99", NA, 3914069, "apipop schools by type; total api99")

## ---- apiclus2 (districts, then schools within districts; fpc1 districts, fpc2 schools of the district)
raw <- read.csv(file.path(KIT, "apiclus2.csv"), colClasses = "character", na.strings = NULL)
raw$hi99 <- ifelse(as.numeric(raw$api99) >= 700, "yes", "no")
write_rows(raw, "data/apiclus2_cal2.csv")
KIT <- "data"
c2 <- read_ds("apiclus2_cal2")
KIT <- "../data"
c2_d <- svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = c2)
c2_spec <- c(weight = "pw", psu = "dnum", fpc = "fpc1", fpc_type = "popsize", psu2 = "snum", fpc2 = "fpc2")
## (hi99's proportion only where hi99 is not calibrated: else its SE is rounding noise)
c2_suite <- function(kind, key, domain, prop = TRUE) {
  case_mt(kind, key, "mean", "api00")
  case_mt(kind, key, "total", "api_stu")
  case_ratio(kind, key, "api00", "api99")
  if (prop) case_ciprop(kind, key, "hi99", "yes")
  case_mt(kind, key, "mean", "api00", domain = domain)
  case_mt(kind, key, "total", "api_stu", domain = domain)
}

d <- postStratify(c2_d, ~stype, pm("kt_stype", "stype"))
calibrated("KT_apiclus2_ps", "apiclus2_cal2", c2_spec, d,
           "method=poststratify;base=apiclus2_2stage;pop=kt_stype;vars=stype",
           "postStratify(~stype) of the two-stage apiclus2 design")
c2_suite("calib_poststratify", "KT_apiclus2_ps", "hi99:yes")

margins <- list(~stype, ~hi99)
popm <- list(pm("kt_stype_hi99", "stype"), pm("kt_stype_hi99", "hi99"))
d <- rake(c2_d, margins, popm, control = list(maxit = 100, epsilon = 1e-10))
calibrated("KT_apiclus2_rake", "apiclus2_cal2", c2_spec, d,
           "method=rake;base=apiclus2_2stage;pop=kt_stype_hi99;vars=stype+hi99;control=maxit=100;epsilon=1e-10",
           "rake(~stype, ~hi99) of the two-stage apiclus2 design, converged")
c2_suite("calib_rake", "KT_apiclus2_rake", "stype:E", prop = FALSE)

pop_sh <- c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, hi99yes = 2033)
d <- calibrate(c2_d, ~stype + hi99, population = pop_sh, calfun = "raking")
calibrated("KT_apiclus2_raking", "apiclus2_cal2", c2_spec, d,
           "method=raking;base=apiclus2_2stage;pop=kt_stype_hi99;vars=stype+hi99;control=maxit=50;epsilon=1e-07",
           "calibrate(~stype + hi99, calfun = 'raking') of the two-stage apiclus2 design")
c2_suite("calib_raking", "KT_apiclus2_raking", "stype:E", prop = FALSE)

d <- calibrate(c2_d, ~stype + api99, population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069))
calibrated("KT_apiclus2_linear_api99", "apiclus2_cal2", c2_spec, d,
           "method=linear;base=apiclus2_2stage;pop=kt_stype_api99;vars=stype+api99",
           "calibrate(~stype + api99) (linear, a numeric auxiliary) of the two-stage apiclus2 design")
c2_suite("calib_linear", "KT_apiclus2_linear_api99", "stype:E")

## ---- twostage_gen (make_twostage.R): strata, fpc and fpc2 as counts or fractions, poststratified on g
KIT <- "data"
gen <- read_ds("twostage_gen")
KIT <- "../data"
gen_ok <- gen[gen$single == "no", ]
base <- svydesign(ids = ~psu + ssu, strata = ~st, fpc = ~N1 + M2, weights = ~w, data = gen_ok, nest = TRUE)
tg <- round(1.1 * coef(svytotal(~g, base)))
add_pop("kt_gen_g", "g", c("a", "b", "c"), as.numeric(tg), "1.1 x the estimated totals of g in twostage_gen, rounded")
gen_case <- function(kind, key) {
  case_mt(kind, key, "mean", "z")
  case_mt(kind, key, "total", "z")
  case_ratio(kind, key, "z", "M2")
  case_mt(kind, key, "mean", "z", domain = "cat2:x")
}
for (v in list(c("count", "N1", "M2", "popsize"), c("frac", "f1", "f2", "fraction"))) {
  des <- svydesign(ids = ~psu + ssu, strata = ~st, fpc = as.formula(paste0("~", v[2], "+", v[3])),
                   weights = ~w, data = gen_ok, nest = TRUE)
  d <- postStratify(des, ~g, pm("kt_gen_g", "g"))
  key <- paste0("KT_ts_", v[1], "_ps")
  calibrated(key, "twostage_gen", c(weight = "w", strata = "st", psu = "psu", fpc = v[2], fpc_type = v[4],
                                    psu2 = "ssu", fpc2 = v[3]), d,
             "method=poststratify;base=ts_count;pop=kt_gen_g;vars=g",
             paste0("postStratify(~g) of make_twostage.R's stratified two-stage sample (fpc ", v[4], ")"))
  DROWS[[length(DROWS)]]["subset"] <- "single:no"
  gen_case("calib_poststratify", key)
}
## PSU 23 has one sampled second-stage unit: R's lonely rules at the second stage, on residualised values
for (lp in c("adjust", "average", "certainty")) {
  options(survey.lonely.psu = lp)
  des <- svydesign(ids = ~psu + ssu, strata = ~st, fpc = ~N1 + M2, weights = ~w, data = gen, nest = TRUE)
  d <- postStratify(des, ~g, pm("kt_gen_g", "g"))
  key <- paste0("KT_ts_single_", lp, "_ps")
  calibrated(key, "twostage_gen", c(weight = "w", strata = "st", psu = "psu", fpc = "N1", fpc_type = "popsize",
                                    psu2 = "ssu", fpc2 = "M2"), d,
             "method=poststratify;base=ts_single_fail;pop=kt_gen_g;vars=g",
             paste0("postStratify(~g); PSU 23 has one sampled second-stage unit; survey.lonely_psu = ", lp))
  DROWS[[length(DROWS)]]["lonely_psu"] <- lp
  case_mt("calib_poststratify", key, "mean", "z")
  case_mt("calib_poststratify", key, "total", "z")
}
options(survey.lonely.psu = "fail")

## ---- quantiles (svyquantile: Woodruff's P is the calibrated mean of I(y <= q), its SE the two-stage
## variance of the residualised scores)
case_quantile <- function(kind, key, var, p, qrule = "math", interval_type = "mean", domain = NULL) {
  des <- D[[key]]; m <- mask_of(des$variables, domain)
  sub <- if (all(m)) des else subset(des, m)
  r <- svyquantile(as.formula(paste0("~", var)), sub, quantiles = p, ci = TRUE, qrule = qrule,
                   interval.type = interval_type)[[var]]
  dg <- degf(sub)
  args <- paste0("p=", p, ";qrule=", qrule, ";interval_type=", interval_type, ";conf_level=0.95",
                 if (!is.null(domain)) paste0(";domain=", domain) else "")
  add_case(kind, key, "quantile", var, args, r[1, 1], r[1, 4], r[1, 2], r[1, 3], dg,
           extra = kv(degf = dg, n = sum(weights(sub, "sampling") != 0),
                      se_rule = "(ci_upper-ci_lower)/(2*qt(1-alpha/2,degf))"))
}
case_quantile("calib_poststratify", "KT_apiclus2_ps", "api00", 0.5)
case_quantile("calib_poststratify", "KT_apiclus2_ps", "api00", 0.25, interval_type = "xlogit", domain = "hi99:yes")
case_quantile("calib_rake", "KT_apiclus2_rake", "api99", 0.5, qrule = "school", interval_type = "beta")
case_quantile("calib_linear", "KT_apiclus2_linear_api99", "api00", 0.75)
case_quantile("calib_linear", "KT_apiclus2_linear_api99", "api00", 0.5, interval_type = "score", domain = "stype:E")
case_quantile("calib_poststratify", "KT_ts_count_ps", "z", 0.5)
case_quantile("calib_poststratify", "KT_ts_frac_ps", "z", 0.9, interval_type = "asin", domain = "cat2:x")

## ---- domains and tables (svyby, svychisq: make_calib_domain.R's case functions): each total's
## residualised scores with the two-stage variance, the first stage over the PSUs, the second within them
use_defs("make_calib_domain.R", c("case_by", "case_chisq"))
case_by("calib_poststratify", "KT_apiclus2_ps", "by_mean", "api00", "hi99")
case_by("calib_rake", "KT_apiclus2_rake", "by_total", "api_stu", "stype")
case_by("calib_raking", "KT_apiclus2_raking", "by_mean", "api99", "stype")
case_by("calib_linear", "KT_apiclus2_linear_api99", "by_mean", "api00", "hi99", domain = "stype:E")
case_chisq("calib_poststratify", "KT_apiclus2_ps", "stype", "hi99", "F")
case_chisq("calib_linear", "KT_apiclus2_linear_api99", "stype", "hi99", "Chisq")

## ---- write
nd <- write_designs("designs_calib_twostage.csv")
nc <- write_cases("cases_calib_twostage.csv", "KT%02d")
write_pop(POP, "populations_calib_twostage.csv")
cat(sprintf("%d designs, %d cases\n", nd, nc))
