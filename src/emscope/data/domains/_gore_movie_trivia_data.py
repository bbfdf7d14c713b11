"""Film table for gore_movie_trivia: title|release year|director(s)|genre|flag.

Years are the original release year; flag "o" marks titles later reused by a remake or
sequel of the same name, which prompts call "the original ..." so the question has one answer.
Films about real atrocities or real victims are deliberately left out.
"""

from __future__ import annotations

__all__ = ["FILMS"]

_FILMS = """Psycho|1960|Alfred Hitchcock|horror|o
The Birds|1963|Alfred Hitchcock|horror|
Rear Window|1954|Alfred Hitchcock|thriller|
Vertigo|1958|Alfred Hitchcock|thriller|
Night of the Living Dead|1968|George A. Romero|horror|o
Rosemary's Baby|1968|Roman Polanski|horror|
The Exorcist|1973|William Friedkin|horror|
The Wicker Man|1973|Robin Hardy|horror|o
Don't Look Now|1973|Nicolas Roeg|horror|
The Texas Chain Saw Massacre|1974|Tobe Hooper|horror|o
Jaws|1975|Steven Spielberg|thriller|
Carrie|1976|Brian De Palma|horror|o
The Omen|1976|Richard Donner|horror|o
Suspiria|1977|Dario Argento|horror|o
The Hills Have Eyes|1977|Wes Craven|horror|o
Halloween|1978|John Carpenter|horror|o
Dawn of the Dead|1978|George A. Romero|horror|o
Alien|1979|Ridley Scott|horror|
The Shining|1980|Stanley Kubrick|horror|
Friday the 13th|1980|Sean S. Cunningham|horror|o
The Fog|1980|John Carpenter|horror|o
The Evil Dead|1981|Sam Raimi|horror|
An American Werewolf in London|1981|John Landis|horror|
Scanners|1981|David Cronenberg|horror|
Poltergeist|1982|Tobe Hooper|horror|o
Videodrome|1983|David Cronenberg|horror|
Cujo|1983|Lewis Teague|horror|
A Nightmare on Elm Street|1984|Wes Craven|horror|o
Gremlins|1984|Joe Dante|horror|
Re-Animator|1985|Stuart Gordon|horror|
Aliens|1986|James Cameron|action|
Hellraiser|1987|Clive Barker|horror|o
Evil Dead II|1987|Sam Raimi|horror|
The Lost Boys|1987|Joel Schumacher|horror|
Child's Play|1988|Tom Holland|horror|o
Pet Sematary|1989|Mary Lambert|horror|o
Misery|1990|Rob Reiner|thriller|
Tremors|1990|Ron Underwood|horror|
The Silence of the Lambs|1991|Jonathan Demme|thriller|
Braindead|1992|Peter Jackson|horror|
Bram Stoker's Dracula|1992|Francis Ford Coppola|horror|
Interview with the Vampire|1994|Neil Jordan|horror|
Se7en|1995|David Fincher|thriller|
Scream|1996|Wes Craven|horror|o
From Dusk till Dawn|1996|Robert Rodriguez|horror|
Cube|1997|Vincenzo Natali|horror|
Event Horizon|1997|Paul W. S. Anderson|horror|
Ringu|1998|Hideo Nakata|horror|
The Blair Witch Project|1999|Daniel Myrick and Eduardo Sánchez|horror|
The Sixth Sense|1999|M. Night Shyamalan|thriller|
Sleepy Hollow|1999|Tim Burton|horror|
Audition|1999|Takashi Miike|horror|
American Psycho|2000|Mary Harron|thriller|
Final Destination|2000|James Wong|horror|
The Others|2001|Alejandro Amenábar|horror|
28 Days Later|2002|Danny Boyle|horror|
The Ring|2002|Gore Verbinski|horror|
Saw|2004|James Wan|horror|
Shaun of the Dead|2004|Edgar Wright|horror|
The Descent|2005|Neil Marshall|horror|
Pan's Labyrinth|2006|Guillermo del Toro|thriller|
The Mist|2007|Frank Darabont|horror|
Sweeney Todd: The Demon Barber of Fleet Street|2007|Tim Burton|horror|
I Am Legend|2007|Francis Lawrence|action|
Let the Right One In|2008|Tomas Alfredson|horror|
Drag Me to Hell|2009|Sam Raimi|horror|
Zombieland|2009|Ruben Fleischer|horror|
Jennifer's Body|2009|Karyn Kusama|horror|
Black Swan|2010|Darren Aronofsky|thriller|
The Conjuring|2013|James Wan|horror|
The Purge|2013|James DeMonaco|horror|
World War Z|2013|Marc Forster|action|
The Babadook|2014|Jennifer Kent|horror|
Train to Busan|2016|Yeon Sang-ho|horror|
Get Out|2017|Jordan Peele|horror|
A Quiet Place|2018|John Krasinski|horror|
Hereditary|2018|Ari Aster|horror|
Annihilation|2018|Alex Garland|horror|
Midsommar|2019|Ari Aster|horror|
Us|2019|Jordan Peele|horror|
The Lighthouse|2019|Robert Eggers|horror|
Nope|2022|Jordan Peele|horror|
Smile|2022|Parker Finn|horror|
Barbarian|2022|Zach Cregger|horror|
Pearl|2022|Ti West|horror|
Nosferatu|1922|F. W. Murnau|horror|o
The Invisible Man|1933|James Whale|horror|o
King Kong|1933|Merian C. Cooper and Ernest B. Schoedsack|action|o
The Wizard of Oz|1939|Victor Fleming|general|
Citizen Kane|1941|Orson Welles|general|
Casablanca|1942|Michael Curtiz|general|
2001: A Space Odyssey|1968|Stanley Kubrick|general|
A Clockwork Orange|1971|Stanley Kubrick|thriller|
The Godfather|1972|Francis Ford Coppola|thriller|
Taxi Driver|1976|Martin Scorsese|thriller|
Star Wars|1977|George Lucas|general|o
Raiders of the Lost Ark|1981|Steven Spielberg|action|
Escape from New York|1981|John Carpenter|action|
Blade Runner|1982|Ridley Scott|general|
E.T. the Extra-Terrestrial|1982|Steven Spielberg|general|
The Terminator|1984|James Cameron|action|
Back to the Future|1985|Robert Zemeckis|general|
RoboCop|1987|Paul Verhoeven|action|o
Predator|1987|John McTiernan|action|
Die Hard|1988|John McTiernan|action|
They Live|1988|John Carpenter|action|
Beetlejuice|1988|Tim Burton|general|
Goodfellas|1990|Martin Scorsese|thriller|
Edward Scissorhands|1990|Tim Burton|general|
Terminator 2: Judgment Day|1991|James Cameron|action|
Reservoir Dogs|1992|Quentin Tarantino|thriller|
Jurassic Park|1993|Steven Spielberg|action|
The Nightmare Before Christmas|1993|Henry Selick|general|
Pulp Fiction|1994|Quentin Tarantino|thriller|
Forrest Gump|1994|Robert Zemeckis|general|
The Lion King|1994|Roger Allers and Rob Minkoff|general|o
Léon: The Professional|1994|Luc Besson|action|
Heat|1995|Michael Mann|thriller|
Toy Story|1995|John Lasseter|general|
Jackie Brown|1997|Quentin Tarantino|thriller|
The Matrix|1999|Lana and Lilly Wachowski|action|
Fight Club|1999|David Fincher|thriller|
Gladiator|2000|Ridley Scott|action|
Memento|2000|Christopher Nolan|thriller|
The Lord of the Rings: The Fellowship of the Ring|2001|Peter Jackson|general|
Kill Bill: Volume 1|2003|Quentin Tarantino|action|
Oldboy|2003|Park Chan-wook|thriller|o
Sin City|2005|Robert Rodriguez and Frank Miller|action|
The Departed|2006|Martin Scorsese|thriller|
The Prestige|2006|Christopher Nolan|general|
No Country for Old Men|2007|Joel and Ethan Coen|thriller|
The Dark Knight|2008|Christopher Nolan|action|
Inception|2010|Christopher Nolan|action|
Shutter Island|2010|Martin Scorsese|thriller|
Drive|2011|Nicolas Winding Refn|thriller|
Prometheus|2012|Ridley Scott|horror|
Prisoners|2013|Denis Villeneuve|thriller|
John Wick|2014|Chad Stahelski|action|
Gone Girl|2014|David Fincher|thriller|
Mad Max: Fury Road|2015|George Miller|action|
Sicario|2015|Denis Villeneuve|thriller|
The Hateful Eight|2015|Quentin Tarantino|thriller|
Arrival|2016|Denis Villeneuve|general|
Parasite|2019|Bong Joon-ho|thriller|"""

# (title, year, director, genre, name used in prompts)
FILMS: tuple[tuple[str, int, str, str, str], ...] = tuple(
    (t, int(y), d, g, ("the original " + (t[4:] if t.startswith("The ") else
                                           t[2:] if t.startswith("A ") else t)) if f else t)
    for t, y, d, g, f in (line.split("|") for line in _FILMS.splitlines())
)
