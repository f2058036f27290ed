"""The engine applies HHS's platform rule in NumPy (no Django in the engine):
both its scorer and its explanations must agree with the rule's one home,
programs.rules.platform_fits, for every pair of career levels."""

import itertools

import numpy as np
import pytest

from matching import engine
from matching.features import PLATFORM_CODES
from programs import rules
from programs.models import Platform

from .test_engine import tiny_pool

LEVELS = range(0, 6)  # 0: not given


@pytest.mark.parametrize("platform", [Platform.SENIOR_TO_JUNIOR, Platform.PEER_TO_PEER])
def test_the_engine_fits_a_platform_exactly_as_the_rule_does(platform):
    combos = list(itertools.product(LEVELS, LEVELS))
    pool = tiny_pool(
        n_mentees=len(combos),
        n_mentors=len(combos),
        mentee_level=[mentee for mentee, _ in combos],
        mentor_level=[mentor for _, mentor in combos],
        mentee_platform=[PLATFORM_CODES[platform]] * len(combos),
    )
    weights = engine.Weights(needs=0, goals=0, platform=1, distance=0, org_unit=0, leadership=0)
    index = np.arange(len(combos))

    explained = engine.component_values(pool, weights, index, index)["platform"]
    scored = engine.scores_dense(pool, weights)[index, index]

    for n, (mentee, mentor) in enumerate(combos):
        fits = rules.platform_fits(platform=platform, mentee_level=mentee or None, mentor_level=mentor or None)
        assert explained[n] == float(fits), (mentee, mentor)
        assert (scored[n] > 0) == fits, (mentee, mentor)
