## make_calib_rescale.R -- extra oracle cases for calibration method rescale (SPEC §9 extension, kit
## README §7.14 "rescale", kind calib_rescale): w_i N_g / sum_g w within one categorical variable, the
## factor a fixed constant, so the variance is the plain variance of the new weights (no residuals).
##
## Run:  cd test/oracle/extra && Rscript make_calib_rescale.R      (R 4.2.2, survey 4.1.1)
##
## R has no rescale method: the weights are computed here and the design is R's ordinary one with them
## (svydesign(weights = <rescaled>), and for a replicate base svrepdesign(weights = <rescaled>, the
## base's multipliers, combined.weights = FALSE): every replicate keeps the full sample's factors).
## Reads the kit data (../data/*.csv), the kit's JK1 multipliers (../repweights/apiclus1_jk1.csv) and
## the margins of make_calib.R / make_calib_rep.R (populations_calib*.csv, which the driver loads), and
## writes:
##   designs_calib_rescale.csv   designs KS_* (type calibrated, method=rescale;...;control=fixed factor)
##   cases_calib_rescale.csv     cases KS001.. (kind calib_rescale): linear estimators, glm, quantiles,
##                               svyby, svychisq
##   calweights/KS_*.csv         the rescaled weights (id, weight)
## The first cases pair a rescaled apisrs with make_calib.R's post-stratified K_apisrs_ps_stype on the
## same table: the same estimates, the rescaled ones with the larger SE (no residualisation).

source("calib_helpers.R")
POP <- rbind(read.csv("populations_calib.csv", na.strings = "", stringsAsFactors = FALSE),
             read.csv("populations_calib_rep.csv", na.strings = "", stringsAsFactors = FALSE))

## the rescaled weights: w N_g / sum_g w over the rows of level g of var
rescaled <- function(df, w, key, var) {
  p <- pm(key, var)
  g <- as.character(df[[var]])
  N <- setNames(p$Freq, as.character(p[[var]]))
  stopifnot(setequal(unique(g), names(N)))
  w * N[g] / ave(w, g, FUN = sum)
}
cal_text <- function(base, key, var) sprintf("method=rescale;base=%s;pop=%s;vars=%s;control=fixed factor", base, key, var)

## case writers of the other generators, their definitions evaluated alone: make_calib_quantile.R's
## case_quantile(), make_calib_domain.R's case_by(), case_levels() and case_chisq()
use_defs("make_calib_quantile.R", "case_quantile")
use_defs("make_calib_domain.R", c("case_by", "case_levels", "case_chisq"))

## svyglm coefficient rows (kit §6.2 glm), as glm_helpers.R's model() writes them
case_glm <- function(kind, key, family, y, x, factors = list(), event = NULL, domain = NULL, note = "") {
  des <- D[[key]]
  v <- des$variables
  yy <- if (is.null(event)) v[[y]] else as.numeric(as.character(v[[y]]) == event)
  des <- update(des, .y = yy)
  for (f in names(factors)) des$variables[[f]] <- factor(as.character(des$variables[[f]]), levels = factors[[f]])
  if (!is.null(domain)) des <- subset(des, mask_of(des$variables, domain))
  fam <- switch(family, gaussian = gaussian(), quasibinomial = quasibinomial())
  m <- svyglm(as.formula(paste(".y ~", paste(x, collapse = " + "))), design = des, family = fam)
  cf <- coef(m); se <- SE(m); dfr <- m$df.residual
  args <- kv(family = family, y = y, event = event, x = paste(x, collapse = "+"),
             factors = if (length(factors)) paste(vapply(names(factors), function(f)
               paste0(f, ":", paste(factors[[f]], collapse = "|")), ""), collapse = "&") else NULL,
             domain = domain)
  for (k in seq_along(cf)) {
    t <- cf[k] / se[k]
    add_case(kind, key, "glm", names(cf)[k], paste0(args, ";conf_level=0.95"), cf[k], se[k],
             cf[k] - qt(0.975, dfr) * se[k], cf[k] + qt(0.975, dfr) * se[k], dfr,
             extra = paste(c(paste0("t=", num17(t)), paste0("p_value=", num17(2 * pt(-abs(t), dfr))),
                             paste0("family=", family), paste0("formula=", y, "~", paste(x, collapse = "+")),
                             paste0("columns=", paste(names(cf), collapse = "|")),
                             paste0("degf=", degf(m$survey.design)),
                             paste0("n=", sum(weights(m$survey.design, "sampling") != 0))), collapse = ";"),
             note = note)
  }
}

## ---- apisrs rescaled to stype, paired with make_calib.R's post-stratified K_apisrs_ps_stype
srs <- read_ds("apisrs")
srs$wr <- rescaled(srs, srs$pw, "calib_stype", "stype")
d <- svydesign(ids = ~1, weights = ~wr, fpc = ~fpc, data = srs)
calibrated("KS_apisrs_rescale_stype", "apisrs", c(weight = "pw", fpc = "fpc", fpc_type = "popsize"), d,
           cal_text("apisrs_fpc", "calib_stype", "stype"),
           "apisrs rescaled to the stype counts: the weights of K_apisrs_ps_stype, the plain variance")
D$K_apisrs_ps_stype <- postStratify(svydesign(ids = ~1, weights = ~pw, fpc = ~fpc, data = srs), ~stype,
                                    pm("calib_stype", "stype"))
DS$K_apisrs_ps_stype <- "apisrs"
stopifnot(isTRUE(all.equal(weights(d), weights(D$K_apisrs_ps_stype), tolerance = 1e-13, check.attributes = FALSE)))
for (key in c("KS_apisrs_rescale_stype", "K_apisrs_ps_stype")) {
  kind <- if (key == "K_apisrs_ps_stype") "calib_poststratify" else "calib_rescale"
  case_mt(kind, key, "mean", "api00")
  case_mt(kind, key, "total", "enroll")
}
n <- length(CASES)
for (i in 1:2) {  # the pair: same estimate, the rescaled SE larger
  a <- CASES[[i]]; b <- CASES[[i + 2]]
  stopifnot(abs(as.numeric(a["estimate"]) / as.numeric(b["estimate"]) - 1) < 1e-12,
            as.numeric(a["se"]) > as.numeric(b["se"]))
}
case_ciprop("calib_rescale", "KS_apisrs_rescale_stype", "awards", "Yes")
case_ratio("calib_rescale", "KS_apisrs_rescale_stype", "api00", "api99")
case_mt("calib_rescale", "KS_apisrs_rescale_stype", "mean", "enroll", domain = "stype:H")

## ---- apiclus1 (one-stage cluster sample, fpc): rescaled to stype, levels across PSUs
clus <- read_ds("apiclus1")
clus$wr <- rescaled(clus, clus$pw, "calib_stype", "stype")
d <- svydesign(ids = ~dnum, weights = ~wr, fpc = ~fpc, data = clus)
calibrated("KS_apiclus1_rescale_stype", "apiclus1",
           c(weight = "pw", psu = "dnum", fpc = "fpc", fpc_type = "popsize"), d,
           cal_text("apiclus1_clus", "calib_stype", "stype"),
           "apiclus1 (clusters = districts) rescaled to the stype counts")
suite("calib_rescale", "KS_apiclus1_rescale_stype", "sch_wide:Yes")
case_glm("calib_rescale", "KS_apiclus1_rescale_stype", "gaussian", "api00", c("api99", "stype"),
         factors = list(stype = c("E", "H", "M")), note = "svyglm gaussian on the rescaled design")
case_glm("calib_rescale", "KS_apiclus1_rescale_stype", "quasibinomial", "awards", c("api00"), event = "Yes",
         note = "svyglm quasibinomial on the rescaled design (R's IRLS, kit §6.4)")
case_glm("calib_rescale", "KS_apiclus1_rescale_stype", "quasibinomial", "awards", c("api00"), event = "Yes",
         domain = "stype:E", note = "svyglm quasibinomial in a domain: R's plain design drops the other rows (prior weights' mean)")
case_quantile("calib_rescale", "KS_apiclus1_rescale_stype", "api00", 0.5)
case_quantile("calib_rescale", "KS_apiclus1_rescale_stype", "api00", 0.25, domain = "sch_wide:Yes")
case_quantile("calib_rescale", "KS_apiclus1_rescale_stype", "api00", 0.5, interval_type = "beta", domain = "sch_wide:Yes")
case_quantile("calib_rescale", "KS_apiclus1_rescale_stype", "api00", 0.5, interval_type = "score", domain = "sch_wide:Yes")

## ---- apistrat (strata = stype, no PSUs): rescaled to sch_wide, which cuts across the strata
strat <- read_ds("apistrat")
strat$wr <- rescaled(strat, strat$pw, "calib_schwide", "sch_wide")
d <- svydesign(ids = ~1, strata = ~stype, weights = ~wr, fpc = ~fpc, data = strat)
calibrated("KS_apistrat_rescale_schwide", "apistrat",
           c(weight = "pw", strata = "stype", fpc = "fpc", fpc_type = "popsize"), d,
           cal_text("apistrat_strat", "calib_schwide", "sch_wide"),
           "apistrat (strata, each row its own PSU) rescaled to the sch_wide counts")
suite("calib_rescale", "KS_apistrat_rescale_schwide", "stype:H|M")

## ---- apiclus1 JK1 (the kit's multipliers): rescaled to sch_wide, the replicates keep the factors
jk_scale <- 0.91483927785116681
rw <- read.csv("../repweights/apiclus1_jk1.csv")
stopifnot(all(rw$id == clus$id))
clus$wr <- rescaled(clus, rw$base_weight, "calib_schwide", "sch_wide")
d <- svrepdesign(data = clus, repweights = as.matrix(rw[, -(1:2)]), weights = ~wr, type = "JK1",
                 scale = jk_scale, rscales = 1, combined.weights = FALSE, mse = FALSE)
calibrated("KS_apiclus1_jk1_rescale", "apiclus1",
           c(weight = "base_weight", psu = "dnum", rep_file = "../repweights/apiclus1_jk1.csv", rep_type = "JK1",
             n_rep = "15", scale = num17(jk_scale), rscales = "1", mse = "FALSE"), d,
           cal_text("apiclus1_jk1", "calib_schwide", "sch_wide"),
           "JK1 design rescaled to sch_wide: every replicate keeps the full sample's factors (no per-replicate calibration)")
## svyratio(deff = TRUE) fails on replicate designs in survey 4.1.1: the mean, total and proportions only
case_mt("calib_rescale", "KS_apiclus1_jk1_rescale", "mean", "api00")
case_mt("calib_rescale", "KS_apiclus1_jk1_rescale", "total", "enroll")
case_ciprop("calib_rescale", "KS_apiclus1_jk1_rescale", "awards", "Yes")
case_mt("calib_rescale", "KS_apiclus1_jk1_rescale", "mean", "api00", domain = "stype:H|M")

## ---- domain aggregates and tables (svyby, svymean of a factor, svychisq) on the rescaled designs
case_by("calib_rescale", "KS_apiclus1_rescale_stype", "by_mean", "api00", "awards")
case_by("calib_rescale", "KS_apiclus1_rescale_stype", "by_mean", "api00", "awards", domain = "sch_wide:Yes")
case_levels("calib_rescale", "KS_apiclus1_rescale_stype", "mean", "awards")
case_chisq("calib_rescale", "KS_apiclus1_rescale_stype", "sch_wide", "awards", "F")
case_chisq("calib_rescale", "KS_apiclus1_rescale_stype", "sch_wide", "awards", "Chisq")
case_by("calib_rescale", "KS_apistrat_rescale_schwide", "by_total", "enroll", "stype")

## ---- write
nd <- write_designs("designs_calib_rescale.csv")
nc <- write_cases("cases_calib_rescale.csv", "KS%03d")
cat(sprintf("%d designs, %d cases\n", nd, nc))
