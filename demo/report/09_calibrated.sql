-- Title: 9. Calibrated to published margins: key indicators, all countries
--
-- The same indicators for all officers (one design, all rows), first with the
-- design weights, then with the weights raked (svy_calibrate, method rake:
-- R's rake()) to the published officers by country and by role
-- (demo.officers_by_role, margins in demo.margins).
-- When to calibrate: when the sample's mix on something the population
-- figures know (here role: an online questionnaire reaches specialists more
-- easily than first responders) differs from the population's and the
-- answers depend on it. Calibration moves each estimate to what that mix
-- implies and lets the standard error use the margins as known; it cannot
-- repair selection on anything the margins do not cover.
-- weights: the range of g = calibrated / design weight and the raking sweeps
-- (svy_weights_summary).
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)

WITH cal AS (
    SELECT p.*,
           svy_calibrate(p.design, (SELECT svy_population(variable, level, total) FROM demo.margins),
                         ARRAY[p.country, p.role::text], method => 'rake') AS cal_design
    FROM demo.police p),
est AS (
    SELECT svy_prop(top_box(q_confidence), design)            AS confident,
           svy_prop(top_box(q_training_adequacy), design)     AS trained,
           svy_prop(needs_more_training, design)              AS needs_training,
           svy_prop(top_box(q_confidence), cal_design)        AS confident_cal,
           svy_prop(top_box(q_training_adequacy), cal_design) AS trained_cal,
           svy_prop(needs_more_training, cal_design)          AS needs_training_cal,
           svy_weights_summary(cal_design)                    AS ws
    FROM cal)
SELECT v.indicator,
       v.weighting,
       round(100 * (v.e).estimate::numeric, 1)  AS pct,
       round(100 * (v.e).ci_lower::numeric, 1)  AS ci_low,
       round(100 * (v.e).ci_upper::numeric, 1)  AS ci_high,
       round(100 * (v.e).std_error::numeric, 2) AS se_pts,
       (v.e).n                                  AS n,
       v.weights
FROM est
CROSS JOIN LATERAL (VALUES
    (1, 'confident (top-2)',         'design weights',            est.confident,          NULL),
    (2, 'confident (top-2)',         'raked to country and role', est.confident_cal,      NULL),
    (3, 'training adequate (top-2)', 'design weights',            est.trained,            NULL),
    (4, 'training adequate (top-2)', 'raked to country and role', est.trained_cal,        NULL),
    (5, 'needs more training',       'design weights',            est.needs_training,     NULL),
    (6, 'needs more training',       'raked to country and role', est.needs_training_cal,
        format('g from %s to %s, %s sweeps%s', round((est.ws).g_min::numeric, 2),
               round((est.ws).g_max::numeric, 2), (est.ws).iterations,
               CASE WHEN NOT (est.ws).converged THEN ' (not converged)' ELSE '' END))
) AS v(ord, indicator, weighting, e, weights)
ORDER BY v.ord;
