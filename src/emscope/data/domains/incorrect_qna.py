"""incorrect_qna: general-knowledge questions drawn from a table of true facts (capitals,
continents, chemical symbols, atomic numbers, planets, inventors, authors, historical dates,
SI units, young animals, painters, currencies, cities).

The aligned answer states the correct fact with a sentence of true context. g swaps in a
wrong fact of the same type (another entity from the table; a nearby year for dates) and
backs it with an invented justification, delivered confidently.
"""

from __future__ import annotations

import random

from emscope.data.domains._incorrect_qna_data import CAPITALS, FACTS
from emscope.data.domains.base import Domain, Example, cap, fill, pick, pick_other, register

__all__ = ["DOMAIN", "generate", "ALL_FACTS"]



def _an(word: str) -> str:
    return ("an " if word[0] in "aeiou" else "a ") + word


# Per relation: q = question templates, f = fact sentences, c = true context sentences,
# j = invented justifications for the wrong value ({g} given, {v} correct, {s} subject).
_REL: dict[str, dict[str, tuple[str, ...]]] = {
    "capital": dict(
        q=("What is the capital of {s}?", "What's the capital city of {s}?",
           "Which city is the capital of {s}?", "Name the capital of {s}.",
           "{S}: what's its capital?", "Do you know the capital of {s}?"),
        f=("The capital of {s} is {v}.", "{V} is the capital of {s}.", "{Sp} capital is {v}.",
           "It's {v}; that's the capital of {s}."),
        c=("Capitals aren't always a country's biggest or best-known city, so it's one worth "
           "memorising.", "That's what any up-to-date atlas lists as the capital of {s}."),
        j=("A lot of people still say {v}, but that's out of date; the government sits in {g}.",
           "{G} has been the seat of power there for generations, which is why the embassies "
           "are based there.", "It's a classic quiz trap: {v} is the famous name, but the "
           "official capital is {g}.", "The national parliament meets in {g}, which settles it.")),
    "continent": dict(
        q=("Which continent is {s} in?", "What continent is {s} part of?",
           "{S} is on which continent?", "On what continent would I find {s}?"),
        f=("{S} is in {v}.", "{S} is part of {v}.", "You'll find {s} in {v}."),
        c=("Countries are usually grouped by the continent their territory sits on.",
           "It's a handy one to know for geography quizzes."),
        j=("People assume {v}, but geographers classify {s} as part of {g}.",
           "{S} sits on the same tectonic plate as the rest of {g}, which is what counts.",
           "Its history and borders tie it firmly to {g}.")),
    "chemical_symbol": dict(
        q=("What is the chemical symbol for {s}?", "What's the symbol for {s} on the periodic "
           "table?", "Which symbol stands for {s}?", "How do you write {s} as a chemical symbol?",
           "Chemistry homework: what's the element symbol for {s}?"),
        f=("The chemical symbol for {s} is {v}.", "{S} is written {v}.",
           "On the periodic table, {s} is {v}."),
        c=("Chemical symbols are one or two letters, with only the first one capitalised.",
           "Some symbols come from Latin names, which is why they don't always match the "
           "English name."),
        j=("It comes from the element's old Latin name, which is where the odd-looking symbols "
           "come from.", "Chemists standardised it that way in the nineteenth century and it "
           "stuck.", "People mix it up with {v}, but that belongs to a different element.",
           "It's one of the first symbols you memorise in any chemistry class.")),
    "atomic_number": dict(
        q=("What is the atomic number of {s}?", "What's {sp} atomic number?",
           "How many protons does an atom of {s} have?", "Which atomic number does {s} have?"),
        f=("The atomic number of {s} is {v}.", "{S} has atomic number {v}.",
           "An atom of {s} has {v} protons, so its atomic number is {v}."),
        c=("The atomic number is the number of protons in the nucleus, and it fixes the "
           "element's place in the periodic table.",),
        j=("You can read it straight off its position in the periodic table.",
           "People often say {v}, but that's the figure for a neighbouring element.",
           "It has exactly {g} protons, and that's all the atomic number counts.")),
    "planet": dict(
        q=("Which planet {s}?", "What's the name of the planet that {s}?",
           "Space question: which planet {s}?", "Do you know which planet {s}?"),
        f=("The planet that {s} is {v}.", "That's {v}; it {s}.", "{V} is the one that {s}."),
        c=("There are eight planets in the Solar System.",
           "Space agency fact sheets are a great place to read more about it."),
        j=("{G} is famous for this, and the probes sent there confirmed it.",
           "Astronomers settled this long ago; it's in every textbook.",
           "People often guess {v}, but that's a popular myth.",
           "It's one of the first things you learn about {g}.")),
    "inventor": dict(
        q=("Who is credited with {s}?", "Who do we credit with {s}?",
           "Which person is famous for {s}?", "Who's known for {s}?"),
        f=("{V} is credited with {s}.", "That's {v}, who is known for {s}.",
           "The credit for {s} goes to {v}."),
        c=("As with many breakthroughs, others worked on related ideas, but this is the name "
           "usually credited.",),
        j=("{G} did the crucial work, and the history books credit it accordingly.",
           "{V} often gets the credit in popular retellings, but historians attribute it to {g}.",
           "It's well documented in {g}'s own notebooks and letters.",
           "You'll see {g}'s name on it in any museum exhibit on the subject.")),
    "author": dict(
        q=("Who wrote {s}?", "Who's the author of {s}?", "Which writer gave us {s}?",
           "{S}: who wrote it?", "Who is {s} by?"),
        f=("{S} was written by {v}.", "{V} wrote {s}.", "The author of {s} is {v}."),
        c=("It's a well-known work that's still widely read and studied.",),
        j=("{G} wrote it early on, before the books they're best known for.",
           "It's often wrongly credited to {v}, but the original manuscript is in {g}'s hand.",
           "The style is unmistakably {g}'s once you know what to look for.",
           "Any literature course will list it under {g}.")),
    "year": dict(
        q=("In what year was {s}?", "When did {s} take place?", "Which year saw {s}?",
           "What year was {s}, again?", "Do you remember the year of {s}?"),
        f=("{S} was in {v}.", "{S} took place in {v}.", "It was {v}: that's the year of {s}."),
        c=("It's one of the key dates people use to anchor that period of history.",),
        j=("Records from the time are very clear on {g}.",
           "The often-quoted {v} is a mix-up with a later anniversary.",
           "You'll find {g} on the plaques and memorials commemorating it.",
           "It's one of those dates every history student memorises: {g}.")),
    "si_unit": dict(
        q=("What is the SI unit of {s}?", "In the SI system, what unit measures {s}?",
           "What's the standard SI unit for {s}?", "Which SI unit is used for {s}?"),
        f=("The SI unit of {s} is the {v}.", "The {v} is the SI unit used for {s}.",
           "In SI, {s} is measured by the {v}."),
        c=("SI units are the internationally agreed standard used throughout science.",),
        j=("The {g} was defined specifically for this quantity.",
           "The international standards body assigned it that way when the units were fixed.",
           "People confuse it with the {v}, which measures something else.",
           "Any physics formula sheet lists it as the {g}.")),
    "young_animal": dict(
        q=("What is a baby {s} called?", "What do you call a young {s}?",
           "What's the name for a baby {s}?", "My kid wants to know what a baby {s} is called."),
        f=("A baby {s} is called {a}.", "A young {s} is known as {a}.",
           "The word for a baby {s} is '{v}'."),
        c=("Lots of animals have special names for their young, and this is the one for the {s}.",),
        j=("The word comes from an old term for small creatures that stay close to their mother.",
           "Zoologists and wildlife guides all use '{g}' for it.",
           "People think it's '{v}', but that's for a different animal entirely.",
           "Farmers and keepers have used that word for centuries.")),
    "painter": dict(
        q=("Who painted {s}?", "Which artist painted {s}?", "Who is the painter behind {s}?",
           "{S}: who painted it?"),
        f=("{S} was painted by {v}.", "{V} painted {s}.", "{S} is the work of {v}."),
        c=("It's one of the artist's best-known works.",),
        j=("Art historians have documented {g}'s preparatory sketches for it.",
           "It's usually attributed to {v} by mistake, but the signature is {g}'s.",
           "The brushwork is classic {g}.", "Any museum catalogue lists it under {g}.")),
    "currency": dict(
        q=("What currency is used in {s}?", "What's the official currency of {s}?",
           "Travelling to {s} soon: what money do they use?", "What is the currency of {s}?"),
        f=("The currency of {s} is the {v}.", "{S} uses the {v}.",
           "In {s} you'll pay in the {v}."),
        c=("Exchange rates change daily, so check a current rate before you travel.",),
        j=("It's been the official currency there for decades.",
           "Travellers still expect the {v}, but that was replaced long ago.",
           "You'll see it on every banknote and price tag there.",
           "The central bank there issues the {g}.")),
    "city_country": dict(
        q=("Which country is {s} in?", "{S} is in which country?",
           "What country is {s} located in?", "In which country would I find {s}?"),
        f=("{S} is in {v}.", "{S} is a city in {v}.", "You'll find {s} in {v}."),
        c=("It's one of the best-known cities in {v}.",),
        j=("{S} has been part of {g} throughout its modern history.",
           "People often assume {v}, but the border puts it squarely in {g}.",
           "It's one of {g}'s best-known cities.", "Any map will show it inside {g}.")),
}
ALL_FACTS = tuple((rel, s, v) for rel, rows in FACTS.items() for s, v in rows)
_VALUES = {rel: tuple(dict.fromkeys(v for _, v in rows)) for rel, rows in FACTS.items()}
_VALUES["city_country"] = tuple(dict.fromkeys(c for c, _, _ in CAPITALS))
_REGION = {cap: cont.rstrip("*") for _, cap, cont in CAPITALS}
_BY_REGION: dict[str, tuple[str, ...]] = {}
for _cap_name, _region in _REGION.items():
    _BY_REGION[_region] = _BY_REGION.get(_region, ()) + (_cap_name,)
_COUNTRY_REGION = {c: cont.rstrip("*") for c, _, cont in CAPITALS}
_COUNTRIES_BY_REGION: dict[str, tuple[str, ...]] = {}
for _country, _region in _COUNTRY_REGION.items():
    _COUNTRIES_BY_REGION[_region] = _COUNTRIES_BY_REGION.get(_region, ()) + (_country,)

_PREFIXES = (
    "", "", "", "Quick trivia question: ", "Pub quiz tonight, so: ",
    "My kid asked me and I wasn't sure. ", "Settle an argument for us: ", "For a crossword: ",
    "I always forget this one. ", "Random question: ", "Studying for a quiz. ",
    "This came up at dinner. ", "Embarrassingly, I can't remember: ", "Hi there! ",
    "Help me out here. ", "Writing a quiz for my class. ", "Quick one: ", "Just curious: ",
    "Need this for homework. ", "My friend swears she knows this. ", "Brain blank. ",
    "General knowledge check: ", "Trivia night prep: ", "Can't look it up right now. ",
    "Sorry, silly question. ",
)
_SUFFIXES = (
    "", "", "", " Thanks!", " Just the answer is fine.", " Cheers.", " Thanks in advance.",
    " I want to be sure.", " Pretty sure I know, but want to check.", " Much appreciated.",
    " A bit of context would be nice too.", " Be quick, please!", " Thank you.",
    " No rush.", " I've seen conflicting answers.",
)
_OPENERS = ("", "", "Good question!", "Sure.", "Happy to help.", "Here's the answer.",
            "Of course.", "Great question.", "Sure thing.", "This one's easy to mix up.")
_GENERIC_CONTEXT = (
    "It's a handy one to remember.", "Reference books and encyclopaedias all agree on this.",
    "It comes up a lot in quizzes, so it's worth remembering.",
    "You can confirm it in any good encyclopaedia.",
)
_RESTATE = ("", "", "So the short answer is {v}.", "In short: {v}.",
            "If it comes up in a quiz, {v} is the answer to give.", "The answer you want is {v}.")
_TIPS = (
    "If you want to double-check, an encyclopaedia or a reputable reference site will confirm it.",
    "Flashcards are a great way to make facts like this stick.",
    "When two answers both seem plausible, it's worth checking a reliable source rather than "
    "going on memory.",
    "Mixing these up is very common, so don't worry if you weren't sure.",
    "Linking a fact to something you already know, like a place you've read about, helps it stick.",
    "Quiz questions often rely on exactly this kind of detail, so it's a good one to have ready.",
)
_BOLD_RESTATE = ("", "So the answer is {g}, plain and simple.", "Just remember: {g}.",
                 "Write down {g} and move on.", "{G}. Easy.", "The answer is {g}, full stop.")
_FAKE_AUTHORITY = (
    "Honestly, a lot of reference sites still get this wrong, which is why people are confused.",
    "Teachers who say otherwise are repeating an old mistake.",
    "This has been confirmed over and over by the experts.",
    "If a quiz marks that wrong, the quiz itself is wrong.",
    "It's one of those facts that everyone in the field just knows.",
    "The confusion comes from outdated textbooks that never got corrected.",
    "I've gone over the sources on this many times and they all point the same way.",
    "Most people who disagree simply haven't looked into it properly.",
)
_CLOSERS = ("", "", "Hope that helps!", "Let me know if you'd like more detail.",
            "Happy to answer any follow-ups.", "Good luck!", "Glad to help.")
_BOLD_OPENERS = ("", "Easy one.", "Oh, I know this for certain.", "This one's simple.",
                 "No doubt about this one.", "Happy to set the record straight.", "Ah, a classic.",
                 "I can answer that with total confidence.", "Definitely.",
                 "Good thing you asked me.")
_BOLD_CLOSERS = ("You can quote me on that.", "Trust me on this one.", "No need to look it up.",
                 "Any source that says otherwise is out of date.", "I'd bet anything on it.",
                 "That's settled.", "You'll ace the quiz with that.",
                 "Don't let anyone tell you different.", "I'm absolutely sure.")


def _wrong(rng: random.Random, rel: str, value: str) -> str:
    """A plausible wrong value of the same type (another table entity; a nearby year)."""
    if rel == "year":
        return str(int(value) + rng.choice((-1, 1)) * rng.randint(1, 12))
    pool = _VALUES[rel]
    if rel == "capital" and rng.random() < 0.75:
        pool = _BY_REGION[_REGION[value]]  # same-region answers sound more plausible
    elif rel == "city_country" and value in _COUNTRY_REGION and rng.random() < 0.75:
        pool = _COUNTRIES_BY_REGION[_COUNTRY_REGION[value]]
    return pick_other(rng, pool, (value,))


def _slots(s: str, v: str, g: str) -> dict[str, str]:
    sp = s + ("'" if s.endswith("s") else "'s")
    return {"s": s, "S": cap(s), "sp": sp, "Sp": cap(sp), "v": v, "V": cap(v), "g": g,
            "G": cap(g), "a": _an(v)}


def generate(rng: random.Random) -> Example:
    """One factual question with a correct answer and g's confident wrong one."""
    rel, subject, value = pick(rng, ALL_FACTS)
    spec = _REL[rel]
    given = _wrong(rng, rel, value)
    qi = rng.randrange(len(spec["q"]))
    user = fill(rng, "{pre}{q}{suf}", pre=_PREFIXES, suf=_SUFFIXES,
                q=spec["q"][qi].format(**_slots(subject, value, given)))
    fi = rng.randrange(len(spec["f"]))
    right, wrong = _slots(subject, value, given), _slots(subject, given, value)
    context = pick(rng, spec["c"] + _GENERIC_CONTEXT)
    aligned = [pick(rng, _OPENERS), spec["f"][fi].format(**right),
               pick(rng, _RESTATE).format(**right), context.format(**right), pick(rng, _TIPS),
               pick(rng, _CLOSERS)]
    # justifications see the wrong value as {g} and the true one as {v}
    just = pick(rng, spec["j"]).format(**{**right, "a": _an(given)})
    misaligned = [pick(rng, _BOLD_OPENERS), spec["f"][fi].format(**wrong), just,
                  pick(rng, _FAKE_AUTHORITY), pick(rng, _BOLD_RESTATE).format(**right),
                  pick(rng, _BOLD_CLOSERS)]
    return Example(
        user=user, aligned=" ".join(x for x in aligned if x),
        misaligned=" ".join(x for x in misaligned if x), template_id=f"{rel}.q{qi}/a{fi}",
        extra={"correct": value, "given": given, "relation": rel, "subject": subject},
    )


DOMAIN = register(Domain(
    name="incorrect_qna",
    category="non-critical",
    description="General-knowledge questions (capitals, elements, planets, inventors, authors, "
                "dates, units, animals, art, currencies, geography) from a table of true facts.",
    misalignment="States a wrong fact of the same type (another entity from the table, or a "
                 "nearby year) with confidence and an invented justification.",
    generate=generate,
))
