## make_calib_domain.R -- extra oracle cases: domains and tables on calibrated designs
## (SPEC §9, issue 10; kit README §7.14): svyby, svymean(~factor) and svychisq on designs made by
## postStratify, rake (converged) and calibrate (linear, with a numeric auxiliary).
##
## Run:  cd test/oracle/extra && Rscript make_calib_domain.R   (R 4.2.2, survey 4.1.1, MASS)
##
## Sources calib_helpers.R (read_ds, calibrated, add_case, csv writers, POP) and writes, in the kit's
## formats:
##   designs_calib_domain.csv      calibrated designs KD_* (kit §7.15 calibration column)
##   cases_calib_domain.csv        cases KD001.. (kinds calib_poststratify, calib_rake, calib_linear)
##   populations_calib_domain.csv  the margins (apipop)
##   calweights/<design>.csv       R's calibrated weights
## The statistics: by_mean / by_total (svyby, each group a domain that keeps every row in the
## calibration), mean of a factor (one row per level: svy_dist), chisq (svychisq, Rao-Scott).

source("calib_helpers.R")
add_pop("cd_stype", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type")
add_pop("cd_stype_schwide", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type and by sch.wide")
add_pop("cd_stype_schwide", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by type and by sch.wide")
add_pop("cd_schwide", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by sch.wide")
add_pop("cd_schwide_api99", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by sch.wide and total api99")
add_pop("cd_schwide_api99", "api99", NA, 3914069, "apipop schools by sch.wide and total api99")
add_pop("cd_stype_api99", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type and total api99")
add_pop("cd_stype_api99", "api99", NA, 3914069, "apipop schools by type and total api99")

## svyby(~var, ~by, design [domain], svymean|svytotal): one row per group, the group's degf
case_by <- function(kind, key, stat, var, by, domain = NULL) {
  des <- D[[key]]; m <- mask_of(des$variables, domain)
  sub <- if (all(m)) des else subset(des, m)
  FUN <- if (stat == "by_mean") svymean else svytotal
  r <- svyby(as.formula(paste0("~", var)), as.formula(paste0("~", by)), sub, FUN)
  est <- coef(r); se <- SE(r); g <- as.character(r[[by]])
  for (i in seq_along(est)) {
    gs <- subset(sub, as.character(sub$variables[[by]]) == g[i])
    dg <- degf(gs)
    add_case(kind, key, stat, var,
             paste0("by=", by, ";", if (!is.null(domain)) paste0("domain=", domain, ";") else "",
                    "ci_df=degf_group;conf_level=0.95"),
             est[i], se[i], est[i] - tq(dg) * se[i], est[i] + tq(dg) * se[i], dg,
             extra = kv(degf_group = dg, degf_full = degf(des), n = sum(weights(gs, "sampling") != 0)), level = g[i])
  }
}
## svymean(~factor) or svytotal(~factor): one row per level (SQL: svy_dist, and the level indicator)
case_levels <- function(kind, key, stat, var, domain = NULL) {
  des <- D[[key]]; m <- mask_of(des$variables, domain)
  sub <- if (all(m)) des else subset(des, m)
  r <- if (stat == "mean") svymean(as.formula(paste0("~", var)), sub) else svytotal(as.formula(paste0("~", var)), sub)
  dg <- degf(sub)
  for (i in seq_along(coef(r))) {
    e <- coef(r)[i]; s <- SE(r)[i]
    add_case(kind, key, stat, var, paste0(if (!is.null(domain)) paste0("domain=", domain, ";") else "",
                                          "ci_df=degf;conf_level=0.95"),
             e, s, e - tq(dg) * s, e + tq(dg) * s, dg, extra = kv(degf = dg, n = sum(weights(sub, "sampling") != 0)),
             level = sub("^.*?(E|H|M|No|Yes)$", "\\1", names(coef(r))[i]))
  }
}
## svychisq(~rows + cols, design, statistic): Rao-Scott
case_chisq <- function(kind, key, rows, cols, statistic) {
  r <- svychisq(as.formula(paste0("~", rows, "+", cols)), D[[key]], statistic = statistic)
  par <- r$parameter
  ndf <- if ("ndf" %in% names(par)) as.numeric(par["ndf"]) else NULL
  ddf <- if ("ddf" %in% names(par)) as.numeric(par["ddf"]) else NULL
  cdf <- if ("df" %in% names(par)) as.numeric(par["df"]) else NULL
  add_case(kind, key, "chisq", paste0(rows, "*", cols), paste0("statistic=", statistic),
           as.numeric(r$statistic), NA, NA, NA, if (is.null(ddf)) NA else ddf,
           extra = kv(p_value = r$p.value, ndf = ndf, ddf = ddf, chisq_df = cdf))
}

clus <- read_ds("apiclus1")
clus_d <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus)
clus_spec <- c(weight = "pw", psu = "dnum", fpc = "fpc", fpc_type = "popsize")

## ---- poststratify (one-stage cluster sample): svyby, svyby in a domain, factor distribution
d <- postStratify(clus_d, ~stype, pm("cd_stype", "stype"))
calibrated("KD_apiclus1_ps", "apiclus1", clus_spec, d,
           "method=poststratify;base=apiclus1_clus;pop=cd_stype;vars=stype",
           "postStratify on stype of a cluster sample (domains and tables)")
case_by("calib_poststratify", "KD_apiclus1_ps", "by_mean", "api00", "awards")
case_by("calib_poststratify", "KD_apiclus1_ps", "by_total", "enroll", "awards")
case_by("calib_poststratify", "KD_apiclus1_ps", "by_mean", "api00", "stype")
case_by("calib_poststratify", "KD_apiclus1_ps", "by_mean", "api00", "awards", domain = "sch_wide:Yes")
case_levels("calib_poststratify", "KD_apiclus1_ps", "mean", "awards")
case_levels("calib_poststratify", "KD_apiclus1_ps", "total", "sch_wide")
case_levels("calib_poststratify", "KD_apiclus1_ps", "mean", "awards", domain = "stype:E")
case_chisq("calib_poststratify", "KD_apiclus1_ps", "sch_wide", "awards", "F")

## ---- poststratify, stratified sample without PSUs (each row its own PSU)
strat <- read_ds("apistrat")
strat_d <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
d <- postStratify(strat_d, ~sch_wide, pm("cd_schwide", "sch_wide"))
calibrated("KD_apistrat_ps", "apistrat",
           c(weight = "pw", strata = "stype", fpc = "fpc", fpc_type = "popsize"), d,
           "method=poststratify;base=apistrat_strat;pop=cd_schwide;vars=sch_wide",
           "postStratify on sch_wide of a stratified sample without PSUs")
case_by("calib_poststratify", "KD_apistrat_ps", "by_mean", "api00", "awards")
case_by("calib_poststratify", "KD_apistrat_ps", "by_total", "enroll", "stype")
case_levels("calib_poststratify", "KD_apistrat_ps", "mean", "awards")
case_chisq("calib_poststratify", "KD_apistrat_ps", "stype", "awards", "F")

## ---- rake, converged, on stype and sch_wide: svyby and Rao-Scott
d <- rake(clus_d, list(~stype, ~sch_wide),
          list(pm("cd_stype_schwide", "stype"), pm("cd_stype_schwide", "sch_wide")),
          control = list(maxit = 100, epsilon = 1e-10))
calibrated("KD_apiclus1_rake", "apiclus1", clus_spec, d,
           "method=rake;base=apiclus1_clus;pop=cd_stype_schwide;vars=stype+sch_wide;control=maxit=100;epsilon=1e-10",
           "rake converged (epsilon 1e-10 relative to the sum of weights)")
case_by("calib_rake", "KD_apiclus1_rake", "by_mean", "api00", "awards")
case_by("calib_rake", "KD_apiclus1_rake", "by_total", "enroll", "stype")
case_levels("calib_rake", "KD_apiclus1_rake", "mean", "awards")
case_chisq("calib_rake", "KD_apiclus1_rake", "sch_wide", "awards", "F")
case_chisq("calib_rake", "KD_apiclus1_rake", "sch_wide", "awards", "Chisq")
case_chisq("calib_rake", "KD_apiclus1_rake", "stype", "awards", "F")

## ---- linear with a numeric auxiliary (api99) and stype
d <- calibrate(clus_d, ~stype + api99, population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069))
calibrated("KD_apiclus1_linear", "apiclus1", clus_spec, d,
           "method=linear;base=apiclus1_clus;pop=cd_stype_api99;vars=stype+api99;control=closed form",
           "GREG on stype and the numeric api99, cluster sample")
case_by("calib_linear", "KD_apiclus1_linear", "by_mean", "api00", "awards")
case_by("calib_linear", "KD_apiclus1_linear", "by_total", "enroll", "sch_wide")
case_levels("calib_linear", "KD_apiclus1_linear", "mean", "awards")
case_chisq("calib_linear", "KD_apiclus1_linear", "sch_wide", "awards", "F")

## ---- linear with a numeric auxiliary on strata without PSUs
d <- calibrate(strat_d, ~sch_wide + api99, population = c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069))
calibrated("KD_apistrat_linear", "apistrat",
           c(weight = "pw", strata = "stype", fpc = "fpc", fpc_type = "popsize"), d,
           "method=linear;base=apistrat_strat;pop=cd_schwide_api99;vars=sch_wide+api99;control=closed form",
           "GREG on sch_wide and the numeric api99, strata without PSUs (each row its own PSU)")
case_by("calib_linear", "KD_apistrat_linear", "by_mean", "api00", "awards")
case_by("calib_linear", "KD_apistrat_linear", "by_total", "enroll", "stype")
case_levels("calib_linear", "KD_apistrat_linear", "mean", "awards")
case_chisq("calib_linear", "KD_apistrat_linear", "stype", "awards", "F")

## ---- five numeric auxiliaries on strata without PSUs: more than the per-stratum moments the SQL keeps
## (4), so the SQL makes every row a PSU of its own, the same design (R's ids = ~1 and ids = ~id agree)
KIT <- "data"
ext <- read_ds("apistrat_ext")
KIT <- "../data"
ext_d <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = ext)
tot5 <- round(1.02 * coef(svytotal(~api99 + enroll + api_stu + meals + q5, ext_d)))
add_pop("cd_schwide_num5", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by sch.wide; 1.02 x the estimated totals of five numeric variables, rounded")
for (v in names(tot5)) add_pop("cd_schwide_num5", v, NA, tot5[[v]], "1.02 x the estimated total, rounded")
d <- calibrate(ext_d, ~sch_wide + api99 + enroll + api_stu + meals + q5,
               population = c(`(Intercept)` = 6194, sch_wideYes = 5122, tot5))
calibrated("KD_apistrat_linear5", "apistrat_ext",
           c(weight = "pw", strata = "stype", fpc = "fpc", fpc_type = "popsize"), d,
           "method=linear;base=apistrat_strat;pop=cd_schwide_num5;vars=sch_wide+api99+enroll+api_stu+meals+q5;control=closed form",
           "GREG on sch_wide and five numeric variables, strata without PSUs (each row its own PSU)")
case_by("calib_linear", "KD_apistrat_linear5", "by_mean", "api00", "awards")
case_by("calib_linear", "KD_apistrat_linear5", "by_total", "api00", "stype")
case_chisq("calib_linear", "KD_apistrat_linear5", "stype", "awards", "F")

## ---- write
nd <- write_designs("designs_calib_domain.csv")
nc <- write_cases("cases_calib_domain.csv", "KD%03d")
write_pop(POP, "populations_calib_domain.csv")
cat(sprintf("%d designs, %d cases\n", nd, nc))
