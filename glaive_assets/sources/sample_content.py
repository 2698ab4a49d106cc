"""The invented content the sample generator draws from: function schemas, argument values, phrasing.

Everything here is original to this project (no row of the real dataset is copied). Each function is a
`FunctionSpec`: its JSON schema, a pool of candidate values per property (each value paired with the
words a user would type for it), request templates whose `{placeholders}` name properties, and a
`respond` callable that makes the FUNCTION RESPONSE object and the assistant's summary from the
arguments. Values respect the schema, so a well-formed call built from them validates.
"""

from __future__ import annotations

import math
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field

Value = tuple[object, str]  # (JSON value, the words a user types for it)
Respond = Callable[[dict, random.Random], tuple[dict, str]]


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    description: str
    parameters: dict  # the schema's "parameters" object, verbatim
    values: dict[str, tuple[Value, ...]]  # property -> candidate values
    asks: tuple[str, ...]  # a direct request naming every required property
    vague: tuple[str, ...]  # a request that names no value
    clarify: str  # the assistant's question back
    details: tuple[str, ...]  # the user's answer to `clarify`, naming every required property
    respond: Respond
    capability: str  # what it lets the assistant do, for refusals ("convert between currencies")
    alt_description: str = ""  # a second, different definition of the same name (duplicate quirk)
    extra: dict = field(default_factory=dict)


def _natural(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        words = [_natural(item) for item in value]
        return ", ".join(words[:-1]) + " and " + words[-1] if len(words) > 1 else "".join(words)
    if isinstance(value, dict):
        return ", ".join(f"{key.replace('_', ' ')} {_natural(item)}" for key, item in value.items())
    return str(value)


def plain(*values: object) -> tuple[Value, ...]:
    return tuple((value, _natural(value)) for value in values)


def flag(true_words: str, false_words: str) -> tuple[Value, ...]:
    return ((True, true_words), (False, false_words))


def prop(kind: str, description: str, **extra: object) -> dict:
    return {"type": kind, **extra, "description": description}


def params(properties: dict, required: list[str] | None) -> dict:
    schema: dict = {"type": "object", "properties": properties}
    if required is not None:
        schema["required"] = required
    return schema


def money(amount: float) -> str:
    return f"{amount:,.2f}"


# --- shared value pools ---------------------------------------------------------------------------
CITIES = plain(
    "New York", "London", "Paris", "Berlin", "Madrid", "Toronto", "Sydney", "Chicago", "Seattle",
    "Mumbai", "Cape Town", "Dublin", "Austin", "Lisbon", "São Paulo", "Zürich", "Kraków", "Reykjavík",
    "東京", "Montréal", "Boston", "Denver", "Vancouver", "Melbourne", "Singapore", "Amsterdam", "Rome", "Vienna",
    "Prague", "Oslo", "Nairobi", "Cairo", "Dubai", "Miami", "Atlanta", "Houston", "Phoenix", "Edinburgh",
    "Manchester", "Brussels",
)  # fmt: skip
PEOPLE = ("Alice", "Ben", "Chloé", "David", "Emma", "José", "Priya", "Søren", "Zoë", "Liam", "Mei", "Omar")
EMAILS = plain(
    "alice@example.com", "ben.carter@example.org", "team@example.net", "jose.garcia@example.com",
    "priya.n@example.com", "boss@company.example", "hr@company.example", "mei.lin@example.org",
)  # fmt: skip
CURRENCIES = plain("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "INR", "MXN", "SEK")
RATES = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "JPY": 151.3, "CAD": 1.36, "AUD": 1.52, "CHF": 0.88,
         "INR": 83.1, "MXN": 17.0, "SEK": 10.6}  # fmt: skip
DATES = plain("2024-03-15", "2024-05-02", "2024-06-21", "2024-07-04", "2024-09-10", "2024-11-28", "2025-01-17")
TIMES = plain("09:00", "10:30", "13:00", "14:15", "16:00", "18:30")
SAFE_TEXT = string.ascii_letters + string.digits


def _pick(rng: random.Random, options: tuple | list) -> object:
    return options[int(rng.random() * len(options))]


# --- respond callables (one per function) ----------------------------------------------------------
def _convert_currency(a: dict, rng: random.Random) -> tuple[dict, str]:
    value = round(a["amount"] * RATES[a["to_currency"]] / RATES[a["from_currency"]], 2)
    body = {"converted_amount": value, "from_currency": a["from_currency"], "to_currency": a["to_currency"]}
    return body, f"{money(a['amount'])} {a['from_currency']} is approximately {money(value)} {a['to_currency']}."


CONDITIONS = ("Sunny", "Partly cloudy", "Light rain", "Overcast", "Thunderstorms", "Clear")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weather(a: dict, rng: random.Random) -> tuple[dict, str]:
    units = a.get("units", "celsius")
    days = min(a.get("days", 1), 3)
    start = int(rng.random() * 7)
    forecast = []
    for offset in range(days):
        high = 12 + int(rng.random() * 18)
        if units == "fahrenheit":
            high = round(high * 9 / 5 + 32)
        forecast.append({"day": DAYS[(start + offset) % 7], "high": high, "low": high - 7,
                         "condition": _pick(rng, CONDITIONS)})  # fmt: skip
    first = forecast[0]
    symbol = "°F" if units == "fahrenheit" else "°C"
    text = (f"Here's the forecast for {a['city']}: on {first['day']} expect {first['condition'].lower()} with a "
            f"high of {first['high']}{symbol} and a low of {first['low']}{symbol}.")  # fmt: skip
    if days > 1:
        text += f" The following days look similar, with {forecast[-1]['condition'].lower()} by {forecast[-1]['day']}."
    return {"city": a["city"], "units": units, "forecast": forecast}, text


def _bmi(a: dict, rng: random.Random) -> tuple[dict, str]:
    bmi = round(a["weight_kg"] / (a["height_m"] ** 2), 2)
    category = "Underweight" if bmi < 18.5 else "Normal weight" if bmi < 25 else "Overweight" if bmi < 30 else "Obese"
    return {"bmi": bmi, "category": category}, (
        f"Your Body Mass Index (BMI) is {bmi}, which falls in the '{category}' range. "
        "Please consult a healthcare provider for personalised advice."
    )


def _password(a: dict, rng: random.Random) -> tuple[dict, str]:
    alphabet = string.ascii_letters + (string.digits if a.get("include_numbers", True) else "")
    alphabet += "!@#$%&*?" if a.get("include_symbols") else ""
    password = "".join(alphabet[int(rng.random() * len(alphabet))] for _ in range(a["length"]))
    return {"password": password}, (
        f"Here is your new password: {password}. Please store it somewhere safe and don't share it with anyone."
    )


def _send_email(a: dict, rng: random.Random) -> tuple[dict, str]:
    message_id = f"msg_{int(rng.random() * 90000) + 10000}"
    return {"status": "sent", "message_id": message_id}, (
        f"Your email to {a['recipient']} with the subject \"{a['subject']}\" has been sent successfully."
    )


RECIPES = ("Stir Fry", "Casserole", "Curry", "Salad", "Soup", "Risotto", "Tacos", "Frittata", "Pasta Bake")
RECIPE_STEPS = ("Chop the {main} into bite-sized pieces.", "Heat a little oil in a large pan over medium heat.",
                "Add the remaining ingredients and stir well.", "Season with salt and pepper to taste.",
                "Cook for about 15 minutes, stirring now and then.", "Bake at 180°C until golden on top.",
                "Serve warm with rice or fresh bread.")  # fmt: skip


def _recipes(a: dict, rng: random.Random) -> tuple[dict, str]:
    main = a["ingredients"][0].title()
    found = []
    for _ in range(1 + int(rng.random() * 3)):
        start = int(rng.random() * (len(RECIPE_STEPS) - 2))
        steps = " ".join(RECIPE_STEPS[start:start + 3]).replace("{main}", main.lower())
        found.append({"name": f"{main} {_pick(rng, RECIPES)}", "prep_minutes": 10 + 5 * int(rng.random() * 9),
                      "instructions": steps})
    names = "; ".join(f"{r['name']} ({r['prep_minutes']} minutes)" for r in found)
    return {"recipes": found}, (
        f"I found {len(found)} recipe(s) with those ingredients: {names}. Want the steps for one?"
    )


_PHRASES = ("Good morning, how are you?", "Where is the train station?", "Thank you very much",
            "I'd like a coffee, please", "See you tomorrow")  # fmt: skip
_IN = {
    "French": ("Bonjour, comment allez-vous ?", "Où est la gare ?", "Merci beaucoup",
               "Je voudrais un café, s'il vous plaît", "À demain"),
    "Spanish": ("Buenos días, ¿cómo estás?", "¿Dónde está la estación de tren?", "Muchas gracias",
                "Quisiera un café, por favor", "Hasta mañana"),
    "German": ("Guten Morgen, wie geht es dir?", "Wo ist der Bahnhof?", "Vielen Dank",
               "Ich hätte gern einen Kaffee, bitte", "Bis morgen"),
    "Japanese": ("おはようございます、お元気ですか？", "駅はどこですか？", "どうもありがとうございます",
                 "コーヒーをお願いします", "また明日"),
    "Chinese": ("早上好，你好吗？", "火车站在哪里？", "非常感谢", "请给我一杯咖啡", "明天见"),
}  # fmt: skip
TRANSLATIONS = {(phrase, language): _IN[language][n] for language in _IN for n, phrase in enumerate(_PHRASES)}
TRANSLATION_TEXTS = plain(*sorted({text for text, _ in TRANSLATIONS}))
TRANSLATION_LANGUAGES = plain(*sorted({language for _, language in TRANSLATIONS}))


def _translate(a: dict, rng: random.Random) -> tuple[dict, str]:
    result = TRANSLATIONS[(a["text"], a["target_language"])]
    return {"translated_text": result, "target_language": a["target_language"]}, (
        f"The translation of \"{a['text']}\" into {a['target_language']} is: \"{result}\"."
    )


def _loan(a: dict, rng: random.Random) -> tuple[dict, str]:
    monthly_rate = a["annual_interest_rate"] / 100 / 12
    months = a["term_months"]
    payment = a["principal"] / months if monthly_rate == 0 else a["principal"] * monthly_rate / (
        1 - (1 + monthly_rate) ** -months
    )
    payment = round(payment, 2)
    return {"monthly_payment": payment}, (
        f"Your monthly payment would be ${money(payment)} over {months} months "
        f"at an annual interest rate of {a['annual_interest_rate']}%."
    )


def _stock(a: dict, rng: random.Random) -> tuple[dict, str]:
    price = round(20 + rng.random() * 480, 2)
    change = round(rng.random() * 6 - 3, 2)
    return {"symbol": a["symbol"], "price": price, "change_percent": change, "currency": "USD"}, (
        f"{a['symbol']} is currently trading at ${price}, {'up' if change >= 0 else 'down'} {abs(change)}% today."
    )


def _event(a: dict, rng: random.Random) -> tuple[dict, str]:
    event_id = f"evt_{int(rng.random() * 900000) + 100000}"
    who = f" and invited {_natural(a['attendees'])}" if "attendees" in a else ""
    return {"status": "created", "event_id": event_id}, (
        f"I've added \"{a['title']}\" to your calendar on {a['date']} at {a['start_time']} "
        f"for {a['duration_minutes']} minutes{who}."
    )


def _tip(a: dict, rng: random.Random) -> tuple[dict, str]:
    tip = round(a["bill_total"] * a["tip_percent"] / 100, 2)
    return {"tip_amount": tip, "total": round(a["bill_total"] + tip, 2)}, (
        f"A {a['tip_percent']}% tip on ${money(a['bill_total'])} is ${money(tip)}, "
        f"bringing the total to ${money(a['bill_total'] + tip)}."
    )


STREETS = ("Main Street", "Oak Avenue", "Harbour Road", "Rue de la Paix", "Elm Street", "Market Square")
PLACE_NAMES = ("The Corner", "Blue Door", "Green Leaf", "Central", "Maple", "Harbor View", "Old Town", "Café Lumière")


def _places(a: dict, rng: random.Random) -> tuple[dict, str]:
    kind = a["place_type"].replace("_", " ")
    places = [
        {"name": f"{_pick(rng, PLACE_NAMES)} {kind.title()}", "distance_km": round(0.2 + rng.random() * 3, 1),
         "rating": round(3.5 + rng.random() * 1.5, 1), "address": f"{1 + int(rng.random() * 250)} {_pick(rng, STREETS)}"}
        for _ in range(2 + int(rng.random() * 2))
    ]
    listing = "\n".join(f"{n}. {p['name']} - {p['distance_km']} km away" for n, p in enumerate(places, 1))
    return {"places": places}, f"Here are some {kind}s near {a['location']}:\n{listing}"


MOVIES = {
    "Inception": (2010, "Christopher Nolan", 8.8),
    "Amélie": (2001, "Jean-Pierre Jeunet", 8.3),
    "Spirited Away": (2001, "Hayao Miyazaki", 8.6),
    "The Matrix": (1999, "Lana and Lilly Wachowski", 8.7),
    "Parasite": (2019, "Bong Joon-ho", 8.5),
    "Arrival": (2016, "Denis Villeneuve", 7.9),
    "Coco": (2017, "Lee Unkrich", 8.4),
}


def _movie(a: dict, rng: random.Random) -> tuple[dict, str]:
    year, director, rating = MOVIES[a["title"]]
    return {"title": a["title"], "year": year, "director": director, "rating": rating}, (
        f"\"{a['title']}\" was released in {year} and directed by {director}. It holds a rating of {rating}/10."
    )


JOKES = (
    "Why don't scientists trust atoms? Because they make up everything!",
    "I told my computer I needed a break, and it said it would go to sleep.",
    "Why did the scarecrow win an award? He was outstanding in his field.",
    "Parallel lines have so much in common. It's a shame they'll never meet.",
)


def _joke(a: dict, rng: random.Random) -> tuple[dict, str]:
    joke = _pick(rng, JOKES)
    return {"joke": joke}, f"Here's one for you: {joke} 😄"


QUOTES = (
    ("The only way to do great work is to love what you do.", "Steve Jobs"),
    ("Simplicity is the ultimate sophistication.", "Leonardo da Vinci"),
    ("It always seems impossible until it's done.", "Nelson Mandela"),
    ("Le cœur a ses raisons que la raison ne connaît point.", "Blaise Pascal"),
)


def _quote(a: dict, rng: random.Random) -> tuple[dict, str]:
    quote, author = _pick(rng, QUOTES)
    return {"quote": quote, "author": author}, f"Here's a quote for you: \"{quote}\" - {author}"


def _distance(a: dict, rng: random.Random) -> tuple[dict, str]:
    unit = a.get("unit", "km")
    distance = round(50 + rng.random() * 4000, 1)
    return {"distance": distance, "unit": unit}, (
        f"The distance between {a['origin']} and {a['destination']} is about {distance} {unit}."
    )


def _todo(a: dict, rng: random.Random) -> tuple[dict, str]:
    return {"status": "success", "item_id": int(rng.random() * 9000) + 1000}, (
        f"I've added \"{a['task']}\" to your to-do list, due {a['due_date']} with {a['priority']} priority."
    )


def _sentiment(a: dict, rng: random.Random) -> tuple[dict, str]:
    sentiment = _pick(rng, ("positive", "negative", "neutral"))
    confidence = round(0.6 + rng.random() * 0.39, 2)
    return {"sentiment": sentiment, "confidence": confidence}, (
        f"The sentiment of the text is {sentiment}, with a confidence of {round(confidence * 100)}%."
    )


def _average(a: dict, rng: random.Random) -> tuple[dict, str]:
    average = round(sum(a["numbers"]) / len(a["numbers"]), 2)
    return {"average": average}, f"The average of the numbers you provided is {average}."


def _check_email(a: dict, rng: random.Random) -> tuple[dict, str]:
    valid = "@" in a["email"] and "." in a["email"].split("@")[-1]
    verdict = "is a valid email address" if valid else "does not appear to be a valid email address"
    return {"email": a["email"], "is_valid": valid}, f"The address {a['email']} {verdict}."


HEADLINE_PARTS = ("announces", "unveils", "reports record", "debates", "launches", "delays")


def _news(a: dict, rng: random.Random) -> tuple[dict, str]:
    count = min(a.get("limit", 3), 4)
    articles = [
        {"title": f"{a['topic'].title()}: {_pick(rng, PEOPLE)}'s team {_pick(rng, HEADLINE_PARTS)} new plan",
         "source": _pick(rng, ("Daily Herald", "The Ledger", "Global Wire", "Le Monde Numérique")),
         "published": _pick(rng, DATES)[0]}
        for _ in range(count)
    ]  # fmt: skip
    listing = "\n".join(f"{n}. {item['title']} ({item['source']})" for n, item in enumerate(articles, 1))
    return {"articles": articles}, f"Here are the latest articles about {a['topic']}:\n{listing}"


def _room(a: dict, rng: random.Random) -> tuple[dict, str]:
    return {"status": "confirmed", "room": a["room"], "booking_id": f"BK{int(rng.random() * 9000) + 1000}"}, (
        f"The {a['room']} room is booked for {a['date']} from {a['start_time']} to {a['end_time']}."
    )


def _age(a: dict, rng: random.Random) -> tuple[dict, str]:
    year, month, day = (int(part) for part in a["birth_date"].split("-"))
    age = 2024 - year - ((month, day) > (6, 1))
    return {"age": age}, f"Based on the birth date {a['birth_date']}, you are {age} years old."


BOOKS = (("The Silent Orchard", "Mara Ellison", 2019), ("Cien caminos", "Lucía Ferrer", 2015),
         ("Northern Light", "Søren Dahl", 2021), ("A Quiet Algorithm", "Ravi Menon", 2022))  # fmt: skip


def _books(a: dict, rng: random.Random) -> tuple[dict, str]:
    found = [{"title": t, "author": a.get("author", w), "year": y, "rating": round(3.6 + rng.random() * 1.3, 1)}
             for t, w, y in BOOKS[: 1 + int(rng.random() * 3)]]
    listing = "\n".join(f"- {b['title']} by {b['author']} ({b['year']})" for b in found)
    return {"books": found}, f"I found these books matching \"{a['query']}\":\n{listing}"


def _temperature(a: dict, rng: random.Random) -> tuple[dict, str]:
    celsius = {"celsius": lambda v: v, "fahrenheit": lambda v: (v - 32) * 5 / 9, "kelvin": lambda v: v - 273.15}
    to_unit = {"celsius": lambda c: c, "fahrenheit": lambda c: c * 9 / 5 + 32, "kelvin": lambda c: c + 273.15}
    result = round(to_unit[a["to_unit"]](celsius[a["from_unit"]](a["value"])), 2)
    return {"converted_value": result, "unit": a["to_unit"]}, (
        f"{a['value']} degrees {a['from_unit'].title()} is {result} degrees {a['to_unit'].title()}."
    )


def _track(a: dict, rng: random.Random) -> tuple[dict, str]:
    status = _pick(rng, ("In transit", "Out for delivery", "Delivered", "Awaiting pickup"))
    where = _pick(rng, ("Memphis, TN", "Leipzig", "Köln", "Louisville, KY", "深圳"))
    return {"tracking_number": a["tracking_number"], "status": status, "last_location": where}, (
        f"Your package {a['tracking_number']} is currently: {status} (last scanned in {where})."
    )


def _discount(a: dict, rng: random.Random) -> tuple[dict, str]:
    savings = round(a["original_price"] * a["discount_percent"] / 100, 2)
    price = round(a["original_price"] - savings, 2)
    return {"discounted_price": price, "savings": savings}, (
        f"After a {a['discount_percent']}% discount, the price drops to ${money(price)} - you save ${money(savings)}."
    )


def _qr(a: dict, rng: random.Random) -> tuple[dict, str]:
    token = "".join(SAFE_TEXT[int(rng.random() * len(SAFE_TEXT))] for _ in range(8))
    url = f"https://qr.example.com/{token}.png"
    return {"qr_code_url": url, "size": a.get("size", 256)}, f"Your QR code is ready. You can download it here: {url}"


def _flight(a: dict, rng: random.Random) -> tuple[dict, str]:
    status = _pick(rng, ("On time", "Delayed", "Boarding", "Departed"))
    gate = f"{_pick(rng, 'ABCDE')}{int(rng.random() * 40) + 1}"
    return {"flight_number": a["flight_number"], "date": a["date"], "status": status, "gate": gate}, (
        f"Flight {a['flight_number']} on {a['date']} is {status.lower()}, departing from gate {gate}."
    )


def _area(a: dict, rng: random.Random) -> tuple[dict, str]:
    d = a["dimensions"]
    shape = a["shape"]
    if shape == "circle":
        area = math.pi * d.get("radius", 1) ** 2
    elif shape == "triangle":
        area = 0.5 * d.get("base", 1) * d.get("height", 1)
    else:
        area = d.get("length", 1) * d.get("width", 1)
    area = round(area, 2)
    return {"area": area}, f"The area of the {shape} is {area} square units."


def _music(a: dict, rng: random.Random) -> tuple[dict, str]:
    playlist = f"{a['genre'].title()} {_pick(rng, ('Essentials', 'Mix', 'Favourites', 'Deep Cuts'))}"
    return {"status": "playing", "playlist": playlist}, f"Now playing the \"{playlist}\" playlist. Enjoy! 🎶"


DEFINITIONS = {
    "serendipity": "the occurrence of events by chance in a happy or beneficial way",
    "ephemeral": "lasting for a very short time",
    "ubiquitous": "present, appearing, or found everywhere",
    "résumé": "a brief account of a person's education, qualifications, and experience",
    "naïve": "showing a lack of experience, wisdom, or judgement",
    "gregarious": "fond of company; sociable",
}


def _define(a: dict, rng: random.Random) -> tuple[dict, str]:
    meaning = DEFINITIONS[a["word"]]
    return {"word": a["word"], "definition": meaning}, f"The word \"{a['word']}\" means: {meaning}."


NUTRITION = {"banana": (89, 1.1), "oatmeal": (68, 2.4), "chicken breast": (165, 31.0), "avocado": (160, 2.0),
             "tofu": (76, 8.0), "brown rice": (112, 2.6), "crème brûlée": (340, 4.5)}  # fmt: skip


def _nutrition(a: dict, rng: random.Random) -> tuple[dict, str]:
    grams = a.get("serving_grams", 100)
    kcal, protein = NUTRITION[a["food"]]
    calories = round(kcal * grams / 100)
    protein_g = round(protein * grams / 100, 1)
    return {"food": a["food"], "serving_grams": grams, "calories": calories, "protein_g": protein_g}, (
        f"A {grams} g serving of {a['food']} has about {calories} calories and {protein_g} g of protein."
    )


def _reminder(a: dict, rng: random.Random) -> tuple[dict, str]:
    return {"status": "scheduled", "reminder_id": int(rng.random() * 90000) + 10000}, (
        f"Done! I'll remind you \"{a['message']}\" at {a['remind_at']}."
    )


HOLIDAYS = {
    "France": [("2024-07-14", "Fête nationale"), ("2024-11-11", "Armistice")],
    "Japan": [("2024-01-01", "元日 (New Year's Day)"), ("2024-05-05", "こどもの日 (Children's Day)")],
    "Germany": [("2024-10-03", "Tag der Deutschen Einheit"), ("2024-12-25", "Weihnachten")],
    "Mexico": [("2024-09-16", "Día de la Independencia"), ("2024-11-02", "Día de Muertos")],
    "India": [("2024-01-26", "Republic Day"), ("2024-10-02", "Gandhi Jayanti")],
}


def _holidays(a: dict, rng: random.Random) -> tuple[dict, str]:
    found = [{"date": d, "name": n} for d, n in HOLIDAYS[a["country"]]]
    listing = "\n".join(f"- {h['date']}: {h['name']}" for h in found)
    return {"country": a["country"], "year": a["year"], "holidays": found}, (
        f"Here are some public holidays in {a['country']} for {a['year']}:\n{listing}"
    )


def _dice(a: dict, rng: random.Random) -> tuple[dict, str]:
    sides = a.get("sides", 6)
    rolls = [1 + int(rng.random() * sides) for _ in range(a.get("count", 1))]
    return {"rolls": rolls, "total": sum(rolls)}, f"You rolled {_natural(rolls)}, for a total of {sum(rolls)}."


def _fuel(a: dict, rng: random.Random) -> tuple[dict, str]:
    cost = round(a["distance_km"] * a["fuel_efficiency_l_per_100km"] / 100 * a["fuel_price_per_liter"], 2)
    return {"fuel_cost": cost}, f"The fuel for a {a['distance_km']} km trip would cost about {money(cost)}."


COMPANIES = ("Acme Analytics", "Nordlicht GmbH", "Bright Path", "Café Systems", "Orbit Labs", "Kōgen Works")


def _jobs(a: dict, rng: random.Random) -> tuple[dict, str]:
    role = a["keywords"][0].title()
    jobs = [{"title": f"{_pick(rng, ('Senior', 'Junior', 'Lead', ''))} {role} Engineer".strip(),
             "company": _pick(rng, COMPANIES), "location": a["location"],
             "salary_range": f"${40 + 5 * int(rng.random() * 10)},000 - ${95 + 5 * int(rng.random() * 10)},000"}
            for _ in range(2)]  # fmt: skip
    listing = "\n".join(f"- {j['title']} at {j['company']}" for j in jobs)
    return {"jobs": jobs}, f"I found these openings in {a['location']}:\n{listing}"


def _time(a: dict, rng: random.Random) -> tuple[dict, str]:
    local = f"{int(rng.random() * 24):02d}:{int(rng.random() * 60):02d}"
    return {"timezone": a["timezone"], "local_time": local}, f"The current time in {a['timezone']} is {local}."


def _shorten(a: dict, rng: random.Random) -> tuple[dict, str]:
    alias = a.get("custom_alias") or "".join(SAFE_TEXT[int(rng.random() * len(SAFE_TEXT))] for _ in range(6))
    short = f"https://sho.rt/{alias}"
    return {"short_url": short}, f"Here's your shortened link: {short}"


def _grades(a: dict, rng: random.Random) -> tuple[dict, str]:
    scores = [g["score"] for g in a["grades"]]
    average = round(sum(scores) / len(scores), 2)
    return {"average_score": average, "subjects": len(scores)}, (
        f"Your average across {len(scores)} subjects is {average}."
    )


def _prime(a: dict, rng: random.Random) -> tuple[dict, str]:
    n = a["number"]
    prime = n > 1 and all(n % d for d in range(2, int(n**0.5) + 1))
    return {"number": n, "is_prime": prime}, f"{n} {'is' if prime else 'is not'} a prime number."


def _split_bill(a: dict, rng: random.Random) -> tuple[dict, str]:
    share = round(a["total_amount"] / a["people"], 2)
    return {"amount_per_person": share}, f"Split {a['people']} ways, each person pays {money(share)}."


def _rhymes(a: dict, rng: random.Random) -> tuple[dict, str]:
    rhymes = {"light": ["night", "bright", "kite"], "day": ["play", "stay", "gray"], "heart": ["start", "art"],
              "moon": ["soon", "tune", "june"]}[a["word"]]  # fmt: skip
    return {"word": a["word"], "rhymes": rhymes}, f"Words that rhyme with \"{a['word']}\": {', '.join(rhymes)}."


def _fact(a: dict, rng: random.Random) -> tuple[dict, str]:
    fact = _pick(rng, ("Octopuses have three hearts.", "Honey never spoils.", "Bananas are berries.",
                       "A day on Venus is longer than its year."))  # fmt: skip
    return {"fact": fact}, f"Did you know? {fact}"


def _username(a: dict, rng: random.Random) -> tuple[dict, str]:
    available = rng.random() < 0.5
    return {"username": a["username"], "available": available}, (
        f"The username \"{a['username']}\" is {'available' if available else 'already taken'}."
    )


def _spell(a: dict, rng: random.Random) -> tuple[dict, str]:
    return {"corrected_text": a["text"], "errors_found": 0}, "I checked your text and found no spelling mistakes."


# --- the pool -----------------------------------------------------------------------------------------
APOSTROPHE_MESSAGES = plain(
    "Hey, let's meet at the café at 5", "Don't forget the team lunch tomorrow", "It's been a great week, thanks all",
    "We'll review the budget on Friday", "I can't make it tonight, sorry!", "Happy birthday! 🎉 Can't wait to celebrate",
)  # fmt: skip
PLAIN_MESSAGES = plain(
    "The report is attached for your review", "Please confirm the meeting time", "Lunch is on me today",
    "The project deadline moved to next Friday", "Welcome to the team!", "See you at the conference in Zürich",
)  # fmt: skip

FUNCTIONS: tuple[FunctionSpec, ...] = (
    FunctionSpec(
        "convert_currency", "Convert an amount from one currency to another",
        params({"amount": prop("number", "The amount of money to convert"),
                "from_currency": prop("string", "The currency code to convert from, e.g. USD"),
                "to_currency": prop("string", "The currency code to convert to, e.g. EUR")},
               ["amount", "from_currency", "to_currency"]),
        {"amount": plain(50, 100, 250, 500, 1000, 1500.5, 75.25, 20000), "from_currency": CURRENCIES,
         "to_currency": CURRENCIES},
        ("Can you convert {amount} {from_currency} to {to_currency} for me?",
         "How much is {amount} {from_currency} in {to_currency}?",
         "I need to change {amount} {from_currency} into {to_currency}. What would I get?"),
        ("I need to convert some money.", "Can you help me with a currency conversion?"),
        "Of course! How much would you like to convert, and from which currency to which?",
        ("{amount} {from_currency} to {to_currency}, please.",
         "I want to convert {amount} {from_currency} into {to_currency}."),
        _convert_currency, "convert amounts between currencies", "Currency converter",
    ),
    FunctionSpec(
        "get_weather_forecast", "Get the weather forecast for a city",
        params({"city": prop("string", "The name of the city"),
                "days": prop("integer", "Number of days to forecast (1-3)"),
                "units": prop("string", "Temperature units", enum=["celsius", "fahrenheit"])},
               ["city"]),
        {"city": CITIES, "days": plain(1, 2, 3), "units": (("celsius", "in Celsius"), ("fahrenheit", "in Fahrenheit"))},
        ("What's the weather going to be like in {city}?", "Can you give me a {days}-day forecast for {city} {units}?",
         "I'm travelling to {city}. What's the forecast?"),
        ("I'd like to know the weather forecast.",),
        "Sure! Which city would you like the forecast for?",
        ("{city}, please.", "For {city}, {units} please."),
        _weather, "get weather forecasts for a city", "Weather lookup",
    ),
    FunctionSpec(
        "calculate_bmi", "Calculate the Body Mass Index (BMI) from weight and height",
        params({"weight_kg": prop("number", "Weight in kilograms"), "height_m": prop("number", "Height in meters")},
               ["weight_kg", "height_m"]),
        {"weight_kg": plain(55, 62.5, 70, 78, 85, 92.3, 104), "height_m": plain(1.58, 1.65, 1.7, 1.75, 1.82, 1.9)},
        ("Can you calculate my BMI? I weigh {weight_kg} kg and I'm {height_m} meters tall.",
         "My weight is {weight_kg} kilograms and my height is {height_m} m. What's my BMI?"),
        ("I'd like to know my BMI.", "Can you help me check my body mass index?"),
        "Of course. Could you tell me your weight in kilograms and your height in meters?",
        ("I weigh {weight_kg} kg and I'm {height_m} m tall.", "{weight_kg} kg and {height_m} meters."),
        _bmi, "calculate BMI", "Compute BMI",
    ),
    FunctionSpec(
        "generate_password", "Generate a random password with the given options",
        params({"length": prop("integer", "The length of the password"),
                "include_numbers": prop("boolean", "Whether to include digits"),
                "include_symbols": prop("boolean", "Whether to include special symbols")},
               ["length"]),
        {"length": plain(8, 10, 12, 14, 16, 20, 24), "include_numbers": flag("with numbers", "without numbers"),
         "include_symbols": flag("with symbols", "without any symbols")},
        ("Please generate a {length}-character password {include_symbols}.",
         "I need a new password that's {length} characters long, {include_numbers}.",
         "Generate a password of length {length}."),
        ("I need a new password.", "Can you make me a secure password?"),
        "Sure. How long should the password be, and should it include numbers or symbols?",
        ("Make it {length} characters, {include_symbols}.", "{length} characters {include_numbers}, please."),
        _password, "generate random passwords", "Generate a password",
    ),
    FunctionSpec(
        "send_email", "Send an email to a recipient",
        params({"recipient": prop("string", "The email address of the recipient"),
                "subject": prop("string", "The subject of the email"),
                "body": prop("string", "The content of the email")},
               ["recipient", "subject", "body"]),
        {"recipient": EMAILS, "subject": plain("Meeting update", "Quick question", "Weekend plans", "Invoice #4821",
                                               "Réunion de lundi"),
         "body": PLAIN_MESSAGES + APOSTROPHE_MESSAGES},
        ("Send an email to {recipient} with the subject \"{subject}\" saying: {body}",
         "Can you email {recipient}? Subject: {subject}. Message: {body}"),
        ("I need to send an email.", "Can you help me send an email to a colleague?"),
        "Sure, I can help with that. What's the recipient's email address, the subject, and the message?",
        ("The recipient is {recipient}, the subject is \"{subject}\" and the message is \"{body}\".",),
        _send_email, "send emails", "Send email",
    ),
    FunctionSpec(
        "search_recipes", "Search for recipes by ingredients",
        params({"ingredients": prop("array", "Ingredients to include", items={"type": "string"}),
                "cuisine": prop("string", "Preferred cuisine"),
                "max_prep_minutes": prop("integer", "Maximum preparation time in minutes")},
               ["ingredients"]),
        {"ingredients": plain(["chicken", "broccoli"], ["tomatoes", "basil", "garlic"], ["tofu", "rice"],
                              ["eggs", "spinach", "feta"], ["potatoes", "leeks"], ["shrimp", "lime", "cilantro"]),
         "cuisine": plain("Italian", "Thai", "Mexican", "Japanese", "Indian", "Provençal"),
         "max_prep_minutes": plain(15, 20, 30, 45)},
        ("I have {ingredients}. What can I cook?", "Find me a {cuisine} recipe with {ingredients}.",
         "Any recipes using {ingredients} that take less than {max_prep_minutes} minutes?"),
        ("I want to cook something but I'm out of ideas.",),
        "I'd be happy to help! What ingredients do you have?",
        ("I have {ingredients}.", "{ingredients}, and I'd like something {cuisine}."),
        _recipes, "search for recipes based on ingredients", "Find recipes",
    ),
    FunctionSpec(
        "translate_text", "Translate text into another language",
        params({"text": prop("string", "The text to translate"),
                "source_language": prop("string", "The language of the text"),
                "target_language": prop("string", "The language to translate into")},
               ["text", "target_language"]),
        {"text": TRANSLATION_TEXTS, "source_language": plain("English"), "target_language": TRANSLATION_LANGUAGES},
        ("How do you say \"{text}\" in {target_language}?",
         "Translate \"{text}\" from {source_language} to {target_language}."),
        ("Can you translate something for me?",),
        "Of course! What's the text, and which language should I translate it into?",
        ("\"{text}\" into {target_language}, please.",),
        _translate, "translate text between languages", "Translate",
    ),
    FunctionSpec(
        "calculate_loan_payment", "Calculate the monthly payment of a loan",
        params({"principal": prop("number", "The loan amount"),
                "annual_interest_rate": prop("number", "Annual interest rate in percent"),
                "term_months": prop("integer", "The loan term in months")},
               ["principal", "annual_interest_rate", "term_months"]),
        {"principal": plain(5000, 12000, 25000, 150000, 320000.5), "annual_interest_rate": plain(3.5, 4.25, 5, 6.9, 0),
         "term_months": plain(12, 36, 60, 180, 360)},
        ("What's my monthly payment on a {principal} loan at {annual_interest_rate}% for {term_months} months?",
         "I'm borrowing {principal} at an annual rate of {annual_interest_rate}% over {term_months} months. "
         "How much per month?"),
        ("I need help working out a loan payment.",),
        "Sure. What's the loan amount, the annual interest rate, and the term in months?",
        ("The amount is {principal}, the rate is {annual_interest_rate}% and the term is {term_months} months.",),
        _loan, "calculate loan payments", "Loan calculator",
    ),
    FunctionSpec(
        "get_stock_quote", "Get the current price of a stock",
        params({"symbol": prop("string", "The stock ticker symbol, e.g. AAPL")}, ["symbol"]),
        {"symbol": plain("AAPL", "MSFT", "GOOGL", "TSLA", "AMZN", "NVDA", "SAP")},
        ("What's the current price of {symbol}?", "How is {symbol} stock doing today?"),
        ("Can you check a stock price for me?",),
        "Sure! Which stock symbol would you like me to look up?",
        ("{symbol}, please.",),
        _stock, "look up stock prices", "Stock price",
    ),
    FunctionSpec(
        "create_calendar_event", "Create an event in the user's calendar",
        params({"title": prop("string", "The title of the event"),
                "date": prop("string", "The date of the event", format="date"),
                "start_time": prop("string", "Start time in HH:MM"),
                "duration_minutes": prop("integer", "Duration in minutes"),
                "attendees": prop("array", "Email addresses of attendees", items={"type": "string"})},
               ["title", "date", "start_time", "duration_minutes"]),
        {"title": plain("Team sync", "Dentist appointment", "Dinner with Zoë", "Project kickoff",
                        "Mom's birthday party"),
         "date": DATES, "start_time": TIMES, "duration_minutes": plain(30, 45, 60, 90, 120),
         "attendees": plain(["alice@example.com"], ["ben.carter@example.org", "team@example.net"])},
        ("Schedule \"{title}\" on {date} at {start_time} for {duration_minutes} minutes.",
         "Add {title} to my calendar for {date} at {start_time}, {duration_minutes} minutes long, "
         "and invite {attendees}."),
        ("I need to put something in my calendar.",),
        "Sure! What's the event title, the date, the start time, and how long will it last?",
        ("It's \"{title}\" on {date}, starting at {start_time}, for {duration_minutes} minutes.",),
        _event, "create calendar events", "Add a calendar entry",
    ),
    FunctionSpec(
        "calculate_tip", "Calculate the tip for a bill",
        params({"bill_total": prop("number", "The total bill amount"),
                "tip_percent": prop("number", "The tip percentage")},
               ["bill_total", "tip_percent"]),
        {"bill_total": plain(24.5, 48, 63.75, 100, 152.4), "tip_percent": plain(10, 12.5, 15, 18, 20)},
        ("My bill is ${bill_total}. How much is a {tip_percent}% tip?",
         "What should I tip on a {bill_total} dollar bill if I want to leave {tip_percent}%?"),
        ("Can you help me figure out a tip?",),
        "Of course! What's the bill total and what percentage would you like to tip?",
        ("The bill is ${bill_total} and I want to tip {tip_percent}%.",),
        _tip, "calculate tips", "Tip calculator",
    ),
    FunctionSpec(
        "find_nearby_places", "Find places of a given type near a location",
        params({"location": prop("string", "The address or area to search around"),
                "place_type": prop("string", "The type of place",
                                   enum=["restaurant", "cafe", "pharmacy", "gas_station", "museum"]),
                "radius_km": prop("number", "Search radius in kilometers")},
               ["location", "place_type"]),
        {"location": CITIES,
         "place_type": (("restaurant", "restaurants"), ("cafe", "cafés"), ("pharmacy", "pharmacies"),
                        ("gas_station", "gas stations"), ("museum", "museums")),
         "radius_km": plain(1, 2.5, 5)},
        ("Are there any {place_type} near {location}?", "Find {place_type} within {radius_km} km of {location}."),
        ("I'm looking for somewhere nearby.",),
        "Happy to help! Where are you, and what kind of place are you looking for?",
        ("I'm in {location} and I need {place_type}.",),
        _places, "find nearby places", "Nearby search",
    ),
    FunctionSpec(
        "get_movie_info", "Get details about a movie",
        params({"title": prop("string", "The title of the movie"), "year": prop("integer", "The release year")},
               ["title"]),
        {"title": plain(*MOVIES), "year": plain(1999, 2001, 2010, 2016, 2017, 2019)},
        ("Can you tell me about the movie \"{title}\"?", "What do you know about {title}?"),
        ("I want to know more about a film.",),
        "Sure! Which movie are you interested in?",
        ("\"{title}\".", "The one called {title}."),
        _movie, "look up movie details", "Movie details",
    ),
    FunctionSpec(
        "tell_random_joke", "Get a random joke",
        params({}, []),
        {},
        ("Tell me a joke!", "I'm bored. Do you know any good jokes?", "Can you make me laugh?"),
        ("I could use some cheering up.",),
        "I'm sorry to hear that. Would a joke help?",
        ("Yes, please tell me one.",),
        _joke, "tell jokes", "Random joke",
    ),
    FunctionSpec(
        "get_random_quote", "Get a random inspirational quote",
        params({}, None),
        {},
        ("Give me an inspirational quote.", "I need some motivation today. Any quotes?"),
        ("I'm feeling a bit unmotivated.",),
        "I'm sorry to hear that. Would an inspiring quote help?",
        ("Sure, go ahead.",),
        _quote, "share inspirational quotes", "Quote of the day",
    ),
    FunctionSpec(
        "calculate_distance", "Calculate the distance between two locations",
        params({"origin": prop("string", "The starting location"),
                "destination": prop("string", "The destination"),
                "unit": prop("string", "Distance unit", enum=["km", "miles"])},
               ["origin", "destination"]),
        {"origin": CITIES, "destination": CITIES, "unit": (("km", "in kilometers"), ("miles", "in miles"))},
        ("How far is {origin} from {destination}?", "What's the distance between {origin} and {destination} {unit}?"),
        ("I need to know the distance between two cities.",),
        "Sure! Which two locations?",
        ("From {origin} to {destination}.",),
        _distance, "calculate distances between places", "Distance",
    ),
    FunctionSpec(
        "create_todo_item", "Add an item to the user's to-do list",
        params({"task": prop("string", "The task description"),
                "due_date": prop("string", "The due date", format="date"),
                "priority": prop("string", "The priority", enum=["low", "medium", "high"])},
               ["task", "due_date", "priority"]),
        {"task": plain("Buy groceries", "Call the plumber", "Finish the quarterly report", "Renew passport",
                       "Pick up Mom's prescription", "Book the car's annual service"),
         "due_date": DATES, "priority": plain("low", "medium", "high")},
        ("Add \"{task}\" to my to-do list, due {due_date}, {priority} priority.",
         "Remind me to {task} by {due_date}. It's {priority} priority."),
        ("I need to add a task to my list.",),
        "Sure! What's the task, when is it due, and what priority should it have?",
        ("The task is \"{task}\", due {due_date}, priority {priority}.",),
        _todo, "create to-do items", "Add to-do",
    ),
    FunctionSpec(
        "analyze_sentiment", "Analyze the sentiment of a piece of text",
        params({"text": prop("string", "The text to analyze")}, ["text"]),
        {"text": plain("I absolutely loved the new café downtown!", "The service was slow and the food was cold.",
                       "It's fine, I guess. Nothing special.", "I can't believe how well the launch went!",
                       "This product broke after two days. Very disappointed.", "Das Konzert war wunderbar!")},
        ("What's the sentiment of this review: \"{text}\"", "Can you analyze the sentiment of \"{text}\"?"),
        ("I have a customer review I'd like analyzed.",),
        "Sure, please share the text.",
        ("Here it is: \"{text}\"",),
        _sentiment, "analyze the sentiment of text", "Sentiment",
    ),
    FunctionSpec(
        "calculate_average", "Calculate the average of a list of numbers",
        params({"numbers": prop("array", "The numbers to average", items={"type": "number"})}, ["numbers"]),
        {"numbers": plain([4, 8, 15, 16, 23, 42], [3.5, 7.25, 9], [10, 20, 30, 40], [88, 92, 79, 85],
                          [1, 1, 2, 3, 5, 8])},
        ("What's the average of {numbers}?", "Can you calculate the mean of these numbers: {numbers}?"),
        ("I have a list of numbers and need the average.",),
        "Sure! Please give me the numbers.",
        ("They are {numbers}.",),
        _average, "calculate averages", "Mean of numbers",
    ),
    FunctionSpec(
        "check_email_address", "Check whether an email address is valid",
        params({"email": prop("string", "The email address to check")}, ["email"]),
        {"email": EMAILS + plain("not-an-email", "user@localhost", "zoë@exämple.com")},
        ("Is {email} a valid email address?", "Can you verify the email {email}?"),
        ("Can you check an email address for me?",),
        "Of course, which address?",
        ("{email}",),
        _check_email, "validate email addresses", "Email check",
    ),
    FunctionSpec(
        "get_news_articles", "Get recent news articles about a topic",
        params({"topic": prop("string", "The topic to search for"),
                "language": prop("string", "Article language", enum=["en", "fr", "de", "es", "ja"]),
                "limit": prop("integer", "Maximum number of articles")},
               ["topic"]),
        {"topic": plain("climate", "technology", "football", "space exploration", "economy", "cinéma"),
         "language": (("en", "in English"), ("fr", "in French"), ("de", "in German"), ("es", "in Spanish"),
                      ("ja", "in Japanese")),
         "limit": plain(2, 3, 4)},
        ("What's the latest news on {topic}?", "Show me {limit} recent articles about {topic} {language}."),
        ("What's happening in the news?",),
        "I can look that up. Which topic are you interested in?",
        ("{topic}, please.",),
        _news, "fetch news articles", "News",
    ),
    FunctionSpec(
        "book_meeting_room", "Book a meeting room",
        params({"room": prop("string", "The room name"), "date": prop("string", "The booking date"),
                "start_time": prop("string", "Start time"), "end_time": prop("string", "End time")},
               ["room", "date", "start_time", "end_time"]),
        {"room": plain("Aurora", "Everest", "Fjord", "Kyoto", "Sahara"), "date": DATES, "start_time": TIMES,
         "end_time": plain("11:00", "12:00", "15:00", "17:30", "19:00")},
        ("Book the {room} room on {date} from {start_time} to {end_time}.",),
        ("I need a meeting room.",),
        "Sure! Which room, which date, and from when to when?",
        ("{room}, on {date} from {start_time} to {end_time}.",),
        _room, "book meeting rooms", "Room booking",
    ),
    FunctionSpec(
        "calculate_age", "Calculate age from a birth date",
        params({"birth_date": prop("string", "The birth date in YYYY-MM-DD format", format="date")}, ["birth_date"]),
        {"birth_date": plain("1990-05-15", "1985-12-01", "2001-07-30", "1978-03-09", "1999-11-11")},
        ("I was born on {birth_date}. How old am I?", "Can you calculate my age? My birthday is {birth_date}."),
        ("Can you work out how old I am?",),
        "Sure! What's your date of birth?",
        ("It's {birth_date}.",),
        _age, "calculate ages", "Age",
    ),
    FunctionSpec(
        "search_books", "Search a library catalogue for books",
        params({"query": prop("string", "Title or keywords"), "author": prop("string", "The author's name"),
                "filters": prop("object", "Optional filters", properties={
                    "min_year": {"type": "integer", "description": "Earliest publication year"},
                    "available_only": {"type": "boolean", "description": "Only books that can be borrowed now"}})},
               ["query"]),
        {"query": plain("mystery", "gardening", "machine learning", "poesía", "history of Rome"),
         "author": plain("Mara Ellison", "Lucía Ferrer", "Søren Dahl", "Ravi Menon"),
         "filters": ((({"min_year": 2015, "available_only": True}), "published since 2015 and available now"),
                     (({"min_year": 2000}), "published after 2000"))},
        ("Find me books about {query}.", "Search for {query} books by {author}.",
         "I want books on {query} {filters}."),
        ("I'm looking for something to read.",),
        "I'd love to help. What topic or title are you looking for?",
        ("Something about {query}.",),
        _books, "search for books", "Book search",
    ),
    FunctionSpec(
        "convert_temperature", "Convert a temperature between units",
        params({"value": prop("number", "The temperature value"),
                "from_unit": prop("string", "The unit to convert from", enum=["celsius", "fahrenheit", "kelvin"]),
                "to_unit": prop("string", "The unit to convert to", enum=["celsius", "fahrenheit", "kelvin"])},
               ["value", "from_unit", "to_unit"]),
        {"value": plain(-40, 0, 21.5, 37, 98.6, 300), "from_unit": plain("celsius", "fahrenheit", "kelvin"),
         "to_unit": plain("celsius", "fahrenheit", "kelvin")},
        ("Convert {value} degrees {from_unit} to {to_unit}.", "What is {value} {from_unit} in {to_unit}?"),
        ("I need a temperature conversion.",),
        "Sure! What's the value and which units are we converting between?",
        ("{value} from {from_unit} to {to_unit}.",),
        _temperature, "convert temperatures", "Temperature conversion",
    ),
    FunctionSpec(
        "track_package", "Track a package by its tracking number",
        params({"tracking_number": prop("string", "The tracking number"), "carrier": prop("string", "The carrier")},
               ["tracking_number"]),
        {"tracking_number": plain("1Z999AA10123456784", "JD014600003828312345", "9400111899223197428490",
                                  "LX123456789DE"),
         "carrier": plain("UPS", "DHL", "USPS", "FedEx")},
        ("Where is my package {tracking_number}?", "Can you track {carrier} shipment {tracking_number}?"),
        ("I'm waiting for a delivery.",),
        "I can check on it. What's the tracking number?",
        ("It's {tracking_number}.",),
        _track, "track packages", "Package tracking",
    ),
    FunctionSpec(
        "calculate_discounted_price", "Calculate a price after a percentage discount",
        params({"original_price": prop("number", "The original price"),
                "discount_percent": prop("number", "The discount in percent")},
               ["original_price", "discount_percent"]),
        {"original_price": plain(19.99, 49.5, 120, 299, 1450), "discount_percent": plain(10, 15, 20, 25, 33.3, 50)},
        ("A jacket costs ${original_price} and it's {discount_percent}% off. What do I pay?",
         "What's {original_price} minus a {discount_percent} percent discount?"),
        ("I saw something on sale. Can you work out the price?",),
        "Sure! What's the original price and the discount percentage?",
        ("It was ${original_price}, discounted by {discount_percent}%.",),
        _discount, "calculate discounts", "Discount",
    ),
    FunctionSpec(
        "generate_qr_code", "Generate a QR code for some text or a URL",
        params({"data": prop("string", "The text or URL to encode"), "size": prop("integer", "Image size in pixels")},
               ["data"]),
        {"data": plain("https://example.com/menu", "WIFI:S:HomeNet;T:WPA;P:hunter22;;", "https://example.org/café",
                       "Meet me at Gate 12"),
         "size": plain(128, 256, 512)},
        ("Make a QR code for {data}.", "Generate a {size}px QR code that encodes {data}."),
        ("I need a QR code.",),
        "Sure! What should the QR code contain?",
        ("{data}",),
        _qr, "generate QR codes", "QR code",
    ),
    FunctionSpec(
        "get_flight_status", "Get the status of a flight",
        params({"flight_number": prop("string", "The flight number"), "date": prop("string", "The flight date")},
               ["flight_number", "date"]),
        {"flight_number": plain("BA117", "LH400", "AF006", "UA901", "NH10", "QF1"), "date": DATES},
        ("What's the status of flight {flight_number} on {date}?", "Is {flight_number} on time on {date}?"),
        ("Can you check on a flight for me?",),
        "Sure! What's the flight number and the date?",
        ("{flight_number} on {date}.",),
        _flight, "check flight status", "Flight status",
    ),
    FunctionSpec(
        "calculate_area", "Calculate the area of a shape",
        params({"shape": prop("string", "The shape", enum=["rectangle", "circle", "triangle"]),
                "dimensions": prop("object", "The dimensions of the shape", properties={
                    "length": {"type": "number"}, "width": {"type": "number"}, "radius": {"type": "number"},
                    "base": {"type": "number"}, "height": {"type": "number"}})},
               ["shape", "dimensions"]),
        {"shape": plain("rectangle", "circle", "triangle"),
         "dimensions": (({"length": 5, "width": 3}, "length 5 and width 3"), ({"radius": 4}, "radius 4"),
                        ({"base": 6, "height": 2.5}, "base 6 and height 2.5"))},
        ("What's the area of a {shape} with {dimensions}?",),
        ("I need to calculate an area.",),
        "Sure! What shape is it, and what are its dimensions?",
        ("A {shape} with {dimensions}.",),
        _area, "calculate areas of shapes", "Area",
    ),
    FunctionSpec(
        "play_music", "Play music of a given genre",
        params({"genre": prop("string", "The music genre"), "mood": prop("string", "The mood of the music"),
                "shuffle": prop("boolean", "Shuffle the playlist")},
               ["genre"]),
        {"genre": plain("jazz", "lo-fi", "classical", "rock", "K-pop", "bossa nova"),
         "mood": plain("relaxing", "upbeat", "focused", "melancholic"), "shuffle": flag("on shuffle", "in order")},
        ("Play some {genre} music.", "I'm in the mood for {mood} {genre}, {shuffle}."),
        ("Can you put some music on?",),
        "Sure! What genre would you like?",
        ("Some {genre}, please.",),
        _music, "play music", "Music",
    ),
    FunctionSpec(
        "define_word", "Get the definition of a word",
        params({"word": prop("string", "The word to define")}, ["word"]),
        {"word": plain(*DEFINITIONS)},
        ("What does \"{word}\" mean?", "Define the word {word}, please."),
        ("I came across a word I don't know.",),
        "I can help with that. Which word?",
        ("\"{word}\".",),
        _define, "look up word definitions", "Dictionary",
    ),
    FunctionSpec(
        "get_nutrition_facts", "Get nutrition facts for a food",
        params({"food": prop("string", "The food item"), "serving_grams": prop("integer", "Serving size in grams")},
               ["food"]),
        {"food": plain(*NUTRITION), "serving_grams": plain(50, 100, 150, 200)},
        ("How many calories are in {food}?", "Give me the nutrition facts for {serving_grams} g of {food}."),
        ("I'm tracking my calories.",),
        "Great! Which food would you like nutrition facts for?",
        ("{food}.",),
        _nutrition, "look up nutrition facts", "Nutrition",
    ),
    FunctionSpec(
        "set_reminder", "Set a reminder with a message at a given time",
        params({"message": prop("string", "The reminder message"), "remind_at": prop("string", "When to remind")},
               ["message", "remind_at"]),
        {"message": APOSTROPHE_MESSAGES + PLAIN_MESSAGES,
         "remind_at": plain("2024-06-21 08:00", "tomorrow 9am", "2024-09-10 17:30", "in 2 hours")},
        ("Remind me \"{message}\" at {remind_at}.", "Set a reminder for {remind_at}: {message}"),
        ("Can you set a reminder?",),
        "Of course. What should the reminder say, and when?",
        ("Say \"{message}\" at {remind_at}.",),
        _reminder, "set reminders", "Reminder",
    ),
    FunctionSpec(
        "get_public_holidays", "List public holidays for a country and year",
        params({"country": prop("string", "The country name"), "year": prop("integer", "The year")},
               ["country", "year"]),
        {"country": plain(*HOLIDAYS), "year": plain(2024, 2025)},
        ("What are the public holidays in {country} in {year}?",),
        ("I'm planning a trip and want to avoid holidays.",),
        "Good idea! Which country and year?",
        ("{country}, {year}.",),
        _holidays, "list public holidays", "Holidays",
    ),
    FunctionSpec(
        "roll_dice", "Roll one or more dice",
        params({"sides": prop("integer", "Number of sides on each die"), "count": prop("integer", "Number of dice")},
               None),
        {"sides": plain(6, 8, 12, 20), "count": plain(1, 2, 3)},
        ("Roll {count} dice with {sides} sides.", "Roll a d{sides} for me."),
        ("Let's play a game.",),
        "Sounds fun! Shall I roll some dice? How many, and with how many sides?",
        ("{count} dice, {sides} sides each.",),
        _dice, "roll dice", "Dice",
    ),
    FunctionSpec(
        "calculate_fuel_cost", "Calculate the fuel cost of a trip",
        params({"distance_km": prop("number", "Trip distance in kilometers"),
                "fuel_efficiency_l_per_100km": prop("number", "Fuel consumption in liters per 100 km"),
                "fuel_price_per_liter": prop("number", "Price of fuel per liter")},
               ["distance_km", "fuel_efficiency_l_per_100km", "fuel_price_per_liter"]),
        {"distance_km": plain(120, 350, 540.5, 1200), "fuel_efficiency_l_per_100km": plain(4.8, 6.5, 8, 11.2),
         "fuel_price_per_liter": plain(1.45, 1.79, 1.92)},
        ("How much fuel money do I need for {distance_km} km if my car uses {fuel_efficiency_l_per_100km} L/100km "
         "and fuel costs {fuel_price_per_liter} per liter?",),
        ("I'm planning a road trip and want to budget for fuel.",),
        "Sure! How far is the trip, how much fuel does your car use per 100 km, and what's the fuel price?",
        ("{distance_km} km, {fuel_efficiency_l_per_100km} L per 100 km, and {fuel_price_per_liter} per liter.",),
        _fuel, "estimate fuel costs", "Fuel cost",
    ),
    FunctionSpec(
        "search_jobs", "Search job listings",
        params({"keywords": prop("array", "Keywords for the role", items={"type": "string"}),
                "location": prop("string", "The job location"),
                "remote_only": prop("boolean", "Only remote positions")},
               ["keywords", "location"]),
        {"keywords": plain(["data"], ["backend", "python"], ["frontend", "react"], ["machine learning"], ["devops"]),
         "location": CITIES, "remote_only": flag("remote only", "on-site is fine")},
        ("Find {keywords} jobs in {location}.", "I'm looking for {keywords} roles in {location}, {remote_only}."),
        ("I'm looking for a new job.",),
        "I can search for you. What kind of role and where?",
        ("{keywords} in {location}.",),
        _jobs, "search for jobs", "Jobs",
    ),
    FunctionSpec(
        "get_time_in_timezone", "Get the current time in a timezone",
        params({"timezone": prop("string", "IANA timezone name, e.g. Europe/Paris")}, ["timezone"]),
        {"timezone": plain("Europe/Paris", "Asia/Tokyo", "America/New_York", "Australia/Sydney", "Africa/Nairobi")},
        ("What time is it in {timezone}?",),
        ("I need to call someone abroad.",),
        "Sure! Which timezone are they in?",
        ("{timezone}.",),
        _time, "tell the time in other timezones", "World clock",
    ),
    FunctionSpec(
        "shorten_url", "Shorten a long URL",
        params({"url": prop("string", "The URL to shorten"), "custom_alias": prop("string", "Optional custom alias")},
               ["url"]),
        {"url": plain("https://example.com/articles/2024/06/a-very-long-title", "https://example.org/shop?item=4821",
                      "https://example.net/docs/getting-started"),
         "custom_alias": plain("summer-sale", "docs", "my-link")},
        ("Shorten this link: {url}", "Make a short URL for {url} with the alias {custom_alias}."),
        ("I have a really long link.",),
        "I can shorten it. What's the URL?",
        ("{url}",),
        _shorten, "shorten URLs", "URL shortener",
    ),
    FunctionSpec(
        "calculate_grade_average", "Calculate the average of subject grades",
        params({"grades": prop("array", "Subject grades", items={"type": "object", "properties": {
            "subject": {"type": "string"}, "score": {"type": "number"}}, "required": ["subject", "score"]})},
               ["grades"]),
        {"grades": (([{"subject": "Math", "score": 91}, {"subject": "History", "score": 84}],
                     "Math 91 and History 84"),
                    ([{"subject": "Biology", "score": 77.5}, {"subject": "Art", "score": 95},
                      {"subject": "Français", "score": 88}], "Biology 77.5, Art 95 and Français 88"))},
        ("My grades are {grades}. What's my average?",),
        ("Can you help me with my grade average?",),
        "Sure! Please list your subjects and scores.",
        ("{grades}.",),
        _grades, "calculate grade averages", "Grades",
    ),
    FunctionSpec(
        "check_prime_number", "Check whether a number is prime",
        params({"number": prop("integer", "The number to check")}, ["number"]),
        {"number": plain(7, 21, 97, 221, 7919, 10007, 1)},
        ("Is {number} a prime number?", "Check if {number} is prime."),
        ("I have a number theory question.",),
        "Sure! What's the number?",
        ("{number}",),
        _prime, "check prime numbers", "Prime check",
    ),
    FunctionSpec(
        "split_bill", "Split a bill evenly among people",
        params({"total_amount": prop("number", "The total bill"), "people": prop("integer", "Number of people")},
               ["total_amount", "people"]),
        {"total_amount": plain(84, 120.6, 245.9, 312), "people": plain(2, 3, 4, 6)},
        ("We spent {total_amount} for dinner and there are {people} of us. How much does each pay?",),
        ("Can you help us split a bill?",),
        "Of course! What's the total and how many people?",
        ("{total_amount} in total, {people} people.",),
        _split_bill, "split bills", "Split bill",
    ),
    FunctionSpec(
        "find_rhymes", "Find words that rhyme with a given word",
        params({"word": prop("string", "The word to rhyme with")}, ["word"]),
        {"word": plain("light", "day", "heart", "moon")},
        ("What rhymes with \"{word}\"?", "I'm writing a poem. Give me rhymes for {word}."),
        ("I'm writing a song and I'm stuck.",),
        "I can help! Which word do you need rhymes for?",
        ("\"{word}\".",),
        _rhymes, "find rhymes", "Rhymes",
    ),
    FunctionSpec(
        "get_random_fact", "Get a random interesting fact",
        params({}, []),
        {},
        ("Tell me a fun fact.", "Surprise me with something interesting."),
        ("I'm curious today.",),
        "Great! Would you like to hear a random fact?",
        ("Yes, please!",),
        _fact, "share random facts", "Fun fact",
    ),
    FunctionSpec(
        "check_username_availability", "Check whether a username is available",
        params({"username": prop("string", "The desired username")}, ["username"]),
        {"username": plain("pixel_fox", "zoë.writes", "coder42", "tanaka_k", "the_real_jose")},
        ("Is the username {username} available?",),
        ("I'm signing up for a new account.",),
        "Nice! Which username would you like to check?",
        ("{username}",),
        _username, "check username availability", "Username check",
    ),
    FunctionSpec(
        "check_spelling", "Check the spelling of a text",
        params({"text": prop("string", "The text to check"),
                "language": prop("string", "The language of the text", enum=["en", "fr", "de"])},
               ["text"]),
        {"text": plain("Their going to the park later.", "I can't wait for the weekend!",
                       "The café's crème brûlée is amazing."),
         "language": (("en", "in English"), ("fr", "in French"), ("de", "in German"))},
        ("Can you spell-check this: \"{text}\"", "Check the spelling of \"{text}\" {language}."),
        ("Can you proofread something for me?",),
        "Sure! Please paste the text.",
        ("\"{text}\"",),
        _spell, "check spelling", "Spell check",
    ),
)


# --- conversation phrasing ---------------------------------------------------------------------------
OPENERS = ("", "", "", "Hi, ", "Hello! ", "Hey, ", "Hi there. ", "Good morning! ", "Hi, I hope you're doing well. ",
           "Hello, I need some help with something. ", "Hey, I was wondering if you could help me out. ",
           "Hi there, I have a quick request. ")  # fmt: skip  # "Hi, " lowercases what follows
FOLLOW_UP_OPENERS = ("Great, thanks! ", "Thanks. ", "Okay. ", "That's helpful. ", "Perfect. ", "Awesome! ", "")
THANKS = ("Thank you!", "Thanks, that's all I needed.", "Great, thank you so much!", "Perfect, thanks for your help.",
          "That's great, thanks.", "Thanks a lot!", "Awesome, appreciate it.", "Merci beaucoup! 🙏")  # fmt: skip
WELCOMES = ("You're welcome! If you have any other questions, feel free to ask.",
            "You're welcome! Let me know if there's anything else I can help with.",
            "Happy to help! Have a great day. 😊", "Anytime! Enjoy your day.", "My pleasure! Take care.",
            "Glad I could help!", "You're welcome. Have a nice day!",
            "No problem at all. Have a good one!")  # fmt: skip
# A sentence a user may say before a direct request.
REQUEST_CONTEXTS = ("I'm trying to get a few things sorted out today. ", "I've been meaning to do this for a while. ",
                    "A friend told me you could help with this. ", "I'm in a bit of a hurry, so thanks in advance. ",
                    "I need some help with something. ", "This is for a project I'm working on. ",
                    "I'm planning ahead for next week. ", "I hope this isn't too much trouble. ")  # fmt: skip
REPLY_TAILS = ("Is there anything else I can help you with?", "Let me know if you need anything else.",
               "If you have any other questions, feel free to ask.",
               "Would you like me to look up anything else for you?")  # fmt: skip
BEFORE_CALL = ("Sure, let me check that for you.", "Of course, I can help you with that. Let's get started.",
               "Give me a moment while I look that up.", "Alright, I'll take care of it.")  # fmt: skip
ERROR_MESSAGES = ("Invalid input provided", "Service temporarily unavailable", "Rate limit exceeded",
                  "Request timed out", "Upstream provider returned an error", "Resource not found")  # fmt: skip
UNAVAILABLE_MESSAGES = ("The service is currently down for maintenance.", "Please try again later.",
                        "The data provider could not be reached.")  # fmt: skip
APOLOGIES = ("I'm sorry, but I wasn't able to complete that request ({reason}). Please try again later.",
             "Unfortunately something went wrong on my end: {reason}. Could you try again in a little while?",
             "I apologize, but the request failed ({reason}). Would you like me to try again?")  # fmt: skip
OUT_OF_SCOPE = (
    ("Can you book a flight for me from {a} to {b}?", "book flights"),
    ("Could you order a pizza for me?", "place food orders"),
    ("Can you reserve a table for two at a restaurant in {a} tonight?", "make restaurant reservations"),
    ("Please send a bouquet of flowers to my mother.", "send physical deliveries"),
    ("Can you call a taxi to take me to the airport?", "book taxis"),
    ("Transfer $200 from my savings to my checking account.", "perform bank transactions"),
    ("Can you buy two tickets for the concert on Saturday?", "purchase tickets"),
    ("Turn off the lights in the living room, please.", "control smart home devices"),
    ("Can you book a hotel in {a} for next weekend?", "book hotels"),
    ("Please schedule a haircut appointment for me.", "book appointments with external services"),
    ("Could you pay my electricity bill?", "make payments"),
    ("Can you order a new phone charger from an online store?", "shop online for you"),
)
REFUSAL_TAILS = ("If you need help with that, feel free to ask!", "Is there anything else I can help you with?",
                 "Let me know if you'd like help with that instead.", "")  # fmt: skip

# General questions answered without any function: (question, answer, follow-up question, follow-up answer).
GENERAL_QA: tuple[tuple[str, str, str, str], ...] = (
    ("Can you explain the difference between weather and climate?",
     "Weather describes short-term atmospheric conditions - temperature, rain, wind - over hours or days. Climate is "
     "the long-term average of those conditions in a region, usually measured over 30 years or more. In short: "
     "weather is what you get today, climate is what you expect over decades.",
     "So how do scientists measure climate change?",
     "They combine long temperature records from weather stations, ocean buoys and satellites, along with ice cores, "
     "tree rings and sediment layers that preserve older signals. Comparing these against the long-term baseline "
     "shows the warming trend."),
    ("What is photosynthesis?",
     "Photosynthesis is the process by which plants, algae and some bacteria turn light energy into chemical energy. "
     "Using sunlight, they combine carbon dioxide and water to make glucose and release oxygen:\n"
     "6CO2 + 6H2O + light -> C6H12O6 + 6O2",
     "Does it happen at night?",
     "The light-dependent reactions need light, so they stop at night. Some steps of the Calvin cycle can continue "
     "briefly using stored energy, but overall photosynthesis is a daytime process."),
    ("Write a Python function that reverses a string.",
     "Here's a simple version:\n```python\ndef reverse_string(text: str) -> str:\n    return text[::-1]\n```\n"
     "`text[::-1]` uses slicing with a step of -1, which walks the string backwards.",
     "How would I do it without slicing?",
     "You can build it with a loop:\n```python\ndef reverse_string(text: str) -> str:\n    result = \"\"\n"
     "    for char in text:\n        result = char + result\n    return result\n```\nOr use "
     "`\"\".join(reversed(text))`."),
    ("What are the main causes of inflation?",
     "Inflation usually comes from three sources:\n"
     "1. Demand-pull: spending grows faster than the economy can produce.\n"
     "2. Cost-push: production costs such as energy or wages rise.\n3. Built-in: people expect prices to rise and "
     "adjust wages and prices accordingly.",
     "How do central banks fight it?",
     "Mainly by raising interest rates, which makes borrowing more expensive and cools spending. They can also reduce "
     "the money supply by selling bonds."),
    ("Summarize the plot of Romeo and Juliet in two sentences.",
     "Two young lovers from feuding families in Verona secretly marry. A chain of misunderstandings leads both to take "
     "their own lives, which finally reconciles their families.",
     "Who wrote it?",
     "William Shakespeare wrote it, probably around 1594-1596."),
    ("How do I say 'thank you' in Japanese?",
     "You can say \"ありがとう\" (arigatou), or more politely \"ありがとうございます\" (arigatou gozaimasu).",
     "And 'good night'?",
     "\"おやすみなさい\" (oyasuminasai), or \"おやすみ\" (oyasumi) among friends."),
    ("What's the capital of Iceland?",
     "The capital of Iceland is Reykjavík.",
     "What's it known for?",
     "Reykjavík is known for its colourful houses, the Hallgrímskirkja church, geothermal pools, and as a base for "
     "seeing the Northern Lights."),
    ("Rewrite this sentence in the passive voice: The chef prepared a delicious meal.",
     "A delicious meal was prepared by the chef.",
     "Why would I use the passive voice?",
     "The passive voice puts the focus on the action or its result rather than on who did it. It's useful when the "
     "actor is unknown or less important."),
    ("Give me three tips for better sleep.",
     "1. Keep a consistent schedule, even on weekends.\n2. Avoid screens for an hour before bed.\n"
     "3. Keep your bedroom cool, dark and quiet.",
     "What about caffeine?",
     "Caffeine can stay in your system for 6 hours or more, so it's best to avoid it after early afternoon."),
    ("What is the Pythagorean theorem?",
     "In a right triangle, the square of the hypotenuse equals the sum of the squares of the other two sides: "
     "a² + b² = c².",
     "Can you give an example?",
     "If the two shorter sides are 3 and 4, then c² = 9 + 16 = 25, so the hypotenuse is 5."),
    ("Classify these animals as mammals or reptiles: dolphin, iguana, bat, tortoise.",
     "Mammals: dolphin, bat.\nReptiles: iguana, tortoise.",
     "Is a platypus a mammal?",
     "Yes. The platypus is a mammal, although it is one of the few that lay eggs (a monotreme)."),
    ("Translate 'Where is the library?' into Spanish.",
     "\"¿Dónde está la biblioteca?\"",
     "And into German?",
     "\"Wo ist die Bibliothek?\""),
    ("What does the SQL JOIN clause do?",
     "A JOIN combines rows from two or more tables based on a related column. For example:\n```sql\nSELECT o.id, "
     "c.name\nFROM orders o\nJOIN customers c ON c.id = o.customer_id;\n```\nThis lists each order with its "
     "customer's name.",
     "What's the difference between INNER and LEFT JOIN?",
     "An INNER JOIN keeps only rows that match in both tables. A LEFT JOIN keeps every row of the left table and "
     "fills the right side with NULL when there is no match."),
    ("Suggest a name for a bakery that sells French pastries.",
     "How about \"Le Petit Croissant\", \"Pâtisserie Lumière\" or \"Beurre & Sucre\"?",
     "I like the second one. Can you write a slogan for it?",
     "\"Pâtisserie Lumière - a little light in every bite.\""),
    ("Explain what a black hole is in simple terms.",
     "A black hole is a region of space where gravity is so strong that nothing, not even light, can escape. It forms "
     "when a very massive star collapses in on itself.",
     "Could the Sun become one?",
     "No. The Sun isn't massive enough. It will eventually become a red giant and then a white dwarf."),
    ("What's 15% of 240?",
     "15% of 240 is 36.",
     "And 15% of 360?",
     "15% of 360 is 54."),
    ("Write a haiku about autumn.",
     "Crisp leaves drift and fall\nGolden light on quiet paths\nThe year exhales slow",
     "Now one about winter.",
     "Snow hushes the street\nBreath becomes a passing cloud\nNight arrives by four"),
    ("Who painted the Mona Lisa?",
     "Leonardo da Vinci painted the Mona Lisa, in the early 1500s. It hangs in the Louvre in Paris.",
     "Why is it so famous?",
     "Its mysterious smile, Leonardo's sfumato technique, its theft in 1911 and centuries of reproductions all made it "
     "the world's best-known painting."),
    ("How many continents are there?",
     "By the most common convention there are seven: Africa, Antarctica, Asia, Australia (Oceania), Europe, North "
     "America and South America.",
     "Which is the largest?",
     "Asia is the largest, both by area and by population."),
    ("Can you recommend a good book for learning Mandarin?",
     "\"Integrated Chinese\" is a popular textbook series. Pair it with daily practice of characters like 你好 (nǐ hǎo, "
     "hello) and 谢谢 (xièxie, thank you).",
     "How long does it take to become fluent?",
     "It varies, but many learners need 2,000+ hours of study to reach professional fluency in Mandarin."),
)
# A user turn can hold line breaks, as task-style prompts do.
TASK_PROMPTS: tuple[tuple[str, str], ...] = (
    ("Assign each word to its part of speech:\nquickly\nhouse\nrun", "quickly: adverb\nhouse: noun\nrun: verb"),
    ("Sort these numbers in ascending order:\n42, 7, 19, 3, 88", "3, 7, 19, 42, 88"),
    ("Identify the odd one out:\napple\nbanana\ncarrot\ncherry", "carrot - it's a vegetable; the others are fruits."),
    ("Correct the grammar:\nShe don't like going their.", "She doesn't like going there."),
    ("Convert to title case:\nthe quick brown fox", "The Quick Brown Fox"),
)


# --- question families computed from random numbers (variety for rows without calls) ------------------
CAPITALS = (("France", "Paris"), ("Japan", "Tokyo"), ("Canada", "Ottawa"), ("Australia", "Canberra"),
            ("Brazil", "Brasília"), ("Kenya", "Nairobi"), ("Norway", "Oslo"), ("Peru", "Lima"),
            ("Egypt", "Cairo"), ("Vietnam", "Hanoi"), ("Colombia", "Bogotá"), ("Poland", "Warsaw"),
            ("Turkey", "Ankara"), ("Argentina", "Buenos Aires"), ("New Zealand", "Wellington"),
            ("Morocco", "Rabat"), ("Portugal", "Lisbon"), ("Thailand", "Bangkok"), ("Chile", "Santiago"),
            ("Ireland", "Dublin"), ("Switzerland", "Bern"), ("South Korea", "Seoul"), ("Ghana", "Accra"))  # fmt: skip
ACRONYMS = (("NASA", "National Aeronautics and Space Administration"), ("HTML", "HyperText Markup Language"),
            ("GDP", "Gross Domestic Product"), ("DNA", "Deoxyribonucleic Acid"), ("CPU", "Central Processing Unit"),
            ("UNESCO", "United Nations Educational, Scientific and Cultural Organization"),
            ("HTTP", "Hypertext Transfer Protocol"), ("ATM", "Automated Teller Machine"),
            ("LED", "Light-Emitting Diode"), ("FAQ", "Frequently Asked Questions"),
            ("RSVP", "Répondez s'il vous plaît (please reply)"), ("SQL", "Structured Query Language"))  # fmt: skip
SYNONYMS = (("happy", "joyful, cheerful, content"), ("fast", "quick, rapid, swift"), ("big", "large, huge, vast"),
            ("smart", "clever, bright, intelligent"), ("tired", "exhausted, weary, drained"),
            ("angry", "furious, irritated, cross"), ("begin", "start, commence, launch"),
            ("important", "significant, crucial, essential"), ("difficult", "hard, challenging, tough"))  # fmt: skip
WORDS = ("elephant", "keyboard", "sunflower", "mountain", "library", "butterfly", "adventure", "chocolate",
         "umbrella", "galaxy", "harmony", "lighthouse", "notebook", "volcano", "whisper")  # fmt: skip
CONVERSIONS = (("kilometers", "miles", 0.621371), ("kilograms", "pounds", 2.20462), ("liters", "gallons", 0.264172),
               ("meters", "feet", 3.28084), ("inches", "centimeters", 2.54),
               ("cups", "milliliters", 236.588))  # fmt: skip
ADJECTIVES = ("Golden", "Quiet", "Bright", "Wild", "Urban", "Little", "Silver", "Happy", "Cosmic", "Rustic")
NOUNS = ("Fox", "Harbor", "Garden", "Lantern", "Maple", "Pixel", "Summit", "Willow", "Compass", "Ember")
BUSINESSES = ("coffee shop", "bookstore", "bakery", "yoga studio", "podcast", "startup", "food truck", "band")


def _n(rng: random.Random, low: int, high: int) -> int:
    return low + int(rng.random() * (high - low + 1))


def _q_arithmetic(rng: random.Random) -> tuple[str, str]:
    a, b = _n(rng, 2, 999), _n(rng, 2, 99)
    kind = _n(rng, 0, 3)
    if kind == 0:
        return f"What is {a} plus {b}?", f"{a} plus {b} equals {a + b}."
    if kind == 1:
        return f"Calculate {a} minus {b}.", f"{a} - {b} = {a - b}."
    if kind == 2:
        return f"What is {a} multiplied by {b}?", f"{a} multiplied by {b} is {a * b}."
    return f"What is {a} divided by {b}?", f"{a} divided by {b} is approximately {a / b:.3f}."


def _q_percent(rng: random.Random) -> tuple[str, str]:
    p, n = _n(rng, 1, 95), _n(rng, 10, 5000)
    return f"What's {p}% of {n}?", f"{p}% of {n} is {p * n / 100:g}."


def _q_convert(rng: random.Random) -> tuple[str, str]:
    source, target, factor = _pick(rng, CONVERSIONS)
    n = _n(rng, 1, 500)
    return f"How many {target} are in {n} {source}?", f"{n} {source} is about {n * factor:,.2f} {target}."


def _q_capital(rng: random.Random) -> tuple[str, str]:
    country, capital = _pick(rng, CAPITALS)
    return f"What is the capital of {country}?", f"The capital of {country} is {capital}."


def _q_binary(rng: random.Random) -> tuple[str, str]:
    n = _n(rng, 2, 4096)
    return f"Convert {n} to binary.", f"{n} in binary is {n:b}."


def _q_sort(rng: random.Random) -> tuple[str, str]:
    numbers = [_n(rng, 1, 300) for _ in range(_n(rng, 4, 8))]
    listed = "\n".join(str(x) for x in numbers) if rng.random() < 0.4 else ", ".join(str(x) for x in numbers)
    joiner = "\n" if "\n" in listed else " "
    return f"Sort these numbers from smallest to largest:{joiner}{listed}", ", ".join(str(x) for x in sorted(numbers))


def _q_acronym(rng: random.Random) -> tuple[str, str]:
    short, long = _pick(rng, ACRONYMS)
    return f"What does {short} stand for?", f"{short} stands for {long}."


def _q_synonyms(rng: random.Random) -> tuple[str, str]:
    word, synonyms = _pick(rng, SYNONYMS)
    return f"Give me three synonyms for \"{word}\".", f"Here are three synonyms for \"{word}\": {synonyms}."


def _q_letters(rng: random.Random) -> tuple[str, str]:
    word = _pick(rng, WORDS)
    vowels = sum(ch in "aeiou" for ch in word)
    return f"How many letters and vowels are in the word \"{word}\"?", (
        f"\"{word}\" has {len(word)} letters, {vowels} of which are vowels."
    )


def _q_leap(rng: random.Random) -> tuple[str, str]:
    year = _n(rng, 1600, 2400)
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    why = ("it is divisible by 4" + (" and by 400" if year % 100 == 0 else " but not by 100")) if leap else (
        "it is divisible by 100 but not by 400" if year % 4 == 0 else "it is not divisible by 4")
    return f"Is {year} a leap year?", f"{year} {'is' if leap else 'is not'} a leap year, because {why}."


def _q_name(rng: random.Random) -> tuple[str, str]:
    business = _pick(rng, BUSINESSES)
    names = [f"{_pick(rng, ADJECTIVES)} {_pick(rng, NOUNS)}" for _ in range(3)]
    return f"Suggest some names for a new {business}.", (
        f"Here are a few ideas for your {business}:\n1. {names[0]}\n2. {names[1]}\n3. {names[2]}"
    )


QUESTION_FAMILIES: tuple[Callable[[random.Random], tuple[str, str]], ...] = (
    _q_arithmetic, _q_percent, _q_convert, _q_capital, _q_binary, _q_sort, _q_acronym, _q_synonyms, _q_letters,
    _q_leap, _q_name,
)  # fmt: skip
FAMILY_FOLLOW_UPS = ("", "", "Thanks! ", "Great. ", "Okay, and another one: ", "One more: ")
