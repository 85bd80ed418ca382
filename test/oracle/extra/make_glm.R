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

suppressPackageStartupMessages({ library(stats); library(utils); library(survey) })
options(survey.lonely.psu = "fail", warn = 1, stringsAsFactors = FALSE)

num17 <- function(x) ifelse(is.na(x), "", sprintf("%.17g", as.numeric(x)))
numdat <- function(x) {
  x <- as.numeric(x); s <- sprintf("%.15g", x)
  bad <- !is.na(x) & suppressWarnings(as.numeric(s)) != x
  s[bad] <- sprintf("%.17g", x[bad]); s[is.na(x)] <- ""; s
}
csvq <- function(s) {
  s <- as.character(s); s[is.na(s)] <- ""
  ifelse(grepl('[,"\n]', s), paste0('"', gsub('"', '""', s), '"'), s)
}
write_rows <- function(rows, cols, path) {
  lines <- c(paste(cols, collapse = ","),
             vapply(rows, function(r) paste(csvq(r[cols]), collapse = ","), ""))
  con <- file(path, "wb"); writeLines(lines, con, sep = "\n"); close(con)
}
read_ds <- function(name) {
  p <- file.path("data", paste0(name, ".csv"))
  if (!file.exists(p)) p <- file.path("../data", paste0(name, ".csv"))
  read.csv(p, na.strings = "", check.names = FALSE)
}

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
DCOLS <- c("design", "dataset", "subset", "type", "weight", "strata", "psu", "fpc", "fpc_type",
           "psu2", "fpc2", "nest", "lonely_psu", "degf", "rep_file", "rep_type", "n_rep", "scale",
           "rscales", "rho", "mse", "calibration", "calib_file", "note")
D <- list(); DROWS <- list()
drow <- function(...) { r <- setNames(rep("", length(DCOLS)), DCOLS); v <- list(...); r[names(v)] <- unlist(v); r }

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

## ---- cases
CCOLS <- c("case_id", "kind", "dataset", "design", "statistic", "variable", "args", "level", "estimate",
           "se", "ci_lower", "ci_upper", "df", "deff", "extra", "note")
CASES <- list()
add <- function(...) {
  r <- setNames(rep("", length(CCOLS)), CCOLS); v <- list(...); r[names(v)] <- unlist(v)
  r["case_id"] <- sprintf("G%04d", length(CASES) + 1); r["kind"] <- "glm"
  CASES[[length(CASES) + 1]] <<- r
}
kv <- function(...) { v <- list(...); v <- v[!vapply(v, is.null, TRUE)]
  paste(paste0(names(v), "=", vapply(v, as.character, "")), collapse = ";") }

## one model: y (with event / valid), predictors x (factors: named list of levels), domain, tests
model <- function(design, family, y, x, factors = list(), event = NULL, valid = NULL, domain = NULL,
                  tests = list(), note = "") {
  des <- D[[design]]
  v <- des$variables
  yy <- v[[y]]
  if (!is.null(valid)) { lim <- as.numeric(strsplit(valid, "..", fixed = TRUE)[[1]])
    yy <- ifelse(!is.na(yy) & yy >= lim[1] & yy <= lim[2], yy, NA) }
  if (!is.null(event)) yy <- ifelse(is.na(yy), NA, as.numeric(as.character(yy) %in% strsplit(event, "|", fixed = TRUE)[[1]]))
  des <- update(des, .y = yy)
  for (f in names(factors)) des$variables[[f]] <- factor(as.character(des$variables[[f]]), levels = factors[[f]])
  if (!is.null(domain)) {
    cond <- rep(TRUE, nrow(des$variables))
    for (part in strsplit(domain, "&", fixed = TRUE)[[1]]) {
      kvp <- strsplit(part, ":", fixed = TRUE)[[1]]
      cond <- cond & as.character(des$variables[[kvp[1]]]) %in% strsplit(kvp[2], "|", fixed = TRUE)[[1]]
    }
    des <- subset(des, cond)
  }
  fam <- switch(family, gaussian = gaussian(), binomial = binomial(), quasibinomial = quasibinomial(),
                poisson = poisson(), quasipoisson = quasipoisson())
  form <- as.formula(paste(".y ~", paste(x, collapse = " + ")))
  args <- kv(family = family, y = y, event = event, valid = valid, x = paste(x, collapse = "+"),
             factors = if (length(factors)) paste(vapply(names(factors), function(f)
               paste0(f, ":", paste(factors[[f]], collapse = "|")), ""), collapse = "&") else NULL,
             domain = domain)
  base <- list(dataset = DSET[[design]], design = design)
  old <- options(survey.lonely.psu = if (is.na(LONELY[design])) "fail" else LONELY[[design]])
  on.exit(options(old))
  warned <- NULL
  m <- tryCatch(withCallingHandlers(eval(bquote(svyglm(.(form), design = des, family = .(fam)))),
                  warning = function(w) {
                    if (grepl("fitted (probabilities|rates) numerically|did not converge", conditionMessage(w)))
                      warned <<- conditionMessage(w)
                    invokeRestart("muffleWarning") }),
                error = function(e) e)
  if (inherits(m, "error") || !is.null(warned)) {
    msg <- if (inherits(m, "error")) conditionMessage(m) else paste("glm.fit warns:", warned)
    add(dataset = base$dataset, design = design, statistic = "glm", variable = "(Intercept)",
        args = paste0(args, ";conf_level=0.95"), extra = kv(error = gsub("[;\n]", " ", msg)),
        note = if (note == "") "R raises an error (or warns that the fit is on the boundary)" else note)
    return(invisible())
  }
  cf <- coef(m); se <- SE(m); dfr <- m$df.residual; q <- qt(0.975, dfr)
  cols <- paste(names(cf), collapse = "|")
  dg <- if (inherits(des, "svyrep.design")) degf(des) else degf(m$survey.design)
  for (k in seq_along(cf)) {
    t <- cf[k] / se[k]
    add(dataset = base$dataset, design = design, statistic = "glm", variable = names(cf)[k],
        args = paste0(args, ";conf_level=0.95"), estimate = num17(cf[k]), se = num17(se[k]),
        ci_lower = num17(cf[k] - q * se[k]), ci_upper = num17(cf[k] + q * se[k]), df = num17(dfr),
        extra = kv(t = num17(t), p_value = num17(2 * pt(-abs(t), dfr)), family = family,
                   formula = paste0(y, "~", paste(x, collapse = "+")), columns = cols, degf = dg,
                   n = sum(weights(m$survey.design, "sampling") != 0)),
        note = note)
  }
  for (tt in tests) {
    for (st in c("F", "Chisq")) {
      r <- regTermTest(m, as.formula(paste("~", tt)), df = if (st == "F") NULL else Inf)
      tested <- paste(names(cf)[attr(model.matrix(m), "assign") == match(tt, attr(terms(m), "term.labels"))], collapse = "|")
      add(dataset = base$dataset, design = design, statistic = "glm_wald", variable = tt,
          args = paste0(args, ";test=", tt, ";statistic=", st),
          estimate = num17(if (st == "F") r$Ftest else r$chisq), df = if (st == "F") num17(r$ddf) else "",
          extra = kv(statistic = st, ndf = r$df, ddf = if (st == "F") num17(r$ddf) else NULL,
                     p_value = num17(r$p), family = family, columns = cols, tested = tested),
          note = note)
    }
  }
}

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
