"""The engine's input: one program's pool of mentees and mentors.

A :class:`Pool` holds one row of features per mentee and per mentor (the
Django side builds it in :mod:`matching.features`); ``PLATFORM_*`` are the
codes of ``Pool.mentee_platform``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:
    from .text import _TextFeatures

PLATFORM_ANY = 0
PLATFORM_SENIOR_TO_JUNIOR = 1
PLATFORM_PEER = 2


def _binary_csr(matrix) -> sp.csr_matrix:
    m = sp.csr_matrix(matrix, dtype=np.float32, copy=True)
    m.sum_duplicates()
    m.eliminate_zeros()
    m.data[:] = 1.0
    m.sort_indices()
    return m


@dataclass
class Pool:
    """Features of one program's pool, one row per mentee / mentor.

    ``forbidden`` lists the pairs a hard constraint removes (supervisor chain,
    the same person enrolled in both roles, a pair that already ended in this
    program): either a tuple ``(mentee_idx, mentor_idx)`` of equal-length int
    arrays, or a sparse/dense boolean matrix of shape (n_mentees, n_mentors).
    It is stored as the tuple form.

    ``mentee_matched``: the mentee already has the most mentors the program
    allows; ``mentor_capacity``: free places now.  Inputs are validated and
    converted in ``__post_init__``; treat a pool as read-only afterwards (its
    TF-IDF and scorers are cached on it).
    """

    mentee_needs: sp.csr_matrix
    mentor_skills: sp.csr_matrix
    tag_names: list[str]
    mentee_goals: list[str]
    mentor_history: list[str]
    mentee_level: np.ndarray
    mentor_level: np.ndarray
    mentee_platform: np.ndarray
    mentee_lat: np.ndarray
    mentee_lon: np.ndarray
    mentor_lat: np.ndarray
    mentor_lon: np.ndarray
    mentee_unit: np.ndarray
    mentor_unit: np.ndarray
    mentor_leader: np.ndarray
    mentor_capacity: np.ndarray
    mentee_matched: np.ndarray
    forbidden: tuple[np.ndarray, np.ndarray] | sp.spmatrix | np.ndarray | None = None
    unit_names: list[str] | None = None
    level_names: dict[int, str] | None = None
    _text: "_TextFeatures | None" = field(default=None, init=False, repr=False, compare=False)
    _scorers: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.mentee_needs = _binary_csr(self.mentee_needs)
        self.mentor_skills = _binary_csr(self.mentor_skills)
        n, m = self.mentee_needs.shape[0], self.mentor_skills.shape[0]
        n_tags = self.mentee_needs.shape[1]
        if self.mentor_skills.shape[1] != n_tags or len(self.tag_names) != n_tags:
            raise ValueError("mentee_needs, mentor_skills and tag_names disagree on the tags")
        self.tag_names = list(self.tag_names)
        self.mentee_goals = [g or "" for g in self.mentee_goals]
        self.mentor_history = [h or "" for h in self.mentor_history]
        if len(self.mentee_goals) != n or len(self.mentor_history) != m:
            raise ValueError("one goals text per mentee and one history text per mentor")

        def arr(value, dtype, size, name):
            a = np.asarray(value, dtype=dtype).reshape(-1)
            if a.size != size:
                raise ValueError(f"{name}: expected {size} values, got {a.size}")
            return a

        self.mentee_level = arr(self.mentee_level, np.int64, n, "mentee_level")
        self.mentor_level = arr(self.mentor_level, np.int64, m, "mentor_level")
        if (self.mentee_level < 0).any() or (self.mentor_level < 0).any():
            raise ValueError("career levels are >= 0 (0 = unknown)")
        self.mentee_platform = arr(self.mentee_platform, np.int64, n, "mentee_platform")
        if not np.isin(self.mentee_platform, (0, 1, 2)).all():
            raise ValueError("mentee_platform is 0 (any), 1 (senior-to-junior) or 2 (peer-to-peer)")
        self.mentee_lat = arr(self.mentee_lat, np.float64, n, "mentee_lat")
        self.mentee_lon = arr(self.mentee_lon, np.float64, n, "mentee_lon")
        self.mentor_lat = arr(self.mentor_lat, np.float64, m, "mentor_lat")
        self.mentor_lon = arr(self.mentor_lon, np.float64, m, "mentor_lon")
        self.mentee_unit = arr(self.mentee_unit, np.int64, n, "mentee_unit")
        self.mentor_unit = arr(self.mentor_unit, np.int64, m, "mentor_unit")
        if (self.mentee_unit < -1).any() or (self.mentor_unit < -1).any():
            raise ValueError("organisation unit codes are >= 0 (-1 = unknown)")
        self.mentor_leader = arr(self.mentor_leader, bool, m, "mentor_leader")
        self.mentor_capacity = arr(self.mentor_capacity, np.int64, m, "mentor_capacity")
        if (self.mentor_capacity < 0).any():
            raise ValueError("mentor_capacity is the number of free places (>= 0)")
        self.mentee_matched = arr(self.mentee_matched, bool, n, "mentee_matched")

        f = self.forbidden
        if f is None:
            fi = fj = np.zeros(0, np.int64)
        elif isinstance(f, tuple):
            fi = np.asarray(f[0], np.int64).reshape(-1)
            fj = np.asarray(f[1], np.int64).reshape(-1)
        else:
            mat = sp.coo_matrix(f)
            if mat.shape != (n, m):
                raise ValueError(f"forbidden matrix must be {n}x{m}")
            nz = mat.data != 0
            fi, fj = mat.row[nz].astype(np.int64), mat.col[nz].astype(np.int64)
        if fi.size != fj.size:
            raise ValueError("forbidden: two index arrays of equal length")
        if fi.size and (fi.min() < 0 or fi.max() >= n or fj.min() < 0 or fj.max() >= m):
            raise ValueError("forbidden: index out of range")
        self.forbidden = (fi, fj)

    @property
    def n_mentees(self) -> int:
        return self.mentee_needs.shape[0]

    @property
    def n_mentors(self) -> int:
        return self.mentor_skills.shape[0]

    def unit_label(self, code: int) -> str:
        if self.unit_names is not None and 0 <= code < len(self.unit_names):
            return str(self.unit_names[code])
        return f"unit {code}"

    def level_label(self, code: int) -> str:
        """A career level's name as people read it ("Mid-career"); ``level_names``
        maps the codes of ``mentee_level``/``mentor_level`` to names."""
        if self.level_names and code in self.level_names:
            return str(self.level_names[code])
        return f"level {code}"
