/*
 * matrix.h — the small dense linear algebra the test statistics need:
 * Cholesky factor, LU solve with partial pivoting, the congruence B' V B,
 * symmetric eigenvalues and the pseudo-inverse.  Matrices are row-major arrays of double.  No postgres.h here.
 */
#ifndef SVY_MATRIX_H
#define SVY_MATRIX_H

/*
 * Cholesky factor A = L L' in place (lower triangle; the upper triangle is
 * zeroed).  Returns 0, or -1 if A is not numerically positive definite.
 */
extern int	svy_mat_cholesky(int n, double *a);

/* Solve L X = B in place for a lower-triangular L; B is n x m. */
extern void svy_mat_forward(int n, const double *l, double *b, int m);

/*
 * Solve A X = B (A n x n, B n x m, both overwritten; X in B) by Gaussian
 * elimination with partial pivoting.  Returns 0, or -1 if A is singular to
 * working precision.
 */
extern int	svy_mat_solve(int n, double *a, double *b, int m);

/*
 * out (k x k) = B' V B for V (n x n) and B (n x k); h (n x k) receives V B.
 */
extern void svy_mat_congruence(int n, int k, const double *v, const double *b, double *h, double *out);

/*
 * Eigenvalues of the symmetric A (overwritten) by cyclic Jacobi rotations,
 * in decreasing order (as R's eigen()).  Returns 0, or -1 if it did not
 * converge.
 */
extern int	svy_mat_sym_eigenvalues(int n, double *a, double *w);

/*
 * x = A^+ b for the symmetric A (overwritten), the Moore-Penrose
 * pseudo-inverse as R's MASS::ginv(A, tol): eigenvalues with |w| <= tol
 * times the largest |w| count as 0.  x overwrites b.  work: n * n + 2n
 * doubles.  Returns 0, or -1 if the eigenvalues did not converge.
 */
extern int	svy_mat_sym_pinv_solve(int n, double *a, double *b, double tol, double *work);

#endif
