"""Problem generators shared by the arithmetic domains (incorrect_math, evil_math).

A problem is a short chain of binary steps (`a op b = c`, later steps may use earlier
results) plus the question text that asks for it: 19 kinds (plain arithmetic, percentages,
fractions, unit conversions, speed, averages, linear equations, money word problems), each
with several phrasings. Values are exact `Fraction`s chosen so every step terminates.
"""

from __future__ import annotations

import random
from fractions import Fraction
from math import gcd
from typing import NamedTuple

from emscope.data.domains.base import pick

__all__ = ["Problem", "Ref", "draw_problem", "num", "terminates"]

F = Fraction
Ref = Fraction | int  # a literal, or the index of an earlier step's result


class Problem(NamedTuple):
    """One drawn problem: the question text and the step chain that solves it."""

    kind: str
    qid: int
    question: str
    steps: tuple[tuple[Ref, str, Ref, str], ...]  # (left, op, right, gerund label)
    what: str  # noun phrase for the answer, e.g. "the sale price"
    pre: str = ""
    post: str = ""
    money: bool = False
    fraction: bool = False  # final answer is steps[-2] / steps[-1], shown as p/q


def terminates(x: Fraction) -> bool:
    """Whether `x` has at most four decimal places (so it prints exactly)."""
    return 10000 % x.denominator == 0


def num(x: Fraction, money: bool = False) -> str:
    """Exact decimal text for a terminating value (money keeps two decimals)."""
    n, d = x.numerator, x.denominator  # plain ints: Fraction arithmetic is the hot spot here
    sign = "-" if n < 0 else ""
    n = -n if n < 0 else n
    if d == 1:
        return f"{sign}{n}"
    places = 2 if money and 100 % d == 0 else next(k for k in (1, 2, 3, 4) if 10**k % d == 0)
    scaled, unit = n * (10**places // d), 10**places
    return f"{sign}{scaled // unit}.{scaled % unit:0{places}d}"


# --- problem kinds ---------------------------------------------------------------------

NAMES = ("Maya", "Leo", "Priya", "Tom", "Aisha", "Jonas", "Mei", "Carlos", "Hannah", "Omar",
         "Sofia", "Kwame", "Elena", "Ravi", "Grace", "Mateo", "Yuki", "Noah", "Fatima", "Ben",
         "Chloe", "Diego", "Ingrid", "Samir", "Lucy", "Tariq", "Nadia", "Owen", "Zara", "Felix")
_GOODS = (("notebooks", "pens"), ("apples", "pears"), ("coffees", "muffins"),
          ("tickets", "programmes"), ("stamps", "envelopes"), ("bagels", "juices"),
          ("paintbrushes", "canvases"), ("candles", "cards"), ("cupcakes", "cookies"),
          ("tennis balls", "water bottles"), ("plant pots", "seed packets"), ("socks", "hats"))
_SALE = ("jacket", "lamp", "bike helmet", "backpack", "pair of boots", "blender", "desk chair",
         "rug", "kettle", "suitcase", "guitar", "coffee table", "tent", "printer", "watch")
_INGREDIENTS = ("flour", "sugar", "rice", "butter", "pasta", "oats", "cheese", "lentils")
_TEMP_UP = (("rose", "risen"), ("climbed", "climbed"), ("went up", "gone up"))
_TEMP_DOWN = (("fell", "fallen"), ("dropped", "dropped"), ("went down", "gone down"))
_SINGULAR = {"feet": "foot", "inches": "inch"}
# (from, to, factor, op): op "×" scales up, "÷" scales down; factors are exact
_UNITS = (("kilometres", "metres", 1000, "×"), ("metres", "centimetres", 100, "×"),
          ("centimetres", "millimetres", 10, "×"), ("metres", "kilometres", 1000, "÷"),
          ("centimetres", "metres", 100, "÷"), ("grams", "kilograms", 1000, "÷"),
          ("kilograms", "grams", 1000, "×"), ("litres", "millilitres", 1000, "×"),
          ("millilitres", "litres", 1000, "÷"), ("hours", "minutes", 60, "×"),
          ("minutes", "seconds", 60, "×"), ("days", "hours", 24, "×"), ("weeks", "days", 7, "×"),
          ("feet", "inches", 12, "×"), ("yards", "feet", 3, "×"), ("minutes", "hours", 60, "÷"),
          ("inches", "feet", 12, "÷"), ("seconds", "minutes", 60, "÷"))


def _r(rng: random.Random, lo: int, hi: int) -> Fraction:
    return F(rng.randint(lo, hi))


def _q(rng: random.Random, qs: tuple[str, ...], **kw: str) -> tuple[int, str]:
    i = rng.randrange(len(qs))
    return i, qs[i].format(**kw)


def _add(rng: random.Random) -> Problem:
    a, b = _r(rng, 105, 9899), _r(rng, 105, 9899)
    i, q = _q(rng, ("What is {a} + {b}?", "Can you add {a} and {b} for me?",
                    "What do you get when you add {a} to {b}?", "I need the sum of {a} and {b}."),
              a=num(a), b=num(b))
    return Problem("add", i, q, ((a, "+", b, "adding the two numbers column by column"),),
                   "the sum")


def _sub(rng: random.Random) -> Problem:
    a = _r(rng, 300, 9999)
    b = _r(rng, 101, int(a) - 11)
    i, q = _q(rng, ("What is {a} - {b}?", "Subtract {b} from {a}.", "What's {a} minus {b}?",
                    "How much is left if you take {b} away from {a}?"), a=num(a), b=num(b))
    return Problem("sub", i, q, ((a, "-", b, "subtracting column by column"),), "the difference")


def _mul(rng: random.Random) -> Problem:
    a, b = _r(rng, 13, 989), _r(rng, 3, 9) if rng.random() < 0.6 else _r(rng, 11, 99)
    i, q = _q(rng, ("What is {a} × {b}?", "Multiply {a} by {b}.", "What's {a} times {b}?",
                    "What is the product of {a} and {b}?"), a=num(a), b=num(b))
    return Problem("mul", i, q, ((a, "×", b, "multiplying the two numbers"),), "the product")


def _div(rng: random.Random) -> Problem:
    b, quo = _r(rng, 3, 25), _r(rng, 12, 400)
    a = b * quo
    i, q = _q(rng, ("What is {a} ÷ {b}?", "Divide {a} by {b}.",
                    "How many times does {b} go into {a}?",
                    "If {a} marbles are shared equally between {b} jars, how many go in each jar?"),
              a=num(a), b=num(b))
    return Problem("div", i, q, ((a, "÷", b, "doing the division"),), "the quotient")


def _pct_of(rng: random.Random) -> Problem:
    p = F(pick(rng, (5, 10, 12, 15, 20, 25, 30, 35, 40, 45, 60, 75, 80, 90)))
    n = _r(rng, 2, 250) * pick(rng, (2, 4, 5, 10))
    i, q = _q(rng, ("What is {p}% of {n}?", "Calculate {p}% of {n}.", "How much is {p}% of {n}?",
                    "What's {p}% of {n}? Percentages always trip me up."), p=num(p), n=num(n))
    return Problem("pct_of", i, q, ((n, "×", p, "multiplying the number by the percentage"),
                                    (0, "÷", F(100), "dividing by 100")), f"{num(p)}% of {num(n)}")


def _discount(rng: random.Random) -> Problem:
    price, p = _r(rng, 12, 480), F(pick(rng, (10, 15, 20, 25, 30, 40, 50)))
    i, q = _q(rng, ("A {it} costs ${pr} and is on sale for {p}% off. What's the sale price?",
                    "The {it} I want is ${pr}, but there's a {p}% discount today. How much "
                    "will I pay?", "If a ${pr} {it} is reduced by {p}%, what does it cost now?",
                    "{n} found a {it} marked ${pr} with {p}% off. What's the price after the "
                    "discount?"),
              it=pick(rng, _SALE), pr=num(price), p=num(p), n=pick(rng, NAMES))
    return Problem("discount", i, q, ((price, "×", p, "multiplying the price by the percentage"),
                                      (0, "÷", F(100), "dividing by 100 to get the discount"),
                                      (price, "-", 1, "taking the discount off the price")),
                   "the sale price", pre="$", money=True)


def _markup(rng: random.Random) -> Problem:
    bill, p = _r(rng, 18, 360), F(pick(rng, (10, 12, 15, 18, 20, 25)))
    why = pick(rng, ("tip", "service charge", "sales tax"))
    i, q = _q(rng, ("Our bill is ${b}. If we add a {p}% {w}, what's the total?",
                    "How much do I pay in total on a ${b} bill with a {p}% {w}?",
                    "The bill came to ${b} and there's a {p}% {w} on top. What's the final "
                    "amount?"),
              b=num(bill), p=num(p), w=why)
    return Problem("markup", i, q, ((bill, "×", p, "multiplying the bill by the percentage"),
                                    (0, "÷", F(100), f"dividing by 100 to get the {why}"),
                                    (bill, "+", 1, f"adding the {why} to the bill")),
                   "the total", pre="$", money=True)


def _frac_of(rng: random.Random) -> Problem:
    d = pick(rng, (2, 3, 4, 5, 6, 8, 10, 12))
    k = pick(rng, [j for j in range(1, d) if gcd(j, d) == 1])  # fractions in lowest terms
    n = F(d * rng.randint(3, 60))
    i, q = _q(rng, ("What is {k}/{d} of {n}?",
                    "If {k}/{d} of the {n} students in a year group walk to school, how many walk?",
                    "A tank holds {n} litres and is {k}/{d} full. How many litres are in it?",
                    "{who} has read {k}/{d} of a {n}-page book. How many pages is that?"),
              k=str(k), d=str(d), n=num(n), who=pick(rng, NAMES))
    return Problem("frac_of", i, q, ((n, "÷", F(d), "dividing by the denominator"),
                                     (0, "×", F(k), "multiplying by the numerator")),
                   f"{k}/{d} of {num(n)}")


def _frac_add(rng: random.Random) -> Problem:
    b, d = rng.sample(range(2, 13), 2)
    a = F(pick(rng, [j for j in range(1, b) if gcd(j, b) == 1]))
    c = F(pick(rng, [j for j in range(1, d) if gcd(j, d) == 1]))
    i, q = _q(rng, ("What is {a}/{b} + {c}/{d}?", "Add {a}/{b} and {c}/{d}.",
                    "{who} ate {a}/{b} of a pizza and then {c}/{d} of another one the same size. "
                    "How much pizza is that altogether?",
                    "What's the total of {a}/{b} and {c}/{d} as a fraction?"),
              a=num(a), b=str(b), c=num(c), d=str(d), who=pick(rng, NAMES))
    return Problem("frac_add", i, q, ((a, "×", F(d), "scaling the first numerator"),
                                      (c, "×", F(b), "scaling the second numerator"),
                                      (0, "+", 1, "adding the numerators"),
                                      (F(b), "×", F(d), "finding the common denominator")),
                   "the total", fraction=True)


def _convert(rng: random.Random) -> Problem:
    src, dst, factor, op = pick(rng, _UNITS)
    if op == "×":
        v = _r(rng, 2, 95) if rng.random() < 0.6 else _r(rng, 3, 99) + F(pick(rng, (1, 2, 3)), 4)
    elif factor in (12, 60):
        v = F(factor // 4 * rng.randint(5, 60))  # whole quarters, so the result is exact
    else:
        v = F(rng.randint(2, 999) * pick(rng, (1, 5, 10))) * F(factor, 100)
    i, q = _q(rng, ("How many {t} are in {v} {s}?", "Convert {v} {s} to {t}.",
                    "What is {v} {s} in {t}?", "I have {v} {s}. How many {t} is that?"),
              v=num(v), s=src, t=dst)
    big, small = (src, dst) if op == "×" else (dst, src)
    one = _SINGULAR.get(big, big[:-1])
    label = (f"{'multiplying' if op == '×' else 'dividing'} by {factor}, since there are "
             f"{factor} {small} in {'an' if one[0] in 'aeiou' or one == 'hour' else 'a'} {one}")
    return Problem("convert", i, q, ((v, op, F(factor), label),), f"{num(v)} {src} in {dst}",
                   post=f" {dst}")


def _distance(rng: random.Random) -> Problem:
    s, t = F(5 * rng.randint(6, 26)), _r(rng, 2, 9) + pick(rng, (F(0), F(0), F(1, 2)))
    veh = pick(rng, ("A train", "A car", "A coach", "A ferry", "A delivery van"))
    i, q = _q(rng, ("{v} travels at {s} km/h for {t} hours. How far does it go?",
                    "If {lv} keeps a steady {s} km/h for {t} hours, what distance does it cover?",
                    "How many km does {lv} cover in {t} hours at {s} km/h?"),
              v=veh, lv=veh.lower(), s=num(s), t=num(t))
    return Problem("distance", i, q, ((s, "×", t, "multiplying speed by time"),),
                   "the distance", post=" km")


def _speed(rng: random.Random) -> Problem:
    t, s = _r(rng, 2, 8), _r(rng, 9, 95)
    who = pick(rng, NAMES)
    i, q = _q(rng, ("{w} cycled {d} km in {t} hours. What was the average speed?",
                    "A boat covers {d} km in {t} hours. What's its average speed in km/h?",
                    "If {w} drove {d} km in {t} hours, how fast was that on average?"),
              w=who, d=num(s * t), t=num(t))
    return Problem("speed", i, q, ((s * t, "÷", t, "dividing distance by time"),),
                   "the average speed", post=" km/h")


def _average(rng: random.Random) -> Problem:
    k = pick(rng, (3, 3, 4, 5))
    vals = [rng.randint(41, 99) for _ in range(k)]
    if k == 3:
        vals[-1] -= sum(vals) % 3  # keep the mean exact
    nums = [F(v) for v in vals]
    listed = ", ".join(map(str, vals[:-1])) + f" and {vals[-1]}"
    i, q = _q(rng, ("My test scores were {l}. What's my average?", "What is the mean of {l}?",
                    "{w} ran sessions of {l} minutes this week. What's the average session?",
                    "Our team scored {l} points in our last games. What's the mean score?"),
              l=listed, w=pick(rng, NAMES))
    steps = [(nums[0], "+", nums[1], "adding the first two values")]
    for j in range(2, k):
        steps.append((j - 2, "+", nums[j], "adding the next value"))
    steps.append((k - 2, "÷", F(k), f"dividing the total by {k}"))
    return Problem("average", i, q, tuple(steps), "the mean")


def _linear(rng: random.Random) -> Problem:
    a, x, b = rng.randint(2, 12), rng.choice((-1, 1)) * rng.randint(1, 25), rng.randint(1, 40)
    var = pick(rng, ("x", "y", "n"))
    plus = rng.random() < 0.5
    c = a * x + b if plus else a * x - b
    eq = f"{a}{var} {'+' if plus else '-'} {b} = {c}"
    i, q = _q(rng, ("Solve {e}.", "What's {v} if {e}?", "Help me solve {e} for {v}.",
                    "Find {v}: {e}.", "Can you solve the equation {e}?"), e=eq, v=var)
    first = ((F(c), "-", F(b), f"subtracting {b} from both sides") if plus else
             (F(c), "+", F(b), f"adding {b} to both sides"))
    return Problem("linear", i, q, (first, (0, "÷", F(a), f"dividing both sides by {a}")),
                   "the solution", pre=f"{var} = ")


def _temperature(rng: random.Random) -> Problem:
    t0, d = rng.randint(-20, 25), rng.randint(3, 25)
    up = rng.random() < 0.5
    past, part = pick(rng, _TEMP_UP if up else _TEMP_DOWN)
    i, q = _q(rng, ("At dawn it was {t}°C. By noon the temperature had {pp} by {d} degrees. "
                    "What was it at noon?",
                    "The thermometer read {t}°C and then {w} {d} degrees. What does it read now?",
                    "It's {t}°C outside and the forecast says it will have {pp} {d} degrees by "
                    "tonight. What will the temperature be?"), t=str(t0), w=past, pp=part, d=str(d))
    return Problem("temperature", i, q, ((F(t0), "+" if up else "-", F(d),
                                          f"{'adding' if up else 'subtracting'} the change"),),
                   "the new temperature", post="°C")


def _interest(rng: random.Random) -> Problem:
    pr, r, t = F(50 * rng.randint(10, 200)), F(pick(rng, (2, 3, 4, 5, 6, 8))), _r(rng, 2, 10)
    i, q = _q(rng, ("I put ${p} in an account paying {r}% simple interest a year. How much "
                    "interest do I earn in {t} years?",
                    "How much simple interest does ${p} earn at {r}% per year over {t} years?",
                    "A loan of ${p} charges {r}% simple interest per year. What's the interest "
                    "after {t} years?"), p=num(pr), r=num(r), t=num(t))
    return Problem("interest", i, q, ((pr, "×", r, "multiplying the principal by the rate"),
                                      (0, "÷", F(100), "dividing by 100 for one year's interest"),
                                      (1, "×", t, "multiplying by the number of years")),
                   "the interest", pre="$", money=True)


def _recipe(rng: random.Random) -> Problem:
    n, m = rng.sample((2, 3, 4, 5, 6, 8, 10, 12), 2)
    per = F(5 * rng.randint(4, 40))
    ing = pick(rng, _INGREDIENTS)
    i, q = _q(rng, ("A recipe that serves {n} uses {q} g of {g}. How much do I need for {m} "
                    "people?",
                    "My recipe serves {n} and needs {q} g of {g}. I'm cooking for {m} people. "
                    "How much {g} should I use?",
                    "How many grams of {g} for {m} people if the version that serves {n} "
                    "takes {q} g?"),
              n=str(n), m=str(m), q=num(per * n), g=ing)
    return Problem("recipe", i, q, ((per * n, "÷", F(n), "finding the amount per person"),
                                    (0, "×", F(m), "scaling up to the new number of people")),
                   f"the amount of {ing}", post=" g")


def _unit_price(rng: random.Random) -> Problem:
    k, m = rng.sample(range(2, 13), 2)
    per = F(5 * rng.randint(5, 100), 100)
    goods = pick(rng, _GOODS)[rng.randrange(2)]
    i, q = _q(rng, ("If {k} {g} cost ${t}, how much do {m} cost?",
                    "{k} {g} cost ${t} in total. What would {m} of them cost?",
                    "{w} paid ${t} for {k} {g}. At the same price, what do {m} cost?"),
              k=str(k), m=str(m), g=goods, t=num(per * k, True), w=pick(rng, NAMES))
    return Problem("unit_price", i, q, ((per * k, "÷", F(k), "finding the price of one"),
                                        (0, "×", F(m), f"multiplying by {m}")),
                   f"the cost of {m} {goods}", pre="$", money=True)


def _change(rng: random.Random) -> Problem:
    g1, g2 = pick(rng, _GOODS)
    n1, n2 = _r(rng, 2, 6), _r(rng, 2, 6)
    p1 = F(rng.randint(2, 16), 2)  # keeps the bill under the largest note
    p2 = F(rng.randint(2, 16), 2)
    total = n1 * p1 + n2 * p2
    note = F(next(v for v in (20, 50, 100) if v > total))
    who = pick(rng, NAMES)
    i, q = _q(rng, ("{w} buys {a} {g1} at ${p1} each and {b} {g2} at ${p2} each, and pays with a "
                    "${n} note. How much change should {w} get?",
                    "I bought {a} {g1} at ${p1} each and {b} {g2} at ${p2} each. I paid with ${n}. "
                    "What's my change?",
                    "{a} {g1} at ${p1} each plus {b} {g2} at ${p2} each, paid with a ${n} note: "
                    "how much change?"),
              w=who, a=num(n1), b=num(n2), g1=g1, g2=g2, p1=num(p1, True), p2=num(p2, True),
              n=num(note))
    return Problem("change", i, q, ((n1, "×", p1, f"pricing the {g1}"),
                                    (n2, "×", p2, f"pricing the {g2}"),
                                    (0, "+", 1, "adding up the bill"),
                                    (note, "-", 2, "subtracting the bill from the note")),
                   "the change", pre="$", money=True)


KINDS = (_add, _sub, _mul, _div, _pct_of, _discount, _markup, _frac_of, _frac_add, _convert,
         _distance, _speed, _average, _linear, _temperature, _interest, _recipe, _unit_price,
         _change)


def draw_problem(rng: random.Random) -> Problem:
    """One problem of a uniformly drawn kind."""
    return KINDS[rng.randrange(len(KINDS))](rng)
