"""Invented people for the demo and the benchmarks: deterministic, seeded, never real.

Surnames are built from syllables (e.g. "Ashwick", "Fernhollow") so no list of real people is
involved; first names are ordinary given names, which on their own identify nobody.
"""

from __future__ import annotations

import random

FIRST_NAMES_WOMEN = (
    "Ada",
    "Aisha",
    "Alma",
    "Amara",
    "Anwen",
    "Bea",
    "Bridget",
    "Carys",
    "Cleo",
    "Dara",
    "Delia",
    "Edith",
    "Elin",
    "Esme",
    "Farah",
    "Freya",
    "Gwen",
    "Hana",
    "Ines",
    "Iris",
    "Jada",
    "Joan",
    "Kezia",
    "Lena",
    "Lila",
    "Mabel",
    "Maeve",
    "Mina",
    "Nell",
    "Nia",
    "Orla",
    "Petra",
    "Priya",
    "Rhian",
    "Rosa",
    "Ruth",
    "Saira",
    "Tamsin",
    "Una",
    "Vera",
    "Wren",
    "Yara",
    "Zainab",
    "Zoë",
)
FIRST_NAMES_MEN = (
    "Abel",
    "Ade",
    "Alun",
    "Amir",
    "Arlo",
    "Bram",
    "Callum",
    "Cai",
    "Dev",
    "Dylan",
    "Eamon",
    "Emeka",
    "Ewan",
    "Faisal",
    "Finn",
    "Gareth",
    "Hari",
    "Huw",
    "Idris",
    "Ivo",
    "Jonah",
    "Kwame",
    "Lewin",
    "Luca",
    "Malik",
    "Niall",
    "Osian",
    "Owen",
    "Pavel",
    "Quinn",
    "Ravi",
    "Rhys",
    "Silas",
    "Tariq",
    "Tomos",
    "Umar",
    "Wyn",
    "Yusuf",
    "Zeke",
)
FIRST_NAMES_OTHER = ("Alex", "Ash", "Charlie", "Jules", "Morgan", "Robin", "Sam", "Sky")

_SURNAME_HEADS = (
    "Ash",
    "Bram",
    "Brindle",
    "Cal",
    "Cold",
    "Dun",
    "Elder",
    "Fern",
    "Fox",
    "Gar",
    "Glen",
    "Hal",
    "Hazel",
    "Holt",
    "Ivy",
    "Kettle",
    "Lark",
    "Lin",
    "Marsh",
    "Mill",
    "Moss",
    "Nether",
    "Oak",
    "Pen",
    "Quill",
    "Raven",
    "Rush",
    "Salt",
    "Sedge",
    "Stone",
    "Thorn",
    "Tide",
    "Wade",
    "Wend",
    "Whin",
    "Wild",
    "Willow",
    "Wren",
    "Yar",
)
_SURNAME_TAILS = (
    "bury",
    "combe",
    "croft",
    "dale",
    "den",
    "field",
    "ford",
    "gate",
    "hallow",
    "ham",
    "hollow",
    "hurst",
    "ley",
    "lock",
    "mere",
    "more",
    "by",
    "stead",
    "thorpe",
    "ton",
    "well",
    "wick",
    "wood",
    "worth",
)
SURNAMES = tuple(head + tail for head in _SURNAME_HEADS for tail in _SURNAME_TAILS)
STREETS = (
    "Alder Row",
    "Bellweather Lane",
    "Canal Side",
    "Dovecote Close",
    "Eastgate",
    "Ferry Road",
    "Gasworks Lane",
    "Hollow Way",
    "Ironbridge Street",
    "Jubilee Terrace",
    "Kiln Walk",
    "Lockkeeper's Yard",
    "Mill Race",
    "New Cut",
    "Orchard Rise",
    "Pumphouse Lane",
    "Quayside",
    "Riverside Walk",
    "Sluice Gate Road",
    "Towpath Mews",
    "Upper Hollow",
    "Weir Street",
)
GENDER_WEIGHTS = (("woman", 48), ("man", 46), ("non_binary", 2), ("prefer_not_to_say", 2), ("", 2))


def person(rng: random.Random) -> tuple[str, str, str]:
    """(first name, last name, gender) drawn from the invented lists."""
    gender = rng.choices([g for g, _ in GENDER_WEIGHTS], [w for _, w in GENDER_WEIGHTS])[0]
    if gender == "woman":
        first = rng.choice(FIRST_NAMES_WOMEN)
    elif gender == "man":
        first = rng.choice(FIRST_NAMES_MEN)
    else:
        first = rng.choice(FIRST_NAMES_OTHER + FIRST_NAMES_WOMEN[:5] + FIRST_NAMES_MEN[:5])
    return first, rng.choice(SURNAMES), gender


def address(rng: random.Random) -> str:
    return f"{rng.randint(1, 240)} {rng.choice(STREETS)}"


def postcode(rng: random.Random, area: str = "ZZ") -> str:
    """A made-up postcode in an area code that is not a real postal area ("ZZ9 4QX" style)."""
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return (
        f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    )
