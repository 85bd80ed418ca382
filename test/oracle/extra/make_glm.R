## make_glm.R -- extra svyglm / regTermTest oracle cases (kind glm) for the
## `survey` PostgreSQL extension: domains (subset, NA outcomes/predictors),
## every lonely-PSU rule, poisson/binomial families, separation (R's warning
## = an expected error), replicate designs (JK1, bootstrap).
##
## Run:  cd test/oracle/extra && Rscript make_glm.R
## Writes data/apistrat_glm.csv, designs_glm.csv and cases_glm.csv (ids
## G0001...), in the kit's formats (../README.md §4, §6; glm rows §6.2).
## Designs of the kit (../designs.csv) and of designs_extra.csv are reused
## by key.  Deterministic; numbers are computed from the CSVs as read back.

source("glm_helpers.R")
## ---- data: apistrat + a 0/1 outcome that api00 separates completely
a <- read.csv("../data/apistrat.csv", na.strings = "")
a$hi <- as.integer(a$api00 > 700)
out <- a
for (v in names(out)) if (is.numeric(out[[v]])) out[[v]] <- numdat(out[[v]])
con <- file("data/apistrat_glm.csv", "wb")
writeLines(c(paste(names(out), collapse = ","),
             apply(out, 1, function(r) paste(csvq(r), collapse = ","))), con, sep = "\n")
close(con)

## ---- designs
D <- list(); DROWS <- list()

glm_data <- read_ds("apistrat_glm")
D$apistrat_glm_strat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = glm_data)
DROWS[[1]] <- drow(design = "apistrat_glm_strat", dataset = "apistrat_glm", type = "taylor", weight = "pw",
                   strata = "stype", fpc = "fpc", fpc_type = "popsize", nest = "FALSE", lonely_psu = "fail",
                   degf = as.character(degf(D$apistrat_glm_strat)),
                   note = "apistrat_strat on apistrat + hi = (api00 > 700)")
c2 <- read_ds("apiclus2_ext")
D$apiclus2_ext_stype <- svydesign(ids = ~dnum, strata = ~stype, weights = ~pw, data = c2, nest = TRUE)
DROWS[[2]] <- drow(design = "apiclus2_ext_stype", dataset = "apiclus2_ext", type = "taylor", weight = "pw",
                   strata = "stype", psu = "dnum", nest = "TRUE", lonely_psu = "fail",
                   degf = as.character(degf(D$apiclus2_ext_stype)),
                   note = "apiclus2 first stage (districts) stratified by school type; enrcat missing where enroll is")
write_rows(DROWS, DCOLS, "designs_glm.csv")

## designs reused from the kit and designs_extra.csv (same specification as there)
c1 <- read_ds("apiclus1")
for (rule in c("fail", "remove", "certainty", "adjust", "average"))
  D[[paste0("apiclus1_cnum_", rule)]] <- svydesign(ids = ~dnum, strata = ~cnum, weights = ~pw, data = c1, nest = TRUE)
D$apistrat_ext_strat <- svydesign(ids = ~1, strata = ~stype, weights = ~pw, fpc = ~fpc, data = read_ds("apistrat_ext"))
D$apiclus1_clus <- svydesign(ids = ~dnum, weights = ~pw, fpc = ~fpc, data = c1)
rep_design <- function(file, dataset, type, scale, rscales, mse) {
  rw <- read.csv(file)
  df <- read_ds(dataset)
  df <- df[match(rw$id, df$id), ]
  svrepdesign(data = df, repweights = as.matrix(rw[, -(1:2)]), weights = rw$base_weight,
              type = "other", scale = scale, rscales = rscales, mse = mse, combined.weights = FALSE)
}
kd <- read.csv("../designs.csv", na.strings = ""); ed <- read.csv("designs_extra.csv", na.strings = "")
spec <- function(key) { r <- rbind(kd, ed); r[r$design == key, ] }
for (key in c("apiclus1_jk1", "apistrat_boot")) {
  s <- spec(key)
  f <- if (key == "apiclus1_jk1") "../repweights/apiclus1_jk1.csv" else s$rep_file
  rs <- if (grepl("^file:", s$rscales)) read.csv(sub("^file:", "", s$rscales))$rscale else as.numeric(s$rscales)
  D[[key]] <- rep_design(f, s$dataset, s$rep_type, as.numeric(s$scale), rs, isTRUE(as.logical(s$mse)))
}
DSET <- c(apistrat_glm_strat = "apistrat_glm", apiclus2_ext_stype = "apiclus2_ext",
          apistrat_ext_strat = "apistrat_ext", apiclus1_clus = "apiclus1",
          apiclus1_jk1 = "apiclus1", apistrat_boot = "apistrat",
          setNames(rep("apiclus1", 5), paste0("apiclus1_cnum_", c("fail", "remove", "certainty", "adjust", "average"))))
LONELY <- c(apiclus1_cnum_remove = "remove", apiclus1_cnum_certainty = "certainty",
            apiclus1_cnum_adjust = "adjust", apiclus1_cnum_average = "average")

CASE_ID_FORMAT <- "G%04d"
ST <- list(stype = c("E", "H", "M"))
## domains: svy_subset, NA outcomes and predictors
model("apistrat_ext_strat", "gaussian", "api00", c("enroll", "mealcat"), list(mealcat = c("lo", "mid", "hi")),
      domain = "stype:E|M", tests = "mealcat", note = "domain (subset) of a stratified design")
model("apistrat_ext_strat", "quasibinomial", "awards", c("enroll", "mealcat"), list(mealcat = c("lo", "mid", "hi")),
      event = "Yes", domain = "stype:E|M", note = "domain (subset), logistic")
model("apistrat_ext_strat", "gaussian", "q", c("mealcat_na"), list(mealcat_na = c("lo", "mid", "hi")),
      valid = "1..5", tests = "mealcat_na", note = "NA outcomes (skipped, dk) and NA predictor levels leave the fit")
model("apistrat_ext_strat", "quasibinomial", "q", c("enroll", "mealcat_na"), list(mealcat_na = c("lo", "mid", "hi")),
      event = "4|5", tests = "mealcat_na", note = "top-2 box of an item with missing codes, NA predictor")
model("apiclus2_ext_stype", "quasipoisson", "api_stu", c("enrcat"), list(enrcat = c("a_lt300", "b_300_600", "c_gt600")),
      tests = "enrcat", note = "stratified cluster design, NA predictor (enroll missing)")
## lonely PSUs: every rule
for (rule in c("fail", "remove", "certainty", "adjust", "average")) {
  model(paste0("apiclus1_cnum_", rule), "gaussian", "api00", c("enroll"), note = paste("lonely PSUs:", rule))
  model(paste0("apiclus1_cnum_", rule), "quasibinomial", "sch_wide", c("enroll"), event = "Yes",
        note = paste("lonely PSUs:", rule))
}
## families with the canonical links by name
model("apistrat_glm_strat", "poisson", "api_stu", c("api00", "stype"), ST, tests = "stype", note = "poisson, log link")
model("apistrat_glm_strat", "binomial", "sch_wide", c("enroll", "stype"), ST, event = "Yes", note = "binomial, logit link")
model("apiclus1_clus", "poisson", "api_stu", c("api00"), domain = "stype:E", note = "poisson in a domain of a cluster design")
## separation: R warns "fitted probabilities numerically 0 or 1 occurred" -> an error
model("apistrat_glm_strat", "binomial", "hi", c("api00"), note = "complete separation: R warns, SQL raises an error")
model("apistrat_glm_strat", "quasibinomial", "hi", c("api00"),
      note = "complete separation, quasibinomial: R warns only that IRLS did not converge; SQL raises an error")
## replicate designs
model("apiclus1_jk1", "quasibinomial", "sch_wide", c("enroll", "stype"), ST, event = "Yes", tests = "stype",
      note = "JK1 replicate refits")
model("apiclus1_jk1", "gaussian", "api00", c("enroll"), domain = "stype:E|M", note = "JK1, domain")
model("apistrat_boot", "quasipoisson", "api_stu", c("api00", "stype"), ST, tests = "stype", note = "bootstrap replicate refits")
model("apistrat_boot", "gaussian", "api00", c("enroll", "stype"), ST, note = "bootstrap, gaussian")

write_rows(CASES, CCOLS, "cases_glm.csv")
cat(length(CASES), "cases\n")
