# oracle.R -- reference numbers for test_stats.c (survey 4.1.1, R 4.2.2).
# Run: Rscript oracle.R   (prints the values hard-coded in test_stats.c)
suppressMessages(library(survey))
p17 <- function(name, v) cat(sprintf("%-28s %s\n", name, paste(sprintf("%.17g", v), collapse = ", ")))

# ---- data set D: 3 strata, 8 PSUs, 12 rows --------------------------------
D <- data.frame(
  st  = c(1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3),
  psu = c(1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 8, 8),
  w   = c(10, 10, 12, 8, 8, 20, 15, 15, 5, 6, 7, 7),
  y   = c(3, 5, 4, 7, 2, 1, 6, 9, 2.5, 8, 3, 4),
  x   = c(2, 1, 3, 2, 4, 1, 5, 2, 1, 3, 2, 2),
  z   = c(1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 0, 1))
D$N   <- c(10, 10, 10, 10, 10, 5, 5, 5, 12, 12, 12, 12)   # popsize (PSUs)
D$fr  <- c(.3, .3, .3, .3, .3, .4, .4, .4, .25, .25, .25, .25)  # fraction
options(survey.lonely.psu = "fail")
des   <- svydesign(ids = ~psu, strata = ~st, weights = ~w, data = D)
desN  <- svydesign(ids = ~psu, strata = ~st, weights = ~w, fpc = ~N, data = D)
desF  <- svydesign(ids = ~psu, strata = ~st, weights = ~w, fpc = ~fr, data = D)

cat("== linearize: variance of total and mean of y\n")
for (nm in c("des", "desN", "desF")) {
  d <- get(nm)
  p17(paste(nm, "var total y"), vcov(svytotal(~y, d)))
  p17(paste(nm, "var mean y"), vcov(svymean(~y, d)))
}
# certainty stratum: stratum 2 with popsize 2 = n_h
D$Nc <- ifelse(D$st == 2, 2, D$N)
p17("certainty var total y", vcov(svytotal(~y, svydesign(ids = ~psu, strata = ~st, weights = ~w, fpc = ~Nc, data = D))))

cat("== lonely: D plus stratum 4 with a single PSU 9\n")
L <- rbind(D, data.frame(st = 4, psu = 9, w = c(9, 9), y = c(5, 3), x = c(1, 2), z = c(1, 0),
                         N = 4, fr = .25, Nc = 4))
for (mode in c("remove", "certainty", "adjust", "average")) {
  options(survey.lonely.psu = mode)
  dl  <- svydesign(ids = ~psu, strata = ~st, weights = ~w, data = L)
  dlN <- svydesign(ids = ~psu, strata = ~st, weights = ~w, fpc = ~N, data = L)
  p17(paste(mode, "var total y"), vcov(svytotal(~y, dl)))
  p17(paste(mode, "var mean y"), vcov(svymean(~y, dl)))
  p17(paste(mode, "fpc var total y"), vcov(svytotal(~y, dlN)))
}
options(survey.lonely.psu = "fail")
dl <- svydesign(ids = ~psu, strata = ~st, weights = ~w, data = L)
print(try(svytotal(~y, dl), silent = TRUE))
# single-PSU stratum with popsize 1: certainty, not lonely even under "fail"
L1 <- L; L1$N[L1$st == 4] <- 1
p17("fail, lonely N=1 var total y", vcov(svytotal(~y, svydesign(ids = ~psu, strata = ~st, weights = ~w, fpc = ~N, data = L1))))

cat("== estimator: full design des\n")
p17("degf", degf(des))
m <- svymean(~y, des, deff = TRUE); p17("mean y est se deff", c(coef(m), SE(m), deff(m)))
p17("mean y ci t(df)", confint(m, df = degf(des)))
t <- svytotal(~y, des, deff = TRUE); p17("total y est se deff", c(coef(t), SE(t), deff(t)))
p17("total y ci t(df)", confint(t, df = degf(des)))
r <- svyratio(~y, ~x, des, deff = TRUE); p17("ratio est se", c(coef(r), SE(r)))
print(deff(r))
p17("ratio deff", deff(r))
p17("ratio ci t(df)", confint(r, df = degf(des)))
pz <- svymean(~z, des, deff = TRUE); p17("prop z est se deff", c(coef(pz), SE(pz), deff(pz)))

ciprops <- function(d, label) {
  df <- degf(d)
  for (meth in c("logit", "xlogit", "asin", "beta", "mean", "likelihood")) {
    ci <- svyciprop(~z, d, method = meth, df = df)
    p17(paste(label, meth), c(coef(ci), attr(ci, "ci")))
  }
  m <- svymean(~z, d); p <- coef(m)[[1]]; v <- vcov(m)[[1]]
  q <- qt(0.975, df); n <- p * (1 - p) / v
  # Wilson by hand: centre = (p + q^2/(2n))/(1 + q^2/n), half = q/(1+q^2/n) sqrt(p(1-p)/n + q^2/(4n^2))
  centre <- (p + q^2 / (2 * n)) / (1 + q^2 / n)
  half <- q / (1 + q^2 / n) * sqrt(p * (1 - p) / n + q^2 / (4 * n^2))
  p17(paste(label, "wilson (hand)"), c(p, centre - half, centre + half))
  # likelihood, exact roots of (n_nz - 1) dev(mu) = q^2 v m / (p (1 - p))
  nnz <- sum(weights(d) != 0); mrows <- nrow(d)
  crit <- q^2 * v * mrows / (p * (1 - p))
  f <- function(mu) (nnz - 1) * 2 * (p * log(p / mu) + (1 - p) * log((1 - p) / (1 - mu))) - crit
  lo <- uniroot(f, c(1e-12, p), tol = 1e-15)$root; hi <- uniroot(f, c(p, 1 - 1e-12), tol = 1e-15)$root
  p17(paste(label, "likelihood (exact)"), c(p, lo, hi))
  p17(paste(label, "p var df nnz nrow"), c(p, v, df, nnz, mrows))
}
ciprops(des, "full")

cat("== estimator: domain y >= 4\n")
sub <- subset(des, y >= 4)
p17("domain degf nrow", c(degf(sub), nrow(sub)))
m <- svymean(~y, sub, deff = TRUE); p17("dom mean y est se deff", c(coef(m), SE(m), deff(m)))
t <- svytotal(~y, sub, deff = TRUE); p17("dom total y est se deff", c(coef(t), SE(t), deff(t)))
r <- svyratio(~y, ~x, sub, deff = TRUE); p17("dom ratio est se deff", c(coef(r), SE(r), deff(r)))
pz <- svymean(~z, sub, deff = TRUE); p17("dom prop z est se deff", c(coef(pz), SE(pz), deff(pz)))
ciprops(sub, "dom")
cat("== quantiles\n")
p17("qt(.975, c(1,5,30))", qt(.975, c(1, 5, 30)))
p17("qt(.95, 3) qt(.995, 12)", c(qt(.95, 3), qt(.995, 12)))
p17("qnorm(.975) qnorm(.95)", c(qnorm(.975), qnorm(.95)))
p17("2pt(-2.1,7) 2pnorm(-1.96)", c(2 * pt(-2.1, 7), 2 * pnorm(-1.96)))
cat("== replicate (JKn from des): per-replicate sums for the proportion z\n")
rdes <- as.svrepdesign(des, type = "JKn")
rw <- weights(rdes, "analysis")
p17("rep y_r = colSums(rw*z)", colSums(rw * D$z))
p17("rep x_r = colSums(rw)", colSums(rw))
p17("rep scale, rscales", c(rdes$scale, rdes$rscales))
p17("rep degf, mse", c(degf(rdes), rdes$mse))
m <- svymean(~z, rdes); p17("rep mean z est se", c(coef(m), SE(m)))
for (meth in c("logit", "xlogit")) {
  ci <- svyciprop(~z, rdes, method = meth, df = degf(rdes))
  p17(paste("rep", meth), c(coef(ci), attr(ci, "ci")))
}
