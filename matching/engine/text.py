"""Text features: TF-IDF of the mentees' goals and the mentors' bio and job
history, fitted on the pool's own texts (the "goals" component)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import scipy.sparse as sp

from .pool import Pool

# Function words dropped from goals and histories before TF-IDF (a short,
# conventional English list; domain words such as "care" or "program" stay).
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because
been before being below between both but by can could did do does doing down
during each else etc few for from further had has have having he her here hers
herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over
own same she should so some such than that the their theirs them themselves then
there these they this those through to too under until up upon us very was we
were what when where which while who whom why will with would you your yours
yourself yourselves via per within without across among onto toward towards
""".split())

_TFIDF_BATCH = 4096
_TOKENS = re.compile(r"\x1e|\b\w\w+\b")  # scikit-learn's default token rule


@dataclass
class _TextFeatures:
    mentee: sp.csr_matrix  # n_mentees x V, rows L2-normalised (empty text: zero row)
    mentor: sp.csr_matrix  # n_mentors x V
    terms: list[str]


def tfidf(docs: Sequence[str]) -> tuple[sp.csr_matrix, list[str]]:
    """TF-IDF rows (float32, L2-normalised) of ``docs`` and the term list.

    The same definition as scikit-learn's ``TfidfVectorizer(stop_words=
    STOP_WORDS, sublinear_tf=True)``: lower-cased words of 2+ characters,
    tf = 1 + ln(count), idf = ln((1 + N) / (1 + df)) + 1.  Written out so the
    engine does not import scikit-learn (0.7 s and ~100 MB per process), and
    tokenised with one regular-expression pass per batch of joined texts.
    """
    n = len(docs)
    # Token id = global position of the word's first occurrence (assigned by
    # dict.setdefault, in C); separators are -1, stop words -2.  Documents go
    # in batches so only one batch's token strings are alive at a time.
    table: dict[str, int] = dict.fromkeys(STOP_WORDS, -2)
    table["\x1e"] = -1
    position = itertools.count()
    offset = 0
    doc_parts, id_parts, terms_by_id = [], [], {}
    for start in range(0, n, _TFIDF_BATCH):
        batch = docs[start:start + _TFIDF_BATCH]
        tokens = _TOKENS.findall("\x1e".join(d.replace("\x1e", " ") for d in batch).lower())
        ids = np.fromiter(map(table.setdefault, tokens, position), dtype=np.int64, count=len(tokens))
        doc = start + np.cumsum(ids == -1)
        keep = ids >= 0
        for pos in np.unique(ids[keep & (ids >= offset)]).tolist():
            terms_by_id[pos] = tokens[pos - offset]
        doc_parts.append(doc[keep])
        id_parts.append(ids[keep])
        offset += len(tokens)
    ids = np.concatenate(id_parts) if id_parts else np.zeros(0, np.int64)
    first, term = np.unique(ids, return_inverse=True)
    terms = [terms_by_id[k] for k in first.tolist()]
    doc = np.concatenate(doc_parts) if doc_parts else np.zeros(0, np.int64)
    counts = sp.csr_matrix((np.ones(term.size, np.float32), (doc, term.reshape(-1))),
                           shape=(n, len(terms)))
    counts.sum_duplicates()
    df = np.bincount(counts.indices, minlength=len(terms))
    idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
    x = counts
    x.data = (1.0 + np.log(x.data)) * idf[x.indices]
    norms = np.sqrt(np.add.reduceat(np.concatenate([x.data ** 2, [0]]), x.indptr[:-1])
                    if x.nnz else np.zeros(n, np.float32))
    norms[np.diff(x.indptr) == 0] = 1.0
    x.data /= np.repeat(norms, np.diff(x.indptr)).astype(np.float32)
    x.data = x.data.astype(np.float32)
    x.sort_indices()
    return x, terms


def text_features(pool: Pool) -> _TextFeatures:
    """TF-IDF of goals and histories, fitted on the pool's texts (cached on the pool)."""
    if pool._text is None:
        x, terms = tfidf(pool.mentee_goals + pool.mentor_history)
        n = pool.n_mentees
        pool._text = _TextFeatures(mentee=x[:n], mentor=x[n:], terms=terms)
    return pool._text
