## calib_helpers.R -- helpers shared by the calibration oracle generators (make_calib*.R): CSV writing in
## the kit's formats, data sets, population margins (POP, add_pop, pm), calibrated design rows (calibrated),
## the cases of a suite (case_mt, case_ciprop, case_ratio, suite), the output files (write_designs,
## write_cases, write_pop) and another generator's definitions (use_defs).
## Sourced with the working directory test/oracle/extra; defines globals DROWS, CASES, D, DS, POP.
## weights(x, "sampling"): the full-sample weights of a replicate design too (its default is the replicates).

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
pm <- function(key, var) { p <- POP[POP$pop_key == key & POP$variable == var, ]
  d <- data.frame(factor(p$level), p$value); names(d) <- c(var, "Freq"); d }

DCOLS <- c("design", "dataset", "subset", "type", "weight", "strata", "psu", "fpc", "fpc_type", "psu2",
           "fpc2", "nest", "lonely_psu", "degf", "rep_file", "rep_type", "n_rep", "scale", "rscales", "rho",
           "mse", "calibration", "calib_file", "note")
DROWS <- list(); CASES <- list(); D <- list(); DS <- list()

## the design row of a calibrated design (its base design key is the calibration string's base=), and its
## calibrated weights in calweights/<key>.csv
calibrated <- function(key, dataset, spec, des, calibration, note) {
  D[[key]] <<- des; DS[[key]] <<- dataset
  r <- setNames(rep("", length(DCOLS)), DCOLS)
  r[names(spec)] <- spec
  r[c("design", "dataset", "type", "nest", "lonely_psu", "degf", "calibration", "calib_file", "note")] <-
    c(key, dataset, "calibrated", "FALSE", "fail", as.character(degf(des)), calibration,
      paste0("calweights/", key, ".csv"), note)
  DROWS[[length(DROWS) + 1]] <<- r
  w <- data.frame(id = des$variables$id, weight = num17(weights(des, "sampling")))
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
  e <- coef(r); s <- SE(r); dg <- degf(sub); w <- weights(sub, "sampling"); n <- sum(w != 0)
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
  ci <- confint(r); dg <- degf(sub); n <- sum(weights(sub, "sampling") != 0)
  add_case(kind, key, "ciprop", var, paste0("event=", event, ";method=", method, ";conf_level=0.95;",
                                            if (!is.null(domain)) paste0("domain=", domain, ";") else "", "na_rm=TRUE"),
           coef(r), SE(r), ci[1], ci[2], dg, extra = kv(degf = dg, nrow = n, n = n, ci_dist = "t(degf)"))
}
## svyratio(deff = TRUE) fails on replicate designs in survey 4.1.1 ("incorrect number of dimensions"): their
## ratio cases carry no deff
case_ratio <- function(kind, key, num, den) {
  des <- D[[key]]; rep <- inherits(des, "svyrep.design")
  fn <- as.formula(paste0("~", num)); fd <- as.formula(paste0("~", den))
  r <- if (rep) svyratio(fn, fd, des) else svyratio(fn, fd, des, deff = TRUE)
  e <- as.numeric(coef(r)); s <- as.numeric(SE(r)); dg <- degf(des)
  add_case(kind, key, "ratio", paste0(num, "/", den), paste0(if (rep) "" else "deff=TRUE;", "ci_df=degf;conf_level=0.95"),
           e, s, e - tq(dg) * s, e + tq(dg) * s, dg, if (rep) NA else as.numeric(deff(r)),
           kv(degf = dg, n = nrow(des$variables)))
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

## the generator's output: its designs (DROWS) and its cases (CASES, numbered with id_format, e.g. "K%04d");
## each returns the number of rows written
write_designs <- function(path) {
  dd <- as.data.frame(do.call(rbind, DROWS), stringsAsFactors = FALSE)[, DCOLS]
  write_rows(dd, path)
  nrow(dd)
}
write_cases <- function(path, id_format) {
  cc <- as.data.frame(do.call(rbind, CASES), stringsAsFactors = FALSE)
  write_rows(cbind(case_id = sprintf(id_format, seq_len(nrow(cc))), cc), path)
  nrow(cc)
}
write_pop <- function(pop, path) { pop$value <- num15(pop$value); write_rows(pop, path) }

## the definitions (name <- value) of another generator, evaluated without running its script
use_defs <- function(file, names)
  for (e in parse(file, keep.source = FALSE))
    if (is.call(e) && identical(e[[1]], as.name("<-")) && is.name(e[[2]]) && as.character(e[[2]]) %in% names)
      eval(e, globalenv())
