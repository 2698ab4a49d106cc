"""Topics for the sample's long general conversations (rows without functions), all written for this project.

Real Glaive rows without functions are long: a detailed request, answers of several paragraphs, often
with code, then follow-up questions. Each `Topic` gives the pieces `sample_prose.py` assembles:
- openings: a first request (some hold code or data over several lines);
- follow_ups: later questions on the same topic;
- points: sentences that each stand alone, so any run of them reads as an explanation;
- example: a code block or worked example for the first answer ("" when the topic has none).

Text never holds "\\n\\n\\n", a line starting with a role marker, `<|endoftext|>` or a backslash before an
apostrophe: those would change how a chat splits into turns or mimic a quirk.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    subject: str
    openings: tuple[str, ...]
    follow_ups: tuple[str, ...]
    points: tuple[str, ...]
    example: str = ""


TOPICS: tuple[Topic, ...] = (
    Topic(
        "supervised and unsupervised learning",
        ("Can you explain the difference between supervised and unsupervised learning in machine learning?",
         "I'm building a model to group our customers by purchasing behaviour, but we have no labels. Which kind of "
         "machine learning fits this problem, and how would you approach it step by step?"),
        ("How do I know how many clusters to choose?", "What is semi-supervised learning, then?",
         "Which one needs more data in practice?", "Can you give a real-world example of each?"),
        ("Supervised learning trains a model on examples that already carry the right answer, so the model learns a "
         "mapping from inputs to known outputs such as prices or categories.",
         "Unsupervised learning works on data without labels and looks for structure on its own, for example groups "
         "of similar items or directions along which the data varies the most.",
         "Classification and regression are the two classic supervised tasks: the first predicts a category, the "
         "second predicts a number.",
         "Clustering, dimensionality reduction and anomaly detection are the most common unsupervised tasks.",
         "Because supervised models can be scored against held-out labels, their quality is easy to measure; "
         "unsupervised results usually need domain knowledge to judge.",
         "A practical rule is to start with the question you need answered: if you can name the output you want to "
         "predict and you have examples of it, the problem is supervised.",
         "Labelling data is often the most expensive part of a supervised project, which is why teams sometimes "
         "begin with clustering to explore the data first.",
         "The elbow method and the silhouette score are two simple ways to compare clusterings with different "
         "numbers of groups.",
         "Semi-supervised learning sits in between: a small labelled set guides a model that also learns from a much "
         "larger pool of unlabelled examples."),
        "```python\nfrom sklearn.cluster import KMeans\nfrom sklearn.preprocessing import StandardScaler\n\n"
        "features = StandardScaler().fit_transform(customer_table)\nmodel = KMeans(n_clusters=4, n_init=10, "
        "random_state=0)\nsegments = model.fit_predict(features)\n```",
    ),
    Topic(
        "recursion",
        ("What is recursion in programming? Please explain it with an example in Python.",
         "Write a recursive Python function that computes the factorial of a number, and explain how the calls "
         "unwind."),
        ("What happens if the base case is missing?", "Is recursion slower than a loop?",
         "What is tail recursion?", "When should I avoid recursion?"),
        ("Recursion is a technique where a function solves a problem by calling itself on a smaller version of the "
         "same problem.",
         "Every recursive function needs a base case, a condition under which it returns an answer directly "
         "without calling itself again.",
         "Each call waits on the call stack until the smaller call returns, and then the results are combined on "
         "the way back up.",
         "Without a reachable base case the calls never stop, and Python eventually raises a RecursionError once "
         "the stack limit of about a thousand frames is hit.",
         "Problems that are naturally nested, such as walking a directory tree or parsing an expression, are often "
         "clearest when written recursively.",
         "Recursion is usually a little slower than an equivalent loop in Python because every call creates a new "
         "stack frame.",
         "Memoization, for example with functools.lru_cache, can turn an exponential recursive solution into a "
         "linear one by remembering results that were already computed.",
         "Tail recursion means the recursive call is the very last thing a function does; some languages reuse "
         "the stack frame in that case, but Python does not."),
        "```python\ndef factorial(n: int) -> int:\n    if n <= 1:\n        return 1  # base case\n"
        "    return n * factorial(n - 1)\n\nprint(factorial(5))  # 120\n```",
    ),
    Topic(
        "database indexes",
        ("Our orders table has grown to 20 million rows and this query takes several seconds:\n"
         "SELECT * FROM orders WHERE customer_id = 4821 ORDER BY created_at DESC LIMIT 20;\n"
         "How can I make it faster?",
         "How do database indexes work, and why do they speed up queries?"),
        ("Do indexes slow down inserts?", "What is a composite index?", "How can I see whether a query uses an index?",
         "Should I index every column then?"),
        ("An index is a separate data structure, usually a B-tree, that keeps the values of one or more columns in "
         "sorted order together with pointers to the matching rows.",
         "Without an index the database has to scan every row of the table; with one it can jump straight to the "
         "matching range, which turns a full scan into a handful of page reads.",
         "A composite index on (customer_id, created_at) serves both the filter and the sort of a query like yours, "
         "so the database can read the newest twenty rows and stop.",
         "The order of the columns in a composite index matters: it helps queries that filter on a leading column, "
         "but not queries that only use the later ones.",
         "Indexes are not free, because every insert, update and delete must also update each index on the table.",
         "Running EXPLAIN or EXPLAIN ANALYZE before the query shows the plan the database chose and whether it used "
         "an index scan or a sequential scan.",
         "Selecting only the columns you need, instead of SELECT *, can let the database answer from the index "
         "alone without touching the table.",
         "Columns with very few distinct values, such as a boolean flag, rarely benefit from an ordinary index on "
         "their own."),
        "```sql\nCREATE INDEX idx_orders_customer_created\n    ON orders (customer_id, created_at DESC);\n\n"
        "EXPLAIN ANALYZE\nSELECT id, total, created_at\nFROM orders\nWHERE customer_id = 4821\n"
        "ORDER BY created_at DESC\nLIMIT 20;\n```",
    ),
    Topic(
        "HTTP and HTTPS",
        ("What is the difference between HTTP and HTTPS?",
         "Explain what happens, step by step, when I type a web address into my browser and press Enter."),
        ("What is a TLS certificate?", "Why do some sites still use plain HTTP?", "What does the padlock icon mean?",
         "Is HTTPS slower than HTTP?"),
        ("HTTP is the protocol browsers and servers use to exchange web pages, and by itself it sends everything as "
         "plain text that anyone on the network path could read.",
         "HTTPS is HTTP carried inside an encrypted TLS connection, so the content, cookies and form data are "
         "protected from eavesdropping and tampering.",
         "Before any page is requested, the browser resolves the domain name to an IP address through DNS.",
         "During the TLS handshake the server presents a certificate signed by a trusted authority, which proves "
         "that the browser is talking to the real owner of the domain.",
         "Once the keys are agreed, the browser sends its request, the server replies with a status code and the "
         "HTML, and the browser then fetches the images, styles and scripts the page refers to.",
         "Modern TLS adds very little delay, and features such as session resumption and HTTP/2 often make HTTPS "
         "sites faster than old HTTP ones.",
         "The padlock only means the connection is encrypted and the certificate is valid; it says nothing about "
         "whether the site itself is trustworthy.",
         "Free certificate authorities have made HTTPS the default, and browsers now warn users when a page that "
         "asks for a password is served over plain HTTP."),
    ),
    Topic(
        "photosynthesis and cellular respiration",
        ("Compare photosynthesis and cellular respiration. How are the two processes connected?",
         "Explain the role of chlorophyll in photosynthesis for a high school biology class."),
        ("Where in the cell does each process happen?", "Why are leaves green?", "Do plants also respire?",
         "What limits the rate of photosynthesis?"),
        ("Photosynthesis captures light energy and stores it in glucose, using carbon dioxide and water and "
         "releasing oxygen as a by-product.",
         "Cellular respiration runs almost the other way: it breaks glucose down with oxygen to release usable "
         "energy in the form of ATP, giving off carbon dioxide and water.",
         "In plant cells photosynthesis takes place in the chloroplasts, while respiration happens mostly in the "
         "mitochondria of plant and animal cells alike.",
         "Chlorophyll absorbs red and blue light strongly and reflects green light, which is why most leaves look "
         "green to us.",
         "The light-dependent reactions split water and make ATP and NADPH, and the Calvin cycle then uses them to "
         "fix carbon dioxide into sugar.",
         "Plants respire all the time, day and night; during the day photosynthesis simply produces more oxygen "
         "than respiration uses.",
         "Light intensity, carbon dioxide concentration and temperature are the main factors that limit how fast "
         "photosynthesis can run.",
         "Together the two processes form a cycle in which the products of one are the raw materials of the other, "
         "linking plants and animals through the air they share."),
        "Photosynthesis: 6CO2 + 6H2O + light energy -> C6H12O6 + 6O2\n"
        "Respiration: C6H12O6 + 6O2 -> 6CO2 + 6H2O + energy (ATP)",
    ),
    Topic(
        "the greenhouse effect",
        ("How does the greenhouse effect work, and why is it causing the planet to warm?",
         "Write a short explanation of the greenhouse effect that a ten-year-old could understand."),
        ("Which gases matter the most?", "Is the greenhouse effect bad in itself?",
         "How do we know humans are responsible?", "What can individuals do about it?"),
        ("Sunlight passes through the atmosphere and warms the ground, which then gives off heat as infrared "
         "radiation.",
         "Greenhouse gases such as carbon dioxide, methane and water vapour absorb part of that infrared radiation "
         "and send some of it back down, keeping the surface warmer than it would otherwise be.",
         "The natural greenhouse effect is essential: without it the average surface temperature of the Earth "
         "would be around minus 18 degrees Celsius.",
         "Burning coal, oil and gas has raised the concentration of carbon dioxide by about half since before the "
         "industrial era, which strengthens the effect.",
         "Scientists can tell the extra carbon comes from fossil fuels because its isotope mix matches ancient plant "
         "material rather than volcanoes or the oceans.",
         "Methane traps far more heat per molecule than carbon dioxide but stays in the air for a shorter time, "
         "about a decade.",
         "A warmer atmosphere holds more water vapour, which adds further warming; this kind of feedback amplifies "
         "the initial change.",
         "Individuals can help by using less energy at home, choosing low-carbon transport, wasting less food and "
         "supporting policies that cut emissions at scale."),
    ),
    Topic(
        "compound interest",
        ("Explain compound interest. If I invest $5,000 at 6% a year, how much will I have after 10 years?",
         "What is the difference between simple and compound interest, and why does it matter for savings?"),
        ("What happens if interest is compounded monthly?", "What is the rule of 72?",
         "How does inflation affect this?", "Does compound interest also work against me with debt?"),
        ("Simple interest is paid only on the original amount, while compound interest is also paid on the interest "
         "that has already been added.",
         "Because each period's interest earns interest in the following periods, the balance grows faster and "
         "faster over time.",
         "The general formula is A = P(1 + r/n)^(nt), where P is the principal, r the yearly rate, n the number of "
         "compounding periods per year and t the number of years.",
         "More frequent compounding gives a slightly higher result, but the difference between monthly and daily "
         "compounding is small.",
         "The rule of 72 is a quick estimate: divide 72 by the yearly rate in percent to get roughly how many years "
         "it takes for money to double.",
         "Inflation reduces what the final amount can buy, so the real return is roughly the nominal rate minus the "
         "inflation rate.",
         "Credit card balances compound too, which is why unpaid debt at high rates can grow surprisingly quickly.",
         "Starting early matters more than almost anything else, because the last years of compounding add the "
         "largest amounts."),
        "A = 5000 * (1 + 0.06)^10 = 5000 * 1.7908 = 8,954.24\n"
        "With simple interest you would have 5000 + 5000 * 0.06 * 10 = 8,000.00, so compounding adds 954.24.",
    ),
    Topic(
        "how vaccines work",
        ("How do vaccines train the immune system?",
         "Can you explain how mRNA vaccines differ from traditional vaccines?"),
        ("What is herd immunity?", "Why do some vaccines need boosters?", "What are common side effects and why do "
         "they happen?", "How are vaccines tested for safety?"),
        ("A vaccine shows the immune system a harmless piece or version of a pathogen so that it can learn to "
         "recognise the real thing later.",
         "After vaccination, B cells produce antibodies against the target and memory cells remain in the body, "
         "ready to respond quickly to a future infection.",
         "Traditional vaccines use inactivated or weakened viruses, or purified proteins, while mRNA vaccines give "
         "cells instructions to make one viral protein themselves.",
         "The mRNA is broken down within days and never enters the cell nucleus, so it cannot change a person's DNA.",
         "Mild fever, tiredness or a sore arm are signs that the immune system is responding, and they usually "
         "pass within a day or two.",
         "Protection from some vaccines fades over time or the pathogen changes, which is why booster doses are "
         "recommended.",
         "Herd immunity arises when enough people are immune that a disease cannot spread easily, which also "
         "protects those who cannot be vaccinated.",
         "New vaccines go through laboratory studies and three phases of clinical trials with thousands of "
         "volunteers before regulators approve them, and monitoring continues afterwards."),
    ),
    Topic(
        "plate tectonics",
        ("What causes earthquakes and volcanoes? Please explain plate tectonics.",
         "Describe the three types of plate boundaries and give an example of each."),
        ("Why is Iceland so volcanic?", "Can earthquakes be predicted?", "How fast do the plates move?",
         "How were the continents arranged in the past?"),
        ("The outer shell of the Earth is broken into large rigid plates that float on the hotter, slowly flowing "
         "mantle beneath them.",
         "Heat from the interior drives convection in the mantle, and together with the pull of sinking plates this "
         "moves the plates a few centimetres each year, about as fast as fingernails grow.",
         "At divergent boundaries plates move apart and new crust forms, as along the Mid-Atlantic Ridge.",
         "At convergent boundaries one plate often sinks beneath another, building mountain ranges and chains of "
         "volcanoes such as the Andes.",
         "At transform boundaries plates slide past each other, and the stress released in sudden jumps causes "
         "earthquakes, as on the San Andreas Fault.",
         "Iceland sits on the Mid-Atlantic Ridge and above a hotspot, so it has far more volcanic activity than most "
         "places.",
         "Scientists can estimate where large earthquakes are likely over decades, but no method can yet predict "
         "the day or hour of a specific quake.",
         "About 300 million years ago the continents were joined in a single supercontinent called Pangaea, which "
         "later broke apart."),
    ),
    Topic(
        "the causes of the French Revolution",
        ("What were the main causes of the French Revolution?",
         "Write an essay introduction about why the French Revolution began in 1789."),
        ("What role did the Enlightenment play?", "Why was the storming of the Bastille important?",
         "How did the revolution end?", "What were its lasting effects?"),
        ("France in the 1780s was deeply in debt, partly because of the cost of wars including its support for the "
         "American Revolution.",
         "The tax burden fell mostly on the Third Estate, the commoners, while the clergy and nobility enjoyed "
         "extensive privileges.",
         "Poor harvests in 1788 drove up the price of bread, so hunger and anger spread in Paris and the countryside.",
         "Enlightenment writers had questioned absolute monarchy and argued for rights, reason and popular "
         "sovereignty, giving critics a language for change.",
         "When the Estates-General met in 1789, the Third Estate declared itself the National Assembly and vowed "
         "to write a constitution.",
         "The storming of the Bastille on 14 July 1789 became a symbol of popular resistance to royal authority.",
         "The revolution passed through a constitutional monarchy, a republic and the Terror before Napoleon took "
         "power in 1799.",
         "Its ideas of citizenship, legal equality and the rights of man influenced political movements across "
         "Europe and beyond."),
    ),
    Topic(
        "blockchain",
        ("Explain how a blockchain works and why it is hard to tamper with.",
         "Is blockchain useful outside of cryptocurrency? Give some examples and their limitations."),
        ("What is proof of work?", "What is a smart contract?", "Why are some blockchains slow?",
         "What is the difference between a public and a private blockchain?"),
        ("A blockchain is a shared ledger made of blocks, each holding a batch of transactions and the hash of the "
         "block before it.",
         "Because every block includes the previous hash, changing an old record would change every hash after it, "
         "which the other participants would immediately notice.",
         "Proof of work makes adding a block expensive by requiring miners to find a number that gives the block a "
         "hash below a target value.",
         "Proof of stake replaces that computation with validators who lock up coins as collateral and lose them "
         "if they cheat.",
         "A smart contract is a program stored on the chain that runs automatically when its conditions are met.",
         "Public blockchains are slow compared with ordinary databases because many independent nodes must agree on "
         "every block.",
         "Supply chain tracking and digital certificates are common non-financial uses, although many of them work "
         "just as well with a conventional shared database.",
         "Private blockchains restrict who can join and validate, which makes them faster but gives up much of the "
         "decentralisation."),
    ),
    Topic(
        "Python decorators",
        ("I don't understand decorators in Python. What does the @ syntax actually do?",
         "Write a Python decorator that measures how long a function takes to run and prints the result."),
        ("Why do I need functools.wraps?", "Can a decorator take arguments?", "Can I stack several decorators?",
         "Where are decorators used in real projects?"),
        ("A decorator is a function that takes another function and returns a new function, usually one that adds "
         "behaviour before or after the original call.",
         "Writing @timer above a definition is shorthand for defining the function and then rebinding its name: "
         "func = timer(func).",
         "The inner wrapper usually accepts *args and **kwargs so that it works with functions of any signature.",
         "functools.wraps copies the name, docstring and other metadata of the original function onto the wrapper, "
         "which keeps debugging and documentation tools accurate.",
         "A decorator that takes its own arguments is a function that returns a decorator, so it has one more level "
         "of nesting.",
         "When several decorators are stacked, the one closest to the function is applied first.",
         "Frameworks use decorators widely, for example to register web routes, to cache results or to check "
         "permissions before a function runs."),
        "```python\nimport functools\nimport time\n\ndef timer(func):\n    @functools.wraps(func)\n"
        "    def wrapper(*args, **kwargs):\n        start = time.perf_counter()\n        result = func(*args, **kwargs)\n"
        "        elapsed = time.perf_counter() - start\n        print(f\"{func.__name__} took {elapsed:.4f} s\")\n"
        "        return result\n    return wrapper\n\n@timer\ndef slow_sum(n):\n    return sum(range(n))\n```",
    ),
    Topic(
        "Git branching",
        ("What is the difference between git merge and git rebase? When should I use each?",
         "Our team keeps getting merge conflicts. Can you suggest a Git branching workflow for five developers?"),
        ("How do I undo a rebase?", "What is a fast-forward merge?", "How should we name branches?",
         "What is a pull request for?"),
        ("A branch in Git is just a movable pointer to a commit, so creating one is instant and cheap.",
         "git merge joins two histories with a merge commit and keeps the record of when the branches diverged.",
         "git rebase replays your commits on top of another branch, producing a straight history as if the work had "
         "started from the latest commit.",
         "Rebasing rewrites commit hashes, so it is safest on branches that nobody else has pulled yet.",
         "A fast-forward merge happens when the target branch has no new commits; Git simply moves its pointer "
         "forward.",
         "Short-lived feature branches that are merged within a day or two lead to far fewer conflicts than "
         "long-running ones.",
         "If a rebase goes wrong, git reflog lists where the branch pointed before, and git reset can move it back.",
         "Pull requests give the team a place to review changes and run automated tests before anything reaches "
         "the main branch."),
        "```bash\ngit switch -c feature/login-form\n# ...commit your work...\ngit fetch origin\n"
        "git rebase origin/main\ngit push --force-with-lease origin feature/login-form\n```",
    ),
    Topic(
        "sorting algorithms",
        ("Compare bubble sort, merge sort and quicksort in terms of time complexity.",
         "Implement merge sort in Python and explain why it runs in O(n log n) time."),
        ("What does it mean for a sort to be stable?", "Which algorithm does Python use?",
         "Why is quicksort fast in practice despite its worst case?", "When is insertion sort a good choice?"),
        ("Bubble sort repeatedly swaps adjacent elements that are out of order and needs O(n^2) comparisons, so it "
         "is only practical for tiny inputs.",
         "Merge sort splits the list in half, sorts each half recursively and merges the two sorted halves in linear "
         "time.",
         "Since the list can be halved about log n times and each level costs O(n) work, merge sort runs in "
         "O(n log n) in every case.",
         "Quicksort picks a pivot and partitions the list around it; it averages O(n log n) but degrades to O(n^2) "
         "when the pivots are consistently poor.",
         "A stable sort keeps equal elements in their original order, which matters when sorting records by one "
         "field after another.",
         "Python's built-in sort uses Timsort, a stable hybrid of merge sort and insertion sort that is very fast on "
         "partially ordered data.",
         "Insertion sort is a good choice for small or nearly sorted lists, which is why hybrid algorithms switch "
         "to it for short runs."),
        "```python\ndef merge_sort(items):\n    if len(items) <= 1:\n        return items\n    middle = len(items) // 2\n"
        "    left, right = merge_sort(items[:middle]), merge_sort(items[middle:])\n    merged, i, j = [], 0, 0\n"
        "    while i < len(left) and j < len(right):\n        if left[i] <= right[j]:\n"
        "            merged.append(left[i])\n            i += 1\n        else:\n            merged.append(right[j])\n"
        "            j += 1\n    return merged + left[i:] + right[j:]\n```",
    ),
    Topic(
        "protein in the diet",
        ("How much protein do I need each day if I exercise four times a week?",
         "What are good sources of protein for someone following a vegetarian diet?"),
        ("Is too much protein harmful?", "When should I eat protein after a workout?",
         "Are plant proteins complete?", "Do protein supplements work?"),
        ("A common guideline for adults is about 0.8 grams of protein per kilogram of body weight per day, and "
         "people who train regularly often benefit from 1.2 to 2.0 grams.",
         "Spreading protein across meals, with roughly 20 to 40 grams at each, appears to support muscle repair "
         "better than eating most of it at once.",
         "Eggs, dairy, lentils, chickpeas, tofu, tempeh, quinoa and nuts are all useful sources for vegetarians.",
         "Most plant proteins are low in one or more essential amino acids, but eating a variety of them over the "
         "day covers the gaps.",
         "For healthy people, higher protein intakes appear safe, although those with kidney disease should follow "
         "their doctor's advice.",
         "Eating some protein within a few hours after training helps recovery, but total daily intake matters more "
         "than exact timing.",
         "Protein powders are convenient rather than necessary; they help mainly when it is hard to reach your "
         "target with ordinary food."),
    ),
    Topic(
        "sleep and memory",
        ("Why is sleep important for memory and learning?",
         "I'm studying for exams and only sleep five hours a night. Is that hurting my results?"),
        ("What happens in REM sleep?", "Can I catch up on lost sleep at the weekend?", "Do naps help?",
         "How can I fall asleep faster?"),
        ("During sleep the brain replays and strengthens the connections formed during the day, a process called "
         "memory consolidation.",
         "Deep slow-wave sleep seems especially important for facts and events, while REM sleep supports skills, "
         "emotional memories and creative links between ideas.",
         "Studies of students show that cutting sleep before an exam lowers recall and concentration, even when the "
         "extra hours are spent studying.",
         "Short naps of 20 to 30 minutes can improve alertness and learning without leaving you groggy.",
         "Sleeping in at the weekend repays part of the debt, but it does not fully reverse the effects of a week "
         "of short nights.",
         "A regular schedule, a cool dark room and avoiding caffeine late in the day all make it easier to fall "
         "asleep.",
         "Most adults need seven to nine hours, and teenagers often need a little more."),
    ),
    Topic(
        "renewable energy",
        ("What are the advantages and disadvantages of solar and wind power?",
         "Write a persuasive paragraph arguing that my town should invest in renewable energy."),
        ("How is energy stored when the wind stops?", "Is nuclear power renewable?",
         "Why has solar become so cheap?", "Can a country run entirely on renewables?"),
        ("Solar and wind produce electricity without burning fuel, so their running costs and emissions are very "
         "low once they are built.",
         "Their output varies with the weather and the time of day, so grids need storage, flexible backup or wide "
         "interconnection to keep supply steady.",
         "The price of solar panels has fallen by around ninety percent in a little over a decade, thanks to mass "
         "production and better technology.",
         "Batteries handle hours of storage well, while pumped hydro and other methods can store energy for longer "
         "periods.",
         "Nuclear power is low-carbon but not renewable in the strict sense, because it depends on mined uranium.",
         "Some countries already generate most of their electricity from hydro, wind and solar, though heating and "
         "transport are harder to switch.",
         "Local projects can keep energy spending in the community, create jobs and protect residents from swings "
         "in fuel prices."),
    ),
    Topic(
        "supply and demand",
        ("Explain the law of supply and demand with an example.",
         "Why did the price of eggs rise so much last year? Explain it using supply and demand."),
        ("What is price elasticity?", "What happens when the government sets a price ceiling?",
         "How do expectations affect prices?", "What is an equilibrium price?"),
        ("Demand describes how much buyers want at each price: as the price falls, people usually buy more.",
         "Supply describes how much sellers offer at each price: as the price rises, producers are willing to make "
         "more.",
         "The equilibrium price is where the two curves meet, so the quantity people want equals the quantity on "
         "offer.",
         "If a disease outbreak reduces the number of laying hens, the supply curve shifts left and the price rises "
         "until demand falls back to match the smaller supply.",
         "Price elasticity measures how strongly demand responds to price; staples like eggs are inelastic, so "
         "prices can jump sharply when supply drops.",
         "A price ceiling set below equilibrium creates a shortage, because buyers want more than sellers are "
         "willing to provide at that price.",
         "When people expect prices to rise, they often buy earlier, which increases demand and can push prices up "
         "sooner."),
    ),
    Topic(
        "writing a cover letter",
        ("Can you help me write a cover letter for a junior data analyst position? I have a degree in economics and "
         "one internship where I built dashboards in Excel and Tableau.",
         "What should a good cover letter include, and how long should it be?"),
        ("How do I explain a gap in my CV?", "Should I mention salary expectations?", "How formal should the tone be?",
         "Can you make the opening more engaging?"),
        ("A strong cover letter is usually less than one page: an opening, two short body paragraphs and a "
         "closing.",
         "Open with the role you are applying for and one sentence that shows genuine interest in the company.",
         "Use the body to connect two or three concrete achievements to the requirements listed in the job "
         "advert.",
         "Numbers make achievements believable, for example how many users relied on a dashboard or how much time "
         "a report saved.",
         "A brief, honest line is enough for a gap in your CV, especially if you can mention something you learned "
         "during that time.",
         "Unless the advert asks for it, leave salary expectations for a later conversation.",
         "Close by thanking the reader and saying that you would welcome the chance to discuss the role."),
        "Dear Hiring Manager,\n\nI am excited to apply for the Junior Data Analyst position at your company. During my "
        "internship I built Tableau dashboards that the sales team used every week to track regional targets, and I "
        "automated a monthly Excel report that previously took two days to prepare.\n\nMy degree in economics gave me "
        "a solid grounding in statistics and a habit of asking what the numbers really mean. I would welcome the "
        "opportunity to bring that curiosity to your analytics team.\n\nThank you for your time and consideration.\n"
        "\nSincerely,\n[Your Name]",
    ),
    Topic(
        "time management",
        ("I always feel behind at work. What are some effective time management techniques?",
         "Explain the Pomodoro technique and the Eisenhower matrix, and when each is useful."),
        ("How do I stop procrastinating?", "How should I handle constant interruptions?",
         "Is multitasking really that bad?", "How do I plan a week?"),
        ("Start by writing down everything you need to do, because tasks kept only in your head feel larger and "
         "more urgent than they are.",
         "The Eisenhower matrix sorts tasks by urgency and importance, so you can focus on what is important before "
         "it becomes urgent.",
         "The Pomodoro technique splits work into 25-minute blocks of focus followed by short breaks, which makes "
         "it easier to start difficult tasks.",
         "Procrastination often comes from a task feeling vague; breaking it into a first step that takes five "
         "minutes reduces the resistance.",
         "Blocking time in your calendar for focused work and batching email into a few fixed slots reduces "
         "interruptions.",
         "Switching between tasks has a cost, because it takes time to regain focus each time you return to "
         "something.",
         "A short weekly review on Friday, listing priorities for the next week, keeps long-term goals from being "
         "crowded out."),
    ),
    Topic(
        "neural networks",
        ("How does a neural network learn? Explain backpropagation without too much math.",
         "What is the difference between a convolutional neural network and a recurrent neural network?"),
        ("What is an activation function?", "What is overfitting and how do I prevent it?",
         "What is a learning rate?", "Why do neural networks need so much data?"),
        ("A neural network is made of layers of simple units, each computing a weighted sum of its inputs and "
         "passing it through a non-linear activation function.",
         "Training starts with random weights; the network makes predictions, a loss function measures how wrong "
         "they are, and the weights are adjusted to reduce that loss.",
         "Backpropagation uses the chain rule to work out how much each weight contributed to the error, layer by "
         "layer from the output back to the input.",
         "The learning rate controls the size of each update: too large and training becomes unstable, too small "
         "and it takes forever.",
         "Convolutional networks share small filters across an image, which makes them good at spotting local "
         "patterns such as edges and textures.",
         "Recurrent networks process sequences one step at a time and carry a hidden state forward, although "
         "transformers have replaced them for most language tasks.",
         "Overfitting happens when a model memorises the training data; more data, dropout, weight decay and early "
         "stopping all help.",
         "Activation functions such as ReLU let the network represent non-linear relationships that a stack of "
         "plain weighted sums could not."),
        "```python\nimport numpy as np\n\nweights = np.random.randn(3)\nfor step in range(1000):\n"
        "    predictions = inputs @ weights\n    error = predictions - targets\n"
        "    gradient = inputs.T @ error / len(targets)\n    weights -= 0.01 * gradient\n```",
    ),
    Topic(
        "REST APIs",
        ("What makes an API RESTful? Can you give an example of good endpoint design for a library system?",
         "Design a REST API for a to-do list application. Include the endpoints, methods and example responses."),
        ("What status code should I return when a resource is not found?", "What is the difference between PUT and "
         "PATCH?", "How should I version an API?", "How do I handle pagination?"),
        ("REST treats everything as a resource identified by a URL, and uses the standard HTTP methods to act on "
         "it.",
         "GET reads a resource, POST creates one, PUT replaces it, PATCH changes part of it and DELETE removes it.",
         "Good endpoints use plural nouns rather than verbs, for example /books and /books/42 instead of "
         "/getBook?id=42.",
         "Status codes tell the client what happened: 200 for success, 201 for a created resource, 404 when it does "
         "not exist and 400 for invalid input.",
         "REST APIs are stateless, so each request carries everything the server needs, including authentication.",
         "For long collections, return pages with a limit and a cursor or offset, and include a link to the next "
         "page.",
         "Putting a version in the path, such as /v1/, makes it possible to change the API without breaking "
         "existing clients."),
        "GET    /v1/tasks            -> 200 [{\"id\": 1, \"title\": \"Buy milk\", \"done\": false}]\n"
        "POST   /v1/tasks            -> 201 {\"id\": 2, \"title\": \"Call the bank\", \"done\": false}\n"
        "PATCH  /v1/tasks/2          -> 200 {\"id\": 2, \"title\": \"Call the bank\", \"done\": true}\n"
        "DELETE /v1/tasks/2          -> 204",
    ),
    Topic(
        "the fall of the Western Roman Empire",
        ("Why did the Western Roman Empire fall?",
         "Summarize the main theories historians give for the decline of Rome."),
        ("When exactly did it fall?", "Why did the Eastern Empire survive?", "What role did the economy play?",
         "Who was Odoacer?"),
        ("Historians see the fall as a long process rather than a single event, with political, economic and "
         "military causes reinforcing one another.",
         "Frequent civil wars and rapid turnover of emperors in the third century weakened central authority.",
         "Heavy taxation, debased coinage and disrupted trade strained the economy and the finances of the army.",
         "Pressure from migrating peoples such as the Goths and Vandals grew as the Huns pushed westward from the "
         "steppes.",
         "In 476 the Germanic general Odoacer deposed the last western emperor, Romulus Augustulus, a date often "
         "used as the end.",
         "The Eastern Empire, governed from Constantinople, was wealthier and easier to defend, and it lasted until "
         "1453.",
         "Many Roman institutions, laws and the Latin language lived on in the kingdoms that followed."),
    ),
    Topic(
        "quantum computing",
        ("Explain quantum computing in simple terms. What can it do that normal computers cannot?",
         "What is a qubit and how is it different from a bit?"),
        ("What is entanglement?", "Will quantum computers break encryption?", "Why are they so hard to build?",
         "When will quantum computers be useful?"),
        ("A classical bit is either 0 or 1, while a qubit can be in a superposition that combines both until it is "
         "measured.",
         "Quantum algorithms use interference to make wrong answers cancel out and right answers more likely, which "
         "is where their speed-up comes from.",
         "Entanglement links qubits so that their measurement results are correlated, no matter how far apart they "
         "are.",
         "Qubits are fragile: heat, vibration and stray signals cause errors, so many machines run near absolute "
         "zero.",
         "A large error-corrected quantum computer could run Shor's algorithm and break RSA, which is why new "
         "post-quantum encryption standards are being adopted.",
         "Promising early uses include simulating molecules for chemistry and materials science.",
         "Quantum computers are not faster at everything; for most everyday tasks a classical computer remains the "
         "better tool."),
    ),
    Topic(
        "marketing a small business",
        ("I just opened a small coffee shop. What are some low-cost marketing ideas to attract customers?",
         "Create a simple social media plan for a local bakery for one month."),
        ("How often should I post?", "Are loyalty cards still worth it?", "How do I measure what works?",
         "Should I pay for ads?"),
        ("Start with the basics: a complete, up-to-date listing on online maps with photos, opening hours and "
         "reviews brings in nearby customers for free.",
         "Posting three or four times a week with behind-the-scenes photos, new products and customer stories "
         "keeps a local audience engaged.",
         "A simple loyalty card or app reward, such as the tenth coffee free, encourages repeat visits and is cheap "
         "to run.",
         "Partnering with neighbouring businesses for joint events or cross-promotions reaches new customers at "
         "little cost.",
         "Asking happy customers to leave a review is one of the most effective things a small shop can do.",
         "Track a few numbers each week, such as daily sales, new followers and redeemed offers, to see which ideas "
         "actually work.",
         "Small paid ads targeted to a few kilometres around the shop can work well once you know which posts "
         "people respond to."),
    ),
    Topic(
        "the water cycle",
        ("Describe the stages of the water cycle.",
         "Explain how the water cycle affects weather and climate."),
        ("What is transpiration?", "Where is most of the Earth's fresh water?", "How does climate change affect the "
         "water cycle?", "What is groundwater?"),
        ("The sun heats water in oceans, lakes and rivers, and some of it evaporates into water vapour.",
         "Plants release water vapour through tiny pores in their leaves, a process called transpiration.",
         "As the moist air rises it cools, and the vapour condenses around dust particles to form clouds.",
         "When the droplets grow heavy enough they fall as precipitation: rain, snow, sleet or hail.",
         "Some water runs off into rivers and back to the sea, while some soaks into the ground and becomes "
         "groundwater.",
         "Most of the Earth's fresh water is locked in ice caps and glaciers, and most of the rest is underground.",
         "A warmer climate speeds up evaporation, which tends to make heavy rainfall more intense and droughts more "
         "severe."),
    ),
    Topic(
        "DNA replication",
        ("How does DNA replicate itself before a cell divides?",
         "What is the structure of DNA, and how does it store genetic information?"),
        ("What happens when replication makes a mistake?", "What is the difference between DNA and RNA?",
         "Why is replication called semi-conservative?", "How fast is replication?"),
        ("DNA is a double helix of two strands, each made of nucleotides containing one of four bases: adenine, "
         "thymine, guanine and cytosine.",
         "The bases pair in a fixed way, A with T and G with C, so each strand carries the information needed to "
         "rebuild the other.",
         "During replication the enzyme helicase unwinds the helix and DNA polymerase adds matching nucleotides to "
         "each exposed strand.",
         "Each new molecule keeps one original strand and one new strand, which is why replication is called "
         "semi-conservative.",
         "Polymerases proofread as they go, and repair systems fix most remaining errors, leaving roughly one "
         "mistake per billion bases.",
         "RNA is usually single-stranded, uses the sugar ribose and the base uracil instead of thymine, and carries "
         "instructions from DNA to make proteins.",
         "Human cells copy their DNA at many starting points at once, so the whole genome can be replicated in a "
         "few hours."),
    ),
    Topic(
        "learning a new language",
        ("What is the most effective way to learn a new language as an adult?",
         "I want to reach conversational Spanish in six months while working full time. Can you make a study plan?"),
        ("How many words do I need to know?", "Are language apps enough?", "How do I practise speaking without a "
         "partner?", "Should I learn grammar first?"),
        ("Consistency beats intensity: thirty minutes every day is more effective than a long session once a week.",
         "The most frequent two thousand words cover most of everyday conversation, so learn those first.",
         "Spaced repetition flashcards help you review words just before you would forget them.",
         "Listening to podcasts or series with subtitles in the target language builds comprehension and a feel "
         "for natural phrasing.",
         "Apps are a good start for vocabulary, but you also need real conversation to become fluent.",
         "Talking to yourself, shadowing audio or recording short voice notes are ways to practise speaking alone.",
         "Learn grammar alongside vocabulary, focusing on the patterns you meet most often rather than memorising "
         "every rule."),
    ),
    Topic(
        "poetry and meter",
        ("What is iambic pentameter? Please explain with an example from Shakespeare.",
         "Analyze the use of imagery and rhythm in a sonnet about the sea."),
        ("What is a volta?", "How is a haiku structured?", "What is free verse?",
         "How do I scan a line of poetry?"),
        ("Iambic pentameter is a line of ten syllables arranged as five iambs, each an unstressed syllable "
         "followed by a stressed one.",
         "Shakespeare often varies the pattern, for example by starting a line with a stressed syllable, to stress "
         "an important word.",
         "A sonnet has fourteen lines; the Shakespearean form ends with a rhyming couplet that often sums up or "
         "twists the argument.",
         "The volta is the turn in a sonnet, the point where the poem shifts its argument or mood.",
         "Imagery appeals to the senses, and a sea poem might use sound and motion words to echo the waves.",
         "To scan a line, read it aloud, mark the stressed syllables, and then look for the repeating unit.",
         "Free verse has no fixed meter or rhyme scheme, relying on natural speech rhythms and line breaks "
         "instead."),
    ),
)

# Replies that open an answer and ones that close it; "{subject}" is the topic's subject.
LEADS = ("", "", "Sure! ", "Certainly. ", "Great question. ", "Of course. ", "Absolutely. ",
         "Sure, here is an overview of {subject}. ", "Let me explain {subject} step by step.\n\n")  # fmt: skip
CLOSINGS = ("I hope this helps!", "Let me know if you would like more detail on any of these points.",
            "In short, it is worth understanding the basics before going into the details.",
            "Overall, these points should give you a solid starting picture of {subject}.", "", "")  # fmt: skip
# How a long answer goes on to a related topic once it has used its own.
BRIDGES = ("A closely related idea is {subject}.", "It also helps to understand {subject}.",
           "This connects to {subject} as well.", "Here is how {subject} fits in.")  # fmt: skip
# How the user moves on to another topic: "{question}" is one of that topic's openings.
TOPIC_SWITCHES = ("{question}", "{question}", "Thanks, that's very clear. {question}", "Interesting. {question}",
                  "On a different note, {question_lower}", "I have another question. {question}")  # fmt: skip
# Requests that hand the assistant a text to work on; the answer is a shorter rewrite of that text.
TEXT_TASKS = ("Summarize the following paragraph in two sentences:\n", "Proofread this paragraph and improve its "
              "flow:\n", "Rewrite the following text in a more formal tone:\n", "Make this explanation shorter "
              "and clearer:\n")  # fmt: skip
TEXT_TASK_LEADS = ("Here is a revised version:\n\n", "Here's a shorter version:\n\n", "Sure, here it is:\n\n",
                   "")  # fmt: skip
