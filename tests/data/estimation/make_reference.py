#!/usr/bin/python3
"""Fixed datasets and independent reference results for the estimator tests.

Run with Debian's interpreter, which has statsmodels 0.13.5, scipy and pandas:

    /usr/bin/python3 tests/data/estimation/make_reference.py          # rewrite the files here
    /usr/bin/python3 tests/data/estimation/make_reference.py --check  # regenerate into a temp dir, compare

It rewrites the *.csv data files and the *_reference.csv files next to this
script (--check: compares them numerically, rel. 1e-10 plus, for a value whose own
rounding noise is larger, an absolute floor derived from it (ABSOLUTE_FLOOR), and exits 1 on a difference;
ctest runs it as estimation_reference_regenerates). Everything is seeded, so a rerun reproduces the files byte for byte
(up to the libraries' own floating-point behaviour). Reference files are flat
"key,value" CSV with 17 significant digits, read by tests/estimation/reference.hpp.

The Heckman two-step has no statsmodels implementation: it is computed here
from statsmodels' Probit and OLS plus the textbook corrected covariance
(Greene, Econometric Analysis, eq. 22-22) in numpy, independently of the C++.
"""
import glob
import os
import sys
import tempfile

import numpy as np
import pandas as pd
import scipy.stats as st
import statsmodels.api as sm
from scipy.stats import norm

HERE = os.path.dirname(os.path.abspath(__file__))
SPECTOR = "/usr/lib/python3/dist-packages/statsmodels/datasets/spector/spector.csv"


# Per (file, key) absolute tolerance for --check, where a value's own rounding noise
# exceeds the relative tolerance: each entry is derived from the quantity it guards.
ABSOLUTE_FLOOR = {}


def rounding_noise(mean_abs_term, n_summed):
    """Bound on the rounding error of a mean of n_summed terms whose mean absolute value is
    mean_abs_term (pairwise summation, as numpy's: log2(n) ulps, doubled: the terms' own rounding)."""
    return 2.0 * np.log2(max(n_summed, 2)) * np.finfo(float).eps * mean_abs_term


def write_reference(name, values):
    with open(os.path.join(HERE, name), "w") as f:
        f.write("key,value\n")
        for k, v in values.items():
            f.write(f"{k},{float(v):.17g}\n")


def put_table(out, prefix, names, coef, se):
    for n, b, s in zip(names, coef, se):
        out[f"{prefix}.{n}.coef"] = b
        out[f"{prefix}.{n}.se"] = s


# ---------------------------------------------------------------------------
# OLS with an absorbed industry factor, compared to explicit dummies.
# ---------------------------------------------------------------------------
def make_ols():
    rng = np.random.default_rng(20240501)
    n, n_ind, n_clusters = 600, 12, 40
    ind = rng.integers(0, n_ind, n) * 10 + 3          # non-contiguous codes on purpose
    cluster = rng.integers(0, n_clusters, n) + 1000
    alpha = {c: rng.normal(0, 1.5) for c in np.unique(ind)}
    x1 = rng.normal(2.0, 1.0, n) + 0.02 * ind          # correlated with the industry
    x2 = rng.lognormal(0.0, 0.7, n)
    d = (rng.random(n) < 0.3).astype(float)
    e = rng.normal(0, 1, n) * (0.5 + 0.5 * x2)         # heteroskedastic
    y = 1.0 + np.array([alpha[c] for c in ind]) + 0.8 * x1 - 0.5 * x2 + 0.4 * d + e
    df = pd.DataFrame(dict(y=y, x1=x1, x2=x2, d=d, industry=ind, cluster=cluster))
    df.to_csv(os.path.join(HERE, "ols_fe.csv"), index=False, float_format="%.17g")

    out = {}
    names = ["x1", "x2", "d"]
    dummies = pd.get_dummies(df["industry"], prefix="ind", dtype=float)
    # Stata's reg y x i.industry: constant plus all but the base level.
    X = pd.concat([df[names], dummies.iloc[:, 1:]], axis=1)
    X = sm.add_constant(X)
    # No-constant parametrisation: one dummy per level, so areg's _cons (the
    # grand-mean intercept ybar - xbar'b) is the count-weighted mean of the level effects.
    Xfull = pd.concat([df[names], dummies], axis=1)
    weights = np.r_[np.zeros(len(names)), dummies.mean().to_numpy()]
    kinds = {
        "classical": dict(cov_type="nonrobust"),
        "robust": dict(cov_type="HC1", use_t=True),
        "cluster": dict(cov_type="cluster", cov_kwds={"groups": df["cluster"]}, use_t=True),
    }
    for kind, kw in kinds.items():
        res = sm.OLS(df["y"], X).fit(**kw)
        put_table(out, f"fe.{kind}", names, res.params[names], res.bse[names])
        full = sm.OLS(df["y"], Xfull).fit(**kw)
        cons = full.t_test(weights)
        out[f"fe.{kind}._cons.coef"] = np.squeeze(cons.effect)
        out[f"fe.{kind}._cons.se"] = np.squeeze(cons.sd)
        r = np.zeros((len(names), X.shape[1]))
        for j, nm in enumerate(names):
            r[j, list(X.columns).index(nm)] = 1.0
        ft = res.f_test(r)
        out[f"fe.{kind}.F"] = np.squeeze(ft.fvalue)
        out[f"fe.{kind}.F_df2"] = ft.df_denom
        out[f"fe.{kind}.x1.p"] = res.pvalues["x1"]
    res = sm.OLS(df["y"], X).fit()
    out["fe.n"] = res.nobs
    out["fe.df_resid"] = res.df_resid
    out["fe.df_model"] = res.df_model
    out["fe.r2"] = res.rsquared
    out["fe.r2_adj"] = res.rsquared_adj
    out["fe.rmse"] = np.sqrt(res.scale)
    out["fe.rss"] = res.ssr

    # Plain OLS with intercept (every coefficient comparable, F of all slopes).
    plain = sm.OLS(df["y"], sm.add_constant(df[names], prepend=False)).fit()
    put_table(out, "plain", names + ["const"], plain.params, plain.bse)
    out["plain.F"] = plain.fvalue
    out["plain.r2"] = plain.rsquared
    out["plain.r2_adj"] = plain.rsquared_adj
    out["plain.rmse"] = np.sqrt(plain.scale)
    hc1 = sm.OLS(df["y"], sm.add_constant(df[names], prepend=False)).fit(cov_type="HC1")
    put_table(out, "plain.robust", names + ["const"], hc1.params, hc1.bse)

    # No intercept, nothing absorbed: uncentered R2 as Stata's noconstant.
    nocons = sm.OLS(df["y"], df[names]).fit()
    put_table(out, "nocons", names, nocons.params, nocons.bse)
    out["nocons.r2"] = nocons.rsquared
    out["nocons.r2_adj"] = nocons.rsquared_adj
    out["nocons.F"] = nocons.fvalue
    write_reference("ols_reference.csv", out)


# ---------------------------------------------------------------------------
# Spector and Mazzeo probit.
# ---------------------------------------------------------------------------
def make_probit():
    df = pd.read_csv(SPECTOR, sep=r"\s+", quotechar="'")
    df.columns = [c.strip("'") for c in df.columns]
    df[["GPA", "TUCE", "PSI", "GRADE"]].to_csv(os.path.join(HERE, "spector.csv"), index=False, float_format="%.17g")
    X = sm.add_constant(df[["GPA", "TUCE", "PSI"]], prepend=False)
    res = sm.Probit(df["GRADE"], X).fit(disp=0, method="newton", tol=1e-14, maxiter=100)
    out = {}
    put_table(out, "probit", ["GPA", "TUCE", "PSI", "_cons"], res.params, res.bse)
    out["probit.llf"] = res.llf
    out["probit.llnull"] = res.llnull
    out["probit.llr"] = res.llr
    out["probit.prsquared"] = res.prsquared
    me = res.get_margeff(at="overall", dummy=True)
    for nm, b, s in zip(["GPA", "TUCE", "PSI"], me.margeff, me.margeff_se):
        out[f"ame.{nm}.dydx"] = b
        out[f"ame.{nm}.se"] = s
    # The same model with every regressor treated as continuous (no discrete change).
    mc = res.get_margeff(at="overall", dummy=False)
    for nm, b, s in zip(["GPA", "TUCE", "PSI"], mc.margeff, mc.margeff_se):
        out[f"ame_cont.{nm}.dydx"] = b
        out[f"ame_cont.{nm}.se"] = s
    write_reference("probit_reference.csv", out)


# ---------------------------------------------------------------------------
# Heckman two-step on a simulated selection sample with known parameters.
# ---------------------------------------------------------------------------
HECKMAN_TRUE = dict(b_cons=1.0, b_x1=0.5, b_x2=-0.3, g_cons=0.2, g_x1=0.6, g_w=0.8, g_x2=-0.4,
                    rho=0.6, sigma=1.5)


def make_heckman():
    t = HECKMAN_TRUE
    rng = np.random.default_rng(19790101)
    n = 20000
    x1 = rng.normal(0, 1, n)
    x2 = (rng.random(n) < 0.4).astype(float)
    w = rng.normal(0, 1, n)                           # exclusion restriction
    u = rng.normal(0, 1, n)
    e = t["sigma"] * (t["rho"] * u + np.sqrt(1 - t["rho"] ** 2) * rng.normal(0, 1, n))
    s = (t["g_cons"] + t["g_x1"] * x1 + t["g_x2"] * x2 + t["g_w"] * w + u > 0).astype(int)
    y = t["b_cons"] + t["b_x1"] * x1 + t["b_x2"] * x2 + e
    y_obs = np.where(s == 1, y, np.nan)
    pd.DataFrame(dict(y=y_obs, x1=x1, x2=x2, w=w, s=s)).to_csv(
        os.path.join(HERE, "heckman.csv"), index=False, float_format="%.17g", na_rep="NaN")

    Z = np.column_stack([x1, x2, w, np.ones(n)])
    probit = sm.Probit(s, Z).fit(disp=0, method="newton", tol=1e-14, maxiter=100)
    g, Vg = probit.params, probit.cov_params()
    zg = Z @ g
    sel = s == 1
    mills = norm.pdf(zg[sel]) / norm.cdf(zg[sel])
    delta = mills * (mills + zg[sel])
    W = np.column_stack([x1[sel], x2[sel], np.ones(sel.sum()), mills])
    ols = sm.OLS(y[sel], W).fit()
    b = ols.params
    resid = y[sel] - W @ b
    n1 = sel.sum()
    sigma2 = resid @ resid / n1 + b[-1] ** 2 * delta.mean()
    rho = b[-1] / np.sqrt(sigma2)
    A = np.linalg.inv(W.T @ W)
    WD = W.T * delta
    Q = rho ** 2 * (WD @ Z[sel]) @ Vg @ (WD @ Z[sel]).T
    V = sigma2 * A @ (W.T @ W - rho ** 2 * (WD @ W) + Q) @ A
    se = np.sqrt(np.diag(V))

    out = {}
    put_table(out, "outcome", ["x1", "x2", "_cons", "lambda"], b, se)
    put_table(out, "selection", ["x1", "x2", "w", "_cons"], g, np.sqrt(np.diag(Vg)))
    out["rho"] = rho
    out["sigma"] = np.sqrt(sigma2)
    out["n"] = n
    out["n_selected"] = n1
    bx = b[:2]
    out["wald_chi2"] = bx @ np.linalg.solve(V[:2, :2], bx)

    # Average marginal effects over all observations (Stata margins' default sample).
    zg_all = zg
    mills_all = norm.pdf(zg_all) / norm.cdf(zg_all)
    delta_all = mills_all * (mills_all + zg_all)
    xb_all = np.column_stack([x1, x2, np.ones(n)]) @ b[:3]
    gamma = dict(x1=g[0], x2=g[1], w=g[2])
    beta = dict(x1=b[0], x2=b[1], w=0.0)
    for nm in ["x1", "x2", "w"]:
        cond = np.mean(beta[nm] - b[-1] * gamma[nm] * delta_all)
        # d/dx of E[y s] = Phi(zg) (xb + b_lambda lambda(zg)), differentiated by hand.
        uncond = np.mean(norm.cdf(zg_all) * beta[nm] + norm.pdf(zg_all) * gamma[nm] * (xb_all - b[-1] * zg_all))
        out[f"me.{nm}.conditional"] = cond
        out[f"me.{nm}.unconditional"] = uncond
        # Independent check of the analytic derivative: numerical derivative of E[y s].
        h = 1e-6
        def terms(shift):
            zz = zg_all + gamma[nm] * shift
            return norm.cdf(zz) * (xb_all + beta[nm] * shift) + b[-1] * norm.pdf(zz)
        def expected(shift):
            return np.mean(terms(shift))
        up, down = expected(h), expected(-h)
        key = f"me.{nm}.unconditional_numeric"
        out[key] = (up - down) / (2 * h)
        # A central difference inherits the rounding of the two means it subtracts, amplified by
        # 1/(2h): a few ulps of E[y s] become ~1e-10 here, more than rel. 1e-10 of the derivative,
        # and which ulps depends on the BLAS/SIMD summation order of the machine.
        ABSOLUTE_FLOOR[("heckman_reference.csv", key)] = rounding_noise(np.mean(np.abs(terms(h))), n) / h
    write_reference("heckman_reference.csv", out)


# ---------------------------------------------------------------------------
# Heckman two-step whose estimated rho falls outside [-1, 1]: Stata's three ways
# (rhosigma, the default; rhotrunc; rhoforce), computed here independently.
# ---------------------------------------------------------------------------
def heckman_two_step_bounded(y, X, s, Z, bound):
    """Two-step estimates with Stata's handling of |rho| > 1 ([R] heckman, Methods and
    formulas): rhosigma sets rho = sign(rho) and sigma = |b_lambda|, rhotrunc sets only
    rho = sign(rho), rhoforce keeps both; the covariance (Greene eq. 22-22) then uses them."""
    probit = sm.Probit(s, Z).fit(disp=0, method="newton", tol=1e-14, maxiter=100)
    g, Vg = probit.params, probit.cov_params()
    sel = s == 1
    zg = Z[sel] @ g
    mills = norm.pdf(zg) / norm.cdf(zg)
    delta = mills * (mills + zg)
    W = np.column_stack([X[sel], mills])
    b = np.linalg.lstsq(W, y[sel], rcond=None)[0]
    e = y[sel] - W @ b
    sigma_raw = np.sqrt(e @ e / sel.sum() + b[-1] ** 2 * delta.mean())
    rho_raw = b[-1] / sigma_raw
    rho, sigma = rho_raw, sigma_raw
    if abs(rho_raw) > 1 and bound in ("rhosigma", "rhotrunc"):
        rho = np.sign(rho_raw)
        if bound == "rhosigma":
            sigma = abs(b[-1])
    A = np.linalg.inv(W.T @ W)
    Zs = Z[sel]
    WDW = (W * delta[:, None]).T @ W
    WDZ = (W * delta[:, None]).T @ Zs
    V = sigma ** 2 * A @ (W.T @ W - rho ** 2 * WDW + rho ** 2 * WDZ @ Vg @ WDZ.T) @ A
    return b, V, rho_raw, sigma_raw, rho, sigma


def make_heckman_rho():
    # rho = 0.99 with 200 observations: the seed is one whose estimate is 1.24 (asserted).
    rng = np.random.default_rng(54)
    n, rho = 200, 0.99
    x1, w, u = rng.normal(0, 1, n), rng.normal(0, 1, n), rng.normal(0, 1, n)
    e = rho * u + np.sqrt(1 - rho ** 2) * rng.normal(0, 1, n)
    s = (0.3 + 0.5 * x1 + 0.7 * w + u > 0).astype(int)
    y = 1 + 0.5 * x1 + e
    pd.DataFrame(dict(y=np.where(s == 1, y, np.nan), x1=x1, w=w, s=s)).to_csv(
        os.path.join(HERE, "heckman_rho.csv"), index=False, float_format="%.17g", na_rep="NaN")
    X = np.column_stack([x1, np.ones(n)])
    Z = np.column_stack([x1, w, np.ones(n)])
    out = {}
    for bound in ("rhosigma", "rhotrunc", "rhoforce"):
        b, V, rho_raw, sigma_raw, rho_used, sigma = heckman_two_step_bounded(y, X, s, Z, bound)
        assert rho_raw > 1.2, "the data set must give an estimated rho above 1"
        se = np.sqrt(np.diag(V))
        put_table(out, bound, ["x1", "_cons", "lambda"], b, se)
        out[f"{bound}.lambda.p"] = 2 * norm.sf(abs(b[-1] / se[-1]))
        out[f"{bound}.x1.p"] = 2 * norm.sf(abs(b[0] / se[0]))
        out[f"{bound}.rho"] = rho_used
        out[f"{bound}.sigma"] = sigma
        out[f"{bound}.rho_raw"] = rho_raw
        out[f"{bound}.sigma_raw"] = sigma_raw
        out[f"{bound}.wald_chi2"] = b[0] ** 2 / V[0, 0]
    write_reference("heckman_rho_reference.csv", out)


# ---------------------------------------------------------------------------
# t tests and the chi-square test of independence.
# ---------------------------------------------------------------------------
def make_tests():
    rng = np.random.default_rng(16)
    n_ind = 45
    # Exit rates of two types of firms in the same industries (Table 16's design).
    base = rng.beta(2, 15, n_ind)
    a = np.clip(base + rng.normal(0.02, 0.04, n_ind), 0, 1)
    b = np.clip(base + rng.normal(0.0, 0.05, n_ind), 0, 1)
    c = rng.beta(2, 12, 30)
    pd.DataFrame(dict(a=a, b=b)).to_csv(os.path.join(HERE, "paired.csv"), index=False, float_format="%.17g")
    pd.DataFrame(dict(c=c)).to_csv(os.path.join(HERE, "sample_c.csv"), index=False, float_format="%.17g")
    out = {}
    r = st.ttest_rel(a, b)
    out["paired.t"], out["paired.p"], out["paired.df"] = r.statistic, r.pvalue, n_ind - 1
    out["paired.diff"] = np.mean(a - b)
    out["paired.se"] = np.std(a - b, ddof=1) / np.sqrt(n_ind)
    r = st.ttest_1samp(a, 0.1)
    out["one.t"], out["one.p"] = r.statistic, r.pvalue
    r = st.ttest_ind(a, c, equal_var=True)
    out["pooled.t"], out["pooled.p"] = r.statistic, r.pvalue
    r = st.ttest_ind(a, c, equal_var=False)
    out["welch.t"], out["welch.p"] = r.statistic, r.pvalue
    va, vc = np.var(a, ddof=1) / len(a), np.var(c, ddof=1) / len(c)
    out["welch.df"] = (va + vc) ** 2 / (va ** 2 / (len(a) - 1) + vc ** 2 / (len(c) - 1))

    table = np.array([[120, 45, 30, 8], [310, 160, 41, 25], [75, 60, 22, 19]], dtype=float)
    pd.DataFrame(table.astype(int)).to_csv(os.path.join(HERE, "contingency.csv"), index=False, header=False)
    chi2, p, dof, expected = st.chi2_contingency(table, correction=False)
    out["chi2.stat"], out["chi2.p"], out["chi2.df"] = chi2, p, dof
    for i in range(table.shape[0]):
        for j in range(table.shape[1]):
            out[f"chi2.expected.{i}.{j}"] = expected[i, j]
    write_reference("tests_reference.csv", out)


def generate():
    make_ols()
    make_probit()
    make_heckman()
    make_heckman_rho()
    make_tests()


def same_numbers(a, b):
    """Cell by cell: text equal, or numbers within rel. 1e-10 plus the key's ABSOLUTE_FLOOR
    (reference files are "key,value" rows, so the key is the row's first cell)."""
    name = os.path.basename(b)
    x = pd.read_csv(a, header=None, dtype=str).to_numpy()
    y = pd.read_csv(b, header=None, dtype=str).to_numpy()
    if x.shape != y.shape:
        return False
    for row_x, row_y in zip(x, y):
        atol = ABSOLUTE_FLOOR.get((name, row_x[0]), 0.0)
        for u, v in zip(row_x, row_y):
            try:
                fu, fv = float(u), float(v)
            except ValueError:
                if u != v:
                    return False
                continue
            if not (np.isnan(fu) and np.isnan(fv)) and not np.isclose(fu, fv, rtol=1e-10, atol=atol):
                print(f"{name}: {row_x[0]}: {u} against committed {v} (rel. 1e-10, abs. {atol:.3g})")
                return False
    return True


def check():
    global HERE
    committed = HERE
    with tempfile.TemporaryDirectory() as tmp:
        HERE = tmp
        generate()
        bad = [os.path.basename(f) for f in sorted(glob.glob(os.path.join(tmp, "*.csv")))
               if not same_numbers(f, os.path.join(committed, os.path.basename(f)))]
    if bad:
        print("differs from the committed file:", ", ".join(bad))
        return 1
    print("reference files reproduced")
    return 0


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        sys.exit(check())
    generate()
