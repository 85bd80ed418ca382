## glm_helpers.R -- shared by make_glm*.R (sourced, not run on its own): packages and
## options, CSV writing, data reading, design rows (DCOLS, drow) and model(), which fits one svyglm of the
## caller's design list D (datasets DSET, lonely-PSU rules LONELY) and adds its
## coefficient and regTermTest rows to CASES with ids CASE_ID_FORMAT.

suppressPackageStartupMessages({ library(stats); library(utils); library(survey) })
options(survey.lonely.psu = "fail", warn = 1, stringsAsFactors = FALSE)

## designs rows (kit §4): drow(design = ..., ...) is a row of DCOLS, the others empty
DCOLS <- c("design", "dataset", "subset", "type", "weight", "strata", "psu", "fpc", "fpc_type",
           "psu2", "fpc2", "nest", "lonely_psu", "degf", "rep_file", "rep_type", "n_rep", "scale",
           "rscales", "rho", "mse", "calibration", "calib_file", "note")
drow <- function(...) { r <- setNames(rep("", length(DCOLS)), DCOLS); v <- list(...); r[names(v)] <- unlist(v); r }

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


## ---- cases
CCOLS <- c("case_id", "kind", "dataset", "design", "statistic", "variable", "args", "level", "estimate",
           "se", "ci_lower", "ci_upper", "df", "deff", "extra", "note")
CASES <- list()
add <- function(...) {
  r <- setNames(rep("", length(CCOLS)), CCOLS); v <- list(...); r[names(v)] <- unlist(v)
  r["case_id"] <- sprintf(CASE_ID_FORMAT, length(CASES) + 1); r["kind"] <- "glm"
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
