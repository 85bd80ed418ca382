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

suppressPackageStartupMessages({ library(survey) })
options(survey.lonely.psu = "fail", warn = 1, stringsAsFactors = FALSE)

KIT <- "../data"
num15 <- function(x) unname(ifelse(is.na(x), "", sprintf("%.15g", as.numeric(x))))
num17 <- function(x) sprintf("%.17g", as.numeric(x))
csvq <- function(s) { s <- as.character(s); s[is.na(s)] <- ""
  ifelse(grepl('[,"\n]', s), paste0('"', gsub('"', '""', s), '"'), s) }
write_rows <- function(df, path) {
  con <- file(path, "wb")
  writeLines(c(paste(names(df), collapse = ","), do.call(paste, c(lapply(df, csvq), sep = ","))), con, sep = "\n")
  close(con)
}
read_ds <- function(name) {
  df <- read.csv(file.path(KIT, paste0(name, ".csv")), na.strings = "", stringsAsFactors = FALSE)
  for (v in names(df)) if (is.character(df[[v]]))
    df[[v]] <- factor(df[[v]], levels = sort(unique(na.omit(df[[v]])), method = "radix"))
  df
}
kv <- function(...) { l <- list(...); l <- l[!vapply(l, is.null, TRUE)]
  paste(vapply(names(l), function(k) paste0(k, "=", if (is.numeric(l[[k]])) num15(l[[k]]) else l[[k]]), ""), collapse = ";") }
tq <- function(df) qt(0.975, df)

## population margins (apipop of the survey package), variables in calibration order
POP <- data.frame(pop_key = character(), variable = character(), level = character(), value = numeric(), note = character())
add_pop <- function(key, variable, level, value, note)
  POP <<- rbind(POP, data.frame(pop_key = key, variable = variable, level = level, value = value, note = note))
add_pop("calib_stype_schwide", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type and by sch.wide")
add_pop("calib_stype_schwide", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by type and by sch.wide")
add_pop("calib_schwide_api99", "sch_wide", c("No", "Yes"), c(1072, 5122), "apipop schools by sch.wide and total api99")
add_pop("calib_schwide_api99", "api99", NA, 3914069, "apipop schools by sch.wide and total api99")
add_pop("calib_stype", "stype", c("E", "H", "M"), c(4421, 755, 1018), "apipop schools by type")
pm <- function(key, var) { p <- POP[POP$pop_key == key & POP$variable == var, ]
  d <- data.frame(factor(p$level), p$value); names(d) <- c(var, "Freq"); d }

DCOLS <- c("design", "dataset", "subset", "type", "weight", "strata", "psu", "fpc", "fpc_type", "psu2",
           "fpc2", "nest", "lonely_psu", "degf", "rep_file", "rep_type", "n_rep", "scale", "rscales", "rho",
           "mse", "calibration", "calib_file", "note")
DROWS <- list(); CASES <- list(); D <- list(); DS <- list()

calibrated <- function(key, dataset, base, spec, des, calibration, note) {
  D[[key]] <<- des; DS[[key]] <<- dataset
  r <- setNames(rep("", length(DCOLS)), DCOLS)
  r[names(spec)] <- spec
  r[c("design", "dataset", "type", "nest", "lonely_psu", "degf", "calibration", "calib_file", "note")] <-
    c(key, dataset, "calibrated", "FALSE", "fail", as.character(degf(des)), calibration,
      paste0("calweights/", key, ".csv"), note)
  DROWS[[length(DROWS) + 1]] <<- r
  w <- data.frame(id = des$variables$id, weight = num17(weights(des)))
  write_rows(w, file.path("calweights", paste0(key, ".csv")))
}

add_case <- function(kind, key, statistic, variable, args, est, se, lo, hi, df, deff = NA, extra = "", level = "", note = "")
  CASES[[length(CASES) + 1]] <<- c(kind = kind, dataset = DS[[key]], design = key, statistic = statistic,
    variable = variable, args = args, level = level, estimate = num15(est), se = num15(se),
    ci_lower = num15(lo), ci_upper = num15(hi), df = num15(df), deff = num15(deff), extra = extra, note = note)

mask_of <- function(df, domain) {
  if (is.null(domain)) return(rep(TRUE, nrow(df)))
  p <- strsplit(domain, ":", fixed = TRUE)[[1]]
  as.character(df[[p[1]]]) %in% strsplit(p[2], "|", fixed = TRUE)[[1]]
}
case_mt <- function(kind, key, stat, var, domain = NULL) {
  des <- D[[key]]; m <- mask_of(des$variables, domain)
  sub <- if (all(m)) des else subset(des, m)
  r <- if (stat == "mean") svymean(as.formula(paste0("~", var)), sub, deff = TRUE)
       else svytotal(as.formula(paste0("~", var)), sub, deff = TRUE)
  e <- coef(r); s <- SE(r); dg <- degf(sub); w <- weights(sub); n <- sum(w != 0)
  add_case(kind, key, stat, var, paste0(if (!is.null(domain)) paste0("domain=", domain, ";") else "",
                                        "deff=TRUE;ci_df=degf;conf_level=0.95"),
           e, s, e - tq(dg) * s, e + tq(dg) * s, dg, deff(r),
           kv(degf = dg, n = n, sum_w = sum(w), n_eff = if (stat == "mean") n / deff(r) else NULL))
}
case_ciprop <- function(kind, key, var, event, method = "logit", domain = NULL) {
  des <- D[[key]]; m <- mask_of(des$variables, domain)
  sub <- if (all(m)) des else subset(des, m)
  f <- as.formula(paste0("~I(", var, " == '", event, "')"))
  r <- svyciprop(f, sub, method = method, df = degf(sub))
  ci <- confint(r); dg <- degf(sub); n <- sum(weights(sub) != 0)
  add_case(kind, key, "ciprop", var, paste0("event=", event, ";method=", method, ";conf_level=0.95;",
                                            if (!is.null(domain)) paste0("domain=", domain, ";") else "", "na_rm=TRUE"),
           coef(r), SE(r), ci[1], ci[2], dg, extra = kv(degf = dg, nrow = n, n = n, ci_dist = "t(degf)"))
}
case_ratio <- function(kind, key, num, den) {
  des <- D[[key]]
  r <- svyratio(as.formula(paste0("~", num)), as.formula(paste0("~", den)), des, deff = TRUE)
  e <- as.numeric(coef(r)); s <- as.numeric(SE(r)); dg <- degf(des)
  add_case(kind, key, "ratio", paste0(num, "/", den), "deff=TRUE;ci_df=degf;conf_level=0.95",
           e, s, e - tq(dg) * s, e + tq(dg) * s, dg, as.numeric(deff(r)), kv(degf = dg, n = nrow(des$variables)))
}
suite <- function(kind, key, domain) {
  case_mt(kind, key, "mean", "api00")
  case_mt(kind, key, "total", "enroll")
  case_ciprop(kind, key, "awards", "Yes")
  case_ciprop(kind, key, "awards", "Yes", method = "beta")
  case_ratio(kind, key, "api00", "api99")
  case_mt(kind, key, "mean", "api00", domain = domain)
  case_mt(kind, key, "total", "enroll", domain = domain)
  case_ciprop(kind, key, "awards", "Yes", domain = domain)
}

## ---- apiclus1 (one-stage cluster sample of districts): rake and raking to stype and sch_wide
clus <- read_ds("apiclus1")
clus_d <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus)
clus_spec <- c(weight = "pw", psu = "dnum", fpc = "fpc", fpc_type = "popsize")
margins <- list(~stype, ~sch_wide)
popm <- list(pm("calib_stype_schwide", "stype"), pm("calib_stype_schwide", "sch_wide"))

d <- withCallingHandlers(rake(clus_d, margins, popm), warning = function(w) stop("rake did not converge"))
calibrated("K_apiclus1_rake", "apiclus1", "apiclus1_clus", clus_spec, d,
           "method=rake;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=10;epsilon=1",
           "rake with R's default control (stops when the joint table moves by < 1)")
suite("calib_rake", "K_apiclus1_rake", "stype:H|M")

d <- rake(clus_d, margins, popm, control = list(maxit = 100, epsilon = 1e-10))
calibrated("K_apiclus1_rake_tight", "apiclus1", "apiclus1_clus", clus_spec, d,
           "method=rake;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=100;epsilon=1e-10",
           "rake converged (epsilon 1e-10 relative to the sum of weights)")
suite("calib_rake", "K_apiclus1_rake_tight", "sch_wide:Yes")

d <- calibrate(clus_d, ~stype + sch_wide, population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch_wideYes = 5122),
               calfun = "raking")
calibrated("K_apiclus1_raking", "apiclus1", "apiclus1_clus", clus_spec, d,
           "method=raking;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=50;epsilon=1e-07",
           "calibrate(calfun = 'raking'): exp(x'lambda), Newton")
suite("calib_raking", "K_apiclus1_raking", "stype:E")

d <- calibrate(clus_d, ~stype + sch_wide, population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, sch_wideYes = 5122),
               calfun = "logit", bounds = c(0.7, 1.7))
calibrated("K_apiclus1_logit", "apiclus1", "apiclus1_clus", clus_spec, d,
           "method=logit;base=apiclus1_clus;pop=calib_stype_schwide;vars=stype+sch_wide;control=maxit=50;epsilon=1e-07;bounds=0.7,1.7",
           "calibrate(calfun = 'logit', bounds = c(0.7, 1.7)): the upper bound binds (raking reaches g = 1.98)")
suite("calib_logit", "K_apiclus1_logit", "stype:E")

## ---- apistrat (stratified by stype, no PSUs): linear with a numeric auxiliary (api99)
strat <- read_ds("apistrat")
strat_d <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat)
d <- calibrate(strat_d, ~sch_wide + api99, population = c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069))
calibrated("K_apistrat_linear_api99", "apistrat", "apistrat_strat",
           c(weight = "pw", strata = "stype", fpc = "fpc", fpc_type = "popsize"), d,
           "method=linear;base=apistrat_strat;pop=calib_schwide_api99;vars=sch_wide+api99;control=closed form",
           "GREG on sch_wide and the numeric api99, strata without PSUs")
suite("calib_linear", "K_apistrat_linear_api99", "stype:M")

## ---- apisrs: poststratify on stype, with domains
srs <- read_ds("apisrs")
srs_d <- svydesign(ids = ~1, weights = ~pw, fpc = ~fpc, data = srs)
d <- postStratify(srs_d, ~stype, pm("calib_stype", "stype"))
calibrated("K_apisrs_ps_stype", "apisrs", "apisrs_fpc", c(weight = "pw", fpc = "fpc", fpc_type = "popsize"), d,
           "method=poststratify;base=apisrs_fpc;pop=calib_stype;vars=stype",
           "postStratify on stype of a simple random sample; domains keep every row in the calibration")
suite("calib_poststratify", "K_apisrs_ps_stype", "awards:Yes")
case_mt("calib_poststratify", "K_apisrs_ps_stype", "mean", "enroll", domain = "stype:H")

## ---- write
dd <- as.data.frame(do.call(rbind, DROWS), stringsAsFactors = FALSE)[, DCOLS]
write_rows(dd, "designs_calib.csv")
cc <- as.data.frame(do.call(rbind, CASES), stringsAsFactors = FALSE)
cc <- cbind(case_id = sprintf("K%04d", seq_len(nrow(cc))), cc)
write_rows(cc, "cases_calib.csv")
POP$value <- num15(POP$value)
write_rows(POP, "populations_calib.csv")
cat(sprintf("%d designs, %d cases\n", nrow(dd), nrow(cc)))
