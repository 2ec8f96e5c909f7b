"""The bundled sample dataset: build it deterministically, verify it against the published figures.

Nobody here has the full official table, so `data/scores.csv` is modelled: every city of every
edition with every level, calibrated so that every published figure in `data/published_facts.csv`
and `data/seed_facts.csv` (scores, ranks, rank changes, edition means, top-10 thresholds) comes out
of the index method in `smartcity.method`.

    python -m smartcity.sample build    # write data/scores.csv
    python -m smartcity.sample verify   # "N of M published figures reproduced" + the exceptions

How it is built, per edition:
1. Published ranks and rank changes are combined (a change plus one rank gives the other edition's
   rank; a change published without either rank gets the free pair of ranks nearest the city's
   overall ranks). Cities are put in a full overall order: published ranks are fixed, the other
   cities are placed by a deterministic prior (their published ranks in other editions, else a
   seeded draw).
2. Linear programmes (scipy/HiGHS, scores in tenths) choose overall and category scores: published
   scores, the edition mean and the top-10 threshold are pinned (soft, heavily priced), each city's
   overall score is the rounded mean of its five category scores, and the objective keeps the
   curves smooth and each city's category profile close to a seeded one. Cities without a published
   category rank are first ordered by their priors; then a mixed-integer programme chooses, for each
   of them, the gap between published ranks it falls into (each gap holds exactly the cities its
   ranks leave room for), and a final pass orders by that choice. The candidate that reproduces the
   most published figures is kept. The search is bounded by nodes, not time, so the result does not
   depend on the machine.
3. Indicator scores are drawn around each category score and then adjusted so that the weighted
   mean (catalogue weights) rounds to the category score; per indicator one city gets 100 and one
   gets 0 (min-max normalisation); published indicator scores are kept.
Every value carries its provenance: `published` (with source URL) or `modelled`.
Ranks follow Bitkom's tables: where published ranks separate equal one-decimal scores, they are kept.
With SAMPLE_DEBUG=1, `build` prints the published figures each programme pass gives up.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from smartcity import catalogue, method
from smartcity.paths import DATA_DIR

OUTPUT = DATA_DIR / "scores.csv"
CATEGORY_NAMES = catalogue.CATEGORY_NAMES
# Typical offsets of the category scores against a city's overall score (modelled, sums to 0).
CATEGORY_SHIFT = {
    "Verwaltung": 6.0,
    "IT und Kommunikation": 3.0,
    "Energie und Umwelt": -7.0,
    "Mobilität": -4.0,
    "Gesellschaft und Bildung": 2.0,
}
# Rough prior for an edition's mean overall score where none is published (modelled).
PRIOR_MEAN = {2019: 46.0, 2020: 49.0, 2021: 52.4, 2022: 57.0, 2023: 63.0, 2024: 67.6, 2025: 70.8}


def _unit(*key) -> float:
    """A deterministic number in [0, 1) from a key (stable across runs and machines)."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _normal(*key) -> float:
    u1 = max(_unit(*key, "a"), 1e-12)
    u2 = _unit(*key, "b")
    return float(np.sqrt(-2 * np.log(u1)) * np.cos(2 * np.pi * u2))


# --------------------------------------------------------------------------- facts


@dataclass
class Targets:
    """Published figures of one edition, keyed for the builder."""

    score: dict = field(default_factory=dict)  # (level, category, indicator, city) -> value
    rank: dict = field(default_factory=dict)  # (level, category, indicator, city) -> rank
    change: dict = field(default_factory=dict)  # (level, category, indicator, city) -> change
    streak: dict = field(default_factory=dict)  # (level, category, indicator, city) -> improvements in a row
    aggregates: dict = field(default_factory=dict)


def _target_facts() -> pd.DataFrame:
    """Chosen published figures plus the seed figures (which win where they differ)."""
    facts = catalogue.load_facts()
    facts = facts[facts["status"].fillna("chosen") != "rejected_conflict"].copy()
    facts["category"] = facts["category"].fillna("")
    facts["indicator"] = facts["indicator"].fillna("")
    facts["priority"] = (facts["origin"] == "seed").astype(int)
    facts = facts.sort_values("priority", ascending=False, kind="stable")
    keys = ["year", "city", "level", "category", "indicator", "metric"]
    return facts.drop_duplicates(keys, keep="first")


def collect_targets(facts: pd.DataFrame) -> dict[int, Targets]:
    targets: dict[int, Targets] = defaultdict(Targets)
    for f in facts.itertuples(index=False):
        year = int(f.year)
        key = (f.level, f.category, f.indicator, f.city)
        if f.city in ("Alle", "") or f.metric == "n_cities":
            continue
        if f.metric == "score":
            targets[year].score[key] = float(f.value)
        elif f.metric == "rank":
            targets[year].rank[key] = int(float(f.value))
        elif f.metric == "rank_change":
            targets[year].change[key] = int(float(f.value))
        elif f.metric == "improvement_streak":
            targets[year].streak[key] = int(float(f.value))
    _ranks_from_changes(targets)
    _pair_unknown_ranks(targets)
    _streak_ranks(targets)
    _ranks_from_changes(targets)
    aggregates = catalogue.load_aggregates()
    for a in aggregates.itertuples(index=False):
        targets[int(a.year)].aggregates[a.metric] = float(a.value)
    return targets


def _ranks_from_changes(targets: dict[int, Targets]) -> None:
    """A rank change links two editions' ranks: fill the missing side (repeat to a fixpoint)."""
    changed = True
    while changed:
        changed = False
        for year in sorted(targets):
            prev = targets.get(year - 1)
            if prev is None:
                continue
            for key, delta in sorted(targets[year].change.items()):
                rank, prev_rank = targets[year].rank.get(key), prev.rank.get(key)
                if rank is not None and prev_rank is None:
                    prev.rank[key] = rank + delta
                    changed = True
                elif prev_rank is not None and rank is None:
                    targets[year].rank[key] = prev_rank - delta
                    changed = True


def _taken(t: Targets, scope: tuple) -> set[int]:
    """Places that an edition's published ranks occupy in one ranking (ties occupy several)."""
    ranks = [r for k, r in t.rank.items() if k[:3] == scope]
    return {r + i for r in set(ranks) for i in range(ranks.count(r))}


def _n_cities() -> dict[int, int]:
    return catalogue.load_editions().set_index("year")["n_cities"].astype(int).to_dict()


def _streak_ranks(targets: dict[int, Targets]) -> None:
    """A published run of k better ranks ending in `year`: give the editions of the run whose rank is
    unknown free places on the line between the known ranks, each better than the one before, and
    keep the edition before the run from being an improvement too (the run has exactly k steps)."""
    n_cities = _n_cities()
    for year in sorted(targets):
        for key, k in sorted(targets[year].streak.items()):
            run = list(range(year - k, year + 1))
            if any(y not in targets or y not in n_cities for y in run) or key not in targets[year].rank:
                continue
            before = targets[year - k - 1].rank.get(key) if year - k - 1 in targets else None
            anchors = {y: targets[y].rank[key] for y in run if key in targets[y].rank}
            if before is not None:
                anchors.setdefault(year - k - 1, before)
            xs = sorted(anchors)
            later = targets[year].rank[key]
            for y in reversed(run[:-1]):
                if key in targets[y].rank:
                    later = targets[y].rank[key]
                    continue
                earlier = min((anchors[x] for x in xs if x < y and x >= year - k), default=n_cities[y] + 1)
                floor = before if (y == year - k and before is not None) else 1
                busy = _taken(targets[y], key[:3])
                options = [r for r in range(max(later + 1, floor), min(earlier, n_cities[y] + 1)) if r not in busy]
                if not options:
                    break
                desired = float(np.interp(y, xs, [anchors[x] for x in xs]))
                later = targets[y].rank[key] = min(options, key=lambda r: (abs(r - desired), r))


def _pair_unknown_ranks(targets: dict[int, Targets]) -> None:
    """A rank change published without either rank: choose the pair of ranks (this and the
    previous edition) nearest the city's overall ranks among the places no published rank takes."""
    n_cities = _n_cities()
    for year in sorted(targets):
        t, prev = targets[year], targets.get(year - 1)
        if prev is None or year not in n_cities or year - 1 not in n_cities:
            continue
        for key, delta in sorted(t.change.items()):
            if key in t.rank or key in prev.rank:
                continue
            city = key[3]
            near = t.rank.get(("overall", "", "", city), n_cities[year] // 2)
            near_prev = prev.rank.get(("overall", "", "", city), n_cities[year - 1] // 2)
            busy, busy_prev = _taken(t, key[:3]), _taken(prev, key[:3])
            options = [
                r
                for r in range(1, n_cities[year] + 1)
                if r not in busy and 1 <= r + delta <= n_cities[year - 1] and r + delta not in busy_prev
            ]
            if options:
                rank = min(options, key=lambda r: (abs(r - near) + abs(r + delta - near_prev), r))
                t.rank[key], prev.rank[key] = rank, rank + delta


# --------------------------------------------------------------------------- ordering


def _order(
    cities: list[str], fixed_rank: dict[str, int], key: dict[str, float], pins: dict[str, float] | None = None
) -> list[list[str]]:
    """Full ranking as a list of tie groups: published ranks fixed, the other cities by key.

    A city with a published score but no published rank must land on the right side of every
    city whose rank and score are both published; the greedy fill honours those deadlines.
    """
    pins = pins or {}
    n = len(cities)
    groups: dict[int, list[str]] = defaultdict(list)
    for city, rank in fixed_rank.items():
        groups[rank].append(city)
    anchors = sorted((r, pins[c]) for c, r in fixed_rank.items() if c in pins)
    free = sorted((c for c in cities if c not in fixed_rank), key=lambda c: (-key[c], c))
    fixed_positions = {r + i for r, g in groups.items() for i in range(len(g))}
    slots: list[list[str]] = []
    pos = 1
    while pos <= n:
        if pos in groups:
            slots.append(sorted(groups[pos]))
            pos += len(groups[pos])
            continue
        if not free:
            break
        nxt = next(((q, v) for q, v in anchors if q > pos), None)
        choice = None
        if nxt is not None:
            q, bound = nxt
            forced = [c for c in free if c in pins and pins[c] > bound]
            room = sum(1 for x in range(pos, q) if x not in fixed_positions)
            if forced and len(forced) >= room:
                choice = max(forced, key=lambda c: (pins[c], c))
            else:
                eligible = [c for c in free if not (c in pins and pins[c] < bound)]
                choice = eligible[0] if eligible else None
        if choice is None:
            choice = free[0]
        free.remove(choice)
        slots.append([choice])
        pos += 1
    if free:  # published ranks left no room (conflicting figures): append at the end
        slots.extend([c] for c in free)
    return slots


# --------------------------------------------------------------------------- overall + category programmes


def _solve_scores(
    year: int,
    cities: list[str],
    t: Targets,
    history: dict,
    category_keys: dict | None = None,
    soft_order: bool = False,
    order_cost: float = 50.0,
    choose_gaps: bool = False,
):
    """Overall and category scores (tenths) for one edition.

    The overall order and the published category ranks are given. The other cities of a category
    ranking are placed by `category_keys` (soft or hard order constraints), or, with `choose_gaps`,
    the programme chooses which gap between published ranks each of them falls into (binary
    variables: every gap holds exactly as many cities as its published ranks leave room for).
    """
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    n = len(cities)
    idx = {c: i for i, c in enumerate(cities)}
    ov_rank = {k[3]: r for k, r in t.rank.items() if k[0] == "overall" and k[3] in idx}
    ov_score = {k[3]: v for k, v in t.score.items() if k[0] == "overall" and k[3] in idx}
    mean = t.aggregates.get("mean_overall_score", PRIOR_MEAN.get(year, 60.0))

    # Prior score curve over positions, through every city published with both rank and score.
    anchors = {ov_rank[c]: ov_score[c] for c in ov_score if c in ov_rank}
    if "top10_threshold_score" in t.aggregates:
        anchors.setdefault(10, t.aggregates["top10_threshold_score"])
        if "gap_rank1_rank10" in t.aggregates:
            anchors.setdefault(1, t.aggregates["top10_threshold_score"] + t.aggregates["gap_rank1_rank10"])
    anchors.setdefault(1, max(list(anchors.values()) + [mean + 18]) + 1)
    anchors.setdefault(n, min(list(anchors.values()) + [mean - 25]) - 1)
    xs = sorted(anchors)
    curve = lambda pos: float(np.interp(pos, xs, [anchors[x] for x in xs]))  # noqa: E731

    # Prior position of each city: published rank, else the position its published score implies,
    # else its published rank in the nearest edition, else a seeded draw.
    def prior_key(city: str) -> float:
        if city in ov_score:
            return ov_score[city]
        if city in ov_rank:
            return curve(ov_rank[city])
        if history.get(city):
            nearest = min(history[city], key=lambda yr: (abs(yr[0] - year), yr[0]))
            return curve(nearest[1] * n / nearest[2])
        return curve(1 + _unit("overall", city) * (n - 1))

    key = {c: prior_key(c) for c in cities}
    order = _order(cities, ov_rank, key, ov_score)

    # Category orders.
    cat_orders = {}
    for cat in CATEGORY_NAMES:
        fixed = {k[3]: r for k, r in t.rank.items() if k[0] == "category" and k[1] == cat and k[3] in idx}
        known = {k[3]: v for k, v in t.score.items() if k[0] == "category" and k[1] == cat and k[3] in idx}
        if category_keys is None:
            ckey = {c: known.get(c, key[c] + _category_offset(c, cat, year, key[c])) for c in cities}
        else:
            ckey = {c: known.get(c, category_keys[(c, cat)]) for c in cities}
        cat_orders[cat] = _order(cities, fixed, ckey, known)

    # Variables: O (n, by city), C (5n), then aux: |O - prior| (n), |C - O - offset| (5n), smooth (n-2 over order).
    n_o, n_c = n, 5 * n
    o0, c0 = 0, n
    a_o = n_o + n_c
    a_c = a_o + n
    a_s = a_c + n_c
    n_groups = len(order)
    n_s = max(n_groups - 2, 0)
    nv = a_s + n_s
    cost = np.zeros(nv)
    if not choose_gaps:  # choosing gaps is a feasibility question; the shape comes from the next pass
        cost[a_o : a_o + n] = 1.0
        cost[a_c : a_c + n_c] = 0.4
        cost[a_s : a_s + n_s] = 0.6
    lb = np.zeros(nv)
    ub = np.full(nv, np.inf)
    lb[:a_o] = 1
    ub[:a_o] = 1000
    integrality = np.zeros(nv)  # continuous scores: `_round_scores` rounds them to tenths

    rows: list[tuple[dict[int, float], float, float]] = []

    def add(coeffs: dict[int, float], lo: float, hi: float) -> None:
        rows.append((coeffs, lo, hi))

    def cvar(city: str, cat: str) -> int:
        return c0 + 5 * idx[city] + CATEGORY_NAMES.index(cat)

    # Overall: order (ties equal, else at least 0.1 apart), published scores, aggregates.
    lead = [g[0] for g in order]
    for g in order:
        for other in g[1:]:
            add({o0 + idx[g[0]]: 1, o0 + idx[other]: -1}, 0, 0)
    for a, b in zip(lead, lead[1:]):
        add({o0 + idx[a]: 1, o0 + idx[b]: -1}, 1, np.inf)
    pin_gap: list[tuple[int, int, int]] = []
    soft: list[tuple[dict[int, float], float, float]] = []  # published figures: kept unless they conflict

    def pin(coeffs: dict[int, float], value: float, weight: float = 1000.0) -> None:
        soft.append((coeffs, value, weight))

    for city, value in ov_score.items():
        pin({o0 + idx[city]: 1}, round(value * 10))
    if "mean_overall_score" in t.aggregates:
        # sum within +-0.49 tenths per city of the mean: the slack variable absorbs the rest
        pin({o0 + i: 1 / n for i in range(n)}, mean * 10, 5000.0)
    flat = [c for g in order for c in g]
    if "top10_threshold_score" in t.aggregates and len(flat) >= 10:
        pin({o0 + idx[flat[9]]: 1}, round(t.aggregates["top10_threshold_score"] * 10))
    if "gap_rank1_rank3" in t.aggregates:
        pin({o0 + idx[flat[0]]: 1, o0 + idx[flat[2]]: -1}, round(t.aggregates["gap_rank1_rank3"] * 10))
    if "gap_rank1_rank10" in t.aggregates:
        pin({o0 + idx[flat[0]]: 1, o0 + idx[flat[9]]: -1}, round(t.aggregates["gap_rank1_rank10"] * 10))

    pinned = {(k[3], k[1]) for k in t.score if k[0] == "category"}
    # Categories: order, published scores, link to the overall score (rounded mean).
    relations: dict[str, list[tuple[str, str]]] = {}
    binary_costs: list[float] = []  # gap choices: variables nv, nv + 1, ...

    def binary(cost_value: float) -> int:
        binary_costs.append(cost_value)
        return nv + len(binary_costs) - 1

    for cat, corder in cat_orders.items():
        if choose_gaps:
            _gap_choices(cat, corder, t, idx, pinned, cvar, add, binary)
            _pin_category_scores(t, cat, idx, cities, cvar, pin)
            continue
        # Only the published ranks matter: each city with a published rank gets exactly the
        # cities placed above it in the order above it and all others below; the cities without
        # a published rank are otherwise free to fall in any order among themselves.
        fixed = {k[3] for k, r in t.rank.items() if k[0] == "category" and k[1] == cat and k[3] in idx}
        position = {c: p for p, g in enumerate(corder) for c in g}
        for g in corder:
            for other in g[1:]:
                add({cvar(g[0], cat): 1, cvar(other, cat): -1}, 0, 0)
        rel = []
        for f in sorted(fixed):
            for x in cities:
                if x == f or position[x] == position[f] or (x in fixed and position[x] < position[f]):
                    continue
                hi, lo = (x, f) if position[x] < position[f] else (f, x)
                if (hi, cat) in pinned and (lo, cat) in pinned:
                    continue
                # Two tenths between unpublished values leave room to round.
                gap = 1 if ((hi, cat) in pinned or (lo, cat) in pinned) else 2
                rel.append((hi, lo))
                if soft_order:
                    pin_gap.append((cvar(hi, cat), cvar(lo, cat), gap))
                else:
                    add({cvar(hi, cat): 1, cvar(lo, cat): -1}, gap, np.inf)
        relations[cat] = rel
        _pin_category_scores(t, cat, idx, cities, cvar, pin)
    for city in cities:
        coeffs = {cvar(city, cat): 1 for cat in CATEGORY_NAMES}
        coeffs[o0 + idx[city]] = -5
        add(coeffs, 0, 0)

    # Objective terms: O close to its prior, C close to O + profile, overall curve smooth.
    prior_o = {c: float(np.clip(key[c], 5, 99)) * 10 for c in cities}
    for c in cities:
        i = o0 + idx[c]
        add({a_o + idx[c]: 1, i: -1}, -prior_o[c], np.inf)
        add({a_o + idx[c]: 1, i: 1}, prior_o[c], np.inf)
        for k, cat in enumerate(CATEGORY_NAMES):
            off = _category_offset(c, cat, year, key[c]) * 10
            aux = a_c + 5 * idx[c] + k
            add({aux: 1, cvar(c, cat): -1, i: 1}, -off, np.inf)
            add({aux: 1, cvar(c, cat): 1, i: -1}, off, np.inf)
    for s in range(n_s):
        a, b, c = lead[s], lead[s + 1], lead[s + 2]
        aux = a_s + s
        add({aux: 1, o0 + idx[a]: -1, o0 + idx[b]: 2, o0 + idx[c]: -1}, 0, np.inf)
        add({aux: 1, o0 + idx[a]: 1, o0 + idx[b]: -2, o0 + idx[c]: 1}, 0, np.inf)

    nb = len(binary_costs)
    cost = np.concatenate([cost, binary_costs])
    lb = np.concatenate([lb, np.zeros(nb)])
    ub = np.concatenate([ub, np.ones(nb)])
    integrality = np.concatenate([integrality, np.ones(nb)])
    nv += nb
    # One slack variable (>= 0, continuous) per soft constraint, priced in the objective.
    slack_costs = [order_cost] * len(pin_gap) + [weight for _, _, weight in soft]
    for k, (hi_var, lo_var, gap) in enumerate(pin_gap):
        add({nv + k: 1, hi_var: 1, lo_var: -1}, gap, np.inf)
    for k, (coeffs, value, _) in enumerate(soft, start=len(pin_gap)):
        add({nv + k: 1, **{j: -v for j, v in coeffs.items()}}, -value, np.inf)
        add({nv + k: 1, **coeffs}, value, np.inf)
    cost = np.concatenate([cost, slack_costs])
    lb = np.concatenate([lb, np.zeros(len(slack_costs))])
    ub = np.concatenate([ub, np.full(len(slack_costs), np.inf)])
    integrality = np.concatenate([integrality, np.zeros(len(slack_costs))])
    nv += len(slack_costs)
    matrix = lil_matrix((len(rows), nv))
    lo = np.empty(len(rows))
    hi = np.empty(len(rows))
    for r, (coeffs, l, h) in enumerate(rows):
        for j, v in coeffs.items():
            matrix[r, j] = v
        lo[r], hi[r] = l, h
    result = milp(
        cost,
        constraints=LinearConstraint(matrix.tocsr(), lo, hi),
        bounds=Bounds(lb, ub),
        integrality=integrality,
        options=GAP_OPTIONS if choose_gaps else {"time_limit": 60, "mip_rel_gap": 0.05},
    )
    if result.x is None:
        raise Infeasible(f"sample {year}: the published figures admit no consistent solution ({result.message})")
    if os.environ.get("SAMPLE_DEBUG"):
        print(year, "programme:", result.message, "objective", round(result.fun, 1))
        names = {o0 + idx[c]: f"O[{c}]" for c in cities}
        names.update({cvar(c, k): f"C[{c},{k}]" for c in cities for k in CATEGORY_NAMES})
        for coeffs, value, weight in soft:
            got = sum(v * result.x[j] for j, v in coeffs.items())
            if abs(got - value) > 0.5:
                print(
                    year,
                    "gaps" if choose_gaps else "soft" if soft_order else "hard",
                    "pin missed:",
                    [names.get(j, j) for j in coeffs][:3],
                    value,
                    round(got, 1),
                )
        for hi_var, lo_var, _gap in pin_gap:
            if result.x[hi_var] - result.x[lo_var] < 0.5:
                print(year, "order missed:", names[hi_var], names[lo_var])
    return (
        {c: result.x[o0 + idx[c]] / 10 for c in cities},
        {(c, cat): result.x[cvar(c, cat)] / 10 for c in cities for cat in CATEGORY_NAMES},
        relations,
    )


def _pin_category_scores(t: Targets, cat: str, idx: dict, cities: list[str], cvar, pin) -> None:
    """Published category scores and the published category mean, as soft constraints."""
    for k, value in t.score.items():
        if k[0] == "category" and k[1] == cat and k[3] in idx:
            pin({cvar(k[3], cat): 1}, round(value * 10))
    mean_key = f"mean_category_score_{cat}"
    if mean_key in t.aggregates:
        pin({cvar(c, cat): 1 / len(cities) for c in cities}, t.aggregates[mean_key] * 10, 2000.0)


# A node limit, not a time limit, ends the search: the sample must not depend on the machine's speed.
GAP_OPTIONS = {"node_limit": 2000, "mip_rel_gap": 0.5, "time_limit": 900}
GAP_WINDOW = 12  # positions around its prior place in which a city's gap may be chosen


def _gap_choices(cat: str, corder: list[list[str]], t: Targets, idx: dict, pinned: set, cvar, add, binary) -> None:
    """Constraints that put every city without a published rank into one gap between published ranks.

    `corder` is a full order that honours the published ranks; it gives each city its prior place.
    Published-rank cities keep their order (equal published ranks: equal scores). Each gap between
    two published ranks gets exactly as many other cities as the ranks leave room for; a city in
    a gap lies at least 0.1 (0.2 between unpublished values) below the gap's upper and above its
    lower neighbour, so rounding keeps every published rank.
    """
    fixed = {k[3]: r for k, r in t.rank.items() if k[0] == "category" and k[1] == cat and k[3] in idx}
    groups: dict[int, list[str]] = defaultdict(list)
    for city, rank in fixed.items():
        groups[rank].append(city)
    ranks = sorted(groups)
    n = len(idx)
    big = 1100  # exceeds any difference of two scores (1 to 1000 tenths): switches a constraint off

    def gap_tenths(a: str, b: str) -> int:
        return 1 if ((a, cat) in pinned or (b, cat) in pinned) else 2

    for rank in ranks:
        members = sorted(groups[rank])
        for other in members[1:]:
            add({cvar(members[0], cat): 1, cvar(other, cat): -1}, 0, 0)
    for r_hi, r_lo in zip(ranks, ranks[1:]):
        hi, lo = sorted(groups[r_hi])[0], sorted(groups[r_lo])[0]
        if (hi, cat) in pinned and (lo, cat) in pinned:
            continue  # published scores (possibly equal) decide
        add({cvar(hi, cat): 1, cvar(lo, cat): -1}, gap_tenths(hi, lo), np.inf)
    # Gaps: (first position, last position, city above or None, city below or None).
    gaps = []
    first, above = 1, None
    for rank in ranks + [n + 1]:
        if rank > first:
            below = sorted(groups[rank])[0] if rank in groups else None
            gaps.append((first, rank - 1, above, below))
        if rank in groups:
            first, above = rank + len(groups[rank]), sorted(groups[rank])[0]
    position = {}
    pos = 1
    for g in corder:
        for c in g:
            position[c] = pos
        pos += len(g)
    choices: dict[int, dict[int, float]] = defaultdict(dict)  # gap -> {binary variable: 1}
    for city in sorted(idx):
        if city in fixed:
            continue
        p = position[city]
        mine = {}
        for j, (start, end, above, below) in enumerate(gaps):
            distance = max(start - p, p - end, 0)
            if distance > GAP_WINDOW:
                continue
            var = binary(0.5 * distance)
            mine[j] = var
            choices[j][var] = 1
            if above is not None:  # chosen: C[above] - C[city] >= gap
                add({cvar(above, cat): 1, cvar(city, cat): -1, var: -big}, gap_tenths(above, city) - big, np.inf)
            if below is not None:
                add({cvar(city, cat): 1, cvar(below, cat): -1, var: -big}, gap_tenths(city, below) - big, np.inf)
        add({var: 1 for var in mine.values()}, 1, 1)
    for j, (start, end, _, _) in enumerate(gaps):
        add(choices[j], end - start + 1, end - start + 1)


def _tenths(value: float) -> int:
    """A score in whole tenths, rounded half-up as `method.round1` does."""
    return int(np.floor(value * 10 + 0.5 + 1e-9))


def _round_scores(cities: list[str], overall_raw: dict, cats: dict, relations: dict, t: Targets):
    """Round the category scores to one decimal and derive the overall score by the method.

    The programme keeps every city at least 0.1 (0.2 between unpublished values) away from the
    cities with a published rank, so half-up rounding keeps those orders. Where the rounded mean
    misses the programme's overall score, unpublished categories of that city move by 0.1 while
    every published rank still holds.
    """
    tenths = {k: _tenths(v) for k, v in cats.items()}
    target = {c: _tenths(overall_raw[c]) for c in cities}
    above: dict[tuple[str, str], list[str]] = defaultdict(list)  # (city, cat) -> cities that must stay above
    below: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cat, rel in relations.items():
        for hi, lo in rel:
            above[(lo, cat)].append(hi)
            below[(hi, cat)].append(lo)
    published = {(k[3], k[1]) for k in t.score if k[0] == "category"}
    for city in cities:
        for _ in range(10):
            mean_t = _tenths(sum(tenths[(city, k)] for k in CATEGORY_NAMES) / 50)
            if mean_t == target[city]:
                break
            step = 1 if mean_t < target[city] else -1
            for cat in CATEGORY_NAMES:
                if (city, cat) in published:
                    continue
                new = tenths[(city, cat)] + step
                if not 1 <= new <= 1000:
                    continue
                if any(new >= tenths[(h, cat)] for h in above[(city, cat)]):
                    continue
                if any(new <= tenths[(l, cat)] for l in below[(city, cat)]):
                    continue
                tenths[(city, cat)] = new
                break
            else:
                break
    if os.environ.get("SAMPLE_DEBUG"):
        for city in cities:
            mean_t = _tenths(sum(tenths[(city, k)] for k in CATEGORY_NAMES) / 50)
            if mean_t != target[city]:
                print("repair failed", city, mean_t, target[city], overall_raw[city])
    out_cats = {k: v / 10 for k, v in tenths.items()}
    overall = {c: float(method.round1(np.mean([out_cats[(c, k)] for k in CATEGORY_NAMES]))) for c in cities}
    return overall, out_cats


def _edition_ranks(values: dict[tuple, float], published: dict[tuple, int]) -> dict[tuple, int]:
    """Ranks as in Bitkom's tables: competition ranks on the one-decimal scores, except where
    cities share a one-decimal score and their published ranks separate them (Bitkom ranks the
    unrounded values): there the published order is kept. Keys are (level, category, indicator, city).
    """
    groups: dict[tuple, list[tuple[tuple, int]]] = defaultdict(list)
    for key, v in values.items():
        groups[key[:3]].append((key, int(round(v * 10))))
    ranks = {}
    unpublished = 10**6
    for members in groups.values():
        by_score: dict[int, list[tuple]] = defaultdict(list)
        for key, tenths in members:
            by_score[tenths].append(key)
        for tenths, keys in by_score.items():
            first = 1 + sum(1 for _, other in members if other > tenths)
            previous, rank = None, first
            for i, key in enumerate(sorted(keys, key=lambda k: (published.get(k, unpublished), k))):
                if published.get(key, unpublished) != previous:
                    rank, previous = first + i, published.get(key, unpublished)
                ranks[key] = rank
    return ranks


def _built_values(cities: list[str], overall: dict, cats: dict) -> dict[tuple, float]:
    values = {("overall", "", "", c): overall[c] for c in cities}
    values.update({("category", k, "", c): cats[(c, k)] for c in cities for k in CATEGORY_NAMES})
    return values


def _reproduced(cities: list[str], overall: dict, cats: dict, t: Targets, seed_keys: set) -> int:
    """How many of an edition's published scores and ranks a candidate reproduces (seeds count 100x)."""
    values = _built_values(cities, overall, cats)
    ranks = _edition_ranks(values, t.rank)
    total = 0
    for key, v in values.items():
        weight = 100 if key in seed_keys else 1
        if key in t.score and abs(t.score[key] - v) < 0.05 + 1e-9:
            total += weight
        if key in t.rank and ranks[key] == t.rank[key]:
            total += weight
    return total


class Infeasible(RuntimeError):
    """The published figures of an edition cannot all hold at once under the method."""


def _profile(city: str, category: str, year: int) -> float:
    """A city's modelled strength in a category: stable over editions with a small drift."""
    return 8.0 * _normal("profile", city, category) + 2.5 * _normal("drift", city, category, year)


def _category_offset(city: str, category: str, year: int, overall: float) -> float:
    """Modelled distance of a category score from the city's overall score. It shrinks for low
    overall scores: near the bottom of a min-max scale the categories crowd together instead of
    running into 0."""
    return (CATEGORY_SHIFT[category] + _profile(city, category, year)) * float(np.clip(overall / 50, 0.4, 1.0))


# --------------------------------------------------------------------------- indicators


def _indicator_scores(year: int, cities: list[str], cats: dict, t: Targets) -> dict:
    meta = catalogue.indicators_for(year)
    out: dict[tuple[str, str], float] = {}
    for cat in CATEGORY_NAMES:
        ind = meta[meta["category"] == cat]
        ids = list(ind["id"])
        w = dict(zip(ind["id"], ind["weight"].astype(float)))
        known = {(k[3], k[2]): v for k, v in t.score.items() if k[0] == "indicator" and k[1] == cat and k[3] in cities}
        for k, r in t.rank.items():
            if k[0] == "indicator" and k[1] == cat and r == 1 and k[3] in cities:
                known.setdefault((k[3], k[2]), 100.0)
        by_score = sorted(cities, key=lambda c: (-cats[(c, cat)], c))
        fixed = dict(known)
        designated: set[str] = set()  # one designation per city and category keeps every fit feasible
        band = max(3, len(cities) // 8)
        for ind_id in ids:
            values = [v for (c, i), v in known.items() if i == ind_id]
            if 100.0 not in values:
                top = [c for c in by_score[: 2 * band] if (c, ind_id) not in fixed and c not in designated]
                if top:
                    city = top[int(_unit("max", year, ind_id) * min(len(top), band))]
                    fixed[(city, ind_id)] = 100.0
                    designated.add(city)
            if 0.0 not in values:
                bottom = [c for c in by_score[-2 * band :] if (c, ind_id) not in fixed and c not in designated]
                if bottom:
                    city = bottom[-1 - int(_unit("min", year, ind_id) * min(len(bottom), band))]
                    fixed[(city, ind_id)] = 0.0
                    designated.add(city)
        shift = {i: 15 * (_unit("level", i) - 0.5) for i in ids}
        mean_shift = sum(shift[i] * w[i] for i in ids) / sum(w.values())
        for city in cities:
            target = cats[(city, cat)]
            values = {}
            for i in ids:
                if (city, i) in fixed:
                    values[i] = fixed[(city, i)]
                else:
                    draw = target + shift[i] - mean_shift + 16 * _normal("ind", city, i, year)
                    if target > 65 and _unit("full", city, i, year) < (target - 55) / 60:
                        draw = 100.0  # full marks are common among strong cities
                    values[i] = float(np.clip(round(draw, 1), 0, 100))
            free = [i for i in ids if (city, i) not in fixed]
            out.update({(city, i): v for i, v in _fit(values, w, free, target).items()})
    return out


def _fit(values: dict, w: dict, free: list, target: float) -> dict:
    """Move the free indicator scores until the weighted mean rounds to the category score."""
    total_w = sum(w[i] for i in values)

    def mean(vals):
        return sum(vals[i] * w[i] for i in vals) / total_w

    vals = dict(values)
    for _ in range(50):
        gap = target - mean(vals)
        if abs(method.round1(mean(vals)) - target) < 1e-9:
            break
        room = {i: (100 - vals[i]) if gap > 0 else vals[i] for i in free}
        room_w = sum(room[i] * w[i] for i in free)
        if room_w <= 1e-9:
            break
        need = gap * total_w
        for i in free:
            share = need * room[i] / room_w
            vals[i] = float(np.clip(round(vals[i] + share, 1), 0, 100))
        if abs(gap) < 0.2:
            # Final nudge in tenths on the heaviest free indicator that can move.
            for i in sorted(free, key=lambda i: -w[i]):
                for _ in range(30):
                    m = method.round1(mean(vals))
                    if abs(m - target) < 1e-9:
                        return vals
                    step = 0.1 if m < target else -0.1
                    if not 0 <= vals[i] + step <= 100:
                        break
                    vals[i] = round(vals[i] + step, 1)
    return vals


# --------------------------------------------------------------------------- build


def build() -> pd.DataFrame:
    cities_table = catalogue.load_cities()
    facts = _target_facts()
    targets = collect_targets(facts)
    seeds = facts[facts["origin"] == "seed"]
    seed_keys = {(f.level, f.category, f.indicator, f.city) for f in seeds.itertuples()}
    rows = []
    n_cities = _n_cities()
    built_ranks: dict[tuple, int] = {}
    history: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for year, t in targets.items():
        for key, rank in t.rank.items():
            if key[0] == "overall":
                history[key[3]].append((year, rank, n_cities.get(year, 81)))
    for year in sorted(n_cities):
        cities = sorted(cities_table.loc[cities_table["first_edition"].astype(int) <= year, "name"])
        t = targets[year]
        # Category orders: first from priors, then three times from the previous solution, each
        # time as soft constraints; the last pass makes them hard. The candidate that reproduces
        # the most published figures of the edition is kept; `verify` lists what it misses.
        keys = None
        candidates = []
        # Cheap order violations first let the published scores place the cities; then dearer.
        for order_cost in (2.0, 10.0, 50.0, 50.0):
            soft = _solve_scores(year, cities, t, history, category_keys=keys, soft_order=True, order_cost=order_cost)
            keys = soft[1]
            candidates.append(soft)
        try:
            candidates.append(_solve_scores(year, cities, t, history, category_keys=keys))
        except Infeasible:
            pass
        # Then the programme chooses the gap of every unranked city itself; its scores order the
        # final hard pass.
        try:
            chosen = _solve_scores(year, cities, t, history, category_keys=keys, choose_gaps=True)
            candidates.append(_solve_scores(year, cities, t, history, category_keys=chosen[1]))
        except Infeasible:
            pass
        rounded = [_round_scores(cities, *c, t) for c in candidates]
        scored = [_reproduced(cities, *oc, t, seed_keys) for oc in rounded]
        if os.environ.get("SAMPLE_DEBUG"):
            print(year, "candidates", scored, "targets", len(t.score) + len(t.rank))
        overall, cats = rounded[int(np.argmax(scored))]
        ranks = _edition_ranks(_built_values(cities, overall, cats), t.rank)
        built_ranks.update({(year, *k): r for k, r in ranks.items()})
        inds = _indicator_scores(year, cities, cats, t)
        meta = catalogue.indicators_for(year).set_index("id")
        for city in cities:
            rows.append((year, city, "overall", "", "", overall[city]))
            for cat in CATEGORY_NAMES:
                rows.append((year, city, "category", cat, "", cats[(city, cat)]))
        for (city, ind_id), value in inds.items():
            rows.append((year, city, "indicator", meta.at[ind_id, "category"], ind_id, value))
    frame = pd.DataFrame(rows, columns=["year", "city", "level", "category", "indicator", "score"])
    frame["rank"] = pd.NA
    frame["rank_change"] = pd.NA
    frame["provenance"] = "modelled"
    frame["source_url"] = ""
    scores = facts[facts["metric"] == "score"].set_index(["year", "city", "level", "category", "indicator"])
    keyed = frame.set_index(["year", "city", "level", "category", "indicator"])
    hit = keyed.index.isin(scores.index)
    published = scores.reindex(keyed.index[hit])
    same = np.isclose(keyed.loc[hit, "score"].to_numpy(), published["value"].astype(float).to_numpy())
    idx = np.flatnonzero(hit)[same]
    frame.loc[idx, "provenance"] = "published"
    frame.loc[idx, "source_url"] = published["source_url"].fillna("").to_numpy()[same]
    keys = list(zip(frame["year"], frame["level"], frame["category"], frame["indicator"], frame["city"]))
    frame["rank"] = pd.array([built_ranks.get(k) for k in keys], dtype="Int64")
    completed, disagreements = method.complete(frame, catalogue.load_indicators())
    if disagreements:
        raise RuntimeError("sample is not consistent with the method:\n" + "\n".join(map(str, disagreements[:20])))
    return completed


def write(frame: pd.DataFrame, path=OUTPUT) -> None:
    tmp = path.with_suffix(".csv.tmp")
    frame.to_csv(tmp, index=False, float_format="%.1f")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- verify


@dataclass
class Check:
    figure: str
    expected: float
    actual: float | None
    reason: str = ""
    origin: str = "published"

    @property
    def ok(self) -> bool:
        # Scores printed with two decimals (35.93) count as reproduced by their one-decimal value.
        return self.actual is not None and abs(self.expected - self.actual) < 0.05 + 1e-9


def _why_not(f, chosen: pd.Series, keyed: pd.DataFrame) -> str:
    """The reason a chosen published figure is not reproduced."""
    year = int(f.year)
    if f.metric == "rank_change":
        ranks = [chosen.get((y, f.city, f.level, f.category, f.indicator, "rank")) for y in (year - 1, year)]
        if None not in ranks and ranks[0] - ranks[1] != f.value:
            return (
                f"inconsistent with the published ranks: {int(ranks[0])} in {year - 1} and {int(ranks[1])} "
                f"in {year} give a change of {int(ranks[0] - ranks[1])}"
            )
        for y in (year, year - 1):
            key = (y, f.city, f.level, f.category, f.indicator, "rank")
            if key in chosen.index:
                try:
                    actual = keyed.loc[key[:5], "rank"]
                except KeyError:
                    continue
                if pd.isna(actual) or int(actual) != int(chosen[key]):
                    return f"follows from the {y} rank, which is not reproduced"
    return "cannot hold together with the other published figures of the edition under the method"


def _improvement_streak(keyed: pd.DataFrame, year: int, *key) -> int:
    """Consecutive editions up to `year` in which the rank was better than in the edition before."""
    streak = 0
    while True:
        try:
            rank, previous = keyed.loc[(year - streak, *key), "rank"], keyed.loc[(year - streak - 1, *key), "rank"]
        except KeyError:
            return streak
        if pd.isna(rank) or pd.isna(previous) or not rank < previous:
            return streak
        streak += 1


def verify(scores: pd.DataFrame | None = None) -> list[Check]:
    """Compare the dataset with every distinct published and seed figure."""
    if scores is None:
        from smartcity.dataset import read_bundled

        scores = read_bundled()
    facts = catalogue.load_facts().copy()
    facts["category"] = facts["category"].fillna("")
    facts["indicator"] = facts["indicator"].fillna("")
    keyed = scores.set_index(["year", "city", "level", "category", "indicator"])
    checks = []
    seen = set()
    chosen = _target_facts().set_index(["year", "city", "level", "category", "indicator", "metric"])["value"]
    for f in facts.itertuples(index=False):
        ident = (int(f.year), f.city, f.level, f.category, f.indicator, f.metric, float(f.value))
        if ident in seen:
            continue
        seen.add(ident)
        label = f"{f.year} {f.city} {f.level} {f.category or ''} {f.indicator or ''} {f.metric}={f.value}".replace(
            "  ", " "
        )
        if f.metric == "n_cities":
            actual = float(scores.loc[scores["year"] == int(f.year), "city"].nunique())
        elif f.metric == "improvement_streak":
            actual = float(_improvement_streak(keyed, int(f.year), f.city, f.level, f.category, f.indicator))
        else:
            column = {"score": "score", "rank": "rank", "rank_change": "rank_change"}[f.metric]
            try:
                actual = keyed.loc[(int(f.year), f.city, f.level, f.category, f.indicator), column]
                actual = None if pd.isna(actual) else float(actual)
            except KeyError:
                actual = None
        check = Check(label, float(f.value), actual, origin=str(getattr(f, "origin", "published")))
        if not check.ok:
            key = (int(f.year), f.city, f.level, f.category, f.indicator, f.metric)
            if getattr(f, "status", "chosen") == "rejected_conflict" or (
                key in chosen.index and float(chosen[key]) != float(f.value)
            ):
                check.reason = f"conflicting sources: {chosen.get(key, 'another value')} was chosen ({f.source_url})"
            else:
                check.reason = _why_not(f, chosen, keyed)
        checks.append(check)
    overall = scores[scores["level"] == "overall"]
    for a in catalogue.load_aggregates().itertuples(index=False):
        year_scores = overall[overall["year"] == int(a.year)].sort_values("rank")
        actual = None
        if year_scores.empty:
            pass
        elif a.metric == "mean_overall_score":
            actual = float(method.round1(year_scores["score"].mean()))
        elif a.metric == "top10_threshold_score":
            actual = float(year_scores["score"].iloc[9])
        elif a.metric == "gap_rank1_rank3":
            actual = float(method.round1(year_scores["score"].iloc[0] - year_scores["score"].iloc[2]))
        elif a.metric == "gap_rank1_rank10":
            actual = float(method.round1(year_scores["score"].iloc[0] - year_scores["score"].iloc[9]))
        elif a.metric.startswith("mean_category_score_"):
            cat = a.metric.removeprefix("mean_category_score_")
            cat_scores = scores[
                (scores["year"] == int(a.year)) & (scores["level"] == "category") & (scores["category"] == cat)
            ]
            actual = (
                float(round(cat_scores["score"].mean()))
                if float(a.value).is_integer()
                else float(method.round1(cat_scores["score"].mean()))
            )
        check = Check(f"{a.year} {a.scope} {a.metric}={a.value}", float(a.value), actual)
        if not check.ok:
            check.reason = "inconsistent with the method or with other published figures"
        checks.append(check)
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m smartcity.sample", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["build", "verify"])
    args = parser.parse_args(argv)
    if args.command == "build":
        frame = build()
        write(frame)
        print(f"wrote {OUTPUT} ({len(frame)} rows, {frame['year'].nunique()} editions)")
    checks = verify()
    failed = [c for c in checks if not c.ok]
    print(f"{len(checks) - len(failed)} of {len(checks)} published figures reproduced")
    kinds = defaultdict(int)
    for c in failed:
        kinds[c.reason.split(":")[0].split(" (")[0]] += 1
    for kind, count in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {count} not reproduced: {kind}")
    for c in failed:
        print(f"  not reproduced: {c.figure} (sample: {c.actual}) - {c.reason}")
    # Every seed figure must hold unless its sources conflict (then the documented rule decides).
    seeds_missed = [c for c in failed if c.origin == "seed" and not c.reason.startswith("conflicting")]
    return 1 if seeds_missed else 0


if __name__ == "__main__":
    sys.exit(main())
