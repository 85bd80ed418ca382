## make_twostage.R -- oracle cases of two-stage designs (svy_design psu2 / fpc2,
## SPEC section 12): R's multistage variance, svydesign(ids = ~psu + psu2,
## fpc = ~fpc + fpc2) with survey.ultimate.cluster = FALSE (survey 4.1.1).
##
## Run:  cd test/oracle/extra && Rscript make_twostage.R
##
## Writes data/twostage_gen.csv (a generated stratified two-stage sample),
## designs_twostage.csv and cases_twostage.csv (case ids T0001..), in the
## formats of the kit (../README.md) and of make_extra.R (README.md here).
## The helpers (case_mt, case_by, case_quantile, case_chisq, ...) are the
## function definitions of make_extra.R, evaluated without running it.

suppressPackageStartupMessages({
  library(stats); library(utils); library(methods); library(survey)
})
options(survey.lonely.psu = "fail", warn = 1, stringsAsFactors = FALSE,
        survey.ultimate.cluster = FALSE)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

## the helpers of make_extra.R: its function definitions and its stores
for (e in parse("make_extra.R")) {
  if (is.call(e) && identical(e[[1]], as.name("<-")) && is.name(e[[2]]) &&
      ((is.call(e[[3]]) && identical(e[[3]][[1]], as.name("function"))) ||
       as.character(e[[2]]) %in% c("KIT", "DCOLS", "CASES", "DROWS", "D", "DS", "LONELY")))
    eval(e, globalenv())
}

## ------------------------------------------------------------ data
## 3 strata of PSUs (population N_h: 8, 10 and 2, the last one a census),
## 2-4 sampled second-stage units per PSU out of M_i, 1-4 rows per unit.
## PSU 23 of stratum B has a single second-stage unit (column single = yes).
set.seed(20261204)
strata <- data.frame(st = c("A", "B", "C"), n = c(3, 4, 2), N = c(8, 10, 2))
rows <- list(); id <- 0
for (h in seq_len(nrow(strata))) {
  for (j in seq_len(strata$n[h])) {
    p <- 10 * h + j
    m <- if (p == 23) 1 else sample(2:4, 1)
    M <- m + sample(0:6, 1)
    if (p == 23) M <- 4
    if (p == 11) M <- m                 # a PSU whose units are all sampled
    for (u in seq_len(m)) {
      k <- sample(1:4, 1)
      for (r in seq_len(k)) {
        id <- id + 1
        y <- round(50 + 3 * h + 2 * j + rnorm(1, 0, 6), 2)
        rows[[id]] <- data.frame(
          id = id, st = strata$st[h], psu = p, ssu = u,
          N1 = strata$N[h], f1 = strata$n[h] / strata$N[h], M2 = M, f2 = m / M,
          w = (strata$N[h] / strata$n[h]) * (M / m), y = y,
          z = round(10 + abs(rnorm(1, 0, 3)), 2),
          g = c("a", "b", "c")[1 + (id %% 3)],
          item = as.integer(y > 55), cat2 = c("x", "y")[1 + ((id + p) %% 2)],
          single = if (p == 23) "yes" else "no")
      }
    }
  }
}
gen <- do.call(rbind, rows)
gen$y[gen$id %% 17 == 0] <- NA           # missing answers
write_csv(gen, "data/twostage_gen.csv")

## ------------------------------------------------------------ designs
## a two-stage Taylor design registered like make_extra.R's taylor()
taylor2 <- function(key, dataset, weight, strata = "", psu, fpc, fpc_type,
                    psu2, fpc2, lonely = "fail", subset = "", note = "",
                    register = TRUE) {
  df <- read_ds(dataset)
  if (subset != "") df <- df[dom_mask(df, subset), , drop = FALSE]
  des <- svydesign(ids = as.formula(paste0("~", psu, "+", psu2)),
                   strata = if (strata == "") NULL else as.formula(paste0("~", strata)),
                   fpc = as.formula(paste0("~", fpc, "+", fpc2)),
                   weights = as.formula(paste0("~", weight)), data = df, nest = TRUE)
  D[[key]] <<- des; DS[[key]] <<- dataset; LONELY[[key]] <<- lonely
  if (register) {
    r <- setNames(rep("", length(DCOLS)), DCOLS)
    r[c("design", "dataset", "subset", "type", "weight", "strata", "psu", "fpc",
        "fpc_type", "psu2", "fpc2", "nest", "lonely_psu", "degf", "note")] <-
      c(key, dataset, subset, "taylor", weight, strata, psu, fpc, fpc_type, psu2,
        fpc2, "TRUE", lonely, as.character(degf(des)), note)
    DROWS[[length(DROWS) + 1]] <<- r
  }
  invisible(des)
}

## the kit's apiclus2 design on apiclus2 + enrcat (data/apiclus2_ext.csv of make_extra.R)
taylor2("apiclus2_ext_2stage", "apiclus2_ext", "pw", psu = "dnum", fpc = "fpc1",
        fpc_type = "popsize", psu2 = "snum", fpc2 = "fpc2",
        note = "apiclus2_2stage on apiclus2_ext (enrcat: enroll in 3 classes, empty where enroll is)")
taylor2("ts_count", "twostage_gen", "w", "st", "psu", "N1", "popsize", "ssu", "M2",
        subset = "single:no",
        note = "stratified two-stage, fpc and fpc2 as population counts; stratum C a census at stage 1, PSU 11 at stage 2")
taylor2("ts_frac", "twostage_gen", "w", "st", "psu", "f1", "fraction", "ssu", "f2",
        subset = "single:no", note = "ts_count with fpc and fpc2 as sampling fractions")
for (lp in c("fail", "remove", "certainty", "adjust", "average"))
  taylor2(paste0("ts_single_", lp), "twostage_gen", "w", "st", "psu", "N1", "popsize",
          "ssu", "M2", lonely = lp,
          note = paste0("PSU 23 has one sampled second-stage unit of 4; survey.lonely_psu = ", lp))

## ------------------------------------------------------------ cases
K <- "multistage"
## apiclus2 (kit data): domains, svy_by, proportion, ratio, quantile, Rao-Scott
A2 <- "apiclus2_ext_2stage"
case_mt(K, A2, "mean", "api00", domain = "stype:E")
case_mt(K, A2, "total", "enroll", domain = "stype:H|M", na_rm = TRUE)
case_mt(K, A2, "mean", "enrcat", na_rm = TRUE)
case_by(K, A2, "by_mean", "api00", "stype")
case_by(K, A2, "by_total", "enroll", "enrcat")
case_ciprop(K, A2, "stype", "E", "logit")
case_ciprop(K, A2, "stype", "E", "beta")
case_ratio(K, A2, "api_stu", "enroll")
case_quantile(K, A2, "api00", c(0.25, 0.5), qrule = "math")
case_quantile(K, A2, "api00", c(0.5), qrule = "school")
case_chisq(K, A2, "stype", "enrcat", "F")
case_chisq(K, A2, "stype", "enrcat", "Chisq")

## generated stratified sample, counts and fractions
for (k in c("ts_count", "ts_frac")) {
  case_mt(K, k, "mean", "y", na_rm = TRUE)
  case_mt(K, k, "total", "y", na_rm = TRUE)
  case_mt(K, k, "mean", "y", domain = "g:a", na_rm = TRUE)
  case_mt(K, k, "mean", "cat2")
  case_by(K, k, "by_mean", "y", "g")
  case_by(K, k, "by_total", "z", "g")
  case_ciprop(K, k, "item", "1", "logit")
  case_ciprop(K, k, "item", "1", "mean")
  case_ratio(K, k, "y", "z")
  case_quantile(K, k, "y", c(0.5), qrule = "math")
  case_quantile(K, k, "z", c(0.25, 0.75), qrule = "hf7")
  case_chisq(K, k, "g", "cat2", "F")
}
## a PSU with one second-stage unit, under each lonely rule
for (lp in c("fail", "remove", "certainty", "adjust", "average")) {
  k <- paste0("ts_single_", lp)
  case_mt(K, k, "mean", "z")
  case_mt(K, k, "total", "z", domain = "g:b")
  if (lp != "fail") case_by(K, k, "by_mean", "z", "g")   # case_by has no error case
}

## ------------------------------------------------------------ write
dd <- as.data.frame(do.call(rbind, DROWS), stringsAsFactors = FALSE)[, DCOLS]
con <- file("designs_twostage.csv", "wb")
writeLines(c(paste(DCOLS, collapse = ","), do.call(paste, c(lapply(dd, csvq), sep = ","))), con, sep = "\n")
close(con)
cc <- as.data.frame(do.call(rbind, CASES), stringsAsFactors = FALSE)
cc <- cbind(case_id = sprintf("T%04d", seq_len(nrow(cc))), cc)
con <- file("cases_twostage.csv", "wb")
writeLines(c(paste(names(cc), collapse = ","), do.call(paste, c(lapply(cc, csvq), sep = ","))), con, sep = "\n")
close(con)
cat(sprintf("%d designs, %d cases\n", nrow(dd), nrow(cc)))
print(table(cc$design, cc$statistic))
