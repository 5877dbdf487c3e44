"""Catalog search for citizens: typo-tolerant, with synonyms, best match first.

How a query is answered (``rank``):

1. The query is split into words (lower case, accents dropped, "KTP-el" gives "ktp",
   "el" and "ktpel"); filler words ("mau", "bikin", "cara" …) are dropped.
2. Each query word, and each admin-defined synonym phrase it starts, is looked up in
   the catalog's vocabulary: an exact word, a word it begins (from 3 letters), or a
   word within a small typing distance — trigram similarity ≥ ``TYPO_SIMILARITY``
   (pg_trgm's measure; on PostgreSQL the candidates come from a trigram index,
   elsewhere from the same measure in memory), or one edit for short words.
3. A service scores per query word the best of its fields (title 10, synonym-expanded
   title 10, category 3, summary 3, product 2, required documents 1) times the match
   quality; the words' scores add up, multiplied by the share of query words found.
   A title that contains the whole query, or mostly consists of matched words, ranks
   higher.
4. Services no longer offered anywhere (superseded) come last.

The index (``CatalogIndex``) holds every live service's words and is built once per
catalog generation and day (``selectors.catalog_search_index``), so a search reads no
service rows at all: it costs a few dictionary lookups per word.
"""

import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Field weights: where a word is found says how much the service is about it.
WEIGHT_TITLE = 10.0
WEIGHT_CATEGORY = 3.0
WEIGHT_SUMMARY = 3.0
WEIGHT_PRODUCT = 2.0
WEIGHT_DOCUMENT = 1.0

QUALITY_EXACT = 1.0
QUALITY_PREFIX = 0.8
QUALITY_TYPO = 0.7  # times the similarity
QUALITY_SYNONYM = 0.9

#: pg_trgm similarity from which a vocabulary word counts as a typo of the query word.
TYPO_SIMILARITY = 0.45
MIN_PREFIX = 3

# Words that say nothing about which service is meant.
STOPWORDS = frozenset(
    """
    dan di ke dari yang untuk atau dengan saya aku mau ingin bikin buat membuat cara
    urus mengurus ngurus minta meminta tolong bagaimana gimana apa syarat persyaratan
    bisa dong kah nya the of a
    """.split()
)

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Lower case, accents dropped, every non-alphanumeric run a single space."""
    text = unicodedata.normalize("NFKD", text or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return _NON_WORD.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The words of ``text``; a hyphenated or slashed compound also gives its joined form
    ("KTP-el" → ktp, el, ktpel), so both spellings match."""
    out = normalize(text).split()
    for compound in re.findall(r"[0-9A-Za-z]+(?:[-/][0-9A-Za-z]+)+", text or ""):
        joined = normalize(compound).replace(" ", "")
        if joined and joined not in out:
            out.append(joined)
    return out


def query_words(text: str) -> list[str]:
    kept = [word for word in words(text) if word not in STOPWORDS]
    return kept or words(text)


# -- similarity (pg_trgm's trigram measure, so both databases agree) ----------------


def trigrams(word: str) -> frozenset[str]:
    """pg_trgm's trigrams of one word: two spaces before it, one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: str, b: str) -> float:
    """pg_trgm ``similarity()`` of two single words: shared / all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    union = len(ta | tb)
    return len(ta & tb) / union if union else 0.0


def one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns
    ``a`` into ``b`` (Damerau–Levenshtein distance 1)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1 :] == short:
            return True
    return False


# -- the index ------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexedService:
    """What the search and the catalog's filters need of one live service."""

    pk: int
    title: str
    category_id: object
    category_key: tuple
    field: str
    fee_kind: str
    offered: frozenset[str]  # codes of the kecamatan offering it today
    superseded: bool  # offered nowhere any more
    title_words: tuple[str, ...]


@dataclass
class CatalogIndex:
    services: list[IndexedService]
    # word -> {service position: best field weight of that word in the service}
    postings: dict[str, dict[int, float]] = field(default_factory=dict)
    # first words of synonym phrases -> the synonym groups (each a list of word tuples)
    synonyms: dict[str, list[list[tuple[str, ...]]]] = field(default_factory=dict)
    # trigram -> vocabulary words containing it (what pg_trgm's GIN index holds)
    trigram_postings: dict[str, list[str]] = field(default_factory=dict)
    sorted_words: list[str] = field(default_factory=list)

    @property
    def vocabulary(self) -> list[str]:
        return list(self.postings)

    def index_trigrams(self) -> None:
        self.sorted_words = sorted(self.postings)
        self.trigram_postings = defaultdict(list)
        for word in self.postings:
            for gram in trigrams(word):
                self.trigram_postings[gram].append(word)
        self.trigram_postings = dict(self.trigram_postings)

    def similar_words(self, word: str) -> list[str]:
        """Vocabulary words sharing a trigram with ``word`` (the in-memory counterpart of
        a pg_trgm index lookup)."""
        found: set[str] = set()
        for gram in trigrams(word):
            found.update(self.trigram_postings.get(gram, ()))
        return list(found)


def build_index(services: Iterable[dict], synonym_groups: Iterable[Iterable[str]]) -> CatalogIndex:
    """The index from plain data: one dict per service with ``pk``, ``title``,
    ``category_id``, ``category_key``, ``category``, ``field``, ``fee_kind``, ``summary``,
    ``product``, ``documents`` (names), ``offered`` and ``superseded``."""
    index = CatalogIndex(services=[])
    groups = [[tuple(words(term)) for term in group if words(term)] for group in synonym_groups]
    groups = [group for group in groups if len(group) > 1]
    for group in groups:
        for phrase in group:
            index.synonyms.setdefault(phrase[0], []).append(group)
    for position, data in enumerate(services):
        title_words = tuple(words(data["title"]))
        index.services.append(
            IndexedService(
                pk=data["pk"],
                title=data["title"],
                category_id=data["category_id"],
                category_key=data["category_key"],
                field=data["field"],
                fee_kind=data["fee_kind"],
                offered=frozenset(data["offered"]),
                superseded=data["superseded"],
                title_words=title_words,
            )
        )
        weighted = [
            (WEIGHT_TITLE, title_words),
            (WEIGHT_CATEGORY, words(data.get("category", ""))),
            (WEIGHT_SUMMARY, words(data.get("summary", ""))),
            (WEIGHT_PRODUCT, words(data.get("product", ""))),
            (WEIGHT_DOCUMENT, [w for name in data.get("documents", ()) for w in words(name)]),
        ]
        for weight, found in weighted:
            for word in found:
                postings = index.postings.setdefault(word, {})
                if postings.get(position, 0.0) < weight:
                    postings[position] = weight
    index.index_trigrams()
    return index


# -- ranking --------------------------------------------------------------------------


def _word_matches(
    word: str, index: CatalogIndex, typo_candidates: Callable[[str], Iterable[str]]
) -> dict[str, float]:
    """Vocabulary words matching ``word``, each with its match quality."""
    found: dict[str, float] = {}
    if word in index.postings:
        found[word] = QUALITY_EXACT
    if len(word) >= MIN_PREFIX:
        start = bisect_left(index.sorted_words, word)
        for candidate in index.sorted_words[start:]:
            if not candidate.startswith(word):
                break
            found.setdefault(candidate, QUALITY_PREFIX)
    if word in index.postings:
        # A word the catalog uses is not a typo: no need to look for similar ones.
        return found
    for candidate in typo_candidates(word):
        if candidate in found or candidate not in index.postings:
            continue
        score = similarity(word, candidate)
        if score >= TYPO_SIMILARITY:
            found[candidate] = max(found.get(candidate, 0.0), QUALITY_TYPO * score)
        elif len(word) >= 4 and one_edit_apart(word, candidate):
            found[candidate] = max(found.get(candidate, 0.0), QUALITY_TYPO * 0.6)
    return found


def _phrase_scores(
    phrase: tuple[str, ...],
    index: CatalogIndex,
    typo_candidates: Callable[[str], Iterable[str]],
    quality: float = 1.0,
    matched: set[str] | None = None,
) -> dict[int, float]:
    """Per service, the score of a phrase: every word must be found (its weakest counts).
    The vocabulary words that matched are added to ``matched``."""
    per_word: list[dict[int, float]] = []
    for word in phrase:
        best: dict[int, float] = {}
        for candidate, match in _word_matches(word, index, typo_candidates).items():
            if matched is not None:
                matched.add(candidate)
            for position, weight in index.postings[candidate].items():
                value = weight * match
                if value > best.get(position, 0.0):
                    best[position] = value
        if not best:
            return {}
        per_word.append(best)
    common = set(per_word[0]).intersection(*per_word[1:])
    return {p: quality * min(scores[p] for scores in per_word) for p in common}


def _split(word: str, index: CatalogIndex) -> list[tuple[tuple[str, ...], float]]:
    """A word written without its space ("ahliwaris") as the two catalog words it joins."""
    if word in index.postings or len(word) < 6:
        return []
    return [
        ((word[:i], word[i:]), QUALITY_EXACT)
        for i in range(3, len(word) - 2)
        if word[:i] in index.postings and word[i:] in index.postings
    ]


def _units(query: list[str], index: CatalogIndex) -> list[list[tuple[tuple[str, ...], float]]]:
    """The query as units to find: a word, or a synonym phrase starting at that word, each
    with its alternatives (the phrase itself at full quality, the synonyms a little less)."""
    units = []
    i = 0
    while i < len(query):
        word = query[i]
        best_group, best_len = None, 0
        for group in index.synonyms.get(word, []):
            for phrase in group:
                n = len(phrase)
                if n > best_len and tuple(query[i : i + n]) == phrase:
                    best_group, best_len = group, n
        if best_group is None:
            units.append([((word,), 1.0), *_split(word, index)])
            i += 1
            continue
        matched = tuple(query[i : i + best_len])
        alternatives = [(matched, 1.0)]
        alternatives += [(phrase, QUALITY_SYNONYM) for phrase in best_group if phrase != matched]
        units.append(alternatives)
        i += best_len
    return units


def rank(
    text: str,
    index: CatalogIndex,
    *,
    typo_candidates: Callable[[str], Iterable[str]] | None = None,
    typo_batch: Callable[[list[str]], dict[str, list[str]]] | None = None,
) -> list[tuple[IndexedService, float]]:
    """The services matching ``text``, best first, superseded ones last.

    ``typo_candidates`` gives the vocabulary words that may be typos of a word (by
    default the in-memory trigram index); ``typo_batch`` answers that for several words
    at once (one database round trip on PostgreSQL)."""
    query = query_words(text)
    if not query:
        return []
    if typo_candidates is None:
        typo_candidates = index.similar_words
    memo: dict[str, list[str]] = {}
    lookup = typo_candidates

    def typo_candidates(word: str) -> Iterable[str]:
        if word not in memo:
            memo[word] = list(lookup(word))
        return memo[word]

    units = _units(query, index)
    if typo_batch is not None:
        unknown = sorted(
            {
                word
                for alternatives in units
                for phrase, _quality in alternatives
                for word in phrase
                if word not in index.postings
            }
        )
        if unknown:
            memo.update(typo_batch(unknown))
    matched: set[str] = set()
    totals: dict[int, float] = defaultdict(float)
    found_units: dict[int, int] = defaultdict(int)
    for alternatives in units:
        best: dict[int, float] = {}
        for phrase, quality in alternatives:
            scores = _phrase_scores(phrase, index, typo_candidates, quality, matched)
            for position, score in scores.items():
                if score > best.get(position, 0.0):
                    best[position] = score
        for position, score in best.items():
            totals[position] += score
            found_units[position] += 1
    whole = " ".join(query)
    results = []
    for position, total in totals.items():
        service = index.services[position]
        coverage = found_units[position] / len(units)
        score = total * coverage
        title = " ".join(service.title_words)
        if len(query) > 1 and whole in title:
            score += WEIGHT_TITLE
        # A title made mostly of what was asked is more likely the one meant.
        if service.title_words:
            share = sum(1 for w in service.title_words if w in matched) / len(service.title_words)
            score += 2.0 * share
        results.append((service, score))
    results.sort(key=lambda item: (item[0].superseded, -item[1], item[0].title))
    return results
