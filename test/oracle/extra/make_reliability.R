## make_reliability.R -- oracle cases for issue 16 item 2 / issue 15 item 7:
## a domain of svy_by whose values are all equal (a proportion of exactly 0
## or 1, or a constant outcome) has a standard error of exactly 0 in R.
##
## Run:  cd test/oracle/extra && Rscript make_reliability.R
##
## Reads ../data/apiclus1.csv and ../data/apistrat.csv, writes the derived
## data sets data/apiclus1_const.csv and data/apistrat_const.csv, reads them
## back, and writes designs_reliability.csv / cases_reliability.csv (case ids
## Z0001..) in the formats of designs_extra.csv / cases_extra.csv.

suppressPackageStartupMessages({ library(stats); library(utils); library(survey) })
options(survey.lonely.psu = "fail", warn = 1, stringsAsFactors = FALSE)

num15 <- function(x) { x <- as.numeric(x); ifelse(is.na(x), "", sprintf("%.15g", x)) }
csvq <- function(s) {
  s <- as.character(s); s[is.na(s)] <- ""
  ifelse(grepl('[,"\n]', s), paste0('"', gsub('"', '""', s), '"'), s)
}
write_rows <- function(df, path) {
  con <- file(path, "wb")
  writeLines(c(paste(names(df), collapse = ","), do.call(paste, c(lapply(df, csvq), sep = ","))),
             con, sep = "\n")
  close(con)
}
read_ds <- function(path) {
  df <- read.csv(path, na.strings = "", stringsAsFactors = FALSE)
  for (v in names(df)) if (is.character(df[[v]]))
    df[[v]] <- factor(df[[v]], levels = sort(unique(na.omit(df[[v]])), method = "radix"))
  df
}
tq <- function(level, df) qt(1 - (1 - level) / 2, df)

## derived data: yconst is 612.5 in every high school, else api00;
## bconst is 1 in every elementary school, 0 in every high school, else awards
derive <- function(kit, out) {
  df <- read.csv(file.path("../data", kit), na.strings = "", stringsAsFactors = FALSE)
  df$yconst <- ifelse(df$stype == "H", 612.5, df$api00)
  df$bconst <- ifelse(df$stype == "E", 1, ifelse(df$stype == "H", 0, as.numeric(df$awards == "Yes")))
  for (v in names(df)) if (is.numeric(df[[v]])) df[[v]] <- sprintf("%.17g", df[[v]])
  for (v in names(df)) df[[v]] <- sub("^NA$", "", df[[v]])
  write_rows(df, file.path("data", out))
}
dir.create("data", showWarnings = FALSE)
derive("apiclus1.csv", "apiclus1_const.csv")
derive("apistrat.csv", "apistrat_const.csv")

DCOLS <- c("design", "dataset", "subset", "type", "weight", "strata", "psu",
           "fpc", "fpc_type", "psu2", "fpc2", "nest", "lonely_psu", "degf",
           "rep_file", "rep_type", "n_rep", "scale", "rscales", "rho", "mse",
           "calibration", "calib_file", "note")
DROWS <- list(); CASES <- list()

design <- function(key, dataset, strata, psu, note) {
  df <- read_ds(file.path("data", paste0(dataset, ".csv")))
  des <- svydesign(ids = if (psu == "") ~1 else as.formula(paste0("~", psu)),
                   strata = if (strata == "") NULL else as.formula(paste0("~", strata)),
                   fpc = ~fpc, weights = ~pw, data = df)
  r <- setNames(rep("", length(DCOLS)), DCOLS)
  r[c("design", "dataset", "type", "weight", "strata", "psu", "fpc", "fpc_type", "nest",
      "lonely_psu", "degf", "note")] <-
    c(key, dataset, "taylor", "pw", strata, psu, "fpc", "popsize", "FALSE", "fail",
      as.character(degf(des)), note)
  DROWS[[length(DROWS) + 1]] <<- r
  des
}

by_mean <- function(key, dataset, des, var, by, note) {
  level <- 0.95
  r <- svyby(as.formula(paste0("~", var)), as.formula(paste0("~", by)), des, svymean,
             covmat = TRUE)
  est <- coef(r); se <- SE(r); g <- as.character(r[[by]])
  for (i in seq_along(est)) {
    gd <- des[as.character(des$variables[[by]]) == g[i], ]
    dg <- degf(gd)
    CASES[[length(CASES) + 1]] <<- c(
      kind = "by_mean", dataset = dataset, design = key, statistic = "by_mean",
      variable = var, args = paste0("by=", by, ";ci_df=degf_group;conf_level=", level),
      level = g[i], estimate = num15(est[i]), se = num15(se[i]),
      ci_lower = num15(est[i] - tq(level, dg) * se[i]),
      ci_upper = num15(est[i] + tq(level, dg) * se[i]), df = num15(dg), deff = "",
      extra = paste0("degf_group=", dg, ";degf_full=", degf(des), ";n=", sum(weights(gd) != 0)),
      note = if (se[i] == 0) paste(note, "(constant domain: se exactly 0)") else note)
  }
}

clus <- design("apiclus1_const_clus", "apiclus1_const", "", "dnum",
               "apiclus1_clus on apiclus1 + yconst (612.5 in stype H), bconst (1 in E, 0 in H)")
strat <- design("apistrat_const_strat", "apistrat_const", "stype", "",
                "apistrat_strat on apistrat + yconst (612.5 in stype H), bconst (1 in E, 0 in H)")
by_mean("apiclus1_const_clus", "apiclus1_const", clus, "yconst", "stype", "constant outcome in H")
by_mean("apiclus1_const_clus", "apiclus1_const", clus, "bconst", "stype", "proportion 1 in E, 0 in H")
by_mean("apistrat_const_strat", "apistrat_const", strat, "yconst", "stype", "constant outcome in H")
by_mean("apistrat_const_strat", "apistrat_const", strat, "bconst", "stype", "proportion 1 in E, 0 in H")

dd <- as.data.frame(do.call(rbind, DROWS), stringsAsFactors = FALSE)[, DCOLS]
write_rows(dd, "designs_reliability.csv")
cc <- as.data.frame(do.call(rbind, CASES), stringsAsFactors = FALSE)
cc <- cbind(case_id = sprintf("Z%04d", seq_len(nrow(cc))), cc)
write_rows(cc, "cases_reliability.csv")
cat(sprintf("%d designs, %d cases, %d with se exactly 0\n", nrow(dd), nrow(cc), sum(cc$se == "0")))
