-- Title: 3. Do countries differ? Rao-Scott F test of country x answer, per item
--
-- For each item, the design-based test of independence between country and
-- the answer (1..5 for the Likert items; yes/no for needs_more_training):
-- Pearson's X^2 with the Rao-Scott second-order correction, referred to an F
-- distribution (R: svychisq(~country + item, design, statistic = "F")).
-- Missing reasons (dk, refused, na, skipped) are not answer categories here.
-- A small p-value means the distribution of answers differs between countries.
SET survey.lonely_psu = 'adjust';   -- Ireland's Dublin region is a single force (one PSU)

SELECT v.item,
       round(t.statistic::numeric, 2)  AS f,
       round(t.ndf::numeric, 2)        AS ndf,
       round(t.ddf::numeric, 1)        AS ddf,
       CASE WHEN t.p_value < 0.0001 THEN '<0.0001'
            ELSE to_char(t.p_value, 'FM0.0000') END AS p_value,
       CASE WHEN t.p_value < 0.05 THEN 'countries differ'
            ELSE 'no evidence of a difference' END  AS at_5_pct
FROM (SELECT svy_tab(country, q_confidence, design)              AS confidence,
             svy_tab(country, q_training_adequacy, design)       AS training,
             svy_tab(country, q_procedures_clarity, design)      AS procedures,
             svy_tab(country, q_industry_cooperation, design)    AS industry,
             svy_tab(country, q_crossborder_cooperation, design) AS crossborder,
             svy_tab(country, needs_more_training, design)       AS needs
      FROM demo.police) tabs
CROSS JOIN LATERAL (VALUES (1, 'confidence handling OCSA cases',  tabs.confidence),
                           (2, 'adequacy of training received',   tabs.training),
                           (3, 'clarity of procedures',           tabs.procedures),
                           (4, 'cooperation with industry',       tabs.industry),
                           (5, 'cross-border cooperation',        tabs.crossborder),
                           (6, 'needs more training (yes/no)',    tabs.needs)
                   ) AS v(ord, item, tab)
CROSS JOIN LATERAL svy_chisq(v.tab, 'F') AS t
ORDER BY v.ord;
