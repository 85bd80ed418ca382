# R values for sql/quantile.sql: Rscript make_quantile.R > r_quantiles.csv (run in test/quantile; R 4.x, survey 4.1.1)
suppressMessages(library(survey))
set.seed(1)
n <- 60
d <- data.frame(id=1:n, st=rep(c("a","b","c"), each=20), psu=rep(1:12, each=5),
                w=rep(c(2,3,5), each=20) * rep(c(1,1.5), 30), y=round(rnorm(n, 50, 10)), k=sample(1:5, n, TRUE))
d$y[c(7, 33)] <- NA
write.csv(d, "qdata.csv", row.names=FALSE, na="")
ds <- svydesign(ids=~psu, strata=~st, weights=~w, data=d)
dn <- svydesign(ids=~1, strata=~st, weights=~w, data=d)
cat("design,variable,qrule,p,estimate,ci_lower,ci_upper,se\n")
for (des in list(ds, dn)) for (v in c("y","k")) for (r in c("math","school","hf3","hf4","hf5","hf6","hf7","hf8","hf9")) for (p in c(0.1, 0.5, 0.9)) {
  q <- svyquantile(as.formula(paste0("~", v)), des, p, qrule=r, ci=TRUE, na.rm=TRUE)[[1]]
  cat(sprintf("%s,%s,%s,%g,%.15g,%.15g,%.15g,%.15g\n", if (is.null(des$cluster) || ncol(des$cluster)==0 || all(des$cluster[[1]]==seq_len(n))) "nopsu" else "psu", v, r, p, q[1], q[2], q[3], q[4]))
}
