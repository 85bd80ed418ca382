## make_extra.R -- extra oracle cases for the `survey` PostgreSQL extension.
##
## Run:  cd test/oracle/extra && Rscript make_extra.R
##
## Reads the kit data sets from ../data/*.csv, writes derived data sets to
## data/, replicate multipliers to repweights/, and designs_extra.csv /
## cases_extra.csv here.  Deterministic (fixed seeds).  Every number is
## computed from the CSV files as read back from disk, as in the kit.
## Formats: see ../README.md (kit) and README.md (this folder).

suppressPackageStartupMessages({
  library(stats); library(utils); library(methods); library(survey)
})
options(survey.lonely.psu = "fail", warn = 1, stringsAsFactors = FALSE)
RNGkind("Mersenne-Twister", "Inversion", "Rejection")

KIT <- "../data"

## ---------------------------------------------------------------- helpers
num15 <- function(x) {
  x <- as.numeric(x)
  ifelse(is.na(x) & !is.nan(x), "", sprintf("%.15g", x))
}
## data values: shortest of %.15g / %.17g that round-trips
numdat <- function(x) {
  x <- as.numeric(x)
  s <- sprintf("%.15g", x)
  bad <- !is.na(x) & suppressWarnings(as.numeric(s)) != x
  s[bad] <- sprintf("%.17g", x[bad])
  s[is.na(x)] <- ""
  s
}
num17 <- function(x) ifelse(is.na(x), "", sprintf("%.17g", as.numeric(x)))
csvq <- function(s) {
  s <- as.character(s); s[is.na(s)] <- ""
  ifelse(grepl('[,"\n]', s), paste0('"', gsub('"', '""', s), '"'), s)
}
write_csv <- function(df, path, numfun = numdat) {
  cols <- lapply(df, function(v) {
    if (is.factor(v)) v <- as.character(v)
    if (is.logical(v)) v <- ifelse(is.na(v), "", ifelse(v, "TRUE", "FALSE"))
    if (is.numeric(v)) numfun(v) else csvq(v)
  })
  lines <- c(paste(csvq(names(df)), collapse = ","),
             do.call(paste, c(cols, sep = ",")))
  con <- file(path, "wb"); writeLines(lines, con, sep = "\n"); close(con)
}
read_ds <- function(name) {
  f <- file.path("data", paste0(name, ".csv"))
  if (!file.exists(f)) f <- file.path(KIT, paste0(name, ".csv"))
  df <- read.csv(f, na.strings = "", stringsAsFactors = FALSE,
                 colClasses = NA)
  for (v in names(df)) if (is.character(df[[v]]))
    df[[v]] <- factor(df[[v]], levels = sort(unique(na.omit(df[[v]])), method = "radix"))
  df
}
kv <- function(...) {
  l <- list(...)
  l <- l[!vapply(l, is.null, TRUE)]
  if (!length(l)) return("")
  paste(vapply(names(l), function(k) {
    v <- l[[k]]
    paste0(k, "=", if (is.numeric(v)) num15(v) else as.character(v))
  }, ""), collapse = ";")
}
errmsg <- function(e) trimws(gsub("[;=\n]", " ", conditionMessage(e)))

## ------------------------------------------------------------ cases store
CASES <- list()
add_case <- function(kind, dataset, design, statistic, variable, args,
                     level = "", estimate = NA, se = NA, lo = NA, hi = NA,
                     df = NA, deff = NA, extra = "", note = "") {
  CASES[[length(CASES) + 1]] <<- c(
    kind = kind, dataset = dataset, design = design, statistic = statistic,
    variable = variable, args = args, level = as.character(level),
    estimate = num15(estimate), se = num15(se), ci_lower = num15(lo),
    ci_upper = num15(hi), df = num15(df), deff = num15(deff),
    extra = extra, note = note)
}
add_error <- function(kind, dataset, design, statistic, variable, args, e,
                      note = "R raises an error", level = "")
  add_case(kind, dataset, design, statistic, variable, args, level = level,
           extra = kv(error = errmsg(e)), note = note)

## ------------------------------------------------------------ designs
DCOLS <- c("design", "dataset", "subset", "type", "weight", "strata", "psu",
           "fpc", "fpc_type", "psu2", "fpc2", "nest", "lonely_psu", "degf",
           "rep_file", "rep_type", "n_rep", "scale", "rscales", "rho", "mse",
           "calibration", "calib_file", "note")
DROWS <- list()
D <- list()       # R design objects (kit and extra)
DS <- list()      # dataset name per design key
LONELY <- list()  # lonely option per design key

## Taylor design from a spec (kit conventions)
taylor <- function(key, dataset, weight = "", strata = "", psu = "",
                   fpc = "", fpc_type = "", nest = FALSE, lonely = "fail",
                   subset = "", note = "", register = TRUE) {
  df <- read_ds(dataset)
  if (subset != "") df <- df[dom_mask(df, subset), , drop = FALSE]
  f <- function(v) if (v == "") NULL else as.formula(paste0("~", v))
  args <- list(ids = if (psu == "") ~1 else f(psu), strata = f(strata),
               weights = f(weight), data = df, nest = nest)
  if (fpc != "") args$fpc <- f(fpc)
  des <- do.call(svydesign, args)
  D[[key]] <<- des; DS[[key]] <<- dataset; LONELY[[key]] <<- lonely
  if (register) {
    r <- setNames(rep("", length(DCOLS)), DCOLS)
    r[c("design", "dataset", "subset", "type", "weight", "strata", "psu",
        "fpc", "fpc_type", "nest", "lonely_psu", "degf", "note")] <-
      c(key, dataset, subset, "taylor", weight, strata, psu, fpc, fpc_type,
        if (nest) "TRUE" else "FALSE", lonely, as.character(degf(des)), note)
    DROWS[[length(DROWS) + 1]] <<- r
  }
  invisible(des)
}

## register a replicate design built in R; write multipliers
repdesign <- function(key, dataset, des, rep_type, mse, file_key = key,
                      strata = "", psu = "", nest = FALSE, note = "",
                      write = TRUE) {
  D[[key]] <<- des; DS[[key]] <<- dataset; LONELY[[key]] <<- ""
  df <- des$variables
  mult <- as.matrix(des$repweights)
  if (isTRUE(des$combined.weights)) stop("expected multipliers")
  if (write) {
    out <- data.frame(id = df$id, base_weight = des$pweights)
    for (r in seq_len(ncol(mult))) out[[paste0("rw", r)]] <- mult[, r]
    write_csv(out, file.path("repweights", paste0(file_key, ".csv")), num17)
  }
  rs <- des$rscales
  if (length(unique(rs)) == 1) rscales <- num17(rs[1]) else {
    rf <- paste0("repweights/", file_key, "_rscales.csv")
    if (write) write_csv(data.frame(replicate = seq_along(rs), rscale = rs), rf, num17)
    rscales <- paste0("file:", rf)
  }
  r <- setNames(rep("", length(DCOLS)), DCOLS)
  r[c("design", "dataset", "type", "weight", "strata", "psu", "nest", "degf",
      "rep_file", "rep_type", "n_rep", "scale", "rscales", "rho", "mse", "note")] <-
    c(key, dataset, "replicate", "base_weight", strata, psu,
      if (nest) "TRUE" else "FALSE", as.character(degf(des)),
      paste0("repweights/", file_key, ".csv"), rep_type,
      as.character(ncol(mult)), num17(des$scale), rscales,
      if (rep_type != "Fay" || is.null(des$rho)) "" else num17(des$rho),
      if (mse) "TRUE" else "FALSE", note)
  DROWS[[length(DROWS) + 1]] <<- r
  invisible(des)
}

## domain condition `var:v1|v2&var2:v` -> logical (values compare as text)
dom_mask <- function(df, cond) {
  m <- rep(TRUE, nrow(df))
  if (is.null(cond) || cond == "") return(m)
  for (p in strsplit(cond, "&", fixed = TRUE)[[1]]) {
    kvp <- strsplit(p, ":", fixed = TRUE)[[1]]
    vals <- strsplit(kvp[2], "|", fixed = TRUE)[[1]]
    x <- as.character(df[[kvp[1]]])
    m <- m & !is.na(x) & x %in% vals
  }
  m
}
valid_mask <- function(x, valid) {
  if (is.null(valid)) return(!is.na(x))
  r <- as.numeric(strsplit(valid, "..", fixed = TRUE)[[1]])
  xn <- suppressWarnings(as.numeric(as.character(x)))
  !is.na(xn) & xn >= r[1] & xn <= r[2]
}
sub_design <- function(des, mask) {
  if (all(mask)) des else des[mask, ]
}
with_lonely <- function(key, expr) {
  old <- options(survey.lonely.psu = if (is.null(LONELY[[key]]) || LONELY[[key]] == "") "fail" else LONELY[[key]])
  on.exit(options(old))
  expr
}
wts <- function(des) if (inherits(des, "svyrep.design")) des$pweights else weights(des)
args_str <- function(...) {
  l <- list(...); l <- l[!vapply(l, is.null, TRUE)]
  paste(paste0(names(l), "=", unlist(l)), collapse = ";")
}
tq <- function(level, df) qt(1 - (1 - level) / 2, df)

## ------------------------------------------------------------ statistics
## mean / total of a numeric or factor column
case_mt <- function(kind, key, stat, var, domain = NULL, valid = NULL,
                    na_rm = FALSE, deff = "TRUE", ci_df = "degf",
                    level = 0.95, note = "", factor_levels = FALSE) {
  des <- D[[key]]; df <- des$variables
  args <- args_str(valid = valid, domain = domain,
                   na_rm = if (na_rm || !is.null(valid)) "TRUE" else NULL,
                   deff = if (deff == "FALSE") NULL else deff,
                   ci_df = ci_df, conf_level = level)
  x <- df[[var]]
  mask <- dom_mask(df, domain)
  if (na_rm || !is.null(valid)) mask <- mask & valid_mask(x, valid)
  vname <- var
  if (factor_levels) {   # treat a coded column as categorical (levels as text)
    des <- update(des, .fac = factor(as.character(x), levels = sort(unique(as.character(x[valid_mask(x, valid)])), method = "radix")))
    vname <- ".fac"
  }
  res <- tryCatch(with_lonely(key, {
    sub <- sub_design(des, mask)
    fml <- as.formula(paste0("~", vname))
    dflag <- if (deff == "FALSE") FALSE else if (deff == "replace") "replace" else TRUE
    r <- if (stat == "mean") svymean(fml, sub, deff = dflag) else svytotal(fml, sub, deff = dflag)
    list(r = r, sub = sub)
  }), error = function(e) e)
  if (inherits(res, "error")) {
    add_error(kind, DS[[key]], key, stat, var, args, res, note = paste0("R raises an error", if (note != "") paste0("; ", note) else ""))
    return(invisible(NULL))
  }
  r <- res$r; sub <- res$sub
  w <- wts(sub); xs <- sub$variables[[var]]
  nz <- w != 0 & !is.na(xs)
  dg <- degf(sub)
  dfu <- if (ci_df == "Inf") Inf else dg
  est <- coef(r); se <- SE(r); de <- if (deff == "FALSE") rep(NA, length(est)) else deff(r)
  levs <- if (length(est) > 1 || is.factor(xs) || factor_levels) sub("^\\.fac|^" , "", names(est)) else ""
  if (length(est) > 1 || is.factor(xs) || factor_levels) {
    levs <- if (factor_levels) sub("^\\.fac", "", names(est)) else sub(paste0("^", var), "", names(est))
  }
  for (i in seq_along(est)) {
    ne <- if (stat == "mean" && deff != "FALSE" && is.finite(de[i]) && de[i] > 0) sum(nz) / de[i] else NULL
    add_case(kind, DS[[key]], key, stat, var, args, level = levs[i],
             estimate = est[i], se = se[i],
             lo = est[i] - tq(level, dfu) * se[i], hi = est[i] + tq(level, dfu) * se[i],
             df = dfu, deff = de[i],
             extra = kv(degf = dg, n = sum(nz), sum_w = sum(w[nz]), n_eff = ne),
             note = note)
  }
  invisible(r)
}

## hand-made Wilson interval (survey >= 4.5 formula, see README.md)
wilson_ci <- function(p, V, df, level) {
  neff <- p * (1 - p) / V
  t <- qt((1 - level) / 2, df = df, lower.tail = FALSE)
  den <- 1 + t^2 / neff
  rt <- sqrt(4 * neff * p * (1 - p) + t^2)
  c((p + t^2 / (2 * neff) - t / (2 * neff) * rt) / den,
    (p + t^2 / (2 * neff) + t / (2 * neff) * rt) / den)
}

## svyciprop of the event indicator of `var`
case_ciprop <- function(kind, key, var, event, method, level = 0.95,
                        domain = NULL, valid = NULL, note = "") {
  des <- D[[key]]; df <- des$variables
  args <- args_str(event = event, method = method, conf_level = level,
                   valid = valid, domain = domain, na_rm = "TRUE")
  x <- df[[var]]
  ok <- valid_mask(x, valid)
  ev <- ifelse(ok, as.numeric(as.character(x) %in% strsplit(event, "|", fixed = TRUE)[[1]]), NA)
  des <- update(des, .ev = ev)
  mask <- dom_mask(df, domain) & ok
  res <- tryCatch(with_lonely(key, {
    sub <- sub_design(des, mask)
    m <- svymean(~.ev, sub)
    p <- as.numeric(coef(m)); V <- as.numeric(vcov(m))
    if (method == "wilson") {
      ci <- wilson_ci(p, V, degf(sub), level); est <- p
    } else {
      r <- svyciprop(~.ev, sub, method = method, level = level)
      ci <- as.numeric(confint(r)); est <- as.numeric(coef(r))
    }
    list(sub = sub, p = p, V = V, ci = ci, est = est)
  }), error = function(e) e)
  if (inherits(res, "error")) {
    add_error(kind, DS[[key]], key, "ciprop", var, args, res, note = paste0("R raises an error", if (note != "") paste0("; ", note) else ""))
    return(invisible(NULL))
  }
  sub <- res$sub; dg <- degf(sub)
  w <- wts(sub); nz <- sum(w != 0 & !is.na(sub$variables$.ev))
  neb <- NULL
  if (method == "beta") {
    a <- 1 - level
    neb <- res$p * (1 - res$p) / res$V * (qt(a / 2, nrow(sub) - 1) / qt(a / 2, dg))^2
  }
  ex <- kv(degf = dg, nrow = nrow(sub), n = nz, ci_dist = "t(degf)",
           n_eff = if (res$V > 0) res$p * (1 - res$p) / res$V else NULL,
           n_eff_beta = neb,
           t_quantile = if (method == "wilson") qt((1 - level) / 2, dg, lower.tail = FALSE) else NULL)
  add_case(kind, DS[[key]], key, "ciprop", var, args, estimate = res$est,
           se = sqrt(res$V), lo = res$ci[1], hi = res$ci[2], df = dg,
           extra = ex, note = note)
}

## svyquantile(..., ci=TRUE): one row per probability
case_quantile <- function(kind, key, var, probs, qrule = "math",
                          interval_type = "mean", level = 0.95,
                          domain = NULL, note = "") {
  des <- D[[key]]; df <- des$variables
  mask <- dom_mask(df, domain) & !is.na(df[[var]])
  res <- tryCatch(with_lonely(key, {
    sub <- sub_design(des, mask)
    r <- svyquantile(as.formula(paste0("~", var)), sub, quantiles = probs,
                     ci = TRUE, qrule = qrule, interval.type = interval_type,
                     alpha = 1 - level)
    list(sub = sub, r = r)
  }), error = function(e) e)
  for (i in seq_along(probs)) {
    args <- args_str(p = probs[i], qrule = qrule, interval_type = interval_type,
                     conf_level = level, domain = domain,
                     na_rm = if (any(is.na(df[[var]]))) "TRUE" else NULL)
    if (inherits(res, "error")) {
      add_error(kind, DS[[key]], key, "quantile", var, args, res); next
    }
    sub <- res$sub; m <- res$r[[var]]
    w <- wts(sub); nz <- sum(w != 0)
    add_case(kind, DS[[key]], key, "quantile", var, args,
             estimate = m[i, 1], se = m[i, 4], lo = m[i, 2], hi = m[i, 3],
             df = degf(sub),
             extra = kv(degf = degf(sub), n = nz,
                        se_rule = "(ci_upper-ci_lower)/(2*qt(1-alpha/2,degf))"),
             note = note)
  }
}

case_ratio <- function(kind, key, num, den, deff = TRUE, ci_df = "degf",
                       level = 0.95, domain = NULL, note = "") {
  des <- D[[key]]; df <- des$variables
  mask <- dom_mask(df, domain) & !is.na(df[[num]]) & !is.na(df[[den]])
  nas <- any(is.na(df[[num]]) | is.na(df[[den]]))
  args <- args_str(domain = domain, na_rm = if (nas) "TRUE" else NULL,
                   deff = if (deff) "TRUE" else NULL, ci_df = ci_df,
                   conf_level = level)
  sub <- sub_design(des, mask)
  r <- with_lonely(key, svyratio(as.formula(paste0("~", num)),
                                 as.formula(paste0("~", den)), sub, deff = deff))
  est <- as.numeric(coef(r)); se <- as.numeric(SE(r)); dg <- degf(sub)
  dfu <- if (ci_df == "Inf") Inf else dg
  add_case(kind, DS[[key]], key, "ratio", paste0(num, "/", den), args,
           estimate = est, se = se, lo = est - tq(level, dfu) * se,
           hi = est + tq(level, dfu) * se, df = dfu,
           deff = if (deff) as.numeric(deff(r)) else NA,
           extra = kv(degf = dg, n = sum(wts(sub) != 0)), note = note)
}

## svyby(~y, ~g, svymean/svytotal, covmat=TRUE)
case_by <- function(kind, key, stat, var, by, level = 0.95, domain = NULL,
                    note = "") {
  des <- D[[key]]; df <- des$variables
  mask <- dom_mask(df, domain) & !is.na(df[[var]])
  args <- args_str(by = by, domain = domain,
                   na_rm = if (any(is.na(df[[var]]))) "TRUE" else NULL,
                   ci_df = "degf_group", conf_level = level)
  sub <- sub_design(des, mask)
  FUN <- if (stat == "by_mean") svymean else svytotal
  r <- with_lonely(key, svyby(as.formula(paste0("~", var)), as.formula(paste0("~", by)),
                              sub, FUN, covmat = TRUE))
  est <- coef(r); se <- SE(r); g <- as.character(r[[by]])
  for (i in seq_along(est)) {
    gsub_ <- sub_design(sub, as.character(sub$variables[[by]]) %in% g[i])
    dg <- degf(gsub_)
    add_case(kind, DS[[key]], key, stat, var, args, level = g[i],
             estimate = est[i], se = se[i], lo = est[i] - tq(level, dg) * se[i],
             hi = est[i] + tq(level, dg) * se[i], df = dg,
             extra = kv(degf_group = dg, degf_full = degf(des),
                        n = sum(wts(gsub_) != 0)), note = note)
  }
  invisible(r)
}

case_by_ciprop <- function(kind, key, var, event, by, method, level = 0.95,
                           note = "") {
  des <- D[[key]]; df <- des$variables
  x <- df[[var]]; ok <- !is.na(x)
  des <- update(des, .ev = ifelse(ok, as.numeric(as.character(x) %in% strsplit(event, "|", fixed = TRUE)[[1]]), NA))
  sub <- sub_design(des, ok)
  args <- args_str(event = event, by = by, method = method, conf_level = level, na_rm = "TRUE")
  groups <- sort(unique(as.character(sub$variables[[by]])), method = "radix")
  if (method != "wilson")
    r <- with_lonely(key, svyby(~.ev, as.formula(paste0("~", by)), sub, svyciprop,
                                vartype = c("se", "ci"), method = method, level = level))
  for (gi in seq_along(groups)) {
    gd <- sub_design(sub, as.character(sub$variables[[by]]) == groups[gi])
    dg <- degf(gd)
    if (method == "wilson") {
      m <- svymean(~.ev, gd); p <- as.numeric(coef(m)); V <- as.numeric(vcov(m))
      ci <- wilson_ci(p, V, dg, level); est <- p; se <- sqrt(V)
    } else {
      row <- which(as.character(r[[by]]) == groups[gi])
      est <- as.numeric(coef(r)[row]); se <- as.numeric(SE(r)[row])
      ci <- c(r$ci_l[row], r$ci_u[row])   # confint(svyby) would give a Wald interval
    }
    add_case(kind, DS[[key]], key, "by_ciprop", var, args, level = groups[gi],
             estimate = est, se = se, lo = ci[1], hi = ci[2], df = dg,
             extra = kv(degf_group = dg, degf_full = degf(des), nrow_group = nrow(gd),
                        ci_dist = "t(degf_group)",
                        t_quantile = if (method == "wilson") qt((1 - level) / 2, dg, lower.tail = FALSE) else NULL),
             note = note)
  }
}

case_contrast <- function(kind, key, var, by, l1, l2, level = 0.95,
                          ci_df = "degf", note = "") {
  des <- D[[key]]; df <- des$variables
  mask <- !is.na(df[[var]])
  sub <- sub_design(des, mask)
  b <- with_lonely(key, svyby(as.formula(paste0("~", var)), as.formula(paste0("~", by)),
                              sub, svymean, covmat = TRUE))
  cf <- setNames(c(1, -1), c(l1, l2))
  cc <- svycontrast(b, cf)
  est <- as.numeric(coef(cc)); se <- as.numeric(SE(cc)); dg <- degf(sub)
  dfu <- if (ci_df == "Inf") Inf else dg
  V <- vcov(b)
  args <- args_str(by = by, contrast = paste0(l1, "-", l2),
                   na_rm = if (any(!mask)) "TRUE" else NULL,
                   ci_df = ci_df, conf_level = level)
  add_case(kind, DS[[key]], key, "contrast_mean", var, args,
           level = paste0(l1, "-", l2), estimate = est, se = se,
           lo = est - tq(level, dfu) * se, hi = est + tq(level, dfu) * se,
           df = dfu,
           extra = kv(degf = dg, mean_1 = coef(b)[l1], mean_2 = coef(b)[l2],
                      se_1 = sqrt(V[l1, l1]), se_2 = sqrt(V[l2, l2]),
                      cov_12 = V[l1, l2]), note = note)
}

case_ttest <- function(kind, key, var, group, domain = NULL, note = "") {
  des <- D[[key]]; df <- des$variables
  mask <- dom_mask(df, domain) & !is.na(df[[var]]) & !is.na(df[[group]])
  sub <- sub_design(des, mask)
  tt <- with_lonely(key, svyttest(as.formula(paste0(var, "~", group)), sub))
  levs <- levels(droplevels(factor(sub$variables[[group]])))
  est <- as.numeric(tt$estimate); t <- as.numeric(tt$statistic)
  args <- args_str(group = group, diff = paste0(levs[2], "-", levs[1]),
                   domain = domain)
  add_case(kind, DS[[key]], key, "ttest", var, args, level = "",
           estimate = est, se = est / t, lo = tt$conf.int[1], hi = tt$conf.int[2],
           df = as.numeric(tt$parameter),
           extra = kv(t = t, p_value = tt$p.value,
                      degf_complete_cases = degf(sub), n = sum(wts(sub) != 0)),
           note = note)
}

## Rao-Scott pieces (replicates survey 4.1.1 svychisq.survey.design)
chisq_delta <- function(des, rows, cols) {
  fsat <- as.formula(paste0("~interaction(factor(", rows, "),factor(", cols, "))-1"))
  mm <- model.matrix(fsat, model.frame(fsat, des$variables, na.action = na.pass))
  N <- nrow(mm)
  rv <- na.omit(unique(des$variables[[rows]])); cv <- na.omit(unique(des$variables[[cols]]))
  nr <- length(rv); nc <- length(cv)
  mf1 <- expand.grid(rows = 1:nr, cols = 1:nc)
  X1 <- model.matrix(~factor(rows) + factor(cols), mf1)
  X12 <- model.matrix(~factor(rows) * factor(cols), mf1)
  mean2 <- svymean(mm, des, na.rm = TRUE)
  Cmat <- qr.resid(qr(X1), X12[, -(1:(nr + nc - 1)), drop = FALSE])
  iD <- diag(ifelse(mean2 == 0, 0, 1 / mean2))
  V <- attr(mean2, "var")
  Delta <- solve(t(Cmat) %*% (iD / N) %*% Cmat, t(Cmat) %*% iD %*% V %*% iD %*% Cmat)
  X2 <- suppressWarnings(chisq.test(svytable(as.formula(paste0("~", rows, "+", cols)), des, Ntotal = N),
                                    correct = FALSE))$statistic
  list(Delta = Delta, N = N, X2 = as.numeric(X2),
       nu = length(unique(des$cluster[, 1])) - length(unique(des$strata[, 1])),
       d0 = sum(diag(Delta))^2 / sum(diag(Delta %*% Delta)))
}

case_chisq <- function(kind, key, rows, cols, statistic, note = "") {
  des <- D[[key]]
  args <- args_str(statistic = statistic)
  r <- tryCatch(with_lonely(key, svychisq(as.formula(paste0("~", rows, "+", cols)), des,
                                          statistic = statistic)),
                error = function(e) e)
  if (inherits(r, "error")) {
    add_error(kind, DS[[key]], key, "chisq", paste0(rows, "*", cols), args, r); return()
  }
  pc <- with_lonely(key, chisq_delta(des, rows, cols))
  par <- r$parameter
  ndf <- if (!is.null(par) && "ndf" %in% names(par)) as.numeric(par["ndf"]) else NULL
  ddf <- if (!is.null(par) && "ddf" %in% names(par)) as.numeric(par["ddf"]) else NULL
  cdf <- if (!is.null(par) && "df" %in% names(par)) as.numeric(par["df"]) else NULL
  add_case(kind, DS[[key]], key, "chisq", paste0(rows, "*", cols), args,
           estimate = as.numeric(r$statistic), df = if (is.null(ddf)) NA else ddf,
           extra = kv(p_value = r$p.value, ndf = ndf, ddf = ddf, chisq_df = cdf,
                      pearson_X2 = pc$X2, trace_delta = sum(diag(pc$Delta)),
                      d0 = pc$d0, nu = pc$nu, nrow_design = pc$N,
                      delta_eigen = paste(num15(sort(Re(eigen(pc$Delta, only.values = TRUE)$values), decreasing = TRUE)), collapse = " ")),
           note = note)
}

## ===================================================================
## 0. kit designs used here (rebuilt exactly as the kit describes them)
## ===================================================================
taylor("apistrat_strat", "apistrat", "pw", "stype", "", "fpc", "popsize", register = FALSE)
taylor("apistrat_nofpc", "apistrat", "pw", "stype", register = FALSE)
taylor("apiclus1_clus", "apiclus1", "pw", "", "dnum", "fpc", "popsize", register = FALSE)
taylor("apiclus1_nofpc", "apiclus1", "pw", "", "dnum", register = FALSE)
taylor("apisrs_fpc", "apisrs", "pw", "", "", "fpc", "popsize", register = FALSE)
taylor("apisrs_nofpc", "apisrs", "pw", register = FALSE)
taylor("fpc_popsize", "fpc", "weight", "stratid", "psuid", "nh_pop", "popsize", nest = TRUE, register = FALSE)
taylor("scd_strat", "scd", "w", "esa", "ambulance", "npsu_pop", "popsize", nest = TRUE, register = FALSE)
taylor("apiclus2_ultimate", "apiclus2", "pw", "", "dnum", register = FALSE)
## kit JK1 design from its multiplier file
local({
  rw <- read.csv("../repweights/apiclus1_jk1.csv")
  df <- read_ds("apiclus1"); stopifnot(all(rw$id == df$id))
  des <- svrepdesign(data = df, repweights = as.matrix(rw[, -(1:2)]), weights = rw$base_weight,
                     type = "JK1", scale = 0.91483927785116681, rscales = 1,
                     combined.weights = FALSE, mse = FALSE)
  D$apiclus1_jk1 <<- des; DS$apiclus1_jk1 <<- "apiclus1"; LONELY$apiclus1_jk1 <<- ""
})

## ===================================================================
## derived data sets (written, then read back from disk)
## ===================================================================
local({
  ## apistrat_ext: apistrat + Likert item, categorical with NAs, multi-select
  a <- read_ds("apistrat")
  q <- as.integer(cut(a$api00, c(-Inf, 560, 630, 690, 760, Inf)))
  q[a$id %% 23 == 0] <- NA          # skipped
  q[a$id %% 29 == 0] <- -1L         # don't know
  a$q <- q
  a$q5 <- as.integer(cut(a$api00, c(-Inf, 560, 630, 690, 760, Inf)))  # complete, heavily tied
  a$mealcat <- as.character(cut(a$meals, c(-Inf, 30, 70, Inf), labels = c("lo", "mid", "hi")))
  m2 <- a$mealcat; m2[a$id %% 17 == 0 | a$id %% 19 == 0] <- NA
  a$mealcat_na <- m2
  a$opt1 <- as.integer(a$awards == "Yes")
  a$opt2 <- as.integer(a$meals > 50)
  a$opt3 <- as.integer(a$api00 - a$api99 > 30)
  skip <- a$id %% 31 == 0
  a$opt1[skip] <- NA; a$opt2[skip] <- NA; a$opt3[skip] <- NA
  for (v in names(a)) if (is.factor(a[[v]])) a[[v]] <- as.character(a[[v]])
  write_csv(a, "data/apistrat_ext.csv")

  ## apiclus1_ext: apiclus1 + enrolment tercile category
  b <- read_ds("apiclus1")
  b$enrcat <- as.character(cut(b$enroll, quantile(b$enroll, c(0, 1/3, 2/3, 1)),
                               include.lowest = TRUE, labels = c("a_small", "b_mid", "c_large")))
  b$stype2 <- ifelse(b$stype == "E", "E", "HM")
  for (v in names(b)) if (is.factor(b[[v]])) b[[v]] <- as.character(b[[v]])
  write_csv(b, "data/apiclus1_ext.csv")

  ## apiclus2_ext: enrolment category with the NAs of enroll
  c2 <- read_ds("apiclus2")
  c2$enrcat <- as.character(cut(c2$enroll, c(-Inf, 300, 600, Inf), labels = c("a_lt300", "b_300_600", "c_gt600")))
  for (v in names(c2)) if (is.factor(c2[[v]])) c2[[v]] <- as.character(c2[[v]])
  write_csv(c2, "data/apiclus2_ext.csv")

  ## apisrs_zw: apisrs with zero weights on 5 rows
  s <- read_ds("apisrs")
  s$pw[s$id %in% c(3, 50, 101, 150, 199)] <- 0
  for (v in names(s)) if (is.factor(s[[v]])) s[[v]] <- as.character(s[[v]])
  write_csv(s, "data/apisrs_zw.csv")

  ## apisrs_heavy: the lowest api00 carries ~25% of the weight,
  ## a middle row ~ 30% (svyquantile quirk of kit README 7.7)
  h <- read_ds("apisrs")
  h$pw[which.min(h$api00)] <- 2000
  h$pw[order(h$api00)[120]] <- 2600
  for (v in names(h)) if (is.factor(h[[v]])) h[[v]] <- as.character(h[[v]])
  write_csv(h, "data/apisrs_heavy.csv")

  ## fpc_ext: fpc + domain column and 0/1 item
  f <- read_ds("fpc")
  f$dom <- c("a", "b", "a", "b", "a", "c", "c", "b")  # a: stratum 1 only, c: stratum 2 only
  f$y01 <- c(1L, 0L, 1L, 1L, 0L, 1L, 0L, 1L)
  write_csv(f, "data/fpc_ext.csv")

  ## pisa_like: 40 strata x 2 schools (PSUs), ~25 students each
  set.seed(20240601)
  rows <- list(); id <- 0L
  for (h in 1:40) for (j in 1:2) {
    nst <- 20L + sample.int(11L, 1L) - 1L      # 20..30 students
    school <- (h - 1L) * 2L + j
    seff <- rnorm(1, 0, 40)
    wsch <- round(runif(1, 20, 120), 3)
    sc <- round(rnorm(nst, 480 + 3 * h + seff, 90), 2)
    gender <- ifelse(runif(nst) < 0.5, "F", "M")
    w <- round(wsch * runif(nst, 0.8, 1.25), 4)
    item <- as.integer(runif(nst) < plogis((sc - 520) / 60))
    rare <- as.integer(runif(nst) < 0.015)
    rows[[length(rows) + 1]] <- data.frame(id = id + seq_len(nst), stratum = h, psu = j,
                                           school = school, w = w, gender = gender,
                                           score = sc, item = item, rare = rare)
    id <- id + nst
  }
  p <- do.call(rbind, rows)
  p$score[p$id %% 97 == 0] <- NA
  write_csv(p, "data/pisa_like.csv")
})

## ===================================================================
## new Taylor designs
## ===================================================================
taylor("apistrat_ext_strat", "apistrat_ext", "pw", "stype", "", "fpc", "popsize",
       note = "apistrat_strat on apistrat + derived columns q (Likert 1..5, -1 = dk, empty = skipped), q5, mealcat, mealcat_na, opt1..opt3")
taylor("apiclus1_ext_clus", "apiclus1_ext", "pw", "", "dnum", "fpc", "popsize",
       note = "apiclus1_clus on apiclus1 + enrcat (enroll terciles), stype2")
taylor("apiclus2_ext_ultimate", "apiclus2_ext", "pw", "", "dnum",
       note = "apiclus2_ultimate on apiclus2 + enrcat (missing where enroll is missing)")
taylor("apisrs_zw_fpc", "apisrs_zw", "pw", "", "", "fpc", "popsize",
       note = "apisrs with pw = 0 on ids 3, 50, 101, 150, 199")
taylor("apisrs_zw_nofpc", "apisrs_zw", "pw",
       note = "apisrs with pw = 0 on ids 3, 50, 101, 150, 199; no fpc")
taylor("apisrs_heavy", "apisrs_heavy", "pw",
       note = "apisrs, lowest api00 row has pw 2000, the 120th smallest pw 2600; no fpc")
taylor("fpc_ext_popsize", "fpc_ext", "weight", "stratid", "psuid", "nh_pop", "popsize", nest = TRUE,
       note = "fpc_popsize + dom (a only in stratum 1, c only in stratum 2) and y01")
taylor("pisa_taylor", "pisa_like", "w", "stratum", "psu", nest = TRUE,
       note = "generated PISA-shaped sample: 40 strata x 2 schools, with replacement")

## one PSU in total: design construction fails in R
ONEPSU <- tryCatch({
  df <- read_ds("apiclus1"); df <- df[dom_mask(df, "dnum:637"), ]
  svydesign(ids = ~dnum, weights = ~pw, data = df); NULL
}, error = function(e) e)
local({
  r <- setNames(rep("", length(DCOLS)), DCOLS)
  r[c("design", "dataset", "subset", "type", "weight", "psu", "nest", "lonely_psu", "note")] <-
    c("apiclus1_onepsu", "apiclus1", "dnum:637", "taylor", "pw", "dnum", "FALSE", "fail",
      "a single PSU (district 637) in the whole design: svydesign() itself fails in R")
  DROWS[[length(DROWS) + 1]] <<- r
})
ONEPSU_STRAT <- tryCatch({
  df <- read_ds("apiclus1"); df <- df[dom_mask(df, "dnum:637"), ]
  svydesign(ids = ~1, weights = ~pw, data = df)
}, error = function(e) e)

## ===================================================================
## replicate designs
## ===================================================================
set.seed(20241128)
local({
  j <- as.svrepdesign(D$apistrat_strat, type = "JKn", compress = FALSE)
  repdesign("apistrat_jkn", "apistrat", j, "JKn", FALSE, strata = "stype",
            note = "as.svrepdesign(apistrat_strat, type='JKn'); rscale_r = (1-n_h/N_h)(n_h-1)/n_h")
  jm <- as.svrepdesign(D$apistrat_strat, type = "JKn", compress = FALSE, mse = TRUE)
  repdesign("apistrat_jkn_mse", "apistrat", jm, "JKn", TRUE, file_key = "apistrat_jkn",
            strata = "stype", write = FALSE, note = "as apistrat_jkn, mse=TRUE")

  b <- as.svrepdesign(D$apistrat_strat, type = "bootstrap", replicates = 50, compress = FALSE)
  repdesign("apistrat_boot", "apistrat", b, "bootstrap", FALSE, strata = "stype",
            note = "as.svrepdesign(apistrat_strat, type='bootstrap', replicates=50) after set.seed(20241128); multipliers stored")
  bm <- svrepdesign(data = b$variables, repweights = as.matrix(b$repweights), weights = b$pweights,
                    type = "bootstrap", scale = b$scale, rscales = b$rscales,
                    combined.weights = FALSE, mse = TRUE)
  repdesign("apistrat_boot_mse", "apistrat", bm, "bootstrap", TRUE, file_key = "apistrat_boot",
            strata = "stype", write = FALSE, note = "as apistrat_boot, mse=TRUE")

  f <- as.svrepdesign(D$scd_strat, type = "Fay", fay.rho = 0.5, compress = FALSE)
  repdesign("scd_fay", "scd", f, "Fay", FALSE, strata = "esa", psu = "ambulance", nest = TRUE,
            note = "as.svrepdesign(scd_strat, type='Fay', fay.rho=0.5); multipliers 0.5/1.5; fpc dropped")
  fm <- as.svrepdesign(D$scd_strat, type = "Fay", fay.rho = 0.5, compress = FALSE, mse = TRUE)
  repdesign("scd_fay_mse", "scd", fm, "Fay", TRUE, file_key = "scd_fay", strata = "esa",
            psu = "ambulance", nest = TRUE, write = FALSE, note = "as scd_fay, mse=TRUE")

  ## successive difference replication on apiclus1 (15 districts in dnum order)
  a1 <- read_ds("apiclus1")
  H <- 2 * hadamard(15) - 1                  # 16 x 16, +-1
  psus <- sort(unique(a1$dnum)); k <- length(psus)
  Fm <- matrix(NA, k, 16)
  for (i in seq_len(k)) {
    ra <- 1 + i; rb <- 1 + (i %% k) + 1
    Fm[i, ] <- 1 + 2^(-1.5) * (H[ra, ] - H[rb, ])
  }
  M <- Fm[match(a1$dnum, psus), ]
  s <- svrepdesign(data = a1, repweights = M, weights = ~pw, type = "successive-difference",
                   combined.weights = FALSE, mse = FALSE)
  repdesign("apiclus1_sdr", "apiclus1", s, "SDR", FALSE, psu = "dnum",
            note = "svrepdesign(type='successive-difference') with hand-made circular SDR multipliers 1 + 2^-1.5 (h_a - h_b) from hadamard(15); R's default scale 4/R, rscales 1")
  sm <- svrepdesign(data = a1, repweights = M, weights = ~pw, type = "successive-difference",
                    combined.weights = FALSE, mse = TRUE)
  repdesign("apiclus1_sdr_mse", "apiclus1", sm, "SDR", TRUE, file_key = "apiclus1_sdr", psu = "dnum",
            write = FALSE, note = "as apiclus1_sdr, mse=TRUE")
  ## type 'other' with explicit scale and rscales (same multipliers as SDR)
  o <- svrepdesign(data = a1, repweights = M, weights = ~pw, type = "other", scale = 0.2,
                   rscales = rep(c(1, 1.5), 8), combined.weights = FALSE, mse = FALSE)
  repdesign("apiclus1_other", "apiclus1", o, "other", FALSE, file_key = "apiclus1_other", psu = "dnum",
            note = "type='other', scale=0.2, rscales alternating 1 and 1.5, SDR multipliers of apiclus1_sdr")

  ## PISA-shaped: 80 Fay replicates (rho 0.5) from hadamard(79), by hand
  p <- read_ds("pisa_like")
  H80 <- 2 * hadamard(79) - 1                 # 80 x 80
  sgn <- H80[, 1 + p$stratum]                  # rows = replicates
  sgn <- t(sgn) * ifelse(p$psu == 1, 1, -1)    # n x 80
  M80 <- ifelse(sgn > 0, 1.5, 0.5)
  pf <- svrepdesign(data = p, repweights = M80, weights = ~w, type = "Fay", rho = 0.5,
                    combined.weights = FALSE, mse = FALSE)
  repdesign("pisa_fay", "pisa_like", pf, "Fay", FALSE, strata = "stratum", psu = "psu", nest = TRUE,
            note = "80 Fay replicates rho=0.5: replicate r, stratum h: PSU 1 x1.5 if H[r,h+1]=+1 else x0.5, PSU 2 the opposite; H = 2*hadamard(79)-1")
  pfm <- svrepdesign(data = p, repweights = M80, weights = ~w, type = "Fay", rho = 0.5,
                     combined.weights = FALSE, mse = TRUE)
  repdesign("pisa_fay_mse", "pisa_like", pfm, "Fay", TRUE, file_key = "pisa_fay", strata = "stratum",
            psu = "psu", nest = TRUE, write = FALSE, note = "as pisa_fay, mse=TRUE (PISA convention)")
  pb <- as.svrepdesign(D$pisa_taylor, type = "BRR", compress = FALSE)
  repdesign("pisa_brr", "pisa_like", pb, "BRR", FALSE, strata = "stratum", psu = "psu", nest = TRUE,
            note = "as.svrepdesign(pisa_taylor, type='BRR')")
  pbm <- as.svrepdesign(D$pisa_taylor, type = "BRR", compress = FALSE, mse = TRUE)
  repdesign("pisa_brr_mse", "pisa_like", pbm, "BRR", TRUE, file_key = "pisa_brr", strata = "stratum",
            psu = "psu", nest = TRUE, write = FALSE, note = "as pisa_brr, mse=TRUE")
})

## ===================================================================
## CASES
## ===================================================================
## 1. Wilson intervals (survey >= 4.5 formula, by hand)
case_ciprop("wilson", "apistrat_strat", "awards", "Yes", "wilson")
case_ciprop("wilson", "apistrat_strat", "awards", "Yes", "wilson", level = 0.90)
case_ciprop("wilson", "apiclus1_clus", "sch_wide", "Yes", "wilson")
case_ciprop("wilson", "apiclus1_clus", "sch_wide", "Yes", "wilson", level = 0.90)
case_ciprop("wilson", "apiclus1_nofpc", "sch_wide", "Yes", "wilson")
case_ciprop("wilson", "apiclus1_clus", "sch_wide", "Yes", "wilson", domain = "stype:M")
case_ciprop("wilson", "apistrat_strat", "awards", "Yes", "wilson", domain = "stype:H")
case_ciprop("wilson", "apisrs_fpc", "awards", "Yes", "wilson")
case_ciprop("wilson", "pisa_taylor", "rare", "1", "wilson", note = "proportion near 0")
case_ciprop("wilson", "pisa_fay", "rare", "1", "wilson", note = "proportion near 0, replicate design")
case_ciprop("wilson", "apiclus1_jk1", "sch_wide", "Yes", "wilson")
case_ciprop("wilson", "fpc_ext_popsize", "y01", "1", "wilson", domain = "dom:a|b")
case_ciprop("wilson", "apistrat_ext_strat", "q", "4|5", "wilson", valid = "1..5", note = "top-2 box")
case_ciprop("wilson", "apistrat_strat", "stype", "E", "wilson", domain = "stype:E",
            note = "proportion exactly 1: V = 0, n_eff = NaN, R's formula gives NaN limits")
case_by_ciprop("wilson", "apiclus1_clus", "awards", "Yes", "stype", "wilson")

## 4. svychisq
for (st in c("F", "Chisq", "Wald", "adjWald", "saddlepoint")) {
  case_chisq("chisq", "apistrat_ext_strat", "sch_wide", "awards", st, note = "2x2")
  case_chisq("chisq", "apistrat_ext_strat", "stype", "awards", st, note = "3x2")
  case_chisq("chisq", "apistrat_ext_strat", "stype", "mealcat", st, note = "3x3")
  case_chisq("chisq", "apiclus1_ext_clus", "sch_wide", "awards", st, note = "2x2")
  case_chisq("chisq", "apiclus1_ext_clus", "stype", "awards", st, note = "3x2")
  case_chisq("chisq", "apiclus1_ext_clus", "stype", "enrcat", st, note = "3x3")
}
for (st in c("F", "Chisq", "Wald", "adjWald")) {
  case_chisq("chisq", "apistrat_ext_strat", "stype", "mealcat_na", st,
             note = "3x3, missing values in mealcat_na: N and nu count every row of the design, the cell proportions use the complete rows (na.rm domain)")
  case_chisq("chisq", "apiclus2_ext_ultimate", "stype", "enrcat", st,
             note = "3x3, enrcat missing where enroll is missing: N and nu count every row of the design")
  case_chisq("chisq", "pisa_taylor", "gender", "item", st, note = "2x2, 40 strata x 2 PSUs")
}

## 6. quantiles
for (k in c("apistrat_strat", "apiclus1_clus", "apisrs_nofpc")) for (qr in c("math", "school"))
  case_quantile("quantile", k, "api00", c(0.1, 0.5, 0.9), qrule = qr)
case_quantile("quantile", "apistrat_ext_strat", "q5", c(0.1, 0.25, 0.5, 0.75, 0.9), qrule = "math",
              note = "5-point item, many ties")
case_quantile("quantile", "apistrat_ext_strat", "q5", c(0.1, 0.25, 0.5, 0.75, 0.9), qrule = "school",
              note = "5-point item, many ties")
case_quantile("quantile", "apisrs_heavy", "api00", c(0.1, 0.5, 0.9), qrule = "math",
              note = "lowest value carries ~25% of the weight (p=0.1: R returns x_2, kit README 7.7)")
case_quantile("quantile", "apisrs_heavy", "api00", c(0.1, 0.5, 0.9), qrule = "school",
              note = "lowest value carries ~25% of the weight")
case_quantile("quantile", "apiclus1_jk1", "api00", c(0.25, 0.5, 0.75), qrule = "school")
case_quantile("quantile", "apiclus1_clus", "api00", c(0.5), qrule = "math", domain = "stype:H",
              note = "domain")
case_quantile("quantile", "apiclus1_clus", "api00", c(0.5), qrule = "math", level = 0.9)
case_quantile("quantile", "apisrs_zw_nofpc", "api00", c(0.1, 0.5, 0.9), qrule = "math",
              note = "rows with weight 0 are dropped")

## 7. replicate designs
for (k in c("apistrat_jkn", "apistrat_jkn_mse", "apistrat_boot", "apistrat_boot_mse")) {
  case_mt("rep", k, "mean", "api00")
  case_mt("rep", k, "total", "enroll")
  case_mt("rep", k, "mean", "awards")
  case_ciprop("rep", k, "awards", "Yes", "logit")
  case_ciprop("rep", k, "awards", "Yes", "xlogit")
  case_ciprop("rep", k, "awards", "Yes", "beta")
  case_ciprop("rep", k, "awards", "Yes", "wilson")
  case_ratio("rep", k, "api_stu", "enroll", deff = FALSE)
  case_quantile("rep", k, "api00", c(0.5), qrule = "math")
}
case_mt("rep", "apistrat_jkn", "mean", "api00", domain = "stype:H|M")
case_ciprop("rep", "apistrat_jkn", "awards", "Yes", "logit", domain = "stype:H")
for (k in c("scd_fay", "scd_fay_mse")) {
  case_mt("rep", k, "mean", "alive", deff = "FALSE")
  case_mt("rep", k, "total", "arrests", deff = "FALSE")
  case_ratio("rep", k, "alive", "arrests", deff = FALSE)
  case_quantile("rep", k, "arrests", c(0.5), qrule = "math", interval_type = "quantile")
}
for (k in c("apiclus1_sdr", "apiclus1_sdr_mse", "apiclus1_other")) {
  case_mt("rep", k, "mean", "api00")
  case_mt("rep", k, "total", "enroll")
  case_ciprop("rep", k, "sch_wide", "Yes", "logit")
  case_ciprop("rep", k, "sch_wide", "Yes", "xlogit")
  case_ratio("rep", k, "api_stu", "enroll", deff = FALSE)
  case_quantile("rep", k, "api00", c(0.5), qrule = "math")
}
case_by("rep", "apiclus1_sdr", "by_mean", "api00", "stype")

## 8. PISA-shaped
for (k in c("pisa_taylor", "pisa_fay", "pisa_fay_mse", "pisa_brr", "pisa_brr_mse")) {
  case_mt("pisa", k, "mean", "score", na_rm = TRUE)
  case_mt("pisa", k, "total", "item", deff = "FALSE")
  case_ciprop("pisa", k, "item", "1", "logit")
  case_ciprop("pisa", k, "item", "1", "xlogit")
  case_ciprop("pisa", k, "item", "1", "beta")
  case_quantile("pisa", k, "score", c(0.5), qrule = "math")
  case_ratio("pisa", k, "score", "item", deff = FALSE)
  case_mt("pisa", k, "mean", "score", domain = "gender:F", na_rm = TRUE)
}
case_by("pisa", "pisa_fay", "by_mean", "score", "gender")
case_by("pisa", "pisa_taylor", "by_mean", "score", "gender")
case_contrast("pisa", "pisa_fay", "score", "gender", "F", "M")

## 2. domains
case_mt("subset", "apistrat_strat", "mean", "api00", domain = "stype:H")
case_mt("subset", "apistrat_strat", "total", "enroll", domain = "stype:H")
case_mt("subset", "apistrat_strat", "mean", "api00", domain = "awards:No&sch_wide:Yes")
case_mt("subset", "apistrat_strat", "mean", "awards", domain = "stype:E|M")
case_ciprop("subset", "apistrat_strat", "sch_wide", "Yes", "logit", domain = "awards:No")
case_ciprop("subset", "apistrat_strat", "sch_wide", "Yes", "beta", domain = "awards:No")
case_mt("subset", "apiclus1_clus", "mean", "api00", domain = "stype:H",
        note = "domain present in 8 of 15 PSUs")
case_mt("subset", "apiclus1_clus", "total", "enroll", domain = "stype:M")
case_mt("subset", "apiclus1_clus", "mean", "sch_wide", domain = "stype:H")
case_ciprop("subset", "apiclus1_clus", "awards", "Yes", "logit", domain = "stype:H")
case_ciprop("subset", "apiclus1_clus", "awards", "Yes", "xlogit", domain = "stype:H")
case_ciprop("subset", "apiclus1_clus", "awards", "Yes", "mean", domain = "stype:H")
case_mt("subset", "apiclus1_clus", "mean", "api00", domain = "dnum:637", deff = "FALSE",
        note = "domain = a single PSU of an unstratified design: degf 0, R's SE is rounding noise (~5e-16, exactly 0 in exact arithmetic); t with 0 df gives NaN limits")
case_mt("subset", "fpc_ext_popsize", "mean", "x", domain = "dom:a", note = "domain only in stratum 1")
case_mt("subset", "fpc_ext_popsize", "total", "x", domain = "dom:c", note = "domain only in stratum 2")
case_mt("subset", "fpc_ext_popsize", "mean", "x", domain = "dom:b",
        note = "domain with one row in stratum 2 (3 PSUs): not a lonely PSU")
case_mt("subset", "fpc_ext_popsize", "total", "x", domain = "dom:b")
case_ciprop("subset", "fpc_ext_popsize", "y01", "1", "logit", domain = "dom:a|c")
case_ciprop("subset", "fpc_ext_popsize", "y01", "1", "mean", domain = "dom:b")

## 3. edge cases
case_mt("edge", "apisrs_zw_fpc", "mean", "api00")
case_mt("edge", "apisrs_zw_fpc", "total", "enroll")
case_mt("edge", "apisrs_zw_nofpc", "mean", "api00")
case_mt("edge", "apisrs_zw_nofpc", "mean", "awards")
case_ciprop("edge", "apisrs_zw_fpc", "awards", "Yes", "logit")
case_ciprop("edge", "apisrs_zw_fpc", "awards", "Yes", "beta",
            note = "nrow counts the zero-weight rows (nrow(design) = 200)")
case_ratio("edge", "apisrs_zw_fpc", "api00", "api99")
add_error("edge", "apiclus1", "apiclus1_onepsu", "design", "api00", "", ONEPSU,
          note = "R raises an error when the design is built (one PSU in the whole design)")
local({
  ## the same 11 rows as an unclustered design (each row a PSU) work
  des <- ONEPSU_STRAT
  D$apiclus1_onepsu_rows <<- des; DS$apiclus1_onepsu_rows <<- "apiclus1"; LONELY$apiclus1_onepsu_rows <<- "fail"
  r <- setNames(rep("", length(DCOLS)), DCOLS)
  r[c("design", "dataset", "subset", "type", "weight", "nest", "lonely_psu", "degf", "note")] <-
    c("apiclus1_onepsu_rows", "apiclus1", "dnum:637", "taylor", "pw", "FALSE", "fail",
      as.character(degf(des)), "the rows of district 637 only, each row its own PSU")
  DROWS[[length(DROWS) + 1]] <<- r
})
case_mt("edge", "apiclus1_onepsu_rows", "mean", "api00")

## 5. by / contrast / ttest on domains that share PSUs
case_by("by_mean", "apiclus1_clus", "by_mean", "api00", "stype")
case_by("by_mean", "apiclus1_clus", "by_total", "enroll", "stype")
case_by("by_mean", "apiclus1_clus", "by_mean", "enroll", "awards")
case_by("by_mean", "apiclus2_ultimate", "by_mean", "enroll", "stype")
case_by_ciprop("by_ciprop", "apiclus1_clus", "sch_wide", "Yes", "stype", "logit")
case_by_ciprop("by_ciprop", "apiclus1_clus", "sch_wide", "Yes", "stype", "mean")
case_by_ciprop("by_ciprop", "apiclus1_clus", "awards", "Yes", "stype", "beta")
case_contrast("contrast", "apiclus1_clus", "api00", "stype", "E", "H")
case_contrast("contrast", "apiclus1_clus", "api00", "stype", "E", "M")
case_contrast("contrast", "apiclus1_clus", "api00", "stype", "H", "M")
case_contrast("contrast", "apiclus1_clus", "enroll", "awards", "Yes", "No")
case_contrast("contrast", "apistrat_strat", "api00", "stype", "E", "H",
              note = "groups = strata: covariance 0")
case_contrast("contrast", "apiclus2_ultimate", "enroll", "stype", "E", "M")
case_ttest("ttest", "apiclus1_clus", "api00", "awards")
case_ttest("ttest", "apiclus1_clus", "enroll", "sch_wide")
case_ttest("ttest", "apistrat_strat", "api00", "awards")
case_ttest("ttest", "apiclus1_ext_clus", "api00", "stype2")
case_ttest("ttest", "apiclus2_ultimate", "enroll", "stype", domain = "stype:E|M")
case_ttest("ttest", "apiclus1_jk1", "api00", "awards")
case_ttest("ttest", "pisa_taylor", "score", "gender")

## 9. Likert distribution and multi-select
case_mt("likert", "apistrat_ext_strat", "mean", "q", valid = "1..5", factor_levels = TRUE,
        note = "svymean(~factor(q)) among valid answers 1..5 (svy_dist)")
case_mt("likert", "apistrat_ext_strat", "mean", "q", valid = "-1..5", factor_levels = TRUE,
        note = "dk (-1) kept as a category")
case_mt("likert", "apistrat_ext_strat", "total", "q", valid = "1..5", factor_levels = TRUE)
case_mt("likert", "apistrat_ext_strat", "mean", "q", valid = "1..5", factor_levels = TRUE,
        domain = "stype:E&sch_wide:No", note = "domain; scale point 2 has no answer in the domain: estimate 0, SE 0")
case_mt("likert", "apistrat_ext_strat", "mean", "q", valid = "1..5",
        note = "mean score of the valid answers")
case_ciprop("likert", "apistrat_ext_strat", "q", "4|5", "logit", valid = "1..5", note = "top-2 box")
case_ciprop("likert", "apistrat_ext_strat", "q", "1|2", "beta", valid = "1..5", note = "bottom-2 box")
local({
  key <- "apistrat_ext_strat"; des <- D[[key]]; df <- des$variables
  ok <- !is.na(df$opt1)
  sub <- des[ok, ]
  m <- svymean(~opt1 + opt2 + opt3, sub, deff = TRUE)
  V <- vcov(m); dg <- degf(sub); est <- coef(m); se <- SE(m); de <- deff(m)
  for (i in 1:3) {
    add_case("choices", "apistrat_ext", key, "mean", paste0("opt", i),
             "set=opt1+opt2+opt3;na_rm=TRUE;deff=TRUE;ci_df=degf;conf_level=0.95",
             estimate = est[i], se = se[i], lo = est[i] - tq(0.95, dg) * se[i],
             hi = est[i] + tq(0.95, dg) * se[i], df = dg, deff = de[i],
             extra = kv(degf = dg, n = sum(ok), sum_w = sum(weights(sub)),
                        cov_12 = V[1, 2], cov_13 = V[1, 3], cov_23 = V[2, 3]),
             note = "multi-select: share choosing option i among respondents (opt* missing = question skipped); cov_ij = covariance of the shares of options i and j")
  }
  for (pr in list(c(1, 2), c(1, 3), c(2, 3))) {
    cc <- svycontrast(m, setNames(c(1, -1), paste0("opt", pr)))
    e <- as.numeric(coef(cc)); s <- as.numeric(SE(cc))
    add_case("choices", "apistrat_ext", key, "contrast_mean", paste0("opt", pr[1], "-opt", pr[2]),
             "set=opt1+opt2+opt3;na_rm=TRUE;ci_df=degf;conf_level=0.95",
             level = paste0("opt", pr[1], "-opt", pr[2]),
             estimate = e, se = s, lo = e - tq(0.95, dg) * s, hi = e + tq(0.95, dg) * s, df = dg,
             extra = kv(degf = dg, t = e / s, p_value = 2 * pt(-abs(e / s), dg)),
             note = "difference of two option shares (svycontrast of the joint svymean); p_value two-sided t(degf)")
  }
})

## score intervals with rows of weight 0: R's x (IQR, min, max, the unweighted share) keeps them
case_quantile("quantile", "apisrs_zw_nofpc", "api00", c(0.25, 0.5), qrule = "math", interval_type = "score",
              note = "score: rows with weight 0 count in R's unweighted values")
case_quantile("quantile", "apisrs_zw_fpc", "api00", c(0.5), qrule = "hf7", interval_type = "score",
              note = "score: rows with weight 0 count in R's unweighted values")

## ===================================================================
## write outputs
## ===================================================================
dd <- as.data.frame(do.call(rbind, DROWS), stringsAsFactors = FALSE)[, DCOLS]
con <- file("designs_extra.csv", "wb")
writeLines(c(paste(DCOLS, collapse = ","), do.call(paste, c(lapply(dd, csvq), sep = ","))), con, sep = "\n")
close(con)

cc <- as.data.frame(do.call(rbind, CASES), stringsAsFactors = FALSE)
rt <- setNames(dd$rep_type, dd$design)
i <- cc$kind == "rep"
cc$kind[i] <- paste0("rep_", c(JKn = "jkn", bootstrap = "boot", Fay = "fay", BRR = "brr",
                               SDR = "sdr", other = "other", JK1 = "jk1")[rt[cc$design[i]]])
cc <- cbind(case_id = sprintf("X%04d", seq_len(nrow(cc))), cc)
con <- file("cases_extra.csv", "wb")
writeLines(c(paste(names(cc), collapse = ","), do.call(paste, c(lapply(cc, csvq), sep = ","))), con, sep = "\n")
close(con)

cat(sprintf("%d designs, %d cases\n", nrow(dd), nrow(cc)))
print(table(cc$kind, cc$statistic))
