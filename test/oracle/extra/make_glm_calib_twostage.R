## make_glm_calib_twostage.R -- svyglm / regTermTest oracle cases (kind glm) on calibrated two-stage
## designs (SPEC §9 + §10 + §12): make_calib_twostage.R's apiclus2 designs (districts, then schools;
## fpc1 and fpc2), survey.ultimate.cluster = FALSE, so that the sandwich's meat is R's multistage
## variance of the residualised scores.
##
## Run:  cd test/oracle/extra && Rscript make_glm_calib_twostage.R   (R 4.2.2, survey 4.1.1)
## Writes cases_glm_calib_twostage.csv (ids GT01..); the designs are make_calib_twostage.R's
## (designs_calib_twostage.csv), rebuilt here the same way.  model() is glm_helpers.R's.

source("glm_helpers.R")
options(survey.ultimate.cluster = FALSE)

c2 <- read_ds("apiclus2_cal2")
c2$stype <- factor(c2$stype)
c2$hi99 <- factor(c2$hi99)
c2_d <- svydesign(ids = ~dnum + snum, fpc = ~fpc1 + fpc2, weights = ~pw, data = c2)
D <- list(
  KT_apiclus2_ps = postStratify(c2_d, ~stype, data.frame(stype = factor(c("E", "H", "M")), Freq = c(4421, 755, 1018))),
  KT_apiclus2_rake = rake(c2_d, list(~stype, ~hi99),
                          list(data.frame(stype = factor(c("E", "H", "M")), Freq = c(4421, 755, 1018)),
                               data.frame(hi99 = factor(c("no", "yes")), Freq = c(4161, 2033))),
                          control = list(maxit = 100, epsilon = 1e-10)),
  KT_apiclus2_linear_api99 = calibrate(c2_d, ~stype + api99,
                                       population = c(`(Intercept)` = 6194, stypeH = 755, stypeM = 1018, api99 = 3914069)))
DSET <- c(KT_apiclus2_ps = "apiclus2_cal2", KT_apiclus2_rake = "apiclus2_cal2", KT_apiclus2_linear_api99 = "apiclus2_cal2")
LONELY <- c(none = "fail")
CASE_ID_FORMAT <- "GT%02d"
ST <- list(stype = c("E", "H", "M"))

model("KT_apiclus2_ps", "gaussian", "api00", c("api99", "stype"), ST, tests = "stype",
      note = "post-stratified two-stage design: gaussian, Wald test")
model("KT_apiclus2_rake", "quasibinomial", "hi99", c("api00"), event = "yes",
      note = "raked two-stage design: logistic")
model("KT_apiclus2_linear_api99", "quasipoisson", "api_stu", c("api00", "stype"), ST, domain = "hi99:yes",
      note = "linear calibration of a two-stage design: quasipoisson in a domain")
model("KT_apiclus2_ps", "gaussian", "api00", c("enroll"),
      note = "post-stratified two-stage design: rows without enroll stay in the calibration")

write_rows(CASES, CCOLS, "cases_glm_calib_twostage.csv")
cat(length(CASES), "cases\n")
