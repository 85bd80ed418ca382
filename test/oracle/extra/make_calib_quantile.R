## make_calib_quantile.R -- extra oracle cases: svyquantile on calibrated designs (SPEC §9, kit README
## §7.7 and §7.14).
##
## Run:  cd test/oracle/extra && Rscript make_calib_quantile.R      (R 4.2.2, survey 4.1.1)
##
## Evaluates the definitions of make_calib.R (calib_helpers.R, populations; everything
## before its first design) without running it, and writes in the kit's formats:
##   designs_calib_quantile.csv      calibrated designs KQ_* (the K_* designs of make_calib.R are reused)
##   cases_calib_quantile.csv        cases KQ001.. (kinds calib_poststratify, calib_rake, calib_linear)
##   calweights/KQ_*.csv             the calibrated weights of the new designs
## svyquantile(~y, cal, p, ci = TRUE): the CDF of the calibrated weights; Woodruff's interval uses the
## SE of the calibrated mean of I(y <= q), i.e. the indicator residualised against the calibration.
## One svyquantile call per probability (R fails the whole call when one fails).

exprs <- parse("make_calib.R", keep.source = FALSE)
first <- which(vapply(exprs, function(e) grepl("read_ds(\"apiclus1\")", paste(deparse(e), collapse = ""),
                                                fixed = TRUE), TRUE))[1]
for (e in exprs[seq_len(first - 1)]) eval(e, globalenv())

## the K_* designs of make_calib.R that the cases reuse (same calibration, same keys)
reuse <- function(key, dataset, des) { D[[key]] <<- des; DS[[key]] <<- dataset }

case_quantile <- function(kind, key, var, p, qrule = "math", interval_type = "mean", level = 0.95,
                          domain = NULL) {
  des <- D[[key]]; m <- mask_of(des$variables, domain)
  sub <- if (all(m)) des else subset(des, m)
  na_rm <- any(is.na(des$variables[[var]]))
  r <- svyquantile(as.formula(paste0("~", var)), sub, quantiles = p, ci = TRUE, qrule = qrule,
                   interval.type = interval_type, alpha = 1 - level, na.rm = na_rm)[[var]]
  ## df and n of the design svyquantile uses: na.rm drops the rows without a value (R: design[nas == 0, ])
  if (na_rm) sub <- sub[!is.na(sub$variables[[var]]), ]
  dg <- degf(sub)
  args <- paste0("p=", p, ";qrule=", qrule, ";interval_type=", interval_type, ";conf_level=", level,
                 if (!is.null(domain)) paste0(";domain=", domain) else "", if (na_rm) ";na_rm=TRUE" else "")
  add_case(kind, key, "quantile", var, args, r[1, 1], r[1, 4], r[1, 2], r[1, 3], dg,
           extra = kv(degf = dg, n = sum(weights(sub, "sampling") != 0),
                      se_rule = "(ci_upper-ci_lower)/(2*qt(1-alpha/2,degf))"))
}
probs <- function(kind, key, var, ...) for (p in c(0.25, 0.5, 0.9)) case_quantile(kind, key, var, p, ...)

clus <- read_ds("apiclus1")
clus_d <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = clus)
clus_spec <- c(weight = "pw", psu = "dnum", fpc = "fpc", fpc_type = "popsize")

## ---- poststratified: apiclus1 (PSUs) and apisrs (no PSUs, K_apisrs_ps_stype)
d <- postStratify(clus_d, ~stype, pm("calib_stype", "stype"))
calibrated("KQ_apiclus1_ps_stype", "apiclus1", clus_spec, d,
           "method=poststratify;base=apiclus1_clus;pop=calib_stype;vars=stype",
           "postStratify on stype of a one-stage cluster sample (quantiles)")
probs("calib_poststratify", "KQ_apiclus1_ps_stype", "api00")
probs("calib_poststratify", "KQ_apiclus1_ps_stype", "api00", domain = "sch_wide:Yes")
case_quantile("calib_poststratify", "KQ_apiclus1_ps_stype", "api00", 0.5, qrule = "school")
case_quantile("calib_poststratify", "KQ_apiclus1_ps_stype", "api00", 0.5, qrule = "hf7")
case_quantile("calib_poststratify", "KQ_apiclus1_ps_stype", "api00", 0.5, interval_type = "xlogit")
case_quantile("calib_poststratify", "KQ_apiclus1_ps_stype", "api00", 0.5, interval_type = "asin")
case_quantile("calib_poststratify", "KQ_apiclus1_ps_stype", "api00", 0.5, interval_type = "beta")
case_quantile("calib_poststratify", "KQ_apiclus1_ps_stype", "api00", 0.5, interval_type = "score")
case_quantile("calib_poststratify", "KQ_apiclus1_ps_stype", "enroll", 0.5, level = 0.9)

srs <- read_ds("apisrs")
reuse("K_apisrs_ps_stype", "apisrs",
      postStratify(svydesign(ids = ~1, weights = ~pw, fpc = ~fpc, data = srs), ~stype, pm("calib_stype", "stype")))
probs("calib_poststratify", "K_apisrs_ps_stype", "api00")
probs("calib_poststratify", "K_apisrs_ps_stype", "api00", domain = "awards:Yes")
case_quantile("calib_poststratify", "K_apisrs_ps_stype", "api00", 0.5, interval_type = "beta")
## beta's n_eff uses nrow(design): a domain of a calibrated design keeps every row
case_quantile("calib_poststratify", "K_apisrs_ps_stype", "api00", 0.5, interval_type = "beta", domain = "awards:Yes")
case_quantile("calib_poststratify", "K_apisrs_ps_stype", "api00", 0.5, interval_type = "score")

## ---- raked to stype and sch_wide, converged (K_apiclus1_rake_tight)
reuse("K_apiclus1_rake_tight", "apiclus1",
      rake(clus_d, list(~stype, ~sch_wide), list(pm("calib_stype_schwide", "stype"), pm("calib_stype_schwide", "sch_wide")),
           control = list(maxit = 100, epsilon = 1e-10)))
probs("calib_rake", "K_apiclus1_rake_tight", "api00")
probs("calib_rake", "K_apiclus1_rake_tight", "api00", domain = "stype:E")
case_quantile("calib_rake", "K_apiclus1_rake_tight", "enroll", 0.5, interval_type = "xlogit")

## ---- linear (GREG) on sch_wide and the numeric api99, a design with PSUs
d <- calibrate(clus_d, ~sch_wide + api99, population = c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069))
calibrated("KQ_apiclus1_linear_api99", "apiclus1", clus_spec, d,
           "method=linear;base=apiclus1_clus;pop=calib_schwide_api99;vars=sch_wide+api99;control=closed form",
           "GREG on sch_wide and the numeric api99 of a one-stage cluster sample (quantiles)")
probs("calib_linear", "KQ_apiclus1_linear_api99", "api00")
probs("calib_linear", "KQ_apiclus1_linear_api99", "api00", domain = "stype:H|M")
case_quantile("calib_linear", "KQ_apiclus1_linear_api99", "enroll", 0.5, qrule = "school", interval_type = "asin")

## ---- the same on a stratified design whose PSUs are its rows (psu => id): the form of
## K_apistrat_linear_api99 (no PSUs) that the SQL takes for quantiles with a numeric auxiliary
strat <- read_ds("apistrat")
d <- calibrate(svydesign(ids = ~id, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat), ~sch_wide + api99,
               population = c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069))
calibrated("KQ_apistrat_linear_api99_rows", "apistrat",
           c(weight = "pw", strata = "stype", psu = "id", fpc = "fpc", fpc_type = "popsize"), d,
           "method=linear;base=apistrat_strat;pop=calib_schwide_api99;vars=sch_wide+api99;control=closed form",
           "GREG on sch_wide and api99, strata with every row its own PSU (quantiles)")
probs("calib_linear", "KQ_apistrat_linear_api99_rows", "api00")
case_quantile("calib_linear", "KQ_apistrat_linear_api99_rows", "api00", 0.5, domain = "stype:E", interval_type = "beta")

## ---- and without PSUs (K_apistrat_linear_api99 of make_calib.R, R's ids = ~1): the SQL gives every row
## a PSU of its own, the same design, so these equal the cases of KQ_apistrat_linear_api99_rows
reuse("K_apistrat_linear_api99", "apistrat",
      calibrate(svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = strat), ~sch_wide + api99,
                population = c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069)))
probs("calib_linear", "K_apistrat_linear_api99", "api00")
case_quantile("calib_linear", "K_apistrat_linear_api99", "api00", 0.5, domain = "stype:E", interval_type = "beta")
case_quantile("calib_linear", "K_apistrat_linear_api99", "enroll", 0.5, qrule = "school", interval_type = "xlogit")
case_quantile("calib_linear", "K_apistrat_linear_api99", "api00", 0.5, interval_type = "score")

## ---- the score interval on domains: R's x is every row of the calibrated design (its IQR, range and
## unweighted shares), the domain's rows only weigh
case_quantile("calib_poststratify", "KQ_apiclus1_ps_stype", "api00", 0.5, interval_type = "score", domain = "sch_wide:Yes")
case_quantile("calib_poststratify", "K_apisrs_ps_stype", "api00", 0.5, qrule = "hf7", interval_type = "score", domain = "awards:Yes")
case_quantile("calib_rake", "K_apiclus1_rake_tight", "api00", 0.25, interval_type = "score", domain = "stype:E")
case_quantile("calib_linear", "KQ_apiclus1_linear_api99", "api00", 0.5, interval_type = "score", domain = "stype:H|M")
case_quantile("calib_linear", "K_apistrat_linear_api99", "api00", 0.75, qrule = "school", interval_type = "score", domain = "stype:E")

## ---- NULL outcomes (apiclus2's 6 rows without enroll; make_glm_calib.R's GC_apiclus2_ps_stype): R's
## na.rm = TRUE keeps those rows in a calibrated design with x = 0, which the score interval's values count
reuse("GC_apiclus2_ps_stype", "apiclus2",
      postStratify(svydesign(ids = ~dnum, weights = ~pw, data = read_ds("apiclus2")), ~stype, pm("calib_stype", "stype")))
case_quantile("calib_poststratify", "GC_apiclus2_ps_stype", "enroll", 0.5)
case_quantile("calib_poststratify", "GC_apiclus2_ps_stype", "enroll", 0.5, interval_type = "score")
case_quantile("calib_poststratify", "GC_apiclus2_ps_stype", "enroll", 0.25, interval_type = "score", domain = "stype:E")

## ---- write
nd <- write_designs("designs_calib_quantile.csv")
nc <- write_cases("cases_calib_quantile.csv", "KQ%03d")
cat(sprintf("%d designs, %d cases\n", nd, nc))
