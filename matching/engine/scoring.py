"""Scores: a program's :class:`Weights`, the distance helpers, and the
:class:`Scorer` that computes dense float32 blocks of scores with the hard
constraints applied (the components are described in the package
docstring)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .pool import PLATFORM_ANY, PLATFORM_PEER, PLATFORM_SENIOR_TO_JUNIOR, Pool
from .text import text_features

EARTH_RADIUS_KM = 6371.0088

ORG_UNIT_PREFERENCES = ("same", "different", "any")
COMPONENTS = ("needs", "goals", "platform", "distance", "org_unit", "leadership")

# Marks an ineligible pair inside a dense score block (real scores are >= 0).
_INELIGIBLE = np.float32(-1.0)
_ELIGIBLE_ABOVE = -0.5

# Target number of float32 cells in one scoring block (8 MB).
_BLOCK_CELLS = 1 << 21


@dataclass(frozen=True)
class Weights:
    """A program's matching weights (all >= 0, at least one effective > 0)."""

    needs: float = 3.0
    goals: float = 2.0
    platform: float = 1.0
    distance: float = 1.0
    org_unit: float = 0.5
    leadership: float = 0.5
    org_unit_preference: str = "any"
    distance_scale_km: float = 100.0
    min_score: float = 0.0
    # HHS: a mentee who chose senior-to-junior or peer-to-peer is only
    # proposed mentors on that platform (the component still scores it).
    platform_strict: bool = False

    def __post_init__(self) -> None:
        for name in COMPONENTS:
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"weight {name} must be a number >= 0, got {value!r}")
        if self.org_unit_preference not in ORG_UNIT_PREFERENCES:
            raise ValueError(f"org_unit_preference must be one of {ORG_UNIT_PREFERENCES}")
        if not (self.distance_scale_km > 0 and math.isfinite(self.distance_scale_km)):
            raise ValueError("distance_scale_km must be > 0")
        if not (0.0 <= self.min_score <= 1.0):
            raise ValueError("min_score must be within [0, 1]")
        if self.total == 0:
            raise ValueError("at least one matching weight must be above 0")

    def effective(self) -> dict[str, float]:
        """Weight per component as used (org_unit is off for preference "any")."""
        out = {name: float(getattr(self, name)) for name in COMPONENTS}
        if self.org_unit_preference == "any":
            out["org_unit"] = 0.0
        return out

    @property
    def total(self) -> float:
        return sum(self.effective().values())

    def normalised(self) -> dict[str, float]:
        total = self.total
        return {name: w / total for name, w in self.effective().items()}


def _unit_vectors(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    known = np.isfinite(lat) & np.isfinite(lon)
    la = np.radians(np.where(known, lat, 0.0))
    lo = np.radians(np.where(known, lon, 0.0))
    xyz = np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)
    xyz[~known] = 0.0
    return xyz, known


def distance_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Straight-line (chord) distance in km, NaN where a location is unknown."""
    a, ka = _unit_vectors(np.atleast_1d(np.asarray(lat1, float)), np.atleast_1d(np.asarray(lon1, float)))
    b, kb = _unit_vectors(np.atleast_1d(np.asarray(lat2, float)), np.atleast_1d(np.asarray(lon2, float)))
    d = EARTH_RADIUS_KM * np.sqrt(((a - b) ** 2).sum(axis=1))
    return np.where(ka & kb, d, np.nan)


def _closeness(a: np.ndarray, b: np.ndarray, factor: float, weight: float) -> np.ndarray:
    """weight · exp(-factor · |a_i - b_j|) for unit vectors a (p×3), b (3×q),
    computed in their dtype.

    The squared chord is summed from coordinate differences, which stays
    exact for nearby points (unlike 2 - 2·dot).  In float32 a coordinate is
    good to ~0.4 m, so the value is good to ~1e-5 at a 20 km scale; the
    location table is computed in float64.
    """
    t = a.dtype.type
    acc = np.subtract(a[:, 0:1], b[0:1, :])
    np.square(acc, out=acc)
    tmp = np.empty_like(acc)
    for k in (1, 2):
        np.subtract(a[:, k:k + 1], b[k:k + 1, :], out=tmp)
        np.square(tmp, out=tmp)
        acc += tmp
    del tmp
    # exp(-80) is the smallest value kept; farther pairs would only make
    # float32 denormals, which are slow.
    np.minimum(acc, t((80.0 / factor) ** 2), out=acc)
    np.sqrt(acc, out=acc)
    acc *= t(-factor)
    np.exp(acc, out=acc)
    acc *= t(weight)
    return acc


def _accumulates_into_out() -> bool:
    """True if ``csr.toarray(out=block)`` adds into ``block`` (SciPy does)."""
    probe = np.ones((1, 2), dtype=np.float32)
    sp.csr_matrix(np.array([[0.0, 2.0]], dtype=np.float32)).toarray(out=probe)
    return bool(probe[0, 0] == 1.0 and probe[0, 1] == 3.0)


_SPARSE_ADDS_IN_PLACE = _accumulates_into_out()

# Text similarity joins the sparse × dense product when at most this many
# terms occur on both sides and the mentors' dense term matrix stays under
# _DENSE_TEXT_MAX_CELLS floats; otherwise a sparse × sparse product over
# those terms is added in place.
_DENSE_TEXT_MAX_TERMS = 4096
_DENSE_TEXT_MAX_CELLS = 1 << 25
# Distances go through a table of unique locations when it has at most this
# many cells (people usually give a city, so there are few).
_LOCATION_TABLE_MAX_CELLS = 1 << 22


class Scorer:
    """A pool's features prepared for one set of weights.

    ``block(rows, cols)`` returns the float32 scores of the given mentees
    against the given mentors, with ineligible pairs (and pairs below
    ``min_score``) at -1.  Every other function of the engine goes through
    it, so scores, candidates, suggestions and the reference agree.

    The needs, platform, organisation-unit and leadership components (and
    the text similarity when the shared vocabulary is small) are all
    bilinear in per-person vectors, so their weighted sum is one product of
    a sparse mentee matrix and a dense mentor matrix, ``left[rows] @
    right[:, cols]``.
    """

    def __init__(self, pool: Pool, weights: Weights):
        self.pool = pool
        self.weights = weights
        w = weights.normalised()
        self.w = w
        n, m = pool.n_mentees, pool.n_mentors
        self.row_active = ~pool.mentee_matched
        self.col_active = pool.mentor_capacity > 0
        self.active_rows = np.flatnonzero(self.row_active)
        self.active_cols = np.flatnonzero(self.col_active)

        # left_i · right_j is the weighted sum of these components; left is
        # sparse (a mentee has a few needs, words, one unit, one level), so
        # the product costs ~20 multiply-adds per pair instead of ~500.
        left: list[sp.csr_matrix] = []
        right: list[np.ndarray] = []

        def add(left_part, right_part) -> None:
            left.append(sp.csr_matrix(left_part, dtype=np.float32))
            right.append(np.asarray(right_part, dtype=np.float32))

        if w["needs"] > 0 and pool.mentee_needs.shape[1] > 0:
            counts = np.diff(pool.mentee_needs.indptr).astype(np.float64)
            scale = np.where(counts > 0, w["needs"] / np.maximum(counts, 1), 0.0)
            # Tags no mentor offers add nothing to the product.
            used = np.flatnonzero(np.diff(pool.mentor_skills.tocsc().indptr) > 0)
            add(pool.mentee_needs[:, used].multiply(scale[:, None]), pool.mentor_skills[:, used].T.toarray())
        if w["leadership"] > 0:
            add(np.full((n, 1), w["leadership"]), pool.mentor_leader[None, :])
        if w["org_unit"] > 0:
            n_units = int(max(pool.mentee_unit.max(initial=-1), pool.mentor_unit.max(initial=-1))) + 1
            onehot = np.zeros((n_units + 1, m), dtype=np.float32)
            known = pool.mentor_unit >= 0
            onehot[pool.mentor_unit[known], np.flatnonzero(known)] = 1.0
            onehot[n_units, known] = 1.0  # last row: the mentor's unit is known
            rows = np.flatnonzero(pool.mentee_unit >= 0)
            units = pool.mentee_unit[rows]
            if weights.org_unit_preference == "same":
                part = sp.csr_matrix((np.full(rows.size, w["org_unit"]), (rows, units)), shape=(n, n_units + 1))
            else:  # different = known_i · known_j - same
                part = sp.csr_matrix((np.concatenate([np.full(rows.size, -w["org_unit"]),
                                                      np.full(rows.size, w["org_unit"])]),
                                      (np.concatenate([rows, rows]),
                                       np.concatenate([units, np.full(rows.size, n_units)]))),
                                     shape=(n, n_units + 1))
            add(part, onehot)
        n_levels = int(max(pool.mentee_level.max(initial=0), pool.mentor_level.max(initial=0))) + 1
        b = np.arange(n_levels)
        a = b[:, None]
        # fit[preference, mentee level, mentor level] in {0, 1}
        fit = np.zeros((3, n_levels, n_levels), dtype=np.float32)
        fit[PLATFORM_ANY] = 1.0
        fit[PLATFORM_SENIOR_TO_JUNIOR] = (a > 0) & (b[None, :] > a)
        fit[PLATFORM_PEER] = (a > 0) & (b[None, :] == a)
        self._platform_fit = fit
        self._level_onehot = np.zeros((n_levels, m), dtype=np.float32)
        self._level_onehot[pool.mentor_level, np.arange(m)] = 1.0
        if w["platform"] > 0:
            add(w["platform"] * fit[pool.mentee_platform, pool.mentee_level], self._level_onehot)

        # Text: only terms used on both sides can make two texts similar.
        self._text_sparse = None
        if w["goals"] > 0:
            tf = text_features(pool)
            shared = np.flatnonzero((np.bincount(tf.mentee[self.active_rows].indices,
                                                 minlength=tf.mentee.shape[1]) > 0)
                                    & (np.bincount(tf.mentor[self.active_cols].indices,
                                                   minlength=tf.mentor.shape[1]) > 0))
            mentee_text = tf.mentee[:, shared] * np.float32(w["goals"])
            if shared.size * m <= _DENSE_TEXT_MAX_CELLS and shared.size <= _DENSE_TEXT_MAX_TERMS:
                add(mentee_text, tf.mentor[:, shared].T.toarray())
            else:
                self._text_mentee = mentee_text.tocsr()
                self._text_sparse = tf.mentor[:, shared].tocsr()
        if left:
            self._left_all = sp.hstack(left, format="csr", dtype=np.float32)
            self._left_all.sort_indices()
            self._right = np.concatenate(right, axis=0)
        else:
            self._left_all = sp.csr_matrix((n, 0), dtype=np.float32)
            self._right = np.zeros((0, m), np.float32)

        # Distance: a table over unique locations when there are few.
        self._loc_table = None
        if w["distance"] > 0:
            ge, self._geo_e_known = _unit_vectors(pool.mentee_lat, pool.mentee_lon)
            gr, self._geo_r_known = _unit_vectors(pool.mentor_lat, pool.mentor_lon)
            self._dist_factor = EARTH_RADIUS_KM / weights.distance_scale_km
            self._w_distance = w["distance"]
            ue, inv_e = np.unique(ge[self._geo_e_known], axis=0, return_inverse=True)
            ur, inv_r = np.unique(gr[self._geo_r_known], axis=0, return_inverse=True)
            if (ue.shape[0] + 1) * (ur.shape[0] + 1) <= _LOCATION_TABLE_MAX_CELLS:
                table = np.zeros((ue.shape[0] + 1, ur.shape[0] + 1), dtype=np.float32)
                if ue.size and ur.size:
                    table[:-1, :-1] = _closeness(ue, np.ascontiguousarray(ur.T),
                                                 self._dist_factor, self._w_distance)
                self._loc_table = table  # last row / column: location unknown
                self._loc_e = np.full(n, ue.shape[0], dtype=np.int64)
                self._loc_e[self._geo_e_known] = inv_e.reshape(-1)
                self._loc_r = np.full(m, ur.shape[0], dtype=np.int64)
                self._loc_r[self._geo_r_known] = inv_r.reshape(-1)
            else:
                self._geo_e32 = ge.astype(np.float32)
                self._geo_r32 = gr.astype(np.float32)

        # Forbidden pairs in CSR form over mentees.
        fi, fj = pool.forbidden
        order = np.lexsort((fj, fi))
        self._forbid_ptr = np.concatenate([[0], np.cumsum(np.bincount(fi, minlength=n))]).astype(np.int64)
        self._forbid_col = fj[order]
        self._col_cache: dict = {}

    # -- pieces -------------------------------------------------------------

    def _cols(self, cols: np.ndarray, cache_key=None) -> dict:
        """Per-column data for a set of mentors.

        Cached under ``cache_key`` (the caller promises the same columns for
        the same key), else the last set is kept and reused if equal.
        """
        if cache_key is not None and cache_key in self._col_cache:
            return self._col_cache[cache_key]
        last = self._col_cache.get(None)
        if cache_key is None and last is not None and (
                last[0] is cols or (last[0].size == cols.size and np.array_equal(last[0], cols))):
            return last[1]
        d: dict = {"right": np.ascontiguousarray(self._right[:, cols])}
        if self._text_sparse is not None:
            d["text_t"] = self._text_sparse[cols].T.tocsc()
        if self.w["distance"] > 0:
            if self._loc_table is not None:
                d["loc"] = self._loc_r[cols]
            else:
                d["geo"] = np.ascontiguousarray(self._geo_r32[cols].T)
                d["geo_unknown"] = np.flatnonzero(~self._geo_r_known[cols])
        if self.weights.platform_strict:
            d["levels"] = np.ascontiguousarray(self._level_onehot[:, cols])
        d["inactive"] = np.flatnonzero(~self.col_active[cols])
        lookup = np.full(self.pool.n_mentors, -1, dtype=np.int64)
        lookup[cols] = np.arange(cols.size)
        d["position"] = lookup
        if cache_key is None:
            self._col_cache[None] = (cols, d)
        else:
            self._col_cache[cache_key] = d
        return d

    def drop_cache(self, kind: str) -> None:
        """Forget the column data cached under (kind, ...) keys."""
        for key in [k for k in self._col_cache if isinstance(k, tuple) and k[0] == kind]:
            del self._col_cache[key]

    def _add_distance(self, block: np.ndarray, rows: np.ndarray, cd: dict, w: int) -> None:
        if self._loc_table is not None:
            block += np.take(self._loc_table[self._loc_e[rows]], cd["loc"][:w], axis=1)
            return
        acc = _closeness(self._geo_e32[rows], cd["geo"][:, :w], self._dist_factor, self._w_distance)
        unknown_rows = np.flatnonzero(~self._geo_e_known[rows])
        if unknown_rows.size:
            acc[unknown_rows] = 0.0
        unknown_cols = cd["geo_unknown"]
        if unknown_cols.size:
            acc[:, unknown_cols[unknown_cols < w]] = 0.0
        block += acc

    def block(self, rows, cols, *, cache_key=None, width: int | None = None) -> np.ndarray:
        """Scores (float32) of ``rows`` × ``cols``; ineligible pairs are -1.

        With ``width``, only the first ``width`` mentors of ``cols`` (the
        per-column data of ``cols`` is reused, so prefixes of one ordering
        cost nothing to set up).
        """
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        if not (isinstance(cols, np.ndarray) and cols.dtype == np.int64):
            cols = np.asarray(cols, dtype=np.int64).reshape(-1)
        cd = self._cols(cols, cache_key)
        w = cols.size if width is None else int(width)
        if w == cols.size:
            right = cd["right"]
        else:  # contiguous prefixes, kept per width (a handful per pricing pass)
            if ("right", w) not in cd:
                cd[("right", w)] = np.ascontiguousarray(cd["right"][:, :w])
            right = cd[("right", w)]
        if right.shape[0]:
            out = self._left_all[rows] @ right
        else:
            out = np.zeros((rows.size, w), dtype=np.float32)
        if self._text_sparse is not None:
            text_t = cd["text_t"] if w == cols.size else cd["text_t"][:, :w]
            sim = (self._text_mentee[rows] @ text_t).tocsr()
            if _SPARSE_ADDS_IN_PLACE:
                sim.toarray(out=out)
            else:  # pragma: no cover - other SciPy versions
                out += sim.toarray()
        if self.w["distance"] > 0:
            self._add_distance(out, rows, cd, w)
        self._apply_constraints(out, rows, cd, w)
        return out

    def _apply_constraints(self, out, rows, cd, w) -> None:
        bad_rows = np.flatnonzero(~self.row_active[rows])
        if bad_rows.size:
            out[bad_rows] = _INELIGIBLE
        inactive = cd["inactive"]
        if inactive.size:
            out[:, inactive[inactive < w]] = _INELIGIBLE
        # Forbidden pairs of these rows, mapped to positions within cols.
        lo, hi = self._forbid_ptr[rows], self._forbid_ptr[rows + 1]
        cnt = hi - lo
        total = int(cnt.sum())
        if total:
            r_local = np.repeat(np.arange(rows.size), cnt)
            offset = np.repeat(lo - (np.cumsum(cnt) - cnt), cnt)
            pos = cd["position"][self._forbid_col[offset + np.arange(total)]]
            keep = (pos >= 0) & (pos < w)
            out[r_local[keep], pos[keep]] = _INELIGIBLE
        if self.weights.platform_strict:
            pref = self.pool.mentee_platform[rows]
            picky = np.flatnonzero(pref != PLATFORM_ANY)
            if picky.size:
                fit = self._platform_fit[pref[picky], self.pool.mentee_level[rows[picky]]] @ cd["levels"][:, :w]
                sub = out[picky]
                sub[fit < 0.5] = _INELIGIBLE
                out[picky] = sub
        if self.weights.min_score > 0:
            out[out < np.float32(self.weights.min_score)] = _INELIGIBLE

    def chunk_rows(self, n_cols: int) -> int:
        return int(max(16, min(4096, _BLOCK_CELLS // max(n_cols, 1))))


def scorer_for(pool: Pool, weights: Weights) -> Scorer:
    """The pool's scorer for these weights, built once and kept on the pool
    (the pool is treated as read-only once built; the last two weight sets
    are kept)."""
    scorer = pool._scorers.get(weights)
    if scorer is None:
        if len(pool._scorers) >= 2:
            pool._scorers.pop(next(iter(pool._scorers)))
        scorer = pool._scorers[weights] = Scorer(pool, weights)
    return scorer


def scores_dense(pool: Pool, weights: Weights) -> np.ndarray:
    """Full n_mentees × n_mentors score matrix (float64, NaN = ineligible).

    For tests and the exact reference on small pools only.
    """
    scorer = scorer_for(pool, weights)
    block = scorer.block(np.arange(pool.n_mentees), np.arange(pool.n_mentors)).astype(np.float64)
    block[block < _ELIGIBLE_ABOVE] = np.nan
    return np.clip(block, 0.0, 1.0)
