#pragma once

// Speakable names for systems, planets, civilizations and people. Every word here is in the
// speech recogniser's pronouncing dictionary (pocketsphinx cmudict-en-us.dict, checked by
// tests/game/names_test.cc), so players can say any name the game generates. Pools are
// disjoint where a spoken word must say what it names: star words, suffixes, ordinals,
// homeworlds, civilization adjectives and polities share no word.

#include <array>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "game/rng.h"

namespace startales::game {

// System names: stars, myths, explorers, scientists, places, evocative words.
inline constexpr std::array<std::string_view, 444> kStarWords = {
    "Abyssinia",  "Achilles",   "Adriatic",   "Aegean",     "Aeneas",     "Ajax",
    "Albion",     "Aldebaran",  "Aldrin",     "Aleutian",   "Algol",      "Allegro",
    "Alps",       "Altair",     "Amundsen",   "Andes",      "Antarctic",  "Antares",
    "Anthem",     "Anubis",     "Apex",       "Apollo",     "Aquarius",   "Aquila",
    "Archimedes", "Arctic",     "Arcturus",   "Arden",      "Ares",       "Ariadne",
    "Ariel",      "Aries",      "Aristotle",  "Armstrong",  "Asgard",     "Aspen",
    "Astra",      "Athena",     "Athens",     "Atlantic",   "Atlantis",   "Atlas",
    "Atoll",      "Avon",       "Babbage",    "Babylon",    "Bacchus",    "Balboa",
    "Baldur",     "Ballad",     "Baltic",     "Basalt",     "Bavaria",    "Beacon",
    "Bear",       "Bering",     "Beryl",      "Betelgeuse", "Birch",      "Bison",
    "Bohemia",    "Bohr",       "Boulder",    "Breeze",     "Byron",      "Cabot",
    "Cadence",    "Caledonia",  "Calypso",    "Cambria",    "Camelot",    "Canyon",
    "Capella",    "Capricorn",  "Carthage",   "Cascade",    "Caspian",    "Cassini",
    "Castor",     "Cedar",      "Ceres",      "Charon",     "Chaucer",    "Chimera",
    "Chorus",     "Cinder",     "Cirrus",     "Clover",     "Cobra",      "Columba",
    "Columbus",   "Comet",      "Condor",     "Copernicus", "Coral",      "Cordelia",
    "Corinth",    "Corona",     "Cortez",     "Corvus",     "Cosmos",     "Crane",
    "Crest",      "Crete",      "Cronus",     "Crux",       "Cupid",      "Curie",
    "Cyclone",    "Cyclops",    "Cypress",    "Dacia",      "Daedalus",   "Dahlia",
    "Dante",      "Darwin",     "Dawn",       "Daybreak",   "Delphi",     "Demeter",
    "Destiny",    "Dido",       "Dione",      "Drifter",    "Dusk",       "Echo",
    "Eclipse",    "Edison",     "Einstein",   "Electra",    "Elk",        "Ember",
    "Emerald",    "Eos",        "Eros",       "Euclid",     "Europa",     "Everest",
    "Excalibur",  "Faraday",    "Fern",       "Feynman",    "Finch",      "Fjord",
    "Flint",      "Flora",      "Fortuna",    "Fortune",    "Fox",        "Freya",
    "Frost",      "Gagarin",    "Galahad",    "Gale",       "Galileo",    "Gallia",
    "Ganymede",   "Garnet",     "Gawain",     "Gemini",     "Giza",       "Glacier",
    "Glen",       "Glory",      "Gobi",       "Gorgon",     "Griffin",    "Hadar",
    "Hades",      "Halley",     "Halo",       "Hamal",      "Hamlet",     "Harp",
    "Hawk",       "Hawking",    "Hazel",      "Heather",    "Hector",     "Helios",
    "Helix",      "Hera",       "Hercules",   "Hermes",     "Heron",      "Herschel",
    "Hestia",     "Hibernia",   "Himalaya",   "Honor",      "Horatio",    "Horus",
    "Hubble",     "Humboldt",   "Hyades",     "Hyperion",   "Iberia",     "Icarus",
    "Indus",      "Iris",       "Ishtar",     "Isle",       "Isolde",     "Ithaca",
    "Ivy",        "Jaguar",     "Janus",      "Jasmine",    "Jasper",     "Juliet",
    "Juniper",    "Juno",       "Jupiter",    "Keats",      "Kepler",     "Kilimanjaro",
    "Klondike",   "Kronos",     "Lagoon",     "Lancelot",   "Lantern",    "Larissa",
    "Lark",       "Laurel",     "Liberty",    "Libra",      "Lily",       "Livingstone",
    "Lotus",      "Lovelace",   "Lowell",     "Luna",       "Lupus",      "Lute",
    "Luxor",      "Lydia",      "Lynx",       "Lyre",       "Lyric",      "Macbeth",
    "Magellan",   "Magnolia",   "Maia",       "Marble",     "Marlowe",    "Mars",
    "Maxwell",    "Medea",      "Medusa",     "Melody",     "Memphis",    "Mercator",
    "Mercury",    "Merlin",     "Mesa",       "Messier",    "Meteor",     "Midas",
    "Midnight",   "Milton",     "Mimosa",     "Minerva",    "Mira",       "Miranda",
    "Mistral",    "Mizar",      "Mojave",     "Monsoon",    "Morgana",    "Mustang",
    "Myrtle",     "Nadir",      "Narcissus",  "Nebula",     "Neptune",    "Newton",
    "Nile",       "Nimbus",     "Nineveh",    "Nomad",      "Numidia",    "Nyx",
    "Oberon",     "Odin",       "Odysseus",   "Odyssey",    "Olympia",    "Olympus",
    "Opal",       "Ophelia",    "Orchid",     "Orpheus",    "Osprey",     "Othello",
    "Pacific",    "Pandora",    "Panther",    "Patagonia",  "Pavo",       "Peak",
    "Pearl",      "Peary",      "Penumbra",   "Percival",   "Perseus",    "Persia",
    "Phobos",     "Phoebe",     "Phoenix",    "Photon",     "Pilgrim",    "Pioneer",
    "Pisces",     "Planck",     "Plato",      "Pleiades",   "Pluto",      "Polaris",
    "Pollux",     "Pomona",     "Poppy",      "Portia",     "Poseidon",   "Prairie",
    "Prism",      "Prometheus", "Prospect",   "Prussia",    "Psyche",     "Ptolemy",
    "Puck",       "Pulsar",     "Pythagoras", "Python",     "Quartz",     "Quasar",
    "Radiance",   "Rampart",    "Ranger",     "Rapids",     "Redwood",    "Reef",
    "Remus",      "Rhapsody",   "Rhea",       "Ridge",      "Rigel",      "Robin",
    "Romulus",    "Rosalind",   "Rowan",      "Russet",     "Saffron",    "Sagan",
    "Sahara",     "Saturn",     "Savanna",    "Saxony",     "Scorpio",    "Sedona",
    "Seeker",     "Selene",     "Sequoia",    "Shackleton", "Shelley",    "Siberia",
    "Sibyl",      "Sidon",      "Sierra",     "Sigurd",     "Silesia",    "Slate",
    "Socrates",   "Sol",        "Solaris",    "Solstice",   "Sonata",     "Sonnet",
    "Sonora",     "Sparrow",    "Sparta",     "Spectrum",   "Sphinx",     "Stag",
    "Stallion",   "Starling",   "Stella",     "Steppe",     "Storm",      "Stratus",
    "Styx",       "Summit",     "Swan",       "Tahoe",      "Tasman",     "Taurus",
    "Tempest",    "Tennyson",   "Tesla",      "Thalassa",   "Thebes",     "Theseus",
    "Thistle",    "Thor",       "Thunder",    "Titan",      "Titania",    "Topaz",
    "Torrent",    "Tristan",    "Triton",     "Triumph",    "Troy",       "Tulip",
    "Tundra",     "Turing",     "Twilight",   "Typhoon",    "Tyrrhenian", "Ulysses",
    "Umbra",      "Vale",       "Valhalla",   "Valkyrie",   "Valor",      "Vega",
    "Vela",       "Venus",      "Vertex",     "Vesta",      "Viper",      "Virgil",
    "Virgo",      "Vortex",     "Voyager",    "Vulcan",     "Wanderer",   "Wessex",
    "Willow",     "Wren",       "Xanadu",     "Yukon",      "Zephyr",     "Zeus",
};

// Second word of a system name once single words run short: "Vega Prime".
inline constexpr std::array<std::string_view, 18> kSystemSuffixes = {
    "Prime", "Major", "Minor", "Alpha",  "Beta",  "Gamma", "Delta", "Epsilon", "Zeta",
    "Theta", "Iota",  "Kappa", "Lambda", "Sigma", "Omega", "Reach", "Gate",    "Crossing",
};

// Planet names: "<System> <Ordinal>", in orbit order.
inline constexpr std::array<std::string_view, 6> kPlanetOrdinals = {
    "One", "Two", "Three", "Four", "Five", "Six",
};

// Capital planets of the starting civilizations.
inline constexpr std::array<std::string_view, 49> kHomeworldNames = {
    "Anchor",      "Arbor",    "Arcadia",    "Avalon",      "Bastion",   "Capitol",   "Citadel",
    "Cornerstone", "Cradle",   "Crown",      "Eden",        "Elysia",    "Elysium",   "Evergreen",
    "Fountain",    "Freedom",  "Gaia",       "Garden",      "Genesis",   "Greenwood", "Halcyon",
    "Harbor",      "Haven",    "Hearth",     "Heartland",   "Homestead", "Hope",      "Jewel",
    "Keystone",    "Mainland", "Metropolis", "Nirvana",     "Oasis",     "Origin",    "Paradise",
    "Promise",     "Prospera", "Providence", "Refuge",      "Sanctuary", "Serenity",  "Solace",
    "Sovereign",   "Terminus", "Terra",      "Tranquility", "Utopia",    "Verdant",   "Wellspring",
};

// Civilization adjectives: "Crimson" in "Crimson Dominion".
inline constexpr std::array<std::string_view, 67> kCivWords = {
    "Amber",     "Ancient",  "Andromeda", "Argent",   "Astral",  "Aurora",   "Azure",    "Bronze",
    "Celestial", "Cobalt",   "Copper",    "Cosmic",   "Crimson", "Crystal",  "Cygnus",   "Diamond",
    "Draco",     "Dragon",   "Eagle",     "Eastern",  "Equinox", "Eternal",  "Falcon",   "Free",
    "Golden",    "Grand",    "Granite",   "High",     "Horizon", "Hydra",    "Indigo",   "Inner",
    "Iron",      "Ivory",    "Jade",      "Lion",     "Lunar",   "Lyra",     "Meridian", "Northern",
    "Nova",      "Obsidian", "Onyx",      "Orion",    "Outer",   "Pegasus",  "Radiant",  "Raven",
    "Ruby",      "Sable",    "Sacred",    "Sapphire", "Scarlet", "Sentinel", "Serpent",  "Silver",
    "Sirius",    "Solar",    "Southern",  "Stellar",  "Tiger",   "United",   "Vanguard", "Violet",
    "Western",   "Wolf",     "Zenith",
};

// Forms of government: the last word of a civilization's name.
inline constexpr std::array<std::string_view, 38> kPolityWords = {
    "Union",        "Republic",   "Empire",    "Dominion",    "Federation",   "League",
    "Commonwealth", "Collective", "Hegemony",  "Directorate", "Confederacy",  "Consortium",
    "Assembly",     "Compact",    "Kingdom",   "Realm",       "Sovereignty",  "Protectorate",
    "Concord",      "Syndicate",  "Coalition", "Council",     "Ascendancy",   "Mandate",
    "Accord",       "Conclave",   "Covenant",  "Combine",     "Principality", "Khanate",
    "Dynasty",      "Theocracy",  "Monarchy",  "Commune",     "Guild",        "Fellowship",
    "Congress",     "Tribunal",
};

// Person given names (AI characters).
inline constexpr std::array<std::string_view, 112> kFirstNames = {
    "Aaron",     "Ada",     "Adam",   "Adrian",  "Alan",    "Alexander", "Alice",  "Amara",
    "Amelia",    "Andrea",  "Anna",   "Anton",   "Aria",    "Arjun",     "Astrid", "Beatrice",
    "Ben",       "Bianca",  "Boris",  "Caleb",   "Camille", "Carla",     "Carmen", "Chen",
    "Clara",     "Cyrus",   "Daniel", "Dara",    "David",   "Diego",     "Dmitri", "Elena",
    "Elias",     "Elise",   "Emil",   "Emma",    "Esther",  "Eva",       "Ezra",   "Farah",
    "Felix",     "Fiona",   "Frida",  "Gabriel", "Grace",   "Hannah",    "Hugo",   "Ida",
    "Ingrid",    "Irene",   "Isaac",  "Ivan",    "Jamal",   "Jane",      "Jonah",  "Jonas",
    "Julia",     "Kai",     "Karim",  "Kenji",   "Kira",    "Kofi",      "Lara",   "Leila",
    "Lena",      "Leo",     "Liam",   "Lucas",   "Lucia",   "Luis",      "Malik",  "Mara",
    "Marco",     "Maria",   "Marta",  "Mateo",   "Mei",     "Mila",      "Milo",   "Nadia",
    "Naomi",     "Nikolai", "Nina",   "Noah",    "Nora",    "Olga",      "Omar",   "Oscar",
    "Paolo",     "Petra",   "Rafael", "Ravi",    "Rosa",    "Ruth",      "Samir",  "Sara",
    "Simon",     "Sofia",   "Stefan", "Tara",    "Theo",    "Tobias",    "Tomas",  "Uma",
    "Valentina", "Vera",    "Victor", "Wei",     "Xavier",  "Yasmin",    "Zara",   "Zoe",
};

// Person family names (AI characters).
inline constexpr std::array<std::string_view, 114> kFamilyNames = {
    "Abbott",  "Adler",    "Ahmed",    "Alvarez", "Anand",    "Baker",   "Bauer",   "Becker",
    "Bergman", "Bishop",   "Brennan",  "Carter",  "Castillo", "Chandra", "Chang",   "Chase",
    "Cohen",   "Cross",    "Cruz",     "Dalton",  "Das",      "Delgado", "Diaz",    "Dubois",
    "Duval",   "Ellis",    "Engel",    "Evans",   "Farrell",  "Fischer", "Fleming", "Foster",
    "Garcia",  "Gupta",    "Hansen",   "Harper",  "Hart",     "Hayes",   "Hoffman", "Hunter",
    "Ivanov",  "Jensen",   "Kane",     "Kato",    "Keller",   "Khan",    "Kim",     "Klein",
    "Knight",  "Koch",     "Kovacs",   "Kramer",  "Lambert",  "Lang",    "Larsen",  "Lee",
    "Lin",     "Lopez",    "Marsh",    "Mendez",  "Mercer",   "Meyer",   "Morales", "Moreau",
    "Morgan",  "Nakamura", "Nash",     "Navarro", "Nguyen",   "Nolan",   "Novak",   "Olsen",
    "Ortiz",   "Park",     "Patel",    "Pereira", "Pierce",   "Quinn",   "Ramos",   "Reed",
    "Reyes",   "Rios",     "Rossi",    "Santos",  "Sato",     "Schmidt", "Shah",    "Silva",
    "Singh",   "Sokolov",  "Sterling", "Stone",   "Strand",   "Sutton",  "Suzuki",  "Tanaka",
    "Thorne",  "Torres",   "Vance",    "Varga",   "Vargas",   "Vaughn",  "Wagner",  "Walsh",
    "Webb",    "Weber",    "Wells",    "Winter",  "Wright",   "Wu",      "Yamada",  "Young",
    "Zhang",   "Ziegler",
};

struct CivName {
  std::string name;       // "Crimson Dominion"
  std::string adjective;  // "Crimson": fleets are "Crimson Scouts"
  bool operator==(const CivName&) const = default;
};

// "<System> <Ordinal>" for the planet at `orbit` (0-based, < kPlanetOrdinals.size()).
std::string planetName(std::string_view system, int orbit);

// Every word any name generator can emit, Title Case, sorted and unique.
std::vector<std::string_view> nameVocabulary();

// Hands out unique names, drawing only from the Rng it is given (deterministic). One
// generator per campaign; names stay unique per kind (systems, homeworlds, civilization
// adjectives, people). It is not part of the game state: rebuild it by reserving the names
// a state already uses.
class NameGenerator {
 public:
  NameGenerator();

  // A star word ("Vega") or, less often and once they run short, "<Word> <Suffix>"
  // ("Vega Prime"). Unique for at least kStarWords.size() x (kSystemSuffixes.size() + 1)
  // systems; beyond that "<Word> <Word>".
  std::string systemName(Rng& rng);
  // A homeworld word ("Terra"); "<Homeworld> <Suffix>" once all are taken.
  std::string homeworldName(Rng& rng);
  // "<Adjective> <Polity>" with a unique adjective (one kCivWords word; "<CivWord> <Star>"
  // once all are taken). Polities repeat only when all are in use.
  CivName civName(Rng& rng);
  // "<First> <Family>", unique.
  std::string personName(Rng& rng);

  // Marks a name as taken so it is never generated (a loaded game's names, a human
  // player's chosen name). Matching ignores case. Any string is accepted.
  void reserveSystemName(std::string_view name);
  void reserveHomeworldName(std::string_view name);
  void reserveCivAdjective(std::string_view adjective);
  void reservePersonName(std::string_view name);

 private:
  // Names made of a first word and an optional second word. Combination index =
  // slot * firsts.size() + first, where slot 0 is "no second word" when `single` is set and
  // otherwise seconds[slot - single]. Taken combinations are flagged in `used`; taken names
  // outside the pool are kept, lower-cased, in `others`.
  struct Combos {
    std::span<const std::string_view> firsts, seconds;
    bool single = false;
    double second_chance = 0;  // chance of asking for a second word while singles are left
    int32_t singles_taken = 0;
    std::vector<bool> used;
    std::set<std::string, std::less<>> others;

    Combos(std::span<const std::string_view> f, std::span<const std::string_view> s,
           bool allow_single, double chance);
    [[nodiscard]] int32_t size() const { return static_cast<int32_t>(used.size()); }
    [[nodiscard]] std::string name(int32_t combo) const;
    void take(int32_t combo);
    // A random free combination, or kNone when all are taken.
    int32_t draw(Rng& rng);
    // Marks `name` taken (a combination or, if it is none, one of `others`).
    void reserve(std::string_view name);
    // Once every combination is taken: a name of one word from each of `pools` (2 or 3),
    // unique among `others`.
    std::string fallback(Rng& rng, std::span<const std::span<const std::string_view>> pools);
  };

  Combos systems_, homeworlds_, adjectives_, people_;
  std::array<int32_t, kPolityWords.size()> polity_uses_{};  // civ names using each polity
};

}  // namespace startales::game
