## make_corners.R -- oracle cases for the corners of issue 16 (survey 4.1.1):
##   - survey.lonely.psu = "average" with domains (strata lonely in the design
##     with and without rows in the domain),
##   - Rao-Scott tests on replicate designs (JKn with a row variable that has
##     missing values; bootstrap), statistics F, Chisq, Wald, adjWald,
##   - every qrule x interval.type of svyquantile on tied data, replicate
##     "quantile" intervals, p near 0 and 1.
##
## Run:  cd test/oracle/extra && Rscript make_corners.R
##
## Writes data/corners.csv, repweights/corners_{jkn,boot}.csv,
## designs_corners.csv and cases_corners.csv (ids C0001...).  Deterministic.
## The helpers (CSV writing, designs, case builders) are those of make_extra.R:
## its helper section (everything before "## 0. kit designs") is evaluated here
## so that both scripts write exactly the same formats.

src <- readLines("make_extra.R")
end <- grep("^## 0\\. kit designs", src)
stopifnot(length(end) == 1)
eval(parse(text = src[seq_len(end - 2)]))

## ---------------------------------------------------------------- data
## 8 strata: s1 and s2 have one PSU (lonely); s3..s8 have 2-4 PSUs.
## country A / B: s2 and s3 only B; s1 mixed; the others mixed.
## y: integers 1..9 (many ties, unequal weights); z: continuous, missing on
## some rows; r: 3 categories with missing values; g: 2 categories.
set.seed(20261204)
npsu <- c(s1 = 1, s2 = 1, s3 = 3, s4 = 2, s5 = 4, s6 = 3, s7 = 2, s8 = 3)
rows <- list(); id <- 0
for (h in names(npsu)) for (j in seq_len(npsu[[h]])) {
  m <- sample(4:7, 1)
  id <- id + seq_len(m)
  cty <- if (h %in% c("s2", "s3")) rep("B", m) else sample(c("A", "B"), m, replace = TRUE)
  if (h == "s1") cty[1] <- "A"
  rows[[length(rows) + 1]] <- data.frame(
    id = id, stratum = h, psu = paste0(h, "p", j), country = cty,
    w = round(runif(m, 5, 40), 1), y = sample(1:9, m, replace = TRUE),
    z = round(rnorm(m, 50 + 3 * j, 10), 2),
    r = sample(c("r1", "r2", "r3"), m, replace = TRUE, prob = c(0.5, 0.3, 0.2)),
    g = sample(c("g1", "g2"), m, replace = TRUE))
  id <- max(id)
}
cd <- do.call(rbind, rows)
cd$z[seq(5, nrow(cd), by = 11)] <- NA
cd$r[seq(3, nrow(cd), by = 9)] <- NA
## wq: a weight equal on the rows of one y value (ties of equal weight)
cd$wq <- 6 + 2.5 * cd$y
write_csv(cd, "data/corners.csv")

## ---------------------------------------------------------------- designs
taylor("corners_avg", "corners", "w", "stratum", "psu", lonely = "average",
       note = "8 strata, s1 and s2 lonely (s2 only country B), s3 only country B")
taylor("corners_adj", "corners", "w", "stratum", "psu", lonely = "adjust",
       note = "as corners_avg, lonely adjust")
taylor("corners_rem", "corners", "w", "stratum", "psu", lonely = "remove",
       note = "as corners_avg, lonely remove")
taylor("corners_strat", "corners", "w", "stratum", "psu", subset = "stratum:s3|s4|s5|s6|s7|s8",
       note = "strata s3..s8 (no lonely strata)")
taylor("corners_q", "corners", "wq", "stratum", "psu", subset = "stratum:s3|s4|s5|s6|s7|s8",
       note = "as corners_strat with weight wq (equal within a value of y)")
set.seed(20261205)
local({
  j <- as.svrepdesign(D$corners_strat, type = "JKn", compress = FALSE)
  repdesign("corners_jkn", "corners", j, "JKn", FALSE, strata = "stratum", psu = "psu", nest = TRUE,
            note = "as.svrepdesign(corners_strat, type='JKn')")
  jm <- as.svrepdesign(D$corners_strat, type = "JKn", compress = FALSE, mse = TRUE)
  repdesign("corners_jkn_mse", "corners", jm, "JKn", TRUE, file_key = "corners_jkn",
            strata = "stratum", psu = "psu", nest = TRUE, write = FALSE, note = "as corners_jkn, mse=TRUE")
  b <- as.svrepdesign(D$corners_strat, type = "bootstrap", replicates = 40, compress = FALSE)
  repdesign("corners_boot", "corners", b, "bootstrap", FALSE, strata = "stratum", psu = "psu", nest = TRUE,
            note = "as.svrepdesign(corners_strat, type='bootstrap', replicates=40) after set.seed(20261205)")
  bm <- svrepdesign(data = b$variables, repweights = as.matrix(b$repweights), weights = b$pweights,
                    type = "bootstrap", scale = b$scale, rscales = b$rscales,
                    combined.weights = FALSE, mse = TRUE)
  repdesign("corners_boot_mse", "corners", bm, "bootstrap", TRUE, file_key = "corners_boot",
            strata = "stratum", psu = "psu", nest = TRUE, write = FALSE, note = "as corners_boot, mse=TRUE")
})

## ---------------------------------------------------------------- 1. lonely average with domains
for (k in c("corners_avg", "corners_adj", "corners_rem")) {
  for (v in c("y", "z")) {
    case_mt("lonely", k, "mean", v, na_rm = TRUE)
    for (dom in c("country:A", "country:B", "stratum:s1|s4|s5", "stratum:s2|s3&country:B"))
      case_mt("lonely", k, "mean", v, domain = dom, na_rm = TRUE)
    case_mt("lonely", k, "total", v, domain = "country:A", na_rm = TRUE)
  }
  case_by("lonely", k, "by_mean", "y", "country")
  case_by("lonely", k, "by_mean", "z", "g")
}

## ---------------------------------------------------------------- 2. Rao-Scott on replicate designs
## R's svychisq.svyrep.design; Pearson X2 and the Delta summaries from the
## Taylor helper are not defined for replicate designs, so extra holds
## p_value, ndf, ddf / chisq_df only.
case_chisq_rep <- function(kind, key, rows, cols, statistic, note = "") {
  des <- D[[key]]
  args <- args_str(statistic = statistic)
  r <- tryCatch(svychisq(as.formula(paste0("~", rows, "+", cols)), des, statistic = statistic),
                error = function(e) e)
  if (inherits(r, "error")) {
    add_error(kind, DS[[key]], key, "chisq", paste0(rows, "*", cols), args, r); return()
  }
  par <- r$parameter
  ndf <- if ("ndf" %in% names(par)) as.numeric(par["ndf"]) else NULL
  ddf <- if ("ddf" %in% names(par)) as.numeric(par["ddf"]) else NULL
  cdf <- if ("df" %in% names(par)) as.numeric(par["df"]) else NULL
  add_case(kind, DS[[key]], key, "chisq", paste0(rows, "*", cols), args,
           estimate = as.numeric(r$statistic), df = if (is.null(ddf)) NA else ddf,
           extra = kv(p_value = r$p.value, ndf = ndf, ddf = ddf, chisq_df = cdf), note = note)
}
for (st in c("F", "Chisq", "Wald", "adjWald")) {
  for (k in c("corners_jkn", "corners_jkn_mse", "corners_boot", "corners_boot_mse")) {
    case_chisq_rep("chisq", k, "r", "g", st, note = "3x2, r missing on some rows")
    case_chisq_rep("chisq", k, "r", "country", st, note = "3x2, r missing on some rows")
    case_chisq_rep("chisq", k, "g", "country", st, note = "2x2, no missing")
  }
  case_chisq("chisq", "corners_strat", "r", "g", st, note = "Taylor, r missing on some rows")
}

## ---------------------------------------------------------------- 3./4. quantiles on tied data
## one svyquantile call per probability: R fails the whole call when one
## probability's score interval fails (uniroot), the SQL only that one
case_quantile1 <- function(kind, key, var, probs, ...)
  for (p in probs) case_quantile(kind, key, var, p, ...)
## math, school, hf1-hf3 depend on the cumulative weights at the ends of runs
## of ties only; hf4-hf9 and shahvaish on the weights of the rows next to a
## run's ends, i.e. on the row order within ties when tied rows differ in
## weight (which an SQL aggregate cannot see): those rules run on corners_q,
## whose tied rows have equal weights.
QR <- c("math", "school", "shahvaish", paste0("hf", 1:9))
IT <- c("mean", "beta", "xlogit", "asin", "score")
for (qr in QR[QR %in% c("math", "school", "hf1", "hf2", "hf3")]) for (it in IT)
  case_quantile1("quantile", "corners_strat", "y", c(0.25, 0.5, 0.9), qrule = qr, interval_type = it)
for (qr in QR) for (it in IT)
  case_quantile1("quantile", "corners_q", "y", c(0.25, 0.5, 0.9), qrule = qr, interval_type = it)
for (qr in c("math", "hf4", "hf7", "shahvaish")) for (it in c("mean", "beta", "score"))
  case_quantile1("quantile", "corners_strat", "z", c(0.5), qrule = qr, interval_type = it,
                domain = "country:A")
for (qr in c("math", "hf7")) for (it in c("mean", "xlogit"))
  case_quantile1("quantile", "corners_q", "y", c(0.02, 0.98), qrule = qr, interval_type = it)
for (k in c("corners_jkn", "corners_boot", "corners_boot_mse"))
  for (qr in c("math", "school", "hf6", "hf7", "shahvaish"))
    for (it in c("mean", "beta", "quantile"))
      case_quantile1("rep", k, if (qr %in% c("math", "school")) "y" else "z", c(0.25, 0.5, 0.9),
                    qrule = qr, interval_type = it)
case_quantile1("rep", "corners_jkn", "z", c(0.02, 0.5, 0.98), qrule = "hf7", interval_type = "quantile")
case_quantile1("rep", "corners_jkn", "z", c(0.5), qrule = "hf7", interval_type = "quantile", domain = "country:A")
case_quantile1("rep", "corners_boot", "y", c(0.5), qrule = "math", interval_type = "quantile", domain = "country:B")
for (k in c("corners_jkn", "corners_boot_mse"))
  case_chisq_rep("chisq", k, "r", "g", "saddlepoint", note = "3x2, r missing on some rows")

## ---------------------------------------------------------------- 5. lonely average: categories
## svymean(~factor) and svychisq: all categories are one domain (one
## nstrat / nokstrat), unlike svyby's groups
for (k in c("corners_avg", "corners_adj")) {
  case_mt("lonely", k, "mean", "r", na_rm = TRUE)
  case_mt("lonely", k, "mean", "r", domain = "country:A", na_rm = TRUE)
  case_mt("lonely", k, "total", "r", domain = "stratum:s1|s2|s3|s4", na_rm = TRUE)
  for (st in c("F", "Chisq")) case_chisq("chisq", k, "r", "g", st, note = "lonely strata s1, s2")
}

## ---------------------------------------------------------------- write
dd <- as.data.frame(do.call(rbind, DROWS), stringsAsFactors = FALSE)[, DCOLS]
con <- file("designs_corners.csv", "wb")
writeLines(c(paste(DCOLS, collapse = ","), do.call(paste, c(lapply(dd, csvq), sep = ","))), con, sep = "\n")
close(con)
cc <- as.data.frame(do.call(rbind, CASES), stringsAsFactors = FALSE)
rt <- setNames(dd$rep_type, dd$design)
i <- cc$kind == "rep"
cc$kind[i] <- paste0("rep_", c(JKn = "jkn", bootstrap = "boot")[rt[cc$design[i]]])
cc <- cbind(case_id = sprintf("C%04d", seq_len(nrow(cc))), cc)
con <- file("cases_corners.csv", "wb")
writeLines(c(paste(names(cc), collapse = ","), do.call(paste, c(lapply(cc, csvq), sep = ","))), con, sep = "\n")
close(con)
cat(sprintf("%d designs, %d cases\n", nrow(dd), nrow(cc)))
print(table(cc$kind, cc$statistic))
