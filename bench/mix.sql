-- A dashboard mix for bench/concurrency.sh (pgbench -f): each transaction is
-- one panel of a survey dashboard, chosen at random, for a random country.
\set panel random(1, 6)
\set c random(1, 8)
\set d random(1, 30)
\if :panel = 1
-- per-country proportion with its CI
SELECT (svy_prop(y, svy_design(w, strata => s, psu => p))).* FROM survey_conc.t
WHERE country = (ARRAY['AT','BE','CZ','DE','ES','FR','IT','PL'])[:c];
\elif :panel = 2
-- domain means by region of one country (svy_by + svy_groups)
SELECT * FROM svy_groups((SELECT svy_by(x, region, svy_design(w, strata => s, psu => p))
                          FROM survey_conc.t WHERE country = (ARRAY['AT','BE','CZ','DE','ES','FR','IT','PL'])[:c]));
\elif :panel = 3
-- do countries differ on the rating item?  (svy_tab + svy_chisq over all rows)
SELECT * FROM svy_chisq((SELECT svy_tab(country, q, svy_design(w, strata => s, psu => p)) FROM survey_conc.t));
\elif :panel = 4
-- median and quartiles of x in one country
SELECT svy_quantiles(x, svy_design(w, strata => s, psu => p), '{0.25,0.5,0.75}') FROM survey_conc.t
WHERE country = (ARRAY['AT','BE','CZ','DE','ES','FR','IT','PL'])[:c];
\elif :panel = 5
-- rollup: merge the stored daily states of the first :d days
SELECT (svy_mean(svy_merge(st))).* FROM survey_conc.daily WHERE day <= :d;
\else
-- a country's stored states merged and finished as a total
SELECT (svy_total(svy_merge(st))).* FROM survey_conc.daily
WHERE country = (ARRAY['AT','BE','CZ','DE','ES','FR','IT','PL'])[:c];
\endif
