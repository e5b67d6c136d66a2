"""The word lists the drafting rules read: speaking verbs, job titles, organisations, states, news agencies.

Kept apart from the rules so that a list can grow without touching them. Every
list is lower-case unless it says otherwise; the rules compare lower-cased words.
"""

from __future__ import annotations


def _forms(stems: str) -> frozenset[str]:
    """Each reporting verb's forms: `stress` -> stresses, stressed, stressing (regular verbs only).

    The bare stem is left out: "report", "comment", "post", "point" are nouns as often as verbs.
    """
    out: set[str] = set()
    for stem in stems.split():
        base = stem[:-1] if stem.endswith("e") else stem
        third = (
            stem + "es"
            if stem.endswith(("s", "sh", "ch", "x"))
            else stem[:-1] + "ies"
            if stem.endswith("y")
            else stem + "s"
        )
        past = stem + "d" if stem.endswith("e") else stem[:-1] + "ied" if stem.endswith("y") else stem + "ed"
        out.update((third, past, base + "ing"))
    return frozenset(out)


REPORTING_VERBS = _forms(
    """
    add state note stress emphasise emphasize underline point insist claim argue warn explain announce confirm
    deny admit acknowledge reveal suggest ask reply respond comment remark observe declare assert maintain
    recall reiterate tweet post urge report highlight affirm complain allege caution contend concede
    specify clarify mention indicate proclaim
    """
)
"""Common reporting verbs of news English in all their regular forms (`said`, `told`, `wrote` are below)."""

SPEECH_VERBS = REPORTING_VERBS - {"declare", "declares", "declared", "declaring"} | frozenset(
    """
    said says say saying told tells tell added adds stated states noted notes wrote writes
    asked asks warned warns insisted insists explained explains continued argued argues claimed claims
    remarked responded replied announced announces commented stressed stresses emphasized emphasised
    underlined tweeted posted urged urges vowed vows pledged promised complained accused acknowledged
    admitted concluded confirmed confirms denied suggested observed recalled reiterated lamented condemned
    called calls described describes branded denounced dubbed criticised criticized demanded demands
    threatened predicted agreed disagreed retorted countered quipped cautioned charged alleged maintained
    protested stating adding insisting noting warning writing arguing read reads
    """.split()
)
"""Verbs that tie a quote to the one who speaks ("declared them “…”" is not speech, so not `declared`)."""

PARAPHRASE_VERBS = REPORTING_VERBS | frozenset(
    """
    said says stated states told tells announced announces claimed claims claiming argued argues insisted
    insists warned warns noted notes added adds demanded demands explained explains suggested suggests
    confirmed confirms stressed stresses emphasised emphasized acknowledged acknowledges admitted admits
    denied denies alleged alleges maintained maintains believes believed reported reports wrote writes
    argued insisting warning noting adding saying stating arguing suggesting declared declares
    accused accuses reiterated reiterates
    """.split()
)
"""Verbs whose "that" clause is a paraphrase of what was said ("X said that ...")."""

FRAGMENT_VERBS = frozenset(
    """
    condemned called described branded denounced dubbed criticised criticized termed labelled labeled defined deemed
    slammed decried characterised characterized likened blasted hailed praised rejected dismissed
    accused demanded urged warned vowed pledged promised said says added noted insisted wrote accusing
    describing expressed voiced referred calling branding terming dubbing labelling labeling conveyed conveying
    attributed attributing
    """.split()
)
"""Verbs that make their subject the speaker of a quoted fragment in the same clause."""

PRONOUNS = {"he": "person", "she": "person", "it": "organization", "they": "group"}
"""Pronoun speakers and the kind of actor each one stands for."""

ROLE_NOUNS = frozenset(
    """
    spokesperson spokesman spokeswoman spokespeople minister ministers secretary president vice-president
    ambassador ambassadors envoy envoys chief head director official officials adviser advisor deputy
    chancellor premier leader commissioner representative senator governor mayor chairman chairwoman
    chair general admiral prime diplomat diplomats consul counsellor counselor attaché attache
    undersecretary under-secretary lawmaker lawmakers congressman congresswoman mp spokespersons king
    queen emir sheikh foreign-minister press-secretary correspondent analyst negotiator aide aides pm treasurer
    """.split()
)
"""Nouns that name a job: a word phrase that holds one is a role, never a name."""

DOMAIN_WORDS = frozenset(
    """
    state defense defence foreign affairs commerce treasury justice interior homeland security energy health
    education labor labour agriculture transportation veterans europe asia africa trade finance economy
    culture information war navy army air staff cabinet republic federation kingdom union
    """.split()
)
"""Words of a ministry's field after "of"/"for" in a title ("Secretary of State", "Minister for Foreign Affairs")."""

TITLE_WORDS = frozenset("mr mr. mrs mrs. ms ms. dr dr. sir dame lord lady".split())
"""Courtesy titles before a name: dropped from the name, a hint that a person follows."""

ORG_HEADS = frozenset(
    """
    ministry department embassy embassies office council agency committee kremlin government parliament
    commission union organization organisation organisation party service services bank court army navy
    police mission consulate cabinet duma senate congress assembly bureau administration house
    presidency secretariat directorate forces command alliance nato un eu osce asean iaea fsb cia fbi
    svr gru mi6 interpol who unesco opec g7 g20 coalition
    """.split()
)
"""Words that make a capitalised phrase an organisation ("Foreign Ministry", "State Department")."""

ORG_ACRONYMS = {
    "NATO": "NATO",
    "EU": "European Union",
    "UN": "United Nations",
    "U.N.": "United Nations",
    "OSCE": "OSCE",
    "ASEAN": "ASEAN",
    "IAEA": "IAEA",
    "FSB": "FSB",
    "CIA": "CIA",
    "FBI": "FBI",
    "SVR": "SVR",
    "GRU": "GRU",
    "MI6": "MI6",
    "G7": "G7",
    "G20": "G20",
    "OPEC": "OPEC",
    "WHO": "WHO",
    "Kremlin": "Kremlin",
    "Pentagon": "Pentagon",
}
"""Organisations named by one word (case as written)."""

GROUP_NOUNS = frozenset(
    "officials sources diplomats authorities lawmakers ministers leaders prosecutors government".split()
)
"""Plural nouns that, after a nationality, make a group speaker ("Russian officials")."""

MEDIA = {
    "ria": "RIA",
    "ria novosti": "RIA Novosti",
    "tass": "TASS",
    "itar-tass": "TASS",
    "interfax": "Interfax",
    "reuters": "Reuters",
    "ap": "AP",
    "associated press": "Associated Press",
    "the associated press": "Associated Press",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "xinhua": "Xinhua",
    "al jazeera": "Al Jazeera",
    "bbc": "BBC",
    "cnn": "CNN",
    "bloomberg": "Bloomberg",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "anadolu": "Anadolu",
    "anadolu agency": "Anadolu Agency",
    "irna": "IRNA",
    "fars": "Fars",
    "tasnim": "Tasnim",
    "kcna": "KCNA",
    "cctv": "CCTV",
    "global times": "Global Times",
    "sputnik": "Sputnik",
    "rt": "RT",
    "ukrinform": "Ukrinform",
    "pap": "PAP",
    "dpa": "dpa",
    "ansa": "ANSA",
    "efe": "EFE",
    "kommersant": "Kommersant",
    "izvestia": "Izvestia",
    "politico": "Politico",
    "axios": "Axios",
    "the new york times": "The New York Times",
    "the washington post": "The Washington Post",
    "the guardian": "The Guardian",
    "the wall street journal": "The Wall Street Journal",
    "euronews": "Euronews",
    "deutsche welle": "Deutsche Welle",
    "dw": "DW",
    "voa": "VOA",
    "npr": "NPR",
    "rfe/rl": "RFE/RL",
    "radio free europe": "Radio Free Europe",
    "the hindu": "The Hindu",
    "nhk": "NHK",
}
"""News agencies and outlets (lower-case key, name as written): relayed speech goes *via* them."""

NEWS_AGENCIES = frozenset(
    """
    ria tass interfax reuters ap afp xinhua kyodo yonhap anadolu irna fars tasnim kcna ukrinform pap dpa ansa efe
    """.split()
) | {"ria novosti", "associated press", "anadolu agency"}
"""The outlets among `MEDIA` that are news agencies (lower-cased names): "the agency" may stand for them, not for
a newspaper or a broadcaster."""

# Country: (ISO alpha-2, name, other names (capitals, short forms) as written, demonyms).
STATES: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("RU", "Russia", ("Moscow", "Russian Federation"), ("Russian",)),
    (
        "US",
        "United States",
        ("US", "U.S.", "USA", "U.S.A.", "America", "Washington", "United States of America"),
        ("American", "US", "U.S."),
    ),
    ("GB", "United Kingdom", ("UK", "U.K.", "Britain", "Great Britain", "London"), ("British",)),
    ("UA", "Ukraine", ("Kyiv", "Kiev"), ("Ukrainian",)),
    ("CN", "China", ("Beijing", "People's Republic of China"), ("Chinese",)),
    ("FR", "France", ("Paris",), ("French",)),
    ("DE", "Germany", ("Berlin",), ("German",)),
    ("PL", "Poland", ("Warsaw",), ("Polish",)),
    ("CZ", "Czech Republic", ("Czechia", "Prague"), ("Czech",)),
    ("SK", "Slovakia", ("Bratislava",), ("Slovak",)),
    ("LT", "Lithuania", ("Vilnius",), ("Lithuanian",)),
    ("LV", "Latvia", ("Riga",), ("Latvian",)),
    ("EE", "Estonia", ("Tallinn",), ("Estonian",)),
    ("BG", "Bulgaria", ("Sofia",), ("Bulgarian",)),
    ("RO", "Romania", ("Bucharest",), ("Romanian",)),
    ("MD", "Moldova", ("Chisinau",), ("Moldovan",)),
    ("BY", "Belarus", ("Minsk",), ("Belarusian",)),
    ("IT", "Italy", ("Rome",), ("Italian",)),
    ("ES", "Spain", ("Madrid",), ("Spanish",)),
    ("NL", "Netherlands", ("The Hague", "Amsterdam", "Holland"), ("Dutch",)),
    ("BE", "Belgium", ("Brussels",), ("Belgian",)),
    ("AT", "Austria", ("Vienna",), ("Austrian",)),
    ("CH", "Switzerland", ("Bern", "Geneva"), ("Swiss",)),
    ("SE", "Sweden", ("Stockholm",), ("Swedish",)),
    ("NO", "Norway", ("Oslo",), ("Norwegian",)),
    ("FI", "Finland", ("Helsinki",), ("Finnish",)),
    ("DK", "Denmark", ("Copenhagen",), ("Danish",)),
    ("IE", "Ireland", ("Dublin",), ("Irish",)),
    ("GR", "Greece", ("Athens",), ("Greek",)),
    ("TR", "Turkey", ("Ankara", "Türkiye"), ("Turkish",)),
    ("HU", "Hungary", ("Budapest",), ("Hungarian",)),
    ("RS", "Serbia", ("Belgrade",), ("Serbian",)),
    ("GE", "Georgia", ("Tbilisi",), ("Georgian",)),
    ("AM", "Armenia", ("Yerevan",), ("Armenian",)),
    ("AZ", "Azerbaijan", ("Baku",), ("Azerbaijani",)),
    ("KZ", "Kazakhstan", ("Astana",), ("Kazakh",)),
    ("IR", "Iran", ("Tehran",), ("Iranian",)),
    ("IQ", "Iraq", ("Baghdad",), ("Iraqi",)),
    ("IL", "Israel", ("Jerusalem", "Tel Aviv"), ("Israeli",)),
    ("SA", "Saudi Arabia", ("Riyadh",), ("Saudi",)),
    ("AE", "United Arab Emirates", ("UAE", "Abu Dhabi"), ("Emirati",)),
    ("QA", "Qatar", ("Doha",), ("Qatari",)),
    ("EG", "Egypt", ("Cairo",), ("Egyptian",)),
    ("SY", "Syria", ("Damascus",), ("Syrian",)),
    ("LB", "Lebanon", ("Beirut",), ("Lebanese",)),
    ("JO", "Jordan", ("Amman",), ("Jordanian",)),
    ("DZ", "Algeria", ("Algiers",), ("Algerian",)),
    ("MA", "Morocco", ("Rabat",), ("Moroccan",)),
    ("ML", "Mali", ("Bamako",), ("Malian",)),
    ("NE", "Niger", ("Niamey",), ("Nigerien",)),
    ("NG", "Nigeria", ("Abuja",), ("Nigerian",)),
    ("ZA", "South Africa", ("Pretoria",), ("South African",)),
    ("ET", "Ethiopia", ("Addis Ababa",), ("Ethiopian",)),
    ("KE", "Kenya", ("Nairobi",), ("Kenyan",)),
    ("RW", "Rwanda", ("Kigali",), ("Rwandan",)),
    ("IN", "India", ("New Delhi", "Delhi"), ("Indian",)),
    ("PK", "Pakistan", ("Islamabad",), ("Pakistani",)),
    ("AF", "Afghanistan", ("Kabul",), ("Afghan",)),
    ("BD", "Bangladesh", ("Dhaka",), ("Bangladeshi",)),
    ("JP", "Japan", ("Tokyo",), ("Japanese",)),
    ("KR", "South Korea", ("Seoul", "Republic of Korea"), ("South Korean",)),
    ("KP", "North Korea", ("Pyongyang",), ("North Korean",)),
    ("TW", "Taiwan", ("Taipei",), ("Taiwanese",)),
    ("VN", "Vietnam", ("Hanoi",), ("Vietnamese",)),
    ("TH", "Thailand", ("Bangkok",), ("Thai",)),
    ("MM", "Myanmar", ("Naypyidaw", "Burma"), ("Burmese",)),
    ("PH", "Philippines", ("Manila",), ("Filipino", "Philippine")),
    ("ID", "Indonesia", ("Jakarta",), ("Indonesian",)),
    ("MY", "Malaysia", ("Kuala Lumpur",), ("Malaysian",)),
    ("AU", "Australia", ("Canberra",), ("Australian",)),
    ("NZ", "New Zealand", ("Wellington",), ("New Zealander",)),
    ("CA", "Canada", ("Ottawa",), ("Canadian",)),
    ("MX", "Mexico", ("Mexico City",), ("Mexican",)),
    ("BR", "Brazil", ("Brasilia", "Brasília"), ("Brazilian",)),
    ("AR", "Argentina", ("Buenos Aires",), ("Argentine", "Argentinian")),
    ("VE", "Venezuela", ("Caracas",), ("Venezuelan",)),
    ("CO", "Colombia", ("Bogota", "Bogotá"), ("Colombian",)),
    ("CU", "Cuba", ("Havana",), ("Cuban",)),
    ("NI", "Nicaragua", ("Managua",), ("Nicaraguan",)),
    ("PE", "Peru", ("Lima",), ("Peruvian",)),
    ("CL", "Chile", ("Santiago",), ("Chilean",)),
    ("EC", "Ecuador", ("Quito",), ("Ecuadorian",)),
    ("PA", "Panama", (), ("Panamanian",)),
    ("UY", "Uruguay", ("Montevideo",), ("Uruguayan",)),
    ("CR", "Costa Rica", (), ("Costa Rican",)),
    ("DO", "Dominican Republic", ("Santo Domingo",), ("Dominican",)),
    ("PY", "Paraguay", ("Asunción",), ("Paraguayan",)),
    ("MK", "North Macedonia", ("Skopje",), ("North Macedonian", "Macedonian")),
    ("ME", "Montenegro", ("Podgorica",), ("Montenegrin",)),
    ("HR", "Croatia", ("Zagreb",), ("Croatian",)),
    ("SI", "Slovenia", ("Ljubljana",), ("Slovenian",)),
    ("AL", "Albania", ("Tirana",), ("Albanian",)),
    ("XK", "Kosovo", ("Pristina",), ("Kosovar",)),
    ("BA", "Bosnia and Herzegovina", ("Bosnia", "Sarajevo"), ("Bosnian",)),
    ("PT", "Portugal", ("Lisbon",), ("Portuguese",)),
    ("IS", "Iceland", ("Reykjavik",), ("Icelandic",)),
    ("NP", "Nepal", ("Kathmandu",), ("Nepalese",)),
    ("LK", "Sri Lanka", ("Colombo",), ("Sri Lankan",)),
    ("LY", "Libya", ("Tripoli",), ("Libyan",)),
    ("TN", "Tunisia", ("Tunis",), ("Tunisian",)),
    ("SD", "Sudan", ("Khartoum",), ("Sudanese",)),
    ("KW", "Kuwait", ("Kuwait City",), ("Kuwaiti",)),
    ("BH", "Bahrain", ("Manama",), ("Bahraini",)),
    ("OM", "Oman", ("Muscat",), ("Omani",)),
    ("YE", "Yemen", ("Sanaa",), ("Yemeni",)),
    ("VA", "Holy See", ("Vatican",), ("Vatican",)),
    ("PS", "Palestine", ("Ramallah",), ("Palestinian",)),
    ("LU", "Luxembourg", (), ("Luxembourg", "Luxembourgish")),
    ("CY", "Cyprus", ("Nicosia",), ("Cypriot",)),
    ("MT", "Malta", ("Valletta",), ("Maltese",)),
    ("SG", "Singapore", (), ("Singaporean",)),
    ("UZ", "Uzbekistan", ("Tashkent",), ("Uzbek",)),
    ("KG", "Kyrgyzstan", ("Bishkek",), ("Kyrgyz",)),
    ("TJ", "Tajikistan", ("Dushanbe",), ("Tajik",)),
    ("MN", "Mongolia", ("Ulaanbaatar",), ("Mongolian",)),
    ("GH", "Ghana", ("Accra",), ("Ghanaian",)),
    ("SN", "Senegal", ("Dakar",), ("Senegalese",)),
    ("BF", "Burkina Faso", ("Ouagadougou",), ("Burkinabe",)),
    ("TD", "Chad", ("N'Djamena",), ("Chadian",)),
    ("BO", "Bolivia", ("La Paz",), ("Bolivian",)),
    # The rest of the United Nations' member states, so that no state is unknown to the rules (a capital that is
    # also a common word or a first name is left out: Malé's "Male", Moroni, Victoria, Kingston).
    ("SO", "Somalia", ("Mogadishu",), ("Somali",)),
    ("ER", "Eritrea", ("Asmara",), ("Eritrean",)),
    ("DJ", "Djibouti", (), ("Djiboutian",)),
    ("SS", "South Sudan", ("Juba",), ("South Sudanese",)),
    ("UG", "Uganda", ("Kampala",), ("Ugandan",)),
    ("TZ", "Tanzania", ("Dodoma",), ("Tanzanian",)),
    ("BI", "Burundi", ("Gitega", "Bujumbura"), ("Burundian",)),
    ("CD", "Democratic Republic of the Congo", ("DR Congo", "DRC", "Kinshasa"), ("Congolese",)),
    ("CG", "Republic of the Congo", ("Congo-Brazzaville", "Brazzaville"), ()),
    ("CF", "Central African Republic", ("Bangui",), ()),
    ("CM", "Cameroon", ("Yaounde", "Yaoundé"), ("Cameroonian",)),
    ("GA", "Gabon", ("Libreville",), ("Gabonese",)),
    ("GQ", "Equatorial Guinea", ("Malabo",), ("Equatoguinean",)),
    ("AO", "Angola", ("Luanda",), ("Angolan",)),
    ("ZM", "Zambia", ("Lusaka",), ("Zambian",)),
    ("ZW", "Zimbabwe", ("Harare",), ("Zimbabwean",)),
    ("MW", "Malawi", ("Lilongwe",), ("Malawian",)),
    ("MZ", "Mozambique", ("Maputo",), ("Mozambican",)),
    ("NA", "Namibia", ("Windhoek",), ("Namibian",)),
    ("BW", "Botswana", ("Gaborone",), ("Botswanan",)),
    ("LS", "Lesotho", ("Maseru",), ("Basotho",)),
    ("SZ", "Eswatini", ("Mbabane", "Swaziland"), ("Swazi",)),
    ("MG", "Madagascar", ("Antananarivo",), ("Malagasy",)),
    ("MU", "Mauritius", ("Port Louis",), ("Mauritian",)),
    ("SC", "Seychelles", (), ("Seychellois",)),
    ("KM", "Comoros", (), ("Comorian",)),
    ("CV", "Cape Verde", ("Cabo Verde", "Praia"), ("Cape Verdean",)),
    ("ST", "Sao Tome and Principe", ("São Tomé and Príncipe",), ()),
    ("GN", "Guinea", ("Conakry",), ("Guinean",)),
    ("GW", "Guinea-Bissau", ("Bissau",), ()),
    ("SL", "Sierra Leone", ("Freetown",), ("Sierra Leonean",)),
    ("LR", "Liberia", ("Monrovia",), ("Liberian",)),
    ("CI", "Ivory Coast", ("Cote d'Ivoire", "Côte d'Ivoire", "Abidjan", "Yamoussoukro"), ("Ivorian",)),
    ("TG", "Togo", ("Lome", "Lomé"), ("Togolese",)),
    ("BJ", "Benin", ("Porto-Novo", "Cotonou"), ("Beninese",)),
    ("GM", "Gambia", ("Banjul",), ("Gambian",)),
    ("MR", "Mauritania", ("Nouakchott",), ("Mauritanian",)),
    ("HT", "Haiti", ("Port-au-Prince",), ("Haitian",)),
    ("JM", "Jamaica", (), ("Jamaican",)),
    ("TT", "Trinidad and Tobago", ("Port of Spain",), ("Trinidadian",)),
    ("BS", "Bahamas", ("Nassau",), ("Bahamian",)),
    ("BB", "Barbados", ("Bridgetown",), ("Barbadian",)),
    ("GD", "Grenada", (), ("Grenadian",)),
    ("DM", "Dominica", ("Roseau",), ()),
    ("LC", "Saint Lucia", ("Castries",), ()),
    ("VC", "Saint Vincent and the Grenadines", ("Kingstown",), ()),
    ("KN", "Saint Kitts and Nevis", ("Basseterre",), ()),
    ("AG", "Antigua and Barbuda", (), ()),
    ("GT", "Guatemala", ("Guatemala City",), ("Guatemalan",)),
    ("HN", "Honduras", ("Tegucigalpa",), ("Honduran",)),
    ("SV", "El Salvador", ("San Salvador",), ("Salvadoran",)),
    ("BZ", "Belize", ("Belmopan",), ("Belizean",)),
    ("GY", "Guyana", ("Georgetown",), ("Guyanese",)),
    ("SR", "Suriname", ("Paramaribo",), ("Surinamese",)),
    ("KH", "Cambodia", ("Phnom Penh",), ("Cambodian",)),
    ("LA", "Laos", ("Vientiane",), ("Lao", "Laotian")),
    ("BT", "Bhutan", ("Thimphu",), ("Bhutanese",)),
    ("BN", "Brunei", ("Bandar Seri Begawan",), ("Bruneian",)),
    ("TL", "Timor-Leste", ("East Timor", "Dili"), ("Timorese",)),
    ("MV", "Maldives", ("Malé",), ("Maldivian",)),
    ("TM", "Turkmenistan", ("Ashgabat",), ("Turkmen",)),
    ("PG", "Papua New Guinea", ("Port Moresby",), ()),
    ("SB", "Solomon Islands", ("Honiara",), ()),
    ("VU", "Vanuatu", ("Port Vila",), ()),
    ("FJ", "Fiji", ("Suva",), ("Fijian",)),
    ("WS", "Samoa", ("Apia",), ("Samoan",)),
    ("TO", "Tonga", (), ("Tongan",)),
    ("KI", "Kiribati", (), ()),
    ("TV", "Tuvalu", (), ()),
    ("NR", "Nauru", (), ()),
    ("FM", "Micronesia", (), ()),
    ("MH", "Marshall Islands", (), ()),
    ("PW", "Palau", (), ()),
    ("AD", "Andorra", (), ("Andorran",)),
    ("LI", "Liechtenstein", ("Vaduz",), ()),
    ("MC", "Monaco", (), ("Monegasque",)),
    ("SM", "San Marino", (), ()),
)
"""States the rules know by name, other name or demonym (an ISO 3166 alpha-2 code each)."""

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
"""Month names and abbreviations to their number."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

COMMON_CAPITALISED = frozenset(
    """
    a an the this that these those it its he she they we i you his her their our my your there here
    in on at of for to from by with without into onto over under after before during since until while
    when where why how what which who whom whose if as but and or nor so yet also still however meanwhile
    although though because unless whether whereas once
    moreover furthermore nevertheless instead earlier later last next then now today yesterday tomorrow
    according asked speaking separately elsewhere despite following amid among between against about
    both each every either neither some many most more several other another such all any no not
    mr mrs ms dr sir statement statements photo image file reporting editing writing source sources
    relations affairs
    updated published read see watch related share follow subscribe advertisement
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    one two three four five six seven eight nine ten first second third
    western eastern northern southern west east north south european soviet cold war
    """.split()
)
"""Words capitalised only because a sentence or a heading starts with them: never a name."""

PLACE_WORDS = frozenset(
    """
    peninsula island islands sea strait ocean river mountains region province oblast street square avenue bay
    gulf valley basin republic city kingdom coast desert forest lake canal airport station palace hall hotel
    strip heights corridor
    conference summit treaty act accord agreement convention war crisis day university institute center centre
    new san st los las saint santa fort port mount
    """.split()
)
"""Words that make a capitalised phrase a place, an event or a thing, never a person."""

ENGLISH_WORDS = frozenset(
    "the of and to in a is that for on was with as by at from his her it be are have has said were will not".split()
)
"""Common English words: a text with too few of them is not English (drafting reads English only)."""
