"""An independent refit of BG/NBD and Gamma-Gamma on the CDNOW 2,357-customer summary, with tight tolerances: the
reference values CdnowFitTest pins (issue 16). Nothing of Kindred is used: the log-likelihoods are written out here
from Fader, Hardie & Lee (2005, eq. 6) and Fader, Hardie & Lee's Gamma-Gamma note (2013, eq. 5), maximised with
SciPy's BFGS on the log-parameters from two starting points and polished with Newton steps on a numerical Hessian;
standard errors are the square roots of the diagonal of the inverse observed information (the negative Hessian of
the total log-likelihood in the natural parameters), by central differences with Richardson extrapolation (relative steps of 3e-3 and 1.5e-3: from 1e-2 to 1e-3 the
errors agree to 3e-7 relative; smaller steps drown in rounding, as the total log-likelihood is near 1e4).

Run with the benchmark's environment (bench/requirements.txt pins numpy and scipy):
    bench/.venv/bin/python common/src/test/resources/cdnow/refit.py
"""

import csv
import math
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln

rows = list(csv.DictReader((Path(__file__).parent / "cdnow_customers_summary_with_transactions.csv").open()))
x = np.array([int(r["x"]) for r in rows], dtype=float)
tx = np.array([float(r["t_x"]) for r in rows])
T = np.array([float(r["T"]) for r in rows])
zbar = np.array([float(r["zbar"]) for r in rows])


def bgnbd_ll(params):
    r, alpha, a, b = params
    common = gammaln(r + x) - gammaln(r) + r * math.log(alpha)
    first = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        second = np.where(x > 0, betaln(a + 1, b + np.maximum(x, 1) - 1) - betaln(a, b)
                          - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(common + np.logaddexp(first, second)))


repeat = x > 0
xr, mr = x[repeat], zbar[repeat]


def gg_ll(params):
    p, q, gamma = params
    return float(np.sum(gammaln(p * xr + q) - gammaln(p * xr) - gammaln(q) + q * math.log(gamma)
                        + (p * xr - 1) * np.log(mr) + p * xr * np.log(xr) - (p * xr + q) * np.log(gamma + mr * xr)))


def hessian(f, v, rel=3e-3):
    """Central-difference Hessian of f at v with Richardson extrapolation (steps h and h/2)."""
    n = len(v)

    def at(h):
        out = np.zeros((n, n))
        for i in range(n):
            for j in range(i, n):
                def shifted(si, sj):
                    w = np.array(v, dtype=float)
                    w[i] += si * h[i]
                    w[j] += sj * h[j]
                    return f(w)
                out[i, j] = out[j, i] = (shifted(1, 1) - shifted(1, -1) - shifted(-1, 1) + shifted(-1, -1)) \
                    / (4 * h[i] * h[j])
        return out

    h = np.abs(np.array(v)) * rel
    return (4 * at(h / 2) - at(h)) / 3


def fit(ll, starts):
    best = None
    for start in starts:
        res = minimize(lambda w: -ll(np.exp(w)), np.log(start), method="BFGS", options={"gtol": 1e-10})
        if best is None or res.fun < best.fun:
            best = res
    v = np.exp(best.x)
    for _ in range(5):  # Newton polish in the natural parameters
        g = np.array([(ll(v + e) - ll(v - e)) / (2 * e[i]) for i, e in enumerate(np.diag(np.abs(v) * 1e-6))])
        v = v - np.linalg.solve(hessian(ll, v), g)
    se = np.sqrt(np.diag(np.linalg.inv(-hessian(ll, v))))
    return v, ll(v), se


for name, ll, names, starts in (
        ("BG/NBD", bgnbd_ll, ("r", "alpha", "a", "b"), ([1, 1, 1, 1], [0.3, 5, 0.5, 3])),
        ("Gamma-Gamma", gg_ll, ("p", "q", "gamma"), ([1, 1, 1], [5, 3, 10]))):
    v, value, se = fit(ll, starts)
    print(name + ": " + ", ".join(f"{n} {p:.9g} (se {s:.7g})" for n, p, s in zip(names, v, se))
          + f"; log-likelihood {value:.6f}")
