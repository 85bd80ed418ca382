/*
 * matrix.c — small dense linear algebra (see matrix.h).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "handlers.h"
#include "matrix.h"

#define A(i, j) a[(size_t) (i) * n + (j)]

static double
max_abs(int n, const double *a)
{
	double		m = 0.0;

	for (size_t k = 0; k < (size_t) n * n; k++)
		if (fabs(a[k]) > m)
			m = fabs(a[k]);
	return m;
}

int
svy_mat_cholesky(int n, double *a)
{
	/* pivots below this are rounding noise: the matrix is singular */
	double		tiny = max_abs(n, a) * n * DBL_EPSILON;

	for (int j = 0; j < n; j++)
	{
		double		d = A(j, j);

		svy_check_interrupts();
		for (int k = 0; k < j; k++)
			d -= A(j, k) * A(j, k);
		if (!(d > tiny))
			return -1;
		d = sqrt(d);
		A(j, j) = d;
		for (int i = j + 1; i < n; i++)
		{
			double		s = A(i, j);

			for (int k = 0; k < j; k++)
				s -= A(i, k) * A(j, k);
			A(i, j) = s / d;
		}
		for (int i = 0; i < j; i++)
			A(i, j) = 0.0;
	}
	return 0;
}

void
svy_mat_forward(int n, const double *l, double *b, int m)
{
	for (int c = 0; c < m; c++)
	{
		svy_check_interrupts();
		for (int i = 0; i < n; i++)
		{
			double		s = b[(size_t) i * m + c];

			for (int k = 0; k < i; k++)
				s -= l[(size_t) i * n + k] * b[(size_t) k * m + c];
			b[(size_t) i * m + c] = s / l[(size_t) i * n + i];
		}
	}
}

int
svy_mat_solve(int n, double *a, double *b, int m)
{
	double		tiny = max_abs(n, a) * n * DBL_EPSILON;

	for (int j = 0; j < n; j++)
	{
		int			p = j;

		svy_check_interrupts();
		for (int i = j + 1; i < n; i++)
			if (fabs(A(i, j)) > fabs(A(p, j)))
				p = i;
		if (!(fabs(A(p, j)) > tiny))
			return -1;
		if (p != j)
		{
			for (int k = 0; k < n; k++)
			{
				double		t = A(j, k);

				A(j, k) = A(p, k);
				A(p, k) = t;
			}
			for (int c = 0; c < m; c++)
			{
				double		t = b[(size_t) j * m + c];

				b[(size_t) j * m + c] = b[(size_t) p * m + c];
				b[(size_t) p * m + c] = t;
			}
		}
		for (int i = j + 1; i < n; i++)
		{
			double		f = A(i, j) / A(j, j);

			if (f == 0.0)
				continue;
			for (int k = j; k < n; k++)
				A(i, k) -= f * A(j, k);
			for (int c = 0; c < m; c++)
				b[(size_t) i * m + c] -= f * b[(size_t) j * m + c];
		}
	}
	for (int c = 0; c < m; c++)
	{
		svy_check_interrupts();
		for (int i = n - 1; i >= 0; i--)
		{
			double		s = b[(size_t) i * m + c];

			for (int k = i + 1; k < n; k++)
				s -= A(i, k) * b[(size_t) k * m + c];
			b[(size_t) i * m + c] = s / A(i, i);
		}
	}
	return 0;
}

void
svy_mat_congruence(int n, int k, const double *v, const double *b, double *h, double *out)
{
	for (int c = 0; c < n; c++)
	{
		svy_check_interrupts();
		for (int u = 0; u < k; u++)
		{
			double		s = 0.0;

			for (int d = 0; d < n; d++)
				s += v[(size_t) c * n + d] * b[(size_t) d * k + u];
			h[(size_t) c * k + u] = s;
		}
	}
	for (int u = 0; u < k; u++)
	{
		svy_check_interrupts();
		for (int w = 0; w < k; w++)
		{
			double		s = 0.0;

			for (int c = 0; c < n; c++)
				s += b[(size_t) c * k + u] * h[(size_t) c * k + w];
			out[(size_t) u * k + w] = s;
		}
	}
}

static int
cmp_desc(const void *x, const void *y)
{
	double		a = *(const double *) x,
				b = *(const double *) y;

	return (a < b) - (a > b);
}

/*
 * Cyclic Jacobi rotations of the symmetric A (overwritten) to its diagonal
 * of eigenvalues w; v (n x n, row-major) accumulates the eigenvectors as
 * its columns unless NULL.  Returns 0, or -1 if it did not converge.
 */
static int
sym_jacobi(int n, double *a, double *w, double *v)
{
	int			converged = 0;

	for (int i = 0; v && i < n; i++)
		for (int j = 0; j < n; j++)
			v[(size_t) i * n + j] = i == j;

	for (int sweep = 0; sweep < 100 && !converged; sweep++)
	{
		double		off = 0.0,
					diag = 0.0;

		svy_check_interrupts();
		for (int i = 0; i < n; i++)
		{
			diag += A(i, i) * A(i, i);
			for (int j = i + 1; j < n; j++)
				off += A(i, j) * A(i, j);
		}
		if (off <= DBL_EPSILON * DBL_EPSILON * diag || off == 0.0)
		{
			converged = 1;
			break;
		}
		for (int p = 0; p < n; p++)
		{
			svy_check_interrupts();
			for (int q = p + 1; q < n; q++)
			{
				double		apq = A(p, q),
							theta,
							t,
							c,
							s;

				if (apq == 0.0)
					continue;
				/* the rotation that zeroes A(p, q) (Golub & Van Loan, 3rd ed., 8.4) */
				theta = (A(q, q) - A(p, p)) / (2.0 * apq);
				t = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1.0));
				c = 1.0 / sqrt(t * t + 1.0);
				s = t * c;
				for (int k = 0; k < n; k++)
				{
					double		akp = A(k, p),
								akq = A(k, q);

					A(k, p) = c * akp - s * akq;
					A(k, q) = s * akp + c * akq;
				}
				for (int k = 0; k < n; k++)
				{
					double		apk = A(p, k),
								aqk = A(q, k);

					A(p, k) = c * apk - s * aqk;
					A(q, k) = s * apk + c * aqk;
				}
				for (int k = 0; v && k < n; k++)
				{
					double		vkp = v[(size_t) k * n + p],
								vkq = v[(size_t) k * n + q];

					v[(size_t) k * n + p] = c * vkp - s * vkq;
					v[(size_t) k * n + q] = s * vkp + c * vkq;
				}
			}
		}
	}
	for (int i = 0; i < n; i++)
		w[i] = A(i, i);
	return converged ? 0 : -1;
}

int
svy_mat_sym_eigenvalues(int n, double *a, double *w)
{
	int			rc = sym_jacobi(n, a, w, NULL);

	qsort(w, n, sizeof(double), cmp_desc);
	return rc;
}

int
svy_mat_sym_pinv_solve(int n, double *a, double *b, double tol, double *work)
{
	double	   *v = work;
	double	   *w = work + (size_t) n * n;
	double	   *c = w + n;
	double		top = 0.0;

	if (sym_jacobi(n, a, w, v) != 0)
		return -1;
	for (int i = 0; i < n; i++)
		top = fmax(top, fabs(w[i]));

	/* c = diag(1 / w, where |w| > tol max |w|) V' b; b = V c */
	for (int j = 0; j < n; j++)
	{
		double		x = 0.0;

		for (int i = 0; i < n; i++)
			x += v[(size_t) i * n + j] * b[i];
		c[j] = fabs(w[j]) > tol * top && top > 0.0 ? x / w[j] : 0.0;
	}
	for (int i = 0; i < n; i++)
	{
		double		x = 0.0;

		for (int j = 0; j < n; j++)
			x += v[(size_t) i * n + j] * c[j];
		b[i] = x;
	}
	return 0;
}
