## make_calib_domain_rep.R -- extra oracle cases: domains and tables on calibrated REPLICATE designs
## (SPEC §9; kit README §7.14 calib_rep): svyby, svymean(~factor) and svychisq on make_calib_rep.R's
## KR_* designs, where R calibrates every replicate to the same population (no residualisation).
##
## Run:  cd test/oracle/extra && Rscript make_calib_domain_rep.R   (R 4.2.2, survey 4.1.1)
## Writes cases_calib_domain_rep.csv (ids KDR01...).  The designs are defined in designs_calib_rep.csv
## (rebuilt here from the same files, checked against its calibrated weights and degf), so this generator
## writes no designs; the case writers are make_calib_domain.R's (case_by, case_levels, case_chisq).

source("calib_helpers.R")
local({
  ## only the case writers' definitions of make_calib_domain.R, not its script
  for (e in parse("make_calib_domain.R"))
    if (is.call(e) && identical(e[[1]], as.name("<-")) && is.name(e[[2]]) &&
        as.character(e[[2]]) %in% c("case_by", "case_levels", "case_chisq"))
      eval(e, globalenv())
})
## their n counts weights(design) != 0, a matrix of replicate weights here: count the rows
weights <- function(object, ...)
  if (inherits(object, "svyrep.design") && ...length() == 0) object$pweights else stats::weights(object, ...)

clus <- read_ds("apiclus1")
kr <- read.csv("designs_calib_rep.csv", stringsAsFactors = FALSE)
rep_of <- function(key) {
  s <- kr[kr$design == key, ]
  rw <- read.csv(s$rep_file)
  stopifnot(nrow(s) == 1, all(rw$id == clus$id))
  svrepdesign(data = clus, repweights = as.matrix(rw[, -(1:2)]), weights = rw$base_weight, type = s$rep_type,
              scale = s$scale, rscales = 1, combined.weights = FALSE, mse = FALSE)
}
pop_sw <- data.frame(sch_wide = c("No", "Yes"), Freq = c(1072, 5122))
pop_st <- data.frame(stype = c("E", "H", "M"), Freq = c(4421, 755, 1018))
pop_lin <- c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069)

D$KR_apiclus1_jk1_ps <- postStratify(rep_of("KR_apiclus1_jk1_ps"), ~sch_wide, pop_sw)
D$KR_apiclus1_jk1_linear <- calibrate(rep_of("KR_apiclus1_jk1_linear"), ~sch_wide + api99, population = pop_lin,
                                      compress = FALSE)
D$KR_apiclus1_boot_rake_tight <- rake(rep_of("KR_apiclus1_boot_rake_tight"), list(~stype, ~sch_wide),
                                      list(pop_st, pop_sw), control = list(maxit = 100, epsilon = 1e-10))
for (k in names(D)) {
  cw <- read.csv(kr$calib_file[kr$design == k])
  stopifnot(max(abs(cw$weight - weights(D[[k]], "sampling"))) < 1e-9 * max(cw$weight),
            degf(D[[k]]) == as.numeric(kr$degf[kr$design == k]))
  DS[[k]] <- "apiclus1"
}

case_by("calib_rep", "KR_apiclus1_jk1_ps", "by_mean", "api00", "stype")
case_by("calib_rep", "KR_apiclus1_jk1_ps", "by_total", "enroll", "awards")
case_by("calib_rep", "KR_apiclus1_jk1_linear", "by_mean", "api00", "awards")
case_by("calib_rep", "KR_apiclus1_jk1_linear", "by_mean", "api00", "stype", domain = "sch_wide:Yes")
case_levels("calib_rep", "KR_apiclus1_jk1_linear", "mean", "awards")
case_levels("calib_rep", "KR_apiclus1_jk1_ps", "total", "stype")
case_chisq("calib_rep", "KR_apiclus1_boot_rake_tight", "stype", "awards", "F")
case_chisq("calib_rep", "KR_apiclus1_boot_rake_tight", "sch_wide", "awards", "Chisq")

cc <- as.data.frame(do.call(rbind, CASES), stringsAsFactors = FALSE)
cc <- cbind(case_id = sprintf("KDR%02d", seq_len(nrow(cc))), cc)
write_rows(cc, "cases_calib_domain_rep.csv")
cat(sprintf("%d cases\n", nrow(cc)))
