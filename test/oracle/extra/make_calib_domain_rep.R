## make_calib_domain_rep.R -- extra oracle cases: domains and tables on calibrated REPLICATE designs
## (SPEC §9; kit README §7.14 calib_rep): svyby, svymean(~factor) and svychisq on make_calib_rep.R's
## KR_* designs, where R calibrates every replicate to the same population (no residualisation).
##
## Run:  cd test/oracle/extra && Rscript make_calib_domain_rep.R   (R 4.2.2, survey 4.1.1)
## Writes cases_calib_domain_rep.csv (ids KDR01...).  The designs are defined in designs_calib_rep.csv
## (rebuilt from the same files, checked against its calibrated weights and degf), so this generator
## writes no designs (calib_rep_designs.R); the case writers are make_calib_domain.R's (case_by, case_levels,
## case_chisq).

source("calib_helpers.R")
source("calib_rep_designs.R")
use_defs("make_calib_domain.R", c("case_by", "case_levels", "case_chisq"))

clus <- read_ds("apiclus1")
D <- kr_designs(clus)
DS[names(D)] <- "apiclus1"

case_by("calib_rep", "KR_apiclus1_jk1_ps", "by_mean", "api00", "stype")
case_by("calib_rep", "KR_apiclus1_jk1_ps", "by_total", "enroll", "awards")
case_by("calib_rep", "KR_apiclus1_jk1_linear", "by_mean", "api00", "awards")
case_by("calib_rep", "KR_apiclus1_jk1_linear", "by_mean", "api00", "stype", domain = "sch_wide:Yes")
case_levels("calib_rep", "KR_apiclus1_jk1_linear", "mean", "awards")
case_levels("calib_rep", "KR_apiclus1_jk1_ps", "total", "stype")
case_chisq("calib_rep", "KR_apiclus1_boot_rake_tight", "stype", "awards", "F")
case_chisq("calib_rep", "KR_apiclus1_boot_rake_tight", "sch_wide", "awards", "Chisq")

cat(sprintf("%d cases\n", write_cases("cases_calib_domain_rep.csv", "KDR%02d")))
