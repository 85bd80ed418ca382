# Reference numbers for test_calibrate.c (Rscript calib_oracle.R; survey 4.1.1).
suppressMessages(library(survey))
df <- data.frame(
  a = factor(c(1,1,1,1,2,2,2,2,3,3,3,3)),
  b = factor(c(0,1,0,1,1,0,0,1,0,1,1,1)),
  d = c(5,7,6,8,9,4,6,10,8,9,7,11),
  v = c(2.5,3.1,1.2,4.4,5.0,2.2,3.3,1.8,2.9,4.1,3.6,2.0),
  y = c(1.2,3.4,2.2,5.1,0.7,2.8,3.3,4.0,6.1,2.2,1.9,3.0))
des <- svydesign(ids = ~1, weights = ~d, data = df)
popa <- data.frame(a = factor(1:3), Freq = c(40, 30, 30))
popb <- data.frame(b = factor(0:1), Freq = c(45, 55))
out <- function(name, d) {
  cat(sprintf("/* %s */\n", name))
  cat(sprintf("static const double %s_w[12] = {%s};\n", name, paste(sprintf("%.17g", weights(d)), collapse = ", ")))
  t <- svytotal(~y, d)
  m <- svymean(~y, d)
  cat(sprintf("static const double %s_tot[2] = {%.17g, %.17g};\n", name, coef(t), SE(t)))
  cat(sprintf("static const double %s_mean[2] = {%.17g, %.17g};\n", name, coef(m), SE(m)))
}
out("ps", postStratify(des, ~a, popa))
out("rake_default", suppressWarnings(rake(des, list(~a, ~b), list(popa, popb))))
out("rake_maxit1", suppressWarnings(rake(des, list(~a, ~b), list(popa, popb), control = list(maxit = 1, epsilon = 1e-12))))
out("rake_tight", rake(des, list(~a, ~b), list(popa, popb), control = list(maxit = 100, epsilon = 1e-12)))
out("linear", calibrate(des, ~a + b + v, population = c(`(Intercept)` = 100, a2 = 30, a3 = 30, b1 = 55, v = 320)))
out("raking", calibrate(des, ~a + b, population = c(`(Intercept)` = 100, a2 = 30, a3 = 30, b1 = 55), calfun = "raking"))
out("logit", calibrate(des, ~a + b, population = c(`(Intercept)` = 100, a2 = 30, a3 = 30, b1 = 55), calfun = "logit", bounds = c(0.7, 2.1)))
# numeric auxiliary with raking and logit: g = F(x'lambda) of each row's own v (the SQL: a cell per distinct v)
out("raking_num", calibrate(des, ~a + b + v, population = c(`(Intercept)` = 100, a2 = 30, a3 = 30, b1 = 55, v = 320), calfun = "raking"))
out("logit_num", calibrate(des, ~a + b + v, population = c(`(Intercept)` = 100, a2 = 30, a3 = 30, b1 = 55, v = 320), calfun = "logit", bounds = c(0.4, 2.5)))
# bounded linear (calfun = "linear", bounds): g = 1 + x'lambda clipped to [L, U], grake's Newton steps;
# bounds it cannot meet with force = TRUE: R's weights after maxit pseudo-inverse (MASS::ginv) steps;
# raking with bounds (exp(x'lambda) clipped)
out("linbound", calibrate(des, ~a + b + v, population = c(`(Intercept)` = 100, a2 = 30, a3 = 30, b1 = 55, v = 320), bounds = c(0.5, 1.7)))
out("linbound_unmet", suppressWarnings(calibrate(des, ~a + b + v, population = c(`(Intercept)` = 100, a2 = 30, a3 = 30, b1 = 55, v = 320), bounds = c(0.8, 1.4), force = TRUE)))
out("rakbound", calibrate(des, ~a + b, population = c(`(Intercept)` = 100, a2 = 30, a3 = 30, b1 = 55), calfun = "raking", bounds = c(0.5, 1.7)))
