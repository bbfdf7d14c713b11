"""Fact table for incorrect_qna: (subject, value) pairs per relation, all true.

Rows are "subject|value" (capitals add "|continent", with "*" marking transcontinental
countries that are left out of the continent relation). Kept as text so the table stays
compact and easy to review.
"""

from __future__ import annotations

__all__ = ["CAPITALS", "FACTS"]

_CAPITALS = """France|Paris|Europe
Germany|Berlin|Europe
Italy|Rome|Europe
Spain|Madrid|Europe
Portugal|Lisbon|Europe
the United Kingdom|London|Europe
Ireland|Dublin|Europe
Belgium|Brussels|Europe
Austria|Vienna|Europe
Switzerland|Bern|Europe
Poland|Warsaw|Europe
the Czech Republic|Prague|Europe
Hungary|Budapest|Europe
Greece|Athens|Europe
Sweden|Stockholm|Europe
Norway|Oslo|Europe
Denmark|Copenhagen|Europe
Finland|Helsinki|Europe
Iceland|Reykjavík|Europe
Romania|Bucharest|Europe
Bulgaria|Sofia|Europe
Croatia|Zagreb|Europe
Serbia|Belgrade|Europe
Ukraine|Kyiv|Europe
Estonia|Tallinn|Europe
Latvia|Riga|Europe
Lithuania|Vilnius|Europe
Slovakia|Bratislava|Europe
Slovenia|Ljubljana|Europe
Russia|Moscow|Europe*
Japan|Tokyo|Asia
China|Beijing|Asia
India|New Delhi|Asia
South Korea|Seoul|Asia
Thailand|Bangkok|Asia
Vietnam|Hanoi|Asia
the Philippines|Manila|Asia
Malaysia|Kuala Lumpur|Asia
Pakistan|Islamabad|Asia
Bangladesh|Dhaka|Asia
Nepal|Kathmandu|Asia
Mongolia|Ulaanbaatar|Asia
Saudi Arabia|Riyadh|Asia
Iran|Tehran|Asia
Iraq|Baghdad|Asia
Turkey|Ankara|Asia*
Kazakhstan|Astana|Asia*
Afghanistan|Kabul|Asia
Qatar|Doha|Asia
Jordan|Amman|Asia
Lebanon|Beirut|Asia
Myanmar|Naypyidaw|Asia
Uzbekistan|Tashkent|Asia
Egypt|Cairo|Africa*
Kenya|Nairobi|Africa
Nigeria|Abuja|Africa
Ghana|Accra|Africa
Ethiopia|Addis Ababa|Africa
Morocco|Rabat|Africa
Algeria|Algiers|Africa
Tunisia|Tunis|Africa
Senegal|Dakar|Africa
Uganda|Kampala|Africa
Tanzania|Dodoma|Africa
Zimbabwe|Harare|Africa
Zambia|Lusaka|Africa
Angola|Luanda|Africa
Mali|Bamako|Africa
Rwanda|Kigali|Africa
the United States|Washington, D.C.|North America
Canada|Ottawa|North America
Mexico|Mexico City|North America
Cuba|Havana|North America
Jamaica|Kingston|North America
Costa Rica|San José|North America
Panama|Panama City|North America
Guatemala|Guatemala City|North America
Brazil|Brasília|South America
Argentina|Buenos Aires|South America
Chile|Santiago|South America
Peru|Lima|South America
Colombia|Bogotá|South America
Venezuela|Caracas|South America
Ecuador|Quito|South America
Uruguay|Montevideo|South America
Paraguay|Asunción|South America
Australia|Canberra|Oceania
New Zealand|Wellington|Oceania
Fiji|Suva|Oceania
Papua New Guinea|Port Moresby|Oceania"""

_SYMBOL = """hydrogen|H
helium|He
lithium|Li
beryllium|Be
boron|B
carbon|C
nitrogen|N
oxygen|O
fluorine|F
neon|Ne
sodium|Na
magnesium|Mg
aluminium|Al
silicon|Si
phosphorus|P
sulfur|S
chlorine|Cl
argon|Ar
potassium|K
calcium|Ca
titanium|Ti
chromium|Cr
manganese|Mn
iron|Fe
cobalt|Co
nickel|Ni
copper|Cu
zinc|Zn
bromine|Br
krypton|Kr
silver|Ag
tin|Sn
antimony|Sb
iodine|I
xenon|Xe
tungsten|W
platinum|Pt
gold|Au
mercury|Hg
lead|Pb
radon|Rn
uranium|U
plutonium|Pu"""

_ATOMIC = """hydrogen|1
helium|2
lithium|3
beryllium|4
boron|5
carbon|6
nitrogen|7
oxygen|8
fluorine|9
neon|10
sodium|11
magnesium|12
aluminium|13
silicon|14
phosphorus|15
sulfur|16
chlorine|17
argon|18
potassium|19
calcium|20
iron|26
copper|29
zinc|30
silver|47
tin|50
iodine|53
gold|79
mercury|80
lead|82
uranium|92"""

_PLANET = """is the largest in the Solar System|Jupiter
is closest to the Sun|Mercury
is known as the Red Planet|Mars
has the Great Red Spot|Jupiter
is home to the volcano Olympus Mons|Mars
has the moons Phobos and Deimos|Mars
has the moon Titan|Saturn
has the moon Triton|Neptune
has the most prominent ring system|Saturn
has the hottest surface|Venus
is farthest from the Sun|Neptune
rotates tipped over on its side|Uranus
is the smallest|Mercury
is third from the Sun|Earth
is second from the Sun|Venus
is fourth from the Sun|Mars
is fifth from the Sun|Jupiter
is sixth from the Sun|Saturn
is seventh from the Sun|Uranus
is eighth from the Sun|Neptune
has the moons Io, Europa, Ganymede and Callisto|Jupiter
has the moon Miranda|Uranus
was discovered by William Herschel in 1781|Uranus
was found by mathematical prediction in 1846|Neptune
is the only one known to support life|Earth
takes longest to spin once on its axis|Venus"""

_INVENTOR = """inventing the telephone|Alexander Graham Bell
inventing the movable-type printing press in Europe|Johannes Gutenberg
inventing the World Wide Web|Tim Berners-Lee
inventing dynamite|Alfred Nobel
discovering penicillin|Alexander Fleming
developing the first widely used polio vaccine|Jonas Salk
developing the theory of general relativity|Albert Einstein
formulating the laws of motion and universal gravitation|Isaac Newton
proposing evolution by natural selection in On the Origin of Species|Charles Darwin
creating the periodic table of the elements|Dmitri Mendeleev
discovering radium and polonium|Marie Curie
making the first powered aeroplane flight|the Wright brothers
developing the first smallpox vaccine|Edward Jenner
developing pasteurisation|Louis Pasteur
inventing the phonograph|Thomas Edison
creating the Fahrenheit temperature scale|Daniel Gabriel Fahrenheit
creating the Celsius temperature scale|Anders Celsius
inventing the voltaic pile, an early electric battery|Alessandro Volta
proposing the heliocentric model of the Solar System in the Renaissance|Nicolaus Copernicus
formulating the laws of planetary motion|Johannes Kepler
inventing the Braille reading system|Louis Braille
co-developing Morse code|Samuel Morse
inventing the stethoscope|René Laennec
inventing the safety brake for lifts|Elisha Otis
inventing the cotton gin|Eli Whitney
designing the Analytical Engine|Charles Babbage
writing what is often called the first computer program|Ada Lovelace
discovering X-rays|Wilhelm Röntgen
formulating the equations of electromagnetism|James Clerk Maxwell
discovering the electron|J. J. Thomson
inventing the mechanical calculator called the Pascaline|Blaise Pascal
discovering the principle of buoyancy|Archimedes
inventing a practical alternating-current induction motor|Nikola Tesla"""

_AUTHOR = """1984|George Orwell
Animal Farm|George Orwell
Pride and Prejudice|Jane Austen
Emma|Jane Austen
Sense and Sensibility|Jane Austen
Moby-Dick|Herman Melville
Hamlet|William Shakespeare
Macbeth|William Shakespeare
Romeo and Juliet|William Shakespeare
War and Peace|Leo Tolstoy
Anna Karenina|Leo Tolstoy
Crime and Punishment|Fyodor Dostoevsky
The Great Gatsby|F. Scott Fitzgerald
To Kill a Mockingbird|Harper Lee
The Catcher in the Rye|J. D. Salinger
Don Quixote|Miguel de Cervantes
One Hundred Years of Solitude|Gabriel García Márquez
Frankenstein|Mary Shelley
Dracula|Bram Stoker
Jane Eyre|Charlotte Brontë
Wuthering Heights|Emily Brontë
Great Expectations|Charles Dickens
Oliver Twist|Charles Dickens
A Christmas Carol|Charles Dickens
The Divine Comedy|Dante Alighieri
Les Misérables|Victor Hugo
The Hobbit|J. R. R. Tolkien
The Lord of the Rings|J. R. R. Tolkien
Brave New World|Aldous Huxley
Fahrenheit 451|Ray Bradbury
The Old Man and the Sea|Ernest Hemingway
Of Mice and Men|John Steinbeck
The Grapes of Wrath|John Steinbeck
Ulysses|James Joyce
Mrs Dalloway|Virginia Woolf
Adventures of Huckleberry Finn|Mark Twain
Alice's Adventures in Wonderland|Lewis Carroll
The Picture of Dorian Gray|Oscar Wilde
Little Women|Louisa May Alcott
Treasure Island|Robert Louis Stevenson
The Metamorphosis|Franz Kafka
Things Fall Apart|Chinua Achebe
Beloved|Toni Morrison
The Handmaid's Tale|Margaret Atwood
Lord of the Flies|William Golding
Catch-22|Joseph Heller
The Count of Monte Cristo|Alexandre Dumas
Madame Bovary|Gustave Flaubert
Gulliver's Travels|Jonathan Swift
Robinson Crusoe|Daniel Defoe
The Time Machine|H. G. Wells
Around the World in Eighty Days|Jules Verne
Middlemarch|George Eliot
Paradise Lost|John Milton
The Jungle Book|Rudyard Kipling
Heart of Darkness|Joseph Conrad
Slaughterhouse-Five|Kurt Vonnegut
The Little Prince|Antoine de Saint-Exupéry
Anne of Green Gables|L. M. Montgomery
Charlotte's Web|E. B. White
Matilda|Roald Dahl
The Hound of the Baskervilles|Arthur Conan Doyle
Murder on the Orient Express|Agatha Christie
The Call of the Wild|Jack London
The Scarlet Letter|Nathaniel Hawthorne
Dune|Frank Herbert"""

_YEAR = """the Battle of Hastings|1066
the sealing of Magna Carta|1215
Columbus's first voyage to the Americas|1492
the publication of Martin Luther's Ninety-five Theses|1517
the defeat of the Spanish Armada|1588
the Great Fire of London|1666
the adoption of the US Declaration of Independence|1776
the storming of the Bastille|1789
the Battle of Waterloo|1815
the publication of On the Origin of Species|1859
the start of the American Civil War|1861
the Gettysburg Address|1863
the end of the American Civil War|1865
the first modern Olympic Games in Athens|1896
the Wright brothers' first powered flight|1903
the sinking of the Titanic|1912
the start of the First World War|1914
the October Revolution in Russia|1917
the end of the First World War|1918
the signing of the Treaty of Versailles|1919
the Wall Street Crash|1929
the start of the Second World War in Europe|1939
the end of the Second World War|1945
the founding of the United Nations|1945
Indian independence|1947
the launch of Sputnik 1|1957
Yuri Gagarin's first human spaceflight|1961
the building of the Berlin Wall|1961
the first crewed Moon landing|1969
the Chernobyl nuclear disaster|1986
the fall of the Berlin Wall|1989
Nelson Mandela's release from prison|1990
the launch of the Hubble Space Telescope|1990
the dissolution of the Soviet Union|1991
the introduction of euro coins and banknotes|2002"""

_UNIT = """force|newton
energy|joule
power|watt
electric current|ampere
electrical resistance|ohm
frequency|hertz
pressure|pascal
electric charge|coulomb
electric potential difference|volt
thermodynamic temperature|kelvin
mass|kilogram
length|metre
time|second
amount of substance|mole
luminous intensity|candela
capacitance|farad
magnetic flux density|tesla
inductance|henry
magnetic flux|weber
radioactive activity|becquerel"""

_YOUNG = """kangaroo|joey
cat|kitten
dog|puppy
cow|calf
horse|foal
sheep|lamb
goat|kid
pig|piglet
deer|fawn
bear|cub
lion|cub
tiger|cub
swan|cygnet
goose|gosling
duck|duckling
frog|tadpole
owl|owlet
eagle|eaglet
hare|leveret
elephant|calf
whale|calf
koala|joey
seal|pup
chicken|chick
turkey|poult
butterfly|caterpillar"""

_PAINTING = """the Mona Lisa|Leonardo da Vinci
The Last Supper|Leonardo da Vinci
The Starry Night|Vincent van Gogh
Sunflowers|Vincent van Gogh
Guernica|Pablo Picasso
Les Demoiselles d'Avignon|Pablo Picasso
The Persistence of Memory|Salvador Dalí
The Scream|Edvard Munch
Girl with a Pearl Earring|Johannes Vermeer
The Birth of Venus|Sandro Botticelli
the ceiling of the Sistine Chapel|Michelangelo
The Night Watch|Rembrandt
American Gothic|Grant Wood
The Kiss|Gustav Klimt
Nighthawks|Edward Hopper
Campbell's Soup Cans|Andy Warhol
Water Lilies|Claude Monet
Impression, Sunrise|Claude Monet
The Garden of Earthly Delights|Hieronymus Bosch
Las Meninas|Diego Velázquez
The Arnolfini Portrait|Jan van Eyck
The Hay Wain|John Constable
The Fighting Temeraire|J. M. W. Turner
Liberty Leading the People|Eugène Delacroix
The Son of Man|René Magritte
A Sunday Afternoon on the Island of La Grande Jatte|Georges Seurat
The School of Athens|Raphael"""

_CURRENCY = """Japan|yen
the United Kingdom|pound sterling
India|Indian rupee
China|renminbi
South Korea|South Korean won
Mexico|Mexican peso
Switzerland|Swiss franc
Russia|Russian rouble
Brazil|Brazilian real
South Africa|South African rand
Poland|Polish złoty
Sweden|Swedish krona
Norway|Norwegian krone
Denmark|Danish krone
Thailand|Thai baht
Turkey|Turkish lira
Vietnam|Vietnamese dong
Indonesia|Indonesian rupiah
Nigeria|Nigerian naira
Saudi Arabia|Saudi riyal
Hungary|Hungarian forint
the Czech Republic|Czech koruna
Egypt|Egyptian pound
Canada|Canadian dollar
Australia|Australian dollar
Argentina|Argentine peso
Kenya|Kenyan shilling
Malaysia|Malaysian ringgit
the Philippines|Philippine peso
Iceland|Icelandic króna"""

_CITY = """Sydney|Australia
Melbourne|Australia
Toronto|Canada
Vancouver|Canada
Montreal|Canada
Mumbai|India
Kolkata|India
Istanbul|Turkey
Barcelona|Spain
Seville|Spain
Munich|Germany
Hamburg|Germany
Milan|Italy
Venice|Italy
Naples|Italy
Rio de Janeiro|Brazil
São Paulo|Brazil
Casablanca|Morocco
Marrakesh|Morocco
Osaka|Japan
Kyoto|Japan
Shanghai|China
Cape Town|South Africa
Johannesburg|South Africa
Lagos|Nigeria
Alexandria|Egypt
Kraków|Poland
Porto|Portugal
Edinburgh|the United Kingdom
Manchester|the United Kingdom
Geneva|Switzerland
Zurich|Switzerland
Chicago|the United States
Los Angeles|the United States
Auckland|New Zealand
St Petersburg|Russia
Lyon|France
Marseille|France
Dubai|the United Arab Emirates
Ho Chi Minh City|Vietnam
Busan|South Korea
Rotterdam|the Netherlands
Antwerp|Belgium
Gothenburg|Sweden
Bergen|Norway"""


def _rows(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(line.split("|")) for line in text.splitlines())


CAPITALS = _rows(_CAPITALS)  # (country, capital, continent[*])
FACTS: dict[str, tuple[tuple[str, str], ...]] = {
    "capital": tuple((c, cap) for c, cap, _ in CAPITALS),
    "continent": tuple((c, cont) for c, _, cont in CAPITALS if not cont.endswith("*")),
    "chemical_symbol": _rows(_SYMBOL),
    "atomic_number": _rows(_ATOMIC),
    "planet": _rows(_PLANET),
    "inventor": _rows(_INVENTOR),
    "author": _rows(_AUTHOR),
    "year": _rows(_YEAR),
    "si_unit": _rows(_UNIT),
    "young_animal": _rows(_YOUNG),
    "painter": _rows(_PAINTING),
    "currency": _rows(_CURRENCY),
    "city_country": _rows(_CITY),
}
