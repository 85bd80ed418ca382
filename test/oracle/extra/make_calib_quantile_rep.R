## make_calib_quantile_rep.R -- extra oracle cases: svyquantile on calibrated replicate designs (SPEC §9,
## kit README §7.7, §7.13 and §7.14 "calib_rep").
##
## Run:  cd test/oracle/extra && Rscript make_calib_quantile_rep.R      (R 4.2.2, survey 4.1.1)
##
## Evaluates make_calib_rep.R (the KR_* designs: JK1 and bootstrap replicate designs of apiclus1,
## poststratified, raked, linear and raking calibrations) without writing anything or computing its
## cases, and writes
##   cases_calib_quantile_rep.csv    cases KQR01.. (kind calib_rep) on the KR_* designs of
##                                   designs_calib_rep.csv and two KN_* designs of designs_calib_numaux.csv
##                                   (raking with a numeric auxiliary; no new designs)
## svyquantile(~y, cal, p, ci = TRUE) on a calibrated svyrep.design: the quantile of the calibrated
## weights; "mean" (Woodruff) takes the replicate SE of the mean of I(y <= q) with every replicate's
## calibrated weights, "quantile" the replicate variance of the replicates' quantiles (rule run on each
## replicate's calibrated weights).  R's svyquantile.svyrep.design ignores beta, xlogit and asin (its
## woodruffCI call passes no method) and has no score interval.  A domain is subset() of the
## calibrated design: its rows keep their calibrated weights (the calibration saw every row).
## One svyquantile call per probability (R fails the whole call when one fails).  svyby of quantiles
## has no SQL form (svy_by takes means and proportions), so there are no by cases.

exprs <- parse("make_calib_rep.R", keep.source = FALSE)
## (its output section starts with write_designs())
stop_at <- which(vapply(exprs, function(e) grepl("write_designs(", paste(deparse(e), collapse = ""), fixed = TRUE),
                        TRUE))[1]
stopifnot(!is.na(stop_at))
## the KR_* designs only: make_calib_rep.R's writes and cases are switched off while it runs
write_rows_real <- NULL
for (e in exprs[seq_len(stop_at - 1)]) {
  s <- paste(deparse(e), collapse = "")
  if (grepl("^suite\\(", s)) next
  eval(e, globalenv())
  if (grepl("^source\\(", s)) {
    write_rows_real <- write_rows
    write_rows <- function(df, path) invisible(NULL)
  }
}
write_rows <- write_rows_real
stopifnot(length(CASES) == 0)

case_quantile <- function(key, var, p, qrule = "math", interval_type = "mean", level = 0.95, domain = NULL) {
  des <- D[[key]]; m <- mask_of(des$variables, domain)
  sub <- if (all(m)) des else subset(des, m)
  r <- suppressWarnings(  # JK1 with interval "quantile": R warns that jackknife SEs of quantiles may be invalid
    svyquantile(as.formula(paste0("~", var)), sub, quantiles = p, ci = TRUE, qrule = qrule,
                interval.type = interval_type, alpha = 1 - level))[[var]]
  dg <- degf(sub)
  args <- paste0("p=", p, ";qrule=", qrule, ";interval_type=", interval_type, ";conf_level=", level,
                 if (!is.null(domain)) paste0(";domain=", domain) else "")
  add_case("calib_rep", key, "quantile", var, args, r[1, 1], r[1, 4], r[1, 2], r[1, 3], dg,
           extra = kv(degf = dg, n = sum(weights(sub, "sampling") != 0),
                      se_rule = "(ci_upper-ci_lower)/(2*qt(1-alpha/2,degf))"))
}
probs <- function(key, var, ...) for (p in c(0.25, 0.5, 0.9)) case_quantile(key, var, p, ...)

## ---- JK1: poststratified
k <- "KR_apiclus1_jk1_ps"
probs(k, "api00")
probs(k, "api00", interval_type = "quantile")
probs(k, "api00", domain = "stype:H|M")
case_quantile(k, "api00", 0.5, interval_type = "quantile", domain = "stype:H|M")
case_quantile(k, "api00", 0.5, qrule = "school")
case_quantile(k, "api00", 0.5, qrule = "hf7", interval_type = "quantile")
case_quantile(k, "enroll", 0.5, qrule = "shahvaish", level = 0.9)
## beta on a replicate design: R's woodruffCI gets no method, so the interval is "mean"'s
case_quantile(k, "api00", 0.5, interval_type = "beta")

## ---- JK1: rake (R's default control and converged), linear with the numeric api99, raking, mse
probs("KR_apiclus1_jk1_rake", "api00")
case_quantile("KR_apiclus1_jk1_rake", "api00", 0.5, interval_type = "quantile", domain = "sch_wide:Yes")
probs("KR_apiclus1_jk1_rake_tight", "api00", interval_type = "quantile")
probs("KR_apiclus1_jk1_linear", "api00")
case_quantile("KR_apiclus1_jk1_linear", "api00", 0.5, interval_type = "quantile")
case_quantile("KR_apiclus1_jk1_linear", "enroll", 0.25, qrule = "hf8", domain = "stype:M")
probs("KR_apiclus1_jk1_raking", "api00", interval_type = "quantile")
case_quantile("KR_apiclus1_jk1_raking", "api00", 0.5, domain = "stype:E")
case_quantile("KR_apiclus1_jk1_logit", "api00", 0.5, interval_type = "quantile")
case_quantile("KR_apiclus1_jk1_mse_linear", "api00", 0.5)
case_quantile("KR_apiclus1_jk1_mse_linear", "api00", 0.5, interval_type = "quantile")

## ---- bootstrap (40 replicates): poststratified, raked (converged), linear
probs("KR_apiclus1_boot_ps", "api00")
probs("KR_apiclus1_boot_ps", "api00", interval_type = "quantile")
case_quantile("KR_apiclus1_boot_ps", "api00", 0.5, interval_type = "quantile", domain = "stype:H|M")
probs("KR_apiclus1_boot_rake_tight", "api00", interval_type = "quantile")
case_quantile("KR_apiclus1_boot_rake_tight", "enroll", 0.5, qrule = "school", domain = "sch_wide:Yes")
probs("KR_apiclus1_boot_linear", "api00")
## (hf4-hf9 and shahvaish read tied rows of unequal weight in R's row order: docs/quantiles.md's caveat,
## which bootstrap multipliers and api99 hit here; hf3 depends only on cumulative weights)
case_quantile("KR_apiclus1_boot_linear", "api00", 0.75, qrule = "hf3", interval_type = "quantile")
case_quantile("KR_apiclus1_boot_linear", "api00", 0.5, domain = "stype:E")

## ---- raking with a numeric auxiliary (make_calib_numaux.R's KN_* replicate designs, rebuilt here the same
## way: apiclus1 + enr100 = round(enroll / 100), calibrate(~stype + enr100, calfun = "raking"); checked
## against their calweights files)
numaux <- function(key, base) {
  des <- calibrate(base, ~stype + enr100, population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018,
                                                         enr100 = 38125), calfun = "raking", compress = FALSE)
  cw <- read.csv(file.path("calweights", paste0(key, ".csv")))
  stopifnot(all(cw$id == des$variables$id),
            isTRUE(all.equal(cw$weight, as.numeric(weights(des, "sampling")), tolerance = 1e-12)))
  D[[key]] <<- des; DS[[key]] <<- "apiclus1_numaux"
}
numaux_clus <- function(des) { des$variables$enr100 <- round(des$variables$enroll / 100); des }
numaux("KN_apiclus1_jk1_raking_enr100", numaux_clus(jk))
numaux("KN_apiclus1_boot_raking_enr100", numaux_clus(bt))
probs("KN_apiclus1_jk1_raking_enr100", "api00", interval_type = "quantile")
case_quantile("KN_apiclus1_jk1_raking_enr100", "api00", 0.5, domain = "stype:E")
probs("KN_apiclus1_boot_raking_enr100", "api00")
case_quantile("KN_apiclus1_boot_raking_enr100", "api00", 0.5, interval_type = "quantile", domain = "stype:H|M")

## ---- a Woodruff limit whose share falls above 1: R's NaN, NULL in SQL
case_quantile("KR_apiclus1_jk1_ps", "api00", 0.99)
case_quantile("KR_apiclus1_boot_linear", "api00", 0.01)

## ---- write
cat(sprintf("%d cases\n", write_cases("cases_calib_quantile_rep.csv", "KQR%02d")))
