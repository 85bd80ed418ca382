## calib_rep_designs.R -- kr_designs(clus): three of make_calib_rep.R's calibrated replicate designs KR_*,
## rebuilt from designs_calib_rep.csv and its multiplier files and checked against the calibrated weights
## and degf written there, for the generators that reuse them (make_calib_domain_rep.R, make_glm_calib_rep.R).
## Sourced with the working directory test/oracle/extra; clus: the apiclus1 data frame, in file order.

kr_designs <- function(clus) {
  kr <- read.csv("designs_calib_rep.csv", stringsAsFactors = FALSE)
  rep_of <- function(key) {
    s <- kr[kr$design == key, ]
    rw <- read.csv(s$rep_file)
    stopifnot(nrow(s) == 1, all(rw$id == clus$id))
    svrepdesign(data = clus, repweights = as.matrix(rw[, -(1:2)]), weights = rw$base_weight, type = s$rep_type,
                scale = s$scale, rscales = 1, combined.weights = FALSE, mse = FALSE)
  }
  pop_sw <- data.frame(sch_wide = factor(c("No", "Yes")), Freq = c(1072, 5122))
  pop_st <- data.frame(stype = factor(c("E", "H", "M")), Freq = c(4421, 755, 1018))
  pop_lin <- c(`(Intercept)` = 6194, sch_wideYes = 5122, api99 = 3914069)
  D <- list(
    KR_apiclus1_jk1_ps = postStratify(rep_of("KR_apiclus1_jk1_ps"), ~sch_wide, pop_sw),
    KR_apiclus1_jk1_linear = calibrate(rep_of("KR_apiclus1_jk1_linear"), ~sch_wide + api99, population = pop_lin,
                                       compress = FALSE),
    KR_apiclus1_boot_rake_tight = rake(rep_of("KR_apiclus1_boot_rake_tight"), list(~stype, ~sch_wide),
                                       list(pop_st, pop_sw), control = list(maxit = 100, epsilon = 1e-10)))
  for (k in names(D)) {
    cw <- read.csv(kr$calib_file[kr$design == k])
    stopifnot(max(abs(cw$weight - weights(D[[k]], "sampling"))) < 1e-9 * max(cw$weight),
              degf(D[[k]]) == as.numeric(kr$degf[kr$design == k]))
  }
  D
}
