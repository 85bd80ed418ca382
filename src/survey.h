/*
 * survey.h — settings shared by the PostgreSQL layer.
 */
#ifndef SVY_SURVEY_H
#define SVY_SURVEY_H

/* survey.lonely_psu, an SvyLonely value */
extern int	survey_lonely_psu;

/* survey.min_cell_n: estimates from fewer rows have NULL numbers */
extern int	survey_min_cell_n;

#endif
